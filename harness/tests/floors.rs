//! The harness's floors stay floors: a file in `harness/src/<floor>/` may use its own floor and
//! the floors below it, and the report floor never uses exec (a report is built from records,
//! whatever ran them). Read from the source text: every `crate::<floor>` path in a file counts,
//! in a `use` line or inline.

use std::path::{Path, PathBuf};

/// Bottom to top.
const FLOORS: [&str; 5] = ["input", "judge", "exec", "report", "workflow"];

/// Floors a floor may not use although they are below it.
const ACROSS: [(&str, &str); 1] = [("report", "exec")];

/// One import that breaks the rule: file, line, the floor it reaches.
#[derive(Debug, PartialEq)]
struct Breach {
    file: PathBuf,
    line: usize,
    reaches: String,
    text: String,
}

fn rank(floor: &str) -> Option<usize> {
    FLOORS.iter().position(|f| *f == floor)
}

/// The breaches in one file's text, for a file that lives on `floor`.
fn breaches(file: &Path, floor: &str, text: &str) -> Vec<Breach> {
    let Some(own) = rank(floor) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            rest = &after[name.len()..];
            let Some(target) = rank(&name) else { continue };
            let across = ACROSS.contains(&(floor, name.as_str()));
            if target > own || across {
                out.push(Breach {
                    file: file.to_path_buf(),
                    line: i + 1,
                    reaches: name,
                    text: line.trim().to_string(),
                });
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source dir") {
        let p = entry.expect("dir entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_file_uses_a_floor_above_its_own_or_exec_from_report() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found = Vec::new();
    let mut seen = 0;
    for f in &files {
        let rel = f.strip_prefix(&src).expect("below src");
        let floor = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        if rank(floor).is_none() {
            continue;
        }
        seen += 1;
        let text = std::fs::read_to_string(f).expect("readable source file");
        found.extend(breaches(rel, floor, &text));
    }
    assert!(seen > 20, "only {seen} files found on the floors");
    let report: Vec<String> = found
        .iter()
        .map(|b| {
            format!(
                "harness/src/{}:{}: uses the {} floor: {}",
                b.file.display(),
                b.line,
                b.reaches,
                b.text
            )
        })
        .collect();
    assert!(
        report.is_empty(),
        "imports that go up a floor (or from report to exec); floors, bottom to top: {}\n{}",
        FLOORS.join(" < "),
        report.join("\n")
    );
}

#[test]
fn the_rule_sees_upward_and_across_imports_and_allows_downward_ones() {
    let f = Path::new("judge/x.rs");
    let up = "use crate::exec::adapter::Adapter;\nfn f() { crate::report::x(); }\n";
    let got = breaches(f, "judge", up);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!((got[0].line, got[0].reaches.as_str()), (1, "exec"));
    assert_eq!((got[1].line, got[1].reaches.as_str()), (2, "report"));
    let down =
        "use crate::input::case::Case;\nuse crate::judge::trace;\n// crate::exec in a comment\n";
    assert!(breaches(f, "judge", down).is_empty());
    let across = "use crate::exec::adapter::Adapter;\n";
    assert_eq!(
        breaches(Path::new("report/r.rs"), "report", across).len(),
        1
    );
    assert!(breaches(Path::new("workflow/w.rs"), "workflow", across).is_empty());
}
