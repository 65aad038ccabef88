//! The host side of the runtime: what JavaScript cannot do by itself (files, output, the job
//! queue, the context frame, ending the run), offered to the bootstrap as the `__host` object.
//!
//! The bootstrap (`src/js/`) builds Node's modules on top of these few functions; keeping the
//! native surface small keeps the behaviour in one language, where the spec can read it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::time::Instant;

use rquickjs::function::Rest;
use rquickjs::qjs;
use rquickjs::{Ctx, Exception, Function, Object, Persistent, Promise, Value};

/// The fd numbers of the run's own streams; files opened by the case start after them.
pub const STDOUT: i32 = 1;
pub const STDERR: i32 = 2;
/// The trace channel: what the prelude opens as `/dev/fd/3`.
pub const CHANNEL: i32 = 3;
const FIRST_FILE_FD: i32 = 20;

/// The most a case may read from one file in one call, and write to files in all: a case is
/// untrusted code in the harness's own process, so its file functions are bounded like its
/// memory and its time.
pub const READ_LIMIT: u64 = 64 << 20;
pub const WRITE_LIMIT: u64 = 256 << 20;

/// Everything the host keeps for one run. Shared between the natives and the engine through
/// `Rc<RefCell<..>>`; a borrow is never held across a call into JavaScript.
pub struct State {
    pub stdin: String,
    pub fs: CaseFs,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub channel: Vec<u8>,
    pub channel_cut: bool,
    pub stdout_cap: usize,
    pub channel_cap: usize,
    /// Passthrough: write stdout/stderr/channel to the real fds too (the standalone binary).
    pub passthrough: bool,
    files: HashMap<i32, File>,
    next_fd: i32,
    /// Set by `process.reallyExit()`: the run is over with this code.
    pub exit: Option<i32>,
    pub deadline: Instant,
    pub timed_out: bool,
    pub promise_hooks: [Option<Persistent<Function<'static>>>; 4],
    pub rejection_tracker: Option<Persistent<Function<'static>>>,
    /// The compiled files the runtime keeps between runs; set while a run uses it.
    pub kept: Option<Rc<crate::compile::RuntimeCache>>,
    /// Bytes written to files so far (bounded by [`WRITE_LIMIT`]).
    pub written: u64,
}

impl State {
    pub fn new(stdin: String, fs: CaseFs, deadline: Instant, passthrough: bool) -> State {
        State {
            stdin,
            fs,
            stdout: Vec::new(),
            stderr: Vec::new(),
            channel: Vec::new(),
            channel_cut: false,
            stdout_cap: 16 * 1024,
            channel_cap: 32 * 1024 * 1024,
            passthrough,
            files: HashMap::new(),
            next_fd: FIRST_FILE_FD,
            exit: None,
            deadline,
            timed_out: false,
            promise_hooks: [None, None, None, None],
            rejection_tracker: None,
            kept: None,
            written: 0,
        }
    }

    fn write(&mut self, fd: i32, bytes: &[u8]) -> Result<(), String> {
        let keep = |buf: &mut Vec<u8>, cap: usize| {
            let room = cap.saturating_sub(buf.len());
            buf.extend_from_slice(&bytes[..bytes.len().min(room)]);
        };
        match fd {
            STDOUT => {
                keep(&mut self.stdout, self.stdout_cap);
                if self.passthrough {
                    let _ = std::io::stdout().write_all(bytes);
                }
            }
            STDERR => {
                keep(&mut self.stderr, self.stdout_cap);
                if self.passthrough {
                    let _ = std::io::stderr().write_all(bytes);
                }
            }
            CHANNEL => {
                if self.passthrough {
                    let mut f = std::mem::ManuallyDrop::new(unsafe_fd3());
                    let _ = f.write_all(bytes);
                } else if self.channel.len() + bytes.len() > self.channel_cap {
                    self.channel_cut = true;
                } else {
                    self.channel.extend_from_slice(bytes);
                }
            }
            _ => {
                self.count_written(bytes.len())?;
                let f = self.files.get_mut(&fd).ok_or_else(|| "EBADF".to_string())?;
                f.write_all(bytes).map_err(|e| errno_code(&e))?;
            }
        }
        Ok(())
    }

    /// Count `n` more bytes written to files; `EFBIG` past [`WRITE_LIMIT`].
    pub fn count_written(&mut self, n: usize) -> Result<(), String> {
        self.written = self.written.saturating_add(n as u64);
        if self.written > WRITE_LIMIT {
            return Err("EFBIG".into());
        }
        Ok(())
    }

    /// A path as the case wrote it, as a real path on disk (creating the case directory first
    /// when the path is inside it).
    pub fn resolve(&mut self, p: &str) -> Result<PathBuf, String> {
        self.fs.real(p).map_err(|e| errno_code(&e))
    }
}

/// The files of a run: the directory the script sees as its working directory (`root`), the
/// real directory behind it, and the files the embedder gave in memory. The real directory is
/// made only when the script first touches the file system beyond reading those files, so
/// most runs never touch the disk.
pub struct CaseFs {
    pub root: String,
    pub dir: PathBuf,
    pub ready: bool,
    /// Full path under `root` → text, and whether its compiled form may be cached.
    pub overlay: HashMap<String, (String, bool)>,
}

impl CaseFs {
    /// A path as the script wrote it, absolute and normalised, as the script sees paths.
    pub fn visible(&self, p: &str) -> String {
        let path = Path::new(p);
        let joined = if path.is_absolute() {
            path.to_path_buf()
        } else {
            Path::new(&self.root).join(path)
        };
        normalize(&joined).to_string_lossy().into_owned()
    }

    /// The real path behind a visible one; makes the case directory on first need.
    ///
    /// A case reaches its own directory and nothing else: a path outside it (`/etc/passwd`,
    /// `/proc/self/environ`, the harness's checkout) does not exist for the case (`ENOENT`),
    /// and inside it only regular files and directories can be used (`EACCES` for anything
    /// else, a link leaving the directory included).
    pub fn real(&mut self, p: &str) -> std::io::Result<PathBuf> {
        let v = self.visible(p);
        let root = Path::new(&self.root);
        let Ok(rest) = Path::new(&v).strip_prefix(root) else {
            return Err(std::io::Error::from_raw_os_error(libc::ENOENT));
        };
        self.materialize()?;
        let full = self.dir.join(rest);
        match std::fs::symlink_metadata(&full) {
            Ok(m) if !(m.is_file() || m.is_dir()) => {
                Err(std::io::Error::from_raw_os_error(libc::EACCES))
            }
            _ => Ok(full),
        }
    }

    /// The size of a file given in memory, while the real directory does not exist yet (then
    /// the memory is all there is; once it exists, the disk is asked). Asking this instead of
    /// making the directory keeps a `require()` of a given file (the prelude) off the disk.
    pub fn given_size(&self, p: &str) -> Option<usize> {
        if self.ready {
            return None;
        }
        let v = self.visible(p);
        Path::new(&v).strip_prefix(Path::new(&self.root)).ok()?;
        self.overlay.get(&v).map(|(text, _)| text.len())
    }

    fn materialize(&mut self) -> std::io::Result<()> {
        if self.ready {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let root = PathBuf::from(&self.root);
        for (name, (text, _)) in &self.overlay {
            if let Ok(rest) = Path::new(name).strip_prefix(&root) {
                std::fs::write(self.dir.join(rest), text)?;
            }
        }
        self.ready = true;
        Ok(())
    }

    /// Read a file: from memory when the embedder gave it, from disk otherwise.
    pub fn read(&mut self, p: &str) -> std::io::Result<(String, bool)> {
        let v = self.visible(p);
        if let Some((text, cache)) = self.overlay.get(&v) {
            return Ok((text.clone(), *cache));
        }
        let real = self.real(p)?;
        let bytes = read_bounded(File::open(real)?)?;
        Ok((String::from_utf8_lossy(&bytes).into_owned(), false))
    }
}

/// Everything `f` holds, up to [`READ_LIMIT`] (`EFBIG` beyond).
fn read_bounded(f: File) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    f.take(READ_LIMIT + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > READ_LIMIT {
        return Err(std::io::Error::from_raw_os_error(libc::EFBIG));
    }
    Ok(bytes)
}

/// fd 3 of this process, for the standalone binary's trace channel.
fn unsafe_fd3() -> File {
    use std::os::fd::FromRawFd;
    // SAFETY: only used when the binary runs under a harness that opened fd 3; the File is
    // wrapped in ManuallyDrop by the caller so the fd is never closed here.
    unsafe { File::from_raw_fd(CHANNEL) }
}

/// Lexical normalisation (`a/./b/../c` → `a/c`), as Node's path.resolve does.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The errno name Node puts in `err.code` for an I/O error.
fn errno_code(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "ENOENT".into(),
        PermissionDenied => "EACCES".into(),
        AlreadyExists => "EEXIST".into(),
        _ => match e.raw_os_error() {
            Some(libc::EISDIR) => "EISDIR".into(),
            Some(libc::ENOTDIR) => "ENOTDIR".into(),
            Some(libc::ENOTEMPTY) => "ENOTEMPTY".into(),
            Some(libc::EBADF) => "EBADF".into(),
            Some(libc::EFBIG) => "EFBIG".into(),
            _ => "EIO".into(),
        },
    }
}

pub type Shared = Rc<RefCell<State>>;

/// The two functions `async-context.patch` adds to QuickJS.
mod ffi {
    use rquickjs::qjs::{JSRuntime, JSValue};
    extern "C" {
        /// The current context frame, as a new reference.
        pub fn JS_GetContextFrame(rt: *mut JSRuntime) -> JSValue;
        /// Replace the current context frame; takes ownership of `frame`.
        pub fn JS_SetContextFrame(rt: *mut JSRuntime, frame: JSValue);
    }
}

/// Throw `{ code }` for the bootstrap to turn into a Node-shaped error.
fn throw_code<'js, T>(ctx: &Ctx<'js>, code: &str) -> rquickjs::Result<T> {
    let o = Object::new(ctx.clone())?;
    o.set("code", code)?;
    o.set("hostError", true)?;
    Err(ctx.throw(o.into_value()))
}

/// The real path behind a script's path, or the errno-style exception the bootstrap expects.
fn real_path(ctx: &Ctx<'_>, s: &Shared, p: &str) -> rquickjs::Result<PathBuf> {
    let r = s.borrow_mut().resolve(p);
    r.or_else(|code| throw_code(ctx, &code))
}

fn arg_str<'js>(args: &Rest<Value<'js>>, i: usize) -> String {
    args.0
        .get(i)
        .and_then(|v| v.as_string())
        .and_then(|s| s.to_string().ok())
        .unwrap_or_default()
}

fn arg_i32<'js>(args: &Rest<Value<'js>>, i: usize) -> i32 {
    args.0
        .get(i)
        .and_then(|v| v.as_number())
        .map(|n| n as i32)
        .unwrap_or(-1)
}

/// A job that calls one JavaScript function: what `queueMicrotask` enqueues.
unsafe extern "C" fn call_job(
    ctx: *mut qjs::JSContext,
    argc: i32,
    argv: *mut qjs::JSValue,
) -> qjs::JSValue {
    if argc < 1 {
        return qjs::JS_UNDEFINED;
    }
    let f = *argv;
    qjs::JS_Call(ctx, f, qjs::JS_UNDEFINED, 0, std::ptr::null_mut())
}

/// QuickJS's promise hook: calls the bootstrap's function for this event type with
/// (promise, parent). An exception from the hook is left pending for the engine to see.
unsafe extern "C" fn promise_hook(
    ctx: *mut qjs::JSContext,
    kind: qjs::JSPromiseHookType,
    promise: qjs::JSValue,
    parent: qjs::JSValue,
    opaque: *mut std::ffi::c_void,
) {
    let state = &*(opaque as *const RefCell<State>);
    let idx = kind as usize;
    let Some(f) = state.borrow().promise_hooks.get(idx).cloned().flatten() else {
        return;
    };
    let Some(nn) = std::ptr::NonNull::new(ctx) else {
        return;
    };
    let ctx = Ctx::from_raw(nn);
    let Ok(f) = f.restore(&ctx) else { return };
    let p = Value::from_raw(
        ctx.clone(),
        qjs::JS_DupValue(ctx.as_raw().as_ptr(), promise),
    );
    let par = Value::from_raw(ctx.clone(), qjs::JS_DupValue(ctx.as_raw().as_ptr(), parent));
    let _ = f.call::<_, ()>((p, par));
}

/// Make the run end now with `code`: an uncatchable error unwinds every JavaScript frame.
pub fn throw_exit<'js>(ctx: &Ctx<'js>) -> rquickjs::Error {
    let err = Exception::from_message(ctx.clone(), "process exit").map(|e| e.into_value());
    match err {
        Ok(v) => {
            // SAFETY: the value is a live object of this context.
            unsafe { qjs::JS_SetUncatchableError(ctx.as_raw().as_ptr(), v.as_raw()) };
            ctx.throw(v)
        }
        Err(e) => e,
    }
}

/// Run every queued job (promise reactions, thenables, queued microtasks) until none is left.
/// Returns false when a job ended with an uncatchable error (exit, interrupt).
pub fn drain_jobs(ctx: &Ctx<'_>) -> bool {
    // SAFETY: the runtime pointer comes from a live context; the job pointer out-parameter is
    // only written by QuickJS.
    unsafe {
        let rt = qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
        loop {
            let mut job_ctx: *mut qjs::JSContext = std::ptr::null_mut();
            let r = qjs::JS_ExecutePendingJob(rt, &mut job_ctx);
            if r == 0 {
                return true;
            }
            if r < 0 {
                return false;
            }
        }
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, state: &Shared) -> rquickjs::Result<Object<'js>> {
    let host = Object::new(ctx.clone())?;

    let s = state.clone();
    host.set(
        "write",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let fd = arg_i32(&args, 0);
            let text = arg_str(&args, 1);
            let r = s.borrow_mut().write(fd, text.as_bytes());
            match r {
                Ok(()) => Ok(text.len() as f64),
                Err(code) => throw_code(&ctx, &code),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "readFile",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let p = arg_str(&args, 0);
            if p == "/dev/stdin" || p == "/dev/fd/0" {
                let text = std::mem::take(&mut s.borrow_mut().stdin);
                return Ok(text);
            }
            let r = s.borrow_mut().fs.read(&p);
            match r {
                Ok((text, _)) => Ok(text),
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "writeFile",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let path = real_path(&ctx, &s, &arg_str(&args, 0))?;
            let data = arg_str(&args, 1);
            if let Err(code) = s.borrow_mut().count_written(data.len()) {
                return throw_code(&ctx, &code);
            }
            let append = args.0.get(2).map(|v| v.as_bool() == Some(true)) == Some(true);
            let r = OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(&path)
                .and_then(|mut f| f.write_all(data.as_bytes()));
            match r {
                Ok(()) => Ok(()),
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "open",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let p = arg_str(&args, 0);
            let flags = arg_str(&args, 1);
            match p.as_str() {
                "/dev/fd/3" => return Ok(CHANNEL),
                "/dev/stdout" | "/dev/fd/1" => return Ok(STDOUT),
                "/dev/stderr" | "/dev/fd/2" => return Ok(STDERR),
                _ => {}
            }
            let path = real_path(&ctx, &s, &p)?;
            let mut o = OpenOptions::new();
            match flags.as_str() {
                "r" | "rs" | "sr" => o.read(true),
                "r+" | "rs+" => o.read(true).write(true),
                "w" => o.write(true).create(true).truncate(true),
                "wx" | "xw" => o.write(true).create_new(true),
                "w+" => o.read(true).write(true).create(true).truncate(true),
                "a" => o.append(true).create(true),
                "ax" | "xa" => o.append(true).create_new(true),
                "a+" => o.read(true).append(true).create(true),
                _ => o.read(true),
            };
            match o.open(&path) {
                Ok(f) => {
                    let mut st = s.borrow_mut();
                    let fd = st.next_fd;
                    st.next_fd += 1;
                    st.files.insert(fd, f);
                    Ok(fd)
                }
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "close",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let fd = arg_i32(&args, 0);
            if (0..=CHANNEL).contains(&fd) {
                return Ok(());
            }
            match s.borrow_mut().files.remove(&fd) {
                Some(_) => Ok(()),
                None => throw_code(&ctx, "EBADF"),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "readFd",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let fd = arg_i32(&args, 0);
            let mut st = s.borrow_mut();
            let Some(f) = st.files.get_mut(&fd) else {
                return throw_code(&ctx, "EBADF");
            };
            let mut b = Vec::new();
            let read = f.take(READ_LIMIT + 1).read_to_end(&mut b).and_then(|n| {
                match n as u64 > READ_LIMIT {
                    true => Err(std::io::Error::from_raw_os_error(libc::EFBIG)),
                    false => Ok(n),
                }
            });
            match read {
                Ok(_) => Ok(String::from_utf8_lossy(&b).into_owned()),
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "stat",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let p = arg_str(&args, 0);
            let given = s.borrow().fs.given_size(&p);
            let (size, is_file, is_dir) = match given {
                Some(len) => (len as f64, true, false),
                None => {
                    let path = real_path(&ctx, &s, &p)?;
                    match std::fs::metadata(&path) {
                        Ok(m) => (m.len() as f64, m.is_file(), m.is_dir()),
                        Err(e) => return throw_code(&ctx, &errno_code(&e)),
                    }
                }
            };
            let o = Object::new(ctx.clone())?;
            o.set("size", size)?;
            o.set("isFile", is_file)?;
            o.set("isDirectory", is_dir)?;
            Ok(o)
        })?,
    )?;

    type PathOp = fn(&Path) -> std::io::Result<()>;
    let ops: [(&str, PathOp); 3] = [
        ("unlink", |p| std::fs::remove_file(p)),
        ("mkdir", |p| std::fs::create_dir(p)),
        ("rmdir", |p| std::fs::remove_dir(p)),
    ];
    for (name, op) in ops {
        let s = state.clone();
        host.set(
            name,
            Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
                let path = real_path(&ctx, &s, &arg_str(&args, 0))?;
                op(&path).or_else(|e| throw_code(&ctx, &errno_code(&e)))
            })?,
        )?;
    }

    // copyFile(src, dest, exclusive): the contents of a regular file into another, counted
    // against the write limit; `exclusive` (COPYFILE_EXCL) fails when dest exists.
    let s = state.clone();
    host.set(
        "copyFile",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let src = real_path(&ctx, &s, &arg_str(&args, 0))?;
            let dest = real_path(&ctx, &s, &arg_str(&args, 1))?;
            let exclusive = args.0.get(2).and_then(|v| v.as_bool()) == Some(true);
            let bytes = match File::open(&src).and_then(read_bounded) {
                Ok(b) => b,
                Err(e) => return throw_code(&ctx, &errno_code(&e)),
            };
            if let Err(code) = s.borrow_mut().count_written(bytes.len()) {
                return throw_code(&ctx, &code);
            }
            let mut o = OpenOptions::new();
            o.write(true);
            if exclusive {
                o.create_new(true);
            } else {
                o.create(true).truncate(true);
            }
            match o.open(&dest).and_then(|mut f| f.write_all(&bytes)) {
                Ok(()) => Ok(()),
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "readdir",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let path = real_path(&ctx, &s, &arg_str(&args, 0))?;
            match std::fs::read_dir(&path) {
                Ok(rd) => {
                    let mut names: Vec<String> = rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect();
                    names.sort();
                    Ok(names)
                }
                Err(e) => throw_code(&ctx, &errno_code(&e)),
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "resolvePath",
        Function::new(ctx.clone(), move |args: Rest<Value<'js>>| {
            s.borrow().fs.visible(&arg_str(&args, 0))
        })?,
    )?;

    let s = state.clone();
    host.set(
        "cwd",
        Function::new(ctx.clone(), move || s.borrow().fs.root.clone())?,
    )?;

    // Load a CommonJS file: read it (from memory when given so), wrap it in the module
    // function on the same line, so line numbers match the file, and compile it.
    let s = state.clone();
    host.set(
        "loadScript",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let name = arg_str(&args, 0);
            let (visible, read, kept) = {
                let mut st = s.borrow_mut();
                (st.fs.visible(&name), st.fs.read(&name), st.kept.clone())
            };
            let (src, cacheable) = match read {
                Ok(r) => r,
                Err(e) => return throw_code(&ctx, &errno_code(&e)),
            };
            let wrapped = format!(
                "(function (exports, require, module, __filename, __dirname) {{ {src}\n}})"
            );
            crate::compile::script(&ctx, &visible, &wrapped, cacheable, kept.as_deref())
        })?,
    )?;

    // Evaluate an ES module file (the case's main); returns its evaluation promise.
    host.set(
        "importModule",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let name = arg_str(&args, 0);
            let promise: Promise<'js> =
                rquickjs::Module::import(&ctx, name).map_err(|e| match e {
                    rquickjs::Error::Exception => e,
                    other => {
                        let msg = other.to_string();
                        match Exception::from_message(ctx.clone(), &msg) {
                            Ok(ex) => ctx.throw(ex.into_value()),
                            Err(e) => e,
                        }
                    }
                })?;
            Ok::<_, rquickjs::Error>(promise)
        })?,
    )?;

    // [state, value] of a promise, read without running any JavaScript (no hooks fire).
    host.set(
        "promiseState",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, p: Value<'js>| {
            let arr = rquickjs::Array::new(ctx.clone())?;
            // SAFETY: p is a live value of this context; the result is owned and handed to
            // Value::from_raw, which frees it.
            unsafe {
                let raw = ctx.as_raw().as_ptr();
                let st = qjs::JS_PromiseState(raw, p.as_raw());
                arr.set(0, st as i32)?;
                let r = qjs::JS_PromiseResult(raw, p.as_raw());
                arr.set(1, Value::from_raw(ctx.clone(), r))?;
            }
            Ok::<_, rquickjs::Error>(arr)
        })?,
    )?;

    host.set(
        "markHandled",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, p: Value<'js>| {
            // SAFETY: p is a live value of this context.
            unsafe { qjs::JS_PromiseMarkAsHandled(ctx.as_raw().as_ptr(), p.as_raw()) };
        })?,
    )?;

    host.set(
        "enqueueJob",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, f: Function<'js>| {
            let mut v = f.as_raw();
            // SAFETY: JS_EnqueueJob duplicates the argument it keeps.
            let r = unsafe { qjs::JS_EnqueueJob(ctx.as_raw().as_ptr(), Some(call_job), 1, &mut v) };
            if r < 0 {
                return Err(rquickjs::Error::Exception);
            }
            Ok(())
        })?,
    )?;

    host.set(
        "runMicrotasks",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>| {
            if drain_jobs(&ctx) {
                Ok(())
            } else {
                Err(rquickjs::Error::Exception)
            }
        })?,
    )?;

    host.set(
        "getFrame",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>| {
            // SAFETY: the getter returns an owned reference, which Value::from_raw takes.
            unsafe {
                let rt = qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
                Value::from_raw(ctx.clone(), ffi::JS_GetContextFrame(rt))
            }
        })?,
    )?;

    host.set(
        "setFrame",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, v: Value<'js>| {
            // SAFETY: the setter takes ownership of one reference, given by JS_DupValue.
            unsafe {
                let raw = ctx.as_raw().as_ptr();
                let rt = qjs::JS_GetRuntime(raw);
                ffi::JS_SetContextFrame(rt, qjs::JS_DupValue(raw, v.as_raw()));
            }
        })?,
    )?;

    // Promise hooks are installed in QuickJS only while some are wanted: with none, `await`
    // makes no throwaway promise and reactions run without the hook calls.
    let s = state.clone();
    host.set(
        "setPromiseHooks",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, args: Rest<Value<'js>>| {
            let any = {
                let mut st = s.borrow_mut();
                for i in 0..4 {
                    st.promise_hooks[i] = args
                        .0
                        .get(i)
                        .and_then(|v| v.as_function())
                        .map(|f| Persistent::save(&ctx, f.clone()));
                }
                st.promise_hooks.iter().any(|h| h.is_some())
            };
            // SAFETY: the opaque pointer is the shared state, which the engine keeps alive
            // until after the runtime is freed.
            unsafe {
                let rt = qjs::JS_GetRuntime(ctx.as_raw().as_ptr());
                let opaque = Rc::as_ptr(&s) as *mut std::ffi::c_void;
                qjs::JS_SetPromiseHook(rt, if any { Some(promise_hook) } else { None }, opaque);
            }
        })?,
    )?;

    let s = state.clone();
    host.set(
        "setRejectionTracker",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, f: Function<'js>| {
            s.borrow_mut().rejection_tracker = Some(Persistent::save(&ctx, f));
        })?,
    )?;

    let s = state.clone();
    host.set(
        "exit",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, code: Value<'js>| -> rquickjs::Result<()> {
                let c = code.as_number().map(|n| n as i32).unwrap_or(0);
                s.borrow_mut().exit = Some(c);
                Err(throw_exit(&ctx))
            },
        )?,
    )?;

    crate::host_native::install(ctx, &host)?;

    Ok(host)
}
