//! Machine-readable output as a user meets it: `--results` (JSON), `--junit` (XML) and
//! `cargo xtask compare` on files written by real runs of a temp copy of the corpus.

use std::process::Command;

use harness::judge::outcome::Status;
use harness::report::results::Results;

mod common;
use common::{copy_dir, finish, real_root, xtask};

#[test]
fn results_and_junit_describe_every_case_and_compare_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    copy_dir(&real_root().join("cases"), &r.join("cases"));
    copy_dir(&real_root().join("spec"), &r.join("spec"));

    let (code, out) = xtask(r, &["conformance", "--results", "out/before.json"]);
    assert!(code == 0 || code == 1, "{out}");
    assert!(out.contains("results written to out/before.json"), "{out}");
    let before = Results::load(&r.join("out/before.json")).unwrap();
    assert_eq!(before.schema, "ah-results/1");
    let total = before.results.len();
    assert!(total > 100, "every case is there: {total}");
    let rt = &before.runtimes[0];
    assert_eq!((rt.name.as_str(), rt.available), ("reference", true));
    assert_eq!(rt.counts.values().sum::<usize>(), total);
    let (pass, fail) = (rt.counts["PASS"], rt.counts["FAIL"]);

    // Break one passing case: its expected trace now says something else.
    let broken = before
        .results
        .iter()
        .find(|c| c.status == Status::Pass && r.join(format!("cases/{}.snap", c.case)).exists())
        .expect("some case passes")
        .case
        .clone();
    let snap = r.join(format!("cases/{broken}.snap"));
    let original = std::fs::read_to_string(&snap).unwrap();
    let (head, body) = original.rsplit_once("---\n").unwrap();
    std::fs::write(&snap, format!("{head}---\nnot this: 1\n{body}")).unwrap();

    let (code, out) = xtask(
        r,
        &[
            "conformance",
            "--results",
            "out/after.json",
            "--junit=out/after.xml",
        ],
    );
    assert_eq!(code, 1, "a case fails: {out}");
    let after = Results::load(&r.join("out/after.json")).unwrap();
    assert_eq!(after.results.len(), total);
    let counts = &after.runtimes[0].counts;
    assert_eq!((counts["PASS"], counts["FAIL"]), (pass - 1, fail + 1));
    let f = after.results.iter().find(|c| c.case == broken).unwrap();
    assert_eq!(f.status, Status::Fail);
    assert!(!f.title.is_empty() && !f.spec.is_empty());
    let d = f.divergence.as_ref().unwrap();
    assert_eq!((d.event, d.expected.as_deref()), (1, Some("not this: 1")));
    assert!(
        f.summary.starts_with("event #1: expected `not this: 1`"),
        "{}",
        f.summary
    );
    assert!(f.detail.contains("--- expected"), "{}", f.detail);
    assert!(!f.trace.is_empty());
    assert!(f.duration_ms >= 0.0);

    let xml = std::fs::read_to_string(r.join("out/after.xml")).unwrap();
    assert_eq!(xml.matches("<testsuite ").count(), 1, "{xml}");
    assert!(
        xml.contains(&format!(
            r#"<testsuite name="reference" tests="{total}" skipped="{}" errors="{}" failures="{}""#,
            counts.get("UNSUPPORTED").copied().unwrap_or(0),
            counts["TIMEOUT"] + counts["CRASH"] + counts["ERROR"],
            fail + 1
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!(
            r#"<testcase name="{broken}" classname="reference""#
        )),
        "{xml}"
    );
    assert!(xml.contains(r#"type="FAIL""#), "{xml}");

    // compare names the one case, as broken one way and fixed the other.
    let (code, md) = xtask(r, &["compare", "out/before.json", "out/after.json"]);
    assert_eq!(code, 0, "{md}");
    assert!(
        md.contains("**0 fixed · 1 broken · 0 new crashes/timeouts · 0 other status changes"),
        "{md}"
    );
    assert!(
        md.contains(&format!("- `reference` `{broken}`: PASS → FAIL — ")),
        "{md}"
    );
    let (code, md) = xtask(r, &["compare", "out/after.json", "out/before.json"]);
    assert_eq!(code, 0, "{md}");
    assert!(
        md.contains("**1 fixed · 0 broken · 0 new crashes/timeouts · 0 other status changes"),
        "{md}"
    );
    assert!(
        md.contains(&format!("- `reference` `{broken}`: FAIL → PASS\n")),
        "{md}"
    );
}

#[test]
fn compare_refuses_bad_input_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    std::fs::write(
        r.join("other.json"),
        r#"{"schema":"ah-results/9","runtimes":[],"results":[]}"#,
    )
    .unwrap();
    let fixture = real_root().join("harness/tests/fixtures/results/old.json");
    let fixture = fixture.to_str().unwrap();
    let (code, out) = xtask(r, &["compare", fixture, "other.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("other.json: results schema `ah-results/9` is not supported"),
        "{out}"
    );
    let (code, out) = xtask(r, &["compare", fixture, "missing.json"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("missing.json: cannot read results file"),
        "{out}"
    );
    let (code, out) = xtask(r, &["compare", fixture]);
    assert_eq!(code, 2, "{out}");
    // A case or a runtime listed twice in one file: no reader guesses which entry counts.
    let twice_case = r#"{"schema":"ah-results/1","runtimes":[{"name":"bun","available":true}],
      "results":[{"runtime":"bun","case":"a/x","spec":[],"status":"PASS"},
                 {"runtime":"bun","case":"a/x","spec":[],"status":"FAIL","summary":"y"}]}"#;
    let twice_runtime = r#"{"schema":"ah-results/1","runtimes":[{"name":"bun","available":true},
      {"name":"bun","available":true}],"results":[]}"#;
    std::fs::write(r.join("twice-case.json"), twice_case).unwrap();
    std::fs::write(r.join("twice-runtime.json"), twice_runtime).unwrap();
    for (file, says) in [
        ("twice-case.json", "case a/x on bun is listed twice"),
        ("twice-runtime.json", "runtime bun is listed twice"),
    ] {
        for args in [
            vec!["compare", fixture, file],
            vec!["merge", "merged.json", file],
        ] {
            let (code, out) = xtask(r, &args);
            assert_eq!(code, 2, "{args:?}: {out}");
            assert!(out.contains(says), "{args:?}: {out}");
        }
    }
    assert!(!r.join("merged.json").exists(), "nothing is written");
}

#[test]
fn unsupported_cases_are_recorded_and_adapter_files_get_their_own_baseline() {
    // The fault fixtures on a "runtime" that is /bin/echo, declared without child_process: the
    // case that needs it is UNSUPPORTED (libtest never runs it, yet it must be in the
    // results), the others crash at once (echo runs no JavaScript).
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    let fixtures = real_root().join("harness/tests/fixtures");
    copy_dir(&fixtures.join("cases"), &r.join("cases"));
    copy_dir(&fixtures.join("spec"), &r.join("spec"));
    std::fs::copy(fixtures.join("features.txt"), r.join("cases/features.txt")).unwrap();
    std::fs::write(
        r.join("echo.toml"),
        "run = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"7.1.2\"]\nbinary = \"/bin/echo\"\nunsupported_features = [\"child_process\"]\n",
    )
    .unwrap();
    let rt = r.join("echo.toml");
    let rt = rt.to_str().unwrap();

    let (_, out) = xtask(
        r,
        &[
            "conformance",
            "--runtime",
            rt,
            "--results",
            "one.json",
            "grandchild",
        ],
    );
    let doc = Results::load(&r.join("one.json")).unwrap_or_else(|e| panic!("{e}\n{out}"));
    let got: Vec<_> = doc
        .results
        .iter()
        .map(|c| (c.case.as_str(), c.status))
        .collect();
    assert_eq!(
        got,
        vec![("faults/grandchild", Status::Unsupported)],
        "{out}"
    );
    assert_eq!(doc.runtimes[0].version.as_deref(), Some("7.1.2"));

    // Filtered out: not recorded.
    let (_, out) = xtask(
        r,
        &[
            "conformance",
            "--runtime",
            rt,
            "--results",
            "none.json",
            "segv",
        ],
    );
    let doc = Results::load(&r.join("none.json")).unwrap_or_else(|e| panic!("{e}\n{out}"));
    assert!(doc.results.iter().all(|c| c.case == "faults/segv"), "{out}");

    let (code, out) = xtask(r, &["conformance", "--runtime", rt, "--update-baseline"]);
    assert_eq!(code, 0, "{out}");
    let files: Vec<String> = std::fs::read_dir(r.join("reports/baselines"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].ends_with(".snap") && !files[0].contains('/'),
        "{files:?}"
    );
    let text = std::fs::read_to_string(r.join("reports/baselines").join(&files[0])).unwrap();
    assert!(
        text.contains(&format!("\nruntime: {rt}\nversion: 7.1.2\n")),
        "{text}"
    );
    assert!(text.contains("\nUNSUPPORTED faults/grandchild: "), "{text}");
    assert!(text.contains("\nCRASH faults/segv: "), "{text}");
    let (code, out) = xtask(r, &["conformance", "--runtime", rt, "--check"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn shards_partition_the_corpus_and_merge_into_one_run() {
    let dir = tempfile::tempdir().unwrap();
    // On the real checkout, as a user runs it there.
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
        c.args(args);
        finish(c)
    };
    let whole = dir.path().join("whole.json");
    let (code, out) = run(&["conformance", "--results", whole.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let mut shard_files = Vec::new();
    let mut total = 0;
    for k in 1..=3 {
        let f = dir.path().join(format!("shard-{k}.json"));
        let shard = format!("{k}/3");
        let (code, out) = run(&[
            "conformance",
            "--shard",
            &shard,
            "--check",
            "--results",
            f.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "shard {shard}: {out}");
        let r = harness::report::results::Results::load(&f).unwrap();
        assert!(!r.results.is_empty(), "shard {shard} ran nothing");
        total += r.results.len();
        shard_files.push(f.to_str().unwrap().to_string());
    }
    let whole_r = harness::report::results::Results::load(&whole).unwrap();
    assert_eq!(
        total,
        whole_r.results.len(),
        "shards must cover every case exactly once"
    );

    let merged = dir.path().join("merged.json");
    let mut args = vec!["merge", merged.to_str().unwrap()];
    args.extend(shard_files.iter().map(String::as_str));
    let (code, out) = run(&args);
    assert_eq!(code, 0, "{out}");
    let m = harness::report::results::Results::load(&merged).unwrap();
    let ids = |r: &harness::report::results::Results| -> Vec<(String, String)> {
        r.results
            .iter()
            .map(|c| (c.runtime.clone(), c.case.clone()))
            .collect()
    };
    assert_eq!(ids(&m), ids(&whole_r));
    assert_eq!(m.runtimes[0].counts, whole_r.runtimes[0].counts);

    // Overlapping inputs are refused.
    let (code, out) = run(&[
        "merge",
        merged.to_str().unwrap(),
        &shard_files[0],
        &shard_files[0],
    ]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("overlap"), "{out}");
    let (code, _) = run(&["conformance", "--shard", "4/3"]);
    assert_eq!(code, 2);
}

#[test]
fn repeated_runs_are_counted_per_trace_and_only_then() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    copy_dir(&real_root().join("cases"), &r.join("cases"));
    copy_dir(&real_root().join("spec"), &r.join("spec"));
    let (code, out) = xtask(r, &["conformance", "--results", "once.json", "als/run/"]);
    assert_eq!(code, 0, "{out}");
    let text = std::fs::read_to_string(r.join("once.json")).unwrap();
    assert!(
        !text.contains("\"runs\"") && !text.contains("\"variants\""),
        "a run without --repeat writes neither field"
    );
    let (code, out) = xtask(
        r,
        &[
            "conformance",
            "--repeat",
            "3",
            "--results",
            "three.json",
            "als/run/",
        ],
    );
    assert_eq!(code, 0, "{out}");
    let three = Results::load(&r.join("three.json")).unwrap();
    assert_eq!(three.run.repeat, 3);
    assert!(!three.results.is_empty());
    for c in &three.results {
        assert_eq!(c.runs, Some(3), "{}", c.case);
        let counts: Vec<u32> = c.variants.iter().map(|v| v.count).collect();
        assert_eq!(counts, [3], "the reference gives one trace: {}", c.case);
        assert_eq!(c.flaky(), None);
    }
}
