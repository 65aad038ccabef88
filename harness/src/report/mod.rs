//! The report floor: what a run leaves behind and how runs are put side by side (results
//! files, baselines, comparisons, requirement scores, the matrix). Uses the input and judge
//! floors, never exec: a report is built from records, not from runtimes.

pub mod baseline;
pub mod change;
pub mod compare;
pub mod explore;
pub mod junit;
pub mod matrix;
pub mod mutants;
pub mod requirements;
pub mod results;
