//! Case files: one YAML file per behaviour, loaded and validated once for all runtimes.
//!
//! The loader walks the YAML tree by hand (saphyr's marked nodes) rather than through serde so
//! that it can report *every* problem of a file, each at its own line and column; serde stops
//! at the first. See `docs/decisions/001-yaml-parser.md`.
//!
//! A case ID is its path below `cases/` without the `.yaml` extension (`als/run/basic`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::input::diag::{Diagnostic, Diagnostics};
use crate::input::features::Features;
use crate::input::order::{Alternative, Glob, Ordering};
use crate::input::spec::SpecIndex;
use crate::input::suggest::{closest, did_you_mean};
use crate::input::yaml::{list_nodes, scalar_str, type_name, Validator};

/// How the rendered case is loaded by the runtime. ES modules are the default; CommonJS is for
/// behaviour that differs in a CommonJS main module (nextTick/microtask order at top level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ModuleKind {
    Esm,
    Cjs,
}

/// What the prelude's hook recorder prints.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HookSpec {
    /// Resource types whose events are printed (`Timeout`, `PROMISE`, a user type, ...).
    pub types: Vec<String>,
    /// When true, events of every other type are printed too (strict cases only: runtimes
    /// create internal resources of their own, which makes such traces runtime-specific).
    pub show_other_types: bool,
}

#[derive(Debug, Clone)]
pub struct Case {
    /// Path below `cases/` without extension, with `/` separators on every platform.
    pub id: String,
    /// Path of the YAML file as given to the loader (used in messages).
    pub path: PathBuf,
    pub title: String,
    /// Requirement IDs from `spec/` this case checks.
    pub spec: Vec<String>,
    pub features: Vec<String>,
    pub module: ModuleKind,
    pub hooks: Option<HookSpec>,
    pub ordering: Ordering,
    pub alternatives: Vec<Alternative>,
    pub timeout: Option<Duration>,
    /// Why the case cannot share a process with other cases in pooled mode (`run_alone:`):
    /// what it observes differs in a worker thread. Pooled runs start it as a process.
    pub run_alone: Option<String>,
    /// The JS body, exactly as written in the file.
    pub script: String,
    /// 1-based line of the file on which the script's first line sits, so that a runtime's
    /// error position inside the script can be mapped back to the case file.
    pub script_line: usize,
}

impl Case {
    /// Where the blessed expected trace of this case lives: beside the case file.
    pub fn snapshot_path(&self) -> PathBuf {
        self.path.with_extension("snap")
    }

    /// Where a pending (unreviewed) snapshot goes, as `cargo insta review` expects.
    pub fn pending_snapshot_path(&self) -> PathBuf {
        self.path.with_extension("snap.new")
    }
}

const KEYS: &[&str] = &[
    "title",
    "spec",
    "features",
    "module",
    "hooks",
    "order",
    "alternatives",
    "timeout_ms",
    "run_alone",
    "script",
];

/// Load every `*.yaml` case below `root`. All problems in all files are returned together.
pub fn load_cases(
    root: &Path,
    features: &Features,
    spec: &SpecIndex,
) -> Result<Vec<Case>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        match entry {
            // The harness writes beside cases (pending snapshots): a link would send those
            // writes, and the reads of an expected trace, anywhere the link points.
            Ok(e) if e.path_is_symlink() => diags.push(Diagnostic::file(
                e.path(),
                "is a symbolic link; cases, their snapshots and their directories must be plain files and directories of the checkout: replace the link with the file it points to",
            )),
            Ok(e) if e.file_type().is_file() => {
                let p = e.path();
                match p.extension().and_then(|x| x.to_str()) {
                    Some("yaml") => files.push(p.to_path_buf()),
                    Some("yml") => diags.push(Diagnostic::file(
                        p,
                        "case files must use the .yaml extension; rename this file",
                    )),
                    _ => {}
                }
            }
            Ok(_) => {}
            Err(e) => diags.push(Diagnostic::file(
                e.path().unwrap_or(root),
                format!("cannot read the cases directory: {e}"),
            )),
        }
    }
    if files.is_empty() && diags.is_empty() {
        diags.push(Diagnostic::file(
            root,
            "no case files (*.yaml) found; check the path",
        ));
    }
    let mut cases = Vec::new();
    for file in &files {
        let id = case_id(root, file);
        match std::fs::read_to_string(file) {
            Ok(text) => match parse_case(file, &id, &text, features, spec) {
                Ok(case) => cases.push(case),
                Err(d) => diags.extend(d),
            },
            Err(e) => diags.push(Diagnostic::file(file, format!("cannot read: {e}"))),
        }
    }
    // The ID is derived from the path, so a duplicate can only come from names that differ
    // in ways the ID drops (case or separators); still checked, since two files would then
    // share one snapshot.
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for c in &cases {
        let key = c.id.to_lowercase();
        if let Some(first) = seen.get(&key) {
            diags.push(Diagnostic::file(
                &c.path,
                format!(
                    "duplicate case ID `{}` (also used by {}); rename one of the files",
                    c.id,
                    first.display()
                ),
            ));
        } else {
            seen.insert(key, c.path.clone());
        }
    }
    diags.into_result(cases)
}

/// `cases/als/run/basic.yaml` below `cases` → `als/run/basic`.
pub fn case_id(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Parse and validate one case file.
pub fn parse_case(
    path: &Path,
    id: &str,
    text: &str,
    features: &Features,
    spec: &SpecIndex,
) -> Result<Case, Diagnostics> {
    let mut diags = Diagnostics::default();
    let docs = match MarkedYaml::load_from_str(text) {
        Ok(d) => d,
        Err(e) => {
            // The commonest cause by far: a script line indented less than the block scalar
            // it belongs to. The parser notices only where the mapping stops making sense,
            // often at the end of the file; the line itself is what the author must fix.
            if let Some(m) = crate::input::yaml::misindented_block_line(text) {
                diags.push(Diagnostic::new(
                    path,
                    m.line,
                    m.col,
                    format!(
                        "this line is indented less than the `{}: |` block that starts at line {} (its lines are indented {} spaces); indent it like the rest of the block",
                        m.key, m.block_line, m.indent
                    ),
                ));
                return Err(diags);
            }
            let m = e.marker();
            diags.push(Diagnostic::new(
                path,
                m.line(),
                m.col() + 1,
                format!("invalid YAML: {}", e.info()),
            ));
            return Err(diags);
        }
    };
    let Some(doc) = docs.first() else {
        diags.push(Diagnostic::file(
            path,
            "empty case file; a case needs at least `title`, `spec` and `script`",
        ));
        return Err(diags);
    };
    if docs.len() > 1 {
        let at = &docs[1].span.start;
        diags.push(Diagnostic::new(
            path,
            at.line(),
            at.col() + 1,
            "a case file holds one YAML document; remove the second `---` document",
        ));
    }
    let mut v = Validator { path, diags };
    let Some(map) = v.mapping(doc, "the case") else {
        return Err(v.diags);
    };

    let mut fields: BTreeMap<&str, &MarkedYaml> = BTreeMap::new();
    for (k, val) in map {
        match scalar_str(k) {
            Some(name) if KEYS.contains(&name.as_str()) => {
                let name = KEYS.iter().find(|n| **n == name).copied().unwrap_or("");
                fields.insert(name, val);
            }
            Some(name) => v.err(
                k,
                format!(
                    "unknown key `{name}`{}; allowed keys are: {}",
                    did_you_mean(&name, KEYS.iter().copied()),
                    KEYS.join(", ")
                ),
            ),
            None => v.err(k, "keys must be plain strings"),
        }
    }

    let title = match fields.get("title") {
        Some(n) => match v.string(n, "`title`") {
            Some(t) if t.trim().is_empty() => {
                v.err(n, "`title` must not be empty");
                t
            }
            Some(t) => t,
            None => String::new(),
        },
        None => {
            v.err(
                doc,
                "missing required key `title` (one line saying what the case checks)",
            );
            String::new()
        }
    };

    let spec_ids = match fields.get("spec") {
        Some(n) => v.string_list(n, "`spec`"),
        None => {
            v.err(
                doc,
                "missing required key `spec` (the requirement IDs this case checks)",
            );
            Vec::new()
        }
    };
    if let Some(n) = fields.get("spec") {
        if spec_ids.is_empty() && n.data.is_sequence() {
            v.err(n, "`spec` must name at least one requirement ID");
        }
        for (id_node, rid) in list_nodes(n).iter().zip(&spec_ids) {
            if !spec.contains(rid) {
                v.err(
                    id_node,
                    format!(
                        "unknown requirement ID `{rid}`{}; requirement IDs are the `### ID` headings in spec/*.md",
                        did_you_mean(rid, spec.requirements().map(|r| r.id.as_str()))
                    ),
                );
            }
        }
    }

    // Required, even when empty (`features: []`): a case that forgets to name what it uses
    // would run, and fail, on runtimes that lack it instead of being reported UNSUPPORTED.
    let feature_list = match fields.get("features") {
        Some(n) => v.string_list(n, "`features`"),
        None => {
            v.err(
                doc,
                format!(
                    "missing required key `features` (the runtime features the script uses, from {}; `features: []` when it uses none)",
                    features.path().display()
                ),
            );
            Vec::new()
        }
    };
    if let Some(n) = fields.get("features") {
        for (node, f) in list_nodes(n).iter().zip(&feature_list) {
            if !features.contains(f) {
                let hint = match closest(f, features.names()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!(
                        "the registered features are listed in {}; a new one is added there",
                        features.path().display()
                    ),
                };
                v.err(node, format!("unknown feature `{f}`; {hint}"));
            }
        }
    }

    let module = match fields.get("module") {
        None => ModuleKind::Esm,
        Some(n) => match v.string(n, "`module`").as_deref() {
            Some("esm") => ModuleKind::Esm,
            Some("cjs") => ModuleKind::Cjs,
            Some(other) => {
                v.err(n, format!("`module` must be `esm` or `cjs`, not `{other}`"));
                ModuleKind::Esm
            }
            None => ModuleKind::Esm,
        },
    };

    let hooks = fields.get("hooks").and_then(|n| v.hooks(n));
    let ordering = match fields.get("order") {
        Some(n) => v.ordering(n),
        None => Ordering::default(),
    };
    let alternatives = match fields.get("alternatives") {
        Some(n) => v.alternatives(n),
        None => Vec::new(),
    };

    let timeout = match fields.get("timeout_ms") {
        None => None,
        Some(n) => match &n.data {
            YamlData::Value(Scalar::Integer(ms)) if *ms > 0 && *ms <= 600_000 => {
                Some(Duration::from_millis(*ms as u64))
            }
            _ => {
                v.err(
                    n,
                    "`timeout_ms` must be a whole number of milliseconds between 1 and 600000",
                );
                None
            }
        },
    };

    let run_alone = match fields.get("run_alone") {
        None => None,
        Some(n) => match v.string(n, "`run_alone`") {
            Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => {
                v.err(
                    n,
                    "`run_alone` says why the case cannot run in a worker thread of a pooled process; write the reason",
                );
                None
            }
        },
    };

    let (script, script_line) = match fields.get("script") {
        Some(n) => {
            let s = v.string(n, "`script`").unwrap_or_default();
            if s.trim().is_empty() && scalar_str(n).is_some() {
                v.err(n, "`script` is empty; write the JS body of the case");
            }
            // A block scalar (`script: |`) starts on the line after its indicator.
            let first = n.span.start.line();
            let line = if text
                .lines()
                .nth(first.saturating_sub(1))
                .map(|l| l.trim_end().ends_with('|') || l.trim_end().ends_with("|-"))
                .unwrap_or(false)
            {
                first + 1
            } else {
                first
            };
            (s, line)
        }
        None => {
            v.err(
                doc,
                "missing required key `script` (the JS body of the case)",
            );
            (String::new(), 0)
        }
    };

    let diags = v.diags;
    diags.into_result(Case {
        id: id.to_string(),
        path: path.to_path_buf(),
        title,
        spec: spec_ids,
        features: feature_list,
        module,
        hooks,
        ordering,
        alternatives,
        timeout,
        run_alone,
        script,
        script_line,
    })
}

/// Case-specific fields, read with the generic typed access of [`crate::input::yaml`].
impl Validator<'_> {
    fn hooks(&mut self, n: &MarkedYaml) -> Option<HookSpec> {
        let map = self.mapping(n, "`hooks`")?;
        let fields = self.keys(map, &["types", "other_types"], "`hooks`");
        let types = match fields.get("types") {
            Some(t) => self.string_list(t, "`hooks.types`"),
            None => {
                self.err(
                    n,
                    "`hooks` needs `types`: the resource types whose events the trace shows",
                );
                Vec::new()
            }
        };
        let show_other_types = match fields.get("other_types") {
            None => false,
            Some(o) => match self.string(o, "`hooks.other_types`").as_deref() {
                Some("ignore") => false,
                Some("show") => true,
                Some(x) => {
                    self.err(
                        o,
                        format!("`hooks.other_types` must be `ignore` or `show`, not `{x}`"),
                    );
                    false
                }
                None => false,
            },
        };
        Some(HookSpec {
            types,
            show_other_types,
        })
    }

    fn ordering(&mut self, n: &MarkedYaml) -> Ordering {
        let Some(map) = self.mapping(n, "`order`") else {
            return Ordering::default();
        };
        let fields = self.keys(map, &["free"], "`order`");
        let mut groups = Vec::new();
        if let Some(free) = fields.get("free") {
            match &free.data {
                YamlData::Sequence(items) => {
                    for g in items {
                        let pats = self.string_list(g, "each group of `order.free`");
                        if pats.is_empty() && g.data.is_sequence() {
                            self.err(g, "a free-order group needs at least one pattern");
                        }
                        groups.push(pats.iter().map(|p| Glob::new(p)).collect());
                    }
                }
                _ => self.err(
                    free,
                    format!(
                        "`order.free` must be a list of groups (each a list of line patterns), found {}",
                        type_name(free)
                    ),
                ),
            }
        }
        Ordering { free: groups }
    }

    fn alternatives(&mut self, n: &MarkedYaml) -> Vec<Alternative> {
        let YamlData::Sequence(items) = &n.data else {
            self.err(
                n,
                format!("`alternatives` must be a list, found {}", type_name(n)),
            );
            return Vec::new();
        };
        let mut out: Vec<Alternative> = Vec::new();
        for item in items {
            let Some(map) = self.mapping(item, "each alternative") else {
                continue;
            };
            let f = self.keys(map, &["name", "because", "trace"], "an alternative");
            let name = f.get("name").and_then(|x| self.string(x, "`name`"));
            let because = f.get("because").and_then(|x| self.string(x, "`because`"));
            let trace = f.get("trace").and_then(|x| self.string(x, "`trace`"));
            for (key, val) in [("name", &name), ("because", &because), ("trace", &trace)] {
                if val.is_none() && !f.contains_key(key) {
                    self.err(item, format!("an alternative needs `{key}`"));
                }
            }
            if let (Some(name), Some(because), Some(trace)) = (name, because, trace) {
                if out.iter().any(|a| a.name == name) {
                    self.err(item, format!("two alternatives are named `{name}`"));
                }
                let lines: Vec<String> = trace.lines().map(str::to_string).collect();
                if lines.is_empty() {
                    self.err(item, "an alternative's `trace` must not be empty");
                }
                out.push(Alternative {
                    name,
                    because,
                    trace: lines,
                });
            }
        }
        out
    }
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;
