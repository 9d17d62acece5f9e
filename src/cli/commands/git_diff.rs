//! `lede git-diff`: the plumbing that lets plain git show lede's semantic
//! diff. `lede setup` registers it as the `lede` diff driver, which
//! `.gitattributes` assigns to story files:
//!
//! - as `diff.lede.command`, git's external diff interface: git runs it with
//!   seven arguments (path, old file, old blob id, old mode, new file, new
//!   blob id, new mode; nine for a rename) for `git diff`, and for
//!   `git log -p` / `git show` when given `--ext-diff`;
//! - as `diff.lede.textconv` (`--textconv FILE`): git turns each version
//!   into readable text, one sentence per line, and line-diffs that. Git
//!   uses this for `git log -p`, `git show` and `git blame` by default, so
//!   their output reads like the story rather than like TOML.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::cli::error::{CommandError, Outcome};
use crate::cli::ui::{out, outln};
use crate::cli::{Ui, Workspace};
use crate::diff::record_diff::{Version, diff_versions};
use crate::diff::render::{TextStyle, render_text};
use crate::diff::word_diff::Granularity;
use crate::record::collection::Collection;
use crate::record::model::{Story, Topic};

/// Git plumbing: the semantic diff for git's external diff interface.
///
/// Registered by `lede setup` (and `lede init`) as the `lede` diff driver.
/// Not meant to be run by hand.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print FILE as readable text for git's line diff (the driver's
    /// textconv).
    #[arg(long, value_name = "FILE", conflicts_with = "git_args")]
    pub textconv: Option<PathBuf>,

    /// What git passes: path, old-file, old-hex, old-mode, new-file,
    /// new-hex, new-mode [, new-path, rename-info].
    #[arg(value_name = "GIT_ARGS", num_args = 0.., allow_hyphen_values = true)]
    pub git_args: Vec<String>,
}

pub fn run(ui: &Ui, ws: &Workspace, args: &Args) -> Result<Outcome, CommandError> {
    if let Some(file) = &args.textconv {
        let bytes = std::fs::read(ws.cwd().join(file)).map_err(|error| {
            CommandError::new(format!("cannot read {}: {error}", file.display()))
        })?;
        out!(ui, "{}", textconv(&bytes))?;
        return Ok(Outcome::Success);
    }
    let git_args = &args.git_args;
    match git_args.len() {
        // An unmerged path: git has nothing to compare yet.
        1 => {
            outln!(ui, "* Unmerged path {}", git_args[0])?;
            return Ok(Outcome::Success);
        }
        7 | 9 => {}
        count => {
            return Err(CommandError::new(format!(
                "git-diff takes the 7 or 9 arguments of git's external diff interface, not {count}"
            ))
            .hint("register it with `lede setup`; to compare two files yourself, use `lede diff --files OLD NEW`"));
        }
    }
    let old_path = &git_args[0];
    let new_path = git_args.get(7).unwrap_or(old_path);
    let read = |file: &str| -> Result<Option<Vec<u8>>, CommandError> {
        // Git passes /dev/null for a side that does not exist. (An all-zero
        // id only means git has not hashed a working-tree file.)
        if file == "/dev/null" {
            return Ok(None);
        }
        std::fs::read(ws.cwd().join(file))
            .map(Some)
            .map_err(|error| CommandError::new(format!("cannot read {file}: {error}")))
    };
    let old = read(&git_args[1])?;
    let new = read(&git_args[4])?;
    let id = Path::new(new_path)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    let kind = match Collection::of(Path::new(new_path)) {
        Some(Collection::Topic) => "topic",
        _ => "story",
    };
    let diff = diff_versions(
        kind,
        &id,
        old.as_deref().map(|bytes| Version {
            path: old_path,
            side: "old",
            bytes,
        }),
        new.as_deref().map(|bytes| Version {
            path: new_path,
            side: "new",
            bytes,
        }),
        Granularity::Word,
    );
    // Git does not tell an external diff whether to colour; it does say
    // when its pager is reading the output.
    let color = ui.color_stdout
        || (std::env::var_os("GIT_PAGER_IN_USE").is_some()
            && std::env::var_os("NO_COLOR").is_none()
            && !std::io::stdout().is_terminal());
    let style = if color {
        TextStyle::Color
    } else {
        TextStyle::Plain
    };
    let header = format!("diff --lede a/{old_path} b/{new_path}");
    if color {
        outln!(ui, "\x1b[1m{header}\x1b[0m")?;
    } else {
        outln!(ui, "{header}")?;
    }
    if diff.is_empty() {
        outln!(
            ui,
            "  (no change to the record's content: only layout or comments)"
        )?;
    } else {
        out!(ui, "{}", render_text(std::slice::from_ref(&diff), style))?;
    }
    Ok(Outcome::Success)
}

/// A record as text that a line diff reads well: the story as `lede show`
/// renders it, one sentence per line. A file that is not a readable record
/// is passed through unchanged, so git still shows every byte.
pub fn textconv(bytes: &[u8]) -> String {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return String::from_utf8_lossy(bytes).into_owned();
    };
    if let Ok(story) = Story::from_toml(text) {
        return one_sentence_per_line(&crate::record::reading::plain_text(&story));
    }
    if let Ok(topic) = Topic::from_toml(text) {
        let kind = serde_json::to_value(topic.kind.get_ref())
            .ok()
            .and_then(|value| value.as_str().map(str::to_owned))
            .unwrap_or_default();
        let rendered = format!(
            "{} ({kind}, {})\n\n{}\n",
            topic.name.get_ref(),
            topic.id.get_ref(),
            topic.blurb.get_ref().trim()
        );
        return one_sentence_per_line(&crate::text::diagnostic::printable_lines(rendered));
    }
    text.to_owned()
}

/// Joins each paragraph's lines and breaks it after each sentence, so that
/// a line diff shows the sentences that changed rather than the lines a
/// re-wrap moved.
fn one_sentence_per_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for paragraph in text.split("\n\n") {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let is_prose = !paragraph.starts_with('#')
            && !paragraph.starts_with("- ")
            && !paragraph.contains("\n- ");
        if !is_prose {
            out.push_str(paragraph.trim_end_matches('\n'));
            continue;
        }
        let joined = paragraph
            .split('\n')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ");
        let mut sentence_start = 0;
        let bytes = joined.as_bytes();
        for (at, ch) in joined.char_indices() {
            let ends_sentence = matches!(ch, '.' | '?' | '!')
                && bytes.get(at + 1) == Some(&b' ')
                && bytes
                    .get(at + 2)
                    .is_some_and(|b| b.is_ascii_uppercase() || *b == b'"');
            if ends_sentence {
                out.push_str(joined[sentence_start..=at].trim());
                out.push('\n');
                sentence_start = at + 1;
            }
        }
        out.push_str(joined[sentence_start..].trim());
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_get_their_own_lines_and_headings_stay() {
        let text = "## What's happened\n\nKazakhstan will join. It said so on\nThursday. Is it new? Not really.\n\n- Outlet: gist\n";
        assert_eq!(
            one_sentence_per_line(text),
            "## What's happened\n\nKazakhstan will join.\nIt said so on Thursday.\nIs it new?\nNot really.\n\n- Outlet: gist\n"
        );
    }

    #[test]
    fn textconv_renders_stories_and_passes_other_bytes_through() {
        let story = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/stories/2025/kazakhstan-joins-abraham-accords.toml"
        ));
        let text = textconv(story.as_bytes());
        assert!(text.contains("## What the papers say"));
        assert!(!text.contains("[sections."));
        assert_eq!(textconv(b"not = [valid"), "not = [valid");
    }
}
