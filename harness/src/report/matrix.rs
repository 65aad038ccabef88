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
//! outside the file (inline CSS and a little inline JavaScript for the filter box). Everything
//! it shows comes from results files and the spec, and case output is whatever a runtime
//! printed, `<script>` included: every piece of text goes through [`escape_html`] and the
//! Markdown through [`escape_md`]. The Markdown version is short on purpose (GitHub caps a
//! job summary at 1 MiB): counts, areas, and only the cases that do not pass everywhere.
//!
//! Scoring follows `report::requirement_view`: a requirement is met on a runtime when every
//! case citing it that ran there passed (an allowed alternative is a pass; UNSUPPORTED is
//! not), and requirements that no case ran on that runtime are left out of its score.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::input::spec::SpecIndex;
use crate::judge::outcome::Status;
use crate::report::results::{CaseResult, Results};

/// Where `cargo xtask report` looks for results files when none is named, relative to the
/// checkout. Runs are not committed (their durations and dates change every time); CI and
/// people drop their `--results` files here.
pub const DEFAULT_RESULTS_DIR: &str = "reports/results";
/// Where the page and the Markdown go when no `--out` is given, relative to the checkout.
pub const DEFAULT_OUT_DIR: &str = "reports";
pub const HTML_FILE: &str = "matrix.html";
pub const MARKDOWN_FILE: &str = "matrix.md";

/// The area of cases that cite no requirement the spec knows (the spec changed since the run,
/// or the case cites none).
pub const NO_AREA: &str = "Not in the specification";

/// Case output shown in a cell is cut here: the page must stay quick to open even when a
/// runtime prints megabytes; the whole text is in the results file.
const CELL_TEXT_CAP: usize = 16 * 1024;

/// One results file as read.
#[derive(Debug, Clone)]
pub struct Input {
    /// As the user named it; shown on the page and in errors.
    pub path: PathBuf,
    pub results: Results,
    /// `platform` of each runtime (or of the run), when the file records one. `ah-results/1`
    /// does not define that field yet; a file that has it (written by a later harness, or by
    /// hand) gets it shown, since "which OS and CPU" matters when runtimes disagree.
    pub platforms: BTreeMap<String, String>,
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
        // second look is only for fields the typed schema does not (yet) carry.
        let raw: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
        let run_platform = raw
            .pointer("/run/platform")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let mut platforms = BTreeMap::new();
        if let Some(rts) = raw.get("runtimes").and_then(|v| v.as_array()) {
            for rt in rts {
                let Some(name) = rt.get("name").and_then(|v| v.as_str()) else {
                    continue;
                };
                let p = rt
                    .get("platform")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .or_else(|| run_platform.clone());
                if let Some(p) = p {
                    platforms.insert(name.to_string(), p);
                }
            }
        }
        Ok(Input {
            path: path.to_path_buf(),
            results,
            platforms,
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
    /// The results file it came from, as named.
    pub file: String,
    /// When that file was written.
    pub generated_at: Option<String>,
    /// Cases per status, counted from the file's results (every status present).
    pub counts: BTreeMap<Status, usize>,
}

impl Column {
    pub fn ran(&self) -> usize {
        self.counts.values().sum()
    }
}

/// Passing cases out of those that ran, for one requirement (or area) on one runtime.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub ran: usize,
}

impl Tally {
    /// Met: at least one case ran and all that ran passed.
    pub fn met(self) -> bool {
        self.ran > 0 && self.passed == self.ran
    }
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

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Put the inputs side by side. Columns come in the order of the files, then of each file's
/// `runtimes`. A runtime in two files is refused: the page could only show one of them, and
/// silently picking one would hide the other run.
pub fn build(inputs: &[Input], spec: &SpecIndex) -> Result<Matrix, String> {
    let mut columns: Vec<Column> = Vec::new();
    let mut col_of: BTreeMap<&str, usize> = BTreeMap::new();
    // case → (title, spec, cells)
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
                platform: rt
                    .platform
                    .clone()
                    .or_else(|| input.platforms.get(&rt.name).cloned()),
                error: rt.error.clone(),
                file: file.clone(),
                generated_at: input.results.run.generated_at.clone(),
                counts: Status::ALL.iter().map(|s| (*s, 0)).collect(),
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
            *columns[col].counts.entry(r.status).or_default() += 1;
            row.cells[col] = Some(r.clone());
        }
    }
    if columns.is_empty() {
        return Err(
            "the results files name no runtime; write them with `cargo xtask conformance --results FILE`"
                .into(),
        );
    }
    let n = columns.len();

    // Areas in the order of the spec files (then of the requirement in the file), so the
    // page reads like the spec; cases outside it last.
    let area_name = |id: &str| -> Option<String> {
        spec.get(id).map(|r| {
            if r.area.is_empty() {
                r.file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            } else {
                r.area.clone()
            }
        })
    };
    let mut rank: BTreeMap<String, (PathBuf, usize)> = BTreeMap::new();
    for r in spec.requirements() {
        let key = (r.file.clone(), r.line);
        let name = area_name(&r.id).unwrap_or_default();
        let e = rank.entry(name).or_insert_with(|| key.clone());
        if key < *e {
            *e = key;
        }
    }
    let mut areas: BTreeMap<String, Area> = BTreeMap::new();
    let new_area = |name: &str, areas: &mut BTreeMap<String, Area>| {
        areas.entry(name.to_string()).or_insert_with(|| Area {
            name: name.to_string(),
            rows: Vec::new(),
            requirements: Vec::new(),
            scores: vec![AreaScore::default(); n],
        });
    };
    // requirement → its tallies
    let mut reqs: BTreeMap<String, Vec<Tally>> = BTreeMap::new();
    for (_, mut row) in cases {
        row.cells.resize(n, None);
        for id in &row.spec {
            let t = reqs
                .entry(id.clone())
                .or_insert_with(|| vec![Tally::default(); n]);
            for (i, c) in row.cells.iter().enumerate() {
                if let Some(c) = c {
                    t[i].ran += 1;
                    t[i].passed += usize::from(c.status == Status::Pass);
                }
            }
        }
        let area = row
            .spec
            .iter()
            .find_map(|id| area_name(id))
            .unwrap_or_else(|| NO_AREA.to_string());
        new_area(&area, &mut areas);
        let a = areas.get_mut(&area).expect("just added");
        for (i, c) in row.cells.iter().enumerate() {
            if let Some(c) = c {
                a.scores[i].cases.ran += 1;
                a.scores[i].cases.passed += usize::from(c.status == Status::Pass);
            }
        }
        a.rows.push(row);
    }
    for (id, tallies) in reqs {
        let (area, title) = match spec.get(&id) {
            Some(r) => (area_name(&id).unwrap_or_default(), r.title.clone()),
            None => (NO_AREA.to_string(), "(not in spec/)".to_string()),
        };
        new_area(&area, &mut areas);
        let a = areas.get_mut(&area).expect("just added");
        for (i, t) in tallies.iter().enumerate() {
            if t.ran > 0 {
                a.scores[i].total += 1;
                a.scores[i].met += usize::from(t.met());
            }
        }
        a.requirements.push(RequirementRow { id, title, tallies });
    }
    let mut areas: Vec<Area> = areas.into_values().collect();
    areas.sort_by(|a, b| {
        let key = |x: &Area| (x.name == NO_AREA, rank.get(&x.name).cloned());
        key(a).cmp(&key(b)).then_with(|| a.name.cmp(&b.name))
    });
    Ok(Matrix { columns, areas })
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

/// Escape text for HTML element content and double- or single-quoted attribute values.
pub fn escape_html(s: &str) -> Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escape text for a GitHub Markdown table cell: it must stay one literal line. HTML
/// characters become entities (GitHub renders inline HTML), Markdown punctuation is
/// backslash-escaped, and line breaks become spaces.
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' | '(' | ')' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out
}

/// At most `CELL_TEXT_CAP` bytes, cut at a character boundary, saying how much was left out.
fn capped(s: &str) -> Cow<'_, str> {
    if s.len() <= CELL_TEXT_CAP {
        return Cow::Borrowed(s);
    }
    let mut end = CELL_TEXT_CAP;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!(
        "{}\n… ({} more bytes in the results file)",
        &s[..end],
        s.len() - end
    ))
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("not recorded")
}

const STYLE: &str = r#"
:root { --line: #c8c8c8; --muted: #5f5f5f; font: 14px/1.4 system-ui, sans-serif; color: #1d1d1d; }
body { margin: 0 1.2rem 50vh; }
h1 { font-size: 1.35rem; margin: 1rem 0 .3rem; }
h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
.meta, small { color: var(--muted); }
table { border-collapse: separate; border-spacing: 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .45rem; text-align: left; vertical-align: top; }
.facts td, .facts th, .scores td, .scores th { border-right: 1px solid var(--line); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.legend span { margin-right: .6rem; padding: 0 .3rem; white-space: nowrap; }
.controls { position: sticky; top: 0; z-index: 4; background: #fff; padding: .4rem 0; display: flex; gap: 1rem; align-items: center; }
#filter { width: 24rem; font: inherit; padding: .25rem .4rem; }
#cases thead th { position: sticky; top: var(--controls-height, 2.8rem); z-index: 3; background: #f3f3f3; border-bottom: 2px solid #888; }
#cases thead th:first-child { left: 0; z-index: 5; }
#cases th.id { position: sticky; left: 0; z-index: 2; background: #fff; font-weight: normal; font-family: ui-monospace, monospace; font-size: 12.5px; white-space: nowrap; }
#cases tr.area th, #cases tr.area td { background: #e4e9f2; font-weight: 600; border-top: 2px solid #888; }
#cases tr.area th { position: sticky; left: 0; z-index: 2; }
#cases td.st { white-space: nowrap; font-size: 12.5px; text-align: center; border-left: 1px solid #fff; }
.PASS { background: #d3f1da; }
.FAIL { background: #f8c9c9; }
.TIMEOUT { background: #ffe1a8; }
.CRASH { background: #e2c6f2; }
.ERROR { background: #e8d9bd; }
.UNSUPPORTED { background: #e6e6e6; }
.none { background: #fff; color: var(--muted); }
.met { background: #d3f1da; }
.unmet { background: #f8c9c9; }
td.st details > summary { cursor: pointer; list-style: none; }
td.st details > summary::-webkit-details-marker { display: none; }
td.st details[open] > summary { outline: 2px solid #000; }
details.cell > .pop { position: fixed; left: 1rem; right: 1rem; bottom: .8rem; max-height: 48vh; overflow: auto; z-index: 10;
  background: #fff; border: 2px solid #333; box-shadow: 0 4px 24px rgba(0,0,0,.35); padding: .6rem .8rem; text-align: left; white-space: normal; font-size: 13px; }
.pop h3 { margin: 0 0 .3rem; font-size: 14px; }
.pop .close { float: right; font: inherit; cursor: pointer; }
.pop h4 { margin: .6rem 0 .2rem; font-size: 13px; }
pre { margin: 0; padding: .35rem; background: #f6f6f6; overflow: auto; white-space: pre; font: 12px/1.35 ui-monospace, monospace; }
pre .del { background: #fbd9d9; display: block; }
pre .add { background: #d6f3dc; display: block; }
tr[hidden] { display: none; }
"#;

/// The page's script: the filter box, "only cases that do not pass everywhere", one open
/// cell at a time, Esc to close, and `#q=TEXT&only=1&open=CELL-ID` in the address for links.
const SCRIPT: &str = r#"
(function () {
  var q = document.getElementById('filter');
  var only = document.getElementById('only');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#cases tr.case'));
  var groups = Array.prototype.slice.call(document.querySelectorAll('#cases tbody'));
  // The table's header sticks just below the (also sticky) filter bar.
  document.documentElement.style.setProperty('--controls-height',
    document.querySelector('.controls').offsetHeight + 'px');
  function apply() {
    var needle = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = (!needle || r.getAttribute('data-case').toLowerCase().indexOf(needle) >= 0) &&
               (!only.checked || r.getAttribute('data-interop') === '0');
      r.hidden = !ok;
      if (ok) n++;
    });
    groups.forEach(function (g) {
      var head = g.querySelector('tr.area');
      if (head) head.hidden = !g.querySelector('tr.case:not([hidden])');
    });
    shown.textContent = n + ' of ' + rows.length + ' cases shown';
  }
  function remember() {
    var p = new URLSearchParams();
    if (q.value) p.set('q', q.value);
    if (only.checked) p.set('only', '1');
    var h = p.toString();
    history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
  }
  var params = new URLSearchParams(location.hash.slice(1));
  if (params.has('q')) q.value = params.get('q');
  if (params.get('only') === '1') only.checked = true;
  q.addEventListener('input', function () { apply(); remember(); });
  only.addEventListener('change', function () { apply(); remember(); });
  document.addEventListener('toggle', function (e) {
    var d = e.target;
    if (!d.open || !d.classList || !d.classList.contains('cell')) return;
    document.querySelectorAll('details.cell[open]').forEach(function (o) { if (o !== d) o.open = false; });
  }, true);
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') document.querySelectorAll('details.cell[open]').forEach(function (o) { o.open = false; });
  });
  apply();
  // No scrolling here: the cell's panel is fixed to the window, and it links to its row.
  var open = params.get('open') && document.getElementById(params.get('open'));
  if (open) open.open = true;
})();
"#;

/// The `id` of a non-passing cell's `<details>`, for `#open=` links.
pub fn cell_id(runtime: &str, case: &str) -> String {
    format!("cell:{runtime}:{case}")
}

/// The `id` of a case's row.
pub fn row_id(case: &str) -> String {
    format!("case:{case}")
}

fn status_cell(out: &mut String, col: &Column, row: &Row, cell: Option<&CaseResult>) {
    let Some(c) = cell else {
        let _ = write!(
            out,
            r#"<td class="st none" title="not run on {}">· not run</td>"#,
            escape_html(&col.name)
        );
        return;
    };
    let st = c.status.as_str();
    if c.status == Status::Pass {
        match &c.alternative {
            Some(alt) => {
                let _ = write!(
                    out,
                    r#"<td class="st PASS" title="PASS through the allowed alternative `{}`">✓ alt</td>"#,
                    escape_html(alt)
                );
            }
            None => out.push_str(r#"<td class="st PASS" title="PASS">✓</td>"#),
        }
        return;
    }
    let _ = write!(
        out,
        r##"<td class="st {st}" title="{}"><details class="cell" id="{}"><summary>{} {st}</summary><div class="pop"><button type="button" class="close" onclick="this.closest('details').open = false">close ✕</button><h3><a href="#{}">{}</a> on {} ({}): {st}</h3>"##,
        escape_html(&c.summary),
        escape_html(&cell_id(&col.name, &row.case)),
        symbol(c.status),
        escape_html(&row_id(&row.case)),
        escape_html(&row.case),
        escape_html(&col.name),
        escape_html(col.version.as_deref().unwrap_or("version unknown")),
    );
    if !row.title.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape_html(&row.title));
    }
    let detail = capped(&c.detail);
    if c.status == Status::Fail {
        out.push_str("<h4>diff (− expected, + observed, &gt; first divergence)</h4><pre>");
        for line in detail.lines() {
            let mut chars = line.chars();
            let (a, b) = (chars.next(), chars.next());
            let class = match (a, b) {
                (Some('>' | ' '), Some('-')) => Some("del"),
                (Some('>' | ' '), Some('+')) => Some("add"),
                _ => None,
            };
            match class {
                Some(cl) => {
                    let _ = write!(out, r#"<span class="{cl}">{}</span>"#, escape_html(line));
                }
                None => {
                    let _ = writeln!(out, "{}", escape_html(line));
                }
            }
        }
        out.push_str("</pre>");
    } else {
        let _ = write!(
            out,
            "<h4>what happened</h4><pre>{}</pre>",
            escape_html(if detail.is_empty() {
                &c.summary
            } else {
                &detail
            })
        );
    }
    if c.stderr_head.is_empty() {
        out.push_str("<h4>stderr</h4><p><small>(nothing written to stderr)</small></p>");
    } else {
        let _ = write!(
            out,
            "<h4>stderr (head)</h4><pre>{}</pre>",
            escape_html(&capped(&c.stderr_head))
        );
    }
    if !c.trace.is_empty() {
        let _ = write!(
            out,
            "<h4>observed trace</h4><pre>{}</pre>",
            escape_html(&capped(&c.trace.join("\n")))
        );
    }
    out.push_str(
        "<p><small>Esc or a click on the status closes this panel.</small></p></div></details></td>",
    );
}

fn score_text(s: &AreaScore) -> String {
    if s.total == 0 {
        "–".into()
    } else {
        format!("{}/{}", s.met, s.total)
    }
}

fn score_class(s: &AreaScore) -> &'static str {
    match s.total {
        0 => "none",
        t if t == s.met => "met",
        _ => "unmet",
    }
}

impl Matrix {
    /// The page: one self-contained HTML document.
    pub fn to_html(&self) -> String {
        let mut o = String::with_capacity(64 * 1024 + self.case_count() * self.columns.len() * 64);
        let cases = self.case_count();
        let interop = self.interoperable();
        let _ = write!(
            o,
            r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>node:async_hooks conformance matrix</title>
<style>{STYLE}</style></head>
<body>
<h1>node:async_hooks conformance: {} runtime{} × {cases} cases</h1>
<p class="meta">Built by <code>cargo xtask report</code> from {}.</p>
"#,
            self.columns.len(),
            plural(self.columns.len()),
            {
                // In the order given, each once (a file may hold several runtimes).
                let mut files: Vec<&str> = self.columns.iter().map(|c| c.file.as_str()).collect();
                files.dedup();
                files
                    .iter()
                    .map(|f| format!("<code>{}</code>", escape_html(f)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        );

        // Interop.
        let _ = write!(
            o,
            r#"<h2 id="interop">Interop</h2>
<p><strong id="interop-score" data-pass="{interop}" data-total="{cases}">{interop} of {cases} cases ({})</strong> pass on every runtime shown.</p>
"#,
            percent(interop, cases)
        );
        let broken: Vec<&Row> = self.rows().filter(|r| !r.interoperable()).collect();
        if !broken.is_empty() {
            let _ = write!(
                o,
                "<details><summary>{} case{} do not pass everywhere</summary><ul id=\"not-interop\">",
                broken.len(),
                plural(broken.len())
            );
            for r in broken {
                let _ = write!(
                    o,
                    r##"<li><a href="#{}">{}</a>: "##,
                    escape_html(&row_id(&r.case)),
                    escape_html(&r.case)
                );
                let where_: Vec<String> = self
                    .columns
                    .iter()
                    .zip(&r.cells)
                    .filter_map(|(col, c)| match c {
                        Some(c) if c.status == Status::Pass => None,
                        Some(c) => Some(format!(
                            "{} {} {}",
                            escape_html(&col.name),
                            symbol(c.status),
                            c.status.as_str()
                        )),
                        None => Some(format!("{} · not run", escape_html(&col.name))),
                    })
                    .collect();
                let _ = write!(o, "{}</li>", where_.join(", "));
            }
            o.push_str("</ul></details>\n");
        }

        // Runtime facts and counts.
        o.push_str(
            r#"<h2 id="runtimes">Runtimes</h2>
<table class="facts" id="facts"><thead><tr><th>runtime</th><th>version</th><th>adapter</th><th>source</th><th>platform</th><th>results file</th>"#,
        );
        for s in Status::ALL {
            let _ = write!(o, r#"<th class="{0}">{1} {0}</th>"#, s.as_str(), symbol(s));
        }
        o.push_str("</tr></thead><tbody>\n");
        for col in &self.columns {
            let _ = write!(
                o,
                r#"<tr data-rt="{}"><th>{}</th>"#,
                escape_html(&col.name),
                escape_html(&col.name)
            );
            if col.available {
                let _ = write!(
                    o,
                    "<td>{}</td><td>{}</td><td>{}</td>",
                    escape_html(opt(&col.version)),
                    escape_html(opt(&col.adapter)),
                    escape_html(opt(&col.source))
                );
            } else {
                let _ = write!(
                    o,
                    r#"<td colspan="3">unavailable: {}</td>"#,
                    escape_html(col.error.as_deref().unwrap_or("no reason given"))
                );
            }
            let _ = write!(
                o,
                "<td>{}</td><td><code>{}</code>{}</td>",
                escape_html(opt(&col.platform)),
                escape_html(&col.file),
                col.generated_at
                    .as_deref()
                    .map(|g| format!("<br><small>{}</small>", escape_html(g)))
                    .unwrap_or_default()
            );
            for s in Status::ALL {
                let _ = write!(
                    o,
                    r#"<td class="n" data-rt="{}" data-status="{}">{}</td>"#,
                    escape_html(&col.name),
                    s.as_str(),
                    col.counts.get(&s).copied().unwrap_or(0)
                );
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody></table>\n");

        // Areas.
        o.push_str(r#"<h2 id="areas">Requirements met, per area</h2>
<p class="meta">A requirement is met when every case citing it that ran on the runtime passed. Below the score: cases passed / cases run.</p>
<table class="scores" id="area-scores"><thead><tr><th>area</th>"#);
        for col in &self.columns {
            let _ = write!(o, "<th>{}</th>", escape_html(&col.name));
        }
        o.push_str("</tr></thead><tbody>\n");
        for a in &self.areas {
            let _ = write!(
                o,
                r##"<tr><th><a href="#{}">{}</a></th>"##,
                escape_html(&format!("area:{}", a.name)),
                escape_html(&a.name)
            );
            for (col, s) in self.columns.iter().zip(&a.scores) {
                let _ = write!(
                    o,
                    r#"<td class="{}" title="{}: {} {}/{} requirements met">{} <small>requirements</small><br><small>{}/{} cases</small></td>"#,
                    score_class(s),
                    escape_html(&col.name),
                    escape_html(&a.name),
                    s.met,
                    s.total,
                    score_text(s),
                    s.cases.passed,
                    s.cases.ran
                );
            }
            o.push_str("</tr>\n");
        }
        o.push_str("</tbody></table>\n");
        o.push_str(r#"<h2 id="requirements">Per requirement</h2>
<p class="meta">Cases passed / cases run, per requirement and runtime; ✓ met, ✗ not met, · no case ran.</p>
"#);
        for a in &self.areas {
            if a.requirements.is_empty() {
                continue;
            }
            let _ = write!(
                o,
                r#"<details><summary>{}: {} requirement{}</summary><table class="scores"><thead><tr><th>requirement</th>"#,
                escape_html(&a.name),
                a.requirements.len(),
                plural(a.requirements.len())
            );
            for col in &self.columns {
                let _ = write!(o, "<th>{}</th>", escape_html(&col.name));
            }
            o.push_str("</tr></thead><tbody>");
            for req in &a.requirements {
                let _ = write!(
                    o,
                    r#"<tr><th title="{}">{}</th>"#,
                    escape_html(&req.title),
                    escape_html(&req.id)
                );
                for t in &req.tallies {
                    let (class, sym) = if t.ran == 0 {
                        ("none", "·")
                    } else if t.met() {
                        ("met", "✓")
                    } else {
                        ("unmet", "✗")
                    };
                    let _ = write!(
                        o,
                        r#"<td class="{class}">{sym} {}/{}</td>"#,
                        t.passed, t.ran
                    );
                }
                o.push_str("</tr>");
            }
            o.push_str("</tbody></table></details>\n");
        }

        // The matrix.
        o.push_str(
            r#"<h2 id="matrix">Cases × runtimes</h2>
<p class="legend">"#,
        );
        for s in Status::ALL {
            let _ = write!(
                o,
                r#"<span class="{0}">{1} {0}</span>"#,
                s.as_str(),
                symbol(s)
            );
        }
        o.push_str(r#"<span class="PASS">✓ alt: PASS through an allowed alternative</span><span class="none">· not run</span> Click a status other than PASS for its diff and stderr.</p>
<div class="controls"><input id="filter" type="search" placeholder="filter by case ID (part of it)" aria-label="filter by case ID">
<label><input type="checkbox" id="only"> only cases that do not pass everywhere</label>
<output id="shown"></output></div>
<table id="cases"><thead><tr><th>case</th>"#);
        for col in &self.columns {
            let _ = write!(
                o,
                "<th>{}<br><small>{}</small></th>",
                escape_html(&col.name),
                escape_html(col.version.as_deref().unwrap_or("unavailable"))
            );
        }
        o.push_str("</tr></thead>\n");
        for a in &self.areas {
            if a.rows.is_empty() {
                continue;
            }
            let _ = write!(
                o,
                r#"<tbody><tr class="area" id="{}"><th>{} <small>{} cases, {} pass everywhere</small></th>"#,
                escape_html(&format!("area:{}", a.name)),
                escape_html(&a.name),
                a.rows.len(),
                a.interoperable()
            );
            for (col, s) in self.columns.iter().zip(&a.scores) {
                let _ = write!(
                    o,
                    r#"<td class="{}" title="{}: requirements met / cited by cases that ran">{} req.</td>"#,
                    score_class(s),
                    escape_html(&col.name),
                    score_text(s)
                );
            }
            o.push_str("</tr>\n");
            for row in &a.rows {
                let title = if row.spec.is_empty() {
                    row.title.clone()
                } else {
                    format!("{} [{}]", row.title, row.spec.join(", "))
                };
                let _ = write!(
                    o,
                    r#"<tr class="case" id="{}" data-case="{}" data-interop="{}"><th class="id" title="{}">{}</th>"#,
                    escape_html(&row_id(&row.case)),
                    escape_html(&row.case),
                    u8::from(row.interoperable()),
                    escape_html(&title),
                    escape_html(&row.case)
                );
                for (col, cell) in self.columns.iter().zip(&row.cells) {
                    status_cell(&mut o, col, row, cell.as_ref());
                }
                o.push_str("</tr>\n");
            }
            o.push_str("</tbody>\n");
        }
        let _ = write!(o, "</table>\n<script>{SCRIPT}</script>\n</body></html>\n");
        o
    }

    /// The summary for a GitHub job summary or PR comment: facts and counts, areas, the
    /// requirement tables folded, and the cases that do not pass everywhere.
    pub fn to_markdown(&self) -> String {
        let mut o = String::new();
        let cases = self.case_count();
        let interop = self.interoperable();
        let names: Vec<String> = self.columns.iter().map(|c| escape_md(&c.name)).collect();
        let _ = writeln!(o, "## node:async_hooks conformance matrix\n");
        let _ = writeln!(
            o,
            "**Interop: {interop} of {cases} cases ({}) pass on all {} runtime{}.**\n",
            percent(interop, cases),
            self.columns.len(),
            plural(self.columns.len())
        );
        o.push_str("| runtime | version | adapter | source | platform |");
        for s in Status::ALL {
            let _ = write!(o, " {} {} |", symbol(s), s.as_str());
        }
        o.push_str("\n|---|---|---|---|---|");
        o.push_str(&"---:|".repeat(Status::ALL.len()));
        o.push('\n');
        for (col, name) in self.columns.iter().zip(&names) {
            if col.available {
                let _ = write!(
                    o,
                    "| {name} | {} | {} | {} |",
                    escape_md(opt(&col.version)),
                    escape_md(opt(&col.adapter)),
                    escape_md(opt(&col.source))
                );
            } else {
                let _ = write!(
                    o,
                    "| {name} | unavailable: {} | | |",
                    escape_md(col.error.as_deref().unwrap_or("no reason given"))
                );
            }
            let _ = write!(o, " {} |", escape_md(opt(&col.platform)));
            for s in Status::ALL {
                let _ = write!(o, " {} |", col.counts.get(&s).copied().unwrap_or(0));
            }
            o.push('\n');
        }

        let _ = write!(o, "\n### Requirements met, per area\n\n| area |");
        for n in &names {
            let _ = write!(o, " {n} |");
        }
        let _ = write!(o, "\n|---|{}\n", "---|".repeat(names.len()));
        for a in &self.areas {
            let _ = write!(o, "| {} |", escape_md(&a.name));
            for s in &a.scores {
                let mark = match score_class(s) {
                    "met" => "✓ ",
                    "unmet" => "✗ ",
                    _ => "",
                };
                let _ = write!(o, " {mark}{} |", score_text(s));
            }
            o.push('\n');
        }
        for a in &self.areas {
            if a.requirements.is_empty() {
                continue;
            }
            let unmet = a
                .requirements
                .iter()
                .filter(|r| r.tallies.iter().any(|t| t.ran > 0 && !t.met()))
                .count();
            let _ = write!(
                o,
                "\n<details><summary>{}: {} requirement{}, {unmet} not met somewhere</summary>\n\n| requirement |",
                escape_html(&a.name),
                a.requirements.len(),
                plural(a.requirements.len())
            );
            for n in &names {
                let _ = write!(o, " {n} |");
            }
            let _ = write!(o, "\n|---|{}\n", "---|".repeat(names.len()));
            for r in &a.requirements {
                let _ = write!(o, "| {} |", escape_md(&r.id));
                for t in &r.tallies {
                    let sym = if t.ran == 0 {
                        "·"
                    } else if t.met() {
                        "✓"
                    } else {
                        "✗"
                    };
                    let _ = write!(o, " {sym} {}/{} |", t.passed, t.ran);
                }
                o.push('\n');
            }
            o.push_str("\n</details>\n");
        }

        let broken: Vec<&Row> = self.rows().filter(|r| !r.interoperable()).collect();
        let _ = writeln!(
            o,
            "\n### Cases that do not pass everywhere ({})\n",
            broken.len()
        );
        if broken.is_empty() {
            o.push_str("Every case passes on every runtime.\n");
            return o;
        }
        o.push_str("| case |");
        for n in &names {
            let _ = write!(o, " {n} |");
        }
        let _ = write!(o, "\n|---|{}\n", "---|".repeat(names.len()));
        for r in broken {
            let _ = write!(o, "| {} |", escape_md(&r.case));
            for c in &r.cells {
                match c {
                    Some(c) if c.status == Status::Pass => o.push_str(" ✓ |"),
                    Some(c) => {
                        let _ = write!(o, " {} {} |", symbol(c.status), c.status.as_str());
                    }
                    None => o.push_str(" · not run |"),
                }
            }
            o.push('\n');
        }
        o
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> Input {
        Input::parse(Path::new("t.json"), json).unwrap()
    }

    fn spec() -> SpecIndex {
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

    const HOSTILE: &str = r#"{"schema":"ah-results/1",
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
    fn case_output_cannot_inject_markup() {
        let m = build(&[doc(HOSTILE)], &spec()).unwrap();
        let html = m.to_html();
        // Exactly one script element: the page's own.
        assert_eq!(html.matches("<script").count(), 1, "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<rt>") && !html.contains("<b>") && !html.contains("<i>"));
        assert!(!html.contains("</pre><script"));
        assert!(html.contains("a/&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(3)&gt;"));
        assert!(html.contains(r#"data-rt="evil&quot;&lt;rt&gt;""#));
        assert!(html.contains("&#39;quoted&quot;"));
        assert!(html.contains(r#"title="event #1: &quot;&lt;/td&gt;&lt;/tr&gt;""#));
        // Tags are balanced where hostile text sits.
        assert_eq!(
            html.matches("<pre>").count(),
            html.matches("</pre>").count()
        );
        assert_eq!(
            html.matches("<details").count(),
            html.matches("</details>").count()
        );
        let md = m.to_markdown();
        assert!(!md.contains("<script") && !md.contains("<rt>"), "{md}");
        assert!(
            md.contains("a/&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
            "{md}"
        );
        assert!(md.contains("| linux-x64 |"), "{md}");
    }

    #[test]
    fn escaping_functions() {
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_md("a|b\nc `d` <e>"), "a\\|b c \\`d\\` &lt;e&gt;");
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
        assert_eq!(m.columns[0].counts[&Status::Fail], 1);
        assert_eq!(m.columns[1].counts[&Status::Pass], 2);
        assert_eq!(m.columns[0].platform.as_deref(), Some("linux-x64"));
        let md = m.to_markdown();
        assert!(md.contains("**Interop: 0 of 3 cases (0.0%)"), "{md}");
        assert!(md.contains("| n/none | · not run | ✓ |"), "{md}");
        assert!(md.contains("| z/plain | ✓ | ☠ CRASH |"), "{md}");
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

    #[test]
    fn long_output_is_capped_at_a_char_boundary() {
        let s = "é".repeat(CELL_TEXT_CAP);
        let c = capped(&s);
        assert!(c.len() < s.len());
        assert!(c.ends_with("more bytes in the results file)"));
    }
}
