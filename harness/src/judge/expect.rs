//! Expectations: the blessed trace of a case, the ordering freedoms it declares, and the
//! comparison of an observed trace against them.
//!
//! Matching rules, strictest first:
//! - exact: the observed trace equals the expected one line for line;
//! - free groups: a case may name groups of line patterns. Inside each *segment* of the trace
//!   (the stretch between two consecutive lines that belong to no group), the lines of one group
//!   may come in any order, but they stay inside their segment and the positions held by each
//!   group do not move. No line may be missing or added;
//! - named alternatives: complete other traces a runtime may produce instead, each with a
//!   reason (usually a requirement that is implementation-defined). The report names the one
//!   taken.
//!
//! Both traces are *normalised* (each group's lines sorted into the group's positions within
//! each segment) and then compared for equality, so the rule is easy to state and the diff of a
//! mismatch does not show permutations the case allows.

use std::fmt::Write as _;
use std::path::Path;

use crate::input::diag::Diagnostic;

/// A whole-line pattern where `*` matches any run of characters (including none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        Glob {
            pattern: pattern.to_string(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, line: &str) -> bool {
        let parts: Vec<&str> = self.pattern.split('*').collect();
        if parts.len() == 1 {
            return line == self.pattern;
        }
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        if !line.starts_with(first) || line.len() < first.len() + last.len() {
            return false;
        }
        if !line.ends_with(last) {
            return false;
        }
        let mut rest = &line[first.len()..line.len() - last.len()];
        for mid in &parts[1..parts.len() - 1] {
            match rest.find(mid) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The ordering freedoms a case declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ordering {
    /// Each group is a list of patterns; a line belongs to the first group with a matching
    /// pattern.
    pub free: Vec<Vec<Glob>>,
}

impl Ordering {
    fn group_of(&self, line: &str) -> Option<usize> {
        self.free
            .iter()
            .position(|g| g.iter().any(|p| p.matches(line)))
    }

    /// Sort the lines of each group within each segment into the positions that group holds.
    pub fn normalise(&self, lines: &[String]) -> Vec<String> {
        let mut out = lines.to_vec();
        if self.free.is_empty() {
            return out;
        }
        let groups: Vec<Option<usize>> = lines.iter().map(|l| self.group_of(l)).collect();
        let mut start = 0;
        while start < lines.len() {
            let end = (start..lines.len())
                .find(|&i| groups[i].is_none())
                .unwrap_or(lines.len());
            for g in 0..self.free.len() {
                let positions: Vec<usize> =
                    (start..end).filter(|&i| groups[i] == Some(g)).collect();
                let mut members: Vec<String> =
                    positions.iter().map(|&i| lines[i].clone()).collect();
                members.sort();
                for (pos, line) in positions.into_iter().zip(members) {
                    out[pos] = line;
                }
            }
            start = end + 1;
        }
        out
    }
}

/// A complete other trace that a runtime may produce instead of the blessed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub name: String,
    /// Why this is allowed: the requirement or divergence that makes the behaviour
    /// implementation-defined.
    pub because: String,
    pub trace: Vec<String>,
}

/// Where two traces first differ (0-based event index), with both lines when present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Divergence {
    pub index: usize,
    pub expected: Option<String>,
    pub observed: Option<String>,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let show = |l: &Option<String>| match l {
            Some(l) => format!("`{l}`"),
            None => "end of trace".to_string(),
        };
        write!(
            f,
            "event #{}: expected {}, observed {}",
            self.index + 1,
            show(&self.expected),
            show(&self.observed)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The trace is accepted; `alternative` names the allowed alternative it matched, if any.
    Match { alternative: Option<String> },
    /// The trace matches neither the blessed trace nor any alternative. The diff and
    /// divergence are against the blessed trace.
    Mismatch {
        divergence: Divergence,
        diff: String,
    },
}

/// Compare an observed trace with the blessed trace and then with each alternative in order.
pub fn check(
    expected: &[String],
    alternatives: &[Alternative],
    ordering: &Ordering,
    observed: &[String],
) -> Verdict {
    let obs = ordering.normalise(observed);
    let exp = ordering.normalise(expected);
    if exp == obs {
        return Verdict::Match { alternative: None };
    }
    for alt in alternatives {
        if ordering.normalise(&alt.trace) == obs {
            return Verdict::Match {
                alternative: Some(alt.name.clone()),
            };
        }
    }
    let divergence = first_divergence(&exp, &obs).unwrap_or(Divergence {
        index: 0,
        expected: None,
        observed: None,
    });
    let mut diff = render_diff(&exp, &obs, &divergence);
    if !alternatives.is_empty() {
        let names: Vec<&str> = alternatives.iter().map(|a| a.name.as_str()).collect();
        let _ = writeln!(
            diff,
            "(the trace matches none of the allowed alternatives either: {})",
            names.join(", ")
        );
    }
    Verdict::Mismatch { divergence, diff }
}

pub fn first_divergence(expected: &[String], observed: &[String]) -> Option<Divergence> {
    let n = expected.len().max(observed.len());
    (0..n)
        .find(|&i| expected.get(i) != observed.get(i))
        .map(|i| Divergence {
            index: i,
            expected: expected.get(i).cloned(),
            observed: observed.get(i).cloned(),
        })
}

/// A unified diff (`-` expected, `+` observed) with the first divergent event marked `>`.
pub fn render_diff(expected: &[String], observed: &[String], first: &Divergence) -> String {
    let exp: Vec<&str> = expected.iter().map(String::as_str).collect();
    let obs: Vec<&str> = observed.iter().map(String::as_str).collect();
    let diff = similar::TextDiff::configure().diff_slices(&exp, &obs);
    let mut out = String::new();
    let _ = writeln!(out, "first divergence at {first}");
    let _ = writeln!(out, "--- expected");
    let _ = writeln!(out, "+++ observed");
    let mut marked = false;
    for group in diff.grouped_ops(3) {
        let (Some(head), Some(tail)) = (group.first(), group.last()) else {
            continue;
        };
        let old = head.old_range().start..tail.old_range().end;
        let new = head.new_range().start..tail.new_range().end;
        let _ = writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            old.start + 1,
            old.len(),
            new.start + 1,
            new.len()
        );
        for op in &group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    similar::ChangeTag::Equal => ' ',
                    similar::ChangeTag::Delete => '-',
                    similar::ChangeTag::Insert => '+',
                };
                let mark = if sign != ' ' && !marked {
                    marked = true;
                    '>'
                } else {
                    ' '
                };
                let _ = writeln!(out, "{mark}{sign}{}", change.value());
            }
        }
    }
    out
}

/// Expected trace files are insta snapshots (`.snap`), so `cargo insta review` shows and
/// accepts pending ones. The format: a `---` line, a YAML metadata header, a `---` line, then
/// the trace, one event per line.
pub mod snapshot {
    use super::*;

    /// Read the trace stored in a snapshot file.
    pub fn read(path: &Path) -> Result<Option<Vec<String>>, Diagnostic> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Diagnostic::file(path, format!("cannot read snapshot: {e}"))),
        };
        parse(path, &text).map(Some)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Vec<String>, Diagnostic> {
        let mut lines = text.lines();
        let corrupt = |line: usize, what: &str| {
            Diagnostic::new(
                path,
                line,
                1,
                format!(
                    "corrupted snapshot: {what}; restore it from version control or delete it and bless the case again"
                ),
            )
        };
        if lines.next().map(str::trim_end) != Some("---") {
            return Err(corrupt(1, "it must start with a `---` line"));
        }
        let mut n = 1;
        let mut closed = false;
        for l in lines.by_ref() {
            n += 1;
            if l.trim_end() == "---" {
                closed = true;
                break;
            }
            if !l.is_empty() && !l.starts_with(' ') && !l.contains(':') {
                return Err(corrupt(
                    n,
                    "the metadata header holds `key: value` lines only",
                ));
            }
        }
        if !closed {
            return Err(corrupt(
                n,
                "the metadata header is not closed by a `---` line",
            ));
        }
        let mut body: Vec<String> = lines.map(str::to_string).collect();
        while body.last().is_some_and(|l| l.is_empty()) {
            body.pop();
        }
        if body.is_empty() {
            return Err(corrupt(n + 1, "it holds no trace"));
        }
        Ok(body)
    }

    /// Render a snapshot file for a case. `source` is the case file's path as shown in review.
    pub fn render(source: &str, title: &str, trace: &[String]) -> String {
        let mut out = String::new();
        out.push_str("---\n");
        let _ = writeln!(out, "source: {}", yaml_quote(source));
        let _ = writeln!(out, "description: {}", yaml_quote(title));
        out.push_str("expression: trace\n");
        out.push_str("---\n");
        for l in trace {
            out.push_str(l);
            out.push('\n');
        }
        out
    }

    fn yaml_quote(s: &str) -> String {
        serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Vec<String> {
        s.lines().map(str::to_string).collect()
    }

    fn free(groups: &[&[&str]]) -> Ordering {
        Ordering {
            free: groups
                .iter()
                .map(|g| g.iter().map(|p| Glob::new(p)).collect())
                .collect(),
        }
    }

    fn matches(exp: &str, ord: &Ordering, obs: &str) -> bool {
        matches!(check(&t(exp), &[], ord, &t(obs)), Verdict::Match { .. })
    }

    #[test]
    fn glob_matches_whole_lines_only() {
        assert!(Glob::new("timeout:*").matches("timeout: 1"));
        assert!(Glob::new("*: 1").matches("timeout: 1"));
        assert!(Glob::new("a*b*c").matches("abc"));
        assert!(Glob::new("a*b*c").matches("a-x-b-y-c"));
        assert!(!Glob::new("a*b*c").matches("a-x-c-y-b"));
        assert!(!Glob::new("timeout").matches("timeout: 1"));
        assert!(!Glob::new("a*a").matches("a"));
        assert!(Glob::new("*").matches(""));
    }

    #[test]
    fn exact_order_is_the_default() {
        assert!(matches(
            "a\nb\nexit 0",
            &Ordering::default(),
            "a\nb\nexit 0"
        ));
        assert!(!matches(
            "a\nb\nexit 0",
            &Ordering::default(),
            "b\na\nexit 0"
        ));
    }

    #[test]
    fn a_free_group_accepts_permutations_inside_its_segment() {
        let o = free(&[&["t:*", "i:*"]]);
        assert!(matches("s\nt: 1\ni: 1\ne", &o, "s\ni: 1\nt: 1\ne"));
        assert!(matches("s\nt: 1\ni: 1\ne", &o, "s\nt: 1\ni: 1\ne"));
    }

    #[test]
    fn a_free_group_never_accepts_a_missing_or_extra_line() {
        let o = free(&[&["t:*", "i:*"]]);
        assert!(!matches("s\nt: 1\ni: 1\ne", &o, "s\ni: 1\ne"));
        assert!(!matches("s\nt: 1\ni: 1\ne", &o, "s\ni: 1\nt: 1\nt: 1\ne"));
        assert!(!matches("s\nt: 1\ni: 1\ne", &o, "s\ni: 1\nt: 2\ne"));
        // A duplicated line cannot stand in for a different one.
        assert!(!matches("s\nt: 1\ni: 1\ne", &o, "s\nt: 1\nt: 1\ne"));
    }

    #[test]
    fn group_lines_cannot_cross_a_fixed_line() {
        let o = free(&[&["t:*"]]);
        assert!(!matches("t: 1\nmid\nt: 2", &o, "t: 2\nmid\nt: 1"));
        assert!(!matches("t: 1\nt: 2\nmid", &o, "t: 1\nmid\nt: 2"));
    }

    #[test]
    fn fixed_lines_keep_their_order_even_with_groups() {
        let o = free(&[&["t:*"]]);
        assert!(!matches("a\nt: 1\nb", &o, "b\nt: 1\na"));
    }

    #[test]
    fn two_groups_keep_their_positions() {
        let o = free(&[&["a*"], &["b*"]]);
        assert!(matches("a1\nb1\na2", &o, "a2\nb1\na1"));
        assert!(!matches("a1\nb1\na2", &o, "b1\na1\na2"));
    }

    #[test]
    fn an_alternative_is_accepted_and_named() {
        let alt = Alternative {
            name: "throws".into(),
            because: "docs".into(),
            trace: t("a\nerror\nexit 1"),
        };
        let v = check(
            &t("a\nexit 0"),
            std::slice::from_ref(&alt),
            &Ordering::default(),
            &t("a\nerror\nexit 1"),
        );
        assert_eq!(
            v,
            Verdict::Match {
                alternative: Some("throws".into())
            }
        );
        let v = check(
            &t("a\nexit 0"),
            &[alt],
            &Ordering::default(),
            &t("a\nexit 1"),
        );
        assert!(matches!(v, Verdict::Mismatch { .. }));
    }

    #[test]
    fn mismatch_diff_marks_the_first_divergent_event() {
        let v = check(
            &t("a\nb\nc\nexit 0"),
            &[],
            &Ordering::default(),
            &t("a\nc\nexit 0"),
        );
        let Verdict::Mismatch { divergence, diff } = v else {
            panic!("must not match");
        };
        assert_eq!(divergence.index, 1);
        assert_eq!(divergence.expected.as_deref(), Some("b"));
        assert_eq!(divergence.observed.as_deref(), Some("c"));
        assert!(diff.contains(">-b"), "{diff}");
        assert_eq!(diff.matches('>').count(), 1, "{diff}");
    }

    #[test]
    fn snapshot_round_trip() {
        let trace = t("store: 1\nexit 0");
        let text = snapshot::render("cases/x.yaml", "a \"title\"", &trace);
        assert_eq!(snapshot::parse(Path::new("x.snap"), &text).unwrap(), trace);
    }

    #[test]
    fn corrupted_snapshots_are_errors() {
        let p = Path::new("x.snap");
        assert!(snapshot::parse(p, "store: 1\n").is_err());
        assert!(snapshot::parse(p, "---\nsource: x\n").is_err());
        assert!(snapshot::parse(p, "---\nsource: x\n---\n").is_err());
    }
}
