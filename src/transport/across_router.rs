//! One datagram from host a to host b through the router, captured on both
//! sides of it: what a router changes in a frame, and what it leaves alone.
//!
//! Two captures are opened before anything is sent: one on host a's
//! interface (the frame as it leaves a, before the router) and one on host
//! b's (the frame as it reaches b, after the router). Each is an
//! `AF_PACKET` socket ([`crate::capture::live`]) opened by a thread that
//! first entered that host's namespace ([`super::lab::in_namespace`]): a
//! socket belongs to the namespace it was created in, so each sees its own
//! host's link. Both keep only UDP to or from the receiver's port, so the
//! ARP exchanges that precede the datagram (a asks for the router's MAC
//! address, the router asks for b's) are filtered out in the kernel.
//!
//! What the two copies show, and the rules behind them:
//!
//! - **TTL one less.** "this field must be decreased at each point that the
//!   internet header is processed" ([RFC 791 § 3.1], Time to Live); a
//!   router forwarding a datagram decrements it ([RFC 1812 § 5.3.1]).
//!   Because the TTL is part of the header, the header checksum changes
//!   too.
//! - **New MAC addresses.** An Ethernet frame only crosses one link: host a
//!   addressed it to the router's MAC, and the router wraps the datagram in
//!   a new frame, from its own other interface to b's MAC.
//! - **Same IP addresses.** The datagram is addressed end to end, from a to
//!   b; the router reads the destination to choose a route and changes
//!   neither address.
//!
//! Nothing here prints; `show::osi_live` renders a [`Crossing`].
//!
//! Read before: [`super::routed_lab`]. Book: `book/src/lesson-07.md`.
//! Run: `sudo netlab lesson 7`.
//!
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 1812 § 5.3.1]: https://datatracker.ietf.org/doc/html/rfc1812#section-5.3.1

use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::lab::{Host, in_namespace};
use super::routed_lab::{self, HOST_A, HOST_B};
use super::topology;
use crate::capture::Frame;
use crate::capture::interfaces;
use crate::capture::live::{self, Capture};

/// What host a sends: a few bytes, so the whole frame fits on a screen.
pub const MESSAGE: &[u8] = b"hello b, from a";

/// How long to wait for a frame that should take microseconds.
pub const PATIENCE: Duration = Duration::from_secs(3);

/// One datagram, seen on both sides of the router.
#[derive(Debug, Clone)]
pub struct Crossing {
    /// The frame as it left host a (captured on its `eth0`).
    pub before: Frame,
    /// The frame as it reached host b (captured on its `eth0`).
    pub after: Frame,
    /// The MAC address of each interface on the path, in order, named
    /// `a eth0`, `router r-eth0`, `router r-eth1`, `b eth0`.
    pub macs: Vec<(&'static str, String)>,
    /// Each routing-table query as a shell line, with what it printed.
    pub routes: Vec<(String, String)>,
}

/// Sends [`MESSAGE`] from host a to host b across a routed lab that is up,
/// and returns both captured copies.
pub fn cross() -> anyhow::Result<Crossing> {
    // b's socket first, so the captures know its port.
    let receiver = in_namespace(&HOST_B, || UdpSocket::bind((HOST_B.addr, 0)))?
        .context("binding a UDP socket in host b")?;
    receiver.set_read_timeout(Some(PATIENCE))?;
    let to = receiver.local_addr()?;

    let mut before = open_capture(&HOST_A, to.port())?;
    let mut after = open_capture(&HOST_B, to.port())?;

    in_namespace(&HOST_A, || send(to))?.context("sending from host a")?;
    let mut buf = [0; 64];
    let (len, _) = receiver
        .recv_from(&mut buf)
        .context("waiting for the datagram in host b")?;
    if &buf[..len] != MESSAGE {
        bail!("host b received {len} bytes that are not what a sent");
    }

    let before = first_frame(&mut before, "a's eth0")?;
    let after = first_frame(&mut after, "b's eth0")?;

    let mut routes = Vec::new();
    for argv in routed_lab::route_queries() {
        let printed = topology::query(&argv)?;
        routes.push((topology::shell_line(&argv), printed));
    }

    Ok(Crossing {
        before,
        after,
        macs: path_macs()?,
        routes,
    })
}

/// The line of an `ip route` table that a datagram for `dst` follows: of
/// the routes whose prefix contains `dst`, the longest (the most specific);
/// `default` is 0.0.0.0/0, which contains every address
/// ([RFC 1812 § 5.2.4.3], "Longest Match").
///
/// [RFC 1812 § 5.2.4.3]: https://datatracker.ietf.org/doc/html/rfc1812#section-5.2.4.3
pub fn route_for(table: &str, dst: Ipv4Addr) -> Option<String> {
    let prefix_of = |line: &str| -> Option<u8> {
        let first = line.split_whitespace().next()?;
        if first == "default" {
            return Some(0);
        }
        let (net, len) = first.split_once('/').unwrap_or((first, "32"));
        let (net, len): (Ipv4Addr, u8) = (net.parse().ok()?, len.parse().ok()?);
        if len > 32 {
            return None;
        }
        let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
        (u32::from(dst) & mask == u32::from(net) & mask).then_some(len)
    };
    table
        .lines()
        .filter_map(|line| Some((prefix_of(line)?, line.trim())))
        .max_by_key(|(len, _)| *len)
        .map(|(_, line)| line.to_owned())
}

/// A capture on `host`'s interface, opened inside its namespace, keeping
/// only UDP to or from `port`.
pub fn open_capture(host: &Host, port: u16) -> anyhow::Result<Capture> {
    open_in(host, host.iface, Some(port), false)
}

/// A capture on `iface` inside `host`'s namespace: `port` keeps only TCP
/// and UDP to or from it; `promiscuous` keeps frames addressed to other
/// MAC addresses too, as a sniffer on a shared cable would.
pub fn open_in(
    host: &Host,
    iface: &str,
    port: Option<u16>,
    promiscuous: bool,
) -> anyhow::Result<Capture> {
    let options = live::Options {
        read_timeout: Duration::from_millis(100),
        promiscuous,
        port,
    };
    let capture = in_namespace(host, || Capture::open(iface, options))?
        .with_context(|| {
            format!("capturing on {iface} in {}", host.namespace)
        })?;
    Ok(capture)
}

fn send(to: SocketAddr) -> std::io::Result<()> {
    let socket = UdpSocket::bind((HOST_A.addr, 0))?;
    socket.send_to(MESSAGE, to)?;
    Ok(())
}

fn first_frame(capture: &mut Capture, iface: &str) -> anyhow::Result<Frame> {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if let Some(frame) = capture.next()? {
            return Ok(frame);
        }
    }
    bail!("no frame captured on {iface} within {PATIENCE:?}")
}

/// The MAC address of every interface on the path.
fn path_macs() -> anyhow::Result<Vec<(&'static str, String)>> {
    let mut macs = Vec::new();
    for (name, host, iface) in [
        ("a eth0", HOST_A, HOST_A.iface),
        (
            "router r-eth0",
            routed_lab::ROUTER,
            routed_lab::ROUTER_IFACE_A,
        ),
        (
            "router r-eth1",
            routed_lab::ROUTER,
            routed_lab::ROUTER_IFACE_B,
        ),
        ("b eth0", HOST_B, HOST_B.iface),
    ] {
        macs.push((name, mac_in(&host, iface)?));
    }
    Ok(macs)
}

/// The MAC address of `iface` in `host`'s namespace, read from inside it
/// (`getifaddrs(3)` answers for the calling thread's namespace).
pub fn mac_in(host: &Host, iface: &str) -> anyhow::Result<String> {
    let mac = in_namespace(host, || {
        interfaces::list()
            .into_iter()
            .find(|i| i.name == iface)
            .and_then(|i| i.mac)
    })?;
    mac.with_context(|| format!("{iface} in {} has no MAC", host.namespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTER: &str = "\
198.18.1.0/24 dev r-eth0 proto kernel scope link src 198.18.1.1
198.18.2.0/24 dev r-eth1 proto kernel scope link src 198.18.2.1
";

    #[test]
    fn the_longest_matching_prefix_wins() {
        let to_b = route_for(ROUTER, Ipv4Addr::new(198, 18, 2, 2));
        assert!(
            to_b.is_some_and(|l| l.starts_with("198.18.2.0/24 dev r-eth1"))
        );
        assert_eq!(route_for(ROUTER, Ipv4Addr::new(10, 0, 0, 1)), None);
        let host_a = "default via 198.18.1.1 dev a-eth0\n\
                      198.18.1.0/24 dev a-eth0 scope link\n";
        let off_link = route_for(host_a, Ipv4Addr::new(198, 18, 2, 2));
        assert!(off_link.is_some_and(|l| l.starts_with("default")));
        let on_link = route_for(host_a, Ipv4Addr::new(198, 18, 1, 9));
        assert!(on_link.is_some_and(|l| l.starts_with("198.18.1.0/24")));
        assert_eq!(
            route_for("garbage\n1.2.3.4/99 x", Ipv4Addr::LOCALHOST),
            None
        );
    }
}
