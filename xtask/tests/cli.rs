//! The front door as a user meets it: exit codes and messages of `cargo xtask conformance`
//! on a checkout with broken inputs.

use std::path::Path;
use std::process::Command;

mod common;
use common::{write, xtask, xtask_split};

fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "cases/features.txt", "setTimeout  # timers\n");
    write(dir.path(), "spec/x.md", "# X\n\n### X-RULE-001 — a rule\n");
    dir
}

#[test]
fn invalid_cases_exit_2_with_file_line_col_and_nothing_runs() {
    let root = checkout();
    write(
        root.path(),
        "cases/a/bad-yaml.yaml",
        "title: t\nspec: [X-RULE-001\nscript: x\n",
    );
    write(
        root.path(),
        "cases/a/unknown-key.yaml",
        "title: t\nspec: [X-RULE-001]\nfeatures: [setTimeout, warp]\nscirpt: x\n",
    );
    write(
        root.path(),
        "cases/a/ok.snap",
        "---\nsource: x\n---\nkept: 1\n",
    );
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", "node"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cases/a/bad-yaml.yaml:3:"), "{out}");
    assert!(
        out.contains("cases/a/unknown-key.yaml:3:24: unknown feature `warp`"),
        "{out}"
    );
    assert!(
        out.contains("cases/a/unknown-key.yaml:4:1: unknown key `scirpt`"),
        "{out}"
    );
    assert!(out.contains("missing required key `script`"), "{out}");
    assert!(!out.contains("running "), "nothing may run: {out}");
    // Files already written are untouched.
    assert_eq!(
        std::fs::read_to_string(root.path().join("cases/a/ok.snap")).unwrap(),
        "---\nsource: x\n---\nkept: 1\n"
    );
}

#[test]
fn an_invalid_feature_registry_is_located() {
    let root = checkout();
    write(
        root.path(),
        "cases/features.txt",
        "setTimeout\nset Timeout!\nsetTimeout\n",
    );
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", "node"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cases/features.txt:2:1: invalid feature name"),
        "{out}"
    );
    assert!(
        out.contains("cases/features.txt:3:1: feature `setTimeout` is registered twice"),
        "{out}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let root = checkout();
    let (code, out) = xtask(root.path(), &["conformance", "--runtime"]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = xtask(root.path(), &["frobnicate"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown command `frobnicate`"), "{out}");
    let (code, out) = xtask(root.path(), &["conformance", "--pool"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("--pool applies to runtimes started as a process"),
        "{out}"
    );
}

/// Processes whose working directory lies below `dir`, or whose command line has `needle`.
fn leftovers(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let p = e.path();
        let cmd = std::fs::read(p.join("cmdline"))
            .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
            .unwrap_or_default();
        let cwd = std::fs::read_link(p.join("cwd")).unwrap_or_default();
        if cwd.starts_with(dir) || cmd.contains(needle) {
            found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
        }
    }
    found
}

#[test]
fn sigint_kills_every_running_case_and_its_children() {
    interrupt_while_cases_spin(&[], "271.5");
}

#[test]
fn sigint_in_pooled_mode_kills_the_pool_processes_and_their_children() {
    interrupt_while_cases_spin(&["--pool"], "271.25");
}

/// The harness under test, interrupted when dropped, so that a failed assertion does not leave
/// it (and its cases' children) running into the next test.
struct Harness(std::process::Child);

impl Drop for Harness {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(self.0.id() as i32),
                nix::sys::signal::Signal::SIGINT,
            );
            let _ = self.0.wait();
        }
    }
}

/// Start two cases that each spawn a child and spin, interrupt the harness while they run,
/// and require that no process and no temp dir outlives it. `seconds` makes the children's
/// command line unique to one test, as the two may run side by side.
fn interrupt_while_cases_spin(extra: &[&str], seconds: &str) {
    let real_root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = checkout();
    // Share the real checkout's runtimes and their install cache.
    std::os::unix::fs::symlink(real_root.join("runtimes"), root.path().join("runtimes")).unwrap();
    std::fs::create_dir_all(real_root.join(".runtimes")).unwrap();
    std::os::unix::fs::symlink(real_root.join(".runtimes"), root.path().join(".runtimes")).unwrap();
    let needle = format!("sleep {seconds}");
    for i in 0..2 {
        write(
            root.path(),
            &format!("cases/busy-{i}.yaml"),
            &format!("title: spawns a child and spins\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  import {{ spawn }} from 'node:child_process';\n  spawn('sleep', ['{seconds}'], {{ stdio: 'ignore' }});\n  trace('spinning');\n  for (;;) {{}}\n"),
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    // What the harness says goes to a file outside the temp dir it is watched in.
    let said = tempfile::NamedTempFile::new().unwrap();
    let said_text = || std::fs::read_to_string(said.path()).unwrap_or_default();
    // Install first, so that the interrupt lands while cases run.
    let (code, out) = xtask(root.path(), &["runtimes", "install", "node@26"]);
    assert_eq!(code, 0, "{out}");
    let mut harness = Harness(
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args([
                "conformance",
                "--runtime",
                "node@26",
                "--timeout-ms",
                "60000",
            ])
            .args(extra)
            .env("AH_PROJECT_ROOT", root.path())
            .env("TMPDIR", tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(said.reopen().unwrap())
            .spawn()
            .unwrap(),
    );
    // Wait until both cases are running (their children exist), then interrupt.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let children = || {
        leftovers(tmp.path(), &needle)
            .iter()
            .filter(|p| p.contains(&needle))
            .count()
    };
    while children() < 2 && std::time::Instant::now() < deadline {
        assert!(
            harness.0.try_wait().unwrap().is_none(),
            "the harness ended before its cases ran: {}",
            said_text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(children(), 2, "cases never started: {}", said_text());
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(harness.0.id() as i32),
        nix::sys::signal::Signal::SIGINT,
    )
    .unwrap();
    let status = harness.0.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{}", said_text());
    // A killed process goes a moment later (a sandbox's processes once its first process has
    // gone), and later still on a loaded machine: wait for that, not forever.
    let gone_by = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !leftovers(tmp.path(), &needle).is_empty() && std::time::Instant::now() < gone_by {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let left = leftovers(tmp.path(), &needle);
    assert!(
        left.is_empty(),
        "processes outlived the interrupt: {left:?}"
    );
    let dirs: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("ah-"))
        .collect();
    assert!(
        dirs.is_empty(),
        "temp dirs outlived the interrupt: {dirs:?}\n{}",
        said_text()
    );
}

#[test]
fn corrupted_or_truncated_snapshots_exit_2_located_and_untouched() {
    let root = checkout();
    let case = "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n";
    write(root.path(), "cases/good.yaml", case);
    write(root.path(), "cases/garbled.yaml", case);
    write(root.path(), "cases/truncated.yaml", case);
    // A good run first, to bless real snapshots on the embedded reference runtime.
    let (code, out) = xtask(root.path(), &["conformance", "--bless"]);
    // Blessing asks for the observed traces: the run did what was asked, and says where.
    assert_eq!(code, 0, "a first run blesses every case: {out}");
    assert!(
        out.contains("blessed: pending snapshot written to cases/good.snap.new"),
        "{out}"
    );
    assert!(
        !out.contains("bless it with"),
        "no advice to do what is being done: {out}"
    );
    for name in ["good", "garbled", "truncated"] {
        let dir = root.path().join("cases");
        std::fs::rename(
            dir.join(format!("{name}.snap.new")),
            dir.join(format!("{name}.snap")),
        )
        .unwrap();
    }
    let (code, out) = xtask(root.path(), &["conformance"]);
    assert_eq!(code, 0, "{out}");

    let garbled = root.path().join("cases/garbled.snap");
    let text = std::fs::read_to_string(&garbled).unwrap();
    let damaged = text.replacen("---", "-x-", 1);
    std::fs::write(&garbled, &damaged).unwrap();
    let truncated = root.path().join("cases/truncated.snap");
    let full = std::fs::read_to_string(&truncated).unwrap();
    let cut = &full[..full.find("---\n").unwrap() + 10];
    std::fs::write(&truncated, cut).unwrap();

    let (code, out) = xtask(root.path(), &["conformance"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cases/garbled.snap:1:1"), "{out}");
    assert!(out.contains("cases/truncated.snap:"), "{out}");
    assert!(out.contains("corrupted snapshot"), "{out}");
    assert!(!out.contains("test result"), "nothing may run: {out}");
    // Nothing was rewritten, not even with --bless.
    let (code, _) = xtask(root.path(), &["conformance", "--bless"]);
    assert_eq!(code, 2);
    assert_eq!(std::fs::read_to_string(&garbled).unwrap(), damaged);
    assert_eq!(std::fs::read_to_string(&truncated).unwrap(), cut);
    assert!(!root.path().join("cases/garbled.snap.new").exists());
}

#[test]
fn an_invalid_adapter_file_or_unknown_runtime_exits_2_before_running() {
    let root = checkout();
    write(
        root.path(),
        "cases/a.yaml",
        "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n",
    );
    let adapter = root.path().join("bad.toml");
    std::fs::write(
        &adapter,
        "description = \"x\"\nrun = [\"{bin}\"]\nversion = [\"{bin}\", \"-v\"]\n",
    )
    .unwrap();
    let a = adapter.to_string_lossy().into_owned();
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", &a]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bad.toml:2:1"), "{out}");
    assert!(out.contains("{file}"), "{out}");
    assert!(!out.contains("test result"), "{out}");

    std::fs::write(&adapter, "run = [\"{bin}\", \"{file}\"\nversion = 3\n").unwrap();
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", &a]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bad.toml:"), "{out}");

    let (code, out) = xtask(root.path(), &["conformance", "--runtime", "nodejs@99"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown runtime `nodejs@99`"), "{out}");
}

#[test]
fn format_json_keeps_stdout_pure_json_and_the_summary_on_stderr() {
    let root = checkout();
    write(
        root.path(),
        "cases/a.yaml",
        "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n",
    );
    let (_, stdout, stderr) =
        xtask_split(root.path(), &["conformance", "--bless", "--format", "json"]);
    let mut events = 0;
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not JSON on stdout: {line:?}: {e}"));
        if v["type"] == "test" {
            events += 1;
        }
    }
    assert!(events >= 2, "{stdout}");
    assert!(stderr.contains("summary: reference"), "{stderr}");
}

#[test]
fn libtest_options_reach_libtest_with_or_without_the_separator_and_help_is_generated() {
    let root = checkout();
    for id in ["a/one", "a/two"] {
        write(
            root.path(),
            &format!("cases/{id}.yaml"),
            "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n",
        );
    }
    for args in [
        &["conformance", "--runtime", "reference", "--", "--list"][..],
        &["conformance", "--list"],
        &["conformance", "-r", "reference", "a/", "--list"],
    ] {
        let (code, out, _) = xtask_split(root.path(), args);
        assert_eq!(code, 0, "{args:?}: {out}");
        assert!(out.contains("a/one: test"), "{args:?}: {out}");
        assert!(out.contains("a/two: test"), "{args:?}: {out}");
    }
    // A filter then --skip and --test-threads, after an option of conformance's own.
    let (_, out, _) = xtask_split(
        root.path(),
        &[
            "conformance",
            "--timeout-ms",
            "5000",
            "a/",
            "--skip",
            "two",
            "--test-threads",
            "1",
        ],
    );
    assert!(out.contains("running 1 test"), "{out}");
    assert!(out.contains("[reference] a/one"), "{out}");
    assert!(out.contains("1 filtered out"), "{out}");
    // A libtest option libtest does not know is a usage error.
    let (code, _) = xtask(root.path(), &["conformance", "--frobnicate"]);
    assert_eq!(code, 2);

    for args in [&["help", "conformance"][..], &["conformance", "--help"]] {
        let (code, out, _) = xtask_split(root.path(), args);
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("Usage: cargo xtask conformance"), "{out}");
        assert!(out.contains("--update-baseline"), "{out}");
        assert!(out.contains("libtest"), "{out}");
    }
    let (code, out, _) = xtask_split(root.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Commands:") && out.contains("compare"),
        "{out}"
    );
}

/// A runtime whose binary does not exist is bad input, not a run of ERRORs: the command stops
/// before any case runs, with exit 2 and what to fix.
#[test]
fn a_missing_runtime_binary_stops_before_the_run_with_exit_2() {
    let root = checkout();
    write(
        root.path(),
        "cases/a.yaml",
        "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n",
    );
    let adapter = root.path().join("mine.toml");
    std::fs::write(
        &adapter,
        "run = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"--version\"]\nbinary = \"/nonexistent/ah-no-such-runtime\"\n",
    )
    .unwrap();
    let (code, out) = xtask(
        root.path(),
        &["conformance", "--runtime", adapter.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("/nonexistent/ah-no-such-runtime"), "{out}");
    assert!(out.contains("cannot be started"), "{out}");
    assert!(!out.contains("test result"), "nothing ran: {out}");
}

/// Without a sandbox a process runtime does not run a case: exit 2 before anything runs, with
/// what is missing and what to do; `--no-sandbox` runs anyway, and the results say so.
#[test]
fn a_machine_without_the_sandbox_stops_before_running_unless_told() {
    let root = checkout();
    let r = root.path();
    write(
        r,
        "cases/a.yaml",
        "title: a case\nspec: [X-RULE-001]\nfeatures: []\nscript: |\n  trace('a', 1);\n",
    );
    std::fs::write(
        r.join("echo.toml"),
        "run = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"7.1.2\"]\nbinary = \"/bin/echo\"\n",
    )
    .unwrap();
    let refusing = r.join("bwrap");
    std::fs::write(
        &refusing,
        "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&refusing, std::fs::Permissions::from_mode(0o755)).unwrap();
    let run = |bwrap: &Path, extra: &[&str]| {
        let mut c = common::xtask_command(r, &["conformance", "--runtime", "echo.toml"]);
        c.args(extra).env("AH_BWRAP", bwrap);
        common::finish(c)
    };

    let (code, out) = run(&r.join("no-such-bwrap"), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("bubblewrap, which is not installed"), "{out}");
    assert!(out.contains("apt-get install bubblewrap"), "{out}");
    assert!(out.contains("--no-sandbox"), "{out}");
    assert!(!out.contains("test result"), "nothing ran: {out}");

    let (code, out) = run(&refusing, &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "cannot make a sandbox on this machine: bwrap: No permissions to create new namespace"
        ),
        "{out}"
    );
    assert!(out.contains("user namespaces"), "{out}");
    assert!(!out.contains("test result"), "nothing ran: {out}");

    let (_, out) = run(&refusing, &["--no-sandbox", "--results", "r.json"]);
    assert!(out.contains("sandbox: NONE (--no-sandbox)"), "{out}");
    assert!(
        out.contains("(UNCONFINED: --no-sandbox)"),
        "the summary says it: {out}"
    );
    assert!(out.contains("test result"), "it ran: {out}");
    let results = std::fs::read_to_string(r.join("r.json")).unwrap();
    assert!(
        results.contains("\"confinement\": \"none (--no-sandbox)\""),
        "{results}"
    );
}
