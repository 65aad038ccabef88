//! `compare OLD NEW`: two results files side by side, as Markdown for a pull-request comment.

use std::path::Path;

use crate::report::results::Results;
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{INVALID, PASSED};

/// Print the comparison on stdout; [`INVALID`] when a file cannot be read, after saying why
/// for each one.
pub fn compare(old: &str, new: &str, emit: &Emitter) -> u8 {
    let (old_doc, new_doc) = match (Results::load(Path::new(old)), Results::load(Path::new(new))) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                emit.note(format_args!("error: {e}"));
            }
            return INVALID;
        }
    };
    let cmp = crate::report::compare::compare(&old_doc, &new_doc);
    emit.out(cmp.to_markdown(old, new));
    PASSED
}
