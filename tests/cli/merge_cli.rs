//! `lede merge-driver` through real git: merges and rebases of stories
//! that both sides changed.

use crate::common::{TestRepo, stderr, stdout};

const SLUG: &str = "abraham-accords-explained";
const STORY: &str = "stories/2025/abraham-accords-explained.toml";

/// The committed sample with `.gitattributes` routing stories to lede, on
/// branch `main`.
fn newsroom() -> TestRepo {
    let repo = TestRepo::committed_sample();
    repo.write(".gitattributes", "stories/**/*.toml diff=lede merge=lede\n");
    repo.git(&["add", ".gitattributes"]);
    repo.git(&["commit", "-qm", "Route stories to lede"]);
    repo.git(&["branch", "-M", "main"]);
    repo
}

fn add_faq(repo: &TestRepo, id: &str, question: &str, answer: &str) {
    let output = repo
        .lede()
        .args(["add", "faq", SLUG, "--id", id, "--question", question])
        .args(["--answer", answer, "--no-input"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

/// Two branches from main: `left` and `right`, each made by `change`.
fn branches(repo: &TestRepo, left: impl Fn(&TestRepo), right: impl Fn(&TestRepo)) {
    repo.git(&["switch", "-qc", "right"]);
    right(repo);
    repo.git(&["switch", "-q", "main"]);
    repo.git(&["switch", "-qc", "left"]);
    left(repo);
}

fn faq_ids(text: &str) -> Vec<String> {
    let table: toml::Table = toml::from_str(text).unwrap();
    table["faq"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn faq_entries_added_on_two_branches_merge_without_a_conflict() {
    let repo = newsroom();
    branches(
        &repo,
        |r| {
            add_faq(
                r,
                "who-next",
                "Who might join next?",
                "Officials have named several candidates, though none has committed to a date yet.",
            )
        },
        |r| {
            add_faq(
                r,
                "what-changes",
                "What changes for Kazakhstan?",
                "Little at first: it already has diplomatic relations with Israel and trades with it.",
            )
        },
    );

    // git's line merge alone: both appended after the same line.
    let plain = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(!plain.status.success(), "without the driver this conflicts");
    assert!(repo.read(STORY).contains("<<<<<<< "));
    repo.git(&["merge", "--abort"]);

    let setup = repo.lede().arg("setup").output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let merged = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(
        merged.status.success(),
        "{}{}",
        stdout(&merged),
        stderr(&merged)
    );
    let text = repo.read(STORY);
    assert_eq!(
        faq_ids(&text),
        [
            "who-has-signed",
            "why-it-matters",
            "what-changes",
            "who-next"
        ]
    );
    assert_eq!(stdout(&repo.git(&["status", "--porcelain"])), "");
    let validate = repo.lede().arg("validate").output().unwrap();
    assert!(validate.status.success(), "{}", stdout(&validate));
    repo.git(&["fsck", "--strict", "--no-dangling"]);
}

#[test]
fn a_rebase_combines_changes_to_neighbouring_fields() {
    // The headline and the desk are on neighbouring lines: git's line merge
    // calls that a conflict; they are different fields of the story.
    let repo = newsroom();
    let setup = repo.lede().arg("setup").output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let edit = |from: &'static str, to: &'static str| {
        move |r: &TestRepo| {
            r.write(STORY, r.read(STORY).replace(from, to));
            r.git(&["commit", "-qam", to]);
        }
    };
    branches(
        &repo,
        edit(
            "headline = \"What are the Abraham Accords?\"",
            "headline = \"The Abraham Accords, explained\"",
        ),
        edit("status = \"draft\"", "status = \"in_review\""),
    );
    let rebase = repo.try_git(&["rebase", "-q", "right"]);
    assert!(rebase.status.success(), "{}", stderr(&rebase));
    let text = repo.read(STORY);
    assert!(
        text.contains("headline = \"The Abraham Accords, explained\"\nstatus = \"in_review\"\n"),
        "{text}"
    );
    assert_eq!(stdout(&repo.git(&["status", "--porcelain"])), "");
    let subjects = stdout(&repo.git(&["log", "--format=%s", "-2"]));
    assert_eq!(
        subjects,
        "headline = \"The Abraham Accords, explained\"\nstatus = \"in_review\"\n"
    );
}

#[test]
fn the_same_section_edited_twice_is_left_to_a_person_with_gits_markers() {
    let repo = newsroom();
    let setup = repo.lede().arg("setup").output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let edit = |to: &'static str| {
        move |r: &TestRepo| {
            r.write(
                STORY,
                r.read(STORY)
                    .replace("The Abraham Accords are in the news again", to),
            );
            r.git(&["commit", "-qam", to]);
        }
    };
    branches(&repo, edit("Left wording"), edit("Right wording"));
    let merged = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(!merged.status.success());
    assert!(
        stderr(&merged).contains("lede: both sides changed section:whats-happened of stories/2025/abraham-accords-explained.toml differently; git's line merge decides"),
        "{}",
        stderr(&merged)
    );
    let text = repo.read(STORY);
    assert!(text.contains("<<<<<<< ours\nLeft wording"), "{text}");
    assert!(text.contains("=======\nRight wording"), "{text}");
    assert!(text.contains(">>>>>>> theirs\n"), "{text}");
    let status = stdout(&repo.git(&["status", "--porcelain"]));
    assert!(status.contains(&format!("UU {STORY}")), "{status}");
}

#[test]
fn an_approval_merged_with_an_unapproved_edit_does_not_publish() {
    let repo = newsroom();
    let setup = repo.lede().arg("setup").output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let submit = repo.lede().args(["submit", SLUG]).output().unwrap();
    assert!(submit.status.success(), "{}", stderr(&submit));
    let as_desk = |args: &[&str]| {
        let mut command = repo.lede();
        for role in ["AUTHOR", "COMMITTER"] {
            command
                .env(format!("GIT_{role}_NAME"), "Bo Desk")
                .env(format!("GIT_{role}_EMAIL"), "bo@example.org");
        }
        command.args(args).output().unwrap()
    };
    branches(
        &repo,
        |_| {
            let approve = as_desk(&["approve", SLUG]);
            assert!(approve.status.success(), "{}", stderr(&approve));
        },
        |r| {
            r.write(
                STORY,
                r.read(STORY)
                    .replace("The name refers to Abraham", "The name comes from Abraham"),
            );
            r.git(&["commit", "-qam", "Reword while in review"]);
        },
    );
    let merged = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    let text = repo.read(STORY);
    assert!(text.contains("status = \"approved\""), "{text}");
    assert!(text.contains("The name comes from Abraham"), "{text}");

    let publish = as_desk(&["publish", SLUG]);
    assert!(!publish.status.success(), "{}", stdout(&publish));
    assert!(
        stderr(&publish).contains("was changed after"),
        "{}",
        stderr(&publish)
    );
}

#[test]
fn updated_changed_on_both_sides_takes_the_later_time_without_a_conflict() {
    // Each side edits a different section and stamps `updated`, as every
    // lede edit does: git's line merge conflicts on the `updated` line.
    let repo = newsroom();
    let edit = |updated: &'static str, from: &'static str, to: &'static str| {
        move |r: &TestRepo| {
            let text = r
                .read(STORY)
                .replace(
                    "updated = 2025-11-07T11:15:00Z",
                    &format!("updated = {updated}"),
                )
                .replace(from, to);
            r.write(STORY, text);
            r.git(&["commit", "-qam", to]);
        }
    };
    branches(
        &repo,
        edit(
            "2025-11-09T08:00:00Z",
            "title = \"What's happened\"",
            "title = \"What happened\"",
        ),
        edit(
            "2025-11-08T17:45:00Z",
            "title = \"How we got here\"",
            "title = \"How it came about\"",
        ),
    );
    let plain = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(
        !plain.status.success(),
        "without the driver `updated` conflicts"
    );
    repo.git(&["merge", "--abort"]);

    let setup = repo.lede().arg("setup").output().unwrap();
    assert!(setup.status.success(), "{}", stderr(&setup));
    let merged = repo.try_git(&["merge", "-q", "--no-edit", "right"]);
    assert!(merged.status.success(), "{}", stderr(&merged));
    let text = repo.read(STORY);
    assert!(text.contains("updated = 2025-11-09T08:00:00Z\n"), "{text}");
    assert!(text.contains("title = \"What happened\""), "{text}");
    assert!(text.contains("title = \"How it came about\""), "{text}");
    assert!(!text.contains("<<<<<<<"), "{text}");
    let validate = repo.lede().arg("validate").output().unwrap();
    assert!(validate.status.success(), "{}", stdout(&validate));
}
