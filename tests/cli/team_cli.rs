//! A newsroom team: one bare remote, a clone per person, each with their
//! own git identity, all made with the real git program.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{self, TestRepo, stdout};

const FIRST: &str = "abraham-accords-explained";
const SECOND: &str = "a-second-explainer";
const PEOPLE: [(&str, &str, &str); 4] = [
    ("ada", "Ada Reporter", "ada@example.org"),
    ("bo", "Bo Desk", "bo@example.org"),
    ("cy", "Cy Chief", "cy@example.org"),
    ("dee", "Dee Reader", "dee@example.org"),
];

struct Team {
    home: tempfile::TempDir,
}

impl Team {
    /// A bare remote holding the sample newsroom plus a second draft, and
    /// a clone of it for ada, bo and cy (dee clones later).
    fn new() -> Team {
        let home = tempfile::tempdir().unwrap();
        for (user, name, email) in PEOPLE {
            std::fs::write(
                home.path().join(format!("{user}.gitconfig")),
                format!("[user]\n\tname = {name}\n\temail = {email}\n"),
            )
            .unwrap();
        }
        let team = Team { home };
        let remote = team.remote();
        run_git(
            team.home.path(),
            None,
            &[
                "init",
                "-q",
                "--bare",
                "-b",
                "main",
                remote.to_str().unwrap(),
            ],
        );
        let seed = TestRepo::sample();
        let second = common::project_root().join(format!("stories/2025/{FIRST}.toml"));
        let text = std::fs::read_to_string(second).unwrap().replace(
            &format!("slug = \"{FIRST}\""),
            &format!("slug = \"{SECOND}\""),
        );
        seed.write(&format!("stories/2025/{SECOND}.toml"), text);
        seed.git(&["add", "."]);
        seed.git(&["commit", "-q", "-m", "sample"]);
        seed.git(&["push", "-q", remote.to_str().unwrap(), "main"]);
        for user in ["ada", "bo", "cy"] {
            team.clone_for(user);
        }
        team
    }

    fn remote(&self) -> PathBuf {
        self.home.path().join("remote.git")
    }

    fn clone_dir(&self, user: &str) -> PathBuf {
        self.home.path().join(user)
    }

    fn clone_for(&self, user: &str) {
        run_git(
            self.home.path(),
            Some(&self.gitconfig(user)),
            &[
                "clone",
                "-q",
                self.remote().to_str().unwrap(),
                self.clone_dir(user).to_str().unwrap(),
            ],
        );
        self.ok(user, &["setup"]);
    }

    fn gitconfig(&self, user: &str) -> PathBuf {
        self.home.path().join(format!("{user}.gitconfig"))
    }

    fn lede(&self, user: &str, args: &[&str]) -> Output {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_lede"));
        command.env_clear();
        if let Some(path) = std::env::var_os("PATH") {
            command.env("PATH", path);
        }
        command.envs(common::test_env(self.home.path()));
        for variable in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ] {
            command.env_remove(variable);
        }
        command.env("GIT_CONFIG_GLOBAL", self.gitconfig(user));
        command.env("LEDE_NOW", "2025-11-08T12:00:00Z");
        command.current_dir(self.clone_dir(user)).args(args);
        command.output().unwrap()
    }

    fn ok(&self, user: &str, args: &[&str]) -> String {
        let output = self.lede(user, args);
        assert!(
            output.status.success(),
            "lede {args:?} as {user} failed: {}{}",
            stdout(&output),
            common::stderr(&output)
        );
        stdout(&output) + &common::stderr(&output)
    }

    fn git(&self, user: &str, args: &[&str]) -> String {
        run_git(&self.clone_dir(user), Some(&self.gitconfig(user)), args)
    }

    fn remote_git(&self, args: &[&str]) -> String {
        let remote = self.remote();
        let mut full = vec!["--git-dir", remote.to_str().unwrap()];
        full.extend(args);
        run_git(self.home.path(), None, &full)
    }

    /// The stories on the remote's published branch.
    fn remote_published(&self) -> String {
        self.remote_git(&["ls-tree", "-r", "--name-only", "published", "stories/"])
    }

    /// ada submits both stories; bo, after a sync, approves them.
    fn both_approved(&self) {
        self.ok("ada", &["submit", FIRST, "--note", "Ready"]);
        self.ok("ada", &["submit", SECOND, "--note", "Ready"]);
        self.ok("ada", &["sync"]);
        for user in ["bo", "cy"] {
            self.ok(user, &["sync"]);
        }
        self.ok("bo", &["approve", FIRST]);
        self.ok("bo", &["approve", SECOND]);
        self.ok("bo", &["sync"]);
        self.ok("cy", &["sync"]);
    }
}

fn run_git(dir: &Path, config: Option<&Path>, args: &[&str]) -> String {
    let mut command = std::process::Command::new("git");
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(common::test_env(dir));
    if let Some(config) = config {
        for variable in [
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ] {
            command.env_remove(variable);
        }
        command.env("GIT_CONFIG_GLOBAL", config);
    }
    let output = command.current_dir(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output)
}

#[test]
fn a_clone_with_only_the_remotes_published_branch_publishes_on_top_of_it() {
    let team = Team::new();
    team.both_approved();
    team.ok("bo", &["publish", FIRST, "--push"]);
    // cy's clone learns of bo's publish with a plain pull: it has
    // origin/published and no local published branch.
    team.git("cy", &["pull", "-q", "--rebase"]);
    team.git("cy", &["fetch", "-q"]);
    let said = team.ok("cy", &["publish", SECOND, "--push"]);
    assert!(
        said.contains("Started published from origin/published"),
        "{said}"
    );
    let public = team.remote_published();
    assert!(
        public.contains(FIRST) && public.contains(SECOND),
        "{public}"
    );
    let merges = team.remote_git(&["rev-list", "--merges", "published", "main"]);
    assert_eq!(merges, "", "the history stays linear");
    team.remote_git(&["fsck", "--strict", "--no-progress"]);

    // A fresh clone builds the site from origin/published and says so.
    team.clone_for("dee");
    let built = team.ok("dee", &["build"]);
    assert!(
        built.contains("Built 2 stories") && built.contains("from origin/published"),
        "{built}"
    );
    let diff = team.ok(
        "dee",
        &["diff", "--from", "published", "--to", "HEAD", "--stat"],
    );
    assert!(!diff.contains("error"), "{diff}");
}

#[test]
fn two_people_publishing_at_the_same_moment_both_go_public() {
    let team = Team::new();
    team.both_approved();
    // bo publishes without pushing; cy's push is then beaten by bo's,
    // which a pre-push hook sends after cy's git has looked at the remote.
    team.ok("bo", &["publish", FIRST]);
    let hook = team.clone_dir("cy").join(".git/hooks/pre-push");
    let marker = team.home.path().join("bo-pushed");
    std::fs::write(
        &hook,
        format!(
            "#!/bin/sh\nif [ ! -e '{marker}' ]; then\n  touch '{marker}'\n  env -i PATH=\"$PATH\" GIT_CONFIG_GLOBAL='{config}' git -C '{bo}' push -q origin main published\nfi\n",
            marker = marker.display(),
            config = team.gitconfig("bo").display(),
            bo = team.clone_dir("bo").display(),
        ),
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", hook.to_str().unwrap()])
        .status()
        .unwrap();
    let said = team.ok("cy", &["publish", SECOND, "--push"]);
    assert!(marker.exists(), "the hook ran");
    assert!(said.contains("after 2 tries"), "{said}");
    let public = team.remote_published();
    assert!(
        public.contains(FIRST) && public.contains(SECOND),
        "{public}"
    );
    assert_eq!(
        team.remote_git(&["rev-list", "--merges", "published", "main"]),
        ""
    );
    // Both publishes are on the public history, one after the other.
    let subjects = team.remote_git(&["log", "--format=%s", "published"]);
    assert!(
        subjects.starts_with(&format!("publish: {SECOND}"))
            && subjects.contains(&format!("publish: {FIRST}")),
        "{subjects}"
    );
    team.remote_git(&["fsck", "--strict", "--no-progress"]);
    team.git("cy", &["fsck", "--strict", "--no-progress"]);
}

#[test]
fn publishes_not_yet_pushed_are_made_again_on_top_of_the_remotes() {
    let team = Team::new();
    team.both_approved();
    team.ok("cy", &["publish", SECOND]);
    team.ok("bo", &["publish", FIRST, "--push"]);
    let said = team.ok("cy", &["sync"]);
    assert!(said.contains("again on top of origin/published"), "{said}");
    assert!(
        said.contains("Pushed main and published to origin"),
        "{said}"
    );
    let public = team.remote_published();
    assert!(
        public.contains(FIRST) && public.contains(SECOND),
        "{public}"
    );
    assert_eq!(
        team.remote_git(&["rev-list", "--merges", "published", "main"]),
        ""
    );
    // Each story's working record says published, in every clone.
    team.ok("ada", &["sync"]);
    for slug in [FIRST, SECOND] {
        let text = std::fs::read_to_string(
            team.clone_dir("ada")
                .join(format!("stories/2025/{slug}.toml")),
        )
        .unwrap();
        let record: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(record["status"].as_str(), Some("published"), "{slug}");
    }
}

#[test]
fn a_push_the_remote_refuses_leaves_everything_here_complete_and_retryable() {
    let team = Team::new();
    team.both_approved();
    let hook = team.remote().join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\nwhile read old new ref; do\n  if [ \"$ref\" = refs/heads/published ]; then\n    echo 'published is protected: only the release bot may push it' >&2\n    exit 1\n  fi\ndone\n",
    )
    .unwrap();
    std::process::Command::new("chmod")
        .args(["+x", hook.to_str().unwrap()])
        .status()
        .unwrap();
    let before = team.remote_git(&["rev-parse", "main"]);
    let output = team.lede("bo", &["publish", FIRST, "--push"]);
    assert_eq!(output.status.code(), Some(2), "{}", common::stderr(&output));
    let stderr = common::stderr(&output);
    assert!(stderr.contains("refused the push"), "{stderr}");
    assert!(
        stderr.contains("only the release bot may push it"),
        "{stderr}"
    );
    assert!(stderr.contains("lede sync"), "{stderr}");
    assert_eq!(
        team.remote_git(&["rev-parse", "main"]),
        before,
        "atomic: nothing was pushed"
    );
    // Here the publish is complete: both commits made.
    assert!(
        team.git("bo", &["ls-tree", "-r", "--name-only", "published"])
            .contains(FIRST)
    );
    std::fs::remove_file(&hook).unwrap();
    let said = team.ok("bo", &["sync"]);
    assert!(said.contains("Pushed"), "{said}");
    assert!(team.remote_published().contains(FIRST));
}

#[test]
fn sync_without_a_remote_says_how_to_add_one() {
    let repo = TestRepo::committed_sample();
    let output = repo.lede().arg("sync").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = common::stderr(&output);
    assert!(
        stderr.contains("no remote called origin") && stderr.contains("git remote add"),
        "{stderr}"
    );
}

#[test]
fn a_fresh_clone_before_any_publish_says_nothing_is_published() {
    let team = Team::new();
    let built = team.ok("ada", &["build"]);
    assert!(built.contains("nothing has been published yet"), "{built}");
}
