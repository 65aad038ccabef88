//! `explore`: generated programs ([`crate::input::program`]) run on the reference and on a
//! runtime; the programs where the two disagree are grouped by a signature (how the first
//! divergent line differs, and the operations on the path to it), and the first program of
//! each group is minimised into a case ready for review.
//!
//! Which side is right: against node@26 the reference is the one on trial (a disagreement is
//! a bug in the reference, or a rule the spec has not written down), so the case's snapshot is
//! Node's trace; against any other runtime the reference stands for the spec, and the snapshot
//! is the reference's trace.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::exec::adapter::Adapter;
use crate::exec::executor::Executor;
use crate::exec::reference::ReferenceAdapter;
use crate::exec::runtimes::Registry;
use crate::exec::sandbox::Sandbox;
use crate::input::case::{parse_case, Case};
use crate::input::files::write_atomic;
use crate::input::order::{Glob, Ordering as Order};
use crate::input::program::{minimise, Program, Shape};
use crate::input::project::{Project, Suite};
use crate::judge::outcome::observed_trace;
use crate::report::baseline::{self, Baseline};
use crate::report::explore::{ExploreReport, Group};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, UsageError, FAILED, INVALID, PASSED};

/// The runtime whose behaviour the spec follows: against it, the reference is on trial.
pub const TRUTH: &str = "node@26";
/// Programs run between two looks at the clock and the progress line.
const BATCH: usize = 200;
/// Checks one group's minimisation may make (each runs both runtimes once).
const MINIMISE_CHECKS: usize = 300;
/// Time all groups' minimising may take together.
const MINIMISE_TIME: Duration = Duration::from_secs(300);
/// Time allowed to one program on either runtime.
const PROGRAM_TIMEOUT: Duration = Duration::from_secs(10);

/// What `explore` is asked to do.
#[derive(Debug, Clone)]
pub struct ExploreOptions {
    pub runtime: String,
    pub seed: u64,
    /// Programs to run (default 1000 when no time is given).
    pub budget: Option<usize>,
    pub time: Option<Duration>,
    /// Where the cases and `explore.md` go (default `target/explore/<runtime>`).
    pub out: Option<PathBuf>,
    pub shape: Shape,
    /// Run the programs in the runtime's pool processes (`--pool`), where its adapter file
    /// does not say pooling is slower there.
    pub pool: bool,
}

/// The reference and one runtime, ready to run programs on both.
pub struct Explorer {
    reference: ReferenceAdapter,
    runtime: Arc<dyn Adapter>,
    pub name: String,
    pub version: String,
    /// The runtime's trace is taken as right (it is [`TRUTH`]).
    runtime_is_truth: bool,
    suite: Suite,
}

/// Both traces of one program.
#[derive(Debug, Clone)]
pub struct Runs {
    /// The trace taken as right, and the other one.
    pub truth: Vec<String>,
    pub other: Vec<String>,
}

impl Explorer {
    /// The reference and `runtime` (a pinned runtime, an adapter file or workerd), prepared.
    pub fn new(
        project: &Project,
        suite: Suite,
        runtime: &str,
        pool: bool,
    ) -> Result<Explorer, String> {
        if runtime == crate::exec::reference::NAME {
            return Err(
                "explore compares the reference with another runtime: pass --runtime node@26 (or bun, deno, ...)"
                    .into(),
            );
        }
        let registry = Registry::load(&project.root).map_err(|d| d.to_string())?;
        let sandbox = Sandbox::detect().map_err(|e| e.to_string())?;
        let adapter: Arc<dyn Adapter> = if runtime == crate::exec::workerd::NAME {
            if pool {
                eprintln!("runtime {runtime}: --pool applies to runtimes started as a process per case; workerd runs its workers as always");
            }
            Arc::new(crate::exec::workerd::WorkerdAdapter::prepare(
                &registry, &sandbox,
            )?)
        } else {
            let a = registry.prepare(runtime, &sandbox)?;
            match (&a.file.no_pool, pool) {
                (_, false) => Arc::new(a),
                (Some(why), true) => {
                    eprintln!("runtime {runtime}: --pool steps aside, pooling does not pay here ({why}); a process per program instead");
                    Arc::new(a)
                }
                (None, true) => Arc::new(crate::exec::pool::PoolAdapter::new(a)?),
            }
        };
        let version = adapter.facts().version.clone();
        Ok(Explorer {
            reference: ReferenceAdapter::new(),
            runtime: adapter,
            name: runtime.to_string(),
            version,
            runtime_is_truth: runtime == TRUTH,
            suite,
        })
    }

    /// Which side is right, in words.
    pub fn truth(&self) -> String {
        if self.runtime_is_truth {
            self.name.clone()
        } else {
            "the reference".into()
        }
    }

    /// `program` as a case (through the case parser, so that a written case loads as it ran).
    pub fn case_of(
        &self,
        program: &Program,
        id: &str,
        title: &str,
        spec: &[String],
    ) -> Result<Case, String> {
        let text = case_text(program, title, spec);
        parse_case(
            &PathBuf::from(format!("{id}.yaml")),
            id,
            &text,
            &self.suite.features,
            &self.suite.spec,
        )
        .map_err(|d| format!("a generated program is not a valid case: {d}"))
    }

    /// Run `program` on both runtimes.
    pub fn run(&self, program: &Program) -> Result<Runs, String> {
        let case = self.case_of(
            program,
            "explore/program",
            "a generated program",
            &self.requirements(program, ""),
        )?;
        let on_reference = observed_trace(&self.reference.execute(&case, PROGRAM_TIMEOUT));
        let exec = self.runtime.execute(&case, PROGRAM_TIMEOUT);
        if let crate::judge::execution::End::CouldNotRun(e) = &exec.end {
            return Err(format!("{} could not run a program: {e}", self.name));
        }
        let on_runtime = observed_trace(&exec);
        Ok(if self.runtime_is_truth {
            Runs {
                truth: on_runtime,
                other: on_reference,
            }
        } else {
            Runs {
                truth: on_reference,
                other: on_runtime,
            }
        })
    }

    /// The requirements `program`'s shapes, operations and recorded hook types stand for, as
    /// far as the spec has them, the most specific to `signature` first (a known cause is
    /// looked up in this order): for a hook line, the hook types' (the one it names first);
    /// otherwise the shapes', then the operation it names, then the other operations', then
    /// the hook types'. Every program reads stores, so it cites at least ALS-GET-001.
    pub fn requirements(&self, program: &Program, signature: &str) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let named = |k: &&str| {
            signature.contains(&format!(" {k} ")) || signature.ends_with(&format!(" {k}"))
        };
        let mut hooks: Vec<&str> = program.hooks.clone();
        hooks.sort_by_key(|t| !named(t));
        let hooks: Vec<&str> = hooks.into_iter().filter_map(requirement_of_hook).collect();
        let shaped: Vec<&str> = program
            .patterns()
            .into_iter()
            .filter_map(requirement_of_pattern)
            .collect();
        let mut kinds = program.kinds();
        kinds.sort_by_key(|k| !named(k));
        let kinds: Vec<&str> = kinds.into_iter().filter_map(requirement_of).collect();
        let order: Vec<&str> = if signature.starts_with("hook") {
            [hooks, shaped, kinds].concat()
        } else {
            [shaped, kinds, hooks].concat()
        };
        for id in order {
            if self.suite.spec.contains(id) && !ids.iter().any(|i| i == id) {
                ids.push(id.to_string());
            }
        }
        if ids.is_empty() && self.suite.spec.contains("ALS-GET-001") {
            ids.push("ALS-GET-001".into());
        }
        ids
    }

    /// How the two runtimes disagree on `program`, or `None` when they agree: compared as
    /// the suite's judge compares, after the order freedoms the program declares.
    pub fn signature(&self, program: &Program) -> Result<Option<String>, String> {
        let runs = self.run(program)?;
        let order = ordering(program);
        Ok(signature(
            program,
            &order.normalise(&runs.truth),
            &order.normalise(&runs.other),
        ))
    }
}

/// The order freedoms of a program: with I/O, which line comes first depends on the machine,
/// so every trace line's order is free and the lines are compared by the stores they see.
pub fn ordering(program: &Program) -> Order {
    Order {
        free: if program.has_io() {
            vec![vec![Glob::new(TRACE_LINE)]]
        } else {
            Vec::new()
        },
    }
}

/// The pattern of a program's trace line (`t3: "v1", undefined`).
const TRACE_LINE: &str = "t*: *";

/// The YAML of a generated case.
pub fn case_text(program: &Program, title: &str, spec: &[String]) -> String {
    let script: String = program
        .render()
        .lines()
        .map(|l| {
            if l.is_empty() {
                "\n".to_string()
            } else {
                format!("  {l}\n")
            }
        })
        .collect();
    let mut extra = String::new();
    if !program.hooks.is_empty() {
        extra.push_str(&format!(
            "hooks:\n  types: [{}]\n",
            program.hooks.join(", ")
        ));
    }
    if program.has_io() {
        extra.push_str(&format!("order:\n  free:\n    - [\"{TRACE_LINE}\"]\n"));
    }
    format!(
        "title: {}\nspec: [{}]\nfeatures: [{}]\nmodule: cjs\n{extra}script: |\n{script}",
        serde_json::to_string(title).unwrap_or_default(),
        spec.join(", "),
        program.features().join(", "),
    )
}

/// The requirement each operation on the path to a divergence stands for, as far as the spec
/// has one (checked against the spec by the caller).
fn requirement_of(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "run" => "ALS-RUN-001",
        "exit" => "ALS-EXIT-001",
        "enterWith" => "ALS-ENTER-002",
        "disable" => "ALS-DISABLE-001",
        "nextTick" => "ALS-PROP-004",
        "queueMicrotask" => "ALS-PROP-005",
        "then" => "ALS-PROP-006",
        "await" => "ALS-PROP-008",
        "thenable" => "ALS-PATH-001",
        "for-await" => "ALS-PATH-004",
        "emit" => "ALS-PATH-009",
        "runInAsyncScope" => "RES-SCOPE-001",
        "bind" => "ALS-BIND-001",
        "snapshot" => "ALS-SNAPSHOT-001",
        "setInterval" => "ALS-PROP-002",
        "unhandledRejection" => "ALS-PATH-019",
        "EventEmitterAsyncResource" => "ALS-PATH-010",
        "AsyncResource.bind" => "RES-BIND-001",
        "fs.readFile" => "ALS-PATH-011",
        "fs.promises" => "ALS-PATH-012",
        "crypto.randomBytes" => "CRYPTO-CB-001",
        "zlib.deflate" => "ZLIB-CB-001",
        "timers/promises" => "ALS-PATH-013",
        _ => return None,
    })
}

/// The requirement about the hook events of one resource type a program records.
fn requirement_of_hook(resource_type: &str) -> Option<&'static str> {
    Some(match resource_type {
        "Timeout" => "HOOK-TIMEOUT-001",
        "Immediate" => "HOOK-IMMEDIATE-001",
        "TickObject" => "HOOK-TICK-001",
        "Microtask" => "HOOK-LIFE-007",
        "PROMISE" => "HOOK-PROMISE-001",
        "Explored" => "HOOK-LIFE-009",
        _ => return None,
    })
}

/// The requirement a shape of a program (see [`Program::patterns`]) is about.
fn requirement_of_pattern(pattern: &str) -> Option<&'static str> {
    Some(match pattern {
        "enterWith-in-other-run" => "ALS-MIX-006",
        "run-in-other-run" => "ALS-MIX-002",
        "exit-in-other-run" => "ALS-MIX-007",
        "async-in-exit" => "ALS-EXIT-004",
        "disable-then-run" => "ALS-MIX-004",
        "tick-and-microtask-in-main" => "LOOP-MAIN-001",
        "tick-and-microtask-in-callback" => "LOOP-TICK-001",
        "tick-in-microtask" => "LOOP-TICK-003",
        "timer-in-interval" => "LOOP-INTERVAL-002",
        "in-rejection-listener" => "ERR-REJECT-001",
        _ => return None,
    })
}

/// The requirements of the same rule family as `ids` (`ALS-DISABLE-001` → every
/// `ALS-DISABLE-*`): where to look for a known cause when none of `ids` itself has one.
fn families(suite: &Suite, ids: &[String]) -> Vec<String> {
    let prefixes: Vec<&str> = ids
        .iter()
        .filter_map(|id| id.rsplit_once('-').map(|(p, _)| p))
        .collect();
    suite
        .spec
        .requirements()
        .map(|r| r.id.clone())
        .filter(|id| {
            id.rsplit_once('-')
                .is_some_and(|(p, _)| prefixes.contains(&p))
        })
        .collect()
}

/// What one group of disagreements holds while the search goes on.
struct Found {
    signature: String,
    programs: usize,
    seed: u64,
}

/// Run the search, minimise each group's first program, write the cases and `explore.md`.
pub fn explore(project: &Project, opts: &ExploreOptions, emit: &Emitter) -> Exit {
    if opts.budget == Some(0) {
        return Err(UsageError("--budget needs at least one program".into()));
    }
    let suite = match Suite::load_project(project) {
        Ok(s) => s,
        Err(d) => {
            emit.note(d);
            return Ok(INVALID);
        }
    };
    let explorer = match Explorer::new(project, suite, &opts.runtime, opts.pool) {
        Ok(e) => e,
        Err(e) => {
            emit.note(format_args!("error: {e}"));
            return Ok(INVALID);
        }
    };
    let budget = opts.budget.unwrap_or(if opts.time.is_some() {
        usize::MAX
    } else {
        1000
    });
    let out = opts.out.clone().unwrap_or_else(|| {
        project
            .root
            .join("target/explore")
            .join(baseline::file_name(&opts.runtime).trim_end_matches(".snap"))
    });
    emit.note(format_args!(
        "explore: {} {} against the reference ({} taken as right), from seed {}, {}",
        explorer.name,
        explorer.version,
        explorer.truth(),
        opts.seed,
        match opts.time {
            Some(t) => format!("for {} s or {} programs", t.as_secs(), budget),
            None => format!("{budget} programs"),
        }
    ));
    crate::exec::process::install_interrupt_handler();
    let started = Instant::now();
    let workers = crate::exec::runner::default_workers(std::slice::from_ref(&opts.runtime));
    let executor = Executor::new(workers);
    let mut found: Vec<Found> = Vec::new();
    let (mut ran, mut errors, mut first_error) = (0usize, 0usize, None::<String>);
    let done = AtomicUsize::new(0);
    let groups_so_far = AtomicUsize::new(0);
    while ran < budget && opts.time.is_none_or(|t| started.elapsed() < t) {
        let n = BATCH.min(budget - ran);
        let seeds: Vec<u64> = (0..n as u64)
            .map(|i| opts.seed + (ran as u64) + i)
            .collect();
        let results = executor.map(&seeds, |&seed| {
            let r = explorer.signature(&Program::generate(seed, opts.shape));
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(10) {
                emit.progress(bar(
                    n,
                    budget,
                    opts.time,
                    started.elapsed(),
                    groups_so_far.load(Ordering::Relaxed),
                ));
            }
            r
        });
        for (seed, r) in seeds.iter().zip(results) {
            match r {
                Ok(None) => {}
                Ok(Some(sig)) => match found.iter_mut().find(|f| f.signature == sig) {
                    Some(f) => f.programs += 1,
                    None => found.push(Found {
                        signature: sig,
                        programs: 1,
                        seed: *seed,
                    }),
                },
                Err(e) => {
                    errors += 1;
                    first_error.get_or_insert(format!("seed {seed}: {e}"));
                }
            }
        }
        ran += n;
        groups_so_far.store(found.len(), Ordering::Relaxed);
        if emit.interactive() {
            emit.progress(bar(ran, budget, opts.time, started.elapsed(), found.len()));
        } else {
            let secs = started.elapsed().as_secs_f64();
            emit.note(format_args!(
                "explore: {ran} programs, {:.0}/s, {} group{} of disagreements",
                ran as f64 / secs.max(1e-9),
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            ));
        }
        if errors > 0 && errors == ran {
            break;
        }
    }
    emit.progress_end();
    let seconds = started.elapsed().as_secs_f64();

    // Known causes: the runtime's baseline and the register, by requirement.
    let baseline = Baseline::load(&baseline::path_for(project, &opts.runtime))
        .ok()
        .flatten();
    let mut groups = Vec::new();
    // The biggest groups first; minimising stops taking steps once its time is spent, and
    // the groups left are written as found.
    found.sort_by(|a, b| b.programs.cmp(&a.programs).then(a.seed.cmp(&b.seed)));
    let minimise_until = Instant::now() + MINIMISE_TIME;
    for f in &found {
        let program = Program::generate(f.seed, opts.shape);
        let (small, _) = minimise(&program, MINIMISE_CHECKS, |p| {
            Instant::now() < minimise_until
                && explorer.signature(p).ok().flatten().as_deref() == Some(f.signature.as_str())
        });
        let spec = explorer.requirements(&small, &f.signature);
        // A cause of the runtime's failures of these requirements, else of their families.
        let known = baseline.as_ref().and_then(|b| {
            known_cause(&explorer.suite, b, &opts.runtime, &spec).or_else(|| {
                let wider = families(&explorer.suite, &spec);
                known_cause(&explorer.suite, b, &opts.runtime, &wider)
            })
        });

        let slug = slug(&f.signature);
        let where_ = full_path(&small);
        let title = if explorer.runtime_is_truth {
            format!(
                "explore: the reference disagrees with {}: {}{where_}",
                explorer.name, f.signature
            )
        } else {
            format!(
                "explore: {} diverges from the reference: {}{where_}",
                explorer.name, f.signature
            )
        };
        let file = format!("{slug}.yaml");
        match write_case(&explorer, &small, &out, &slug, &title, &spec) {
            Ok(()) => {}
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                return Ok(INVALID);
            }
        }
        groups.push(Group {
            signature: f.signature.clone(),
            programs: f.programs,
            seed: f.seed,
            size: program.size(),
            minimised_size: small.size(),
            case_file: file,
            spec,
            known,
        });
    }
    // The minimising ran on this thread: its cells end now.
    crate::exec::cell::release();
    let report = ExploreReport {
        runtime: explorer.name.clone(),
        version: explorer.version.clone(),
        truth: explorer.truth(),
        first_seed: opts.seed,
        programs: ran,
        errors,
        first_error,
        seconds,
        groups,
    };
    let md = out.join("explore.md");
    if let Err(e) = write_atomic(&md, report.to_markdown().as_bytes()) {
        emit.note(format_args!("error: cannot write {}: {e}", md.display()));
        return Ok(INVALID);
    }
    emit.note(format_args!("{}", report.summary_line()));
    emit.note(format_args!(
        "explore: cases and summary in {}",
        project.relative(&out).display()
    ));
    Ok(
        if report.errors > 0 || report.groups.iter().any(|g| g.known.is_none()) {
            FAILED
        } else {
            PASSED
        },
    )
}

/// The progress bar: how far the search is (by programs, or by time when only a time is
/// given), its speed and the groups found so far.
pub fn bar(
    done: usize,
    budget: usize,
    time: Option<Duration>,
    elapsed: Duration,
    groups: usize,
) -> String {
    const WIDTH: usize = 30;
    let fraction = match (budget, time) {
        (usize::MAX, Some(t)) => elapsed.as_secs_f64() / t.as_secs_f64().max(1e-9),
        _ => done as f64 / budget.max(1) as f64,
    }
    .clamp(0.0, 1.0);
    let filled = (fraction * WIDTH as f64).round() as usize;
    let of = if budget == usize::MAX {
        String::new()
    } else {
        format!("/{budget}")
    };
    format!(
        "explore [{}{}] {done}{of} programs, {:.0}/s, {groups} group{}",
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        done as f64 / elapsed.as_secs_f64().max(1e-9),
        if groups == 1 { "" } else { "s" }
    )
}

/// ` (path: run > later > thenable)`: where in the minimised program the first divergent
/// line is traced, when the program has one trace (a minimised program usually has).
fn full_path(program: &Program) -> String {
    let mut labels = Vec::new();
    fn walk(b: &[crate::input::program::Node], out: &mut Vec<u32>) {
        for n in b {
            if let crate::input::program::Node::Trace(l) = n {
                out.push(*l);
            }
            if let Some(body) = n.body() {
                walk(body, out);
            }
        }
    }
    walk(&program.body, &mut labels);
    match labels.as_slice() {
        [one] => match program.path_to(*one) {
            Some(p) if p.len() > 1 => format!(" (path: {})", p.join(" > ")),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The register's cause for the runtime's known failure of one of `spec`'s requirements,
/// the first requirement first (the shapes of the program come before its operations).
fn known_cause(
    suite: &Suite,
    baseline: &Baseline,
    runtime: &str,
    spec: &[String],
) -> Option<String> {
    for id in spec {
        for case_id in baseline.entries.keys() {
            let cites = suite
                .cases
                .iter()
                .any(|c| &c.id == case_id && c.spec.contains(id));
            if !cites {
                continue;
            }
            if let Some(cause) = suite.register.causes(runtime, case_id).first() {
                return Some(format!("{} (as {case_id}, {id})", cause.title));
            }
        }
    }
    None
}

/// A file name from a signature: lower-case words joined by dashes, and a short hash so that
/// two signatures never share a file.
fn slug(signature: &str) -> String {
    let words: Vec<String> = signature
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_ascii_lowercase())
        .collect();
    let mut h: u32 = 0x811c_9dc5;
    for b in signature.bytes() {
        h = (h ^ b as u32).wrapping_mul(0x0100_0193);
    }
    let mut s = words.join("-");
    s.truncate(60);
    format!("{}-{:08x}", s.trim_end_matches('-'), h)
}

/// Write the case and its snapshot (the trace taken as right) into `out`.
fn write_case(
    explorer: &Explorer,
    program: &Program,
    out: &std::path::Path,
    slug: &str,
    title: &str,
    spec: &[String],
) -> Result<(), String> {
    let runs = explorer.run(program)?;
    let yaml = case_text(program, title, spec);
    let mut snap = format!(
        "---\nsource: {slug}.yaml\ndescription: {}\nexpression: trace\n---\n",
        title
    );
    for l in &runs.truth {
        snap.push_str(l);
        snap.push('\n');
    }
    let note = if spec.is_empty() {
        "# No requirement covers this yet: write one in spec/ before the case joins the corpus.\n"
    } else {
        ""
    };
    let side = if explorer.runtime_is_truth {
        format!(
            "# Found by cargo xtask explore: the reference disagrees with {}, whose trace is the snapshot.\n",
            explorer.name
        )
    } else {
        format!(
            "# Found by cargo xtask explore: {} diverges from the reference, whose trace is the snapshot.\n",
            explorer.name
        )
    };
    for (name, text) in [
        (format!("{slug}.yaml"), format!("{side}{note}{yaml}")),
        (format!("{slug}.snap"), snap),
    ] {
        let path = out.join(&name);
        write_atomic(&path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

/// How two traces of a program differ, in words that group one cause together.
#[path = "explore_signature.rs"]
mod signature;
pub use signature::signature;

#[cfg(test)]
#[path = "explore_tests.rs"]
mod tests;
