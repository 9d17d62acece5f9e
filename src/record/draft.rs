//! A story being created: gathered from flags, a partial TOML draft and
//! prompts, and rendered as a record that reads like a person wrote it.

use indexmap::IndexMap;
use serde_json::Value as Json;

use crate::record::edit::text_value;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    pub outlet: String,
    pub url: Option<String>,
    pub gist: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub title: String,
    pub body: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Faq {
    pub id: String,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Draft {
    pub slug: Option<String>,
    pub headline: Option<String>,
    pub desk: Option<String>,
    pub authors: Vec<String>,
    pub topics: Vec<String>,
    pub created: Option<String>,
    pub sections: IndexMap<String, Section>,
    pub faq: Vec<Faq>,
}

/// What the story schema says a new story needs: the required sections in
/// reading order, with their default titles.
#[derive(Debug, Clone)]
pub struct SectionPlan {
    pub id: String,
    pub title: String,
    pub needs_sources: bool,
}

/// The required sections of the story schema, in `x-lede-order`.
pub fn section_plan(story_schema: &Json) -> Vec<SectionPlan> {
    let sections = &story_schema["properties"]["sections"];
    let required: Vec<&str> = sections["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let mut order: Vec<&str> = sections["x-lede-order"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    for id in &required {
        if !order.contains(id) {
            order.push(id);
        }
    }
    order
        .into_iter()
        .filter(|id| required.contains(id))
        .map(|id| {
            let node = &sections["properties"][id];
            let title = find_key(node, "title")
                .and_then(|title| title.get("default"))
                .and_then(Json::as_str)
                .map_or_else(|| id.replace('-', " "), str::to_owned);
            let needs_sources = node.to_string().contains("\"sources\"")
                && find_required(node).iter().any(|r| r == "sources");
            SectionPlan {
                id: id.to_owned(),
                title,
                needs_sources,
            }
        })
        .collect()
}

/// The first `properties.<key>` schema inside `node` (through `allOf`).
fn find_key<'a>(node: &'a Json, key: &str) -> Option<&'a Json> {
    if let Some(found) = node.get("properties").and_then(|p| p.get(key))
        && found.get("default").is_some()
    {
        return Some(found);
    }
    node.get("allOf")?
        .as_array()?
        .iter()
        .find_map(|part| find_key(part, key))
}

fn find_required(node: &Json) -> Vec<String> {
    let mut out: Vec<String> = node
        .get("required")
        .and_then(Json::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(parts) = node.get("allOf").and_then(Json::as_array) {
        for part in parts {
            out.extend(find_required(part));
        }
    }
    out
}

impl Draft {
    /// Fills the draft from a partial record (TOML): any of its keys, its
    /// sections and FAQ entries. Values already in the draft win.
    pub fn merge_toml(&mut self, text: &str) -> Result<(), String> {
        let table: toml::Table = toml::from_str(crate::text::source::strip_bom(text))
            .map_err(|e| e.to_string().trim_end().to_owned())?;
        let text_of = |key: &str| table.get(key).and_then(|v| v.as_str()).map(str::to_owned);
        self.slug = self.slug.take().or_else(|| text_of("slug"));
        self.headline = self.headline.take().or_else(|| text_of("headline"));
        self.desk = self.desk.take().or_else(|| text_of("desk"));
        let list_of = |key: &str| -> Vec<String> {
            table
                .get(key)
                .and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default()
        };
        if self.topics.is_empty() {
            self.topics = list_of("topics");
        }
        if self.authors.is_empty() {
            self.authors = list_of("authors");
        }
        if let Some(sections) = table.get("sections").and_then(|v| v.as_table()) {
            for (id, section) in sections {
                if self.sections.contains_key(id) {
                    continue;
                }
                let Some(section) = section.as_table() else {
                    return Err(format!("sections.{id} must be a table"));
                };
                let field = |key: &str| {
                    section
                        .get(key)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                let sources = section
                    .get("sources")
                    .and_then(|v| v.as_array())
                    .map(|sources| {
                        sources
                            .iter()
                            .filter_map(|s| s.as_table())
                            .map(|s| Source {
                                outlet: s
                                    .get("outlet")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or_default()
                                    .to_owned(),
                                url: s.get("url").and_then(|v| v.as_str()).map(str::to_owned),
                                gist: s
                                    .get("gist")
                                    .and_then(|v| v.as_str())
                                    .unwrap_or_default()
                                    .to_owned(),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                self.sections.insert(
                    id.clone(),
                    Section {
                        title: field("title"),
                        body: field("body"),
                        sources,
                    },
                );
            }
        }
        if self.faq.is_empty()
            && let Some(entries) = table.get("faq").and_then(|v| v.as_array())
        {
            for entry in entries.iter().filter_map(|e| e.as_table()) {
                let field = |key: &str| {
                    entry
                        .get(key)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_owned()
                };
                self.faq.push(Faq {
                    id: field("id"),
                    question: field("question"),
                    answer: field("answer"),
                });
            }
        }
        Ok(())
    }

    /// The record's text. `now` is written as `created` (unless the draft has
    /// one) and `updated`; a new story is always a draft.
    pub fn render(&self, now: &str) -> String {
        let mut out = String::from("#:schema ../../schemas/story.schema.json\n");
        let line = |out: &mut String, key: &str, value: &str| {
            out.push_str(&format!("{key} = {}\n", text_value(value)));
        };
        line(&mut out, "slug", self.slug.as_deref().unwrap_or_default());
        line(
            &mut out,
            "headline",
            self.headline.as_deref().unwrap_or_default(),
        );
        line(&mut out, "status", "draft");
        line(&mut out, "desk", self.desk.as_deref().unwrap_or_default());
        out.push_str(&format!("authors = {}\n", list(&self.authors)));
        out.push_str(&format!("topics = {}\n", list(&self.topics)));
        out.push_str(&format!(
            "created = {}\n",
            self.created.as_deref().unwrap_or(now)
        ));
        out.push_str(&format!("updated = {now}\n"));
        for (id, section) in &self.sections {
            out.push_str(&format!("\n[sections.{id}]\n"));
            line(&mut out, "title", &section.title);
            line(&mut out, "body", &section.body);
            for source in &section.sources {
                out.push_str(&format!("\n[[sections.{id}.sources]]\n"));
                line(&mut out, "outlet", &source.outlet);
                if let Some(url) = source.url.as_deref().filter(|u| !u.is_empty()) {
                    line(&mut out, "url", url);
                }
                line(&mut out, "gist", &source.gist);
            }
        }
        for faq in &self.faq {
            out.push_str("\n[[faq]]\n");
            line(&mut out, "id", &faq.id);
            line(&mut out, "question", &faq.question);
            line(&mut out, "answer", &faq.answer);
        }
        out
    }
}

/// A list on one line when short, one item per line otherwise.
pub fn list(items: &[String]) -> String {
    let values: Vec<String> = items
        .iter()
        .map(|item| text_value(item).to_string().trim().to_owned())
        .collect();
    let one_line = format!("[{}]", values.join(", "));
    if one_line.len() <= 80 {
        one_line
    } else {
        let mut out = String::from("[\n");
        for value in values {
            out.push_str(&format!("  {value},\n"));
        }
        out.push(']');
        out
    }
}

/// A slug from a headline: lower-case words joined by hyphens, at most 80
/// characters, cut at a word.
pub fn slug_from(headline: &str) -> String {
    slugify(headline, usize::MAX)
}

/// Lower-case ASCII words of `text` joined by hyphens: at most `max_words`
/// words and 80 characters, cut at a word.
pub fn slugify(text: &str, max_words: usize) -> String {
    let mut slug = String::new();
    let words = text
        .split(|c: char| !c.is_alphanumeric())
        .map(|word| {
            word.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|word| !word.is_empty())
        .take(max_words);
    for word in words {
        if slug.len() + word.len() + 1 > 80 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word);
    }
    slug
}

/// The text of a new topic record.
pub fn topic_text(id: &str, name: &str, kind: &str, blurb: &str) -> String {
    format!(
        "#:schema ../schemas/topic.schema.json\nid = {}\nname = {}\nkind = {}\nblurb = {}\n",
        text_value(id),
        text_value(name),
        text_value(kind),
        text_value(blurb)
    )
}

/// An id from a question's first words: "Why is this happening now?" →
/// "why-is-this-happening-now".
pub fn id_from(question: &str) -> String {
    let id = slugify(question, 6);
    if id.is_empty() {
        "question".to_owned()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_follows_the_schema() {
        let schema: Json = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/story.schema.json"
        )))
        .unwrap();
        let plan = section_plan(&schema);
        let ids: Vec<&str> = plan.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "whats-happened",
                "behind-the-headline",
                "what-the-papers-say",
                "how-we-got-here"
            ]
        );
        assert_eq!(plan[1].title, "What's behind the headline?");
        let needs: Vec<bool> = plan.iter().map(|p| p.needs_sources).collect();
        assert_eq!(needs, [false, false, true, false]);
    }

    #[test]
    fn slugs_come_from_headlines() {
        assert_eq!(
            slug_from("Kazakhstan to join the Abraham Accords"),
            "kazakhstan-to-join-the-abraham-accords"
        );
        assert_eq!(
            slug_from("  What's next? 2025 — a look  "),
            "what-s-next-2025-a-look"
        );
        assert!(slug_from(&"word ".repeat(40)).len() <= 80);
    }

    #[test]
    fn a_rendered_draft_reads_back_as_the_same_story() {
        let mut draft = Draft {
            slug: Some("a-story".into()),
            headline: Some("A \"quoted\" headline".into()),
            desk: Some("world".into()),
            authors: vec!["Ada Reporter <ada@example.org>".into()],
            topics: vec!["kazakhstan".into()],
            ..Draft::default()
        };
        draft.merge_toml("[sections.whats-happened]\ntitle = \"What's happened\"\nbody = \"\"\"\nLine one.\nLine two.\n\"\"\"\n[[faq]]\nid = \"q\"\nquestion = \"Q?\"\nanswer = \"A.\"\n").unwrap();
        let text = draft.render("2025-11-08T10:00:00Z");
        let story = crate::record::model::Story::from_toml(&text).unwrap();
        assert_eq!(story.headline.get_ref(), "A \"quoted\" headline");
        assert_eq!(
            story.section("whats-happened").unwrap().body.get_ref(),
            "Line one.\nLine two.\n"
        );
        assert_eq!(story.faq[0].get_ref().id.get_ref(), "q");
        assert_eq!(story.created.get_ref().to_string(), "2025-11-08T10:00:00Z");
    }

    #[test]
    fn ids_are_made_from_the_first_words() {
        assert_eq!(
            id_from("Why is this happening now?"),
            "why-is-this-happening-now"
        );
        assert_eq!(
            id_from("What does Kazakhstan joining the Abraham Accords mean for the region?"),
            "what-does-kazakhstan-joining-the-abraham"
        );
        assert_eq!(id_from("¿Qué?"), "qu");
        assert_eq!(id_from("???"), "question");
    }
}
