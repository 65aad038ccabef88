//! Pooled mode against a process per case, on the pinned Node 26: the same verdicts and the
//! same canonical traces for the whole corpus. (The fault fixtures get the same comparison in
//! `faults.rs`.)

use harness::input::project::{Project, Suite};

mod common;
use common::pooling::{differences, run};

#[test]
fn the_corpus_gives_the_same_verdicts_and_traces_pooled_and_as_a_process_per_case() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).expect("the corpus loads");
    let pooled_cases = suite
        .cases
        .iter()
        .filter(|c| harness::exec::pool::run_alone(c).is_none())
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
