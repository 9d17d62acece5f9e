//! `lede diff`, `lede log`, `lede setup` and `lede git-diff` end to end, in
//! real git repositories changed with the real git.

use crate::common::{self, TestRepo, json, stderr, stdout, transcript};

const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";
const SLUG: &str = "kazakhstan-joins-abraham-accords";

/// The reviewer's case from the issue: one sentence of "What the papers
/// say" reworded and one FAQ entry added.
fn reword_and_add_faq(repo: &TestRepo) {
    let text = repo.read(STORY);
    let reworded = text.replacen(
        "American\nreporting looked at what",
        "Reporting in the United States\nasked what",
        1,
    );
    assert_ne!(
        text, reworded,
        "the sample sentence is where the test expects it"
    );
    let added = format!(
        "{}\n\n[[faq]]\nid = \"what-changes\"\nquestion = \"What changes for Kazakhstan?\"\nanswer = \"\"\"\nLittle at first: it already trades with Israel.\n\"\"\"\n",
        reworded.trim_end()
    );
    repo.write(STORY, added);
}

#[test]
fn a_reworded_sentence_and_a_new_faq_entry_are_named_exactly() {
    let repo = TestRepo::committed_sample();
    reword_and_add_faq(&repo);
    let output = repo
        .lede()
        .args(["diff", "--format", "plain"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(
        text.contains("[-American reporting looked at-]{+Reporting in the United States asked+}"),
        "{text}"
    );
    assert!(text.contains("FAQ what-changes: {+added+}"), "{text}");
    // Nothing else is reported: two parts, and only these words.
    assert!(text.contains("(modified, 2 parts, +18 −4 words)"), "{text}");
    assert_eq!(text.matches("[-").count(), 1, "{text}");
    insta::assert_snapshot!("diff_plain", transcript(&output));

    let colored = repo
        .lede()
        .args(["--color", "always", "diff"])
        .output()
        .unwrap();
    insta::assert_snapshot!("diff_terminal", transcript(&colored));
    let markdown = repo
        .lede()
        .args(["diff", "--format", "markdown"])
        .output()
        .unwrap();
    insta::assert_snapshot!("diff_markdown", transcript(&markdown));
    let report = repo
        .lede()
        .args(["diff", "--format", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("diff_json", transcript(&report));

    let report = json(&report);
    let changes = report["records"][0]["changes"].as_array().unwrap();
    let paths: Vec<&str> = changes
        .iter()
        .map(|c| c["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        ["sections/what-the-papers-say/body", "faq/what-changes"]
    );
    assert_eq!(changes[0]["change"], "reworded");
    assert_eq!(changes[1]["change"], "added");
    assert_eq!(
        changes[1]["value"]["question"],
        "What changes for Kazakhstan?"
    );
}

#[test]
fn stat_and_exit_code() {
    let repo = TestRepo::committed_sample();
    let clean = repo.lede().args(["diff", "--exit-code"]).output().unwrap();
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
    assert!(stderr(&clean).contains("No differences between HEAD and working"));

    reword_and_add_faq(&repo);
    let changed = repo
        .lede()
        .args(["diff", "--exit-code", "--stat"])
        .output()
        .unwrap();
    assert_eq!(changed.status.code(), Some(1));
    assert_eq!(
        stdout(&changed),
        " stories/2025/kazakhstan-joins-abraham-accords.toml | 2 parts +18 −4\n 1 record changed, 2 parts, +18 −4 words\n"
    );
    let refused = repo
        .lede()
        .args(["diff", "--stat", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn ranges_between_commits_and_branches() {
    let repo = TestRepo::committed_sample();
    reword_and_add_faq(&repo);
    repo.git(&["commit", "-qam", "Reword the papers section"]);
    repo.git(&["tag", "reworded"]);
    let text = repo
        .lede()
        .args([
            "diff", "--from", "HEAD~1", "--to", "HEAD", "--format", "plain",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&text).contains("FAQ what-changes"),
        "{}",
        stdout(&text)
    );
    // Reversed, the entry is removed.
    let reversed = repo
        .lede()
        .args([
            "diff", "--from", "reworded", "--to", "HEAD~1", "--format", "json",
        ])
        .output()
        .unwrap();
    let report = json(&reversed);
    assert_eq!(report["records"][0]["changes"][1]["change"], "removed");
    // The working tree as the old side.
    let nothing = repo
        .lede()
        .args(["diff", "--from", "working", "--to", "HEAD", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(0));

    let unknown = repo
        .lede()
        .args(["diff", "--from", "no-such-rev"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("no-such-rev is not a revision"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn added_deleted_and_moved_stories() {
    let repo = TestRepo::committed_sample();
    std::fs::create_dir_all(repo.path("stories/2026")).unwrap();
    repo.git(&["mv", STORY, &format!("stories/2026/{SLUG}.toml")]);
    let explainer = "stories/2025/abraham-accords-explained.toml";
    let copy = repo
        .read(explainer)
        .replace("abraham-accords-explained", "accords-copy");
    repo.remove(explainer);
    repo.write("stories/2025/accords-copy.toml", copy);

    let output = repo
        .lede()
        .args(["diff", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    let records: Vec<(String, String)> = report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_owned(),
                r["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        records,
        [
            ("abraham-accords-explained".to_owned(), "deleted".to_owned()),
            ("accords-copy".to_owned(), "added".to_owned()),
            (SLUG.to_owned(), "moved".to_owned()),
        ]
    );
    let moved = &report["records"][2];
    assert_eq!(moved["old_path"], STORY);
    assert_eq!(moved["new_path"], format!("stories/2026/{SLUG}.toml"));
    assert_eq!(moved["changes"].as_array().unwrap().len(), 0);

    let plain = repo
        .lede()
        .args(["diff", SLUG, "--format", "plain"])
        .output()
        .unwrap();
    assert!(
        stdout(&plain).contains(&format!("{STORY} → stories/2026/{SLUG}.toml (moved)")),
        "{}",
        stdout(&plain)
    );
    let stat = repo.lede().args(["diff", "--stat"]).output().unwrap();
    assert!(
        stdout(&stat).contains("stories/2025/accords-copy.toml (added)"),
        "{}",
        stdout(&stat)
    );
}

#[test]
fn named_stories_by_slug_or_path() {
    let repo = TestRepo::committed_sample();
    reword_and_add_faq(&repo);
    let explainer = "stories/2025/abraham-accords-explained.toml";
    repo.write(
        explainer,
        repo.read(explainer)
            .replace("status = \"draft\"", "status = \"in_review\""),
    );
    let by_slug = repo
        .lede()
        .args(["diff", "abraham-accords-explained", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&by_slug)["summary"]["records"], 1);
    let by_path = repo
        .lede()
        .args(["diff", STORY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&by_path)["records"][0]["id"], SLUG);
    let all = repo
        .lede()
        .args(["diff", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(json(&all)["summary"]["records"], 2);

    let missing = repo
        .lede()
        .args(["diff", "no-such-story"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("there is no story or topic `no-such-story`"));
    let outside = repo.lede().args(["diff", "README.toml"]).output().unwrap();
    assert_eq!(outside.status.code(), Some(2));
}

#[test]
fn the_published_branch_is_a_side() {
    let repo = TestRepo::committed_sample();
    let missing = repo
        .lede()
        .args(["diff", "--from", "published"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no published branch (`published`) yet"),
        "{}",
        stderr(&missing)
    );

    repo.git(&["branch", "published"]);
    reword_and_add_faq(&repo);
    repo.git(&["commit", "-qam", "Edit after publishing"]);
    let output = repo
        .lede()
        .args([
            "diff",
            "--from",
            "published",
            "--to",
            "HEAD",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let report = json(&output);
    assert_eq!(report["from"], "published");
    assert_eq!(
        report["records"][0]["changes"][1]["path"],
        "faq/what-changes"
    );

    // A newsroom that names its public branch differently.
    repo.write(
        "lede.toml",
        format!("{}\n[publish]\nbranch = \"live\"\n", common::SAMPLE_CONFIG),
    );
    repo.git(&["branch", "live", "HEAD~1"]);
    let output = repo
        .lede()
        .args([
            "diff",
            "--from",
            "published",
            "--to",
            "HEAD",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        json(&output)["summary"]["records"],
        1,
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_side_that_does_not_parse_gets_a_line_diff_and_a_warning() {
    let repo = TestRepo::committed_sample();
    repo.write(
        STORY,
        repo.read(STORY).replace("desk = \"world\"", "desk = world"),
    );
    let output = repo
        .lede()
        .args(["diff", "--format", "plain"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(
        text.contains(&format!(
            "warning: {STORY}:5:8 (the working tree) does not parse as TOML"
        )),
        "{text}"
    );
    assert!(
        text.contains("-desk = \"world\"\n  +desk = world"),
        "{text}"
    );
}

#[test]
fn two_files_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.toml");
    let new = dir.path().join("new.toml");
    std::fs::write(&old, common::SAMPLE_STORY).unwrap();
    std::fs::write(&new, common::SAMPLE_STORY.replace("1992", "1993")).unwrap();
    let output = common::lede_command(dir.path())
        .current_dir(dir.path())
        .args([
            "diff", "--files", "old.toml", "new.toml", "--format", "plain",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("old.toml → new.toml (modified"), "{text}");
    assert!(text.contains("[-1992-]{+1993+}"), "{text}");
    let chars = common::lede_command(dir.path())
        .current_dir(dir.path())
        .args([
            "diff",
            "--files",
            "old.toml",
            "new.toml",
            "--format",
            "plain",
            "--word-diff",
            "char",
        ])
        .output()
        .unwrap();
    assert!(
        stdout(&chars).contains("199[-2-]{+3+}"),
        "{}",
        stdout(&chars)
    );
}

#[test]
fn text_from_records_is_escaped_in_every_human_format() {
    let repo = TestRepo::committed_sample();
    repo.write(
        STORY,
        repo.read(STORY).replacen(
            "Coverage reached",
            "Coverage\u{202E} reached <script>x</script>",
            1,
        ),
    );
    for format in ["plain", "markdown", "terminal"] {
        let output = repo
            .lede()
            .args(["diff", "--format", format])
            .output()
            .unwrap();
        let text = stdout(&output);
        assert!(!text.contains('\u{202E}'), "{format}: {text}");
        assert!(text.contains("\\u{202E}"), "{format}: {text}");
        if format == "markdown" {
            assert!(!text.contains("<script>"), "{text}");
        }
    }
}

#[test]
fn log_follows_a_story_through_edits_moves_and_status_changes() {
    let repo = TestRepo::committed_sample();
    reword_and_add_faq(&repo);
    repo.git(&["commit", "-qam", "Reword the papers section"]);
    std::fs::create_dir_all(repo.path("stories/2026")).unwrap();
    repo.git(&["mv", STORY, &format!("stories/2026/{SLUG}.toml")]);
    let moved = format!("stories/2026/{SLUG}.toml");
    repo.write(
        &moved,
        repo.read(&moved)
            .replace("status = \"published\"", "status = \"draft\""),
    );
    repo.git(&["commit", "-qam", "Move to 2026 and reopen"]);
    repo.write(
        &moved,
        repo.read(&moved)
            .replace("status = \"draft\"", "status = \"in_review\""),
    );
    repo.git(&["commit", "-qam", "Submit for review"]);

    let output = repo.lede().args(["log", SLUG]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("log_text", transcript(&output));

    let report = json(
        &repo
            .lede()
            .args(["log", SLUG, "--format", "json", "-p"])
            .output()
            .unwrap(),
    );
    let events: Vec<&str> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["status", "moved", "edited", "created"]);
    assert_eq!(report["entries"][1]["status"]["from"], "published");
    assert_eq!(report["entries"][1]["status"]["to"], "draft");
    assert_eq!(
        report["entries"][2]["diff"]["changes"][1]["path"],
        "faq/what-changes"
    );

    let missing = repo.lede().args(["log", "no-such-story"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn log_reads_merges_rebases_and_publish_commits_made_by_plain_git() {
    let repo = TestRepo::committed_sample();
    // A side branch edits the FAQ while main rewords the papers section.
    repo.git(&["checkout", "-qb", "faq-work"]);
    repo.write(
        STORY,
        repo.read(STORY).replacen(
            "ties with Israel go back to 1992",
            "ties with Israel date from 1992",
            1,
        ),
    );
    repo.git(&["commit", "-qam", "Side branch wording"]);
    repo.git(&["checkout", "-q", "main"]);
    let text = repo.read(STORY).replacen(
        "American\nreporting looked at what",
        "Reporting in the United States\nasked what",
        1,
    );
    repo.write(STORY, text);
    repo.git(&["commit", "-qam", "Main branch wording"]);
    repo.git(&["merge", "-q", "--no-edit", "faq-work"]);

    // Rebased work reads the same way.
    repo.git(&["checkout", "-qb", "rebased", "HEAD~2"]);
    repo.write(
        STORY,
        repo.read(STORY)
            .replace("status = \"published\"", "status = \"in_review\""),
    );
    repo.git(&["commit", "-qam", "Submit for review"]);
    repo.git(&["rebase", "-q", "main"]);

    // A publish made on the published branch, with trailers.
    repo.git(&["branch", "published", "rebased"]);
    repo.git(&["checkout", "-q", "published"]);
    repo.write(
        STORY,
        repo.read(STORY)
            .replace("status = \"in_review\"", "status = \"published\""),
    );
    repo.git(&["commit", "-qam", &format!("publish: {SLUG}\n\nStory: {SLUG}\nRevision: 2\nItems: all\nApproved-by: Bo Desk <bo@example.org>")]);
    repo.git(&["checkout", "-q", "rebased"]);

    let report = json(
        &repo
            .lede()
            .args(["log", SLUG, "--format", "json"])
            .output()
            .unwrap(),
    );
    let subjects: Vec<&str> = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["branch"] == "working")
        .map(|e| e["subject"].as_str().unwrap())
        .collect();
    // Both branches changed the story, so the merge's version matches
    // neither parent's and is listed, as `git log -- <file>` lists it.
    assert_eq!(
        subjects,
        [
            "Submit for review",
            "Merge branch 'faq-work'",
            "Main branch wording",
            "Side branch wording",
            "sample"
        ]
    );
    assert_eq!(report["entries"][1]["event"], "merged");
    let publish = report["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["branch"] == "published")
        .unwrap();
    assert_eq!(publish["event"], "published");
    assert_eq!(publish["trailers"][1], serde_json::json!(["Revision", "2"]));
    let text = stdout(&repo.lede().args(["log", SLUG]).output().unwrap());
    assert!(
        text.contains("Story: kazakhstan-joins-abraham-accords · Revision: 2 · Items: all"),
        "{text}"
    );
}

#[test]
fn plain_git_shows_stories_through_lede_after_setup() {
    let repo = TestRepo::committed_sample();
    repo.write(".gitattributes", "stories/**/*.toml diff=lede merge=lede\n");
    repo.git(&["add", ".gitattributes"]);
    repo.git(&["commit", "-qm", "Route stories to lede"]);

    let check = repo.lede().args(["setup", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("missing  diff.lede.command"));
    let setup = repo.lede().args(["setup"]).output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let check = repo.lede().args(["setup", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));

    reword_and_add_faq(&repo);
    let diff = stdout(&repo.git(&["diff"]));
    assert!(
        diff.starts_with(&format!("diff --lede a/{STORY} b/{STORY}\n")),
        "{diff}"
    );
    assert!(
        diff.contains("[-American reporting looked at-]{+Reporting in the United States asked+}"),
        "{diff}"
    );

    repo.git(&["commit", "-qam", "Reword"]);
    let log = stdout(&repo.git(&["log", "-p", "--ext-diff", "-1"]));
    assert!(log.contains("FAQ what-changes: {+added+}"), "{log}");
    let show = stdout(&repo.git(&["show", "--ext-diff", "HEAD"]));
    assert!(show.contains("FAQ what-changes: {+added+}"), "{show}");
    // Without --ext-diff, git log -p line-diffs the textconv: the story as
    // text, one sentence per line.
    let log = stdout(&repo.git(&["log", "-p", "-1"]));
    assert!(log.contains("-American reporting looked at what the announcement does for the Trump administration's record in the region.\n+Reporting in the United States asked what"), "{log}");
    assert!(log.contains("+### What changes for Kazakhstan?"), "{log}");
    // An added story goes through the driver too.
    repo.write(
        "stories/2026/new-one.toml",
        common::SAMPLE_STORY.replace(SLUG, "new-one"),
    );
    repo.git(&["add", "-N", "stories/2026/new-one.toml"]);
    let added = stdout(&repo.git(&["diff", "stories/2026/new-one.toml"]));
    assert!(added.contains("(added, "), "{added}");
}

#[test]
fn lede_init_registers_the_diff_driver() {
    let dir = tempfile::tempdir().unwrap();
    let output = common::lede_command(dir.path())
        .args(["-C"])
        .arg(dir.path())
        .args(["init", "newsroom"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let config = std::fs::read_to_string(dir.path().join("newsroom/.git/config")).unwrap();
    assert!(config.contains("[diff \"lede\"]"), "{config}");
    assert!(config.contains("git-diff --textconv"), "{config}");
}

#[test]
fn git_diff_refuses_to_be_called_by_hand() {
    let repo = TestRepo::committed_sample();
    let output = repo.lede().args(["git-diff", "a", "b"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("7 or 9 arguments"));
}

/// Adds `count` entries under `bulk/` to git's index (all the same empty
/// blob, no files), as a stand-in for a large archive.
fn stage_many(repo: &TestRepo, count: usize) {
    let blob = stdout(&repo.git(&["hash-object", "-w", "--stdin"]))
        .trim()
        .to_owned();
    let list: String = (0..count)
        .map(|n| format!("100644 {blob}\tbulk/{n:05}\n"))
        .collect();
    let mut child = std::process::Command::new("git")
        .args(["update-index", "--index-info"])
        .current_dir(repo.root())
        .envs(common::test_env(repo.root()))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(list.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

#[test]
fn setup_splits_the_index_of_a_large_archive_only() {
    let small = TestRepo::committed_sample();
    let check = small.lede().args(["setup", "--check"]).output().unwrap();
    assert!(
        stdout(&check).contains("ok       core.splitIndex not needed ("),
        "{}",
        stdout(&check)
    );
    let setup = small.lede().args(["setup"]).output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    assert!(
        !stdout(&setup).contains("split index"),
        "{}",
        stdout(&setup)
    );
    let config = small.try_git(&["config", "core.splitIndex"]);
    assert!(
        !config.status.success(),
        "a small archive keeps git's default index"
    );

    let large = TestRepo::committed_sample();
    stage_many(&large, 10_000);
    let check = large.lede().args(["setup", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("missing  core.splitIndex ("),
        "{}",
        stdout(&check)
    );
    let setup = large.lede().args(["setup"]).output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    assert!(
        stdout(&setup).contains("Turned on git's split index (core.splitIndex = true)"),
        "{}",
        stdout(&setup)
    );
    assert_eq!(
        stdout(&large.git(&["config", "core.splitIndex"])).trim(),
        "true"
    );
    assert!(large.has_shared_index(), "the index was split at once");
    let check = large.lede().args(["setup", "--check"]).output().unwrap();
    assert!(
        stdout(&check).contains("ok       core.splitIndex = true"),
        "{}",
        stdout(&check)
    );

    // Someone who said no keeps their no.
    let declined = TestRepo::committed_sample();
    stage_many(&declined, 10_000);
    declined.git(&["config", "core.splitIndex", "false"]);
    let setup = declined.lede().args(["setup"]).output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    assert_eq!(
        stdout(&declined.git(&["config", "core.splitIndex"])).trim(),
        "false"
    );
}
