//! Adapters: how a rendered case is run on one runtime. Process runtimes are described by
//! adapter files ([`crate::exec::adapter_file`]) and run by [`crate::exec::process_adapter`];
//! the pool, workerd and the embedded reference runtime have adapters of their own.

use std::time::Duration;

use crate::input::case::Case;
use crate::judge::execution::Execution;
use crate::judge::record::RuntimeFacts;

/// This machine as runtimes name it: `linux-x64`, `linux-arm64`, `darwin-arm64`.
pub fn platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{}-{arch}", std::env::consts::OS)
}

/// A runtime the harness can run cases on.
pub trait Adapter: Send + Sync {
    fn facts(&self) -> &RuntimeFacts;
    /// `Err(reason)` when the runtime cannot offer a feature the case needs.
    fn supports(&self, case: &Case) -> Result<(), String>;
    fn execute(&self, case: &Case, timeout: Duration) -> Execution;
}

/// The reason a case is UNSUPPORTED on a runtime: the first of its features that `lacks`
/// explains (`lacks` returns the reason for a feature the runtime does not offer).
pub fn first_lacking(case: &Case, lacks: impl Fn(&str) -> Option<String>) -> Result<(), String> {
    case.features
        .iter()
        .find_map(|f| lacks(f))
        .map_or(Ok(()), Err)
}
