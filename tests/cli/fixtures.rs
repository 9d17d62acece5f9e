//! The fixture newsroom in tests/fixtures/newsroom: valid records that must
//! stay clean, and one invalid record per rule, named after the code it must
//! produce (`stories/invalid/l043-unknown-topic.toml` → L043). Each invalid
//! record's diagnostics are snapshotted in all three formats; the tests run
//! the library directly, which is far faster than the binary.

use std::path::{Path, PathBuf};

use lede::check::schema::Schemas;
use lede::check::validate::{self, Report, Targets};
use lede::newsroom::config::Config;
use lede::text::diagnostic::{self, Summary};

fn fixture_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/newsroom")
}

fn check(paths: &[&str]) -> Report {
    let root = fixture_root();
    let config = Config::load(&root).unwrap();
    let schemas = Schemas::load(&root).unwrap();
    let targets = if paths.is_empty() {
        Targets::All
    } else {
        Targets::Paths {
            cwd: root.clone(),
            paths: paths.iter().map(PathBuf::from).collect(),
        }
    };
    validate::validate(&root, &config, &schemas, targets, &|_| {}, &|| {}).unwrap()
}

fn all_formats(report: &Report) -> String {
    let summary = Summary::of(report.files_checked, &report.diagnostics);
    format!(
        "=== human\n{}=== json\n{}=== github\n{}",
        diagnostic::render_human(&report.diagnostics, &fixture_root(), false),
        diagnostic::render_json(&report.diagnostics, summary),
        diagnostic::render_github(&report.diagnostics),
    )
}

/// Invalid fixtures, relative to the fixture root.
fn invalid_fixtures() -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![fixture_root().join("stories/invalid")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(path);
            }
        }
    }
    for entry in std::fs::read_dir(fixture_root().join("topics")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("l0")
        {
            found.push(path);
        }
    }
    let mut names: Vec<String> = found
        .iter()
        .map(|path| {
            path.strip_prefix(fixture_root())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// The code a fixture is named after: `l043-unknown-topic.toml` → `L043`.
fn expected_code(fixture: &str) -> String {
    let name = fixture.rsplit('/').next().unwrap();
    name[..4].to_ascii_uppercase()
}

#[test]
fn valid_records_are_clean() {
    let report = check(&["stories/valid", "topics"]);
    let unexpected: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| !d.file.starts_with("topics/l0"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

#[test]
fn there_is_an_invalid_fixture_for_every_rule_that_a_file_can_break() {
    let fixtures = invalid_fixtures();
    assert!(fixtures.len() >= 25, "only {} fixtures", fixtures.len());
    let covered: std::collections::HashSet<String> =
        fixtures.iter().map(|f| expected_code(f)).collect();
    // L001-L006 need a file system state (links, FIFOs, permissions, sizes)
    // that a committed tree cannot hold; tests/cli/bad_input.rs makes them.
    // L029 needs a schema rule the built-in schemas do not use; the schema
    // tests cover it. L070-L072 are about commits, not files:
    // tests/cli/publish_cli.rs makes them with `validate --since`.
    let made_elsewhere = [
        "L001", "L002", "L003", "L004", "L005", "L006", "L029", "L070", "L071", "L072",
    ];
    for code in lede::text::diagnostic::Code::ALL {
        let code = code.as_str();
        assert!(
            covered.contains(code) || made_elsewhere.contains(&code),
            "no fixture for {code}"
        );
    }
}

#[test]
fn each_invalid_fixture_reports_its_code_in_all_formats() {
    for fixture in invalid_fixtures() {
        let report = check(&[&fixture]);
        let code = expected_code(&fixture);
        assert!(
            report
                .diagnostics
                .iter()
                .any(|d| d.code.as_str() == code && d.file == fixture),
            "{fixture} did not report {code}: {:#?}",
            report.diagnostics
        );
        assert!(
            report
                .diagnostics
                .iter()
                .all(|d| d.location.is_some() || d.code.as_str() == "L021"),
            "{fixture}: every diagnostic has a location"
        );
        let name = fixture.trim_end_matches(".toml").replace('/', "__");
        insta::assert_snapshot!(name, all_formats(&report));
    }
}

#[test]
fn the_whole_fixture_tree_in_one_run() {
    let report = check(&[]);
    let summary = Summary::of(report.files_checked, &report.diagnostics);
    insta::assert_snapshot!(
        "whole_tree",
        diagnostic::render_json(&report.diagnostics, summary)
    );
    // Sorted by file, then line.
    let keys: Vec<_> = report.diagnostics.iter().map(|d| d.sort_key()).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}
