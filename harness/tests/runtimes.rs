//! The corpus on runtimes other than the default, checked for what users must see: Bun's
//! missing `createHook` events show up as failures whose diff lists the absent hook lines.

use harness::outcome::Status;
use harness::project::{Project, Suite};
use harness::runner::{self, RunConfig};

#[test]
fn on_bun_the_hook_cases_fail_with_diffs_showing_the_missing_hook_events() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).unwrap_or_else(|d| panic!("{d}"));
    let hook_cases: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| c.hooks.as_ref().is_some_and(|h| !h.types.is_empty()))
        .cloned()
        .collect();
    assert!(
        hook_cases.len() >= 6,
        "the corpus needs hook-recording cases"
    );
    let suite = Suite {
        cases: hook_cases,
        ..suite
    };
    let cfg = RunConfig {
        runtimes: vec!["bun".into()],
        ..RunConfig::default()
    };
    let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
    assert!(
        runtimes[0].1.is_ok(),
        "bun must install: {:?}",
        runtimes[0].1
    );
    let failed: Vec<_> = records
        .iter()
        .filter(|r| r.outcome.status == Status::Fail)
        .collect();
    assert!(
        failed.len() * 2 >= records.len(),
        "most hook cases must fail on Bun, which does not call most createHook callbacks; failed: {:?}",
        failed.iter().map(|r| &r.case_id).collect::<Vec<_>>()
    );
    for r in &failed {
        let diff = &r.outcome.detail;
        assert!(
            diff.lines()
                .any(|l| l.starts_with(">-hook ") || l.starts_with(" -hook ")),
            "{}: the diff must show an expected hook event that Bun did not emit:\n{diff}",
            r.case_id
        );
    }
}
