//! Counting words the way an editor does for a word limit.
//!
//! A word is a run of characters between white space that contains at least
//! one letter or digit, so Markdown markers (`-`, `**`, `#`) and stray
//! punctuation do not count, while "US-brokered", "1992" and "don't" count
//! once each. Scripts written without spaces between words (Chinese,
//! Japanese) count each character as a word, as word processors do, so that
//! a word limit means something for them too.

pub fn count_words(text: &str) -> usize {
    // Word limits are checked on every text of every record, so this loop
    // runs over most of an archive's bytes: ASCII is classified by table, a
    // byte at a time, and only other characters are decoded.
    //
    // A word is a maximal run of characters between white space and
    // unspaced-script characters that contains a letter or digit; each
    // unspaced-script character is a word of its own.
    let bytes = text.as_bytes();
    let mut words = 0;
    let mut run_has_alphanumeric = false;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        if byte < 0x80 {
            match ASCII_CLASS[usize::from(byte)] {
                WHITE_SPACE => {
                    words += usize::from(run_has_alphanumeric);
                    run_has_alphanumeric = false;
                }
                ALPHANUMERIC => run_has_alphanumeric = true,
                _ => {}
            }
            index += 1;
            continue;
        }
        let ch = text[index..].chars().next().unwrap_or(' ');
        index += ch.len_utf8();
        if ch.is_whitespace() {
            words += usize::from(run_has_alphanumeric);
            run_has_alphanumeric = false;
        } else if is_unspaced_script(ch) {
            words += 1 + usize::from(run_has_alphanumeric);
            run_has_alphanumeric = false;
        } else if ch.is_alphanumeric() {
            run_has_alphanumeric = true;
        }
    }
    words + usize::from(run_has_alphanumeric)
}

const OTHER: u8 = 0;
const WHITE_SPACE: u8 = 1;
const ALPHANUMERIC: u8 = 2;

/// The class of each ASCII byte; white space is what `char::is_whitespace`
/// says (tab, line feed, vertical tab, form feed, carriage return, space).
const ASCII_CLASS: [u8; 128] = {
    let mut table = [OTHER; 128];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        table[byte] = if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            WHITE_SPACE
        } else if b.is_ascii_alphanumeric() {
            ALPHANUMERIC
        } else {
            OTHER
        };
        byte += 1;
    }
    table
};

/// Han ideographs, kana and the like: scripts that do not put spaces
/// between words.
fn is_unspaced_script(ch: char) -> bool {
    matches!(ch,
        '\u{3040}'..='\u{30FF}'   // Hiragana, Katakana
        | '\u{3400}'..='\u{4DBF}' // CJK Extension A
        | '\u{4E00}'..='\u{9FFF}' // CJK Unified Ideographs
        | '\u{F900}'..='\u{FAFF}' // CJK Compatibility Ideographs
        | '\u{FF66}'..='\u{FF9F}' // Half-width Katakana
        | '\u{20000}'..='\u{2FA1F}' // CJK Extensions B onwards
        | '\u{0E00}'..='\u{0E7F}' // Thai
        | '\u{0E80}'..='\u{0EFF}' // Lao
        | '\u{1000}'..='\u{109F}' // Myanmar
        | '\u{1780}'..='\u{17FF}' // Khmer
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_markers_are_not_words() {
        assert_eq!(count_words("- **Kazakhstan** joins"), 2);
        assert_eq!(count_words("# Heading\n\n> quote — here"), 3);
    }

    #[test]
    fn hyphenated_and_numbers_count_once() {
        assert_eq!(count_words("US-brokered accords since 1992, don't"), 5);
        assert_eq!(count_words("Zoë’s café-bar"), 2);
    }

    #[test]
    fn spaced_scripts_count_by_spaces() {
        assert_eq!(count_words("Қазақстан Израиль"), 2);
        assert_eq!(count_words("كازاخستان تنضم"), 2);
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  \n\t "), 0);
    }

    #[test]
    fn unicode_white_space_separates_words() {
        assert_eq!(count_words("a\u{a0}b\u{2003}c"), 3);
        assert_eq!(count_words("word\u{3000}語"), 2);
        assert_eq!(count_words("tab\tand\x0Bvt"), 3);
    }

    #[test]
    fn fast_path_agrees_with_the_simple_definition() {
        let samples = [
            "Kazakhstan says it will become the newest member of the **Abraham Accords**,\nthe agreements.",
            "- — ** 1992 US-brokered “quoted” café",
            "  leading and trailing  ",
            "",
            "a",
        ];
        for sample in samples {
            let simple = sample
                .split_whitespace()
                .filter(|token| token.chars().any(char::is_alphanumeric))
                .count();
            assert_eq!(count_words(sample), simple, "{sample:?}");
        }
    }

    #[test]
    fn unspaced_scripts_count_by_character() {
        assert_eq!(count_words("以色列"), 3);
        assert_eq!(count_words("東京で会議"), 5);
        assert_eq!(count_words("在2025年"), 3);
        assert_eq!(count_words("NATO加盟"), 3);
    }
}
