//! Keeping a person's text when lede cannot save it in the story.

use std::path::{Path, PathBuf};

use crate::fs::write_atomic;

/// Keeps text that could not be saved in the story (an invalid edit, an
/// interrupted dialogue), and returns where: under `.git/lede-recovery/`,
/// or the temporary directory when the repository cannot take it.
pub fn keep_unsaved(root: &Path, slug: &str, text: &str) -> PathBuf {
    let dir = root.join(".git").join("lede-recovery");
    let stamp = crate::record::document::now().replace(':', "");
    let path = dir.join(format!("{slug}-{stamp}.txt"));
    let _ = std::fs::create_dir_all(&dir);
    match write_atomic(&path, text.as_bytes()) {
        Ok(()) => path,
        Err(_) => {
            // The repository cannot take it; the temporary directory can.
            let fallback = std::env::temp_dir().join(format!("lede-{slug}-{stamp}.txt"));
            let _ = std::fs::write(&fallback, text);
            fallback
        }
    }
}
