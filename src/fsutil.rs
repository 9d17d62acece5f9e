//! Writing files so that nothing is ever half-written, and keeping two lede
//! processes from changing one repository at once.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces `path` with `contents` atomically: the text goes to a temporary
/// file in the same directory, is flushed to disk, and is renamed over the
/// target, keeping the target's permissions. A crash leaves either the old
/// file or the new one, never a mixture; the temporary file is removed on
/// failure.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.lede-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(contents)?;
        if let Ok(metadata) = std::fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
        }
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        // Make the rename itself durable.
        if let Ok(dir) = std::fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

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
}

/// Written into the lock file while git writes, so that the next lede can
/// tell that the previous one died in the middle of a git write.
const GIT_WRITE: &str = "git-write";

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
    pub fn record(&mut self, git_writing: bool) -> std::io::Result<()> {
        use std::io::{Seek, Write};
        self.file.set_len(0)?;
        self.file.seek(std::io::SeekFrom::Start(0))?;
        let mut text = format!("{}\n", std::process::id());
        if git_writing {
            text.push_str(GIT_WRITE);
            text.push('\n');
        }
        self.file.write_all(text.as_bytes())?;
        self.file.sync_data()
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
                };
                lock.record(false).map_err(io)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.toml");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary file is left behind");
    }

    #[test]
    fn atomic_write_creates_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("stories/2025/new.toml");
        write_atomic(&path, b"x").unwrap();
        assert_eq!(std::fs::read_to_string(path).unwrap(), "x");
    }

    #[test]
    fn a_lock_excludes_a_second_holder_until_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let first = RepoLock::acquire(dir.path()).unwrap();
        let second = RepoLock::acquire(dir.path());
        assert!(matches!(second, Err(LockError::Held { .. })));
        drop(first);
        assert!(RepoLock::acquire(dir.path()).is_ok());
    }

    #[test]
    fn a_holder_that_died_while_git_wrote_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = RepoLock::acquire(dir.path()).unwrap();
        assert!(!first.interrupted);
        first.record(true).unwrap();
        drop(first);
        let mut second = RepoLock::acquire(dir.path()).unwrap();
        assert!(second.interrupted);
        second.record(true).unwrap();
        second.record(false).unwrap();
        drop(second);
        assert!(!RepoLock::acquire(dir.path()).unwrap().interrupted);
    }
}
