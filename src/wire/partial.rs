//! A header the bytes ran out in: the fields that are there.
//!
//! A capture's *snapshot length* keeps only the first bytes of each frame
//! (`tcpdump -s 96`), so a frame of 1514 bytes on the wire may reach us as
//! 96, or as 40, cut in the middle of its TCP header. An ICMP error quotes
//! a packet the same way ([`super::quoted`]). Such a header is not
//! malformed: its bytes are missing, not wrong. `Repr::parse` of each
//! protocol refuses it all the same ([`Error::Truncated`]), because a
//! `Repr` is a whole header and nothing in it is a guess.
//!
//! Yet the bytes that *are* there still say something: 6 bytes of TCP hold
//! both ports. Wireshark shows them, and so does this file. It goes through
//! the byte ranges of the header's diagram (each protocol file's
//! `mod field`) and reads every field that lies wholly inside the captured
//! bytes, in wire order, under the names the whole header's fields have:
//!
//! ```text
//!  TCP, 6 of 20 bytes captured
//!  0       2       4               8
//! ┌───────┬───────┬───────────────┬─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─
//! │src    │dst    │seq (2 of 4)     ack, offset, flags, …
//! └───────┴───────┴─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─ ─
//!  shown   shown   not shown: cut
//! ```
//!
//! Only the fixed part of IPv4, IPv6, TCP and UDP is read this way: those
//! are the headers a snapshot length usually cuts. Options and extension
//! headers, whose layout depends on bytes that may be missing, are not.
//!
//! ## Which part is pnet, which is ours
//!
//! All ours: pnet's views answer `None` to a buffer shorter than their
//! fixed size, so they cannot read part of a header.
//!
//! Read before: [`super::ipv4`], [`super::ipv6`], [`super::tcp`],
//! [`super::udp`]. Used by [`super::dissect`]. Book:
//! `book/src/lesson-07.md`. Run: `netlab dissect FILE`.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{Error, Field, Layer, ipv4, ipv6, read_u16, read_u32, tcp, udp};

/// One field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// A number.
    Num(u64),
    /// A flag bit.
    Bool(bool),
    /// An address.
    Addr(IpAddr),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(n) => write!(f, "{n}"),
            Value::Bool(on) => write!(f, "{on}"),
            Value::Addr(ip) => write!(f, "{ip}"),
        }
    }
}

/// The fields of a cut header whose bytes were captured.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Partial {
    /// Which header.
    pub layer: Layer,
    /// How many bytes the whole header needs (from the
    /// [`Error::Truncated`] that refused it).
    pub needed: usize,
    /// How many bytes there were.
    pub available: usize,
    /// The fields that are there, in wire order, named as in the whole
    /// header.
    pub fields: Vec<(&'static str, Value)>,
    /// Where the last field shown ends: the bytes the partial header
    /// claims.
    pub len: usize,
}

impl Partial {
    /// The fields of the `layer` header at the start of `bytes`, which
    /// `parse` refused with `error`. `None` when `error` is not a
    /// truncation of that layer, the layer is not one this file reads, or
    /// not even its first field is there.
    pub fn read(layer: Layer, bytes: &[u8], error: &Error) -> Option<Self> {
        let Error::Truncated {
            layer: cut, needed, ..
        } = *error
        else {
            return None;
        };
        if cut != layer {
            return None;
        }
        let mut partial = Partial {
            layer,
            needed,
            available: bytes.len(),
            fields: Vec::new(),
            len: 0,
        };
        let mut reader = Reader {
            bytes,
            out: &mut partial,
        };
        match layer {
            Layer::Ipv4 => reader.ipv4(),
            Layer::Ipv6 => reader.ipv6(),
            Layer::Tcp => reader.tcp(),
            Layer::Udp => reader.udp(),
            _ => return None,
        }
        (!partial.fields.is_empty()).then_some(partial)
    }
}

/// Adds each field whose range fits the bytes.
struct Reader<'a> {
    bytes: &'a [u8],
    out: &'a mut Partial,
}

impl Reader<'_> {
    /// The bytes of `range`, if all of them were captured.
    fn get(&mut self, range: Field) -> Option<&[u8]> {
        let end = range.end;
        let got = self.bytes.get(range)?;
        self.out.len = self.out.len.max(end);
        Some(got)
    }

    fn num(&mut self, name: &'static str, range: Field) {
        let value = match self.get(range.clone()) {
            Some(&[a]) => u64::from(a),
            Some(&[_, _]) => u64::from(read_u16(self.bytes, range.start)),
            Some(&[_, _, _, _]) => u64::from(read_u32(self.bytes, range.start)),
            _ => return,
        };
        self.out.fields.push((name, Value::Num(value)));
    }

    fn push(&mut self, name: &'static str, value: Value) {
        self.out.fields.push((name, value));
    }

    /// RFC 791 § 3.1, the 20 fixed bytes.
    fn ipv4(&mut self) {
        use ipv4::field;
        if let Some(&[b]) = self.get(field::VER_IHL..field::VER_IHL + 1) {
            self.push("version", Value::Num(u64::from(b >> 4)));
            self.push("header_length", Value::Num(u64::from(b & 0x0f) * 4));
        }
        if let Some(&[b]) = self.get(field::DSCP_ECN..field::DSCP_ECN + 1) {
            self.push("dscp", Value::Num(u64::from(b >> 2)));
            self.push("ecn", Value::Num(u64::from(b & 0x03)));
        }
        self.num("total_length", field::TOTAL_LEN);
        self.num("identification", field::IDENT);
        if let Some(&[hi, lo]) = self.get(field::FLG_OFF) {
            self.push("reserved_bit", Value::Bool(hi & 0x80 != 0));
            self.push("df", Value::Bool(hi & 0x40 != 0));
            self.push("mf", Value::Bool(hi & 0x20 != 0));
            let offset = u16::from_be_bytes([hi & 0x1f, lo]);
            self.push("fragment_offset", Value::Num(u64::from(offset)));
        }
        self.num("ttl", field::TTL..field::TTL + 1);
        self.num("protocol", field::PROTOCOL..field::PROTOCOL + 1);
        self.num("checksum", field::CHECKSUM);
        for (name, range) in [
            ("source", field::SRC_ADDR),
            ("destination", field::DST_ADDR),
        ] {
            if let Some(&[a, b, c, d]) = self.get(range) {
                let ip = Ipv4Addr::new(a, b, c, d);
                self.push(name, Value::Addr(ip.into()));
            }
        }
    }

    /// RFC 8200 § 3, the 40 fixed bytes.
    fn ipv6(&mut self) {
        use ipv6::field;
        if let Some(&[b]) = self.get(0..1) {
            self.push("version", Value::Num(u64::from(b >> 4)));
        }
        // The traffic class straddles bytes 0 and 1.
        if let Some(&[a, b]) = self.get(0..2) {
            let class = (a << 4) | (b >> 4);
            self.push("traffic_class", Value::Num(u64::from(class)));
            self.push("dscp", Value::Num(u64::from(class >> 2)));
            self.push("ecn", Value::Num(u64::from(class & 0x03)));
        }
        if self.get(field::VER_TC_FLOW).is_some() {
            let flow = read_u32(self.bytes, 0) & 0x000f_ffff;
            self.push("flow_label", Value::Num(u64::from(flow)));
        }
        self.num("payload_length", field::PAYLOAD_LEN);
        self.num("next_header", field::NEXT_HEADER..field::NEXT_HEADER + 1);
        self.num("hop_limit", field::HOP_LIMIT..field::HOP_LIMIT + 1);
        for (name, range) in [
            ("source", field::SRC_ADDR),
            ("destination", field::DST_ADDR),
        ] {
            if let Some(octets) = self.get(range) {
                let mut ip = [0u8; 16];
                ip.copy_from_slice(octets);
                self.push(name, Value::Addr(Ipv6Addr::from(ip).into()));
            }
        }
    }

    /// RFC 9293 § 3.1, the 20 fixed bytes.
    fn tcp(&mut self) {
        use tcp::field;
        self.num("source_port", field::SRC_PORT);
        self.num("destination_port", field::DST_PORT);
        self.num("sequence", field::SEQ_NUM);
        self.num("acknowledgment", field::ACK_NUM);
        if let Some(&[b]) = self.get(field::DATA_OFFSET..field::DATA_OFFSET + 1)
        {
            self.push("header_length", Value::Num(u64::from(b >> 4) * 4));
        }
        if let Some(&[flags]) = self.get(field::FLAGS..field::FLAGS + 1) {
            self.push("flags_value", Value::Num(u64::from(flags)));
            // RFC 9293 § 3.1 and RFC 3168 § 6.1, high bit to low.
            for (i, name) in
                ["cwr", "ece", "urg", "ack", "psh", "rst", "syn", "fin"]
                    .into_iter()
                    .enumerate()
            {
                self.push(name, Value::Bool(flags & (0x80 >> i) != 0));
            }
        }
        self.num("window", field::WINDOW);
        self.num("checksum", field::CHECKSUM);
        self.num("urgent_pointer", field::URGENT);
    }

    /// RFC 768, the 8 bytes.
    fn udp(&mut self) {
        use udp::field;
        self.num("source_port", field::SRC_PORT);
        self.num("destination_port", field::DST_PORT);
        self.num("length", field::LENGTH);
        self.num("checksum", field::CHECKSUM);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{
        IPV6_SYN_FRAME, IPV6_SYN_IPV6, SYN_FRAME, SYN_IPV4,
    };

    fn cut(layer: Layer, bytes: &[u8], needed: usize) -> Option<Partial> {
        let error = Error::Truncated {
            layer,
            needed,
            available: bytes.len(),
        };
        Partial::read(layer, bytes, &error)
    }

    fn names(p: &Partial) -> Vec<&'static str> {
        p.fields.iter().map(|(name, _)| *name).collect()
    }

    #[test]
    fn six_bytes_of_tcp_hold_both_ports() {
        let tcp = &SYN_FRAME[SYN_IPV4.start + 20..];
        let p = cut(Layer::Tcp, &tcp[..6], 20).expect("ports are there");
        assert_eq!(
            p.fields,
            [
                ("source_port", Value::Num(54321)),
                ("destination_port", Value::Num(5222))
            ]
        );
        assert_eq!((p.needed, p.available, p.len), (20, 6, 4));
    }

    #[test]
    fn sixteen_bytes_of_ipv6_stop_before_the_addresses() {
        let ip = &IPV6_SYN_FRAME[IPV6_SYN_IPV6];
        let p = cut(Layer::Ipv6, &ip[..16], 40).expect("fields are there");
        assert_eq!(
            names(&p),
            [
                "version",
                "traffic_class",
                "dscp",
                "ecn",
                "flow_label",
                "payload_length",
                "next_header",
                "hop_limit"
            ]
        );
        assert_eq!(p.len, 8);
    }

    #[test]
    fn a_whole_fixed_ipv4_header_shows_every_field() {
        let ip = &SYN_FRAME[SYN_IPV4];
        let p = cut(Layer::Ipv4, ip, 100).expect("fields are there");
        assert_eq!(p.fields.len(), 15);
        assert_eq!(p.fields[14], ("destination", Value::Addr(ip_lo())));
        assert_eq!(p.len, 20);
    }

    fn ip_lo() -> IpAddr {
        Ipv4Addr::LOCALHOST.into()
    }

    #[test]
    fn every_prefix_reads_without_panic_and_grows() {
        let frames: [(Layer, &[u8]); 4] = [
            (Layer::Ipv4, &SYN_FRAME[SYN_IPV4]),
            (Layer::Ipv6, &IPV6_SYN_FRAME[IPV6_SYN_IPV6]),
            (Layer::Tcp, &SYN_FRAME[34..]),
            (Layer::Udp, &SYN_FRAME[34..42]),
        ];
        for (layer, bytes) in frames {
            let mut shown = 0;
            for len in 0..=bytes.len() {
                let p = cut(layer, &bytes[..len], bytes.len() + 1);
                let now = p.as_ref().map_or(0, |p| p.fields.len());
                assert!(now >= shown, "{layer} at {len}");
                assert!(p.is_none_or(|p| p.len <= len));
                shown = now;
            }
        }
    }

    #[test]
    fn other_errors_and_layers_are_not_read() {
        let malformed = Error::Malformed {
            layer: Layer::Tcp,
            rule: crate::wire::rule::rule!(
                "wire-tcp-data-offset",
                length = 16u8,
                minimum = 20u8
            ),
            spec: "RFC 9293 § 3.1",
        };
        assert_eq!(Partial::read(Layer::Tcp, &SYN_FRAME, &malformed), None);
        assert_eq!(cut(Layer::Dns, &SYN_FRAME[..4], 12), None);
        assert_eq!(cut(Layer::Tcp, &[], 20), None);
    }
}
