//! ICMPv6: IPv6's own messages, for `ping`, errors and finding neighbours
//! (OSI layer 3).
//!
//! ICMPv6 does for IPv6 what ICMP does for IPv4 ([`super::icmpv4`]), and
//! more: it also replaces ARP, with the *neighbour discovery* messages of
//! [RFC 4861]. The header is the same shape, redrawn from
//! [RFC 4443 § 2.1]:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  echo:        Identifier      |        Sequence Number        |  4..8
//! |  packet too big:             MTU                              |
//! |  parameter problem:          Pointer                          |
//! |  others:      unused or type-specific (NDP flags, …)          |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  echo data, or as much of the invoking packet as fits in      |  8..
//! |  1280 bytes, or the NDP body (target address, options)        |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! Two differences from IPv4's ICMP matter when reading packets:
//!
//! - The type's high bit tells errors (0 to 127) from informational
//!   messages (128 to 255) ([RFC 4443 § 2.1]).
//! - The checksum covers an IPv6 pseudo-header too, like TCP and UDP
//!   ([RFC 4443 § 2.3], [RFC 8200 § 8.1]), so it needs the addresses:
//!   [`checksum_ok`].
//!
//! ## Which part is pnet, which is ours
//!
//! The common header (type, code, checksum) is read through pnet's
//! [`Icmpv6Packet`] and written through [`MutableIcmpv6Packet`]; the echo
//! identifier and sequence number through [`EchoRequestPacket`] (request
//! and reply share the layout). pnet has no view for packet too big or
//! parameter problem, and its neighbour-discovery views parse the options
//! that follow, so those four bytes are read by hand. The 8-byte check in
//! front is ours, so a short message says "ICMPv6 is truncated" rather
//! than pnet's bare `None`; so are the checksum (it needs the IPv6
//! pseudo-header, [`super::checksum`]) and the names of types and codes.
//!
//! Read before: [`super::ipv6`], [`super::icmpv4`], [`super::checksum`].
//! Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [RFC 4443 § 2.1]: https://datatracker.ietf.org/doc/html/rfc4443#section-2.1
//! [RFC 4443 § 2.3]: https://datatracker.ietf.org/doc/html/rfc4443#section-2.3
//! [RFC 8200 § 8.1]: https://datatracker.ietf.org/doc/html/rfc8200#section-8.1
//! [RFC 4861]: https://datatracker.ietf.org/doc/html/rfc4861

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use pnet_packet::Packet;
use pnet_packet::icmpv6::echo_request::EchoRequestPacket;
use pnet_packet::icmpv6::{
    Icmpv6Code, Icmpv6Packet, Icmpv6Type, MutableIcmpv6Packet,
};

use super::checksum::segment_checksum;
use super::ipv4::IpProtocol;
use super::rule::rule;
use super::{Error, Layer, check_len, check_room};

/// Byte ranges of the header, as in the diagram above. pnet's getters read
/// most of these (the test `pnet_reads_the_ranges_of_the_diagram` checks
/// it), so some are used only by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// What the message is.
    pub(crate) const TYPE: usize = 0;
    /// The detail within the type.
    pub(crate) const CODE: usize = 1;
    /// Checksum over pseudo-header and message.
    pub(crate) const CHECKSUM: Field = 2..4;
    /// Echo: identifier.
    pub(crate) const ECHO_IDENT: Field = 4..6;
    /// Echo: sequence number.
    pub(crate) const ECHO_SEQ: Field = 6..8;
    /// Packet too big: the MTU of the next link.
    pub(crate) const MTU: Field = 4..8;
    /// Parameter problem: the offset of the bad byte in the invoking
    /// packet.
    pub(crate) const POINTER: Field = 4..8;
    /// The four type-specific bytes, as a whole.
    pub(crate) const REST: Field = 4..8;
    /// Where the data starts.
    pub(crate) const DATA: usize = 8;
}

/// The length of the header every message has.
pub const HEADER_LEN: usize = field::DATA;

/// Why a packet could not be delivered: the code of a destination
/// unreachable message ([RFC 4443 § 3.1]).
///
/// [RFC 4443 § 3.1]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unreachable {
    /// 0: no route to destination.
    NoRoute,
    /// 1: communication with destination administratively prohibited.
    AdminProhibited,
    /// 2: beyond scope of source address.
    BeyondScope,
    /// 3: address unreachable (neighbour discovery got no answer).
    Address,
    /// 4: port unreachable: nothing listens on the UDP port.
    Port,
    /// 5: source address failed ingress/egress policy.
    SourcePolicy,
    /// 6: reject route to destination.
    RejectRoute,
    /// Any other code.
    Unknown(u8),
}

impl From<u8> for Unreachable {
    fn from(raw: u8) -> Self {
        match raw {
            0 => Unreachable::NoRoute,
            1 => Unreachable::AdminProhibited,
            2 => Unreachable::BeyondScope,
            3 => Unreachable::Address,
            4 => Unreachable::Port,
            5 => Unreachable::SourcePolicy,
            6 => Unreachable::RejectRoute,
            other => Unreachable::Unknown(other),
        }
    }
}

impl From<Unreachable> for u8 {
    fn from(code: Unreachable) -> Self {
        match code {
            Unreachable::NoRoute => 0,
            Unreachable::AdminProhibited => 1,
            Unreachable::BeyondScope => 2,
            Unreachable::Address => 3,
            Unreachable::Port => 4,
            Unreachable::SourcePolicy => 5,
            Unreachable::RejectRoute => 6,
            Unreachable::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreachable::NoRoute => f.write_str("no route to destination (0)"),
            Unreachable::AdminProhibited => {
                f.write_str("administratively prohibited (1)")
            }
            Unreachable::BeyondScope => {
                f.write_str("beyond scope of source address (2)")
            }
            Unreachable::Address => f.write_str("address unreachable (3)"),
            Unreachable::Port => f.write_str("port unreachable (4)"),
            Unreachable::SourcePolicy => {
                f.write_str("source address failed policy (5)")
            }
            Unreachable::RejectRoute => {
                f.write_str("reject route to destination (6)")
            }
            Unreachable::Unknown(raw) => write!(f, "code {raw}"),
        }
    }
}

/// What ran out: the code of a time exceeded message ([RFC 4443 § 3.3]).
///
/// [RFC 4443 § 3.3]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.3
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeExceeded {
    /// 0: the hop limit reached zero at a router.
    HopLimitExceeded,
    /// 1: not all fragments arrived in time.
    FragmentReassembly,
    /// Any other code.
    Unknown(u8),
}

impl From<u8> for TimeExceeded {
    fn from(raw: u8) -> Self {
        match raw {
            0 => TimeExceeded::HopLimitExceeded,
            1 => TimeExceeded::FragmentReassembly,
            other => TimeExceeded::Unknown(other),
        }
    }
}

impl From<TimeExceeded> for u8 {
    fn from(code: TimeExceeded) -> Self {
        match code {
            TimeExceeded::HopLimitExceeded => 0,
            TimeExceeded::FragmentReassembly => 1,
            TimeExceeded::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for TimeExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeExceeded::HopLimitExceeded => {
                f.write_str("hop limit exceeded in transit (0)")
            }
            TimeExceeded::FragmentReassembly => {
                f.write_str("fragment reassembly time exceeded (1)")
            }
            TimeExceeded::Unknown(raw) => write!(f, "code {raw}"),
        }
    }
}

/// The neighbour discovery messages of [RFC 4861 § 4], by type number.
///
/// [RFC 4861 § 4]: https://datatracker.ietf.org/doc/html/rfc4861#section-4
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ndp {
    /// 133: "routers, please announce yourselves".
    RouterSolicitation,
    /// 134: a router announces itself and the prefixes of the link.
    RouterAdvertisement,
    /// 135: "who has this IPv6 address?", IPv6's ARP request.
    NeighborSolicitation,
    /// 136: "I have it, at this link-layer address", IPv6's ARP reply.
    NeighborAdvertisement,
    /// 137: a router points a host at a better first hop.
    Redirect,
}

impl Ndp {
    /// The type number.
    pub fn message_type(self) -> u8 {
        match self {
            Ndp::RouterSolicitation => 133,
            Ndp::RouterAdvertisement => 134,
            Ndp::NeighborSolicitation => 135,
            Ndp::NeighborAdvertisement => 136,
            Ndp::Redirect => 137,
        }
    }

    /// The NDP message of type `raw`, if it is one.
    fn from_type(raw: u8) -> Option<Ndp> {
        match raw {
            133 => Some(Ndp::RouterSolicitation),
            134 => Some(Ndp::RouterAdvertisement),
            135 => Some(Ndp::NeighborSolicitation),
            136 => Some(Ndp::NeighborAdvertisement),
            137 => Some(Ndp::Redirect),
            _ => None,
        }
    }
}

impl fmt::Display for Ndp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ndp::RouterSolicitation => f.write_str("router solicitation"),
            Ndp::RouterAdvertisement => f.write_str("router advertisement"),
            Ndp::NeighborSolicitation => f.write_str("neighbor solicitation"),
            Ndp::NeighborAdvertisement => f.write_str("neighbor advertisement"),
            Ndp::Redirect => f.write_str("redirect"),
        }
    }
}

/// An ICMPv6 message by type, with what its header bytes 1 and 4..8 say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// Type 1: a packet could not be delivered ([RFC 4443 § 3.1]).
    ///
    /// [RFC 4443 § 3.1]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.1
    DestinationUnreachable {
        /// Why.
        code: Unreachable,
    },
    /// Type 2, code 0: the packet is bigger than the next link's MTU.
    /// IPv6 routers never fragment, so this is how the sender learns the
    /// path MTU ([RFC 4443 § 3.2], [RFC 8201]).
    ///
    /// [RFC 4443 § 3.2]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.2
    /// [RFC 8201]: https://datatracker.ietf.org/doc/html/rfc8201
    PacketTooBig {
        /// The MTU of the next link.
        mtu: u32,
    },
    /// Type 3: a timer ran out ([RFC 4443 § 3.3]).
    ///
    /// [RFC 4443 § 3.3]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.3
    TimeExceeded {
        /// Which timer.
        code: TimeExceeded,
    },
    /// Type 4: a header field of the invoking packet is wrong
    /// ([RFC 4443 § 3.4]).
    ///
    /// [RFC 4443 § 3.4]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.4
    ParameterProblem {
        /// 0 erroneous header field, 1 unrecognized Next Header type,
        /// 2 unrecognized IPv6 option.
        code: u8,
        /// The offset of the bad byte in the invoking packet.
        pointer: u32,
    },
    /// Type 128, code 0: `ping` asking ([RFC 4443 § 4.1]).
    ///
    /// [RFC 4443 § 4.1]: https://datatracker.ietf.org/doc/html/rfc4443#section-4.1
    EchoRequest {
        /// Copied into the reply.
        identifier: u16,
        /// Copied into the reply.
        sequence: u16,
    },
    /// Type 129, code 0: the answer ([RFC 4443 § 4.2]).
    ///
    /// [RFC 4443 § 4.2]: https://datatracker.ietf.org/doc/html/rfc4443#section-4.2
    EchoReply {
        /// The request's identifier.
        identifier: u16,
        /// The request's sequence number.
        sequence: u16,
    },
    /// Types 133 to 137, code 0: neighbour discovery. The body after the
    /// header (target address, options) is in the data range.
    Ndp {
        /// Which message.
        kind: Ndp,
        /// Header bytes 4..8: flags, hop limit and router lifetime in a
        /// router advertisement, the R/S/O flags in a neighbour
        /// advertisement, reserved (zero) otherwise.
        rest: [u8; 4],
    },
    /// Any other type, or a known type with a code its RFC does not
    /// give, kept whole.
    Other {
        /// The type.
        message_type: u8,
        /// The code.
        code: u8,
        /// Header bytes 4..8.
        rest: [u8; 4],
    },
}

impl Message {
    /// The type number.
    pub fn message_type(&self) -> u8 {
        match self {
            Message::DestinationUnreachable { .. } => 1,
            Message::PacketTooBig { .. } => 2,
            Message::TimeExceeded { .. } => 3,
            Message::ParameterProblem { .. } => 4,
            Message::EchoRequest { .. } => 128,
            Message::EchoReply { .. } => 129,
            Message::Ndp { kind, .. } => kind.message_type(),
            Message::Other { message_type, .. } => *message_type,
        }
    }

    /// The code number.
    pub fn code(&self) -> u8 {
        match self {
            Message::DestinationUnreachable { code } => u8::from(*code),
            Message::TimeExceeded { code } => u8::from(*code),
            Message::ParameterProblem { code, .. }
            | Message::Other { code, .. } => *code,
            Message::PacketTooBig { .. }
            | Message::EchoRequest { .. }
            | Message::EchoReply { .. }
            | Message::Ndp { .. } => 0,
        }
    }

    /// Whether this is an error message, quoting the packet that caused
    /// it: "Error messages are identified as such by a zero in the
    /// high-order bit of their message Type field values" (RFC 4443
    /// § 2.1).
    pub fn is_error(&self) -> bool {
        self.message_type() & 0x80 == 0
    }

    /// Header bytes 4..8 as they go on the wire.
    fn rest(&self) -> [u8; 4] {
        match self {
            Message::EchoRequest {
                identifier,
                sequence,
            }
            | Message::EchoReply {
                identifier,
                sequence,
            } => {
                let [a, b] = identifier.to_be_bytes();
                let [c, d] = sequence.to_be_bytes();
                [a, b, c, d]
            }
            Message::PacketTooBig { mtu } => mtu.to_be_bytes(),
            Message::ParameterProblem { pointer, .. } => pointer.to_be_bytes(),
            Message::DestinationUnreachable { .. }
            | Message::TimeExceeded { .. } => [0; 4],
            Message::Ndp { rest, .. } | Message::Other { rest, .. } => *rest,
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::DestinationUnreachable { code } => {
                write!(f, "destination unreachable: {code}")
            }
            Message::PacketTooBig { mtu } => {
                write!(f, "packet too big: MTU {mtu}")
            }
            Message::TimeExceeded { code } => {
                write!(f, "time exceeded: {code}")
            }
            Message::ParameterProblem { pointer, .. } => {
                write!(f, "parameter problem at byte {pointer}")
            }
            Message::EchoRequest { .. } => f.write_str("echo request"),
            Message::EchoReply { .. } => f.write_str("echo reply"),
            Message::Ndp { kind, .. } => kind.fmt(f),
            Message::Other {
                message_type, code, ..
            } => write!(f, "type {message_type} code {code}"),
        }
    }
}

/// An ICMPv6 header as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Type, code and the four type-specific bytes.
    pub message: Message,
    /// The checksum as found in the message. [`Repr::emit`] ignores it
    /// and computes the right one.
    pub checksum: u16,
}

impl Repr {
    /// Reads the ICMPv6 message `message` (the upper-layer bytes of an
    /// IPv6 packet, after any extension headers). Returns the header with
    /// the range of `message` that holds the echo data, the quoted
    /// invoking packet (for errors) or the NDP body.
    ///
    /// The checksum is not checked here, because that needs the IPv6
    /// addresses: call [`checksum_ok`].
    pub fn parse(
        message: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's views need 4 (Icmpv6Packet) or 8 (echo) bytes; we check
        // for the 8 every message has, so a short one says which layer
        // ran out of bytes rather than pnet's bare `None`.
        check_len(Layer::Icmpv6, message, HEADER_LEN)?;
        let icmp = Icmpv6Packet::new(message)
            .expect("check_len proved the 8 bytes pnet's views need");
        let message_type = icmp.get_icmpv6_type().0;
        let code = icmp.get_icmpv6_code().0;
        // Echo request and reply share a layout; pnet's request view
        // reads the identifier and sequence number of both.
        let echo = || {
            let echo = EchoRequestPacket::new(message)
                .expect("check_len proved the 8 bytes pnet's views need");
            (echo.get_identifier(), echo.get_sequence_number())
        };
        // pnet has no view for packet too big or parameter problem, and
        // its NDP views want the whole body: the four type-specific bytes
        // are read by hand.
        let mut rest = [0u8; 4];
        rest.copy_from_slice(&message[field::REST]);
        let rest_u32 = u32::from_be_bytes(rest);

        let parsed = match (message_type, code) {
            (1, _) => Message::DestinationUnreachable {
                code: Unreachable::from(code),
            },
            (2, 0) => Message::PacketTooBig { mtu: rest_u32 },
            (3, _) => Message::TimeExceeded {
                code: TimeExceeded::from(code),
            },
            (4, _) => Message::ParameterProblem {
                code,
                pointer: rest_u32,
            },
            (128, 0) => {
                let (identifier, sequence) = echo();
                Message::EchoRequest {
                    identifier,
                    sequence,
                }
            }
            (129, 0) => {
                let (identifier, sequence) = echo();
                Message::EchoReply {
                    identifier,
                    sequence,
                }
            }
            _ => match (Ndp::from_type(message_type), code) {
                (Some(kind), 0) => Message::Ndp { kind, rest },
                _ => Message::Other {
                    message_type,
                    code,
                    rest,
                },
            },
        };
        let repr = Repr {
            message: parsed,
            checksum: icmp.get_checksum(),
        };
        Ok((repr, HEADER_LEN..message.len()))
    }

    /// Writes the header into the start of `message`, which must already
    /// hold the data after [`HEADER_LEN`] bytes and be exactly as long as
    /// the whole message. The checksum covers all of it and the IPv6
    /// pseudo-header made from `src` and `dst`.
    ///
    /// The "unused" bytes of error messages are written as zero.
    pub fn emit(
        &self,
        message: &mut [u8],
        src: Ipv6Addr,
        dst: Ipv6Addr,
    ) -> Result<(), Error> {
        check_room(Layer::Icmpv6, message, HEADER_LEN)?;
        // The four type-specific bytes first; pnet's `Icmpv6Packet` sees
        // them as the start of its payload.
        message[field::REST].copy_from_slice(&self.message.rest());
        let mut icmp = MutableIcmpv6Packet::new(message)
            .expect("check_room proved the 8 bytes pnet's view needs");
        icmp.set_icmpv6_type(Icmpv6Type(self.message.message_type()));
        icmp.set_icmpv6_code(Icmpv6Code(self.message.code()));
        // RFC 4443 § 2.3: "For computing the checksum, the checksum field
        // is first set to zero."
        icmp.set_checksum(0);
        let Some(checksum) = segment_checksum(
            icmp.packet(),
            IpAddr::V6(src),
            IpAddr::V6(dst),
            IpProtocol::Icmpv6,
        ) else {
            return Err(Error::Malformed {
                layer: Layer::Icmpv6,
                rule: rule!(
                    "wire-icmpv6-too-long",
                    length = icmp.packet().len()
                ),
                spec: "RFC 4443 § 2.3",
            });
        };
        icmp.set_checksum(checksum);
        Ok(())
    }
}

/// Whether the checksum of `message` (a whole ICMPv6 message, as
/// received) is right for a packet from `src` to `dst`.
///
/// RFC 4443 § 2.3: "The checksum is the 16-bit one's complement of the
/// one's complement sum of the entire ICMPv6 message, starting with the
/// ICMPv6 message type field, and prepended with a 'pseudo-header' of IPv6
/// header fields, as specified in [IPv6, Section 8.1]. The Next Header
/// value used in the pseudo-header is 58."
pub fn checksum_ok(message: &[u8], src: Ipv6Addr, dst: Ipv6Addr) -> bool {
    segment_checksum(
        message,
        IpAddr::V6(src),
        IpAddr::V6(dst),
        IpProtocol::Icmpv6,
    ) == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{ICMPV6_ECHO_FRAME, ICMPV6_ECHO_ICMP};

    const LO: Ipv6Addr = Ipv6Addr::LOCALHOST;

    fn echo() -> &'static [u8] {
        &ICMPV6_ECHO_FRAME[ICMPV6_ECHO_ICMP]
    }

    #[test]
    fn parses_the_ping() {
        let (repr, data) = Repr::parse(echo()).expect("valid message");
        assert_eq!(
            repr.message,
            Message::EchoRequest {
                identifier: 0x1234,
                sequence: 1
            }
        );
        assert_eq!(repr.checksum, 0x8eb1);
        assert!(!repr.message.is_error());
        assert_eq!(&echo()[data], b"ping");
        assert!(checksum_ok(echo(), LO, LO));
    }

    #[test]
    fn emit_round_trips() {
        let (repr, _) = Repr::parse(echo()).expect("valid message");
        let mut out = echo().to_vec();
        out[..HEADER_LEN].fill(0);
        repr.emit(&mut out, LO, LO).expect("valid header");
        assert_eq!(out, echo());
    }

    #[test]
    fn every_truncation_is_an_error_or_a_bad_checksum() {
        for len in 0..HEADER_LEN {
            assert_eq!(
                Repr::parse(&echo()[..len]),
                Err(Error::Truncated {
                    layer: Layer::Icmpv6,
                    needed: 8,
                    available: len
                })
            );
        }
        for len in HEADER_LEN..echo().len() {
            assert!(Repr::parse(&echo()[..len]).is_ok());
            assert!(!checksum_ok(&echo()[..len], LO, LO), "cut at {len}");
        }
    }

    #[test]
    fn the_pseudo_header_ties_the_checksum_to_the_addresses() {
        let other: Ipv6Addr = "2001:db8::1".parse().expect("address");
        assert!(!checksum_ok(echo(), LO, other));
        let mut message = echo().to_vec();
        message[8] = b'P';
        assert!(!checksum_ok(&message, LO, LO));
    }

    #[test]
    fn errors_and_their_codes() {
        let cases: [([u8; 8], &str); 4] = [
            (
                [1, 4, 0, 0, 0, 0, 0, 0],
                "destination unreachable: port unreachable (4)",
            ),
            ([2, 0, 0, 0, 0, 0, 0x05, 0x00], "packet too big: MTU 1280"),
            (
                [3, 0, 0, 0, 0, 0, 0, 0],
                "time exceeded: hop limit exceeded in transit (0)",
            ),
            ([4, 1, 0, 0, 0, 0, 0, 6], "parameter problem at byte 6"),
        ];
        for (header, shown) in cases {
            let (repr, quoted) = Repr::parse(&header).expect("valid header");
            assert!(repr.message.is_error());
            assert_eq!(repr.message.to_string(), shown);
            assert_eq!(quoted, 8..8);
            let mut out = [0u8; 8];
            repr.emit(&mut out, LO, LO).expect("valid header");
            assert_eq!(out[..2], header[..2]);
            assert_eq!(out[4..], header[4..]);
        }
    }

    #[test]
    fn ndp_messages_are_named_by_number() {
        for (raw, kind) in [
            (133, Ndp::RouterSolicitation),
            (134, Ndp::RouterAdvertisement),
            (135, Ndp::NeighborSolicitation),
            (136, Ndp::NeighborAdvertisement),
            (137, Ndp::Redirect),
        ] {
            let header = [raw, 0, 0, 0, 0x60, 0, 0, 0];
            let (repr, _) = Repr::parse(&header).expect("valid header");
            assert_eq!(
                repr.message,
                Message::Ndp {
                    kind,
                    rest: [0x60, 0, 0, 0]
                }
            );
            assert!(!repr.message.is_error());
        }
        // Code 1 is not neighbour discovery (RFC 4861 § 7.1.1).
        let (repr, _) =
            Repr::parse(&[135, 1, 0, 0, 0, 0, 0, 0]).expect("valid header");
        assert!(matches!(repr.message, Message::Other { .. }));
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..echo().len() {
            for value in 0..=255u8 {
                let mut message = echo().to_vec();
                message[at] = value;
                if let Ok((repr, _)) = Repr::parse(&message) {
                    let mut out = message.clone();
                    repr.emit(&mut out, LO, LO).expect("valid header");
                }
            }
        }
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut message = [0u8; 8];
        message[field::TYPE] = 128;
        message[field::CODE] = 3;
        message[field::CHECKSUM].copy_from_slice(&0xbeefu16.to_be_bytes());
        message[field::ECHO_IDENT].copy_from_slice(&0x1234u16.to_be_bytes());
        message[field::ECHO_SEQ].copy_from_slice(&0x0506u16.to_be_bytes());
        let icmp = Icmpv6Packet::new(&message).expect("4 bytes");
        assert_eq!(icmp.get_icmpv6_type().0, 128);
        assert_eq!(icmp.get_icmpv6_code().0, 3);
        assert_eq!(icmp.get_checksum(), 0xbeef);
        assert_eq!(&icmp.payload()[..2], &message[field::REST][..2]);
        let echo = EchoRequestPacket::new(&message).expect("8 bytes");
        assert_eq!(echo.get_identifier(), 0x1234);
        assert_eq!(echo.get_sequence_number(), 0x0506);
        assert_eq!(field::MTU, field::POINTER);
        assert_eq!(field::DATA, HEADER_LEN);
    }

    #[test]
    fn a_bad_checksum_is_reported_not_rejected() {
        let mut message = echo().to_vec();
        message[2] ^= 0xff;
        let (repr, _) = Repr::parse(&message).expect("still parses");
        assert_eq!(repr.checksum, 0x8eb1 ^ 0xff00);
        assert!(!checksum_ok(&message, LO, LO));
    }

    #[test]
    fn codes_round_trip() {
        for raw in 0..=255u8 {
            assert_eq!(u8::from(Unreachable::from(raw)), raw);
            assert_eq!(u8::from(TimeExceeded::from(raw)), raw);
        }
    }
}
