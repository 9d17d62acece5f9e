//! Changing a record without disturbing a byte the change is not about.
//!
//! Reading uses the typed model (`record`); writing goes through toml_edit,
//! which keeps comments, key order, blank lines and string styles. An edit
//! replaces one value and keeps the decoration around it (the comment after
//! it, the spacing before it); everything else in the file is written back
//! exactly as it was read.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("the record is not valid TOML: {0}")]
    Parse(String),
    #[error("{0}")]
    Shape(String),
}

pub struct RecordEditor {
    document: DocumentMut,
}

impl RecordEditor {
    pub fn parse(text: &str) -> Result<RecordEditor, EditError> {
        let document = text
            .parse::<DocumentMut>()
            .map_err(|e| EditError::Parse(e.to_string()))?;
        Ok(RecordEditor { document })
    }

    /// The record's text.
    pub fn render(&self) -> String {
        self.document.to_string()
    }

    /// Sets a top-level string (e.g. `headline`).
    pub fn set_top_text(&mut self, key: &str, text: &str) {
        set_value(self.document.as_table_mut(), key, text_value(text));
    }

    /// Sets a top-level value written as TOML (a date-time, a number).
    pub fn set_top_raw(&mut self, key: &str, toml: &str) -> Result<(), EditError> {
        let value: Value = toml
            .parse()
            .map_err(|_| EditError::Shape(format!("`{toml}` is not a TOML value")))?;
        set_value(self.document.as_table_mut(), key, value);
        Ok(())
    }

    /// Sets `key` of section `id` (`title` or `body`), creating the section
    /// table at the end of the sections when it does not exist.
    pub fn set_section_text(&mut self, id: &str, key: &str, text: &str) -> Result<(), EditError> {
        let sections = self
            .document
            .entry("sections")
            .or_insert_with(|| {
                let mut table = Table::new();
                table.set_implicit(true);
                Item::Table(table)
            })
            .as_table_mut()
            .ok_or_else(|| EditError::Shape("`sections` is not a table".into()))?;
        let section = sections
            .entry(id)
            .or_insert_with(|| Item::Table(Table::new()))
            .as_table_mut()
            .ok_or_else(|| EditError::Shape(format!("`sections.{id}` is not a table")))?;
        set_value(section, key, text_value(text));
        Ok(())
    }

    /// Adds a section after the others.
    pub fn add_section(&mut self, id: &str, title: &str, body: &str) -> Result<(), EditError> {
        let exists = self
            .document
            .get("sections")
            .and_then(Item::as_table)
            .is_some_and(|sections| sections.contains_key(id));
        if exists {
            return Err(EditError::Shape(format!(
                "the story already has a section `{id}`"
            )));
        }
        self.set_section_text(id, "title", title)?;
        self.set_section_text(id, "body", body)
    }

    /// The `[[faq]]` entries.
    fn faq(&mut self) -> Result<&mut ArrayOfTables, EditError> {
        self.document
            .entry("faq")
            .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| EditError::Shape("`faq` is not a list of [[faq]] tables".into()))
    }

    pub fn faq_ids(&mut self) -> Result<Vec<String>, EditError> {
        Ok(self
            .faq()?
            .iter()
            .filter_map(|entry| entry.get("id").and_then(Item::as_str).map(str::to_owned))
            .collect())
    }

    /// Appends a FAQ entry.
    pub fn add_faq(&mut self, id: &str, question: &str, answer: &str) -> Result<(), EditError> {
        if self.faq_ids()?.iter().any(|existing| existing == id) {
            return Err(EditError::Shape(format!(
                "the story already has a FAQ entry `{id}`"
            )));
        }
        let mut entry = Table::new();
        entry.insert("id", Item::Value(text_value(id)));
        entry.insert("question", Item::Value(text_value(question)));
        entry.insert("answer", Item::Value(text_value(answer)));
        self.faq()?.push(entry);
        Ok(())
    }

    /// Sets the question or answer of an existing FAQ entry.
    pub fn set_faq_text(&mut self, id: &str, key: &str, text: &str) -> Result<(), EditError> {
        let entry = self
            .faq()?
            .iter_mut()
            .find(|entry| entry.get("id").and_then(Item::as_str) == Some(id))
            .ok_or_else(|| EditError::Shape(format!("the story has no FAQ entry `{id}`")))?;
        set_value(entry, key, text_value(text));
        Ok(())
    }

    /// Appends a correction: a dated note after the existing ones, which
    /// stay exactly as they are.
    pub fn add_correction(&mut self, at: &str, note: &str) -> Result<(), EditError> {
        let at: Value = at
            .parse()
            .map_err(|_| EditError::Shape(format!("`{at}` is not a date-time")))?;
        let corrections = self
            .document
            .entry("corrections")
            .or_insert_with(|| Item::ArrayOfTables(toml_edit::ArrayOfTables::new()))
            .as_array_of_tables_mut()
            .ok_or_else(|| EditError::Shape("`corrections` is not a list of tables".into()))?;
        let mut entry = Table::new();
        entry.insert("at", Item::Value(at));
        entry.insert("note", Item::Value(text_value(note)));
        corrections.push(entry);
        Ok(())
    }

    /// Removes a FAQ entry; the others keep their text and order.
    pub fn remove_faq(&mut self, id: &str) -> Result<(), EditError> {
        let faq = self.faq()?;
        let index = faq
            .iter()
            .position(|entry| entry.get("id").and_then(Item::as_str) == Some(id))
            .ok_or_else(|| EditError::Shape(format!("the story has no FAQ entry `{id}`")))?;
        faq.remove(index);
        if faq.is_empty() {
            self.document.remove("faq");
        }
        Ok(())
    }
}

/// Replaces `key`'s value in `table`, keeping the decoration (spacing and
/// comments) of the value it replaces.
fn set_value(table: &mut Table, key: &str, mut value: Value) {
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
            let decor = old.decor().clone();
            *value.decor_mut() = decor;
            *old = value;
        }
        _ => {
            table.insert(key, Item::Value(value));
        }
    }
}

/// A string value in the style a person would write: text of several lines
/// (a body, an answer written in the editor) as a multi-line string starting
/// on its own line, a line of text (a headline, a gist) on one line however
/// long it is, since a multi-line string would not wrap it.
pub fn text_value(text: &str) -> Value {
    let repr = if text.contains('\n') {
        multi_line_basic(text)
    } else {
        basic(text)
    };
    // The repr is valid TOML by construction; parsing it gives toml_edit
    // the exact text to write.
    repr.parse::<Value>()
        .unwrap_or_else(|_| Value::from(text.to_owned()))
}

fn basic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push('\t'),
            ch if ch.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

fn multi_line_basic(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("\"\"\"\n");
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            // A quote next to another could close the string or run into
            // the closing quotes: escape it; lone quotes stay readable.
            '"' if matches!(chars.peek(), Some('"') | None) => out.push_str("\\\""),
            '\n' | '\t' => out.push(ch),
            '\r' if chars.peek() == Some(&'\n') => out.push('\r'),
            ch if ch.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(ch))),
            ch => out.push(ch),
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"#:schema ../../schemas/story.schema.json
# A comment the editor wrote.
slug = "a"
headline   =   "Old headline"   # keep this comment
status = "draft"

[sections.whats-happened]
title = 'Literal title'
body = """
First paragraph.
"""

[[faq]]
id = "one"
question = "Q1?"
answer = "A1."

[[faq]]
id = "two"
question = "Q2?"
answer = "A2."
"#;

    #[test]
    fn an_edit_changes_only_its_value() {
        let mut editor = RecordEditor::parse(RECORD).unwrap();
        editor.set_top_text("headline", "New headline");
        let expected = RECORD.replace("\"Old headline\"", "\"New headline\"");
        assert_eq!(editor.render(), expected);
    }

    #[test]
    fn long_text_becomes_a_multi_line_string() {
        let mut editor = RecordEditor::parse(RECORD).unwrap();
        let body = "Line one with \"quotes\" and a \\ backslash.\nLine two ends in a quote\"";
        editor
            .set_section_text("whats-happened", "body", body)
            .unwrap();
        let text = editor.render();
        assert!(text.contains("body = \"\"\"\nLine one with \"quotes\" and a \\\\ backslash.\nLine two ends in a quote\\\"\"\"\""), "{text}");
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(
            parsed["sections"]["whats-happened"]["body"].as_str(),
            Some(body)
        );
        // Everything before the edited body is unchanged.
        let before = RECORD.split("body = ").next().unwrap();
        assert!(text.starts_with(before));
    }

    #[test]
    fn faq_entries_are_added_edited_and_removed_in_place() {
        let mut editor = RecordEditor::parse(RECORD).unwrap();
        editor.add_faq("three", "Q3?", "A3.").unwrap();
        let text = editor.render();
        assert!(
            text.starts_with(RECORD),
            "appending keeps every earlier byte"
        );
        assert!(
            text.ends_with("[[faq]]\nid = \"three\"\nquestion = \"Q3?\"\nanswer = \"A3.\"\n"),
            "{text}"
        );
        assert!(editor.add_faq("one", "again", "again").is_err());

        let mut editor = RecordEditor::parse(RECORD).unwrap();
        editor.remove_faq("one").unwrap();
        let text = editor.render();
        assert!(!text.contains("id = \"one\""));
        assert!(
            text.contains("[[faq]]\nid = \"two\"\nquestion = \"Q2?\"\nanswer = \"A2.\"\n"),
            "{text}"
        );
        assert!(editor.remove_faq("nope").is_err());

        let mut editor = RecordEditor::parse(RECORD).unwrap();
        editor
            .set_faq_text("two", "answer", "A better answer.")
            .unwrap();
        assert_eq!(
            editor.render(),
            RECORD.replace("\"A2.\"", "\"A better answer.\"")
        );
    }

    /// The sample story, made unusual: comments after table headers and
    /// keys, extra spaces around `=`, blank lines, all chosen by `seed`.
    fn unusual_record(seed: u64) -> String {
        let sample = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/stories/2025/kazakhstan-joins-abraham-accords.toml"
        ));
        let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut out = String::new();
        let mut in_multiline = false;
        for line in sample.lines() {
            let quotes = line.matches("\"\"\"").count();
            let simple =
                !in_multiline && quotes == 0 && line.contains(" = ") && !line.ends_with('[');
            let mut line = line.to_owned();
            if simple && next() % 3 == 0 {
                let spaces = " ".repeat((next() % 4) as usize);
                line = line.replacen(" = ", &format!("{spaces} =  {spaces}"), 1);
            }
            if simple && next() % 4 == 0 {
                line.push_str("   # an editor's note");
            }
            out.push_str(&line);
            out.push('\n');
            if quotes % 2 == 1 {
                in_multiline = !in_multiline;
            }
            if !in_multiline && (line.starts_with('[') || simple) && next() % 5 == 0 {
                out.push_str(if next() % 2 == 0 {
                    "# a comment of its own\n"
                } else {
                    "\n"
                });
            }
        }
        out
    }

    /// The bytes that differ between two texts: the old text's range
    /// outside the common prefix and suffix.
    fn changed_range(old: &str, new: &str) -> std::ops::Range<usize> {
        let prefix = old
            .bytes()
            .zip(new.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        let suffix = old[prefix..]
            .bytes()
            .rev()
            .zip(new[prefix..].bytes().rev())
            .take_while(|(a, b)| a == b)
            .count();
        prefix..old.len() - suffix
    }

    fn value_span(
        text: &str,
        path: &[crate::record::document::Step<'_>],
    ) -> std::ops::Range<usize> {
        let document = crate::record::document::Document::parse(text).unwrap();
        document.find(path).unwrap().value.span()
    }

    #[test]
    fn any_single_edit_leaves_every_other_byte_unchanged() {
        use crate::record::document::Step::{Index, Key};
        for seed in 0..200 {
            let record = unusual_record(seed);
            assert!(
                RecordEditor::parse(&record).is_ok(),
                "seed {seed}:\n{record}"
            );

            let mut editor = RecordEditor::parse(&record).unwrap();
            editor.set_top_text("headline", "A new headline");
            let changed = changed_range(&record, &editor.render());
            let span = value_span(&record, &[Key("headline")]);
            assert!(
                span.start <= changed.start && changed.end <= span.end,
                "seed {seed}: headline"
            );

            let mut editor = RecordEditor::parse(&record).unwrap();
            editor
                .set_faq_text("why-now", "answer", "A short answer.")
                .unwrap();
            let changed = changed_range(&record, &editor.render());
            let span = value_span(&record, &[Key("faq"), Index(1), Key("answer")]);
            assert!(
                span.start <= changed.start && changed.end <= span.end,
                "seed {seed}: faq"
            );

            let mut editor = RecordEditor::parse(&record).unwrap();
            editor
                .set_section_text("how-we-got-here", "body", "New background.\nSecond line.")
                .unwrap();
            let changed = changed_range(&record, &editor.render());
            let span = value_span(
                &record,
                &[Key("sections"), Key("how-we-got-here"), Key("body")],
            );
            assert!(
                span.start <= changed.start && changed.end <= span.end,
                "seed {seed}: section"
            );

            let mut editor = RecordEditor::parse(&record).unwrap();
            editor.add_faq("new-entry", "Q?", "A.").unwrap();
            assert!(
                editor.render().starts_with(&record),
                "seed {seed}: appending"
            );
        }
    }

    #[test]
    fn control_characters_are_escaped_not_written() {
        let value = text_value("bell\u{7} here");
        assert_eq!(value.to_string().trim(), "\"bell\\u0007 here\"");
    }
}
