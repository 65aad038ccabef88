//! `cargo xtask ...`: the project's front door. It only parses the command line, declared
//! below with clap, into the options of `harness::workflow` and calls the workflow; all logic
//! lives (and is tested) there.
//!
//! Exit codes: 0 everything passed, 1 some case did not pass (with `--check`: the run differs
//! from a baseline), 2 invalid input or usage.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use cli::{BaselinesAction, Bench, Cli, Command, RuntimesAction};
use harness::input::project::Project;
use harness::workflow::cargo::{self, BenchOptions};
use harness::workflow::conformance;
use harness::workflow::emit::Emitter;
use harness::workflow::exit::UsageError;
use harness::workflow::report::ReportOptions;
use harness::workflow::{
    compare, explore, matrix, merge, mutants, neutrality, refresh, report, runtimes,
};

fn main() -> ExitCode {
    harness::exec::runner::request_big_thread_stacks();
    let Some(command) = Cli::parse_from(cli::args()).command else {
        let help = Cli::command().print_long_help();
        return help.map_or(ExitCode::from(2), |()| ExitCode::SUCCESS);
    };
    let emit = &Emitter::terminal();
    let exit = match command {
        Command::Conformance(c) => conformance::run(&Project::locate(), &c.into(), emit),
        Command::Matrix { runtime } => matrix::matrix(&Project::locate(), &runtime, emit),
        Command::Merge { out, inputs } => Ok(merge::merge(&out, &inputs, emit)),
        Command::Compare { old, new } => Ok(compare::compare(&old, &new, emit)),
        Command::Report { results, out } => {
            let results = results.into_iter().map(PathBuf::from).collect();
            let out = out.map(PathBuf::from);
            let opts = ReportOptions { results, out };
            report::report(&Project::locate(), &opts, emit)
        }
        Command::Runtimes { action } => Ok(match action {
            RuntimesAction::Install { names } => {
                runtimes::install(&Project::locate(), &names, emit)
            }
            RuntimesAction::List => runtimes::list(&Project::locate(), emit),
        }),
        Command::Baselines {
            action: BaselinesAction::Update { names, install },
        } => {
            let opts = refresh::RefreshOptions {
                runtimes: names,
                install,
            };
            refresh::update(&Project::locate(), &opts, emit)
        }
        Command::Mutants(m) => mutants::mutants(&Project::locate(), &m.into(), emit),
        Command::Neutrality(n) => neutrality::neutrality(&Project::locate(), &n.into(), emit),
        Command::Explore(e) => explore::explore(&Project::locate(), &e.into(), emit),
        Command::Bench(Bench {
            runtimes,
            rounds,
            write,
        }) => Ok(cargo::bench(
            &BenchOptions {
                runtimes,
                rounds,
                write,
            },
            emit,
        )),
        Command::Test { args, after } => Ok(cargo::test(&cargo::test_args(&args, &after), emit)),
        Command::Unknown(args) => Err(UsageError(format!(
            "unknown command `{}`",
            args.first().map(String::as_str).unwrap_or_default()
        ))),
    };
    exit.map_or_else(usage_error, ExitCode::from)
}

/// A usage error the workflow found after parsing: exit 2, with where to read more.
fn usage_error(e: UsageError) -> ExitCode {
    let known = |t: &String| Cli::command().find_subcommand(t).is_some();
    let topic = std::env::args().nth(1).filter(known);
    let topic = topic.map(|t| format!(" {t}")).unwrap_or_default();
    eprintln!("error: {e}\n\nFor more information, try 'cargo xtask help{topic}'.");
    ExitCode::from(2)
}
