//! The neutrality check (`cargo xtask neutrality`) on node@26: its instrument records what the
//! harness records where nothing can tell them apart, and it reports an observer effect where
//! a case can see the harness (the prelude's own `exit` listener).

use std::path::Path;
use std::time::Duration;

use harness::exec::runtimes::Registry;
use harness::exec::sandbox::Sandbox;
use harness::input::project::{Project, Suite};
use harness::judge::outcome::observed_trace;
use harness::workflow::neutrality::{check, comparable, first_difference, Finding};

#[test]
fn the_instrument_agrees_where_nothing_can_see_it_and_a_listener_count_sees_the_harness() {
    let project = Project::locate();
    let fx = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/neutrality");
    let suite = Suite::load(
        &fx.join("cases"),
        &fx.join("features.txt"),
        &fx.join("spec"),
    )
    .expect("the fixtures load");
    let registry = Registry::load(&project.root).expect("the registry loads");
    let sandbox = Sandbox::detect().expect("the sandbox works here");
    let node = registry
        .prepare("node@26", &sandbox)
        .expect("node@26 is there");
    let case = |id: &str| suite.cases.iter().find(|c| c.id == id).expect(id);

    // The instrument's own trace is the whole trace, not an empty one that happens to agree.
    let plain = case("neutrality/plain");
    let neutral = node.execute_through(plain, Duration::from_secs(20), true);
    assert_eq!(
        comparable(plain, &observed_trace(&neutral)),
        ["sync: undefined", "then: \"a\"", "timer: \"a\"", "exit 0"],
        "stderr: {}",
        neutral.stderr_head
    );
    assert_eq!(check(&node, plain), Finding::Same);

    let sees = case("neutrality/sees-listeners");
    match check(&node, sees) {
        Finding::Differs { harness, neutral } => {
            assert_eq!(harness, ["exit listeners: 1", "exit 0"]);
            assert_eq!(neutral, ["exit listeners: 0", "exit 0"]);
            assert_eq!(
                first_difference(&harness, &neutral),
                "line 1: harness `exit listeners: 1`, instrument `exit listeners: 0`"
            );
        }
        other => panic!("the harness's exit listener went unseen: {other:?}"),
    }
}
