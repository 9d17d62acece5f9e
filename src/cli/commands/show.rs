//! `lede show`: one story, readable, at any revision.

use clap::ValueEnum;

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::out;
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::conflicts;
use crate::newsroom::stories::{self, Source};
use crate::record::document::Document;
use crate::record::model::Story;
use crate::record::reading::plain_text;

/// Show a story: readable text, its TOML as stored, or JSON.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's slug (its file name without .toml).
    pub slug: String,

    /// Show the story as it was at this git revision (a commit, branch, tag,
    /// HEAD~3, ...).
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,

    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The story as a reader would read it.
    Text,
    /// The record exactly as stored.
    Toml,
    /// The record as JSON, date-times as RFC 3339 text.
    Json,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let source = match &args.rev {
        Some(rev) => Source::Revision(rev.clone()),
        None => Source::WorkingTree,
    };
    let (path, text) = stories::story_text(root, &args.slug, &source)
        .map_err(|e| CommandError::from(e).hint("`lede list` shows the slugs"))?;
    if matches!(source, Source::WorkingTree) {
        let git = Git::open_if_any(root)?;
        let conflicts =
            conflicts::unresolved(git.as_ref(), root, [(path.as_str(), text.as_str())])?;
        let mine: Vec<_> = conflicts.into_iter().filter(|c| c.path == path).collect();
        if !mine.is_empty() {
            return Err(CommandError::unresolved(&mine));
        }
    }
    let output = match args.format {
        Format::Toml => text,
        Format::Json => {
            let document =
                Document::parse(crate::text::source::strip_bom(&text)).map_err(|_| {
                    CommandError::new(format!("{path} is not valid TOML"))
                        .hint(format!("run `lede validate {path}` to see where"))
                })?;
            let mut json = serde_json::to_string_pretty(&document.to_json()).unwrap_or_default();
            json.push('\n');
            json
        }
        Format::Text => {
            let story = Story::from_toml(&text).map_err(|e| {
                CommandError::new(format!("{path} cannot be shown: {}", e.message))
                    .hint(format!("run `lede validate {path}` to see what is wrong"))
            })?;
            plain_text(&story)
        }
    };
    out!(ui, "{output}")?;
    Ok(Outcome::Success)
}
