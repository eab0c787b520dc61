//! Lesson 9's last step: the article's two analogies, TCP ≈ a phone call
//! and UDP ≈ a text message (SMS), held against what this run measured.
//!
//! An analogy is a claim like any other: it holds where the two things
//! behave alike and breaks where they do not, and a student who knows
//! where it breaks can use it safely. Each line below is either a
//! resemblance or a difference, with the number from this run that shows
//! it; where a number needs the namespace lab (loss) and the lab could not
//! be built, the line says so instead.
//!
//! The facts about telephones and SMS: a classic phone call reserves a
//! circuit, a fixed 64 kbit/s channel on every link of the path, for as
//! long as the call lasts ([ITU-T G.711] is the 64 kbit/s voice coding);
//! SMS is store-and-forward: the operator's message centre keeps a message
//! until the phone can be reached and can report its delivery back to the
//! sender ([3GPP TS 23.040] § 3.2, "Store and forward", and § 3.2.9,
//! status reports). TCP reserves nothing on the path ([RFC 9293 § 3.8]:
//! reliability comes from retransmission by the two ends), and UDP has
//! neither store nor report ([RFC 768]).
//!
//! Read before: [`crate::transport::compare`], whose measurements these
//! are. Book: `book/src/lesson-09.md`. Run: `netlab lesson 9`.
//!
//! [ITU-T G.711]: https://www.itu.int/rec/T-REC-G.711
//! [3GPP TS 23.040]: https://www.3gpp.org/dynareport/23040.htm
//! [RFC 9293 § 3.8]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::fmt::Write as _;

use super::width::padded;
use super::wrap;
use crate::transport::compare::{Boundaries, LossReport, Spread, micros};
use crate::units::count;

/// Where the text wraps, leaving room for the 10-column label.
const WIDTH: usize = 78;
/// The width of `holds:` and `breaks:`, plus the indent.
const LABEL: usize = 10;

/// The numbers of one run of lesson 9 that the analogies are held against.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// `connect()` times on loopback.
    pub connect: Option<Spread>,
    /// A fresh UDP socket's first `sendto()` times.
    pub udp_first_send: Option<Spread>,
    /// The three-writes experiment.
    pub boundaries: Option<Boundaries>,
    /// The transfer across the lossy lab, if the lab could be built.
    pub loss: Option<LossReport>,
}

/// Both analogies, each line a resemblance (`holds`) or a difference
/// (`breaks`) with this run's number.
pub fn render(e: &Evidence) -> String {
    let (holds, breaks) = (crate::tr!("an-holds"), crate::tr!("an-breaks"));
    let mut out = crate::tr!("an-tcp") + "\n";
    if let (Some(tcp), Some(udp)) = (&e.connect, &e.udp_first_send) {
        line(
            &mut out,
            &holds,
            &crate::tr!(
                "an-dial",
                connect = micros(tcp.median),
                sendto = micros(udp.median)
            ),
        );
    }
    match &e.loss {
        Some(l) => {
            line(
                &mut out,
                &holds,
                &crate::tr!(
                    "an-whole",
                    percent = l.loss_percent.to_string(),
                    received = count(l.tcp_bytes_received),
                    sent = count(l.tcp_bytes_sent),
                    order = if l.tcp_first_mismatch.is_none() {
                        crate::tr!("an-in-place")
                    } else {
                        crate::tr!("an-not-in-order")
                    }
                ),
            );
            line(
                &mut out,
                &breaks,
                &crate::tr!(
                    "an-circuit",
                    retransmitted = count(l.tcp_retransmissions)
                ),
            );
        }
        None => line(&mut out, &breaks, &crate::tr!("an-circuit-no-lab")),
    }
    if let Some(b) = &e.boundaries {
        line(
            &mut out,
            &breaks,
            &crate::tr!(
                "an-pauses",
                writes = b.written.len(),
                sizes = sizes(&b.written),
                reads = b.tcp_reads.len(),
                readsizes = sizes(&b.tcp_reads)
            ),
        );
    }

    out.push('\n');
    out.push_str(&crate::tr!("an-udp"));
    out.push('\n');
    if let Some(b) = &e.boundaries {
        line(
            &mut out,
            &holds,
            &crate::tr!(
                "an-one-piece",
                datagrams = b.written.len(),
                recvs = b.udp_reads.len(),
                sizes = sizes(&b.udp_reads)
            ),
        );
    }
    line(&mut out, &holds, &crate::tr!("an-no-call"));
    match &e.loss {
        Some(l) => {
            let share = if l.udp_sent == 0 {
                0.0
            } else {
                l.udp_lost as f64 * 100.0 / l.udp_sent as f64
            };
            line(
                &mut out,
                &breaks,
                &crate::tr!(
                    "an-store",
                    lost = count(l.udp_lost),
                    sent = count(l.udp_sent),
                    share = format!("{share:.1}")
                ),
            );
            line(
                &mut out,
                &breaks,
                &crate::tr!(
                    "an-report",
                    sent = count(l.udp_sent),
                    reordered = if l.udp_reordered > 0 {
                        crate::tr!(
                            "an-reordered",
                            count = count(l.udp_reordered)
                        )
                    } else {
                        String::new()
                    }
                ),
            );
        }
        None => line(&mut out, &breaks, &crate::tr!("an-store-no-lab")),
    }
    out
}

/// One verdict: `  holds:` (or `  相符：`) in a column [`LABEL`] wide,
/// then the text, wrapped beside it.
fn line(out: &mut String, verdict: &str, text: &str) {
    let label = format!("  {verdict}");
    let body = wrap(text, WIDTH - LABEL, 0);
    for (i, row) in body.lines().enumerate() {
        let head = if i == 0 { label.as_str() } else { "" };
        let _ = writeln!(out, "{}{row}", padded(head, LABEL));
    }
}

/// Sizes joined as a sum: `100 + 100 + 100`.
pub fn sizes(v: &[usize]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" + ")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn spread(us: u64) -> Spread {
        let d = Duration::from_micros(us);
        Spread {
            median: d,
            p99: d,
            min: d,
            max: d,
            samples: 1,
        }
    }

    fn evidence(loss: Option<LossReport>) -> Evidence {
        Evidence {
            connect: Some(spread(41)),
            udp_first_send: Some(spread(9)),
            boundaries: Some(Boundaries {
                written: vec![100, 100, 100],
                tcp_reads: vec![300],
                udp_reads: vec![100, 100, 100],
            }),
            loss,
        }
    }

    fn report() -> LossReport {
        LossReport {
            loss_percent: 5.0,
            tcp_bytes_sent: 2_097_152,
            tcp_bytes_received: 2_097_152,
            tcp_first_mismatch: None,
            tcp_elapsed: Duration::from_millis(300),
            tcp_retransmissions: 143,
            udp_sent: 2000,
            udp_received: 1902,
            udp_lost: 98,
            udp_reordered: 0,
            udp_duplicates: 0,
            udp_dropped_buffer_full: 0,
        }
    }

    #[test]
    fn the_numbers_of_the_run_are_in_the_verdicts() {
        let text = render(&evidence(Some(report())));
        for expected in [
            "41.0 µs",
            "9.0 µs",
            "2,097,152",
            "143",
            "98 of 2,000",
            "(4.9%)",
            "came out as 1 read(s) (300)",
            "(100 + 100 + 100)",
        ] {
            assert!(text.contains(expected), "{expected}:\n{text}");
        }
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn without_the_lab_the_loss_lines_say_why() {
        let text = render(&evidence(None));
        assert!(text.contains("needs root"), "{text}");
        assert_eq!(text.matches("breaks:").count(), 3, "{text}");
    }

    #[test]
    fn the_analogies_in_chinese_fit_and_keep_the_numbers() {
        use crate::lang::Lang;
        use crate::lang::testing::speaking;
        for loss in [Some(report()), None] {
            let text = speaking(Lang::Zh, || render(&evidence(loss.clone())));
            assert!(text.starts_with("TCP ≈ 打电话\n"), "{text}");
            assert!(text.contains("\nUDP ≈ 发短信（SMS）\n"), "{text}");
            assert!(text.contains("  相符：  先拨号，再说话"), "{text}");
            assert!(text.contains("41.0 µs"), "{text}");
            assert!(!text.contains("holds"), "{text}");
            for line in text.lines() {
                assert!(crate::show::width::of(line) <= 80, "{line}");
            }
        }
        let text = speaking(Lang::Zh, || render(&evidence(Some(report()))));
        assert!(text.contains("98 个（4.9%）"), "{text}");
    }
}
