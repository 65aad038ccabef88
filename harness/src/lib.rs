//! Conformance harness for `node:async_hooks`.
//!
//! Five floors, each a folder, each using only the floors below it (`harness/tests/floors.rs`
//! keeps it so; reports never use exec):
//!
//! - [`input`]: what a run reads — case files ([`input::case`]), the spec index, the feature
//!   registry, the mutant files ([`input::mutant`]), the project layout, located diagnostics.
//! - [`judge`]: turning what a runtime did into a verdict — the trace channel
//!   ([`judge::trace`]), expectations ([`judge::expect`]), outcomes and their one status type
//!   ([`judge::outcome`]), the spread of repeated runs and its rate classes ([`judge::runs`]).
//! - [`exec`]: running cases — the adapter trait, adapter files, process spawning, the pool,
//!   workerd, the embedded reference runtime, the prelude, the runtime registry, and the
//!   runner that turns cases into libtest trials.
//! - [`report`]: what a run leaves — results JSON and JUnit, baselines, comparisons, requirement
//!   scores, the cross-runtime matrix.
//! - [`workflow`]: the commands the front door (`xtask`) offers — conformance runs with their
//!   outputs and baselines, reports, the runtimes, the bench, the mutant runs
//!   ([`workflow::mutants`]), the tests' prerequisites.
//!
//! One data flow: case file → [`input::case`] → [`exec::prelude`] (render) → an
//! [`exec::adapter::Adapter`] (execute) → [`judge::trace`] → [`judge::expect`] →
//! [`judge::outcome`] → [`exec::runner`] (trials) → [`report`].

pub mod exec;
pub mod input;
pub mod judge;
pub mod report;
pub mod workflow;
