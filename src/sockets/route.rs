//! Which interface a packet would leave through: the kernel's IPv4
//! routing table, read from `/proc/net/route`, and the longest-prefix match
//! that `ip route get` does.
//!
//! A route is a network (destination and mask), an interface, and
//! optionally a gateway, the next hop. For a destination the kernel picks,
//! of all routes whose network contains it, the one with the longest mask
//! (the most specific); `default` is 0.0.0.0/0 and contains every address
//! ([RFC 1812 § 5.2.4.3], "Longest Match"). Lesson 8's first exercise asks
//! this of the student's own machine; its answer comes from here.
//!
//! Read before: [`super::addressing`]. Book: `book/src/lesson-08.md`.
//! Run: `netlab lesson 8 --answers`.
//!
//! [RFC 1812 § 5.2.4.3]: https://datatracker.ietf.org/doc/html/rfc1812#section-5.2.4.3

use std::net::Ipv4Addr;

use super::{Error, Result};

const PATH: &str = "/proc/net/route";

/// One route of the main table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    /// The interface the packet leaves through, e.g. `eth0`.
    pub interface: String,
    /// The network: its address and prefix length.
    pub network: (Ipv4Addr, u8),
    /// The next hop, when the destination is not on the link itself.
    pub gateway: Option<Ipv4Addr>,
}

/// The route the kernel would choose for `dst`, from this machine's table.
pub fn to(dst: Ipv4Addr) -> Result<Option<Route>> {
    let table =
        std::fs::read_to_string(PATH).map_err(|source| Error::Proc {
            path: PATH.into(),
            source,
        })?;
    Ok(choose(&parse(&table), dst))
}

/// The routes in the text of `/proc/net/route`. Each line after the
/// header is `Iface Destination Gateway Flags RefCnt Use Metric Mask …`,
/// the addresses as 8 hex digits in the kernel's (little-endian) byte
/// order. Lines that do not parse are skipped: a wrong answer is worse than
/// none.
pub fn parse(table: &str) -> Vec<Route> {
    let address = |hex: &str| -> Option<Ipv4Addr> {
        let raw = u32::from_str_radix(hex, 16).ok()?;
        Some(Ipv4Addr::from(raw.to_le_bytes()))
    };
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            let (iface, dst, gw, mask) =
                (f.first()?, f.get(1)?, f.get(2)?, f.get(7)?);
            let mask = address(mask)?;
            let gateway = address(gw)?;
            Some(Route {
                interface: (*iface).to_string(),
                network: (address(dst)?, u32::from(mask).count_ones() as u8),
                gateway: (!gateway.is_unspecified()).then_some(gateway),
            })
        })
        .collect()
}

/// Of the routes whose network contains `dst`, the longest prefix.
pub fn choose(routes: &[Route], dst: Ipv4Addr) -> Option<Route> {
    routes
        .iter()
        .filter(|r| {
            let (net, len) = r.network;
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(dst) & mask == u32::from(net) & mask
        })
        .max_by_key(|r| r.network.1)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A machine on 192.168.1.0/24 with a default route via .1.
    const TABLE: &str = "\
Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
";

    #[test]
    fn the_longest_prefix_wins() {
        let routes = parse(TABLE);
        assert_eq!(routes.len(), 2);
        let near = choose(&routes, Ipv4Addr::new(192, 168, 1, 7));
        assert_eq!(
            near,
            Some(Route {
                interface: "eth0".into(),
                network: (Ipv4Addr::new(192, 168, 1, 0), 24),
                gateway: None,
            })
        );
        let far = choose(&routes, Ipv4Addr::new(192, 0, 2, 10));
        assert_eq!(
            far.and_then(|r| r.gateway),
            Some(Ipv4Addr::new(192, 168, 1, 1))
        );
    }

    #[test]
    fn no_route_and_bad_lines_are_no_answer() {
        assert_eq!(parse("header\nnot a route\n"), []);
        assert_eq!(choose(&[], Ipv4Addr::LOCALHOST), None);
    }
}
