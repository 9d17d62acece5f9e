//! How commands talk to the person or program that ran them: standard
//! output for what was asked for, standard error for status and warnings,
//! colour, `--quiet`, and progress bars.
//!
//! Commands print with the `outln!`/`out!` macros, which return a
//! `Result`: a reader that closed the pipe (`lede list | head`) ends the
//! command quietly with status 0 instead of the panic `println!` gives.
//! Status lines go through `errln!`, which never fails the command: once the
//! work is done, a closed stderr must not turn it into an error.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::error::CommandError;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// How long a run must take before its progress bar appears, so that quick
/// runs never flash one.
const PROGRESS_DELAY: Duration = Duration::from_millis(400);

#[derive(Debug, Clone)]
pub struct Ui {
    pub color_stdout: bool,
    pub stderr_is_terminal: bool,
    pub quiet: bool,
}

impl Ui {
    pub fn new(color: ColorChoice, quiet: bool) -> Ui {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let color_stdout = match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        Ui {
            color_stdout,
            stderr_is_terminal: std::io::stderr().is_terminal(),
            quiet,
        }
    }

    /// Standard output, for commands that write a stream of bytes
    /// themselves. Its errors convert into a `CommandError` with `?`.
    pub fn stdout(&self) -> std::io::StdoutLock<'static> {
        std::io::stdout().lock()
    }

    /// Writes to standard output; see `outln!`.
    pub fn write_out(&self, args: fmt::Arguments<'_>) -> Result<(), CommandError> {
        let mut stdout = self.stdout();
        stdout.write_fmt(args)?;
        Ok(())
    }

    /// Writes to standard error, ignoring failure; see `errln!`.
    pub fn write_err(&self, args: fmt::Arguments<'_>) {
        let _ = std::io::stderr().lock().write_fmt(args);
    }

    /// Flushes standard output at the end of a command, so that a closed
    /// pipe is seen here rather than lost.
    pub fn flush(&self) -> Result<(), CommandError> {
        self.stdout().flush()?;
        Ok(())
    }

    /// A progress bar on stderr that appears only if the work takes longer
    /// than a moment, and never when stderr is not a terminal or with
    /// `--quiet`. `template` is indicatif's, e.g. `{pos}/{len} records`.
    pub fn progress(&self, template: &str) -> Option<ProgressBar> {
        if !self.stderr_is_terminal || self.quiet {
            return None;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let delayed = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(PROGRESS_DELAY);
            if !delayed.is_finished() {
                delayed.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        Some(bar)
    }
}

/// `outln!(ui, "...", args)?`: a line on standard output.
macro_rules! outln {
    ($ui:expr) => {
        $ui.write_out(format_args!("\n"))
    };
    ($ui:expr, $($arg:tt)*) => {
        $ui.write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `out!(ui, "...", args)?`: text on standard output, no newline added.
macro_rules! out {
    ($ui:expr, $($arg:tt)*) => {
        $ui.write_out(format_args!($($arg)*))
    };
}

/// `errln!(ui, "...", args)`: a line on standard error that cannot fail.
macro_rules! errln {
    ($ui:expr) => {
        $ui.write_err(format_args!("\n"))
    };
    ($ui:expr, $($arg:tt)*) => {
        $ui.write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, out, outln};
