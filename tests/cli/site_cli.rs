//! `lede build` and `lede preview` end to end: the built tree, what must
//! never appear in it, structured data, safety against hostile text, and
//! incremental rebuilds.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;

use crate::common::{self, TestRepo, stderr, stdout};

const SLUG: &str = "abraham-accords-explained";
const STORY: &str = "stories/2025/abraham-accords-explained.toml";

/// A newsroom whose explainer was published the way lede publishes: by a
/// commit on the published branch. (The workflow itself is tested in
/// publish_cli.rs; here the published branch is made with plain git so the
/// records can carry anything.)
fn published(stories: &[(&str, &str)]) -> TestRepo {
    let repo = TestRepo::committed_sample();
    repo.git(&["checkout", "-q", "--orphan", "published"]);
    repo.git(&["rm", "-rq", "--cached", "."]);
    for (path, text) in stories {
        repo.write(path, text);
        repo.git(&["add", path]);
    }
    for topic in std::fs::read_dir(repo.path("topics")).unwrap() {
        let name = topic.unwrap().file_name().to_string_lossy().into_owned();
        repo.git(&["add", &format!("topics/{name}")]);
    }
    repo.git(&["commit", "-qm", "publish"]);
    repo.git(&["checkout", "-qf", "main"]);
    repo.git(&["clean", "-qfd"]);
    repo
}

fn explainer() -> String {
    common::project_root()
        .join(STORY)
        .to_str()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .unwrap()
        .replace("status = \"draft\"", "status = \"published\"")
}

fn build(repo: &TestRepo, now: &str) -> std::process::Output {
    let output = repo
        .lede()
        .env("LEDE_NOW", now)
        .args(["build"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

fn read(repo: &TestRepo, path: &str) -> String {
    std::fs::read_to_string(repo.path(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The JSON-LD of a page, parsed.
fn json_ld(html: &str) -> serde_json::Value {
    let start = html
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).expect("the JSON-LD parses")
}

#[test]
fn every_published_story_has_its_page_feed_entry_json_and_structured_data() {
    let repo = published(&[(STORY, &explainer())]);
    let output = build(&repo, "2025-11-09T00:00:00Z");
    assert!(
        stdout(&output).starts_with("Built 1 stories and 8 topics from published into public/"),
        "{}",
        stdout(&output)
    );

    let page = read(&repo, &format!("public/stories/{SLUG}/index.html"));
    assert!(page.contains("<h1>What are the Abraham Accords?</h1>"));
    for heading in ["What&#x27;s happened", "Go deeper", "More on these topics"] {
        assert!(page.contains(heading), "{heading} missing");
    }
    assert!(
        page.contains("href=\"&#x2f;topics&#x2f;kazakhstan&#x2f;\""),
        "topic links"
    );
    assert!(
        !page.contains("@example.org"),
        "author emails are not published"
    );

    let data = json_ld(&page);
    let article = &data[0];
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(article["headline"], "What are the Abraham Accords?");
    assert_eq!(article["dateModified"], "2025-11-07T11:15:00Z");
    assert_eq!(article["author"][0]["name"], "Priya Raman");
    let record: toml::Table = toml::from_str(&explainer()).unwrap();
    let faq = record["faq"].as_array().unwrap();
    assert_eq!(data[1]["@type"], "FAQPage");
    assert_eq!(data[1]["mainEntity"].as_array().unwrap().len(), faq.len());
    assert_eq!(
        data[1]["mainEntity"][0]["name"],
        faq[0]["question"].as_str().unwrap()
    );

    let document: serde_json::Value =
        serde_json::from_str(&read(&repo, &format!("public/stories/{SLUG}.json"))).unwrap();
    assert_eq!(document["headline"], "What are the Abraham Accords?");
    assert_eq!(document["sections"][0]["id"], "whats-happened");

    let feed: serde_json::Value = serde_json::from_str(&read(&repo, "public/feed.json")).unwrap();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        feed["items"][0]["url"],
        format!("http://localhost:8000/stories/{SLUG}/")
    );
    assert!(
        read(&repo, "public/atom.xml").contains("<title>What are the Abraham Accords?</title>")
    );
    assert!(
        read(&repo, "public/sitemap.xml")
            .contains(&format!("<loc>http://localhost:8000/stories/{SLUG}/</loc>"))
    );
    assert!(read(&repo, "public/index.html").contains("What are the Abraham Accords?"));
    let topic = read(&repo, "public/topics/kazakhstan/index.html");
    assert!(
        topic.contains("<h1>Kazakhstan</h1>") && topic.contains("What are the Abraham Accords?")
    );
}

#[test]
fn a_draft_edit_in_the_working_tree_appears_nowhere() {
    let repo = published(&[(STORY, &explainer())]);
    repo.write(
        STORY,
        explainer().replace(
            "What are the Abraham Accords?",
            "DRAFT HEADLINE NOT FOR READERS",
        ),
    );
    repo.write(
        "stories/2026/secret-draft.toml",
        common::SAMPLE_STORY.replace("kazakhstan-joins-abraham-accords", "secret-draft"),
    );
    build(&repo, "2025-11-09T00:00:00Z");
    let mut everything = String::new();
    for entry in walk(&repo.path("public")) {
        everything.push_str(&std::fs::read_to_string(entry).unwrap());
    }
    assert!(!everything.contains("DRAFT HEADLINE"));
    assert!(!everything.contains("secret-draft"));
    assert!(!repo.path("public/stories/secret-draft").exists());
}

#[test]
fn an_embargoed_story_is_absent_until_its_time() {
    let embargoed = explainer().replace("updated = ", "embargo = 2025-11-10T06:00:00Z\nupdated = ");
    let repo = published(&[(STORY, &embargoed)]);
    let early = build(&repo, "2025-11-10T05:59:59Z");
    assert!(
        stdout(&early).contains(&format!("Embargoed, not built yet: {SLUG}.")),
        "{}",
        stdout(&early)
    );
    assert!(
        !repo
            .path(&format!("public/stories/{SLUG}/index.html"))
            .exists()
    );
    assert!(!read(&repo, "public/feed.json").contains(SLUG));
    assert!(!read(&repo, "public/sitemap.xml").contains(SLUG));
    build(&repo, "2025-11-10T06:00:00Z");
    assert!(
        repo.path(&format!("public/stories/{SLUG}/index.html"))
            .exists()
    );
    assert!(read(&repo, "public/feed.json").contains(SLUG));
}

#[test]
fn a_retracted_story_has_a_notice_and_leaves_the_feeds() {
    let repo = published(&[(STORY, &explainer())]);
    build(&repo, "2025-11-09T00:00:00Z");
    assert!(read(&repo, "public/feed.json").contains(SLUG));
    repo.git(&["checkout", "-q", "published"]);
    repo.write(
        STORY,
        "slug = \"abraham-accords-explained\"\nheadline = \"What are the Abraham Accords?\"\nstatus = \"retracted\"\nrevision = 2\nretracted = 2025-11-09T10:00:00Z\nreason = \"The central claim could not be verified.\"\n",
    );
    repo.git(&["commit", "-qam", "retract"]);
    repo.git(&["checkout", "-q", "main"]);
    let output = build(&repo, "2025-11-09T12:00:00Z");
    assert!(
        stdout(&output).contains("1 retracted stories have a retraction notice."),
        "{}",
        stdout(&output)
    );
    let notice = read(&repo, &format!("public/stories/{SLUG}/index.html"));
    assert!(
        notice.contains("This story has been retracted")
            && notice.contains("The central claim could not be verified.")
    );
    assert!(!notice.contains("Go deeper"));
    for file in [
        "public/feed.json",
        "public/atom.xml",
        "public/index.html",
        "public/sitemap.xml",
    ] {
        assert!(
            !read(&repo, file).contains(SLUG),
            "{file} still lists the story"
        );
    }
    assert!(
        !repo.path(&format!("public/stories/{SLUG}.json")).exists(),
        "its JSON document is gone"
    );
}

/// Hostile text in every field a person writes.
const VECTORS: [&str; 12] = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)><circle/></svg>",
    "<a href=\"javascript&#58;alert(1)\">x</a>",
    "</script><script>alert(1)</script>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "# Heading {#id onclick=alert(1)}",
    "\"><body onload=alert(1)>",
];

#[test]
fn hostile_text_produces_nothing_executable() {
    let all = VECTORS.join("\n\n");
    // Every body, answer, question, title, outlet, gist, URL and note.
    let mut table: toml::Table = toml::from_str(&explainer()).unwrap();
    table.insert("headline".into(), toml::Value::String(VECTORS.join(" ")));
    for (_, section) in table["sections"].as_table_mut().unwrap().iter_mut() {
        let section = section.as_table_mut().unwrap();
        section.insert("body".into(), toml::Value::String(all.clone()));
        section.insert("title".into(), toml::Value::String(VECTORS[7].into()));
        section.insert(
            "sources".into(),
            toml::Value::Array(vec![toml::Value::Table(
                toml::toml! { outlet = "<script>alert(1)</script>" gist = "</script><img src=x onerror=alert(1)>" url = "javascript:alert(1)" },
            )]),
        );
    }
    for entry in table["faq"].as_array_mut().unwrap() {
        let entry = entry.as_table_mut().unwrap();
        entry.insert("question".into(), toml::Value::String(VECTORS.join(" ")));
        entry.insert("answer".into(), toml::Value::String(all.clone()));
    }
    table.insert(
        "corrections".into(),
        toml::Value::Array(vec![toml::Value::Table(
            toml::toml! { at = 2025-11-08T10:00:00Z note = "<script>alert(1)</script>" },
        )]),
    );
    let hostile = toml::to_string(&table).unwrap();
    let repo = published(&[(STORY, &hostile)]);
    build(&repo, "2025-11-09T00:00:00Z");

    for file in walk(&repo.path("public"))
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "html"))
    {
        let html = std::fs::read_to_string(&file).unwrap();
        let lower = html.to_lowercase();
        // The only script element is the JSON-LD, whose text cannot close it.
        assert_eq!(
            lower.matches("<script").count(),
            lower
                .matches("<script type=\"application/ld+json\">")
                .count(),
            "{file:?}"
        );
        if lower.contains("application/ld+json") {
            let data = json_ld(&html);
            assert!(
                data.to_string().contains("</script>"),
                "the text survives inside the data, escaped"
            );
        }
        for bad in [
            "onerror=",
            "onload=",
            "onclick=",
            "javascript:",
            "data:text",
            "<iframe",
            "<svg",
            "style=",
            "<img",
        ] {
            // Inside escaped text these appear only with their `<` or `"` escaped.
            for (at, _) in lower.match_indices(bad) {
                let before = &lower[at.saturating_sub(40)..at];
                assert!(
                    !before.contains('<')
                        || before.contains("&lt;")
                        || before.rfind('>') > before.rfind('<'),
                    "{bad} is live in {file:?}: …{}…",
                    &html[at.saturating_sub(60)..(at + 40).min(html.len())]
                );
            }
        }
        assert!(!lower.contains("href=\"javascript"), "{file:?}");
    }
}

#[test]
fn rebuilds_rewrite_only_what_changed() {
    let second = common::SAMPLE_STORY.replace("status = \"draft\"", "status = \"published\"");
    let repo = published(&[
        (STORY, &explainer()),
        (
            "stories/2025/kazakhstan-joins-abraham-accords.toml",
            &second,
        ),
    ]);
    build(&repo, "2025-11-09T00:00:00Z");
    let again = build(&repo, "2025-11-09T00:00:00Z");
    assert!(
        stdout(&again).contains(" 0 files written,"),
        "{}",
        stdout(&again)
    );

    // Publish a change to the explainer only.
    repo.git(&["checkout", "-q", "published"]);
    repo.write(
        STORY,
        explainer().replacen("Bahrain", "the Kingdom of Bahrain", 1),
    );
    repo.git(&["commit", "-qam", "publish revision 2"]);
    repo.git(&["checkout", "-q", "main"]);
    let other_page = repo.path("public/stories/kazakhstan-joins-abraham-accords/index.html");
    let before = std::fs::metadata(&other_page).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let rebuilt = build(&repo, "2025-11-09T00:00:00Z");
    let text = stdout(&rebuilt);
    // The story's page and its JSON. Its five topic pages were rendered
    // again (a story they list changed) but came out the same, as did the
    // index and feeds (the change is not in a headline or summary), so
    // they were not rewritten; no other story's page was rendered at all.
    assert!(text.contains(" 2 files written,"), "{text}");
    assert_eq!(
        std::fs::metadata(&other_page).unwrap().modified().unwrap(),
        before,
        "an unrelated page was rewritten"
    );
    assert!(
        read(&repo, &format!("public/stories/{SLUG}/index.html")).contains("Kingdom of Bahrain")
    );
}

#[test]
fn an_output_directory_outside_the_repository_or_behind_a_link_is_refused() {
    let repo = published(&[(STORY, &explainer())]);
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), repo.path("public")).unwrap();
    let output = repo.lede().args(["build"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is a symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    let output = repo
        .lede()
        .args(["build", "--out", elsewhere.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is outside the repository"),
        "{}",
        stderr(&output)
    );
    let output = repo
        .lede()
        .args(["build", "--out", "../escape"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn templates_are_overridable_file_by_file() {
    let repo = published(&[(STORY, &explainer())]);
    repo.write("templates/index.html", "{% extends \"base.html\" %}{% block content %}<p>Our own front page: {{ stories | length }} stories.</p>{% endblock %}");
    build(&repo, "2025-11-09T00:00:00Z");
    assert!(read(&repo, "public/index.html").contains("<p>Our own front page: 1 stories.</p>"));
    // Other pages still use the built-in templates.
    assert!(read(&repo, &format!("public/stories/{SLUG}/index.html")).contains("Go deeper"));
    // A broken template is reported, not half-applied.
    repo.write("templates/story.html", "{% block %}");
    let output = repo.lede().args(["build"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("template story.html"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn preview_serves_the_site_and_marks_drafts() {
    let repo = published(&[(STORY, &explainer())]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lede"))
        .env_clear()
        .envs(common::test_env(repo.root()))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(repo.root())
        .args(["preview", "--port", "0", "--working"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the URL")
        .to_owned();
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let get = |path: &str| -> String {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    };
    let page = get(&format!("/stories/{SLUG}/"));
    assert!(page.starts_with("HTTP/1.1 200 OK"), "{page}");
    assert!(page.contains("Draft preview"), "drafts are marked");
    assert!(get("/../../etc/passwd").starts_with("HTTP/1.1 404"));
    assert!(get("/.lede-build.json").starts_with("HTTP/1.1 404"));

    // An edit is rebuilt.
    repo.write(
        STORY,
        repo.read(STORY)
            .replace("What are the Abraham Accords?", "Edited while previewing"),
    );
    let mut seen = false;
    for _ in 0..40 {
        std::thread::sleep(std::time::Duration::from_millis(250));
        if get(&format!("/stories/{SLUG}/")).contains("Edited while previewing") {
            seen = true;
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(seen, "the preview did not pick up the edit");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
