//! A parsed record that remembers where everything came from.
//!
//! The TOML text is parsed once into toml's spanned document tree, which
//! borrows from the text. From that tree lede builds the JSON value that JSON
//! Schema validation needs, and walks it back by JSON pointer to find the byte
//! span of any key or value a problem is about.
//!
//! The JSON conversion is done here rather than through serde because serde
//! would turn TOML date-times into private marker objects; here a date-time
//! becomes its RFC 3339 text, which is what the schemas' `format: date-time`
//! checks (the same text check-jsonschema and taplo see).

use std::ops::Range;

use serde_json::{Map, Number, Value as Json};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a JSON pointer into a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// What a path points at in the document.
pub struct Found<'d, 'i> {
    pub value: &'d Spanned<DeValue<'i>>,
    /// The span of the key that holds the value, when the value is held by a
    /// key (not an array element or the root).
    pub key_span: Option<Range<usize>>,
}

pub struct Document<'i> {
    pub root: Spanned<DeTable<'i>>,
}

impl<'i> Document<'i> {
    /// Parses a TOML document, reporting every syntax error the parser can
    /// recover from rather than only the first.
    pub fn parse(text: &'i str) -> Result<Document<'i>, Vec<toml::de::Error>> {
        let (root, errors) = DeTable::parse_recoverable(text);
        if errors.is_empty() {
            Ok(Document { root })
        } else {
            Err(errors)
        }
    }

    pub fn table(&self) -> &DeTable<'i> {
        self.root.get_ref()
    }

    /// The record as JSON: for reports and tests. Validation reads the
    /// parsed tree in place (`crate::record::instance`).
    pub fn to_json(&self) -> Json {
        table_to_json(self.table())
    }

    /// A top-level string value.
    pub fn str_at(&self, key: &str) -> Option<&str> {
        self.table().get(key)?.get_ref().as_str()
    }

    /// A top-level array's elements.
    pub fn array_at(&self, key: &str) -> Option<&[Spanned<DeValue<'i>>]> {
        self.table()
            .get(key)?
            .get_ref()
            .as_array()
            .map(|array| &array[..])
    }

    /// The value at a path of keys and indices, with the span of its key.
    pub fn find(&self, path: &[Step<'_>]) -> Option<Found<'_, 'i>> {
        let (first, rest) = path.split_first()?;
        let Step::Key(key) = first else {
            return None;
        };
        let (key, value) = self.table().get_key_value(*key)?;
        let mut found = Found {
            value,
            key_span: Some(key.span()),
        };
        for step in rest {
            found = match (step, found.value.get_ref()) {
                (Step::Key(name), DeValue::Table(table)) => {
                    let (key, value) = table.get_key_value(*name)?;
                    Found {
                        value,
                        key_span: Some(key.span()),
                    }
                }
                (Step::Index(index), DeValue::Table(table)) => {
                    let name = index.to_string();
                    let (key, value) = table.get_key_value(name.as_str())?;
                    Found {
                        value,
                        key_span: Some(key.span()),
                    }
                }
                (Step::Index(index), DeValue::Array(array)) => Found {
                    value: array.get(*index)?,
                    key_span: None,
                },
                _ => return None,
            };
        }
        Some(found)
    }

    /// The table at a path (the root for an empty path).
    pub fn find_table(&self, path: &[Step<'_>]) -> Option<&DeTable<'i>> {
        if path.is_empty() {
            return Some(self.table());
        }
        match self.find(path)?.value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => None,
        }
    }

    /// The span of a key inside the table at `path`.
    pub fn key_span(&self, path: &[Step<'_>], key: &str) -> Option<Range<usize>> {
        let table = self.find_table(path)?;
        table.get_key_value(key).map(|(key, _)| key.span())
    }

    /// Visits every string value and every key with its span and JSON
    /// pointer (a key's pointer is the pointer of the value it holds).
    pub fn for_each_string(&self, mut visit: impl FnMut(&str, Range<usize>, &str)) {
        let mut pointer = String::new();
        visit_table_strings(self.table(), &mut pointer, &mut visit);
    }
}

fn visit_table_strings(
    table: &DeTable<'_>,
    pointer: &mut String,
    visit: &mut impl FnMut(&str, Range<usize>, &str),
) {
    for (key, value) in table.iter() {
        let len = pointer.len();
        pointer.push('/');
        push_pointer_token(pointer, key.get_ref());
        visit(key.get_ref(), key.span(), pointer);
        visit_value_strings(value, pointer, visit);
        pointer.truncate(len);
    }
}

fn visit_value_strings(
    value: &Spanned<DeValue<'_>>,
    pointer: &mut String,
    visit: &mut impl FnMut(&str, Range<usize>, &str),
) {
    match value.get_ref() {
        DeValue::String(text) => visit(text, value.span(), pointer),
        DeValue::Array(array) => {
            for (index, item) in array.iter().enumerate() {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                visit_value_strings(item, pointer, visit);
                pointer.truncate(len);
            }
        }
        DeValue::Table(table) => visit_table_strings(table, pointer, visit),
        _ => {}
    }
}

/// Appends a key to a JSON pointer, escaping `~` and `/` as RFC 6901 says.
pub fn push_pointer_token(pointer: &mut String, key: &str) {
    for ch in key.chars() {
        match ch {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            _ => pointer.push(ch),
        }
    }
}

pub fn table_to_json(table: &DeTable<'_>) -> Json {
    let mut map = Map::with_capacity(table.len());
    for (key, value) in table.iter() {
        map.insert(key.get_ref().to_string(), value_to_json(value.get_ref()));
    }
    Json::Object(map)
}

pub fn value_to_json(value: &DeValue<'_>) -> Json {
    match value {
        DeValue::String(text) => Json::String(text.to_string()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map(|n| Json::Number(n.into()))
            // Out of i64 range is a TOML error the parser already reported;
            // keep the text so a schema still sees a value there.
            .unwrap_or_else(|_| Json::String(integer.as_str().to_owned())),
        DeValue::Float(float) => float_to_json(float.as_str()),
        DeValue::Boolean(flag) => Json::Bool(*flag),
        DeValue::Datetime(datetime) => Json::String(datetime.to_string()),
        DeValue::Array(array) => Json::Array(
            array
                .iter()
                .map(|item| value_to_json(item.get_ref()))
                .collect(),
        ),
        DeValue::Table(table) => table_to_json(table),
    }
}

/// JSON has no infinity or NaN; they become null, which any numeric schema
/// rejects.
fn float_to_json(text: &str) -> Json {
    text.replace('_', "")
        .parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Json::Null, Json::Number)
}

/// The TOML name of a value's type, for messages.
pub fn toml_type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A JSON pointer as a TOML key path for messages: `/faq/2/answer` becomes
/// `faq[2].answer`; keys that are not bare keys are quoted.
pub fn display_path(steps: &[Step<'_>]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                let bare = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if bare {
                    out.push_str(key);
                } else {
                    out.push_str(&format!("{key:?}"));
                }
            }
            Step::Index(index) => out.push_str(&format!("[{index}]")),
        }
    }
    out
}

/// The current time as lede writes it (`2025-11-07T09:30:00Z`). `LEDE_NOW`
/// (an RFC 3339 date-time) pins it, for scripts and tests.
pub fn now() -> String {
    if let Some(pinned) = std::env::var("LEDE_NOW")
        .ok()
        .and_then(|text| text.parse::<toml::value::Datetime>().ok())
        .and_then(|datetime| instant(&datetime))
    {
        return format_instant(pinned.0);
    }
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs() as i64);
    format_instant(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"slug = "a"
created = 2025-11-06T17:00:00Z
local = 2025-11-06
n = 0x10
f = 1_000.5
[sections.one]
body = """
Text."""
[[faq]]
id = "x"
"#;

    #[test]
    fn json_keeps_datetimes_as_rfc3339_text() {
        let doc = Document::parse(RECORD).unwrap();
        let json = doc.to_json();
        assert_eq!(json["created"], "2025-11-06T17:00:00Z");
        assert_eq!(json["local"], "2025-11-06");
        assert_eq!(json["n"], 16);
        assert_eq!(json["f"], 1000.5);
        assert_eq!(json["sections"]["one"]["body"], "Text.");
        assert_eq!(json["faq"][0]["id"], "x");
    }

    #[test]
    fn find_returns_value_and_key_spans() {
        let doc = Document::parse(RECORD).unwrap();
        let found = doc
            .find(&[Step::Key("sections"), Step::Key("one"), Step::Key("body")])
            .unwrap();
        assert_eq!(&RECORD[found.key_span.unwrap()], "body");
        assert_eq!(&RECORD[found.value.span()], "\"\"\"\nText.\"\"\"");
        let found = doc
            .find(&[Step::Key("faq"), Step::Index(0), Step::Key("id")])
            .unwrap();
        assert_eq!(&RECORD[found.value.span()], "\"x\"");
        assert!(doc.find(&[Step::Key("nope")]).is_none());
    }

    #[test]
    fn strings_are_visited_with_pointers() {
        let doc = Document::parse(RECORD).unwrap();
        let mut seen = Vec::new();
        doc.for_each_string(|text, _, pointer| seen.push((pointer.to_owned(), text.to_owned())));
        assert!(seen.contains(&("/sections/one/body".into(), "Text.".into())));
        assert!(seen.contains(&("/faq/0/id".into(), "x".into())));
        assert!(seen.contains(&("/sections/one".into(), "one".into())));
    }

    #[test]
    fn paths_display_as_toml_keys() {
        let steps = [Step::Key("faq"), Step::Index(2), Step::Key("answer")];
        assert_eq!(display_path(&steps), "faq[2].answer");
        assert_eq!(display_path(&[Step::Key("a b")]), "\"a b\"");
    }

    #[test]
    fn syntax_errors_carry_spans() {
        let errors = match Document::parse("a = \nb = 1\nb = 2\n") {
            Err(errors) => errors,
            Ok(_) => panic!("invalid TOML parsed"),
        };
        assert!(!errors.is_empty());
        assert!(errors.iter().all(|e| e.span().is_some()));
    }
}

/// Seconds since 1970 (and nanoseconds) of an offset date-time; `None` for a
/// local date, time or date-time, which names no single instant.
pub fn instant(datetime: &toml::value::Datetime) -> Option<(i64, u32)> {
    let date = datetime.date?;
    let time = datetime.time?;
    let offset_minutes = match datetime.offset? {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => i64::from(minutes),
    };
    let days = days_from_civil(
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let seconds = days * 86_400
        + i64::from(time.hour) * 3600
        + i64::from(time.minute) * 60
        + i64::from(time.second.unwrap_or(0))
        - offset_minutes * 60;
    Some((seconds, time.nanosecond.unwrap_or(0)))
}

/// An instant as an RFC 3339 UTC date-time to the second:
/// `2025-11-07T09:30:00Z`.
pub fn format_instant(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day % 3600 / 60,
        second_of_day % 60
    )
}

/// The date `days` after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A JSON pointer as the steps `display_path` and `Document::find` take.
/// Tokens made only of digits are taken as array indices.
pub fn pointer_steps(pointer: &str) -> Vec<(String, Option<usize>)> {
    pointer
        .split('/')
        .skip(1)
        .map(|token| {
            let key = token.replace("~1", "/").replace("~0", "~");
            let index = key.parse::<usize>().ok();
            (key, index)
        })
        .collect()
}

#[cfg(test)]
mod instant_tests {
    use super::*;

    fn at(text: &str) -> Option<(i64, u32)> {
        instant(&text.parse().unwrap())
    }

    #[test]
    fn instants_format_back_to_rfc3339() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2025-11-07T09:30:00Z",
            "2000-02-29T23:59:59Z",
            "1969-12-31T12:00:00Z",
        ] {
            let (seconds, _) = at(text).unwrap();
            assert_eq!(format_instant(seconds), text);
        }
    }

    #[test]
    fn instants_account_for_offsets() {
        assert_eq!(at("1970-01-01T00:00:00Z"), Some((0, 0)));
        assert_eq!(at("2025-11-06T17:00:00Z"), Some((1_762_448_400, 0)));
        assert_eq!(at("2025-11-06T18:00:00+01:00"), at("2025-11-06T17:00:00Z"));
        assert_eq!(at("2025-11-06"), None);
        assert_eq!(at("2025-11-06T17:00:00"), None);
    }
}
