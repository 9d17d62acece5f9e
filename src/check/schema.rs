//! The collections' JSON Schemas: loading, compiling with lede's editorial
//! keywords, and turning validation errors into located diagnostics.
//!
//! The schema files are plain JSON Schema 2020-12 so that taplo, editors and
//! check-jsonschema can use the same files. Editorial rules that JSON Schema
//! cannot say are `x-lede-*` keywords, which other tools ignore and lede
//! registers with the `jsonschema` crate as custom keywords, so they apply
//! wherever the schema puts them (inside `$ref`, `allOf`, ...).
//!
//! The `jsonschema` crate reports errors as JSON pointers into the instance
//! and into the schema. The first is walked back through the parsed TOML to
//! the key or value a person has to change; the second finds the schema node
//! the error came from, for suggestions (the keys a table allows) and hints
//! (the node's `description`).

use std::ops::Range;
use std::path::Path;

use jsonschema::error::ValidationErrorKind;
use jsonschema::json::Node as _;
use jsonschema::{Keyword, ValidationError, Validator, paths::Location};
use serde_json::{Map, Value as Json};
use toml::de::DeValue;

use crate::record::collection::Collection;
use crate::record::document::{Document, Step, display_path, toml_type_name};
use crate::record::instance::{Toml, TomlNode};
use crate::text::diagnostic::Code;
use crate::text::words::count_words;

use crate::newsroom::scaffold::{BUILTIN_STORY_SCHEMA, BUILTIN_TOPIC_SCHEMA};

/// A compiled schema and the JSON it came from.
pub struct Schema {
    validator: Validator<Toml>,
    raw: Json,
}

/// The schemas of both collections.
pub struct Schemas {
    pub story: Schema,
    pub topic: Schema,
}

impl Schemas {
    pub fn get(&self, collection: Collection) -> &Schema {
        match collection {
            Collection::Story => &self.story,
            Collection::Topic => &self.topic,
        }
    }

    /// The repository's schemas; a collection without a schema file uses the
    /// built-in one that `lede init` writes.
    pub fn load(root: &Path) -> Result<Schemas, SchemaError> {
        Ok(Schemas {
            story: Schema::load(root, Collection::Story)?,
            topic: Schema::load(root, Collection::Topic)?,
        })
    }

    pub fn builtin() -> Schemas {
        Schemas {
            story: Schema::compile(BUILTIN_STORY_SCHEMA, "built-in story schema")
                .expect("the built-in story schema compiles"),
            topic: Schema::compile(BUILTIN_TOPIC_SCHEMA, "built-in topic schema")
                .expect("the built-in topic schema compiles"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file} is not valid JSON: {message}")]
    Json { file: String, message: String },
    #[error("{file} is not a usable JSON Schema: {message}")]
    Invalid { file: String, message: String },
}

/// One problem the schema found, before it is tied to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaProblem {
    pub code: Code,
    pub message: String,
    pub label: Option<String>,
    pub hint: Option<String>,
    pub span: Option<Range<usize>>,
    pub pointer: String,
}

impl Schema {
    fn load(root: &Path, collection: Collection) -> Result<Schema, SchemaError> {
        let file = collection.schema_file();
        match std::fs::read_to_string(root.join(file)) {
            Ok(text) => Schema::compile(&text, file),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let builtin = match collection {
                    Collection::Story => BUILTIN_STORY_SCHEMA,
                    Collection::Topic => BUILTIN_TOPIC_SCHEMA,
                };
                Schema::compile(builtin, file)
            }
            Err(source) => Err(SchemaError::Read {
                file: file.to_owned(),
                source,
            }),
        }
    }

    pub fn compile(text: &str, file: &str) -> Result<Schema, SchemaError> {
        let raw: Json = serde_json::from_str(text).map_err(|error| SchemaError::Json {
            file: file.to_owned(),
            message: error.to_string(),
        })?;
        let validator = jsonschema::options_for::<Toml>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .with_keyword(MAX_WORDS, |_, value, _| word_limit(value, MAX_WORDS, true))
            .with_keyword(MIN_WORDS, |_, value, _| word_limit(value, MIN_WORDS, false))
            .build(&raw)
            .map_err(|error| SchemaError::Invalid {
                file: file.to_owned(),
                message: error.to_string(),
            })?;
        Ok(Schema { validator, raw })
    }

    /// The schema as JSON, for the commands that follow its structure
    /// (which sections a new story needs, their default titles).
    pub fn raw(&self) -> &Json {
        &self.raw
    }

    pub fn is_valid(&self, document: &Document<'_>) -> bool {
        word_counts::forget();
        self.validator.is_valid(TomlNode::root(document.table()))
    }

    /// Every problem the schema finds in a record, located in its text.
    pub fn problems(&self, document: &Document<'_>, text: &str) -> Vec<SchemaProblem> {
        let mut problems = Vec::new();
        word_counts::forget();
        for error in self.validator.iter_errors(TomlNode::root(document.table())) {
            self.explain(&error, document, text, &mut problems);
        }
        problems
    }

    fn explain(
        &self,
        error: &ValidationError<'_>,
        document: &Document<'_>,
        text: &str,
        out: &mut Vec<SchemaProblem>,
    ) {
        let segments: Vec<Segment> = error
            .instance_path()
            .iter()
            .map(|segment| match segment {
                jsonschema::paths::LocationSegment::Property(name) => {
                    Segment::Key(name.into_owned())
                }
                jsonschema::paths::LocationSegment::Index(index) => Segment::Index(index),
            })
            .collect();
        let steps: Vec<Step<'_>> = segments.iter().map(Segment::step).collect();
        let what = if steps.is_empty() {
            "the record".to_owned()
        } else {
            format!("`{}`", display_path(&steps))
        };
        let pointer = error.instance_path().as_str().to_owned();
        let found = document.find(&steps);
        let value_span = found.as_ref().map(|found| {
            let span = found.value.span();
            match &found.key_span {
                Some(key_span) if spans_lines(text, &span) => key_span.clone(),
                _ => span,
            }
        });
        let toml_value = found.as_ref().map(|found| found.value.get_ref());
        let schema_node = self.node_parent(error.schema_path());
        let description = schema_node
            .and_then(|node| node.get("description"))
            .and_then(Json::as_str)
            .map(str::to_owned);
        let instance = error.instance();
        // The value as written in the file (a date-time unquoted, a string
        // with its own quotes), falling back to its JSON form.
        let instance_text = found
            .as_ref()
            .and_then(|found| text.get(found.value.span()))
            .filter(|source| !source.contains('\n'))
            .map_or_else(|| instance.to_string(), str::to_owned);
        let mut problem = SchemaProblem {
            code: Code::SchemaOther,
            message: String::new(),
            label: None,
            hint: None,
            span: value_span.clone(),
            pointer: pointer.clone(),
        };

        match error.kind() {
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
                let allowed: Vec<&str> = schema_node
                    .and_then(|node| node.get("properties"))
                    .and_then(Json::as_object)
                    .map(|properties| properties.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                for key in unexpected {
                    let mut key_pointer = pointer.clone();
                    key_pointer.push('/');
                    crate::record::document::push_pointer_token(&mut key_pointer, key);
                    let hint = match closest(key, allowed.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None if !allowed.is_empty() => {
                            format!("the keys allowed here are: {}", backticked(&allowed))
                        }
                        None => "remove it, or add it to the schema".to_owned(),
                    };
                    out.push(SchemaProblem {
                        code: Code::UnknownKey,
                        message: format!("unknown key `{key}` in {what}"),
                        label: Some("not allowed here".into()),
                        hint: Some(hint),
                        span: document
                            .key_span(&steps, key)
                            .or_else(|| value_span.clone()),
                        pointer: key_pointer,
                    });
                }
                return;
            }
            ValidationErrorKind::Required { property } => {
                let key = property.as_str().unwrap_or_default();
                problem.code = Code::MissingKey;
                problem.message = if steps.is_empty() {
                    format!("the record has no `{key}`")
                } else {
                    format!("{what} has no `{key}`")
                };
                problem.label = Some(format!("`{key}` is required here"));
                // A key missing from the record as a whole has no place to
                // point at: the report names the file alone.
                problem.span = if steps.is_empty() {
                    None
                } else {
                    found
                        .as_ref()
                        .and_then(|f| f.key_span.clone())
                        .or(value_span)
                };
                problem.hint = self
                    .node_at_pointer(&format!(
                        "{}/properties/{key}",
                        parent_pointer(error.schema_path())
                    ))
                    .and_then(|node| node.get("description"))
                    .and_then(Json::as_str)
                    .map(|description| format!("`{key}`: {description}"));
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    jsonschema::error::TypeKind::Single(single) => {
                        json_type_name(&single.to_string())
                    }
                    jsonschema::error::TypeKind::Multiple(_) => "another type".to_owned(),
                };
                let found_name = toml_value.map_or("something else", toml_type_name);
                problem.code = Code::WrongType;
                problem.message = format!("{what} must be {expected}, not {found_name}");
                problem.label = Some(format!("expected {expected}"));
            }
            ValidationErrorKind::Enum { options } => {
                let choices: Vec<String> = options
                    .as_array()
                    .map(|values| values.iter().map(Json::to_string).collect())
                    .unwrap_or_default();
                problem.code = Code::NotAllowedValue;
                problem.message =
                    format!("{what} is {}, which is not allowed", short(&instance_text));
                problem.label = Some("not an allowed value".into());
                let near = instance
                    .as_str()
                    .and_then(|text| {
                        closest(
                            text,
                            options
                                .as_array()
                                .into_iter()
                                .flatten()
                                .filter_map(Json::as_str),
                        )
                    })
                    .map(|near| format!("did you mean \"{near}\"? "));
                problem.hint = Some(format!(
                    "{}Allowed: {}",
                    near.unwrap_or_default(),
                    choices.join(", ")
                ));
            }
            ValidationErrorKind::Constant { expected_value } => {
                problem.code = Code::NotAllowedValue;
                problem.message = format!("{what} must be {expected_value}");
            }
            ValidationErrorKind::Pattern { pattern } => {
                problem.code = Code::PatternMismatch;
                problem.message = format!(
                    "{what} is {}, which does not have the required form",
                    short(&instance_text)
                );
                problem.label = Some(format!("does not match `{pattern}`"));
                problem.hint = description;
            }
            ValidationErrorKind::Format { format } => {
                problem.code = Code::BadFormat;
                problem.message =
                    format!("{what} is not a valid {format}: {}", short(&instance_text));
                problem.label = Some(format!("not a {format}"));
                problem.hint = Some(match format.as_str() {
                    "date-time" => {
                        let note = match toml_value {
                            Some(DeValue::Datetime(_)) => {
                                "this date-time lacks a time or a time zone; "
                            }
                            _ => "",
                        };
                        format!(
                            "{note}write an offset date-time without quotes, such as 2025-11-06T17:00:00Z or 2025-11-06T18:00:00+01:00"
                        )
                    }
                    "uri" => "write a full address, such as https://example.org/page".to_owned(),
                    "email" => "write an address such as name@example.org".to_owned(),
                    _ => format!("see the `{format}` format in the JSON Schema specification"),
                });
            }
            ValidationErrorKind::MinLength { limit } => {
                problem.code = Code::BadLength;
                if *limit == 1 {
                    problem.message = format!("{what} is empty");
                    problem.label = Some("write some text here".into());
                } else {
                    let length = instance.as_str().map_or(0, |s| s.chars().count());
                    problem.message =
                        format!("{what} is {length} characters long; at least {limit} are needed");
                }
            }
            ValidationErrorKind::MaxLength { limit } => {
                let length = instance.as_str().map_or(0, |s| s.chars().count());
                problem.code = Code::BadLength;
                problem.message =
                    format!("{what} is {length} characters long; at most {limit} are allowed");
                problem.label = Some(format!(
                    "{} characters too many",
                    length.saturating_sub(*limit as usize)
                ));
            }
            ValidationErrorKind::MinItems { limit } => {
                problem.code = Code::BadLength;
                problem.message = format!("{what} needs at least {limit} {}", entries(*limit));
            }
            ValidationErrorKind::MaxItems { limit } => {
                let length = instance.as_array().map_or(0, Vec::len);
                problem.code = Code::BadLength;
                problem.message =
                    format!("{what} has {length} entries; at most {limit} are allowed");
            }
            ValidationErrorKind::MinProperties { limit } => {
                problem.code = Code::BadLength;
                problem.message = format!("{what} needs at least {limit} {}", keys(*limit));
            }
            ValidationErrorKind::MaxProperties { limit } => {
                problem.code = Code::BadLength;
                problem.message = format!("{what} has more than {limit} {}", keys(*limit));
            }
            ValidationErrorKind::Minimum { limit }
            | ValidationErrorKind::ExclusiveMinimum { limit } => {
                problem.code = Code::OutOfRange;
                let exclusive =
                    matches!(error.kind(), ValidationErrorKind::ExclusiveMinimum { .. });
                problem.message = format!(
                    "{what} is {instance}; it must be {} {limit}",
                    if exclusive { "more than" } else { "at least" }
                );
            }
            ValidationErrorKind::Maximum { limit }
            | ValidationErrorKind::ExclusiveMaximum { limit } => {
                problem.code = Code::OutOfRange;
                let exclusive =
                    matches!(error.kind(), ValidationErrorKind::ExclusiveMaximum { .. });
                problem.message = format!(
                    "{what} is {instance}; it must be {} {limit}",
                    if exclusive { "less than" } else { "at most" }
                );
            }
            ValidationErrorKind::UniqueItems => {
                problem.code = Code::DuplicateItem;
                let duplicate = instance.as_array().and_then(|items| first_repeat(items));
                match duplicate {
                    Some(index) => {
                        let mut item_steps = steps.clone();
                        item_steps.push(Step::Index(index));
                        problem.message = format!(
                            "{what} lists {} more than once",
                            short(
                                &instance
                                    .as_array()
                                    .map(|a| a[index].to_string())
                                    .unwrap_or_default()
                            )
                        );
                        problem.label = Some("listed again here".into());
                        if let Some(found) = document.find(&item_steps) {
                            problem.span = Some(found.value.span());
                        }
                        problem.pointer = format!("{pointer}/{index}");
                    }
                    None => problem.message = format!("{what} lists the same value more than once"),
                }
                problem.hint = Some("remove the repeated entry".into());
            }
            ValidationErrorKind::PropertyNames { error: inner } => {
                let name = inner.instance().as_str().unwrap_or_default().to_owned();
                problem.code = Code::PatternMismatch;
                problem.message = format!("the key `{name}` in {what} is not a valid id");
                problem.label = Some("not a valid id".into());
                problem.span = document.key_span(&steps, &name).or(value_span);
                problem.pointer = format!("{pointer}/{name}");
                problem.hint = self
                    .node_parent(inner.schema_path())
                    .and_then(|node| node.get("description"))
                    .and_then(Json::as_str)
                    .map(str::to_owned)
                    .or(Some(
                        "ids use lower-case letters, digits and hyphens".into(),
                    ));
            }
            ValidationErrorKind::Custom { keyword, message } => {
                problem.code = match keyword.as_str() {
                    MAX_WORDS => Code::TooManyWords,
                    MIN_WORDS => Code::TooFewWords,
                    _ => Code::SchemaOther,
                };
                problem.message = format!("{what} {message}");
                problem.label = Some(message.split(';').next().unwrap_or(message).to_owned());
                if problem.code == Code::TooManyWords {
                    problem.hint = Some("shorten the text; a word is anything between spaces that has a letter or digit in it".into());
                }
            }
            _ => {
                problem.code = Code::SchemaOther;
                problem.message = format!("{what}: {error}");
            }
        }
        out.push(problem);
    }

    /// The schema object that holds the keyword at `keyword_location`.
    fn node_parent(&self, keyword_location: &Location) -> Option<&Map<String, Json>> {
        self.node_at_pointer(parent_pointer(keyword_location))
            .and_then(Json::as_object)
    }

    fn node_at_pointer(&self, pointer: &str) -> Option<&Json> {
        self.raw.pointer(pointer)
    }
}

#[derive(Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Segment {
    fn step(&self) -> Step<'_> {
        match self {
            Segment::Key(key) => Step::Key(key),
            Segment::Index(index) => Step::Index(*index),
        }
    }
}

fn parent_pointer(location: &Location) -> &str {
    let pointer = location.as_str();
    pointer.rsplit_once('/').map_or("", |(parent, _)| parent)
}

fn spans_lines(text: &str, span: &Range<usize>) -> bool {
    text.get(span.clone())
        .is_some_and(|slice| slice.contains('\n'))
}

fn json_type_name(name: &str) -> String {
    match name {
        "object" => "a table".into(),
        "array" => "an array".into(),
        "string" => "a string".into(),
        "integer" => "an integer".into(),
        "number" => "a number".into(),
        "boolean" => "true or false".into(),
        "null" => "absent".into(),
        other => format!("of type {other}"),
    }
}

fn entries(n: u64) -> &'static str {
    if n == 1 { "entry" } else { "entries" }
}

fn keys(n: u64) -> &'static str {
    if n == 1 { "key" } else { "keys" }
}

/// A value for a message, cut short so a 10 MB string never lands in one.
fn short(text: &str) -> String {
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text.to_owned()
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn first_repeat(items: &[Json]) -> Option<usize> {
    (1..items.len()).find(|&i| items[..i].contains(&items[i]))
}

/// The closest candidate by edit distance, when it is close enough to be a
/// likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .map(|candidate| (edit_distance(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Optimal string alignment distance: insertions, deletions, substitutions
/// and transpositions of neighbours ("wrold" is one edit from "world").
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Three rows of the table: the one before the previous is needed for
    // transpositions.
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current: Vec<usize> = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// A memo of recent word counts for one validation pass.
///
/// One text is usually under several word limits: the generic one of its
/// definition and the minimum and maximum of the place it is used. Counting
/// is the most expensive part of checking a record, so each count is kept,
/// keyed by the text's address and length, which identify it while the
/// instance being validated is alive and unchanged. `forget` is called before
/// every pass (on the validating thread; `jsonschema` does not spread one
/// pass over threads), so no count outlives the instance it was made for.
mod word_counts {
    use std::cell::Cell;

    const SLOTS: usize = 8;
    type Slot = (usize, usize, usize);

    thread_local! {
        static RECENT: Cell<([Slot; SLOTS], usize)> = const { Cell::new(([(0, 0, 0); SLOTS], 0)) };
    }

    pub fn forget() {
        RECENT.with(|recent| recent.set(([(0, 0, 0); SLOTS], 0)));
    }

    pub fn count(text: &str) -> usize {
        let key = (text.as_ptr() as usize, text.len());
        RECENT.with(|recent| {
            let (mut slots, next) = recent.get();
            if let Some(&(_, _, words)) = slots.iter().find(|s| (s.0, s.1) == key && s.0 != 0) {
                return words;
            }
            let words = super::count_words(text);
            slots[next] = (key.0, key.1, words);
            recent.set((slots, (next + 1) % SLOTS));
            words
        })
    }
}

pub const MAX_WORDS: &str = "x-lede-max-words";
pub const MIN_WORDS: &str = "x-lede-min-words";

struct WordLimit {
    limit: usize,
    is_max: bool,
}

impl WordLimit {
    fn check(&self, instance: TomlNode<'_>) -> Result<(), String> {
        let Some(text) = instance.as_string() else {
            return Ok(());
        };
        let words = word_counts::count(&text);
        if self.is_max && words > self.limit {
            Err(format!(
                "has {words} words; at most {} are allowed ({} too many)",
                self.limit,
                words - self.limit
            ))
        } else if !self.is_max && words < self.limit {
            Err(format!(
                "has {words} {}; at least {} are needed",
                if words == 1 { "word" } else { "words" },
                self.limit
            ))
        } else {
            Ok(())
        }
    }
}

impl<'i> Keyword<'i, Toml> for WordLimit {
    fn validate(&self, instance: TomlNode<'i>) -> Result<(), ValidationError<'i>> {
        self.check(instance).map_err(ValidationError::custom)
    }

    fn is_valid(&self, instance: TomlNode<'i>) -> bool {
        self.check(instance).is_ok()
    }
}

type KeywordResult<'a> = Result<Box<dyn for<'i> Keyword<'i, Toml>>, ValidationError<'a>>;

fn word_limit<'a>(value: &'a Json, name: &str, is_max: bool) -> KeywordResult<'a> {
    let limit = value
        .as_u64()
        .and_then(|limit| usize::try_from(limit).ok())
        .ok_or_else(|| {
            ValidationError::schema(format!(
                "`{name}` must be a whole number of words, not {value}"
            ))
        })?;
    Ok(Box::new(WordLimit { limit, is_max }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::document::Document;

    #[test]
    fn builtin_schemas_compile() {
        let _ = Schemas::builtin();
    }

    #[test]
    fn closest_finds_typos_only() {
        let keys = ["headline", "slug", "status"];
        assert_eq!(closest("headlin", keys.iter().copied()), Some("headline"));
        assert_eq!(closest("stauts", keys.iter().copied()), Some("status"));
        assert_eq!(closest("banana", keys.iter().copied()), None);
        let desks = ["world", "politics"];
        assert_eq!(closest("wrold", desks.iter().copied()), Some("world"));
    }

    fn problems_of(schema: &str, record: &str) -> Vec<SchemaProblem> {
        let schema = Schema::compile(schema, "test.schema.json").unwrap();
        let document = Document::parse(record).unwrap();
        let problems = schema.problems(&document, record);
        assert_eq!(
            schema.is_valid(&document),
            problems.is_empty(),
            "{problems:#?}"
        );
        problems
    }

    fn codes(problems: &[SchemaProblem]) -> Vec<Code> {
        problems.iter().map(|p| p.code).collect()
    }

    /// Every TOML type meets the JSON Schema keyword it should, as the
    /// TOML-to-JSON mapping of taplo and check-jsonschema has it.
    #[test]
    fn toml_values_are_seen_as_their_json_equivalents() {
        let schema = r#"{
            "type": "object",
            "properties": {
                "i": {"type": "integer", "minimum": 0, "maximum": 10},
                "f": {"type": "number", "exclusiveMaximum": 2},
                "b": {"type": "boolean"},
                "d": {"type": "string", "format": "date-time"},
                "s": {"type": "string", "minLength": 2, "maxLength": 3},
                "e": {"enum": ["one", "two"]},
                "a": {"type": "array", "uniqueItems": true, "items": {"type": "string"}},
                "t": {"type": "object", "propertyNames": {"pattern": "^[a-z]+$"}}
            }
        }"#;
        let good = "i = 0x0A\nf = 1.5\nb = true\nd = 2025-11-06T17:00:00Z\ns = \"ab\"\ne = \"two\"\na = [\"x\", \"y\"]\n[t]\nok = 1\n";
        assert!(problems_of(schema, good).is_empty());
        let bad = "i = 11\nf = 2.0\nb = \"yes\"\nd = 2025-11-06\ns = \"é\"\ne = \"three\"\na = [\"x\", \"x\"]\n[t]\nNot = 1\n";
        let found = codes(&problems_of(schema, bad));
        for code in [
            Code::OutOfRange,
            Code::WrongType,
            Code::BadFormat,
            Code::BadLength,
            Code::NotAllowedValue,
            Code::DuplicateItem,
            Code::PatternMismatch,
        ] {
            assert!(found.contains(&code), "{code} missing from {found:?}");
        }
        // A float with a fraction is not an integer (1.0 is, as JSON Schema
        // says); an integer is a number.
        assert_eq!(codes(&problems_of(schema, "i = 1.5\n")), [Code::WrongType]);
        assert!(problems_of(schema, "i = 1.0\n").is_empty());
        assert!(problems_of(schema, "f = 1\n").is_empty());
    }

    #[test]
    fn rules_without_their_own_code_are_l029() {
        let schema = r#"{"properties": {"x": {"not": {"const": "forbidden"}}}}"#;
        let problems = problems_of(schema, "x = \"forbidden\"\n");
        assert_eq!(codes(&problems), [Code::SchemaOther]);
        assert!(
            problems[0].message.starts_with("`x`"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn word_limits_apply_through_refs_and_all_of() {
        let schema = r##"{
            "$defs": {"text": {"type": "string", "x-lede-max-words": 5}},
            "properties": {
                "short": {"allOf": [{"$ref": "#/$defs/text"}, {"x-lede-min-words": 2}]}
            }
        }"##;
        assert_eq!(
            codes(&problems_of(schema, "short = \"one\"\n")),
            [Code::TooFewWords]
        );
        assert_eq!(
            codes(&problems_of(
                schema,
                "short = \"one two three four five six\"\n"
            )),
            [Code::TooManyWords]
        );
        assert!(problems_of(schema, "short = \"one two\"\n").is_empty());
    }

    #[test]
    fn problems_point_at_the_value_or_the_key() {
        let schema = r#"{"properties": {"a": {"type": "string"}}, "additionalProperties": false}"#;
        let record = "a = 1\nbee = 2\n";
        let problems = problems_of(schema, record);
        let span = |code| {
            let problem = problems.iter().find(|p| p.code == code).unwrap();
            &record[problem.span.clone().unwrap()]
        };
        assert_eq!(span(Code::WrongType), "1");
        assert_eq!(span(Code::UnknownKey), "bee");
    }

    #[test]
    fn bad_word_limit_is_a_schema_error() {
        let error = Schema::compile(r#"{"x-lede-max-words": "many"}"#, "s.json")
            .err()
            .unwrap();
        assert!(error.to_string().contains("x-lede-max-words"), "{error}");
    }
}
