//! Tests of the explorer's signatures, case text and file names.
use super::*;
use crate::input::program::{Macrotask, Node};

fn program() -> Program {
    Program {
        macrotask: Macrotask::Timer,
        hooks: Vec::new(),
        body: vec![Node::Run {
            als: 0,
            value: 1,
            body: vec![
                Node::Later(vec![Node::Later(vec![Node::Trace(1)])]),
                Node::Trace(2),
            ],
        }],
    }
}

#[test]
fn signatures_name_how_and_where_not_labels_or_values() {
    let p = program();
    let truth: Vec<String> = vec![
        "t2: \"v1\", undefined".into(),
        "t1: \"v1\", undefined".into(),
        "exit 0".into(),
    ];
    let lost: Vec<String> = vec![
        "t2: \"v1\", undefined".into(),
        "t1: undefined, undefined".into(),
        "exit 0".into(),
    ];
    assert_eq!(signature(&p, &truth, &truth), None);
    assert_eq!(signature(&p, &truth, &lost).unwrap(), "store lost in later");
    let leaked: Vec<String> = vec!["t2: \"v1\", \"v9\"".into()];
    assert_eq!(
        signature(&p, &truth, &leaked).unwrap(),
        "store leaked in run"
    );
    let swapped: Vec<String> = vec![
        "t1: \"v1\", undefined".into(),
        "t2: \"v1\", undefined".into(),
    ];
    assert_eq!(
        signature(&p, &truth, &swapped).unwrap(),
        "order: later came where run should"
    );
    let skipped: Vec<String> = vec!["t1: \"v1\", undefined".into(), "exit 0".into()];
    assert_eq!(
        signature(&p, &truth, &skipped).unwrap(),
        "missing line in run"
    );
    let ended: Vec<String> = vec![
        "t2: \"v1\", undefined".into(),
        "uncaught exception TypeError{...}".into(),
    ];
    assert_eq!(
        signature(&p, &truth, &ended).unwrap(),
        "ends early: uncaught exception TypeError{...}"
    );
    let exited: Vec<String> = vec!["t2: \"v1\", undefined".into(), "exit 1".into()];
    assert_eq!(
        signature(&p, &truth, &exited).unwrap(),
        "ends early: exit 1"
    );
}

#[test]
fn a_case_text_loads_with_its_features_and_script() {
    let text = case_text(&program(), "a \"quoted\" title", &["ALS-RUN-001".into()]);
    assert!(text.starts_with("title: \"a \\\"quoted\\\" title\"\nspec: [ALS-RUN-001]\nfeatures: [AsyncLocalStorage, setTimeout]\nmodule: cjs\nscript: |\n  const {"), "{text}");
}

#[test]
fn slugs_are_file_names_and_distinct() {
    let a = slug("store lost in run > later");
    assert!(a.starts_with("store-lost-in-run-later-"), "{a}");
    assert_ne!(a, slug("store lost in run later"));
}

#[test]
fn the_progress_bar_fills_by_programs_or_by_time() {
    let half = bar(50, 100, None, Duration::from_secs(2), 1);
    assert_eq!(
        half,
        format!(
            "explore [{}{}] 50/100 programs, 25/s, 1 group",
            "#".repeat(15),
            " ".repeat(15)
        )
    );
    let by_time = bar(
        10,
        usize::MAX,
        Some(Duration::from_secs(60)),
        Duration::from_secs(60),
        2,
    );
    assert!(
        by_time.starts_with(&format!("explore [{}]", "#".repeat(30))),
        "{by_time}"
    );
    assert!(
        by_time.ends_with("] 10 programs, 0/s, 2 groups"),
        "{by_time}"
    );
}
