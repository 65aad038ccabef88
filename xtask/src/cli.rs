//! The command line of `cargo xtask`, declared with clap: every command, its options and the
//! help they print. Nothing here decides anything; `main.rs` hands the parsed options to
//! `harness::workflow`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, CommandFactory as _, Parser, Subcommand};
use harness::workflow::conformance::ConformanceOptions;
use harness::workflow::mutants::MutantsOptions;
use harness::workflow::neutrality::NeutralityOptions;
use harness::workflow::values;

/// The async_hooks conformance harness: run the cases on runtimes, check baselines, build
/// reports
///
/// Exit codes: 0 everything passed, 1 some case did not pass (with --check: the run differs
/// from a baseline), 2 invalid input or usage.
#[derive(Parser)]
#[command(name = "xtask", bin_name = "cargo xtask")]
#[command(allow_external_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    Conformance(Conformance),
    /// Run the corpus on every runtime and build the committed matrix from the results
    ///
    /// Writes reports/results/<runtime>.json per runtime, then `report` over all of them.
    Matrix {
        /// A runtime to run (repeatable; default: reference and every pinned runtime)
        #[arg(long, short = 'r', value_name = "NAME")]
        runtime: Vec<String>,
    },
    /// Merge the results files of shards into one
    ///
    /// The inputs are the --results files of `conformance --shard K/N` runs, made on one
    /// machine or several; they must not overlap.
    Merge {
        #[arg(value_name = "OUT.json")]
        out: String,
        #[arg(value_name = "IN.json", required = true)]
        inputs: Vec<String>,
    },
    /// Compare two results files, as Markdown for a pull-request comment
    ///
    /// Counts per runtime, then the cases fixed and broken, new crashes and timeouts, changed
    /// alternatives, and the cases added and removed.
    Compare {
        #[arg(value_name = "OLD.json")]
        old: String,
        #[arg(value_name = "NEW.json")]
        new: String,
    },
    /// Put the results files of several runtimes side by side
    ///
    /// Writes DIR/matrix.html, a self-contained page (cases × runtimes by spec area,
    /// requirements met, the interop score, each failure's diff and stderr), and DIR/matrix.md,
    /// a summary for a GitHub job summary.
    Report {
        /// A results file to include (repeatable; default: every reports/results/*.json)
        #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
        results: Vec<String>,
        /// The directory to write to (default: reports)
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "")]
        out: Option<String>,
    },
    /// Install or list the runtimes this checkout knows
    Runtimes {
        #[command(subcommand)]
        action: RuntimesAction,
    },
    /// Update the committed baselines after a change to the corpus
    Baselines {
        #[command(subcommand)]
        action: BaselinesAction,
    },
    Mutants(Mutants),
    Neutrality(Neutrality),
    Explore(Explore),
    /// Measure what a run costs (release build)
    ///
    /// reference: cases per second per core and the cost split (context and bootstrap, script,
    /// loop, teardown). A process runtime: the floor (started once per case) against the suite,
    /// their ratio, and the pooled suite's speed-up; medians of alternating rounds.
    Bench(Bench),
    /// The harness's own tests: install what they need, then run `cargo test`
    ///
    /// Installs Debian's chromium and npm when missing (apt-get as root; otherwise it prints the
    /// command), checks each, then runs `cargo test` with every argument given, untouched.
    #[command(disable_help_flag = true)]
    Test {
        /// Arguments for `cargo test`
        #[arg(value_name = "CARGO TEST ARGS", allow_hyphen_values = true)]
        args: Vec<String>,
        #[arg(last = true, hide = true)]
        after: Vec<String>,
    },
    #[command(external_subcommand)]
    Unknown(Vec<String>),
}

/// Run the cases on each runtime (default: reference, the embedded one)
///
/// FILTER and the options after it are those of `cargo test` (libtest): --list, --exact,
/// --skip, --test-threads, --format, ...; this command's own options may come before or after
/// the filter, and everything after `--` is libtest's. Cases run two per core on process
/// runtimes and one per core on reference, unless --test-threads says otherwise.
#[derive(Args)]
pub struct Conformance {
    /// A runtime to run on (repeatable): reference, node, node@18 … node@26, bun, deno,
    /// workerd, or the path of an adapter file (*.toml)
    #[arg(long, short = 'r', value_name = "NAME")]
    runtime: Vec<String>,
    /// Write the observed trace of every case that does not match as a pending snapshot
    /// (*.snap.new), for `cargo insta review`
    #[arg(long)]
    bless: bool,
    /// Run every case N times and count the runs per distinct trace; a case whose trace is
    /// not the same every time fails (flaky), unless --check finds it declared flaky
    #[arg(long, value_name = "N", value_parser = values::repeat)]
    repeat: Option<u32>,
    /// Time limit of every case, in milliseconds
    #[arg(long, value_name = "N", value_parser = values::timeout_ms)]
    timeout_ms: Option<Duration>,
    /// Compare each runtime's results with its baseline, reports/baselines/<runtime>.snap;
    /// exit 1 when they differ (new failures, crashes, timeouts, unexpected passes, ...)
    #[arg(long)]
    check: bool,
    /// Write each runtime's baseline from this run instead of checking it
    #[arg(long)]
    update_baseline: bool,
    /// With --check or --update-baseline: the baselines are here instead of in
    /// reports/baselines/; a directory (DIR/<runtime>.snap each) or, for one runtime, a file
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = "")]
    baseline: Option<String>,
    /// Write the results as JSON (schema ah-results/1, docs/results-schema.md)
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    results: Option<String>,
    /// Write the results as JUnit XML
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "")]
    junit: Option<String>,
    /// Run only shard K of N, a partition by case ID that is the same on every machine;
    /// --check and --update-baseline then cover that shard's cases only
    #[arg(long, value_name = "K/N", value_parser = values::shard)]
    shard: Option<(u32, u32)>,
    /// Run a process runtime's cases in worker threads of long-lived processes instead of a
    /// process each (docs/vendor-guide.md, section Pooled mode); the verdicts are the same
    #[arg(long)]
    pool: bool,
    /// With --check: print the whole report of every known failure, not one line each
    #[arg(long)]
    verbose: bool,
    /// Run process runtimes without the sandbox (bubblewrap) that confines each case; the
    /// results and reports then say so. Only for machines where it cannot be made
    /// (docs/security.md)
    #[arg(long)]
    no_sandbox: bool,
    /// A case filter, then libtest's options
    #[arg(value_name = "FILTER | LIBTEST OPTIONS")]
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    libtest: Vec<String>,
}

/// Run the corpus under mutant runtimes and report which cases kill each mutant
///
/// A mutant is node@26 with a preload from mutants/ that breaks one behaviour (docs/mutants.md).
/// The control (a preload that does nothing) runs first against plain node@26 and must flip no
/// case; a mutant whose smoke script prints the same as plain node is invalid; a case kills a
/// mutant when its verdict differs from the control's. Writes mutants.md and mutants.json to
/// reports/ for a whole run, to target/mutants/ when mutants or cases are selected. Exit 0
/// when nothing flipped and every mutant is valid and killed or explained, else 1.
#[derive(Args)]
pub struct Mutants {
    /// Run only this mutant, by ID (repeatable; default: every mutant in mutants/)
    #[arg(long = "mutant", short = 'm', value_name = "ID")]
    pub mutant: Vec<String>,
    /// The Node runtime to mutate
    #[arg(long, short = 'r', value_name = "NAME", default_value = "node@26")]
    pub runtime: String,
    /// Cases to run at once (default: two per core)
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// The directory to write mutants.md and mutants.json to
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run without the sandbox (docs/security.md)
    #[arg(long)]
    pub no_sandbox: bool,
    /// Stop running a mutant's cases at the first that kills it (the cases citing its area
    /// run first): much faster, but each mutant then names one killer, not all
    #[arg(long)]
    pub first_kill: bool,
    /// Run only the cases whose ID contains FILTER (repeatable)
    #[arg(value_name = "FILTER")]
    pub filter: Vec<String>,
}

impl From<Mutants> for MutantsOptions {
    fn from(m: Mutants) -> Self {
        MutantsOptions {
            runtime: Some(m.runtime),
            mutants: m.mutant,
            filter: m.filter,
            jobs: m.jobs.map(usize::from),
            out: m.out,
            dir: None,
            no_sandbox: m.no_sandbox,
            first_kill: m.first_kill,
        }
    }
}

/// Search for disagreements between the reference and a runtime with generated programs
///
/// Generates small async programs (timers, intervals or immediates, ticks, microtasks, promises,
/// await, thenables, async generators, unhandled rejections, EventEmitter,
/// EventEmitterAsyncResource, AsyncResource, AsyncResource.bind, AsyncLocalStorage run, exit,
/// enterWith, disable, bind, snapshot, I/O through fs, fs/promises, crypto, zlib and
/// timers/promises, hook events of chosen types), seeded, runs each on the reference and on the runtime,
/// groups the disagreements by signature and minimises each group's first program into a case
/// (YAML and snapshot) under --out, with explore.md. Against node@26 Node's trace is taken as
/// right; against any other runtime, the reference's. Exit 0 when every group is explained by
/// the register (or none was found), 1 when a group is new, 2 on bad input.
#[derive(Args)]
pub struct Explore {
    /// The runtime to compare with the reference
    #[arg(long, short = 'r', value_name = "NAME", default_value = "node@26")]
    pub runtime: String,
    /// The first seed; program N of the run has seed SEED + N
    #[arg(long, value_name = "SEED", default_value_t = 1)]
    pub seed: u64,
    /// How many programs to run (default 1000, or as many as --time allows)
    #[arg(long, value_name = "N")]
    pub budget: Option<usize>,
    /// Stop after this long: 90s, 10m, 1h
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub time: Option<std::time::Duration>,
    /// Where to write the cases and explore.md (default target/explore/RUNTIME)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Nesting depth of generated programs
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..8))]
    pub depth: u32,
    /// Run the programs in pooled processes, where the runtime's adapter file allows it
    #[arg(long)]
    pub pool: bool,
}

/// `90s`, `10m`, `1h`, or plain seconds.
fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let (n, unit) = s
        .find(|c: char| !c.is_ascii_digit())
        .map_or((s, ""), |i| s.split_at(i));
    let n: u64 = n
        .parse()
        .map_err(|_| format!("`{s}` is not a duration: write 90s, 10m or 1h"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("`{s}`: the unit must be s, m or h")),
    };
    Ok(std::time::Duration::from_secs(secs))
}

impl From<Explore> for harness::workflow::explore::ExploreOptions {
    fn from(e: Explore) -> Self {
        harness::workflow::explore::ExploreOptions {
            runtime: e.runtime,
            seed: e.seed,
            budget: e.budget,
            time: e.time,
            out: e.out,
            shape: harness::input::program::Shape {
                depth: e.depth,
                ..Default::default()
            },
            pool: e.pool,
        }
    }
}

/// Check that the harness's instrument does not change what it measures
///
/// Runs every case through the harness and through a minimal instrument (no module loaded,
/// nothing read, no descriptor opened, no process listener; records on standard error) and
/// compares the traces (docs/neutrality.md). A difference seen the same way in three pairs of
/// runs is an observer effect; the register names the known ones as "Instrument limit" causes.
/// Writes neutrality.md to reports/ for a whole run, to target/neutrality/ otherwise. Exit 0
/// when every difference is a known limit, else 1.
#[derive(Args)]
pub struct Neutrality {
    /// A runtime to check (repeatable; default: node@26, node@24, node@22, node@20, node@18,
    /// bun, deno)
    #[arg(long, short = 'r', value_name = "NAME")]
    pub runtime: Vec<String>,
    /// The directory to write neutrality.md to
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Run without the sandbox (docs/security.md)
    #[arg(long)]
    pub no_sandbox: bool,
    /// Leave out the cases whose ID contains SUBSTR (repeatable; for known flakes)
    #[arg(long, value_name = "SUBSTR")]
    pub skip: Vec<String>,
    /// Run only the cases whose ID contains FILTER (repeatable)
    #[arg(value_name = "FILTER")]
    pub filter: Vec<String>,
}

impl From<Neutrality> for NeutralityOptions {
    fn from(n: Neutrality) -> Self {
        NeutralityOptions {
            runtimes: n.runtime,
            filter: n.filter,
            skip: n.skip,
            out: n.out,
            no_sandbox: n.no_sandbox,
        }
    }
}

#[derive(Args)]
pub struct Bench {
    /// Runtimes to measure (default: reference)
    #[arg(value_name = "RUNTIME")]
    pub runtimes: Vec<String>,
    /// Rounds per runtime (default 5 for reference, 3 for a process runtime)
    #[arg(long, value_name = "N", value_parser = values::rounds)]
    pub rounds: Option<usize>,
    /// Store the figures in reports/bench.md
    #[arg(long)]
    pub write: bool,
}

#[derive(Subcommand)]
pub enum BaselinesAction {
    /// Write again the baseline of every runtime that has one (or of those named), in one run
    ///
    /// Runtimes that are not installed are left as they are and named with the command that
    /// installs them; --install installs them first.
    Update {
        /// Runtimes to update (default: every runtime with a file in reports/baselines)
        names: Vec<String>,
        /// Install the pinned runtimes that are missing instead of leaving them out
        #[arg(long)]
        install: bool,
    },
}

#[derive(Subcommand)]
pub enum RuntimesAction {
    /// Install pinned runtimes (every one in runtimes/lock.toml when none is named)
    Install { names: Vec<String> },
    /// Show the runtimes this checkout knows
    List,
}

impl From<Conformance> for ConformanceOptions {
    fn from(c: Conformance) -> Self {
        ConformanceOptions {
            runtimes: c.runtime,
            bless: c.bless,
            repeat: c.repeat.unwrap_or(1),
            timeout: c.timeout_ms,
            shard: c.shard,
            pool: c.pool,
            check: c.check,
            update_baseline: c.update_baseline,
            baseline: c.baseline.map(PathBuf::from),
            results: c.results.map(PathBuf::from),
            junit: c.junit.map(PathBuf::from),
            libtest: c.libtest,
            verbose: c.verbose,
            no_sandbox: c.no_sandbox,
        }
    }
}

/// The command line, with `conformance`'s own options allowed after its filter.
pub fn args() -> Vec<String> {
    let mut args: Vec<String> = std::env::args().collect();
    let cli = Cli::command();
    let Some(sub) = args.get(1).and_then(|a| cli.find_subcommand(a)) else {
        return args;
    };
    let own = sub
        .get_arguments()
        .filter(|a| !a.is_positional())
        .flat_map(|a| {
            let v = a.get_action().takes_values();
            let long = a.get_long().map(|l| (format!("--{l}"), v));
            long.into_iter()
                .chain(a.get_short().map(|c| (format!("-{c}"), v)))
        });
    if sub.get_name() == "conformance" {
        let rest = values::hoist_own_options(&args[2..], &own.collect::<Vec<_>>());
        args.truncate(2);
        args.extend(rest);
    }
    args
}
