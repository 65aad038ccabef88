//! The runtimes a command names: checking the names before anything runs, and the `runtimes`
//! command (`list`, `install`).

use std::path::Path;

use crate::exec::adapter::Adapter as _;
use crate::exec::adapter_file::AdapterFile;
use crate::exec::reference::{ReferenceAdapter, NAME as REFERENCE};
use crate::exec::runtimes::{Registry, ResolveError};
use crate::exec::sandbox::Sandbox;
use crate::input::project::Project;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{FAILED, INVALID, PASSED};

/// Runtime names are input: an adapter file that does not parse, a name nobody knows, or a
/// runtime whose binary does not exist (an adapter file's `binary`, a runtime looked up on
/// PATH) is an error (exit 2) found before anything runs; the message is the error. A pinned
/// runtime is installed by the run itself, and one that then fails to install or start is a
/// result (an ERROR for each of its cases), so it passes here.
pub fn check_names(project: &Project, names: &[String]) -> Result<(), String> {
    let registry = Registry::load(&project.root).map_err(|d| d.to_string())?;
    for name in names {
        if name == REFERENCE {
            continue;
        }
        if name.ends_with(".toml") {
            AdapterFile::load(Path::new(name)).map_err(|d| d.to_string())?;
        }
        match registry.resolve(name) {
            Err(e @ ResolveError::Unknown { .. }) => return Err(format!("error: {e}")),
            Err(ResolveError::Unusable(why)) => {
                return Err(format!(
                    "error: runtime `{name}` cannot be started: {why}; install it or fix the adapter file's `binary`, then run again"
                ))
            }
            Ok(r) if r.lock.is_none() && !r.binary.is_file() => {
                return Err(format!(
                    "error: runtime `{name}`: its binary {} does not exist; install it or fix the adapter file's `binary`",
                    r.binary.display()
                ))
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// `runtimes list`: every runtime this checkout knows, with its adapter and where it comes
/// from; always 0 once the registry loads.
pub fn list(project: &Project, emit: &Emitter) -> u8 {
    let reg = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            emit.note(d);
            return INVALID;
        }
    };
    let version = ReferenceAdapter::new().facts().version.clone();
    emit.out(format_args!(
        "{REFERENCE:12} adapter {REFERENCE:8} from embedded (version {version})\n"
    ));
    for n in reg.known_names() {
        match reg.resolve(&n) {
            Ok(r) => emit.out(format_args!(
                "{n:12} adapter {:8} from {}\n",
                r.adapter_name, r.source
            )),
            Err(e) => emit.out(format_args!("{n:12} unavailable: {e}\n")),
        }
    }
    PASSED
}

/// `runtimes install [NAME]...`: install and start the named runtimes (every pinned one when
/// none is named); 1 when one of them is not ready.
pub fn install(project: &Project, names: &[String], emit: &Emitter) -> u8 {
    let reg = match Registry::load(&project.root) {
        Ok(r) => r,
        Err(d) => {
            emit.note(d);
            return INVALID;
        }
    };
    let names: Vec<String> = if names.is_empty() {
        reg.lock.iter().map(|e| e.name.clone()).collect()
    } else {
        names.to_vec()
    };
    let mut code = PASSED;
    for n in names {
        // Only the runtime's own probe runs here, so a machine without the sandbox can still
        // install; a conformance run then asks for it.
        let sandbox = Sandbox::detect().unwrap_or(Sandbox::Off);
        match reg.prepare(&n, &sandbox) {
            Ok(a) => emit.out(format_args!(
                "{n}: ready, version {} ({})\n",
                a.facts.version, a.facts.source
            )),
            Err(e) => {
                emit.note(format_args!("{n}: {e}"));
                code = FAILED;
            }
        }
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkout with one adapter whose binary is nowhere: known, but not usable.
    fn checkout() -> (tempfile::TempDir, Project) {
        let dir = tempfile::tempdir().expect("temp dir");
        let adapters = dir.path().join("runtimes/adapters");
        std::fs::create_dir_all(&adapters).expect("adapters dir");
        std::fs::write(
            adapters.join("ghost.toml"),
            "description = \"a runtime that is not installed\"\nrun = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"--version\"]\nbinary = \"./missing/ghost\"\n",
        )
        .expect("adapter written");
        let project = Project {
            root: dir.path().to_path_buf(),
        };
        (dir, project)
    }

    #[test]
    fn an_unknown_name_or_a_missing_binary_is_refused_before_the_run() {
        let (_dir, project) = checkout();
        let reg = Registry::load(&project.root).expect("registry loads");
        match reg.resolve("ghost") {
            Err(ResolveError::Unusable(reason)) => {
                assert!(reason.contains("not found"), "{reason}")
            }
            other => panic!("expected an unusable runtime, got {other:?}"),
        }
        let unknown = reg.resolve("nodejs@99").err();
        assert!(
            matches!(&unknown, Some(ResolveError::Unknown { name, .. }) if name == "nodejs@99"),
            "{unknown:?}"
        );

        let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(check_names(&project, &names(&["reference"])), Ok(()));
        let err = check_names(&project, &names(&["reference", "ghost"])).unwrap_err();
        assert!(err.contains("runtime `ghost` cannot be started"), "{err}");
        let err = check_names(&project, &names(&["nodejs@99"])).unwrap_err();
        assert!(
            err.starts_with("error: unknown runtime `nodejs@99`; known runtimes: ghost"),
            "{err}"
        );
    }

    #[test]
    fn listing_says_which_runtimes_are_unavailable_and_why() {
        let (_dir, project) = checkout();
        let emit = Emitter::capturing();
        assert_eq!(list(&project, &emit), PASSED);
        let out = emit.captured().stdout;
        assert!(
            out.starts_with("reference    adapter reference from embedded"),
            "{out}"
        );
        assert!(
            out.contains("\nghost        unavailable: runtime binary "),
            "{out}"
        );
    }
}
