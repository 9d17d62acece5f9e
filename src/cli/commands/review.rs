//! `lede submit`, `lede approve` and `lede reject`: moving a story through
//! review. Each is one commit of the story's status whose trailers record
//! the transition and who made it.

use std::path::Path;

use crate::check::schema::Schemas;
use crate::cli::Ui;
use crate::cli::error::{CommandError, Outcome};
use crate::git::{Git, Identity};
use crate::newsroom::change::Change;
use crate::newsroom::config::Config;
use crate::newsroom::layout;
use crate::newsroom::stories::{self, Source};
use crate::record::edit::RecordEditor;
use crate::record::model::Status;
use crate::text::diagnostic::Severity;
use crate::workflow::states::{self, ACTION, ACTOR, STORY, TRANSITION};

/// Send a draft for review (draft → in_review).
#[derive(Debug, clap::Args)]
pub struct SubmitArgs {
    /// The story's slug.
    pub slug: String,
    /// A note for the reviewer, kept in the commit message.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
}

/// Approve a story under review for publishing (in_review → approved).
///
/// With `distinct_reviewer` (the default), the approver must not have
/// changed the story's content since it was last published.
#[derive(Debug, clap::Args)]
pub struct ApproveArgs {
    /// The story's slug.
    pub slug: String,
    /// A note, kept in the commit message.
    #[arg(long, allow_hyphen_values = true)]
    pub note: Option<String>,
}

/// Send a story under review back to its authors (in_review → draft).
#[derive(Debug, clap::Args)]
pub struct RejectArgs {
    /// The story's slug.
    pub slug: String,
    /// What needs to change, kept in the commit message.
    #[arg(long, allow_hyphen_values = true)]
    pub note: String,
}

pub fn submit(args: &SubmitArgs, ui: &Ui) -> Result<Outcome, CommandError> {
    step(
        ui,
        &args.slug,
        Status::InReview,
        "submit",
        args.note.as_deref(),
    )
}

pub fn approve(args: &ApproveArgs, ui: &Ui) -> Result<Outcome, CommandError> {
    step(
        ui,
        &args.slug,
        Status::Approved,
        "approve",
        args.note.as_deref(),
    )
}

pub fn reject(args: &RejectArgs, ui: &Ui) -> Result<Outcome, CommandError> {
    if args.note.trim().is_empty() {
        return Err(
            CommandError::new("a rejection needs a note saying what to change")
                .hint("--note \"...\""),
        );
    }
    step(ui, &args.slug, Status::Draft, "reject", Some(&args.note))
}

/// A story as the workflow commands read it.
pub struct Current {
    pub path: String,
    pub text: String,
    pub status: Status,
}

/// Reads the story and refuses when its file has changes that are not
/// committed: a workflow commit must record a decision about the version
/// in git, not smuggle in an edit.
pub fn current(root: &Path, git: &Git, slug: &str) -> Result<Current, CommandError> {
    let (path, text) = stories::story_text(root, slug, &Source::WorkingTree)
        .map_err(|e| CommandError::new(e.to_string()).hint("`lede list` shows the slugs"))?;
    let committed = git
        .is_committed(&path, text.as_bytes())
        .map_err(|e| CommandError::new(e.to_string()))?;
    if !committed {
        return Err(CommandError::new(format!("{path} has changes that are not committed"))
            .hint("commit them first (lede's own edit commands commit as they go), or undo them with `git restore`"));
    }
    let status = toml::from_str::<toml::Table>(crate::text::source::strip_bom(&text))
        .ok()
        .and_then(|table| table.get("status")?.as_str().and_then(states::parse_status))
        .ok_or_else(|| {
            CommandError::new(format!("{path} has no valid status"))
                .hint(format!("run `lede validate {path}` to see what is wrong"))
        })?;
    Ok(Current { path, text, status })
}

/// Refuses when the record does not validate.
pub fn require_valid(
    root: &Path,
    config: &Config,
    path: &str,
    text: &str,
) -> Result<(), CommandError> {
    let schemas = Schemas::load(root)?;
    let diagnostics = crate::check::validate::check_text(root, config, &schemas, path, text)?;
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        return Err(CommandError::new(format!(
            "{path} has {errors} problem(s); nothing was changed"
        ))
        .hint(format!("run `lede validate {path}` to see them")));
    }
    Ok(())
}

fn step(
    ui: &Ui,
    slug: &str,
    to: Status,
    action: &str,
    note: Option<&str>,
) -> Result<Outcome, CommandError> {
    let root = layout::discover(&ui.cwd)?;
    let config = Config::load(&root)?;
    let change_error = crate::cli::commands::init::change_error;
    let mut change = Change::begin(&root, true).map_err(change_error)?;
    let git = change.git();
    let actor = git
        .identity()
        .map_err(|e| CommandError::new(e.to_string()))?;
    let story = current(&root, git, slug)?;
    states::check_move(story.status, to)
        .map_err(|message| CommandError::new(message).hint("nothing was changed"))?;
    if to != Status::Draft {
        require_valid(&root, &config, &story.path, &story.text)?;
    }
    if action == "approve" && config.workflow.distinct_reviewer {
        let review =
            states::review(git, "HEAD", slug).map_err(|e| CommandError::new(e.to_string()))?;
        refuse_self_approval(&actor, &review.content_authors)?;
    }
    let mut editor = RecordEditor::parse(&story.text)
        .map_err(|e| CommandError::new(format!("cannot change {}: {e}", story.path)))?;
    editor.set_top_text("status", states::status_name(to));
    let transition = format!(
        "{} -> {}",
        states::status_name(story.status),
        states::status_name(to)
    );
    let message = states::message(
        &format!("{action}: {slug}"),
        note,
        &[
            (ACTION, action.to_owned()),
            (STORY, slug.to_owned()),
            (TRANSITION, transition.clone()),
            (ACTOR, actor.to_string()),
        ],
    );
    change
        .write(&story.path, editor.render().as_bytes())
        .map_err(change_error)?;
    let commit = change.finish(&message).map_err(change_error)?;
    if !ui.quiet {
        println!("{slug}: {}", transition.replace("->", "→"));
        if let Some(id) = commit {
            println!("Committed as {}.", &id[..12.min(id.len())]);
        }
    }
    Ok(Outcome::Success)
}

/// Under `distinct_reviewer`, the approver must not be among the authors of
/// the content being approved.
pub fn refuse_self_approval(
    approver: &Identity,
    content_authors: &[Identity],
) -> Result<(), CommandError> {
    if content_authors
        .iter()
        .any(|author| states::same_person(author, approver))
    {
        return Err(CommandError::new(format!(
            "{approver} changed this story's content since it was last published, so cannot approve it"
        ))
        .hint("lede.toml sets distinct_reviewer: another person must approve")
        .hint("nothing was changed"));
    }
    Ok(())
}
