//! The matrix as one self-contained HTML page: the facts, the scores, and the cases ×
//! runtimes table, where a click on a status other than PASS opens its diff and stderr.
//!
//! The page's CSS and script are `page.css` and `page.js` beside this file, inlined at build
//! time: real files a person can read and an editor can check, and still nothing outside the
//! page when it is opened from a CI artifact.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::model::{
    percent, plural, symbol, tally_mark, Column, Described, Matrix, Row, FACT_HEADINGS,
};
use crate::judge::outcome::Status;
use crate::report::results::CaseResult;

/// Case output shown in a cell is cut here: the page must stay quick to open even when a
/// runtime prints megabytes; the whole text is in the results file.
const CELL_TEXT_CAP: usize = 16 * 1024;

/// The page's style sheet.
const STYLE: &str = include_str!("page.css");

/// The page's script: the filter box, "only cases that do not pass everywhere", one open
/// cell at a time, Esc to close, and `#q=TEXT&only=1&open=CELL-ID` in the address for links.
const SCRIPT: &str = include_str!("page.js");

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
    let flaky = flake_note(c);
    if c.status == Status::Pass {
        let title = flaky_title(c);
        match &c.alternative {
            Some(alt) => {
                let _ = write!(
                    out,
                    r#"<td class="st PASS" title="PASS through the allowed alternative `{}`{}">✓ alt{}</td>"#,
                    escape_html(alt),
                    escape_html(&title),
                    escape_html(&flaky)
                );
            }
            None => {
                let _ = write!(
                    out,
                    r#"<td class="st PASS" title="PASS{}">✓{}</td>"#,
                    escape_html(&title),
                    escape_html(&flaky)
                );
            }
        }
        return;
    }
    let _ = write!(
        out,
        r##"<td class="st {st}" title="{}"><details class="cell" id="{}"><summary>{} {st}{}</summary><div class="pop"><button type="button" class="close" onclick="this.closest('details').open = false">close ✕</button><h3><a href="#{}">{}</a> on {} ({}): {st}</h3>"##,
        escape_html(&c.summary),
        escape_html(&cell_id(&col.name, &row.case)),
        symbol(c.status),
        escape_html(&flaky),
        escape_html(&row_id(&row.case)),
        escape_html(&row.case),
        escape_html(&col.name),
        escape_html(col.version.as_deref().unwrap_or("version unknown")),
    );
    if !row.title.is_empty() {
        let _ = write!(out, "<p>{}</p>", escape_html(&row.title));
    }
    if !flaky.is_empty() {
        let _ = write!(
            out,
            "<p>{}</p>",
            escape_html(flaky_title(c).trim_start_matches("; "))
        );
    }
    why(out, row, c);
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

/// ` · flaky 2/20` for a cell whose runs gave more than one trace (see
/// [`CaseResult::flaky`]); empty otherwise, so results without repeats render as before.
pub(super) fn flake_note(c: &CaseResult) -> String {
    match c.flaky() {
        Some((k, n)) => format!(" · flaky {k}/{n}"),
        None => String::new(),
    }
}

/// `; 18 of 20 runs gave this trace, 2 another: FAIL event #3: ...` for a flaky cell.
fn flaky_title(c: &CaseResult) -> String {
    let Some((k, n)) = c.flaky() else {
        return String::new();
    };
    let others: Vec<String> = c
        .variants
        .iter()
        .skip(1)
        .map(|v| {
            let at = v.from_first.as_ref().map_or(String::new(), |d| {
                format!(
                    " (from event #{}: `{}`)",
                    d.event,
                    d.observed.as_deref().unwrap_or("end of trace")
                )
            });
            format!("{}× {}{at}", v.count, v.status.as_str())
        })
        .collect();
    format!(
        "; {} of {n} runs gave this trace, {k} another: {}",
        n - k,
        others.join(", ")
    )
}

/// The "why" of a cell that does not pass: the register's causes for this runtime (linked into
/// the register, which sits beside `reports/` in a checkout) and the requirements the case
/// checks, each with its rule.
fn why(out: &mut String, row: &Row, c: &CaseResult) {
    if !c.causes.is_empty() {
        out.push_str("<h4>why (divergence register)</h4><ul>");
        for cause in &c.causes {
            let _ = write!(
                out,
                r#"<li><a href="../{}">{}</a></li>"#,
                escape_html(&cause.link),
                escape_html(&cause.title)
            );
        }
        out.push_str("</ul>");
    }
    if !c.requirements.is_empty() {
        out.push_str("<h4>requirements checked</h4><ul>");
        for r in &c.requirements {
            let _ = write!(
                out,
                "<li><code>{}</code> {}</li>",
                escape_html(&r.id),
                escape_html(&r.rule)
            );
        }
        out.push_str("</ul>");
    } else if !row.spec.is_empty() {
        let _ = write!(
            out,
            "<h4>requirements checked</h4><p>{}</p>",
            row.spec
                .iter()
                .map(|id| format!("<code>{}</code>", escape_html(id)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

/// One runtime's row of the facts table: its facts, the results file it came from, and its
/// cases per status.
fn facts_row(out: &mut String, col: &Column) {
    let name = escape_html(&col.name);
    let _ = write!(out, r#"<tr data-rt="{name}"><th>{name}</th>"#);
    let facts = col.facts();
    match facts.described {
        Described::Available(cells) => {
            for c in cells {
                let _ = write!(out, "<td>{}</td>", escape_html(c));
            }
        }
        Described::Unavailable(why) => {
            let _ = write!(
                out,
                r#"<td colspan="3">unavailable: {}</td>"#,
                escape_html(why)
            );
        }
    }
    let _ = write!(
        out,
        "<td>{}</td><td><code>{}</code>{}</td>",
        escape_html(facts.platform),
        escape_html(&col.file),
        col.generated_at
            .as_deref()
            .map(|g| format!("<br><small>{}</small>", escape_html(g)))
            .unwrap_or_default()
    );
    for (s, n) in col.counts.iter() {
        let _ = write!(
            out,
            r#"<td class="n" data-rt="{name}" data-status="{}">{n}</td>"#,
            s.as_str()
        );
    }
    out.push_str("</tr>\n");
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
<style>
{STYLE}</style></head>
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
<table class="facts" id="facts"><thead><tr>"#,
        );
        for h in FACT_HEADINGS {
            let _ = write!(o, "<th>{h}</th>");
        }
        o.push_str("<th>results file</th>");
        for s in Status::ALL {
            let _ = write!(o, r#"<th class="{0}">{1} {0}</th>"#, s.as_str(), symbol(s));
        }
        o.push_str("</tr></thead><tbody>\n");
        for col in &self.columns {
            facts_row(&mut o, col);
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
                    s.class(),
                    escape_html(&col.name),
                    escape_html(&a.name),
                    s.met,
                    s.total,
                    s.text(),
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
                    r#"<tr><th>{}<br><small class="rule">{}</small></th>"#,
                    escape_html(&req.id),
                    escape_html(&req.title)
                );
                for t in &req.tallies {
                    let (class, sym) = tally_mark(*t);
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

        if let Some((file, r)) = &self.mutants {
            super::mutants::section(&mut o, file, r);
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
                    s.class(),
                    escape_html(&col.name),
                    s.text()
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
        let _ = write!(o, "</table>\n<script>\n{SCRIPT}</script>\n</body></html>\n");
        o
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::build;
    use super::super::tests::{doc, spec, HOSTILE};
    use super::*;

    #[test]
    fn a_failure_panel_says_why_and_which_rules_with_no_paths_of_the_machine() {
        let input = super::super::Input {
            path: std::path::PathBuf::from("/home/someone/ci/work/bun.json"),
            ..doc(r#"{"schema":"ah-results/1","runtimes":[
            {"name":"bun","available":true,"version":"1","adapter":"bun","source":"s","error":null}],
          "results":[
            {"runtime":"bun","case":"a/x","spec":["A-X-001"],"status":"FAIL","summary":"s",
             "requirements":[{"id":"A-X-001","rule":"ax <must> hold"}],
             "causes":[{"title":"Stores are lost in `timers`","link":"spec/divergences.md#stores-are-lost-in-timers"}]}]}"#)
        };
        let html = build(&[input], &spec()).unwrap().to_html();
        assert!(html.contains(r#"<h4>why (divergence register)</h4><ul><li><a href="../spec/divergences.md#stores-are-lost-in-timers">Stores are lost in `timers`</a></li></ul>"#), "{html}");
        assert!(
            html.contains("<li><code>A-X-001</code> ax &lt;must&gt; hold</li>"),
            "{html}"
        );
        assert!(
            html.contains(r#"A-X-001<br><small class="rule">ax</small>"#),
            "the per-requirement table shows the rule"
        );
        assert!(!html.contains("/home/someone"), "no local path on the page");
        assert!(html.contains("<code>bun.json</code>"));
    }

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
    }

    #[test]
    fn the_page_inlines_its_style_and_script() {
        let html = build(&[doc(HOSTILE)], &spec()).unwrap().to_html();
        assert!(html.contains(&format!("<style>\n{STYLE}</style>")));
        assert!(html.contains(&format!("<script>\n{SCRIPT}</script>")));
        assert!(STYLE.starts_with(":root {") && SCRIPT.starts_with("(function () {"));
    }

    #[test]
    fn the_facts_table_shows_each_runtime_and_its_counts() {
        let m = build(&[doc(HOSTILE)], &spec()).unwrap();
        let html = m.to_html();
        assert!(html.contains(
            "<tr><th>runtime</th><th>version</th><th>adapter</th><th>source</th>\
             <th>platform</th><th>results file</th><th class=\"PASS\">"
        ));
        assert!(html.contains(
            r#"<tr data-rt="good"><th>good</th><td>2</td><td>node</td><td>PATH</td><td>linux-x64</td><td><code>t.json</code></td><td class="n" data-rt="good" data-status="PASS">2</td>"#
        ), "{html}");
        let mut gone = m.clone();
        gone.columns[1].available = false;
        gone.columns[1].error = Some("no <binary>".into());
        assert!(gone.to_html().contains(
            r#"<th>good</th><td colspan="3">unavailable: no &lt;binary&gt;</td><td>linux-x64</td>"#
        ));
    }

    #[test]
    fn escaping_html() {
        assert_eq!(escape_html("plain"), "plain");
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn long_output_is_capped_at_a_char_boundary() {
        let s = "é".repeat(CELL_TEXT_CAP);
        let c = capped(&s);
        assert!(c.len() < s.len());
        assert!(c.ends_with("more bytes in the results file)"));
    }
}
