//! The launcher of a sandbox cell (see `harness/src/exec/cell.rs`): the first process of one
//! long-lived bubblewrap sandbox, which starts the cases of one executor worker one after the
//! other and leaves nothing of one case to the next.
//!
//! Built by `harness/build.rs` with the same `rustc` as the harness, on its own and with no
//! crates, and carried inside the harness; it talks to the harness over a sequenced-packet
//! socket on descriptor 3:
//! - a job is one message: NUL-separated fields (working directory, timeout in milliseconds,
//!   argument count, arguments, environment entries) and, as ancillary data, the four
//!   descriptors the case gets as 0, 1, 2 and 3 (stdin, stdout, stderr, trace channel);
//! - the reply is one message: `X <wait status>`, `T` (timed out, killed), `E <errno>` (the
//!   program could not be executed), each followed by ` clean` or ` dirty <what>`: dirty means
//!   the case left something this launcher will not vouch for, and the harness retires the
//!   cell.
//!
//! It runs as the sandbox's PID 1 (`bwrap --as-pid-1`), so that no process of a case can
//! signal it (the kernel drops signals to a namespace's init that it has no handler for, and it
//! installs none) and every orphan comes back to it. It is not dumpable, so that a case
//! running as the same user cannot read its memory or descriptors through `/proc` or ptrace.
//! After each case it kills every other process of the namespace and reaps them, empties the
//! writable places of the sandbox (`/tmp` but for mount points, `/dev/shm`, `/dev/mqueue`),
//! and checks that `/dev` and System V IPC are as they were.

use std::ffi::CString;
use std::os::raw::{c_char, c_int, c_long, c_uint, c_void};
use std::time::{Duration, Instant};

const CONTROL: c_int = 3;
const MAX_MESSAGE: usize = 1 << 20;

#[repr(C)]
struct IoVec {
    base: *mut c_void,
    len: usize,
}

#[repr(C)]
struct MsgHdr {
    name: *mut c_void,
    namelen: c_uint,
    iov: *mut IoVec,
    iovlen: usize,
    control: *mut c_void,
    controllen: usize,
    flags: c_int,
}

#[repr(C)]
struct CmsgHdr {
    len: usize,
    level: c_int,
    kind: c_int,
}

#[repr(C)]
struct PollFd {
    fd: c_int,
    events: i16,
    revents: i16,
}

extern "C" {
    fn recvmsg(fd: c_int, msg: *mut MsgHdr, flags: c_int) -> isize;
    fn send(fd: c_int, buf: *const c_void, len: usize, flags: c_int) -> isize;
    fn fork() -> c_int;
    fn execve(path: *const c_char, argv: *const *const c_char, envp: *const *const c_char)
        -> c_int;
    fn dup2(old: c_int, new: c_int) -> c_int;
    fn close(fd: c_int) -> c_int;
    fn setsid() -> c_int;
    fn chdir(path: *const c_char) -> c_int;
    fn kill(pid: c_int, sig: c_int) -> c_int;
    fn waitpid(pid: c_int, status: *mut c_int, options: c_int) -> c_int;
    fn poll(fds: *mut PollFd, n: u64, timeout: c_int) -> c_int;
    fn pipe2(fds: *mut c_int, flags: c_int) -> c_int;
    fn read(fd: c_int, buf: *mut c_void, n: usize) -> isize;
    fn write(fd: c_int, buf: *const c_void, n: usize) -> isize;
    fn prctl(option: c_int, arg2: c_long, arg3: c_long, arg4: c_long, arg5: c_long) -> c_int;
    fn syscall(num: c_long, ...) -> c_long;
    fn _exit(code: c_int) -> !;
    fn __errno_location() -> *mut c_int;
}

const SOL_SOCKET: c_int = 1;
const SCM_RIGHTS: c_int = 1;
const MSG_CMSG_CLOEXEC: c_int = 0x4000_0000;
const O_CLOEXEC: c_int = 0o2000000;
const SIGKILL: c_int = 9;
const WNOHANG: c_int = 1;
const EINTR: c_int = 4;
const ECHILD: c_int = 10;
const POLLIN: i16 = 1;
const PR_SET_DUMPABLE: c_int = 4;
const SYS_PIDFD_OPEN: c_long = 434;

fn errno() -> c_int {
    // SAFETY: the C library's thread-local errno.
    unsafe { *__errno_location() }
}

fn reply(text: &str) {
    // SAFETY: a buffer owned by this frame. A lost reply ends the cell on the harness's side.
    unsafe {
        send(CONTROL, text.as_ptr().cast(), text.len(), 0);
    }
}

/// A job as the harness sent it.
struct Job {
    cwd: CString,
    timeout: Duration,
    argv: Vec<CString>,
    env: Vec<CString>,
    fds: [c_int; 4],
}

/// Receive one job; `None` when the harness has gone (end of the socket) or sent nonsense,
/// after which the launcher ends and the kernel ends the whole sandbox with it.
fn receive() -> Option<Job> {
    let mut buf = vec![0u8; MAX_MESSAGE];
    // Room for a header and four descriptors, aligned as the kernel writes it.
    let mut control = [0u64; 8];
    let mut iov = IoVec {
        base: buf.as_mut_ptr().cast(),
        len: buf.len(),
    };
    let mut msg = MsgHdr {
        name: std::ptr::null_mut(),
        namelen: 0,
        iov: &mut iov,
        iovlen: 1,
        control: control.as_mut_ptr().cast(),
        controllen: std::mem::size_of_val(&control),
        flags: 0,
    };
    let n = loop {
        // SAFETY: msg points at buffers owned by this frame, sized as declared.
        let n = unsafe { recvmsg(CONTROL, &mut msg, MSG_CMSG_CLOEXEC) };
        if n < 0 && errno() == EINTR {
            continue;
        }
        break n;
    };
    if n <= 0 {
        return None;
    }
    let mut fds = [-1; 4];
    if msg.controllen >= std::mem::size_of::<CmsgHdr>() {
        // SAFETY: the kernel wrote a cmsghdr at the start of `control`.
        let h = unsafe { &*(control.as_ptr() as *const CmsgHdr) };
        if h.level == SOL_SOCKET && h.kind == SCM_RIGHTS {
            let count = (h.len - std::mem::size_of::<CmsgHdr>()) / 4;
            // SAFETY: the descriptors follow the header, `count` of them.
            let data = unsafe {
                (control.as_ptr() as *const u8).add(std::mem::size_of::<CmsgHdr>()) as *const c_int
            };
            for (i, fd) in fds.iter_mut().enumerate().take(count.min(4)) {
                // SAFETY: i < count.
                *fd = unsafe { *data.add(i) };
            }
        }
    }
    if fds.iter().any(|&f| f < 0) {
        return None;
    }
    let fields: Vec<&[u8]> = buf[..n as usize].split(|&b| b == 0).collect();
    let text = |i: usize| fields.get(i).and_then(|f| std::str::from_utf8(f).ok());
    let cwd = CString::new(fields.first()?.to_vec()).ok()?;
    let timeout = Duration::from_millis(text(1)?.parse().ok()?);
    let argc: usize = text(2)?.parse().ok()?;
    let argv: Vec<CString> = (3..3 + argc)
        .map(|i| fields.get(i).and_then(|f| CString::new(f.to_vec()).ok()))
        .collect::<Option<_>>()?;
    // The message ends with a NUL, so the last field is empty.
    let env: Vec<CString> = fields[3 + argc..]
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| CString::new(f.to_vec()).ok())
        .collect::<Option<_>>()?;
    if argv.is_empty() {
        return None;
    }
    Some(Job {
        cwd,
        timeout,
        argv,
        env,
        fds,
    })
}

/// Fork and exec the job's program; `Err(errno)` when it could not be executed.
fn start(job: &Job) -> Result<c_int, c_int> {
    let argv: Vec<*const c_char> = job
        .argv
        .iter()
        .map(|a| a.as_ptr())
        .chain([std::ptr::null()])
        .collect();
    let envp: Vec<*const c_char> = job
        .env
        .iter()
        .map(|a| a.as_ptr())
        .chain([std::ptr::null()])
        .collect();
    let mut report = [0; 2];
    // SAFETY: pipe2 into an array owned by this frame.
    if unsafe { pipe2(report.as_mut_ptr(), O_CLOEXEC) } != 0 {
        return Err(errno());
    }
    // SAFETY: the launcher has one thread; the child only makes system calls on memory
    // prepared before the fork, then execs or exits.
    let pid = unsafe { fork() };
    if pid == 0 {
        unsafe {
            setsid();
            // The received descriptors are close-on-exec; their copies at 0–3 are not.
            for (target, &fd) in job.fds.iter().enumerate() {
                if dup2(fd, target as c_int) < 0 {
                    fail(report[1]);
                }
            }
            if chdir(job.cwd.as_ptr()) != 0 {
                fail(report[1]);
            }
            execve(argv[0], argv.as_ptr(), envp.as_ptr());
            fail(report[1]);
        }
    }
    // SAFETY: descriptors this process owns.
    unsafe {
        close(report[1]);
    }
    if pid < 0 {
        let e = errno();
        unsafe { close(report[0]) };
        return Err(e);
    }
    let mut e: c_int = 0;
    // SAFETY: reads into a c_int owned by this frame.
    let n = unsafe { read(report[0], (&mut e as *mut c_int).cast(), 4) };
    unsafe { close(report[0]) };
    if n == 4 {
        let mut status = 0;
        unsafe { waitpid(pid, &mut status, 0) };
        return Err(e);
    }
    Ok(pid)
}

/// In the forked child: tell the launcher why the exec failed, and end.
unsafe fn fail(fd: c_int) -> ! {
    let e = errno();
    write(fd, (&e as *const c_int).cast(), 4);
    _exit(127)
}

/// Wait for `pid` to end, at most `timeout`: its wait status, or `None` when it timed out (or
/// the harness asked to stop it by writing to the control socket).
fn wait_for(pid: c_int, timeout: Duration) -> Option<c_int> {
    // SAFETY: a plain system call; a descriptor that becomes readable when `pid` ends.
    let pidfd = unsafe { syscall(SYS_PIDFD_OPEN, pid, 0) } as c_int;
    let deadline = Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut fds = [
            PollFd {
                fd: pidfd,
                events: POLLIN,
                revents: 0,
            },
            PollFd {
                fd: CONTROL,
                events: POLLIN,
                revents: 0,
            },
        ];
        let ms = left.as_millis().min(i32::MAX as u128) as c_int;
        // SAFETY: an array owned by this frame. Without a pidfd (an old kernel), the wait
        // below polls the child every few milliseconds instead.
        let n = if pidfd >= 0 {
            unsafe { poll(fds.as_mut_ptr(), 2, ms) }
        } else {
            unsafe { poll(fds.as_mut_ptr().add(1), 1, ms.min(5)) }
        };
        if n < 0 && errno() == EINTR {
            continue;
        }
        let mut status = 0;
        // SAFETY: waits on a child of this process.
        if unsafe { waitpid(pid, &mut status, WNOHANG) } == pid {
            if pidfd >= 0 {
                unsafe { close(pidfd) };
            }
            return Some(status);
        }
        if fds[1].revents != 0 || left.is_zero() {
            if pidfd >= 0 {
                unsafe { close(pidfd) };
            }
            return None;
        }
    }
}

/// Kill every process of the namespace but this one and reap them all. False when some
/// outlived half a minute of trying (the harness then retires the cell).
fn kill_all() -> bool {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        // SAFETY: plain system calls. kill(-1) reaches every process this one may signal,
        // which is every process of the namespace but itself: they all run as its user.
        unsafe { kill(-1, SIGKILL) };
        loop {
            let mut status = 0;
            let r = unsafe { waitpid(-1, &mut status, WNOHANG) };
            if r > 0 {
                continue;
            }
            if r < 0 && errno() == ECHILD {
                return true;
            }
            break;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// What a directory held when the cell started: the names and inodes of its entries.
fn listing(dir: &str) -> Vec<(String, u64)> {
    use std::os::unix::fs::DirEntryExt;
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.ino()))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The directories under `/tmp` that bwrap made for mount points, and the mount points
/// themselves: kept; everything else on `/tmp`'s file system goes.
struct Keep {
    tmp_dev: u64,
    /// Directories made at the start (parents of binds), by path, with their inode.
    made: Vec<(std::path::PathBuf, u64)>,
}

impl Keep {
    fn of_tmp() -> Keep {
        use std::os::unix::fs::MetadataExt;
        let tmp_dev = std::fs::metadata("/tmp").map(|m| m.dev()).unwrap_or(0);
        let mut made = Vec::new();
        let mut stack = vec![std::path::PathBuf::from("/tmp")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if let Ok(m) = std::fs::symlink_metadata(&p) {
                    made.push((p.clone(), m.ino()));
                    if m.is_dir() && m.dev() == tmp_dev {
                        stack.push(p);
                    }
                }
            }
        }
        Keep { tmp_dev, made }
    }

    /// Remove what a case added under `/tmp`; false when something kept was moved or removed,
    /// or something could not be removed.
    fn clean(&self) -> Result<(), String> {
        use std::os::unix::fs::MetadataExt;
        let mut stack = vec![std::path::PathBuf::from("/tmp")];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                let Ok(m) = std::fs::symlink_metadata(&p) else {
                    continue;
                };
                if self.made.iter().any(|(k, ino)| *k == p && *ino == m.ino()) {
                    if m.is_dir() && m.dev() == self.tmp_dev {
                        stack.push(p);
                    }
                    continue;
                }
                if m.dev() != self.tmp_dev {
                    return Err(format!("{} is another file system", p.display()));
                }
                remove(&p, &m)?;
            }
        }
        for (k, ino) in &self.made {
            match std::fs::symlink_metadata(k) {
                Ok(m) if m.ino() == *ino => {}
                _ => return Err(format!("{} was moved or removed", k.display())),
            }
        }
        Ok(())
    }
}

/// Remove a file or a whole tree the case made, opening up directories it closed to itself.
fn remove(p: &std::path::Path, m: &std::fs::Metadata) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    if m.is_dir() {
        let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o700));
        for e in std::fs::read_dir(p).map_err(|e| format!("{}: {e}", p.display()))? {
            let e = e.map_err(|e| format!("{}: {e}", p.display()))?;
            let c = e.path();
            let cm = std::fs::symlink_metadata(&c).map_err(|e| format!("{}: {e}", c.display()))?;
            remove(&c, &cm)?;
        }
        std::fs::remove_dir(p).map_err(|e| format!("{}: {e}", p.display()))
    } else {
        std::fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))
    }
}

/// Empty a directory of the sandbox's own (`/dev/shm`, `/dev/mqueue`).
fn empty(dir: &str) -> Result<(), String> {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        let m = std::fs::symlink_metadata(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        remove(&p, &m)?;
    }
    Ok(())
}

/// System V IPC objects left in the namespace (the harness retires a cell that has any).
fn ipc_left() -> Option<String> {
    for kind in ["shm", "msg", "sem"] {
        let text = std::fs::read_to_string(format!("/proc/sysvipc/{kind}")).unwrap_or_default();
        if text.lines().skip(1).any(|l| !l.trim().is_empty()) {
            return Some(format!("System V {kind} objects"));
        }
    }
    None
}

fn main() {
    // SAFETY: a plain system call about this process.
    unsafe {
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        // The file this launcher was started from: the cases need not inherit it.
        close(4);
    }
    let keep = Keep::of_tmp();
    let dev = listing("/dev");
    reply("R");
    while let Some(job) = receive() {
        let started = start(&job);
        for fd in job.fds {
            // SAFETY: received descriptors this process owns.
            unsafe { close(fd) };
        }
        let head = match started {
            Err(e) => format!("E {e}"),
            Ok(pid) => match wait_for(pid, job.timeout) {
                Some(status) => format!("X {status}"),
                None => "T".to_string(),
            },
        };
        let mut dirty: Option<String> = None;
        if !kill_all() {
            dirty = Some("processes that would not die".into());
        }
        if let Err(e) = keep.clean() {
            dirty.get_or_insert(format!("/tmp: {e}"));
        }
        for d in ["/dev/shm", "/dev/mqueue"] {
            if let Err(e) = empty(d) {
                dirty.get_or_insert(e);
            }
        }
        // What a case added to /dev goes; what it removed or replaced retires the cell.
        for (name, ino) in listing("/dev") {
            if !dev.iter().any(|(n, i)| *n == name && *i == ino) {
                let p = std::path::Path::new("/dev").join(&name);
                if let Ok(m) = std::fs::symlink_metadata(&p) {
                    if let Err(e) = remove(&p, &m) {
                        dirty.get_or_insert(e);
                    }
                }
            }
        }
        if listing("/dev") != dev {
            dirty.get_or_insert("/dev changed".into());
        }
        if let Some(what) = ipc_left() {
            dirty.get_or_insert(what);
        }
        match dirty {
            None => reply(&format!("{head} clean")),
            Some(what) => reply(&format!("{head} dirty {what}")),
        }
    }
}
