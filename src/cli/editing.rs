//! What the editing commands share: running a revision and telling the
//! editor what happened. It prints, so it belongs to the shell, not the
//! library; commands use it and never each other.

use std::path::Path;

use crate::cli::error::{CommandError, ErrorKind, Outcome};
use crate::cli::ui::{errln, out, outln};
use crate::cli::{Ui, Workspace};
use crate::newsroom::change::Change;
use crate::record::edit::{EditError, RecordEditor};
use crate::text::diagnostic::render_human_from;
use crate::workflow::revise::{self, ReviseError};

pub fn run(
    ui: &Ui,
    ws: &Workspace,
    slug: &str,
    commit: bool,
    message: &str,
    edit: impl FnOnce(&mut RecordEditor) -> Result<(), EditError>,
) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let schemas = ws.schemas()?;
    match revise::revise(root, config, schemas, slug, commit, message, edit) {
        Ok(revised) => {
            report(ui, slug, message, &revised)?;
            Ok(Outcome::Success)
        }
        Err(ReviseError::Invalid {
            path,
            text,
            diagnostics,
        }) => {
            // Kept first: the text must be safe even if printing fails.
            let kept = crate::newsroom::recovery::keep_unsaved(root, slug, &text);
            show_problems(ui, &path, &text, &diagnostics)?;
            errln!(
                ui,
                "The change would make {path} invalid; nothing was written. The changed record is kept in {}",
                kept.display()
            );
            Ok(Outcome::Problems)
        }
        Err(ReviseError::Read(error)) => Err(CommandError::from_error(ErrorKind::User, &error)
            .hint("`lede list` shows the slugs; nothing was changed")),
        Err(error) => Err(CommandError::from(error).hint("nothing was changed")),
    }
}

/// Tells the editor what a revision did.
pub fn report(
    ui: &Ui,
    slug: &str,
    message: &str,
    revised: &crate::workflow::revise::Revised,
) -> Result<(), CommandError> {
    say_leftovers(ui, &revised.leftovers);
    if ui.quiet {
        return Ok(());
    }
    if revised.unchanged {
        outln!(ui, "No changes: {} is as it was.", revised.path)?;
        return Ok(());
    }
    if revised.back_to_draft {
        outln!(
            ui,
            "{slug} was approved or published; it is a draft again and needs review."
        )?;
    }
    match &revised.commit {
        Some(id) => outln!(ui, "{message} ({})", &id[..12.min(id.len())])?,
        None => outln!(ui, "Changed {} (not committed).", revised.path)?,
    }
    Ok(())
}

/// Whether lede may ask for what the flags did not give: a person at a
/// terminal, and no `--no-input`.
pub fn can_ask(no_input: bool) -> bool {
    use std::io::IsTerminal;
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Refuses at once, naming the missing flags, when they cannot be asked for.
pub fn require_answers(command: &str, missing: &[&str], can_ask: bool) -> Result<(), CommandError> {
    if missing.is_empty() || can_ask {
        return Ok(());
    }
    Err(CommandError::new(format!(
        "{command} needs {} when it cannot ask",
        missing.join(", ")
    ))
    .hint("give them as flags, or run lede on a terminal without --no-input"))
}

/// Prints the problems of a text that was not written, with code frames
/// drawn from the text itself.
pub fn show_problems(
    ui: &Ui,
    path: &str,
    text: &str,
    diagnostics: &[crate::text::diagnostic::Diagnostic],
) -> Result<(), CommandError> {
    out!(
        ui,
        "{}",
        render_human_from(diagnostics, ui.color_stdout, |file| (file == path)
            .then(|| text.to_owned()))
    )
}

/// Writes new files (path, text) and commits them as one commit: what `new`
/// and `topic new` share. Returns the commit id.
pub fn create(
    ui: &Ui,
    root: &std::path::Path,
    files: &[(&str, &str)],
    commit: bool,
    message: &str,
) -> Result<Option<String>, CommandError> {
    let mut change = begin_change(ui, root, commit)?;
    for (path, text) in files {
        change.write(path, text.as_bytes())?;
    }
    Ok(change.finish(message)?)
}

/// Begins a change (see `Change::begin`) and tells the user what an
/// interrupted lede had left that it cleaned up first.
pub fn begin_change(ui: &Ui, root: &Path, commit: bool) -> Result<Change, CommandError> {
    let change = Change::begin(root, commit)?;
    say_leftovers(ui, change.leftovers());
    Ok(change)
}

/// One line per file an interrupted lede had left, on stderr.
pub fn say_leftovers(ui: &Ui, leftovers: &[String]) {
    for removed in leftovers {
        errln!(ui, "lede: removed {removed}, left by an interrupted lede");
    }
}

/// One line on stderr when the published branch moved to the remote's.
pub fn say_refreshed(
    ui: &Ui,
    config: &crate::newsroom::config::Config,
    refreshed: &crate::workflow::team::Refreshed,
) {
    let (branch, remote) = (&config.publish.branch, &config.newsroom.remote);
    let line = match refreshed {
        crate::workflow::team::Refreshed::Created => {
            format!("Started {branch} from {remote}/{branch}.")
        }
        crate::workflow::team::Refreshed::FastForwarded => {
            format!("Brought {branch} up to {remote}/{branch}.")
        }
        crate::workflow::team::Refreshed::Replayed(count) => {
            format!("Made {count} publish(es) not yet pushed again on top of {remote}/{branch}.")
        }
        crate::workflow::team::Refreshed::NoRemote
        | crate::workflow::team::Refreshed::UpToDate
        | crate::workflow::team::Refreshed::Ahead => return,
    };
    if !ui.quiet {
        errln!(ui, "{line}");
    }
}
