//! Three-way merge of story records, part by part: what `lede merge-driver`
//! does when git merges a story that both sides changed.
//!
//! A record is split into parts: each top-level field, each section (by
//! id), each FAQ entry (by id) and the list of corrections. A part changed
//! on one side only takes that side's version; a part both sides changed
//! the same way is kept; corrections appended on both sides are all kept,
//! in order; `updated` changed on both sides takes the later time. Any
//! other part changed on both sides is a conflict, and the whole merge is
//! left to git's line merge, as if lede were not there.
//!
//! The merged text is our side's text with their parts spliced in (the
//! same splicing `lede publish --only` uses), so everything not taken from
//! them stays byte for byte. Before it is accepted, the merged text is
//! parsed again and must hold exactly the merged parts.

use std::collections::BTreeMap;

use crate::record::splice::{Item, apply_items, correction_blocks};

/// What a merge came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Merged {
    /// The merged record.
    Clean(String),
    /// Parts both sides changed differently (named like `section:id`,
    /// `faq:id`, `status`).
    Conflicts(Vec<String>),
    /// A side lede cannot merge part by part (it does not parse, or has
    /// FAQ entries without distinct ids), with the reason.
    Unsupported(String),
}

/// The parts of a record, for comparison.
#[derive(Debug, Default, Clone, PartialEq)]
struct Parts {
    fields: BTreeMap<String, toml::Value>,
    sections: BTreeMap<String, toml::Value>,
    faq: BTreeMap<String, toml::Value>,
    corrections: Vec<toml::Value>,
}

fn parts(text: &str, which: &str) -> Result<Parts, String> {
    let table: toml::Table = toml::from_str(crate::text::source::strip_bom(text))
        .map_err(|e| format!("{which} does not parse: {}", e.message()))?;
    let mut parts = Parts::default();
    for (key, value) in table {
        match (key.as_str(), value) {
            ("sections", toml::Value::Table(sections)) => {
                parts.sections = sections.into_iter().collect()
            }
            ("faq", toml::Value::Array(entries)) => {
                for entry in entries {
                    let id = entry
                        .get("id")
                        .and_then(|id| id.as_str())
                        .ok_or_else(|| format!("{which} has a FAQ entry without an id"))?
                        .to_owned();
                    if parts.faq.insert(id.clone(), entry).is_some() {
                        return Err(format!("{which} has two FAQ entries with the id {id}"));
                    }
                }
            }
            ("corrections", toml::Value::Array(entries)) => parts.corrections = entries,
            ("sections" | "faq" | "corrections", _) => {
                return Err(format!(
                    "{which} has a `{key}` lede does not know the shape of"
                ));
            }
            (_, value) => {
                parts.fields.insert(key, value);
            }
        }
    }
    Ok(parts)
}

/// How one part merges.
enum Pick {
    Ours,
    Theirs,
    Conflict,
}

fn pick<T: PartialEq>(base: Option<&T>, ours: Option<&T>, theirs: Option<&T>) -> Pick {
    if ours == theirs || theirs == base {
        Pick::Ours
    } else if ours == base {
        Pick::Theirs
    } else {
        Pick::Conflict
    }
}

fn keys(maps: [&BTreeMap<String, toml::Value>; 3]) -> std::collections::BTreeSet<&String> {
    maps.iter().flat_map(|map| map.keys()).collect()
}

/// Merges `ours` and `theirs`, both changed from `base`.
pub fn merge(base: &str, ours: &str, theirs: &str) -> Merged {
    let (base_parts, our_parts, their_parts) = match (
        parts(base, "the common ancestor"),
        parts(ours, "our side"),
        parts(theirs, "their side"),
    ) {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (Err(reason), _, _) | (_, Err(reason), _) | (_, _, Err(reason)) => {
            return Merged::Unsupported(reason);
        }
    };
    let mut conflicts = Vec::new();
    let mut expected = our_parts.clone();

    // Top-level fields, through toml_edit so their values keep their form.
    let mut document = match ours.parse::<toml_edit::DocumentMut>() {
        Ok(document) => document,
        Err(error) => return Merged::Unsupported(format!("our side does not parse: {error}")),
    };
    let their_document = match theirs.parse::<toml_edit::DocumentMut>() {
        Ok(document) => document,
        Err(error) => return Merged::Unsupported(format!("their side does not parse: {error}")),
    };
    for key in keys([&base_parts.fields, &our_parts.fields, &their_parts.fields]) {
        let (b, o, t) = (
            base_parts.fields.get(key),
            our_parts.fields.get(key),
            their_parts.fields.get(key),
        );
        let take_theirs = match pick(b, o, t) {
            Pick::Ours => false,
            Pick::Theirs => true,
            // Both sides edited the story: it was last updated at the
            // later of the two times.
            Pick::Conflict if key == "updated" => match (o, t) {
                (Some(toml::Value::Datetime(o)), Some(toml::Value::Datetime(t))) => {
                    crate::record::document::instant(t) > crate::record::document::instant(o)
                }
                _ => {
                    conflicts.push(key.clone());
                    false
                }
            },
            Pick::Conflict => {
                conflicts.push(key.clone());
                false
            }
        };
        if take_theirs {
            match (t, their_document.get(key)) {
                (Some(value), Some(item)) => {
                    document[key.as_str()] = item.clone();
                    expected.fields.insert(key.clone(), value.clone());
                }
                _ => {
                    document.remove(key);
                    expected.fields.remove(key);
                }
            }
        }
    }

    // Sections and FAQ entries, spliced in from their side.
    let mut items = Vec::new();
    for (kind, base_map, our_map, their_map, expected_map) in [
        (
            "section",
            &base_parts.sections,
            &our_parts.sections,
            &their_parts.sections,
            &mut expected.sections,
        ),
        (
            "faq",
            &base_parts.faq,
            &our_parts.faq,
            &their_parts.faq,
            &mut expected.faq,
        ),
    ] {
        for id in keys([base_map, our_map, their_map]) {
            match pick(base_map.get(id), our_map.get(id), their_map.get(id)) {
                Pick::Ours => {}
                Pick::Theirs => {
                    match their_map.get(id) {
                        Some(value) => expected_map.insert(id.clone(), value.clone()),
                        None => expected_map.remove(id),
                    };
                    items.push(if kind == "section" {
                        Item::Section(id.clone())
                    } else {
                        Item::Faq(id.clone())
                    });
                }
                Pick::Conflict => conflicts.push(format!("{kind}:{id}")),
            }
        }
    }

    // Corrections are only ever appended: both sides' new ones are kept.
    let appended = |side: &[toml::Value]| -> Option<Vec<toml::Value>> {
        side.starts_with(&base_parts.corrections)
            .then(|| side[base_parts.corrections.len()..].to_vec())
    };
    let mut new_corrections = Vec::new();
    match (
        appended(&our_parts.corrections),
        appended(&their_parts.corrections),
    ) {
        (Some(ours_new), Some(theirs_new)) => {
            for (index, correction) in theirs_new.iter().enumerate() {
                if !ours_new.contains(correction) {
                    new_corrections.push(base_parts.corrections.len() + index);
                    expected.corrections.push(correction.clone());
                }
            }
        }
        _ if our_parts.corrections == their_parts.corrections => {}
        _ => conflicts.push("corrections".into()),
    }

    if !conflicts.is_empty() {
        return Merged::Conflicts(conflicts);
    }
    let mut text = document.to_string();
    if !items.is_empty() {
        text = match apply_items(&text, theirs, &items) {
            Ok(text) => text,
            Err(error) => return Merged::Unsupported(error.to_string()),
        };
    }
    if !new_corrections.is_empty() {
        let blocks = match correction_blocks(theirs) {
            Ok(blocks) => blocks,
            Err(error) => return Merged::Unsupported(error.to_string()),
        };
        for index in new_corrections {
            let Some(block) = blocks.get(index) else {
                return Merged::Unsupported(
                    "a correction has no table header lede can find".into(),
                );
            };
            if !text.ends_with("\n\n") {
                text.push('\n');
            }
            text.push_str(block.trim_end_matches('\n'));
            text.push('\n');
        }
    }
    // The splices work on text; the result must say what the merge decided.
    match parts(&text, "the merged record") {
        Ok(merged) if merged == expected => Merged::Clean(text),
        Ok(_) => {
            Merged::Unsupported("the record's layout kept lede from merging it part by part".into())
        }
        Err(reason) => Merged::Unsupported(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"slug = "s"
headline = "A headline"
status = "draft"
updated = 2025-11-07T09:30:00Z

[sections.whats-happened]
title = "What's happened"
body = "First."

[sections.how-we-got-here]
title = "How we got here"
body = "Earlier."

[[faq]]
id = "why"
question = "Why?"
answer = "Because."
"#;

    fn clean(merged: Merged) -> String {
        match merged {
            Merged::Clean(text) => text,
            other => panic!("expected a clean merge, got {other:?}"),
        }
    }

    #[test]
    fn faq_entries_added_on_both_sides_are_both_kept() {
        let who = "\n[[faq]]\nid = \"who\"\nquestion = \"Who?\"\nanswer = \"Them.\"\n";
        let when = "\n[[faq]]\nid = \"when\"\nquestion = \"When?\"\nanswer = \"Soon.\"\n";
        let ours = format!("{BASE}{who}");
        let theirs = format!("{BASE}{when}");
        // Their new entry goes after the entry it follows on their side.
        assert_eq!(
            clean(merge(BASE, &ours, &theirs)),
            format!("{BASE}{when}{who}")
        );
    }

    #[test]
    fn parts_changed_on_one_side_each_are_combined() {
        let ours = BASE.replace("body = \"First.\"", "body = \"First, reworded.\"");
        let theirs = BASE
            .replace(
                "headline = \"A headline\"",
                "headline = \"A better headline\"",
            )
            .replace("answer = \"Because.\"", "answer = \"Because of this.\"");
        let text = clean(merge(BASE, &ours, &theirs));
        assert!(text.contains("body = \"First, reworded.\""), "{text}");
        assert!(text.contains("headline = \"A better headline\""), "{text}");
        assert!(text.contains("answer = \"Because of this.\""), "{text}");
    }

    #[test]
    fn the_same_part_changed_differently_is_a_conflict() {
        let ours = BASE.replace("body = \"First.\"", "body = \"Ours.\"");
        let theirs = BASE
            .replace("body = \"First.\"", "body = \"Theirs.\"")
            .replace("status = \"draft\"", "status = \"in_review\"");
        let ours = ours.replace("status = \"draft\"", "status = \"approved\"");
        assert_eq!(
            merge(BASE, &ours, &theirs),
            Merged::Conflicts(vec!["status".into(), "section:whats-happened".into()])
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let both = BASE.replace("body = \"Earlier.\"", "body = \"Earlier still.\"");
        assert_eq!(clean(merge(BASE, &both, &both)), both);
    }

    #[test]
    fn updated_on_both_sides_takes_the_later_time() {
        let ours = BASE
            .replace("2025-11-07T09:30:00Z", "2025-11-08T10:00:00Z")
            .replace("body = \"First.\"", "body = \"Ours.\"");
        let theirs = BASE
            .replace("2025-11-07T09:30:00Z", "2025-11-09T08:00:00+01:00")
            .replace("answer = \"Because.\"", "answer = \"Theirs.\"");
        let text = clean(merge(BASE, &ours, &theirs));
        assert!(
            text.contains("updated = 2025-11-09T08:00:00+01:00"),
            "{text}"
        );
        let earlier = BASE
            .replace("2025-11-07T09:30:00Z", "2025-11-07T10:00:00Z")
            .replace("answer = \"Because.\"", "answer = \"Theirs.\"");
        let text = clean(merge(BASE, &ours, &earlier));
        assert!(text.contains("updated = 2025-11-08T10:00:00Z"), "{text}");
    }

    #[test]
    fn a_part_removed_on_one_side_and_untouched_on_the_other_goes() {
        let theirs = BASE.replace(
            "\n[sections.how-we-got-here]\ntitle = \"How we got here\"\nbody = \"Earlier.\"\n",
            "",
        );
        let ours = BASE.replace("answer = \"Because.\"", "answer = \"Ours.\"");
        let text = clean(merge(BASE, &ours, &theirs));
        assert!(!text.contains("how-we-got-here"), "{text}");
        assert!(text.contains("answer = \"Ours.\""), "{text}");
        // Removed on one side, changed on the other: a conflict.
        let ours = BASE.replace("body = \"Earlier.\"", "body = \"Changed.\"");
        assert_eq!(
            merge(BASE, &ours, &theirs),
            Merged::Conflicts(vec!["section:how-we-got-here".into()])
        );
    }

    #[test]
    fn corrections_appended_on_both_sides_are_all_kept() {
        let base = format!("{BASE}\n[[corrections]]\nat = 2025-11-08T10:00:00Z\nnote = \"One.\"\n");
        let ours =
            format!("{base}\n[[corrections]]\nat = 2025-11-09T10:00:00Z\nnote = \"Ours.\"\n");
        let theirs =
            format!("{base}\n[[corrections]]\nat = 2025-11-09T11:00:00Z\nnote = \"Theirs.\"\n");
        let text = clean(merge(&base, &ours, &theirs));
        assert_eq!(
            text,
            format!("{ours}\n[[corrections]]\nat = 2025-11-09T11:00:00Z\nnote = \"Theirs.\"\n")
        );
        // A rewritten correction is not merged.
        let rewritten = base.replace("note = \"One.\"", "note = \"Rewritten.\"");
        assert_eq!(
            merge(&base, &ours, &rewritten),
            Merged::Conflicts(vec!["corrections".into()])
        );
    }

    #[test]
    fn a_side_that_does_not_parse_is_left_to_git() {
        let broken = BASE.replace("status = \"draft\"", "status = ");
        assert!(
            matches!(merge(BASE, &broken, BASE), Merged::Unsupported(reason) if reason.starts_with("our side does not parse"))
        );
    }
}
