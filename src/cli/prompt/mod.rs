//! Asking a person: the dialogue's questions behind one trait, so that the
//! dialogue's branches can be tested with scripted answers and run for real
//! with dialoguer on a terminal.

/// The scripted prompter, for the dialogue's unit tests only.
#[cfg(test)]
pub mod script;

use std::io::Write;

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
        // A closed stderr must not end the dialogue and lose the answers.
        let _ = writeln!(std::io::stderr(), "{message}");
    }
}
