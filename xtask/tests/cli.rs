//! The front door as a user meets it: exit codes and messages of `cargo xtask conformance`
//! on a checkout with broken inputs.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "cases/features.txt", "setTimeout  # timers\n");
    write(dir.path(), "spec/x.md", "# X\n\n### X-RULE-001 — a rule\n");
    dir
}

fn xtask(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env("AH_PROJECT_ROOT", root)
        .output()
        .expect("xtask runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn invalid_cases_exit_2_with_file_line_col_and_nothing_runs() {
    let root = checkout();
    write(
        root.path(),
        "cases/a/bad-yaml.yaml",
        "title: t\nspec: [X-RULE-001\nscript: x\n",
    );
    write(
        root.path(),
        "cases/a/unknown-key.yaml",
        "title: t\nspec: [X-RULE-001]\nfeatures: [setTimeout, warp]\nscirpt: x\n",
    );
    write(
        root.path(),
        "cases/a/ok.snap",
        "---\nsource: x\n---\nkept: 1\n",
    );
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", "node"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("cases/a/bad-yaml.yaml:3:"), "{out}");
    assert!(
        out.contains("cases/a/unknown-key.yaml:3:24: unknown feature `warp`"),
        "{out}"
    );
    assert!(
        out.contains("cases/a/unknown-key.yaml:4:1: unknown key `scirpt`"),
        "{out}"
    );
    assert!(out.contains("missing required key `script`"), "{out}");
    assert!(!out.contains("running "), "nothing may run: {out}");
    // Files already written are untouched.
    assert_eq!(
        std::fs::read_to_string(root.path().join("cases/a/ok.snap")).unwrap(),
        "---\nsource: x\n---\nkept: 1\n"
    );
}

#[test]
fn an_invalid_feature_registry_is_located() {
    let root = checkout();
    write(
        root.path(),
        "cases/features.txt",
        "setTimeout\nset Timeout!\nsetTimeout\n",
    );
    let (code, out) = xtask(root.path(), &["conformance", "--runtime", "node"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cases/features.txt:2:1: invalid feature name"),
        "{out}"
    );
    assert!(
        out.contains("cases/features.txt:3:1: feature `setTimeout` is registered twice"),
        "{out}"
    );
}

#[test]
fn usage_errors_exit_2() {
    let root = checkout();
    let (code, out) = xtask(root.path(), &["conformance", "--runtime"]);
    assert_eq!(code, 2, "{out}");
    let (code, out) = xtask(root.path(), &["frobnicate"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("unknown command `frobnicate`"), "{out}");
}
