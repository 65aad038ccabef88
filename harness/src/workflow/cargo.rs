//! The commands that hand over to cargo: `test` (the harness's own tests, once the system
//! tools they need are ready) and `bench` (the bench binary, built in release mode).

use std::process::Command;

use crate::workflow::emit::Emitter;
use crate::workflow::exit::{FAILED, INVALID, PASSED};
use crate::workflow::prerequisites;

/// The cargo that runs this command (cargo sets `CARGO` for what it runs), else the one on
/// PATH.
fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// `cargo test`'s arguments: those given before a `--` the parser took away, then that `--`
/// and what followed it, so that `cargo test` sees what the user typed.
pub fn test_args(before: &[String], after: &[String]) -> Vec<String> {
    let mut args = before.to_vec();
    if !after.is_empty() {
        args.push("--".into());
        args.extend(after.iter().cloned());
    }
    args
}

/// `test`: make the tests' system tools ready, then run `cargo test` with `args` and return
/// its exit code; [`INVALID`] when a tool cannot be made ready or cargo cannot start.
pub fn test(args: &[String], emit: &Emitter) -> u8 {
    let mut log = |line: &str| emit.note(format_args!("test: {line}"));
    let ready = match prerequisites::ensure_for_tests(&mut log) {
        Ok(r) => r,
        Err(e) => {
            emit.note(format_args!("error: {e}"));
            return INVALID;
        }
    };
    let mut cmd = cargo();
    cmd.arg("test").args(args);
    for r in &ready {
        emit.note(format_args!(
            "test: {} ready: {} ({})",
            r.tool.name,
            r.version,
            r.binary.display()
        ));
        if let Some(var) = r.tool.override_var {
            cmd.env(var, &r.binary);
        }
    }
    match cmd.status() {
        Ok(s) => s.code().map_or(FAILED, |c| c.clamp(0, 255) as u8),
        Err(e) => {
            emit.note(format_args!("error: cannot run cargo test: {e}"));
            INVALID
        }
    }
}

/// What `bench` measures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BenchOptions {
    /// Runtimes to measure; none means reference.
    pub runtimes: Vec<String>,
    /// Rounds per runtime; the bench's own default when absent.
    pub rounds: Option<usize>,
    /// Store the figures in `reports/bench.md`.
    pub write: bool,
}

impl BenchOptions {
    /// The bench binary's command line for these options.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = self.runtimes.clone();
        if let Some(n) = self.rounds {
            args.extend(["--rounds".to_string(), n.to_string()]);
        }
        if self.write {
            args.push("--write".into());
        }
        args
    }
}

/// `bench`: the bench must measure optimised code, and the front door is built for debugging,
/// so build and run the bench binary in release mode through the same cargo. Its exit code,
/// at least 1 when it failed; [`INVALID`] when cargo cannot start.
pub fn bench(opts: &BenchOptions, emit: &Emitter) -> u8 {
    let mut cmd = cargo();
    cmd.args([
        "run",
        "--release",
        "--quiet",
        "-p",
        "harness",
        "--bin",
        "ah-bench",
        "--",
    ]);
    cmd.args(opts.to_args());
    match cmd.status() {
        Ok(s) if s.success() => PASSED,
        Ok(s) => s.code().unwrap_or(1).clamp(1, 255) as u8,
        Err(e) => {
            emit.note(format_args!("bench: cannot run cargo: {e}"));
            INVALID
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_test_gets_the_separator_back_only_when_it_was_given() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            test_args(&s(&["-p", "harness"]), &[]),
            s(&["-p", "harness"])
        );
        assert_eq!(
            test_args(&[], &s(&["--nocapture"])),
            s(&["--", "--nocapture"])
        );
        assert_eq!(
            test_args(&s(&["-p", "x"]), &s(&["a", "--", "b"])),
            s(&["-p", "x", "--", "a", "--", "b"])
        );
    }

    #[test]
    fn bench_options_become_the_bench_binary_s_command_line() {
        assert!(BenchOptions::default().to_args().is_empty());
        let opts = BenchOptions {
            runtimes: vec!["node@26".into(), "bun".into()],
            rounds: Some(4),
            write: true,
        };
        assert_eq!(
            opts.to_args(),
            ["node@26", "bun", "--rounds", "4", "--write"].map(String::from)
        );
    }
}
