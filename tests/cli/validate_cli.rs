//! End-to-end tests of `lede validate`: the real binary on temporary
//! repositories. Rules in detail are covered by the fixture tests
//! (tests/cli/fixtures.rs); these cover what only the binary shows: exit
//! statuses, formats, colour, discovery, configuration and bad input.

use crate::common::{
    self, SAMPLE_STORY, TestRepo, codes, json, project_root, stderr, stdout, transcript,
};

const STORY: &str = "stories/2025/kazakhstan-joins-abraham-accords.toml";

#[test]
fn the_sample_newsroom_validates_clean() {
    let output = common::lede_command(&project_root())
        .arg("-C")
        .arg(project_root())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(stdout(&output), "");
    assert!(
        stderr(&output).contains("no problems"),
        "{}",
        stderr(&output)
    );
}

/// A story with three defects on known lines.
fn three_defects() -> TestRepo {
    let repo = TestRepo::sample();
    let story = SAMPLE_STORY
        .replace("status = \"published\"", "status = \"pubished\"")
        .replace("\"israel\"", "\"isreal\"")
        .replacen(
            "[sections.how-we-got-here]",
            "[sections.how-we-got-here]\ncolour = \"red\"",
            1,
        );
    repo.write(STORY, story);
    repo
}

#[test]
fn human_format() {
    let repo = three_defects();
    let output = repo.lede().args(["validate"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("human", transcript(&output));
}

#[test]
fn json_format() {
    let repo = three_defects();
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "", "machine formats print no summary");
    insta::assert_snapshot!("json", stdout(&output));
    let report = json(&output);
    assert_eq!(codes(&report), ["L023", "L043", "L020"]);
    assert_eq!(report["summary"]["errors"], 3);
}

#[test]
fn github_format() {
    let repo = three_defects();
    let output = repo
        .lede()
        .args(["validate", "--format", "github"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("github", stdout(&output));
    for line in stdout(&output).lines() {
        assert!(line.starts_with("::error file=stories/2025/"), "{line}");
    }
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let repo = three_defects();
    let coloured = repo
        .lede()
        .args(["validate", "--color", "always"])
        .output()
        .unwrap();
    assert!(stdout(&coloured).contains("\u{1b}["));
    let plain = repo
        .lede()
        .args(["validate", "--color", "never"])
        .output()
        .unwrap();
    assert!(!stdout(&plain).contains("\u{1b}["));
    // Not a terminal: `auto` never colours, with or without NO_COLOR.
    let auto = repo
        .lede()
        .env("NO_COLOR", "1")
        .arg("validate")
        .output()
        .unwrap();
    assert!(!stdout(&auto).contains("\u{1b}["));
}

#[test]
fn quiet_drops_the_summary_and_piped_runs_show_no_progress() {
    let repo = three_defects();
    let output = repo.lede().args(["-q", "validate"]).output().unwrap();
    assert_eq!(stderr(&output), "");
    let output = repo.lede().arg("validate").output().unwrap();
    assert!(!stderr(&output).contains("validating"));
}

#[test]
fn warnings_fail_only_when_denied() {
    let repo = TestRepo::sample();
    let story = SAMPLE_STORY.lines().skip(1).collect::<Vec<_>>().join("\n");
    repo.write(STORY, story);
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(codes(&json(&output)), ["L060"]);
    let denied = repo
        .lede()
        .args(["validate", "--deny-warnings"])
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1));
    repo.write("lede.toml", "[validate]\ndeny_warnings = true\n");
    let configured = repo.lede().arg("validate").output().unwrap();
    assert_eq!(configured.status.code(), Some(1));
    repo.write("lede.toml", "[validate.levels]\nL060 = \"allow\"\n");
    let allowed = repo
        .lede()
        .args(["validate", "--deny-warnings"])
        .output()
        .unwrap();
    assert_eq!(allowed.status.code(), Some(0), "{}", transcript(&allowed));
    assert_eq!(stdout(&allowed), "");
}

#[test]
fn levels_can_demote_an_error() {
    let repo = three_defects();
    repo.write(
        "lede.toml",
        "[newsroom]\ndesks = [\"world\"]\n[validate.levels]\nL043 = \"warning\"\nL020 = \"allow\"\nL023 = \"warning\"\n",
    );
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let report = json(&output);
    assert_eq!(codes(&report), ["L023", "L043"]);
    assert_eq!(report["diagnostics"][0]["severity"], "warning");
}

#[test]
fn the_repository_is_found_from_a_subdirectory_and_with_dash_c() {
    let repo = three_defects();
    let output = repo
        .lede()
        .current_dir(repo.path("stories/2025"))
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(json(&output)["diagnostics"][0]["file"], STORY);

    let elsewhere = tempfile::tempdir().unwrap();
    let output = common::lede_command(elsewhere.path())
        .current_dir(elsewhere.path())
        .arg("-C")
        .arg(repo.root())
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn outside_a_repository_is_an_environment_error() {
    let elsewhere = tempfile::tempdir().unwrap();
    let output = common::lede_command(elsewhere.path())
        .current_dir(elsewhere.path())
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.starts_with("error: not inside a lede repository"),
        "{text}"
    );
    assert!(text.contains("hint: "), "{text}");

    let output = common::lede_command(elsewhere.path())
        .args(["-C", "/nonexistent/newsroom", "validate"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no such directory"));
}

#[test]
fn usage_errors_exit_2() {
    let repo = TestRepo::sample();
    let output = repo
        .lede()
        .args(["validate", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = repo.lede().output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = repo
        .lede()
        .args(["validate", "stories/nope.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("stories/nope.toml does not exist"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_broken_configuration_is_reported_with_its_position() {
    let repo = TestRepo::sample();
    repo.write(
        "lede.toml",
        "[newsroom]\ndesks = [\"world\"]\n[validate]\nmax_size = 3\n",
    );
    let output = repo.lede().arg("validate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("lede.toml is not valid"), "{text}");
    assert!(text.contains("line 4"), "{text}");
    assert!(text.contains("max_size"), "{text}");
}

#[test]
fn a_broken_schema_is_an_environment_error() {
    let repo = TestRepo::sample();
    repo.write(
        "schemas/topic.schema.json",
        "{\"type\": \"object\",\n  \"properties\": }",
    );
    let output = repo.lede().arg("validate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("schemas/topic.schema.json is not valid JSON"),
        "{text}"
    );
    assert!(text.contains("line 2"), "{text}");

    repo.write("schemas/topic.schema.json", "{\"type\": 12}");
    let output = repo.lede().arg("validate").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a usable JSON Schema"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_repository_schema_is_used_over_the_built_in_one() {
    let repo = TestRepo::sample();
    let schema = std::fs::read_to_string(project_root().join("schemas/topic.schema.json"))
        .unwrap()
        .replace("\"maxLength\": 80", "\"maxLength\": 5");
    repo.write("schemas/topic.schema.json", schema);
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(codes(&json(&output)).iter().all(|c| c == "L026"));
}

#[test]
fn named_paths_are_checked_against_the_whole_repository() {
    let repo = three_defects();
    // Another story, valid on its own, reusing the sample's slug in another
    // year's directory, and a third with a problem that must not be reported
    // when only the second is named.
    let twin = SAMPLE_STORY.to_owned();
    repo.write("stories/2024/kazakhstan-joins-abraham-accords.toml", &twin);
    let output = repo
        .lede()
        .args([
            "validate",
            "--format",
            "json",
            "stories/2024/kazakhstan-joins-abraham-accords.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(codes(&report), ["L041"]);
    let diagnostic = &report["diagnostics"][0];
    assert_eq!(
        diagnostic["file"],
        "stories/2024/kazakhstan-joins-abraham-accords.toml"
    );
    assert_eq!(diagnostic["line"], 2);
    assert!(diagnostic["message"].as_str().unwrap().contains(STORY));
    assert_eq!(report["summary"]["files_checked"], 1);

    // The whole run reports the pair from both sides.
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let all = codes(&json(&output));
    assert_eq!(all.iter().filter(|c| *c == "L041").count(), 2, "{all:?}");
}

#[test]
fn named_directories_are_walked_and_non_records_refused() {
    let repo = TestRepo::sample();
    repo.write("notes/draft.toml", "a = 1\n");
    let output = repo
        .lede()
        .args([
            "validate",
            "--format",
            "json",
            "stories",
            "notes/draft.toml",
            "topics",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(codes(&report), ["L006"]);
    assert_eq!(report["summary"]["files_checked"], 11);
}

#[test]
fn paths_outside_the_repository_are_refused() {
    let repo = TestRepo::sample();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.toml"), SAMPLE_STORY).unwrap();
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .arg(outside.path().join("x.toml"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(codes(&json(&output)), ["L003"]);
}

#[test]
fn a_bom_and_crlf_line_ends_are_accepted_with_positions_intact() {
    let repo = TestRepo::sample();
    let crlf = format!("\u{feff}{}", SAMPLE_STORY.replace('\n', "\r\n"));
    repo.write(STORY, &crlf);
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));

    let broken = crlf.replace("desk = \"world\"", "desk = \"sport\"");
    repo.write(STORY, &broken);
    let output = repo
        .lede()
        .args(["validate", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&output);
    let d = &report["diagnostics"][0];
    assert_eq!(d["code"], "L045");
    let line = SAMPLE_STORY
        .lines()
        .position(|l| l.starts_with("desk = "))
        .unwrap()
        + 1;
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(line as u64), Some(8))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(line as u64), Some(15))
    );
    // The code frame shows the line without a stray carriage return.
    let human = repo.lede().arg("validate").output().unwrap();
    assert!(
        stdout(&human).contains("desk = \"sport\"\n"),
        "{}",
        stdout(&human)
    );
}
