//! Generating a program from a seed. Which operations a block may hold depends on two choices
//! made once per program, first: its macrotask (timers or immediates, never both) and whether
//! it does I/O (then it records no hooks and disables no instance, see [`super::IoOp`]).

use super::{IoOp, Macrotask, Node, Program, Rng, Shape};

/// Resource types a program may ask the hook recorder to show. Node reports `destroy` events of
/// non-promise resources from the loop's check phase, so whether a destroy comes before or after
/// a timer's callback depends on how soon the loop gets there: a program of timers shows only
/// types that are not destroyed while it runs (promises and the program's own resources,
/// destroyed when collected). `Explored` is the type of the program's AsyncResources and
/// EventEmitterAsyncResources.
const HOOK_TYPES_WITH_TIMERS: [&str; 2] = ["PROMISE", "Explored"];
const HOOK_TYPES_WITH_IMMEDIATES: [&str; 5] = [
    "Immediate",
    "TickObject",
    "Microtask",
    "PROMISE",
    "Explored",
];

struct Gen<'a> {
    rng: &'a mut Rng,
    labels: u32,
    values: u32,
    macrotask: Macrotask,
    io: bool,
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
            // clears everything after it, so it would otherwise hide what comes later; with
            // I/O, whether a line comes after it would depend on the machine).
            return match self.rng.below(20) {
                0..=4 => Node::EnterWith {
                    als: self.als(),
                    value: self.value(),
                },
                5 if !self.io => Node::Disable { als: self.als() },
                _ => self.label(),
            };
        }
        let d = depth - 1;
        // Weighted: run() most often, so that stores are set for the paths to carry.
        match self.rng.below(25) {
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
            // An interval is a timer: a program of immediates has a later() instead.
            18 => match self.macrotask {
                Macrotask::Timer => Node::Interval(self.block(d, shape)),
                Macrotask::Immediate => Node::Later(self.block(d, shape)),
            },
            19 => Node::Rejection(self.block(d, shape)),
            20 => Node::ResourceBind {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            21 => Node::EmitterResource {
                als: self.als(),
                value: self.value(),
                body: self.block(d, shape),
            },
            22 | 23 if self.io => Node::Io {
                op: IoOp::ALL[self.rng.below(IoOp::ALL.len() as u64) as usize],
                body: self.block(d, shape),
            },
            22 | 23 => Node::Run {
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

    /// One or two hook types that the program's macrotask allows.
    fn hook_types(&mut self) -> Vec<&'static str> {
        let types: &[&'static str] = match self.macrotask {
            Macrotask::Timer => &HOOK_TYPES_WITH_TIMERS,
            Macrotask::Immediate => &HOOK_TYPES_WITH_IMMEDIATES,
        };
        let want = 1 + self.rng.below(2) as usize;
        let mut out = Vec::new();
        while out.len() < want {
            let t = types[self.rng.below(types.len() as u64) as usize];
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
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
        let io = rng.chance(25);
        let hooked = !io && rng.chance(30);
        let mut g = Gen {
            rng: &mut rng,
            labels: 0,
            values: 0,
            macrotask,
            io,
        };
        let hooks = if hooked { g.hook_types() } else { Vec::new() };
        let body = g.block(shape.depth, shape);
        Program {
            macrotask,
            hooks,
            body,
        }
    }

    /// Whether the program does I/O, so that the order of its trace lines is free.
    pub fn has_io(&self) -> bool {
        fn walk(b: &[Node]) -> bool {
            b.iter()
                .any(|n| matches!(n, Node::Io { .. }) || n.body().is_some_and(|b| walk(b)))
        }
        walk(&self.body)
    }
}
