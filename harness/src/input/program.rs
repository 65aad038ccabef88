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

/// An I/O operation of the families the reference models; its body is the operation's
/// callback or the code after the awaited operation. Which of two I/O operations (or an I/O
/// operation and a timer) finishes first depends on the machine, so a program with I/O
/// declares the order of its trace lines free and is compared by the stores each line sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoOp {
    /// `fs.readFile(__filename, cb)`.
    ReadFile,
    /// `await fs.promises.stat(__filename)` in an async function.
    FsPromise,
    /// `crypto.randomBytes(8, cb)`.
    RandomBytes,
    /// `zlib.deflate('x', cb)`.
    Deflate,
    /// `await require('node:timers/promises').setTimeout(1)` in an async function.
    TimersPromise,
}

impl IoOp {
    const ALL: [IoOp; 5] = [
        IoOp::ReadFile,
        IoOp::FsPromise,
        IoOp::RandomBytes,
        IoOp::Deflate,
        IoOp::TimersPromise,
    ];

    /// The operation's name, as signatures and titles give it.
    pub fn kind(self) -> &'static str {
        match self {
            IoOp::ReadFile => "fs.readFile",
            IoOp::FsPromise => "fs.promises",
            IoOp::RandomBytes => "crypto.randomBytes",
            IoOp::Deflate => "zlib.deflate",
            IoOp::TimersPromise => "timers/promises",
        }
    }
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
    /// `setInterval(fn, 1)` that runs the body twice, then clears itself (timer programs only:
    /// an interval is a timer).
    Interval(Vec<Node>),
    /// A promise rejected here with no handler; the body runs in a `process` `unhandledRejection`
    /// listener added here for that promise alone.
    Rejection(Vec<Node>),
    /// An EventEmitter whose listener (the body) is added here and emitted inside
    /// `a<als>.run('v<value>')`.
    Emit {
        als: u8,
        value: u32,
        body: Vec<Node>,
    },
    /// An `EventEmitterAsyncResource` made here, whose listener (the body) is added here and
    /// emitted inside `a<als>.run('v<value>')`.
    EmitterResource {
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
    /// `AsyncResource.bind()` of the body here, called inside `a<als>.run('v<value>')`.
    ResourceBind {
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
    /// An I/O operation whose callback (or continuation) is the body.
    Io { op: IoOp, body: Vec<Node> },
}

/// `$body` of every node that has one, for [`Node::body`] and [`Node::body_mut`] alike.
macro_rules! body_of {
    ($node:expr) => {
        match $node {
            Node::Run { body, .. }
            | Node::Exit { body, .. }
            | Node::Await { body, .. }
            | Node::Emit { body, .. }
            | Node::EmitterResource { body, .. }
            | Node::Resource { body, .. }
            | Node::ResourceBind { body, .. }
            | Node::Bound { body, .. }
            | Node::Snapshot { body, .. }
            | Node::Io { body, .. }
            | Node::Tick(body)
            | Node::Microtask(body)
            | Node::Then(body)
            | Node::Thenable(body)
            | Node::AsyncGen(body)
            | Node::Later(body)
            | Node::Interval(body)
            | Node::Rejection(body) => Some(body),
            Node::Trace(_) | Node::EnterWith { .. } | Node::Disable { .. } => None,
        }
    };
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
            Node::Interval(_) => "setInterval",
            Node::Rejection(_) => "unhandledRejection",
            Node::Emit { .. } => "emit",
            Node::EmitterResource { .. } => "EventEmitterAsyncResource",
            Node::Resource { .. } => "runInAsyncScope",
            Node::ResourceBind { .. } => "AsyncResource.bind",
            Node::Bound { .. } => "bind",
            Node::Snapshot { .. } => "snapshot",
            Node::Io { op, .. } => op.kind(),
        }
    }

    pub fn body(&self) -> Option<&Vec<Node>> {
        body_of!(self)
    }

    fn body_mut(&mut self) -> Option<&mut Vec<Node>> {
        body_of!(self)
    }
}

/// A generated program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub macrotask: Macrotask,
    /// The resource types whose hook events the trace shows, through the prelude's hook
    /// recorder; none installs no hook. A program with I/O records none: the requests the
    /// runtimes make for I/O differ in kind and number.
    pub hooks: Vec<&'static str>,
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

impl Program {
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
        if !self.hooks.is_empty() {
            f.push("createHook");
        }
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
                "setInterval" => &["setInterval"],
                "unhandledRejection" => &["unhandledRejection"],
                "emit" => &["EventEmitter"],
                "EventEmitterAsyncResource" => &["EventEmitterAsyncResource"],
                "runInAsyncScope" | "AsyncResource.bind" => &["AsyncResource"],
                "fs.readFile" | "fs.promises" => &["fs"],
                "crypto.randomBytes" => &["crypto"],
                "zlib.deflate" => &["zlib"],
                "timers/promises" => &["timers-promises"],
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

/// Generating a program from a seed (`Program::generate`).
#[path = "program_gen.rs"]
mod gen;

/// The case script of a program (`Program::render`).
#[path = "program_render.rs"]
mod render;

/// The shapes of a program that rules of the spec are about (`Program::patterns`).
#[path = "program_shapes.rs"]
mod shapes;

#[cfg(test)]
#[path = "program_tests.rs"]
mod tests;
