//! The runner: one libtest-mimic trial per case × runtime, so that filters, `--list`,
//! `--exact`, `--test-threads` and nextest behave as Rust users expect.
//!
//! Every trial records its [`Outcome`] in a shared list that the caller gets back with the
//! libtest conclusion, for reports and baselines.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libtest_mimic::{Arguments, Conclusion, Failed, Trial};

use crate::adapter::{Adapter, RuntimeFacts};
use crate::case::Case;
use crate::expect::snapshot;
use crate::outcome::{self, Outcome, Status};
use crate::project::{Project, Suite};
use crate::runtimes::Registry;

/// The runtime used when none is named. Until the embedded reference runtime exists, the
/// pinned Node 26.
pub const DEFAULT_RUNTIME: &str = "node@26";

/// A case's time limit when it sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub runtimes: Vec<String>,
    /// Write the observed trace of every case that does not match as a pending snapshot.
    pub bless: bool,
    /// Overrides every case's time limit (the fault tests use a short one).
    pub timeout: Option<Duration>,
}

/// One trial's result.
#[derive(Debug, Clone)]
pub struct Record {
    pub runtime: String,
    pub case_id: String,
    pub outcome: Outcome,
}

pub struct RunResult {
    pub conclusion: Conclusion,
    /// The runtimes that ran (or failed to start: `Err(reason)`).
    pub runtimes: Vec<(String, Result<RuntimeFacts, String>)>,
    pub records: Vec<Record>,
}

/// Run the suite's cases on every configured runtime as libtest trials.
pub fn run(project: &Project, suite: &Suite, cfg: &RunConfig, args: &Arguments) -> RunResult {
    let registry = Registry::load(&project.root);
    let records: Arc<Mutex<Vec<Record>>> = Arc::default();
    let mut runtimes = Vec::new();
    let mut trials = Vec::new();
    for name in &cfg.runtimes {
        // A runtime that cannot be prepared turns every trial of it into an ERROR; the run
        // goes on with the other runtimes.
        let prepared: Result<Arc<dyn Adapter>, String> = match &registry {
            Ok(reg) => reg
                .prepare(name)
                .map(|a| Arc::new(a) as Arc<dyn Adapter>),
            Err(d) => Err(d.to_string()),
        };
        match &prepared {
            Ok(a) => {
                let f = a.facts();
                eprintln!(
                    "runtime {}: version {}, adapter {}, from {}",
                    f.name, f.version, f.adapter, f.source
                );
            }
            Err(e) => eprintln!("runtime {name}: cannot be used: {e}"),
        }
        runtimes.push((
            name.clone(),
            prepared.as_ref().map(|a| a.facts().clone()).map_err(Clone::clone),
        ));
        for case in &suite.cases {
            trials.push(make_trial(project, name, &prepared, case, cfg, &records));
        }
    }
    let conclusion = libtest_mimic::run(args, trials);
    let mut records = std::mem::take(&mut *records.lock().unwrap_or_else(|p| p.into_inner()));
    records.sort_by(|a, b| (&a.runtime, &a.case_id).cmp(&(&b.runtime, &b.case_id)));
    RunResult {
        conclusion,
        runtimes,
        records,
    }
}

fn make_trial(
    project: &Project,
    runtime: &str,
    adapter: &Result<Arc<dyn Adapter>, String>,
    case: &Case,
    cfg: &RunConfig,
    records: &Arc<Mutex<Vec<Record>>>,
) -> Trial {
    let unsupported = adapter.as_ref().ok().and_then(|a| a.supports(case).err());
    let ignored = unsupported.is_some();
    let adapter = adapter.clone();
    let case = case.clone();
    let runtime_name = runtime.to_string();
    let records = Arc::clone(records);
    let bless = cfg.bless;
    let timeout = cfg.timeout.or(case.timeout).unwrap_or(DEFAULT_TIMEOUT);
    let shown_path = project.relative(&case.path).to_path_buf();
    let project = project.clone();
    Trial::test(case.id.clone(), move || {
        let outcome = match (&adapter, unsupported) {
            (_, Some(reason)) => Outcome::unsupported(reason),
            (Err(e), None) => Outcome::error(format!("runtime {runtime_name} cannot be used: {e}")),
            (Ok(a), None) => run_case(a.as_ref(), &case, timeout),
        };
        let mut message = describe(&runtime_name, &case, &shown_path, &outcome);
        if bless {
            message.push_str(&bless_note(&project, &case, &outcome));
        }
        let passed = outcome.status == Status::Pass || outcome.status == Status::Unsupported;
        records
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(Record {
                runtime: runtime_name.clone(),
                case_id: case.id.clone(),
                outcome,
            });
        if passed {
            Ok(())
        } else {
            Err(Failed::from(message))
        }
    })
    .with_kind(runtime)
    .with_ignored_flag(ignored)
}

/// Execute one case and judge it; with `bless`, leave a pending snapshot when it differs.
pub fn run_case(adapter: &dyn Adapter, case: &Case, timeout: Duration) -> Outcome {
    let expected = match snapshot::read(&case.snapshot_path()) {
        Ok(e) => e,
        Err(d) => return Outcome::error(d.to_string()),
    };
    let exec = adapter.execute(case, timeout);
    outcome::judge(case, expected.as_deref(), &exec)
}

/// Write the observed trace as a pending snapshot for `cargo insta review`.
pub fn write_pending(project: &Project, case: &Case, trace: &[String]) -> std::io::Result<()> {
    let source = project.relative(&case.path).to_string_lossy().replace('\\', "/");
    let text = snapshot::render(&source, &case.title, trace);
    let pending = case.pending_snapshot_path();
    let tmp = pending.with_extension("new.tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, &pending)
}

fn describe(runtime: &str, case: &Case, path: &Path, o: &Outcome) -> String {
    let mut msg = format!(
        "{} on {runtime}: {} ({})\n",
        o.status.as_str(),
        case.title,
        path.display()
    );
    msg.push_str(o.detail.trim_end());
    msg.push('\n');
    if o.status != Status::Fail && !o.trace.is_empty() {
        msg.push_str("observed trace:\n");
        for l in &o.trace {
            msg.push_str("  ");
            msg.push_str(l);
            msg.push('\n');
        }
    }
    let stderr = o.stderr_head.trim_end();
    if !stderr.is_empty() && o.status != Status::Pass {
        msg.push_str("stderr (head):\n");
        for l in stderr.lines().take(20) {
            msg.push_str("  ");
            msg.push_str(l);
            msg.push('\n');
        }
    }
    msg
}

fn bless_note(project: &Project, case: &Case, o: &Outcome) -> String {
    let blessable = o.status == Status::Fail
        || (o.status == Status::Error && !o.trace.is_empty());
    if !blessable {
        return format!(
            "not blessed: a {} run has no trace worth keeping\n",
            o.status.as_str()
        );
    }
    match write_pending(project, case, &o.trace) {
        Ok(()) => format!(
            "pending snapshot written to {}; review it with `cargo insta review`\n",
            project.relative(&case.pending_snapshot_path()).display()
        ),
        Err(e) => format!("cannot write the pending snapshot: {e}\n"),
    }
}
