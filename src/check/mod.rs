//! Checking records: the collections' JSON Schemas with lede's editorial
//! keywords, and the engine behind `lede validate`.

pub mod schema;
pub mod validate;
