//! Repository shapes a newsroom really has, each made with the real git
//! program (docs/repository-shapes.md lists them with these tests).

use crate::common::{TestRepo, lede_command, stderr, stdout, transcript};

/// Every file under `dir`, with its contents: what a refusal must leave.
fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

#[test]
fn a_bare_repository_is_refused_and_never_hidden_behind_a_new_one() {
    let home = tempfile::tempdir().unwrap();
    let bare = home.path().join("newsroom.git");
    let made = std::process::Command::new("git")
        .args(["init", "-q", "--bare", bare.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(made.status.success());
    let before = snapshot(&bare);
    for args in [&["init"][..], &["validate"], &["status"], &["list"]] {
        let output = lede_command(home.path())
            .arg("-C")
            .arg(&bare)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            transcript(&output)
        );
        let said = stderr(&output);
        assert!(
            said.contains("is a bare git repository") && said.contains("git clone"),
            "{args:?}: {said}"
        );
        assert_eq!(
            snapshot(&bare),
            before,
            "{args:?} changed the bare repository"
        );
    }
}

#[test]
fn a_sha256_repository_is_refused_in_one_sentence_where_git_is_needed() {
    let repo = TestRepo::sample();
    std::fs::remove_dir_all(repo.root().join(".git")).unwrap();
    repo.git(&["init", "-q", "--object-format=sha256", "-b", "main"]);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "sample"]);
    // Reading the files needs no git.
    let validated = repo.lede().arg("validate").output().unwrap();
    assert_eq!(
        validated.status.code(),
        Some(0),
        "{}",
        transcript(&validated)
    );
    for args in [
        &["status"][..],
        &["log", "abraham-accords-explained"],
        &["submit", "abraham-accords-explained"],
    ] {
        let output = repo.lede().args(args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            transcript(&output)
        );
        let said = stderr(&output);
        assert!(
            said.starts_with("error: ")
                && said.contains("uses SHA-256 object names")
                && said.contains("git fast-export --all"),
            "{args:?}: {said}"
        );
        assert!(!said.contains("class="), "libgit2's raw text: {said}");
    }
    assert_eq!(stdout(&repo.git(&["status", "--porcelain"])), "");
}

/// The sample newsroom committed, with a directory lede does not use so
/// that a sparse checkout has something to leave out.
fn committed_with_extra_dir() -> TestRepo {
    let repo = TestRepo::sample();
    repo.write("press-kit/logo.txt", "logo\n");
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "sample"]);
    repo
}

fn diff_names_the_edit(repo: &TestRepo, shape: &str) {
    let path = "stories/2025/abraham-accords-explained.toml";
    repo.write(
        path,
        repo.read(path)
            .replace("headline = \"What are", "headline = \"What were"),
    );
    let output = repo
        .lede()
        .args(["diff", "--stat", "--exit-code"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{shape}: {}",
        transcript(&output)
    );
    assert!(
        stdout(&output).contains("abraham-accords-explained.toml | 1 part +1 −1"),
        "{shape}: {}",
        stdout(&output)
    );
}

#[test]
fn diff_reads_a_split_index() {
    let repo = committed_with_extra_dir();
    repo.git(&["update-index", "--split-index"]);
    assert!(repo.has_shared_index());
    diff_names_the_edit(&repo, "split index");
}

#[test]
fn diff_reads_a_sparse_index() {
    let repo = committed_with_extra_dir();
    repo.git(&[
        "sparse-checkout",
        "set",
        "--cone",
        "--sparse-index",
        "stories",
        "topics",
        "schemas",
    ]);
    assert!(
        !repo.root().join("press-kit").exists(),
        "the cone leaves it out"
    );
    diff_names_the_edit(&repo, "sparse index");
}

#[test]
fn git_variables_pointing_elsewhere_stop_a_commit_and_matching_ones_do_not() {
    let repo = TestRepo::committed_sample();
    let other = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("git")
        .args(["init", "-q", other.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(made.status.success());
    let head = || stdout(&repo.git(&["rev-parse", "HEAD"]));
    let before = head();
    let other_git = other.path().join(".git");
    let other_index = other.path().join("index");
    for (variable, value) in [
        ("GIT_DIR", other_git.as_path()),
        ("GIT_INDEX_FILE", other_index.as_path()),
        ("GIT_WORK_TREE", other.path()),
    ] {
        let output = repo
            .lede()
            .env(variable, value)
            .args(["submit", "abraham-accords-explained"])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{variable}: {}",
            transcript(&output)
        );
        assert!(
            stderr(&output).contains(&format!("{variable} is set to")),
            "{}",
            stderr(&output)
        );
        assert_eq!(head(), before, "{variable}: nothing was committed");
    }
    assert!(!other_index.exists());
    // As git's hooks set them: the repository lede is in.
    let output = repo
        .lede()
        .env("GIT_DIR", ".git")
        .env("GIT_INDEX_FILE", ".git/index")
        .args(["submit", "abraham-accords-explained"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_ne!(head(), before);
    assert_eq!(stdout(&repo.git(&["status", "--porcelain"])), "");
}

/// The sample committed with git's line-end conversion set up by `setup`
/// (a config or an attributes line), then checked out again so the
/// working tree has CRLF line ends.
fn crlf_newsroom(setup: impl Fn(&TestRepo)) -> TestRepo {
    let repo = TestRepo::sample();
    setup(&repo);
    repo.git(&["add", "."]);
    repo.git(&["commit", "-qm", "sample"]);
    std::fs::remove_dir_all(repo.root().join("stories")).unwrap();
    repo.git(&["checkout", "--", "stories"]);
    repo
}

fn lede_edits_only_the_lines_it_edits(repo: &TestRepo, shape: &str) {
    let path = "stories/2025/abraham-accords-explained.toml";
    assert!(
        repo.read(path).contains("\r\n"),
        "{shape}: checked out with CRLF"
    );
    for args in [
        &["submit", "abraham-accords-explained"][..],
        &[
            "edit",
            "abraham-accords-explained",
            "--headline",
            "What were the Abraham Accords?",
        ],
    ] {
        let output = repo.lede().args(args).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shape} {args:?}: {}",
            transcript(&output)
        );
        assert_eq!(
            stdout(&repo.git(&["status", "--porcelain"])),
            "",
            "{shape} {args:?}: no phantom change"
        );
        // submit: the status line; edit: the headline and the status line.
        let numstat = stdout(&repo.git(&["diff", "--numstat", "HEAD~1", "HEAD"]));
        let expected = if args[0] == "submit" {
            "1\t1\t"
        } else {
            "2\t2\t"
        };
        assert!(numstat.starts_with(expected), "{shape} {args:?}: {numstat}");
    }
    let committed = stdout(&repo.git(&["show", &format!("HEAD:{path}")]));
    assert!(
        !committed.contains('\r'),
        "{shape}: git's conversion applied"
    );
    let working = repo.read(path);
    assert_eq!(
        working.matches("\r\n").count(),
        working.matches('\n').count(),
        "{shape}: every line end in the working file is still CRLF"
    );
    repo.git(&["fsck", "--strict", "--no-dangling"]);
}

#[test]
fn core_autocrlf_is_honoured() {
    let repo = crlf_newsroom(|repo| {
        repo.git(&["config", "core.autocrlf", "true"]);
    });
    lede_edits_only_the_lines_it_edits(&repo, "core.autocrlf=true");
}

#[test]
fn eol_crlf_attributes_are_honoured() {
    let repo = crlf_newsroom(|repo| {
        repo.write(".gitattributes", "*.toml text eol=crlf\n");
    });
    lede_edits_only_the_lines_it_edits(&repo, "eol=crlf");
}
