//! `matrix`: the committed cross-runtime view in one command — each runtime's results into
//! `reports/results/<runtime>.json`, then the report built from them.

use crate::exec::runner::{self, RunConfig};
use crate::exec::runtimes::Registry;
use crate::input::files::write_atomic;
use crate::input::project::{Project, Suite};
use crate::report::baseline;
use crate::report::matrix::DEFAULT_RESULTS_DIR;
use crate::report::results::Results;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, FAILED, INVALID};
use crate::workflow::report::{report, ReportOptions};
use crate::workflow::runtimes::check_names;

/// Run the corpus on each of `names` (none: reference and every pinned runtime), write each
/// one's results, then build the matrix from every results file.
pub fn matrix(project: &Project, names: &[String], emit: &Emitter) -> Exit {
    let mut names = names.to_vec();
    if names.is_empty() {
        names.push(crate::exec::reference::NAME.to_string());
        match Registry::load(&project.root) {
            Ok(reg) => names.extend(reg.lock.iter().map(|e| e.name.clone())),
            Err(d) => {
                emit.note(d);
                return Ok(INVALID);
            }
        }
    }
    if let Err(e) = check_names(project, &names) {
        emit.note(e);
        return Ok(INVALID);
    }
    let suite = match Suite::load_project(project) {
        Ok(s) => s,
        Err(d) => {
            emit.note(d);
            return Ok(INVALID);
        }
    };
    crate::exec::process::install_interrupt_handler();
    let dir = project.root.join(DEFAULT_RESULTS_DIR);
    for name in &names {
        let cfg = RunConfig {
            runtimes: vec![name.clone()],
            ..RunConfig::default()
        };
        let (runtimes, records) = runner::run_quiet(project, &suite, &cfg);
        let results = Results::from_run(cfg.repeat, cfg.timeout, Some(&suite), &runtimes, &records);
        let file = dir.join(format!(
            "{}.json",
            baseline::file_name(name).trim_end_matches(".snap")
        ));
        if let Err(e) = write_atomic(&file, results.to_json().as_bytes()) {
            emit.note(format_args!("error: cannot write {}: {e}", file.display()));
            return Ok(FAILED);
        }
        let counts: Vec<String> = results
            .runtimes
            .iter()
            .flat_map(|r| r.counts.iter().filter(|(_, n)| **n > 0))
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        emit.note(format_args!(
            "{name}: {} → {}",
            counts.join(", "),
            project.relative(&file).display()
        ));
    }
    report(project, &ReportOptions::default(), emit)
}
