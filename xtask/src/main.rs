//! `cargo xtask ...`: the project's front door. It only parses the command line and composes
//! what the `harness` library offers; all logic lives (and is tested) there.
//!
//! Exit codes: 0 everything passed, 1 some case did not pass, 2 invalid input or usage.

use std::process::ExitCode;
use std::time::Duration;

use harness::project::{Project, Suite};
use harness::runner::{self, RunConfig, DEFAULT_RUNTIME};
use harness::runtimes::Registry;

const USAGE: &str = "\
usage:
  cargo xtask conformance [--runtime NAME]... [--bless] [--repeat N] [--timeout-ms N] [FILTER] [LIBTEST OPTIONS]
      Run the cases on each runtime (default: reference, the embedded one). FILTER and options such as --list,
      --exact, --skip, --test-threads, --format are those of `cargo test`.
      --bless writes the observed trace of every case that does not match as a pending
      snapshot (*.snap.new) for `cargo insta review`. --repeat N runs every case N times and
      fails the cases whose trace is not the same every time (flaky).
  cargo xtask runtimes install [NAME]...
      Install pinned runtimes (all in runtimes/lock.toml when none is named).
  cargo xtask runtimes list
      Show the runtimes this checkout knows.
  cargo xtask bench [reference] [--rounds N]
      Build in release mode and measure the reference runtime over the corpus: cases per
      second per core, the cost split (runtime creation, script, loop), and baselines measured
      in the same run.";

fn main() -> ExitCode {
    runner::request_big_thread_stacks();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("conformance") => conformance(&args[1..]),
        Some("runtimes") => runtimes(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

fn conformance(args: &[String]) -> ExitCode {
    let mut cfg = RunConfig {
        runtimes: Vec::new(),
        ..RunConfig::default()
    };
    let mut rest = vec!["conformance".to_string()];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runtime" | "-r" => match it.next() {
                Some(v) => cfg.runtimes.push(v.clone()),
                None => return usage_error("--runtime needs a name"),
            },
            "--bless" => cfg.bless = true,
            "--repeat" => match it.next().and_then(|v| v.parse::<u32>().ok()) {
                Some(n) if n > 0 => cfg.repeat = n,
                _ => return usage_error("--repeat needs a positive number"),
            },
            "--timeout-ms" => match it.next().and_then(|v| v.parse::<u64>().ok()) {
                Some(ms) if ms > 0 => cfg.timeout = Some(Duration::from_millis(ms)),
                _ => return usage_error("--timeout-ms needs a positive number"),
            },
            // Everything after `--` goes to libtest untouched.
            "--" => rest.extend(it.by_ref().cloned()),
            _ => {
                if let Some(v) = a.strip_prefix("--runtime=") {
                    cfg.runtimes.push(v.to_string());
                } else {
                    rest.push(a.clone());
                }
            }
        }
    }
    if cfg.runtimes.is_empty() {
        eprintln!("conformance: no --runtime given; using the default runtime {DEFAULT_RUNTIME}");
        cfg.runtimes.push(DEFAULT_RUNTIME.to_string());
    }
    let targs = match libtest_args(&rest) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    let project = Project::locate();
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    harness::process::install_interrupt_handler();
    let result = runner::run(&project, &suite, &cfg, &targs);
    print_summary(&suite, &result);
    if result.conclusion.has_failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// After libtest's own lines: per runtime, the count of each status, and every allowed
/// alternative a runtime took (a pass, but one a reader should know about).
fn print_summary(suite: &Suite, result: &runner::RunResult) {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for r in &result.records {
        *counts
            .entry(r.runtime.as_str())
            .or_default()
            .entry(r.outcome.status.as_str())
            .or_default() += 1;
    }
    for (runtime, facts) in &result.runtimes {
        let Some(c) = counts.get(runtime.as_str()) else {
            continue;
        };
        let version = facts
            .as_ref()
            .map(|f| f.version.as_str())
            .unwrap_or("unavailable");
        let parts: Vec<String> = c.iter().map(|(s, n)| format!("{n} {s}")).collect();
        println!("summary: {runtime} {version}: {}", parts.join(", "));
        for area in harness::report::requirement_view(suite, &result.records, runtime) {
            println!(
                "  {}: {}/{} requirements met",
                area.area, area.met, area.total
            );
        }
    }
    for r in result
        .records
        .iter()
        .filter(|r| r.outcome.alternative.is_some())
    {
        println!(
            "alternative: [{}] {} took `{}`",
            r.runtime,
            r.case_id,
            r.outcome.alternative.as_deref().unwrap_or_default()
        );
    }
}

/// libtest-mimic parses with clap, which reports bad options itself and exits with status 2,
/// the same code we use for usage errors.
fn libtest_args(rest: &[String]) -> Result<libtest_mimic::Arguments, String> {
    Ok(libtest_mimic::Arguments::from_iter(rest.iter().cloned()))
}

fn reference_impl_version() -> String {
    use harness::adapter::Adapter as _;
    harness::reference::ReferenceAdapter::new()
        .facts()
        .version
        .clone()
}

fn runtimes(args: &[String]) -> ExitCode {
    let project = Project::locate();
    let reg = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    match args.first().map(String::as_str) {
        Some("list") => {
            println!(
                "{:12} adapter {:8} from embedded (version {})",
                harness::reference::NAME,
                harness::reference::NAME,
                reference_impl_version()
            );
            for n in reg.known_names() {
                match reg.resolve(&n) {
                    Ok(r) => println!("{n:12} adapter {:8} from {}", r.adapter_name, r.source),
                    Err(e) => println!("{n:12} unavailable: {e}"),
                }
            }
            ExitCode::SUCCESS
        }
        Some("install") => {
            let names: Vec<String> = if args.len() > 1 {
                args[1..].to_vec()
            } else {
                reg.lock.iter().map(|e| e.name.clone()).collect()
            };
            let mut failed = false;
            for n in names {
                match reg.prepare(&n) {
                    Ok(a) => println!(
                        "{n}: ready, version {} ({})",
                        a.facts.version, a.facts.source
                    ),
                    Err(e) => {
                        eprintln!("{n}: {e}");
                        failed = true;
                    }
                }
            }
            if failed {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => usage_error("`runtimes` takes `install [NAME]...` or `list`"),
    }
}

/// The bench must measure optimised code, and xtask itself is built for debugging: build and
/// run the bench binary in release mode through the same cargo.
fn bench(args: &[String]) -> ExitCode {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
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
    cmd.args(args);
    match cmd.status() {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().unwrap_or(1).clamp(1, 255) as u8),
        Err(e) => {
            eprintln!("bench: cannot run cargo: {e}");
            ExitCode::from(2)
        }
    }
}
