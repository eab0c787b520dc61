//! Lesson 9's `acks` step on screen: the two runs of
//! [`crate::course::app_acks`] side by side, then the stream management
//! elements that made the difference.
//!
//! The table puts the kernel's view (send queue empty: TCP delivered)
//! beside the application's (what bob received), so the gap between the
//! two acknowledgements is one row apart.

use std::fmt::Write as _;

use super::table::fit_records;
use super::{width, wrap};
use crate::course::app_acks::{MESSAGES, Run};
use crate::units::count;
use crate::xmpp::client::{Direction, Reconnected};

/// Both runs, and the XML of the second.
pub fn render(runs: &[Run; 2]) -> String {
    let columns = width::current();
    let mut records = vec![vec![
        String::new(),
        "without stream management".to_owned(),
        "with stream management".to_owned(),
    ]];
    let row = |label: &str, cell: &dyn Fn(&Run) -> String| {
        vec![label.to_owned(), cell(&runs[0]), cell(&runs[1])]
    };
    records.push(row("alice sent", &|_| format!("{MESSAGES} messages")));
    records.push(row("the relay swallowed", &|r| {
        format!("{} bytes (messages 2, 3)", count(r.swallowed))
    }));
    records.push(row("alice's kernel: send queue", &|r| match r.send_queue {
        Some(0) => "0 bytes: TCP says delivered".to_owned(),
        Some(n) => format!("{} bytes", count(u64::from(n))),
        None => "not found in /proc/net/tcp".to_owned(),
    }));
    records.push(row(
        "alice's count before the cut",
        &|r| match r.before_cut {
            Some(c) => format!(
                "{} sent, {} acknowledged, {} waiting",
                c.sent,
                c.sent as usize - c.unacked,
                c.unacked
            ),
            None => "none: nothing counts".to_owned(),
        },
    ));
    records.push(row("after the cut", &|r| match &r.reconnected {
        Reconnected::Resumed { resent, .. } => {
            format!("resumed; {resent} sent again")
        }
        Reconnected::NewSession { .. } => "a new session".to_owned(),
    }));
    records.push(row("bob received", &|r| {
        format!("{} of {}", r.received.len(), r.sent.len())
    }));
    records.push(row("lost, and nobody told", &|r| r.lost().to_string()));
    let mut out = fit_records(records, columns);
    out.push('\n');
    let with = &runs[1];
    if !with.sm_xml.is_empty() {
        out.push_str("alice's stream management, with it on:\n");
        for (direction, xml) in &with.sm_xml {
            let arrow = match direction {
                Direction::Sent => "alice →",
                Direction::Received => "alice ←",
                Direction::Note => continue,
            };
            let _ = writeln!(
                out,
                "  {arrow} {}",
                wrap(&short(xml), columns.saturating_sub(10), 10)
            );
        }
    }
    out
}

/// The XML without the namespace declaration every element repeats.
fn short(xml: &str) -> String {
    xml.replace(" xmlns=\"urn:xmpp:sm:3\"", "")
        .replace(" xmlns='urn:xmpp:sm:3'", "")
}
