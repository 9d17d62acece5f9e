//! The site's machine-readable lists: JSON Feed, Atom and the sitemap,
//! made from the listings the index shows. Pure: text in, text out.

use serde_json::{Value as Json, json};

use crate::site::records::Records;
use crate::site::render::SiteContext;

/// JSON Feed 1.1 of `latest` (story listings, newest first).
pub fn json_feed(site: &SiteContext, latest: &[Json]) -> String {
    let base_url = &site.base_url;
    let feed = json!({
        "version": "https://jsonfeed.org/version/1.1",
        "title": site.title,
        "home_page_url": base_url,
        "feed_url": format!("{base_url}feed.json"),
        "language": site.language,
        "items": latest.iter().map(|item| json!({
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
    let mut text = serde_json::to_string_pretty(&feed).unwrap_or_default();
    text.push('\n');
    text
}

/// Atom 1.0 of `latest`.
pub fn atom(site: &SiteContext, latest: &[Json]) -> String {
    let base_url = xml_escape(&site.base_url);
    let updated_all = latest
        .first()
        .and_then(|item| item["updated"].as_str())
        .unwrap_or("1970-01-01T00:00:00Z");
    let mut atom = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n<title>{}</title>\n<id>{base_url}</id>\n<link href=\"{base_url}\"/>\n<link rel=\"self\" href=\"{base_url}atom.xml\"/>\n<updated>{}</updated>\n",
        xml_escape(&site.language),
        xml_escape(&site.title),
        xml_escape(updated_all)
    );
    for item in latest {
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
    atom
}

/// The sitemap: the home page, every story and every topic.
pub fn sitemap(site: &SiteContext, records: &Records) -> String {
    let base_url = xml_escape(&site.base_url);
    let mut sitemap = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n<url><loc>{base_url}</loc></url>\n"
    );
    for record in &records.stories {
        sitemap.push_str(&format!(
            "<url><loc>{base_url}stories/{}/</loc><lastmod>{}</lastmod></url>\n",
            record.slug,
            xml_escape(&record.story.updated.get_ref().to_string())
        ));
    }
    for topic in records.topics.values() {
        sitemap.push_str(&format!(
            "<url><loc>{base_url}topics/{}/</loc></url>\n",
            topic.id
        ));
    }
    sitemap.push_str("</urlset>\n");
    sitemap
}

pub fn xml_escape(text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
