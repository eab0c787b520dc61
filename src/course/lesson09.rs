//! Lesson 9's live demo: the article's table of TCP/UDP differences, each
//! claim checked by a measurement on this machine.
//!
//! The measurements are [`crate::transport::compare`]'s; loss and
//! fragmentation run across the namespace lab ([`crate::transport::lab`]),
//! built in the `loss` step and removed after `fragments`. Without root the
//! lab cannot be built: those steps print the remedy and the lesson goes
//! on. The handshake is `netlab handshake`'s ladder. The last step,
//! `analogies`, holds the article's TCP ≈ phone call and UDP ≈ SMS against
//! the numbers the earlier steps measured, kept in [`Evidence`].
//!
//! Book: `book/src/lesson-09.md`. Run: `netlab lesson 9`.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use anyhow::bail;

use super::app_acks;
use super::{Demo, worked};
use crate::capture::live;
use crate::show::analogies::{self, Evidence};
use crate::show::{labelled, ladder, privileges, style, width, wrap};
use crate::tools::compare::table;
use crate::tools::handshake;
use crate::transport::compare::{self, Row, Transport};
use crate::transport::http_keepalive;
use crate::transport::lab::{self, Guard, Lab};
use crate::units::{count, duration};
use crate::wire::tcp::TcpOption;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The loss the lesson's lab drops, in percent each way.
pub const LOSS: f64 = 5.0;

/// The pause between the three TCP writes of the `boundaries` step's
/// second run: far longer than a segment takes to cross loopback.
pub const PAUSE: Duration = Duration::from_millis(100);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(TransportDemo {
        lab: None,
        evidence: Evidence::default(),
        seen: Seen::default(),
    })
}

struct TransportDemo {
    /// The lab, between the `loss` and `fragments` steps.
    lab: Option<(Lab, Guard)>,
    /// What the steps measured, for the analogies at the end.
    evidence: Evidence,
    /// What else the steps measured, for the worked answers.
    seen: Seen,
}

/// The measurements the answers need beyond [`Evidence`].
#[derive(Default)]
struct Seen {
    /// The client's SYN's MSS option, from the handshake ladder.
    mss: Option<u16>,
    /// The paced writes' TCP reads.
    paced: Vec<usize>,
    /// The lab's MTU and the fragmentation rows.
    fragments: Option<compare::Fragmentation>,
    /// The two runs of the `acks` step.
    acks: Option<[app_acks::Run; 2]>,
}

impl Demo for TransportDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "handshake",
            "connect",
            "limits",
            "boundaries",
            "loss",
            "fragments",
            "speed",
            "http",
            "acks",
            "analogies",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        Ok(match step {
            "handshake" => self.handshake_ladder()?,
            "connect" => rows(vec![connect_row()?]),
            "limits" => limits()?,
            "boundaries" => self.boundaries()?,
            "loss" => self.loss()?,
            "fragments" => self.fragments()?,
            "speed" => speed()?,
            "http" => http()?,
            "acks" => self.acks()?,
            "analogies" => self.analogies()?,
            other => bail!("lesson 9 has no demo step `{other}`"),
        })
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_loss(),
            self.answer_fragments(),
            self.answer_paced(),
            self.answer_chat(),
            self.answer_analogies(),
            self.answer_acks(),
        ])
    }
}

// ANCHOR: answers
/// `1 read`, `3 reads`.
fn reads(n: usize) -> String {
    crate::tr!("answer-09-reads", reads = n)
}

/// What an answer says when the lab could not be built.
fn no_lab() -> String {
    crate::tr!("answer-09-no-lab")
}

impl TransportDemo {
    /// The `acks` step: the same conversation without and with stream
    /// management, through a relay that swallows.
    fn acks(&mut self) -> anyhow::Result<String> {
        let runs = app_acks::measure()?;
        let out = crate::show::app_acks::render(&runs);
        self.seen.acks = Some(runs);
        Ok(out)
    }

    /// Exercise 6: which acknowledgment noticed.
    fn answer_acks(&self) -> String {
        let Some([without, with]) = &self.seen.acks else {
            return crate::tr!("answer-step-not-run", step = "acks");
        };
        let queue = |r: &app_acks::Run| match r.send_queue {
            Some(n) => crate::tr!("answer-09-bytes", bytes = n),
            None => crate::tr!("answer-09-not-found"),
        };
        crate::tr!(
            "answer-09-acks",
            without = count(without.swallowed),
            with = count(with.swallowed),
            queuewithout = queue(without),
            queuewith = queue(with),
            waiting = with.before_cut.map_or(0, |c| c.unacked),
            got = with.received.len(),
            sent = with.sent.len(),
            gotwithout = without.received.len(),
            sentwithout = without.sent.len()
        )
    }

    /// Exercise 1: retransmissions against lost datagrams.
    fn answer_loss(&self) -> String {
        let Some(l) = &self.evidence.loss else {
            return no_lab();
        };
        crate::tr!(
            "answer-09-loss",
            percent = l.loss_percent,
            received = count(l.tcp_bytes_received),
            bytes = count(l.tcp_bytes_sent),
            retransmitted = count(l.tcp_retransmissions),
            took = duration(l.tcp_elapsed),
            lost = count(l.udp_lost),
            datagrams = count(l.udp_sent),
            share = format!(
                "{:.1}",
                100.0 * l.udp_lost as f64 / l.udp_sent.max(1) as f64
            )
        )
    }

    /// Exercise 2: fragments of 3,000 bytes, and the MSS.
    fn answer_fragments(&self) -> String {
        let mss = match self.seen.mss {
            Some(m) => crate::tr!("answer-09-mss", mss = m),
            None => crate::tr!("answer-09-no-mss"),
        };
        let Some(f) = &self.seen.fragments else {
            return worked::sentences(&[
                no_lab(),
                crate::tr!("answer-09-fragments-no-lab"),
                mss,
            ]);
        };
        let mtu = f.mtu as usize;
        // Every fragment but the last carries a multiple of 8 bytes
        // (RFC 791 § 3.1, fragment offset in units of 8).
        let per = (mtu.saturating_sub(20) / 8 * 8).max(8);
        let count = (3000usize + 8).div_ceil(per);
        let mut text = Vec::new();
        if let Some(r) = f.rows.iter().find(|r| r.fragments > 0) {
            text.push(crate::tr!(
                "answer-09-fragments-seen",
                payload = r.payload,
                fragments = r.fragments,
                mtu = mtu
            ));
        }
        text.push(crate::tr!("answer-09-fragments", per = per, count = count));
        text.push(mss);
        worked::sentences(&text)
    }

    /// Exercise 3: the paced writes.
    fn answer_paced(&self) -> String {
        let (pause, paced) = (duration(PAUSE), &self.seen.paced);
        let Some(b) = &self.evidence.boundaries else {
            return crate::tr!(
                "answer-09-paced-alone",
                pause = pause,
                reads = reads(paced.len()),
                sizes = analogies::sizes(paced)
            );
        };
        worked::sentences(&[
            crate::tr!(
                "answer-09-back-to-back",
                reads = reads(b.tcp_reads.len()),
                sizes = analogies::sizes(&b.tcp_reads)
            ),
            crate::tr!(
                "answer-09-paced",
                pause = pause,
                reads = reads(paced.len()),
                sizes = analogies::sizes(paced)
            ),
        ])
    }

    /// Exercise 4: a transport for a chat app.
    fn answer_chat(&self) -> String {
        match &self.evidence.loss {
            Some(l) => crate::tr!(
                "answer-09-chat-lost",
                lost = count(l.udp_lost),
                datagrams = count(l.udp_sent)
            ),
            None => crate::tr!("answer-09-chat"),
        }
    }

    /// Exercise 5: the analogies' numbers.
    fn answer_analogies(&self) -> String {
        let Some(l) = &self.evidence.loss else {
            return worked::sentences(&[
                no_lab(),
                crate::tr!("answer-09-analogies-no-lab"),
            ]);
        };
        crate::tr!(
            "answer-09-analogies",
            lost = count(l.udp_lost),
            datagrams = count(l.udp_sent),
            retransmitted = count(l.tcp_retransmissions)
        )
    }
}
// ANCHOR_END: answers

fn rows(rows: Vec<Row>) -> String {
    table(&rows)
}

impl TransportDemo {
    fn handshake_ladder(&mut self) -> anyhow::Result<String> {
        match handshake::record(0) {
            Ok(r) => {
                self.seen.mss =
                    r.segments.iter().flat_map(|s| &s.options).find_map(|o| {
                        match o {
                            TcpOption::MaxSegmentSize(m) => Some(*m),
                            _ => None,
                        }
                    });
                Ok(ladder::render(r.client, r.server, &r.segments))
            }
            Err(e) => match e.downcast_ref::<live::Error>() {
                Some(live::Error::NeedsCapNetRaw { program }) => Ok(format!(
                    "{}\n{}\n",
                    style::error(&privileges::net_raw(program)),
                    crate::tr!("tcpudp-ladder-needs-capture")
                )),
                _ => Err(e),
            },
        }
    }
}

fn connect_row() -> anyhow::Result<Row> {
    let report = compare::run(&compare::Options {
        count: 500,
        bulk_bytes: 64 << 20,
        ..Default::default()
    })?;
    report
        .rows
        .into_iter()
        .next()
        .ok_or_else(|| anyhow::anyhow!("the comparison measured nothing"))
}

fn limits() -> anyhow::Result<String> {
    let l = compare::size_limits(LOOPBACK)?;
    let mut out = crate::tr!(
        "tcpudp-udp-fits",
        bytes = l.udp_largest,
        received = l.udp_largest_received
    ) + "\n";
    let result = match &l.udp_too_large_result {
        Ok(n) => crate::tr!("tcpudp-sent-unexpected", bytes = *n),
        Err(e) => crate::tr!(
            "tcpudp-refused",
            error = crate::sockets::errors::describe(e)
        ),
    };
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            "tcpudp-udp-too-large",
            bytes = l.udp_too_large,
            result = result
        )
    );
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            "tcpudp-tcp-write",
            bytes = l.tcp_write,
            accepted = l.tcp_accepted,
            received = l.tcp_received,
            reads = l.tcp_reads
        )
    );
    Ok(lines_wrapped(&out))
}

impl TransportDemo {
    fn boundaries(&mut self) -> anyhow::Result<String> {
        let b = compare::message_boundaries(LOOPBACK)?;
        self.seen.paced = compare::paced_writes(LOOPBACK, PAUSE)?;
        let out = boundaries(&b, &self.seen.paced);
        self.evidence.boundaries = Some(b);
        Ok(out)
    }

    /// The connection set-up times are measured here, 200 of each; the
    /// rest comes from the earlier steps.
    fn analogies(&mut self) -> anyhow::Result<String> {
        self.evidence.connect = Some(compare::connect_time(LOOPBACK, 200)?);
        self.evidence.udp_first_send =
            Some(compare::udp_first_send(LOOPBACK, 200)?);
        Ok(analogies::render(&self.evidence))
    }
}

fn boundaries(b: &compare::Boundaries, paced: &[usize]) -> String {
    let pieces = |n: usize| match n {
        1 => crate::tr!("tcpudp-one-piece"),
        3 => crate::tr!("tcpudp-three-pieces"),
        n => crate::tr!("tcpudp-pieces", n = n),
    };
    // `sent: …`, `发送：…`: a full-width colon carries its own space.
    let line = |label: &str, text: String| labelled(label, &text) + "\n";
    let tcp_read = |reads: &[usize]| {
        crate::tr!(
            "tcpudp-tcp-read",
            sizes = analogies::sizes(reads),
            pieces = pieces(reads.len())
        )
    };
    let mut out = line(
        &crate::tr!("tcpudp-sent-label"),
        crate::tr!("tcpudp-sent", sizes = analogies::sizes(&b.written)),
    );
    out += &line("TCP:", tcp_read(&b.tcp_reads));
    out += &line(
        "UDP:",
        crate::tr!("tcpudp-udp-recv", sizes = analogies::sizes(&b.udp_reads)),
    );
    out += &crate::tr!("tcpudp-again", pause = duration(PAUSE));
    out.push('\n');
    out += &line("TCP:", tcp_read(paced));
    lines_wrapped(&out)
}

impl TransportDemo {
    fn loss(&mut self) -> anyhow::Result<String> {
        let mut shown = String::new();
        let made = lab::up_guarded(
            &lab::Options {
                loss_percent: LOSS,
                mtu: lab::DEFAULT_MTU,
            },
            &mut |line| {
                let _ = writeln!(shown, "{}", style::command(line));
            },
        );
        let (lab, guard) = match made {
            Ok(made) => made,
            Err(lab::Error::NeedsCapNetAdmin { program }) => {
                return Ok(format!(
                    "{}\n{}\n",
                    style::error(&crate::show::wrap_commands(
                        &privileges::lab(&program),
                        width::current(),
                        0
                    )),
                    crate::tr!("tcpudp-loss-needs-lab")
                ));
            }
            Err(e) => return Err(e.into()),
        };
        // The lab is built and the handshake step's capture is over: the
        // rest of the lesson needs only setns(2) into the lab
        // (CAP_SYS_ADMIN); taking it down runs `ip` as root, which gets
        // root's capabilities back (capture/privileges.rs).
        if let Err(e) = crate::capture::privileges::keep_only(&[
            caps::Capability::CAP_SYS_ADMIN,
        ]) {
            tracing::warn!("keeping every capability: {e}");
        }
        let report = compare::under_loss(&lab, 2 << 20, 2000)?;
        self.lab = Some((lab, guard));
        let out = format!("{shown}{}", rows(report.rows()));
        self.evidence.loss = Some(report);
        Ok(out)
    }

    fn fragments(&mut self) -> anyhow::Result<String> {
        let Some((lab, guard)) = self.lab.take() else {
            return Ok(crate::tr!("tcpudp-no-lab") + "\n");
        };
        let result = compare::fragmentation(&lab);
        let mut shown = String::new();
        guard.down(&mut |line| {
            let _ = writeln!(shown, "{}", style::command(line));
        })?;
        let result = result?;
        let out = format!("{}{shown}", rows(result.rows()));
        self.seen.fragments = Some(result);
        Ok(out)
    }
}

fn speed() -> anyhow::Result<String> {
    let tcp = compare::round_trip(LOOPBACK, 64, 2000, Transport::Tcp)?;
    let udp = compare::round_trip(LOOPBACK, 64, 2000, Transport::Udp)?;
    let report = compare::run(&compare::Options {
        count: 500,
        bulk_bytes: 1 << 30,
        ..Default::default()
    })?;
    let mut picked: Vec<Row> = report
        .rows
        .into_iter()
        .filter(|r| matches!(r.what, "bulk throughput" | "64 B messages"))
        .collect();
    picked.insert(
        0,
        Row {
            what: "round trip, 64 B",
            tcp: format!(
                "median {}, p99 {}",
                duration(tcp.median),
                duration(tcp.p99)
            ),
            udp: format!(
                "median {}, p99 {}",
                duration(udp.median),
                duration(udp.p99)
            ),
            shows: "a small request and answer: UDP saves a little per \
                    message",
            shown: [
                crate::tr!("tcpudp-round-trip-64"),
                compare::spread_words(&tcp),
                compare::spread_words(&udp),
                crate::tr!("tcpudp-round-trip-shows"),
            ],
        },
    );
    Ok(rows(picked))
}

fn http() -> anyhow::Result<String> {
    let run = http_keepalive::two_requests(LOOPBACK)?;
    let mut out = String::new();
    for (line, from) in &run.requests {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                "tcpudp-server-got",
                line = format!("{line:?}"),
                from = from.to_string()
            )
        );
    }
    let _ = writeln!(
        out,
        "{}",
        crate::tr!(
            "tcpudp-kept-open",
            requests = run.requests.len(),
            connections = run.connections
        )
    );
    Ok(lines_wrapped(&out))
}

/// Each line of `text` wrapped at the width in use, continuation lines
/// indented by two.
fn lines_wrapped(text: &str) -> String {
    text.lines()
        .map(|line| wrap(line, width::current(), 2) + "\n")
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_paced_answer_quotes_the_boundaries_step() {
        let mut demo = TransportDemo {
            lab: None,
            evidence: Evidence::default(),
            seen: Seen::default(),
        };
        let shown = demo.run("boundaries").expect("loopback");
        assert!(shown.contains("again, 100 ms between"), "{shown}");
        let answers = demo.answers().expect("lesson 9 has answers");
        assert_eq!(answers.len(), 6);
        let paced = analogies::sizes(&demo.seen.paced);
        assert!(shown.contains(&paced), "{shown}");
        assert!(answers[2].contains(&format!("({paced})")), "{}", answers[2]);
        // Without the lab the loss answers say so instead of inventing.
        assert!(answers[0].contains("needs root"), "{}", answers[0]);
        assert!(answers[4].contains("needs root"), "{}", answers[4]);
        // Steps that did not run are not answered from made-up numbers.
        assert!(answers[5].contains("did not run"), "{}", answers[5]);
    }

    #[test]
    fn only_stream_management_saves_the_swallowed_messages() {
        let mut demo = TransportDemo {
            lab: None,
            evidence: Evidence::default(),
            seen: Seen::default(),
        };
        let shown = demo.run("acks").expect("loopback");
        let [without, with] = demo.seen.acks.clone().expect("measured");
        // TCP delivered everything, to the relay, both times.
        assert_eq!(without.send_queue, Some(0), "{shown}");
        assert_eq!(with.send_queue, Some(0), "{shown}");
        assert!(without.swallowed > 0 && with.swallowed > 0, "{shown}");
        // Without: two lost, silently; with: none, two sent again.
        assert_eq!(without.lost(), 2, "{shown}");
        assert_eq!(with.lost(), 0, "{shown}");
        assert_eq!(with.received, with.sent, "once each, in order: {shown}");
        assert!(matches!(
            with.reconnected,
            crate::xmpp::client::Reconnected::Resumed { resent: 2, .. }
        ));
        assert!(shown.contains("<resumed"), "{shown}");
    }

    fn fits(text: &str) {
        for line in text.lines() {
            assert!(width::of(line) <= 80, "{}: {line}", width::of(line));
        }
    }

    #[test]
    fn the_loopback_steps_speak_chinese() {
        use crate::lang::Lang;
        use crate::lang::testing::speaking;
        let b = compare::Boundaries {
            written: vec![100, 100, 100],
            tcp_reads: vec![300],
            udp_reads: vec![100, 100, 100],
        };
        let en = speaking(Lang::En, || boundaries(&b, &[100, 100, 100]));
        assert!(en.starts_with("sent: 100 + 100 + 100 bytes, three"), "{en}");
        assert!(en.contains("\nTCP: read() returned 300 bytes — one piece"));
        let zh = speaking(Lang::Zh, || boundaries(&b, &[100, 100, 100]));
        for said in [
            "发送：100 + 100 + 100 字节，分三次调用 write()/sendto()",
            "TCP: read() 返回 300 字节——一整块，边界没有了",
            "UDP: recv() 返回 100 + 100 + 100 字节——三个数据报，三块",
            "再来一次，三次 TCP 写入之间各停 100 ms：",
            "三块：每次写入都在下一次到来之前被读走了",
        ] {
            assert!(zh.contains(said), "{said}: {zh}");
        }
        fits(&zh);
        let limits = speaking(Lang::Zh, limits).expect("loopback");
        assert!(limits.contains("字节完整地一次到达"), "{limits}");
        assert!(limits.contains("被内核拒绝：EMSGSIZE"), "{limits}");
        fits(&limits);
        let http = speaking(Lang::Zh, http).expect("loopback");
        assert!(http.contains("服务器从 127.0.0.1:"), "{http}");
        assert!(http.contains("HTTP/1.1 在两个请求之间"), "{http}");
        fits(&http);
    }
}
