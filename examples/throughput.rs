//! Bulk throughput on loopback, measured the way `netlab compare` does.
//!
//! **Idea:** `bench/compare.sh` holds netlab's own figures against
//! iperf3's. iperf3 sends for five seconds; one call of
//! [`compare::throughput`] sends for at most
//! [`compare::THROUGHPUT_TIME`] (one second). So this driver calls it
//! again and again until `SECONDS` have passed and adds up what the
//! *receiver* got: for TCP the bytes read, for UDP the datagrams received
//! (lost ones do not count), each divided by the time from the first
//! write to the last byte read.
//!
//! TCP writes 128 KiB buffers (iperf3's default `-l` for TCP); UDP sends
//! 64-byte datagrams (`iperf3 -u -l 64`).
//!
//! Run it:
//!
//! ```text
//! cargo run --release --example throughput -- tcp 5
//! cargo run --release --example throughput -- udp 5
//! ```
//!
//! It prints one line of JSON, e.g.
//! `{"transport":"udp","calls":5,"seconds":4.98,"gbit_per_s":0.15,
//! "datagrams_per_s":301234,…}`.

use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use netlab::transport::compare::{self, Transport};

/// Bytes per `write()` for TCP.
const TCP_CHUNK: usize = 128 * 1024;
/// Payload bytes per UDP datagram.
const UDP_CHUNK: usize = 64;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let transport = match args.next().as_deref() {
        Some("tcp") => Transport::Tcp,
        Some("udp") => Transport::Udp,
        _ => bail!("usage: throughput tcp|udp [SECONDS]"),
    };
    let seconds: f64 = match args.next() {
        Some(s) => s.parse().context("SECONDS must be a number")?,
        None => 5.0,
    };
    let chunk = match transport {
        Transport::Tcp => TCP_CHUNK,
        Transport::Udp => UDP_CHUNK,
    };
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let wanted = Duration::from_secs_f64(seconds);

    let (mut calls, mut elapsed) = (0u32, Duration::ZERO);
    let (mut bytes, mut reads, mut writes, mut lost) = (0u64, 0, 0, 0);
    let (mut dropped, mut receive_buffer) = (0u64, 0);
    let start = Instant::now();
    while start.elapsed() < wanted {
        // u64::MAX bytes: only the time limit ends each call.
        let t = compare::throughput(ip, u64::MAX, transport, chunk)?;
        calls += 1;
        elapsed += t.elapsed;
        bytes += t.bytes_received;
        reads += t.reads;
        writes += t.writes;
        lost += t.lost;
        dropped += t.dropped_buffer_full;
        receive_buffer = t.receive_buffer;
    }
    let secs = elapsed.as_secs_f64();
    let gbit_per_s = bytes as f64 * 8.0 / secs / 1e9;
    let datagrams_per_s = match transport {
        Transport::Udp => reads as f64 / secs,
        Transport::Tcp => 0.0,
    };
    println!(
        "{}",
        serde_json::json!({
            "transport": transport.to_string().to_lowercase(),
            "chunk": chunk,
            "calls": calls,
            "seconds": secs,
            "bytes_received": bytes,
            "gbit_per_s": gbit_per_s,
            "writes": writes,
            "reads": reads,
            "datagrams_per_s": datagrams_per_s,
            "lost": lost,
            "dropped_buffer_full": dropped,
            "receive_buffer": receive_buffer,
        })
    );
    Ok(())
}
