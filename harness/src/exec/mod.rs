//! The exec floor: running a case on a runtime (adapters, processes, the pool, workerd, the
//! reference runtime, the prelude, the runtime registry) and the runner that schedules the
//! trials. Uses the input and judge floors.

pub mod adapter;
pub mod pool;
pub mod prelude;
pub mod process;
pub mod reference;
pub mod runner;
pub mod runtimes;
pub mod workerd;
