//! Rendering a case into files a runtime can load: the prelude module and the case module.
//!
//! The prelude is kept in its own module so that the case's own imports cannot clash with its
//! names, and the case module starts with one `import`/`require` of it on the same line as the
//! script's first line, so that line numbers in the runtime's error messages match the script.

use crate::input::case::{Case, ModuleKind};

const PRELUDE_BODY: &str = include_str!("prelude/prelude.js");

/// Files to write into the case's temp dir, by name, and the one to run.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub files: Vec<(String, String)>,
    pub main: String,
}

/// File extensions a runtime loads as ES modules and as CommonJS.
#[derive(Debug, Clone)]
pub struct Extensions {
    pub esm: String,
    pub cjs: String,
}

/// How the prelude reads the key and writes the trace channel. `node:fs` works everywhere;
/// `node-require` gets it more cheaply on Node; Deno's own file API does the same three things
/// without loading Deno's `node:fs` layer, which costs about a third of a Deno start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelIo {
    #[default]
    NodeFs,
    /// As `node-fs`, but an ES module prelude gets `node:fs` through `createRequire`: on Node,
    /// importing `node:fs` as an ES module builds a namespace of its hundred-odd exports, which
    /// costs about a tenth of a start; the CommonJS module is already loaded.
    NodeRequire,
    /// As `node-require`, but through `process.getBuiltinModule` (Node 20.16 and 22.3 on),
    /// which needs no `node:module` import either: about 0.5 ms less per case on Node 22-26.
    /// A runtime without it is run with `node-require` instead, found out once by
    /// [`crate::exec::runtimes::Registry::prepare`].
    NodeBuiltin,
    Deno,
    /// Bun's own calls, with no module loaded: the key from `prompt('')` (the first line of
    /// standard input, read synchronously), the records through `Bun.write` to fd 3, which on
    /// the harness's blocking pipe writes before it returns. Loading `node:fs` costs Bun about
    /// a fifth of a start (`process.getBuiltinModule('node:fs')`, 1.8 ms of 5.1 ms, measured
    /// 2026-12-06); `process.binding('fs')` is there but none of its calls are implemented,
    /// and `Bun.file(3).writer()` queues what a full pipe does not take, so a record can be
    /// lost when the case is killed.
    Bun,
    /// Pooled runs (`--pool`): the case runs in a worker thread of a long-lived process, so
    /// the key and the channel file come in `workerData`; the prelude takes the key out of it
    /// before the case runs. Chosen by the pool, never by an adapter file.
    #[serde(skip)]
    Pool,
    /// The neutrality check's instrument ([`render_neutral`]): no module loaded, no stdin, no
    /// descriptor opened, no `process` listener; records go to standard error. Chosen by the
    /// check, never by an adapter file.
    #[serde(skip)]
    Neutral,
}

/// `node:fs` for an ES module prelude without importing it as an ES module (see
/// [`ChannelIo::NodeRequire`]).
const NODE_REQUIRE_FS_ESM: &str = include_str!("prelude/node-require-fs.mjs");

/// `node:fs` for an ES module prelude from the runtime's own table (see
/// [`ChannelIo::NodeBuiltin`]).
const NODE_BUILTIN_FS_ESM: &str = include_str!("prelude/node-builtin-fs.mjs");

/// The `fs` object of a pooled run (see [`ChannelIo::Pool`]), as CommonJS and as ESM.
const POOL_FS_CJS: &str = include_str!("prelude/pool-fs.cjs");
const POOL_FS_ESM: &str = include_str!("prelude/pool-fs.mjs");

/// The `fs` object the prelude body uses, built on Deno's API (only the three calls it makes),
/// and `lazyProcessOn`: Deno builds its Node `process` object on first use, which costs a third
/// of a start, and most cases never use it. The prelude's `process` listeners are added when
/// the case first reads `globalThis.process`, before it gets the object, so they still come
/// first; when it never does, the end of the run and its uncaught errors are taken from Deno's
/// own `unload`, `error` and `unhandledrejection` events, which carry the same facts.
const DENO_FS: &str = include_str!("prelude/deno-fs.js");

/// The `fs` object the prelude body uses, built on Bun's API (see [`ChannelIo::Bun`]).
const BUN_IO: &str = include_str!("prelude/bun-io.js");

/// The `fs` object and the (absent) `process` listeners of [`ChannelIo::Neutral`].
const NEUTRAL_FS: &str = include_str!("prelude/neutral.js");

/// The prelude's configuration, as JSON inserted into the prelude text.
fn config(case: &Case) -> String {
    let hooks = case
        .hooks
        .as_ref()
        .map(|h| serde_json::json!({ "types": h.types, "showOtherTypes": h.show_other_types }));
    serde_json::json!({ "hooks": hooks }).to_string()
}

pub fn render(case: &Case, ext: &Extensions) -> Rendered {
    render_with(case, ext, ChannelIo::NodeFs)
}

pub fn render_with(case: &Case, ext: &Extensions, io: ChannelIo) -> Rendered {
    let body = PRELUDE_BODY
        .replace("'use strict';\n", "")
        .replace("/*CONFIG*/ {}", &config(case));
    let (prelude_name, main_name, prelude, main) = match case.module {
        ModuleKind::Esm => {
            let p = format!("prelude.{}", ext.esm);
            let m = format!("case.{}", ext.esm);
            let fs = match io {
                ChannelIo::NodeFs => "import * as fs from 'node:fs';\n",
                ChannelIo::NodeRequire => NODE_REQUIRE_FS_ESM,
                ChannelIo::NodeBuiltin => NODE_BUILTIN_FS_ESM,
                ChannelIo::Deno => DENO_FS,
                ChannelIo::Bun => BUN_IO,
                ChannelIo::Pool => POOL_FS_ESM,
                ChannelIo::Neutral => NEUTRAL_FS,
            };
            let prelude = format!(
                "{fs}import * as ah from 'node:async_hooks';\n{body}\nexport {{ trace }};\n"
            );
            let main = format!("import {{ trace }} from './{p}'; {}", case.script);
            (p, m, prelude, main)
        }
        ModuleKind::Cjs => {
            let p = format!("prelude.{}", ext.cjs);
            let m = format!("case.{}", ext.cjs);
            let fs = match io {
                ChannelIo::NodeFs | ChannelIo::NodeRequire | ChannelIo::NodeBuiltin => {
                    "const fs = require('node:fs');\n"
                }
                ChannelIo::Deno => DENO_FS,
                ChannelIo::Bun => BUN_IO,
                ChannelIo::Pool => POOL_FS_CJS,
                ChannelIo::Neutral => NEUTRAL_FS,
            };
            let prelude = format!(
                "'use strict';\n{fs}const ah = require('node:async_hooks');\n{body}\nmodule.exports = {{ trace }};\n"
            );
            let main = format!("const {{ trace }} = require('./{p}'); {}", case.script);
            (p, m, prelude, main)
        }
    };
    Rendered {
        files: vec![(prelude_name, prelude), (main_name.clone(), main)],
        main: main_name,
    }
}

/// The case rendered for the neutrality check: the prelude over [`ChannelIo::Neutral`], with
/// `key` written into it (the check's processes get nothing on stdin).
/// A case that never names `async_hooks` (and records no hooks) does not get the module
/// loaded for it either: the prelude's one use of it then, the root's id for `trace.id`, has no
/// caller, since ids come only from that module.
pub fn render_neutral(case: &Case, ext: &Extensions, key: &str) -> Rendered {
    let mut r = render_with(case, ext, ChannelIo::Neutral);
    let needs_module = case.hooks.is_some() || case.script.contains("async_hooks");
    for (_, text) in r.files.iter_mut() {
        if text.contains("'/*KEY*/'") {
            *text = text.replace("'/*KEY*/'", &format!("'{key}'"));
            if !needs_module {
                let stub = "const ah = { executionAsyncId: () => 1 };\n";
                *text = text
                    .replace("import * as ah from 'node:async_hooks';\n", stub)
                    .replace("const ah = require('node:async_hooks');\n", stub);
            }
        }
    }
    r
}

/// The case as if there were no harness: one file, the script after a `trace` that does
/// nothing (on the script's first line, so that its lines keep their numbers), and for a case
/// that records hooks, hooks with empty callbacks, which cost the runtime what the recording
/// ones do apart from the recording. The bench runs the corpus this way to tell what the cases
/// themselves cost a runtime from what the harness adds (its prelude module, the key, the
/// channel, the records).
pub fn render_unrecorded(case: &Case, ext: &Extensions) -> Rendered {
    let hooks = if case.hooks.is_some() {
        "__ahUnrecorded.createHook({ init() {}, before() {}, after() {}, destroy() {}, promiseResolve() {} }).enable(); "
    } else {
        ""
    };
    let stub = "const trace = () => {}; trace.id = (id) => String(id); ";
    let (main, text) = match case.module {
        ModuleKind::Esm => (
            format!("case.{}", ext.esm),
            format!(
                "import * as __ahUnrecorded from 'node:async_hooks'; {hooks}{stub}{}",
                case.script
            ),
        ),
        ModuleKind::Cjs => (
            format!("case.{}", ext.cjs),
            format!(
                "const __ahUnrecorded = require('node:async_hooks'); {hooks}{stub}{}",
                case.script
            ),
        ),
    };
    Rendered {
        files: vec![(main.clone(), text)],
        main,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(module: &str, script: &str) -> Case {
        let mut spec = crate::input::spec::SpecIndex::default();
        assert!(spec
            .add_file(std::path::Path::new("s.md"), "# A\n### X-Y-001 — r\n")
            .is_empty());
        let text = format!(
            "title: t\nspec: [X-Y-001]\nfeatures: []\nmodule: {module}\nscript: |\n  {script}\n"
        );
        crate::input::case::parse_case(
            std::path::Path::new("/nonexistent/c.yaml"),
            "c",
            &text,
            &crate::input::features::Features::default(),
            &spec,
        )
        .unwrap()
    }

    fn prelude_of(r: &Rendered) -> &str {
        &r.files
            .iter()
            .find(|(n, _)| n.starts_with("prelude."))
            .unwrap()
            .1
    }

    #[test]
    fn the_neutral_instrument_loads_async_hooks_only_for_a_case_that_names_it() {
        let ext = Extensions {
            esm: "mjs".into(),
            cjs: "cjs".into(),
        };
        for module in ["esm", "cjs"] {
            let plain = render_neutral(&case(module, "trace('x');"), &ext, "00ff");
            let p = prelude_of(&plain);
            assert!(!p.contains("node:async_hooks"), "{module}: {p}");
            assert!(!p.contains("'node:fs'") && p.contains("'00ff'"), "{module}");
            let named = case(
                module,
                "const ah = process.getBuiltinModule('node:async_hooks');",
            );
            let p = render_neutral(&named, &ext, "00ff");
            assert!(prelude_of(&p).contains("node:async_hooks"), "{module}");
            // The harness's own prelude always has both.
            let h = render_with(&case(module, "trace('x');"), &ext, ChannelIo::NodeFs);
            assert!(prelude_of(&h).contains("node:async_hooks"), "{module}");
        }
    }
}
