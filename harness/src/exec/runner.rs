//! The runner: one libtest-mimic trial per case × runtime, so that filters, `--list`,
//! `--exact`, `--test-threads` and nextest behave as Rust users expect.
//!
//! Every trial records its [`Outcome`] in a shared list that the caller gets back with the
//! libtest conclusion, for reports and baselines. The progress-bar run and the quiet run
//! schedule the same jobs themselves, on the [`Executor`]'s worker threads.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use libtest_mimic::{Arguments, Conclusion, Failed, Trial};

use crate::exec::adapter::Adapter;
use crate::exec::executor::Executor;
use crate::exec::runtimes::Registry;
use crate::exec::sandbox::Sandbox;
use crate::input::case::Case;
use crate::input::project::{Project, Suite};
use crate::input::snapshot;
use crate::judge::outcome::{self, Outcome, Status};
use crate::judge::record::{Record, RuntimeList};
use crate::judge::runs::{self, Declared, Misfit, Runs};

/// The runtime used when none is named, and so the one `--bless` writes expected traces from:
/// the embedded reference runtime, the executable form of the spec. It needs nothing installed.
pub const DEFAULT_RUNTIME: &str = crate::exec::reference::NAME;

pub use crate::exec::executor::WORKER_STACK;

/// Give threads that libtest starts later a stack as big as [`WORKER_STACK`] (it reads
/// `RUST_MIN_STACK`). Call first thing in `main`, before any thread exists.
pub fn request_big_thread_stacks() {
    if std::env::var_os("RUST_MIN_STACK").is_none() {
        std::env::set_var("RUST_MIN_STACK", WORKER_STACK.to_string());
    }
}

/// How many cases run at once unless `--test-threads` says otherwise. The reference runtime
/// keeps a core busy for the whole of a case, so one case per core. A process runtime spends
/// much of a case waiting (for the process to start, for the case's own timers, for the exit),
/// so two per core keep the cores busy.
pub fn default_workers(runtimes: &[String]) -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    if runtimes.iter().any(|r| r == crate::exec::reference::NAME) {
        cores
    } else {
        cores * 2
    }
}

/// A guess at how long a case waits on its own timers, in milliseconds: the largest number
/// passed as the last argument of a call (`setTimeout(f, 200)`). Only used to start the longest
/// waits first, so that a run does not end on one long case while the other workers idle.
pub fn expected_wait_ms(case: &Case) -> u64 {
    static LAST_ARG: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
    let Some(re) = LAST_ARG
        .get_or_init(|| regex::Regex::new(r",\s*(\d{1,6})\s*\)").ok())
        .as_ref()
    else {
        return 0;
    };
    re.captures_iter(&case.script)
        .filter_map(|c| c.get(1)?.as_str().parse::<u64>().ok())
        .max()
        .unwrap_or(0)
}

/// A case's time limit when it sets none.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct RunConfig {
    pub runtimes: Vec<String>,
    /// Write the observed trace of every case that does not match as a pending snapshot.
    pub bless: bool,
    /// Overrides every case's time limit (the fault tests use a short one).
    pub timeout: Option<Duration>,
    /// Run each case this many times (at least once), recording how many runs gave each
    /// distinct trace; a case whose trace is not the same in every run fails as flaky unless
    /// its baseline declares it flaky (with `--check`).
    pub repeat: u32,
    /// Run only the cases of this shard: `Some((k, n))` is shard k of n, counted from 1.
    pub shard: Option<(u32, u32)>,
    /// Pooled mode: process runtimes run many cases per process, each in a worker thread of
    /// its own (see `pool`).
    pub pool: bool,
    /// Pool even where the adapter file says pooling does not pay (`no_pool`): the bench
    /// measures what a pool would cost there.
    pub pool_even_if_slower: bool,
    /// With `--check`: what each checked runtime's baseline expects of the cases it does not
    /// pass. A case then passes its trial when it does what the baseline says, so a run that
    /// matches its baseline reads green and a known failure takes one line.
    pub known: Known,
    /// Print the whole report of a known failure too, not its one line.
    pub verbose: bool,
    /// `--no-sandbox`: run process runtimes unconfined (the runtimes' facts say so). Without
    /// it a machine that cannot make the sandbox makes every process runtime unusable.
    pub no_sandbox: bool,
}

impl RunConfig {
    /// The sandbox process runtimes of this run are confined in, or why there is none.
    pub fn sandbox(&self) -> Result<Sandbox, String> {
        if self.no_sandbox {
            Ok(Sandbox::Off)
        } else {
            Sandbox::detect().map_err(|e| e.to_string())
        }
    }
}

/// Runtime → case ID → what its baseline declares, for every case the baseline lists (as not
/// passing, or as flaky). A runtime present here is judged by its baseline: a case it does not
/// list must pass, the same way in every run.
pub type Known = BTreeMap<String, BTreeMap<String, Declared>>;

/// How one trial went, for libtest and the progress view.
enum Verdict {
    /// Passed; `Some(note)` is a line worth printing although it passed (blessed, known).
    Passed(Option<String>),
    /// Failed, with the whole report.
    Failed(String),
}

/// Whether a case belongs to shard `k` of `n`. The partition depends on the case ID alone
/// (FNV-1a, the same on every machine and Rust version), so shards on different CI machines
/// split the corpus without talking to each other and a case stays in its shard when others
/// are added.
pub fn in_shard(case_id: &str, shard: Option<(u32, u32)>) -> bool {
    let Some((k, n)) = shard else { return true };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in case_id.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h % n as u64 == (k as u64 - 1)
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            runtimes: vec![DEFAULT_RUNTIME.to_string()],
            bless: false,
            timeout: None,
            repeat: 1,
            shard: None,
            pool: false,
            pool_even_if_slower: false,
            known: Known::new(),
            verbose: false,
            no_sandbox: false,
        }
    }
}

pub struct RunResult {
    pub conclusion: Conclusion,
    /// The runtimes that ran (or failed to start: `Err(reason)`).
    pub runtimes: RuntimeList,
    pub records: Vec<Record>,
}

/// One case on one runtime, ready to run.
struct Job {
    project: Project,
    runtime: String,
    adapter: Result<Arc<dyn Adapter>, String>,
    case: Case,
    /// Set when the runtime cannot offer a feature the case needs.
    unsupported: Option<String>,
    bless: bool,
    repeat: u32,
    timeout: Duration,
    /// What a failure report adds: the rules the case checks and the register's causes.
    why: String,
    /// `Some` when a baseline judges this runtime: what it declares of the case (the default:
    /// must pass, the same way in every run).
    baseline: Option<Declared>,
    verbose: bool,
}

impl Job {
    /// Run and judge: the outcome, and whether the trial passed with what to print.
    fn run(&self) -> (Outcome, Verdict) {
        let mut outcome = match (&self.adapter, &self.unsupported) {
            (_, Some(reason)) => Outcome::unsupported(reason.clone()),
            (Err(e), None) => {
                Outcome::error(format!("runtime {} cannot be used: {e}", self.runtime))
            }
            (Ok(a), None) => run_repeated(a.as_ref(), &self.case, self.timeout, self.repeat),
        };
        let shown = self.project.relative(&self.case.path);
        let runtime = match &self.adapter {
            Ok(a) => format!("{} {}", self.runtime, a.facts().version),
            Err(_) => self.runtime.clone(),
        };
        let report = |o: &Outcome| {
            let mut message = describe(&runtime, &self.case, shown, o);
            if o.status != Status::Pass {
                message.push_str(&self.why);
            }
            message
        };
        let passed = matches!(outcome.status, Status::Pass | Status::Unsupported);
        if self.bless && !passed {
            // Blessing asks for the observed trace, not for a match: a case whose trace was
            // written as a pending snapshot has done what was asked.
            return match bless(&self.project, &self.case, &outcome) {
                Ok(note) => {
                    outcome.blessed = true;
                    (outcome, Verdict::Passed(Some(note)))
                }
                Err(why_not) => {
                    let message = report(&outcome) + &why_not;
                    (outcome, Verdict::Failed(message))
                }
            };
        }
        if outcome.status == Status::Unsupported {
            return (outcome, Verdict::Passed(None));
        }
        let flaky = outcome
            .runs
            .as_ref()
            .map(|r| r.describe(&self.case.ordering))
            .unwrap_or_default();
        let Some(declared) = &self.baseline else {
            let verdict = if !flaky.is_empty() {
                Verdict::Failed(format!("{flaky}{}", report(&outcome)))
            } else if passed {
                Verdict::Passed(None)
            } else {
                Verdict::Failed(report(&outcome))
            };
            return (outcome, verdict);
        };
        let root = Some(self.project.root.as_path());
        let seen = runs::seen_all(&outcome, root);
        let (differing, total) = runs::spread(&outcome);
        let verdict = match declared.judge(&seen, differing, total) {
            Ok(()) if *declared == Declared::default() => Verdict::Passed(None),
            Ok(()) if self.verbose => Verdict::Passed(Some(format!("{flaky}{}", report(&outcome)))),
            Ok(()) => {
                let (status, now) = runs::seen(&outcome, root);
                let how = match &declared.flaky {
                    Some((rate, _)) => format!(
                        "known flaky ({}, baseline; {differing} of {total} runs differed)",
                        rate.as_str()
                    ),
                    None => format!("known {} (baseline)", status.as_str()),
                };
                let now = if now.is_empty() {
                    status.as_str().to_string()
                } else {
                    now
                };
                let (rt, id) = (&self.runtime, &self.case.id);
                Verdict::Passed(Some(format!("{how}: [{rt}] {id}: {now}\n")))
            }
            Err(misfit) => {
                let listed = match &declared.usual {
                    Some((status, summary)) => format!("{} ({summary})", status.as_str()),
                    None => "passing".to_string(),
                };
                let head = match misfit {
                    Misfit::Varied => format!(
                        "varies between runs, and the baseline lists it as {listed} the same way every time"
                    ),
                    Misfit::TooOften => format!(
                        "varies more often than its baseline's class `rare` allows: {differing} of {total} runs differed"
                    ),
                    Misfit::Outcome((Status::Pass, _)) if declared.usual.is_some() => {
                        return (
                            outcome,
                            Verdict::Failed(format!(
                                "unexpected pass on {runtime}: the baseline lists it as {listed}; if the fix is intended, update the baseline\n{flaky}"
                            )),
                        );
                    }
                    Misfit::Outcome(_) => {
                        format!("differs from the baseline, which lists it as {listed}")
                    }
                };
                Verdict::Failed(format!("{head}\n{flaky}{}", report(&outcome)))
            }
        };
        (outcome, verdict)
    }

    fn record(&self, outcome: Outcome) -> Record {
        Record {
            runtime: self.runtime.clone(),
            case_id: self.case.id.clone(),
            outcome,
        }
    }
}

/// Resolve and prepare every runtime (installing pinned ones), then make one job per case ×
/// runtime. A runtime that cannot be prepared turns its jobs into ERRORs; the others go on.
fn plan(
    project: &Project,
    suite: &Suite,
    cfg: &RunConfig,
    announce: bool,
) -> (RuntimeList, Vec<Job>) {
    let registry = Registry::load(&project.root);
    let sandbox = cfg.sandbox();
    let mut runtimes = Vec::new();
    let mut jobs = Vec::new();
    for name in &cfg.runtimes {
        let prepared: Result<Arc<dyn Adapter>, String> = match (&registry, &sandbox) {
            _ if name == crate::exec::reference::NAME => {
                Ok(Arc::new(crate::exec::reference::ReferenceAdapter::new()) as Arc<dyn Adapter>)
            }
            (Err(d), _) => Err(d.to_string()),
            (_, Err(e)) => Err(e.clone()),
            // workerd runs workers, not script files: its adapter renders each case itself.
            (Ok(reg), Ok(sb)) if name == crate::exec::workerd::NAME => {
                let prepared = crate::exec::workerd::WorkerdAdapter::prepare(reg, sb);
                prepared.map(|a| Arc::new(a) as Arc<dyn Adapter>)
            }
            (Ok(reg), Ok(sb)) if cfg.pool => reg.prepare(name, sb).and_then(|a| {
                if let Some(why) = a.file.no_pool.as_ref().filter(|_| !cfg.pool_even_if_slower) {
                    // The adapter file says a pool is slower here: a process per case.
                    if announce {
                        eprintln!("runtime {name}: --pool steps aside, pooling does not pay here ({why}); a process per case instead");
                    }
                    return Ok(Arc::new(a) as Arc<dyn Adapter>);
                }
                crate::exec::pool::PoolAdapter::new(a).map(|p| Arc::new(p) as Arc<dyn Adapter>)
            }),
            (Ok(reg), Ok(sb)) => reg
                .prepare(name, sb)
                .map(|a| Arc::new(a) as Arc<dyn Adapter>),
        };
        if announce {
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
        }
        runtimes.push((
            name.clone(),
            prepared
                .as_ref()
                .map(|a| a.facts().clone())
                .map_err(Clone::clone),
        ));
        let mut cases: Vec<&Case> = suite
            .cases
            .iter()
            .filter(|c| in_shard(&c.id, cfg.shard))
            .collect();
        // Longest waits first (stable, so otherwise in case order); records are sorted again
        // by case ID once the run is over.
        cases.sort_by_key(|c| std::cmp::Reverse(expected_wait_ms(c)));
        for case in cases {
            jobs.push(Job {
                project: project.clone(),
                runtime: name.clone(),
                unsupported: prepared.as_ref().ok().and_then(|a| a.supports(case).err()),
                adapter: prepared.clone(),
                case: case.clone(),
                bless: cfg.bless,
                repeat: cfg.repeat.max(1),
                timeout: cfg.timeout.or(case.timeout).unwrap_or(DEFAULT_TIMEOUT),
                why: why(suite, name, case),
                baseline: cfg
                    .known
                    .get(name)
                    .map(|entries| entries.get(&case.id).cloned().unwrap_or_default()),
                verbose: cfg.verbose,
            });
        }
    }
    (runtimes, jobs)
}

/// The lines a failure of `case` on `runtime` ends with: each requirement it checks with its
/// rule, and the causes the divergence register gives for it on that runtime, so a reader of
/// the terminal learns what broke and whether it is known without opening the spec.
pub fn why(suite: &Suite, runtime: &str, case: &Case) -> String {
    let mut out = String::new();
    for id in &case.spec {
        let rule = suite.spec.get(id).map_or("", |r| r.title.as_str());
        out.push_str(&format!("requirement {id}: {rule}\n"));
    }
    for c in suite.register.causes(runtime, &case.id) {
        out.push_str(&format!(
            "known cause ({}, line {}): {}\n",
            crate::input::register::PATH,
            c.line,
            c.title
        ));
    }
    out
}

fn sorted(mut records: Vec<Record>) -> Vec<Record> {
    records.sort_by(|a, b| (&a.runtime, &a.case_id).cmp(&(&b.runtime, &b.case_id)));
    records
}

/// Run the suite's cases on every configured runtime as libtest trials.
pub fn run(project: &Project, suite: &Suite, cfg: &RunConfig, args: &Arguments) -> RunResult {
    let (runtimes, jobs) = plan(project, suite, cfg, true);
    let records: Arc<Mutex<Vec<Record>>> = Arc::default();
    let trials = jobs
        .into_iter()
        .map(|job| {
            let shared = Arc::clone(&records);
            let records = Arc::clone(&records);
            let name = job.case.id.clone();
            let kind = job.runtime.clone();
            let ignored = job.unsupported.is_some();
            // libtest never calls an ignored trial, yet results and baselines must list the
            // case as UNSUPPORTED: record it here when the filter selects it.
            let skipped = job
                .unsupported
                .clone()
                .map(|reason| job.record(Outcome::unsupported(reason)));
            let trial = Trial::test(name, move || {
                let (outcome, verdict) = job.run();
                records
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(job.record(outcome));
                match verdict {
                    Verdict::Passed(note) => {
                        // libtest shows a passing trial's name only; a note says more.
                        if let Some(note) = note {
                            eprint!("{note}");
                        }
                        Ok(())
                    }
                    Verdict::Failed(message) => Err(Failed::from(message)),
                }
            })
            .with_kind(kind)
            .with_ignored_flag(ignored);
            if let Some(rec) = skipped {
                if !args.list && args.is_ignored(&trial) && !args.is_filtered_out(&trial) {
                    shared.lock().unwrap_or_else(|p| p.into_inner()).push(rec);
                }
            }
            trial
        })
        .collect();
    let mut args = args.clone();
    if args.test_threads.is_none() {
        args.test_threads = Some(default_workers(&cfg.runtimes));
    }
    let conclusion = libtest_mimic::run(&args, trials);
    // libtest's worker threads are not joined: their sandbox cells end here.
    crate::exec::cell::shutdown_all();
    let records = std::mem::take(&mut *records.lock().unwrap_or_else(|p| p.into_inner()));
    RunResult {
        conclusion,
        runtimes,
        records: sorted(records),
    }
}

/// The interactive form of [`run`]: the same jobs, filter and outcomes, but a progress bar on
/// stderr (drawn once the run has taken a second, so short runs stay quiet) instead of one line
/// per case, then the failures in full and libtest's closing line. For terminals; CI logs and
/// pipes get libtest's own output.
pub fn run_with_progress(
    project: &Project,
    suite: &Suite,
    cfg: &RunConfig,
    args: &Arguments,
) -> RunResult {
    let started = std::time::Instant::now();
    let (runtimes, jobs) = plan(project, suite, cfg, true);
    let mut selected = Vec::new();
    let mut filtered_out = 0u64;
    let mut records = Vec::new();
    for job in jobs {
        let probe = Trial::test(job.case.id.clone(), || Ok(()))
            .with_kind(job.runtime.clone())
            .with_ignored_flag(job.unsupported.is_some());
        if args.is_filtered_out(&probe) {
            filtered_out += 1;
        } else if let Some(reason) = job.unsupported.clone() {
            records.push(job.record(Outcome::unsupported(reason)));
        } else {
            selected.push(job);
        }
    }
    let ignored = records.len() as u64;
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(selected.len() as u64),
        indicatif::ProgressDrawTarget::hidden(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} cases  {elapsed}  {msg}")
    {
        bar.set_style(style);
    }
    let workers = args
        .test_threads
        .unwrap_or_else(|| default_workers(&cfg.runtimes));
    let mut done = Executor::new(workers).map_with_progress(
        &selected,
        |job| {
            let (outcome, verdict) = job.run();
            (job.record(outcome), verdict)
        },
        |job, _| {
            if started.elapsed() > Duration::from_secs(1) && bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_message(format!("[{}] {}", job.runtime, job.case.id));
            bar.inc(1);
        },
    );
    bar.finish_and_clear();
    done.sort_by(|a, b| (&a.0.case_id, &a.0.runtime).cmp(&(&b.0.case_id, &b.0.runtime)));
    let mut failed = 0u64;
    let mut passed = 0u64;
    for (rec, verdict) in &done {
        match verdict {
            Verdict::Passed(note) => {
                passed += 1;
                if let Some(note) = note {
                    print!("{note}");
                }
            }
            Verdict::Failed(message) => {
                failed += 1;
                println!("---- [{}] {} ----\n{message}\n", rec.runtime, rec.case_id);
            }
        }
    }
    println!(
        "test result: {}. {passed} passed; {failed} failed; {ignored} ignored; 0 measured; {filtered_out} filtered out; finished in {:.2}s",
        if failed == 0 { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    records.extend(done.into_iter().map(|(r, _)| r));
    RunResult {
        conclusion: Conclusion {
            num_filtered_out: filtered_out,
            num_passed: passed,
            num_failed: failed,
            num_ignored: ignored,
            num_measured: 0,
        },
        runtimes,
        records: sorted(records),
    }
}

/// Run every job without printing anything, on [`default_workers`] threads.
/// For tools and tests that want the outcomes, not libtest's output.
pub fn run_quiet(project: &Project, suite: &Suite, cfg: &RunConfig) -> (RuntimeList, Vec<Record>) {
    let (runtimes, jobs) = plan(project, suite, cfg, false);
    let records = Executor::new(default_workers(&cfg.runtimes)).map(&jobs, |job| {
        let (outcome, _) = job.run();
        job.record(outcome)
    });
    (runtimes, sorted(records))
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

/// Run a case `repeat` times, every time, and record how the runs spread over distinct traces
/// (normalised under the case's `order.free` groups, as the matcher compares them). The
/// outcome is that of the most common trace, with the spread in [`Outcome::runs`] and the time
/// of all runs; whether a varying case fails is for the caller (see [`Job::run`]).
pub fn run_repeated(adapter: &dyn Adapter, case: &Case, timeout: Duration, repeat: u32) -> Outcome {
    let first = run_case(adapter, case, timeout);
    if repeat <= 1 {
        return first;
    }
    let mut outcomes = vec![first];
    for _ in 2..=repeat {
        outcomes.push(run_case(adapter, case, timeout));
    }
    let duration = outcomes.iter().map(|o| o.duration).sum();
    let runs = Runs::of(&case.ordering, outcomes);
    let mut outcome = runs.variants[0].outcome.clone();
    outcome.duration = duration;
    outcome.runs = Some(runs);
    outcome
}

/// Write the observed trace as a pending snapshot for `cargo insta review`.
pub fn write_pending(project: &Project, case: &Case, trace: &[String]) -> std::io::Result<()> {
    let source = project
        .relative(&case.path)
        .to_string_lossy()
        .replace('\\', "/");
    let text = snapshot::render_trace(&source, &case.title, trace);
    // A fresh temp file renamed over the target: a link already at the target is replaced,
    // never followed.
    crate::input::files::write_atomic(&case.pending_snapshot_path(), text.as_bytes())
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

/// `--bless` for a run that did not match: write its trace as a pending snapshot. `Ok` says
/// where it went; `Err` why nothing was written (a crash or timeout has no trace worth keeping).
fn bless(project: &Project, case: &Case, o: &Outcome) -> Result<String, String> {
    let blessable = o.status == Status::Fail || (o.status == Status::Error && !o.trace.is_empty());
    if !blessable {
        return Err(format!(
            "not blessed: a {} run has no trace worth keeping\n",
            o.status.as_str()
        ));
    }
    match write_pending(project, case, &o.trace) {
        Ok(()) => Ok(format!(
            "blessed: pending snapshot written to {}; review it with `cargo insta review`\n",
            project.relative(&case.pending_snapshot_path()).display()
        )),
        Err(e) => Err(format!("cannot write the pending snapshot: {e}\n")),
    }
}

#[cfg(test)]
#[path = "runner_tests.rs"]
mod tests;
