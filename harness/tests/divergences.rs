//! The divergence register (`spec/divergences.md`) must explain every case that a committed
//! baseline (`reports/baselines/*.snap`) records as not passing.
//!
//! Convention, also stated at the top of the register: a **runtime section** starts at a heading
//! (`##` to `######`) whose text begins with the word `Runtime` or `Runtimes` and names one or
//! more runtimes in backquotes, e.g. ``## Runtime `bun` 1.4.5``. It ends at the next heading of
//! the same or a higher level (as many `#` or fewer), so its causes can use deeper headings. A
//! case counts as explained for a runtime when its ID appears as a backquoted span, e.g.
//! `` `als/paths/abort-signal-timeout` ``, inside a section naming that runtime.
//!
//! The checks:
//! - every non-passing case of every baseline is explained for its runtime;
//! - the reference runtime and `node@26`, which define the expected traces, have no
//!   non-passing case at all, except that the reference reports UNSUPPORTED the cases that need
//!   a module it does not model (`harness::exec::reference::UNSUPPORTED`; their snapshots were
//!   blessed from `node@26`). `node@24` is held to the rule above: a failure there must be
//!   explained, and Part 2 of the register says why Node 24 may differ;
//! - every backquoted case ID in the register names a case of the corpus (no stale entries after
//!   a rename);
//! - the register defines no requirement: IDs live in the area files only.

use std::collections::BTreeSet;
use std::path::Path;

use harness::input::project::{Project, Suite};
use harness::input::register::{code_spans, Register};
use harness::input::spec::SpecIndex;
use harness::judge::outcome::Status;
use harness::report::baseline::{self, Baseline, Entry};

const REGISTER: &str = "spec/divergences.md";

/// Runtimes whose baselines must be empty: the expected traces are theirs.
const NORMATIVE: &[&str] = &["reference", "node@26"];

/// One line per non-passing case of `baselines` that the register does not explain.
/// `unmodelled` holds the cases the reference may report UNSUPPORTED.
fn unexplained(
    register: &str,
    baselines: &[Baseline],
    unmodelled: &BTreeSet<String>,
) -> Vec<String> {
    let reg = Register::parse(register);
    let mut problems = Vec::new();
    for b in baselines {
        if NORMATIVE.contains(&b.runtime.as_str()) {
            for id in b.flaky.keys() {
                problems.push(format!(
                    "{}: {id} is recorded as flaky; the normative runtimes must give the same trace every run",
                    b.runtime
                ));
            }
            for (id, e) in &b.entries {
                if b.runtime == "reference"
                    && e.status == Status::Unsupported
                    && unmodelled.contains(id)
                {
                    continue;
                }
                problems.push(format!(
                    "{}: {id} is {} ({}); the normative runtimes must pass every case",
                    b.runtime,
                    e.status.as_str(),
                    e.summary
                ));
            }
            continue;
        }
        let named = reg.sections.iter().any(|s| s.runtimes.contains(&b.runtime));
        let mentioned = reg.mentioned(&b.runtime);
        let known = named.then_some(&mentioned);
        // A flaky case the baseline lists is explained like a failing one.
        let flaky = b
            .flaky
            .iter()
            .filter(|(id, _)| !b.entries.contains_key(*id))
            .map(|(id, f)| {
                let e = Entry {
                    status: Status::Pass,
                    summary: format!("flaky, {}", f.rate.as_str()),
                };
                (id, e)
            })
            .collect::<Vec<_>>();
        for (id, e) in b.entries.iter().chain(flaky.iter().map(|(id, e)| (*id, e))) {
            if known.is_some_and(|ids| ids.contains(id.as_str())) {
                continue;
            }
            let why = if known.is_none() {
                format!("no `Runtime` section names `{}`", b.runtime)
            } else {
                format!("not mentioned in the sections naming `{}`", b.runtime)
            };
            problems.push(format!(
                "{}: {id} ({} {}): {why}",
                b.runtime,
                e.status.as_str(),
                e.summary
            ));
        }
    }
    problems
}

/// Backquoted spans that look like case IDs (a corpus top-level directory, a slash, more) but
/// name no case.
fn unknown_case_ids(register: &str, ids: &BTreeSet<String>) -> Vec<String> {
    let dirs: BTreeSet<&str> = ids.iter().filter_map(|i| i.split('/').next()).collect();
    let mut out = BTreeSet::new();
    for (n, line) in register.lines().enumerate() {
        for span in code_spans(line) {
            let Some((dir, rest)) = span.split_once('/') else {
                continue;
            };
            let shaped = !rest.is_empty()
                && !span.ends_with('/')
                && span
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c));
            if dirs.contains(dir) && shaped && !ids.contains(span) {
                out.insert(format!("line {}: `{span}` is not a case", n + 1));
            }
        }
    }
    out.into_iter().collect()
}

/// The cases that need a module the reference does not model.
fn unmodelled(project: &Project) -> BTreeSet<String> {
    let suite =
        Suite::load_project(project).unwrap_or_else(|d| panic!("the corpus does not load:\n{d}"));
    suite
        .cases
        .iter()
        .filter(|c| {
            c.features
                .iter()
                .any(|f| harness::exec::reference::UNSUPPORTED.contains(&f.as_str()))
        })
        .map(|c| c.id.clone())
        .collect()
}

fn read_baselines(root: &Path) -> Vec<Baseline> {
    let dir = root.join(baseline::DIR);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", f.display()));
            Baseline::parse(f, &text).unwrap_or_else(|d| panic!("{d}"))
        })
        .collect()
}

fn register(root: &Path) -> String {
    let p = root.join(REGISTER);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

#[test]
fn every_baseline_failure_is_in_the_register() {
    let project = Project::locate();
    let baselines = read_baselines(&project.root);
    assert!(
        baselines.iter().any(|b| b.runtime == "reference"),
        "no reference baseline in {}",
        baseline::DIR
    );
    let problems = unexplained(&register(&project.root), &baselines, &unmodelled(&project));
    assert!(
        problems.is_empty(),
        "{REGISTER} does not explain {} non-passing case(s); add each ID, backquoted, under the \
         cause it shows in the runtime's section (see the convention at the top of the file):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_register_names_only_existing_cases() {
    let project = Project::locate();
    let suite =
        Suite::load_project(&project).unwrap_or_else(|d| panic!("the corpus does not load:\n{d}"));
    let ids: BTreeSet<String> = suite.cases.iter().map(|c| c.id.clone()).collect();
    let stale = unknown_case_ids(&register(&project.root), &ids);
    assert!(
        stale.is_empty(),
        "{REGISTER} names cases that do not exist (renamed or removed?):\n{}",
        stale.join("\n")
    );
}

#[test]
fn the_register_defines_no_requirement() {
    let project = Project::locate();
    let mut index = SpecIndex::default();
    let diags = index.add_file(Path::new(REGISTER), &register(&project.root));
    let defined: Vec<String> = index
        .requirements()
        .map(|r| format!("{} (line {})", r.id, r.line))
        .collect();
    assert!(
        defined.is_empty() && diags.is_empty(),
        "{REGISTER} must not hold requirement headings (`### AREA-ID`); they belong in the area \
         files: {defined:?} {diags}"
    );
}

#[test]
fn a_failure_missing_from_the_register_is_reported() {
    let project = Project::locate();
    let text = register(&project.root);
    let baselines = read_baselines(&project.root);
    // Take one explained failure and drop every mention of it from the register. (With no
    // failure anywhere there is nothing to drop; the synthetic test below still runs.)
    let Some((runtime, id)) = baselines
        .iter()
        .filter(|b| !NORMATIVE.contains(&b.runtime.as_str()))
        .flat_map(|b| {
            b.entries
                .keys()
                .map(move |id| (b.runtime.clone(), id.clone()))
        })
        .next()
    else {
        return;
    };
    let without = text.replace(&format!("`{id}`"), "`(removed)`");
    let problems = unexplained(&without, &baselines, &unmodelled(&project));
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with(&format!("{runtime}: {id} "))),
        "removing `{id}` went unnoticed: {problems:?}"
    );
}

#[test]
fn sections_follow_the_heading_convention() {
    let text = "\
# Register
## Runtime `a` 1.0
`x/one` and `x/two`.
### A cause
`x/three`
## Runtimes `b` and `c`
`x/four`
#### Deeper
`x/five`
## Part 4
`x/six`
```
## Runtime `d`
```
";
    let r = Register::parse(text);
    let ids = |rt: &str| r.mentioned(rt);
    assert!(ids("a").contains("x/one") && ids("a").contains("x/three"));
    assert!(!ids("a").contains("x/four"));
    assert!(ids("b").contains("x/five") && ids("c").contains("x/four"));
    assert!(!ids("b").contains("x/six"));
    assert!(
        !r.sections
            .iter()
            .any(|s| s.runtimes.iter().any(|n| n == "d")),
        "headings inside code fences do not count"
    );
}

fn baseline(runtime: &str, failing: &[&str]) -> Baseline {
    Baseline {
        runtime: runtime.into(),
        version: "1".into(),
        total: 10,
        entries: failing
            .iter()
            .map(|id| {
                let e = Entry {
                    status: Status::Fail,
                    summary: "event #1: expected `a`, observed `b`".into(),
                };
                (id.to_string(), e)
            })
            .collect(),
        flaky: Default::default(),
    }
}

#[test]
fn unexplained_names_each_missing_case_and_any_normative_failure() {
    let register = "\
## Runtime `bun` 1
- Cases: `x/explained`.
## Runtime `deno` 1
- Cases: `x/other`.
";
    let problems = unexplained(
        register,
        &[
            baseline("bun", &["x/explained", "x/other"]),
            baseline("deno", &["x/other"]),
            baseline("workerd", &["x/explained"]),
            baseline("node@26", &["x/explained"]),
            unsupported("reference", &["x/needs-worker", "x/needs-nothing"]),
            unsupported("node@26", &["x/needs-worker"]),
        ],
        &BTreeSet::from(["x/needs-worker".to_string()]),
    );
    assert_eq!(problems.len(), 5, "{problems:#?}");
    assert!(
        problems[0].starts_with("bun: x/other (FAIL "),
        "{problems:#?}"
    );
    assert!(problems[0].ends_with("not mentioned in the sections naming `bun`"));
    assert!(
        problems[1].starts_with("workerd: x/explained "),
        "{problems:#?}"
    );
    assert!(problems[1].ends_with("no `Runtime` section names `workerd`"));
    assert!(
        problems[2].starts_with("node@26: x/explained is FAIL"),
        "{problems:#?}"
    );
    // The reference may skip a case of a module it does not model, and only the reference.
    assert!(
        problems[3].starts_with("reference: x/needs-nothing is UNSUPPORTED"),
        "{problems:#?}"
    );
    assert!(
        problems[4].starts_with("node@26: x/needs-worker is UNSUPPORTED"),
        "{problems:#?}"
    );
}

fn unsupported(runtime: &str, ids: &[&str]) -> Baseline {
    let mut b = baseline(runtime, ids);
    for e in b.entries.values_mut() {
        e.status = Status::Unsupported;
    }
    b
}

/// Every failure a baseline lists has a cause: the register lists it under `- Cases` of a cause
/// heading in its runtime's section, so a report can say why it fails, not only that it is
/// mentioned somewhere.
#[test]
fn every_baseline_failure_has_a_cause_heading() {
    let project = Project::locate();
    let reg = Register::parse(&register(&project.root));
    let mut missing = Vec::new();
    for b in read_baselines(&project.root) {
        if NORMATIVE.contains(&b.runtime.as_str()) {
            continue;
        }
        for id in b.entries.keys() {
            if reg.causes(&b.runtime, id).is_empty() {
                missing.push(format!("{}: {id}", b.runtime));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{REGISTER}: these failures are mentioned but listed under no cause's `- Cases` item:\n{}",
        missing.join("\n")
    );
}

/// The counts a runtime section states (`89 of 287 cases fail`) are those of its baseline, so
/// the register cannot go stale when a baseline moves.
#[test]
fn the_registers_stated_counts_match_the_baselines() {
    let project = Project::locate();
    let reg = Register::parse(&register(&project.root));
    let baselines = read_baselines(&project.root);
    let mut wrong = Vec::new();
    let mut checked = 0;
    for s in &reg.sections {
        let (Some((failing, total)), [runtime]) = (s.stated_counts, s.runtimes.as_slice()) else {
            continue;
        };
        let Some(b) = baselines.iter().find(|b| &b.runtime == runtime) else {
            continue;
        };
        checked += 1;
        // "N of M cases fail" counts the failures; UNSUPPORTED cases are stated apart.
        let failures = b
            .entries
            .values()
            .filter(|e| e.status != Status::Unsupported)
            .count();
        if (failing, total) != (failures, b.total) {
            wrong.push(format!(
                "line {}: `{runtime}` says {failing} of {total} cases fail; its baseline says {failures} of {}",
                s.line,
                b.total
            ));
        }
    }
    assert!(checked >= 3, "only {checked} sections state counts");
    assert!(
        wrong.is_empty(),
        "{REGISTER}: stale counts:\n{}",
        wrong.join("\n")
    );
}

/// A failure printed in the terminal carries its rules and the register's cause for that
/// runtime, and the same case on a runtime whose section does not list it carries no cause.
#[test]
fn a_failure_report_names_rules_and_the_registers_cause() {
    let project = Project::locate();
    let suite =
        Suite::load_project(&project).unwrap_or_else(|d| panic!("the corpus does not load:\n{d}"));
    let bun = read_baselines(&project.root)
        .into_iter()
        .find(|b| b.runtime == "bun")
        .expect("a bun baseline");
    let (id, _) = bun.entries.iter().next().expect("bun fails some case");
    let case = suite
        .cases
        .iter()
        .find(|c| &c.id == id)
        .expect("case in corpus");
    let text = harness::exec::runner::why(&suite, "bun", case);
    let cause = &suite.register.causes("bun", id)[0];
    assert!(
        text.contains(&format!(
            "known cause (spec/divergences.md, line {}): {}",
            cause.line, cause.title
        )),
        "{text}"
    );
    for rid in &case.spec {
        let rule = &suite.spec.get(rid).expect("known requirement").title;
        assert!(
            text.contains(&format!("requirement {rid}: {rule}")),
            "{text}"
        );
    }
    let on_node = harness::exec::runner::why(&suite, "node@26", case);
    assert!(!on_node.contains("known cause"), "{on_node}");
}

/// The cases a baseline records as flaky whose register text gives no measured rate: a list
/// item (`- ...` and its continuation lines) that names the case, backquoted, and says how many
/// of how many runs differed (`3 of 20 runs`).
fn flaky_without_rate(register: &str, baselines: &[Baseline]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    for line in register.lines() {
        let t = line.trim_start();
        if t.starts_with("- ") || items.is_empty() || t.is_empty() || t.starts_with('#') {
            items.push(String::new());
        }
        if let Some(last) = items.last_mut() {
            last.push_str(t);
            last.push(' ');
        }
    }
    let rate = |item: &str| {
        let words: Vec<&str> = item.split_whitespace().collect();
        words.windows(4).any(|w| {
            w[0].chars().all(|c| c.is_ascii_digit())
                && w[1] == "of"
                && w[2].chars().all(|c| c.is_ascii_digit())
                && w[3].starts_with("run")
        })
    };
    let mut problems = Vec::new();
    for b in baselines {
        for id in b.flaky.keys() {
            let quoted = format!("`{id}`");
            if !items.iter().any(|i| i.contains(&quoted) && rate(i)) {
                problems.push(format!(
                    "{}: {id} is flaky in its baseline, and no list item of the register names it with a measured rate (`k of N runs`)",
                    b.runtime
                ));
            }
        }
    }
    problems
}

#[test]
fn a_flaky_case_needs_its_measured_rate_in_the_register() {
    let mut b = baseline("deno", &["x/a"]);
    let rare = "---\n---\nruntime: deno\ncases: 10\nFAIL x/a: e\nFLAKY rare x/a: PASS\nFLAKY often x/b: CRASH killed\n";
    b.flaky = Baseline::parse(Path::new("b.snap"), rare).unwrap().flaky;
    let register = "## Runtime `deno` 1\n- `x/a` passed in 2 of 20 runs on\n  2026-12-05.\n- `x/b` varies a lot.\n";
    let problems = flaky_without_rate(register, &[b.clone()]);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].starts_with("deno: x/b is flaky"),
        "{problems:#?}"
    );
    // On a normative runtime a flaky case is a problem whatever the register says.
    b.runtime = "node@26".into();
    let problems = unexplained(register, &[b], &BTreeSet::new());
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("node@26: x/b is recorded as flaky")),
        "{problems:#?}"
    );
}

#[test]
fn every_flaky_case_has_a_measured_rate() {
    let project = Project::locate();
    let problems = flaky_without_rate(&register(&project.root), &read_baselines(&project.root));
    assert!(
        problems.is_empty(),
        "{REGISTER}: give each flaky case its measured rate (how many of how many runs differed, \
         when, quiet or loaded) in its runtime's Flaky paragraph:\n{}",
        problems.join("\n")
    );
}
