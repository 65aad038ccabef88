//! Checks on the case corpus itself (run by `cargo test`): every case loads, cites existing
//! requirements and has a reviewed expected trace, and every requirement has a case.

use std::collections::BTreeSet;

use harness::input::project::{Project, Suite};
use harness::input::snapshot;

fn suite() -> (Project, Suite) {
    let p = Project::locate();
    let s = Suite::load_project(&p).unwrap_or_else(|d| panic!("the corpus does not load:\n{d}"));
    (p, s)
}

#[test]
fn every_case_has_a_blessed_trace() {
    let (p, s) = suite();
    let mut missing = Vec::new();
    for c in &s.cases {
        match snapshot::read(&c.snapshot_path()) {
            Ok(Some(_)) => {}
            Ok(None) => missing.push(format!(
                "{}: no expected trace",
                p.relative(&c.path).display()
            )),
            Err(d) => missing.push(d.to_string()),
        }
    }
    assert!(
        missing.is_empty(),
        "cases without a usable snapshot:\n{}",
        missing.join("\n")
    );
}

#[test]
fn no_snapshot_without_a_case() {
    let (p, s) = suite();
    let known: BTreeSet<_> = s.cases.iter().map(|c| c.snapshot_path()).collect();
    let stray: Vec<String> = walkdir::WalkDir::new(p.cases_dir())
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|f| f.extension().is_some_and(|x| x == "snap") && !known.contains(f))
        .map(|f| p.relative(&f).display().to_string())
        .collect();
    assert!(
        stray.is_empty(),
        "snapshots whose case is gone:\n{}",
        stray.join("\n")
    );
}

#[test]
fn every_requirement_has_a_case() {
    let (_, s) = suite();
    let cited: BTreeSet<&str> = s
        .cases
        .iter()
        .flat_map(|c| c.spec.iter().map(String::as_str))
        .collect();
    let uncovered: Vec<String> = s
        .spec
        .requirements()
        .filter(|r| !cited.contains(r.id.as_str()))
        .map(|r| format!("{} ({}:{})", r.id, r.file.display(), r.line))
        .collect();
    assert!(
        uncovered.is_empty(),
        "requirements no case checks:\n{}",
        uncovered.join("\n")
    );
}
