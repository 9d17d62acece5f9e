//! `lede new`: by flags and a draft in scripts, by dialogue on a terminal.

use std::path::Path;
use std::time::Duration;

use crate::common::{TestRepo, settle, stderr, stdout, transcript};

const DRAFT: &str = r#"
[sections.whats-happened]
body = """
Uzbekistan said on Monday that it would consider joining the Abraham Accords after talks with American officials, a step that would follow Kazakhstan's decision.
"""

[sections.behind-the-headline]
body = """
The statement fits a pattern. Washington is courting the Central Asian states with trade and security offers, and each new signatory lets it present the accords as a growing coalition. For Uzbekistan the cost of joining would be low, while closer ties with the United States could be worth a lot.
"""

[sections.what-the-papers-say]
body = "Regional outlets treated the statement as exploratory rather than a firm commitment."

[[sections.what-the-papers-say.sources]]
outlet = "AP News"
gist = "Reported the statement as a cautious opening rather than a decision."

[sections.how-we-got-here]
body = """
Kazakhstan announced this month that it would join the accords, which the United States brokered in 2020 between Israel and three Arab states.
"""
"#;

const PATH: &str = "stories/2025/uzbekistan-weighs-joining-the-abraham-accords.toml";

#[test]
fn flags_and_a_draft_make_a_committed_valid_story() {
    let repo = TestRepo::committed_sample();
    repo.write("draft.toml", DRAFT);
    let output = repo
        .lede()
        .env("LEDE_NOW", "2025-11-20T08:00:00Z")
        .args([
            "new",
            "--headline",
            "Uzbekistan weighs joining the Abraham Accords",
            "--desk",
            "world",
            "--topic",
            "abraham-accords",
            "--topic",
            "united-states",
            "--from",
            "draft.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    insta::assert_snapshot!("new_from_draft", repo.read(PATH));
    let log = String::from_utf8(
        repo.git(&["log", "-1", "--format=%s", "--name-only"])
            .stdout,
    )
    .unwrap();
    assert_eq!(
        log,
        format!("new: uzbekistan-weighs-joining-the-abraham-accords\n\n{PATH}\n")
    );
    repo.git(&["fsck", "--strict"]);
    let validate = repo.lede().arg("validate").output().unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));

    let again = repo
        .lede()
        .args([
            "new",
            "--headline",
            "Uzbekistan weighs joining the Abraham Accords",
            "--desk",
            "world",
            "--from",
            "draft.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn the_draft_can_come_from_stdin() {
    let repo = TestRepo::committed_sample();
    let output = repo
        .lede()
        .env("LEDE_NOW", "2025-11-20T08:00:00Z")
        .args([
            "new",
            "--no-input",
            "--headline",
            "Uzbekistan weighs joining the Abraham Accords",
            "--desk",
            "world",
            "--from",
            "-",
        ])
        .write_stdin(DRAFT)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(repo.path(PATH).exists());
}

#[test]
fn without_a_terminal_it_names_what_is_missing_at_once() {
    let repo = TestRepo::committed_sample();
    // A run that waited on stdin would be killed at the deadline and fail
    // the exit status below; how fast it answers is for benches/.
    let output = repo
        .lede()
        .arg("new")
        .timeout(Duration::from_secs(10))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("--headline") && text.contains("--desk") && text.contains("--from"),
        "{text}"
    );
}

#[test]
fn an_invalid_answer_is_refused_and_the_story_kept() {
    let repo = TestRepo::committed_sample();
    repo.write("draft.toml", DRAFT);
    let output = repo
        .lede()
        .args([
            "new",
            "--headline",
            "Uzbekistan weighs joining",
            "--desk",
            "sport",
            "--from",
            "draft.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(stdout(&output).contains("L045"), "{}", stdout(&output));
    assert!(
        !repo
            .path("stories/2025/uzbekistan-weighs-joining.toml")
            .exists()
    );
    assert!(
        stderr(&output).contains(".git/lede-recovery/"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_whole_dialogue_on_a_terminal() {
    let repo = TestRepo::committed_sample();
    let editor = repo.root().join(".git/fake-editor");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '%s\\n' 'The accords were brokered by the United States in 2020. They set up formal relations between Israel and three Arab states. Kazakhstan has now said it will join them, which officials in Washington present as new momentum for agreements that stalled during the war in Gaza.' > \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();

    let now = Path::new("2025-11-20T08:00:00Z");
    let mut s = repo.lede_in_terminal(&["new"], &[("EDITOR", &editor), ("LEDE_NOW", now)]);
    s.exp_string("Headline").unwrap();
    s.send_line("Central Asia and the Abraham Accords").unwrap();
    s.exp_string("Slug").unwrap();
    s.send_line("").unwrap(); // accept the suggestion
    // Keys are sent once a list is drawn, when the terminal reads them one
    // by one.
    s.exp_string("culture").unwrap();
    settle();
    s.send_line("").unwrap(); // the first desk
    s.exp_string("Topic (type to search").unwrap();
    settle();
    s.send("abra").unwrap(); // found by part of its id
    s.flush().unwrap();
    settle();
    s.send("\r").unwrap();
    s.flush().unwrap();
    s.exp_string("Another topic (so far: abraham-accords")
        .unwrap();
    settle();
    s.send("\x1b").unwrap(); // Esc: done choosing
    s.flush().unwrap();
    // A topic that does not exist yet, created on the spot.
    s.exp_string("Create a topic that is not listed?").unwrap();
    settle();
    s.send("y").unwrap();
    s.flush().unwrap();
    s.exp_string("Topic name").unwrap();
    s.send_line("Central Asia").unwrap();
    s.exp_string("subject").unwrap();
    settle();
    s.send("j").unwrap(); // person -> place
    s.flush().unwrap();
    settle();
    s.send_line("").unwrap();
    s.exp_string("Blurb").unwrap();
    s.send_line("The region of former Soviet republics between the Caspian Sea and China.")
        .unwrap();
    s.exp_string("Create a topic that is not listed?").unwrap();
    settle();
    s.send("n").unwrap();
    s.flush().unwrap();
    s.exp_string("Outlet").unwrap();
    s.send_line("AP News").unwrap();
    s.exp_string("What it emphasised").unwrap();
    s.send_line("Called the step a gesture.").unwrap();
    s.exp_string("Link").unwrap();
    s.send_line("https://apnews.com/").unwrap();
    s.exp_string("Add another outlet?").unwrap();
    settle();
    s.send("n").unwrap();
    s.flush().unwrap();
    s.exp_string("Add a FAQ entry?").unwrap();
    settle();
    s.send("y").unwrap();
    s.flush().unwrap();
    s.exp_string("Question").unwrap();
    s.send_line("Who brokered the accords?").unwrap();
    s.exp_string("Add a FAQ entry?").unwrap();
    settle();
    s.send("n").unwrap();
    s.flush().unwrap();
    s.exp_string("Save this story").unwrap();
    settle();
    s.send("y").unwrap();
    s.flush().unwrap();
    s.exp_eof().unwrap();
    let path = "stories/2025/central-asia-and-the-abraham-accords.toml";
    let text = repo.read(path);
    assert!(text.contains("desk = \"world\""), "{text}");
    assert!(
        text.contains("topics = [\"abraham-accords\", \"central-asia\"]"),
        "{text}"
    );
    assert!(
        repo.read("topics/central-asia.toml")
            .contains("kind = \"place\"")
    );
    let committed = String::from_utf8(
        repo.git(&["show", "--name-only", "--format=%s", "HEAD"])
            .stdout,
    )
    .unwrap();
    assert!(
        committed.contains("topics/central-asia.toml") && committed.contains(path),
        "{committed}"
    );
    assert!(text.contains("id = \"who-brokered-the-accords\""), "{text}");
    let validate = repo.lede().arg("validate").output().unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));
}

#[test]
fn cancelling_leaves_no_file_and_no_commit() {
    let repo = TestRepo::committed_sample();
    let mut s = repo.lede_in_terminal(&["new"], &[]);
    s.exp_string("Headline").unwrap();
    s.send_line("A story never written").unwrap();
    s.exp_string("Slug").unwrap();
    s.send_line("").unwrap();
    s.exp_string("culture").unwrap();
    settle();
    s.send("q").unwrap(); // leaves the choice, like Esc
    s.flush().unwrap();
    s.exp_eof().unwrap();
    let status = String::from_utf8(repo.git(&["status", "--porcelain"]).stdout).unwrap();
    assert_eq!(status, "");
    let count = String::from_utf8(repo.git(&["rev-list", "--count", "HEAD"]).stdout).unwrap();
    assert_eq!(count.trim(), "1");
}

#[test]
fn a_section_that_breaks_a_rule_is_fixed_at_the_prompt() {
    let repo = TestRepo::committed_sample();
    // The first editor session writes too little; the second enough.
    let editor = repo.root().join(".git/fake-editor");
    std::fs::write(
        &editor,
        "#!/bin/sh\nif [ -e \"$0.once\" ]; then\n  printf '%s\\n' 'Kazakhstan says it will join the Abraham Accords, the agreements with Israel that the United States brokered in 2020, although the two countries have had relations since 1992.' > \"$1\"\nelse\n  touch \"$0.once\"\n  printf '%s\\n' 'Too short.' > \"$1\"\nfi\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut s = repo.lede_in_terminal(
        &["new", "--desk", "world", "--topic", "kazakhstan"],
        &[("EDITOR", &editor)],
    );
    s.exp_string("Headline").unwrap();
    s.send_line("Kazakhstan joins the accords").unwrap();
    s.exp_string("Slug").unwrap();
    s.send_line("").unwrap();
    s.exp_string("L031").unwrap();
    s.exp_string("Edit the text again?").unwrap();
    settle();
    s.send("y").unwrap();
    s.flush().unwrap();
    // The fixed text is accepted and the dialogue moves on.
    s.exp_string("What's behind the headline?").unwrap();
    let kept: Vec<_> = std::fs::read_dir(repo.root().join(".git/lede-recovery"))
        .unwrap()
        .map(|entry| std::fs::read_to_string(entry.unwrap().path()).unwrap())
        .collect();
    assert!(
        kept.iter()
            .any(|text| text.contains("relations since 1992")),
        "the text is kept as it is written"
    );
    s.send_control('c').unwrap();
    s.exp_eof().unwrap();
}

#[test]
fn ctrl_c_at_a_prompt_leaves_no_file_and_no_commit() {
    let repo = TestRepo::committed_sample();
    let mut s = repo.lede_in_terminal(&["new"], &[]);
    s.exp_string("Headline").unwrap();
    s.send("Half a head").unwrap();
    s.flush().unwrap();
    settle();
    s.send_control('c').unwrap();
    s.exp_eof().unwrap();
    let status = String::from_utf8(repo.git(&["status", "--porcelain"]).stdout).unwrap();
    assert_eq!(status, "");
    let count = String::from_utf8(repo.git(&["rev-list", "--count", "HEAD"]).stdout).unwrap();
    assert_eq!(count.trim(), "1");
}
