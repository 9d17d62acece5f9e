//! `lede fmt`: records in the canonical layout.

use std::path::PathBuf;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::newsroom::layout::{self, EntryKind};

/// Give records the canonical layout.
///
/// Keys in the record format's order, sections in reading order, one blank
/// line before each table, text with line breaks as multi-line strings,
/// comments kept. The data never changes.
///
/// With --check nothing is written: the records that are not in the
/// canonical layout are listed and lede exits with status 1 (for CI).
/// Otherwise the changed records are written and committed as one commit.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records or directories (default: every record).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Only report the records that would change.
    #[arg(long)]
    pub check: bool,

    /// Write the changes but do not commit them.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let entries = if args.paths.is_empty() {
        layout::walk_records(root)?
    } else {
        layout::resolve_paths(root, ws.cwd(), &args.paths)?
    };
    let mut changed: Vec<(String, String)> = Vec::new();
    let mut unreadable = 0;
    for entry in &entries {
        let EntryKind::Record(collection) = entry.kind else {
            continue;
        };
        let depth = entry.display.matches('/').count();
        let schema_line = format!(
            "#:schema {}{}",
            "../".repeat(depth),
            collection.schema_file()
        );
        let text = match std::fs::read_to_string(&entry.path) {
            Ok(text) => text,
            Err(error) => {
                errln!(ui, "lede: cannot read {}: {error}", entry.display);
                unreadable += 1;
                continue;
            }
        };
        match crate::record::format::canonical(&text, collection, &schema_line) {
            // A layout change only: a formatted record that reads back as
            // other values (a correction reworded, a status changed) is
            // never written.
            Ok(formatted) if formatted != text && !same_values(&text, &formatted) => {
                errln!(
                    ui,
                    "lede: formatting {} would change what it says, so it was left as it is; this is a bug in lede, please report it",
                    entry.display
                );
                unreadable += 1;
            }
            Ok(formatted) if formatted != text => changed.push((entry.display.clone(), formatted)),
            Ok(_) => {}
            Err(error) => {
                errln!(
                    ui,
                    "lede: {} is not valid TOML and was left as it is ({error}); `lede validate {}` shows where",
                    entry.display,
                    entry.display
                );
                unreadable += 1;
            }
        }
    }
    if args.check {
        for (path, _) in &changed {
            outln!(ui, "{path}")?;
        }
        if !ui.quiet {
            errln!(
                ui,
                "{} of {} records are not in the canonical layout.",
                changed.len(),
                entries.len()
            );
        }
        let failed = !changed.is_empty() || unreadable > 0;
        return Ok(if failed {
            Outcome::Problems
        } else {
            Outcome::Success
        });
    }
    if changed.is_empty() {
        if !ui.quiet {
            errln!(
                ui,
                "All {} records are in the canonical layout.",
                entries.len()
            );
        }
        return Ok(if unreadable > 0 {
            Outcome::Problems
        } else {
            Outcome::Success
        });
    }
    let mut change = crate::cli::editing::begin_change(ui, root, !args.no_commit)?;
    for (path, text) in &changed {
        change.write(path, text.as_bytes())?;
    }
    let message = match changed.as_slice() {
        [(path, _)] => format!("fmt: {path}"),
        many => format!("fmt: {} records", many.len()),
    };
    let commit = change.finish(&message)?;
    if !ui.quiet {
        for (path, _) in &changed {
            outln!(ui, "formatted {path}")?;
        }
        if let Some(id) = commit {
            outln!(ui, "{message} ({})", &id[..12.min(id.len())])?;
        }
    }
    Ok(if unreadable > 0 {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

/// Whether two texts of a record hold the same values.
fn same_values(before: &str, after: &str) -> bool {
    let read =
        |text: &str| toml::from_str::<toml::Table>(crate::text::source::strip_bom(text)).ok();
    matches!((read(before), read(after)), (Some(a), Some(b)) if a == b)
}
