//! One run: a fresh QuickJS runtime with guards, the bootstrap, the main module, the loop.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use rquickjs::{CatchResultExt, CaughtError, Context, Function, Object, Runtime, Value};

use crate::host::{self, Shared, State};
use crate::modules::{NodeLoader, NodeResolver};

/// The bootstrap, in load order. Each file adds to the `internal` object the next ones use.
const BOOTSTRAP: &[(&str, &str)] = &[
    ("internal/errors.js", include_str!("js/errors.js")),
    ("internal/async_hooks.js", include_str!("js/async_hooks.js")),
    ("internal/events.js", include_str!("js/events.js")),
    ("internal/loop.js", include_str!("js/loop.js")),
    ("internal/process.js", include_str!("js/process.js")),
    ("internal/fs.js", include_str!("js/fs.js")),
    ("internal/modules.js", include_str!("js/modules.js")),
];

/// What to run and within which limits.
#[derive(Debug, Clone)]
pub struct Options {
    /// The working directory: relative paths in `node:fs` calls resolve against it.
    pub cwd: PathBuf,
    /// The main module; `.mjs` runs as an ES module, anything else as CommonJS.
    pub main: PathBuf,
    /// What `/dev/stdin` reads as.
    pub stdin: String,
    /// Real time allowed for the whole run (the loop's clock is virtual; this is a guard).
    pub timeout: Duration,
    pub memory_limit: usize,
    pub stack_limit: usize,
    /// Also write stdout, stderr and the trace channel (fd 3) to this process's own fds.
    pub passthrough: bool,
}

impl Options {
    pub fn new(cwd: PathBuf, main: PathBuf) -> Options {
        Options {
            cwd,
            main,
            stdin: String::new(),
            timeout: Duration::from_secs(10),
            memory_limit: 256 * 1024 * 1024,
            stack_limit: 1024 * 1024,
            passthrough: false,
        }
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// The process exited with this code (`process.exitCode`, `process.exit()`, 1 for an
    /// uncaught error, 7 for a failing `uncaughtException` handler).
    Code(i32),
    /// The real-time guard fired (an endless loop, an endless microtask chain).
    TimedOut,
    /// The memory limit was reached.
    OutOfMemory,
    /// The runtime itself failed (a bug in the bootstrap); the message says where.
    Internal(String),
}

/// Where the time of one run went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub create: Duration,
    pub script: Duration,
    pub event_loop: Duration,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub exit: Exit,
    pub channel: Vec<u8>,
    pub channel_cut: bool,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timings: Timings,
}

/// Classify an error that unwound to the engine: an exit, the guard, memory, or a real fault.
fn ended_by(state: &Shared, err: CaughtError<'_>) -> Exit {
    let st = state.borrow();
    if let Some(code) = st.exit {
        return Exit::Code(code);
    }
    if st.timed_out {
        return Exit::TimedOut;
    }
    let text = err.to_string();
    if text.contains("out of memory") {
        return Exit::OutOfMemory;
    }
    Exit::Internal(text)
}

pub fn run(opts: &Options) -> Outcome {
    let started = Instant::now();
    let state: Shared = Rc::new(RefCell::new(State::new(
        opts.stdin.clone(),
        opts.cwd.clone(),
        started + opts.timeout,
        opts.passthrough,
    )));
    let mut timings = Timings::default();
    let exit = run_in(opts, &state, &mut timings, started);
    let mut st = state.borrow_mut();
    Outcome {
        exit,
        channel: std::mem::take(&mut st.channel),
        channel_cut: st.channel_cut,
        stdout: std::mem::take(&mut st.stdout),
        stderr: std::mem::take(&mut st.stderr),
        timings,
    }
}

fn run_in(opts: &Options, state: &Shared, timings: &mut Timings, started: Instant) -> Exit {
    let rt = match Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return Exit::Internal(format!("cannot create a QuickJS runtime: {e}")),
    };
    rt.set_memory_limit(opts.memory_limit);
    rt.set_max_stack_size(opts.stack_limit);
    let guard = state.clone();
    rt.set_interrupt_handler(Some(Box::new(move || {
        let Ok(mut st) = guard.try_borrow_mut() else {
            return false;
        };
        if st.exit.is_some() {
            return true;
        }
        if Instant::now() >= st.deadline {
            st.timed_out = true;
            return true;
        }
        false
    })));
    rt.set_loader(NodeResolver, NodeLoader);
    let tracker_state = state.clone();
    rt.set_host_promise_rejection_tracker(Some(Box::new(
        move |ctx, promise: Value, reason: Value, handled: bool| {
            let f = tracker_state.borrow().rejection_tracker.clone();
            if let Some(f) = f.and_then(|f| f.restore(&ctx).ok()) {
                let _ = f.call::<_, ()>((promise, reason, handled));
            }
        },
    )));
    let ctx = match Context::full(&rt) {
        Ok(c) => c,
        Err(e) => return Exit::Internal(format!("cannot create a QuickJS context: {e}")),
    };
    let exit = ctx.with(|ctx| -> Exit {
        let host = match host::install(&ctx, state) {
            Ok(h) => h,
            Err(e) => return Exit::Internal(format!("cannot install the host functions: {e}")),
        };
        let boot = match bootstrap(&ctx, host) {
            Ok(b) => b,
            Err(e) => return Exit::Internal(format!("bootstrap failed: {e}")),
        };
        timings.create = started.elapsed();
        let t = Instant::now();
        let main = opts.main.to_string_lossy().into_owned();
        let esm = opts.main.extension().is_some_and(|e| e == "mjs");
        let r: rquickjs::Result<()> = boot
            .get::<_, Function>("runMain")
            .and_then(|f| f.call((main, esm)));
        timings.script = t.elapsed();
        if let Err(e) = r.catch(&ctx) {
            return ended_by(state, e);
        }
        let t = Instant::now();
        let r: rquickjs::Result<i32> = boot.get::<_, Function>("runLoop").and_then(|f| f.call(()));
        timings.event_loop = t.elapsed();
        match r.catch(&ctx) {
            Ok(code) => Exit::Code(code),
            Err(e) => ended_by(state, e),
        }
    });
    // JavaScript values the state holds must go before the runtime that owns them; the
    // context and runtime go before the state their callbacks point into.
    {
        let mut st = state.borrow_mut();
        st.promise_hooks = [None, None, None, None];
        st.rejection_tracker = None;
    }
    drop(ctx);
    drop(rt);
    exit
}

/// Evaluate the bootstrap files; returns the object with `runMain` and `runLoop`.
fn bootstrap<'js>(ctx: &rquickjs::Ctx<'js>, host: Object<'js>) -> Result<Object<'js>, String> {
    let internal = Object::new(ctx.clone()).map_err(|e| e.to_string())?;
    internal.set("host", host).map_err(|e| e.to_string())?;
    internal
        .set("builtinKey", crate::modules::BUILTIN_KEY)
        .map_err(|e| e.to_string())?;
    for (name, src) in BOOTSTRAP {
        let mut o = rquickjs::context::EvalOptions::default();
        o.global = true;
        o.strict = true;
        o.filename = Some(format!("reference:{name}"));
        let wrapped = format!("(function (internal) {{ 'use strict';\n{src}\n}})");
        let f: Function = ctx
            .eval_with_options(wrapped, o)
            .catch(ctx)
            .map_err(|e| format!("{name}: {e}"))?;
        f.call::<_, ()>((internal.clone(),))
            .catch(ctx)
            .map_err(|e| format!("{name}: {e}"))?;
    }
    internal.get("boot").map_err(|e| e.to_string())
}
