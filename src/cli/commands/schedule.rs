//! `lede schedule`: an embargo on an approved story, for `lede publish
//! --due` to honour.

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::outln;
use crate::cli::{Ui, Workspace};
use crate::record::edit::RecordEditor;
use crate::record::model::Status;
use crate::workflow::states::{self, ACTION, ACTOR, STORY};

/// Schedule an approved story: it is not published before --at.
///
/// Sets the story's `embargo`. `lede publish` refuses it until then;
/// `lede publish --due`, run from cron or a CI schedule, publishes it once
/// the time has passed, and the site never shows it earlier.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's slug.
    pub slug: String,

    /// When it may go public: an RFC 3339 date-time with its offset, such
    /// as 2025-11-08T06:00:00Z.
    #[arg(long, value_name = "TIME")]
    pub at: String,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let at: toml::value::Datetime = args.at.parse().map_err(|_| {
        CommandError::new(format!("`{}` is not an RFC 3339 date-time", args.at))
            .hint("for example 2025-11-08T06:00:00Z")
    })?;
    if crate::record::document::instant(&at).is_none() {
        return Err(CommandError::new(format!(
            "`{}` has no time zone, so it names no single instant",
            args.at
        ))
        .hint("add Z (UTC) or an offset such as +01:00"));
    }
    let root = ws.root()?;
    let mut change = crate::cli::editing::begin_change(ui, root, true)?;
    let actor = change.git().identity()?;
    let story = crate::workflow::step::committed_story(root, change.git(), &args.slug)?;
    if story.status != Status::Approved {
        return Err(CommandError::new(format!(
            "{} is {}; only an approved story is scheduled",
            args.slug,
            states::status_name(story.status)
        ))
        .hint("nothing was changed"));
    }
    let mut editor = RecordEditor::parse(&story.text)?;
    editor.set_top_raw("embargo", &at.to_string())?;
    let message = states::message(
        &format!("schedule: {} at {at}", args.slug),
        None,
        &[
            (ACTION, "schedule".to_owned()),
            (STORY, args.slug.clone()),
            ("Embargo", at.to_string()),
            (ACTOR, actor.to_string()),
        ],
    );
    change.write(&story.path, editor.render().as_bytes())?;
    change.finish(&message)?;
    if !ui.quiet {
        outln!(
            ui,
            "{} is scheduled: `lede publish --due` publishes it from {at}.",
            args.slug
        )?;
    }
    Ok(Outcome::Success)
}
