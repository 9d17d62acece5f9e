//! `lede correct` and `lede retract`: how journalism fixes what went out.
//! A correction is a dated note appended to the story, which then goes
//! through review and publishing like any edit; a retraction replaces the
//! published record with a tombstone saying why.

use crate::cli::editing;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::{Git, TreeEdit};
use crate::record::document::now;
use crate::record::model::Status;
use crate::workflow::retract::{self, Decision, RetractRefusal};
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
/// feeds; the working record's status becomes `retracted`. With
/// `distinct_reviewer` on, a retraction takes two people: the first run
/// records a request, a second person's run carries it out. An editor
/// listed under `[workflow] editors` retracts alone.
#[derive(Debug, clap::Args)]
pub struct RetractArgs {
    /// The story's slug.
    pub slug: String,
    /// Why the story is withdrawn, as readers will see it: a full sentence.
    /// When carrying out someone's request, leave it out to use theirs.
    #[arg(long, allow_hyphen_values = true)]
    pub reason: Option<String>,
    /// Show what would happen and the notice readers would see; change
    /// nothing and fetch nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation (needed when lede cannot ask).
    #[arg(long, short = 'y')]
    pub yes: bool,
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

/// What lede found about a story before retracting it.
struct Survey {
    story: crate::workflow::step::Current,
    /// Where the story is on the published branch, and that branch's tip.
    published_path: String,
    tip: String,
    headline: String,
    revision: u64,
    already_tombstone: bool,
}

fn survey(
    root: &std::path::Path,
    git: &Git,
    slug: &str,
    tip: Option<String>,
) -> Result<Survey, CommandError> {
    let story = crate::workflow::step::committed_story(root, git, slug)?;
    let file_name = format!("{slug}.toml");
    let published = match &tip {
        Some(tip) => git.find_file_at(tip, "stories", &file_name)?,
        None => None,
    };
    let (Some(published_path), Some(tip)) = (published, tip) else {
        return Err(CommandError::new(format!(
            "{slug} was never published, so there is nothing to retract"
        ))
        .hint("a draft that should not go out can simply be deleted")
        .hint("nothing was changed"));
    };
    let published_text = git
        .read_file_at(&tip, &published_path)?
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let table: Option<toml::Table> = toml::from_str(&published_text).ok();
    let top_text = |key: &str| {
        table
            .as_ref()
            .and_then(|t| t.get(key)?.as_str().map(str::to_owned))
    };
    Ok(Survey {
        story,
        published_path,
        headline: top_text("headline").unwrap_or_default(),
        already_tombstone: top_text("status").as_deref() == Some("retracted"),
        revision: table
            .as_ref()
            .and_then(|t| t.get("revision")?.as_integer())
            .unwrap_or(0)
            .max(0) as u64,
        tip,
    })
}

fn refused(refusal: RetractRefusal) -> CommandError {
    let error = CommandError::new(refusal.to_string());
    match refusal {
        RetractRefusal::Reason(_) => error
            .hint("--reason \"The story's central claim could not be verified.\"")
            .hint("nothing was retracted"),
        RetractRefusal::OwnRequest => error
            .hint("an editor listed under [workflow] editors in lede.toml may retract alone")
            .hint("nothing was retracted"),
        RetractRefusal::OtherReason { .. } => error.hint("nothing was retracted"),
    }
}

pub fn retract(ui: &Ui, ws: &Workspace, args: &RetractArgs) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    if args.dry_run {
        return retract_dry_run(ui, ws, args);
    }
    let branch = config.publish.branch.clone();
    let mut change = editing::begin_change(ui, root, true)?;
    // The tombstone goes on top of the remote's published branch.
    let refreshed = change
        .git_write(|git| crate::workflow::team::refresh_published(git, config))
        .map_err(|e| CommandError::from(e).hint("nothing was retracted"))?;
    editing::say_refreshed(ui, config, &refreshed);
    let git = change.git();
    let actor = git.identity()?;
    let found = survey(root, git, &args.slug, git.branch_tip(&branch)?)?;
    if found.story.status == Status::Retracted && found.already_tombstone {
        outln!(ui, "{} is already retracted.", args.slug)?;
        return Ok(Outcome::Success);
    }
    let head = git.resolve("HEAD")?;
    let pending = retract::pending_request(git, &head, &args.slug)?;
    let decision = retract::decide(&config.workflow, &actor, pending, args.reason.as_deref())
        .map_err(refused)?;
    let request = match decision {
        Decision::Ask => {
            let reason = args.reason.as_deref().unwrap_or_default();
            let Some(working) = git.current_branch() else {
                return Err(CommandError::new(
                    "a retraction request is a commit on your branch, and HEAD is on none",
                )
                .hint("check out your working branch (git switch main)")
                .hint("nothing was retracted"));
            };
            let message = retract::request_message(&args.slug, reason, &actor);
            let empty = TreeEdit {
                write: Vec::new(),
                remove: Vec::new(),
            };
            let commit = change
                .git_write(|git| git.commit_to_branch(&working, Some(&head), &empty, &message))?;
            if !ui.quiet {
                outln!(
                    ui,
                    "Asked for the retraction of {} ({}). A second person carries it out with `lede retract {}`, or an editor listed under [workflow] editors; push your branch so they see the request.",
                    args.slug,
                    &commit[..12.min(commit.len())],
                    args.slug
                )?;
            }
            return Ok(Outcome::Success);
        }
        Decision::Confirm(request) => Some(request),
        Decision::Alone => None,
    };
    let reason = match &request {
        Some(request) => request.reason.clone(),
        None => retract::one_line(args.reason.as_deref().unwrap_or_default()),
    };
    let at = now();
    if !found.already_tombstone {
        let tombstone = tombstone(
            &args.slug,
            &found.headline,
            &at,
            &reason,
            found.revision + 1,
        );
        if !confirmed(ui, args, &branch, &tombstone, request.as_ref())? {
            return Err(CommandError::new("cancelled; nothing was retracted"));
        }
    }
    let requested_by = request
        .as_ref()
        .map(|request| (retract::REQUESTED_BY, request.by.to_string()));
    let mut revision = found.revision;
    if !found.already_tombstone {
        // Step 1: the tombstone on the published branch. If lede stops
        // after it, the next run finds the tombstone and only updates the
        // working record.
        revision += 1;
        let tombstone = tombstone(&args.slug, &found.headline, &at, &reason, revision);
        let edit = TreeEdit {
            write: vec![(found.published_path.as_str(), tombstone.as_bytes())],
            remove: Vec::new(),
        };
        let mut trailers = vec![
            (ACTION, "retract".to_owned()),
            (STORY, args.slug.clone()),
            (REVISION, revision.to_string()),
            (ACTOR, actor.to_string()),
        ];
        trailers.extend(requested_by.clone());
        let message = states::message(&format!("retract: {}", args.slug), Some(&reason), &trailers);
        change.git_write(|git| git.commit_to_branch(&branch, Some(&found.tip), &edit, &message))?;
        crate::workflow::publish::pause_point("tombstone");
    }
    let mut editor = crate::record::edit::RecordEditor::parse(&found.story.text)?;
    editor.set_top_text("status", "retracted");
    let mut trailers = vec![
        (ACTION, "retract".to_owned()),
        (STORY, args.slug.clone()),
        (
            states::TRANSITION,
            format!("{} -> retracted", states::status_name(found.story.status)),
        ),
        (ACTOR, actor.to_string()),
    ];
    trailers.extend(requested_by);
    let message = states::message(&format!("retract: {}", args.slug), Some(&reason), &trailers);
    change.write(&found.story.path, editor.render().as_bytes())?;
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

/// Shows the notice and asks; without a terminal, `--yes` stands for the
/// answer.
fn confirmed(
    ui: &Ui,
    args: &RetractArgs,
    branch: &str,
    tombstone: &str,
    request: Option<&retract::Request>,
) -> Result<bool, CommandError> {
    if args.yes {
        return Ok(true);
    }
    if !editing::can_ask(false) {
        return Err(CommandError::new(
            "a retraction is confirmed on a terminal, and this is not one",
        )
        .hint(format!(
            "see what it would do with `lede retract {} --dry-run`, then add --yes",
            args.slug
        ))
        .hint("nothing was retracted"));
    }
    if let Some(request) = request {
        errln!(ui, "{} asked for this retraction.", request.by);
    }
    errln!(
        ui,
        "{} on {branch} becomes this notice, which readers see in place of the story:\n",
        args.slug
    );
    for line in tombstone.lines() {
        errln!(ui, "    {line}");
    }
    errln!(ui, "");
    use crate::cli::prompt::{Prompter, Terminal};
    Ok(Terminal
        .confirm(&format!("Retract {}?", args.slug), false)
        .unwrap_or(false))
}

fn retract_dry_run(ui: &Ui, ws: &Workspace, args: &RetractArgs) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let git = ws.git()?;
    let published = crate::newsroom::published::published_ref(&git, config)?;
    let read_from = published
        .as_ref()
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let found = survey(root, &git, &args.slug, published.map(|p| p.tip))?;
    if found.story.status == Status::Retracted && found.already_tombstone {
        outln!(ui, "{} is already retracted; nothing to do.", args.slug)?;
        return Ok(Outcome::Success);
    }
    let actor = git.identity()?;
    let head = git.resolve("HEAD")?;
    let pending = retract::pending_request(&git, &head, &args.slug)?;
    let decision = retract::decide(&config.workflow, &actor, pending, args.reason.as_deref())
        .map_err(refused)?;
    let reason = match &decision {
        Decision::Ask => {
            outln!(
                ui,
                "Would ask for the retraction of {} (distinct_reviewer is on): a second person, or an editor listed under [workflow] editors, then carries it out.",
                args.slug
            )?;
            outln!(ui, "Nothing was changed (dry run).")?;
            return Ok(Outcome::Success);
        }
        Decision::Confirm(request) => {
            outln!(
                ui,
                "Would carry out the retraction {} asked for.",
                request.by
            )?;
            request.reason.clone()
        }
        Decision::Alone => retract::one_line(args.reason.as_deref().unwrap_or_default()),
    };
    if found.already_tombstone {
        outln!(
            ui,
            "{read_from} already holds the notice; would set the working record's status to retracted."
        )?;
    } else {
        outln!(
            ui,
            "Would replace {} on {read_from} with this notice and set the working record's status to retracted:\n",
            found.published_path
        )?;
        let notice = tombstone(
            &args.slug,
            &found.headline,
            &now(),
            &reason,
            found.revision + 1,
        );
        for line in notice.lines() {
            outln!(ui, "    {line}")?;
        }
        outln!(ui, "")?;
    }
    outln!(ui, "Nothing was changed (dry run).")?;
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
