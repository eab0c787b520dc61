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

use super::width::padded;
use super::{labelled, packet, style, wrap};
use crate::capture::Frame;
use crate::lang::Lang;
use crate::lang::catalogue::text_in;
use crate::transport::across_router::{Crossing, route_for};
use crate::transport::switch_learning::{Learned, Talk};
use crate::wire::Layer;
use crate::wire::dissect::{Dissection, Header, Link, dissect};
use crate::wire::tcp::TcpOption;

/// Where prose wraps.
const WIDTH: usize = 78;

/// The router table's TTL row, named alike in both languages (the field
/// is called TTL in Chinese textbooks too).
pub const TTL_ROW: &str = "IPv4 TTL";

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
        let _ = writeln!(out, "{}", crate::tr!("osi-not-udp"));
        return out;
    };

    let _ = writeln!(
        out,
        "\n{}\n",
        crate::tr!(
            "osi-sent-across",
            bytes = b.payload,
            dst = b.ip_dst.as_str()
        )
    );
    let name_of = |mac: &str| {
        c.macs
            .iter()
            .find(|(_, m)| m == mac)
            .map_or_else(|| "?".to_owned(), |(iface, _)| (*iface).to_owned())
    };
    let new = |mac: &str| crate::tr!("osi-new", iface = name_of(mac));
    let same = |x: &str, y: &str| {
        if x == y {
            crate::tr!("osi-unchanged")
        } else {
            crate::tr!("osi-changed")
        }
    };
    let rows: [(String, String, String, String); 8] = [
        (
            crate::tr!("osi-field-eth-src"),
            b.eth_src.clone(),
            a.eth_src.clone(),
            new(&a.eth_src),
        ),
        (
            crate::tr!("osi-field-eth-dst"),
            b.eth_dst.clone(),
            a.eth_dst.clone(),
            new(&a.eth_dst),
        ),
        (
            // The field's own name, in every language: the worked answer
            // finds this row by it (course/lesson07.rs).
            TTL_ROW.to_owned(),
            b.ttl.to_string(),
            a.ttl.to_string(),
            crate::tr!("osi-less", n = i32::from(b.ttl) - i32::from(a.ttl)),
        ),
        (
            crate::tr!("osi-field-checksum"),
            format!("{:#06x}", b.checksum),
            format!("{:#06x}", a.checksum),
            if b.checksum == a.checksum {
                crate::tr!("osi-unchanged")
            } else {
                crate::tr!("osi-recomputed")
            },
        ),
        (
            crate::tr!("osi-field-ip-src"),
            b.ip_src.clone(),
            a.ip_src.clone(),
            same(&b.ip_src, &a.ip_src),
        ),
        (
            crate::tr!("osi-field-ip-dst"),
            b.ip_dst.clone(),
            a.ip_dst.clone(),
            same(&b.ip_dst, &a.ip_dst),
        ),
        (
            crate::tr!("osi-field-ports"),
            b.ports.clone(),
            a.ports.clone(),
            same(&b.ports, &a.ports),
        ),
        (
            crate::tr!("osi-field-payload"),
            b.payload.to_string(),
            a.payload.to_string(),
            if b.payload_bytes == a.payload_bytes {
                crate::tr!("osi-unchanged")
            } else {
                crate::tr!("osi-changed")
            },
        ),
    ];
    let heading = (
        crate::tr!("osi-col-field"),
        crate::tr!("osi-col-before"),
        crate::tr!("osi-col-after"),
        crate::tr!("osi-col-router"),
    );
    for (field, x, y, note) in std::iter::once(heading).chain(rows) {
        let _ = writeln!(
            out,
            "{} {} {} {note}",
            padded(&field, 17),
            padded(&x, 19),
            padded(&y, 19)
        );
    }

    out.push('\n');
    for pair in c.macs.chunks(2) {
        if let [(from, from_mac), (to, to_mac)] = pair {
            let link = format!(
                "{} {from_mac} → {} {to_mac}",
                padded(from, 13),
                padded(to, 13)
            );
            let _ = writeln!(
                out,
                "{}",
                labelled(&crate::tr!("osi-one-link"), &link)
            );
        }
    }
    let router_table = c.routes.first().map_or("", |(_, t)| t.as_str());
    // The route's first words are enough: `proto kernel scope link src …`
    // only say how the route got there.
    let route = route_for(router_table, a.dst_addr).map_or_else(
        || crate::tr!("osi-no-route"),
        |line| line.split(" proto ").next().unwrap_or(&line).to_owned(),
    );
    out.push('\n');
    out.push_str(&wrap(
        &crate::tr!(
            "osi-router-did",
            dst = a.ip_dst.as_str(),
            route = route,
            before = b.ttl,
            after = a.ttl
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
    let mut text = crate::tr!(
        "osi-syn-options",
        number = number,
        options = shown.join(", ")
    );
    let shift = options.iter().find_map(|o| match o {
        TcpOption::WindowScale(shift) => Some(*shift),
        _ => None,
    });
    if let (Some(shift), Some(window)) = (shift, later_window) {
        let unit = 1u32 << shift.min(14);
        text.push_str(&crate::tr!(
            "osi-win-units",
            shift = shift,
            unit = unit,
            window = window,
            bytes = u32::from(window) * unit
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
        "\n{}\n{}",
        crate::tr!("osi-switch-sent", mac = t.mac_a.as_str()),
        crate::tr!("osi-switch-answered", mac = t.mac_b.as_str())
    );
    for (who, frames) in [("b", &t.at_b), ("c", &t.at_c)] {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!("osi-cable-carried", host = who, frames = frames.len())
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
        &crate::tr!(
            "osi-switch-learned",
            atc = t.at_c.len(),
            broadcast = t.at_c.len() - t.c_saw_unicast,
            cunicast = t.c_saw_unicast,
            unicast = unicast,
            atb = t.at_b.len()
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
        let _ = writeln!(out, "{}", crate::tr!("osi-fdb-empty"));
    }
    for entry in learned {
        let host = [("a", &t.mac_a), ("b", &t.mac_b), ("c", &t.mac_c)]
            .into_iter()
            .find(|(_, mac)| **mac == entry.mac)
            .map_or("?", |(name, _)| name);
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                "osi-fdb-entry",
                mac = entry.mac.as_str(),
                port = entry.port.as_str(),
                host = host
            )
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
        line.push(' ');
        line.push_str(&crate::tr!("osi-broadcast"));
    }
    line
}

/// The PDU step: the name of the unit of data each layer of this frame
/// handles, in the course's language and beside it in the other one
/// (English readers meet the Chinese textbook's words, and Chinese
/// readers the English ones of RFCs and tools), with the header that
/// carries it.
pub fn pdus(d: &Dissection) -> String {
    let other = match crate::lang::current() {
        Lang::En => Lang::Zh,
        Lang::Zh => Lang::En,
    };
    let mut out = format!(
        "{} {} {} {}\n",
        padded(&crate::tr!("osi-pdu-col-layer"), 16),
        padded(&crate::tr!("osi-pdu-col-here"), 22),
        padded(&crate::tr!("osi-pdu-col-unit"), 20),
        crate::tr!("osi-pdu-col-other")
    );
    let mut row = |osi: u8, here: String, unit: &str| {
        let layer = format!("{osi} {}", layer_name(osi));
        let _ = writeln!(
            out,
            "{} {} {} {}",
            padded(&layer, 16),
            padded(&here, 22),
            padded(&unit_name(unit), 20),
            text_in(other, unit, &[])
        );
    };
    row(1, crate::tr!("osi-no-header"), "osi-unit-bits");
    for layer in &d.layers {
        let osi = packet::osi_of(layer.header.layer());
        let here = format!(
            "{} ({} B)",
            packet::title_of(&layer.header),
            layer.bytes.len()
        );
        let unit = match layer.header.layer() {
            Layer::Ethernet => "osi-unit-frame",
            Layer::Ipv4 | Layer::Ipv6 => "osi-unit-packet",
            Layer::Tcp => "osi-unit-segment",
            Layer::Udp => "osi-unit-datagram",
            Layer::Xmpp => "osi-unit-stanza",
            _ => "osi-unit-message",
        };
        row(osi, here, unit);
    }
    out
}

/// A unit's name in the course's language. (The ids are spelled out
/// here, `tr!` asks for literal ones, so the catalogue's tests see that
/// each is used; [`pdus`] passes the id on.)
fn unit_name(unit: &str) -> String {
    match unit {
        "osi-unit-bits" => crate::tr!("osi-unit-bits"),
        "osi-unit-frame" => crate::tr!("osi-unit-frame"),
        "osi-unit-packet" => crate::tr!("osi-unit-packet"),
        "osi-unit-segment" => crate::tr!("osi-unit-segment"),
        "osi-unit-datagram" => crate::tr!("osi-unit-datagram"),
        "osi-unit-stanza" => crate::tr!("osi-unit-stanza"),
        _ => crate::tr!("osi-unit-message"),
    }
}

/// The name of OSI layer `osi` in the course's language: `physical`,
/// `物理层`.
pub fn layer_name(osi: u8) -> String {
    crate::tr!("osi-layer", n = osi)
}

/// The TCP/IP model's layer for OSI layer `osi`, in the course's
/// language: `link`, `链路层`.
pub fn tcpip_name(osi: u8) -> String {
    crate::tr!("osi-tcpip", n = osi)
}

/// Hand-built lab results, for the tests here and lesson 7's (whose lab
/// steps need root): the hello datagram of `wire::fixtures` as it left a
/// and as it reached b, and a switch that learned a and b.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::time::Duration;

    use super::*;
    use crate::capture::LinkType;
    use crate::wire::fixtures::{ARP_REQUEST_FRAME, HELLO_UDP_FRAME};

    pub(crate) const MAC_A: &str = "02:00:00:00:00:0a";
    pub(crate) const MAC_R0: &str = "02:00:00:00:00:10";
    pub(crate) const MAC_R1: &str = "02:00:00:00:00:11";
    pub(crate) const MAC_B: &str = "02:00:00:00:00:0b";

    fn frame(data: Vec<u8>) -> Frame {
        Frame {
            timestamp: Duration::ZERO,
            linktype: LinkType(1),
            orig_len: data.len() as u32,
            data,
            interface: 0,
            comment: None,
        }
    }

    /// `last` as the last byte of a 02:00:00:00:00:xx address.
    fn mac(last: u8) -> [u8; 6] {
        [0x02, 0, 0, 0, 0, last]
    }

    fn addressed(to: [u8; 6], from: [u8; 6], ttl: u8) -> Vec<u8> {
        let mut bytes = HELLO_UDP_FRAME.to_vec();
        bytes[0..6].copy_from_slice(&to);
        bytes[6..12].copy_from_slice(&from);
        // TTL is the high byte of its 16-bit word: one less adds 0x0100
        // to the one's-complement checksum (RFC 1624).
        let checksum = u16::from_be_bytes([bytes[24], bytes[25]]);
        let (sum, carry) = checksum.overflowing_add(u16::from(64 - ttl) << 8);
        bytes[22] = ttl;
        bytes[24..26].copy_from_slice(&(sum + u16::from(carry)).to_be_bytes());
        bytes
    }

    pub(crate) fn crossing() -> Crossing {
        Crossing {
            before: frame(addressed(mac(0x10), mac(0x0a), 64)),
            after: frame(addressed(mac(0x0b), mac(0x11), 63)),
            macs: vec![
                ("a eth0", MAC_A.to_owned()),
                ("router r-eth0", MAC_R0.to_owned()),
                ("router r-eth1", MAC_R1.to_owned()),
                ("b eth0", MAC_B.to_owned()),
            ],
            routes: vec![(
                "ip -n netlab-router route".to_owned(),
                "127.0.0.0/8 dev r-eth1 proto kernel scope link src \
                 127.0.0.2 \n"
                    .to_owned(),
            )],
        }
    }

    pub(crate) fn talk() -> Talk {
        let learned = |mac: &str, port: &str| Learned {
            mac: mac.to_owned(),
            port: port.to_owned(),
        };
        let broadcast = frame(ARP_REQUEST_FRAME.to_vec());
        let unicast = frame(addressed(mac(0x0b), mac(0x0a), 64));
        Talk {
            query: "bridge -n netlab-sw fdb show br br0 dynamic".to_owned(),
            learned_before: Vec::new(),
            learned_after: vec![learned(MAC_A, "sw-a"), learned(MAC_B, "sw-b")],
            mac_a: MAC_A.to_owned(),
            mac_b: MAC_B.to_owned(),
            mac_c: "02:00:00:00:00:0c".to_owned(),
            at_b: vec![broadcast.clone(), unicast.clone(), unicast],
            at_c: vec![broadcast],
            b_saw_unicast: 2,
            c_saw_unicast: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{self, MAC_B};
    use super::*;
    use crate::lang::testing::speaking;
    use crate::show::width;
    use crate::wire::fixtures::SYN_FRAME;

    /// Every line at most 80 columns, Chinese counted two.
    fn fits(text: &str) {
        for line in text.lines() {
            assert!(width::of(line) <= 80, "{}: {line}", width::of(line));
        }
    }

    fn syn() -> Vec<TcpOption> {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        match d.find(Layer::Tcp) {
            Some(Header::Tcp(t, _)) => t.options.clone(),
            _ => panic!("the SYN fixture has TCP"),
        }
    }

    #[test]
    fn the_router_table_in_english() {
        let text = speaking(Lang::En, || crossing(&fixtures::crossing()));
        assert!(text.contains("IPv4 TTL          64"), "{text}");
        assert!(text.contains("one less"), "{text}");
        assert!(text.contains("new: router r-eth1"), "{text}");
        assert!(text.contains("found `127.0.0.0/8 dev"), "{text}");
        assert!(text.contains("one link: a eth0  "), "{text}");
        fits(&text);
    }

    #[test]
    fn the_router_table_in_chinese() {
        let text = speaking(Lang::Zh, || crossing(&fixtures::crossing()));
        for said in [
            "主机 a 向 127.0.0.1 发送了 5 字节的 UDP 数据",
            "减少了 1",
            "换成 router r-eth1",
            "重新计算",
            "一条链路：a eth0",
            "路由器做了什么：",
            "（64 → 63）",
        ] {
            assert!(text.contains(said), "{said}: {text}");
        }
        // The columns line up by display width: each MAC address starts
        // where the heading's column does.
        let heading = text
            .lines()
            .find(|l| l.starts_with("字段"))
            .expect("heading");
        let row = text
            .lines()
            .find(|l| l.starts_with("以太网目的"))
            .expect("row");
        let column = |line: &str, at: &str| {
            width::of(&line[..line.find(at).expect("column")])
        };
        assert_eq!(column(heading, "离开"), column(row, "02:"), "{text}");
        assert!(!text.contains("unchanged"), "{text}");
        fits(&text);
    }

    #[test]
    fn the_switch_in_both_languages() {
        let en = speaking(Lang::En, || switch(&fixtures::talk()));
        assert!(en.contains("(empty: the switch has learned no address)"));
        assert!(en.contains("host b's cable carried 3 frames:"), "{en}");
        assert!(en.contains("host c's cable carried 1 frame:"), "{en}");
        assert!(
            en.contains(&format!("{MAC_B}  port sw-b   (host b, learned)"))
        );
        fits(&en);
        let zh = speaking(Lang::Zh, || switch(&fixtures::talk()));
        for said in [
            "（空的：交换机还没有学到任何地址）",
            "主机 b 的线缆上传送了 3 个帧：",
            "[广播]",
            "端口 sw-b   （主机 b，学到的）",
            "集线器没有这张",
        ] {
            assert!(zh.contains(said), "{said}: {zh}");
        }
        assert!(!zh.contains("learned"), "{zh}");
        fits(&zh);
    }

    #[test]
    fn syn_options_in_both_languages() {
        let en = speaking(Lang::En, || syn_options(1, &syn(), Some(512)));
        assert!(en.contains("Frame 1 is the client's SYN."), "{en}");
        assert!(en.contains(" After the SYNs, win counts"), "{en}");
        let zh = speaking(Lang::Zh, || syn_options(1, &syn(), Some(512)));
        assert!(zh.contains("第 1 帧是客户端的 SYN。"), "{zh}");
        assert!(zh.contains("= 65536 字节"), "{zh}");
        fits(&zh);
    }

    #[test]
    fn layer_names_in_english_are_the_packet_views() {
        speaking(Lang::En, || {
            for osi in 1..=7 {
                assert_eq!(layer_name(osi), packet::osi_name(osi));
                assert_eq!(tcpip_name(osi), packet::tcpip_name(osi));
            }
        });
        speaking(Lang::Zh, || {
            assert_eq!(layer_name(4), "运输层");
            assert_eq!(tcpip_name(3), "网际层");
        });
    }

    #[test]
    fn pdus_name_each_unit_in_the_other_language_too() {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        let zh = speaking(Lang::Zh, || pdus(&d));
        assert!(zh.starts_with("OSI 层"), "{zh}");
        for said in ["4 运输层", "报文段", "segment", "（没有首部）", "bits"]
        {
            assert!(zh.contains(said), "{said}: {zh}");
        }
        fits(&zh);
    }
}
