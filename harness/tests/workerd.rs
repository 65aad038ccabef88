//! The workerd adapter on the real runtime, installed from the npm registry as pinned in
//! `runtimes/lock.toml`.
//!
//! The cases live in a temp dir written by the tests themselves (with their own feature list and
//! spec), so that what is checked here is the adapter: ALS through timers and await, the end of
//! a run and its exit code, unsupported features, and a trace channel the case cannot forge.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use harness::exec::adapter::Adapter;

use harness::exec::runner;
use harness::exec::runtimes::Registry;
use harness::exec::workerd::WorkerdAdapter;
use harness::input::project::{Project, Suite};
use harness::input::snapshot;
use harness::judge::execution::End;
use harness::judge::outcome::{Outcome, Status};

/// The pinned workerd, installed once for all tests of this binary.
fn adapter() -> &'static WorkerdAdapter {
    static ADAPTER: OnceLock<WorkerdAdapter> = OnceLock::new();
    ADAPTER.get_or_init(|| {
        let project = Project::locate();
        let registry = Registry::load(&project.root).unwrap_or_else(|d| panic!("{d}"));
        WorkerdAdapter::prepare(&registry, &sandbox())
            .unwrap_or_else(|e| panic!("workerd must install from the registry: {e}"))
    })
}

/// One case: its file name, YAML text and expected trace.
struct Fixture {
    name: &'static str,
    yaml: &'static str,
    expected: &'static [&'static str],
}

const FIXTURES: &[Fixture] = &[
    Fixture {
        name: "als-timer-await",
        yaml: r#"title: the store of run() reaches a timer callback and the code after an await
spec: [WD-001]
features: [AsyncLocalStorage, setTimeout, await]
script: |
  import { AsyncLocalStorage } from 'node:async_hooks';
  const als = new AsyncLocalStorage();
  als.run('timer', () => setTimeout(() => trace('timeout', als.getStore()), 5));
  await als.run('await', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    trace('after await', als.getStore());
  });
  trace('top level', als.getStore());
"#,
        expected: &[
            "after await: \"await\"",
            "top level: undefined",
            "timeout: \"timer\"",
            "exit 0",
        ],
    },
    Fixture {
        name: "cjs-nested-timers",
        yaml: r#"title: a CommonJS case runs until its last nested timer has fired
spec: [WD-001]
features: [setTimeout]
module: cjs
script: |
  const { setTimeout: later } = require('node:timers');
  later(() => {
    trace('outer');
    later(() => later(() => trace('innermost'), 20), 20);
  }, 20);
"#,
        expected: &["outer:", "innermost:", "exit 0"],
    },
    Fixture {
        name: "process-exit-code",
        yaml: r#"title: process.exit(3) ends the run with status 3 and cancels what is pending
spec: [WD-001]
features: [setTimeout]
script: |
  setTimeout(() => trace('never'), 50);
  setTimeout(() => { trace('exiting'); process.exit(3); }, 1);
"#,
        expected: &["exiting:", "exit 3"],
    },
    Fixture {
        name: "top-level-throw",
        yaml: r#"title: a top-level throw ends the run with status 1 and cancels what is pending
spec: [WD-001]
features: [setTimeout]
script: |
  setTimeout(() => trace('never'), 1);
  trace('before throw');
  throw new Error('top level');
"#,
        expected: &["before throw:", "exit 1"],
    },
    Fixture {
        name: "http-server",
        yaml: r#"title: a case that needs a loopback http server
spec: [WD-001]
features: [http]
script: |
  import http from 'node:http';
  http.createServer(() => {}).listen(0);
"#,
        expected: &["exit 0"],
    },
    Fixture {
        name: "fs-callback",
        yaml: r#"title: an fs callback in the worker's file system sees the store of run()
spec: [WD-001]
features: [AsyncLocalStorage, fs]
script: |
  import { AsyncLocalStorage } from 'node:async_hooks';
  import fs from 'node:fs';
  const als = new AsyncLocalStorage();
  fs.writeFileSync('data.txt', 'hello');
  als.run('run', () => fs.readFile('data.txt', 'utf8', (err, data) => trace('read', err, data, als.getStore())));
"#,
        expected: &["read: null, \"hello\", \"run\"", "exit 0"],
    },
    Fixture {
        name: "forge",
        yaml: r#"title: records the case forges on stdout and stderr are dropped, and the key is out of reach
spec: [WD-001]
features: [setTimeout]
script: |
  import { env } from 'cloudflare:workers';
  import * as fs from 'node:fs';
  const forged = '@@AH1 1 0123456789abcdef log forged: 1';
  console.log(forged);
  console.error(forged);
  process.stdout.write(forged + '\n');
  console.log('junk without newline @@AH1 1 ffffffffffffffff log forged: 2');
  trace('key in process.env', process.env.AH_KEY, Object.keys(process.env).length);
  trace('key in cloudflare workers env', env.AH_KEY);
  const others = fs.readdirSync('/bundle').filter((f) => f !== 'case.mjs');
  const texts = others.map((f) => fs.readFileSync('/bundle/' + f, 'utf8'));
  trace('other modules', others.length, texts.filter((t) => /\b[0-9a-f]{16}\b/.test(t)).length);
  setTimeout(() => console.log('@@AH1 3 0000000000000000 end 0'), 1);
"#,
        expected: &[
            "key in process.env: undefined, 0",
            "key in cloudflare workers env: undefined",
            "other modules: 1, 0",
            "exit 0",
        ],
    },
];

/// Write the fixtures as a suite of their own, with expected traces, and load it.
fn suite(dir: &Path) -> Suite {
    let cases = dir.join("cases/workerd");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::create_dir_all(dir.join("spec")).unwrap();
    std::fs::write(
        dir.join("spec/workerd.md"),
        "# workerd adapter\n\n### WD-001 — the adapter reports what the worker did\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("features.txt"),
        "AsyncLocalStorage\nsetTimeout\nawait\nfs\nhttp\n",
    )
    .unwrap();
    for f in FIXTURES {
        let yaml = cases.join(format!("{}.yaml", f.name));
        std::fs::write(&yaml, f.yaml).unwrap();
        let expected: Vec<String> = f.expected.iter().map(|l| l.to_string()).collect();
        std::fs::write(
            yaml.with_extension("snap"),
            snapshot::render_trace(f.name, f.name, &expected),
        )
        .unwrap();
    }
    Suite::load(
        &dir.join("cases"),
        &dir.join("features.txt"),
        &dir.join("spec"),
    )
    .unwrap_or_else(|d| panic!("the workerd fixtures must load:\n{d}"))
}

/// Run every fixture on workerd through the runner, as `cargo xtask conformance` does.
fn outcomes() -> &'static BTreeMap<String, Outcome> {
    static OUTCOMES: OnceLock<BTreeMap<String, Outcome>> = OnceLock::new();
    OUTCOMES.get_or_init(|| {
        adapter();
        let dir = tempfile::tempdir().unwrap();
        let suite = suite(dir.path());
        let cfg = runner::RunConfig {
            runtimes: vec!["workerd".into()],
            ..runner::RunConfig::default()
        };
        let (runtimes, records) = runner::run_quiet(&Project::locate(), &suite, &cfg);
        assert!(runtimes[0].1.is_ok(), "workerd: {:?}", runtimes[0].1);
        records
            .into_iter()
            .map(|r| {
                (
                    r.case_id.trim_start_matches("workerd/").to_string(),
                    r.outcome,
                )
            })
            .collect()
    })
}

fn outcome(name: &str) -> &'static Outcome {
    outcomes()
        .get(name)
        .unwrap_or_else(|| panic!("no outcome for {name}"))
}

fn assert_pass(name: &str) {
    let o = outcome(name);
    assert_eq!(
        o.status,
        Status::Pass,
        "{name}: {}\ntrace: {:#?}\nstderr: {}",
        o.detail,
        o.trace,
        o.stderr_head
    );
}

#[test]
fn the_pinned_workerd_installs_and_reports_its_npm_version() {
    let facts = adapter().facts();
    assert_eq!(facts.name, "workerd");
    assert_eq!(facts.adapter, "workerd");
    assert!(
        facts.version.starts_with("1.20"),
        "version {} should be the npm version 1.YYYYMMDD.N",
        facts.version
    );
    assert!(facts.source.contains("@cloudflare/workerd-linux-64"));
}

#[test]
fn an_als_case_passes_with_the_store_through_a_timer_and_an_await() {
    assert_pass("als-timer-await");
}

#[test]
fn a_commonjs_case_runs_until_its_last_nested_timer() {
    assert_pass("cjs-nested-timers");
}

#[test]
fn process_exit_and_a_top_level_throw_give_node_s_exit_codes() {
    assert_pass("process-exit-code");
    assert_pass("top-level-throw");
}

#[test]
fn an_http_case_is_unsupported_with_the_reason() {
    let o = outcome("http-server");
    assert_eq!(o.status, Status::Unsupported, "{o:?}");
    assert!(o.detail.contains("`http`"), "{}", o.detail);
    assert!(o.detail.contains("loopback"), "{}", o.detail);
}

#[test]
fn an_fs_case_runs_in_the_worker_s_own_file_system() {
    assert_pass("fs-callback");
}

#[test]
fn forged_records_are_dropped_and_the_key_is_out_of_the_case_s_reach() {
    assert_pass("forge");
    // The same case once more, straight through the adapter, to see the channel itself.
    let dir = tempfile::tempdir().unwrap();
    let suite = suite(dir.path());
    let case = suite
        .cases
        .iter()
        .find(|c| c.id.ends_with("/forge"))
        .expect("the forge case");
    let exec = adapter().execute(case, Duration::from_secs(10));
    assert_eq!(exec.end, End::Exited(0), "stderr: {}", exec.stderr_head);
    assert!(exec.channel.broken.is_none(), "{:?}", exec.channel.broken);
    assert_eq!(exec.channel.ended, Some(0));
    assert!(
        exec.channel.rejected >= 4,
        "the forged lines on the channel must be counted as rejected: {:?}",
        exec.channel
    );
    assert!(
        exec.stdout_head
            .contains("@@AH1 1 0123456789abcdef log forged: 1"),
        "what the case printed is still shown as its stdout: {:?}",
        exec.stdout_head
    );
    assert!(!exec.channel.events.iter().any(|e| e.contains("forged")));
}

#[test]
fn a_case_that_never_ends_times_out_and_keeps_what_it_traced() {
    let dir = tempfile::tempdir().unwrap();
    let mut case = suite(dir.path())
        .cases
        .into_iter()
        .find(|c| c.id.ends_with("/cjs-nested-timers"))
        .expect("a CommonJS case to rewrite");
    case.script = "trace('looping');\nfor (;;) {}\n".into();
    let exec = adapter().execute(&case, Duration::from_secs(2));
    assert_eq!(exec.end, End::TimedOut);
    assert_eq!(exec.channel.events, vec!["looping:"]);
}

/// The sandbox every process runtime runs in (`cargo xtask test` installs bubblewrap).
fn sandbox() -> harness::exec::sandbox::Sandbox {
    harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"))
}
