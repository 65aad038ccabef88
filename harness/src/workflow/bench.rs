//! Throughput of the reference runtime over the corpus (`cargo xtask bench reference`).
//!
//! Everything is measured on one thread in one process, so the figures are per core. Each
//! figure comes with a baseline measured in the same run, because absolute times mean little
//! across machines: an empty script on the same engine (the floor every case pays), and, when
//! it is installed, Node 26 started as a process per case (what the suite costs without the
//! reference).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::exec::adapter::Adapter;
use crate::exec::prelude::{self, Extensions};
use crate::exec::reference::ReferenceAdapter;
use crate::input::case::Case;
use crate::input::project::{Project, Suite};
use crate::judge::outcome::{self, Status};

/// Mean time per case of each part of an engine run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Split {
    pub create: Duration,
    pub script: Duration,
    pub event_loop: Duration,
    pub teardown: Duration,
    pub total: Duration,
}

#[derive(Debug)]
pub struct Report {
    pub cases: usize,
    pub rounds: usize,
    /// Whole adapter path: temp dir, render, run, parse the channel, judge; per case, the
    /// median of the rounds.
    pub end_to_end: Duration,
    /// The same, each round's.
    pub end_to_end_rounds: Vec<Duration>,
    pub engine: Split,
    pub empty: Split,
    pub node: Option<Duration>,
    pub not_passing: Vec<String>,
}

impl Report {
    pub fn per_second(d: Duration) -> f64 {
        if d.is_zero() {
            return f64::INFINITY;
        }
        1.0 / d.as_secs_f64()
    }

    pub fn render(&self) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        let mut s = String::new();
        s.push_str(&format!(
            "bench reference: {} cases x {} rounds, one thread (figures are per core)\n",
            self.cases, self.rounds
        ));
        let rounds: Vec<String> = self
            .end_to_end_rounds
            .iter()
            .map(|d| format!("{:.0}", Self::per_second(*d)))
            .collect();
        s.push_str(&format!(
            "  end to end (temp dir, render, run, judge): {:.0} cases/s/core, {:.0} us/case (median; rounds: {})\n",
            Self::per_second(self.end_to_end),
            us(self.end_to_end),
            rounds.join(", ")
        ));
        let e = &self.engine;
        s.push_str(&format!(
            "  engine only: {:.0} cases/s/core, {:.0} us/case = context and bootstrap {:.0} us ({:.0}%) + script {:.0} us ({:.0}%) + loop {:.0} us ({:.0}%) + teardown {:.0} us ({:.0}%)\n",
            Self::per_second(e.total),
            us(e.total),
            us(e.create),
            100.0 * e.create.as_secs_f64() / e.total.as_secs_f64(),
            us(e.script),
            100.0 * e.script.as_secs_f64() / e.total.as_secs_f64(),
            us(e.event_loop),
            100.0 * e.event_loop.as_secs_f64() / e.total.as_secs_f64(),
            us(e.teardown),
            100.0 * e.teardown.as_secs_f64() / e.total.as_secs_f64(),
        ));
        s.push_str(&format!(
            "  baseline, same run: an empty script costs {:.0} us; a corpus case costs {:.2}x that\n",
            us(self.empty.total),
            e.total.as_secs_f64() / self.empty.total.as_secs_f64()
        ));
        match self.node {
            Some(n) => s.push_str(&format!(
                "  baseline, same run: node@26, a process per case: {:.0} cases/s/core; the reference is {:.1}x faster end to end\n",
                Self::per_second(n),
                n.as_secs_f64() / self.end_to_end.as_secs_f64()
            )),
            None => s.push_str("  baseline node@26: not installed, skipped (`cargo xtask runtimes install node@26`)\n"),
        }
        let target = 2000.0;
        let got = Self::per_second(self.end_to_end);
        s.push_str(&format!(
            "  target >= {target:.0} cases/s/core end to end: {} ({:.2}x the target)\n",
            if got >= target { "met" } else { "NOT met" },
            got / target
        ));
        if !self.not_passing.is_empty() {
            s.push_str(&format!(
                "  note: {} cases did not pass during the bench: {}\n",
                self.not_passing.len(),
                self.not_passing.join(", ")
            ));
        }
        s
    }
}

/// A case rendered into its own directory once, to time the engine alone.
struct Prepared {
    _dir: tempfile::TempDir,
    opts: reference_impl::Options,
}

/// The same options the adapter gives the engine: files in memory, a directory made only on
/// demand (and removed after each run).
fn prepare(case: &Case) -> std::io::Result<Prepared> {
    let dir = tempfile::Builder::new().prefix("ah-bench-").tempdir()?;
    let ext = Extensions {
        esm: "mjs".into(),
        cjs: "cjs".into(),
    };
    let r = prelude::render(case, &ext);
    let mut opts =
        reference_impl::Options::new(dir.path().join("case"), std::path::PathBuf::from(&r.main));
    opts.root = "/case".into();
    opts.files = r
        .files
        .iter()
        .map(|(name, text)| (name.clone(), text.clone(), *name != r.main))
        .collect();
    opts.stdin = "0123456789abcdef".into();
    Ok(Prepared { _dir: dir, opts })
}

fn engine_split(prepared: &[Prepared], rounds: usize) -> Split {
    let mut sum = Split::default();
    let mut n = 0u32;
    for _ in 0..rounds {
        for p in prepared {
            let t = Instant::now();
            let out = reference_impl::run(&p.opts);
            sum.total += t.elapsed();
            if p.opts.dir.exists() {
                let _ = std::fs::remove_dir_all(&p.opts.dir);
            }
            sum.create += out.timings.create;
            sum.script += out.timings.script;
            sum.event_loop += out.timings.event_loop;
            sum.teardown += out.timings.teardown;
            n += 1;
        }
    }
    let n = n.max(1);
    Split {
        create: sum.create / n,
        script: sum.script / n,
        event_loop: sum.event_loop / n,
        teardown: sum.teardown / n,
        total: sum.total / n,
    }
}

pub fn run(project: &Project, suite: &Suite, rounds: usize) -> Result<Report, String> {
    let adapter = ReferenceAdapter::new();
    let cases: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| adapter.supports(c).is_ok())
        .collect();
    let timeout = Duration::from_secs(10);
    let mut not_passing = Vec::new();

    // Warm-up round, which also checks the cases still pass.
    for case in &cases {
        let expected = crate::input::snapshot::read(&case.snapshot_path())
            .ok()
            .flatten();
        let exec = adapter.execute(case, timeout);
        let o = outcome::judge(case, expected.as_deref(), &exec);
        if o.status != Status::Pass {
            not_passing.push(case.id.clone());
        }
    }

    // Each round timed on its own and the median taken: another tenant of the machine only
    // ever adds time, in bursts, and a burst then spoils one round rather than the figure.
    let mut per_round = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        for case in &cases {
            let expected = crate::input::snapshot::read(&case.snapshot_path())
                .ok()
                .flatten();
            let exec = adapter.execute(case, timeout);
            let _ = outcome::judge(case, expected.as_deref(), &exec);
        }
        per_round.push(t.elapsed().as_secs_f64() / cases.len().max(1) as f64);
    }
    let end_to_end = Duration::from_secs_f64(median(per_round.clone()));
    let end_to_end_rounds = per_round.into_iter().map(Duration::from_secs_f64).collect();

    let prepared: Vec<Prepared> = cases
        .iter()
        .map(|c| prepare(c))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("cannot prepare the cases: {e}"))?;
    let engine = engine_split(&prepared, rounds);

    // Laid out as `prepare` lays out a case (files in memory, the dir made only on demand), so
    // that the two differ only in the script.
    let empty_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut opts = reference_impl::Options::new(
        empty_dir.path().join("case"),
        std::path::PathBuf::from("empty.cjs"),
    );
    opts.root = "/case".into();
    opts.files = vec![("empty.cjs".into(), String::new(), false)];
    let empty = vec![Prepared {
        opts,
        _dir: empty_dir,
    }];
    let empty = engine_split(&empty, cases.len() * rounds);

    let node = crate::exec::runtimes::Registry::load(&project.root)
        .ok()
        .and_then(|reg| {
            let r = reg.resolve("node@26").ok()?;
            if !r.binary.is_file() {
                return None;
            }
            reg.prepare("node@26").ok()
        })
        .map(|node| {
            let sample: Vec<&&Case> = cases.iter().step_by(4).collect();
            let t = Instant::now();
            for case in &sample {
                let _ = node.execute(case, timeout);
            }
            t.elapsed() / sample.len().max(1) as u32
        });

    Ok(Report {
        cases: cases.len(),
        rounds,
        end_to_end,
        end_to_end_rounds,
        engine,
        empty,
        node,
        not_passing,
    })
}

/// A process runtime measured two ways in one run: the floor (the runtime started once per
/// case on a script that only imports `node:async_hooks`, with the suite's parallelism) and
/// the whole suite through the harness, plus the suite in pooled mode.
///
/// The cases without the harness tell the two parts of the ratio apart: what the corpus's own
/// scripts cost the runtime beyond a bare start, and what recording and judging them adds.
///
/// A 2-core machine's speed drifts by several percent over a minute, which is as much as the
/// differences this has to show. So the four are measured in alternating rounds (floor,
/// cases without the harness, suite, pooled; then the next round in the reverse order), and every figure is the median
/// over the rounds; the ratio is the median of the rounds' own ratios, each taken from a floor
/// and a suite measured next to each other.
#[derive(Debug)]
pub struct ProcessReport {
    pub runtime: String,
    pub version: String,
    pub cases: usize,
    pub workers: usize,
    pub rounds: Vec<ProcessRound>,
    pub passed: usize,
    pub pooled_passed: usize,
    /// How many cases ran as a process of their own in pooled mode all the same.
    pub run_alone: usize,
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

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
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

    /// How many times faster the pooled suite is than a process per case.
    pub fn pooled_speedup(&self) -> f64 {
        median(
            self.rounds
                .iter()
                .map(|r| r.suite.as_secs_f64() / r.pooled.as_secs_f64().max(1e-9))
                .collect(),
        )
    }

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
            "bench {} {}: {} cases on {} workers, {} rounds (medians)\n  floor (start + import node:async_hooks, once per case): {:.2} s\n  the cases without the harness (a trace() that records nothing): {:.2} s, {:.2}x the floor ({} did not exit 0; through the harness {})\n  suite through the harness: {:.2} s ({} pass), {:.2}x the cases without it\n  ratio suite/floor: {:.2} (rounds: {}; target <= 1.10)\n  runtime CPU: floor {:.2} s, cases without the harness {:.2} s ({:.2}x), suite {:.2} s ({:.2}x)\n  harness CPU: floor {:.2} s, suite {:.2} s\n  pooled suite (--pool, {} of the cases still as a process each): {:.2} s ({} pass); {:.2}x faster than a process per case, {:.2} of the floor\n",
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
            suite / unrecorded.max(1e-9),
            self.ratio(),
            per_round.join(", "),
            floor_cpu,
            unrecorded_cpu,
            unrecorded_cpu / floor_cpu.max(1e-9),
            suite_cpu,
            suite_cpu / floor_cpu.max(1e-9),
            self.secs(|r| r.floor_harness_cpu),
            self.secs(|r| r.suite_harness_cpu),
            self.run_alone,
            self.secs(|r| r.pooled),
            self.pooled_passed,
            self.pooled_speedup(),
            self.secs(|r| r.pooled) / floor.max(1e-9),
        )
    }
}

/// User plus system CPU time of this process so far.
pub fn own_cpu() -> Duration {
    cpu_of(libc::RUSAGE_SELF)
}

/// User plus system CPU time of this process's children that have ended and been waited for.
pub fn children_cpu() -> Duration {
    cpu_of(libc::RUSAGE_CHILDREN)
}

fn cpu_of(who: libc::c_int) -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    };
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// Peak resident memory of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    // SAFETY: as above.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    ru.ru_maxrss as u64
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
}

/// Call `f(0..jobs)` on `workers` threads, each taking the next index: the parallelism the
/// suite runs with, for the steps the bench runs itself.
fn spread(workers: usize, jobs: usize, f: impl Fn(usize) + Sync) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= jobs {
                    break;
                }
                f(i);
            });
        }
    });
}

pub fn run_process(
    project: &Project,
    suite: &Suite,
    name: &str,
    rounds: usize,
) -> Result<ProcessReport, String> {
    let registry =
        crate::exec::runtimes::Registry::load(&project.root).map_err(|d| d.to_string())?;
    let adapter = registry.prepare(name)?;
    // The same parallelism the suite runs with.
    let workers = crate::exec::runner::default_workers(&[name.to_string()]);
    let cases = suite.cases.len();

    // The floor: the same number of starts, same parallelism, a script that does nothing but
    // import the module under test.
    let dir = tempfile::Builder::new()
        .prefix("ah-bench-floor-")
        .tempdir()
        .map_err(|e| e.to_string())?;
    let ext = adapter.file.extensions();
    let file = dir.path().join(format!("floor.{}", ext.esm));
    std::fs::write(&file, "import 'node:async_hooks';\n").map_err(|e| e.to_string())?;
    let floor = || {
        spread(workers, cases, |_| {
            let _ = adapter.run_file(&file, dir.path(), Duration::from_secs(30));
        })
    };

    // The cases without the harness: rendered afresh for each round (a case may leave files
    // in its dir), outside the measured time, and run in the suite's order.
    let mut order: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| adapter.supports(c).is_ok())
        .collect();
    order.sort_by_key(|c| std::cmp::Reverse(crate::exec::runner::expected_wait_ms(c)));
    let render_unrecorded = || -> Result<(tempfile::TempDir, Vec<UnrecordedRun>), String> {
        let root = tempfile::Builder::new()
            .prefix("ah-bench-unrecorded-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let mut runs = Vec::with_capacity(order.len());
        for (i, case) in order.iter().enumerate() {
            let d = root.path().join(i.to_string());
            std::fs::create_dir(&d).map_err(|e| e.to_string())?;
            let rendered = prelude::render_unrecorded(case, &ext);
            for (name, text) in &rendered.files {
                std::fs::write(d.join(name), text).map_err(|e| e.to_string())?;
            }
            let timeout = case.timeout.unwrap_or(crate::exec::runner::DEFAULT_TIMEOUT);
            runs.push((d.join(&rendered.main), d, timeout));
        }
        Ok((root, runs))
    };
    // Returns how many did not exit 0, to compare with the suite's `exit 0` traces: the two
    // must run the same scripts to the same end for the comparison to mean anything.
    let unrecorded = |runs: &[UnrecordedRun]| -> usize {
        let not_zero = std::sync::atomic::AtomicUsize::new(0);
        spread(workers, runs.len(), |i| {
            let (main, dir, timeout) = &runs[i];
            if adapter.run_file(main, dir, *timeout).ended != crate::exec::process::Ended::Exited(0)
            {
                not_zero.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        not_zero.into_inner()
    };

    let cfg = crate::exec::runner::RunConfig {
        runtimes: vec![name.to_string()],
        ..crate::exec::runner::RunConfig::default()
    };
    let pooled_cfg = crate::exec::runner::RunConfig {
        pool: true,
        ..cfg.clone()
    };
    let passes = |records: &[crate::judge::record::Record]| {
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
    let (mut passed, mut pooled_passed) = (0, 0);
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
                        measure(|| crate::exec::runner::run_quiet(project, suite, &cfg));
                    (r.suite, r.suite_harness_cpu, r.suite_runtime_cpu) = (wall, own, child);
                    passed = passes(&records);
                    suite_not_zero = records
                        .iter()
                        .filter(|r| r.outcome.trace.last().is_none_or(|l| l != "exit 0"))
                        .count();
                }
                Step::Pooled => {
                    let ((_, records), wall, _, _) =
                        measure(|| crate::exec::runner::run_quiet(project, suite, &pooled_cfg));
                    r.pooled = wall;
                    pooled_passed = passes(&records);
                }
            }
            Ok(())
        };
        // Every other round in the reverse order, so that a drift in the machine's speed
        // does not always favour the same step.
        let mut steps = [Step::Floor, Step::Unrecorded, Step::Suite, Step::Pooled];
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
        run_alone,
        unrecorded_not_zero,
        suite_not_zero,
    })
}
