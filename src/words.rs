//! Counting words the way an editor does for a word limit.
//!
//! A word is a run of characters between white space that contains at least
//! one letter or digit, so Markdown markers (`-`, `**`, `#`) and stray
//! punctuation do not count, while "US-brokered", "1992" and "don't" count
//! once each.

pub fn count_words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
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
    }

    #[test]
    fn any_script_counts() {
        assert_eq!(count_words("Қазақстан Израиль 以色列"), 3);
        assert_eq!(count_words(""), 0);
        assert_eq!(count_words("  \n\t "), 0);
    }
}
