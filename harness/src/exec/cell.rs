//! Sandbox cells: one long-lived sandbox per executor worker and runtime, in which the worker's
//! cases run one after the other, with nothing of one case left for the next.
//!
//! Why: making a sandbox costs a few milliseconds of namespaces and mounts, a quarter of a
//! Node start on a small machine; made once per worker instead of once per case, it costs
//! nothing measurable (docs/security.md has the figures). What keeps the cases apart is the
//! cell's launcher (`harness/cell/launcher.rs`), the sandbox's PID 1, which cases cannot
//! signal, trace or read: it starts each case with the descriptors the harness hands it,
//! enforces the timeout, then kills every other process of the sandbox, empties `/tmp`,
//! `/dev/shm` and `/dev/mqueue`, and checks `/dev` and System V IPC; the harness empties the
//! cell's directory. Whatever the launcher cannot vouch for (a process that would not die, a
//! changed `/dev`, a file it could not remove, a program it could not execute, a silent or
//! garbled reply) retires the cell, and a case whose run a cell could not finish runs again in
//! a sandbox of its own, so that a cell can cost a case nothing but time.
//!
//! `AH_SANDBOX_CELLS=0` turns cells off (a sandbox per case, as before them).

use std::cell::RefCell;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::exec::process::{self, Ended, Output, Spec};
use crate::exec::sandbox::{hand_over, ChildSetup, Sandbox, View};

/// The launcher, built by `harness/build.rs`.
static LAUNCHER: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/ah-cell"));

/// Where the launcher finds its control socket and where bwrap finds the launcher.
const CONTROL_FD: RawFd = 3;
const LAUNCHER_FD: RawFd = 4;

/// How long a new cell may take to say it is ready.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long past a case's own timeout the launcher may take to answer (killing, reaping,
/// cleaning) before the cell is taken for dead.
const ANSWER_GRACE: Duration = Duration::from_secs(40);
/// A cell serves at most this many cases, then a new one takes over: nothing a case leaves
/// unnoticed can accumulate without bound.
const MAX_RUNS: usize = 400;
/// Cells one worker keeps at once (one per runtime view it runs).
const MAX_CELLS: usize = 4;

/// Set when a cell could not be started: the rest of the run uses a sandbox per case, and
/// says so once.
static UNAVAILABLE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Cells started by this thread so far (for the tests, which check that a cleaned cell is
    /// used again and a spoiled one is not). Per thread, as cells are: tests running side by
    /// side start cells of their own, which must not count.
    static STARTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Why the last cell retired (for tests and for debugging a run).
static LAST_RETIRED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Why the last retired cell was retired.
pub fn last_retired() -> Option<String> {
    LAST_RETIRED.lock().ok().and_then(|g| g.clone())
}

/// How many cells this thread has started.
pub fn started() -> usize {
    STARTED.with(|s| s.get())
}

thread_local! {
    /// This worker's cells, by the read-only part of their view.
    static CELLS: RefCell<Vec<(Vec<PathBuf>, Cell)>> = const { RefCell::new(Vec::new()) };
}

/// Every live cell of this process: its bwrap's process group and its directory, so that a
/// run whose cases ran on threads it does not own (libtest's) can end them all.
static LIVE: std::sync::Mutex<Vec<(u32, PathBuf)>> = std::sync::Mutex::new(Vec::new());

/// End every cell of this process, whichever thread holds it: for the end of a run whose
/// worker threads are not joined (libtest's pool), before the process exits. A cell's own
/// drop later finds its sandbox gone and its directory removed.
pub fn shutdown_all() {
    let live: Vec<(u32, PathBuf)> = LIVE
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default();
    for (pgid, _) in &live {
        process::kill_group(*pgid);
    }
    for (_, root) in &live {
        remove_root(root);
    }
}

/// Remove a cell's directory, trying again for a moment while its sandbox's mount of it goes
/// away with the sandbox.
fn remove_root(root: &Path) {
    for _ in 0..100 {
        match std::fs::remove_dir_all(root) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(Duration::from_millis(5))
            }
            _ => break,
        }
    }
}

/// End this thread's cells now (their sandboxes killed, their directories removed). A
/// thread's cells also end with it, but the destructors of a thread's locals may still be
/// running when a scoped join returns and the process exits: the executor's workers and the
/// commands that run cases on their own thread call this when they are done.
pub fn release() {
    let _ = CELLS.try_with(|cells| cells.borrow_mut().clear());
}

/// Whether cases of a confined runtime run in cells.
pub fn enabled(sandbox: &Sandbox) -> bool {
    sandbox.is_on()
        && std::env::var("AH_SANDBOX_CELLS").as_deref() != Ok("0")
        && !UNAVAILABLE.load(Ordering::Relaxed)
}

/// The launcher as an in-memory file, sealed, made once per process; descriptors the children
/// get by inheritance at [`LAUNCHER_FD`] and bwrap executes as `/proc/self/fd/4`.
fn launcher_fd() -> Result<RawFd, String> {
    static FD: OnceLock<Result<OwnedFd, String>> = OnceLock::new();
    FD.get_or_init(|| {
        // SAFETY: a plain system call with a NUL-terminated name.
        let fd = unsafe {
            libc::memfd_create(
                c"ah-cell".as_ptr(),
                libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
            )
        };
        if fd < 0 {
            return Err(format!(
                "cannot make the cell launcher's file: {}",
                std::io::Error::last_os_error()
            ));
        }
        // SAFETY: a descriptor just made, owned by nothing else.
        let owned = unsafe { OwnedFd::from_raw_fd(fd) };
        let mut file = std::fs::File::from(owned);
        file.write_all(LAUNCHER)
            .map_err(|e| format!("cannot write the cell launcher: {e}"))?;
        let seals =
            libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE | libc::F_SEAL_SEAL;
        // SAFETY: fcntl on a descriptor this process owns.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_ADD_SEALS, seals) } != 0 {
            return Err(format!(
                "cannot seal the cell launcher: {}",
                std::io::Error::last_os_error()
            ));
        }
        Ok(OwnedFd::from(file))
    })
    .as_ref()
    .map(|fd| fd.as_raw_fd())
    .map_err(Clone::clone)
}

/// One long-lived sandbox and its launcher.
pub struct Cell {
    /// bwrap, the leader of its own process group.
    child: Child,
    control: OwnedFd,
    /// The directory bound read-write: each case's directory is made inside it.
    root: process::RunDir,
    sandbox: Sandbox,
    runs: usize,
    /// Set when the cell must not take another case.
    retired: Option<String>,
}

impl Drop for Cell {
    fn drop(&mut self) {
        // The launcher ends when its socket closes, and bwrap with it: only then is the
        // cell's directory free to remove (the launcher, in a session of its own, is not in
        // bwrap's process group, and dies of bwrap's end only a moment later). A launcher
        // that does not end in two seconds is killed with its sandbox.
        // SAFETY: shutdown on a socket this cell owns.
        unsafe {
            libc::shutdown(self.control.as_raw_fd(), libc::SHUT_RDWR);
        }
        let pgid = self.child.id();
        let until = Instant::now() + Duration::from_secs(2);
        while matches!(self.child.try_wait(), Ok(None)) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(2));
        }
        process::kill_group(pgid);
        let _ = self.child.wait();
        process::forget_group(pgid);
        if let Ok(mut l) = LIVE.lock() {
            l.retain(|(p, _)| *p != pgid);
        }
        remove_root(self.root.path());
    }
}

/// Wait until `fd` is readable, at most `timeout`.
fn readable(fd: RawFd, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one pollfd owned by this frame.
        let n = unsafe { libc::poll(&mut p, 1, left.as_millis().min(i32::MAX as u128) as i32) };
        if n > 0 {
            return true;
        }
        if n == 0 || std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return false;
        }
    }
}

/// One message from the launcher, at most `timeout` away; `None` when it is silent or gone.
fn answer(fd: RawFd, timeout: Duration) -> Option<String> {
    if !readable(fd, timeout) {
        return None;
    }
    let mut buf = [0u8; 512];
    // SAFETY: a buffer owned by this frame.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
    (n > 0).then(|| String::from_utf8_lossy(&buf[..n as usize]).into_owned())
}

impl Cell {
    /// Start a cell whose cases may read `read` (a runtime's install, its cache).
    pub fn start(sandbox: &Sandbox, read: &[PathBuf]) -> Result<Cell, String> {
        let launcher = launcher_fd()?;
        let root = process::RunDir::new("ah-cell-")
            .map_err(|e| format!("cannot create the cell's directory: {e}"))?;
        // Cases' directories are made inside by the harness; the case's user only walks
        // through it (made for the case's user when that is the harness's own).
        std::fs::set_permissions(
            root.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .map_err(|e| format!("cannot open the cell's directory: {e}"))?;
        let view = View {
            read: read.to_vec(),
            write: vec![root.path().to_path_buf()],
        };
        let (program, args) = sandbox.cell_command(
            Path::new(&format!("/proc/self/fd/{LAUNCHER_FD}")),
            root.path(),
            &view,
        );
        let mut pair = [0; 2];
        // SAFETY: socketpair into an array owned by this frame.
        if unsafe {
            libc::socketpair(
                libc::AF_UNIX,
                libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
                0,
                pair.as_mut_ptr(),
            )
        } != 0
        {
            return Err(format!(
                "cannot make the cell's socket: {}",
                std::io::Error::last_os_error()
            ));
        }
        // SAFETY: descriptors just made, owned by nothing else.
        let (ours, theirs) =
            unsafe { (OwnedFd::from_raw_fd(pair[0]), OwnedFd::from_raw_fd(pair[1])) };
        let theirs_fd = theirs.as_raw_fd();
        let setup = ChildSetup::of(sandbox);
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: the closure runs in the forked child before exec and only makes system calls
        // (setrlimit, fcntl, dup2, setgroups, setgid, setuid).
        unsafe {
            cmd.pre_exec(move || {
                setup.enter(&[])?;
                // Out of the way of 3 and 4 first, then into place without close-on-exec.
                let c = libc::fcntl(theirs_fd, libc::F_DUPFD_CLOEXEC, 10);
                let l = libc::fcntl(launcher, libc::F_DUPFD_CLOEXEC, 10);
                if c < 0 || l < 0 || libc::dup2(c, CONTROL_FD) < 0 || libc::dup2(l, LAUNCHER_FD) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                setup.leave()
            });
        }
        let mut child = process::start_watched(|| cmd.spawn())
            .map_err(|e| format!("cannot start bwrap for a cell: {e}"))?;
        drop(theirs);
        drop(cmd);
        let ready = answer(ours.as_raw_fd(), START_TIMEOUT);
        if ready.as_deref() != Some("R") {
            process::kill_group(child.id());
            let _ = child.wait();
            process::forget_group(child.id());
            let mut said = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut said);
            }
            return Err(format!(
                "the cell's launcher did not start{}",
                if said.trim().is_empty() {
                    String::new()
                } else {
                    format!(": {}", said.trim())
                }
            ));
        }
        STARTED.with(|s| s.set(s.get() + 1));
        if let Ok(mut l) = LIVE.lock() {
            l.push((child.id(), root.path().to_path_buf()));
        }
        Ok(Cell {
            child,
            control: ours,
            root,
            sandbox: sandbox.clone(),
            runs: 0,
            retired: None,
        })
    }

    /// A fresh directory for one case, inside the cell's, handed to the case's user.
    pub fn case_dir(&self) -> Result<tempfile::TempDir, String> {
        let dir = tempfile::Builder::new()
            .prefix("case-")
            .tempdir_in(self.root.path())
            .map_err(|e| format!("cannot create the case's directory: {e}"))?;
        self.sandbox
            .prepare_dir(dir.path())
            .map_err(|e| format!("cannot hand the case's directory to the sandbox: {e}"))?;
        Ok(dir)
    }

    /// Why the cell takes no more cases, if it does not.
    pub fn retired(&self) -> Option<&str> {
        self.retired.as_deref()
    }

    fn retire(&mut self, why: String) -> String {
        if self.retired.is_none() {
            if let Ok(mut last) = LAST_RETIRED.lock() {
                *last = Some(why.clone());
            }
            self.retired = Some(why.clone());
        }
        why
    }

    /// Run `spec` (whose working directory is a [`Cell::case_dir`]) in the cell. `Err` when
    /// the cell could not give the case's result: the cell is retired, and the case must run
    /// again elsewhere.
    pub fn run(&mut self, spec: &Spec) -> Result<Output, String> {
        if let Some(why) = &self.retired {
            return Err(why.clone());
        }
        self.runs += 1;
        let start = Instant::now();
        let pipe = || std::io::pipe().map_err(|e| format!("cannot create a pipe: {e}"));
        let (in_r, mut in_w) = pipe()?;
        let (out_r, out_w) = pipe()?;
        let (chan_r, chan_w) = pipe()?;
        let (err_r, err_w) = if spec.stderr_into_channel {
            (None, None)
        } else {
            let (r, w) = pipe()?;
            (Some(r), Some(w))
        };
        let theirs: [RawFd; 4] = [
            in_r.as_raw_fd(),
            out_w.as_raw_fd(),
            err_w.as_ref().map_or(chan_w.as_raw_fd(), |w| w.as_raw_fd()),
            chan_w.as_raw_fd(),
        ];
        if let Some(uid) = self.sandbox.runs_as() {
            // The case opens them again by path (`/dev/stdin`, `/dev/fd/3`).
            hand_over(&theirs, uid).map_err(|e| format!("cannot hand the pipes over: {e}"))?;
        }
        let message = job_message(spec);
        if let Err(e) = send_with_fds(self.control.as_raw_fd(), &message, &theirs) {
            return Err(self.retire(format!("cannot send the case to the cell: {e}")));
        }
        // Only the case holds the write ends now: the pipes end with it.
        drop((in_r, out_w, chan_w, err_w));
        let out_rx = process::capture(out_r, process::HEAD_BYTES);
        let err_rx = err_r.map(|r| process::capture(r, process::HEAD_BYTES));
        let chan_rx = process::capture(chan_r, process::CHANNEL_BYTES);
        let _ = in_w.write_all(&spec.stdin);
        drop(in_w);

        let Some(reply) = answer(self.control.as_raw_fd(), spec.timeout + ANSWER_GRACE) else {
            return Err(self.retire("the cell's launcher did not answer".into()));
        };
        let duration = start.elapsed();
        let (ended, rest) = match parse_reply(&reply, &spec.program) {
            Some(x) => x,
            None => return Err(self.retire(format!("the cell's launcher said `{reply}`"))),
        };
        match rest {
            Health::Clean => {}
            Health::Dirty(what) => {
                self.retire(format!("the case left {what}"));
            }
        }
        if let Ended::SpawnFailed(why) = &ended {
            // An earlier case may have moved what this one needs: only a sandbox of its
            // own tells.
            return Err(self.retire(why.clone()));
        }
        if let Err(e) = self.empty_root() {
            self.retire(e);
        }
        if self.runs >= MAX_RUNS {
            self.retire("it served its share of cases".into());
        }
        let deadline = Instant::now() + process::DRAIN_GRACE;
        let take = |rx: std::sync::mpsc::Receiver<process::Captured>| process::take(rx, deadline);
        let chan = take(chan_rx);
        let out = take(out_rx);
        let err = err_rx.map(take);
        Ok(Output {
            ended,
            // The launcher reports the case's own wait status, not bwrap's 128 + N.
            confined: false,
            channel: chan.head,
            channel_cut: chan.cut,
            stdout_head: String::from_utf8_lossy(&out.head).into_owned(),
            stdout_bytes: out.total,
            stderr_head: err
                .as_ref()
                .map(|e| String::from_utf8_lossy(&e.head).into_owned())
                .unwrap_or_default(),
            stderr_bytes: err.map_or(0, |e| e.total),
            duration,
        })
    }

    /// Remove everything in the cell's directory but the directory: the case's own and
    /// anything a case made beside it.
    fn empty_root(&self) -> Result<(), String> {
        let entries = std::fs::read_dir(self.root.path())
            .map_err(|e| format!("cannot list the cell's directory: {e}"))?;
        for e in entries.flatten() {
            let p = e.path();
            let gone = match e.file_type() {
                Ok(t) if t.is_dir() => std::fs::remove_dir_all(&p),
                _ => std::fs::remove_file(&p),
            };
            if let Err(err) = gone {
                if p.exists() {
                    return Err(format!("cannot remove {}: {err}", p.display()));
                }
            }
        }
        Ok(())
    }
}

/// How the launcher found the sandbox after a case.
enum Health {
    Clean,
    Dirty(String),
}

/// `X <status> clean`, `T dirty <what>`, `E <errno> clean`, ...
fn parse_reply(reply: &str, program: &Path) -> Option<(Ended, Health)> {
    let mut words = reply.splitn(3, ' ');
    let kind = words.next()?;
    let (ended, tail) = match kind {
        "T" => (Ended::TimedOut, reply.strip_prefix("T ")?),
        "X" | "E" => {
            let n: i32 = words.next()?.parse().ok()?;
            let tail = words.next()?;
            let ended = if kind == "E" {
                Ended::SpawnFailed(format!(
                    "cannot execute `{}`: {}",
                    program.display(),
                    std::io::Error::from_raw_os_error(n)
                ))
            } else if libc::WIFEXITED(n) {
                Ended::Exited(libc::WEXITSTATUS(n))
            } else if libc::WIFSIGNALED(n) {
                let sig = libc::WTERMSIG(n);
                Ended::Signaled {
                    signal: sig,
                    name: process::signal_name(sig),
                }
            } else {
                return None;
            };
            (ended, tail)
        }
        _ => return None,
    };
    let health = match tail.split_once(' ') {
        None if tail == "clean" => Health::Clean,
        Some(("dirty", what)) => Health::Dirty(what.to_string()),
        _ => return None,
    };
    Some((ended, health))
}

/// The job as the launcher reads it: working directory, timeout in milliseconds, argument
/// count, program and arguments, environment entries, each ended by NUL.
fn job_message(spec: &Spec) -> Vec<u8> {
    let mut m = Vec::new();
    let mut field = |b: &[u8]| {
        m.extend_from_slice(b);
        m.push(0);
    };
    field(spec.cwd.as_os_str().as_encoded_bytes());
    field(spec.timeout.as_millis().to_string().as_bytes());
    field((spec.args.len() + 1).to_string().as_bytes());
    field(spec.program.as_os_str().as_encoded_bytes());
    for a in &spec.args {
        field(a.as_bytes());
    }
    for (k, v) in &spec.env {
        field(format!("{k}={v}").as_bytes());
    }
    m
}

/// Send `data` with `fds` as SCM_RIGHTS in one message.
fn send_with_fds(sock: RawFd, data: &[u8], fds: &[RawFd; 4]) -> std::io::Result<()> {
    let fd_bytes = std::mem::size_of_val(fds) as u32;
    // SAFETY: CMSG_SPACE is a pure computation.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes) } as usize;
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: msghdr is plain data; every pointer below points at buffers owned by this frame
    // and sized as declared, and the header is written inside `control`.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control.as_mut_ptr().cast();
        msg.msg_controllen = space;
        let h = libc::CMSG_FIRSTHDR(&msg);
        (*h).cmsg_level = libc::SOL_SOCKET;
        (*h).cmsg_type = libc::SCM_RIGHTS;
        (*h).cmsg_len = libc::CMSG_LEN(fd_bytes) as usize;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(h) as *mut RawFd, fds.len());
        if libc::sendmsg(sock, &msg, libc::MSG_NOSIGNAL) < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Run `job` with this worker's cell for `sandbox` and `read`, started if needed. `None` when
/// no cell can serve (cells are off, one could not be started, or the job reported the cell
/// broken, which retires it): the caller then runs the case in a sandbox of its own.
pub fn with_cell<R>(
    sandbox: &Sandbox,
    read: &[PathBuf],
    job: impl FnOnce(&mut Cell) -> Result<R, String>,
) -> Option<R> {
    if !enabled(sandbox) {
        return None;
    }
    CELLS.with(|cells| {
        let mut cells = cells.borrow_mut();
        let at = match cells.iter().position(|(k, _)| k.as_slice() == read) {
            Some(i) => i,
            None => {
                let cell = match Cell::start(sandbox, read) {
                    Ok(c) => c,
                    Err(e) => {
                        if !UNAVAILABLE.swap(true, Ordering::Relaxed) {
                            eprintln!("note: {e}; every case of this run gets a sandbox of its own instead (slower, as safe)");
                        }
                        return None;
                    }
                };
                if cells.len() >= MAX_CELLS {
                    cells.remove(0);
                }
                cells.push((read.to_vec(), cell));
                cells.len() - 1
            }
        };
        let result = job(&mut cells[at].1);
        if cells[at].1.retired().is_some() {
            cells.remove(at);
        }
        result.ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_give_the_case_s_end_and_the_cell_s_health() {
        let p = Path::new("/rt/node");
        let (e, h) = parse_reply("X 0 clean", p).unwrap();
        assert_eq!(e, Ended::Exited(0));
        assert!(matches!(h, Health::Clean));
        let (e, _) = parse_reply("X 768 clean", p).unwrap();
        assert_eq!(e, Ended::Exited(3));
        let (e, h) = parse_reply("X 11 dirty /dev changed", p).unwrap();
        assert_eq!(
            e,
            Ended::Signaled {
                signal: 11,
                name: "SIGSEGV".into()
            }
        );
        assert!(matches!(h, Health::Dirty(w) if w == "/dev changed"));
        assert_eq!(parse_reply("T clean", p).unwrap().0, Ended::TimedOut);
        let (e, _) = parse_reply("E 2 clean", p).unwrap();
        assert!(matches!(e, Ended::SpawnFailed(w) if w.contains("/rt/node")));
        for bad in ["", "X", "X 0", "X zero clean", "Q 0 clean", "X 0 fine", "T"] {
            assert!(parse_reply(bad, p).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn a_job_is_fields_ended_by_nul_with_the_program_first() {
        let spec = Spec {
            program: "/rt/node".into(),
            args: vec!["a.mjs".into()],
            cwd: "/tmp/c".into(),
            env: vec![("A".into(), "1".into())],
            stdin: Vec::new(),
            timeout: Duration::from_millis(1500),
            confine: None,
            stderr_into_channel: false,
        };
        assert_eq!(
            job_message(&spec),
            b"/tmp/c\x001500\x002\x00/rt/node\x00a.mjs\x00A=1\x00"
        );
    }
}
