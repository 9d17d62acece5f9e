//! The public site: records (from the published branch, or the working tree
//! for a preview) rendered into static HTML pages, JSON documents, feeds
//! and a sitemap.
//!
//! The pipeline is `load` (records as text, with their blob ids) → `build`
//! (parse, decide what is public, render in parallel, write). Templates are
//! minijinja, built into the binary and overridable one file at a time
//! from `templates/` in the content repository; every value is escaped
//! unless a template marks it `safe`, which the built-in ones do only for
//! Markdown already sanitised (`markdown::to_html`) and for JSON-LD
//! serialised so that it cannot end its `<script>` element.
//!
//! Rebuilds are incremental: `.lede-build.json` in the output directory
//! records, for each page, a fingerprint of everything it was made from
//! (its records' blob ids, the templates, the configuration, lede's
//! version). A page whose fingerprint is unchanged is neither rendered nor
//! written; the index, feeds and sitemap are rendered each time and written
//! only when their bytes change. Files a previous build made that are no
//! longer part of the site (a story retracted from the feeds, a removed
//! topic) are deleted; nothing else in the directory is touched.

pub mod load;
pub mod markdown;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value as Json, json};

use crate::newsroom::config::Config;

use crate::check::validate::is_valid_id;
use crate::record::model::{Story, Topic};

const BUILT_IN: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    ("story.html", include_str!("templates/story.html")),
    ("retracted.html", include_str!("templates/retracted.html")),
    ("index.html", include_str!("templates/index.html")),
    ("topic.html", include_str!("templates/topic.html")),
];
const STYLE: &str = include_str!("templates/style.css");
const MANIFEST: &str = ".lede-build.json";

#[derive(Debug, thiserror::Error)]
pub enum SiteError {
    #[error(
        "the output directory {0} is a symbolic link; lede writes only into a real directory inside the repository"
    )]
    SymlinkOut(PathBuf),
    #[error("the output directory {out} is outside the repository ({root})")]
    OutsideRepository { out: PathBuf, root: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("template {name}: {message}")]
    Template { name: String, message: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A record file as the site reads it.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: String,
    /// Git's blob id of the text: what the page fingerprints are made of.
    pub blob: String,
    pub text: String,
}

/// What a build did.
#[derive(Debug, Default, Serialize)]
pub struct BuildReport {
    pub stories: usize,
    pub retracted: usize,
    pub topics: usize,
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Stories left out until their embargo passes.
    pub embargoed: Vec<String>,
    /// Records left out, with the reason.
    pub skipped: Vec<(String, String)>,
}

/// Options of one build.
pub struct Options<'a> {
    pub config: &'a Config,
    /// The repository root: where `templates/` overrides are read from.
    pub root: &'a Path,
    pub out: &'a Path,
    /// Seconds since 1970: stories embargoed past this are left out.
    pub now: i64,
    /// A preview of the working tree: every page says it is a draft.
    pub draft: bool,
}

/// Checks the output directory: a real directory (or none yet) inside the
/// repository. Returns its absolute path.
pub fn output_dir(root: &Path, out: &Path) -> Result<PathBuf, SiteError> {
    let root = root.canonicalize().map_err(|source| SiteError::Read {
        path: root.to_owned(),
        source,
    })?;
    let absolute = if out.is_absolute() {
        out.to_owned()
    } else {
        root.join(out)
    };
    if std::fs::symlink_metadata(&absolute).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(SiteError::SymlinkOut(absolute));
    }
    let parent = absolute.parent().unwrap_or(&absolute);
    std::fs::create_dir_all(parent).map_err(|source| SiteError::Write {
        path: parent.to_owned(),
        source,
    })?;
    let resolved = parent
        .canonicalize()
        .map_err(|source| SiteError::Read {
            path: parent.to_owned(),
            source,
        })?
        .join(absolute.file_name().unwrap_or_default());
    if !resolved.starts_with(&root) || resolved == root {
        return Err(SiteError::OutsideRepository {
            out: resolved,
            root,
        });
    }
    Ok(resolved)
}

#[derive(Debug, Serialize)]
struct SiteContext {
    title: String,
    language: String,
    /// Root-relative prefix of every link ("/", or "/news/" for a site
    /// served from a sub-path).
    root: String,
    base_url: String,
}

#[derive(Debug, Clone)]
struct TopicRecord {
    id: String,
    name: String,
    kind: String,
    blurb: String,
    blob: String,
}

struct StoryRecord {
    slug: String,
    blob: String,
    story: Story,
    updated_seconds: i64,
}

struct Tombstone {
    slug: String,
    blob: String,
    headline: String,
    reason: String,
    retracted: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    /// Fingerprint of what every page depends on.
    global: String,
    /// Output file (relative to the output directory) → fingerprint.
    pages: BTreeMap<String, String>,
}

fn fingerprint(parts: &[&str]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for part in parts {
        part.hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// "2025-11-07T09:30:00Z" → "7 November 2025".
fn human_date(datetime: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = datetime.get(..10).unwrap_or(datetime);
    let mut parts = date.split('-');
    match (
        parts.next(),
        parts.next().and_then(|m| m.parse::<usize>().ok()),
        parts.next().and_then(|d| d.parse::<u32>().ok()),
    ) {
        (Some(year), Some(month @ 1..=12), Some(day)) => {
            format!("{day} {} {year}", MONTHS[month - 1])
        }
        _ => datetime.to_owned(),
    }
}

/// JSON for a `<script type="application/ld+json">` element: `<`, `>` and
/// `&` (and the two line separators JavaScript dislikes) are written as
/// escapes, so no text in a story can close the element.
pub fn script_safe_json(value: &Json) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(ch),
        }
    }
    out
}

/// A story in a sentence or two, as text: the start of "What's happened"
/// (or of its first section), for lists, feeds and the page description.
fn summary(story: &Story) -> String {
    story
        .section("whats-happened")
        .or_else(|| story.sections.values().next().map(|s| s.get_ref()))
        .map(|s| markdown::excerpt(&markdown::to_text(s.body.get_ref()), 200))
        .unwrap_or_default()
}

/// "Name <email>" → "Name": addresses are not published.
fn author_name(author: &str) -> String {
    author
        .split_once('<')
        .map_or(author, |(name, _)| name)
        .trim()
        .to_owned()
}

fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters outright.
            c if c.is_control() && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders `inputs` (story and topic records) into `options.out`.
pub fn build(inputs: &[Input], options: &Options<'_>) -> Result<BuildReport, SiteError> {
    let config = options.config;
    let mut report = BuildReport::default();
    let base_url = if config.site.base_url.ends_with('/') {
        config.site.base_url.clone()
    } else {
        format!("{}/", config.site.base_url)
    };
    let root_path = base_url
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
        .unwrap_or_else(|| "/".to_owned());
    let site = SiteContext {
        title: config
            .site
            .title
            .clone()
            .or_else(|| config.newsroom.name.clone())
            .unwrap_or_else(|| "News".to_owned()),
        language: config.site.language.clone(),
        root: root_path.clone(),
        base_url: base_url.clone(),
    };

    // Templates: built in, each overridable by templates/<name>.
    let mut sources: Vec<(String, String)> = Vec::new();
    for (name, built_in) in BUILT_IN {
        let custom = options.root.join("templates").join(name);
        let source = match std::fs::read_to_string(&custom) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => built_in.to_owned(),
            Err(source) => {
                return Err(SiteError::Read {
                    path: custom,
                    source,
                });
            }
        };
        sources.push((name.to_owned(), source));
    }
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in &sources {
        env.add_template_owned(name.clone(), source.clone())
            .map_err(|e| SiteError::Template {
                name: name.clone(),
                message: e.to_string(),
            })?;
    }
    let config_text = format!("{:?}", config.site);
    let mut global_parts: Vec<&str> = vec![
        env!("CARGO_PKG_VERSION"),
        &config_text,
        if options.draft { "draft" } else { "published" },
    ];
    for (_, source) in &sources {
        global_parts.push(source);
    }
    let global = fingerprint(&global_parts);

    // Records.
    let mut topics: BTreeMap<String, TopicRecord> = BTreeMap::new();
    let mut stories: Vec<StoryRecord> = Vec::new();
    let mut tombstones: Vec<Tombstone> = Vec::new();
    for input in inputs.iter().filter(|i| i.path.starts_with("topics/")) {
        let id = crate::record::collection::file_stem(&input.path);
        match Topic::from_toml(&input.text) {
            Ok(topic) if is_valid_id(id) && topic.id.get_ref() == id => {
                let kind = serde_json::to_value(topic.kind.get_ref())
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                topics.insert(
                    id.to_owned(),
                    TopicRecord {
                        id: id.to_owned(),
                        name: topic.name.get_ref().clone(),
                        kind,
                        blurb: topic.blurb.get_ref().clone(),
                        blob: input.blob.clone(),
                    },
                );
            }
            Ok(_) => report
                .skipped
                .push((input.path.clone(), "its id is not its file name".to_owned())),
            Err(error) => report.skipped.push((input.path.clone(), error.message)),
        }
    }
    enum Parsed {
        Story(Box<StoryRecord>),
        Tombstone(Tombstone),
        Embargoed(String),
        Skipped(String, String),
    }
    let parsed: Vec<Parsed> = inputs
        .par_iter()
        .filter(|i| i.path.starts_with("stories/"))
        .map(|input| {
            let slug = crate::record::collection::file_stem(&input.path).to_owned();
            if !is_valid_id(&slug) {
                return Parsed::Skipped(
                    input.path.clone(),
                    "its file name is not a valid slug".to_owned(),
                );
            }
            let table: Option<toml::Table> =
                toml::from_str(crate::text::source::strip_bom(&input.text)).ok();
            let status = table
                .as_ref()
                .and_then(|t| t.get("status")?.as_str().map(str::to_owned));
            if status.as_deref() == Some("retracted") {
                let get = |key: &str| {
                    table
                        .as_ref()
                        .and_then(|t| t.get(key))
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .unwrap_or_default()
                };
                return Parsed::Tombstone(Tombstone {
                    slug,
                    blob: input.blob.clone(),
                    headline: get("headline"),
                    reason: get("reason"),
                    retracted: get("retracted"),
                });
            }
            let story = match Story::from_toml(&input.text) {
                Ok(story) => story,
                Err(error) => return Parsed::Skipped(input.path.clone(), error.message),
            };
            if story.slug.get_ref() != &slug {
                return Parsed::Skipped(
                    input.path.clone(),
                    "its slug is not its file name".to_owned(),
                );
            }
            if let Some(embargo) = &story.embargo
                && crate::record::document::instant(embargo.get_ref())
                    .is_some_and(|(until, _)| until > options.now)
            {
                return Parsed::Embargoed(slug);
            }
            let updated_seconds =
                crate::record::document::instant(story.updated.get_ref()).map_or(0, |(s, _)| s);
            Parsed::Story(Box::new(StoryRecord {
                slug,
                blob: input.blob.clone(),
                story,
                updated_seconds,
            }))
        })
        .collect();
    for item in parsed {
        match item {
            Parsed::Story(record) => stories.push(*record),
            Parsed::Tombstone(tombstone) => tombstones.push(tombstone),
            Parsed::Embargoed(slug) => report.embargoed.push(slug),
            Parsed::Skipped(path, reason) => report.skipped.push((path, reason)),
        }
    }
    stories.sort_by(|a, b| {
        b.updated_seconds
            .cmp(&a.updated_seconds)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    report.stories = stories.len();
    report.retracted = tombstones.len();
    report.topics = topics.len();

    std::fs::create_dir_all(options.out).map_err(|source| SiteError::Write {
        path: options.out.to_owned(),
        source,
    })?;
    let manifest_path = options.out.join(MANIFEST);
    let old_manifest: Manifest = std::fs::read_to_string(&manifest_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let old_pages = if old_manifest.global == global {
        old_manifest.pages.clone()
    } else {
        BTreeMap::new()
    };

    let story_url = |slug: &str| format!("{root_path}stories/{slug}/");
    let topic_url = |id: &str| format!("{root_path}topics/{id}/");

    // What each page is: output path, fingerprint, and how to render it.
    enum Page<'r> {
        /// The story's HTML page and its JSON document, made from one
        /// rendering of its record.
        Story(&'r StoryRecord),
        Tombstone(&'r Tombstone),
        Topic(&'r TopicRecord, Vec<&'r StoryRecord>),
    }
    let mut pages: Vec<(Vec<String>, String, Page<'_>)> = Vec::new();
    for record in &stories {
        let mut parts = vec![global.as_str(), record.blob.as_str()];
        for topic in &record.story.topics {
            parts.push(topics.get(topic.get_ref()).map_or("", |t| t.blob.as_str()));
        }
        let paths = vec![
            format!("stories/{}/index.html", record.slug),
            format!("stories/{}.json", record.slug),
        ];
        pages.push((paths, fingerprint(&parts), Page::Story(record)));
    }
    for tombstone in &tombstones {
        pages.push((
            vec![format!("stories/{}/index.html", tombstone.slug)],
            fingerprint(&[&global, &tombstone.blob]),
            Page::Tombstone(tombstone),
        ));
    }
    let mut members_of: BTreeMap<&str, Vec<&StoryRecord>> = BTreeMap::new();
    for record in &stories {
        for topic in &record.story.topics {
            members_of
                .entry(topic.get_ref().as_str())
                .or_default()
                .push(record);
        }
    }
    for topic in topics.values() {
        let members: Vec<&StoryRecord> = members_of.remove(topic.id.as_str()).unwrap_or_default();
        let mut parts = vec![global.as_str(), topic.blob.as_str()];
        for member in &members {
            parts.push(&member.blob);
        }
        pages.push((
            vec![format!("topics/{}/index.html", topic.id)],
            fingerprint(&parts),
            Page::Topic(topic, members),
        ));
    }

    // What lists (the index, topic pages, feeds) show of a story: made once
    // per story, without rendering its Markdown to HTML.
    let listings: std::collections::HashMap<&str, Json> = stories
        .par_iter()
        .map(|record| {
            let story = &record.story;
            let updated = story.updated.get_ref().to_string();
            let published = story
                .published
                .as_ref()
                .map(|p| p.get_ref().to_string())
                .unwrap_or_else(|| story.created.get_ref().to_string());
            let authors: Vec<String> = story
                .authors
                .iter()
                .map(|a| author_name(a.get_ref()))
                .collect();
            (
                record.slug.as_str(),
                json!({
                    "slug": record.slug,
                    "headline": story.headline.get_ref(),
                    "url": story_url(&record.slug),
                    "absolute_url": format!("{base_url}stories/{}/", record.slug),
                    "updated": updated,
                    "updated_text": human_date(&updated),
                    "published": published,
                    "summary": summary(story),
                    "authors": authors,
                }),
            )
        })
        .collect();
    let listed = |record: &StoryRecord| -> Json {
        listings
            .get(record.slug.as_str())
            .cloned()
            .unwrap_or(Json::Null)
    };
    let story_context = |record: &StoryRecord| -> Json {
        let story = &record.story;
        let order = story.reading_order();
        let sections: Vec<Json> = order
            .iter()
            .filter_map(|id| story.section(id).map(|section| (id, section)))
            .map(|(id, section)| {
                let sources: Vec<Json> = section
                    .sources
                    .iter()
                    .map(|source| {
                        let source = source.get_ref();
                        // Only web links: a source URL is an attribute value
                        // the template escapes, but a `javascript:` URL is
                        // still a link.
                        let url = source
                            .url
                            .as_ref()
                            .map(|u| u.get_ref().trim().to_owned())
                            .filter(|u| markdown::is_web_url(u));
                        json!({ "outlet": source.outlet.get_ref(), "url": url, "gist": source.gist.get_ref() })
                    })
                    .collect();
                json!({
                    "id": id,
                    "title": section.title.get_ref(),
                    "html": markdown::to_html(section.body.get_ref()),
                    "body": section.body.get_ref(),
                    "sources": sources,
                })
            })
            .collect();
        let faq: Vec<Json> = story
            .faq
            .iter()
            .map(|entry| {
                let entry = entry.get_ref();
                json!({
                    "id": entry.id.get_ref(),
                    "question": entry.question.get_ref(),
                    "html": markdown::to_html(entry.answer.get_ref()),
                    "answer": entry.answer.get_ref(),
                })
            })
            .collect();
        let story_topics: Vec<Json> = story
            .topics
            .iter()
            .filter_map(|id| topics.get(id.get_ref()))
            .map(|topic| json!({ "id": topic.id, "name": topic.name, "blurb": markdown::to_text(&topic.blurb), "url": topic_url(&topic.id) }))
            .collect();
        let corrections: Vec<Json> = story
            .corrections
            .iter()
            .map(|c| {
                let c = c.get_ref();
                let at = c.at.get_ref().to_string();
                json!({ "at": at, "at_text": human_date(&at), "note": c.note.get_ref() })
            })
            .collect();
        // The page is the story's listing and everything else about it.
        let mut context = listed(record);
        let status = serde_json::to_value(story.status.get_ref()).unwrap_or(Json::Null);
        let mut graph = vec![json!({
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.headline.get_ref(),
            "datePublished": context["published"],
            "dateModified": context["updated"],
            "author": context["authors"].as_array().into_iter().flatten().map(|name| json!({ "@type": "Person", "name": name })).collect::<Vec<_>>(),
            "mainEntityOfPage": context["absolute_url"],
            "description": context["summary"],
            "correction": story.corrections.iter().map(|c| {
                let c = c.get_ref();
                json!({ "@type": "CorrectionComment", "text": c.note.get_ref(), "datePublished": c.at.get_ref().to_string() })
            }).collect::<Vec<_>>(),
        })];
        if !story.faq.is_empty() {
            graph.push(json!({
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": story.faq.iter().map(|entry| {
                    let entry = entry.get_ref();
                    json!({
                        "@type": "Question",
                        "name": entry.question.get_ref(),
                        "acceptedAnswer": { "@type": "Answer", "text": markdown::to_text(entry.answer.get_ref()) },
                    })
                }).collect::<Vec<_>>(),
            }));
        }
        if let Some(fields) = context.as_object_mut() {
            fields.insert("status".into(), status);
            fields.insert(
                "revision".into(),
                json!(story.revision.as_ref().map(|r| *r.get_ref())),
            );
            fields.insert("desk".into(), json!(story.desk.get_ref()));
            fields.insert("sections".into(), Json::Array(sections));
            fields.insert("faq".into(), Json::Array(faq));
            fields.insert("topics".into(), Json::Array(story_topics));
            fields.insert("corrections".into(), Json::Array(corrections));
            fields.insert(
                "json_ld".into(),
                Json::String(script_safe_json(&Json::Array(graph))),
            );
        }
        context
    };
    let render = |name: &str, context: Json| -> Result<String, SiteError> {
        let template = env.get_template(name).map_err(|e| SiteError::Template {
            name: name.to_owned(),
            message: e.to_string(),
        })?;
        template
            .render(minijinja::context! { site => &site, draft => options.draft, ..minijinja::Value::from_serialize(&context) })
            .map_err(|e| SiteError::Template { name: name.to_owned(), message: format!("{e:#}") })
    };

    // Per output file: its path, fingerprint and whether it was written.
    type Outputs = Vec<(String, String, bool)>;
    let results: Vec<Result<Outputs, SiteError>> = pages
        .par_iter()
        .map(|(paths, print, page)| {
            let current = paths.iter().all(|path| old_pages.get(path) == Some(print) && options.out.join(path).is_file());
            if current {
                return Ok(paths.iter().map(|path| (path.clone(), print.clone(), false)).collect());
            }
            let outputs: Vec<String> = match page {
                Page::Story(record) => {
                    let context = story_context(record);
                    let html = render("story.html", json!({ "story": &context }))?;
                    let mut document = context;
                    if let Some(object) = document.as_object_mut() {
                        object.remove("json_ld");
                        for list in ["sections", "faq"] {
                            for item in object.get_mut(list).and_then(Json::as_array_mut).into_iter().flatten() {
                                if let Some(item) = item.as_object_mut() {
                                    item.remove("html");
                                }
                            }
                        }
                    }
                    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
                    text.push('\n');
                    vec![html, text]
                }
                Page::Tombstone(tombstone) => vec![render(
                    "retracted.html",
                    json!({ "story": {
                        "slug": tombstone.slug,
                        "headline": tombstone.headline,
                        "reason": tombstone.reason,
                        "retracted": tombstone.retracted,
                        "retracted_text": human_date(&tombstone.retracted),
                    }}),
                )?],
                Page::Topic(topic, members) => vec![render(
                    "topic.html",
                    json!({
                        "topic": { "id": topic.id, "name": topic.name, "kind": topic.kind, "html": markdown::to_html(&topic.blurb) },
                        "stories": members.iter().map(|m| listed(m)).collect::<Vec<_>>(),
                    }),
                )?],
            };
            let mut done = Vec::new();
            for (path, bytes) in paths.iter().zip(outputs) {
                let written = write_if_changed(&options.out.join(path), bytes.as_bytes())?;
                done.push((path.clone(), print.clone(), written));
            }
            Ok(done)
        })
        .collect();
    let mut new_pages = BTreeMap::new();
    for result in results {
        for (path, print, written) in result? {
            if written {
                report.written += 1;
            } else {
                report.unchanged += 1;
            }
            new_pages.insert(path, print);
        }
    }

    // The index, the feeds and the sitemap.
    let latest: Vec<&StoryRecord> = stories.iter().take(config.site.latest).collect();
    let latest_json: Vec<Json> = latest.iter().map(|r| listed(r)).collect();
    let index = render("index.html", json!({ "stories": latest_json }))?;
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": base_url,
        "feed_url": format!("{base_url}feed.json"),
        "language": site.language,
        "items": latest_json.iter().map(|item| json!({
            "id": item["absolute_url"],
            "url": item["absolute_url"],
            "title": item["headline"],
            "summary": item["summary"],
            "content_text": item["summary"],
            "date_published": item["published"],
            "date_modified": item["updated"],
            "authors": item["authors"].as_array().into_iter().flatten().map(|name| json!({ "name": name })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let mut feed_text = serde_json::to_string_pretty(&feed).unwrap_or_default();
    feed_text.push('\n');
    let updated_all = latest_json
        .first()
        .and_then(|item| item["updated"].as_str())
        .unwrap_or("1970-01-01T00:00:00Z")
        .to_owned();
    let mut atom = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<link rel=\"self\" href=\"{}atom.xml\"/>\n<updated>{}</updated>\n",
        xml_escape(&site.language),
        xml_escape(&site.title),
        xml_escape(&base_url),
        xml_escape(&base_url),
        xml_escape(&base_url),
        xml_escape(&updated_all)
    );
    for item in &latest_json {
        let text = |key: &str| xml_escape(item[key].as_str().unwrap_or_default());
        atom.push_str(&format!(
            "<entry>\n<title>{}</title>\n<id>{}</id>\n<link href=\"{}\"/>\n<published>{}</published>\n<updated>{}</updated>\n",
            text("headline"),
            text("absolute_url"),
            text("absolute_url"),
            text("published"),
            text("updated")
        ));
        for author in item["authors"].as_array().into_iter().flatten() {
            atom.push_str(&format!(
                "<author><name>{}</name></author>\n",
                xml_escape(author.as_str().unwrap_or_default())
            ));
        }
        atom.push_str(&format!(
            "<summary>{}</summary>\n</entry>\n",
            text("summary")
        ));
    }
    atom.push_str("</feed>\n");
    let mut sitemap = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    sitemap.push_str(&format!(
        "<url><loc>{}</loc></url>\n",
        xml_escape(&base_url)
    ));
    for record in &stories {
        sitemap.push_str(&format!(
            "<url><loc>{}stories/{}/</loc><lastmod>{}</lastmod></url>\n",
            xml_escape(&base_url),
            record.slug,
            xml_escape(&record.story.updated.get_ref().to_string())
        ));
    }
    for topic in topics.values() {
        sitemap.push_str(&format!(
            "<url><loc>{}topics/{}/</loc></url>\n",
            xml_escape(&base_url),
            topic.id
        ));
    }
    sitemap.push_str("</urlset>\n");
    for (path, bytes) in [
        ("index.html", index.as_str()),
        ("feed.json", feed_text.as_str()),
        ("atom.xml", atom.as_str()),
        ("sitemap.xml", sitemap.as_str()),
        ("style.css", STYLE),
    ] {
        if write_if_changed(&options.out.join(path), bytes.as_bytes())? {
            report.written += 1;
        } else {
            report.unchanged += 1;
        }
    }

    // Pages of the last build that are no longer part of the site.
    let wanted: BTreeSet<&String> = new_pages.keys().collect();
    for stale in old_manifest.pages.keys().filter(|p| !wanted.contains(p)) {
        let safe = !stale.starts_with('/')
            && !stale.split('/').any(|part| part == ".." || part.is_empty());
        if safe && std::fs::remove_file(options.out.join(stale)).is_ok() {
            report.removed += 1;
            if let Some(dir) = options.out.join(stale).parent() {
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
    let manifest = Manifest {
        global,
        pages: new_pages,
    };
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    text.push('\n');
    write_if_changed(&manifest_path, text.as_bytes())?;
    Ok(report)
}

/// Writes `bytes` unless the file already holds exactly them. Returns
/// whether it wrote.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool, SiteError> {
    if std::fs::read(path).is_ok_and(|existing| existing == bytes) {
        return Ok(false);
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| SiteError::Write {
            path: parent.to_owned(),
            source,
        })?;
    }
    // Replaced by rename, so a reader never sees half a page; not synced to
    // disk file by file, since a site is rebuilt from git after a crash.
    let temporary = path.with_extension(format!("lede-{}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|source| {
            let _ = std::fs::remove_file(&temporary);
            SiteError::Write {
                path: path.to_owned(),
                source,
            }
        })?;
    Ok(true)
}

/// Renders `inputs` as of the current time (`LEDE_NOW` pins it).
pub fn build_at_now(
    root: &Path,
    config: &Config,
    inputs: &[Input],
    out: &Path,
    draft: bool,
) -> Result<BuildReport, SiteError> {
    let now = crate::record::document::now()
        .parse::<toml::value::Datetime>()
        .ok()
        .and_then(|n| crate::record::document::instant(&n))
        .map_or(0, |(seconds, _)| seconds);
    build(
        inputs,
        &Options {
            config,
            root,
            out,
            now,
            draft,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_its_script_element() {
        let text = script_safe_json(
            &json!({ "headline": "</script><script>alert(1)</script> & \u{2028}" }),
        );
        assert!(!text.contains("</script"), "{text}");
        assert!(!text.contains('<') && !text.contains('&'));
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back["headline"],
            "</script><script>alert(1)</script> & \u{2028}"
        );
    }

    #[test]
    fn dates_and_authors_for_readers() {
        assert_eq!(human_date("2025-11-07T09:30:00Z"), "7 November 2025");
        assert_eq!(
            author_name("Ada Reporter <ada@example.org>"),
            "Ada Reporter"
        );
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
