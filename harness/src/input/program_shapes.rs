//! Shapes of a generated program that rules of the spec are about: the explorer cites the
//! requirements they stand for and looks for a known cause by them.

use super::{Node, Program};

impl Program {
    /// Shapes of the program that rules of the spec are about, beyond its operations:
    /// `enterWith-in-other-run` (an instance's `enterWith()` directly inside another
    /// instance's `run()`), `run-in-other-run`, `async-in-exit` (work deferred inside
    /// `exit()`), `exit-in-other-run`, `disable-then-run` (an instance used again after
    /// `disable()`), `tick-and-microtask-in-main` / `-in-callback` (a tick beside microtask
    /// work in one block), `tick-in-microtask` (a tick queued by a promise job or microtask),
    /// `timer-in-interval` (a timer made by an interval's callback), `in-rejection-listener`
    /// (anything inside an `unhandledRejection` listener).
    pub fn patterns(&self) -> Vec<&'static str> {
        // The instance a node enters a store of, for its body: a run(), and the operations
        // that call their body inside another instance's run() (emit, runInAsyncScope, a bound
        // function, a snapshot's runner) count as runs of that instance.
        fn als_of(n: &Node) -> Option<u8> {
            match n {
                Node::Run { als, .. }
                | Node::Exit { als, .. }
                | Node::EnterWith { als, .. }
                | Node::Disable { als }
                | Node::Emit { als, .. }
                | Node::EmitterResource { als, .. }
                | Node::Resource { als, .. }
                | Node::ResourceBind { als, .. }
                | Node::Bound { als, .. }
                | Node::Snapshot { als, .. } => Some(*als),
                _ => None,
            }
        }
        fn as_run(n: &Node) -> &'static str {
            match n {
                Node::Emit { .. }
                | Node::EmitterResource { .. }
                | Node::Resource { .. }
                | Node::ResourceBind { .. }
                | Node::Bound { .. }
                | Node::Snapshot { .. } => "run",
                _ => n.kind(),
            }
        }
        fn walk(
            b: &[Node],
            timers: bool,
            parents: &mut Vec<(&'static str, Option<u8>)>,
            out: &mut Vec<&'static str>,
            disabled: &mut Vec<u8>,
        ) {
            // A tick beside microtask work in one block: which runs first is the loop's rule
            // (in the main module, or after a callback returns).
            let micro = |n: &Node| {
                matches!(
                    n,
                    Node::Microtask(_)
                        | Node::Then(_)
                        | Node::Await { .. }
                        | Node::Thenable(_)
                        | Node::AsyncGen(_)
                )
            };
            if b.iter().any(|n| matches!(n, Node::Tick(_))) && b.iter().any(micro) {
                let p = if parents.is_empty() {
                    "tick-and-microtask-in-main"
                } else {
                    "tick-and-microtask-in-callback"
                };
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            for n in b {
                let mut add = |p: &'static str| {
                    if !out.contains(&p) {
                        out.push(p);
                    }
                };
                let parent = parents.last().copied();
                match (n, parent) {
                    (Node::EnterWith { als, .. }, Some(("run", Some(o)))) if o != *als => {
                        add("enterWith-in-other-run")
                    }
                    (Node::Run { als, .. }, Some(("run", Some(o)))) if o != *als => {
                        add("run-in-other-run")
                    }
                    (Node::Exit { als, .. }, Some(("run", Some(o)))) if o != *als => {
                        add("exit-in-other-run")
                    }
                    _ => {}
                }
                if let Node::Disable { als } = n {
                    disabled.push(*als);
                }
                if let Node::Run { als, .. }
                | Node::EnterWith { als, .. }
                | Node::Emit { als, .. }
                | Node::EmitterResource { als, .. }
                | Node::Resource { als, .. }
                | Node::ResourceBind { als, .. }
                | Node::Bound { als, .. }
                | Node::Snapshot { als, .. } = n
                {
                    if disabled.contains(als) {
                        add("disable-then-run");
                    }
                }
                let deferred = matches!(
                    n,
                    Node::Tick(_)
                        | Node::Microtask(_)
                        | Node::Then(_)
                        | Node::Await { .. }
                        | Node::Thenable(_)
                        | Node::AsyncGen(_)
                        | Node::Later(_)
                        | Node::Interval(_)
                        | Node::Rejection(_)
                        | Node::Io { .. }
                );
                if deferred && parents.iter().any(|(k, _)| *k == "exit") {
                    add("async-in-exit");
                }
                // A tick queued by a promise job or a microtask waits for that queue to drain.
                let in_micro = parents.iter().any(|(k, _)| {
                    matches!(
                        *k,
                        "queueMicrotask"
                            | "then"
                            | "await"
                            | "thenable"
                            | "for-await"
                            | "fs.promises"
                            | "timers/promises"
                    )
                });
                if matches!(n, Node::Tick(_)) && in_micro {
                    add("tick-in-microtask");
                }
                // A timer made by an interval's callback: which runs first, it or the
                // interval's next run, is a rule of its own.
                let timer =
                    matches!(n, Node::Interval(_)) || (matches!(n, Node::Later(_)) && timers);
                if timer && parents.iter().any(|(k, _)| *k == "setInterval") {
                    add("timer-in-interval");
                }
                // What an unhandledRejection listener runs sees the listener's context first.
                if parents.iter().any(|(k, _)| *k == "unhandledRejection") {
                    add("in-rejection-listener");
                }
                if let Some(body) = n.body() {
                    parents.push((as_run(n), als_of(n)));
                    walk(body, timers, parents, out, disabled);
                    parents.pop();
                }
            }
        }
        let mut out = Vec::new();
        let timers = self.macrotask == super::Macrotask::Timer;
        walk(
            &self.body,
            timers,
            &mut Vec::new(),
            &mut out,
            &mut Vec::new(),
        );
        out
    }
}
