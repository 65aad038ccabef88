//! Running a suite on node@26 pooled and as a process per case, and comparing the outcomes.

use std::collections::BTreeMap;

use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::Outcome;

pub fn run(project: &Project, suite: &Suite, pool: bool) -> BTreeMap<String, Outcome> {
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

/// Every case whose verdict, alternative or trace differs between the two runs. Traces are
/// compared as the matcher compares them, after the case's `order.free` groups are normalised:
/// a case that declares two lines' order free may show either order in either mode.
pub fn differences(
    suite: &Suite,
    alone: &BTreeMap<String, Outcome>,
    pooled: &BTreeMap<String, Outcome>,
) -> Vec<String> {
    let mut out = Vec::new();
    for case in &suite.cases {
        let (a, p) = (&alone[&case.id], &pooled[&case.id]);
        let same_trace = case.ordering.normalise(&a.trace) == case.ordering.normalise(&p.trace);
        if a.status != p.status || a.alternative != p.alternative || !same_trace {
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
