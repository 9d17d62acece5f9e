//! The newsroom's remote, reached through the git program so that the
//! credential helpers, SSH keys, protocols and hooks people configured for
//! git apply to lede as well. Nothing here decides anything: the workflow
//! layer says what to fetch, replay and push.

use super::{Git, GitError};

/// Why a push did not happen. With `--atomic`, nothing was pushed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("{remote} has commits this clone has not fetched yet")]
    Behind { remote: String },
    #[error("{remote} refused the push: {reasons}")]
    Refused { remote: String, reasons: String },
    #[error(transparent)]
    Git(#[from] GitError),
}

/// How a working branch is brought onto its remote's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrate {
    /// Local commits are made again on top of the remote's: a linear
    /// history.
    Rebase,
    /// A merge commit joins the two; a conflict is left for the person.
    Merge,
}

impl Git {
    /// Fetches every branch of `remote` into its remote-tracking
    /// references (`refs/remotes/<remote>/*`), without tags.
    pub fn fetch(&self, remote: &str) -> Result<(), GitError> {
        self.run_git(&["fetch", "--quiet", "--no-tags", remote])
    }

    /// Pushes `refspecs` to `remote` in one atomic push: all of them or
    /// none.
    pub fn push_atomic(&self, remote: &str, refspecs: &[String]) -> Result<(), PushError> {
        let mut args = vec!["push", "--porcelain", "--atomic", remote];
        args.extend(refspecs.iter().map(String::as_str));
        let output = self
            .git_program()
            .args(&args)
            .output()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        if output.status.success() {
            return Ok(());
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // Porcelain lines: flag, tab, from:to, tab, summary (reason).
        let rejected: Vec<&str> = stdout.lines().filter(|l| l.starts_with('!')).collect();
        if rejected.is_empty() {
            return Err(GitError::Push(stderr.trim().to_owned()).into());
        }
        let behind = rejected.iter().any(|line| {
            line.contains("non-fast-forward")
                || line.contains("fetch first")
                || line.contains("stale info")
        });
        if behind {
            return Err(PushError::Behind {
                remote: remote.to_owned(),
            });
        }
        let mut reasons: Vec<String> = rejected
            .iter()
            .filter(|line| !line.contains("atomic push failed"))
            .filter_map(|line| {
                let mut fields = line.split('\t');
                let refs = fields.nth(1)?;
                let target = refs.rsplit(':').next().unwrap_or(refs);
                let summary = fields.next().unwrap_or_default();
                Some(format!(
                    "{} {summary}",
                    target.trim_start_matches("refs/heads/")
                ))
            })
            .collect();
        // What the remote's hooks said, which names the rule.
        reasons.extend(
            stderr
                .lines()
                .filter_map(|line| line.strip_prefix("remote: "))
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned),
        );
        Err(PushError::Refused {
            remote: remote.to_owned(),
            reasons: reasons.join("; "),
        })
    }

    /// Brings the checked-out branch onto `upstream` (a commit or
    /// reference), with the merge drivers `.gitattributes` names. Changes
    /// not yet committed are set aside and put back (git's autostash).
    /// Returns the files in conflict when it cannot: after a rebase,
    /// everything is as it was; after a merge, the conflict is left in
    /// the files for the person to resolve.
    pub fn integrate(
        &self,
        upstream: &str,
        how: Integrate,
    ) -> Result<Result<(), Vec<String>>, GitError> {
        let args: &[&str] = match how {
            Integrate::Rebase => &["rebase", "--quiet", "--autostash", upstream],
            Integrate::Merge => &["merge", "--quiet", "--no-edit", "--autostash", upstream],
        };
        let output = self
            .git_program()
            .args(args)
            .env("GIT_EDITOR", "true")
            .output()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        if output.status.success() {
            return Ok(Ok(()));
        }
        let conflicted = self.conflicted_files()?;
        if conflicted.is_empty() {
            if how == Integrate::Rebase {
                let _ = self.run_git(&["rebase", "--abort"]);
            }
            return Err(GitError::Program(
                String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            ));
        }
        if how == Integrate::Rebase {
            self.run_git(&["rebase", "--abort"])?;
        }
        Ok(Err(conflicted))
    }

    /// The files git's index holds unmerged (a conflict not yet resolved).
    pub fn conflicted_files(&self) -> Result<Vec<String>, GitError> {
        Ok(self
            .unmerged_entries()?
            .into_iter()
            .map(|entry| entry.path)
            .collect())
    }

    /// The index's unmerged entries, one per path, with the stages git
    /// holds for it. Read with `git ls-files -u`, which reads the index
    /// (split, sparse or not) without looking at the work tree.
    pub fn unmerged_entries(&self) -> Result<Vec<Unmerged>, GitError> {
        let output = self
            .git_program()
            .args(["ls-files", "--unmerged", "-z"])
            .output()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        if !output.status.success() {
            return Err(GitError::Program(
                String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            ));
        }
        let mut entries: Vec<Unmerged> = Vec::new();
        for record in String::from_utf8_lossy(&output.stdout).split('\0') {
            // "<mode> <object> <stage>\t<path>"
            let Some((meta, path)) = record.split_once('\t') else {
                continue;
            };
            let stage = meta
                .rsplit(' ')
                .next()
                .and_then(|s| s.parse::<usize>().ok());
            let Some(stage @ 1..=3) = stage else { continue };
            match entries.last_mut() {
                Some(last) if last.path == path => last.stages[stage - 1] = true,
                _ => {
                    let mut stages = [false; 3];
                    stages[stage - 1] = true;
                    entries.push(Unmerged {
                        path: path.to_owned(),
                        stages,
                    });
                }
            }
        }
        Ok(entries)
    }
}

/// A path git's index holds unmerged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmerged {
    pub path: String,
    /// Whether the index holds the common ancestor's version (stage 1),
    /// ours (2) and theirs (3).
    pub stages: [bool; 3],
}

impl Unmerged {
    /// What happened to the file on each side, as `git status` says it.
    pub fn description(&self) -> &'static str {
        match self.stages {
            [true, true, true] => "changed on both sides",
            [false, true, true] => "added on both sides",
            [true, true, false] => "deleted by them, changed by us",
            [true, false, true] => "deleted by us, changed by them",
            [false, true, false] => "added by us",
            [false, false, true] => "added by them",
            _ => "deleted on both sides",
        }
    }
}
