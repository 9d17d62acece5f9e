//! The command line: global options and the command enum. Each command's own
//! arguments live beside its code in `commands/`.

pub mod commands;
pub mod editing;
pub mod error;
pub mod prompt;
pub mod ui;
pub mod workspace;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use crate::cli::error::{CommandError, ErrorKind, Outcome};
pub use crate::cli::ui::{ColorChoice, Ui};
pub use crate::cli::workspace::Workspace;

/// A content management system for newsroom editorial work: stories as TOML
/// records in git, validated, reviewed and published from the terminal.
#[derive(Debug, Parser)]
#[command(
    name = "lede",
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Run as if lede was started in DIR instead of the current directory.
    #[arg(short = 'C', value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,

    /// When to colour the output. `auto` colours when writing to a terminal
    /// and NO_COLOR is not set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Print only what was asked for: no summaries, no progress.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add a part to a story.
    #[command(subcommand)]
    Add(AddCommand),
    Approve(commands::review::ApproveArgs),
    Build(commands::build::Args),
    Completions(commands::completions::Args),
    Correct(commands::correct::CorrectArgs),
    Diff(commands::diff::Args),
    Edit(commands::edit::Args),
    Fmt(commands::fmt::Args),
    GitDiff(commands::git_diff::Args),
    Init(commands::init::Args),
    List(commands::list::Args),
    Log(commands::log::Args),
    Man(commands::man::Args),
    MergeDriver(commands::merge_driver::Args),
    New(commands::new::Args),
    Preview(commands::preview::Args),
    Publish(commands::publish::Args),
    Reject(commands::review::RejectArgs),
    Retract(commands::correct::RetractArgs),
    /// Remove a part from a story.
    #[command(subcommand)]
    Rm(RmCommand),
    Schedule(commands::schedule::Args),
    Setup(commands::setup::Args),
    Show(commands::show::Args),
    Status(commands::status::Args),
    Sync(commands::sync::Args),
    Submit(commands::review::SubmitArgs),
    /// Manage topic records.
    #[command(subcommand)]
    Topic(TopicCommand),
    Validate(commands::validate::Args),
}

#[derive(Debug, Subcommand)]
pub enum TopicCommand {
    New(commands::topic::NewArgs),
}

#[derive(Debug, Subcommand)]
pub enum AddCommand {
    Faq(commands::faq::AddArgs),
    Section(commands::faq::AddSectionArgs),
}

#[derive(Debug, Subcommand)]
pub enum RmCommand {
    Faq(commands::faq::RmArgs),
}

/// Runs a parsed command line: the one place that builds the `Ui` and the
/// `Workspace` and hands them to a command.
pub fn run(cli: Cli) -> Result<Outcome, CommandError> {
    crate::git::configure_process();
    let ui = Ui::new(cli.global.color, cli.global.quiet);
    let ws = Workspace::from_directory(cli.global.directory.as_deref())?;
    let outcome = dispatch(&ui, &ws, cli.command)?;
    ui.flush()?;
    Ok(outcome)
}

fn dispatch(ui: &Ui, ws: &Workspace, command: Command) -> Result<Outcome, CommandError> {
    match command {
        Command::Add(AddCommand::Faq(args)) => commands::faq::add(ui, ws, &args),
        Command::Add(AddCommand::Section(args)) => commands::faq::add_section(ui, ws, &args),
        Command::Rm(RmCommand::Faq(args)) => commands::faq::rm(ui, ws, &args),
        Command::Approve(args) => commands::review::approve(ui, ws, &args),
        Command::Build(args) => commands::build::run(ui, ws, &args),
        Command::Completions(args) => commands::completions::run(ui, ws, &args),
        Command::Correct(args) => commands::correct::correct(ui, ws, &args),
        Command::Diff(args) => commands::diff::run(ui, ws, &args),
        Command::Edit(args) => commands::edit::run(ui, ws, &args),
        Command::Fmt(args) => commands::fmt::run(ui, ws, &args),
        Command::GitDiff(args) => commands::git_diff::run(ui, ws, &args),
        Command::Init(args) => commands::init::run(ui, ws, &args),
        Command::List(args) => commands::list::run(ui, ws, &args),
        Command::Log(args) => commands::log::run(ui, ws, &args),
        Command::Man(args) => commands::man::run(ui, ws, &args),
        Command::MergeDriver(args) => commands::merge_driver::run(ui, ws, &args),
        Command::New(args) => commands::new::run(ui, ws, &args),
        Command::Preview(args) => commands::preview::run(ui, ws, &args),
        Command::Publish(args) => commands::publish::run(ui, ws, &args),
        Command::Sync(args) => commands::sync::run(ui, ws, &args),
        Command::Reject(args) => commands::review::reject(ui, ws, &args),
        Command::Retract(args) => commands::correct::retract(ui, ws, &args),
        Command::Schedule(args) => commands::schedule::run(ui, ws, &args),
        Command::Setup(args) => commands::setup::run(ui, ws, &args),
        Command::Show(args) => commands::show::run(ui, ws, &args),
        Command::Status(args) => commands::status::run(ui, ws, &args),
        Command::Submit(args) => commands::review::submit(ui, ws, &args),
        Command::Topic(TopicCommand::New(args)) => commands::topic::new(ui, ws, &args),
        Command::Validate(args) => commands::validate::run(ui, ws, &args),
    }
}
