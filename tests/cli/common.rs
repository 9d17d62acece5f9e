//! The environment every end-to-end test runs lede in: a temporary content
//! repository made with the real git, a fixed identity and clock, no global
//! or system git configuration, and no colour unless a test asks for it.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

pub const SAMPLE_STORY: &str =
    include_str!("../../stories/2025/kazakhstan-joins-abraham-accords.toml");
pub const SAMPLE_CONFIG: &str = include_str!("../../lede.toml");

/// The project root, which is also the sample newsroom.
pub fn project_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct TestRepo {
    pub dir: tempfile::TempDir,
}

impl TestRepo {
    /// An empty git repository with lede.toml.
    pub fn new() -> TestRepo {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let repo = TestRepo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.write("lede.toml", SAMPLE_CONFIG);
        repo
    }

    /// A copy of the sample newsroom: configuration, schemas, topics, stories.
    pub fn sample() -> TestRepo {
        let repo = TestRepo::new();
        for dir in ["schemas", "topics", "stories/2025"] {
            for entry in std::fs::read_dir(project_root().join(dir)).unwrap() {
                let entry = entry.unwrap();
                let relative = format!("{dir}/{}", entry.file_name().to_string_lossy());
                repo.write(&relative, std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        repo
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative)).unwrap()
    }

    pub fn remove(&self, relative: &str) {
        std::fs::remove_file(self.path(relative)).unwrap();
    }

    /// `git ARGS` in the repository, whatever its exit status.
    pub fn try_git(&self, args: &[&str]) -> Output {
        std::process::Command::new("git")
            .args(args)
            .current_dir(self.root())
            .envs(test_env(self.root()))
            .output()
            .expect("git runs")
    }

    /// `git ARGS` in the repository, which must succeed.
    pub fn git(&self, args: &[&str]) -> Output {
        let output = self.try_git(args);
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Turns on git's split index, as `lede setup` does in a large clone.
    pub fn split_index(&self) {
        self.git(&["config", "core.splitIndex", "true"]);
        self.git(&["update-index", "--split-index"]);
    }

    /// Whether git keeps a split index here (`.git/sharedindex.*`).
    pub fn has_shared_index(&self) -> bool {
        std::fs::read_dir(self.path(".git"))
            .unwrap()
            .flatten()
            .any(|entry| {
                entry
                    .file_name()
                    .to_string_lossy()
                    .starts_with("sharedindex.")
            })
    }

    /// A copy of the sample newsroom, committed.
    pub fn committed_sample() -> TestRepo {
        let repo = TestRepo::sample();
        repo.git(&["add", "."]);
        repo.git(&["commit", "-q", "-m", "sample"]);
        repo
    }

    /// `lede ARGS` in the repository, run in a real pseudo-terminal:
    /// `(name, value)` pairs are added to the environment.
    pub fn lede_in_terminal(
        &self,
        args: &[&str],
        env: &[(&str, &Path)],
    ) -> rexpect::session::PtySession {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lede"));
        command.env_clear();
        command.envs(test_env(self.root()));
        command.env("TERM", "xterm-256color");
        for (name, value) in env {
            command.env(name, value);
        }
        command.arg("-C").arg(self.root()).args(args);
        rexpect::session::spawn_command(command, Some(60_000)).expect("lede starts in a terminal")
    }

    /// `lede` with its working directory in the repository.
    pub fn lede(&self) -> Command {
        let mut command = lede_command(self.root());
        command.current_dir(self.root());
        command
    }
}

/// The variables that pin identity, time and configuration.
pub fn test_env(home: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("GIT_CONFIG_GLOBAL", "/dev/null".into()),
        ("GIT_CONFIG_NOSYSTEM", "1".into()),
        ("HOME", home.display().to_string()),
        ("GIT_AUTHOR_NAME", "Ada Reporter".into()),
        ("GIT_AUTHOR_EMAIL", "ada@example.org".into()),
        ("GIT_COMMITTER_NAME", "Ada Reporter".into()),
        ("GIT_COMMITTER_EMAIL", "ada@example.org".into()),
        ("GIT_AUTHOR_DATE", "2025-11-07T09:30:00Z".into()),
        ("GIT_COMMITTER_DATE", "2025-11-07T09:30:00Z".into()),
        ("TZ", "UTC".into()),
        ("LANG", "C.UTF-8".into()),
    ]
}

pub fn lede_command(home: &Path) -> Command {
    let mut command = Command::cargo_bin("lede").expect("the lede binary is built");
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(test_env(home));
    command
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// The run's stdout, stderr and exit status in one text for snapshots, with
/// timings (which vary) replaced.
pub fn transcript(output: &Output) -> String {
    let stderr = stderr(output);
    let stderr = regex_lite_seconds(&stderr);
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".into(), |c| c.to_string()),
        stdout(output),
        stderr
    )
}

/// Replaces "in 0.01s" by "in [time]".
fn regex_lite_seconds(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(" in ") {
        let (before, after) = rest.split_at(at + 4);
        out.push_str(before);
        let digits = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        if digits > 0 && after[digits..].starts_with('s') {
            out.push_str("[time]");
            rest = &after[digits + 1..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The parsed `--format json` report.
pub fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).expect("stdout is a JSON document")
}

/// The codes in a JSON report, in order.
pub fn codes(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

/// Choices and confirmations read single keys (a yes/no takes no Enter)
/// with the terminal in raw mode, which they enter just after drawing; a key
/// sent before that is dropped by the switch. A moment's pause, as a person
/// would take.
pub fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(200));
}
