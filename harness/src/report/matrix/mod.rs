//! The cross-runtime matrix: several results files (one or more runtimes each) as one static
//! HTML page and one Markdown summary.
//!
//! A results file answers "what does this runtime do"; vendors and library authors ask the
//! other way round: "which runtimes agree on this case, and where does each one lose the
//! context". The matrix puts every case in a row and every runtime in a column, grouped by
//! spec area, with the requirements met per area and per requirement, an interop score (the
//! cases that pass on every runtime shown) and each runtime's facts.
//!
//! The page must work from a CI artifact or a local file: no server, no network, nothing
//! outside the file (its CSS and the little JavaScript for the filter box, `page.css` and
//! `page.js` here, are inlined). Everything it shows comes from results files and the spec,
//! and case output is whatever a runtime printed, `<script>` included: every piece of text
//! goes through [`escape_html`] and the Markdown through [`escape_md`]. The Markdown version
//! is short on purpose (GitHub caps a job summary at 1 MiB): counts, areas, and only the
//! cases that do not pass everywhere.
//!
//! Scoring is `report::requirements::score`, the rule the terminal summary uses too: a
//! requirement is met on a runtime when every case citing it that ran there passed (an
//! allowed alternative is a pass; UNSUPPORTED is not), and requirements that no case ran on
//! that runtime are left out of its score.
//!
//! This module reads the inputs; [`model`] builds the matrix, [`html`] and [`markdown`]
//! render it.

use std::path::{Path, PathBuf};

use crate::report::results::Results;

pub mod html;
pub mod markdown;
pub mod model;
pub mod mutants;

pub use crate::report::requirements::{Tally, NO_AREA};
pub use html::{cell_id, escape_html, row_id};
pub use markdown::escape_md;
pub use model::{
    build, symbol, Area, AreaScore, Column, Described, Facts, Matrix, RequirementRow, Row,
    FACT_HEADINGS,
};

/// Where `cargo xtask report` looks for results files when none is named, relative to the
/// checkout. Runs are not committed (their durations and dates change every time); CI and
/// people drop their `--results` files here.
pub const DEFAULT_RESULTS_DIR: &str = "reports/results";
/// Where the page and the Markdown go when no `--out` is given, relative to the checkout.
pub const DEFAULT_OUT_DIR: &str = "reports";
/// Where a report of results files named with `--results` goes when no `--out` is given: not
/// next to the committed matrix, which only `cargo xtask matrix` rewrites.
pub const AD_HOC_OUT_DIR: &str = "target/report";
pub const HTML_FILE: &str = "matrix.html";
pub const MARKDOWN_FILE: &str = "matrix.md";

/// One results file as read.
#[derive(Debug, Clone)]
pub struct Input {
    /// As the user named it; shown on the page and in errors.
    pub path: PathBuf,
    pub results: Results,
    /// `run.platform`, when the file records one. Each runtime's own `platform` comes first;
    /// this is the fallback for files that record the platform once for the whole run (older
    /// harnesses, or written by hand), since "which OS and CPU" matters when runtimes disagree.
    /// The typed schema does not carry it, so it is read from the JSON as is.
    pub run_platform: Option<String>,
}

impl Input {
    pub fn load(path: &Path) -> Result<Input, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read results file: {e}", path.display()))?;
        Input::parse(path, &text)
    }

    /// Parse the text of a results file; `path` names it in errors and on the page.
    pub fn parse(path: &Path, text: &str) -> Result<Input, String> {
        let results = Results::parse(path, text)?;
        // Results::parse has accepted the text as JSON already, so this cannot fail; the
        // second look is only for the field the typed schema does not carry.
        let raw: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let run_platform = raw
            .pointer("/run/platform")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        Ok(Input {
            path: path.to_path_buf(),
            results,
            run_platform,
        })
    }
}

/// Every `*.json` directly in `dir`, sorted by name. `shown` is how `dir` is named in errors.
pub fn default_inputs(dir: &Path, shown: &Path) -> Result<Vec<PathBuf>, String> {
    let how = format!(
        "write them with `cargo xtask conformance --runtime NAME --results {}/NAME.json`, \
         or name files with `cargo xtask report --results FILE`",
        shown.display()
    );
    let rd = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "{}: cannot read the results directory ({e}); {how}",
            shown.display()
        )
    })?;
    let mut files: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!(
            "{}: no results files (*.json); {how}",
            shown.display()
        ));
    }
    Ok(files)
}

/// Inputs the tests of every matrix module share: a small spec and a results file full of
/// markup.
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::input::spec::SpecIndex;

    pub fn doc(json: &str) -> Input {
        Input::parse(Path::new("t.json"), json).unwrap()
    }

    pub fn spec() -> SpecIndex {
        let mut s = SpecIndex::default();
        assert!(s
            .add_file(
                Path::new("spec/b-second.md"),
                "# Second\n### B-X-001 — bx\n### B-Y-001 — by\n"
            )
            .is_empty());
        assert!(s
            .add_file(Path::new("spec/a-first.md"), "# First\n### A-X-001 — ax\n")
            .is_empty());
        s
    }

    pub const HOSTILE: &str = r#"{"schema":"ah-results/1",
      "run": {"platform": "linux-x64"},
      "runtimes":[
        {"name":"evil\"<rt>","available":true,"version":"1<b>","adapter":"a","source":"s","error":null},
        {"name":"good","available":true,"version":"2","adapter":"node","source":"PATH","error":null}],
      "results":[
        {"runtime":"evil\"<rt>","case":"a/<script>alert(1)</script>","title":"t <i>x</i>","spec":["B-X-001"],
         "status":"FAIL","summary":"event #1: \"</td></tr>","detail":"--- expected\n+++ observed\n>-a: 1\n +a: </pre><script>alert(2)</script>\n",
         "stderr_head":"<img src=x onerror=alert(3)>","trace":["a: </pre>","exit 0"]},
        {"runtime":"good","case":"a/<script>alert(1)</script>","spec":["B-X-001"],"status":"PASS","alternative":"'quoted\""},
        {"runtime":"good","case":"z/plain","spec":["A-X-001","B-Y-001"],"status":"CRASH","summary":"signal SIGSEGV","detail":"killed"},
        {"runtime":"evil\"<rt>","case":"z/plain","spec":["A-X-001","B-Y-001"],"status":"PASS"},
        {"runtime":"good","case":"n/none","status":"PASS"}
      ]}"#;

    #[test]
    fn a_runtime_platform_comes_before_the_run_platform() {
        let json = r#"{"schema":"ah-results/1","run":{"platform":"linux-arm64"},
          "runtimes":[{"name":"a","available":true,"platform":"darwin-arm64"},{"name":"b","available":true}],
          "results":[]}"#;
        let m = build(&[doc(json)], &spec()).unwrap();
        let platforms: Vec<_> = m.columns.iter().map(|c| c.platform.as_deref()).collect();
        assert_eq!(platforms, [Some("darwin-arm64"), Some("linux-arm64")]);
    }

    #[test]
    fn default_inputs_name_the_directory_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let e = default_inputs(dir.path(), Path::new("reports/results")).unwrap_err();
        assert!(e.starts_with("reports/results: no results files"), "{e}");
        assert!(e.contains("--results reports/results/NAME.json"), "{e}");
        std::fs::write(dir.path().join("b.json"), "{}").unwrap();
        std::fs::write(dir.path().join("a.json"), "{}").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "").unwrap();
        let files = default_inputs(dir.path(), Path::new("x")).unwrap();
        let names: Vec<_> = files.iter().map(|p| p.file_name().unwrap()).collect();
        assert_eq!(names, ["a.json", "b.json"]);
        let e = default_inputs(&dir.path().join("missing"), Path::new("m")).unwrap_err();
        assert!(e.starts_with("m: cannot read the results directory"), "{e}");
    }
}
