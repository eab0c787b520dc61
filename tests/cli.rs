//! Transcript tests: the command lines in `tests/cmd/*.md` and every
//! `console` block of the book (`book/src/*.md`) are executed, and their
//! output must match what is written there (`[..]` matches any text within
//! a line, `...` any number of lines).
//!
//! Chapters whose transcripts capture live traffic need CAP_NET_RAW: they
//! run as root (as in CI) and are skipped, with a printed reason, otherwise.
//!
//! To update a transcript after an intended change:
//! `TRYCMD=overwrite cargo test --test cli` (then review the diff).

use std::os::unix::fs::MetadataExt;

/// Chapters with live-capture transcripts.
const NEEDS_CAPTURE: &[&str] = &["book/src/lesson-07.md"];

#[test]
fn transcripts() {
    let cases = trycmd::TestCases::new();
    cases
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.md")
        .case("book/src/*.md");
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        for chapter in NEEDS_CAPTURE {
            eprintln!("skipped: {chapter} captures live traffic (needs root)");
            cases.skip(chapter);
        }
    }
}
