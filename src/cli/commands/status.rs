//! `lede status`: the newsroom at a glance, for the desk chief.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::out;
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::conflicts::{self, Unresolved};
use crate::newsroom::stories::{self, Source};
use crate::record::document::format_instant;
use crate::record::document::now;
use crate::record::model::Status;
use crate::workflow::states;

/// Show the newsroom at a glance.
///
/// Stories by state and desk; what waits for review and since when; what
/// is approved but not published; what is scheduled; and published stories
/// whose working copy has changes the public has not seen.
///
/// Files a merge, rebase or stash left unresolved come first, as
/// "unresolved conflict in <file>: <parts>", and make the exit status 1.
///
/// Each list starts with what has waited longest (the soonest embargo
/// first) and shows the first ten, then how many more; `--all` lists
/// everything. JSON always has everything.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// List every waiting story, not just the first ten of each list.
    #[arg(long)]
    pub all: bool,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub use super::TextOrJson as Format;

#[derive(Debug, Serialize, Default)]
pub struct Overview {
    /// state → desk → number of stories.
    pub by_state: BTreeMap<String, BTreeMap<String, usize>>,
    pub in_review: Vec<Waiting>,
    pub approved: Vec<Waiting>,
    pub scheduled: Vec<Waiting>,
    pub unpublished_changes: Vec<Waiting>,
    /// Story files that could not be read, with the reason.
    pub unreadable: Vec<(String, String)>,
    /// Files a merge, rebase or stash left unresolved: git's index holds
    /// them unmerged, or they hold conflict markers.
    pub conflicts: Vec<Unresolved>,
    /// The published branch that was read: `published`, or
    /// `origin/published` in a clone without an up-to-date local one;
    /// `None` when nothing has been published.
    pub published_from: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Waiting {
    pub slug: String,
    pub desk: String,
    pub headline: String,
    /// Since when (RFC 3339): submitted, approved, embargoed until, or last
    /// published.
    pub since: Option<String>,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let (stories, unreadable) = stories::stories(root, &Source::WorkingTree)?;
    let git = Git::open_if_any(root)?;
    let mut conflicts = match &git {
        Some(git) => conflicts::unmerged(git, root)?,
        None => Vec::new(),
    };
    let mut overview = Overview::default();
    for unreadable in unreadable {
        match unreadable.conflict {
            Some(conflict) => {
                if !conflicts.iter().any(|known| known.path == conflict.path) {
                    conflicts.push(conflict);
                }
            }
            None => overview
                .unreadable
                .push((unreadable.path, unreadable.reason)),
        }
    }
    conflicts.sort_by(|a, b| a.path.cmp(&b.path));
    overview.conflicts = conflicts;
    let published = match &git {
        Some(git) => crate::newsroom::published::published_ref(git, config)?,
        None => None,
    };
    overview.published_from = published.as_ref().map(|p| p.name.clone());
    let published_tip = published.map(|p| p.tip);
    let has_head = git.as_ref().is_some_and(|git| git.resolve("HEAD").is_ok());
    let now_text = now();
    for file in &stories {
        let story = &file.story;
        let status = *story.status.get_ref();
        let state = states::status_name(status).to_owned();
        *overview
            .by_state
            .entry(state)
            .or_default()
            .entry(story.desk.get_ref().clone())
            .or_default() += 1;
        let waiting = |since: Option<String>| Waiting {
            slug: story.slug.get_ref().clone(),
            desk: story.desk.get_ref().clone(),
            headline: story.headline.get_ref().clone(),
            since,
        };
        let review = || -> Option<states::Review> {
            let git = git.as_ref()?;
            has_head.then(|| states::review(git, "HEAD", story.slug.get_ref()).ok())?
        };
        match status {
            Status::InReview => {
                let since = review().and_then(|r| r.submitted_at).map(format_instant);
                overview.in_review.push(waiting(since));
            }
            Status::Approved => {
                let embargo = story.embargo.as_ref().map(|e| e.get_ref().to_string());
                let due = story
                    .embargo
                    .as_ref()
                    .and_then(|e| crate::record::document::instant(e.get_ref()))
                    .map(|(s, _)| s);
                let now_seconds = now_text
                    .parse::<toml::value::Datetime>()
                    .ok()
                    .and_then(|n| crate::record::document::instant(&n))
                    .map(|(s, _)| s);
                if let (Some(embargo), Some(due), Some(now)) = (embargo, due, now_seconds)
                    && due > now
                {
                    overview.scheduled.push(waiting(Some(embargo)));
                } else {
                    let since = review()
                        .and_then(|r| r.approval)
                        .map(|a| format_instant(a.time));
                    overview.approved.push(waiting(since));
                }
            }
            _ => {}
        }
        if let (Some(git), Some(tip)) = (&git, &published_tip)
            && status != Status::Retracted
            && let Ok(Some(published)) = git.read_file_at(tip, &file.path)
        {
            let published = String::from_utf8_lossy(&published);
            if !states::same_content(&published, &file.text) {
                let since = toml::from_str::<toml::Table>(&published)
                    .ok()
                    .and_then(|t| t.get("updated").map(|v| v.to_string()));
                overview.unpublished_changes.push(waiting(since));
            }
        }
    }
    for list in [
        &mut overview.in_review,
        &mut overview.approved,
        &mut overview.scheduled,
        &mut overview.unpublished_changes,
    ] {
        // Oldest first; a story whose time is unknown goes last.
        list.sort_by(|a, b| {
            (a.since.is_none(), &a.since, &a.slug).cmp(&(b.since.is_none(), &b.since, &b.slug))
        });
    }
    match args.format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&overview).unwrap_or_default();
            json.push('\n');
            out!(ui, "{json}")?;
        }
        Format::Text => out!(
            ui,
            "{}",
            render(
                &overview,
                stories.len(),
                &config.publish.branch,
                (!args.all).then_some(LIST_LIMIT)
            )
        )?,
    }
    if overview.conflicts.is_empty() {
        Ok(Outcome::Success)
    } else {
        Ok(Outcome::Problems)
    }
}

/// How many stories each list shows without `--all`.
const LIST_LIMIT: usize = 10;

fn render(overview: &Overview, total: usize, local_branch: &str, limit: Option<usize>) -> String {
    let text = |value: &str| crate::text::diagnostic::printable(value.to_owned());
    let mut out = String::new();
    if !overview.conflicts.is_empty() {
        let _ = writeln!(
            out,
            "Unresolved conflicts (git add each file once it is resolved):"
        );
        for conflict in &overview.conflicts {
            let _ = writeln!(out, "  {}", text(&conflict.to_string()));
        }
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "{total} stories");
    for (state, desks) in &overview.by_state {
        let count: usize = desks.values().sum();
        let desks: Vec<String> = desks
            .iter()
            .map(|(desk, n)| format!("{} {n}", text(desk)))
            .collect();
        let _ = writeln!(out, "  {state:<10} {count:>6}   ({})", desks.join(", "));
    }
    let lists = [
        ("Waiting for review", "submitted", &overview.in_review),
        (
            "Approved, not yet published",
            "approved",
            &overview.approved,
        ),
        ("Scheduled", "embargoed until", &overview.scheduled),
        (
            "Published, with changes the public has not seen",
            "last published",
            &overview.unpublished_changes,
        ),
    ];
    for (title, since_word, list) in lists {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        let shown = limit.unwrap_or(list.len()).min(list.len());
        for waiting in &list[..shown] {
            let since = waiting
                .since
                .as_deref()
                .map(|s| format!("  ({since_word} {s})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}  [{}]  {}{since}",
                waiting.slug,
                text(&waiting.desk),
                text(&waiting.headline)
            );
        }
        if shown < list.len() {
            let _ = writeln!(
                out,
                "  and {} more (`lede status --all` lists them)",
                list.len() - shown
            );
        }
    }
    if let Some(from) = overview
        .published_from
        .as_deref()
        .filter(|from| *from != local_branch)
    {
        let _ = writeln!(
            out,
            "\nThe public side was read from {from}: this clone has no {local_branch} branch of its own, or it is behind."
        );
    }
    for (path, reason) in &overview.unreadable {
        let _ = writeln!(out, "\nwarning: {path} could not be read: {}", text(reason));
    }
    out
}
