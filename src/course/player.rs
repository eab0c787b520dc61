//! Plays a lesson: narration, then the demo step its marker names, then
//! more narration, to the end (key points and exercises).
//!
//! Read before: [`super::narration`], [`super::registry`].

use std::io::Write;

use anyhow::{Context, bail};

use super::narration::{Segment, segments};
use super::pace::Pacer;
use super::registry::Lesson;
use crate::show::{markdown, style};

/// Plays one lesson, writing to `out`.
pub fn play(
    lesson: &Lesson,
    pacer: Pacer,
    out: &mut impl Write,
) -> anyhow::Result<()> {
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
    Ok(())
}
