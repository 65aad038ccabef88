//! The matrix page's section on the suite's own measurement: how much of a broken runtime the
//! corpus notices (`reports/mutants.json`, written by `cargo xtask mutants`).

use std::fmt::Write as _;

use super::html::{escape_html, row_id};
use crate::report::mutants::{MutantStatus, MutantsReport};

/// How many killing cases a mutant's row links to.
const KILLERS_SHOWN: usize = 3;

/// How much of a broken runtime the corpus notices: the kill rate overall and per area, each
/// mutant with the cases that killed it (linked to their rows), and what survived and why.
pub(super) fn section(out: &mut String, file: &str, r: &MutantsReport) {
    let all = r.overall();
    let _ = write!(
        out,
        r#"<h2 id="mutants">What the suite notices: mutant runtimes</h2>
<p class="meta">From <code>{}</code> (<code>cargo xtask mutants</code>): the corpus ({} cases) on {} {} under {} mutants, each a preload that breaks one behaviour. A mutant is killed when some case's verdict differs from its verdict under an empty preload.{}</p>
<p><strong id="mutant-score" data-killed="{}" data-valid="{}">Kill rate {:.1}% ({} of {} valid mutants)</strong>; survivors: {} ({} unexplained); invalid: {}; verdicts changed by the empty preload: {}.</p>
<table class="scores" id="mutant-areas"><thead><tr><th>area</th><th>valid</th><th>killed</th><th>rate</th><th>invalid</th></tr></thead><tbody>
"#,
        escape_html(file),
        r.cases,
        escape_html(&r.runtime),
        escape_html(&r.version),
        r.mutants.len(),
        if r.first_kill {
            " Each mutant stopped at the first case that killed it, so the killers shown are the first found, not all."
        } else {
            ""
        },
        all.killed,
        all.valid,
        all.percent(),
        all.killed,
        all.valid,
        all.valid - all.killed,
        r.unexplained().count(),
        all.invalid,
        r.flips.len()
    );
    for (family, rate) in r.by_family() {
        let class = if rate.killed == rate.valid {
            "PASS"
        } else {
            "FAIL"
        };
        let _ = writeln!(
            out,
            r#"<tr><th>{}</th><td>{}</td><td>{}</td><td class="{class}">{:.0}%</td><td>{}</td></tr>"#,
            escape_html(&family),
            rate.valid,
            rate.killed,
            rate.percent(),
            rate.invalid
        );
    }
    let _ = write!(
        out,
        r#"</tbody></table>
<details><summary>{} mutants and what killed them</summary>
<table id="mutant-list"><thead><tr><th>mutant</th><th>area</th><th>breaks</th><th>status</th><th>killed by</th></tr></thead><tbody>
"#,
        r.mutants.len()
    );
    for m in &r.mutants {
        let class = match m.status {
            MutantStatus::Killed => "PASS",
            MutantStatus::Survived => "FAIL",
            MutantStatus::Invalid => "none",
        };
        let why = match m.status {
            MutantStatus::Killed => {
                let named: Vec<String> = m
                    .killed_by
                    .iter()
                    .take(KILLERS_SHOWN)
                    .map(|k| {
                        format!(
                            r##"<a href="#{}">{}</a> ({})"##,
                            escape_html(&row_id(&k.case)),
                            escape_html(&k.case),
                            escape_html(&k.status)
                        )
                    })
                    .collect();
                let more = m.killed_by.len().saturating_sub(KILLERS_SHOWN);
                if more > 0 {
                    format!("{} and {more} more", named.join(", "))
                } else {
                    named.join(", ")
                }
            }
            MutantStatus::Survived => escape_html(
                m.survives
                    .as_deref()
                    .unwrap_or("unexplained: no case notices it"),
            )
            .into_owned(),
            MutantStatus::Invalid => escape_html(
                m.invalid
                    .as_deref()
                    .unwrap_or("its smoke script saw no change"),
            )
            .into_owned(),
        };
        let _ = writeln!(
            out,
            r#"<tr><th class="id">{}</th><td>{}</td><td>{}</td><td class="{class}">{}</td><td>{why}</td></tr>"#,
            escape_html(&m.id),
            escape_html(&m.area),
            escape_html(&m.breaks),
            m.status.as_str()
        );
    }
    out.push_str("</tbody></table></details>\n");
}

#[cfg(test)]
mod tests {
    use super::super::model::build;
    use super::super::tests::{doc, spec, HOSTILE};
    use super::*;

    /// A mutants report beside the results: the page shows the rate per area, links each
    /// killer to its row, gives a survivor's explanation, and escapes what the report holds.
    #[test]
    fn the_mutants_section_links_killers_and_explains_survivors() {
        use crate::report::mutants::{Kill, MutantResult, MutantStatus, MutantsReport, Smoke};
        let mutant =
            |id: &str, area: &str, status, killed_by: Vec<Kill>, survives: Option<&str>| {
                MutantResult {
                    id: id.into(),
                    file: format!("mutants/{id}.cjs"),
                    area: area.into(),
                    breaks: format!("breaks <{id}>"),
                    survives: survives.map(String::from),
                    status,
                    killed_by,
                    smoke: Smoke {
                        plain: "a".into(),
                        mutant: "b".into(),
                    },
                    invalid: None,
                }
            };
        let mut m = build(&[doc(HOSTILE)], &spec()).unwrap();
        assert!(!m.to_html().contains(r#"id="mutants""#));
        m.mutants = Some((
            "reports/mutants.json".into(),
            MutantsReport {
                schema: crate::report::mutants::SCHEMA.into(),
                runtime: "node@26".into(),
                version: "26.0.0".into(),
                cases: 3,
                subset: false,
                first_kill: false,
                control: "empty".into(),
                flips: vec![],
                mutants: vec![
                    mutant(
                        "k",
                        "ALS-RUN",
                        MutantStatus::Killed,
                        vec![Kill {
                            case: "z/plain".into(),
                            status: "FAIL".into(),
                        }],
                        None,
                    ),
                    mutant(
                        "s",
                        "HOOK-LIFE",
                        MutantStatus::Survived,
                        vec![],
                        Some("no case <can> see it"),
                    ),
                ],
                seconds: 1.0,
            },
        ));
        let html = m.to_html();
        assert!(html.contains(r#"data-killed="1" data-valid="2""#), "{html}");
        assert!(html.contains("Kill rate 50.0% (1 of 2 valid mutants)"));
        assert!(html.contains(&format!(
            r##"<a href="#{}">z/plain</a> (FAIL)"##,
            row_id("z/plain")
        )));
        assert!(html.contains("no case &lt;can&gt; see it"));
        assert!(html.contains("breaks &lt;k&gt;") && !html.contains("<k>"));
        // Per area: ALS killed everything, HOOK did not.
        assert!(html.contains(r#"<tr><th>ALS</th><td>1</td><td>1</td><td class="PASS">100%</td>"#));
        assert!(html.contains(r#"<tr><th>HOOK</th><td>1</td><td>0</td><td class="FAIL">0%</td>"#));
        let md = m.to_markdown();
        assert!(
            md.contains("the corpus kills **50.0%** (1 of 2 valid); survivors: 1"),
            "{md}"
        );
    }
}
