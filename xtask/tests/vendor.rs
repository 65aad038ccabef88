//! The vendor guide's workflow, run as a vendor would: an adapter file with a declared `name`
//! and a baseline kept in the vendor's own repository (`--baseline`), outside this checkout.
//!
//! The runtime is the pinned Node 26 (installed on first use), described by an adapter file of
//! the vendor's; the checkout is a temp copy with two areas of cases, so that a first baseline
//! (which needs a run of every case) takes a second. The vendor's "repository" is another temp
//! directory. Also here: the adapter-file checks that stop a run before anything runs.

use std::path::{Path, PathBuf};
use std::process::Command;

use harness::exec::runtimes::Registry;
use harness::report::results::Results;

mod common;
use common::{copy_dir, finish, real_root, write, xtask};

/// The areas of the corpus the checkout copy holds.
const AREAS: [&str; 2] = ["als/run", "als/constructor"];

/// A checkout with a few areas of the real cases, the real spec, and no baselines.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let cases = dir.path().join("cases");
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::copy(
        real_root().join("cases/features.txt"),
        cases.join("features.txt"),
    )
    .unwrap();
    for area in AREAS {
        copy_dir(&real_root().join("cases").join(area), &cases.join(area));
    }
    copy_dir(&real_root().join("spec"), &dir.path().join("spec"));
    dir
}

/// The pinned Node 26 binary, installed if it is not yet.
fn node26() -> PathBuf {
    let registry = Registry::load(&real_root()).unwrap();
    let resolved = registry.resolve("node@26").unwrap();
    registry.ensure_installed(&resolved).unwrap();
    resolved.binary
}

/// An adapter file of the vendor's for the pinned Node 26, with `name` when one is given.
fn adapter_text(name: Option<&str>, extra: &str) -> String {
    let name = name
        .map(|n| format!("name = \"{n}\"\n"))
        .unwrap_or_default();
    format!(
        "# The vendor's runtime: Node 26 under another name.\n{name}description = \"Vendor Node\"\nrun = [\"{{bin}}\", \"{{file}}\"]\nversion = [\"{{bin}}\", \"--version\"]\nbinary = \"{}\"\n{extra}",
        node26().display()
    )
}

/// `cargo xtask ARGS` on the checkout `root`, run from the directory `cwd`.
fn xtask_in(root: &Path, cwd: &Path, args: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.args(args).env("AH_PROJECT_ROOT", root).current_dir(cwd);
    finish(c)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn a_vendor_keeps_its_baseline_in_its_own_repository_under_its_own_name() {
    let root = checkout();
    let root = root.path();
    let vendor = tempfile::tempdir().unwrap();
    let vendor = vendor.path();
    let adapter = vendor.join("vendor-node.toml");
    std::fs::write(&adapter, adapter_text(Some("vendor-node"), "")).unwrap();
    let baselines = vendor.join("baselines");
    let results = vendor.join("results.json");

    // The first baseline: a run of every case of the (small) corpus.
    let (code, out) = xtask(
        root,
        &[
            "conformance",
            "--runtime",
            s(&adapter),
            "--baseline",
            s(&baselines),
            "--update-baseline",
            "--results",
            s(&results),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("baseline: vendor-node: wrote"), "{out}");
    assert!(!out.contains("declares no `name`"), "{out}");
    let file = baselines.join("vendor-node.snap");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\nruntime: vendor-node\n"), "{text}");
    // Its description names the command that refreshes it where it is, not in the checkout.
    let refresh = format!(
        "Update with `cargo xtask conformance --runtime {} --baseline {} --update-baseline`.",
        s(&adapter),
        s(&baselines)
    );
    assert!(text.contains(&refresh), "{text}");
    let run = Results::load(&results).unwrap();
    let names: Vec<&str> = run.runtimes.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["vendor-node"]);
    assert!(!run.results.is_empty());
    assert!(
        run.results.iter().all(|r| r.runtime == "vendor-node"),
        "{:?}",
        run.results.first()
    );

    // The check on a filtered run matches the baseline.
    let (code, out) = xtask(
        root,
        &[
            "conformance",
            "--runtime",
            s(&adapter),
            "--baseline",
            s(&baselines),
            "--check",
            "als/run",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("baseline check: vendor-node: matches"),
        "{out}"
    );

    // The same adapter file by relative paths, from the vendor's repository, finds the same
    // baseline (the check would exit 2 on a missing one) and writes no other.
    let here = vendor.file_name().unwrap().to_str().unwrap();
    let roundabout = format!("../{here}/../{here}/vendor-node.toml");
    for given in ["vendor-node.toml", "./vendor-node.toml", &roundabout] {
        let (code, out) = xtask_in(
            root,
            vendor,
            &[
                "conformance",
                "--runtime",
                given,
                "--baseline",
                "baselines",
                "--check",
            ],
        );
        assert_eq!(code, 0, "{given}: {out}");
        assert!(
            out.contains("baseline check: vendor-node: matches"),
            "{given}: {out}"
        );
    }
    let listed: Vec<_> = std::fs::read_dir(&baselines)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(listed, ["vendor-node.snap"]);

    // A behaviour changes: one expected trace of the copy no longer matches what runs.
    let snap = root.join("cases/als/run/returns-value.snap");
    let expected = std::fs::read_to_string(&snap).unwrap();
    let broken = expected.replacen("\nexit 0", "\nan event that never happens\nexit 0", 1);
    assert_ne!(broken, expected, "the snapshot ends with the exit line");
    std::fs::write(&snap, broken).unwrap();
    let (code, out) = xtask_in(
        root,
        vendor,
        &[
            "conformance",
            "--runtime",
            "./vendor-node.toml",
            "--baseline",
            "baselines",
            "--check",
            "als/run",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("baseline check: vendor-node: FAILED, 1 case differs"),
        "{out}"
    );
    assert!(out.contains("    als/run/returns-value"), "{out}");
    // What to run to accept it points at the vendor's baseline, by the path typed.
    assert!(
        out.contains("`cargo xtask conformance --runtime ./vendor-node.toml --baseline baselines --update-baseline`"),
        "{out}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "a check writes nothing"
    );

    // The report of the run, for the job summary.
    let report = vendor.join("report");
    let (code, out) = xtask(
        root,
        &["report", "--results", s(&results), "--out", s(&report)],
    );
    assert_eq!(code, 0, "{out}");
    let md = std::fs::read_to_string(report.join("matrix.md")).unwrap();
    assert!(md.contains("vendor-node"), "{md}");

    // Nothing reached the checkout's baselines, nor the real checkout's.
    assert!(!root.join("reports/baselines").exists());
    assert!(!real_root()
        .join("reports/baselines/vendor-node.snap")
        .exists());
}

#[test]
fn a_misspelt_unsupported_feature_stops_the_run_at_its_place() {
    let root = checkout();
    let vendor = tempfile::tempdir().unwrap();
    let adapter = vendor.path().join("typo.toml");
    let text = adapter_text(Some("typo-node"), "unsupported_features = [\"htp\"]\n");
    std::fs::write(&adapter, &text).unwrap();
    let line = text.lines().count();
    let col = "unsupported_features = [".len() + 1;
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", s(&adapter)]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "error: {}:{line}:{col}: unknown feature `htp` in `unsupported_features`; did you mean `http`?",
            adapter.display()
        )),
        "{out}"
    );
    assert!(!out.contains("test result"), "nothing ran: {out}");
}

#[test]
fn an_adapter_file_without_a_name_is_named_by_its_path_with_a_note() {
    let root = checkout();
    let vendor = tempfile::tempdir().unwrap();
    write(vendor.path(), "plain.toml", &adapter_text(None, ""));
    let (code, out) = xtask_in(
        root.path(),
        vendor.path(),
        &[
            "conformance",
            "--runtime",
            "./plain.toml",
            "als/run/returns-value",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("note: ./plain.toml declares no `name`")
            && out.contains("add `name = \"...\"`"),
        "{out}"
    );
    assert!(
        out.contains("[./plain.toml] als/run/returns-value"),
        "{out}"
    );
}

#[test]
fn bad_names_and_baseline_paths_stop_the_run_before_anything_runs() {
    let root = checkout();
    let root = root.path();
    let vendor = tempfile::tempdir().unwrap();
    let vendor = vendor.path();
    let a = vendor.join("a.toml");
    let b = vendor.join("b.toml");
    std::fs::write(&a, adapter_text(Some("vendor-node"), "")).unwrap();
    std::fs::write(&b, adapter_text(Some("other-node"), "")).unwrap();

    let refused = |args: &[&str], want: &str| {
        let (code, out) = xtask(root, args);
        assert_eq!(code, 2, "{args:?}: {out}");
        assert!(out.contains(want), "{args:?}: {out}");
        assert!(!out.contains("test result"), "nothing ran: {out}");
    };
    // A file holds one runtime's baseline.
    let file = vendor.join("one.snap");
    refused(
        &["conformance", "-r", s(&a), "-r", s(&b), "--baseline", s(&file), "--check"],
        "is a file, which holds the baseline of one runtime, and this run has 2 (vendor-node, other-node)",
    );
    // A path into a directory that does not exist.
    let lost = vendor.join("no/such/dir");
    refused(
        &[
            "conformance",
            "-r",
            s(&a),
            "--baseline",
            s(&lost),
            "--update-baseline",
        ],
        &format!(
            "the directory {} does not exist",
            vendor.join("no/such").display()
        ),
    );
    // --baseline alone does nothing, so it is a mistake.
    refused(
        &["conformance", "-r", s(&a), "--baseline", s(vendor)],
        "--baseline says where --check and --update-baseline find the baselines",
    );
    // Two files with one name.
    std::fs::write(&b, adapter_text(Some("vendor-node"), "")).unwrap();
    refused(
        &["conformance", "-r", s(&a), "-r", s(&b)],
        "both declare `name = \"vendor-node\"`",
    );
    // A name that is not safe as a file name, and one the checkout already uses.
    std::fs::write(&b, adapter_text(Some("../up"), "")).unwrap();
    refused(
        &["conformance", "-r", s(&b)],
        &format!(
            "error: {}:2:1: `name = \"../up\"` cannot name a runtime",
            b.display()
        ),
    );
    std::fs::write(&b, adapter_text(Some("reference"), "")).unwrap();
    refused(
        &["conformance", "-r", s(&b)],
        "`name = \"reference\"` is already the name of a runtime this checkout knows",
    );
    // A check with a file that is not there says how to make it, there.
    let (code, out) = xtask(
        root,
        &[
            "conformance",
            "-r",
            s(&a),
            "--baseline",
            s(&file),
            "--check",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(&format!(
            "create it with `cargo xtask conformance --runtime {} --baseline {} --update-baseline`",
            a.display(),
            file.display()
        )),
        "{out}"
    );
}

/// An adapter file that says pooling does not pay (`no_pool`): `--pool` runs a process per
/// case on it, says why, and the results do not claim `--pool`. Without it, the same file
/// pools.
#[test]
fn a_runtime_whose_pool_does_not_pay_runs_a_process_per_case_under_pool() {
    let root = checkout();
    let vendor = tempfile::tempdir().unwrap();
    write(
        vendor.path(),
        "slowpool.toml",
        &adapter_text(Some("slowpool"), "no_pool = \"a pool is slower here\"\n"),
    );
    write(
        vendor.path(),
        "pools.toml",
        &adapter_text(Some("pools"), ""),
    );
    for (file, steps_aside) in [("./slowpool.toml", true), ("./pools.toml", false)] {
        let results = vendor.path().join("results.json");
        let (code, out) = xtask_in(
            root.path(),
            vendor.path(),
            &[
                "conformance",
                "--runtime",
                file,
                "--pool",
                "--results",
                s(&results),
                "als/run/returns-value",
            ],
        );
        assert_eq!(code, 0, "{out}");
        assert_eq!(
            out.contains("--pool steps aside, pooling does not pay here (a pool is slower here)"),
            steps_aside,
            "{file}: {out}"
        );
        let r = Results::load(&results).unwrap();
        let flags = r.runtimes[0].flags.clone().unwrap_or_default();
        assert_eq!(flags.contains("--pool"), !steps_aside, "{file}: {flags:?}");
    }
}
