//! What a conformance run costs (`cargo xtask bench`, through the `ah-bench` binary).
//!
//! Two benches, one per kind of runtime, because the two cost in different places: the
//! embedded reference runtime is measured in cases per second per core and split into the
//! engine's phases ([`reference`]); a process runtime is measured against its own floor, the
//! runtime started once per case, to show what the harness adds to that ([`process`]). The
//! CPU-time and memory probes both rely on are in [`os`].
//!
//! Machines drift and neighbours steal time, so both take several rounds and report medians.

pub mod os;
pub mod process;
pub mod reference;

pub use os::{children_cpu, own_cpu, peak_rss_kib};
pub use process::{run_process, ProcessReport, ProcessRound};
pub use reference::{run, Report, Split};

/// The median of some figures (the mean of the middle two for an even count; 0 for none): a
/// burst of load on the machine spoils one round, not the figure.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn median_of_odd_even_and_no_figures() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
    }
}
