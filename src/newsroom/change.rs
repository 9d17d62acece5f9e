//! One mutating command's change to a repository: checked before anything is
//! written, written atomically under the repository lock, committed as one
//! commit holding only the files it wrote.

use std::path::{Path, PathBuf};

use crate::fs::lock::{LockError, Note, RepoLock};
use crate::fs::{remove_stale_temporaries, write_atomic};
use crate::git::{Git, GitError, IndexUpdate};

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(
        "this working tree is on `{0}`, the public side, which only `lede publish` and `lede retract` write; switch to your working branch first (git switch main)"
    )]
    OnPublishedBranch(String),
    #[error(
        "{variable} is set to {value}, but lede works with {expected}; a commit would update one and leave the other behind, so unset {variable} (or run lede where it points)"
    )]
    Environment {
        variable: &'static str,
        value: String,
        expected: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "wrote {} but could not commit: {source}\nthe change is in the working tree; commit it with git, or undo it with `git restore --staged --worktree -- {}`",
        paths.join(", "),
        paths.join(" ")
    )]
    NotCommitted {
        paths: Vec<String>,
        source: GitError,
    },
}

impl ChangeError {
    /// Whether the repository is as it was before the change began: true
    /// for everything except a failure after the files were written.
    pub fn changed_nothing(&self) -> bool {
        !matches!(
            self,
            ChangeError::NotCommitted { .. } | ChangeError::Git(GitError::IndexBehind { .. })
        )
    }
}

/// Refuses when this working tree is on the published branch: an edit
/// here would commit straight to the public side, past review. Commands
/// that ask for text first call it before asking, so that nobody types
/// into a change that cannot be made.
pub fn refuse_on_published(root: &Path, git: &Git) -> Result<(), ChangeError> {
    // Without a readable lede.toml the default name stands.
    let published = crate::newsroom::config::Config::load(root)
        .map(|config| config.publish.branch)
        .unwrap_or_else(|_| crate::newsroom::config::Config::default().publish.branch);
    if git.current_branch().as_deref() == Some(published.as_str()) {
        return Err(ChangeError::OnPublishedBranch(published));
    }
    Ok(())
}

/// git's programs follow `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE`
/// (git sets the first two for its hooks); lede's own commits go to the
/// repository it found and its index. When the variables point elsewhere
/// the two would part, so a change is refused instead.
fn refuse_other_repository_in_environment(root: &Path, git: &Git) -> Result<(), ChangeError> {
    let canonical = |path: &Path| path.canonicalize().unwrap_or_else(|_| path.to_owned());
    let git_dir = canonical(git.git_dir());
    let checks = [
        ("GIT_DIR", git_dir.clone()),
        ("GIT_WORK_TREE", canonical(root)),
        ("GIT_INDEX_FILE", git_dir.join("index")),
    ];
    for (variable, expected) in checks {
        let Some(value) = std::env::var_os(variable).filter(|v| !v.is_empty()) else {
            continue;
        };
        let value = Path::new(&value);
        // Relative values are relative to where lede was started, as for git.
        let absolute = std::env::current_dir()
            .map(|cwd| cwd.join(value))
            .unwrap_or_else(|_| value.to_owned());
        let resolved = match absolute.canonicalize() {
            Ok(path) => path,
            // An index file that does not exist yet: its directory decides.
            Err(_) => match (absolute.parent(), absolute.file_name()) {
                (Some(parent), Some(name)) => canonical(parent).join(name),
                _ => absolute.clone(),
            },
        };
        if resolved != expected {
            return Err(ChangeError::Environment {
                variable,
                value: value.display().to_string(),
                expected: expected.display().to_string(),
            });
        }
    }
    Ok(())
}

pub struct Change {
    root: PathBuf,
    git: Git,
    commit: bool,
    written: Vec<String>,
    lock: RepoLock,
    index: Option<IndexUpdate>,
    leftovers: Vec<String>,
}

impl Change {
    /// Starts a change of the repository at `root`. When it will be
    /// committed, git must know who is committing and must not be in the
    /// middle of a merge or rebase; all of that is checked here, before any
    /// file is touched.
    ///
    /// A change to be committed starts git's index update at once, and git
    /// holds the index lock until the change ends (with a split index, lede
    /// takes it itself at the end): ask the user everything (prompts,
    /// `$EDITOR`) before beginning one.
    pub fn begin(root: &Path, commit: bool) -> Result<Change, ChangeError> {
        Change::with_git(root, Git::open(root)?, commit)
    }

    /// Files an interrupted lede left behind that this change removed before
    /// it began, for the command to tell the user about.
    pub fn leftovers(&self) -> &[String] {
        &self.leftovers
    }

    /// Like `begin`, for a repository that `git` has just opened or created.
    pub fn with_git(root: &Path, git: Git, commit: bool) -> Result<Change, ChangeError> {
        let lock = RepoLock::acquire(git.git_dir())?;
        let mut leftovers = Vec::new();
        if let Some(path) = &lock.interrupted_file {
            for removed in remove_stale_temporaries(&root.join(path)) {
                leftovers.push(removed.display().to_string());
            }
        }
        if lock.interrupted {
            // The lede before this one was killed while git wrote, and may
            // have left git's lock files behind.
            leftovers.extend(git.remove_stale_locks());
        }
        git.check_ready()?;
        refuse_on_published(root, &git)?;
        refuse_other_repository_in_environment(root, &git)?;
        let index = if commit {
            git.identity()?;
            git.start_index_update()
        } else {
            None
        };
        Ok(Change {
            root: root.to_owned(),
            git,
            commit,
            written: Vec::new(),
            lock,
            index,
            leftovers,
        })
    }

    pub fn git(&self) -> &Git {
        &self.git
    }

    /// Runs a git write (a commit, a branch update, the index), noting in
    /// the repository lock that it is under way: if lede is killed in the
    /// middle, the next lede knows that git's lock files are its leftovers.
    pub fn git_write<T>(&mut self, write: impl FnOnce(&Git) -> T) -> T {
        let _ = self.lock.record(Note::GitWrite);
        let result = write(&self.git);
        let _ = self.lock.record(Note::Idle);
        result
    }

    /// `git_write` for the git program's own work-tree commands (a rebase,
    /// a merge, a push that may rebase): the index update this change
    /// holds open is ended first, since git needs the index lock free.
    pub fn git_program_write<T>(&mut self, write: impl FnOnce(&Git) -> T) -> T {
        // Dropped with no paths given, git releases the lock unchanged.
        self.index = None;
        self.git_write(write)
    }

    /// Brings git's index entry of `path` in line with the file, without
    /// committing: for a commit that was interrupted before git's index
    /// was written.
    pub fn refresh_index(&mut self, path: &str) -> Result<(), GitError> {
        let pending = self.index.take();
        self.git_write(|git| git.refresh_index(path, pending))
    }

    /// Writes a file (path relative to the root) atomically.
    pub fn write(&mut self, relative: &str, contents: &[u8]) -> Result<(), ChangeError> {
        if self.commit && self.index.is_none() {
            // A change that already committed once commits again: git reads
            // the index now, while the rest is written.
            self.index = self.git.start_index_update();
        }
        let path = self.root.join(relative);
        // A file checked out with CRLF line ends (core.autocrlf, eol=crlf)
        // keeps them: an edit changes only the lines it edits.
        let contents = match std::fs::read(&path) {
            Ok(before) if crate::text::source::uses_crlf(&before) => {
                std::borrow::Cow::Owned(crate::text::source::with_crlf(contents))
            }
            _ => std::borrow::Cow::Borrowed(contents),
        };
        let _ = self.lock.record(Note::FileWrite(relative));
        let written = write_atomic(&path, &contents);
        let _ = self.lock.record(Note::Idle);
        written.map_err(|source| ChangeError::Write {
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
    pub fn finish(mut self, message: &str) -> Result<Option<String>, ChangeError> {
        self.commit(message)
    }

    /// Commits what was written so far and goes on, still holding the
    /// repository lock: for a command that makes several commits, each
    /// decided under the same lock. Returns the commit id.
    pub fn commit(&mut self, message: &str) -> Result<Option<String>, ChangeError> {
        if !self.commit || self.written.is_empty() {
            return Ok(None);
        }
        let written = std::mem::take(&mut self.written);
        let paths: Vec<&str> = written.iter().map(String::as_str).collect();
        let index = self.index.take();
        match self.git_write(|git| git.commit_paths(&paths, message, index)) {
            Ok(commit) => Ok(Some(commit)),
            // The commit was made; only the index lags, and says so.
            Err(error @ GitError::IndexBehind { .. }) => Err(error.into()),
            Err(source) => Err(ChangeError::NotCommitted {
                paths: written,
                source,
            }),
        }
    }
}
