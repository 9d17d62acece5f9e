//! lede's integration tests, in one binary as jj and cargo have them: one
//! link instead of sixteen, and one run of the harness over all of them.
//! Each module is one area (`cargo test --test cli publish_cli::`); the
//! shared test environment is in `common`, the snapshots in `snapshots/`.

mod common;
mod conflict_cli;

mod closed_pipe;

mod bad_input;
mod diff_cli;
mod edit_cli;
mod faq_cli;
mod fixtures;
mod fmt_cli;
mod init_cli;
mod integrity_cli;
mod layers;
mod merge_cli;
mod new_cli;
mod publish_cli;
mod read_cli;
mod shapes_cli;
mod shell_cli;
mod site_cli;
mod team_cli;
mod terminal;
mod topic_cli;
mod validate_cli;
