//! `lede man`: manual pages in roff, from the same command definitions
//! (and doc comments) that `--help` prints.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::CommandFactory;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::outln;
use crate::cli::{Cli, Ui, Workspace};

/// Print lede's manual page, or write one page per command.
///
/// Without --out, prints lede(1) to standard output: `lede man | man -l -`
/// reads it. With --out, writes lede.1 and a page for every command
/// (lede-publish.1, lede-add-faq.1, ...) into that directory, for
/// example ~/.local/share/man/man1.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write all pages into this directory (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let Some(out) = &args.out else {
        ui.stdout().write_all(&render(&command)?)?;
        return Ok(Outcome::Success);
    };
    let out = if out.is_absolute() {
        out.clone()
    } else {
        ws.cwd().join(out)
    };
    std::fs::create_dir_all(&out)
        .map_err(|e| CommandError::new(format!("cannot create {}: {e}", out.display())))?;
    let mut written = Vec::new();
    write_pages(&command, &out, &mut written)?;
    if !ui.quiet {
        for path in &written {
            outln!(ui, "{}", path.display())?;
        }
    }
    Ok(Outcome::Success)
}

/// The page of one command, in roff.
fn render(command: &clap::Command) -> Result<Vec<u8>, CommandError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .manual("lede manual")
        .render(&mut page)
        .map_err(|e| CommandError::new(format!("cannot render the manual page: {e}")))?;
    Ok(page)
}

/// The page of `command` and of every command under it, each written
/// whole or not at all.
fn write_pages(
    command: &clap::Command,
    out: &Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), CommandError> {
    let name = command
        .get_display_name()
        .unwrap_or_else(|| command.get_name());
    let path = out.join(format!("{name}.1"));
    crate::fs::write_atomic(&path, &render(command)?)
        .map_err(|e| CommandError::new(format!("cannot write {}: {e}", path.display())))?;
    written.push(path);
    for sub in command.get_subcommands().filter(|sub| !sub.is_hide_set()) {
        write_pages(sub, out, written)?;
    }
    Ok(())
}
