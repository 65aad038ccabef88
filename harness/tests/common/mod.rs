//! Helpers shared by the integration tests.

pub mod pooling;

/// The sandbox every process runtime runs in; the tests need it as a user's run does
/// (`cargo xtask test` installs bubblewrap).
#[allow(dead_code)]
pub fn sandbox() -> harness::exec::sandbox::Sandbox {
    harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"))
}
