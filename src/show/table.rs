//! Tables that fit the terminal.
//!
//! `tabled` sizes every column to its widest cell, so one long sentence
//! makes a table wider than the screen, and the terminal then wraps each
//! row into a zig-zag. [`fit`] first decides how wide each column may be
//! — taking a column at a time from the widest, never below its longest
//! word, until the table fits the width in use
//! ([`super::width::current`]) — then wraps every cell at word
//! boundaries with [`super::wrap`], and only then lets `tabled` draw the
//! lines. (tabled's own `Width::wrap` cuts inside words when a cell has
//! several lines, so "name: im" became "nam" / "e: im".)
//!
//! Read before: [`super::width`].

use tabled::Tabled;
use tabled::builder::Builder;
use tabled::settings::Style;

use super::{width, wrap};

/// Rows of a `#[derive(Tabled)]` type as a table no wider than the width
/// in use.
pub fn fit<T: Tabled>(rows: impl IntoIterator<Item = T>) -> String {
    let mut records = vec![
        T::headers()
            .into_iter()
            .map(|h| h.into_owned())
            .collect::<Vec<_>>(),
    ];
    records.extend(
        rows.into_iter().map(|row| {
            row.fields().into_iter().map(|f| f.into_owned()).collect()
        }),
    );
    fit_records(records, width::current())
}

/// Records (the first one is the header) as a table no wider than
/// `columns`, if the longest words allow it.
pub fn fit_records(records: Vec<Vec<String>>, columns: usize) -> String {
    let count = records.iter().map(Vec::len).max().unwrap_or(0);
    let column = |i: usize| records.iter().filter_map(move |r| r.get(i));
    let widest_line = |cell: &String| cell.lines().map(width::of).max();
    // Chinese has no spaces, and [`wrap`] may break it between any two
    // characters: such a "word" needs only a little room.
    let word_floor = |word: &str| {
        if word.chars().any(|c| width::of_char(c) > 1) {
            4
        } else {
            width::of(word)
        }
    };
    let widest_word =
        |cell: &String| cell.split_whitespace().map(word_floor).max();
    let mut widths: Vec<usize> = (0..count)
        .map(|i| column(i).filter_map(widest_line).max().unwrap_or(0))
        .collect();
    let floors: Vec<usize> = (0..count)
        .map(|i| column(i).filter_map(widest_word).max().unwrap_or(0))
        .collect();
    // Each column costs its text plus "│ " and " "; the table one more
    // "│" at the right.
    let room = columns.saturating_sub(3 * count + 1);
    while widths.iter().sum::<usize>() > room {
        // Narrow the widest column that can still give a column.
        let Some(i) = (0..count)
            .filter(|&i| widths[i] > floors[i])
            .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)))
        else {
            break;
        };
        widths[i] -= 1;
    }
    let mut builder = Builder::default();
    for record in records {
        builder.push_record(record.iter().enumerate().map(|(i, cell)| {
            cell.lines()
                .map(|line| wrap(line, widths[i], 0))
                .collect::<Vec<_>>()
                .join("\n")
        }));
    }
    let mut table = builder.build();
    table.with(Style::sharp());
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn wide_tables_wrap_their_widest_column_at_words() {
        let text = fit_records(
            records(&[
                &["port", "what"],
                &[
                    "5222",
                    "XMPP client to server, the port a client connects to \
                     when it has no SRV record (RFC 6120 § 14.7)",
                ],
                &["5269", "name: xmpp-server\nserver to server"],
            ]),
            40,
        );
        for line in text.lines() {
            assert!(width::of(line) <= 40, "{line}");
        }
        assert!(text.contains("│ 5222 │"), "{text}");
        assert!(text.contains("name: xmpp-server"), "{text}");
    }

    #[test]
    fn narrow_tables_are_left_alone() {
        let text = fit_records(records(&[&["a", "b"], &["1", "2"]]), 80);
        assert_eq!(text.lines().nth(1), Some("│ a │ b │"));
    }
}
