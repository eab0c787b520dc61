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
    let header = if zh {
        ["#", "课", "现场演示", "状态"]
    } else {
        ["#", "lesson", "live demo", "status"]
    };
    let mut records = vec![header.map(str::to_owned).to_vec()];
    records.extend(LESSONS.iter().map(|l| row(l, zh)));
    let table = super::table::fit_records(records, super::width::current());
    let run = super::wrap_commands(
        lang::pick(
            "Run one with `netlab lesson N` (or its name), all with \
             `netlab tour`.",
            "用 `netlab lesson N`（或课的名称）运行一课，用 `netlab tour` \
             按顺序运行全部。",
        ),
        super::width::current(),
        0,
    );
    format!("{table}\n{run}\n")
}

/// One lesson's row: number, titles and name, demo, status and needs.
fn row(l: &Lesson, zh: bool) -> Vec<String> {
    let ready = l.is_built();
    let (lesson, demo, status) = if zh {
        (
            format!("{}\n名称：{}", l.article, l.slug),
            zh::demo(l.number).unwrap_or(l.demo).to_owned(),
            format!(
                "{}\n需要：{}",
                if ready {
                    "可以运行"
                } else {
                    "尚未完成"
                },
                l.needs.label()
            ),
        )
    } else {
        (
            format!("{}\n{}\nname: {}", l.title, l.article, l.slug),
            l.demo.to_owned(),
            format!(
                "{}\nneeds: {}",
                if ready { "ready" } else { "not built yet" },
                l.needs.label()
            ),
        )
    };
    vec![l.number.to_string(), lesson, demo, status]
}
