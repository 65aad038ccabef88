//! The human summary after libtest's own lines: per runtime, the count of each status and the
//! requirements met per spec area, then every allowed alternative a runtime took (a pass, but
//! one a reader should know about).

use std::collections::BTreeMap;

use crate::exec::runner::RunResult;
use crate::input::project::Suite;
use crate::judge::outcome::Counts;
use crate::report::requirements::requirement_view;
use crate::workflow::emit::Emitter;

/// Say the summary of `result` through `emit`.
pub fn print(suite: &Suite, result: &RunResult, emit: &Emitter) {
    // Blessed runs are counted apart: they did what `--bless` asked, whatever their status.
    let mut counts: BTreeMap<&str, (Counts, usize)> = BTreeMap::new();
    let mut varied: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &result.records {
        if r.outcome.runs.as_ref().is_some_and(|r| r.differing() > 0) {
            *varied.entry(r.runtime.as_str()).or_default() += 1;
        }
        let (c, blessed) = counts.entry(r.runtime.as_str()).or_default();
        if r.outcome.blessed {
            *blessed += 1;
        } else {
            c.add(r.outcome.status, 1);
        }
    }
    for (runtime, facts) in &result.runtimes {
        let Some((c, blessed)) = counts.get(runtime.as_str()) else {
            continue;
        };
        let version = facts
            .as_ref()
            .map(|f| f.version.as_str())
            .unwrap_or("unavailable");
        let mut parts = c.nonzero_line();
        if *blessed > 0 {
            if !parts.is_empty() {
                parts.push_str(", ");
            }
            parts.push_str(&format!(
                "{blessed} blessed (pending review: `cargo insta review`)"
            ));
        }
        // With --repeat the statuses are those of each case's most common trace.
        if let Some(n) = varied.get(runtime.as_str()) {
            parts.push_str(&format!("; {n} varied between runs"));
        }
        // A run made without the sandbox says so where its result is read.
        if let Ok(f) = facts {
            if f.confinement == crate::exec::sandbox::Sandbox::Off.describe() {
                parts.push_str(" (UNCONFINED: --no-sandbox)");
            }
        }
        emit.say(format_args!("summary: {runtime} {version}: {parts}"));
        for area in requirement_view(suite, &result.records, runtime) {
            emit.say(format_args!(
                "  {}: {}/{} requirements met",
                area.area, area.met, area.total
            ));
        }
    }
    for r in result
        .records
        .iter()
        .filter(|r| r.outcome.alternative.is_some())
    {
        emit.say(format_args!(
            "alternative: [{}] {} took `{}`",
            r.runtime,
            r.case_id,
            r.outcome.alternative.as_deref().unwrap_or_default()
        ));
    }
}
