//! The kernel's own counters: `/proc/thread-self/net/snmp`.
//!
//! Some of what lesson 9 shows happens inside the kernel, where a socket
//! cannot see it: datagrams dropped at a full receive buffer
//! (`Udp: RcvbufErrors`), TCP segments sent again (`Tcp: RetransSegs`),
//! datagrams fragmented and reassembled (`Ip: FragCreates`,
//! `Ip: ReasmOKs`). The kernel counts them per network namespace, under
//! the names of the SNMP MIB-II objects ([RFC 1213]: `ipFragCreates`,
//! `tcpRetransSegs` …; `RcvbufErrors` is Linux's own); this file reads
//! them.
//! `throughput.rs` counts UDP drops with them, `loss.rs` retransmissions,
//! `fragments.rs` fragments.
//!
//! Read before: `limits.rs`. Read next: `loss.rs`.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare --loss 5`.
//!
//! [RFC 1213]: https://datatracker.ietf.org/doc/html/rfc1213

use std::net::IpAddr;

use super::{Error, Result};

/// The kernel's protocol counters for the calling thread's network
/// namespace.
///
/// `/proc/net` is a link to `/proc/self/net`, and `/proc/self` is the
/// *process* (its main thread): a thread that joined another namespace
/// with `setns()` still reads the main thread's counters there.
/// `/proc/thread-self/net` follows the calling thread's own namespace
/// (checked: after `unshare(CLONE_NEWNET)` in a thread, its
/// `/proc/thread-self/net/dev` lists only `lo` while `/proc/self/net/dev`
/// still lists the host's interfaces).
pub const SNMP: &str = "/proc/thread-self/net/snmp";

/// IPv6 counters (one `name value` pair per line), same rule as [`SNMP`].
pub const SNMP6: &str = "/proc/thread-self/net/snmp6";

/// Reads one counter, e.g. `snmp_counter("Tcp", "RetransSegs")`, from
/// [`SNMP`] as the calling thread sees it.
pub fn snmp_counter(table: &str, field: &str) -> Result<u64> {
    let text = std::fs::read_to_string(SNMP).map_err(|e| Error::Proc {
        path: SNMP.into(),
        problem: e.to_string(),
    })?;
    parse_snmp(&text, table, field).ok_or_else(|| Error::Proc {
        path: SNMP.into(),
        problem: format!("no counter {table}: {field}"),
    })
}

/// Finds `field` of `table` in the text of `/proc/net/snmp`, where each
/// table is two lines: `Tcp: RtoAlgorithm RtoMin …` then `Tcp: 1 200 …`.
pub fn parse_snmp(text: &str, table: &str, field: &str) -> Option<u64> {
    let prefix = format!("{table}:");
    let mut lines = text.lines().filter(|l| l.starts_with(&prefix));
    let names = lines.next()?;
    let values = lines.next()?;
    let at = names.split_whitespace().position(|n| n == field)?;
    values.split_whitespace().nth(at)?.parse().ok()
}

/// Datagrams dropped because a receive buffer was full: `Udp:
/// RcvbufErrors`, or `Udp6RcvbufErrors` from [`SNMP6`] for IPv6.
pub(super) fn udp_receive_buffer_errors(ip: IpAddr) -> Result<u64> {
    match ip {
        IpAddr::V4(_) => snmp_counter("Udp", "RcvbufErrors"),
        IpAddr::V6(_) => {
            let text =
                std::fs::read_to_string(SNMP6).map_err(|e| Error::Proc {
                    path: SNMP6.into(),
                    problem: e.to_string(),
                })?;
            text.lines()
                .filter_map(|l| l.split_once(char::is_whitespace))
                .find(|(name, _)| *name == "Udp6RcvbufErrors")
                .and_then(|(_, v)| v.trim().parse().ok())
                .ok_or_else(|| Error::Proc {
                    path: SNMP6.into(),
                    problem: "no counter Udp6RcvbufErrors".into(),
                })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snmp_table_lookup() {
        let text = "Ip: Forwarding DefaultTTL FragCreates\n\
                    Ip: 1 64 7\n\
                    Tcp: RtoAlgorithm MaxConn RetransSegs\n\
                    Tcp: 1 -1 42\n";
        assert_eq!(parse_snmp(text, "Tcp", "RetransSegs"), Some(42));
        assert_eq!(parse_snmp(text, "Ip", "FragCreates"), Some(7));
        assert_eq!(parse_snmp(text, "Udp", "InDatagrams"), None);
        assert_eq!(parse_snmp(text, "Tcp", "Nope"), None);
    }
}
