//! Tests of generated programs: seeds, blocks, the macrotask rule, paths, minimising.
use super::*;

#[test]
fn the_same_seed_gives_the_same_program_and_others_differ() {
    let a = Program::generate(7, Shape::default());
    assert_eq!(a, Program::generate(7, Shape::default()));
    let distinct: std::collections::BTreeSet<String> = (0..50)
        .map(|s| Program::generate(s, Shape::default()).render())
        .collect();
    assert!(distinct.len() > 45, "{}", distinct.len());
}

#[test]
fn every_block_observes_its_context() {
    fn check(b: &[Node]) {
        assert!(b.iter().any(|n| matches!(n, Node::Trace(_))), "{b:?}");
        for n in b {
            if let Some(body) = n.body() {
                check(body);
            }
        }
    }
    for seed in 0..200 {
        check(&Program::generate(seed, Shape::default()).body);
    }
}

/// Which of a timer and an immediate runs first depends on the machine: a program orders its
/// lines by one of them only. With I/O the order of lines is free anyway (the case says so),
/// and then the values must not depend on it: no `disable()`, which switches an instance off
/// for whatever runs after it; and no hooks, whose requests differ between runtimes.
#[test]
fn a_program_never_mixes_timers_and_immediates() {
    let mut io = 0;
    for seed in 0..400 {
        let p = Program::generate(seed, Shape::default());
        let s = p.render();
        if p.has_io() {
            io += 1;
            assert!(!s.contains(".disable()") && p.hooks.is_empty(), "{s}");
            continue;
        }
        assert!(
            !(s.contains("setTimeout") && s.contains("setImmediate")),
            "{s}"
        );
        if s.contains("setInterval") {
            assert_eq!(p.macrotask, Macrotask::Timer, "{s}");
        }
    }
    assert!(io > 20, "{io}");
}

/// Every kind of operation and hook recording appears in the first few hundred programs.
#[test]
fn the_grammar_reaches_every_kind() {
    let mut kinds = std::collections::BTreeSet::new();
    let mut hooks = std::collections::BTreeSet::new();
    for seed in 0..500 {
        let p = Program::generate(seed, Shape::default());
        kinds.extend(p.kinds());
        hooks.extend(p.hooks.clone());
    }
    assert_eq!(kinds.len(), 25, "{kinds:?}");
    assert_eq!(hooks.len(), 5, "{hooks:?}");
}

#[test]
fn the_path_to_a_trace_names_its_enclosing_operations() {
    let p = Program {
        macrotask: Macrotask::Timer,
        hooks: Vec::new(),
        body: vec![Node::Run {
            als: 0,
            value: 1,
            body: vec![Node::Later(vec![Node::Trace(1)]), Node::Trace(2)],
        }],
    };
    assert_eq!(p.path_to(1), Some(vec!["run", "later"]));
    assert_eq!(p.path_to(2), Some(vec!["run"]));
    assert_eq!(p.path_to(3), None);
    let s = p.render();
    assert!(
        s.contains(
            "a0.run('v1', () => {\n  setTimeout(() => {\n    at('t1');\n  }, 1);\n  at('t2');\n});"
        ),
        "{s}"
    );
}

/// The minimiser keeps the property it is given and never grows the program: here, "a
/// timer inside a run() holds a trace".
#[test]
fn minimising_keeps_the_property_and_never_grows() {
    fn has(b: &[Node], in_run: bool) -> bool {
        b.iter().any(|n| match n {
            Node::Later(body) if in_run => body.iter().any(|n| matches!(n, Node::Trace(_))),
            Node::Run { body, .. } => has(body, true),
            _ => n.body().is_some_and(|b| has(b, in_run)),
        })
    }
    let mut found = 0;
    for seed in 0..400 {
        let p = Program::generate(seed, Shape { depth: 4, width: 3 });
        if !has(&p.body, false) {
            continue;
        }
        found += 1;
        let mut sizes = vec![p.size()];
        let (m, checks) = minimise(&p, 1000, |c| {
            sizes.push(c.size());
            has(&c.body, false)
        });
        assert!(has(&m.body, false), "{}", m.render());
        assert!(m.size() <= p.size() && checks <= 1000);
        assert!(sizes.iter().all(|s| *s <= p.size()), "a candidate grew");
        // The smallest such program: run > later > trace.
        assert_eq!(m.size(), 3, "seed {seed}:\n{}", m.render());
    }
    assert!(found > 10, "{found}");
}

/// The shapes the spec has rules about are found where they are and only there.
#[test]
fn patterns_name_the_shapes_rules_are_about() {
    let program = |macrotask, body| Program {
        macrotask,
        hooks: Vec::new(),
        body,
    };
    let timer_in_interval = program(
        Macrotask::Timer,
        vec![Node::Interval(vec![Node::Later(vec![Node::Trace(1)])])],
    );
    assert!(timer_in_interval.patterns().contains(&"timer-in-interval"));
    // Beside the interval, not made by it: no such shape.
    let beside = program(
        Macrotask::Timer,
        vec![
            Node::Interval(vec![Node::Trace(1)]),
            Node::Later(vec![Node::Trace(2)]),
        ],
    );
    assert!(!beside.patterns().contains(&"timer-in-interval"));
    let other_run = program(
        Macrotask::Immediate,
        vec![Node::Run {
            als: 0,
            value: 1,
            body: vec![Node::EnterWith { als: 1, value: 2 }, Node::Trace(1)],
        }],
    );
    assert_eq!(other_run.patterns(), vec!["enterWith-in-other-run"]);
    let listener = program(
        Macrotask::Immediate,
        vec![Node::Rejection(vec![Node::Then(vec![Node::Trace(1)])])],
    );
    assert!(listener.patterns().contains(&"in-rejection-listener"));
    assert!(!listener.patterns().contains(&"async-in-exit"));
}
