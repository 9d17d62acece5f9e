//! `lede completions` and `lede man`: generated from the parser's own
//! definitions, checked by using them.

use crate::common::{TestRepo, stderr, stdout};

/// What bash's completion offers after `words` (the last one being typed).
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lede.bash");
    std::fs::write(&path, script).unwrap();
    let words_list = words
        .iter()
        .map(|w| format!("'{w}'"))
        .collect::<Vec<_>>()
        .join(" ");
    let program = format!(
        "source '{}'\nCOMP_WORDS=({words_list})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n_lede lede '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        path.display(),
        words.len() - 1,
        words.join(" "),
        words[words.len() - 1],
        words[words.len() - 2],
    );
    let output = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output).lines().map(str::to_owned).collect()
}

#[test]
fn bash_completes_commands_and_their_options() {
    let repo = TestRepo::new();
    let output = repo.lede().args(["completions", "bash"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let script = stdout(&output);
    assert!(script.contains("complete -F _lede"), "{script}");

    let offered = bash_completes(&script, &["lede", "pu"]);
    assert_eq!(offered, ["publish"], "commands starting with pu");
    let offered = bash_completes(&script, &["lede", "publish", "--d"]);
    assert!(offered.contains(&"--dry-run".to_owned()), "{offered:?}");
    assert!(offered.contains(&"--due".to_owned()), "{offered:?}");
    let offered = bash_completes(&script, &["lede", "add", ""]);
    assert!(offered.contains(&"faq".to_owned()), "{offered:?}");
    assert!(offered.contains(&"section".to_owned()), "{offered:?}");
}

#[test]
fn every_shell_gets_a_script_and_an_unknown_one_is_refused() {
    let repo = TestRepo::new();
    for (shell, marker) in [
        ("zsh", "#compdef lede"),
        ("fish", "complete -c lede"),
        ("elvish", "edit:completion:arg-completer[lede]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = repo.lede().args(["completions", shell]).output().unwrap();
        assert!(output.status.success(), "{shell}: {}", stderr(&output));
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("publish"), "{shell} lists the commands");
    }
    let output = repo.lede().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("possible values: bash, elvish, fish, powershell, zsh"));
}

#[test]
fn man_prints_the_page_and_writes_one_per_command() {
    let repo = TestRepo::new();
    let output = repo.lede().arg("man").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let page = stdout(&output);
    assert!(page.contains(".TH lede 1"), "{page}");
    assert!(page.contains(".SH SYNOPSIS"), "{page}");
    for command in ["validate", "publish", "diff", "build", "completions", "man"] {
        assert!(page.contains(command), "lede(1) names {command}");
    }

    let out = repo.path("man1");
    let output = repo.lede().args(["man", "--out", "man1"]).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let listing = stdout(&output);
    let listed: Vec<&str> = listing.lines().collect();
    for name in [
        "lede.1",
        "lede-publish.1",
        "lede-add-faq.1",
        "lede-topic-new.1",
    ] {
        let path = out.join(name);
        assert!(path.is_file(), "{name} is written");
        assert!(
            listed
                .iter()
                .any(|line| line.ends_with(&format!("/man1/{name}"))),
            "{name} is listed: {listed:?}"
        );
    }
    let publish = std::fs::read_to_string(out.join("lede-publish.1")).unwrap();
    assert!(publish.contains(".TH lede-publish 1"), "{publish}");
    assert!(publish.contains("\\-\\-dry\\-run"), "{publish}");
    assert!(
        !out.join("lede-help.1").exists(),
        "no page for the help pseudo-command"
    );
}
