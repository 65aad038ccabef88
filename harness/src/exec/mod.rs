//! The exec floor: running a case on a runtime (adapters, processes, the pool, workerd, the
//! reference runtime, the prelude, the runtime registry) and the runner that schedules the
//! trials. Uses the input and judge floors.

pub mod adapter;
pub mod adapter_file;
pub mod cell;
pub mod executor;
pub mod pool;
pub mod prelude;
pub mod process;
pub mod process_adapter;
pub mod reference;
pub mod runner;
pub mod runtimes;
pub mod sandbox;
pub mod shared_prelude;
pub mod workerd;
