//! The process adapter: a runtime started as a process per case, with the command line,
//! environment and version probe its adapter file gives.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exec::adapter::{first_lacking, Adapter};
use crate::exec::adapter_file::AdapterFile;
use crate::exec::cell;
use crate::exec::prelude;
use crate::exec::process::{self, Ended, Spec};
use crate::exec::sandbox::{Sandbox, View};
use crate::exec::shared_prelude;
use crate::input::case::Case;
use crate::judge::execution::{End, Execution};
use crate::judge::record::RuntimeFacts;
use crate::judge::trace;

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
    /// Where each of its processes runs.
    pub sandbox: Sandbox,
    /// Files outside the runtime's install that its processes may also read: a preload that
    /// [`ProcessAdapter::with_preload`] put on its command line. Empty for the runtimes a
    /// conformance run names.
    pub also_read: Vec<PathBuf>,
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

/// What a run of a case gave, read through its channel.
fn finish(key: &str, out: process::Output) -> Execution {
    let channel = trace::parse_channel(key, &out.channel);
    let end = match out.end(channel.ended.is_some()) {
        Ended::Exited(c) => End::Exited(c),
        Ended::Signaled { name, .. } => End::Signaled(name),
        Ended::TimedOut => End::TimedOut,
        Ended::SpawnFailed(e) => End::CouldNotRun(e),
    };
    Execution {
        channel,
        end,
        channel_cut: out.channel_cut,
        stdout_head: out.stdout_head,
        stderr_head: out.stderr_head,
        duration: out.duration,
    }
}

impl ProcessAdapter {
    /// Run the adapter's version command, confined as cases are, and take the first
    /// version-looking token.
    pub fn detect_version(
        file: &AdapterFile,
        bin: &Path,
        sandbox: &Sandbox,
    ) -> Result<String, String> {
        let dir = tempfile::Builder::new()
            .prefix("ah-version-")
            .tempdir()
            .map_err(|e| format!("cannot create a temp dir: {e}"))?;
        sandbox
            .prepare_dir(dir.path())
            .map_err(|e| format!("cannot hand the temp dir to the sandbox: {e}"))?;
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
            confine: Some((sandbox.clone(), runtime_view(bin, None, dir.path()))),
            stderr_into_channel: false,
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

/// What a process of a runtime may see: its binary (the file alone: whatever lies beside it,
/// a vendor's `~/bin` say, stays out of view), its cache read-only, and the case's temp dir
/// read-write.
pub(crate) fn runtime_view(bin: &Path, cache: Option<&Path>, dir: &Path) -> View {
    // Both where the binary really is and the path it is started by, which may go through a
    // link (a checkout whose `.runtimes` links elsewhere).
    let mut read: Vec<PathBuf> = Vec::new();
    let real = bin.canonicalize().ok();
    for b in [real.as_deref(), Some(bin)].into_iter().flatten() {
        if b.is_absolute() && !read.iter().any(|r| r == b) {
            read.push(b.to_path_buf());
        }
    }
    read.extend(cache.map(Path::to_path_buf));
    View {
        read,
        write: vec![dir.to_path_buf()],
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
        let Ok(dir) = process::RunDir::new("ah-probe-") else {
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

    /// Whether the adapter file hands the runtime `{cache}`, a cache of what it compiles.
    pub fn uses_cache(&self) -> bool {
        self.file
            .run
            .iter()
            .chain(self.file.env.values())
            .any(|a| a.contains("{cache}"))
    }

    /// Fill the runtime's cache (`{cache}`, Deno's DENO_DIR), which cases only read, by a run
    /// of our own: a script that loads the modules every prelude loads. It runs outside the
    /// sandbox, being no case, so that the cache is written; once, while the cache is empty.
    pub fn warm_cache(&self) {
        let uses_cache = self.uses_cache();
        let empty = std::fs::read_dir(&self.cache).map_or(true, |mut d| d.next().is_none());
        if !uses_cache || !empty {
            return;
        }
        let Ok(dir) = process::RunDir::new("ah-warm-") else {
            return;
        };
        let file = dir
            .path()
            .join(format!("warm.{}", self.file.extensions().esm));
        let script = "import 'node:async_hooks';\nimport 'node:fs';\nimport 'node:events';\n";
        if std::fs::write(&file, script).is_ok() {
            let warm = ProcessAdapter {
                sandbox: Sandbox::Off,
                ..self.clone()
            };
            let _ = warm.run_file(&file, dir.path(), Duration::from_secs(60));
        }
    }

    /// Run any file the way cases are run, with no trace expected: what starting this runtime
    /// costs, the floor the benchmark compares the suite with.
    pub fn run_file(&self, file: &Path, dir: &Path, timeout: Duration) -> process::Output {
        let (args, env) = self.command(file, dir);
        if let Err(e) = self.sandbox.prepare_dir(dir) {
            return process::Output::could_not_start(format!(
                "cannot hand {} to the sandbox: {e}",
                dir.display()
            ));
        }
        process::run(&Spec {
            program: PathBuf::from(&args[0]),
            args: args[1..].to_vec(),
            cwd: dir.to_path_buf(),
            env,
            stdin: Vec::new(),
            timeout,
            confine: Some((self.sandbox.clone(), self.view(dir))),
            stderr_into_channel: false,
        })
    }

    /// Run `case` once, through the harness's channel or, `neutral`, through the neutrality
    /// check's instrument ([`prelude::ChannelIo::Neutral`]: the key in the prelude, the records
    /// on standard error, which goes into the channel). Confined, it runs in this worker's
    /// sandbox cell ([`cell`]) when one can serve, else in a sandbox of its own.
    pub fn execute_through(&self, case: &Case, timeout: Duration, neutral: bool) -> Execution {
        let read = self.view(Path::new("/")).read;
        let in_cell = cell::with_cell(&self.sandbox, &read, |c| {
            let dir = c.case_dir()?;
            let (spec, key) = self.prepare(case, timeout, neutral, dir.path())?;
            let out = c.run(&spec)?;
            Ok((out, key))
        });
        if let Some((out, key)) = in_cell {
            return finish(&key, out);
        }
        let could_not = |msg: String| Execution::could_not(msg, Duration::ZERO);
        let dir = match process::RunDir::new("ah-case-") {
            Ok(d) => d,
            Err(e) => return could_not(format!("cannot create the case's temp dir: {e}")),
        };
        if let Err(e) = self.sandbox.prepare_dir(dir.path()) {
            return could_not(format!(
                "cannot hand the case's temp dir to the sandbox: {e}"
            ));
        }
        match self.prepare(case, timeout, neutral, dir.path()) {
            Ok((spec, key)) => finish(&key, process::run(&spec)),
            Err(e) => could_not(e),
        }
    }

    /// Write the case's files into `dir` and say how to run them there, with the key its
    /// channel records carry.
    fn prepare(
        &self,
        case: &Case,
        timeout: Duration,
        neutral: bool,
        dir: &Path,
    ) -> Result<(Spec, String), String> {
        let key = trace::new_key();
        let rendered = if neutral {
            prelude::render_neutral(case, &self.file.extensions(), &key)
        } else {
            let mut r = prelude::render_with(case, &self.file.extensions(), self.file.channel_io);
            if self.uses_cache() {
                shared_prelude::share(self, &mut r);
            }
            r
        };
        for (name, text) in &rendered.files {
            std::fs::write(dir.join(name), text)
                .map_err(|e| format!("cannot write {name} into the temp dir: {e}"))?;
        }
        let main = dir.join(&rendered.main);
        let (args, env) = self.command(&main, dir);
        let spec = Spec {
            program: PathBuf::from(&args[0]),
            args: args[1..].to_vec(),
            cwd: dir.to_path_buf(),
            env,
            // One line: the prelude trims what it reads, and Bun's `prompt` returns a line only
            // when it ends.
            stdin: if neutral {
                Vec::new()
            } else {
                format!("{key}\n").into_bytes()
            },
            timeout,
            confine: Some((self.sandbox.clone(), self.view(dir))),
            stderr_into_channel: neutral,
        };
        Ok((spec, key))
    }

    /// What a process of this runtime working in `dir` may see.
    pub(crate) fn view(&self, dir: &Path) -> View {
        let mut view = runtime_view(&self.binary, Some(&self.cache), dir);
        view.read.extend(self.also_read.iter().cloned());
        view
    }

    /// This runtime with `preload` loaded before every script it runs, named `name`: Node's
    /// `--require <preload>` inserted before `{file}` on its command line, and the file made
    /// readable in the sandbox. The mutant runs (`workflow::mutants`) use it; the runtime
    /// itself is left as it was.
    pub fn with_preload(&self, preload: &Path, name: &str) -> Result<ProcessAdapter, String> {
        if !preload.is_absolute() {
            return Err(format!(
                "a preload must be given by an absolute path, not {}",
                preload.display()
            ));
        }
        let Some(at) = self.file.run.iter().position(|a| a == "{file}") else {
            return Err(format!(
                "the command line of {} has no argument `{{file}}` to put a preload before",
                self.facts.name
            ));
        };
        let mut derived = self.clone();
        let flag = [
            "--require".to_string(),
            preload.to_string_lossy().into_owned(),
        ];
        derived.file.run.splice(at..at, flag);
        derived.also_read.push(preload.to_path_buf());
        derived.facts.name = name.to_string();
        derived.facts.flags = crate::exec::adapter_file::flags_of(&derived.file);
        Ok(derived)
    }
}

impl Adapter for ProcessAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        first_lacking(case, |f| {
            self.file
                .unsupported_features
                .iter()
                .any(|u| u == f)
                .then(|| {
                    format!(
                        "{} does not offer feature `{f}` (adapter file)",
                        self.facts.name
                    )
                })
        })
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        self.execute_through(case, timeout, false)
    }
}
