//! Runtime names, pinned installs and the project-local runtime cache.
//!
//! A runtime name resolves, in this order, to:
//! 0. a name an adapter file of the user's declared (`name = "..."`), once that file was named
//!    with [`Registry::name_of`] in this process;
//! 1. a path ending in `.toml`: an adapter file of the user's, whose `binary` says where the
//!    runtime is;
//! 2. an entry of the lock file `runtimes/lock.toml` (`node@26`, `bun`, `deno`): an npm package
//!    at an exact version and integrity, installed into `.runtimes/` on first use;
//! 3. an adapter file `runtimes/adapters/<name>.toml` whose `binary` is found on PATH (`node`).
//!
//! Every adapter file the registry loads is checked against the feature registry
//! (`cases/features.txt`), so that a misspelt `unsupported_features` entry stops the run.
//!
//! Installs go through the ordinary npm client (`npm pack`), are verified against the lock's
//! sha512 integrity and by running the binary, and land by rename, so an interrupted install
//! leaves nothing half-done behind.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine as _;
use serde::Deserialize;
use sha2::Digest as _;

use crate::exec::adapter_file::AdapterFile;
use crate::exec::process_adapter::ProcessAdapter;
use crate::exec::sandbox::Sandbox;

use crate::exec::prelude::ChannelIo;
use crate::input::diag::Diagnostic;
use crate::input::features::Features;
use crate::judge::record::RuntimeFacts;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// The runtime name users type (`node@26`).
    pub name: String,
    /// The adapter file in `runtimes/adapters/` that knows how to run it.
    pub adapter: String,
    pub package: String,
    pub version: String,
    /// npm's `sha512-<base64>` integrity of the package tarball.
    pub integrity: String,
    /// Path of the binary inside the unpacked tarball.
    pub binary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LockFile {
    #[serde(default)]
    runtime: Vec<LockEntry>,
}

/// The runtimes this checkout knows: adapter files and pinned installs.
#[derive(Debug, Clone)]
pub struct Registry {
    /// The project root (holds `runtimes/` and `.runtimes/`).
    root: PathBuf,
    pub lock: Vec<LockEntry>,
    /// The feature registry adapter files are checked against; `None` in a checkout without
    /// `cases/features.txt` (the registry then takes feature names on trust).
    features: Option<Features>,
}

/// The adapter files whose declared name stands for them, by that name, as absolute paths.
///
/// A run names its runtimes by strings, and every part of it (the runner's records, the
/// results, the baselines) loads its own [`Registry`] from the checkout. A vendor's adapter
/// file lives outside the checkout, so the registry would not know `vendor-node` from the
/// checkout alone: [`Registry::name_of`] enters the file here, once per process, and every
/// registry then resolves the name to it.
static DECLARED: Mutex<BTreeMap<String, PathBuf>> = Mutex::new(BTreeMap::new());

fn declared(name: &str) -> Option<PathBuf> {
    let table = DECLARED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    table.get(name).cloned()
}

/// A value given to `--runtime`, with the name the run knows the runtime by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// The runtime's name in records, results, baselines and messages.
    pub name: String,
    /// The value as typed, to repeat in commands suggested to the user.
    pub given: String,
    /// The adapter file, made absolute, when the value was the path of one.
    pub file: Option<PathBuf>,
    /// Set when the value was an adapter file that declares no name: what to do about it.
    pub note: Option<String>,
}

/// A runtime name resolved to an adapter and a binary (which may still need installing).
#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub adapter_name: String,
    pub adapter: AdapterFile,
    pub binary: PathBuf,
    pub source: String,
    pub lock: Option<LockEntry>,
}

impl Registry {
    pub fn load(root: &Path) -> Result<Registry, Diagnostic> {
        let path = root.join("runtimes/lock.toml");
        let lock = match std::fs::read_to_string(&path) {
            Ok(text) => {
                let f: LockFile = toml::from_str(&text).map_err(|e| {
                    let (l, c) = e
                        .span()
                        .map(|s| crate::exec::adapter_file::line_col(&text, s.start))
                        .unwrap_or((1, 1));
                    Diagnostic::new(&path, l, c, format!("invalid lock file: {}", e.message()))
                })?;
                f.runtime
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(Diagnostic::file(&path, format!("cannot read: {e}"))),
        };
        let features_path = root.join("cases/features.txt");
        let features = if features_path.is_file() {
            let features = Features::load(&features_path).map_err(|ds| {
                let first = ds.0.into_iter().next();
                first.unwrap_or_else(|| {
                    Diagnostic::file(&features_path, "the feature registry cannot be read")
                })
            })?;
            Some(features)
        } else {
            None
        };
        Ok(Registry {
            root: root.to_path_buf(),
            lock,
            features,
        })
    }

    /// Load an adapter file, checking its `unsupported_features` against the feature registry.
    fn load_adapter(&self, path: &Path) -> Result<AdapterFile, Diagnostic> {
        match &self.features {
            Some(features) => AdapterFile::load_checked(path, features),
            None => AdapterFile::load(path),
        }
    }

    /// The name a `--runtime` value stands for. A runtime name is itself. The path of an
    /// adapter file (`*.toml`) is loaded and checked here, before anything runs; when the file
    /// declares `name = "..."`, that is the runtime's name, whichever path reached the file,
    /// and this registry (and every registry loaded later in this process) resolves the name
    /// to the file. A file without a name keeps the path as typed for its name, with a note
    /// saying how to make it independent of the path.
    pub fn name_of(&self, given: &str) -> Result<Named, Diagnostic> {
        if !given.ends_with(".toml") {
            return Ok(Named {
                name: given.to_string(),
                given: given.to_string(),
                file: None,
                note: None,
            });
        }
        let path = Path::new(given);
        let adapter = self.load_adapter(path)?;
        let file = std::path::absolute(path)
            .map_err(|e| Diagnostic::file(path, format!("cannot make the path absolute: {e}")))?;
        let file = file.canonicalize().unwrap_or(file);
        let Some(name) = adapter.name else {
            return Ok(Named {
                name: given.to_string(),
                given: given.to_string(),
                file: Some(file),
                note: Some(format!(
                    "note: {given} declares no `name`, so the runtime is named by this path as typed and its baseline by the path too; add `name = \"...\"` to the file so that its name and baseline do not depend on how the file is reached"
                )),
            });
        };
        let taken = name == crate::exec::reference::NAME
            || name == crate::exec::workerd::NAME
            || self.known_names().contains(&name);
        if taken {
            return Err(Diagnostic::file(
                path,
                format!("`name = \"{name}\"` is already the name of a runtime this checkout knows; give the adapter file a name of its own"),
            ));
        }
        let mut table = DECLARED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        table.insert(name.clone(), file.clone());
        Ok(Named {
            name,
            given: given.to_string(),
            file: Some(file),
            note: None,
        })
    }

    fn adapter_path(&self, name: &str) -> PathBuf {
        self.root
            .join("runtimes/adapters")
            .join(format!("{name}.toml"))
    }

    /// Names a user can pass to `--runtime`, for messages.
    pub fn known_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.lock.iter().map(|e| e.name.clone()).collect();
        if let Ok(rd) = std::fs::read_dir(self.root.join("runtimes/adapters")) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "toml") {
                    let stem = p
                        .file_stem()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned();
                    let a = AdapterFile::load(&p).ok();
                    if a.is_some_and(|a| a.binary.is_some()) && !names.contains(&stem) {
                        names.push(stem);
                    }
                }
            }
        }
        names.sort();
        names
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.root.join(".runtimes")
    }

    /// Whether the pinned runtime `name` is installed and verified (no install is started).
    pub fn is_pinned_and_installed(&self, name: &str) -> bool {
        self.lock
            .iter()
            .find(|e| e.name == name)
            .is_some_and(|e| Self::is_installed(&self.install_dir(e), e))
    }

    fn install_dir(&self, e: &LockEntry) -> PathBuf {
        self.cache_dir()
            .join(format!("{}-{}", e.name.replace(['@', '/'], "-"), e.version))
    }

    pub fn resolve(&self, name: &str) -> Result<Resolved, ResolveError> {
        if let Some(path) = declared(name) {
            // The adapter's own name, not its path: results are the same from any directory.
            let shown = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_else(|| name.to_string());
            return self.resolve_file(&path, name, &shown);
        }
        if name.ends_with(".toml") {
            let path = PathBuf::from(name);
            let adapter = self.load_adapter(&path).map_err(ResolveError::unusable)?;
            let runtime = adapter.name.clone().unwrap_or_else(|| name.to_string());
            return self.resolve_file(&path, &runtime, name);
        }
        if let Some(e) = self.lock.iter().find(|e| e.name == name) {
            let apath = self.adapter_path(&e.adapter);
            let adapter = self.load_adapter(&apath).map_err(ResolveError::unusable)?;
            return Ok(Resolved {
                name: name.to_string(),
                adapter_name: e.adapter.clone(),
                adapter,
                binary: self.install_dir(e).join(&e.binary),
                source: format!("npm {}@{}", e.package, e.version),
                lock: Some(e.clone()),
            });
        }
        let apath = self.adapter_path(name);
        if !name.contains(['@', '/']) && apath.is_file() {
            let adapter = self.load_adapter(&apath).map_err(ResolveError::unusable)?;
            if let Some(bin) = adapter.binary.clone() {
                let binary = locate_binary(&bin, &self.root).map_err(ResolveError::Unusable)?;
                return Ok(Resolved {
                    name: name.to_string(),
                    adapter_name: name.to_string(),
                    adapter,
                    source: if bin.contains('/') {
                        binary.display().to_string()
                    } else {
                        "PATH".to_string()
                    },
                    binary,
                    lock: None,
                });
            }
        }
        Err(ResolveError::Unknown {
            name: name.to_string(),
            known: self.known_names(),
        })
    }

    /// An adapter file of the user's as the runtime `name`; `adapter_name` is what results
    /// show as its adapter. Its `binary`, when a path, is relative to the file.
    fn resolve_file(
        &self,
        path: &Path,
        name: &str,
        adapter_name: &str,
    ) -> Result<Resolved, ResolveError> {
        let adapter = self.load_adapter(path).map_err(ResolveError::unusable)?;
        let Some(bin) = adapter.binary.clone() else {
            return Err(ResolveError::Unusable(format!(
                "{}: an adapter file given as a runtime must say where its `binary` is",
                path.display()
            )));
        };
        let binary = locate_binary(&bin, path.parent().unwrap_or(Path::new(".")))
            .map_err(ResolveError::Unusable)?;
        Ok(Resolved {
            name: name.to_string(),
            adapter_name: adapter_name.to_string(),
            adapter,
            source: binary.display().to_string(),
            binary,
            lock: None,
        })
    }

    /// Make sure a resolved runtime's binary is present, installing it if it is pinned.
    pub fn ensure_installed(&self, r: &Resolved) -> Result<(), String> {
        let Some(e) = &r.lock else {
            return if r.binary.is_file() {
                Ok(())
            } else {
                Err(format!("runtime binary {} not found", r.binary.display()))
            };
        };
        let dir = self.install_dir(e);
        if Self::is_installed(&dir, e) && r.binary.is_file() {
            return Ok(());
        }
        eprintln!(
            "installing {} (npm package {}@{}) into {} ...",
            e.name,
            e.package,
            e.version,
            self.cache_dir().display()
        );
        self.install(e, &dir, &r.adapter)
    }

    /// A complete install carries a stamp with the integrity it was verified against; the
    /// stamp is written last, inside the temp dir, before the rename that publishes it.
    fn is_installed(dir: &Path, e: &LockEntry) -> bool {
        std::fs::read_to_string(dir.join(".installed")).is_ok_and(|s| s.trim() == e.integrity)
    }

    fn install(&self, e: &LockEntry, dir: &Path, adapter: &AdapterFile) -> Result<(), String> {
        let cache = self.cache_dir();
        std::fs::create_dir_all(&cache)
            .map_err(|err| format!("cannot create {}: {err}", cache.display()))?;
        let tmp = tempfile::Builder::new()
            .prefix(".install-")
            .tempdir_in(&cache)
            .map_err(|err| format!("cannot create a temp dir in {}: {err}", cache.display()))?;
        let spec = format!("{}@{}", e.package, e.version);
        let out = std::process::Command::new("npm")
            .args(["pack", &spec, "--silent", "--json", "--pack-destination"])
            .arg(tmp.path())
            .current_dir(tmp.path())
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|err| format!("cannot run npm (needed to install {}): {err}", e.name))?;
        if !out.status.success() {
            return Err(format!(
                "npm pack {spec} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        let tarball = std::fs::read_dir(tmp.path())
            .map_err(|err| err.to_string())?
            .flatten()
            .map(|d| d.path())
            .find(|p| p.extension().is_some_and(|x| x == "tgz"))
            .ok_or_else(|| format!("npm pack {spec} produced no tarball"))?;
        let mut bytes = Vec::new();
        std::fs::File::open(&tarball)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|err| format!("cannot read {}: {err}", tarball.display()))?;
        let got = format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&bytes))
        );
        if got != e.integrity {
            return Err(format!(
                "{spec}: tarball integrity {got} does not match the lock file's {}; refusing to install",
                e.integrity
            ));
        }
        let unpacked = tmp.path().join("unpacked");
        tar::Archive::new(flate2::read::GzDecoder::new(&bytes[..]))
            .unpack(&unpacked)
            .map_err(|err| format!("cannot unpack {spec}: {err}"))?;
        let bin = unpacked.join(&e.binary);
        if !bin.is_file() {
            return Err(format!("{spec} has no binary at {}", e.binary));
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755))
            .map_err(|err| format!("cannot make {} executable: {err}", bin.display()))?;
        // The binary's own version flag, just checked against the lock file's integrity: no
        // case code runs, so no sandbox is needed to install.
        let version = ProcessAdapter::detect_version(adapter, &bin, &Sandbox::Off)
            .map_err(|err| format!("{spec} installed but does not run: {err}"))?;
        if !version.starts_with(&e.version) {
            return Err(format!(
                "{spec} reports version {version}, expected {}",
                e.version
            ));
        }
        std::fs::write(unpacked.join(".installed"), format!("{}\n", e.integrity))
            .map_err(|err| err.to_string())?;
        if dir.exists() && !Self::is_installed(dir, e) {
            std::fs::remove_dir_all(dir)
                .map_err(|err| format!("cannot replace {}: {err}", dir.display()))?;
        }
        match std::fs::rename(&unpacked, dir) {
            Ok(()) => Ok(()),
            // Another process finished the same install first: theirs is as good as ours.
            Err(_) if Self::is_installed(dir, e) => Ok(()),
            Err(err) => Err(format!(
                "cannot move the install into {}: {err}",
                dir.display()
            )),
        }
    }

    /// Resolve, install if needed, and detect the version: a ready adapter whose processes
    /// run in `sandbox`.
    pub fn prepare(&self, name: &str, sandbox: &Sandbox) -> Result<ProcessAdapter, String> {
        let r = self.resolve(name)?;
        self.ensure_installed(&r)?;
        let version = ProcessAdapter::detect_version(&r.adapter, &r.binary, &Sandbox::Off)?;
        let cache = self
            .cache_dir()
            .join("cache")
            .join(crate::input::project::file_stem(&r.name));
        std::fs::create_dir_all(&cache)
            .map_err(|e| format!("cannot create the cache dir {}: {e}", cache.display()))?;
        let mut adapter = ProcessAdapter {
            cache,
            facts: RuntimeFacts {
                name: r.name,
                version,
                adapter: r.adapter_name,
                source: r.source,
                platform: crate::exec::adapter::platform(),
                flags: crate::exec::adapter_file::flags_of(&r.adapter),
                confinement: sandbox.describe(),
            },
            file: r.adapter,
            binary: r.binary,
            sandbox: sandbox.clone(),
            also_read: Vec::new(),
        };
        adapter.warm_cache();
        if adapter.file.channel_io == ChannelIo::NodeBuiltin && !adapter.has_builtin_module_table()
        {
            adapter.file.channel_io = ChannelIo::NodeRequire;
        }
        Ok(adapter)
    }
}

/// Why a runtime name did not resolve. The kinds matter to the caller: a name nobody knows is
/// a usage error, found before anything runs; a known runtime that cannot be used is a result
/// instead (each of its cases is an ERROR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// Neither an adapter file, nor a lock entry, nor an adapter with a binary, has this name.
    Unknown { name: String, known: Vec<String> },
    /// The name is known, but its adapter file or its binary is not usable: the reason.
    Unusable(String),
}

impl ResolveError {
    fn unusable(reason: impl std::fmt::Display) -> ResolveError {
        ResolveError::Unusable(reason.to_string())
    }
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::Unknown { name, known } => write!(
                f,
                "unknown runtime `{name}`; known runtimes: {}, or a path to an adapter file (*.toml)",
                known.join(", ")
            ),
            ResolveError::Unusable(reason) => f.write_str(reason),
        }
    }
}

impl std::error::Error for ResolveError {}

/// Callers that report any failure to prepare a runtime as text keep using `?`.
impl From<ResolveError> for String {
    fn from(e: ResolveError) -> String {
        e.to_string()
    }
}

/// A binary named bare is looked up on PATH; one with a `/` is relative to `base`.
fn locate_binary(bin: &str, base: &Path) -> Result<PathBuf, String> {
    if bin.contains('/') {
        let p = base.join(bin);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("runtime binary {} not found", p.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
        .ok_or_else(|| format!("`{bin}` is not on PATH"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A checkout with a feature registry and a pinned runtime, and a vendor's directory.
    fn setup() -> (tempfile::TempDir, Registry, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("checkout");
        std::fs::create_dir_all(root.join("cases")).expect("cases dir");
        std::fs::create_dir_all(root.join("runtimes")).expect("runtimes dir");
        std::fs::write(root.join("cases/features.txt"), "http\nsetTimeout\n").expect("features");
        std::fs::write(
            root.join("runtimes/lock.toml"),
            "[[runtime]]\nname = \"pinned\"\nadapter = \"pinned\"\npackage = \"p\"\nversion = \"1.0.0\"\nintegrity = \"sha512-x\"\nbinary = \"bin/p\"\n",
        )
        .expect("lock");
        let vendor = dir.path().join("vendor");
        std::fs::create_dir_all(vendor.join("sub")).expect("vendor dir");
        let registry = Registry::load(&root).expect("registry loads");
        (dir, registry, vendor)
    }

    fn adapter(name: &str, unsupported: &str) -> String {
        format!("name = \"{name}\"\nrun = [\"{{bin}}\", \"{{file}}\"]\nversion = [\"{{bin}}\", \"--version\"]\nbinary = \"sh\"\nunsupported_features = [{unsupported}]\n")
    }

    #[test]
    fn a_declared_name_stands_for_its_file_whichever_path_reached_it() {
        let (_dir, registry, vendor) = setup();
        let file = vendor.join("rt.toml");
        std::fs::write(&file, adapter("unit-declared-rt", "\"http\"")).expect("adapter");
        let roundabout = vendor.join("sub/../rt.toml");
        let a = registry
            .name_of(&file.display().to_string())
            .expect("named");
        let b = registry
            .name_of(&roundabout.display().to_string())
            .expect("named");
        assert_eq!(
            (a.name.as_str(), a.note.as_deref()),
            ("unit-declared-rt", None)
        );
        assert_eq!((&b.name, &b.file), (&a.name, &a.file), "one runtime");
        assert_ne!(a.given, b.given, "each remembers what was typed");
        // Any registry of this process now knows the name.
        let again = Registry::load(&registry.root).expect("registry loads");
        let r = again.resolve("unit-declared-rt").expect("resolves");
        assert_eq!(
            (r.name.as_str(), r.adapter_name.as_str()),
            ("unit-declared-rt", "rt.toml")
        );
        // Given by path, it is named the same.
        let by_path = again
            .resolve(&file.display().to_string())
            .expect("resolves");
        assert_eq!(by_path.name, "unit-declared-rt");
    }

    #[test]
    fn adapter_files_are_checked_against_the_feature_registry_and_the_names_in_use() {
        let (_dir, registry, vendor) = setup();
        let typo = vendor.join("typo.toml");
        std::fs::write(&typo, adapter("unit-typo-rt", "\"htp\"")).expect("adapter");
        let err = registry
            .name_of(&typo.display().to_string())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("typo.toml:5:25: unknown feature `htp`"),
            "{err}"
        );
        assert!(err.contains("did you mean `http`?"), "{err}");
        let typo_name = typo.display().to_string();
        assert!(matches!(
            registry.resolve(&typo_name),
            Err(ResolveError::Unusable(_))
        ));

        let taken = vendor.join("taken.toml");
        std::fs::write(&taken, adapter("pinned", "")).expect("adapter");
        let err = registry
            .name_of(&taken.display().to_string())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`name = \"pinned\"` is already the name of a runtime"),
            "{err}"
        );

        let unnamed = vendor.join("unnamed.toml");
        let text = adapter("x", "").replacen("name = \"x\"\n", "", 1);
        std::fs::write(&unnamed, text).expect("adapter");
        let given = unnamed.display().to_string();
        let named = registry.name_of(&given).expect("named by its path");
        assert_eq!(named.name, given);
        assert!(named
            .note
            .is_some_and(|n| n.contains("add `name = \"...\"`")));
    }
}
