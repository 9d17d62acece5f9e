//! Files: replacing one so that nothing is ever half-written, and the lock
//! that keeps two lede processes from changing one repository at once.
//!
//! The bottom layer: it knows nothing of records or git, so that every
//! writer above (a record, a man page, a site page, a git object) goes
//! through the one replace-by-rename below.

pub mod lock;

use std::io::Write;
use std::path::{Path, PathBuf};

/// How a file is replaced. Every writer renames a finished temporary file
/// over the target, so a reader or a crash sees the old file or the new
/// one, never a mixture; they differ in what survives a power cut and in
/// the permissions the file ends with.
#[derive(Debug, Clone, Copy, Default)]
pub struct Replace<'a> {
    /// Flush the file and the rename to disk before returning: for a
    /// person's words. Pages rebuilt from git and git's own loose objects
    /// (which libgit2 does not sync either) skip it.
    pub durable: bool,
    /// Mode 0444, as git's object files have; otherwise the target's
    /// permissions are kept (a new file gets the default).
    pub read_only: bool,
    /// The temporary file's path, for writers whose names other tools know
    /// (git's gc removes stale `tmp_obj_*`); otherwise
    /// `.<name>.lede-<pid>.tmp` beside the target, which
    /// `remove_stale_temporaries` finds.
    pub temporary: Option<&'a Path>,
}

/// Replaces `path` with `contents` atomically and durably, keeping the
/// target's permissions: how lede writes records and everything else a
/// person would miss. The temporary file is removed on failure.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    replace(
        path,
        contents,
        &Replace {
            durable: true,
            ..Replace::default()
        },
    )
}

/// Replaces `path` with `contents` as `how` says; see `Replace`.
pub fn replace(path: &Path, contents: &[u8], how: &Replace<'_>) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let temporary = match how.temporary {
        Some(temporary) => temporary.to_owned(),
        None => {
            let name = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            dir.join(format!(".{name}.lede-{}.tmp", std::process::id()))
        }
    };
    // Only this process writes this name; one already there was left by a
    // process of the same id that was killed.
    let _ = std::fs::remove_file(&temporary);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(contents)?;
        if how.read_only {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(0o444))?;
            }
        } else if let Ok(metadata) = std::fs::metadata(path) {
            file.set_permissions(metadata.permissions())?;
        }
        if how.durable {
            file.sync_all()?;
        }
        drop(file);
        std::fs::rename(&temporary, path)?;
        if how.durable {
            // Make the rename itself durable.
            if let Ok(dir) = std::fs::File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

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

#[cfg(test)]
mod tests {
    use super::lock::*;
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
