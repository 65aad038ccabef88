//! `mutants`: run the corpus on node@26 under mutant runtimes, each node@26 with a preload from
//! `mutants/` that breaks one behaviour, and report which cases kill which mutant.
//!
//! The run goes in three steps. First every selected case runs twice, on plain node@26 and
//! under the control (a preload that does nothing): the cases whose verdicts differ are the
//! control's flips, which a sound loading method keeps at zero. Then each mutant's smoke script
//! runs with and without it; a mutant that makes no difference there is invalid and does not
//! run the corpus. Last, every valid mutant runs every case; a case kills a mutant when its
//! status differs from its status under the control (or, for a case that does not pass even
//! under the control, when its trace differs). A case that still passes under a mutant has
//! accepted its behaviour, so it does not kill it. See `docs/mutants.md`.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::exec::executor::Executor;
use crate::exec::process::{self, Ended};
use crate::exec::process_adapter::ProcessAdapter;
use crate::exec::runner::{self, expected_wait_ms, run_case, DEFAULT_TIMEOUT};
use crate::exec::runtimes::Registry;
use crate::exec::sandbox::Sandbox;
use crate::input::case::Case;
use crate::input::files::write_atomic;
use crate::input::mutant::{self, Kind, Mutant};
use crate::input::project::{Project, Suite};
use crate::input::suggest::did_you_mean;
use crate::judge::outcome::{Outcome, Status};
use crate::report::mutants::{
    self as report, Flip, Kill, MutantResult, MutantStatus, MutantsReport, Smoke,
};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, UsageError, FAILED, INVALID, PASSED};

/// The runtime mutants are made from unless `--runtime` names another Node.
pub const DEFAULT_RUNTIME: &str = "node@26";

/// A mutant's cases get at least this long, however fast they ran under the control.
const MIN_MUTANT_TIMEOUT: Duration = Duration::from_secs(3);
/// ... and otherwise this many times what they took under the control (at most their own
/// limit): a mutant that makes a case hang is told apart from a slow case without waiting the
/// whole limit of every case it hangs.
const TIMEOUT_FACTOR: u32 = 5;
/// The time limit of a smoke script.
const SMOKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a smoke script's output the report keeps.
const SMOKE_HEAD: usize = 300;

/// What `mutants` runs and where it writes.
#[derive(Debug, Clone, Default)]
pub struct MutantsOptions {
    /// The Node runtime to mutate; default [`DEFAULT_RUNTIME`].
    pub runtime: Option<String>,
    /// Mutant IDs to run; none means every mutant.
    pub mutants: Vec<String>,
    /// Run only the cases whose ID contains one of these.
    pub filter: Vec<String>,
    /// Cases run at once; default two per core.
    pub jobs: Option<usize>,
    /// Where `mutants.md` and `mutants.json` go; default `reports` for a whole run, else
    /// `target/mutants`.
    pub out: Option<PathBuf>,
    /// The mutants directory; default `mutants/` of the checkout.
    pub dir: Option<PathBuf>,
    /// Run without the sandbox (docs/security.md).
    pub no_sandbox: bool,
    /// Stop running a mutant's cases once one has killed it: much faster, but the killers
    /// named are only the first found (the cases citing the mutant's area run first).
    pub first_kill: bool,
}

/// Why a run could not be made: a usage error, or bad input (each line a message).
#[derive(Debug)]
pub enum Failure {
    Usage(UsageError),
    Invalid(Vec<String>),
}

/// The command: run, write `mutants.md` and `mutants.json`, print the summary. [`PASSED`] when
/// the control flipped nothing and every mutant is valid and killed or explained; [`FAILED`]
/// otherwise; [`INVALID`] on bad input or an output that cannot be written.
pub fn mutants(project: &Project, opts: &MutantsOptions, emit: &Emitter) -> Exit {
    if opts.out.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        return Err(UsageError("--out needs a directory".into()));
    }
    let suite = match Suite::load_project(project) {
        Ok(s) => s,
        Err(d) => {
            d.0.iter()
                .for_each(|x| emit.note(format_args!("error: {x}")));
            return Ok(INVALID);
        }
    };
    process::install_interrupt_handler();
    let report = match run(project, &suite, opts, emit) {
        Ok(r) => r,
        Err(Failure::Usage(e)) => return Err(e),
        Err(Failure::Invalid(lines)) => {
            lines
                .iter()
                .for_each(|l| emit.note(format_args!("error: {l}")));
            return Ok(INVALID);
        }
    };
    let out = opts.out.clone().unwrap_or_else(|| {
        project.root.join(if report.subset {
            report::AD_HOC_OUT_DIR
        } else {
            report::DEFAULT_OUT_DIR
        })
    });
    for (name, text) in [
        (report::MARKDOWN_FILE, report.to_markdown()),
        (report::JSON_FILE, report.to_json()),
    ] {
        let path = out.join(name);
        let written =
            std::fs::create_dir_all(&out).and_then(|()| write_atomic(&path, text.as_bytes()));
        match written {
            Ok(()) => emit.note(format_args!("wrote {}", project.relative(&path).display())),
            Err(e) => {
                emit.note(format_args!("error: cannot write {}: {e}", path.display()));
                return Ok(INVALID);
            }
        }
    }
    emit.say(report.summary_line());
    let invalid = report
        .mutants
        .iter()
        .any(|m| m.status == MutantStatus::Invalid);
    let sound = report.flips.is_empty() && !invalid && report.unexplained().next().is_none();
    Ok(if sound { PASSED } else { FAILED })
}

/// Whether `mutant` counts `case` as a kill: its status changed, or (for a case that did not
/// pass under the control either) its trace did.
pub fn kills(case: &Case, control: &Outcome, mutant: &Outcome) -> bool {
    if control.status != mutant.status {
        return true;
    }
    control.status != Status::Pass
        && case.ordering.normalise(&control.trace) != case.ordering.normalise(&mutant.trace)
}

/// Run the control and the selected mutants on the selected cases.
pub fn run(
    project: &Project,
    suite: &Suite,
    opts: &MutantsOptions,
    emit: &Emitter,
) -> Result<MutantsReport, Failure> {
    let started = Instant::now();
    let runtime = opts.runtime.as_deref().unwrap_or(DEFAULT_RUNTIME);
    let dir = opts
        .dir
        .clone()
        .unwrap_or_else(|| project.root.join(mutant::DIR));
    let all = mutant::load_dir(&dir, &suite.spec).map_err(|d| {
        Failure::Invalid(
            d.relative_to(&project.root)
                .0
                .iter()
                .map(ToString::to_string)
                .collect(),
        )
    })?;
    let control = all
        .iter()
        .find(|m| m.is_control())
        .cloned()
        .ok_or_else(|| Failure::Invalid(vec!["no control mutant".into()]))?;
    let selected = select(&all, &opts.mutants)?;
    let cases = cases(suite, &opts.filter)?;
    let sandbox = if opts.no_sandbox {
        Sandbox::Off
    } else {
        Sandbox::detect().map_err(|e| Failure::Invalid(vec![e.to_string()]))?
    };
    let registry =
        Registry::load(&project.root).map_err(|d| Failure::Invalid(vec![d.to_string()]))?;
    let base = registry
        .prepare(runtime, &sandbox)
        .map_err(|e| Failure::Invalid(vec![format!("runtime {runtime} cannot be used: {e}")]))?;
    let derive = |m: &Mutant| {
        let path = std::path::absolute(&m.path).unwrap_or_else(|_| m.path.clone());
        base.with_preload(&path, &format!("{runtime}+{}", m.id))
            .map_err(|e| Failure::Invalid(vec![e]))
    };
    let control_rt = derive(&control)?;
    let workers = Executor::new(
        opts.jobs
            .unwrap_or_else(|| runner::default_workers(&[runtime.to_string()])),
    );
    emit.note(format_args!(
        "mutants: {} on {runtime} {}, {} cases, {} mutant(s), {} at once",
        project.relative(&dir).display(),
        base.facts.version,
        cases.len(),
        selected.len(),
        workers.workers()
    ));

    // 1. Plain and control, side by side.
    let limit = |c: &Case| c.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let pairs: Vec<(usize, bool)> = (0..cases.len())
        .flat_map(|i| [(i, false), (i, true)])
        .collect();
    let ran = workers.map(&pairs, |&(i, under_control)| {
        let rt = if under_control { &control_rt } else { &base };
        run_case(rt, cases[i], limit(cases[i]))
    });
    let (mut plain, mut controlled) = (Vec::new(), Vec::new());
    for (o, &(_, under_control)) in ran.into_iter().zip(&pairs) {
        if under_control {
            controlled.push(o)
        } else {
            plain.push(o)
        }
    }
    let flips: Vec<Flip> = cases
        .iter()
        .enumerate()
        .filter(|(i, c)| kills(c, &plain[*i], &controlled[*i]))
        .map(|(i, c)| Flip {
            case: c.id.clone(),
            plain: plain[i].status.as_str().into(),
            control: controlled[i].status.as_str().into(),
        })
        .collect();
    emit.note(format_args!(
        "control `{}`: {} flip(s) against plain {runtime} ({:.0} s)",
        control.id,
        flips.len(),
        started.elapsed().as_secs_f64()
    ));
    for f in &flips {
        emit.note(format_args!(
            "  flipped: {}: {} plain, {} under the control",
            f.case, f.plain, f.control
        ));
    }

    // 2. Smoke scripts: which mutants change anything at all.
    let derived: Vec<ProcessAdapter> = selected
        .iter()
        .map(|m| derive(m))
        .collect::<Result<_, _>>()?;
    let smokes = workers.map(&(0..selected.len()).collect::<Vec<_>>(), |&i| {
        smoke(&base, &derived[i], selected[i])
    });

    // 3. Every valid mutant on every case: the cases citing its area first, then the longest
    // waits first.
    let jobs: Vec<(usize, usize)> = (0..selected.len())
        .filter(|&m| smokes[m].1.is_none())
        .flat_map(|m| {
            let mut order: Vec<usize> = (0..cases.len()).collect();
            order.sort_by_key(|&i| {
                let cites = cases[i]
                    .spec
                    .iter()
                    .any(|id| in_area(id, selected[m].area()));
                (!cites, std::cmp::Reverse(expected_wait_ms(cases[i])))
            });
            order.into_iter().map(move |c| (m, c))
        })
        .collect();
    // Per mutant: cases done, cases that killed it.
    let tally = Mutex::new(vec![(0usize, 0usize); selected.len()]);
    let outcomes = workers.map_with_progress(
        &jobs,
        |&(m, c)| {
            if opts.first_kill && tally.lock().unwrap_or_else(|p| p.into_inner())[m].1 > 0 {
                return None;
            }
            let case = cases[c];
            let took = controlled[c].duration * TIMEOUT_FACTOR;
            let timeout = took.max(MIN_MUTANT_TIMEOUT).min(limit(case));
            Some(run_case(&derived[m], case, timeout))
        },
        |&(m, c), outcome| {
            let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
            t[m].0 += 1;
            let killed = outcome
                .as_ref()
                .is_some_and(|o| kills(cases[c], &controlled[c], o));
            t[m].1 += usize::from(killed);
            if t[m].0 == cases.len() {
                emit.note(format_args!(
                    "mutant {} ({}): killed by {} case(s)  [{:.0} s]",
                    selected[m].id,
                    selected[m].area(),
                    t[m].1,
                    started.elapsed().as_secs_f64()
                ));
            }
        },
    );
    let mut killed_by: Vec<Vec<Kill>> = vec![Vec::new(); selected.len()];
    for (&(m, c), o) in jobs.iter().zip(&outcomes) {
        let Some(o) = o else { continue };
        if kills(cases[c], &controlled[c], o) {
            killed_by[m].push(Kill {
                case: cases[c].id.clone(),
                status: o.status.as_str().into(),
            });
        }
    }
    let mut results = Vec::new();
    for (i, m) in selected.iter().enumerate() {
        let Kind::Breaks {
            area,
            breaks,
            survives,
            ..
        } = &m.kind
        else {
            continue;
        };
        let (smoke, invalid) = smokes[i].clone();
        let mut kills = std::mem::take(&mut killed_by[i]);
        kills.sort_by(|a, b| a.case.cmp(&b.case));
        let status = match (&invalid, kills.is_empty()) {
            (Some(_), _) => MutantStatus::Invalid,
            (None, true) => MutantStatus::Survived,
            (None, false) => MutantStatus::Killed,
        };
        if let Some(why) = &invalid {
            emit.note(format_args!("mutant {} is INVALID: {why}", m.id));
        }
        results.push(MutantResult {
            id: m.id.clone(),
            file: project
                .relative(&m.path)
                .to_string_lossy()
                .replace('\\', "/"),
            area: area.clone(),
            breaks: breaks.clone(),
            survives: survives.clone(),
            status,
            killed_by: kills,
            smoke,
            invalid,
        });
    }
    Ok(MutantsReport {
        schema: report::SCHEMA.into(),
        runtime: runtime.to_string(),
        version: base.facts.version.clone(),
        cases: cases.len(),
        subset: !opts.mutants.is_empty() || !opts.filter.is_empty() || opts.dir.is_some(),
        first_kill: opts.first_kill,
        control: control.id.clone(),
        flips,
        mutants: results,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Whether requirement `id` belongs to `area` (a requirement group or family).
fn in_area(id: &str, area: &str) -> bool {
    id.strip_prefix(area)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// The mutants `--mutant` names (every one but the control when none is named).
fn select<'a>(all: &'a [Mutant], ids: &[String]) -> Result<Vec<&'a Mutant>, Failure> {
    let breaking: Vec<&Mutant> = all.iter().filter(|m| !m.is_control()).collect();
    if ids.is_empty() {
        return Ok(breaking);
    }
    let mut out = Vec::new();
    for id in ids {
        match breaking.iter().find(|m| &m.id == id) {
            Some(m) => out.push(*m),
            None => {
                let known = breaking.iter().map(|m| m.id.as_str());
                return Err(Failure::Usage(UsageError(format!(
                    "unknown mutant `{id}`{}; the mutants are the files in {}/",
                    did_you_mean(id, known),
                    mutant::DIR
                ))));
            }
        }
    }
    Ok(out)
}

/// The cases whose ID contains one of `filter` (every case with no filter).
fn cases<'a>(suite: &'a Suite, filter: &[String]) -> Result<Vec<&'a Case>, Failure> {
    let picked: Vec<&Case> = suite
        .cases
        .iter()
        .filter(|c| filter.is_empty() || filter.iter().any(|f| c.id.contains(f.as_str())))
        .collect();
    if picked.is_empty() {
        return Err(Failure::Usage(UsageError(format!(
            "no case ID contains {}",
            filter.join(" or ")
        ))));
    }
    Ok(picked)
}

/// Run `m`'s smoke script on `base` and on `mutated`: what each printed, and why the mutant is
/// invalid when it is (the same output both ways, or a script that fails without it).
fn smoke(base: &ProcessAdapter, mutated: &ProcessAdapter, m: &Mutant) -> (Smoke, Option<String>) {
    let Kind::Breaks { smoke: script, .. } = &m.kind else {
        return (
            Smoke {
                plain: String::new(),
                mutant: String::new(),
            },
            None,
        );
    };
    let run = |rt: &ProcessAdapter| -> Result<String, String> {
        let dir = process::RunDir::new("ah-smoke-")
            .map_err(|e| format!("cannot create a temp dir: {e}"))?;
        let file = dir.path().join("smoke.cjs");
        std::fs::write(&file, script).map_err(|e| format!("cannot write the smoke script: {e}"))?;
        let out = rt.run_file(&file, dir.path(), SMOKE_TIMEOUT);
        let mut text = out.stdout_head.clone();
        match out.ended {
            Ended::Exited(0) => {}
            Ended::Exited(code) => {
                text.push_str(&format!("[exit {code}: {}]", first_line(&out.stderr_head)))
            }
            ref other => text.push_str(&format!("[{other:?}: {}]", first_line(&out.stderr_head))),
        }
        Ok(text)
    };
    let head = |s: &str| s.chars().take(SMOKE_HEAD).collect::<String>();
    // A preload that cannot even load breaks every script, not one behaviour.
    let loads = {
        let dir = process::RunDir::new("ah-smoke-");
        dir.ok().map(|dir| {
            let file = dir.path().join("load.cjs");
            let _ = std::fs::write(&file, "console.log('loaded');\n");
            mutated.run_file(&file, dir.path(), SMOKE_TIMEOUT)
        })
    };
    if let Some(out) = loads {
        if out.ended != Ended::Exited(0) || out.stdout_head != "loaded\n" {
            let why = format!(
                "the preload fails to load: {}",
                first_line(&out.stderr_head)
            );
            let none = Smoke {
                plain: String::new(),
                mutant: String::new(),
            };
            return (none, Some(why));
        }
    }
    let (plain, mutant) = match (run(base), run(mutated)) {
        (Ok(p), Ok(m)) => (p, m),
        (Err(e), _) | (_, Err(e)) => {
            let none = Smoke {
                plain: String::new(),
                mutant: String::new(),
            };
            return (none, Some(e));
        }
    };
    let invalid = (plain == mutant).then(|| {
        "its smoke script prints the same with and without it, so it breaks nothing observable"
            .to_string()
    });
    (
        Smoke {
            plain: head(&plain),
            mutant: head(&mutant),
        },
        invalid,
    )
}

fn first_line(s: &str) -> &str {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
}
