//! Comparing two results files (before and after a change) for a pull-request comment.
//!
//! A reviewer of a runtime or harness change wants to know what moved, not to read two full
//! reports: which cases got fixed, which broke, which started crashing or timing out, which
//! took a different allowed alternative, and which cases appeared or disappeared. Every case ×
//! runtime that changed lands in exactly one list, so the numbers in the headline add up and a
//! change in one direction (`PASS → FAIL`) is the mirror image of the other (`FAIL → PASS`).
//! The output is GitHub-flavoured Markdown with each list folded in `<details>`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::judge::outcome::{Counts, Status};
use crate::report::change::Change;
use crate::report::results::{CaseResult, Results};

/// One case × runtime that changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub kind: Change,
    pub runtime: String,
    pub case: String,
    pub before: Option<CaseResult>,
    pub after: Option<CaseResult>,
}

/// Counts of one runtime before and after. `None` when the runtime is absent on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeRow {
    pub name: String,
    pub version_before: Option<String>,
    pub version_after: Option<String>,
    pub before: Option<Counts>,
    pub after: Option<Counts>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub runtimes: Vec<RuntimeRow>,
    /// Sorted by kind, runtime, case. Cases of a runtime present on one side only are not
    /// listed (the runtime row says it came or went).
    pub items: Vec<Item>,
}

fn count(results: &Results, runtime: &str) -> Counts {
    Counts::of(
        results
            .results
            .iter()
            .filter(|r| r.runtime == runtime)
            .map(|r| r.status),
    )
}

fn runtime_names(r: &Results) -> BTreeSet<String> {
    r.runtimes
        .iter()
        .map(|e| e.name.clone())
        .chain(r.results.iter().map(|c| c.runtime.clone()))
        .collect()
}

/// Both sides ran the case: a change of status, or a pass through another alternative.
fn classify(before: &CaseResult, after: &CaseResult) -> Option<Change> {
    Change::of(
        before.status,
        after.status,
        before.alternative != after.alternative,
    )
}

/// Compare two results files.
pub fn compare(old: &Results, new: &Results) -> Comparison {
    let old_rt = runtime_names(old);
    let new_rt = runtime_names(new);
    let version = |r: &Results, name: &str| {
        r.runtimes
            .iter()
            .find(|e| e.name == name)
            .and_then(|e| e.version.clone())
    };
    let runtimes = old_rt
        .union(&new_rt)
        .map(|name| RuntimeRow {
            name: name.clone(),
            version_before: version(old, name),
            version_after: version(new, name),
            before: old_rt.contains(name).then(|| count(old, name)),
            after: new_rt.contains(name).then(|| count(new, name)),
        })
        .collect();
    let key = |r: &CaseResult| (r.runtime.clone(), r.case.clone());
    let before: BTreeMap<_, &CaseResult> = old.results.iter().map(|r| (key(r), r)).collect();
    let after: BTreeMap<_, &CaseResult> = new.results.iter().map(|r| (key(r), r)).collect();
    let keys: BTreeSet<&(String, String)> = before.keys().chain(after.keys()).collect();
    let mut items = Vec::new();
    for k in keys {
        let (b, a) = (before.get(k).copied(), after.get(k).copied());
        let kind = match (b, a) {
            (Some(b), Some(a)) => classify(b, a),
            // A runtime that is on one side only is reported once, in its row.
            (None, Some(_)) if old_rt.contains(&k.0) => Some(Change::Added),
            (Some(_), None) if new_rt.contains(&k.0) => Some(Change::Removed),
            _ => None,
        };
        if let Some(kind) = kind {
            items.push(Item {
                kind,
                runtime: k.0.clone(),
                case: k.1.clone(),
                before: b.cloned(),
                after: a.cloned(),
            });
        }
    }
    items.sort_by(|x, y| (x.kind, &x.runtime, &x.case).cmp(&(y.kind, &y.runtime, &y.case)));
    Comparison { runtimes, items }
}

/// A Markdown code span that survives backticks inside `s`.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // Spaces keep a backtick at either end from joining the fence; Markdown strips one each.
    let pad = if longest > 0 { " " } else { "" };
    let s = s.replace(['\n', '\r'], " ");
    format!("{fence}{pad}{s}{pad}{fence}")
}

fn cell(before: usize, after: usize) -> String {
    if before == after {
        before.to_string()
    } else {
        let d = after as i64 - before as i64;
        let sign = if d > 0 { "+" } else { "−" };
        format!("{before} → {after} ({sign}{})", d.unsigned_abs())
    }
}

impl Comparison {
    pub fn count(&self, kind: Change) -> usize {
        self.items.iter().filter(|i| i.kind == kind).count()
    }

    /// The PR comment.
    pub fn to_markdown(&self, old_label: &str, new_label: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "### async_hooks conformance: {} → {}\n",
            code(old_label),
            code(new_label)
        );
        let headline: Vec<String> = Change::ALL
            .iter()
            .map(|k| format!("{} {}", self.count(*k), k.short()))
            .collect();
        let _ = writeln!(out, "**{}**\n", headline.join(" · "));
        out.push_str("| runtime | version |");
        for s in Status::ALL {
            let _ = write!(out, " {} |", s.as_str());
        }
        out.push_str("\n| --- | --- |");
        for _ in Status::ALL {
            out.push_str(" ---: |");
        }
        out.push('\n');
        for row in &self.runtimes {
            let version = match (&row.version_before, &row.version_after) {
                (Some(b), Some(a)) if b != a => format!("{b} → {a}"),
                (Some(v), _) | (None, Some(v)) => v.clone(),
                (None, None) => "—".to_string(),
            };
            let name = match (&row.before, &row.after) {
                (None, Some(_)) => format!("{} (new)", code(&row.name)),
                (Some(_), None) => format!("{} (gone)", code(&row.name)),
                _ => code(&row.name),
            };
            let _ = write!(out, "| {name} | {} |", version.replace('|', "\\|"));
            for s in Status::ALL {
                let get = |m: &Option<Counts>| m.as_ref().map(|m| m.get(s));
                let text = match (get(&row.before), get(&row.after)) {
                    (Some(b), Some(a)) => cell(b, a),
                    (Some(b), None) => format!("{b} → —"),
                    (None, Some(a)) => format!("— → {a}"),
                    (None, None) => "—".into(),
                };
                let _ = write!(out, " {text} |");
            }
            out.push('\n');
        }
        for kind in Change::ALL {
            let items: Vec<&Item> = self.items.iter().filter(|i| i.kind == kind).collect();
            if items.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                "\n<details>\n<summary>{}: {}</summary>\n",
                kind.title(),
                items.len()
            );
            for i in items {
                let _ = write!(out, "- {} {}", code(&i.runtime), code(&i.case));
                let status = |r: &Option<CaseResult>| r.as_ref().map(|r| r.status.as_str());
                let alt = |r: &Option<CaseResult>| {
                    r.as_ref().and_then(|r| r.alternative.clone()).map_or_else(
                        || "blessed trace".to_string(),
                        |a| format!("alternative {}", code(&a)),
                    )
                };
                match kind {
                    Change::Detail => {
                        let _ = write!(out, ": {} → {}", alt(&i.before), alt(&i.after));
                    }
                    Change::Added | Change::Removed => {
                        let r = i.after.as_ref().or(i.before.as_ref());
                        if let Some(r) = r {
                            let _ = write!(out, ": {}", r.status.as_str());
                        }
                    }
                    _ => {
                        let _ = write!(
                            out,
                            ": {} → {}",
                            status(&i.before).unwrap_or("—"),
                            status(&i.after).unwrap_or("—")
                        );
                    }
                }
                let why = i
                    .after
                    .as_ref()
                    .filter(|a| a.status != Status::Pass && !a.summary.is_empty())
                    .map(|a| a.summary.as_str());
                if let Some(why) = why {
                    let _ = write!(out, " — {}", code(why));
                }
                out.push('\n');
            }
            out.push_str("\n</details>\n");
        }
        if self.items.is_empty() {
            out.push_str("\nNo case changed.\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a/b"), "`a/b`");
        assert_eq!(code("x `y` z"), "`` x `y` z ``");
        assert_eq!(code("``"), "``` `` ```");
    }

    #[test]
    fn cells_show_signed_changes() {
        assert_eq!(cell(3, 3), "3");
        assert_eq!(cell(3, 5), "3 → 5 (+2)");
        assert_eq!(cell(5, 3), "5 → 3 (−2)");
    }
}
