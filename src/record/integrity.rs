//! What a record may not lose or have set by hand, whichever command
//! writes it: published corrections are only ever appended to, and the
//! workflow's own fields move only through the workflow commands.

/// The fields only lede's workflow commands set (submit, approve, reject,
/// publish, retract); a content edit that changes one is refused.
pub const WORKFLOW_FIELDS: [&str; 4] = ["status", "revision", "published", "retracted"];

/// How a text changes a list of corrections it should only extend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorrectionChange {
    /// Correction `index` (from 0) is there but says something else.
    Rewritten { index: usize },
    /// Correction `index` is gone.
    Removed { index: usize },
}

impl std::fmt::Display for CorrectionChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CorrectionChange::Rewritten { index } => write!(f, "rewrites correction {}", index + 1),
            CorrectionChange::Removed { index } => write!(f, "removes correction {}", index + 1),
        }
    }
}

fn table(text: &str) -> Option<toml::Table> {
    toml::from_str(crate::text::source::strip_bom(text)).ok()
}

fn corrections(text: &str) -> Vec<toml::Value> {
    table(text)
        .and_then(|t| t.get("corrections")?.as_array().cloned())
        .unwrap_or_default()
}

/// Whether `after` keeps every correction of `before`, in order and word
/// for word (new ones may follow). A text that does not parse keeps
/// nothing it can be checked for, so it passes here and fails validation.
pub fn corrections_kept(before: &str, after: &str) -> Result<(), CorrectionChange> {
    let (before, after) = (corrections(before), corrections(after));
    match (0..before.len()).find(|&i| after.get(i) != Some(&before[i])) {
        None => Ok(()),
        Some(index) if index < after.len() => Err(CorrectionChange::Rewritten { index }),
        Some(index) => Err(CorrectionChange::Removed { index }),
    }
}

/// The first workflow field `after` sets differently from `before`, with
/// both values as TOML (`None`: absent). Both texts must parse. Setting
/// `status` back to draft is no change of this kind: every content edit
/// does that anyway (except to a retracted story).
pub fn workflow_field_changed(
    before: &str,
    after: &str,
) -> Option<(&'static str, Option<String>, Option<String>)> {
    let (before, after) = (table(before)?, table(after)?);
    WORKFLOW_FIELDS.into_iter().find_map(|field| {
        let (old, new) = (before.get(field), after.get(field));
        let to_draft = field == "status"
            && new.and_then(|v| v.as_str()) == Some("draft")
            && old.and_then(|v| v.as_str()) != Some("retracted");
        (old != new && !to_draft).then(|| {
            (
                field,
                old.map(|v| v.to_string()),
                new.map(|v| v.to_string()),
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: &str = "[[corrections]]\nat = 2025-11-08T10:00:00Z\nnote = \"One.\"\n\n[[corrections]]\nat = 2025-11-09T10:00:00Z\nnote = \"Two.\"\n";

    #[test]
    fn corrections_may_only_be_appended() {
        let one = "[[corrections]]\nat = 2025-11-08T10:00:00Z\nnote = \"One.\"\n";
        assert_eq!(corrections_kept(one, TWO), Ok(()));
        assert_eq!(
            corrections_kept(TWO, one),
            Err(CorrectionChange::Removed { index: 1 })
        );
        assert_eq!(
            corrections_kept(TWO, &TWO.replace("One.", "Uno.")),
            Err(CorrectionChange::Rewritten { index: 0 })
        );
        assert_eq!(
            corrections_kept(TWO, ""),
            Err(CorrectionChange::Removed { index: 0 })
        );
        // Formatting is not content.
        assert_eq!(
            corrections_kept(TWO, &TWO.replace("note = ", "note   =   ")),
            Ok(())
        );
    }

    #[test]
    fn workflow_fields_are_named_when_changed() {
        assert_eq!(
            workflow_field_changed("status = \"draft\"\n", "status = \"approved\"\n"),
            Some((
                "status",
                Some("\"draft\"".into()),
                Some("\"approved\"".into())
            ))
        );
        assert_eq!(
            workflow_field_changed("revision = 2\n", "\n"),
            Some(("revision", Some("2".into()), None))
        );
        assert_eq!(
            workflow_field_changed(
                "status = \"draft\"\nheadline = \"a\"\n",
                "status = \"draft\"\nheadline = \"b\"\n"
            ),
            None
        );
        assert_eq!(
            workflow_field_changed("not toml [", "status = \"approved\"\n"),
            None
        );
    }
}
