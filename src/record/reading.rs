//! A story as plain text in reading order, for `lede show` and for the
//! text git diffs and people read in a terminal.

use std::fmt::Write as _;

use crate::record::model::Story;
use crate::text::diagnostic::{printable, printable_lines};

/// A story as plain text: headline, facts, sections in reading order with
/// their sources, FAQ entries and corrections. Record text is shown with
/// control characters escaped.
pub fn plain_text(story: &Story) -> String {
    let text = |value: &str| printable(value.to_owned());
    let mut out = String::new();
    let _ = writeln!(out, "{}", text(story.headline.get_ref()));
    let _ = writeln!(
        out,
        "{}",
        "=".repeat(story.headline.get_ref().chars().count().min(78))
    );
    let status = serde_json::to_value(story.status.get_ref())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{} · {} desk · by {}",
        status,
        text(story.desk.get_ref()),
        story
            .authors
            .iter()
            .map(|a| text(a.get_ref()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "created {} · updated {}",
        story.created.get_ref(),
        story.updated.get_ref()
    );
    if let Some(embargo) = &story.embargo {
        let _ = writeln!(out, "embargoed until {}", embargo.get_ref());
    }
    if !story.topics.is_empty() {
        let topics: Vec<String> = story.topics.iter().map(|t| text(t.get_ref())).collect();
        let _ = writeln!(out, "topics: {}", topics.join(", "));
    }
    let order = story.reading_order();
    for id in order {
        let Some(section) = story.section(id) else {
            continue;
        };
        let _ = writeln!(out, "\n## {}\n", text(section.title.get_ref()));
        let _ = writeln!(
            out,
            "{}",
            printable_lines(section.body.get_ref().trim().to_owned())
        );
        for source in &section.sources {
            let source = source.get_ref();
            let _ = write!(
                out,
                "\n- {}: {}",
                text(source.outlet.get_ref()),
                text(source.gist.get_ref())
            );
            if let Some(url) = &source.url {
                let _ = write!(out, " <{}>", text(url.get_ref()));
            }
            out.push('\n');
        }
    }
    if !story.faq.is_empty() {
        let _ = writeln!(out, "\n## Go deeper");
        for faq in &story.faq {
            let faq = faq.get_ref();
            let _ = writeln!(out, "\n### {}\n", text(faq.question.get_ref()));
            let _ = writeln!(
                out,
                "{}",
                printable_lines(faq.answer.get_ref().trim().to_owned())
            );
        }
    }
    if !story.corrections.is_empty() {
        let _ = writeln!(out, "\n## Corrections\n");
        for correction in &story.corrections {
            let correction = correction.get_ref();
            let _ = writeln!(
                out,
                "- {}: {}",
                correction.at.get_ref(),
                text(correction.note.get_ref())
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_story_renders_in_reading_order() {
        let story = Story::from_toml(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/stories/2025/kazakhstan-joins-abraham-accords.toml"
        )))
        .unwrap();
        let text = plain_text(&story);
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle} missing"))
        };
        assert!(at("## What's happened") < at("## What's behind the headline?"));
        assert!(at("## What the papers say") < at("## How we got here"));
        assert!(at("## How we got here") < at("## Go deeper"));
        assert!(text.contains("- Al Jazeera: "));
        assert!(text.starts_with("Kazakhstan to join the Abraham Accords"));
    }
}
