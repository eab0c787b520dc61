//! The routed lab: two subnets and a router between them, in three network
//! namespaces (lesson 7's router).
//!
//! ```text
//!  netlab-r-a             netlab-router                   netlab-r-b
//! ┌──────────────┐      ┌───────────────────────────┐    ┌──────────────┐
//! │ host a       │      │ router, ip_forward=1      │    │ host b       │
//! │ eth0         ├──────┤ r-eth0         r-eth1     ├────┤ eth0         │
//! │ 198.18.1.2   │ veth │ 198.18.1.1     198.18.2.1 │veth│ 198.18.2.2   │
//! │ default via  │      │                           │    │ default via  │
//! │  198.18.1.1  │      │                           │    │  198.18.2.1  │
//! └──────────────┘      └───────────────────────────┘    └──────────────┘
//!     subnet 198.18.1.0/24                subnet 198.18.2.0/24
//! ```
//!
//! Host a and host b are on different subnets, so neither can reach the
//! other directly: a /24 link reaches only addresses that share its first
//! 24 bits. Each host sends everything else to its *default route*, the
//! router's address on its own link ([RFC 1122 § 3.3.1.1]: a host sends a
//! datagram for another network to "a gateway on the connected network").
//! The router is a namespace with an interface on each subnet and
//! forwarding switched on (`net.ipv4.ip_forward=1`); without it Linux is a
//! host, and a host drops datagrams that are not addressed to it
//! ([RFC 1122 § 3.3.4.2]).
//!
//! The namespace names differ from lesson 9's (`netlab-a`, `netlab-b`), so
//! the two labs can exist side by side. The addresses come from the
//! benchmarking block 198.18.0.0/15 ([RFC 6890 § 2.2.2]), beside lesson 9's
//! 198.18.0.0/24; the machine's own namespace has no route to them.
//!
//! IPv6 is switched off in all three namespaces before any interface comes
//! up: otherwise every interface announces itself (router solicitations,
//! multicast listener reports) and the captures fill with frames the
//! lesson is not about.
//!
//! Nothing here prints: [`up`] hands every command to the caller before
//! running it, [`up_commands`] lists them without running anything.
//! [`super::across_router`] sends a datagram through the lab and captures
//! it on both sides.
//!
//! Read before: [`super::lab`] (namespaces, veth pairs), [`super::topology`]
//! (how a plan is run and removed). Book: `book/src/lesson-07.md`.
//! Run: `sudo netlab lesson 7`.
//!
//! [RFC 1122 § 3.3.1.1]: https://datatracker.ietf.org/doc/html/rfc1122#section-3.3.1.1
//! [RFC 1122 § 3.3.4.2]: https://datatracker.ietf.org/doc/html/rfc1122#section-3.3.4.2
//! [RFC 6890 § 2.2.2]: https://datatracker.ietf.org/doc/html/rfc6890#section-2.2.2

use std::net::Ipv4Addr;

use super::lab::{Error, Host};
use super::topology::{self, Guard, exec_in, ip};

/// The router's namespace.
pub const ROUTER_NAMESPACE: &str = "netlab-router";
/// The router's interface on host a's subnet.
pub const ROUTER_IFACE_A: &str = "r-eth0";
/// The router's interface on host b's subnet.
pub const ROUTER_IFACE_B: &str = "r-eth1";
/// The router's address on host a's subnet: host a's gateway.
pub const GATEWAY_A: Ipv4Addr = Ipv4Addr::new(198, 18, 1, 1);
/// The router's address on host b's subnet: host b's gateway.
pub const GATEWAY_B: Ipv4Addr = Ipv4Addr::new(198, 18, 2, 1);
/// Each subnet is a /24: 256 addresses sharing their first three bytes.
pub const PREFIX_LEN: u8 = 24;

/// Host a, on 198.18.1.0/24.
pub const HOST_A: Host = Host {
    name: "a",
    namespace: "netlab-r-a",
    iface: "eth0",
    addr: Ipv4Addr::new(198, 18, 1, 2),
};
/// Host b, on 198.18.2.0/24.
pub const HOST_B: Host = Host {
    name: "b",
    namespace: "netlab-r-b",
    iface: "eth0",
    addr: Ipv4Addr::new(198, 18, 2, 2),
};
/// The router, seen as a host so that [`super::lab::in_namespace`] can
/// enter it; its address here is the one on host a's side.
pub const ROUTER: Host = Host {
    name: "router",
    namespace: ROUTER_NAMESPACE,
    iface: ROUTER_IFACE_A,
    addr: GATEWAY_A,
};

/// Every namespace of the lab, in the order they are made.
pub const NAMESPACES: &[&str] =
    &[HOST_A.namespace, ROUTER_NAMESPACE, HOST_B.namespace];

/// The commands [`up`] runs, as shell lines.
pub fn up_commands() -> Vec<String> {
    plan()
        .iter()
        .map(|argv| topology::shell_line(argv))
        .collect()
}

/// Builds the lab, handing every command to `shown` before it runs. The
/// [`Guard`] removes the three namespaces when dropped.
pub fn up(shown: &mut dyn FnMut(&str)) -> Result<Guard, Error> {
    topology::build(NAMESPACES, &plan(), shown)
}

/// The routing-table commands the lesson shows, as argv: the router's
/// whole table, then host a's.
pub fn route_queries() -> [Vec<String>; 2] {
    [
        ip(&["-n", ROUTER_NAMESPACE, "route"]),
        ip(&["-n", HOST_A.namespace, "route"]),
    ]
}

// ANCHOR: routed_plan
/// The commands that build the lab from nothing, as argv.
fn plan() -> Vec<Vec<String>> {
    let (a, b) = (HOST_A, HOST_B);
    let mut plan = topology::make_namespaces(NAMESPACES);
    // Two cables, each made with its ends already in their namespaces.
    for (host, router_iface) in [(a, ROUTER_IFACE_A), (b, ROUTER_IFACE_B)] {
        plan.push(topology::cable(
            host.namespace,
            host.iface,
            router_iface,
            ROUTER_NAMESPACE,
        ));
    }
    for (namespace, iface, addr) in [
        (a.namespace, a.iface, a.addr),
        (ROUTER_NAMESPACE, ROUTER_IFACE_A, GATEWAY_A),
        (ROUTER_NAMESPACE, ROUTER_IFACE_B, GATEWAY_B),
        (b.namespace, b.iface, b.addr),
    ] {
        plan.extend(topology::address(namespace, iface, addr, PREFIX_LEN));
    }
    // Everything not on its own subnet goes to the router.
    for (host, gateway) in [(a, GATEWAY_A), (b, GATEWAY_B)] {
        plan.push(ip(&[
            "-n",
            host.namespace,
            "route",
            "add",
            "default",
            "via",
            &gateway.to_string(),
        ]));
    }
    // What makes the middle namespace a router.
    plan.push(exec_in(
        ROUTER_NAMESPACE,
        &["sysctl", "-qw", "net.ipv4.ip_forward=1"],
    ));
    plan
}
// ANCHOR_END: routed_plan

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_builds_two_subnets_and_a_router() {
        let lines = up_commands();
        for expected in [
            "ip netns add netlab-router",
            "ip -n netlab-r-a link add eth0 type veth peer name r-eth0 \
             netns netlab-router",
            "ip -n netlab-router addr add 198.18.2.1/24 dev r-eth1",
            "ip -n netlab-r-a route add default via 198.18.1.1",
            "ip -n netlab-r-b route add default via 198.18.2.1",
        ] {
            assert!(lines.iter().any(|l| l == expected), "{expected}");
        }
        assert_eq!(
            lines.last().map(String::as_str),
            Some(
                "ip netns exec netlab-router sysctl -qw net.ipv4.ip_forward=1"
            )
        );
    }

    #[test]
    fn every_command_stays_in_the_lab_and_fits_80_columns() {
        for line in up_commands() {
            let inside = NAMESPACES.iter().any(|ns| {
                line.starts_with(&format!("ip netns add {ns}"))
                    || line.starts_with(&format!("ip -n {ns} "))
                    || line.starts_with(&format!("ip netns exec {ns} "))
            });
            assert!(inside, "{line}");
            assert!(line.chars().count() <= 80, "{line}");
        }
    }

    #[test]
    fn names_differ_from_lesson_9s_lab() {
        for ns in NAMESPACES {
            assert_ne!(*ns, super::super::lab::NAMESPACE_A);
            assert_ne!(*ns, super::super::lab::NAMESPACE_B);
        }
    }
}
