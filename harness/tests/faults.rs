//! End-to-end fault tests on a real runtime (the pinned Node 26): a hang, a SIGSEGV, a runtime
//! that stops early, a script the runtime rejects, forged trace records and a grandchild left
//! behind. Each must get its true outcome while the rest of the run goes on.

use std::collections::BTreeMap;
use std::path::Path;

use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::Status;

mod common;
use common::{pooling, sandbox};

fn fixtures() -> (Project, Suite) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let suite = Suite::load(
        &dir.join("cases"),
        &dir.join("features.txt"),
        &dir.join("spec"),
    )
    .unwrap_or_else(|d| panic!("fixtures must load:\n{d}"));
    (Project::locate(), suite)
}

/// The fixtures, reduced to the one case `id`.
fn only(id: &str) -> Suite {
    let (_, suite) = fixtures();
    let cases = suite.cases.iter().filter(|c| c.id == id).cloned().collect();
    Suite { cases, ..suite }
}

/// Processes whose command line contains `needle` (read from /proc).
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

#[test]
fn every_fault_gets_its_true_outcome_and_the_run_goes_on() {
    let (project, suite) = fixtures();
    let cfg = RunConfig {
        runtimes: vec!["node@26".into()],
        ..RunConfig::default()
    };
    let (_, records) = runner::run_quiet(&project, &suite, &cfg);
    let by_case: BTreeMap<&str, _> = records
        .iter()
        .map(|r| (r.case_id.as_str(), &r.outcome))
        .collect();
    assert_eq!(by_case.len(), suite.cases.len(), "every case ran");
    let status = |id: &str| by_case[id].status;

    assert_eq!(
        status("faults/hang"),
        Status::Timeout,
        "{:?}",
        by_case["faults/hang"]
    );
    assert_eq!(by_case["faults/hang"].trace, vec!["looping:", "timeout"]);

    let segv = by_case["faults/segv"];
    assert_eq!(segv.status, Status::Crash, "{segv:?}");
    assert_eq!(segv.trace, vec!["before crash: 1", "signal SIGSEGV"]);
    assert!(segv.detail.contains("SIGSEGV"), "{}", segv.detail);

    let early = by_case["faults/stops-early"];
    assert_eq!(early.status, Status::Crash, "{early:?}");
    assert!(
        early
            .detail
            .contains("without running its 'exit' listeners"),
        "{}",
        early.detail
    );
    assert_eq!(early.trace, vec!["started:", "exit 0"]);

    let syntax = by_case["faults/syntax-error"];
    assert_eq!(syntax.status, Status::Crash, "{syntax:?}");
    assert!(
        syntax.detail.contains("before the prelude ran"),
        "{}",
        syntax.detail
    );
    assert!(
        syntax.stderr_head.contains("SyntaxError"),
        "{}",
        syntax.stderr_head
    );

    let never = by_case["faults/never-settles"];
    assert_eq!(never.status, Status::Timeout, "{never:?}");
    assert_eq!(never.trace, vec!["waiting:", "timeout"]);

    let abort = by_case["faults/abort"];
    assert_eq!(abort.status, Status::Crash, "{abort:?}");
    assert_eq!(
        abort.trace,
        vec!["before abort: 1", "in timer:", "signal SIGABRT"]
    );

    let half = by_case["faults/half-record"];
    assert_eq!(half.status, Status::Crash, "{half:?}");
    assert!(
        half.detail
            .contains("in the middle of writing a trace record"),
        "{}",
        half.detail
    );
    assert_eq!(half.trace, vec!["whole record:", "exit 0"]);

    let pass = by_case["faults/forge-pass"];
    assert_eq!(pass.status, Status::Pass, "{pass:?}");
    assert_eq!(pass.trace, vec!["real: 1", "exit 0"]);

    let fail = by_case["faults/forge-fail"];
    assert_eq!(fail.status, Status::Fail, "{fail:?}");
    assert_eq!(fail.trace, vec!["actual: 2", "exit 0"]);
    assert!(fail.detail.contains(">-wanted: 1"), "{}", fail.detail);

    assert_eq!(
        status("faults/grandchild"),
        Status::Pass,
        "{:?}",
        by_case["faults/grandchild"]
    );
    assert!(
        processes_with("sleep 327.25").is_empty(),
        "the grandchild outlived the case: {:?}",
        processes_with("sleep 327.25")
    );
}

#[test]
fn a_missing_runtime_is_an_error_for_each_case_not_a_harness_crash() {
    let (project, suite) = fixtures();
    let cfg = RunConfig {
        runtimes: vec!["no-such-runtime@1".into()],
        ..RunConfig::default()
    };
    let (_, records) = runner::run_quiet(&project, &suite, &cfg);
    assert_eq!(records.len(), suite.cases.len());
    for r in &records {
        assert_eq!(r.outcome.status, Status::Error, "{:?}", r.outcome);
        assert!(
            r.outcome.detail.contains("unknown runtime"),
            "{}",
            r.outcome.detail
        );
    }
}

#[test]
fn an_adapter_file_describes_a_runtime_without_rust() {
    // The pinned Node 26 driven through a vendor-style adapter file that names its binary.
    let project = Project::locate();
    let registry = harness::exec::runtimes::Registry::load(&project.root).expect("lock file loads");
    let node = registry
        .prepare("node@26", &sandbox())
        .expect("node@26 installs");
    let dir = tempfile::tempdir().unwrap();
    let adapter = dir.path().join("my-runtime.toml");
    std::fs::write(
        &adapter,
        format!(
            "description = \"Node 26 via an adapter file\"\nrun = [\"{{bin}}\", \"--no-warnings\", \"{{file}}\"]\nversion = [\"{{bin}}\", \"-p\", \"'my-runtime ' + process.versions.node\"]\nbinary = \"{}\"\n",
            node.binary.display()
        ),
    )
    .unwrap();
    let suite = only("faults/forge-pass");
    let cfg = RunConfig {
        runtimes: vec![adapter.display().to_string()],
        ..RunConfig::default()
    };
    let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
    let facts = runtimes[0]
        .1
        .as_ref()
        .expect("adapter file runtime prepares");
    assert_eq!(facts.version, node.facts.version);
    assert_eq!(
        records[0].outcome.status,
        Status::Pass,
        "{:?}",
        records[0].outcome
    );
}

#[test]
fn a_case_sees_only_loopback_and_can_still_use_it() {
    let registry = harness::exec::runtimes::Registry::load(&Project::locate().root).unwrap();
    let node = registry
        .prepare("node@26", &sandbox())
        .expect("node@26 installs");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("net.mjs");
    std::fs::write(
        &file,
        "import os from 'node:os';\nimport net from 'node:net';\n\
         console.log(JSON.stringify(Object.keys(os.networkInterfaces())));\n\
         const s = net.createServer((c) => c.end('pong')).listen(0, '127.0.0.1', () => {\n\
           net.connect(s.address().port, '127.0.0.1').on('data', (d) => { console.log(String(d)); s.close(); });\n\
         });\n",
    )
    .unwrap();
    let out = node.run_file(&file, dir.path(), std::time::Duration::from_secs(20));
    assert_eq!(
        out.stdout_head.trim(),
        "[\"lo\"]\npong",
        "stderr: {}",
        out.stderr_head
    );
}

#[test]
fn a_binary_that_cannot_run_or_a_version_nobody_can_read_is_an_error_per_case() {
    let project = Project::locate();
    let suite = only("faults/forge-pass");
    let dir = tempfile::tempdir().unwrap();
    // A "binary" without the execute bit.
    let not_exec = dir.path().join("myrt");
    std::fs::write(&not_exec, "#!/bin/sh\necho 1.2.3\n").unwrap();
    // A binary whose version output holds no N.N.N.
    let garbled = dir.path().join("garbled");
    std::fs::write(&garbled, "#!/bin/sh\necho 'version: unknown build'\n").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&garbled, std::fs::Permissions::from_mode(0o755)).unwrap();
    for (name, bin, expect) in [
        ("not-exec.toml", &not_exec, "ermission denied"),
        ("garbled.toml", &garbled, "cannot find a version"),
    ] {
        let adapter = dir.path().join(name);
        std::fs::write(
            &adapter,
            format!(
                "run = [\"{{bin}}\", \"{{file}}\"]\nversion = [\"{{bin}}\", \"--version\"]\nbinary = \"{}\"\n",
                bin.display()
            ),
        )
        .unwrap();
        let cfg = RunConfig {
            runtimes: vec![adapter.display().to_string()],
            ..RunConfig::default()
        };
        let (_, records) = runner::run_quiet(&project, &suite, &cfg);
        assert_eq!(records.len(), 1);
        let o = &records[0].outcome;
        assert_eq!(o.status, Status::Error, "{name}: {o:?}");
        assert!(o.detail.contains(expect), "{name}: {}", o.detail);
    }
}

/// Pooled (`--pool`), every fault must end as it ends in a process of its own, and must not
/// disturb the cases after it in the same pool process.
#[test]
fn faults_in_a_pooled_run_get_the_same_outcomes_as_in_processes_of_their_own() {
    let (project, suite) = fixtures();
    let alone = pooling::run(&project, &suite, false);
    let pooled = pooling::run(&project, &suite, true);
    let diffs = pooling::differences(&suite, &alone, &pooled);
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
    // The faults really happened in the pooled run.
    assert_eq!(pooled["faults/hang"].status, Status::Timeout);
    assert_eq!(pooled["faults/segv"].status, Status::Crash);
    assert_eq!(pooled["faults/abort"].status, Status::Crash);
    assert_eq!(pooled["faults/forge-pass"].status, Status::Pass);
}
