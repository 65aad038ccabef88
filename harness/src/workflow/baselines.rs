//! Baselines for a conformance run: where they are ([`Location`]: the checkout's
//! `reports/baselines/`, or the file or directory given with `--baseline`), read before
//! anything runs ([`load`]), then either compared with the run (`--check`, [`check`]) or
//! rewritten from it (`--update-baseline`, [`update`]). Each returns the exit code it stands
//! for; messages go through the run's [`Emitter`].
//!
//! `--baseline` exists for vendors: a runtime's baseline belongs with the runtime, in the
//! vendor's own repository, and a baseline in this checkout would need an entry in this
//! project's divergence register for every case it lists.

use std::path::{Path, PathBuf};

use crate::exec::runner::RunResult;
use crate::exec::runtimes::Named;
use crate::input::project::{Project, Suite};
use crate::judge::outcome::Status;
use crate::report::baseline::{self, Baseline};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{FAILED, INVALID, PASSED};

/// Where a run's baselines are read and written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// `reports/baselines/<runtime>.snap` of the checkout (no `--baseline`).
    Checkout,
    /// `--baseline FILE`: the baseline of the run's one runtime.
    File(PathBuf),
    /// `--baseline DIR`: `DIR/<runtime>.snap` for each runtime.
    Dir(PathBuf),
}

impl Location {
    /// The location `--baseline` names for a run of `runtimes`, or why it cannot be used. An
    /// existing directory, or a path that does not exist and does not end in `.snap`, is a
    /// directory (made when a baseline is written into it); anything else is a file. What
    /// does not exist yet must have an existing parent, so that a typo in the path is caught
    /// instead of creating a tree somewhere unexpected.
    pub fn new(given: Option<&Path>, runtimes: &[Named]) -> Result<Location, String> {
        let Some(path) = given else {
            return Ok(Location::Checkout);
        };
        let shown = path.display();
        if path.as_os_str().is_empty() {
            return Err("error: --baseline needs a path: a baseline file, or a directory for one file per runtime".into());
        }
        if !path.exists() {
            let parent = match path.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            if !parent.is_dir() {
                return Err(format!(
                    "error: --baseline {shown}: the directory {} does not exist; create it first, or correct the path",
                    parent.display()
                ));
            }
        }
        let is_file = if path.exists() {
            !path.is_dir()
        } else {
            path.extension().is_some_and(|x| x == "snap")
        };
        if !is_file {
            return Ok(Location::Dir(path.to_path_buf()));
        }
        if runtimes.len() != 1 {
            let names: Vec<&str> = runtimes.iter().map(|n| n.name.as_str()).collect();
            return Err(format!(
                "error: --baseline {shown} is a file, which holds the baseline of one runtime, and this run has {} ({}); give a directory instead, where each runtime's baseline is <runtime>.snap",
                names.len(),
                names.join(", ")
            ));
        }
        Ok(Location::File(path.to_path_buf()))
    }

    /// The baseline file of `runtime`.
    pub fn path_for(&self, project: &Project, runtime: &str) -> PathBuf {
        match self {
            Location::Checkout => baseline::path_for(project, runtime),
            Location::File(path) => path.clone(),
            Location::Dir(dir) => dir.join(baseline::file_name(runtime)),
        }
    }

    /// The command that (re)creates the baseline of the runtime given as `given` here.
    pub fn update_command(&self, given: &str) -> String {
        match self {
            Location::Checkout => baseline::update_command(given),
            Location::File(p) | Location::Dir(p) => format!(
                "cargo xtask conformance --runtime {given} --baseline {} --update-baseline",
                p.display()
            ),
        }
    }
}

/// One runtime of the run with its baseline file and what it holds (`None`: nothing yet).
#[derive(Debug, Clone)]
pub struct Known {
    /// The runtime's name.
    pub runtime: String,
    /// How `--runtime` named it, for the commands messages suggest.
    pub given: String,
    pub path: PathBuf,
    pub baseline: Option<Baseline>,
}

/// Each runtime of the run with its baseline.
pub type Previous = Vec<Known>;

/// Each runtime with its baseline, as the runner's view of the baselines takes them.
pub fn pairs(previous: &Previous) -> Vec<(String, Option<Baseline>)> {
    previous
        .iter()
        .map(|k| (k.runtime.clone(), k.baseline.clone()))
        .collect()
}

/// The command that (re)creates a runtime's baseline where this run keeps it.
fn update_command(known: &Known, location: &Location) -> String {
    location.update_command(&known.given)
}

/// The text of a check or update, with every suggested command pointing at this run's
/// baseline and at the runtime as the user typed it. The report floor words these messages
/// knowing only the runtime's name and the checkout's location.
fn with_commands(text: String, known: &Known, location: &Location) -> String {
    let generic = baseline::update_command(&known.runtime);
    let ours = update_command(known, location);
    if generic == ours {
        text
    } else {
        text.replace(&generic, &ours)
    }
}

/// Read each runtime's baseline from `location`. With `required` (`--check`), a missing
/// baseline is an error that says how to make one. Every problem is reported before giving up
/// with [`INVALID`], so that one run of the command shows them all.
pub fn load(
    project: &Project,
    runtimes: &[Named],
    location: &Location,
    required: bool,
    emit: &Emitter,
) -> Result<Previous, u8> {
    let mut out = Vec::new();
    let mut bad = false;
    for named in runtimes {
        let rt = &named.name;
        let path = location.path_for(project, rt);
        let shown = project.relative(&path).display().to_string();
        let mut known = Known {
            runtime: rt.clone(),
            given: named.given.clone(),
            path,
            baseline: None,
        };
        match Baseline::load(&known.path) {
            Ok(Some(b)) if &b.runtime != rt => {
                emit.note(format_args!(
                    "error: {shown}: this baseline is for runtime `{}`, not `{rt}`; delete it and run `{}`",
                    b.runtime,
                    update_command(&known, location)
                ));
                bad = true;
            }
            Ok(None) if required => {
                emit.note(format_args!(
                    "error: {shown}: no baseline for runtime {rt}; create it with `{}`, review it and commit it",
                    update_command(&known, location)
                ));
                bad = true;
            }
            Ok(b) => {
                known.baseline = b;
                out.push(known);
            }
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
    location: &Location,
    emit: &Emitter,
) -> u8 {
    let mut failed = false;
    for known in previous {
        let rt = &known.runtime;
        let Some(base) = &known.baseline else {
            continue;
        };
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
        let exists = |id: &str| suite.cases.iter().any(|c| c.id == id);
        let check = baseline::check(project.relative(&known.path), base, &observed, exists);
        emit.out(with_commands(check.render(), known, location));
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
    location: &Location,
    emit: &Emitter,
) -> u8 {
    let mut code = PASSED;
    for known in previous {
        let (rt, base, path) = (&known.runtime, &known.baseline, &known.path);
        let shown = project.relative(path).display().to_string();
        if !ran_on(result, rt) {
            emit.say(format_args!(
                "baseline: {rt}: no case ran (filtered out); {shown} not written"
            ));
            continue;
        }
        // An ERROR says the harness or the machine failed, not what the runtime does: it is
        // never recorded as the runtime's known state.
        let errors: Vec<&str> = result
            .records
            .iter()
            .filter(|r| &r.runtime == rt && r.outcome.status == Status::Error)
            .map(|r| r.case_id.as_str())
            .collect();
        if !errors.is_empty() {
            let listed: Vec<&str> = errors.iter().take(5).copied().collect();
            emit.note(format_args!(
                "error: {shown}: not written: {} case(s) ended in ERROR ({}{}), which says the harness or the machine failed, not what {rt} does; fix that and run again (the old baseline stays as it was)",
                errors.len(),
                listed.join(", "),
                if errors.len() > listed.len() { ", ..." } else { "" }
            ));
            code = INVALID;
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
        let command = update_command(known, location);
        let text = new.render_with(&command);
        if base.as_ref() == Some(&new) && std::fs::read_to_string(path).ok() == Some(text) {
            emit.say(format_args!(
                "baseline: {rt}: {shown} is up to date ({})",
                new.counts_line()
            ));
            continue;
        }
        if let Err(e) = new.write(path, &command) {
            emit.note(format_args!(
                "error: {shown}: cannot write the baseline: {e}; check that its directory is writable"
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
            emit.out(with_commands(changes.render_changes(), known, location));
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

    /// Runtimes named on the command line as `given`, each its own name.
    fn named(given: &[&str]) -> Vec<Named> {
        given
            .iter()
            .map(|g| Named {
                name: g.to_string(),
                given: g.to_string(),
                file: None,
                note: None,
            })
            .collect()
    }

    #[test]
    fn a_missing_baseline_is_an_error_only_for_a_check() {
        let (_dir, project) = project();
        let names = named(&["reference", "bun"]);
        let here = Location::Checkout;

        let emit = Emitter::capturing();
        let loaded = load(&project, &names, &here, false, &emit).expect("an update needs none");
        assert!(loaded.iter().all(|k| k.baseline.is_none()), "{loaded:?}");
        assert_eq!(emit.captured().stderr, "");

        let emit = Emitter::capturing();
        assert_eq!(
            load(&project, &names, &here, true, &emit).err(),
            Some(INVALID)
        );
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
        let names = named(&["reference"]);
        assert_eq!(
            load(&project, &names, &Location::Checkout, false, &emit).err(),
            Some(INVALID)
        );
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

    #[test]
    fn baseline_names_a_directory_or_the_file_of_a_single_runtime() {
        let (dir, project) = project();
        let one = named(&["vendor-node"]);
        let two = named(&["vendor-node", "./other.toml"]);
        assert_eq!(
            Location::new(None, &two),
            Ok(Location::Checkout),
            "no option: the checkout"
        );

        // A directory, existing or not yet (its parent exists), serves any number of runtimes.
        let existing = dir.path().join("baselines");
        std::fs::create_dir(&existing).expect("dir");
        let fresh = dir.path().join("fresh");
        for d in [&existing, &fresh] {
            let at = Location::new(Some(d), &two).expect("a directory");
            assert_eq!(at, Location::Dir(d.clone()));
            assert_eq!(
                at.path_for(&project, "vendor-node"),
                d.join("vendor-node.snap")
            );
            // The same file-name rule as in the checkout.
            assert_eq!(
                at.path_for(&project, "./other.toml"),
                d.join(baseline::file_name("./other.toml"))
            );
        }

        // A file, existing or named `*.snap`, serves one runtime.
        let file = dir.path().join("mine.snap");
        let at = Location::new(Some(&file), &one).expect("a file for one runtime");
        assert_eq!(at.path_for(&project, "vendor-node"), file);
        assert_eq!(
            at.update_command("./v.toml"),
            format!(
                "cargo xtask conformance --runtime ./v.toml --baseline {} --update-baseline",
                file.display()
            )
        );
        let err = Location::new(Some(&file), &two).unwrap_err();
        assert!(
            err.contains("is a file, which holds the baseline of one runtime, and this run has 2 (vendor-node, ./other.toml); give a directory instead"),
            "{err}"
        );
        let plain = dir.path().join("plain");
        std::fs::write(&plain, "").expect("file");
        assert!(
            Location::new(Some(&plain), &two).is_err(),
            "an existing file"
        );

        // A path whose directory does not exist is a mistake, whatever its form.
        for p in ["missing/baselines", "missing/mine.snap"] {
            let err = Location::new(Some(&dir.path().join(p)), &one).unwrap_err();
            assert!(
                err.contains(&format!(
                    "the directory {} does not exist",
                    dir.path().join("missing").display()
                )),
                "{err}"
            );
        }
        let err = Location::new(Some(Path::new("")), &one).unwrap_err();
        assert!(err.contains("--baseline needs a path"), "{err}");
    }

    #[test]
    fn a_missing_baseline_elsewhere_says_how_to_create_it_there() {
        let (dir, project) = project();
        let at = Location::Dir(dir.path().join("vendor"));
        let names = vec![Named {
            name: "vendor-node".into(),
            given: "../vendor/node.toml".into(),
            file: None,
            note: None,
        }];
        let emit = Emitter::capturing();
        assert_eq!(
            load(&project, &names, &at, true, &emit).err(),
            Some(INVALID)
        );
        let err = emit.captured().stderr;
        let want = format!(
            "no baseline for runtime vendor-node; create it with `cargo xtask conformance --runtime ../vendor/node.toml --baseline {} --update-baseline`",
            dir.path().join("vendor").display()
        );
        assert!(err.contains(&want), "{err}");
    }
}
