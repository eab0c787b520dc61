//! IP addresses on this machine: loopback, `localhost`, IPv4 and IPv6.
//!
//! The article says an IP address identifies a device, that names are
//! easier to remember, and that the loopback address is 127.0.0.1, named
//! `localhost`. All true, and incomplete:
//!
//! - loopback is a whole block, 127.0.0.0/8 ([RFC 1122 § 3.2.1.3]); any of
//!   its 16 million addresses reaches this host, which we show by sending
//!   from 127.42.0.1;
//! - IPv6 has its own loopback, `::1` ([RFC 4291 § 2.5.3]), and its socket
//!   addresses are bigger (28 bytes of `sockaddr_in6` against 16 of
//!   `sockaddr_in`);
//! - `localhost` is resolved by the system's resolver, usually from
//!   `/etc/hosts`, so what it means is a fact about this machine, which we
//!   read instead of assuming ([RFC 6761 § 6.3] says it should be
//!   loopback).
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.
//!
//! [RFC 1122 § 3.2.1.3]: https://datatracker.ietf.org/doc/html/rfc1122#section-3.2.1.3
//! [RFC 4291 § 2.5.3]: https://datatracker.ietf.org/doc/html/rfc4291#section-2.5.3
//! [RFC 6761 § 6.3]: https://datatracker.ietf.org/doc/html/rfc6761#section-6.3

use std::net::{
    IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream,
    ToSocketAddrs, UdpSocket,
};

use socket2::SockAddr;

use super::{Result, call};

/// A datagram sent inside 127.0.0.0/8 from a loopback address that is not
/// 127.0.0.1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoopbackBlock {
    /// Where the receiver listened.
    pub receiver: SocketAddr,
    /// The sender's bound address.
    pub sender: SocketAddr,
    /// Where `recvfrom()` said the datagram came from.
    pub seen_from: SocketAddr,
}

// ANCHOR: loopback_block
/// Sends one datagram from 127.42.0.1 to 127.0.0.1: both are this host.
pub fn loopback_block() -> Result<LoopbackBlock> {
    let receiver = call(
        || "bind(127.0.0.1:0)".into(),
        UdpSocket::bind((Ipv4Addr::LOCALHOST, 0)),
    )?;
    let to = call(|| "getsockname()".into(), receiver.local_addr())?;
    let sender = call(
        || "bind(127.42.0.1:0)".into(),
        UdpSocket::bind((Ipv4Addr::new(127, 42, 0, 1), 0)),
    )?;
    let from = call(|| "getsockname()".into(), sender.local_addr())?;
    call(|| format!("sendto({to})"), sender.send_to(b"ping", to))?;
    let mut buf = [0u8; 16];
    let (_, seen_from) =
        call(|| "recvfrom()".into(), receiver.recv_from(&mut buf))?;
    Ok(LoopbackBlock {
        receiver: to,
        sender: from,
        seen_from,
    })
}
// ANCHOR_END: loopback_block

/// What `localhost` means here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Localhost {
    /// The addresses the resolver returned, in its order.
    pub addresses: Vec<IpAddr>,
    /// Lines of `/etc/hosts` that mention `localhost`.
    pub hosts_lines: Vec<String>,
}

// ANCHOR: localhost
/// Resolves `localhost` with the system resolver (`getaddrinfo`).
pub fn localhost() -> Result<Localhost> {
    let resolved = call(
        || "getaddrinfo(\"localhost\")".into(),
        ("localhost", 0).to_socket_addrs(),
    )?;
    let mut addresses: Vec<IpAddr> = Vec::new();
    for addr in resolved {
        // getaddrinfo returns one entry per socket type; keep each address
        // once.
        if !addresses.contains(&addr.ip()) {
            addresses.push(addr.ip());
        }
    }
    let hosts_lines = std::fs::read_to_string("/etc/hosts")
        .unwrap_or_default()
        .lines()
        .filter(|line| {
            !line.trim_start().starts_with('#')
                && line.split_whitespace().skip(1).any(|n| n == "localhost")
        })
        .map(str::to_string)
        .collect();
    Ok(Localhost {
        addresses,
        hosts_lines,
    })
}
// ANCHOR_END: localhost

/// One address family, tried for real over loopback.
#[derive(Debug)]
pub struct Family {
    /// `IPv4` or `IPv6`.
    pub name: &'static str,
    /// The loopback address of this family.
    pub loopback: IpAddr,
    /// Bits in an address: 32 or 128.
    pub bits: u32,
    /// The size of the C socket address structure the kernel takes.
    pub sockaddr_len: u32,
    /// The connection made over it (client, server), or why it failed.
    pub connection: std::result::Result<(SocketAddr, SocketAddr), String>,
}

/// Connects over 127.0.0.1 and over ::1 and reports each.
pub fn families() -> Vec<Family> {
    [
        ("IPv4", IpAddr::V4(Ipv4Addr::LOCALHOST), 32),
        ("IPv6", IpAddr::V6(Ipv6Addr::LOCALHOST), 128),
    ]
    .into_iter()
    .map(|(name, loopback, bits)| Family {
        name,
        loopback,
        bits,
        sockaddr_len: SockAddr::from(SocketAddr::new(loopback, 0)).len(),
        connection: connect_over(loopback).map_err(|e| e.to_string()),
    })
    .collect()
}

fn connect_over(ip: IpAddr) -> Result<(SocketAddr, SocketAddr)> {
    let listener = call(
        || format!("bind({})", SocketAddr::new(ip, 0)),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let server = call(|| "getsockname()".into(), listener.local_addr())?;
    let client =
        call(|| format!("connect({server})"), TcpStream::connect(server))?;
    let me = call(|| "getsockname()".into(), client.local_addr())?;
    Ok((me, server))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_of_127_slash_8_is_this_host() {
        let demo = loopback_block().expect("loopback works");
        assert_eq!(demo.seen_from.ip(), Ipv4Addr::new(127, 42, 0, 1));
        assert_eq!(demo.seen_from, demo.sender);
    }

    #[test]
    fn localhost_resolves_to_loopback() {
        let l = localhost().expect("localhost resolves");
        assert!(!l.addresses.is_empty());
        assert!(l.addresses.iter().all(IpAddr::is_loopback), "{l:?}");
    }

    #[test]
    fn sockaddr_sizes_are_those_of_the_c_structs() {
        let f = families();
        assert_eq!(f[0].sockaddr_len, 16, "sizeof(struct sockaddr_in)");
        assert_eq!(f[1].sockaddr_len, 28, "sizeof(struct sockaddr_in6)");
        assert!(f[0].connection.is_ok(), "{:?}", f[0].connection);
    }
}
