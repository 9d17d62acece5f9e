//! Records: the typed model of stories and topics, the spanned document a
//! record's text parses into, and the format-preserving edits lede makes.

pub mod collection;
pub mod conflict;
pub mod document;
pub mod draft;
pub mod edit;
pub mod format;
pub mod instance;
pub mod integrity;
pub mod model;
pub mod reading;
pub mod splice;
