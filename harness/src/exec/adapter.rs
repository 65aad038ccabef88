//! Adapters: how a rendered case is run on one runtime.
//!
//! Process runtimes are described by adapter files (`runtimes/adapters/*.toml`), so a vendor
//! adds a runtime without writing Rust:
//!
//! ```toml
//! description = "Node.js"
//! run = ["{bin}", "{file}"]          # {bin}: the binary, {file}: the case module, {dir}: temp dir
//! version = ["{bin}", "--version"]   # first `N.N.N...` token of its output is the version
//! esm_extension = "mjs"
//! cjs_extension = "cjs"
//! binary = "node"                    # used when no pinned install is named: PATH or a path
//! unsupported_features = []          # cases needing these are reported unsupported
//! channel_io = "node-fs"             # or "node-require", "node-builtin", "deno": how the prelude writes the trace channel
//! [env]                              # extra environment; {dir} and {cache} allowed
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::exec::prelude::{self, Extensions};
use crate::exec::process::{self, Ended, Spec};
use crate::input::case::Case;
use crate::input::diag::Diagnostic;
use crate::judge::execution::{End, Execution};
use crate::judge::record::RuntimeFacts;
use crate::judge::trace;

/// An adapter file, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdapterFile {
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
    /// `node-require`, `node-builtin` or `deno` (see [`crate::exec::prelude::ChannelIo`]).
    #[serde(default)]
    pub channel_io: crate::exec::prelude::ChannelIo,
}

fn default_esm() -> String {
    "mjs".into()
}
fn default_cjs() -> String {
    "cjs".into()
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

/// This machine as runtimes name it: `linux-x64`, `linux-arm64`, `darwin-arm64`.
pub fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}-{arch}", std::env::consts::OS)
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

/// A runtime the harness can run cases on.
pub trait Adapter: Send + Sync {
    fn facts(&self) -> &RuntimeFacts;
    /// `Err(reason)` when the runtime cannot offer a feature the case needs.
    fn supports(&self, case: &Case) -> Result<(), String>;
    fn execute(&self, case: &Case, timeout: Duration) -> Execution;
}

/// A runtime started as a process per case, as its adapter file says.
#[derive(Debug, Clone)]
pub struct ProcessAdapter {
    pub facts: RuntimeFacts,
    pub file: AdapterFile,
    pub binary: PathBuf,
    /// `{cache}`: a directory kept between runs of this runtime, for its own compilation
    /// caches (Deno's DENO_DIR), under `.runtimes/cache/`. It holds only what the runtime
    /// derives from source text, nothing a case can observe.
    pub cache: PathBuf,
}

fn substitute(arg: &str, bin: &Path, file: &Path, dir: &Path, cache: &Path) -> String {
    arg.replace("{cache}", &cache.to_string_lossy())
        .replace("{bin}", &bin.to_string_lossy())
        .replace("{file}", &file.to_string_lossy())
        .replace("{dir}", &dir.to_string_lossy())
}

/// The minimal environment every process runtime gets: nothing inherited from the user's
/// shell (no `NODE_OPTIONS`, no proxies), a PATH that finds the runtime and basic tools, and
/// HOME/TMPDIR inside the case's temp dir.
fn base_env(bin: &Path, dir: &Path) -> Vec<(String, String)> {
    let mut path = String::new();
    if let Some(parent) = bin.parent().filter(|p| !p.as_os_str().is_empty()) {
        path.push_str(&parent.to_string_lossy());
        path.push(':');
    }
    path.push_str("/usr/local/bin:/usr/bin:/bin");
    let d = dir.to_string_lossy().into_owned();
    vec![
        ("PATH".into(), path),
        ("HOME".into(), d.clone()),
        ("TMPDIR".into(), d),
        ("LANG".into(), "C.UTF-8".into()),
        ("NO_COLOR".into(), "1".into()),
        ("TZ".into(), "UTC".into()),
    ]
}

impl ProcessAdapter {
    /// Run the adapter's version command and take the first version-looking token.
    pub fn detect_version(file: &AdapterFile, bin: &Path) -> Result<String, String> {
        let dir = tempfile::Builder::new()
            .prefix("ah-version-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp dir: {e}"))?;
        let args: Vec<String> = file
            .version
            .iter()
            .map(|a| substitute(a, bin, Path::new(""), dir.path(), dir.path()))
            .collect();
        let spec = Spec {
            program: PathBuf::from(&args[0]),
            args: args[1..].to_vec(),
            cwd: dir.path().to_path_buf(),
            env: base_env(bin, dir.path()),
            stdin: Vec::new(),
            timeout: Duration::from_secs(20),
            isolate_network: false,
        };
        let out = process::run(&spec);
        match &out.ended {
            Ended::Exited(0) => {}
            Ended::SpawnFailed(e) => return Err(e.clone()),
            other => {
                return Err(format!(
                    "the version command `{}` ended with {other:?}: {}",
                    args.join(" "),
                    out.stderr_head.trim()
                ))
            }
        }
        let text = format!("{}\n{}", out.stdout_head, out.stderr_head);
        let re = regex::Regex::new(r"\d+\.\d+\.\d+[0-9A-Za-z.+\-]*").expect("valid regex");
        re.find(&text)
            .map(|m| m.as_str().to_string())
            .ok_or_else(|| {
                format!(
                    "cannot find a version (N.N.N) in the output of `{}`: {:?}",
                    args.join(" "),
                    text.trim().chars().take(200).collect::<String>()
                )
            })
    }
}

impl ProcessAdapter {
    /// The command line and environment that run `file` in `dir`, as the adapter file says.
    pub(crate) fn command(&self, file: &Path, dir: &Path) -> (Vec<String>, Vec<(String, String)>) {
        let args: Vec<String> = self
            .file
            .run
            .iter()
            .map(|a| substitute(a, &self.binary, file, dir, &self.cache))
            .collect();
        let mut env = base_env(&self.binary, dir);
        for (k, v) in &self.file.env {
            env.push((
                k.clone(),
                substitute(v, &self.binary, file, dir, &self.cache),
            ));
        }
        (args, env)
    }

    /// Whether the runtime offers `process.getBuiltinModule` (see
    /// [`prelude::ChannelIo::NodeBuiltin`]). Asked once per run by starting the runtime on a
    /// probe, so that a version number never has to be interpreted; a runtime that cannot even
    /// run the probe is taken not to have it, and its cases then report what is wrong.
    pub fn has_builtin_module_table(&self) -> bool {
        let Ok(dir) = tempfile::Builder::new().prefix("ah-probe-").tempdir() else {
            return false;
        };
        let file = dir
            .path()
            .join(format!("probe.{}", self.file.extensions().esm));
        let probe = "if (typeof process.getBuiltinModule !== 'function') process.exitCode = 3;\n";
        if std::fs::write(&file, probe).is_err() {
            return false;
        }
        let out = self.run_file(&file, dir.path(), Duration::from_secs(20));
        out.ended == Ended::Exited(0)
    }

    /// Run any file the way cases are run, with no trace expected: what starting this runtime
    /// costs, the floor the benchmark compares the suite with.
    pub fn run_file(&self, file: &Path, dir: &Path, timeout: Duration) -> process::Output {
        let (args, env) = self.command(file, dir);
        process::run(&Spec {
            program: PathBuf::from(&args[0]),
            args: args[1..].to_vec(),
            cwd: dir.to_path_buf(),
            env,
            stdin: Vec::new(),
            timeout,
            isolate_network: true,
        })
    }
}

impl Adapter for ProcessAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        match case
            .features
            .iter()
            .find(|f| self.file.unsupported_features.contains(f))
        {
            Some(f) => Err(format!(
                "{} does not offer feature `{f}` (adapter file)",
                self.facts.name
            )),
            None => Ok(()),
        }
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        let could_not = |msg: String| Execution::could_not(msg, Duration::ZERO);
        let dir = match tempfile::Builder::new().prefix("ah-case-").tempdir() {
            Ok(d) => d,
            Err(e) => return could_not(format!("cannot create the case's temp dir: {e}")),
        };
        let _registered = process::DirGuard::new(dir.path());
        let rendered = prelude::render_with(case, &self.file.extensions(), self.file.channel_io);
        for (name, text) in &rendered.files {
            if let Err(e) = std::fs::write(dir.path().join(name), text) {
                return could_not(format!("cannot write {name} into the temp dir: {e}"));
            }
        }
        let main = dir.path().join(&rendered.main);
        let (args, env) = self.command(&main, dir.path());
        let key = trace::new_key();
        let spec = Spec {
            program: PathBuf::from(&args[0]),
            args: args[1..].to_vec(),
            cwd: dir.path().to_path_buf(),
            env,
            stdin: key.as_bytes().to_vec(),
            timeout,
            isolate_network: true,
        };
        let out = process::run(&spec);
        let end = match out.ended {
            Ended::Exited(c) => End::Exited(c),
            Ended::Signaled { name, .. } => End::Signaled(name),
            Ended::TimedOut => End::TimedOut,
            Ended::SpawnFailed(e) => End::CouldNotRun(e),
        };
        Execution {
            channel: trace::parse_channel(&key, &out.channel),
            end,
            channel_cut: out.channel_cut,
            stdout_head: out.stdout_head,
            stderr_head: out.stderr_head,
            duration: out.duration,
        }
    }
}
