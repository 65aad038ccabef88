//! The reference's `node:async_hooks` surface against real Node 26, call by call.
//!
//! The corpus pins chosen messages and the provider table case by case; this test sweeps the
//! whole argument surface instead. It generates one JavaScript program that calls every member
//! of `node:async_hooks` (and `EventEmitterAsyncResource`) that validates an argument, an option
//! or its receiver, once with each value of a fixed set of bad arguments, and prints one line per
//! call: `ok` and the kind of value returned, or the thrown error's class, `code` and full
//! message (the class alone for errors without a `code`, whose wording is the engine's and not
//! traced: spec MSG-010). It then lists `asyncWrapProviders` (names and numbers in key order)
//! and whether the table is frozen. The program runs once on `node@26` and once on the
//! reference, and the two outputs must be equal line for line.
//!
//! The program writes its lines to the trace channel (fd 3) when it has one and to stdout
//! otherwise, so the copy kept at `target/tmp/reference-surface/surface.cjs` runs as it is:
//! `node target/tmp/reference-surface/surface.cjs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use harness::exec::runtimes::Registry;
use harness::input::project::Project;

/// The runtime the reference must match (spec/depth.md: Node 26 is the normative baseline).
const NODE: &str = "node@26";

/// The program's file name: CommonJS on both runtimes.
const MAIN: &str = "surface.cjs";

/// What separates a call's label from its outcome in the program's lines (the prologue and
/// epilogue write it literally).
const SEP: &str = " -> ";

/// Bad arguments: a label and a JavaScript expression, evaluated afresh for every call.
const VALUES: &[(&str, &str)] = &[
    ("undefined", "undefined"),
    ("null", "null"),
    ("true", "true"),
    ("0", "0"),
    ("-0", "-0"),
    ("-1", "-1"),
    ("-2", "-2"),
    ("1.5", "1.5"),
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ("2**53", "2 ** 53"),
    ("''", "''"),
    ("'str'", "'str'"),
    ("long string", "'abcdefghijklmnopqrstuvwxyz0123456789'"),
    ("string with quotes", r#"'it\'s "quoted"'"#),
    ("string with escapes", r#"'back\\slash\nline\ttab'"#),
    ("Symbol('s')", "Symbol('s')"),
    ("10n", "10n"),
    ("[]", "[]"),
    ("[1,2]", "[1, 2]"),
    ("nested array", "[[1, [2]], 'a']"),
    ("{}", "({})"),
    ("{ a: { b: 1 } }", "({ a: { b: 1 }, 'c-d': 's' })"),
    (
        "named class instance",
        "new (class Point { constructor() { this.x = 1; this.y = { z: 2 }; } })()",
    ),
    ("null-prototype {}", "Object.create(null)"),
    (
        "null-prototype { k }",
        "Object.assign(Object.create(null), { k: 1 })",
    ),
    (
        "anonymous class instance",
        "new ((() => class { constructor() { this.q = 1; } })())()",
    ),
    (
        "object with own toString",
        "({ toString() { return 'custom'; } })",
    ),
    ("named function", "function named(a, b) { return a + b; }"),
    ("anonymous arrow", "(() => () => 1)()"),
    ("named class", "class Klass {}"),
    ("Map", "new Map([['k', { deep: [1] }]])"),
    ("Set", "new Set([1, 'two'])"),
    ("Date", "new Date(0)"),
    ("RegExp", "/re+/gi"),
    ("boxed string", "new String('boxed')"),
    ("boxed number", "new Number(3)"),
    ("string with a quote and escapes", r#"'it\'s\\back\nslash'"#),
    (
        "long string with a quote",
        r#"'it\'s a long string, longer than 28 characters'"#,
    ),
    (
        "anonymous class instance without fields",
        "new ((() => class {})())()",
    ),
    (
        "object with a fake constructor",
        "({ constructor: { name: 'Fake' } })",
    ),
    ("symbol-keyed object", "({ [Symbol('k')]: 1 })"),
    ("sparse array", "[1, , 3]"),
    (
        "object with Symbol.toPrimitive",
        "({ [Symbol.toPrimitive]() { return 'prim'; } })",
    ),
    (
        "class instance with toString",
        "new (class Tos { toString() { return 'tos'; } })()",
    ),
    ("bound function", "(function f() {}).bind(null)"),
    ("async function", "async function af() {}"),
    ("array of 7 numbers", "[1, 2, 3, 4, 5, 6, 7]"),
    (
        "array of 30 numbers",
        "Array.from({ length: 30 }, (_, i) => i * 7)",
    ),
    (
        "array of 120 numbers",
        "Array.from({ length: 120 }, (_, i) => i)",
    ),
    (
        "array of 8 strings",
        "['a', 'bb', 'ccc', 'dddd', 'e', 'f', 'g', 'h']",
    ),
    ("wide object", "({ a: 'x'.repeat(60), b: 2 })"),
    (
        "object with a long multi-line string",
        "({ s: 'first line of text\\nsecond line of a long text, long enough to be split in two by inspect' })",
    ),
    (
        "object with control characters",
        "({ s: 'tab\\tnul\\0del\\x7f\\ud800' })",
    ),
    ("array subclass instance", "new (class List extends Array {})()"),
];

/// Members that check an argument, an option or their receiver: a label and a JavaScript
/// expression of `v`, the bad value. `als`, `res`, `fn`, `withInitHook` and the module's
/// exports are in scope (see `PROLOGUE`).
const MEMBERS: &[(&str, &str)] = &[
    // AsyncLocalStorage
    ("new AsyncLocalStorage(v)", "new AsyncLocalStorage(v)"),
    (
        "new AsyncLocalStorage({ defaultValue: v })",
        "new AsyncLocalStorage({ defaultValue: v })",
    ),
    // Shown as `String(v)` when it is that (Date's string depends on the engine and the
    // time zone), else as it is.
    (
        "new AsyncLocalStorage({ name: v }).name",
        "((n) => (n === String(v) ? 'String(v)' : n))(new AsyncLocalStorage({ name: v }).name)",
    ),
    ("als.run(v, fn)", "als.run(v, fn)"),
    ("als.run(1, v)", "als.run(1, v)"),
    ("als.exit(v)", "als.exit(v)"),
    ("als.enterWith(v)", "als.enterWith(v)"),
    ("als.withScope(v)", "als.withScope(v)"),
    ("AsyncLocalStorage.bind(v)", "AsyncLocalStorage.bind(v)"),
    (
        "AsyncLocalStorage.snapshot(v)",
        "AsyncLocalStorage.snapshot(v)",
    ),
    (
        "AsyncLocalStorage.snapshot()(v)",
        "AsyncLocalStorage.snapshot()(v)",
    ),
    (
        "AsyncLocalStorage.prototype.getStore.call(v)",
        "AsyncLocalStorage.prototype.getStore.call(v)",
    ),
    (
        "AsyncLocalStorage.prototype.run.call(v, 1, fn)",
        "AsyncLocalStorage.prototype.run.call(v, 1, fn)",
    ),
    (
        "AsyncLocalStorage.prototype.exit.call(v, fn)",
        "AsyncLocalStorage.prototype.exit.call(v, fn)",
    ),
    (
        "AsyncLocalStorage.prototype.enterWith.call(v, 1)",
        "AsyncLocalStorage.prototype.enterWith.call(v, 1)",
    ),
    (
        "AsyncLocalStorage.prototype.disable.call(v)",
        "AsyncLocalStorage.prototype.disable.call(v)",
    ),
    (
        "AsyncLocalStorage.prototype.withScope.call(v, 1)",
        "AsyncLocalStorage.prototype.withScope.call(v, 1)",
    ),
    (
        "get AsyncLocalStorage.prototype.name on v",
        "Reflect.get(AsyncLocalStorage.prototype, 'name', v)",
    ),
    // AsyncResource
    ("new AsyncResource(v)", "new AsyncResource(v)"),
    (
        "new AsyncResource(v) with an init hook",
        "withInitHook(() => new AsyncResource(v))",
    ),
    ("new AsyncResource('T', v)", "new AsyncResource('T', v)"),
    (
        "new AsyncResource('T', { triggerAsyncId: v })",
        "new AsyncResource('T', { triggerAsyncId: v })",
    ),
    (
        "new AsyncResource('T', { requireManualDestroy: v })",
        "new AsyncResource('T', { requireManualDestroy: v })",
    ),
    ("res.runInAsyncScope(v)", "res.runInAsyncScope(v)"),
    ("res.runInAsyncScope(fn, v)", "res.runInAsyncScope(fn, v)"),
    ("res.bind(v)", "res.bind(v)"),
    ("res.bind(fn, v)", "res.bind(fn, v)"),
    ("res.emitDestroy(v)", "res.emitDestroy(v)"),
    ("AsyncResource.bind(v)", "AsyncResource.bind(v)"),
    ("AsyncResource.bind(fn, v)", "AsyncResource.bind(fn, v)"),
    (
        "AsyncResource.bind(fn, 'T', v)",
        "AsyncResource.bind(fn, 'T', v)",
    ),
    (
        "AsyncResource.bind(anonymous, v)",
        "AsyncResource.bind(() => 1, v)",
    ),
    (
        "AsyncResource.bind(function named v)",
        "AsyncResource.bind(Object.defineProperty(function () {}, 'name', { value: v }))",
    ),
    (
        "res.bind(function of length v).length",
        "res.bind(Object.defineProperty(() => 1, 'length', { value: v })).length",
    ),
    (
        "AsyncResource.prototype.asyncId.call(v)",
        "AsyncResource.prototype.asyncId.call(v)",
    ),
    (
        "AsyncResource.prototype.triggerAsyncId.call(v)",
        "AsyncResource.prototype.triggerAsyncId.call(v)",
    ),
    (
        "AsyncResource.prototype.emitDestroy.call(v)",
        "AsyncResource.prototype.emitDestroy.call(v)",
    ),
    (
        "AsyncResource.prototype.bind.call(v, fn)",
        "AsyncResource.prototype.bind.call(v, fn)",
    ),
    // createHook
    ("createHook(v)", "createHook(v)"),
    ("createHook({ init: v })", "createHook({ init: v })"),
    ("createHook({ before: v })", "createHook({ before: v })"),
    ("createHook({ after: v })", "createHook({ after: v })"),
    ("createHook({ destroy: v })", "createHook({ destroy: v })"),
    (
        "createHook({ promiseResolve: v })",
        "createHook({ promiseResolve: v })",
    ),
    (
        "createHook({ trackPromises: v })",
        "createHook({ trackPromises: v })",
    ),
    (
        "createHook({ promiseResolve, trackPromises: v })",
        "createHook({ promiseResolve() {}, trackPromises: v })",
    ),
    (
        "createHook({ init, after: v, destroy: 1 })",
        "createHook({ init() {}, after: v, destroy: 1 })",
    ),
    (
        "createHook({ destroy: v, trackPromises: v })",
        "createHook({ destroy: v, trackPromises: v })",
    ),
    (
        "AsyncHook.prototype.disable.call(v)",
        "Object.getPrototypeOf(createHook({})).disable.call(v)",
    ),
    ("executionAsyncId(v)", "executionAsyncId(v)"),
    ("triggerAsyncId(v)", "triggerAsyncId(v)"),
    ("executionAsyncResource(v)", "executionAsyncResource(v)"),
    // EventEmitterAsyncResource (node:events)
    (
        "new EventEmitterAsyncResource(v)",
        "new EventEmitterAsyncResource(v)",
    ),
    (
        "new EventEmitterAsyncResource({ name: v })",
        "new EventEmitterAsyncResource({ name: v })",
    ),
    (
        "new EventEmitterAsyncResource({ name, triggerAsyncId: v })",
        "new EventEmitterAsyncResource({ name: 'E', triggerAsyncId: v })",
    ),
    (
        "new EventEmitterAsyncResource({ name, requireManualDestroy: v })",
        "new EventEmitterAsyncResource({ name: 'E', requireManualDestroy: v })",
    ),
    (
        "new EventEmitterAsyncResource({ name, captureRejections: v })",
        "new EventEmitterAsyncResource({ name: 'E', captureRejections: v })",
    ),
    (
        "new (subclass of EventEmitterAsyncResource)(v)",
        "new Sub(v)",
    ),
];

/// What every generated program starts with: the module, the objects the calls use, and the
/// two ways of printing an outcome.
const PROLOGUE: &str = r#"'use strict';
// Generated by harness/tests/reference_surface.rs: every validating member of
// node:async_hooks crossed with a set of bad arguments, one line per call.
const fs = require('node:fs');
const asyncHooks = require('node:async_hooks');
const {
  AsyncLocalStorage, AsyncResource, createHook, executionAsyncId, triggerAsyncId,
  executionAsyncResource, asyncWrapProviders,
} = asyncHooks;
const { EventEmitterAsyncResource } = require('node:events');

const als = new AsyncLocalStorage();
const res = new AsyncResource('SURFACE');
const fn = () => 'result';
class Sub extends EventEmitterAsyncResource {}
function withInitHook(f) {
  const hook = createHook({ init() {} }).enable();
  try {
    return f();
  } finally {
    hook.disable();
  }
}

// The kind of value a call returned.
function kind(x) {
  if (x === null) return 'null';
  if (typeof x === 'function') return `function ${JSON.stringify(x.name)}`;
  if (typeof x === 'object') {
    const proto = Object.getPrototypeOf(x);
    return `object ${proto === null ? '(null prototype)' : proto.constructor.name}`;
  }
  if (typeof x === 'string') return `string ${JSON.stringify(x)}`;
  return typeof x;
}

// What a call threw: the class, and the code and message when the error has a code.
function thrown(e) {
  if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return `threw ${typeof e}`;
  const name = e.constructor && e.constructor.name;
  if (e.code === undefined) return `threw ${name}`;
  return `threw ${name} ${e.code} ${JSON.stringify(e.message)}`;
}

const lines = [];
function call(label, f) {
  let line;
  try {
    line = `ok ${kind(f())}`;
  } catch (e) {
    line = thrown(e);
  }
  lines.push(`${label} -> ${line}`);
}
"#;

/// What every generated program ends with: the provider table, then the lines written out.
const EPILOGUE: &str = r#"
for (const name of Object.keys(asyncWrapProviders)) {
  lines.push(`asyncWrapProviders.${name} -> ${asyncWrapProviders[name]}`);
}
lines.push(`asyncWrapProviders keys -> ${Object.keys(asyncWrapProviders).length}`);
lines.push(`Object.isFrozen(asyncWrapProviders) -> ${Object.isFrozen(asyncWrapProviders)}`);

// Under the harness, fd 3 is the trace channel (stdout keeps only its first 16 KiB); run by
// hand, the lines go to stdout.
let out = 1;
try {
  out = fs.openSync('/dev/fd/3', 'w');
} catch {}
const text = lines.join('\n') + '\n';
for (let off = 0; off < text.length;) off += fs.writeSync(out, text.slice(off));
"#;

/// Quote a label as a JavaScript string literal (labels hold no backslashes or newlines).
fn js_string(s: &str) -> String {
    assert!(!s.contains(['\\', '\n']) && !s.contains(SEP), "label {s:?}");
    format!("'{}'", s.replace('\'', "\\'"))
}

/// The program: the prologue, the values and members as tables, the loop that crosses them, and
/// the epilogue.
fn program() -> String {
    let mut js = String::from(PROLOGUE);
    js.push_str("\nconst values = [\n");
    for (label, expr) in VALUES {
        js.push_str(&format!("  [{}, () => ({expr})],\n", js_string(label)));
    }
    js.push_str("];\n\nconst members = [\n");
    for (label, expr) in MEMBERS {
        js.push_str(&format!("  [{}, (v) => ({expr})],\n", js_string(label)));
    }
    js.push_str(
        "];\n\nfor (const [member, f] of members) {\n  \
         for (const [value, make] of values) call(`${member} | v = ${value}`, () => f(make()));\n}\n",
    );
    js.push_str(EPILOGUE);
    js
}

/// The program's lines as a runtime wrote them, or why there are none.
fn lines_of(runtime: &str, channel: &[u8], stderr: &str, ended: &str) -> Vec<String> {
    let text = String::from_utf8_lossy(channel);
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.starts_with("Object.isFrozen(asyncWrapProviders) -> ")),
        "{runtime} did not run the program to its end ({ended}); stderr:\n{stderr}\noutput:\n{text}"
    );
    text.lines().map(str::to_string).collect()
}

fn run_node(project: &Project, file: &Path, dir: &Path) -> Vec<String> {
    let registry = Registry::load(&project.root).unwrap_or_else(|d| panic!("{d}"));
    assert!(
        registry.is_pinned_and_installed(NODE),
        "{NODE} is not installed: run `cargo xtask runtimes install {NODE}` (or `cargo xtask test`, \
         which installs what is missing), then run this test again"
    );
    let sandbox = harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"));
    let node = registry
        .prepare(NODE, &sandbox)
        .unwrap_or_else(|e| panic!("{NODE} cannot be used: {e}"));
    let out = node.run_file(file, dir, Duration::from_secs(60));
    lines_of(
        NODE,
        &out.channel,
        &out.stderr_head,
        &format!("{:?}", out.ended),
    )
}

fn run_reference(program: &str) -> Vec<String> {
    let dir = tempfile::Builder::new()
        .prefix("ah-surface-ref-")
        .tempdir()
        .unwrap();
    let mut opts = reference_impl::Options::new(dir.path().join("case"), PathBuf::from(MAIN));
    opts.root = "/case".to_string();
    opts.files = vec![(MAIN.to_string(), program.to_string(), false)];
    opts.timeout = Duration::from_secs(60);
    // The engine's stack guard needs a thread with about three times its stack limit.
    let out = std::thread::Builder::new()
        .name("reference runtime".into())
        .stack_size(32 * 1024 * 1024)
        .spawn(move || reference_impl::run(&opts))
        .unwrap()
        .join()
        .expect("the reference runtime does not panic");
    lines_of(
        "reference",
        &out.channel,
        &String::from_utf8_lossy(&out.stderr),
        &format!("{:?}", out.exit),
    )
}

#[test]
fn reference_surface_matches_node26_call_by_call() {
    let project = Project::locate();
    let js = program();
    // A copy to run by hand; the run itself uses a private directory.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reference-surface");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::write(keep.join(MAIN), &js).unwrap();

    let dir = tempfile::Builder::new()
        .prefix("ah-surface-")
        .tempdir()
        .unwrap();
    let file = dir.path().join(MAIN);
    std::fs::write(&file, &js).unwrap();
    let node = run_node(&project, &file, dir.path());
    let reference = run_reference(&js);

    let calls = MEMBERS.len() * VALUES.len();
    assert!(
        node.len() > calls,
        "{NODE} wrote {} lines for {calls} calls",
        node.len()
    );
    let label = |line: &str| line.split_once(SEP).map_or(line, |(l, _)| l).to_string();
    let mut diffs = Vec::new();
    for i in 0..node.len().max(reference.len()) {
        let (n, r) = (node.get(i), reference.get(i));
        if n == r {
            continue;
        }
        let n = n.map_or("(no line)", String::as_str);
        let r = r.map_or("(no line)", String::as_str);
        let (ln, lr) = (label(n), label(r));
        if ln == lr {
            let value = |l: &str| l.split_once(SEP).map_or("", |(_, o)| o).to_string();
            diffs.push(format!(
                "{ln}\n    {NODE}:   {}\n    reference: {}",
                value(n),
                value(r)
            ));
        } else {
            diffs.push(format!(
                "line {}\n    {NODE}:   {n}\n    reference: {r}",
                i + 1
            ));
        }
    }
    eprintln!(
        "{} lines compared ({calls} calls, {} provider lines); program: {}",
        node.len(),
        node.len() - calls,
        keep.join(MAIN).display()
    );
    // Enough to see every kind of difference, not so much that the first ones scroll away.
    const SHOWN: usize = 300;
    let count = diffs.len();
    if count > SHOWN {
        diffs.truncate(SHOWN);
        diffs.push(format!("... and {} more", count - SHOWN));
    }
    assert!(
        count == 0,
        "{count} of {} lines differ between {NODE} and the reference:\n\n{}",
        node.len(),
        diffs.join("\n")
    );
}
