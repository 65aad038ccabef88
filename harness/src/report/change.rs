//! How a case's result moved between two points: the one classification used by the
//! baseline check (a run against the committed baseline) and by `compare` (two results files).
//!
//! Both answer the same question for a reader, "what moved, and in which direction?", so they
//! share the lists, their order and their names. A case absent from a baseline counts as
//! PASS (a baseline lists only cases that do not pass); a case absent from a results file is
//! added or removed. Every move lands in exactly one list, and `PASS → FAIL` is the mirror
//! image of `FAIL → PASS`.

use crate::judge::outcome::Status;

/// The lists a changed case can land in, in the order reports show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Change {
    /// Did not pass, passes now (against a baseline: an unexpected pass, a stale entry).
    Fixed,
    /// Passed, now FAIL or ERROR.
    Broken,
    /// Now CRASH or TIMEOUT, and was not that before.
    CrashOrTimeout,
    /// Any other change of status (e.g. CRASH → FAIL, PASS → UNSUPPORTED).
    OtherStatus,
    /// The same status, reached differently: another first divergent line or reason for a
    /// case that does not pass, another allowed alternative for one that does.
    Detail,
    /// The same usual outcome, but the case varies between runs differently: a stable case
    /// now varies, a flaky one varies more often than its class or gives another outcome
    /// (baseline check only: results files are compared by their usual outcome).
    Varies,
    /// Present after only.
    Added,
    /// Present before only (against a baseline: an entry of a case that no longer exists).
    Removed,
}

impl Change {
    /// The lists `compare` shows for two results files (all but [`Change::Varies`]).
    pub const ALL: [Change; 7] = [
        Change::Fixed,
        Change::Broken,
        Change::CrashOrTimeout,
        Change::OtherStatus,
        Change::Detail,
        Change::Added,
        Change::Removed,
    ];

    /// Classify a case present on both sides. `detail_differs` says whether the way it reached
    /// its status differs (the caller knows what detail its side records). `None`: no change.
    pub fn of(before: Status, after: Status, detail_differs: bool) -> Option<Change> {
        use Status::*;
        Some(match (before, after) {
            _ if before == after && detail_differs => Change::Detail,
            _ if before == after => return None,
            (_, Pass) => Change::Fixed,
            (_, Crash | Timeout) => Change::CrashOrTimeout,
            (Pass, Fail | Error) => Change::Broken,
            _ => Change::OtherStatus,
        })
    }

    /// The heading of the list.
    pub fn title(self) -> &'static str {
        match self {
            Change::Fixed => "Fixed (now passing)",
            Change::Broken => "Broken (passed before)",
            Change::CrashOrTimeout => "New crashes and timeouts",
            Change::OtherStatus => "Other status changes",
            Change::Detail => "Same status, reached differently",
            Change::Varies => "Varying between runs",
            Change::Added => "Cases added",
            Change::Removed => "Cases removed",
        }
    }

    /// The few words a headline counts it with.
    pub fn short(self) -> &'static str {
        match self {
            Change::Fixed => "fixed",
            Change::Broken => "broken",
            Change::CrashOrTimeout => "new crashes/timeouts",
            Change::OtherStatus => "other status changes",
            Change::Detail => "reached differently",
            Change::Varies => "varying",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    #[test]
    fn each_move_lands_in_one_list() {
        assert_eq!(Change::of(Fail, Pass, false), Some(Change::Fixed));
        assert_eq!(Change::of(Crash, Pass, true), Some(Change::Fixed));
        assert_eq!(Change::of(Pass, Fail, false), Some(Change::Broken));
        assert_eq!(Change::of(Pass, Error, false), Some(Change::Broken));
        assert_eq!(Change::of(Fail, Crash, false), Some(Change::CrashOrTimeout));
        assert_eq!(
            Change::of(Pass, Timeout, false),
            Some(Change::CrashOrTimeout)
        );
        assert_eq!(Change::of(Crash, Fail, false), Some(Change::OtherStatus));
        assert_eq!(
            Change::of(Pass, Unsupported, false),
            Some(Change::OtherStatus)
        );
        assert_eq!(Change::of(Fail, Fail, true), Some(Change::Detail));
        assert_eq!(Change::of(Fail, Fail, false), None);
        assert_eq!(Change::of(Pass, Pass, false), None);
    }
}
