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

use crate::input::order::{Alternative, Ordering};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::order::Glob;

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
}
