//! Where a checkout keeps its inputs, and loading all of them in one validated pass.

use std::path::{Path, PathBuf};

use crate::input::case::{self, Case};
use crate::input::diag::Diagnostics;
use crate::input::features::Features;
use crate::input::register::Register;
use crate::input::spec::SpecIndex;

/// The project checkout: `cases/`, `spec/`, `runtimes/`, `reports/`.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    /// The checkout this harness was built from, unless `AH_PROJECT_ROOT` names another.
    pub fn locate() -> Project {
        let root = std::env::var_os("AH_PROJECT_ROOT")
            .map(PathBuf::from)
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
        let root = root.canonicalize().unwrap_or(root);
        Project { root }
    }

    pub fn cases_dir(&self) -> PathBuf {
        self.root.join("cases")
    }

    pub fn features_path(&self) -> PathBuf {
        self.root.join("cases/features.txt")
    }

    pub fn spec_dir(&self) -> PathBuf {
        self.root.join("spec")
    }

    /// Show paths relative to the checkout, as users see them in their editor.
    pub fn relative<'a>(&self, p: &'a Path) -> &'a Path {
        p.strip_prefix(&self.root).unwrap_or(p)
    }
}

/// Everything a run needs from the inputs, validated together.
#[derive(Debug, Clone)]
pub struct Suite {
    pub cases: Vec<Case>,
    pub spec: SpecIndex,
    pub features: Features,
    /// Why each runtime fails the cases it fails (`spec/divergences.md`), quoted by reports.
    pub register: Register,
}

impl Suite {
    /// Load the registry, the spec and every case below `cases_dir`; all problems at once.
    pub fn load(
        cases_dir: &Path,
        features_path: &Path,
        spec_dir: &Path,
    ) -> Result<Suite, Diagnostics> {
        let mut diags = Diagnostics::default();
        let features = Features::load(features_path).unwrap_or_else(|d| {
            diags.extend(d);
            Features::default()
        });
        let spec = SpecIndex::load(spec_dir).unwrap_or_else(|d| {
            diags.extend(d);
            SpecIndex::default()
        });
        if !diags.is_empty() {
            return Err(diags.sorted());
        }
        let cases = case::load_cases(cases_dir, &features, &spec)?;
        // A damaged expected trace is bad input like a damaged case: found before anything
        // runs, with its location, rather than as one ERROR among the results.
        for c in &cases {
            if let Err(d) = crate::input::snapshot::read(&c.snapshot_path()) {
                diags.push(d);
            }
        }
        if !diags.is_empty() {
            return Err(diags.sorted());
        }
        // The register sits beside the spec; a suite loaded from elsewhere (a test's own
        // corpus) may have none, and then reports give no causes.
        let register = spec_dir
            .parent()
            .map(|root| Register::load(&root.join(crate::input::register::PATH)))
            .transpose()
            .map_err(|d| {
                let mut all = Diagnostics::default();
                all.push(d);
                all
            })?
            .unwrap_or_default();
        Ok(Suite {
            cases,
            spec,
            features,
            register,
        })
    }

    /// Load the checkout's suite; problems are reported with paths relative to the checkout.
    pub fn load_project(p: &Project) -> Result<Suite, Diagnostics> {
        Self::load(&p.cases_dir(), &p.features_path(), &p.spec_dir())
            .map_err(|d| d.relative_to(&p.root))
    }
}

/// A file name stem for a runtime name, used for its baseline and its install directory. Plain names (`reference`, `node@26`, `bun`) are
/// used as they are; anything else (an adapter file path such as `./my.toml`) is reduced to
/// safe characters and suffixed with a hash of the full name, so two runtimes can never share a
/// file and no name can reach outside its directory.
pub fn file_stem(runtime: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
    if !runtime.is_empty() && !runtime.starts_with('.') && runtime.chars().all(safe) {
        return runtime.to_string();
    }
    let mut s = String::new();
    for c in runtime.chars() {
        if safe(c) {
            s.push(c);
        } else if !s.ends_with('_') {
            s.push('_');
        }
    }
    let s: String = s
        .trim_matches(|c| c == '.' || c == '_')
        .chars()
        .take(60)
        .collect();
    let stem = if s.is_empty() { "runtime" } else { s.as_str() };
    use sha2::Digest as _;
    let hash = sha2::Sha256::digest(runtime.as_bytes());
    let hex: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("{stem}-{hex}")
}
