//! Lesson 7's live network, rendered: a datagram before and after a
//! router, a switch's table before and after two hosts talk, and the name
//! of the unit each layer handles (its PDU).
//!
//! Every table here is laid out by hand in fixed columns, narrower than 80,
//! so it fits a terminal or a projector; MAC addresses are 17 characters,
//! the widest value shown.
//!
//! Read before: [`crate::transport::across_router`] and
//! [`crate::transport::switch_learning`], which measure what this file
//! shows. Book: `book/src/lesson-07.md`. Run: `sudo netlab lesson 7`.

use std::fmt::Write as _;

use super::{packet, style, wrap};
use crate::capture::Frame;
use crate::transport::across_router::{Crossing, route_for};
use crate::transport::switch_learning::{Learned, Talk};
use crate::wire::Layer;
use crate::wire::dissect::{Dissection, Header, Link, dissect};
use crate::wire::tcp::TcpOption;

/// Where prose wraps.
const WIDTH: usize = 78;

/// The router step: both routing tables, then the datagram as it left a
/// and as it reached b, field by field, and what the router did.
pub fn crossing(c: &Crossing) -> String {
    let mut out = String::new();
    for (line, printed) in &c.routes {
        let _ = writeln!(out, "{}", style::command(line));
        for route in printed.lines() {
            // `ip route` ends each line with a space.
            let _ = writeln!(out, "{}", route.trim_end());
        }
    }
    let before = dissect(&c.before.data, Link::Ethernet, c.before.data.len());
    let after = dissect(&c.after.data, Link::Ethernet, c.after.data.len());
    let (Some(b), Some(a)) = (
        Fields::of(&before, &c.before.data),
        Fields::of(&after, &c.after.data),
    ) else {
        let _ = writeln!(out, "(a captured frame was not Ethernet/IPv4/UDP)");
        return out;
    };

    let _ = writeln!(
        out,
        "\nhost a sent {} bytes of UDP to {}; captured twice:\n",
        b.payload, b.ip_dst
    );
    let name_of = |mac: &str| {
        c.macs
            .iter()
            .find(|(_, m)| m == mac)
            .map_or_else(|| "?".to_owned(), |(iface, _)| (*iface).to_owned())
    };
    let same = |x: &str, y: &str| if x == y { "unchanged" } else { "changed!" };
    let rows: [(&str, String, String, String); 8] = [
        (
            "Ethernet source",
            b.eth_src.clone(),
            a.eth_src.clone(),
            format!("new: {}", name_of(&a.eth_src)),
        ),
        (
            "Ethernet dest.",
            b.eth_dst.clone(),
            a.eth_dst.clone(),
            format!("new: {}", name_of(&a.eth_dst)),
        ),
        (
            "IPv4 TTL",
            b.ttl.to_string(),
            a.ttl.to_string(),
            match i32::from(b.ttl) - i32::from(a.ttl) {
                1 => "one less".to_owned(),
                n => format!("{n} less"),
            },
        ),
        (
            "IPv4 checksum",
            format!("{:#06x}", b.checksum),
            format!("{:#06x}", a.checksum),
            if b.checksum == a.checksum {
                "unchanged"
            } else {
                "recomputed"
            }
            .to_owned(),
        ),
        (
            "IPv4 source",
            b.ip_src.clone(),
            a.ip_src.clone(),
            same(&b.ip_src, &a.ip_src).to_owned(),
        ),
        (
            "IPv4 destination",
            b.ip_dst.clone(),
            a.ip_dst.clone(),
            same(&b.ip_dst, &a.ip_dst).to_owned(),
        ),
        (
            "UDP ports",
            b.ports.clone(),
            a.ports.clone(),
            same(&b.ports, &a.ports).to_owned(),
        ),
        (
            "payload bytes",
            b.payload.to_string(),
            a.payload.to_string(),
            if b.payload_bytes == a.payload_bytes {
                "unchanged"
            } else {
                "changed!"
            }
            .to_owned(),
        ),
    ];
    let heading = (
        "field".to_owned(),
        "leaving a (before)".to_owned(),
        "reaching b (after)".to_owned(),
        "the router".to_owned(),
    );
    for (field, x, y, note) in std::iter::once(heading)
        .chain(rows.map(|(field, x, y, note)| (field.to_owned(), x, y, note)))
    {
        let _ = writeln!(out, "{field:<17} {x:<19} {y:<19} {note}");
    }

    out.push('\n');
    for pair in c.macs.chunks(2) {
        if let [(from, from_mac), (to, to_mac)] = pair {
            let _ = writeln!(
                out,
                "one link: {from:<13} {from_mac} → {to:<13} {to_mac}"
            );
        }
    }
    let router_table = c.routes.first().map_or("", |(_, t)| t.as_str());
    // The route's first words are enough: `proto kernel scope link src …`
    // only say how the route got there.
    let route = route_for(router_table, a.dst_addr).map_or_else(
        || "(no route found)".to_owned(),
        |line| line.split(" proto ").next().unwrap_or(&line).to_owned(),
    );
    out.push('\n');
    out.push_str(&wrap(
        &format!(
            "What the router did: a frame arrived on r-eth0, addressed to \
             r-eth0's MAC. It looked up the destination {} in its table and \
             found `{route}`; it took one off the TTL ({} → {}), recomputed \
             the header checksum, and sent the same datagram on, in a new \
             frame from r-eth1's MAC to b's eth0. The IP addresses say who talks \
             to whom, end to end; the MAC addresses only say who is next on \
             this one link.",
            a.ip_dst, b.ttl, a.ttl
        ),
        WIDTH,
        0,
    ));
    out.push('\n');
    out
}

/// What the capture step says under its list: the options of the
/// client's SYN (frame `number`), and what the later segments' raw `win`
/// field means once the SYN's window scale applies ([RFC 7323 § 2.2]).
///
/// [RFC 7323 § 2.2]: https://datatracker.ietf.org/doc/html/rfc7323#section-2.2
pub fn syn_options(
    number: usize,
    options: &[TcpOption],
    later_window: Option<u16>,
) -> String {
    let shown: Vec<String> = options
        .iter()
        .filter(|o| !matches!(o, TcpOption::NoOp | TcpOption::EndOfList))
        .map(ToString::to_string)
        .collect();
    let mut text = format!(
        "Frame {number} is the client's SYN. Its TCP options: {}. MSS and \
         WS are announced once, in the SYNs; later segments carry only the \
         timestamps (TS).",
        shown.join(", ")
    );
    let shift = options.iter().find_map(|o| match o {
        TcpOption::WindowScale(shift) => Some(*shift),
        _ => None,
    });
    if let (Some(shift), Some(window)) = (shift, later_window) {
        let unit = 1u32 << shift.min(14);
        text.push_str(&format!(
            " After the SYNs, win counts in units of 2^{shift} = {unit} \
             bytes (WS {shift}): win={window} means {window} × {unit} = {} \
             bytes.",
            u32::from(window) * unit
        ));
    }
    wrap(&text, super::width::current(), 0) + "\n"
}

/// The values [`crossing`] compares, read from one dissected frame.
struct Fields {
    eth_src: String,
    eth_dst: String,
    ttl: u8,
    checksum: u16,
    ip_src: String,
    ip_dst: String,
    dst_addr: std::net::Ipv4Addr,
    ports: String,
    payload: usize,
    payload_bytes: Vec<u8>,
}

impl Fields {
    fn of(d: &Dissection, frame: &[u8]) -> Option<Fields> {
        let Some(Header::Ethernet(eth)) = d.find(Layer::Ethernet) else {
            return None;
        };
        let Some(Header::Ipv4(ip)) = d.find(Layer::Ipv4) else {
            return None;
        };
        let Some(Header::Udp(udp, _)) = d.find(Layer::Udp) else {
            return None;
        };
        // The payload follows the three headers.
        let payload = udp.payload_len;
        let start = eth.header_len() + ip.header_len() + 8;
        let payload_bytes = frame
            .get(start..start + payload)
            .unwrap_or_default()
            .to_vec();
        Some(Fields {
            eth_src: eth.src.to_string(),
            eth_dst: eth.dst.to_string(),
            ttl: ip.ttl,
            checksum: ip.checksum,
            ip_src: ip.src.to_string(),
            ip_dst: ip.dst.to_string(),
            dst_addr: ip.dst,
            ports: format!("{} → {}", udp.src_port, udp.dst_port),
            payload,
            payload_bytes,
        })
    }
}

/// The switch step: the table before, what b's and c's cables carried,
/// the table after, and what a hub would have done.
pub fn switch(t: &Talk) -> String {
    let mut out = String::new();
    table(&mut out, &t.query, &t.learned_before, t);
    let _ = writeln!(
        out,
        "\nhost a ({}) sent a datagram to\nhost b ({}), and b answered.",
        t.mac_a, t.mac_b
    );
    for (who, frames) in [("b", &t.at_b), ("c", &t.at_c)] {
        let _ = writeln!(
            out,
            "host {who}'s cable carried {} frame{}:",
            frames.len(),
            if frames.len() == 1 { "" } else { "s" }
        );
        for (i, frame) in frames.iter().enumerate() {
            let _ = writeln!(out, "{:>3} {}", i + 1, one_line(frame));
        }
    }
    out.push('\n');
    table(&mut out, &t.query, &t.learned_after, t);
    out.push('\n');
    let unicast = t.b_saw_unicast;
    out.push_str(&wrap(
        &format!(
            "The switch learned each address from the source of a frame: \
             a's from its ARP broadcast, b's from b's reply. Host c sent \
             nothing, so the table has no entry for it yet. Host c's cable \
             carried {} frame(s), {} of them broadcast \
             (to ff:ff:ff:ff:ff:ff, which goes out of every port) and {} \
             addressed to a single MAC; the {unicast} unicast frames \
             between a and b went only where the table said. A hub has no \
             table: it would have repeated all {} frames to c as well.",
            t.at_c.len(),
            t.at_c.len() - t.c_saw_unicast,
            t.c_saw_unicast,
            t.at_b.len()
        ),
        WIDTH,
        0,
    ));
    out.push('\n');
    out
}

fn table(out: &mut String, query: &str, learned: &[Learned], t: &Talk) {
    let _ = writeln!(out, "{}", style::command(query));
    if learned.is_empty() {
        let _ = writeln!(out, "(empty: the switch has learned no address)");
    }
    for entry in learned {
        let host = [("a", &t.mac_a), ("b", &t.mac_b), ("c", &t.mac_c)]
            .into_iter()
            .find(|(_, mac)| **mac == entry.mac)
            .map_or("?", |(name, _)| name);
        let _ = writeln!(
            out,
            "{}  port {}   (host {host}, learned)",
            entry.mac, entry.port
        );
    }
}

fn one_line(frame: &Frame) -> String {
    let d = dissect(&frame.data, Link::Ethernet, frame.data.len());
    let dst = match d.find(Layer::Ethernet) {
        Some(Header::Ethernet(eth)) => eth.dst.to_string(),
        _ => "?".to_owned(),
    };
    let mut line = packet::summary(&d);
    // ARP's summary names IP addresses; the switch reads only MACs.
    if dst == "ff:ff:ff:ff:ff:ff" {
        line.push_str(" [broadcast]");
    }
    line
}

/// The PDU step: the name of the unit of data each layer of this frame
/// handles, in English and Chinese, with the header that carries it.
pub fn pdus(d: &Dissection) -> String {
    let mut out = format!(
        "{:<16} {:<22} {:<20} {}\n",
        "OSI layer", "in this frame", "the unit (PDU)", "中文"
    );
    let mut row = |osi: u8, here: String, unit: &str, zh: &str| {
        let layer = format!("{osi} {}", packet::osi_name(osi));
        let _ = writeln!(out, "{layer:<16} {here:<22} {unit:<20} {zh}");
    };
    row(1, "(no header)".into(), "bits", "比特");
    for layer in &d.layers {
        let osi = packet::osi_of(layer.header.layer());
        let here = format!(
            "{} ({} B)",
            packet::title_of(&layer.header),
            layer.bytes.len()
        );
        let (unit, zh) = match layer.header.layer() {
            Layer::Ethernet => ("frame", "帧"),
            Layer::Ipv4 | Layer::Ipv6 => {
                ("packet (datagram)", "分组 / IP 数据报")
            }
            Layer::Tcp => ("segment", "报文段"),
            Layer::Udp => ("datagram", "数据报"),
            Layer::Xmpp => ("message (stanza)", "消息 / 节"),
            _ => ("message", "消息"),
        };
        row(osi, here, unit, zh);
    }
    out
}
