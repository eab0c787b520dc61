//! How wide the output may be: one number, decided in one place.
//!
//! The course is designed for an 80-column terminal (a projector, a
//! laptop's split screen): [`DESIGN`]. The width actually used is the
//! terminal's, so a wider window is not wasted and a narrower one does
//! not zig-zag: `COLUMNS` if set (so tests and transcripts can pin it),
//! else the width of the terminal on stdout, else [`DESIGN`]. It is
//! capped at [`MAX`], because prose wider than that is hard to read.
//!
//! Display width is not `chars().count()`: a CJK character takes two
//! columns, a combining mark none, and an ANSI colour sequence none.
//! [`of`] counts what the terminal will show (Unicode East Asian Width,
//! via the `unicode-width` crate).
//!
//! Read after: [`super::wrap`], [`super::fold`], [`super::markdown`].

use std::io::IsTerminal;

use unicode_width::UnicodeWidthChar;

/// The width the course is designed for, and the default.
pub const DESIGN: usize = 80;

/// Below this, lines would be too short to read; `COLUMNS=10` is taken
/// as this.
pub const MIN: usize = 40;

/// Above this, lines are too long to read comfortably.
pub const MAX: usize = 100;

/// The width to render for: `COLUMNS`, else the terminal's, else
/// [`DESIGN`], kept between [`MIN`] and [`MAX`].
pub fn current() -> usize {
    let asked = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    let terminal = || {
        if !std::io::stdout().is_terminal() {
            return None;
        }
        terminal_size::terminal_size().map(|(w, _)| usize::from(w.0))
    };
    asked.or_else(terminal).unwrap_or(DESIGN).clamp(MIN, MAX)
}

/// Columns `text` takes on a terminal: wide (CJK) characters count two,
/// ANSI escape sequences (colour) count nothing.
pub fn of(text: &str) -> usize {
    let mut columns = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters… final byte in @–~.
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        columns += c.width().unwrap_or(0);
    }
    columns
}

/// Columns one character takes (0 for control characters).
pub fn of_char(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// `text` followed by spaces up to `columns` display columns (nothing
/// when it is already as wide): a column of a table laid out by hand,
/// where `format!("{:<n$}")` would count a Chinese character as one.
pub fn padded(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(of(text));
    format!("{text}{}", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_what_the_terminal_shows() {
        assert_eq!(of("Socket机制"), 10);
        assert_eq!(of("\u{1b}[1;36mhello\u{1b}[0m"), 5);
        assert_eq!(of("e\u{301}"), 1);
        assert_eq!(of("127.0.0.1 → ::1 …"), 17);
        assert_eq!(of(""), 0);
    }
}
