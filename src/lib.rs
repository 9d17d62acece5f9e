//! lede: a command-line content management system for newsroom editorial
//! work. Stories are TOML records in a git repository; this library holds
//! everything the `lede` binary does, so that it can be tested without it.
//!
//! The folders are layers, each using only the ones listed before it
//! (docs/architecture.md draws the picture; `tests/cli/layers.rs` keeps it):
//!
//! - `text`: a record's text, word counts, and located problems (diagnostics);
//! - `record`: what a story and a topic are, parsed with spans, edited in place;
//! - `git`: everything asked of git, the only user of `git2`;
//! - `newsroom`: the repository on disk: layout, `lede.toml`, atomic writes,
//!   the lock, and one command's commit;
//! - `check`: the schemas and `lede validate`'s engine;
//! - `diff`: word and record diffs, their rendering, the three-way merge;
//! - `workflow`: states, approvals from history, revising, publishing;
//! - `site`: the public site, read from git and rendered;
//! - `cli`: the command shell (`Ui`, `Workspace`, `CommandError`) and one file
//!   per command. Nothing below it knows of clap or of the terminal.

pub mod check;
pub mod cli;
pub mod diff;
pub mod fs;
pub mod git;
pub mod newsroom;
pub mod record;
pub mod site;
pub mod text;
pub mod workflow;
