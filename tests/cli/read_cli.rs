//! `lede list` and `lede show`: reading the newsroom, now and at any revision.

use crate::common::{SAMPLE_STORY, TestRepo, stderr, stdout, transcript};

const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

#[test]
fn list_filters_by_status_desk_and_topic() {
    let repo = TestRepo::committed_sample();
    let all = repo
        .lede()
        .args(["list", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(all.status.code(), Some(0), "{}", transcript(&all));
    let stories: serde_json::Value = serde_json::from_slice(&all.stdout).unwrap();
    let slugs: Vec<&str> = stories
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["slug"].as_str().unwrap())
        .collect();
    // Most recently updated first.
    assert_eq!(
        slugs,
        [
            "abraham-accords-explained",
            "kazakhstan-joins-abraham-accords"
        ]
    );

    let drafts = repo
        .lede()
        .args(["list", "--status", "draft"])
        .output()
        .unwrap();
    let text = stdout(&drafts);
    assert!(
        text.contains("abraham-accords-explained") && !text.contains("kazakhstan-joins"),
        "{text}"
    );

    let by_topic = repo
        .lede()
        .args(["list", "--topic", "steve-witkoff", "--format", "json"])
        .output()
        .unwrap();
    let stories: serde_json::Value = serde_json::from_slice(&by_topic.stdout).unwrap();
    assert_eq!(stories.as_array().unwrap().len(), 1);
    let by_desk = repo
        .lede()
        .args(["list", "--desk", "business", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&by_desk).trim(), "[]");
}

#[test]
fn list_skips_unreadable_stories_and_says_so() {
    let repo = TestRepo::committed_sample();
    repo.write("stories/2025/broken.toml", "slug = \n");
    let output = repo.lede().args(["list"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("skipped stories/2025/broken.toml"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("kazakhstan-joins-abraham-accords"));
}

#[test]
fn show_renders_reads_and_goes_back_in_history() {
    let repo = TestRepo::committed_sample();
    let text = repo
        .lede()
        .args(["show", "kazakhstan-joins-abraham-accords"])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0), "{}", transcript(&text));
    assert!(stdout(&text).contains("## What the papers say"));

    let toml = repo
        .lede()
        .args([
            "show",
            "kazakhstan-joins-abraham-accords",
            "--format",
            "toml",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&toml), SAMPLE_STORY);

    // An uncommitted edit shows in the working tree, not at HEAD.
    repo.write(
        STORY,
        SAMPLE_STORY.replace("Kazakhstan to join", "Kazakhstan will join"),
    );
    let now = repo
        .lede()
        .args(["show", "kazakhstan-joins-abraham-accords"])
        .output()
        .unwrap();
    assert!(stdout(&now).starts_with("Kazakhstan will join"));
    let before = repo
        .lede()
        .args([
            "show",
            "kazakhstan-joins-abraham-accords",
            "--rev",
            "HEAD",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    assert!(
        json["headline"]
            .as_str()
            .unwrap()
            .starts_with("Kazakhstan to join")
    );
    assert_eq!(json["created"], "2025-11-06T17:00:00Z");
}

#[test]
fn show_names_what_it_cannot_find() {
    let repo = TestRepo::committed_sample();
    let missing = repo
        .lede()
        .args(["show", "no-such-story"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no story with the slug `no-such-story`"));
    let bad_rev = repo
        .lede()
        .args(["show", "kazakhstan-joins-abraham-accords", "--rev", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad_rev.status.code(), Some(2));
    assert!(
        stderr(&bad_rev).contains("nope is not a revision"),
        "{}",
        stderr(&bad_rev)
    );
}

#[test]
fn a_missing_directory_and_a_bad_revision_are_named() {
    let repo = TestRepo::committed_sample();
    let missing = repo
        .lede()
        .args(["-C", "/no/such/newsroom", "list"])
        .output()
        .unwrap();
    assert_eq!(
        transcript(&missing),
        "status: 2\n--- stdout\n--- stderr\nerror: -C /no/such/newsroom: no such directory\n"
    );
    let bad_rev = repo
        .lede()
        .args(["list", "--rev", "nope"])
        .output()
        .unwrap();
    assert_eq!(
        transcript(&bad_rev),
        "status: 2\n--- stdout\n--- stderr\nerror: nope is not a revision in this repository\nhint: a revision is a commit id, a branch or tag name, or an expression such as HEAD~2\n"
    );
}

#[test]
fn status_shows_the_longest_waiting_first_and_says_how_many_more() {
    let repo = TestRepo::committed_sample();
    for n in 0..12 {
        let slug = format!("waiting-{n:02}");
        let story = SAMPLE_STORY
            .replace("kazakhstan-joins-abraham-accords", &slug)
            .replace("status = \"published\"", "status = \"in_review\"");
        repo.write(&format!("stories/2025/{slug}.toml"), story);
    }
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "Twelve stories wait"]);
    // Four were submitted with lede, a day apart, newest first.
    for (n, day) in [(7, 12), (3, 11), (9, 10), (5, 9)] {
        let slug = format!("waiting-{n:02}");
        let path = format!("stories/2025/{slug}.toml");
        repo.write(
            &path,
            repo.read(&path)
                .replace("status = \"in_review\"", "status = \"draft\""),
        );
        repo.git(&["commit", "-qam", "back to draft"]);
        let output = repo
            .lede()
            .env("GIT_AUTHOR_DATE", format!("2025-11-{day:02}T09:00:00Z"))
            .env("GIT_COMMITTER_DATE", format!("2025-11-{day:02}T09:00:00Z"))
            .args(["submit", &slug, "--note", "Ready"])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", transcript(&output));
    }
    let output = repo.lede().arg("status").output().unwrap();
    let text = stdout(&output);
    let listed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.trim().strip_prefix("waiting-"))
        .map(|rest| &rest[..2])
        .collect();
    assert_eq!(
        listed,
        ["05", "09", "03", "07", "00", "01", "02", "04", "06", "08"],
        "{text}"
    );
    assert!(
        text.contains("  and 2 more (`lede status --all` lists them)"),
        "{text}"
    );
    let all = stdout(&repo.lede().args(["status", "--all"]).output().unwrap());
    assert_eq!(
        all.lines()
            .filter(|l| l.trim().starts_with("waiting-"))
            .count(),
        12
    );
    assert!(!all.contains("more (`lede status --all`"), "{all}");
}
