//! "Did you mean" for names a person typed: case keys, feature names, requirement IDs, the
//! features an adapter file says its runtime lacks. A typo should be answered with the name
//! that was meant, not with a list to search or advice to register a new name.

/// The number of single-character insertions, deletions, substitutions and swaps of two
/// neighbours that turn `a` into `b` (the optimal-string-alignment distance: a swapped pair,
/// the commonest typo, counts as one edit), compared case-insensitively, on characters.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // d[i][j]: the distance between the first i characters of `a` and the first j of `b`.
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `typed`, when it is close enough to be a typo of it: at most a
/// third of the typed name's characters wrong (at least one, at most three). Ties go to the
/// first candidate in the order given.
pub fn closest<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (typed.chars().count() / 3).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = distance(typed, c);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `; did you mean `x`?` when one candidate is close, else the empty string: appended to an
/// "unknown ..." message.
pub fn did_you_mean<'a>(typed: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(typed, candidates) {
        Some(c) => format!("; did you mean `{c}`?"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_edits() {
        assert_eq!(distance("scrpt", "script"), 1);
        assert_eq!(distance("setTimout", "setTimeout"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("Title", "title"), 0);
        assert_eq!(distance("titel", "title"), 1, "a swap is one edit");
    }

    #[test]
    fn a_typo_gets_the_name_meant_and_a_stranger_gets_nothing() {
        let keys = ["title", "spec", "features", "script", "timeout_ms"];
        assert_eq!(closest("scrpt", keys), Some("script"));
        assert_eq!(closest("featurs", keys), Some("features"));
        assert_eq!(
            closest("timeout", keys),
            None,
            "three edits from timeout_ms is too far for 7 letters"
        );
        assert_eq!(closest("teleport", keys), None);
        assert_eq!(did_you_mean("titel", keys), "; did you mean `title`?");
        assert_eq!(did_you_mean("zzz", keys), "");
    }

    #[test]
    fn the_nearest_of_several_close_names_wins() {
        assert_eq!(
            closest("ALS-RUN-01", ["ALS-RUN-011", "ALS-RUN-001", "ALS-RUN-010"]),
            Some("ALS-RUN-011"),
            "equal distances go to the first"
        );
        assert_eq!(
            closest("setImmediat", ["setTimeout", "setImmediate"]),
            Some("setImmediate")
        );
    }
}
