//! Transcript tests: the command lines in `tests/cmd/*.md` and every
//! `console` block of both books (`book/src/*.md`, `book/zh/src/*.md`)
//! are executed, and their
//! output must match what is written there (`[..]` matches any text within
//! a line, `...` any number of lines).
//!
//! Chapters whose transcripts capture live traffic or build the namespace
//! lab need root: they run as root (as in CI) and are skipped, with a
//! printed reason, otherwise.
//!
//! To update a transcript after an intended change:
//! `TRYCMD=overwrite cargo test --test cli` (then review the diff).

use std::os::unix::fs::MetadataExt;

/// Chapters whose transcripts capture live traffic or build the
/// namespace lab.
const NEEDS_ROOT: &[&str] = &[
    "book/src/lesson-07.md",
    "book/src/lesson-09.md",
    "book/zh/src/lesson-07.md",
    "book/zh/src/lesson-09.md",
];

#[test]
fn transcripts() {
    // Batches, one after the other: a live capture misses frames when
    // another transcript floods loopback at the same moment (lesson 9
    // measures throughput), and the namespace lab exists once per machine
    // (`netlab tour` and the lesson-9 chapter both build it). Within a
    // batch trycmd runs files in parallel.
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let batch = |pattern: &str| {
        let cases = trycmd::TestCases::new();
        cases.env("NO_COLOR", "1").case(pattern);
        for chapter in NEEDS_ROOT {
            if pattern != *chapter {
                cases.skip(chapter);
            } else if !root {
                eprintln!("skipped: {chapter} needs root (capture, lab)");
                cases.skip(chapter);
            }
        }
        cases.run();
    };
    batch("tests/cmd/*.md");
    batch("book/src/*.md");
    // The Chinese book's chapters each play their whole lesson: one at a
    // time, so no lesson measures while another loads the machine.
    for n in 1..=10 {
        let chapter = format!("book/zh/src/lesson-{n:02}.md");
        if !NEEDS_ROOT.contains(&chapter.as_str()) {
            batch(&chapter);
        }
    }
    batch("book/zh/src/introduction.md");
    batch("book/zh/src/glossary.md");
    for chapter in NEEDS_ROOT {
        batch(chapter);
    }
}
