//! `lede diff`: what changed in stories between two revisions, the working
//! tree and the published branch, word by word and part by part.

use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, out};
use crate::cli::{Ui, Workspace};
use crate::diff::compare::{self, CompareError, Selection, Side};
use crate::diff::record_diff::{RecordDiff, Version, diff_versions};
use crate::diff::render::{TextStyle, render_json, render_markdown, render_stat, render_text};
use crate::diff::word_diff::Granularity;
use crate::git::Git;
use crate::newsroom::layout;
use crate::record::collection::Collection;

/// Show what changed in stories, part by part and word by word.
///
/// Compares two sides: any git revision (a commit, branch, tag, HEAD~3),
/// `working` (the working tree) or `published` (the published branch). With
/// no stories named, every story and topic that differs is shown, including
/// added, deleted and moved ones.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Stories (by slug) or record files (by path) to compare; all when none
    /// are named.
    #[arg(value_name = "SLUG|PATH")]
    pub targets: Vec<String>,

    /// The old side: a git revision, `working` or `published`.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub from: String,

    /// The new side: a git revision, `working` or `published`.
    #[arg(long, value_name = "REV", default_value = compare::WORKING)]
    pub to: String,

    /// Compare two record files, in git or not.
    #[arg(long, num_args = 2, value_names = ["OLD", "NEW"], conflicts_with_all = ["targets", "from", "to"])]
    pub files: Option<Vec<PathBuf>>,

    /// How to show the changes. Default: `terminal` when colour is on (a
    /// terminal, or --color always), `plain` otherwise.
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Per record, the parts changed and words added and removed; no text.
    #[arg(long)]
    pub stat: bool,

    /// Exit with status 1 when anything differs, 0 when nothing does.
    #[arg(long)]
    pub exit_code: bool,

    /// Compare prose by word or by character.
    #[arg(long, value_enum, value_name = "UNIT", default_value_t = WordDiff::Word)]
    pub word_diff: WordDiff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Coloured word changes, as `git diff --color-words` shows them.
    Terminal,
    /// The same without colour: `[-removed-]{+added+}`.
    Plain,
    /// One object per record with its changes (docs/diff.md).
    Json,
    /// A collapsible block per record, for a pull-request comment.
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WordDiff {
    Word,
    Char,
}

impl From<WordDiff> for Granularity {
    fn from(unit: WordDiff) -> Granularity {
        match unit {
            WordDiff::Word => Granularity::Word,
            WordDiff::Char => Granularity::Char,
        }
    }
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let format = args.format.unwrap_or(if ui.color_stdout {
        Format::Terminal
    } else {
        Format::Plain
    });
    if args.stat && matches!(format, Format::Json | Format::Markdown) {
        return Err(
            CommandError::new("--stat goes with the terminal and plain formats")
                .hint("the json and markdown formats always carry each record's counts"),
        );
    }
    let granularity = Granularity::from(args.word_diff);
    let (diffs, from, to) = match &args.files {
        Some(files) => (
            diff_files(ws, files, granularity)?,
            path_name(&files[0]),
            path_name(&files[1]),
        ),
        None => (
            diff_sides(args, ws, granularity)?,
            args.from.clone(),
            args.to.clone(),
        ),
    };
    let style = if format == Format::Terminal && ui.color_stdout {
        TextStyle::Color
    } else {
        TextStyle::Plain
    };
    let output = match format {
        _ if args.stat => {
            if diffs.is_empty() {
                String::new()
            } else {
                render_stat(&diffs, style)
            }
        }
        Format::Terminal | Format::Plain => render_text(&diffs, style),
        Format::Json => render_json(&from, &to, &diffs),
        Format::Markdown => render_markdown(&from, &to, &diffs),
    };
    out!(ui, "{output}")?;
    if diffs.is_empty() && !ui.quiet && matches!(format, Format::Terminal | Format::Plain) {
        errln!(ui, "No differences between {from} and {to}.");
    }
    Ok(if args.exit_code && !diffs.is_empty() {
        Outcome::Problems
    } else {
        Outcome::Success
    })
}

fn path_name(path: &Path) -> String {
    path.display().to_string()
}

fn diff_sides(
    args: &Args,
    ws: &Workspace,
    granularity: Granularity,
) -> Result<Vec<RecordDiff>, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let git = Git::open(root)?;
    let side = |name: &str| {
        compare::resolve_side(&git, config, name).map_err(|error| match error {
            CompareError::NothingPublished(_) => {
                CommandError::from(error).hint("`lede publish <slug>` publishes an approved story")
            }
            CompareError::Git(_) => CommandError::from(error).hint(
                "a side is a git revision (commit, branch, tag, HEAD~2), `working` or `published`",
            ),
            other => CommandError::from(other),
        })
    };
    let from = side(&args.from)?;
    let to = side(&args.to)?;
    let selection = selection(root, ws, &args.targets)?;
    let diffs = compare::compare(root, &git, &from, &to, &selection, granularity)?;
    for id in &selection.ids {
        let found = diffs.iter().any(|d| &d.id == id);
        if !found && !exists(root, &git, &from, id) && !exists(root, &git, &to, id) {
            return Err(CommandError::new(format!(
                "there is no story or topic `{id}` in {} or {}",
                from.describe(),
                to.describe()
            ))
            .hint("`lede list` shows the slugs"));
        }
    }
    Ok(diffs)
}

/// Splits the named targets into ids and repository-relative paths.
fn selection(root: &Path, ws: &Workspace, targets: &[String]) -> Result<Selection, CommandError> {
    let mut selection = Selection::default();
    for target in targets {
        if target.ends_with(".toml") || target.contains('/') {
            let absolute = ws.cwd().join(target);
            let absolute = absolute.canonicalize().unwrap_or(absolute);
            let relative = absolute.strip_prefix(root).map_err(|_| {
                CommandError::new(format!(
                    "{target} is outside the repository at {}",
                    root.display()
                ))
            })?;
            let relative = relative.to_string_lossy().replace('\\', "/");
            if Collection::of(Path::new(&relative)).is_none() {
                return Err(
                    CommandError::new(format!("{target} is not a story or topic record"))
                        .hint("records are stories/**/<slug>.toml and topics/<id>.toml"),
                );
            }
            selection.paths.push(relative);
        } else {
            selection.ids.push(target.clone());
        }
    }
    Ok(selection)
}

fn exists(root: &Path, git: &Git, side: &Side, id: &str) -> bool {
    let file_name = format!("{id}.toml");
    match side {
        Side::WorkingTree => {
            root.join("topics").join(&file_name).is_file()
                || layout::walk_records(root)
                    .map(|entries| entries.iter().any(|entry| entry.stem() == id))
                    .unwrap_or(false)
        }
        Side::Commit { id: commit, .. } => ["stories", "topics"]
            .iter()
            .any(|dir| matches!(git.find_file_at(commit, dir, &file_name), Ok(Some(_)))),
    }
}

fn diff_files(
    ws: &Workspace,
    files: &[PathBuf],
    granularity: Granularity,
) -> Result<Vec<RecordDiff>, CommandError> {
    let read = |path: &PathBuf| {
        std::fs::read(ws.cwd().join(path))
            .map_err(|error| CommandError::new(format!("cannot read {}: {error}", path.display())))
    };
    let (old, new) = (read(&files[0])?, read(&files[1])?);
    let (old_path, new_path) = (path_name(&files[0]), path_name(&files[1]));
    let id = Path::new(&new_path)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = if Collection::of(Path::new(&new_path)) == Some(Collection::Topic) {
        "topic"
    } else {
        "story"
    };
    let diff = diff_versions(
        kind,
        &id,
        Some(Version {
            path: &old_path,
            side: "the old file",
            bytes: &old,
        }),
        Some(Version {
            path: &new_path,
            side: "the new file",
            bytes: &new,
        }),
        granularity,
    );
    // Two different files are not a move.
    let mut diff = diff;
    if diff.status == crate::diff::record_diff::FileStatus::Moved {
        diff.status = crate::diff::record_diff::FileStatus::Modified;
    }
    Ok(if diff.changes.is_empty() && diff.line_diff.is_none() {
        Vec::new()
    } else {
        vec![diff]
    })
}
