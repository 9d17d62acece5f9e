//! git's split index, brought up to date in place for the few paths a lede
//! commit changed.
//!
//! With `core.splitIndex` (which `lede setup` turns on for large archives)
//! git keeps its index in two files: a large shared index, written rarely,
//! and the small `.git/index`, which lists only the entries that differ
//! from it (replacements and additions, and a bitmap of deletions). To
//! record one changed file, only the small file has to change. `git
//! update-index` nevertheless reads the whole shared index into memory and
//! walks every entry three times before it writes the small file: at
//! 100,000 stories about 20 ms of CPU and 36 MB, more than the rest of a
//! publish. This module reads the shared index only to find the changed
//! paths in it and writes the small file itself, in the format git's own
//! `Documentation/gitformat-index.txt` describes.
//!
//! It does what `git update-index -- PATH...` does for plain files in a
//! plain split index, and nothing else: whenever the index holds anything
//! it does not fully understand (index version 4, a conflict, sparse or
//! skip-worktree entries, a required extension it does not know, a racily
//! clean entry in the shared index, a configuration that changes what git
//! would write), it declines, takes nothing, and the caller runs git. Before
//! the new file replaces the old one it is parsed again and checked against
//! what was meant. Optional extensions other than the cache tree and the
//! resolve-undo records are dropped, which git allows and rebuilds (the
//! untracked cache, the fsmonitor state); the cache tree is kept, with the
//! changed paths' directories invalidated as git invalidates them.
//!
//! The locking is git's: `index.lock` is created exclusively before the
//! index is read and renamed over it when the new one is written, so git
//! and this writer never overwrite each other's index.

use std::io::Write;
use std::path::Path;

const HASH_BYTES: usize = 20;
/// The fixed part of an on-disk entry (before the name) in versions 2 and 3.
const ENTRY_HEADER: usize = 62;
const NAME_MASK: u16 = 0x0fff;
const EXTENDED_FLAG: u16 = 0x4000;
const STAGE_MASK: u16 = 0x3000;
const GITLINK_MODE: u32 = 0o160000;
const SYMLINK_MODE: u32 = 0o120000;
/// git's default for `splitIndex.maxPercentChange`.
const DEFAULT_MAX_PERCENT_CHANGE: i64 = 20;

/// What `update` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Written,
    /// Nothing was touched; the reason is for people (and tests).
    Declined(String),
}

/// The parts of git's configuration that decide whether this writer may
/// stand in for git.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// `splitIndex.maxPercentChange`.
    pub max_percent_change: Option<i64>,
    /// A setting under which git would write something else, named: then
    /// git writes the index.
    pub leave_to_git: Option<String>,
}

/// Brings the index entries of `paths` (relative to `workdir`, separated by
/// `/`) in line with the files as they are now, as `git update-index --add
/// --remove -- PATH...` would, when `git_dir`'s index is a split index this
/// writer understands. A path that no longer exists leaves the index.
/// `has_object` says whether the object database holds a blob: the blobs
/// must already be there (lede writes them before it commits).
pub fn update(
    git_dir: &Path,
    workdir: &Path,
    paths: &[&str],
    settings: &Settings,
    has_object: &dyn Fn(&[u8; HASH_BYTES]) -> bool,
) -> std::io::Result<Outcome> {
    match try_update(git_dir, workdir, paths, settings, has_object) {
        Ok(()) => Ok(Outcome::Written),
        Err(Stop::Decline(reason)) => Ok(Outcome::Declined(reason)),
        Err(Stop::Io(error)) => Err(error),
    }
}

/// Why an update stopped: something to leave to git, or an I/O error.
#[derive(Debug)]
enum Stop {
    Decline(String),
    Io(std::io::Error),
}

impl From<std::io::Error> for Stop {
    fn from(error: std::io::Error) -> Stop {
        Stop::Io(error)
    }
}

fn decline<T>(reason: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Decline(reason.into()))
}

/// `index.lock`, removed again unless it became the index.
struct IndexLock {
    path: std::path::PathBuf,
    file: Option<std::fs::File>,
}

impl IndexLock {
    fn take(git_dir: &Path) -> Result<IndexLock, Stop> {
        let path = git_dir.join("index.lock");
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => Ok(IndexLock {
                path,
                file: Some(file),
            }),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
                decline("another process holds index.lock")
            }
            Err(error) => Err(error.into()),
        }
    }

    fn commit(mut self, bytes: &[u8], index: &Path) -> std::io::Result<()> {
        let Some(mut file) = self.file.take() else {
            return Err(std::io::Error::other("index.lock was closed"));
        };
        let written = file.write_all(bytes).and_then(|()| {
            drop(file);
            std::fs::rename(&self.path, index)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(&self.path);
        }
        written
    }
}

impl Drop for IndexLock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn try_update(
    git_dir: &Path,
    workdir: &Path,
    paths: &[&str],
    settings: &Settings,
    has_object: &dyn Fn(&[u8; HASH_BYTES]) -> bool,
) -> Result<(), Stop> {
    if !cfg!(unix) {
        return decline("stat data is read the Unix way only");
    }
    if std::env::var_os("GIT_INDEX_FILE").is_some() {
        return decline("GIT_INDEX_FILE names another index");
    }
    if let Some(reason) = &settings.leave_to_git {
        return decline(reason.clone());
    }
    let index_path = git_dir.join("index");
    let lock = IndexLock::take(git_dir)?;
    let (bytes, index_mtime) = match std::fs::read(&index_path) {
        Ok(bytes) => {
            let mtime = std::fs::metadata(&index_path)?.modified()?;
            (bytes, mtime)
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return decline("there is no index");
        }
        Err(error) => return Err(error.into()),
    };
    // git compares whole seconds (it is built without USE_NSEC).
    let index_seconds = index_mtime
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as u32);
    let mut split = SplitFile::parse(&bytes)?;
    let Some(link) = split.link.take() else {
        return decline("the index is not split");
    };
    let shared_path = git_dir.join(format!("sharedindex.{}", hex(&link.shared)));
    let shared_file = match std::fs::File::open(&shared_path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return decline("the shared index is missing");
        }
        Err(error) => return Err(error.into()),
    };
    // Mapped, not read: at 100,000 entries the shared index is 14 MB, and
    // copying it out of the page cache cost more than looking through it.
    // SAFETY: git writes a shared index once, to a temporary file it then
    // renames, and never changes it in place; a file deleted while mapped
    // stays readable.
    let shared_bytes = unsafe { memmap2::Mmap::map(&shared_file)? };
    let mut paths: Vec<&str> = paths.to_vec();
    paths.sort_unstable();
    paths.dedup();
    for path in &paths {
        if path.is_empty()
            || path.starts_with('/')
            || path.ends_with('/')
            || path
                .split('/')
                .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return decline(format!("{path:?} is not a path git would record"));
        }
    }
    let shared = scan_shared(&shared_bytes, &link, &paths, index_seconds)?;

    let mut added = std::mem::take(&mut split.entries);
    if added.len() < link.replace.len() {
        return decline("the replace bitmap names more entries than the index has");
    }
    let mut replacements: Vec<Entry> = added.drain(..link.replace.len()).collect();
    if replacements.iter().any(|entry| !entry.name.is_empty())
        || added.iter().any(|entry| entry.name.is_empty())
        || !added.windows(2).all(|pair| pair[0].name < pair[1].name)
    {
        return decline("the entries of the index are not in the order git writes");
    }
    let mut replace = link.replace.clone();
    let mut delete = link.delete.clone();
    if replace
        .iter()
        .any(|position| delete.binary_search(position).is_ok())
    {
        return decline("an entry is both replaced and deleted");
    }

    let mut tree = split.tree.take();
    let mut intended = std::collections::HashMap::new();
    for path in &paths {
        let found = &shared.found[*path];
        let in_added = added
            .binary_search_by(|entry| entry.name.as_slice().cmp(path.as_bytes()))
            .ok();
        let in_shared = found.position.filter(|p| delete.binary_search(p).is_err());
        if in_added.is_some() && in_shared.is_some() {
            return decline(format!("{path} is both in the shared index and added"));
        }
        let entry = current_entry(workdir, path, has_object)?;
        if entry.is_some() && in_added.is_none() && in_shared.is_none() {
            let conflicts_here = added.iter().any(|e| {
                is_directory_of(&e.name, path.as_bytes())
                    || is_directory_of(path.as_bytes(), &e.name)
            });
            if found.conflicts || conflicts_here {
                return decline(format!("{path} would replace a directory or a file"));
            }
        }
        match (&entry, in_added, in_shared) {
            (Some(entry), Some(i), _) => added[i] = entry.clone(),
            (Some(entry), None, Some(position)) => match replace.binary_search(&position) {
                Ok(rank) => replacements[rank] = entry.without_name(),
                Err(rank) => {
                    replace.insert(rank, position);
                    replacements.insert(rank, entry.without_name());
                }
            },
            (Some(entry), None, None) => {
                let at = added
                    .binary_search_by(|e| e.name.as_slice().cmp(path.as_bytes()))
                    .unwrap_or_else(|at| at);
                added.insert(at, entry.clone());
            }
            (None, Some(i), _) => {
                added.remove(i);
            }
            (None, None, Some(position)) => {
                if let Ok(rank) = replace.binary_search(&position) {
                    replace.remove(rank);
                    replacements.remove(rank);
                }
                let at = delete.binary_search(&position).unwrap_or_else(|at| at);
                delete.insert(at, position);
            }
            (None, None, None) => {}
        }
        if let Some(tree) = tree.as_mut() {
            tree.invalidate(path.as_bytes());
        }
        intended.insert(path.to_string(), entry);
    }

    // Entries recorded in the second the index was last written may hide
    // a change made in that same second: git checks them whenever it
    // writes the index, and so does this. The changed paths were just read.
    for (position, entry) in replace.iter().zip(replacements.iter_mut()) {
        let Some(name) = shared.replaced_names.get(position) else {
            continue; // one of the changed paths, replaced just now
        };
        if !intended.contains_key(String::from_utf8_lossy(name).as_ref()) {
            smudge_if_racily_clean(entry, name, workdir, index_seconds)?;
        }
    }
    for entry in added.iter_mut() {
        let name = entry.name.clone();
        if !intended.contains_key(String::from_utf8_lossy(&name).as_ref()) {
            smudge_if_racily_clean(entry, &name, workdir, index_seconds)?;
        }
    }

    let total = i64::from(shared.count) - delete.len() as i64 + added.len() as i64;
    let max_percent = settings
        .max_percent_change
        .filter(|p| (0..=100).contains(p))
        .unwrap_or(DEFAULT_MAX_PERCENT_CHANGE);
    if max_percent == 0 || (max_percent < 100 && total * max_percent < added.len() as i64 * 100) {
        return decline("git would write a new shared index now");
    }

    let out = SplitFile {
        version: split.version,
        entries: replacements.into_iter().chain(added).collect(),
        link: Some(Link {
            shared: link.shared,
            delete,
            replace,
        }),
        tree,
        resolve_undo: split.resolve_undo.take(),
    }
    .render();
    check_written(&out, &shared, &intended)?;
    lock.commit(&out, &index_path)?;
    // git touches the shared index whenever it uses it, so that its
    // cleanup (`splitIndex.sharedIndexExpire`) keeps it.
    if let Ok(file) = std::fs::File::options().write(true).open(&shared_path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
    Ok(())
}

/// Parses what is about to become the index and checks that it says what
/// was meant: each changed path's entry (stat data and blob) as intended,
/// or none; the bitmaps consistent with the entries and the shared index.
fn check_written(
    bytes: &[u8],
    shared: &SharedScan,
    intended: &std::collections::HashMap<String, Option<Entry>>,
) -> Result<(), Stop> {
    let wrong = |what: &str| Stop::Decline(format!("the index as written would be wrong: {what}"));
    let mut file = SplitFile::parse(bytes)?;
    let link = file.link.take().ok_or_else(|| wrong("no link extension"))?;
    let ascending = |positions: &[u32]| positions.windows(2).all(|w| w[0] < w[1]);
    if !ascending(&link.replace)
        || !ascending(&link.delete)
        || link
            .replace
            .iter()
            .chain(&link.delete)
            .any(|&p| p >= shared.count)
        || link
            .replace
            .iter()
            .any(|p| link.delete.binary_search(p).is_ok())
    {
        return Err(wrong("the bitmaps"));
    }
    if file.entries.len() < link.replace.len() {
        return Err(wrong("the replaced entries"));
    }
    let (replaced, added) = file.entries.split_at(link.replace.len());
    if replaced.iter().any(|e| !e.name.is_empty())
        || added.iter().any(|e| e.name.is_empty())
        || !added.windows(2).all(|w| w[0].name < w[1].name)
    {
        return Err(wrong("the order of the entries"));
    }
    for (path, entry) in intended {
        let position = shared.found[path]
            .position
            .filter(|p| link.delete.binary_search(p).is_err());
        let actual = match added.iter().find(|e| e.name == path.as_bytes()) {
            Some(entry) => Some(&entry.raw),
            None => match position.map(|p| link.replace.binary_search(&p)) {
                Some(Ok(rank)) => Some(&replaced[rank].raw),
                Some(Err(_)) => shared.found[path].raw.as_ref(),
                None => None,
            },
        };
        // Stat data and blob id: everything before the flags and the name.
        if actual.map(|raw| &raw[..60]) != entry.as_ref().map(|e| &e.raw[..60]) {
            return Err(wrong(path));
        }
    }
    Ok(())
}

/// One on-disk index entry, kept as its bytes (padding included).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    raw: Vec<u8>,
    name: Vec<u8>,
}

impl Entry {
    fn read(bytes: &[u8], at: usize) -> Result<(Entry, usize), Stop> {
        let extent = EntryExtent::at(bytes, at)?;
        if extent.flags & EXTENDED_FLAG != 0 {
            return decline("an index entry has extended flags (sparse or intent-to-add)");
        }
        if extent.flags & STAGE_MASK != 0 {
            return decline("the index holds a conflict");
        }
        let raw = &bytes[at..extent.end];
        if bytes[extent.name.end..extent.end].iter().any(|&b| b != 0) {
            return decline("an index entry's name is not where its length says");
        }
        let entry = Entry {
            raw: raw.to_vec(),
            name: bytes[extent.name.clone()].to_vec(),
        };
        Ok((entry, extent.end))
    }

    /// An entry for `name` with this stat data and blob.
    fn new(name: &[u8], stat: &StatData, id: &[u8; HASH_BYTES]) -> Entry {
        let mut raw = Vec::with_capacity(ENTRY_HEADER + name.len() + 8);
        for value in [
            stat.ctime.0,
            stat.ctime.1,
            stat.mtime.0,
            stat.mtime.1,
            stat.dev,
            stat.ino,
            stat.mode,
            stat.uid,
            stat.gid,
            stat.size,
        ] {
            raw.extend_from_slice(&value.to_be_bytes());
        }
        raw.extend_from_slice(id);
        let flags = name.len().min(usize::from(NAME_MASK)) as u16;
        raw.extend_from_slice(&flags.to_be_bytes());
        raw.extend_from_slice(name);
        let size = (ENTRY_HEADER + name.len() + 8) & !7;
        raw.resize(size, 0);
        Entry {
            raw,
            name: name.to_vec(),
        }
    }

    /// The same entry with its name left out, as a replacement of a shared
    /// entry is written.
    fn without_name(&self) -> Entry {
        let mut raw = self.raw[..ENTRY_HEADER].to_vec();
        raw[60..62].copy_from_slice(&0u16.to_be_bytes());
        raw.resize((ENTRY_HEADER + 8) & !7, 0);
        Entry {
            raw,
            name: Vec::new(),
        }
    }

    fn mtime_seconds(&self) -> u32 {
        be32(&self.raw, 8)
    }

    fn mode(&self) -> u32 {
        be32(&self.raw, 24)
    }

    fn id(&self) -> &[u8] {
        &self.raw[40..60]
    }
}

/// Where one on-disk entry (versions 2 and 3) lies in `bytes`, which end
/// where the entries and extensions end (before the checksum).
struct EntryExtent {
    flags: u16,
    name: std::ops::Range<usize>,
    /// Where the next entry begins.
    end: usize,
}

impl EntryExtent {
    fn at(bytes: &[u8], at: usize) -> Result<EntryExtent, Stop> {
        let past_end = || Stop::Decline("an index entry runs past the end".into());
        let header = bytes.get(at..at + ENTRY_HEADER).ok_or_else(past_end)?;
        let flags = be16(header, 60);
        // Extended flags (version 3) take two more bytes before the name.
        let name_start = at + ENTRY_HEADER + if flags & EXTENDED_FLAG != 0 { 2 } else { 0 };
        let declared = usize::from(flags & NAME_MASK);
        let name_len = if declared < usize::from(NAME_MASK) {
            declared
        } else {
            bytes
                .get(name_start..)
                .and_then(|rest| rest.iter().position(|&b| b == 0))
                .ok_or_else(|| Stop::Decline("an index entry's name has no end".into()))?
        };
        let end = at + ((name_start - at + name_len + 8) & !7);
        if end > bytes.len() {
            return Err(past_end());
        }
        Ok(EntryExtent {
            flags,
            name: name_start..name_start + name_len,
            end,
        })
    }
}

/// An index file's header: its version (2 or 3), its number of entries,
/// and where its checksum begins.
fn index_header(bytes: &[u8], what: &str) -> Result<(u32, u32, usize), Stop> {
    if bytes.len() < 12 + HASH_BYTES || &bytes[..4] != b"DIRC" {
        return decline(format!("{what} does not start as an index does"));
    }
    let version = be32(bytes, 4);
    if version != 2 && version != 3 {
        return decline(format!("{what} is version {version}"));
    }
    Ok((version, be32(bytes, 8), bytes.len() - HASH_BYTES))
}

/// The stat fields git records, as git truncates them (to 32 bits).
struct StatData {
    ctime: (u32, u32),
    mtime: (u32, u32),
    dev: u32,
    ino: u32,
    mode: u32,
    uid: u32,
    gid: u32,
    size: u32,
}

#[cfg(unix)]
fn stat_data(metadata: &std::fs::Metadata) -> Option<StatData> {
    use std::os::unix::fs::MetadataExt;
    let file_type = metadata.file_type();
    let mode = if file_type.is_symlink() {
        SYMLINK_MODE
    } else if file_type.is_file() {
        if metadata.mode() & 0o100 != 0 {
            0o100755
        } else {
            0o100644
        }
    } else {
        return None;
    };
    Some(StatData {
        ctime: (metadata.ctime() as u32, metadata.ctime_nsec() as u32),
        mtime: (metadata.mtime() as u32, metadata.mtime_nsec() as u32),
        dev: metadata.dev() as u32,
        ino: metadata.ino() as u32,
        mode,
        uid: metadata.uid(),
        gid: metadata.gid(),
        size: metadata.size() as u32,
    })
}

#[cfg(not(unix))]
fn stat_data(_: &std::fs::Metadata) -> Option<StatData> {
    None
}

/// The index entry `path` gets from the file as it is now (`None`: the
/// file is gone), as `git update-index` would make it.
fn current_entry(
    workdir: &Path,
    path: &str,
    has_object: &dyn Fn(&[u8; HASH_BYTES]) -> bool,
) -> Result<Option<Entry>, Stop> {
    let on_disk = workdir.join(path);
    let before = match std::fs::symlink_metadata(&on_disk) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let Some(stat) = stat_data(&before) else {
        return decline(format!("{path} is not a file"));
    };
    let content = read_content(&on_disk, stat.mode)?;
    let after = std::fs::symlink_metadata(&on_disk)?;
    if stat_data(&after).is_none_or(|again| {
        (again.mtime, again.ctime, again.size, again.ino)
            != (stat.mtime, stat.ctime, stat.size, stat.ino)
    }) {
        return decline(format!("{path} changed while it was read"));
    }
    let id = blob_id(&content);
    if !has_object(&id) {
        return decline(format!("the blob of {path} is not stored yet"));
    }
    Ok(Some(Entry::new(path.as_bytes(), &stat, &id)))
}

/// What git hashes for a file: its bytes, or a symbolic link's target.
fn read_content(path: &Path, mode: u32) -> std::io::Result<Vec<u8>> {
    if mode == SYMLINK_MODE {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            return Ok(std::fs::read_link(path)?.as_os_str().as_bytes().to_vec());
        }
    }
    std::fs::read(path)
}

/// git's `ce_smudge_racily_clean_entry`: an entry recorded in the second
/// the index was last written whose file now holds something else, though
/// its stat data may still match, gets size 0, so that git looks at the
/// file again instead of trusting the stat data once the index is newer.
fn smudge_if_racily_clean(
    entry: &mut Entry,
    name: &[u8],
    workdir: &Path,
    index_seconds: u32,
) -> Result<(), Stop> {
    if index_seconds == 0 || entry.mtime_seconds() < index_seconds || entry.mode() == GITLINK_MODE {
        return Ok(());
    }
    let Ok(name) = std::str::from_utf8(name) else {
        return decline("a racily clean entry's name is not UTF-8");
    };
    let on_disk = workdir.join(name);
    let Ok(content) = read_content(&on_disk, entry.mode()) else {
        // Gone or unreadable: git leaves such an entry as it is.
        return Ok(());
    };
    if blob_id(&content).as_slice() != entry.id() {
        entry.raw[36..40].copy_from_slice(&0u32.to_be_bytes());
    }
    Ok(())
}

/// git's id of a blob holding `content`.
fn blob_id(content: &[u8]) -> [u8; HASH_BYTES] {
    let mut hasher = sha1_smol::Sha1::new();
    hasher.update(format!("blob {}\0", content.len()).as_bytes());
    hasher.update(content);
    hasher.digest().bytes()
}

fn sha1(bytes: &[u8]) -> [u8; HASH_BYTES] {
    sha1_smol::Sha1::from(bytes).digest().bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn be16(bytes: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([bytes[at], bytes[at + 1]])
}

fn be32(bytes: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

fn be64(bytes: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(bytes[at..at + 8].try_into().expect("eight bytes"))
}

/// The `link` extension: which shared index, and which of its entries are
/// deleted or replaced (positions, ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    shared: [u8; HASH_BYTES],
    delete: Vec<u32>,
    replace: Vec<u32>,
}

/// The small file of a split index (`.git/index`), or a whole index.
#[derive(Debug)]
struct SplitFile {
    version: u32,
    entries: Vec<Entry>,
    link: Option<Link>,
    tree: Option<CacheTree>,
    resolve_undo: Option<Vec<u8>>,
}

impl SplitFile {
    fn parse(bytes: &[u8]) -> Result<SplitFile, Stop> {
        let (version, count, body) = index_header(bytes, "the index")?;
        let trailer = &bytes[body..];
        if trailer.iter().all(|&b| b == 0) {
            return decline("the index was written without its checksum (index.skipHash)");
        }
        if sha1(&bytes[..body]).as_slice() != trailer {
            return decline("the index's checksum does not match");
        }
        let count = count as usize;
        let mut entries = Vec::with_capacity(count.min(1 << 16));
        let mut at = 12;
        for _ in 0..count {
            let (entry, next) = Entry::read(&bytes[..body], at)?;
            entries.push(entry);
            at = next;
        }
        let mut file = SplitFile {
            version,
            entries,
            link: None,
            tree: None,
            resolve_undo: None,
        };
        while at < body {
            if at + 8 > body {
                return decline("an index extension runs past the end");
            }
            let signature: [u8; 4] = bytes[at..at + 4].try_into().expect("four bytes");
            let size = be32(bytes, at + 4) as usize;
            let data = bytes
                .get(at + 8..at + 8 + size)
                .filter(|_| at + 8 + size <= body)
                .ok_or_else(|| Stop::Decline("an index extension runs past the end".into()))?;
            match &signature {
                b"link" => file.link = Some(parse_link(data)?),
                b"TREE" => file.tree = Some(CacheTree::parse(data)?),
                b"REUC" => file.resolve_undo = Some(data.to_vec()),
                // Optional: git does without them and makes them again.
                [b'A'..=b'Z', ..] => {}
                other => {
                    return decline(format!(
                        "the index has the extension {:?}",
                        String::from_utf8_lossy(other)
                    ));
                }
            }
            at += 8 + size;
        }
        Ok(file)
    }

    fn render(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(b"DIRC");
        out.extend_from_slice(&self.version.to_be_bytes());
        out.extend_from_slice(&(self.entries.len() as u32).to_be_bytes());
        for entry in &self.entries {
            out.extend_from_slice(&entry.raw);
        }
        let mut extension = |signature: &[u8; 4], data: &[u8]| {
            out.extend_from_slice(signature);
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            out.extend_from_slice(data);
        };
        if let Some(link) = &self.link {
            let mut data = link.shared.to_vec();
            write_ewah(&mut data, &link.delete);
            write_ewah(&mut data, &link.replace);
            extension(b"link", &data);
        }
        if let Some(tree) = &self.tree {
            let mut data = Vec::new();
            tree.render(&mut data);
            extension(b"TREE", &data);
        }
        if let Some(data) = &self.resolve_undo {
            extension(b"REUC", data);
        }
        let checksum = sha1(&out);
        out.extend_from_slice(&checksum);
        out
    }
}

fn parse_link(data: &[u8]) -> Result<Link, Stop> {
    let shared: [u8; HASH_BYTES] = data
        .get(..HASH_BYTES)
        .and_then(|h| h.try_into().ok())
        .ok_or_else(|| Stop::Decline("the link extension is too short".into()))?;
    let mut rest = &data[HASH_BYTES..];
    let (delete, replace) = if rest.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let delete = read_ewah(&mut rest)?;
        let replace = read_ewah(&mut rest)?;
        if !rest.is_empty() {
            return decline("the link extension has bytes after its bitmaps");
        }
        (delete, replace)
    };
    Ok(Link {
        shared,
        delete,
        replace,
    })
}

/// Bits of an EWAH run-length word: the running bit (bit 0), the number of
/// clean words (the next 32 bits) and of literal words after them (the
/// top 31).
const RUN_LENGTH_BITS: u32 = 32;
const MAX_RUN: u64 = (1 << RUN_LENGTH_BITS) - 1;
const MAX_LITERALS: u64 = (1 << 31) - 1;

/// Reads one EWAH-compressed bitmap as git serializes it (a bit count, a
/// word count, the 64-bit words, the position of the last run-length
/// word; all big-endian) and returns the positions of its set bits.
fn read_ewah(data: &mut &[u8]) -> Result<Vec<u32>, Stop> {
    let bad = || Stop::Decline("a bitmap in the link extension is damaged".into());
    if data.len() < 8 {
        return Err(bad());
    }
    let bit_count = be32(data, 0) as u64;
    let words = be32(data, 4) as usize;
    let end = 8 + words * 8 + 4;
    if data.len() < end {
        return Err(bad());
    }
    let last_run_word = be32(data, 8 + words * 8) as usize;
    if words > 0 && last_run_word >= words {
        return Err(bad());
    }
    let mut positions = Vec::new();
    let mut word_at = 0usize;
    let mut bit_base = 0u64;
    while word_at < words {
        let marker = be64(data, 8 + word_at * 8);
        let running = marker & 1 == 1;
        let run = (marker >> 1) & MAX_RUN;
        let literals = (marker >> (1 + RUN_LENGTH_BITS)) as usize;
        if running {
            for bit in bit_base..(bit_base + run * 64).min(bit_count) {
                positions.push(u32::try_from(bit).map_err(|_| bad())?);
            }
        }
        bit_base += run * 64;
        if word_at + 1 + literals > words {
            return Err(bad());
        }
        for literal in 0..literals {
            let word = be64(data, 8 + (word_at + 1 + literal) * 8);
            for bit in 0..64 {
                if word & (1 << bit) != 0 && bit_base + bit < bit_count {
                    positions.push(u32::try_from(bit_base + bit).map_err(|_| bad())?);
                }
            }
            bit_base += 64;
        }
        word_at += 1 + literals;
    }
    *data = &data[end..];
    Ok(positions)
}

/// Writes the positions (ascending) as an EWAH bitmap that git reads: runs
/// of empty words, then the words with bits set, as literals.
fn write_ewah(out: &mut Vec<u8>, positions: &[u32]) {
    let bit_count = positions.last().map_or(0, |&last| u64::from(last) + 1);
    let mut buffer: Vec<u64> = vec![0];
    let mut marker = 0usize;
    let mut literal_words = 0u64;
    let mut run = 0u64;
    let mut next_word = 0u64;
    let mut positions = positions.iter().peekable();
    while let Some(&&first) = positions.peek() {
        let word_index = u64::from(first) / 64;
        let mut word = 0u64;
        while let Some(&&position) = positions.peek() {
            if u64::from(position) / 64 != word_index {
                break;
            }
            word |= 1 << (position % 64);
            positions.next();
        }
        let mut gap = word_index - next_word;
        while gap > 0 {
            if literal_words > 0 || run == MAX_RUN {
                buffer[marker] = (literal_words << (1 + RUN_LENGTH_BITS)) | (run << 1);
                buffer.push(0);
                marker = buffer.len() - 1;
                literal_words = 0;
                run = 0;
            }
            let take = gap.min(MAX_RUN - run);
            run += take;
            gap -= take;
        }
        if literal_words == MAX_LITERALS {
            buffer[marker] = (literal_words << (1 + RUN_LENGTH_BITS)) | (run << 1);
            buffer.push(0);
            marker = buffer.len() - 1;
            literal_words = 0;
            run = 0;
        }
        buffer.push(word);
        literal_words += 1;
        next_word = word_index + 1;
    }
    buffer[marker] = (literal_words << (1 + RUN_LENGTH_BITS)) | (run << 1);
    out.extend_from_slice(&(bit_count as u32).to_be_bytes());
    out.extend_from_slice(&(buffer.len() as u32).to_be_bytes());
    for word in &buffer {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.extend_from_slice(&(marker as u32).to_be_bytes());
}

/// The cache tree (`TREE` extension): for each directory, how many index
/// entries it covers and its tree id, or -1 when it is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CacheTree {
    name: Vec<u8>,
    entry_count: i64,
    id: Option<[u8; HASH_BYTES]>,
    children: Vec<CacheTree>,
}

impl CacheTree {
    fn parse(data: &[u8]) -> Result<CacheTree, Stop> {
        let mut rest = data;
        let tree = CacheTree::parse_node(&mut rest)?;
        if !rest.is_empty() {
            return decline("the cache tree has bytes after its end");
        }
        Ok(tree)
    }

    fn parse_node(data: &mut &[u8]) -> Result<CacheTree, Stop> {
        let bad = || Stop::Decline("the cache tree is damaged".into());
        let name_end = data.iter().position(|&b| b == 0).ok_or_else(bad)?;
        let name = data[..name_end].to_vec();
        let line_end = name_end
            + 1
            + data[name_end + 1..]
                .iter()
                .position(|&b| b == b'\n')
                .ok_or_else(bad)?;
        let line = std::str::from_utf8(&data[name_end + 1..line_end]).map_err(|_| bad())?;
        let (count, subtrees) = line.split_once(' ').ok_or_else(bad)?;
        let entry_count: i64 = count.parse().map_err(|_| bad())?;
        let subtrees: usize = subtrees.parse().map_err(|_| bad())?;
        *data = &data[line_end + 1..];
        let id = if entry_count >= 0 {
            let id: [u8; HASH_BYTES] = data
                .get(..HASH_BYTES)
                .and_then(|h| h.try_into().ok())
                .ok_or_else(bad)?;
            *data = &data[HASH_BYTES..];
            Some(id)
        } else {
            None
        };
        let mut children = Vec::with_capacity(subtrees.min(1 << 12));
        for _ in 0..subtrees {
            children.push(CacheTree::parse_node(data)?);
        }
        Ok(CacheTree {
            name,
            entry_count,
            id,
            children,
        })
    }

    /// Marks every directory on the way to `path` unknown, as git's
    /// `cache_tree_invalidate_path` does.
    fn invalidate(&mut self, path: &[u8]) {
        self.entry_count = -1;
        self.id = None;
        if let Some(slash) = path.iter().position(|&b| b == b'/') {
            let (directory, rest) = (&path[..slash], &path[slash + 1..]);
            if let Some(child) = self.children.iter_mut().find(|c| c.name == directory) {
                child.invalidate(rest);
            }
        } else {
            // A directory of the file's name no longer is one.
            self.children.retain(|child| child.name != path);
        }
    }

    fn render(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name);
        out.push(0);
        out.extend_from_slice(format!("{} {}\n", self.entry_count, self.children.len()).as_bytes());
        if let (true, Some(id)) = (self.entry_count >= 0, &self.id) {
            out.extend_from_slice(id);
        }
        for child in &self.children {
            child.render(out);
        }
    }
}

/// What the shared index says about the changed paths.
#[derive(Debug)]
struct SharedScan {
    count: u32,
    found: std::collections::HashMap<String, Found>,
    /// The names of the replaced entries (a replacement carries none).
    replaced_names: std::collections::HashMap<u32, Vec<u8>>,
}

#[derive(Debug, Default)]
struct Found {
    /// Its position in the shared index (deleted or not).
    position: Option<u32>,
    /// Its bytes there.
    raw: Option<Vec<u8>>,
    /// A live entry is one of its directories, or lies inside it.
    conflicts: bool,
}

/// Reads through the shared index once: where the changed paths are, the
/// names of the replaced entries, and whether any live entry there is
/// racily clean (which only git's own write can settle).
fn scan_shared(
    bytes: &[u8],
    link: &Link,
    paths: &[&str],
    index_seconds: u32,
) -> Result<SharedScan, Stop> {
    let (version, count, body) = index_header(bytes, "the shared index")?;
    if bytes[body..] != link.shared[..] {
        return decline("the shared index is not the one the index names");
    }
    let entries = &bytes[..body];
    let mut wanted: Vec<(&str, Found)> = paths.iter().map(|p| (*p, Found::default())).collect();
    let mut replaced_names = std::collections::HashMap::new();
    let mut replaced = link.replace.iter().peekable();
    let mut deleted = link.delete.iter().peekable();
    let mut at = 12;
    for position in 0..count {
        let extent = EntryExtent::at(entries, at)?;
        let flags = extent.flags;
        let extended = flags & EXTENDED_FLAG != 0;
        if extended && version < 3 {
            return decline("a shared index entry has extended flags in version 2");
        }
        let name = &entries[extent.name.clone()];
        let is_deleted = deleted.next_if(|&&p| p == position).is_some();
        let is_replaced = replaced.next_if(|&&p| p == position).is_some();
        if is_replaced {
            replaced_names.insert(position, name.to_vec());
        }
        if !is_deleted && !is_replaced {
            let mtime_seconds = be32(entries, at + 8);
            let mode = be32(entries, at + 24);
            if index_seconds != 0 && mtime_seconds >= index_seconds && mode != GITLINK_MODE {
                return decline("an entry of the shared index is racily clean");
            }
        }
        for (path, entry) in &mut wanted {
            let path = path.as_bytes();
            if name == path {
                if flags & STAGE_MASK != 0 {
                    return decline("the index holds a conflict");
                }
                if extended {
                    return decline("a changed path has extended flags (sparse or intent-to-add)");
                }
                entry.position = Some(position);
                entry.raw = Some(entries[at..extent.end].to_vec());
            } else if !is_deleted && (is_directory_of(name, path) || is_directory_of(path, name)) {
                entry.conflicts = true;
            }
        }
        at = extent.end;
    }
    if replaced.next().is_some() || deleted.next().is_some() {
        return decline("the link extension names entries the shared index does not have");
    }
    let found = wanted
        .into_iter()
        .map(|(path, found)| (path.to_owned(), found))
        .collect();
    Ok(SharedScan {
        count,
        found,
        replaced_names,
    })
}

/// Whether `directory` is one of the directories `path` lies in.
fn is_directory_of(directory: &[u8], path: &[u8]) -> bool {
    // The length and the slash first: this runs for every entry of the
    // shared index, and they rule out almost all.
    path.len() > directory.len() && path[directory.len()] == b'/' && path.starts_with(directory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::path::PathBuf;
    use std::process::Command;
    use std::time::{Duration, SystemTime};

    #[test]
    fn ewah_bitmaps_read_back_what_was_written() {
        let cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![0],
            vec![63],
            vec![64],
            vec![1, 2, 3, 200, 201, 5_000, 94_898],
            (0..300).collect(),
            (0..64).map(|n| n * 64).collect(),
            vec![u32::from(u16::MAX) * 40],
        ];
        for positions in cases {
            let mut bytes = Vec::new();
            write_ewah(&mut bytes, &positions);
            bytes.extend_from_slice(b"after");
            let mut rest = bytes.as_slice();
            assert_eq!(read_ewah(&mut rest).unwrap(), positions);
            assert_eq!(rest, b"after");
        }
    }

    #[test]
    fn ewah_runs_of_ones_are_read() {
        // git turns a word of 64 set bits into a run of ones; a run-length
        // word with the running bit set, a run of 2 and one literal.
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&(64u32 * 3).to_be_bytes());
        bytes.extend_from_slice(&2u32.to_be_bytes());
        bytes.extend_from_slice(&(1u64 | (2 << 1) | (1 << 33)).to_be_bytes());
        bytes.extend_from_slice(&0b101u64.to_be_bytes());
        bytes.extend_from_slice(&0u32.to_be_bytes());
        let mut rest = bytes.as_slice();
        let mut expected: Vec<u32> = (0..128).collect();
        expected.extend([128, 130]);
        assert_eq!(read_ewah(&mut rest).unwrap(), expected);
    }

    #[test]
    fn damaged_bitmaps_are_refused() {
        let mut bytes = Vec::new();
        write_ewah(&mut bytes, &[1, 2, 3]);
        for cut in [0, 4, 9, bytes.len() - 1] {
            let mut rest = &bytes[..cut];
            assert!(read_ewah(&mut rest).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn cache_trees_are_invalidated_along_the_path() {
        let id = [7u8; HASH_BYTES];
        let leaf = |name: &str| CacheTree {
            name: name.into(),
            entry_count: 2,
            id: Some(id),
            children: vec![],
        };
        let tree = CacheTree {
            name: vec![],
            entry_count: 5,
            id: Some(id),
            children: vec![
                CacheTree {
                    name: b"stories".to_vec(),
                    entry_count: 4,
                    id: Some(id),
                    children: vec![leaf("2024"), leaf("2025")],
                },
                leaf("topics"),
            ],
        };
        let mut bytes = Vec::new();
        tree.render(&mut bytes);
        let mut parsed = CacheTree::parse(&bytes).unwrap();
        assert_eq!(parsed, tree);
        parsed.invalidate(b"stories/2025/a.toml");
        assert_eq!(parsed.entry_count, -1);
        assert_eq!(parsed.children[0].entry_count, -1);
        assert_eq!(parsed.children[0].children[0], leaf("2024"));
        assert_eq!(parsed.children[0].children[1].entry_count, -1);
        assert_eq!(parsed.children[0].children[1].id, None);
        assert_eq!(parsed.children[1], leaf("topics"));
        let mut again = Vec::new();
        parsed.render(&mut again);
        assert_eq!(CacheTree::parse(&again).unwrap(), parsed);
    }

    /// A repository with a split index, built by git, whose files and
    /// index entries are an hour old (so that nothing is racily clean).
    struct Repo {
        _dir: tempfile::TempDir,
        root: PathBuf,
        stored: std::cell::RefCell<HashSet<[u8; HASH_BYTES]>>,
    }

    fn git_available() -> bool {
        Command::new("git").arg("--version").output().is_ok()
    }

    impl Repo {
        /// `count` stories in three year directories.
        fn with_stories(count: usize) -> Repo {
            let dir = tempfile::tempdir().unwrap();
            let root = dir.path().to_owned();
            let repo = Repo {
                _dir: dir,
                root,
                stored: Default::default(),
            };
            repo.git(&["init", "-q", "-b", "main"]);
            for n in 0..count {
                let path = format!("stories/{}/story-{n:03}.toml", 2020 + n % 3);
                repo.write_old(&path, &format!("slug = \"story-{n:03}\"\n"));
            }
            repo.git(&["add", "-A"]);
            repo.git(&["commit", "-q", "-m", "Import"]);
            repo.git(&["config", "core.splitIndex", "true"]);
            repo.git(&["update-index", "--split-index"]);
            repo.git(&["write-tree"]);
            repo.age_index();
            repo
        }

        fn git(&self, args: &[&str]) -> String {
            let output = self.git_output(args);
            assert!(output.status.success(), "git {args:?}: {output:?}");
            String::from_utf8(output.stdout).unwrap()
        }

        fn git_with_input(&self, args: &[&str], input: &str) {
            let mut child = self
                .git_command(args)
                .stdin(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(input.as_bytes()).unwrap();
            drop(stdin);
            assert!(child.wait().unwrap().success(), "git {args:?}");
        }

        fn git_output(&self, args: &[&str]) -> std::process::Output {
            self.git_command(args).output().unwrap()
        }

        fn git_command(&self, args: &[&str]) -> Command {
            let mut command = Command::new("git");
            command
                .args(args)
                .current_dir(&self.root)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_AUTHOR_NAME", "Test")
                .env("GIT_AUTHOR_EMAIL", "test@example.org")
                .env("GIT_COMMITTER_NAME", "Test")
                .env("GIT_COMMITTER_EMAIL", "test@example.org")
                .env_remove("GIT_INDEX_FILE");
            command
        }

        /// Writes a file, stores its blob (as lede does before it
        /// commits), and dates it an hour back.
        fn write_old(&self, path: &str, text: &str) {
            self.write(path, text);
            self.set_mtime(path, SystemTime::now() - Duration::from_secs(3600));
        }

        fn set_mtime(&self, path: &str, time: SystemTime) {
            std::fs::File::options()
                .write(true)
                .open(self.root.join(path))
                .unwrap()
                .set_modified(time)
                .unwrap();
        }

        fn write(&self, path: &str, text: &str) {
            let on_disk = self.root.join(path);
            std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
            std::fs::write(&on_disk, text).unwrap();
            let id = self.git(&["hash-object", "-w", "--", path]);
            let id: Vec<u8> = (0..HASH_BYTES)
                .map(|i| u8::from_str_radix(&id.trim()[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            self.stored.borrow_mut().insert(id.try_into().unwrap());
        }

        /// The index dated a minute back, as if written a while ago.
        fn age_index(&self) {
            self.set_mtime(".git/index", SystemTime::now() - Duration::from_secs(60));
        }

        fn update(&self, paths: &[&str]) -> Outcome {
            self.update_with(paths, &Settings::default())
        }

        fn update_with(&self, paths: &[&str], settings: &Settings) -> Outcome {
            let stored = self.stored.borrow();
            update(
                &self.root.join(".git"),
                &self.root,
                paths,
                settings,
                &|id| stored.contains(id),
            )
            .unwrap()
        }

        /// What git says of the index: every entry, whether their stat
        /// data match the files, and the tree it would write. `git status`
        /// is not asked: it refreshes stat data and writes the index, which
        /// would hide wrong stat data from `git diff-files`.
        fn view(&self) -> View {
            View {
                listed: self.git(&["ls-files", "-s"]),
                stat_clean: self.git_output(&["diff-files", "--quiet"]).status.success(),
                tree: self.git(&["write-tree"]),
            }
        }
    }

    struct View {
        listed: String,
        stat_clean: bool,
        tree: String,
    }

    /// Twin repositories, one updated in place and one by `git
    /// update-index`, must end with the same index.
    fn twins(edits: &dyn Fn(&Repo), paths: &[&str]) {
        let ours = Repo::with_stories(60);
        let theirs = Repo::with_stories(60);
        for repo in [&ours, &theirs] {
            edits(repo);
        }
        assert_eq!(ours.update(paths), Outcome::Written);
        let mut args = vec!["update-index", "--add", "--remove", "--"];
        args.extend(paths);
        theirs.git(&args);
        let (ours_view, theirs_view) = (ours.view(), theirs.view());
        assert_eq!(ours_view.listed, theirs_view.listed);
        assert_eq!(ours_view.tree, theirs_view.tree);
        assert!(
            ours_view.stat_clean,
            "stat data of the new entries do not match the files"
        );
        let fsck = ours.git_output(&["fsck", "--strict", "--no-dangling"]);
        assert!(fsck.status.success() && fsck.stderr.is_empty(), "{fsck:?}");
        // git goes on from the index lede wrote.
        ours.write_old("stories/2020/story-000.toml", "slug = \"changed again\"\n");
        ours.git(&["add", "stories/2020/story-000.toml"]);
        theirs.write_old("stories/2020/story-000.toml", "slug = \"changed again\"\n");
        theirs.git(&["add", "stories/2020/story-000.toml"]);
        let (ours_view, theirs_view) = (ours.view(), theirs.view());
        assert_eq!(ours_view.listed, theirs_view.listed);
        assert_eq!(ours_view.tree, theirs_view.tree);
    }

    #[test]
    fn a_changed_file_replaces_its_shared_entry_as_git_would() {
        if !git_available() {
            return;
        }
        twins(
            &|repo| repo.write_old("stories/2021/story-004.toml", "slug = \"edited\"\n"),
            &["stories/2021/story-004.toml"],
        );
    }

    #[test]
    fn new_and_removed_files_are_added_and_deleted_as_git_would() {
        if !git_available() {
            return;
        }
        twins(
            &|repo| {
                repo.write_old("stories/2023/new.toml", "slug = \"new\"\n");
                repo.write_old("stories/2020/aaa-first.toml", "slug = \"first\"\n");
                std::fs::remove_file(repo.root.join("stories/2022/story-005.toml")).unwrap();
            },
            &[
                "stories/2023/new.toml",
                "stories/2020/aaa-first.toml",
                "stories/2022/story-005.toml",
            ],
        );
    }

    #[test]
    fn entries_already_in_the_small_file_are_updated_as_git_would() {
        if !git_available() {
            return;
        }
        twins(
            &|repo| {
                // git puts these into the small file: a replacement, an
                // addition, a deletion.
                repo.write_old("stories/2021/story-007.toml", "slug = \"once\"\n");
                repo.write_old("stories/2024/added.toml", "slug = \"added\"\n");
                std::fs::remove_file(repo.root.join("stories/2020/story-009.toml")).unwrap();
                repo.git(&["add", "-A"]);
                repo.age_index();
                repo.write_old("stories/2021/story-007.toml", "slug = \"twice\"\n");
                repo.write_old("stories/2024/added.toml", "slug = \"added, edited\"\n");
                repo.write_old("stories/2020/story-009.toml", "slug = \"back\"\n");
            },
            &[
                "stories/2021/story-007.toml",
                "stories/2024/added.toml",
                "stories/2020/story-009.toml",
            ],
        );
        twins(
            &|repo| {
                repo.write_old("stories/2024/added.toml", "slug = \"added\"\n");
                repo.git(&["add", "-A"]);
                repo.age_index();
                std::fs::remove_file(repo.root.join("stories/2024/added.toml")).unwrap();
            },
            &["stories/2024/added.toml"],
        );
    }

    /// git's racy-git rule: a file changed in the second its entry was
    /// recorded, keeping its size and time, must not look clean once the
    /// index is newer.
    #[test]
    fn a_racily_clean_entry_is_smudged() {
        if !git_available() {
            return;
        }
        let repo = Repo::with_stories(10);
        // Without the change time, size and modification time are all git
        // has to go by (the inode stays: the file is rewritten in place).
        repo.git(&["config", "core.trustCtime", "false"]);
        let racy = "stories/2021/story-001.toml";
        let recorded = SystemTime::now() - Duration::from_secs(30);
        repo.write(racy, "slug = \"story-AAA\"\n");
        repo.set_mtime(racy, recorded);
        repo.git(&["add", racy]);
        // The index written in the same second as the file.
        repo.set_mtime(".git/index", recorded);
        // Changed again in that second: same size, same time.
        repo.write(racy, "slug = \"story-BBB\"\n");
        repo.set_mtime(racy, recorded);
        repo.write_old("stories/2022/story-002.toml", "slug = \"other\"\n");
        assert_eq!(
            repo.update(&["stories/2022/story-002.toml"]),
            Outcome::Written
        );
        // Staged as first written, changed in the work tree since.
        let status = repo.git(&["status", "--porcelain"]);
        assert!(status.contains(&format!("MM {racy}")), "{status}");
    }

    #[test]
    fn what_it_does_not_know_is_left_to_git() {
        if !git_available() {
            return;
        }
        let path = "stories/2020/story-000.toml";
        // Declines, names why, and leaves the index and its lock as they were.
        let declined_with = |repo: &Repo, path: &str, settings: &Settings, why: &str| {
            let before = std::fs::read(repo.root.join(".git/index")).unwrap();
            let outcome = repo.update_with(&[path], settings);
            match &outcome {
                Outcome::Declined(reason) => assert!(reason.contains(why), "{reason}"),
                Outcome::Written => panic!("written, though {why}"),
            }
            assert_eq!(std::fs::read(repo.root.join(".git/index")).unwrap(), before);
            assert!(!repo.root.join(".git/index.lock").exists());
        };
        let declined =
            |repo: &Repo, settings: &Settings, why: &str| declined_with(repo, path, settings, why);
        let declined_at = |repo: &Repo, path: &str, why: &str| {
            declined_with(repo, path, &Settings::default(), why)
        };

        let repo = Repo::with_stories(10);
        repo.write_old(path, "slug = \"edited\"\n");
        std::fs::write(repo.root.join(".git/index.lock"), "").unwrap();
        assert_eq!(
            repo.update(&[path]),
            Outcome::Declined("another process holds index.lock".into())
        );
        assert!(
            repo.root.join(".git/index.lock").exists(),
            "not ours to remove"
        );
        std::fs::remove_file(repo.root.join(".git/index.lock")).unwrap();

        let ignore_case = Settings {
            leave_to_git: Some("core.ignoreCase is true".into()),
            ..Default::default()
        };
        declined(&repo, &ignore_case, "core.ignoreCase");
        // Past splitIndex.maxPercentChange git writes a new shared index.
        let always_new = Settings {
            max_percent_change: Some(0),
            ..Default::default()
        };
        declined(&repo, &always_new, "new shared index");
        // A blob lede did not store.
        std::fs::write(repo.root.join(path), "slug = \"not stored\"\n").unwrap();
        declined(&repo, &Settings::default(), "not stored");
        repo.write_old(path, "slug = \"edited\"\n");
        assert_eq!(repo.update(&[path]), Outcome::Written);

        // A file where a directory is, and a directory where a file is.
        let tracked_file = "stories/2021/story-001.toml";
        let inside = format!("{tracked_file}/inside.toml");
        std::fs::remove_file(repo.root.join(tracked_file)).unwrap();
        repo.write_old(&inside, "slug = \"inside\"\n");
        declined_at(&repo, &inside, "would replace a directory or a file");
        declined_at(&repo, "stories", "is not a file");

        let plain = Repo::with_stories(10);
        plain.git(&["update-index", "--no-split-index"]);
        plain.age_index();
        plain.write_old(path, "slug = \"edited\"\n");
        declined(&plain, &Settings::default(), "not split");

        let four = Repo::with_stories(10);
        four.git(&["update-index", "--index-version", "4", "--split-index"]);
        four.age_index();
        four.write_old(path, "slug = \"edited\"\n");
        declined(&four, &Settings::default(), "version 4");

        // A conflict at the path (conflicts elsewhere stay as they are, as
        // with `git update-index`).
        let conflicted = Repo::with_stories(10);
        let id = conflicted.git(&["rev-parse", &format!(":{path}")]);
        let stages: String = (1..=3)
            .map(|stage| format!("100644 {} {stage}\t{path}\n", id.trim()))
            .collect();
        conflicted.git_with_input(&["update-index", "--index-info"], &stages);
        conflicted.age_index();
        conflicted.write_old(path, "slug = \"edited\"\n");
        declined(&conflicted, &Settings::default(), "conflict");
    }

    #[test]
    fn the_shared_index_must_not_hold_racily_clean_entries() {
        if !git_available() {
            return;
        }
        let repo = Repo::with_stories(10);
        // Entries recorded an hour ago, the index dated before them.
        repo.set_mtime(".git/index", SystemTime::now() - Duration::from_secs(7200));
        repo.write_old("stories/2020/story-000.toml", "slug = \"edited\"\n");
        let outcome = repo.update(&["stories/2020/story-000.toml"]);
        assert_eq!(
            outcome,
            Outcome::Declined("an entry of the shared index is racily clean".into())
        );
    }
}
