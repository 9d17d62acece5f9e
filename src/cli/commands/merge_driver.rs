//! `lede merge-driver`: the plumbing git runs to merge a story file that
//! both sides of a merge (or a rebase, a cherry-pick) changed. `lede setup`
//! registers it as the `lede` merge driver, which `.gitattributes` assigns
//! to story files:
//!
//!   merge.lede.driver = lede merge-driver %O %A %B %L %P
//!
//! It merges the record part by part (`record_merge`): two people adding
//! different FAQ entries, or editing different sections, no longer
//! conflict. When a part was changed differently on both sides, or a side
//! cannot be read as a record, it hands the file to git's own line merge
//! (`git merge-file`), so the result is then exactly what git would have
//! made without lede: conflict markers included.

use std::path::{Path, PathBuf};

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::errln;
use crate::cli::{Ui, Workspace};
use crate::diff::merge::{Merged, merge};

/// Git plumbing: merges a story file part by part.
///
/// Registered by `lede setup` (and `lede init`) as the `lede` merge
/// driver. git runs it with the common ancestor's version, ours (where
/// the result goes), theirs, the conflict marker size and the path. Exits
/// 0 when merged, 1 when conflict markers were left for a person.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The common ancestor's version (git's %O).
    pub base: PathBuf,
    /// Our version, overwritten with the result (git's %A).
    pub ours: PathBuf,
    /// Their version (git's %B).
    pub theirs: PathBuf,
    /// The length of conflict markers (git's %L).
    pub marker_size: Option<usize>,
    /// The file's path in the repository, for messages (git's %P).
    pub path: Option<String>,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let resolve = |path: &Path| ws.cwd().join(path);
    let (base, ours, theirs) = (
        resolve(&args.base),
        resolve(&args.ours),
        resolve(&args.theirs),
    );
    let read = |path: &Path| {
        std::fs::read(path)
            .map_err(|e| CommandError::new(format!("cannot read {}: {e}", path.display())))
    };
    let (base_bytes, our_bytes, their_bytes) = (read(&base)?, read(&ours)?, read(&theirs)?);
    let name = args.path.as_deref().unwrap_or("the story");
    let merged = match (
        std::str::from_utf8(&base_bytes),
        std::str::from_utf8(&our_bytes),
        std::str::from_utf8(&their_bytes),
    ) {
        (Ok(base), Ok(ours), Ok(theirs)) => merge(base, ours, theirs),
        _ => Merged::Unsupported("a side is not UTF-8 text".into()),
    };
    match merged {
        Merged::Clean(text) => {
            crate::fs::write_atomic(&ours, text.as_bytes())
                .map_err(|e| CommandError::new(format!("cannot write {}: {e}", ours.display())))?;
            return Ok(Outcome::Success);
        }
        Merged::Conflicts(parts) => {
            if !ui.quiet {
                errln!(
                    ui,
                    "lede: both sides changed {} of {name} differently; git's line merge decides",
                    parts.join(", ")
                );
            }
        }
        Merged::Unsupported(reason) => {
            if !ui.quiet {
                errln!(ui, "lede: {name}: {reason}; git's line merge decides");
            }
        }
    }
    line_merge(&base, &ours, &theirs, args.marker_size)
}

/// git's own three-way line merge, into `ours`.
fn line_merge(
    base: &Path,
    ours: &Path,
    theirs: &Path,
    marker_size: Option<usize>,
) -> Result<Outcome, CommandError> {
    let mut command = std::process::Command::new("git");
    command.args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"]);
    if let Some(size) = marker_size {
        command.arg(format!("--marker-size={size}"));
    }
    let status = command
        .arg(ours)
        .arg(base)
        .arg(theirs)
        .status()
        .map_err(|e| CommandError::new(format!("cannot run git merge-file: {e}")))?;
    match status.code() {
        Some(0) => Ok(Outcome::Success),
        // The number of conflicts, capped at 127 by git.
        Some(code) if (1..128).contains(&code) => Ok(Outcome::Problems),
        _ => Err(CommandError::new(format!(
            "git merge-file failed ({status})"
        ))),
    }
}
