//! `lede new`: a story from nothing, by dialogue or by flags.
//!
//! Every answer can come from a flag or a partial draft (`--from`), and
//! every answer, typed or given, goes through the same check: the story so
//! far is validated like `lede validate` validates a file, and the problems
//! that concern the answer are shown at its prompt. Nothing is written
//! before the final confirmation; text written in the editor is kept in a
//! recovery file as soon as it is written, so no later failure or
//! interruption loses it.

use std::io::Read;
use std::path::PathBuf;

use crate::cli::Ui;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::draft::{Draft, Faq, Section, SectionPlan, Source, section_plan, slug_from};
use crate::error::{CommandError, Outcome};
use crate::git::Git;
use crate::repo::{self, Collection, EntryKind};
use crate::schema::Schemas;

/// Create a story.
///
/// On a terminal lede asks for whatever the flags and --from did not give:
/// headline, slug, desk, topics (with a way to create a missing topic),
/// each required section (long text in $EDITOR), the outlets for "What the
/// papers say" and FAQ entries, then shows a summary to confirm. The story
/// is written to stories/<year>/<slug>.toml and committed as "new: <slug>".
///
/// Without a terminal (or with --no-input) nothing is asked: missing answers
/// are named and lede exits with status 2 at once.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, allow_hyphen_values = true)]
    pub headline: Option<String>,

    /// The story's id and file name; made from the headline when not given.
    #[arg(long)]
    pub slug: Option<String>,

    /// One of the desks in lede.toml.
    #[arg(long)]
    pub desk: Option<String>,

    /// A topic id (repeatable).
    #[arg(long = "topic", value_name = "ID")]
    pub topics: Vec<String>,

    /// A partial record in TOML with any of the story's parts: sections,
    /// sources, FAQ entries, headline... `-` reads it from standard input.
    #[arg(long, value_name = "FILE")]
    pub from: Option<PathBuf>,

    /// Never prompt.
    #[arg(long)]
    pub no_input: bool,

    /// Write the story but do not commit it.
    #[arg(long)]
    pub no_commit: bool,
}

struct Context {
    root: PathBuf,
    config: Config,
    schemas: Schemas,
    now: String,
    recovery: Option<PathBuf>,
    /// Topics created during the dialogue: (id, path, text), written with
    /// the story in its commit.
    new_topics: Vec<(String, String, String)>,
}

impl Context {
    fn path_for(&self, slug: &str) -> String {
        format!("stories/{}/{slug}.toml", &self.now[..4])
    }

    /// The problems of the story so far whose JSON pointer starts with one
    /// of `prefixes`: what an answer to a prompt is checked against.
    fn problems(&self, draft: &Draft, prefixes: &[&str]) -> Vec<Diagnostic> {
        let slug = draft.slug.clone().unwrap_or_else(|| "new-story".into());
        let path = self.path_for(&slug);
        let text = draft.render(&self.now);
        crate::validate::check_text(&self.root, &self.config, &self.schemas, &path, &text)
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .filter(|d| !self.is_new_topic(d))
            .filter(|d| {
                let pointer = d.pointer.as_deref().unwrap_or_default();
                prefixes.iter().any(|prefix| pointer.starts_with(prefix))
            })
            .collect()
    }

    /// An unknown-topic problem about a topic created in this dialogue,
    /// which is written together with the story.
    fn is_new_topic(&self, diagnostic: &Diagnostic) -> bool {
        diagnostic.code == crate::diagnostic::Code::UnknownTopic
            && self
                .new_topics
                .iter()
                .any(|(id, _, _)| diagnostic.message.contains(&format!("\"{id}\"")))
    }

    /// Keeps the draft so far (after editor text was written into it).
    fn keep(&mut self, draft: &Draft) {
        let slug = draft.slug.clone().unwrap_or_else(|| "new-story".into());
        self.recovery = Some(crate::commands::edit::keep(
            &self.root,
            &slug,
            &draft.render(&self.now),
        ));
    }
}

fn cancelled() -> CommandError {
    CommandError::new("cancelled; nothing was written")
}

pub fn run(args: &Args, ui: &Ui) -> Result<Outcome, CommandError> {
    let root = repo::discover(&ui.cwd)?;
    let config = Config::load(&root)?;
    let schemas = Schemas::load(&root)?;
    let git = Git::open(&root).map_err(crate::commands::init::change_error)?;
    git.check_ready()
        .map_err(crate::commands::init::change_error)?;
    let author = if args.no_commit {
        git.identity().ok()
    } else {
        Some(
            git.identity()
                .map_err(crate::commands::init::change_error)?,
        )
    };
    let interactive = crate::commands::revision::can_ask(args.no_input);

    let mut draft = Draft {
        slug: args.slug.clone(),
        headline: args.headline.clone(),
        desk: args.desk.clone(),
        topics: args.topics.clone(),
        ..Draft::default()
    };
    if let Some(from) = &args.from {
        let text = if from.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CommandError::new(format!("cannot read the draft from stdin: {e}")))?;
            text
        } else {
            std::fs::read_to_string(ui.cwd.join(from))
                .map_err(|e| CommandError::new(format!("cannot read {}: {e}", from.display())))?
        };
        draft.merge_toml(&text).map_err(|e| {
            CommandError::new(format!("{} is not a usable draft", from.display())).cause(e)
        })?;
    }
    if draft.authors.is_empty()
        && let Some(author) = &author
    {
        draft.authors.push(author.to_string());
    }
    if draft.slug.is_none() {
        draft.slug = draft.headline.as_deref().map(slug_from);
    }
    let plan = section_plan(schemas.story.raw());
    for part in &plan {
        if let Some(section) = draft.sections.get_mut(&part.id)
            && section.title.is_empty()
        {
            section.title = part.title.clone();
        }
    }

    let mut context = Context {
        root: root.clone(),
        config,
        schemas,
        now: crate::revise::now(),
        recovery: None,
        new_topics: Vec::new(),
    };

    if !interactive {
        let missing = missing_answers(&draft, &plan, &context.config);
        if !missing.is_empty() {
            return Err(
                CommandError::new(format!("lede new needs {}", missing.join(", ")))
                    .hint("give them as flags or in a --from draft, or run lede new on a terminal"),
            );
        }
    } else {
        ask_everything(&mut context, &mut draft, &plan)?;
    }

    let slug = draft.slug.clone().unwrap_or_default();
    let path = context.path_for(&slug);
    let text = draft.render(&context.now);
    let taken = repo::walk_records(&root)?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Record(Collection::Story))
        .any(|e| e.stem() == slug);
    if taken {
        return Err(
            CommandError::new(format!("a story with the slug `{slug}` already exists"))
                .hint("choose another --slug; nothing was written"),
        );
    }
    let diagnostics: Vec<Diagnostic> =
        crate::validate::check_text(&root, &context.config, &context.schemas, &path, &text)?
            .into_iter()
            .filter(|d| !context.is_new_topic(d))
            .collect();
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        crate::commands::revision::show_problems(ui, &path, &text, &diagnostics);
        let kept = crate::commands::edit::keep(&root, &slug, &text);
        eprintln!(
            "The story is not valid; nothing was written. It is kept in {}",
            kept.display()
        );
        return Ok(Outcome::Problems);
    }
    if interactive {
        let story = crate::record::Story::from_toml(&text).map_err(|e| {
            CommandError::new(format!(
                "internal: the new story does not read back: {}",
                e.message
            ))
        })?;
        eprintln!("\n{}", crate::commands::show::render(&story));
        let save = dialoguer::Confirm::new()
            .with_prompt(format!("Save this story as {path}?"))
            .default(true)
            .interact_opt()
            .ok()
            .flatten()
            .unwrap_or(false);
        if !save {
            let kept = crate::commands::edit::keep(&root, &slug, &text);
            eprintln!(
                "Nothing was written. The story is kept in {}",
                kept.display()
            );
            return Err(cancelled());
        }
    }

    let mut files: Vec<(&str, &str)> = context
        .new_topics
        .iter()
        .map(|(_, topic_path, topic_text)| (topic_path.as_str(), topic_text.as_str()))
        .collect();
    files.push((&path, &text));
    let commit =
        crate::commands::revision::create(&root, &files, !args.no_commit, &format!("new: {slug}"))?;
    if let Some(recovery) = &context.recovery {
        let _ = std::fs::remove_file(recovery);
    }
    if !ui.quiet {
        match commit {
            Some(id) => println!("new: {slug} ({}) in {path}", &id[..12.min(id.len())]),
            None => println!("Wrote {path} (not committed)."),
        }
    }
    Ok(Outcome::Success)
}

/// The flags a run without prompts lacks.
fn missing_answers(draft: &Draft, plan: &[SectionPlan], config: &Config) -> Vec<String> {
    let mut missing = Vec::new();
    if draft.headline.is_none() {
        missing.push("--headline".to_owned());
    }
    if draft.desk.is_none() && !config.newsroom.desks.is_empty() {
        missing.push("--desk".to_owned());
    }
    let sections: Vec<&str> = plan
        .iter()
        .filter(|part| {
            draft.sections.get(&part.id).is_none_or(|s| {
                s.body.trim().is_empty() || (part.needs_sources && s.sources.is_empty())
            })
        })
        .map(|part| part.id.as_str())
        .collect();
    if !sections.is_empty() {
        missing.push(format!(
            "--from (a draft with the sections {})",
            sections.join(", ")
        ));
    }
    missing
}

fn show(diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let hint = d
            .hint
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        eprintln!("  {} {}{hint}", d.code, d.message);
    }
}

/// A line of text, asked until the story's rules accept it.
fn ask_line(
    context: &Context,
    draft: &mut Draft,
    prompt: &str,
    initial: Option<String>,
    set: impl Fn(&mut Draft, String),
    pointers: &[&str],
) -> Result<(), CommandError> {
    loop {
        let mut input = dialoguer::Input::<String>::new().with_prompt(prompt);
        if let Some(initial) = &initial {
            input = input.with_initial_text(initial.clone());
        }
        let answer = input.interact_text().map_err(|_| cancelled())?;
        set(draft, answer.trim().to_owned());
        let problems = context.problems(draft, pointers);
        if problems.is_empty() {
            return Ok(());
        }
        show(&problems);
    }
}

fn ask_everything(
    context: &mut Context,
    draft: &mut Draft,
    plan: &[SectionPlan],
) -> Result<(), CommandError> {
    if draft.headline.is_none() {
        ask_line(
            context,
            draft,
            "Headline",
            None,
            |d, a| d.headline = Some(a),
            &["/headline"],
        )?;
    }
    if draft.slug.is_none()
        || !crate::validate::is_valid_id(draft.slug.as_deref().unwrap_or_default())
    {
        let suggestion = draft.headline.as_deref().map(slug_from);
        ask_line(
            context,
            draft,
            "Slug",
            suggestion,
            |d, a| d.slug = Some(a),
            &["/slug"],
        )?;
    }
    if draft.desk.is_none() {
        let desks = &context.config.newsroom.desks;
        if desks.is_empty() {
            ask_line(
                context,
                draft,
                "Desk",
                None,
                |d, a| d.desk = Some(a),
                &["/desk"],
            )?;
        } else {
            let index = dialoguer::Select::new()
                .with_prompt("Desk")
                .items(desks)
                .default(0)
                .interact_opt()
                .map_err(|_| cancelled())?
                .ok_or_else(cancelled)?;
            draft.desk = Some(desks[index].clone());
        }
    }
    if draft.topics.is_empty() {
        ask_topics(context, draft)?;
    }
    for part in plan {
        let section = draft
            .sections
            .entry(part.id.clone())
            .or_insert_with(|| Section {
                title: part.title.clone(),
                ..Section::default()
            });
        if section.body.trim().is_empty() {
            let pointer = format!("/sections/{}/body", part.id);
            let mut text = String::new();
            loop {
                eprintln!("{}: write the section in the editor.", part.title);
                let written = edit_or_type(&text)?.unwrap_or_default();
                text = written;
                if let Some(section) = draft.sections.get_mut(&part.id) {
                    section.body = text.clone();
                }
                context.keep(draft);
                // The body alone: the section's sources are asked for next.
                let problems = context.problems(draft, &[pointer.as_str()]);
                if problems.is_empty() {
                    break;
                }
                show(&problems);
                again_or_stop(context)?;
            }
        }
        if part.needs_sources
            && draft
                .sections
                .get(&part.id)
                .is_some_and(|s| s.sources.is_empty())
        {
            ask_sources(context, draft, &part.id)?;
        }
    }
    if draft.faq.is_empty() {
        ask_faq(context, draft)?;
    }
    Ok(())
}

fn ask_topics(context: &mut Context, draft: &mut Draft) -> Result<(), CommandError> {
    let ids: Vec<String> = repo::walk_records(&context.root)?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Record(Collection::Topic))
        .map(|e| e.stem().to_owned())
        .collect();
    if !ids.is_empty() {
        let chosen = dialoguer::MultiSelect::new()
            .with_prompt("Topics (space to choose, enter to go on)")
            .items(&ids)
            .interact_opt()
            .map_err(|_| cancelled())?
            .ok_or_else(cancelled)?;
        draft.topics = chosen.into_iter().map(|i| ids[i].clone()).collect();
    }
    loop {
        let create = dialoguer::Confirm::new()
            .with_prompt("Create a topic that is not listed?")
            .default(false)
            .interact_opt()
            .map_err(|_| cancelled())?
            .ok_or_else(cancelled)?;
        if !create {
            return Ok(());
        }
        let name = dialoguer::Input::<String>::new()
            .with_prompt("Topic name")
            .interact_text()
            .map_err(|_| cancelled())?;
        let kinds = [
            "person",
            "place",
            "organisation",
            "agreement",
            "event",
            "subject",
        ];
        let kind = dialoguer::Select::new()
            .with_prompt("Kind")
            .items(kinds)
            .default(0)
            .interact_opt()
            .map_err(|_| cancelled())?
            .ok_or_else(cancelled)?;
        let blurb = dialoguer::Input::<String>::new()
            .with_prompt("Blurb (one paragraph)")
            .interact_text()
            .map_err(|_| cancelled())?;
        let id = crate::draft::slugify(&name, 6);
        let path = format!("topics/{id}.toml");
        let text = crate::commands::topic::topic_text(&id, name.trim(), kinds[kind], blurb.trim());
        let problems: Vec<Diagnostic> = crate::validate::check_text(
            &context.root,
            &context.config,
            &context.schemas,
            &path,
            &text,
        )?
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
        if ids.contains(&id) || context.new_topics.iter().any(|(other, _, _)| *other == id) {
            eprintln!("  The topic `{id}` exists already; choose it from the list instead.");
            continue;
        }
        if !problems.is_empty() {
            show(&problems);
            eprintln!("That topic was not added; try again.");
            continue;
        }
        draft.topics.push(id.clone());
        context.new_topics.push((id, path, text));
    }
}

fn ask_sources(context: &mut Context, draft: &mut Draft, id: &str) -> Result<(), CommandError> {
    loop {
        eprintln!("An outlet's view for this section:");
        let outlet = dialoguer::Input::<String>::new()
            .with_prompt("Outlet")
            .interact_text()
            .map_err(|_| cancelled())?;
        let gist = dialoguer::Input::<String>::new()
            .with_prompt("What it emphasised (one sentence)")
            .interact_text()
            .map_err(|_| cancelled())?;
        let url = dialoguer::Input::<String>::new()
            .with_prompt("Link (optional)")
            .allow_empty(true)
            .interact_text()
            .map_err(|_| cancelled())?;
        let sources = &mut draft.sections.entry(id.to_owned()).or_default().sources;
        sources.push(Source {
            outlet: outlet.trim().to_owned(),
            url: Some(url.trim().to_owned()).filter(|u| !u.is_empty()),
            gist: gist.trim().to_owned(),
        });
        let index = sources.len() - 1;
        let problems = context.problems(draft, &[&format!("/sections/{id}/sources/{index}")]);
        if !problems.is_empty() {
            show(&problems);
            draft
                .sections
                .entry(id.to_owned())
                .or_default()
                .sources
                .pop();
            eprintln!("Let's try that outlet again.");
            continue;
        }
        let another = dialoguer::Confirm::new()
            .with_prompt("Add another outlet?")
            .default(false)
            .interact()
            .map_err(|_| cancelled())?;
        if !another {
            return Ok(());
        }
    }
}

fn ask_faq(context: &mut Context, draft: &mut Draft) -> Result<(), CommandError> {
    loop {
        let add = dialoguer::Confirm::new()
            .with_prompt("Add a FAQ entry?")
            .default(false)
            .interact()
            .map_err(|_| cancelled())?;
        if !add {
            return Ok(());
        }
        let question = dialoguer::Input::<String>::new()
            .with_prompt("Question")
            .interact_text()
            .map_err(|_| cancelled())?;
        let mut id = crate::commands::faq::id_from(&question);
        while draft.faq.iter().any(|f| f.id == id) {
            id.push_str("-2");
        }
        draft.faq.push(Faq {
            id,
            question: question.trim().to_owned(),
            answer: String::new(),
        });
        let index = draft.faq.len() - 1;
        let mut text = String::new();
        loop {
            eprintln!("Write the answer in the editor.");
            text = edit_or_type(&text)?.unwrap_or_default();
            draft.faq[index].answer = text.trim().to_owned();
            context.keep(draft);
            let problems = context.problems(draft, &[&format!("/faq/{index}")]);
            if problems.is_empty() {
                break;
            }
            show(&problems);
            again_or_stop(context)?;
        }
    }
}

/// After a text that breaks a rule: the editor again, with the text as it
/// was left, or stop (the text stays in the recovery file).
fn again_or_stop(context: &Context) -> Result<(), CommandError> {
    let again = dialoguer::Confirm::new()
        .with_prompt("Edit the text again?")
        .default(true)
        .interact_opt()
        .ok()
        .flatten()
        .unwrap_or(false);
    if again {
        return Ok(());
    }
    let kept = context
        .recovery
        .as_ref()
        .map(|path| format!(" Your text is kept in {}", path.display()))
        .unwrap_or_default();
    Err(CommandError::new(format!(
        "stopped; nothing was written.{kept}"
    )))
}

/// Long text from $EDITOR, or typed at the terminal when none is set.
fn edit_or_type(text: &str) -> Result<Option<String>, CommandError> {
    let has_editor = ["VISUAL", "EDITOR"]
        .iter()
        .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
    if has_editor {
        return dialoguer::Editor::new()
            .extension(".md")
            .require_save(false)
            .edit(text)
            .map_err(|e| CommandError::new(format!("the editor failed: {e}")));
    }
    eprintln!("(No $EDITOR is set: type the text; a line with only a dot ends it.)");
    let mut lines = Vec::new();
    loop {
        let line = dialoguer::Input::<String>::new()
            .allow_empty(true)
            .interact_text()
            .map_err(|_| cancelled())?;
        if line == "." {
            break;
        }
        lines.push(line);
    }
    Ok(Some(lines.join("\n")))
}
