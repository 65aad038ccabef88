//! `neutrality`: does the instrument change what it measures? Every case runs twice on a
//! process runtime: through the harness as a conformance run does, and through the neutrality
//! instrument ([`crate::exec::prelude::ChannelIo::Neutral`]), which loads no module for itself,
//! reads nothing, opens nothing and adds no `process` listener, and writes its records with the
//! cheapest synchronous write the runtime has. Where the two traces differ (after the case's
//! `order.free` normalisation, and without the `uncaught` lines, which only the harness's
//! listener makes), the harness has an observer effect on that case.
//!
//! A difference is confirmed by more pairs of runs ([`CONFIRMING_RUNS`] in all): a case whose
//! harness trace or instrument trace is not the same every time is unstable (a flake, reported
//! apart), not an observer effect. Known effects are named in the register
//! (`spec/divergences.md`, a cause whose title starts with "Instrument limit"); the command
//! fails only on the others.

use std::path::PathBuf;
use std::time::Duration;

use crate::exec::executor::Executor;
use crate::exec::process_adapter::ProcessAdapter;
use crate::exec::runner::{self, DEFAULT_TIMEOUT};
use crate::exec::runtimes::Registry;
use crate::exec::sandbox::Sandbox;
use crate::input::case::Case;
use crate::input::files::write_atomic;
use crate::input::project::{Project, Suite};
use crate::input::register::Register;
use crate::judge::outcome::observed_trace;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, UsageError, FAILED, INVALID, PASSED};

/// The runtimes checked when none is named: the process runtimes the issue names.
pub const DEFAULT_RUNTIMES: &[&str] = &[
    "node@26", "node@24", "node@22", "node@20", "node@18", "bun", "deno",
];

/// What `neutrality` runs and where it writes.
#[derive(Debug, Clone, Default)]
pub struct NeutralityOptions {
    /// Runtimes to check; none means [`DEFAULT_RUNTIMES`].
    pub runtimes: Vec<String>,
    /// Run only the cases whose ID contains one of these.
    pub filter: Vec<String>,
    /// Leave out the cases whose ID contains one of these (known flakes, as `--skip` does for
    /// a conformance run).
    pub skip: Vec<String>,
    /// Where `neutrality.md` goes; default `reports/` for a whole run, else `target/neutrality/`.
    pub out: Option<PathBuf>,
    /// Run without the sandbox (docs/security.md).
    pub no_sandbox: bool,
}

/// One case on one runtime, as the check found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Both instruments saw the same.
    Same,
    /// They differ, the same way every time: an observer effect. The two traces.
    Differs {
        harness: Vec<String>,
        neutral: Vec<String>,
    },
    /// One of the two gave different traces on two runs: which, and where its runs parted.
    Unstable { which: &'static str, first: String },
}

/// The trace compared: the canonical trace without the harness's own `uncaught` lines,
/// normalised under the case's declared ordering freedoms.
pub fn comparable(case: &Case, trace: &[String]) -> Vec<String> {
    let kept: Vec<String> = trace
        .iter()
        .filter(|l| !l.starts_with("uncaught "))
        .cloned()
        .collect();
    case.ordering.normalise(&kept)
}

fn pair(adapter: &ProcessAdapter, case: &Case, timeout: Duration) -> (Vec<String>, Vec<String>) {
    let h = adapter.execute_through(case, timeout, false);
    let n = adapter.execute_through(case, timeout, true);
    (
        comparable(case, &observed_trace(&h)),
        comparable(case, &observed_trace(&n)),
    )
}

/// Runs of each instrument that must agree before a difference counts as an observer effect:
/// a case that flips now and then could otherwise give the same wrong pair twice by chance.
pub const CONFIRMING_RUNS: usize = 3;

/// Check one case on one runtime.
pub fn check(adapter: &ProcessAdapter, case: &Case) -> Finding {
    let timeout = case.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let (h1, n1) = pair(adapter, case, timeout);
    if h1 == n1 {
        return Finding::Same;
    }
    for run in 2..=CONFIRMING_RUNS {
        let (h, n) = pair(adapter, case, timeout);
        let (which, first, again) = if h != h1 {
            ("harness", &h1, h)
        } else if n != n1 {
            ("instrument", &n1, n)
        } else {
            continue;
        };
        return Finding::Unstable {
            which,
            first: parting(first, &again, "run 1", &format!("run {run}")),
        };
    }
    Finding::Differs {
        harness: h1,
        neutral: n1,
    }
}

/// The first line where two traces part, as `line N: harness `a`, instrument `b``.
pub fn first_difference(harness: &[String], neutral: &[String]) -> String {
    parting(harness, neutral, "harness", "instrument")
}

/// The first line where traces `a` and `b` part, each side named by its label.
fn parting(a: &[String], b: &[String], la: &str, lb: &str) -> String {
    let show = |x: Option<&String>| x.map_or("(nothing)".to_string(), |s| format!("`{s}`"));
    (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .map_or("no difference".into(), |i| {
            format!(
                "line {}: {la} {}, {lb} {}",
                i + 1,
                show(a.get(i)),
                show(b.get(i))
            )
        })
}

/// Whether the register names `case` on `runtime` under a cause titled "Instrument limit...".
fn known_limit(register: &Register, runtime: &str, case: &str) -> bool {
    register
        .causes(runtime, case)
        .iter()
        .any(|c| c.title.starts_with("Instrument limit"))
}

/// The command: check each runtime, write `neutrality.md`, print a summary. [`PASSED`] when
/// every difference found is a known instrument limit; [`FAILED`] otherwise; [`INVALID`] on
/// bad input or an output that cannot be written.
pub fn neutrality(project: &Project, opts: &NeutralityOptions, emit: &Emitter) -> Exit {
    let suite = match Suite::load_project(project) {
        Ok(s) => s,
        Err(d) => {
            emit.note(d);
            return Ok(INVALID);
        }
    };
    let register = &suite.register;
    let runtimes: Vec<String> = if opts.runtimes.is_empty() {
        DEFAULT_RUNTIMES.iter().map(|s| s.to_string()).collect()
    } else {
        opts.runtimes.clone()
    };
    if runtimes
        .iter()
        .any(|r| r == "reference" || r.starts_with("workerd"))
    {
        return Err(UsageError(
            "neutrality checks process runtimes with a Node-like prelude (node@N, bun, deno, an adapter file); the reference has no separate instrument and workerd's channel is its console".into(),
        ));
    }
    let sandbox = if opts.no_sandbox {
        Sandbox::Off
    } else {
        match Sandbox::detect() {
            Ok(s) => s,
            Err(e) => {
                emit.note(format!("error: {e}"));
                return Ok(INVALID);
            }
        }
    };
    let registry = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            emit.note(d);
            return Ok(INVALID);
        }
    };
    let cases: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| opts.filter.is_empty() || opts.filter.iter().any(|f| c.id.contains(f.as_str())))
        .filter(|c| !opts.skip.iter().any(|k| c.id.contains(k.as_str())))
        .collect();
    let whole = opts.filter.is_empty() && opts.skip.is_empty() && opts.runtimes.is_empty();
    let out_dir = opts.out.clone().unwrap_or_else(|| {
        if whole {
            project.root.join("reports")
        } else {
            project.root.join("target/neutrality")
        }
    });

    let mut md = String::from(
        "# Neutrality: the harness's instrument against a minimal one\n\n\
         Made by `cargo xtask neutrality`: every case ran through the harness and through an \
         instrument that loads no module, reads nothing, opens nothing and adds no `process` \
         listener (docs/neutrality.md). A difference seen the same way in three pairs of runs is an observer \
         effect of the harness; the register names the known ones as instrument limits.\n\n\
         | runtime | cases | same | observer effects | of which known | unstable | not run |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut details = String::new();
    let mut unexplained = 0usize;
    for name in &runtimes {
        let adapter = match registry.prepare(name, &sandbox) {
            Ok(a) => a,
            Err(e) => {
                emit.note(format!("error: {name}: {e}"));
                return Ok(INVALID);
            }
        };
        let runnable: Vec<&Case> = cases
            .iter()
            .copied()
            .filter(|c| crate::exec::adapter::Adapter::supports(&adapter, c).is_ok())
            .collect();
        let skipped = cases.len() - runnable.len();
        let executor = Executor::new(runner::default_workers(std::slice::from_ref(name)));
        let findings = executor.map(&runnable, |c| check(&adapter, c));
        let (mut same, mut effects, mut explained, mut unstable) = (0, 0, 0, 0);
        let mut lines = Vec::new();
        for (case, f) in runnable.iter().zip(&findings) {
            match f {
                Finding::Same => same += 1,
                Finding::Unstable { which, first } => {
                    unstable += 1;
                    emit.say(format!(
                        "[{name}] {}: unstable through the {which}: {first}",
                        case.id
                    ));
                    lines.push(format!("- `{}`: unstable through the {which} (two runs differ; not an observer effect): {first}", case.id));
                }
                Finding::Differs { harness, neutral } => {
                    effects += 1;
                    let is_known = known_limit(register, name, &case.id);
                    if is_known {
                        explained += 1;
                    } else {
                        unexplained += 1;
                    }
                    let tag = if is_known {
                        "known instrument limit"
                    } else {
                        "NOT EXPLAINED"
                    };
                    let first = first_difference(harness, neutral);
                    emit.say(format!(
                        "[{name}] {}: observer effect ({tag}): {first}",
                        case.id
                    ));
                    lines.push(format!("- `{}` ({tag}): {first}", case.id));
                }
            }
        }
        emit.say(format!(
            "neutrality {name}: {} cases, {same} the same, {effects} observer effects ({explained} known), {unstable} unstable, {skipped} not run (unsupported)",
            runnable.len()
        ));
        md.push_str(&format!(
            "| {name} | {} | {same} | {effects} | {explained} | {unstable} | {skipped} |\n",
            runnable.len()
        ));
        if !lines.is_empty() {
            details.push_str(&format!("\n## {name}\n\n{}\n", lines.join("\n")));
        }
    }
    md.push_str(&details);
    let path = out_dir.join("neutrality.md");
    if let Err(e) =
        std::fs::create_dir_all(&out_dir).and_then(|()| write_atomic(&path, md.as_bytes()))
    {
        emit.note(format!("error: cannot write {}: {e}", path.display()));
        return Ok(INVALID);
    }
    emit.say(format!(
        "neutrality: wrote {}",
        project.relative(&path).display()
    ));
    Ok(if unexplained == 0 { PASSED } else { FAILED })
}
