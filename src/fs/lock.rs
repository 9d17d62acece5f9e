//! The repository lock: an advisory `flock` on `.git/lede.lock` that names
//! its holder and what it was doing, so the next lede can tell what a
//! holder that died was in the middle of.

use std::path::{Path, PathBuf};

/// A lock on a repository, held while a command changes it: an advisory
/// lock (`flock`) on `.git/lede.lock`. The operating system releases it when
/// the process ends, however it ends, so a lede killed mid-command never
/// leaves the repository locked. The file stays; it only names the last
/// holder.
#[derive(Debug)]
pub struct RepoLock {
    file: std::fs::File,
    /// The previous holder died while git was writing (see `git_write`).
    pub interrupted: bool,
    /// The previous holder died while writing this file (relative path).
    pub interrupted_file: Option<String>,
}

/// What the holder is doing, noted in the lock file so that the next lede
/// can tell what a holder that died was in the middle of.
#[derive(Debug, Clone, Copy)]
pub enum Note<'a> {
    Idle,
    GitWrite,
    FileWrite(&'a str),
}

const GIT_WRITE: &str = "git-write";
const FILE_WRITE: &str = "file-write ";

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another lede command (process {holder}) is changing this repository; wait for it to finish ({})",
        .path.display()
    )]
    Held { path: PathBuf, holder: String },
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl RepoLock {
    /// Notes in the lock file that git is (or is no longer) writing.
    pub fn record(&mut self, note: Note<'_>) -> std::io::Result<()> {
        use std::io::{Seek, Write};
        self.file.seek(std::io::SeekFrom::Start(0))?;
        let mut text = format!("{}\n", std::process::id());
        match note {
            Note::Idle => {}
            Note::GitWrite => text.push_str(&format!("{GIT_WRITE}\n")),
            Note::FileWrite(path) => text.push_str(&format!("{FILE_WRITE}{path}\n")),
        }
        // No fsync: the note is for a lede killed mid-way, whose writes the
        // kernel still has; after a machine crash git's own locks are stale
        // for everyone and git says so.
        // Written over the old note, then cut to length: a lede killed in
        // between leaves a note that still says what it was doing.
        self.file.write_all(text.as_bytes())?;
        self.file.set_len(text.len() as u64)
    }

    pub fn acquire(git_dir: &Path) -> Result<RepoLock, LockError> {
        let path = git_dir.join("lede.lock");
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {
                let previous = std::fs::read_to_string(&path).unwrap_or_default();
                let mut lock = RepoLock {
                    file,
                    interrupted: previous.lines().any(|line| line == GIT_WRITE),
                    interrupted_file: previous
                        .lines()
                        .find_map(|line| line.strip_prefix(FILE_WRITE).map(str::to_owned)),
                };
                lock.record(Note::Idle).map_err(io)?;
                Ok(lock)
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                Err(LockError::Held {
                    path,
                    holder: holder.trim().to_owned(),
                })
            }
            Err(std::fs::TryLockError::Error(source)) => Err(io(source)),
        }
    }
}
