//! Reading the newsroom's stories for the reading commands (`list`,
//! `show`): from the working tree or from any git revision.

use std::path::Path;

use rayon::prelude::*;

use crate::git::{Git, GitError};
use crate::newsroom::layout::{self, EntryKind, RepoError};
use crate::record::collection::Collection;
use crate::record::model::{RecordError, Story};

/// A story as read from a file, with the path it came from.
#[derive(Debug)]
pub struct StoryFile {
    pub path: String,
    pub text: String,
    pub story: Story,
}

/// A story file that could not be read into the record model.
#[derive(Debug)]
pub struct Unreadable {
    pub path: String,
    pub reason: String,
    /// The file holds conflict markers: the reason is that.
    pub conflict: Option<crate::newsroom::conflicts::Unresolved>,
}

/// Where to read records from.
#[derive(Debug, Clone)]
pub enum Source {
    WorkingTree,
    Revision(String),
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("there is no story with the slug `{slug}`{at}")]
    NoSuchStory { slug: String, at: String },
}

/// Every story at `source`, in parallel; stories that do not read are
/// returned apart, with the reason.
pub fn stories(
    root: &Path,
    source: &Source,
) -> Result<(Vec<StoryFile>, Vec<Unreadable>), ReadError> {
    let texts: Vec<(String, Result<String, String>)> = match source {
        Source::WorkingTree => layout::walk_records(root)?
            .into_par_iter()
            .filter(|entry| entry.kind == EntryKind::Record(Collection::Story))
            .map(|entry| {
                let text = std::fs::read_to_string(&entry.path).map_err(|e| e.to_string());
                (entry.display, text)
            })
            .collect(),
        Source::Revision(rev) => {
            let git = Git::open(root)?;
            git.files_at(rev, "stories/")?
                .into_iter()
                .filter(|path| Collection::of(Path::new(path)) == Some(Collection::Story))
                .map(|path| {
                    let text = git
                        .read_file_at(rev, &path)
                        .map_err(|e| e.to_string())
                        .and_then(|bytes| {
                            let bytes = bytes.unwrap_or_default();
                            String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_owned())
                        });
                    (path, text)
                })
                .collect()
        }
    };
    let results: Vec<Result<StoryFile, Unreadable>> = texts
        .into_par_iter()
        .map(|(path, text)| {
            let text = text.map_err(|reason| Unreadable {
                path: path.clone(),
                reason,
                conflict: None,
            })?;
            match Story::from_toml(&text) {
                Ok(story) => Ok(StoryFile { path, text, story }),
                Err(RecordError { message, .. }) => {
                    let conflict = crate::newsroom::conflicts::in_text(&path, &text);
                    Err(Unreadable {
                        reason: conflict.as_ref().map_or(message, |c| c.what.clone()),
                        path,
                        conflict,
                    })
                }
            }
        })
        .collect();
    let mut read = Vec::new();
    let mut unreadable = Vec::new();
    for result in results {
        match result {
            Ok(story) => read.push(story),
            Err(problem) => unreadable.push(problem),
        }
    }
    read.sort_by(|a, b| a.path.cmp(&b.path));
    unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    Ok((read, unreadable))
}

/// The text and path of one story, found by slug (its file name).
pub fn story_text(root: &Path, slug: &str, source: &Source) -> Result<(String, String), ReadError> {
    let missing = || ReadError::NoSuchStory {
        slug: slug.to_owned(),
        at: match source {
            Source::WorkingTree => String::new(),
            Source::Revision(rev) => format!(" at {rev}"),
        },
    };
    let file_name = format!("{slug}.toml");
    match source {
        Source::WorkingTree => {
            let entry = layout::find_story(root, slug)?.ok_or_else(missing)?;
            let text = std::fs::read_to_string(&entry.path).map_err(|source| {
                ReadError::Repo(RepoError::Io {
                    path: entry.path.clone(),
                    source,
                })
            })?;
            Ok((entry.display, text))
        }
        Source::Revision(rev) => {
            let git = Git::open(root)?;
            let path = git
                .files_at(rev, "stories/")?
                .into_iter()
                .find(|path| path.rsplit('/').next() == Some(file_name.as_str()))
                .ok_or_else(missing)?;
            let bytes = git.read_file_at(rev, &path)?.ok_or_else(missing)?;
            Ok((path, String::from_utf8_lossy(&bytes).into_owned()))
        }
    }
}
