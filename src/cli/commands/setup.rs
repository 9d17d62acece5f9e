//! `lede setup`: teaches this clone's git to show story files through lede.
//!
//! `.gitattributes` is committed and travels with the repository, but the
//! drivers it names live in each clone's `.git/config`, which git never
//! copies; so every clone needs this once (`lede init` does it for the
//! repository it creates).

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::drivers::{self, ATTRIBUTES_LINE};

/// Register lede's git diff and merge drivers in this clone.
///
/// After this, `git diff` on story files prints lede's semantic diff,
/// `git log -p` and `git show` print stories as readable text, one sentence
/// per line (add `--ext-diff` to them for the semantic diff), and git
/// merges stories part by part (sections, FAQ entries, corrections). In a
/// clone of 10,000 files or more it also turns on git's split index. Only
/// this clone's .git/config is changed.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only report whether the drivers are registered; change nothing. Exits
    /// with 1 when something is missing.
    #[arg(long)]
    pub check: bool,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let git = Git::open(root)?;
    let wanted = drivers::driver_config(&drivers::lede_command());
    let attributes = drivers::routes_stories(root);
    if args.check {
        let mut missing = false;
        for (key, value) in &wanted {
            match git.config_value(key) {
                Some(current) if &current == value => outln!(ui, "ok       {key} = {current}")?,
                Some(current) => {
                    missing = true;
                    outln!(
                        ui,
                        "differs  {key} = {current} (lede setup would set {value})"
                    )?;
                }
                None => {
                    missing = true;
                    outln!(ui, "missing  {key}")?;
                }
            }
        }
        match index_advice(&git) {
            IndexAdvice::Split(setting) => outln!(ui, "ok       core.splitIndex = {setting}")?,
            IndexAdvice::Small(entries) => outln!(
                ui,
                "ok       core.splitIndex not needed ({entries} files in git's index)"
            )?,
            IndexAdvice::Wanted(entries) => {
                missing = true;
                outln!(
                    ui,
                    "missing  core.splitIndex ({entries} files in git's index; lede setup would turn it on)"
                )?;
            }
        }
        if attributes {
            outln!(
                ui,
                "ok       .gitattributes routes stories to the lede driver"
            )?;
        } else {
            missing = true;
            outln!(ui, "missing  .gitattributes line: {ATTRIBUTES_LINE}")?;
        }
        return Ok(if missing {
            Outcome::Problems
        } else {
            Outcome::Success
        });
    }
    let set =
        drivers::register(&git).map_err(|e| CommandError::from(e).hint("nothing was changed"))?;
    if !ui.quiet {
        outln!(
            ui,
            "Registered lede's diff and merge drivers in {}:",
            git.git_dir().join("config").display()
        )?;
        for (key, value) in &set {
            outln!(ui, "  {key} = {value}")?;
        }
        outln!(
            ui,
            "`git diff` now shows story changes word by word; `git log -p --ext-diff` shows them per commit; merges combine stories part by part."
        )?;
    }
    if let IndexAdvice::Wanted(entries) = index_advice(&git) {
        git.split_index().map_err(|e| {
            CommandError::from(e).hint("the drivers are registered; git's index was left as it was")
        })?;
        if !ui.quiet {
            outln!(
                ui,
                "Turned on git's split index (core.splitIndex = true): with {entries} files, each commit now rewrites a small file instead of the whole index. See \"Large archives\" in the README."
            )?;
        }
    }
    if !attributes {
        errln!(
            ui,
            "warning: .gitattributes does not route story files to lede yet; add this line and commit it:\n  {ATTRIBUTES_LINE}"
        );
    }
    Ok(Outcome::Success)
}

/// From this many files in git's index on, `lede setup` turns on git's
/// split index. Below it, rewriting the whole index costs a few
/// milliseconds and the repository keeps git's default, which every tool
/// can read.
pub const SPLIT_INDEX_FROM: usize = 10_000;

enum IndexAdvice {
    /// `core.splitIndex` is set (by lede or by the user, either way).
    Split(String),
    /// Unset, and not needed at this size.
    Small(usize),
    /// Unset, and wanted at this size.
    Wanted(usize),
}

fn index_advice(git: &Git) -> IndexAdvice {
    if let Some(setting) = git.config_value("core.splitIndex") {
        return IndexAdvice::Split(setting);
    }
    match git.index_entries() {
        Some(entries) if entries >= SPLIT_INDEX_FROM => IndexAdvice::Wanted(entries),
        Some(entries) => IndexAdvice::Small(entries),
        // An index libgit2 cannot read is already in one of git's newer
        // forms; lede leaves it alone.
        None => IndexAdvice::Small(0),
    }
}
