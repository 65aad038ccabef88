//! Tests of the results file: what a run writes, reads back, merges and refuses.

use super::*;
use crate::judge::outcome::Outcome;
use crate::judge::record::RuntimeFacts;

fn outcome(status: Status, trace: &[&str], detail: &str) -> Outcome {
    Outcome {
        status,
        trace: trace.iter().map(|s| s.to_string()).collect(),
        ..Outcome::error(detail)
    }
}

fn record(runtime: &str, case: &str, o: Outcome) -> Record {
    Record {
        runtime: runtime.into(),
        case_id: case.into(),
        outcome: o,
    }
}

fn sample() -> Results {
    let mut fail = outcome(Status::Fail, &["a: 1", "exit 0"], "diff here");
    fail.divergence = Some(crate::judge::expect::Divergence {
        index: 0,
        expected: Some("a: 2".into()),
        observed: Some("a: 1".into()),
    });
    let mut pass = outcome(Status::Pass, &["a: 2", "exit 0"], "");
    pass.alternative = Some("older-node".into());
    pass.duration = Duration::from_micros(1500);
    let runtimes: RuntimeList = vec![
        (
            "node@26".into(),
            Ok(RuntimeFacts {
                name: "node@26".into(),
                version: "26.1.0".into(),
                adapter: "node".into(),
                source: "PATH".into(),
                platform: "linux-x64".into(),
                flags: String::new(),
                confinement: "test".into(),
            }),
        ),
        ("nope".into(), Err("not installed".into())),
    ];
    let records = vec![
        record("node@26", "b/pass", pass),
        record("node@26", "a/fail", fail),
        record(
            "nope",
            "a/fail",
            Outcome::error("runtime nope cannot be used"),
        ),
    ];
    Results::from_run(1, None, None, &runtimes, &records)
}

#[test]
fn published_results_carry_no_paths_of_this_machine() {
    let mut r = sample();
    let tmp = std::env::temp_dir();
    let root = tmp.join("checkout");
    let t = tmp.to_string_lossy().into_owned();
    let c = root.to_string_lossy().into_owned();
    r.results[0].stderr_head = format!("at {c}/.runtimes/x/bin/x and {t}/ah-case-Q1/case.mjs");
    r.results[0].trace = vec![format!("path: \"{t}/ah-case-Q1\"")];
    r.results[0].divergence.as_mut().unwrap().observed = Some(format!("in {c}"));
    redact_paths(&mut r, &root);
    assert_eq!(
        r.results[0].stderr_head,
        "at <checkout>/.runtimes/x/bin/x and <tmp>/ah-case-Q1/case.mjs"
    );
    assert_eq!(r.results[0].trace, vec!["path: \"<tmp>/ah-case-Q1\""]);
    assert_eq!(
        r.results[0]
            .divergence
            .as_ref()
            .unwrap()
            .observed
            .as_deref(),
        Some("in <checkout>")
    );
}

#[test]
fn results_round_trip_through_json() {
    let r = sample();
    let json = r.to_json();
    let back = Results::parse(Path::new("r.json"), &json).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.results[0].case, "a/fail");
    assert_eq!(back.results[0].divergence.as_ref().unwrap().event, 1);
    assert_eq!(back.results[1].duration_ms, 1.5);
    assert_eq!(back.runtimes[0].counts["PASS"], 1);
    assert_eq!(back.runtimes[0].counts["FAIL"], 1);
    assert_eq!(back.runtimes[0].counts["CRASH"], 0);
    assert!(!back.runtimes[1].available);
    assert_eq!(back.runtimes[1].counts["ERROR"], 1);
}

#[test]
fn another_schema_is_refused_by_name() {
    let e = Results::parse(
        Path::new("old.json"),
        r#"{"schema":"ah-results/2","runtimes":[],"results":[]}"#,
    )
    .unwrap_err();
    assert!(
        e.starts_with("old.json: results schema `ah-results/2`"),
        "{e}"
    );
    let e = Results::parse(Path::new("x.json"), r#"{"runtimes":[]}"#).unwrap_err();
    assert!(e.contains("not a results file"), "{e}");
    let e = Results::parse(
        Path::new("x.json"),
        r#"{"schema":"ah-results/1","runtimes":[],"results":[{"runtime":"r","case":"c","status":"MEH"}]}"#,
    )
    .unwrap_err();
    assert!(e.contains("unknown status `MEH`"), "{e}");
}

#[test]
fn junit_has_one_suite_per_runtime_and_maps_statuses() {
    let xml = sample().to_junit();
    assert_eq!(xml.matches("<testsuite ").count(), 2, "{xml}");
    assert!(
        xml.contains(r#"<testsuite name="node@26" tests="2" skipped="0" errors="0" failures="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="nope" tests="1" skipped="0" errors="1" failures="0""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<property name="alternative" value="older-node"/>"#),
        "{xml}"
    );
    assert!(
        xml.contains("event #1: expected `a: 2`, observed `a: 1`"),
        "{xml}"
    );
}

#[test]
fn a_failure_names_its_requirements_rules_and_register_causes_and_a_pass_does_not() {
    use crate::input::{features::Features, register::Register, spec::SpecIndex};
    let features = Features::parse(Path::new("f.txt"), "setTimeout\n").unwrap();
    let mut spec = SpecIndex::default();
    assert!(spec
        .add_file(
            Path::new("s.md"),
            "# Area\n### ALS-RUN-001 — run() makes the store current\n"
        )
        .is_empty());
    let case = crate::input::case::parse_case(
        Path::new("a/b.yaml"),
        "a/b",
        "title: t\nspec: [ALS-RUN-001]\nfeatures: []\nscript: x\n",
        &features,
        &spec,
    )
    .unwrap();
    let register =
        Register::parse("## Runtime `bun`\n### Stores are lost in timers\n- Cases (1): `a/b`\n");
    let suite = Suite {
        cases: vec![case],
        spec,
        features,
        register,
    };
    let fail = CaseResult::from_record(
        &record("bun", "a/b", outcome(Status::Fail, &["exit 0"], "diff")),
        Some(&suite),
    );
    assert_eq!(
        fail.requirements,
        [RequirementEntry {
            id: "ALS-RUN-001".into(),
            rule: "run() makes the store current".into()
        }]
    );
    assert_eq!(
        fail.causes,
        [CauseEntry {
            title: "Stores are lost in timers".into(),
            link: "spec/divergences.md#stores-are-lost-in-timers".into()
        }]
    );
    let elsewhere = CaseResult::from_record(
        &record("deno", "a/b", outcome(Status::Fail, &["exit 0"], "diff")),
        Some(&suite),
    );
    assert!(elsewhere.causes.is_empty(), "the register names bun only");
    assert_eq!(elsewhere.requirements.len(), 1);
    let pass = CaseResult::from_record(
        &record("bun", "a/b", outcome(Status::Pass, &["exit 0"], "")),
        Some(&suite),
    );
    assert!(pass.requirements.is_empty() && pass.causes.is_empty());
    let json = serde_json::to_string(&pass).unwrap();
    assert!(
        !json.contains("requirements") && !json.contains("causes"),
        "{json}"
    );
}

#[test]
fn dates_are_rfc3339_utc() {
    assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    assert_eq!(rfc3339(1_767_225_599), "2025-12-31T23:59:59Z");
}

#[test]
fn runs_and_variants_are_written_only_for_repeated_cases() {
    let once = CaseResult::from_record(
        &record("r", "a/b", outcome(Status::Pass, &["a: 1", "exit 0"], "")),
        None,
    );
    let json = serde_json::to_string(&once).unwrap();
    assert!(
        !json.contains("\"runs\"") && !json.contains("variants"),
        "{json}"
    );
    assert_eq!(once.flaky(), None);

    let pass = || outcome(Status::Pass, &["a: 1", "exit 0"], "");
    let mut fail = outcome(Status::Fail, &["a: 2", "exit 0"], "diff");
    fail.divergence = Some(crate::judge::expect::Divergence {
        index: 0,
        expected: Some("a: 1".into()),
        observed: Some("a: 2".into()),
    });
    let runs = crate::judge::runs::Runs::of(
        &Default::default(),
        vec![pass(), fail.clone(), pass(), pass()],
    );
    let mut o = runs.variants[0].outcome.clone();
    o.runs = Some(runs);
    let r = CaseResult::from_record(&record("r", "a/b", o), None);
    assert_eq!(r.runs, Some(4));
    assert_eq!(r.flaky(), Some((1, 4)));
    let counts: Vec<(u32, Status)> = r.variants.iter().map(|v| (v.count, v.status)).collect();
    assert_eq!(counts, [(3, Status::Pass), (1, Status::Fail)]);
    assert!(r.variants[0].trace.is_empty(), "the case's own trace");
    assert_eq!(r.variants[1].trace, ["a: 2", "exit 0"]);
    assert_eq!(
        r.variants[1].summary,
        "event #1: expected `a: 1`, observed `a: 2`"
    );
    let at = r.variants[1].from_first.as_ref().unwrap();
    assert_eq!(
        (at.event, at.expected.as_deref(), at.observed.as_deref()),
        (1, Some("a: 1"), Some("a: 2"))
    );
    // Read back as written.
    let json = serde_json::to_string(&r).unwrap();
    assert!(
        json.contains("\"runs\":4,\"variants\":[{\"count\":3"),
        "{json}"
    );
    let back: CaseResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}
