//! Round-trip time: "TCP is slow, UDP is fast", for one small message.
//!
//! A message echoed back and forth over an existing TCP connection (Nagle
//! off, [RFC 9293 § 3.7.4]) and as UDP datagrams ([RFC 768]), timed
//! thousands of times after a warm-up, both ends pinned as `pinning.rs`
//! chose. The answer: per message the two cost about the same; TCP's price
//! is the handshake (`setup.rs`) and, on a lossy path, retransmission
//! (`loss.rs`).
//!
//! Read before: `setup.rs`. Read next: `throughput.rs`, the same claim for
//! bulk data.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! [RFC 9293 § 3.7.4]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.7.4
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::io::{ErrorKind, Read, Write};
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::pinning::{apply, chosen_cpu};
use super::sockets::{
    check_udp_size, tcp_pair, timed_out, udp_bind, udp_connected,
};
use super::{Error, Pinning, Result, Spread, Transport, WARM_UP, call, join};

/// Round-trip time of a `size`-byte message echoed back, `count` times.
///
/// Shows that once a TCP connection exists, a small message costs about
/// the same as a UDP datagram: both are one trip through the kernel each
/// way; "TCP is slow" is mostly the handshake ([`connect_time`]) and, over
/// a lossy path, retransmission ([`under_loss`]). TCP's Nagle algorithm
/// ([RFC 9293 § 3.7.4]) would delay small writes while data is
/// unacknowledged, so `TCP_NODELAY` turns it off, as interactive programs
/// do.
///
/// Noise: both threads are pinned as [`Pinning::CHOSEN`] says, and
/// [`WARM_UP`] round trips run before any is kept.
///
/// [RFC 9293 § 3.7.4]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.7.4
/// [`connect_time`]: super::connect_time
/// [`under_loss`]: super::under_loss
pub fn round_trip(
    ip: IpAddr,
    size: usize,
    count: usize,
    transport: Transport,
) -> Result<Spread> {
    round_trip_with(ip, size, count, transport, Pinning::CHOSEN)
}

/// [`round_trip`] with the pinning chosen by the caller, to compare the
/// noise of the two methods.
pub fn round_trip_with(
    ip: IpAddr,
    size: usize,
    count: usize,
    transport: Transport,
    pinning: Pinning,
) -> Result<Spread> {
    if size == 0 || count == 0 {
        return Err(Error::Argument(
            "round_trip needs size >= 1 and count >= 1".into(),
        ));
    }
    let cpu = chosen_cpu()?;
    let times = match transport {
        Transport::Tcp => tcp_round_trips(ip, size, count, pinning, cpu)?,
        Transport::Udp => udp_round_trips(ip, size, count, pinning, cpu)?,
    };
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}

fn tcp_round_trips(
    ip: IpAddr,
    size: usize,
    count: usize,
    pinning: Pinning,
    cpu: usize,
) -> Result<Vec<Duration>> {
    let (mut client, mut server) = tcp_pair(ip)?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        client.set_nodelay(true),
    )?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        server.set_nodelay(true),
    )?;
    let limit = Some(Duration::from_secs(5));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        client.set_read_timeout(limit),
    )?;

    // The echo server: read one message, write it back, until the client
    // closes (read_exact then fails with UnexpectedEof).
    let echo = thread::spawn(move || -> Result<()> {
        apply(pinning, cpu)?;
        let mut buf = vec![0u8; size];
        loop {
            match server.read_exact(&mut buf) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
                Err(e) => return call(|| "read()".into(), Err(e)),
            }
            call(|| "write()".into(), server.write_all(&buf))?;
        }
        Ok(())
    });

    // The client runs on its own thread too, so pinning never changes the
    // caller's CPU mask.
    let client = thread::spawn(move || -> Result<Vec<Duration>> {
        apply(pinning, cpu)?;
        let message = vec![b'x'; size];
        let mut reply = vec![0u8; size];
        let mut times = Vec::with_capacity(count);
        for i in 0..WARM_UP + count {
            let start = Instant::now();
            call(|| "write()".into(), client.write_all(&message))?;
            call(|| "read()".into(), client.read_exact(&mut reply))?;
            let took = start.elapsed();
            if i >= WARM_UP {
                times.push(took);
            }
        }
        Ok(times)
        // `client` is dropped here: the echo thread sees end-of-stream.
    });
    let times = join(client, "TCP client");
    join(echo, "TCP echo")?;
    times
}

fn udp_round_trips(
    ip: IpAddr,
    size: usize,
    count: usize,
    pinning: Pinning,
    cpu: usize,
) -> Result<Vec<Duration>> {
    check_udp_size(ip, size)?;
    let (server, server_addr) = udp_bind(ip)?;
    let client = udp_connected(ip, server_addr)?;
    let limit = Some(Duration::from_secs(1));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        client.set_read_timeout(limit),
    )?;
    // UDP has no end-of-stream, so the echo server wakes up every 100 ms to
    // see whether the client has finished.
    let poll = Some(Duration::from_millis(100));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        server.set_read_timeout(poll),
    )?;
    let done = Arc::new(AtomicBool::new(false));

    let stop = Arc::clone(&done);
    let echo = thread::spawn(move || -> Result<()> {
        apply(pinning, cpu)?;
        let mut buf = vec![0u8; size];
        while !stop.load(Ordering::Relaxed) {
            match server.recv_from(&mut buf) {
                Ok((n, from)) => {
                    call(
                        || "sendto()".into(),
                        server.send_to(&buf[..n], from),
                    )?;
                }
                Err(e) if timed_out(&e) => {}
                Err(e) => return call(|| "recvfrom()".into(), Err(e)),
            }
        }
        Ok(())
    });

    let measure = thread::spawn(move || -> Result<Vec<Duration>> {
        apply(pinning, cpu)?;
        let message = vec![b'x'; size];
        let mut reply = vec![0u8; size];
        let mut times = Vec::with_capacity(count);
        for i in 0..WARM_UP + count {
            let start = Instant::now();
            call(|| "send()".into(), client.send(&message))?;
            match client.recv(&mut reply) {
                Ok(_) => {}
                // On loopback a datagram is only lost when a buffer is
                // full; one at a time, that does not happen.
                Err(e) if timed_out(&e) => {
                    return Err(Error::Timeout {
                        what: format!("the echo of datagram {i}"),
                        waited: Duration::from_secs(1),
                    });
                }
                Err(e) => return call(|| "recv()".into(), Err(e)),
            }
            let took = start.elapsed();
            if i >= WARM_UP {
                times.push(took);
            }
        }
        Ok(times)
    });
    let times = join(measure, "UDP client");
    done.store(true, Ordering::Relaxed);
    join(echo, "UDP echo")?;
    times
}
