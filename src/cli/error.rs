//! The one error type commands return: what went wrong, what caused it and
//! what to do, printed as `error:` / `caused by:` / `hint:` lines. Every
//! command error exits with status 2; a check that finds problems is not an
//! error but an outcome (`Outcome::Problems`, status 1).

use std::fmt::Write as _;

#[derive(Debug)]
pub struct CommandError {
    pub message: String,
    pub causes: Vec<String>,
    pub hints: Vec<String>,
}

impl CommandError {
    pub fn new(message: impl Into<String>) -> CommandError {
        CommandError {
            message: message.into(),
            causes: Vec::new(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CommandError {
        self.hints.push(hint.into());
        self
    }

    pub fn cause(mut self, cause: impl Into<String>) -> CommandError {
        self.causes.push(cause.into());
        self
    }

    /// The text printed on stderr.
    pub fn render(&self) -> String {
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

impl From<crate::newsroom::layout::RepoError> for CommandError {
    fn from(error: crate::newsroom::layout::RepoError) -> Self {
        let hint = match &error {
            crate::newsroom::layout::RepoError::NotFound { .. } => {
                Some("run lede inside a content repository, or name one with -C <dir>")
            }
            crate::newsroom::layout::RepoError::Missing { .. } => {
                Some("check the path; it is taken relative to the current directory")
            }
            crate::newsroom::layout::RepoError::Io { .. } => None,
        };
        let error = CommandError::new(error.to_string());
        match hint {
            Some(hint) => error.hint(hint),
            None => error,
        }
    }
}

impl From<crate::newsroom::config::ConfigError> for CommandError {
    fn from(error: crate::newsroom::config::ConfigError) -> Self {
        match error {
            crate::newsroom::config::ConfigError::Invalid { path, message } => {
                CommandError::new(format!("{path} is not valid")).cause(message)
            }
            other => CommandError::new(other.to_string()),
        }
    }
}

impl From<crate::check::schema::SchemaError> for CommandError {
    fn from(error: crate::check::schema::SchemaError) -> Self {
        CommandError::new(error.to_string())
            .hint("fix the schema file; lede cannot check records against a broken schema")
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
