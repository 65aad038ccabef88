//! Tests of the runner: judging, repeats, blessing and known failures, on fake adapters.

use super::*;
use crate::judge::execution::{End, Execution};
use crate::judge::record::RuntimeFacts;
use crate::judge::trace::Channel;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A runtime whose runs give the listed traces in turn.
struct Cycling {
    facts: RuntimeFacts,
    traces: Vec<Vec<&'static str>>,
    next: AtomicUsize,
}

impl Adapter for Cycling {
    fn facts(&self) -> &RuntimeFacts {
        &self.facts
    }
    fn supports(&self, _: &Case) -> Result<(), String> {
        Ok(())
    }
    fn execute(&self, _: &Case, _: Duration) -> Execution {
        let i = self.next.fetch_add(1, Ordering::SeqCst) % self.traces.len();
        Execution {
            channel: Channel {
                events: self.traces[i].iter().map(|l| l.to_string()).collect(),
                started: true,
                ended: Some(0),
                ..Channel::default()
            },
            end: End::Exited(0),
            channel_cut: false,
            stdout_head: String::new(),
            stderr_head: String::new(),
            duration: Duration::ZERO,
        }
    }
}

fn case(yaml_order: &str) -> Case {
    let mut spec = crate::input::spec::SpecIndex::default();
    assert!(spec
        .add_file(std::path::Path::new("s.md"), "# A\n### X-Y-001 — r\n")
        .is_empty());
    let text = format!("title: t\nspec: [X-Y-001]\nfeatures: []\n{yaml_order}script: x\n");
    crate::input::case::parse_case(
        std::path::Path::new("/nonexistent/c.yaml"),
        "c",
        &text,
        &crate::input::features::Features::default(),
        &spec,
    )
    .unwrap()
}

fn cycling(traces: Vec<Vec<&'static str>>) -> Cycling {
    Cycling {
        facts: RuntimeFacts {
            name: "fake".into(),
            version: "1".into(),
            adapter: "fake".into(),
            source: "test".into(),
            platform: "test".into(),
            flags: String::new(),
            confinement: "test".into(),
        },
        traces,
        next: AtomicUsize::new(0),
    }
}

#[test]
fn repeats_that_differ_only_in_free_order_are_not_flaky() {
    let rt = cycling(vec![
        vec!["a: 1", "b: 2", "end:"],
        vec!["b: 2", "a: 1", "end:"],
    ]);
    let free = case("order: { free: [['a:*', 'b:*']] }\n");
    let o = run_repeated(&rt, &free, Duration::from_secs(1), 4);
    assert!(!o.detail.starts_with("flaky"), "{}", o.detail);
    // Without the free group the same runs are flaky.
    let strict = case("");
    let o = run_repeated(&rt, &strict, Duration::from_secs(1), 4);
    assert_eq!(o.status, Status::Fail);
    assert!(o.detail.starts_with("flaky: run 2 of 4"), "{}", o.detail);
}
