//! Transcript tests: the command lines in `tests/cmd/*.md` and every
//! `console` block of the book (`book/src/*.md`) are executed, and their
//! output must match what is written there (`[..]` matches any text within
//! a line, `...` any number of lines).
//!
//! To update a transcript after an intended change:
//! `TRYCMD=overwrite cargo test --test cli` (then review the diff).

#[test]
fn transcripts() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.md")
        .case("book/src/*.md");
}
