//! A lesson recorded for the book: its narration, with what each live step
//! printed placed right under the step's marker.
//!
//! The narration (`lessons/NN-slug.md`) marks its live steps with
//! `<!-- demo: NAME -->`, an HTML comment, so in the book the marker is
//! invisible and, without help, the reader sees "Here is the frame …:"
//! followed by the next heading. `netlab lesson N --record FILE` runs the
//! lesson's steps and writes the narration back out with each step's output
//! under its marker:
//!
//! ````markdown
//! <!-- demo: capture -->
//! <!-- recorded: capture -->
//! *▸ What this step printed in a recorded run:*
//!
//! ```text
//! …the step's output, without colour…
//! ```
//! <!-- /recorded -->
//! ````
//!
//! The book's chapters include these files (`book/src/live/`, and
//! `book/zh/src/live/` for the Chinese book, recorded with `--lang zh`),
//! written by `scripts/record-book.sh`. Two checks keep them honest
//! (`tests/book_live.rs`): [`unsplice`] must give back the narration exactly
//! (so an edited lesson without a new recording fails), and a fresh run of
//! the lesson must have the recorded output's shape — the same words, with
//! the numbers that change from run to run (ports, sequence numbers,
//! timings) set aside by [`shape`].
//!
//! Read before: [`super::narration`] (the markers), [`super::player`] (the
//! same steps, played to a terminal).

use std::collections::BTreeMap;

use anyhow::Context;

use super::narration::{Segment, segments};
use super::registry::Lesson;

/// Opens a recorded block; the step's name follows.
const OPEN: &str = "<!-- recorded: ";
/// Closes a recorded block.
const CLOSE: &str = "<!-- /recorded -->";

/// Runs every live step of `lesson` and returns its narration with each
/// step's output in place.
pub fn record(lesson: &Lesson) -> anyhow::Result<String> {
    // In the current language: the Chinese book records `--lang zh`.
    let text = lesson.narration_in(crate::lang::current());
    let (Some(text), Some(make_demo)) = (text, lesson.make_demo) else {
        anyhow::bail!("lesson {} is not built yet", lesson.number);
    };
    // Remedies name `$(command -v netlab)`, not this machine's path, and
    // are wrapped with that name (see crate::program).
    crate::program::portably();
    let mut demo = make_demo();
    let mut outputs = Vec::new();
    for segment in segments(text) {
        if let Segment::Demo(step) = segment {
            let shown = demo.run(step).with_context(|| {
                format!("lesson {}, demo step `{step}`", lesson.number)
            })?;
            outputs.push((step.to_string(), shown));
        }
    }
    Ok(splice(text, &outputs))
}

/// Records `lesson` into the file at `path`; returns how many steps it
/// recorded.
pub fn write(lesson: &Lesson, path: &std::path::Path) -> anyhow::Result<usize> {
    let recorded = record(lesson)?;
    std::fs::write(path, &recorded)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(unsplice(&recorded).steps.len())
}

/// Puts each `(step, output)` under the marker of that step, in order.
/// Markers without an output (or outputs without a marker) are left as
/// they are: [`unsplice`] then reports fewer steps than the lesson has.
pub fn splice(narration: &str, outputs: &[(String, String)]) -> String {
    let mut out = String::with_capacity(narration.len() * 2);
    let mut next = outputs.iter().peekable();
    for line in narration.split_inclusive('\n') {
        out.push_str(line);
        let Some(Segment::Demo(step)) = segments(line).into_iter().next()
        else {
            continue;
        };
        if let Some((_, shown)) = next.next_if(|(name, _)| name == step) {
            if !line.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&block(step, shown));
        }
    }
    out
}

/// One recorded block, ending with a newline.
fn block(step: &str, shown: &str) -> String {
    // A fence longer than any run of backticks in the output, so the output
    // can never close it early.
    let longest = longest_run(shown, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    // The line above the output, for the reader, in the book's language;
    // [`unsplice`] skips it whatever it says.
    let caption = crate::tr!("recording-caption");
    format!(
        "{OPEN}{step} -->\n{caption}\n\n{fence}text\n{}\n{fence}\n{CLOSE}\n",
        shown.trim_end_matches('\n')
    )
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A recorded lesson taken apart again.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Unspliced {
    /// The narration, exactly as it was before [`splice`].
    pub narration: String,
    /// Each recorded step's name and output, in order.
    pub steps: Vec<(String, String)>,
}

/// Removes the recorded blocks [`splice`] added.
pub fn unsplice(recorded: &str) -> Unspliced {
    let mut result = Unspliced::default();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in recorded.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        match &mut current {
            None => match bare.strip_prefix(OPEN) {
                Some(rest) => {
                    let step = rest.trim_end_matches("-->").trim();
                    current = Some((step.to_string(), Vec::new()));
                }
                None => result.narration.push_str(line),
            },
            Some((step, body)) => {
                if bare == CLOSE {
                    result.steps.push((std::mem::take(step), output(body)));
                    current = None;
                } else {
                    body.push(bare);
                }
            }
        }
    }
    result
}

/// The output inside a block's lines: between the fences, caption dropped.
fn output(body: &[&str]) -> String {
    let start = body.iter().position(|l| l.starts_with("```"));
    let end = body.iter().rposition(|l| l.starts_with("```"));
    match (start, end) {
        (Some(s), Some(e)) if e > s => body[s + 1..e].join("\n"),
        _ => String::new(),
    }
}

/// The shape of a step's output: the words that stay the same from run to
/// run, each with how often it occurs.
///
/// - A word with a digit in it (a port, a sequence number, `15.6`, `fd 3`,
///   `00:1a:…`) becomes `#`, and a time unit `#unit`.
/// - In markup (a word with `<`, `>`, `=` or a quote), each run of letters
///   and digits that has a digit, is all hex (ids, keys, cut where a long
///   line was folded), mixes case inside (a SCRAM nonce) or is
///   base64 before its `=` padding becomes `#`:
///   those are random in every run; the names around them are kept.
/// - On a line of bytes (`17 03 03 00 2b ee …`: four or more two-digit hex
///   words) every byte becomes `#`; a hex dump's rows become `#hex`.
/// - Runs of table-drawing characters shrink to one, so a column that
///   widened by a digit keeps its shape.
///
/// Order is not part of the shape: two servers verifying each other
/// interleave their lines differently in every run, and text wrapped one
/// word earlier is the same text. A step that prints different words — a
/// renamed field, a new line, a missing one — has a different shape.
pub fn shape(output: &str) -> BTreeMap<String, usize> {
    let mut words = BTreeMap::new();
    for line in output.lines() {
        if is_hex_row(line) {
            *words.entry("#hex".to_string()).or_default() += 1;
            continue;
        }
        let bytes = line.split_whitespace().filter(|w| is_hex_byte(w)).count();
        for word in line.split_whitespace().flat_map(pieces) {
            let shaped = if bytes >= 4 && is_hex_byte(word) {
                "#".to_string()
            } else {
                shape_word(word)
            };
            *words.entry(shaped).or_default() += 1;
        }
    }
    words
}

/// A word cut into its runs of narrow characters and its Chinese
/// characters one by one. Chinese has no spaces and wraps between any two
/// characters, so where a line broke (which moves with the width of a
/// number earlier on the line) must not change the shape: `序号1234，并`
/// is `序 号 # ， 并` on one line or two. A diagram's frame `│` stands
/// alone too: a full line touches it (`+│`).
fn pieces(word: &str) -> impl Iterator<Item = &str> {
    let wide = |c: char| {
        unicode_width::UnicodeWidthChar::width(c) == Some(2) || c == '│'
    };
    let mut rest = word;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let end = if wide(first) {
            first.len_utf8()
        } else {
            rest.find(wide).unwrap_or(rest.len())
        };
        let (piece, after) = rest.split_at(end);
        rest = after;
        Some(piece)
    })
}

fn is_hex_byte(word: &str) -> bool {
    word.len() == 2 && word.chars().all(|c| c.is_ascii_hexdigit())
}

fn shape_word(word: &str) -> String {
    let markup = word.contains(['<', '>', '=', '"', '\'']);
    if !markup && word.chars().any(|c| c.is_ascii_digit()) {
        return "#".to_string();
    }
    // The unit follows the number: 900 µs in one run is 1.2 ms in the next,
    // and 980 ms in one is 1.03 s in the next.
    if matches!(word, "ns" | "µs" | "ms" | "s") {
        return "#unit".to_string();
    }
    let mut out = String::with_capacity(word.len());
    let mut rest = word;
    while let Some(c) = rest.chars().next() {
        if markup && is_base64(c) {
            let end = rest.find(|c: char| !is_base64(c)).unwrap_or(rest.len());
            let (run, after) = rest.split_at(end);
            let padded = after.starts_with('=')
                && (after[1..].is_empty()
                    || after[1..].starts_with(['<', '=']));
            // Random base64: upper case inside, not only at the start
            // (`lOyF/bezyVjq…`, `GajxcQWMoX`), unlike names (`PLAIN`,
            // `Alice`, `stream`).
            let inner_upper =
                run.chars().skip(1).filter(char::is_ascii_uppercase).count();
            let random = padded
                || (inner_upper >= 2
                    && run.chars().any(|c| c.is_ascii_lowercase()))
                || run.chars().any(|c| c.is_ascii_digit())
                || run.chars().all(|c| c.is_ascii_hexdigit());
            if random {
                out.push('#');
            } else {
                out.push_str(run);
            }
            rest = after;
            continue;
        }
        let drawing = matches!(c, '─' | '═' | '-' | '┄' | '━' | '=' | '·');
        if !(drawing && out.ends_with(c)) {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '+' || c == '/'
}

/// `0040  e8 6a 3c 3f …`: four hex digits, two spaces, hex bytes.
fn is_hex_row(line: &str) -> bool {
    let line = line.trim_start();
    let Some((offset, rest)) = line.split_once("  ") else {
        return false;
    };
    offset.len() == 4
        && offset.chars().all(|c| c.is_ascii_hexdigit())
        && rest.split_whitespace().next().is_some_and(is_hex_byte)
}

/// What differs between two shapes, as a short message for a test
/// failure; `None` when they are the same.
pub fn shape_difference(recorded: &str, fresh: &str) -> Option<String> {
    let (then, now) = (shape(recorded), shape(fresh));
    if then == now {
        return None;
    }
    let only = |a: &BTreeMap<String, usize>, b: &BTreeMap<String, usize>| {
        let words: Vec<String> = a
            .iter()
            .filter_map(|(word, &n)| {
                let m = b.get(word).copied().unwrap_or(0);
                (n > m).then(|| format!("{word} ×{}", n - m))
            })
            .take(12)
            .collect();
        words.join("  ")
    };
    Some(format!(
        "only in the recording: {}\n  only in this run: {}",
        only(&then, &now),
        only(&now, &then)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_has_the_same_shape_wherever_its_lines_broke() {
        let one = "它挑选初始序号（ISN）167697674，并通告自己的选项";
        let two = "它挑选初始序号（ISN）1873475475，并通告自\n己的选项";
        assert_eq!(shape(one), shape(two));
        assert_ne!(shape(one), shape("它挑选初始序号（ISN）1，并通告"));
        assert_eq!(shape("ack = ISN + │"), shape("ack = ISN +│"));
    }

    const LESSON: &str = "# Title\n\nBefore.\n\n<!-- demo: one -->\n\nMiddle.\n\
                          <!-- demo: two -->\nAfter.\n";

    fn outputs() -> Vec<(String, String)> {
        vec![
            ("one".into(), "first output\nline 2".into()),
            ("two".into(), "has ``` inside\n".into()),
        ]
    }

    #[test]
    fn splice_then_unsplice_gives_back_the_narration_and_the_outputs() {
        let recorded = splice(LESSON, &outputs());
        assert!(recorded.contains("<!-- recorded: one -->"), "{recorded}");
        assert!(recorded.contains("````text\nhas ``` inside\n````"));
        let back = unsplice(&recorded);
        assert_eq!(back.narration, LESSON);
        assert_eq!(
            back.steps[0],
            ("one".into(), "first output\nline 2".into())
        );
        assert_eq!(back.steps[1], ("two".into(), "has ``` inside".into()));
    }

    #[test]
    fn a_step_without_output_keeps_its_marker_alone() {
        let recorded = splice(LESSON, &outputs()[..1]);
        let back = unsplice(&recorded);
        assert_eq!(back.narration, LESSON);
        assert_eq!(back.steps.len(), 1);
    }

    #[test]
    fn the_last_line_without_newline_still_gets_its_block() {
        let recorded = splice("<!-- demo: one -->", &outputs()[..1]);
        assert!(recorded.starts_with("<!-- demo: one -->\n<!-- recorded:"));
        assert_eq!(unsplice(&recorded).narration, "<!-- demo: one -->\n");
    }

    #[test]
    fn numbers_tables_and_hex_rows_do_not_change_the_shape() {
        let a = "port 54426 ISN 3086664084 median 15.6 µs\n\
                 ┌────┬──┐\n│ 12 │ x │\n\
                 0040  e8 6a 3c 3f 78 6d  .j<?xm\n";
        let b = "port 40001 ISN 17 median 9.8 µs\n\
                 ┌──────┬──┐\n│ 1234 │ x │\n\
                 0040  00 11 22 33 44 55  ..\"3DU\n";
        assert_eq!(shape_difference(a, b), None);
    }

    #[test]
    fn a_time_that_crosses_a_unit_has_the_same_shape() {
        assert_eq!(shape_difference("got in 892 ms", "got in 1.03 s"), None);
    }

    #[test]
    fn rewrapped_text_has_the_same_shape() {
        assert_eq!(shape_difference("one two\nthree", "one\ntwo three"), None);
    }

    #[test]
    fn random_ids_keys_base64_and_cipher_bytes_do_not_change_the_shape() {
        let a = "<auth xmlns=\"urn:x\">Ug=</auth> id=\"cafe\"\n\
                 eceb</db:verify>\n17 03 03 00 2b ee\n";
        let b = "<auth xmlns=\"urn:x\">eg=</auth> id=\"beef\"\n\
                 abba</db:verify>\n17 03 03 00 2b 41\n";
        assert_eq!(shape_difference(a, b), None);
        assert_eq!(
            shape_difference(
                "n,,n=alice,r=lOyF/bezyVjqvudQGZhYPNru",
                "n,,n=alice,r=x9"
            ),
            None
        );
    }

    #[test]
    fn words_in_prose_are_kept_even_when_they_look_like_hex() {
        assert!(shape_difference("it added from", "it faded from").is_some());
        assert!(shape_difference("to be added", "to ad added").is_some());
    }

    #[test]
    fn a_changed_word_is_reported() {
        let diff = shape_difference("the SYN arrived", "the RST arrived")
            .expect("differs");
        assert!(diff.contains("SYN ×1") && diff.contains("RST ×1"), "{diff}");
    }

    #[test]
    fn interleaved_lines_have_the_same_shape() {
        assert_eq!(
            shape_difference(
                "a→b verify\nb→a verify",
                "b→a verify\na→b verify"
            ),
            None
        );
    }
}
