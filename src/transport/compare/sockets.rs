//! The sockets every measurement opens, and the largest UDP payload.
//!
//! Small helpers shared by the measurements: a listening TCP socket, a
//! connected TCP pair, bound and connected UDP sockets, a big receive
//! buffer, all on a port the kernel picks (port 0), each failure named by
//! its C call. [`max_udp_payload`] is the one rule here: IP's 16-bit Total
//! Length ([RFC 791 § 3.1], [RFC 8200 § 3]) caps one UDP datagram, the
//! "limited to 64 KB" of the article that `limits.rs` then produces.
//!
//! (Not to be confused with [`crate::sockets`], lesson 10's call-by-call
//! walk through the same system calls.)
//!
//! Read before: `spread.rs`. Read next: `pinning.rs`.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3

use std::fmt;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};

use nix::sys::socket::{setsockopt, sockopt};
use serde::Serialize;
use socket2::SockRef;

use super::{Error, Result, call};

/// The two transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Transport {
    /// [RFC 9293]: a reliable, ordered byte stream over a connection.
    ///
    /// [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
    Tcp,
    /// [RFC 768]: single datagrams, no connection, no delivery guarantee.
    ///
    /// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
    Udp,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
        })
    }
}

/// The largest UDP payload one IP datagram can carry.
///
/// IPv4: "Total Length is the length of the datagram, measured in octets,
/// including internet header and data. This field allows the length of a
/// datagram to be up to 65,535 octets" ([RFC 791 § 3.1]). Take away the
/// 20-byte IPv4 header and the 8-byte UDP header ([RFC 768]):
/// 65,535 − 20 − 8 = 65,507.
///
/// IPv6: the Payload Length counts everything *after* the 40-byte IPv6
/// header ([RFC 8200 § 3]), so only the UDP header comes off:
/// 65,535 − 8 = 65,527 (jumbograms aside).
///
/// [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
pub fn max_udp_payload(ip: IpAddr) -> usize {
    const IP_MAX_TOTAL: usize = 65_535;
    const IPV4_HEADER: usize = 20;
    const UDP_HEADER: usize = 8;
    match ip {
        IpAddr::V4(_) => IP_MAX_TOTAL - IPV4_HEADER - UDP_HEADER,
        IpAddr::V6(_) => IP_MAX_TOTAL - UDP_HEADER,
    }
}

pub(super) fn check_udp_size(ip: IpAddr, size: usize) -> Result<()> {
    let max = max_udp_payload(ip);
    if size > max {
        return Err(Error::TooLarge { size, max });
    }
    Ok(())
}

/// A listening TCP socket on `ip`, port chosen by the kernel.
pub(super) fn listen(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    let listener = call(
        || format!("bind({ip}:0) + listen()"),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let addr = call(|| "getsockname()".into(), listener.local_addr())?;
    Ok((listener, addr))
}

/// A connected pair of TCP sockets: (client, server).
///
/// No thread is needed: `connect()` returns once the kernel finished the
/// handshake, and the connection waits in the listen backlog until
/// `accept()` takes it.
pub(super) fn tcp_pair(ip: IpAddr) -> Result<(TcpStream, TcpStream)> {
    let (listener, addr) = listen(ip)?;
    let client = call(|| format!("connect({addr})"), TcpStream::connect(addr))?;
    let (server, _) = call(|| "accept()".into(), listener.accept())?;
    Ok((client, server))
}

/// A UDP socket bound to `ip`, port chosen by the kernel.
pub(super) fn udp_bind(ip: IpAddr) -> Result<(UdpSocket, SocketAddr)> {
    let socket = call(
        || format!("bind({ip}:0)"),
        UdpSocket::bind(SocketAddr::new(ip, 0)),
    )?;
    let addr = call(|| "getsockname()".into(), socket.local_addr())?;
    Ok((socket, addr))
}

/// A UDP socket bound to `ip` and `connect()`ed to `peer`, so plain
/// `send()`/`recv()` work. Connecting a UDP socket sends nothing; it only
/// fixes the default destination.
pub(super) fn udp_connected(ip: IpAddr, peer: SocketAddr) -> Result<UdpSocket> {
    let (socket, _) = udp_bind(ip)?;
    call(|| format!("connect({peer})"), socket.connect(peer))?;
    Ok(socket)
}

/// Asks for a receive buffer of `bytes` and returns what the kernel granted.
///
/// `SO_RCVBUF` is capped by `net.core.rmem_max` (often 208 KiB);
/// `SO_RCVBUFFORCE` ignores the cap but needs `CAP_NET_ADMIN`, so we try it
/// first and fall back. The kernel doubles the value for its own
/// bookkeeping, and `getsockopt` reports the doubled number ([socket(7)]).
///
/// [socket(7)]: https://man7.org/linux/man-pages/man7/socket.7.html
pub(super) fn big_receive_buffer(
    socket: &UdpSocket,
    bytes: usize,
) -> Result<usize> {
    if setsockopt(socket, sockopt::RcvBufForce, &bytes).is_err() {
        call(
            || format!("setsockopt(SO_RCVBUF, {bytes})"),
            SockRef::from(socket).set_recv_buffer_size(bytes),
        )?;
    }
    call(
        || "getsockopt(SO_RCVBUF)".into(),
        SockRef::from(socket).recv_buffer_size(),
    )
}

/// True when a read with a timeout returned because the time ran out.
/// Linux says `EAGAIN` (`WouldBlock`) for `SO_RCVTIMEO`.
pub(super) fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udp_ceilings() {
        assert_eq!(
            max_udp_payload(std::net::Ipv4Addr::LOCALHOST.into()),
            65_507
        );
        assert_eq!(
            max_udp_payload(std::net::Ipv6Addr::LOCALHOST.into()),
            65_527
        );
    }
}
