//! Revising a story: the one path every content edit takes.
//!
//! The edit is applied to the record's text (format-preserving), `updated`
//! is set, a story that was approved or published goes back to draft, and
//! the new text is checked like `lede validate` checks a file, all before
//! anything is written. Only a valid result is written, atomically, and
//! committed as one commit of that one file.

use std::path::Path;

use crate::check::schema::Schemas;
use crate::newsroom::change::{Change, ChangeError};
use crate::newsroom::config::Config;
use crate::newsroom::layout::RepoError;
use crate::newsroom::stories::{self, ReadError, Source};
use crate::record::document::now;
use crate::record::edit::{EditError, RecordEditor};
use crate::record::integrity;
use crate::text::diagnostic::{Diagnostic, Severity};

#[derive(Debug)]
pub struct Revised {
    pub path: String,
    pub commit: Option<String>,
    /// The story was approved or published and is a draft again.
    pub back_to_draft: bool,
    /// The edit changed nothing: nothing was written or committed.
    pub unchanged: bool,
    /// Files an interrupted lede had left, removed first (`Change::leftovers`).
    pub leftovers: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReviseError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("cannot change {path}: {source}")]
    Edit { path: String, source: EditError },
    #[error("the change would make {path} invalid; nothing was written")]
    Invalid {
        path: String,
        text: String,
        diagnostics: Vec<Diagnostic>,
    },
    #[error(transparent)]
    Change(#[from] ChangeError),
    #[error(
        "the change {change} of {path}, which is published; corrections are appended, never rewritten or removed"
    )]
    CorrectionRewritten {
        path: String,
        change: crate::record::integrity::CorrectionChange,
    },
    #[error(
        "the change sets `{field}` of {path} (from {} to {}); `{field}` is set only by lede's workflow commands",
        from.as_deref().unwrap_or("nothing"),
        to.as_deref().unwrap_or("nothing")
    )]
    WorkflowField {
        path: String,
        field: &'static str,
        from: Option<String>,
        to: Option<String>,
    },
    #[error(transparent)]
    Git(#[from] crate::git::GitError),
}

/// Applies `edit` to the story `slug` and commits it with `message`.
pub fn revise(
    root: &Path,
    config: &Config,
    schemas: &Schemas,
    slug: &str,
    commit: bool,
    message: &str,
    edit: impl FnOnce(&mut RecordEditor) -> Result<(), EditError>,
) -> Result<Revised, ReviseError> {
    let mut change = Change::begin(root, commit)?;
    let leftovers = change.leftovers().to_vec();
    let (path, text) = stories::story_text(root, slug, &Source::WorkingTree)?;
    let edit_error = |source| ReviseError::Edit {
        path: path.clone(),
        source,
    };
    let mut editor = RecordEditor::parse(&text).map_err(edit_error)?;
    edit(&mut editor).map_err(edit_error)?;
    if editor.render() == text {
        // Nothing changed: no commit, and the story keeps its status.
        return Ok(Revised {
            path,
            commit: None,
            back_to_draft: false,
            unchanged: true,
            leftovers,
        });
    }
    let edited = editor.render();
    editor.set_top_raw("updated", &now()).map_err(edit_error)?;
    let status_of = |text: &str| {
        toml::from_str::<toml::Table>(text).ok().and_then(|table| {
            table
                .get("status")
                .and_then(|s| s.as_str().map(str::to_owned))
        })
    };
    let status = status_of(&text);
    // A status the edit itself changed is validated as written, and then
    // refused below as a workflow field.
    let back_to_draft =
        matches!(status.as_deref(), Some("approved" | "published")) && status_of(&edited) == status;
    if back_to_draft {
        editor.set_top_text("status", "draft");
    }
    let new_text = editor.render();
    let diagnostics = crate::check::validate::check_text(root, config, schemas, &path, &new_text)?;
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(ReviseError::Invalid {
            path,
            text: new_text,
            diagnostics,
        });
    }
    // Checked after validation, so that a text with errors gets them all
    // named first.
    if let Some((field, from, to)) = integrity::workflow_field_changed(&text, &edited) {
        return Err(ReviseError::WorkflowField {
            path,
            field,
            from,
            to,
        });
    }
    if let Some(published) = published_version(change.git(), config, slug)?
        && let Err(change) = integrity::corrections_kept(&published, &edited)
    {
        return Err(ReviseError::CorrectionRewritten { path, change });
    }
    change.write(&path, new_text.as_bytes())?;
    let commit = change.finish(message)?;
    Ok(Revised {
        path,
        commit,
        back_to_draft,
        unchanged: false,
        leftovers,
    })
}

/// The story as it was last published, when it was.
fn published_version(
    git: &crate::git::Git,
    config: &Config,
    slug: &str,
) -> Result<Option<String>, crate::git::GitError> {
    let Some(published) = crate::newsroom::published::published_ref(git, config)? else {
        return Ok(None);
    };
    let Some(path) = git.find_file_at(&published.tip, "stories", &format!("{slug}.toml"))? else {
        return Ok(None);
    };
    Ok(git
        .read_file_at(&published.tip, &path)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
}
