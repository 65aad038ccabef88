//! Rendering a program as a case script (CommonJS): each operation is one or two lines
//! around its body, so that a minimised program reads as the few lines that matter.

use std::fmt::Write as _;

use super::{IoOp, Macrotask, Node, Program};

impl Program {
    /// The case script (CommonJS).
    pub fn render(&self) -> String {
        let mut o = String::new();
        o.push_str("const { AsyncLocalStorage, AsyncResource } = require('node:async_hooks');\n");
        let kinds = self.kinds();
        // Only the modules the program uses: loading one is work the runtime does.
        let modules = [
            ("emit", "const { EventEmitter } = require('node:events');"),
            (
                "EventEmitterAsyncResource",
                "const { EventEmitterAsyncResource } = require('node:events');",
            ),
            ("fs.readFile", "const fs = require('node:fs');"),
            (
                "crypto.randomBytes",
                "const crypto = require('node:crypto');",
            ),
            ("zlib.deflate", "const zlib = require('node:zlib');"),
            (
                "timers/promises",
                "const timers = require('node:timers/promises');",
            ),
        ];
        for (kind, line) in modules {
            if kinds.contains(&kind) {
                o.push_str(line);
                o.push('\n');
            }
        }
        if kinds.contains(&"fs.promises") {
            o.push_str("const fsp = require('node:fs/promises');\n");
        }
        o.push_str("const a0 = new AsyncLocalStorage();\nconst a1 = new AsyncLocalStorage();\n");
        o.push_str("const at = (label) => trace(label, a0.getStore(), a1.getStore());\n");
        self.block(&mut o, &self.body, 0);
        o
    }

    fn block(&self, o: &mut String, b: &[Node], indent: usize) {
        for n in b {
            self.node(o, n, indent);
        }
    }

    fn node(&self, o: &mut String, n: &Node, indent: usize) {
        let pad = "  ".repeat(indent);
        let open = |o: &mut String, head: &str| {
            let _ = writeln!(o, "{pad}{head}");
        };
        let body = |o: &mut String, b: &Vec<Node>, head: &str, tail: &str| {
            open(o, head);
            self.block(o, b, indent + 1);
            let _ = writeln!(o, "{pad}{tail}");
        };
        match n {
            Node::Trace(l) => {
                let _ = writeln!(o, "{pad}at('t{l}');");
            }
            Node::EnterWith { als, value } => {
                let _ = writeln!(o, "{pad}a{als}.enterWith('v{value}');");
            }
            Node::Disable { als } => {
                let _ = writeln!(o, "{pad}a{als}.disable();");
            }
            Node::Run {
                als,
                value,
                body: b,
            } => body(o, b, &format!("a{als}.run('v{value}', () => {{"), "});"),
            Node::Exit { als, body: b } => body(o, b, &format!("a{als}.exit(() => {{"), "});"),
            Node::Tick(b) => body(o, b, "process.nextTick(() => {", "});"),
            Node::Microtask(b) => body(o, b, "queueMicrotask(() => {", "});"),
            Node::Then(b) => body(o, b, "Promise.resolve().then(() => {", "});"),
            Node::Await { times, body: b } => {
                let awaits = "await null; ".repeat(*times as usize);
                body(
                    o,
                    b,
                    &format!("(async () => {{ {}", awaits.trim_end()),
                    "})();",
                )
            }
            Node::Thenable(b) => body(
                o,
                b,
                "(async () => { await { then(resolve) {",
                "  resolve(); } }; })();",
            ),
            Node::AsyncGen(b) => body(
                o,
                b,
                "(async () => { for await (const _ of (async function* () { yield 1; })()) {",
                "} })();",
            ),
            Node::Later(b) => match self.macrotask {
                Macrotask::Timer => body(o, b, "setTimeout(() => {", "}, 1);"),
                Macrotask::Immediate => body(o, b, "setImmediate(() => {", "});"),
            },
            Node::Interval(b) => body(
                o,
                b,
                "{ let n = 0; const i = setInterval(() => { if (++n === 2) clearInterval(i);",
                "}, 1); }",
            ),
            Node::Rejection(b) => body(
                o,
                b,
                "{ const r = new Error('rejected'); const h = (e) => { if (e !== r) return; process.off('unhandledRejection', h);",
                "}; process.on('unhandledRejection', h); Promise.reject(r); }",
            ),
            Node::EmitterResource {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const e = new EventEmitterAsyncResource({ name: 'Explored' }); e.on('x', () => {",
                &format!("}}); a{als}.run('v{value}', () => e.emit('x')); }}"),
            ),
            Node::ResourceBind {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const f = AsyncResource.bind(() => {",
                &format!("}}); a{als}.run('v{value}', f); }}"),
            ),
            Node::Io { op, body: b } => {
                let (head, tail) = match op {
                    IoOp::ReadFile => ("fs.readFile(__filename, () => {", "});"),
                    IoOp::FsPromise => ("(async () => { await fsp.stat(__filename);", "})();"),
                    IoOp::RandomBytes => ("crypto.randomBytes(8, () => {", "});"),
                    IoOp::Deflate => ("zlib.deflate('x', () => {", "});"),
                    IoOp::TimersPromise => ("(async () => { await timers.setTimeout(1);", "})();"),
                };
                body(o, b, head, tail)
            }
            Node::Emit {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const e = new EventEmitter(); e.on('x', () => {",
                &format!("}}); a{als}.run('v{value}', () => e.emit('x')); }}"),
            ),
            Node::Resource {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const r = new AsyncResource('Explored'); const f = () => {",
                &format!("}}; a{als}.run('v{value}', () => r.runInAsyncScope(f)); }}"),
            ),
            Node::Bound {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const f = AsyncLocalStorage.bind(() => {",
                &format!("}}); a{als}.run('v{value}', f); }}"),
            ),
            Node::Snapshot {
                als,
                value,
                body: b,
            } => body(
                o,
                b,
                "{ const s = AsyncLocalStorage.snapshot(); const f = () => {",
                &format!("}}; a{als}.run('v{value}', () => s(f)); }}"),
            ),
        }
    }
}
