//! The reference runtime: an executable form of the specification in `spec/`.
//!
//! It is `node:async_hooks` plus the parts of Node that cases schedule through (timers, the
//! nextTick queue, microtasks, `node:events`, `node:fs`, `node:timers/promises`, process
//! events), written in JavaScript (`src/js/`) on top of QuickJS, and driven by a Node-like event
//! loop whose clock is virtual: a timer costs no real time, and timers due at the same moment
//! run in the order they were created. A run is therefore deterministic by construction.
//!
//! QuickJS is patched (`async-context.patch`) so that promise reactions carry a promise identity
//! for the promise hooks and every job carries the async context frame that was current when it
//! was queued, the two things V8 gives Node and stock QuickJS lacks.
//!
//! The harness runs cases in-process through [`run`]; `ah-reference` runs a file from the shell.

mod compile;
mod engine;
mod host;
mod host_native;
mod modules;

pub use engine::{run, thread_runtime_stats, Exit, Options, Outcome, RuntimeStats};

/// The version this runtime reports: the Node line its behaviour follows, and ours.
pub const VERSION: &str = concat!("26.0.0-reference.", env!("CARGO_PKG_VERSION"));
