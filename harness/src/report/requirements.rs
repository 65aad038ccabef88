//! Views of a run's records for people: per spec area, how many requirements a runtime meets.
//!
//! A requirement is *met* on a runtime when every case citing it that ran there passed
//! (allowed alternatives count as passes). Requirements no case of this run cites are left out,
//! so a filtered run scores only what it ran.

use std::collections::BTreeMap;

use crate::input::project::Suite;
use crate::judge::outcome::Status;
use crate::judge::record::Record;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaScore {
    pub area: String,
    pub met: usize,
    pub total: usize,
    /// IDs of the requirements not met, with the case IDs that did not pass.
    pub unmet: Vec<(String, Vec<String>)>,
}

/// Score one runtime's records by spec area, areas in spec-file order of their names.
pub fn requirement_view(suite: &Suite, records: &[Record], runtime: &str) -> Vec<AreaScore> {
    let specs: BTreeMap<&str, &[String]> = suite
        .cases
        .iter()
        .map(|c| (c.id.as_str(), c.spec.as_slice()))
        .collect();
    // requirement → (ran, failing case IDs)
    let mut per_req: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.runtime == runtime) {
        let passed = matches!(r.outcome.status, Status::Pass);
        for id in specs.get(r.case_id.as_str()).copied().unwrap_or_default() {
            let failing = per_req.entry(id.as_str()).or_default();
            if !passed {
                failing.push(r.case_id.clone());
            }
        }
    }
    let mut areas: BTreeMap<String, AreaScore> = BTreeMap::new();
    for (id, failing) in per_req {
        let Some(req) = suite.spec.get(id) else {
            continue;
        };
        let score = areas.entry(req.area.clone()).or_insert_with(|| AreaScore {
            area: req.area.clone(),
            met: 0,
            total: 0,
            unmet: Vec::new(),
        });
        score.total += 1;
        if failing.is_empty() {
            score.met += 1;
        } else {
            score.unmet.push((id.to_string(), failing));
        }
    }
    areas.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::case::{Case, ModuleKind};
    use crate::input::features::Features;
    use crate::input::order::Ordering;
    use crate::input::spec::SpecIndex;
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
}
