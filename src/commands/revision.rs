//! What the editing commands share: running a revision and telling the
//! editor what happened.

use crate::cli::Ui;
use crate::config::Config;
use crate::diagnostic::render_human_from;
use crate::edit::{EditError, RecordEditor};
use crate::error::{CommandError, Outcome};
use crate::repo;
use crate::revise::{self, ReviseError};
use crate::schema::Schemas;

pub fn run(
    ui: &Ui,
    slug: &str,
    commit: bool,
    message: &str,
    edit: impl FnOnce(&mut RecordEditor) -> Result<(), EditError>,
) -> Result<Outcome, CommandError> {
    let root = repo::discover(&ui.cwd)?;
    let config = Config::load(&root)?;
    let schemas = Schemas::load(&root)?;
    match revise::revise(&root, &config, &schemas, slug, commit, message, edit) {
        Ok(revised) => {
            if !ui.quiet {
                if revised.back_to_draft {
                    println!(
                        "{slug} was approved or published; it is a draft again and needs review."
                    );
                }
                match revised.commit {
                    Some(id) => println!("{message} ({})", &id[..12.min(id.len())]),
                    None => println!("Changed {} (not committed).", revised.path),
                }
            }
            Ok(Outcome::Success)
        }
        Err(ReviseError::Invalid {
            path,
            text,
            diagnostics,
        }) => {
            print!(
                "{}",
                render_human_from(&diagnostics, ui.color_stdout, |file| (file == path)
                    .then(|| text.clone()))
            );
            let kept = crate::commands::edit::keep(&root, slug, &text);
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
