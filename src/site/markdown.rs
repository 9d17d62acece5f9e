//! Markdown from records to HTML that is safe to publish.
//!
//! Bodies, answers and blurbs are written by people and may hold anything:
//! raw HTML, `javascript:` links, event handlers. They are rendered with
//! pulldown-cmark and the result is cleaned by ammonia, which keeps only a
//! list of harmless tags and attributes and only `http`, `https` and
//! `mailto` links (and relative ones). Heading attributes (`# Title {#id
//! onclick=...}`) are not enabled in the parser, and ammonia would drop
//! what they produce anyway.

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{Options, Parser, html};

fn cleaner() -> &'static ammonia::Builder<'static> {
    static CLEANER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        builder
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            // ammonia would add `rel` also to an `<a>` whose forbidden
            // `href` it removed, which is not valid HTML; links carry no
            // `target`, so `noopener` adds nothing.
            .link_rel(None)
            .rm_tags(["img"]);
        builder
    })
}

/// Markdown as sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TABLES);
    let parser = Parser::new_ext(markdown, options);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    cleaner().clean(&unsafe_html).to_string()
}

/// Whether `url` is a plain `http` or `https` address that can stand in an
/// `href` as it is.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"<>\\^`{|}".contains(c))
}

/// Markdown as plain text (for summaries, feeds and structured data): the
/// words, without markup.
pub fn to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut text = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first `limit` characters of `text`, cut at a word, with `…` when cut.
pub fn excerpt(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_script_does_not_survive() {
        assert_eq!(to_html("Some *text*."), "<p>Some <em>text</em>.</p>\n");
        let vectors = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)><circle/></svg>",
            "<a href=\"javascript&#58;alert(1)\">x</a>",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "# Title {#id onclick=alert(1)}",
            "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
            "<details open ontoggle=alert(1)>",
        ];
        for vector in vectors {
            let html = to_html(vector).to_lowercase();
            // What matters is markup: text that merely reads like an
            // attribute (escaped, outside any tag) is harmless.
            let tags: Vec<&str> = html
                .split('<')
                .skip(1)
                .filter_map(|rest| rest.split_once('>').map(|(tag, _)| tag))
                .collect();
            for tag in &tags {
                for bad in [
                    "script",
                    "onerror",
                    "onload",
                    "onclick",
                    "ontoggle",
                    "javascript:",
                    "data:",
                    "iframe",
                    "svg",
                    "style",
                    "img",
                ] {
                    assert!(!tag.contains(bad), "{vector:?} gave {html:?}");
                }
            }
        }
        assert_eq!(
            to_html("[ok](https://example.org)"),
            "<p><a href=\"https://example.org\">ok</a></p>\n"
        );
    }

    #[test]
    fn a_removed_link_leaves_valid_markup() {
        assert_eq!(to_html("[x](javascript:alert(1))"), "<p><a>x</a></p>\n");
    }

    /// Only plain web addresses become links: `http` or `https`, with no
    /// character that a URL cannot hold unescaped.
    #[test]
    fn web_urls() {
        assert!(is_web_url("https://www.example.org/a?b=c#d"));
        assert!(is_web_url("http://example.org/ünïcode"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url("https://example.org/\"><script>"));
        assert!(!is_web_url("https://example.org/a b"));
        assert!(!is_web_url("https://"));
    }

    #[test]
    fn text_and_excerpts() {
        assert_eq!(
            to_text("Some *text*.\n\nA [link](https://x.org)."),
            "Some text. A link."
        );
        assert_eq!(excerpt("one two three four", 9), "one two…");
        assert_eq!(excerpt("short", 9), "short");
    }
}
