//! Generated async programs, for `cargo xtask explore`: a small tree of scheduling and
//! AsyncLocalStorage operations, rendered as a case script, generated from a seed and made
//! smaller by removing and unwrapping nodes.
//!
//! A program is deterministic on Node by construction: it uses one source of macrotasks
//! (timers of one delay, or immediates, never both, since which of a timer and an immediate
//! runs first depends on the machine's speed), and otherwise only ticks, microtasks, promise
//! jobs and synchronous calls, whose order the event loop fixes. Every block of a program
//! observes its context with `trace('t<N>', a0.getStore(), a1.getStore())` at least once; the
//! labels are fixed at generation, so that a smaller program's lines keep their names.

use std::fmt::Write as _;

/// A seeded generator of numbers (splitmix64): the same seed gives the same programs on every
/// machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// How a program defers work to a later turn of the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Macrotask {
    /// `setTimeout(fn, 1)`, every timer with the same delay (so they run in creation order).
    Timer,
    /// `setImmediate(fn)`.
    Immediate,
}

/// One operation of a program; those with a body run it in the context the operation gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// `trace('t<N>', a0.getStore(), a1.getStore())`.
    Trace(u32),
    /// `a<als>.run('v<value>', () => { body })`.
    Run {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
    /// `a<als>.exit(() => { body })`.
    Exit { als: u8, body: Vec<Node> },
    /// `a<als>.enterWith('v<value>')`.
    EnterWith { als: u8, value: u32 },
    /// `a<als>.disable()`.
    Disable { als: u8 },
    /// `process.nextTick(() => { body })`.
    Tick(Vec<Node>),
    /// `queueMicrotask(() => { body })`.
    Microtask(Vec<Node>),
    /// `Promise.resolve().then(() => { body })`.
    Then(Vec<Node>),
    /// An async function that awaits `times` times, then runs its body; called at once.
    Await { times: u8, body: Vec<Node> },
    /// An async function awaiting a thenable whose `then` runs the body.
    Thenable(Vec<Node>),
    /// `for await` over an async generator that yields once; the body runs in the loop.
    AsyncGen(Vec<Node>),
    /// The program's macrotask (a timer or an immediate) with the body as its callback.
    Later(Vec<Node>),
    /// An EventEmitter whose listener (the body) is added here and emitted inside
    /// `a<als>.run('v<value>')`.
    Emit {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
    /// An AsyncResource made here, whose `runInAsyncScope` runs the body inside
    /// `a<als>.run('v<value>')`.
    Resource {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
    /// `AsyncLocalStorage.bind()` of the body here, called inside `a<als>.run('v<value>')`.
    Bound {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
    /// `AsyncLocalStorage.snapshot()` here, its runner called with the body inside
    /// `a<als>.run('v<value>')`.
    Snapshot {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
}

impl Node {
    /// The operation's name, as signatures and titles give it.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Trace(_) => "trace",
            Node::Run { .. } => "run",
            Node::Exit { .. } => "exit",
            Node::EnterWith { .. } => "enterWith",
            Node::Disable { .. } => "disable",
            Node::Tick(_) => "nextTick",
            Node::Microtask(_) => "queueMicrotask",
            Node::Then(_) => "then",
            Node::Await { .. } => "await",
            Node::Thenable(_) => "thenable",
            Node::AsyncGen(_) => "for-await",
            Node::Later(_) => "later",
            Node::Emit { .. } => "emit",
            Node::Resource { .. } => "runInAsyncScope",
            Node::Bound { .. } => "bind",
            Node::Snapshot { .. } => "snapshot",
        }
    }

    pub fn body(&self) -> Option<&Vec<Node>> {
        match self {
            Node::Run { body, .. }
            | Node::Exit { body, .. }
            | Node::Await { body, .. }
            | Node::Emit { body, .. }
            | Node::Resource { body, .. }
            | Node::Bound { body, .. }
            | Node::Snapshot { body, .. }
            | Node::Tick(body)
            | Node::Microtask(body)
            | Node::Then(body)
            | Node::Thenable(body)
            | Node::AsyncGen(body)
            | Node::Later(body) => Some(body),
            Node::Trace(_) | Node::EnterWith { .. } | Node::Disable { .. } => None,
        }
    }

    fn body_mut(&mut self) -> Option<&mut Vec<Node>> {
        match self {
            Node::Run { body, .. }
            | Node::Exit { body, .. }
            | Node::Await { body, .. }
            | Node::Emit { body, .. }
            | Node::Resource { body, .. }
            | Node::Bound { body, .. }
            | Node::Snapshot { body, .. }
            | Node::Tick(body)
            | Node::Microtask(body)
            | Node::Then(body)
            | Node::Thenable(body)
            | Node::AsyncGen(body)
            | Node::Later(body) => Some(body),
            Node::Trace(_) | Node::EnterWith { .. } | Node::Disable { .. } => None,
        }
    }
}

/// A generated program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub macrotask: Macrotask,
    pub body: Vec<Node>,
}

/// How big and how deep generated programs are.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Nesting depth of operations with a body.
    pub depth: u32,
    /// Statements per block, at most.
    pub width: u32,
}

impl Default for Shape {
    fn default() -> Shape {
        Shape { depth: 3, width: 3 }
    }
}

struct Gen<'a> {
    rng: &'a mut Rng,
    labels: u32,
    values: u32,
}

impl Gen<'_> {
    fn label(&mut self) -> Node {
        self.labels += 1;
        Node::Trace(self.labels)
    }

    fn value(&mut self) -> u32 {
        self.values += 1;
        self.values
    }

    fn als(&mut self) -> u8 {
        self.rng.below(2) as u8
    }

    fn block(&mut self, depth: u32, shape: Shape) -> Vec<Node> {
        let n = 1 + self.rng.below(shape.width as u64) as u32;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(self.node(depth, shape));
        }
        // Every context is observed at least once, most often at the end of its block.
        if !out.iter().any(|n| matches!(n, Node::Trace(_))) || self.rng.chance(40) {
            let t = self.label();
            out.push(t);
        }
        out
    }

    fn node(&mut self, depth: u32, shape: Shape) -> Node {
        if depth == 0 || self.rng.chance(20) {
            // Mostly observations, some stores entered, rarely an instance disabled (which
            // clears everything after it, so it would otherwise hide what comes later).
            return match self.rng.below(20) {
                0..=4 => Node::EnterWith {
                    als: self.als(),
                    value: self.value(),
                },
                5 => Node::Disable { als: self.als() },
                _ => self.label(),
            };
        }
        let d = depth - 1;
        // Weighted: run() most often, so that stores are set for the paths to carry.
        match self.rng.below(19) {
            0..=2 => Node::Run {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            3 => Node::Exit {
                als: self.als(),
                body: self.block(d, shape),
            },
            4 => Node::Tick(self.block(d, shape)),
            5 => Node::Microtask(self.block(d, shape)),
            6 => Node::Then(self.block(d, shape)),
            7 | 8 => Node::Await {
                times: 1 + self.rng.below(3) as u8,
                body: self.block(d, shape),
            },
            9 | 10 => Node::Thenable(self.block(d, shape)),
            11 => Node::AsyncGen(self.block(d, shape)),
            12 | 13 => Node::Later(self.block(d, shape)),
            14 => Node::Emit {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            15 => Node::Resource {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            16 => Node::Bound {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            17 => Node::Snapshot {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            _ => Node::EnterWith {
                als: self.als(),
                value: self.value(),
            },
        }
    }
}

impl Program {
    /// The program of `seed`.
    pub fn generate(seed: u64, shape: Shape) -> Program {
        let mut rng = Rng::new(seed);
        let macrotask = if rng.chance(50) {
            Macrotask::Timer
        } else {
            Macrotask::Immediate
        };
        let mut g = Gen {
            rng: &mut rng,
            labels: 0,
            values: 0,
        };
        let body = g.block(shape.depth, shape);
        Program { macrotask, body }
    }

    /// Nodes in the program (what the minimiser makes smaller).
    pub fn size(&self) -> usize {
        fn count(b: &[Node]) -> usize {
            b.iter().map(|n| 1 + n.body().map_or(0, |b| count(b))).sum()
        }
        count(&self.body)
    }

    /// The operations enclosing the `trace` labelled `label`, outermost first.
    pub fn path_to(&self, label: u32) -> Option<Vec<&'static str>> {
        fn find(b: &[Node], label: u32, path: &mut Vec<&'static str>) -> bool {
            for n in b {
                if *n == Node::Trace(label) {
                    return true;
                }
                if let Some(body) = n.body() {
                    path.push(n.kind());
                    if find(body, label, path) {
                        return true;
                    }
                    path.pop();
                }
            }
            false
        }
        let mut path = Vec::new();
        find(&self.body, label, &mut path).then_some(path)
    }

    /// Every kind of operation the program uses.
    pub fn kinds(&self) -> Vec<&'static str> {
        fn walk(b: &[Node], out: &mut Vec<&'static str>) {
            for n in b {
                if !out.contains(&n.kind()) {
                    out.push(n.kind());
                }
                if let Some(body) = n.body() {
                    walk(body, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.body, &mut out);
        out
    }

    /// The case features (`cases/features.txt`) the script uses.
    pub fn features(&self) -> Vec<&'static str> {
        let mut f = vec!["AsyncLocalStorage"];
        for k in self.kinds() {
            let more: &[&str] = match k {
                "nextTick" => &["process.nextTick"],
                "queueMicrotask" => &["queueMicrotask"],
                "then" => &["promise"],
                "await" => &["await"],
                "thenable" => &["thenable", "await"],
                "for-await" => &["async-generator", "await"],
                "later" => match self.macrotask {
                    Macrotask::Timer => &["setTimeout"],
                    Macrotask::Immediate => &["setImmediate"],
                },
                "emit" => &["EventEmitter"],
                "runInAsyncScope" => &["AsyncResource"],
                "bind" => &["AsyncLocalStorage.bind"],
                "snapshot" => &["AsyncLocalStorage.snapshot"],
                _ => &[],
            };
            for m in more {
                if !f.contains(m) {
                    f.push(m);
                }
            }
        }
        f
    }

    /// The case script (CommonJS).
    pub fn render(&self) -> String {
        let mut o = String::new();
        o.push_str("const { AsyncLocalStorage, AsyncResource } = require('node:async_hooks');\n");
        if self.kinds().contains(&"emit") {
            o.push_str("const { EventEmitter } = require('node:events');\n");
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

    /// Every program one step smaller: each node removed, each node with a body replaced by
    /// its body, each `await` made single. Each is strictly smaller (in [`Program::size`] or,
    /// for awaits, in the number of awaits), so a minimiser that takes them never grows.
    pub fn smaller(&self) -> Vec<Program> {
        let mut out = Vec::new();
        let paths = self.positions();
        for path in &paths {
            // Remove the node.
            let mut p = self.clone();
            let (block, i) = p.block_at(path);
            block.remove(i);
            out.push(p);
            // Replace it by its body.
            let mut p = self.clone();
            let (block, i) = p.block_at(path);
            if let Some(body) = block[i].body_mut().map(std::mem::take) {
                block.splice(i..=i, body);
                out.push(p);
            }
            // One await instead of several.
            let mut p = self.clone();
            let (block, i) = p.block_at(path);
            if let Node::Await { times, .. } = &mut block[i] {
                if *times > 1 {
                    *times = 1;
                    out.push(p);
                }
            }
        }
        // Bigger removals first: the minimiser tries them in order.
        out.sort_by_key(Program::size);
        out
    }

    /// Paths (indices from the root) of every node, outermost first.
    fn positions(&self) -> Vec<Vec<usize>> {
        fn walk(b: &[Node], prefix: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
            for (i, n) in b.iter().enumerate() {
                prefix.push(i);
                out.push(prefix.clone());
                if let Some(body) = n.body() {
                    walk(body, prefix, out);
                }
                prefix.pop();
            }
        }
        let mut out = Vec::new();
        walk(&self.body, &mut Vec::new(), &mut out);
        out
    }

    /// The block holding the node at `path`, and its index there.
    fn block_at(&mut self, path: &[usize]) -> (&mut Vec<Node>, usize) {
        let (last, parents) = path.split_last().expect("a path names a node");
        let mut block = &mut self.body;
        for &i in parents {
            block = block[i]
                .body_mut()
                .expect("a path goes through nodes with a body");
        }
        (block, *last)
    }

    /// The number of awaits, the second measure of size (see [`Program::smaller`]).
    pub fn awaits(&self) -> usize {
        fn walk(b: &[Node]) -> usize {
            b.iter()
                .map(|n| {
                    let own = match n {
                        Node::Await { times, .. } => *times as usize,
                        _ => 0,
                    };
                    own + n.body().map_or(0, |b| walk(b))
                })
                .sum()
        }
        walk(&self.body)
    }
}

/// Make `program` as small as `keeps` allows: take any one-step-smaller program that still
/// keeps the property (the same disagreement), until none does or `budget` checks are spent.
/// Returns the smallest program found and the checks made.
pub fn minimise(
    program: &Program,
    budget: usize,
    mut keeps: impl FnMut(&Program) -> bool,
) -> (Program, usize) {
    let mut best = program.clone();
    let mut checks = 0;
    'outer: while checks < budget {
        for candidate in best.smaller() {
            if checks >= budget {
                break 'outer;
            }
            let smaller = candidate.size() < best.size()
                || (candidate.size() == best.size() && candidate.awaits() < best.awaits());
            if !smaller {
                continue;
            }
            checks += 1;
            if keeps(&candidate) {
                best = candidate;
                continue 'outer;
            }
        }
        break;
    }
    (best, checks)
}

/// The shapes of a program that rules of the spec are about (`Program::patterns`).
#[path = "program_shapes.rs"]
mod shapes;

#[cfg(test)]
#[path = "program_tests.rs"]
mod tests;
