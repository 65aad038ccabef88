//! Requirement scores: per spec area, how many requirements a runtime meets.
//!
//! A requirement is *met* on a runtime when every case citing it that ran there passed (an
//! allowed alternative is a pass; UNSUPPORTED is not). Requirements no case ran on that runtime
//! are left out, so a filtered run, or a runtime that skipped cases, scores only what it ran.
//!
//! The rule lives here once, in [`score`]: the terminal summary after a run
//! ([`requirement_view`]) and the cross-runtime matrix (`report::matrix`) both ask it, each
//! from what it has at hand (a run's records and its suite; results files).

use std::collections::BTreeMap;

use crate::input::project::Suite;
use crate::input::spec::{Requirement, SpecIndex};
use crate::judge::outcome::Status;
use crate::judge::record::Record;

/// The area of requirement IDs the spec does not know (a results file written before the spec
/// changed). A loaded suite never cites one: its loader rejects them.
pub const NO_AREA: &str = "Not in the specification";

/// One case's status on one runtime, with the requirement IDs it cites: what scoring needs.
#[derive(Debug, Clone, Copy)]
pub struct CaseStatus<'a> {
    pub case: &'a str,
    pub spec: &'a [String],
    pub status: Status,
}

/// Passing cases out of those that ran, for one requirement (or area) on one runtime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub ran: usize,
}

impl Tally {
    /// Met: at least one case ran and all that ran passed.
    pub fn met(self) -> bool {
        self.ran > 0 && self.passed == self.ran
    }

    /// Count one case that ran.
    pub fn add(&mut self, status: Status) {
        self.ran += 1;
        self.passed += usize::from(status == Status::Pass);
    }
}

/// How the cases citing one requirement did on one runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequirementScore {
    pub id: String,
    pub tally: Tally,
    /// The cases citing it that did not pass, in the order given.
    pub failing: Vec<String>,
}

/// One runtime's requirement scores in one area, requirements in ID order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRequirements {
    pub area: String,
    pub requirements: Vec<RequirementScore>,
}

impl AreaRequirements {
    pub fn met(&self) -> usize {
        self.requirements.iter().filter(|r| r.tally.met()).count()
    }
}

/// The area a requirement belongs to: its spec file's first `# ` heading, or the file's name
/// when the file has none (an empty name would read as a missing area).
pub fn requirement_area(r: &Requirement) -> String {
    if r.area.is_empty() {
        r.file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        r.area.clone()
    }
}

/// The area of a requirement ID; `None` when the spec does not know it.
pub fn area_of(spec: &SpecIndex, id: &str) -> Option<String> {
    spec.get(id).map(requirement_area)
}

/// Score the cases that ran on one runtime: every requirement any of them cites, grouped by
/// area ([`NO_AREA`] for IDs the spec does not know), areas in name order. A case citing no
/// requirement scores nothing.
pub fn score<'a>(
    spec: &SpecIndex,
    cases: impl IntoIterator<Item = CaseStatus<'a>>,
) -> Vec<AreaRequirements> {
    let mut per_req: BTreeMap<&str, RequirementScore> = BTreeMap::new();
    for c in cases {
        for id in c.spec {
            let s = per_req
                .entry(id.as_str())
                .or_insert_with(|| RequirementScore {
                    id: id.clone(),
                    tally: Tally::default(),
                    failing: Vec::new(),
                });
            s.tally.add(c.status);
            if c.status != Status::Pass {
                s.failing.push(c.case.to_string());
            }
        }
    }
    let mut areas: BTreeMap<String, Vec<RequirementScore>> = BTreeMap::new();
    for (id, s) in per_req {
        let area = area_of(spec, id).unwrap_or_else(|| NO_AREA.to_string());
        areas.entry(area).or_default().push(s);
    }
    areas
        .into_iter()
        .map(|(area, requirements)| AreaRequirements { area, requirements })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaScore {
    pub area: String,
    pub met: usize,
    pub total: usize,
    /// IDs of the requirements not met, with the case IDs that did not pass.
    pub unmet: Vec<(String, Vec<String>)>,
}

/// Score one runtime's records by spec area, areas in name order. A record whose case is not
/// in the suite cites nothing the suite knows of, so it is not scored.
pub fn requirement_view(suite: &Suite, records: &[Record], runtime: &str) -> Vec<AreaScore> {
    let specs: BTreeMap<&str, &[String]> = suite
        .cases
        .iter()
        .map(|c| (c.id.as_str(), c.spec.as_slice()))
        .collect();
    let cases = records
        .iter()
        .filter(|r| r.runtime == runtime)
        .map(|r| CaseStatus {
            case: &r.case_id,
            spec: specs.get(r.case_id.as_str()).copied().unwrap_or_default(),
            status: r.outcome.status,
        });
    score(&suite.spec, cases)
        .into_iter()
        .map(|a| AreaScore {
            met: a.met(),
            total: a.requirements.len(),
            unmet: a
                .requirements
                .into_iter()
                .filter(|r| !r.tally.met())
                .map(|r| (r.id, r.failing))
                .collect(),
            area: a.area,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::case::{Case, ModuleKind};
    use crate::input::features::Features;
    use crate::input::order::Ordering;
    use crate::judge::outcome::Outcome;
    use std::path::{Path, PathBuf};

    fn case(id: &str, spec: &[&str]) -> Case {
        Case {
            id: id.into(),
            path: PathBuf::from(format!("{id}.yaml")),
            title: id.into(),
            spec: spec.iter().map(|s| s.to_string()).collect(),
            features: vec![],
            module: ModuleKind::Esm,
            hooks: None,
            ordering: Ordering::default(),
            alternatives: vec![],
            timeout: None,
            run_alone: None,
            script: "x".into(),
            script_line: 1,
        }
    }

    fn record(runtime: &str, case: &str, status: Status) -> Record {
        let mut outcome = Outcome::error("x");
        outcome.status = status;
        Record {
            runtime: runtime.into(),
            case_id: case.into(),
            outcome,
        }
    }

    #[test]
    fn a_requirement_is_met_only_when_all_its_cases_pass() {
        let mut spec = SpecIndex::default();
        assert!(spec
            .add_file(
                Path::new("a.md"),
                "# Area A\n### A-X-001 — x\n### A-Y-001 — y\n"
            )
            .is_empty());
        assert!(spec
            .add_file(Path::new("b.md"), "# Area B\n### B-Z-001 — z\n")
            .is_empty());
        let suite = Suite {
            cases: vec![
                case("c1", &["A-X-001"]),
                case("c2", &["A-X-001", "A-Y-001"]),
                case("c3", &["B-Z-001"]),
            ],
            spec,
            features: Features::default(),
            register: Default::default(),
        };
        let records = vec![
            record("rt", "c1", Status::Pass),
            record("rt", "c2", Status::Fail),
            record("rt", "c3", Status::Pass),
            record("other", "c2", Status::Pass),
        ];
        let view = requirement_view(&suite, &records, "rt");
        assert_eq!(view.len(), 2);
        assert_eq!(
            (view[0].area.as_str(), view[0].met, view[0].total),
            ("Area A", 0, 2)
        );
        assert_eq!(
            view[0].unmet[0],
            ("A-X-001".to_string(), vec!["c2".to_string()])
        );
        assert_eq!(
            (view[1].area.as_str(), view[1].met, view[1].total),
            ("Area B", 1, 1)
        );
        let other = requirement_view(&suite, &records, "other");
        assert_eq!((other[0].met, other[0].total), (2, 2));
    }

    #[test]
    fn unsupported_is_not_a_pass_and_unknown_ids_get_their_own_area() {
        let mut spec = SpecIndex::default();
        assert!(spec
            .add_file(Path::new("spec/no-heading.md"), "### A-X-001 — x\n")
            .is_empty());
        let known = vec!["A-X-001".to_string()];
        let both = vec!["A-X-001".to_string(), "GONE-001".to_string()];
        let areas = score(
            &spec,
            [
                CaseStatus {
                    case: "a",
                    spec: &known,
                    status: Status::Pass,
                },
                CaseStatus {
                    case: "b",
                    spec: &both,
                    status: Status::Unsupported,
                },
                CaseStatus {
                    case: "none",
                    spec: &[],
                    status: Status::Fail,
                },
            ],
        );
        let names: Vec<&str> = areas.iter().map(|a| a.area.as_str()).collect();
        // A file without a `# ` heading is named after the file.
        assert_eq!(names, [NO_AREA, "no-heading"]);
        let x = &areas[1].requirements[0];
        assert_eq!(x.tally, Tally { passed: 1, ran: 2 });
        assert_eq!(x.failing, ["b"]);
        assert!(!x.tally.met());
        assert_eq!(areas[0].requirements[0].id, "GONE-001");
        assert_eq!(areas[0].met(), 0);
    }
}
