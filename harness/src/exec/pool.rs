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

use std::path::Path;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use crate::exec::adapter::Adapter;
use crate::exec::process_adapter::ProcessAdapter;

use crate::judge::execution::{End, Execution};

use crate::exec::prelude::{self, ChannelIo};
use crate::exec::process::{self, DirGuard};
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
pub const ALONE_FEATURES: &[(&str, &str)] = &[(
    "fs",
    "files are named relative to the working directory, which a process has one of and a worker cannot change",
)];

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
    /// Holds the driver script and the cases' channel files; the pool processes' working
    /// directory. Registered, so that an interrupted run removes it too.
    home: tempfile::TempDir,
    _home_guard: DirGuard,
    idle: Mutex<Vec<Member>>,
    next_id: AtomicU64,
}

/// One pool process.
struct Member {
    child: Child,
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
    code: i32,
    stdout: String,
    stderr: String,
}

impl PoolAdapter {
    pub fn new(inner: ProcessAdapter) -> Result<PoolAdapter, String> {
        let home = tempfile::Builder::new()
            .prefix("ah-pool-")
            .tempdir()
            .map_err(|e| format!("cannot create the pool's temp dir: {e}"))?;
        std::fs::write(home.path().join("driver.cjs"), DRIVER)
            .map_err(|e| format!("cannot write the pool driver: {e}"))?;
        let mut facts = inner.facts.clone();
        facts.flags = format!("{} --pool", facts.flags).trim().to_string();
        let _home_guard = DirGuard::new(home.path());
        inner
            .sandbox
            .prepare_dir(home.path())
            .map_err(|e| format!("cannot hand the pool's temp dir to the sandbox: {e}"))?;
        Ok(PoolAdapter {
            inner,
            facts,
            home,
            _home_guard,
            idle: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(1),
        })
    }

    fn spawn(&self) -> Result<Member, String> {
        let driver = self.home.path().join("driver.cjs");
        let (args, env) = self.inner.command(&driver, self.home.path());
        let (program, args) = self.inner.sandbox.command(
            Path::new(&args[0]),
            &args[1..],
            self.home.path(),
            &self.inner.view(self.home.path()),
        );
        let confined = self.inner.sandbox.is_on();
        let runs_as = self.inner.sandbox.runs_as();
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
            .current_dir(self.home.path())
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        // SAFETY: the closure runs in the forked child before exec and only makes system calls
        // (getrlimit, setrlimit, fcntl, dup2), which are async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                if confined {
                    crate::exec::sandbox::apply_limits()?;
                }
                if let Some(uid) = runs_as {
                    crate::exec::sandbox::hand_over(&[1, 2, reply_fd, job_fd], uid)?;
                }
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
                Ok(())
            });
        }
        let spawned = cmd.spawn();
        // The parent's copy of the write end must go, or the replies never reach end-of-file.
        drop(cmd);
        drop(reply_w);
        drop(job_r);
        drop(devnull);
        let mut child =
            spawned.map_err(|e| {
                format!("cannot start the pool process `{}`: {e}", program.display())
            })?;
        process::watch_group(child.id());
        let jobs = std::fs::File::from(std::os::fd::OwnedFd::from(job_w));
        let mut stdout = child
            .stdout
            .take()
            .ok_or("the pool process has no stdout")?;
        let mut err = child
            .stderr
            .take()
            .ok_or("the pool process has no stderr")?;
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
            child,
            jobs,
            replies,
            stderr,
        })
    }

    /// Kill a pool process and say how it ended.
    fn bury(mut m: Member) -> (End, String) {
        let pgid = m.child.id();
        process::kill_group(pgid);
        let status = m.child.wait();
        process::forget_group(pgid);
        let stderr = m
            .stderr
            .lock()
            .map(|s| String::from_utf8_lossy(&s).into_owned())
            .unwrap_or_default();
        let end = match status {
            Ok(s) => match (s.code(), s.signal()) {
                (Some(c), _) => End::Exited(c),
                (None, Some(sig)) => End::Signaled(process::signal_name(sig)),
                (None, None) => End::Exited(-1),
            },
            Err(e) => End::CouldNotRun(format!("cannot wait for the pool process: {e}")),
        };
        (end, stderr)
    }

    fn run_pooled(&self, case: &Case, timeout: Duration) -> Execution {
        let started = Instant::now();
        let could_not = |msg: String| Execution::could_not(msg, started.elapsed());
        let dir = match tempfile::Builder::new().prefix("ah-case-").tempdir() {
            Ok(d) => d,
            Err(e) => return could_not(format!("cannot create the case's temp dir: {e}")),
        };
        let _registered = DirGuard::new(dir.path());
        let rendered = prelude::render_with(case, &self.inner.file.extensions(), ChannelIo::Pool);
        for (name, text) in &rendered.files {
            if let Err(e) = std::fs::write(dir.path().join(name), text) {
                return could_not(format!("cannot write {name} into the temp dir: {e}"));
            }
        }
        // The channel lives in the pool's dir, not in the case's, so a case listing its dir
        // sees what it would see as a process.
        let channel = match tempfile::Builder::new()
            .prefix("channel-")
            .tempfile_in(self.home.path())
        {
            Ok(f) => f,
            Err(e) => return could_not(format!("cannot create the channel file: {e}")),
        };
        let key = trace::new_key();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let job = serde_json::json!({
            "id": id,
            "main": dir.path().join(&rendered.main),
            "key": key,
            "channel": channel.path(),
        });
        let member = self.idle.lock().ok().and_then(|mut v| v.pop());
        let mut member = match member {
            Some(m) => m,
            None => match self.spawn() {
                Ok(m) => m,
                Err(e) => return could_not(e),
            },
        };
        let sent = writeln!(member.jobs, "{job}").and_then(|_| member.jobs.flush());
        let reply = match sent {
            Ok(()) => member.replies.recv_timeout(timeout),
            Err(_) => Err(mpsc::RecvTimeoutError::Disconnected),
        };
        let (end, stdout_head, stderr_head) = match reply {
            Ok(line) => match serde_json::from_str::<Reply>(&line) {
                Ok(r) if r.id == id => {
                    if let Ok(mut idle) = self.idle.lock() {
                        idle.push(member);
                    }
                    (End::Exited(r.code), r.stdout, r.stderr)
                }
                _ => {
                    let (_, stderr) = Self::bury(member);
                    let msg = format!("the pool driver answered out of protocol: {line}");
                    return could_not(format!("{msg}\n{stderr}"));
                }
            },
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let (_, stderr) = Self::bury(member);
                (End::TimedOut, String::new(), stderr)
            }
            // The case took its whole process with it.
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let (end, stderr) = Self::bury(member);
                (end, String::new(), stderr)
            }
        };
        let mut bytes = Vec::new();
        let cut = match std::fs::File::open(channel.path()) {
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
        Execution {
            channel: trace::parse_channel(&key, &bytes),
            end,
            channel_cut: cut,
            stdout_head,
            stderr_head,
            duration: started.elapsed(),
        }
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
