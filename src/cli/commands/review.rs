//! `lede submit`, `lede approve` and `lede reject`: moving a story through
//! review. Each is one commit of the story's status whose trailers record
//! the transition and who made it.

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::outln;
use crate::cli::{Ui, Workspace};
use crate::git::Identity;
use crate::record::edit::RecordEditor;
use crate::record::model::Status;
use crate::workflow::states::{self, ACTION, ACTOR, STORY, TRANSITION};
use crate::workflow::step;

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

pub fn submit(ui: &Ui, ws: &Workspace, args: &SubmitArgs) -> Result<Outcome, CommandError> {
    record_step(
        ui,
        ws,
        &args.slug,
        Status::InReview,
        "submit",
        args.note.as_deref(),
    )
}

pub fn approve(ui: &Ui, ws: &Workspace, args: &ApproveArgs) -> Result<Outcome, CommandError> {
    record_step(
        ui,
        ws,
        &args.slug,
        Status::Approved,
        "approve",
        args.note.as_deref(),
    )
}

pub fn reject(ui: &Ui, ws: &Workspace, args: &RejectArgs) -> Result<Outcome, CommandError> {
    if args.note.trim().is_empty() {
        return Err(
            CommandError::new("a rejection needs a note saying what to change")
                .hint("--note \"...\""),
        );
    }
    record_step(
        ui,
        ws,
        &args.slug,
        Status::Draft,
        "reject",
        Some(&args.note),
    )
}

fn record_step(
    ui: &Ui,
    ws: &Workspace,
    slug: &str,
    to: Status,
    action: &str,
    note: Option<&str>,
) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let mut change = crate::cli::editing::begin_change(ui, root, true)?;
    let git = change.git();
    let actor = git.identity()?;
    let story = step::committed_story(root, git, slug)?;
    states::check_move(story.status, to)
        .map_err(|message| CommandError::new(message).hint("nothing was changed"))?;
    if to != Status::Draft {
        step::require_valid(root, config, ws.schemas()?, &story.path, &story.text)?;
    }
    if action == "approve" && config.workflow.distinct_reviewer {
        let review = states::review(git, "HEAD", slug)?;
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
    change.write(&story.path, editor.render().as_bytes())?;
    let commit = change.finish(&message)?;
    if !ui.quiet {
        outln!(ui, "{slug}: {}", transition.replace("->", "→"))?;
        if let Some(id) = commit {
            outln!(ui, "Committed as {}.", &id[..12.min(id.len())])?;
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
