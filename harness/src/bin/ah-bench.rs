//! `ah-bench [--rounds N]`: the reference runtime's throughput over the corpus. Run it through
//! `cargo xtask bench reference`, which builds it in release mode.

use std::process::ExitCode;

use harness::project::{Project, Suite};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rounds = 5usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--rounds" => match it.next().and_then(|v| v.parse().ok()) {
                Some(n) if n > 0 => rounds = n,
                _ => {
                    eprintln!("ah-bench: --rounds needs a positive number");
                    return ExitCode::from(2);
                }
            },
            "reference" => {}
            other => {
                eprintln!("ah-bench: unknown argument `{other}` (usage: ah-bench [reference] [--rounds N])");
                return ExitCode::from(2);
            }
        }
    }
    let project = Project::locate();
    let suite = match Suite::load_project(&project) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
    };
    match harness::bench::run(&project, &suite, rounds) {
        Ok(report) => {
            print!("{}", report.render());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ah-bench: {e}");
            ExitCode::from(1)
        }
    }
}
