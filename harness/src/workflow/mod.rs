//! The workflow floor: the commands the front door (`xtask`) offers, composed from the floors
//! below. Each command is a function that takes typed options and an [`emit::Emitter`] and
//! returns an exit code (see [`exit`]), so it can be tested without spawning the CLI; the front
//! door only parses the command line into those options.

pub mod baselines;
pub mod bench;
pub mod cargo;
pub mod compare;
pub mod conformance;
pub mod emit;
pub mod exit;
pub mod explore;
pub mod known;
pub mod matrix;
pub mod merge;
pub mod mutants;
pub mod neutrality;
pub mod prerequisites;
pub mod refresh;
pub mod report;
pub mod runtimes;
pub mod summary;
pub mod values;
