//! Baselines as a user meets them: `cargo xtask conformance --check` and `--update-baseline`
//! on a temp copy of the real corpus, run on the embedded reference runtime (the whole corpus
//! takes well under a second there). Behaviour changes are simulated by editing the copy's
//! expected traces and cases; every check must name exactly the cases that changed.

use std::collections::BTreeSet;
use std::path::Path;

use harness::judge::outcome::Status;
use harness::report::baseline::Baseline;

mod common;
use common::{copy_dir, real_root, write, xtask_split as xtask};

/// A checkout with the real cases and spec, and no baselines.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&real_root().join("cases"), &dir.path().join("cases"));
    copy_dir(&real_root().join("spec"), &dir.path().join("spec"));
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

/// IDs of the cases that have an expected trace, sorted.
fn blessed_cases(root: &Path) -> Vec<String> {
    let cases = root.join("cases");
    let mut ids = Vec::new();
    let mut stack = vec![cases.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "snap") {
                let rel = p.strip_prefix(&cases).unwrap().with_extension("");
                ids.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    ids.sort();
    ids
}

/// Number of case files in the copy.
fn case_count(root: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![root.join("cases")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                n += 1;
            }
        }
    }
    n
}

/// The copy's baseline as the harness reads it.
fn baseline_of(root: &Path) -> Baseline {
    Baseline::parse(Path::new(BASELINE), &read(root, BASELINE)).unwrap()
}

/// Cases with an expected trace that the baseline does not list: they pass today. The tests
/// change those, so that they hold whatever the corpus's state on the reference runtime.
fn passing_cases(root: &Path) -> Vec<String> {
    let b = baseline_of(root);
    blessed_cases(root)
        .into_iter()
        .filter(|id| !b.entries.contains_key(id))
        .collect()
}

/// `PASS` and `FAIL` counts of the copy's baseline.
fn pass_fail(root: &Path) -> (usize, usize) {
    let c = baseline_of(root).counts();
    (c.get(Status::Pass), c.get(Status::Fail))
}

/// Make the expected trace of a case say something the runtime does not do: a FAIL.
fn change_expectation(root: &Path, id: &str) -> String {
    let rel = format!("cases/{id}.snap");
    let original = read(root, &rel);
    let (header, body) = original.rsplit_once("---\n").unwrap();
    write(
        root,
        &rel,
        &format!("{header}---\nsomething else entirely: 1\n{body}"),
    );
    original
}

/// The case IDs a check report names under `heading`.
fn listed(out: &str, heading: &str) -> Vec<String> {
    let mut lines = out
        .lines()
        .skip_while(|l| !l.starts_with(&format!("  {heading} (")));
    if lines.next().is_none() {
        return Vec::new();
    }
    lines
        .take_while(|l| l.starts_with("    "))
        .map(|l| l.trim().split(' ').next().unwrap().to_string())
        .collect()
}

/// Every case ID the check report names, under any heading (libtest's own list of failures
/// before it is indented the same way, so the report starts at its first line).
fn all_named(out: &str) -> BTreeSet<String> {
    out.lines()
        .skip_while(|l| !l.starts_with("baseline check: "))
        .filter(|l| l.starts_with("    "))
        .map(|l| l.trim().split(' ').next().unwrap().to_string())
        .collect()
}

/// The first requirement ID of the copied spec, for cases written by the tests.
fn some_requirement(root: &Path) -> String {
    let mut files: Vec<_> = std::fs::read_dir(root.join("spec"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        for l in std::fs::read_to_string(f).unwrap().lines() {
            if let Some(rest) = l.strip_prefix("### ") {
                return rest.split_whitespace().next().unwrap().to_string();
            }
        }
    }
    panic!("the spec has no requirement");
}

const BASELINE: &str = "reports/baselines/reference.snap";

#[test]
fn check_without_a_baseline_is_exit_2_and_says_how_to_create_one() {
    let root = checkout();
    let (code, out, err) = xtask(root.path(), &["conformance", "--check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "{BASELINE}: no baseline for runtime reference; create it with `cargo xtask conformance --runtime reference --update-baseline`"
        )),
        "{err}"
    );
    assert!(!out.contains("running "), "nothing may run: {out}");
    assert!(!root.path().join("reports").exists(), "nothing is written");
}

#[test]
fn a_behaviour_change_fails_the_check_naming_exactly_the_changed_cases() {
    let root = checkout();
    let r = root.path();
    let total = case_count(r);

    // A plain run writes nothing.
    let (code, _, err) = xtask(r, &["conformance"]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(!r.join("reports").exists());

    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!(
            "baseline: reference: wrote {BASELINE} ({total} cases: "
        )),
        "{out}"
    );
    let first = read(r, BASELINE);
    assert!(first.starts_with("---\n"), "insta format: {first}");
    assert!(first.contains("\nruntime: reference\nversion: "), "{first}");
    assert!(
        first.contains(&format!("\ncases: {total}\nPASS: ")),
        "{first}"
    );
    let (pass, fail) = pass_fail(r);
    let no_temp: Vec<_> = std::fs::read_dir(r.join("reports/baselines"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        no_temp,
        vec!["reference.snap"],
        "no temp file is left behind"
    );

    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains(&format!("baseline check: reference: matches {BASELINE}")),
        "{out}"
    );

    // Two cases now fail: the check names those two and nothing else, and writes nothing.
    let ids = passing_cases(r);
    let (a, b) = (ids[0].clone(), ids[ids.len() / 2].clone());
    let original_a = change_expectation(r, &a);
    change_expectation(r, &b);
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains(&format!(
            "baseline check: reference: FAILED, 2 cases differ from {BASELINE}"
        )),
        "{out}"
    );
    assert_eq!(
        listed(&out, "Broken (passed before)"),
        vec![a.clone(), b.clone()],
        "{out}"
    );
    assert_eq!(
        all_named(&out),
        BTreeSet::from([a.clone(), b.clone()]),
        "{out}"
    );
    assert!(
        out.contains("(was PASS, now FAIL): event #1: expected `something else entirely: 1`"),
        "{out}"
    );
    assert!(
        out.contains(
            "accept it with `cargo xtask conformance --runtime reference --update-baseline`"
        ),
        "{out}"
    );
    assert_eq!(read(r, BASELINE), first, "--check writes nothing");

    // Accept the new state: the baseline lists both, and the check passes again.
    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        listed(&out, "Broken (passed before)"),
        vec![a.clone(), b.clone()],
        "the update says what it records: {out}"
    );
    let second = read(r, BASELINE);
    assert!(
        second.contains(&format!("\nPASS: {}\nFAIL: {}\n", pass - 2, fail + 2)),
        "{second}"
    );
    assert!(
        second.contains(&format!(
            "\nFAIL {a}: event #1: expected `something else entirely: 1`, observed "
        )),
        "{second}"
    );
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "known failures pass the check: {out}{err}");
    // An update with nothing new leaves the file alone.
    let (code, out, _) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0);
    assert!(out.contains("is up to date"), "{out}");

    // One of them is fixed: an unexpected pass fails the check too (the entry is stale).
    write(r, &format!("cases/{a}.snap"), &original_a);
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        listed(&out, "Fixed (now passing)"),
        vec![a.clone()],
        "{out}"
    );
    assert_eq!(all_named(&out), BTreeSet::from([a.clone()]), "{out}");
    assert!(
        out.contains(&format!("    {a} (was FAIL, now PASS)\n")),
        "{out}"
    );

    // A filtered run checks only what it ran: `b` alone still matches its entry.
    let (code, out, err) = xtask(r, &["conformance", "--check", "--exact", &b]);
    assert_eq!(code, 0, "{out}{err}");
    // ... and a filtered update keeps the entries of the cases it did not run.
    let (code, out, err) = xtask(r, &["conformance", "--update-baseline", "--exact", &a]);
    assert_eq!(code, 0, "{out}{err}");
    let third = read(r, BASELINE);
    assert!(!third.contains(&format!("FAIL {a}:")), "{third}");
    assert!(third.contains(&format!("FAIL {b}:")), "{third}");
    assert!(
        third.contains(&format!(
            "\ncases: {total}\nPASS: {}\nFAIL: {}\n",
            pass - 1,
            fail + 1
        )),
        "{third}"
    );
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn crashes_timeouts_removed_and_added_cases_are_each_named() {
    let root = checkout();
    let r = root.path();
    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    let ids = passing_cases(r);
    let total = case_count(r);

    // A case that fails, then disappears: a stale entry.
    let gone = ids[1].clone();
    change_expectation(r, &gone);
    let (code, _, _) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0);
    std::fs::remove_file(r.join(format!("cases/{gone}.yaml"))).unwrap();
    std::fs::remove_file(r.join(format!("cases/{gone}.snap"))).unwrap();

    // Two new cases: one hangs, one is a script the runtime rejects.
    let req = some_requirement(r);
    write(
        r,
        "cases/zz-new/hang.yaml",
        &format!("title: never ends\nspec: [{req}]\nfeatures: []\ntimeout_ms: 300\nscript: |\n  trace('spinning');\n  setTimeout(() => {{ for (;;) {{}} }}, 0);\n"),
    );
    write(
        r,
        "cases/zz-new/rejected.yaml",
        &format!("title: does not parse\nspec: [{req}]\nfeatures: []\nscript: |\n  trace('x'; )\n"),
    );
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(
        listed(&out, "New crashes and timeouts"),
        vec!["zz-new/hang", "zz-new/rejected"],
        "{out}"
    );
    assert_eq!(listed(&out, "Cases removed"), vec![gone.clone()], "{out}");
    assert_eq!(
        all_named(&out),
        BTreeSet::from([
            "zz-new/hang".to_string(),
            "zz-new/rejected".to_string(),
            gone.clone()
        ]),
        "{out}"
    );
    assert!(
        out.contains("timed out after event #1 `spinning:`"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "the corpus has {} cases, the baseline counted {total}",
            total + 1
        )),
        "{out}"
    );

    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    let text = read(r, BASELINE);
    assert!(
        text.contains("\nTIMEOUT zz-new/hang: timed out after event #1 `spinning:`\n"),
        "{text}"
    );
    assert!(text.contains("\nCRASH zz-new/rejected: "), "{text}");
    assert!(!text.contains(&gone), "{text}");
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_version_change_alone_passes_and_is_reported() {
    let root = checkout();
    let r = root.path();
    let (code, _, _) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0);
    let text = read(r, BASELINE);
    let version_line = text
        .lines()
        .find(|l| l.starts_with("version: "))
        .unwrap()
        .to_string();
    write(
        r,
        BASELINE,
        &text.replace(&version_line, "version: 0.0.1-old"),
    );
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("note: version 0.0.1-old in the baseline"),
        "{out}"
    );
    assert!(
        out.contains("a version change alone does not fail the check"),
        "{out}"
    );
}

#[test]
fn a_corrupted_baseline_is_located_and_nothing_runs() {
    let root = checkout();
    let r = root.path();
    write(
        r,
        BASELINE,
        "---\nsource: x\n---\nruntime: reference\ncases: 3\nFIAL a/b: x\n",
    );
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains(&format!(
            "{BASELINE}:6:1: corrupted baseline: unexpected line `FIAL a/b: x`"
        )),
        "{err}"
    );
    assert!(!out.contains("running "), "{out}");
    // A baseline of another runtime under this name is refused too.
    write(r, BASELINE, "---\nsource: x\n---\nruntime: bun\ncases: 3\n");
    let (code, _, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("this baseline is for runtime `bun`, not `reference`"),
        "{err}"
    );
}

#[test]
fn check_and_update_together_are_a_usage_error() {
    let root = checkout();
    let (code, _, err) = xtask(
        root.path(),
        &["conformance", "--check", "--update-baseline"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot be combined"), "{err}");
    let (code, _, err) = xtask(root.path(), &["conformance", "--results"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--results needs a file name"), "{err}");
}

#[test]
fn the_committed_reference_baseline_matches_the_corpus() {
    // The checkout's own baseline is kept current: adding, fixing or breaking a case on the
    // reference runtime means updating reports/baselines/reference.snap in the same change.
    let root = real_root();
    let (code, out, err) = xtask(&root, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// Under `--check`, a run that matches its baseline reads green: each known failure is one
/// line, libtest's closing line is `ok`, and no diff is printed; `--verbose` prints the whole
/// report of each known failure. A case that differs from its entry is reported in full.
#[test]
fn a_matching_check_reads_green_with_one_line_per_known_failure() {
    let root = checkout();
    let r = root.path();
    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");
    let victims: Vec<String> = passing_cases(r).into_iter().take(2).collect();
    for id in &victims {
        change_expectation(r, id);
    }
    let (code, out, err) = xtask(r, &["conformance", "--update-baseline"]);
    assert_eq!(code, 0, "{out}{err}");

    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    for id in &victims {
        let lines: Vec<&str> = all
            .lines()
            .filter(|l| {
                l.starts_with("known FAIL (baseline): [reference] ") && l.contains(id.as_str())
            })
            .collect();
        assert_eq!(lines.len(), 1, "one line for {id}:\n{all}");
    }
    assert!(all.contains("test result: ok."), "{all}");
    assert!(!all.contains("test result: FAILED"), "{all}");
    assert!(
        !all.contains("--- expected"),
        "no diff for a known failure:\n{all}"
    );
    assert!(all.contains("baseline check: reference: matches"), "{all}");

    let (code, out, err) = xtask(r, &["conformance", "--check", "--verbose"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("--- expected"),
        "--verbose shows the diffs"
    );

    // The first victim now fails differently: that one is reported in full and fails.
    let rel = format!("cases/{}.snap", victims[0]);
    let text = read(r, &rel).replace("something else entirely: 1", "something else again: 2");
    write(r, &rel, &text);
    let (code, out, err) = xtask(r, &["conformance", "--check"]);
    assert_eq!(code, 1, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(
        all.contains("differs from the baseline, which lists it as FAIL"),
        "{all}"
    );
    assert!(all.contains("test result: FAILED. "), "{all}");
}
