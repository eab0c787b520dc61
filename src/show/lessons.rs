//! `netlab lessons`: the course at a glance, one row per lesson of the
//! article, with what its live demo shows and what it needs.
//!
//! Read before: [`crate::course::registry`], which holds the facts.

use tabled::Tabled;

use crate::course::registry::{LESSONS, Needs};
use crate::course::zh;
use crate::lang::{self, Lang};

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
    if lang::current() == Lang::Zh {
        return table_zh();
    }
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

/// The same table in Chinese: the article's headings, and what each
/// demo shows from [`crate::course::zh::demo`].
fn table_zh() -> String {
    let mut records =
        vec![["#", "课", "现场演示", "状态"].map(str::to_owned).to_vec()];
    for l in &LESSONS {
        records.push(vec![
            l.number.to_string(),
            format!("{}\n名称：{}", l.article, l.slug),
            zh::demo(l.number).unwrap_or(l.demo).to_owned(),
            format!(
                "{}\n需要：{}",
                if l.is_built() {
                    "可以运行"
                } else {
                    "尚未完成"
                },
                match l.needs {
                    Needs::Nothing => "-",
                    _ => l.needs.label(),
                }
            ),
        ]);
    }
    let table = super::table::fit_records(records, super::width::current());
    let run = super::wrap_commands(
        "用 `netlab lesson N`（或课的名称）运行一课，用 `netlab tour` \
         按顺序运行全部。",
        super::width::current(),
        0,
    );
    format!("{table}\n{run}\n")
}
