//! `lede add faq` and `lede rm faq`: one FAQ entry in or out of a story.

use crate::cli::editing;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::{Ui, Workspace};
use crate::record::draft::id_from;

/// Add a FAQ entry to a story.
///
/// Give the question and answer as flags, or be asked for them on a
/// terminal. The entry is appended after the story's other entries and the
/// story is committed as "edit: <slug> (faq <id>)".
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The story's slug.
    pub slug: String,

    /// The question, as a reader would ask it.
    #[arg(long, allow_hyphen_values = true)]
    pub question: Option<String>,

    /// The answer (Markdown).
    #[arg(long, allow_hyphen_values = true)]
    pub answer: Option<String>,

    /// The entry's id; made from the question when not given.
    #[arg(long)]
    pub id: Option<String>,

    /// Never prompt: fail, naming the missing flags, instead.
    #[arg(long)]
    pub no_input: bool,

    /// Leave the change uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

/// Remove a FAQ entry from a story.
#[derive(Debug, clap::Args)]
pub struct RmArgs {
    /// The story's slug.
    pub slug: String,

    /// The id of the FAQ entry to remove.
    pub id: String,

    /// Leave the change uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn add(ui: &Ui, ws: &Workspace, args: &AddArgs) -> Result<Outcome, CommandError> {
    let interactive = editing::can_ask(args.no_input);
    let missing: Vec<&str> = [
        (args.question.is_none(), "--question"),
        (args.answer.is_none(), "--answer"),
    ]
    .into_iter()
    .filter_map(|(absent, flag)| absent.then_some(flag))
    .collect();
    editing::require_answers("lede add faq", &missing, interactive)?;
    let question = match &args.question {
        Some(question) => question.trim().to_owned(),
        None => ask("Question")?,
    };
    let answer = match &args.answer {
        Some(answer) => answer.trim().to_owned(),
        None => ask("Answer")?,
    };
    let id = match &args.id {
        Some(id) => id.clone(),
        None => id_from(&question),
    };
    let message = format!("edit: {} (faq {id})", args.slug);
    editing::run(ui, ws, &args.slug, !args.no_commit, &message, |editor| {
        let mut unique = id.clone();
        let existing = editor.faq_ids()?;
        let mut n = 2;
        while args.id.is_none() && existing.contains(&unique) {
            unique = format!("{id}-{n}");
            n += 1;
        }
        editor.add_faq(&unique, &question, &answer)
    })
}

pub fn rm(ui: &Ui, ws: &Workspace, args: &RmArgs) -> Result<Outcome, CommandError> {
    let message = format!("edit: {} (remove faq {})", args.slug, args.id);
    editing::run(ui, ws, &args.slug, !args.no_commit, &message, |editor| {
        editor.remove_faq(&args.id)
    })
}

fn ask(prompt: &str) -> Result<String, CommandError> {
    dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .interact_text()
        .map(|text| text.trim().to_owned())
        .map_err(|_| CommandError::new("cancelled; nothing was changed"))
}

/// Add a section to a story, after its other sections.
///
/// Give the id, title and body as flags, or be asked on a terminal (the
/// body in $EDITOR).
#[derive(Debug, clap::Args)]
pub struct AddSectionArgs {
    /// The story's slug.
    pub slug: String,

    /// The section's id (lower-case letters, digits and hyphens); made from
    /// the title when not given.
    #[arg(long)]
    pub id: Option<String>,

    /// The section's heading.
    #[arg(long, allow_hyphen_values = true)]
    pub title: Option<String>,

    /// The section's text (Markdown).
    #[arg(long, allow_hyphen_values = true)]
    pub body: Option<String>,

    /// Never prompt: fail, naming the missing flags, instead.
    #[arg(long)]
    pub no_input: bool,

    /// Leave the change uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn add_section(
    ui: &Ui,
    ws: &Workspace,
    args: &AddSectionArgs,
) -> Result<Outcome, CommandError> {
    let missing: Vec<&str> = [
        (args.title.is_none(), "--title"),
        (args.body.is_none(), "--body"),
    ]
    .into_iter()
    .filter_map(|(absent, flag)| absent.then_some(flag))
    .collect();
    editing::require_answers(
        "lede add section",
        &missing,
        editing::can_ask(args.no_input),
    )?;
    let title = match &args.title {
        Some(title) => title.trim().to_owned(),
        None => ask("Title")?,
    };
    let body = match &args.body {
        Some(body) => body.trim().to_owned(),
        None => dialoguer::Editor::new()
            .extension(".md")
            .edit("")
            .map_err(|e| CommandError::new(format!("the editor failed: {e}")))?
            .ok_or_else(|| CommandError::new("no text was written; nothing was changed"))?,
    };
    let id = args.id.clone().unwrap_or_else(|| id_from(&title));
    let message = format!("edit: {} (section {id})", args.slug);
    editing::run(ui, ws, &args.slug, !args.no_commit, &message, |editor| {
        editor.add_section(&id, &title, &body)
    })
}
