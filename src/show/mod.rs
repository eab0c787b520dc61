//! Presentation: everything that decides how values look on a terminal.
//!
//! Functions here take values from [`crate::sockets`] and [`crate::capture`]
//! and return `String`s, so a test can check the text without a terminal.
//! Colour is added only when [`style::init`] decided it is wanted.
//!
//! - [`style`]: when to colour, and the palette
//! - [`markdown`]: lesson narration, rendered for a terminal
//! - [`steps`]: a system call and the kernel's socket table after it
//! - [`events`]: one line per event of the socket tools
//! - [`errors`]: an error with its explanation and remedy
//! - [`packet`], [`packet_json`]: a dissected frame as a tree, hex dump,
//!   encapsulation diagram, summary line, or JSON
//! - [`ladder`]: a TCP connection as a ladder diagram
//! - [`journey`]: one chat message through every layer (`netlab trace`)
//! - [`xmpp_trace`]: the XML console, one line per stanza
//! - [`structure`]: lesson 4's traces, tables and records, in 80 columns
//! - [`gateway_trace`]: the gateway's events and both sides' traffic
//! - [`analogies`]: lesson 9's phone-call and SMS analogies, measured
//! - [`osi_live`]: lesson 7's router, switch and PDU names

pub mod analogies;
pub mod errors;
pub mod events;
pub mod gateway_trace;
pub mod hops;
pub mod journey;
pub mod ladder;
pub mod markdown;
pub mod osi_live;
pub mod packet;
pub mod packet_fields;
pub mod packet_json;
pub mod steps;
pub mod structure;
pub mod style;
pub mod xmpp_trace;

/// Wraps `text` at `width` columns, indenting every line after the first
/// by `indent` spaces. Words longer than a line are left whole.
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut column = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if column > indent && column + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
        } else if !out.is_empty() {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

/// `text` cut into lines of at most `width` characters, each after the
/// first starting with `indent` spaces (counted in the width). Breaks go
/// at a space (which is dropped) or between `>` and `<`; a line with
/// neither is cut where it is full.
pub fn fold(text: &str, width: usize, indent: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut start = 0;
    let mut room = width;
    while chars.len() - start > room {
        let window = &chars[start..=start + room];
        // The last good break in the window: after a space, or between
        // `>` and `<`.
        let cut = (1..window.len()).rev().find_map(|i| {
            if window[i] == ' ' {
                Some((i, i + 1))
            } else if window[i - 1] == '>' && window[i] == '<' {
                Some((i, i))
            } else {
                None
            }
        });
        let (end, next) = cut.unwrap_or((room, room));
        lines.push(chars[start..start + end].iter().collect());
        start += next;
        room = width.saturating_sub(indent).max(1);
    }
    lines.push(chars[start..].iter().collect());
    let pad = " ".repeat(indent);
    lines.join(&format!("\n{pad}"))
}

#[cfg(test)]
mod tests {
    use super::{fold, wrap};

    #[test]
    fn wraps_at_width_with_indent() {
        let text = "one two three four five six";
        assert_eq!(wrap(text, 15, 2), "one two three\n  four five six");
        assert_eq!(wrap("", 10, 2), "");
        assert_eq!(
            wrap("averyveryverylongword x", 5, 0),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn fold_cuts_long_words() {
        let lines = |text: &str| -> Vec<String> {
            fold(text, 3, 0).lines().map(str::to_owned).collect()
        };
        assert_eq!(lines("ab cdefgh i"), ["ab", "cde", "fgh", "i"]);
        assert_eq!(fold("", 3, 0), "");
    }
}
