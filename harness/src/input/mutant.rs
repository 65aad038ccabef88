//! Mutant files: the preloads `cargo xtask mutants` runs the corpus under (`mutants/*.cjs`).
//!
//! A mutant is a CommonJS file that Node loads before each case (`--require`) and that breaks
//! one behaviour of the runtime by patching its public API. Its opening comment lines are
//! directives the harness reads:
//!
//! ```js
//! // mutant: als-run-drops-store          the ID: the file name without `.cjs`
//! // area: ALS-RUN                        a requirement group of spec/*.md (or its family, `ALS`)
//! // breaks: run() calls its callback without entering the store
//! // survives: why no case can kill it    optional: the explanation of an expected survivor
//! // smoke: const { AsyncLocalStorage } = require('node:async_hooks');
//! // smoke: new AsyncLocalStorage().run(1, function () { console.log(this); });
//! ```
//!
//! `breaks` and `survives` may go on over lines that start with `//` and two or more spaces.
//! Each `smoke` line is one line of a small CommonJS script that must print something different
//! under the mutant than without it; a mutant whose smoke script prints the same is invalid.
//! One file is the control instead: `// control: <what it is>` and no area, breaks or smoke; it
//! changes nothing, and runs first to show that loading a preload changes no verdict by itself.
//!
//! The header ends at the first line that is not a `//` comment. Other comment lines in it
//! (prose, with no `key:` in lower case at their start) are left alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::input::diag::{Diagnostic, Diagnostics};
use crate::input::spec::SpecIndex;
use crate::input::suggest::did_you_mean;

/// The directory of the project's mutants, relative to the checkout.
pub const DIR: &str = "mutants";

/// The extension of a mutant file.
pub const EXTENSION: &str = "cjs";

/// The directives a header may hold.
const DIRECTIVES: [&str; 6] = ["mutant", "area", "breaks", "survives", "smoke", "control"];

/// One mutant file, as its header describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// The file name without its extension.
    pub id: String,
    pub path: PathBuf,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The preload that changes nothing, with what it says it is.
    Control { note: String },
    /// A preload that breaks one behaviour.
    Breaks {
        /// A requirement group (`ALS-RUN`) or family (`ALS`) of the spec.
        area: String,
        /// The behaviour it breaks, one sentence.
        breaks: String,
        /// Why no case kills it, when that is expected.
        survives: Option<String>,
        /// The smoke script, one line per `smoke` directive.
        smoke: String,
    },
}

impl Mutant {
    pub fn is_control(&self) -> bool {
        matches!(self.kind, Kind::Control { .. })
    }

    /// The area, or `control` for the control.
    pub fn area(&self) -> &str {
        match &self.kind {
            Kind::Control { .. } => "control",
            Kind::Breaks { area, .. } => area,
        }
    }
}

/// The family of an area: its first segment (`ALS` for `ALS-RUN`), which reports group by.
pub fn family(area: &str) -> &str {
    area.split('-').next().unwrap_or(area)
}

/// Every area a mutant may name: each requirement ID of the spec without its number, and each
/// prefix of that (`ALS-PROP-004` gives `ALS-PROP` and `ALS`).
pub fn areas(spec: &SpecIndex) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for r in spec.requirements() {
        let parts: Vec<&str> = r.id.split('-').collect();
        for n in 1..parts.len() {
            out.insert(parts[..n].join("-"));
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A header line split into its directive and value: `// key: value` with `key` in lower case.
fn directive(comment: &str) -> Option<(&str, &str)> {
    let body = comment.strip_prefix(' ')?;
    let (key, value) = body.split_once(':')?;
    let is_key = !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    is_key.then(|| (key, value.trim()))
}

/// Parse one mutant file's text; `areas` are the names `area` may take (see [`areas`]).
pub fn parse(path: &Path, text: &str, areas: &BTreeSet<String>) -> Result<Mutant, Diagnostics> {
    let mut diags = Diagnostics::default();
    let at = |line: usize, col: usize, msg: String| Diagnostic::new(path, line, col, msg);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    // (line, value) of each directive seen; smoke lines accumulate.
    let mut id: Option<(usize, String)> = None;
    let mut area: Option<(usize, String)> = None;
    let mut breaks: Option<(usize, String)> = None;
    let mut survives: Option<(usize, String)> = None;
    let mut control: Option<(usize, String)> = None;
    let mut smoke: Vec<String> = Vec::new();
    let mut smoke_line = 0;
    // The directive a `//   continued` line adds to.
    let mut last: Option<&str> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some(comment) = line.strip_prefix("//") else {
            break;
        };
        if let Some(rest) = comment.strip_prefix("  ") {
            let more = rest.trim();
            let slot = match last {
                Some("breaks") => breaks.as_mut(),
                Some("survives") => survives.as_mut(),
                Some("control") => control.as_mut(),
                _ => None,
            };
            if let Some((_, value)) = slot {
                if !more.is_empty() {
                    value.push(' ');
                    value.push_str(more);
                }
                continue;
            }
        }
        let Some((key, value)) = directive(comment) else {
            last = None;
            continue;
        };
        if !DIRECTIVES.contains(&key) {
            diags.push(at(
                n,
                4,
                format!(
                    "unknown directive `{key}`{}; a mutant header knows {}",
                    did_you_mean(key, DIRECTIVES),
                    DIRECTIVES.map(|d| format!("`{d}:`")).join(", ")
                ),
            ));
            last = None;
            continue;
        }
        last = Some(key);
        if key == "smoke" {
            if smoke.is_empty() {
                smoke_line = n;
            }
            // The script keeps its own indentation: only the one space after `smoke:` goes.
            let raw = comment[" smoke:".len()..].strip_prefix(' ').unwrap_or("");
            smoke.push(raw.trim_end().to_string());
            continue;
        }
        if value.is_empty() {
            diags.push(at(
                n,
                4,
                format!("`{key}:` has no value; write it on the same line"),
            ));
            continue;
        }
        let slot = match key {
            "mutant" => &mut id,
            "area" => &mut area,
            "breaks" => &mut breaks,
            "survives" => &mut survives,
            _ => &mut control,
        };
        if let Some((first, _)) = slot {
            diags.push(at(
                n,
                4,
                format!("`{key}:` is given twice (first on line {first}); keep one"),
            ));
            continue;
        }
        *slot = Some((n, value.to_string()));
    }
    match &id {
        None => diags.push(at(
            1,
            1,
            format!("a mutant file opens with `// mutant: {stem}`, its ID; add that line"),
        )),
        Some((n, v)) if !valid_id(v) => diags.push(at(
            *n,
            12,
            format!("`{v}` is not a mutant ID: use lower-case letters, digits and `-`"),
        )),
        Some((n, v)) if *v != stem => diags.push(at(
            *n,
            12,
            format!("the ID `{v}` is not the file's name `{stem}`; make them the same"),
        )),
        Some(_) => {}
    }
    let kind = if let Some((n, note)) = control {
        for (key, given) in [
            ("area", &area),
            ("breaks", &breaks),
            ("survives", &survives),
        ] {
            if let Some((line, _)) = given {
                diags.push(at(
                    *line,
                    4,
                    format!("the control (`control:` on line {n}) breaks nothing, so it has no `{key}:`; remove it"),
                ));
            }
        }
        if !smoke.is_empty() {
            diags.push(at(
                smoke_line,
                4,
                "the control has no smoke script; remove its `smoke:` lines".to_string(),
            ));
        }
        Kind::Control { note }
    } else {
        let mut need = |key: &str, what: &str, v: &Option<(usize, String)>| {
            if v.is_none() {
                diags.push(at(1, 1, format!("no `// {key}:` line; add one: {what}")));
            }
        };
        need(
            "area",
            "the requirement group of spec/*.md whose behaviour it breaks (`ALS-RUN`)",
            &area,
        );
        need(
            "breaks",
            "the behaviour it breaks, in one sentence",
            &breaks,
        );
        if smoke.is_empty() {
            diags.push(at(
                1,
                1,
                "no `// smoke:` line; add a small script (one `// smoke:` line per line) that prints something different under the mutant".to_string(),
            ));
        }
        if let Some((n, a)) = &area {
            if !areas.contains(a) {
                diags.push(at(
                    *n,
                    10,
                    format!(
                        "`{a}` is no requirement group of spec/*.md{}; an area is a requirement ID without its number (`ALS-RUN`) or its first part (`ALS`)",
                        did_you_mean(a, areas.iter().map(String::as_str))
                    ),
                ));
            }
        }
        Kind::Breaks {
            area: area.map(|a| a.1).unwrap_or_default(),
            breaks: breaks.map(|b| b.1).unwrap_or_default(),
            survives: survives.map(|s| s.1),
            smoke: smoke.join("\n") + "\n",
        }
    };
    diags.into_result(Mutant {
        id: stem,
        path: path.to_path_buf(),
        kind,
    })
}

/// Every `*.cjs` file directly in `dir`, parsed and checked together: all problems at once,
/// and exactly one control among them. Sorted by ID.
pub fn load_dir(dir: &Path, spec: &SpecIndex) -> Result<Vec<Mutant>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == EXTENSION))
            .collect(),
        Err(e) => {
            diags.push(Diagnostic::file(
                dir,
                format!("cannot read the mutants directory: {e}"),
            ));
            return Err(diags);
        }
    };
    files.sort();
    let areas = areas(spec);
    let mut out = Vec::new();
    for f in &files {
        match std::fs::read_to_string(f) {
            Ok(text) => match parse(f, &text, &areas) {
                Ok(m) => out.push(m),
                Err(d) => diags.extend(d),
            },
            Err(e) => diags.push(Diagnostic::file(f, format!("cannot read: {e}"))),
        }
    }
    let controls: Vec<&Mutant> = out.iter().filter(|m| m.is_control()).collect();
    if diags.is_empty() && controls.len() != 1 {
        let msg = if controls.is_empty() {
            format!(
                "no control among the {} mutant files; add `empty.cjs` holding `// mutant: empty` and `// control: loads nothing`",
                files.len()
            )
        } else {
            let ids: Vec<&str> = controls.iter().map(|m| m.id.as_str()).collect();
            format!(
                "{} controls ({}); keep one file with `// control:`",
                ids.len(),
                ids.join(", ")
            )
        };
        diags.push(Diagnostic::file(dir, msg));
    }
    diags.sorted().into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn areas() -> BTreeSet<String> {
        ["ALS", "ALS-RUN", "ALS-PROP", "ZLIB", "ZLIB-CB"]
            .map(String::from)
            .into()
    }

    fn parse_text(name: &str, text: &str) -> Result<Mutant, String> {
        parse(Path::new(name), text, &areas()).map_err(|d| {
            d.0.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    const GOOD: &str = "// mutant: run-drops\n// area: ALS-RUN\n// breaks: run() does not\n//   enter the store\n// A prose line.\n// smoke: const x = 1;\n// smoke:   console.log(x);\n'use strict';\n// not a directive: after the header\n";

    #[test]
    fn a_header_gives_id_area_behaviour_and_smoke_script() {
        let m = parse_text("m/run-drops.cjs", GOOD).expect("valid");
        assert_eq!(m.id, "run-drops");
        assert_eq!(m.area(), "ALS-RUN");
        let Kind::Breaks {
            breaks,
            survives,
            smoke,
            ..
        } = m.kind
        else {
            panic!("not a control")
        };
        assert_eq!(breaks, "run() does not enter the store");
        assert_eq!(survives, None);
        assert_eq!(smoke, "const x = 1;\n  console.log(x);\n");
        assert_eq!(family("ALS-RUN"), "ALS");
    }

    #[test]
    fn the_control_needs_only_its_id_and_note() {
        let m = parse_text("empty.cjs", "// mutant: empty\n// control: loads nothing\n")
            .expect("valid");
        assert!(m.is_control());
        assert_eq!(m.area(), "control");
        let err = parse_text(
            "empty.cjs",
            "// mutant: empty\n// control: x\n// area: ALS\n// smoke: 1\n",
        )
        .unwrap_err();
        assert!(err.contains("empty.cjs:3:4: the control"), "{err}");
        assert!(
            err.contains("empty.cjs:4:4: the control has no smoke"),
            "{err}"
        );
    }

    #[test]
    fn mistakes_are_reported_at_their_line_with_what_to_do() {
        let cases: [(&str, &str, &str); 7] = [
            ("a.cjs", "'use strict';\n", "a.cjs:1:1: a mutant file opens with `// mutant: a`"),
            ("a.cjs", "// mutant: b\n", "a.cjs:1:12: the ID `b` is not the file's name `a`"),
            ("A.cjs", "// mutant: A\n", "A.cjs:1:12: `A` is not a mutant ID"),
            (
                "a.cjs",
                "// mutant: a\n// area: ALS-RUM\n",
                "a.cjs:2:10: `ALS-RUM` is no requirement group of spec/*.md; did you mean `ALS-RUN`?",
            ),
            ("a.cjs", "// mutant: a\n// braeks: x\n", "a.cjs:2:4: unknown directive `braeks`; did you mean `breaks`?"),
            ("a.cjs", "// mutant: a\n// area: ALS\n// area: ZLIB\n", "a.cjs:3:4: `area:` is given twice (first on line 2)"),
            ("a.cjs", "// mutant: a\n// breaks:\n", "a.cjs:2:4: `breaks:` has no value"),
        ];
        for (name, text, want) in cases {
            let err = parse_text(name, text).unwrap_err();
            assert!(err.contains(want), "{name} {text:?}:\n{err}");
        }
        let err = parse_text("a.cjs", "// mutant: a\n").unwrap_err();
        for missing in [
            "no `// area:` line",
            "no `// breaks:` line",
            "no `// smoke:` line",
        ] {
            assert!(err.contains(missing), "{err}");
        }
    }

    #[test]
    fn a_directory_needs_exactly_one_control_and_reports_every_bad_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let spec_dir = dir.path().join("spec");
        std::fs::create_dir_all(&spec_dir).expect("spec dir");
        std::fs::write(spec_dir.join("a.md"), "# A\n### ALS-RUN-001 — run\n").expect("spec");
        let spec = SpecIndex::load(&spec_dir).expect("spec loads");
        let m = dir.path().join("m");
        std::fs::create_dir_all(&m).expect("mutants dir");
        std::fs::write(m.join("run-drops.cjs"), GOOD).expect("mutant");
        std::fs::write(m.join("notes.txt"), "not a mutant").expect("other file");
        let err = load_dir(&m, &spec).unwrap_err().0;
        assert!(err[0].message.contains("no control"), "{err:?}");
        std::fs::write(
            m.join("empty.cjs"),
            "// mutant: empty\n// control: nothing\n",
        )
        .expect("control");
        let all = load_dir(&m, &spec).expect("valid");
        let ids: Vec<&str> = all.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["empty", "run-drops"]);
        std::fs::write(m.join("bad.cjs"), "// mutant: bad\n// area: NOPE\n").expect("bad");
        std::fs::write(m.join("worse.cjs"), "// mutant: wrong\n").expect("worse");
        let err = load_dir(&m, &spec).unwrap_err().0;
        let files: BTreeSet<String> = err
            .iter()
            .map(|d| d.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["bad.cjs", "worse.cjs"].map(String::from).into());
    }
}
