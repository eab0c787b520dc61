//! The switched lab: three hosts on one subnet, plugged into a Linux
//! bridge, a switch made of software (lesson 7's switch).
//!
//! ```text
//!  netlab-s-a       netlab-s-b       netlab-s-c
//!  host a           host b           host c
//!  eth0             eth0             eth0
//!  198.18.3.1       198.18.3.2       198.18.3.3
//!     │ veth           │ veth           │ veth
//!  ┌──┴────────────────┴────────────────┴──┐
//!  │  sw-a            sw-b            sw-c │  netlab-switch
//!  │                 br0                   │  (the bridge: ports
//!  └───────────────────────────────────────┘   sw-a, sw-b, sw-c)
//! ```
//!
//! A *bridge* joins Ethernet links into one: a frame arriving on one port
//! leaves by another, unchanged. It decides which by its *forwarding
//! database* (FDB), a table of MAC address → port that it fills by
//! *learning*: every frame that arrives on a port teaches it that the
//! frame's source address lives behind that port ([IEEE 802.1D § 7.8],
//! "The Learning Process"). A frame for an address it has learned goes out
//! of that one port; one for an address it has not (or a broadcast) is
//! *flooded* out of every port but the one it came in on. A hardware
//! switch is the same machine in silicon.
//!
//! A *hub*, the article's physical-layer device, had no table: it repeated
//! every bit it received out of every other port, so every host saw every
//! frame. Switches replaced hubs in the 2000s; the difference is what
//! [`super::switch_learning`] shows.
//!
//! The bridge has no IP address: it works on frames, one layer below IP.
//! As in [`super::routed_lab`], IPv6 is switched off in every namespace so
//! that no announcement teaches the bridge an address before the lesson
//! looks at its table. The namespace names differ from lesson 9's lab and
//! from the routed lab, so all three can exist at once.
//!
//! Read before: [`super::routed_lab`], [`super::topology`].
//! Book: `book/src/lesson-07.md`. Run: `sudo netlab lesson 7`.
//!
//! [IEEE 802.1D § 7.8]: https://standards.ieee.org/ieee/802.1D/3387/

use std::net::Ipv4Addr;

use super::lab::{Error, Host};
use super::topology::{self, Guard, ip};

/// The switch's namespace.
pub const SWITCH_NAMESPACE: &str = "netlab-switch";
/// The bridge device inside it.
pub const BRIDGE: &str = "br0";
/// Each host's subnet: all three share 198.18.3.0/24.
pub const PREFIX_LEN: u8 = 24;

/// Host a, plugged into port `sw-a`.
pub const HOST_A: Host = Host {
    name: "a",
    namespace: "netlab-s-a",
    iface: "eth0",
    addr: Ipv4Addr::new(198, 18, 3, 1),
};
/// Host b, plugged into port `sw-b`.
pub const HOST_B: Host = Host {
    name: "b",
    namespace: "netlab-s-b",
    iface: "eth0",
    addr: Ipv4Addr::new(198, 18, 3, 2),
};
/// Host c, plugged into port `sw-c`: it only listens.
pub const HOST_C: Host = Host {
    name: "c",
    namespace: "netlab-s-c",
    iface: "eth0",
    addr: Ipv4Addr::new(198, 18, 3, 3),
};
/// The three hosts with the bridge port each is plugged into.
pub const PORTS: [(Host, &str); 3] =
    [(HOST_A, "sw-a"), (HOST_B, "sw-b"), (HOST_C, "sw-c")];

/// Every namespace of the lab, in the order they are made.
pub const NAMESPACES: &[&str] = &[
    SWITCH_NAMESPACE,
    HOST_A.namespace,
    HOST_B.namespace,
    HOST_C.namespace,
];

/// The commands [`up`] runs, as shell lines.
pub fn up_commands() -> Vec<String> {
    plan()
        .iter()
        .map(|argv| topology::shell_line(argv))
        .collect()
}

/// Builds the lab, handing every command to `shown` before it runs. The
/// [`Guard`] removes the four namespaces when dropped.
pub fn up(shown: &mut dyn FnMut(&str)) -> Result<Guard, Error> {
    topology::build(NAMESPACES, &plan(), shown)
}

/// The query that lists what the bridge has learned: `dynamic` leaves out
/// the entries it was configured with (its own ports' addresses, multicast
/// groups), so what remains is exactly the learned MACs.
pub fn fdb_query() -> Vec<String> {
    // `bridge` has `-n` like `ip`: run inside the namespace.
    [
        "bridge",
        "-n",
        SWITCH_NAMESPACE,
        "fdb",
        "show",
        "br",
        BRIDGE,
        "dynamic",
    ]
    .map(str::to_owned)
    .to_vec()
}

// ANCHOR: switch_plan
/// The commands that build the lab from nothing, as argv.
fn plan() -> Vec<Vec<String>> {
    let sw = SWITCH_NAMESPACE;
    let mut plan = topology::make_namespaces(NAMESPACES);
    // `mcast_snooping 0`: with multicast snooping on, the bridge joins a
    // multicast group of its own (224.0.0.106, RFC 4286) and announces it
    // to every port, frames the lesson is not about.
    plan.push(ip(&[
        "-n",
        sw,
        "link",
        "add",
        BRIDGE,
        "type",
        "bridge",
        "mcast_snooping",
        "0",
    ]));
    for (host, port) in PORTS {
        // The cable, from the host to the switch ...
        plan.push(topology::cable(host.namespace, host.iface, port, sw));
        // ... plugged into the bridge: `master br0` makes it a port.
        plan.push(ip(&["-n", sw, "link", "set", port, "master", BRIDGE]));
        plan.push(ip(&["-n", sw, "link", "set", port, "up"]));
    }
    plan.push(ip(&["-n", sw, "link", "set", BRIDGE, "up"]));
    for (host, _) in PORTS {
        plan.extend(topology::address(
            host.namespace,
            host.iface,
            host.addr,
            PREFIX_LEN,
        ));
    }
    plan
}
// ANCHOR_END: switch_plan

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_makes_three_ports_on_one_bridge() {
        let lines = up_commands();
        for port in ["sw-a", "sw-b", "sw-c"] {
            let line =
                format!("ip -n netlab-switch link set {port} master br0");
            assert!(lines.contains(&line), "{line}");
        }
        assert!(lines.contains(
            &"ip -n netlab-s-c addr add 198.18.3.3/24 dev eth0".into()
        ));
        // The bridge has no address: it forwards frames, not datagrams.
        assert!(
            !lines
                .iter()
                .any(|l| l.contains("addr add") && l.contains("br0"))
        );
    }

    #[test]
    fn every_command_stays_in_the_lab_and_fits_80_columns() {
        for line in up_commands() {
            assert!(NAMESPACES.iter().any(|ns| line.contains(ns)), "{line}");
            assert!(line.chars().count() <= 80, "{line}");
        }
        assert!(topology::shell_line(&fdb_query()).chars().count() <= 80);
    }
}
