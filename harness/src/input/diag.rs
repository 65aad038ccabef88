//! Located diagnostics for invalid input.
//!
//! Every problem in a file the user wrote (a case, the feature registry, an adapter file, a
//! snapshot) is reported as `path:line:col: message`, the form editors and CI annotators jump to.
//! Loaders collect all problems they can find instead of stopping at the first one, so a user
//! fixes a batch of mistakes in one round trip.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one input file. `line` and `col` are 1-based; 0 means "the whole file".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn new(path: &Path, line: usize, col: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            col,
            message: message.into(),
        }
    }

    /// A problem with the file as a whole (unreadable, missing), reported at 1:1 so that the
    /// `path:line:col:` shape holds for every diagnostic.
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Self::new(path, 1, 1, message)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.col,
            self.message
        )
    }
}

/// All problems found in one pass over the inputs. Returned as an error so that nothing runs
/// when any input is invalid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// Sorted by file, then position, so output is stable across runs and platforms.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (a.path.as_path(), a.line, a.col, &a.message).cmp(&(
                b.path.as_path(),
                b.line,
                b.col,
                &b.message,
            ))
        });
        self
    }

    /// Show paths relative to `root` (the checkout), as users see them in their editor.
    pub fn relative_to(mut self, root: &Path) -> Self {
        for d in &mut self.0 {
            if let Ok(rel) = d.path.strip_prefix(root) {
                d.path = rel.to_path_buf();
            }
        }
        self
    }

    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        write!(
            f,
            "{} problem{} found; nothing was run. Fix the input and run again.",
            self.0.len(),
            if self.0.len() == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for Diagnostics {}
