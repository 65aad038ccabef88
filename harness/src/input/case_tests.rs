//! Tests of case loading: every problem of a file reported at its own line and column.

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
fn typos_get_the_name_that_was_meant() {
    let text = "title: t\nspec: [ALS-RUN-01]\nfeatures: [setTimout]\nscrpt: x\nscript: x\n";
    let e = parse(text).unwrap_err().join("\n");
    assert!(
        e.contains("unknown requirement ID `ALS-RUN-01`; did you mean `ALS-RUN-001`?"),
        "{e}"
    );
    assert!(
        e.contains("c.yaml:3:12: unknown feature `setTimout`; did you mean `setTimeout`?"),
        "{e}"
    );
    assert!(
        !e.contains("register"),
        "a typo is not a new feature to register: {e}"
    );
    assert!(
        e.contains("c.yaml:4:1: unknown key `scrpt`; did you mean `script`?"),
        "{e}"
    );
}

#[test]
fn a_script_line_indented_too_little_is_reported_at_that_line() {
    for (text, at) in [
        ("title: t\nspec: [ALS-RUN-001]\nfeatures: []\nscript: |\n  trace('a');\ntrace('b');\n  trace('c');\n", "c.yaml:6:1:"),
        ("title: t\nspec: [ALS-RUN-001]\nfeatures: []\nscript: |\n    if (x) {\n      a();\n  }\n", "c.yaml:7:3:"),
    ] {
        let e = parse(text).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with(at), "want {at}: {e:?}");
        assert!(
            e[0].contains("indented less than the `script: |` block that starts at line 4"),
            "{e:?}"
        );
    }
}

#[test]
fn features_are_required_even_when_empty() {
    let e = parse("title: t\nspec: [ALS-RUN-001]\nscript: x\n")
        .unwrap_err()
        .join("\n");
    assert!(
        e.contains("c.yaml:1:1: missing required key `features`"),
        "{e}"
    );
    assert!(e.contains("`features: []` when it uses none"), "{e}");
    parse("title: t\nspec: [ALS-RUN-001]\nfeatures: []\nscript: x\n").expect("empty list is fine");
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
    let e =
        parse("title: a\ntitle: b\nspec: [ALS-RUN-001]\nfeatures: []\nscript: x\n").unwrap_err();
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
    let text = "title: t\nspec: [ALS-RUN-001]\nfeatures: []\nmodule: cjs\ntimeout_ms: 500\nhooks:\n  types: [Timeout]\norder:\n  free:\n    - ['a:*', 'b:*']\nalternatives:\n  - name: alt\n    because: docs differ\n    trace: |\n      a: 1\n      exit 0\nscript: x\n";
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
        "title: t\nspec: [ALS-RUN-001]\nfeatures: []\nrun_alone: its loop differs in a worker\nscript: x\n",
    )
    .expect("valid");
    assert_eq!(c.run_alone.as_deref(), Some("its loop differs in a worker"));
    let e = parse("title: t\nspec: [ALS-RUN-001]\nfeatures: []\nrun_alone: ''\nscript: x\n")
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
