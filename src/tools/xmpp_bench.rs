//! `netlab xmpp bench`: a load generator for any XMPP server — ours,
//! Prosody, ejabberd — so their figures can be set side by side.
//!
//! Three measurements, each against the server named by `--server`:
//!
//! - **messages**: `--pairs` sender/receiver pairs log in; each sender keeps
//!   `--inflight` chat messages of `--size` bytes of body in flight to its
//!   receiver (a new one leaves when one arrives). Delivered messages per
//!   second, and latency percentiles (send → receipt, both ends in this
//!   process, one clock).
//! - **logins**: `--logins` connect + negotiate + bind + close cycles,
//!   `--pairs` at a time: logins per second.
//! - **idle**: `--idle` connections logged in and left open, then the
//!   server's resident memory read from `/proc/PID/status` (`--server-pid`).
//!
//! Accounts `PREFIX1` … `PREFIXn` must exist with the same password
//! (`netlab xmpp adduser`, or `prosodyctl register`).
//!
//! **Federated** (`--to-server ADDR --to-domain D`): the senders (odd
//! accounts) still log in at `--server`, the receivers (even accounts) at
//! ADDR as `PREFIXn@D`, so every message crosses from one server to the
//! other over server-to-server streams ([RFC 6120 § 10.4], "Remote
//! Domain"). Both ends are still in this process, so latency is still one
//! clock's send → receipt. Before the clock starts, one message per pair
//! must arrive, so the s2s connection (DNS, TCP, STARTTLS, dialback) is set
//! up outside the measured window. `--logins` and `--idle` stay on
//! `--server`.
//!
//! [RFC 6120 § 10.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-10.4

use crate::xmpp::ns;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::Semaphore;

use crate::xmpp::client::{Client, Options, Security};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::tls::Trust;

/// What to measure, and against whom.
#[derive(Clone, Debug)]
pub struct Args {
    /// The server.
    pub server: SocketAddr,
    /// Its domain.
    pub domain: String,
    /// Where the receivers log in, if not at `server`: federated runs.
    pub to: Option<Remote>,
    /// Account names are PREFIX1, PREFIX2, …
    pub prefix: String,
    /// Their password.
    pub password: String,
    /// STARTTLS (any certificate) instead of plaintext.
    pub tls: bool,
    /// Sender/receiver pairs (and login concurrency).
    pub pairs: usize,
    /// Messages in flight per pair.
    pub inflight: usize,
    /// Body bytes per message.
    pub size: usize,
    /// How long to send, after a one-second warm-up.
    pub seconds: f64,
    /// Login cycles to time (0: skip).
    pub logins: usize,
    /// Idle connections to open and hold (0: skip).
    pub idle: usize,
    /// The server's PID, to read its memory.
    pub server_pid: Option<u32>,
}

/// The receivers' server in a federated run.
#[derive(Clone, Debug)]
pub struct Remote {
    /// Its address.
    pub server: SocketAddr,
    /// Its domain: receivers are PREFIXn@domain.
    pub domain: String,
}

/// Which end of a pair an account is. Logins and idle connections count
/// as senders: they are measured at `--server`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Sender,
    Receiver,
}

/// Where an account of `side` logs in: (server address, domain).
fn home(args: &Args, side: Side) -> (SocketAddr, &str) {
    match (side, &args.to) {
        (Side::Receiver, Some(remote)) => (remote.server, &remote.domain),
        _ => (args.server, &args.domain),
    }
}

/// The results, also printed.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    /// Messages delivered per second.
    pub messages_per_second: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Highest latency, ms.
    pub max_ms: f64,
    /// Logins per second (if measured).
    pub logins_per_second: Option<f64>,
    /// Messages per second again after the logins (if measured).
    pub messages_per_second_after_logins: Option<f64>,
    /// Idle connections held (if measured).
    pub idle_connections: Option<usize>,
    /// Server RSS with them, MiB (if a PID was given).
    pub server_rss_mib: Option<f64>,
    /// Server RSS before them, MiB.
    pub server_rss_before_mib: Option<f64>,
}

/// Runs the measurements and prints a report.
pub fn run(args: &Args) -> anyhow::Result<Report> {
    let runtime =
        tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let mut report = Report::default();
        if args.seconds > 0.0 {
            let (rate, lat) = messages(args).await?;
            report.messages_per_second = rate;
            (report.p50_ms, report.p99_ms, report.max_ms) = lat;
            println!(
                "messages: {:.0} msg/s delivered ({} pairs × {} in flight, {} B bodies), \
                 latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
                rate, args.pairs, args.inflight, args.size, lat.0, lat.1, lat.2
            );
        }
        if args.logins > 0 {
            let rate = logins(args).await?;
            report.logins_per_second = Some(rate);
            println!("logins: {rate:.0} /s ({} in all, {} at a time)", args.logins, args.pairs);
            if args.seconds > 0.0 {
                let (again, lat) = messages(args).await?;
                report.messages_per_second_after_logins = Some(again);
                println!(
                    "messages after the logins: {again:.0} msg/s (p99 {:.2} ms): {:.2}× the first run",
                    lat.1,
                    again / report.messages_per_second.max(1.0)
                );
            }
        }
        if args.idle > 0 {
            report.server_rss_before_mib = args.server_pid.and_then(rss_mib);
            let held = idle(args).await?;
            report.idle_connections = Some(held.len());
            report.server_rss_mib = args.server_pid.and_then(rss_mib);
            match (report.server_rss_before_mib, report.server_rss_mib) {
                (Some(before), Some(after)) => println!(
                    "idle: {} authenticated connections held; server RSS {before:.1} MiB → {after:.1} MiB \
                     ({:.1} KiB per connection)",
                    held.len(),
                    (after - before) * 1024.0 / held.len().max(1) as f64
                ),
                _ => println!("idle: {} authenticated connections held (pass --server-pid for memory)", held.len()),
            }
            drop(held);
        }
        Ok(report)
    })
}

fn options(
    args: &Args,
    side: Side,
    n: usize,
    resource: &str,
) -> anyhow::Result<Options> {
    let (server, domain) = home(args, side);
    let jid = Jid::parse(&format!("{}{n}@{domain}", args.prefix))?;
    let security = if args.tls {
        Security::StartTls(Trust::Insecure)
    } else {
        Security::Plaintext
    };
    let mut options = Options::new(jid, args.password.clone(), security);
    options.server = Some(server);
    options.resource = Some(resource.to_owned());
    options.timeout = Duration::from_secs(30);
    Ok(options)
}

/// The messages measurement: (msg/s, (p50, p99, max) ms).
async fn messages(args: &Args) -> anyhow::Result<(f64, (f64, f64, f64))> {
    let start = Instant::now();
    let mut senders = Vec::new();
    let mut receivers = Vec::new();
    for pair in 0..args.pairs {
        let mut sender =
            Client::connect(options(args, Side::Sender, 2 * pair + 1, "send")?)
                .await?;
        let mut receiver = Client::connect(options(
            args,
            Side::Receiver,
            2 * pair + 2,
            "recv",
        )?)
        .await?;
        receiver.send(&Element::new("presence", None)).await?;
        if args.to.is_some() {
            first_message_crosses(&mut sender, &mut receiver).await?;
        }
        senders.push(sender);
        receivers.push(receiver);
    }
    let warmup = Duration::from_secs(1);
    let measure = Duration::from_secs_f64(args.seconds);
    let stop_at = start.elapsed() + warmup + measure;
    let mut tasks = Vec::new();
    for (mut sender, mut receiver) in senders.into_iter().zip(receivers) {
        let credit = Arc::new(Semaphore::new(args.inflight));
        let to = receiver.jid().to_string();
        let size = args.size;
        let send_credit = Arc::clone(&credit);
        let sending = tokio::spawn(async move {
            let mut batch = String::new();
            loop {
                // Wait for one free slot, then take every other one that
                // is free too: one write carries them all, as a busy
                // client's TCP stream would.
                let Ok(permit) = send_credit.acquire().await else {
                    break;
                };
                permit.forget();
                let mut count = 1;
                while let Ok(more) = send_credit.try_acquire() {
                    more.forget();
                    count += 1;
                }
                let now = start.elapsed();
                if now > stop_at {
                    break;
                }
                batch.clear();
                for _ in 0..count {
                    let mut body = format!("{:020}", now.as_micros());
                    while body.len() < size {
                        body.push('x');
                    }
                    let message = Element::new("message", None)
                        .with_attr("to", to.clone())
                        .with_attr("type", "chat")
                        .with_child(Element::new("body", None).with_text(body));
                    batch.push_str(&message.to_xml());
                }
                if sender.write(&batch).await.is_err() {
                    break;
                }
            }
            sender
        });
        let window_start = warmup;
        let receiving = tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut counted = 0u64;
            loop {
                let next = tokio::time::timeout(
                    Duration::from_secs(2),
                    receiver.recv(),
                )
                .await;
                let Ok(Ok(Some(element))) = next else { break };
                if element.local_name() != "message" {
                    continue;
                }
                let Some(body) = element.child("body", ns::CLIENT) else {
                    continue;
                };
                let sent: u64 = body
                    .text()
                    .get(..20)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let now = start.elapsed();
                credit.add_permits(1);
                let sent = Duration::from_micros(sent);
                if sent >= window_start && now <= stop_at {
                    counted += 1;
                    latencies.push((now - sent).as_secs_f64() * 1000.0);
                }
                if now > stop_at + Duration::from_millis(500) {
                    break;
                }
            }
            (receiver, counted, latencies)
        });
        tasks.push((sending, receiving));
    }
    let mut total = 0u64;
    let mut latencies = Vec::new();
    for (sending, receiving) in tasks {
        let sender = sending.await?;
        let (receiver, counted, mut lat) = receiving.await?;
        total += counted;
        latencies.append(&mut lat);
        let _ = sender.close().await;
        let _ = receiver.close().await;
    }
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies[i]
    };
    Ok((
        total as f64 / measure.as_secs_f64(),
        (pick(0.5), pick(0.99), pick(1.0)),
    ))
}

/// Federated runs: one message from `sender` must reach `receiver` (on
/// another server) before the clock starts. The first one makes the
/// sender's server open the server-to-server connection — DNS or a pinned
/// route, TCP, STARTTLS, dialback, which waits for the receiving server to
/// call back and verify the key ([XEP-0220 § 2]) — so that cost stays out
/// of the measured window. A bounce (`type='error'`) or 30 s of silence
/// ends the run with the reason.
///
/// [XEP-0220 § 2]: https://xmpp.org/extensions/xep-0220.html#intro-howitworks
async fn first_message_crosses(
    sender: &mut Client,
    receiver: &mut Client,
) -> anyhow::Result<()> {
    let to = receiver.jid().to_string();
    let probe = Element::new("message", None)
        .with_attr("to", to.clone())
        .with_attr("type", "chat")
        .with_child(Element::new("body", None).with_text("warm-up"));
    sender.send(&probe).await?;
    let arrival = async {
        loop {
            // Both `recv`s are cancel-safe: the one that loses the race
            // keeps its bytes for the next call.
            tokio::select! {
                got = receiver.recv() => match got? {
                    Some(e) if e.local_name() == "message" => return Ok(()),
                    Some(_) => continue,
                    None => anyhow::bail!("{to}'s server closed the stream"),
                },
                got = sender.recv() => match got? {
                    Some(e) if e.attr("type") == Some("error") => {
                        anyhow::bail!("a message to {to} bounced: {}", e.to_xml())
                    }
                    Some(_) => continue,
                    None => anyhow::bail!("the sender's server closed the stream"),
                },
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), arrival)
        .await
        .map_err(|_| {
            anyhow::anyhow!(
                "no message reached {to} within 30 s: do the two servers \
                 federate (routes or DNS, s2s ports, TLS)?"
            )
        })?
}

/// The logins measurement: logins per second.
async fn logins(args: &Args) -> anyhow::Result<f64> {
    let start = Instant::now();
    let limit = Arc::new(Semaphore::new(args.pairs.max(1)));
    let mut tasks = Vec::new();
    for i in 0..args.logins {
        let permit = Arc::clone(&limit).acquire_owned().await?;
        let options = options(
            args,
            Side::Sender,
            i % (2 * args.pairs.max(1)) + 1,
            &format!("login{i}"),
        )?;
        tasks.push(tokio::spawn(async move {
            let client = Client::connect(options).await;
            drop(permit);
            match client {
                Ok(client) => client.close().await.map_err(anyhow::Error::from),
                Err(err) => Err(err.into()),
            }
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(args.logins as f64 / start.elapsed().as_secs_f64())
}

/// The idle measurement: opens and returns the connections.
async fn idle(args: &Args) -> anyhow::Result<Vec<Client>> {
    let accounts = 2 * args.pairs.max(1);
    let limit = Arc::new(Semaphore::new(32));
    let mut tasks = Vec::new();
    for i in 0..args.idle {
        let permit = Arc::clone(&limit).acquire_owned().await?;
        let options =
            options(args, Side::Sender, i % accounts + 1, &format!("idle{i}"))?;
        tasks.push(tokio::spawn(async move {
            let client = Client::connect(options).await;
            drop(permit);
            let mut client = client?;
            client
                .send(
                    &Element::new("presence", None)
                        .with_attr("type", "unavailable"),
                )
                .await?;
            anyhow::Ok(client)
        }));
    }
    let mut held = Vec::new();
    for task in tasks {
        held.push(task.await??);
    }
    // Let the server settle before its memory is read.
    tokio::time::sleep(Duration::from_millis(500)).await;
    Ok(held)
}

/// A process's resident set size, from /proc.
fn rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(to: Option<Remote>) -> Args {
        Args {
            server: "127.0.0.1:5222".parse().expect("address"),
            domain: "a.example".into(),
            to,
            prefix: "bench".into(),
            password: "bench".into(),
            tls: false,
            pairs: 1,
            inflight: 1,
            size: 64,
            seconds: 1.0,
            logins: 0,
            idle: 0,
            server_pid: None,
        }
    }

    #[test]
    fn without_to_server_both_ends_log_in_at_server() {
        let args = args(None);
        for side in [Side::Sender, Side::Receiver] {
            assert_eq!(
                home(&args, side),
                ("127.0.0.1:5222".parse().expect("address"), "a.example")
            );
        }
    }

    #[test]
    fn with_to_server_only_receivers_move() {
        let args = args(Some(Remote {
            server: "127.0.0.1:6222".parse().expect("address"),
            domain: "b.example".into(),
        }));
        assert_eq!(
            home(&args, Side::Sender),
            ("127.0.0.1:5222".parse().expect("address"), "a.example")
        );
        assert_eq!(
            home(&args, Side::Receiver),
            ("127.0.0.1:6222".parse().expect("address"), "b.example")
        );
        let receiver =
            options(&args, Side::Receiver, 2, "recv").expect("valid JID");
        assert_eq!(receiver.jid.to_string(), "bench2@b.example");
        assert_eq!(receiver.server, Some(args.to.expect("set").server));
    }
}
