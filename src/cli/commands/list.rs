//! `lede list`: the newsroom's stories, filtered.

use clap::ValueEnum;
use serde::Serialize;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, out};
use crate::cli::{Ui, Workspace};
use crate::newsroom::stories::{self, Source, StoryFile};
use crate::record::model::Status;

/// List stories, most recently updated first.
///
/// Stories that cannot be read are named on stderr; `lede validate` says
/// what is wrong with them.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only stories in this state.
    #[arg(long, value_enum)]
    pub status: Option<StatusArg>,

    /// Only stories of this desk.
    #[arg(long)]
    pub desk: Option<String>,

    /// Only stories about this topic (a topic id).
    #[arg(long)]
    pub topic: Option<String>,

    /// Read the stories as they were at this git revision.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Draft,
    InReview,
    Approved,
    Published,
    Retracted,
}

impl StatusArg {
    fn matches(self, status: Status) -> bool {
        matches!(
            (self, status),
            (StatusArg::Draft, Status::Draft)
                | (StatusArg::InReview, Status::InReview)
                | (StatusArg::Approved, Status::Approved)
                | (StatusArg::Published, Status::Published)
                | (StatusArg::Retracted, Status::Retracted)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per story.
    Table,
    /// A JSON array of stories.
    Json,
}

#[derive(Serialize)]
struct Listed<'a> {
    slug: &'a str,
    path: &'a str,
    headline: &'a str,
    status: Status,
    desk: &'a str,
    topics: Vec<&'a str>,
    authors: Vec<&'a str>,
    created: String,
    updated: String,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let source = match &args.rev {
        Some(rev) => Source::Revision(rev.clone()),
        None => Source::WorkingTree,
    };
    let (stories, unreadable) = stories::stories(root, &source)?;
    for problem in &unreadable {
        errln!(ui, "lede: skipped {}: {}", problem.path, problem.reason);
    }
    let mut selected: Vec<&StoryFile> = stories
        .iter()
        .filter(|file| {
            args.status
                .is_none_or(|status| status.matches(*file.story.status.get_ref()))
        })
        .filter(|file| {
            args.desk
                .as_ref()
                .is_none_or(|desk| file.story.desk.get_ref() == desk)
        })
        .filter(|file| {
            args.topic
                .as_ref()
                .is_none_or(|topic| file.story.topics.iter().any(|t| t.get_ref() == topic))
        })
        .collect();
    selected.sort_by_key(|file| std::cmp::Reverse(updated_key(file)));

    let listed: Vec<Listed<'_>> = selected
        .iter()
        .map(|file| {
            let story = &file.story;
            Listed {
                slug: story.slug.get_ref(),
                path: &file.path,
                headline: story.headline.get_ref(),
                status: *story.status.get_ref(),
                desk: story.desk.get_ref(),
                topics: story.topics.iter().map(|t| t.get_ref().as_str()).collect(),
                authors: story.authors.iter().map(|a| a.get_ref().as_str()).collect(),
                created: story.created.get_ref().to_string(),
                updated: story.updated.get_ref().to_string(),
            }
        })
        .collect();
    let output = match args.format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&listed).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Table => table(&listed),
    };
    out!(ui, "{output}")?;
    if !ui.quiet && args.format == Format::Table {
        errln!(
            ui,
            "{} of {} stories.",
            listed.len(),
            stories.len() + unreadable.len()
        );
    }
    Ok(Outcome::Success)
}

fn updated_key(file: &StoryFile) -> (i64, u32) {
    crate::record::document::instant(file.story.updated.get_ref()).unwrap_or((i64::MIN, 0))
}

fn table(listed: &[Listed<'_>]) -> String {
    let slug_width = listed
        .iter()
        .map(|l| l.slug.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let desk_width = listed
        .iter()
        .map(|l| l.desk.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut out = format!(
        "{:<slug_width$}  {:<9}  {:<desk_width$}  {:<20}  HEADLINE\n",
        "SLUG", "STATUS", "DESK", "UPDATED"
    );
    for l in listed {
        let headline = crate::text::diagnostic::printable(l.headline.to_owned());
        out.push_str(&format!(
            "{:<slug_width$}  {:<9}  {:<desk_width$}  {:<20}  {}\n",
            l.slug,
            crate::workflow::states::status_name(l.status),
            l.desk,
            l.updated,
            headline
        ));
    }
    out
}
