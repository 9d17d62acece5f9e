//! Where the published branch is read from: the local branch, or, in a
//! clone that has none yet, the remote's as last fetched.

use crate::git::{Git, GitError};
use crate::newsroom::config::Config;

/// The published branch as lede reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedRef {
    /// For people: `published`, or `origin/published` when this clone has
    /// no local branch.
    pub name: String,
    pub tip: String,
}

/// The published branch to read: the local one, or the remote's as last
/// fetched when this clone has none (a fresh clone has only
/// `origin/published`) or when the local one is behind it. `None`: nothing
/// has been published anywhere this clone knows of.
pub fn published_ref(git: &Git, config: &Config) -> Result<Option<PublishedRef>, GitError> {
    let branch = &config.publish.branch;
    let remote = &config.newsroom.remote;
    let local = git.branch_tip(branch)?;
    let remote_tip = git.reference_tip(&format!("refs/remotes/{remote}/{branch}"))?;
    let from_remote = |tip: String| PublishedRef {
        name: format!("{remote}/{branch}"),
        tip,
    };
    Ok(match (local, remote_tip) {
        (Some(local), Some(theirs)) if local != theirs && git.is_ancestor(&local, &theirs)? => {
            Some(from_remote(theirs))
        }
        (Some(local), _) => Some(PublishedRef {
            name: branch.clone(),
            tip: local,
        }),
        (None, theirs) => theirs.map(from_remote),
    })
}
