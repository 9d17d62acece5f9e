//! How record diffs are shown: coloured or marked text for a terminal or a
//! pager, Markdown for a pull-request comment, `--stat` summaries and JSON.
//!
//! Every text taken from a record goes through `printable_lines`, so a
//! control or bidirectional character in a story is shown as an escape and
//! can never reorder or hide what the reviewer reads.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value as Json;

use crate::diff::record_diff::{Change, ChangeKind, FileStatus, RecordDiff};
use crate::diff::word_diff::{Hunk, Segment};
use crate::text::diagnostic::{printable, printable_lines};

/// Plain text with `[-removed-]{+added+}` markers, or the same coloured
/// without markers (as `git diff --color-words` shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextStyle {
    Plain,
    Color,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[31m";
/// Red struck through: removed words stay readable next to the added ones
/// without markers.
const STRIKE_RED: &str = "\x1b[9;31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const CYAN: &str = "\x1b[36m";

struct Painter {
    style: TextStyle,
}

impl Painter {
    fn paint(&self, color: &str, text: &str) -> String {
        match self.style {
            TextStyle::Color if !text.is_empty() => {
                // Colour is reapplied after each line break so that a pager
                // showing one line at a time keeps it.
                let body = text.replace('\n', &format!("{RESET}\n{color}"));
                format!("{color}{body}{RESET}")
            }
            _ => text.to_owned(),
        }
    }

    fn removed(&self, text: &str) -> String {
        match self.style {
            TextStyle::Plain => format!("[-{text}-]"),
            TextStyle::Color => self.paint(STRIKE_RED, text),
        }
    }

    fn added(&self, text: &str) -> String {
        match self.style {
            TextStyle::Plain => format!("{{+{text}+}}"),
            TextStyle::Color => self.paint(GREEN, text),
        }
    }
}

/// `+5 −3 words`, leaving out a zero side.
pub fn word_counts(added: usize, removed: usize) -> String {
    match (added, removed) {
        (0, 0) => String::new(),
        (added, 0) => format!("+{added} words"),
        (0, removed) => format!("−{removed} words"),
        (added, removed) => format!("+{added} −{removed} words"),
    }
}

fn status_word(status: FileStatus) -> &'static str {
    match status {
        FileStatus::Added => "added",
        FileStatus::Deleted => "deleted",
        FileStatus::Modified => "modified",
        FileStatus::Moved => "moved",
    }
}

fn where_is(diff: &RecordDiff) -> String {
    match (&diff.old_path, &diff.new_path) {
        (Some(old), Some(new)) if old != new => format!("{old} → {new}"),
        (_, Some(path)) | (Some(path), None) => path.clone(),
        (None, None) => String::new(),
    }
}

/// The diffs as text, record after record.
pub fn render_text(diffs: &[RecordDiff], style: TextStyle) -> String {
    let painter = Painter { style };
    let mut out = String::new();
    for (index, diff) in diffs.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        render_record(&mut out, diff, &painter);
    }
    out
}

fn render_record(out: &mut String, diff: &RecordDiff, painter: &Painter) {
    let mut title = format!("{} {}", diff.kind, diff.id);
    if let Some(headline) = &diff.headline {
        let _ = write!(title, " — {}", printable(headline.clone()));
    }
    let _ = writeln!(out, "{}", painter.paint(BOLD, &title));
    let facts = facts(diff);
    let _ = writeln!(
        out,
        "  {} ({})",
        printable(where_is(diff)),
        facts.join(", ")
    );
    for warning in &diff.warnings {
        let _ = writeln!(
            out,
            "  {}",
            painter.paint(YELLOW, &format!("warning: {}", printable(warning.clone())))
        );
    }
    if let Some(lines) = &diff.line_diff {
        for line in lines.lines() {
            let line = printable(line.to_owned());
            let shown = match line.as_bytes().first() {
                Some(b'+') if !line.starts_with("+++") => painter.paint(GREEN, &line),
                Some(b'-') if !line.starts_with("---") => painter.paint(RED, &line),
                Some(b'@') => painter.paint(CYAN, &line),
                _ => line,
            };
            let _ = writeln!(out, "  {shown}");
        }
    }
    for change in &diff.changes {
        render_change(out, change, painter);
    }
}

/// What changed in a record, in a few words: `modified, 2 parts, +5 −3 words`.
fn facts(diff: &RecordDiff) -> Vec<String> {
    let mut facts = vec![status_word(diff.status).to_owned()];
    if diff.parts_changed > 0 {
        facts.push(plural(diff.parts_changed, "part"));
    }
    let words = word_counts(diff.words_added, diff.words_removed);
    if !words.is_empty() {
        facts.push(words);
    }
    facts
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

fn render_change(out: &mut String, change: &Change, painter: &Painter) {
    let label = painter.paint(CYAN, &printable(change.label.clone()));
    match &change.kind {
        ChangeKind::Changed { old, new } => {
            let _ = writeln!(
                out,
                "  {label}: {} → {}",
                painter.paint(RED, &printable(scalar(old))),
                painter.paint(GREEN, &printable(scalar(new)))
            );
        }
        ChangeKind::Members { added, removed } => {
            let mut items: Vec<String> = removed
                .iter()
                .map(|r| painter.paint(RED, &printable(format!("−{r}"))))
                .collect();
            items.extend(
                added
                    .iter()
                    .map(|a| painter.paint(GREEN, &printable(format!("+{a}")))),
            );
            let _ = writeln!(out, "  {label}: {}", items.join(" "));
        }
        ChangeKind::Moved { from, to } => {
            let _ = writeln!(out, "  {label}: moved from position {from} to {to}");
        }
        ChangeKind::Reworded {
            words_added,
            words_removed,
            hunks,
        } => {
            let counts = word_counts(*words_added, *words_removed);
            let counts = if counts.is_empty() {
                "punctuation or spacing".to_owned()
            } else {
                counts
            };
            let _ = writeln!(out, "  {label}  ({counts})");
            for hunk in hunks {
                let _ = writeln!(out, "    {}", indent(&hunk_text(hunk, painter), "    "));
            }
        }
        ChangeKind::Added { value, .. } if is_scalar(value) => {
            let _ = writeln!(
                out,
                "  {label}: {}",
                painter.added(&printable(scalar_or_list(value)))
            );
        }
        ChangeKind::Removed { value, .. } if is_scalar(value) => {
            let _ = writeln!(
                out,
                "  {label}: {}",
                painter.removed(&printable(scalar_or_list(value)))
            );
        }
        ChangeKind::Added { value, .. } => {
            let _ = writeln!(out, "  {label}: {}", painter.added("added"));
            for line in value_lines(value) {
                let _ = writeln!(out, "    {}", painter.paint(GREEN, &format!("+ {line}")));
            }
        }
        ChangeKind::Removed { value, .. } => {
            let _ = writeln!(out, "  {label}: {}", painter.removed("removed"));
            for line in value_lines(value) {
                let _ = writeln!(out, "    {}", painter.paint(RED, &format!("- {line}")));
            }
        }
    }
}

/// A hunk on one line (or several, when it spans paragraphs), with `…`
/// where context was cut.
fn hunk_text(hunk: &Hunk, painter: &Painter) -> String {
    let mut text = String::new();
    if hunk.cut_before {
        text.push('…');
    }
    for segment in &hunk.segments {
        match segment {
            Segment::Equal(equal) => text.push_str(&printable_lines(unwrap_lines(equal))),
            Segment::Removed(removed) => {
                text.push_str(&painter.removed(&printable_lines(unwrap_lines(removed))))
            }
            Segment::Added(added) => {
                text.push_str(&painter.added(&printable_lines(unwrap_lines(added))))
            }
        }
    }
    if hunk.cut_after {
        text.push('…');
    }
    text.trim_end_matches('\n').to_owned()
}

/// A line break inside a paragraph read as the space Markdown makes of it,
/// so that a hunk in a hard-wrapped body reads as one line.
fn unwrap_lines(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (at, ch) in text.char_indices() {
        let next_is_break = bytes.get(at + 1) == Some(&b'\n');
        let previous_was_break = at > 0 && bytes[at - 1] == b'\n';
        if ch == '\n' && !next_is_break && !previous_was_break {
            out.push(' ');
        } else {
            out.push(ch);
        }
    }
    out
}

fn indent(text: &str, by: &str) -> String {
    text.replace('\n', &format!("\n{by}"))
}

/// A value short enough to show on its label's line: not a table, not
/// multi-line text.
fn is_scalar(value: &Json) -> bool {
    match value {
        Json::Object(_) => false,
        Json::Array(items) => items
            .iter()
            .all(|item| !item.is_object() && !item.is_array()),
        Json::String(text) => !text.contains('\n'),
        _ => true,
    }
}

fn scalar_or_list(value: &Json) -> String {
    match value {
        Json::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(", "),
        other => scalar(other),
    }
}

/// A scalar as people write it: strings without quotes, the rest as JSON.
fn scalar(value: &Json) -> String {
    match value {
        Json::String(text) => text.clone(),
        Json::Null => "(nothing)".to_owned(),
        other => other.to_string(),
    }
}

/// An added or removed value, one `key: value` line per field, long text
/// on the lines after its key.
fn value_lines(value: &Json) -> Vec<String> {
    let mut lines = Vec::new();
    fn walk(lines: &mut Vec<String>, prefix: &str, value: &Json) {
        match value {
            Json::Object(fields) => {
                for (key, value) in fields {
                    let prefix = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(lines, &prefix, value);
                }
            }
            Json::Array(items) if items.iter().any(|item| item.is_object()) => {
                for (index, item) in items.iter().enumerate() {
                    walk(lines, &format!("{prefix}[{}]", index + 1), item);
                }
            }
            Json::Array(items) => {
                let items: Vec<String> = items.iter().map(scalar).collect();
                lines.push(printable(format!("{prefix}: {}", items.join(", "))));
            }
            Json::String(text) if text.contains('\n') => {
                lines.push(printable(format!("{prefix}:")));
                lines.extend(
                    printable_lines(text.trim_end().to_owned())
                        .lines()
                        .map(|line| format!("  {line}")),
                );
            }
            other if prefix.is_empty() => lines.push(printable(scalar(other))),
            other => lines.push(printable(format!("{prefix}: {}", scalar(other)))),
        }
    }
    walk(&mut lines, "", value);
    lines
}

/// One line per record and a total, like `git diff --stat`.
pub fn render_stat(diffs: &[RecordDiff], style: TextStyle) -> String {
    let painter = Painter { style };
    let rows: Vec<(String, String)> = diffs
        .iter()
        .map(|diff| {
            let mut name = printable(where_is(diff));
            if matches!(diff.status, FileStatus::Added | FileStatus::Deleted) {
                let _ = write!(name, " ({})", status_word(diff.status));
            }
            let mut facts = Vec::new();
            if diff.parts_changed > 0 {
                facts.push(plural(diff.parts_changed, "part"));
            }
            if diff.words_added > 0 {
                facts.push(painter.paint(GREEN, &format!("+{}", diff.words_added)));
            }
            if diff.words_removed > 0 {
                facts.push(painter.paint(RED, &format!("−{}", diff.words_removed)));
            }
            if diff.line_diff.is_some() {
                facts.push(painter.paint(YELLOW, "does not parse"));
            }
            (name, facts.join(" "))
        })
        .collect();
    let width = rows
        .iter()
        .map(|(name, _)| name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (name, facts) in rows {
        let pad = width - name.chars().count();
        let _ = writeln!(out, " {name}{} | {facts}", " ".repeat(pad));
    }
    let totals = Totals::of(diffs);
    let mut summary = vec![plural(totals.records, "record") + " changed"];
    if totals.parts_changed > 0 {
        summary.push(plural(totals.parts_changed, "part"));
    }
    let words = word_counts(totals.words_added, totals.words_removed);
    if !words.is_empty() {
        summary.push(words);
    }
    let _ = writeln!(out, " {}", summary.join(", "));
    out
}

/// Sums over all records, for `--stat` and the JSON document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub records: usize,
    pub parts_changed: usize,
    pub words_added: usize,
    pub words_removed: usize,
}

impl Totals {
    pub fn of(diffs: &[RecordDiff]) -> Totals {
        Totals {
            records: diffs.len(),
            parts_changed: diffs.iter().map(|d| d.parts_changed).sum(),
            words_added: diffs.iter().map(|d| d.words_added).sum(),
            words_removed: diffs.iter().map(|d| d.words_removed).sum(),
        }
    }
}

/// The JSON document of `lede diff --format json` (see docs/diff.md).
#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub version: u32,
    pub from: &'a str,
    pub to: &'a str,
    pub summary: Totals,
    pub records: &'a [RecordDiff],
}

pub fn render_json(from: &str, to: &str, diffs: &[RecordDiff]) -> String {
    let report = Report {
        version: 1,
        from,
        to,
        summary: Totals::of(diffs),
        records: diffs,
    };
    let mut json = serde_json::to_string_pretty(&report).unwrap_or_default();
    json.push('\n');
    json
}

/// Markdown for a pull-request comment: one collapsible block per record.
/// Record text is escaped for both HTML and Markdown, so nothing in a story
/// can break out of the block or inject markup.
pub fn render_markdown(from: &str, to: &str, diffs: &[RecordDiff]) -> String {
    let mut out = String::new();
    let totals = Totals::of(diffs);
    let mut summary = vec![plural(totals.records, "record") + " changed"];
    let words = word_counts(totals.words_added, totals.words_removed);
    if !words.is_empty() {
        summary.push(words);
    }
    let _ = writeln!(
        out,
        "**lede diff** `{}` → `{}`: {}\n",
        code(from),
        code(to),
        summary.join(", ")
    );
    for diff in diffs {
        let mut title = format!("<strong>{}</strong>", html(&diff.id));
        if let Some(headline) = &diff.headline {
            let _ = write!(title, ": {}", html(headline));
        }
        let facts = facts(diff);
        let _ = writeln!(
            out,
            "<details>\n<summary>{title} ({})</summary>\n",
            facts.join(", ")
        );
        let _ = writeln!(out, "`{}`\n", code(&where_is(diff)));
        for warning in &diff.warnings {
            let _ = writeln!(out, "> **Warning:** {}\n", markdown(warning));
        }
        if let Some(lines) = &diff.line_diff {
            let fence = "`".repeat(3.max(longest_backtick_run(lines) + 1));
            let _ = writeln!(
                out,
                "{fence}diff\n{}{fence}\n",
                printable_lines(lines.clone())
            );
        }
        for change in &diff.changes {
            markdown_change(&mut out, change);
        }
        out.push_str("</details>\n\n");
    }
    out
}

fn markdown_change(out: &mut String, change: &Change) {
    let label = markdown(&change.label);
    match &change.kind {
        ChangeKind::Changed { old, new } => {
            let _ = writeln!(
                out,
                "**{label}**: <del>{}</del> → <ins>{}</ins>\n",
                markdown(&scalar(old)),
                markdown(&scalar(new))
            );
        }
        ChangeKind::Members { added, removed } => {
            let mut items: Vec<String> = removed
                .iter()
                .map(|r| format!("<del>{}</del>", markdown(r)))
                .collect();
            items.extend(added.iter().map(|a| format!("<ins>{}</ins>", markdown(a))));
            let _ = writeln!(out, "**{label}**: {}\n", items.join(" "));
        }
        ChangeKind::Moved { from, to } => {
            let _ = writeln!(out, "**{label}**: moved from position {from} to {to}\n");
        }
        ChangeKind::Reworded {
            words_added,
            words_removed,
            hunks,
        } => {
            let counts = word_counts(*words_added, *words_removed);
            let _ = writeln!(
                out,
                "**{label}** {}\n",
                if counts.is_empty() {
                    String::new()
                } else {
                    format!("({counts})")
                }
            );
            for hunk in hunks {
                let mut text = String::new();
                if hunk.cut_before {
                    text.push('…');
                }
                for segment in &hunk.segments {
                    match segment {
                        Segment::Equal(equal) => text.push_str(&markdown(&unwrap_lines(equal))),
                        Segment::Removed(removed) => {
                            let _ = write!(text, "<del>{}</del>", markdown(&unwrap_lines(removed)));
                        }
                        Segment::Added(added) => {
                            let _ = write!(text, "<ins>{}</ins>", markdown(&unwrap_lines(added)));
                        }
                    }
                }
                if hunk.cut_after {
                    text.push('…');
                }
                let _ = writeln!(out, "> {}\n", text.trim_end().replace('\n', "<br>\n> "));
            }
        }
        ChangeKind::Added { value, .. } | ChangeKind::Removed { value, .. } => {
            let (word, tag) = if matches!(change.kind, ChangeKind::Added { .. }) {
                ("added", "ins")
            } else {
                ("removed", "del")
            };
            let _ = writeln!(out, "**{label}**: {word}\n");
            for line in value_lines(value) {
                let _ = writeln!(out, "> <{tag}>{}</{tag}><br>", markdown(&line));
            }
            out.push('\n');
        }
    }
}

/// Text escaped for HTML.
fn html(text: &str) -> String {
    let text = printable(text.to_owned());
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Text escaped for HTML and then for Markdown, line breaks kept.
fn markdown(text: &str) -> String {
    let text = printable_lines(text.to_owned());
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' | '!' | '(' | ')' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// Text for inside a Markdown code span: backticks cannot close it.
fn code(text: &str) -> String {
    printable(text.replace('`', "'"))
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|ch| ch != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::record_diff::{Version, diff_versions};
    use crate::diff::word_diff::Granularity;

    const OLD: &str = "headline = \"Talks in Astana\"\nstatus = \"draft\"\ntopics = [\"a\"]\n\n[sections.x]\ntitle = \"What's happened\"\nbody = \"The talks were held in Astana.\"\n";

    fn sample() -> Vec<RecordDiff> {
        let new = OLD
            .replace("held in Astana", "held in <b>Washington</b>\u{202E}")
            .replace("[\"a\"]", "[\"b\"]")
            .replace("draft", "in_review");
        vec![diff_versions(
            "story",
            "talks",
            Some(Version {
                path: "stories/talks.toml",
                side: "HEAD",
                bytes: OLD.as_bytes(),
            }),
            Some(Version {
                path: "stories/talks.toml",
                side: "working tree",
                bytes: new.as_bytes(),
            }),
            Granularity::Word,
        )]
    }

    #[test]
    fn plain_text_marks_words_and_escapes_bidi_controls() {
        let text = render_text(&sample(), TextStyle::Plain);
        assert!(text.contains("status: draft → in_review"), "{text}");
        assert!(text.contains("topics: −a +b"), "{text}");
        assert!(
            text.contains("held in [-Astana-]{+<b>Washington</b>\\u{202E}+}."),
            "{text}"
        );
        assert!(!text.contains('\u{202E}'), "{text}");
    }

    #[test]
    fn colour_replaces_markers() {
        let text = render_text(&sample(), TextStyle::Color);
        assert!(
            text.contains(&format!("{STRIKE_RED}Astana{RESET}")),
            "{text}"
        );
        assert!(!text.contains("[-"));
    }

    #[test]
    fn markdown_escapes_html_from_records() {
        let text = render_markdown("HEAD", "working", &sample());
        assert!(
            text.contains("<del>Astana</del><ins>&lt;b&gt;Washington&lt;/b&gt;\\\\u{202E}</ins>"),
            "{text}"
        );
        assert!(text.starts_with("**lede diff** `HEAD` → `working`"));
        assert!(text.contains("<details>") && text.contains("</details>"));
    }

    #[test]
    fn json_has_paths_and_hunks() {
        let json: Json = serde_json::from_str(&render_json("HEAD", "working", &sample())).unwrap();
        let change = &json["records"][0]["changes"][2];
        assert_eq!(change["path"], "sections/x/body");
        assert_eq!(change["change"], "reworded");
        assert_eq!(
            change["hunks"][0]["segments"][1],
            serde_json::json!({"op": "removed", "text": "Astana"})
        );
        assert_eq!(json["summary"]["records"], 1);
    }

    #[test]
    fn stat_lines_up_records() {
        let text = render_stat(&sample(), TextStyle::Plain);
        assert_eq!(
            text,
            " stories/talks.toml | 3 parts +1 −1\n 1 record changed, 3 parts, +1 −1 words\n"
        );
    }
}
