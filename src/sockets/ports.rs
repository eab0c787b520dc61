//! Port numbers: their classes, the ephemeral range, and well-known services.
//!
//! A port is a 16-bit number (0–65535) that tells the kernel which socket on
//! a host gets a packet. [RFC 6335 § 6] splits the range into three classes,
//! and the article gets the first boundary wrong: it says 0–1024 are
//! reserved, but the well-known ports are 0–**1023**; 1024 is the first
//! registered port.
//!
//! Which ports a client gets when it does not choose (the *ephemeral* ports)
//! is a kernel setting, not the IANA class: Linux reads
//! `/proc/sys/net/ipv4/ip_local_port_range`, 32768–60999 by default, which
//! is not RFC 6335's dynamic range 49152–65535. Lesson 8 reads the setting
//! and then watches the kernel pick ports from it.
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.
//!
//! [RFC 6335 § 6]: https://datatracker.ietf.org/doc/html/rfc6335#section-6

use std::fs;
use std::io::ErrorKind;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::ops::RangeInclusive;

use super::{Error, Result, call};

/// The three classes of [RFC 6335 § 6].
///
/// [RFC 6335 § 6]: https://datatracker.ietf.org/doc/html/rfc6335#section-6
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortClass {
    /// 0–1023, "System Ports", assigned by IETF process.
    WellKnown,
    /// 1024–49151, "User Ports", registered with IANA.
    Registered,
    /// 49152–65535, "Dynamic and/or Private Ports", never assigned.
    Dynamic,
}

impl PortClass {
    /// Every class, in order.
    pub const ALL: [PortClass; 3] = [
        PortClass::WellKnown,
        PortClass::Registered,
        PortClass::Dynamic,
    ];

    /// The class a port belongs to.
    pub fn of(port: u16) -> Self {
        match port {
            0..=1023 => PortClass::WellKnown,
            1024..=49151 => PortClass::Registered,
            49152..=65535 => PortClass::Dynamic,
        }
    }

    /// The ports in this class.
    pub fn range(self) -> RangeInclusive<u16> {
        match self {
            PortClass::WellKnown => 0..=1023,
            PortClass::Registered => 1024..=49151,
            PortClass::Dynamic => 49152..=65535,
        }
    }

    /// RFC 6335's name for the class.
    pub fn name(self) -> &'static str {
        match self {
            PortClass::WellKnown => "well-known (system)",
            PortClass::Registered => "registered (user)",
            PortClass::Dynamic => "dynamic (private)",
        }
    }
}

/// A well-known service: the port, the transport and what uses it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The port IANA assigned.
    pub port: u16,
    /// `tcp`, `udp` or both.
    pub transport: &'static str,
    /// IANA's service name (as in `/etc/services`).
    pub name: &'static str,
    /// What it is, and the spec that says so.
    pub what: &'static str,
}

/// Services a student will meet in this course, from IANA's registry.
#[rustfmt::skip]
pub const SERVICES: &[Service] = &[
    Service { port: 22, transport: "tcp", name: "ssh", what: "remote shell (RFC 4253)" },
    Service { port: 25, transport: "tcp", name: "smtp", what: "mail between servers (RFC 5321)" },
    Service { port: 53, transport: "udp+tcp", name: "domain", what: "DNS, names to addresses (RFC 1035)" },
    Service { port: 80, transport: "tcp", name: "http", what: "the web (RFC 9110)" },
    Service { port: 123, transport: "udp", name: "ntp", what: "clock synchronisation (RFC 5905)" },
    Service { port: 443, transport: "tcp+udp", name: "https", what: "the web over TLS; QUIC on UDP (RFC 9110, 9000)" },
    Service { port: 5222, transport: "tcp", name: "xmpp-client", what: "XMPP client to server (RFC 6120 § 14.7)" },
    Service { port: 5269, transport: "tcp", name: "xmpp-server", what: "XMPP server to server (RFC 6120 § 14.7)" },
];

/// The ephemeral port range this kernel uses for clients that do not bind.
pub fn ephemeral_range() -> Result<RangeInclusive<u16>> {
    let path = "/proc/sys/net/ipv4/ip_local_port_range";
    let text = read(path)?;
    let mut numbers = text.split_whitespace().map(str::parse::<u16>);
    match (numbers.next(), numbers.next()) {
        (Some(Ok(low)), Some(Ok(high))) => Ok(low..=high),
        _ => Err(Error::ProcFormat {
            path: path.into(),
            problem: format!("expected two port numbers, found {text:?}"),
        }),
    }
}

/// The first port an unprivileged program may bind (1024 unless changed;
/// some container runtimes set it to 0).
pub fn unprivileged_port_start() -> Result<u16> {
    let path = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
    let text = read(path)?;
    text.trim().parse().map_err(|_| Error::ProcFormat {
        path: path.into(),
        problem: format!("{text:?} is not a port number"),
    })
}

// ANCHOR: ephemeral
/// Opens `count` connections to a listener on `ip` and returns the local
/// port the kernel chose for each client: the ephemeral ports, observed.
pub fn observe_ephemeral(ip: IpAddr, count: usize) -> Result<Vec<u16>> {
    let listener = call(
        || format!("bind({ip}:0)"),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let server = call(|| "getsockname()".into(), listener.local_addr())?;
    let mut ports = Vec::new();
    let mut keep = Vec::new(); // hold them open so each gets a new port
    for _ in 0..count {
        let client =
            call(|| format!("connect({server})"), TcpStream::connect(server))?;
        let me = call(|| "getsockname()".into(), client.local_addr())?;
        ports.push(me.port());
        keep.push(client);
    }
    Ok(ports)
}
// ANCHOR_END: ephemeral

/// Binds a TCP socket and a UDP socket to the *same* port number at once.
/// It works because each transport protocol has its own port space: the
/// IP header's protocol field (6 or 17) is looked at before the port.
pub fn same_port_both_protocols(ip: IpAddr) -> Result<u16> {
    let mut attempt = 0;
    loop {
        let tcp = call(
            || format!("bind({ip}:0) for TCP"),
            TcpListener::bind(SocketAddr::new(ip, 0)),
        )?;
        let port = call(|| "getsockname()".into(), tcp.local_addr())?.port();
        let addr = SocketAddr::new(ip, port);
        match UdpSocket::bind(addr) {
            Ok(_udp) => return Ok(port),
            // The kernel chose a port free for TCP; another program may
            // hold the same number for UDP. Rare: try another port.
            Err(e) if e.kind() == ErrorKind::AddrInUse && attempt < 10 => {
                attempt += 1;
            }
            Err(e) => {
                return call(|| format!("bind({addr}) for UDP"), Err(e));
            }
        }
    }
}

fn read(path: &str) -> Result<String> {
    fs::read_to_string(path).map_err(|source| Error::Proc {
        path: path.into(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_rfc_6335_not_the_article() {
        assert_eq!(PortClass::of(0), PortClass::WellKnown);
        assert_eq!(PortClass::of(1023), PortClass::WellKnown);
        // The article says 0–1024 are reserved; 1024 is a user port.
        assert_eq!(PortClass::of(1024), PortClass::Registered);
        assert_eq!(PortClass::of(49151), PortClass::Registered);
        assert_eq!(PortClass::of(49152), PortClass::Dynamic);
        assert_eq!(PortClass::of(65535), PortClass::Dynamic);
        for class in PortClass::ALL {
            assert_eq!(PortClass::of(*class.range().start()), class);
            assert_eq!(PortClass::of(*class.range().end()), class);
        }
    }

    #[test]
    fn services_are_in_the_class_their_port_says() {
        for s in SERVICES {
            let expected = if s.port < 1024 {
                PortClass::WellKnown
            } else {
                PortClass::Registered
            };
            assert_eq!(PortClass::of(s.port), expected, "{}", s.name);
        }
    }

    #[test]
    fn the_kernel_picks_client_ports_from_its_range() {
        let range = ephemeral_range().expect("readable on Linux");
        let ports = observe_ephemeral("127.0.0.1".parse().expect("ip"), 5)
            .expect("loopback connections");
        assert_eq!(ports.len(), 5);
        for port in ports {
            assert!(range.contains(&port), "{port} outside {range:?}");
        }
    }

    #[test]
    fn tcp_and_udp_have_separate_port_spaces() {
        same_port_both_protocols("127.0.0.1".parse().expect("ip"))
            .expect("TCP and UDP can share a port number");
    }
}
