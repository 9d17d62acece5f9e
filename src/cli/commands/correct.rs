//! `lede correct` and `lede retract`: how journalism fixes what went out.
//! A correction is a dated note appended to the story, which then goes
//! through review and publishing like any edit; a retraction replaces the
//! published record with a tombstone saying why.

use crate::cli::editing;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::outln;
use crate::cli::{Ui, Workspace};
use crate::git::TreeEdit;
use crate::record::document::now;
use crate::record::model::Status;
use crate::workflow::states::{self, ACTION, ACTOR, REVISION, STORY};

/// Append a dated correction to a story.
///
/// The note is added after the story's earlier corrections, which are never
/// changed. Like any edit, it sends an approved or published story back to
/// draft: submit, approve and publish it to put the correction out.
#[derive(Debug, clap::Args)]
pub struct CorrectArgs {
    /// The story's slug.
    pub slug: String,
    /// What was wrong and what is right now, as readers will see it.
    #[arg(long, allow_hyphen_values = true)]
    pub note: String,
    /// Leave the change uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

/// Retract a published story.
///
/// The published record is replaced by a tombstone (slug, headline, reason
/// and time), which the site shows instead of the story and leaves out of
/// feeds; the working record's status becomes `retracted`.
#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// The story's slug.
    pub slug: String,
    /// Why the story is withdrawn, as readers will see it.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: String,
}

pub fn correct(ui: &Ui, ws: &Workspace, args: &CorrectArgs) -> Result<Outcome, CommandError> {
    if args.note.trim().is_empty() {
        return Err(CommandError::new("a correction needs a note")
            .hint("--note \"An earlier version said ...\""));
    }
    let at = now();
    let message = states::message(
        &format!("correct: {}", args.slug),
        Some(&args.note),
        &[(ACTION, "correct".to_owned()), (STORY, args.slug.clone())],
    );
    editing::run(ui, ws, &args.slug, !args.no_commit, &message, |editor| {
        editor.add_correction(&at, &args.note)
    })
}

pub fn retract(ui: &Ui, ws: &Workspace, args: &RetractArgs) -> Result<Outcome, CommandError> {
    if args.reason.trim().is_empty() {
        return Err(CommandError::new("a retraction needs a reason").hint("--reason \"...\""));
    }
    let root = ws.root()?;
    let config = ws.config()?;
    let branch = config.publish.branch.clone();
    let mut change = crate::cli::editing::begin_change(ui, root, true)?;
    // The tombstone goes on top of the remote's published branch.
    let refreshed = change
        .git_write(|git| crate::workflow::team::refresh_published(git, config))
        .map_err(|e| CommandError::from(e).hint("nothing was retracted"))?;
    crate::cli::editing::say_refreshed(ui, config, &refreshed);
    let git = change.git();
    let actor = git.identity()?;
    let story = crate::workflow::step::committed_story(root, git, &args.slug)?;
    let file_name = format!("{}.toml", args.slug);
    let tip = git.branch_tip(&branch)?;
    let published = match &tip {
        Some(tip) => git.find_file_at(tip, "stories", &file_name)?,
        None => None,
    };
    let Some(published_path) = published else {
        return Err(CommandError::new(format!(
            "{} was never published, so there is nothing to retract",
            args.slug
        ))
        .hint("a draft that should not go out can simply be deleted")
        .hint("nothing was changed"));
    };
    let tip = tip.unwrap_or_default();
    let published_text = git
        .read_file_at(&tip, &published_path)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let published_table: Option<toml::Table> = toml::from_str(&published_text).ok();
    let already_tombstone = published_table
        .as_ref()
        .and_then(|t| t.get("status")?.as_str().map(str::to_owned))
        .as_deref()
        == Some("retracted");
    let revision = published_table
        .as_ref()
        .and_then(|t| t.get("revision")?.as_integer())
        .unwrap_or(0)
        .max(0) as u64;
    if story.status == Status::Retracted && already_tombstone {
        outln!(ui, "{} is already retracted.", args.slug)?;
        return Ok(Outcome::Success);
    }
    let at = now();
    let mut revision = revision;
    if !already_tombstone {
        // Step 1: the tombstone on the published branch. If lede stops
        // after it, the next run finds the tombstone and only updates the
        // working record.
        revision += 1;
        let headline = published_table
            .as_ref()
            .and_then(|t| t.get("headline")?.as_str().map(str::to_owned))
            .unwrap_or_default();
        let tombstone = tombstone(&args.slug, &headline, &at, &args.reason, revision);
        let edit = TreeEdit {
            write: vec![(published_path.as_str(), tombstone.as_bytes())],
            remove: Vec::new(),
        };
        let message = states::message(
            &format!("retract: {}", args.slug),
            Some(&args.reason),
            &[
                (ACTION, "retract".to_owned()),
                (STORY, args.slug.clone()),
                (REVISION, revision.to_string()),
                (ACTOR, actor.to_string()),
            ],
        );
        change.git_write(|git| git.commit_to_branch(&branch, Some(&tip), &edit, &message))?;
        crate::workflow::publish::pause_point("tombstone");
    }
    let mut editor = crate::record::edit::RecordEditor::parse(&story.text)?;
    editor.set_top_text("status", "retracted");
    let message = states::message(
        &format!("retract: {}", args.slug),
        Some(&args.reason),
        &[
            (ACTION, "retract".to_owned()),
            (STORY, args.slug.clone()),
            (
                states::TRANSITION,
                format!("{} -> retracted", states::status_name(story.status)),
            ),
            (ACTOR, actor.to_string()),
        ],
    );
    change.write(&story.path, editor.render().as_bytes())?;
    change.finish(&message)?;
    if !ui.quiet {
        outln!(
            ui,
            "Retracted {}: the published record is now a retraction notice.",
            args.slug
        )?;
    }
    Ok(Outcome::Success)
}

/// The record that stands on the published branch in place of a retracted
/// story (docs/workflow.md).
pub fn tombstone(slug: &str, headline: &str, at: &str, reason: &str, revision: u64) -> String {
    let text = |value: &str| crate::record::edit::text_value(value).to_string();
    format!(
        "# This story was retracted; the site shows this notice in its place.\nslug = {}\nheadline = {}\nstatus = \"retracted\"\nrevision = {revision}\nretracted = {at}\nreason = {}\n",
        text(slug).trim(),
        text(headline).trim(),
        text(reason).trim()
    )
}
