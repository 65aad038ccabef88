//! `ah-reference FILE`: run one JavaScript file on the reference runtime, as `node FILE` would.
//!
//! stdin is read to the end and offered as `/dev/stdin`; stdout, stderr and fd 3 (the trace
//! channel, when the caller opened it) are written through. The exit status is the run's exit
//! code; a timeout exits 124 and running out of memory 134, with a message on stderr.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use reference_impl::{run, Exit, Options, VERSION};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut timeout = Duration::from_secs(60);
    let mut file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--version" | "-v" => {
                println!("v{VERSION}");
                return ExitCode::SUCCESS;
            }
            "--timeout-ms" => match it.next().and_then(|v| v.parse().ok()) {
                Some(ms) => timeout = Duration::from_millis(ms),
                None => return usage("--timeout-ms needs a number of milliseconds"),
            },
            other if other.starts_with('-') => return usage(&format!("unknown option {other}")),
            other => file = Some(PathBuf::from(other)),
        }
    }
    let Some(file) = file else {
        return usage("no file given");
    };
    let cwd = match std::env::current_dir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("ah-reference: cannot read the current directory: {e}");
            return ExitCode::from(2);
        }
    };
    let main = if file.is_absolute() {
        file
    } else {
        cwd.join(file)
    };
    if !main.is_file() {
        eprintln!("ah-reference: {}: no such file", main.display());
        return ExitCode::from(2);
    }
    let mut stdin = String::new();
    if !atty_stdin() {
        let _ = std::io::stdin().read_to_string(&mut stdin);
    }
    let mut opts = Options::new(cwd, main);
    opts.stdin = stdin;
    opts.timeout = timeout;
    opts.passthrough = true;
    let out = run(&opts);
    match out.exit {
        Exit::Code(c) => ExitCode::from((c & 0xff) as u8),
        Exit::TimedOut => {
            eprintln!("ah-reference: timed out after {} ms", timeout.as_millis());
            ExitCode::from(124)
        }
        Exit::OutOfMemory => {
            eprintln!("ah-reference: out of memory");
            ExitCode::from(134)
        }
        Exit::Internal(msg) => {
            eprintln!("ah-reference: internal error: {msg}");
            ExitCode::from(70)
        }
    }
}

fn atty_stdin() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(0) == 1 }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("ah-reference: {msg}\nusage: ah-reference [--timeout-ms N] FILE.(js|cjs|mjs)");
    ExitCode::from(2)
}
