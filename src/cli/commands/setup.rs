//! `lede setup`: teaches this clone's git to show story files through lede.
//!
//! `.gitattributes` is committed and travels with the repository, but the
//! drivers it names live in each clone's `.git/config`, which git never
//! copies; so every clone needs this once (`lede init` does it for the
//! repository it creates).

use std::path::{Path, PathBuf};

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::{Git, GitError};

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

/// The `.gitattributes` line that routes story files to lede's drivers.
pub const ATTRIBUTES_LINE: &str = "stories/**/*.toml diff=lede merge=lede";

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let git = Git::open(root)?;
    let wanted = driver_config(&lede_command());
    let attributes = routes_stories(root);
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
    let set = register(&git).map_err(|e| CommandError::from(e).hint("nothing was changed"))?;
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

/// Writes the drivers into the repository's own git configuration and
/// returns what it set.
pub fn register(git: &Git) -> Result<Vec<(String, String)>, GitError> {
    let wanted = driver_config(&lede_command());
    for (key, value) in &wanted {
        git.set_local_config(key, value)?;
    }
    Ok(wanted)
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

fn driver_config(lede: &str) -> Vec<(String, String)> {
    vec![
        ("diff.lede.command".to_owned(), format!("{lede} git-diff")),
        (
            "diff.lede.textconv".to_owned(),
            format!("{lede} git-diff --textconv"),
        ),
        (
            "merge.lede.name".to_owned(),
            "lede: story records merged part by part".to_owned(),
        ),
        (
            "merge.lede.driver".to_owned(),
            format!("{lede} merge-driver %O %A %B %L %P"),
        ),
    ]
}

/// How git should call this lede: `lede` when that is what PATH finds,
/// otherwise this binary's full path, quoted for the shell git runs it
/// through.
fn lede_command() -> String {
    let Ok(this) = std::env::current_exe().and_then(|path| path.canonicalize()) else {
        return "lede".to_owned();
    };
    if on_path("lede").is_some_and(|found| found == this) {
        return "lede".to_owned();
    }
    let text = this.to_string_lossy();
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b))
    {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .and_then(|found| found.canonicalize().ok())
}

/// Whether `.gitattributes` sends story files to the `lede` drivers.
fn routes_stories(root: &Path) -> bool {
    std::fs::read_to_string(root.join(".gitattributes")).is_ok_and(|text| {
        text.lines().any(|line| {
            let mut words = line.split_whitespace();
            words
                .next()
                .is_some_and(|pattern| pattern.starts_with("stories/"))
                && words.any(|attribute| attribute == "diff=lede")
        })
    })
}
