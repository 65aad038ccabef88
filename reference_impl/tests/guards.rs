//! The runtime's guards: a runaway script ends as a timeout or out-of-memory result, never as a
//! hang or a crash of the embedding process, and ordinary exits carry their codes.

use std::time::{Duration, Instant};

use reference_impl::{run, Exit, Options, Outcome};

fn run_script(name: &str, src: &str, timeout: Duration) -> Outcome {
    let dir = tempfile::tempdir().expect("temp dir");
    let main = dir.path().join(name);
    std::fs::write(&main, src).expect("write script");
    let mut opts = Options::new(dir.path().to_path_buf(), main);
    opts.timeout = timeout;
    opts.memory_limit = 64 * 1024 * 1024;
    run(&opts)
}

fn stdout(o: &Outcome) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn busy_loop_times_out() {
    let t = Instant::now();
    let o = run_script("a.cjs", "for (;;) {}", Duration::from_millis(300));
    assert_eq!(o.exit, Exit::TimedOut);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "guard took {:?}",
        t.elapsed()
    );
}

#[test]
fn busy_loop_at_the_top_of_an_es_module_times_out() {
    let o = run_script("a.mjs", "for (;;) {}", Duration::from_millis(300));
    assert_eq!(o.exit, Exit::TimedOut);
}

#[test]
fn endless_microtask_chain_times_out() {
    let o = run_script(
        "a.cjs",
        "function again() { Promise.resolve().then(again); } again();",
        Duration::from_millis(300),
    );
    assert_eq!(o.exit, Exit::TimedOut);
}

#[test]
fn endless_next_tick_chain_times_out() {
    let o = run_script(
        "a.mjs",
        "function again() { process.nextTick(again); } again();",
        Duration::from_millis(300),
    );
    assert_eq!(o.exit, Exit::TimedOut);
}

#[test]
fn an_interval_never_cleared_times_out_although_the_clock_is_virtual() {
    let o = run_script(
        "a.cjs",
        "setInterval(() => {}, 1000);",
        Duration::from_millis(300),
    );
    assert_eq!(o.exit, Exit::TimedOut);
}

#[test]
fn a_try_catch_cannot_swallow_the_timeout() {
    let o = run_script(
        "a.cjs",
        "for (;;) { try { for (;;) {} } catch (e) { console.log('caught', e); } }",
        Duration::from_millis(300),
    );
    assert_eq!(o.exit, Exit::TimedOut);
    assert!(!stdout(&o).contains("caught"), "{}", stdout(&o));
}

#[test]
fn memory_exhaustion_is_out_of_memory() {
    let o = run_script(
        "a.cjs",
        "const keep = []; for (;;) keep.push(new Array(100000).fill(1));",
        Duration::from_secs(20),
    );
    assert_eq!(
        o.exit,
        Exit::OutOfMemory,
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn deep_recursion_is_a_catchable_range_error() {
    let o = run_script(
        "a.cjs",
        "function f() { return f() + 1; }\n\
         try { f(); } catch (e) { console.log(e instanceof RangeError, e.message); }",
        Duration::from_secs(5),
    );
    assert_eq!(o.exit, Exit::Code(0));
    assert!(stdout(&o).starts_with("true"), "{}", stdout(&o));
}

#[test]
fn exit_codes_are_carried() {
    let o = run_script("a.cjs", "process.exitCode = 3;", Duration::from_secs(5));
    assert_eq!(o.exit, Exit::Code(3));
    let o = run_script(
        "a.cjs",
        "process.on('exit', (c) => console.log('exit', c)); try { process.exit(4); } finally { console.log('not reached'); }",
        Duration::from_secs(5),
    );
    assert_eq!(o.exit, Exit::Code(4));
    assert_eq!(stdout(&o), "exit 4\n");
    let o = run_script("a.mjs", "throw new Error('top');", Duration::from_secs(5));
    assert_eq!(o.exit, Exit::Code(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("top"));
}

#[test]
fn an_uncaught_exception_handler_that_throws_exits_7() {
    let o = run_script(
        "a.cjs",
        "process.on('uncaughtException', () => { throw new Error('again'); });\n\
         setTimeout(() => { throw new Error('first'); }, 1);",
        Duration::from_secs(5),
    );
    assert_eq!(o.exit, Exit::Code(7));
}

#[test]
fn virtual_time_costs_no_real_time() {
    let t = Instant::now();
    let o = run_script(
        "a.cjs",
        "setTimeout(() => console.log('an hour later', performance.now()), 3600 * 1000);",
        Duration::from_secs(5),
    );
    assert_eq!(o.exit, Exit::Code(0));
    assert_eq!(stdout(&o), "an hour later 3600000\n");
    assert!(t.elapsed() < Duration::from_secs(2));
}
