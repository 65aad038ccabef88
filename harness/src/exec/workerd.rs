//! The `workerd` runtime: Cloudflare's Workers runtime, from the npm package pinned in
//! `runtimes/lock.toml`.
//!
//! workerd cannot run a script file: it runs workers described by a Cap'n Proto config, and code
//! runs inside event handlers, not at the top of a main module. An adapter file cannot express
//! that, so this adapter renders each case into a small worker itself:
//!
//! - `config.capnp`: one service whose worker holds the modules below, a text binding with the
//!   run's key (seen only by handlers: `disallow_importable_env` keeps it out of `process.env`
//!   and `cloudflare:workers`), and a service binding back to itself;
//! - `main.js`: the driver (`workerd/driver.js`), which embeds the shared prelude body unchanged
//!   with a different I/O header (key from the handler's `env`, records through `console.log`);
//! - `case.mjs` / `case.cjs`: the case body wrapped in a function the driver calls from a request
//!   handler. ESM `import` lines move to line 1, so line numbers still match the script.
//!
//! `workerd test` runs the driver's `test()` handler. The driver sends one request to itself,
//! runs the case there, and lets the runtime decide when the case is over: workerd cancels a
//! request once nothing can make progress (its hang detection), which is the worker's version of
//! Node's event loop running dry. The driver then writes the `end` record with the exit code Node
//! would give (see `driver.js`). workerd's stdout, where `console.log` goes, is pointed at the
//! trace pipe, so traces are not cut at the 16 KiB kept of stdout; what the case itself prints
//! there is still shown as stdout in reports.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::exec::adapter::{first_lacking, Adapter};
use crate::exec::process_adapter::{runtime_view, ProcessAdapter};
use crate::exec::sandbox::Sandbox;

use crate::judge::execution::{End, Execution};

use crate::exec::prelude::{self, Extensions};
use crate::exec::process::{self, Ended, Spec};
use crate::exec::runtimes::Registry;
use crate::input::case::{Case, ModuleKind};
use crate::judge::record::RuntimeFacts;
use crate::judge::trace::{self, MARKER};

/// The name users type, and the lock file entry it resolves to.
pub const NAME: &str = "workerd";

const DRIVER: &str = include_str!("workerd/driver.js");

/// Features a worker does not offer, with the reason a report shows. `fs` is not here: workerd's
/// node:fs is an in-memory file system with callbacks and promises, and the driver gives
/// the case a writable working directory (`/tmp`), so fs cases run and show what workerd does.
pub const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "http",
        "a worker cannot reach a server of its own over loopback: workerd refuses connections \
         to 127.0.0.1, and a node:http server in a worker gets requests from the config's \
         sockets, not from `listen()`",
    ),
    (
        "net",
        "a worker cannot listen on or connect to loopback TCP sockets",
    ),
    (
        "pipe",
        "a worker cannot listen on or connect to Unix domain sockets",
    ),
    (
        "process-exit",
        "a worker has no process lifetime: workerd never emits process 'exit' or 'beforeExit'",
    ),
];

/// From this compatibility date on, `nodejs_compat` is the default and naming it only earns a
/// warning on stderr.
const NODEJS_COMPAT_DEFAULT_FROM: &str = "2026-08-04";

pub struct WorkerdAdapter {
    facts: RuntimeFacts,
    binary: PathBuf,
    sandbox: Sandbox,
    /// The compatibility date every case runs with: the newest one the binary supports, so that
    /// the run shows the runtime's current behaviour.
    compatibility_date: String,
}

impl WorkerdAdapter {
    /// Resolve the pinned `workerd` through the registry, install it if needed, and check that
    /// it runs.
    pub fn prepare(registry: &Registry, sandbox: &Sandbox) -> Result<WorkerdAdapter, String> {
        let r = registry.resolve(NAME)?;
        registry.ensure_installed(&r)?;
        let version = ProcessAdapter::detect_version(&r.adapter, &r.binary, &Sandbox::Off)?;
        WorkerdAdapter::new(
            r.binary,
            sandbox.clone(),
            RuntimeFacts {
                name: r.name,
                version,
                adapter: NAME.to_string(),
                source: r.source,
                platform: crate::exec::adapter::platform(),
                flags: "test, compatibility flag nodejs_compat".to_string(),
                confinement: sandbox.describe(),
            },
        )
    }

    /// An adapter for a workerd binary whose facts are known (`facts.version` is the npm
    /// version, `1.YYYYMMDD.N`, which names the compatibility date the binary supports).
    pub fn new(
        binary: PathBuf,
        sandbox: Sandbox,
        facts: RuntimeFacts,
    ) -> Result<WorkerdAdapter, String> {
        let compatibility_date = compatibility_date(&facts.version).ok_or_else(|| {
            format!(
                "cannot read a compatibility date from workerd version `{}` (expected 1.YYYYMMDD.N)",
                facts.version
            )
        })?;
        Ok(WorkerdAdapter {
            facts,
            binary,
            sandbox,
            compatibility_date,
        })
    }
}

/// `1.20261117.1` → `2026-11-17`: workerd's npm versions carry the newest compatibility date
/// the binary supports.
pub fn compatibility_date(version: &str) -> Option<String> {
    let date = version.split('.').nth(1)?;
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{}-{}-{}", &date[0..4], &date[4..6], &date[6..8]))
}

/// Files to write into the case's temp dir; the config is the one to run.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub files: Vec<(String, String)>,
    pub config: String,
}

/// Render a case into a worker for `workerd test`, with `key` as the run's key.
pub fn render(case: &Case, key: &str, compatibility_date: &str) -> Result<Rendered, String> {
    let (case_name, case_module, case_text) = match case.module {
        ModuleKind::Esm => {
            let (imports, body) = hoist_imports(&case.script)?;
            let text = format!(
                "{imports}export default async function (trace) {{ {body}\n}}\n",
                imports = imports.iter().map(|i| format!("{i} ")).collect::<String>()
            );
            ("case.mjs", "esModule", text)
        }
        ModuleKind::Cjs => (
            "case.cjs",
            "commonJsModule",
            format!(
                "module.exports = function (trace) {{ {}\n}};\n",
                case.script
            ),
        ),
    };
    let driver = DRIVER
        .replace("/*CASE_MODULE*/", &format!("./{case_name}"))
        .replace("  /*PRELUDE*/\n", &prelude_body(case)?);
    let mut flags = vec!["disallow_importable_env"];
    if compatibility_date < NODEJS_COMPAT_DEFAULT_FROM {
        flags.insert(0, "nodejs_compat");
    }
    let flags = flags
        .iter()
        .map(|f| format!("\"{f}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let config = format!(
        r#"# Rendered by the conformance harness (harness/src/exec/workerd.rs) for case {id}.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .caseWorker) ],
);

const caseWorker :Workerd.Worker = (
  modules = [
    (name = "main.js", esModule = embed "main.js"),
    (name = "{case_name}", {case_module} = embed "{case_name}"),
  ],
  compatibilityDate = "{compatibility_date}",
  compatibilityFlags = [{flags}],
  bindings = [
    (name = "CASE", service = "main"),
    (name = "AH_KEY", text = "{key}"),
  ],
);
"#,
        id = case.id,
    );
    Ok(Rendered {
        files: vec![
            ("config.capnp".into(), config),
            ("main.js".into(), driver),
            (case_name.into(), case_text),
        ],
        config: "config.capnp".into(),
    })
}

/// The shared prelude body, configured for this case: the rendered ESM prelude without its
/// `import` and `export` lines, which the driver replaces with its own I/O header. Taking it
/// from [`prelude::render`] keeps serialisation, naming and the MAC identical on every runtime.
fn prelude_body(case: &Case) -> Result<String, String> {
    let ext = Extensions {
        esm: "mjs".into(),
        cjs: "cjs".into(),
    };
    let mut esm = case.clone();
    esm.module = ModuleKind::Esm;
    let rendered = prelude::render(&esm, &ext);
    let (_, text) = rendered
        .files
        .iter()
        .find(|(name, _)| *name != rendered.main)
        .ok_or("the prelude renderer produced no prelude module")?;
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("import ") && !l.starts_with("export "))
        .map(|l| format!("  {l}\n"))
        .collect();
    if !body.contains("function trace(") || !body.contains("function record(") {
        return Err(
            "the shared prelude no longer defines trace() and record(), which the workerd driver calls"
                .into(),
        );
    }
    Ok(body)
}

/// Split an ES module script into its static `import` statements and the rest. Each import's
/// lines are left blank in the rest, so that every other line keeps its number once the imports
/// sit on line 1. Only statements at column 0 count: `import(` and `import.meta` are
/// expressions and stay where they are.
pub fn hoist_imports(script: &str) -> Result<(Vec<String>, String), String> {
    let lines: Vec<&str> = script.split('\n').collect();
    let mut imports = Vec::new();
    let mut body = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if !is_import_start(line) {
            body.push(line.to_string());
            i += 1;
            continue;
        }
        let mut statement = String::new();
        let start = i;
        loop {
            let Some(l) = lines.get(i) else {
                return Err(format!(
                    "line {}: an `import` statement that never ends (no `from '...'`)",
                    start + 1
                ));
            };
            if !statement.is_empty() {
                statement.push(' ');
            }
            statement.push_str(l.trim());
            body.push(String::new());
            i += 1;
            if import_ends(&statement) {
                break;
            }
        }
        if !statement.ends_with(';') {
            statement.push(';');
        }
        imports.push(statement);
    }
    Ok((imports, body.join("\n")))
}

fn is_import_start(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("import") else {
        return false;
    };
    rest.starts_with([' ', '\t', '{', '*', '\'', '"'])
}

/// A statement is complete once it ends with a module specifier: `from '...'` or a bare
/// `import '...'`, optionally followed by `;`, an import attribute clause or a comment.
fn import_ends(statement: &str) -> bool {
    static COMPLETE: OnceLock<regex::Regex> = OnceLock::new();
    COMPLETE
        .get_or_init(|| {
            regex::Regex::new(
                r#"^import\s*(?:['"][^'"]*['"]|[\s\S]*\bfrom\s*['"][^'"]*['"])\s*(?:with\s*\{[^}]*\}\s*)?;?\s*(?://.*)?$"#,
            )
            .expect("valid regex")
        })
        .is_match(statement)
}

/// The environment workerd gets: nothing inherited, HOME and TMPDIR in the case's temp dir (the
/// same minimal set process runtimes get).
fn environment(dir: &Path) -> Vec<(String, String)> {
    let d = dir.to_string_lossy().into_owned();
    vec![
        ("PATH".into(), "/usr/local/bin:/usr/bin:/bin".into()),
        ("HOME".into(), d.clone()),
        ("TMPDIR".into(), d),
        ("LANG".into(), "C.UTF-8".into()),
        ("NO_COLOR".into(), "1".into()),
        ("TZ".into(), "UTC".into()),
    ]
}

/// What the case printed on stdout: the lines of the channel that are not records.
fn case_stdout(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        if line.starts_with(MARKER) {
            continue;
        }
        if out.len() + line.len() > process::HEAD_BYTES {
            break;
        }
        out.push_str(line);
    }
    out
}

/// The cancellation that ends every run (see `driver.js`) and the test runner's own lines are
/// how this adapter works, not something the case did; they are taken out of the stderr a report
/// shows, so that what remains is the runtime talking about the case.
fn tidy_stderr(stderr: &str) -> String {
    let mut out = String::with_capacity(stderr.len());
    let mut skip_stack = false;
    for line in stderr.split_inclusive('\n') {
        if skip_stack && line.starts_with("stack: ") {
            skip_stack = false;
            continue;
        }
        skip_stack = false;
        if line.contains(HUNG) {
            skip_stack = true;
            continue;
        }
        if line.contains("debug: [ TEST ] main") || line.contains("debug: [ PASS ] main") {
            continue;
        }
        out.push_str(line);
    }
    out
}

/// How workerd words the cancellation of a request that can make no more progress.
const HUNG: &str = "detected that your Worker's code had hung";

impl Adapter for WorkerdAdapter {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }

    fn supports(&self, case: &Case) -> Result<(), String> {
        first_lacking(case, |f| {
            UNSUPPORTED
                .iter()
                .find(|(name, _)| *name == f)
                .map(|(_, why)| format!("workerd does not offer feature `{f}`: {why}"))
        })
    }

    fn execute(&self, case: &Case, timeout: Duration) -> Execution {
        let started = Instant::now();
        let dir = match process::RunDir::new("ah-workerd-") {
            Ok(d) => d,
            Err(e) => {
                return Execution::could_not(
                    format!("cannot create the case's temp dir: {e}"),
                    started.elapsed(),
                )
            }
        };
        if let Err(e) = self.sandbox.prepare_dir(dir.path()) {
            return Execution::could_not(
                format!("cannot hand the case's temp dir to the sandbox: {e}"),
                started.elapsed(),
            );
        }
        let key = trace::new_key();
        let rendered = match render(case, &key, &self.compatibility_date) {
            Ok(r) => r,
            Err(e) => {
                return Execution::could_not(
                    format!("cannot render the case as a worker: {e}"),
                    started.elapsed(),
                )
            }
        };
        for (name, text) in &rendered.files {
            if let Err(e) = std::fs::write(dir.path().join(name), text) {
                return Execution::could_not(
                    format!("cannot write {name} into the temp dir: {e}"),
                    started.elapsed(),
                );
            }
        }
        // workerd writes console.log to stdout; the shell points that at the trace pipe (fd 3)
        // and then becomes workerd, so the process group and exit status are workerd's own.
        let spec = Spec {
            program: PathBuf::from("/bin/sh"),
            args: vec![
                "-c".into(),
                r#"exec "$0" test "$1" >&3"#.into(),
                self.binary.to_string_lossy().into_owned(),
                dir.path()
                    .join(&rendered.config)
                    .to_string_lossy()
                    .into_owned(),
            ],
            cwd: dir.path().to_path_buf(),
            env: environment(dir.path()),
            stdin: Vec::new(),
            timeout,
            confine: Some((
                self.sandbox.clone(),
                runtime_view(&self.binary, None, dir.path()),
            )),
            stderr_into_channel: false,
        };
        let out = process::run(&spec);
        let channel = trace::parse_channel(&key, &out.channel);
        let end = match out.end(channel.ended.is_some()) {
            // `workerd test` exits 0 when the driver's test() succeeded, which it does only
            // after writing the `end` record; that record holds the exit code Node would give.
            Ended::Exited(0) => match channel.ended {
                Some(code) => End::Exited(i32::try_from(code).unwrap_or(1)),
                None => End::Exited(0),
            },
            Ended::Exited(c) => End::Exited(c),
            Ended::Signaled { name, .. } => End::Signaled(name),
            Ended::TimedOut => End::TimedOut,
            Ended::SpawnFailed(e) => End::CouldNotRun(e),
        };
        Execution {
            stdout_head: case_stdout(&out.channel),
            channel,
            end,
            channel_cut: out.channel_cut,
            stderr_head: tidy_stderr(&out.stderr_head),
            duration: out.duration,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_move_to_the_first_line_and_other_lines_keep_their_numbers() {
        let script = "import { AsyncLocalStorage } from 'node:async_hooks';\nconst a = 1;\nimport {\n  b,\n  c\n} from \"node:x\"\nimport 'node:y';\nconst m = import.meta;\nawait import('node:z');\n";
        let (imports, body) = hoist_imports(script).unwrap();
        assert_eq!(
            imports,
            vec![
                "import { AsyncLocalStorage } from 'node:async_hooks';",
                "import { b, c } from \"node:x\";",
                "import 'node:y';",
            ]
        );
        assert_eq!(
            body,
            "\nconst a = 1;\n\n\n\n\n\nconst m = import.meta;\nawait import('node:z');\n"
        );
        assert_eq!(body.lines().count(), script.lines().count());
    }

    #[test]
    fn an_unfinished_import_is_an_error() {
        assert!(hoist_imports("import {\n a,\n").is_err());
    }

    #[test]
    fn the_compatibility_date_comes_from_the_npm_version() {
        assert_eq!(
            compatibility_date("1.20261117.1").as_deref(),
            Some("2026-11-17")
        );
        assert_eq!(compatibility_date("2026-11-17"), None);
        assert_eq!(compatibility_date("1.2026.0"), None);
    }

    #[test]
    fn stdout_keeps_what_the_case_printed_and_drops_records() {
        let raw = b"@@AH1 0 0123456789abcdef hello 1\ncase output\n@@AH1 1 x log a:\nmore\n";
        assert_eq!(case_stdout(raw), "case output\nmore\n");
    }

    #[test]
    fn stderr_loses_the_adapter_s_own_lines_only() {
        let err = "workerd/server/server/run.rs:642: debug: [ TEST ] main\n\
            workerd/io/worker.c++:3042: info: uncaught exception; stack = Error: boom\n\
            workerd/io/io-context.c++:656: info: uncaught exception; exception = jsg.Error: The Workers runtime canceled this request because it detected that your Worker's code had hung and would never generate a response.\n\
            stack: /bin/workerd@3f5ef30\n\
            workerd/server/server/run.rs:649: debug: [ PASS ] main (2.3ms)\n";
        assert_eq!(
            tidy_stderr(err),
            "workerd/io/worker.c++:3042: info: uncaught exception; stack = Error: boom\n"
        );
    }

    #[test]
    fn the_driver_has_its_placeholders() {
        assert!(DRIVER.contains("'/*CASE_MODULE*/'"));
        assert!(DRIVER.contains("\n  /*PRELUDE*/\n"));
        assert!(
            DRIVER.contains(HUNG),
            "driver.js and this file must agree on HUNG"
        );
    }
}
