//! lede in a real pseudo-terminal: what people see when they run it by hand.

use std::path::Path;

use crate::common::{SAMPLE_STORY, TestRepo};

/// A newsroom large enough that validating it takes longer than the
/// progress bar's delay, even in an optimised build on a fast machine.
fn large_newsroom() -> TestRepo {
    let repo = TestRepo::sample();
    for n in 0..3000 {
        let slug = format!("story-{n:05}");
        let story = SAMPLE_STORY.replace("kazakhstan-joins-abraham-accords", &slug);
        repo.write(&format!("stories/{}/{slug}.toml", 2000 + n % 20), story);
    }
    repo
}

#[test]
fn a_long_run_shows_progress_on_a_terminal() {
    let repo = large_newsroom();
    let mut session = repo.lede_in_terminal(&["validate"], &[]);
    session.exp_string("validating").unwrap();
    session.exp_string("records").unwrap();
    let rest = session.exp_eof().unwrap();
    assert!(rest.contains("Checked 3010 records"), "{rest}");
    assert!(rest.contains("no problems"), "{rest}");
}

#[test]
fn quiet_runs_show_no_progress_and_output_is_coloured() {
    let repo = TestRepo::sample();
    repo.write(
        "stories/2025/kazakhstan-joins-abraham-accords.toml",
        SAMPLE_STORY.replace("status = \"published\"", "status = \"live\""),
    );
    let mut session = repo.lede_in_terminal(&["-q", "validate"], &[]);
    let output = session.exp_eof().unwrap();
    assert!(!output.contains("validating"), "{output}");
    assert!(
        output.contains("\u{1b}["),
        "a terminal gets colour: {output:?}"
    );
    assert!(output.contains("L023"), "{output}");
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let repo = TestRepo::sample();
    repo.write(
        "stories/2025/kazakhstan-joins-abraham-accords.toml",
        SAMPLE_STORY.replace("status = \"published\"", "status = \"live\""),
    );
    let mut session = repo.lede_in_terminal(&["-q", "validate"], &[("NO_COLOR", Path::new("1"))]);
    let output = session.exp_eof().unwrap();
    assert!(output.contains("L023"), "{output}");
    assert!(!output.contains("\u{1b}["), "NO_COLOR: {output:?}");
}
