//! The editorial workflow: status moves and what history says about them,
//! the one path every content edit takes, and publishing.

pub mod publish;
pub mod retract;
pub mod revise;
pub mod states;
pub mod step;
pub mod team;
