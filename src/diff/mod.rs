//! Differences between records: words, record parts, the sides of the
//! newsroom that are compared, how diffs are shown, and the three-way merge.

pub mod compare;
pub mod merge;
pub mod record_diff;
pub mod render;
pub mod word_diff;
