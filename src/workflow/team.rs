//! A newsroom of several people, each in a clone of one remote
//! (`[newsroom] remote`, `origin` by default).
//!
//! The published branch is the newsroom's public history, and no clone
//! may fork it: before lede writes to it, the remote's is fetched and the
//! local branch brought onto it (created when this clone has none, moved
//! forward when it is behind, and any local publishes not yet pushed made
//! again on top of the remote's). Pushes are atomic — the working branch
//! and the published branch together, or neither — and when the remote
//! moved meanwhile, lede fetches, brings both branches onto it and tries
//! again, a bounded number of times.

use crate::git::remote::{Integrate, PushError};
use crate::git::{Git, GitError};
use crate::newsroom::config::Config;
pub use crate::newsroom::published::{PublishedRef, published_ref};

/// How many times a push is tried when others keep pushing first.
pub const PUSH_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum TeamError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Push(#[from] PushError),
    #[error(
        "the published branch here and {remote}'s both changed {}: someone published the same story meanwhile",
        paths.join(", ")
    )]
    PublishedDiverged { remote: String, paths: Vec<String> },
    #[error(
        "your commits and {remote}'s both changed {} in ways that do not combine",
        paths.join(", ")
    )]
    WorkingConflict {
        remote: String,
        paths: Vec<String>,
        /// Whether the conflict is left in the files (a merge) or
        /// everything is as it was (a rebase).
        left_in_files: bool,
    },
    #[error("HEAD is not on a branch, so there is nothing to push or bring up to date")]
    Detached,
    #[error(
        "`{branch}` is checked out in {}, and lede moves the published branch only where no working tree has it",
        places.join(", ")
    )]
    PublishedCheckedOut { branch: String, places: Vec<String> },
    #[error("{remote} kept moving: {attempts} pushes in a row found new commits there")]
    Exhausted { remote: String, attempts: usize },
}

/// What bringing the local published branch onto the remote's did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refreshed {
    /// The repository has no such remote: a newsroom of one.
    NoRemote,
    /// Both are the same, or the remote has none yet.
    UpToDate,
    /// This clone had no published branch; it now starts at the remote's.
    Created,
    /// The local branch was behind and moved forward.
    FastForwarded,
    /// The local branch has publishes the remote lacks, and nothing new
    /// from the remote: the next push sends them.
    Ahead,
    /// Local publishes not yet pushed were made again on top of the
    /// remote's (their number).
    Replayed(usize),
}

/// Fetches the remote and brings the local published branch onto it.
pub fn refresh_published(git: &Git, config: &Config) -> Result<Refreshed, TeamError> {
    // Moving a branch under a working tree that has it checked out leaves
    // that tree's files and index describing the old commit.
    let places = git.checked_out_at(&config.publish.branch)?;
    if !places.is_empty() {
        return Err(TeamError::PublishedCheckedOut {
            branch: config.publish.branch.clone(),
            places: places.iter().map(|p| p.display().to_string()).collect(),
        });
    }
    if !git.has_remote(&config.newsroom.remote) {
        return Ok(Refreshed::NoRemote);
    }
    git.fetch(&config.newsroom.remote)?;
    onto_remote_published(git, config)
}

/// Brings the local published branch onto the remote-tracking one, as
/// last fetched.
fn onto_remote_published(git: &Git, config: &Config) -> Result<Refreshed, TeamError> {
    let branch = &config.publish.branch;
    let remote = &config.newsroom.remote;
    let Some(theirs) = git.reference_tip(&format!("refs/remotes/{remote}/{branch}"))? else {
        return Ok(Refreshed::UpToDate);
    };
    let Some(ours) = git.branch_tip(branch)? else {
        git.set_branch(branch, &theirs, None)?;
        return Ok(Refreshed::Created);
    };
    if ours == theirs {
        return Ok(Refreshed::UpToDate);
    }
    if git.is_ancestor(&ours, &theirs)? {
        git.set_branch(branch, &theirs, Some(&ours))?;
        return Ok(Refreshed::FastForwarded);
    }
    if git.is_ancestor(&theirs, &ours)? {
        return Ok(Refreshed::Ahead);
    }
    let count = git.range(&theirs, &ours)?.len();
    match git.replay(&ours, &theirs)? {
        Ok(new_tip) => {
            git.set_branch(branch, &new_tip, Some(&ours))?;
            Ok(Refreshed::Replayed(count))
        }
        Err(paths) => Err(TeamError::PublishedDiverged {
            remote: remote.clone(),
            paths,
        }),
    }
}

/// What bringing the working branch onto the remote's did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Integrated {
    /// The remote has no such branch, or nothing this clone lacks.
    UpToDate,
    /// Only the remote had new commits: the branch moved forward.
    FastForwarded,
    /// Both had new commits: joined by `how`.
    Joined(Integrate),
}

/// Brings the checked-out branch onto the remote's as last fetched.
pub fn integrate_working(
    git: &Git,
    config: &Config,
    how: Integrate,
) -> Result<Integrated, TeamError> {
    let branch = git.current_branch().ok_or(TeamError::Detached)?;
    let remote = &config.newsroom.remote;
    let upstream = format!("refs/remotes/{remote}/{branch}");
    let Some(theirs) = git.reference_tip(&upstream)? else {
        return Ok(Integrated::UpToDate);
    };
    let ours = git.resolve("HEAD")?;
    if git.is_ancestor(&theirs, &ours)? {
        return Ok(Integrated::UpToDate);
    }
    let fast_forward = git.is_ancestor(&ours, &theirs)?;
    match git.integrate(&upstream, how)? {
        Ok(()) if fast_forward => Ok(Integrated::FastForwarded),
        Ok(()) => Ok(Integrated::Joined(how)),
        Err(paths) => Err(TeamError::WorkingConflict {
            remote: remote.clone(),
            paths,
            left_in_files: how == Integrate::Merge,
        }),
    }
}

/// What a push sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub remote: String,
    /// The branches pushed.
    pub branches: Vec<String>,
    /// Tries it took (more than one when others pushed first).
    pub attempts: usize,
}

/// Pushes the checked-out branch and the published branch to the remote
/// in one atomic push. When the remote has moved, fetches, brings both
/// branches onto it (the working one by `how`) and tries again, up to
/// `PUSH_ATTEMPTS` times.
pub fn push(git: &Git, config: &Config, how: Integrate) -> Result<Pushed, TeamError> {
    let remote = config.newsroom.remote.clone();
    let working = git.current_branch().ok_or(TeamError::Detached)?;
    let published = &config.publish.branch;
    for attempt in 1..=PUSH_ATTEMPTS {
        let mut branches = vec![working.clone()];
        if published != &working && git.branch_tip(published)?.is_some() {
            branches.push(published.clone());
        }
        let refspecs: Vec<String> = branches
            .iter()
            .map(|b| format!("refs/heads/{b}:refs/heads/{b}"))
            .collect();
        match git.push_atomic(&remote, &refspecs) {
            Ok(()) => {
                // git updates the remote-tracking references of a push to
                // a named remote itself.
                return Ok(Pushed {
                    remote,
                    branches,
                    attempts: attempt,
                });
            }
            Err(PushError::Behind { .. }) => {
                git.fetch(&remote)?;
                onto_remote_published(git, config)?;
                integrate_working(git, config, how)?;
            }
            Err(refused @ PushError::Refused { .. }) => {
                // A remote that moved between git's look at its branches
                // and the update says so only as a failed reference
                // update; a remote whose branches are where they were
                // refused for a reason of its own (a protected branch).
                let before = tracking_tips(git, &remote, &branches)?;
                git.fetch(&remote)?;
                if tracking_tips(git, &remote, &branches)? == before {
                    return Err(refused.into());
                }
                onto_remote_published(git, config)?;
                integrate_working(git, config, how)?;
            }
            Err(other) => return Err(other.into()),
        }
    }
    Err(TeamError::Exhausted {
        remote,
        attempts: PUSH_ATTEMPTS,
    })
}

fn tracking_tips(
    git: &Git,
    remote: &str,
    branches: &[String],
) -> Result<Vec<Option<String>>, GitError> {
    branches
        .iter()
        .map(|b| git.reference_tip(&format!("refs/remotes/{remote}/{b}")))
        .collect()
}
