//! `compare` on hand-written results files (harness/tests/fixtures/results/): every kind of
//! change once or twice, a runtime that went and one that came, and the comparison read in
//! both directions. Also: results of real runs on the reference runtime, through JSON and back.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use harness::exec::runner::{self, RunConfig};
use harness::input::project::{Project, Suite};
use harness::judge::outcome::Status;
use harness::report::change::Change as Kind;
use harness::report::compare::compare;
use harness::report::results::{Results, SCHEMA};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results")
        .join(name)
}

fn load(name: &str) -> Results {
    Results::load(&fixture(name)).unwrap_or_else(|e| panic!("{e}"))
}

fn set(c: &harness::report::compare::Comparison, kind: Kind) -> BTreeSet<(String, String)> {
    c.items
        .iter()
        .filter(|i| i.kind == kind)
        .map(|i| (i.runtime.clone(), i.case.clone()))
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    list.iter()
        .map(|(r, c)| (r.to_string(), c.to_string()))
        .collect()
}

#[test]
fn every_change_lands_in_exactly_one_list() {
    let c = compare(&load("old.json"), &load("new.json"));
    let counts: Vec<(Kind, usize)> = Kind::ALL.iter().map(|k| (*k, c.count(*k))).collect();
    assert_eq!(
        counts,
        vec![
            (Kind::Fixed, 2),
            (Kind::Broken, 2),
            (Kind::CrashOrTimeout, 2),
            (Kind::OtherStatus, 2),
            (Kind::Detail, 1),
            (Kind::Added, 1),
            (Kind::Removed, 1),
        ]
    );
    assert_eq!(c.items.len(), 11, "no item is in two lists");
    assert_eq!(
        set(&c, Kind::Fixed),
        pairs(&[("bun", "a/fixed"), ("node@26", "a/fixed")])
    );
    assert_eq!(
        set(&c, Kind::Broken),
        pairs(&[("bun", "a/broken"), ("node@26", "a/broken")])
    );
    assert_eq!(
        set(&c, Kind::CrashOrTimeout),
        pairs(&[("node@26", "a/crash"), ("node@26", "a/hang")])
    );
    assert_eq!(
        set(&c, Kind::OtherStatus),
        pairs(&[("node@26", "a/crash-to-fail"), ("node@26", "a/unsupported")])
    );
    assert_eq!(set(&c, Kind::Detail), pairs(&[("node@26", "a/alt")]));
    assert_eq!(set(&c, Kind::Added), pairs(&[("node@26", "a/added")]));
    assert_eq!(set(&c, Kind::Removed), pairs(&[("node@26", "a/removed")]));
    // Runtimes on one side only are rows, not case lists.
    assert!(c
        .items
        .iter()
        .all(|i| i.runtime != "deno" && i.runtime != "reference"));
}

#[test]
fn the_comparison_read_backwards_mirrors_it() {
    let (old, new) = (load("old.json"), load("new.json"));
    let fwd = compare(&old, &new);
    let back = compare(&new, &old);
    // pass → fail one way is fail → pass the other, each counted once.
    assert_eq!(set(&back, Kind::Broken), set(&fwd, Kind::Fixed));
    assert!(set(&back, Kind::Fixed).is_superset(&set(&fwd, Kind::Broken)));
    assert_eq!(set(&back, Kind::Added), set(&fwd, Kind::Removed));
    assert_eq!(set(&back, Kind::Removed), set(&fwd, Kind::Added));
    assert_eq!(set(&back, Kind::Detail), set(&fwd, Kind::Detail));
    let counts: Vec<usize> = Kind::ALL.iter().map(|k| back.count(*k)).collect();
    // fixed: the two broken, the crash (CRASH → PASS), the unsupported one (UNSUPPORTED → PASS).
    assert_eq!(counts, vec![4, 2, 1, 1, 1, 1, 1]);
    assert_eq!(
        set(&back, Kind::CrashOrTimeout),
        pairs(&[("node@26", "a/crash-to-fail")])
    );
}

#[test]
fn the_markdown_has_counts_per_runtime_and_folded_lists() {
    let c = compare(&load("old.json"), &load("new.json"));
    let md = c.to_markdown("old.json", "new.json");
    assert!(
        md.starts_with("### async_hooks conformance: `old.json` → `new.json`\n"),
        "{md}"
    );
    assert!(
        md.contains("**2 fixed · 2 broken · 2 new crashes/timeouts · 2 other status changes · 1 reached differently · 1 added · 1 removed**"),
        "{md}"
    );
    assert!(
        md.contains("| `node@26` | 26.1.0 → 26.2.0 | 6 → 3 (−3) | 3 → 4 (+1) | 0 → 1 (+1) | 1 | 0 | 0 → 1 (+1) |"),
        "{md}"
    );
    assert!(
        md.contains("| `bun` | 1.4.0 | 1 | 1 | 0 | 0 | 1 | 0 |"),
        "{md}"
    );
    assert!(md.contains("| `deno` (gone) | 2.9.0 | 2 → — |"), "{md}");
    assert!(
        md.contains("| `reference` (new) | 26.0.0-reference.0.1.0 | — → 1 |"),
        "{md}"
    );
    assert_eq!(md.matches("<details>").count(), 7, "{md}");
    assert_eq!(md.matches("</details>").count(), 7, "{md}");
    assert!(md.contains("<summary>Fixed (now passing): 2</summary>\n\n- `bun` `a/fixed`: ERROR → PASS\n- `node@26` `a/fixed`: FAIL → PASS\n"), "{md}");
    assert!(
        md.contains("- `node@26` `a/broken`: PASS → FAIL — `` event #4: expected `store: 1`, observed `store: undefined` ``\n"),
        "{md}"
    );
    assert!(
        md.contains("- `node@26` `a/alt`: blessed trace → alternative `legacy-order`\n"),
        "{md}"
    );
    assert!(md.contains("- `node@26` `a/removed`: PASS\n"), "{md}");
}

#[test]
fn real_runs_round_trip_and_compare_equal() {
    let project = Project::locate();
    let suite = Suite::load_project(&project).unwrap_or_else(|d| panic!("{d}"));
    let cfg = RunConfig::default();
    let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
    let doc = Results::from_run(cfg.repeat, cfg.timeout, Some(&suite), &runtimes, &records);
    assert_eq!(doc.schema, SCHEMA);
    assert_eq!(doc.results.len(), suite.cases.len());
    assert_eq!(doc.runtimes[0].name, "reference");
    assert_eq!(
        doc.runtimes[0].counts.values().sum::<usize>(),
        suite.cases.len()
    );
    let first = &doc.results[0];
    assert!(!first.title.is_empty() && !first.spec.is_empty());
    assert_eq!(first.trace.last().map(String::as_str), Some("exit 0"));
    let back = Results::parse(Path::new("x.json"), &doc.to_json()).unwrap();
    assert_eq!(back, doc);

    let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
    let again = Results::from_run(cfg.repeat, cfg.timeout, Some(&suite), &runtimes, &records);
    let c = compare(&doc, &again);
    assert!(c.items.is_empty(), "{:?}", c.items);
    assert!(c.to_markdown("a", "b").contains("No case changed."));
    assert!(doc
        .results
        .iter()
        .all(|r| r.status == Status::Pass || !r.summary.is_empty()));
}
