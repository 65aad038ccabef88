//! The executor: a list of jobs run on a fixed number of worker threads, each thread taking
//! the next job not yet taken, with the results handed back in the order of the jobs.
//!
//! The runner's progress-bar and quiet paths and the process bench all need exactly this, so
//! it lives here once. (The runner's plain path hands its trials to libtest, which brings
//! threads of its own; [`WORKER_STACK`] is what those are asked to have too.)

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Stack size of the threads that run cases: enough for the reference runtime to run in place.
pub const WORKER_STACK: usize = 32 * 1024 * 1024;

/// What one worker thread hands back: each job it took, by index, with its result or the
/// payload of its panic.
type Finished<R> = Vec<(usize, Result<R, Box<dyn Any + Send>>)>;

/// Runs jobs on `workers` threads of [`WORKER_STACK`] bytes each.
///
/// Jobs are taken in list order, so a caller that puts its longest jobs first has them started
/// first; they finish in whatever order they finish, but the results come back in list order,
/// so that nothing downstream depends on the thread count or on timing.
#[derive(Debug, Clone, Copy)]
pub struct Executor {
    workers: usize,
}

impl Executor {
    /// An executor with `workers` threads; asking for none gets one, so that jobs always run.
    pub fn new(workers: usize) -> Self {
        Executor {
            workers: workers.max(1),
        }
    }

    /// How many threads a batch runs on, at most (never more than it has jobs).
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// Run `work` on every job and return the results in job order. See
    /// [`Executor::map_with_progress`] for what a panicking job does.
    pub fn map<J, R, W>(&self, jobs: &[J], work: W) -> Vec<R>
    where
        J: Sync,
        R: Send,
        W: Fn(&J) -> R + Sync,
    {
        self.map_with_progress(jobs, work, |_, _| {})
    }

    /// Run `work` on every job and return the results in job order; `done` is called with each
    /// job and its result on the worker thread as soon as the job finishes (in the order jobs
    /// finish), for a progress display.
    ///
    /// A job that panics does not take its thread, or the jobs after it, down with it: every
    /// other job still runs. Once all have, the panic goes on from the calling thread with the
    /// job's own payload (the first such job in list order, when several panicked), so that a
    /// bug in a job is never mistaken for a complete set of results. The panic hook has already
    /// printed each one where it happened.
    ///
    /// A thread that cannot be started is reported on stderr and the others share its jobs;
    /// when none can be, the jobs run on the calling thread.
    pub fn map_with_progress<J, R, W, D>(&self, jobs: &[J], work: W, done: D) -> Vec<R>
    where
        J: Sync,
        R: Send,
        W: Fn(&J) -> R + Sync,
        D: Fn(&J, &R) + Sync,
    {
        let next = AtomicUsize::new(0);
        // One worker's loop: take the next job, run it, keep the result; until none is left.
        let worker = || -> Finished<R> {
            let mut finished = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                // Jobs share only what the closures capture (a progress bar, counters); a
                // panic leaves that no worse off than a panic ending the thread would, and the
                // panic itself is raised again once all jobs have run.
                let ran = panic::catch_unwind(AssertUnwindSafe(|| {
                    let result = work(job);
                    done(job, &result);
                    result
                }));
                finished.push((i, ran));
            }
            // Before the join can return: this worker's sandbox cells end here, not in a
            // destructor that may outlive the process's last moment.
            crate::exec::cell::release();
            finished
        };
        let threads = self.workers.min(jobs.len());
        let mut finished: Finished<R> = Vec::with_capacity(jobs.len());
        std::thread::scope(|scope| {
            let mut handles = Vec::with_capacity(threads);
            for _ in 0..threads {
                let spawned = std::thread::Builder::new()
                    .stack_size(WORKER_STACK)
                    .spawn_scoped(scope, worker);
                match spawned {
                    Ok(h) => handles.push(h),
                    Err(e) => eprintln!("cannot start a worker thread: {e}"),
                }
            }
            if handles.is_empty() {
                finished.extend(worker());
            }
            for h in handles {
                match h.join() {
                    Ok(part) => finished.extend(part),
                    // Only the executor's own code could get here, as jobs' panics are caught.
                    Err(payload) => panic::resume_unwind(payload),
                }
            }
        });
        finished.sort_by_key(|(i, _)| *i);
        let mut results = Vec::with_capacity(finished.len());
        for (_, ran) in finished {
            match ran {
                Ok(r) => results.push(r),
                Err(payload) => panic::resume_unwind(payload),
            }
        }
        results
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Duration;

    #[test]
    fn results_come_back_complete_and_in_job_order_whatever_the_thread_count() {
        let jobs: Vec<u64> = (0..50).collect();
        for workers in [0, 1, 2, 3, 8, 64] {
            // Uneven job lengths, so that jobs finish out of order.
            let out = Executor::new(workers).map(&jobs, |&n| {
                std::thread::sleep(Duration::from_micros((50 - n) * 20));
                n * n
            });
            let expected: Vec<u64> = jobs.iter().map(|n| n * n).collect();
            assert_eq!(out, expected, "{workers} workers");
        }
    }

    #[test]
    fn no_jobs_give_no_results() {
        let jobs: Vec<u8> = Vec::new();
        assert!(Executor::new(4).map(&jobs, |&b| b).is_empty());
    }

    #[test]
    fn jobs_run_on_several_threads_with_big_stacks() {
        let jobs: Vec<u32> = (0..8).collect();
        let seen = Mutex::new(std::collections::HashSet::new());
        Executor::new(4).map(&jobs, |_| {
            // A frame the default 2 MiB stack could not hold.
            let big = [7u8; 4 * 1024 * 1024];
            std::hint::black_box(&big);
            std::thread::sleep(Duration::from_millis(50));
            seen.lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(std::thread::current().id());
        });
        assert!(seen.into_inner().unwrap().len() > 1);
    }

    #[test]
    fn progress_is_called_once_per_job_with_its_result() {
        let jobs: Vec<u32> = (0..20).collect();
        let calls = Mutex::new(Vec::new());
        let out = Executor::new(3).map_with_progress(
            &jobs,
            |&n| n + 100,
            |&job, &result| calls.lock().unwrap().push((job, result)),
        );
        let mut calls = calls.into_inner().unwrap();
        calls.sort();
        assert_eq!(
            calls,
            jobs.iter().map(|&n| (n, n + 100)).collect::<Vec<_>>()
        );
        assert_eq!(out, jobs.iter().map(|&n| n + 100).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_job_is_raised_on_the_caller_after_every_other_job_ran() {
        for workers in [1, 2, 5] {
            let jobs: Vec<u32> = (0..30).collect();
            let ran = AtomicUsize::new(0);
            let caught = panic::catch_unwind(AssertUnwindSafe(|| {
                Executor::new(workers).map(&jobs, |&n| {
                    if n == 7 || n == 20 {
                        panic!("job {n} broke");
                    }
                    ran.fetch_add(1, Ordering::Relaxed);
                })
            }));
            let payload = caught.expect_err("the panic reaches the caller");
            let message = payload
                .downcast_ref::<String>()
                .expect("the job's own payload");
            assert_eq!(message, "job 7 broke", "{workers} workers");
            assert_eq!(ran.into_inner(), 28, "{workers} workers");
        }
    }
}
