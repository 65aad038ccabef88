//! Pooled mode (`--pool`): many cases in one runtime process, each in a worker thread of its
//! own, so that a run pays a worker's start instead of a process's.
//!
//! A worker has its own isolate: its own globals, `createHook` hooks, AsyncLocalStorage stores,
//! async ids and event loop, so nothing of one case reaches the next. The driver
//! (`pool/driver.cjs`) runs one case at a time and reports how each worker ended; the case's
//! prelude takes its key out of `workerData` and writes the trace channel to a file of its own
//! ([`ChannelIo::Pool`]). Judging is the same as for a process per case.
//!
//! What a worker cannot do like a process (see [`run_alone`]) runs as a process of its own,
//! through the wrapped adapter. A case that kills its whole process (a signal, a crash in the
//! runtime) ends that pool process: the case is reported from how the process ended, and the
//! next case gets a new process.
//!
//! Cases share a process, so a case must not reach the next one through it (a case is
//! untrusted code, docs/security.md):
//! - each pool process runs in the sandbox with a home of its own; each case gets a fresh dir
//!   in it (its `HOME` and `TMPDIR`), and between two cases the harness empties the home and
//!   the driver empties its private `/tmp`;
//! - the driver reports whether the case left process-wide state behind that it cannot undo
//!   (descriptors left open, child processes); such a process is not used again;
//! - every job carries a random nonce the reply must echo: a line a case forges on the reply
//!   descriptor, or any line beyond the one reply, retires the process, and a case whose reply
//!   went wrong runs again in a fresh process, so that it gets its own true verdict;
//! - a case that times out pooled runs again as a process of its own, which stands for its
//!   verdict (a case before it cannot have stolen its job).

use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::exec::adapter::Adapter;
use crate::exec::process_adapter::ProcessAdapter;

use crate::judge::execution::{End, Execution};

use crate::exec::prelude::{self, ChannelIo};
use crate::exec::process::{self, RunDir};
use crate::input::case::Case;
use crate::judge::record::RuntimeFacts;
use crate::judge::trace;

const DRIVER: &str = include_str!("pool/driver.cjs");

/// The descriptors the driver reads jobs from and writes results to (the same numbers are in
/// the driver). Not 0 to 3, which a case may read or write directly: stdin and fd 3 are
/// /dev/null in a pool process, stdout and stderr are drained and dropped.
const JOB_FD: i32 = 62;
const REPLY_FD: i32 = 63;

/// Features whose cases run as a process of their own in pooled mode, and why: what they rely
/// on belongs to a process, and a worker thread shares its process's.
pub const ALONE_FEATURES: &[(&str, &str)] = &[
    (
        "fs",
        "files are named relative to the working directory, which a process has one of and a worker cannot change",
    ),
    (
        "signals",
        "a signal goes to the whole process: sent by a case in a worker, it would end the pool process and every case in it",
    ),
];

/// Why `case` runs as a process of its own in pooled mode, if it does: one of
/// [`ALONE_FEATURES`], PROMISE hooks, or the case's own `run_alone:` (what it observes differs
/// in a worker).
pub fn run_alone(case: &Case) -> Option<String> {
    let by_feature = case.features.iter().find_map(|f| {
        ALONE_FEATURES
            .iter()
            .find(|(name, _)| name == f)
            .map(|(name, why)| format!("feature `{name}`: {why}"))
    });
    let by_hooks = case.hooks.as_ref().and_then(|h| {
        (h.show_other_types || h.types.iter().any(|t| t == "PROMISE")).then(|| {
            "records PROMISE hooks: a promise's destroy hook fires when it is collected, and a worker's isolate collects at moments a process does not (its smaller heap, its teardown)".to_string()
        })
    });
    by_feature.or(by_hooks).or_else(|| case.run_alone.clone())
}

/// A process adapter whose cases share long-lived processes.
pub struct PoolAdapter {
    inner: ProcessAdapter,
    /// The inner runtime's facts, with `--pool` among the flags: a report says how it ran.
    facts: RuntimeFacts,
    /// Holds the driver script, read-only for the pool processes. Registered, so that an
    /// interrupted run removes it too.
    home: RunDir,
    idle: Mutex<Vec<Member>>,
    next_id: AtomicU64,
}

/// One pool process.
struct Member {
    /// The process (and its group).
    pid: u32,
    /// It runs in the sandbox, which reports its death by a signal as an exit code.
    confined: bool,
    /// How it ended, from the thread that waits for it.
    status: mpsc::Receiver<std::io::Result<std::process::ExitStatus>>,
    /// Its working directory, the only one it may write: the cases' dirs and channel files.
    home: RunDir,
    /// The driver's job pipe.
    jobs: std::fs::File,
    replies: mpsc::Receiver<String>,
    /// What the driver itself wrote to stderr, for a report when the process dies.
    stderr: Arc<Mutex<Vec<u8>>>,
}

/// What the driver reports for one case.
#[derive(serde::Deserialize)]
struct Reply {
    id: u64,
    /// The job's nonce, echoed: a case cannot know it in advance.
    nonce: String,
    code: i32,
    stdout: String,
    stderr: String,
    /// What the case left behind in the process that the driver cannot undo, if anything.
    #[serde(default)]
    dirty: Option<String>,
}

/// How one attempt at a pooled case went.
enum Attempt {
    Done(Execution),
    /// The process was not fit to answer for this case (a reply out of protocol, the process
    /// gone): the case deserves a fresh one.
    Spoiled(String),
    /// No reply in time.
    TimedOut,
}

/// Empty `dir`, keeping the entries named in `keep`; symbolic links are removed, never
/// followed.
fn empty_dir(dir: &Path, keep: &[&str]) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if keep.iter().any(|k| entry.file_name() == *k) {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

impl PoolAdapter {
    pub fn new(inner: ProcessAdapter) -> Result<PoolAdapter, String> {
        let home = RunDir::new("ah-pool-")
            .map_err(|e| format!("cannot create the pool's temp dir: {e}"))?;
        std::fs::write(home.path().join("driver.cjs"), DRIVER)
            .map_err(|e| format!("cannot write the pool driver: {e}"))?;
        let mut facts = inner.facts.clone();
        facts.flags = format!("{} --pool", facts.flags).trim().to_string();
        Ok(PoolAdapter {
            inner,
            facts,
            home,
            idle: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
        })
    }

    fn spawn(&self) -> Result<Member, String> {
        let home = RunDir::new("ah-pool-member-")
            .map_err(|e| format!("cannot create a pool process's temp dir: {e}"))?;
        self.inner
            .sandbox
            .prepare_dir(home.path())
            .map_err(|e| format!("cannot hand the pool's temp dir to the sandbox: {e}"))?;
        let driver = self.home.path().join("driver.cjs");
        let (args, env) = self.inner.command(&driver, home.path());
        let mut view = self.inner.view(home.path());
        view.read.push(self.home.path().to_path_buf());
        let (program, args) =
            self.inner
                .sandbox
                .command(Path::new(&args[0]), &args[1..], home.path(), &view);
        let confined = self.inner.sandbox.is_on();
        let setup = crate::exec::sandbox::ChildSetup::of(&self.inner.sandbox);
        let (reply_r, reply_w) =
            std::io::pipe().map_err(|e| format!("cannot create the pool's reply pipe: {e}"))?;
        let (job_r, job_w) =
            std::io::pipe().map_err(|e| format!("cannot create the pool's job pipe: {e}"))?;
        let devnull = std::fs::File::options()
            .write(true)
            .open("/dev/null")
            .map_err(|e| format!("cannot open /dev/null: {e}"))?;
        let (reply_fd, job_fd, null_fd) =
            (reply_w.as_raw_fd(), job_r.as_raw_fd(), devnull.as_raw_fd());
        let mut cmd = Command::new(&program);
        cmd.args(&args)
            .current_dir(home.path())
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: the closure runs in the forked child before exec and only makes system calls
        // (getrlimit, setrlimit, fchown, fcntl, dup2, setgroups, setgid, setuid), which are
        // async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                setup.enter(&[1, 2, reply_fd, job_fd])?;
                // Copy both out of the way first, so that placing one cannot overwrite the
                // other; the copies close on exec.
                let r = libc::fcntl(reply_fd, libc::F_DUPFD_CLOEXEC, 100);
                let j = libc::fcntl(job_fd, libc::F_DUPFD_CLOEXEC, 100);
                let n = libc::fcntl(null_fd, libc::F_DUPFD_CLOEXEC, 100);
                if r < 0
                    || j < 0
                    || n < 0
                    || libc::dup2(r, REPLY_FD) < 0
                    || libc::dup2(j, JOB_FD) < 0
                    || libc::dup2(n, 3) < 0
                {
                    return Err(std::io::Error::last_os_error());
                }
                // Last: everything above may need root.
                setup.leave()
            });
        }
        // The process is started, and waited for, by a thread of its own that lives exactly as
        // long as it: the sandbox ties the process's life to the thread that started it
        // (bwrap's --die-with-parent), and the runner's threads come and go between cases.
        let (started, start_rx) = mpsc::channel();
        let (status_tx, status) = mpsc::channel();
        crate::exec::process::spawn_helper(move || {
            let spawned = process::start_watched(|| cmd.spawn());
            // The parent's copy of the write end must go, or the replies never reach
            // end-of-file.
            drop(cmd);
            drop(reply_w);
            drop(job_r);
            drop(devnull);
            match spawned {
                Ok(mut child) => {
                    let pipes = (child.id(), child.stdout.take(), child.stderr.take());
                    let _ = started.send(Ok(pipes));
                    let _ = status_tx.send(child.wait());
                }
                Err(e) => {
                    let _ = started.send(Err(e));
                }
            }
        });
        let (pid, stdout, stderr) = start_rx
            .recv()
            .map_err(|_| "the thread that starts pool processes failed".to_string())?
            .map_err(|e| format!("cannot start the pool process `{}`: {e}", program.display()))?;
        let jobs = std::fs::File::from(std::os::fd::OwnedFd::from(job_w));
        let mut stdout = stdout.ok_or("the pool process has no stdout")?;
        let mut err = stderr.ok_or("the pool process has no stderr")?;
        // What cases write to fd 1 directly lands here and is dropped.
        crate::exec::process::spawn_helper(move || {
            let _ = std::io::copy(&mut stdout, &mut std::io::sink());
        });
        let (tx, replies) = mpsc::channel();
        crate::exec::process::spawn_helper(move || {
            for line in BufReader::new(reply_r).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let keep = stderr.clone();
        crate::exec::process::spawn_helper(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut k) = keep.lock() {
                    let room = process::HEAD_BYTES.saturating_sub(k.len());
                    k.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        });
        Ok(Member {
            pid,
            confined,
            status,
            home,
            jobs,
            replies,
            stderr,
        })
    }

    /// Kill a pool process and say how it ended.
    fn bury(m: Member) -> (End, String) {
        Self::bury_after(m, Duration::ZERO)
    }

    /// [`Self::bury`] a process that is ending by itself: it gets `grace` to end as it would,
    /// so that its own end (a signal that killed it) is reported rather than our kill.
    fn bury_after(m: Member, grace: Duration) -> (End, String) {
        let pgid = m.pid;
        let status = match m.status.recv_timeout(grace) {
            Ok(s) => Ok(s),
            Err(_) => {
                process::kill_group(pgid);
                m.status.recv()
            }
        };
        // Whatever it started goes too.
        process::kill_group(pgid);
        let status = status.unwrap_or_else(|_| {
            Err(std::io::Error::other(
                "the thread that waits for it is gone",
            ))
        });
        process::forget_group(pgid);
        let stderr = m
            .stderr
            .lock()
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .unwrap_or_default();
        let end = match status {
            Ok(s) => match (s.code(), s.signal()) {
                // The sandbox reports a death by signal N as 128 + N; the driver itself only
                // ever exits 0.
                (Some(c), _) => match crate::exec::sandbox::signal_behind(c, !m.confined) {
                    Some(sig) => End::Signaled(process::signal_name(sig)),
                    None => End::Exited(c),
                },
                (None, Some(sig)) => End::Signaled(process::signal_name(sig)),
                (None, None) => End::Exited(-1),
            },
            Err(e) => End::CouldNotRun(format!("cannot wait for the pool process: {e}")),
        };
        (end, stderr)
    }

    fn run_pooled(&self, case: &Case, timeout: Duration) -> Execution {
        let started = Instant::now();
        let mut why = String::new();
        // A second attempt in a fresh process: the first one's process may have been spoiled
        // by a case before this one.
        for last in [false, true] {
            match self.attempt(case, timeout, last) {
                Attempt::Done(mut e) => {
                    e.duration = started.elapsed();
                    return e;
                }
                Attempt::Spoiled(w) => why = w,
                // Its own process decides: a pooled timeout may be a job another case took.
                Attempt::TimedOut => return self.inner.execute(case, timeout),
            }
        }
        Execution::could_not(why, started.elapsed())
    }

    /// Run `case` once in a pool process (an idle one, or a new one). On the `last` attempt a
    /// process that ended during the case is the case's own doing: it is the verdict.
    fn attempt(&self, case: &Case, timeout: Duration, last: bool) -> Attempt {
        let started = Instant::now();
        let could_not = |msg: String| Attempt::Done(Execution::could_not(msg, started.elapsed()));
        let member = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut member = match member {
            Some(m) => m,
            None => match self.spawn() {
                Ok(m) => m,
                Err(e) => return could_not(e),
            },
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let dir = member.home.path().join(format!("case-{id}"));
        let prepared = std::fs::create_dir(&dir)
            .and_then(|()| self.inner.sandbox.prepare_dir(&dir))
            .map_err(|e| format!("cannot create the case's dir: {e}"));
        let rendered = prelude::render_with(case, &self.inner.file.extensions(), ChannelIo::Pool);
        let written = prepared.and_then(|()| {
            rendered.files.iter().try_for_each(|(name, text)| {
                std::fs::write(dir.join(name), text)
                    .map_err(|e| format!("cannot write {name} into the case's dir: {e}"))
            })
        });
        // The channel lives beside the case's dir, not in it, so a case listing its dir sees
        // what it would see as a process.
        let channel = member.home.path().join(format!("channel-{id}"));
        let made = written.and_then(|()| {
            std::fs::write(&channel, b"")
                .and_then(|()| self.inner.sandbox.prepare_dir(&channel))
                .map_err(|e| format!("cannot create the channel file: {e}"))
        });
        if let Err(e) = made {
            let _ = Self::bury(member);
            return could_not(e);
        }
        let key = trace::new_key();
        let nonce = trace::new_key();
        let dir_text = dir.to_string_lossy();
        let job = serde_json::json!({
            "id": id,
            "nonce": nonce,
            "main": dir.join(&rendered.main),
            "key": key,
            "channel": channel,
            "env": { "HOME": dir_text, "TMPDIR": dir_text },
        });
        let sent = writeln!(member.jobs, "{job}").and_then(|_| member.jobs.flush());
        let reply = match sent {
            Ok(()) => member.replies.recv_timeout(timeout),
            Err(_) => Err(mpsc::RecvTimeoutError::Disconnected),
        };
        let (end, stdout_head, stderr_head, fit) = match reply {
            Ok(line) => match serde_json::from_str::<Reply>(&line) {
                Ok(r) if r.id == id && r.nonce == nonce => {
                    (End::Exited(r.code), r.stdout, r.stderr, r.dirty.is_none())
                }
                _ => {
                    let (_, stderr) = Self::bury(member);
                    return Attempt::Spoiled(format!(
                        "the pool driver answered out of protocol: {line}\n{stderr}"
                    ));
                }
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = Self::bury(member);
                return Attempt::TimedOut;
            }
            // The case took its whole process with it, or a case before it left something
            // that did: a fresh process tells which.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                // Read before burying: the process's home goes with it.
                let mut bytes = Vec::new();
                if let Ok(f) = std::fs::File::open(&channel) {
                    let _ = f
                        .take(process::CHANNEL_BYTES as u64)
                        .read_to_end(&mut bytes);
                }
                let (end, stderr) = Self::bury_after(member, Duration::from_secs(2));
                if !last {
                    return Attempt::Spoiled(format!(
                        "the pool process ended ({end:?}) during the case\n{stderr}"
                    ));
                }
                return Attempt::Done(Execution {
                    channel: trace::parse_channel(&key, &bytes),
                    end,
                    channel_cut: false,
                    stdout_head: String::new(),
                    stderr_head: stderr,
                    duration: started.elapsed(),
                });
            }
        };
        let mut bytes = Vec::new();
        let cut = match std::fs::File::open(&channel) {
            Ok(f) => {
                let mut f = f.take(process::CHANNEL_BYTES as u64 + 1);
                let _ = f.read_to_end(&mut bytes);
                if bytes.len() > process::CHANNEL_BYTES {
                    bytes.truncate(process::CHANNEL_BYTES);
                    true
                } else {
                    false
                }
            }
            Err(_) => false,
        };
        // The next case finds an empty home, and no line waiting beyond this reply.
        let clean = empty_dir(member.home.path(), &[]).is_ok();
        let quiet = member.replies.try_recv().is_err();
        if fit && clean && quiet {
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(member);
            }
        } else {
            let _ = Self::bury(member);
        }
        Attempt::Done(Execution {
            channel: trace::parse_channel(&key, &bytes),
            end,
            channel_cut: cut,
            stdout_head,
            stderr_head,
            duration: started.elapsed(),
        })
    }
}

impl Adapter for PoolAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        self.inner.supports(case)
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        if run_alone(case).is_some() {
            return self.inner.execute(case, timeout);
        }
        self.run_pooled(case, timeout)
    }
}

impl Drop for PoolAdapter {
    fn drop(&mut self) {
        let members = self
            .idle
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default();
        for m in members {
            let _ = Self::bury(m);
        }
    }
}
