//! Plays a lesson: narration, then the demo step its marker names, then
//! more narration, to the end (key points and exercises).
//!
//! With `--pace` it stops for Enter at every `## ` section, before every
//! live step, and at a paragraph break once a screenful ([`PAGE`] lines)
//! has gone by since the last stop, so one Enter never releases a wall of
//! text.
//!
//! Read before: [`super::narration`], [`super::registry`], [`super::pace`].

use std::io::Write;

use anyhow::{Context, bail};

use super::Demo;
use super::narration::{Segment, paragraphs, segments};
use super::pace::{PAGE, Pacer};
use super::registry::Lesson;
use crate::lang;
use crate::show::{markdown, style};

/// Plays one lesson, writing to `out`, and returns its demo, with what
/// every step measured, for [`answers`].
pub fn play(
    lesson: &Lesson,
    pacer: &mut Pacer,
    out: &mut impl Write,
) -> anyhow::Result<Box<dyn Demo>> {
    let (Some(text), Some(make_demo)) =
        (lesson.narration_in(lang::current()), lesson.make_demo)
    else {
        bail!(
            "lesson {} ({}) is not built yet; `netlab lessons` lists the \
             lessons you can run",
            lesson.number,
            lesson.title
        );
    };
    let mut demo = make_demo();
    // Lines shown since the last stop; `None` before anything is shown,
    // so the lesson's title never waits.
    let mut shown: Option<usize> = None;
    for segment in segments(text) {
        match segment {
            Segment::Text(md) => {
                for paragraph in paragraphs(md) {
                    // A paragraph and the blank line after it.
                    let rendered = format!("{}\n", markdown::render(paragraph));
                    let lines = rendered.lines().count();
                    if let Some(section) = paragraph.strip_prefix("## ") {
                        if shown.is_some() {
                            pacer.pause(
                                out,
                                &crate::tr!(
                                    "player-next-section",
                                    section = section
                                ),
                            )?;
                        }
                        shown = Some(0);
                    } else if shown.is_some_and(|n| n + lines > PAGE) {
                        pacer.pause(out, &crate::tr!("player-more"))?;
                        shown = Some(0);
                    }
                    out.write_all(rendered.as_bytes())?;
                    shown = Some(shown.unwrap_or(0) + lines);
                }
            }
            Segment::Demo(step) => {
                out.flush()?;
                pacer.pause(out, &crate::tr!("player-run", step = step))?;
                writeln!(
                    out,
                    "{}",
                    style::dim(&crate::tr!("player-live", step = step))
                )?;
                let result = demo.run(step).with_context(|| {
                    format!("lesson {}, demo step `{step}`", lesson.number)
                })?;
                writeln!(out, "{result}")?;
                shown = Some(result.lines().count() + 2);
            }
        }
    }
    Ok(demo)
}

/// Plays every built lesson in order (`netlab tour`), pausing between
/// lessons when `pacer` waits.
pub fn tour(pacer: &mut Pacer, out: &mut impl Write) -> anyhow::Result<()> {
    for lesson in &super::registry::LESSONS {
        if lesson.is_built() {
            play(lesson, pacer, out)?;
            pacer.pause(out, &crate::tr!("player-next-lesson"))?;
        } else {
            let skipped = crate::tr!(
                "player-not-built",
                number = lesson.number,
                title = lesson.title,
                article = lesson.article,
            );
            writeln!(out, "{skipped}\n")?;
        }
    }
    Ok(())
}

/// The exercises of a lesson's narration: the numbered items under its
/// `## Exercises` heading, each joined into one line.
pub fn exercises(narration: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut inside = false;
    for line in narration.lines() {
        if line.starts_with("## ") {
            inside = super::zh::EXERCISES.contains(&line.trim());
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
                last.push('\n');
                last.push_str(trimmed);
            }
            _ => {}
        }
    }
    // A question's lines joined as the catalogue joins a message's: no
    // space between two Chinese characters (`属性`, not `属 性`).
    found
        .iter()
        .map(|q| crate::lang::catalogue::one_paragraph(q))
        .collect()
}

/// Prints the worked answers of a lesson that has just been played: each
/// exercise again, then its answer from this run's numbers.
pub fn answers(
    lesson: &Lesson,
    demo: &dyn Demo,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let questions =
        exercises(lesson.narration_in(lang::current()).unwrap_or_default());
    let Some(answers) = demo.answers() else {
        writeln!(
            out,
            "{}",
            markdown::render(&format!(
                "## {}\n\n{}",
                crate::tr!("answers-heading"),
                crate::tr!("answers-none", number = lesson.number)
            ))
        )?;
        return Ok(());
    };
    let mut md = format!("## {}\n\n", crate::tr!("answers-heading"));
    for (i, answer) in answers.iter().enumerate() {
        let question = questions.get(i).map_or("", String::as_str);
        let label =
            format!("**{}**", crate::tr!("answers-exercise", number = i + 1));
        md.push_str(&format!("{label} {question}\n\n{answer}\n\n"));
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

    use crate::course::Demo;
    use crate::course::registry::{LESSONS, Needs};

    struct Echo;

    impl Demo for Echo {
        fn steps(&self) -> &'static [&'static str] {
            &["show"]
        }

        fn run(&mut self, _step: &str) -> anyhow::Result<String> {
            Ok("demo line\n".repeat(3).trim_end().to_string())
        }
    }

    fn echo() -> Box<dyn Demo> {
        Box::new(Echo)
    }

    /// A lesson whose second section is 60 one-line paragraphs.
    fn long_lesson() -> Lesson {
        let long: String =
            (1..=60).map(|i| format!("Paragraph {i}.\n\n")).collect();
        let text = format!(
            "# Lesson 0 · A test\n\nIntro.\n\n## First\n\nBefore.\n\n\
             <!-- demo: show -->\n\nAfter.\n\n## Second\n\n{long}\
             ## Exercises\n\n1. Why?\n"
        );
        Lesson {
            number: 0,
            slug: "test",
            title: "A test",
            article: "测试",
            demo: "echo",
            needs: Needs::Nothing,
            narration: Some(text.leak()),
            make_demo: Some(echo),
        }
    }

    /// Plays `lesson` with Enter pressed `enters` times; returns what was
    /// shown.
    fn paced(lesson: &Lesson, enters: usize) -> String {
        colored::control::set_override(false);
        let mut pacer =
            Pacer::scripted(std::io::Cursor::new("\n".repeat(enters)));
        let mut out = Vec::new();
        play(lesson, &mut pacer, &mut out).expect("the lesson plays");
        String::from_utf8(out).expect("UTF-8")
    }

    /// The runs of output lines between two prompts.
    fn screens(shown: &str) -> Vec<Vec<&str>> {
        shown
            .split(" ⏎ \n")
            .map(|screen| screen.lines().collect())
            .collect()
    }

    #[test]
    fn pauses_at_every_section_and_before_every_step() {
        let shown = paced(&long_lesson(), 100);
        for prompt in [
            "── next: First",
            "── run: show",
            "── next: Second",
            "── next: Exercises",
        ] {
            assert!(shown.contains(prompt), "no `{prompt}` in\n{shown}");
        }
        // The title is not held back.
        assert!(shown.starts_with("Lesson 0 · A test\n"), "{shown}");
    }

    #[test]
    fn long_sections_break_at_paragraphs_within_a_page() {
        let shown = paced(&long_lesson(), 100);
        let screens = screens(&shown);
        // 60 paragraphs of 2 lines cannot fit one page.
        assert!(screens.len() >= 2 + 60 * 2 / PAGE, "{}", screens.len());
        for screen in &screens {
            // The prompt's own line ends the screen before it.
            assert!(
                screen.len() <= PAGE + 1,
                "{} lines:\n{}",
                screen.len(),
                screen.join("\n")
            );
        }
        assert!(shown.contains("Paragraph 60."));
    }

    #[test]
    fn without_enter_it_stops_waiting_and_shows_the_same_text() {
        colored::control::set_override(false);
        let lesson = long_lesson();
        let mut unpaced = Vec::new();
        play(&lesson, &mut Pacer::new(false), &mut unpaced).expect("plays");
        let unpaced = String::from_utf8(unpaced).expect("UTF-8");
        // Two Enters, then the script ends: two prompts, the end of input
        // at the third, and then no more waiting.
        let shown = paced(&lesson, 2);
        assert_eq!(shown.matches('⏎').count(), 3, "{shown}");
        let without_prompts: String = shown
            .lines()
            .map(|l| l.split("── ").next().unwrap_or(l))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        let expected: String = unpaced
            .lines()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(without_prompts, expected);
    }

    #[test]
    fn a_real_lesson_pauses_at_each_of_its_sections() {
        let lesson =
            LESSONS.iter().find(|l| l.number == 10).expect("lesson 10");
        let shown = paced(lesson, 1000);
        let sections = lesson
            .narration
            .expect("built")
            .lines()
            .filter(|l| l.starts_with("## "))
            .count();
        assert_eq!(shown.matches("── next: ").count(), sections);
    }
}
