//! `report`: the cross-runtime matrix from results files — `matrix.html` (a self-contained
//! page) and `matrix.md` (a summary for a CI job) — grouped by this checkout's spec.

use std::path::{Path, PathBuf};

use crate::input::files::write_atomic;
use crate::input::project::Project;
use crate::input::spec::SpecIndex;
use crate::report::matrix;
use crate::report::mutants::{self, MutantsReport};
use crate::report::results::redact_paths;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{Exit, UsageError, INVALID, PASSED};

/// What `report` reads and where it writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// Results files; none means every `reports/results/*.json`.
    pub results: Vec<PathBuf>,
    /// The directory for the two files. Default: `reports` when the inputs are the default
    /// ones (`reports/results/*.json`: the committed matrix's flow), else `target/report`, so
    /// that a report of some results files never overwrites the committed matrix.
    pub out: Option<PathBuf>,
}

/// Build the matrix. [`PASSED`] when both files were written; [`INVALID`] on bad input (an
/// unreadable or foreign results file, the same runtime twice, no files at all) or when a
/// file cannot be written.
pub fn report(project: &Project, opts: &ReportOptions, emit: &Emitter) -> Exit {
    if opts.results.iter().any(|p| p.as_os_str().is_empty()) {
        return Err(UsageError("--results needs a results file".into()));
    }
    if opts.out.as_ref().is_some_and(|p| p.as_os_str().is_empty()) {
        return Err(UsageError("--out needs a directory".into()));
    }
    let mut files = opts.results.clone();
    let default_inputs = files.is_empty();
    if default_inputs {
        let dir = project.root.join(matrix::DEFAULT_RESULTS_DIR);
        match matrix::default_inputs(&dir, Path::new(matrix::DEFAULT_RESULTS_DIR)) {
            Ok(f) => files = f,
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                return Ok(INVALID);
            }
        }
    }
    let out = opts.out.clone().unwrap_or_else(|| {
        project.root.join(if default_inputs {
            matrix::DEFAULT_OUT_DIR
        } else {
            matrix::AD_HOC_OUT_DIR
        })
    });
    let mut inputs = Vec::new();
    let mut bad = false;
    for f in &files {
        // Loaded by the full path, named as the user (or the checkout) knows it.
        match matrix::Input::load(f) {
            Ok(mut i) => {
                i.path = project.relative(f).to_path_buf();
                // The page may be committed or published: no paths of this machine in it.
                redact_paths(&mut i.results, &project.root);
                inputs.push(i)
            }
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                bad = true;
            }
        }
    }
    if bad {
        return Ok(INVALID);
    }
    // Areas and requirement titles come from this checkout's spec.
    let spec = match SpecIndex::load(&project.spec_dir()) {
        Ok(s) => s,
        Err(d) => {
            for x in &d.0 {
                emit.note(format_args!("error: {x}"));
            }
            emit.note(
                "error: the spec must load for the report to group cases by area; fix it first",
            );
            return Ok(INVALID);
        }
    };
    let mut m = match matrix::build(&inputs, &spec) {
        Ok(m) => m,
        Err(e) => {
            emit.note(format_args!("error: {e}"));
            return Ok(INVALID);
        }
    };
    // The committed mutants report, when there is one, says how much the corpus notices.
    let mutants_file = project
        .root
        .join(mutants::DEFAULT_OUT_DIR)
        .join(mutants::JSON_FILE);
    if mutants_file.is_file() {
        match MutantsReport::load(&mutants_file) {
            Ok(r) => m.mutants = Some((project.relative(&mutants_file).display().to_string(), r)),
            Err(e) => {
                emit.note(format_args!(
                    "error: {e}; run `cargo xtask mutants` again to rewrite it"
                ));
                return Ok(INVALID);
            }
        }
    }
    let mut code = PASSED;
    let markdown = m.to_markdown();
    for (name, what, text) in [
        (matrix::HTML_FILE, "matrix page", m.to_html()),
        (matrix::MARKDOWN_FILE, "matrix summary", markdown.clone()),
    ] {
        let path = out.join(name);
        let shown = project.relative(&path).display().to_string();
        match write_atomic(&path, text.as_bytes()) {
            Ok(()) => emit.note(format_args!("{what} written to {shown}")),
            Err(e) => {
                emit.note(format_args!("error: {shown}: cannot write the {what}: {e}; check that the directory is writable or pass another --out DIR"));
                code = INVALID;
            }
        }
    }
    if code == PASSED {
        emit.note(format_args!("report: {}", m.headline()));
        // The Markdown is the command's output, so that `>> $GITHUB_STEP_SUMMARY` gets it.
        emit.out(markdown);
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_names_are_usage_errors_and_nothing_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let project = Project {
            root: dir.path().to_path_buf(),
        };
        let emit = Emitter::capturing();
        let no_out = ReportOptions {
            out: Some(PathBuf::new()),
            ..ReportOptions::default()
        };
        assert_eq!(
            report(&project, &no_out, &emit),
            Err(UsageError("--out needs a directory".into()))
        );
        let no_file = ReportOptions {
            results: vec![PathBuf::from("a.json"), PathBuf::new()],
            out: None,
        };
        assert_eq!(
            report(&project, &no_file, &emit),
            Err(UsageError("--results needs a results file".into()))
        );
        // Without results files the command says where they are expected, and fails.
        assert_eq!(
            report(&project, &ReportOptions::default(), &emit),
            Ok(INVALID)
        );
        let err = emit.captured().stderr;
        assert!(
            err.contains("reports/results: cannot read the results directory"),
            "{err}"
        );
        assert!(!dir.path().join("reports/matrix.html").exists());
    }
}
