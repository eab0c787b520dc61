//! Plays a lesson: narration, then the demo step its marker names, then
//! more narration, to the end (key points and exercises).
//!
//! Read before: [`super::narration`], [`super::registry`].

use std::io::Write;

use anyhow::{Context, bail};

use super::Demo;
use super::narration::{Segment, segments};
use super::pace::Pacer;
use super::registry::Lesson;
use crate::show::{markdown, style};

/// Plays one lesson, writing to `out`, and returns its demo, with what
/// every step measured, for [`answers`].
pub fn play(
    lesson: &Lesson,
    pacer: Pacer,
    out: &mut impl Write,
) -> anyhow::Result<Box<dyn Demo>> {
    let (Some(text), Some(make_demo)) = (lesson.narration, lesson.make_demo)
    else {
        bail!(
            "lesson {} ({}) is not built yet; `netlab lessons` lists the \
             lessons you can run",
            lesson.number,
            lesson.title
        );
    };
    let mut demo = make_demo();
    for segment in segments(text) {
        match segment {
            Segment::Text(md) => {
                writeln!(out, "{}", markdown::render(md))?;
            }
            Segment::Demo(step) => {
                out.flush()?;
                pacer.pause(&format!("run: {step}"));
                writeln!(
                    out,
                    "{}",
                    style::dim(&format!("┄┄ live: {step} ┄┄"))
                )?;
                let shown = demo.run(step).with_context(|| {
                    format!("lesson {}, demo step `{step}`", lesson.number)
                })?;
                writeln!(out, "{shown}")?;
            }
        }
    }
    Ok(demo)
}

/// The exercises of a lesson's narration: the numbered items under its
/// `## Exercises` heading, each joined into one line.
pub fn exercises(narration: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut inside = false;
    for line in narration.lines() {
        if line.starts_with("## ") {
            inside = line.trim() == "## Exercises";
            continue;
        }
        if !inside {
            continue;
        }
        let trimmed = line.trim();
        let numbered = trimmed.split_once(". ").filter(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        });
        match (numbered, found.last_mut()) {
            (Some((_, text)), _) => found.push(text.to_string()),
            (None, Some(last)) if !trimmed.is_empty() => {
                last.push(' ');
                last.push_str(trimmed);
            }
            _ => {}
        }
    }
    found
}

/// Prints the worked answers of a lesson that has just been played: each
/// exercise again, then its answer from this run's numbers.
pub fn answers(
    lesson: &Lesson,
    demo: &dyn Demo,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let questions = exercises(lesson.narration.unwrap_or_default());
    let Some(answers) = demo.answers() else {
        writeln!(
            out,
            "{}",
            markdown::render(&format!(
                "## Answers\n\nLesson {} has no worked answers yet: its \
                 exercises can be answered from the output above.",
                lesson.number
            ))
        )?;
        return Ok(());
    };
    let mut md = String::from("## Answers, worked from this run\n\n");
    for (i, answer) in answers.iter().enumerate() {
        let question = questions.get(i).map_or("", String::as_str);
        md.push_str(&format!(
            "**Exercise {}.** {question}\n\n{answer}\n\n",
            i + 1
        ));
    }
    writeln!(out, "{}", markdown::render(md.trim_end()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exercises_are_the_numbered_items_under_their_heading() {
        let text = "# L\n\n1. not this\n\n## Exercises\n\n1. First,\n   \
                    continued.\n2. Second.\n\n## Further reading\n\n1. no\n";
        assert_eq!(exercises(text), ["First, continued.", "Second."]);
    }

    #[test]
    fn every_built_lesson_has_exercises() {
        for lesson in super::super::registry::LESSONS.iter() {
            if let Some(text) = lesson.narration {
                assert!(exercises(text).len() >= 3, "lesson {}", lesson.number);
            }
        }
    }
}
