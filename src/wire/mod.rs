//! Packets as bytes: one protocol header per file, checked by us, read and
//! written through pnet where pnet has a view.
//!
//! A captured frame is a set of envelopes, one inside the other. Each layer
//! reads its own header, checks it against the bytes it was given, and hands
//! the rest (its *payload*) to the layer above:
//!
//! ```text
//!  ┌──────────────────────────────────────────────────────────────────┐
//!  │ Ethernet II  dst · src · [802.1Q tags] · EtherType  OSI layer 2  │
//!  │ ┌──────────────────────────────────────────────────────────────┐ │
//!  │ │ IPv4  version · IHL · total length · … · protocol · src · dst│ │
//!  │ │ ┌──────────────────────────────────────────────────────────┐ │ │
//!  │ │ │ TCP  ports · seq · ack · flags · window · options        │ │ │
//!  │ │ │   or UDP  ports · length · checksum          OSI layer 4 │ │ │
//!  │ │ │ ┌──────────────────────────────────────────────────────┐ │ │ │
//!  │ │ │ │ payload: XMPP, DNS, …                 OSI layers 5-7 │ │ │ │
//!  │ │ │ └──────────────────────────────────────────────────────┘ │ │ │
//!  │ │ └──────────────────────────────────────────────────────────┘ │ │
//!  │ └──────────────────────────────────────────────────────────────┘ │
//!  └──────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Which file does what:
//!
//! | file            | header                        | spec             |
//! |-----------------|-------------------------------|------------------|
//! | [`ethernet`]    | Ethernet II, 802.1Q tags (Q-in-Q) | IEEE 802.3, 802.1Q |
//! | [`llc`]         | 802.2 LLC and SNAP, in 802.3 frames | IEEE 802.2, [RFC 1042] |
//! | [`ipv4`]        | IPv4, and the protocol numbers | [RFC 791 § 3.1]  |
//! | [`tcp`]         | TCP and its options           | [RFC 9293 § 3.1] |
//! | [`udp`]         | UDP                           | [RFC 768]        |
//! | [`checksum`]    | the internet checksum, pseudo-headers | [RFC 1071] |
//! | [`ipv6`]        | IPv6 and its extension headers | [RFC 8200 § 3], [§ 4] |
//! | [`arp`]         | ARP, IPv4 address → MAC        | [RFC 826]        |
//! | [`icmpv4`]      | ICMP for IPv4: ping, errors    | [RFC 792]        |
//! | [`icmpv6`]      | ICMP for IPv6: ping, errors, NDP | [RFC 4443]     |
//! | [`ndp`]         | neighbour solicitation, advertisement | [RFC 4861 § 4.3] |
//! | [`quoted`]      | the packet an ICMP error quotes | [RFC 792], [RFC 4443] |
//! | [`partial`]     | what is there of a cut header  | (each header's) |
//! | [`rule`]        | a broken rule, worded when shown | (each header's) |
//! | [`dns`]         | DNS messages, names, records   | [RFC 1035 § 4]   |
//! | [`tls_record`]  | TLS record headers             | [RFC 8446 § 5.1] |
//!
//! Every file has the same shape, borrowed from smoltcp's `wire/`: a header
//! diagram redrawn from the RFC, a `mod field` of byte ranges that mirrors
//! the diagram, and a `Repr` (the header as plain Rust values) with `parse`
//! (bytes → `Repr`) and `emit` (`Repr` → bytes).
//!
//! The fields of Ethernet, 802.1Q, ARP (Ethernet/IPv4), IPv4, IPv6 and
//! its extension headers, ICMP, ICMPv6, TCP and UDP are read through
//! `pnet_packet`'s views (`Ipv4Packet::get_ttl`, …) and written through
//! its mutable ones; DNS, TLS records, IPv6 options, AH, LLC, neighbour
//! discovery bodies and the XMPP peek are read by hand (DNS on purpose: [`dns`] says why; pnet has no view
//! for the others). pnet's `new()` checks only the fixed size of a
//! header, so every file checks the length fields itself first.
//!
//! Two rules hold everywhere in this module:
//!
//! - **Nothing here prints.** Parsing returns values and [`Error`]s; the
//!   lesson and the dissector decide how they look. `wire/` never imports
//!   the course, show or CLI code.
//! - **Hostile bytes never panic.** A capture can hold anything: a cut-off
//!   frame, a length field that lies. Every length field is checked against
//!   the buffer *before* it is used, so a bad packet becomes an [`Error`]
//!   that says which rule it broke. The tests feed every prefix of every
//!   fixture to `parse` to keep that promise.
//!
//! Read [`ethernet`] first and work upwards. Book: `book/src/lesson-07.md`.
//! Run: `netlab lesson 7`.
//!
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 1071]: https://datatracker.ietf.org/doc/html/rfc1071
//! [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
//! [§ 4]: https://datatracker.ietf.org/doc/html/rfc8200#section-4
//! [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826
//! [RFC 1042]: https://datatracker.ietf.org/doc/html/rfc1042
//! [RFC 4861 § 4.3]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.3
//! [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
//! [RFC 4443]: https://datatracker.ietf.org/doc/html/rfc4443
//! [RFC 1035 § 4]: https://datatracker.ietf.org/doc/html/rfc1035#section-4
//! [RFC 8446 § 5.1]: https://datatracker.ietf.org/doc/html/rfc8446#section-5.1

use std::fmt;

use crate::lang::{self, Lang};
use rule::{Rule, rule};

pub mod arp;
pub mod checksum;
pub mod dissect;
pub mod dns;
pub mod ethernet;
pub mod icmpv4;
pub mod icmpv6;
pub mod ipv4;
pub mod ipv6;
pub mod llc;
pub mod ndp;
pub mod partial;
pub mod quoted;
pub mod rule;
pub mod tcp;
pub mod tcp_flow;
pub mod tls_record;
pub mod udp;
pub mod xml_peek;

#[cfg(test)]
pub(crate) mod fixtures;

/// A byte range inside a header, as drawn in the header diagrams.
pub(crate) type Field = core::ops::Range<usize>;

/// A layer of the stack that `wire/` knows how to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Ethernet II framing (IEEE 802.3 § 3.1.1).
    Ethernet,
    /// The IEEE 802.1Q VLAN tag inside an Ethernet header.
    Vlan,
    /// The IEEE 802.2 LLC header of an IEEE 802.3 frame, whose type
    /// field is a length (IEEE 802.3 § 3.2.6).
    Llc,
    /// Internet Protocol version 4 ([RFC 791]).
    ///
    /// [RFC 791]: https://datatracker.ietf.org/doc/html/rfc791
    Ipv4,
    /// Transmission Control Protocol ([RFC 9293]).
    ///
    /// [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
    Tcp,
    /// User Datagram Protocol ([RFC 768]).
    ///
    /// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
    Udp,
    /// Internet Protocol version 6 ([RFC 8200 § 3]).
    ///
    /// [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
    Ipv6,
    /// An IPv6 extension header: Hop-by-Hop, Routing, Fragment,
    /// Destination Options or Authentication ([RFC 8200 § 4]).
    ///
    /// [RFC 8200 § 4]: https://datatracker.ietf.org/doc/html/rfc8200#section-4
    Ipv6Ext,
    /// Address Resolution Protocol ([RFC 826]).
    ///
    /// [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826
    Arp,
    /// Internet Control Message Protocol for IPv4 ([RFC 792]).
    ///
    /// [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
    Icmpv4,
    /// Internet Control Message Protocol for IPv6 ([RFC 4443]).
    ///
    /// [RFC 4443]: https://datatracker.ietf.org/doc/html/rfc4443
    Icmpv6,
    /// Domain Name System messages ([RFC 1035 § 4]).
    ///
    /// [RFC 1035 § 4]: https://datatracker.ietf.org/doc/html/rfc1035#section-4
    Dns,
    /// XMPP, recognised at the start of a TCP payload (RFC 6120).
    Xmpp,
    /// A TLS record header ([RFC 8446 § 5.1]).
    ///
    /// [RFC 8446 § 5.1]: https://datatracker.ietf.org/doc/html/rfc8446#section-5.1
    Tls,
}

impl Layer {
    /// The layer's number in the seven-layer OSI model: 2 (data link),
    /// 3 (network), 4 (transport), 6 (presentation) or 7 (application).
    pub fn osi_layer(self) -> u8 {
        match self {
            // ARP answers a layer-3 question (which MAC has this IPv4
            // address?) but never leaves the link and rides directly in
            // Ethernet, so it is counted with the link.
            Layer::Ethernet | Layer::Vlan | Layer::Llc | Layer::Arp => 2,
            // ICMP travels inside IP but is part of IP: "ICMP, uses the
            // basic support of IP as if it were a higher level protocol,
            // however, ICMP is actually an integral part of IP" (RFC 792).
            Layer::Ipv4
            | Layer::Ipv6
            | Layer::Ipv6Ext
            | Layer::Icmpv4
            | Layer::Icmpv6 => 3,
            Layer::Tcp | Layer::Udp => 4,
            // Encryption is OSI's example of a presentation-layer job; in
            // TCP/IP, TLS is part of the application.
            Layer::Tls => 6,
            Layer::Dns | Layer::Xmpp => 7,
        }
    }

    /// The document that defines the layer's header.
    pub fn spec(self) -> &'static str {
        match self {
            Layer::Ethernet => "IEEE 802.3",
            Layer::Vlan => "IEEE 802.1Q",
            Layer::Llc => "IEEE 802.2",
            Layer::Ipv4 => "RFC 791",
            Layer::Tcp => "RFC 9293",
            Layer::Udp => "RFC 768",
            Layer::Ipv6 => "RFC 8200",
            Layer::Ipv6Ext => "RFC 8200 § 4",
            Layer::Arp => "RFC 826",
            Layer::Icmpv4 => "RFC 792",
            Layer::Icmpv6 => "RFC 4443",
            Layer::Dns => "RFC 1035",
            Layer::Xmpp => "RFC 6120",
            Layer::Tls => "RFC 8446",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Layer::Ethernet => "Ethernet",
            Layer::Vlan => "802.1Q",
            Layer::Llc => "LLC",
            Layer::Ipv4 => "IPv4",
            Layer::Tcp => "TCP",
            Layer::Udp => "UDP",
            Layer::Ipv6 => "IPv6",
            Layer::Ipv6Ext => "IPv6 extension header",
            Layer::Arp => "ARP",
            Layer::Icmpv4 => "ICMP",
            Layer::Icmpv6 => "ICMPv6",
            Layer::Dns => "DNS",
            Layer::Xmpp => "XMPP",
            Layer::Tls => "TLS",
        };
        f.write_str(name)
    }
}

/// Why a header could not be read (or written).
///
/// The difference between the first two variants matters to a student:
/// a *truncated* packet may be perfectly good, the capture just kept fewer
/// bytes than the packet had (a snap length, a cut-off file); a *malformed*
/// packet breaks a rule of its protocol, whatever was captured.
///
/// `Display` words the error in the language of the run; [`Error::text_in`]
/// in the one asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The header (or a length field in it) needs more bytes than the
    /// buffer holds.
    ///
    /// Shown as "TCP is truncated: it needs 20 bytes but only 7 were
    /// captured".
    Truncated {
        /// The layer that ran out of bytes.
        layer: Layer,
        /// How many bytes the layer needs, counted from its first byte.
        needed: usize,
        /// How many bytes there are.
        available: usize,
    },
    /// A field breaks a rule of the protocol.
    ///
    /// Shown as "IPv4 header length 16 is below the minimum of 20
    /// (RFC 791 § 3.1)": the layer, the rule in words, the section.
    Malformed {
        /// The layer whose header is wrong.
        layer: Layer,
        /// What is wrong, starting with the field's name: a message of
        /// the catalogue, worded when shown.
        rule: Rule,
        /// The section that makes the rule, e.g. "RFC 791 § 3.1".
        spec: &'static str,
    },
    /// `emit` was given a buffer too small for the header it must write.
    /// This is a bug in the caller, not in a packet.
    ///
    /// Shown as "UDP needs a 8-byte buffer to emit into, got 4".
    BufferTooSmall {
        /// The layer being written.
        layer: Layer,
        /// How many bytes `emit` writes.
        needed: usize,
        /// How many bytes the buffer has.
        available: usize,
    },
}

impl Error {
    /// The error in words, in `lang`.
    pub fn text_in(&self, lang: Lang) -> String {
        self.in_lang(lang).to_string()
    }

    /// The error in words in `lang`, to be written with `Display`.
    ///
    /// The sentence around the rule is a [template](crate::template),
    /// worded once: a capture cut by a snapshot length has a truncated
    /// header in every frame, and `netlab dissect --json` writes this
    /// text for each.
    pub fn in_lang(&self, lang: Lang) -> InLang<'_> {
        InLang { error: self, lang }
    }
}

/// An [`Error`] in the words of a language; see [`Error::in_lang`].
pub struct InLang<'e> {
    error: &'e Error,
    lang: Lang,
}

impl fmt::Display for InLang<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lang = self.lang;
        match self.error {
            Error::Truncated {
                layer,
                needed,
                available,
            } => crate::template!(
                "wire-truncated",
                lang,
                ["layer", "needed", "available"]
            )
            .write(f, &[&layer.in_lang(lang), needed, available]),
            Error::Malformed { layer, rule, spec } => crate::template!(
                "wire-malformed",
                lang,
                ["layer", "rule", "spec"]
            )
            .write(f, &[&layer.in_lang(lang), &rule.text_in(lang), spec]),
            Error::BufferTooSmall {
                layer,
                needed,
                available,
            } => crate::template!(
                "wire-buffer-too-small",
                lang,
                ["layer", "needed", "available"]
            )
            .write(f, &[&layer.in_lang(lang), needed, available]),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.in_lang(lang::current()).fmt(f)
    }
}

impl std::error::Error for Error {}

impl Layer {
    /// The layer's name in a sentence in `lang`: its `Display` name,
    /// which is a protocol's own name in every language but for the
    /// extension headers.
    pub fn in_lang(self, lang: Lang) -> LayerName {
        LayerName { layer: self, lang }
    }
}

/// A [`Layer`]'s name in a language; see [`Layer::in_lang`].
pub struct LayerName {
    layer: Layer,
    lang: Lang,
}

impl fmt::Display for LayerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.layer {
            Layer::Ipv6Ext => {
                f.write_str(&rule!("wire-layer-ipv6-ext").text_in(self.lang))
            }
            other => other.fmt(f),
        }
    }
}

/// Returns `Truncated` unless `buffer` holds at least `needed` bytes.
///
/// Every `parse` calls this before it indexes, which is what makes
/// indexing with the `field` ranges safe afterwards.
pub(crate) fn check_len(
    layer: Layer,
    buffer: &[u8],
    needed: usize,
) -> Result<(), Error> {
    if buffer.len() < needed {
        return Err(Error::Truncated {
            layer,
            needed,
            available: buffer.len(),
        });
    }
    Ok(())
}

/// Returns `BufferTooSmall` unless `buffer` can take `needed` bytes; the
/// `emit` counterpart of [`check_len`].
pub(crate) fn check_room(
    layer: Layer,
    buffer: &[u8],
    needed: usize,
) -> Result<(), Error> {
    if buffer.len() < needed {
        return Err(Error::BufferTooSmall {
            layer,
            needed,
            available: buffer.len(),
        });
    }
    Ok(())
}

/// Reads a big-endian ("network byte order", [RFC 1700]) `u16` at `at`.
/// The caller has checked the length.
///
/// [RFC 1700]: https://datatracker.ietf.org/doc/html/rfc1700
pub(crate) fn read_u16(buffer: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([buffer[at], buffer[at + 1]])
}

/// Reads a big-endian `u32` at `at`. The caller has checked the length.
pub(crate) fn read_u32(buffer: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([
        buffer[at],
        buffer[at + 1],
        buffer[at + 2],
        buffer[at + 3],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_reads_as_a_sentence() {
        let err = Error::Malformed {
            layer: Layer::Ipv4,
            rule: rule!("wire-ipv4-ihl", length = 16u8, minimum = 20u8),
            spec: "RFC 791 § 3.1",
        };
        assert_eq!(
            err.to_string(),
            "IPv4 header length 16 is below the minimum of 20 (RFC 791 § 3.1)"
        );
    }

    #[test]
    fn malformed_reads_as_a_chinese_sentence() {
        let err = Error::Malformed {
            layer: Layer::Ipv4,
            rule: rule!("wire-ipv4-ihl", length = 16u8, minimum = 20u8),
            spec: "RFC 791 § 3.1",
        };
        assert_eq!(
            err.text_in(Lang::Zh),
            "IPv4 首部长度 16 小于最小值 20（RFC 791 § 3.1）"
        );
    }

    #[test]
    fn truncated_reads_as_a_sentence() {
        let err = Error::Truncated {
            layer: Layer::Tcp,
            needed: 20,
            available: 7,
        };
        assert_eq!(
            err.to_string(),
            "TCP is truncated: it needs 20 bytes but only 7 were captured"
        );
    }

    #[test]
    fn layers_sit_where_osi_puts_them() {
        assert_eq!(Layer::Ethernet.osi_layer(), 2);
        assert_eq!(Layer::Ipv4.osi_layer(), 3);
        assert_eq!(Layer::Udp.osi_layer(), 4);
    }
}
