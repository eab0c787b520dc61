//! A ladder across several parties, one rung per piece of XML that went
//! from one to the next, with the time it was sent: lesson 5's picture of
//! alice → a.example → b.example → bob.
//!
//! ```text
//!      ms     alice           a.example         b.example           bob
//!    0.00       │─presence──────▶│                 │                 │
//!               <presence to="bob@b.example" type="subscribe"/>
//!    0.85       │                │─presence───────▶│                 │
//! ```
//!
//! The arrow carries a short label; the XML (or what it means) follows
//! underneath, wrapped to 80 columns — long tokens such as base64 are cut
//! into pieces, since a terminal would wrap them anyway, badly. A note
//! (something one party did, no bytes sent) is a `●` on its lane.
//!
//! `show/ladder.rs` draws the two-party TCP ladder of lesson 9; this one
//! has no sequence numbers, only who sent what to whom, and when.
//!
//! Book: `book/src/lesson-05.md`. Run: `netlab lesson 5`.

use std::fmt::Write as _;

use super::{style, width};

/// Where detail lines start.
const INDENT: usize = 10;
/// Where the first lane's lifeline is; the others follow every
/// [`SPACING`] columns.
const FIRST: usize = 14;
const SPACING: usize = 20;

/// One rung of the ladder.
#[derive(Clone, Debug, PartialEq)]
pub struct Rung {
    /// Milliseconds since the first rung.
    pub ms: f64,
    /// The sender's lane (0 = leftmost).
    pub from: usize,
    /// The receiver's lane; the same as `from` for a note.
    pub to: usize,
    /// A few words on the arrow (cut to fit).
    pub label: String,
    /// What follows underneath: the XML, or what it means.
    pub detail: Vec<String>,
}

/// Draws `rungs` between lifelines named `lanes` (at most four).
pub fn render(lanes: &[&str], rungs: &[Rung]) -> String {
    let mut out = String::new();
    let mut header = String::from("      ms");
    for (i, name) in lanes.iter().enumerate() {
        let centre = FIRST + SPACING * i;
        let start = centre.saturating_sub(name.chars().count() / 2);
        while header.chars().count() < start {
            header.push(' ');
        }
        header.push_str(name);
    }
    let _ = writeln!(out, "{}", style::heading(&header));
    for rung in rungs {
        let _ = writeln!(out, "{}", arrow_line(lanes.len(), rung));
        if rung.from == rung.to && !fits_beside(rung) {
            // A long note goes underneath, in full.
            for piece in
                super::fold(&rung.label, width::current() - INDENT, 0).lines()
            {
                let _ = writeln!(out, "{}{piece}", " ".repeat(INDENT));
            }
        }
        for line in &rung.detail {
            for piece in super::fold(line, width::current() - INDENT, 0).lines()
            {
                let _ = writeln!(
                    out,
                    "{}{}",
                    " ".repeat(INDENT),
                    style::dim(piece)
                );
            }
        }
    }
    out
}

/// `   12.34       │────label─────▶│      …`
fn arrow_line(lanes: usize, rung: &Rung) -> String {
    let last = FIRST + SPACING * (lanes.saturating_sub(1));
    let mut cells: Vec<char> = vec![' '; last + 1];
    for i in 0..lanes {
        cells[FIRST + SPACING * i] = '│';
    }
    let time: Vec<char> = format!("{:>8.2}", rung.ms).chars().collect();
    cells[..time.len()].copy_from_slice(&time);
    let (from, to) = (FIRST + SPACING * rung.from, FIRST + SPACING * rung.to);
    if from == to {
        cells[from] = '●';
        let mut line: String = cells.into_iter().take(from + 1).collect();
        if fits_beside(rung) {
            line.push(' ');
            line.push_str(&rung.label);
        }
        return line;
    }
    let (left, right) = (from.min(to), from.max(to));
    let inner = right - left - 1;
    let label = cut(&rung.label, inner.saturating_sub(3));
    let mut shaft: Vec<char> = vec!['─'; inner];
    let label: Vec<char> = label.chars().collect();
    // The label starts one dash after the sender's lifeline.
    let at = if from < to {
        1
    } else {
        inner - 1 - label.len()
    };
    shaft[at..at + label.len()].copy_from_slice(&label);
    if from < to {
        shaft[inner - 1] = '▶';
    } else {
        shaft[0] = '◀';
    }
    cells[left + 1..right].copy_from_slice(&shaft);
    cells.into_iter().collect::<String>().trim_end().to_owned()
}

/// Whether a note fits on its line, after the `●` (in display columns:
/// a Chinese note takes two per character).
fn fits_beside(rung: &Rung) -> bool {
    let room = width::current().saturating_sub(FIRST + SPACING * rung.from + 2);
    width::of(&rung.label) <= room
}

/// `text` shortened to `room` characters, with `…` when cut.
fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(room.saturating_sub(1)).collect();
    kept.push('…');
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rung(from: usize, to: usize, label: &str) -> Rung {
        Rung {
            ms: 1.5,
            from,
            to,
            label: label.into(),
            detail: vec!["x".repeat(200)],
        }
    }

    #[test]
    fn arrows_point_from_sender_to_receiver_and_fit_80_columns() {
        colored::control::set_override(false);
        let lanes = ["alice", "a.example", "b.example", "bob"];
        let out = render(
            &lanes,
            &[
                rung(0, 1, "presence"),
                rung(2, 1, "db:verify valid"),
                rung(3, 3, "a note that is rather long ".repeat(5).as_str()),
            ],
        );
        for line in out.lines() {
            assert!(line.chars().count() <= width::current(), "{line}");
        }
        assert!(out.contains("│─presence"), "{out}");
        assert!(out.contains("──▶│"), "{out}");
        assert!(out.contains("│◀─"), "{out}");
        assert!(out.contains("db:verify valid─│"), "{out}");
        assert!(out.contains("          a note that"), "{out}");
    }
}
