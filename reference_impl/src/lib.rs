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

/// One behaviour broken on purpose, for the tests of the tools that must notice a broken
/// runtime (`cargo xtask explore` has to find and minimise it). Process-wide; off unless a
/// test turns it on. Cases cannot reach it: the bootstrap reads it into its own scope.
pub mod fault {
    use std::sync::Mutex;

    static FAULT: Mutex<Option<Fault>> = Mutex::new(None);

    /// The behaviours that can be broken.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Fault {
        /// A timer's callback runs in no context instead of the one its timer was made in.
        TimerContext,
    }

    impl Fault {
        pub(crate) fn name(self) -> &'static str {
            match self {
                Fault::TimerContext => "timer-context",
            }
        }
    }

    /// Break `fault` (or nothing) in every run this process starts from now on.
    pub fn set(fault: Option<Fault>) {
        if let Ok(mut f) = FAULT.lock() {
            *f = fault;
        }
    }

    pub(crate) fn current() -> Option<Fault> {
        FAULT.lock().ok().and_then(|f| *f)
    }
}

/// The version this runtime reports: the Node line its behaviour follows, and ours.
pub const VERSION: &str = concat!("26.0.0-reference.", env!("CARGO_PKG_VERSION"));
