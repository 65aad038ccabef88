//! Runtime names, pinned installs and the project-local runtime cache.
//!
//! A runtime name resolves, in this order, to:
//! 1. a path ending in `.toml`: an adapter file of the user's, whose `binary` says where the
//!    runtime is;
//! 2. an entry of the lock file `runtimes/lock.toml` (`node@26`, `bun`, `deno`): an npm package
//!    at an exact version and integrity, installed into `.runtimes/` on first use;
//! 3. an adapter file `runtimes/adapters/<name>.toml` whose `binary` is found on PATH (`node`).
//!
//! Installs go through the ordinary npm client (`npm pack`), are verified against the lock's
//! sha512 integrity and by running the binary, and land by rename, so an interrupted install
//! leaves nothing half-done behind.

use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use serde::Deserialize;
use sha2::Digest as _;

use crate::exec::adapter_file::AdapterFile;
use crate::exec::process_adapter::ProcessAdapter;

use crate::exec::prelude::ChannelIo;
use crate::input::diag::Diagnostic;
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
        Ok(Registry {
            root: root.to_path_buf(),
            lock,
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

    fn install_dir(&self, e: &LockEntry) -> PathBuf {
        self.cache_dir()
            .join(format!("{}-{}", e.name.replace(['@', '/'], "-"), e.version))
    }

    pub fn resolve(&self, name: &str) -> Result<Resolved, ResolveError> {
        if name.ends_with(".toml") {
            let path = PathBuf::from(name);
            let adapter = AdapterFile::load(&path).map_err(ResolveError::unusable)?;
            let Some(bin) = adapter.binary.clone() else {
                return Err(ResolveError::Unusable(format!(
                    "{name}: an adapter file given as a runtime must say where its `binary` is"
                )));
            };
            let binary = locate_binary(&bin, path.parent().unwrap_or(Path::new(".")))
                .map_err(ResolveError::Unusable)?;
            return Ok(Resolved {
                name: name.to_string(),
                adapter_name: name.to_string(),
                adapter,
                source: binary.display().to_string(),
                binary,
                lock: None,
            });
        }
        if let Some(e) = self.lock.iter().find(|e| e.name == name) {
            let apath = self.adapter_path(&e.adapter);
            let adapter = AdapterFile::load(&apath).map_err(ResolveError::unusable)?;
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
            let adapter = AdapterFile::load(&apath).map_err(ResolveError::unusable)?;
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
        let version = ProcessAdapter::detect_version(adapter, &bin)
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

    /// Resolve, install if needed, and detect the version: a ready adapter.
    pub fn prepare(&self, name: &str) -> Result<ProcessAdapter, String> {
        let r = self.resolve(name)?;
        self.ensure_installed(&r)?;
        let version = ProcessAdapter::detect_version(&r.adapter, &r.binary)?;
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
            },
            file: r.adapter,
            binary: r.binary,
        };
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
