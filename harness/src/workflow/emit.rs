//! Where a command's messages go. Three kinds: data a command produces (Markdown, listings)
//! always on stdout; notes about files written, problems and progress always on stderr; and
//! the run's human summary, on stdout except when libtest streams JSON there (`--format
//! json`), so that stdout stays one JSON event per line.
//!
//! One emitter is made by the front door and handed to each workflow function; tests make a
//! capturing one and read back what a function said, without spawning the CLI.

use std::fmt::Display;
use std::sync::{Arc, Mutex};

/// What a capturing emitter collected, stream by stream.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
}

/// The destination of a command's messages.
#[derive(Debug, Clone, Default)]
pub struct Emitter {
    /// libtest owns stdout for JSON: the summary moves to stderr.
    json_stdout: bool,
    /// `None`: the process's own stdout and stderr.
    capture: Option<Arc<Mutex<Captured>>>,
}

impl Emitter {
    /// Writes to this process's stdout and stderr.
    pub fn terminal() -> Emitter {
        Emitter::default()
    }

    /// Keeps everything in memory, for tests; read it back with [`Emitter::captured`].
    pub fn capturing() -> Emitter {
        Emitter {
            json_stdout: false,
            capture: Some(Arc::default()),
        }
    }

    /// The same destination, for a run whose stdout carries libtest's JSON events when
    /// `json` is set.
    pub fn with_json_stdout(&self, json: bool) -> Emitter {
        Emitter {
            json_stdout: json,
            capture: self.capture.clone(),
        }
    }

    /// What was said so far (empty for a terminal emitter).
    pub fn captured(&self) -> Captured {
        self.capture
            .as_ref()
            .map(|c| lock(c).clone())
            .unwrap_or_default()
    }

    /// A line of the run's human summary.
    pub fn say(&self, line: impl Display) {
        if self.json_stdout {
            self.note(line);
        } else {
            self.out(format_args!("{line}\n"));
        }
    }

    /// A line for the person at the terminal: files written, problems, progress.
    pub fn note(&self, line: impl Display) {
        match &self.capture {
            None => eprintln!("{line}"),
            Some(c) => lock(c).stderr.push_str(&format!("{line}\n")),
        }
    }

    /// Whether progress redraws one line in place: stderr is a terminal of this process.
    pub fn interactive(&self) -> bool {
        self.capture.is_none() && std::io::IsTerminal::is_terminal(&std::io::stderr())
    }

    /// A progress line that replaces the previous one (on a terminal only: see
    /// [`Emitter::interactive`]); end it with [`Emitter::progress_end`]. Elsewhere nothing is
    /// written: a log gets the plain notes the command makes at each step instead.
    pub fn progress(&self, line: impl Display) {
        if self.interactive() {
            eprint!("\r{line}\x1b[K");
        }
    }

    /// Leave the progress line as it is and go on below it.
    pub fn progress_end(&self) {
        if self.interactive() {
            eprintln!();
        }
    }

    /// Text a command produces, as is (no newline added).
    pub fn out(&self, text: impl Display) {
        match &self.capture {
            None => print!("{text}"),
            Some(c) => lock(c).stdout.push_str(&text.to_string()),
        }
    }
}

/// A poisoned lock only means a test thread panicked while writing; the text is still there.
fn lock(c: &Mutex<Captured>) -> std::sync::MutexGuard<'_, Captured> {
    c.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_moves_to_stderr_when_stdout_is_for_json() {
        let plain = Emitter::capturing();
        plain.say("summary: x");
        plain.note("written");
        plain.out("data");
        assert_eq!(
            plain.captured(),
            Captured {
                stdout: "summary: x\ndata".into(),
                stderr: "written\n".into()
            }
        );

        let base = Emitter::capturing();
        let json = base.with_json_stdout(true);
        json.say("summary: x");
        json.out("{}\n");
        // The derived emitter shares the destination of the one it came from.
        assert_eq!(base.captured().stdout, "{}\n");
        assert_eq!(base.captured().stderr, "summary: x\n");
    }
}
