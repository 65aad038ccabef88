//! The matrix as Markdown, for a GitHub job summary or a PR comment: short on purpose (GitHub
//! caps a job summary at 1 MiB), so facts and counts, the areas, the requirement tables folded,
//! and only the cases that do not pass everywhere.

use std::fmt::Write as _;

use super::html::{escape_html, flake_note};
use super::model::{percent, plural, symbol, tally_mark, Described, Matrix, Row, FACT_HEADINGS};
use crate::judge::outcome::Status;

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

impl Matrix {
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
        o.push('|');
        for h in FACT_HEADINGS {
            let _ = write!(o, " {h} |");
        }
        for s in Status::ALL {
            let _ = write!(o, " {} {} |", symbol(s), s.as_str());
        }
        let _ = write!(
            o,
            "\n|{}{}\n",
            "---|".repeat(FACT_HEADINGS.len()),
            "---:|".repeat(Status::ALL.len())
        );
        for (col, name) in self.columns.iter().zip(&names) {
            let facts = col.facts();
            match facts.described {
                Described::Available([version, adapter, source]) => {
                    let _ = write!(
                        o,
                        "| {name} | {} | {} | {} |",
                        escape_md(version),
                        escape_md(adapter),
                        escape_md(source)
                    );
                }
                // The reason takes the version cell; the adapter and source cells stay empty.
                Described::Unavailable(why) => {
                    let _ = write!(o, "| {name} | unavailable: {} | | |", escape_md(why));
                }
            }
            let _ = write!(o, " {} |", escape_md(facts.platform));
            for (_, n) in col.counts.iter() {
                let _ = write!(o, " {n} |");
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
                let mark = match s.class() {
                    "met" => "✓ ",
                    "unmet" => "✗ ",
                    _ => "",
                };
                let _ = write!(o, " {mark}{} |", s.text());
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
                // The rule beside its ID: a reader of the summary has no spec at hand.
                let _ = write!(o, "| {} {} |", escape_md(&r.id), escape_md(&r.title));
                for t in &r.tallies {
                    let (_, sym) = tally_mark(*t);
                    let _ = write!(o, " {sym} {}/{} |", t.passed, t.ran);
                }
                o.push('\n');
            }
            o.push_str("\n</details>\n");
        }

        // Only results made with `--repeat` can show this list.
        let flaky: Vec<(&Row, String)> = self
            .rows()
            .filter_map(|r| {
                let cells: Vec<String> = self
                    .columns
                    .iter()
                    .zip(&r.cells)
                    .filter_map(|(col, c)| {
                        let (k, n) = c.as_ref()?.flaky()?;
                        Some(format!("{} {k}/{n}", escape_md(&col.name)))
                    })
                    .collect();
                (!cells.is_empty()).then(|| (r, cells.join(", ")))
            })
            .collect();
        if !flaky.is_empty() {
            let _ = writeln!(
                o,
                "\n### Cases whose trace varied between runs ({})\n\nRuns that did not give the most common trace, of all runs.\n",
                flaky.len()
            );
            for (r, cells) in &flaky {
                let _ = writeln!(o, "- {}: {cells}", escape_md(&r.case));
            }
        }

        if let Some((file, r)) = &self.mutants {
            let all = r.overall();
            let _ = writeln!(
                o,
                "\n### What the suite notices\n\nUnder {} mutants of {} {} (preloads that each break one behaviour), the corpus kills **{:.1}%** ({} of {} valid); survivors: {}; verdicts changed by an empty preload: {}. Per area and per mutant: `{}` and `{}`.",
                r.mutants.len(),
                escape_md(&r.runtime),
                escape_md(&r.version),
                all.percent(),
                all.killed,
                all.valid,
                all.valid - all.killed,
                r.flips.len(),
                file,
                file.replace(".json", ".md")
            );
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
                    Some(c) if c.status == Status::Pass => {
                        let _ = write!(o, " ✓{} |", flake_note(c));
                    }
                    Some(c) => {
                        let _ = write!(
                            o,
                            " {} {}{} |",
                            symbol(c.status),
                            c.status.as_str(),
                            flake_note(c)
                        );
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
    use super::super::model::build;
    use super::super::tests::{doc, spec, HOSTILE};
    use super::*;

    #[test]
    fn requirement_rows_carry_their_rule() {
        let md = build(&[doc(HOSTILE)], &spec()).unwrap().to_markdown();
        assert!(md.contains("| B-X-001 bx |"), "{md}");
        assert!(md.contains("| A-X-001 ax |"), "{md}");
    }

    #[test]
    fn case_output_cannot_inject_markup() {
        let md = build(&[doc(HOSTILE)], &spec()).unwrap().to_markdown();
        assert!(!md.contains("<script") && !md.contains("<rt>"), "{md}");
        assert!(
            md.contains("a/&lt;script&gt;alert\\(1\\)&lt;/script&gt;"),
            "{md}"
        );
        assert!(md.contains("| linux-x64 |"), "{md}");
    }

    #[test]
    fn the_summary_shows_interop_facts_and_the_cases_that_do_not_pass() {
        let m = build(&[doc(HOSTILE)], &spec()).unwrap();
        let md = m.to_markdown();
        assert!(md.contains("**Interop: 0 of 3 cases (0.0%)"), "{md}");
        assert!(md.contains("| n/none | · not run | ✓ |"), "{md}");
        assert!(md.contains("| z/plain | ✓ | ☠ CRASH |"), "{md}");
        assert!(md.contains("| runtime | version | adapter | source | platform | ✓ PASS |"));
        assert!(md.contains("\n|---|---|---|---|---|---:|---:|---:|---:|---:|---:|\n"));
        assert!(
            md.contains("| good | 2 | node | PATH | linux-x64 | 2 | 0 | 0 | 1 | 0 | 0 |"),
            "{md}"
        );
        let mut gone = m.clone();
        gone.columns[1].available = false;
        gone.columns[1].error = Some("no | pipe".into());
        assert!(gone
            .to_markdown()
            .contains("| good | unavailable: no \\| pipe | | | linux-x64 | 2 |"));
    }

    #[test]
    fn a_cell_whose_runs_varied_shows_its_flake_rate_and_others_do_not() {
        let plain = build(&[doc(HOSTILE)], &spec()).unwrap();
        assert!(!plain.to_markdown().contains("flaky"));
        assert!(!plain.to_html().contains("flaky"));
        let json = r#"{"schema":"ah-results/1","runtimes":[{"name":"rt","available":true}],
          "results":[
            {"runtime":"rt","case":"a/x","spec":["A-X-001"],"status":"PASS","runs":20,
             "variants":[{"count":18,"status":"PASS"},{"count":2,"status":"FAIL","summary":"s",
               "trace":["b","exit 0"],"from_first":{"event":1,"expected":"a","observed":"b"}}]},
            {"runtime":"rt","case":"a/y","spec":["A-X-001"],"status":"PASS","runs":20,
             "variants":[{"count":20,"status":"PASS"}]}]}"#;
        let m = build(&[doc(json)], &spec()).unwrap();
        let md = m.to_markdown();
        assert!(
            md.contains("### Cases whose trace varied between runs (1)"),
            "{md}"
        );
        assert!(md.contains("- a/x: rt 2/20\n"), "{md}");
        let html = m.to_html();
        assert!(html.contains("✓ · flaky 2/20</td>"), "{html}");
        assert!(
            html.contains("18 of 20 runs gave this trace, 2 another: 2× FAIL (from event #1: `b`)"),
            "{html}"
        );
        assert_eq!(html.matches("flaky 2/20").count(), 1, "a/y is stable");
    }

    #[test]
    fn escaping_markdown() {
        assert_eq!(escape_md("a|b\nc `d` <e>"), "a\\|b c \\`d\\` &lt;e&gt;");
    }
}
