//! The `reference` runtime: the embedded executable spec (`reference_impl`), run in-process.
//!
//! Nothing to install and no process to start: each case gets a fresh QuickJS runtime on its own
//! thread (with a large stack, so a deep recursion in a case meets the runtime's stack guard and
//! not the thread's end), its own temp dir for the files it writes, and the same trace channel
//! protocol as a process runtime, so judging is identical.

use std::time::{Duration, Instant};

use crate::adapter::{Adapter, End, Execution, RuntimeFacts};
use crate::case::Case;
use crate::prelude::{self, Extensions};
use crate::trace::{self, Channel};

/// The name users type.
pub const NAME: &str = "reference";

/// Features the reference runtime does not model yet; cases needing them are UNSUPPORTED.
pub const UNSUPPORTED: &[&str] = &["http", "net"];

const THREAD_STACK: usize = 16 * 1024 * 1024;

pub struct ReferenceAdapter {
    facts: RuntimeFacts,
}

impl Default for ReferenceAdapter {
    fn default() -> Self {
        Self::new()
    }
}

impl ReferenceAdapter {
    pub fn new() -> ReferenceAdapter {
        ReferenceAdapter {
            facts: RuntimeFacts {
                name: NAME.to_string(),
                version: reference_impl::VERSION.to_string(),
                adapter: NAME.to_string(),
                source: "embedded".to_string(),
            },
        }
    }
}

fn could_not(msg: String, started: Instant) -> Execution {
    Execution {
        channel: Channel::default(),
        end: End::CouldNotRun(msg),
        channel_cut: false,
        stdout_head: String::new(),
        stderr_head: String::new(),
        duration: started.elapsed(),
    }
}

impl Adapter for ReferenceAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        match case
            .features
            .iter()
            .find(|f| UNSUPPORTED.contains(&f.as_str()))
        {
            Some(f) => Err(format!(
                "the reference runtime does not model feature `{f}` yet"
            )),
            None => Ok(()),
        }
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        let started = Instant::now();
        let dir = match tempfile::Builder::new().prefix("ah-ref-").tempdir() {
            Ok(d) => d,
            Err(e) => return could_not(format!("cannot create the case's temp dir: {e}"), started),
        };
        let ext = Extensions {
            esm: "mjs".into(),
            cjs: "cjs".into(),
        };
        let rendered = prelude::render(case, &ext);
        for (name, text) in &rendered.files {
            if let Err(e) = std::fs::write(dir.path().join(name), text) {
                return could_not(
                    format!("cannot write {name} into the temp dir: {e}"),
                    started,
                );
            }
        }
        let key = trace::new_key();
        let mut opts =
            reference_impl::Options::new(dir.path().to_path_buf(), dir.path().join(&rendered.main));
        opts.stdin = key.clone();
        opts.timeout = timeout;
        let worker = std::thread::Builder::new()
            .name(format!("reference {}", case.id))
            .stack_size(THREAD_STACK)
            .spawn(move || reference_impl::run(&opts));
        let out = match worker.map(|h| h.join()) {
            Ok(Ok(out)) => out,
            Ok(Err(_)) => return could_not("the reference runtime panicked".into(), started),
            Err(e) => return could_not(format!("cannot start a thread: {e}"), started),
        };
        let mut stderr_head = String::from_utf8_lossy(&out.stderr).into_owned();
        let end = match out.exit {
            reference_impl::Exit::Code(c) => End::Exited(c),
            reference_impl::Exit::TimedOut => End::TimedOut,
            reference_impl::Exit::OutOfMemory => {
                stderr_head
                    .push_str("\nreference runtime: out of memory (the memory limit was reached)");
                End::Signaled("SIGABRT".into())
            }
            reference_impl::Exit::Internal(msg) => {
                stderr_head.push_str(&format!("\nreference runtime internal error: {msg}"));
                End::Signaled("SIGABRT".into())
            }
        };
        Execution {
            channel: trace::parse_channel(&key, &out.channel),
            end,
            channel_cut: out.channel_cut,
            stdout_head: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr_head,
            duration: started.elapsed(),
        }
    }
}
