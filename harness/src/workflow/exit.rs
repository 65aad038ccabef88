//! How a command ends. Every command shares one policy: 0 when everything passed, 1 when a
//! case (or a baseline check) did not, 2 when the input or the usage was invalid or an output
//! could not be written. A usage error the argument parser could not see (two options that
//! exclude each other, say) is a value of its own, so that the front door reports it the way
//! it reports its own usage errors.

use std::fmt;

/// Everything passed.
pub const PASSED: u8 = 0;
/// Some case did not pass, or the run differs from a baseline.
pub const FAILED: u8 = 1;
/// Invalid input or usage, or an output that could not be written.
pub const INVALID: u8 = 2;

/// A misuse of a command found after parsing; exit code [`INVALID`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// What a workflow function returns: an exit code, or a usage error.
pub type Exit = Result<u8, UsageError>;
