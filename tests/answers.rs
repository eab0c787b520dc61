//! `netlab lesson N --answers`: one worked answer per exercise, from the
//! student's own run.
//!
//! Each built lesson is run as a student runs it (the binary, no colour,
//! 80 columns). After the lesson comes "Answers, worked from this run" and
//! one "Exercise K." paragraph per exercise of the narration, in order.
//! Lessons whose answers are not written yet are listed in [`NOT_YET`], so
//! the list is honest: a lesson in it must still say so, a lesson not in it
//! must answer every exercise.
//!
//! Lessons that build the namespace lab run only as root (CI is root).

use std::process::Command;

use netlab::course::player::exercises;
use netlab::course::registry::{LESSONS, Needs};

mod common;

const NETLAB: &str = env!("CARGO_BIN_EXE_netlab");

/// Lessons whose exercises have no worked answers yet.
const NOT_YET: &[u8] = &[];

const HEADING: &str = "Answers, worked from this run";

#[test]
fn every_exercise_gets_one_answer_from_the_run() {
    let mut problems = Vec::new();
    for lesson in LESSONS.iter().filter(|l| l.is_built()) {
        if lesson.needs == Needs::Lab && !common::is_root() {
            eprintln!("skipped lesson {}: it needs root", lesson.number);
            continue;
        }
        let out = Command::new(NETLAB)
            .args(["lesson", &lesson.number.to_string(), "--answers"])
            .env("NO_COLOR", "1")
            .env("COLUMNS", "80")
            .output()
            .expect("netlab runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "lesson {} failed: {}",
            lesson.number,
            String::from_utf8_lossy(&out.stderr)
        );
        let wanted = exercises(lesson.narration.expect("built")).len();
        let answers = text.split_once(HEADING).map(|(_, rest)| {
            (1..=wanted + 1)
                .filter(|k| {
                    rest.lines()
                        .any(|l| l.starts_with(&format!("Exercise {k}.")))
                })
                .count()
        });
        let pending = NOT_YET.contains(&lesson.number);
        match (answers, pending) {
            (Some(n), false) if n == wanted => {}
            (Some(n), false) => problems.push(format!(
                "lesson {}: {n} answers for {wanted} exercises",
                lesson.number
            )),
            (None, false) => problems
                .push(format!("lesson {}: no answers printed", lesson.number)),
            (Some(_), true) => problems.push(format!(
                "lesson {} has answers now: take it out of NOT_YET",
                lesson.number
            )),
            (None, true) => {}
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
