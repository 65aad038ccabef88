//! Reading YAML with locations: typed access to saphyr's marked nodes that records a located
//! diagnostic (file, line, column) for every mismatch instead of stopping at the first, so a
//! case file's author sees all of its problems at once. Case-specific fields are read in
//! [`crate::input::case`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use saphyr::{MarkedYaml, Scalar, YamlData};

use crate::input::diag::{Diagnostic, Diagnostics};

pub(crate) fn scalar_str(n: &MarkedYaml) -> Option<String> {
    match &n.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}

pub(crate) fn list_nodes<'a, 'b>(n: &'a MarkedYaml<'b>) -> Vec<&'a MarkedYaml<'b>> {
    match &n.data {
        YamlData::Sequence(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn type_name(n: &MarkedYaml) -> &'static str {
    match &n.data {
        YamlData::Value(Scalar::Null) => "null",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Integer(_)) => "an integer",
        YamlData::Value(Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "a string",
        YamlData::Sequence(_) => "a list",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Tagged(..) => "a tagged value",
        YamlData::Alias(_) => "an alias",
        YamlData::BadValue => "an invalid value",
    }
}

/// A line inside a block scalar (`key: |`) that is indented less than the block's lines and
/// is not the start of the next key: where a YAML parser error most likely comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misindented {
    /// 1-based line and column of the first non-space character of the offending line.
    pub line: usize,
    pub col: usize,
    /// The key whose block the line belongs to, and the line of that key.
    pub key: String,
    pub block_line: usize,
    /// How many spaces the block's lines are indented.
    pub indent: usize,
}

/// Find the first line that breaks out of a block scalar by being indented too little. Only
/// consulted once the parser has failed, so a heuristic that looks at indentation alone is
/// enough: it never changes how a valid file reads.
pub fn misindented_block_line(text: &str) -> Option<Misindented> {
    let indent_of = |l: &str| l.len() - l.trim_start_matches(' ').len();
    // `key: |`, `key: >-`, `- key: |2` ...: a block scalar header.
    let header = |l: &str| -> Option<String> {
        let t = l.trim_start().trim_start_matches("- ");
        let (key, rest) = t.split_once(':')?;
        let rest = rest.trim();
        let is_key = !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let is_block = rest.starts_with('|') || rest.starts_with('>');
        (is_key && is_block && !rest.contains(' ')).then(|| key.to_string())
    };
    // A line that legitimately ends a block: the next key, a list item, a comment.
    let ends_block = |l: &str| {
        let t = l.trim_start();
        t.starts_with("- ")
            || t.starts_with('#')
            || t.split_once(':').is_some_and(|(k, _)| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            })
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let Some(key) = header(lines[i]) else {
            i += 1;
            continue;
        };
        let key_indent = indent_of(lines[i]);
        let block_line = i + 1;
        let mut block_indent = None;
        let mut j = i + 1;
        while j < lines.len() {
            let l = lines[j];
            if l.trim().is_empty() {
                j += 1;
                continue;
            }
            let ind = indent_of(l);
            match block_indent {
                None if ind > key_indent => block_indent = Some(ind),
                None => break,
                Some(n) if ind >= n => {}
                Some(n) => {
                    if ind <= key_indent && ends_block(l) {
                        break;
                    }
                    return Some(Misindented {
                        line: j + 1,
                        col: ind + 1,
                        key,
                        block_line,
                        indent: n,
                    });
                }
            }
            j += 1;
        }
        i = j.max(i + 1);
    }
    None
}

/// Typed access to marked YAML nodes that records a located diagnostic for each mismatch.
pub(crate) struct Validator<'p> {
    pub(crate) path: &'p Path,
    pub(crate) diags: Diagnostics,
}

pub(crate) type Map<'a, 'b> = &'a saphyr::AnnotatedMapping<'b, MarkedYaml<'b>>;

impl Validator<'_> {
    pub(crate) fn err(&mut self, n: &MarkedYaml, msg: impl Into<String>) {
        let m = n.span.start;
        self.diags.push(Diagnostic::new(
            self.path,
            m.line().max(1),
            m.col() + 1,
            msg,
        ));
    }

    pub(crate) fn mapping<'a, 'b>(
        &mut self,
        n: &'a MarkedYaml<'b>,
        what: &str,
    ) -> Option<Map<'a, 'b>> {
        match &n.data {
            YamlData::Mapping(m) => Some(m),
            _ => {
                self.err(
                    n,
                    format!("{what} must be a mapping, found {}", type_name(n)),
                );
                None
            }
        }
    }

    pub(crate) fn string(&mut self, n: &MarkedYaml, what: &str) -> Option<String> {
        match scalar_str(n) {
            Some(s) => Some(s),
            None => {
                self.err(
                    n,
                    format!("{what} must be a string, found {}", type_name(n)),
                );
                None
            }
        }
    }

    pub(crate) fn string_list(&mut self, n: &MarkedYaml, what: &str) -> Vec<String> {
        match &n.data {
            YamlData::Sequence(items) => {
                let mut out = Vec::new();
                let mut seen = BTreeSet::new();
                for item in items {
                    if let Some(s) = self.string(item, &format!("each entry of {what}")) {
                        if !seen.insert(s.clone()) {
                            self.err(item, format!("`{s}` is listed twice in {what}"));
                        }
                        out.push(s);
                    }
                }
                out
            }
            _ => {
                self.err(n, format!("{what} must be a list, found {}", type_name(n)));
                Vec::new()
            }
        }
    }

    pub(crate) fn keys<'a, 'b>(
        &mut self,
        map: Map<'a, 'b>,
        allowed: &[&str],
        what: &str,
    ) -> BTreeMap<String, &'a MarkedYaml<'b>> {
        let mut out = BTreeMap::new();
        for (k, val) in map {
            match scalar_str(k) {
                Some(name) if allowed.contains(&name.as_str()) => {
                    out.insert(name, val);
                }
                Some(name) => self.err(
                    k,
                    format!(
                        "unknown key `{name}` in {what}; allowed keys are: {}",
                        allowed.join(", ")
                    ),
                ),
                None => self.err(k, "keys must be plain strings"),
            }
        }
        out
    }
}
