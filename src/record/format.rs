//! The canonical layout of a record, for `lede fmt`.
//!
//! A newsroom that wants every record to look alike gets: the `#:schema`
//! line first; keys in the order of the record format (unknown keys after
//! them, in file order); sections in reading order, each followed by its
//! sources, then FAQ entries, then corrections; one blank line before each
//! table and none between keys; `key = value` with single spaces; short
//! text on one line and long text as a multi-line string; short lists on one
//! line. Comments stay with the key or table they precede. The data never
//! changes: the formatted record parses to exactly the same values.

use toml_edit::{DocumentMut, Item, Table, Value};

use crate::record::collection::Collection;
use crate::record::edit::{EditError, text_value};

const STORY_KEYS: &[&str] = &[
    "slug",
    "headline",
    "status",
    "desk",
    "authors",
    "topics",
    "created",
    "updated",
    "embargo",
    "revision",
    "published",
    "sections",
    "faq",
    "corrections",
];
const TOPIC_KEYS: &[&str] = &["id", "name", "kind", "blurb"];
const SECTION_KEYS: &[&str] = &["title", "body", "sources"];
const SOURCE_KEYS: &[&str] = &["outlet", "url", "gist"];
const FAQ_KEYS: &[&str] = &["id", "question", "answer"];
const CORRECTION_KEYS: &[&str] = &["at", "note"];
const SECTION_ORDER: &[&str] = &[
    "whats-happened",
    "behind-the-headline",
    "what-the-papers-say",
    "how-we-got-here",
];

/// The record in canonical layout. `schema_line` is the `#:schema ...` line
/// the record should start with.
pub fn canonical(
    text: &str,
    collection: Collection,
    schema_line: &str,
) -> Result<String, EditError> {
    let text = crate::text::source::strip_bom(text);
    let mut document: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| EditError::Parse(e.to_string()))?;
    let keys = match collection {
        Collection::Story => STORY_KEYS,
        Collection::Topic => TOPIC_KEYS,
    };
    let root = document.as_table_mut();
    tidy_table(root, keys);
    // The schema line is written by hand below; drop the old one.
    if let Some(mut first) = root.iter_mut().next().map(|(key, _)| key) {
        let prefix = first
            .leaf_decor()
            .prefix()
            .and_then(|p| p.as_str())
            .unwrap_or_default()
            .to_owned();
        let kept: Vec<&str> = prefix
            .lines()
            .filter(|line| !line.trim_start().starts_with("#:schema") && !line.trim().is_empty())
            .collect();
        let prefix = kept
            .iter()
            .map(|line| format!("{}\n", line.trim_end()))
            .collect::<String>();
        first.leaf_decor_mut().set_prefix(prefix);
    }

    let mut position = 1isize;
    if collection == Collection::Story {
        if let Some(sections) = root.get_mut("sections").and_then(Item::as_table_mut) {
            sections.set_implicit(true);
            let mut ids: Vec<String> = sections.iter().map(|(id, _)| id.to_owned()).collect();
            ids.sort_by_key(|id| {
                SECTION_ORDER
                    .iter()
                    .position(|s| s == id)
                    .unwrap_or(SECTION_ORDER.len())
            });
            for id in ids {
                let Some(section) = sections.get_mut(&id).and_then(Item::as_table_mut) else {
                    continue;
                };
                place(section, &mut position);
                tidy_table(section, SECTION_KEYS);
                if let Some(sources) = section
                    .get_mut("sources")
                    .and_then(Item::as_array_of_tables_mut)
                {
                    for source in sources.iter_mut() {
                        place(source, &mut position);
                        tidy_table(source, SOURCE_KEYS);
                    }
                }
            }
        }
        for (key, order) in [("faq", FAQ_KEYS), ("corrections", CORRECTION_KEYS)] {
            if let Some(entries) = root.get_mut(key).and_then(Item::as_array_of_tables_mut) {
                for entry in entries.iter_mut() {
                    place(entry, &mut position);
                    tidy_table(entry, order);
                }
            }
        }
    }

    let body = document.to_string();
    let body = body.trim_start_matches('\n');
    let mut out = format!("{schema_line}\n{body}");
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// A table's next place in the document, after one blank line (and the
/// comments written above it).
fn place(table: &mut Table, position: &mut isize) {
    table.set_position(Some(*position));
    *position += 1;
    let comments = comment_lines(table.decor().prefix().and_then(|p| p.as_str()));
    table.decor_mut().set_prefix(format!("\n{comments}"));
    table.decor_mut().set_suffix("");
}

/// Orders a table's keys and gives each `key = value` line its canonical
/// spacing and string style.
fn tidy_table(table: &mut Table, order: &[&str]) {
    let rank = |key: &str| order.iter().position(|k| *k == key).unwrap_or(order.len());
    table.sort_values_by(|a, _, b, _| rank(a.get()).cmp(&rank(b.get())));
    let keys: Vec<String> = table.iter().map(|(key, _)| key.to_owned()).collect();
    for key in keys {
        if let Some(Item::Value(value)) = table.get_mut(&key) {
            let comment = value
                .decor()
                .suffix()
                .and_then(|s| s.as_str())
                .filter(|s| s.contains('#'))
                .map(|s| format!(" {}", s.trim()));
            let mut canonical = canonical_value(value);
            canonical.decor_mut().set_prefix(" ");
            canonical
                .decor_mut()
                .set_suffix(comment.unwrap_or_default());
            *value = canonical;
        } else {
            continue;
        }
        if let Some(mut key) = table.key_mut(&key) {
            let comments = comment_lines(key.leaf_decor().prefix().and_then(|p| p.as_str()));
            key.leaf_decor_mut().set_prefix(comments);
            key.leaf_decor_mut().set_suffix(" ");
        }
    }
}

/// The comment lines of a decoration, each ending with a newline; blank
/// lines dropped.
fn comment_lines(prefix: Option<&str>) -> String {
    prefix
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with('#'))
        .map(|line| format!("{line}\n"))
        .collect()
}

fn canonical_value(value: &Value) -> Value {
    match value {
        Value::String(text) => text_value(text.value()),
        Value::Array(array) if array.iter().all(|item| item.as_str().is_some()) => {
            let items: Vec<String> = array
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect();
            crate::record::draft::list(&items)
                .parse()
                .unwrap_or_else(|_| value.clone())
        }
        other => {
            let mut other = other.clone();
            other.decor_mut().clear();
            other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA_LINE: &str = "#:schema ../../schemas/story.schema.json";

    fn values(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_sample_story_is_already_canonical() {
        let sample = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/stories/2025/kazakhstan-joins-abraham-accords.toml"
        ));
        assert_eq!(
            canonical(sample, Collection::Story, SCHEMA_LINE).unwrap(),
            sample
        );
    }

    #[test]
    fn a_messy_record_gets_the_canonical_layout_and_keeps_its_data_and_comments() {
        let sample = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/stories/2025/kazakhstan-joins-abraham-accords.toml"
        ));
        // Keys out of order, odd spacing, a literal string, a comment, the
        // sections in another order and no schema line.
        let messy = sample
            .replacen("#:schema ../../schemas/story.schema.json\n", "", 1)
            .replacen("status = \"published\"\n", "", 1)
            .replacen(
                "desk = \"world\"",
                "desk   =    'world'   # the foreign desk\nstatus = \"published\"",
                1,
            );
        // The last section moved before the first one.
        let first = messy.find("[sections.whats-happened]").unwrap();
        let how = messy.find("[sections.how-we-got-here]").unwrap();
        let faq = messy.find("[[faq]]").unwrap();
        let messy = format!(
            "{}{}\n\n\n{}{}",
            &messy[..first],
            messy[how..faq].trim_end(),
            &messy[first..how],
            &messy[faq..]
        );
        let formatted = canonical(&messy, Collection::Story, SCHEMA_LINE).unwrap();
        assert_eq!(values(&formatted), values(sample), "the data is unchanged");
        assert!(formatted.starts_with(SCHEMA_LINE));
        assert!(
            formatted.contains("status = \"published\"\ndesk = \"world\" # the foreign desk\n"),
            "{formatted}"
        );
        let at = |needle: &str| formatted.find(needle).unwrap();
        assert!(at("[sections.what-the-papers-say]") < at("[sections.how-we-got-here]"));
        assert!(at("[sections.how-we-got-here]") < at("[[faq]]"));
        assert_eq!(
            canonical(&formatted, Collection::Story, SCHEMA_LINE).unwrap(),
            formatted,
            "idempotent"
        );
    }

    #[test]
    fn every_fixture_keeps_its_data_and_formats_idempotently() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/newsroom/stories/valid");
        for entry in std::fs::read_dir(root).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let once = canonical(&text, Collection::Story, SCHEMA_LINE).unwrap();
            assert_eq!(values(&once), values(&text));
            assert_eq!(
                canonical(&once, Collection::Story, SCHEMA_LINE).unwrap(),
                once
            );
        }
    }
}
