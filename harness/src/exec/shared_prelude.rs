//! The prelude at a path that stays the same between cases and runs, for a runtime that keeps
//! compiled code in its cache (`{cache}`, Deno's DENO_DIR).
//!
//! Such a runtime keys what it compiled by the module's path and text. Rendered into each
//! case's temp dir, the prelude is a new path every time, so it is compiled afresh for every
//! case, and the cache cannot even remember it, being read-only to cases. Most cases render
//! the same prelude text (only the hook configuration varies), so the text is written once
//! into the cache dir, named by its hash, and compiled there by one run of our own outside the
//! sandbox; the case's module imports it from there. Measured on Deno 2.9.6 (2026-12-06, a
//! two-trace case, medians of 100 starts, sandboxed): 2.4 ms above a bare start with a prelude
//! per case dir, 1.4 ms with the shared one.
//!
//! Cases only read the cache dir (see [`super::process_adapter::runtime_view`]), so no case
//! can change the prelude another case loads.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::exec::prelude::Rendered;
use crate::exec::process::{self, Ended};
use crate::exec::process_adapter::ProcessAdapter;

/// Shared preludes already written and compiled, by path, so that a case needs no file check.
/// Held while one is made, so that two workers never make the same one at once.
static READY: Mutex<Option<HashSet<PathBuf>>> = Mutex::new(None);

/// The directory in a runtime's cache that holds the shared preludes.
const DIR: &str = "ah-prelude";

/// Make `rendered` import its prelude from the runtime's cache dir instead of carrying it,
/// writing and compiling it there first if this is its first use. Leaves `rendered` as it was
/// when that fails: a prelude per case dir is slower, never wrong.
pub fn share(adapter: &ProcessAdapter, rendered: &mut Rendered) {
    let Some(at) = rendered
        .files
        .iter()
        .position(|(name, _)| name.starts_with("prelude."))
    else {
        return;
    };
    let (name, text) = &rendered.files[at];
    let Ok(cache) = std::path::absolute(&adapter.cache) else {
        return;
    };
    let ext = name.rsplit('.').next().unwrap_or("mjs");
    let hash = Sha256::digest(text.as_bytes());
    let stem: String = hash[..12].iter().map(|b| format!("{b:02x}")).collect();
    let path = cache.join(DIR).join(format!("prelude-{stem}.{ext}"));
    if !ensure(adapter, &path, text) {
        return;
    }
    let Some(spec) = path.to_str().map(specifier) else {
        return;
    };
    let relative = format!("'./{name}'");
    let main = rendered.main.clone();
    if let Some((_, m)) = rendered.files.iter_mut().find(|(n, _)| *n == main) {
        if !m.contains(&relative) {
            return;
        }
        *m = m.replacen(&relative, &spec, 1);
        rendered.files.remove(at);
    }
}

/// The prelude's path as a string literal an `import` and a `require` both take.
fn specifier(path: &str) -> String {
    serde_json::Value::String(path.to_string()).to_string()
}

/// Whether the prelude at `path` is there and compiled, making it so if needed.
fn ensure(adapter: &ProcessAdapter, path: &Path, text: &str) -> bool {
    let Ok(mut ready) = READY.lock() else {
        return false;
    };
    let ready = ready.get_or_insert_with(HashSet::new);
    if ready.contains(path) {
        return true;
    }
    let compiled = path.with_extension("compiled");
    let made = (compiled.exists() && std::fs::read_to_string(path).is_ok_and(|t| t == text))
        || make(adapter, path, text, &compiled).is_ok();
    if made {
        ready.insert(path.to_path_buf());
    }
    made
}

/// Write the prelude and have the runtime compile it into its cache, by running a module that
/// imports it outside the sandbox (the cache is writable there only), then mark it compiled.
fn make(adapter: &ProcessAdapter, path: &Path, text: &str, compiled: &Path) -> Result<(), String> {
    let dir = path.parent().ok_or("no parent dir")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    // Another harness run may be making the same one: each writes a file of its own and
    // renames it into place, so a case never sees a half-written prelude.
    let mut partial = tempfile::NamedTempFile::new_in(dir).map_err(|e| e.to_string())?;
    std::io::Write::write_all(&mut partial, text.as_bytes()).map_err(|e| e.to_string())?;
    std::fs::set_permissions(
        partial.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .map_err(|e| e.to_string())?;
    partial.persist(path).map_err(|e| e.to_string())?;
    let run = process::RunDir::new("ah-prelude-").map_err(|e| e.to_string())?;
    let spec = specifier(&path.to_string_lossy());
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("mjs");
    let main = run.path().join(format!("compile.{ext}"));
    let import = if ext == adapter.file.extensions().cjs {
        format!("require({spec});\n")
    } else {
        format!("import {spec};\n")
    };
    std::fs::write(&main, import).map_err(|e| e.to_string())?;
    let unconfined = ProcessAdapter {
        sandbox: crate::exec::sandbox::Sandbox::Off,
        ..adapter.clone()
    };
    let out = unconfined.run_file(&main, run.path(), Duration::from_secs(60));
    if out.ended != Ended::Exited(0) {
        return Err(format!("the compile run ended with {:?}", out.ended));
    }
    std::fs::write(compiled, "").map_err(|e| e.to_string())
}
