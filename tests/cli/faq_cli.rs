//! `lede add faq` and `lede rm faq`: format-preserving edits, committed
//! alone, refused when they would make the story invalid.

use std::time::Duration;

use crate::common::{SAMPLE_STORY, TestRepo, stderr, stdout, transcript};

const SLUG: &str = "kazakhstan-joins-abraham-accords";
const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";
const ANSWER: &str =
    "The United States brokered the first agreements in 2020, with the UAE, Bahrain and Morocco.";

#[test]
fn adding_a_faq_entry_changes_only_what_it_must_and_commits_it_alone() {
    let repo = TestRepo::committed_sample();
    // The user has unrelated work staged.
    repo.write("notes.md", "my notes\n");
    repo.git(&["add", "notes.md"]);

    let output = repo
        .lede()
        .env("LEDE_NOW", "2025-11-08T10:00:00Z")
        .args([
            "add",
            "faq",
            SLUG,
            "--question",
            "Who brokered the accords?",
            "--answer",
            ANSWER,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        stdout(&output).contains("a draft again"),
        "{}",
        stdout(&output)
    );

    let expected = SAMPLE_STORY
        .replace("status = \"published\"", "status = \"draft\"")
        .replace(
            "updated = 2025-11-07T09:30:00Z",
            "updated = 2025-11-08T10:00:00Z",
        )
        + &format!(
            "\n[[faq]]\nid = \"who-brokered-the-accords\"\nquestion = \"Who brokered the accords?\"\nanswer = \"{ANSWER}\"\n"
        );
    assert_eq!(repo.read(STORY), expected, "every other byte is as it was");

    let log = String::from_utf8(
        repo.git(&["log", "-1", "--format=%s|%an", "--name-only"])
            .stdout,
    )
    .unwrap();
    assert!(
        log.starts_with(&format!(
            "edit: {SLUG} (faq who-brokered-the-accords)|Ada Reporter"
        )),
        "{log}"
    );
    assert!(log.contains(STORY) && !log.contains("notes.md"), "{log}");
    let status = String::from_utf8(repo.git(&["status", "--porcelain"]).stdout).unwrap();
    assert_eq!(
        status, "A  notes.md\n",
        "the user's staged file is still staged"
    );
    repo.git(&["fsck", "--strict"]);

    let removed = repo
        .lede()
        .args(["rm", "faq", SLUG, "who-brokered-the-accords"])
        .output()
        .unwrap();
    assert_eq!(removed.status.code(), Some(0), "{}", transcript(&removed));
    assert!(!repo.read(STORY).contains("who-brokered"));
    repo.git(&["fsck", "--strict"]);
}

#[test]
fn an_edit_that_breaks_a_rule_is_refused_and_changes_nothing() {
    let repo = TestRepo::committed_sample();
    let output = repo
        .lede()
        .args([
            "add",
            "faq",
            SLUG,
            "--question",
            "Really?",
            "--answer",
            "Yes.",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("L031"), "{}", stdout(&output));
    assert!(stderr(&output).contains("nothing was written"));
    assert_eq!(repo.read(STORY), SAMPLE_STORY);
    let count = String::from_utf8(repo.git(&["rev-list", "--count", "HEAD"]).stdout).unwrap();
    assert_eq!(count.trim(), "1");

    let duplicate = repo
        .lede()
        .args([
            "add",
            "faq",
            SLUG,
            "--id",
            "why-now",
            "--question",
            "Why now?",
            "--answer",
            ANSWER,
        ])
        .output()
        .unwrap();
    assert_eq!(duplicate.status.code(), Some(2));
    assert!(
        stderr(&duplicate).contains("already has a FAQ entry `why-now`"),
        "{}",
        stderr(&duplicate)
    );

    let missing = repo
        .lede()
        .args(["rm", "faq", SLUG, "nope"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no FAQ entry `nope`"));
    assert_eq!(repo.read(STORY), SAMPLE_STORY);
}

#[test]
fn without_a_terminal_missing_answers_fail_at_once() {
    let repo = TestRepo::committed_sample();
    // A run that waited on stdin would be killed at the deadline and fail
    // the exit status below; how fast it answers is for benches/.
    let output = repo
        .lede()
        .args(["add", "faq", SLUG])
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--question, --answer"),
        "{}",
        stderr(&output)
    );
    let no_input = repo
        .lede()
        .args(["add", "faq", SLUG, "--no-input", "--question", "Q?"])
        .output()
        .unwrap();
    assert_eq!(no_input.status.code(), Some(2));
    assert!(
        stderr(&no_input).contains("needs --answer"),
        "{}",
        stderr(&no_input)
    );
}

#[test]
fn no_commit_leaves_the_edit_in_the_working_tree() {
    let repo = TestRepo::committed_sample();
    let output = repo
        .lede()
        .args([
            "add",
            "faq",
            SLUG,
            "--no-commit",
            "--question",
            "Who brokered the accords?",
            "--answer",
            ANSWER,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let status = String::from_utf8(repo.git(&["status", "--porcelain"]).stdout).unwrap();
    assert_eq!(status, format!(" M {STORY}\n"));
}

#[test]
fn the_prompts_ask_for_what_the_flags_did_not_give() {
    let repo = TestRepo::committed_sample();
    let mut session = repo.lede_in_terminal(
        &[
            "add",
            "faq",
            SLUG,
            "--question",
            "Who brokered the accords?",
        ],
        &[],
    );
    session.exp_string("Answer").unwrap();
    session.send_line(ANSWER).unwrap();
    session.exp_eof().unwrap();
    assert!(repo.read(STORY).contains(ANSWER));
}

#[test]
fn a_section_is_added_after_the_others() {
    let repo = TestRepo::committed_sample();
    let output = repo
        .lede()
        .args([
            "add",
            "section",
            SLUG,
            "--title",
            "Key figures",
            "--body",
            "- 1992: relations with Israel.\n- 2020: the first accords.",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = repo.read(STORY);
    let section = "[sections.key-figures]\ntitle = \"Key figures\"\nbody = \"\"\"\n- 1992: relations with Israel.\n- 2020: the first accords.\"\"\"\n\n[[faq]]";
    assert!(text.contains(section), "{text}");
    let log = String::from_utf8(repo.git(&["log", "-1", "--format=%s"]).stdout).unwrap();
    assert_eq!(log.trim(), format!("edit: {SLUG} (section key-figures)"));
    let again = repo
        .lede()
        .args([
            "add",
            "section",
            SLUG,
            "--id",
            "key-figures",
            "--title",
            "Again",
            "--body",
            "More text here.",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already has a section `key-figures`"));
}
