//! `netlab lessons`: the course at a glance, one row per lesson of the
//! article, with what its live demo shows and what it needs.
//!
//! Read before: [`crate::course::registry`], which holds the facts.

use tabled::Tabled;

use crate::course::registry::LESSONS;

#[derive(Tabled)]
struct LessonRow {
    #[tabled(rename = "#")]
    number: u8,
    lesson: String,
    #[tabled(rename = "live demo")]
    demo: String,
    status: String,
}

/// The course at a glance, as wide as the terminal allows.
pub fn table() -> String {
    let rows = LESSONS.iter().map(|l| LessonRow {
        number: l.number,
        lesson: format!("{}\n{}\nname: {}", l.title, l.article, l.slug),
        demo: l.demo.to_string(),
        status: format!(
            "{}\nneeds: {}",
            if l.is_built() {
                "ready"
            } else {
                "not built yet"
            },
            l.needs.label()
        ),
    });
    let table = super::table::fit(rows);
    let run = super::wrap_commands(
        "Run one with `netlab lesson N` (or its name), all with \
         `netlab tour`.",
        super::width::current(),
        0,
    );
    format!("{table}\n{run}\n")
}
