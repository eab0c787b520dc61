//! The fields of every header, in wire order, named the same way for the
//! tree and for JSON.
//!
//! [`each_field`] hands each (name, value) pair to a callback instead of
//! building a list of strings: the tree formats them into lines, the JSON
//! writer escapes them straight into its output. One function, so the two
//! can never disagree; no allocation per field, because `--json` calls it
//! for every header of millions of frames.
//!
//! Read before: `wire::dissect`. Used by [`super::packet`] and
//! [`super::packet_json`].

use std::fmt::{self, Display};

use crate::wire::arp::Addresses;
use crate::wire::dissect::{Checksum, Header};
use crate::wire::dns::{self, RecordData};
use crate::wire::ethernet::EtherType;
use crate::wire::icmpv4;
use crate::wire::ipv6::ExtensionBody;
use crate::wire::llc;
use crate::wire::tcp::TcpOption;

/// A field's value: a number or text written as is, or anything else that
/// knows how to display itself. The split lets the JSON writer put numbers
/// and plain text into its output without the formatting machinery.
#[derive(Clone, Copy)]
pub enum Value<'a> {
    /// A number, shown in decimal.
    Num(u64),
    /// Text, shown as is.
    Str(&'a str),
    /// Anything else.
    Show(&'a dyn Display),
}

impl Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(n) => write!(f, "{n}"),
            Value::Str(s) => f.write_str(s),
            Value::Show(d) => write!(f, "{d}"),
        }
    }
}

use Value::{Num, Show, Str};

/// Receives one field: its name and its value.
pub type Sink<'a> = dyn FnMut(&'static str, Value<'_>) + 'a;

/// Calls `f` with every field of `header`, in wire order.
pub fn each_field(header: &Header, f: &mut Sink<'_>) {
    match header {
        Header::Ethernet(e) => {
            f("destination", Show(&e.dst));
            f("source", Show(&e.src));
            // One pair of lines per tag, outermost first; a Q-in-Q
            // service tag says so.
            for tag in &e.tags {
                match tag.tpid {
                    EtherType::Vlan => f("vlan", Num(tag.vid as u64)),
                    tpid => f(
                        "vlan",
                        Show(&format_args!(
                            "{} (service tag, TPID {:#06x})",
                            tag.vid,
                            u16::from(tpid)
                        )),
                    ),
                }
                f("priority", Num(tag.pcp as u64));
            }
            f("type", Show(&ShowEtherType(e.ethertype)));
        }
        Header::Llc(l) => {
            f(
                "dsap",
                Show(&format_args!(
                    "{:#04x} ({})",
                    l.dsap,
                    llc::Repr::sap_name(l.dsap)
                )),
            );
            f("ssap", Show(&format_args!("{:#04x}", l.ssap)));
            f("control", Show(&format_args!("{:#04x}", l.control)));
            if let Some(snap) = l.snap {
                let [a, b, c] = snap.oui;
                f("oui", Show(&format_args!("{a:02x}-{b:02x}-{c:02x}")));
                // OUI 00-00-00: the protocol id is an EtherType.
                if snap.oui == [0; 3] {
                    f("pid", Show(&ShowEtherType(EtherType::from(snap.pid))));
                } else {
                    f("pid", Show(&format_args!("{:#06x}", snap.pid)));
                }
            }
        }
        Header::Ipv4(ip) => {
            f("version", Num(4));
            f("header_length", Num(ip.header_len() as u64));
            f("dscp", Num(ip.dscp as u64));
            f("total_length", Num(ip.total_len() as u64));
            f(
                "identification",
                Show(&format_args!("{:#06x}", ip.identification)),
            );
            f(
                "flags",
                Str(match (ip.dont_fragment, ip.more_fragments) {
                    (true, true) => "DF,MF",
                    (true, false) => "DF",
                    (false, true) => "MF",
                    (false, false) => "none",
                }),
            );
            f("fragment_offset", Num(ip.fragment_offset as u64));
            f("ttl", Num(ip.ttl as u64));
            f("protocol", Show(&ip.protocol));
            f(
                "checksum",
                Show(&format_args!(
                    "{:#06x} {}",
                    ip.checksum,
                    if ip.checksum_ok { "(good)" } else { "(bad)" }
                )),
            );
            f("source", Show(&ip.src));
            f("destination", Show(&ip.dst));
            if !ip.options.is_empty() {
                // RFC 791 § 3.1 options; rare today, shown as bytes.
                f("options", Show(&Hex(&ip.options)));
            }
        }
        Header::Ipv6(ip) => {
            f("version", Num(6));
            f(
                "traffic_class",
                Show(&format_args!("{:#04x}", ip.traffic_class)),
            );
            f("flow_label", Show(&format_args!("{:#07x}", ip.flow_label)));
            f("payload_length", Num(ip.payload_len as u64));
            f("next_header", Show(&ip.next_header));
            f("hop_limit", Num(ip.hop_limit as u64));
            f("source", Show(&ip.src));
            f("destination", Show(&ip.dst));
        }
        Header::Ipv6Ext(e) => {
            f("length", Num(e.range.len() as u64));
            f("next_header", Show(&e.next_header));
            match &e.body {
                ExtensionBody::Options(options) => {
                    f("options", Show(&Joined(options.iter())));
                }
                ExtensionBody::Routing {
                    routing_type,
                    segments_left,
                } => {
                    f("routing_type", Num(*routing_type as u64));
                    f("segments_left", Num(*segments_left as u64));
                }
                ExtensionBody::Fragment {
                    offset,
                    more_fragments,
                    identification,
                } => {
                    f("fragment_offset", Num(*offset as u64));
                    f("more_fragments", Show(more_fragments));
                    f(
                        "identification",
                        Show(&format_args!("{identification:#010x}")),
                    );
                }
                ExtensionBody::Auth { spi, sequence } => {
                    f("spi", Show(&format_args!("{spi:#010x}")));
                    f("sequence", Num(*sequence as u64));
                }
            }
        }
        Header::Arp(a) => {
            f("hardware_type", Show(&a.hardware_type));
            f("protocol_type", Show(&ShowEtherType(a.protocol_type)));
            f("operation", Show(&a.operation));
            match &a.addresses {
                Addresses::EthernetIpv4 {
                    sender_mac,
                    sender_ip,
                    target_mac,
                    target_ip,
                } => {
                    f("sender_mac", Show(sender_mac));
                    f("sender_ip", Show(sender_ip));
                    f("target_mac", Show(target_mac));
                    f("target_ip", Show(target_ip));
                }
                // Typed where the types allow (wire::arp::Repr::
                // hardware_mac), bytes in hex where they do not.
                Addresses::Other {
                    sender_hardware,
                    sender_protocol,
                    target_hardware,
                    target_protocol,
                } => {
                    let hardware = |f: &mut Sink<'_>, mac, hex, bytes| match a
                        .hardware_mac(bytes)
                    {
                        Some(m) => f(mac, Show(&m)),
                        None => f(hex, Show(&Hex(bytes))),
                    };
                    let protocol = |f: &mut Sink<'_>, ip, hex, bytes| match a
                        .protocol_ipv4(bytes)
                    {
                        Some(v4) => f(ip, Show(&v4)),
                        None => f(hex, Show(&Hex(bytes))),
                    };
                    hardware(
                        f,
                        "sender_mac",
                        "sender_hardware",
                        sender_hardware,
                    );
                    protocol(
                        f,
                        "sender_ip",
                        "sender_protocol",
                        sender_protocol,
                    );
                    hardware(
                        f,
                        "target_mac",
                        "target_hardware",
                        target_hardware,
                    );
                    protocol(
                        f,
                        "target_ip",
                        "target_protocol",
                        target_protocol,
                    );
                }
            }
        }
        Header::Icmpv4(i, sum) => {
            f("type", Num(i.message.message_type() as u64));
            f("code", Num(i.message.code() as u64));
            f("message", Show(&i.message));
            // An echo's identifier and sequence pair requests with replies.
            if let icmpv4::Message::EchoRequest {
                identifier,
                sequence,
            }
            | icmpv4::Message::EchoReply {
                identifier,
                sequence,
            } = i.message
            {
                f("identifier", Num(identifier as u64));
                f("sequence", Num(sequence as u64));
            }
            f(
                "checksum",
                Show(&format_args!("{:#06x} {}", i.checksum, verdict(*sum))),
            );
        }
        Header::Icmpv6(i, sum, body) => {
            f("type", Num(i.message.message_type() as u64));
            f("code", Num(i.message.code() as u64));
            f("message", Show(&i.message));
            f(
                "checksum",
                Show(&format_args!("{:#06x} {}", i.checksum, verdict(*sum))),
            );
            // Neighbour discovery (wire::ndp): flags, target, options.
            if let Some(n) = body {
                if let Some(flags) = &n.flags {
                    f("flags", Show(flags));
                }
                f("target", Show(&n.target));
                if !n.options.is_empty() {
                    f("options", Show(&Joined(n.options.iter())));
                }
            }
        }
        Header::Dns(d) => dns_fields(d, f),
        Header::Tcp(t, sum) => {
            f("source_port", Num(t.src_port as u64));
            f("destination_port", Num(t.dst_port as u64));
            f("sequence", Num(t.seq as u64));
            f("acknowledgment", Num(t.ack as u64));
            f("header_length", Num(t.header_len() as u64));
            f("flags", Show(&t.flags));
            f("window", Num(t.window as u64));
            f(
                "checksum",
                Show(&format_args!("{:#06x} {}", t.checksum, verdict(*sum))),
            );
            if t.urgent != 0 {
                f("urgent_pointer", Num(t.urgent as u64));
            }
            let shown = |o: &&TcpOption| {
                !matches!(o, TcpOption::NoOp | TcpOption::EndOfList)
            };
            if t.options.iter().any(|o| shown(&o)) {
                f("options", Show(&Joined(t.options.iter().filter(shown))));
            }
        }
        // What there is of a cut header (wire::partial).
        Header::Partial(p) => {
            use crate::wire::partial::Value::Num as N;
            for (name, value) in &p.fields {
                // In hex where the whole header shows them in hex.
                match (*name, value) {
                    ("identification" | "checksum", N(n)) => {
                        f(name, Show(&format_args!("{n:#06x}")));
                    }
                    ("traffic_class", N(n)) => {
                        f(name, Show(&format_args!("{n:#04x}")));
                    }
                    ("flow_label", N(n)) => {
                        f(name, Show(&format_args!("{n:#07x}")));
                    }
                    _ => f(name, Show(value)),
                }
            }
        }
        // The 8 bytes of TCP an ICMP error quotes (wire::quoted).
        Header::TcpStart(t) => {
            f("source_port", Num(t.src_port as u64));
            f("destination_port", Num(t.dst_port as u64));
            f("sequence", Num(t.seq as u64));
        }
        Header::Udp(u, sum) => {
            f("source_port", Num(u.src_port as u64));
            f("destination_port", Num(u.dst_port as u64));
            f("length", Num(u.length() as u64));
            f(
                "checksum",
                Show(&format_args!("{:#06x} {}", u.checksum, verdict(*sum))),
            );
        }
        Header::Xmpp(p) => {
            f("element", Str(&p.element));
            for (name, value) in &p.attributes {
                f(attribute_name(name), Str(value));
            }
            f("recognised_by", Str(p.because));
        }
    }
}

fn dns_fields(d: &dns::Repr, f: &mut Sink<'_>) {
    f("id", Show(&format_args!("{:#06x}", d.id)));
    f("kind", Show(&if d.response { "response" } else { "query" }));
    f("opcode", Show(&d.opcode));
    f("flags", Show(&DnsFlags(d)));
    f("rcode", Show(&d.rcode));
    for q in &d.questions {
        f(
            "question",
            Show(&format_args!("{} {} {}", q.name, q.qtype, q.qclass)),
        );
    }
    for (label, records) in [
        ("answer", &d.answers),
        ("authority", &d.authority),
        ("additional", &d.additional),
    ] {
        for r in records {
            // An OPT pseudo-record's class and TTL are EDNS fields
            // (RFC 6891 § 6.1.3), so they are shown by those names.
            if let Some(e) = r.edns() {
                f(
                    label,
                    Show(&format_args!(
                        "OPT (EDNS{}): UDP payload size {}, extended rcode \
                         {}, DO {}",
                        e.version,
                        e.udp_payload_size,
                        e.extended_rcode,
                        u8::from(e.dnssec_ok),
                    )),
                );
                continue;
            }
            f(
                label,
                Show(&format_args!(
                    "{} {} TTL {} {}",
                    r.name,
                    r.rtype,
                    r.ttl,
                    Rdata(&r.data)
                )),
            );
        }
    }
}

/// `AA,RD,RA`, or `none`.
pub(crate) struct DnsFlags<'a>(pub(crate) &'a dns::Repr);

impl Display for DnsFlags<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        let mut first = true;
        for (on, name) in [
            (d.authoritative, "AA"),
            (d.truncated, "TC"),
            (d.recursion_desired, "RD"),
            (d.recursion_available, "RA"),
        ] {
            if on {
                if !first {
                    out.write_str(",")?;
                }
                out.write_str(name)?;
                first = false;
            }
        }
        if first {
            out.write_str("none")?;
        }
        Ok(())
    }
}

/// Record data the way zone files write it.
pub struct Rdata<'a>(pub &'a RecordData);

impl Display for Rdata<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            RecordData::A(ip) => write!(f, "{ip}"),
            RecordData::Aaaa(ip) => write!(f, "{ip}"),
            RecordData::Cname(n) | RecordData::Ns(n) | RecordData::Ptr(n) => {
                write!(f, "{n}")
            }
            RecordData::Mx {
                preference,
                exchange,
            } => write!(f, "{preference} {exchange}"),
            RecordData::Txt(strings) => {
                for (i, t) in strings.iter().enumerate() {
                    let sep = if i == 0 { "" } else { " " };
                    write!(f, "{sep}{:?}", String::from_utf8_lossy(t))?;
                }
                Ok(())
            }
            RecordData::Srv {
                priority,
                weight,
                port,
                target,
            } => write!(f, "{priority} {weight} {port} {target}"),
            RecordData::Soa {
                mname,
                rname,
                serial,
                ..
            } => write!(f, "{mname} {rname} serial {serial}"),
            RecordData::Raw(bytes) => write!(f, "{}", Hex(bytes)),
        }
    }
}

/// Bytes as lowercase hex, no separators.
struct Hex<'a>(&'a [u8]);

impl Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Items joined by `, `.
struct Joined<I>(I);

impl<I, T> Display for Joined<I>
where
    I: Iterator<Item = T> + Clone,
    T: Display,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.clone().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

/// An EtherType with its name: `IPv4 (0x0800)`.
struct ShowEtherType(EtherType);

impl Display for ShowEtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            EtherType::Ipv4 => f.write_str("IPv4 (0x0800)"),
            EtherType::Ipv6 => f.write_str("IPv6 (0x86dd)"),
            EtherType::Arp => f.write_str("ARP (0x0806)"),
            other => write!(f, "{other}"),
        }
    }
}

pub(crate) fn attribute_name(name: &str) -> &'static str {
    match name {
        "to" => "to",
        "from" => "from",
        "type" => "type",
        "id" => "id",
        _ => "version",
    }
}

/// What a checksum check found, in the words the tree shows.
pub fn verdict(sum: Checksum) -> &'static str {
    match sum {
        Checksum::Good => "(good)",
        Checksum::Bad => "(BAD)",
        Checksum::Offloaded => "(offloaded: filled in after capture)",
        Checksum::Absent => "(none)",
        Checksum::Unverifiable => {
            "(unverified: the bytes it covers are cut off)"
        }
        Checksum::NotChecked => "(not checked)",
    }
}
