//! What one run of a case produced, before it is judged: how it ended, the trace channel,
//! the heads of stdout and stderr. Every adapter returns one; [`crate::judge::outcome`] judges
//! it.

use std::time::Duration;

use crate::judge::trace::Channel;

/// How a run ended, as far as the harness could tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum End {
    Exited(i32),
    Signaled(String),
    TimedOut,
    /// The case could not be run at all (runtime missing, temp dir failure, ...).
    CouldNotRun(String),
}

/// Everything one run produced, before it is compared with the expectation.
#[derive(Debug, Clone)]
pub struct Execution {
    pub channel: Channel,
    pub end: End,
    /// The trace channel overflowed its cap and was cut.
    pub channel_cut: bool,
    pub stdout_head: String,
    pub stderr_head: String,
    pub duration: Duration,
}

impl Execution {
    /// A run that never started (no temp dir, no files, no binary): nothing was observed.
    pub fn could_not(msg: impl Into<String>, duration: Duration) -> Execution {
        Execution {
            channel: Channel::default(),
            end: End::CouldNotRun(msg.into()),
            channel_cut: false,
            stdout_head: String::new(),
            stderr_head: String::new(),
            duration,
        }
    }
}
