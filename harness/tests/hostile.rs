//! The hostile-case suite (docs/security.md): cases that try what a case must not do, on
//! every runtime each attack applies to, and the checks from outside that each one failed.
//!
//! The fixtures (`tests/fixtures/hostile/`) are templates: the test fills in the places to
//! attack (a stand-in checkout holding the running cases' own snapshots and a baselines
//! directory, a stand-in home, the host's temp dir and the user's real home) and a mark that
//! names what an attack would leave, then runs them as a user's run does. Every case must get
//! its true verdict (it passes: the attack found nothing, or the run ended by the limit it hit),
//! and nothing may have changed outside.
//!
//! The same attacks run as an unprivileged user in `xtask/tests/hostile.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::exec::adapter::Adapter;
use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::{Outcome, Status};

/// What the templates' placeholders stand for in one run.
struct Stage {
    /// The stand-in checkout: holds the cases being run (with their snapshots) and
    /// `reports/baselines/`.
    project: tempfile::TempDir,
    home: tempfile::TempDir,
    mark: String,
    mark_num: u32,
    canary: String,
    suite: Suite,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn copy_filled(from: &Path, to: &Path, fill: &dyn Fn(&str) -> String) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_filled(&e.path(), &target, fill);
        } else {
            let text = std::fs::read_to_string(e.path()).unwrap();
            std::fs::write(&target, fill(&text)).unwrap();
        }
    }
}

fn stage() -> Stage {
    // Cargo runs the tests with this in their environment, so it is in the harness's: the
    // secret a case must not find.
    let canary = "CARGO_MANIFEST_DIR".to_string();
    assert!(std::env::var_os(&canary).is_some(), "cargo sets {canary}");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    let mark = format!("ah-hostile-{}-{nanos}", std::process::id());
    let mark_num = (std::process::id() % 90_000) + 10_000;
    let project = tempfile::Builder::new()
        .prefix("ah-hostile-checkout-")
        .tempdir()
        .unwrap();
    let home = tempfile::Builder::new()
        .prefix("ah-hostile-home-")
        .tempdir()
        .unwrap();
    let p = project.path().to_path_buf();
    let h = home.path().to_path_buf();
    let fill = |t: &str| {
        t.replace("@PROJECT@", &p.to_string_lossy())
            .replace("@HOME@", &h.to_string_lossy())
            .replace("@HOSTTMP@", &std::env::temp_dir().to_string_lossy())
            .replace("@MARKNUM@", &mark_num.to_string())
            .replace("@MARK@", &mark)
            .replace("@SECRET@", "secret.txt")
            .replace("@CANARY@", &canary)
    };
    copy_filled(&fixtures(), &p, &fill);
    std::fs::create_dir_all(p.join("reports/baselines")).unwrap();
    for dir in [&p, &h] {
        std::fs::write(dir.join("secret.txt"), format!("{canary}=secret\n")).unwrap();
    }
    let suite = Suite::load(&p.join("cases"), &p.join("features.txt"), &p.join("spec"))
        .unwrap_or_else(|d| panic!("the hostile fixtures must load:\n{d}"));
    Stage {
        project,
        home,
        mark,
        mark_num,
        canary,
        suite,
    }
}

impl Stage {
    /// The fixture case `id`, filled in.
    fn case(&self, id: &str) -> harness::input::case::Case {
        let found = self.suite.cases.iter().find(|c| c.id == id);
        found.cloned().unwrap_or_else(|| panic!("no fixture {id}"))
    }
}

/// The shared preludes (`exec::shared_prelude`) in every runtime's cache that are not as the
/// harness wrote them: each is named by the hash of its text, and only its `.compiled` mark
/// (and, while a run writes one, its temp file) may lie beside it.
fn shared_preludes_changed() -> Vec<String> {
    use sha2::Digest;
    let caches = Project::locate().root.join(".runtimes/cache");
    let mut problems = Vec::new();
    for cache in std::fs::read_dir(caches).into_iter().flatten().flatten() {
        let dir = cache.path().join("ah-prelude");
        for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            // A prelude being written by a run side by side, before its rename into place.
            if name.starts_with(".tmp") {
                continue;
            }
            let Some((stem, ext)) = name.rsplit_once('.') else {
                problems.push(format!("{}: unexpected", e.path().display()));
                continue;
            };
            match ext {
                "compiled" => {}
                "mjs" | "cjs" => {
                    let text = std::fs::read(e.path()).unwrap_or_default();
                    let hash: String = sha2::Sha256::digest(&text)[..12]
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect();
                    if stem != format!("prelude-{hash}") {
                        problems.push(format!("{}: its text was changed", e.path().display()));
                    }
                }
                _ => problems.push(format!("{}: unexpected", e.path().display())),
            }
        }
    }
    problems
}

/// On a runtime that keeps compiled code (Deno), cases import their prelude from the
/// runtime's cache dir, shared with the other cases: the case finds it there and cannot
/// change it, and the cases after it load it as the harness wrote it.
#[test]
fn a_case_cannot_change_the_prelude_other_cases_share() {
    let stage = stage();
    let registry = harness::exec::runtimes::Registry::load(&Project::locate().root).unwrap();
    let deno = registry.prepare("deno", &sandbox()).expect("installs");
    let attack = stage.case("hostile/prelude-rewrite");
    // The same case, saying only whether it found a shared prelude to attack.
    let mut finder = attack.clone();
    finder.script = "import fs from 'node:fs';\nconst own = fs.readFileSync(new URL(import.meta.url).pathname, 'utf8');\ntrace('found', /ah-prelude\\/prelude-[0-9a-f]+\\.mjs/.test(own));\n".to_string();
    let found = deno.execute(&finder, Duration::from_secs(20));
    assert_eq!(found.channel.events, ["found: true"], "{found:?}");
    let a = deno.execute(&attack, Duration::from_secs(20));
    assert_eq!(a.channel.events, ["changed the shared prelude: 0"], "{a:?}");
    let problems = shared_preludes_changed();
    assert!(problems.is_empty(), "{problems:?}");
    let b = deno.execute(&finder, Duration::from_secs(20));
    assert_eq!(b.channel.events, ["found: true"], "{b:?}");
    assert_eq!(b.end, harness::judge::execution::End::Exited(0), "{b:?}");
}

/// Processes whose command line holds `needle`.
fn processes_with(needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        if let Ok(cmd) = std::fs::read(e.path().join("cmdline")) {
            let cmd = String::from_utf8_lossy(&cmd).replace('\0', " ");
            if cmd.contains(needle) {
                found.push(format!("{}: {cmd}", e.file_name().to_string_lossy()));
            }
        }
    }
    found
}

/// The verdict an attack case must get: it passes (the attack found nothing); writing a file
/// past the size limit may instead end the run by SIGXFSZ, the limit doing its work.
fn stopped(case: &str, o: &Outcome) -> bool {
    match (case, o.status) {
        (_, Status::Pass) => true,
        ("hostile/file-size", Status::Crash) => o.trace.iter().any(|l| l == "signal SIGXFSZ"),
        _ => false,
    }
}

/// What the attacks would have left outside; each must be absent or unchanged.
fn check_outside(stage: &Stage, snapshot_before: &str) -> Vec<String> {
    let mut problems = shared_preludes_changed();
    let p = stage.project.path();
    let snap = p.join("cases/hostile/read-secrets.snap");
    if std::fs::read_to_string(&snap).unwrap_or_default() != snapshot_before {
        problems.push(format!("{} was changed", snap.display()));
    }
    let mut left = vec![
        p.join("reports/baselines")
            .join(format!("{}.snap", stage.mark)),
        p.join(&stage.mark),
        stage.home.path().join(&stage.mark),
        std::env::temp_dir().join(&stage.mark),
    ];
    if let Some(home) = std::env::var_os("HOME") {
        left.push(PathBuf::from(home).join(&stage.mark));
    }
    for f in left {
        if f.exists() {
            let _ = std::fs::remove_file(&f);
            problems.push(format!("{} was written", f.display()));
        }
    }
    let sleepers = processes_with(&format!("313.{}", stage.mark_num));
    if !sleepers.is_empty() {
        problems.push(format!("processes outlived their case: {sleepers:?}"));
    }
    problems
}

#[test]
fn every_attack_fails_on_every_runtime() {
    let stage = stage();
    let snapshot_before =
        std::fs::read_to_string(stage.project.path().join("cases/hostile/read-secrets.snap"))
            .unwrap();
    let runtimes = ["reference", "node@26", "bun", "deno"];
    let cfg = RunConfig {
        runtimes: runtimes.iter().map(|r| r.to_string()).collect(),
        ..RunConfig::default()
    };
    let (facts, records) = runner::run_quiet(&Project::locate(), &stage.suite, &cfg);
    for (name, f) in &facts {
        assert!(f.is_ok(), "runtime {name} is not usable: {f:?}");
    }
    // The sleepers a leaked child would run are given a moment to show up.
    std::thread::sleep(Duration::from_millis(300));
    let mut problems = check_outside(&stage, &snapshot_before);
    for r in &records {
        let unsupported = r.outcome.status == Status::Unsupported;
        // The reference runs no child processes; it reports that case unsupported.
        let allowed = unsupported
            && r.runtime == "reference"
            && [
                "hostile/leave-process",
                "hostile/cell-spoiler",
                "hostile/cell-dev-spoiler",
            ]
            .contains(&r.case_id.as_str());
        if !allowed && !stopped(&r.case_id, &r.outcome) {
            problems.push(format!(
                "[{}] {}: {:?}: {}\ntrace: {:?}\nstderr: {}",
                r.runtime,
                r.case_id,
                r.outcome.status,
                r.outcome.detail,
                r.outcome.trace,
                r.outcome.stderr_head
            ));
        }
    }
    assert_eq!(
        records.len(),
        stage.suite.cases.len() * runtimes.len(),
        "a record per case and runtime"
    );
    assert!(
        problems.is_empty(),
        "attacks that were not stopped (canary {}):\n{}",
        stage.canary,
        problems.join("\n")
    );
}

/// The reference runtime runs in the harness's own process: its file functions must not
/// reach beyond the case's dir, nor read without bound.
#[test]
fn the_reference_reaches_only_its_own_files() {
    let stage = stage();
    let case = |id: &str| stage.case(id);
    let reference = harness::exec::reference::ReferenceAdapter::new();
    for id in [
        "hostile/read-secrets",
        "hostile/read-outside",
        "hostile/write-outside",
    ] {
        let exec = reference.execute(&case(id), Duration::from_secs(20));
        assert!(
            exec.channel
                .events
                .iter()
                .any(|l| l.ends_with(": 0") || l == "tried: 5"),
            "{id}: {:?}",
            exec.channel.events
        );
    }
    let problems = check_outside(
        &stage,
        &std::fs::read_to_string(stage.project.path().join("cases/hostile/read-secrets.snap"))
            .unwrap(),
    );
    assert!(problems.is_empty(), "{problems:?}");
}

/// Pooled, a case runs in a process an earlier case ran in: that case's files, descriptors
/// and forged replies must not reach it, and it gets its own true verdict.
#[test]
fn a_pooled_case_gets_its_true_verdict_after_a_spoiler() {
    let stage = stage();
    let case = |id: &str| stage.case(id);
    let victim = case("hostile/pool-victim");
    let registry = harness::exec::runtimes::Registry::load(&Project::locate().root).unwrap();
    for name in ["node@26", "bun", "deno"] {
        let inner = registry.prepare(name, &sandbox()).expect("installs");
        let pool = harness::exec::pool::PoolAdapter::new(inner).unwrap();
        // Files (the process is used again, emptied), a descriptor or a V8 flag (the process
        // is retired),
        // forged replies (the forger's own verdict is its own affair; the process is retired),
        // a read left pending on the job pipe (whichever case's job it takes, that case
        // times out pooled and is run again as a process of its own).
        for spoiler in [
            "pool-spoiler",
            "pool-fd-spoiler",
            "pool-flag-spoiler",
            "pool-forger",
            "pool-job-thief",
        ] {
            let a = pool.execute(
                &case(&format!("hostile/{spoiler}")),
                Duration::from_secs(20),
            );
            if spoiler != "pool-forger" {
                assert_eq!(a.channel.events, ["spoiled:"], "{name}, {spoiler}: {a:?}");
            }
            let b = pool.execute(&victim, Duration::from_secs(5));
            assert_eq!(
                b.channel.events,
                ["left by others: 0"],
                "{name}: the victim saw what {spoiler} left: {b:?}"
            );
            assert_eq!(
                b.end,
                harness::judge::execution::End::Exited(0),
                "{name}, after {spoiler}: {b:?}"
            );
        }
    }
}

/// The sandbox every process runtime runs in (`cargo xtask test` installs bubblewrap).
fn sandbox() -> harness::exec::sandbox::Sandbox {
    harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"))
}

/// In a sandbox cell (`exec::cell`), a case runs where an earlier case ran: what that case
/// left (files in the writable places, processes, a changed `/dev`, IPC objects) must not reach
/// it, and the cell's launcher, the sandbox's first process, must be out of its reach. A cell
/// left clean serves the next case; one left changed is retired for a new one.
#[test]
fn a_case_in_a_cell_gets_its_true_verdict_after_a_spoiler() {
    use harness::exec::cell;
    let stage = stage();
    let case = |id: &str| stage.case(id);
    let victim = case("hostile/cell-victim");
    let registry = harness::exec::runtimes::Registry::load(&Project::locate().root).unwrap();
    let sandbox = sandbox();
    assert!(cell::enabled(&sandbox), "cells are on where a sandbox is");
    for name in ["node@26", "bun", "deno"] {
        let adapter = registry.prepare(name, &sandbox).expect("installs");
        let run = |id: &str| adapter.execute(&case(id), Duration::from_secs(20));
        let started = cell::started();
        let a = run("hostile/cell-spoiler");
        assert_eq!(a.channel.events, ["spoiled: []"], "{name}: {a:?}");
        // Right after the case: nothing it started is left.
        let sleepers = processes_with(&format!("313.{}", stage.mark_num));
        assert!(sleepers.is_empty(), "{name}: {sleepers:?}");
        let b = adapter.execute(&victim, Duration::from_secs(20));
        assert_eq!(b.channel.events, ["left by others: []"], "{name}: {b:?}");
        assert_eq!(b.end, harness::judge::execution::End::Exited(0), "{name}");
        assert_eq!(
            cell::started(),
            started + 1,
            "{name}: one cell served both cases (the spoiler's leftovers were cleaned, not escaped); retired: {:?}",
            cell::last_retired()
        );
        let c = run("hostile/cell-dev-spoiler");
        assert_eq!(c.channel.events, ["spoiled:"], "{name}: {c:?}");
        let d = adapter.execute(&victim, Duration::from_secs(20));
        assert_eq!(d.channel.events, ["left by others: []"], "{name}: {d:?}");
        assert_eq!(
            cell::started(),
            started + 2,
            "{name}: the cell whose /dev was changed was retired"
        );
    }
    let problems = check_outside(
        &stage,
        &std::fs::read_to_string(stage.project.path().join("cases/hostile/read-secrets.snap"))
            .unwrap(),
    );
    assert!(problems.is_empty(), "{problems:?}");
}
