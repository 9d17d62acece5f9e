//! The workflow and publishing end to end, with two people (two git
//! configurations) in real repositories: review, approval rules, whole and
//! item publishing, embargoes, corrections, retraction, interrupted and
//! concurrent publishes, pushing, and the history checks of
//! `validate --since`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::common::{self, TestRepo, json, settle, stderr, stdout};

const SLUG: &str = "abraham-accords-explained";
const STORY: &str = "stories/2025/abraham-accords-explained.toml";
const WHO_NEXT_ANSWER: &str =
    "Officials have named several candidates, though none has committed to a date yet.";

/// Two people, each with their own git configuration.
struct Newsroom {
    repo: TestRepo,
    configs: tempfile::TempDir,
}

impl Newsroom {
    fn new() -> Newsroom {
        let repo = TestRepo::committed_sample();
        let configs = tempfile::tempdir().unwrap();
        for (user, name, email) in [
            ("ada", "Ada Reporter", "ada@example.org"),
            ("bo", "Bo Desk", "bo@example.org"),
        ] {
            std::fs::write(
                configs.path().join(user),
                format!("[user]\n\tname = {name}\n\temail = {email}\n"),
            )
            .unwrap();
        }
        Newsroom { repo, configs }
    }

    /// `lede` as `user` (ada wrote the sample; bo is the desk chief).
    fn lede(&self, user: &str) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.process(user, &[]))
    }

    /// The same, as a plain process, to run in the background and kill.
    fn process(&self, user: &str, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lede"));
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(common::test_env(self.repo.root()));
        for variable in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ] {
            command.env_remove(variable);
        }
        command.env("GIT_CONFIG_GLOBAL", self.configs.path().join(user));
        command.env("LEDE_NOW", "2025-11-08T12:00:00Z");
        command.current_dir(self.repo.root()).args(args);
        command
    }

    fn ok(&self, user: &str, args: &[&str]) -> String {
        let output = self.lede(user).args(args).output().unwrap();
        assert!(
            output.status.success(),
            "lede {args:?} as {user} failed: {}{}",
            stdout(&output),
            stderr(&output)
        );
        self.fsck();
        stdout(&output)
    }

    fn refused(&self, user: &str, args: &[&str]) -> String {
        let before = self.state();
        let output = self.lede(user).args(args).output().unwrap();
        assert!(
            !output.status.success(),
            "lede {args:?} should have been refused: {}",
            stdout(&output)
        );
        assert_eq!(self.state(), before, "a refused command changed something");
        stderr(&output)
    }

    fn fsck(&self) {
        self.repo.git(&["fsck", "--strict", "--no-dangling"]);
    }

    /// Every ref and the working story: what a refusal must leave alone.
    fn state(&self) -> String {
        let refs = stdout(
            &self
                .repo
                .git(&["for-each-ref", "--format=%(refname) %(objectname)"]),
        );
        format!("{refs}{}", self.repo.read(STORY))
    }

    fn published(&self, path: &str) -> String {
        stdout(&self.repo.git(&["show", &format!("published:{path}")]))
    }

    /// Ada adds an FAQ entry with lede (one commit).
    fn add_who_next_faq(&self) {
        self.ok(
            "ada",
            &[
                "add",
                "faq",
                SLUG,
                "--id",
                "who-next",
                "--question",
                "Who might join next?",
                "--answer",
                WHO_NEXT_ANSWER,
                "--no-input",
            ],
        );
    }

    fn submit_and_approve(&self) {
        self.ok("ada", &["submit", SLUG, "--note", "Ready for the desk"]);
        self.ok("bo", &["approve", SLUG]);
    }
}

fn field(text: &str, key: &str) -> Option<toml::Value> {
    toml::from_str::<toml::Table>(text)
        .unwrap()
        .get(key)
        .cloned()
}

#[test]
fn the_full_path_from_draft_to_published() {
    let newsroom = Newsroom::new();
    let submitted = newsroom.ok("ada", &["submit", SLUG, "--note", "Ready for the desk"]);
    assert!(submitted.contains("draft → in_review"), "{submitted}");
    newsroom.ok("bo", &["approve", SLUG]);
    let output = newsroom.ok(
        "bo",
        &[
            "publish",
            SLUG,
            "--message",
            "First publication of the explainer.",
        ],
    );
    assert!(
        output.starts_with(&format!("Published {SLUG} revision 1 (the whole story)")),
        "{output}"
    );

    let published = newsroom.published(STORY);
    assert_eq!(
        field(&published, "status").unwrap().as_str(),
        Some("published")
    );
    assert_eq!(field(&published, "revision").unwrap().as_integer(), Some(1));
    assert_eq!(
        field(&published, "published").unwrap().to_string(),
        "2025-11-08T12:00:00Z"
    );
    // The working record says what the published one says.
    assert_eq!(newsroom.repo.read(STORY), published);
    // Only published records are on the published branch.
    let files = stdout(
        &newsroom
            .repo
            .git(&["ls-tree", "-r", "--name-only", "published"]),
    );
    // The story and the topics it refers to, which the site needs.
    let topics = [
        "abraham-accords",
        "donald-trump",
        "israel",
        "kazakhstan",
        "united-states",
    ];
    let expected: String = std::iter::once(STORY.to_owned())
        .chain(topics.iter().map(|id| format!("topics/{id}.toml")))
        .map(|path| path + "\n")
        .collect();
    assert_eq!(files, expected);

    let message = stdout(
        &newsroom
            .repo
            .git(&["log", "-1", "--format=%B", "published"]),
    );
    assert!(
        message.contains("\n\nFirst publication of the explainer.\n\n"),
        "{message}"
    );
    for trailer in [
        format!("Story: {SLUG}"),
        "Revision: 1".to_owned(),
        "Items: all".to_owned(),
        "Approved-by: Bo Desk <bo@example.org>".to_owned(),
    ] {
        assert!(
            message.contains(&trailer),
            "{trailer} missing from {message}"
        );
    }
    let trailers = stdout(&newsroom.repo.git(&[
        "log",
        "-3",
        "--format=%(trailers:key=Transition,valueonly)%(trailers:key=Actor,valueonly)",
        "main",
    ]));
    assert!(
        trailers.contains("in_review -> approved\nBo Desk <bo@example.org>"),
        "{trailers}"
    );

    // Publishing again is a no-op that says so.
    let again = newsroom.ok("bo", &["publish", SLUG]);
    assert_eq!(
        again,
        format!("{SLUG} is already published (revision 1).\n")
    );
    // lede log shows the whole path, with the publish from the published branch.
    let log = json(
        &newsroom
            .lede("bo")
            .args(["log", SLUG, "--format", "json"])
            .output()
            .unwrap(),
    );
    let events: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        events.contains(&"published") && events.contains(&"status"),
        "{events:?}"
    );
}

#[test]
fn illegal_moves_are_refused_with_the_legal_ones_named() {
    let newsroom = Newsroom::new();
    let error = newsroom.refused("bo", &["approve", SLUG]);
    assert!(
        error.contains(
            "cannot go from draft to approved; from draft it can go to: in_review (lede submit)"
        ),
        "{error}"
    );
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(error.contains("is draft, not approved"), "{error}");
    newsroom.ok("ada", &["submit", SLUG]);
    let error = newsroom.refused("ada", &["submit", SLUG]);
    assert!(
        error.contains("from in_review it can go to: approved (lede approve), draft (lede reject)"),
        "{error}"
    );
    let error = newsroom.refused("bo", &["reject", SLUG, "--note", " "]);
    assert!(error.contains("needs a note"), "{error}");
    newsroom.ok("bo", &["reject", SLUG, "--note", "Needs a second source."]);
    let message = stdout(&newsroom.repo.git(&["log", "-1", "--format=%B"]));
    assert!(
        message.contains("Needs a second source.")
            && message.contains("Transition: in_review -> draft"),
        "{message}"
    );
}

#[test]
fn self_approval_is_refused_under_distinct_reviewer() {
    let newsroom = Newsroom::new();
    newsroom.ok("ada", &["submit", SLUG]);
    let error = newsroom.refused("ada", &["approve", SLUG]);
    assert!(
        error.contains("Ada Reporter <ada@example.org> changed this story's content"),
        "{error}"
    );

    // An approval made behind lede's back (plain git) is caught at publish.
    let text = newsroom
        .repo
        .read(STORY)
        .replace("status = \"in_review\"", "status = \"approved\"");
    newsroom.repo.write(STORY, text);
    newsroom.repo.git(&[
        "commit",
        "-qam",
        "approve\n\nLede-Action: approve\nStory: abraham-accords-explained",
    ]);
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(
        error.contains("approved abraham-accords-explained but also changed its content"),
        "{error}"
    );

    // Without the rule, the author may approve.
    let config = format!(
        "{}\n[workflow]\ndistinct_reviewer = false\n",
        common::SAMPLE_CONFIG
    );
    newsroom.repo.write("lede.toml", config);
    newsroom
        .repo
        .git(&["commit", "-qam", "Small newsroom: one person may approve"]);
    newsroom.ok("ada", &["publish", SLUG]);
}

#[test]
fn an_edit_after_approval_voids_it() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    // An edit made with plain git that keeps the approved status.
    let text = newsroom.repo.read(STORY).replacen("Bahrain", "Bahrein", 1);
    newsroom.repo.write(STORY, text);
    newsroom.repo.git(&["commit", "-qam", "Spelling"]);
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(
        error.contains("was changed after Bo Desk <bo@example.org> approved it"),
        "{error}"
    );
    // An uncommitted edit is refused too.
    newsroom.repo.write(
        STORY,
        newsroom.repo.read(STORY).replacen("Bahrein", "Bahrain", 1),
    );
    let output = newsroom
        .lede("bo")
        .args(["publish", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has changes that are not committed"),
        "{}",
        stderr(&output)
    );
    newsroom.repo.git(&["checkout", "--", STORY]);

    // An edit through lede sends the story back to draft.
    newsroom.add_who_next_faq();
    assert_eq!(
        field(&newsroom.repo.read(STORY), "status")
            .unwrap()
            .as_str(),
        Some("draft")
    );
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(error.contains("is draft, not approved"), "{error}");
}

#[test]
fn only_publishes_exactly_the_named_faq_entry() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);
    let before = newsroom.published(STORY);

    // Two edits: a reworded section and a new FAQ entry; only the entry goes.
    newsroom.add_who_next_faq();
    let edited = newsroom
        .repo
        .read(STORY)
        .replacen("Bahrain", "the Kingdom of Bahrain", 1);
    newsroom.repo.write(STORY, edited);
    newsroom
        .repo
        .git(&["commit", "-qam", "Name Bahrain in full"]);
    newsroom.submit_and_approve();
    let dry = newsroom.ok(
        "bo",
        &["publish", SLUG, "--only", "faq:who-next", "--dry-run"],
    );
    assert!(
        dry.contains("Would publish abraham-accords-explained as revision 2 (faq:who-next)"),
        "{dry}"
    );
    assert!(
        dry.contains("FAQ who-next: {+added+}") && !dry.contains("Kingdom"),
        "{dry}"
    );

    newsroom.ok("bo", &["publish", SLUG, "--only", "faq:who-next"]);
    let after = newsroom.published(STORY);
    // Byte for byte: the old published record, plus the entry, plus the
    // fields publishing maintains.
    let entry = "[[faq]]\nid = \"who-next\"\nquestion = \"Who might join next?\"\nanswer = \"Officials have named several candidates, though none has committed to a date yet.\"\n";
    let expected =
        format!("{}\n\n{entry}", before.trim_end()).replace("revision = 1", "revision = 2");
    assert_eq!(after, expected);
    assert!(!after.contains("Kingdom of Bahrain"));
    // The rest waits, still approved, and can go later.
    let working = newsroom.repo.read(STORY);
    assert_eq!(
        field(&working, "status").unwrap().as_str(),
        Some("approved")
    );
    assert_eq!(field(&working, "revision").unwrap().as_integer(), Some(2));
    let status = newsroom.ok("bo", &["status"]);
    assert!(
        status.contains("Published, with changes the public has not seen"),
        "{status}"
    );
    let error = newsroom.refused("bo", &["publish", SLUG, "--only", "faq:no-such-entry"]);
    assert!(
        error
            .contains("there is no faq:no-such-entry in the working story or in the published one"),
        "{error}"
    );
    newsroom.ok("bo", &["publish", SLUG]);
    assert!(newsroom.published(STORY).contains("Kingdom of Bahrain"));
    assert_eq!(
        field(&newsroom.repo.read(STORY), "status")
            .unwrap()
            .as_str(),
        Some("published")
    );
}

#[test]
fn corrections_are_appended_and_published_like_any_edit() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);
    newsroom.ok(
        "ada",
        &[
            "correct",
            SLUG,
            "--note",
            "An earlier version gave the wrong year for the first agreements.",
        ],
    );
    let working = newsroom.repo.read(STORY);
    assert_eq!(field(&working, "status").unwrap().as_str(), Some("draft"));
    assert!(working.ends_with("[[corrections]]\nat = 2025-11-08T12:00:00Z\nnote = \"An earlier version gave the wrong year for the first agreements.\"\n"), "{working}");
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);
    assert!(newsroom.published(STORY).contains("the wrong year"));

    // Rewriting it with plain git is caught by validate --since.
    let base = stdout(&newsroom.repo.git(&["rev-parse", "HEAD"]))
        .trim()
        .to_owned();
    let rewritten = newsroom
        .repo
        .read(STORY)
        .replace("the wrong year", "a wrong year")
        .replace("status = \"published\"", "status = \"draft\"");
    newsroom.repo.write(STORY, rewritten);
    newsroom
        .repo
        .git(&["commit", "-qam", "Soften the correction"]);
    let output = newsroom
        .lede("bo")
        .args(["validate", "--since", &base, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(common::codes(&json(&output)), ["L072"]);
}

const RETRACTION_REASON: &str = "The central claim could not be verified.";

/// The message of the commit at `rev`.
fn message(newsroom: &Newsroom, rev: &str) -> String {
    stdout(&newsroom.repo.git(&["log", "-1", "--format=%B", rev]))
}

#[test]
fn retraction_takes_two_people_and_leaves_a_tombstone() {
    let newsroom = Newsroom::new();
    let error = newsroom.refused("bo", &["retract", SLUG, "--reason", RETRACTION_REASON]);
    assert!(error.contains("was never published"), "{error}");
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);

    for reason in ["x", "Legal reasons", "Not verified."] {
        let error = newsroom.refused("ada", &["retract", SLUG, "--reason", reason]);
        assert!(error.contains("is not a full sentence"), "{error}");
    }
    let error = newsroom.refused("ada", &["retract", SLUG]);
    assert!(error.contains("a retraction needs a reason"), "{error}");

    // Ada asks: an empty commit on her branch, nothing public changes.
    let published_before = newsroom.published(STORY);
    let asked = newsroom.ok("ada", &["retract", SLUG, "--reason", RETRACTION_REASON]);
    assert!(asked.contains("Asked for the retraction"), "{asked}");
    assert_eq!(newsroom.published(STORY), published_before);
    assert_eq!(
        field(&newsroom.repo.read(STORY), "status")
            .unwrap()
            .as_str(),
        Some("published")
    );
    let request = message(&newsroom, "HEAD");
    assert!(
        request.contains("Lede-Action: retract-request"),
        "{request}"
    );
    assert!(
        request.contains(&format!("Reason: {RETRACTION_REASON}")),
        "{request}"
    );
    assert_eq!(
        stdout(&newsroom.repo.git(&["diff", "--stat", "HEAD~1", "HEAD"])),
        "",
        "a request changes no file"
    );
    assert_eq!(stdout(&newsroom.repo.git(&["status", "--porcelain"])), "");

    let error = newsroom.refused("ada", &["retract", SLUG]);
    assert!(
        error.contains("you asked for this retraction yourself"),
        "{error}"
    );
    let error = newsroom.refused(
        "bo",
        &[
            "retract",
            SLUG,
            "--reason",
            "Something else entirely happened here.",
        ],
    );
    assert!(
        error.contains("asked for this retraction with another reason"),
        "{error}"
    );
    // Off a terminal, a retraction is confirmed with --yes.
    let error = newsroom.refused("bo", &["retract", SLUG]);
    assert!(error.contains("confirmed on a terminal"), "{error}");

    // The dry run shows the notice and changes nothing.
    let before = newsroom.state();
    let preview = newsroom.ok("bo", &["retract", SLUG, "--dry-run"]);
    assert!(
        preview.contains("Would carry out the retraction Ada Reporter <ada@example.org> asked for"),
        "{preview}"
    );
    assert!(
        preview.contains(&format!("reason = \"{RETRACTION_REASON}\"")),
        "{preview}"
    );
    assert!(
        preview.contains("Nothing was changed (dry run)."),
        "{preview}"
    );
    assert_eq!(newsroom.state(), before);

    newsroom.ok("bo", &["retract", SLUG, "--yes"]);
    let tombstone = newsroom.published(STORY);
    assert_eq!(
        field(&tombstone, "status").unwrap().as_str(),
        Some("retracted")
    );
    assert_eq!(
        field(&tombstone, "reason").unwrap().as_str(),
        Some(RETRACTION_REASON)
    );
    assert_eq!(field(&tombstone, "revision").unwrap().as_integer(), Some(2));
    assert!(
        field(&tombstone, "sections").is_none(),
        "the story's text is gone from the public side"
    );
    for rev in ["published", "HEAD"] {
        let carried_out = message(&newsroom, rev);
        assert!(
            carried_out.contains("Requested-by: Ada Reporter <ada@example.org>")
                && carried_out.contains("Actor: Bo Desk <bo@example.org>"),
            "{carried_out}"
        );
    }
    assert_eq!(
        field(&newsroom.repo.read(STORY), "status")
            .unwrap()
            .as_str(),
        Some("retracted")
    );
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(error.contains("is retracted"), "{error}");
    assert_eq!(
        newsroom.ok("bo", &["retract", SLUG]),
        format!("{SLUG} is already retracted.\n")
    );
}

/// Adds `editors = [...]` to lede.toml and commits it.
fn name_editors(newsroom: &Newsroom, editors: &str) {
    let config = newsroom.repo.read("lede.toml");
    newsroom.repo.write(
        "lede.toml",
        format!("{config}\n[workflow]\neditors = [{editors}]\n"),
    );
    newsroom.repo.git(&["commit", "-qam", "Name the editors"]);
}

#[test]
fn an_editor_retracts_alone_and_a_dry_run_fetches_and_changes_nothing() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);
    name_editors(&newsroom, "\"Bo Desk <BO@example.org>\"");

    let before = newsroom.state();
    let preview = newsroom.ok(
        "bo",
        &["retract", SLUG, "--reason", RETRACTION_REASON, "--dry-run"],
    );
    assert!(preview.contains("Would replace stories/"), "{preview}");
    assert!(preview.contains("status = \"retracted\""), "{preview}");
    assert_eq!(newsroom.state(), before);

    newsroom.ok(
        "bo",
        &["retract", SLUG, "--reason", RETRACTION_REASON, "--yes"],
    );
    let tombstone = newsroom.published(STORY);
    assert_eq!(
        field(&tombstone, "reason").unwrap().as_str(),
        Some(RETRACTION_REASON)
    );
    assert!(!message(&newsroom, "published").contains("Requested-by"));
}

#[test]
fn a_retraction_is_confirmed_on_a_terminal_and_no_is_the_default() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);
    name_editors(&newsroom, "\"bo@example.org\"");
    let as_bo = [
        ("GIT_CONFIG_GLOBAL", newsroom.configs.path().join("bo")),
        ("GIT_AUTHOR_NAME", "Bo Desk".into()),
        ("GIT_AUTHOR_EMAIL", "bo@example.org".into()),
        ("GIT_COMMITTER_NAME", "Bo Desk".into()),
        ("GIT_COMMITTER_EMAIL", "bo@example.org".into()),
        ("LEDE_NOW", "2025-11-08T12:00:00Z".into()),
        ("PATH", std::env::var_os("PATH").unwrap_or_default().into()),
    ];
    let env: Vec<(&str, &std::path::Path)> = as_bo
        .iter()
        .map(|(name, value)| (*name, value.as_path()))
        .collect();
    let args = ["retract", SLUG, "--reason", RETRACTION_REASON];

    let before = newsroom.state();
    let mut session = newsroom.repo.lede_in_terminal(&args, &env);
    session
        .exp_string("readers see in place of the story")
        .unwrap();
    session
        .exp_string(&format!("reason = \"{RETRACTION_REASON}\""))
        .unwrap();
    session.exp_string("[y/N]").unwrap();
    settle();
    session.send("\r").unwrap();
    session.flush().unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("cancelled; nothing was retracted"), "{rest}");
    assert_eq!(newsroom.state(), before);

    let mut session = newsroom.repo.lede_in_terminal(&args, &env);
    session.exp_string("[y/N]").unwrap();
    settle();
    session.send("y").unwrap();
    session.flush().unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Retracted"), "{rest}");
    assert_eq!(
        field(&newsroom.published(STORY), "status")
            .unwrap()
            .as_str(),
        Some("retracted")
    );
    newsroom.fsck();
}

#[test]
fn scheduled_stories_go_out_when_due() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    let error = newsroom.refused("bo", &["schedule", SLUG, "--at", "tomorrow"]);
    assert!(error.contains("not an RFC 3339 date-time"), "{error}");
    newsroom.ok("bo", &["schedule", SLUG, "--at", "2025-11-09T06:00:00Z"]);
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(
        error.contains("embargoed until 2025-11-09T06:00:00Z"),
        "{error}"
    );

    let early = newsroom
        .lede("bo")
        .env("LEDE_NOW", "2025-11-09T05:59:59Z")
        .args(["publish", "--due", "--format", "json"])
        .output()
        .unwrap();
    assert!(early.status.success(), "{}", stderr(&early));
    assert_eq!(json(&early)["stories"], serde_json::json!([]));
    let status = json(
        &newsroom
            .lede("bo")
            .env("LEDE_NOW", "2025-11-09T05:59:59Z")
            .args(["status", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(status["scheduled"][0]["slug"], SLUG);
    assert_eq!(status["scheduled"][0]["since"], "2025-11-09T06:00:00Z");

    let due = newsroom
        .lede("bo")
        .env("LEDE_NOW", "2025-11-09T06:00:00Z")
        .args(["publish", "--due", "--format", "json"])
        .output()
        .unwrap();
    assert!(due.status.success(), "{}", stderr(&due));
    let report = json(&due);
    assert_eq!(report["stories"][0]["slug"], SLUG);
    assert_eq!(report["stories"][0]["result"], "published");
    newsroom.fsck();
    assert_eq!(
        field(&newsroom.published(STORY), "embargo")
            .unwrap()
            .to_string(),
        "2025-11-09T06:00:00Z"
    );
}

#[test]
fn status_shows_the_newsroom_at_a_glance() {
    let newsroom = Newsroom::new();
    newsroom.ok("ada", &["submit", SLUG]);
    let text = newsroom.ok("bo", &["status"]);
    assert!(text.starts_with("2 stories\n"), "{text}");
    assert!(text.contains("Waiting for review:\n  abraham-accords-explained  [world]  What are the Abraham Accords?  (submitted 2025-11-07T09:30:00Z)"), "{text}");
    let report = json(
        &newsroom
            .lede("bo")
            .args(["status", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(report["by_state"]["in_review"]["world"], 1);
    assert_eq!(report["by_state"]["published"]["world"], 1);
}

#[test]
fn validate_since_checks_the_workflow_of_a_pull_request() {
    let newsroom = Newsroom::new();
    let base = stdout(&newsroom.repo.git(&["rev-parse", "HEAD"]))
        .trim()
        .to_owned();
    // A story jumped from draft to published with plain git.
    newsroom.repo.write(
        STORY,
        newsroom
            .repo
            .read(STORY)
            .replace("status = \"draft\"", "status = \"published\""),
    );
    newsroom.repo.git(&["commit", "-qam", "Publish it myself"]);
    // A published story edited in place.
    let other = "stories/2025/kazakhstan-joins-abraham-accords.toml";
    newsroom.repo.write(
        other,
        newsroom
            .repo
            .read(other)
            .replacen("Kazakhstan", "Qazaqstan", 1),
    );
    newsroom.repo.git(&["commit", "-qam", "Spelling"]);
    let output = newsroom
        .lede("bo")
        .args(["validate", "--since", &base])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("error[L070]: commit")
            && text.contains("(Publish it myself) moves the story from draft to published"),
        "{text}"
    );
    assert!(
        text.contains("error[L071]: commit")
            && text.contains("(Spelling) changes the published story and keeps it published"),
        "{text}"
    );
    // The path lede itself takes is legal.
    let clean = Newsroom::new();
    let base = stdout(&clean.repo.git(&["rev-parse", "HEAD"]))
        .trim()
        .to_owned();
    clean.submit_and_approve();
    clean.ok("bo", &["publish", SLUG]);
    clean.ok(
        "ada",
        &[
            "correct",
            SLUG,
            "--note",
            "An earlier version misnamed the first signatories.",
        ],
    );
    clean.ok("bo", &["validate", "--since", &base]);
}

#[test]
fn push_sends_both_branches_to_a_remote() {
    let newsroom = Newsroom::new();
    let remote = tempfile::tempdir().unwrap();
    newsroom
        .repo
        .git(&["init", "-q", "--bare", remote.path().to_str().unwrap()]);
    newsroom
        .repo
        .git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG, "--push"]);
    let remote_refs = std::process::Command::new("git")
        .args([
            "--git-dir",
            remote.path().to_str().unwrap(),
            "for-each-ref",
            "--format=%(refname) %(objectname)",
        ])
        .output()
        .unwrap();
    let remote_refs = String::from_utf8(remote_refs.stdout).unwrap();
    let local = |name: &str| {
        stdout(&newsroom.repo.git(&["rev-parse", name]))
            .trim()
            .to_owned()
    };
    assert!(
        remote_refs.contains(&format!("refs/heads/published {}", local("published"))),
        "{remote_refs}"
    );
    assert!(
        remote_refs.contains(&format!("refs/heads/main {}", local("main"))),
        "{remote_refs}"
    );
}

/// After a publish is killed, the repository is consistent and the same
/// command completes it.
fn assert_recovers(newsroom: &Newsroom) {
    newsroom.fsck();
    for path in [STORY, "stories/2025/kazakhstan-joins-abraham-accords.toml"] {
        toml::from_str::<toml::Table>(&newsroom.repo.read(path)).expect("every record parses");
    }
    // Git's own lock files may be left behind by the killed process; the
    // rerun must clear them (the repository lock died with the process).
    let output = newsroom
        .lede("bo")
        .args(["publish", SLUG])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the rerun failed: {}{}",
        stdout(&output),
        stderr(&output)
    );
    newsroom.fsck();
    let published = newsroom.published(STORY);
    assert_eq!(field(&published, "revision").unwrap().as_integer(), Some(1));
    assert_eq!(
        newsroom.repo.read(STORY),
        published,
        "working and published agree"
    );
    // Exactly one publish commit on each branch, and a clean working tree.
    assert_eq!(
        stdout(&newsroom.repo.git(&["rev-list", "--count", "published"])).trim(),
        "1"
    );
    let subjects = stdout(&newsroom.repo.git(&["log", "--format=%s", "main"]));
    assert_eq!(subjects.matches("publish: ").count(), 1, "{subjects}");
    assert_eq!(stdout(&newsroom.repo.git(&["status", "--porcelain"])), "");
    assert!(!newsroom.repo.path(".git/index.lock").exists());
}

#[test]
fn a_publish_killed_at_each_step_completes_when_run_again() {
    for point in ["planned", "published-branch", "working-written"] {
        for split in [false, true] {
            killed_at(point, split);
        }
    }
}

/// The sample story submitted and approved, in a clone whose index is split
/// (as `lede setup` makes it in a large archive) or not.
fn approved_newsroom(split: bool) -> Newsroom {
    let newsroom = Newsroom::new();
    if split {
        newsroom.repo.split_index();
    }
    newsroom.submit_and_approve();
    newsroom
}

/// Kills a publish paused at `point` (in a clone with a split index, or not)
/// and checks that the repository recovers.
fn killed_at(point: &str, split: bool) {
    let newsroom = approved_newsroom(split);
    let mut command = newsroom.process("bo", &["publish", SLUG]);
    let mut child = command
        .env("LEDE_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line, format!("lede: paused at {point}\n"));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert_recovers(&newsroom);
}

#[test]
fn a_publish_killed_at_arbitrary_moments_completes_when_run_again() {
    // Thirty moments from process start to well after a publish ends here,
    // with git's index as git writes it by default, and split (which lede
    // writes itself).
    for (delay_ms, split) in (0u64..30)
        .map(|step| step * 3)
        .flat_map(|delay| [(delay, false), (delay, true)])
    {
        let newsroom = approved_newsroom(split);
        let mut command = newsroom.process("bo", &["publish", SLUG]);
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();
        assert_recovers(&newsroom);
    }
}

#[test]
fn two_publishes_at_once_both_land_or_one_is_refused_cleanly() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    let other = "kazakhstan-joins-abraham-accords";
    // The sample's other story: back to draft, through review.
    let path = "stories/2025/kazakhstan-joins-abraham-accords.toml";
    newsroom.repo.write(
        path,
        newsroom
            .repo
            .read(path)
            .replace("status = \"published\"", "status = \"draft\""),
    );
    newsroom.repo.git(&["commit", "-qam", "Reopen"]);
    newsroom.ok("ada", &["submit", other]);
    newsroom.ok("bo", &["approve", other]);

    let spawn = |slug: &str| {
        let mut command = newsroom.process("bo", &["publish", slug]);
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn(SLUG);
    let second = spawn(other);
    let results = [
        first.wait_with_output().unwrap(),
        second.wait_with_output().unwrap(),
    ];
    newsroom.fsck();
    let landed: Vec<bool> = results
        .iter()
        .map(|output| output.status.success())
        .collect();
    for output in results.iter().filter(|output| !output.status.success()) {
        assert!(
            stderr(output).contains("another lede command"),
            "{}",
            stderr(output)
        );
    }
    // Whatever landed is on both branches; retrying the refused one lands it.
    for (slug, landed) in [(SLUG, landed[0]), (other, landed[1])] {
        if !landed {
            newsroom.ok("bo", &["publish", slug]);
        }
    }
    let files =
        stdout(
            &newsroom
                .repo
                .git(&["ls-tree", "-r", "--name-only", "published", "stories/"]),
        );
    assert_eq!(files.lines().count(), 2, "{files}");
    assert_eq!(stdout(&newsroom.repo.git(&["status", "--porcelain"])), "");
}

#[test]
fn without_required_approval_a_draft_is_published_directly() {
    let newsroom = Newsroom::new();
    let config = format!(
        "{}\n[workflow]\nrequire_approval = false\n",
        common::SAMPLE_CONFIG
    );
    newsroom.repo.write("lede.toml", config);
    newsroom.repo.git(&["commit", "-qam", "No approval needed"]);
    newsroom.ok("ada", &["publish", SLUG]);
    let message = stdout(
        &newsroom
            .repo
            .git(&["log", "-1", "--format=%B", "published"]),
    );
    assert!(
        message.contains("Approved-by: (approval not required)"),
        "{message}"
    );
}

#[test]
fn require_signed_refuses_an_unsigned_approval() {
    let newsroom = Newsroom::new();
    let config = format!(
        "{}\n[workflow]\nrequire_signed = true\n",
        common::SAMPLE_CONFIG
    );
    newsroom.repo.write("lede.toml", config);
    newsroom
        .repo
        .git(&["commit", "-qam", "Approvals must be signed"]);
    newsroom.submit_and_approve();
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(
        error.contains("is not signed with a key git trusts, and lede.toml sets require_signed"),
        "{error}"
    );
}

/// The file's entry in git's index is HEAD's version of it, and git sees
/// nothing to commit.
fn assert_index_current(repo: &TestRepo) {
    let staged = stdout(&repo.git(&["rev-parse", &format!(":{STORY}")]));
    let committed = stdout(&repo.git(&["rev-parse", &format!("HEAD:{STORY}")]));
    assert_eq!(staged, committed, "the index lags behind HEAD");
    let status = stdout(&repo.git(&["status", "--porcelain", "--untracked-files=no"]));
    assert_eq!(status, "", "git status after lede");
}

#[test]
fn a_split_index_is_kept_current() {
    // lede writes the small file of a split index itself (libgit2 cannot
    // read a split index at all), keeping git's shared index as it is.
    let newsroom = Newsroom::new();
    newsroom.repo.split_index();
    let shared = || {
        let mut names: Vec<String> = std::fs::read_dir(newsroom.repo.path(".git"))
            .unwrap()
            .flatten()
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("sharedindex."))
            .collect();
        names.sort();
        names
    };
    let shared_before = shared();
    assert_eq!(shared_before.len(), 1);
    newsroom.submit_and_approve();
    assert_index_current(&newsroom.repo);
    // Without the git program the index is still written: by lede alone.
    without_git(&newsroom, "bo", &["publish", SLUG]);
    assert_index_current(&newsroom.repo);
    assert_eq!(shared(), shared_before, "the shared index is the same file");
    newsroom.fsck();
    let debug = stdout(&newsroom.repo.git(&["ls-files", "--debug", STORY]));
    assert!(
        !debug.contains("size: 0\t"),
        "the entry is not smudged:\n{debug}"
    );
    // git goes on from the index lede wrote.
    newsroom.repo.git(&["update-index", "--refresh"]);
    assert_index_current(&newsroom.repo);
}

#[test]
fn without_the_git_program_the_index_is_still_kept() {
    let newsroom = Newsroom::new();
    without_git(&newsroom, "ada", &["submit", SLUG]);
    newsroom.fsck();
    assert_index_current(&newsroom.repo);
}

/// Runs lede as `who` with no git program on `PATH`; it must succeed.
fn without_git(newsroom: &Newsroom, who: &str, args: &[&str]) {
    let no_git = tempfile::tempdir().unwrap();
    let output = newsroom
        .lede(who)
        .env("PATH", no_git.path())
        .args(args)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn an_index_that_cannot_be_updated_is_reported_with_the_commit() {
    let newsroom = Newsroom::new();
    // A git that commits but cannot write the index.
    let fake = tempfile::tempdir().unwrap();
    let real_git = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|dir| dir.join("git"))
        .find(|candidate| candidate.is_file())
        .unwrap();
    let script = fake.path().join("git");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncase \" $* \" in *\" update-index \"*) echo 'fatal: simulated failure' >&2; exit 128;; esac\nexec '{}' \"$@\"\n",
            real_git.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = stdout(&newsroom.repo.git(&["rev-parse", "HEAD"]));

    let output = newsroom
        .lede("ada")
        .env("PATH", fake.path())
        .args(["submit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let error = stderr(&output);
    assert!(
        error.contains(
            "but git's index could not be updated to match: git: fatal: simulated failure"
        ),
        "{error}"
    );
    assert!(
        error.contains(&format!("`git reset -q -- {STORY}`")),
        "{error}"
    );
    assert!(!error.contains("nothing was changed"), "{error}");
    let after = stdout(&newsroom.repo.git(&["rev-parse", "HEAD"]));
    assert_ne!(before, after, "the commit was made");
    assert!(
        error.contains(&format!("committed {}", after.trim())),
        "{error}"
    );
    assert!(newsroom.repo.read(STORY).contains("status = \"in_review\""));

    // The remedy it names brings the index in line.
    newsroom.repo.git(&["reset", "-q", "--", STORY]);
    assert_index_current(&newsroom.repo);
    newsroom.fsck();
}

#[test]
fn several_stories_are_published_together_or_not_at_all() {
    const OTHER: &str = "kazakhstan-joins-abraham-accords";
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    // The other story is not approved: neither goes out.
    let error = newsroom.refused("bo", &["publish", SLUG, OTHER]);
    assert!(error.contains(OTHER), "{error}");
    assert!(
        newsroom
            .repo
            .git(&["branch", "--list", "published"])
            .stdout
            .is_empty(),
        "no published branch yet"
    );

    // An edit sends it back to draft; then it goes through review.
    newsroom.ok(
        "ada",
        &[
            "edit",
            OTHER,
            "--headline",
            "Kazakhstan joins the Abraham Accords",
        ],
    );
    newsroom.ok("ada", &["submit", OTHER]);
    newsroom.ok("bo", &["approve", OTHER]);
    let out = newsroom.ok("bo", &["publish", SLUG, OTHER]);
    assert!(
        out.contains(&format!("Published {SLUG} revision 1")),
        "{out}"
    );
    assert!(
        out.contains(&format!("Published {OTHER} revision 1")),
        "{out}"
    );
    assert_eq!(
        stdout(&newsroom.repo.git(&["rev-list", "--count", "published"])).trim(),
        "2"
    );
    let subjects = stdout(&newsroom.repo.git(&["log", "--format=%s", "-2"]));
    assert_eq!(
        subjects,
        format!("publish: {OTHER} (revision 1)\npublish: {SLUG} (revision 1)\n")
    );
    assert_index_current(&newsroom.repo);
    let other = newsroom
        .repo
        .read("stories/2025/kazakhstan-joins-abraham-accords.toml");
    assert_eq!(
        other,
        newsroom.published("stories/2025/kazakhstan-joins-abraham-accords.toml")
    );
}

#[test]
fn a_workflow_step_refuses_a_story_with_uncommitted_changes() {
    let newsroom = Newsroom::new();
    newsroom.repo.write(
        STORY,
        newsroom
            .repo
            .read(STORY)
            .replacen("status = \"draft\"", "status = \"draft\" # edited", 1),
    );
    let error = newsroom.refused("ada", &["submit", SLUG]);
    assert!(
        error.contains(&format!("{STORY} has changes that are not committed")),
        "{error}"
    );
    // Committed, the same text goes through.
    newsroom.repo.git(&["commit", "-qam", "Comment the status"]);
    newsroom.ok("ada", &["submit", SLUG]);
}

#[test]
fn the_published_branch_is_written_only_by_publish_and_never_under_a_working_tree() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    newsroom.ok("bo", &["publish", SLUG]);

    // On `published` itself, no command commits, and `lede edit` refuses
    // before the editor opens.
    newsroom.repo.git(&["switch", "-q", "published"]);
    let error = newsroom.refused(
        "ada",
        &["correct", SLUG, "--note", "An earlier version erred."],
    );
    assert!(
        error.contains("this working tree is on `published`, the public side"),
        "{error}"
    );
    let marker = newsroom.repo.root().join(".git/editor-ran");
    let editor = newsroom.repo.root().join(".git/fake-editor");
    std::fs::write(
        &editor,
        format!("#!/bin/sh\ntouch '{}'\n", marker.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let output = newsroom
        .lede("ada")
        .env("EDITOR", &editor)
        .args(["edit", SLUG])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(!marker.exists(), "the editor was not opened");
    newsroom.repo.git(&["switch", "-q", "main"]);

    // Checked out in a linked worktree, the branch is not moved under it.
    newsroom.ok(
        "ada",
        &[
            "correct",
            SLUG,
            "--note",
            "An earlier version gave the wrong date.",
        ],
    );
    newsroom.submit_and_approve();
    let linked = tempfile::tempdir().unwrap();
    let place = linked.path().join("public");
    newsroom.repo.git(&[
        "worktree",
        "add",
        "-q",
        place.to_str().unwrap(),
        "published",
    ]);
    let error = newsroom.refused("bo", &["publish", SLUG]);
    assert!(
        error.contains("`published` is checked out in") && error.contains("public"),
        "{error}"
    );
    newsroom
        .repo
        .git(&["worktree", "remove", place.to_str().unwrap()]);
    newsroom.ok("bo", &["publish", SLUG]);
    assert!(newsroom.published(STORY).contains("the wrong date"));
}

#[test]
fn topics_go_public_as_committed_never_as_the_working_tree_has_them() {
    let newsroom = Newsroom::new();
    newsroom.submit_and_approve();
    let topic = "topics/israel.toml";
    let committed = newsroom.repo.read(topic);
    newsroom
        .repo
        .write(topic, format!("{committed}# an unreviewed note\n"));
    newsroom.ok("bo", &["publish", SLUG]);
    assert_eq!(newsroom.published(topic), committed);
    // The edit is still there, uncommitted, for its author.
    assert!(
        newsroom
            .repo
            .read(topic)
            .ends_with("# an unreviewed note\n")
    );
}
