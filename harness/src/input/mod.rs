//! The input floor: everything a run reads before anything runs, validated once, with located
//! diagnostics. Uses no other floor.

pub mod case;
pub mod diag;
pub mod features;
pub mod project;
pub mod spec;
