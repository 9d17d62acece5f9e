//! lede's git drivers: the diff driver and merge driver that
//! `.gitattributes` routes story files to, registered in the repository's
//! own git configuration by `lede setup` and `lede init`.

use std::path::{Path, PathBuf};

use crate::git::{Git, GitError};

/// The `.gitattributes` line that routes story files to lede's drivers.
pub const ATTRIBUTES_LINE: &str = "stories/**/*.toml diff=lede merge=lede";

/// Writes the drivers into the repository's own git configuration and
/// returns what it set.
pub fn register(git: &Git) -> Result<Vec<(String, String)>, GitError> {
    let wanted = driver_config(&lede_command());
    for (key, value) in &wanted {
        git.set_local_config(key, value)?;
    }
    Ok(wanted)
}

pub fn driver_config(lede: &str) -> Vec<(String, String)> {
    vec![
        ("diff.lede.command".to_owned(), format!("{lede} git-diff")),
        (
            "diff.lede.textconv".to_owned(),
            format!("{lede} git-diff --textconv"),
        ),
        (
            "merge.lede.name".to_owned(),
            "lede: story records merged part by part".to_owned(),
        ),
        (
            "merge.lede.driver".to_owned(),
            format!("{lede} merge-driver %O %A %B %L %P"),
        ),
    ]
}

/// How git should call this lede: `lede` when that is what PATH finds,
/// otherwise this binary's full path, quoted for the shell git runs it
/// through.
pub fn lede_command() -> String {
    let Ok(this) = std::env::current_exe().and_then(|path| path.canonicalize()) else {
        return "lede".to_owned();
    };
    if on_path("lede").is_some_and(|found| found == this) {
        return "lede".to_owned();
    }
    let text = this.to_string_lossy();
    if text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+".contains(&b))
    {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .and_then(|found| found.canonicalize().ok())
}

/// Whether `.gitattributes` sends story files to the `lede` drivers.
pub fn routes_stories(root: &Path) -> bool {
    std::fs::read_to_string(root.join(".gitattributes")).is_ok_and(|text| {
        text.lines().any(|line| {
            let mut words = line.split_whitespace();
            words
                .next()
                .is_some_and(|pattern| pattern.starts_with("stories/"))
                && words.any(|attribute| attribute == "diff=lede")
        })
    })
}
