//! Case files: one YAML file per behaviour, loaded and validated once for all runtimes.
//!
//! The loader walks the YAML tree by hand (saphyr's marked nodes) rather than through serde so
//! that it can report *every* problem of a file, each at its own line and column; serde stops
//! at the first. See `docs/decisions/001-yaml-parser.md`.
//!
//! A case ID is its path below `cases/` without the `.yaml` extension (`als/run/basic`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use crate::input::diag::{Diagnostic, Diagnostics};
use crate::input::features::Features;
use crate::input::order::{Alternative, Glob, Ordering};
use crate::input::spec::SpecIndex;

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
                    "unknown key `{name}`; allowed keys are: {}",
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
                        "unknown requirement ID `{rid}`; requirement IDs are the `### ID` headings in spec/*.md"
                    ),
                );
            }
        }
    }

    let feature_list = match fields.get("features") {
        Some(n) => v.string_list(n, "`features`"),
        None => Vec::new(),
    };
    if let Some(n) = fields.get("features") {
        for (node, f) in list_nodes(n).iter().zip(&feature_list) {
            if !features.contains(f) {
                v.err(
                    node,
                    format!(
                        "unknown feature `{f}`; register it in {} first",
                        features.path().display()
                    ),
                );
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

fn scalar_str(n: &MarkedYaml) -> Option<String> {
    match &n.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}

fn list_nodes<'a, 'b>(n: &'a MarkedYaml<'b>) -> Vec<&'a MarkedYaml<'b>> {
    match &n.data {
        YamlData::Sequence(items) => items.iter().collect(),
        _ => Vec::new(),
    }
}

fn type_name(n: &MarkedYaml) -> &'static str {
    match &n.data {
        YamlData::Value(Scalar::Null) => "null",
        YamlData::Value(Scalar::Boolean(_)) => "a boolean",
        YamlData::Value(Scalar::Integer(_)) => "an integer",
        YamlData::Value(Scalar::FloatingPoint(_)) => "a number",
        YamlData::Value(Scalar::String(_)) | YamlData::Representation(..) => "a string",
        YamlData::Sequence(_) => "a list",
        YamlData::Mapping(_) => "a mapping",
        YamlData::Tagged(..) => "a tagged value",
        YamlData::Alias(_) => "an alias",
        YamlData::BadValue => "an invalid value",
    }
}

/// Typed access to marked YAML nodes that records a located diagnostic for each mismatch.
struct Validator<'p> {
    path: &'p Path,
    diags: Diagnostics,
}

type Map<'a, 'b> = &'a saphyr::AnnotatedMapping<'b, MarkedYaml<'b>>;

impl Validator<'_> {
    fn err(&mut self, n: &MarkedYaml, msg: impl Into<String>) {
        let m = n.span.start;
        self.diags.push(Diagnostic::new(
            self.path,
            m.line().max(1),
            m.col() + 1,
            msg,
        ));
    }

    fn mapping<'a, 'b>(&mut self, n: &'a MarkedYaml<'b>, what: &str) -> Option<Map<'a, 'b>> {
        match &n.data {
            YamlData::Mapping(m) => Some(m),
            _ => {
                self.err(
                    n,
                    format!("{what} must be a mapping, found {}", type_name(n)),
                );
                None
            }
        }
    }

    fn string(&mut self, n: &MarkedYaml, what: &str) -> Option<String> {
        match scalar_str(n) {
            Some(s) => Some(s),
            None => {
                self.err(
                    n,
                    format!("{what} must be a string, found {}", type_name(n)),
                );
                None
            }
        }
    }

    fn string_list(&mut self, n: &MarkedYaml, what: &str) -> Vec<String> {
        match &n.data {
            YamlData::Sequence(items) => {
                let mut out = Vec::new();
                let mut seen = BTreeSet::new();
                for item in items {
                    if let Some(s) = self.string(item, &format!("each entry of {what}")) {
                        if !seen.insert(s.clone()) {
                            self.err(item, format!("`{s}` is listed twice in {what}"));
                        }
                        out.push(s);
                    }
                }
                out
            }
            _ => {
                self.err(n, format!("{what} must be a list, found {}", type_name(n)));
                Vec::new()
            }
        }
    }

    fn keys<'a, 'b>(
        &mut self,
        map: Map<'a, 'b>,
        allowed: &[&str],
        what: &str,
    ) -> BTreeMap<String, &'a MarkedYaml<'b>> {
        let mut out = BTreeMap::new();
        for (k, val) in map {
            match scalar_str(k) {
                Some(name) if allowed.contains(&name.as_str()) => {
                    out.insert(name, val);
                }
                Some(name) => self.err(
                    k,
                    format!(
                        "unknown key `{name}` in {what}; allowed keys are: {}",
                        allowed.join(", ")
                    ),
                ),
                None => self.err(k, "keys must be plain strings"),
            }
        }
        out
    }

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
mod tests {
    use super::*;

    fn registry() -> (Features, SpecIndex) {
        let f = Features::parse(Path::new("features.txt"), "setTimeout\nAsyncLocalStorage\n")
            .expect("valid registry");
        let mut s = SpecIndex::default();
        assert!(s
            .add_file(Path::new("spec/x.md"), "# X\n### ALS-RUN-001 — r\n")
            .is_empty());
        (f, s)
    }

    fn parse(text: &str) -> Result<Case, Vec<String>> {
        let (f, s) = registry();
        parse_case(Path::new("c.yaml"), "c", text, &f, &s)
            .map_err(|d| d.0.iter().map(ToString::to_string).collect())
    }

    const GOOD: &str =
        "title: t\nspec: [ALS-RUN-001]\nfeatures: [setTimeout]\nscript: |\n  trace('a');\n";

    #[test]
    fn a_valid_case_loads_with_defaults() {
        let c = parse(GOOD).expect("valid");
        assert_eq!(c.title, "t");
        assert_eq!(c.module, ModuleKind::Esm);
        assert_eq!(c.script, "trace('a');\n");
        assert_eq!(c.script_line, 5);
        assert!(c.hooks.is_none());
    }

    #[test]
    fn invalid_yaml_is_located() {
        let e = parse("title: t\nspec: [ALS-RUN-001\nscript: x\n").unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("c.yaml:"), "{e:?}");
        assert!(e[0].contains("invalid YAML"), "{e:?}");
    }

    #[test]
    fn every_problem_is_reported_with_its_position() {
        let text =
            "title: 3\nspec: [NOPE-1]\nfeatures: [teleport]\nmodule: amd\nscrpt: x\nscript: ''\n";
        let e = parse(text).unwrap_err();
        let want = [
            "c.yaml:1:8: `title` must be a string, found an integer",
            "c.yaml:2:8: unknown requirement ID `NOPE-1`",
            "c.yaml:3:12: unknown feature `teleport`",
            "c.yaml:4:9: `module` must be `esm` or `cjs`, not `amd`",
            "c.yaml:5:1: unknown key `scrpt`",
            "c.yaml:6:9: `script` is empty",
        ];
        assert_eq!(e.len(), want.len(), "{e:#?}");
        for (got, want) in e.iter().zip(want) {
            assert!(got.starts_with(want), "got {got:?}, want prefix {want:?}");
        }
    }

    #[test]
    fn missing_required_keys_are_named() {
        let e = parse("features: []\n").unwrap_err();
        let all = e.join("\n");
        for key in ["title", "spec", "script"] {
            assert!(
                all.contains(&format!("missing required key `{key}`")),
                "{all}"
            );
        }
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse("title: a\ntitle: b\nspec: [ALS-RUN-001]\nscript: x\n").unwrap_err();
        assert!(e[0].contains("duplicated key"), "{e:?}");
        assert!(e[0].starts_with("c.yaml:2:"), "{e:?}");
    }

    #[test]
    fn hooks_order_and_alternatives_are_validated() {
        let text = "title: t\nspec: [ALS-RUN-001]\nhooks: {types: [Timeout], other_types: all}\norder: {free: [[]], fixed: 1}\nalternatives:\n  - name: a\n    trace: x\nscript: x\n";
        let e = parse(text).unwrap_err().join("\n");
        assert!(
            e.contains("c.yaml:3:40: `hooks.other_types` must be `ignore` or `show`"),
            "{e}"
        );
        assert!(e.contains("unknown key `fixed` in `order`"), "{e}");
        assert!(
            e.contains("a free-order group needs at least one pattern"),
            "{e}"
        );
        assert!(e.contains("an alternative needs `because`"), "{e}");
    }

    #[test]
    fn a_full_case_parses() {
        let text = "title: t\nspec: [ALS-RUN-001]\nmodule: cjs\ntimeout_ms: 500\nhooks:\n  types: [Timeout]\norder:\n  free:\n    - ['a:*', 'b:*']\nalternatives:\n  - name: alt\n    because: docs differ\n    trace: |\n      a: 1\n      exit 0\nscript: x\n";
        let c = parse(text).expect("valid");
        assert_eq!(c.module, ModuleKind::Cjs);
        assert_eq!(c.timeout, Some(Duration::from_millis(500)));
        assert_eq!(c.hooks.unwrap().types, vec!["Timeout"]);
        assert_eq!(c.ordering.free.len(), 1);
        assert_eq!(c.alternatives[0].trace, vec!["a: 1", "exit 0"]);
    }

    #[test]
    fn run_alone_needs_a_reason() {
        let c = parse(
            "title: t\nspec: [ALS-RUN-001]\nrun_alone: its loop differs in a worker\nscript: x\n",
        )
        .expect("valid");
        assert_eq!(c.run_alone.as_deref(), Some("its loop differs in a worker"));
        let e = parse("title: t\nspec: [ALS-RUN-001]\nrun_alone: ''\nscript: x\n")
            .unwrap_err()
            .join("\n");
        assert!(e.contains("`run_alone` says why"), "{e}");
    }

    #[test]
    fn load_cases_reports_all_files_and_derives_ids() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        std::fs::write(dir.path().join("a/b/ok.yaml"), GOOD).unwrap();
        std::fs::write(dir.path().join("a/bad1.yaml"), "title: [\n").unwrap();
        std::fs::write(dir.path().join("bad2.yaml"), "nope: 1\n").unwrap();
        let (f, s) = registry();
        let d = load_cases(dir.path(), &f, &s).unwrap_err();
        let text = d.to_string();
        assert!(text.contains("bad1.yaml:"), "{text}");
        assert!(text.contains("bad2.yaml:1:1: unknown key `nope`"), "{text}");
        std::fs::remove_file(dir.path().join("a/bad1.yaml")).unwrap();
        std::fs::remove_file(dir.path().join("bad2.yaml")).unwrap();
        let cases = load_cases(dir.path(), &f, &s).unwrap();
        assert_eq!(cases[0].id, "a/b/ok");
    }
}
