//! A record's text and the arithmetic that turns byte offsets into the
//! line and column a person sees in their editor.
//!
//! Lines are counted from 1; columns are counted from 1 in Unicode scalar
//! values (characters), the way rustc and most editors count them. A leading
//! byte-order mark is removed before parsing, so offsets are relative to the
//! text after it and column 1 is the first visible character. A CRLF line end
//! belongs to its line: the `\r` never shifts a column.

use std::ops::Range;

/// A line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The position of the character at `offset`, found by scanning the text
    /// before it: cheaper than a `LineIndex` for one lookup near the start.
    pub fn of(text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.bytes().filter(|&b| b == b'\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

/// Offsets of line starts in a text, for offset → position lookups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        line_starts.push(0);
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(offset, _)| offset + 1),
        );
        LineIndex { line_starts }
    }

    /// The position of the character that starts at `offset`. An offset past
    /// the end, or inside a multi-byte character, is clamped to the nearest
    /// character boundary at or before it.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let line_start = self.line_starts[line];
        let column = text[line_start..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The start and end positions of a byte range. The end is the column
    /// just after the last character, as in LSP and GitHub annotations.
    pub fn range(&self, text: &str, span: &Range<usize>) -> (Position, Position) {
        (
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Removes a UTF-8 byte-order mark, which editors on some systems write and
/// which TOML does not allow.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Moves a span that ends with a line break (as parsers report for the end of
/// a line) back so that it covers only visible text, and makes an empty span
/// at least one character wide when there is a character to cover.
pub fn tidy_span(text: &str, span: Range<usize>) -> Range<usize> {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let mut end = floor_char_boundary(text, span.end.min(text.len())).max(start);
    while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    if end == start
        && let Some(ch) = text[start..].chars().next()
        && ch != '\n'
        && ch != '\r'
    {
        end = start + ch.len_utf8();
    }
    start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let text = "a = \"é\"\nb = 1\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        // `"` after é: byte 7, character 7.
        assert_eq!(index.position(text, 7), Position { line: 1, column: 7 });
        assert_eq!(index.position(text, 9), Position { line: 2, column: 1 });
    }

    #[test]
    fn direct_positions_agree_with_the_index() {
        let text = "a = 1\r\nbé = \"x\"\n\nc = 2";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() {
            assert_eq!(
                Position::of(text, offset),
                index.position(text, offset),
                "{offset}"
            );
        }
    }

    #[test]
    fn crlf_does_not_shift_columns() {
        let text = "a = 1\r\nbb = 2\r\n";
        let index = LineIndex::new(text);
        let offset = text.find("2").unwrap();
        assert_eq!(
            index.position(text, offset),
            Position { line: 2, column: 6 }
        );
    }

    #[test]
    fn offsets_past_end_and_inside_characters_are_clamped() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 99), Position { line: 1, column: 2 });
    }

    #[test]
    fn bom_is_removed() {
        assert_eq!(strip_bom("\u{feff}a = 1"), "a = 1");
        assert_eq!(strip_bom("a = 1"), "a = 1");
    }

    #[test]
    fn tidy_span_drops_line_ends_and_widens_empty_spans() {
        let text = "key = 1\r\nx";
        assert_eq!(tidy_span(text, 0..9), 0..7);
        assert_eq!(tidy_span(text, 2..2), 2..3);
        assert_eq!(tidy_span(text, 7..7), 7..7);
    }
}

/// Whether most of a text's line ends are CRLF.
pub fn uses_crlf(bytes: &[u8]) -> bool {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let crlf = bytes.windows(2).filter(|pair| pair == b"\r\n").count();
    lines > 0 && crlf * 2 > lines
}

/// The text with every line end CRLF.
pub fn with_crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut previous = 0u8;
    for &byte in bytes {
        if byte == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(byte);
        previous = byte;
    }
    out
}

#[cfg(test)]
mod line_end_tests {
    use super::*;

    #[test]
    fn crlf_files_keep_crlf() {
        assert!(uses_crlf(b"a = 1\r\nb = 2\r\n"));
        assert!(!uses_crlf(b"a = 1\nb = 2\r\n"));
        assert!(!uses_crlf(b"no line end"));
        assert_eq!(with_crlf(b"a\nb\r\nc\n"), b"a\r\nb\r\nc\r\n");
    }
}
