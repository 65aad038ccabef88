//! `ah-bench [RUNTIME]... [--rounds N] [--write]`: what a conformance run costs. Run it through
//! `cargo xtask bench`, which builds it in release mode.
//!
//! For `reference` (the default): cases per second per core and the per-case split. For a
//! process runtime: the floor (the runtime started once per case) against the whole suite, and
//! their ratio, as medians of alternating rounds (`--rounds`, default 3; 5 for reference).
//! `--write` also stores the figures in `reports/bench.md`.

use std::fmt::Write as _;
use std::process::ExitCode;

use harness::input::project::{Project, Suite};

fn main() -> ExitCode {
    harness::exec::runner::request_big_thread_stacks();
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Reference rounds are cheap; a process runtime's take seconds each.
    let mut rounds: Option<usize> = None;
    let mut write = false;
    let mut runtimes = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => match it.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => rounds = Some(n),
                _ => {
                    eprintln!("ah-bench: --rounds needs a positive number");
                    return ExitCode::from(2);
                }
            },
            "--write" => write = true,
            other if other.starts_with('-') => {
                eprintln!("ah-bench: unknown option `{other}` (usage: ah-bench [RUNTIME]... [--rounds N] [--write])");
                return ExitCode::from(2);
            }
            name => runtimes.push(name.to_string()),
        }
    }
    if runtimes.is_empty() {
        runtimes.push(harness::exec::reference::NAME.to_string());
    }
    let project = Project::locate();
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut md = format!(
        "# Benchmark\n\nWritten by `cargo xtask bench {} --write` on a machine with {cores} cores; every figure in one run.\n\n```\n",
        runtimes.join(" ")
    );
    let mut failed = false;
    for name in &runtimes {
        let text = if name == harness::exec::reference::NAME {
            harness::workflow::bench::run(&project, &suite, rounds.unwrap_or(5)).map(|r| r.render())
        } else {
            harness::workflow::bench::run_process(&project, &suite, name, rounds.unwrap_or(3))
                .map(|r| r.render())
        };
        match text {
            Ok(t) => {
                print!("{t}");
                md.push_str(&t);
            }
            Err(e) => {
                eprintln!("ah-bench: {name}: {e}");
                failed = true;
            }
        }
    }
    let peak = format!(
        "harness peak memory (resident): {} MiB\n",
        harness::workflow::bench::peak_rss_kib() / 1024
    );
    print!("{peak}");
    md.push_str(&peak);
    let _ = writeln!(md, "```");
    if write {
        let path = project.root.join("reports/bench.md");
        if let Err(e) = harness::input::files::write_atomic(&path, md.as_bytes()) {
            eprintln!("ah-bench: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
        println!("written to {}", project.relative(&path).display());
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
