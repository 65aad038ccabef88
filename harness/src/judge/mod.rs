//! The judge floor: from what a runtime left on the trace channel to a verdict. Uses only the
//! input floor.

pub mod execution;
pub mod expect;
pub mod outcome;
pub mod record;
pub mod runs;
pub mod trace;
