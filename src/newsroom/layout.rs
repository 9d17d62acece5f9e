//! Finding the content repository and the records in it.
//!
//! A content repository is found like git finds its work tree: from the
//! starting directory upwards, the first directory that has `lede.toml` or
//! `.git`. Records are `stories/**/<slug>.toml` and `topics/<id>.toml`.
//!
//! The walk never follows symbolic links: a link among the records could make
//! lede read a file outside the repository, so links are reported instead.
//! Hidden files and directories (editor swap files, `.git`) are skipped.

use std::path::{Path, PathBuf};

use crate::newsroom::config::CONFIG_FILE;
use crate::record::collection::{Collection, STORIES_DIR, TOPICS_DIR, file_stem};

/// What the walk found at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    Record(Collection),
    /// A symbolic link where a record or a directory of records could be.
    Symlink,
    /// A path that resolves outside the repository.
    Outside,
    /// A directory, socket or other non-file named `*.toml`.
    NotAFile,
    /// A file given on the command line that is not in a collection.
    NotARecord,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The path on disk.
    pub path: PathBuf,
    /// The path relative to the repository root with `/` separators, as shown
    /// to people and used as the file name in diagnostics.
    pub display: String,
    pub kind: EntryKind,
}

impl Entry {
    /// The file name without `.toml`: the id the record must declare.
    pub fn stem(&self) -> &str {
        file_stem(&self.display)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error("not inside a lede repository: no {CONFIG_FILE} or .git in {} or any directory above it", .start.display())]
    NotFound { start: PathBuf },
    #[error("cannot read {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} does not exist", .path.display())]
    Missing { path: PathBuf },
    #[error(transparent)]
    Bare(crate::git::GitError),
}

/// The repository root for a starting directory.
pub fn discover(start: &Path) -> Result<PathBuf, RepoError> {
    let start = start.canonicalize().map_err(|source| RepoError::Io {
        path: start.to_owned(),
        source,
    })?;
    if let Some(root) = start
        .ancestors()
        .find(|dir| dir.join(CONFIG_FILE).is_file() || dir.join(".git").exists())
    {
        return Ok(root.to_owned());
    }
    // A server's copy of the newsroom has git's files and no records.
    match start
        .ancestors()
        .find(|dir| crate::git::Git::is_bare_at(dir))
    {
        Some(bare) => Err(RepoError::Bare(crate::git::GitError::Bare(bare.to_owned()))),
        None => Err(RepoError::NotFound { start }),
    }
}

/// Every record in the repository, sorted by path, plus the links and odd
/// entries that stand where records would.
pub fn walk_records(root: &Path) -> Result<Vec<Entry>, RepoError> {
    let mut entries = Vec::new();
    let stories = root.join(STORIES_DIR);
    if stories.is_dir() {
        walk_dir(root, &stories, true, &mut entries)?;
    }
    let topics = root.join(TOPICS_DIR);
    if topics.is_dir() {
        walk_dir(root, &topics, false, &mut entries)?;
    }
    entries.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(entries)
}

/// The topic records alone: `topics/` holds no subdirectories, so this is
/// one directory read however many stories the newsroom has.
pub fn walk_topics(root: &Path) -> Result<Vec<Entry>, RepoError> {
    let mut entries = Vec::new();
    let topics = root.join(TOPICS_DIR);
    if topics.is_dir() {
        walk_dir(root, &topics, false, &mut entries)?;
    }
    entries.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(entries)
}

/// The story file for `slug` in the working tree. Stories are usually one
/// directory deep (`stories/<yyyy>/<slug>.toml`), so those places are
/// looked at first; only when the story is not there is the whole
/// collection walked.
pub fn find_story(root: &Path, slug: &str) -> Result<Option<Entry>, RepoError> {
    let file_name = format!("{slug}.toml");
    let stories = root.join(STORIES_DIR);
    let mut candidates = vec![stories.join(&file_name)];
    if let Ok(dirs) = std::fs::read_dir(&stories) {
        for dir in dirs.flatten() {
            if dir.file_type().is_ok_and(|t| t.is_dir())
                && !dir.file_name().to_string_lossy().starts_with('.')
            {
                candidates.push(dir.path().join(&file_name));
            }
        }
    }
    let found: Vec<&PathBuf> = candidates
        .iter()
        .filter(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
        .collect();
    if let [only] = found.as_slice() {
        let display = only
            .strip_prefix(root)
            .unwrap_or(only)
            .to_string_lossy()
            .replace('\\', "/");
        return Ok(Some(Entry {
            path: (*only).clone(),
            display,
            kind: EntryKind::Record(Collection::Story),
        }));
    }
    // Deeper, or in more than one place: the full walk decides, as before.
    Ok(walk_records(root)?
        .into_iter()
        .find(|entry| entry.kind == EntryKind::Record(Collection::Story) && entry.stem() == slug))
}

fn walk_dir(
    root: &Path,
    dir: &Path,
    recurse: bool,
    entries: &mut Vec<Entry>,
) -> Result<(), RepoError> {
    let read = std::fs::read_dir(dir).map_err(|source| RepoError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for item in read {
        let item = item.map_err(|source| RepoError::Io {
            path: dir.to_owned(),
            source,
        })?;
        let name = item.file_name();
        let name_text = name.to_string_lossy();
        if name_text.starts_with('.') {
            continue;
        }
        let path = item.path();
        let file_type = item.file_type().map_err(|source| RepoError::Io {
            path: path.clone(),
            source,
        })?;
        let named_like_record = name_text.ends_with(".toml");
        let kind = if file_type.is_symlink() {
            // A link to a directory could hold records too; a link to anything
            // else matters only when it is named like a record.
            if named_like_record || path.is_dir() {
                EntryKind::Symlink
            } else {
                continue;
            }
        } else if file_type.is_dir() {
            if named_like_record {
                EntryKind::NotAFile
            } else {
                if recurse {
                    walk_dir(root, &path, recurse, entries)?;
                }
                continue;
            }
        } else if !named_like_record {
            continue;
        } else if !file_type.is_file() {
            EntryKind::NotAFile
        } else {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            match Collection::of(relative) {
                Some(collection) => EntryKind::Record(collection),
                None => continue,
            }
        };
        entries.push(Entry {
            display: display_relative(root, &path),
            path,
            kind,
        });
    }
    Ok(())
}

/// The entries for paths named on the command line (relative to `cwd`):
/// files are taken as they are, directories are walked for `*.toml` files.
pub fn resolve_paths(root: &Path, cwd: &Path, paths: &[PathBuf]) -> Result<Vec<Entry>, RepoError> {
    let canonical_root = root.canonicalize().map_err(|source| RepoError::Io {
        path: root.to_owned(),
        source,
    })?;
    let mut entries = Vec::new();
    for given in paths {
        let path = cwd.join(given);
        let metadata = match std::fs::symlink_metadata(&path) {
            Ok(metadata) => metadata,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(RepoError::Missing {
                    path: given.clone(),
                });
            }
            Err(source) => return Err(RepoError::Io { path, source }),
        };
        let Some(resolved) = resolve_inside(&canonical_root, &path) else {
            entries.push(Entry {
                display: given.to_string_lossy().replace('\\', "/"),
                path,
                kind: EntryKind::Outside,
            });
            continue;
        };
        let relative = resolved
            .strip_prefix(&canonical_root)
            .unwrap_or(&resolved)
            .to_owned();
        let display = relative.to_string_lossy().replace('\\', "/");
        let kind = if metadata.file_type().is_symlink() {
            EntryKind::Symlink
        } else if metadata.is_dir() {
            if display.ends_with(".toml") {
                EntryKind::NotAFile
            } else {
                let mut found = Vec::new();
                walk_any(root, &canonical_root.join(&relative), &mut found)?;
                entries.extend(found);
                continue;
            }
        } else if !metadata.is_file() {
            EntryKind::NotAFile
        } else {
            match Collection::of(&relative) {
                Some(collection) => EntryKind::Record(collection),
                None => EntryKind::NotARecord,
            }
        };
        entries.push(Entry {
            path: root.join(&relative),
            display,
            kind,
        });
    }
    entries.sort_by(|a, b| a.display.cmp(&b.display));
    entries.dedup_by(|a, b| a.display == b.display);
    Ok(entries)
}

/// A directory named on the command line: its `*.toml` files, classified.
fn walk_any(root: &Path, dir: &Path, entries: &mut Vec<Entry>) -> Result<(), RepoError> {
    let mut found = Vec::new();
    walk_dir(root, dir, true, &mut found)?;
    // walk_dir drops `*.toml` files outside the collections; a directory
    // named explicitly should say so for each of them instead.
    for entry in found {
        entries.push(entry);
    }
    let read = std::fs::read_dir(dir).map_err(|source| RepoError::Io {
        path: dir.to_owned(),
        source,
    })?;
    for item in read.flatten() {
        let path = item.path();
        let is_plain_toml_file = item.file_type().is_ok_and(|t| t.is_file())
            && path.extension().is_some_and(|ext| ext == "toml");
        if is_plain_toml_file {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            if Collection::of(relative).is_none() {
                entries.push(Entry {
                    display: display_relative(root, &path),
                    path: path.clone(),
                    kind: EntryKind::NotARecord,
                });
            }
        }
    }
    Ok(())
}

/// The canonical form of `path` if it lies inside `canonical_root`. The last
/// component is not resolved, so a link is judged by where it stands.
fn resolve_inside(canonical_root: &Path, path: &Path) -> Option<PathBuf> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    let name = path.file_name();
    let parent = parent.canonicalize().ok()?;
    let resolved = match name {
        Some(name) => parent.join(name),
        // `..` or `/`: resolve the whole path.
        None => path.canonicalize().ok()?,
    };
    resolved.starts_with(canonical_root).then_some(resolved)
}

fn display_relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_by_path() {
        assert_eq!(
            Collection::of(Path::new("stories/2025/a.toml")),
            Some(Collection::Story)
        );
        assert_eq!(
            Collection::of(Path::new("stories/a.toml")),
            Some(Collection::Story)
        );
        assert_eq!(
            Collection::of(Path::new("topics/a.toml")),
            Some(Collection::Topic)
        );
        assert_eq!(Collection::of(Path::new("topics/x/a.toml")), None);
        assert_eq!(Collection::of(Path::new("lede.toml")), None);
        assert_eq!(Collection::of(Path::new("stories/a.json")), None);
    }
}
