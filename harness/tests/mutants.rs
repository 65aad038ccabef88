//! `cargo xtask mutants` on a few cases of the real corpus, on node@26: the control flips
//! nothing, a mutant that breaks `run()` is killed by the ALS cases, and a mutant that changes
//! nothing is reported INVALID, not as a survivor.

use std::os::unix::fs::PermissionsExt;

use harness::input::project::{Project, Suite};
use harness::report::mutants::MutantStatus;
use harness::workflow::emit::Emitter;
use harness::workflow::mutants::{self, MutantsOptions};

#[test]
fn the_control_flips_nothing_a_broken_run_is_killed_and_a_no_op_mutant_is_invalid() {
    // Every process of the run is confined; the tests need the sandbox as a user's run does.
    harness::exec::sandbox::Sandbox::detect().unwrap_or_else(|e| panic!("{e}"));
    let project = Project::locate();
    let suite = Suite::load_project(&project).expect("the corpus loads");
    let dir = tempfile::tempdir().expect("temp dir");
    // The sandbox's user reads the preloads from here.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("readable temp dir");
    let fixture = project
        .root
        .join("harness/tests/fixtures/mutants/noop-changes-nothing.cjs");
    for from in [
        project.root.join("mutants/empty.cjs"),
        project.root.join("mutants/als-run-drops-store.cjs"),
        fixture,
    ] {
        let to = dir.path().join(from.file_name().expect("a file"));
        std::fs::copy(&from, &to).expect("copy the mutant");
    }
    let opts = MutantsOptions {
        dir: Some(dir.path().to_path_buf()),
        filter: vec!["als/run/".into(), "als/get-store/".into()],
        ..MutantsOptions::default()
    };
    let emit = Emitter::capturing();
    let report = match mutants::run(&project, &suite, &opts, &emit) {
        Ok(r) => r,
        Err(e) => panic!("the run failed: {e:?}\n{}", emit.captured().stderr),
    };
    assert!(report.subset);
    assert!(report.cases >= 5, "{} cases", report.cases);
    assert_eq!(report.flips, Vec::new(), "the control must flip nothing");
    let status = |id: &str| {
        let m = report.mutants.iter().find(|m| m.id == id);
        m.unwrap_or_else(|| panic!("no result for {id}: {report:?}"))
    };
    let run = status("als-run-drops-store");
    assert_eq!(run.status, MutantStatus::Killed, "{run:?}");
    assert!(
        run.killed_by.iter().any(|k| k.case.starts_with("als/run/")),
        "{run:?}"
    );
    let noop = status("noop-changes-nothing");
    assert_eq!(noop.status, MutantStatus::Invalid, "{noop:?}");
    assert_eq!(noop.smoke.plain, noop.smoke.mutant);
    assert!(noop.killed_by.is_empty(), "an invalid mutant runs no case");
    let md = report.to_markdown();
    assert!(md.contains("- **INVALID** `noop-changes-nothing`"), "{md}");
    assert_eq!(report.overall().invalid, 1);
}
