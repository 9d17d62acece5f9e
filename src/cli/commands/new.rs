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

use crate::check::schema::Schemas;
use crate::cli::error::{CommandError, Outcome};
use crate::cli::prompt::{Cancelled, Prompter, Terminal};
use crate::cli::ui::{errln, outln};
use crate::cli::{Ui, Workspace};
use crate::git::Git;
use crate::newsroom::config::Config;
use crate::newsroom::layout::{self, EntryKind};
use crate::record::collection::Collection;
use crate::record::draft::{Draft, Faq, Section, SectionPlan, Source, section_plan, slug_from};
use crate::text::diagnostic::{Diagnostic, Severity};

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

struct Context<'a> {
    root: PathBuf,
    config: &'a Config,
    schemas: &'a Schemas,
    now: String,
    /// Read once: every answer is checked against them.
    topics: crate::check::validate::KnownTopics,
    recovery: Option<PathBuf>,
    /// Topics created during the dialogue: (id, path, text), written with
    /// the story in its commit.
    new_topics: Vec<(String, String, String)>,
}

impl Context<'_> {
    fn path_for(&self, slug: &str) -> String {
        format!("stories/{}/{slug}.toml", &self.now[..4])
    }

    /// The problems of the story so far whose JSON pointer starts with one
    /// of `prefixes`: what an answer to a prompt is checked against.
    fn problems(&self, draft: &Draft, prefixes: &[&str]) -> Vec<Diagnostic> {
        let slug = draft.slug.clone().unwrap_or_else(|| "new-story".into());
        let path = self.path_for(&slug);
        let text = draft.render(&self.now);
        self.check(&path, &text)
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
        diagnostic.code == crate::text::diagnostic::Code::UnknownTopic
            && self
                .new_topics
                .iter()
                .any(|(id, _, _)| diagnostic.message.contains(&format!("\"{id}\"")))
    }

    /// Everything `lede validate` checks for a text at `path`.
    fn check(&self, path: &str, text: &str) -> Vec<Diagnostic> {
        crate::check::validate::check_text_against(
            &self.root,
            self.config,
            self.schemas,
            &self.topics,
            path,
            text,
        )
    }

    /// Keeps the draft so far (after editor text was written into it).
    fn keep(&mut self, draft: &Draft) {
        let slug = draft.slug.clone().unwrap_or_else(|| "new-story".into());
        self.recovery = Some(crate::newsroom::recovery::keep_unsaved(
            &self.root,
            &slug,
            &draft.render(&self.now),
        ));
    }
}

fn cancelled() -> CommandError {
    CommandError::new("cancelled; nothing was written")
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    let root = ws.root()?;
    let config = ws.config()?;
    let schemas = ws.schemas()?;
    let git = Git::open(root).map_err(CommandError::from)?;
    git.check_ready().map_err(CommandError::from)?;
    let author = if args.no_commit {
        git.identity().ok()
    } else {
        Some(git.identity().map_err(CommandError::from)?)
    };
    let interactive = crate::cli::editing::can_ask(args.no_input);

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
            std::fs::read_to_string(ws.cwd().join(from))
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
        root: root.to_path_buf(),
        config,
        schemas,
        now: crate::record::document::now(),
        topics: crate::check::validate::KnownTopics::read(root)?,
        recovery: None,
        new_topics: Vec::new(),
    };

    if !interactive {
        let missing = missing_answers(&draft, &plan, context.config);
        if !missing.is_empty() {
            return Err(
                CommandError::new(format!("lede new needs {}", missing.join(", ")))
                    .hint("give them as flags or in a --from draft, or run lede new on a terminal"),
            );
        }
    } else {
        ask_everything(&mut Terminal, &mut context, &mut draft, &plan)?;
    }

    let slug = draft.slug.clone().unwrap_or_default();
    let path = context.path_for(&slug);
    let text = draft.render(&context.now);
    let taken = layout::walk_records(root)?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Record(Collection::Story))
        .any(|e| e.stem() == slug);
    if taken {
        return Err(
            CommandError::new(format!("a story with the slug `{slug}` already exists"))
                .hint("choose another --slug; nothing was written"),
        );
    }
    let diagnostics: Vec<Diagnostic> = context
        .check(&path, &text)
        .into_iter()
        .filter(|d| !context.is_new_topic(d))
        .collect();
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        // Kept first: the text must be safe even if printing fails.
        let kept = crate::newsroom::recovery::keep_unsaved(root, &slug, &text);
        crate::cli::editing::show_problems(ui, &path, &text, &diagnostics)?;
        errln!(
            ui,
            "The story is not valid; nothing was written. It is kept in {}",
            kept.display()
        );
        return Ok(Outcome::Problems);
    }
    if interactive {
        let story = crate::record::model::Story::from_toml(&text).map_err(|e| {
            CommandError::new(format!(
                "internal: the new story does not read back: {}",
                e.message
            ))
        })?;
        errln!(ui, "\n{}", crate::record::reading::plain_text(&story));
        let save = dialoguer::Confirm::new()
            .with_prompt(format!("Save this story as {path}?"))
            .default(true)
            .interact_opt()
            .ok()
            .flatten()
            .unwrap_or(false);
        if !save {
            let kept = crate::newsroom::recovery::keep_unsaved(root, &slug, &text);
            errln!(
                ui,
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
        crate::cli::editing::create(ui, root, &files, !args.no_commit, &format!("new: {slug}"))?;
    if let Some(recovery) = &context.recovery {
        let _ = std::fs::remove_file(recovery);
    }
    if !ui.quiet {
        match commit {
            Some(id) => outln!(ui, "new: {slug} ({}) in {path}", &id[..12.min(id.len())])?,
            None => outln!(ui, "Wrote {path} (not committed).")?,
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

fn show(ask: &mut dyn Prompter, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let hint = d
            .hint
            .as_deref()
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        ask.say(&format!("  {} {}{hint}", d.code, d.message));
    }
}

fn stop(_: Cancelled) -> CommandError {
    cancelled()
}

/// A line of text, asked until the story's rules accept it.
fn ask_line(
    ask: &mut dyn Prompter,
    context: &Context<'_>,
    draft: &mut Draft,
    prompt: &str,
    initial: Option<String>,
    set: impl Fn(&mut Draft, String),
    pointers: &[&str],
) -> Result<(), CommandError> {
    loop {
        let answer = ask.input(prompt, initial.as_deref(), false).map_err(stop)?;
        set(draft, answer.trim().to_owned());
        let problems = context.problems(draft, pointers);
        if problems.is_empty() {
            return Ok(());
        }
        show(ask, &problems);
    }
}

/// Asks for everything the draft lacks, checking each answer.
fn ask_everything(
    ask: &mut dyn Prompter,
    context: &mut Context<'_>,
    draft: &mut Draft,
    plan: &[SectionPlan],
) -> Result<(), CommandError> {
    if draft.headline.is_none() {
        ask_line(
            ask,
            context,
            draft,
            "Headline",
            None,
            |d, a| d.headline = Some(a),
            &["/headline"],
        )?;
    }
    if draft.slug.is_none()
        || !crate::check::validate::is_valid_id(draft.slug.as_deref().unwrap_or_default())
    {
        let suggestion = draft.headline.as_deref().map(slug_from);
        ask_line(
            ask,
            context,
            draft,
            "Slug",
            suggestion,
            |d, a| d.slug = Some(a),
            &["/slug"],
        )?;
    }
    if draft.desk.is_none() {
        let desks: Vec<String> = context.config.newsroom.desks.clone();
        if desks.is_empty() {
            ask_line(
                ask,
                context,
                draft,
                "Desk",
                None,
                |d, a| d.desk = Some(a),
                &["/desk"],
            )?;
        } else {
            let items: Vec<&str> = desks.iter().map(String::as_str).collect();
            let index = ask.select("Desk", &items, 0).map_err(stop)?;
            draft.desk = Some(desks[index].clone());
        }
    }
    if draft.topics.is_empty() {
        ask_topics(ask, context, draft)?;
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
                ask.say(&format!("{}: write the section in the editor.", part.title));
                text = ask.edit(&text).map_err(stop)?;
                if let Some(section) = draft.sections.get_mut(&part.id) {
                    section.body = text.clone();
                }
                context.keep(draft);
                // The body alone: the section's sources are asked for next.
                let problems = context.problems(draft, &[pointer.as_str()]);
                if problems.is_empty() {
                    break;
                }
                show(ask, &problems);
                again_or_stop(ask, context)?;
            }
        }
        if part.needs_sources
            && draft
                .sections
                .get(&part.id)
                .is_some_and(|s| s.sources.is_empty())
        {
            ask_sources(ask, context, draft, &part.id)?;
        }
    }
    if draft.faq.is_empty() {
        ask_faq(ask, context, draft)?;
    }
    Ok(())
}

fn ask_topics(
    ask: &mut dyn Prompter,
    context: &mut Context<'_>,
    draft: &mut Draft,
) -> Result<(), CommandError> {
    let ids: Vec<String> = layout::walk_records(&context.root)?
        .into_iter()
        .filter(|e| e.kind == EntryKind::Record(Collection::Topic))
        .map(|e| e.stem().to_owned())
        .collect();
    // One topic at a time, found by typing part of its id: a newsroom has
    // too many topics for a list to scroll through.
    loop {
        let remaining: Vec<&str> = ids
            .iter()
            .map(String::as_str)
            .filter(|id| !draft.topics.iter().any(|chosen| chosen == id))
            .collect();
        if remaining.is_empty() {
            break;
        }
        let prompt = if draft.topics.is_empty() {
            "Topic (type to search, Enter to add, Esc when done)".to_owned()
        } else {
            format!(
                "Another topic (so far: {}; Esc when done)",
                draft.topics.join(", ")
            )
        };
        match ask.fuzzy_select(&prompt, &remaining).map_err(stop)? {
            Some(index) => draft.topics.push(remaining[index].to_owned()),
            None => break,
        }
    }
    while ask
        .confirm("Create a topic that is not listed?", false)
        .map_err(stop)?
    {
        let name = ask.input("Topic name", None, false).map_err(stop)?;
        let kind = ask
            .select("Kind", &crate::record::model::TopicKind::NAMES, 0)
            .map_err(stop)?;
        let blurb = ask
            .input("Blurb (one paragraph)", None, false)
            .map_err(stop)?;
        let id = crate::record::draft::slugify(&name, 6);
        if ids.contains(&id) || context.new_topics.iter().any(|(other, _, _)| *other == id) {
            ask.say(&format!(
                "  The topic `{id}` exists already; choose it from the list instead."
            ));
            continue;
        }
        let path = format!("topics/{id}.toml");
        let text = crate::record::draft::topic_text(
            &id,
            name.trim(),
            crate::record::model::TopicKind::NAMES[kind],
            blurb.trim(),
        );
        let problems: Vec<Diagnostic> = context
            .check(&path, &text)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        if !problems.is_empty() {
            show(ask, &problems);
            ask.say("That topic was not added; try again.");
            continue;
        }
        draft.topics.push(id.clone());
        context.new_topics.push((id, path, text));
    }
    Ok(())
}

fn ask_sources(
    ask: &mut dyn Prompter,
    context: &mut Context<'_>,
    draft: &mut Draft,
    id: &str,
) -> Result<(), CommandError> {
    loop {
        ask.say("An outlet's view for this section:");
        let outlet = ask.input("Outlet", None, false).map_err(stop)?;
        let gist = ask
            .input("What it emphasised (one sentence)", None, false)
            .map_err(stop)?;
        let url = ask.input("Link (optional)", None, true).map_err(stop)?;
        let sources = &mut draft.sections.entry(id.to_owned()).or_default().sources;
        sources.push(Source {
            outlet: outlet.trim().to_owned(),
            url: Some(url.trim().to_owned()).filter(|u| !u.is_empty()),
            gist: gist.trim().to_owned(),
        });
        let index = sources.len() - 1;
        let problems = context.problems(draft, &[&format!("/sections/{id}/sources/{index}")]);
        if !problems.is_empty() {
            show(ask, &problems);
            draft
                .sections
                .entry(id.to_owned())
                .or_default()
                .sources
                .pop();
            ask.say("Let's try that outlet again.");
            continue;
        }
        if !ask.confirm("Add another outlet?", false).map_err(stop)? {
            return Ok(());
        }
    }
}

fn ask_faq(
    ask: &mut dyn Prompter,
    context: &mut Context<'_>,
    draft: &mut Draft,
) -> Result<(), CommandError> {
    while ask.confirm("Add a FAQ entry?", false).map_err(stop)? {
        let question = ask.input("Question", None, false).map_err(stop)?;
        let mut id = crate::record::draft::id_from(&question);
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
            ask.say("Write the answer in the editor.");
            text = ask.edit(&text).map_err(stop)?;
            draft.faq[index].answer = text.trim().to_owned();
            context.keep(draft);
            let problems = context.problems(draft, &[&format!("/faq/{index}")]);
            if problems.is_empty() {
                break;
            }
            show(ask, &problems);
            again_or_stop(ask, context)?;
        }
    }
    Ok(())
}

/// After a text that breaks a rule: the editor again, with the text as it
/// was left, or stop (the text stays in the recovery file).
fn again_or_stop(ask: &mut dyn Prompter, context: &Context<'_>) -> Result<(), CommandError> {
    if ask.confirm("Edit the text again?", true).unwrap_or(false) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::prompt::script::{Answer, Script};

    const LONG: &str = "The accords were brokered by the United States in 2020. They set up formal relations between Israel and three Arab states, and Kazakhstan now says it will join them, which officials in Washington present as new momentum for agreements that stalled during the war in Gaza.";

    /// A copy of the sample newsroom in a temporary git repository.
    fn newsroom() -> (tempfile::TempDir, Context<'static>) {
        let dir = tempfile::tempdir().unwrap();
        let project = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for sub in ["schemas", "topics", "stories/2025"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for entry in std::fs::read_dir(project.join(sub)).unwrap() {
                let entry = entry.unwrap();
                std::fs::copy(entry.path(), dir.path().join(sub).join(entry.file_name())).unwrap();
            }
        }
        std::fs::copy(project.join("lede.toml"), dir.path().join("lede.toml")).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let root = dir.path().to_owned();
        let context = Context {
            topics: crate::check::validate::KnownTopics::read(&root).unwrap(),
            // Leaked: a test's context lives as long as the test.
            config: Box::leak(Box::new(Config::load(&root).unwrap())),
            schemas: Box::leak(Box::new(Schemas::load(&root).unwrap())),
            root,
            now: "2025-11-20T08:00:00Z".into(),
            recovery: None,
            new_topics: Vec::new(),
        };
        (dir, context)
    }

    fn plan(context: &Context<'_>) -> Vec<SectionPlan> {
        section_plan(context.schemas.story.raw())
    }

    /// The answers for a whole story after the headline, slug and desk.
    fn rest_of_story() -> Vec<Answer> {
        vec![
            Answer::Choice(0),
            Answer::Done,
            Answer::No, // no new topic
            Answer::Text(LONG),
            Answer::Text(LONG),
            Answer::Text(LONG),
            Answer::Text("AP News"),
            Answer::Text("Called the step a gesture."),
            Answer::Text(""),
            Answer::No, // no other outlet
            Answer::Text(LONG),
            Answer::No, // no FAQ entry
        ]
    }

    #[test]
    fn a_whole_story_by_dialogue() {
        let (_dir, mut context) = newsroom();
        let mut answers = vec![
            Answer::Text("Central Asia and the accords"),
            Answer::Text(""),
            Answer::Choice(1),
        ];
        answers.extend(rest_of_story());
        let mut script = Script::new(answers);
        let mut draft = Draft {
            authors: vec!["Ada Reporter <ada@example.org>".into()],
            ..Draft::default()
        };
        let plan = plan(&context);
        ask_everything(&mut script, &mut context, &mut draft, &plan).unwrap();
        assert!(script.is_done());
        assert_eq!(
            draft.slug.as_deref(),
            Some("central-asia-and-the-accords"),
            "the suggestion was taken"
        );
        assert_eq!(draft.desk.as_deref(), Some("politics"));
        assert_eq!(draft.topics, ["abraham-accords"]);
        assert_eq!(draft.sections["what-the-papers-say"].sources[0].url, None);
        let problems = context.problems(&draft, &[""]);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn a_headline_that_breaks_a_rule_is_asked_again() {
        let (_dir, mut context) = newsroom();
        let too_long = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty twentyone";
        let mut answers = vec![
            Answer::Text(too_long),
            Answer::Text("A short headline"),
            Answer::Text(""),
            Answer::Choice(0),
        ];
        answers.extend(rest_of_story());
        let mut script = Script::new(answers);
        let mut draft = Draft::default();
        let plan = plan(&context);
        ask_everything(&mut script, &mut context, &mut draft, &plan).unwrap();
        assert_eq!(draft.headline.as_deref(), Some("A short headline"));
        assert!(
            script.transcript.iter().any(|line| line.contains("L030")),
            "{:#?}",
            script.transcript
        );
    }

    #[test]
    fn a_slug_already_taken_or_malformed_is_asked_again() {
        let (_dir, mut context) = newsroom();
        let mut answers = vec![
            Answer::Text("A headline"),
            Answer::Text("Not A Slug"),
            Answer::Text("a-slug"),
            Answer::Choice(0),
        ];
        answers.extend(rest_of_story());
        let mut script = Script::new(answers);
        let mut draft = Draft::default();
        let plan = plan(&context);
        ask_everything(&mut script, &mut context, &mut draft, &plan).unwrap();
        assert_eq!(draft.slug.as_deref(), Some("a-slug"));
        assert!(
            script.transcript.iter().any(|line| line.contains("L024")),
            "{:#?}",
            script.transcript
        );
    }

    #[test]
    fn a_short_section_can_be_stopped_with_its_text_kept() {
        let (_dir, mut context) = newsroom();
        let mut script = Script::new(vec![
            Answer::Text("A headline"),
            Answer::Text(""),
            Answer::Choice(0),
            Answer::Done,
            Answer::No,
            Answer::Text("Too short."),
            Answer::No, // do not edit again
        ]);
        let mut draft = Draft::default();
        let plan = plan(&context);
        let error = ask_everything(&mut script, &mut context, &mut draft, &plan).unwrap_err();
        assert!(
            error.message().contains("nothing was written"),
            "{}",
            error.message()
        );
        let kept = context.recovery.expect("the text is kept");
        assert!(
            std::fs::read_to_string(kept)
                .unwrap()
                .contains("Too short.")
        );
    }

    #[test]
    fn a_new_topic_joins_the_story_and_an_existing_one_is_refused() {
        let (_dir, mut context) = newsroom();
        let mut script = Script::new(vec![
            Answer::Done,
            Answer::Yes,
            Answer::Text("Israel"),
            Answer::Choice(1),
            Answer::Text("A country in Western Asia on the Mediterranean."),
            Answer::Yes,
            Answer::Text("Central Asia"),
            Answer::Choice(1),
            Answer::Text("The region between the Caspian Sea and China, including Kazakhstan."),
            Answer::No,
        ]);
        let mut draft = Draft::default();
        ask_topics(&mut script, &mut context, &mut draft).unwrap();
        assert_eq!(draft.topics, ["central-asia"]);
        assert_eq!(context.new_topics.len(), 1);
        assert!(context.new_topics[0].2.contains("kind = \"place\""));
        assert!(
            script
                .transcript
                .iter()
                .any(|line| line.contains("`israel` exists already"))
        );
    }

    #[test]
    fn cancelling_anywhere_stops_the_dialogue() {
        for at in 0..4 {
            let (_dir, mut context) = newsroom();
            let mut answers = vec![
                Answer::Text("A headline"),
                Answer::Text(""),
                Answer::Choice(0),
                Answer::Choice(0),
            ];
            answers.truncate(at);
            answers.push(Answer::Cancel);
            let mut script = Script::new(answers);
            let mut draft = Draft::default();
            let plan = plan(&context);
            let error = ask_everything(&mut script, &mut context, &mut draft, &plan).unwrap_err();
            assert!(error.message().contains("cancelled"), "{}", error.message());
        }
    }
}
