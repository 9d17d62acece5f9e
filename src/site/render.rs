//! Rendering: from the public records and the templates to the bytes of
//! every page, without touching the disk. `plan` says which pages the site
//! has and what each is made of (its fingerprint); `Plan::render` makes one
//! page's files, `Plan::lists` the index, feeds and sitemap.

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::{Value as Json, json};

use crate::newsroom::config::Config;
use crate::record::model::Story;
use crate::site::records::{Records, StoryRecord, Tombstone, TopicRecord};
use crate::site::{SiteError, feeds, markdown};

/// The templates a site is rendered with, by file name.
pub const BUILT_IN: [(&str, &str); 5] = [
    ("base.html", include_str!("templates/base.html")),
    ("story.html", include_str!("templates/story.html")),
    ("retracted.html", include_str!("templates/retracted.html")),
    ("index.html", include_str!("templates/index.html")),
    ("topic.html", include_str!("templates/topic.html")),
];
pub const STYLE: &str = include_str!("templates/style.css");

#[derive(Debug, Serialize)]
pub struct SiteContext {
    pub title: String,
    pub language: String,
    /// Root-relative prefix of every link ("/", or "/news/" for a site
    /// served from a sub-path).
    pub root: String,
    pub base_url: String,
}

impl SiteContext {
    pub fn new(config: &Config) -> SiteContext {
        let base_url = if config.site.base_url.ends_with('/') {
            config.site.base_url.clone()
        } else {
            format!("{}/", config.site.base_url)
        };
        let root = base_url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|at| rest[at..].to_owned()))
            .unwrap_or_else(|| "/".to_owned());
        SiteContext {
            title: config
                .site
                .title
                .clone()
                .or_else(|| config.newsroom.name.clone())
                .unwrap_or_else(|| "News".to_owned()),
            language: config.site.language.clone(),
            root,
            base_url,
        }
    }
}

/// The compiled templates and what every page shares.
pub struct Renderer {
    env: minijinja::Environment<'static>,
    pub site: SiteContext,
    draft: bool,
    latest: usize,
    /// Fingerprint of what every page depends on: lede's version, the site
    /// configuration, the templates, and whether this is a draft.
    pub global: String,
}

impl Renderer {
    /// `templates` are (file name, source) for each of `BUILT_IN`'s names.
    pub fn new(
        templates: &[(String, String)],
        config: &Config,
        draft: bool,
    ) -> Result<Renderer, SiteError> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        for (name, source) in templates {
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
            if draft { "draft" } else { "published" },
        ];
        for (_, source) in templates {
            global_parts.push(source);
        }
        Ok(Renderer {
            global: fingerprint(&global_parts),
            env,
            site: SiteContext::new(config),
            draft,
            latest: config.site.latest,
        })
    }

    fn render(&self, name: &str, context: Json) -> Result<String, SiteError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|e| SiteError::Template {
                name: name.to_owned(),
                message: e.to_string(),
            })?;
        template
            .render(minijinja::context! { site => &self.site, draft => self.draft, ..minijinja::Value::from_serialize(&context) })
            .map_err(|e| SiteError::Template { name: name.to_owned(), message: format!("{e:#}") })
    }
}

/// One page of the site: the files it writes, made from one rendering.
pub struct Page<'r> {
    /// Output files, relative to the output directory.
    pub paths: Vec<String>,
    /// A digest of everything the files are made from.
    pub fingerprint: String,
    kind: Kind<'r>,
}

enum Kind<'r> {
    /// The story's HTML page and its JSON document.
    Story(&'r StoryRecord),
    Tombstone(&'r Tombstone),
    Topic(&'r TopicRecord, Vec<&'r StoryRecord>),
}

/// Every page of a site, and the story listings its lists are made of.
pub struct Plan<'r> {
    records: &'r Records,
    renderer: &'r Renderer,
    pub pages: Vec<Page<'r>>,
    /// What lists (the index, topic pages, feeds) show of each story.
    listings: HashMap<&'r str, Json>,
}

/// The pages of `records`, each with its fingerprint.
pub fn plan<'r>(records: &'r Records, renderer: &'r Renderer) -> Plan<'r> {
    let global = renderer.global.as_str();
    let mut pages = Vec::new();
    for record in &records.stories {
        let mut parts = vec![global, record.blob.as_str()];
        for topic in &record.story.topics {
            parts.push(
                records
                    .topics
                    .get(topic.get_ref())
                    .map_or("", |t| t.blob.as_str()),
            );
        }
        pages.push(Page {
            paths: vec![
                format!("stories/{}/index.html", record.slug),
                format!("stories/{}.json", record.slug),
            ],
            fingerprint: fingerprint(&parts),
            kind: Kind::Story(record),
        });
    }
    for tombstone in &records.tombstones {
        pages.push(Page {
            paths: vec![format!("stories/{}/index.html", tombstone.slug)],
            fingerprint: fingerprint(&[global, &tombstone.blob]),
            kind: Kind::Tombstone(tombstone),
        });
    }
    let mut members_of: BTreeMap<&str, Vec<&StoryRecord>> = BTreeMap::new();
    for record in &records.stories {
        for topic in &record.story.topics {
            members_of
                .entry(topic.get_ref().as_str())
                .or_default()
                .push(record);
        }
    }
    for topic in records.topics.values() {
        let members = members_of.remove(topic.id.as_str()).unwrap_or_default();
        let mut parts = vec![global, topic.blob.as_str()];
        parts.extend(members.iter().map(|member| member.blob.as_str()));
        pages.push(Page {
            paths: vec![format!("topics/{}/index.html", topic.id)],
            fingerprint: fingerprint(&parts),
            kind: Kind::Topic(topic, members),
        });
    }
    let listings = records
        .stories
        .par_iter()
        .map(|record| (record.slug.as_str(), listing(&renderer.site, record)))
        .collect();
    Plan {
        records,
        renderer,
        pages,
        listings,
    }
}

impl Plan<'_> {
    fn listed(&self, record: &StoryRecord) -> Json {
        self.listings
            .get(record.slug.as_str())
            .cloned()
            .unwrap_or(Json::Null)
    }

    /// The contents of `page`'s files, in the order of its `paths`.
    pub fn render(&self, page: &Page<'_>) -> Result<Vec<String>, SiteError> {
        let renderer = self.renderer;
        Ok(match &page.kind {
            Kind::Story(record) => {
                let context = self.story_context(record);
                let html = renderer.render("story.html", json!({ "story": &context }))?;
                vec![html, story_document(context)]
            }
            Kind::Tombstone(tombstone) => vec![renderer.render(
                "retracted.html",
                json!({ "story": {
                    "slug": tombstone.slug,
                    "headline": tombstone.headline,
                    "reason": tombstone.reason,
                    "retracted": tombstone.retracted,
                    "retracted_text": human_date(&tombstone.retracted),
                }}),
            )?],
            Kind::Topic(topic, members) => vec![renderer.render(
                "topic.html",
                json!({
                    "topic": { "id": topic.id, "name": topic.name, "kind": topic.kind, "html": markdown::to_html(&topic.blurb) },
                    "stories": members.iter().map(|m| self.listed(m)).collect::<Vec<_>>(),
                }),
            )?],
        })
    }

    /// The files every build renders afresh: the index, the feeds, the
    /// sitemap and the style sheet.
    pub fn lists(&self) -> Result<Vec<(&'static str, String)>, SiteError> {
        let site = &self.renderer.site;
        let latest: Vec<Json> = self
            .records
            .stories
            .iter()
            .take(self.renderer.latest)
            .map(|r| self.listed(r))
            .collect();
        Ok(vec![
            (
                "index.html",
                self.renderer
                    .render("index.html", json!({ "stories": latest }))?,
            ),
            ("feed.json", feeds::json_feed(site, &latest)),
            ("atom.xml", feeds::atom(site, &latest)),
            ("sitemap.xml", feeds::sitemap(site, self.records)),
            ("style.css", STYLE.to_owned()),
        ])
    }

    fn story_context(&self, record: &StoryRecord) -> Json {
        let site = &self.renderer.site;
        let story = &record.story;
        let sections: Vec<Json> = story
            .reading_order()
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
            .filter_map(|id| self.records.topics.get(id.get_ref()))
            .map(|topic| json!({ "id": topic.id, "name": topic.name, "blurb": markdown::to_text(&topic.blurb), "url": format!("{}topics/{}/", site.root, topic.id) }))
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
        let mut context = self.listed(record);
        let status = serde_json::to_value(story.status.get_ref()).unwrap_or(Json::Null);
        let json_ld = script_safe_json(&json_ld(story, &context));
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
            fields.insert("json_ld".into(), Json::String(json_ld));
        }
        context
    }
}

/// What lists show of a story, made without rendering its Markdown to HTML.
fn listing(site: &SiteContext, record: &StoryRecord) -> Json {
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
    json!({
        "slug": record.slug,
        "headline": story.headline.get_ref(),
        "url": format!("{}stories/{}/", site.root, record.slug),
        "absolute_url": format!("{}stories/{}/", site.base_url, record.slug),
        "updated": updated,
        "updated_text": human_date(&updated),
        "published": published,
        "summary": summary(story),
        "authors": authors,
    })
}

/// schema.org's NewsArticle (and FAQPage, when the story has questions).
fn json_ld(story: &Story, listing: &Json) -> Json {
    let mut graph = vec![json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.headline.get_ref(),
        "datePublished": listing["published"],
        "dateModified": listing["updated"],
        "author": listing["authors"].as_array().into_iter().flatten().map(|name| json!({ "@type": "Person", "name": name })).collect::<Vec<_>>(),
        "mainEntityOfPage": listing["absolute_url"],
        "description": listing["summary"],
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
    Json::Array(graph)
}

/// The story's JSON document: its page's context without the HTML.
fn story_document(mut document: Json) -> String {
    if let Some(object) = document.as_object_mut() {
        object.remove("json_ld");
        for list in ["sections", "faq"] {
            for item in object
                .get_mut(list)
                .and_then(Json::as_array_mut)
                .into_iter()
                .flatten()
            {
                if let Some(item) = item.as_object_mut() {
                    item.remove("html");
                }
            }
        }
    }
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

pub fn fingerprint(parts: &[&str]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::Input;
    use crate::site::records::public;

    const STORY: &str = include_str!("../../stories/2025/kazakhstan-joins-abraham-accords.toml");
    const TOPIC: &str = include_str!("../../topics/kazakhstan.toml");

    fn input(path: &str, blob: &str, text: &str) -> Input {
        Input {
            path: path.to_owned(),
            blob: blob.to_owned(),
            text: text.to_owned(),
        }
    }

    fn renderer(config: &str) -> Renderer {
        let templates: Vec<(String, String)> = BUILT_IN
            .iter()
            .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
            .collect();
        Renderer::new(&templates, &Config::parse(config).unwrap(), false).unwrap()
    }

    fn sample() -> Vec<Input> {
        vec![
            input("topics/kazakhstan.toml", "t1", TOPIC),
            input(
                "stories/2025/kazakhstan-joins-abraham-accords.toml",
                "s1",
                STORY,
            ),
        ]
    }

    #[test]
    fn a_story_page_is_made_of_its_record_and_its_topics() {
        let inputs = sample();
        let records = public(&inputs, 0);
        let renderer = renderer("[site]\nbase_url = \"https://news.example/\"\n");
        let plan = plan(&records, &renderer);
        let story = plan
            .pages
            .iter()
            .find(|p| p.paths[0] == "stories/kazakhstan-joins-abraham-accords/index.html")
            .expect("the story has a page");
        assert_eq!(
            story.paths[1],
            "stories/kazakhstan-joins-abraham-accords.json"
        );
        let files = plan.render(story).unwrap();
        assert!(files[0].contains("<html"), "{}", files[0]);
        let document: Json = serde_json::from_str(&files[1]).unwrap();
        assert_eq!(
            document["url"],
            "/stories/kazakhstan-joins-abraham-accords/"
        );
        assert!(document.get("json_ld").is_none());
        assert!(document["sections"][0].get("html").is_none());

        // Changing the topic changes the story page's fingerprint; a topic
        // the story does not name changes nothing.
        let mut changed = sample();
        changed[0].blob = "t2".to_owned();
        let again = public(&changed, 0);
        let replanned = super::plan(&again, &renderer);
        assert_ne!(replanned.pages[0].fingerprint, story.fingerprint);
        let mut unrelated = sample();
        unrelated.push(input(
            "topics/chess.toml",
            "t3",
            "id = \"chess\"\nname = \"Chess\"\nkind = \"subject\"\nblurb = \"A board game.\"\n",
        ));
        let third = public(&unrelated, 0);
        assert!(third.topics.contains_key("chess"), "{:?}", third.skipped);
        let planned = super::plan(&third, &renderer);
        assert_eq!(planned.pages[0].fingerprint, story.fingerprint);
    }

    #[test]
    fn an_embargoed_story_is_left_out_until_its_time() {
        let embargoed = STORY.replacen("\nstatus", "\nembargo = 2030-01-01T00:00:00Z\nstatus", 1);
        assert_ne!(embargoed, STORY, "the sample has a status line");
        let inputs = vec![input(
            "stories/2025/kazakhstan-joins-abraham-accords.toml",
            "s1",
            &embargoed,
        )];
        let before = public(&inputs, 1_700_000_000);
        assert!(before.stories.is_empty());
        assert_eq!(before.embargoed, ["kazakhstan-joins-abraham-accords"]);
        let after = public(&inputs, 1_900_000_000);
        assert_eq!(after.stories.len(), 1);
    }

    #[test]
    fn a_retracted_story_leaves_a_notice_and_no_listing() {
        let tombstone = "slug = \"gone\"\nstatus = \"retracted\"\nheadline = \"Old news\"\nreason = \"It was wrong.\"\nretracted = 2025-12-01T10:00:00Z\n";
        let mut inputs = sample();
        inputs.push(input("stories/2025/gone.toml", "g1", tombstone));
        inputs.push(input("stories/2025/Bad Name.toml", "b1", STORY));
        let records = public(&inputs, 0);
        assert_eq!(records.tombstones.len(), 1);
        assert_eq!(records.skipped.len(), 1, "{:?}", records.skipped);
        let renderer = renderer("");
        let plan = plan(&records, &renderer);
        let notice = plan
            .pages
            .iter()
            .find(|p| p.paths == ["stories/gone/index.html"])
            .unwrap();
        let html = &plan.render(notice).unwrap()[0];
        assert!(
            html.contains("It was wrong.") && html.contains("1 December 2025"),
            "{html}"
        );
        let lists: BTreeMap<_, _> = plan.lists().unwrap().into_iter().collect();
        assert!(!lists["sitemap.xml"].contains("stories/gone/"));
        assert!(lists["sitemap.xml"].contains("topics/kazakhstan/"));
        assert!(lists["atom.xml"].contains("<entry>"));
        let feed: Json = serde_json::from_str(&lists["feed.json"]).unwrap();
        assert_eq!(feed["items"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn a_site_under_a_sub_path_links_below_it() {
        let site = SiteContext::new(
            &Config::parse("[site]\nbase_url = \"https://example.org/news\"\n").unwrap(),
        );
        assert_eq!(site.root, "/news/");
        assert_eq!(site.base_url, "https://example.org/news/");
    }

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
    }
}
