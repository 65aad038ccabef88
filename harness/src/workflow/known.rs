//! The failures the baselines expect, handed to the runner under `--check`: each case is then
//! judged by what its runtime's baseline says of it, so a run that matches its baseline reads
//! as passing, a known failure takes one line, and only a difference is reported in full.

use crate::exec::runner::Known;
use crate::report::baseline::Baseline;

/// The runner's view of the loaded baselines. A runtime without a baseline is left out, and
/// its cases are judged by "every case passes" as without `--check`.
pub fn from_baselines(baselines: &[(String, Option<Baseline>)]) -> Known {
    baselines
        .iter()
        .filter_map(|(runtime, b)| {
            let b = b.as_ref()?;
            let entries = b
                .entries
                .keys()
                .chain(b.flaky.keys())
                .map(|id| (id.clone(), b.declared(id)))
                .collect();
            Some((runtime.clone(), entries))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::outcome::Status;
    use crate::report::baseline::Entry;

    #[test]
    fn each_checked_runtime_lists_its_entries_and_the_others_are_absent() {
        let mut b = Baseline {
            runtime: "bun".into(),
            version: "1".into(),
            total: 3,
            entries: Default::default(),
            flaky: Default::default(),
        };
        b.entries.insert(
            "a/x".into(),
            Entry {
                status: Status::Fail,
                summary: "event #1: expected `a`, observed `b`".into(),
            },
        );
        let known = from_baselines(&[("bun".into(), Some(b.clone())), ("deno".into(), None)]);
        assert_eq!(
            known["bun"]["a/x"].usual,
            Some((
                Status::Fail,
                "event #1: expected `a`, observed `b`".to_string()
            ))
        );
        assert_eq!(known["bun"]["a/x"].flaky, None);
        // A case that usually passes but is declared flaky is listed too.
        b.flaky.insert(
            "a/p".into(),
            crate::report::baseline::Flaky {
                rate: crate::judge::runs::Rate::Rare,
                others: Vec::new(),
                spread: None,
            },
        );
        let known = from_baselines(&[("bun".into(), Some(b))]);
        let p = &known["bun"]["a/p"];
        assert_eq!(p.usual, None);
        assert_eq!(p.flaky, Some((crate::judge::runs::Rate::Rare, Vec::new())));
        assert!(
            !known.contains_key("deno"),
            "no baseline, no judging by one"
        );
    }
}
