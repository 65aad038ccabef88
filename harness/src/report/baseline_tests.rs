//! Tests of baselines: the file format, the check and its report.

use super::*;
use crate::input::project::{Project, Suite};

fn entry(status: Status, summary: &str) -> Entry {
    Entry {
        status,
        summary: summary.into(),
    }
}

fn baseline(entries: &[(&str, Status, &str)]) -> Baseline {
    Baseline {
        runtime: "node@26".into(),
        version: "26.1.0".into(),
        total: 10,
        entries: entries
            .iter()
            .map(|(id, s, m)| (id.to_string(), entry(*s, m)))
            .collect(),
        flaky: Default::default(),
    }
}

#[test]
fn file_names_are_safe_and_distinct() {
    assert_eq!(file_name("reference"), "reference.snap");
    assert_eq!(file_name("node@26"), "node@26.snap");
    let a = file_name("./x.toml");
    let b = file_name("x.toml");
    let c = file_name("../x.toml");
    let d = file_name("/etc/x.toml");
    assert!(a.starts_with("x.toml-") && a.ends_with(".snap"), "{a}");
    assert_eq!(b, "x.toml.snap");
    let all: BTreeSet<_> = [&a, &b, &c, &d].into_iter().collect();
    assert_eq!(all.len(), 4, "{all:?}");
    for n in [&a, &c, &d, &file_name(".."), &file_name("")] {
        assert!(!n.contains('/') && !n.starts_with('.'), "{n}");
    }
}

#[test]
fn render_and_parse_round_trip() {
    let b = baseline(&[
        (
            "als/x",
            Status::Fail,
            "event #3: expected `a: 1`, observed `a: 2`",
        ),
        ("hooks/odd id: yes", Status::Crash, "killed by SIGSEGV"),
        ("loop/t", Status::Timeout, ""),
        ("net/http", Status::Unsupported, "needs http"),
    ]);
    let text = b.render();
    assert!(text.contains("\nruntime: node@26\nversion: 26.1.0\ncases: 10\nPASS: 6\nFAIL: 1\nTIMEOUT: 1\nCRASH: 1\nERROR: 0\nUNSUPPORTED: 1\n\nFAIL als/x: event #3"), "{text}");
    assert!(
        text.contains("\nCRASH \"hooks/odd id: yes\": killed by SIGSEGV\n"),
        "{text}"
    );
    assert!(text.contains("\nTIMEOUT loop/t\n"), "{text}");
    assert_eq!(Baseline::parse(Path::new("b.snap"), &text).unwrap(), b);
    // The expected-trace reader of case snapshots accepts the file too: same format.
    assert!(crate::input::snapshot::parse(Path::new("b.snap"), &text).is_ok());
}

#[test]
fn corrupted_baselines_are_located() {
    let p = Path::new("reports/baselines/x.snap");
    let e = Baseline::parse(p, "runtime: x\n").unwrap_err();
    assert_eq!((e.line, e.path.as_path()), (1, p));
    let e = Baseline::parse(p, "---\nx: y\n---\nruntime: x\ncases: 3\nWHAT a/b\n").unwrap_err();
    assert_eq!(e.line, 6, "{e}");
    assert!(e.message.contains("unexpected line `WHAT a/b`"), "{e}");
    let e =
        Baseline::parse(p, "---\n---\nruntime: x\ncases: 3\nFAIL a: 1\nFAIL a: 2\n").unwrap_err();
    assert!(e.message.contains("listed twice"), "{e}");
    let e = Baseline::parse(p, "---\n---\nruntime: x\n").unwrap_err();
    assert!(e.message.contains("no `cases:` line"), "{e}");
}

#[test]
fn check_names_each_kind_of_difference() {
    let before = baseline(&[
        ("a/fixed", Status::Fail, "event #1: x"),
        ("a/gone", Status::Fail, "event #1: y"),
        ("a/moved", Status::Fail, "event #2: old"),
        ("a/now-crash", Status::Fail, "event #1: z"),
        ("a/same", Status::Fail, "event #4: same"),
    ]);
    let mut after = baseline(&[
        ("a/broken", Status::Fail, "event #5: new"),
        ("a/moved", Status::Fail, "event #3: new"),
        ("a/now-crash", Status::Crash, "killed by SIGSEGV"),
        ("a/same", Status::Fail, "event #4: same"),
        ("b/hang", Status::Timeout, "timed out after event #1 `x`"),
    ]);
    after.version = "26.2.0".into();
    let c = check(Path::new("b.snap"), &before, &after, |id| id != "a/gone");
    let got: Vec<(Change, &str)> = c
        .changes
        .iter()
        .map(|c| (c.kind, c.case_id.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Change::Fixed, "a/fixed"),
            (Change::Broken, "a/broken"),
            (Change::CrashOrTimeout, "a/now-crash"),
            (Change::CrashOrTimeout, "b/hang"),
            (Change::Detail, "a/moved"),
            (Change::Removed, "a/gone"),
        ]
    );
    assert!(!c.passed());
    let text = c.render();
    assert!(
        text.contains(
            "  Broken (passed before) (1):\n    a/broken (was PASS, now FAIL): event #5: new\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  Fixed (now passing) (1):\n    a/fixed (was FAIL, now PASS)\n"),
        "{text}"
    );
    assert!(
        text.contains("version 26.1.0 in the baseline, 26.2.0 now"),
        "{text}"
    );
}

#[test]
fn an_added_passing_case_is_a_note_not_a_failure() {
    let before = baseline(&[("a/x", Status::Fail, "e")]);
    let mut after = before.clone();
    after.total += 1;
    let c = check(Path::new("b.snap"), &before, &after, |_| true);
    assert!(c.passed(), "a new case that passes changes no entry");
    let text = c.render();
    assert!(
        text.starts_with("baseline check: node@26: matches b.snap\n"),
        "{text}"
    );
    assert!(text.contains("  note: the corpus has 11 cases"), "{text}");
    // An added case that fails is a change, count or no count.
    let mut failing = after.clone();
    failing.entries.insert(
        "a/new".into(),
        Entry {
            status: Status::Fail,
            summary: "x".into(),
        },
    );
    let c = check(Path::new("b.snap"), &before, &failing, |_| true);
    assert!(!c.passed());
    assert_eq!(c.count(Change::Broken), 1);
    assert!(
        text.contains("the corpus has 11 cases, the baseline counted 10"),
        "{text}"
    );
}

#[test]
fn a_version_change_alone_passes() {
    let before = baseline(&[("a/x", Status::Fail, "e")]);
    let mut after = before.clone();
    after.version = "27.0.0".into();
    let c = check(Path::new("b.snap"), &before, &after, |_| true);
    assert!(c.passed());
    assert!(c
        .render()
        .contains("a version change alone does not fail the check"));
}

#[test]
fn summaries_hold_no_timings_or_checkout_paths() {
    let mut o = Outcome::error("did not finish within 10004 ms; the process group was killed");
    o.status = Status::Timeout;
    o.trace = vec!["looping:".into(), "timeout".into()];
    assert_eq!(o.summary(None), "timed out after event #1 `looping:`");
    let o = Outcome::error("cannot read /src/ck/cases/a.snap: denied\nmore");
    assert_eq!(
        o.summary(Some(Path::new("/src/ck"))),
        "cannot read cases/a.snap: denied"
    );
    let o = Outcome::error("x".repeat(500));
    assert_eq!(
        o.summary(None).chars().count(),
        crate::judge::outcome::SUMMARY_CHARS + 1
    );
}

fn flaky(rate: Rate, others: &[(Status, &str)]) -> Flaky {
    Flaky {
        rate,
        others: others.iter().map(|(s, m)| entry(*s, m)).collect(),
        spread: None,
    }
}

#[test]
fn flaky_lines_round_trip_and_stable_baselines_do_not_change() {
    let stable = baseline(&[("als/x", Status::Fail, "event #3: e")]);
    assert!(!stable.render().contains("FLAKY"), "no flaky case, no line");
    let mut b = stable.clone();
    b.flaky.insert(
        "als/x".into(),
        flaky(
            Rate::Often,
            &[(Status::Pass, ""), (Status::Crash, "killed by SIGSEGV")],
        ),
    );
    b.flaky.insert("io/odd id".into(), flaky(Rate::Rare, &[]));
    b.flaky.insert(
        "loop/t".into(),
        flaky(
            Rate::Rare,
            &[(Status::Fail, "event #2: expected `a: 1`, observed `b: 2`")],
        ),
    );
    let text = b.render();
    assert!(
        text.contains(
            "\nFAIL als/x: event #3: e\n\nFLAKY often als/x: PASS\nFLAKY often als/x: CRASH killed by SIGSEGV\nFLAKY rare \"io/odd id\"\nFLAKY rare loop/t: FAIL event #2: expected `a: 1`, observed `b: 2`\n"
        ),
        "{text}"
    );
    // The counts are those of the usual outcomes: flaky lines add none.
    assert!(text.contains("PASS: 9\nFAIL: 1\n"), "{text}");
    let back = Baseline::parse(Path::new("b.snap"), &text).unwrap();
    assert_eq!(back, b);
    assert_eq!(back.counts_line(), "10 cases: 9 PASS, 1 FAIL; 3 flaky");
    assert_eq!(
        back.declared("als/x").flaky,
        Some((
            Rate::Often,
            vec![
                (Status::Pass, String::new()),
                (Status::Crash, "killed by SIGSEGV".into())
            ]
        ))
    );
    let p = Path::new("b.snap");
    let e =
        Baseline::parse(p, "---\n---\nruntime: x\ncases: 3\nFLAKY sometimes a/b\n").unwrap_err();
    assert!(e.message.contains("`sometimes` is not a rate class"), "{e}");
    let e =
        Baseline::parse(p, "---\n---\nruntime: x\ncases: 3\nFLAKY rare a/b: MEH x\n").unwrap_err();
    assert!(e.message.contains("`MEH` is not a status"), "{e}");
}

#[test]
fn the_check_reports_a_stable_case_that_varies_and_not_a_flaky_one_within_its_class() {
    let p = Path::new("b.snap");
    let declared = baseline(&[("a/x", Status::Fail, "e")]);
    // A run in which a/x varied (its usual outcome the same) and a/p flipped to FAIL once.
    let mut observed = declared.clone();
    observed.flaky.insert(
        "a/x".into(),
        Flaky {
            spread: Some((1, 5)),
            ..flaky(Rate::Often, &[(Status::Pass, "")])
        },
    );
    observed.flaky.insert(
        "a/p".into(),
        Flaky {
            spread: Some((2, 5)),
            ..flaky(Rate::Often, &[(Status::Fail, "event #1: f")])
        },
    );
    let c = check(p, &declared, &observed, |_| true);
    let got: Vec<(Change, &str)> = c
        .changes
        .iter()
        .map(|c| (c.kind, c.case_id.as_str()))
        .collect();
    assert_eq!(got, [(Change::Varies, "a/p"), (Change::Varies, "a/x")]);
    let text = c.render();
    assert!(
        text.contains("  Varying between runs (2):\n    a/p (PASS): stable → flaky (often: 2 of 5 runs differed); also gives: FAIL event #1: f\n"),
        "{text}"
    );
    // Declared as the run saw them, the same runs match: the spread is not part of it.
    let mut both = declared.clone();
    both.flaky = observed.flaky.clone();
    for f in both.flaky.values_mut() {
        f.spread = None;
    }
    assert!(check(p, &both, &observed, |_| true).passed());
    // A removed flaky case is a removed entry.
    let c = check(p, &both, &declared, |id| id != "a/p");
    let got: Vec<(Change, &str)> = c
        .changes
        .iter()
        .map(|c| (c.kind, c.case_id.as_str()))
        .collect();
    assert_eq!(got, [(Change::Varies, "a/x"), (Change::Removed, "a/p")]);
}

/// A corpus of the cases `ids` (no files behind them).
fn suite(ids: &[&str]) -> Suite {
    use crate::input::{features::Features, register::Register, spec::SpecIndex};
    let mut spec = SpecIndex::default();
    assert!(spec
        .add_file(Path::new("s.md"), "# A\n### X-Y-001 — r\n")
        .is_empty());
    let features = Features::default();
    let cases = ids
        .iter()
        .map(|id| {
            let text = "title: t\nspec: [X-Y-001]\nfeatures: []\nscript: x\n";
            crate::input::case::parse_case(Path::new("c.yaml"), id, text, &features, &spec).unwrap()
        })
        .collect();
    Suite {
        cases,
        spec,
        features,
        register: Register::parse(""),
    }
}

/// A record of `runs` on `node@26`: each element one run's status and first trace line.
fn repeated(id: &str, runs: &[(Status, &str)]) -> Record {
    let outcomes = runs
        .iter()
        .map(|(status, line)| {
            let mut o = Outcome::error("");
            o.status = *status;
            o.trace = vec![line.to_string(), "exit 0".into()];
            if *status == Status::Fail {
                o.divergence = Some(crate::judge::expect::Divergence {
                    index: 0,
                    expected: Some("a".into()),
                    observed: Some(line.to_string()),
                });
            }
            o
        })
        .collect();
    let r = crate::judge::runs::Runs::of(&Default::default(), outcomes);
    let mut outcome = r.variants[0].outcome.clone();
    if r.total > 1 {
        outcome.runs = Some(r);
    }
    Record {
        runtime: "node@26".into(),
        case_id: id.into(),
        outcome,
    }
}

#[test]
fn an_update_records_a_varying_case_and_keeps_a_declared_one_while_it_fits() {
    let project = Project {
        root: "/nonexistent".into(),
    };
    let suite = suite(&["a/f", "a/p"]);
    let from = |records: &[Record], previous: Option<&Baseline>| {
        Baseline::from_run(&project, &suite, "node@26", "26", records, previous).unwrap()
    };
    let (pass, fail) = ((Status::Pass, "a"), (Status::Fail, "b"));
    // Stable runs write no flaky line.
    let stable = from(
        &[
            repeated("a/f", &[fail, fail]),
            repeated("a/p", &[pass, pass]),
        ],
        None,
    );
    assert!(stable.flaky.is_empty() && !stable.render().contains("FLAKY"));
    // One run of five differs: `often`, with the other outcome named.
    let first = from(
        &[
            repeated("a/f", &[fail, fail]),
            repeated("a/p", &[pass, fail, pass, pass, pass]),
        ],
        Some(&stable),
    );
    let f = &first.flaky["a/p"];
    assert_eq!((f.rate, f.spread), (Rate::Often, Some((1, 5))));
    assert_eq!(
        f.others,
        [entry(Status::Fail, "event #1: expected `a`, observed `b`")]
    );
    assert!(!first.entries.contains_key("a/p"), "usually passes");
    // Declared so, any fitting run leaves the file as it was: most runs failing this time, or
    // one run that passed.
    let mut declared = first.clone();
    declared.flaky.get_mut("a/p").unwrap().spread = None;
    for runs in [vec![fail, fail, pass], vec![pass]] {
        let again = from(
            &[repeated("a/f", &[fail]), repeated("a/p", &runs)],
            Some(&declared),
        );
        assert_eq!(again.render(), declared.render(), "{runs:?}");
        assert!(check(Path::new("b"), &declared, &again, |_| true).passed());
    }
    // An outcome it never gave is recorded afresh, and the check says so.
    let crash = from(
        &[
            repeated("a/f", &[fail]),
            repeated("a/p", &[(Status::Crash, "c")]),
        ],
        Some(&declared),
    );
    assert_eq!(crash.entries["a/p"].status, Status::Crash);
    assert!(!crash.flaky.contains_key("a/p"));
    let c = check(Path::new("b"), &declared, &crash, |_| true);
    assert_eq!(c.changes[0].kind, Change::CrashOrTimeout);
    // A `rare` case that varies too often becomes `often`, and the check reports it.
    let mut rare = declared.clone();
    rare.flaky.get_mut("a/p").unwrap().rate = Rate::Rare;
    let half: Vec<(Status, &str)> = [pass; 5].into_iter().chain([fail; 5]).collect();
    let often = from(
        &[repeated("a/f", &[fail]), repeated("a/p", &half)],
        Some(&rare),
    );
    assert_eq!(often.flaky["a/p"].rate, Rate::Often);
    let c = check(Path::new("b"), &rare, &often, |_| true);
    assert_eq!(c.changes[0].kind, Change::Varies);
    assert!(
        c.render()
            .contains("a/p (PASS): flaky (rare) → flaky (often: 5 of 10 runs differed)"),
        "{}",
        c.render()
    );
}
