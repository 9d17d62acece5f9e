//! `lede fmt`: the canonical layout, checked in CI or applied in one commit.

use crate::common::{SAMPLE_STORY, TestRepo, stderr, stdout, transcript};

const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

#[test]
fn check_lists_what_would_change_and_fmt_fixes_it_in_one_commit() {
    let repo = TestRepo::committed_sample();
    let clean = repo.lede().args(["fmt", "--check"]).output().unwrap();
    assert_eq!(
        clean.status.code(),
        Some(0),
        "the sample is canonical: {}",
        transcript(&clean)
    );

    let messy = SAMPLE_STORY
        .replacen(
            "desk = \"world\"",
            "desk   =   'world'   # the foreign desk",
            1,
        )
        .replacen("#:schema ../../schemas/story.schema.json\n", "", 1);
    repo.write(STORY, &messy);
    repo.git(&["commit", "-q", "-am", "messy"]);
    let check = repo.lede().args(["fmt", "--check"]).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(stdout(&check), format!("{STORY}\n"));
    assert_eq!(repo.read(STORY), messy, "--check writes nothing");

    let fmt = repo.lede().arg("fmt").output().unwrap();
    assert_eq!(fmt.status.code(), Some(0), "{}", transcript(&fmt));
    let formatted = repo.read(STORY);
    assert_eq!(
        formatted,
        SAMPLE_STORY.replacen("desk = \"world\"", "desk = \"world\" # the foreign desk", 1)
    );
    let log = String::from_utf8(
        repo.git(&["log", "-1", "--format=%s", "--name-only"])
            .stdout,
    )
    .unwrap();
    assert_eq!(log, format!("fmt: {STORY}\n\n{STORY}\n"));
    repo.git(&["fsck", "--strict"]);
    let again = repo.lede().args(["fmt", "--check"]).output().unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", transcript(&again));
}

#[test]
fn a_record_that_does_not_parse_is_left_alone() {
    let repo = TestRepo::committed_sample();
    repo.write("stories/2025/broken.toml", "slug = \n");
    let output = repo.lede().arg("fmt").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("broken.toml is not valid TOML"),
        "{}",
        stderr(&output)
    );
    assert_eq!(repo.read("stories/2025/broken.toml"), "slug = \n");
}
