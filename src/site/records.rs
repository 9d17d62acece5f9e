//! Deciding what is public: record texts parsed into the stories, retracted
//! stories and topics a site shows, with what was left out and why. Pure:
//! no files, no git.

use crate::check::validate::is_valid_id;
use crate::record::collection::file_stem;
use crate::record::document::instant;
use crate::record::model::{Story, Topic};
use crate::site::Input;
use rayon::prelude::*;
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct TopicRecord {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub blurb: String,
    pub blob: String,
}

pub struct StoryRecord {
    pub slug: String,
    pub blob: String,
    pub story: Story,
    pub updated_seconds: i64,
}

/// What is left of a retracted story: its page says it was withdrawn.
pub struct Tombstone {
    pub slug: String,
    pub blob: String,
    pub headline: String,
    pub reason: String,
    pub retracted: String,
}

/// The site's records, newest story first.
#[derive(Default)]
pub struct Records {
    pub topics: BTreeMap<String, TopicRecord>,
    pub stories: Vec<StoryRecord>,
    pub tombstones: Vec<Tombstone>,
    /// Stories left out until their embargo passes.
    pub embargoed: Vec<String>,
    /// Records left out, with the reason.
    pub skipped: Vec<(String, String)>,
}

enum Parsed {
    Story(Box<StoryRecord>),
    Tombstone(Tombstone),
    Embargoed(String),
    Skipped(String, String),
}

/// Sorts `inputs` into what the site shows at `now` (seconds since 1970).
pub fn public(inputs: &[Input], now: i64) -> Records {
    let mut records = Records::default();
    for input in inputs.iter().filter(|i| i.path.starts_with("topics/")) {
        match topic(input) {
            Ok(topic) => {
                records.topics.insert(topic.id.clone(), topic);
            }
            Err(reason) => records.skipped.push((input.path.clone(), reason)),
        }
    }
    let parsed: Vec<Parsed> = inputs
        .par_iter()
        .filter(|i| i.path.starts_with("stories/"))
        .map(|input| story(input, now))
        .collect();
    for item in parsed {
        match item {
            Parsed::Story(record) => records.stories.push(*record),
            Parsed::Tombstone(tombstone) => records.tombstones.push(tombstone),
            Parsed::Embargoed(slug) => records.embargoed.push(slug),
            Parsed::Skipped(path, reason) => records.skipped.push((path, reason)),
        }
    }
    records.stories.sort_by(|a, b| {
        b.updated_seconds
            .cmp(&a.updated_seconds)
            .then_with(|| a.slug.cmp(&b.slug))
    });
    records
}

fn topic(input: &Input) -> Result<TopicRecord, String> {
    let id = file_stem(&input.path);
    let topic = Topic::from_toml(&input.text).map_err(|error| error.message)?;
    if !is_valid_id(id) || topic.id.get_ref() != id {
        return Err("its id is not its file name".to_owned());
    }
    let kind = serde_json::to_value(topic.kind.get_ref())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(TopicRecord {
        id: id.to_owned(),
        name: topic.name.get_ref().clone(),
        kind,
        blurb: topic.blurb.get_ref().clone(),
        blob: input.blob.clone(),
    })
}

fn story(input: &Input, now: i64) -> Parsed {
    let slug = file_stem(&input.path).to_owned();
    if !is_valid_id(&slug) {
        return Parsed::Skipped(
            input.path.clone(),
            "its file name is not a valid slug".to_owned(),
        );
    }
    // A retracted record keeps only a few fields, so it is read loosely.
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
        && instant(embargo.get_ref()).is_some_and(|(until, _)| until > now)
    {
        return Parsed::Embargoed(slug);
    }
    let updated_seconds = instant(story.updated.get_ref()).map_or(0, |(s, _)| s);
    Parsed::Story(Box::new(StoryRecord {
        slug,
        blob: input.blob.clone(),
        story,
        updated_seconds,
    }))
}
