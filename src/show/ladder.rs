//! A TCP connection drawn as a ladder (sequence) diagram: the client on the
//! left, the server on the right, one arrow per segment, and under each
//! arrow what it means. Big and plain enough to project in a classroom.
//!
//! ```text
//!  client 127.0.0.1:50000                               server 127.0.0.1:7000
//!      │  SYN  seq=0  win=65495  MSS 65495, SACK-permitted …     │
//!      ├────────────────────────────────────────────────────────▶│
//!      │  the client opens: it picks its initial sequence …      │
//!      │  on the wire: seq 2775558251                             │
//! ```
//!
//! Read before: `wire::tcp_flow`. Run: `netlab handshake`.

use std::fmt::Write as _;
use std::net::SocketAddr;

use colored::Colorize;

use super::{width, wrap};
use crate::wire::tcp::{Flags, TcpOption};
use crate::wire::tcp_flow::{Direction, Segment};

/// Columns between the two lifelines: 66 at the design width of 80 (the
/// whole ladder is then 73 wide), narrower on a narrower terminal.
fn span() -> usize {
    super::width::current().saturating_sub(14).clamp(40, 66)
}

/// Draws the ladder.
pub fn render(
    client: SocketAddr,
    server: SocketAddr,
    segments: &[Segment],
) -> String {
    let mut out = String::new();
    let span = span();
    let left = crate::tr!("ladder-client", addr = client.to_string());
    let right = crate::tr!("ladder-server", addr = server.to_string());
    let gap = (span + 6).saturating_sub(width::of(&left) + width::of(&right));
    let _ = writeln!(
        out,
        " {}{}{}",
        left.magenta().bold(),
        " ".repeat(gap.max(1)),
        right.blue().bold()
    );
    // Window scaling (RFC 7323 § 2.2): each side's SYN says by how many
    // bits to shift the windows *it* sends later; it applies only if both
    // SYNs carry the option. The SYNs' own windows are never scaled.
    let shift_of = |direction: Direction| {
        segments
            .iter()
            .find(|s| s.direction == direction && s.flags.contains(Flags::SYN))
            .and_then(|s| {
                s.options.iter().find_map(|o| match o {
                    TcpOption::WindowScale(shift) => Some(*shift),
                    _ => None,
                })
            })
    };
    let shifts =
        match (shift_of(Direction::ToServer), shift_of(Direction::ToClient)) {
            (Some(c), Some(s)) => Some((c, s)),
            _ => None,
        };
    // The first scaled window, for the note at the end.
    let mut scaled: Option<(u16, u8)> = None;
    for s in segments {
        let shift = match (shifts, s.direction) {
            (Some(_), _) if s.flags.contains(Flags::SYN) => None,
            (Some((c, _)), Direction::ToServer) => Some(c),
            (Some((_, v)), Direction::ToClient) => Some(v),
            (None, _) => None,
        };
        if let Some(v) =
            shift.filter(|&v| v > 0 && !s.flags.contains(Flags::SYN))
        {
            scaled = scaled.or(Some((s.window, v)));
        }
        // The whole label, on as many lines as it needs: the SYN's
        // options are the point of exercises, never cut off.
        for line in super::fold(&label_scaled(s, shift), span - 1, 2).lines() {
            let _ = writeln!(out, "     │ {}│", pad(line, span - 1));
        }
        let arrow = match s.direction {
            Direction::ToServer => {
                format!("├{}▶│", "─".repeat(span - 1))
            }
            Direction::ToClient => {
                format!("│◀{}┤", "─".repeat(span - 1))
            }
        };
        let arrow = match s.direction {
            Direction::ToServer => arrow.magenta().to_string(),
            Direction::ToClient => arrow.blue().to_string(),
        };
        let _ = writeln!(out, "     {arrow}");
        for line in wrap(&s.meaning, span - 3, 0).lines() {
            let _ = writeln!(out, "     │   {}│", pad(line, span - 3).dimmed());
        }
        // The numbers as they are on the wire; the label shows them
        // relative to each side's ISN, as Wireshark does.
        let absolute = match s.ack {
            Some(_) => crate::tr!(
                "ladder-wire-ack",
                seq = s.seq_absolute,
                ack = s.ack_absolute
            ),
            None => crate::tr!("ladder-wire", seq = s.seq_absolute),
        };
        let _ =
            writeln!(out, "     │   {}│", pad(&absolute, span - 3).dimmed());
    }
    if let Some((window, shift)) = scaled {
        let bytes = u32::from(window) << shift.min(14);
        let note = crate::tr!(
            "ladder-window-note",
            shift = shift,
            window = window,
            unit = 1u32 << shift.min(14),
            bytes = bytes
        );
        let _ = writeln!(out, "{}", wrap(&note, span + 6, 0).dimmed());
    }
    out
}

/// `SYN  seq=0  win=65495  [MSS 65495, SACK-permitted]`, or for data
/// `PSH,ACK  seq=1 ack=1  6 bytes "hello\n"`.
pub fn label(s: &Segment) -> String {
    label_scaled(s, None)
}

/// [`label`], with the window also scaled when the handshake agreed on a
/// `shift`: `win=64 (×128 = 8192)`.
pub fn label_scaled(s: &Segment, shift: Option<u8>) -> String {
    let mut text = format!("{}  seq={}", s.flags, s.seq);
    if let Some(ack) = s.ack {
        let _ = write!(text, " ack={ack}");
    }
    if s.len > 0 {
        let shown = String::from_utf8_lossy(&s.data);
        let data = crate::tr!(
            "ladder-data",
            bytes = s.len,
            text = format!("{shown:?}")
        );
        let _ = write!(text, "  {data}");
    } else {
        let _ = write!(text, "  win={}", s.window);
        if let Some(shift) = shift.filter(|&n| n > 0 && n <= 14) {
            // RFC 7323 § 2.3: a shift above 14 is treated as 14.
            let factor = 1u32 << shift;
            let _ =
                write!(text, " (×{factor} = {})", u32::from(s.window) * factor);
        }
    }
    if !s.options.is_empty() {
        let options: Vec<String> =
            s.options.iter().map(ToString::to_string).collect();
        let _ = write!(text, "  [{}]", options.join(", "));
    }
    text
}

/// Pads or cuts `text` to `width` visible characters.
fn pad(text: &str, width: usize) -> String {
    // Display columns, not characters: Chinese takes two each.
    let visible = strip_ansi(text);
    let count = width::of(&visible);
    if count <= width {
        format!("{text}{}", " ".repeat(width - count))
    } else {
        let mut cut = String::new();
        for c in visible.chars() {
            if width::of(&cut) + width::of_char(c) > width - 1 {
                break;
            }
            cut.push(c);
        }
        format!("{cut}…")
    }
}

/// The text without colour escapes, for measuring.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::tcp::{Flags, TcpOption};

    fn segment(direction: Direction, flags: u8, len: usize) -> Segment {
        Segment {
            direction,
            flags: Flags(flags),
            seq: 0,
            seq_absolute: 1000,
            ack: (flags & 0x10 != 0).then_some(1),
            ack_absolute: 5001,
            len,
            data: b"hello\n"[..len.min(6)].to_vec(),
            window: 65495,
            options: if flags == 0x02 {
                vec![TcpOption::MaxSegmentSize(65495)]
            } else {
                vec![]
            },
            meaning: "the client opens: it picks its initial sequence number"
                .into(),
        }
    }

    #[test]
    fn arrows_point_the_right_way_and_lines_line_up() {
        colored::control::set_override(false);
        let c = "127.0.0.1:50000".parse().expect("addr");
        let s = "127.0.0.1:7000".parse().expect("addr");
        let text = render(
            c,
            s,
            &[
                segment(Direction::ToServer, 0x02, 0),
                segment(Direction::ToClient, 0x12, 0),
                segment(Direction::ToServer, 0x18, 6),
            ],
        );
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("client 127.0.0.1:50000"));
        assert!(lines[0].ends_with("server 127.0.0.1:7000"));
        assert!(lines[1].contains("SYN  seq=0  win=65495  [MSS 65495]"));
        assert!(
            lines[2].trim_start().starts_with('├') && lines[2].ends_with("▶│")
        );
        assert!(
            lines[6].trim_start().starts_with("│◀") && lines[6].ends_with('┤')
        );
        assert!(text.contains(r#"6 bytes "hello\n""#), "{text}");
        assert!(lines[4].contains("on the wire: seq 1000"), "{text}");
        assert!(
            lines[8].contains("on the wire: seq 1000 ack 5001"),
            "{text}"
        );
        let widths: Vec<usize> =
            lines[1..].iter().map(|l| l.chars().count()).collect();
        assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
    }
}
