//! The network interfaces of this machine, as the kernel reports them.
//!
//! An IP address belongs to an *interface*, not to the machine: `lo` holds
//! 127.0.0.1/8 and ::1/128, an Ethernet card holds the address the network
//! gave it. [`pnet_datalink::interfaces`] asks the kernel
//! (`getifaddrs(3)`) for the list, the same data `ip addr` prints; the MTU
//! comes from `/sys/class/net/NAME/mtu`.
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.

use std::net::IpAddr;

/// One interface and what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interface {
    /// Its name, e.g. `lo` or `eth0`.
    pub name: String,
    /// The kernel's interface index.
    pub index: u32,
    /// The link-layer (MAC) address, if it has one.
    pub mac: Option<String>,
    /// Administratively up (`ip link set NAME up`).
    pub up: bool,
    /// The loopback interface, which never leaves this host.
    pub loopback: bool,
    /// The largest IP packet it carries, in bytes.
    pub mtu: Option<u32>,
    /// Its addresses with their prefix lengths.
    pub addresses: Vec<(IpAddr, u8)>,
}

/// Lists every interface, loopback first.
pub fn list() -> Vec<Interface> {
    let mut all: Vec<Interface> = pnet_datalink::interfaces()
        .into_iter()
        .map(|i| Interface {
            mtu: std::fs::read_to_string(format!(
                "/sys/class/net/{}/mtu",
                i.name
            ))
            .ok()
            .and_then(|m| m.trim().parse().ok()),
            mac: i.mac.map(|m| m.to_string()),
            up: i.is_up(),
            loopback: i.is_loopback(),
            addresses: i.ips.iter().map(|n| (n.ip(), n.prefix())).collect(),
            index: i.index,
            name: i.name,
        })
        .collect();
    all.sort_by_key(|i| (!i.loopback, i.index));
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_comes_first_and_holds_127_0_0_1() {
        let all = list();
        let lo = all.first().expect("every Linux host has lo");
        assert!(lo.loopback, "{lo:?}");
        assert!(
            lo.addresses
                .iter()
                .any(|(ip, prefix)| ip.to_string() == "127.0.0.1"
                    && *prefix == 8),
            "{lo:?}"
        );
    }
}
