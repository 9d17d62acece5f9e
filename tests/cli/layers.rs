//! The source tree's architecture, kept: `src/`'s folders are layers, each
//! using only the ones below it (docs/architecture.md), and no command uses
//! another command. This reads every `crate::…` and `super::…` path in
//! `src/` and fails naming the file and line of each path that breaks the
//! rule, so a cycle cannot come back unnoticed.

use std::path::{Path, PathBuf};

use crate::common::project_root;

/// Bottom first. A folder may use its own modules and the folders before it.
const LAYERS: [&str; 10] = [
    "fs", "text", "record", "git", "newsroom", "check", "diff", "workflow", "site", "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// Each `crate::<a>::<b>::<c>` in the text with its line number. Comment
/// lines are skipped: a doc comment may name any module.
fn crate_paths(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        for (at, _) in line.match_indices("crate::") {
            let before = line[..at].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let rest = &line[at + "crate::".len()..];
            let segments: Vec<String> = rest
                .split("::")
                .map(|segment| {
                    segment
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .take_while(|segment| !segment.is_empty())
                .take(3)
                .collect();
            found.push((number + 1, segments));
        }
    }
    found
}

fn violations() -> Vec<String> {
    let src = project_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let rank = |name: &str| LAYERS.iter().position(|layer| *layer == name);
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let parts: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        if parts.len() < 2 {
            continue; // lib.rs and main.rs sit above every layer.
        }
        let Some(own) = rank(&parts[0]) else {
            problems.push(format!("src/{}: a folder that is not a layer", parts[0]));
            continue;
        };
        let command = (parts[0] == "cli" && parts.len() == 3 && parts[1] == "commands")
            .then(|| parts[2].trim_end_matches(".rs").to_owned())
            .filter(|name| name != "mod");
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, segments) in crate_paths(&text) {
            let Some(first) = segments.first() else {
                continue;
            };
            if let Some(used) = rank(first)
                && used > own
            {
                problems.push(format!(
                    "src/{}:{line}: {} uses crate::{first}, a layer above it",
                    relative.display(),
                    parts[0]
                ));
            }
            if let Some(command) = &command
                && segments.len() == 3
                && segments[0] == "cli"
                && segments[1] == "commands"
                && &segments[2] != command
            {
                problems.push(format!(
                    "src/{}:{line}: the command {command} uses the command {}",
                    relative.display(),
                    segments[2]
                ));
            }
        }
        if command.is_some() {
            for (number, line) in text.lines().enumerate() {
                // `super::TextOrJson` is commands/mod.rs's own; a lower-case
                // name after `super::` is a sibling command's module.
                let sibling = line.match_indices("super::").any(|(at, _)| {
                    line[at + "super::".len()..]
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_lowercase())
                });
                if sibling && !line.trim_start().starts_with("//") {
                    problems.push(format!(
                        "src/{}:{}: a command uses a sibling through super::",
                        relative.display(),
                        number + 1
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn no_layer_uses_one_above_it_and_no_command_uses_another() {
    let problems = violations();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_a_path_and_skips_comments() {
    let found =
        crate_paths("use crate::cli::commands::show;\n// crate::site\nlet x = $crate::y;\n");
    assert_eq!(
        found,
        vec![(1, vec!["cli".into(), "commands".into(), "show".into()])]
    );
}

#[test]
fn only_the_git_layer_uses_git2() {
    let src = project_root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let users: Vec<String> = files
        .iter()
        .filter(|file| {
            std::fs::read_to_string(file)
                .unwrap()
                .lines()
                .any(|line| line.contains("git2::") && !line.trim_start().starts_with("//"))
        })
        .map(|file| file.strip_prefix(&src).unwrap().display().to_string())
        .collect();
    assert_eq!(users, vec!["git/mod.rs".to_owned()]);
}
