//! Gathering the site's inputs: the records of the published branch, read
//! through git objects so that no draft in the working tree can leak, or
//! the working tree's records for `lede preview --working`.

use std::path::Path;

use crate::git::{Git, GitError};
use crate::newsroom::config::Config;
use crate::newsroom::layout::{self, EntryKind, RepoError};
use crate::newsroom::published::{PublishedRef, published_ref};
use crate::record::collection::Collection;
use crate::site::Input;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Repo(#[from] RepoError),
}

/// The records on the published branch (the local one, or the remote's
/// in a clone that has none), and which branch that was.
pub fn published(
    root: &Path,
    config: &Config,
) -> Result<(Option<PublishedRef>, Vec<Input>), LoadError> {
    let git = Git::open(root)?;
    let Some(published) = published_ref(&git, config)? else {
        return Ok((None, Vec::new()));
    };
    let tip = published.tip.clone();
    let mut inputs = Vec::new();
    for dir in ["stories/", "topics/"] {
        for (path, blob) in git.blobs_at(&tip, dir)? {
            if Collection::of(Path::new(&path)).is_none() {
                continue;
            }
            let bytes = git.read_blob(&blob)?;
            inputs.push(Input {
                path,
                blob,
                text: String::from_utf8_lossy(&bytes).into_owned(),
            });
        }
    }
    Ok((Some(published), inputs))
}

/// The records in the working tree, drafts and all (for `lede preview
/// --working`).
pub fn working(root: &Path) -> Result<Vec<Input>, LoadError> {
    let mut inputs = Vec::new();
    for entry in layout::walk_records(root)? {
        if !matches!(entry.kind, EntryKind::Record(_)) {
            continue;
        }
        let Ok(bytes) = std::fs::read(&entry.path) else {
            continue;
        };
        let blob = Git::blob_id(&bytes)?;
        inputs.push(Input {
            path: entry.display,
            blob,
            text: String::from_utf8_lossy(&bytes).into_owned(),
        });
    }
    Ok(inputs)
}

/// The page templates: each built-in one, or its override from
/// `templates/<name>` in the repository.
pub fn templates(root: &Path) -> Result<Vec<(String, String)>, crate::site::SiteError> {
    let mut sources = Vec::new();
    for (name, built_in) in crate::site::render::BUILT_IN {
        let custom = root.join("templates").join(name);
        let source = match std::fs::read_to_string(&custom) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => built_in.to_owned(),
            Err(source) => {
                return Err(crate::site::SiteError::Read {
                    path: custom,
                    source,
                });
            }
        };
        sources.push((name.to_owned(), source));
    }
    Ok(sources)
}
