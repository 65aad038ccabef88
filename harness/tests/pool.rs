//! Pooled mode against a process per case, on the pinned Node 26: the same verdicts and the
//! same canonical traces for the whole corpus, and for the fault fixtures (hangs, crashes that
//! take the whole pool process with them, forged and cut records), which must not disturb the
//! cases after them.

use std::collections::BTreeMap;
use std::path::Path;

use harness::outcome::{Outcome, Status};
use harness::project::{Project, Suite};
use harness::runner::{self, RunConfig};

fn run(project: &Project, suite: &Suite, pool: bool) -> BTreeMap<String, Outcome> {
    let cfg = RunConfig {
        runtimes: vec!["node@26".into()],
        pool,
        ..RunConfig::default()
    };
    let (runtimes, records) = runner::run_quiet(project, suite, &cfg);
    for (name, facts) in &runtimes {
        assert!(facts.is_ok(), "runtime {name} is not usable: {facts:?}");
    }
    records
        .into_iter()
        .map(|r| (r.case_id, r.outcome))
        .collect()
}

/// Every case whose verdict, alternative or trace differs between the two runs.
fn differences(
    suite: &Suite,
    alone: &BTreeMap<String, Outcome>,
    pooled: &BTreeMap<String, Outcome>,
) -> Vec<String> {
    let mut out = Vec::new();
    for case in &suite.cases {
        let (a, p) = (&alone[&case.id], &pooled[&case.id]);
        if a.status != p.status || a.alternative != p.alternative || a.trace != p.trace {
            out.push(format!(
                "{}: {} as a process, {} pooled\nprocess: {:?}\npooled:  {:?}\n{}",
                case.id,
                a.status.as_str(),
                p.status.as_str(),
                a.trace,
                p.trace,
                p.detail
            ));
        }
    }
    out
}

#[test]
fn the_corpus_gives_the_same_verdicts_and_traces_pooled_and_as_a_process_per_case() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).expect("the corpus loads");
    let pooled_cases = suite
        .cases
        .iter()
        .filter(|c| harness::pool::run_alone(c).is_none())
        .count();
    // The comparison means something only if most cases really run in workers.
    assert!(
        pooled_cases * 10 >= suite.cases.len() * 8,
        "only {pooled_cases} of {} cases run pooled",
        suite.cases.len()
    );
    let alone = run(&project, &suite, false);
    let pooled = run(&project, &suite, true);
    let diffs = differences(&suite, &alone, &pooled);
    assert!(
        diffs.is_empty(),
        "{} of {} cases differ:\n\n{}",
        diffs.len(),
        suite.cases.len(),
        diffs.join("\n\n")
    );
}

#[test]
fn faults_in_a_pooled_run_get_the_same_outcomes_as_in_processes_of_their_own() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let suite = Suite::load(
        &dir.join("cases"),
        &dir.join("features.txt"),
        &dir.join("spec"),
    )
    .unwrap_or_else(|d| panic!("fixtures must load:\n{d}"));
    let project = Project::locate();
    let alone = run(&project, &suite, false);
    let pooled = run(&project, &suite, true);
    let diffs = differences(&suite, &alone, &pooled);
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
    // The faults really happened in the pooled run.
    assert_eq!(pooled["faults/hang"].status, Status::Timeout);
    assert_eq!(pooled["faults/segv"].status, Status::Crash);
    assert_eq!(pooled["faults/abort"].status, Status::Crash);
    assert_eq!(pooled["faults/forge-pass"].status, Status::Pass);
}
