//! A conformance run as the front door offers it: the options checked, the cases run on each
//! runtime, the summary said, the results and JUnit files written, and the run judged either
//! by "every case passed" or, with `--check` / `--update-baseline`, by the baselines (in the
//! checkout, or where `--baseline` says).
//!
//! Runtimes are named before anything runs: an adapter file given by path becomes the name it
//! declares ([`name_runtimes`]), so that its results, messages and baseline do not depend on
//! the path that reached it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exec::runner::{self, RunConfig, DEFAULT_RUNTIME};
use crate::exec::runtimes::{Named, Registry};
use crate::input::files::write_atomic;
use crate::input::project::{Project, Suite};
use crate::report::results::Results;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, UsageError, FAILED, INVALID, PASSED};
use crate::workflow::{baselines, runtimes, summary};

/// What `cargo xtask conformance` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConformanceOptions {
    /// Runtime names in the order given; none means the default runtime.
    pub runtimes: Vec<String>,
    /// Write the observed trace of every case that does not match as a pending snapshot.
    pub bless: bool,
    /// Run every case this many times; a trace that is not the same every time fails.
    pub repeat: u32,
    /// Overrides every case's time limit.
    pub timeout: Option<Duration>,
    /// Only shard K of N (`(k, n)`, counted from 1).
    pub shard: Option<(u32, u32)>,
    /// Many cases per process, each in a worker thread.
    pub pool: bool,
    /// Judge the run by the runtimes' baselines instead of by "every case passed".
    pub check: bool,
    /// Write the runtimes' baselines from this run.
    pub update_baseline: bool,
    /// Where the baselines are instead of the checkout's `reports/baselines/`: a file (one
    /// runtime) or a directory (`<runtime>.snap` each).
    pub baseline: Option<PathBuf>,
    /// Where to write the results as JSON.
    pub results: Option<PathBuf>,
    /// Where to write the results as JUnit XML.
    pub junit: Option<PathBuf>,
    /// The filter and libtest's options, handed to libtest as given.
    pub libtest: Vec<String>,
    /// With `--check`: the whole report of a known failure, not its one line.
    pub verbose: bool,
    /// `--no-sandbox`: process runtimes run unconfined.
    pub no_sandbox: bool,
}

impl Default for ConformanceOptions {
    fn default() -> Self {
        ConformanceOptions {
            runtimes: Vec::new(),
            bless: false,
            repeat: 1,
            timeout: None,
            shard: None,
            pool: false,
            check: false,
            update_baseline: false,
            baseline: None,
            results: None,
            junit: None,
            libtest: Vec::new(),
            verbose: false,
            no_sandbox: false,
        }
    }
}

/// The run's configuration from the options, or the usage error that forbids the run. Says
/// which runtime is used when none was named.
pub fn settle(opts: &ConformanceOptions, emit: &Emitter) -> Result<RunConfig, UsageError> {
    for (flag, path) in [("--results", &opts.results), ("--junit", &opts.junit)] {
        if path.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
            return Err(UsageError(format!("{flag} needs a file name")));
        }
    }
    if opts.check && opts.update_baseline {
        return Err(UsageError(
            "--check and --update-baseline cannot be combined: check first, and update the baseline when the change is intended".into(),
        ));
    }
    if opts.check && opts.bless {
        return Err(UsageError("--check cannot be combined with --bless".into()));
    }
    if let Some(p) = &opts.baseline {
        if p.as_os_str().is_empty() {
            return Err(UsageError(
                "--baseline needs a path: a baseline file, or a directory for one file per runtime"
                    .into(),
            ));
        }
        if !(opts.check || opts.update_baseline) {
            return Err(UsageError(
                "--baseline says where --check and --update-baseline find the baselines; give one of them too".into(),
            ));
        }
    }
    let mut names = opts.runtimes.clone();
    if names.is_empty() {
        emit.note(format_args!(
            "conformance: no --runtime given; using the default runtime {DEFAULT_RUNTIME}"
        ));
        names.push(DEFAULT_RUNTIME.to_string());
    }
    names.dedup();
    if opts.pool {
        let in_process = [crate::exec::reference::NAME, crate::exec::workerd::NAME];
        if let Some(r) = names.iter().find(|r| in_process.contains(&r.as_str())) {
            return Err(UsageError(format!(
                "--pool applies to runtimes started as a process per case (node, bun, deno, adapter files); `{r}` is not one"
            )));
        }
    }
    Ok(RunConfig {
        runtimes: names,
        bless: opts.bless,
        timeout: opts.timeout,
        repeat: opts.repeat.max(1),
        shard: opts.shard,
        pool: opts.pool,
        verbose: opts.verbose,
        no_sandbox: opts.no_sandbox,
        ..RunConfig::default()
    })
}

/// The exit code of a run: `run` is the run's own code (1 when a case failed, raised to 2
/// when an output file could not be written). With a baseline, known failures are not
/// failures: the baseline's verdict replaces the run's, except that a file that could not be
/// written still fails the command.
pub fn exit_code(run: u8, baseline_verdict: Option<u8>) -> u8 {
    match baseline_verdict {
        Some(_) if run == INVALID => INVALID,
        Some(verdict) => verdict,
        None => run,
    }
}

/// Each runtime of the run by its name, in order and once. An adapter file's path becomes the
/// name the file declares, so `./x.toml`, `x.toml` and its absolute path are one runtime; a
/// file that declares none keeps its path for a name, with a note. A broken adapter file (bad
/// TOML, a bad name, a misspelt feature), or two files declaring one name, is an error
/// reported here, before anything runs: [`INVALID`].
pub fn name_runtimes(
    project: &Project,
    given: &[String],
    emit: &Emitter,
) -> Result<Vec<Named>, u8> {
    let registry = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            emit.note(format_args!("error: {d}"));
            return Err(INVALID);
        }
    };
    let mut out: Vec<Named> = Vec::new();
    let mut bad = false;
    for g in given {
        let named = match registry.name_of(g) {
            Ok(n) => n,
            Err(d) => {
                emit.note(format_args!("error: {d}"));
                bad = true;
                continue;
            }
        };
        if let Some(note) = &named.note {
            emit.note(note);
        }
        match out.iter().find(|n| n.name == named.name) {
            Some(first)
                if first.file.is_some() && named.file.is_some() && first.file != named.file =>
            {
                emit.note(format_args!(
                    "error: {} and {} both declare `name = \"{}\"`; two runtimes need two names",
                    first.given, named.given, named.name
                ));
                bad = true;
            }
            Some(_) => {}
            None => out.push(named),
        }
    }
    if bad {
        Err(INVALID)
    } else {
        Ok(out)
    }
}

/// Run the conformance cases of `project` as `opts` asks.
pub fn run(project: &Project, opts: &ConformanceOptions, emit: &Emitter) -> Exit {
    let mut cfg = settle(opts, emit)?;
    let mut argv = vec!["conformance".to_string()];
    argv.extend(opts.libtest.iter().cloned());
    // libtest-mimic parses with clap, which reports bad options itself and exits with
    // status 2, the same code as every other usage error.
    let targs = libtest_mimic::Arguments::from_iter(argv);
    let emit = &emit.with_json_stdout(targs.format == Some(libtest_mimic::FormatSetting::Json));
    let suite = match Suite::load_project(project) {
        Ok(s) => s,
        Err(d) => {
            emit.note(d);
            return Ok(INVALID);
        }
    };
    let named = match name_runtimes(project, &cfg.runtimes, emit) {
        Ok(n) => n,
        Err(code) => return Ok(code),
    };
    cfg.runtimes = named.iter().map(|n| n.name.clone()).collect();
    let location = match baselines::Location::new(opts.baseline.as_deref(), &named) {
        Ok(l) => l,
        Err(e) => {
            emit.note(e);
            return Ok(INVALID);
        }
    };
    if let Err(e) = runtimes::check_names(project, &cfg.runtimes) {
        emit.note(e);
        return Ok(INVALID);
    }
    if cfg
        .runtimes
        .iter()
        .any(|r| r != crate::exec::reference::NAME)
    {
        // Checked before anything runs: without the sandbox no process runtime may run a
        // case, unless the user said so.
        match cfg.sandbox() {
            Ok(s) if s.is_on() => emit.note(format_args!(
                "sandbox: {}{}",
                s.describe(),
                if crate::exec::cell::enabled(&s) {
                    "; a worker's cases share one sandbox, emptied between cases"
                } else {
                    ""
                }
            )),
            Ok(_) => emit.note(
                "sandbox: NONE (--no-sandbox): cases run with the harness's user, files, network and environment",
            ),
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                return Ok(INVALID);
            }
        }
    }
    // Baselines are read before anything runs, so that a missing or corrupted one costs no run.
    let previous = if opts.check || opts.update_baseline {
        match baselines::load(project, &named, &location, opts.check, emit) {
            Ok(b) => b,
            Err(code) => return Ok(code),
        }
    } else {
        Vec::new()
    };
    if opts.check {
        cfg.known = crate::workflow::known::from_baselines(&baselines::pairs(&previous));
    }
    crate::exec::process::install_interrupt_handler();
    // On a terminal (and not in CI) a progress bar replaces libtest's line per case; any
    // libtest option (--list, --format, --exact, ...) asks for libtest's own output.
    let interactive = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("CI").is_none()
        && !opts.libtest.iter().any(|a| a.starts_with('-'));
    let result = if interactive {
        runner::run_with_progress(project, &suite, &cfg, &targs)
    } else {
        runner::run(project, &suite, &cfg, &targs)
    };
    summary::print(&suite, &result, emit);
    let mut code = if result.conclusion.has_failed() {
        FAILED
    } else {
        PASSED
    };
    // The files come before the baseline verdict, so that CI keeps them when the check fails.
    if opts.results.is_some() || opts.junit.is_some() {
        let doc = Results::from_run(
            cfg.repeat,
            cfg.timeout,
            Some(&suite),
            &result.runtimes,
            &result.records,
        );
        if let Some(p) = &opts.results {
            code = code.max(write_output(p, "results", doc.to_json().as_bytes(), emit));
        }
        if let Some(p) = &opts.junit {
            code = code.max(write_output(
                p,
                "JUnit XML",
                doc.to_junit().as_bytes(),
                emit,
            ));
        }
    }
    if !(opts.check || opts.update_baseline) {
        return Ok(exit_code(code, None));
    }
    if result.records.is_empty() {
        emit.note("baseline: no case ran (--list, or a filter that matches nothing); nothing was checked or written");
        return Ok(exit_code(code, None));
    }
    let verdict = if opts.update_baseline {
        baselines::update(project, &suite, &result, &previous, &location, emit)
    } else {
        baselines::check(project, &suite, &result, &previous, &location, emit)
    };
    Ok(exit_code(code, Some(verdict)))
}

/// Write an output file the user asked for; [`PASSED`] when written, [`INVALID`] when not.
fn write_output(path: &Path, what: &str, bytes: &[u8], emit: &Emitter) -> u8 {
    match write_atomic(path, bytes) {
        Ok(()) => {
            emit.note(format_args!("{what} written to {}", path.display()));
            PASSED
        }
        Err(e) => {
            emit.note(format_args!(
                "error: {}: cannot write the {what} file: {e}; check that its directory is writable",
                path.display()
            ));
            INVALID
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_baseline_verdict_replaces_the_run_s_unless_a_file_was_not_written() {
        // Without a baseline, the run decides.
        assert_eq!(exit_code(PASSED, None), PASSED);
        assert_eq!(exit_code(FAILED, None), FAILED);
        assert_eq!(exit_code(INVALID, None), INVALID);
        // Known failures are not failures under --check ...
        assert_eq!(exit_code(FAILED, Some(PASSED)), PASSED);
        // ... a changed behaviour is, even when every case passed ...
        assert_eq!(exit_code(PASSED, Some(FAILED)), FAILED);
        // ... a baseline that could not be written fails ...
        assert_eq!(exit_code(PASSED, Some(INVALID)), INVALID);
        // ... and so does a results file that could not be written, whatever the baseline says.
        assert_eq!(exit_code(INVALID, Some(PASSED)), INVALID);
        assert_eq!(exit_code(INVALID, Some(FAILED)), INVALID);
    }

    #[test]
    fn the_default_runtime_is_named_and_repeated_names_run_once() {
        let emit = Emitter::capturing();
        let cfg = settle(&ConformanceOptions::default(), &emit).expect("valid");
        assert_eq!(cfg.runtimes, vec![DEFAULT_RUNTIME.to_string()]);
        assert_eq!(cfg.repeat, 1);
        assert_eq!(
            emit.captured().stderr,
            format!(
                "conformance: no --runtime given; using the default runtime {DEFAULT_RUNTIME}\n"
            )
        );

        let emit = Emitter::capturing();
        let opts = ConformanceOptions {
            runtimes: vec!["bun".into(), "bun".into(), "deno".into()],
            pool: true,
            shard: Some((2, 4)),
            ..ConformanceOptions::default()
        };
        let cfg = settle(&opts, &emit).expect("valid");
        assert_eq!(cfg.runtimes, vec!["bun".to_string(), "deno".to_string()]);
        assert_eq!((cfg.pool, cfg.shard), (true, Some((2, 4))));
        assert_eq!(emit.captured().stderr, "");
    }

    #[test]
    fn options_that_exclude_each_other_are_usage_errors() {
        let emit = Emitter::capturing();
        let refused = |opts: ConformanceOptions| settle(&opts, &emit).err().map(|e| e.0);
        let both = refused(ConformanceOptions {
            check: true,
            update_baseline: true,
            ..ConformanceOptions::default()
        });
        assert!(
            both.as_deref()
                .is_some_and(|m| m.starts_with("--check and --update-baseline cannot be combined")),
            "{both:?}"
        );
        assert_eq!(
            refused(ConformanceOptions {
                check: true,
                bless: true,
                ..ConformanceOptions::default()
            })
            .as_deref(),
            Some("--check cannot be combined with --bless")
        );
        assert_eq!(
            refused(ConformanceOptions {
                results: Some(PathBuf::new()),
                ..ConformanceOptions::default()
            })
            .as_deref(),
            Some("--results needs a file name")
        );
        // The default runtime is embedded: there is no process to pool.
        let pooled = refused(ConformanceOptions {
            pool: true,
            ..ConformanceOptions::default()
        });
        assert!(
            pooled.as_deref().is_some_and(|m| m
                .starts_with("--pool applies to runtimes started as a process")
                && m.ends_with("`reference` is not one")),
            "{pooled:?}"
        );
        let pooled = refused(ConformanceOptions {
            runtimes: vec!["node@26".into(), "workerd".into()],
            pool: true,
            ..ConformanceOptions::default()
        });
        assert!(
            pooled
                .as_deref()
                .is_some_and(|m| m.ends_with("`workerd` is not one")),
            "{pooled:?}"
        );
    }

    #[test]
    fn baseline_needs_a_path_and_a_check_or_an_update() {
        let emit = Emitter::capturing();
        let refused = |opts: ConformanceOptions| settle(&opts, &emit).err().map(|e| e.0);
        let empty = refused(ConformanceOptions {
            baseline: Some(PathBuf::new()),
            check: true,
            ..ConformanceOptions::default()
        });
        assert!(
            empty
                .as_deref()
                .is_some_and(|m| m.starts_with("--baseline needs a path")),
            "{empty:?}"
        );
        let alone = refused(ConformanceOptions {
            baseline: Some(PathBuf::from("baselines")),
            ..ConformanceOptions::default()
        });
        assert!(
            alone
                .as_deref()
                .is_some_and(|m| m.contains("give one of them too")),
            "{alone:?}"
        );
        for (check, update_baseline) in [(true, false), (false, true)] {
            let opts = ConformanceOptions {
                baseline: Some(PathBuf::from("baselines")),
                check,
                update_baseline,
                ..ConformanceOptions::default()
            };
            assert!(settle(&opts, &emit).is_ok());
        }
    }
}
