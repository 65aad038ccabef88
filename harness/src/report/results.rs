//! Machine-readable results of a run: a versioned JSON document and JUnit XML.
//!
//! The text that `cargo xtask conformance` prints is for people; CI dashboards, PR bots and
//! `cargo xtask compare` need the same facts in a form that does not change when the wording
//! does. [`Results`] is that form: one entry per runtime (with the facts the adapter reported)
//! and one per case × runtime (status, time, alternative taken, observed trace, detail, stderr
//! head). Its layout is documented in `docs/results-schema.md` and named by [`SCHEMA`]; a
//! reader refuses a document of another schema instead of misreading it.
//!
//! JUnit XML ([`crate::report::junit`]) is the same document in the form CI systems already
//! know how to show.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::input::project::Suite;
use crate::judge::outcome::{Counts, Status};
use crate::judge::record::{Record, RuntimeList};

/// The schema name and major version written into, and required of, every results file.
/// Adding a field keeps the version; renaming, removing or changing the meaning of one bumps it.
pub const SCHEMA: &str = "ah-results/1";

/// `Status` is serialised by the outcome module; reading it back lives here, with the only
/// format that needs it.
mod status_serde {
    use super::*;

    pub fn serialize<S: serde::Serializer>(s: &Status, ser: S) -> Result<S::Ok, S::Error> {
        ser.serialize_str(s.as_str())
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Status, D::Error> {
        let s = String::deserialize(de)?;
        Status::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown status `{s}` (expected one of PASS, FAIL, TIMEOUT, CRASH, ERROR, UNSUPPORTED)"
            ))
        })
    }
}

/// One results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    pub schema: String,
    #[serde(default)]
    pub run: RunInfo,
    pub runtimes: Vec<RuntimeEntry>,
    /// Sorted by runtime, then case ID.
    pub results: Vec<CaseResult>,
}

/// How the run was made. Informative only: nothing compares these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    /// UTC, RFC 3339, to the second.
    #[serde(default)]
    pub generated_at: Option<String>,
    #[serde(default)]
    pub harness_version: String,
    /// `--repeat`: how many times each case ran.
    #[serde(default = "one")]
    pub repeat: u32,
    /// `--timeout-ms`, when it overrode every case's own time limit.
    #[serde(default)]
    pub timeout_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

/// A runtime asked for, and what it said about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuntimeEntry {
    /// The name the user typed (`node@26`, `bun`, `./my.toml`).
    pub name: String,
    /// False when the runtime could not be prepared; `error` says why.
    pub available: bool,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub adapter: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// OS and CPU of the run (`linux-x64`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// The adapter's flags besides the case file (`--no-async-context-frame`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<String>,
    /// How the runtime's processes were confined (see docs/security.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confinement: Option<String>,
    #[serde(default)]
    pub error: Option<String>,
    /// Cases of this run per status; every status is present, zeros included.
    #[serde(default)]
    pub counts: BTreeMap<String, usize>,
}

/// One case on one runtime.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseResult {
    pub runtime: String,
    pub case: String,
    #[serde(default)]
    pub title: String,
    /// Requirement IDs the case cites.
    #[serde(default)]
    pub spec: Vec<String>,
    #[serde(with = "status_serde")]
    pub status: Status,
    /// Wall time of the run (of all runs with `--repeat`), in milliseconds.
    #[serde(default)]
    pub duration_ms: f64,
    /// The allowed alternative the trace matched, when not the blessed trace.
    #[serde(default)]
    pub alternative: Option<String>,
    /// The observed canonical trace, ending with how the run ended (`exit 0`, `signal ...`).
    #[serde(default)]
    pub trace: Vec<String>,
    /// One line: the first divergence for FAIL, the reason otherwise; empty for PASS.
    #[serde(default)]
    pub summary: String,
    /// The whole explanation: the unified diff for FAIL, the reason otherwise.
    #[serde(default)]
    pub detail: String,
    #[serde(default)]
    pub divergence: Option<DivergenceEntry>,
    #[serde(default)]
    pub stderr_head: String,
    /// For a case that does not pass: each requirement it checks, with its one-line rule, so
    /// that a failure says what was broken, not only which case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<RequirementEntry>,
    /// For a case that does not pass: the causes the divergence register gives for it on this
    /// runtime (none when the register does not list it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<CauseEntry>,
    /// With `--repeat N` (N > 1): how many times the case ran. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<u32>,
    /// With `--repeat N` (N > 1): each distinct trace the runs gave, most common first (the
    /// one the fields above describe). One element when every run gave the same trace.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variants: Vec<VariantEntry>,
}

/// One distinct trace among the runs of a repeated case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantEntry {
    /// How many runs gave it.
    pub count: u32,
    #[serde(with = "status_serde")]
    pub status: Status,
    /// As the case's `summary`: empty for PASS.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub alternative: Option<String>,
    /// Its observed trace; empty for the first variant, whose trace is the case's `trace`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<String>,
    /// Where its trace (normalised under the case's `order.free`) first leaves the first
    /// variant's: `expected` is the first variant's line, `observed` this one's. Absent for
    /// the first variant, and when only the way the run ended differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_first: Option<DivergenceEntry>,
}

impl CaseResult {
    /// How many of the runs did not give the most common trace, and how many runs there were;
    /// `None` for a case that ran once or gave the same trace every time.
    pub fn flaky(&self) -> Option<(u32, u32)> {
        let runs = self.runs?;
        let first = self.variants.first()?.count;
        (self.variants.len() > 1).then_some((runs - first.min(runs), runs))
    }
}

/// A requirement a failing case checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementEntry {
    pub id: String,
    /// The requirement's heading text in the spec: its rule in one line.
    pub rule: String,
}

/// A cause of a failure, as the divergence register words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CauseEntry {
    /// The cause's heading in the register.
    pub title: String,
    /// Where it is written, relative to the checkout (`spec/divergences.md#anchor`).
    pub link: String,
}

/// Where the observed trace first left the expected one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivergenceEntry {
    /// 1-based event number, as in the text output (`event #3`).
    pub event: usize,
    /// The expected line there; absent when the expected trace had ended.
    pub expected: Option<String>,
    /// The observed line there; absent when the observed trace had ended.
    pub observed: Option<String>,
}

impl CaseResult {
    pub fn from_record(r: &Record, suite: Option<&Suite>) -> CaseResult {
        let case = suite.and_then(|s| s.cases.iter().find(|c| c.id == r.case_id));
        let o = &r.outcome;
        CaseResult {
            runtime: r.runtime.clone(),
            case: r.case_id.clone(),
            title: case.map(|c| c.title.clone()).unwrap_or_default(),
            spec: case.map(|c| c.spec.clone()).unwrap_or_default(),
            status: o.status,
            duration_ms: millis(o.duration),
            alternative: o.alternative.clone(),
            trace: o.trace.clone(),
            summary: if o.status == Status::Pass {
                String::new()
            } else {
                o.summary(None)
            },
            detail: if o.status == Status::Pass {
                String::new()
            } else {
                o.detail.clone()
            },
            divergence: o.divergence.as_ref().map(|d| DivergenceEntry {
                event: d.index + 1,
                expected: d.expected.clone(),
                observed: d.observed.clone(),
            }),
            stderr_head: o.stderr_head.clone(),
            requirements: match (o.status, suite, case) {
                (Status::Pass, _, _) | (_, None, _) | (_, _, None) => Vec::new(),
                (_, Some(s), Some(c)) => c
                    .spec
                    .iter()
                    .map(|id| RequirementEntry {
                        id: id.clone(),
                        rule: s.spec.get(id).map(|r| r.title.clone()).unwrap_or_default(),
                    })
                    .collect(),
            },
            causes: match (o.status, suite) {
                (Status::Pass, _) | (_, None) => Vec::new(),
                (_, Some(s)) => s
                    .register
                    .causes(&r.runtime, &r.case_id)
                    .iter()
                    .map(|c| CauseEntry {
                        title: c.title.clone(),
                        link: format!("{}#{}", crate::input::register::PATH, c.anchor),
                    })
                    .collect(),
            },
            runs: o.runs.as_ref().map(|r| r.total),
            variants: o
                .runs
                .as_ref()
                .map(|r| variants(r, case.map(|c| &c.ordering)))
                .unwrap_or_default(),
        }
    }
}

/// The variants of a repeated case as the results file writes them.
fn variants(
    runs: &crate::judge::runs::Runs,
    ordering: Option<&crate::input::order::Ordering>,
) -> Vec<VariantEntry> {
    let plain = crate::input::order::Ordering::default();
    let ordering = ordering.unwrap_or(&plain);
    let first = runs
        .variants
        .first()
        .map(|v| ordering.normalise(&v.outcome.trace))
        .unwrap_or_default();
    runs.variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let o = &v.outcome;
            let this = ordering.normalise(&o.trace);
            VariantEntry {
                count: v.count,
                status: o.status,
                summary: if o.status == Status::Pass {
                    String::new()
                } else {
                    o.summary(None)
                },
                alternative: o.alternative.clone(),
                trace: if i == 0 { Vec::new() } else { o.trace.clone() },
                from_first: (i > 0)
                    .then(|| crate::judge::expect::first_divergence(&first, &this))
                    .flatten()
                    .map(|d| DivergenceEntry {
                        event: d.index + 1,
                        expected: d.expected,
                        observed: d.observed,
                    }),
            }
        })
        .collect()
}

/// Milliseconds with microsecond precision: the reference runtime runs a case in well under
/// one millisecond, and whole milliseconds would show it as 0.
fn millis(d: Duration) -> f64 {
    (d.as_micros() as f64) / 1000.0
}

impl Results {
    /// The results of one run. `suite` adds each case's title and requirement IDs.
    pub fn from_run(
        repeat: u32,
        timeout: Option<Duration>,
        suite: Option<&Suite>,
        runtimes: &RuntimeList,
        records: &[Record],
    ) -> Results {
        let runtimes = runtimes
            .iter()
            .map(|(name, facts)| {
                let statuses = records
                    .iter()
                    .filter(|r| &r.runtime == name)
                    .map(|r| r.outcome.status);
                let (version, adapter, source, error) = match facts {
                    Ok(f) => (
                        Some(f.version.clone()),
                        Some(f.adapter.clone()),
                        Some(f.source.clone()),
                        None,
                    ),
                    Err(e) => (None, None, None, Some(e.clone())),
                };
                let ok = facts.as_ref().ok();
                RuntimeEntry {
                    name: name.clone(),
                    available: facts.is_ok(),
                    version,
                    adapter,
                    source,
                    platform: ok.map(|f| f.platform.clone()),
                    flags: ok.map(|f| f.flags.clone()),
                    confinement: ok.map(|f| f.confinement.clone()),
                    error,
                    counts: Counts::of(statuses).by_name(),
                }
            })
            .collect();
        let mut results: Vec<CaseResult> = records
            .iter()
            .map(|r| CaseResult::from_record(r, suite))
            .collect();
        results.sort_by(|a, b| (&a.runtime, &a.case).cmp(&(&b.runtime, &b.case)));
        Results {
            schema: SCHEMA.to_string(),
            run: RunInfo {
                generated_at: Some(utc_now()),
                harness_version: env!("CARGO_PKG_VERSION").to_string(),
                repeat: repeat.max(1),
                timeout_ms: timeout.map(|t| t.as_millis() as u64),
            },
            runtimes,
            results,
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("results serialise");
        s.push('\n');
        s
    }

    /// Parse a results file; `path` only names it in errors.
    pub fn parse(path: &Path, text: &str) -> Result<Results, String> {
        // Look at the schema first, so that a file of another version is named as such
        // instead of failing on whichever field changed.
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
        match value.get("schema").and_then(|s| s.as_str()) {
            Some(SCHEMA) => {}
            Some(other) => {
                return Err(format!(
                    "{}: results schema `{other}` is not supported (this harness reads `{SCHEMA}`); \
                     produce the file again with this checkout's `cargo xtask conformance --results FILE`",
                    path.display()
                ))
            }
            None => {
                return Err(format!(
                    "{}: not a results file (no \"schema\": \"{SCHEMA}\" field); \
                     write one with `cargo xtask conformance --results FILE`",
                    path.display()
                ))
            }
        }
        let results: Results = serde_json::from_value(value)
            .map_err(|e| format!("{}: invalid results file: {e}", path.display()))?;
        // One entry per runtime and per case × runtime: a second one would have to be
        // guessed between by every reader (compare, merge, report).
        let mut runtimes = BTreeSet::new();
        for rt in &results.runtimes {
            if !runtimes.insert(rt.name.as_str()) {
                return Err(format!(
                    "{}: invalid results file: runtime {} is listed twice",
                    path.display(),
                    rt.name
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for r in &results.results {
            if !seen.insert((r.runtime.as_str(), r.case.as_str())) {
                return Err(format!(
                    "{}: invalid results file: case {} on {} is listed twice",
                    path.display(),
                    r.case,
                    r.runtime
                ));
            }
        }
        Ok(results)
    }

    pub fn load(path: &Path) -> Result<Results, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read results file: {e}", path.display()))?;
        Self::parse(path, &text)
    }
}

/// Replace this machine's paths in text that is going to be published (the committed
/// matrix): the checkout becomes `<checkout>` and the temp dir `<tmp>`. Stderr heads and
/// details often carry them (a runtime's stack trace, a temp file name).
pub fn redact_paths(results: &mut Results, root: &Path) {
    let mut pairs: Vec<(String, &str)> = Vec::new();
    for r in [Some(root.to_path_buf()), root.canonicalize().ok()]
        .into_iter()
        .flatten()
    {
        let s = r.to_string_lossy().trim_end_matches('/').to_string();
        if s.len() > 1 {
            pairs.push((s, "<checkout>"));
        }
    }
    let tmp = std::env::temp_dir()
        .to_string_lossy()
        .trim_end_matches('/')
        .to_string();
    if tmp.len() > 1 {
        pairs.push((tmp, "<tmp>"));
    }
    // Longer paths first, so a checkout inside the temp dir is named as the checkout.
    pairs.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    let fix = |s: &mut String| {
        for (p, with) in &pairs {
            if s.contains(p.as_str()) {
                *s = s.replace(p.as_str(), with);
            }
        }
    };
    for r in &mut results.results {
        fix(&mut r.detail);
        fix(&mut r.stderr_head);
        fix(&mut r.summary);
        r.trace.iter_mut().for_each(&fix);
        if let Some(d) = &mut r.divergence {
            d.expected.iter_mut().for_each(&fix);
            d.observed.iter_mut().for_each(&fix);
        }
        for v in &mut r.variants {
            fix(&mut v.summary);
            v.trace.iter_mut().for_each(&fix);
            if let Some(d) = &mut v.from_first {
                d.expected.iter_mut().for_each(&fix);
                d.observed.iter_mut().for_each(&fix);
            }
        }
    }
    for rt in &mut results.runtimes {
        rt.source.iter_mut().for_each(&fix);
        rt.error.iter_mut().for_each(&fix);
    }
}

/// Merge the results files of shards (`--shard K/N` on several machines) into one, as if one
/// run had produced it. Every case × runtime may appear once: a case in two files means the
/// shards overlap (or the same file was given twice), which is an error rather than a guess.
/// The runtimes must agree on their facts, so two builds of one runtime are never mixed.
pub fn merge(parts: Vec<(String, Results)>) -> Result<Results, String> {
    let mut runtimes: Vec<RuntimeEntry> = Vec::new();
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut results = Vec::new();
    let mut run = RunInfo::default();
    for (file, part) in parts {
        if run.harness_version.is_empty() {
            run = part.run.clone();
        }
        for rt in part.runtimes {
            match runtimes.iter().find(|r| r.name == rt.name) {
                Some(known) if known.version != rt.version || known.adapter != rt.adapter => {
                    return Err(format!(
                        "{file}: runtime {} is version {:?} here and {:?} in an earlier file; merge results of one build only",
                        rt.name, rt.version, known.version
                    ));
                }
                Some(_) => {}
                None => runtimes.push(rt),
            }
        }
        for r in part.results {
            let key = (r.runtime.clone(), r.case.clone());
            if let Some(first) = seen.get(&key) {
                return Err(format!(
                    "{file}: case {} on {} is also in {first}; the shards overlap",
                    r.case, r.runtime
                ));
            }
            seen.insert(key, file.clone());
            results.push(r);
        }
    }
    results.sort_by(|a, b| (&a.runtime, &a.case).cmp(&(&b.runtime, &b.case)));
    for rt in &mut runtimes {
        rt.counts = Counts::of(
            results
                .iter()
                .filter(|r| r.runtime == rt.name)
                .map(|r| r.status),
        )
        .by_name();
    }
    Ok(Results {
        schema: SCHEMA.to_string(),
        run,
        runtimes,
        results,
    })
}

/// The current UTC time as `YYYY-MM-DDTHH:MM:SSZ`, without a date library.
fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    rfc3339(secs)
}

/// Days-to-civil conversion (proleptic Gregorian), after Howard Hinnant's algorithm.
fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        sod / 3600,
        (sod / 60) % 60,
        sod % 60
    )
}

#[cfg(test)]
#[path = "results_tests.rs"]
mod tests;
