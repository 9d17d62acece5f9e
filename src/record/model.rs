//! The typed record model: what a story and a topic are, for the commands
//! that read records (`show`, `list`, publishing, the site).
//!
//! Every field keeps its byte span (`Spanned`) so that a command can point at
//! the text it is talking about. Unknown keys are refused (`deny_unknown_fields`)
//! rather than dropped, so reading and writing a record never loses a key
//! somebody added. `lede validate` does not depend on this model succeeding:
//! it checks records through the schema, so that it can report every problem
//! of a record that this model would reject at the first.

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

use crate::text::source::strip_bom;

/// Whether a slug or id has the shape the schemas require:
/// `^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    let edge = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= 80
        && bytes.first().is_some_and(edge)
        && bytes.last().is_some_and(edge)
        && bytes.iter().all(|b| edge(b) || *b == b'-')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    InReview,
    Approved,
    Published,
    Retracted,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Story {
    pub slug: Spanned<String>,
    pub headline: Spanned<String>,
    pub status: Spanned<Status>,
    pub desk: Spanned<String>,
    pub authors: Vec<Spanned<String>>,
    #[serde(default)]
    pub topics: Vec<Spanned<String>>,
    pub created: Spanned<Datetime>,
    pub updated: Spanned<Datetime>,
    pub embargo: Option<Spanned<Datetime>>,
    pub revision: Option<Spanned<u64>>,
    pub published: Option<Spanned<Datetime>>,
    /// In file order; the schema's `x-lede-order` says how they render.
    pub sections: IndexMap<String, Spanned<Section>>,
    #[serde(default)]
    pub faq: Vec<Spanned<Faq>>,
    #[serde(default)]
    pub corrections: Vec<Spanned<Correction>>,
}

/// The standard sections of an explainer, in reading order.
pub const SECTION_ORDER: [&str; 4] = [
    "whats-happened",
    "behind-the-headline",
    "what-the-papers-say",
    "how-we-got-here",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: Spanned<String>,
    pub body: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<Source>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub outlet: Spanned<String>,
    pub url: Option<Spanned<String>>,
    pub gist: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub id: Spanned<String>,
    pub question: Spanned<String>,
    pub answer: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub at: Spanned<Datetime>,
    pub note: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub id: Spanned<String>,
    pub name: Spanned<String>,
    pub kind: Spanned<TopicKind>,
    pub blurb: Spanned<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicKind {
    Person,
    Place,
    Organisation,
    Agreement,
    Event,
    Subject,
}

impl TopicKind {
    /// Every kind's name as records spell it, in the order prompts offer
    /// them. The topic schema's `kind` enum lists the same (a test checks).
    pub const NAMES: [&'static str; 6] = [
        "person",
        "place",
        "organisation",
        "agreement",
        "event",
        "subject",
    ];
}

/// A record that could not be read into the typed model, with the span of
/// the offending text when the parser knows it. Spans are relative to the
/// text after any byte-order mark.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct RecordError {
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

fn read<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, RecordError> {
    toml::from_str(strip_bom(text)).map_err(|error| RecordError {
        message: error.message().to_owned(),
        span: error.span(),
    })
}

impl Story {
    pub fn from_toml(text: &str) -> Result<Story, RecordError> {
        read(text)
    }

    /// A section by id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.get(id).map(Spanned::get_ref)
    }

    /// The ids of the story's sections in reading order: the standard four
    /// in the explainer's order, then any others in file order.
    pub fn reading_order(&self) -> Vec<&str> {
        let mut order: Vec<&str> = SECTION_ORDER
            .iter()
            .copied()
            .filter(|id| self.sections.contains_key(*id))
            .collect();
        order.extend(
            self.sections
                .keys()
                .map(String::as_str)
                .filter(|id| !SECTION_ORDER.contains(id)),
        );
        order
    }
}

impl Topic {
    pub fn from_toml(text: &str) -> Result<Topic, RecordError> {
        read(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/stories/2025/kazakhstan-joins-abraham-accords.toml"
    ));

    #[test]
    fn the_sample_story_reads_with_spans() {
        let story = Story::from_toml(SAMPLE).unwrap();
        assert_eq!(story.slug.get_ref(), "kazakhstan-joins-abraham-accords");
        assert_eq!(
            &SAMPLE[story.slug.span()],
            "\"kazakhstan-joins-abraham-accords\""
        );
        let order: Vec<&str> = story.sections.keys().map(String::as_str).collect();
        assert_eq!(
            order,
            [
                "whats-happened",
                "behind-the-headline",
                "what-the-papers-say",
                "how-we-got-here"
            ]
        );
        assert_eq!(
            story.section("what-the-papers-say").unwrap().sources.len(),
            6
        );
        assert_eq!(story.faq.len(), 5);
        assert_eq!(story.topics.len(), 8);
    }

    #[test]
    fn unknown_keys_are_refused_with_their_position() {
        let text = SAMPLE.replacen("desk = ", "deks = \"x\"\ndesk = ", 1);
        let error = Story::from_toml(&text).unwrap_err();
        assert!(error.message.contains("deks"), "{}", error.message);
        let span = error.span.unwrap();
        assert!(text[span].contains("deks"));
    }

    #[test]
    fn topics_read() {
        let topic = Topic::from_toml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/topics/kazakhstan.toml"
        )))
        .unwrap();
        assert_eq!(topic.kind.get_ref(), &TopicKind::Place);
    }

    #[test]
    fn topic_kind_names_are_the_schemas_and_serde_s() {
        let schema: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/topic.schema.json"
        )))
        .unwrap();
        let listed: Vec<&str> = schema["properties"]["kind"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(listed, TopicKind::NAMES);
        for name in TopicKind::NAMES {
            let parsed: TopicKind = serde_json::from_value(name.into()).unwrap();
            assert_eq!(serde_json::to_value(parsed).unwrap(), name);
        }
    }
}
