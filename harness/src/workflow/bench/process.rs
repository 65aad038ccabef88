//! The process runtimes' bench (`cargo xtask bench node@26 bun deno`): how much a conformance
//! run costs beyond starting the runtime once per case.
//!
//! Four things are timed with the suite's own parallelism, on the same worker threads the
//! runner uses ([`Executor`]): the floor (a start that only imports the module under test),
//! the corpus's scripts without the harness, the suite through the harness, the suite in
//! pooled mode, and the suite without the sandbox (what confining each case costs).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::median;
use super::os::{children_cpu, own_cpu};
use crate::exec::adapter::Adapter;
use crate::exec::executor::Executor;
use crate::exec::prelude;
use crate::exec::process::Ended;
use crate::exec::process_adapter::ProcessAdapter;
use crate::exec::runner::{self, RunConfig};
use crate::exec::runtimes::Registry;
use crate::exec::sandbox::Sandbox;
use crate::input::case::Case;
use crate::input::project::{Project, Suite};
use crate::judge::outcome::Status;
use crate::judge::record::Record;

/// A process runtime measured two ways in one run: the floor (the runtime started once per
/// case on a script that only imports `node:async_hooks`, with the suite's parallelism) and
/// the whole suite through the harness, plus the suite in pooled mode.
///
/// The cases without the harness tell the two parts of the ratio apart: what the corpus's own
/// scripts cost the runtime beyond a bare start, and what recording and judging them adds.
///
/// A 2-core machine's speed drifts by several percent over a minute, which is as much as the
/// differences this has to show. So the four are measured in alternating rounds (floor,
/// cases without the harness, suite, pooled; then the next round in the reverse order), and
/// every figure is the median over the rounds; the ratio is the median of the rounds' own
/// ratios, each taken from a floor and a suite measured next to each other.
#[derive(Debug)]
pub struct ProcessReport {
    pub runtime: String,
    pub version: String,
    pub cases: usize,
    pub workers: usize,
    pub rounds: Vec<ProcessRound>,
    pub passed: usize,
    pub pooled_passed: usize,
    pub unconfined_passed: usize,
    /// How many cases ran as a process of their own in pooled mode all the same.
    pub run_alone: usize,
    /// Why the adapter file says pooling does not pay here, if it does (`--pool` then runs a
    /// process per case; the bench measures a pool all the same).
    pub no_pool: Option<String>,
    /// How many cases did not end with exit code 0, without the harness and through it: the
    /// same number says both ran the same scripts to the same ends.
    pub unrecorded_not_zero: usize,
    pub suite_not_zero: usize,
}

/// One round of [`ProcessReport`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessRound {
    pub floor: Duration,
    /// The corpus without the harness: each case's script started like the floor, with a
    /// prelude that records nothing (see [`prelude::render_unrecorded`]).
    pub unrecorded: Duration,
    pub suite: Duration,
    pub pooled: Duration,
    /// The suite through the harness with `--no-sandbox`.
    pub unconfined: Duration,
    /// CPU time the runtime's processes used for the floor and for the suite: when the suite
    /// costs more than the floor, this says whether it is work or waiting.
    pub floor_runtime_cpu: Duration,
    pub unrecorded_runtime_cpu: Duration,
    pub suite_runtime_cpu: Duration,
    /// CPU time of the harness process itself (not its children): starting the floor's
    /// processes, and everything it does for the suite.
    pub floor_harness_cpu: Duration,
    pub suite_harness_cpu: Duration,
}

impl ProcessRound {
    pub fn ratio(&self) -> f64 {
        self.suite.as_secs_f64() / self.floor.as_secs_f64().max(1e-9)
    }
}

impl ProcessReport {
    /// The median over the rounds of one figure, in seconds.
    fn secs(&self, f: impl Fn(&ProcessRound) -> Duration) -> f64 {
        median(self.rounds.iter().map(|r| f(r).as_secs_f64()).collect())
    }

    pub fn ratio(&self) -> f64 {
        median(self.rounds.iter().map(ProcessRound::ratio).collect())
    }

    /// What the harness adds: the median of the rounds' ratios of the suite (sandboxed,
    /// recorded, judged) to the cases without the harness (the same scripts started bare).
    pub fn harness_adds(&self) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|r| r.suite.as_secs_f64() / r.unrecorded.as_secs_f64().max(1e-9))
                .collect(),
        )
    }

    /// What the sandbox adds to the suite's wall time: the median of the rounds' ratios of
    /// the suite to the same suite unconfined, less one.
    pub fn sandbox_cost(&self) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|r| r.suite.as_secs_f64() / r.unconfined.as_secs_f64().max(1e-9))
                .collect(),
        ) - 1.0
    }

    /// How many times faster the pooled suite is than a process per case.
    pub fn pooled_speedup(&self) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|r| r.suite.as_secs_f64() / r.pooled.as_secs_f64().max(1e-9))
                .collect(),
        )
    }

    /// The figures as `cargo xtask bench` prints them (and `--write` stores them).
    pub fn render(&self) -> String {
        let per_round: Vec<String> = self
            .rounds
            .iter()
            .map(|r| format!("{:.2}", r.ratio()))
            .collect();
        let floor_cpu = self.secs(|r| r.floor_runtime_cpu);
        let suite_cpu = self.secs(|r| r.suite_runtime_cpu);
        let floor = self.secs(|r| r.floor);
        let unrecorded = self.secs(|r| r.unrecorded);
        let unrecorded_cpu = self.secs(|r| r.unrecorded_runtime_cpu);
        let suite = self.secs(|r| r.suite);
        format!(
            "bench {} {}: {} cases on {} workers, {} rounds (medians)\n  floor (start + import node:async_hooks, once per case, no sandbox): {:.2} s\n  the cases without the harness (no sandbox, a trace() that records nothing): {:.2} s, {:.2}x the floor ({} did not exit 0; through the harness {})\n  suite through the harness (sandboxed, recorded, judged): {:.2} s ({} pass); what the harness adds: {:.2}x the cases without it (median of the rounds; target <= 1.05)\n  ratio suite/floor: {:.2} (rounds: {})\n  runtime CPU: floor {:.2} s, cases without the harness {:.2} s ({:.2}x), suite {}\n  harness CPU: floor {:.2} s, suite {:.2} s\n  pooled suite (--pool, {} of the cases still as a process each): {:.2} s ({} pass); {:.2}x faster than a process per case, {:.2} of the floor; {}\n  suite without the sandbox (--no-sandbox): {:.2} s ({} pass); the sandbox costs {:+.1}% of the suite's wall time (target <= 5%)\n",
            self.runtime,
            self.version,
            self.cases,
            self.workers,
            self.rounds.len(),
            floor,
            unrecorded,
            unrecorded / floor.max(1e-9),
            self.unrecorded_not_zero,
            self.suite_not_zero,
            suite,
            self.passed,
            self.harness_adds(),
            self.ratio(),
            per_round.join(", "),
            floor_cpu,
            unrecorded_cpu,
            unrecorded_cpu / floor_cpu.max(1e-9),
            // A case in a sandbox cell is the launcher's child, not the harness's: its CPU
            // time never comes back to the harness (a sandbox per case hands back what bwrap
            // waited for).
            if suite_cpu < 0.05 * floor_cpu {
                "not counted (cases run in sandbox cells, whose launcher waits for them)".to_string()
            } else {
                format!("{suite_cpu:.2} s ({:.2}x)", suite_cpu / floor_cpu.max(1e-9))
            },
            self.secs(|r| r.floor_harness_cpu),
            self.secs(|r| r.suite_harness_cpu),
            self.run_alone,
            self.secs(|r| r.pooled),
            self.pooled_passed,
            self.pooled_speedup(),
            self.secs(|r| r.pooled) / floor.max(1e-9),
            match &self.no_pool {
                Some(_) => "the adapter file says pooling does not pay here, so --pool runs a process per case".to_string(),
                None if self.pooled_speedup() >= 1.3 => "pooling pays (target >= 1.3x)".to_string(),
                None => "below 1.3x: the adapter file should say `no_pool` (docs/vendor-guide.md)".to_string(),
            },
            self.secs(|r| r.unconfined),
            self.unconfined_passed,
            self.sandbox_cost() * 100.0,
        )
    }
}

/// A case rendered without the harness's recording: its main file, its dir, its timeout.
type UnrecordedRun = (PathBuf, PathBuf, Duration);

/// What one round of [`run_process`] measures, in its order.
#[derive(Clone, Copy)]
enum Step {
    Floor,
    Unrecorded,
    Suite,
    Pooled,
    Unconfined,
}

/// Measure one runtime: `rounds` rounds of the four steps, in alternating order. Fails when
/// the runtime cannot be prepared or a step's files cannot be written.
pub fn run_process(
    project: &Project,
    suite: &Suite,
    name: &str,
    rounds: usize,
) -> Result<ProcessReport, String> {
    let registry = Registry::load(&project.root).map_err(|d| d.to_string())?;
    let cfg = RunConfig {
        runtimes: vec![name.to_string()],
        ..RunConfig::default()
    };
    let adapter = registry.prepare(name, &cfg.sandbox()?)?;
    // The floor and the cases without the harness run as a user would run them: no sandbox,
    // so that what confining the cases costs counts as the harness's.
    let bare = ProcessAdapter {
        sandbox: Sandbox::Off,
        ..adapter.clone()
    };
    // The same parallelism the suite runs with.
    let workers = runner::default_workers(&[name.to_string()]);
    let executor = Executor::new(workers);
    let cases = suite.cases.len();

    // The floor: the same number of starts, same parallelism, a script that does nothing but
    // import the module under test.
    let dir = tempfile::Builder::new()
        .prefix("ah-bench-floor-")
        .tempdir()
        .map_err(|e| format!("cannot make the floor's temp dir: {e}"))?;
    let ext = adapter.file.extensions();
    let file = dir.path().join(format!("floor.{}", ext.esm));
    std::fs::write(&file, "import 'node:async_hooks';\n")
        .map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let starts: Vec<usize> = (0..cases).collect();
    let floor = || {
        executor.map(&starts, |_| {
            let _ = bare.run_file(&file, dir.path(), Duration::from_secs(30));
        });
    };

    // The cases without the harness: rendered afresh for each round (a case may leave files
    // in its dir), outside the measured time, and run in the suite's order.
    let mut order: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| adapter.supports(c).is_ok())
        .collect();
    order.sort_by_key(|c| std::cmp::Reverse(runner::expected_wait_ms(c)));
    let render_unrecorded = || -> Result<(tempfile::TempDir, Vec<UnrecordedRun>), String> {
        let root = tempfile::Builder::new()
            .prefix("ah-bench-unrecorded-")
            .tempdir()
            .map_err(|e| format!("cannot make a temp dir for the cases: {e}"))?;
        let mut runs = Vec::with_capacity(order.len());
        for (i, case) in order.iter().enumerate() {
            let d = root.path().join(i.to_string());
            std::fs::create_dir(&d).map_err(|e| format!("cannot make {}: {e}", d.display()))?;
            let rendered = prelude::render_unrecorded(case, &ext);
            for (name, text) in &rendered.files {
                let path = d.join(name);
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
            let timeout = case.timeout.unwrap_or(runner::DEFAULT_TIMEOUT);
            runs.push((d.join(&rendered.main), d, timeout));
        }
        Ok((root, runs))
    };
    // Returns how many did not exit 0, to compare with the suite's `exit 0` traces: the two
    // must run the same scripts to the same end for the comparison to mean anything.
    let unrecorded = |runs: &[UnrecordedRun]| -> usize {
        let exited = executor.map(runs, |(main, dir, timeout)| {
            bare.run_file(main, dir, *timeout).ended
        });
        exited.iter().filter(|e| **e != Ended::Exited(0)).count()
    };

    let pooled_cfg = RunConfig {
        pool: true,
        pool_even_if_slower: true,
        ..cfg.clone()
    };
    let unconfined_cfg = RunConfig {
        no_sandbox: true,
        ..cfg.clone()
    };
    let passes = |records: &[Record]| {
        records
            .iter()
            .filter(|r| r.outcome.status == Status::Pass)
            .count()
    };
    /// Wall time, harness CPU and runtime (children) CPU of one step.
    fn measure<T>(step: impl FnOnce() -> T) -> (T, Duration, Duration, Duration) {
        let own0 = own_cpu();
        let child0 = children_cpu();
        let t = Instant::now();
        let v = step();
        let wall = t.elapsed();
        (
            v,
            wall,
            own_cpu().saturating_sub(own0),
            children_cpu().saturating_sub(child0),
        )
    }

    let mut all = Vec::with_capacity(rounds);
    let (mut passed, mut pooled_passed, mut unconfined_passed) = (0, 0, 0);
    let (mut unrecorded_not_zero, mut suite_not_zero) = (0, 0);
    for round in 0..rounds {
        let mut r = ProcessRound::default();
        let mut step = |which: Step| -> Result<(), String> {
            match which {
                Step::Floor => {
                    let ((), wall, own, child) = measure(floor);
                    (r.floor, r.floor_harness_cpu, r.floor_runtime_cpu) = (wall, own, child);
                }
                Step::Unrecorded => {
                    let (_dir, runs) = render_unrecorded()?;
                    let (not_zero, wall, _, child) = measure(|| unrecorded(&runs));
                    (r.unrecorded, r.unrecorded_runtime_cpu) = (wall, child);
                    unrecorded_not_zero = not_zero;
                }
                Step::Suite => {
                    let ((_, records), wall, own, child) =
                        measure(|| runner::run_quiet(project, suite, &cfg));
                    (r.suite, r.suite_harness_cpu, r.suite_runtime_cpu) = (wall, own, child);
                    passed = passes(&records);
                    suite_not_zero = records
                        .iter()
                        .filter(|r| r.outcome.trace.last().is_none_or(|l| l != "exit 0"))
                        .count();
                }
                Step::Pooled => {
                    let ((_, records), wall, _, _) =
                        measure(|| runner::run_quiet(project, suite, &pooled_cfg));
                    r.pooled = wall;
                    pooled_passed = passes(&records);
                }
                Step::Unconfined => {
                    let ((_, records), wall, _, _) =
                        measure(|| runner::run_quiet(project, suite, &unconfined_cfg));
                    r.unconfined = wall;
                    unconfined_passed = passes(&records);
                }
            }
            Ok(())
        };
        // Every other round in the reverse order, so that a drift in the machine's speed
        // does not always favour the same step.
        let mut steps = [
            Step::Floor,
            Step::Unconfined,
            Step::Unrecorded,
            Step::Suite,
            Step::Pooled,
        ];
        if round % 2 == 1 {
            steps.reverse();
        }
        for which in steps {
            step(which)?;
        }
        all.push(r);
    }
    let run_alone = suite
        .cases
        .iter()
        .filter(|c| crate::exec::pool::run_alone(c).is_some())
        .count();
    Ok(ProcessReport {
        runtime: name.to_string(),
        version: adapter.facts.version.clone(),
        cases,
        workers,
        rounds: all,
        passed,
        pooled_passed,
        unconfined_passed,
        run_alone,
        no_pool: adapter.file.no_pool.clone(),
        unrecorded_not_zero,
        suite_not_zero,
    })
}
