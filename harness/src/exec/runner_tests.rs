//! Tests of the runner: judging, repeats, blessing and known failures, on fake adapters.

use super::*;
use crate::judge::execution::{End, Execution};
use crate::judge::record::RuntimeFacts;
use crate::judge::trace::Channel;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A runtime whose runs give the listed traces in turn.
struct Cycling {
    facts: RuntimeFacts,
    traces: Vec<Vec<&'static str>>,
    next: AtomicUsize,
}

impl Adapter for Cycling {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }
    fn supports(&self, _: &Case) -> Result<(), String> {
        Ok(())
    }
    fn execute(&self, _: &Case, _: Duration) -> Execution {
        let i = self.next.fetch_add(1, Ordering::SeqCst) % self.traces.len();
        Execution {
            channel: Channel {
                events: self.traces[i].iter().map(|l| l.to_string()).collect(),
                started: true,
                ended: Some(0),
                ..Channel::default()
            },
            end: End::Exited(0),
            channel_cut: false,
            stdout_head: String::new(),
            stderr_head: String::new(),
            duration: Duration::ZERO,
        }
    }
}

fn case(yaml_order: &str) -> Case {
    let mut spec = crate::input::spec::SpecIndex::default();
    assert!(spec
        .add_file(std::path::Path::new("s.md"), "# A\n### X-Y-001 — r\n")
        .is_empty());
    let text = format!("title: t\nspec: [X-Y-001]\nfeatures: []\n{yaml_order}script: x\n");
    crate::input::case::parse_case(
        std::path::Path::new("/nonexistent/c.yaml"),
        "c",
        &text,
        &crate::input::features::Features::default(),
        &spec,
    )
    .unwrap()
}

fn cycling(traces: Vec<Vec<&'static str>>) -> Cycling {
    Cycling {
        facts: RuntimeFacts {
            name: "fake".into(),
            version: "1".into(),
            adapter: "fake".into(),
            source: "test".into(),
            platform: "test".into(),
            flags: String::new(),
            confinement: "test".into(),
        },
        traces,
        next: AtomicUsize::new(0),
    }
}

#[test]
fn repeats_that_differ_only_in_free_order_are_not_flaky() {
    let rt = cycling(vec![
        vec!["a: 1", "b: 2", "end:"],
        vec!["b: 2", "a: 1", "end:"],
    ]);
    let free = case("order: { free: [['a:*', 'b:*']] }\n");
    let o = run_repeated(&rt, &free, Duration::from_secs(1), 4);
    assert_eq!(o.runs.as_ref().map(|r| r.variants.len()), Some(1));
    // Without the free group the same runs are flaky.
    let strict = case("");
    let o = run_repeated(&rt, &strict, Duration::from_secs(1), 4);
    let runs = o.runs.as_ref().expect("recorded");
    assert_eq!((runs.differing(), runs.total), (2, 4));
    assert!(
        runs.describe(&strict.ordering)
            .starts_with("flaky: 2 of 4 runs gave trace A"),
        "{}",
        runs.describe(&strict.ordering)
    );
}

/// A job for the fake runtime, judged by `baseline` when given.
fn job(rt: Cycling, case: Case, repeat: u32, baseline: Option<Declared>) -> Job {
    Job {
        project: Project {
            root: std::path::PathBuf::from("/nonexistent"),
        },
        runtime: "fake".into(),
        adapter: Ok(Arc::new(rt)),
        case,
        unsupported: None,
        bless: false,
        repeat,
        timeout: Duration::from_secs(1),
        why: String::new(),
        baseline,
        verbose: false,
    }
}

#[test]
fn every_run_is_recorded_and_a_varying_case_fails_with_its_spread() {
    let rt = cycling(vec![
        vec!["a: 1", "end:"],
        vec!["a: 1", "end:"],
        vec!["a: 2", "end:"],
    ]);
    let o = run_repeated(&rt, &case(""), Duration::from_secs(1), 5);
    let runs = o.runs.as_ref().expect("recorded");
    assert_eq!(
        runs.total, 5,
        "all five runs, not only up to the first change"
    );
    let counts: Vec<u32> = runs.variants.iter().map(|v| v.count).collect();
    assert_eq!(counts, [4, 1]);
    assert_eq!(o.trace, ["a: 1", "end:", "exit 0"], "the most common trace");
    // Run once, nothing is recorded.
    let once = run_repeated(
        &cycling(vec![vec!["a: 1"]]),
        &case(""),
        Duration::from_secs(1),
        1,
    );
    assert!(once.runs.is_none());

    let j = job(
        cycling(vec![vec!["a: 1"], vec!["a: 1"], vec!["a: 2"]]),
        case(""),
        5,
        None,
    );
    let (_, verdict) = j.run();
    let Verdict::Failed(text) = verdict else {
        panic!("a varying case fails")
    };
    assert!(
        text.starts_with("flaky: 4 of 5 runs gave trace A (ERROR), 1 gave trace B (ERROR)\nfirst difference at event #1: trace A has `a: 1`, trace B `a: 2`\n--- trace A\n+++ trace B\n"),
        "{text}"
    );
}

#[test]
fn under_check_a_stable_case_that_flips_fails_and_a_declared_one_passes() {
    let flipping = || cycling(vec![vec!["a: 1"], vec!["a: 2"], vec!["a: 1"]]);
    // The fake cases have no expected trace, so every run is an ERROR with this summary.
    let seen = |o: &Outcome| crate::judge::runs::seen(o, None);
    let (o, _) = job(flipping(), case(""), 3, None).run();
    let usual = seen(&o);
    assert_eq!(usual.0, Status::Error);

    // The baseline lists the case (its usual ERROR) as stable: the flip fails.
    let stable = Declared {
        usual: Some(usual.clone()),
        flaky: None,
    };
    let (_, v) = job(flipping(), case(""), 3, Some(stable.clone())).run();
    let Verdict::Failed(text) = v else {
        panic!("a stable case that flips fails the check")
    };
    assert!(text.starts_with("varies between runs"), "{text}");
    // Without the flip it is a known failure.
    let steady = cycling(vec![vec!["a: 1"]]);
    assert!(matches!(
        job(steady, case(""), 3, Some(stable)).run().1,
        Verdict::Passed(Some(_))
    ));

    // Declared flaky (`often`): the same flips pass.
    let often = Declared {
        usual: Some(usual.clone()),
        flaky: Some((crate::judge::runs::Rate::Often, Vec::new())),
    };
    let (_, v) = job(flipping(), case(""), 3, Some(often)).run();
    let Verdict::Passed(Some(note)) = v else {
        panic!("a declared flaky case passes within its class")
    };
    assert!(
        note.starts_with("known flaky (often, baseline; 1 of 3 runs differed): [fake] c: "),
        "{note}"
    );
    // Declared `rare`: one flip in three fits, two in three does not.
    let rare = Declared {
        usual: Some(usual),
        flaky: Some((crate::judge::runs::Rate::Rare, Vec::new())),
    };
    assert!(matches!(
        job(flipping(), case(""), 3, Some(rare.clone())).run().1,
        Verdict::Passed(_)
    ));
    let mostly_other = cycling(vec![vec!["a: 1"], vec!["a: 2"], vec!["a: 3"], vec!["a: 4"]]);
    let (_, v) = job(mostly_other, case(""), 8, Some(rare)).run();
    let Verdict::Failed(text) = v else {
        panic!("too many flips for `rare`")
    };
    assert!(
        text.starts_with(
            "varies more often than its baseline's class `rare` allows: 6 of 8 runs differed"
        ),
        "{text}"
    );
}
