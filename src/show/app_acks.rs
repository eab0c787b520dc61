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
        crate::tr!("acks-col-without"),
        crate::tr!("acks-col-with"),
    ]];
    let row = |label: String, cell: &dyn Fn(&Run) -> String| {
        vec![label, cell(&runs[0]), cell(&runs[1])]
    };
    records.push(row(crate::tr!("acks-alice-sent"), &|_| {
        crate::tr!("acks-messages", count = MESSAGES)
    }));
    records.push(row(crate::tr!("acks-swallowed"), &|r| {
        crate::tr!("acks-swallowed-bytes", bytes = count(r.swallowed))
    }));
    records.push(row(
        crate::tr!("acks-send-queue"),
        &|r| match r.send_queue {
            Some(0) => crate::tr!("acks-delivered"),
            Some(n) => crate::tr!("acks-bytes", bytes = count(u64::from(n))),
            None => crate::tr!("acks-no-queue"),
        },
    ));
    records.push(row(crate::tr!("acks-count"), &|r| match r.before_cut {
        Some(c) => crate::tr!(
            "acks-counted",
            sent = c.sent,
            acknowledged = c.sent as usize - c.unacked,
            waiting = c.unacked
        ),
        None => crate::tr!("acks-no-count"),
    }));
    records.push(row(
        crate::tr!("acks-after-cut"),
        &|r| match &r.reconnected {
            Reconnected::Resumed { resent, .. } => {
                crate::tr!("acks-resumed", resent = *resent)
            }
            Reconnected::NewSession { .. } => crate::tr!("acks-new-session"),
        },
    ));
    records.push(row(crate::tr!("acks-bob-received"), &|r| {
        crate::tr!("acks-of", received = r.received.len(), sent = r.sent.len())
    }));
    records.push(row(crate::tr!("acks-lost"), &|r| r.lost().to_string()));
    let mut out = fit_records(records, columns);
    out.push('\n');
    let with = &runs[1];
    if !with.sm_xml.is_empty() {
        out.push_str(&crate::tr!("acks-sm-on"));
        out.push('\n');
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use crate::lang::testing::speaking;
    use crate::xmpp::client::SmCounts;

    /// The two runs as lesson 9 measures them on loopback.
    fn runs() -> [Run; 2] {
        let bodies = |tag: &str| -> Vec<String> {
            (1..=MESSAGES)
                .map(|n| format!("{tag} stream management, #{n}"))
                .collect()
        };
        let without = Run {
            stream_management: false,
            swallowed: 412,
            send_queue: Some(0),
            before_cut: None,
            reconnected: Reconnected::NewSession {
                condition: String::new(),
                resent: 0,
            },
            received: bodies("without")[..1].to_vec(),
            sent: bodies("without"),
            sm_xml: Vec::new(),
        };
        let with = Run {
            stream_management: true,
            swallowed: 418,
            send_queue: Some(0),
            before_cut: Some(SmCounts {
                sent: 3,
                unacked: 2,
                handled: 1,
            }),
            reconnected: Reconnected::Resumed {
                acked: 1,
                resent: 2,
            },
            received: bodies("with"),
            sent: bodies("with"),
            sm_xml: vec![
                (
                    Direction::Sent,
                    "<enable xmlns='urn:xmpp:sm:3' resume='true'/>".into(),
                ),
                (
                    Direction::Received,
                    "<resumed xmlns='urn:xmpp:sm:3' h='1' previd='x'/>".into(),
                ),
            ],
        };
        [without, with]
    }

    #[test]
    fn both_runs_side_by_side_in_either_language() {
        let en = speaking(Lang::En, || render(&runs()));
        for said in [
            "│ alice sent ",
            "0 bytes: TCP says",
            "1 acknowledged,",
            "resumed; 2 sent again",
            "alice's stream management, with it on:",
            "alice ← <resumed h='1' previd='x'/>",
        ] {
            assert!(en.contains(said), "{said}: {en}");
        }
        let zh = speaking(Lang::Zh, || render(&runs()));
        for said in [
            "不用流管理",
            "中继吞掉了",
            "TCP 说已经送达",
            "已确认 1 条，",
            "恢复了会话；重发 2 条",
            "3 条中的 1 条",
            "打开流管理时，alice 的流管理元素：",
        ] {
            assert!(zh.contains(said), "{said}: {zh}");
        }
        assert!(!zh.contains("bytes"), "{zh}");
        for line in zh.lines() {
            assert!(width::of(line) <= 80, "{line}");
        }
    }
}
