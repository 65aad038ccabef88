//! The corpus on runtimes other than the default, checked for what users must see: Bun's
//! missing `createHook` events show up as failures whose diff lists the absent hook lines.

use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::Status;

#[test]
fn on_bun_the_hook_cases_fail_with_diffs_showing_the_missing_hook_events() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).unwrap_or_else(|d| panic!("{d}"));
    let hook_cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.hooks.as_ref().is_some_and(|h| !h.types.is_empty()))
        .cloned()
        .collect();
    assert!(
        hook_cases.len() >= 6,
        "the corpus needs hook-recording cases"
    );
    let suite = Suite {
        cases: hook_cases,
        ..suite
    };
    let cfg = RunConfig {
        runtimes: vec!["bun".into()],
        ..RunConfig::default()
    };
    let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
    assert!(
        runtimes[0].1.is_ok(),
        "bun must install: {:?}",
        runtimes[0].1
    );
    let failed: Vec<_> = records
        .iter()
        .filter(|r| r.outcome.status == Status::Fail)
        .collect();
    assert!(
        failed.len() * 2 >= records.len(),
        "most hook cases must fail on Bun, which does not call most createHook callbacks; failed: {:?}",
        failed.iter().map(|r| &r.case_id).collect::<Vec<_>>()
    );
    // A case whose expected trace has hook lines, where Bun emitted none, must show them as
    // missing. (Cases whose expected trace names resources only through ids, or where Bun
    // emitted some hook events, fail for causes of their own; the register says which.)
    let mut checked = 0;
    for r in &failed {
        let snap = project
            .root
            .join("cases")
            .join(format!("{}.snap", r.case_id));
        let expected = std::fs::read_to_string(&snap)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", snap.display()));
        let expects_hooks = expected.lines().any(|l| l.starts_with("hook "));
        let bun_emitted = r.outcome.trace.iter().any(|l| l.starts_with("hook "));
        if !expects_hooks || bun_emitted {
            continue;
        }
        checked += 1;
        let diff = &r.outcome.detail;
        assert!(
            diff.lines()
                .any(|l| l.starts_with(">-hook ") || l.starts_with(" -hook ")),
            "{}: the diff must show an expected hook event that Bun did not emit:\n{diff}",
            r.case_id
        );
    }
    assert!(
        checked * 2 >= failed.len(),
        "most of Bun's failures should be hook events it did not emit; {checked} of {}",
        failed.len()
    );
}

/// `channel_io = "node-builtin"` takes `node:fs` from `process.getBuiltinModule`; on a Node
/// without it the harness must notice once and fall back to `createRequire`, so that the ES
/// module cases still pass instead of every prelude throwing.
#[test]
fn node_builtin_channel_io_falls_back_when_get_builtin_module_is_missing() {
    use harness::exec::prelude::ChannelIo;
    use harness::exec::runtimes::Registry;

    let project = Project::locate();
    let registry = Registry::load(&project.root).unwrap_or_else(|d| panic!("{d}"));
    let node = registry
        .prepare("node@26", &sandbox())
        .expect("node@26 must install");
    assert_eq!(node.file.channel_io, ChannelIo::NodeBuiltin);

    // The same Node, started so that it lacks the function, as Node 18 does.
    let dir = tempfile::tempdir().unwrap();
    let adapter = dir.path().join("node-without-builtin.toml");
    let text = format!(
        "run = [\"{{bin}}\", \"--import\", \"data:text/javascript,delete process.getBuiltinModule\", \"{{file}}\"]\nversion = [\"{{bin}}\", \"--version\"]\nchannel_io = \"node-builtin\"\nbinary = {:?}\n",
        node.binary.display().to_string()
    );
    std::fs::write(&adapter, text).unwrap();
    let name = adapter.to_string_lossy().into_owned();
    let old = registry
        .prepare(&name, &sandbox())
        .expect("the adapter file must resolve");
    assert_eq!(old.file.channel_io, ChannelIo::NodeRequire);

    let suite = Suite::load_project(&project).unwrap_or_else(|d| panic!("{d}"));
    let cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.module == harness::input::case::ModuleKind::Esm)
        .take(8)
        .cloned()
        .collect();
    assert_eq!(cases.len(), 8, "the corpus needs ES module cases");
    let suite = Suite { cases, ..suite };
    let cfg = RunConfig {
        runtimes: vec![name],
        ..RunConfig::default()
    };
    let (_, records) = runner::run_quiet(&project, &suite, &cfg);
    assert_eq!(records.len(), 8);
    for r in &records {
        assert_eq!(
            r.outcome.status,
            Status::Pass,
            "{}: {}",
            r.case_id,
            r.outcome.detail
        );
    }
}

/// The bench's "cases without the harness" are only a fair measure if they run the same
/// scripts to the same end: every corpus case, rendered with the do-nothing `trace`, must end
/// on Node 26 with the exit code its blessed trace ends with.
#[test]
fn the_unrecorded_rendering_runs_every_case_to_its_blessed_exit_code() {
    use harness::exec::prelude;
    use harness::exec::process::Ended;
    use harness::exec::runtimes::Registry;

    let project = Project::locate();
    let suite = Suite::load_project(&project).unwrap_or_else(|d| panic!("{d}"));
    let registry = Registry::load(&project.root).unwrap_or_else(|d| panic!("{d}"));
    let node = registry
        .prepare("node@26", &sandbox())
        .expect("node@26 must install");
    let ext = node.file.extensions();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let wrong = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(case) = suite.cases.get(i) else {
                    break;
                };
                let expected = harness::input::snapshot::read(&case.snapshot_path())
                    .unwrap_or_else(|d| panic!("{d}"))
                    .and_then(|t| t.last().cloned())
                    .and_then(|l| l.strip_prefix("exit ").and_then(|n| n.parse::<i32>().ok()));
                let Some(expected) = expected else {
                    wrong
                        .lock()
                        .unwrap()
                        .push(format!("{}: no `exit N` line", case.id));
                    continue;
                };
                let dir = tempfile::tempdir().unwrap();
                let rendered = prelude::render_unrecorded(case, &ext);
                assert_eq!(rendered.files.len(), 1, "one file, no prelude module");
                for (name, text) in &rendered.files {
                    std::fs::write(dir.path().join(name), text).unwrap();
                }
                let out = node.run_file(
                    &dir.path().join(&rendered.main),
                    dir.path(),
                    std::time::Duration::from_secs(30),
                );
                if out.ended != Ended::Exited(expected) {
                    wrong.lock().unwrap().push(format!(
                        "{}: ended {:?}, blessed exit {expected}: {}",
                        case.id,
                        out.ended,
                        out.stderr_head
                            .lines()
                            .take(3)
                            .collect::<Vec<_>>()
                            .join(" | ")
                    ));
                }
            });
        }
    });
    let wrong = wrong.into_inner().unwrap();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The sandbox every process runtime runs in (`cargo xtask test` installs bubblewrap).
fn sandbox() -> harness::exec::sandbox::Sandbox {
    harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"))
}
