//! `lede completions`: shell completion scripts, from the same command
//! definitions the parser uses, so they cannot drift from it.

use clap::CommandFactory;

use crate::cli::error::{CommandError, Outcome};
use std::io::Write;

use crate::cli::{Cli, Ui, Workspace};

/// Print a completion script for your shell.
///
/// Install it where your shell looks, for example:
///
///   bash: lede completions bash > ~/.local/share/bash-completion/completions/lede
///   zsh:  lede completions zsh > ~/.zfunc/_lede   (with ~/.zfunc in $fpath)
///   fish: lede completions fish > ~/.config/fish/completions/lede.fish
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

pub fn run(ui: &Ui, _ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "lede", &mut script);
    ui.stdout().write_all(&script)?;
    Ok(Outcome::Success)
}
