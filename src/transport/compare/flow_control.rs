//! Flow control: TCP pushes back on the sender, UDP drops silently.
//!
//! The article's "TCP is reliable" rests partly on flow control: a receiver
//! that stops reading advertises a zero window ([RFC 9293 § 3.8.6]) and the
//! sender's `write()` stops. UDP has none ([RFC 768]; [RFC 8085 § 3.1]
//! leaves it to the application): every `sendto()` succeeds and the
//! excess is dropped.
//!
//! Read before: `throughput.rs`. Read next: `boundaries.rs`.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 8085 § 3.1]: https://datatracker.ietf.org/doc/html/rfc8085#section-3.1

use std::io::{ErrorKind, Read, Write};
use std::net::IpAddr;
use std::time::Duration;

use serde::Serialize;

use super::sockets::{tcp_pair, timed_out, udp_bind, udp_connected};
use super::{Result, call};

/// What happens when the receiver stops reading.
#[derive(Clone, Debug, Serialize)]
pub struct FlowControl {
    /// TCP: bytes the sender's non-blocking `write()`s accepted before the
    /// kernel said `EAGAIN` ("wait, the receiver is full").
    pub tcp_accepted: u64,
    /// TCP: bytes the receiver then read; always equal to `tcp_accepted`.
    pub tcp_received: u64,
    /// UDP: datagrams `sendto()` accepted — all of them, no push-back.
    pub udp_sent: u64,
    /// UDP: datagrams the receiver found when it finally read.
    pub udp_received: u64,
}

/// Flow control, shown by a receiver that does not read.
///
/// TCP: the receiver advertises a window ([RFC 9293 § 3.8.6]); when its
/// buffer is full the window is zero, the sender's buffer fills, and a
/// non-blocking `write()` fails with `EAGAIN`. Nothing is lost: every
/// accepted byte is read later. UDP: `sendto()` of `datagrams` 1472-byte
/// datagrams all succeed, the receiver's default buffer holds a fraction,
/// and the rest are silently dropped ([RFC 768] promises nothing else).
///
/// [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn flow_control(ip: IpAddr, datagrams: u64) -> Result<FlowControl> {
    // TCP: fill until EAGAIN, then drain.
    let (mut client, mut server) = tcp_pair(ip)?;
    call(|| "fcntl(O_NONBLOCK)".into(), client.set_nonblocking(true))?;
    let data = vec![b'x'; 64 * 1024];
    let mut accepted = 0u64;
    loop {
        match client.write(&data) {
            Ok(n) => accepted += n as u64,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return call(|| "write()".into(), Err(e)),
        }
    }
    drop(client); // close: the receiver will see end-of-stream after the data
    let mut received = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = call(|| "read()".into(), server.read(&mut buf))?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }

    // UDP: send everything, then drain with a short timeout.
    let (receiver, addr) = udp_bind(ip)?;
    let sender = udp_connected(ip, addr)?;
    let datagram = [b'x'; 1472];
    for _ in 0..datagrams {
        call(|| "send()".into(), sender.send(&datagram))?;
    }
    let poll = Some(Duration::from_millis(50));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(poll),
    )?;
    let mut udp_received = 0u64;
    loop {
        match receiver.recv(&mut buf) {
            Ok(_) => udp_received += 1,
            Err(e) if timed_out(&e) => break,
            Err(e) => return call(|| "recv()".into(), Err(e)),
        }
    }
    Ok(FlowControl {
        tcp_accepted: accepted,
        tcp_received: received,
        udp_sent: datagrams,
        udp_received,
    })
}
