//! Asking a person: the dialogue's questions behind one trait, so that the
//! dialogue's branches can be tested with scripted answers and run for real
//! with dialoguer on a terminal.

use std::collections::VecDeque;

/// The person stopped the dialogue (Esc, `q`, Ctrl-C or end of input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

pub trait Prompter {
    /// A line of text.
    fn input(
        &mut self,
        prompt: &str,
        initial: Option<&str>,
        allow_empty: bool,
    ) -> Result<String, Cancelled>;
    /// One of `items`.
    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Cancelled>;
    /// One of `items`, found by typing part of it; `None` when the person
    /// is done choosing (Esc).
    fn fuzzy_select(&mut self, prompt: &str, items: &[&str]) -> Result<Option<usize>, Cancelled>;
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Cancelled>;
    /// Long text, starting from `text`: `$EDITOR`, or typed lines.
    fn edit(&mut self, text: &str) -> Result<String, Cancelled>;
    /// A message for the person.
    fn say(&mut self, message: &str);
}

/// The real dialogue, on the terminal.
pub struct Terminal;

impl Prompter for Terminal {
    fn input(
        &mut self,
        prompt: &str,
        initial: Option<&str>,
        allow_empty: bool,
    ) -> Result<String, Cancelled> {
        let mut input = dialoguer::Input::<String>::new()
            .with_prompt(prompt)
            .allow_empty(allow_empty);
        if let Some(initial) = initial {
            input = input.with_initial_text(initial);
        }
        input.interact_text().map_err(|_| Cancelled)
    }

    fn select(&mut self, prompt: &str, items: &[&str], default: usize) -> Result<usize, Cancelled> {
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact_opt()
            .map_err(|_| Cancelled)?
            .ok_or(Cancelled)
    }

    fn fuzzy_select(&mut self, prompt: &str, items: &[&str]) -> Result<Option<usize>, Cancelled> {
        dialoguer::FuzzySelect::new()
            .with_prompt(prompt)
            .items(items)
            .max_length(8)
            .interact_opt()
            .map_err(|_| Cancelled)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, Cancelled> {
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact_opt()
            .map_err(|_| Cancelled)?
            .ok_or(Cancelled)
    }

    fn edit(&mut self, text: &str) -> Result<String, Cancelled> {
        let has_editor = ["VISUAL", "EDITOR"]
            .iter()
            .any(|var| std::env::var_os(var).is_some_and(|v| !v.is_empty()));
        if has_editor {
            return dialoguer::Editor::new()
                .extension(".md")
                .require_save(false)
                .edit(text)
                .map(Option::unwrap_or_default)
                .map_err(|_| Cancelled);
        }
        self.say("(No $EDITOR is set: type the text; a line with only a dot ends it.)");
        let mut lines = Vec::new();
        loop {
            let line = self.input("", None, true)?;
            if line == "." {
                break;
            }
            lines.push(line);
        }
        Ok(lines.join("\n"))
    }

    fn say(&mut self, message: &str) {
        eprintln!("{message}");
    }
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Text(&'static str),
    Choice(usize),
    /// Esc at a fuzzy choice: done choosing.
    Done,
    Yes,
    No,
    Cancel,
}

/// Answers given in advance, for tests of the dialogue's branches. Every
/// prompt and message is recorded; a prompt without a scripted answer, or
/// with an answer of the wrong kind, panics with the prompt, so a test
/// cannot pass by accident.
#[derive(Debug, Default)]
pub struct Script {
    answers: VecDeque<Answer>,
    pub transcript: Vec<String>,
}

impl Script {
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Script {
        Script {
            answers: answers.into_iter().collect(),
            transcript: Vec::new(),
        }
    }

    pub fn is_done(&self) -> bool {
        self.answers.is_empty()
    }

    fn next(&mut self, prompt: &str) -> Answer {
        self.transcript.push(format!("? {prompt}"));
        self.answers.pop_front().unwrap_or_else(|| {
            panic!(
                "no scripted answer for {prompt:?}; so far: {:#?}",
                self.transcript
            )
        })
    }
}

impl Prompter for Script {
    fn input(&mut self, prompt: &str, initial: Option<&str>, _: bool) -> Result<String, Cancelled> {
        match self.next(prompt) {
            Answer::Text("") => Ok(initial.unwrap_or_default().to_owned()),
            Answer::Text(text) => Ok(text.to_owned()),
            Answer::Cancel => Err(Cancelled),
            other => panic!("{prompt:?} wants text, the script has {other:?}"),
        }
    }

    fn select(&mut self, prompt: &str, _: &[&str], _: usize) -> Result<usize, Cancelled> {
        match self.next(prompt) {
            Answer::Choice(index) => Ok(index),
            Answer::Cancel => Err(Cancelled),
            other => panic!("{prompt:?} wants a choice, the script has {other:?}"),
        }
    }

    fn fuzzy_select(&mut self, prompt: &str, _: &[&str]) -> Result<Option<usize>, Cancelled> {
        match self.next(prompt) {
            Answer::Choice(index) => Ok(Some(index)),
            Answer::Done => Ok(None),
            Answer::Cancel => Err(Cancelled),
            other => panic!("{prompt:?} wants a choice, the script has {other:?}"),
        }
    }

    fn confirm(&mut self, prompt: &str, _: bool) -> Result<bool, Cancelled> {
        match self.next(prompt) {
            Answer::Yes => Ok(true),
            Answer::No => Ok(false),
            Answer::Cancel => Err(Cancelled),
            other => panic!("{prompt:?} wants yes or no, the script has {other:?}"),
        }
    }

    fn edit(&mut self, _: &str) -> Result<String, Cancelled> {
        match self.next("(editor)") {
            Answer::Text(text) => Ok(text.to_owned()),
            Answer::Cancel => Err(Cancelled),
            other => panic!("the editor wants text, the script has {other:?}"),
        }
    }

    fn say(&mut self, message: &str) {
        self.transcript.push(message.to_owned());
    }
}
