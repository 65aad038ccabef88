//! The insta snapshot file (`.snap`), the one envelope of the files we bless and review: a
//! case's expected trace (so `cargo insta review` shows and accepts pending ones) and a
//! runtime's baseline. The format: a `---` line, a YAML metadata header of `key: value`
//! lines, a `---` line, then the body, one item per line.

use std::fmt::Write as _;
use std::path::Path;

use crate::input::diag::Diagnostic;

/// Which kind of snapshot a file is, for error messages: its name and how to repair one.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub name: &'static str,
    pub remedy: &'static str,
}

/// A case's expected trace.
pub const TRACE: Kind = Kind {
    name: "snapshot",
    remedy: "restore it from version control or delete it and bless the case again",
};

/// A runtime's baseline.
pub const BASELINE: Kind = Kind {
    name: "baseline",
    remedy: "restore it from version control or write it again with `cargo xtask conformance --runtime NAME --update-baseline`",
};

/// A located error in a snapshot of `kind`.
pub fn corrupt(kind: Kind, path: &Path, line: usize, what: &str) -> Diagnostic {
    Diagnostic::new(
        path,
        line,
        1,
        format!("corrupted {}: {what}; {}", kind.name, kind.remedy),
    )
}

/// A snapshot file split at its header.
pub struct Envelope<'a> {
    /// The line number of the `---` line that closes the header.
    pub header_end: usize,
    /// Each body line with its 1-based line number, trailing empty lines dropped.
    pub body: Vec<(usize, &'a str)>,
}

/// Split a snapshot file's text. The header is checked for form only; nothing in it is
/// trusted.
pub fn split<'a>(kind: Kind, path: &Path, text: &'a str) -> Result<Envelope<'a>, Diagnostic> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    if lines.next().map(|(_, l)| l.trim_end()) != Some("---") {
        return Err(corrupt(kind, path, 1, "it must start with a `---` line"));
    }
    let mut n = 1;
    let mut closed = false;
    for (i, l) in lines.by_ref() {
        n = i;
        if l.trim_end() == "---" {
            closed = true;
            break;
        }
        if !l.is_empty() && !l.starts_with(' ') && !l.contains(':') {
            return Err(corrupt(
                kind,
                path,
                n,
                "the metadata header holds `key: value` lines only",
            ));
        }
    }
    if !closed {
        return Err(corrupt(
            kind,
            path,
            n,
            "the metadata header is not closed by a `---` line",
        ));
    }
    let mut body: Vec<(usize, &str)> = lines.collect();
    while body.last().is_some_and(|(_, l)| l.is_empty()) {
        body.pop();
    }
    Ok(Envelope {
        header_end: n,
        body,
    })
}

/// A snapshot file's text: the header (`source`, `description`, `expression`) and the body.
pub fn render(source: &str, description: &str, expression: &str, body: &str) -> String {
    let mut out = String::new();
    out.push_str("---\n");
    let _ = writeln!(out, "source: {}", yaml_quote(source));
    let _ = writeln!(out, "description: {}", yaml_quote(description));
    let _ = writeln!(out, "expression: {expression}");
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// A YAML scalar that says exactly `s`: plain when that is safe, else JSON-quoted (a JSON
/// string is a YAML double-quoted scalar).
fn yaml_quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Read the trace stored in an expected-trace snapshot; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<Vec<String>>, Diagnostic> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::file(path, format!("cannot read snapshot: {e}"))),
    };
    parse(path, &text).map(Some)
}

/// The trace of an expected-trace snapshot's text.
pub fn parse(path: &Path, text: &str) -> Result<Vec<String>, Diagnostic> {
    let env = split(TRACE, path, text)?;
    if env.body.is_empty() {
        return Err(corrupt(
            TRACE,
            path,
            env.header_end + 1,
            "it holds no trace",
        ));
    }
    Ok(env.body.into_iter().map(|(_, l)| l.to_string()).collect())
}

/// An expected-trace snapshot for a case. `source` is the case file's path as shown in review.
pub fn render_trace(source: &str, title: &str, trace: &[String]) -> String {
    let mut body = String::new();
    for l in trace {
        body.push_str(l);
        body.push('\n');
    }
    render(source, title, "trace", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_round_trip() {
        let trace = vec!["store: 1".to_string(), "exit 0".to_string()];
        let text = render_trace("cases/x.yaml", "a \"title\"", &trace);
        assert_eq!(parse(Path::new("x.snap"), &text).unwrap(), trace);
    }

    #[test]
    fn corrupted_snapshots_are_errors() {
        let p = Path::new("x.snap");
        assert!(parse(p, "store: 1\n").is_err());
        assert!(parse(p, "---\nsource: x\n").is_err());
        assert!(parse(p, "---\nsource: x\n---\n").is_err());
    }
}
