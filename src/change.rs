//! One mutating command's change to a repository: checked before anything is
//! written, written atomically under the repository lock, committed as one
//! commit holding only the files it wrote.

use std::path::{Path, PathBuf};

use crate::fsutil::{LockError, RepoLock, write_atomic};
use crate::git::{Git, GitError};

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

pub struct Change {
    root: PathBuf,
    git: Git,
    commit: bool,
    written: Vec<String>,
    _lock: RepoLock,
}

impl Change {
    /// Starts a change of the repository at `root`. When it will be
    /// committed, git must know who is committing and must not be in the
    /// middle of a merge or rebase; all of that is checked here, before any
    /// file is touched.
    pub fn begin(root: &Path, commit: bool) -> Result<Change, ChangeError> {
        Change::with_git(root, Git::open(root)?, commit)
    }

    /// Like `begin`, for a repository that `git` has just opened or created.
    pub fn with_git(root: &Path, git: Git, commit: bool) -> Result<Change, ChangeError> {
        git.check_ready()?;
        if commit {
            git.identity()?;
        }
        let lock = RepoLock::acquire(git.git_dir())?;
        Ok(Change {
            root: root.to_owned(),
            git,
            commit,
            written: Vec::new(),
            _lock: lock,
        })
    }

    pub fn git(&self) -> &Git {
        &self.git
    }

    /// Writes a file (path relative to the root) atomically.
    pub fn write(&mut self, relative: &str, contents: &[u8]) -> Result<(), ChangeError> {
        write_atomic(&self.root.join(relative), contents).map_err(|source| ChangeError::Write {
            path: relative.to_owned(),
            source,
        })?;
        if !self.written.iter().any(|path| path == relative) {
            self.written.push(relative.to_owned());
        }
        Ok(())
    }

    /// Commits what was written, unless the change was begun without a
    /// commit. Returns the commit id.
    pub fn finish(self, message: &str) -> Result<Option<String>, ChangeError> {
        if !self.commit || self.written.is_empty() {
            return Ok(None);
        }
        let paths: Vec<&str> = self.written.iter().map(String::as_str).collect();
        Ok(Some(self.git.commit_paths(&paths, message)?))
    }
}
