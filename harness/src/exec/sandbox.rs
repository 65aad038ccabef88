//! The sandbox every process a case can run code in is started in.
//!
//! A case is untrusted code: a pull request can add one, and vendors run the suite in CI next
//! to their secrets. So a runtime process never sees the machine as the harness does. It runs
//! under bubblewrap (`bwrap`, Debian's `bubblewrap`), a small tool made for exactly this, in
//! its own PID, network, mount, IPC and UTS namespaces:
//! - the filesystem is a fresh root holding, read-only, the system directories a runtime needs
//!   (`/usr` and its `/bin`, `/lib` links, `/etc` as an unprivileged user reads it) and the
//!   runtime's own install; read-write only the case's temp dir and a private `/tmp`. The
//!   checkout, `$HOME`, the reports and other cases' dirs are not there at all;
//! - `/proc` is the sandbox's own: the harness and other cases are not in it;
//! - the network has loopback only;
//! - every process the case starts is in the PID namespace and dies with it, detached or
//!   double-forked or not; the harness kills the group on timeout;
//! - the environment is the adapter's (nothing inherited), descriptors beyond 0–2 and the ones
//!   a run passes on purpose (the trace channel) are closed on exec;
//! - resource limits bound data memory, file size, open files and processes ([`LIMITS`]);
//! - as root, the runtime runs as the unprivileged user `nobody` (65534) with no capabilities,
//!   so that the process limit applies and the host's files keep their permissions too
//!   ([`Identity`] says how).
//!
//! When the sandbox cannot be made (bwrap missing, user namespaces refused) a run stops before
//! it starts, with what to do ([`Unavailable`]), unless the user asked for `--no-sandbox`; the
//! runtime's facts then say "none" so that every report of that run shows it.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The user and group a case runs as when the harness runs as root: `nobody`.
pub const UNPRIVILEGED: u32 = 65534;

/// Resource limits of a confined process: `(resource, value)`. A limit already lower stays.
/// Data memory, not address space: V8 reserves tens of GiB of address space it never touches
/// (Deno needs more than 32 GiB of it just to start), while writable memory is what a hostile
/// case would exhaust.
pub const LIMITS: [(Limit, u64); 5] = [
    (Limit::Data, 4 << 30),
    (Limit::FileSize, 256 << 20),
    (Limit::OpenFiles, 4096),
    (Limit::Processes, 4096),
    (Limit::CoreFile, 0),
];

/// The resources [`LIMITS`] names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Data,
    FileSize,
    OpenFiles,
    Processes,
    CoreFile,
}

impl Limit {
    fn resource(self) -> libc::__rlimit_resource_t {
        match self {
            Limit::Data => libc::RLIMIT_DATA,
            Limit::FileSize => libc::RLIMIT_FSIZE,
            Limit::OpenFiles => libc::RLIMIT_NOFILE,
            Limit::Processes => libc::RLIMIT_NPROC,
            Limit::CoreFile => libc::RLIMIT_CORE,
        }
    }
}

/// Why no sandbox can be made here; its text says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// No `bwrap` on PATH (or in /usr/bin).
    NotInstalled,
    /// As root, where user namespaces are refused, `setpriv` (util-linux) is needed to drop
    /// to `nobody` inside the sandbox.
    NoSetpriv,
    /// bwrap is there but could not make the namespaces: what it said.
    Refused(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const OR: &str = "or pass --no-sandbox to run the cases unconfined (the reports then say so); docs/security.md explains what the sandbox protects";
        match self {
            Unavailable::NotInstalled => write!(
                f,
                "cases are untrusted code and run in a sandbox made by bubblewrap, which is not installed: install it (`sudo apt-get install bubblewrap`, `dnf install bubblewrap`, `apk add bubblewrap`), {OR}"
            ),
            Unavailable::NoSetpriv => write!(
                f,
                "running as root on a machine that refuses user namespaces to other users, the sandbox drops to user nobody with `setpriv` (util-linux), which is not in /usr/bin: install util-linux, or allow user namespaces, {OR}"
            ),
            Unavailable::Refused(why) => write!(
                f,
                "bubblewrap cannot make a sandbox on this machine: {why}. Unprivileged user namespaces must be allowed: on Ubuntu 23.10 and later `sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0` (or an AppArmor profile that allows bwrap), on other systems `sudo sysctl kernel.unprivileged_userns_clone=1` and a non-zero `user.max_user_namespaces`; inside a container, run it with user namespaces allowed (for Docker, `--security-opt seccomp=unconfined --security-opt apparmor=unconfined`); {OR}"
            ),
        }
    }
}

/// A working bubblewrap.
#[derive(Debug)]
pub struct Bwrap {
    program: PathBuf,
    version: String,
    identity: Identity,
}

/// Whose the confined process is, and how it got there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// The harness is not root: bwrap makes a user namespace and drops every capability; the
    /// case runs as the harness's own user.
    Own,
    /// The harness is root and the kernel allows unprivileged user namespaces: the forked
    /// child becomes [`UNPRIVILEGED`] before it execs bwrap, which then works as for any user.
    /// One exec fewer than [`Identity::Setpriv`], and bwrap itself never holds root.
    DropFirst,
    /// The harness is root and user namespaces are refused: bwrap runs as root without a user
    /// namespace, and this `setpriv` drops to [`UNPRIVILEGED`] with no capabilities inside.
    Setpriv(PathBuf),
}

/// How the processes of a run are confined.
#[derive(Debug, Clone)]
pub enum Sandbox {
    On(Arc<Bwrap>),
    /// `--no-sandbox`: the user chose to run cases as the harness runs.
    Off,
}

/// What a confined process may see besides the system's directories.
#[derive(Debug, Clone, Default)]
pub struct View {
    /// Read-only (a runtime's install, a cache it only reads).
    pub read: Vec<PathBuf>,
    /// Read-write (the case's temp dir).
    pub write: Vec<PathBuf>,
}

/// Top-level system directories, bound read-only, or re-made as the links they are (merged
/// `/usr` systems link `/bin` and `/lib` into it).
const SYSTEM: &[&str] = &[
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
];

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/bin")])
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

impl Sandbox {
    /// The sandbox of this machine, found and tried once per process: `bwrap` on PATH, run on
    /// `true` with the same namespaces and view a case gets.
    pub fn detect() -> Result<Sandbox, Unavailable> {
        static FOUND: OnceLock<Result<Sandbox, Unavailable>> = OnceLock::new();
        FOUND.get_or_init(Self::probe).clone()
    }

    fn probe() -> Result<Sandbox, Unavailable> {
        // `AH_BWRAP` names the binary instead of PATH (a vendor's own build, or a test's).
        let program = match std::env::var_os("AH_BWRAP") {
            Some(p) => Some(PathBuf::from(p)).filter(|p| p.is_file()),
            None => find_on_path("bwrap"),
        }
        .ok_or(Unavailable::NotInstalled)?;
        let version = std::process::Command::new(&program)
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.split_whitespace().last().map(str::to_string))
            .unwrap_or_else(|| "unknown".into());
        let make = |identity: Identity| {
            Sandbox::On(Arc::new(Bwrap {
                program: program.clone(),
                version: version.clone(),
                identity,
            }))
        };
        if !is_root() {
            let sandbox = make(Identity::Own);
            return sandbox.try_once().map(|()| sandbox);
        }
        // Root: the cheaper way first; setpriv where user namespaces are refused (or where
        // `AH_SANDBOX_IDENTITY=setpriv` asks for it: the tests run the fallback that way).
        let refused = if std::env::var("AH_SANDBOX_IDENTITY").as_deref() == Ok("setpriv") {
            Unavailable::Refused("AH_SANDBOX_IDENTITY=setpriv".into())
        } else {
            let first = make(Identity::DropFirst);
            match first.try_once() {
                Ok(()) => return Ok(first),
                Err(e) => e,
            }
        };
        let setpriv = Path::new("/usr/bin/setpriv")
            .canonicalize()
            .map_err(|_| Unavailable::NoSetpriv)?;
        let second = make(Identity::Setpriv(setpriv));
        match second.try_once() {
            Ok(()) => Ok(second),
            Err(Unavailable::Refused(why)) => Err(Unavailable::Refused(format!(
                "{why} (and, dropping to nobody first: {refused})"
            ))),
            Err(e) => Err(e),
        }
    }

    /// Run `/bin/true` with the namespaces, view and identity a case gets.
    fn try_once(&self) -> Result<(), Unavailable> {
        let dir = tempfile::Builder::new()
            .prefix("ah-sandbox-probe-")
            .tempdir()
            .map_err(|e| Unavailable::Refused(format!("cannot create a temp dir: {e}")))?;
        self.prepare_dir(dir.path())
            .map_err(|e| Unavailable::Refused(format!("cannot hand over a temp dir: {e}")))?;
        let view = View {
            write: vec![dir.path().to_path_buf()],
            ..View::default()
        };
        let (prog, args) = self.command(Path::new("/bin/true"), &[], dir.path(), &view);
        let mut cmd = std::process::Command::new(prog);
        cmd.args(args).stdin(std::process::Stdio::null());
        if let Some(uid) = self.drops_to() {
            // SAFETY: the closure only makes system calls (setgroups, setgid, setuid).
            unsafe {
                std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || become_user(uid));
            }
        }
        let out = cmd
            .output()
            .map_err(|e| Unavailable::Refused(format!("cannot start bwrap: {e}")))?;
        if out.status.success() {
            Ok(())
        } else {
            let said = String::from_utf8_lossy(&out.stderr).trim().to_string();
            Err(Unavailable::Refused(if said.is_empty() {
                format!("bwrap ended with {}", out.status)
            } else {
                said
            }))
        }
    }

    pub fn is_on(&self) -> bool {
        matches!(self, Sandbox::On(_))
    }

    /// One line for the runtime's facts and the reports.
    pub fn describe(&self) -> String {
        match self {
            Sandbox::On(b) => format!(
                "bwrap {}: own pid, network (loopback), mount, ipc namespaces; {}",
                b.version,
                match b.identity {
                    Identity::Own => "in a user namespace",
                    Identity::DropFirst => "as user nobody, in a user namespace",
                    Identity::Setpriv(_) => "as user nobody",
                }
            ),
            Sandbox::Off => "none (--no-sandbox)".to_string(),
        }
    }

    /// The user a confined process runs as when it is not the harness's own.
    pub fn runs_as(&self) -> Option<u32> {
        match self {
            Sandbox::On(b) if b.identity != Identity::Own => Some(UNPRIVILEGED),
            _ => None,
        }
    }

    /// The user the forked child must become before it execs the sandbox's command (with
    /// [`become_user`], after everything that needs root, such as [`hand_over`]).
    pub fn drops_to(&self) -> Option<u32> {
        match self {
            Sandbox::On(b) if b.identity == Identity::DropFirst => Some(UNPRIVILEGED),
            _ => None,
        }
    }

    /// Make a case's temp dir writable by the user the case runs as.
    pub fn prepare_dir(&self, dir: &Path) -> std::io::Result<()> {
        if let Sandbox::On(b) = self {
            if b.identity != Identity::Own {
                std::os::unix::fs::chown(dir, Some(UNPRIVILEGED), Some(UNPRIVILEGED))?;
            }
        }
        Ok(())
    }

    /// The program and arguments that run `program args` in `cwd`, confined to `view`. Off:
    /// unchanged.
    pub fn command(
        &self,
        program: &Path,
        args: &[String],
        cwd: &Path,
        view: &View,
    ) -> (PathBuf, Vec<String>) {
        self.build(program, args, cwd, view, false)
    }

    /// The command that starts a cell's launcher (`exec::cell`): the same sandbox as a case's,
    /// with the launcher as PID 1 (no reaper of bwrap's: signals from inside cannot reach it,
    /// and orphans come back to it), the root read-only (a case writes only where the launcher
    /// cleans up after it) and a message-queue file system of its own (so that queues a case
    /// makes can be seen and removed). Off: unchanged.
    pub fn cell_command(&self, launcher: &Path, cwd: &Path, view: &View) -> (PathBuf, Vec<String>) {
        self.build(launcher, &[], cwd, view, true)
    }

    fn build(
        &self,
        program: &Path,
        args: &[String],
        cwd: &Path,
        view: &View,
        cell: bool,
    ) -> (PathBuf, Vec<String>) {
        let b = match self {
            Sandbox::On(b) => b,
            Sandbox::Off => return (program.to_path_buf(), args.to_vec()),
        };
        let mut a: Vec<String> = Vec::new();
        let mut push = |xs: &[&str]| a.extend(xs.iter().map(|s| s.to_string()));
        push(&["--die-with-parent", "--new-session"]);
        if let Identity::Setpriv(_) = b.identity {
            // Root: no user namespace (its only uid would be root again); setpriv drops to
            // nobody and every capability inside.
            push(&[
                "--unshare-pid",
                "--unshare-net",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try",
            ]);
        } else {
            push(&["--unshare-all", "--cap-drop", "ALL"]);
        }
        for dir in SYSTEM {
            let p = Path::new(dir);
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.file_type().is_symlink() => {
                    if let Ok(target) = std::fs::read_link(p) {
                        push(&["--symlink", &target.to_string_lossy(), dir]);
                    }
                }
                Ok(m) if m.is_dir() => push(&["--ro-bind", dir, dir]),
                _ => {}
            }
        }
        // bwrap makes the directories a mount point needs private to root (0700); the case's
        // user must be able to walk through them, so they are made first, open to all.
        // (`/tmp` is the private tmpfs, mounted before any path inside it is bound.)
        let mut made: Vec<PathBuf> = vec![PathBuf::from("/tmp")];
        let mut parents = |a: &mut Vec<String>, dest: &Path| {
            let mut chain: Vec<&Path> = dest.ancestors().skip(1).collect();
            chain.reverse();
            for d in chain {
                if d == Path::new("/") || made.iter().any(|m| m == d) {
                    continue;
                }
                made.push(d.to_path_buf());
                let d = d.to_string_lossy().into_owned();
                a.extend(["--perms".into(), "0755".into(), "--dir".into(), d]);
            }
        };
        // `/etc` whole, read-only, as any unprivileged user of the machine sees it (files
        // only root may read stay unreadable): name lookup, TLS roots, the loader's cache,
        // the time zone. One mount instead of one per file, which was a third of the
        // sandbox's start-up cost.
        a.extend(["--ro-bind", "/etc", "/etc"].map(String::from));
        a.extend(
            [
                "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp",
            ]
            .map(String::from),
        );
        for (flag, paths) in [("--ro-bind", &view.read), ("--bind", &view.write)] {
            for p in paths {
                parents(&mut a, p);
                let p = p.to_string_lossy().into_owned();
                a.extend([flag.to_string(), p.clone(), p]);
            }
        }
        let mut push = |xs: &[&str]| a.extend(xs.iter().map(|s| s.to_string()));
        if cell {
            push(&["--mqueue", "/dev/mqueue", "--remount-ro", "/", "--as-pid-1"]);
        }
        push(&["--chdir", &cwd.to_string_lossy(), "--"]);
        if let Identity::Setpriv(setpriv) = &b.identity {
            let id = UNPRIVILEGED.to_string();
            push(&[
                &setpriv.to_string_lossy(),
                "--reuid",
                &id,
                "--regid",
                &id,
                "--clear-groups",
                "--inh-caps=-all",
                "--bounding-set=-all",
                "--no-new-privs",
                "--",
            ]);
        }
        a.push(program.to_string_lossy().into_owned());
        a.extend(args.iter().cloned());
        (b.program.clone(), a)
    }
}

/// Apply [`LIMITS`] to the calling process (a forked child before exec: only system calls).
/// A limit already lower than ours stays as it is.
fn apply_limits() -> std::io::Result<()> {
    for (limit, value) in LIMITS {
        let mut cur = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: plain system calls on a struct owned by this frame.
        unsafe {
            if libc::getrlimit(limit.resource(), &mut cur) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let want = libc::rlimit {
                rlim_cur: cur.rlim_cur.min(value),
                rlim_max: cur.rlim_max.min(value),
            };
            if libc::setrlimit(limit.resource(), &want) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// What a forked child of the harness does about the sandbox before it execs the sandbox's
/// command, in two steps around the child's own descriptor work: [`ChildSetup::enter`] first
/// (limits, and handing pipes to the case's user, which needs root), [`ChildSetup::leave`]
/// last (becoming that user, after which nothing needs root). Copy, so that the pre-exec
/// closures of per-case processes and pool processes take it by value.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ChildSetup {
    confined: bool,
    runs_as: Option<u32>,
    drops_to: Option<u32>,
}

impl ChildSetup {
    pub(crate) fn of(sandbox: &Sandbox) -> ChildSetup {
        ChildSetup {
            confined: sandbox.is_on(),
            runs_as: sandbox.runs_as(),
            drops_to: sandbox.drops_to(),
        }
    }

    /// None: a process outside any sandbox (a probe with no confinement asked for).
    pub(crate) fn none() -> ChildSetup {
        ChildSetup {
            confined: false,
            runs_as: None,
            drops_to: None,
        }
    }

    /// In the forked child, first: the limits, and the pipes among `fds` handed to the case's
    /// user. Only system calls.
    pub(crate) fn enter(self, fds: &[i32]) -> std::io::Result<()> {
        if self.confined {
            apply_limits()?;
        }
        if let Some(uid) = self.runs_as {
            hand_over(fds, uid)?;
        }
        Ok(())
    }

    /// In the forked child, last: become the user bwrap is to run as, if the harness is that
    /// user's superior. Only system calls.
    pub(crate) fn leave(self) -> std::io::Result<()> {
        match self.drops_to {
            Some(uid) => become_user(uid),
            None => Ok(()),
        }
    }
}

/// Become `uid` (and its group, with no supplementary groups): the last step of a forked
/// child before it execs bwrap as [`Identity::DropFirst`]. Only system calls.
fn become_user(uid: u32) -> std::io::Result<()> {
    // SAFETY: plain system calls with no pointers but a null group list of length 0.
    unsafe {
        if libc::setgroups(0, std::ptr::null()) != 0
            || libc::setgid(uid) != 0
            || libc::setuid(uid) != 0
        {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Give the descriptors a confined process gets (pipes the harness made, owned by root with
/// mode 0600) to the user it runs as, so that it can open them again by path (`/dev/stdin`,
/// `/dev/fd/3`), as runtimes and the prelude do. Only system calls: for a forked child.
/// Pipes only: a descriptor of a real file (`/dev/null`) would change that file's owner.
pub(crate) fn hand_over(fds: &[i32], uid: u32) -> std::io::Result<()> {
    for &fd in fds {
        // SAFETY: fstat and fchown on descriptors this process holds, into a struct owned by
        // this frame.
        unsafe {
            let mut st: libc::stat = std::mem::zeroed();
            if libc::fstat(fd, &mut st) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if st.st_mode & libc::S_IFMT != libc::S_IFIFO {
                continue;
            }
            if libc::fchown(fd, uid, uid) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    Ok(())
}

/// Confined by bwrap, a process killed by signal N is reported as exit code 128 + N (bwrap
/// waits for it and exits with that code). A run that exited by itself wrote the `end` record
/// of the trace channel; one that did not and ended with 128 + N died of signal N.
pub fn signal_behind(code: i32, wrote_end: bool) -> Option<i32> {
    (!wrote_end && (129..=128 + 64).contains(&code)).then_some(code - 128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_above_128_without_an_end_record_are_signals() {
        assert_eq!(signal_behind(139, false), Some(11));
        assert_eq!(signal_behind(137, false), Some(9));
        assert_eq!(
            signal_behind(139, true),
            None,
            "process.exit(139) wrote its end"
        );
        assert_eq!(signal_behind(1, false), None);
        assert_eq!(signal_behind(128, false), None);
        assert_eq!(signal_behind(200, false), None);
    }

    #[test]
    fn off_leaves_the_command_alone() {
        let (p, a) = Sandbox::Off.command(
            Path::new("/x/node"),
            &["a.mjs".into()],
            Path::new("/t"),
            &View::default(),
        );
        assert_eq!(p, PathBuf::from("/x/node"));
        assert_eq!(a, vec!["a.mjs".to_string()]);
    }

    #[test]
    fn the_view_holds_the_case_dir_writable_and_the_runtime_read_only() {
        let b = Sandbox::On(Arc::new(Bwrap {
            program: "/usr/bin/bwrap".into(),
            version: "0".into(),
            identity: Identity::Own,
        }));
        let view = View {
            read: vec!["/rt".into()],
            write: vec!["/tmp/case".into()],
        };
        let (_, a) = b.command(Path::new("/rt/node"), &[], Path::new("/tmp/case"), &view);
        let text = a.join(" ");
        assert!(text.contains("--ro-bind /rt /rt"), "{text}");
        assert!(text.contains("--bind /tmp/case /tmp/case"), "{text}");
        assert!(text.contains("--unshare-all"), "{text}");
        assert!(text.ends_with("--chdir /tmp/case -- /rt/node"), "{text}");
        // The private /tmp comes before the case's dir is bound inside it.
        let tmpfs = text.find("--tmpfs /tmp").unwrap();
        assert!(tmpfs < text.find("--bind /tmp/case").unwrap(), "{text}");
    }

    #[test]
    fn only_the_setpriv_identity_puts_setpriv_inside_and_only_drop_first_drops_before() {
        let view = View::default();
        let make = |identity| {
            Sandbox::On(Arc::new(Bwrap {
                program: "/usr/bin/bwrap".into(),
                version: "0".into(),
                identity,
            }))
        };
        let cases = [
            (Identity::Own, false, true, None, None),
            (
                Identity::DropFirst,
                false,
                true,
                Some(UNPRIVILEGED),
                Some(UNPRIVILEGED),
            ),
            (
                Identity::Setpriv("/usr/bin/setpriv".into()),
                true,
                false,
                Some(UNPRIVILEGED),
                None,
            ),
        ];
        for (identity, setpriv, userns, runs_as, drops_to) in cases {
            let sb = make(identity.clone());
            let (_, a) = sb.command(Path::new("/rt/node"), &[], Path::new("/t"), &view);
            let text = a.join(" ");
            assert_eq!(text.contains("setpriv"), setpriv, "{identity:?}: {text}");
            assert_eq!(
                text.contains("--unshare-all"),
                userns,
                "{identity:?}: {text}"
            );
            assert_eq!(
                text.contains("--cap-drop ALL"),
                userns,
                "{identity:?}: {text}"
            );
            assert!(
                text.contains("--unshare-pid") || userns,
                "{identity:?}: {text}"
            );
            assert!(text.contains("--ro-bind /etc /etc"), "{text}");
            assert_eq!(sb.runs_as(), runs_as, "{identity:?}");
            assert_eq!(sb.drops_to(), drops_to, "{identity:?}");
        }
    }
}
