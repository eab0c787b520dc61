//! Bulk throughput: "TCP is slow, UDP is fast", for a stream of data.
//!
//! One second of sending as fast as possible, counted at the receiver. TCP
//! is paced by the receive window ([RFC 9293 § 3.8.6]) and loses nothing;
//! UDP is not paced ([RFC 8085 § 3.1]) and can lose datagrams at a full
//! receive buffer even on loopback, which the kernel's own counter
//! (`counters.rs`) confirms. With 64-byte messages TCP can even come out
//! ahead, merging writes into fewer segments.
//!
//! Read before: `round_trip.rs`. Read next: `flow_control.rs`, what the
//! window does when the receiver stops.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`,
//! `cargo run --release --example throughput`.
//!
//! [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
//! [RFC 8085 § 3.1]: https://datatracker.ietf.org/doc/html/rfc8085#section-3.1

use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::counters::udp_receive_buffer_errors;
use super::sockets::{
    big_receive_buffer, check_udp_size, tcp_pair, timed_out, udp_bind,
    udp_connected,
};
use super::{Error, Result, Transport, call, join};

/// The longest a throughput measurement sends for.
pub const THROUGHPUT_TIME: Duration = Duration::from_secs(1);

/// What a bulk transfer achieved.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    /// TCP or UDP.
    pub transport: Transport,
    /// Bytes per `write()` (TCP) or payload bytes per datagram (UDP).
    pub chunk: usize,
    /// `write()` / `sendto()` calls made.
    pub writes: u64,
    /// Bytes handed to the kernel by the sender.
    pub bytes_sent: u64,
    /// `read()` / `recv()` calls that returned data (UDP: datagrams).
    pub reads: u64,
    /// Bytes the receiver got.
    pub bytes_received: u64,
    /// From the first write to the last byte read.
    pub elapsed: Duration,
    /// UDP: datagrams sent but never received (always 0 for TCP).
    pub lost: u64,
    /// The receive buffer the kernel granted (UDP only, 0 for TCP).
    pub receive_buffer: usize,
    /// UDP: the kernel's own count of datagrams dropped because the
    /// receive buffer was full (`Udp: RcvbufErrors` delta). It is counted
    /// for the whole network namespace, so other traffic can add to it.
    pub dropped_buffer_full: u64,
}

impl Throughput {
    /// Payload bits received per second.
    pub fn bits_per_second(&self) -> f64 {
        per_second(self.bytes_received as f64 * 8.0, self.elapsed)
    }

    /// Payload bits received per second, in Gbit/s.
    pub fn gbit_per_s(&self) -> f64 {
        self.bits_per_second() / 1e9
    }

    /// `write()`/`sendto()` calls per second.
    pub fn writes_per_s(&self) -> f64 {
        per_second(self.writes as f64, self.elapsed)
    }

    /// Reads per second; for UDP this is datagrams received per second.
    pub fn reads_per_s(&self) -> f64 {
        per_second(self.reads as f64, self.elapsed)
    }
}

fn per_second(amount: f64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { amount / secs } else { 0.0 }
}

/// Sends up to `bytes_total` bytes as fast as possible, for at most
/// [`THROUGHPUT_TIME`], and measures what arrives.
///
/// TCP writes `chunk`-byte buffers (128 KiB suits it) into one connection;
/// the kernel cuts them into segments, and flow control ([RFC 9293 §
/// 3.8.6], the receive window) slows the writer whenever the reader falls
/// behind, so nothing is lost. UDP sends `chunk`-byte datagrams (1472
/// fills an Ethernet frame, 64 is "a chat message"); a reader thread with a
/// big `SO_RCVBUF` counts them. UDP has no flow control ([RFC 8085 § 3.1]
/// asks applications to provide their own): `sendto()` succeeds even when
/// the receiver's buffer is full, and the kernel drops the datagram there —
/// `lost` and `dropped_buffer_full` count it, even on loopback.
///
/// [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
/// [RFC 8085 § 3.1]: https://datatracker.ietf.org/doc/html/rfc8085#section-3.1
pub fn throughput(
    ip: IpAddr,
    bytes_total: u64,
    transport: Transport,
    chunk: usize,
) -> Result<Throughput> {
    if chunk == 0 || bytes_total == 0 {
        return Err(Error::Argument(
            "throughput needs bytes_total >= 1 and chunk >= 1".into(),
        ));
    }
    match transport {
        Transport::Tcp => tcp_throughput(ip, bytes_total, chunk),
        Transport::Udp => udp_throughput(ip, bytes_total, chunk),
    }
}

fn tcp_throughput(ip: IpAddr, total: u64, chunk: usize) -> Result<Throughput> {
    let (mut client, mut server) = tcp_pair(ip)?;
    // The reader: count bytes and reads until end-of-stream, then note the
    // time.
    let reader = thread::spawn(move || -> Result<(u64, u64, Instant)> {
        let mut buf = vec![0u8; 128 * 1024];
        let (mut bytes, mut reads) = (0u64, 0u64);
        loop {
            let n = call(|| "read()".into(), server.read(&mut buf))?;
            if n == 0 {
                return Ok((bytes, reads, Instant::now()));
            }
            bytes += n as u64;
            reads += 1;
        }
    });
    let data = vec![b'x'; chunk];
    let start = Instant::now();
    let (mut sent, mut writes) = (0u64, 0u64);
    while sent < total && start.elapsed() < THROUGHPUT_TIME {
        let n = (total - sent).min(chunk as u64) as usize;
        call(|| "write()".into(), client.write_all(&data[..n]))?;
        sent += n as u64;
        writes += 1;
    }
    // Half-close: the reader's next read() returns 0 once all is in.
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let (bytes_received, reads, end) = join(reader, "TCP reader")?;
    Ok(Throughput {
        transport: Transport::Tcp,
        chunk,
        writes,
        bytes_sent: sent,
        reads,
        bytes_received,
        elapsed: end.duration_since(start),
        lost: 0,
        receive_buffer: 0,
        dropped_buffer_full: 0,
    })
}

fn udp_throughput(ip: IpAddr, total: u64, chunk: usize) -> Result<Throughput> {
    check_udp_size(ip, chunk)?;
    let (receiver, addr) = udp_bind(ip)?;
    let receive_buffer = big_receive_buffer(&receiver, 32 << 20)?;
    let poll = Some(Duration::from_millis(20));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(poll),
    )?;
    let sender = udp_connected(ip, addr)?;
    let drops_before = udp_receive_buffer_errors(ip)?;

    // The reader counts datagrams until the sender is done and nothing has
    // arrived for one poll interval.
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let reader =
        thread::spawn(move || -> Result<(u64, u64, Option<Instant>)> {
            let mut buf = vec![0u8; 65_536];
            let (mut bytes, mut datagrams, mut last) = (0u64, 0u64, None);
            loop {
                match receiver.recv(&mut buf) {
                    Ok(n) => {
                        bytes += n as u64;
                        datagrams += 1;
                        last = Some(Instant::now());
                    }
                    Err(e) if timed_out(&e) => {
                        if finished.load(Ordering::Acquire) {
                            return Ok((bytes, datagrams, last));
                        }
                    }
                    Err(e) => return call(|| "recv()".into(), Err(e)),
                }
            }
        });

    let data = vec![b'x'; chunk];
    let start = Instant::now();
    let (mut sent, mut writes) = (0u64, 0u64);
    while sent < total && start.elapsed() < THROUGHPUT_TIME {
        // Every send() succeeds: nothing tells the sender that the
        // receiver is behind.
        let n = call(|| "send()".into(), sender.send(&data))?;
        sent += n as u64;
        writes += 1;
    }
    done.store(true, Ordering::Release);
    let (bytes_received, reads, last) = join(reader, "UDP reader")?;
    let drops_after = udp_receive_buffer_errors(ip)?;
    Ok(Throughput {
        transport: Transport::Udp,
        chunk,
        writes,
        bytes_sent: sent,
        reads,
        bytes_received,
        elapsed: last.map_or(Duration::ZERO, |t| t.duration_since(start)),
        lost: writes.saturating_sub(reads),
        receive_buffer,
        dropped_buffer_full: drops_after.saturating_sub(drops_before),
    })
}
