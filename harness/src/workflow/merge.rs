//! `merge OUT IN...`: the results files of shards (`--shard K/N` on several machines) joined
//! into one, as if one machine had run them all.

use std::path::Path;

use crate::input::files::write_atomic;
use crate::report::results::{self, Results};
use crate::workflow::emit::Emitter;
use crate::workflow::exit::{FAILED, INVALID, PASSED};

/// Merge `inputs` into `out`: [`INVALID`] for an unreadable or overlapping input, [`FAILED`]
/// when the merged file cannot be written.
pub fn merge(out: &str, inputs: &[String], emit: &Emitter) -> u8 {
    let mut parts = Vec::new();
    for f in inputs {
        match Results::load(Path::new(f)) {
            Ok(r) => parts.push((f.clone(), r)),
            Err(e) => {
                emit.note(format_args!("error: {e}"));
                return INVALID;
            }
        }
    }
    let merged = match results::merge(parts) {
        Ok(m) => m,
        Err(e) => {
            emit.note(format_args!("error: {e}"));
            return INVALID;
        }
    };
    if let Err(e) = write_atomic(Path::new(out), merged.to_json().as_bytes()) {
        emit.note(format_args!("error: cannot write {out}: {e}"));
        return FAILED;
    }
    emit.out(format_args!(
        "merged {} files into {out}: {} results\n",
        inputs.len(),
        merged.results.len()
    ));
    PASSED
}
