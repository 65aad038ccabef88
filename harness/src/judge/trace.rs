//! The trace channel (protocol 1, `harness/PROTOCOL.md`) and the canonical trace it yields.
//!
//! The prelude writes one ASCII record per event to a channel that is not the case's stdout
//! or stderr: `@@AH1 <seq> <mac> <kind> <text>`. `mac` is a checksum keyed with a per-run secret
//! that only the prelude saw, and `seq` counts records from 0. The parser keeps a record only
//! when both check out, so text a case prints or writes anywhere cannot become an event, and a
//! record cut short by a crash is dropped rather than misread. Everything written before a crash
//! is already in the pipe, so it survives.

use std::fmt::Write as _;

/// The record marker; also the protocol version.
pub const MARKER: &str = "@@AH1 ";

/// How much of the trace channel is kept; a trace beyond this is cut and reported.
pub const CHANNEL_BYTES: usize = 32 * 1024 * 1024;

/// What the channel held, decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    /// Canonical trace lines, in the order they were written.
    pub events: Vec<String>,
    /// The prelude started (its `hello` record arrived).
    pub started: bool,
    /// The process reached its `exit` listeners; the code they saw.
    pub ended: Option<i64>,
    /// Lines that were not valid records (forged, garbled or foreign), ignored.
    pub rejected: usize,
    /// A record was cut off at the end of the stream (the process died while writing).
    pub truncated_tail: bool,
    /// A valid record arrived out of sequence: records were lost or the channel was tampered
    /// with. The trace cannot be trusted past this point.
    pub broken: Option<String>,
}

/// Generate a fresh 16-hex-digit key for one run.
pub fn new_key() -> String {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // Fall back to time and pid: still unknown to the case script, which never sees it.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        bytes = ((t as u64) ^ ((std::process::id() as u64) << 32)).to_le_bytes();
    }
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h
}

/// The keyed checksum of the prelude (`mac` in prelude.js), over the record's bytes. Records
/// are ASCII, so bytes and UTF-16 code units coincide.
pub fn mac(key: &str, data: &str) -> String {
    let k1 = u32::from_str_radix(key.get(0..8).unwrap_or("0"), 16).unwrap_or(0);
    let k2 = u32::from_str_radix(key.get(8..16).unwrap_or("0"), 16).unwrap_or(0);
    let mut a = k1 ^ 0x811c_9dc5;
    let mut b = k2 ^ 0x2f1a_8e3d;
    for c in data.bytes() {
        a = (a ^ c as u32).wrapping_mul(0x0100_0193);
        b = (b ^ c as u32).wrapping_mul(0x9e37_79b1);
    }
    format!(
        "{:08x}{:08x}",
        fmix(a ^ b),
        fmix(b.wrapping_add(a.wrapping_mul(3)))
    )
}

/// Undo the prelude's ASCII escaping (`\\`, `\n`, `\uXXXX`), restoring surrogate pairs.
fn unescape(s: &str) -> Option<String> {
    let mut units: Vec<u16> = Vec::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            units.push(c as u16);
            continue;
        }
        match chars.next()? {
            '\\' => units.push(b'\\' as u16),
            'n' => units.push(b'\n' as u16),
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                units.push(u16::from_str_radix(&hex, 16).ok()?);
            }
            _ => return None,
        }
    }
    Some(String::from_utf16_lossy(&units))
}

/// Decode the raw bytes of the channel with the run's key.
pub fn parse_channel(key: &str, raw: &[u8]) -> Channel {
    let mut ch = Channel::default();
    let text = String::from_utf8_lossy(raw);
    let mut pieces: Vec<&str> = text.split('\n').collect();
    // The piece after the last newline is an unfinished record, if anything.
    if let Some(last) = pieces.pop() {
        if !last.is_empty() {
            ch.truncated_tail = true;
        }
    }
    let mut next_seq: u64 = 0;
    for line in pieces {
        // Anything before the last marker on a line is foreign text that reached the channel
        // without a newline; the record proper starts at the marker.
        let Some(at) = line.rfind(MARKER) else {
            ch.rejected += 1;
            continue;
        };
        let rec = &line[at + MARKER.len()..];
        let mut parts = rec.splitn(3, ' ');
        let (Some(seq), Some(sum), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            ch.rejected += 1;
            continue;
        };
        let Ok(seq_n) = seq.parse::<u64>() else {
            ch.rejected += 1;
            continue;
        };
        if mac(key, &format!("{seq} {body}")) != sum {
            ch.rejected += 1;
            continue;
        }
        if at > 0 {
            // Foreign text preceded the record on its line.
            ch.rejected += 1;
        }
        if seq_n != next_seq {
            ch.broken = Some(format!(
                "record {seq_n} arrived where record {next_seq} was due; records were lost or the channel was tampered with"
            ));
            break;
        }
        next_seq += 1;
        let (kind, rest) = body.split_once(' ').unwrap_or((body, ""));
        let Some(rest) = unescape(rest) else {
            ch.broken = Some(format!("record {seq_n} has an invalid escape"));
            break;
        };
        match kind {
            "hello" => ch.started = true,
            "log" => ch.events.push(rest),
            "hook" => ch.events.push(format!("hook {rest}")),
            "uncaught" => ch.events.push(format!("uncaught {rest}")),
            "end" => ch.ended = rest.trim().parse().ok(),
            other => {
                ch.broken = Some(format!("record {seq_n} has unknown kind `{other}`"));
                break;
            }
        }
    }
    ch
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(key: &str, seq: u64, body: &str) -> String {
        format!(
            "{MARKER}{seq} {} {body}\n",
            mac(key, &format!("{seq} {body}"))
        )
    }

    #[test]
    fn valid_records_become_events() {
        let k = "0123456789abcdef";
        let raw = [
            rec(k, 0, "hello 1"),
            rec(k, 1, "log a: 1"),
            rec(k, 2, "hook init Timeout:1 trigger=root"),
            rec(k, 3, "end 0"),
        ]
        .concat();
        let ch = parse_channel(k, raw.as_bytes());
        assert!(ch.started);
        assert_eq!(ch.events, vec!["a: 1", "hook init Timeout:1 trigger=root"]);
        assert_eq!(ch.ended, Some(0));
        assert_eq!(ch.rejected, 0);
        assert!(ch.broken.is_none());
    }

    #[test]
    fn forged_records_are_rejected() {
        let k = "0123456789abcdef";
        let wrong = "fedcba9876543210";
        let raw = [
            rec(k, 0, "hello 1"),
            rec(wrong, 1, "log forged: 1"),
            "@@AH1 1 0000000000000000 log forged: 2\n".to_string(),
            rec(k, 1, "log real: 1"),
        ]
        .concat();
        let ch = parse_channel(k, raw.as_bytes());
        assert_eq!(ch.events, vec!["real: 1"]);
        assert_eq!(ch.rejected, 2);
        assert!(ch.broken.is_none());
    }

    #[test]
    fn garbage_before_a_record_does_not_hide_it() {
        let k = "0123456789abcdef";
        let raw = format!(
            "{}junk @@AH1 junk{}",
            rec(k, 0, "hello 1"),
            rec(k, 1, "log a:")
        );
        let ch = parse_channel(k, raw.as_bytes());
        assert_eq!(ch.events, vec!["a:"]);
    }

    #[test]
    fn a_half_written_record_is_dropped_and_noted() {
        let k = "0123456789abcdef";
        let full = rec(k, 1, "log b: 2");
        let raw = format!("{}{}", rec(k, 0, "log a: 1"), &full[..full.len() - 4]);
        let ch = parse_channel(k, raw.as_bytes());
        assert_eq!(ch.events, vec!["a: 1"]);
        assert!(ch.truncated_tail);
    }

    #[test]
    fn a_gap_in_sequence_breaks_the_channel() {
        let k = "0123456789abcdef";
        let raw = [rec(k, 0, "log a:"), rec(k, 2, "log c:")].concat();
        let ch = parse_channel(k, raw.as_bytes());
        assert_eq!(ch.events, vec!["a:"]);
        assert!(ch.broken.is_some());
    }

    #[test]
    fn escapes_round_trip() {
        assert_eq!(unescape("a\\\\b\\nc\\u00e9").unwrap(), "a\\b\nc\u{e9}");
        assert_eq!(unescape("\\ud83d\\ude00").unwrap(), "\u{1f600}");
        assert!(unescape("bad\\x").is_none());
    }
}
