//! A reader that goes away (`lede list | head -c 20`) ends lede quietly
//! with status 0, in every family of printing commands: reading the
//! newsroom, diffs, checks, and the git plumbing. Each output is first
//! checked to be larger than a pipe's buffer (64 KiB), so that the write
//! after the reader left really fails: with a small output the test could
//! not tell a guarded command from an unguarded one.

use std::io::Read;
use std::process::Stdio;

use crate::common::{SAMPLE_STORY, TestRepo, test_env};

const PIPE_BUFFER: usize = 64 * 1024;

/// A newsroom of `count` valid stories, each a copy of the sample with its
/// own slug, committed.
fn archive(count: usize) -> TestRepo {
    let repo = TestRepo::sample();
    for n in 0..count {
        let slug = format!("copy-{n:04}");
        let text = SAMPLE_STORY.replacen(
            "slug = \"kazakhstan-joins-abraham-accords\"",
            &format!("slug = \"{slug}\""),
            1,
        );
        // Waiting for review, so that `lede status` lists each one.
        let status_line = text
            .lines()
            .find(|line| line.starts_with("status = "))
            .unwrap();
        let text = text.replacen(status_line, "status = \"in_review\"", 1);
        repo.write(&format!("stories/2024/{slug}.toml"), text);
    }
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "archive"]);
    repo
}

/// Runs `lede args` twice: to the end, to see that the output overflows a
/// pipe, and then with a reader that takes 20 bytes and closes.
fn survives_a_closed_pipe(repo: &TestRepo, args: &[&str]) {
    let full = repo.lede().args(args).output().unwrap();
    assert!(
        full.stdout.len() > PIPE_BUFFER,
        "lede {args:?} printed only {} bytes; the test needs more than a pipe holds",
        full.stdout.len()
    );
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("lede"));
    child.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        child.env("PATH", path);
    }
    let mut child = child
        .envs(test_env(repo.root()))
        .current_dir(repo.root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 20];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "lede {args:?}: {stderr}");
    assert!(!stderr.contains("error:"), "lede {args:?}: {stderr}");
    assert_eq!(output.status.code(), Some(0), "lede {args:?}: {stderr}");
}

#[test]
fn reading_commands_stop_quietly() {
    let repo = archive(1200);
    survives_a_closed_pipe(&repo, &["list"]);
    survives_a_closed_pipe(&repo, &["list", "--format", "json"]);
    survives_a_closed_pipe(&repo, &["status", "--format", "json"]);
    // A desk the newsroom does not have, in every story: a problem each.
    for n in 0..1200 {
        let path = format!("stories/2024/copy-{n:04}.toml");
        let text = repo.read(&path);
        let desk_line = text
            .lines()
            .find(|line| line.starts_with("desk = "))
            .unwrap()
            .to_owned();
        repo.write(&path, text.replacen(&desk_line, "desk = \"nowhere\"", 1));
    }
    survives_a_closed_pipe(&repo, &["validate", "--format", "json"]);
}

#[test]
fn one_large_story_stops_quietly() {
    let repo = TestRepo::sample();
    let long_body: String = (0..40_000).map(|n| format!("word{n} ")).collect();
    let text = format!(
        "{}\n[sections.long]\ntitle = \"Long\"\nbody = \"\"\"\n{long_body}\n\"\"\"\n",
        SAMPLE_STORY.replace("kazakhstan-joins-abraham-accords", "long")
    );
    repo.write("stories/2025/long.toml", text);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "long"]);
    survives_a_closed_pipe(&repo, &["show", "long", "--format", "toml"]);
    survives_a_closed_pipe(&repo, &["git-diff", "--textconv", "stories/2025/long.toml"]);
}

#[test]
fn diffs_stop_quietly() {
    let repo = archive(600);
    for n in 0..600 {
        let path = format!("stories/2024/copy-{n:04}.toml");
        let text = repo
            .read(&path)
            .replace("Kazakhstan", "The Republic of Kazakhstan");
        repo.write(&path, text);
    }
    survives_a_closed_pipe(&repo, &["diff"]);
    survives_a_closed_pipe(&repo, &["diff", "--format", "json"]);
}
