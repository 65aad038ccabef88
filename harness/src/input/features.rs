//! The feature registry: one file listing every feature a case may say it needs.
//!
//! Like test262's `features.txt`, the registry keeps feature names from drifting (`setImmediate`
//! vs `set-immediate`) and lets a runtime adapter declare what it cannot offer, so that those
//! cases are reported as unsupported instead of failing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::input::diag::{Diagnostic, Diagnostics};

#[derive(Debug, Clone, Default)]
pub struct Features {
    path: PathBuf,
    /// Feature name → its one-line description.
    names: BTreeMap<String, String>,
}

impl Features {
    /// Parse the registry: one feature per line, `name  # description`; blank lines and lines
    /// starting with `#` are ignored.
    pub fn load(path: &Path) -> Result<Features, Diagnostics> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Diagnostics(vec![Diagnostic::file(
                path,
                format!("cannot read the feature registry: {e}"),
            )])
        })?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Features, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut names = BTreeMap::new();
        for (i, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let col = line.len() - trimmed.len() + 1;
            let (name, desc) = match trimmed.split_once('#') {
                Some((n, d)) => (n.trim(), d.trim()),
                None => (trimmed.trim(), ""),
            };
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-:/".contains(c))
            {
                diags.push(Diagnostic::new(
                    path,
                    i + 1,
                    col,
                    format!("invalid feature name `{name}`: use letters, digits and . _ - : /"),
                ));
                continue;
            }
            if names.insert(name.to_string(), desc.to_string()).is_some() {
                diags.push(Diagnostic::new(
                    path,
                    i + 1,
                    col,
                    format!("feature `{name}` is registered twice"),
                ));
            }
        }
        diags.into_result(Features {
            path: path.to_path_buf(),
            names,
        })
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }
}
