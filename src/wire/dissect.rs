//! Dissection: a whole frame taken apart, layer by layer, never failing.
//!
//! Each protocol file parses one header. This file chains them the way the
//! receiving stack does: the Ethernet header's EtherType says which parser
//! gets its payload, the IPv4 header's protocol field says which one gets
//! *its* payload, and so on up to the application data:
//!
//! ```text
//! frame ─► ethernet::Repr ──EtherType 0x0800──► ipv4::Repr ──protocol 6──►
//!          tcp::Repr ──port 5222 / "<stream:stream"──► XMPP (a peek, lesson 7)
//! ```
//!
//! The result is a [`Dissection`]: the headers that parsed, each with the
//! bytes it occupies, and — if some header could not be parsed — the
//! [`Error`] that stopped the descent. Nothing here fails or panics: a
//! malformed or truncated layer is *recorded* and the bytes stay available
//! for the hex dump, so a capture with one bad packet is still read to the
//! end. Presentation (tree, hex dump, JSON, one-line summary) is in
//! `show::packet`.
//!
//! Read before: [`super::ethernet`], [`super::ipv4`], [`super::tcp`],
//! [`super::udp`]. Book: `book/src/lesson-07.md`. Run: `netlab dissect FILE`.

use std::net::IpAddr;
use std::ops::Range;

use super::checksum::{finish, pseudo_header_sum};
use super::ethernet::{self, EtherType};
use super::ipv4::{self, IpProtocol};
use super::ipv6::{self, NextHeader};
use super::partial::Partial;
use super::quoted::{Cut, Quote, TcpStart};
use super::{
    Error, Layer, arp, dns, icmpv4, icmpv6, llc, ndp, tcp, udp, xml_peek,
};

/// The DNS port (RFC 1035 § 4.2).
pub const DNS_PORT: u16 = 53;

/// How a frame begins, from the capture's link type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Link {
    /// An Ethernet II header (also Linux `lo`, with zero addresses).
    Ethernet,
    /// No link-layer header: the frame starts with an IP header.
    RawIp,
    /// A link type this dissector does not read; shown as data.
    Other(u32),
}

/// What a checksum check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checksum {
    /// The stored checksum matches the bytes.
    Good,
    /// It does not: the bytes were damaged (or crafted).
    Bad,
    /// The field holds only the pseudo-header sum: the sender left the
    /// rest to the network card ("checksum offload"), so a capture taken
    /// on the sending host, and every capture on Linux `lo`, sees this.
    Offloaded,
    /// UDP over IPv4 may send 0 for "no checksum" (RFC 768).
    Absent,
    /// The capture is cut short, so the bytes to check are missing.
    Unverifiable,
    /// Not checked: the caller did not ask ([`Checks::checksums`]).
    NotChecked,
}

/// What [`dissect_with`] checks beyond taking the headers apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checks {
    /// Whether to verify the TCP and UDP checksums. Verifying means
    /// summing every byte of the segment, the largest cost of dissecting
    /// a TCP segment with data; a one-line summary does not show the
    /// verdict (neither does `tcpdump` without `-v`), so it skips it.
    pub checksums: bool,
}

impl Checks {
    /// Everything: what the tree and the JSON show.
    pub const ALL: Checks = Checks { checksums: true };
}

/// One parsed header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Header {
    /// Ethernet II, possibly with an 802.1Q tag.
    Ethernet(ethernet::Repr),
    /// IPv4.
    Ipv4(ipv4::Repr),
    /// The IEEE 802.2 LLC header (and SNAP header) of an IEEE 802.3
    /// frame.
    Llc(llc::Repr),
    /// IPv6's fixed header.
    Ipv6(ipv6::Repr),
    /// One IPv6 extension header.
    Ipv6Ext(ipv6::ExtensionHeader),
    /// ARP, which asks which MAC address has an IPv4 address.
    Arp(arp::Repr),
    /// ICMP for IPv4, and its checksum verdict: unverifiable when the
    /// message is cut (by the snap length, or in a quote).
    Icmpv4(icmpv4::Repr, Checksum),
    /// ICMPv6, its checksum verdict, and the body of a neighbour
    /// solicitation or advertisement (target and options, [`ndp`]).
    Icmpv6(icmpv6::Repr, Checksum, Option<ndp::Neighbor>),
    /// A DNS message (over UDP or TCP port 53).
    Dns(dns::Repr),
    /// TCP, and its checksum verdict.
    Tcp(tcp::Repr, Checksum),
    /// UDP, and its checksum verdict.
    Udp(udp::Repr, Checksum),
    /// An XMPP element recognised at the start of a TCP payload.
    Xmpp(xml_peek::Peek),
    /// The first 8 bytes of a TCP header, quoted in an ICMP error that
    /// kept no more of it (RFC 792 promises only these).
    TcpStart(TcpStart),
    /// The fields that are there of a header the bytes ran out in: cut by
    /// the snapshot length or by an ICMP error's quote.
    Partial(Partial),
}

impl Header {
    /// The layer this header belongs to.
    pub fn layer(&self) -> Layer {
        match self {
            Header::Ethernet(_) => Layer::Ethernet,
            Header::Ipv4(_) => Layer::Ipv4,
            Header::Llc(_) => Layer::Llc,
            Header::Ipv6(_) => Layer::Ipv6,
            Header::Ipv6Ext(_) => Layer::Ipv6Ext,
            Header::Arp(_) => Layer::Arp,
            Header::Icmpv4(..) => Layer::Icmpv4,
            Header::Icmpv6(..) => Layer::Icmpv6,
            Header::Dns(_) => Layer::Dns,
            Header::Tcp(..) | Header::TcpStart(_) => Layer::Tcp,
            Header::Udp(..) => Layer::Udp,
            Header::Xmpp(_) => Layer::Xmpp,
            Header::Partial(p) => p.layer,
        }
    }
}

/// A header and where its bytes are in the frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The header.
    pub header: Header,
    /// The header's own bytes (not its payload).
    pub bytes: Range<usize>,
    /// Whether the header is quoted inside an ICMP error: it belongs to
    /// the packet that caused the error, not to this one.
    pub quoted: bool,
}

/// A frame taken apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dissection {
    /// The headers that parsed, outermost first.
    pub layers: Vec<Decoded>,
    /// What stopped the descent, if anything did.
    pub problem: Option<Error>,
    /// The bytes no parser claimed: application data, or everything after
    /// the problem.
    pub rest: Range<usize>,
    /// How many bytes were captured.
    pub captured: usize,
    /// How long the frame was on the wire (more than `captured` when the
    /// capture was cut short by its snaplen).
    pub original: usize,
    /// What the undissected rest is, when a header named a protocol this
    /// dissector does not read: `IP protocol unknown (47)`.
    pub undissected: Option<String>,
    /// The packet an ICMP or ICMPv6 error quotes, if the frame is one:
    /// where it is, how long it was, and where the quote cuts it.
    pub quote: Option<Quote>,
    /// What the caller asked to check.
    checks: Checks,
}

impl Dissection {
    /// The first header of `layer` that belongs to this frame, if it has
    /// one: headers quoted in an ICMP error are someone else's packet.
    pub fn find(&self, layer: Layer) -> Option<&Header> {
        self.layers
            .iter()
            .filter(|d| !d.quoted)
            .map(|d| &d.header)
            .find(|h| h.layer() == layer)
    }

    /// Whether the capture kept fewer bytes than the frame had.
    pub fn is_cut_short(&self) -> bool {
        self.captured < self.original
    }
}

/// Takes `frame` apart. `original` is the length on the wire (use
/// `frame.len()` when it is not known).
pub fn dissect(frame: &[u8], link: Link, original: usize) -> Dissection {
    dissect_with(frame, link, original, Checks::ALL)
}

/// [`dissect`], checking only what `checks` asks for.
pub fn dissect_with(
    frame: &[u8],
    link: Link,
    original: usize,
    checks: Checks,
) -> Dissection {
    let mut out = Dissection {
        layers: Vec::new(),
        problem: None,
        rest: 0..0,
        captured: 0,
        original: 0,
        undissected: None,
        quote: None,
        checks,
    };
    dissect_into(&mut out, frame, link, original, checks);
    out
}

// ANCHOR: dissect
/// [`dissect_with`] into a `Dissection` that held an earlier frame: its
/// list of layers is emptied and filled again, so a program going through
/// a capture allocates that list once rather than once per frame.
pub fn dissect_into(
    out: &mut Dissection,
    frame: &[u8],
    link: Link,
    original: usize,
    checks: Checks,
) {
    out.layers.clear();
    out.problem = None;
    out.rest = 0..frame.len();
    out.captured = frame.len();
    out.original = original.max(frame.len());
    out.undissected = None;
    out.quote = None;
    out.checks = checks;
    match link {
        Link::Ethernet => match ethernet::Repr::parse(frame) {
            Ok((eth, payload)) => {
                let next = eth.ethertype;
                out.push(Header::Ethernet(eth), 0..payload.start);
                match next {
                    EtherType::Ipv4 => out.ipv4(frame, payload),
                    EtherType::Ipv6 => out.ipv6(frame, payload),
                    EtherType::Arp => out.arp(frame, payload),
                    // IEEE 802.3 § 3.2.6: at most 1500 is the length of
                    // the data, which starts with an 802.2 LLC header.
                    EtherType::Unknown(length) if length <= 1500 => {
                        out.llc(frame, payload, length);
                    }
                    // Only past ethernet::MAX_TAGS stacked tags.
                    tag if tag.is_tag() => {
                        out.undissected = Some(format!(
                            "more than {} stacked VLAN tags",
                            ethernet::MAX_TAGS
                        ));
                    }
                    other => {
                        out.undissected = Some(format!("EtherType {other}"));
                    }
                }
            }
            Err(e) => out.problem = Some(e),
        },
        // Without a link header the IP version nibble says which IP.
        Link::RawIp => match frame.first().map(|b| b >> 4) {
            Some(4) => out.ipv4(frame, 0..frame.len()),
            Some(6) => out.ipv6(frame, 0..frame.len()),
            Some(v) => out.undissected = Some(format!("IP version {v}")),
            None => {}
        },
        Link::Other(n) => out.undissected = Some(format!("link type {n}")),
    }
}
// ANCHOR_END: dissect

impl Dissection {
    fn push(&mut self, header: Header, bytes: Range<usize>) {
        self.rest = bytes.end..self.rest.end.max(bytes.end);
        self.layers.push(Decoded {
            header,
            bytes,
            quoted: false,
        });
    }

    /// Shows what is there of the `layer` header at `base` whose bytes ran
    /// out (a [`Partial`], as Wireshark does), then hands the error back.
    fn partial(
        &mut self,
        layer: Layer,
        bytes: &[u8],
        base: usize,
        e: Error,
    ) -> Error {
        if let Some(p) = Partial::read(layer, bytes, &e) {
            let end = base + p.len;
            self.push(Header::Partial(p), base..end);
        }
        e
    }

    /// IPv4 and everything above it, starting at `at`.
    fn ipv4(&mut self, frame: &[u8], at: Range<usize>) {
        let packet = &frame[at.clone()];
        // A capture cut short by its snapshot length still has whole
        // headers: read them, and let the payload end where the bytes do.
        let parse = if self.is_cut_short() {
            ipv4::Repr::parse_captured
        } else {
            ipv4::Repr::parse
        };
        let (ip, payload) = match parse(packet) {
            Ok(parsed) => parsed,
            Err(e) => {
                let e = self.partial(Layer::Ipv4, packet, at.start, e);
                self.problem = Some(e);
                return;
            }
        };
        let base = at.start;
        let (src, dst) = (IpAddr::V4(ip.src), IpAddr::V4(ip.dst));
        let protocol = ip.protocol;
        // Only the first fragment carries the transport header.
        let first_fragment = ip.fragment_offset == 0;
        self.push(Header::Ipv4(ip), base..base + payload.start);
        // IPv4's total length, not the frame, says where the datagram ends:
        // Ethernet pads short frames to 60 bytes, and the padding is no
        // part of the datagram.
        let inner = base + payload.start..base + payload.end;
        self.rest = inner.clone();
        if first_fragment {
            self.transport(frame, inner, protocol, src, dst);
        } else {
            // Only the first fragment carries the transport header.
            self.undissected = Some("a later IPv4 fragment".into());
        }
    }

    /// IPv6, its extension headers, and everything above them.
    fn ipv6(&mut self, frame: &[u8], at: Range<usize>) {
        let packet = &frame[at.clone()];
        let (ip, payload) = match ipv6::Repr::parse(packet) {
            Ok(parsed) => parsed,
            Err(e) => {
                let e = self.partial(Layer::Ipv6, packet, at.start, e);
                self.problem = Some(e);
                return;
            }
        };
        let base = at.start;
        let (src, dst) = (IpAddr::V6(ip.src), IpAddr::V6(ip.dst));
        let first = ip.next_header;
        self.push(Header::Ipv6(ip), base..base + payload.start);
        self.rest = base + payload.start..base + payload.end;
        let chain = match ipv6::Chain::parse(packet, first, payload) {
            Ok(chain) => chain,
            Err(e) => {
                self.problem = Some(e);
                return;
            }
        };
        for ext in &chain.headers {
            let bytes = base + ext.range.start..base + ext.range.end;
            self.push(Header::Ipv6Ext(ext.clone()), bytes);
        }
        let inner = base + chain.payload.start..base + chain.payload.end;
        self.rest = inner.clone();
        let unfragmented =
            chain.fragment().is_none_or(|(offset, _)| offset == 0);
        match (chain.upper, unfragmented) {
            (NextHeader::Protocol(protocol), true) => {
                self.transport(frame, inner, protocol, src, dst);
            }
            (_, false) => {
                self.undissected = Some("a later IPv6 fragment".into());
            }
            (other, true) => self.undissected = Some(format!("{other}")),
        }
    }

    /// The LLC header of an IEEE 802.3 frame whose data is `length`
    /// bytes, and the EtherType a SNAP header with OUI 00-00-00 names
    /// (RFC 1042).
    fn llc(&mut self, frame: &[u8], at: Range<usize>, length: u16) {
        // The length, not the frame, says where the data ends: what
        // follows is padding to the 64-byte minimum (IEEE 802.3 § 3.2.7).
        let end = at.end.min(at.start + usize::from(length));
        let data = at.start..end;
        let (repr, len) = match llc::Repr::parse(&frame[data.clone()]) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.problem = Some(e);
                return;
            }
        };
        self.push(Header::Llc(repr), at.start..at.start + len);
        let inner = at.start + len..end;
        self.rest = inner.clone();
        match repr.snap {
            Some(llc::Snap {
                oui: [0, 0, 0],
                pid,
            }) => match EtherType::from(pid) {
                EtherType::Ipv4 => self.ipv4(frame, inner),
                EtherType::Ipv6 => self.ipv6(frame, inner),
                EtherType::Arp => self.arp(frame, inner),
                other => {
                    self.undissected = Some(format!("SNAP {other}"));
                }
            },
            Some(snap) => {
                self.undissected = Some(format!(
                    "SNAP OUI {:02x}-{:02x}-{:02x}, protocol id {:#06x}",
                    snap.oui[0], snap.oui[1], snap.oui[2], snap.pid
                ));
            }
            None => {
                self.undissected = Some(format!(
                    "LLC SAP {:#04x} ({})",
                    repr.dsap,
                    llc::Repr::sap_name(repr.dsap)
                ));
            }
        }
    }

    /// ARP: the last layer of its frame.
    fn arp(&mut self, frame: &[u8], at: Range<usize>) {
        match arp::Repr::parse(&frame[at.clone()]) {
            Ok((repr, end)) => {
                let len = repr.packet_len();
                self.push(Header::Arp(repr), at.start..at.start + len);
                // Whatever follows is Ethernet padding.
                self.rest = at.start + end.end..at.end;
            }
            Err(e) => self.problem = Some(e),
        }
    }

    /// The layer above IP, chosen by IP's protocol number.
    fn transport(
        &mut self,
        frame: &[u8],
        at: Range<usize>,
        protocol: IpProtocol,
        src: IpAddr,
        dst: IpAddr,
    ) {
        let whole = self.captured >= self.original;
        match protocol {
            IpProtocol::Tcp => self.tcp(frame, at, src, dst, whole),
            IpProtocol::Udp => self.udp(frame, at, src, dst, whole),
            IpProtocol::Icmp => match icmpv4::Repr::parse(&frame[at.clone()]) {
                Ok((repr, data)) => {
                    let error = repr.message.is_error();
                    let sum = match (whole, repr.checksum_ok) {
                        (false, _) => Checksum::Unverifiable,
                        (true, true) => Checksum::Good,
                        (true, false) => Checksum::Bad,
                    };
                    self.push(
                        Header::Icmpv4(repr, sum),
                        at.start..at.start + data.start,
                    );
                    let data = at.start + data.start..at.start + data.end;
                    self.rest = data.clone();
                    if error {
                        self.quoted(frame, data);
                    }
                }
                Err(e) => self.problem = Some(e),
            },
            IpProtocol::Icmpv6 => {
                let message = &frame[at.clone()];
                match icmpv6::Repr::parse(message) {
                    Ok((repr, data)) => {
                        let sum = match (src, dst, whole) {
                            (_, _, false) => Checksum::Unverifiable,
                            (IpAddr::V6(s), IpAddr::V6(d), true) => {
                                if icmpv6::checksum_ok(message, s, d) {
                                    Checksum::Good
                                } else {
                                    Checksum::Bad
                                }
                            }
                            _ => Checksum::Bad,
                        };
                        let error = repr.message.is_error();
                        // A neighbour solicitation or advertisement has a
                        // body this dissector reads: it is part of the
                        // header, and what is wrong in it a problem.
                        let body = match repr.message {
                            icmpv6::Message::Ndp { kind, .. } => {
                                ndp::Neighbor::parse(kind, message)
                            }
                            _ => None,
                        };
                        let (body, data) = match body {
                            // A broken option is a problem, but the target
                            // and the options before it are still shown.
                            Some(Ok(mut body)) => {
                                if let Err(e) = body.read_options(message) {
                                    self.problem = Some(e);
                                }
                                (Some(body), data.end..data.end)
                            }
                            Some(Err(e)) => {
                                self.problem = Some(e);
                                (None, data)
                            }
                            None => (None, data),
                        };
                        let header = at.start..at.start + data.start;
                        self.push(Header::Icmpv6(repr, sum, body), header);
                        let data = at.start + data.start..at.start + data.end;
                        self.rest = data.clone();
                        if error {
                            self.quoted(frame, data);
                        }
                    }
                    Err(e) => self.problem = Some(e),
                }
            }
            other => self.undissected = Some(format!("IP protocol {other}")),
        }
    }

    /// The packet an ICMP or ICMPv6 error quotes, in `at`: its IP header
    /// and as much of its transport header as the quote holds
    /// ([`super::quoted`]). Every header found here is marked quoted.
    ///
    /// A quote ending inside a header is a [`Cut`], recorded in
    /// [`Dissection::quote`], not a problem: quoting a few bytes is what
    /// the RFCs ask of the sender. A header that breaks a rule is still a
    /// problem.
    fn quoted(&mut self, frame: &[u8], at: Range<usize>) {
        let first = self.layers.len();
        let mut quote = Quote {
            bytes: at.clone(),
            original: None,
            cut: None,
        };
        let outcome = self.quoted_layers(frame, at, &mut quote);
        for layer in &mut self.layers[first..] {
            layer.quoted = true;
        }
        if let Err(e) = outcome {
            match Cut::from_error(&e) {
                Some(cut) => quote.cut = Some(cut),
                None => self.problem = Some(e),
            }
        }
        self.quote = Some(quote);
    }

    fn quoted_layers(
        &mut self,
        frame: &[u8],
        at: Range<usize>,
        quote: &mut Quote,
    ) -> Result<(), Error> {
        let bytes = &frame[at.clone()];
        let base = at.start;
        // The quote's own IP version nibble says which IP it is: an ICMP
        // error about an IPv6 packet travels in IPv6, but nothing here
        // depends on that.
        // The quoted packet's addresses, for the checksum of a quoted
        // ICMPv6 message.
        let mut addresses = None;
        let (inner, protocol) = match bytes.first().map(|b| b >> 4) {
            Some(4) => {
                let (ip, payload) = ipv4::Repr::parse_captured(bytes)
                    .map_err(|e| self.partial(Layer::Ipv4, bytes, base, e))?;
                quote.original = Some(ip.total_len());
                let (protocol, first_fragment) =
                    (ip.protocol, ip.fragment_offset == 0);
                self.push(Header::Ipv4(ip), base..base + payload.start);
                self.rest = base + payload.start..base + payload.end;
                if !first_fragment {
                    return Ok(());
                }
                (base + payload.start..base + payload.end, protocol)
            }
            Some(6) => {
                let (ip, payload) = ipv6::Repr::parse_captured(bytes)
                    .map_err(|e| self.partial(Layer::Ipv6, bytes, base, e))?;
                quote.original = Some(ip.total_len());
                addresses = Some((ip.src, ip.dst));
                let next = ip.next_header;
                self.push(Header::Ipv6(ip), base..base + payload.start);
                self.rest = base + payload.start..base + payload.end;
                let chain = ipv6::Chain::parse(bytes, next, payload)?;
                for ext in &chain.headers {
                    let range = base + ext.range.start..base + ext.range.end;
                    self.push(Header::Ipv6Ext(ext.clone()), range);
                }
                let inner =
                    base + chain.payload.start..base + chain.payload.end;
                self.rest = inner.clone();
                let first_fragment =
                    chain.fragment().is_none_or(|(offset, _)| offset == 0);
                match chain.protocol() {
                    Some(protocol) if first_fragment => (inner, protocol),
                    _ => return Ok(()),
                }
            }
            // Not an IP packet this dissector reads: left as data.
            _ => return Ok(()),
        };
        let segment = &frame[inner.clone()];
        // Whether the quote holds the whole quoted packet.
        let whole = quote.original.is_some_and(|n| n <= bytes.len());
        match protocol {
            IpProtocol::Udp => {
                // The 8 bytes are the whole UDP header; its length field
                // counts the datagram the quote cut.
                let (repr, payload) = udp::Repr::parse_captured(segment)
                    .map_err(|e| {
                        self.partial(Layer::Udp, segment, inner.start, e)
                    })?;
                let header = inner.start..inner.start + payload.start;
                self.push(Header::Udp(repr, Checksum::Unverifiable), header);
                self.rest =
                    inner.start + payload.start..inner.start + payload.end;
            }
            IpProtocol::Tcp => match tcp::Repr::parse(segment) {
                // Routers that quote more than 8 bytes (RFC 1812 § 4.3.2.3)
                // may keep the whole TCP header.
                Ok((repr, payload)) => {
                    let header = inner.start..inner.start + payload.start;
                    self.push(
                        Header::Tcp(repr, Checksum::Unverifiable),
                        header,
                    );
                    self.rest =
                        inner.start + payload.start..inner.start + payload.end;
                }
                // Usually it keeps the 8 bytes RFC 792 asks for: ports and
                // sequence number, and the TCP header is cut after them.
                Err(cut @ Error::Truncated { .. }) => {
                    let (start, used) =
                        TcpStart::parse(segment).map_err(|e| {
                            self.partial(Layer::Tcp, segment, inner.start, e)
                        })?;
                    let header = inner.start..inner.start + used.end;
                    self.push(Header::TcpStart(start), header);
                    self.rest = inner.start + used.end..inner.end;
                    return Err(cut);
                }
                Err(e) => return Err(e),
            },
            // An error about a ping (traceroute -I, say) quotes the echo.
            // Its checksum covers the whole message, which only a quote
            // that holds all of it can check. An error quoted in an error
            // is not followed further (RFC 792 forbids sending one).
            IpProtocol::Icmp => {
                let (repr, _) = icmpv4::Repr::parse(segment)?;
                let sum = match (whole, repr.checksum_ok) {
                    (false, _) => Checksum::Unverifiable,
                    (true, true) => Checksum::Good,
                    (true, false) => Checksum::Bad,
                };
                let header = inner.start..inner.start + icmpv4::HEADER_LEN;
                self.push(Header::Icmpv4(repr, sum), header);
            }
            IpProtocol::Icmpv6 => {
                let (repr, _) = icmpv6::Repr::parse(segment)?;
                let sum = match addresses {
                    Some((s, d)) if whole => {
                        if icmpv6::checksum_ok(segment, s, d) {
                            Checksum::Good
                        } else {
                            Checksum::Bad
                        }
                    }
                    _ => Checksum::Unverifiable,
                };
                let header = inner.start..inner.start + icmpv6::HEADER_LEN;
                self.push(Header::Icmpv6(repr, sum, None), header);
            }
            other => {
                self.undissected = Some(format!("quoted IP protocol {other}"));
            }
        }
        Ok(())
    }

    /// A DNS message in `at`: the whole UDP payload, or a TCP payload
    /// with its 2-byte length prefix (RFC 1035 § 4.2.2).
    fn dns(&mut self, frame: &[u8], at: Range<usize>, over_tcp: bool) {
        let bytes = &frame[at.clone()];
        let parsed = if over_tcp {
            dns::Repr::parse_tcp(bytes)
        } else {
            dns::Repr::parse(bytes)
        };
        match parsed {
            Ok((repr, after)) => {
                let end = at.start + after.start;
                self.push(Header::Dns(repr), at.start..end);
                self.rest = end..at.end;
            }
            Err(e) => self.problem = Some(e),
        }
    }

    fn tcp(
        &mut self,
        frame: &[u8],
        at: Range<usize>,
        src: IpAddr,
        dst: IpAddr,
        whole: bool,
    ) {
        let segment = &frame[at.clone()];
        match tcp::Repr::parse(segment) {
            Ok((repr, payload)) => {
                let sum = if self.checks.checksums {
                    verdict(segment, src, dst, IpProtocol::Tcp, whole)
                } else {
                    Checksum::NotChecked
                };
                let ports = (repr.src_port, repr.dst_port);
                let data = at.start + payload.start..at.start + payload.end;
                self.push(Header::Tcp(repr, sum), at.start..data.start);
                self.rest = data.clone();
                if (ports.0 == DNS_PORT || ports.1 == DNS_PORT)
                    && !data.is_empty()
                {
                    self.dns(frame, data, true);
                } else if let Some(peek) =
                    xml_peek::peek(&frame[data.clone()], ports)
                {
                    let end = data.start + peek.length;
                    self.push(Header::Xmpp(peek), data.start..end);
                    self.rest = end..data.end;
                }
            }
            Err(e) => {
                let e = self.partial(Layer::Tcp, segment, at.start, e);
                self.problem = Some(e);
            }
        }
    }

    fn udp(
        &mut self,
        frame: &[u8],
        at: Range<usize>,
        src: IpAddr,
        dst: IpAddr,
        whole: bool,
    ) {
        let datagram = &frame[at.clone()];
        let parse = if whole {
            udp::Repr::parse
        } else {
            udp::Repr::parse_captured
        };
        match parse(datagram) {
            Ok((repr, payload)) => {
                let sum = if repr.checksum == 0 && src.is_ipv4() {
                    Checksum::Absent
                } else if !self.checks.checksums {
                    Checksum::NotChecked
                } else {
                    verdict(datagram, src, dst, IpProtocol::Udp, whole)
                };
                let ports = (repr.src_port, repr.dst_port);
                self.push(Header::Udp(repr, sum), at.start..at.start + 8);
                let data = at.start + payload.start..at.start + payload.end;
                self.rest = data.clone();
                if ports.0 == DNS_PORT || ports.1 == DNS_PORT {
                    self.dns(frame, data, false);
                }
            }
            Err(e) => {
                let e = self.partial(Layer::Udp, datagram, at.start, e);
                self.problem = Some(e);
            }
        }
    }
}

/// Checks a TCP or UDP checksum, telling an offloaded one from a bad one.
fn verdict(
    segment: &[u8],
    src: IpAddr,
    dst: IpAddr,
    protocol: IpProtocol,
    whole: bool,
) -> Checksum {
    if !whole {
        return Checksum::Unverifiable;
    }
    let ok = match protocol {
        IpProtocol::Udp => udp::checksum_ok(segment, src, dst),
        _ => tcp::checksum_ok(segment, src, dst),
    };
    if ok {
        return Checksum::Good;
    }
    // With offload the kernel stores the folded pseudo-header sum, *not*
    // complemented, and leaves the card to add the data (Linux
    // CHECKSUM_PARTIAL). The checksum field is at byte 16 (TCP) or 6 (UDP).
    let at = if protocol == IpProtocol::Tcp { 16 } else { 6 };
    let stored = segment
        .get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]));
    let partial = u32::try_from(segment.len())
        .ok()
        .and_then(|len| pseudo_header_sum(src, dst, protocol, len))
        .map(|sum| !finish(sum));
    if stored.is_some() && stored == partial {
        Checksum::Offloaded
    } else {
        Checksum::Bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::SYN_FRAME;
    use crate::wire::partial::Value;
    use crate::wire::quoted::Cut;

    #[test]
    fn dissects_the_loopback_syn_to_tcp() {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        let layers: Vec<Layer> =
            d.layers.iter().map(|l| l.header.layer()).collect();
        assert_eq!(layers, [Layer::Ethernet, Layer::Ipv4, Layer::Tcp]);
        assert_eq!(d.problem, None);
        assert!(d.rest.is_empty(), "a SYN carries no data: {:?}", d.rest);
        assert_eq!(d.layers[0].bytes, 0..14);
        assert_eq!(d.layers[1].bytes, 14..34);
        match &d.layers[2].header {
            Header::Tcp(tcp, sum) => {
                assert_eq!(tcp.dst_port, 5222);
                assert_eq!(*sum, Checksum::Good);
            }
            other => panic!("expected TCP, got {other:?}"),
        }
    }

    #[test]
    fn every_truncation_is_recorded_never_panics() {
        for len in 0..SYN_FRAME.len() {
            let d = dissect(&SYN_FRAME[..len], Link::Ethernet, len);
            assert!(d.problem.is_some(), "cut at {len} must be noticed");
            assert!(d.rest.end <= len);
        }
    }

    #[test]
    fn a_malformed_ip_header_stops_the_descent_but_keeps_ethernet() {
        let mut frame = SYN_FRAME.to_vec();
        frame[14] = 0x44; // version 4, IHL 4 words = 16 bytes
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.layers.len(), 1);
        let problem = d.problem.expect("malformed").to_string();
        assert_eq!(
            problem,
            "IPv4 header length 16 is below the minimum of 20 (RFC 791 § 3.1)"
        );
    }

    #[test]
    fn a_damaged_tcp_checksum_is_bad_an_offloaded_one_is_named() {
        let mut frame = SYN_FRAME.to_vec();
        frame[14 + 20 + 16] ^= 0xff;
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert!(matches!(
            d.find(Layer::Tcp),
            Some(Header::Tcp(_, Checksum::Bad))
        ));

        // What Linux stores before offload: the folded pseudo-header sum.
        let segment_len = (frame.len() - 34) as u32;
        let lo = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
        let partial = !finish(
            pseudo_header_sum(lo, lo, IpProtocol::Tcp, segment_len)
                .expect("IPv4"),
        );
        frame[50..52].copy_from_slice(&partial.to_be_bytes());
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert!(matches!(
            d.find(Layer::Tcp),
            Some(Header::Tcp(_, Checksum::Offloaded))
        ));
    }

    fn layers(frame: &[u8]) -> Vec<Layer> {
        dissect(frame, Link::Ethernet, frame.len())
            .layers
            .iter()
            .map(|l| l.header.layer())
            .collect()
    }

    #[test]
    fn every_protocol_fixture_dissects_without_problems() {
        use crate::wire::fixtures::*;
        let cases: [(&[u8], &[Layer]); 7] = [
            (
                &IPV6_SYN_FRAME,
                &[Layer::Ethernet, Layer::Ipv6, Layer::Ipv6Ext, Layer::Tcp],
            ),
            (&ARP_REQUEST_FRAME, &[Layer::Ethernet, Layer::Arp]),
            (
                &ICMP_ECHO_FRAME,
                &[Layer::Ethernet, Layer::Ipv4, Layer::Icmpv4],
            ),
            (
                &ICMP_PORT_UNREACHABLE_FRAME,
                &[
                    Layer::Ethernet,
                    Layer::Ipv4,
                    Layer::Icmpv4,
                    Layer::Ipv4,
                    Layer::Udp,
                ],
            ),
            (
                &ICMPV6_ECHO_FRAME,
                &[Layer::Ethernet, Layer::Ipv6, Layer::Icmpv6],
            ),
            (
                &DNS_SRV_QUERY_FRAME,
                &[Layer::Ethernet, Layer::Ipv4, Layer::Udp, Layer::Dns],
            ),
            (
                &DNS_SRV_RESPONSE_FRAME,
                &[Layer::Ethernet, Layer::Ipv4, Layer::Udp, Layer::Dns],
            ),
        ];
        for (frame, expected) in cases {
            let d = dissect(frame, Link::Ethernet, frame.len());
            assert_eq!(d.problem, None, "{expected:?}");
            assert_eq!(layers(frame), expected);
            for cut in 0..frame.len() {
                let _ = dissect(&frame[..cut], Link::Ethernet, frame.len());
            }
        }
    }

    #[test]
    fn raw_ip_starts_at_the_version_nibble() {
        let v4 = &SYN_FRAME[14..];
        let d = dissect(v4, Link::RawIp, v4.len());
        assert_eq!(d.layers[0].header.layer(), Layer::Ipv4);
        assert_eq!(d.layers[1].header.layer(), Layer::Tcp);
    }

    #[test]
    fn a_snapshot_cut_keeps_the_headers_it_has() {
        // The capture kept 60 of the frame's 74 bytes: TCP's options are
        // cut, so TCP is truncated, but Ethernet and IPv4 are whole, and
        // TCP's fixed 20 bytes are shown as a partial header.
        let d = dissect(&SYN_FRAME[..60], Link::Ethernet, SYN_FRAME.len());
        assert!(d.is_cut_short());
        assert_eq!(d.layers.len(), 3);
        match &d.layers[2].header {
            Header::Partial(p) => {
                assert_eq!(
                    (p.layer, p.needed, p.available),
                    (Layer::Tcp, 40, 26)
                );
                assert_eq!(p.fields[1], ("destination_port", Value::Num(5222)));
            }
            other => panic!("expected a partial TCP header, got {other:?}"),
        }
        assert_eq!(d.layers[2].bytes, 34..54);
        assert!(matches!(d.problem, Some(Error::Truncated { .. })));
        // Cut before IPv4's destination: what comes before it is shown.
        let d = dissect(&SYN_FRAME[..30], Link::Ethernet, SYN_FRAME.len());
        match &d.layers[1].header {
            Header::Partial(p) => {
                assert_eq!(p.layer, Layer::Ipv4);
                assert_eq!(p.fields.last().map(|f| f.0), Some("source"));
            }
            other => panic!("expected a partial IPv4 header, got {other:?}"),
        }
        // Cut after the TCP header of a frame with data: all three parse.
        let mut long = SYN_FRAME.to_vec();
        long.extend_from_slice(&[0u8; 100]);
        let ip_len = (long.len() - 14) as u16;
        long[16..18].copy_from_slice(&ip_len.to_be_bytes());
        let d = dissect(&long[..SYN_FRAME.len()], Link::Ethernet, long.len());
        assert_eq!(d.layers.len(), 3, "{:?}", d.problem);
        assert_eq!(d.problem, None);
    }

    /// The port-unreachable fixture with its quote cut to `len` bytes,
    /// the outer IPv4 total length made to match.
    fn quote_cut_to(len: usize) -> Vec<u8> {
        use crate::wire::fixtures::ICMP_PORT_UNREACHABLE_FRAME;
        let mut frame = ICMP_PORT_UNREACHABLE_FRAME[..42 + len].to_vec();
        let total = u16::try_from(frame.len() - 14).expect("short frame");
        frame[16..18].copy_from_slice(&total.to_be_bytes());
        frame
    }

    #[test]
    fn an_icmp_error_quotes_the_packet_that_caused_it() {
        use crate::wire::fixtures::ICMP_PORT_UNREACHABLE_FRAME;
        let frame = &ICMP_PORT_UNREACHABLE_FRAME;
        let d = dissect(frame, Link::Ethernet, frame.len());
        assert_eq!(d.problem, None);
        let quoted: Vec<bool> = d.layers.iter().map(|l| l.quoted).collect();
        assert_eq!(quoted, [false, false, false, true, true]);
        assert_eq!(d.layers[3].bytes, 42..62);
        assert!(matches!(
            d.layers[4].header,
            Header::Udp(ref u, Checksum::Unverifiable) if u.dst_port == 9999
        ));
        assert_eq!(
            d.quote,
            Some(Quote {
                bytes: 42..75,
                original: Some(33),
                cut: None
            })
        );
        // The quoted UDP header is the probe's, not this frame's.
        assert_eq!(d.find(Layer::Udp), None);
        assert!(
            matches!(d.find(Layer::Ipv4), Some(Header::Ipv4(ip)) if ip.ttl == 64)
        );
        assert_eq!(d.rest, 70..75, "the quoted payload, \"hello\"");
    }

    #[test]
    fn a_quote_cut_anywhere_is_a_cut_never_a_problem() {
        for len in 0..=33 {
            let frame = quote_cut_to(len);
            let d = dissect(&frame, Link::Ethernet, frame.len());
            assert_eq!(d.problem, None, "quote of {len} bytes");
            let quote = d.quote.expect("an error quotes");
            assert_eq!(quote.bytes.len(), len);
            let cut = match len {
                0 | 28.. => None,
                1..20 => Some(Cut {
                    layer: Layer::Ipv4,
                    needed: 20,
                    available: len,
                }),
                _ => Some(Cut {
                    layer: Layer::Udp,
                    needed: 8,
                    available: len - 20,
                }),
            };
            assert_eq!(quote.cut, cut, "quote of {len} bytes");
            assert_eq!(quote.original.is_some(), len >= 20);
        }
    }

    #[test]
    fn a_quoted_tcp_header_shows_its_first_8_bytes() {
        // Time exceeded, quoting the loopback SYN's IPv4 header and the
        // first 8 bytes of its TCP header, as RFC 792 asks.
        let mut frame = quote_cut_to(0);
        frame[34] = 11;
        frame[35] = 0;
        frame.extend_from_slice(&SYN_FRAME[14..42]);
        let total = u16::try_from(frame.len() - 14).expect("short frame");
        frame[16..18].copy_from_slice(&total.to_be_bytes());
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.problem, None);
        assert_eq!(
            d.layers[4].header,
            Header::TcpStart(TcpStart {
                src_port: 54321,
                dst_port: 5222,
                seq: 0x5a1b_2c3d,
            })
        );
        assert_eq!(d.find(Layer::Tcp), None);
        let quote = d.quote.expect("quoted");
        assert_eq!(quote.original, Some(60));
        assert_eq!(
            quote.cut,
            Some(Cut {
                layer: Layer::Tcp,
                needed: 20,
                available: 8
            })
        );
    }

    #[test]
    fn an_icmpv6_error_quotes_ipv6_and_its_extension_headers() {
        use crate::wire::fixtures::{ICMPV6_ECHO_FRAME, IPV6_SYN_FRAME};
        // Packet too big (MTU 1280), quoting the IPv6 SYN cut after the
        // Hop-by-Hop header and 8 bytes of TCP.
        let mut frame = ICMPV6_ECHO_FRAME[..54].to_vec();
        frame.extend_from_slice(&[2, 0, 0, 0, 0, 0, 5, 0]);
        frame.extend_from_slice(&IPV6_SYN_FRAME[14..70]);
        let len = u16::try_from(frame.len() - 54).expect("short frame");
        frame[18..20].copy_from_slice(&len.to_be_bytes());
        let d = dissect(&frame, Link::Ethernet, frame.len());
        let layers: Vec<(Layer, bool)> = d
            .layers
            .iter()
            .map(|l| (l.header.layer(), l.quoted))
            .collect();
        assert_eq!(
            layers,
            [
                (Layer::Ethernet, false),
                (Layer::Ipv6, false),
                (Layer::Icmpv6, false),
                (Layer::Ipv6, true),
                (Layer::Ipv6Ext, true),
                (Layer::Tcp, true),
            ]
        );
        assert_eq!(d.problem, None);
        let quote = d.quote.expect("quoted");
        assert_eq!(quote.original, Some(68));
        assert_eq!(quote.cut.map(|c| c.layer), Some(Layer::Tcp));
        for cut in 0..frame.len() {
            let d = dissect(&frame[..cut], Link::Ethernet, frame.len());
            assert!(d.rest.end <= cut);
        }
    }

    #[test]
    fn a_neighbor_solicitation_shows_its_target_and_options() {
        use crate::wire::fixtures::ICMPV6_ECHO_FRAME;
        // The loopback ping's Ethernet and IPv6 headers, carrying a
        // solicitation for ::1 with a source link-layer address option.
        let mut frame = ICMPV6_ECHO_FRAME[..54].to_vec();
        frame.extend_from_slice(&[135, 0, 0, 0, 0, 0, 0, 0]);
        frame.extend_from_slice(&std::net::Ipv6Addr::LOCALHOST.octets());
        frame.extend_from_slice(&[1, 1, 2, 0, 0x5e, 0x10, 0, 2]);
        let len = u16::try_from(frame.len() - 54).expect("short frame");
        frame[18..20].copy_from_slice(&len.to_be_bytes());
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.problem, None);
        match &d.layers[2] {
            Decoded {
                header: Header::Icmpv6(_, _, Some(body)),
                bytes,
                ..
            } => {
                assert_eq!(body.target, std::net::Ipv6Addr::LOCALHOST);
                assert_eq!(body.options.len(), 1);
                assert_eq!(*bytes, 54..frame.len());
            }
            other => panic!("expected a solicitation: {other:?}"),
        }
        assert!(d.rest.is_empty());
        for cut in 0..frame.len() {
            let d = dissect(&frame[..cut], Link::Ethernet, frame.len());
            assert!(d.rest.end <= cut);
        }
        // An option of length zero is a problem; the target is kept.
        frame[54 + 25] = 0; // the option's length
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert!(matches!(d.problem, Some(Error::Malformed { .. })));
        assert!(matches!(
            d.layers[2].header,
            Header::Icmpv6(_, _, Some(ref body)) if body.options.is_empty()
        ));
    }

    #[test]
    fn a_quoted_ping_is_read_its_checksum_checked_only_when_whole() {
        use crate::wire::fixtures::ICMP_ECHO_FRAME;
        // Time exceeded, quoting the loopback ping: whole, then cut to
        // the 8 bytes RFC 792 promises (what `traceroute -I` gets back).
        let echo_packet = &ICMP_ECHO_FRAME[14..];
        for (kept, sum) in [
            (echo_packet.len(), Checksum::Good),
            (28, Checksum::Unverifiable),
        ] {
            let mut frame = quote_cut_to(0);
            frame[34] = 11;
            frame[35] = 0;
            frame.extend_from_slice(&echo_packet[..kept]);
            let total = u16::try_from(frame.len() - 14).expect("short");
            frame[16..18].copy_from_slice(&total.to_be_bytes());
            let d = dissect(&frame, Link::Ethernet, frame.len());
            assert_eq!(d.problem, None);
            match &d.layers[4] {
                Decoded {
                    header: Header::Icmpv4(repr, found),
                    quoted: true,
                    bytes,
                } => {
                    assert!(matches!(
                        repr.message,
                        icmpv4::Message::EchoRequest { .. }
                    ));
                    assert_eq!(*found, sum, "quote of {kept} bytes");
                    assert_eq!(*bytes, 62..70);
                }
                other => panic!("expected a quoted ICMP header: {other:?}"),
            }
        }
    }

    #[test]
    fn a_cut_icmp_message_has_an_unverifiable_checksum() {
        use crate::wire::fixtures::ICMP_ECHO_FRAME;
        let cut = ICMP_ECHO_FRAME.len() - 2;
        let d = dissect(
            &ICMP_ECHO_FRAME[..cut],
            Link::Ethernet,
            ICMP_ECHO_FRAME.len(),
        );
        assert!(matches!(
            d.find(Layer::Icmpv4),
            Some(Header::Icmpv4(_, Checksum::Unverifiable))
        ));
    }

    #[test]
    fn a_malformed_quote_is_still_a_problem() {
        let mut frame = quote_cut_to(33);
        frame[42] = 0x44; // the quoted header's IHL: 16 bytes
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert!(matches!(d.problem, Some(Error::Malformed { .. })));
        assert_eq!(d.quote.map(|q| q.cut), Some(None));
    }

    #[test]
    fn q_in_q_reaches_ip_and_too_deep_a_stack_is_named() {
        // S-TAG 200 over C-TAG 100 in front of the loopback SYN's IPv4.
        let mut frame = SYN_FRAME[..12].to_vec();
        frame.extend_from_slice(&[0x88, 0xa8, 0x00, 0xc8, 0x81, 0x00]);
        frame.extend_from_slice(&[0x00, 0x64]);
        frame.extend_from_slice(&SYN_FRAME[12..]);
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.problem, None);
        assert_eq!(layers(&frame), [Layer::Ethernet, Layer::Ipv4, Layer::Tcp]);
        assert_eq!(d.layers[0].bytes, 0..22);

        let mut deep = SYN_FRAME[..12].to_vec();
        for _ in 0..=ethernet::MAX_TAGS {
            deep.extend_from_slice(&[0x81, 0x00, 0x00, 0x01]);
        }
        deep.extend_from_slice(&SYN_FRAME[12..]);
        let d = dissect(&deep, Link::Ethernet, deep.len());
        assert_eq!(d.problem, None);
        assert_eq!(
            d.undissected.as_deref(),
            Some("more than 8 stacked VLAN tags")
        );
    }

    #[test]
    fn an_802_3_length_means_an_llc_header() {
        // The loopback SYN's addresses, a length of 38 and a spanning
        // tree BPDU's LLC header, padded to 60 bytes.
        let mut stp = SYN_FRAME[..12].to_vec();
        stp.extend_from_slice(&[0, 38, 0x42, 0x42, 0x03]);
        stp.resize(60, 0);
        let d = dissect(&stp, Link::Ethernet, stp.len());
        assert_eq!(d.problem, None);
        assert_eq!(layers(&stp), [Layer::Ethernet, Layer::Llc]);
        assert_eq!(d.rest, 17..52, "the BPDU, not the padding");
        assert_eq!(
            d.undissected.as_deref(),
            Some("LLC SAP 0x42 (spanning tree)")
        );
        // IPv4 over SNAP (RFC 1042): the SYN's IPv4 and TCP.
        let mut snap = SYN_FRAME[..12].to_vec();
        let length = u16::try_from(8 + SYN_FRAME.len() - 14).expect("short");
        snap.extend_from_slice(&length.to_be_bytes());
        snap.extend_from_slice(&[0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
        snap.extend_from_slice(&SYN_FRAME[14..]);
        let d = dissect(&snap, Link::Ethernet, snap.len());
        assert_eq!(d.problem, None);
        assert_eq!(
            layers(&snap),
            [Layer::Ethernet, Layer::Llc, Layer::Ipv4, Layer::Tcp]
        );
        for frame in [&stp, &snap] {
            for cut in 0..frame.len() {
                let d = dissect(&frame[..cut], Link::Ethernet, frame.len());
                assert!(d.rest.end <= cut);
            }
        }
    }

    #[test]
    fn unknown_links_are_left_as_data() {
        let d = dissect(&[1, 2, 3], Link::Other(147), 3);
        assert!(d.layers.is_empty());
        assert_eq!(d.rest, 0..3);
        assert_eq!(d.problem, None);
        assert_eq!(d.undissected.as_deref(), Some("link type 147"));
    }

    #[test]
    fn an_unknown_ip_protocol_is_named() {
        let mut frame = SYN_FRAME.to_vec();
        frame[23] = 47; // GRE
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.layers.len(), 2);
        assert_eq!(d.undissected.as_deref(), Some("IP protocol unknown (47)"));
        assert_eq!(d.rest, 34..frame.len());
    }
}
