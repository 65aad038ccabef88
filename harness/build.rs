//! Builds the sandbox cell's launcher (`cell/launcher.rs`): a small program of its own, run
//! inside each long-lived sandbox, which the harness carries as bytes (see
//! `src/exec/cell.rs`). Compiled by the same `rustc` for the same target, with no crates, so
//! that it needs nothing the harness does not.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    let src = "cell/launcher.rs";
    println!("cargo:rerun-if-changed={src}");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let target = std::env::var("TARGET").expect("cargo sets TARGET");
    let status = Command::new(rustc)
        .args([
            "--edition",
            "2021",
            "--crate-name",
            "ah_cell",
            "--crate-type",
            "bin",
        ])
        .args([
            "-C",
            "opt-level=2",
            "-C",
            "panic=abort",
            "-C",
            "debuginfo=0",
            "-C",
            "strip=symbols",
        ])
        .args(["--target", &target])
        .arg("-o")
        .arg(out.join("ah-cell"))
        .arg(src)
        .status()
        .expect("cannot run rustc to build the cell launcher");
    assert!(
        status.success(),
        "building the cell launcher ({src}) failed"
    );
}
