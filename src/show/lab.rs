//! How `netlab lab` describes a lab that is up: one fact per line, so it
//! fits any terminal.

use crate::transport::lab::Lab;

/// `lab is up:` and then each host, the link's MTU and the loss.
pub fn describe(lab: &Lab) -> String {
    let host = |name: &str, h: &crate::transport::lab::Host| {
        format!("  host {name}  {} ({}, {})", h.addr, h.namespace, h.iface)
    };
    format!(
        "lab is up:\n{}\n{}\n  link    MTU {}, loss {}% each way",
        host("a", &lab.a),
        host("b", &lab.b),
        lab.mtu,
        lab.loss_percent
    )
}
