//! Everything lede asks of git, and the only module that uses `git2`.
//!
//! Mutating commands commit exactly the files they changed, the way
//! `git commit --only <paths>` does: the new commit's tree is HEAD's tree with
//! those paths replaced, and afterwards only those paths' index entries are
//! updated. Whatever else the user had staged stays staged and out of lede's
//! commit.
//!
//! Identity and time follow git's rules: `GIT_AUTHOR_NAME`/`EMAIL`/`DATE` and
//! `GIT_COMMITTER_*` from the environment win over `user.name`/`user.email`
//! from git's configuration, so scripts and tests can pin both.

pub mod remote;
pub mod split_index;

use std::path::{Path, PathBuf};

use git2::{ErrorCode, FileMode, Repository, RepositoryState, Signature, Time};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{} is not a git repository", .0.display())]
    NotARepository(PathBuf),
    #[error(
        "git does not know who you are: set your name and email with\n  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.org"
    )]
    NoIdentity,
    #[error("a {0} is in progress; finish it or abort it before changing stories with lede")]
    Busy(&'static str),
    #[error(
        "git's index is locked ({}): another git command may be running; if none is, delete that file",
        .0.display()
    )]
    IndexLocked(PathBuf),
    #[error("{rev} is not a revision in this repository")]
    UnknownRevision { rev: String },
    #[error(
        "the branch `{0}` moved while lede was writing to it (another publish?); nothing was lost, run the command again ({1})"
    )]
    Moved(String, String),
    #[error("git push failed: {0}")]
    Push(String),
    #[error("git: {0}")]
    Program(String),
    #[error(
        "committed {commit}, but git's index could not be updated to match: {error}\nthe files and the commit are right; `git reset -q -- {}` brings the index in line",
        paths.join(" ")
    )]
    IndexBehind {
        commit: String,
        paths: Vec<String>,
        error: Box<GitError>,
    },
    #[error(
        "{} is a bare git repository (git's files without a working tree); lede works in a clone of it",
        .0.display()
    )]
    Bare(PathBuf),
    #[error(
        "{} uses SHA-256 object names, which the git library lede is built on (libgit2) cannot read; lede works with SHA-1 repositories, git's default",
        .0.display()
    )]
    Sha256(PathBuf),
    #[error(
        "this clone's history is cut short (a shallow clone, as `git clone --depth` and CI checkouts make it), and lede needs the whole history to tell who wrote and approved what"
    )]
    Shallow,
    #[error("git: {0}")]
    Git(#[from] git2::Error),
}

/// What opening the repository at `root` failed with, in words.
fn opening_error(root: &Path, error: git2::Error) -> GitError {
    match error.code() {
        ErrorCode::NotFound => GitError::NotARepository(root.to_owned()),
        // libgit2's only words for it: "unknown object format 'sha256'".
        _ if error.message().contains("object format") && error.message().contains("sha256") => {
            GitError::Sha256(root.to_owned())
        }
        _ => GitError::Git(error),
    }
}

/// A name and email, as git records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} <{}>", self.name, self.email)
    }
}

pub struct Git {
    repo: Repository,
}

/// Settings of libgit2 for the whole process, made once at the start of a
/// command, before any other thread exists.
///
/// libgit2 caches no tree over 4 KB. A year's directory in a large archive
/// is one tree of thousands of entries (about 350 KB at 100,000 stories),
/// which a history walk, a file read and a commit would each inflate and
/// parse again. Trees up to 4 MB are kept; libgit2's total cache stays at
/// its default bound (256 MB), past which it evicts.
pub fn configure_process() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: this writes libgit2 globals without synchronisation; it
        // runs at the start of `cli::run`, on the main thread, before lede
        // starts any other thread or uses libgit2 anywhere.
        let _ = unsafe { git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 4 << 20) };
    });
}

impl Git {
    /// The repository whose work tree root is `root`.
    pub fn open(root: &Path) -> Result<Git, GitError> {
        // libgit2 re-hashes every object it reads to check it; git itself
        // does not, and on a large archive the check was a third of the
        // time of a diff. `git fsck` remains the integrity check.
        git2::opts::strict_hash_verification(false);
        let repo = Repository::open(root).map_err(|error| opening_error(root, error))?;
        if repo.is_bare() {
            return Err(GitError::Bare(root.to_owned()));
        }
        Ok(Git { repo })
    }

    /// `open`, with `None` for a directory that is no git repository (a
    /// newsroom of plain files): any other failure is still an error.
    pub fn open_if_any(root: &Path) -> Result<Option<Git>, GitError> {
        match Git::open(root) {
            Ok(git) => Ok(Some(git)),
            Err(GitError::NotARepository(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Whether `dir` is a bare repository (what `git init --bare` and
    /// `git clone --bare` make, and what servers hold).
    pub fn is_bare_at(dir: &Path) -> bool {
        Repository::open(dir).is_ok_and(|repo| repo.is_bare())
    }

    /// Opens the repository at `root`, creating it (with branch `main`) when
    /// there is none.
    pub fn open_or_init(root: &Path) -> Result<(Git, bool), GitError> {
        if root.join(".git").exists() || Git::is_bare_at(root) {
            return Ok((Git::open(root)?, false));
        }
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main");
        let repo = Repository::init_opts(root, &options)?;
        Ok((Git { repo }, true))
    }

    /// The directory holding git's own files (`.git`).
    pub fn git_dir(&self) -> &Path {
        self.repo.path()
    }

    /// Refuses to start when a commit could not be made cleanly: a merge,
    /// rebase or similar in progress, or a locked index.
    pub fn check_ready(&self) -> Result<(), GitError> {
        let busy = match self.repo.state() {
            RepositoryState::Clean => None,
            RepositoryState::Merge => Some("merge"),
            RepositoryState::Revert | RepositoryState::RevertSequence => Some("revert"),
            RepositoryState::CherryPick | RepositoryState::CherryPickSequence => {
                Some("cherry-pick")
            }
            RepositoryState::Bisect => Some("bisect"),
            RepositoryState::Rebase
            | RepositoryState::RebaseInteractive
            | RepositoryState::RebaseMerge => Some("rebase"),
            RepositoryState::ApplyMailbox | RepositoryState::ApplyMailboxOrRebase => Some("git am"),
        };
        if let Some(operation) = busy {
            return Err(GitError::Busy(operation));
        }
        // A git holding the lock for a moment (a commit, or the index
        // update of a lede that was just interrupted) is waited for.
        let lock = self.repo.path().join("index.lock");
        for _ in 0..20 {
            if !lock.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        if lock.exists() {
            return Err(GitError::IndexLocked(lock));
        }
        Ok(())
    }

    /// Who commits: the environment first, then git's configuration.
    pub fn identity(&self) -> Result<Identity, GitError> {
        self.identity_for("AUTHOR")
    }

    /// Who would commit in a repository that does not exist yet: the
    /// environment, then the user's and the system's git configuration.
    pub fn default_identity() -> Result<Identity, GitError> {
        identity_from(
            &honour_global_override(git2::Config::open_default()?)?,
            "AUTHOR",
        )
    }

    fn identity_for(&self, role: &str) -> Result<Identity, GitError> {
        identity_from(&honour_global_override(self.repo.config()?)?, role)
    }

    fn signature(&self, role: &str) -> Result<Signature<'static>, GitError> {
        let identity = self.identity_for(role)?;
        let time = std::env::var(format!("GIT_{role}_DATE"))
            .ok()
            .and_then(|date| parse_git_date(&date));
        Ok(match time {
            Some(time) => Signature::new(&identity.name, &identity.email, &time)?,
            None => Signature::now(&identity.name, &identity.email)?,
        })
    }

    /// Commits the current contents of `paths` (relative to the work tree
    /// root; a path that no longer exists is removed) on top of HEAD, and
    /// nothing else. Returns the new commit's id.
    ///
    /// `index` is an update of git's index started earlier with
    /// `start_index_update`; without one, the index is updated afterwards.
    pub fn commit_paths(
        &self,
        paths: &[&str],
        message: &str,
        index: Option<IndexUpdate>,
    ) -> Result<String, GitError> {
        let author = self.signature("AUTHOR")?;
        let committer = self
            .signature("COMMITTER")
            .unwrap_or_else(|_| author.clone());
        let workdir = self
            .repo
            .workdir()
            .ok_or_else(|| GitError::NotARepository(self.repo.path().to_owned()))?
            .to_owned();
        let parent = match self.repo.head() {
            Ok(head) => Some(head.peel_to_commit()?),
            Err(error) if error.code() == ErrorCode::UnbornBranch => None,
            Err(error) => return Err(error.into()),
        };
        let base_tree = match &parent {
            Some(commit) => commit.tree()?,
            None => {
                let empty = self.repo.treebuilder(None)?.write()?;
                self.repo.find_tree(empty)?
            }
        };
        // git updates the index from the files while the commit is made:
        // on a large archive both take a while. Should the commit then
        // fail, the change is staged, and `ChangeError::NotCommitted` says
        // how to undo it.
        let mut index = index;
        if let Some(pending) = index.as_mut() {
            pending.send(paths);
        }
        let mut changes = Vec::new();
        let filtered = self.filtered_paths(paths)?;
        for (path, filtered) in paths.iter().zip(filtered) {
            let on_disk = workdir.join(path);
            if on_disk.exists() {
                let bytes = std::fs::read(&on_disk)
                    .map_err(|e| git2::Error::from_str(&format!("{}: {e}", on_disk.display())))?;
                // The bytes as they are, unless git converts this file on
                // the way in (line endings, a clean filter): then git does.
                let blob = if filtered {
                    self.hash_as_git_does(path, &bytes, true)?
                } else {
                    self.repo.blob(&bytes)?
                };
                changes.push((*path, Some((blob, file_mode(&on_disk).into()))));
            } else {
                changes.push((*path, None));
            }
        }
        let tree = self
            .repo
            .find_tree(tree_with(&self.repo, &base_tree, &changes)?)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let commit =
            self.repo
                .commit(Some("HEAD"), &author, &committer, message, &tree, &parents)?;

        // Only these paths' index entries change; other staged work stays.
        let updated = match index {
            Some(pending) => pending.finish(self, paths),
            None => self.update_index(paths),
        };
        updated.map_err(|error| GitError::IndexBehind {
            commit: commit.to_string(),
            paths: paths.iter().map(|p| p.to_string()).collect(),
            error: Box::new(error),
        })?;
        Ok(commit.to_string())
    }

    /// Brings the index entries of `paths` in line with the working tree
    /// (a path that no longer exists leaves the index), and no others.
    ///
    /// The git program does this when it is installed: git's index is
    /// git's format, and git writes every form of it (a split index, a
    /// sparse index, `index.skipHash`), some of which libgit2 cannot even
    /// read. With `core.splitIndex` (which `lede setup` turns on) it
    /// rewrites only the small part, so that on an archive of 100,000
    /// stories a one-story commit does not cost a rewrite of the whole
    /// 14 MB index.
    fn update_index(&self, paths: &[&str]) -> Result<(), GitError> {
        let workdir = self.workdir()?;
        let mut attempts = 0;
        loop {
            let output = self
                .git_program()
                .args(["update-index", "--add", "--remove", "--"])
                .args(paths)
                .output();
            match output.as_ref().map(program_result) {
                Ok(Ok(())) => return Ok(()),
                Ok(Err(GitError::Program(message)))
                    // A git that was reading the index when its lede was
                    // killed lets go of the lock within moments.
                    if message.contains("index.lock") && attempts < 20 =>
                {
                    attempts += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Ok(Err(error)) => return Err(error),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    return self.update_index_in_process(paths, workdir);
                }
                Err(error) => return Err(GitError::Program(format!("cannot run git: {error}"))),
            }
        }
    }

    /// Starts the git program updating the index, to be told which paths
    /// when the commit is made (`commit_paths`). git locks and reads the
    /// index at once, which on a large archive takes as long as the rest of
    /// a publish, and does it while lede works. `None` when git cannot be
    /// started: the index is then updated afterwards.
    pub fn start_index_update(&self) -> Option<IndexUpdate> {
        if self.index_is_split() {
            // lede writes the small file of a split index itself, after
            // the commit (`git_index`): nothing to start.
            return Some(IndexUpdate { child: None });
        }
        let child = self
            .git_program()
            .args(["update-index", "--add", "--remove", "-z", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .ok()?;
        Some(IndexUpdate { child: Some(child) })
    }

    /// Whether git keeps this clone's index split (`core.splitIndex`, which
    /// `lede setup` turns on for large archives), so that `git_index` may
    /// update it in place.
    fn index_is_split(&self) -> bool {
        std::env::var_os("GIT_INDEX_FILE").is_none()
            && self
                .repo
                .config()
                .and_then(|config| config.get_bool("core.splitIndex"))
                .unwrap_or(false)
    }

    /// `update_index` for a split index: its small file written in place
    /// (`git_index`), or by git when that declines.
    fn update_split_index(&self, paths: &[&str]) -> Result<(), GitError> {
        let workdir = self.workdir()?;
        let odb = self.repo.odb()?;
        let has_object = |id: &[u8; 20]| git2::Oid::from_bytes(id).is_ok_and(|id| odb.exists(id));
        let settings = self.split_index_settings();
        match crate::git::split_index::update(
            self.repo.path(),
            workdir,
            paths,
            &settings,
            &has_object,
        ) {
            Ok(crate::git::split_index::Outcome::Written) => Ok(()),
            Ok(crate::git::split_index::Outcome::Declined(_)) | Err(_) => self.update_index(paths),
        }
    }

    /// The configuration `git_index` needs: a few settings change what git
    /// itself would write into the index, and then git writes it.
    fn split_index_settings(&self) -> crate::git::split_index::Settings {
        let Ok(config) = self.repo.config() else {
            return crate::git::split_index::Settings {
                leave_to_git: Some("git's configuration cannot be read".into()),
                ..Default::default()
            };
        };
        let flag = |key: &str| config.get_bool(key).ok();
        let text = |key: &str| config.get_string(key).ok();
        let leave_to_git = [
            (
                flag("core.ignoreCase") == Some(true),
                "core.ignoreCase is true",
            ),
            (
                flag("core.fileMode") == Some(false),
                "core.fileMode is false",
            ),
            (
                flag("core.symlinks") == Some(false),
                "core.symlinks is false",
            ),
            (
                flag("index.skipHash") == Some(true),
                "index.skipHash is true",
            ),
            (
                text("core.autocrlf")
                    .is_some_and(|v| !matches!(v.as_str(), "false" | "0" | "no" | "off")),
                "core.autocrlf is set",
            ),
            (
                text("core.fsmonitor")
                    .is_some_and(|v| !matches!(v.as_str(), "false" | "0" | "no" | "off" | "")),
                "core.fsmonitor is set",
            ),
            (
                text("core.sharedRepository")
                    .is_some_and(|v| !matches!(v.as_str(), "false" | "umask" | "0" | "no" | "off")),
                "core.sharedRepository is set",
            ),
        ]
        .into_iter()
        .find_map(|(applies, why)| applies.then(|| why.to_owned()));
        crate::git::split_index::Settings {
            max_percent_change: config.get_i64("splitIndex.maxPercentChange").ok(),
            leave_to_git,
        }
    }

    /// The git program, run in this repository's work tree (or its git
    /// directory, for a bare one), with no input.
    fn git_program(&self) -> std::process::Command {
        let mut command = std::process::Command::new("git");
        command
            .arg("-C")
            .arg(self.repo.workdir().unwrap_or_else(|| self.repo.path()))
            .stdin(std::process::Stdio::null());
        if let Some(tunables) = huge_page_tunables(std::env::var_os("GLIBC_TUNABLES")) {
            command.env("GLIBC_TUNABLES", tunables);
        }
        command
    }

    /// Runs the git program with `args`; its error output is the error.
    fn run_git(&self, args: &[&str]) -> Result<(), GitError> {
        let output = self
            .git_program()
            .args(args)
            .output()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        program_result(&output)
    }

    fn workdir(&self) -> Result<&Path, GitError> {
        self.repo
            .workdir()
            .ok_or_else(|| GitError::NotARepository(self.repo.path().to_owned()))
    }

    /// `update_index` without the git program, through libgit2, which
    /// reads and writes the index whole and knows only its common forms.
    fn update_index_in_process(&self, paths: &[&str], workdir: &Path) -> Result<(), GitError> {
        let mut index = self.repo.index()?;
        for path in paths {
            if workdir.join(path).exists() {
                index.add_path(Path::new(path))?;
            } else {
                match index.remove_path(Path::new(path)) {
                    Ok(()) => {}
                    Err(error) if error.code() == ErrorCode::NotFound => {}
                    Err(error) => return Err(error.into()),
                }
            }
        }
        index.write()?;
        Ok(())
    }

    /// The tree of the commit a revision names.
    fn tree_at(&self, rev: &str) -> Result<git2::Tree<'_>, GitError> {
        let commit = self
            .repo
            .revparse_single(rev)
            .and_then(|object| object.peel_to_commit())
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_owned(),
            })?;
        Ok(commit.tree()?)
    }

    /// The contents of `path` at revision `rev` (any git revision), or `None`
    /// when the file does not exist there.
    pub fn read_file_at(&self, rev: &str, path: &str) -> Result<Option<Vec<u8>>, GitError> {
        let tree = self.tree_at(rev)?;
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(error) if error.code() == ErrorCode::NotFound => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let object = entry.to_object(&self.repo)?;
        Ok(object.as_blob().map(|blob| blob.content().to_vec()))
    }

    /// Whether `bytes` are exactly what HEAD holds at `path` (compared by
    /// blob id, without reading the committed file).
    pub fn is_committed(&self, path: &str, bytes: &[u8]) -> Result<bool, GitError> {
        let entry = match self.tree_at("HEAD")?.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(error) if error.code() == ErrorCode::NotFound => return Ok(false),
            Err(error) => return Err(error.into()),
        };
        if entry.kind() != Some(git2::ObjectType::Blob) {
            return Ok(false);
        }
        let id = if self.filtered_paths(&[path])?[0] {
            self.hash_as_git_does(path, bytes, false)?
        } else {
            git2::Oid::hash_object(git2::ObjectType::Blob, bytes)?
        };
        Ok(entry.id() == id)
    }

    /// For each path, whether git converts the file when it goes into the
    /// repository: `core.autocrlf`, or a `text`, `eol` or `filter`
    /// attribute. Asking git costs a process, so it is asked only when
    /// there are attributes to ask about.
    fn filtered_paths(&self, paths: &[&str]) -> Result<Vec<bool>, GitError> {
        let config = self.repo.config()?;
        let autocrlf = config
            .get_string("core.autocrlf")
            .map(|value| value.to_ascii_lowercase())
            .unwrap_or_default();
        if matches!(autocrlf.as_str(), "true" | "input") {
            return Ok(vec![true; paths.len()]);
        }
        let workdir = self.workdir()?;
        let has_attributes = workdir.join(".gitattributes").exists()
            || self.repo.path().join("info/attributes").exists()
            || config.get_path("core.attributesFile").is_ok()
            || paths.iter().any(|path| {
                Path::new(path)
                    .ancestors()
                    .skip(1)
                    .any(|dir| workdir.join(dir).join(".gitattributes").exists())
            });
        if !has_attributes || paths.is_empty() {
            return Ok(vec![false; paths.len()]);
        }
        let output = self
            .git_program()
            .args(["check-attr", "-z", "text", "eol", "filter", "--"])
            .args(paths)
            .output()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        program_result(&output)?;
        let mut filtered = vec![false; paths.len()];
        let fields: Vec<&[u8]> = output.stdout.split(|&b| b == 0).collect();
        for triple in fields.chunks(3) {
            let [path, _attribute, value] = triple else {
                continue;
            };
            let converts = !matches!(*value, b"unspecified" | b"unset");
            if converts && let Some(i) = paths.iter().position(|p| p.as_bytes() == *path) {
                filtered[i] = true;
            }
        }
        Ok(filtered)
    }

    /// The blob id git gives `bytes` as the file at `path` (its clean
    /// conversion applied), stored when `write`.
    fn hash_as_git_does(
        &self,
        path: &str,
        bytes: &[u8],
        write: bool,
    ) -> Result<git2::Oid, GitError> {
        use std::io::Write as _;
        let mut command = self.git_program();
        command.args(["hash-object", "--stdin", &format!("--path={path}")]);
        if write {
            command.arg("-w");
        }
        let mut child = command
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(bytes)
                .map_err(|error| GitError::Program(format!("cannot write to git: {error}")))?;
        }
        let output = child
            .wait_with_output()
            .map_err(|error| GitError::Program(format!("git hash-object: {error}")))?;
        program_result(&output)?;
        Ok(git2::Oid::from_str(
            String::from_utf8_lossy(&output.stdout).trim(),
        )?)
    }

    /// The files under `dir` at revision `rev`, with their blob ids.
    pub fn blobs_at(&self, rev: &str, dir: &str) -> Result<Vec<(String, String)>, GitError> {
        let tree = self.tree_at(rev)?;
        let mut files = Vec::new();
        tree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
            if entry.kind() == Some(git2::ObjectType::Blob) {
                let path = format!("{parent}{}", entry.name().unwrap_or_default());
                if path.starts_with(dir) {
                    files.push((path, entry.id().to_string()));
                }
            }
            git2::TreeWalkResult::Ok
        })?;
        Ok(files)
    }

    /// The paths of the files under `dir` at revision `rev`.
    pub fn files_at(&self, rev: &str, dir: &str) -> Result<Vec<String>, GitError> {
        Ok(self
            .blobs_at(rev, dir)?
            .into_iter()
            .map(|(path, _)| path)
            .collect())
    }
}

/// One side of a changed file: its path and, for a file in git's object
/// store, its blob id (`None` for a file in the working tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRef {
    pub path: String,
    pub blob: Option<String>,
}

/// A file that differs between two sides: absent on one side when it was
/// added or deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDelta {
    pub old: Option<FileRef>,
    pub new: Option<FileRef>,
}

/// A commit, as `lede log` shows it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: String,
    pub author: Identity,
    /// Seconds since the epoch, and the author's offset from UTC in minutes.
    pub time: i64,
    pub offset_minutes: i32,
    pub message: String,
    pub parents: usize,
}

/// A commit that changed one file, with the file's versions before and after.
#[derive(Debug, Clone)]
pub struct Touch {
    pub commit: CommitInfo,
    pub old: Option<FileRef>,
    pub new: Option<FileRef>,
}

impl Git {
    /// The commit id a revision names.
    pub fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let commit = self
            .repo
            .revparse_single(rev)
            .and_then(|object| object.peel_to_commit())
            .map_err(|_| GitError::UnknownRevision {
                rev: rev.to_owned(),
            })?;
        Ok(commit.id().to_string())
    }

    /// Whether the local branch `name` exists.
    pub fn has_branch(&self, name: &str) -> bool {
        self.repo.find_branch(name, git2::BranchType::Local).is_ok()
    }

    /// The contents of a blob.
    pub fn read_blob(&self, id: &str) -> Result<Vec<u8>, GitError> {
        let oid = git2::Oid::from_str(id)?;
        Ok(self.repo.find_blob(oid)?.content().to_vec())
    }

    /// The files under `prefixes` that differ between revision `from` and
    /// revision `to`, or the working tree (with untracked files) when `to` is
    /// `None`. Trees are compared by object id, so unchanged directories are
    /// skipped without being read: the cost follows the size of the change,
    /// not of the archive.
    pub fn changed_files(
        &self,
        from: &str,
        to: Option<&str>,
        prefixes: &[&str],
    ) -> Result<Vec<FileDelta>, GitError> {
        let old_tree = self.tree_at(from)?;
        if let Some(to) = to {
            // Two commits: walk both trees, going down only where ids differ.
            let new_tree = self.tree_at(to)?;
            let trees = TreeCache::new(&self.repo);
            let mut deltas = Vec::new();
            for prefix in prefixes {
                self.diff_dir(&trees, Some(&old_tree), &new_tree, prefix, &mut deltas)?;
            }
            return Ok(deltas);
        }
        let mut options = git2::DiffOptions::new();
        for prefix in prefixes {
            options.pathspec(*prefix);
        }
        options.ignore_submodules(true);
        let diff = match to {
            Some(to) => {
                let new_tree = self.tree_at(to)?;
                self.repo
                    .diff_tree_to_tree(Some(&old_tree), Some(&new_tree), Some(&mut options))?
            }
            None => {
                options.include_untracked(true).recurse_untracked_dirs(true);
                match self
                    .repo
                    .diff_tree_to_workdir_with_index(Some(&old_tree), Some(&mut options))
                {
                    Ok(diff) => diff,
                    // libgit2 reads only the common forms of git's index; a
                    // split or sparse one (`link`, `sdir`) the git program
                    // reads for it.
                    Err(error) if error.class() == git2::ErrorClass::Index => {
                        return self.changed_in_workdir_by_program(&old_tree, prefixes);
                    }
                    Err(error) => return Err(error.into()),
                }
            }
        };
        let side = |file: git2::DiffFile<'_>, blob: bool| -> Option<FileRef> {
            let path = file.path()?.to_str()?.to_owned();
            Some(FileRef {
                path,
                blob: blob.then(|| file.id().to_string()),
            })
        };
        let mut deltas = Vec::new();
        for delta in diff.deltas() {
            let (had_old, has_new) = match delta.status() {
                git2::Delta::Added | git2::Delta::Untracked => (false, true),
                git2::Delta::Deleted => (true, false),
                git2::Delta::Modified
                | git2::Delta::Typechange
                | git2::Delta::Renamed
                | git2::Delta::Copied => (true, true),
                _ => continue,
            };
            deltas.push(FileDelta {
                old: if had_old {
                    side(delta.old_file(), true)
                } else {
                    None
                },
                new: if has_new {
                    side(delta.new_file(), to.is_some())
                } else {
                    None
                },
            });
        }
        Ok(deltas)
    }

    /// `changed_files` against the working tree, asked of the git program:
    /// `git diff --name-status` from the tree, and the untracked files.
    fn changed_in_workdir_by_program(
        &self,
        old_tree: &git2::Tree<'_>,
        prefixes: &[&str],
    ) -> Result<Vec<FileDelta>, GitError> {
        let tree_id = old_tree.id().to_string();
        let run = |args: &[&str]| -> Result<Vec<u8>, GitError> {
            let output = self
                .git_program()
                .args(args)
                .arg("--")
                .args(prefixes)
                .output()
                .map_err(|error| GitError::Program(format!("cannot run git: {error}")))?;
            program_result(&output)?;
            Ok(output.stdout)
        };
        let changed = run(&[
            "diff",
            "--name-status",
            "-z",
            "--no-renames",
            "--ignore-submodules",
            &tree_id,
        ])?;
        let untracked = run(&["ls-files", "-z", "--others", "--exclude-standard"])?;
        let old_blob = |path: &str| -> Option<FileRef> {
            let entry = old_tree.get_path(Path::new(path)).ok()?;
            Some(FileRef {
                path: path.to_owned(),
                blob: Some(entry.id().to_string()),
            })
        };
        let new_file = |path: &str| FileRef {
            path: path.to_owned(),
            blob: None,
        };
        let mut deltas = Vec::new();
        let mut fields = changed
            .split(|&b| b == 0)
            .map(|field| String::from_utf8_lossy(field).into_owned());
        while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
            let (old, new) = match status.as_str() {
                "A" => (None, Some(new_file(&path))),
                "D" => (old_blob(&path), None),
                "M" | "T" => (old_blob(&path), Some(new_file(&path))),
                _ => continue,
            };
            deltas.push(FileDelta { old, new });
        }
        for path in untracked.split(|&b| b == 0).filter(|p| !p.is_empty()) {
            let path = String::from_utf8_lossy(path);
            deltas.push(FileDelta {
                old: None,
                new: Some(new_file(&path)),
            });
        }
        Ok(deltas)
    }

    /// `diff_trees` of the directory `dir` (one path component) of two
    /// root trees; the old root is absent for a commit without parents.
    fn diff_dir(
        &self,
        trees: &TreeCache<'_>,
        old_root: Option<&git2::Tree<'_>>,
        new_root: &git2::Tree<'_>,
        dir: &str,
        deltas: &mut Vec<FileDelta>,
    ) -> Result<(), GitError> {
        let name = dir.trim_end_matches('/');
        let old_sub = old_root.and_then(|root| trees.subtree(root, name));
        let new_sub = trees.subtree(new_root, name);
        self.diff_trees(
            old_sub.as_ref(),
            new_sub.as_ref(),
            &format!("{name}/"),
            deltas,
        )
    }

    /// The blobs that differ between two trees (either may be absent), with
    /// paths under `prefix`. Subtrees with the same id on both sides are
    /// skipped without being read.
    fn diff_trees(
        &self,
        old: Option<&git2::Tree<'_>>,
        new: Option<&git2::Tree<'_>>,
        prefix: &str,
        deltas: &mut Vec<FileDelta>,
    ) -> Result<(), GitError> {
        type Entry = (git2::Oid, Option<git2::ObjectType>);
        let entries = |tree: Option<&git2::Tree<'_>>| -> std::collections::BTreeMap<String, Entry> {
            tree.into_iter()
                .flat_map(|tree| tree.iter())
                .filter_map(|entry| {
                    Some((entry.name().ok()?.to_owned(), (entry.id(), entry.kind())))
                })
                .collect()
        };
        let (old_entries, new_entries) = (entries(old), entries(new));
        let names: std::collections::BTreeSet<&String> =
            old_entries.keys().chain(new_entries.keys()).collect();
        let blob = |path: &str, id: git2::Oid| FileRef {
            path: path.to_owned(),
            blob: Some(id.to_string()),
        };
        for name in names {
            let path = format!("{prefix}{name}");
            let before = old_entries.get(name);
            let after = new_entries.get(name);
            if let (Some(a), Some(b)) = (before, after)
                && a.0 == b.0
            {
                continue;
            }
            let is_tree =
                |entry: Option<&Entry>| entry.is_some_and(|e| e.1 == Some(git2::ObjectType::Tree));
            let is_blob =
                |entry: Option<&Entry>| entry.is_some_and(|e| e.1 == Some(git2::ObjectType::Blob));
            if is_tree(before) || is_tree(after) {
                let old_sub = before
                    .filter(|e| is_tree(Some(e)))
                    .map(|e| self.repo.find_tree(e.0))
                    .transpose()?;
                let new_sub = after
                    .filter(|e| is_tree(Some(e)))
                    .map(|e| self.repo.find_tree(e.0))
                    .transpose()?;
                self.diff_trees(
                    old_sub.as_ref(),
                    new_sub.as_ref(),
                    &format!("{path}/"),
                    deltas,
                )?;
            }
            let old_blob = before
                .filter(|e| is_blob(Some(e)))
                .map(|e| blob(&path, e.0));
            let new_blob = after.filter(|e| is_blob(Some(e))).map(|e| blob(&path, e.0));
            if old_blob.is_some() || new_blob.is_some() {
                deltas.push(FileDelta {
                    old: old_blob,
                    new: new_blob,
                });
            }
        }
        Ok(())
    }

    /// The path of the first file named `file_name` under `dir` at `rev`.
    pub fn find_file_at(
        &self,
        rev: &str,
        dir: &str,
        file_name: &str,
    ) -> Result<Option<String>, GitError> {
        let tree = self.tree_at(rev)?;
        Ok(find_in_tree(&self.repo, &tree, dir, file_name))
    }

    /// Every commit reachable from `start` that changed a file named
    /// `file_name` under `dir`, newest first, following the file when it
    /// moves to another directory. A merge is listed only when its version
    /// of the file matches none of its parents' (a resolved conflict), as
    /// `git log` does.
    pub fn history(&self, start: &str, dir: &str, file_name: &str) -> Result<Vec<Touch>, GitError> {
        self.history_limited(start, dir, file_name, usize::MAX)
    }

    /// The newest `limit` commits of `history`.
    pub fn history_limited(
        &self,
        start: &str,
        dir: &str,
        file_name: &str,
        limit: usize,
    ) -> Result<Vec<Touch>, GitError> {
        let mut count = 0;
        self.history_while(start, dir, file_name, None, &mut |_| {
            count += 1;
            count < limit
        })
    }

    /// `history`, stopping after the first commit for which `keep_going`
    /// says no. `path_hint` is where the file probably is at `start` (its
    /// working-tree path), which spares a search of the whole directory.
    pub fn history_while(
        &self,
        start: &str,
        dir: &str,
        file_name: &str,
        path_hint: Option<&str>,
        keep_going: &mut dyn FnMut(&Touch) -> bool,
    ) -> Result<Vec<Touch>, GitError> {
        let start_id = self.resolve(start)?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
        walk.push(git2::Oid::from_str(&start_id)?)?;
        let start_tree = self.tree_at(&start_id)?;
        let trees = TreeCache::new(&self.repo);
        let mut tracked = match path_hint {
            Some(path)
                if path.rsplit('/').next() == Some(file_name)
                    && trees.blob_at(&start_tree, path).is_some() =>
            {
                Some(path.to_owned())
            }
            _ => find_in_tree(&self.repo, &start_tree, dir, file_name),
        };
        let file_ref = |path: &str, id: git2::Oid| FileRef {
            path: path.to_owned(),
            blob: Some(id.to_string()),
        };
        let mut touches = Vec::new();
        let cut = self.shallow_commits()?;
        for oid in walk {
            let oid = oid?;
            // Reaching the cut means the walk would go on into history this
            // clone does not have: the answer would be wrong, not short.
            if cut.contains(&oid) {
                return Err(GitError::Shallow);
            }
            let commit = self.repo.find_commit(oid)?;
            let tree = commit.tree()?;
            let parents: Vec<git2::Tree<'_>> = commit
                .parents()
                .map(|p| p.tree())
                .collect::<Result<_, _>>()?;
            let mut deltas = Vec::new();
            let here = tracked
                .as_deref()
                .and_then(|path| Some((path, trees.blob_at(&tree, path)?)));
            if let Some((path, here)) = here {
                let before: Vec<Option<git2::Oid>> = parents
                    .iter()
                    .map(|parent| trees.blob_at(parent, path))
                    .collect();
                if before.contains(&Some(here)) {
                    continue;
                }
                match before.as_slice() {
                    // Created by a commit without parents.
                    [] => deltas.push(FileDelta {
                        old: None,
                        new: Some(file_ref(path, here)),
                    }),
                    // Changed where it is, the common case: no need to
                    // compare the whole directory.
                    [Some(old)] => deltas.push(FileDelta {
                        old: Some(file_ref(path, *old)),
                        new: Some(file_ref(path, here)),
                    }),
                    _ => {}
                }
            }
            if deltas.is_empty() {
                // Only the changed parts of the two trees are read.
                self.diff_dir(&trees, parents.first(), &tree, dir, &mut deltas)?;
            }
            let named = |file: &Option<FileRef>| {
                file.clone()
                    .filter(|f| f.path.rsplit('/').next() == Some(file_name))
            };
            let old = deltas.iter().find_map(|delta| named(&delta.old));
            let new = deltas.iter().find_map(|delta| named(&delta.new));
            if old.is_none() && new.is_none() {
                continue;
            }
            if parents.len() > 1 {
                // A merge that took one side's version of the file changed
                // nothing that side's own commits do not already show.
                let kept = |parent: &git2::Tree<'_>| match &new {
                    Some(file) => {
                        trees.blob_at(parent, &file.path).map(|id| id.to_string()) == file.blob
                    }
                    None => old
                        .as_ref()
                        .is_some_and(|file| trees.blob_at(parent, &file.path).is_none()),
                };
                if parents.iter().skip(1).any(kept) {
                    continue;
                }
            }
            tracked = old.as_ref().map(|file| file.path.clone());
            touches.push(Touch {
                commit: commit_info(&commit),
                old,
                new,
            });
            if touches.last().is_some_and(|touch| !keep_going(touch)) {
                break;
            }
        }
        Ok(touches)
    }

    /// Sets `key` to `value` in the repository's own configuration
    /// (`.git/config`).
    pub fn set_local_config(&self, key: &str, value: &str) -> Result<(), GitError> {
        let mut config = self.repo.config()?.open_level(git2::ConfigLevel::Local)?;
        config.set_str(key, value)?;
        Ok(())
    }

    /// How many files git's index lists; `None` when libgit2 cannot read
    /// the index (a split or sparse index, say).
    pub fn index_entries(&self) -> Option<usize> {
        self.repo.index().ok().map(|index| index.len())
    }

    /// Turns on git's split index for this clone (`core.splitIndex`), and
    /// splits the index now, so that the first commit afterwards does not
    /// pay for it. Needs the git program.
    pub fn split_index(&self) -> Result<(), GitError> {
        self.run_git(&["update-index", "--split-index"])?;
        self.set_local_config("core.splitIndex", "true")
    }

    /// A value from git's configuration, as git would see it.
    pub fn config_value(&self, key: &str) -> Option<String> {
        self.repo.config().ok()?.get_string(key).ok()
    }
}

fn commit_info(commit: &git2::Commit<'_>) -> CommitInfo {
    let author = commit.author();
    CommitInfo {
        id: commit.id().to_string(),
        author: Identity {
            name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
        },
        time: author.when().seconds(),
        offset_minutes: author.when().offset_minutes(),
        message: String::from_utf8_lossy(commit.message_bytes()).into_owned(),
        parents: commit.parent_count(),
    }
}

/// A `git update-index --stdin` waiting for the paths to update, or (no
/// child) a split index that lede will update itself. Dropped without
/// `finish`, it is told nothing and leaves the index as it was.
pub struct IndexUpdate {
    child: Option<std::process::Child>,
}

impl IndexUpdate {
    /// Gives git the paths (and the end of its input): git updates their
    /// entries from the files as they are now.
    fn send(&mut self, paths: &[&str]) {
        let Some(mut stdin) = self.child.as_mut().and_then(|child| child.stdin.take()) else {
            return;
        };
        use std::io::Write;
        let mut list = Vec::new();
        for path in paths {
            list.extend_from_slice(path.as_bytes());
            list.push(0);
        }
        // A git that has already failed closed its end; its error is
        // what matters, and `wait` reports it.
        let _ = stdin.write_all(&list);
    }

    /// Brings the index entries of `paths` up to date: waits for git to
    /// write the index (and runs git again if that failed), or writes the
    /// split index in place.
    fn finish(mut self, git: &Git, paths: &[&str]) -> Result<(), GitError> {
        let Some(child) = self.child.take() else {
            return git.update_split_index(paths);
        };
        child
            .wait_with_output()
            .map_err(|error| GitError::Program(format!("git update-index: {error}")))
            .and_then(|output| program_result(&output))
            .or_else(|_| git.update_index(paths))
    }
}

impl Drop for IndexUpdate {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Its input closes (with no paths, unless `send` gave them):
            // git finishes and releases the index lock. Killing it could
            // leave the lock behind.
            drop(child.stdin.take());
            let _ = child.wait();
        }
    }
}

/// The trees a history walk reads, each parsed once. A year's directory
/// in a large archive is one tree of thousands of entries (about 350 KB),
/// which libgit2 would otherwise inflate and parse again at every commit
/// (its own cache takes no tree over 4 KB).
struct TreeCache<'r> {
    repo: &'r Repository,
    trees: std::cell::RefCell<std::collections::HashMap<git2::Oid, git2::Tree<'r>>>,
}

impl<'r> TreeCache<'r> {
    fn new(repo: &'r Repository) -> TreeCache<'r> {
        TreeCache {
            repo,
            trees: Default::default(),
        }
    }

    fn tree(&self, id: git2::Oid) -> Option<git2::Tree<'r>> {
        if let Some(tree) = self.trees.borrow().get(&id) {
            return Some(tree.clone());
        }
        let tree = self.repo.find_tree(id).ok()?;
        self.trees.borrow_mut().insert(id, tree.clone());
        Some(tree)
    }

    /// The subtree `name` (one path component) of `tree`.
    fn subtree(&self, tree: &git2::Tree<'_>, name: &str) -> Option<git2::Tree<'r>> {
        let entry = tree.get_name(name)?;
        if entry.kind() != Some(git2::ObjectType::Tree) {
            return None;
        }
        self.tree(entry.id())
    }

    /// The id of the blob at `path` (components separated by `/`) in `root`.
    fn blob_at(&self, root: &git2::Tree<'_>, path: &str) -> Option<git2::Oid> {
        let (dirs, file) = match path.rsplit_once('/') {
            Some((dirs, file)) => (Some(dirs), file),
            None => (None, path),
        };
        let mut tree: Option<git2::Tree<'r>> = None;
        for name in dirs.into_iter().flat_map(|dirs| dirs.split('/')) {
            tree = Some(self.subtree(tree.as_ref().unwrap_or(root), name)?);
        }
        let entry = tree.as_ref().unwrap_or(root).get_name(file)?;
        (entry.kind() == Some(git2::ObjectType::Blob)).then(|| entry.id())
    }
}

fn find_in_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    dir: &str,
    file_name: &str,
) -> Option<String> {
    let dir = dir.trim_end_matches('/');
    let subtree = tree
        .get_path(Path::new(dir))
        .ok()?
        .to_object(repo)
        .ok()?
        .into_tree()
        .ok()?;
    let mut found = None;
    let _ = subtree.walk(git2::TreeWalkMode::PreOrder, |parent, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) && entry.name().ok() == Some(file_name) {
            found = Some(format!("{dir}/{parent}{file_name}"));
            return git2::TreeWalkResult::Abort;
        }
        git2::TreeWalkResult::Ok
    });
    found
}

/// A path's new state in a tree: a blob and its mode (as git writes it,
/// 0o100644 say), or `None` when the path is to be gone.
type TreeChange<'p> = (&'p str, Option<(git2::Oid, i32)>);

/// Writes the tree that is `base` with `changes` applied (paths relative to
/// it, components separated by `/`), and returns its id.
///
/// Only the trees along the changed paths are written; every other entry
/// is copied as it is, mode and id, in the order it has. A directory left
/// empty disappears, as git keeps no empty directories. This is libgit2's
/// `git_tree_create_updated` without its tree builder, which copied every
/// entry of every tree on the way and read those trees again: in a large
/// archive a year's directory has thousands of entries, and for a
/// one-story commit the copying cost more than writing the result.
fn tree_with(
    repo: &Repository,
    base: &git2::Tree<'_>,
    changes: &[TreeChange<'_>],
) -> Result<git2::Oid, git2::Error> {
    match subtree_with(repo, Some(base), changes)? {
        Some(id) => Ok(id),
        None => repo.odb()?.write(git2::ObjectType::Tree, &[]),
    }
}

/// One level of `tree_with`: `None` when the tree is left empty.
fn subtree_with(
    repo: &Repository,
    base: Option<&git2::Tree<'_>>,
    changes: &[TreeChange<'_>],
) -> Result<Option<git2::Oid>, git2::Error> {
    const TREE_MODE: i32 = 0o040000;
    /// A name at this level that a change reaches: its own new state (when
    /// the name itself is changed) and the changes inside it.
    #[derive(Default)]
    struct Reached<'p> {
        own: Option<Option<(git2::Oid, i32)>>,
        inside: Vec<TreeChange<'p>>,
    }
    let mut reached: std::collections::HashMap<&str, Reached<'_>> = Default::default();
    for &(path, change) in changes {
        match path.split_once('/') {
            Some((name, rest)) => reached.entry(name).or_default().inside.push((rest, change)),
            None => reached.entry(path).or_default().own = Some(change),
        }
    }
    // The entry each reached name ends with (`None`: no entry), and which
    // of them are new at this level.
    let mut replaced: std::collections::HashMap<&str, Option<(i32, git2::Oid)>> =
        Default::default();
    let mut added: Vec<(&[u8], i32, git2::Oid)> = Vec::new();
    for (name, Reached { own, inside }) in &reached {
        let existing = base.and_then(|tree| tree.get_name(name));
        let entry = if !inside.is_empty() {
            // A path inside `name` makes it a directory, whatever it was.
            let subtree = match &existing {
                Some(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                    Some(repo.find_tree(entry.id())?)
                }
                _ => None,
            };
            subtree_with(repo, subtree.as_ref(), inside)?.map(|id| (TREE_MODE, id))
        } else {
            own.flatten().map(|(id, mode)| (mode, id))
        };
        let is_tree = |mode: i32| mode & 0o170000 == TREE_MODE;
        match (existing, entry) {
            // A file that becomes a directory, or the other way round,
            // moves: git sorts a directory as if its name ended in `/`.
            (Some(old), Some((mode, id))) if is_tree(old.filemode_raw()) != is_tree(mode) => {
                replaced.insert(name, None);
                added.push((name.as_bytes(), mode, id));
            }
            (Some(_), _) => {
                replaced.insert(name, entry);
            }
            (None, Some((mode, id))) => added.push((name.as_bytes(), mode, id)),
            (None, None) => {}
        }
    }
    // The new entries, in git's order, merged into the existing ones
    // (which are in that order already).
    added.sort_by(|a, b| tree_order(a.0, a.1, b.0, b.1));
    let mut added = added.into_iter().peekable();
    let mut bytes = Vec::new();
    let mut push = |name: &[u8], mode: i32, id: git2::Oid| {
        use std::io::Write;
        // Writing to a Vec cannot fail.
        let _ = write!(bytes, "{mode:o} ");
        bytes.extend_from_slice(name);
        bytes.push(0);
        bytes.extend_from_slice(id.as_bytes());
    };
    for entry in base.into_iter().flat_map(|tree| tree.iter()) {
        let name = entry.name_bytes();
        let mode = entry.filemode_raw();
        while let Some((new_name, new_mode, new_id)) =
            added.next_if(|new| tree_order(new.0, new.1, name, mode).is_lt())
        {
            push(new_name, new_mode, new_id);
        }
        match std::str::from_utf8(name)
            .ok()
            .and_then(|name| replaced.get(name))
        {
            Some(Some((mode, id))) => push(name, *mode, *id),
            Some(None) => {}
            None => push(name, mode, entry.id()),
        }
    }
    for (name, mode, id) in added {
        push(name, mode, id);
    }
    if bytes.is_empty() {
        return Ok(None);
    }
    write_tree_object(repo, &bytes).map(Some)
}

/// Trees from this size on are stored as loose objects without
/// compression (see `write_loose_uncompressed`).
const UNCOMPRESSED_TREE_BYTES: usize = 64 * 1024;

/// Stores a tree object and returns its id.
fn write_tree_object(repo: &Repository, bytes: &[u8]) -> Result<git2::Oid, git2::Error> {
    let odb = repo.odb()?;
    if bytes.len() < UNCOMPRESSED_TREE_BYTES {
        return odb.write(git2::ObjectType::Tree, bytes);
    }
    let id = git2::Oid::hash_object(git2::ObjectType::Tree, bytes)?;
    if odb.exists(id) {
        // libgit2 finds it and marks it fresh (so that a `git gc` running
        // now keeps it), as git does for an object it would write again.
        return odb.write(git2::ObjectType::Tree, bytes);
    }
    write_loose_uncompressed(repo, id, "tree", bytes)
        .map_err(|error| git2::Error::from_str(&format!("cannot write object {id}: {error}")))?;
    Ok(id)
}

/// Writes the loose object `id` (of `kind`, holding `content`) with zlib's
/// stored blocks: a valid zlib stream that git and libgit2 read as they
/// read any loose object, without compressing it.
///
/// Every one-story commit rewrites the tree of the story's directory, and
/// in a large archive that is one tree of thousands of entries (about
/// 350 KB for a year of a 100,000-story archive). Compressing it at zlib's
/// fastest level took longer than the rest of the commit, and reading it
/// back (the next command's history walk) cost an inflate again. The saving
/// is short-lived besides: the tree is superseded by the next commit to
/// that directory, and `git gc` packs loose trees as small deltas of each
/// other, which no zlib level approaches. What it costs is disk until then:
/// about 2.5 times the compressed size, for trees of this size only.
///
/// Like libgit2's own loose writes: a temporary file beside the object
/// under a name git's gc knows, renamed into place, mode 0444, no fsync.
fn write_loose_uncompressed(
    repo: &Repository,
    id: git2::Oid,
    kind: &str,
    content: &[u8],
) -> std::io::Result<()> {
    let hex = id.to_string();
    let dir = repo.path().join("objects").join(&hex[..2]);
    let mut raw = format!("{kind} {}\0", content.len()).into_bytes();
    raw.extend_from_slice(content);
    let file_bytes = zlib_stored(&raw);
    let temporary = dir.join(format!(
        "tmp_obj_lede_{}_{}",
        std::process::id(),
        &hex[2..10]
    ));
    crate::fs::replace(
        &dir.join(&hex[2..]),
        &file_bytes,
        &crate::fs::Replace {
            durable: false,
            read_only: true,
            temporary: Some(&temporary),
        },
    )
}

/// `data` as a zlib stream (RFC 1950) of stored deflate blocks (RFC 1951,
/// section 3.2.4): a two-byte header, blocks of at most 65,535 bytes each
/// with their length and its complement, and the Adler-32 of `data`.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    const MAX_BLOCK: usize = 65_535;
    let blocks = data.len().div_ceil(MAX_BLOCK).max(1);
    let mut out = Vec::with_capacity(2 + data.len() + 5 * blocks + 4);
    // Deflate with a 32 KB window, fastest level; (0x78 << 8 | 0x01) % 31 == 0.
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(MAX_BLOCK).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let len = chunk.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

/// The Adler-32 checksum (RFC 1950, section 8.2).
fn adler32(data: &[u8]) -> u32 {
    const MODULUS: u32 = 65_521;
    // The largest run whose sums cannot overflow a u32 before reduction.
    const RUN: usize = 5_552;
    let (mut a, mut b) = (1u32, 0u32);
    for run in data.chunks(RUN) {
        for &byte in run {
            a += u32::from(byte);
            b += a;
        }
        a %= MODULUS;
        b %= MODULUS;
    }
    (b << 16) | a
}

/// git's order of the entries of a tree: by name, a directory's name
/// compared as if it ended in `/` (so the file `a.toml` comes before the
/// directory `a`, and that before `a0`).
fn tree_order(a: &[u8], a_mode: i32, b: &[u8], b_mode: i32) -> std::cmp::Ordering {
    let slash = |mode: i32| (mode & 0o170000 == 0o040000).then_some(b'/');
    a.iter()
        .copied()
        .chain(slash(a_mode))
        .cmp(b.iter().copied().chain(slash(b_mode)))
}

/// What a commit to a branch other than HEAD's changes: files to write (path
/// and contents) and paths to remove.
#[derive(Debug, Default)]
pub struct TreeEdit<'a> {
    pub write: Vec<(&'a str, &'a [u8])>,
    pub remove: Vec<&'a str>,
}

impl Git {
    /// The commit a local branch points at, or `None` when it does not exist.
    pub fn branch_tip(&self, name: &str) -> Result<Option<String>, GitError> {
        match self.repo.find_branch(name, git2::BranchType::Local) {
            Ok(branch) => Ok(branch.get().target().map(|oid| oid.to_string())),
            Err(error) if error.code() == ErrorCode::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Commits `edit` on top of branch `name`, whose tip must still be
    /// `expected_tip` (`None`: the branch must not exist yet; the commit is
    /// then a root commit). The branch moves in one atomic reference update
    /// that fails if another process moved it first, so two writers can
    /// never lose each other's commit. HEAD, the index and the working tree
    /// are not touched.
    pub fn commit_to_branch(
        &self,
        name: &str,
        expected_tip: Option<&str>,
        edit: &TreeEdit<'_>,
        message: &str,
    ) -> Result<String, GitError> {
        let author = self.signature("AUTHOR")?;
        let committer = self
            .signature("COMMITTER")
            .unwrap_or_else(|_| author.clone());
        let parent = match expected_tip {
            Some(tip) => Some(self.repo.find_commit(git2::Oid::from_str(tip)?)?),
            None => None,
        };
        let base_tree = match &parent {
            Some(commit) => commit.tree()?,
            None => self.repo.find_tree(self.repo.treebuilder(None)?.write()?)?,
        };
        let mut changes: Vec<TreeChange<'_>> =
            edit.remove.iter().map(|path| (*path, None)).collect();
        for (path, bytes) in &edit.write {
            let blob = self.repo.blob(bytes)?;
            changes.push((*path, Some((blob, FileMode::Blob.into()))));
        }
        let tree = self
            .repo
            .find_tree(tree_with(&self.repo, &base_tree, &changes)?)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let commit = self
            .repo
            .commit(None, &author, &committer, message, &tree, &parents)?;
        let reference = format!("refs/heads/{name}");
        let log = format!("lede: {}", message.lines().next().unwrap_or_default());
        let moved = |error: git2::Error| match error.code() {
            ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists => {
                GitError::Moved(name.to_owned(), error.message().to_owned())
            }
            _ => error.into(),
        };
        match expected_tip {
            Some(tip) => {
                self.repo
                    .reference_matching(&reference, commit, true, git2::Oid::from_str(tip)?, &log)
                    .map_err(moved)?;
            }
            None => {
                self.repo
                    .reference(&reference, commit, false, &log)
                    .map_err(moved)?;
            }
        }
        Ok(commit.to_string())
    }

    /// The commit a reference (`refs/remotes/origin/published`, say) points
    /// at, or `None` when there is no such reference.
    pub fn reference_tip(&self, name: &str) -> Result<Option<String>, GitError> {
        match self.repo.find_reference(name) {
            Ok(reference) => Ok(reference
                .peel_to_commit()
                .ok()
                .map(|commit| commit.id().to_string())),
            Err(error) if error.code() == ErrorCode::NotFound => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    /// Whether `ancestor` is `descendant` or in its history.
    pub fn is_ancestor(&self, ancestor: &str, descendant: &str) -> Result<bool, GitError> {
        let (a, d) = (
            git2::Oid::from_str(ancestor)?,
            git2::Oid::from_str(descendant)?,
        );
        Ok(a == d || self.repo.graph_descendant_of(d, a)?)
    }

    /// Points local branch `name` at `to`, if it still points at
    /// `expected` (`None`: the branch must not exist yet). Used to bring a
    /// branch that is not checked out up to its remote's.
    pub fn set_branch(&self, name: &str, to: &str, expected: Option<&str>) -> Result<(), GitError> {
        let reference = format!("refs/heads/{name}");
        let log = format!("lede: {name} brought up to date");
        let to = git2::Oid::from_str(to)?;
        let result = match expected {
            Some(tip) => self
                .repo
                .reference_matching(&reference, to, true, git2::Oid::from_str(tip)?, &log)
                .map(drop),
            None => self.repo.reference(&reference, to, false, &log).map(drop),
        };
        result.map_err(|error| match error.code() {
            ErrorCode::Modified | ErrorCode::Locked | ErrorCode::Exists => {
                GitError::Moved(name.to_owned(), error.message().to_owned())
            }
            _ => error.into(),
        })
    }

    /// Makes the commits that `tip` has and `onto` lacks again on top of
    /// `onto`, oldest first, each with its author and message, as `git
    /// rebase` does for a branch that is not checked out. Returns the new
    /// tip, or the paths that both sides changed differently (then nothing
    /// is written that any reference points at).
    pub fn replay(&self, tip: &str, onto: &str) -> Result<Result<String, Vec<String>>, GitError> {
        let committer = self.signature("COMMITTER")?;
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(git2::Oid::from_str(tip)?)?;
        walk.hide(git2::Oid::from_str(onto)?)?;
        let mut base = self.repo.find_commit(git2::Oid::from_str(onto)?)?;
        let trees = TreeCache::new(&self.repo);
        for oid in walk {
            let commit = self.repo.find_commit(oid?)?;
            let parent_tree = match commit.parents().next() {
                Some(parent) => Some(parent.tree()?),
                None => None,
            };
            let tree = commit.tree()?;
            let mut deltas = Vec::new();
            self.diff_trees(parent_tree.as_ref(), Some(&tree), "", &mut deltas)?;
            let base_tree = base.tree()?;
            let mut conflicts = Vec::new();
            let mut changes: Vec<(String, Option<(git2::Oid, i32)>)> = Vec::new();
            for delta in deltas {
                let path = delta
                    .new
                    .as_ref()
                    .or(delta.old.as_ref())
                    .map(|f| f.path.clone())
                    .unwrap_or_default();
                let ours = delta
                    .new
                    .as_ref()
                    .and_then(|f| f.blob.as_deref())
                    .map(git2::Oid::from_str)
                    .transpose()?;
                let before = parent_tree.as_ref().and_then(|t| trees.blob_at(t, &path));
                let theirs = trees.blob_at(&base_tree, &path);
                if theirs == ours {
                    continue;
                }
                if theirs != before {
                    conflicts.push(path);
                    continue;
                }
                changes.push((path, ours.map(|id| (id, FileMode::Blob.into()))));
            }
            if !conflicts.is_empty() {
                return Ok(Err(conflicts));
            }
            let borrowed: Vec<TreeChange<'_>> = changes
                .iter()
                .map(|(path, change)| (path.as_str(), *change))
                .collect();
            let new_tree = self
                .repo
                .find_tree(tree_with(&self.repo, &base_tree, &borrowed)?)?;
            let id = self.repo.commit(
                None,
                &commit.author(),
                &committer,
                &String::from_utf8_lossy(commit.message_bytes()),
                &new_tree,
                &[&base],
            )?;
            base = self.repo.find_commit(id)?;
        }
        Ok(Ok(base.id().to_string()))
    }

    /// The commits at which a shallow clone's history is cut (git's
    /// `shallow` file): their parents are missing. Empty for a whole clone.
    fn shallow_commits(&self) -> Result<std::collections::HashSet<git2::Oid>, GitError> {
        if !self.repo.is_shallow() {
            return Ok(Default::default());
        }
        let text = std::fs::read_to_string(self.repo.commondir().join("shallow"))
            .map_err(|e| GitError::Program(format!("cannot read the shallow file: {e}")))?;
        Ok(text
            .lines()
            .filter_map(|line| git2::Oid::from_str(line.trim()).ok())
            .collect())
    }

    /// The working directories (the main one and linked worktrees) whose
    /// HEAD is on branch `name`.
    pub fn checked_out_at(&self, name: &str) -> Result<Vec<PathBuf>, GitError> {
        let full = format!("refs/heads/{name}");
        let on_branch = |repo: &Repository| {
            repo.find_reference("HEAD")
                .ok()
                .and_then(|head| head.symbolic_target().ok().flatten().map(|t| t == full))
                .unwrap_or(false)
        };
        let main = Repository::open(self.repo.commondir())?;
        let mut places = Vec::new();
        if !main.is_bare() && on_branch(&main) {
            places.push(main.workdir().unwrap_or(main.path()).to_owned());
        }
        for worktree_name in main.worktrees()?.iter().flatten().flatten() {
            let Ok(worktree) = main.find_worktree(worktree_name) else {
                continue;
            };
            // A worktree whose directory is gone (not yet pruned).
            if worktree.validate().is_err() {
                continue;
            }
            let repo = Repository::open_from_worktree(&worktree)?;
            if on_branch(&repo) {
                places.push(worktree.path().to_owned());
            }
        }
        Ok(places)
    }

    /// Whether this is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// The name of the branch HEAD is on, when it is on one.
    pub fn current_branch(&self) -> Option<String> {
        let head = self.repo.head().ok()?;
        if !head.is_branch() {
            return None;
        }
        head.shorthand().ok().map(str::to_owned)
    }

    /// Whether the repository has a remote of this name.
    pub fn has_remote(&self, name: &str) -> bool {
        self.repo.find_remote(name).is_ok()
    }

    /// The id git gives these bytes as a blob, without storing them.
    pub fn blob_id(bytes: &[u8]) -> Result<String, GitError> {
        Ok(git2::Oid::hash_object(git2::ObjectType::Blob, bytes)?.to_string())
    }

    /// Whether a commit carries a good signature, as `git verify-commit`
    /// judges it with the user's keys and git's configuration.
    pub fn verify_commit(&self, id: &str) -> bool {
        self.git_program()
            .args(["verify-commit", id])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    /// The commits reachable from `head` but not from `since`, oldest
    /// first, each with its first parent (`None` for a root commit) and
    /// its number of parents.
    pub fn range(
        &self,
        since: &str,
        head: &str,
    ) -> Result<Vec<(CommitInfo, Option<String>)>, GitError> {
        let mut walk = self.repo.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(git2::Oid::from_str(&self.resolve(head)?)?)?;
        walk.hide(git2::Oid::from_str(&self.resolve(since)?)?)?;
        let mut commits = Vec::new();
        let cut = self.shallow_commits()?;
        for oid in walk {
            let oid = oid?;
            // `since` is not reachable without the history beyond the cut.
            if cut.contains(&oid) {
                return Err(GitError::Shallow);
            }
            let commit = self.repo.find_commit(oid)?;
            let parent = commit.parent_ids().next().map(|id| id.to_string());
            commits.push((commit_info(&commit), parent));
        }
        Ok(commits)
    }

    /// Pushes the published branch and the current branch to `remote`
    /// with the git program, so that the user's credential helpers, SSH
    /// keys and remote configuration apply.
    pub fn push(&self, remote: &str, published_branch: &str) -> Result<(), GitError> {
        let published = format!("refs/heads/{published_branch}:refs/heads/{published_branch}");
        self.run_git(&["push", "--quiet", remote, &published, "HEAD"])
            .map_err(|error| match error {
                GitError::Program(message) => GitError::Push(message),
                other => other,
            })
    }

    /// Removes the lock files git leaves when a writer is killed (the
    /// index's, HEAD's, the packed references' and the branches'), when they were made in the
    /// minute before the lede that was killed last noted a git write.
    /// Returns what was removed. Only called when lede knows the previous
    /// lede died while git was writing; a lock file another git process is
    /// holding right now is newer than that and stays.
    pub fn remove_stale_locks(&self) -> Vec<String> {
        let git_dir = self.repo.path();
        let noted = std::fs::metadata(git_dir.join("lede.lock"))
            .and_then(|m| m.modified())
            .ok();
        let mut candidates = vec![
            git_dir.join("index.lock"),
            git_dir.join("HEAD.lock"),
            git_dir.join("packed-refs.lock"),
        ];
        let mut dirs = vec![git_dir.join("refs/heads")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "lock") {
                    candidates.push(path);
                }
            }
        }
        let mut removed = Vec::new();
        for path in candidates {
            let Ok(modified) = std::fs::metadata(&path).and_then(|m| m.modified()) else {
                continue;
            };
            let in_window = noted.is_none_or(|noted| {
                modified <= noted + std::time::Duration::from_secs(60)
                    && modified + std::time::Duration::from_secs(60) >= noted
            });
            if in_window && std::fs::remove_file(&path).is_ok() {
                removed.push(path.display().to_string());
            }
        }
        removed
    }

    /// Updates the index entry of `path` to the file as it is in the
    /// working tree, through `pending` when an update was started (it
    /// holds git's index lock until told what to do).
    pub fn refresh_index(&self, path: &str, pending: Option<IndexUpdate>) -> Result<(), GitError> {
        match pending {
            Some(mut pending) => {
                pending.send(&[path]);
                pending.finish(self, &[path])
            }
            None => self.update_index(&[path]),
        }
    }
}

/// The `GLIBC_TUNABLES` git runs with: the caller's, plus transparent huge
/// pages for malloc's large blocks unless the caller chose otherwise.
///
/// git reads the whole index into memory it allocates at once (about 18 MB
/// at 100,000 files). In 4 KB pages that is over 4,000 page faults, which
/// took a third of a `git update-index`; with huge pages it was about a
/// quarter as many (1,341 against 5,361), and the same command took about
/// 30% less time (BENCHMARKS.md, `lede publish`: 0.022 s against 0.031 s).
/// With a split index lede writes the index itself (`git_index`), and git
/// runs only for the default index and when that declines. glibc before 2.35 and other C libraries ignore the
/// variable, and a kernel with transparent huge pages off ignores the
/// request; git's behaviour is the same either way.
fn huge_page_tunables(current: Option<std::ffi::OsString>) -> Option<std::ffi::OsString> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    const HUGE_PAGES: &str = "glibc.malloc.hugetlb=1";
    match current {
        None => Some(HUGE_PAGES.into()),
        Some(current) if current.is_empty() => Some(HUGE_PAGES.into()),
        Some(current) if current.to_string_lossy().contains("glibc.malloc.hugetlb") => None,
        Some(mut current) => {
            current.push(":");
            current.push(HUGE_PAGES);
            Some(current)
        }
    }
}

/// A finished git program: its error output is the error.
fn program_result(output: &std::process::Output) -> Result<(), GitError> {
    if output.status.success() {
        Ok(())
    } else {
        Err(GitError::Program(
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        ))
    }
}

/// git reads its global configuration from `GIT_CONFIG_GLOBAL` when that is
/// set; libgit2 does not, so lede does it, and a user's (or a test's)
/// per-person configuration means the same to lede as to git.
fn honour_global_override(mut config: git2::Config) -> Result<git2::Config, GitError> {
    if let Some(global) = std::env::var_os("GIT_CONFIG_GLOBAL") {
        let global = PathBuf::from(global);
        if global.is_file() {
            config.add_file(&global, git2::ConfigLevel::Global, true)?;
        }
    }
    Ok(config)
}

fn identity_from(config: &git2::Config, role: &str) -> Result<Identity, GitError> {
    let from_env = |what: &str| {
        std::env::var(format!("GIT_{role}_{what}"))
            .ok()
            .filter(|value| !value.trim().is_empty())
    };
    let from_config = |key: &str| {
        config
            .get_string(key)
            .ok()
            .filter(|value| !value.trim().is_empty())
    };
    let name = from_env("NAME").or_else(|| from_config("user.name"));
    let email = from_env("EMAIL").or_else(|| from_config("user.email"));
    match (name, email) {
        (Some(name), Some(email)) => Ok(Identity { name, email }),
        _ => Err(GitError::NoIdentity),
    }
}

fn file_mode(path: &Path) -> FileMode {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(metadata) if metadata.permissions().mode() & 0o111 != 0 => FileMode::BlobExecutable,
        _ => FileMode::Blob,
    }
}

/// The date forms git accepts in `GIT_*_DATE` that scripts use: RFC 3339 /
/// ISO 8601 (`2025-11-07T09:30:00Z`, `2025-11-07 09:30:00 +0100`) and git's
/// internal `@1762507800 +0000` or `1762507800 +0000`.
fn parse_git_date(text: &str) -> Option<Time> {
    let text = text.trim();
    let internal = text.strip_prefix('@').unwrap_or(text);
    if let Some((seconds, zone)) = internal.split_once(' ')
        && let (Ok(seconds), Some(offset)) = (seconds.parse::<i64>(), parse_zone(zone))
    {
        return Some(Time::new(seconds, offset));
    }
    // "2025-11-07 09:30:00 +0100" → "2025-11-07T09:30:00+01:00"
    let iso = match text.rsplit_once(' ') {
        Some((date_time, zone)) if parse_zone(zone).is_some() && date_time.contains(':') => {
            let minutes = parse_zone(zone)?;
            let sign = if minutes < 0 { '-' } else { '+' };
            format!(
                "{}{sign}{:02}:{:02}",
                date_time.replacen(' ', "T", 1),
                minutes.abs() / 60,
                minutes.abs() % 60
            )
        }
        _ => text.to_owned(),
    };
    let datetime: toml::value::Datetime = iso.parse().ok()?;
    let (seconds, _) = crate::record::document::instant(&datetime)?;
    let offset = match datetime.offset? {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => i32::from(minutes),
    };
    Some(Time::new(seconds, offset))
}

/// `+0100` → 60 minutes.
fn parse_zone(zone: &str) -> Option<i32> {
    let (sign, digits) = match zone.as_bytes().first()? {
        b'+' => (1, &zone[1..]),
        b'-' => (-1, &zone[1..]),
        _ => return None,
    };
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    Some(sign * (hours * 60 + minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `tree_with` must write exactly the tree libgit2's own tree update
    /// writes, for every kind of edit.
    #[test]
    fn trees_are_written_as_libgit2_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let blob = |text: &str| repo.blob(text.as_bytes()).unwrap();
        let (a, b) = (blob("a\n"), blob("b\n"));
        let mut base = git2::build::TreeUpdateBuilder::new();
        for path in [
            "README.md",
            "a",
            "a.toml",
            "a0",
            "stories/2024/one.toml",
            "stories/2024/two.toml",
            "stories/2025/three.toml",
            "stories/2025/sub/deep.toml",
            "topics/z.toml",
        ] {
            base.upsert(path, a, FileMode::Blob);
        }
        base.upsert("run.sh", a, FileMode::BlobExecutable);
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let empty = repo.find_tree(empty).unwrap();
        let base = repo
            .find_tree(base.create_updated(&repo, &empty).unwrap())
            .unwrap();
        let cases: Vec<Vec<TreeChange<'_>>> = vec![
            vec![],
            vec![("stories/2024/one.toml", Some((b, 0o100644)))],
            vec![("stories/2024/new.toml", Some((b, 0o100644)))],
            vec![("stories/2024/a.toml", Some((b, 0o100644)))],
            vec![("stories/2024/zzz.toml", Some((b, 0o100644)))],
            vec![("stories/2026/first.toml", Some((b, 0o100644)))],
            vec![("stories/2024/one.toml", None)],
            vec![
                ("stories/2024/one.toml", None),
                ("stories/2024/two.toml", None),
            ],
            vec![("stories/2025/sub/deep.toml", None)],
            vec![("run.sh", Some((b, 0o100644)))],
            vec![
                ("b", Some((b, 0o100755))),
                ("a-b/c.toml", Some((b, 0o100644))),
                ("topics/z.toml", None),
                ("stories/2025/three.toml", Some((b, 0o100644))),
            ],
        ];
        for changes in cases {
            let mut expected = git2::build::TreeUpdateBuilder::new();
            for (path, change) in &changes {
                match change {
                    Some((id, mode)) => {
                        let mode = if *mode == 0o100755 {
                            FileMode::BlobExecutable
                        } else {
                            FileMode::Blob
                        };
                        expected.upsert(*path, *id, mode);
                    }
                    None => {
                        expected.remove(*path);
                    }
                }
            }
            let expected = expected.create_updated(&repo, &base).unwrap();
            assert_eq!(
                tree_with(&repo, &base, &changes).unwrap(),
                expected,
                "{changes:?}"
            );
        }
        // A path inside what was a file makes it a directory, and a file
        // where a directory was replaces it, as `git add` does (libgit2
        // refuses; removing the old entry first is the same).
        for (file, inside) in [
            ("a", "a/inside.toml"),
            ("a.toml", "a.toml/x"),
            ("stories", "stories"),
        ] {
            let mut removed = git2::build::TreeUpdateBuilder::new();
            removed.remove(file);
            let removed = repo
                .find_tree(removed.create_updated(&repo, &base).unwrap())
                .unwrap();
            let mut expected = git2::build::TreeUpdateBuilder::new();
            expected.upsert(inside, b, FileMode::Blob);
            let expected = expected.create_updated(&repo, &removed).unwrap();
            let changes = [(inside, Some((b, 0o100644)))];
            assert_eq!(
                tree_with(&repo, &base, &changes).unwrap(),
                expected,
                "{inside}"
            );
        }
        // Removing what is not there changes nothing (libgit2 refuses).
        for missing in ["missing/file.toml", "stories/2024/missing.toml", "nothing"] {
            assert_eq!(
                tree_with(&repo, &base, &[(missing, None)]).unwrap(),
                base.id()
            );
        }
        // Everything removed: the empty tree.
        let all: Vec<TreeChange<'_>> = [
            "README.md",
            "a",
            "a.toml",
            "a0",
            "run.sh",
            "stories",
            "topics",
        ]
        .into_iter()
        .map(|path| (path, None))
        .collect();
        assert_eq!(tree_with(&repo, &base, &all).unwrap(), empty.id());
    }

    #[test]
    fn adler32_matches_the_published_values() {
        assert_eq!(adler32(b""), 1);
        assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
        // Long enough to need the modular reduction many times over.
        let long = vec![0xffu8; 1 << 20];
        let (mut a, mut b) = (1u64, 0u64);
        for &byte in &long {
            a = (a + u64::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        assert_eq!(adler32(&long), ((b << 16) | a) as u32);
    }

    /// A large tree is stored uncompressed, under the id git gives it, and
    /// reads back through libgit2 and through git itself.
    #[test]
    fn large_trees_are_stored_uncompressed_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let blob = repo.blob(b"a story\n").unwrap();
        // Around 3,000 entries: several stored blocks of 65,535 bytes.
        let mut builder = git2::build::TreeUpdateBuilder::new();
        for n in 0..3_000 {
            builder.upsert(
                format!("stories/2024/a-story-with-a-long-slug-number-{n:05}.toml"),
                blob,
                FileMode::Blob,
            );
        }
        let empty = repo.treebuilder(None).unwrap().write().unwrap();
        let empty = repo.find_tree(empty).unwrap();
        let expected = repo
            .find_tree(builder.create_updated(&repo, &empty).unwrap())
            .unwrap();
        let expected_year = expected.get_path(Path::new("stories/2024")).unwrap().id();
        let year_bytes = repo
            .odb()
            .unwrap()
            .read(expected_year)
            .unwrap()
            .data()
            .to_vec();
        assert!(year_bytes.len() > 3 * 65_535);

        // A fresh repository, so that the object is written anew.
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        repo.blob(b"a story\n").unwrap();
        let id = write_tree_object(&repo, &year_bytes).unwrap();
        assert_eq!(id, expected_year);
        let hex = id.to_string();
        let loose = dir
            .path()
            .join(".git/objects")
            .join(&hex[..2])
            .join(&hex[2..]);
        let stored = std::fs::read(&loose).unwrap();
        assert_eq!(&stored[..2], &[0x78, 0x01]);
        assert!(stored.len() > year_bytes.len(), "stored, not compressed");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&loose).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o444);
        }
        let leftovers: Vec<_> = std::fs::read_dir(loose.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .filter(|name| name.to_string_lossy().starts_with("tmp_"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let tree = repo.find_tree(id).unwrap();
        assert_eq!(tree.len(), 3_000);
        assert_eq!(
            repo.odb().unwrap().read(id).unwrap().data(),
            &year_bytes[..]
        );
        // Written again: found, not rewritten.
        assert_eq!(write_tree_object(&repo, &year_bytes).unwrap(), id);
        let signature = Signature::now("Test", "test@example.org").unwrap();
        repo.commit(Some("HEAD"), &signature, &signature, "Import\n", &tree, &[])
            .unwrap();

        // git reads it, and finds it sound.
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(dir.path())
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .output()
        };
        let Ok(listed) = git(&["ls-tree", &hex]) else {
            return; // no git program here
        };
        assert!(listed.status.success(), "{listed:?}");
        assert_eq!(
            String::from_utf8_lossy(&listed.stdout).lines().count(),
            3_000
        );
        let checked = git(&["fsck", "--strict", "--no-dangling"]).unwrap();
        assert!(checked.status.success(), "{checked:?}");
        assert!(checked.stderr.is_empty(), "{checked:?}");
    }

    #[test]
    fn zlib_stored_frames_every_length() {
        for len in [0usize, 1, 65_534, 65_535, 65_536, 131_070, 131_071] {
            let data: Vec<u8> = (0..len).map(|n| (n % 251) as u8).collect();
            let framed = zlib_stored(&data);
            let blocks = len.div_ceil(65_535).max(1);
            assert_eq!(framed.len(), 2 + len + 5 * blocks + 4, "length {len}");
            // Only the last block is marked final.
            let mut at = 2;
            for block in 0..blocks {
                let size = u16::from_le_bytes([framed[at + 1], framed[at + 2]]);
                let complement = u16::from_le_bytes([framed[at + 3], framed[at + 4]]);
                assert_eq!(framed[at], u8::from(block + 1 == blocks));
                assert_eq!(size, !complement);
                at += 5 + usize::from(size);
            }
            assert_eq!(at + 4, framed.len());
            assert_eq!(&framed[at..], &adler32(&data).to_be_bytes());
        }
    }

    #[test]
    fn huge_pages_are_asked_for_without_overriding_the_callers_tunables() {
        if !cfg!(target_os = "linux") {
            assert_eq!(huge_page_tunables(None), None);
            return;
        }
        let tunables = |current: Option<&str>| {
            huge_page_tunables(current.map(Into::into)).map(|t| t.into_string().unwrap())
        };
        assert_eq!(tunables(None).as_deref(), Some("glibc.malloc.hugetlb=1"));
        assert_eq!(
            tunables(Some("")).as_deref(),
            Some("glibc.malloc.hugetlb=1")
        );
        assert_eq!(
            tunables(Some("glibc.malloc.arena_max=2")).as_deref(),
            Some("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1")
        );
        // A caller's own choice, including "off", stands.
        assert_eq!(tunables(Some("glibc.malloc.hugetlb=0")), None);
    }

    #[test]
    fn git_dates_parse_in_the_forms_scripts_use() {
        let at = |text: &str| parse_git_date(text).map(|t| (t.seconds(), t.offset_minutes()));
        assert_eq!(at("2025-11-07T09:30:00Z"), Some((1_762_507_800, 0)));
        assert_eq!(at("2025-11-07T10:30:00+01:00"), Some((1_762_507_800, 60)));
        assert_eq!(at("2025-11-07 10:30:00 +0100"), Some((1_762_507_800, 60)));
        assert_eq!(at("@1762507800 +0000"), Some((1_762_507_800, 0)));
        assert_eq!(at("1762507800 -0130"), Some((1_762_507_800, -90)));
        assert_eq!(at("yesterday"), None);
    }
}
