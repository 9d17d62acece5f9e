//! `lede init`: a new newsroom that works at once.

use std::path::PathBuf;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::outln;
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::change::Change;
use crate::newsroom::scaffold;

/// Create a newsroom.
///
/// A git repository with lede.toml, the default schemas,
/// stories/ and topics/, .gitattributes for lede's git drivers, a CI
/// workflow and a pre-commit configuration, committed as one commit.
///
/// Existing files are never overwritten unless --force is given.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to create the newsroom (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,

    /// Write the files but do not commit them.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.cwd().join(&args.dir);
    // Who will commit is checked before anything exists, so that a refusal
    // leaves no half-made newsroom behind.
    if !args.no_commit && !root.join(".git").exists() {
        Git::default_identity()?;
    }
    std::fs::create_dir_all(&root)
        .map_err(|e| CommandError::new(format!("cannot create {}: {e}", root.display())))?;
    let root = root.canonicalize().unwrap_or(root);
    let files = scaffold::files();
    let existing: Vec<&str> = files
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| root.join(path).exists())
        .collect();
    if !existing.is_empty() && !args.force {
        return Err(CommandError::new(format!(
            "{} already has {}",
            root.display(),
            existing.join(", ")
        ))
        .hint("nothing was changed; use --force to overwrite these files"));
    }
    let (git, created) = Git::open_or_init(&root)?;
    let mut change = Change::with_git(&root, git, !args.no_commit)?;
    crate::cli::editing::say_leftovers(ui, change.leftovers());
    for (path, contents) in &files {
        change.write(path, contents.as_bytes())?;
    }
    let commit = change.finish("init: new lede newsroom")?;
    // The drivers .gitattributes names live in this clone's .git/config.
    Git::open(&root)
        .and_then(|git| crate::newsroom::drivers::register(&git))
        .map_err(|e| {
            CommandError::from(e).hint("run `lede setup` to register lede's git drivers")
        })?;
    if !ui.quiet {
        let place = if created {
            "new git repository"
        } else {
            "repository"
        };
        outln!(
            ui,
            "Created a lede newsroom in {} ({place}).",
            root.display()
        )?;
        match commit {
            Some(id) => outln!(ui, "Committed as {}.", &id[..12.min(id.len())])?,
            None => outln!(ui, "The files are not committed (--no-commit).")?,
        }
        outln!(
            ui,
            "Registered lede's git drivers: `git diff` shows stories word by word, and merges combine them part by part."
        )?;
        outln!(
            ui,
            "Next: add topics in topics/ and stories in stories/, then run `lede validate`."
        )?;
    }
    Ok(Outcome::Success)
}
