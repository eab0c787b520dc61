//! IPv6: the envelope that crosses networks, with 128-bit addresses
//! (OSI layer 3), and the chain of extension headers behind it.
//!
//! IPv6 does IPv4's job with a simpler, fixed 40-byte header, redrawn from
//! [RFC 8200 § 3]:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version| Traffic Class |           Flow Label                  |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Payload Length        |  Next Header  |   Hop Limit   |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +                         Source Address                        +  8..24
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +                      Destination Address                      + 24..40
//! |                                                               |
//! +                                                               +
//! |                                                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Compared with IPv4 there is no header length (the header is always 40
//! bytes), no checksum (the link and the transport check their own), and
//! no fragmentation fields. Options and fragmentation moved into
//! *extension headers* ([RFC 8200 § 4]) that sit between this header and
//! the upper-layer one, each naming the next, like the links of a chain:
//!
//! ```text
//!  ┌──────────────┬──────────────────────┬───────────────────┬─────────
//!  │ IPv6 header  │ Hop-by-Hop header    │ Fragment header   │ TCP …
//!  │ next hdr = 0 │ next hdr = 44        │ next hdr = 6      │
//!  └──────────────┴──────────────────────┴───────────────────┴─────────
//! ```
//!
//! [`Repr::parse`] reads the fixed header and checks the one length it
//! has, the *payload length* (everything after the 40 bytes, extension
//! headers included). [`Chain::parse`] then walks the extension headers,
//! checking each header's own length against what is left, and says where
//! the upper-layer header starts and which protocol it is.
//!
//! ## Which part is pnet, which is ours
//!
//! The fixed header is read through pnet's view, [`Ipv6Packet`]
//! (`get_hop_limit()`, `get_source()`, …), and written through
//! [`MutableIpv6Packet`]. In the chain, the next-header and length bytes
//! are read through [`ExtensionPacket`], the Fragment header through
//! [`FragmentPacket`] and the Routing header's type and segments left
//! through [`RoutingPacket`].
//!
//! What stays ours is what pnet does not promise. `Ipv6Packet::new` checks
//! only that 40 bytes are there; its `payload()` quietly clamps a payload
//! length that points past the buffer, and `ExtensionPacket::payload()`
//! does the same with a lying Hdr Ext Len. So the payload length and every
//! extension header's length are checked against the buffer, with the
//! RFC's sentence at each check, before pnet's view of them is used. Also
//! ours: the walk itself (which header may follow which, where it stops,
//! the cap on its length), AH's length in 4-byte words (pnet's generic
//! extension view would count 8-byte units) and its two words, the
//! Hop-by-Hop and Destination options (pnet has no view for them), and
//! the fragment offset: pnet's `get_fragment_offset()` returns the raw
//! word with only M and one reserved bit masked off, not the offset in
//! 8-byte units, so we split the word ourselves.
//!
//! Read before: [`super::ipv4`]. Read next: [`super::icmpv6`],
//! [`super::tcp`], [`super::udp`]. Book: `book/src/lesson-07.md`.
//! Run: `netlab lesson 7`.
//!
//! [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
//! [RFC 8200 § 4]: https://datatracker.ietf.org/doc/html/rfc8200#section-4

use std::fmt;
use std::net::Ipv6Addr;

use pnet_packet::Packet;
use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::ipv6::{
    ExtensionPacket, FragmentPacket, Ipv6Packet, MutableIpv6Packet,
    RoutingPacket,
};

use super::ipv4::IpProtocol;
use super::rule::{Rule, rule};
use super::{Error, Layer, check_len, check_room, read_u32};

/// Byte ranges of the fixed header, as in the diagram above. pnet's
/// getters read these same ranges (the test
/// `pnet_reads_the_ranges_of_the_diagram` checks it), so most are used only
/// by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// Version (4 bits), traffic class (8) and flow label (20).
    pub(crate) const VER_TC_FLOW: Field = 0..4;
    /// Payload length: the bytes after this header, extension headers
    /// included.
    pub(crate) const PAYLOAD_LEN: Field = 4..6;
    /// The type of the header that follows.
    pub(crate) const NEXT_HEADER: usize = 6;
    /// Hop limit: IPv4's TTL under an honest name.
    pub(crate) const HOP_LIMIT: usize = 7;
    /// Source address.
    pub(crate) const SRC_ADDR: Field = 8..24;
    /// Destination address.
    pub(crate) const DST_ADDR: Field = 24..40;
    /// Where the payload (the first extension header, if any) starts.
    pub(crate) const PAYLOAD: usize = 40;
}

/// Byte ranges shared by the extension headers, as drawn on
/// [`ExtensionHeader`]. pnet's `ExtensionPacket`, `FragmentPacket` and
/// `RoutingPacket` read most of them (checked by
/// `pnet_reads_the_ranges_of_the_diagram`); AH's are read by hand.
#[allow(dead_code)]
pub(crate) mod ext_field {
    use crate::wire::Field;

    /// The type of the header after this one.
    pub(crate) const NEXT_HEADER: usize = 0;
    /// Hdr Ext Len (or, in AH, Payload Len).
    pub(crate) const LENGTH: usize = 1;
    /// Fragment header: offset (13 bits), reserved (2), M flag (1).
    pub(crate) const FRAG_OFFSET_M: Field = 2..4;
    /// Fragment header: which original packet the fragment belongs to.
    pub(crate) const FRAG_IDENT: Field = 4..8;
    /// Routing header: which kind of routing header.
    pub(crate) const ROUTING_TYPE: usize = 2;
    /// Routing header: how many listed nodes are still to be visited.
    pub(crate) const SEGMENTS_LEFT: usize = 3;
    /// AH: Security Parameters Index.
    pub(crate) const AH_SPI: Field = 4..8;
    /// AH: sequence number.
    pub(crate) const AH_SEQ: Field = 8..12;
    /// Where the options of Hop-by-Hop and Destination Options start.
    pub(crate) const OPTIONS: usize = 2;
}

/// The length of the fixed header.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// The most extension headers [`Chain::parse`] walks before it gives up.
///
/// RFC 8200 § 4.1 expects each header at most once (Destination Options
/// twice), so a real chain has at most 7 links. Every header takes at
/// least 8 bytes, so even a hostile chain ends within a 64 KiB payload;
/// the cap just keeps the work small and the error clear.
pub const MAX_CHAIN_LEN: usize = 16;

/// The section cited by most rules in this file.
const SPEC: &str = "RFC 8200 § 3";

/// What comes after an IPv6 header or an extension header: the *Next
/// Header* field, numbered like IPv4's protocol field by the
/// [IANA protocol registry].
///
/// The extension headers get names here; everything else is an upper-layer
/// [`IpProtocol`].
///
/// [IANA protocol registry]: https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NextHeader {
    /// 0, Hop-by-Hop Options, read by every router ([RFC 8200 § 4.3]).
    ///
    /// [RFC 8200 § 4.3]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.3
    HopByHop,
    /// 43, Routing: nodes to visit on the way ([RFC 8200 § 4.4]).
    ///
    /// [RFC 8200 § 4.4]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.4
    Routing,
    /// 44, Fragment: one piece of a larger packet ([RFC 8200 § 4.5]).
    ///
    /// [RFC 8200 § 4.5]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.5
    Fragment,
    /// 50, Encapsulating Security Payload ([RFC 4303]): everything after
    /// it is encrypted, so the chain cannot be followed further.
    ///
    /// [RFC 4303]: https://datatracker.ietf.org/doc/html/rfc4303
    Esp,
    /// 51, Authentication Header ([RFC 4302]).
    ///
    /// [RFC 4302]: https://datatracker.ietf.org/doc/html/rfc4302
    Ah,
    /// 59, No Next Header: nothing follows ([RFC 8200 § 4.7]).
    ///
    /// [RFC 8200 § 4.7]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.7
    NoNextHeader,
    /// 60, Destination Options, read by the destination only
    /// ([RFC 8200 § 4.6]).
    ///
    /// [RFC 8200 § 4.6]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.6
    DestinationOptions,
    /// Any other number: an upper-layer protocol such as TCP, UDP or
    /// ICMPv6.
    Protocol(IpProtocol),
}

impl NextHeader {
    /// Whether this is an extension header that [`Chain::parse`] reads
    /// (and so has a next-header field of its own to follow).
    pub fn is_extension(self) -> bool {
        matches!(
            self,
            NextHeader::HopByHop
                | NextHeader::Routing
                | NextHeader::Fragment
                | NextHeader::Ah
                | NextHeader::DestinationOptions
        )
    }
}

impl From<u8> for NextHeader {
    fn from(raw: u8) -> Self {
        match raw {
            0 => NextHeader::HopByHop,
            43 => NextHeader::Routing,
            44 => NextHeader::Fragment,
            50 => NextHeader::Esp,
            51 => NextHeader::Ah,
            59 => NextHeader::NoNextHeader,
            60 => NextHeader::DestinationOptions,
            other => NextHeader::Protocol(IpProtocol::from(other)),
        }
    }
}

impl From<NextHeader> for u8 {
    fn from(next: NextHeader) -> Self {
        match next {
            NextHeader::HopByHop => 0,
            NextHeader::Routing => 43,
            NextHeader::Fragment => 44,
            NextHeader::Esp => 50,
            NextHeader::Ah => 51,
            NextHeader::NoNextHeader => 59,
            NextHeader::DestinationOptions => 60,
            NextHeader::Protocol(protocol) => u8::from(protocol),
        }
    }
}

impl fmt::Display for NextHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NextHeader::HopByHop => f.write_str("Hop-by-Hop (0)"),
            NextHeader::Routing => f.write_str("Routing (43)"),
            NextHeader::Fragment => f.write_str("Fragment (44)"),
            NextHeader::Esp => f.write_str("ESP (50)"),
            NextHeader::Ah => f.write_str("AH (51)"),
            NextHeader::NoNextHeader => f.write_str("No Next Header (59)"),
            NextHeader::DestinationOptions => {
                f.write_str("Destination Options (60)")
            }
            NextHeader::Protocol(protocol) => protocol.fmt(f),
        }
    }
}

/// The fixed IPv6 header as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Traffic class: DSCP in the high 6 bits, ECN in the low 2, exactly
    /// as in IPv4's second byte ([RFC 8200 § 7]).
    ///
    /// [RFC 8200 § 7]: https://datatracker.ietf.org/doc/html/rfc8200#section-7
    pub traffic_class: u8,
    /// Flow label, 20 bits: the sender may mark packets of one flow with
    /// the same value ([RFC 6437]). 0 means "not labelled".
    ///
    /// [RFC 6437]: https://datatracker.ietf.org/doc/html/rfc6437
    pub flow_label: u32,
    /// The payload length field: the bytes after the 40-byte header,
    /// extension headers included.
    pub payload_len: usize,
    /// The first header after this one.
    pub next_header: NextHeader,
    /// Hop limit: each router subtracts one and drops the packet at 0.
    pub hop_limit: u8,
    /// Source address.
    pub src: Ipv6Addr,
    /// Destination address.
    pub dst: Ipv6Addr,
}

impl Repr {
    /// Reads the fixed header at the start of `packet` and checks the
    /// payload length against it. Returns the header with the range of
    /// `packet` that holds the payload (extension headers included; walk
    /// them with [`Chain::parse`]).
    ///
    /// A buffer shorter than 40 bytes, or than the payload length says, is
    /// [`Error::Truncated`]; a version other than 6 or a jumbogram is
    /// [`Error::Malformed`].
    pub fn parse(
        packet: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(packet, false)
    }

    /// Like [`Repr::parse`], for a packet whose end is missing: cut by a
    /// capture's snapshot length, or quoted in an ICMPv6 error
    /// ([`super::quoted`]). The 40-byte header must be whole; the payload
    /// range then stops at the end of `packet`.
    pub fn parse_captured(
        packet: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(packet, true)
    }

    fn parse_inner(
        packet: &[u8],
        cut_allowed: bool,
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's `Ipv6Packet::new` checks exactly this much, and no more.
        check_len(Layer::Ipv6, packet, HEADER_LEN)?;
        let ip = Ipv6Packet::new(packet)
            .expect("check_len proved the 40 bytes pnet's view needs");

        // "Version: 4-bit Internet Protocol version number = 6."
        let version = ip.get_version();
        if version != 6 {
            return Err(malformed(rule!(
                "wire-ipv6-version",
                version = version
            )));
        }

        // "Payload Length: 16-bit unsigned integer. Length of the IPv6
        // payload, i.e., the rest of the packet following this IPv6
        // header, in octets. (Note that any extension headers present are
        // considered part of the payload, i.e., included in the length
        // count.)"
        let payload_len = usize::from(ip.get_payload_length());
        let next_header = NextHeader::from(ip.get_next_header().0);

        // A payload length of 0 with a Hop-by-Hop header next is how a
        // *jumbogram* (over 65535 bytes) says "my real length is in the
        // Jumbo Payload option" ([RFC 2675 § 3]). Such packets only exist
        // on links with huge MTUs; this toolkit does not read them. The
        // rule is exact: length 0 alone is fine (e.g. No Next Header), and
        // a Hop-by-Hop header never fits in 0 bytes anyway.
        if payload_len == 0 && next_header == NextHeader::HopByHop {
            return Err(Error::Malformed {
                layer: Layer::Ipv6,
                rule: rule!("wire-ipv6-jumbogram"),
                spec: "RFC 2675 § 3",
            });
        }

        // The payload length can point past the buffer when the capture
        // was cut short (a snap length): the bytes are missing, not wrong.
        // pnet's `payload()` would clamp to the buffer without a word, so
        // this check is what tells the student the capture lost bytes.
        let end = HEADER_LEN + payload_len;
        if !cut_allowed {
            check_len(Layer::Ipv6, packet, end)?;
        }
        let end = end.min(packet.len());

        let repr = Repr {
            traffic_class: ip.get_traffic_class(),
            flow_label: ip.get_flow_label(),
            payload_len,
            next_header,
            hop_limit: ip.get_hop_limit(),
            src: ip.get_source(),
            dst: ip.get_destination(),
        };
        Ok((repr, HEADER_LEN..end))
    }

    /// The DSCP half of the traffic class, 0 to 63 ([RFC 2474 § 3]).
    ///
    /// [RFC 2474 § 3]: https://datatracker.ietf.org/doc/html/rfc2474#section-3
    pub fn dscp(&self) -> u8 {
        self.traffic_class >> 2
    }

    /// The ECN half of the traffic class, 0 to 3 ([RFC 3168 § 5]).
    ///
    /// [RFC 3168 § 5]: https://datatracker.ietf.org/doc/html/rfc3168#section-5
    pub fn ecn(&self) -> u8 {
        self.traffic_class & 0x03
    }

    /// The total length in bytes: 40 plus the payload.
    pub fn total_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the fixed header into the start of `buffer`; the payload
    /// (extension headers and all) goes after [`HEADER_LEN`] bytes.
    ///
    /// Fails if the payload length does not fit in 16 bits (that would be
    /// a jumbogram) or the flow label in 20.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let Ok(payload_len) = u16::try_from(self.payload_len) else {
            return Err(malformed(rule!(
                "wire-ipv6-payload-too-long",
                length = self.payload_len
            )));
        };
        if self.flow_label > 0x000f_ffff {
            return Err(malformed(rule!(
                "wire-ipv6-flow-label",
                label = format!("{:#x}", self.flow_label)
            )));
        }
        check_room(Layer::Ipv6, buffer, HEADER_LEN)?;

        let mut ip = MutableIpv6Packet::new(&mut buffer[..HEADER_LEN])
            .expect("check_room proved the 40 bytes pnet's view needs");
        ip.set_version(6);
        ip.set_traffic_class(self.traffic_class);
        // Checked above to fit in the field's 20 bits.
        ip.set_flow_label(self.flow_label);
        ip.set_payload_length(payload_len);
        ip.set_next_header(IpNextHeaderProtocol(u8::from(self.next_header)));
        ip.set_hop_limit(self.hop_limit);
        ip.set_source(self.src);
        ip.set_destination(self.dst);
        Ok(())
    }
}

/// One option inside a Hop-by-Hop or Destination Options header
/// ([RFC 8200 § 4.2]).
///
/// Options are type-length-value, except Pad1. The two high bits of the
/// type tell a node that does not know the option what to do: skip it
/// (00), drop the packet (01), drop and send ICMP (10, 11).
///
/// [RFC 8200 § 4.2]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.2
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Ipv6Option {
    /// Type 0: one byte of padding, with no length byte.
    Pad1,
    /// Type 1: padding of this many data bytes (after type and length).
    PadN(usize),
    /// Type 5: routers should look inside this packet ([RFC 2711]); the
    /// value says why (0: MLD).
    ///
    /// [RFC 2711]: https://datatracker.ietf.org/doc/html/rfc2711
    RouterAlert(u16),
    /// Type 0xC2: the real payload length of a jumbogram ([RFC 2675 § 2]).
    ///
    /// [RFC 2675 § 2]: https://datatracker.ietf.org/doc/html/rfc2675#section-2
    JumboPayload(u32),
    /// Any other option, with its data.
    Unknown {
        /// The option type.
        kind: u8,
        /// The option data.
        data: Vec<u8>,
    },
}

impl fmt::Display for Ipv6Option {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ipv6Option::Pad1 => f.write_str("Pad1"),
            Ipv6Option::PadN(len) => write!(f, "PadN {len}"),
            Ipv6Option::RouterAlert(value) => {
                write!(f, "Router Alert {value}")
            }
            Ipv6Option::JumboPayload(len) => write!(f, "Jumbo Payload {len}"),
            Ipv6Option::Unknown { kind, data } => {
                write!(f, "type {kind:#04x} ({} bytes of data)", data.len())
            }
        }
    }
}

/// What an extension header says, beyond its type and length.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExtensionBody {
    /// Hop-by-Hop or Destination Options: a list of options.
    Options(Vec<Ipv6Option>),
    /// Routing ([RFC 8200 § 4.4]): the type-specific data is not decoded.
    ///
    /// [RFC 8200 § 4.4]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.4
    Routing {
        /// Which routing header variant (e.g. 4 for Segment Routing).
        routing_type: u8,
        /// How many listed nodes are still to be visited.
        segments_left: u8,
    },
    /// Fragment ([RFC 8200 § 4.5]).
    ///
    /// [RFC 8200 § 4.5]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.5
    Fragment {
        /// Where this fragment's data sits in the original packet, in
        /// units of 8 bytes.
        offset: u16,
        /// The M flag: more fragments follow.
        more_fragments: bool,
        /// The same for every fragment of one original packet.
        identification: u32,
    },
    /// Authentication Header ([RFC 4302 § 2]).
    ///
    /// [RFC 4302 § 2]: https://datatracker.ietf.org/doc/html/rfc4302#section-2
    Auth {
        /// Security Parameters Index: which security association.
        spi: u32,
        /// Anti-replay sequence number.
        sequence: u32,
    },
}

/// One extension header in the chain.
///
/// All but two share this layout ([RFC 8200 § 4.3], § 4.4, § 4.6):
///
/// ```text
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |  Hdr Ext Len  |                               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
/// .           options or type-specific data                       .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     length = (Hdr Ext Len + 1) × 8 bytes
/// ```
///
/// The Fragment header is always 8 bytes ([RFC 8200 § 4.5]):
///
/// ```text
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                         Identification                        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// ```
///
/// and the Authentication Header counts in 4-byte words ([RFC 4302 § 2]):
///
/// ```text
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |  Next Header  |  Payload Len  |          RESERVED             |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                 Security Parameters Index (SPI)               |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// |                    Sequence Number Field                      |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// .                Integrity Check Value (variable)               .
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     length = (Payload Len + 2) × 4 bytes
/// ```
///
/// [RFC 8200 § 4.3]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.3
/// [RFC 8200 § 4.5]: https://datatracker.ietf.org/doc/html/rfc8200#section-4.5
/// [RFC 4302 § 2]: https://datatracker.ietf.org/doc/html/rfc4302#section-2
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExtensionHeader {
    /// Which extension header this is.
    pub kind: NextHeader,
    /// Where it sits in the packet given to [`Chain::parse`].
    pub range: core::ops::Range<usize>,
    /// The header after this one.
    pub next_header: NextHeader,
    /// Its contents.
    pub body: ExtensionBody,
}

/// The extension headers of one packet, and what follows them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Chain {
    /// The extension headers, in order.
    pub headers: Vec<ExtensionHeader>,
    /// The header after the last extension header: an upper-layer
    /// protocol, [`NextHeader::NoNextHeader`], [`NextHeader::Esp`], or
    /// (after a non-first fragment) whatever the fragment continues.
    pub upper: NextHeader,
    /// Where the upper-layer bytes are in the packet.
    pub payload: core::ops::Range<usize>,
}

impl Chain {
    /// Walks the extension headers of `packet` (a whole IPv6 packet),
    /// starting with the header of type `first` at `region.start` and
    /// ending at `region.end`: pass [`Repr::next_header`] and the range
    /// [`Repr::parse`] returned.
    ///
    /// Every header's length is checked against what is left of `region`
    /// before it is read; a header running past it is
    /// [`Error::Truncated`] (the payload length already vouched for the
    /// bytes, so the capture or the length lost them). Offsets in the
    /// result are into `packet`.
    ///
    /// The walk stops at an upper-layer protocol, at No Next Header, at
    /// ESP (encrypted from there on), and after a fragment header whose
    /// offset is not 0: the bytes after it continue a packet whose start
    /// is in another fragment, so no header can be read there.
    pub fn parse(
        packet: &[u8],
        first: NextHeader,
        region: core::ops::Range<usize>,
    ) -> Result<Chain, Error> {
        // Work on the region only, so nothing past the payload length is
        // read (Ethernet padding, say).
        let Some(bytes) = packet.get(..region.end) else {
            return Err(Error::Truncated {
                layer: Layer::Ipv6Ext,
                needed: region.end,
                available: packet.len(),
            });
        };
        let mut headers = Vec::new();
        let mut next = first;
        let mut at = region.start;

        while next.is_extension() {
            if headers.len() == MAX_CHAIN_LEN {
                return Err(ext_malformed(
                    rule!("wire-ipv6-chain-too-long", maximum = MAX_CHAIN_LEN),
                    "RFC 8200 § 4.1",
                ));
            }
            // "The Hop-by-Hop Options header, when present, must
            // immediately follow the IPv6 header." (RFC 8200 § 4.3)
            if next == NextHeader::HopByHop && !headers.is_empty() {
                return Err(ext_malformed(
                    rule!("wire-ipv6-hop-by-hop-late", at = at),
                    "RFC 8200 § 4.3",
                ));
            }
            let header = read_extension(bytes, next, at)?;
            next = header.next_header;
            at = header.range.end;
            let later_fragment = matches!(
                header.body,
                ExtensionBody::Fragment { offset, .. } if offset != 0
            );
            headers.push(header);
            if later_fragment {
                break;
            }
        }

        Ok(Chain {
            headers,
            upper: next,
            payload: at..region.end,
        })
    }

    /// The upper-layer protocol, if the chain ends in one (not in No Next
    /// Header or ESP).
    pub fn protocol(&self) -> Option<IpProtocol> {
        match self.upper {
            NextHeader::Protocol(protocol) => Some(protocol),
            _ => None,
        }
    }

    /// The fragment header's fields (offset in 8-byte units, M flag), if
    /// the packet is a fragment. A fragment's payload is a piece, not a
    /// whole upper-layer segment: only the first (offset 0) holds the
    /// upper-layer header, and no checksum can be checked on a piece.
    pub fn fragment(&self) -> Option<(u16, bool)> {
        self.headers.iter().find_map(|header| match header.body {
            ExtensionBody::Fragment {
                offset,
                more_fragments,
                ..
            } => Some((offset, more_fragments)),
            _ => None,
        })
    }
}

/// Reads the extension header of type `kind` at `at`, with `bytes` ending
/// where the IPv6 payload ends.
fn read_extension(
    bytes: &[u8],
    kind: NextHeader,
    at: usize,
) -> Result<ExtensionHeader, Error> {
    // Every extension header is at least 8 bytes: the two bytes of next
    // header and length, padded to a multiple of 8 (RFC 8200 § 4). pnet's
    // `ExtensionPacket::new` would accept 2.
    check_ext_len(bytes, at + 8)?;
    let common = ExtensionPacket::new(&bytes[at..])
        .expect("check_ext_len proved the 8 bytes pnet's view needs");
    let next_header = NextHeader::from(common.get_next_header().0);
    let length_field = usize::from(common.get_hdr_ext_len());

    let len = match kind {
        // "Fragment header: ... Reserved 8-bit reserved field" — there is
        // no length field; the header is always 8 bytes (RFC 8200 § 4.5).
        NextHeader::Fragment => 8,
        // "Payload Length: This 8-bit field specifies the length of AH in
        // 32-bit words (4-byte units), minus '2'." (RFC 4302 § 2.2)
        // pnet's `ExtensionPacket` would count it in 8-byte units, as for
        // the other headers: the byte is read through it, the length is
        // ours.
        NextHeader::Ah => (length_field + 2) * 4,
        // "Hdr Ext Len: 8-bit unsigned integer. Length of the ... header
        // in 8-octet units, not including the first 8 octets."
        // (RFC 8200 § 4.3, § 4.4, § 4.6)
        _ => (length_field + 1) * 8,
    };
    let end = at + len;
    // The length byte can lie; pnet's `payload()` would clamp it to the
    // buffer without a word, so it is checked here first.
    check_ext_len(bytes, end)?;
    let header = &bytes[at..end];

    let body = match kind {
        NextHeader::Fragment => {
            let fragment = FragmentPacket::new(header)
                .expect("the Fragment header is the 8 bytes checked");
            // pnet's `get_fragment_offset()` masks off only the M bit and
            // the low reserved bit, and does not shift: it returns the
            // offset times 8 with a reserved bit mixed in. So the raw
            // word is read through pnet and split here.
            let offset_m = fragment.get_fragment_offset_with_flags();
            ExtensionBody::Fragment {
                // "Fragment Offset: 13-bit unsigned integer. The offset,
                // in 8-octet units" — the high 13 bits of the word.
                offset: offset_m >> 3,
                // "M flag: 1 = more fragments; 0 = last fragment."
                more_fragments: offset_m & 0x0001 != 0,
                identification: fragment.get_id(),
            }
        }
        NextHeader::Ah => {
            // AH's fixed part (next header to sequence number) is 12
            // bytes, so a Payload Len below 1 cannot hold it.
            if len < 12 {
                return Err(ext_malformed(
                    rule!(
                        "wire-ipv6-ah-too-short",
                        at = at,
                        field = length_field,
                        length = len
                    ),
                    "RFC 4302 § 2.2",
                ));
            }
            // pnet has no view for AH (RFC 4302): its two words are ours.
            ExtensionBody::Auth {
                spi: read_u32(header, ext_field::AH_SPI.start),
                sequence: read_u32(header, ext_field::AH_SEQ.start),
            }
        }
        NextHeader::Routing => {
            let routing = RoutingPacket::new(header)
                .expect("a Routing header has at least the 8 bytes checked");
            ExtensionBody::Routing {
                routing_type: routing.get_routing_type(),
                segments_left: routing.get_segments_left(),
            }
        }
        // Hop-by-Hop and Destination Options: pnet's `payload()` is the
        // option bytes, which we have checked end inside `header`. pnet
        // has no view for the options themselves (RFC 8200 § 4.2), so
        // their type-length-value walk is ours.
        _ => {
            let options = ExtensionPacket::new(header)
                .expect("the options header is the bytes checked");
            ExtensionBody::Options(parse_options(
                options.payload(),
                at + ext_field::OPTIONS,
            )?)
        }
    };
    Ok(ExtensionHeader {
        kind,
        range: at..end,
        next_header,
        body,
    })
}

/// Reads the options of a Hop-by-Hop or Destination Options header.
/// `bytes` runs from the first option to the end of the header; `start`
/// is where that is in the packet, for error messages.
fn parse_options(bytes: &[u8], start: usize) -> Result<Vec<Ipv6Option>, Error> {
    let mut options = Vec::new();
    let mut at = 0;
    while let Some(&kind) = bytes.get(at) {
        // "The Pad1 option is used to insert one octet of padding ... it
        // has no length and value fields." (RFC 8200 § 4.2)
        if kind == 0 {
            options.push(Ipv6Option::Pad1);
            at += 1;
            continue;
        }
        // "Opt Data Len: 8-bit unsigned integer. Length of the Option Data
        // field of this option, in octets." Type and length not counted.
        let Some(&data_len) = bytes.get(at + 1) else {
            return Err(ext_malformed(
                rule!(
                    "wire-ipv6-option-no-length",
                    kind = kind,
                    at = start + at
                ),
                "RFC 8200 § 4.2",
            ));
        };
        let end = at + 2 + usize::from(data_len);
        let Some(data) = bytes.get(at + 2..end) else {
            return Err(ext_malformed(
                rule!(
                    "wire-ipv6-option-too-long",
                    kind = kind,
                    at = start + at,
                    length = data_len,
                    end = start + bytes.len()
                ),
                "RFC 8200 § 4.2",
            ));
        };
        options.push(match (kind, data) {
            (1, _) => Ipv6Option::PadN(data.len()),
            (5, &[a, b]) => Ipv6Option::RouterAlert(u16::from_be_bytes([a, b])),
            (0xc2, &[a, b, c, d]) => {
                Ipv6Option::JumboPayload(u32::from_be_bytes([a, b, c, d]))
            }
            _ => Ipv6Option::Unknown {
                kind,
                data: data.to_vec(),
            },
        });
        at = end;
    }
    Ok(options)
}

/// Returns `Truncated` (for the extension-header layer) unless `bytes`
/// holds at least `needed` bytes.
fn check_ext_len(bytes: &[u8], needed: usize) -> Result<(), Error> {
    check_len(Layer::Ipv6Ext, bytes, needed)
}

/// A [`Error::Malformed`] for a rule of RFC 8200 § 3.
fn malformed(rule: Rule) -> Error {
    Error::Malformed {
        layer: Layer::Ipv6,
        rule,
        spec: SPEC,
    }
}

/// A [`Error::Malformed`] for an extension header.
fn ext_malformed(rule: Rule, spec: &'static str) -> Error {
    Error::Malformed {
        layer: Layer::Ipv6Ext,
        rule,
        spec,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{
        ICMPV6_ECHO_FRAME, ICMPV6_ECHO_IPV6, IPV6_SYN_FRAME, IPV6_SYN_IPV6,
        IPV6_SYN_TCP,
    };

    fn syn() -> &'static [u8] {
        &IPV6_SYN_FRAME[IPV6_SYN_IPV6]
    }

    /// The SYN's fixed header followed by `ext` (extension headers) and
    /// four bytes standing for the upper layer, with the payload length
    /// and first next header set to match.
    fn with_chain(first: u8, ext: &[u8]) -> Vec<u8> {
        let mut packet = syn()[..HEADER_LEN].to_vec();
        packet[6] = first;
        let len = u16::try_from(ext.len() + 4).expect("short test chain");
        packet[4..6].copy_from_slice(&len.to_be_bytes());
        packet.extend_from_slice(ext);
        packet.extend_from_slice(&[0xaa; 4]);
        packet
    }

    fn chain_of(packet: &[u8]) -> Result<Chain, Error> {
        let (repr, payload) = Repr::parse(packet)?;
        Chain::parse(packet, repr.next_header, payload)
    }

    #[test]
    fn parses_the_loopback_syn() {
        let (repr, payload) = Repr::parse(syn()).expect("valid packet");
        assert_eq!(repr.traffic_class, 0);
        assert_eq!((repr.dscp(), repr.ecn()), (0, 0));
        assert_eq!(repr.flow_label, 0x0_1234);
        assert_eq!(repr.payload_len, 28);
        assert_eq!(repr.next_header, NextHeader::HopByHop);
        assert_eq!(repr.hop_limit, 64);
        assert_eq!(repr.src, Ipv6Addr::LOCALHOST);
        assert_eq!(repr.dst, Ipv6Addr::LOCALHOST);
        assert_eq!(payload, 40..68);
        assert_eq!(repr.total_len(), 68);
    }

    #[test]
    fn walks_the_hop_by_hop_header_to_tcp() {
        let chain = chain_of(syn()).expect("valid chain");
        assert_eq!(
            chain.headers,
            [ExtensionHeader {
                kind: NextHeader::HopByHop,
                range: 40..48,
                next_header: NextHeader::Protocol(IpProtocol::Tcp),
                body: ExtensionBody::Options(vec![Ipv6Option::PadN(4)]),
            }]
        );
        assert_eq!(chain.protocol(), Some(IpProtocol::Tcp));
        assert_eq!(chain.payload, 48..68);
        assert_eq!(chain.fragment(), None);
    }

    #[test]
    fn the_tcp_checksum_skips_the_extension_headers() {
        // RFC 8200 § 8.1: the pseudo-header's "Upper-Layer Packet Length"
        // counts the TCP segment only, not the Hop-by-Hop header before it.
        let chain = chain_of(syn()).expect("valid chain");
        assert_eq!(chain.payload.start + 14, IPV6_SYN_TCP.start);
        let lo = std::net::IpAddr::V6(Ipv6Addr::LOCALHOST);
        let segment = &IPV6_SYN_FRAME[IPV6_SYN_TCP];
        assert!(crate::wire::tcp::checksum_ok(segment, lo, lo));
    }

    #[test]
    fn no_extension_headers_is_an_empty_chain() {
        let packet = &ICMPV6_ECHO_FRAME[ICMPV6_ECHO_IPV6];
        let chain = chain_of(packet).expect("valid chain");
        assert!(chain.headers.is_empty());
        assert_eq!(chain.protocol(), Some(IpProtocol::Icmpv6));
        assert_eq!(chain.payload, 40..packet.len());
    }

    #[test]
    fn emit_round_trips() {
        for packet in [syn(), &ICMPV6_ECHO_FRAME[ICMPV6_ECHO_IPV6]] {
            let (repr, _) = Repr::parse(packet).expect("valid packet");
            let mut out = [0u8; HEADER_LEN];
            repr.emit(&mut out).expect("valid header");
            assert_eq!(out, packet[..HEADER_LEN]);
        }
    }

    #[test]
    fn emit_refuses_what_does_not_fit() {
        let (mut repr, _) = Repr::parse(syn()).expect("valid packet");
        let mut out = [0u8; HEADER_LEN];
        repr.flow_label = 0x10_0000;
        assert!(matches!(repr.emit(&mut out), Err(Error::Malformed { .. })));
        repr.flow_label = 0;
        repr.payload_len = 65536;
        assert!(matches!(repr.emit(&mut out), Err(Error::Malformed { .. })));
        repr.payload_len = 0;
        assert!(matches!(
            repr.emit(&mut out[..39]),
            Err(Error::BufferTooSmall { needed: 40, .. })
        ));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let packet = syn();
        for len in 0..packet.len() {
            let err = Repr::parse(&packet[..len]).expect_err("too short");
            let needed = if len < 40 { 40 } else { 68 };
            assert_eq!(
                err,
                Error::Truncated {
                    layer: Layer::Ipv6,
                    needed,
                    available: len
                }
            );
        }
    }

    #[test]
    fn ethernet_padding_is_not_payload() {
        let mut padded = syn().to_vec();
        padded.extend_from_slice(&[0; 6]);
        let chain = chain_of(&padded).expect("valid chain");
        assert_eq!(chain.payload, 48..68);
    }

    #[test]
    fn version_4_is_malformed() {
        let mut packet = syn().to_vec();
        packet[0] = 0x40;
        let err = Repr::parse(&packet).expect_err("version 4");
        assert_eq!(err.to_string(), "IPv6 version 4 is not 6 (RFC 8200 § 3)");
    }

    #[test]
    fn jumbogram_is_refused_with_its_rule() {
        let mut packet = syn().to_vec();
        packet[4..6].copy_from_slice(&[0, 0]);
        let err = Repr::parse(&packet).expect_err("jumbogram");
        assert!(err.to_string().contains("RFC 2675 § 3"), "{err}");
        // Length 0 with nothing to follow is an ordinary empty packet.
        packet[6] = 59;
        let (_, payload) = Repr::parse(&packet).expect("valid packet");
        assert_eq!(payload, 40..40);
    }

    #[test]
    fn extension_header_past_the_payload_is_truncated() {
        // A Hop-by-Hop header claiming 16 bytes inside 12 of payload.
        let packet = with_chain(0, &[6, 1, 1, 4, 0, 0, 0, 0]);
        assert_eq!(
            chain_of(&packet),
            Err(Error::Truncated {
                layer: Layer::Ipv6Ext,
                needed: 56,
                available: 52
            })
        );
    }

    #[test]
    fn option_running_past_its_header_is_malformed() {
        // PadN claiming 5 data bytes where 4 are left.
        let packet = with_chain(0, &[6, 0, 1, 5, 0, 0, 0, 0]);
        let err = chain_of(&packet).expect_err("option too long");
        assert_eq!(
            err.to_string(),
            "IPv6 extension header option type 1 at byte 42 has 5 bytes of \
             data and runs past the end of the header at byte 48 \
             (RFC 8200 § 4.2)"
        );
    }

    #[test]
    fn walks_fragment_routing_destination_and_ah() {
        let ext = [
            // Routing (43 → next 44): type 4, segments left 0, 8 bytes.
            44, 0, 4, 0, 0, 0, 0, 0, //
            // Fragment (44 → next 60): offset 0, M=1, id 0x01020304.
            60, 0, 0x00, 0x01, 1, 2, 3, 4, //
            // Destination Options (60 → next 51): Router Alert 0, Pad1 x2.
            51, 0, 5, 2, 0, 0, 0, 0, //
            // AH (51 → next 17): payload len 1 = 12 bytes, SPI, sequence.
            17, 1, 0, 0, 0, 0, 0, 9, 0, 0, 0, 7,
        ];
        let packet = with_chain(43, &ext);
        let chain = chain_of(&packet).expect("valid chain");
        let kinds: Vec<NextHeader> =
            chain.headers.iter().map(|h| h.kind).collect();
        assert_eq!(
            kinds,
            [
                NextHeader::Routing,
                NextHeader::Fragment,
                NextHeader::DestinationOptions,
                NextHeader::Ah
            ]
        );
        assert_eq!(
            chain.headers[0].body,
            ExtensionBody::Routing {
                routing_type: 4,
                segments_left: 0
            }
        );
        assert_eq!(
            chain.headers[1].body,
            ExtensionBody::Fragment {
                offset: 0,
                more_fragments: true,
                identification: 0x0102_0304
            }
        );
        assert_eq!(
            chain.headers[2].body,
            ExtensionBody::Options(vec![
                Ipv6Option::RouterAlert(0),
                Ipv6Option::Pad1,
                Ipv6Option::Pad1
            ])
        );
        assert_eq!(
            chain.headers[3].body,
            ExtensionBody::Auth {
                spi: 9,
                sequence: 7
            }
        );
        assert_eq!(chain.headers[3].range, 64..76);
        assert_eq!(chain.protocol(), Some(IpProtocol::Udp));
        assert_eq!(chain.payload, 76..80);
        assert_eq!(chain.fragment(), Some((0, true)));
    }

    #[test]
    fn a_later_fragment_ends_the_walk() {
        // Offset 185 (1480 bytes), M=0: the bytes after it are the middle
        // of a packet, even though next header says TCP.
        let offset_m = (185u16 << 3).to_be_bytes();
        let ext = [6, 0, offset_m[0], offset_m[1], 0, 0, 0, 1];
        let chain = chain_of(&with_chain(44, &ext)).expect("valid chain");
        assert_eq!(chain.headers.len(), 1);
        assert_eq!(chain.fragment(), Some((185, false)));
        assert_eq!(chain.upper, NextHeader::Protocol(IpProtocol::Tcp));
        assert_eq!(chain.payload, 48..52);
    }

    #[test]
    fn no_next_header_stops_the_walk() {
        let ext = [59, 0, 1, 4, 0, 0, 0, 0];
        let chain = chain_of(&with_chain(60, &ext)).expect("valid chain");
        assert_eq!(chain.upper, NextHeader::NoNextHeader);
        assert_eq!(chain.protocol(), None);
        // RFC 8200 § 4.7: bytes after No Next Header are ignored, but
        // still there to show.
        assert_eq!(chain.payload, 48..52);
    }

    #[test]
    fn hop_by_hop_later_in_the_chain_is_malformed() {
        let ext = [0, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0];
        let err = chain_of(&with_chain(60, &ext)).expect_err("late HbH");
        assert!(err.to_string().contains("RFC 8200 § 4.3"), "{err}");
    }

    #[test]
    fn an_endless_chain_stops_at_the_cap() {
        // Destination Options pointing at Destination Options, 17 times.
        let mut ext = Vec::new();
        for _ in 0..=MAX_CHAIN_LEN {
            ext.extend_from_slice(&[60, 0, 1, 4, 0, 0, 0, 0]);
        }
        let err = chain_of(&with_chain(60, &ext)).expect_err("too long");
        assert!(err.to_string().contains("more than 16"), "{err}");
    }

    #[test]
    fn ah_too_short_for_its_fields_is_malformed() {
        let ext = [6, 0, 0, 0, 0, 0, 0, 9];
        let err = chain_of(&with_chain(51, &ext)).expect_err("AH len 0");
        assert!(err.to_string().contains("RFC 4302 § 2.2"), "{err}");
    }

    #[test]
    fn every_truncation_of_the_chain_is_an_error() {
        // Cut the payload length and the buffer together, so the fixed
        // header is fine but the chain runs out of bytes.
        for cut in 0..8 {
            let mut packet = syn()[..40 + cut].to_vec();
            let len = u16::try_from(cut).expect("small");
            packet[4..6].copy_from_slice(&len.to_be_bytes());
            if cut == 0 {
                // Length 0 + Hop-by-Hop is the jumbogram rule.
                assert!(Repr::parse(&packet).is_err());
                continue;
            }
            assert!(matches!(
                chain_of(&packet),
                Err(Error::Truncated {
                    layer: Layer::Ipv6Ext,
                    needed: 48,
                    ..
                })
            ));
        }
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..syn().len() {
            for value in 0..=255u8 {
                let mut packet = syn().to_vec();
                packet[at] = value;
                let _ = chain_of(&packet);
            }
        }
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut packet = [0u8; 48];
        packet[field::VER_TC_FLOW]
            .copy_from_slice(&0x6b9a_bcdeu32.to_be_bytes());
        packet[field::PAYLOAD_LEN].copy_from_slice(&8u16.to_be_bytes());
        packet[field::NEXT_HEADER] = 44;
        packet[field::HOP_LIMIT] = 7;
        packet[field::SRC_ADDR][15] = 1;
        packet[field::DST_ADDR][15] = 2;
        let ip = Ipv6Packet::new(&packet).expect("40 bytes");
        assert_eq!(ip.get_version(), 6);
        assert_eq!(ip.get_traffic_class(), 0xb9);
        assert_eq!(ip.get_flow_label(), 0xa_bcde);
        assert_eq!(ip.get_payload_length(), 8);
        assert_eq!(ip.get_next_header().0, 44);
        assert_eq!(ip.get_hop_limit(), 7);
        assert_eq!(ip.get_source(), "::1".parse::<Ipv6Addr>().expect("ip"));
        assert_eq!(
            ip.get_destination(),
            "::2".parse::<Ipv6Addr>().expect("ip")
        );

        // A Fragment header: offset 185, M set, one reserved bit set.
        let mut ext = [0u8; 8];
        ext[ext_field::NEXT_HEADER] = 6;
        let word = (185u16 << 3) | 0b101;
        ext[ext_field::FRAG_OFFSET_M].copy_from_slice(&word.to_be_bytes());
        ext[ext_field::FRAG_IDENT].copy_from_slice(&7u32.to_be_bytes());
        let fragment = FragmentPacket::new(&ext).expect("8 bytes");
        assert_eq!(fragment.get_next_header().0, 6);
        assert_eq!(fragment.get_fragment_offset_with_flags(), word);
        assert_eq!(fragment.get_id(), 7);
        // Why the offset is split by hand: pnet's answer is neither the
        // offset (185) nor the offset in bytes (1480).
        assert_eq!(fragment.get_fragment_offset(), (185 << 3) | 0b100);

        let routing_bytes = [6, 0, 4, 2, 0, 0, 0, 0];
        let routing = RoutingPacket::new(&routing_bytes).expect("8 bytes");
        assert_eq!(
            routing.get_routing_type(),
            routing_bytes[ext_field::ROUTING_TYPE]
        );
        assert_eq!(
            routing.get_segments_left(),
            routing_bytes[ext_field::SEGMENTS_LEFT]
        );
    }

    #[test]
    fn pnet_alone_clamps_lying_lengths_silently() {
        // Why our checks stand in front: a payload length of 1000 in a
        // 68-byte buffer, and a Hop-by-Hop header claiming 2048 bytes.
        let mut packet = syn().to_vec();
        packet[4..6].copy_from_slice(&1000u16.to_be_bytes());
        packet[41] = 255;
        let ip = Ipv6Packet::new(&packet).expect("pnet checks only 40 bytes");
        assert_eq!(ip.payload().len(), 28, "not the 1000 the header claims");
        let ext = ExtensionPacket::new(&packet[40..]).expect("2 bytes");
        assert_eq!(ext.payload().len(), 26, "not the 2046 Hdr Ext Len claims");
        assert!(matches!(Repr::parse(&packet), Err(Error::Truncated { .. })));
        packet[4..6].copy_from_slice(&28u16.to_be_bytes());
        assert!(matches!(
            chain_of(&packet),
            Err(Error::Truncated {
                layer: Layer::Ipv6Ext,
                needed: 2088,
                ..
            })
        ));
    }

    #[test]
    fn every_prefix_of_every_ipv6_fixture_is_safe() {
        use crate::wire::fixtures::{
            ICMPV6_ECHO_FRAME, ICMPV6_ECHO_IPV6, IPV6_SYN_FRAME, IPV6_SYN_IPV6,
        };
        for packet in [
            &IPV6_SYN_FRAME[IPV6_SYN_IPV6],
            &ICMPV6_ECHO_FRAME[ICMPV6_ECHO_IPV6],
        ] {
            for len in 0..=packet.len() {
                let result = chain_of(&packet[..len]);
                assert_eq!(result.is_ok(), len == packet.len(), "cut at {len}");
            }
        }
    }

    #[test]
    fn next_headers_display_and_round_trip() {
        assert_eq!(NextHeader::from(0).to_string(), "Hop-by-Hop (0)");
        assert_eq!(NextHeader::from(6).to_string(), "TCP (6)");
        assert_eq!(NextHeader::from(58).to_string(), "ICMPv6 (58)");
        for raw in 0..=255u8 {
            assert_eq!(u8::from(NextHeader::from(raw)), raw);
        }
    }
}
