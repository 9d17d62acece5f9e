//! What changed between two versions of a record, the way an editor thinks
//! of a story: fields, sections by id, sources by outlet, FAQ entries by id,
//! topics and authors as sets, corrections appended. Prose is compared word
//! by word (`word_diff`).
//!
//! The engine works on plain TOML tables rather than the typed `Story`, so a
//! record that breaks the schema (an unknown key, a wrong type) still gets a
//! precise diff: knowledge of the story's shape is used where the shape is
//! there and the rest is compared generically. It does no I/O.
//!
//! Each change has a `path` for programs (`sections/what-the-papers-say/body`,
//! `faq/why-now/answer`, `sections/what-the-papers-say/sources/2`), stable
//! across releases, and a `label` for people ("What the papers say › body").

use serde::Serialize;
use serde_json::Value as Json;
use similar::{Algorithm, DiffTag, capture_diff_slices};
use toml::{Table, Value};

use crate::diff::word_diff::{Granularity, Hunk, diff_text};
use crate::text::words::count_words;

/// One difference between two versions of a record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub path: String,
    pub label: String,
    #[serde(flatten)]
    pub kind: ChangeKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A field, section, source, FAQ entry or correction that is new.
    Added { value: Json, words: usize },
    /// One that is gone.
    Removed { value: Json, words: usize },
    /// A value replaced by another (status, dates, a slug).
    Changed { old: Json, new: Json },
    /// Prose rewritten: the words that changed, in hunks.
    Reworded {
        words_added: usize,
        words_removed: usize,
        hunks: Vec<Hunk>,
    },
    /// A section or FAQ entry that changed place (1-based positions).
    Moved { from: usize, to: usize },
    /// Members of a list that works as a set (topics, authors).
    Members {
        added: Vec<String>,
        removed: Vec<String>,
    },
}

impl Change {
    pub fn words_added(&self) -> usize {
        match &self.kind {
            ChangeKind::Added { words, .. } => *words,
            ChangeKind::Reworded { words_added, .. } => *words_added,
            _ => 0,
        }
    }

    pub fn words_removed(&self) -> usize {
        match &self.kind {
            ChangeKind::Removed { words, .. } => *words,
            ChangeKind::Reworded { words_removed, .. } => *words_removed,
            _ => 0,
        }
    }

    /// The top-level part the change belongs to (`sections/x`, `faq/y`,
    /// `headline`), for counting parts changed.
    pub fn part(&self) -> &str {
        let mut slashes = self.path.match_indices('/');
        match (self.path.split('/').next(), slashes.nth(1)) {
            (Some("sections" | "faq" | "corrections"), Some((at, _))) => &self.path[..at],
            (Some("sections" | "faq" | "corrections"), None) => &self.path,
            _ => self.path.split('/').next().unwrap_or(&self.path),
        }
    }
}

/// Keys whose values are text to be read, compared word by word even when
/// they are a single word.
const PROSE: &[&str] = &[
    "headline", "title", "body", "gist", "question", "answer", "note", "blurb", "name", "reason",
];

/// The changes from `old` to `new`, in reading order: fields, then
/// sections, FAQ entries and corrections.
pub fn diff_records(old: &Table, new: &Table, granularity: Granularity) -> Vec<Change> {
    let mut differ = Differ {
        granularity,
        changes: Vec::new(),
    };
    let deferred = ["sections", "faq", "corrections"];
    let keys = union_keys(old, new);
    for pass in [false, true] {
        for key in &keys {
            if deferred.contains(&key.as_str()) != pass {
                continue;
            }
            let label = match key.as_str() {
                "faq" => "FAQ".to_owned(),
                other => other.to_owned(),
            };
            match key.as_str() {
                "sections" => differ.keyed_tables(key, &label, old.get(key), new.get(key)),
                "faq" => differ.keyed_array(key, &label, "id", old.get(key), new.get(key)),
                "corrections" => match (old.get(key), new.get(key)) {
                    (Some(Value::Array(old_items)), None) => {
                        differ.positional(key, &label, old_items, &[])
                    }
                    (None, Some(Value::Array(new_items))) => {
                        differ.positional(key, &label, &[], new_items)
                    }
                    (old_value, new_value) => differ.value(key, key, &label, old_value, new_value),
                },
                _ => differ.value(key, key, &label, old.get(key), new.get(key)),
            }
        }
    }
    differ.changes
}

struct Differ {
    granularity: Granularity,
    changes: Vec<Change>,
}

impl Differ {
    fn push(&mut self, path: &str, label: &str, kind: ChangeKind) {
        self.changes.push(Change {
            path: path.to_owned(),
            label: label.to_owned(),
            kind,
        });
    }

    /// Compares one value, found under `key`, at `path`.
    fn value(
        &mut self,
        path: &str,
        key: &str,
        label: &str,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        match (old, new) {
            (None, None) => {}
            (None, Some(new)) => self.push(path, label, added(new)),
            (Some(old), None) => self.push(path, label, removed(old)),
            (Some(old), Some(new)) if old == new => {}
            (Some(Value::String(old)), Some(Value::String(new)))
                if PROSE.contains(&key)
                    || old.contains(char::is_whitespace)
                    || new.contains(char::is_whitespace) =>
            {
                let diff = diff_text(old, new, self.granularity);
                if !diff.is_empty() {
                    self.push(
                        path,
                        label,
                        ChangeKind::Reworded {
                            words_added: diff.words_added,
                            words_removed: diff.words_removed,
                            hunks: diff.hunks,
                        },
                    );
                }
            }
            (Some(Value::Table(old)), Some(Value::Table(new))) => {
                for key in union_keys(old, new) {
                    let path = format!("{path}/{}", escape_segment(&key));
                    let label = format!("{label} › {key}");
                    self.value(&path, &key, &label, old.get(&key), new.get(&key));
                }
            }
            (Some(Value::Array(old_items)), Some(Value::Array(new_items))) => {
                let strings = |items: &[Value]| {
                    items
                        .iter()
                        .map(|v| v.as_str().map(str::to_owned))
                        .collect::<Option<Vec<String>>>()
                };
                if let (Some(old_strings), Some(new_strings)) =
                    (strings(old_items), strings(new_items))
                {
                    let added: Vec<String> = new_strings
                        .iter()
                        .filter(|s| !old_strings.contains(s))
                        .cloned()
                        .collect();
                    let removed: Vec<String> = old_strings
                        .iter()
                        .filter(|s| !new_strings.contains(s))
                        .cloned()
                        .collect();
                    if added.is_empty() && removed.is_empty() {
                        self.push(
                            path,
                            &format!("{label} (order)"),
                            changed(
                                old.unwrap_or(&Value::Array(Vec::new())),
                                new.unwrap_or(&Value::Array(Vec::new())),
                            ),
                        );
                    } else {
                        self.push(path, label, ChangeKind::Members { added, removed });
                    }
                } else if key == "sources" {
                    self.keyed_array(path, label, "outlet", old, new);
                } else {
                    self.positional(path, label, old_items, new_items);
                }
            }
            (Some(old), Some(new)) => self.push(path, label, changed(old, new)),
        }
    }

    /// Lists compared item by item (corrections, and anything lede does not
    /// know the shape of).
    fn positional(&mut self, path: &str, label: &str, old: &[Value], new: &[Value]) {
        for index in 0..old.len().max(new.len()) {
            let item_path = format!("{path}/{index}");
            let item_label = item_label(label, index, old.get(index).or(new.get(index)));
            self.value(&item_path, "", &item_label, old.get(index), new.get(index));
        }
    }

    /// `[sections.<id>]`: matched by id.
    fn keyed_tables(&mut self, path: &str, label: &str, old: Option<&Value>, new: Option<&Value>) {
        let empty = Value::Table(Table::new());
        let (Value::Table(old_table), Value::Table(new_table)) =
            (old.unwrap_or(&empty), new.unwrap_or(&empty))
        else {
            return self.value(path, "", label, old, new);
        };
        let entries = |table: &Table| -> Vec<Entry> {
            table
                .iter()
                .map(|(id, value)| Entry {
                    key: id.clone(),
                    segment: escape_segment(id),
                    name: title_of(value).unwrap_or_else(|| id.clone()),
                    value: value.clone(),
                })
                .collect()
        };
        self.matched(path, label, entries(old_table), entries(new_table));
    }

    /// An array of tables matched by the value of `key` (`id` for FAQ
    /// entries, `outlet` for sources); positions when that value is missing
    /// or not unique.
    fn keyed_array(
        &mut self,
        path: &str,
        label: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        let empty = Value::Array(Vec::new());
        let (Value::Array(old_items), Value::Array(new_items)) =
            (old.unwrap_or(&empty), new.unwrap_or(&empty))
        else {
            return self.value(path, "", label, old, new);
        };
        let by_id = key == "id";
        let entries = |items: &[Value]| -> Option<Vec<Entry>> {
            let mut entries = Vec::new();
            for (index, item) in items.iter().enumerate() {
                let id = item.get(key)?.as_str()?.to_owned();
                if entries.iter().any(|entry: &Entry| entry.key == id) {
                    return None;
                }
                let segment = if by_id {
                    escape_segment(&id)
                } else {
                    index.to_string()
                };
                entries.push(Entry {
                    name: if by_id {
                        id.clone()
                    } else {
                        format!("“{id}”")
                    },
                    key: id,
                    segment,
                    value: item.clone(),
                });
            }
            Some(entries)
        };
        match (entries(old_items), entries(new_items)) {
            (Some(old_entries), Some(new_entries)) => {
                self.matched(path, label, old_entries, new_entries)
            }
            _ => self.positional(path, label, old_items, new_items),
        }
    }

    /// Entries matched by key: removed ones first, then the new list in
    /// order with additions, moves and changes.
    fn matched(&mut self, path: &str, label: &str, old: Vec<Entry>, new: Vec<Entry>) {
        let singular = match label {
            "sections" => "section",
            "sources" => "source",
            _ => label,
        };
        let short = |label: &str| label.rsplit(" › ").next().unwrap_or(label).to_owned();
        let prefix = |entry: &Entry| {
            let noun = short(singular);
            let noun = if noun == "sources" {
                "source".to_owned()
            } else {
                noun
            };
            if label.contains(" › ") {
                format!(
                    "{} › {noun} {}",
                    label.rsplit_once(" › ").map_or("", |(head, _)| head),
                    entry.name
                )
            } else if singular == "section" {
                entry.name.clone()
            } else {
                format!("{noun} {}", entry.name)
            }
        };
        for entry in &old {
            if !new.iter().any(|n| n.key == entry.key) {
                let old_index = old.iter().position(|o| o.key == entry.key).unwrap_or(0);
                let segment = if entry.segment.parse::<usize>().is_ok() {
                    old_index.to_string()
                } else {
                    entry.segment.clone()
                };
                self.push(
                    &format!("{path}/{segment}"),
                    &prefix(entry),
                    removed(&entry.value),
                );
            }
        }
        let old_common: Vec<&str> = old
            .iter()
            .filter(|o| new.iter().any(|n| n.key == o.key))
            .map(|o| o.key.as_str())
            .collect();
        let new_common: Vec<&str> = new
            .iter()
            .filter(|n| old.iter().any(|o| o.key == n.key))
            .map(|n| n.key.as_str())
            .collect();
        let mut moved: Vec<&str> = Vec::new();
        for op in capture_diff_slices(Algorithm::Myers, &old_common, &new_common) {
            let (tag, _, new_range) = op.as_tag_tuple();
            if tag == DiffTag::Insert || tag == DiffTag::Replace {
                moved.extend(new_common[new_range].iter().copied());
            }
        }
        for (new_index, entry) in new.iter().enumerate() {
            let entry_path = format!("{path}/{}", entry.segment);
            let entry_label = prefix(entry);
            let Some(old_index) = old.iter().position(|o| o.key == entry.key) else {
                self.push(&entry_path, &entry_label, added(&entry.value));
                continue;
            };
            if moved.contains(&entry.key.as_str()) {
                self.push(
                    &entry_path,
                    &entry_label,
                    ChangeKind::Moved {
                        from: old_index + 1,
                        to: new_index + 1,
                    },
                );
            }
            let old_value = &old[old_index].value;
            match (old_value, &entry.value) {
                (Value::Table(old_table), Value::Table(new_table)) => {
                    for key in union_keys(old_table, new_table) {
                        self.value(
                            &format!("{entry_path}/{}", escape_segment(&key)),
                            &key,
                            &format!("{entry_label} › {key}"),
                            old_table.get(&key),
                            new_table.get(&key),
                        );
                    }
                }
                (old_value, new_value) => self.value(
                    &entry_path,
                    "",
                    &entry_label,
                    Some(old_value),
                    Some(new_value),
                ),
            }
        }
    }
}

struct Entry {
    /// What entries are matched by.
    key: String,
    /// Their part of the path.
    segment: String,
    /// What people call them.
    name: String,
    value: Value,
}

fn title_of(value: &Value) -> Option<String> {
    value
        .get("title")?
        .as_str()
        .map(|title| format!("“{title}”"))
}

fn item_label(label: &str, index: usize, item: Option<&Value>) -> String {
    let noun = match label {
        "corrections" => "correction",
        other => other,
    };
    match item.and_then(|v| v.get("at")).map(Value::to_string) {
        Some(at) => format!("{noun} {} ({at})", index + 1),
        None => format!("{noun} {}", index + 1),
    }
}

/// Keys of both tables: `new`'s in its order, then those only `old` has.
fn union_keys(old: &Table, new: &Table) -> Vec<String> {
    let mut keys: Vec<String> = new.keys().cloned().collect();
    keys.extend(old.keys().filter(|key| !new.contains_key(*key)).cloned());
    keys
}

/// A key as a path segment: `/` and `~` escaped as in JSON Pointer.
fn escape_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn added(value: &Value) -> ChangeKind {
    ChangeKind::Added {
        value: to_json(value),
        words: words_in(value),
    }
}

fn removed(value: &Value) -> ChangeKind {
    ChangeKind::Removed {
        value: to_json(value),
        words: words_in(value),
    }
}

fn changed(old: &Value, new: &Value) -> ChangeKind {
    ChangeKind::Changed {
        old: to_json(old),
        new: to_json(new),
    }
}

/// Words of prose in a value: strings under prose keys, and strings with
/// spaces anywhere.
fn words_in(value: &Value) -> usize {
    fn walk(key: &str, value: &Value) -> usize {
        match value {
            Value::String(text) if PROSE.contains(&key) || text.contains(' ') => count_words(text),
            Value::Table(table) => table.iter().map(|(key, value)| walk(key, value)).sum(),
            Value::Array(items) => items.iter().map(|item| walk(key, item)).sum(),
            _ => 0,
        }
    }
    walk("", value)
}

/// A TOML value as JSON, dates as their RFC 3339 text.
pub fn to_json(value: &Value) -> Json {
    match value {
        Value::String(text) => Json::String(text.clone()),
        Value::Integer(number) => Json::from(*number),
        Value::Float(number) => {
            serde_json::Number::from_f64(*number).map_or(Json::Null, Json::Number)
        }
        Value::Boolean(flag) => Json::Bool(*flag),
        Value::Datetime(datetime) => Json::String(datetime.to_string()),
        Value::Array(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Table(table) => Json::Object(
            table
                .iter()
                .map(|(key, value)| (key.clone(), to_json(value)))
                .collect(),
        ),
    }
}

/// One version of a record file: where it was and what it held.
#[derive(Debug, Clone)]
pub struct Version<'a> {
    /// The path, relative to the repository root, or as given.
    pub path: &'a str,
    /// Where the version comes from, for messages ("HEAD", "the working tree").
    pub side: &'a str,
    pub bytes: &'a [u8],
}

/// How a record file differs between two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileStatus {
    Added,
    Deleted,
    Modified,
    /// The same record (same file name) at a new path, perhaps also changed.
    Moved,
}

/// What changed in one record between two sides.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDiff {
    /// `story` or `topic`.
    pub kind: &'static str,
    /// The slug or topic id: the file name without `.toml`.
    pub id: String,
    pub status: FileStatus,
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub headline: Option<String>,
    pub parts_changed: usize,
    pub words_added: usize,
    pub words_removed: usize,
    pub changes: Vec<Change>,
    /// Why the diff is not semantic, when a side does not parse.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// A line-based (unified) diff, given instead of `changes` when a side
    /// does not parse.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line_diff: Option<String>,
}

impl RecordDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.line_diff.is_none() && self.status != FileStatus::Moved
    }
}

/// Compares two versions of a record file; either may be absent (added or
/// deleted). A side that is not UTF-8 TOML is compared line by line, with a
/// warning that says where it stopped parsing.
pub fn diff_versions(
    kind: &'static str,
    id: &str,
    old: Option<Version<'_>>,
    new: Option<Version<'_>>,
    granularity: Granularity,
) -> RecordDiff {
    let status = match (&old, &new) {
        (None, _) => FileStatus::Added,
        (_, None) => FileStatus::Deleted,
        (Some(old), Some(new)) if old.path != new.path => FileStatus::Moved,
        _ => FileStatus::Modified,
    };
    let mut warnings = Vec::new();
    let mut parse = |version: &Option<Version<'_>>| -> Result<Table, ()> {
        let Some(version) = version else {
            return Ok(Table::new());
        };
        let text = std::str::from_utf8(version.bytes).map_err(|error| {
            warnings.push(format!(
                "{} ({}) is not UTF-8 text (invalid byte at offset {}); showing a line diff",
                version.path,
                version.side,
                error.valid_up_to()
            ));
        })?;
        let text = crate::text::source::strip_bom(text);
        toml::from_str::<Table>(text).map_err(|error| {
            let at = error
                .span()
                .map(|span| {
                    let position = crate::text::source::Position::of(text, span.start);
                    format!(":{}:{}", position.line, position.column)
                })
                .unwrap_or_default();
            warnings.push(format!(
                "{}{at} ({}) does not parse as TOML: {}; showing a line diff",
                version.path,
                version.side,
                error.message().trim()
            ));
        })
    };
    let old_table = parse(&old);
    let new_table = parse(&new);
    let headline = [&new_table, &old_table].into_iter().find_map(|table| {
        table
            .as_ref()
            .ok()?
            .get("headline")?
            .as_str()
            .map(str::to_owned)
    });
    let mut diff = RecordDiff {
        kind,
        id: id.to_owned(),
        status,
        old_path: old.as_ref().map(|v| v.path.to_owned()),
        new_path: new.as_ref().map(|v| v.path.to_owned()),
        headline,
        parts_changed: 0,
        words_added: 0,
        words_removed: 0,
        changes: Vec::new(),
        warnings,
        line_diff: None,
    };
    match (old_table, new_table) {
        (Ok(old_table), Ok(new_table)) => {
            diff.changes = diff_records(&old_table, &new_table, granularity);
        }
        _ => {
            let text = |version: &Option<Version<'_>>| {
                version
                    .as_ref()
                    .map(|v| String::from_utf8_lossy(v.bytes).into_owned())
                    .unwrap_or_default()
            };
            let (old_text, new_text) = (text(&old), text(&new));
            let lines = similar::TextDiff::from_lines(&old_text, &new_text);
            let unified = lines
                .unified_diff()
                .context_radius(3)
                .header(
                    old.as_ref().map_or("/dev/null", |v| v.path),
                    new.as_ref().map_or("/dev/null", |v| v.path),
                )
                .to_string();
            diff.words_added = lines
                .iter_all_changes()
                .filter(|c| c.tag() == similar::ChangeTag::Insert)
                .map(|c| count_words(c.value()))
                .sum();
            diff.words_removed = lines
                .iter_all_changes()
                .filter(|c| c.tag() == similar::ChangeTag::Delete)
                .map(|c| count_words(c.value()))
                .sum();
            if !unified.is_empty() {
                diff.line_diff = Some(unified);
            }
            return diff;
        }
    }
    let mut parts: Vec<&str> = diff.changes.iter().map(Change::part).collect();
    parts.dedup();
    diff.parts_changed = parts.len();
    diff.words_added = diff.changes.iter().map(Change::words_added).sum();
    diff.words_removed = diff.changes.iter().map(Change::words_removed).sum();
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    fn diff(old: &str, new: &str) -> Vec<Change> {
        diff_records(&table(old), &table(new), Granularity::Word)
    }

    fn summary(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|change| {
                let kind = match &change.kind {
                    ChangeKind::Added { words, .. } => format!("added {words}w"),
                    ChangeKind::Removed { words, .. } => format!("removed {words}w"),
                    ChangeKind::Changed { old, new } => format!("{old} -> {new}"),
                    ChangeKind::Reworded {
                        words_added,
                        words_removed,
                        hunks,
                    } => {
                        format!("+{words_added} -{words_removed} in {} hunk(s)", hunks.len())
                    }
                    ChangeKind::Moved { from, to } => format!("moved {from} -> {to}"),
                    ChangeKind::Members { added, removed } => format!("+{added:?} -{removed:?}"),
                };
                format!("{} [{}]: {kind}", change.path, change.label)
            })
            .collect()
    }

    const BASE: &str = r#"
slug = "s"
headline = "Kazakhstan to join the accords"
status = "in_review"
desk = "world"
authors = ["A <a@x>"]
topics = ["kazakhstan", "abraham-accords"]
updated = 2025-11-07T09:30:00Z

[sections.whats-happened]
title = "What's happened"
body = "Kazakhstan said it would join."

[sections.what-the-papers-say]
title = "What the papers say"
body = "Papers were split."

[[sections.what-the-papers-say.sources]]
outlet = "Outlet A"
gist = "A welcomed it."

[[sections.what-the-papers-say.sources]]
outlet = "Outlet B"
gist = "B doubted it."

[[faq]]
id = "why-now"
question = "Why now?"
answer = "Timing."

[[faq]]
id = "who"
question = "Who signed?"
answer = "Four states."

[[corrections]]
at = 2025-11-08T10:00:00Z
note = "Fixed a year."
"#;

    fn version<'a>(path: &'a str, text: &'a str) -> Option<Version<'a>> {
        Some(Version {
            path,
            side: "test",
            bytes: text.as_bytes(),
        })
    }

    #[test]
    fn a_side_that_does_not_parse_gets_a_line_diff_and_a_warning() {
        let broken = BASE.replace("desk = \"world\"", "desk = world");
        let diff = diff_versions(
            "story",
            "s",
            version("s.toml", BASE),
            version("s.toml", &broken),
            Granularity::Word,
        );
        assert!(diff.changes.is_empty());
        assert_eq!(diff.warnings.len(), 1);
        assert!(
            diff.warnings[0].starts_with("s.toml:5:8 (test) does not parse as TOML"),
            "{}",
            diff.warnings[0]
        );
        let lines = diff.line_diff.unwrap();
        assert!(
            lines.contains("-desk = \"world\"\n+desk = world\n"),
            "{lines}"
        );
        let binary = diff_versions(
            "story",
            "s",
            version("s.toml", BASE),
            Some(Version {
                path: "s.toml",
                side: "test",
                bytes: b"\xff\xfe",
            }),
            Granularity::Word,
        );
        assert!(binary.warnings[0].contains("not UTF-8"));
    }

    #[test]
    fn version_diffs_count_parts_and_words() {
        let new = BASE
            .replace("Papers were split.", "Papers were sharply split.")
            .replace("Timing.", "Timing matters.");
        let diff = diff_versions(
            "story",
            "s",
            version("a/s.toml", BASE),
            version("b/s.toml", &new),
            Granularity::Word,
        );
        assert_eq!(diff.status, FileStatus::Moved);
        assert_eq!(
            (diff.parts_changed, diff.words_added, diff.words_removed),
            (2, 2, 0)
        );
        assert_eq!(
            diff.headline.as_deref(),
            Some("Kazakhstan to join the accords")
        );
    }

    #[test]
    fn identical_records_have_no_changes() {
        assert!(diff(BASE, BASE).is_empty());
    }

    #[test]
    fn scalar_fields_show_old_and_new() {
        let new = BASE
            .replace("status = \"in_review\"", "status = \"draft\"")
            .replace("09:30:00Z", "11:00:00Z");
        assert_eq!(
            summary(&diff(BASE, &new)),
            [
                "status [status]: \"in_review\" -> \"draft\"",
                "updated [updated]: \"2025-11-07T09:30:00Z\" -> \"2025-11-07T11:00:00Z\""
            ]
        );
    }

    #[test]
    fn prose_is_compared_word_by_word() {
        let new = BASE.replace("Papers were split.", "Papers were sharply split.");
        assert_eq!(
            summary(&diff(BASE, &new)),
            [
                "sections/what-the-papers-say/body [“What the papers say” › body]: +1 -0 in 1 hunk(s)"
            ]
        );
        let new = BASE.replace("join the accords", "join the Abraham Accords");
        assert_eq!(
            summary(&diff(BASE, &new)),
            ["headline [headline]: +2 -1 in 1 hunk(s)"]
        );
    }

    #[test]
    fn topics_and_authors_are_sets() {
        let new = BASE.replace(
            r#"["kazakhstan", "abraham-accords"]"#,
            r#"["kazakhstan", "israel"]"#,
        );
        assert_eq!(
            summary(&diff(BASE, &new)),
            ["topics [topics]: +[\"israel\"] -[\"abraham-accords\"]"]
        );
        let new = BASE.replace(
            r#"["kazakhstan", "abraham-accords"]"#,
            r#"["abraham-accords", "kazakhstan"]"#,
        );
        assert_eq!(
            summary(&diff(BASE, &new)),
            [
                "topics [topics (order)]: [\"kazakhstan\",\"abraham-accords\"] -> [\"abraham-accords\",\"kazakhstan\"]"
            ]
        );
    }

    #[test]
    fn sections_are_matched_by_id() {
        let new = format!("{BASE}\n[sections.how-we-got-here]\ntitle = \"How we got here\"\nbody = \"Since 2020, five states.\"\n")
            .replace("[sections.whats-happened]\ntitle = \"What's happened\"\nbody = \"Kazakhstan said it would join.\"\n", "");
        assert_eq!(
            summary(&diff(BASE, &new)),
            [
                "sections/whats-happened [“What's happened”]: removed 7w",
                "sections/how-we-got-here [“How we got here”]: added 8w"
            ]
        );
    }

    #[test]
    fn sections_moved_in_the_file_are_reported_as_moves() {
        let old = "[sections.a]\ntitle = \"A\"\nbody = \"x\"\n[sections.b]\ntitle = \"B\"\nbody = \"y\"\n";
        let new = "[sections.b]\ntitle = \"B\"\nbody = \"y\"\n[sections.a]\ntitle = \"A\"\nbody = \"x\"\n";
        assert_eq!(summary(&diff(old, new)), ["sections/b [“B”]: moved 2 -> 1"]);
    }

    #[test]
    fn sources_are_matched_by_outlet() {
        let new = BASE
            .replace("B doubted it.", "B questioned it.")
            .replace("Outlet A", "Outlet C");
        assert_eq!(
            summary(&diff(BASE, &new)),
            [
                "sections/what-the-papers-say/sources/0 [“What the papers say” › source “Outlet A”]: removed 5w",
                "sections/what-the-papers-say/sources/0 [“What the papers say” › source “Outlet C”]: added 5w",
                "sections/what-the-papers-say/sources/1/gist [“What the papers say” › source “Outlet B” › gist]: +1 -1 in 1 hunk(s)"
            ]
        );
    }

    #[test]
    fn faq_entries_are_matched_by_id_and_moves_are_seen() {
        let reordered = BASE.replace(
            "[[faq]]\nid = \"why-now\"\nquestion = \"Why now?\"\nanswer = \"Timing.\"\n\n[[faq]]\nid = \"who\"\nquestion = \"Who signed?\"\nanswer = \"Four states.\"\n",
            "[[faq]]\nid = \"who\"\nquestion = \"Who signed?\"\nanswer = \"Five states.\"\n\n[[faq]]\nid = \"new-one\"\nquestion = \"What next?\"\nanswer = \"Talks.\"\n",
        );
        assert_eq!(
            summary(&diff(BASE, &reordered)),
            [
                "faq/why-now [FAQ why-now]: removed 3w",
                "faq/who/answer [FAQ who › answer]: +1 -1 in 1 hunk(s)",
                "faq/new-one [FAQ new-one]: added 3w"
            ]
        );
        let swapped = BASE.replace(
            "[[faq]]\nid = \"why-now\"\nquestion = \"Why now?\"\nanswer = \"Timing.\"\n\n[[faq]]\nid = \"who\"\nquestion = \"Who signed?\"\nanswer = \"Four states.\"\n",
            "[[faq]]\nid = \"who\"\nquestion = \"Who signed?\"\nanswer = \"Four states.\"\n\n[[faq]]\nid = \"why-now\"\nquestion = \"Why now?\"\nanswer = \"Timing.\"\n",
        );
        assert_eq!(
            summary(&diff(BASE, &swapped)),
            ["faq/who [FAQ who]: moved 2 -> 1"]
        );
    }

    #[test]
    fn corrections_appended_and_rewritten_are_told_apart() {
        let appended = format!(
            "{BASE}\n[[corrections]]\nat = 2025-11-09T10:00:00Z\nnote = \"Fixed a name.\"\n"
        );
        assert_eq!(
            summary(&diff(BASE, &appended)),
            ["corrections/1 [correction 2 (2025-11-09T10:00:00Z)]: added 3w"]
        );
        let rewritten = BASE.replace("Fixed a year.", "Fixed the year.");
        assert_eq!(
            summary(&diff(BASE, &rewritten)),
            ["corrections/0/note [correction 1 (2025-11-08T10:00:00Z) › note]: +1 -1 in 1 hunk(s)"]
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_still_compared() {
        assert_eq!(
            summary(&diff(
                "x = 1\nextra = { a = 1 }",
                "x = \"one\"\nextra = { a = 2, b = true }"
            )),
            [
                "x [x]: 1 -> \"one\"",
                "extra/a [extra › a]: 1 -> 2",
                "extra/b [extra › b]: added 0w"
            ]
        );
        assert_eq!(
            summary(&diff(
                "[[faq]]\nquestion = \"Q\"",
                "[[faq]]\nquestion = \"Q?\""
            )),
            ["faq/0/question [FAQ 1 › question]: +0 -0 in 1 hunk(s)"]
        );
    }

    #[test]
    fn a_whole_record_added_lists_its_parts() {
        let changes = diff_records(&Table::new(), &table(BASE), Granularity::Word);
        let parts: Vec<&str> = changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            parts,
            [
                "slug",
                "headline",
                "status",
                "desk",
                "authors",
                "topics",
                "updated",
                "sections/whats-happened",
                "sections/what-the-papers-say",
                "faq/why-now",
                "faq/who",
                "corrections/0"
            ]
        );
    }
}
