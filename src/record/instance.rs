//! A parsed TOML record as a JSON Schema instance, validated in place.
//!
//! The `jsonschema` crate validates any representation that implements its
//! `Json` trait. Validating toml's spanned tree directly, rather than a
//! `serde_json::Value` copy of it, saves copying every text of every record
//! (most of a record's bytes) and the allocations that go with it, which on a
//! large archive is a large share of what validation costs beyond parsing.
//!
//! TOML has two kinds of value JSON lacks: date-times, which the schemas see
//! as their RFC 3339 text (what `format: date-time` checks), and non-finite
//! floats, which they see as `null`. A TOML table is a JSON object and an
//! array is an array, as in every TOML-to-JSON mapping (taplo's,
//! check-jsonschema's).

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, JsonNumber, Node, NodeIdentity, Object};
use serde_json::Value;
use toml::Spanned;
use toml::de::{DeArray, DeString, DeTable, DeValue};

use crate::record::document::{table_to_json, value_to_json};

/// The marker type that selects this representation:
/// `jsonschema::options_for::<Toml>()`.
pub struct Toml;

impl Json for Toml {
    type Node<'a> = TomlNode<'a>;
    type PreparedKey = String;
    type StringBuffer = ();

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>((): &mut (), string: &str, f: impl FnOnce(TomlNode<'_>) -> T) -> T {
        f(TomlNode::Name(string))
    }
}

/// A value in a parsed record, the record itself, or a key (for
/// `propertyNames`).
#[derive(Clone, Copy)]
pub enum TomlNode<'a> {
    Root(&'a DeTable<'a>),
    Value(&'a DeValue<'a>),
    Name(&'a str),
}

impl<'a> TomlNode<'a> {
    pub fn root(table: &'a DeTable<'a>) -> TomlNode<'a> {
        TomlNode::Root(table)
    }

    fn table(&self) -> Option<&'a DeTable<'a>> {
        match *self {
            TomlNode::Root(table) => Some(table),
            TomlNode::Value(DeValue::Table(table)) => Some(table),
            _ => None,
        }
    }

    fn text(&self) -> Option<&'a str> {
        match *self {
            TomlNode::Value(DeValue::String(text)) => Some(text),
            TomlNode::Name(text) => Some(text),
            _ => None,
        }
    }
}

/// A TOML number as JSON Schema sees it.
#[derive(Clone, Copy)]
pub enum TomlNumber {
    Integer(i64),
    Float(f64),
}

impl TomlNumber {
    fn of(value: &DeValue<'_>) -> Option<TomlNumber> {
        match value {
            DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
                .ok()
                .map(TomlNumber::Integer),
            DeValue::Float(float) => float
                .as_str()
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(TomlNumber::Float),
            _ => None,
        }
    }
}

impl JsonNumber for TomlNumber {
    fn as_u64(&self) -> Option<u64> {
        match *self {
            TomlNumber::Integer(n) => u64::try_from(n).ok(),
            TomlNumber::Float(_) => None,
        }
    }

    fn as_i64(&self) -> Option<i64> {
        match *self {
            TomlNumber::Integer(n) => Some(n),
            TomlNumber::Float(_) => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match *self {
            TomlNumber::Integer(n) => Some(n as f64),
            TomlNumber::Float(f) => Some(f),
        }
    }

    fn as_str(&self) -> Cow<'_, str> {
        match *self {
            TomlNumber::Integer(n) => Cow::Owned(n.to_string()),
            TomlNumber::Float(f) => Cow::Owned(f.to_string()),
        }
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        Cow::Owned(match *self {
            TomlNumber::Integer(n) => n.into(),
            TomlNumber::Float(f) => serde_json::Number::from_f64(f).unwrap_or_else(|| 0.into()),
        })
    }

    fn is_written_as_integer(&self) -> bool {
        matches!(self, TomlNumber::Integer(_))
    }
}

impl<'a> Node<'a, Toml> for TomlNode<'a> {
    type Object = TomlTable<'a>;
    type Array = TomlArray<'a>;
    type Number = TomlNumber;

    fn as_object(&self) -> Option<TomlTable<'a>> {
        self.table().map(TomlTable)
    }

    fn as_array(&self) -> Option<TomlArray<'a>> {
        match *self {
            TomlNode::Value(DeValue::Array(array)) => Some(TomlArray(array)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match *self {
            TomlNode::Value(DeValue::Datetime(datetime)) => Some(Cow::Owned(datetime.to_string())),
            _ => self.text().map(Cow::Borrowed),
        }
    }

    fn as_number(&self) -> Option<TomlNumber> {
        match *self {
            TomlNode::Value(value) => TomlNumber::of(value),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match *self {
            TomlNode::Value(DeValue::Boolean(flag)) => Some(*flag),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        self.json_type() == JsonType::Null
    }

    fn json_type(&self) -> JsonType {
        match *self {
            TomlNode::Root(_) => JsonType::Object,
            TomlNode::Name(_) => JsonType::String,
            TomlNode::Value(value) => match value {
                DeValue::String(_) | DeValue::Datetime(_) => JsonType::String,
                DeValue::Integer(_) | DeValue::Float(_) => {
                    if TomlNumber::of(value).is_some() {
                        JsonType::Number
                    } else {
                        JsonType::Null
                    }
                }
                DeValue::Boolean(_) => JsonType::Boolean,
                DeValue::Array(_) => JsonType::Array,
                DeValue::Table(_) => JsonType::Object,
            },
        }
    }

    fn string_length_within(&self, min: u64, max: u64) -> Option<bool> {
        let Some(text) = self.text() else {
            return self
                .string_length()
                .map(|length| (min..=max).contains(&length));
        };
        // A character takes one to four bytes, which often decides it
        // without counting.
        let bytes = text.len() as u64;
        let fewest = bytes.div_ceil(4);
        if bytes < min || fewest > max {
            return Some(false);
        }
        if min <= fewest && bytes <= max {
            return Some(true);
        }
        Some((min..=max).contains(&(text.chars().count() as u64)))
    }

    fn equals_value(&self, expected: &Value) -> bool {
        match self.text() {
            Some(text) => expected.as_str() == Some(text),
            None => jsonschema::json::cmp::equal(&self.to_value(), expected),
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(match *self {
            TomlNode::Root(table) => table_to_json(table),
            TomlNode::Value(value) => value_to_json(value),
            TomlNode::Name(name) => Value::String(name.to_owned()),
        })
    }

    fn identity(&self) -> Option<NodeIdentity> {
        match *self {
            TomlNode::Root(table) => Some(NodeIdentity::new(std::ptr::from_ref(table) as usize)),
            TomlNode::Value(value) => Some(NodeIdentity::new(std::ptr::from_ref(value) as usize)),
            TomlNode::Name(_) => None,
        }
    }
}

pub struct TomlTable<'a>(&'a DeTable<'a>);

type Member<'a> = (&'a Spanned<DeString<'a>>, &'a Spanned<DeValue<'a>>);

pub struct Members<'a>(toml::map::Iter<'a, Spanned<DeString<'a>>, Spanned<DeValue<'a>>>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, TomlNode<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(key, value): Member<'a>| {
            (key.get_ref().as_ref(), TomlNode::Value(value.get_ref()))
        })
    }
}

pub struct Elements<'a>(std::slice::Iter<'a, Spanned<DeValue<'a>>>);

impl<'a> Iterator for Elements<'a> {
    type Item = TomlNode<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|value| TomlNode::Value(value.get_ref()))
    }
}

impl<'a> Object<'a, Toml> for TomlTable<'a> {
    type Node = TomlNode<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &String) -> Option<TomlNode<'a>> {
        self.0
            .get(key.as_str())
            .map(|value| TomlNode::Value(value.get_ref()))
    }

    fn members(&self) -> Members<'a> {
        Members(self.0.iter())
    }
}

pub struct TomlArray<'a>(&'a DeArray<'a>);

impl<'a> Array<'a, Toml> for TomlArray<'a> {
    type Node = TomlNode<'a>;
    type ElementsIter = Elements<'a>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Elements<'a> {
        Elements(self.0.iter())
    }
}
