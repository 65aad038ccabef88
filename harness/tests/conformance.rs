//! The conformance suite as a libtest binary: `cargo test` runs every case on the default
//! runtime, and `cargo nextest run --test conformance` shards it. `CONFORMANCE_RUNTIME` (a
//! comma-separated list) picks other runtimes.

use harness::exec::runner::{self, RunConfig, DEFAULT_RUNTIME};
use harness::input::project::{Project, Suite};

fn main() -> std::process::ExitCode {
    runner::request_big_thread_stacks();
    let args = libtest_mimic::Arguments::from_args();
    let runtimes: Vec<String> = std::env::var("CONFORMANCE_RUNTIME")
        .unwrap_or_else(|_| DEFAULT_RUNTIME.to_string())
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let project = Project::locate();
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return std::process::ExitCode::from(2);
        }
    };
    let cfg = RunConfig {
        runtimes,
        ..RunConfig::default()
    };
    harness::exec::process::install_interrupt_handler();
    let result = runner::run(&project, &suite, &cfg, &args);
    result.conclusion.exit_code()
}
