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
    let mut out = String::from("TCP ≈ a phone call\n");
    if let (Some(tcp), Some(udp)) = (&e.connect, &e.udp_first_send) {
        line(
            &mut out,
            "holds",
            &format!(
                "you dial before you talk: connect() took a median {} (the \
                 SYN, SYN-ACK, ACK round trip) before the first byte could \
                 go; a UDP socket's first sendto() took {}, with no call to \
                 set up.",
                micros(tcp.median),
                micros(udp.median)
            ),
        );
    }
    match &e.loss {
        Some(l) => {
            line(
                &mut out,
                "holds",
                &format!(
                    "what you say arrives whole and in order: with {}% loss \
                     each way, {} of {} bytes arrived{}.",
                    l.loss_percent,
                    count(l.tcp_bytes_received),
                    count(l.tcp_bytes_sent),
                    if l.tcp_first_mismatch.is_none() {
                        ", every one in its place"
                    } else {
                        ", but not all in order"
                    }
                ),
            );
            line(
                &mut out,
                "breaks",
                &format!(
                    "a call reserves a circuit, a fixed share of every link, \
                     for as long as it lasts; TCP reserves nothing on the \
                     path. Its segments queue with everyone else's, and \
                     when the network dropped them, the sender's kernel \
                     sent {} segments again.",
                    count(l.tcp_retransmissions)
                ),
            );
        }
        None => line(
            &mut out,
            "breaks",
            "a call reserves a circuit on the whole path; TCP reserves \
             nothing and repairs loss by sending again. (The loss step \
             measures this; it needs root: sudo netlab lesson 9.)",
        ),
    }
    if let Some(b) = &e.boundaries {
        line(
            &mut out,
            "breaks",
            &format!(
                "a voice keeps its pauses; TCP does not: {} writes ({}) \
                 came out as {} read(s) ({}). The words arrive, the \
                 sentences' edges do not.",
                b.written.len(),
                sizes(&b.written),
                b.tcp_reads.len(),
                sizes(&b.tcp_reads)
            ),
        );
    }

    out.push_str("\nUDP ≈ a text message (SMS)\n");
    if let Some(b) = &e.boundaries {
        line(
            &mut out,
            "holds",
            &format!(
                "each message arrives as one piece or not at all: {} \
                 datagrams, {} recv() calls ({}).",
                b.written.len(),
                b.udp_reads.len(),
                sizes(&b.udp_reads)
            ),
        );
    }
    line(
        &mut out,
        "holds",
        "no call to set up: you send, and it goes (the first sendto() \
         above).",
    );
    match &e.loss {
        Some(l) => {
            let share = if l.udp_sent == 0 {
                0.0
            } else {
                l.udp_lost as f64 * 100.0 / l.udp_sent as f64
            };
            line(
                &mut out,
                "breaks",
                &format!(
                    "SMS is store-and-forward: the operator's message \
                     centre keeps a message until the phone is reachable \
                     and tries again (lesson 1). UDP keeps nothing: {} of \
                     {} datagrams ({share:.1}%) vanished on the lossy link, \
                     and no one tried again.",
                    count(l.udp_lost),
                    count(l.udp_sent)
                ),
            );
            line(
                &mut out,
                "breaks",
                &format!(
                    "SMS can send a delivery report; UDP tells the sender \
                     nothing: all {} sendto() calls succeeded, the lost \
                     datagrams' too{}.",
                    count(l.udp_sent),
                    if l.udp_reordered > 0 {
                        format!(
                            ", and {} arrived out of order",
                            count(l.udp_reordered)
                        )
                    } else {
                        String::new()
                    }
                ),
            );
        }
        None => line(
            &mut out,
            "breaks",
            "SMS is stored and retried, with delivery reports; UDP is \
             neither stored nor reported. (The loss step counts the lost \
             datagrams; it needs root.)",
        ),
    }
    out
}

fn line(out: &mut String, verdict: &str, text: &str) {
    let label = format!("  {verdict}:");
    let body = wrap(text, WIDTH - LABEL, 0);
    for (i, row) in body.lines().enumerate() {
        let head = if i == 0 { label.as_str() } else { "" };
        let _ = writeln!(out, "{head:<LABEL$}{row}");
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
}
