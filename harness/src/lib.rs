//! Conformance harness for `node:async_hooks`.
//!
//! One data flow, one module per step:
//! case file → [`case`] (load + validate, once) → for each runtime: [`prelude`] (render) →
//! [`adapter`] / [`process`], [`workerd`] or [`reference`] (execute) → [`trace`] (raw channel →
//! canonical trace) → [`expect`] (compare under the case's ordering rules) → [`outcome`] →
//! [`runner`] (libtest trials, blessing) → [`results`] (JSON, JUnit), [`baseline`] (per-runtime
//! `--check`), [`compare`] (two results files as a PR comment) and [`matrix`] (several
//! runtimes' results side by side, as an HTML page and Markdown).

pub mod adapter;
pub mod baseline;
pub mod bench;
pub mod case;
pub mod compare;
pub mod diag;
pub mod expect;
pub mod features;
pub mod matrix;
pub mod outcome;
pub mod pool;
pub mod prelude;
pub mod prerequisites;
pub mod process;
pub mod project;
pub mod reference;
pub mod report;
pub mod results;
pub mod runner;
pub mod runtimes;
pub mod spec;
pub mod trace;
pub mod workerd;
