//! `lede validate`: the CI check.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::check::validate::{self, Targets};
use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::errln;
use crate::cli::{Ui, Workspace};
use crate::text::diagnostic::{self, Summary};

/// Check records: the CI check.
///
/// TOML syntax, the collection's JSON Schema, the editorial rules
/// (`x-lede-*`), cross-record rules and hygiene.
///
/// With no paths, every record in the repository is checked. With paths
/// (files or directories), only those are read, and the rest of the
/// repository takes part in the cross-record rules by file name, which makes
/// it fast enough for a pre-commit hook.
///
/// Exit status: 0 no problems (warnings alone do not fail), 1 problems found,
/// 2 usage or environment error.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Records or directories to check, relative to the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// How to print problems.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Fail (exit 1) on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,

    /// Also check the workflow in the commits since REV (a pull request's
    /// base): status moves are legal, published stories are not edited in
    /// place, corrections are only appended.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames for people.
    Human,
    /// One JSON document for programs.
    Json,
    /// GitHub Actions workflow commands, which annotate pull requests.
    Github,
}

/// How long a run must take before a progress bar appears.
const PROGRESS_DELAY: Duration = Duration::from_millis(400);

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let schemas = ws.schemas()?;
    let targets = if args.paths.is_empty() {
        Targets::All
    } else {
        Targets::Paths {
            cwd: ws.cwd().to_path_buf(),
            paths: args.paths.clone(),
        }
    };

    let progress = if ui.stderr_is_terminal && !ui.quiet {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} validating {pos}/{len} records {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let delayed = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(PROGRESS_DELAY);
            if !delayed.is_finished() {
                delayed.set_draw_target(ProgressDrawTarget::stderr());
            }
        });
        Some(bar)
    } else {
        None
    };
    let on_start = |total: usize| {
        if let Some(bar) = &progress {
            bar.set_length(total as u64);
        }
    };
    let on_file = || {
        if let Some(bar) = &progress {
            bar.inc(1);
        }
    };
    let started = std::time::Instant::now();
    let mut report = validate::validate(root, config, schemas, targets, &on_start, &on_file)?;
    if let Some(since) = &args.since {
        let git = crate::git::Git::open(root)?;
        let history = crate::workflow::states::check_history(&git, since, "HEAD").map_err(|e| {
            CommandError::from(e).hint("--since takes a git revision, such as origin/main")
        })?;
        report.diagnostics.extend(
            history
                .into_iter()
                .map(|d| crate::text::diagnostic::Diagnostic {
                    severity: config.level(d.code),
                    ..d
                })
                .filter(|d| d.severity != crate::text::diagnostic::Severity::Allow),
        );
        report
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    // A conflicted file whose markers are gone (or never were: deleted on
    // one side) is still unresolved for git; the records' texts alone do
    // not show it.
    if let Ok(git) = crate::git::Git::open(root) {
        let in_scope = |path: &str| match &args.paths {
            paths if paths.is_empty() => true,
            paths => paths.iter().any(|named| {
                let absolute = ws.cwd().join(named);
                let absolute = absolute.canonicalize().unwrap_or(absolute);
                absolute
                    .strip_prefix(root)
                    .is_ok_and(|relative| std::path::Path::new(path).starts_with(relative))
            }),
        };
        let unmerged: Vec<_> = crate::newsroom::conflicts::unmerged(&git, root)?
            .into_iter()
            .filter(|conflict| in_scope(&conflict.path))
            .collect();
        report.diagnostics.extend(validate::unmerged_diagnostics(
            &report.diagnostics,
            unmerged,
        ));
        report
            .diagnostics
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }

    let summary = Summary::of(report.files_checked, &report.diagnostics);
    let output = match args.format {
        Format::Human => diagnostic::render_human(&report.diagnostics, root, ui.color_stdout),
        Format::Json => diagnostic::render_json(&report.diagnostics, summary),
        Format::Github => diagnostic::render_github(&report.diagnostics),
    };
    ui.stdout().write_all(output.as_bytes())?;
    if args.format == Format::Human && !ui.quiet {
        errln!(ui, "{}", summary_line(&summary, started.elapsed()));
    }

    let deny_warnings = args.deny_warnings || config.validate.deny_warnings;
    if report.has_errors() || (deny_warnings && report.has_warnings()) {
        Ok(Outcome::Problems)
    } else {
        Ok(Outcome::Success)
    }
}

fn summary_line(summary: &Summary, elapsed: Duration) -> String {
    let records = plural(summary.files_checked, "record", "records");
    let seconds = elapsed.as_secs_f64();
    if summary.errors == 0 && summary.warnings == 0 {
        return format!("Checked {records} in {seconds:.2}s: no problems.");
    }
    let mut parts = Vec::new();
    if summary.errors > 0 {
        parts.push(plural(summary.errors, "error", "errors"));
    }
    if summary.warnings > 0 {
        parts.push(plural(summary.warnings, "warning", "warnings"));
    }
    format!(
        "Checked {records} in {seconds:.2}s: {} in {}.",
        parts.join(" and "),
        plural(summary.files_with_problems, "file", "files")
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
