//! `lede edit` with `$EDITOR`: a fake editor script stands in for the
//! person at the keyboard.

use std::path::{Path, PathBuf};

use crate::common::{SAMPLE_STORY, TestRepo, stderr, stdout, transcript};

const SLUG: &str = "kazakhstan-joins-abraham-accords";
const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

/// An editor that runs `script` with the file to edit as `$1`, after a
/// pause so that the file's modification time moves on.
fn fake_editor(repo: &TestRepo, script: &str) -> PathBuf {
    let path = repo.root().join(".git").join("fake-editor");
    std::fs::write(&path, format!("#!/bin/sh\nsleep 0.05\n{script}\n")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn commits(repo: &TestRepo) -> usize {
    String::from_utf8(repo.git(&["rev-list", "--count", "HEAD"]).stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

fn last_subject(repo: &TestRepo) -> String {
    String::from_utf8(repo.git(&["log", "-1", "--format=%s"]).stdout)
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn headline_from_a_flag() {
    let repo = TestRepo::committed_sample();
    let output = repo
        .lede()
        .env("LEDE_NOW", "2025-11-08T10:00:00Z")
        .args([
            "edit",
            SLUG,
            "--headline",
            "Kazakhstan joins the Abraham Accords",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let expected = SAMPLE_STORY
        .replace(
            "headline = \"Kazakhstan to join the Abraham Accords in a largely symbolic win for Washington\"",
            "headline = \"Kazakhstan joins the Abraham Accords\"",
        )
        .replace("status = \"published\"", "status = \"draft\"")
        .replace("updated = 2025-11-07T09:30:00Z", "updated = 2025-11-08T10:00:00Z");
    assert_eq!(repo.read(STORY), expected);
    assert_eq!(last_subject(&repo), format!("edit: {SLUG} (headline)"));
    repo.git(&["fsck", "--strict"]);
}

#[test]
fn a_section_in_the_editor() {
    let repo = TestRepo::committed_sample();
    let editor = fake_editor(&repo, "sed -i 's/newest member/latest member/' \"$1\"");
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG, "--section", "whats-happened"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = repo.read(STORY);
    assert!(text.contains("the latest member of the **Abraham Accords**"));
    // Only that body (and the bookkeeping) changed.
    let untouched = SAMPLE_STORY
        .split("[sections.behind-the-headline]")
        .nth(1)
        .unwrap();
    assert!(text.ends_with(untouched));
    assert_eq!(
        last_subject(&repo),
        format!("edit: {SLUG} (section whats-happened)")
    );
}

#[test]
fn a_faq_entry_in_the_editor() {
    let repo = TestRepo::committed_sample();
    let editor = fake_editor(
        &repo,
        "sed -i '1s/.*/Why is Kazakhstan joining now?/' \"$1\"",
    );
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG, "--faq", "why-now"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(
        repo.read(STORY)
            .contains("question = \"Why is Kazakhstan joining now?\"")
    );
    assert_eq!(last_subject(&repo), format!("edit: {SLUG} (faq why-now)"));
}

#[test]
fn leaving_the_editor_without_saving_changes_nothing() {
    let repo = TestRepo::committed_sample();
    let editor = fake_editor(&repo, "true");
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(stdout(&output).contains("No changes"));
    assert_eq!(repo.read(STORY), SAMPLE_STORY);
    assert_eq!(commits(&repo), 1);
}

fn recovery_files(root: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(root.join(".git/lede-recovery"))
        .map(|dir| dir.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default()
}

#[test]
fn an_invalid_result_is_not_written_and_the_text_is_kept() {
    let repo = TestRepo::committed_sample();
    let editor = fake_editor(
        &repo,
        "sed -i 's/^status = .*/status = \"finished\"/' \"$1\"",
    );
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(stdout(&output).contains("L023"), "{}", stdout(&output));
    assert_eq!(repo.read(STORY), SAMPLE_STORY, "nothing was written");
    assert_eq!(commits(&repo), 1);
    let kept = recovery_files(repo.root());
    assert_eq!(kept.len(), 1, "{}", stderr(&output));
    assert!(stderr(&output).contains(&kept[0].display().to_string()));
    assert!(
        std::fs::read_to_string(&kept[0])
            .unwrap()
            .contains("status = \"finished\"")
    );
}

#[test]
fn on_a_terminal_the_editor_is_offered_again_with_the_text_intact() {
    let repo = TestRepo::committed_sample();
    // First session: break the status and change the headline. Second
    // session: the headline change is still there; fix the status.
    let editor = fake_editor(
        &repo,
        "if grep -q 'status = \"finished\"' \"$1\"; then\n  grep -q 'Second look' \"$1\" && sed -i 's/status = \"finished\"/status = \"draft\"/' \"$1\"\nelse\n  sed -i -e 's/^status = .*/status = \"finished\"/' -e 's/^headline = .*/headline = \"Second look\"/' \"$1\"\nfi",
    );
    let mut session = repo.lede_in_terminal(&["edit", SLUG], &[("EDITOR", &editor)]);
    session.exp_string("L023").unwrap();
    session.exp_string("Edit it again?").unwrap();
    session.send_line("y").unwrap();
    session.exp_eof().unwrap();
    let text = repo.read(STORY);
    assert!(text.contains("headline = \"Second look\""), "{text}");
    assert!(text.contains("status = \"draft\""));
    assert_eq!(last_subject(&repo), format!("edit: {SLUG}"));
    repo.git(&["fsck", "--strict"]);
}

#[test]
fn a_section_edit_that_breaks_a_rule_is_offered_again_on_a_terminal() {
    let repo = TestRepo::committed_sample();
    // First session: the section becomes too short; second: a full text.
    let editor = fake_editor(
        &repo,
        "if [ -e \"$0.once\" ]; then\n  printf '%s\\n' 'Kazakhstan says it will join the Abraham Accords, the agreements with Israel that the United States brokered in 2020, though the two countries have had relations since 1992.' > \"$1\"\nelse\n  touch \"$0.once\"\n  printf '%s\\n' 'Too short.' > \"$1\"\nfi",
    );
    let mut session = repo.lede_in_terminal(
        &["edit", SLUG, "--section", "whats-happened"],
        &[("EDITOR", &editor)],
    );
    session.exp_string("L031").unwrap();
    session.exp_string("Edit it again?").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    session.send_line("y").unwrap();
    session.exp_eof().unwrap();
    assert!(
        repo.read(STORY)
            .contains("though the two countries have had relations since 1992.")
    );
    assert_eq!(
        last_subject(&repo),
        format!("edit: {SLUG} (section whats-happened)")
    );
}

#[test]
fn without_a_terminal_a_broken_part_is_kept_and_nothing_written() {
    let repo = TestRepo::committed_sample();
    let editor = fake_editor(&repo, "printf '%s\\n' 'Too short.' > \"$1\"");
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG, "--section", "whats-happened"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", transcript(&output));
    assert!(stdout(&output).contains("L031"));
    assert_eq!(repo.read(STORY), SAMPLE_STORY);
    let kept = recovery_files(repo.root());
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read_to_string(&kept[0]).unwrap(), "Too short.\n");
}

#[test]
fn a_record_that_does_not_read_as_a_story_can_be_fixed_whole() {
    let repo = TestRepo::committed_sample();
    let broken = SAMPLE_STORY.replacen("desk = \"world\"", "desk = \"world\"\ncolour = \"red\"", 1);
    repo.write(STORY, &broken);
    repo.git(&["commit", "-q", "-am", "broken"]);
    let part = repo
        .lede()
        .args(["edit", SLUG, "--headline", "New"])
        .output()
        .unwrap();
    // A part edit keeps the unknown key, so validation refuses it.
    assert_eq!(part.status.code(), Some(1));
    assert!(stdout(&part).contains("L020"), "{}", stdout(&part));
    let editor = fake_editor(&repo, "sed -i '/^colour = /d' \"$1\"");
    let output = repo
        .lede()
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(!repo.read(STORY).contains("colour"));
    assert_eq!(last_subject(&repo), format!("edit: {SLUG}"));
}
