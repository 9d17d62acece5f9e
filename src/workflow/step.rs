//! What every workflow step (submit, approve, reject, schedule, correct,
//! retract) checks before it records a decision: the story as committed,
//! its status, and that it validates.

use std::path::Path;

use crate::check::schema::Schemas;
use crate::git::{Git, GitError};
use crate::newsroom::config::Config;
use crate::newsroom::layout::RepoError;
use crate::newsroom::stories::{self, ReadError, Source};
use crate::record::model::Status;
use crate::text::diagnostic::Severity;
use crate::workflow::states;

#[derive(Debug, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error(transparent)]
    Git(#[from] GitError),
    #[error("{path} has changes that are not committed")]
    Uncommitted { path: String },
    #[error("{path} has no valid status")]
    NoStatus { path: String },
    #[error("{path} has {errors} problem(s); nothing was changed")]
    Invalid { path: String, errors: usize },
}

/// A story as the workflow commands read it.
#[derive(Debug)]
pub struct Current {
    pub path: String,
    pub text: String,
    pub status: Status,
}

/// Reads the story and refuses when its file has changes that are not
/// committed: a workflow commit must record a decision about the version
/// in git, not smuggle in an edit.
pub fn committed_story(root: &Path, git: &Git, slug: &str) -> Result<Current, StepError> {
    let (path, text) = stories::story_text(root, slug, &Source::WorkingTree)?;
    if !git.is_committed(&path, text.as_bytes())? {
        return Err(StepError::Uncommitted { path });
    }
    let status = toml::from_str::<toml::Table>(crate::text::source::strip_bom(&text))
        .ok()
        .and_then(|table| table.get("status")?.as_str().and_then(states::parse_status));
    match status {
        Some(status) => Ok(Current { path, text, status }),
        None => Err(StepError::NoStatus { path }),
    }
}

/// Refuses when the record does not validate.
pub fn require_valid(
    root: &Path,
    config: &Config,
    schemas: &Schemas,
    path: &str,
    text: &str,
) -> Result<(), StepError> {
    let diagnostics = crate::check::validate::check_text(root, config, schemas, path, text)?;
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(StepError::Invalid {
            path: path.to_owned(),
            errors,
        });
    }
    Ok(())
}
