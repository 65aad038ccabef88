//! The `reference` runtime: the embedded executable spec (`reference_impl`), run in-process.
//!
//! Nothing to install and no process to start. Each case gets a fresh QuickJS runtime, its files
//! in memory under `/case` (a real directory behind it is made only if the script touches the
//! file system, and removed afterwards), and the same trace-channel protocol as a process
//! runtime, so judging is identical. The engine runs on the calling thread when its stack is big
//! enough for the engine's stack guard, else on a per-thread worker with a big stack.

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::exec::adapter::{first_lacking, Adapter};

use crate::judge::execution::{End, Execution};

use crate::exec::prelude::{self, Extensions};
use crate::input::case::Case;
use crate::judge::record::RuntimeFacts;
use crate::judge::trace;

/// The name users type.
pub const NAME: &str = "reference";

/// The reference runs in the harness's process: no sandbox, but its host functions reach only
/// the case's own directory, read with bounds, under the case's deadline (see
/// `reference_impl`'s host).
pub const CONFINEMENT: &str = "in-process: file access confined to the case's directory";

/// Features the reference runtime does not model yet; cases needing them are UNSUPPORTED.
/// Child processes and workers would need a second runtime started by this one
/// (docs/decisions/008-native-work.md); their cases are blessed from node@26.
pub const UNSUPPORTED: &[&str] = &["child_process", "worker_threads"];

const THREAD_STACK: usize = 32 * 1024 * 1024;

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
                platform: crate::exec::adapter::platform(),
                flags: String::new(),
                confinement: CONFINEMENT.to_string(),
            },
        }
    }
}

impl Adapter for ReferenceAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        first_lacking(case, |f| {
            UNSUPPORTED
                .contains(&f)
                .then(|| format!("the reference runtime does not model feature `{f}` yet"))
        })
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        let started = Instant::now();
        let ext = Extensions {
            esm: "mjs".into(),
            cjs: "cjs".into(),
        };
        let rendered = prelude::render(case, &ext);
        // The case sees its files in memory under a fixed directory name; a real directory
        // (unique, under the temp dir) is made only if the script touches the file system.
        let dir = std::env::temp_dir().join(format!("ah-ref-{}", trace::new_key()));
        let registered = crate::exec::process::DirGuard::new(&dir);
        let key = trace::new_key();
        let mut opts = reference_impl::Options::new(dir.clone(), PathBuf::from(&rendered.main));
        opts.root = CASE_ROOT.to_string();
        opts.files = rendered
            .files
            .iter()
            .map(|(name, text)| (name.clone(), text.clone(), *name != rendered.main))
            .collect();
        opts.stdin = key.clone();
        opts.timeout = timeout;
        let out = match run_on_worker(opts) {
            Ok(out) => out,
            Err(e) => return Execution::could_not(e, started.elapsed()),
        };
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        drop(registered);
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

/// The directory a case sees as its working directory on the reference runtime.
const CASE_ROOT: &str = "/case";

type Job = (
    reference_impl::Options,
    mpsc::Sender<std::thread::Result<reference_impl::Outcome>>,
);

thread_local! {
    /// Each calling thread gets one worker thread with a large stack, kept for its lifetime:
    /// starting a thread per case would cost more than many cases do.
    static WORKER: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

fn spawn_worker() -> Result<mpsc::Sender<Job>, String> {
    let (tx, rx) = mpsc::channel::<Job>();
    std::thread::Builder::new()
        .name("reference runtime".into())
        .stack_size(THREAD_STACK)
        .spawn(move || {
            for (opts, reply) in rx {
                let out = std::panic::catch_unwind(|| reference_impl::run(&opts));
                let _ = reply.send(out);
            }
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    Ok(tx)
}

thread_local! {
    /// The lowest address of this thread's stack, found once: for the main thread the lookup
    /// reads /proc/self/maps, which costs more than a small case.
    static STACK_LOW: Option<usize> = stack_low();
}

fn stack_low() -> Option<usize> {
    // SAFETY: pthread_getattr_np fills the attribute object for the calling thread, which is
    // destroyed before returning; only the address is kept.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
            return None;
        }
        let mut addr: *mut libc::c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let r = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
        libc::pthread_attr_destroy(&mut attr);
        if r != 0 {
            return None;
        }
        Some(addr as usize)
    }
}

/// Bytes of stack left below the caller, when the platform can tell.
fn stack_left() -> Option<usize> {
    let low = STACK_LOW.with(|l| *l)?;
    let here = 0u8;
    (&here as *const u8 as usize).checked_sub(low)
}

/// Run on the calling thread when it has room for the engine's stack guard and more; else on
/// this thread's big-stack worker.
fn run_on_worker(opts: reference_impl::Options) -> Result<reference_impl::Outcome, String> {
    let needed = opts.stack_limit * 3;
    if stack_left().is_some_and(|left| left >= needed) {
        return std::panic::catch_unwind(|| reference_impl::run(&opts))
            .map_err(|_| "the reference runtime panicked".to_string());
    }
    WORKER.with(|w| {
        let mut w = w.borrow_mut();
        if w.is_none() {
            *w = Some(spawn_worker()?);
        }
        let (reply_tx, reply_rx) = mpsc::channel();
        let sent = w
            .as_ref()
            .map(|tx| tx.send((opts, reply_tx)).is_ok())
            .unwrap_or(false);
        if !sent {
            *w = None;
            return Err("the reference runtime's worker thread is gone".into());
        }
        match reply_rx.recv() {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(_)) => Err("the reference runtime panicked".into()),
            Err(_) => {
                *w = None;
                Err("the reference runtime's worker thread ended".into())
            }
        }
    })
}
