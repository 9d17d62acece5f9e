//! The two collections of records, stories and topics: where each lives
//! in a newsroom, which schema checks it, and the id its file name gives.

use std::path::{Component, Path};

pub const STORIES_DIR: &str = "stories";
pub const TOPICS_DIR: &str = "topics";

/// The two kinds of record, each with its own schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Collection {
    Story,
    Topic,
}

impl Collection {
    pub fn schema_file(self) -> &'static str {
        match self {
            Collection::Story => "schemas/story.schema.json",
            Collection::Topic => "schemas/topic.schema.json",
        }
    }

    /// The key that holds the record's id, which must equal the file stem.
    pub fn id_key(self) -> &'static str {
        match self {
            Collection::Story => "slug",
            Collection::Topic => "id",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            Collection::Story => "story",
            Collection::Topic => "topic",
        }
    }

    /// Which collection a path relative to the root belongs to, if any.
    pub fn of(relative: &Path) -> Option<Collection> {
        if relative.extension().is_none_or(|ext| ext != "toml") {
            return None;
        }
        let mut components = relative.components();
        let first = components.next()?;
        let rest: Vec<Component<'_>> = components.collect();
        match first.as_os_str().to_str()? {
            STORIES_DIR if !rest.is_empty() => Some(Collection::Story),
            TOPICS_DIR if rest.len() == 1 => Some(Collection::Topic),
            _ => None,
        }
    }
}

/// A record's file name without `.toml` (and without its directories):
/// the id the record must declare.
pub fn file_stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".toml").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_told_apart_by_where_they_are() {
        assert_eq!(
            Collection::of(Path::new("stories/2025/a.toml")),
            Some(Collection::Story)
        );
        assert_eq!(
            Collection::of(Path::new("topics/a.toml")),
            Some(Collection::Topic)
        );
        assert_eq!(Collection::of(Path::new("topics/x/a.toml")), None);
        assert_eq!(Collection::of(Path::new("stories.toml")), None);
        assert_eq!(Collection::of(Path::new("stories/a.md")), None);
    }

    #[test]
    fn the_stem_is_the_file_name_without_its_extension() {
        assert_eq!(file_stem("stories/2025/a-b.toml"), "a-b");
        assert_eq!(file_stem("a.toml"), "a");
        assert_eq!(file_stem("topics/x"), "x");
    }
}
