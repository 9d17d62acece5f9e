//! What the editing commands share: running a revision and telling the
//! editor what happened.

use crate::check::schema::Schemas;
use crate::cli::Ui;
use crate::cli::error::{CommandError, Outcome};
use crate::newsroom::config::Config;
use crate::newsroom::layout;
use crate::record::edit::{EditError, RecordEditor};
use crate::text::diagnostic::render_human_from;
use crate::workflow::revise::{self, ReviseError};

pub fn run(
    ui: &Ui,
    slug: &str,
    commit: bool,
    message: &str,
    edit: impl FnOnce(&mut RecordEditor) -> Result<(), EditError>,
) -> Result<Outcome, CommandError> {
    let root = layout::discover(&ui.cwd)?;
    let config = Config::load(&root)?;
    let schemas = Schemas::load(&root)?;
    match revise::revise(&root, &config, &schemas, slug, commit, message, edit) {
        Ok(revised) => {
            report(ui, slug, message, &revised);
            Ok(Outcome::Success)
        }
        Err(ReviseError::Invalid {
            path,
            text,
            diagnostics,
        }) => {
            show_problems(ui, &path, &text, &diagnostics);
            let kept = crate::cli::commands::edit::keep(&root, slug, &text);
            eprintln!(
                "The change would make {path} invalid; nothing was written. The changed record is kept in {}",
                kept.display()
            );
            Ok(Outcome::Problems)
        }
        Err(ReviseError::Read(error)) => Err(CommandError::new(error.to_string())
            .hint("`lede list` shows the slugs; nothing was changed")),
        Err(error) => Err(CommandError::new(error.to_string()).hint("nothing was changed")),
    }
}

/// Tells the editor what a revision did.
pub fn report(ui: &Ui, slug: &str, message: &str, revised: &crate::workflow::revise::Revised) {
    if ui.quiet {
        return;
    }
    if revised.back_to_draft {
        println!("{slug} was approved or published; it is a draft again and needs review.");
    }
    match &revised.commit {
        Some(id) => println!("{message} ({})", &id[..12.min(id.len())]),
        None => println!("Changed {} (not committed).", revised.path),
    }
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
) {
    print!(
        "{}",
        render_human_from(diagnostics, ui.color_stdout, |file| (file == path)
            .then(|| text.to_owned()))
    );
}

/// Writes new files (path, text) and commits them as one commit: what `new`
/// and `topic new` share. Returns the commit id.
pub fn create(
    root: &std::path::Path,
    files: &[(&str, &str)],
    commit: bool,
    message: &str,
) -> Result<Option<String>, CommandError> {
    let error = crate::cli::commands::init::change_error;
    let mut change = crate::newsroom::change::Change::begin(root, commit).map_err(error)?;
    for (path, text) in files {
        change.write(path, text.as_bytes()).map_err(error)?;
    }
    change.finish(message).map_err(error)
}
