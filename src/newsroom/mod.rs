//! The newsroom on disk: where its records live, its `lede.toml`, writing
//! files atomically under the repository lock, one command's commit, and
//! reading stories from the working tree or any revision.

pub mod change;
pub mod config;
pub mod conflicts;
pub mod drivers;
pub mod layout;
pub mod published;
pub mod recovery;
pub mod scaffold;
pub mod stories;
