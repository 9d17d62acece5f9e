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
    // runs over most of an archive's bytes. Eight ASCII bytes at a time are
    // classified with word-wide arithmetic (`ascii_block`); other characters
    // are decoded one by one.
    //
    // A word is a maximal run of characters between white space and
    // unspaced-script characters that contains a letter or digit; each
    // unspaced-script character is a word of its own.
    let bytes = text.as_bytes();
    let mut counter = Counter::default();
    let mut index = 0;
    while index < bytes.len() {
        if let Some(block) = bytes.get(index..index + 8) {
            let block = u64::from_le_bytes(block.try_into().unwrap_or([0x80; 8]));
            if block & HIGH_BITS == 0 {
                counter.ascii_block(block);
                index += 8;
                continue;
            }
        }
        let byte = bytes[index];
        if byte < 0x80 {
            counter.ascii_byte(byte);
            index += 1;
            continue;
        }
        let ch = text[index..].chars().next().unwrap_or(' ');
        index += ch.len_utf8();
        counter.char(ch);
    }
    counter.words + counter.run
}

#[derive(Default)]
struct Counter {
    words: usize,
    /// 1 while the current run has a letter or digit.
    run: usize,
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `block` that lies in `low..=high`. Every byte
/// must be ASCII, so that the additions never carry into the next byte.
fn in_range(block: u64, low: u8, high: u8) -> u64 {
    let at_least_low = block.wrapping_add(ONES * (0x80 - u64::from(low)));
    let above_high = block.wrapping_add(ONES * (0x7F - u64::from(high)));
    at_least_low & !above_high & HIGH_BITS
}

impl Counter {
    fn ascii_byte(&mut self, byte: u8) {
        let class = ASCII_CLASS[usize::from(byte)];
        let white_space = usize::from(class & WHITE_SPACE);
        let alphanumeric = usize::from(class >> 1);
        self.words += self.run & white_space;
        self.run = (self.run | alphanumeric) & (white_space ^ 1);
    }

    /// Eight ASCII bytes at once: each byte's class is one bit (its high
    /// bit) of a mask, and each white-space byte ends a word if a letter or
    /// digit came since the white space before it.
    fn ascii_block(&mut self, block: u64) {
        let white_space = in_range(block, b'\t', b'\r') | in_range(block, b' ', b' ');
        let alphanumeric =
            in_range(block, b'0', b'9') | in_range(block | (ONES * 0x20), b'a', b'z');
        let mut remaining = white_space;
        let mut done = 0u64;
        while remaining != 0 {
            let bit = remaining & remaining.wrapping_neg();
            let before = bit - 1;
            let letters_since = alphanumeric & before & !done;
            self.words += self.run | usize::from(letters_since != 0);
            self.run = 0;
            done = before | bit;
            remaining &= remaining - 1;
        }
        self.run |= usize::from(alphanumeric & !done != 0);
    }

    fn char(&mut self, ch: char) {
        if ch.is_whitespace() {
            self.words += self.run;
            self.run = 0;
        } else if is_unspaced_script(ch) {
            self.words += 1 + self.run;
            self.run = 0;
        } else if ch.is_alphanumeric() {
            self.run = 1;
        }
    }
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
pub(crate) fn is_unspaced_script(ch: char) -> bool {
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

    /// The definition, one character at a time.
    fn reference_count(text: &str) -> usize {
        let mut counter = Counter::default();
        for ch in text.chars() {
            counter.char(ch);
        }
        counter.words + counter.run
    }

    #[test]
    fn blocks_agree_with_the_definition() {
        // Every ASCII byte in every position of a block, between varied
        // neighbours, plus pseudo-random mixtures with non-ASCII text.
        let alphabet: Vec<char> = (0u8..0x80)
            .map(char::from)
            .chain(['é', '—', '語', '\u{a0}', '’'])
            .collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for length in 0..200 {
            for _ in 0..50 {
                let text: String = (0..length)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        // Mostly letters and spaces, like prose.
                        match state % 10 {
                            0..=5 => char::from(b'a' + (state >> 8) as u8 % 26),
                            6 => ' ',
                            _ => alphabet[(state >> 16) as usize % alphabet.len()],
                        }
                    })
                    .collect();
                assert_eq!(count_words(&text), reference_count(&text), "{text:?}");
            }
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
