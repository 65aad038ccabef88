//! `baselines update`: after a change to the corpus (a case added, changed or removed), write
//! again the baseline of every runtime that has one, in one command, instead of a contributor
//! running `--update-baseline` runtime by runtime. Runtimes that are not installed are named
//! with the command that installs them (or installed first, with `--install`).

use crate::exec::reference::NAME as REFERENCE;
use crate::exec::runtimes::Registry;
use crate::input::project::Project;
use crate::report::baseline::{self, Baseline};
use crate::workflow::conformance::{self, ConformanceOptions};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, INVALID, PASSED};

/// What `baselines update` was asked to do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefreshOptions {
    /// Only these runtimes (default: every runtime with a committed baseline).
    pub runtimes: Vec<String>,
    /// Install the pinned runtimes that are missing instead of leaving them out.
    pub install: bool,
}

/// The runtimes with a baseline in the checkout, by the `runtime:` line of each file.
pub fn with_baselines(project: &Project) -> Result<Vec<String>, String> {
    let dir = project.root.join(baseline::DIR);
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: cannot read the baselines: {e}", baseline::DIR))?;
    let mut names = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "snap") {
            match Baseline::load(&p) {
                Ok(Some(b)) => names.push(b.runtime),
                Ok(None) => {}
                Err(d) => return Err(d.to_string()),
            }
        }
    }
    names.sort();
    Ok(names)
}

/// Update the baselines; the exit code of the conformance run that writes them (or
/// [`INVALID`] when nothing can be updated).
pub fn update(project: &Project, opts: &RefreshOptions, emit: &Emitter) -> Exit {
    let wanted = if opts.runtimes.is_empty() {
        match with_baselines(project) {
            Ok(n) => n,
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                return Ok(INVALID);
            }
        }
    } else {
        opts.runtimes.clone()
    };
    let registry = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            emit.note(format_args!("error: {d}"));
            return Ok(INVALID);
        }
    };
    let (mut ready, mut missing) = (Vec::new(), Vec::new());
    for name in wanted {
        let pinned = registry.lock.iter().any(|e| e.name == name);
        if name == REFERENCE || !pinned || opts.install || registry.is_pinned_and_installed(&name) {
            ready.push(name);
        } else {
            missing.push(name);
        }
    }
    if !missing.is_empty() {
        emit.note(format_args!(
            "baselines: not installed, left as they are: {} (install them with `cargo xtask runtimes install {}`, or run with --install)",
            missing.join(", "),
            missing.join(" ")
        ));
    }
    if ready.is_empty() {
        emit.note("baselines: no runtime to update");
        return Ok(INVALID);
    }
    emit.note(format_args!("baselines: updating {}", ready.join(", ")));
    let run = ConformanceOptions {
        runtimes: ready,
        update_baseline: true,
        ..ConformanceOptions::default()
    };
    let code = conformance::run(project, &run, emit)?;
    Ok(if code == PASSED { PASSED } else { code })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtimes_with_baselines_are_read_from_the_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = Project {
            root: dir.path().to_path_buf(),
        };
        assert!(with_baselines(&project).is_err(), "no baselines directory");
        let b = Baseline {
            runtime: "node@26".into(),
            version: "26".into(),
            total: 1,
            entries: Default::default(),
            flaky: Default::default(),
        };
        b.write(
            &baseline::path_for(&project, "node@26"),
            &baseline::update_command("node@26"),
        )
        .expect("written");
        std::fs::write(
            dir.path().join(baseline::DIR).join("notes.txt"),
            "not a baseline",
        )
        .expect("written");
        assert_eq!(with_baselines(&project).unwrap(), ["node@26"]);
    }
}
