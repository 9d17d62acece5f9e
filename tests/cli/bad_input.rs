//! Bad input never panics or hangs: every file below gets a diagnostic with
//! a location where one exists, and the run goes on to the other files.

use std::time::Duration;

use crate::common::{self, SAMPLE_STORY, TestRepo, codes, json, stderr, transcript};

const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

/// Runs validate on the whole repository and returns the report, checking
/// that lede neither crashed nor stopped at the bad file.
fn run_report(repo: &TestRepo) -> serde_json::Value {
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "lede failed: {}",
        transcript(&output)
    );
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        report["summary"]["files_checked"], 11,
        "all files were checked"
    );
    report
}

fn diagnostics_for<'a>(report: &'a serde_json::Value, file: &str) -> Vec<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == file)
        .collect()
}

const BAD: &str = "stories/2025/bad.toml";

fn with_bad_file(contents: impl AsRef<[u8]>) -> (TestRepo, serde_json::Value) {
    let repo = TestRepo::sample();
    repo.write(BAD, contents);
    let report = run_report(&repo);
    assert!(
        diagnostics_for(&report, STORY).is_empty(),
        "the good story is unaffected: {report:#}"
    );
    (repo, report)
}

#[test]
fn truncated_file() {
    let half = &SAMPLE_STORY[..SAMPLE_STORY.len() / 2];
    let cut = half.rfind("\"\"\"").unwrap() + 10;
    let (_repo, report) = with_bad_file(&SAMPLE_STORY[..cut]);
    let found = diagnostics_for(&report, BAD);
    assert_eq!(found[0]["code"], "L010", "{report:#}");
    assert!(found[0]["line"].as_u64().unwrap() > 1);
}

#[test]
fn invalid_utf8() {
    let mut bytes =
        b"#:schema ../../schemas/story.schema.json\nslug = \"bad\"\nheadline = \"caf".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    bytes.extend_from_slice(b"\"\n");
    let (repo, report) = with_bad_file(bytes);
    let found = diagnostics_for(&report, BAD);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["code"], "L005");
    assert_eq!(
        (found[0]["line"].as_u64(), found[0]["column"].as_u64()),
        (Some(3), Some(16))
    );
    // The human format prints the location without a code frame.
    let output = repo.lede().arg("validate").output().unwrap();
    assert!(
        common::stdout(&output).contains("stories/2025/bad.toml:3:16"),
        "{}",
        transcript(&output)
    );
}

#[test]
fn deep_nesting() {
    for depth in [100, 100_000] {
        let text = format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth));
        let (_repo, report) = with_bad_file(text);
        let found = diagnostics_for(&report, BAD);
        assert!(!found.is_empty());
        assert!(found.iter().all(|d| d["line"] == 1), "{found:?}");
    }
    let tables = format!("a = {}1{}\n", "{ b = ".repeat(200), " }".repeat(200));
    let (_repo, report) = with_bad_file(tables);
    assert!(!diagnostics_for(&report, BAD).is_empty());
}

#[test]
fn ten_megabyte_string() {
    let big = format!(
        "slug = \"bad\"\nheadline = \"{}\"\n",
        "word ".repeat(2_000_000)
    );
    let (repo, report) = with_bad_file(&big);
    let found = diagnostics_for(&report, BAD);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "L002");

    // With a larger cap the file is read, and the message stays short.
    repo.write("lede.toml", "[validate]\nmax_file_size = \"20 MiB\"\n");
    let report = run_report(&repo);
    let found = diagnostics_for(&report, BAD);
    assert!(codes(&report).contains(&"L026".to_owned()), "{report:#}");
    assert!(
        found
            .iter()
            .all(|d| d["message"].as_str().unwrap().len() < 300)
    );
}

#[test]
fn duplicate_keys() {
    let text = SAMPLE_STORY.replacen(
        "desk = \"world\"",
        "desk = \"world\"\ndesk = \"politics\"",
        1,
    );
    let text = text.replace("kazakhstan-joins-abraham-accords\"", "bad\"");
    let (_repo, report) = with_bad_file(text);
    let found = diagnostics_for(&report, BAD);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "L010");
    let line = SAMPLE_STORY
        .lines()
        .position(|l| l.starts_with("desk"))
        .unwrap()
        + 2;
    assert_eq!(found[0]["line"], line);
    assert!(found[0]["hint"].as_str().unwrap().contains("once"));
}

#[test]
fn empty_file() {
    let (_repo, report) = with_bad_file("");
    let found: Vec<_> = diagnostics_for(&report, BAD)
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(found.contains(&"L021"), "{found:?}");
    assert!(found.contains(&"L060"), "{found:?}");
}

#[test]
fn directory_named_like_a_record() {
    let repo = TestRepo::sample();
    std::fs::create_dir_all(repo.path("stories/2025/x.toml")).unwrap();
    repo.write("stories/2025/x.toml/inner.toml", SAMPLE_STORY);
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(codes(&report), ["L004"]);
    assert_eq!(report["diagnostics"][0]["file"], "stories/2025/x.toml");
}

#[test]
fn fifo_named_like_a_record_does_not_hang() {
    let repo = TestRepo::sample();
    let status = std::process::Command::new("mkfifo")
        .arg(repo.path("stories/2025/pipe.toml"))
        .status()
        .unwrap();
    assert!(status.success());
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert_eq!(codes(&json(&output)), ["L004"]);
}

#[test]
fn symlinked_record() {
    let repo = TestRepo::sample();
    std::os::unix::fs::symlink(repo.path(STORY), repo.path("stories/2025/link.toml")).unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path("stories/elsewhere")).unwrap();
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(codes(&report), ["L003", "L003"], "{report:#}");
    let files: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["stories/2025/link.toml", "stories/elsewhere"]);
}

#[test]
fn unreadable_file() {
    let repo = TestRepo::sample();
    repo.write(BAD, SAMPLE_STORY);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(repo.path(BAD), std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable_anyway = std::fs::read(repo.path(BAD)).is_ok();
    let report = run_report(&repo);
    let found = diagnostics_for(&report, BAD);
    if readable_anyway {
        // Running as root: permissions do not stop reading, so the file is
        // checked like any other (its slug differs from its name).
        assert_eq!(found[0]["code"], "L040");
    } else {
        assert_eq!(found.len(), 1);
        assert_eq!(found[0]["code"], "L001");
        assert!(found[0]["message"].as_str().unwrap().contains("ermission"));
    }
}

#[test]
fn binary_garbage_and_nul_bytes() {
    let (_repo, report) = with_bad_file(b"slug = \"a\0b\"\n\x01\x02\x03");
    assert_eq!(diagnostics_for(&report, BAD)[0]["code"], "L010");
    let noise: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let (_repo, report) = with_bad_file(noise);
    assert!(!diagnostics_for(&report, BAD).is_empty());
}

#[test]
fn every_problem_in_every_file_is_reported_sorted() {
    let repo = TestRepo::sample();
    repo.write("stories/2025/b-second.toml", "slug = 1\n");
    repo.write(
        "stories/2025/a-first.toml",
        "slug = \"a-first\"\nstatus = \"nope\"\n",
    );
    repo.write("topics/zz.toml", "id = \"zz\"\nname = \"\"\n");
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    let order: Vec<(String, u64)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let files: std::collections::BTreeSet<_> = order.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files.len(), 3, "{files:?}");
}
