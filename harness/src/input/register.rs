//! The divergence register (`spec/divergences.md`) read as data: for each runtime, why each
//! case it fails fails. A failure report is only useful with its "why", and the register is
//! where the why is written; reading it here lets the terminal, the results file and the matrix
//! quote the cause instead of sending people to grep a long Markdown file.
//!
//! The convention (stated at the top of the register, checked by `harness/tests/divergences.rs`):
//! a *runtime section* starts at a heading whose text begins with `Runtime` or `Runtimes` and
//! names runtimes in backquotes; it ends at the next heading of the same or a higher level. A
//! *cause* is a deeper heading inside a section; the cases whose first divergent line it
//! explains are listed, backquoted, in its `- Cases` item. A case backquoted elsewhere in the
//! section (an "Also visible in" line, a *Flaky* paragraph) is mentioned, not caused.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::input::diag::Diagnostic;

/// Where the register lives in a checkout.
pub const PATH: &str = "spec/divergences.md";

/// One cause heading of a runtime section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// The heading's text, backquotes kept (`Hook callbacks are never called, ...`).
    pub title: String,
    /// Its anchor as Markdown renderers make it (for links into the register).
    pub anchor: String,
    /// 1-based line of the heading.
    pub line: usize,
}

/// One runtime section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The runtimes it names (`bun`, or `node@22`, `node@20`, ...).
    pub runtimes: Vec<String>,
    /// 1-based line of its heading.
    pub line: usize,
    /// `(failing, total)` from its first line of the form `N of M cases fail`, when present.
    pub stated_counts: Option<(usize, usize)>,
    /// Every backquoted span inside the section (case IDs and anything else backquoted).
    pub spans: BTreeSet<String>,
}

/// The register, parsed.
#[derive(Debug, Clone, Default)]
pub struct Register {
    pub sections: Vec<Section>,
    /// (runtime, case ID) → the causes listing the case under `- Cases`.
    causes: BTreeMap<(String, String), Vec<Cause>>,
}

/// The backquoted spans of one line (inline code with single backquotes).
pub fn code_spans(line: &str) -> impl Iterator<Item = &str> {
    line.split('`').skip(1).step_by(2)
}

/// `(level, text)` when the line is an ATX heading.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    line[level..].strip_prefix(' ').map(|t| (level, t.trim()))
}

/// The anchor a Markdown renderer gives a heading: lower case, punctuation other than `-` and
/// `_` dropped, spaces turned into `-`.
pub fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `N of M cases fail` → (N, M).
fn stated_counts(line: &str) -> Option<(usize, usize)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let at = words
        .windows(5)
        .position(|w| w[1] == "of" && w[3] == "cases" && w[4].starts_with("fail"))?;
    Some((words[at].parse().ok()?, words[at + 2].parse().ok()?))
}

impl Register {
    /// Read the register of a checkout; a missing file is an empty register.
    pub fn load(path: &Path) -> Result<Register, Diagnostic> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Register::parse(&text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Register::default()),
            Err(e) => Err(Diagnostic::file(
                path,
                format!("cannot read the register: {e}"),
            )),
        }
    }

    pub fn parse(text: &str) -> Register {
        let mut reg = Register::default();
        // The open section (its level and index) and the open cause heading inside it.
        let mut open: Option<(usize, usize)> = None;
        let mut cause: Option<(usize, Cause)> = None;
        // Inside a `- Cases` list item (its continuation lines included).
        let mut in_cases = false;
        let mut fenced = false;
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if fenced {
                continue;
            }
            if let Some((level, title)) = heading(line) {
                in_cases = false;
                if open.is_some_and(|(l, _)| level <= l) {
                    open = None;
                }
                if cause.as_ref().is_some_and(|(l, _)| level <= *l) {
                    cause = None;
                }
                let first = title.split_whitespace().next().unwrap_or("");
                if open.is_none() && (first == "Runtime" || first == "Runtimes") {
                    reg.sections.push(Section {
                        runtimes: code_spans(title).map(str::to_string).collect(),
                        line: i + 1,
                        stated_counts: None,
                        spans: BTreeSet::new(),
                    });
                    open = Some((level, reg.sections.len() - 1));
                } else if open.is_some() {
                    cause = Some((
                        level,
                        Cause {
                            title: title.to_string(),
                            anchor: anchor(title),
                            line: i + 1,
                        },
                    ));
                }
                continue;
            }
            let Some((_, idx)) = open else { continue };
            let trimmed = line.trim_start();
            if trimmed.starts_with("- ") {
                in_cases = trimmed.starts_with("- Cases");
            } else if trimmed.is_empty() || !line.starts_with(' ') {
                in_cases = false;
            }
            let section = &mut reg.sections[idx];
            if section.stated_counts.is_none() {
                section.stated_counts = stated_counts(line);
            }
            for span in code_spans(line) {
                section.spans.insert(span.to_string());
                if let (true, Some((_, c))) = (in_cases, &cause) {
                    for rt in &section.runtimes {
                        let list = reg
                            .causes
                            .entry((rt.clone(), span.to_string()))
                            .or_default();
                        if !list.contains(c) {
                            list.push(c.clone());
                        }
                    }
                }
            }
        }
        reg
    }

    /// The causes the register gives for `case` failing on `runtime` (usually one).
    pub fn causes(&self, runtime: &str, case: &str) -> &[Cause] {
        self.causes
            .get(&(runtime.to_string(), case.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// Every backquoted span in the sections naming `runtime`.
    pub fn mentioned(&self, runtime: &str) -> BTreeSet<&str> {
        self.sections
            .iter()
            .filter(|s| s.runtimes.iter().any(|r| r == runtime))
            .flat_map(|s| s.spans.iter().map(String::as_str))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# Register\n\n## Part 3\n\n### Runtime `bun` 1.4\n\n2 of 10 cases fail (all FAIL).\n\n#### Hooks are `never` called\n\n- What happens: nothing, see `not/a-case`.\n- Cases (2): `a/one`,\n  `a/two`.\n- Also visible in: `b/three`.\n\n#### Timers\n\n- Cases (1): `b/three`.\n\n### Runtimes `deno` and `workerd`\n\n```\n- Cases: `fenced/out`\n```\n#### Ids\n- Cases (1): `a/one`\n\n## Part 4\n\n- Cases: `outside/any`\n";

    #[test]
    fn causes_come_from_the_cases_item_of_their_heading() {
        let r = Register::parse(TEXT);
        let one = r.causes("bun", "a/one");
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].title, "Hooks are `never` called");
        assert_eq!(one[0].anchor, "hooks-are-never-called");
        assert_eq!(one[0].line, 9);
        assert_eq!(
            r.causes("bun", "a/two")[0].title,
            "Hooks are `never` called"
        );
        // `b/three` is only "also visible" under the first cause: its cause is the second.
        let three: Vec<&str> = r
            .causes("bun", "b/three")
            .iter()
            .map(|c| c.title.as_str())
            .collect();
        assert_eq!(three, ["Timers"]);
        assert!(r.causes("bun", "not/a-case").is_empty());
    }

    #[test]
    fn sections_name_their_runtimes_counts_and_spans() {
        let r = Register::parse(TEXT);
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0].runtimes, ["bun"]);
        assert_eq!(r.sections[0].stated_counts, Some((2, 10)));
        assert_eq!(r.sections[1].runtimes, ["deno", "workerd"]);
        assert_eq!(r.sections[1].stated_counts, None);
        assert_eq!(r.causes("workerd", "a/one")[0].title, "Ids");
        assert!(
            r.causes("deno", "fenced/out").is_empty(),
            "fenced code is not read"
        );
        assert!(
            !r.mentioned("deno").contains("outside/any"),
            "a section ends at a higher heading"
        );
        assert!(r.mentioned("bun").contains("b/three"));
    }
}
