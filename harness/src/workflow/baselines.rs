//! Baselines for a conformance run: read before anything runs (`load`), then either compared
//! with the run (`--check`, [`check`]) or rewritten from it (`--update-baseline`, [`update`]).
//! Each returns the exit code it stands for; messages go through the run's [`Emitter`].

use std::path::Path;

use crate::exec::runner::RunResult;
use crate::input::project::{Project, Suite};
use crate::report::baseline::{self, Baseline};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{FAILED, INVALID, PASSED};

/// Each runtime with its baseline (`None`: there is none yet).
pub type Previous = Vec<(String, Option<Baseline>)>;

/// Read each runtime's baseline. With `required` (`--check`), a missing baseline is an error
/// that says how to make one. Every problem is reported before giving up with [`INVALID`], so
/// that one run of the command shows them all.
pub fn load(
    project: &Project,
    runtimes: &[String],
    required: bool,
    emit: &Emitter,
) -> Result<Previous, u8> {
    let mut out = Vec::new();
    let mut bad = false;
    for rt in runtimes {
        let path = baseline::path_for(project, rt);
        let shown = project.relative(&path).display().to_string();
        match Baseline::load(&path) {
            Ok(Some(b)) if &b.runtime != rt => {
                emit.note(format_args!(
                    "error: {shown}: this baseline is for runtime `{}`, not `{rt}`; delete it and run `{}`",
                    b.runtime,
                    baseline::update_command(rt)
                ));
                bad = true;
            }
            Ok(None) if required => {
                emit.note(format_args!(
                    "error: {shown}: no baseline for runtime {rt}; create it with `{}`, review it and commit it",
                    baseline::update_command(rt)
                ));
                bad = true;
            }
            Ok(b) => out.push((rt.clone(), b)),
            Err(mut d) => {
                d.path = project.relative(&d.path).to_path_buf();
                emit.note(format_args!("error: {d}"));
                bad = true;
            }
        }
    }
    if bad {
        Err(INVALID)
    } else {
        Ok(out)
    }
}

/// The version a runtime reported, or why it could not be used.
fn version_of(result: &RunResult, runtime: &str) -> Result<String, String> {
    match result.runtimes.iter().find(|(n, _)| n == runtime) {
        Some((_, Ok(f))) => Ok(f.version.clone()),
        Some((_, Err(e))) => Err(e.clone()),
        None => Err("it did not run".into()),
    }
}

/// A filter can select the trials of some runtimes only (libtest matches `[runtime] case`).
fn ran_on(result: &RunResult, runtime: &str) -> bool {
    result.records.iter().any(|r| r.runtime == runtime)
}

/// `--check`: [`PASSED`] when every runtime matches its baseline, [`FAILED`] otherwise.
pub fn check(
    project: &Project,
    suite: &Suite,
    result: &RunResult,
    previous: &Previous,
    emit: &Emitter,
) -> u8 {
    let mut failed = false;
    for (rt, base) in previous {
        let Some(base) = base else { continue };
        if !ran_on(result, rt) {
            emit.say(format_args!(
                "baseline check: {rt}: no case ran (filtered out); not checked"
            ));
            continue;
        }
        // An unusable runtime still gets checked: every case is an ERROR, which the check
        // reports as new errors.
        let version = version_of(result, rt).unwrap_or_else(|_| "unavailable".into());
        let observed =
            match Baseline::from_run(project, suite, rt, &version, &result.records, Some(base)) {
                Ok(b) => b,
                Err(e) => {
                    emit.note(format_args!("baseline check: {rt}: {e}"));
                    failed = true;
                    continue;
                }
            };
        let path = baseline::path_for(project, rt);
        let exists = |id: &str| suite.cases.iter().any(|c| c.id == id);
        let check = baseline::check(project.relative(&path), base, &observed, exists);
        emit.out(check.render());
        failed |= !check.passed();
    }
    if failed {
        FAILED
    } else {
        PASSED
    }
}

/// `--update-baseline`: write each runtime's baseline from this run; [`PASSED`] when all were
/// written (or already up to date), [`INVALID`] when one could not be.
pub fn update(
    project: &Project,
    suite: &Suite,
    result: &RunResult,
    previous: &Previous,
    emit: &Emitter,
) -> u8 {
    let mut code = PASSED;
    for (rt, base) in previous {
        let path = baseline::path_for(project, rt);
        let shown = project.relative(&path).display().to_string();
        if !ran_on(result, rt) {
            emit.say(format_args!(
                "baseline: {rt}: no case ran (filtered out); {shown} not written"
            ));
            continue;
        }
        let version = match version_of(result, rt) {
            Ok(v) => v,
            Err(e) => {
                emit.note(format_args!(
                    "error: {shown}: not written: runtime {rt} cannot be used: {e}"
                ));
                code = INVALID;
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
                emit.note(format_args!("error: {shown}: not written: {e}"));
                code = INVALID;
                continue;
            }
        };
        if base.as_ref() == Some(&new) && std::fs::read_to_string(&path).ok() == Some(new.render())
        {
            emit.say(format_args!(
                "baseline: {rt}: {shown} is up to date ({})",
                new.counts_line()
            ));
            continue;
        }
        if let Err(e) = new.write(&path) {
            emit.note(format_args!(
                "error: {shown}: cannot write the baseline: {e}"
            ));
            code = INVALID;
            continue;
        }
        emit.say(format_args!(
            "baseline: {rt}: wrote {shown} ({})",
            new.counts_line()
        ));
        if let Some(base) = base {
            let exists = |id: &str| suite.cases.iter().any(|c| c.id == id);
            let changes = baseline::check(Path::new(&shown), base, &new, exists);
            emit.out(changes.render_changes());
            if let Some((b, a)) = &changes.version {
                emit.say(format_args!("  version {b} → {a}"));
            }
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = Project {
            root: dir.path().to_path_buf(),
        };
        (dir, project)
    }

    #[test]
    fn a_missing_baseline_is_an_error_only_for_a_check() {
        let (_dir, project) = project();
        let names = vec!["reference".to_string(), "bun".to_string()];

        let emit = Emitter::capturing();
        let loaded = load(&project, &names, false, &emit).expect("an update needs none");
        assert!(loaded.iter().all(|(_, b)| b.is_none()), "{loaded:?}");
        assert_eq!(emit.captured().stderr, "");

        let emit = Emitter::capturing();
        assert_eq!(load(&project, &names, true, &emit).err(), Some(INVALID));
        let err = emit.captured().stderr;
        // Both runtimes are named, each with the command that creates its baseline.
        assert!(
            err.contains("error: reports/baselines/reference.snap: no baseline for runtime reference; create it with `cargo xtask conformance --runtime reference --update-baseline`"),
            "{err}"
        );
        assert!(err.contains("no baseline for runtime bun;"), "{err}");
    }

    #[test]
    fn a_corrupted_baseline_is_located_relative_to_the_checkout() {
        let (dir, project) = project();
        let path = baseline::path_for(&project, "reference");
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
        std::fs::write(&path, "not a snapshot\n").expect("written");
        let emit = Emitter::capturing();
        let names = vec!["reference".to_string()];
        assert_eq!(load(&project, &names, false, &emit).err(), Some(INVALID));
        let err = emit.captured().stderr;
        assert!(
            err.starts_with("error: reports/baselines/reference.snap"),
            "{err}"
        );
        assert!(
            !err.contains(&dir.path().display().to_string()),
            "no absolute path: {err}"
        );
    }
}
