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

use anyhow::bail;

use super::Demo;
use crate::capture::live;
use crate::show::analogies::{self, Evidence};
use crate::show::{ladder, style, width, wrap};
use crate::tools::compare::table;
use crate::tools::handshake;
use crate::transport::compare::{self, Report, Row, Transport};
use crate::transport::http_keepalive;
use crate::transport::lab::{self, Guard, Lab};
use crate::units::duration;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// The loss the lesson's lab drops, in percent each way.
pub const LOSS: f64 = 5.0;

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(TransportDemo {
        lab: None,
        evidence: Evidence::default(),
    })
}

struct TransportDemo {
    /// The lab, between the `loss` and `fragments` steps.
    lab: Option<(Lab, Guard)>,
    /// What the steps measured, for the analogies at the end.
    evidence: Evidence,
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
            "analogies",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        Ok(match step {
            "handshake" => handshake_ladder()?,
            "connect" => rows(vec![connect_row()?]),
            "limits" => limits()?,
            "boundaries" => self.boundaries()?,
            "loss" => self.loss()?,
            "fragments" => self.fragments()?,
            "speed" => speed()?,
            "http" => http()?,
            "analogies" => self.analogies()?,
            other => bail!("lesson 9 has no demo step `{other}`"),
        })
    }
}

fn rows(rows: Vec<Row>) -> String {
    table(&Report { rows })
}

fn handshake_ladder() -> anyhow::Result<String> {
    match handshake::record(0) {
        Ok(r) => Ok(ladder::render(r.client, r.server, &r.segments)),
        Err(e) => match e.downcast_ref::<live::Error>() {
            Some(live::Error::NeedsCapNetRaw { .. }) => Ok(format!(
                "{}\n(the ladder needs a capture; the rest of the lesson \
                 does not)\n",
                style::error(&e.to_string())
            )),
            _ => Err(e),
        },
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
    let mut out = format!(
        "UDP sendto() of {} bytes: sent, and {} bytes arrived in one piece\n",
        l.udp_largest, l.udp_largest_received
    );
    let _ = writeln!(
        out,
        "UDP sendto() of {} bytes: {}",
        l.udp_too_large,
        match &l.udp_too_large_result {
            Ok(n) => format!("sent {n} (unexpected!)"),
            Err(e) => format!(
                "refused by the kernel: {}",
                crate::sockets::errors::describe(e)
            ),
        }
    );
    let _ = writeln!(
        out,
        "TCP write() of {} bytes: {} accepted at once, {} bytes arrived in \
         {} read() calls",
        l.tcp_write, l.tcp_accepted, l.tcp_received, l.tcp_reads
    );
    Ok(lines_wrapped(&out))
}

impl TransportDemo {
    fn boundaries(&mut self) -> anyhow::Result<String> {
        let b = compare::message_boundaries(LOOPBACK)?;
        let out = boundaries(&b);
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

fn boundaries(b: &compare::Boundaries) -> String {
    let list = |v: &[usize]| {
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" + ")
    };
    format!(
        "sent:  {} bytes, three separate write()/sendto() calls\nTCP:   \
         read() returned {} bytes — one piece, the boundaries are gone\nUDP: \
           recv() returned {} bytes — three datagrams, three pieces\n",
        list(&b.written),
        list(&b.tcp_reads),
        list(&b.udp_reads)
    )
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
            Err(e @ lab::Error::NeedsCapNetAdmin { .. }) => {
                return Ok(format!(
                    "{}\n(the loss measurements need the lab; run the lesson \
                     with sudo to see them)\n",
                    style::error(&crate::show::wrap_commands(
                        &e.to_string(),
                        width::current(),
                        0
                    ))
                ));
            }
            Err(e) => return Err(e.into()),
        };
        let report = compare::under_loss(&lab, 2 << 20, 2000)?;
        self.lab = Some((lab, guard));
        let out = format!("{shown}{}", rows(report.rows()));
        self.evidence.loss = Some(report);
        Ok(out)
    }

    fn fragments(&mut self) -> anyhow::Result<String> {
        let Some((lab, guard)) = self.lab.take() else {
            return Ok("(no lab: see the step before)\n".into());
        };
        let result = compare::fragmentation(&lab);
        let mut shown = String::new();
        guard.down(&mut |line| {
            let _ = writeln!(shown, "{}", style::command(line));
        })?;
        Ok(format!("{}{shown}", rows(result?.rows())))
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
        },
    );
    Ok(rows(picked))
}

fn http() -> anyhow::Result<String> {
    let run = http_keepalive::two_requests(LOOPBACK)?;
    let mut out = String::new();
    for (line, from) in &run.requests {
        let _ = writeln!(out, "server got {line:?} from {from}");
    }
    let _ = writeln!(
        out,
        "{} request(s), {} TCP connection(s) accepted: HTTP/1.1 kept the \
         connection open between requests",
        run.requests.len(),
        run.connections
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
