//! Every built lesson, and the course table, fit 80 columns.
//!
//! The course is designed for an 80-column terminal (see
//! `src/show/width.rs`). This test runs each built lesson the way a
//! student does, without colour and with `COLUMNS=80`, and fails on any
//! line wider than 80 display columns (a CJK character counts two),
//! naming the lesson, the line number and the line. Lessons whose live
//! part needs root (capture, the namespace lab) run as the test runs: as
//! root in CI, where they show that part; otherwise they say what is
//! missing and go on, and that text must fit too.
//!
//! A second test runs at `COLUMNS=60`: nothing may fail, and the
//! narration wraps at 60.
//!
//! Run: `cargo test --test width`.

use std::process::Command;

use netlab::course::registry::LESSONS;
use netlab::show::width;

/// Output of `netlab ARGS` at `columns`, without colour; panics with
/// stderr if it fails.
fn run(args: &[&str], columns: usize) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("COLUMNS", columns.to_string())
        .output()
        .expect("netlab runs");
    assert!(
        out.status.success(),
        "netlab {} failed at COLUMNS={columns}:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

/// Every line of `text` wider than `columns`, as `what:LINE (WIDTH): …`.
fn too_wide(what: &str, text: &str, columns: usize) -> Vec<String> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| width::of(line) > columns)
        .map(|(i, line)| {
            format!("{what}:{} ({} columns): {line}", i + 1, width::of(line))
        })
        .collect()
}

#[test]
fn every_lesson_fits_80_columns() {
    let mut wide = too_wide("netlab lessons", &run(&["lessons"], 80), 80);
    for lesson in LESSONS.iter().filter(|l| l.is_built()) {
        let number = lesson.number.to_string();
        let text = run(&["lesson", &number], 80);
        wide.extend(too_wide(&format!("lesson {number}"), &text, 80));
    }
    assert!(
        wide.is_empty(),
        "{} lines wider than 80 columns:\n{}",
        wide.len(),
        wide.join("\n")
    );
    every_lesson_fits_80_columns_in_chinese();
}

/// Lines that start with punctuation a Chinese line may not start with
/// (or end with an opening bracket): the line-breaking rules of Chinese
/// typesetting (W3C, *Requirements for Chinese Text Layout* § 3.1.7).
fn badly_broken(what: &str, text: &str) -> Vec<String> {
    use netlab::show::{NOT_FIRST, NOT_LAST};
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            // Past a quote bar or indent, the line's first character.
            let body = line.trim_start_matches([' ', '│']);
            body.starts_with(NOT_FIRST) || line.trim_end().ends_with(NOT_LAST)
        })
        .map(|(i, line)| format!("{what}:{}: {line}", i + 1))
        .collect()
}

/// Called from [`every_lesson_fits_80_columns`], not a test of its own:
/// lessons 7 and 9 build namespaces with fixed names, and two runs at
/// once would collide.
fn every_lesson_fits_80_columns_in_chinese() {
    let mut bad = Vec::new();
    for lesson in LESSONS.iter().filter(|l| l.is_built()) {
        let number = lesson.number.to_string();
        let text = run(&["lesson", &number, "--lang", "zh"], 80);
        let what = format!("lesson {number} (zh)");
        bad.extend(too_wide(&what, &text, 80));
        bad.extend(badly_broken(&what, &text));
    }
    assert!(
        bad.is_empty(),
        "{} lines too wide or broken before punctuation:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn narration_follows_a_narrower_terminal() {
    assert!(too_wide("netlab lessons", &run(&["lessons"], 60), 60).is_empty());
    // Lesson 10's narration (its first paragraph after the title) wraps
    // at 60 where at 80 it had longer lines.
    let first_paragraph = |text: &str| -> Vec<usize> {
        text.lines()
            .skip_while(|l| !l.starts_with('═'))
            .skip(2)
            .take_while(|l| !l.is_empty())
            .map(width::of)
            .collect()
    };
    let narrow = first_paragraph(&run(&["lesson", "10"], 60));
    let wide = first_paragraph(&run(&["lesson", "10"], 80));
    assert!(!narrow.is_empty() && narrow.iter().all(|&w| w <= 60));
    assert!(wide.iter().any(|&w| w > 60), "{wide:?}");
}
