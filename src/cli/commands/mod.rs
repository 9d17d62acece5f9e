//! One module per command: its arguments (whose doc comments are the help
//! text) and a `run` that calls the library and prints.

pub mod build;
pub mod completions;
pub mod correct;
pub mod diff;
pub mod edit;
pub mod faq;
pub mod fmt;
pub mod git_diff;
pub mod init;
pub mod list;
pub mod log;
pub mod man;
pub mod merge_driver;
pub mod new;
pub mod preview;
pub mod publish;
pub mod review;
pub mod schedule;
pub mod setup;
pub mod show;
pub mod status;
pub mod sync;
pub mod topic;
pub mod validate;

/// `--format` of the commands whose output is either for people or for
/// programs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TextOrJson {
    /// Readable text.
    Text,
    /// A JSON document (see the README).
    Json,
}
