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
    let status = team.ok("dee", &["status"]);
    assert!(
        status.contains("The public side was read from origin/published"),
        "{status}"
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

impl Team {
    /// Runs `lede ARGS` as `user`, which must fail and change nothing in
    /// that clone; returns stderr.
    fn refused(&self, user: &str, args: &[&str]) -> String {
        let before = self.clone_state(user);
        let output = self.lede(user, args);
        assert!(
            !output.status.success(),
            "lede {args:?} as {user} should have been refused: {}",
            stdout(&output)
        );
        assert_eq!(
            self.clone_state(user),
            before,
            "a refusal changed something"
        );
        common::stderr(&output)
    }

    /// Every ref and what git status says, in `user`'s clone.
    fn clone_state(&self, user: &str) -> String {
        self.git(user, &["for-each-ref", "--format=%(refname) %(objectname)"])
            + &self.git(user, &["status", "--porcelain"])
    }

    /// Clones the remote for `user` over file:// (so that --depth applies)
    /// with extra `git clone` arguments, replacing any clone `user` had.
    fn clone_with(&self, user: &str, extra: &[&str]) {
        let dir = self.clone_dir(user);
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        let url = format!("file://{}", self.remote().display());
        let mut args = vec!["clone", "-q"];
        args.extend(extra);
        args.extend([url.as_str(), dir.to_str().unwrap()]);
        run_git(self.home.path(), Some(&self.gitconfig(user)), &args);
        self.ok(user, &["setup"]);
    }

    /// Rewrites a sentence of FIRST in `user`'s clone and commits it with
    /// plain git.
    fn edit_first_with_git(&self, user: &str, message: &str) {
        let path = self
            .clone_dir(user)
            .join(format!("stories/2025/{FIRST}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let edited = text.replace("are in the news again", "are back in the news");
        assert_ne!(text, edited);
        std::fs::write(&path, edited).unwrap();
        self.git(user, &["commit", "-qam", message]);
    }
}

/// The `run: lede` line of the workflow `lede init` writes that does (or
/// does not) run `--since`, as lede's arguments, with the pull request's
/// base `main`.
fn workflow_step(since: bool) -> Vec<String> {
    let workflow = lede::newsroom::scaffold::WORKFLOW;
    let line = workflow
        .lines()
        .find(|line| line.contains("run: lede") && line.contains("--since") == since)
        .unwrap_or_else(|| panic!("no step (since: {since}) in\n{workflow}"));
    let command = line.split("run: ").nth(1).unwrap();
    let words: Vec<String> = command
        .replace("${{ github.base_ref }}", "main")
        .split_whitespace()
        .map(|word| word.trim_matches('"').to_owned())
        .collect();
    assert_eq!(words[0], "lede");
    words[1..].to_vec()
}

#[test]
fn the_ci_workflow_lede_init_writes_checks_a_pull_requests_commits() {
    let workflow = lede::newsroom::scaffold::WORKFLOW;
    assert!(workflow.contains("fetch-depth: 0"), "{workflow}");
    let pull_request = workflow_step(true);
    let push = workflow_step(false);
    assert!(
        workflow.contains("if: github.event_name == 'pull_request'\n        run: lede validate --format github --since")
            && workflow.contains("if: github.event_name != 'pull_request'\n        run: lede validate --format github\n"),
        "{workflow}"
    );

    // A pull request that marks a draft published by hand.
    let team = Team::new();
    team.git("ada", &["switch", "-q", "-c", "shortcut"]);
    let path = team
        .clone_dir("ada")
        .join(format!("stories/2025/{FIRST}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("status = \"draft\"", "status = \"published\""),
    )
    .unwrap();
    team.git("ada", &["commit", "-qam", "Publish it myself"]);
    team.git("ada", &["push", "-q", "origin", "shortcut"]);

    // The runner's checkout, with the whole history.
    team.clone_with("dee", &["-b", "shortcut"]);
    let args: Vec<&str> = pull_request.iter().map(String::as_str).collect();
    let checked = team.lede("dee", &args);
    assert_eq!(
        checked.status.code(),
        Some(1),
        "{}",
        common::transcript(&checked)
    );
    assert!(stdout(&checked).contains("L070"), "{}", stdout(&checked));
    let args: Vec<&str> = push.iter().map(String::as_str).collect();
    let pushed = team.lede("dee", &args);
    assert!(!stdout(&pushed).contains("L070"), "{}", stdout(&pushed));

    // A depth-1 checkout cannot tell, and says so instead of passing.
    team.clone_with(
        "dee",
        &["-b", "shortcut", "--depth", "1", "--no-single-branch"],
    );
    let args: Vec<&str> = pull_request.iter().map(String::as_str).collect();
    let error = team.refused("dee", &args);
    assert!(error.contains("shallow clone"), "{error}");
    assert!(error.contains("fetch-depth: 0"), "{error}");
    // A checkout deep enough to hold the base is enough.
    team.clone_with(
        "dee",
        &["-b", "shortcut", "--depth", "2", "--no-single-branch"],
    );
    let checked = team.lede("dee", &args);
    assert_eq!(
        checked.status.code(),
        Some(1),
        "{}",
        common::transcript(&checked)
    );
    assert!(stdout(&checked).contains("L070"), "{}", stdout(&checked));
}

#[test]
fn a_shallow_clone_refuses_what_needs_history_until_it_is_deepened() {
    let team = Team::new();
    team.ok("ada", &["submit", FIRST, "--note", "Ready"]);
    team.ok("ada", &["sync"]);
    team.clone_with("dee", &["--depth", "1"]);
    // What needs no history works.
    team.ok("dee", &["validate"]);
    team.ok("dee", &["show", FIRST]);
    let error = team.refused("dee", &["approve", FIRST]);
    assert!(
        error.contains("shallow clone") && error.contains("git fetch --unshallow"),
        "{error}"
    );
    team.git("dee", &["fetch", "-q", "--unshallow"]);
    team.ok("dee", &["approve", FIRST]);
}

#[test]
fn a_desk_chief_who_pulled_with_a_merge_can_approve_and_publish() {
    let team = Team::new();
    // bo has a commit of his own, so his pull makes a merge commit that
    // brings ada's edit and submission in under his name.
    std::fs::write(team.clone_dir("bo").join("desk-notes.txt"), "rota\n").unwrap();
    team.git("bo", &["add", "desk-notes.txt"]);
    team.git("bo", &["commit", "-qm", "Desk rota"]);
    team.edit_first_with_git("ada", "Tighten the opening");
    team.ok("ada", &["submit", FIRST, "--note", "Ready"]);
    team.ok("ada", &["sync"]);
    team.git("bo", &["pull", "-q", "--no-rebase", "--no-edit"]);
    assert_ne!(team.git("bo", &["rev-list", "--merges", "HEAD"]), "");
    team.ok("bo", &["approve", FIRST]);
    team.ok("bo", &["publish", FIRST, "--push"]);
    assert!(team.remote_published().contains(FIRST));
}

#[test]
fn an_approval_holds_after_a_rebase_and_a_cherry_pick_makes_no_author() {
    let team = Team::new();
    // ada's edit reaches main as bo's cherry-pick: bo commits it, ada
    // still wrote it.
    team.git("ada", &["switch", "-q", "-c", "idea"]);
    team.edit_first_with_git("ada", "Tighten the opening");
    team.git("ada", &["push", "-q", "origin", "idea"]);
    team.git("ada", &["switch", "-q", "main"]);
    team.git("bo", &["fetch", "-q"]);
    team.git("bo", &["cherry-pick", "origin/idea"]);
    team.git("bo", &["push", "-q", "origin", "main"]);
    team.git("ada", &["pull", "-q", "--rebase"]);
    team.ok("ada", &["submit", FIRST, "--note", "Ready"]);
    team.ok("ada", &["sync"]);
    team.git("bo", &["pull", "-q", "--rebase"]);
    team.ok("bo", &["approve", FIRST]);

    // Meanwhile cy pushes something else; bo's approval is rebased onto it
    // (a new commit id, the same content) and still counts.
    std::fs::write(team.clone_dir("cy").join("style.txt"), "serial comma\n").unwrap();
    team.git("cy", &["add", "style.txt"]);
    team.git("cy", &["commit", "-qm", "Style note"]);
    team.git("cy", &["pull", "-q", "--rebase"]);
    team.git("cy", &["push", "-q", "origin", "main"]);
    let approval = team.git("bo", &["rev-parse", "HEAD"]);
    team.git("bo", &["pull", "-q", "--rebase"]);
    assert_ne!(team.git("bo", &["rev-parse", "HEAD"]), approval, "rebased");
    team.ok("bo", &["publish", FIRST, "--push"]);
    let public = team.remote_git(&["log", "-1", "--format=%B", "published"]);
    assert!(
        public.contains("Approved-by: Bo Desk <bo@example.org>"),
        "{public}"
    );
}

#[test]
fn a_squash_merge_leaves_the_writer_the_author() {
    let team = Team::new();
    team.git("ada", &["switch", "-q", "-c", "idea"]);
    team.edit_first_with_git("ada", "Tighten the opening");
    team.git("ada", &["push", "-q", "origin", "idea"]);
    team.git("ada", &["switch", "-q", "main"]);
    // bo squashes ada's branch into main himself: git writes the
    // squashed commits' authors into the message.
    team.git("bo", &["fetch", "-q"]);
    team.git("bo", &["merge", "-q", "--squash", "origin/idea"]);
    team.git("bo", &["commit", "-q", "--no-edit"]);
    let message = team.git("bo", &["log", "-1", "--format=%an|%B"]);
    assert!(
        message.starts_with("Bo Desk|Squashed commit") && message.contains("Author: Ada Reporter"),
        "{message}"
    );
    team.git("bo", &["push", "-q", "origin", "main"]);
    team.git("ada", &["pull", "-q", "--rebase"]);
    team.ok("ada", &["submit", FIRST, "--note", "Ready"]);
    team.ok("ada", &["sync"]);
    team.git("bo", &["pull", "-q", "--rebase"]);
    team.ok("bo", &["approve", FIRST]);
    team.ok("bo", &["publish", FIRST, "--push"]);
    assert!(team.remote_published().contains(FIRST));
}
