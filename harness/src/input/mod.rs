//! The input floor: everything a run reads before anything runs, validated once, with located
//! diagnostics. Uses no other floor.

pub mod case;
pub mod diag;
pub mod features;
pub mod files;
pub mod mutant;
pub mod order;
pub mod program;
pub mod project;
pub mod register;
pub mod snapshot;
pub mod spec;
pub mod suggest;
pub mod yaml;
