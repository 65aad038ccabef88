//! Property-based fuzzing of the parts that read untrusted text: the trace channel (written by
//! the runtime under test), case files and snapshots (written by people), and the matcher's
//! relaxations. CI runs these with the default number of cases per property; set
//! `PROPTEST_CASES` for a longer session.
//!
//! Properties: nothing panics on any input; forged or garbled channel lines never become
//! events; an ordering relaxation accepts the permutations it promises and never a trace with
//! an event missing, added or replaced.

use std::path::Path;

use harness::judge::expect::{self, Verdict};

use harness::input::features::Features;
use harness::input::order::{Glob, Ordering};
use harness::input::spec::SpecIndex;
use harness::judge::trace::{mac, parse_channel, MARKER};
use proptest::prelude::*;

const KEY: &str = "0123456789abcdef";

fn record(seq: usize, body: &str) -> String {
    format!(
        "{MARKER}{seq} {} {body}\n",
        mac(KEY, &format!("{seq} {body}"))
    )
}

/// Printable ASCII text without newlines, as the prelude writes it (non-ASCII is escaped).
fn text() -> impl Strategy<Value = String> {
    "[ -\\[\\]-~]{0,40}"
}

fn suite_inputs() -> (Features, SpecIndex) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let features = Features::load(&root.join("cases/features.txt")).expect("features load");
    let spec = SpecIndex::load(&root.join("spec")).expect("spec loads");
    (features, spec)
}

proptest! {
    #[test]
    fn the_channel_parser_survives_any_bytes(raw in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse_channel(KEY, &raw);
    }

    #[test]
    fn genuine_records_survive_junk_and_forgeries_never_count(
        events in proptest::collection::vec(text(), 0..20),
        junk in proptest::collection::vec((any::<bool>(), text()), 0..20),
        forged_seq in 0usize..30,
    ) {
        let mut lines = vec![record(0, "hello 1")];
        for (i, e) in events.iter().enumerate() {
            lines.push(record(i + 1, &format!("log {e}")));
        }
        // Interleave junk: plain lines, and lines that look like records but carry a wrong MAC.
        for (k, (looks_real, j)) in junk.iter().enumerate() {
            let at = 1 + (k * 7) % lines.len();
            let line = if *looks_real {
                format!("{MARKER}{forged_seq} 0000000000000000 log {j}\n")
            } else {
                format!("{j}\n")
            };
            lines.insert(at.min(lines.len()), line);
        }
        let raw: String = lines.concat();
        let ch = parse_channel(KEY, raw.as_bytes());
        prop_assert!(ch.started);
        prop_assert!(ch.broken.is_none(), "{:?}", ch.broken);
        prop_assert_eq!(&ch.events, &events);
    }

    #[test]
    fn the_case_loader_survives_any_text(src in "(?s).{0,400}") {
        let (features, spec) = suite_inputs();
        let _ = harness::input::case::parse_case(Path::new("fuzz.yaml"), "fuzz", &src, &features, &spec);
    }

    #[test]
    fn the_case_loader_survives_mutated_cases(cut in 0usize..400, insert in "[\\[\\]{}:,'\"|\\- \n#a-z0-9]{0,8}") {
        let (features, spec) = suite_inputs();
        let base = "title: a case\nspec: [ALS-RUN-001]\nfeatures: [AsyncLocalStorage]\nmodule: esm\nhooks: { types: [Timeout] }\norder: { free: [[\"a:*\", \"b:*\"]] }\nalternatives:\n  - name: x\n    because: y\n    trace: |\n      a: 1\ntimeout_ms: 100\nscript: |\n  trace('a', 1);\n";
        let at = cut.min(base.len());
        let mutated = format!("{}{}{}", &base[..at], insert, &base[at..]);
        let _ = harness::input::case::parse_case(Path::new("fuzz.yaml"), "fuzz", &mutated, &features, &spec);
    }

    #[test]
    fn the_snapshot_parser_survives_any_text(src in "(?s).{0,400}") {
        let _ = harness::input::snapshot::parse(Path::new("fuzz.snap"), &src);
    }

    #[test]
    fn relaxations_accept_promised_permutations_and_nothing_more(
        fixed in proptest::collection::vec("[a-c]:[0-9]", 1..6),
        free_a in proptest::collection::vec("x:[0-9]", 0..4),
        free_b in proptest::collection::vec("y:[0-9]", 0..4),
        change in 0usize..3,
        pick in any::<prop::sample::Index>(),
        extra in "[a-cxy]:[0-9]",
    ) {
        // expected: fixed lines with a segment of free lines after the first one
        let mut expected = vec![fixed[0].clone()];
        expected.extend(free_a.iter().cloned());
        expected.extend(free_b.iter().cloned());
        expected.extend(fixed[1..].iter().cloned());
        let ordering = Ordering { free: vec![vec![Glob::new("x:*")], vec![Glob::new("y:*")]] };
        // A permutation inside the segment (groups interleaved, each group reversed) matches.
        let mut permuted = vec![fixed[0].clone()];
        let (mut ra, mut rb) = (free_a.clone(), free_b.clone());
        ra.reverse();
        rb.reverse();
        let (mut ia, mut ib) = (ra.into_iter(), rb.into_iter());
        let slots: Vec<bool> = expected[1..1 + free_a.len() + free_b.len()]
            .iter()
            .map(|l| l.starts_with('x'))
            .collect();
        for is_a in slots {
            permuted.push(if is_a { ia.next().unwrap() } else { ib.next().unwrap() });
        }
        permuted.extend(fixed[1..].iter().cloned());
        let is_match = |v: &Verdict| matches!(v, Verdict::Match { .. });
        prop_assert!(is_match(&expect::check(&expected, &[], &ordering, &permuted)));

        // Moving a fixed line past a different one is not a promised permutation.
        if expected.len() > 1 && expected[0] != expected[1] {
            let mut swapped = expected.clone();
            swapped.swap(0, 1);
            prop_assert!(!is_match(&expect::check(&expected, &[], &ordering, &swapped)),
                "accepted a moved fixed line: {:?} for {:?}", swapped, expected);
        }

        // One event missing, one added, or one replaced by a different line: never a match.
        let mut broken = expected.clone();
        let i = pick.index(broken.len());
        match change {
            0 => { broken.remove(i); }
            1 => broken.insert(i, extra.clone()),
            _ => {
                if broken[i] == extra { return Ok(()); }
                broken[i] = extra.clone();
            }
        }
        if change == 2 {
            // a replacement that only reorders equal multisets is not a change
            let mut a = broken.clone();
            let mut b = expected.clone();
            a.sort();
            b.sort();
            prop_assume!(a != b);
        }
        prop_assert!(!is_match(&expect::check(&expected, &[], &ordering, &broken)),
            "accepted {:?} for {:?}", broken, expected);
    }
}
