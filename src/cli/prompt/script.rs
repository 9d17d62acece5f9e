//! Answers given in advance, so that the dialogue's branches are tested
//! without a terminal. Compiled for tests only: it panics by design.

use std::collections::VecDeque;

use super::{Cancelled, Prompter};

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
