//! Counting words the way an editor does for a word limit.
//!
//! A word is a run of characters between white space that contains at least
//! one letter or digit, so Markdown markers (`-`, `**`, `#`) and stray
//! punctuation do not count, while "US-brokered", "1992" and "don't" count
//! once each. Scripts written without spaces between words (Chinese,
//! Japanese) count each character as a word, as word processors do, so that
//! a word limit means something for them too.

pub fn count_words(text: &str) -> usize {
    text.split_whitespace().map(count_token).sum()
}

fn count_token(token: &str) -> usize {
    if token.is_ascii() {
        return usize::from(token.bytes().any(|b| b.is_ascii_alphanumeric()));
    }
    let mut words = 0;
    let mut in_spaced_word = false;
    for ch in token.chars() {
        if is_unspaced_script(ch) {
            words += 1;
            in_spaced_word = false;
        } else if ch.is_alphanumeric() {
            if !in_spaced_word {
                words += 1;
                in_spaced_word = true;
            }
        } else if !matches!(ch, '-' | '\'' | '’' | '.' | ',') {
            // Punctuation between CJK and Latin runs separates words;
            // hyphens and apostrophes inside a word do not.
            in_spaced_word = false;
        }
    }
    words
}

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
    fn unspaced_scripts_count_by_character() {
        assert_eq!(count_words("以色列"), 3);
        assert_eq!(count_words("東京で会議"), 5);
        assert_eq!(count_words("在2025年"), 3);
        assert_eq!(count_words("NATO加盟"), 3);
    }
}
