//! Which records differ between two sides of the newsroom (any git
//! revision, the working tree, the published branch) and how: the part of
//! `lede diff` that is not output.
//!
//! Only the blobs of files git reports as changed are read, so the cost of
//! a diff follows the size of the change, not of the archive. A story that
//! moved (the same file name at a new path) is one record, not a deletion
//! and an addition.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use crate::diff::record_diff::{RecordDiff, Version, diff_versions};
use crate::diff::word_diff::Granularity;
use crate::git::{FileDelta, FileRef, Git, GitError};
use crate::newsroom::config::Config;
use crate::newsroom::conflicts::{self, Unresolved};
use crate::record::collection::Collection;

/// The name that means the working tree wherever a revision is asked for.
pub const WORKING: &str = "working";
/// The name that means the published branch, whatever it is called.
pub const PUBLISHED: &str = "published";

/// One side of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    WorkingTree,
    /// A commit, with the name it was asked for by.
    Commit {
        name: String,
        id: String,
    },
}

impl Side {
    /// How messages name this side.
    pub fn describe(&self) -> String {
        match self {
            Side::WorkingTree => "the working tree".to_owned(),
            Side::Commit { name, .. } => name.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("there is no published branch (`{0}`) yet: nothing has been published")]
    NothingPublished(String),
    #[error(transparent)]
    Git(#[from] GitError),
    /// Records in the working tree that a merge, rebase or stash left
    /// unresolved: comparing them would compare conflict markers.
    #[error("{}", .0.first().map(ToString::to_string).unwrap_or_default())]
    Unresolved(Vec<Unresolved>),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// The branch that holds published records (`[publish] branch` in
/// lede.toml, `published` by default).
pub fn published_branch(config: &Config) -> String {
    config.publish.branch.clone()
}

/// Resolves `working`, `published` or any git revision.
pub fn resolve_side(git: &Git, config: &Config, name: &str) -> Result<Side, CompareError> {
    if name == WORKING {
        return Ok(Side::WorkingTree);
    }
    if name == PUBLISHED {
        // A fresh clone has only the remote's published branch.
        let Some(published) = crate::newsroom::published::published_ref(git, config)? else {
            return Err(CompareError::NothingPublished(published_branch(config)));
        };
        return Ok(Side::Commit {
            name: published.name,
            id: published.tip,
        });
    }
    Ok(Side::Commit {
        name: name.to_owned(),
        id: git.resolve(name)?,
    })
}

/// Which records to compare: all, or those named by id (file stem) or by
/// repository-relative path.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub ids: Vec<String>,
    pub paths: Vec<String>,
}

impl Selection {
    fn is_all(&self) -> bool {
        self.ids.is_empty() && self.paths.is_empty()
    }

    fn takes(&self, file: &FileRef) -> bool {
        self.takes_path(&file.path)
    }

    fn takes_path(&self, path: &str) -> bool {
        self.is_all()
            || self.paths.iter().any(|p| p == path)
            || self
                .ids
                .iter()
                .any(|id| crate::record::collection::file_stem(path) == id)
    }
}

/// The records that differ from `from` to `to`, stories first, each by path.
pub fn compare(
    root: &Path,
    git: &Git,
    from: &Side,
    to: &Side,
    selection: &Selection,
    granularity: Granularity,
) -> Result<Vec<RecordDiff>, CompareError> {
    let prefixes = ["stories/", "topics/"];
    let working = matches!(from, Side::WorkingTree) || matches!(to, Side::WorkingTree);
    let mut unresolved: Vec<Unresolved> = Vec::new();
    if working {
        unresolved = conflicts::unmerged(git, root)?
            .into_iter()
            .filter(|conflict| {
                Collection::of(Path::new(&conflict.path)).is_some()
                    && selection.takes_path(&conflict.path)
            })
            .collect();
        if !unresolved.is_empty() {
            return Err(CompareError::Unresolved(unresolved));
        }
    }
    let deltas = match (from, to) {
        (Side::WorkingTree, Side::WorkingTree) => Vec::new(),
        (Side::Commit { id: from, .. }, Side::Commit { id: to, .. }) => {
            git.changed_files(from, Some(to), &prefixes)?
        }
        (Side::Commit { id, .. }, Side::WorkingTree) => git.changed_files(id, None, &prefixes)?,
        (Side::WorkingTree, Side::Commit { id, .. }) => git
            .changed_files(id, None, &prefixes)?
            .into_iter()
            .map(|delta| FileDelta {
                old: delta.new,
                new: delta.old,
            })
            .collect(),
    };

    // Pair each record's old and new file by collection and file name, so
    // that a move is one record.
    let mut records: BTreeMap<(u8, String), (Option<FileRef>, Option<FileRef>)> = BTreeMap::new();
    for delta in deltas {
        for (file, is_new) in [(delta.old, false), (delta.new, true)] {
            let Some(file) = file else { continue };
            let Some(collection) = Collection::of(Path::new(&file.path)) else {
                continue;
            };
            if !selection.takes(&file) {
                continue;
            }
            let order = u8::from(collection != Collection::Story);
            let slot = records
                .entry((
                    order,
                    crate::record::collection::file_stem(&file.path).to_owned(),
                ))
                .or_default();
            if is_new {
                slot.1 = Some(file);
            } else {
                slot.0 = Some(file);
            }
        }
    }

    let read = |file: &FileRef| -> Result<Vec<u8>, CompareError> {
        match &file.blob {
            Some(blob) => Ok(git.read_blob(blob)?),
            None => std::fs::read(root.join(&file.path)).map_err(|source| CompareError::Io {
                path: file.path.clone(),
                source,
            }),
        }
    };
    let mut loaded = Vec::with_capacity(records.len());
    for ((order, id), (old, new)) in records {
        let mut load = |file: Option<FileRef>| -> Result<Option<(String, Vec<u8>)>, CompareError> {
            let Some(file) = file else { return Ok(None) };
            let bytes = read(&file)?;
            // A working file with git's markers in it, added although unresolved.
            if file.blob.is_none()
                && let Some(conflict) =
                    conflicts::in_text(&file.path, &String::from_utf8_lossy(&bytes))
            {
                unresolved.push(conflict);
            }
            Ok(Some((file.path, bytes)))
        };
        let old = load(old)?;
        let new = load(new)?;
        loaded.push((order, id, old, new));
    }
    if !unresolved.is_empty() {
        return Err(CompareError::Unresolved(unresolved));
    }
    let (from_name, to_name) = (from.describe(), to.describe());
    let diffs = loaded
        .par_iter()
        .map(|(order, id, old, new)| {
            let kind = if *order == 0 { "story" } else { "topic" };
            diff_versions(
                kind,
                id,
                old.as_ref().map(|(path, bytes)| Version {
                    path,
                    side: &from_name,
                    bytes,
                }),
                new.as_ref().map(|(path, bytes)| Version {
                    path,
                    side: &to_name,
                    bytes,
                }),
                granularity,
            )
        })
        .filter(|diff| !diff.is_empty())
        .collect();
    Ok(diffs)
}
