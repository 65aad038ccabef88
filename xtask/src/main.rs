//! `cargo xtask ...`: the project's front door. It only parses the command line and composes
//! what the `harness` library offers; all logic lives (and is tested) there.
//!
//! Exit codes: 0 everything passed, 1 some case did not pass (with `--check`: the run differs
//! from a baseline), 2 invalid input or usage.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use harness::exec::runner::{self, RunConfig, DEFAULT_RUNTIME};
use harness::exec::runtimes::Registry;
use harness::input::project::{Project, Suite};
use harness::report::baseline::{self, Baseline};
use harness::report::results::Results;

const USAGE: &str = "\
usage:
  cargo xtask conformance [--runtime NAME]... [--bless] [--repeat N] [--timeout-ms N]
                          [--check | --update-baseline] [--results FILE] [--junit FILE]
                          [--shard K/N] [--pool] [FILTER] [LIBTEST OPTIONS]
      Run the cases on each runtime (default: reference, the embedded one). FILTER and options such as --list,
      --exact, --skip, --test-threads, --format are those of `cargo test`.
      --bless writes the observed trace of every case that does not match as a pending
      snapshot (*.snap.new) for `cargo insta review`. --repeat N runs every case N times and
      fails the cases whose trace is not the same every time (flaky).
      --check compares each runtime's results with its baseline, reports/baselines/<runtime>.snap,
      and exits 1 when they differ (new failures, crashes, timeouts, unexpected passes, ...);
      --update-baseline writes the baselines from this run instead. --results FILE writes the
      results as JSON (schema ah-results/1, docs/results-schema.md); --junit FILE as JUnit XML.
      --shard K/N runs only shard K of N, a partition by case ID that is the same on every
      machine; --check and --update-baseline then cover that shard's cases only.
      --pool runs a process runtime's cases in worker threads of long-lived processes instead
      of a process each (docs/vendor-guide.md, section Pooled mode); the verdicts are the same.
      Cases run two per core on process runtimes and one per core on reference, unless
      --test-threads says otherwise.
  cargo xtask matrix [--runtime NAME]...
      Run the corpus on every runtime (default: reference and every pinned one), write each
      one's results to reports/results/, and build reports/matrix.html and matrix.md from them.
  cargo xtask merge OUT.json IN.json...
      Merge the --results files of shards (--shard K/N on several machines) into one.
  cargo xtask compare OLD.json NEW.json
      Compare two --results files and print Markdown for a pull-request comment: counts per
      runtime, fixed, broken, new crashes and timeouts, changed alternatives, added and removed cases.
  cargo xtask report [--results FILE]... [--out DIR]
      Put the results files of several runtimes side by side: DIR/matrix.html (a self-contained
      page: cases × runtimes by spec area, requirements met, interop score, each failure's diff
      and stderr) and DIR/matrix.md (a summary for a GitHub job summary). Default input: every
      reports/results/*.json; default DIR: reports.
  cargo xtask test [CARGO TEST ARGS]...
      The harness's own tests: installs what they need beyond Rust (Debian's chromium and
      npm, with apt-get when run as root; otherwise prints the command to run), then runs
      `cargo test` with the arguments given.
  cargo xtask runtimes install [NAME]...
      Install pinned runtimes (all in runtimes/lock.toml when none is named).
  cargo xtask runtimes list
      Show the runtimes this checkout knows.
  cargo xtask bench [RUNTIME]... [--rounds N] [--write]
      Build in release mode and measure what a run costs. reference (the default): cases per
      second per core and the cost split (context and bootstrap, script, loop, teardown). A process runtime:
      the floor (started once per case) against the whole suite, their ratio, and the suite
      in pooled mode (--pool) with its speed-up, measured in alternating rounds and given as
      medians. --rounds N: rounds per runtime (default 5 for reference, 3 for a process
      runtime). --write stores the figures in reports/bench.md.";

/// Set when libtest prints JSON (`--format json`): stdout then carries only JSON lines, and
/// the human-readable summary goes to stderr.
static JSON_STDOUT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// `println!` for the run's summary lines, moved to stderr when stdout is for JSON.
macro_rules! say {
    ($($t:tt)*) => {
        if JSON_STDOUT.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!($($t)*)
        } else {
            println!($($t)*)
        }
    };
}

fn main() -> ExitCode {
    runner::request_big_thread_stacks();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("conformance") => conformance(&args[1..]),
        Some("runtimes") => runtimes(&args[1..]),
        Some("compare") => compare(&args[1..]),
        Some("report") => report(&args[1..]),
        Some("merge") => merge(&args[1..]),
        Some("matrix") => matrix_all(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => usage_error(&format!("unknown command `{other}`")),
    }
}

/// `cargo xtask test`: make the tests' system tools ready, then hand over to `cargo test`.
fn test(args: &[String]) -> ExitCode {
    let mut log = |line: &str| eprintln!("test: {line}");
    let ready = match harness::workflow::prerequisites::ensure_for_tests(&mut log) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.arg("test").args(args);
    for r in &ready {
        eprintln!(
            "test: {} ready: {} ({})",
            r.tool.name,
            r.version,
            r.binary.display()
        );
        if let Some(var) = r.tool.override_var {
            cmd.env(var, &r.binary);
        }
    }
    match cmd.status() {
        Ok(s) => ExitCode::from(s.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("error: cannot run cargo test: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}\n\n{USAGE}");
    ExitCode::from(2)
}

/// What a conformance run leaves behind besides its output, and how it is judged.
#[derive(Default)]
struct Outputs {
    /// Judge the run by the runtimes' baselines instead of by "every case passed".
    check: bool,
    update_baseline: bool,
    results: Option<PathBuf>,
    junit: Option<PathBuf>,
}

fn conformance(args: &[String]) -> ExitCode {
    let mut cfg = RunConfig {
        runtimes: Vec::new(),
        ..RunConfig::default()
    };
    let mut outputs = Outputs::default();
    let mut rest = vec!["conformance".to_string()];
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if let Some((flag, value)) = a.split_once('=') {
            if matches!(flag, "--results" | "--junit") {
                let slot = if flag == "--results" {
                    &mut outputs.results
                } else {
                    &mut outputs.junit
                };
                if value.is_empty() {
                    return usage_error(&format!("{flag} needs a file name"));
                }
                *slot = Some(PathBuf::from(value));
                continue;
            }
        }
        match a.as_str() {
            "--check" => outputs.check = true,
            "--update-baseline" => outputs.update_baseline = true,
            "--results" | "--junit" => {
                let Some(v) = it.next().filter(|v| !v.starts_with("--")) else {
                    return usage_error(&format!("{a} needs a file name"));
                };
                let slot = if a == "--results" {
                    &mut outputs.results
                } else {
                    &mut outputs.junit
                };
                *slot = Some(PathBuf::from(v));
            }
            "--runtime" | "-r" => match it.next() {
                Some(v) => cfg.runtimes.push(v.clone()),
                None => return usage_error("--runtime needs a name"),
            },
            "--bless" => cfg.bless = true,
            "--pool" => cfg.pool = true,
            "--repeat" => match it.next().and_then(|v| v.parse::<u32>().ok()) {
                Some(n) if n > 0 => cfg.repeat = n,
                _ => return usage_error("--repeat needs a positive number"),
            },
            "--shard" => match it.next().and_then(|v| parse_shard(v)) {
                Some(s) => cfg.shard = Some(s),
                None => return usage_error("--shard needs K/N with 1 <= K <= N, e.g. --shard 2/4"),
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
    if outputs.check && outputs.update_baseline {
        return usage_error(
            "--check and --update-baseline cannot be combined: check first, and update the baseline when the change is intended",
        );
    }
    if outputs.check && cfg.bless {
        return usage_error("--check cannot be combined with --bless");
    }
    if cfg.runtimes.is_empty() {
        eprintln!("conformance: no --runtime given; using the default runtime {DEFAULT_RUNTIME}");
        cfg.runtimes.push(DEFAULT_RUNTIME.to_string());
    }
    cfg.runtimes.dedup();
    if cfg.pool {
        let in_process = [harness::exec::reference::NAME, harness::exec::workerd::NAME];
        if let Some(r) = cfg
            .runtimes
            .iter()
            .find(|r| in_process.contains(&r.as_str()))
        {
            return usage_error(&format!(
                "--pool applies to runtimes started as a process per case (node, bun, deno, adapter files); `{r}` is not one"
            ));
        }
    }
    let targs = match libtest_args(&rest) {
        Ok(a) => a,
        Err(e) => return usage_error(&e),
    };
    if targs.format == Some(libtest_mimic::FormatSetting::Json) {
        JSON_STDOUT.store(true, std::sync::atomic::Ordering::Relaxed);
    }
    let project = Project::locate();
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = check_runtime_names(&project, &cfg.runtimes) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    if cfg
        .runtimes
        .iter()
        .any(|r| r != harness::exec::reference::NAME)
    {
        match harness::exec::process::network_isolation() {
            Ok(()) => eprintln!("network: each case runs in its own namespace with loopback only"),
            Err(e) => {
                eprintln!("network: NOT isolated on this machine ({e}); cases see its network")
            }
        }
    }
    // Baselines are read before anything runs, so that a missing or corrupted one costs no run.
    let previous = if outputs.check || outputs.update_baseline {
        match load_baselines(&project, &cfg.runtimes, outputs.check) {
            Ok(b) => b,
            Err(code) => return code,
        }
    } else {
        Vec::new()
    };
    harness::exec::process::install_interrupt_handler();
    // On a terminal (and not in CI) a progress bar replaces libtest's line per case; any
    // libtest option (--list, --format, --exact, ...) asks for libtest's own output.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("CI").is_none()
        && !rest.iter().skip(1).any(|a| a.starts_with('-'));
    let result = if interactive {
        runner::run_with_progress(&project, &suite, &cfg, &targs)
    } else {
        runner::run(&project, &suite, &cfg, &targs)
    };
    print_summary(&suite, &result);
    let mut code = if result.conclusion.has_failed() { 1 } else { 0 };
    // The files come before the baseline verdict, so that CI keeps them when the check fails.
    if outputs.results.is_some() || outputs.junit.is_some() {
        let doc = Results::from_run(
            cfg.repeat,
            cfg.timeout,
            Some(&suite),
            &result.runtimes,
            &result.records,
        );
        if let Some(p) = &outputs.results {
            code = code.max(write_output(p, "results", doc.to_json().as_bytes()));
        }
        if let Some(p) = &outputs.junit {
            code = code.max(write_output(p, "JUnit XML", doc.to_junit().as_bytes()));
        }
    }
    if !(outputs.check || outputs.update_baseline) {
        return ExitCode::from(code);
    }
    if result.records.is_empty() {
        eprintln!("baseline: no case ran (--list, or a filter that matches nothing); nothing was checked or written");
        return ExitCode::from(code);
    }
    let verdict = if outputs.update_baseline {
        update_baselines(&project, &suite, &result, &previous)
    } else {
        check_baselines(&project, &suite, &result, &previous)
    };
    // With a baseline, known failures are not failures: the baseline's verdict replaces the
    // run's, except that a file that could not be written still fails the command.
    ExitCode::from(if code == 2 { 2 } else { verdict })
}

/// Write an output file the user asked for; 0 when written, 2 when not.
fn write_output(path: &Path, what: &str, bytes: &[u8]) -> u8 {
    match harness::input::files::write_atomic(path, bytes) {
        Ok(()) => {
            eprintln!("{what} written to {}", path.display());
            0
        }
        Err(e) => {
            eprintln!(
                "error: {}: cannot write the {what} file: {e}; check that its directory is writable",
                path.display()
            );
            2
        }
    }
}

/// Each runtime with its baseline (`None`: there is none yet). With `required` (`--check`), a
/// missing baseline is an error that says how to make one.
fn load_baselines(
    project: &Project,
    runtimes: &[String],
    required: bool,
) -> Result<Vec<(String, Option<Baseline>)>, ExitCode> {
    let mut out = Vec::new();
    let mut bad = false;
    for rt in runtimes {
        let path = baseline::path_for(project, rt);
        let shown = project.relative(&path).display().to_string();
        match Baseline::load(&path) {
            Ok(Some(b)) if &b.runtime != rt => {
                eprintln!(
                    "error: {shown}: this baseline is for runtime `{}`, not `{rt}`; delete it and run `{}`",
                    b.runtime,
                    baseline::update_command(rt)
                );
                bad = true;
            }
            Ok(None) if required => {
                eprintln!(
                    "error: {shown}: no baseline for runtime {rt}; create it with `{}`, review it and commit it",
                    baseline::update_command(rt)
                );
                bad = true;
            }
            Ok(b) => out.push((rt.clone(), b)),
            Err(mut d) => {
                d.path = project.relative(&d.path).to_path_buf();
                eprintln!("error: {d}");
                bad = true;
            }
        }
    }
    if bad {
        Err(ExitCode::from(2))
    } else {
        Ok(out)
    }
}

fn version_of(result: &runner::RunResult, runtime: &str) -> Result<String, String> {
    match result.runtimes.iter().find(|(n, _)| n == runtime) {
        Some((_, Ok(f))) => Ok(f.version.clone()),
        Some((_, Err(e))) => Err(e.clone()),
        None => Err("it did not run".into()),
    }
}

/// A filter can select the trials of some runtimes only (libtest matches `[runtime] case`).
fn ran_on(result: &runner::RunResult, runtime: &str) -> bool {
    result.records.iter().any(|r| r.runtime == runtime)
}

/// `--check`: 0 when every runtime matches its baseline, 1 otherwise.
fn check_baselines(
    project: &Project,
    suite: &Suite,
    result: &runner::RunResult,
    previous: &[(String, Option<Baseline>)],
) -> u8 {
    let mut failed = false;
    for (rt, base) in previous {
        let Some(base) = base else { continue };
        if !ran_on(result, rt) {
            say!("baseline check: {rt}: no case ran (filtered out); not checked");
            continue;
        }
        // An unusable runtime still gets checked: every case is an ERROR, which the check
        // reports as new errors.
        let version = version_of(result, rt).unwrap_or_else(|_| "unavailable".into());
        let observed =
            match Baseline::from_run(project, suite, rt, &version, &result.records, Some(base)) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("baseline check: {rt}: {e}");
                    failed = true;
                    continue;
                }
            };
        let path = baseline::path_for(project, rt);
        let exists = |id: &str| suite.cases.iter().any(|c| c.id == id);
        let check = baseline::check(project.relative(&path), base, &observed, exists);
        print!("{}", check.render());
        failed |= !check.passed();
    }
    u8::from(failed)
}

/// `--update-baseline`: write each runtime's baseline from this run; 0 when all were written
/// (or already up to date), 2 when one could not be.
fn update_baselines(
    project: &Project,
    suite: &Suite,
    result: &runner::RunResult,
    previous: &[(String, Option<Baseline>)],
) -> u8 {
    let mut code = 0;
    for (rt, base) in previous {
        let path = baseline::path_for(project, rt);
        let shown = project.relative(&path).display().to_string();
        if !ran_on(result, rt) {
            say!("baseline: {rt}: no case ran (filtered out); {shown} not written");
            continue;
        }
        let version = match version_of(result, rt) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("error: {shown}: not written: runtime {rt} cannot be used: {e}");
                code = 2;
                continue;
            }
        };
        let new = match Baseline::from_run(
            project,
            suite,
            rt,
            &version,
            &result.records,
            base.as_ref(),
        ) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {shown}: not written: {e}");
                code = 2;
                continue;
            }
        };
        if base.as_ref() == Some(&new) && std::fs::read_to_string(&path).ok() == Some(new.render())
        {
            say!(
                "baseline: {rt}: {shown} is up to date ({})",
                new.counts_line()
            );
            continue;
        }
        if let Err(e) = new.write(&path) {
            eprintln!("error: {shown}: cannot write the baseline: {e}");
            code = 2;
            continue;
        }
        say!("baseline: {rt}: wrote {shown} ({})", new.counts_line());
        if let Some(base) = base {
            let exists = |id: &str| suite.cases.iter().any(|c| c.id == id);
            let changes = baseline::check(Path::new(&shown), base, &new, exists);
            print!("{}", changes.render_changes());
            if let Some((b, a)) = &changes.version {
                say!("  version {b} → {a}");
            }
        }
    }
    code
}

/// `cargo xtask compare OLD NEW`: Markdown on stdout; 2 when a file cannot be read.
fn compare(args: &[String]) -> ExitCode {
    let [old, new] = args else {
        return usage_error("`compare` takes two results files: OLD.json NEW.json");
    };
    let load = |p: &String| Results::load(Path::new(p));
    let (old_doc, new_doc) = match (load(old), load(new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                eprintln!("error: {e}");
            }
            return ExitCode::from(2);
        }
    };
    let cmp = harness::report::compare::compare(&old_doc, &new_doc);
    print!("{}", cmp.to_markdown(old, new));
    ExitCode::SUCCESS
}

/// `cargo xtask report`: the cross-runtime matrix. Exit 0 when both files were written, 2 on
/// bad input (an unreadable or foreign results file, the same runtime twice, no files at all)
/// or when a file cannot be written.
fn report(args: &[String]) -> ExitCode {
    use harness::report::matrix;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut out: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (a.as_str(), None),
        };
        let what = match flag {
            "--results" => "a results file",
            "--out" => "a directory",
            _ => return usage_error(&format!("`report` does not take `{a}`")),
        };
        let Some(v) = inline
            .or_else(|| it.next().cloned())
            .filter(|v| !v.is_empty())
        else {
            return usage_error(&format!("{flag} needs {what}"));
        };
        if flag == "--results" {
            files.push(PathBuf::from(v));
        } else {
            out = Some(PathBuf::from(v));
        }
    }
    let project = Project::locate();
    if files.is_empty() {
        let dir = project.root.join(matrix::DEFAULT_RESULTS_DIR);
        match matrix::default_inputs(&dir, Path::new(matrix::DEFAULT_RESULTS_DIR)) {
            Ok(f) => files = f,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let out = out.unwrap_or_else(|| project.root.join(matrix::DEFAULT_OUT_DIR));
    let mut inputs = Vec::new();
    let mut bad = false;
    for f in &files {
        // Loaded by the full path, named as the user (or the checkout) knows it.
        match matrix::Input::load(f) {
            Ok(mut i) => {
                i.path = project.relative(f).to_path_buf();
                // The page may be committed or published: no paths of this machine in it.
                harness::report::results::redact_paths(&mut i.results, &project.root);
                inputs.push(i)
            }
            Err(e) => {
                eprintln!("error: {e}");
                bad = true;
            }
        }
    }
    if bad {
        return ExitCode::from(2);
    }
    // Areas and requirement titles come from this checkout's spec.
    let spec = match harness::input::spec::SpecIndex::load(&project.spec_dir()) {
        Ok(s) => s,
        Err(d) => {
            for x in &d.0 {
                eprintln!("error: {x}");
            }
            eprintln!(
                "error: the spec must load for the report to group cases by area; fix it first"
            );
            return ExitCode::from(2);
        }
    };
    let m = match matrix::build(&inputs, &spec) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut code = 0;
    for (name, what, text) in [
        (matrix::HTML_FILE, "matrix page", m.to_html()),
        (matrix::MARKDOWN_FILE, "matrix summary", m.to_markdown()),
    ] {
        let path = out.join(name);
        let shown = project.relative(&path).display().to_string();
        match harness::input::files::write_atomic(&path, text.as_bytes()) {
            Ok(()) => eprintln!("{what} written to {shown}"),
            Err(e) => {
                eprintln!("error: {shown}: cannot write the {what}: {e}; check that the directory is writable or pass another --out DIR");
                code = 2;
            }
        }
    }
    if code == 0 {
        println!("report: {}", m.headline());
    }
    ExitCode::from(code)
}

/// Runtime names are input: an adapter file that does not parse, or a name nobody knows, is
/// a usage error (exit 2) found before anything runs. A known runtime that then fails to
/// install or start is a result instead (ERROR for each of its cases).
fn check_runtime_names(project: &Project, names: &[String]) -> Result<(), String> {
    let registry = Registry::load(&project.root).map_err(|d| d.to_string())?;
    for name in names {
        if name == harness::exec::reference::NAME {
            continue;
        }
        if name.ends_with(".toml") {
            harness::exec::adapter::AdapterFile::load(std::path::Path::new(name))
                .map_err(|d| d.to_string())?;
            continue;
        }
        if let Err(e) = registry.resolve(name) {
            if e.starts_with("unknown runtime") {
                return Err(format!("error: {e}"));
            }
        }
    }
    Ok(())
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
        say!("summary: {runtime} {version}: {}", parts.join(", "));
        for area in harness::report::requirements::requirement_view(suite, &result.records, runtime)
        {
            say!(
                "  {}: {}/{} requirements met",
                area.area,
                area.met,
                area.total
            );
        }
    }
    for r in result
        .records
        .iter()
        .filter(|r| r.outcome.alternative.is_some())
    {
        say!(
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
    use harness::exec::adapter::Adapter as _;
    harness::exec::reference::ReferenceAdapter::new()
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
                harness::exec::reference::NAME,
                harness::exec::reference::NAME,
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

/// `K/N` with 1 <= K <= N.
fn parse_shard(v: &str) -> Option<(u32, u32)> {
    let (k, n) = v.split_once('/')?;
    let (k, n) = (k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?);
    (k >= 1 && k <= n).then_some((k, n))
}

fn merge(args: &[String]) -> ExitCode {
    let [out, inputs @ ..] = args else {
        return usage_error("`merge` takes OUT.json and one or more IN.json");
    };
    if inputs.is_empty() {
        return usage_error("`merge` takes OUT.json and one or more IN.json");
    }
    let mut parts = Vec::new();
    for f in inputs {
        match harness::report::results::Results::load(std::path::Path::new(f)) {
            Ok(r) => parts.push((f.clone(), r)),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let merged = match harness::report::results::merge(parts) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) =
        harness::input::files::write_atomic(std::path::Path::new(out), merged.to_json().as_bytes())
    {
        eprintln!("error: cannot write {out}: {e}");
        return ExitCode::from(1);
    }
    println!(
        "merged {} files into {out}: {} results",
        inputs.len(),
        merged.results.len()
    );
    ExitCode::SUCCESS
}

/// One command for the committed cross-runtime view: results of every runtime, then the
/// matrix built from them.
fn matrix_all(args: &[String]) -> ExitCode {
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runtime" | "-r" => match it.next() {
                Some(v) => names.push(v.clone()),
                None => return usage_error("--runtime needs a name"),
            },
            other => return usage_error(&format!("`matrix` does not take `{other}`")),
        }
    }
    let project = Project::locate();
    if names.is_empty() {
        names.push(harness::exec::reference::NAME.to_string());
        match Registry::load(&project.root) {
            Ok(reg) => names.extend(reg.lock.iter().map(|e| e.name.clone())),
            Err(d) => {
                eprintln!("{d}");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = check_runtime_names(&project, &names) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    harness::exec::process::install_interrupt_handler();
    let dir = project
        .root
        .join(harness::report::matrix::DEFAULT_RESULTS_DIR);
    for name in &names {
        let cfg = RunConfig {
            runtimes: vec![name.clone()],
            ..RunConfig::default()
        };
        let (runtimes, records) = runner::run_quiet(&project, &suite, &cfg);
        let results = harness::report::results::Results::from_run(
            cfg.repeat,
            cfg.timeout,
            Some(&suite),
            &runtimes,
            &records,
        );
        let file = dir.join(format!(
            "{}.json",
            harness::report::baseline::file_name(name).trim_end_matches(".snap")
        ));
        if let Err(e) = harness::input::files::write_atomic(&file, results.to_json().as_bytes()) {
            eprintln!("error: cannot write {}: {e}", file.display());
            return ExitCode::from(1);
        }
        let counts: Vec<String> = results
            .runtimes
            .iter()
            .flat_map(|r| r.counts.iter().filter(|(_, n)| **n > 0))
            .map(|(s, n)| format!("{n} {s}"))
            .collect();
        eprintln!(
            "{name}: {} → {}",
            counts.join(", "),
            project.relative(&file).display()
        );
    }
    report(&[])
}
