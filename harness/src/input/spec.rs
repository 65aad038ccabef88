//! The specification index: requirement IDs read from `spec/*.md`.
//!
//! A requirement is a level-3 heading whose first word is its ID (`### ALS-RUN-001 — ...`).
//! Cases cite IDs; the loader rejects IDs that do not exist, and a test checks that every
//! requirement has at least one case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::input::diag::{Diagnostic, Diagnostics};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub id: String,
    /// The spec area: the file's first `# ` heading.
    pub area: String,
    /// The heading text after the ID.
    pub title: String,
    pub file: PathBuf,
    pub line: usize,
}

#[derive(Debug, Clone, Default)]
pub struct SpecIndex {
    requirements: BTreeMap<String, Requirement>,
}

fn is_requirement_id(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_uppercase()));
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

impl SpecIndex {
    /// Read every `*.md` file directly in `dir`.
    pub fn load(dir: &Path) -> Result<SpecIndex, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(rd) => rd
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .collect(),
            Err(e) => {
                return Err(Diagnostics(vec![Diagnostic::file(
                    dir,
                    format!("cannot read the spec directory: {e}"),
                )]))
            }
        };
        files.sort();
        let mut index = SpecIndex::default();
        for f in files {
            match std::fs::read_to_string(&f) {
                Ok(text) => diags.extend(index.add_file(&f, &text)),
                Err(e) => diags.push(Diagnostic::file(&f, format!("cannot read: {e}"))),
            }
        }
        diags.into_result(index)
    }

    /// Add the requirements of one spec file; returns the problems found in it.
    pub fn add_file(&mut self, file: &Path, text: &str) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let mut area = String::new();
        for (i, line) in text.lines().enumerate() {
            if let Some(h) = line.strip_prefix("# ") {
                if area.is_empty() {
                    area = h.trim().to_string();
                }
                continue;
            }
            let Some(rest) = line.strip_prefix("### ") else {
                continue;
            };
            let id = rest.split_whitespace().next().unwrap_or("");
            if !is_requirement_id(id) {
                continue;
            }
            let title = rest[id.len()..]
                .trim()
                .trim_start_matches(['—', '-', ':'])
                .trim()
                .to_string();
            if let Some(prev) = self.requirements.get(id) {
                diags.push(Diagnostic::new(
                    file,
                    i + 1,
                    5,
                    format!(
                        "requirement `{id}` is defined twice (first at {}:{})",
                        prev.file.display(),
                        prev.line
                    ),
                ));
                continue;
            }
            self.requirements.insert(
                id.to_string(),
                Requirement {
                    id: id.to_string(),
                    area: area.clone(),
                    title,
                    file: file.to_path_buf(),
                    line: i + 1,
                },
            );
        }
        diags
    }

    pub fn contains(&self, id: &str) -> bool {
        self.requirements.contains_key(id)
    }

    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.requirements.get(id)
    }

    pub fn requirements(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.values()
    }
}
