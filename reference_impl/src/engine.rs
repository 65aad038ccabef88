//! One run: a fresh QuickJS runtime with guards, the bootstrap, the main module, the loop.

use std::cell::RefCell;
use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use rquickjs::{qjs, CatchResultExt, CaughtError, Context, Function, Object, Runtime, Value};

use crate::host::{self, CaseFs, Shared, State};
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

/// Files loaded only when a case first needs them (`internal.need(key, file)`): most cases
/// never do, and every file loaded costs every run.
const ON_DEMAND: &[(&str, &str)] = &[
    ("internal/fs_async.js", include_str!("js/fs_async.js")),
    ("internal/util.js", include_str!("js/util.js")),
    ("internal/web.js", include_str!("js/web.js")),
    (
        "internal/timers_promises.js",
        include_str!("js/timers_promises.js"),
    ),
    ("internal/net.js", include_str!("js/net.js")),
    ("internal/http.js", include_str!("js/http.js")),
    ("internal/stream.js", include_str!("js/stream.js")),
    ("internal/readline.js", include_str!("js/readline.js")),
    ("internal/zlib.js", include_str!("js/zlib.js")),
    ("internal/crypto.js", include_str!("js/crypto.js")),
    ("internal/signals.js", include_str!("js/signals.js")),
    ("internal/dns.js", include_str!("js/dns.js")),
    (
        "internal/diagnostics_channel.js",
        include_str!("js/diagnostics_channel.js"),
    ),
    ("internal/web_extra.js", include_str!("js/web_extra.js")),
    ("internal/assert.js", include_str!("js/assert.js")),
];

/// What to run and within which limits.
#[derive(Debug, Clone)]
pub struct Options {
    /// The directory the script sees as its working directory; its modules live there.
    pub root: String,
    /// The real directory behind `root`. When it does not exist yet it is made on the first
    /// file-system access that needs it (and `files` written into it); the embedder removes it.
    pub dir: PathBuf,
    /// Files given in memory, by name relative to `root`: (name, text, cacheable). Cacheable
    /// files are the same in many runs, and their bytecode is kept for the next run.
    pub files: Vec<(String, String, bool)>,
    /// The main module, relative to `root` or absolute; `.mjs` runs as an ES module, anything
    /// else as CommonJS.
    pub main: String,
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
    /// Run `main`, a file on disk, with `cwd` as the working directory.
    pub fn new(cwd: PathBuf, main: PathBuf) -> Options {
        Options {
            root: cwd.to_string_lossy().into_owned(),
            dir: cwd,
            files: Vec::new(),
            main: main.to_string_lossy().into_owned(),
            stdin: String::new(),
            timeout: Duration::from_secs(10),
            memory_limit: 256 * 1024 * 1024,
            // Room for Node's depth of nested scopes: Node 18-26 nest `run()` and
            // `runInAsyncScope()` 2000 deep (not 5000); 1 MiB held about 380 levels here.
            // The caller's thread must have about three times this (the harness gives 32 MiB).
            stack_limit: 8 * 1024 * 1024,
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
    /// Freeing what the run made, so that the runtime can serve the next run.
    pub teardown: Duration,
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
    let fs = CaseFs {
        root: opts.root.clone(),
        dir: opts.dir.clone(),
        ready: opts.dir.is_dir(),
        overlay: opts
            .files
            .iter()
            .map(|(name, text, cache)| {
                let full = Path::new(&opts.root).join(name);
                (full.to_string_lossy().into_owned(), (text.clone(), *cache))
            })
            .collect(),
    };
    let state: Shared = Rc::new(RefCell::new(State::new(
        opts.stdin.clone(),
        fs,
        started + opts.timeout,
        opts.passthrough,
    )));
    let mut timings = Timings::default();
    let mut exit = run_in(opts, &state, &mut timings, started);
    let mut st = state.borrow_mut();
    // Once the guard fired, whatever the script did next (an ES module's evaluation turns the
    // interrupt into a rejection, which then exits 1) is not how the run ended.
    if st.timed_out {
        exit = Exit::TimedOut;
    }
    Outcome {
        exit,
        channel: std::mem::take(&mut st.channel),
        channel_cut: st.channel_cut,
        stdout: std::mem::take(&mut st.stdout),
        stderr: std::mem::take(&mut st.stderr),
        timings,
    }
}

/// Runs one thread's runtime serves before it is replaced: a bound on whatever a runtime keeps
/// between runs (its atom table, allocator fragmentation).
const RUNS_PER_RUNTIME: u32 = 2000;

/// Bytes a run may allocate before QuickJS collects garbage during the run.
const GC_HEADROOM: usize = 8 * 1024 * 1024;

thread_local! {
    /// This thread's runtime, kept between runs. Each run gets a fresh context in it (its own
    /// globals, built-ins and modules), so nothing a case can reach survives the run; what is
    /// shared is the bootstrap's bytecode, read once instead of once per run.
    static WARM: RefCell<Option<Warm>> = const { RefCell::new(None) };
}

/// A runtime with the bootstrap's bytecode read into it.
struct Warm {
    code: Rc<SharedCode>,
    /// The prelude's and the built-in facades' bytecode, kept from the run that first
    /// compiled them (see `compile`).
    kept: Rc<crate::compile::RuntimeCache>,
    /// The context the bytecode was read in. It runs nothing; the functions made from the
    /// bytecode take the realm of the context that makes them (see `async-context.patch`).
    template: Context,
    rt: Runtime,
    raw: *mut qjs::JSRuntime,
    runs: u32,
}

/// The bootstrap's function bytecode, shared by the contexts of one runtime.
#[derive(Default)]
struct SharedCode {
    values: RefCell<Vec<(&'static str, qjs::JSValue)>>,
}

impl SharedCode {
    /// A new reference to the bytecode of `name`, for `ctx` of the same runtime.
    fn get(&self, ctx: &rquickjs::Ctx<'_>, name: &str) -> Option<qjs::JSValue> {
        let values = self.values.borrow();
        let (_, v) = values.iter().find(|(n, _)| *n == name)?;
        // SAFETY: the value is a live function bytecode of this context's runtime.
        Some(unsafe { qjs::JS_DupValue(ctx.as_raw().as_ptr(), *v) })
    }
}

impl Warm {
    fn new() -> Result<Warm, String> {
        let rt = Runtime::new().map_err(|e| format!("cannot create a QuickJS runtime: {e}"))?;
        let template =
            Context::base(&rt).map_err(|e| format!("cannot create a QuickJS context: {e}"))?;
        let bytes = BOOTSTRAP_BYTECODE
            .get_or_init(compile_bootstrap)
            .as_ref()
            .map_err(Clone::clone)?;
        let code = Rc::new(SharedCode::default());
        let raw = template.with(|ctx| -> Result<*mut qjs::JSRuntime, String> {
            let raw = ctx.as_raw().as_ptr();
            for (name, b) in bytes {
                // SAFETY: the bytecode was written by this same QuickJS build; the value is
                // owned by `code` and freed in `Warm::drop`.
                let v = unsafe {
                    qjs::JS_ReadObject(
                        raw,
                        b.as_ptr(),
                        b.len() as _,
                        qjs::JS_READ_OBJ_BYTECODE as i32,
                    )
                };
                if unsafe { qjs::JS_IsException(v) } {
                    return Err(format!("{name}: cannot read bytecode: {:?}", ctx.catch()));
                }
                code.values.borrow_mut().push((name, v));
            }
            // rquickjs gives every Rust function the prototype of the first one made in the
            // runtime, and keeps it: made here, that prototype is the template's, which is
            // pinned, and not the first run's, which would then live (and be scanned) forever.
            // Each run gives its own host functions its own Function.prototype (`adopt`).
            Function::new(ctx.clone(), || ())
                .map_err(|e| format!("cannot make a function: {e}"))?;
            // SAFETY: a live context's runtime.
            Ok(unsafe { qjs::JS_GetRuntime(raw) })
        })?;
        rt.run_gc();
        // What exists now (the template context and the bytecode) never changes and lives as
        // long as the runtime: pinned, the collection at the end of each run skips it.
        // SAFETY: a live runtime; see the patch for why this is sound.
        unsafe { ffi::JS_PinGCObjects(raw) };
        Ok(Warm {
            code,
            kept: Rc::default(),
            template,
            rt,
            raw,
            runs: 0,
        })
    }
}

impl Drop for Warm {
    fn drop(&mut self) {
        let values = std::mem::take(&mut *self.code.values.borrow_mut());
        // SAFETY: a live runtime, given back to the collector before what it holds is freed;
        // no run is using the kept files.
        unsafe {
            ffi::JS_UnpinGCObjects(self.raw);
            self.kept.free(self.raw);
        }
        self.template.with(|ctx| {
            for (_, v) in values {
                // SAFETY: each value is owned by `code` and freed once, here.
                unsafe { qjs::JS_FreeValue(ctx.as_raw().as_ptr(), v) };
            }
        });
    }
}

/// What this thread's kept runtime holds between runs: tests use it to check that a run leaves
/// nothing behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Runs served by this runtime so far.
    pub runs: u32,
    /// JavaScript objects the collector sees (the pinned template and bytecode are not counted).
    pub objects: i64,
    /// Compiled files (prelude, built-in facades) kept for later runs.
    pub kept: usize,
}

/// The stats of this thread's runtime, if it has one.
pub fn thread_runtime_stats() -> Option<RuntimeStats> {
    WARM.with(|w| {
        let w = w.borrow();
        let w = w.as_ref()?;
        // SAFETY: a live runtime of this thread, not running; the call only reads.
        let objects = unsafe {
            let mut u: qjs::JSMemoryUsage = std::mem::zeroed();
            qjs::JS_ComputeMemoryUsage(w.raw, &mut u);
            u.obj_count
        };
        Some(RuntimeStats {
            runs: w.runs,
            objects,
            kept: w.kept.count(),
        })
    })
}

/// What the patch adds to QuickJS for reusing a runtime.
mod ffi {
    use rquickjs::qjs::{JSRuntime, JSValue};
    extern "C" {
        pub fn JS_DiscardPendingJobs(rt: *mut JSRuntime);
        pub fn JS_PinGCObjects(rt: *mut JSRuntime);
        pub fn JS_UnpinGCObjects(rt: *mut JSRuntime);
        pub fn JS_SetContextFrame(rt: *mut JSRuntime, frame: JSValue);
    }
}

fn run_in(opts: &Options, state: &Shared, timings: &mut Timings, started: Instant) -> Exit {
    let warm = WARM.with(|w| w.borrow_mut().take());
    let mut warm = match warm {
        Some(w) if w.runs < RUNS_PER_RUNTIME => w,
        _ => match Warm::new() {
            Ok(w) => w,
            Err(e) => return Exit::Internal(e),
        },
    };
    warm.runs += 1;
    let exit = run_warm(opts, state, timings, started, &warm);
    // A runtime that ran out of memory, was interrupted or failed inside is not reused.
    if matches!(exit, Exit::Code(_)) {
        WARM.with(|w| *w.borrow_mut() = Some(warm));
    }
    exit
}

fn run_warm(
    opts: &Options,
    state: &Shared,
    timings: &mut Timings,
    started: Instant,
    warm: &Warm,
) -> Exit {
    let rt = &warm.rt;
    rt.set_memory_limit(opts.memory_limit);
    // SAFETY: the runtime is live and used on this thread only; the stack guard measures from
    // where this run starts, not from where the runtime was made.
    unsafe { qjs::JS_UpdateStackTop(warm.raw) };
    rt.set_max_stack_size(opts.stack_limit);
    // No collection while the run builds its context and bootstrap (there is nothing to
    // collect yet); the teardown collects everything. Set on every run, so that when a big
    // case does collect is the same whatever ran before it on this runtime.
    rt.set_gc_threshold(GC_HEADROOM);
    state.borrow_mut().kept = Some(warm.kept.clone());
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
    rt.set_loader(
        NodeResolver,
        NodeLoader {
            state: state.clone(),
        },
    );
    let tracker_state = state.clone();
    rt.set_host_promise_rejection_tracker(Some(Box::new(
        move |ctx, promise: Value, reason: Value, handled: bool| {
            let f = tracker_state.borrow().rejection_tracker.clone();
            if let Some(f) = f.and_then(|f| f.restore(&ctx).ok()) {
                let _ = f.call::<_, ()>((promise, reason, handled));
            }
        },
    )));
    let ctx = match Context::full(rt) {
        Ok(c) => c,
        Err(e) => return Exit::Internal(format!("cannot create a QuickJS context: {e}")),
    };
    let exit = ctx.with(|ctx| -> Exit {
        let host = match host::install(&ctx, state) {
            Ok(h) => h,
            Err(e) => return Exit::Internal(format!("cannot install the host functions: {e}")),
        };
        let boot = match bootstrap(&ctx, host, &warm.code) {
            Ok(b) => b,
            Err(e) => return Exit::Internal(format!("bootstrap failed: {e}")),
        };
        timings.create = started.elapsed();
        let t = Instant::now();
        let main = state.borrow().fs.visible(&opts.main);
        let esm = main.ends_with(".mjs");
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
    // Leave the runtime as a new one: no JavaScript value of this run held by the state or
    // the runtime (hooks, queued jobs, the context frame, a pending exception), then the
    // context and everything it made collected. The callbacks point into the state, so they go
    // too.
    {
        let mut st = state.borrow_mut();
        st.promise_hooks = [None, None, None, None];
        st.rejection_tracker = None;
        st.kept = None;
    }
    let t = Instant::now();
    ctx.with(|ctx| {
        // SAFETY: the runtime is live; each call leaves it consistent.
        unsafe {
            qjs::JS_SetPromiseHook(warm.raw, None, std::ptr::null_mut());
            ffi::JS_DiscardPendingJobs(warm.raw);
            ffi::JS_SetContextFrame(warm.raw, qjs::JS_UNDEFINED);
        }
        let _ = ctx.catch();
    });
    drop(ctx);
    rt.set_interrupt_handler(None);
    rt.set_host_promise_rejection_tracker(None);
    rt.run_gc();
    timings.teardown = t.elapsed();
    exit
}

/// The bootstrap compiled to QuickJS bytecode, once per process: reading bytecode is several
/// times cheaper than parsing the source again for every run.
static BOOTSTRAP_BYTECODE: OnceLock<Result<Compiled, String>> = OnceLock::new();

/// Each bootstrap file's name and bytecode.
type Compiled = Vec<(&'static str, Vec<u8>)>;

fn wrapped(src: &str) -> String {
    format!("(function (internal) {{ 'use strict';\n{src}\n}})")
}

/// Compile each bootstrap file (wrapped as a function of `internal`) in a scratch runtime.
fn compile_bootstrap() -> Result<Compiled, String> {
    let rt = Runtime::new().map_err(|e| e.to_string())?;
    let ctx = Context::full(&rt).map_err(|e| e.to_string())?;
    ctx.with(|ctx| {
        let raw = ctx.as_raw().as_ptr();
        let mut out = Vec::new();
        for (name, src) in BOOTSTRAP.iter().chain(ON_DEMAND) {
            let code = CString::new(wrapped(src)).map_err(|e| format!("{name}: {e}"))?;
            let file = CString::new(format!("reference:{name}")).map_err(|e| e.to_string())?;
            // SAFETY: the strings are NUL-terminated and outlive the calls; every value and
            // buffer QuickJS returns is freed here.
            unsafe {
                let flags = (qjs::JS_EVAL_TYPE_GLOBAL
                    | qjs::JS_EVAL_FLAG_STRICT
                    | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
                let f = qjs::JS_Eval(
                    raw,
                    code.as_ptr(),
                    code.as_bytes().len() as _,
                    file.as_ptr(),
                    flags,
                );
                if qjs::JS_IsException(f) {
                    let e = ctx.catch();
                    return Err(format!("{name} does not compile: {e:?}"));
                }
                let mut len: qjs::size_t = 0;
                let buf = qjs::JS_WriteObject(
                    raw,
                    &mut len,
                    f,
                    (qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE) as i32,
                );
                qjs::JS_FreeValue(raw, f);
                if buf.is_null() {
                    return Err(format!("{name}: cannot write bytecode"));
                }
                out.push((
                    *name,
                    std::slice::from_raw_parts(buf, len as usize).to_vec(),
                ));
                qjs::js_free(raw, buf as *mut std::ffi::c_void);
            }
        }
        Ok(out)
    })
}

/// Evaluate the bootstrap files; returns the object with `runMain` and `runLoop`.
fn bootstrap<'js>(
    ctx: &rquickjs::Ctx<'js>,
    host: Object<'js>,
    code: &Rc<SharedCode>,
) -> Result<Object<'js>, String> {
    let internal = Object::new(ctx.clone()).map_err(|e| e.to_string())?;
    install_loader(ctx, &host, code.clone()).map_err(|e| e.to_string())?;
    adopt(ctx, &host).map_err(|e| format!("cannot set up the host functions: {e}"))?;
    internal.set("host", host).map_err(|e| e.to_string())?;
    internal
        .set("builtinKey", crate::modules::BUILTIN_KEY)
        .map_err(|e| e.to_string())?;
    internal
        .set("importMetaKey", crate::modules::IMPORT_META_KEY)
        .map_err(|e| e.to_string())?;
    internal
        .set("version", crate::VERSION)
        .map_err(|e| e.to_string())?;
    internal
        .set("fault", crate::fault::current().map(|f| f.name()))
        .map_err(|e| e.to_string())?;
    for (name, _) in BOOTSTRAP {
        load_internal(ctx, code, name, &internal)?;
    }
    internal.get("boot").map_err(|e| e.to_string())
}

/// Give each host function this context's `Function.prototype`, instead of the one rquickjs
/// caches for the whole runtime (see `Warm::new`): nothing of another realm stays reachable.
fn adopt<'js>(ctx: &rquickjs::Ctx<'js>, host: &Object<'js>) -> rquickjs::Result<()> {
    let proto = Function::prototype(ctx.clone());
    for f in host.values::<Value>() {
        if let Some(f) = f?.as_object() {
            f.set_prototype(Some(&proto))?;
        }
    }
    Ok(())
}

/// Evaluate one compiled bootstrap file with `internal` as its argument.
fn load_internal<'js>(
    ctx: &rquickjs::Ctx<'js>,
    code: &SharedCode,
    name: &str,
    internal: &Object<'js>,
) -> Result<(), String> {
    let Some(obj) = code.get(ctx, name) else {
        return Err(format!("no internal module {name}"));
    };
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `obj` is a new reference to function bytecode of this runtime, consumed by
    // JS_EvalFunction, which makes the function in this context; the value returned is owned
    // and handed to Value::from_raw.
    let f = unsafe {
        let v = qjs::JS_EvalFunction(raw, obj);
        if qjs::JS_IsException(v) {
            return Err(format!("{name}: {:?}", ctx.catch()));
        }
        Value::from_raw(ctx.clone(), v)
    };
    let f: Function = f
        .into_function()
        .ok_or_else(|| format!("{name}: the bootstrap file is not a function"))?;
    f.call::<_, ()>((internal.clone(),))
        .catch(ctx)
        .map_err(|e| format!("{name}: {e}"))
}

/// `host.loadInternal(name, internal)`: load an on-demand file into `internal`.
fn install_loader<'js>(
    ctx: &rquickjs::Ctx<'js>,
    host: &Object<'js>,
    code: Rc<SharedCode>,
) -> rquickjs::Result<()> {
    host.set(
        "loadInternal",
        Function::new(
            ctx.clone(),
            move |ctx: rquickjs::Ctx<'js>,
                  name: String,
                  internal: Object<'js>|
                  -> rquickjs::Result<()> {
                if !ON_DEMAND.iter().any(|(n, _)| *n == name) {
                    return Err(rquickjs::Exception::throw_internal(
                        &ctx,
                        &format!("no on-demand internal module {name}"),
                    ));
                }
                load_internal(&ctx, &code, &name, &internal)
                    .map_err(|e| rquickjs::Exception::throw_internal(&ctx, &e))
            },
        )?,
    )
}
