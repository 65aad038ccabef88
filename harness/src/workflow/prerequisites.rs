//! What the harness's own tests need beyond a Rust toolchain and a C compiler, and how
//! `cargo xtask test` gets it before it runs `cargo test`.
//!
//! Three system tools: Debian's `npm` (the runtimes the tests use are npm packages, installed
//! by [`crate::exec::runtimes`]), `bubblewrap` (every case of a process runtime runs in its
//! sandbox, [`crate::exec::sandbox`]) and `chromium` (the matrix page test opens the page in a
//! real browser). A tool that is missing is installed with `apt-get` when we run as root, as
//! on a fresh CI image; otherwise the error gives the exact command to run. Nothing is ever
//! skipped: a test that needs a tool fails without it.
//!
//! "Pinned and checked": Debian's archive keeps one version of a package per release (a
//! security update replaces it), so an exact version pin would break every install after the
//! next update. What is pinned is the package name, the lowest major version the tests were
//! written against, and a working start: the binary must report its version and, for
//! Chromium, render a page headless.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One system tool the tests need.
#[derive(Debug, Clone, Copy)]
pub struct Tool {
    /// What the tool is called in messages.
    pub name: &'static str,
    /// The Debian package that provides it.
    pub debian_package: &'static str,
    /// Binary names looked up on `PATH`, in order.
    pub binaries: &'static [&'static str],
    /// An environment variable that names the binary instead of `PATH`, if any.
    pub override_var: Option<&'static str>,
    /// The lowest major version accepted (first number in `--version`'s output).
    pub min_major: u32,
}

/// Debian's Chromium: the matrix page test (`xtask/tests/report.rs`) opens the page in it.
pub const CHROMIUM: Tool = Tool {
    name: "Chromium",
    debian_package: "chromium",
    binaries: &["chromium", "chromium-browser"],
    override_var: Some("AH_CHROMIUM"),
    min_major: 120,
};

/// Debian's npm: pinned runtimes are installed with `npm pack`.
pub const NPM: Tool = Tool {
    name: "npm",
    debian_package: "npm",
    binaries: &["npm"],
    override_var: None,
    min_major: 9,
};

/// Debian's bubblewrap: the sandbox of every process a case runs in.
pub const BUBBLEWRAP: Tool = Tool {
    name: "bubblewrap",
    debian_package: "bubblewrap",
    binaries: &["bwrap"],
    override_var: None,
    min_major: 0,
};

/// Every tool `cargo test` needs, in the order they are checked.
pub const FOR_TESTS: [Tool; 3] = [NPM, BUBBLEWRAP, CHROMIUM];

/// Why a tool is not usable.
#[derive(Debug)]
pub enum Problem {
    /// Not found, and we may not install it: the exact command for the user.
    NotInstalled { tool: &'static str, command: String },
    /// `apt-get` ran and failed.
    InstallFailed { tool: &'static str, detail: String },
    /// Found, but it does not work or is too old.
    Unusable {
        tool: &'static str,
        binary: PathBuf,
        detail: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::NotInstalled { tool, command } => write!(
                f,
                "{tool} is needed by the tests and is not installed, and installing it needs root; run `{command}`, then run the tests again"
            ),
            Problem::InstallFailed { tool, detail } => {
                write!(f, "installing {tool} with apt-get failed: {detail}")
            }
            Problem::Unusable {
                tool,
                binary,
                detail,
            } => write!(f, "{tool} at {} is not usable: {detail}", binary.display()),
        }
    }
}

impl std::error::Error for Problem {}

/// A tool that was found (or installed) and passed its check.
#[derive(Debug, Clone)]
pub struct Ready {
    pub tool: Tool,
    pub binary: PathBuf,
    /// The first line of its `--version` output.
    pub version: String,
}

/// The binary of `tool`: its override variable, else the first of its names on `PATH`.
pub fn locate(tool: &Tool) -> Option<PathBuf> {
    if let Some(var) = tool.override_var {
        if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
            return Some(PathBuf::from(p));
        }
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| tool.binaries.iter().map(move |b| dir.join(b)))
        .find(|p| p.is_file())
}

/// Make `tool` usable: find it, install it when missing (as root), and check it.
/// `log` receives a line for each step that takes time.
pub fn ensure(tool: &Tool, log: &mut dyn FnMut(&str)) -> Result<Ready, Problem> {
    let binary = match locate(tool) {
        Some(b) => b,
        None => {
            install(tool, log)?;
            locate(tool).ok_or_else(|| Problem::InstallFailed {
                tool: tool.name,
                detail: format!(
                    "the package {} installed, but none of {} is on PATH",
                    tool.debian_package,
                    tool.binaries.join(", ")
                ),
            })?
        }
    };
    check(tool, &binary)
}

/// `ensure` for every tool the tests need; stops at the first problem.
pub fn ensure_for_tests(log: &mut dyn FnMut(&str)) -> Result<Vec<Ready>, Problem> {
    FOR_TESTS.iter().map(|t| ensure(t, log)).collect()
}

/// The command a user without root runs to install `tool`.
pub fn install_command(tool: &Tool) -> String {
    format!(
        "sudo apt-get update && sudo apt-get install -y {}",
        tool.debian_package
    )
}

fn install(tool: &Tool, log: &mut dyn FnMut(&str)) -> Result<(), Problem> {
    if !nix::unistd::geteuid().is_root() {
        return Err(Problem::NotInstalled {
            tool: tool.name,
            command: install_command(tool),
        });
    }
    log(&format!(
        "{} not found: installing Debian's {} package (apt-get) ...",
        tool.name, tool.debian_package
    ));
    let apt = |args: &[&str]| -> Result<(), Problem> {
        let out = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| Problem::InstallFailed {
                tool: tool.name,
                detail: format!("cannot run apt-get: {e}"),
            })?;
        if out.status.success() {
            Ok(())
        } else {
            Err(Problem::InstallFailed {
                tool: tool.name,
                detail: format!(
                    "`apt-get {}` exited with {}: {}",
                    args.join(" "),
                    out.status,
                    last_lines(&String::from_utf8_lossy(&out.stderr), 5)
                ),
            })
        }
    };
    apt(&["update", "-qq"])?;
    apt(&["install", "-y", "-qq", tool.debian_package])
}

/// Run the binary's `--version` (and, for Chromium, a headless page) and check the result.
pub fn check(tool: &Tool, binary: &Path) -> Result<Ready, Problem> {
    let unusable = |detail: String| Problem::Unusable {
        tool: tool.name,
        binary: binary.to_path_buf(),
        detail,
    };
    let out = run_bounded(
        Command::new(binary).arg("--version"),
        Duration::from_secs(60),
    )
    .map_err(&unusable)?;
    let version = out.lines().next().unwrap_or("").trim().to_string();
    let major = major_version(&version)
        .ok_or_else(|| unusable(format!("`--version` printed no version: {version:?}")))?;
    if major < tool.min_major {
        return Err(unusable(format!(
            "version {major} is older than the {} the tests need ({version}); upgrade the {} package",
            tool.min_major, tool.debian_package
        )));
    }
    if tool.debian_package == CHROMIUM.debian_package {
        let profile = tempfile::tempdir().map_err(|e| unusable(format!("no temp dir: {e}")))?;
        let dom = run_bounded(
            Command::new(binary)
                .args([
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                ])
                .arg(format!("--user-data-dir={}", profile.path().display()))
                .arg("--dump-dom")
                .arg("data:text/html,<title>ah-check</title>"),
            Duration::from_secs(120),
        )
        .map_err(|e| unusable(format!("headless start failed: {e}")))?;
        if !dom.contains("ah-check") {
            return Err(unusable(format!(
                "headless page rendered no DOM: {}",
                last_lines(&dom, 3)
            )));
        }
    }
    Ok(Ready {
        tool: *tool,
        binary: binary.to_path_buf(),
        version,
    })
}

/// The first run of digits in `text` (`Chromium 156.0.8078.114 built on Debian` → 156,
/// `10.9.2` → 10).
pub fn major_version(text: &str) -> Option<u32> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Run `cmd` with no input, its stdout returned; killed after `limit`.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Result<String, String> {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start it: {e}"))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out = std::thread::spawn(move || read_all(stdout.as_mut()));
    let err = std::thread::spawn(move || read_all(stderr.as_mut()));
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("it did not finish within {} s", limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for it: {e}")),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "it exited with {status}: {}",
            last_lines(&stderr, 5)
        ))
    }
}

fn read_all(r: Option<&mut impl std::io::Read>) -> String {
    let mut s = String::new();
    if let Some(r) = r {
        let mut bytes = Vec::new();
        let _ = r.read_to_end(&mut bytes);
        s = String::from_utf8_lossy(&bytes).into_owned();
    }
    s
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..].join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_version_is_the_first_number() {
        assert_eq!(
            major_version("Chromium 156.0.8078.114 built on Debian GNU/Linux 12"),
            Some(156)
        );
        assert_eq!(major_version("10.9.2"), Some(10));
        assert_eq!(major_version("no digits"), None);
    }

    #[test]
    fn a_binary_that_fails_its_version_check_is_unusable() {
        let err = check(&NPM, Path::new("/bin/false")).unwrap_err();
        assert!(matches!(err, Problem::Unusable { .. }), "{err}");
    }

    #[test]
    fn a_too_old_version_is_refused_with_the_package_to_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let fake = dir.path().join("npm");
        std::fs::write(&fake, "#!/bin/sh\necho 6.14.4\n").unwrap();
        let mut perms = std::fs::metadata(&fake).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&fake, perms).unwrap();
        let err = check(&NPM, &fake).unwrap_err().to_string();
        assert!(err.contains("older than the 9"), "{err}");
        assert!(err.contains("upgrade the npm package"), "{err}");
    }
}
