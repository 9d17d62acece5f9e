use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use lede::cli::{self, Cli, Outcome};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Problems) => ExitCode::from(1),
        Err(error) => {
            let _ = std::io::stderr().write_all(error.render().as_bytes());
            ExitCode::from(error.exit_code())
        }
    }
}
