//! `netlab lessons`: the course at a glance, one row per lesson of the
//! article, with what its live demo shows and what it needs — in English,
//! or in Chinese with the article's own headings (`--lang zh`).
//!
//! Read before: [`crate::course::registry`], which holds the facts, and
//! [`crate::course::zh`] for the Chinese demo descriptions.

use crate::course::registry::{LESSONS, Lesson};
use crate::course::zh;
use crate::lang::{self, Lang};

/// The course at a glance, as wide as the terminal allows.
pub fn table() -> String {
    let zh = lang::current() == Lang::Zh;
    let header = vec![
        crate::tr!("lessons-number"),
        crate::tr!("lessons-lesson"),
        crate::tr!("lessons-demo"),
        crate::tr!("lessons-status"),
    ];
    let mut records = vec![header];
    records.extend(LESSONS.iter().map(|l| row(l, zh)));
    let table = super::table::fit_records(records, super::width::current());
    let run = super::wrap_commands(
        &crate::tr!("lessons-run"),
        super::width::current(),
        0,
    );
    format!("{table}\n{run}\n")
}

/// One lesson's row: number, titles and name, demo, status and needs.
fn row(l: &Lesson, zh: bool) -> Vec<String> {
    let ready = l.is_built();
    let name = crate::tr!("lessons-name", slug = l.slug);
    // Chinese readers know the lesson by the article's heading; English
    // ones get our title above it.
    let (lesson, demo) = if zh {
        (
            format!("{}\n{name}", l.article),
            zh::demo(l.number).unwrap_or(l.demo).to_owned(),
        )
    } else {
        (
            format!("{}\n{}\n{name}", l.title, l.article),
            l.demo.to_owned(),
        )
    };
    let status = format!(
        "{}\n{}",
        if ready {
            crate::tr!("lessons-ready")
        } else {
            crate::tr!("lessons-not-built")
        },
        crate::tr!("lessons-needs", needs = l.needs.label())
    );
    vec![l.number.to_string(), lesson, demo, status]
}
