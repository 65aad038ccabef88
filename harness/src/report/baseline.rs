//! Per-runtime baselines: what a runtime is known to do, committed, so that a change in what it
//! does is a failing check and a reviewable diff.
//!
//! A runtime rarely passes every case (Bun lacks hook events, Node 22 keeps the async_hooks
//! based AsyncLocalStorage), so "exit 1 when a case fails" cannot gate its releases. The
//! baseline records the known state instead: `reports/baselines/<runtime>.snap`, in insta's
//! snapshot file format like the expected traces, holding the runtime's name and version, the
//! count of each status, and every case that does not pass with its status and first divergent
//! line. Cases that pass are not listed: any case of the corpus the file does not name is
//! expected to pass, which keeps the file short and makes its diff in a PR read as "these
//! cases changed".
//!
//! `--check` compares a run with the file and fails on any difference, sorted into the
//! lists of [`Change`]: broken cases, new crashes and timeouts, other status changes,
//! fixed cases (an unexpected pass: a stale entry must be removed rather than tolerated), a
//! different first divergent line, entries for cases that no longer exist. It does not fail on
//! a version change alone, since a patch release that behaves the same should not need a
//! commit, nor on a different number of cases alone: a new case that passes needs no entry. `--update-baseline` rewrites the
//! file from the run.
//!
//! A case whose trace varies between runs (`--repeat N` shows it) is recorded with a rate
//! class, never a raw count, so that the file does not change from run to run: one line
//! `FLAKY <rare|often> <case>: <STATUS> <summary>` for each outcome it gives besides its usual
//! one (the entry above, or PASS). A stable case writes no such line, so baselines taken
//! without repeats are unchanged. The check lets a flaky case give any of its declared outcomes
//! as often as its class allows ([`Rate::admits`]), and reports a stable case that varies.
//!
//! A filtered run checks and updates only the cases it ran: the entries of the other cases
//! are carried over from the existing file, so running `als/` cannot drop `hooks/` entries.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::input::diag::Diagnostic;
use crate::input::project::{Project, Suite};
use crate::input::snapshot;
use crate::judge::outcome::{Counts, Outcome, Status};

use crate::judge::record::Record;
use crate::judge::runs::{self, Declared, Misfit, Rate};
use crate::report::change::Change;

/// Where baselines live, relative to the checkout.
pub const DIR: &str = "reports/baselines";

/// The `source` a baseline file names: the module that writes it.
const SOURCE: &str = "harness/src/report/baseline.rs";

/// The baseline file name for a runtime name (see [`crate::input::project::file_stem`]).
pub fn file_name(runtime: &str) -> String {
    format!("{}.snap", crate::input::project::file_stem(runtime))
}

/// The baseline file of a runtime in a checkout.
pub fn path_for(project: &Project, runtime: &str) -> PathBuf {
    project.root.join(DIR).join(file_name(runtime))
}

/// The command that (re)creates a runtime's baseline, for messages.
pub fn update_command(runtime: &str) -> String {
    format!("cargo xtask conformance --runtime {runtime} --update-baseline")
}

/// One line of a baseline: a case that does not pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub status: Status,
    /// The first divergent line (FAIL) or the reason (other statuses), on one line.
    pub summary: String,
}

/// How a flaky case varies: its rate class and the outcomes it gives besides its usual one.
#[derive(Debug, Clone)]
pub struct Flaky {
    pub rate: Rate,
    /// PASS included (with an empty summary) when the usual outcome is a failure. Empty when
    /// only the trace varies, not the status or summary.
    pub others: Vec<Entry>,
    /// `(differing, runs)` of the run this was observed in; `None` when read from a file.
    /// Not part of the baseline: two values that differ only here are equal.
    pub spread: Option<(u32, u32)>,
}

impl PartialEq for Flaky {
    fn eq(&self, other: &Self) -> bool {
        (self.rate, &self.others) == (other.rate, &other.others)
    }
}

impl Eq for Flaky {}

/// What one runtime is known to do over the whole corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Baseline {
    pub runtime: String,
    pub version: String,
    /// Number of cases in the corpus when the baseline was taken.
    pub total: usize,
    /// Every case that does not pass, by case ID.
    pub entries: BTreeMap<String, Entry>,
    /// Every case whose trace varies between runs, by case ID.
    pub flaky: BTreeMap<String, Flaky>,
}

/// Render a case ID so that the parser finds where it ends: plain IDs as they are, IDs with
/// spaces, colons or quotes as a JSON string.
fn render_id(id: &str) -> String {
    let plain = !id.is_empty()
        && !id.starts_with('"')
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c == ':' || c.is_control());
    if plain {
        id.to_string()
    } else {
        serde_json::to_string(id).unwrap_or_default()
    }
}

impl Baseline {
    /// The count of each status: the listed statuses, and PASS for every other case.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::of(self.entries.values().map(|e| e.status));
        c.set(Status::Pass, self.total.saturating_sub(self.entries.len()));
        c
    }

    /// `205 cases: 196 PASS, 7 FAIL, 1 CRASH, 1 UNSUPPORTED` (zero counts left out), then the
    /// flaky ones when there are any.
    pub fn counts_line(&self) -> String {
        let mut line = format!("{} cases: {}", self.total, self.counts().nonzero_line());
        if !self.flaky.is_empty() {
            let _ = write!(line, "; {} flaky", self.flaky.len());
        }
        line
    }

    /// What the baseline declares of one case, for judging its runs.
    pub fn declared(&self, id: &str) -> Declared {
        Declared {
            usual: self.entries.get(id).map(|e| (e.status, e.summary.clone())),
            flaky: self.flaky.get(id).map(|f| {
                let others = f.others.iter().map(|e| (e.status, e.summary.clone()));
                (f.rate, others.collect())
            }),
        }
    }

    /// The baseline of one runtime after a run: the run's non-passing cases, plus, for cases
    /// of the corpus the run did not reach (a filter), the entries of `previous`. Entries of
    /// cases no longer in the corpus are dropped. Without `previous`, only a run of every case
    /// can make a baseline (otherwise the cases left out would silently count as passing).
    pub fn from_run(
        project: &Project,
        suite: &Suite,
        runtime: &str,
        version: &str,
        records: &[Record],
        previous: Option<&Baseline>,
    ) -> Result<Baseline, String> {
        let ran: BTreeMap<&str, &Outcome> = records
            .iter()
            .filter(|r| r.runtime == runtime)
            .map(|r| (r.case_id.as_str(), &r.outcome))
            .collect();
        let mut entries = BTreeMap::new();
        let mut flaky = BTreeMap::new();
        let mut missing = 0;
        let root = Some(project.root.as_path());
        for case in &suite.cases {
            let id = &case.id;
            let carried = |entries: &mut BTreeMap<String, Entry>| {
                if let Some(e) = previous.and_then(|p| p.entries.get(id)) {
                    entries.insert(id.clone(), e.clone());
                }
            };
            let Some(o) = ran.get(id.as_str()) else {
                missing += 1;
                carried(&mut entries);
                if let Some(f) = previous.and_then(|p| p.flaky.get(id)) {
                    flaky.insert(id.clone(), f.clone());
                }
                continue;
            };
            let seen = runs::seen_all(o, root);
            let (differing, total) = runs::spread(o);
            // A case declared flaky keeps its lines while its runs fit them, whichever of its
            // outcomes came out on top this time: the file does not change from run to run.
            if let Some(f) = previous.and_then(|p| p.flaky.get(id)) {
                let fit = previous.map(|p| p.declared(id).judge(&seen, differing, total));
                if let Some(Ok(()) | Err(Misfit::TooOften)) = fit {
                    carried(&mut entries);
                    let rate = match fit {
                        Some(Err(Misfit::TooOften)) => Rate::Often,
                        _ => f.rate,
                    };
                    let spread = Some((differing, total));
                    flaky.insert(
                        id.clone(),
                        Flaky {
                            rate,
                            spread,
                            ..f.clone()
                        },
                    );
                    continue;
                }
            }
            if o.status != Status::Pass {
                let (status, summary) = runs::seen(o, root);
                entries.insert(id.clone(), Entry { status, summary });
            }
            if let Some(rate) = Rate::of(differing, total) {
                let others = seen
                    .into_iter()
                    .skip(1)
                    .map(|(status, summary)| Entry { status, summary })
                    .collect();
                let spread = Some((differing, total));
                flaky.insert(
                    id.clone(),
                    Flaky {
                        rate,
                        others,
                        spread,
                    },
                );
            }
        }
        if missing > 0 && previous.is_none() {
            return Err(format!(
                "{missing} of {} cases did not run on {runtime} (a filter or --skip?); the first \
                 baseline of a runtime needs a run of every case",
                suite.cases.len()
            ));
        }
        Ok(Baseline {
            runtime: runtime.to_string(),
            version: version.to_string(),
            total: suite.cases.len(),
            entries,
            flaky,
        })
    }

    /// The file's text: an insta snapshot whose body lists the facts one per line, so that a
    /// change shows in a diff as the lines of the cases that changed.
    pub fn render(&self) -> String {
        self.render_with(&update_command(&self.runtime))
    }

    /// The file's text, whose description names `update` as the command that refreshes it: a
    /// vendor's baseline kept outside this checkout is refreshed with `--baseline PATH`.
    pub fn render_with(&self, update: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "runtime: {}", self.runtime);
        let _ = writeln!(out, "version: {}", self.version);
        let _ = writeln!(out, "cases: {}", self.total);
        for (s, n) in self.counts().iter() {
            let _ = writeln!(out, "{}: {n}", s.as_str());
        }
        if !self.entries.is_empty() {
            out.push('\n');
            for (id, e) in &self.entries {
                let _ = write!(out, "{} {}", e.status.as_str(), render_id(id));
                if !e.summary.is_empty() {
                    let _ = write!(out, ": {}", e.summary);
                }
                out.push('\n');
            }
        }
        if !self.flaky.is_empty() {
            out.push('\n');
            for (id, f) in &self.flaky {
                let head = format!("FLAKY {} {}", f.rate.as_str(), render_id(id));
                if f.others.is_empty() {
                    let _ = writeln!(out, "{head}");
                }
                for e in &f.others {
                    let _ = write!(out, "{head}: {}", e.status.as_str());
                    if !e.summary.is_empty() {
                        let _ = write!(out, " {}", e.summary);
                    }
                    out.push('\n');
                }
            }
        }
        snapshot::render(
            SOURCE,
            &format!(
                "Baseline of runtime {}: status counts and every case that does not pass. Update with `{update}`.",
                self.runtime,
            ),
            "baseline",
            &out,
        )
    }

    /// Parse a baseline file. The count lines are derived from the entries and the total, so
    /// they are checked for form but their numbers are not trusted: a hand-edited entry needs
    /// no arithmetic.
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, Diagnostic> {
        let corrupt =
            |line: usize, what: String| snapshot::corrupt(snapshot::BASELINE, path, line, &what);
        let lines = snapshot::split(snapshot::BASELINE, path, text)?.body;
        let (mut runtime, mut version, mut total) = (None, None, None);
        let mut entries = BTreeMap::new();
        let mut flaky: BTreeMap<String, Flaky> = BTreeMap::new();
        for (n, l) in lines {
            let l = l.trim_end();
            if l.is_empty() {
                continue;
            }
            if let Some(v) = l.strip_prefix("FLAKY ") {
                let (id, rate, other) = parse_flaky(v).map_err(|why| corrupt(n, why))?;
                let f = flaky.entry(id).or_insert(Flaky {
                    rate,
                    others: Vec::new(),
                    spread: None,
                });
                // Lines of one case naming two classes: the more often one holds.
                f.rate = f.rate.max(rate);
                if let Some(e) = other.filter(|e| !f.others.contains(e)) {
                    f.others.push(e);
                }
            } else if let Some(v) = l.strip_prefix("runtime: ") {
                runtime = Some(v.to_string());
            } else if let Some(v) = l.strip_prefix("version: ") {
                version = Some(v.to_string());
            } else if let Some(v) = l.strip_prefix("cases: ") {
                total = Some(
                    v.parse::<usize>()
                        .map_err(|_| corrupt(n, format!("`{v}` is not a number of cases")))?,
                );
            } else {
                let (word, rest) = l.split_once([' ', ':']).unwrap_or((l, ""));
                let Some(status) = Status::parse(word) else {
                    return Err(corrupt(
                        n,
                        format!("unexpected line `{l}` (expected `STATUS case-id: first divergent line`)"),
                    ));
                };
                if l.as_bytes().get(word.len()) == Some(&b':') {
                    // A count line (`FAIL: 3`): derived, checked for form only.
                    if rest.trim().parse::<usize>().is_err() {
                        return Err(corrupt(n, format!("`{l}` is not a count")));
                    }
                    continue;
                }
                if status == Status::Pass {
                    return Err(corrupt(
                        n,
                        "a passing case is not listed in a baseline".into(),
                    ));
                }
                let (id, summary) = parse_entry(rest)
                    .ok_or_else(|| corrupt(n, format!("cannot read a case ID in `{l}`")))?;
                if entries
                    .insert(id.clone(), Entry { status, summary })
                    .is_some()
                {
                    return Err(corrupt(n, format!("case `{id}` is listed twice")));
                }
            }
        }
        let runtime = runtime.ok_or_else(|| corrupt(1, "no `runtime:` line".into()))?;
        let total = total.ok_or_else(|| corrupt(1, "no `cases:` line".into()))?;
        Ok(Baseline {
            runtime,
            version: version.unwrap_or_default(),
            total,
            entries,
            flaky,
        })
    }

    /// Read a baseline file; `Ok(None)` when there is none.
    pub fn load(path: &Path) -> Result<Option<Baseline>, Diagnostic> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(path, &text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Diagnostic::file(path, format!("cannot read baseline: {e}"))),
        }
    }

    /// Write the file atomically: a reader (or an interrupted run) never sees half of it.
    /// `update` is the command its description names (see [`Baseline::render_with`]).
    pub fn write(&self, path: &Path, update: &str) -> std::io::Result<()> {
        crate::input::files::write_atomic(path, self.render_with(update).as_bytes())
    }
}

/// The rest of a `FLAKY` line: `rate id` or `rate id: STATUS summary`.
fn parse_flaky(v: &str) -> Result<(String, Rate, Option<Entry>), String> {
    let form = "(expected `FLAKY rare|often case-id: STATUS first divergent line`)";
    let (word, rest) = v.split_once(' ').unwrap_or((v, ""));
    let rate = Rate::parse(word)
        .ok_or_else(|| format!("`{word}` is not a rate class, rare or often {form}"))?;
    let (id, other) =
        parse_entry(rest).ok_or_else(|| format!("cannot read a case ID in `FLAKY {v}` {form}"))?;
    if other.is_empty() {
        return Ok((id, rate, None));
    }
    let (st, summary) = other.split_once(' ').unwrap_or((&other, ""));
    let status = Status::parse(st).ok_or_else(|| format!("`{st}` is not a status {form}"))?;
    let summary = summary.trim().to_string();
    Ok((id, rate, Some(Entry { status, summary })))
}

/// `id: summary` or `"quoted id": summary`, either without the summary.
fn parse_entry(rest: &str) -> Option<(String, String)> {
    let (id, after) = if rest.starts_with('"') {
        let mut it = serde_json::Deserializer::from_str(rest).into_iter::<String>();
        let id = it.next()?.ok()?;
        (id, &rest[it.byte_offset()..])
    } else {
        match rest.find(':') {
            Some(i) => (rest[..i].to_string(), &rest[i..]),
            None => (rest.to_string(), ""),
        }
    };
    if id.is_empty() {
        return None;
    }
    let summary = match after {
        "" => "",
        a => a.strip_prefix(':')?.trim_start(),
    };
    Some((id, summary.to_string()))
}

/// One case that differs from the baseline. `None` stands for PASS (or, for `after` of a
/// removed case, for "gone").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: Change,
    pub case_id: String,
    pub before: Option<Entry>,
    pub after: Option<Entry>,
    /// For [`Change::Varies`]: how the case varied before and after (`None`: stable).
    pub varies: Option<(Option<Flaky>, Option<Flaky>)>,
}

/// The result of comparing a run with a runtime's baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    pub runtime: String,
    /// The baseline file, as shown to the user.
    pub path: PathBuf,
    /// `(baseline, run)` when the versions differ: reported, never a failure by itself.
    pub version: Option<(String, String)>,
    /// `(baseline, run)` when the corpus has a different number of cases.
    pub total: Option<(usize, usize)>,
    /// Sorted by kind, then case ID.
    pub changes: Vec<Difference>,
}

/// Compare the baseline with the state after a run (see [`Baseline::from_run`], which carries
/// over the entries of cases the run did not reach). `exists` tells whether a case ID is in
/// the corpus, to tell a stale entry of a removed case from an unexpected pass.
pub fn check(
    path: &Path,
    baseline: &Baseline,
    observed: &Baseline,
    exists: impl Fn(&str) -> bool,
) -> Check {
    let ids: BTreeSet<&String> = baseline
        .entries
        .keys()
        .chain(observed.entries.keys())
        .chain(baseline.flaky.keys())
        .chain(observed.flaky.keys())
        .collect();
    let mut changes = Vec::new();
    for id in ids {
        let before = baseline.entries.get(id);
        let after = observed.entries.get(id);
        let (flaky_before, flaky_after) = (baseline.flaky.get(id), observed.flaky.get(id));
        let gone = !exists(id);
        let kind = match (before, after) {
            (Some(_), None) if gone => Some(Change::Removed),
            // A case the baseline does not list is expected to pass.
            (Some(b), None) => Change::of(b.status, Status::Pass, false),
            (None, Some(a)) => Change::of(Status::Pass, a.status, false),
            (Some(b), Some(a)) => Change::of(b.status, a.status, b.summary != a.summary),
            (None, None) if gone && flaky_before.is_some() => Some(Change::Removed),
            (None, None) => None,
        };
        // The way a case varies is compared once its usual outcome is the same.
        let kind = kind.or_else(|| (flaky_before != flaky_after).then_some(Change::Varies));
        let Some(kind) = kind else { continue };
        changes.push(Difference {
            kind,
            case_id: id.clone(),
            before: before.cloned(),
            after: after.cloned(),
            varies: (kind == Change::Varies).then(|| (flaky_before.cloned(), flaky_after.cloned())),
        });
    }
    changes.sort_by(|a, b| (a.kind, &a.case_id).cmp(&(b.kind, &b.case_id)));
    Check {
        runtime: observed.runtime.clone(),
        path: path.to_path_buf(),
        version: (baseline.version != observed.version)
            .then(|| (baseline.version.clone(), observed.version.clone())),
        total: (baseline.total != observed.total).then_some((baseline.total, observed.total)),
        changes,
    }
}

/// At most this many cases are named per kind; the rest are counted. The baseline diff after
/// `--update-baseline` shows them all.
const LISTED_PER_KIND: usize = 50;

impl Check {
    /// A check passes when no case differs. A different number of cases alone does not fail
    /// it: a case added to the corpus that passes needs no entry, and one that does not pass
    /// is a change of its own (a new failure, crash, ...), as is an entry of a removed case.
    pub fn passed(&self) -> bool {
        self.changes.is_empty()
    }

    /// How many cases of each kind differ.
    pub fn count(&self, kind: Change) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// The report for the terminal: differences grouped by kind, the version note, and what to
    /// run to accept the new state.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let shown = self.path.display();
        if self.passed() {
            let _ = writeln!(out, "baseline check: {}: matches {shown}", self.runtime);
        } else {
            let n = self.changes.len();
            let _ = writeln!(
                out,
                "baseline check: {}: FAILED, {n} case{} differ{} from {shown}",
                self.runtime,
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" }
            );
        }
        out.push_str(&self.render_changes());
        if let Some((before, after)) = self.total {
            let _ = writeln!(
                out,
                "  note: the corpus has {after} cases, the baseline counted {before}: cases were added or removed; the new ones that pass need no entry (`{}` records the new count)",
                update_command(&self.runtime)
            );
        }
        if let Some((before, after)) = &self.version {
            let _ = writeln!(
                out,
                "  note: version {before} in the baseline, {after} now; a version change alone does not fail the check"
            );
        }
        if !self.passed() {
            let _ = writeln!(
                out,
                "  if the new behaviour is right, accept it with `{}` and commit {shown}",
                update_command(&self.runtime)
            );
        }
        out
    }

    /// The differing cases grouped by kind, two-space indented, for the check and for the
    /// account of what `--update-baseline` recorded.
    pub fn render_changes(&self) -> String {
        let mut out = String::new();
        let mut kinds: Vec<Change> = self.changes.iter().map(|c| c.kind).collect();
        kinds.dedup();
        for kind in kinds {
            let of_kind: Vec<&Difference> =
                self.changes.iter().filter(|c| c.kind == kind).collect();
            let _ = writeln!(out, "  {} ({}):", kind.title(), of_kind.len());
            for c in of_kind.iter().take(LISTED_PER_KIND) {
                let status = |e: &Option<Entry>| e.as_ref().map_or("PASS", |e| e.status.as_str());
                let _ = write!(out, "    {}", c.case_id);
                match (kind, &c.after) {
                    (Change::Removed, _) => {
                        let _ = write!(out, " (was {})", status(&c.before));
                    }
                    (Change::Varies, _) => {
                        let (b, a) = c.varies.clone().unwrap_or((None, None));
                        let _ = write!(
                            out,
                            " ({}): {} → {}",
                            status(&c.after),
                            varies(&b),
                            varies(&a)
                        );
                        let others: Vec<String> = a
                            .iter()
                            .flat_map(|f| &f.others)
                            .map(|e| match e.summary.as_str() {
                                "" => e.status.as_str().to_string(),
                                s => format!("{} {s}", e.status.as_str()),
                            })
                            .collect();
                        if !others.is_empty() {
                            let _ = write!(out, "; also gives: {}", others.join("; "));
                        }
                    }
                    (Change::Detail, Some(a)) => {
                        let was = c.before.as_ref().map_or("", |b| b.summary.as_str());
                        let _ = write!(
                            out,
                            " ({}): was: {was}; now: {}",
                            a.status.as_str(),
                            a.summary
                        );
                    }
                    (_, after) => {
                        let _ = write!(out, " (was {}, now {})", status(&c.before), status(after));
                        if let Some(a) = after.as_ref().filter(|a| !a.summary.is_empty()) {
                            let _ = write!(out, ": {}", a.summary);
                        }
                    }
                }
                out.push('\n');
            }
            if of_kind.len() > LISTED_PER_KIND {
                let _ = writeln!(out, "    ... and {} more", of_kind.len() - LISTED_PER_KIND);
            }
        }
        out
    }
}

/// `stable`, `flaky (rare)`, or with the run's count `flaky (often: 3 of 5 runs differed)`.
fn varies(f: &Option<Flaky>) -> String {
    match f {
        None => "stable".into(),
        Some(f) => match f.spread {
            Some((k, n)) => format!("flaky ({}: {k} of {n} runs differed)", f.rate.as_str()),
            None => format!("flaky ({})", f.rate.as_str()),
        },
    }
}

#[cfg(test)]
#[path = "baseline_tests.rs"]
mod tests;
