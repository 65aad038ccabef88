//! The reference runtime's throughput over the corpus (`cargo xtask bench reference`).
//!
//! Everything is measured on one thread in one process, so the figures are per core. Each
//! figure comes with a baseline measured in the same run, because absolute times mean little
//! across machines: an empty script on the same engine (the floor every case pays), and, when
//! it is installed, Node 26 started as a process per case (what the suite costs without the
//! reference).

use std::time::{Duration, Instant};

use super::median;
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

/// The reference bench's figures, per case.
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
    /// Each case's mean engine time over the rounds, by case id, slowest first: the mean above
    /// is carried by a few scale cases, so the distribution says more about a typical case.
    pub per_case: Vec<(String, Duration)>,
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

    /// The figures as `cargo xtask bench` prints them (and `--write` stores them).
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
        s.push_str(&distribution(&self.per_case, self.empty.total));
        match self.node {
            Some(n) => s.push_str(&format!(
                "  baseline, same run: node@26, a process per case: {:.0} cases/s/core; the reference is {:.1}x faster end to end\n",
                Self::per_second(n),
                n.as_secs_f64() / self.end_to_end.as_secs_f64()
            )),
            None => s.push_str("  baseline node@26: not installed, skipped (`cargo xtask runtimes install node@26`)\n"),
        }
        // The targets in terms of this machine (issue 19): a corpus case costs at most 1.5
        // times an empty script measured in the same run, and where an empty script costs at
        // most 200 us, at least 3,000 cases/s/core end to end.
        let multiple = e.total.as_secs_f64() / self.empty.total.as_secs_f64();
        let got = Self::per_second(self.end_to_end);
        s.push_str(&format!(
            "  target: a corpus case <= 1.5x the empty script: {} ({multiple:.2}x)\n",
            if multiple <= 1.5 { "met" } else { "NOT met" }
        ));
        s.push_str(&format!(
            "  target: >= 3000 cases/s/core end to end where the empty script costs <= 200 us: {}\n",
            if us(self.empty.total) > 200.0 {
                format!(
                    "not judged here (the empty script costs {:.0} us; {got:.0} cases/s/core measured)",
                    us(self.empty.total)
                )
            } else if got >= 3000.0 {
                format!("met ({got:.0})")
            } else {
                format!("NOT met ({got:.0})")
            }
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

/// How the cases' engine times spread, as multiples of the empty script: the median, the 90th
/// percentile and the slowest, and how much of the whole the slowest cases take (the mean is
/// carried by a few scale cases, so it says little about a typical case). `per_case` is
/// slowest first; empty for no cases.
fn distribution(per_case: &[(String, Duration)], empty: Duration) -> String {
    if per_case.is_empty() || empty.is_zero() {
        return String::new();
    }
    let mut times: Vec<f64> = per_case.iter().map(|(_, d)| d.as_secs_f64()).collect();
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let empty = empty.as_secs_f64();
    let all: f64 = times.iter().sum();
    let slowest = per_case.len().min(15);
    let slow_share: f64 = per_case[..slowest]
        .iter()
        .map(|(_, d)| d.as_secs_f64())
        .sum::<f64>()
        / all;
    let named: Vec<String> = per_case
        .iter()
        .take(5)
        .map(|(id, d)| format!("{id} {:.0} us", d.as_secs_f64() * 1e6))
        .collect();
    format!(
        "  per case, as multiples of the empty script: median {:.2}x, 90th percentile {:.2}x, slowest {:.1}x; the {slowest} slowest cases take {:.0}% of the engine's time ({})\n",
        at(0.5) / empty,
        at(0.9) / empty,
        at(1.0) / empty,
        100.0 * slow_share,
        named.join(", ")
    )
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

/// Run each prepared case `rounds` times straight on the engine and average its phases, on a
/// thread with the stack the engine's guard assumes (the main thread's may be smaller).
fn engine_split(prepared: &[Prepared], rounds: usize) -> (Split, Vec<Duration>) {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(crate::exec::runner::WORKER_STACK)
            .spawn_scoped(s, || engine_split_here(prepared, rounds))
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .unwrap_or_else(|_| engine_split_here(prepared, rounds))
    })
}

fn engine_split_here(prepared: &[Prepared], rounds: usize) -> (Split, Vec<Duration>) {
    let mut sum = Split::default();
    let mut each = vec![Duration::ZERO; prepared.len()];
    let mut n = 0u32;
    for _ in 0..rounds {
        for (i, p) in prepared.iter().enumerate() {
            let t = Instant::now();
            let out = reference_impl::run(&p.opts);
            let took = t.elapsed();
            sum.total += took;
            each[i] += took;
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
    let rounds = u32::try_from(rounds.max(1)).unwrap_or(u32::MAX);
    let split = Split {
        create: sum.create / n,
        script: sum.script / n,
        event_loop: sum.event_loop / n,
        teardown: sum.teardown / n,
        total: sum.total / n,
    };
    (split, each.into_iter().map(|d| d / rounds).collect())
}

/// Measure the reference runtime over every case it supports: a warm-up round that also notes
/// the cases that no longer pass, then `rounds` timed rounds end to end, the engine alone, the
/// empty script, and node@26 on a quarter of the cases when it is installed.
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
    let (engine, each) = engine_split(&prepared, rounds);
    let mut per_case: Vec<(String, Duration)> =
        cases.iter().map(|c| c.id.clone()).zip(each).collect();
    per_case.sort_by_key(|c| std::cmp::Reverse(c.1));

    // Laid out as `prepare` lays out a case (files in memory, the dir made only on demand), so
    // that the two differ only in the script.
    let empty_dir =
        tempfile::tempdir().map_err(|e| format!("cannot make the empty script's temp dir: {e}"))?;
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
    let (empty, _) = engine_split(&empty, cases.len() * rounds);

    let node = crate::exec::runtimes::Registry::load(&project.root)
        .ok()
        .and_then(|reg| {
            let r = reg.resolve("node@26").ok()?;
            if !r.binary.is_file() {
                return None;
            }
            reg.prepare("node@26", &crate::exec::sandbox::Sandbox::detect().ok()?)
                .ok()
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
        per_case,
        empty,
        node,
        not_passing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(n: u64) -> Duration {
        Duration::from_micros(n)
    }

    #[test]
    fn distribution_gives_median_percentile_and_the_share_of_the_slowest() {
        // 20 cases: one of 1000 us, nineteen of 100..=280 us; the empty script costs 100 us.
        let mut cases: Vec<(String, Duration)> = (0..19)
            .map(|i| (format!("c{i}"), us(100 + 10 * i)))
            .collect();
        cases.push(("scale".into(), us(1000)));
        cases.sort_by_key(|c| std::cmp::Reverse(c.1));
        let line = distribution(&cases, us(100));
        // Sorted: 100, 110, ..., 280, 1000; index round(19 * 0.5) = 10 -> 200 us.
        assert!(line.contains("median 2.00x"), "{line}");
        // Index round(19 * 0.9) = 17 -> 270 us.
        assert!(line.contains("90th percentile 2.70x"), "{line}");
        assert!(line.contains("slowest 10.0x"), "{line}");
        // The 15 slowest: 1000 + (150..=280 us, 14 cases, 3010) = 4010 of 1000 + 3610 = 4610.
        assert!(line.contains("the 15 slowest cases take 87%"), "{line}");
        assert!(
            line.contains("(scale 1000 us, c18 280 us, c17 270 us"),
            "{line}"
        );
    }

    #[test]
    fn distribution_is_left_out_without_cases_or_baseline() {
        assert_eq!(distribution(&[], us(100)), "");
        assert_eq!(distribution(&[("a".into(), us(5))], Duration::ZERO), "");
    }
}
