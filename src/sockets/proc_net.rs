//! The kernel's socket table, read from `/proc/net/tcp`, `tcp6`, `udp`, `udp6`.
//!
//! Lesson 10 never *claims* a socket is in LISTEN or TIME_WAIT: it reads the
//! state from the kernel. Linux publishes every TCP and UDP socket it tracks
//! as one text line per socket (`ss` and `netstat` read the same data):
//!
//! ```text
//!   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
//!    0: 0100007F:1B58 00000000:0000 0A 00000000:00000080 00:00000000 00000000  1000        0 81234 ...
//!       └─ addr:port ─┘ └─ remote ──┘ │  └─ queues ─────┘                        └ uid ┘     └inode┘
//!                                   state (hex, see TcpState)
//! ```
//!
//! Two details every reader trips over, both from the kernel source
//! (`net/ipv4/tcp_ipv4.c`, `get_tcp4_sock`):
//! - the address is the 32-bit word *as stored in memory*, printed with
//!   `%08X`; on a little-endian machine 127.0.0.1 appears as `0100007F`.
//!   The port is converted to host order first, so `1B58` is port 7000.
//! - for a LISTEN socket `rx_queue` means something else: how many
//!   finished connections wait in the accept queue for `accept()`. (The
//!   limit given to `listen()` is not in this file; `ss -lt` gets it over
//!   the `sock_diag` netlink interface and shows it as Send-Q.)
//!
//! A socket that is only bound (no `listen`, no `connect`) is *not* listed:
//! the table shows sockets the kernel can deliver packets to.
//!
//! Kernel docs: <https://docs.kernel.org/networking/proc_net_tcp.html>.
//! Book: `book/src/lesson-10.md`.

use std::fmt;
use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{Error, Result};

/// Which table a row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `/proc/net/tcp` and `/proc/net/tcp6`.
    Tcp,
    /// `/proc/net/udp` and `/proc/net/udp6`.
    Udp,
}

/// A TCP state as the kernel numbers it (`include/net/tcp_states.h`).
///
/// The names are those of RFC 9293 § 3.3.2 (the TCP state diagram), plus
/// the kernel's own `NEW_SYN_RECV` for a half-open connection that has no
/// full socket yet. UDP sockets reuse the numbers: an unconnected UDP socket
/// shows `CLOSE` (7), a connected one `ESTABLISHED` (1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TcpState {
    /// 1: the handshake is complete; data can flow.
    Established,
    /// 2: we sent SYN and wait for SYN-ACK.
    SynSent,
    /// 3: we got SYN, sent SYN-ACK, wait for ACK.
    SynRecv,
    /// 4: we sent FIN, wait for its ACK.
    FinWait1,
    /// 5: our FIN is acknowledged; wait for the peer's FIN.
    FinWait2,
    /// 6: both FINs done; we closed first, so we wait 2×MSL.
    TimeWait,
    /// 7: no connection (also every unconnected UDP socket).
    Close,
    /// 8: the peer sent FIN; we have not closed yet.
    CloseWait,
    /// 9: we closed after the peer; wait for the ACK of our FIN.
    LastAck,
    /// 10: waiting for connections (`listen()` was called).
    Listen,
    /// 11: both sides sent FIN at the same time.
    Closing,
    /// 12: a SYN arrived; the kernel answered it with a lightweight entry.
    NewSynRecv,
    /// A number this program does not know.
    Unknown(u8),
}

impl TcpState {
    /// Decodes the kernel's state number.
    pub fn from_number(n: u8) -> Self {
        match n {
            1 => Self::Established,
            2 => Self::SynSent,
            3 => Self::SynRecv,
            4 => Self::FinWait1,
            5 => Self::FinWait2,
            6 => Self::TimeWait,
            7 => Self::Close,
            8 => Self::CloseWait,
            9 => Self::LastAck,
            10 => Self::Listen,
            11 => Self::Closing,
            12 => Self::NewSynRecv,
            other => Self::Unknown(other),
        }
    }
}

impl fmt::Display for TcpState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Established => "ESTABLISHED",
            Self::SynSent => "SYN_SENT",
            Self::SynRecv => "SYN_RECV",
            Self::FinWait1 => "FIN_WAIT1",
            Self::FinWait2 => "FIN_WAIT2",
            Self::TimeWait => "TIME_WAIT",
            Self::Close => "CLOSE",
            Self::CloseWait => "CLOSE_WAIT",
            Self::LastAck => "LAST_ACK",
            Self::Listen => "LISTEN",
            Self::Closing => "CLOSING",
            Self::NewSynRecv => "NEW_SYN_RECV",
            Self::Unknown(n) => return write!(f, "state {n}"),
        };
        f.pad(name)
    }
}

/// One line of a `/proc/net` socket table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SocketRow {
    /// TCP or UDP.
    pub transport: Transport,
    /// Our end.
    pub local: SocketAddr,
    /// The other end (`0.0.0.0:0` when there is none).
    pub remote: SocketAddr,
    /// The state.
    pub state: TcpState,
    /// Bytes sent but not yet acknowledged.
    pub tx_queue: u32,
    /// Bytes received but not yet read (LISTEN: connections not yet
    /// accepted).
    pub rx_queue: u32,
    /// The owner's user id.
    pub uid: u32,
    /// The socket's inode: the same number `/proc/PID/fd/N` shows as
    /// `socket:[INODE]`. 0 means no file descriptor refers to it.
    pub inode: u64,
}

/// Reads every TCP socket (IPv4 and IPv6) the kernel lists.
pub fn tcp_sockets() -> Result<Vec<SocketRow>> {
    read_tables(Transport::Tcp)
}

/// Reads every UDP socket (IPv4 and IPv6) the kernel lists.
pub fn udp_sockets() -> Result<Vec<SocketRow>> {
    read_tables(Transport::Udp)
}

/// The inode behind a file descriptor of this process: `/proc/self/fd/N` is a
/// symbolic link to `socket:[INODE]`, the number that also appears in the
/// last column of `/proc/net/tcp`. That is how we find *our* sockets there.
pub fn inode_of(fd: std::os::fd::RawFd) -> Result<u64> {
    let path = format!("/proc/self/fd/{fd}");
    let target = fs::read_link(&path).map_err(|source| Error::Proc {
        path: path.clone(),
        source,
    })?;
    let text = target.to_string_lossy();
    text.strip_prefix("socket:[")
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| Error::ProcFormat {
            path,
            problem: format!("{text:?} is not a socket"),
        })
}

fn read_tables(transport: Transport) -> Result<Vec<SocketRow>> {
    let (v4, v6) = match transport {
        Transport::Tcp => ("/proc/net/tcp", "/proc/net/tcp6"),
        Transport::Udp => ("/proc/net/udp", "/proc/net/udp6"),
    };
    let mut rows = read_table(v4, transport)?;
    // A kernel built without IPv6 has no tcp6 file; that is not an error.
    if std::path::Path::new(v6).exists() {
        rows.extend(read_table(v6, transport)?);
    }
    Ok(rows)
}

fn read_table(path: &str, transport: Transport) -> Result<Vec<SocketRow>> {
    let text = fs::read_to_string(path).map_err(|source| Error::Proc {
        path: path.to_string(),
        source,
    })?;
    parse_table(&text, transport).map_err(|problem| Error::ProcFormat {
        path: path.to_string(),
        problem,
    })
}

/// Parses a whole table: a header line, then one socket per line.
pub fn parse_table(
    text: &str,
    transport: Transport,
) -> std::result::Result<Vec<SocketRow>, String> {
    text.lines()
        .skip(1) // the column header
        .filter(|line| !line.trim().is_empty())
        .enumerate()
        .map(|(i, line)| {
            parse_row(line, transport)
                .map_err(|e| format!("line {}: {e}", i + 2))
        })
        .collect()
}

/// Parses one line such as
/// `0: 0100007F:1B58 00000000:0000 0A 00000000:00000080 ...`.
pub fn parse_row(
    line: &str,
    transport: Transport,
) -> std::result::Result<SocketRow, String> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    // sl local remote st tx:rx tr:when retrnsmt uid timeout inode
    if fields.len() < 10 {
        return Err(format!(
            "expected at least 10 columns, found {}",
            fields.len()
        ));
    }
    let (tx, rx) = fields[4]
        .split_once(':')
        .ok_or_else(|| format!("queue column {:?} has no ':'", fields[4]))?;
    Ok(SocketRow {
        transport,
        local: parse_endpoint(fields[1])?,
        remote: parse_endpoint(fields[2])?,
        state: TcpState::from_number(hex_u8(fields[3])?),
        tx_queue: hex_u32(tx)?,
        rx_queue: hex_u32(rx)?,
        uid: fields[7]
            .parse()
            .map_err(|_| format!("uid {:?} is not a number", fields[7]))?,
        inode: fields[9]
            .parse()
            .map_err(|_| format!("inode {:?} is not a number", fields[9]))?,
    })
}

/// `0100007F:1B58` → 127.0.0.1:7000; 32 hex digits before the colon for IPv6.
fn parse_endpoint(text: &str) -> std::result::Result<SocketAddr, String> {
    let (addr, port) = text
        .split_once(':')
        .ok_or_else(|| format!("address {text:?} has no ':'"))?;
    let port = u16::from_str_radix(port, 16)
        .map_err(|_| format!("port {port:?} is not hex"))?;
    let ip = match addr.len() {
        // Each 8-digit group is a 32-bit word in *memory* order, so
        // `to_ne_bytes` (native endian) recovers the network-order bytes.
        8 => IpAddr::V4(Ipv4Addr::from(hex_u32(addr)?.to_ne_bytes())),
        32 => {
            let mut bytes = [0u8; 16];
            for (i, chunk) in bytes.chunks_mut(4).enumerate() {
                let word = hex_u32(&addr[i * 8..i * 8 + 8])?;
                chunk.copy_from_slice(&word.to_ne_bytes());
            }
            IpAddr::V6(Ipv6Addr::from(bytes))
        }
        n => return Err(format!("address {addr:?} has {n} hex digits")),
    };
    Ok(SocketAddr::new(ip, port))
}

fn hex_u32(text: &str) -> std::result::Result<u32, String> {
    u32::from_str_radix(text, 16).map_err(|_| format!("{text:?} is not hex"))
}

fn hex_u8(text: &str) -> std::result::Result<u8, String> {
    u8::from_str_radix(text, 16).map_err(|_| format!("{text:?} is not hex"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A listening socket on 127.0.0.1:7000 with two connections waiting
    /// to be accepted, as on a real x86_64 machine (little-endian).
    const LISTEN_ROW: &str = "   0: 0100007F:1B58 00000000:0000 0A \
        00000000:00000002 00:00000000 00000000  1000        0 81234 1 \
        0000000035e6f8d1 100 0 0 10 0";

    /// A TIME_WAIT entry: no owner any more, so uid 0 and inode 0.
    const TIME_WAIT_ROW: &str = "   3: 0100007F:D2C4 0100007F:1B58 06 \
        00000000:00000000 03:00001770 00000000     0        0 0 3 \
        00000000d81d17ce";

    /// ::1 port 5222, listening, from /proc/net/tcp6.
    const TCP6_ROW: &str = "   0: 00000000000000000000000001000000:1466 \
        00000000000000000000000000000000:0000 0A 00000000:00000010 \
        00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 \
        0 10 0";

    #[test]
    #[cfg(target_endian = "little")]
    fn parses_a_listening_socket() {
        let row = parse_row(LISTEN_ROW, Transport::Tcp).expect("valid row");
        assert_eq!(row.local, "127.0.0.1:7000".parse().expect("addr"));
        assert_eq!(row.remote, "0.0.0.0:0".parse().expect("addr"));
        assert_eq!(row.state, TcpState::Listen);
        assert_eq!(row.tx_queue, 0);
        assert_eq!(row.rx_queue, 2, "two connections await accept()");
        assert_eq!(row.uid, 1000);
        assert_eq!(row.inode, 81234);
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn parses_time_wait_without_owner() {
        let row = parse_row(TIME_WAIT_ROW, Transport::Tcp).expect("valid");
        assert_eq!(row.state, TcpState::TimeWait);
        assert_eq!(row.local.port(), 0xD2C4);
        assert_eq!(row.remote.port(), 7000);
        assert_eq!(row.inode, 0);
    }

    #[test]
    #[cfg(target_endian = "little")]
    fn parses_ipv6_loopback() {
        let row = parse_row(TCP6_ROW, Transport::Tcp).expect("valid row");
        assert_eq!(row.local, "[::1]:5222".parse().expect("addr"));
        assert_eq!(row.state, TcpState::Listen);
    }

    #[test]
    fn skips_header_and_blank_lines() {
        let text = format!(
            "  sl  local_address rem_address   st ...\n{LISTEN_ROW}\n\n"
        );
        let rows = parse_table(&text, Transport::Tcp).expect("valid table");
        assert_eq!(rows.len(), 1);
    }

    #[test]
    fn rejects_short_and_garbled_lines() {
        for bad in [
            "0: 0100007F:1B58",
            "0: 0100007F 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "0: 0100007F:ZZZZ 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "0: 0100:1B58 00000000:0000 0A 0:0 0:0 0 0 0 1",
            "0: 0100007F:1B58 00000000:0000 0A 00 0:0 0 0 0 1",
            "0: 0100007F:1B58 00000000:0000 0A 0:0 0:0 0 x 0 1",
        ] {
            assert!(parse_row(bad, Transport::Tcp).is_err(), "{bad}");
        }
        let err = parse_table("header\n0: 1", Transport::Tcp)
            .expect_err("too few columns");
        assert!(err.starts_with("line 2:"), "{err}");
    }

    #[test]
    fn names_every_state_and_keeps_unknown_numbers() {
        assert_eq!(TcpState::from_number(10).to_string(), "LISTEN");
        assert_eq!(TcpState::from_number(6).to_string(), "TIME_WAIT");
        assert_eq!(TcpState::from_number(99), TcpState::Unknown(99));
        assert_eq!(TcpState::Unknown(99).to_string(), "state 99");
    }

    #[test]
    fn reads_this_machines_table() {
        // Whatever is running, the real file must parse.
        tcp_sockets().expect("/proc/net/tcp parses");
        udp_sockets().expect("/proc/net/udp parses");
    }
}
