//! The typed JSON fields of every header: what `"fields"` holds in a line
//! of `netlab dissect --json`.
//!
//! Each header's fields are written in wire order, under the names the
//! tree uses (`super::packet_fields`), but typed for a program rather
//! than formatted for a person:
//!
//! - numbers (ports, lengths, TTL, identifiers, sequence numbers,
//!   checksums) are JSON numbers, in decimal — `"identification":11273`,
//!   not `"0x2c09"`;
//! - an enumeration is its number under the field's name and its name
//!   under `_name`: `"protocol":17,"protocol_name":"UDP"`;
//! - a checksum is the number found plus `checksum_status`: `good`, `bad`,
//!   `offloaded` (left to the network card), `absent` (UDP over IPv4 may
//!   send 0) or `unverified` (the capture is cut short);
//! - every flag bit is its own boolean, present whether set or not
//!   (`"syn":true,"ack":false`), beside the summary the tree shows
//!   (`"flags":"SYN"`) and the bits as one number (`flags_value`);
//! - repeated things are arrays: TCP `options`, DNS `questions`,
//!   `answers`, `authority` and `additional`, each item an object.
//!
//! A few values tshark shows are derived here because a program would
//! otherwise have to derive them: TCP's `payload_length` (tshark's
//! `tcp.len`, from the IP lengths, so it is right even when the capture
//! is cut), DNS's `flags_value` and its four section counts.
//!
//! `schemas/dissect.schema.json` describes every key; a change here is a
//! change there (tests/dissect_json.rs checks real output against it).
//!
//! Read before: [`super::packet_json`] (the line around these fields),
//! `wire::dissect` (the headers). Book: `book/src/lesson-07.md`.

use std::io;

use super::packet_fields::Rdata;
use super::packet_json::Members;
use crate::wire::arp::{self, Addresses};
use crate::wire::dissect::{Checksum, Header};
use crate::wire::dns::{self, Opcode, Rcode, RecordData};
use crate::wire::ethernet::{self, EtherType};
use crate::wire::icmpv4;
use crate::wire::icmpv6;
use crate::wire::ipv4::{self, IpProtocol};
use crate::wire::ipv6::{self, ExtensionBody, Ipv6Option, NextHeader};
use crate::wire::llc;
use crate::wire::ndp;
use crate::wire::partial;
use crate::wire::tcp::{self, Flags, TcpOption};
use crate::wire::udp;
use crate::wire::xml_peek::Peek;

/// What the layers below tell the layers above, as the line is written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    /// The bytes the IP header says are left for the layers above it,
    /// after any IPv6 extension headers.
    ip_payload: Option<usize>,
}

impl Context {
    /// Takes in what `header` says about the layers above it.
    pub fn after(&mut self, header: &Header) {
        match header {
            Header::Ipv4(ip) => self.ip_payload = Some(ip.payload_len),
            Header::Ipv6(ip) => self.ip_payload = Some(ip.payload_len),
            Header::Ipv6Ext(e) => {
                self.ip_payload = self
                    .ip_payload
                    .map(|left| left.saturating_sub(e.range.len()));
            }
            _ => {}
        }
    }
}

/// Writes the fields of `header` into the object `f`.
pub fn fields(
    f: &mut Members<'_>,
    header: &Header,
    context: &Context,
) -> io::Result<()> {
    match header {
        Header::Ethernet(e) => ethernet_fields(f, e),
        Header::Llc(l) => llc_fields(f, l),
        Header::Ipv4(ip) => ipv4_fields(f, ip),
        Header::Ipv6(ip) => ipv6_fields(f, ip),
        Header::Ipv6Ext(e) => extension_fields(f, e),
        Header::Arp(a) => arp_fields(f, a),
        Header::Icmpv4(i, sum) => icmpv4_fields(f, i, *sum),
        Header::Icmpv6(i, sum, body) => {
            icmpv6_fields(f, i, *sum, body.as_ref())
        }
        Header::Tcp(t, sum) => tcp_fields(f, t, *sum, context),
        // What there is of a cut header (wire::partial), typed.
        Header::Partial(p) => {
            for (name, value) in &p.fields {
                match value {
                    partial::Value::Num(n) => f.num(name, *n)?,
                    partial::Value::Bool(on) => f.bool(name, *on)?,
                    partial::Value::Addr(ip) => f.text(name, ip)?,
                }
            }
            Ok(())
        }
        // The 8 bytes of TCP an ICMP error quotes (wire::quoted).
        Header::TcpStart(t) => {
            f.num("source_port", t.src_port)?;
            f.num("destination_port", t.dst_port)?;
            f.num("sequence", t.seq)
        }
        Header::Udp(u, sum) => udp_fields(f, u, *sum),
        Header::Dns(d) => dns_fields(f, d),
        Header::Xmpp(p) => xmpp_fields(f, p),
    }
}

fn ethernet_fields(f: &mut Members<'_>, e: &ethernet::Repr) -> io::Result<()> {
    f.mac("destination", &e.dst)?;
    f.mac("source", &e.src)?;
    if let Some(tag) = e.tags.first() {
        // IEEE 802.1Q § 9.6: the tag control information's three fields,
        // of the outermost tag (schema 1 had room for one).
        f.num("vlan", tag.vid)?;
        f.num("priority", tag.pcp)?;
        f.bool("dei", tag.dei)?;
        // Every tag, outermost first, with its TPID: Q-in-Q stacks them.
        f.list("tags", &e.tags, |t, tag| {
            t.num("tpid", u16::from(tag.tpid))?;
            t.str("tpid_name", ethertype_name(tag.tpid))?;
            t.num("vlan", tag.vid)?;
            t.num("priority", tag.pcp)?;
            t.bool("dei", tag.dei)
        })?;
    }
    // For a tagged frame, the type after the tag: what the payload is.
    f.num("type", u16::from(e.ethertype))?;
    f.str("type_name", ethertype_name(e.ethertype))
}

/// IEEE 802.2 § 3.2: the two SAPs and the control field, whole (their
/// I/G and C/R bits included, as tshark's `llc.dsap` and `llc.ssap`);
/// IEEE 802 § 10.3: the SNAP header, if any.
fn llc_fields(f: &mut Members<'_>, l: &llc::Repr) -> io::Result<()> {
    f.num("dsap", l.dsap)?;
    f.str("dsap_name", llc::Repr::sap_name(l.dsap))?;
    f.num("ssap", l.ssap)?;
    f.num("control", l.control)?;
    if let Some(snap) = l.snap {
        let [a, b, c] = snap.oui;
        f.num("oui", u32::from_be_bytes([0, a, b, c]))?;
        f.num("pid", snap.pid)?;
    }
    Ok(())
}

fn ipv4_fields(f: &mut Members<'_>, ip: &ipv4::Repr) -> io::Result<()> {
    f.num("version", 4)?;
    f.num("header_length", ip.header_len())?;
    f.num("dscp", ip.dscp)?;
    f.num("ecn", ip.ecn)?;
    f.num("total_length", ip.total_len())?;
    f.num("identification", ip.identification)?;
    f.str(
        "flags",
        match (ip.dont_fragment, ip.more_fragments) {
            (true, true) => "DF,MF",
            (true, false) => "DF",
            (false, true) => "MF",
            (false, false) => "none",
        },
    )?;
    // RFC 791 § 3.1: "Bit 0: reserved, must be zero"; then DF and MF.
    f.bool("reserved_bit", ip.reserved_flag)?;
    f.bool("df", ip.dont_fragment)?;
    f.bool("mf", ip.more_fragments)?;
    f.num("fragment_offset", ip.fragment_offset)?;
    f.num("ttl", ip.ttl)?;
    f.num("protocol", u8::from(ip.protocol))?;
    f.str("protocol_name", protocol_name(ip.protocol))?;
    f.num("checksum", ip.checksum)?;
    f.str(
        "checksum_status",
        if ip.checksum_ok { "good" } else { "bad" },
    )?;
    f.ipv4("source", ip.src)?;
    f.ipv4("destination", ip.dst)?;
    if !ip.options.is_empty() {
        // RFC 791 § 3.1 options; rare today, given as bytes in hex.
        f.text("options", &Hex(&ip.options))?;
    }
    Ok(())
}

fn ipv6_fields(f: &mut Members<'_>, ip: &ipv6::Repr) -> io::Result<()> {
    f.num("version", 6)?;
    f.num("traffic_class", ip.traffic_class)?;
    // RFC 8200 § 7: the traffic class is DSCP and ECN, as in IPv4.
    f.num("dscp", ip.dscp())?;
    f.num("ecn", ip.ecn())?;
    f.num("flow_label", ip.flow_label)?;
    f.num("payload_length", ip.payload_len)?;
    next_header(f, ip.next_header)?;
    f.num("hop_limit", ip.hop_limit)?;
    f.ipv6("source", ip.src)?;
    f.ipv6("destination", ip.dst)
}

fn next_header(f: &mut Members<'_>, next: NextHeader) -> io::Result<()> {
    f.num("next_header", u8::from(next))?;
    f.str("next_header_name", next_header_name(next))
}

fn extension_fields(
    f: &mut Members<'_>,
    e: &ipv6::ExtensionHeader,
) -> io::Result<()> {
    f.num("length", e.range.len())?;
    next_header(f, e.next_header)?;
    match &e.body {
        ExtensionBody::Options(options) => {
            f.list("options", options, ipv6_option)
        }
        ExtensionBody::Routing {
            routing_type,
            segments_left,
        } => {
            f.num("routing_type", *routing_type)?;
            f.num("segments_left", *segments_left)
        }
        ExtensionBody::Fragment {
            offset,
            more_fragments,
            identification,
        } => {
            f.num("fragment_offset", *offset)?;
            // RFC 8200 § 4.5: "M flag. 1 = more fragments; 0 = last
            // fragment."
            f.bool("more_fragments", *more_fragments)?;
            f.num("identification", *identification)
        }
        ExtensionBody::Auth { spi, sequence } => {
            f.num("spi", *spi)?;
            f.num("sequence", *sequence)
        }
    }
}

/// One Hop-by-Hop or Destination option (RFC 8200 § 4.2).
fn ipv6_option(o: &mut Members<'_>, option: &Ipv6Option) -> io::Result<()> {
    match option {
        Ipv6Option::Pad1 => {
            o.num("type", 0)?;
            o.str("name", "Pad1")
        }
        Ipv6Option::PadN(len) => {
            o.num("type", 1)?;
            o.str("name", "PadN")?;
            o.num("length", *len)
        }
        Ipv6Option::RouterAlert(value) => {
            o.num("type", 5)?;
            o.str("name", "Router Alert")?;
            o.num("value", *value)
        }
        Ipv6Option::JumboPayload(len) => {
            o.num("type", 0xc2)?;
            o.str("name", "Jumbo Payload")?;
            o.num("value", *len)
        }
        Ipv6Option::Unknown { kind, data } => {
            o.num("type", *kind)?;
            o.str("name", "unknown")?;
            o.text("data", &Hex(data))
        }
    }
}

fn arp_fields(f: &mut Members<'_>, a: &arp::Repr) -> io::Result<()> {
    f.num("hardware_type", u16::from(a.hardware_type))?;
    f.str("hardware_type_name", a.hardware_type.name())?;
    f.num("protocol_type", u16::from(a.protocol_type))?;
    f.str("protocol_type_name", ethertype_name(a.protocol_type))?;
    f.num("operation", u16::from(a.operation))?;
    f.str(
        "operation_name",
        match a.operation {
            arp::Operation::Request => "request",
            arp::Operation::Reply => "reply",
            arp::Operation::Unknown(_) => "unknown",
        },
    )?;
    match &a.addresses {
        Addresses::EthernetIpv4 {
            sender_mac,
            sender_ip,
            target_mac,
            target_ip,
        } => {
            f.mac("sender_mac", sender_mac)?;
            f.ipv4("sender_ip", *sender_ip)?;
            f.mac("target_mac", target_mac)?;
            f.ipv4("target_ip", *target_ip)
        }
        // Each address typed where the types allow, as tshark does
        // (`arp.src.hw_mac` or `arp.src.hw`), else its bytes in hex.
        Addresses::Other {
            sender_hardware,
            sender_protocol,
            target_hardware,
            target_protocol,
        } => {
            let hardware = |f: &mut Members<'_>, mac, hex, bytes| match a
                .hardware_mac(bytes)
            {
                Some(m) => f.mac(mac, &m),
                None => f.text(hex, &Hex(bytes)),
            };
            let protocol = |f: &mut Members<'_>, ip, hex, bytes| match a
                .protocol_ipv4(bytes)
            {
                Some(v4) => f.ipv4(ip, v4),
                None => f.text(hex, &Hex(bytes)),
            };
            hardware(f, "sender_mac", "sender_hardware", sender_hardware)?;
            protocol(f, "sender_ip", "sender_protocol", sender_protocol)?;
            hardware(f, "target_mac", "target_hardware", target_hardware)?;
            protocol(f, "target_ip", "target_protocol", target_protocol)
        }
    }
}

fn icmpv4_fields(
    f: &mut Members<'_>,
    i: &icmpv4::Repr,
    sum: Checksum,
) -> io::Result<()> {
    use icmpv4::Message;
    f.num("type", i.message.message_type())?;
    f.num("code", i.message.code())?;
    f.text("message", &i.message)?;
    // Header bytes 4..8 mean something different in each message type.
    match i.message {
        Message::EchoRequest {
            identifier,
            sequence,
        }
        | Message::EchoReply {
            identifier,
            sequence,
        } => {
            f.num("identifier", identifier)?;
            f.num("sequence", sequence)?;
        }
        Message::DestinationUnreachable { next_hop_mtu, .. } => {
            f.num("next_hop_mtu", next_hop_mtu)?;
        }
        Message::Redirect { gateway, .. } => f.text("gateway", &gateway)?,
        Message::ParameterProblem { pointer, .. } => {
            f.num("pointer", pointer)?;
        }
        Message::TimeExceeded { .. } | Message::Other { .. } => {}
    }
    f.num("checksum", i.checksum)?;
    f.str("checksum_status", status(sum))
}

fn icmpv6_fields(
    f: &mut Members<'_>,
    i: &icmpv6::Repr,
    sum: Checksum,
    body: Option<&ndp::Neighbor>,
) -> io::Result<()> {
    use icmpv6::Message;
    f.num("type", i.message.message_type())?;
    f.num("code", i.message.code())?;
    f.text("message", &i.message)?;
    match i.message {
        Message::EchoRequest {
            identifier,
            sequence,
        }
        | Message::EchoReply {
            identifier,
            sequence,
        } => {
            f.num("identifier", identifier)?;
            f.num("sequence", sequence)?;
        }
        Message::PacketTooBig { mtu } => f.num("mtu", mtu)?,
        Message::ParameterProblem { pointer, .. } => {
            f.num("pointer", pointer)?;
        }
        Message::DestinationUnreachable { .. }
        | Message::TimeExceeded { .. }
        | Message::Ndp { .. }
        | Message::Other { .. } => {}
    }
    f.num("checksum", i.checksum)?;
    f.str("checksum_status", status(sum))?;
    let Some(n) = body else { return Ok(()) };
    // RFC 4861 § 4.4: an advertisement's R, S and O bits, each its own
    // boolean like TCP's flags.
    if let Some(flags) = n.flags {
        f.bool("router", flags.router)?;
        f.bool("solicited", flags.solicited)?;
        f.bool("override", flags.override_entry)?;
    }
    f.ipv6("target", n.target)?;
    f.list("options", &n.options, nd_option)
}

/// One neighbour discovery option (RFC 4861 § 4.6): its type number, a
/// short name, and its link-layer address or its bytes.
fn nd_option(o: &mut Members<'_>, option: &ndp::NdOption) -> io::Result<()> {
    o.num("type", option.kind())?;
    match option {
        ndp::NdOption::SourceLinkLayer(mac) => {
            o.str("name", "source link-layer address")?;
            o.mac("link_layer_address", mac)
        }
        ndp::NdOption::TargetLinkLayer(mac) => {
            o.str("name", "target link-layer address")?;
            o.mac("link_layer_address", mac)
        }
        // A link-layer address of another length than Ethernet's.
        ndp::NdOption::Other { kind, data } => {
            o.str(
                "name",
                match kind {
                    1 => "source link-layer address",
                    2 => "target link-layer address",
                    _ => "unknown",
                },
            )?;
            o.text("data", &Hex(data))
        }
    }
}

fn tcp_fields(
    f: &mut Members<'_>,
    t: &tcp::Repr,
    sum: Checksum,
    context: &Context,
) -> io::Result<()> {
    f.num("source_port", t.src_port)?;
    f.num("destination_port", t.dst_port)?;
    f.num("sequence", t.seq)?;
    f.num("acknowledgment", t.ack)?;
    f.num("header_length", t.header_len())?;
    // The data after the header, by the IP lengths (tshark's tcp.len).
    if let Some(left) = context.ip_payload {
        f.num("payload_length", left.saturating_sub(t.header_len()))?;
    }
    f.str("flags", t.flags.text())?;
    f.num("flags_value", t.flags.0)?;
    // RFC 9293 § 3.1 and RFC 3168 § 6.1, high bit to low.
    for (flag, name) in [
        (Flags::CWR, "cwr"),
        (Flags::ECE, "ece"),
        (Flags::URG, "urg"),
        (Flags::ACK, "ack"),
        (Flags::PSH, "psh"),
        (Flags::RST, "rst"),
        (Flags::SYN, "syn"),
        (Flags::FIN, "fin"),
    ] {
        f.bool(name, t.flags.contains(flag))?;
    }
    f.num("window", t.window)?;
    f.num("checksum", t.checksum)?;
    f.str("checksum_status", status(sum))?;
    f.num("urgent_pointer", t.urgent)?;
    // Every option in wire order, padding (NOP, EOL) included, so that a
    // program sees the header as it was.
    f.list("options", &t.options, tcp_option)
}

/// One TCP option: its kind number, a short name, and its values.
fn tcp_option(o: &mut Members<'_>, option: &TcpOption) -> io::Result<()> {
    match option {
        TcpOption::EndOfList => {
            o.num("kind", 0)?;
            o.str("name", "EOL")
        }
        TcpOption::NoOp => {
            o.num("kind", 1)?;
            o.str("name", "NOP")
        }
        TcpOption::MaxSegmentSize(mss) => {
            o.num("kind", 2)?;
            o.str("name", "MSS")?;
            o.num("mss", *mss)
        }
        TcpOption::WindowScale(shift) => {
            o.num("kind", 3)?;
            o.str("name", "WS")?;
            o.num("shift", *shift)
        }
        TcpOption::SackPermitted => {
            o.num("kind", 4)?;
            o.str("name", "SACK-permitted")
        }
        TcpOption::Sack(blocks) => {
            o.num("kind", 5)?;
            o.str("name", "SACK")?;
            o.list("blocks", blocks, |b, (left, right)| {
                b.num("left", *left)?;
                b.num("right", *right)
            })
        }
        TcpOption::Timestamps { value, echo_reply } => {
            o.num("kind", 8)?;
            o.str("name", "TS")?;
            o.num("value", *value)?;
            o.num("echo_reply", *echo_reply)
        }
        TcpOption::Unknown { kind, data } => {
            o.num("kind", *kind)?;
            o.str("name", "unknown")?;
            o.text("data", &Hex(data))
        }
    }
}

fn udp_fields(
    f: &mut Members<'_>,
    u: &udp::Repr,
    sum: Checksum,
) -> io::Result<()> {
    f.num("source_port", u.src_port)?;
    f.num("destination_port", u.dst_port)?;
    f.num("length", u.length())?;
    f.num("checksum", u.checksum)?;
    f.str("checksum_status", status(sum))
}

fn dns_fields(f: &mut Members<'_>, d: &dns::Repr) -> io::Result<()> {
    f.num("id", d.id)?;
    f.str("kind", if d.response { "response" } else { "query" })?;
    f.num("opcode", u8::from(d.opcode))?;
    f.str("opcode_name", opcode_name(d.opcode))?;
    f.text("flags", &super::packet_fields::DnsFlags(d))?;
    f.num("flags_value", dns_flags_value(d))?;
    // RFC 1035 § 4.1.1 and RFC 4035 § 3.2: the header's bits one by one.
    // The three Z bits are Z, AD and CD, high to low.
    f.bool("qr", d.response)?;
    f.bool("aa", d.authoritative)?;
    f.bool("tc", d.truncated)?;
    f.bool("rd", d.recursion_desired)?;
    f.bool("ra", d.recursion_available)?;
    f.bool("z", d.z & 0b100 != 0)?;
    f.bool("ad", d.z & 0b010 != 0)?;
    f.bool("cd", d.z & 0b001 != 0)?;
    f.num("rcode", u8::from(d.rcode))?;
    f.str("rcode_name", rcode_name(d.rcode))?;
    f.num("question_count", d.questions.len())?;
    f.num("answer_count", d.answers.len())?;
    f.num("authority_count", d.authority.len())?;
    f.num("additional_count", d.additional.len())?;
    f.list("questions", &d.questions, |q, question| {
        q.text("name", &question.name)?;
        q.num("type", u16::from(question.qtype))?;
        type_name(q, question.qtype)?;
        q.num("class", u16::from(question.qclass))?;
        class_name(q, question.qclass)
    })?;
    f.list("answers", &d.answers, record)?;
    f.list("authority", &d.authority, record)?;
    f.list("additional", &d.additional, record)
}

/// The header's second 16 bits as on the wire (RFC 1035 § 4.1.1):
/// QR, opcode, AA, TC, RD, RA, Z, rcode.
fn dns_flags_value(d: &dns::Repr) -> u16 {
    (u16::from(d.response) << 15)
        | (u16::from(u8::from(d.opcode) & 0x0f) << 11)
        | (u16::from(d.authoritative) << 10)
        | (u16::from(d.truncated) << 9)
        | (u16::from(d.recursion_desired) << 8)
        | (u16::from(d.recursion_available) << 7)
        | (u16::from(d.z & 0x07) << 4)
        | u16::from(u8::from(d.rcode) & 0x0f)
}

/// `type_name`: the mnemonic (`"SRV"`), or `"TYPE65"` (RFC 3597 § 5).
fn type_name(m: &mut Members<'_>, rtype: dns::RecordType) -> io::Result<()> {
    match rtype.name() {
        Some(name) => m.str("type_name", name),
        None => m.text("type_name", &rtype),
    }
}

/// `class_name`: the mnemonic (`"IN"`), or `"CLASS3"` (RFC 3597 § 5).
fn class_name(m: &mut Members<'_>, class: dns::Class) -> io::Result<()> {
    match class.name() {
        Some(name) => m.str("class_name", name),
        None => m.text("class_name", &class),
    }
}

/// One resource record (RFC 1035 § 4.1.3): owner, type, class, TTL, and
/// its data both as zone-file text (`rdata`) and field by field.
fn record(r: &mut Members<'_>, rr: &dns::Record) -> io::Result<()> {
    r.text("name", &rr.name)?;
    r.num("type", u16::from(rr.rtype))?;
    type_name(r, rr.rtype)?;
    r.num("class", u16::from(rr.class))?;
    class_name(r, rr.class)?;
    r.num("ttl", rr.ttl)?;
    if let Some(e) = rr.edns() {
        r.num("udp_payload_size", e.udp_payload_size)?;
        r.num("extended_rcode", e.extended_rcode)?;
        r.num("edns_version", e.version)?;
        r.bool("dnssec_ok", e.dnssec_ok)?;
    }
    // The text of an address without `core::fmt` (the usual answers).
    match &rr.data {
        RecordData::A(ip) => r.ipv4("rdata", *ip)?,
        RecordData::Aaaa(ip) => r.ipv6("rdata", *ip)?,
        other => r.text("rdata", &Rdata(other))?,
    }
    match &rr.data {
        RecordData::A(ip) => r.ipv4("address", *ip),
        RecordData::Aaaa(ip) => r.ipv6("address", *ip),
        RecordData::Cname(name)
        | RecordData::Ns(name)
        | RecordData::Ptr(name) => r.text("target", name),
        RecordData::Mx {
            preference,
            exchange,
        } => {
            r.num("preference", *preference)?;
            r.text("exchange", exchange)
        }
        RecordData::Txt(strings) => r.strings(
            "strings",
            strings.iter().map(|t| String::from_utf8_lossy(t)),
        ),
        RecordData::Srv {
            priority,
            weight,
            port,
            target,
        } => {
            r.num("priority", *priority)?;
            r.num("weight", *weight)?;
            r.num("port", *port)?;
            r.text("target", target)
        }
        RecordData::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => {
            r.text("mname", mname)?;
            r.text("rname", rname)?;
            r.num("serial", *serial)?;
            r.num("refresh", *refresh)?;
            r.num("retry", *retry)?;
            r.num("expire", *expire)?;
            r.num("minimum", *minimum)
        }
        RecordData::Raw(bytes) => r.text("data", &Hex(bytes)),
    }
}

fn xmpp_fields(f: &mut Members<'_>, p: &Peek) -> io::Result<()> {
    f.escaped("element", &p.element)?;
    // The peek keeps only `to`, `from`, `type`, `id` and `version`.
    for (name, value) in &p.attributes {
        f.escaped(super::packet_fields::attribute_name(name), value)?;
    }
    f.str("recognised_by", p.because)
}

/// A checksum verdict as one word.
fn status(sum: Checksum) -> &'static str {
    match sum {
        Checksum::Good => "good",
        Checksum::Bad => "bad",
        Checksum::Offloaded => "offloaded",
        Checksum::Absent => "absent",
        // The JSON always checks (it dissects with `Checks::ALL`).
        Checksum::Unverifiable | Checksum::NotChecked => "unverified",
    }
}

/// An EtherType's name (IEEE 802.3 § 3.2.6: at most 1500 is a length).
fn ethertype_name(ethertype: EtherType) -> &'static str {
    match ethertype {
        EtherType::Ipv4 => "IPv4",
        EtherType::Arp => "ARP",
        EtherType::Ipv6 => "IPv6",
        EtherType::Vlan => "802.1Q",
        EtherType::ServiceVlan => "802.1ad",
        EtherType::OldQinQ => "Q-in-Q 0x9100",
        EtherType::Unknown(raw) if raw <= 1500 => "802.3 length",
        EtherType::Unknown(_) => "unknown",
    }
}

fn protocol_name(protocol: IpProtocol) -> &'static str {
    match protocol {
        IpProtocol::Icmp => "ICMP",
        IpProtocol::Tcp => "TCP",
        IpProtocol::Udp => "UDP",
        IpProtocol::Icmpv6 => "ICMPv6",
        IpProtocol::Unknown(_) => "unknown",
    }
}

fn next_header_name(next: NextHeader) -> &'static str {
    match next {
        NextHeader::HopByHop => "Hop-by-Hop",
        NextHeader::Routing => "Routing",
        NextHeader::Fragment => "Fragment",
        NextHeader::Esp => "ESP",
        NextHeader::Ah => "AH",
        NextHeader::NoNextHeader => "No Next Header",
        NextHeader::DestinationOptions => "Destination Options",
        NextHeader::Protocol(protocol) => protocol_name(protocol),
    }
}

fn opcode_name(opcode: Opcode) -> &'static str {
    match opcode {
        Opcode::Query => "QUERY",
        Opcode::Status => "STATUS",
        Opcode::Notify => "NOTIFY",
        Opcode::Update => "UPDATE",
        Opcode::Unknown(_) => "unknown",
    }
}

fn rcode_name(rcode: Rcode) -> &'static str {
    match rcode {
        Rcode::NoError => "NOERROR",
        Rcode::FormErr => "FORMERR",
        Rcode::ServFail => "SERVFAIL",
        Rcode::NxDomain => "NXDOMAIN",
        Rcode::NotImp => "NOTIMP",
        Rcode::Refused => "REFUSED",
        Rcode::Unknown(_) => "unknown",
    }
}

/// Bytes as lowercase hex, no separators.
struct Hex<'a>(&'a [u8]);

impl std::fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}
