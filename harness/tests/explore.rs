//! `cargo xtask explore` checked from outside: its programs are deterministic on Node, and a
//! reference broken on purpose (`reference_impl::fault`) is found and minimised to a case of a
//! few lines. One test per concern; they share this binary because the fault is process-wide
//! (only the second test sets it, and the first compares Node's runs only).

use harness::input::program::{Program, Shape};
use harness::input::project::{Project, Suite};
use harness::workflow::emit::Emitter;
use harness::workflow::explore::{explore, ordering, ExploreOptions, Explorer};

/// Seeds whose programs use each kind of operation the grammar has and record hooks, and a
/// few fixed ones: the first seed from 1 for each.
fn sample_seeds() -> Vec<u64> {
    let mut seeds = vec![3u64, 17, 101, 2024, 77_777];
    let wanted = [
        "setInterval",
        "unhandledRejection",
        "EventEmitterAsyncResource",
        "AsyncResource.bind",
        "fs.readFile",
        "fs.promises",
        "crypto.randomBytes",
        "zlib.deflate",
        "timers/promises",
        "hooks",
    ];
    for kind in wanted {
        let seed = (1u64..)
            .find(|s| {
                let p = Program::generate(*s, Shape::default());
                if kind == "hooks" {
                    p.hooks.len() == 2
                } else {
                    p.kinds().contains(&kind)
                }
            })
            .unwrap();
        if !seeds.contains(&seed) {
            seeds.push(seed);
        }
    }
    seeds
}

/// A program is deterministic on node@26 by construction (up to the order freedoms it
/// declares): twenty runs of each of a sample of seeds give one trace each.
#[test]
fn generated_programs_are_deterministic_on_node() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).unwrap();
    let explorer = Explorer::new(&project, suite, "node@26", false).expect("node@26 installs");
    for seed in sample_seeds() {
        let program = Program::generate(seed, Shape::default());
        let order = ordering(&program);
        let truth = |explorer: &Explorer| order.normalise(&explorer.run(&program).unwrap().truth);
        let first = truth(&explorer);
        assert!(
            first.last().is_some_and(|l| l == "exit 0"),
            "seed {seed}: {first:?}"
        );
        for run in 1..20 {
            let again = truth(&explorer);
            assert_eq!(
                again,
                first,
                "seed {seed}, run {run}:\n{}",
                program.render()
            );
        }
    }
}

/// With the reference's timers made to lose their context, a search against node@26 finds it
/// and minimises it to a timer holding a trace inside a run() (or below a stored context): a
/// case of a few lines, which fails on the broken reference and passes on Node.
#[test]
fn a_broken_reference_is_found_and_minimised() {
    let project = Project::locate();
    let out = tempfile::tempdir().unwrap();
    reference_impl::fault::set(Some(reference_impl::fault::Fault::TimerContext));
    let emit = Emitter::capturing();
    let code = explore(
        &project,
        &ExploreOptions {
            runtime: "node@26".into(),
            seed: 1,
            budget: Some(300),
            time: None,
            out: Some(out.path().to_path_buf()),
            shape: Shape::default(),
            pool: false,
        },
        &emit,
    );
    reference_impl::fault::set(None);
    let said = emit.captured();
    assert_eq!(code.ok(), Some(1), "new groups make the run fail: {said:?}");
    let md = std::fs::read_to_string(out.path().join("explore.md")).unwrap();
    assert!(md.contains("| store lost in later |"), "{md}");
    // The group's case: small, with a timer, Node's trace as its snapshot.
    let case = std::fs::read_dir(out.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("store-lost-in-later-"))
                && p.extension().is_some_and(|e| e == "yaml")
        })
        .expect("a case for the group");
    let text = std::fs::read_to_string(&case).unwrap();
    let script: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("script:"))
        .skip(1)
        .collect();
    // The header (4 lines: the module, two instances, `at`) and a few lines of program.
    assert!(script.len() <= 4 + 6, "{text}");
    assert!(text.contains("setTimeout(() => {"), "{text}");
    assert!(
        text.contains("the reference disagrees with node@26"),
        "{text}"
    );
}
