//! The signature of a disagreement between two traces of one generated program: what kind of
//! line differs and how, and where in the program it was traced, so that the programs that
//! disagree for one cause fall into one group whatever their labels, values and ids.

use crate::input::program::Program;
use crate::judge::expect::first_divergence;

/// A trace line of a generated program: its label and the two stores.
fn parse_line(line: &str) -> Option<(u32, &str)> {
    let (label, rest) = line.split_once(": ")?;
    let n = label.strip_prefix('t')?.parse().ok()?;
    Some((n, rest))
}

/// The signature of a disagreement: how the first divergent line differs and where in the
/// program it was traced (the operations enclosing it, repeats folded), so that one cause
/// gives one group whatever the labels and values. `None` when the traces agree.
pub fn signature(program: &Program, truth: &[String], other: &[String]) -> Option<String> {
    let d = first_divergence(truth, other)?;
    // The innermost operation only: the paths of programs that disagree for one cause differ
    // in everything around it (the full path is in the minimised case's title).
    let path = |label: u32| -> String {
        let kinds = program.path_to(label).unwrap_or_default();
        match kinds.last() {
            Some(k) => (*k).to_string(),
            None => "the top level".into(),
        }
    };
    fn traced(l: &Option<String>) -> Option<(u32, &str)> {
        l.as_deref().and_then(parse_line)
    }
    let end = |l: &Option<String>| match l.as_deref() {
        None => "nothing".to_string(),
        // An uncaught error's message names values; its kind is enough.
        Some(l) => l.split([':', ' ']).next().unwrap_or(l).to_string(),
    };
    let observed_line = |l: &str| parse_line(l).is_some() || hook_event(l).is_some();
    // A run that ends where a trace or hook line was due (an uncaught error, an exit, a
    // signal) ends for its own cause, wherever that was: the ending (an error's name and
    // message, the exit code) is the signature.
    if let Some(err) = d
        .observed
        .as_deref()
        .filter(|l| !observed_line(l) && d.expected.as_deref().is_some_and(observed_line))
    {
        let mut e = err.to_string();
        if e.len() > 120 {
            let cut = (0..=120)
                .rev()
                .find(|i| e.is_char_boundary(*i))
                .unwrap_or(0);
            e.truncate(cut);
            e.push('…');
        }
        return Some(format!("ends early: {e}"));
    }
    if let Some(sig) = hook_signature(truth, other, &d.expected, &d.observed) {
        return Some(sig);
    }
    Some(match (traced(&d.expected), traced(&d.observed)) {
        (Some((a, va)), Some((b, vb))) if a == b => {
            let (ea, eb) = (
                va.split(", ").collect::<Vec<_>>(),
                vb.split(", ").collect::<Vec<_>>(),
            );
            let how = ea
                .iter()
                .zip(&eb)
                .find(|(x, y)| x != y)
                .map(|(x, y)| match (*x == "undefined", *y == "undefined") {
                    (false, true) => "store lost",
                    (true, false) => "store leaked",
                    _ => "another store",
                })
                .unwrap_or("other values");
            format!("{how} in {}", path(a))
        }
        // A line that the other side never traces is missing, not out of order (its
        // callback never ran, or stopped early).
        (Some((a, _)), Some(_))
            if !other
                .iter()
                .any(|l| parse_line(l).is_some_and(|(n, _)| n == a)) =>
        {
            format!("missing line in {}", path(a))
        }
        (Some((a, _)), Some((b, _))) => {
            format!("order: {} came where {} should", path(b), path(a))
        }
        (Some((a, _)), None) => {
            format!("missing line in {}, {} instead", path(a), end(&d.observed))
        }
        (None, Some((b, _))) => format!("extra line in {}", path(b)),
        (None, None) => format!(
            "ends with {} instead of {}",
            end(&d.observed),
            end(&d.expected)
        ),
    })
}

/// A hook line's event and resource type: `hook init Timeout:1 trigger=root` is
/// `("init", "Timeout")`.
fn hook_event(line: &str) -> Option<(&str, &str)> {
    let mut words = line.strip_prefix("hook ")?.split(' ');
    let event = words.next()?;
    let resource = words.next()?;
    Some((
        event,
        resource.rsplit_once(':').map_or(resource, |(t, _)| t),
    ))
}

/// The signature of a divergence at a hook line, named by event and resource type (never by
/// ids): an event of a type that one side shows fewer times than the other (`missing`,
/// `extra`), else the same event of another resource or trigger, else an order.
fn hook_signature(
    truth: &[String],
    other: &[String],
    expected: &Option<String>,
    observed: &Option<String>,
) -> Option<String> {
    let (e, o) = (
        expected.as_deref().and_then(hook_event),
        observed.as_deref().and_then(hook_event),
    );
    if e.is_none() && o.is_none() {
        return None;
    }
    let count = |lines: &[String], ev: (&str, &str)| {
        lines.iter().filter(|l| hook_event(l) == Some(ev)).count()
    };
    for ev in truth.iter().filter_map(|l| hook_event(l)) {
        if count(other, ev) < count(truth, ev) {
            return Some(format!("hook {} {} missing", ev.0, ev.1));
        }
    }
    for ev in other.iter().filter_map(|l| hook_event(l)) {
        if count(other, ev) > count(truth, ev) {
            return Some(format!("hook {} {} extra", ev.0, ev.1));
        }
    }
    let name = |ev: Option<(&str, &str)>, line: &Option<String>| match (ev, line) {
        (Some((event, t)), _) => format!("{event} {t}"),
        (None, Some(l)) if parse_line(l).is_some() => "a trace line".to_string(),
        (None, _) => "the end".to_string(),
    };
    Some(match (e, o) {
        (Some(a), Some(b)) if a == b && a.0 == "init" => {
            format!("hook init {}: another trigger", a.1)
        }
        (Some(a), Some(b)) if a == b => format!("hook {} {}: another resource", a.0, a.1),
        _ => format!(
            "hook order: {} came where {} should",
            name(o, observed),
            name(e, expected)
        ),
    })
}
