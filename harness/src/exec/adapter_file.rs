//! Adapter files: how a process runtime is described (`runtimes/adapters/*.toml`), so that a
//! vendor adds a runtime without writing Rust:
//!
//! ```toml
//! name = "mynode"                    # the runtime's name in results, baselines and messages
//! description = "Node.js"
//! run = ["{bin}", "{file}"]          # {bin}: the binary, {file}: the case module, {dir}: temp dir
//! version = ["{bin}", "--version"]   # first `N.N.N...` token of its output is the version
//! esm_extension = "mjs"
//! cjs_extension = "cjs"
//! binary = "node"                    # used when no pinned install is named: PATH or a path
//! unsupported_features = []          # cases needing these are reported unsupported
//! channel_io = "node-fs"             # or "node-require", "node-builtin", "deno", "bun": how the prelude writes the trace channel
//! [env]                              # extra environment; {dir} and {cache} allowed
//! ```
//!
//! `name` matters to an adapter file given by path to `--runtime`: without it the runtime is
//! named by the path as typed, so `./x.toml` and `x.toml` would be two runtimes with two
//! baselines. The files in `runtimes/adapters/` need none: the lock file names the runtimes
//! they serve.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::exec::prelude::Extensions;
use crate::input::diag::Diagnostic;
use crate::input::features::Features;
use crate::input::suggest::closest;

/// An adapter file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdapterFile {
    /// The runtime's name (see [`valid_name`]); `None` when the file does not declare one.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: String,
    pub run: Vec<String>,
    pub version: Vec<String>,
    #[serde(default = "default_esm")]
    pub esm_extension: String,
    #[serde(default = "default_cjs")]
    pub cjs_extension: String,
    #[serde(default)]
    pub binary: Option<String>,
    #[serde(default)]
    pub unsupported_features: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// How the prelude reaches the key and the trace channel: `node-fs` (default),
    /// `node-require`, `node-builtin`, `deno` or `bun` (see [`crate::exec::prelude::ChannelIo`]).
    #[serde(default)]
    pub channel_io: crate::exec::prelude::ChannelIo,
    /// Why pooled mode does not pay on this runtime, when it does not: `--pool` then runs a
    /// process per case and says so (the bench measures it: a pool must be at least 1.3 times
    /// faster than a process per case to be offered).
    #[serde(default)]
    pub no_pool: Option<String>,
}

fn default_esm() -> String {
    "mjs".into()
}
fn default_cjs() -> String {
    "cjs".into()
}

/// Why `name` is not usable as a runtime name, or `None` when it is. A runtime's name becomes
/// the file name of its baseline and of its cache directory, so it is held to the characters
/// that are safe in a file name everywhere (`[A-Za-z0-9._@+-]`), may not start with a dot
/// (hidden files, `..`), and may not end in `.toml`, which `--runtime` reads as a path.
pub fn valid_name(name: &str) -> Option<&'static str> {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
    if name.is_empty() {
        Some("it is empty")
    } else if name.starts_with('.') {
        Some("it starts with a dot")
    } else if !name.chars().all(safe) {
        Some("only letters, digits and `.`, `_`, `@`, `+`, `-` are allowed")
    } else if name.ends_with(".toml") {
        Some("a name ending in `.toml` would be read as the path of an adapter file")
    } else {
        None
    }
}

/// Where a top-level `key = ...` line starts, as 1-based line and column (1:1 when absent).
fn key_position(text: &str, key: &str) -> (usize, usize) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            break;
        }
        if let Some(rest) = trimmed.strip_prefix(key) {
            if rest.trim_start().starts_with('=') {
                return line_col(text, offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    (1, 1)
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

impl AdapterFile {
    pub fn load(path: &Path) -> Result<AdapterFile, Diagnostic> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostic::file(path, format!("cannot read adapter file: {e}")))?;
        Self::parse(path, &text)
    }

    /// Load an adapter file and check that every name in `unsupported_features` is a
    /// registered feature: a misspelt name would otherwise be ignored, and the cases it was
    /// meant to mark would run and fail instead of being reported UNSUPPORTED.
    pub fn load_checked(path: &Path, features: &Features) -> Result<AdapterFile, Diagnostic> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostic::file(path, format!("cannot read adapter file: {e}")))?;
        let file = Self::parse(path, &text)?;
        file.check_features(path, &text, features)?;
        Ok(file)
    }

    /// The `unsupported_features` check of [`AdapterFile::load_checked`], on a parsed file.
    pub fn check_features(
        &self,
        path: &Path,
        text: &str,
        features: &Features,
    ) -> Result<(), Diagnostic> {
        for f in &self.unsupported_features {
            if features.contains(f) {
                continue;
            }
            let quoted = format!("\"{f}\"");
            let (line, col) = text
                .find(&quoted)
                .map(|off| line_col(text, off))
                .unwrap_or((1, 1));
            let hint = match closest(f, features.names()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("feature names are listed in {}", features.path().display()),
            };
            return Err(Diagnostic::new(
                path,
                line,
                col,
                format!("unknown feature `{f}` in `unsupported_features`; {hint}"),
            ));
        }
        Ok(())
    }

    pub fn parse(path: &Path, text: &str) -> Result<AdapterFile, Diagnostic> {
        let file: AdapterFile = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            Diagnostic::new(
                path,
                line,
                col,
                format!("invalid adapter file: {}", e.message()),
            )
        })?;
        let at = |key: &str| {
            let off = text
                .find(&format!("{key} ="))
                .or_else(|| text.find(key))
                .unwrap_or(0);
            line_col(text, off)
        };
        if let Some(name) = &file.name {
            if let Some(why) = valid_name(name) {
                let (l, c) = key_position(text, "name");
                return Err(Diagnostic::new(
                    path,
                    l,
                    c,
                    format!("`name = {name:?}` cannot name a runtime: {why}; pick a name such as `myrt` or `myrt@2`"),
                ));
            }
        }
        if file.run.is_empty() || !file.run.iter().any(|a| a.contains("{file}")) {
            let (l, c) = at("run");
            return Err(Diagnostic::new(
                path,
                l,
                c,
                "`run` must be a non-empty command line that contains `{file}`",
            ));
        }
        if file.version.is_empty() {
            let (l, c) = at("version");
            return Err(Diagnostic::new(
                path,
                l,
                c,
                "`version` must be a non-empty command line that prints the runtime's version",
            ));
        }
        Ok(file)
    }

    pub fn extensions(&self) -> Extensions {
        Extensions {
            esm: self.esm_extension.clone(),
            cjs: self.cjs_extension.clone(),
        }
    }
}

/// The adapter's command line without the binary and the case file: its flags.
pub fn flags_of(file: &AdapterFile) -> String {
    file.run
        .iter()
        .filter(|a| a.as_str() != "{bin}" && a.as_str() != "{file}")
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_unsupported_feature_is_refused_at_its_place_with_the_name_meant() {
        let features =
            Features::parse(Path::new("features.txt"), "http\nnet\nsetTimeout\n").unwrap();
        let text = "run = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"-v\"]\nunsupported_features = [\"net\", \"htp\"]\n";
        let path = Path::new("my.toml");
        let file = AdapterFile::parse(path, text).unwrap();
        let err = file
            .check_features(path, text, &features)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("my.toml:3:32:"), "{err}");
        assert!(err.contains("unknown feature `htp`"), "{err}");
        assert!(err.contains("did you mean `http`?"), "{err}");
        let good = text.replace("htp", "http");
        let file = AdapterFile::parse(path, &good).unwrap();
        file.check_features(path, &good, &features)
            .expect("registered names pass");
    }

    #[test]
    fn a_declared_name_must_be_safe_as_a_file_name_and_is_refused_at_its_line() {
        let body = "run = [\"{bin}\", \"{file}\"]\nversion = [\"{bin}\", \"-v\"]\n";
        let path = Path::new("vendor.toml");
        for good in ["vendor-node", "node@26", "my_rt+1.2"] {
            let text = format!("# a comment\nname = \"{good}\"\n{body}");
            let file = AdapterFile::parse(path, &text).expect("a safe name");
            assert_eq!(file.name.as_deref(), Some(good));
        }
        let file = AdapterFile::parse(path, body).expect("no name is fine");
        assert_eq!(file.name, None);
        for (bad, why) in [
            ("", "it is empty"),
            (".hidden", "starts with a dot"),
            ("a/b", "only letters"),
            ("my rt", "only letters"),
            ("x.toml", "read as the path"),
        ] {
            let text = format!("# a comment\n  name = \"{bad}\"\n{body}");
            let err = AdapterFile::parse(path, &text).unwrap_err().to_string();
            assert!(err.starts_with("vendor.toml:2:3: `name = "), "{err}");
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
