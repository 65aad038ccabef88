//! Results as JUnit XML, written with `quick-junit` (the crate nextest uses): the form CI
//! systems (GitLab, Jenkins, GitHub test reporters) already know how to show, one
//! `<testsuite>` per runtime.

use std::time::Duration;

use crate::judge::outcome::Status;
use crate::report::results::Results;

impl Results {
    /// JUnit XML: one `<testsuite>` per runtime, one `<testcase>` per case. FAIL is a
    /// `<failure>`; TIMEOUT, CRASH and ERROR are `<error>`s (the run itself went wrong);
    /// UNSUPPORTED is `<skipped>`. The observed trace goes to `system-out`, the stderr head to
    /// `system-err`.
    pub fn to_junit(&self) -> String {
        use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
        let mut report = Report::new("async_hooks conformance");
        let mut total = Duration::ZERO;
        for rt in &self.runtimes {
            let mut suite = TestSuite::new(rt.name.as_str());
            let mut props = vec![("available", rt.available.to_string())];
            for (k, v) in [
                ("version", &rt.version),
                ("adapter", &rt.adapter),
                ("source", &rt.source),
                ("error", &rt.error),
            ] {
                if let Some(v) = v {
                    props.push((k, v.clone()));
                }
            }
            for (k, v) in props {
                suite.add_property(quick_junit::Property::new(k, v));
            }
            let mut time = Duration::ZERO;
            for r in self.results.iter().filter(|r| r.runtime == rt.name) {
                let mut status = match r.status {
                    Status::Pass => TestCaseStatus::success(),
                    Status::Unsupported => TestCaseStatus::skipped(),
                    Status::Fail => TestCaseStatus::non_success(NonSuccessKind::Failure),
                    Status::Timeout | Status::Crash | Status::Error => {
                        TestCaseStatus::non_success(NonSuccessKind::Error)
                    }
                };
                if r.status != Status::Pass {
                    status.set_type(r.status.as_str());
                    status.set_message(r.summary.as_str());
                    if !r.detail.is_empty() {
                        status.set_description(r.detail.as_str());
                    }
                }
                let mut tc = TestCase::new(r.case.as_str(), status);
                tc.set_classname(rt.name.as_str());
                let d = Duration::from_secs_f64((r.duration_ms.max(0.0)) / 1000.0);
                tc.set_time(d);
                time += d;
                if let Some(a) = &r.alternative {
                    tc.add_property(quick_junit::Property::new("alternative", a.as_str()));
                }
                if !r.trace.is_empty() {
                    tc.set_system_out(r.trace.join("\n"));
                }
                if !r.stderr_head.is_empty() {
                    tc.set_system_err(r.stderr_head.as_str());
                }
                suite.add_test_case(tc);
            }
            suite.set_time(time);
            total += time;
            report.add_test_suite(suite);
        }
        report.set_time(total);
        report
            .to_string()
            .expect("JUnit XML serialises to a string")
    }
}
