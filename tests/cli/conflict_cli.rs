//! A merge that leaves a story conflicted: every reading command names the
//! conflict and the parts involved, and exits non-zero, instead of a dozen
//! TOML syntax errors or "no differences".

use crate::common::{TestRepo, json, stderr, stdout};

const SLUG: &str = "abraham-accords-explained";
const STORY: &str = "stories/2025/abraham-accords-explained.toml";

/// The committed sample on `main`, with `theirs` and `main` both changing
/// the headline and the first section's title, merged by plain git.
fn conflicted() -> TestRepo {
    let repo = TestRepo::committed_sample();
    repo.git(&["branch", "-M", "main"]);
    let original = repo.read(STORY);
    let change = |headline: &str, title: &str| {
        original
            .replace(
                "headline = \"What are the Abraham Accords?\"",
                &format!("headline = \"{headline}\""),
            )
            .replace(
                "title = \"What's happened\"",
                &format!("title = \"{title}\""),
            )
    };
    repo.git(&["switch", "-qc", "theirs"]);
    repo.write(STORY, change("The Abraham Accords, explained", "The news"));
    repo.git(&["commit", "-qam", "theirs"]);
    repo.git(&["switch", "-q", "main"]);
    repo.write(
        STORY,
        change("What the Abraham Accords are", "What happened"),
    );
    repo.git(&["commit", "-qam", "ours"]);
    let merge = repo.try_git(&["merge", "-q", "--no-edit", "theirs"]);
    assert!(!merge.status.success(), "the merge conflicts");
    assert!(repo.read(STORY).contains("<<<<<<< HEAD"));
    repo
}

fn lede(repo: &TestRepo, args: &[&str]) -> std::process::Output {
    repo.lede().args(args).output().unwrap()
}

#[test]
fn validate_names_the_conflict_and_nothing_else() {
    let repo = conflicted();
    let output = lede(&repo, &["validate", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(crate::common::codes(&report), ["L007"]);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "unresolved conflict in {STORY}: headline and section:whats-happened ("
        )),
        "{message}"
    );
    assert!(message.contains("between HEAD and theirs"), "{message}");

    let human = lede(&repo, &["validate"]);
    assert_eq!(human.status.code(), Some(1));
    assert!(
        stdout(&human).contains(&format!("{STORY}:")),
        "{}",
        stdout(&human)
    );
}

#[test]
fn diff_status_and_show_refuse_with_the_conflict_named() {
    let repo = conflicted();
    let expected = format!("unresolved conflict in {STORY}: headline and section:whats-happened");

    for args in [
        &["diff"][..],
        &["diff", "--exit-code"],
        &["diff", SLUG],
        &["diff", "--stat"],
    ] {
        let output = lede(&repo, args);
        assert_eq!(output.status.code(), Some(1), "lede {args:?}");
        assert!(
            stdout(&output).is_empty(),
            "lede {args:?}: {}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains(&expected),
            "lede {args:?}: {}",
            stderr(&output)
        );
    }
    // Two revisions, neither the working tree: nothing to refuse.
    let revisions = lede(&repo, &["diff", "--from", "HEAD~1", "--to", "HEAD"]);
    assert_eq!(revisions.status.code(), Some(0), "{}", stderr(&revisions));

    let status = lede(&repo, &["status"]);
    assert_eq!(status.status.code(), Some(1), "{}", stderr(&status));
    let text = stdout(&status);
    assert!(text.starts_with("Unresolved conflicts"), "{text}");
    assert!(text.contains(&expected), "{text}");
    let status_json = lede(&repo, &["status", "--format", "json"]);
    assert_eq!(status_json.status.code(), Some(1));
    assert_eq!(json(&status_json)["conflicts"][0]["path"], STORY);

    for format in ["text", "toml", "json"] {
        let show = lede(&repo, &["show", SLUG, "--format", format]);
        assert_eq!(show.status.code(), Some(1), "show --format {format}");
        assert!(stderr(&show).contains(&expected), "{}", stderr(&show));
    }
    // The committed story is still readable.
    let at_head = lede(&repo, &["show", SLUG, "--rev", "HEAD"]);
    assert!(at_head.status.success(), "{}", stderr(&at_head));
}

#[test]
fn markers_removed_but_not_added_are_still_unresolved_until_git_add() {
    let repo = conflicted();
    repo.git(&["checkout", "--ours", "--", STORY]);
    let validate = lede(&repo, &["validate", "--format", "json"]);
    assert_eq!(validate.status.code(), Some(1));
    let report = json(&validate);
    assert_eq!(crate::common::codes(&report), ["L007"]);
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("no conflict markers left")
            && message.contains(&format!("git add {STORY}")),
        "{message}"
    );
    let diff = lede(&repo, &["diff"]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stderr(&diff).contains("unresolved conflict in"),
        "{}",
        stderr(&diff)
    );

    repo.git(&["add", STORY]);
    for args in [&["validate"][..], &["status"], &["diff"], &["show", SLUG]] {
        let output = lede(&repo, args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "lede {args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn markers_added_to_the_index_are_still_a_conflict() {
    let repo = conflicted();
    repo.git(&["add", STORY]);
    let validate = lede(&repo, &["validate", "--format", "json"]);
    assert_eq!(validate.status.code(), Some(1));
    assert_eq!(crate::common::codes(&json(&validate)), ["L007"]);
    let status = lede(&repo, &["status"]);
    assert_eq!(status.status.code(), Some(1));
    assert!(
        stdout(&status).contains("unresolved conflict in"),
        "{}",
        stdout(&status)
    );
    let diff = lede(&repo, &["diff", "--from", "HEAD"]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stderr(&diff).contains("unresolved conflict in"),
        "{}",
        stderr(&diff)
    );
}

#[test]
fn a_story_deleted_on_one_side_says_so() {
    let repo = TestRepo::committed_sample();
    repo.git(&["branch", "-M", "main"]);
    repo.git(&["switch", "-qc", "theirs"]);
    repo.git(&["rm", "-q", STORY]);
    repo.git(&["commit", "-qm", "drop"]);
    repo.git(&["switch", "-q", "main"]);
    let text = repo.read(STORY).replace("What are the", "What were the");
    repo.write(STORY, text);
    repo.git(&["commit", "-qam", "edit"]);
    let merge = repo.try_git(&["merge", "-q", "--no-edit", "theirs"]);
    assert!(!merge.status.success());
    let validate = lede(&repo, &["validate", "--format", "json"]);
    assert_eq!(validate.status.code(), Some(1));
    let report = json(&validate);
    let message = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "L007")
        .map(|d| d["message"].as_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        message.contains("deleted by them, changed by us") && message.contains("git rm"),
        "{report}"
    );
}
