//! Conformance harness for `node:async_hooks`.
//!
//! One data flow, one module per step:
//! case file → [`case`] (load + validate, once) → for each runtime: [`prelude`] (render) →
//! [`adapter`] / [`process`] or [`reference`] (execute) → [`trace`] (raw channel → canonical trace) →
//! [`expect`] (compare under the case's ordering rules) → [`outcome`] → [`runner`] (libtest
//! trials, blessing).

pub mod adapter;
pub mod bench;
pub mod case;
pub mod diag;
pub mod expect;
pub mod features;
pub mod outcome;
pub mod prelude;
pub mod process;
pub mod project;
pub mod reference;
pub mod report;
pub mod runner;
pub mod runtimes;
pub mod spec;
pub mod trace;
