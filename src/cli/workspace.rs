//! The newsroom a command works on: found from `-C` or the current
//! directory the way git finds its work tree, with its configuration and
//! schemas loaded on first use.
//!
//! Every command receives one. Commands that work outside a newsroom
//! (`init`, `completions`, `man`, the git plumbing) simply never ask for
//! the root, so a missing newsroom is an error only where it matters, and
//! says so the same way everywhere.

use std::path::{Path, PathBuf};
use std::sync::OnceLock as OnceCell;

use crate::check::schema::Schemas;
use crate::cli::error::CommandError;
use crate::git::Git;
use crate::newsroom::config::Config;
use crate::newsroom::layout;

pub struct Workspace {
    cwd: PathBuf,
    root: OnceCell<PathBuf>,
    config: OnceCell<Config>,
    schemas: OnceCell<Schemas>,
}

impl Workspace {
    /// The workspace seen from the current directory, or from `-C DIR`
    /// taken relative to it.
    pub fn from_directory(directory: Option<&Path>) -> Result<Workspace, CommandError> {
        let current = std::env::current_dir().map_err(|e| {
            CommandError::with_kind(
                crate::cli::error::ErrorKind::Internal,
                "cannot read the current directory",
            )
            .cause(e.to_string())
        })?;
        let cwd = match directory {
            Some(dir) => {
                let dir = current.join(dir);
                if !dir.is_dir() {
                    return Err(CommandError::new(format!(
                        "-C {}: no such directory",
                        dir.display()
                    )));
                }
                dir
            }
            None => current,
        };
        Ok(Workspace::at(cwd))
    }

    pub fn at(cwd: PathBuf) -> Workspace {
        Workspace {
            cwd,
            root: OnceCell::new(),
            config: OnceCell::new(),
            schemas: OnceCell::new(),
        }
    }

    /// Where lede runs, after `-C`: paths on the command line are relative
    /// to it.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The newsroom's root directory.
    pub fn root(&self) -> Result<&Path, CommandError> {
        if let Some(root) = self.root.get() {
            return Ok(root);
        }
        let root = layout::discover(&self.cwd)?;
        Ok(self.root.get_or_init(|| root))
    }

    /// `lede.toml`, or the built-in defaults when there is none.
    pub fn config(&self) -> Result<&Config, CommandError> {
        if let Some(config) = self.config.get() {
            return Ok(config);
        }
        let config = Config::load(self.root()?)?;
        Ok(self.config.get_or_init(|| config))
    }

    /// The collections' schemas, compiled.
    pub fn schemas(&self) -> Result<&Schemas, CommandError> {
        if let Some(schemas) = self.schemas.get() {
            return Ok(schemas);
        }
        let schemas = Schemas::load(self.root()?)?;
        Ok(self.schemas.get_or_init(|| schemas))
    }

    /// The newsroom's git repository, opened anew: a `Git` holds a libgit2
    /// handle that one command may need to move into a change.
    pub fn git(&self) -> Result<Git, CommandError> {
        Ok(Git::open(self.root()?)?)
    }
}
