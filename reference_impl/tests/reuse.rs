//! A thread keeps one QuickJS runtime and gives each run a fresh context in it. These tests
//! check that nothing a script can do reaches the next run on the same runtime, and that a run
//! leaves no JavaScript object behind.

use std::time::Duration;

use reference_impl::{run, thread_runtime_stats, Exit, Options, Outcome};

fn run_script(name: &str, src: &str) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = dir.path().join(name);
    std::fs::write(&main, src).expect("write script");
    let mut opts = Options::new(dir.path().to_path_buf(), main);
    opts.timeout = Duration::from_secs(10);
    run(&opts)
}

fn stdout(o: &Outcome) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Everything a case could have changed, as one line of `name=value`.
const PROBE: &str = r#"
const { AsyncLocalStorage, executionAsyncId, createHook } = require('node:async_hooks');
const seen = [];
seen.push('objectProto=' + ({}).polluted);
seen.push('global=' + typeof leakedGlobal);
seen.push('functionProto=' + (function () {}).polluted);
seen.push('then=' + (Promise.prototype.then.name));
seen.push("array=" + [].polluted);
seen.push('als=' + new AsyncLocalStorage().getStore());
seen.push('eid=' + executionAsyncId());
seen.push('exitCode=' + process.exitCode);
seen.push('listeners=' + process.listenerCount('exit'));
let inits = 0;
createHook({ init() { inits++; } }).enable();
setTimeout(() => {
  Promise.resolve(1).then((v) => {
    seen.push('then-ran=' + v);
    seen.push('inits=' + inits);
    process.stdout.write(seen.join(' ') + '\n');
  });
}, 5);
"#;

/// A case that changes everything it can and ends with work still queued.
const POLLUTER: &str = r#"
const { AsyncLocalStorage, createHook } = require('node:async_hooks');
Object.prototype.polluted = 'yes';
Function.prototype.polluted = 'yes';
globalThis.leakedGlobal = 1;
const realThen = Promise.prototype.then;
Promise.prototype.then = function patched(a, b) { return realThen.call(this, a, b); };
Array.prototype.polluted = "yes";
new AsyncLocalStorage().enterWith('store of the previous run');
createHook({ init() { throw new Error('a hook of the previous run'); } });
process.on('exit', () => {});
process.exitCode = 3;
setTimeout(() => {}, 100000);
setInterval(() => {}, 10);
Promise.resolve().then(() => { process.exit(0); });
queueMicrotask(() => {});
process.nextTick(() => {});
"#;

#[test]
fn a_run_sees_nothing_of_the_runs_before_it_on_the_same_runtime() {
    // Reference output: the probe alone, after a run that changed nothing.
    let _ = run_script("warm.cjs", "");
    let clean = run_script("probe.cjs", PROBE);
    assert_eq!(
        clean.exit,
        Exit::Code(0),
        "stderr: {}",
        String::from_utf8_lossy(&clean.stderr)
    );
    let expected = stdout(&clean);
    assert!(expected.contains("objectProto=undefined"), "{expected}");
    assert!(expected.contains("then-ran=1"), "{expected}");

    let before = thread_runtime_stats().expect("a kept runtime").runs;
    let polluter = run_script("polluter.cjs", POLLUTER);
    assert_eq!(polluter.exit, Exit::Code(0));
    let after = run_script("probe.cjs", PROBE);
    let stats = thread_runtime_stats().expect("a kept runtime");
    assert_eq!(
        stats.runs,
        before + 2,
        "the runs must share one runtime for this test to mean anything"
    );
    assert_eq!(stdout(&after), expected);
}

#[test]
fn an_es_module_run_after_a_polluting_one_is_unaffected() {
    let probe = "import { AsyncLocalStorage } from 'node:async_hooks';\n\
                 const als = new AsyncLocalStorage();\n\
                 await als.run(7, async () => { await null; process.stdout.write(`${als.getStore()} ${({}).polluted}\\n`); });\n";
    let clean = run_script("probe.mjs", probe);
    assert_eq!(stdout(&clean), "7 undefined\n");
    let _ = run_script("polluter.cjs", POLLUTER);
    let after = run_script("probe.mjs", probe);
    assert_eq!(stdout(&after), "7 undefined\n");
}

#[test]
fn a_run_leaves_no_object_behind() {
    let script = r#"
const { AsyncLocalStorage, createHook } = require('node:async_hooks');
const als = new AsyncLocalStorage();
createHook({ init() {}, before() {}, after() {}, promiseResolve() {} }).enable();
const cycle = {}; cycle.self = cycle;
als.run({ cycle }, async () => {
  await new Promise((r) => setTimeout(r, 1));
  setImmediate(() => process.nextTick(() => {}));
});
"#;
    let _ = run_script("leak.cjs", script);
    let first = thread_runtime_stats().expect("a kept runtime");
    for _ in 0..50 {
        let o = run_script("leak.cjs", script);
        assert_eq!(o.exit, Exit::Code(0));
    }
    let last = thread_runtime_stats().expect("a kept runtime");
    assert_eq!(last.runs, first.runs + 50);
    assert_eq!(
        last.objects, first.objects,
        "objects left on the runtime after a run grew from {} to {} over 50 runs",
        first.objects, last.objects
    );
    // A kept runtime holds between runs only what rquickjs keeps for itself.
    assert!(last.objects < 16, "{} objects outlive a run", last.objects);
}

#[test]
fn a_runtime_that_timed_out_is_replaced() {
    let _ = run_script("warm.cjs", "");
    let dir = tempfile::tempdir().expect("temp dir");
    let main = dir.path().join("spin.cjs");
    std::fs::write(&main, "for (;;) {}").expect("write");
    let mut opts = Options::new(dir.path().to_path_buf(), main);
    opts.timeout = Duration::from_millis(200);
    assert_eq!(run(&opts).exit, Exit::TimedOut);
    assert!(
        thread_runtime_stats().is_none(),
        "a timed-out runtime must not be kept"
    );
    let o = run_script("probe.cjs", PROBE);
    assert!(stdout(&o).contains("then-ran=1"), "{}", stdout(&o));
    assert_eq!(thread_runtime_stats().expect("a new runtime").runs, 1);
}

/// Run `main` (a file given in memory) with `lib` beside it, given in memory as a file whose
/// compiled form the runtime may keep (as the harness gives its prelude).
fn run_with_kept_lib(main: (&str, &str), lib: (&str, &str)) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut opts = Options::new(dir.path().join("case"), std::path::PathBuf::from(main.0));
    opts.root = "/case".into();
    opts.files = vec![
        (main.0.to_string(), main.1.to_string(), false),
        (lib.0.to_string(), lib.1.to_string(), true),
    ];
    opts.timeout = Duration::from_secs(10);
    let out = run(&opts);
    assert_eq!(
        out.exit,
        Exit::Code(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A module whose bytecode a runtime keeps: later runs instantiate it afresh, with their own
/// module variables and their own realm, so what an earlier run did to it is gone.
const KEPT_MODULE: &str = r#"
export let count = 0;
export const list = [];
export function bump() { list.push(count); return ++count; }
export function realm() { return Object.getPrototypeOf(bump) === Function.prototype; }
"#;

const USES_KEPT_MODULE: &str = r#"
import { count, list, bump, realm } from './lib.mjs';
const before = count + '/' + list.length;
bump(); bump();
process.stdout.write(before + ' ' + count + ' ' + realm() + '\n');
"#;

/// The same for a CommonJS file.
const KEPT_SCRIPT: &str = r#"
let count = 0;
exports.bump = () => ++count;
exports.realm = () => Object.getPrototypeOf(exports.bump) === Function.prototype;
"#;

const USES_KEPT_SCRIPT: &str = r#"
const lib = require('./lib.cjs');
lib.bump();
process.stdout.write(lib.bump() + ' ' + lib.realm() + '\n');
"#;

#[test]
fn kept_modules_and_scripts_start_afresh_in_every_run() {
    let _ = run_script("warm.cjs", "");
    let kept_before = thread_runtime_stats().expect("a kept runtime").kept;
    for _ in 0..3 {
        let out = run_with_kept_lib(("main.mjs", USES_KEPT_MODULE), ("lib.mjs", KEPT_MODULE));
        assert_eq!(stdout(&out), "0/0 2 true\n");
        let out = run_with_kept_lib(("main.cjs", USES_KEPT_SCRIPT), ("lib.cjs", KEPT_SCRIPT));
        assert_eq!(stdout(&out), "2 true\n");
    }
    let stats = thread_runtime_stats().expect("a kept runtime");
    assert!(
        stats.kept >= kept_before + 2,
        "the runtime must keep the module and the script (kept {} before, {} after)",
        kept_before,
        stats.kept
    );
}

/// The strings array of a tagged template is an object made when the file is compiled, in
/// the context that compiles it: bytecode holding one is not kept, or a later run would get an
/// array of an earlier run's realm (and keep that run's context alive).
const TAGGED_TEMPLATE_MODULE: &str = r#"
const tag = (strings) => strings;
export const strings = tag`a${1}b`;
"#;

const USES_TAGGED_TEMPLATE: &str = r#"
import { strings } from './tagged.mjs';
process.stdout.write(String(Object.getPrototypeOf(strings) === Array.prototype) + '\n');
"#;

#[test]
fn bytecode_holding_objects_of_its_context_is_not_kept() {
    let _ = run_script("warm.cjs", "");
    let kept_before = thread_runtime_stats().expect("a kept runtime").kept;
    let objects_before = thread_runtime_stats().expect("a kept runtime").objects;
    for _ in 0..3 {
        let out = run_with_kept_lib(
            ("main.mjs", USES_TAGGED_TEMPLATE),
            ("tagged.mjs", TAGGED_TEMPLATE_MODULE),
        );
        assert_eq!(stdout(&out), "true\n");
    }
    let stats = thread_runtime_stats().expect("a kept runtime");
    assert_eq!(
        stats.kept, kept_before,
        "the tagged template's module must not be kept"
    );
    assert_eq!(
        stats.objects, objects_before,
        "no object may outlive its run"
    );
}
