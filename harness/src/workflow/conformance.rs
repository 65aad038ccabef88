//! A conformance run as the front door offers it: the options checked, the cases run on each
//! runtime, the summary said, the results and JUnit files written, and the run judged either
//! by "every case passed" or, with `--check` / `--update-baseline`, by the baselines.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exec::runner::{self, RunConfig, DEFAULT_RUNTIME};
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
    /// Where to write the results as JSON.
    pub results: Option<PathBuf>,
    /// Where to write the results as JUnit XML.
    pub junit: Option<PathBuf>,
    /// The filter and libtest's options, handed to libtest as given.
    pub libtest: Vec<String>,
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
            results: None,
            junit: None,
            libtest: Vec::new(),
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

/// Run the conformance cases of `project` as `opts` asks.
pub fn run(project: &Project, opts: &ConformanceOptions, emit: &Emitter) -> Exit {
    let cfg = settle(opts, emit)?;
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
    if let Err(e) = runtimes::check_names(project, &cfg.runtimes) {
        emit.note(e);
        return Ok(INVALID);
    }
    if cfg
        .runtimes
        .iter()
        .any(|r| r != crate::exec::reference::NAME)
    {
        match crate::exec::process::network_isolation() {
            Ok(()) => emit.note("network: each case runs in its own namespace with loopback only"),
            Err(e) => emit.note(format_args!(
                "network: NOT isolated on this machine ({e}); cases see its network"
            )),
        }
    }
    // Baselines are read before anything runs, so that a missing or corrupted one costs no run.
    let previous = if opts.check || opts.update_baseline {
        match baselines::load(project, &cfg.runtimes, opts.check, emit) {
            Ok(b) => b,
            Err(code) => return Ok(code),
        }
    } else {
        Vec::new()
    };
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
        baselines::update(project, &suite, &result, &previous, emit)
    } else {
        baselines::check(project, &suite, &result, &previous, emit)
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
}
