//! `lede init` and the commit plumbing every mutating command shares, with
//! the real git program checking the result.

use std::path::Path;

use crate::common::{self, lede_command, stderr, stdout, transcript};

fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .envs(common::test_env(dir))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

const FILES: [&str; 8] = [
    "lede.toml",
    "schemas/story.schema.json",
    "schemas/topic.schema.json",
    "stories/.gitkeep",
    "topics/.gitkeep",
    ".gitattributes",
    ".github/workflows/lede.yml",
    ".pre-commit-config.yaml",
];

#[test]
fn a_new_newsroom_is_one_clean_commit_that_validates() {
    let home = tempfile::tempdir().unwrap();
    let output = lede_command(home.path())
        .current_dir(home.path())
        .args(["init", "newsroom"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let root = home.path().join("newsroom");
    for file in FILES {
        assert!(root.join(file).exists(), "{file} missing");
    }
    assert_eq!(
        git(&root, &["log", "--format=%s|%an <%ae>"]),
        "init: new lede newsroom|Ada Reporter <ada@example.org>\n"
    );
    assert_eq!(
        git(&root, &["status", "--porcelain"]),
        "",
        "everything is committed"
    );
    git(&root, &["fsck", "--strict"]);
    // The built-in schemas are the sample newsroom's.
    assert_eq!(
        std::fs::read_to_string(root.join("schemas/story.schema.json")).unwrap(),
        std::fs::read_to_string(common::project_root().join("schemas/story.schema.json")).unwrap()
    );
    // The README shows the CI workflow exactly as init writes it.
    let workflow = std::fs::read_to_string(root.join(".github/workflows/lede.yml")).unwrap();
    let readme = std::fs::read_to_string(common::project_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("# .github/workflows/lede.yml\n{workflow}```")),
        "README's CI section differs from\n{workflow}"
    );
    let validate = lede_command(home.path())
        .arg("-C")
        .arg(&root)
        .arg("validate")
        .output()
        .unwrap();
    assert_eq!(validate.status.code(), Some(0), "{}", transcript(&validate));
}

#[test]
fn existing_files_are_never_overwritten_without_force() {
    let home = tempfile::tempdir().unwrap();
    let root = home.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("lede.toml"), "# ours\n").unwrap();
    std::fs::create_dir_all(root.join("topics")).unwrap();
    std::fs::write(root.join("topics/.gitkeep"), "keep").unwrap();
    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("lede.toml, topics/.gitkeep"), "{text}");
    assert!(text.contains("--force"), "{text}");
    assert_eq!(
        std::fs::read_to_string(root.join("lede.toml")).unwrap(),
        "# ours\n"
    );
    assert!(!root.join("schemas").exists(), "nothing else was written");

    let forced = lede_command(root)
        .current_dir(root)
        .args(["init", "--force"])
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0), "{}", transcript(&forced));
    assert_ne!(
        std::fs::read_to_string(root.join("lede.toml")).unwrap(),
        "# ours\n"
    );
}

#[test]
fn without_an_identity_nothing_is_created() {
    let home = tempfile::tempdir().unwrap();
    let output = lede_command(home.path())
        .current_dir(home.path())
        .env_remove("GIT_AUTHOR_NAME")
        .env_remove("GIT_AUTHOR_EMAIL")
        .env_remove("GIT_COMMITTER_NAME")
        .env_remove("GIT_COMMITTER_EMAIL")
        .args(["init", "newsroom"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("git config --global user.name"),
        "{}",
        stderr(&output)
    );
    assert!(!home.path().join("newsroom").exists());
}

#[test]
fn no_commit_leaves_the_files_uncommitted() {
    let home = tempfile::tempdir().unwrap();
    let output = lede_command(home.path())
        .current_dir(home.path())
        .args(["init", "--no-commit", "n"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(stdout(&output).contains("not committed"));
    let root = home.path().join("n");
    assert!(root.join("lede.toml").exists());
    let log = std::process::Command::new("git")
        .args(["log"])
        .current_dir(&root)
        .envs(common::test_env(&root))
        .output()
        .unwrap();
    assert!(!log.status.success(), "no commit exists yet");
}

#[test]
fn staged_work_of_the_user_stays_staged_and_out_of_the_commit() {
    let home = tempfile::tempdir().unwrap();
    let root = home.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join("notes.md"), "first\n").unwrap();
    git(root, &["add", "notes.md"]);
    git(root, &["commit", "-q", "-m", "notes"]);
    std::fs::write(root.join("notes.md"), "second\n").unwrap();
    std::fs::write(root.join("draft.md"), "draft\n").unwrap();
    git(root, &["add", "notes.md", "draft.md"]);

    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let committed = git(root, &["show", "--name-only", "--format=", "HEAD"]);
    assert!(
        !committed.contains("notes.md") && !committed.contains("draft.md"),
        "{committed}"
    );
    assert!(committed.contains("lede.toml"));
    let status = git(root, &["status", "--porcelain"]);
    assert!(status.contains("M  notes.md"), "{status}");
    assert!(status.contains("A  draft.md"), "{status}");
    assert!(
        !status.contains("lede.toml"),
        "lede's files are committed and clean: {status}"
    );
    git(root, &["fsck", "--strict"]);
}

#[test]
fn a_locked_index_or_a_merge_in_progress_stops_before_writing() {
    let home = tempfile::tempdir().unwrap();
    let root = home.path();
    git(root, &["init", "-q", "-b", "main"]);
    std::fs::write(root.join(".git/index.lock"), "").unwrap();
    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("index.lock"),
        "{}",
        stderr(&output)
    );
    assert!(!root.join("lede.toml").exists());
    std::fs::remove_file(root.join(".git/index.lock")).unwrap();

    std::fs::write(root.join("a"), "a").unwrap();
    git(root, &["add", "a"]);
    git(root, &["commit", "-q", "-m", "a"]);
    let head = git(root, &["rev-parse", "HEAD"]);
    std::fs::write(root.join(".git/MERGE_HEAD"), head).unwrap();
    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("merge is in progress"),
        "{}",
        stderr(&output)
    );
    assert!(!root.join("lede.toml").exists());
}

#[test]
fn a_second_lede_waits_its_turn() {
    let home = tempfile::tempdir().unwrap();
    let root = home.path();
    git(root, &["init", "-q", "-b", "main"]);
    // Another process holds the lock (this test, standing in for it).
    let held = std::fs::File::create(root.join(".git/lede.lock")).unwrap();
    held.try_lock().unwrap();
    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("another lede command"),
        "{}",
        stderr(&output)
    );
    assert!(!root.join("lede.toml").exists());
    // A lock file left behind by a lede that was killed does not block:
    // the lock itself ended with its process.
    drop(held);
    let output = lede_command(root)
        .current_dir(root)
        .arg("init")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}
