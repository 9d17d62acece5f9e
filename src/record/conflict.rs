//! Git's conflict markers in a record, and the parts of the story they
//! touch, so that lede can say "unresolved conflict in <file>: headline and
//! section:why" instead of a dozen TOML syntax errors.

/// One `<<<<<<<` … `=======` … `>>>>>>>` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    /// Byte offset of the `<<<<<<<` line and the end of the `>>>>>>>` line.
    pub span: std::ops::Range<usize>,
    /// 1-based line of the `<<<<<<<` marker.
    pub line: usize,
    /// What git wrote after the markers: usually `HEAD` and a branch or commit.
    pub ours_label: String,
    pub theirs_label: String,
    /// The story's parts the two sides touch (`headline`, `section:<id>`,
    /// `faq:<id>`, or a top-level key or table name), in file order.
    pub parts: Vec<String>,
}

const SIZE: usize = 7;

enum Marker<'a> {
    Start(&'a str),
    Base,
    Middle,
    End(&'a str),
}

fn marker(line: &str) -> Option<Marker<'_>> {
    let line = line.trim_end_matches(['\r', '\n']);
    let label = |rest: &'static str| -> Option<&str> {
        let tail = line.strip_prefix(rest)?;
        if tail.is_empty() {
            Some("")
        } else {
            tail.strip_prefix(' ')
        }
    };
    if line.len() < SIZE {
        return None;
    }
    if let Some(label) = label("<<<<<<<") {
        return Some(Marker::Start(label));
    }
    if label("|||||||").is_some() {
        return Some(Marker::Base);
    }
    if line == "=======" {
        return Some(Marker::Middle);
    }
    label(">>>>>>>").map(Marker::End)
}

/// Which side of a hunk a line is on.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Outside,
    Ours(usize),
    Base(usize),
    Theirs(usize),
    Marker,
}

/// The conflict blocks in `text`, none when it has no complete one. A lone
/// marker-like line is content, not a conflict.
pub fn hunks(text: &str) -> Vec<Hunk> {
    let mut lines: Vec<(&str, Side)> = Vec::new();
    let mut found: Vec<Hunk> = Vec::new();
    // Where in `lines` the open hunk starts, the hunk, and whether its
    // `=======` has been seen.
    let mut open: Option<(usize, Hunk, bool)> = None;
    let mut offset = 0;
    for (number, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let kind = marker(line);
        match (&mut open, kind) {
            (None, Some(Marker::Start(label))) => {
                open = Some((
                    lines.len(),
                    Hunk {
                        span: start..start,
                        line: number + 1,
                        ours_label: label.to_owned(),
                        theirs_label: String::new(),
                        parts: Vec::new(),
                    },
                    false,
                ));
                lines.push((line, Side::Marker));
            }
            (Some((_, _, past_middle)), Some(Marker::Middle)) if !*past_middle => {
                *past_middle = true;
                lines.push((line, Side::Marker));
            }
            (Some((_, _, false)), Some(Marker::Base)) => lines.push((line, Side::Marker)),
            (Some((_, _, true)), Some(Marker::End(label))) => {
                let (_, mut hunk, _) = open.take().expect("a hunk is open");
                hunk.span.end = offset;
                hunk.theirs_label = label.to_owned();
                lines.push((line, Side::Marker));
                found.push(hunk);
            }
            (Some((_, _, past_middle)), _) => {
                let index = found.len();
                let side = if *past_middle {
                    Side::Theirs(index)
                } else {
                    Side::Ours(index)
                };
                lines.push((line, side));
            }
            (None, _) => lines.push((line, Side::Outside)),
        }
    }
    if let Some((begin, _, _)) = open {
        // Not closed: what looked like a start marker is content.
        for entry in &mut lines[begin..] {
            entry.1 = Side::Outside;
        }
    }
    mark_base_lines(&mut lines);
    let ours = view(&lines, |side| matches!(side, Side::Ours(_)));
    let theirs = view(&lines, |side| matches!(side, Side::Theirs(_)));
    for (index, hunk) in found.iter_mut().enumerate() {
        for (side, part) in ours.iter().chain(theirs.iter()) {
            let belongs = matches!(side, Side::Ours(i) | Side::Theirs(i) if *i == index);
            if belongs
                && let Some(part) = part
                && !hunk.parts.contains(part)
            {
                hunk.parts.push(part.clone());
            }
        }
    }
    found
}

/// In diff3 style, the lines between `|||||||` and `=======` are the common
/// ancestor's: neither side.
fn mark_base_lines(lines: &mut [(&str, Side)]) {
    let mut in_base = false;
    for entry in lines.iter_mut() {
        match (entry.1, marker(entry.0)) {
            (Side::Marker, Some(Marker::Base)) => in_base = true,
            (Side::Marker, _) => in_base = false,
            (Side::Ours(index), _) if in_base => entry.1 = Side::Base(index),
            _ => {}
        }
    }
}

/// The file as one side wrote it, each line with the part it belongs to.
fn view(lines: &[(&str, Side)], keep: impl Fn(Side) -> bool) -> Vec<(Side, Option<String>)> {
    let kept: Vec<(&str, Side)> = lines
        .iter()
        .copied()
        .filter(|(_, side)| *side == Side::Outside || keep(*side))
        .collect();
    let mut table = Table::Top;
    let mut faq_count = 0;
    let mut faq_ids: Vec<Option<String>> = Vec::new();
    let mut last_key: Option<String> = None;
    let mut in_string = false;
    let mut named: Vec<(Side, Option<String>, Option<usize>)> = Vec::new();
    for (line, side) in kept {
        let trimmed = line.trim();
        let quotes = line.matches("\"\"\"").count() + line.matches("'''").count();
        let mut faq_index = None;
        let part = if in_string {
            part_of(&table, last_key.as_deref(), &mut faq_index)
        } else if let Some(header) = header(trimmed) {
            last_key = None;
            table = match header.split('.').map(str::trim).collect::<Vec<_>>()[..] {
                ["sections", id, ..] => Table::Section(id.trim_matches('"').to_owned()),
                ["faq"] => {
                    faq_count += 1;
                    faq_ids.push(None);
                    Table::Faq(faq_count - 1)
                }
                [first, ..] => Table::Other(first.to_owned()),
                [] => Table::Other(header.to_owned()),
            };
            part_of(&table, None, &mut faq_index)
        } else if trimmed.is_empty() || trimmed.starts_with('#') {
            None
        } else {
            if let Some((key, value)) = trimmed.split_once('=') {
                let key = key.trim().trim_matches('"');
                if !key.is_empty() && !key.contains(' ') {
                    last_key = Some(key.to_owned());
                    if let Table::Faq(index) = table
                        && key == "id"
                    {
                        let id = value.trim().trim_matches(['"', '\'']);
                        faq_ids[index] = Some(id.to_owned());
                    }
                }
            }
            part_of(&table, last_key.as_deref(), &mut faq_index)
        };
        if quotes % 2 == 1 {
            in_string = !in_string;
        }
        named.push((side, part, faq_index));
    }
    named
        .into_iter()
        .map(|(side, part, faq)| {
            let part = match faq {
                Some(index) => Some(match &faq_ids[index] {
                    Some(id) => format!("faq:{id}"),
                    None => format!("faq entry {}", index + 1),
                }),
                None => part,
            };
            (side, part)
        })
        .collect()
}

enum Table {
    Top,
    Section(String),
    Faq(usize),
    Other(String),
}

fn part_of(table: &Table, key: Option<&str>, faq: &mut Option<usize>) -> Option<String> {
    match table {
        Table::Top => key.map(str::to_owned),
        Table::Section(id) => Some(format!("section:{id}")),
        Table::Faq(index) => {
            *faq = Some(*index);
            None
        }
        Table::Other(name) => Some(name.clone()),
    }
}

/// `[name]` or `[[name]]`, without brackets.
fn header(line: &str) -> Option<&str> {
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    let inner = &inner[..end];
    Some(inner.trim_start_matches('[').trim())
}

/// "headline, section:why and faq:who" from the hunks' parts, each once.
pub fn describe_parts(hunks: &[Hunk]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in hunks.iter().flat_map(|hunk| &hunk.parts) {
        if !parts.contains(&part.as_str()) {
            parts.push(part);
        }
    }
    match parts.as_slice() {
        [] => "blank lines only".to_owned(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "headline and section:why (2 conflicting blocks, lines 2, 12, between
/// HEAD and feature)": what `unresolved conflict in <file>:` is followed by.
pub fn summary(hunks: &[Hunk]) -> String {
    let Some(first) = hunks.first() else {
        return String::new();
    };
    let blocks = match hunks.len() {
        1 => format!("1 conflicting block, line {}", first.line),
        n => format!(
            "{n} conflicting blocks, lines {}",
            hunks
                .iter()
                .map(|hunk| hunk.line.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let sides = if first.ours_label.is_empty() && first.theirs_label.is_empty() {
        String::new()
    } else {
        format!(", between {} and {}", first.ours_label, first.theirs_label)
    };
    format!("{} ({blocks}{sides})", describe_parts(hunks))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFLICTED: &str = r#"slug = "s"
<<<<<<< HEAD
headline = "Ours"
=======
headline = "Theirs"
>>>>>>> feature
status = "draft"

[sections.why]
title = "Why"
body = """
One.
<<<<<<< HEAD
Two, ours.
||||||| base
Two.
=======
Two, theirs.
>>>>>>> feature
"""

[[faq]]
question = "Q?"
<<<<<<< HEAD
answer = "A."
=======
answer = "B."
>>>>>>> feature
id = "who"
"#;

    #[test]
    fn each_block_names_the_parts_it_touches() {
        let found = hunks(CONFLICTED);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].line, 2);
        assert_eq!(found[0].parts, ["headline"]);
        assert_eq!(found[0].ours_label, "HEAD");
        assert_eq!(found[0].theirs_label, "feature");
        assert_eq!(found[1].parts, ["section:why"]);
        assert_eq!(found[2].parts, ["faq:who"]);
        assert_eq!(describe_parts(&found), "headline, section:why and faq:who");
        assert_eq!(
            summary(&found),
            "headline, section:why and faq:who (3 conflicting blocks, lines 2, 13, 24, between HEAD and feature)"
        );
        assert_eq!(
            &CONFLICTED[found[0].span.clone()],
            "<<<<<<< HEAD\nheadline = \"Ours\"\n=======\nheadline = \"Theirs\"\n>>>>>>> feature\n"
        );
    }

    #[test]
    fn a_side_that_adds_a_table_names_it() {
        let text = "slug = \"s\"\n\n<<<<<<< HEAD\n=======\n[sections.new]\ntitle = \"New\"\n>>>>>>> other\n";
        let found = hunks(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].parts, ["section:new"]);
    }

    #[test]
    fn marker_like_content_is_not_a_conflict() {
        assert!(hunks("body = \"\"\"\n=======\n\"\"\"\n").is_empty());
        assert!(hunks("<<<<<<< HEAD\nheadline = \"x\"\n").is_empty());
        assert!(hunks("<<<<<<<<< HEAD\n=======\n>>>>>>> x\n").is_empty());
        assert!(hunks("").is_empty());
    }

    #[test]
    fn crlf_lines_are_read_too() {
        let found = hunks(
            "<<<<<<< HEAD\r\nheadline = \"a\"\r\n=======\r\nheadline = \"b\"\r\n>>>>>>> x\r\n",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].parts, ["headline"]);
        assert_eq!(found[0].theirs_label, "x");
    }
}
