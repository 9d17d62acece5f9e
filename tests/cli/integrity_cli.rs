//! A record's integrity is kept when it is written, not only in CI:
//! published corrections stay, workflow fields are the workflow's, and an
//! edit that changes nothing is no revision.

use std::path::PathBuf;

use crate::common::{TestRepo, stderr, stdout, transcript};

const SLUG: &str = "abraham-accords-explained";
const STORY: &str = "stories/2025/abraham-accords-explained.toml";
const PUBLISHED_SLUG: &str = "kazakhstan-joins-abraham-accords";
const PUBLISHED_STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

fn editor(repo: &TestRepo, script: &str) -> PathBuf {
    let path = repo.root().join(".git").join("fake-editor");
    std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn head(repo: &TestRepo) -> String {
    stdout(&repo.git(&["rev-parse", "HEAD"]))
}

fn recovery_files(repo: &TestRepo) -> usize {
    std::fs::read_dir(repo.path(".git/lede-recovery")).map_or(0, |dir| dir.count())
}

/// The sample, where stories go out without a second person's approval,
/// with SLUG published twice: the second time with a correction.
fn published_with_a_correction() -> TestRepo {
    let repo = TestRepo::sample();
    let config = repo.read("lede.toml") + "\n[workflow]\nrequire_approval = false\n";
    repo.write("lede.toml", config);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "sample"]);
    for args in [
        vec!["publish", SLUG],
        vec![
            "correct",
            SLUG,
            "--note",
            "An earlier version gave the wrong year for the first accords.",
        ],
        vec!["publish", SLUG],
    ] {
        let output = repo.lede().args(&args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {}", transcript(&output));
    }
    repo
}

#[test]
fn a_whole_record_edit_cannot_drop_a_published_correction() {
    let repo = published_with_a_correction();
    let before = (repo.read(STORY), head(&repo));
    let editor = editor(&repo, "sed -i '/^\\[\\[corrections\\]\\]/,$d' \"$1\"");
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let said = stderr(&output);
    assert!(
        said.contains("removes correction 1") && said.contains("lede correct"),
        "{said}"
    );
    assert!(said.contains("Your text is kept in"), "{said}");
    assert_eq!(
        (repo.read(STORY), head(&repo)),
        before,
        "nothing was written"
    );
    assert_eq!(recovery_files(&repo), 1);

    // Rewording it is refused the same way.
    let editor = editor_rewording(&repo);
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("rewrites correction 1"),
        "{}",
        stderr(&output)
    );
    assert_eq!((repo.read(STORY), head(&repo)), before);
}

fn editor_rewording(repo: &TestRepo) -> PathBuf {
    editor(repo, "sed -i 's/the wrong year/an inexact year/' \"$1\"")
}

#[test]
fn a_publish_of_a_record_that_lost_its_correction_is_refused() {
    let repo = published_with_a_correction();
    // Behind lede's back: the correction deleted and committed by hand.
    let text = repo.read(STORY);
    let cut = text.find("[[corrections]]").unwrap();
    repo.write(
        STORY,
        text[..cut].replace("status = \"published\"", "status = \"draft\""),
    );
    repo.git(&["commit", "-q", "-am", "tidy up"]);
    let tip = stdout(&repo.git(&["rev-parse", "published"]));
    let output = repo.lede().args(["publish", SLUG]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("removes correction 1"),
        "{}",
        stderr(&output)
    );
    assert_eq!(stdout(&repo.git(&["rev-parse", "published"])), tip);
}

#[test]
fn a_hand_typed_status_is_refused_with_the_field_named() {
    let repo = TestRepo::committed_sample();
    let before = (repo.read(STORY), head(&repo));
    let editor = editor(
        &repo,
        "sed -i 's/^status = \"draft\"/status = \"approved\"/' \"$1\"",
    );
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    let said = stderr(&output);
    assert!(
        said.contains("sets `status`") && said.contains("lede approve"),
        "{said}"
    );
    assert_eq!((repo.read(STORY), head(&repo)), before);
    assert_eq!(recovery_files(&repo), 1, "the edited text is kept");
}

#[test]
fn an_edit_that_changes_nothing_makes_no_commit_and_keeps_the_status() {
    let repo = TestRepo::committed_sample();
    let text = repo.read(PUBLISHED_STORY);
    let headline: toml::Table = toml::from_str(&text).unwrap();
    let headline = headline["headline"].as_str().unwrap().to_owned();
    let before = head(&repo);
    let output = repo
        .lede()
        .args(["edit", PUBLISHED_SLUG, "--headline", &headline])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout(&output).contains("No changes"),
        "{}",
        transcript(&output)
    );
    assert_eq!(head(&repo), before);
    assert_eq!(
        repo.read(PUBLISHED_STORY),
        text,
        "still published, not a draft"
    );
}

#[test]
fn a_status_set_with_plain_git_does_not_publish() {
    let repo = TestRepo::committed_sample();
    repo.write(
        STORY,
        repo.read(STORY)
            .replace("status = \"draft\"", "status = \"approved\""),
    );
    repo.git(&["commit", "-qam", "Approve it myself"]);
    let before = head(&repo);
    let output = repo.lede().args(["publish", SLUG]).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("no `lede approve` of it is in the history"),
        "{}",
        stderr(&output)
    );
    assert_eq!(head(&repo), before);
    assert!(
        repo.try_git(&["rev-parse", "--verify", "-q", "published"])
            .stdout
            .is_empty()
    );
}
