//! Running one runtime process: its own process group, a minimal environment, the trace
//! channel on fd 3, bounded capture of stdout and stderr, and a timeout that kills the whole
//! group.
//!
//! A broken runtime is a result, never a harness failure: whatever the child does (hang, crash,
//! flood its output, leave grandchildren behind) this returns an [`Ended`] and the bytes seen.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use crate::exec::sandbox::{self, ChildSetup, Sandbox, View};

/// Process groups of runs under way, so that an interrupted harness can kill them all.
static LIVE_GROUPS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// Temp dirs of runs under way, so that an interrupted harness removes them too (their owners'
/// destructors never run after `exit`).
static LIVE_DIRS: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Held for reading while a run makes something an interrupt must clean up (a temp dir, a
/// process group) and registers it; the interrupt handler takes it for writing and keeps it
/// until the exit. Without it a thread could make a dir or start a process between the
/// handler's sweep and the exit (a pool replacing a member the sweep had just killed), and
/// that one would outlive the harness.
static REGISTRY_GATE: RwLock<()> = RwLock::new(());

/// Run `make`, which creates something and registers it, so that an interrupt sees either
/// neither or both.
fn registering<T>(make: impl FnOnce() -> T) -> T {
    let _open = REGISTRY_GATE.read().unwrap_or_else(|p| p.into_inner());
    make()
}

/// Start a process that leads its own process group (`start`) and register the group for
/// [`install_interrupt_handler`] in the same step; `forget_group` it when it is gone.
pub(crate) fn start_watched(
    start: impl FnOnce() -> std::io::Result<std::process::Child>,
) -> std::io::Result<std::process::Child> {
    registering(|| {
        let started = start();
        if let Ok(child) = &started {
            watch_group(child.id());
        }
        started
    })
}

/// A run's temp dir, removed when dropped and on interrupt while it lives.
pub struct RunDir {
    // Declared first so that it is dropped (removed) before the registration goes.
    dir: tempfile::TempDir,
    _registered: DirGuard,
}

impl RunDir {
    /// A new temp dir whose name starts with `prefix`, registered in the same step.
    pub fn new(prefix: &str) -> std::io::Result<RunDir> {
        registering(|| {
            let dir = tempfile::Builder::new().prefix(prefix).tempdir()?;
            let _registered = DirGuard::new(dir.path());
            Ok(RunDir { dir, _registered })
        })
    }

    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// A run's temp dir, registered for removal on interrupt while this guard lives.
pub struct DirGuard(PathBuf);

impl DirGuard {
    pub fn new(path: &std::path::Path) -> DirGuard {
        if let Ok(mut d) = LIVE_DIRS.lock() {
            d.insert(path.to_path_buf());
        }
        DirGuard(path.to_path_buf())
    }
}

impl Drop for DirGuard {
    fn drop(&mut self) {
        if let Ok(mut d) = LIVE_DIRS.lock() {
            d.remove(&self.0);
        }
    }
}

/// On SIGINT or SIGTERM, kill every runtime process group still running, then exit with
/// status 130. Runtimes run in their own process groups, so a Ctrl-C in the terminal does not
/// reach them by itself; without this they would outlive the harness. Files the harness
/// writes are replaced by rename, so an interrupt leaves each one either old or new.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        // Kept until the exit: from here on nothing new is made or started.
        let _closed = REGISTRY_GATE.write().unwrap_or_else(|p| p.into_inner());
        let groups: Vec<u32> = LIVE_GROUPS
            .lock()
            .map(|g| g.iter().copied().collect())
            .unwrap_or_default();
        for g in &groups {
            kill_group(*g);
        }
        let dirs: Vec<PathBuf> = LIVE_DIRS
            .lock()
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default();
        for d in &dirs {
            remove_dir_settling(d);
        }
        let files = crate::input::files::remove_unfinished();
        eprintln!(
            "interrupted: killed {} running case(s), removed {} temp dir(s) and {files} unfinished write(s)",
            groups.len(),
            dirs.len()
        );
        std::process::exit(130);
    });
}

/// Remove a killed run's dir. A process killed a moment ago may still finish the file system
/// call it was in, so a removal that fails on a dir that still exists is tried again briefly.
fn remove_dir_settling(dir: &std::path::Path) {
    for _ in 0..20 {
        if std::fs::remove_dir_all(dir).is_ok() || !dir.exists() {
            return;
        }
        thread::sleep(Duration::from_millis(25));
    }
}

/// How much of stdout/stderr is kept; the rest is counted and dropped.
pub const HEAD_BYTES: usize = 16 * 1024;
pub use crate::judge::trace::CHANNEL_BYTES;
/// How long to wait for the output pipes to close once the process group is gone.
pub(crate) const DRAIN_GRACE: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct Spec {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub cwd: PathBuf,
    /// The complete environment: nothing is inherited.
    pub env: Vec<(String, String)>,
    /// Written to the child's stdin, which is then closed.
    pub stdin: Vec<u8>,
    pub timeout: Duration,
    /// The sandbox the process runs in and what it may see there (see `sandbox`); `None` for
    /// the harness's own helpers, which run no case code.
    pub confine: Option<(Sandbox, View)>,
    /// Standard error goes into the trace channel instead of its own pipe: the neutrality
    /// check's instrument writes its records there (see `prelude::ChannelIo::Neutral`).
    pub stderr_into_channel: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    Signaled {
        signal: i32,
        name: String,
    },
    TimedOut,
    /// The process could not be started (missing or not executable binary, ...).
    SpawnFailed(String),
}

#[derive(Debug, Clone)]
pub struct Output {
    /// As the operating system reported it; see [`Output::end`] for a confined run.
    pub ended: Ended,
    /// The process ran in a sandbox, which reports a death by signal N as exit code 128 + N.
    pub confined: bool,
    pub channel: Vec<u8>,
    pub channel_cut: bool,
    pub stdout_head: String,
    pub stdout_bytes: u64,
    pub stderr_head: String,
    pub stderr_bytes: u64,
    pub duration: Duration,
}

impl Output {
    /// The output of a process that was never started.
    pub fn could_not_start(why: String) -> Output {
        Output {
            ended: Ended::SpawnFailed(why),
            confined: false,
            channel: Vec::new(),
            channel_cut: false,
            stdout_head: String::new(),
            stdout_bytes: 0,
            stderr_head: String::new(),
            stderr_bytes: 0,
            duration: Duration::ZERO,
        }
    }

    /// How the process ended, seen through the sandbox: bwrap reports a death by signal N as
    /// exit code 128 + N, which a run tells from a real exit by the `end` record its prelude
    /// writes on a real exit (`wrote_end`).
    pub fn end(&self, wrote_end: bool) -> Ended {
        match self.ended {
            Ended::Exited(code) if self.confined => match sandbox::signal_behind(code, wrote_end) {
                Some(sig) => Ended::Signaled {
                    signal: sig,
                    name: signal_name(sig),
                },
                None => Ended::Exited(code),
            },
            ref other => other.clone(),
        }
    }
}

pub(crate) struct Captured {
    pub(crate) head: Vec<u8>,
    pub(crate) total: u64,
    pub(crate) cut: bool,
}

/// Stack size of the threads that read a child's pipes and wait for it. They need little, and
/// the default that `RUST_MIN_STACK` sets for the runner's threads (32 MiB, for the reference
/// runtime) would be mapped and unmapped for each of them, four times per case: unmapping a
/// thread's stack makes the kernel interrupt every other core to flush its TLB, which on a
/// virtual machine costs more than the thread's whole work. Small stacks are reused by the
/// C library instead.
const HELPER_STACK: usize = 128 * 1024;

/// Start a helper thread with a [`HELPER_STACK`]-sized stack.
pub(crate) fn spawn_helper(f: impl FnOnce() + Send + 'static) {
    thread::Builder::new()
        .stack_size(HELPER_STACK)
        .spawn(f)
        .expect("the harness cannot start a thread (out of memory or of threads)");
}

pub(crate) fn capture(mut r: impl Read + Send + 'static, keep: usize) -> mpsc::Receiver<Captured> {
    let (tx, rx) = mpsc::channel();
    spawn_helper(move || {
        let mut head = Vec::new();
        let mut total = 0u64;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    total += n as u64;
                    let room = keep.saturating_sub(head.len());
                    head.extend_from_slice(&buf[..n.min(room)]);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        let cut = total > head.len() as u64;
        let _ = tx.send(Captured { head, total, cut });
    });
    rx
}

/// What a capture thread read, once its pipe closed or `deadline` passed (then nothing, and
/// marked cut: a grandchild still holds the pipe).
pub(crate) fn take(rx: mpsc::Receiver<Captured>, deadline: Instant) -> Captured {
    rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
        .unwrap_or(Captured {
            head: Vec::new(),
            total: 0,
            cut: true,
        })
}

pub(crate) fn signal_name(sig: i32) -> String {
    nix::sys::signal::Signal::try_from(sig)
        .map(|s| s.as_str().to_string())
        .unwrap_or_else(|_| format!("signal {sig}"))
}

/// Register a process group that must die if the harness is interrupted (see
/// [`install_interrupt_handler`]); `forget_group` when it is gone.
fn watch_group(pgid: u32) {
    if let Ok(mut g) = LIVE_GROUPS.lock() {
        g.insert(pgid);
    }
}

pub(crate) fn forget_group(pgid: u32) {
    if let Ok(mut g) = LIVE_GROUPS.lock() {
        g.remove(&pgid);
    }
}

pub(crate) fn kill_group(pgid: u32) {
    let _ = nix::sys::signal::killpg(
        nix::unistd::Pid::from_raw(pgid as i32),
        nix::sys::signal::Signal::SIGKILL,
    );
}

/// Run the process to its end (or its timeout) and collect what it wrote.
/// Spawn `cmd`, trying again for a while when the kernel says the binary is busy (ETXTBSY).
/// A binary just written (a runtime being installed) is busy while any process forked by
/// another thread of ours in the meantime still holds the inherited write descriptor, until
/// that process execs: a race between threads, over in milliseconds, not a broken binary.
fn spawn_retrying_busy(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    let mut wait = Duration::from_millis(5);
    for _ in 0..10 {
        match cmd.spawn() {
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) => {
                std::thread::sleep(wait);
                wait = (wait * 2).min(Duration::from_millis(200));
            }
            other => return other,
        }
    }
    cmd.spawn()
}

pub fn run(spec: &Spec) -> Output {
    let start = Instant::now();
    let confined = matches!(&spec.confine, Some((Sandbox::On(_), _)));
    let setup = spec
        .confine
        .as_ref()
        .map_or(ChildSetup::none(), |(s, _)| ChildSetup::of(s));
    let failed = |msg: String| Output {
        ended: Ended::SpawnFailed(msg),
        confined,
        channel: Vec::new(),
        channel_cut: false,
        stdout_head: String::new(),
        stdout_bytes: 0,
        stderr_head: String::new(),
        stderr_bytes: 0,
        duration: start.elapsed(),
    };
    let (chan_r, chan_w) = match std::io::pipe() {
        Ok(p) => p,
        Err(e) => return failed(format!("cannot create the trace pipe: {e}")),
    };
    let chan_fd = chan_w.as_raw_fd();
    let into_channel = spec.stderr_into_channel;

    let (program, args) = match &spec.confine {
        Some((sandbox, view)) => sandbox.command(&spec.program, &spec.args, &spec.cwd, view),
        None => (spec.program.clone(), spec.args.clone()),
    };
    let mut cmd = Command::new(&program);
    cmd.args(&args)
        .current_dir(&spec.cwd)
        .env_clear()
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: the closure runs in the forked child before exec and only makes system calls
    // (getrlimit, setrlimit, fchown, dup2, fcntl, setgroups, setgid, setuid), which are
    // async-signal-safe; it touches no memory shared with the parent.
    unsafe {
        cmd.pre_exec(move || {
            setup.enter(&[0, 1, 2, chan_fd])?;
            if chan_fd == 3 {
                let flags = libc::fcntl(3, libc::F_GETFD);
                if flags < 0 || libc::fcntl(3, libc::F_SETFD, flags & !libc::FD_CLOEXEC) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            } else if libc::dup2(chan_fd, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            if into_channel && libc::dup2(3, 2) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            // Last: everything above may need root.
            setup.leave()
        });
    }
    let mut child = match start_watched(|| spawn_retrying_busy(&mut cmd)) {
        Ok(c) => c,
        Err(e) => return failed(format!("cannot start `{}`: {e}", program.display())),
    };
    // The parent's copy of the write end must go, or the channel never reaches end-of-file.
    drop(chan_w);
    drop(cmd);
    let pgid = child.id();

    let out_rx = capture(child.stdout.take().expect("stdout is piped"), HEAD_BYTES);
    let err_rx = capture(child.stderr.take().expect("stderr is piped"), HEAD_BYTES);
    let chan_rx = capture(chan_r, CHANNEL_BYTES);
    if let Some(mut stdin) = child.stdin.take() {
        // A runtime that never reads stdin is fine: the key fits in the pipe buffer.
        let _ = stdin.write_all(&spec.stdin);
    }

    let (wait_tx, wait_rx) = mpsc::channel();
    spawn_helper(move || {
        let _ = wait_tx.send(child.wait());
    });
    let ended = match wait_rx.recv_timeout(spec.timeout) {
        Ok(Ok(status)) => match (status.code(), status.signal()) {
            (Some(code), _) => Ended::Exited(code),
            (None, Some(sig)) => Ended::Signaled {
                signal: sig,
                name: signal_name(sig),
            },
            (None, None) => Ended::Exited(-1),
        },
        Ok(Err(e)) => Ended::SpawnFailed(format!("cannot wait for the process: {e}")),
        Err(_) => {
            kill_group(pgid);
            let _ = wait_rx.recv();
            Ended::TimedOut
        }
    };
    let duration = start.elapsed();
    // Whatever the leader did, nothing it started may outlive the case.
    kill_group(pgid);
    forget_group(pgid);

    let deadline = Instant::now() + DRAIN_GRACE;
    let take = |rx| take(rx, deadline);
    let chan = take(chan_rx);
    let out = take(out_rx);
    let err = take(err_rx);
    Output {
        ended,
        confined,
        channel: chan.head,
        channel_cut: chan.cut,
        stdout_head: String::from_utf8_lossy(&out.head).into_owned(),
        stdout_bytes: out.total,
        stderr_head: String::from_utf8_lossy(&err.head).into_owned(),
        stderr_bytes: err.total,
        duration,
    }
}
