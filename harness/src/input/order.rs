//! What a case declares about the order of its trace: groups of lines whose order is free
//! (within a segment), and complete alternative traces a runtime may produce instead. The
//! judge floor compares with them ([`crate::judge::expect`]); they are read with the case.

/// A whole-line pattern where `*` matches any run of characters (including none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    pattern: String,
}

impl Glob {
    pub fn new(pattern: &str) -> Self {
        Glob {
            pattern: pattern.to_string(),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    pub fn matches(&self, line: &str) -> bool {
        let parts: Vec<&str> = self.pattern.split('*').collect();
        if parts.len() == 1 {
            return line == self.pattern;
        }
        let (first, last) = (parts[0], parts[parts.len() - 1]);
        if !line.starts_with(first) || line.len() < first.len() + last.len() {
            return false;
        }
        if !line.ends_with(last) {
            return false;
        }
        let mut rest = &line[first.len()..line.len() - last.len()];
        for mid in &parts[1..parts.len() - 1] {
            match rest.find(mid) {
                Some(i) => rest = &rest[i + mid.len()..],
                None => return false,
            }
        }
        true
    }
}

/// The ordering freedoms a case declares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ordering {
    /// Each group is a list of patterns; a line belongs to the first group with a matching
    /// pattern.
    pub free: Vec<Vec<Glob>>,
}

impl Ordering {
    fn group_of(&self, line: &str) -> Option<usize> {
        self.free
            .iter()
            .position(|g| g.iter().any(|p| p.matches(line)))
    }

    /// Sort the lines of each group within each segment into the positions that group holds.
    pub fn normalise(&self, lines: &[String]) -> Vec<String> {
        let mut out = lines.to_vec();
        if self.free.is_empty() {
            return out;
        }
        let groups: Vec<Option<usize>> = lines.iter().map(|l| self.group_of(l)).collect();
        let mut start = 0;
        while start < lines.len() {
            let end = (start..lines.len())
                .find(|&i| groups[i].is_none())
                .unwrap_or(lines.len());
            for g in 0..self.free.len() {
                let positions: Vec<usize> =
                    (start..end).filter(|&i| groups[i] == Some(g)).collect();
                let mut members: Vec<String> =
                    positions.iter().map(|&i| lines[i].clone()).collect();
                members.sort();
                for (pos, line) in positions.into_iter().zip(members) {
                    out[pos] = line;
                }
            }
            start = end + 1;
        }
        out
    }
}

/// A complete other trace that a runtime may produce instead of the blessed one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub name: String,
    /// Why this is allowed: the requirement or divergence that makes the behaviour
    /// implementation-defined.
    pub because: String,
    pub trace: Vec<String>,
}
