//! `cargo xtask report` as a reader meets it: two real runtimes run a copy of the corpus in
//! which a few cases were changed to fail in known ways (one on both runtimes, one with markup
//! in its output on Node only, one killed on Node only), the page is built from their results
//! files and opened in headless Chromium, and what the browser shows is checked against the
//! JSON: every row, every cell's status, the counts, the interop score, the filter, and that
//! no text from a case became markup.
//!
//! The files stay in `target/tmp/report/` (results, `matrix.html`, `matrix.md` and
//! `matrix.png`, a screenshot with one failure opened) for a person to look at.
//!
//! Chromium is required: this test fails, saying how to install it, when it is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::judge::outcome::Status;
use harness::report::results::Results;

mod common;
use common::{copy_dir, finish, real_root, xtask_command as xtask};

/// The Chromium binary: `AH_CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("AH_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "headless Chromium is required by this test and was not found: no `chromium` or \
         `chromium-browser` on PATH, and AH_CHROMIUM is not set. Run the tests with \
         `cargo xtask test`, which installs and checks it (Debian's chromium), or point \
         AH_CHROMIUM at a Chrome or Chromium binary."
    );
}

/// Run headless Chromium on `url` with `args` (`--dump-dom`, `--screenshot=...`) and return
/// its stdout. It gets its own profile and process group, and is killed after two minutes.
fn browse(url: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium().display()));
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).unwrap();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = nix::sys::signal::killpg(
                nix::unistd::Pid::from_raw(child.id() as i32),
                nix::sys::signal::Signal::SIGKILL,
            );
            let _ = child.wait();
            panic!("chromium did not finish within 2 minutes on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = reader.join().unwrap();
    let stderr = err_reader.join().unwrap();
    assert!(
        status.success(),
        "chromium failed on {url}: {status}\n{stderr}"
    );
    stdout
}

fn dump_dom(url: &str) -> String {
    let dom = browse(url, &["--dump-dom".to_string()]);
    assert!(dom.contains("</html>"), "no DOM from {url}:\n{dom}");
    dom
}

/// The text of the attribute `name` in the first tag of `html`.
fn attr<'a>(html: &'a str, name: &str) -> Option<&'a str> {
    let tag_end = html.find('>')?;
    let tag = &html[..tag_end];
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// The DOM with the values of attributes left out. Chromium's serialiser writes `<` inside
/// an attribute value as is or as `&lt;` depending on its version; tags are what counts.
fn without_attribute_values(dom: &str) -> String {
    let (mut out, mut in_tag, mut in_value) = (String::with_capacity(dom.len()), false, false);
    for ch in dom.chars() {
        match ch {
            '"' if in_tag => in_value = !in_value,
            '<' if !in_value => in_tag = true,
            '>' if !in_value => in_tag = false,
            _ if in_value => continue,
            _ => {}
        }
        out.push(ch);
    }
    out
}

/// The case rows of the rendered matrix: case ID, whether the row is hidden, and the status
/// class of each cell (`PASS`, `FAIL`, ..., `none` for not run), in column order.
fn case_rows(dom: &str) -> Vec<(String, bool, Vec<String>)> {
    let mut rows = Vec::new();
    for chunk in dom.split("<tr class=\"case\"").skip(1) {
        let row = &chunk[..chunk.find("</tr>").expect("row ends")];
        let case = attr(row, "data-case").expect("data-case").to_string();
        let hidden = attr(row, "hidden").is_some();
        let cells = row
            .split("<td class=\"st ")
            .skip(1)
            .map(|c| c[..c.find('"').unwrap()].to_string())
            .collect();
        rows.push((case, hidden, cells));
    }
    rows
}

/// The number in the facts table for one runtime and status.
fn shown_count(dom: &str, runtime: &str, status: &str) -> usize {
    let needle = format!("data-rt=\"{runtime}\" data-status=\"{status}\">");
    let at = dom
        .find(&needle)
        .unwrap_or_else(|| panic!("no count for {runtime} {status}"))
        + needle.len();
    dom[at..at + dom[at..].find('<').unwrap()].parse().unwrap()
}

/// The ID of a case file below `cases/` whose script is its last key (so lines can be
/// appended to it) and that has no ordering rules or alternatives that could absorb a change.
fn editable_cases(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![root.join("cases")];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml") {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let Some((head, script)) = text.split_once("\nscript: |\n") else {
            continue;
        };
        let script_is_last = script.lines().all(|l| l.is_empty() || l.starts_with("  "));
        let plain = !head.contains("\norder:") && !head.contains("\nalternatives:");
        if script_is_last && plain && f.with_extension("snap").exists() {
            let rel = f.strip_prefix(root.join("cases")).unwrap();
            found.push(rel.with_extension("").to_string_lossy().into_owned());
        }
    }
    found
}

fn append_to_script(root: &Path, case: &str, lines: &str) {
    let p = root.join(format!("cases/{case}.yaml"));
    let mut text = std::fs::read_to_string(&p).unwrap();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    for l in lines.lines() {
        text.push_str("  ");
        text.push_str(l);
        text.push('\n');
    }
    std::fs::write(p, text).unwrap();
}

#[test]
fn matrix_page_in_headless_chromium_shows_what_the_results_say() {
    let chromium = chromium(); // fail first, before minutes of runs, when it is missing
    let real = real_root();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_dir(&real.join("cases"), &root.join("cases"));
    copy_dir(&real.join("spec"), &root.join("spec"));
    // Share the real checkout's runtimes and their install cache.
    std::os::unix::fs::symlink(real.join("runtimes"), root.join("runtimes")).unwrap();
    std::fs::create_dir_all(real.join(".runtimes")).unwrap();
    std::os::unix::fs::symlink(real.join(".runtimes"), root.join(".runtimes")).unwrap();

    // Three known failures. `navigator` is a global in Node 21+ and not in the reference
    // runtime, so a guard on it makes a case fail on Node only.
    let editable = editable_cases(root);
    assert!(editable.len() >= 3, "too few plain cases: {editable:?}");
    let (broken, markup, killed) = (&editable[0], &editable[1], &editable[2]);
    let snap = root.join(format!("cases/{broken}.snap"));
    let original = std::fs::read_to_string(&snap).unwrap();
    let (head, body) = original.rsplit_once("---\n").unwrap();
    std::fs::write(&snap, format!("{head}---\nnot this: 1\n{body}")).unwrap();
    append_to_script(
        root,
        markup,
        "if (typeof navigator === 'object') {\n  \
           trace('markup', '</pre></details></td></tr><script>document.body.dataset.pwned = \"trace\"</script>');\n  \
           console.error('<img src=x onerror=\"document.body.dataset.pwned = 1\">');\n\
         }",
    );
    append_to_script(
        root,
        killed,
        "if (typeof navigator === 'object') process.kill(process.pid, 'SIGKILL');",
    );

    // Both runtimes at once, each into its own file, as CI jobs would.
    let results = root.join("results");
    let runs: Vec<_> = ["reference", "node@26"]
        .into_iter()
        .map(|rt| {
            let file = results.join(format!("{rt}.json"));
            let child = xtask(
                root,
                &[
                    "conformance",
                    "--runtime",
                    rt,
                    "--results",
                    file.to_str().unwrap(),
                ],
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
            (rt, file, child)
        })
        .collect();
    let mut docs = Vec::new();
    for (rt, file, child) in runs {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{rt}: some case fails: {text}");
        docs.push((rt, file.clone(), Results::load(&file).unwrap()));
    }
    let status = |doc: &Results, case: &str| {
        doc.results
            .iter()
            .find(|r| r.case == case)
            .unwrap_or_else(|| panic!("{case} ran"))
            .clone()
    };
    let (reference, node) = (&docs[0].2, &docs[1].2);
    assert_eq!(status(reference, broken).status, Status::Fail);
    assert_eq!(status(reference, markup).status, Status::Pass);
    assert_eq!(status(reference, killed).status, Status::Pass);
    assert_eq!(status(node, broken).status, Status::Fail);
    let m = status(node, markup);
    assert_eq!(m.status, Status::Fail, "{m:?}");
    assert!(m.detail.contains("<script>document.body"), "{}", m.detail);
    assert!(m.stderr_head.contains("<img src=x"), "{}", m.stderr_head);
    assert_eq!(status(node, killed).status, Status::Crash);

    // The report, into a directory kept for people to look at.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    let _ = std::fs::remove_dir_all(&keep);
    std::fs::create_dir_all(&keep).unwrap();
    for (rt, file, _) in &docs {
        std::fs::copy(file, keep.join(format!("{rt}.json"))).unwrap();
    }
    let (code, out) = finish(xtask(
        root,
        &[
            "report",
            "--results",
            "results/reference.json",
            "--results=results/node@26.json",
            "--out",
            keep.to_str().unwrap(),
        ],
    ));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("matrix page written to"), "{out}");
    let page = keep.join("matrix.html");
    let md = std::fs::read_to_string(keep.join("matrix.md")).unwrap();
    assert!(!md.contains("<script") && !md.contains("<img"), "{md}");

    // What the JSON says, per case: the status on each runtime (`none`: not run).
    let mut expected: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (col, (_, _, doc)) in docs.iter().enumerate() {
        for r in &doc.results {
            let cells = expected
                .entry(r.case.as_str())
                .or_insert_with(|| vec!["none".to_string(); docs.len()]);
            cells[col] = r.status.as_str().to_string();
        }
    }
    let interop: BTreeSet<&str> = expected
        .iter()
        .filter(|(_, cells)| cells.iter().all(|c| c == "PASS"))
        .map(|(case, _)| *case)
        .collect();
    let total = expected.len();
    // Besides the three changed cases, only those the reference reports UNSUPPORTED (the
    // families it does not model) are not interoperable.
    let unmodelled = expected
        .values()
        .filter(|cells| cells[0] == "UNSUPPORTED" && cells[1] == "PASS")
        .count();
    assert_eq!(
        total - interop.len() - unmodelled,
        3,
        "exactly the three changed cases"
    );

    let url = format!("file://{}", page.display());
    let dom = dump_dom(&url);
    // No case output became markup: the page's own script is the only one, nothing set the
    // marker, and the text is there, as text.
    let markup_only = without_attribute_values(&dom);
    assert_eq!(
        markup_only.matches("<script").count(),
        1,
        "one script element"
    );
    assert!(!dom.contains("data-pwned"), "injected script ran");
    assert!(!dom.contains("<img"), "stderr became an element");
    assert!(dom.contains("&lt;script&gt;document.body.dataset.pwned"));
    assert!(dom.contains("&lt;img src=x onerror="));
    // The script ran: it filled in the count of shown rows.
    assert!(
        dom.contains(&format!(
            "<output id=\"shown\">{total} of {total} cases shown</output>"
        )),
        "filter script did not run"
    );

    // One row per case, each cell with the status the JSON gives, in column order.
    let rows = case_rows(&dom);
    assert_eq!(rows.len(), total, "one row per case");
    let shown: BTreeMap<&str, &Vec<String>> = rows
        .iter()
        .map(|(case, hidden, cells)| {
            assert!(!hidden, "{case} hidden without a filter");
            (case.as_str(), cells)
        })
        .collect();
    assert_eq!(shown.len(), total, "no case twice");
    for (case, cells) in &expected {
        assert_eq!(shown.get(case).copied(), Some(cells), "cells of {case}");
    }

    // The counts shown per runtime are those of the results file, both its `counts` and its
    // results counted one by one.
    for (rt, _, doc) in &docs {
        for s in harness::judge::outcome::Status::ALL {
            let name = s.as_str();
            let counted = doc.results.iter().filter(|r| r.status == s).count();
            assert_eq!(doc.runtimes[0].counts[name], counted);
            assert_eq!(shown_count(&dom, rt, name), counted, "{rt} {name}");
        }
    }
    assert!(
        dom.contains(&format!(
            "id=\"interop-score\" data-pass=\"{}\" data-total=\"{total}\"",
            interop.len()
        )),
        "interop score"
    );
    for case in [broken, markup, killed] {
        assert!(
            dom.contains(&format!("<a href=\"#case:{case}\">{case}</a>:")),
            "{case} listed as not passing everywhere"
        );
    }

    // The filters, from the address: only the cases that do not pass everywhere, and a
    // case ID substring.
    let dom = dump_dom(&format!("{url}#only=1"));
    let visible: BTreeSet<String> = case_rows(&dom)
        .into_iter()
        .filter(|(_, hidden, _)| !hidden)
        .map(|(case, _, _)| case)
        .collect();
    let want: BTreeSet<String> = [broken, markup, killed]
        .iter()
        .map(|s| s.to_string())
        .chain(
            expected
                .iter()
                .filter(|(_, cells)| cells[0] == "UNSUPPORTED" && cells[1] == "PASS")
                .map(|(case, _)| case.to_string()),
        )
        .collect();
    assert_eq!(visible, want);
    assert!(dom.contains(&format!(
        "<output id=\"shown\">{} of {total} cases shown</output>",
        want.len()
    )));
    let dom = dump_dom(&format!("{url}#q={markup}"));
    let visible: Vec<String> = case_rows(&dom)
        .into_iter()
        .filter(|(_, hidden, _)| !hidden)
        .map(|(case, _, _)| case)
        .collect();
    let matching = expected
        .keys()
        .filter(|c| c.contains(markup.as_str()))
        .count();
    assert_eq!(visible.len(), matching, "{visible:?}");
    assert!(visible.contains(markup));

    // A screenshot with the markup case's Node cell open: its diff and stderr in the panel.
    let png = keep.join("matrix.png");
    let open = format!("{url}#only=1&open=cell:node@26:{markup}");
    browse(
        &open,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1400,900".to_string(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG"), "not a PNG");
    // A blank page compresses to a few kilobytes; a rendered one does not.
    assert!(
        bytes.len() > 20_000,
        "screenshot looks empty: {} bytes",
        bytes.len()
    );
    let dom = dump_dom(&open);
    assert!(
        dom.contains(&format!("id=\"cell:node@26:{markup}\" open=\"\"")),
        "the cell named in the address is open"
    );
    eprintln!(
        "report test: page {} and screenshot {} ({})",
        page.display(),
        png.display(),
        chromium.display()
    );
}

#[test]
fn report_without_results_files_says_where_they_go() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&real_root().join("spec"), &dir.path().join("spec"));
    let (code, out) = finish(xtask(dir.path(), &["report"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("reports/results: cannot read the results directory"),
        "{out}"
    );
    assert!(out.contains("--results reports/results/NAME.json"), "{out}");
    std::fs::create_dir_all(dir.path().join("reports/results")).unwrap();
    std::fs::write(
        dir.path().join("reports/results/bad.json"),
        "{\"schema\": 1}",
    )
    .unwrap();
    let (code, out) = finish(xtask(dir.path(), &["report"]));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("reports/results/bad.json: not a results file"),
        "{out}"
    );
    let (code, out) = finish(xtask(dir.path(), &["report", "--out"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("--out needs a directory"), "{out}");
    assert!(!dir.path().join("reports/matrix.html").exists());
}

/// `report --results FILE` is the vendor's and CI's form: it prints the Markdown summary on
/// stdout (for `>> $GITHUB_STEP_SUMMARY`), keeps its notes on stderr, and writes its files
/// to `target/report/`, never over the committed `reports/matrix.*`.
#[test]
fn an_ad_hoc_report_prints_the_markdown_and_leaves_the_committed_matrix_alone() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&real_root().join("spec"), &dir.path().join("spec"));
    std::fs::create_dir_all(dir.path().join("reports")).unwrap();
    std::fs::write(dir.path().join("reports/matrix.md"), "committed\n").unwrap();
    std::fs::write(
        dir.path().join("mine.json"),
        r#"{"schema":"ah-results/1","runtimes":[
            {"name":"vendor-rt","available":true,"version":"1.0","adapter":"a","source":"s","error":null}],
          "results":[{"runtime":"vendor-rt","case":"als/run/basic","spec":["ALS-RUN-001"],"status":"FAIL","summary":"x"}]}"#,
    )
    .unwrap();
    let (code, stdout, stderr) =
        common::finish_split(xtask(dir.path(), &["report", "--results", "mine.json"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let written = std::fs::read_to_string(dir.path().join("target/report/matrix.md")).unwrap();
    assert_eq!(stdout, written, "stdout is the Markdown summary, whole");
    assert!(stdout.contains("vendor-rt"), "{stdout}");
    assert!(
        stderr.contains("matrix page written to target/report/matrix.html"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("reports/matrix.md")).unwrap(),
        "committed\n"
    );
}
