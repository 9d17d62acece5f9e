//! lede: a command-line content management system for newsroom editorial
//! work. Stories are TOML records in a git repository; this library holds
//! everything the `lede` binary does, so that it can be tested without it.
//!
//! Domain modules (`document`, `record`, `schema`, `validate`, ...) know
//! nothing of the command line; `cli` and `commands` turn arguments into calls
//! and results into output.

pub mod change;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod config;
pub mod diagnostic;
pub mod diff_render;
pub mod document;
pub mod draft;
pub mod edit;
pub mod error;
pub mod format;
pub mod fsutil;
pub mod git;
pub mod git_index;
pub mod instance;
pub mod markdown;
pub mod newsroom;
pub mod prompt;
pub mod publish;
pub mod record;
pub mod record_diff;
pub mod record_merge;
pub mod repo;
pub mod revise;
pub mod scaffold;
pub mod schema;
pub mod site;
pub mod source;
pub mod validate;
pub mod word_diff;
pub mod words;
pub mod workflow;
