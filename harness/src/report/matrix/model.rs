//! The matrix as data: runtime columns, case rows grouped into spec areas, and the scores both
//! renderers show, built from results files and the spec.
//!
//! Requirement scores come from [`requirements::score`], the one place the "met" rule lives;
//! this module only lays its answers out per column and area. The few words and symbols both
//! the page and the Markdown use for the model's values (a status's symbol, a score's text,
//! a runtime's facts) live here too, so the two renderers cannot drift apart.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Input;
use crate::input::spec::SpecIndex;
use crate::judge::outcome::{Counts, Status};
use crate::report::mutants::MutantsReport;
use crate::report::requirements::{self, area_of, requirement_area, CaseStatus, Tally, NO_AREA};
use crate::report::results::CaseResult;

/// A runtime column and the facts its results file gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub available: bool,
    pub version: Option<String>,
    pub adapter: Option<String>,
    pub source: Option<String>,
    pub platform: Option<String>,
    pub error: Option<String>,
    /// The name of the results file it came from (no directories: the page is published).
    pub file: String,
    /// When that file was written.
    pub generated_at: Option<String>,
    /// Cases per status, counted from the file's results.
    pub counts: Counts,
}

impl Column {
    pub fn ran(&self) -> usize {
        self.counts.total()
    }

    /// The cells of this runtime's row in the facts table (after its name), the same for the
    /// page and the Markdown.
    pub fn facts(&self) -> Facts<'_> {
        Facts {
            described: if self.available {
                Described::Available([opt(&self.version), opt(&self.adapter), opt(&self.source)])
            } else {
                Described::Unavailable(self.error.as_deref().unwrap_or("no reason given"))
            },
            platform: opt(&self.platform),
        }
    }
}

/// The headings of the facts table that [`Column::facts`] fills, in order.
pub const FACT_HEADINGS: [&str; 5] = ["runtime", "version", "adapter", "source", "platform"];

/// A runtime's row in the facts table, as text (not yet escaped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts<'a> {
    pub described: Described<'a>,
    pub platform: &'a str,
}

/// The version, adapter and source cells, or for a runtime that could not be prepared, why:
/// that one reason stands in for all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Described<'a> {
    Available([&'a str; 3]),
    Unavailable(&'a str),
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("not recorded")
}

/// One case: its facts and one cell per column (`None`: it did not run on that runtime).
#[derive(Debug, Clone)]
pub struct Row {
    pub case: String,
    pub title: String,
    pub spec: Vec<String>,
    pub cells: Vec<Option<CaseResult>>,
}

impl Row {
    /// Passes on every runtime shown. A case missing from a runtime's results is not known to
    /// pass there, so it does not count.
    pub fn interoperable(&self) -> bool {
        !self.cells.is_empty()
            && self
                .cells
                .iter()
                .all(|c| c.as_ref().is_some_and(|c| c.status == Status::Pass))
    }
}

/// One requirement and how its cases did on each runtime.
#[derive(Debug, Clone)]
pub struct RequirementRow {
    pub id: String,
    pub title: String,
    pub tallies: Vec<Tally>,
}

/// The requirements met by one runtime in one area.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AreaScore {
    pub met: usize,
    /// Requirements of the area that at least one case ran for on this runtime.
    pub total: usize,
    /// The area's cases on this runtime.
    pub cases: Tally,
}

impl AreaScore {
    /// `met/total`, or a dash when no case of the area ran.
    pub fn text(&self) -> String {
        if self.total == 0 {
            "–".into()
        } else {
            format!("{}/{}", self.met, self.total)
        }
    }

    /// `none` (no case ran), `met` (every requirement) or `unmet`: the page's CSS class, and
    /// the Markdown's mark.
    pub fn class(&self) -> &'static str {
        match self.total {
            0 => "none",
            t if t == self.met => "met",
            _ => "unmet",
        }
    }
}

/// A spec area: its cases (grouped by the first requirement each cites) and its requirements
/// (all that any case cites).
#[derive(Debug, Clone)]
pub struct Area {
    pub name: String,
    pub rows: Vec<Row>,
    pub requirements: Vec<RequirementRow>,
    /// One per column.
    pub scores: Vec<AreaScore>,
}

impl Area {
    pub fn interoperable(&self) -> usize {
        self.rows.iter().filter(|r| r.interoperable()).count()
    }
}

/// Everything the page and the summary show.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub columns: Vec<Column>,
    pub areas: Vec<Area>,
    /// The suite's own measurement, when a mutants report is beside the results: how much
    /// of a broken runtime the corpus notices (the file, as the checkout names it, and its
    /// report). Shown after the cases, so that a reader of the matrix can weigh a PASS.
    pub mutants: Option<(String, MutantsReport)>,
}

impl Matrix {
    pub fn rows(&self) -> impl Iterator<Item = &Row> {
        self.areas.iter().flat_map(|a| a.rows.iter())
    }

    pub fn case_count(&self) -> usize {
        self.areas.iter().map(|a| a.rows.len()).sum()
    }

    /// Cases that pass on every runtime shown.
    pub fn interoperable(&self) -> usize {
        self.areas.iter().map(Area::interoperable).sum()
    }

    /// One line for the terminal.
    pub fn headline(&self) -> String {
        format!(
            "{} runtime{} × {} cases; {} pass on every runtime",
            self.columns.len(),
            plural(self.columns.len()),
            self.case_count(),
            self.interoperable()
        )
    }
}

/// How a status reads without colour: a symbol and a word.
pub fn symbol(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Timeout => "◔",
        Status::Crash => "☠",
        Status::Error => "!",
        Status::Unsupported => "–",
    }
}

/// The class and symbol of one requirement's tally: met, not met, or no case ran.
pub(super) fn tally_mark(t: Tally) -> (&'static str, &'static str) {
    if t.ran == 0 {
        ("none", "·")
    } else if t.met() {
        ("met", "✓")
    } else {
        ("unmet", "✗")
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub(super) fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Put the inputs side by side. Columns come in the order of the files, then of each file's
/// `runtimes`. A runtime in two files is refused: the page could only show one of them, and
/// silently picking one would hide the other run.
pub fn build(inputs: &[Input], spec: &SpecIndex) -> Result<Matrix, String> {
    let (columns, cases) = collect(inputs)?;
    let n = columns.len();

    // Areas in the order of the spec files (then of the requirement in the file), so the
    // page reads like the spec; cases outside it last.
    let mut rank: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    for r in spec.requirements() {
        let key = (r.file.clone(), r.line);
        let e = rank
            .entry(requirement_area(r))
            .or_insert_with(|| key.clone());
        if key < *e {
            *e = key;
        }
    }
    let mut areas: BTreeMap<String, Area> = BTreeMap::new();
    let rows: Vec<Row> = cases
        .into_values()
        .map(|mut row| {
            row.cells.resize(n, None);
            row
        })
        .collect();

    // Requirements: each column scored on its own, then laid side by side.
    let mut reqs: BTreeMap<String, (String, Vec<Tally>)> = BTreeMap::new();
    for col in 0..n {
        let ran = rows.iter().filter_map(|row| {
            row.cells[col].as_ref().map(|c| CaseStatus {
                case: &row.case,
                spec: &row.spec,
                status: c.status,
            })
        });
        for scored in requirements::score(spec, ran) {
            let a = area(&mut areas, &scored.area, n);
            a.scores[col].total += scored.requirements.len();
            a.scores[col].met += scored.met();
            for r in scored.requirements {
                let (_, tallies) = reqs
                    .entry(r.id)
                    .or_insert_with(|| (scored.area.clone(), vec![Tally::default(); n]));
                tallies[col] = r.tally;
            }
        }
    }
    for (id, (name, tallies)) in reqs {
        let title = match spec.get(&id) {
            Some(r) => r.title.clone(),
            None => "(not in spec/)".to_string(),
        };
        area(&mut areas, &name, n)
            .requirements
            .push(RequirementRow { id, title, tallies });
    }

    // Cases: each in the area of the first requirement it cites that the spec knows.
    for row in rows {
        let name = row
            .spec
            .iter()
            .find_map(|id| area_of(spec, id))
            .unwrap_or_else(|| NO_AREA.to_string());
        let a = area(&mut areas, &name, n);
        for (i, c) in row.cells.iter().enumerate() {
            if let Some(c) = c {
                a.scores[i].cases.add(c.status);
            }
        }
        a.rows.push(row);
    }

    let mut areas: Vec<Area> = areas.into_values().collect();
    areas.sort_by(|a, b| {
        let key = |x: &Area| (x.name == NO_AREA, rank.get(&x.name).cloned());
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
    Ok(Matrix {
        columns,
        areas,
        mutants: None,
    })
}

/// The area named `name`, added (with `columns` empty scores) on first use.
fn area<'m>(areas: &'m mut BTreeMap<String, Area>, name: &str, columns: usize) -> &'m mut Area {
    areas.entry(name.to_string()).or_insert_with(|| Area {
        name: name.to_string(),
        rows: Vec::new(),
        requirements: Vec::new(),
        scores: vec![AreaScore::default(); columns],
    })
}

/// The columns and the case rows of the inputs (cells not yet one per column), rows by case ID.
fn collect(inputs: &[Input]) -> Result<(Vec<Column>, BTreeMap<&str, Row>), String> {
    let mut columns: Vec<Column> = Vec::new();
    let mut col_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut cases: BTreeMap<&str, Row> = BTreeMap::new();
    for input in inputs {
        let file = input.path.display().to_string();
        for rt in &input.results.runtimes {
            if let Some(&i) = col_of.get(rt.name.as_str()) {
                return Err(format!(
                    "{file}: runtime `{}` is also in {}; give one results file per runtime \
                     (merge the files of shards first: `cargo xtask merge OUT.json IN.json...`)",
                    rt.name, columns[i].file
                ));
            }
            col_of.insert(&rt.name, columns.len());
            columns.push(Column {
                name: rt.name.clone(),
                available: rt.available,
                version: rt.version.clone(),
                // Flags belong with the adapter: they are what tells two columns of one binary
                // (node@24 and node@24-no-acf) apart.
                adapter: match (&rt.adapter, rt.flags.as_deref().filter(|f| !f.is_empty())) {
                    (Some(a), Some(f)) => Some(format!("{a} ({f})")),
                    (a, _) => a.clone(),
                },
                source: rt.source.clone(),
                platform: rt.platform.clone().or_else(|| input.run_platform.clone()),
                error: rt.error.clone(),
                // The file's name only: the page is published, and a path would show where
                // it was built (a home directory, a CI workspace).
                file: input
                    .path
                    .file_name()
                    .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned()),
                generated_at: input.results.run.generated_at.clone(),
                counts: Counts::default(),
            });
        }
        for r in &input.results.results {
            let Some(&col) = col_of.get(r.runtime.as_str()) else {
                return Err(format!(
                    "{file}: case `{}` ran on runtime `{}`, which the file's `runtimes` list \
                     does not name; write the file again with `cargo xtask conformance --results FILE`",
                    r.case, r.runtime
                ));
            };
            let row = cases.entry(&r.case).or_insert_with(|| Row {
                case: r.case.clone(),
                title: String::new(),
                spec: Vec::new(),
                cells: Vec::new(),
            });
            if row.title.is_empty() {
                row.title = r.title.clone();
            }
            if row.spec.is_empty() {
                row.spec = r.spec.clone();
            }
            if row.cells.len() <= col {
                row.cells.resize(col + 1, None);
            }
            if row.cells[col].is_some() {
                return Err(format!(
                    "{file}: case `{}` is listed twice for runtime `{}`",
                    r.case, r.runtime
                ));
            }
            columns[col].counts.add(r.status, 1);
            row.cells[col] = Some(r.clone());
        }
    }
    if columns.is_empty() {
        return Err(
            "the results files name no runtime; write them with `cargo xtask conformance --results FILE`"
                .into(),
        );
    }
    // Columns in a fixed order, whatever the order of the files: a reader compares pages.
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by(|&a, &b| column_rank(&columns[a].name).cmp(&column_rank(&columns[b].name)));
    let mut slots: Vec<Option<Column>> = columns.into_iter().map(Some).collect();
    let columns: Vec<Column> = order.iter().filter_map(|&i| slots[i].take()).collect();
    for row in cases.values_mut() {
        row.cells.resize(order.len(), None);
        let mut cells: Vec<Option<CaseResult>> = std::mem::take(&mut row.cells);
        row.cells = order.iter().map(|&i| cells[i].take()).collect();
    }
    Ok((columns, cases))
}

/// Where a runtime's column goes: the reference first (the executable spec), then Node from
/// the newest major to the oldest (a variant such as `node@24-no-acf` right after its
/// version), the Node on PATH, then every other runtime by name.
pub fn column_rank(name: &str) -> (u8, std::cmp::Reverse<u32>, String) {
    use std::cmp::Reverse;
    if name == "reference" {
        return (0, Reverse(0), String::new());
    }
    if let Some(rest) = name.strip_prefix("node@") {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        if let Ok(major) = digits.parse::<u32>() {
            return (1, Reverse(major), rest[digits.len()..].to_string());
        }
    }
    if name == "node" {
        return (2, Reverse(0), String::new());
    }
    (3, Reverse(0), name.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{doc, spec, HOSTILE};
    use super::*;
    use std::path::Path;

    #[test]
    fn columns_follow_the_fixed_order_not_the_files() {
        let mut names = vec![
            "bun",
            "node@18",
            "./vendor.toml",
            "node@24-no-acf",
            "node",
            "deno",
            "node@26",
            "reference",
            "node@24",
            "workerd",
            "node@22",
        ];
        names.sort_by_key(|n| column_rank(n));
        assert_eq!(
            names,
            [
                "reference",
                "node@26",
                "node@24",
                "node@24-no-acf",
                "node@22",
                "node@18",
                "node",
                "./vendor.toml",
                "bun",
                "deno",
                "workerd"
            ]
        );
        // The cells move with their column.
        let input = doc(r#"{"schema":"ah-results/1","runtimes":[
            {"name":"node@18","available":true,"version":"18","adapter":"node","source":"s","error":null},
            {"name":"reference","available":true,"version":"1","adapter":"reference","source":"s","error":null}],
          "results":[
            {"runtime":"node@18","case":"a/x","spec":["A-X-001"],"status":"FAIL"},
            {"runtime":"reference","case":"a/x","spec":["A-X-001"],"status":"PASS"}]}"#);
        let m = build(&[input], &spec()).unwrap();
        let names: Vec<&str> = m.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["reference", "node@18"]);
        let row = &m.areas[0].rows[0];
        let statuses: Vec<Status> = row
            .cells
            .iter()
            .map(|c| c.as_ref().unwrap().status)
            .collect();
        assert_eq!(statuses, [Status::Pass, Status::Fail]);
        assert_eq!(m.columns[1].counts.get(Status::Fail), 1);
    }

    #[test]
    fn areas_follow_the_spec_files_and_score_requirements() {
        let m = build(&[doc(HOSTILE)], &spec()).unwrap();
        let names: Vec<&str> = m.areas.iter().map(|a| a.name.as_str()).collect();
        // a-first.md before b-second.md, cases without a known requirement last.
        assert_eq!(names, ["First", "Second", NO_AREA]);
        let first = &m.areas[0];
        assert_eq!(first.rows.len(), 1, "z/plain goes by its first requirement");
        // Column 1 (`good`): z/plain crashed, so A-X-001 is not met there.
        assert_eq!((first.scores[1].met, first.scores[1].total), (0, 1));
        assert_eq!((first.scores[0].met, first.scores[0].total), (1, 1));
        let second = &m.areas[1];
        let ids: Vec<&str> = second.requirements.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["B-X-001", "B-Y-001"]);
        // evil: B-X-001 failed (its one case), B-Y-001 passed (z/plain).
        assert_eq!((second.scores[0].met, second.scores[0].total), (1, 2));
        // good: B-X-001 passed through an alternative, B-Y-001 crashed.
        assert_eq!((second.scores[1].met, second.scores[1].total), (1, 2));
        assert_eq!(
            second.requirements[0].tallies[1],
            Tally { passed: 1, ran: 1 }
        );
        // n/none ran on `good` only: not interoperable, shown as not run.
        assert_eq!(m.case_count(), 3);
        assert_eq!(m.interoperable(), 0);
        let none = &m.areas[2].rows[0];
        assert!(none.cells[0].is_none());
        assert_eq!(m.columns[0].counts.get(Status::Fail), 1);
        assert_eq!(m.columns[1].counts.get(Status::Pass), 2);
        assert_eq!(m.columns[1].ran(), 3);
        assert_eq!(m.columns[0].platform.as_deref(), Some("linux-x64"));
    }

    #[test]
    fn requirements_the_spec_does_not_know_are_scored_apart() {
        let json = r#"{"schema":"ah-results/1",
          "runtimes":[{"name":"rt","available":true}],
          "results":[
            {"runtime":"rt","case":"old","spec":["GONE-001","A-X-001"],"status":"FAIL"},
            {"runtime":"rt","case":"new","spec":["A-X-001"],"status":"PASS"}]}"#;
        let m = build(&[doc(json)], &spec()).unwrap();
        let names: Vec<&str> = m.areas.iter().map(|a| a.name.as_str()).collect();
        // `old` cites a known requirement too, so it sits in that area; GONE-001 is scored
        // in the area of unknown IDs.
        assert_eq!(names, ["First", NO_AREA]);
        assert_eq!(m.areas[0].rows.len(), 2);
        assert_eq!(
            (m.areas[0].scores[0].met, m.areas[0].scores[0].total),
            (0, 1)
        );
        let gone = &m.areas[1];
        assert!(gone.rows.is_empty());
        assert_eq!(gone.requirements[0].title, "(not in spec/)");
        assert_eq!(gone.requirements[0].tallies[0], Tally { passed: 0, ran: 1 });
        assert_eq!(gone.scores[0].cases, Tally::default());
    }

    #[test]
    fn facts_stand_in_for_an_unavailable_runtime() {
        let m = build(&[doc(HOSTILE)], &spec()).unwrap();
        assert_eq!(
            m.columns[1].facts(),
            Facts {
                described: Described::Available(["2", "node", "PATH"]),
                platform: "linux-x64",
            }
        );
        let mut gone = m.columns[1].clone();
        gone.available = false;
        gone.platform = None;
        assert_eq!(
            gone.facts(),
            Facts {
                described: Described::Unavailable("no reason given"),
                platform: "not recorded",
            }
        );
    }

    #[test]
    fn a_runtime_in_two_files_is_refused_with_both_names() {
        let one = r#"{"schema":"ah-results/1","runtimes":[{"name":"bun","available":true}],"results":[]}"#;
        let a = Input::parse(Path::new("a.json"), one).unwrap();
        let b = Input::parse(Path::new("b.json"), one).unwrap();
        let e = build(&[a, b], &spec()).unwrap_err();
        assert!(
            e.starts_with("b.json: runtime `bun` is also in a.json"),
            "{e}"
        );
        let stray = r#"{"schema":"ah-results/1","runtimes":[],"results":[{"runtime":"x","case":"c","status":"PASS"}]}"#;
        let e = build(&[doc(stray)], &spec()).unwrap_err();
        assert!(
            e.contains("runtime `x`, which the file's `runtimes` list"),
            "{e}"
        );
    }
}
