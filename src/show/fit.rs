//! Lines cut to the terminal's width, for one-line-per-item output read on
//! a screen (`netlab dissect --summary`, `netlab capture --summary`).
//!
//! A summary line holds everything tshark's would, and is often wider than
//! a terminal (130 columns for a TCP segment with its XMPP element). Piped
//! into a file or `grep`, it stays whole; on a terminal, a line that would
//! wrap into a zig-zag is cut at the width and ends with `…`. The cut
//! counts display columns ([`super::width::of_char`]), so Chinese text
//! and `→` are measured as they print.

use std::io::{self, Write};

use super::width;

/// A writer that passes whole lines on, each cut to `columns`.
pub struct Lines<W: Write> {
    inner: W,
    columns: usize,
    line: Vec<u8>,
}

impl<W: Write> Lines<W> {
    /// Lines of at most `columns` display columns, written to `inner`.
    pub fn new(inner: W, columns: usize) -> Self {
        Lines {
            inner,
            columns: columns.max(2),
            line: Vec::with_capacity(256),
        }
    }

    fn emit(&mut self) -> io::Result<()> {
        let text = String::from_utf8_lossy(&self.line);
        let body = text.trim_end_matches('\n');
        if width::of(body) <= self.columns {
            self.inner.write_all(&self.line)?;
        } else {
            let mut used = 0;
            let mut cut = String::with_capacity(self.columns * 4);
            for c in body.chars() {
                let w = width::of_char(c);
                if used + w > self.columns - 1 {
                    break;
                }
                used += w;
                cut.push(c);
            }
            cut.push('…');
            if text.ends_with('\n') {
                cut.push('\n');
            }
            self.inner.write_all(cut.as_bytes())?;
        }
        self.line.clear();
        Ok(())
    }
}

impl<W: Write> Write for Lines<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.line.extend_from_slice(&rest[..=at]);
            self.emit()?;
            rest = &rest[at + 1..];
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.line.is_empty() {
            self.emit()?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fit(text: &str, columns: usize) -> String {
        let mut out = Lines::new(Vec::new(), columns);
        out.write_all(text.as_bytes()).expect("vec");
        out.flush().expect("vec");
        String::from_utf8(out.inner).expect("utf-8")
    }

    #[test]
    fn short_lines_pass_unchanged_and_long_ones_end_with_an_ellipsis() {
        assert_eq!(fit("short\n", 10), "short\n");
        assert_eq!(fit("0123456789abc\nok\n", 10), "012345678…\nok\n");
    }

    #[test]
    fn wide_characters_count_two_columns() {
        // 1 + 1 + 2 + 2 columns, then the ellipsis: 7 of 8.
        assert_eq!(fit("→ 中文中文中文\n", 8), "→ 中文…\n");
    }

    #[test]
    fn a_line_split_across_writes_is_cut_once() {
        let mut out = Lines::new(Vec::new(), 6);
        for piece in ["abc", "defgh", "ij\nxy", "\n"] {
            out.write_all(piece.as_bytes()).expect("vec");
        }
        out.flush().expect("vec");
        assert_eq!(
            String::from_utf8(out.inner).expect("utf-8"),
            "abcde…\nxy\n"
        );
    }
}
