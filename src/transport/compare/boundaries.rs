//! Message boundaries: TCP is a byte stream, UDP keeps datagrams whole.
//!
//! Three 100-byte writes: TCP hands them to the reader as one 300-byte
//! read ([RFC 9293 § 2.2]), UDP as three 100-byte datagrams ([RFC 768]).
//! Why XMPP, over TCP, has to frame its own messages. With pauses between
//! the writes ([`paced_writes`]), TCP's reads come apart again: timing, not
//! TCP, decides how the bytes are cut.
//!
//! Read before: `flow_control.rs`. Read next: `limits.rs`.
//! Book: `book/src/lesson-09.md` (includes [`message_boundaries`]).
//! Run: `netlab compare`.
//!
//! [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::io::{Read, Write};
use std::net::{IpAddr, Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::sockets::{tcp_pair, udp_bind, udp_connected};
use super::{Error, Result, call};

/// What each `read()`/`recv()` returned, in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Boundaries {
    /// The size of each message written (three of them).
    pub written: Vec<usize>,
    /// TCP: what each `read()` returned before end-of-stream.
    pub tcp_reads: Vec<usize>,
    /// UDP: what each `recv()` returned.
    pub udp_reads: Vec<usize>,
}

// ANCHOR: boundaries
/// Three 100-byte messages, written back to back, read by each transport.
///
/// TCP is "a reliable, in-order, byte-stream service" ([RFC 9293 § 2.2]):
/// it keeps the bytes and their order, not the `write()` boundaries. Once
/// all 300 bytes are queued at the receiver, one `read()` returns all 300;
/// an application must frame its own messages (a length prefix, a newline,
/// XMPP's XML elements). UDP keeps each datagram whole ([RFC 768]): three
/// `sendto()`s are three `recv()`s of 100 bytes, whatever buffer size is
/// offered.
///
/// To make the TCP result certain, not a race, the reader first waits until
/// the kernel holds all 300 bytes, by `recv(MSG_PEEK)`, which looks at
/// queued bytes without removing them.
///
/// [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn message_boundaries(ip: IpAddr) -> Result<Boundaries> {
    const MESSAGE: usize = 100;
    let messages = [[b'A'; MESSAGE], [b'B'; MESSAGE], [b'C'; MESSAGE]];
    let written: Vec<usize> = messages.iter().map(|m| m.len()).collect();
    let total: usize = written.iter().sum();
    let limit = Some(Duration::from_secs(1));

    // TCP, each write() its own segment (see `nodelay_pair`).
    let (mut client, server) = nodelay_pair(ip, limit)?;
    for m in &messages {
        call(|| "write(100 bytes)".into(), client.write_all(m))?;
    }
    wait_until_queued(&server, total)?;
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let tcp_reads = reads_until_end(server)?;

    // UDP: the same three messages as three datagrams.
    let (receiver, addr) = udp_bind(ip)?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(limit),
    )?;
    let sender = udp_connected(ip, addr)?;
    for m in &messages {
        call(|| "send(100 bytes)".into(), sender.send(m))?;
    }
    let mut buf = [0u8; 4096];
    let mut udp_reads = Vec::new();
    for _ in &messages {
        let n = call(|| "recv()".into(), receiver.recv(&mut buf))?;
        udp_reads.push(n);
    }
    Ok(Boundaries {
        written,
        tcp_reads,
        udp_reads,
    })
}
// ANCHOR_END: boundaries

/// The same three TCP writes with `pause` between them, read as they
/// come: what each `read()` returned.
///
/// The reader now runs in its own thread and is already waiting in
/// `read()` when each write arrives, so each read returns what has arrived
/// so far: one write's 100 bytes, as long as the pause is longer than the
/// time a segment takes to cross (microseconds on loopback). TCP still
/// promises no boundaries; it is the timing that kept the writes apart, and
/// over a real network, or with a busier reader, two of them can still
/// arrive as one read. Why framing cannot rely on pauses.
pub fn paced_writes(ip: IpAddr, pause: Duration) -> Result<Vec<usize>> {
    const MESSAGE: usize = 100;
    let (mut client, server) =
        nodelay_pair(ip, Some(pause + Duration::from_secs(1)))?;
    let reader = thread::spawn(move || reads_until_end(server));
    for (i, byte) in [b'A', b'B', b'C'].into_iter().enumerate() {
        if i > 0 {
            thread::sleep(pause);
        }
        call(
            || "write(100 bytes)".into(),
            client.write_all(&[byte; MESSAGE]),
        )?;
    }
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    reader.join().map_err(|_| Error::Call {
        call: "the reading thread".into(),
        source: std::io::Error::other("the thread panicked"),
    })?
}

/// A connected pair on `ip`: the client with TCP_NODELAY, so that each
/// `write()` is its own segment on the wire and any merging is the
/// receiver's doing, not Nagle's; the server with a read timeout.
fn nodelay_pair(
    ip: IpAddr,
    limit: Option<Duration>,
) -> Result<(TcpStream, TcpStream)> {
    let (client, server) = tcp_pair(ip)?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        client.set_nodelay(true),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        server.set_read_timeout(limit),
    )?;
    Ok((client, server))
}

/// What each `read()` returned, until end-of-stream.
fn reads_until_end(mut stream: TcpStream) -> Result<Vec<usize>> {
    let mut buf = [0u8; 4096];
    let mut reads = Vec::new();
    loop {
        let n = call(|| "read()".into(), stream.read(&mut buf))?;
        if n == 0 {
            return Ok(reads);
        }
        reads.push(n);
    }
}

/// Waits (at most a second) until `bytes` bytes are queued on `stream`.
fn wait_until_queued(stream: &TcpStream, bytes: usize) -> Result<()> {
    let mut buf = vec![0u8; bytes];
    let start = Instant::now();
    let limit = Duration::from_secs(1);
    while call(|| "recv(MSG_PEEK)".into(), stream.peek(&mut buf))? < bytes {
        if start.elapsed() > limit {
            return Err(Error::Timeout {
                what: format!("{bytes} bytes in the receive queue"),
                waited: limit,
            });
        }
        thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    #[test]
    fn pauses_keep_tcp_writes_apart_on_loopback() {
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let reads =
            paced_writes(ip, Duration::from_millis(50)).expect("loopback");
        assert_eq!(reads, [100, 100, 100]);
    }
}
