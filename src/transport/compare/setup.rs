//! Connection set-up: "TCP needs a three-way handshake, UDP needs none".
//!
//! [`connect_time`] times TCP's handshake ([RFC 9293 § 3.5]);
//! [`udp_first_send`] times a fresh UDP socket's first datagram, which is
//! already the data ([RFC 768]). The difference is the first row of the
//! table.
//!
//! Read before: `pinning.rs`. Read next: `round_trip.rs`, what a message
//! costs once the connection exists.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! [RFC 9293 § 3.5]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.5
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream, UdpSocket};
use std::thread;
use std::time::Instant;

use super::sockets::{big_receive_buffer, listen, udp_bind};
use super::{Error, Result, Spread, call, join};

/// Round trips made before any sample is kept: they fault in pages, fill
/// caches and wake the CPU from idle states.
pub const WARM_UP: usize = 200;

/// How long `connect()` takes: TCP's three-way handshake, timed.
///
/// "The synchronization requires each side to send its own initial sequence
/// number and to receive a confirmation of it from the remote TCP peer"
/// ([RFC 9293 § 3.5]): `connect()` sends SYN and returns only when SYN-ACK
/// arrived and ACK went out, so no data can flow before one round trip.
/// The server only needs to `listen()`; a thread `accept()`s and closes
/// each connection. Compare with [`udp_first_send`], where there is nothing
/// to wait for.
///
/// [RFC 9293 § 3.5]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.5
pub fn connect_time(ip: IpAddr, samples: usize) -> Result<Spread> {
    if samples == 0 {
        return Err(Error::Argument("connect_time needs samples >= 1".into()));
    }
    let (listener, addr) = listen(ip)?;
    let total = samples + WARM_UP / 10;
    let acceptor = thread::spawn(move || -> Result<()> {
        for _ in 0..total {
            // Dropping the accepted socket closes it at once.
            call(|| "accept()".into(), listener.accept())?;
        }
        Ok(())
    });
    let mut times = Vec::with_capacity(samples);
    for i in 0..total {
        let start = Instant::now();
        let stream =
            call(|| format!("connect({addr})"), TcpStream::connect(addr))?;
        let took = start.elapsed();
        drop(stream);
        if i >= WARM_UP / 10 {
            times.push(took);
        }
    }
    join(acceptor, "accept")?;
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}

/// How long a fresh UDP socket takes to send its first datagram:
/// `socket()` + `sendto()`, timed together.
///
/// UDP has no set-up at all: "This protocol provides a procedure for
/// application programs to send messages to other programs with a minimum
/// of protocol mechanism" ([RFC 768]). The first `sendto()` is the first
/// packet; there is no handshake to wait for.
///
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn udp_first_send(ip: IpAddr, samples: usize) -> Result<Spread> {
    if samples == 0 {
        return Err(Error::Argument(
            "udp_first_send needs samples >= 1".into(),
        ));
    }
    let (receiver, addr) = udp_bind(ip)?;
    // Nobody reads: a big buffer keeps the datagrams from being dropped,
    // which would not change the timing anyway.
    big_receive_buffer(&receiver, 4 << 20)?;
    let unspecified: IpAddr = match ip {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => std::net::Ipv6Addr::UNSPECIFIED.into(),
    };
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples + WARM_UP / 10 {
        let start = Instant::now();
        // UdpSocket::bind is socket() + bind(port 0); sendto() would make
        // the same implicit bind itself.
        let socket = call(
            || "socket() + bind()".into(),
            UdpSocket::bind(SocketAddr::new(unspecified, 0)),
        )?;
        call(|| format!("sendto({addr})"), socket.send_to(b"hi", addr))?;
        let took = start.elapsed();
        if i >= WARM_UP / 10 {
            times.push(took);
        }
    }
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}
