//! `read-parse-baseline`: the physical floor for `lede validate`.
//!
//! ```text
//! cargo run --release --example read-parse-baseline -- DIR
//! ```
//!
//! Finds every `*.toml` under `DIR/stories/` and `DIR/topics/` (any depth,
//! plain `std::fs::read_dir` recursion), then reads and parses each file on
//! rayon's default pool with `toml::de::DeTable::parse`, the same span-keeping
//! parser lede uses. It counts files and parse errors and prints the counts:
//! no schema, no rules. Whatever lede spends beyond this is the cost of
//! validation itself.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let (Some(root), None) = (args.next(), args.next()) else {
        eprintln!("usage: read-parse-baseline DIR");
        return ExitCode::from(2);
    };
    let root = PathBuf::from(root);
    let t0 = Instant::now();

    let mut stories = Vec::new();
    let mut topics = Vec::new();
    if let Err(e) = collect(&root.join("stories"), &mut stories)
        .and_then(|()| collect(&root.join("topics"), &mut topics))
    {
        eprintln!("read-parse-baseline: {}: {e}", root.display());
        return ExitCode::from(2);
    }
    let t_walk = t0.elapsed();

    let bytes = AtomicUsize::new(0);
    let read_errors = AtomicUsize::new(0);
    let parse = |files: &[PathBuf]| -> usize {
        files
            .par_iter()
            .filter(|path| match std::fs::read_to_string(path) {
                Ok(text) => {
                    bytes.fetch_add(text.len(), Ordering::Relaxed);
                    toml::de::DeTable::parse(&text).is_err()
                }
                Err(e) => {
                    eprintln!("read-parse-baseline: {}: {e}", path.display());
                    read_errors.fetch_add(1, Ordering::Relaxed);
                    false
                }
            })
            .count()
    };
    let story_errors = parse(&stories);
    let topic_errors = parse(&topics);
    let elapsed = t0.elapsed();

    println!(
        "stories: {} files, {story_errors} parse errors",
        stories.len()
    );
    println!(
        "topics: {} files, {topic_errors} parse errors",
        topics.len()
    );
    println!(
        "read errors: {}; {:.1} MiB in {:.3}s (walk {:.3}s) on {} threads",
        read_errors.load(Ordering::Relaxed),
        bytes.load(Ordering::Relaxed) as f64 / 1048576.0,
        elapsed.as_secs_f64(),
        t_walk.as_secs_f64(),
        rayon::current_num_threads()
    );
    if read_errors.load(Ordering::Relaxed) > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
