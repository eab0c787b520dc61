//! Lesson 1's output: what [`crate::course::im`] measured, in 80 columns.
//!
//! One function per step, each taking the step's values and returning
//! text; nothing here talks to the server. Variable values (ports, times)
//! go where they cannot change how a line wraps, so that the book's
//! recorded transcript stays checkable.
//!
//! Read before: [`crate::course::im`]. Book: `book/src/lesson-01.md`.
//! Run: `netlab lesson 1`.

use std::time::SystemTime;

use crate::course::conversation::body_of;
use crate::course::im::{
    Connections, Login, Offline, PresenceSeen, Pushed, Said, percentile,
};
use crate::show::conversation::trace_lines;
use crate::show::steps::table;
use crate::show::width::{self, current as columns};
use crate::show::{fold, style, wrap};
use crate::units::duration;

/// The login's lines are cut at this many characters: enough to keep
/// every mechanism and the bound JID, not a kilobyte of base64.
const LOGIN_LINE: usize = 160;

/// Trace lines, with their owners, one per line.
fn said(lines: &[Said], max: Option<usize>) -> String {
    trace_lines(lines.iter().map(|s| (s.who.as_str(), &s.line)), max)
}

/// The `login` step.
pub fn login(l: &Login) -> String {
    let mut out = format!(
        "{} {}\n       {}\n\n",
        style::server(&crate::tr!("im-server")),
        crate::tr!("im-listening", addr = l.server.to_string()),
        wrap(&crate::tr!("im-listening-why"), columns() - 7, 7)
    );
    out.push_str(&paragraph(&crate::tr!(
        "im-alice-login",
        ms = l.alice_took.as_millis() as u64
    )));
    out.push_str(&said(&l.alice, Some(LOGIN_LINE)));
    out.push_str(&paragraph(&crate::tr!(
        "im-bob-login",
        pieces = l.bob_pieces
    )));
    out.push('\n');
    out.push_str(&paragraph(&crate::tr!("im-online")));
    out.push_str(&said(&l.online, None));
    out
}

/// The `connections` step.
pub fn connections(c: &Connections) -> String {
    let mut out = format!(
        "{}\n",
        style::kernel(&wrap(
            &super::labelled(
                &crate::tr!("kernel-label"),
                &crate::tr!("im-connections", ends = c.established())
            ),
            columns(),
            8
        ))
    );
    out.push_str(&table(&c.rows, 0));
    out
}

/// The `push` step.
pub fn push(p: &Pushed) -> String {
    let mut out = format!(
        "{}  {}\n\n",
        paragraph(&crate::tr!("im-alice-writes")),
        fold(&p.typed.to_xml(), columns() - 2, 4)
    );
    out.push_str(&paragraph(&crate::tr!("im-server-trace")));
    out.push_str(&said(&p.trace, None));
    out.push_str(&format!(
        "\n{}\n",
        wrap(
            &crate::tr!(
                "im-bob-got",
                body = body_of(&p.got),
                from = p.got.attr("from").unwrap_or("?")
            ),
            columns(),
            0
        )
    ));
    out.push_str(&format!(
        "{}\n",
        wrap(
            &crate::tr!("im-bob-sent", stanzas = p.bob_sent),
            columns(),
            0
        )
    ));
    out.push('\n');
    out.push_str(&paragraph(&crate::tr!("im-send-receive")));
    out.push_str(&format!(
        "  {}\n",
        crate::tr!("im-this-message", took = duration(p.took))
    ));
    out.push_str(&format!(
        "  {}\n",
        crate::tr!(
            "im-more",
            count = p.times.len(),
            median = duration(percentile(&p.times, 50)),
            fastest = duration(percentile(&p.times, 0)),
            slowest = duration(percentile(&p.times, 100))
        )
    ));
    out
}

/// The `presence` step.
pub fn presence(p: &PresenceSeen) -> String {
    let mut out = paragraph(&crate::tr!("im-subscribe"));
    out.push_str(&said(&p.subscribe, None));
    out.push('\n');
    out.push_str(&paragraph(&crate::tr!("im-away")));
    out.push_str(&said(&p.away, None));
    out.push('\n');
    out.push_str(&paragraph(&crate::tr!("im-shows", show = p.show.as_str())));
    out.push_str(&paragraph(&crate::tr!(
        "im-write-to-client",
        took = duration(p.took)
    )));
    out
}

/// The `offline` step.
pub fn offline(o: &Offline) -> String {
    let mut out = format!(
        "{}  {}\n\n",
        paragraph(&crate::tr!("im-bob-closes")),
        fold(&o.gone.to_xml(), columns() - 2, 4)
    );
    out.push_str(&paragraph(&crate::tr!("im-sends-anyway")));
    out.push_str(&said(&o.sent, None));
    out.push_str(&format!(
        "{}\n\n",
        wrap(&crate::tr!("im-stored"), columns(), 0)
    ));
    let ports: Vec<String> =
        o.bob_ports.iter().map(ToString::to_string).collect();
    // Three lines as the catalogue writes them, not wrapped: the numbers
    // sit where their width cannot move a line break.
    for line in [
        crate::tr!(
            "im-relogin-1",
            away = duration(o.away),
            ms = o.relogin.as_millis() as u64
        ),
        crate::tr!("im-relogin-2", ports = ports.join(&crate::tr!("im-then"))),
        crate::tr!("im-relogin-3"),
    ] {
        out.push_str(&format!("{line}\n"));
    }
    out.push_str(&format!(
        "  {}\n",
        fold(&o.stored.to_xml(), columns() - 2, 4)
    ));
    out.push('\n');
    out.push_str(&paragraph(&crate::tr!("im-delay")));
    let later = o
        .received
        .duration_since(o.sent_at)
        .unwrap_or_default()
        .as_millis() as u64;
    // Labels padded to one width (display columns), then the times.
    let labels = [
        crate::tr!("im-alice-sent"),
        crate::tr!("im-server-stamped"),
        crate::tr!("im-bob-got-it"),
    ];
    let widest = labels.iter().map(|l| width::of(l)).max().unwrap_or(0);
    let times = [
        seconds(o.sent_at),
        o.stamp.clone().unwrap_or_else(|| crate::tr!("im-no-stamp")),
        format!(
            "{} {}",
            seconds(o.received),
            crate::tr!("im-later", ms = later)
        ),
    ];
    for (label, time) in labels.iter().zip(times) {
        let pad = " ".repeat(widest - width::of(label) + 2);
        out.push_str(&format!("  {label}{pad}{time}\n"));
    }
    out
}

/// A sentence on lines of the terminal's width, ending with a newline.
fn paragraph(text: &str) -> String {
    format!("{}\n", wrap(text, columns(), 0))
}

/// A time as RFC 3339 in whole seconds, UTC, as the stamp is written.
fn seconds(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
