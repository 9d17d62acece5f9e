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
use crate::text::diagnostic::{Diagnostic, Severity};

#[derive(Debug)]
pub struct Revised {
    pub path: String,
    pub commit: Option<String>,
    /// The story was approved or published and is a draft again.
    pub back_to_draft: bool,
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
    editor.set_top_raw("updated", &now()).map_err(edit_error)?;
    let status_of = |text: &str| {
        toml::from_str::<toml::Table>(text).ok().and_then(|table| {
            table
                .get("status")
                .and_then(|s| s.as_str().map(str::to_owned))
        })
    };
    let status = status_of(&text);
    // A status the edit itself changed (in a whole-record edit) is the
    // editor's own choice, and is validated as written.
    let back_to_draft = matches!(status.as_deref(), Some("approved" | "published"))
        && status_of(&editor.render()) == status;
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
    change.write(&path, new_text.as_bytes())?;
    let commit = change.finish(message)?;
    Ok(Revised {
        path,
        commit,
        back_to_draft,
        leftovers,
    })
}
