//! The values the front door's options take, checked as they are parsed, with the message a
//! user sees when one is wrong.

use std::time::Duration;

/// `K/N` with 1 <= K <= N, for `--shard`.
pub fn shard(v: &str) -> Result<(u32, u32), String> {
    let parsed = v.split_once('/').and_then(|(k, n)| {
        let (k, n) = (k.trim().parse::<u32>().ok()?, n.trim().parse::<u32>().ok()?);
        (k >= 1 && k <= n).then_some((k, n))
    });
    parsed.ok_or_else(|| "--shard needs K/N with 1 <= K <= N, e.g. --shard 2/4".to_string())
}

/// A positive count, for `--repeat`.
pub fn repeat(v: &str) -> Result<u32, String> {
    positive(v).ok_or_else(|| "--repeat needs a positive number".to_string())
}

/// A positive number of milliseconds, for `--timeout-ms`.
pub fn timeout_ms(v: &str) -> Result<Duration, String> {
    positive(v)
        .map(Duration::from_millis)
        .ok_or_else(|| "--timeout-ms needs a positive number".to_string())
}

/// A positive number of rounds, for `bench --rounds`.
pub fn rounds(v: &str) -> Result<usize, String> {
    positive(v).ok_or_else(|| "--rounds needs a positive number".to_string())
}

fn positive<T: std::str::FromStr + PartialOrd + Default>(v: &str) -> Option<T> {
    v.parse::<T>().ok().filter(|n| *n > T::default())
}

/// A command line with the command's own options moved before the first argument that is
/// not one of them, so that they may follow the case filter (`conformance als/ --check`)
/// although everything from the filter on is handed to libtest. `own` lists the command's
/// options (`--check`, `-r`, ...) with whether each takes a value. Nothing after a literal
/// `--` moves: that part is libtest's alone.
pub fn hoist_own_options(args: &[String], own: &[(String, bool)]) -> Vec<String> {
    let takes_value = |a: &str| -> Option<bool> {
        let name = a.split_once('=').map_or(a, |(n, _)| n);
        own.iter()
            .find(|(o, _)| o == name)
            .map(|(_, v)| *v && !a.contains('='))
    };
    let (mut front, mut back) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" {
            back.push(a.clone());
            back.extend(it.by_ref().cloned());
            break;
        }
        match takes_value(a) {
            Some(true) => {
                front.push(a.clone());
                if let Some(v) = it.next() {
                    front.push(v.clone());
                }
            }
            Some(false) => front.push(a.clone()),
            None => back.push(a.clone()),
        }
    }
    front.extend(back);
    front
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_options_after_the_filter_move_before_it_and_libtest_keeps_its_own() {
        let own: Vec<(String, bool)> = [("--check", false), ("--runtime", true), ("-r", true)]
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect();
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(
            hoist_own_options(&args("als/ --check --exact -r bun --runtime=deno"), &own),
            args("--check -r bun --runtime=deno als/ --exact")
        );
        assert_eq!(
            hoist_own_options(&args("als/ --skip x -- --check"), &own),
            args("als/ --skip x -- --check"),
            "after `--` everything is libtest's"
        );
    }

    #[test]
    fn a_shard_is_k_of_n_counted_from_one() {
        assert_eq!(shard("2/4"), Ok((2, 4)));
        assert_eq!(shard(" 4 / 4 "), Ok((4, 4)));
        for bad in ["0/4", "4/3", "2", "2/", "a/b", "/4", "-1/4"] {
            assert_eq!(
                shard(bad),
                Err("--shard needs K/N with 1 <= K <= N, e.g. --shard 2/4".to_string()),
                "{bad}"
            );
        }
    }

    #[test]
    fn counts_and_times_must_be_positive() {
        assert_eq!(repeat("20"), Ok(20));
        assert!(repeat("0").is_err() && repeat("-3").is_err() && repeat("x").is_err());
        assert_eq!(timeout_ms("250"), Ok(Duration::from_millis(250)));
        assert_eq!(
            timeout_ms("0"),
            Err("--timeout-ms needs a positive number".into())
        );
        assert_eq!(rounds("3"), Ok(3));
        assert_eq!(rounds("0"), Err("--rounds needs a positive number".into()));
    }
}
