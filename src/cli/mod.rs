//! The command line: global options and the command enum. Each command's own
//! arguments live beside its code in `commands/`.

pub mod commands;
pub mod error;
pub mod prompt;

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
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

/// What every command needs to know about where it runs and how to print.
#[derive(Debug, Clone)]
pub struct Ui {
    /// The working directory, after `-C`.
    pub cwd: PathBuf,
    pub color_stdout: bool,
    pub stderr_is_terminal: bool,
    pub quiet: bool,
}

impl Ui {
    pub fn from_args(global: &GlobalArgs) -> Result<Ui, crate::cli::error::CommandError> {
        let current = std::env::current_dir().map_err(|e| {
            crate::cli::error::CommandError::new(format!("cannot read the current directory: {e}"))
        })?;
        let cwd = match &global.directory {
            Some(dir) => {
                let dir = current.join(dir);
                if !dir.is_dir() {
                    return Err(crate::cli::error::CommandError::new(format!(
                        "-C {}: no such directory",
                        dir.display()
                    )));
                }
                dir
            }
            None => current,
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let color_stdout = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Ok(Ui {
            cwd,
            color_stdout,
            stderr_is_terminal: std::io::stderr().is_terminal(),
            quiet: global.quiet,
        })
    }
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<crate::cli::error::Outcome, crate::cli::error::CommandError> {
    crate::git::configure_process();
    let ui = Ui::from_args(&cli.global)?;
    match cli.command {
        Command::Add(AddCommand::Faq(args)) => commands::faq::add(&args, &ui),
        Command::Add(AddCommand::Section(args)) => commands::faq::add_section(&args, &ui),
        Command::Rm(RmCommand::Faq(args)) => commands::faq::rm(&args, &ui),
        Command::Diff(args) => commands::diff::run(&args, &ui),
        Command::Edit(args) => commands::edit::run(&args, &ui),
        Command::Fmt(args) => commands::fmt::run(&args, &ui),
        Command::GitDiff(args) => commands::git_diff::run(&args, &ui),
        Command::Completions(args) => commands::completions::run(&args, &ui),
        Command::Man(args) => commands::man::run(&args, &ui),
        Command::MergeDriver(args) => commands::merge_driver::run(&args, &ui),
        Command::Setup(args) => commands::setup::run(&args, &ui),
        Command::Init(args) => commands::init::run(&args, &ui),
        Command::Topic(TopicCommand::New(args)) => commands::topic::new(&args, &ui),
        Command::List(args) => commands::list::run(&args, &ui),
        Command::Log(args) => commands::log::run(&args, &ui),
        Command::New(args) => commands::new::run(&args, &ui),
        Command::Show(args) => commands::show::run(&args, &ui),
        Command::Publish(args) => commands::publish::run(&args, &ui),
        Command::Correct(args) => commands::correct::correct(&args, &ui),
        Command::Retract(args) => commands::correct::retract(&args, &ui),
        Command::Schedule(args) => commands::schedule::run(&args, &ui),
        Command::Status(args) => commands::status::run(&args, &ui),
        Command::Build(args) => commands::build::run(&args, &ui),
        Command::Preview(args) => commands::preview::run(&args, &ui),
        Command::Submit(args) => commands::review::submit(&args, &ui),
        Command::Approve(args) => commands::review::approve(&args, &ui),
        Command::Reject(args) => commands::review::reject(&args, &ui),
        Command::Validate(args) => commands::validate::run(&args, &ui),
    }
}
