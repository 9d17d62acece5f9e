//! `lede sync`: the daily round trip with the newsroom's remote in one
//! command — fetch, bring the working and published branches onto the
//! remote's, push both.

use serde::Serialize;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::remote::Integrate;
use crate::workflow::team::{self, Integrated, Refreshed};

/// Fetch from the newsroom's remote, bring your branch and the published
/// branch up to date with it, and push your commits.
///
/// Your commits are made again on top of the remote's (a rebase, with
/// lede's merge driver for story files); changes not yet committed are set
/// aside and put back. When your changes and someone else's cannot be
/// combined, nothing is changed and lede names the files; `--merge` then
/// merges instead and leaves the conflict in the files for you to resolve.
/// The push is atomic: both branches or neither.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Merge the remote's commits instead of rebasing yours onto them.
    #[arg(long)]
    pub merge: bool,

    /// Fetch and bring the branches up to date, but push nothing.
    #[arg(long)]
    pub no_push: bool,

    /// The remote (default: `[newsroom] remote` in lede.toml, origin
    /// unless set).
    #[arg(long, value_name = "REMOTE")]
    pub remote: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub use super::TextOrJson as Format;

#[derive(Debug, Serialize)]
struct Report {
    remote: String,
    /// created, fast-forwarded, replayed, ahead, up-to-date.
    published: &'static str,
    /// fast-forwarded, rebased, merged, up-to-date.
    working: &'static str,
    pushed: Vec<String>,
    attempts: usize,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let mut config = ws.config()?.clone();
    if let Some(remote) = &args.remote {
        config.newsroom.remote = remote.clone();
    }
    let config = &config;
    let remote = config.newsroom.remote.clone();
    let mut change = crate::cli::editing::begin_change(ui, root, true)?;
    if !change.git().has_remote(&remote) {
        return Err(CommandError::new(format!(
            "this repository has no remote called {remote}"
        ))
        .hint(format!("add it with `git remote add {remote} <url>`, or set `[newsroom] remote` in lede.toml"))
        .hint("nothing was changed"));
    }
    let how = if args.merge {
        Integrate::Merge
    } else {
        Integrate::Rebase
    };
    let refreshed = change.git_write(|git| team::refresh_published(git, config))?;
    crate::cli::editing::say_refreshed(ui, config, &refreshed);
    let integrated = change.git_program_write(|git| team::integrate_working(git, config, how))?;
    let mut report = Report {
        remote: remote.clone(),
        published: match refreshed {
            Refreshed::Created => "created",
            Refreshed::FastForwarded => "fast-forwarded",
            Refreshed::Replayed(_) => "replayed",
            Refreshed::Ahead => "ahead",
            Refreshed::NoRemote | Refreshed::UpToDate => "up-to-date",
        },
        working: match integrated {
            Integrated::UpToDate => "up-to-date",
            Integrated::FastForwarded => "fast-forwarded",
            Integrated::Joined(Integrate::Rebase) => "rebased",
            Integrated::Joined(Integrate::Merge) => "merged",
        },
        pushed: Vec::new(),
        attempts: 0,
    };
    if !args.no_push {
        let pushed = change.git_program_write(|git| team::push(git, config, how))?;
        report.pushed = pushed.branches;
        report.attempts = pushed.attempts;
    }
    drop(change);
    match args.format {
        Format::Json => {
            outln!(
                ui,
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            )?;
        }
        Format::Text if !ui.quiet => {
            let working = match report.working {
                "fast-forwarded" => format!("Brought your branch up to {remote}'s."),
                "rebased" => format!("Made your commits again on top of {remote}'s."),
                "merged" => format!("Merged {remote}'s commits into your branch."),
                _ => format!("Your branch had everything {remote} has."),
            };
            outln!(ui, "{working}")?;
            if report.pushed.is_empty() {
                if !args.no_push {
                    errln!(ui, "Nothing to push.");
                }
            } else {
                outln!(ui, "Pushed {} to {remote}.", report.pushed.join(" and "))?;
            }
        }
        Format::Text => {}
    }
    Ok(Outcome::Success)
}
