//! Helpers shared by the xtask integration tests: the real checkout, copies of it, and running
//! `cargo xtask` on one.
// Each test binary compiles this module and uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The checkout these tests were built from.
pub fn real_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// Copy a directory tree, leaving out pending snapshots (`*.snap.new`).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type().unwrap().is_dir() {
            copy_dir(&src, &dst);
        } else if !src.to_string_lossy().ends_with(".snap.new") {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

/// Write `text` to `rel` below `root`, making the directories on the way.
pub fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `cargo xtask ARGS` on the checkout `root`, run there; not started yet.
pub fn xtask_command(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xtask"));
    c.args(args).env("AH_PROJECT_ROOT", root).current_dir(root);
    c
}

/// Run a command to its end: exit code, stdout, stderr.
pub fn finish_split(mut c: Command) -> (i32, String, String) {
    let out = c.output().expect("xtask runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run a command to its end: exit code, and stdout followed by stderr as one text.
pub fn finish(c: Command) -> (i32, String) {
    let (code, stdout, stderr) = finish_split(c);
    (code, format!("{stdout}{stderr}"))
}

/// `cargo xtask ARGS` on `root`: exit code, and stdout followed by stderr.
pub fn xtask(root: &Path, args: &[&str]) -> (i32, String) {
    finish(xtask_command(root, args))
}

/// `cargo xtask ARGS` on `root`: exit code, stdout, stderr.
pub fn xtask_split(root: &Path, args: &[&str]) -> (i32, String, String) {
    finish_split(xtask_command(root, args))
}
