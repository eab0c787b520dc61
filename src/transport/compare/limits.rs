//! Size limits: "UDP is limited to 64 KB, TCP has no limit", produced.
//!
//! The largest UDP payload ([`max_udp_payload`], from IP's 16-bit Total
//! Length, [RFC 791 § 3.1]) is sent and received whole, one byte more is
//! refused by the kernel with `EMSGSIZE`; one 1 MiB TCP `write()` is
//! accepted whole and read in pieces ([RFC 9293 § 2.2]).
//!
//! Read before: `boundaries.rs`. Read next: `counters.rs`, the kernel
//! counters the lab measurements read.
//! Book: `book/src/lesson-09.md` (includes [`size_limits`]).
//! Run: `netlab compare`.
//!
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2

use std::io::{self, Read, Write};
use std::net::{IpAddr, Shutdown};
use std::thread;
use std::time::Duration;

use super::sockets::{tcp_pair, udp_bind, udp_connected};
use super::{Result, call, join, max_udp_payload};

/// The TCP write of [`size_limits`]: 1 MiB.
pub const BIG_WRITE: usize = 1 << 20;

/// The largest and one-too-large UDP datagram, and one big TCP write.
#[derive(Debug)]
pub struct SizeLimits {
    /// The largest UDP payload ([`max_udp_payload`]): 65,507 over IPv4.
    pub udp_largest: usize,
    /// What `recv()` returned for it: the whole datagram.
    pub udp_largest_received: usize,
    /// One byte more.
    pub udp_too_large: usize,
    /// What `sendto()` answered for it: `EMSGSIZE` ("Message too long").
    pub udp_too_large_result: io::Result<usize>,
    /// Bytes offered to one TCP `write()`.
    pub tcp_write: usize,
    /// Bytes that one `write()` accepted (all of them).
    pub tcp_accepted: usize,
    /// Bytes the receiver read.
    pub tcp_received: usize,
    /// How many `read()`s that took: the stream arrives in pieces.
    pub tcp_reads: usize,
}

// ANCHOR: limits
/// UDP's 64 KB ceiling and TCP's lack of one, produced for real.
///
/// UDP: the 16-bit IP Total Length ([RFC 791 § 3.1]) caps one datagram, so
/// a payload of [`max_udp_payload`] bytes goes through whole (loopback's
/// MTU is 65,536, so it even travels unfragmented) and one byte more is
/// refused by `sendto()` with `EMSGSIZE` before anything is sent. The UDP
/// Length field ([RFC 768]) is 16 bits too.
///
/// TCP: a byte stream has no message size ([RFC 9293 § 2.2]). One
/// `write()` of [`BIG_WRITE`] bytes is accepted whole; the kernel cuts it
/// into segments, and the receiver gets it in as many `read()`s as it
/// happens to.
///
/// [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2
pub fn size_limits(ip: IpAddr) -> Result<SizeLimits> {
    let largest = max_udp_payload(ip);
    let (receiver, addr) = udp_bind(ip)?;
    let limit = Some(Duration::from_secs(1));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(limit),
    )?;
    let sender = udp_connected(ip, addr)?;
    let datagram = vec![b'x'; largest + 1];
    call(
        || format!("send({largest} bytes)"),
        sender.send(&datagram[..largest]),
    )?;
    let mut buf = vec![0u8; 70_000];
    let udp_largest_received =
        call(|| "recv()".into(), receiver.recv(&mut buf))?;
    // The point of the lesson: this one fails, and we keep the error.
    let udp_too_large_result = sender.send(&datagram);

    let (mut client, mut server) = tcp_pair(ip)?;
    let reader = thread::spawn(move || -> Result<(usize, usize)> {
        let mut buf = vec![0u8; 64 * 1024];
        let (mut bytes, mut reads) = (0, 0);
        loop {
            let n = call(|| "read()".into(), server.read(&mut buf))?;
            if n == 0 {
                return Ok((bytes, reads));
            }
            bytes += n;
            reads += 1;
        }
    });
    let big = vec![b'x'; BIG_WRITE];
    // One write(2) call: a blocking TCP socket accepts it all, waiting for
    // buffer space as the reader drains it.
    let accepted = call(|| "write(1 MiB)".into(), client.write(&big))?;
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let (tcp_received, tcp_reads) = join(reader, "TCP reader")?;
    Ok(SizeLimits {
        udp_largest: largest,
        udp_largest_received,
        udp_too_large: largest + 1,
        udp_too_large_result,
        tcp_write: BIG_WRITE,
        tcp_accepted: accepted,
        tcp_received,
        tcp_reads,
    })
}
// ANCHOR_END: limits
