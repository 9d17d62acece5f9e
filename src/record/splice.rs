//! Splicing a record's parts: the headline, a section (with its sources and
//! the comments above it) or a FAQ entry of one record put into another,
//! everything else byte for byte as it was.
//!
//! Two users need it: `lede publish --only`, which takes single items of
//! the working record into the published one, and the three-way merge
//! (`diff::merge`), which takes the other side's parts into ours. It works
//! on the text, not on a parsed and re-serialised table, so that comments,
//! order and spacing survive: a block runs from its table header (and the
//! comment lines just above it) to the next header that is not inside it.

use std::ops::Range;

use crate::record::edit::RecordEditor;
use crate::record::model::is_valid_id;

/// One part of a story that `--only` publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Headline,
    Section(String),
    Faq(String),
}

impl std::str::FromStr for Item {
    type Err = String;

    fn from_str(text: &str) -> Result<Item, String> {
        match text.split_once(':') {
            None if text == "headline" => Ok(Item::Headline),
            Some(("section", id)) if is_valid_id(id) => Ok(Item::Section(id.to_owned())),
            Some(("faq", id)) if is_valid_id(id) => Ok(Item::Faq(id.to_owned())),
            _ => Err(format!(
                "`{text}` is not an item: write headline, section:<id> or faq:<id>"
            )),
        }
    }
}

impl std::fmt::Display for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Item::Headline => write!(f, "headline"),
            Item::Section(id) => write!(f, "section:{id}"),
            Item::Faq(id) => write!(f, "faq:{id}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ItemError {
    #[error("there is no {0} in the working story or in the published one")]
    Missing(Item),
    #[error("cannot read the {which} record: {message}")]
    Parse {
        which: &'static str,
        message: String,
    },
    #[error("the {which} record's {what} has no table header lede can find")]
    Layout { which: &'static str, what: String },
}

/// The published record with `items` taken from the working record and
/// everything else byte for byte as it was published.
pub fn apply_items(published: &str, working: &str, items: &[Item]) -> Result<String, ItemError> {
    let mut text = published.to_owned();
    for item in items {
        text = match item {
            Item::Headline => {
                let headline = toml::from_str::<toml::Table>(working)
                    .ok()
                    .and_then(|t| t.get("headline")?.as_str().map(str::to_owned))
                    .ok_or_else(|| ItemError::Missing(item.clone()))?;
                let mut editor = RecordEditor::parse(&text).map_err(|e| ItemError::Parse {
                    which: "published",
                    message: e.to_string(),
                })?;
                editor.set_top_text("headline", &headline);
                editor.render()
            }
            Item::Section(id) => splice(&text, working, item, &Block::Section(id))?,
            Item::Faq(id) => splice(&text, working, item, &Block::Faq(id))?,
        };
    }
    Ok(text)
}

/// The text of each `[[corrections]]` entry of a record, in order (with
/// the comment lines just above it).
pub fn correction_blocks(text: &str) -> Result<Vec<String>, ItemError> {
    let headers = headers(text, "other")?;
    Ok(headers
        .iter()
        .enumerate()
        .filter(|(_, header)| header.path == ["corrections"])
        .map(|(index, header)| {
            let end = headers.get(index + 1).map_or(text.len(), |next| next.start);
            text[header.start..end].to_owned()
        })
        .collect())
}

enum Block<'a> {
    Section(&'a str),
    Faq(&'a str),
}

/// A table header in a record: its byte span and the key path it opens.
#[derive(Debug, Clone)]
struct Header {
    /// Where the block starts: the header line, or the comment lines just
    /// above it.
    start: usize,
    path: Vec<String>,
    /// For `[[faq]]` entries, the entry's id.
    faq_id: Option<String>,
}

fn headers(text: &str, which: &'static str) -> Result<Vec<Header>, ItemError> {
    type Found = Vec<(usize, Vec<String>, Option<String>)>;
    fn walk(table: &toml_edit::Table, path: &mut Vec<String>, found: &mut Found) {
        for (key, item) in table.iter() {
            path.push(key.to_owned());
            match item {
                toml_edit::Item::Table(child) => {
                    // An implicit table (`sections` of `[sections.a]`) has no
                    // header of its own.
                    if let Some(span) = child
                        .span()
                        .filter(|s| !s.is_empty() && !child.is_implicit())
                    {
                        found.push((span.start, path.clone(), None));
                    }
                    walk(child, path, found);
                }
                toml_edit::Item::ArrayOfTables(array) => {
                    for child in array.iter() {
                        if let Some(span) = child.span().filter(|s| !s.is_empty()) {
                            let id = child.get("id").and_then(|v| v.as_str()).map(str::to_owned);
                            found.push((span.start, path.clone(), id));
                        }
                        walk(child, path, found);
                    }
                }
                _ => {}
            }
            path.pop();
        }
    }
    let document = toml_edit::Document::parse(text).map_err(|e| ItemError::Parse {
        which,
        message: e.to_string(),
    })?;
    let mut found = Found::new();
    walk(document.as_table(), &mut Vec::new(), &mut found);
    found.sort_by_key(|(start, _, _)| *start);
    Ok(found
        .into_iter()
        .map(|(at, path, faq_id)| Header {
            start: block_start(text, at),
            path,
            faq_id,
        })
        .collect())
}

impl Block<'_> {
    fn id(&self) -> &str {
        match self {
            Block::Section(id) | Block::Faq(id) => id,
        }
    }

    fn opens(&self, header: &Header) -> bool {
        match self {
            Block::Section(id) => {
                header.path.len() == 2 && header.path[0] == "sections" && header.path[1] == *id
            }
            Block::Faq(id) => {
                header.path.len() == 1
                    && header.path[0] == "faq"
                    && header.faq_id.as_deref() == Some(*id)
            }
        }
    }

    /// Whether `header` lies inside a block this kind of block opens
    /// (`[[sections.x.sources]]` inside `[sections.x]`).
    fn contains(&self, opener: &Header, header: &Header) -> bool {
        match self {
            Block::Section(_) => header.path.len() > 2 && header.path[..2] == opener.path[..2],
            Block::Faq(_) => header.path.len() > 1 && header.path[0] == "faq",
        }
    }

    /// The ids of this kind of block in `headers`, in order.
    fn siblings(&self, headers: &[Header]) -> Vec<String> {
        headers
            .iter()
            .filter_map(|h| match self {
                Block::Section(_) if h.path.len() == 2 && h.path[0] == "sections" => {
                    Some(h.path[1].clone())
                }
                Block::Faq(_) if h.path.len() == 1 && h.path[0] == "faq" => h.faq_id.clone(),
                _ => None,
            })
            .collect()
    }

    fn with_id<'b>(&self, id: &'b str) -> Block<'b> {
        match self {
            Block::Section(_) => Block::Section(id),
            Block::Faq(_) => Block::Faq(id),
        }
    }

    /// Where a block of this kind goes when none of its siblings is there:
    /// sections before the FAQ and corrections, FAQ entries before the
    /// corrections.
    fn fallback_position(&self, text: &str, headers: &[Header]) -> usize {
        let later: &[&str] = match self {
            Block::Section(_) => &["faq", "corrections"],
            Block::Faq(_) => &["corrections"],
        };
        headers
            .iter()
            .find(|h| later.contains(&h.path[0].as_str()))
            .map_or(text.len(), |h| h.start)
    }
}

/// The byte range of the block `block` opens in `text`.
fn find_block(text: &str, headers: &[Header], block: &Block<'_>) -> Option<Range<usize>> {
    let index = headers.iter().position(|h| block.opens(h))?;
    let opener = &headers[index];
    let end = headers[index + 1..]
        .iter()
        .find(|h| !block.contains(opener, h))
        .map_or(text.len(), |h| h.start);
    Some(opener.start..end)
}

/// The start of the line at `at`, moved up over comment lines directly
/// above it, which belong to the table they precede.
fn block_start(text: &str, at: usize) -> usize {
    let mut start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    while start > 0 {
        let previous_start = text[..start - 1].rfind('\n').map_or(0, |i| i + 1);
        if text[previous_start..start].trim_start().starts_with('#') {
            start = previous_start;
        } else {
            break;
        }
    }
    start
}

fn splice(
    published: &str,
    working: &str,
    item: &Item,
    block: &Block<'_>,
) -> Result<String, ItemError> {
    let published_headers = headers(published, "published")?;
    let working_headers = headers(working, "working")?;
    let source = find_block(working, &working_headers, block);
    let target = find_block(published, &published_headers, block);
    let layout = |which: &'static str| ItemError::Layout {
        which,
        what: item.to_string(),
    };
    // An item that exists as a value but has no header of its own (written
    // inline) cannot be cut out safely.
    if source.is_none() && has_item(working, item) {
        return Err(layout("working"));
    }
    if target.is_none() && has_item(published, item) {
        return Err(layout("published"));
    }
    let mut result = String::with_capacity(published.len() + 1024);
    match (source, target) {
        (Some(source), Some(target)) => {
            result.push_str(&published[..target.start]);
            result.push_str(&separated(&working[source], target.end < published.len()));
            result.push_str(&published[target.end..]);
        }
        (None, Some(target)) => {
            result.push_str(&published[..target.start]);
            result.push_str(&published[target.end..]);
            if target.end == published.len() {
                // The last block went: the blank line before it goes too.
                let kept = result.trim_end_matches('\n').len();
                result.truncate(kept);
                result.push('\n');
            }
        }
        (Some(source), None) => {
            // After the nearest earlier sibling (in the working order) that
            // is published; else before the first published sibling.
            let order = block.siblings(&working_headers);
            let own = order.iter().position(|id| id == block.id());
            let earlier = own.map_or(&order[..], |own| &order[..own]);
            let published_ids = block.siblings(&published_headers);
            let at = earlier
                .iter()
                .rev()
                .find_map(|id| find_block(published, &published_headers, &block.with_id(id)))
                .map(|range| range.end)
                .or_else(|| {
                    published_ids
                        .first()
                        .and_then(|id| {
                            find_block(published, &published_headers, &block.with_id(id))
                        })
                        .map(|range| range.start)
                })
                .unwrap_or_else(|| block.fallback_position(published, &published_headers));
            let before = &published[..at];
            result.push_str(before);
            if !before.is_empty() && !before.ends_with("\n\n") {
                result.push_str(if before.ends_with('\n') { "\n" } else { "\n\n" });
            }
            result.push_str(&separated(&working[source], at < published.len()));
            result.push_str(&published[at..]);
        }
        (None, None) => return Err(ItemError::Missing(item.clone())),
    }
    Ok(result)
}

/// A block's text ending in a line break, and in a blank line when more
/// follows it.
fn separated(block: &str, more_follows: bool) -> String {
    let mut text = block.trim_end_matches('\n').to_owned();
    text.push('\n');
    if more_follows {
        text.push('\n');
    }
    text
}

fn has_item(text: &str, item: &Item) -> bool {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return false;
    };
    match item {
        Item::Headline => table.contains_key("headline"),
        Item::Section(id) => table.get("sections").and_then(|s| s.get(id)).is_some(),
        Item::Faq(id) => table
            .get("faq")
            .and_then(|f| f.as_array())
            .is_some_and(|entries| {
                entries
                    .iter()
                    .any(|e| e.get("id").and_then(|v| v.as_str()) == Some(id))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLISHED: &str = r#"#:schema ../../schemas/story.schema.json
slug = "s"
headline = "Old headline"
status = "published"

# The first section.
[sections.a]
title = "A"
body = "Published A."

[sections.b]
title = "B"
body = "Published B."

[[sections.b.sources]]
outlet = "X"
gist = "Old gist."

[[faq]]
id = "one"
question = "One?"
answer = "Published one."

[[faq]]
id = "two"
question = "Two?"
answer = "Published two."
"#;

    fn working() -> String {
        PUBLISHED
            .replace("Old headline", "New headline")
            .replace("Published A.", "Working A.")
            .replace("Old gist.", "New gist.")
            .replace("Published one.", "Working one.")
            .replace(
                "[[faq]]\nid = \"two\"",
                "[[faq]]\nid = \"new\"\nquestion = \"New?\"\nanswer = \"Added.\"\n\n[[faq]]\nid = \"two\"",
            )
    }

    #[test]
    fn one_faq_entry_changes_and_nothing_else() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Faq("one".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Published one.", "Working one."));
    }

    #[test]
    fn a_new_faq_entry_goes_where_the_working_story_has_it() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Faq("new".into())]).unwrap();
        assert_eq!(
            result,
            PUBLISHED.replace(
                "[[faq]]\nid = \"two\"",
                "[[faq]]\nid = \"new\"\nquestion = \"New?\"\nanswer = \"Added.\"\n\n[[faq]]\nid = \"two\""
            )
        );
    }

    #[test]
    fn a_section_moves_with_its_sources_and_comments() {
        let result = apply_items(PUBLISHED, &working(), &[Item::Section("b".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Old gist.", "New gist."));
        let result = apply_items(PUBLISHED, &working(), &[Item::Section("a".into())]).unwrap();
        assert_eq!(result, PUBLISHED.replace("Published A.", "Working A."));
    }

    #[test]
    fn removed_items_are_removed_and_the_headline_is_set() {
        let without_two = working().replace(
            "\n\n[[faq]]\nid = \"two\"\nquestion = \"Two?\"\nanswer = \"Published two.\"\n",
            "\n",
        );
        let result = apply_items(
            PUBLISHED,
            &without_two,
            &[Item::Faq("two".into()), Item::Headline],
        )
        .unwrap();
        assert_eq!(
            result,
            PUBLISHED
                .replace(
                    "\n[[faq]]\nid = \"two\"\nquestion = \"Two?\"\nanswer = \"Published two.\"\n",
                    ""
                )
                .replace("Old headline", "New headline")
        );
        assert!(toml::from_str::<toml::Table>(&result).is_ok());
    }

    #[test]
    fn missing_items_and_bad_names_are_refused() {
        assert!(matches!(
            apply_items(PUBLISHED, &working(), &[Item::Faq("nope".into())]),
            Err(ItemError::Missing(_))
        ));
        assert!("faq:Bad Id".parse::<Item>().is_err());
        assert!("sources:x".parse::<Item>().is_err());
        assert_eq!(
            "section:how-we-got-here".parse::<Item>(),
            Ok(Item::Section("how-we-got-here".into()))
        );
    }
}
