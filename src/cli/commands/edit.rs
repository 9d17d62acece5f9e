//! `lede edit`: revise a story in `$EDITOR`, whole or one part at a time.
//!
//! Text written in the editor is never lost: when the result does not
//! validate, the editor is offered again with the text as it was left, and
//! when the editor is declined (or there is no terminal to ask on) the text
//! is kept in a recovery file whose path is printed.

use std::io::{BufRead, IsTerminal};
use std::path::Path;

use crate::cli::editing;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::newsroom::stories::{self, Source};
use crate::record::edit::EditError;
use crate::record::model::Story;
use crate::workflow::revise::{self, ReviseError};

/// Revise a story, whole or one part.
///
/// With no part named, the whole record opens in $EDITOR
/// (or $VISUAL); otherwise only that part: --headline takes the new text
/// directly, --section opens the section's body, --faq opens the entry as
/// its question on the first line and the answer below a blank line.
///
/// The result is validated before it is written; an approved or published
/// story goes back to draft. One commit: "edit: <slug> (<part>)".
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The story's slug.
    pub slug: String,

    /// The new headline.
    #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["section", "faq"])]
    pub headline: Option<String>,

    /// Edit the body of this section (its id, e.g. whats-happened).
    #[arg(long, value_name = "ID", conflicts_with = "faq")]
    pub section: Option<String>,

    /// Edit this FAQ entry (its id).
    #[arg(long, value_name = "ID")]
    pub faq: Option<String>,

    /// Leave the change uncommitted.
    #[arg(long)]
    pub no_commit: bool,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let slug = args.slug.as_str();
    let commit = !args.no_commit;
    if let Some(headline) = &args.headline {
        let headline = headline.trim().to_owned();
        return editing::run(
            ui,
            ws,
            slug,
            commit,
            &format!("edit: {slug} (headline)"),
            |editor| {
                editor.set_top_text("headline", &headline);
                Ok(())
            },
        );
    }
    let root = ws.root()?;
    let (path, text) = stories::story_text(root, slug, &Source::WorkingTree)
        .map_err(|e| CommandError::from(e).hint("`lede list` shows the slugs"))?;
    if args.section.is_none() && args.faq.is_none() {
        // The whole record, which need not read as a story: this is how a
        // broken record is fixed. The edited text replaces it.
        return edit_part(
            ui,
            ws,
            slug,
            commit,
            &format!("edit: {slug}"),
            text,
            "toml",
            |editor, edited| {
                *editor = crate::record::edit::RecordEditor::parse(edited)?;
                Ok(())
            },
        );
    }
    let story = Story::from_toml(&text).map_err(|e| {
        CommandError::new(format!(
            "{path} cannot be edited part by part: {}",
            e.message
        ))
        .hint(format!(
            "fix it with `lede edit {slug}` (the whole record) or see `lede validate {path}`"
        ))
    })?;

    if let Some(id) = &args.section {
        let section = story.section(id).ok_or_else(|| {
            CommandError::new(format!("{slug} has no section `{id}`")).hint(format!(
                "its sections are: {}",
                story
                    .sections
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let id = id.clone();
        return edit_part(
            ui,
            ws,
            slug,
            commit,
            &format!("edit: {slug} (section {id})"),
            section.body.get_ref().clone(),
            "md",
            |editor, body| editor.set_section_text(&id, "body", body),
        );
    }
    // Otherwise one FAQ entry.
    let Some(id) = &args.faq else {
        return unchanged(ui);
    };
    {
        let entry = story
            .faq
            .iter()
            .map(|entry| entry.get_ref())
            .find(|entry| entry.id.get_ref() == id)
            .ok_or_else(|| CommandError::new(format!("{slug} has no FAQ entry `{id}`")))?;
        let current = format!(
            "{}\n\n{}",
            entry.question.get_ref(),
            entry.answer.get_ref().trim()
        );
        let id = id.clone();
        edit_part(
            ui,
            ws,
            slug,
            commit,
            &format!("edit: {slug} (faq {id})"),
            current,
            "md",
            |editor, edited| {
                let (question, answer) = edited.trim().split_once("\n\n").ok_or_else(|| {
                    EditError::Shape(
                        "the FAQ entry needs its question on the first line, a blank line, then the answer"
                            .into(),
                    )
                })?;
                editor.set_faq_text(&id, "question", question.trim())?;
                editor.set_faq_text(&id, "answer", answer.trim())
            },
        )
    }
}

/// One part of a story in the editor, applied with `apply`; while the story
/// would not be valid, the editor is offered again (on a terminal) with the
/// text as it was left, and otherwise the text is kept in a recovery file.
#[allow(clippy::too_many_arguments)]
fn edit_part(
    ui: &Ui,
    ws: &Workspace,
    slug: &str,
    commit: bool,
    message: &str,
    current: String,
    extension: &str,
    apply: impl Fn(&mut crate::record::edit::RecordEditor, &str) -> Result<(), EditError>,
) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let schemas = ws.schemas()?;
    crate::newsroom::change::refuse_on_published(root, &ws.git()?)?;
    let mut text = current.clone();
    loop {
        let Some(edited) = edit_text(ui, &text, extension)? else {
            return unchanged(ui);
        };
        text = edited;
        if text == current {
            return unchanged(ui);
        }
        let result = revise::revise(root, config, schemas, slug, commit, message, |editor| {
            apply(editor, &text)
        });
        match result {
            Ok(revised) => {
                editing::report(ui, slug, message, &revised)?;
                return Ok(Outcome::Success);
            }
            Err(ReviseError::Invalid {
                path,
                text: record,
                diagnostics,
            }) => {
                // Not `?`: the edited text is kept below even when the
                // problems cannot be printed.
                let _ = editing::show_problems(ui, &path, &record, &diagnostics);
            }
            Err(ReviseError::Edit { source, .. }) => errln!(ui, "{source}"),
            // Refused for what the edit would do to the record's history:
            // said, and the text offered again or kept, never dropped.
            Err(
                error @ (ReviseError::WorkflowField { .. }
                | ReviseError::CorrectionRewritten { .. }),
            ) => {
                // Without "nothing was changed": the text is kept below.
                let shown = CommandError::from(error).render();
                for line in shown.lines().filter(|l| !l.contains("nothing was changed")) {
                    errln!(ui, "{line}");
                }
            }
            Err(error) => {
                // Whatever stopped the change, the typed text survives it.
                let kept = crate::newsroom::recovery::keep_unsaved(root, slug, &text);
                return Err(CommandError::from(error)
                    .hint(format!("your text is kept in {}", kept.display())));
            }
        }
        if !edit_again(ui, root, slug, &text, "Edit it again?") {
            return Ok(Outcome::Problems);
        }
    }
}

/// After a text that would make the story invalid: whether to open the
/// editor again, asked on a terminal. When not, the text is kept in a
/// recovery file and its path printed.
fn edit_again(ui: &Ui, root: &Path, slug: &str, text: &str, prompt: &str) -> bool {
    let again = std::io::stdin().is_terminal()
        && dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(true)
            .interact()
            .unwrap_or(false);
    if !again {
        let kept = crate::newsroom::recovery::keep_unsaved(root, slug, text);
        errln!(
            ui,
            "Nothing was written. Your text is kept in {}",
            kept.display()
        );
    }
    again
}

fn unchanged(ui: &Ui) -> Result<Outcome, CommandError> {
    if !ui.quiet {
        outln!(ui, "No changes.")?;
    }
    Ok(Outcome::Success)
}

/// Text edited in $VISUAL/$EDITOR, or typed on the terminal when neither is
/// set. `None` when the editor was left without saving.
fn edit_text(ui: &Ui, text: &str, extension: &str) -> Result<Option<String>, CommandError> {
    let has_editor = ["VISUAL", "EDITOR"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    if has_editor {
        return dialoguer::Editor::new()
            .extension(&format!(".{extension}"))
            .trim_newlines(false)
            .edit(text)
            .map_err(|e| {
                CommandError::new(format!("the editor failed: {e}"))
                    .hint("check $EDITOR; nothing was changed")
            });
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            CommandError::new("no editor: set $EDITOR, or run lede on a terminal")
                .hint("nothing was changed"),
        );
    }
    errln!(ui, "No $EDITOR is set. The current text:\n\n{text}\n");
    errln!(
        ui,
        "Type the new text; end with a line holding only a dot (.), or Ctrl-D."
    );
    let mut lines = Vec::new();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| CommandError::new(format!("cannot read the text: {e}")))?;
        if line == "." {
            break;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return Ok(None);
    }
    Ok(Some(lines.join("\n") + "\n"))
}
