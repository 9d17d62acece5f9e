//! Text: a record's source and its line/column arithmetic, counting words as
//! an editor does, and diagnostics, the located problems every check reports.

pub mod diagnostic;
pub mod source;
pub mod words;
