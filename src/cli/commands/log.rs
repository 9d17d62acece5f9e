//! `lede log`: a story's history: who changed it, when, how its status
//! moved, when it went public, and (with `-p`) what each commit changed.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::out;
use crate::cli::{Ui, Workspace};
use crate::diff::record_diff::{RecordDiff, Version, diff_versions};
use crate::diff::render::{TextStyle, render_text};
use crate::diff::word_diff::Granularity;
use crate::git::{FileRef, Git, Touch};
use crate::record::document::format_instant;

/// Show a story's history.
///
/// Every commit that changed the story, newest first, following it when it
/// moved to another directory: author, date, message, the status change it
/// made, and the commits that published it (from the published branch).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's slug.
    pub slug: String,

    /// Show what each commit changed, part by part and word by word.
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,

    /// Start from this revision instead of HEAD.
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub rev: String,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub use super::TextOrJson as Format;

/// One event in a story's history.
#[derive(Debug, Serialize)]
pub struct Entry {
    pub commit: String,
    /// `working` for the newsroom's branch, `published` for the public one.
    pub branch: &'static str,
    /// created, edited, moved, deleted, status, merged (a merge whose
    /// version matches neither parent's), published, unpublished.
    pub event: &'static str,
    pub author: Author,
    /// RFC 3339, in the author's time zone.
    pub time: String,
    pub subject: String,
    pub message: String,
    pub old_path: Option<String>,
    pub new_path: Option<String>,
    pub status: Option<Transition>,
    /// `Key: value` lines at the end of the message (`Story`, `Revision`,
    /// `Items`, `Approved-by`, ...).
    pub trailers: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<RecordDiff>,
    #[serde(skip)]
    seconds: i64,
}

#[derive(Debug, Serialize)]
pub struct Author {
    pub name: String,
    pub email: String,
}

#[derive(Debug, Serialize)]
pub struct Transition {
    pub from: Option<String>,
    pub to: Option<String>,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let git = Git::open(root)?;
    let file_name = format!("{}.toml", args.slug);
    let mut entries = Vec::new();
    for touch in git.history(&args.rev, "stories", &file_name)? {
        entries.push(entry(&git, touch, "working", args.patch, &args.slug)?);
    }
    if let Some(published) = crate::newsroom::published::published_ref(&git, config)? {
        let published = git.history(&published.tip, "stories", &file_name)?;
        for touch in published {
            // The published branch may share history with the working one.
            if entries.iter().any(|entry| entry.commit == touch.commit.id) {
                continue;
            }
            entries.push(entry(&git, touch, "published", args.patch, &args.slug)?);
        }
    }
    if entries.is_empty() {
        return Err(CommandError::new(format!(
            "no commit in {} has a story `{}`",
            args.rev, args.slug
        ))
        .hint("`lede list` shows the slugs; a story not yet committed has no history"));
    }
    // Newest first; the sort is stable, so each branch keeps git's order.
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.seconds));
    let output = match args.format {
        Format::Json => {
            let document = serde_json::json!({ "slug": args.slug, "entries": entries });
            let mut json = serde_json::to_string_pretty(&document).unwrap_or_default();
            json.push('\n');
            json
        }
        Format::Text => render(&entries, ui.color_stdout),
    };
    out!(ui, "{output}")?;
    Ok(Outcome::Success)
}

fn entry(
    git: &Git,
    touch: Touch,
    branch: &'static str,
    patch: bool,
    slug: &str,
) -> Result<Entry, CommandError> {
    let read = |file: &Option<FileRef>| -> Result<Option<(String, Vec<u8>)>, CommandError> {
        let Some(file) = file else { return Ok(None) };
        let Some(blob) = &file.blob else {
            return Ok(None);
        };
        let bytes = git.read_blob(blob)?;
        Ok(Some((file.path.clone(), bytes)))
    };
    let old = read(&touch.old)?;
    let new = read(&touch.new)?;
    let table_of = |side: &Option<(String, Vec<u8>)>| -> Option<toml::Table> {
        let (_, bytes) = side.as_ref()?;
        let text = std::str::from_utf8(bytes).ok()?;
        toml::from_str(crate::text::source::strip_bom(text)).ok()
    };
    let (old_table, new_table) = (table_of(&old), table_of(&new));
    let status_of = |table: &Option<toml::Table>| -> Option<String> {
        table.as_ref()?.get("status")?.as_str().map(str::to_owned)
    };
    let (old_status, new_status) = (status_of(&old_table), status_of(&new_table));
    let status = (old_status != new_status).then(|| Transition {
        from: old_status.clone(),
        to: new_status.clone(),
    });
    // A commit that changed only the status (and the time stamp that goes
    // with it) is a workflow step, not an edit.
    let content = |table: &Option<toml::Table>| {
        table.clone().map(|mut table| {
            table.remove("status");
            table.remove("updated");
            table
        })
    };
    let only_status = status.is_some()
        && content(&old_table).is_some()
        && content(&old_table) == content(&new_table);
    let moved = matches!((&old, &new), (Some((a, _)), Some((b, _))) if a != b);
    let event = match (branch, &old, &new) {
        ("published", _, None) => "unpublished",
        ("published", _, _) => "published",
        (_, None, _) => "created",
        (_, _, None) => "deleted",
        _ if touch.commit.parents > 1 => "merged",
        _ if moved => "moved",
        _ if only_status => "status",
        _ => "edited",
    };
    let diff = patch.then(|| {
        diff_versions(
            "story",
            slug,
            old.as_ref().map(|(path, bytes)| Version {
                path,
                side: "before",
                bytes,
            }),
            new.as_ref().map(|(path, bytes)| Version {
                path,
                side: "after",
                bytes,
            }),
            Granularity::Word,
        )
    });
    let commit = touch.commit;
    let local = commit.time + i64::from(commit.offset_minutes) * 60;
    let offset = commit.offset_minutes;
    let zone = if offset == 0 {
        "Z".to_owned()
    } else {
        format!(
            "{}{:02}:{:02}",
            if offset < 0 { '-' } else { '+' },
            offset.abs() / 60,
            offset.abs() % 60
        )
    };
    let time = format_instant(local).replace('Z', &zone);
    let message = commit.message.trim_end().to_owned();
    Ok(Entry {
        commit: commit.id,
        branch,
        event,
        author: Author {
            name: commit.author.name,
            email: commit.author.email,
        },
        time,
        subject: message.lines().next().unwrap_or_default().to_owned(),
        trailers: crate::workflow::states::trailers(&message),
        message,
        old_path: touch.old.map(|f| f.path),
        new_path: touch.new.map(|f| f.path),
        status,
        diff,
        seconds: commit.time,
    })
}

fn render(entries: &[Entry], color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let text = |value: &str| crate::text::diagnostic::printable(value.to_owned());
    let mut out = String::new();
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let short = &entry.commit[..12.min(entry.commit.len())];
        let event = match entry.branch {
            "published" => paint("1;32", entry.event),
            _ => paint("1", entry.event),
        };
        let _ = writeln!(
            out,
            "{} {event}  {}  {} <{}>",
            paint("33", short),
            entry.time,
            text(&entry.author.name),
            text(&entry.author.email)
        );
        let _ = writeln!(out, "    {}", text(&entry.subject));
        match entry
            .status
            .as_ref()
            .map(|s| (s.from.as_deref(), s.to.as_deref()))
        {
            Some((Some(from), Some(to))) => {
                let _ = writeln!(out, "    status: {} → {}", text(from), text(to));
            }
            Some((None, Some(to))) => {
                let _ = writeln!(out, "    status: {}", text(to));
            }
            _ => {}
        }
        if entry.event == "moved"
            && let (Some(old), Some(new)) = (&entry.old_path, &entry.new_path)
        {
            let _ = writeln!(out, "    moved: {} → {}", text(old), text(new));
        }
        if entry.branch == "published" && !entry.trailers.is_empty() {
            let trailers: Vec<String> = entry
                .trailers
                .iter()
                .map(|(k, v)| format!("{k}: {}", text(v)))
                .collect();
            let _ = writeln!(out, "    {}", trailers.join(" · "));
        }
        if let Some(diff) = &entry.diff {
            let style = if color {
                TextStyle::Color
            } else {
                TextStyle::Plain
            };
            let rendered = render_text(std::slice::from_ref(diff), style);
            for line in rendered.lines().skip(2) {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}
