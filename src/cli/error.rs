//! The one error type commands return, as jj's `command_error.rs` has it:
//! what went wrong, the chain of causes under it, what to do, and a kind
//! that decides the exit status.
//!
//! Library errors are typed enums (one per module) and become a
//! `CommandError` through `From`, which keeps them whole: the message is the
//! error's own text and the causes are its `source()` chain, so nothing that
//! explains a failure is flattened into a string on the way. The hints that
//! depend on the kind of failure (which command to run next, whether
//! anything was changed) are added here, once, instead of at every call.
//!
//! Printed on stderr as `error:`, then one `caused by:` line per cause, then
//! `hint:` lines. A check that finds problems is not an error but an outcome
//! (`Outcome::Problems`, status 1).

use std::error::Error as StdError;
use std::fmt::Write as _;

use crate::check::schema::SchemaError;
use crate::diff::compare::CompareError;
use crate::fs::lock::LockError;
use crate::git::GitError;
use crate::newsroom::change::ChangeError;
use crate::newsroom::config::ConfigError;
use crate::newsroom::layout::RepoError;
use crate::newsroom::stories::ReadError;
use crate::record::edit::EditError;
use crate::site::SiteError;
use crate::site::load::LoadError;
use crate::workflow::publish::PublishError;
use crate::workflow::revise::ReviseError;
use crate::workflow::step::StepError;
use crate::workflow::team::TeamError;

/// What kind of failure an error is, which decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user asked for something that cannot be done as asked: a bad
    /// argument, a missing story, a refused step. Exit status 2.
    User,
    /// `lede.toml` or a schema is broken. Exit status 2.
    Config,
    /// Two people's changes collided and a person must choose (a merge
    /// conflict): status 1, as DESIGN.md gives merge conflicts.
    Conflict,
    /// The environment failed lede: I/O, git, another process holding the
    /// repository or moving a branch meanwhile, a bug. Exit status 2.
    Internal,
    /// Standard output was closed by its reader (`lede list | head`): the
    /// reader got what it wanted, so this is a quiet exit with status 0, as
    /// ripgrep and git do.
    BrokenPipe,
}

#[derive(Debug)]
pub struct CommandError {
    pub kind: ErrorKind,
    message: String,
    causes: Vec<String>,
    hints: Vec<String>,
}

impl CommandError {
    /// A user error with this message.
    pub fn new(message: impl Into<String>) -> CommandError {
        CommandError::with_kind(ErrorKind::User, message)
    }

    pub fn with_kind(kind: ErrorKind, message: impl Into<String>) -> CommandError {
        CommandError {
            kind,
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// An error of this kind from a typed error: its text is the message and
    /// its `source()` chain the causes.
    pub fn from_error(kind: ErrorKind, error: &(dyn StdError + 'static)) -> CommandError {
        let mut command_error = CommandError::with_kind(kind, error.to_string());
        let mut source = error.source();
        while let Some(cause) = source {
            command_error = command_error.cause(cause.to_string());
            source = cause.source();
        }
        // A shallow clone is the user's to fix, under whichever error the
        // library wrapped it (most wrap git's errors transparently).
        let shallow = crate::git::GitError::Shallow.to_string();
        if command_error.message.contains(&shallow)
            || command_error.causes.iter().any(|c| c.contains(&shallow))
        {
            command_error.kind = ErrorKind::User;
            command_error = command_error
                .hint("`git fetch --unshallow` fetches the rest of the history")
                .hint("in GitHub Actions: actions/checkout with `fetch-depth: 0`");
        }
        command_error
    }

    /// Adds a hint, once: a `From` conversion and its caller may both know
    /// that nothing was changed.
    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        let hint = hint.into();
        if !self.hints.contains(&hint) {
            self.hints.push(hint);
        }
        self
    }

    /// Adds a cause, unless the text printed so far already says it: error
    /// messages often name their cause inline ("cannot read X: denied"), and
    /// the same words twice help nobody.
    pub fn cause(mut self, cause: impl Into<String>) -> CommandError {
        let cause = cause.into();
        let said = self.message.contains(&cause) || self.causes.iter().any(|c| c.contains(&cause));
        if !cause.is_empty() && !said {
            self.causes.push(cause);
        }
        self
    }

    /// "unresolved conflict in <file>: <parts>" for the first of
    /// `conflicts`, the others as causes: a conflict a person must resolve
    /// (exit status 1).
    pub fn unresolved(conflicts: &[crate::newsroom::conflicts::Unresolved]) -> CommandError {
        let Some((first, rest)) = conflicts.split_first() else {
            return CommandError::with_kind(ErrorKind::Internal, "no conflict to report");
        };
        let mut error = CommandError::with_kind(ErrorKind::Conflict, first.to_string());
        for other in rest {
            error = error.cause(other.to_string());
        }
        error.hint(format!(
            "in each conflicting block keep the text you want and delete the <<<<<<<, ======= and >>>>>>> lines, then `git add {}`",
            first.path
        ))
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The exit status this error ends lede with.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::BrokenPipe => 0,
            ErrorKind::Conflict => 1,
            ErrorKind::User | ErrorKind::Config | ErrorKind::Internal => 2,
        }
    }

    /// The text printed on stderr; nothing for a reader that went away.
    pub fn render(&self) -> String {
        if self.kind == ErrorKind::BrokenPipe {
            return String::new();
        }
        let mut out = format!("error: {}\n", self.message);
        for cause in &self.causes {
            let _ = writeln!(out, "caused by: {cause}");
        }
        for hint in &self.hints {
            let _ = writeln!(out, "hint: {hint}");
        }
        out
    }
}

/// How a command that ran to the end came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit status 0.
    Success,
    /// The check found problems: exit status 1.
    Problems,
}

/// Writing to standard output or error is the only I/O commands do without
/// a library call around it, so an `io::Error` that reaches a command is
/// one of those writes.
impl From<std::io::Error> for CommandError {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            CommandError::with_kind(ErrorKind::BrokenPipe, "the output was closed")
        } else {
            CommandError::with_kind(ErrorKind::Internal, "cannot write the output")
                .cause(error.to_string())
        }
    }
}

impl From<RepoError> for CommandError {
    fn from(error: RepoError) -> Self {
        let hint = match &error {
            RepoError::NotFound { .. } => {
                Some("run lede inside a content repository, or name one with -C <dir>")
            }
            RepoError::Missing { .. } => {
                Some("check the path; it is taken relative to the current directory")
            }
            RepoError::Io { .. } => None,
            RepoError::Bare(_) => {
                Some("clone it (git clone <bare> newsroom) and run lede in the clone")
            }
        };
        let kind = match error {
            RepoError::Io { .. } => ErrorKind::Internal,
            _ => ErrorKind::User,
        };
        let command_error = CommandError::from_error(kind, &error);
        match hint {
            Some(hint) => command_error.hint(hint),
            None => command_error,
        }
    }
}

impl From<ConfigError> for CommandError {
    fn from(error: ConfigError) -> Self {
        match error {
            // The parser's message is several lines (a code frame): it reads
            // best under the one-line summary, as its cause.
            ConfigError::Invalid { path, message } => {
                CommandError::with_kind(ErrorKind::Config, format!("{path} is not valid"))
                    .cause(message)
            }
            other => CommandError::from_error(ErrorKind::Config, &other),
        }
    }
}

impl From<SchemaError> for CommandError {
    fn from(error: SchemaError) -> Self {
        CommandError::from_error(ErrorKind::Config, &error)
            .hint("fix the schema file; lede cannot check records against a broken schema")
    }
}

impl From<GitError> for CommandError {
    fn from(error: GitError) -> Self {
        let kind = match &error {
            GitError::NotARepository(_)
            | GitError::NoIdentity
            | GitError::Busy(_)
            | GitError::UnknownRevision { .. }
            | GitError::Bare(_)
            | GitError::Sha256(_)
            | GitError::Shallow => ErrorKind::User,
            GitError::Moved(..)
            | GitError::IndexLocked(_)
            | GitError::Push(_)
            | GitError::Program(_)
            | GitError::IndexBehind { .. }
            | GitError::Git(_) => ErrorKind::Internal,
        };
        let hint = match &error {
            GitError::UnknownRevision { .. } => Some(
                "a revision is a commit id, a branch or tag name, or an expression such as HEAD~2",
            ),
            GitError::Bare(_) => {
                Some("clone it (git clone <bare> newsroom) and run lede in the clone")
            }
            GitError::Sha256(_) => Some(
                "`git clone` cannot convert it; a SHA-1 copy is made with `git fast-export --all | git -C new fast-import` into a repository made with `git init --object-format=sha1 new`",
            ),
            _ => None,
        };
        let command_error = CommandError::from_error(kind, &error);
        match hint {
            Some(hint) => command_error.hint(hint),
            None => command_error,
        }
    }
}

/// A mutating command's failure says whether anything was written, since
/// that is the first thing an editor needs to know.
impl From<ChangeError> for CommandError {
    fn from(error: ChangeError) -> Self {
        let changed_nothing = error.changed_nothing();
        let command_error = match error {
            ChangeError::Git(git) => CommandError::from(git),
            users @ (ChangeError::OnPublishedBranch(_) | ChangeError::Environment { .. }) => {
                CommandError::from_error(ErrorKind::User, &users)
            }
            other => CommandError::from_error(ErrorKind::Internal, &other),
        };
        if changed_nothing {
            command_error.hint("nothing was changed")
        } else {
            command_error
        }
    }
}

impl From<LockError> for CommandError {
    fn from(error: LockError) -> Self {
        CommandError::from(ChangeError::from(error))
    }
}

impl From<ReadError> for CommandError {
    fn from(error: ReadError) -> Self {
        match error {
            ReadError::Repo(repo) => CommandError::from(repo),
            ReadError::Git(git) => CommandError::from(git),
            no_such @ ReadError::NoSuchStory { .. } => {
                CommandError::from_error(ErrorKind::User, &no_such)
                    .hint("`lede list` shows the slugs")
            }
        }
    }
}

impl From<EditError> for CommandError {
    fn from(error: EditError) -> Self {
        CommandError::from_error(ErrorKind::User, &error)
    }
}

impl From<ReviseError> for CommandError {
    fn from(error: ReviseError) -> Self {
        match error {
            ReviseError::Read(read) => CommandError::from(read).hint("nothing was changed"),
            ReviseError::Repo(repo) => CommandError::from(repo).hint("nothing was changed"),
            ReviseError::Change(change) => CommandError::from(change),
            ReviseError::Git(git) => CommandError::from(git).hint("nothing was changed"),
            ReviseError::WorkflowField { field, .. } => {
                let how = match field {
                    "status" => "`lede submit`, `lede approve`, `lede reject`, `lede publish` and `lede retract` move a story between states",
                    "retracted" => "`lede retract` retracts a published story",
                    _ => "`lede publish` sets it when the story goes public",
                };
                CommandError::from_error(ErrorKind::User, &error)
                    .hint(how)
                    .hint("nothing was changed")
            }
            ReviseError::CorrectionRewritten { .. } => CommandError::from_error(ErrorKind::User, &error)
                .hint("to say something more about an error, add a new correction with `lede correct <slug> --note \"...\"`")
                .hint("nothing was changed"),
            other => CommandError::from_error(ErrorKind::User, &other).hint("nothing was changed"),
        }
    }
}

impl From<CompareError> for CommandError {
    fn from(error: CompareError) -> Self {
        match error {
            CompareError::Git(git) => CommandError::from(git),
            CompareError::Unresolved(conflicts) => CommandError::unresolved(&conflicts),
            nothing @ CompareError::NothingPublished(_) => {
                CommandError::from_error(ErrorKind::User, &nothing)
            }
            other => CommandError::from_error(ErrorKind::Internal, &other),
        }
    }
}

impl From<SiteError> for CommandError {
    fn from(error: SiteError) -> Self {
        let kind = match &error {
            SiteError::SymlinkOut(_) | SiteError::OutsideRepository { .. } => ErrorKind::User,
            SiteError::Template { .. } => ErrorKind::Config,
            SiteError::Write { .. } | SiteError::Read { .. } => ErrorKind::Internal,
        };
        CommandError::from_error(kind, &error)
    }
}

impl From<LoadError> for CommandError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Git(git) => CommandError::from(git),
            LoadError::Repo(repo) => CommandError::from(repo),
        }
    }
}

impl From<PublishError> for CommandError {
    fn from(error: PublishError) -> Self {
        match error {
            PublishError::Refused(refusal) => {
                CommandError::from_error(ErrorKind::User, &refusal).hint("nothing was changed")
            }
            PublishError::Git(git) => CommandError::from(git),
            PublishError::Read(read) => CommandError::from(read),
            PublishError::Repo(repo) => CommandError::from(repo),
            PublishError::Schema(schema) => CommandError::from(schema),
            other => CommandError::from_error(ErrorKind::Internal, &other),
        }
    }
}

impl From<TeamError> for CommandError {
    fn from(error: TeamError) -> Self {
        use crate::git::remote::PushError;
        match error {
            TeamError::Git(git) => CommandError::from(git)
                .hint("nothing was pushed; `lede sync` tries again when the remote can be reached"),
            TeamError::Push(PushError::Git(git)) => CommandError::from(git)
                .hint("nothing was pushed; `lede sync` tries again when the remote can be reached"),
            TeamError::Push(ref refused) => CommandError::from_error(ErrorKind::User, refused)
                .hint("nothing was pushed (the push is atomic) and everything here is complete")
                .hint("ask whoever looks after the remote to let you push these branches, then run `lede sync`"),
            TeamError::PublishedDiverged { .. } => CommandError::from_error(ErrorKind::Conflict, &error)
                .hint("nothing was pushed; `lede log <slug>` shows both publishes, and `lede publish <slug>` again publishes on top of theirs"),
            TeamError::WorkingConflict { left_in_files, .. } => {
                let error_kind = CommandError::from_error(ErrorKind::Conflict, &error);
                if left_in_files {
                    error_kind
                        .hint("the conflict is in those files now: `lede status` and `lede validate` name it; fix the files, then `git add` them and `git commit`")
                } else {
                    error_kind
                        .hint("nothing was changed here and nothing was pushed")
                        .hint("`lede sync --merge` merges instead and leaves the conflict in the files for you to resolve")
                }
            }
            TeamError::Detached => CommandError::from_error(ErrorKind::User, &error)
                .hint("switch to your working branch with `git switch <branch>`"),
            TeamError::PublishedCheckedOut { .. } => CommandError::from_error(ErrorKind::User, &error)
                .hint("switch that working tree to another branch (`git switch main`), or remove it with `git worktree remove`; nothing was changed"),
            TeamError::Exhausted { .. } => CommandError::from_error(ErrorKind::Conflict, &error)
                .hint("everything here is complete; run `lede sync` again in a moment"),
        }
    }
}

impl From<StepError> for CommandError {
    fn from(error: StepError) -> Self {
        match error {
            StepError::Read(read) => CommandError::from(read),
            StepError::Repo(repo) => CommandError::from(repo),
            StepError::Git(git) => CommandError::from(git),
            StepError::Uncommitted { .. } => CommandError::from_error(ErrorKind::User, &error).hint(
                "commit them first (lede's own edit commands commit as they go), or undo them with `git restore`",
            ),
            StepError::NoStatus { ref path } | StepError::Invalid { ref path, .. } => {
                let hint = match &error {
                    StepError::NoStatus { .. } => {
                        format!("run `lede validate {path}` to see what is wrong")
                    }
                    _ => format!("run `lede validate {path}` to see them"),
                };
                CommandError::from_error(ErrorKind::User, &error).hint(hint)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_chain_is_printed_once_each() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let error = CommandError::from(ConfigError::Read {
            path: "lede.toml".into(),
            source: io,
        });
        // The message names its cause inline, so it is not repeated.
        assert_eq!(error.render(), "error: cannot read lede.toml: denied\n");
        assert_eq!(error.exit_code(), 2);

        let error = CommandError::new("cannot publish x")
            .cause("the branch moved")
            .cause("the branch moved")
            .hint("run it again");
        assert_eq!(
            error.render(),
            "error: cannot publish x\ncaused by: the branch moved\nhint: run it again\n"
        );
    }

    #[test]
    fn a_closed_output_is_a_quiet_success() {
        let error = CommandError::from(std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert_eq!(error.kind, ErrorKind::BrokenPipe);
        assert_eq!(error.exit_code(), 0);
        assert_eq!(error.render(), "");
    }

    #[test]
    fn kinds_map_to_the_documented_exit_codes() {
        let moved = CommandError::from(GitError::Moved("published".into(), "abc".into()));
        assert_eq!(moved.exit_code(), 2);
        assert_eq!(
            CommandError::with_kind(ErrorKind::Conflict, "x").exit_code(),
            1
        );
        let revision = CommandError::from(GitError::UnknownRevision { rev: "nope".into() });
        assert_eq!(revision.kind, ErrorKind::User);
        assert!(
            revision.render().contains("nope is not a revision"),
            "{}",
            revision.render()
        );
        assert!(revision.render().contains("hint: "));
    }

    #[test]
    fn a_change_that_wrote_nothing_says_so() {
        let held = ChangeError::from(LockError::Held {
            path: "x/.git/lede.lock".into(),
            holder: "42".into(),
        });
        let error = CommandError::from(held);
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.render().ends_with("hint: nothing was changed\n"),
            "{}",
            error.render()
        );
    }
}
