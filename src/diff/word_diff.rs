//! Word-level differences between two texts, in hunks with a few words of
//! context, the way a reviewer reads a rewording.
//!
//! The texts are compared in two passes. Paragraphs (text between blank
//! lines, with white space collapsed, so that re-wrapping changes nothing)
//! are matched first; only the runs of paragraphs that differ are split into
//! words and compared again. On a long body with a few edits that is an
//! order of magnitude cheaper than comparing every word, and it keeps a
//! moved paragraph from being matched word by word against unrelated text.
//!
//! Words are runs of letters, digits and marks; an apostrophe, hyphen or
//! full stop between two of them stays inside the word ("don't",
//! "US-brokered", "U.S"), so is a comma between digits ("3,000").
//! Punctuation is a token of its own, so a changed comma does not mark the
//! word before it as changed. Characters of scripts written without spaces
//! (Chinese, Japanese, Thai) are tokens of their own, as they are words of
//! their own for the word count. White space is compared by kind only, so
//! re-wrapping a paragraph is no change, while splitting it in two is.
//!
//! Changes separated only by a space are joined into one, so that a
//! rewritten phrase reads `[-was set to-]{+will+}` rather than word by word.

use std::ops::Range;
use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffTag, capture_diff_slices_deadline};

use crate::text::words::{count_words, is_unspaced_script};

/// How finely prose is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    #[default]
    Word,
    /// Character by character, for spelling fixes in long words and for
    /// scripts where a word is not what a reader scans by.
    Char,
}

/// Words of unchanged text shown on each side of a change.
pub const CONTEXT_WORDS: usize = 6;

/// Past this, a comparison settles for a coarser (still correct) answer
/// rather than keep a reviewer waiting.
const DEADLINE: Duration = Duration::from_millis(500);

/// The difference between two texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct TextDiff {
    pub words_added: usize,
    pub words_removed: usize,
    pub hunks: Vec<Hunk>,
}

/// One place where the texts differ, with its context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hunk {
    /// 1-based line of the hunk's first character in the old and new text.
    pub old_line: usize,
    pub new_line: usize,
    /// Whether text before (after) the hunk on the same line is left out.
    pub cut_before: bool,
    pub cut_after: bool,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", content = "text", rename_all = "snake_case")]
pub enum Segment {
    Equal(String),
    Removed(String),
    Added(String),
}

impl TextDiff {
    pub fn is_empty(&self) -> bool {
        self.hunks.is_empty()
    }
}

/// The word-level difference from `old` to `new`.
pub fn diff_text(old: &str, new: &str, granularity: Granularity) -> TextDiff {
    if old == new {
        return TextDiff::default();
    }
    let deadline = Instant::now() + DEADLINE;
    let pieces = compare(old, new, granularity, deadline);
    let mut diff = TextDiff::default();
    // Words are counted from a word-level comparison whatever the
    // granularity: a changed letter is not a changed word of its own.
    let counted = if granularity == Granularity::Word {
        pieces.clone()
    } else {
        compare(old, new, Granularity::Word, deadline)
    };
    for piece in &counted {
        if !piece.equal {
            diff.words_removed += count_words(&old[piece.old.clone()]);
            diff.words_added += count_words(&new[piece.new.clone()]);
        }
    }
    diff.hunks = hunks(old, new, &pieces);
    diff
}

/// A stretch of both texts that is either the same (up to white space) or
/// changed.
#[derive(Debug, Clone)]
struct Piece {
    equal: bool,
    old: Range<usize>,
    new: Range<usize>,
}

fn compare(old: &str, new: &str, granularity: Granularity, deadline: Instant) -> Vec<Piece> {
    let old_lines = paragraph_starts(old);
    let new_lines = paragraph_starts(new);
    // Paragraphs are compared with their white space collapsed, so that a
    // re-wrapped paragraph matches itself.
    let old_keys: Vec<String> = line_slices(old, &old_lines)
        .iter()
        .map(|p| collapse(p))
        .collect();
    let new_keys: Vec<String> = line_slices(new, &new_lines)
        .iter()
        .map(|p| collapse(p))
        .collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &old_keys, &new_keys, Some(deadline));

    let mut pieces: Vec<Piece> = Vec::new();
    let byte =
        |starts: &[usize], text: &str, line: usize| starts.get(line).copied().unwrap_or(text.len());
    let mut pending: Option<(Range<usize>, Range<usize>)> = None;
    let flush = |pending: &mut Option<(Range<usize>, Range<usize>)>, pieces: &mut Vec<Piece>| {
        if let Some((old_range, new_range)) = pending.take() {
            compare_words(
                old,
                new,
                old_range,
                new_range,
                granularity,
                deadline,
                pieces,
            );
        }
    };
    for op in ops {
        let (tag, old_range, new_range) = op.as_tag_tuple();
        let old_bytes =
            byte(&old_lines, old, old_range.start)..byte(&old_lines, old, old_range.end);
        let new_bytes =
            byte(&new_lines, new, new_range.start)..byte(&new_lines, new, new_range.end);
        if tag == DiffTag::Equal {
            flush(&mut pending, &mut pieces);
            push_piece(&mut pieces, true, old_bytes, new_bytes);
        } else {
            pending = Some(match pending.take() {
                Some((old_pending, new_pending)) => (
                    old_pending.start..old_bytes.end,
                    new_pending.start..new_bytes.end,
                ),
                None => (old_bytes, new_bytes),
            });
        }
    }
    flush(&mut pending, &mut pieces);
    pieces
}

fn push_piece(pieces: &mut Vec<Piece>, equal: bool, old: Range<usize>, new: Range<usize>) {
    if old.is_empty() && new.is_empty() {
        return;
    }
    if let Some(last) = pieces.last_mut()
        && last.equal == equal
        && last.old.end == old.start
        && last.new.end == new.start
    {
        last.old.end = old.end;
        last.new.end = new.end;
        return;
    }
    pieces.push(Piece { equal, old, new });
}

/// Where each paragraph starts: at 0, and at the first line with text
/// after one or more blank lines.
fn paragraph_starts(text: &str) -> Vec<usize> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut starts = vec![0];
    let mut after_blank = false;
    let mut seen_text = false;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if !blank && after_blank && seen_text && line_start > 0 {
            starts.push(line_start);
            after_blank = false;
        }
        if blank {
            after_blank = true;
        } else {
            seen_text = true;
        }
        line_start += line.len();
    }
    starts
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn line_slices<'t>(text: &'t str, starts: &[usize]) -> Vec<&'t str> {
    starts
        .iter()
        .enumerate()
        .map(|(index, &start)| &text[start..starts.get(index + 1).copied().unwrap_or(text.len())])
        .collect()
}

/// Compares the changed lines `old[old_range]` and `new[new_range]` word by
/// word and appends the result to `pieces`.
fn compare_words(
    old: &str,
    new: &str,
    old_range: Range<usize>,
    new_range: Range<usize>,
    granularity: Granularity,
    deadline: Instant,
    pieces: &mut Vec<Piece>,
) {
    let old_tokens = tokens(&old[old_range.clone()], old_range.start, granularity);
    let new_tokens = tokens(&new[new_range.clone()], new_range.start, granularity);
    let old_keys: Vec<Key<'_>> = old_tokens.iter().map(|t| t.key(old)).collect();
    let new_keys: Vec<Key<'_>> = new_tokens.iter().map(|t| t.key(new)).collect();
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &old_keys, &new_keys, Some(deadline));

    let span = |tokens: &[Token], range: Range<usize>, fallback: usize| match (
        tokens.get(range.start),
        range.end.checked_sub(1).and_then(|last| tokens.get(last)),
    ) {
        (Some(first), Some(last)) if !range.is_empty() => first.bytes.start..last.bytes.end,
        _ => fallback..fallback,
    };
    let mut raw: Vec<Piece> = Vec::new();
    let mut old_at = old_range.start;
    let mut new_at = new_range.start;
    for op in ops {
        let (tag, old_tokens_range, new_tokens_range) = op.as_tag_tuple();
        let old_bytes = span(&old_tokens, old_tokens_range, old_at);
        let new_bytes = span(&new_tokens, new_tokens_range, new_at);
        old_at = old_bytes.end;
        new_at = new_bytes.end;
        push_piece(&mut raw, tag == DiffTag::Equal, old_bytes, new_bytes);
    }

    // An unchanged single space between two changes joins them.
    let mut index = 0;
    while index < raw.len() {
        let joins = raw[index].equal
            && index > 0
            && index + 1 < raw.len()
            && !raw[index - 1].equal
            && !raw[index + 1].equal
            && is_plain_space(&old[raw[index].old.clone()]);
        if joins {
            let next = raw.remove(index + 1);
            raw.remove(index);
            let previous = &mut raw[index - 1];
            previous.old.end = next.old.end;
            previous.new.end = next.new.end;
        } else {
            index += 1;
        }
    }
    for piece in raw {
        push_piece(pieces, piece.equal, piece.old, piece.new);
    }
}

/// White space within a paragraph: at most one line break.
fn is_plain_space(text: &str) -> bool {
    !text.is_empty() && text.chars().all(char::is_whitespace) && text.matches('\n').count() <= 1
}

/// Where the paragraph that `text` starts in ends: the first blank line.
fn paragraph_end(text: &str) -> usize {
    let mut newline = None;
    for (at, ch) in text.char_indices() {
        if ch == '\n' {
            if let Some(first) = newline {
                return first;
            }
            newline = Some(at);
        } else if !ch.is_whitespace() {
            newline = None;
        }
    }
    text.len()
}

/// Where the paragraph that `text` ends in starts: after the last blank line.
fn paragraph_start(text: &str) -> usize {
    let mut newline = None;
    for (at, ch) in text.char_indices().rev() {
        if ch == '\n' {
            if let Some(last) = newline {
                return last + 1;
            }
            newline = Some(at);
        } else if !ch.is_whitespace() {
            newline = None;
        }
    }
    0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Text,
    Space,
    /// White space with a blank line in it: a paragraph break.
    Break,
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    bytes: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'t> {
    Text(&'t str),
    Space,
    Break,
}

impl Token {
    fn key<'t>(&self, text: &'t str) -> Key<'t> {
        match self.kind {
            TokenKind::Text => Key::Text(&text[self.bytes.clone()]),
            TokenKind::Space => Key::Space,
            TokenKind::Break => Key::Break,
        }
    }
}

/// Splits `text` (which starts at byte `offset` of its whole) into tokens.
fn tokens(text: &str, offset: usize, granularity: Granularity) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, ch)) = chars.next() {
        let mut end = start + ch.len_utf8();
        let kind = if ch.is_whitespace() {
            let mut newlines = usize::from(ch == '\n');
            while let Some(&(at, next)) = chars.peek() {
                if !next.is_whitespace() {
                    break;
                }
                newlines += usize::from(next == '\n');
                end = at + next.len_utf8();
                chars.next();
            }
            if newlines >= 2 {
                TokenKind::Break
            } else {
                TokenKind::Space
            }
        } else {
            let word =
                granularity == Granularity::Word && is_word_char(ch) && !is_unspaced_script(ch);
            let mut previous = ch;
            while let Some(&(at, next)) = chars.peek() {
                let continues = if is_mark(next) {
                    true
                } else if !word || is_unspaced_script(next) {
                    false
                } else if is_word_char(next) {
                    true
                } else {
                    // A joiner stays in the word only between two word characters.
                    let after = text[at + next.len_utf8()..].chars().next();
                    let joins = match next {
                        '\'' | '\u{2019}' | '-' | '\u{2010}' | '.' => true,
                        ',' => {
                            previous.is_ascii_digit() && after.is_some_and(|c| c.is_ascii_digit())
                        }
                        _ => false,
                    };
                    joins && after.is_some_and(|c| is_word_char(c) && !is_unspaced_script(c))
                };
                if !continues {
                    break;
                }
                previous = next;
                end = at + next.len_utf8();
                chars.next();
            }
            TokenKind::Text
        };
        tokens.push(Token {
            kind,
            bytes: offset + start..offset + end,
        });
    }
    tokens
}

fn is_word_char(ch: char) -> bool {
    ch.is_alphanumeric() || ch == '_' || is_mark(ch)
}

/// Combining marks and joiners, which belong to the character before them.
fn is_mark(ch: char) -> bool {
    matches!(ch,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0900}'..='\u{0903}'
        | '\u{093A}'..='\u{094F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{E0100}'..='\u{E01EF}'
    )
}

/// Groups the pieces into hunks: each change with up to `CONTEXT_WORDS`
/// words of unchanged text on either side, never reaching into another
/// paragraph; changes closer than that share a hunk.
fn hunks(old: &str, new: &str, pieces: &[Piece]) -> Vec<Hunk> {
    let mut hunks: Vec<Hunk> = Vec::new();
    let mut open: Option<Hunk> = None;
    for (index, piece) in pieces.iter().enumerate() {
        if piece.equal {
            let Some(hunk) = open.as_mut() else { continue };
            let text = &new[piece.new.clone()];
            let is_last = index + 1 == pieces.len();
            if !is_last
                && paragraph_end(text) == text.len()
                && words_at_most(text, 2 * CONTEXT_WORDS)
            {
                hunk.segments.push(Segment::Equal(text.to_owned()));
                continue;
            }
            let (context, cut) = head(text, CONTEXT_WORDS);
            if !context.is_empty() {
                hunk.segments.push(Segment::Equal(context.to_owned()));
            }
            hunk.cut_after = cut;
            hunks.extend(open.take());
            continue;
        }
        if open.is_none() {
            let (context, cut, old_start, new_start) =
                match index.checked_sub(1).map(|i| &pieces[i]) {
                    Some(before) => {
                        let text = &new[before.new.clone()];
                        let (context, cut) = tail(text, CONTEXT_WORDS);
                        let trimmed = text.len() - context.len();
                        (
                            context,
                            cut,
                            before.old.start + trimmed.min(before.old.len()),
                            before.new.start + trimmed,
                        )
                    }
                    None => ("", false, piece.old.start, piece.new.start),
                };
            let mut hunk = Hunk {
                old_line: line_of(old, old_start),
                new_line: line_of(new, new_start),
                cut_before: cut,
                cut_after: false,
                segments: Vec::new(),
            };
            if !context.is_empty() {
                hunk.segments.push(Segment::Equal(context.to_owned()));
            }
            open = Some(hunk);
        }
        if let Some(hunk) = open.as_mut() {
            if !piece.old.is_empty() {
                hunk.segments
                    .push(Segment::Removed(old[piece.old.clone()].to_owned()));
            }
            if !piece.new.is_empty() {
                hunk.segments
                    .push(Segment::Added(new[piece.new.clone()].to_owned()));
            }
        }
    }
    hunks.extend(open);
    hunks
}

fn line_of(text: &str, byte: usize) -> usize {
    1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..byte.min(text.len())]).count()
}

fn words_at_most(text: &str, limit: usize) -> bool {
    text.split_whitespace().take(limit + 1).count() <= limit
}

/// The first `n` words of `text` up to the end of its paragraph, and
/// whether anything in that paragraph was left out.
fn head(text: &str, n: usize) -> (&str, bool) {
    let line_end = paragraph_end(text);
    let line = &text[..line_end];
    let mut words = 0;
    let mut in_word = false;
    for (at, ch) in line.char_indices() {
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                if words == n {
                    let rest = line[at..].trim_start();
                    return (&line[..at], !rest.is_empty());
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    (line, false)
}

/// The last `n` words of `text` in its last paragraph, and whether
/// anything in that paragraph was left out.
fn tail(text: &str, n: usize) -> (&str, bool) {
    let line_start = paragraph_start(text);
    let line = &text[line_start..];
    let mut words = 0;
    let mut in_word = false;
    for (at, ch) in line.char_indices().rev() {
        if ch.is_whitespace() {
            if in_word {
                words += 1;
                if words == n {
                    let kept = &line[at + ch.len_utf8()..];
                    return (kept, !line[..at].trim_end().is_empty());
                }
            }
            in_word = false;
        } else {
            in_word = true;
        }
    }
    (line, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diff as `git diff --word-diff=plain` would mark it, hunks joined
    /// by ` | `.
    fn marked(old: &str, new: &str) -> String {
        marked_with(old, new, Granularity::Word)
    }

    fn marked_with(old: &str, new: &str, granularity: Granularity) -> String {
        let diff = diff_text(old, new, granularity);
        diff.hunks
            .iter()
            .map(|hunk| {
                let mut out = String::new();
                if hunk.cut_before {
                    out.push('…');
                }
                for segment in &hunk.segments {
                    match segment {
                        Segment::Equal(text) => out.push_str(text),
                        Segment::Removed(text) => out.push_str(&format!("[-{text}-]")),
                        Segment::Added(text) => out.push_str(&format!("{{+{text}+}}")),
                    }
                }
                if hunk.cut_after {
                    out.push('…');
                }
                out
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn equal_texts_have_no_hunks() {
        assert!(diff_text("same words", "same words", Granularity::Word).is_empty());
        assert!(diff_text("", "", Granularity::Word).is_empty());
    }

    #[test]
    fn a_changed_word_is_shown_with_its_context() {
        assert_eq!(
            marked(
                "The talks were held in Astana.",
                "The talks were held in Washington."
            ),
            "The talks were held in [-Astana-]{+Washington+}."
        );
    }

    #[test]
    fn neighbouring_changed_words_read_as_one_phrase() {
        assert_eq!(
            marked("Relations were set to improve.", "Relations will improve."),
            "Relations [-were set to-]{+will+} improve."
        );
    }

    #[test]
    fn punctuation_changes_leave_the_word_alone() {
        assert_eq!(
            marked("papers, radio", "papers; radio"),
            "papers[-,-]{+;+} radio"
        );
    }

    #[test]
    fn words_keep_apostrophes_hyphens_and_digit_groups() {
        assert_eq!(
            marked(
                "It's a US-brokered deal worth 3,000 units",
                "It's a US-led deal worth 3,500 units"
            ),
            "It's a [-US-brokered-]{+US-led+} deal worth [-3,000-]{+3,500+} units"
        );
    }

    #[test]
    fn context_is_a_few_words_and_marks_what_is_cut() {
        let old = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
        let new = old.replace("eight", "EIGHT");
        assert_eq!(
            marked(old, &new),
            "…two three four five six seven [-eight-]{+EIGHT+} nine ten eleven twelve thirteen fourteen…"
        );
    }

    #[test]
    fn distant_changes_make_separate_hunks_and_near_ones_share() {
        let words: Vec<String> = (1..=40).map(|n| format!("w{n}")).collect();
        let old = words.join(" ");
        let far = old.replace("w5 ", "five ").replace("w35", "thirty-five");
        assert_eq!(diff_text(&old, &far, Granularity::Word).hunks.len(), 2);
        let near = old.replace("w5 ", "five ").replace("w9 ", "nine ");
        assert_eq!(diff_text(&old, &near, Granularity::Word).hunks.len(), 1);
    }

    #[test]
    fn context_and_joins_cross_soft_line_breaks_but_not_paragraphs() {
        assert_eq!(
            marked(
                "The vote was\nheld on Monday.",
                "The vote took place\non Monday."
            ),
            "The vote [-was\nheld-]{+took place+}\non Monday."
        );
        let old = "First paragraph ends here.\n\nSecond begins with Astana and goes on.";
        let new = old.replace("Astana", "Washington");
        assert_eq!(
            marked(old, &new),
            "Second begins with [-Astana-]{+Washington+} and goes on."
        );
    }

    #[test]
    fn rewrapping_is_no_change_but_a_paragraph_break_is() {
        assert!(
            diff_text(
                "one two\nthree four",
                "one two three\nfour",
                Granularity::Word
            )
            .is_empty()
        );
        let split = diff_text(
            "one two three four",
            "one two\n\nthree four",
            Granularity::Word,
        );
        assert_eq!(split.hunks.len(), 1);
        assert_eq!((split.words_added, split.words_removed), (0, 0));
    }

    #[test]
    fn changed_paragraphs_are_found_among_unchanged_ones() {
        let old = "First paragraph stays.\n\nSecond one says Astana.\n\nThird stays too.\n";
        let new = "First paragraph stays.\n\nSecond one says Washington.\n\nThird stays too.\n";
        let diff = diff_text(old, new, Granularity::Word);
        assert_eq!(
            marked(old, new),
            "Second one says [-Astana-]{+Washington+}."
        );
        assert_eq!(diff.hunks[0].old_line, 3);
        assert_eq!((diff.words_added, diff.words_removed), (1, 1));
    }

    #[test]
    fn added_and_removed_paragraphs_count_their_words() {
        let diff = diff_text(
            "Kept.\n",
            "Kept.\n\nA new paragraph of six words.\n",
            Granularity::Word,
        );
        assert_eq!((diff.words_added, diff.words_removed), (6, 0));
        let diff = diff_text("", "Brand new text", Granularity::Word);
        assert_eq!((diff.words_added, diff.words_removed), (3, 0));
        assert_eq!(marked("", "Brand new text"), "{+Brand new text+}");
    }

    #[test]
    fn unspaced_scripts_compare_by_character() {
        assert_eq!(
            marked("哈萨克斯坦加入", "哈萨克斯坦退出"),
            "哈萨克斯坦[-加入-]{+退出+}"
        );
    }

    #[test]
    fn accents_and_combining_marks_stay_with_their_letter() {
        assert_eq!(
            marked("cafe\u{301} ouvert", "cafe\u{301} fermé"),
            "cafe\u{301} [-ouvert-]{+fermé+}"
        );
        assert_eq!(
            marked("Қазақстан кіреді", "Қазақстан кірмейді"),
            "Қазақстан [-кіреді-]{+кірмейді+}"
        );
    }

    #[test]
    fn rewrapping_every_paragraph_leaves_only_the_real_edits() {
        let paragraphs: Vec<String> = (0..40)
            .map(|n| format!("Paragraph {n} says the government. It met on Monday and the government. Then it ended."))
            .collect();
        let old = paragraphs
            .iter()
            .map(|p| textwrap(p, 30))
            .collect::<Vec<_>>()
            .join("\n\n");
        let mut edited = paragraphs.clone();
        edited.remove(7);
        edited[20] = edited[20].replace("Monday", "Tuesday");
        let new = edited
            .iter()
            .map(|p| textwrap(p, 45))
            .collect::<Vec<_>>()
            .join("\n\n");
        let diff = diff_text(&old, &new, Granularity::Word);
        assert_eq!((diff.words_added, diff.words_removed), (1, 15 + 1));
        assert_eq!(diff.hunks.len(), 2);
    }

    fn textwrap(text: &str, width: usize) -> String {
        let mut lines = vec![String::new()];
        for word in text.split(' ') {
            let line = lines.last_mut().unwrap();
            if !line.is_empty() && line.len() + word.len() + 1 > width {
                lines.push(word.to_owned());
            } else {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
            }
        }
        lines.join("\n")
    }

    #[test]
    fn character_granularity_counts_whole_words() {
        let diff = diff_text("Residents agreed", "Shopkeepers agreed", Granularity::Char);
        assert_eq!((diff.words_added, diff.words_removed), (1, 1));
    }

    #[test]
    fn character_granularity_marks_only_the_changed_letters() {
        assert_eq!(
            marked_with("recieve it", "receive it", Granularity::Char),
            "rec{+e+}i[-e-]ve it"
        );
    }

    #[test]
    fn long_bodies_with_few_edits_are_quick_and_exact() {
        let paragraph = "Officials in the capital said the agreement would take effect after ratification by parliament. ";
        let old: String = (0..200)
            .map(|n| format!("{n} {}\n\n", paragraph.repeat(5)))
            .collect();
        let new = old.replacen("150 Officials", "150 Diplomats", 1);
        let started = Instant::now();
        let diff = diff_text(&old, &new, Granularity::Word);
        assert!(
            started.elapsed() < DEADLINE,
            "the deadline fallback must not be needed"
        );
        assert_eq!((diff.words_added, diff.words_removed), (1, 1));
        assert_eq!(diff.hunks.len(), 1);
    }
}
