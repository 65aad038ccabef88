//! The interactive run (progress bar) selects the same cases and reaches the same outcomes as
//! the libtest run it stands in for.

use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::Status;

#[test]
fn the_progress_run_agrees_with_the_libtest_run() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).expect("corpus loads");
    let cfg = RunConfig::default();
    for filter in [None, Some("als/run/")] {
        let mut argv = vec!["conformance".to_string(), "--quiet".to_string()];
        argv.extend(filter.map(String::from));
        let args = libtest_mimic::Arguments::from_iter(argv.clone());
        let plain = runner::run(&project, &suite, &cfg, &args);
        let progress = runner::run_with_progress(&project, &suite, &cfg, &args);
        let key = |r: &runner::RunResult| -> Vec<(String, String, Status, Vec<String>)> {
            r.records
                .iter()
                .map(|x| {
                    (
                        x.runtime.clone(),
                        x.case_id.clone(),
                        x.outcome.status,
                        x.outcome.trace.clone(),
                    )
                })
                .collect()
        };
        assert_eq!(key(&plain), key(&progress), "filter {filter:?}");
        assert!(!progress.records.is_empty());
        assert_eq!(plain.conclusion.num_passed, progress.conclusion.num_passed);
        assert_eq!(plain.conclusion.num_failed, progress.conclusion.num_failed);
        assert_eq!(
            plain.conclusion.num_filtered_out,
            progress.conclusion.num_filtered_out
        );
    }
}
