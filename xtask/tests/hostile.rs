//! The hostile cases (harness/tests/fixtures/hostile) run as an unprivileged user, as a
//! contributor runs the suite on a laptop: there the sandbox has to be made without root, in a
//! user namespace, and the checkout is writable by the very user the cases run as.
//!
//! As root (CI), the test drops to `nobody` with `setpriv` for the whole `cargo xtask` run.
//! Everything that run needs is copied into a temp dir anyone can read: the xtask binary, the
//! runtimes' binaries (through adapter files that name them) and a stand-in checkout holding
//! the hostile cases with their snapshots.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, finish, real_root};

const NOBODY: &str = "65534";

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// Make `path` and everything below it belong to nobody when we are root (the unprivileged
/// run writes its cache and results there).
fn hand_over(path: &Path) {
    if !is_root() {
        return;
    }
    let status = Command::new("chown")
        .args(["-R", &format!("{NOBODY}:{NOBODY}"), &path.to_string_lossy()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn copy_executable(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn attacks_fail_for_an_unprivileged_user_too() {
    let base = tempfile::Builder::new()
        .prefix("ah-hostile-nobody-")
        .tempdir()
        .unwrap();
    let t = base.path();
    std::fs::set_permissions(t, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mark = format!("ah-hostile-nobody-{}", std::process::id());
    let mark_num = (std::process::id() % 90_000) + 10_000;
    let project = t.join("checkout");
    let home = t.join("home");
    std::fs::create_dir_all(&home).unwrap();
    // The canary: in the environment of the unprivileged harness, and in files of its own.
    let canary = "AH_HOSTILE_CANARY";
    let fill = |text: &str| {
        text.replace("@PROJECT@", &project.to_string_lossy())
            .replace("@HOME@", &home.to_string_lossy())
            .replace("@HOSTTMP@", &std::env::temp_dir().to_string_lossy())
            .replace("@MARKNUM@", &mark_num.to_string())
            .replace("@MARK@", &mark)
            .replace("@SECRET@", "secret.txt")
            .replace("@CANARY@", canary)
    };
    let fixtures = real_root().join("harness/tests/fixtures/hostile");
    copy_dir(&fixtures, &project);
    for e in walk(&project) {
        let text = std::fs::read_to_string(&e).unwrap();
        std::fs::write(&e, fill(&text)).unwrap();
    }
    std::fs::rename(
        project.join("features.txt"),
        project.join("cases/features.txt"),
    )
    .unwrap();
    std::fs::create_dir_all(project.join("reports/baselines")).unwrap();
    for dir in [&project, &home] {
        std::fs::write(dir.join("secret.txt"), format!("{canary}=secret\n")).unwrap();
    }
    let snapshot = project.join("cases/hostile/read-secrets.snap");
    let snapshot_before = std::fs::read_to_string(&snapshot).unwrap();

    // The binaries, where nobody can run them.
    let bin = t.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    copy_executable(Path::new(env!("CARGO_BIN_EXE_xtask")), &bin.join("xtask"));
    let registry = harness::exec::runtimes::Registry::load(&real_root()).unwrap();
    let mut adapters = Vec::new();
    for (pinned, adapter) in [("node@26", "node"), ("bun", "bun"), ("deno", "deno")] {
        let r = registry.resolve(pinned).unwrap();
        registry.ensure_installed(&r).unwrap();
        let copy = bin.join(adapter);
        copy_executable(&r.binary, &copy);
        // The pinned runtime's adapter file, naming the copy as its binary instead.
        let text: String =
            std::fs::read_to_string(real_root().join(format!("runtimes/adapters/{adapter}.toml")))
                .unwrap()
                .lines()
                .filter(|l| !l.starts_with("binary"))
                .map(|l| format!("{l}\n"))
                .collect();
        let file = t.join(format!("{adapter}.toml"));
        std::fs::write(
            &file,
            format!(
                "name = \"{adapter}-unprivileged\"\nbinary = \"{}\"\n{text}",
                copy.display()
            ),
        )
        .unwrap();
        adapters.push(file);
    }
    hand_over(t);

    // As root, a third run: the harness itself as root, made to take the fallback for machines
    // that refuse user namespaces (bwrap as root, `setpriv` to nobody inside).
    let runs: &[(bool, bool)] = if is_root() {
        &[(false, false), (true, false), (false, true)]
    } else {
        &[(false, false), (true, false)]
    };
    for &(pool, as_root) in runs {
        let mut c = if as_root {
            Command::new(bin.join("xtask"))
        } else if is_root() {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups", "--"]);
            c.arg(bin.join("xtask"));
            c
        } else {
            Command::new(bin.join("xtask"))
        };
        c.arg("conformance");
        if !pool {
            c.args(["--runtime", "reference"]);
        }
        for a in &adapters {
            c.arg("--runtime").arg(a);
        }
        if pool {
            c.arg("--pool");
        }
        c.env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin")
            .env("HOME", &home)
            .env(canary, "the harness's secret")
            .env("AH_PROJECT_ROOT", &project)
            .current_dir(t);
        if as_root {
            c.env("AH_SANDBOX_IDENTITY", "setpriv");
        }
        let (code, out) = finish(c);
        assert!(
            out.contains("sandbox: bwrap"),
            "the run says how it is confined:\n{out}"
        );
        // Dropped to nobody before the run, the harness is an ordinary user; run as root and
        // told to, it takes the setpriv fallback.
        let (how, not) = if as_root {
            ("; as user nobody", "user namespace")
        } else {
            ("; in a user namespace", "as user nobody")
        };
        let line = out
            .lines()
            .find(|l| l.contains("sandbox: bwrap"))
            .unwrap_or("");
        assert!(
            line.contains(how) && !line.contains(not),
            "pool {pool}, as root {as_root}: {line}"
        );
        // Every case passes, but the oversized write, which may also end by SIGXFSZ, and,
        // pooled, the forger of replies, whose own verdict is its own affair (an ERROR).
        let failed: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("test ") && l.ends_with("FAILED"))
            .filter(|l| !l.contains("hostile/file-size"))
            .filter(|l| !(pool && l.contains("hostile/pool-forger")))
            .collect();
        assert!(failed.is_empty(), "pool {pool}: exit {code}:\n{out}");
        assert!(
            code == 0 || pool || out.contains("signal SIGXFSZ"),
            "pool {pool}: exit {code}:\n{out}"
        );
        assert!(out.contains("hostile/read-secrets"), "{out}");
    }

    // Nothing changed outside.
    assert_eq!(std::fs::read_to_string(&snapshot).unwrap(), snapshot_before);
    for f in [
        project
            .join("reports/baselines")
            .join(format!("{mark}.snap")),
        project.join(&mark),
        home.join(&mark),
        std::env::temp_dir().join(&mark),
    ] {
        assert!(!f.exists(), "{} was written", f.display());
    }
    let sleepers: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&format!("313.{mark_num}")))
        .collect();
    assert!(sleepers.is_empty(), "outlived their case: {sleepers:?}");
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}
