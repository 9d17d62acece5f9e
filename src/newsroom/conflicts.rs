//! Unresolved conflicts in the working tree: what git's index holds
//! unmerged, and record files that still hold conflict markers.

use std::path::Path;

use crate::git::{Git, GitError};
use crate::record::conflict;

/// One file a person must resolve before lede can read it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unresolved {
    pub path: String,
    /// The parts of the story involved, or what happened on each side.
    pub what: String,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unresolved conflict in {}: {}", self.path, self.what)
    }
}

/// A record's text, when it holds conflict markers.
pub fn in_text(path: &str, text: &str) -> Option<Unresolved> {
    let hunks = conflict::hunks(text);
    (!hunks.is_empty()).then(|| Unresolved {
        path: path.to_owned(),
        what: conflict::summary(&hunks),
    })
}

/// Every path git's index holds unmerged, with the parts its conflict
/// markers touch, or what happened on each side when the file has none.
pub fn unmerged(git: &Git, root: &Path) -> Result<Vec<Unresolved>, GitError> {
    Ok(git
        .unmerged_entries()?
        .into_iter()
        .map(|entry| {
            let text = std::fs::read_to_string(root.join(&entry.path)).unwrap_or_default();
            in_text(&entry.path, &text).unwrap_or_else(|| Unresolved {
                what: match entry.stages {
                    [_, true, true] => format!(
                        "{}; it has no conflict markers left, so `git add {}` marks it resolved",
                        entry.description(),
                        entry.path
                    ),
                    _ => format!(
                        "{}; keep it with `git add {}` or drop it with `git rm {}`",
                        entry.description(),
                        entry.path,
                        entry.path
                    ),
                },
                path: entry.path,
            })
        })
        .collect())
}

/// `unmerged`, plus the record files among `texts` that hold conflict
/// markers although git's index no longer does (added with the markers
/// in), each path once.
pub fn unresolved<'t>(
    git: Option<&Git>,
    root: &Path,
    texts: impl IntoIterator<Item = (&'t str, &'t str)>,
) -> Result<Vec<Unresolved>, GitError> {
    let mut found = match git {
        Some(git) => unmerged(git, root)?,
        None => Vec::new(),
    };
    for (path, text) in texts {
        if !found.iter().any(|known| known.path == path)
            && let Some(conflict) = in_text(path, text)
        {
            found.push(conflict);
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}
