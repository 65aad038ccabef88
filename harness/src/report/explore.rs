//! What an `explore` run found: each group of disagreements (one signature, one likely cause),
//! how many programs showed it, its smallest program written as a case, and whether the
//! register already explains it. Shown as Markdown (`explore.md` in the output directory).

use std::fmt::Write as _;

use crate::report::matrix::markdown::escape_md;

/// One group of programs that disagree the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub signature: String,
    /// Programs that showed it.
    pub programs: usize,
    /// The seed of the first one.
    pub seed: u64,
    /// Nodes in that program, and in its minimised form.
    pub size: usize,
    pub minimised_size: usize,
    /// The case written for it, relative to the output directory.
    pub case_file: String,
    /// The requirement IDs the case cites; empty when no requirement covers it yet.
    pub spec: Vec<String>,
    /// The register's cause of the runtime's known failures of one of those requirements,
    /// when there is one: the group is then reported as known.
    pub known: Option<String>,
}

/// One run of the explorer.
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreReport {
    pub runtime: String,
    pub version: String,
    /// Which side is taken as right: node@26 against the reference, the reference against any
    /// other runtime.
    pub truth: String,
    pub first_seed: u64,
    pub programs: usize,
    /// Programs whose run could not be judged (a runtime that would not start, a program the
    /// case parser refused): reported, never counted as agreement.
    pub errors: usize,
    pub first_error: Option<String>,
    pub seconds: f64,
    pub groups: Vec<Group>,
}

impl ExploreReport {
    pub fn per_second(&self) -> f64 {
        self.programs as f64 / self.seconds.max(1e-9)
    }

    /// Programs that disagreed, in all groups.
    pub fn disagreeing(&self) -> usize {
        self.groups.iter().map(|g| g.programs).sum()
    }

    /// One line for the terminal.
    pub fn summary_line(&self) -> String {
        let known = self.groups.iter().filter(|g| g.known.is_some()).count();
        format!(
            "explore {} {}: {} programs from seed {} in {:.0} s ({:.0}/s); {} disagreed, in {} group{} ({} known, {} new); {} could not be judged",
            self.runtime,
            self.version,
            self.programs,
            self.first_seed,
            self.seconds,
            self.per_second(),
            self.disagreeing(),
            self.groups.len(),
            if self.groups.len() == 1 { "" } else { "s" },
            known,
            self.groups.len() - known,
            self.errors
        )
    }

    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let _ = writeln!(o, "# Explored: {} {}\n", self.runtime, self.version);
        let _ = writeln!(
            o,
            "Written by `cargo xtask explore --runtime {} --seed {} --budget {}`: {} generated programs (seeds {} to {}), each run on the reference and on {}; {} is taken as right. {:.0} s, {:.0} programs/s.\n",
            self.runtime,
            self.first_seed,
            self.programs,
            self.programs,
            self.first_seed,
            self.first_seed + self.programs.saturating_sub(1) as u64,
            self.runtime,
            self.truth,
            self.seconds,
            self.per_second()
        );
        let _ = writeln!(o, "- {}", self.summary_line());
        if let Some(e) = &self.first_error {
            let _ = writeln!(
                o,
                "- first program that could not be judged: {}",
                escape_md(e)
            );
        }
        if self.groups.is_empty() {
            let _ = writeln!(o, "\nNo disagreement.");
            return o;
        }
        // Several groups often share one cause: the causes first, then the groups.
        let mut causes: Vec<(&str, usize, usize)> = Vec::new();
        for g in &self.groups {
            let cause = g
                .known
                .as_deref()
                .map(|k| k.split(" (as ").next().unwrap_or(k))
                .unwrap_or("new: no cause in the register");
            match causes.iter_mut().find(|(c, _, _)| *c == cause) {
                Some((_, groups, programs)) => {
                    *groups += 1;
                    *programs += g.programs;
                }
                None => causes.push((cause, 1, g.programs)),
            }
        }
        let _ = writeln!(
            o,
            "\n## By cause\n\n| cause | groups | programs |\n|---|---:|---:|"
        );
        for (cause, groups, programs) in &causes {
            let _ = writeln!(o, "| {} | {groups} | {programs} |", escape_md(cause));
        }
        let _ = writeln!(o, "\n## Groups");
        let _ = writeln!(
            o,
            "\n| group (signature) | programs | first seed | size → minimised | case | requirements | known cause |"
        );
        let _ = writeln!(o, "|---|---:|---:|---|---|---|---|");
        for g in &self.groups {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} → {} | `{}` | {} | {} |",
                escape_md(&g.signature),
                g.programs,
                g.seed,
                g.size,
                g.minimised_size,
                g.case_file,
                if g.spec.is_empty() {
                    "none yet".to_string()
                } else {
                    g.spec.join(", ")
                },
                g.known
                    .as_deref()
                    .map(escape_md)
                    .unwrap_or_else(|| "**new**".into())
            );
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_known_and_new_groups() {
        let g = |sig: &str, known: Option<&str>| Group {
            signature: sig.into(),
            programs: 3,
            seed: 9,
            size: 12,
            minimised_size: 3,
            case_file: format!("{sig}.yaml"),
            spec: vec!["ALS-PROP-001".into()],
            known: known.map(String::from),
        };
        let r = ExploreReport {
            runtime: "bun".into(),
            version: "1".into(),
            truth: "the reference".into(),
            first_seed: 100,
            programs: 50,
            errors: 0,
            first_error: None,
            seconds: 2.0,
            groups: vec![
                g("lost at later", Some("Bun has no hooks")),
                g("leaked at then", None),
            ],
        };
        assert!(r.summary_line().contains("50 programs from seed 100 in 2 s (25/s); 6 disagreed, in 2 groups (1 known, 1 new)"), "{}", r.summary_line());
        let md = r.to_markdown();
        assert!(md.contains("| leaked at then | 3 | 9 | 12 → 3 | `leaked at then.yaml` | ALS-PROP-001 | **new** |"), "{md}");
        assert!(md.contains("seeds 100 to 149"), "{md}");
        assert!(
            md.contains("| Bun has no hooks | 1 | 3 |\n| new: no cause in the register | 1 | 3 |"),
            "{md}"
        );
    }
}
