//! What a mutants run leaves: which cases killed each mutant, the kill rate per area and
//! overall, the survivors with their explanations, and the flips of the control. Stored as
//! JSON (`mutants.json`, schema [`SCHEMA`]) and shown as Markdown (`mutants.md`), and in the
//! matrix page when a committed `reports/mutants.json` is there.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::input::mutant::family;
use crate::report::matrix::markdown::escape_md;

/// The schema name of `mutants.json`.
pub const SCHEMA: &str = "ah-mutants/1";
/// The files a run writes.
pub const JSON_FILE: &str = "mutants.json";
pub const MARKDOWN_FILE: &str = "mutants.md";
/// Where a run of every mutant on every case writes, relative to the checkout; a run of part
/// of them writes to [`AD_HOC_OUT_DIR`], so that it never overwrites the committed report.
pub const DEFAULT_OUT_DIR: &str = "reports";
pub const AD_HOC_OUT_DIR: &str = "target/mutants";
/// The kill rate the project aims at, in percent.
pub const GOAL_PERCENT: f64 = 97.0;
/// How many killing cases the Markdown names per mutant.
const NAMED_KILLERS: usize = 5;

/// A mutant's status after the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum MutantStatus {
    /// At least one case's verdict differs from the control's.
    Killed,
    /// Every case's verdict is the control's.
    Survived,
    /// Its smoke script printed the same as without it: it breaks nothing observable, and is
    /// left out of the rates.
    Invalid,
}

impl MutantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MutantStatus::Killed => "killed",
            MutantStatus::Survived => "SURVIVED",
            MutantStatus::Invalid => "INVALID",
        }
    }
}

/// One case whose verdict under a mutant differs from the control's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kill {
    pub case: String,
    /// The case's status under the mutant (`PASS` when only its trace changed).
    pub status: String,
}

/// What the smoke script printed without and with the mutant (heads, for the report).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Smoke {
    pub plain: String,
    pub mutant: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutantResult {
    pub id: String,
    /// The mutant file, relative to the checkout.
    pub file: String,
    pub area: String,
    pub breaks: String,
    #[serde(default)]
    pub survives: Option<String>,
    pub status: MutantStatus,
    /// Every killing case, in case order.
    pub killed_by: Vec<Kill>,
    pub smoke: Smoke,
    /// Why the mutant is invalid, when it is.
    #[serde(default)]
    pub invalid: Option<String>,
}

/// A case whose verdict under the control differs from plain node: the loading method itself
/// changed it (or the case is not deterministic).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flip {
    pub case: String,
    pub plain: String,
    pub control: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutantsReport {
    pub schema: String,
    pub runtime: String,
    pub version: String,
    /// Cases each mutant ran.
    pub cases: usize,
    /// Only some mutants or cases ran (`--mutant`, a filter).
    pub subset: bool,
    /// `--first-kill`: each mutant stopped at its first killer, so the killers are not all.
    #[serde(default)]
    pub first_kill: bool,
    /// The control's ID and the cases it flipped (none, for a sound loading method).
    pub control: String,
    pub flips: Vec<Flip>,
    pub mutants: Vec<MutantResult>,
    /// Wall time of the whole run.
    pub seconds: f64,
}

/// Valid and killed mutants of one area.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rate {
    pub valid: usize,
    pub killed: usize,
    pub invalid: usize,
}

impl Rate {
    fn add(&mut self, m: &MutantResult) {
        match m.status {
            MutantStatus::Killed => {
                self.valid += 1;
                self.killed += 1;
            }
            MutantStatus::Survived => self.valid += 1,
            MutantStatus::Invalid => self.invalid += 1,
        }
    }

    /// Killed out of valid, in percent (100 with no valid mutant: nothing survived).
    pub fn percent(&self) -> f64 {
        if self.valid == 0 {
            100.0
        } else {
            self.killed as f64 * 100.0 / self.valid as f64
        }
    }
}

impl MutantsReport {
    pub fn load(path: &Path) -> Result<MutantsReport, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let r: MutantsReport = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a mutants report: {e}", path.display()))?;
        if r.schema != SCHEMA {
            return Err(format!(
                "{}: schema `{}`, expected `{SCHEMA}`",
                path.display(),
                r.schema
            ));
        }
        Ok(r)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Every mutant's counts together.
    pub fn overall(&self) -> Rate {
        let mut r = Rate::default();
        self.mutants.iter().for_each(|m| r.add(m));
        r
    }

    /// The rate of each area family (`ALS`, `HTTP`, ...), in name order.
    pub fn by_family(&self) -> BTreeMap<String, Rate> {
        let mut out: BTreeMap<String, Rate> = BTreeMap::new();
        for m in &self.mutants {
            out.entry(family(&m.area).to_string()).or_default().add(m);
        }
        out
    }

    /// Survivors with no `survives:` explanation.
    pub fn unexplained(&self) -> impl Iterator<Item = &MutantResult> {
        self.mutants
            .iter()
            .filter(|m| m.status == MutantStatus::Survived && m.survives.is_none())
    }

    /// One line for the terminal.
    pub fn summary_line(&self) -> String {
        let o = self.overall();
        format!(
            "mutants on {} {}: {} valid, {} killed ({:.1}%), {} survived ({} unexplained), {} invalid; control flips: {}; {} cases each, {:.0} s",
            self.runtime,
            self.version,
            o.valid,
            o.killed,
            o.percent(),
            o.valid - o.killed,
            self.unexplained().count(),
            o.invalid,
            self.flips.len(),
            self.cases,
            self.seconds
        )
    }

    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let all = self.overall();
        let _ = writeln!(o, "# Mutant runtimes\n");
        let _ = writeln!(
            o,
            "Written by `cargo xtask mutants`{}: the corpus ({} cases) on {} {} under each mutant of `mutants/`, a preload that breaks one behaviour. A mutant is killed when some case's verdict differs from its verdict under the control (`{}`, a preload that does nothing). How mutants are written and judged: [docs/mutants.md](../docs/mutants.md).\n",
            if self.subset { " (a subset)" } else { "" },
            self.cases,
            self.runtime,
            self.version,
            self.control
        );
        let goal = if all.percent() >= GOAL_PERCENT {
            "met"
        } else {
            "not met"
        };
        let _ = writeln!(
            o,
            "- **Kill rate: {:.1}%** ({} of {} valid mutants killed; goal ≥ {GOAL_PERCENT:.0}%: {goal})",
            all.percent(),
            all.killed,
            all.valid
        );
        let _ = writeln!(
            o,
            "- Survivors: {} ({} unexplained); invalid mutants: {}",
            all.valid - all.killed,
            self.unexplained().count(),
            all.invalid
        );
        let _ = writeln!(
            o,
            "- Control: {} case(s) flipped by loading an empty preload{}",
            self.flips.len(),
            if self.flips.is_empty() {
                " (the loading method changes no verdict)"
            } else {
                ""
            }
        );
        let _ = writeln!(o, "- Run time: {:.0} s\n", self.seconds);
        if self.first_kill {
            let _ = writeln!(
                o,
                "Run with `--first-kill`: each mutant stopped at the first case that killed it, so the killers below are the first found, not all.\n"
            );
        }
        for f in &self.flips {
            let _ = writeln!(
                o,
                "  - flipped: `{}`: {} on plain {}, {} under the control",
                f.case, f.plain, self.runtime, f.control
            );
        }
        let _ = writeln!(o, "## Kill rate per area\n");
        let _ = writeln!(o, "| area | valid | killed | rate | invalid |");
        let _ = writeln!(o, "|---|---:|---:|---:|---:|");
        for (family, r) in self.by_family() {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {:.0}% | {} |",
                escape_md(&family),
                r.valid,
                r.killed,
                r.percent(),
                r.invalid
            );
        }
        let survivors: Vec<&MutantResult> = self
            .mutants
            .iter()
            .filter(|m| m.status != MutantStatus::Killed)
            .collect();
        let _ = writeln!(o, "\n## Survivors and invalid mutants\n");
        if survivors.is_empty() {
            let _ = writeln!(o, "None: every mutant is valid and killed.");
        }
        for m in survivors {
            let why = match (m.status, &m.survives, &m.invalid) {
                (MutantStatus::Invalid, _, Some(why)) => format!("invalid: {why}"),
                (_, Some(s), _) => s.clone(),
                _ => "**unexplained**".to_string(),
            };
            let _ = writeln!(
                o,
                "- **{}** `{}` ({}): {}  \n  {}",
                m.status.as_str(),
                m.id,
                escape_md(&m.area),
                escape_md(&m.breaks),
                escape_md(&why).replace("\\*\\*unexplained\\*\\*", "**unexplained**")
            );
        }
        let _ = writeln!(o, "\n## Every mutant\n");
        let _ = writeln!(o, "| mutant | area | breaks | status | killed by |");
        let _ = writeln!(o, "|---|---|---|---|---|");
        for m in &self.mutants {
            let named: Vec<String> = m
                .killed_by
                .iter()
                .take(NAMED_KILLERS)
                .map(|k| format!("`{}`", k.case))
                .collect();
            let more = m.killed_by.len().saturating_sub(NAMED_KILLERS);
            let killers = match (m.killed_by.len(), more) {
                (0, _) => "none".to_string(),
                (n, 0) => format!("{n}: {}", named.join(", ")),
                (n, more) => format!("{n}: {}, and {more} more", named.join(", ")),
            };
            let _ = writeln!(
                o,
                "| `{}` | {} | {} | {} | {} |",
                m.id,
                escape_md(&m.area),
                escape_md(&m.breaks),
                m.status.as_str(),
                killers
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(id: &str, area: &str, status: MutantStatus, kills: usize) -> MutantResult {
        MutantResult {
            id: id.into(),
            file: format!("mutants/{id}.cjs"),
            area: area.into(),
            breaks: format!("breaks {id}"),
            survives: None,
            status,
            killed_by: (0..kills)
                .map(|i| Kill {
                    case: format!("als/case-{i}"),
                    status: "FAIL".into(),
                })
                .collect(),
            smoke: Smoke {
                plain: "1\n".into(),
                mutant: "undefined\n".into(),
            },
            invalid: (status == MutantStatus::Invalid).then(|| "prints the same".into()),
        }
    }

    fn report() -> MutantsReport {
        let mut explained = mutant("d", "HTTP-AGENT", MutantStatus::Survived, 0);
        explained.survives = Some("no case reuses a socket".into());
        MutantsReport {
            schema: SCHEMA.into(),
            runtime: "node@26".into(),
            version: "26.0.0".into(),
            cases: 10,
            subset: false,
            first_kill: false,
            control: "empty".into(),
            flips: Vec::new(),
            mutants: vec![
                mutant("a", "ALS-RUN", MutantStatus::Killed, 7),
                mutant("b", "ALS-PROP", MutantStatus::Survived, 0),
                mutant("c", "ALS-PROP", MutantStatus::Invalid, 0),
                explained,
            ],
            seconds: 12.0,
        }
    }

    #[test]
    fn rates_leave_invalid_mutants_out_and_group_by_family() {
        let r = report();
        let all = r.overall();
        assert_eq!((all.valid, all.killed, all.invalid), (3, 1, 1));
        let fam = r.by_family();
        assert_eq!(fam["ALS"].valid, 2);
        assert_eq!(fam["ALS"].invalid, 1);
        assert_eq!(fam["HTTP"].percent(), 0.0);
        let ids: Vec<&str> = r.unexplained().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["b"]);
    }

    #[test]
    fn the_markdown_names_killers_survivors_and_explanations() {
        let md = report().to_markdown();
        assert!(md.contains("**Kill rate: 33.3%** (1 of 3 valid"), "{md}");
        assert!(md.contains("7: `als/case-0`, `als/case-1`, `als/case-2`, `als/case-3`, `als/case-4`, and 2 more"), "{md}");
        assert!(
            md.contains("- **SURVIVED** `b` (ALS-PROP): breaks b  \n  **unexplained**"),
            "{md}"
        );
        assert!(md.contains("no case reuses a socket"), "{md}");
        assert!(md.contains("- **INVALID** `c`"), "{md}");
        assert!(md.contains("| ALS | 2 | 1 | 50% | 1 |"), "{md}");
        let back: MutantsReport = serde_json::from_str(&report().to_json()).expect("round trip");
        assert_eq!(back, report());
    }
}
