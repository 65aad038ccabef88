//! Outcomes: what one case did on one runtime, judged against its expectation.

use std::path::Path;
use std::time::Duration;

use crate::input::case::Case;
use crate::judge::execution::{End, Execution};
use crate::judge::expect::{self, Divergence, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    /// The trace matched the blessed trace or an allowed alternative.
    Pass,
    /// The run completed but its trace differs.
    Fail,
    /// The run did not end within the case's time limit; its process group was killed.
    Timeout,
    /// The runtime died (signal), stopped early, or broke the trace protocol.
    Crash,
    /// The case could not be run (runtime missing, no expected trace).
    Error,
    /// The runtime does not offer a feature the case needs.
    Unsupported,
}

impl Status {
    /// Every status, in the order reports show them.
    pub const ALL: [Status; 6] = [
        Status::Pass,
        Status::Fail,
        Status::Timeout,
        Status::Crash,
        Status::Error,
        Status::Unsupported,
    ];

    /// The inverse of [`Status::as_str`].
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::Timeout => "TIMEOUT",
            Status::Crash => "CRASH",
            Status::Error => "ERROR",
            Status::Unsupported => "UNSUPPORTED",
        }
    }
}

/// Cases per status, every status present (zeros included), iterated in report order
/// ([`Status::ALL`]). The one count type: results files, baselines, comparisons, the matrix and
/// the run's summary all count with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts(std::collections::BTreeMap<Status, usize>);

impl Default for Counts {
    fn default() -> Self {
        Counts(Status::ALL.iter().map(|s| (*s, 0)).collect())
    }
}

impl Counts {
    /// Count `statuses`.
    pub fn of(statuses: impl IntoIterator<Item = Status>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            c.add(s, 1);
        }
        c
    }

    pub fn add(&mut self, status: Status, n: usize) {
        *self.0.entry(status).or_default() += n;
    }

    pub fn set(&mut self, status: Status, n: usize) {
        self.0.insert(status, n);
    }

    pub fn get(&self, status: Status) -> usize {
        self.0.get(&status).copied().unwrap_or(0)
    }

    pub fn total(&self) -> usize {
        self.0.values().sum()
    }

    /// Every status with its count, zeros included, in report order.
    pub fn iter(&self) -> impl Iterator<Item = (Status, usize)> + '_ {
        self.0.iter().map(|(s, n)| (*s, *n))
    }

    /// `196 PASS, 7 FAIL, 1 CRASH` (zero counts left out).
    pub fn nonzero_line(&self) -> String {
        self.iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.as_str()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Keyed by status name, as the results file writes them.
    pub fn by_name(&self) -> std::collections::BTreeMap<String, usize> {
        self.iter()
            .map(|(s, n)| (s.as_str().to_string(), n))
            .collect()
    }
}

/// Longest summary kept in a baseline line; trace lines can be long and a baseline is read in
/// review, where the first couple of hundred characters tell the story.
pub const SUMMARY_CHARS: usize = 200;

#[derive(Debug, Clone)]
pub struct Outcome {
    pub status: Status,
    /// The allowed alternative the trace matched, if not the blessed trace.
    pub alternative: Option<String>,
    /// The observed canonical trace (what was seen, even when the run crashed).
    pub trace: Vec<String>,
    /// Why the status is what it is: the diff for FAIL, the reason otherwise.
    pub detail: String,
    pub divergence: Option<Divergence>,
    pub stderr_head: String,
    pub duration: Duration,
    /// `--bless` wrote this run's trace as a pending snapshot: the case did not match, but
    /// the run did what was asked of it (the status stays what the run showed).
    pub blessed: bool,
    /// With `--repeat N` (N > 1): how the runs spread over distinct traces. The outcome itself
    /// is that of the most common one.
    pub runs: Option<crate::judge::runs::Runs>,
}

impl Outcome {
    pub fn error(detail: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Error,
            alternative: None,
            trace: Vec::new(),
            detail: detail.into(),
            divergence: None,
            stderr_head: String::new(),
            duration: Duration::ZERO,
            blessed: false,
            runs: None,
        }
    }

    pub fn unsupported(reason: impl Into<String>) -> Outcome {
        Outcome {
            status: Status::Unsupported,
            ..Outcome::error(reason)
        }
    }

    /// The one-line account of a non-passing outcome kept in baselines and results. It must be the
    /// same for the same behaviour, run after run, so it holds no timings or absolute paths: FAIL
    /// shows the first divergence, TIMEOUT the last event seen, the others the first line of their
    /// reason with `root` (the checkout) removed.
    pub fn summary(&self, root: Option<&Path>) -> String {
        let line = match (self.status, &self.divergence) {
            (Status::Fail, Some(d)) => d.to_string(),
            (Status::Timeout, _) => {
                let events = self
                    .trace
                    .iter()
                    .filter(|l| l.as_str() != "timeout")
                    .count();
                match self.trace.iter().rev().find(|l| l.as_str() != "timeout") {
                    Some(last) => format!("timed out after event #{events} `{last}`"),
                    None => "timed out before the first event".to_string(),
                }
            }
            _ => {
                let first = self.detail.lines().next().unwrap_or("").trim().to_string();
                match root.map(|r| r.to_string_lossy().into_owned()) {
                    Some(r) if !r.is_empty() => {
                        first.replace(&format!("{r}/"), "").replace(&r, ".")
                    }
                    _ => first,
                }
            }
        };
        let line = line.replace(['\n', '\r'], " ");
        if line.chars().count() > SUMMARY_CHARS {
            let mut cut: String = line.chars().take(SUMMARY_CHARS).collect();
            cut.push('…');
            cut
        } else {
            line
        }
    }
}

/// The canonical trace of a run: the events, then one line for how the process ended.
pub fn observed_trace(exec: &Execution) -> Vec<String> {
    let mut t = exec.channel.events.clone();
    match &exec.end {
        End::Exited(c) => t.push(format!("exit {c}")),
        End::Signaled(s) => t.push(format!("signal {s}")),
        End::TimedOut => t.push("timeout".to_string()),
        End::CouldNotRun(_) => {}
    }
    t
}

/// Where a runtime's error message points into the case, in the case file's own lines. The
/// rendered case module starts with the script's first line (the prelude import shares that
/// line), so a runtime's `case.mjs:N` is line N of the script; the author edits the YAML file,
/// where that line is `script_line + N - 1`.
pub fn script_location(case: &Case, stderr: &str) -> Option<String> {
    let line = stderr.match_indices("case.").find_map(|(at, m)| {
        // `case.` must start a file name (`/case.mjs`), not end one (`showcase.mjs`).
        let before = stderr[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return None;
        }
        let rest = &stderr[at + m.len()..];
        let ext_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .filter(|n| (1..=4).contains(n))?;
        rest[ext_len..]
            .strip_prefix(':')?
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
    })?;
    let file = case.id.rsplit('/').next().unwrap_or(&case.id);
    Some(format!(
        "the runtime's message points at line {line} of the script: line {} of {file}.yaml",
        case.script_line + line - 1
    ))
}

/// Judge one execution against the case's expectation (`None`: nothing blessed yet).
pub fn judge(case: &Case, expected: Option<&[String]>, exec: &Execution) -> Outcome {
    let trace = observed_trace(exec);
    let mut out = Outcome {
        status: Status::Crash,
        alternative: None,
        trace,
        detail: String::new(),
        divergence: None,
        stderr_head: exec.stderr_head.clone(),
        duration: exec.duration,
        blessed: false,
        runs: None,
    };
    let ch = &exec.channel;
    let problem = match &exec.end {
        End::CouldNotRun(e) => Some((Status::Error, format!("could not run: {e}"))),
        End::TimedOut => Some((
            Status::Timeout,
            format!(
                "did not finish within {} ms; the process group was killed",
                exec.duration.as_millis()
            ),
        )),
        End::Signaled(s) => Some((Status::Crash, format!("killed by {s}"))),
        End::Exited(code) => {
            if !ch.started {
                Some((
                    Status::Crash,
                    format!(
                        "exited with status {code} before the prelude ran (the runtime rejected the script or failed at start-up)"
                    ),
                ))
            } else if let Some(b) = &ch.broken {
                Some((Status::Crash, format!("trace channel broken: {b}")))
            } else if exec.channel_cut {
                Some((
                    Status::Crash,
                    format!(
                        "the trace exceeded {} bytes and was cut",
                        crate::judge::trace::CHANNEL_BYTES
                    ),
                ))
            } else if ch.truncated_tail {
                Some((
                    Status::Crash,
                    format!("exited with status {code} in the middle of writing a trace record"),
                ))
            } else if *code == 0 && ch.ended.is_none() {
                Some((
                    Status::Crash,
                    "exited with status 0 without running its 'exit' listeners (stopped early?)"
                        .to_string(),
                ))
            } else {
                None
            }
        }
    };
    if let Some((status, detail)) = problem {
        out.status = status;
        out.detail = match script_location(case, &exec.stderr_head) {
            Some(hint) => format!("{detail}\n{hint}"),
            None => detail,
        };
        return out;
    }
    let Some(expected) = expected else {
        out.status = Status::Error;
        out.detail = format!(
            "no expected trace ({}.snap is missing); bless it with `cargo xtask conformance --bless` and review it with `cargo insta review`",
            case.id.rsplit('/').next().unwrap_or(&case.id)
        );
        return out;
    };
    match expect::check(expected, &case.alternatives, &case.ordering, &out.trace) {
        Verdict::Match { alternative } => {
            out.status = Status::Pass;
            out.alternative = alternative;
        }
        Verdict::Mismatch { divergence, diff } => {
            out.status = Status::Fail;
            out.detail = diff;
            out.divergence = Some(divergence);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::{features::Features, spec::SpecIndex};
    use std::path::Path;

    fn case() -> Case {
        let mut spec = SpecIndex::default();
        assert!(spec
            .add_file(Path::new("s.md"), "# A\n### ALS-RUN-001 — r\n")
            .is_empty());
        let text = "title: t\nspec: [ALS-RUN-001]\nfeatures: []\nscript: |\n  trace('a');\n  trace('x'; )\n";
        crate::input::case::parse_case(
            Path::new("cases/als/bad.yaml"),
            "als/bad",
            text,
            &Features::default(),
            &spec,
        )
        .unwrap()
    }

    #[test]
    fn a_runtime_error_line_is_given_in_the_case_files_lines() {
        let c = case();
        assert_eq!(c.script_line, 5);
        let node = "file:///tmp/ah-1/case.mjs:2\n  trace('x'; )\n           ^\nSyntaxError: missing ) after argument list";
        assert_eq!(
            script_location(&c, node).as_deref(),
            Some("the runtime's message points at line 2 of the script: line 6 of bad.yaml")
        );
        let deno = "error: The module's source code could not be parsed: Expected ',', got ';' at file:///tmp/x/case.mjs:2:12";
        assert!(script_location(&c, deno)
            .unwrap()
            .contains("line 6 of bad.yaml"));
        assert_eq!(
            script_location(&c, "Error: boom\n    at prelude.mjs:40:3"),
            None
        );
        assert_eq!(script_location(&c, "see showcase.mjs:3"), None);
    }

    #[test]
    fn a_crash_before_the_prelude_says_where_in_the_case_file() {
        let exec = Execution {
            channel: Default::default(),
            end: End::Exited(1),
            channel_cut: false,
            stdout_head: String::new(),
            stderr_head: "file:///tmp/ah-1/case.mjs:2\nSyntaxError: missing )".into(),
            duration: std::time::Duration::ZERO,
        };
        let o = judge(&case(), None, &exec);
        assert_eq!(o.status, Status::Crash);
        assert!(o.detail.contains("before the prelude ran"), "{}", o.detail);
        assert!(o.detail.ends_with("line 6 of bad.yaml"), "{}", o.detail);
    }
}
