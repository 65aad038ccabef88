//! Repeated runs of one case (`--repeat N`): how many runs gave each distinct trace, and the
//! rate class a baseline records for a case whose trace varies.
//!
//! Two runs give the same variant when their status and their trace, normalised under the
//! case's `order.free` groups, are the same: lines the case declares free to permute are not a
//! difference. The most common variant is the case's outcome; the others are how it varies.
//!
//! A baseline does not record a raw count, which would change from run to run, but a class:
//! `rare` (fewer than one run in ten differs from the most common variant) or `often`. A stable
//! case (no run differed) is the implicit third class and writes nothing.

use crate::input::order::Ordering;
use crate::judge::expect;
use crate::judge::outcome::{Outcome, Status};

/// How often a flaky case's runs differ from its most common variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rate {
    /// Fewer than [`RARE_BELOW_PERCENT`] of the runs differ.
    Rare,
    /// At least [`RARE_BELOW_PERCENT`] of the runs differ.
    Often,
}

/// The share of differing runs, in percent, below which a flaky case is `rare`.
pub const RARE_BELOW_PERCENT: u32 = 10;

/// A declared `rare` case fails a check only when its count of differing runs would happen
/// by chance in fewer than one in this many runs of a case that differs in exactly
/// [`RARE_BELOW_PERCENT`] of its runs: two differing runs of five fit `rare`, three do not.
pub const RARE_DOUBT: f64 = 100.0;

impl Rate {
    pub const ALL: [Rate; 2] = [Rate::Rare, Rate::Often];

    /// The class of `differing` runs out of `runs`; `None` when none differed (stable).
    pub fn of(differing: u32, runs: u32) -> Option<Rate> {
        if differing == 0 || runs == 0 {
            None
        } else if u64::from(differing) * 100 < u64::from(RARE_BELOW_PERCENT) * u64::from(runs) {
            Some(Rate::Rare)
        } else {
            Some(Rate::Often)
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rate::Rare => "rare",
            Rate::Often => "often",
        }
    }

    pub fn parse(s: &str) -> Option<Rate> {
        Rate::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Whether `differing` runs out of `runs` fit a case declared with this class. `often` has
    /// no upper bound. `rare` admits every count that a case differing in exactly
    /// [`RARE_BELOW_PERCENT`] of its runs reaches at least once in [`RARE_DOUBT`] runs of the
    /// whole command, so that a short `--repeat` does not turn a rare case into a failure by
    /// chance (one of five runs is 20%, yet ordinary for a rare case).
    pub fn admits(self, differing: u32, runs: u32) -> bool {
        match self {
            Rate::Often => true,
            Rate::Rare => {
                let p = f64::from(RARE_BELOW_PERCENT) / 100.0;
                binomial_tail(runs, differing, p) * RARE_DOUBT >= 1.0
            }
        }
    }
}

/// P(X ≥ k) for X ~ Binomial(n, p).
fn binomial_tail(n: u32, k: u32, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    let mut below = 0.0;
    let mut term = (1.0 - p).powi(n as i32); // P(X = 0)
    for i in 0..k.min(n + 1) {
        below += term;
        // P(X = i + 1) from P(X = i).
        term *= f64::from(n - i) / f64::from(i + 1) * p / (1.0 - p);
    }
    (1.0 - below).max(0.0)
}

/// One distinct result among the runs: how many runs gave it, and the outcome of the first of
/// them (its trace as observed, not normalised).
#[derive(Debug, Clone)]
pub struct Variant {
    pub count: u32,
    pub outcome: Outcome,
}

/// How the runs of a repeated case spread over their variants.
#[derive(Debug, Clone)]
pub struct Runs {
    /// How many times the case ran.
    pub total: u32,
    /// Most common first; variants seen equally often in the order they were first seen.
    pub variants: Vec<Variant>,
}

impl Runs {
    /// Group the outcomes of a case's runs, in the order they ran, into variants.
    pub fn of(ordering: &Ordering, outcomes: Vec<Outcome>) -> Runs {
        let total = outcomes.len() as u32;
        let mut keyed: Vec<((Status, Vec<String>), Variant)> = Vec::new();
        for o in outcomes {
            let key = (o.status, ordering.normalise(&o.trace));
            match keyed.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.count += 1,
                None => keyed.push((
                    key,
                    Variant {
                        count: 1,
                        outcome: o,
                    },
                )),
            }
        }
        // Stable: ties keep the order of first appearance.
        keyed.sort_by_key(|(_, v)| std::cmp::Reverse(v.count));
        Runs {
            total,
            variants: keyed.into_iter().map(|(_, v)| v).collect(),
        }
    }

    /// Runs that differ from the most common variant.
    pub fn differing(&self) -> u32 {
        self.total - self.variants.first().map_or(0, |v| v.count)
    }

    /// `None` when every run gave the same trace.
    pub fn rate(&self) -> Option<Rate> {
        Rate::of(self.differing(), self.total)
    }

    /// `flaky: 3 of 5 runs gave trace A (PASS), 2 gave trace B (FAIL)`, then the diff between
    /// the two most common traces (normalised as the matcher sees them). Empty when stable.
    pub fn describe(&self, ordering: &Ordering) -> String {
        if self.variants.len() < 2 {
            return String::new();
        }
        let name = |i: usize| trace_name(i);
        let mut parts = Vec::new();
        for (i, v) in self.variants.iter().enumerate() {
            let runs = if i == 0 {
                format!("{} of {} runs gave", v.count, self.total)
            } else {
                format!("{} gave", v.count)
            };
            parts.push(format!(
                "{runs} trace {} ({})",
                name(i),
                v.outcome.status.as_str()
            ));
        }
        let mut out = format!("flaky: {}\n", parts.join(", "));
        let a = ordering.normalise(&self.variants[0].outcome.trace);
        let b = ordering.normalise(&self.variants[1].outcome.trace);
        if let Some(d) = expect::first_divergence(&a, &b) {
            let line = |l: &Option<String>| match l {
                Some(l) => format!("`{l}`"),
                None => "its end".to_string(),
            };
            out.push_str(&format!(
                "first difference at event #{}: trace {} has {}, trace {} {}\n",
                d.index + 1,
                name(0),
                line(&d.expected),
                name(1),
                line(&d.observed)
            ));
            let diff = expect::render_diff(&a, &b, &d);
            // The diff without its own first line, which speaks of expected and observed.
            let body = diff
                .split_once("\n--- expected")
                .map_or(diff.as_str(), |(_, b)| b);
            out.push_str(
                &format!("--- expected{body}")
                    .replacen("--- expected", &format!("--- trace {}", name(0)), 1)
                    .replacen("+++ observed", &format!("+++ trace {}", name(1)), 1),
            );
        } else {
            out.push_str("(the two traces are the same; the runs ended differently)\n");
        }
        out
    }
}

/// An outcome as a baseline records it: its status and one-line summary (empty for PASS).
pub type Seen = (Status, String);

/// The [`Seen`] form of an outcome; `root` (the checkout) is removed from summaries.
pub fn seen(o: &Outcome, root: Option<&std::path::Path>) -> Seen {
    match o.status {
        Status::Pass => (Status::Pass, String::new()),
        s => (s, o.summary(root)),
    }
}

/// Every distinct outcome the runs of `o` gave (one when it did not repeat), most common first.
pub fn seen_all(o: &Outcome, root: Option<&std::path::Path>) -> Vec<Seen> {
    let mut out: Vec<Seen> = Vec::new();
    let all: Vec<&Outcome> = match &o.runs {
        Some(r) => r.variants.iter().map(|v| &v.outcome).collect(),
        None => vec![o],
    };
    for v in all {
        let s = seen(v, root);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// `(differing, total)` runs of an outcome: `(0, 1)` when it ran once.
pub fn spread(o: &Outcome) -> (u32, u32) {
    o.runs.as_ref().map_or((0, 1), |r| (r.differing(), r.total))
}

/// What a baseline declares of one case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Declared {
    /// Its usual outcome when it is not PASS (`None`: it passes).
    pub usual: Option<Seen>,
    /// For a case whose trace varies: its rate class and the outcomes it gives besides the
    /// usual one (none when only the trace varies, not the status or the summary).
    pub flaky: Option<(Rate, Vec<Seen>)>,
}

/// Why runs do not fit a declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// An outcome the declaration does not name.
    Outcome(Seen),
    /// The trace varied, and the case is declared stable.
    Varied,
    /// Declared `rare`, but too many runs differed.
    TooOften,
}

impl Declared {
    /// The usual outcome, PASS included.
    pub fn usual_seen(&self) -> Seen {
        self.usual
            .clone()
            .unwrap_or_else(|| (Status::Pass, String::new()))
    }

    /// Whether the declaration names this outcome.
    pub fn allows(&self, s: &Seen) -> bool {
        *s == self.usual_seen()
            || self
                .flaky
                .as_ref()
                .is_some_and(|(_, others)| others.contains(s))
    }

    /// Judge the outcomes of a case's runs (see [`seen_all`], [`spread`]). A declared-flaky
    /// case fits whichever of its outcomes the runs gave, including only its usual one, as
    /// long as the share of differing runs fits its class; a stable one fits when every run
    /// gave the same trace and its usual outcome.
    pub fn judge(&self, seen: &[Seen], differing: u32, total: u32) -> Result<(), Misfit> {
        if let Some(s) = seen.iter().find(|s| !self.allows(s)) {
            return Err(Misfit::Outcome(s.clone()));
        }
        match &self.flaky {
            None if differing > 0 => Err(Misfit::Varied),
            Some((rate, _)) if !rate.admits(differing, total) => Err(Misfit::TooOften),
            _ => Ok(()),
        }
    }
}

/// `A`, `B`, ... `Z`, then `27`, `28`, ...
fn trace_name(i: usize) -> String {
    match u8::try_from(i).ok().filter(|i| *i < 26) {
        Some(i) => char::from(b'A' + i).to_string(),
        None => (i + 1).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::order::Glob;

    fn run(status: Status, trace: &[&str]) -> Outcome {
        Outcome {
            status,
            trace: trace.iter().map(|s| s.to_string()).collect(),
            ..Outcome::error("")
        }
    }

    #[test]
    fn runs_are_counted_per_variant_most_common_first() {
        let a = || run(Status::Pass, &["a: 1", "exit 0"]);
        let b = || run(Status::Fail, &["a: 2", "exit 0"]);
        let runs = Runs::of(&Ordering::default(), vec![b(), a(), a(), b(), a()]);
        assert_eq!(runs.total, 5);
        let counts: Vec<(u32, Status)> = runs
            .variants
            .iter()
            .map(|v| (v.count, v.outcome.status))
            .collect();
        assert_eq!(counts, [(3, Status::Pass), (2, Status::Fail)]);
        assert_eq!(runs.differing(), 2);
        assert_eq!(runs.rate(), Some(Rate::Often));
        let text = runs.describe(&Ordering::default());
        assert!(
            text.starts_with("flaky: 3 of 5 runs gave trace A (PASS), 2 gave trace B (FAIL)\n"),
            "{text}"
        );
        assert!(text.contains("--- trace A\n+++ trace B"), "{text}");
        // A tie keeps the variant seen first in front.
        let tie = Runs::of(&Ordering::default(), vec![b(), a()]);
        assert_eq!(tie.variants[0].outcome.status, Status::Fail);
    }

    #[test]
    fn free_order_and_identical_runs_are_one_variant() {
        let free = Ordering {
            free: vec![vec![Glob::new("a:*"), Glob::new("b:*")]],
        };
        let x = run(Status::Pass, &["a: 1", "b: 2", "exit 0"]);
        let y = run(Status::Pass, &["b: 2", "a: 1", "exit 0"]);
        let runs = Runs::of(&free, vec![x.clone(), y.clone(), x.clone()]);
        assert_eq!(runs.variants.len(), 1);
        assert_eq!((runs.differing(), runs.rate()), (0, None));
        assert_eq!(runs.describe(&free), "");
        // Without the free group they are two.
        assert_eq!(Runs::of(&Ordering::default(), vec![x, y]).variants.len(), 2);
    }

    #[test]
    fn a_declaration_admits_its_outcomes_within_its_class() {
        let pass: Seen = (Status::Pass, String::new());
        let fail: Seen = (Status::Fail, "event #2: x".into());
        let stable = Declared::default();
        assert_eq!(stable.judge(std::slice::from_ref(&pass), 0, 5), Ok(()));
        // A stable case that flips fails, even when each outcome alone would be fine.
        assert_eq!(
            stable.judge(std::slice::from_ref(&pass), 1, 5),
            Err(Misfit::Varied)
        );
        assert_eq!(
            stable.judge(&[pass.clone(), fail.clone()], 2, 5),
            Err(Misfit::Outcome(fail.clone()))
        );
        let rare = Declared {
            usual: None,
            flaky: Some((Rate::Rare, vec![fail.clone()])),
        };
        assert_eq!(rare.judge(&[pass.clone(), fail.clone()], 1, 5), Ok(()));
        assert_eq!(rare.judge(std::slice::from_ref(&fail), 0, 1), Ok(()));
        assert_eq!(rare.judge(std::slice::from_ref(&pass), 0, 5), Ok(()));
        assert_eq!(
            rare.judge(&[pass.clone(), fail.clone()], 5, 10),
            Err(Misfit::TooOften)
        );
        let other: Seen = (Status::Crash, "killed by SIGSEGV".into());
        assert_eq!(
            rare.judge(&[pass.clone(), other.clone()], 1, 5),
            Err(Misfit::Outcome(other))
        );
        let often = Declared {
            usual: Some(fail.clone()),
            flaky: Some((Rate::Often, vec![pass.clone()])),
        };
        assert_eq!(often.judge(&[pass.clone(), fail], 4, 5), Ok(()));
        assert_eq!(often.judge(&[pass], 0, 5), Ok(()));
    }

    #[test]
    fn rate_classes_split_at_one_run_in_ten() {
        assert_eq!(Rate::of(0, 20), None);
        assert_eq!(Rate::of(1, 20), Some(Rate::Rare));
        assert_eq!(Rate::of(1, 11), Some(Rate::Rare));
        assert_eq!(Rate::of(1, 10), Some(Rate::Often));
        assert_eq!(Rate::of(1, 5), Some(Rate::Often));
        for r in Rate::ALL {
            assert_eq!(Rate::parse(r.as_str()), Some(r));
        }
        assert_eq!(Rate::parse("sometimes"), None);
    }

    #[test]
    fn a_rare_case_may_flip_once_in_a_short_repeat_but_not_often() {
        assert!(Rate::Rare.admits(0, 5));
        assert!(Rate::Rare.admits(1, 5));
        assert!(Rate::Rare.admits(2, 5));
        assert!(!Rate::Rare.admits(3, 5));
        assert!(Rate::Rare.admits(5, 20));
        assert!(!Rate::Rare.admits(7, 20));
        assert!(Rate::Often.admits(5, 5));
        assert!((binomial_tail(5, 1, 0.1) - (1.0 - 0.9f64.powi(5))).abs() < 1e-12);
        assert_eq!(binomial_tail(3, 4, 0.1), 0.0);
    }
}
