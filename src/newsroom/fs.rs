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

/// Removes the temporary files `write_atomic` leaves next to `path` when it
/// is killed. Only for a path whose writer is known to be dead.
pub fn remove_stale_temporaries(path: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return Vec::new();
    };
    let prefix = format!(".{}.lede-", name.to_string_lossy());
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&prefix)
            && file_name.ends_with(".tmp")
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed
}

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

/// Keeps text that could not be saved in the story (an invalid edit, an
/// interrupted dialogue), and returns where: under `.git/lede-recovery/`,
/// or the temporary directory when the repository cannot take it.
pub fn keep_unsaved(root: &Path, slug: &str, text: &str) -> PathBuf {
    let dir = root.join(".git").join("lede-recovery");
    let stamp = crate::record::document::now().replace(':', "");
    let path = dir.join(format!("{slug}-{stamp}.txt"));
    let _ = std::fs::create_dir_all(&dir);
    match write_atomic(&path, text.as_bytes()) {
        Ok(()) => path,
        Err(_) => {
            // The repository cannot take it; the temporary directory can.
            let fallback = std::env::temp_dir().join(format!("lede-{slug}-{stamp}.txt"));
            let _ = std::fs::write(&fallback, text);
            fallback
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
        first.record(Note::GitWrite).unwrap();
        drop(first);
        let mut second = RepoLock::acquire(dir.path()).unwrap();
        assert!(second.interrupted);
        second.record(Note::FileWrite("stories/a.toml")).unwrap();
        drop(second);
        let mut third = RepoLock::acquire(dir.path()).unwrap();
        assert_eq!(third.interrupted_file.as_deref(), Some("stories/a.toml"));
        third.record(Note::Idle).unwrap();
        let second = third;
        drop(second);
        assert!(!RepoLock::acquire(dir.path()).unwrap().interrupted);
    }
}
