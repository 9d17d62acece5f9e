//! `lede topic new`: a valid topic record, committed alone.

use crate::common::{TestRepo, stderr, stdout, transcript};

const BLURB: &str = "The region of former Soviet republics between the Caspian Sea and China, including Kazakhstan.";

#[test]
fn a_new_topic_is_written_validated_and_committed() {
    let repo = TestRepo::sample();
    repo.git(&["add", "."]);
    repo.git(&["commit", "-q", "-m", "sample"]);
    let output = repo
        .lede()
        .args([
            "topic",
            "new",
            "--name",
            "Central Asia",
            "--kind",
            "place",
            "--blurb",
            BLURB,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(
        repo.read("topics/central-asia.toml"),
        format!(
            "#:schema ../schemas/topic.schema.json\nid = \"central-asia\"\nname = \"Central Asia\"\nkind = \"place\"\nblurb = \"{BLURB}\"\n"
        )
    );
    let log = String::from_utf8(
        repo.git(&["log", "-1", "--format=%s", "--name-only"])
            .stdout,
    )
    .unwrap();
    assert_eq!(log, "topic: central-asia\n\ntopics/central-asia.toml\n");
    repo.git(&["fsck", "--strict"]);
    let validate = repo.lede().arg("validate").output().unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));

    let again = repo
        .lede()
        .args([
            "topic",
            "new",
            "--name",
            "Central Asia",
            "--kind",
            "place",
            "--blurb",
            BLURB,
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
}

#[test]
fn an_invalid_topic_is_refused_and_nothing_is_written() {
    let repo = TestRepo::sample();
    let output = repo
        .lede()
        .args([
            "topic", "new", "--id", "Bad Id", "--name", "X", "--kind", "place", "--blurb", "short",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(text.contains("L024") && text.contains("L031"), "{text}");
    assert!(!repo.path("topics/Bad Id.toml").exists());

    let missing = repo
        .lede()
        .args(["topic", "new", "--name", "X"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("--kind, --blurb"),
        "{}",
        stderr(&missing)
    );
}
