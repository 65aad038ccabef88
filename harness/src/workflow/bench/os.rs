//! What the operating system says a process has used: CPU time (its own and its children's)
//! and peak memory, from `getrusage`.
//!
//! The process bench needs CPU time to tell work from waiting: when the suite takes longer than
//! the floor, more CPU means the runtime did more, the same CPU means it waited.

use std::time::Duration;

/// User plus system CPU time of this process so far.
pub fn own_cpu() -> Duration {
    let ru = usage(libc::RUSAGE_SELF);
    cpu_time(&ru)
}

/// User plus system CPU time of this process's children that have ended and been waited for.
pub fn children_cpu() -> Duration {
    let ru = usage(libc::RUSAGE_CHILDREN);
    cpu_time(&ru)
}

/// Peak resident memory of this process, in KiB.
pub fn peak_rss_kib() -> u64 {
    usage(libc::RUSAGE_SELF).ru_maxrss as u64
}

fn cpu_time(ru: &libc::rusage) -> Duration {
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, (t.tv_usec as u32) * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// The resource usage of `who` (this process, or its children); all zero in the unlikely case
/// that the call fails, which only makes a figure of the bench read as nothing used.
fn usage(who: libc::c_int) -> libc::rusage {
    // SAFETY: `rusage` is plain data, valid when zeroed, and getrusage only writes into the
    // struct it is given.
    unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut ru);
        ru
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_with_work_and_memory_is_reported() {
        let before = own_cpu();
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed() < Duration::from_millis(50) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        assert!(own_cpu() > before);
        assert!(peak_rss_kib() > 0);
        let _ = children_cpu();
    }
}
