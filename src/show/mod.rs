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

pub mod errors;
pub mod events;
pub mod gateway_trace;
pub mod hops;
pub mod journey;
pub mod ladder;
pub mod markdown;
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

#[cfg(test)]
mod tests {
    use super::wrap;

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
}
