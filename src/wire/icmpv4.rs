//! ICMP: IPv4's own messages, for `ping` and for errors (OSI layer 3).
//!
//! IP delivers packets without a word when it fails. ICMP is how a router
//! or host says what went wrong ("port unreachable", "time exceeded"), and
//! how `ping` asks "are you there?". An ICMP message rides in an IPv4
//! packet with protocol 1, but it belongs to IP itself: "ICMP, uses the
//! basic support of IP as if it were a higher level protocol, however,
//! ICMP is actually an integral part of IP" ([RFC 792]). Every message
//! starts with the same 8 bytes, redrawn from [RFC 792]:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  echo:        Identifier      |        Sequence Number        |  4..8
//! |  errors:      unused (zero)   |  [next-hop MTU, RFC 1191]     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  echo:   data, returned unchanged in the reply                |  8..
//! |  errors: the original datagram's IP header + at least 8 bytes |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! The *type* says what the message is, the *code* refines it. An error
//! quotes the start of the datagram that caused it, so the sender can tell
//! which of its connections failed: its IP header and the first 8 bytes
//! of payload, enough for the UDP or TCP ports. (Linux quotes more, up to
//! 576 bytes in all, [RFC 1812 § 4.3.2.3].) [`Repr::parse`] returns the
//! range of that quote, or of the echo data.
//!
//! ICMP has no length field: the message is the whole IP payload. Its
//! checksum covers all of it, with no pseudo-header; a bad one is
//! reported in [`Repr::checksum_ok`], not as an error.
//!
//! ## Which part is pnet, which is ours
//!
//! The common header (type, code, checksum) is read through pnet's
//! [`IcmpPacket`] and written through [`MutableIcmpPacket`]; the echo
//! identifier and sequence through [`EchoRequestPacket`] (echo request and
//! reply share the layout) and the next-hop MTU through
//! [`DestinationUnreachablePacket`]. pnet has no view for redirect or
//! parameter problem, so those four bytes are read by hand. The 8-byte
//! check in front is ours, so a short message says "ICMP is truncated"
//! rather than pnet's bare `None`; the checksum and the names of types and
//! codes are ours too.
//!
//! Read before: [`super::ipv4`]. Compare with [`super::icmpv6`].
//! Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
//! [RFC 1812 § 4.3.2.3]: https://datatracker.ietf.org/doc/html/rfc1812#section-4.3.2.3

use std::fmt;
use std::net::Ipv4Addr;

use pnet_packet::Packet;
use pnet_packet::icmp::destination_unreachable::DestinationUnreachablePacket;
use pnet_packet::icmp::echo_request::EchoRequestPacket;
use pnet_packet::icmp::{IcmpCode, IcmpPacket, IcmpType, MutableIcmpPacket};

use super::checksum::internet_checksum;
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
    /// Checksum over the whole message.
    pub(crate) const CHECKSUM: Field = 2..4;
    /// Echo: identifier, to match replies to the pinging process.
    pub(crate) const ECHO_IDENT: Field = 4..6;
    /// Echo: sequence number, one per ping.
    pub(crate) const ECHO_SEQ: Field = 6..8;
    /// Destination unreachable, code 4: the MTU of the next hop.
    pub(crate) const NEXT_HOP_MTU: Field = 6..8;
    /// Redirect: the better gateway.
    pub(crate) const GATEWAY: Field = 4..8;
    /// Parameter problem: the byte of the original header that is wrong.
    pub(crate) const POINTER: usize = 4;
    /// The four type-specific bytes, as a whole.
    pub(crate) const REST: Field = 4..8;
    /// Where the echo data or the quoted datagram starts.
    pub(crate) const DATA: usize = 8;
}

/// The length of the header every message has.
pub const HEADER_LEN: usize = field::DATA;

/// The type numbers of [RFC 792].
///
/// [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
mod kind {
    pub(super) const ECHO_REPLY: u8 = 0;
    pub(super) const DESTINATION_UNREACHABLE: u8 = 3;
    pub(super) const REDIRECT: u8 = 5;
    pub(super) const ECHO_REQUEST: u8 = 8;
    pub(super) const TIME_EXCEEDED: u8 = 11;
    pub(super) const PARAMETER_PROBLEM: u8 = 12;
}

/// Why a datagram could not be delivered: the code of a destination
/// unreachable message ([RFC 792], [RFC 1812 § 5.2.7.1]).
///
/// [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
/// [RFC 1812 § 5.2.7.1]: https://datatracker.ietf.org/doc/html/rfc1812#section-5.2.7.1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Unreachable {
    /// 0: no route to the network.
    Net,
    /// 1: the network is reached, the host does not answer.
    Host,
    /// 2: the host does not speak the IP protocol (e.g. SCTP).
    Protocol,
    /// 3: nothing listens on the UDP port.
    Port,
    /// 4: the datagram is too big for the next link and has DF set; the
    /// message carries the next hop's MTU (path MTU discovery,
    /// [RFC 1191 § 4]).
    ///
    /// [RFC 1191 § 4]: https://datatracker.ietf.org/doc/html/rfc1191#section-4
    FragmentationNeeded,
    /// 5: a source route could not be followed.
    SourceRouteFailed,
    /// 13: a filter refused the datagram ([RFC 1812 § 5.2.7.1]).
    ///
    /// [RFC 1812 § 5.2.7.1]: https://datatracker.ietf.org/doc/html/rfc1812#section-5.2.7.1
    AdminProhibited,
    /// Any other code.
    Unknown(u8),
}

impl From<u8> for Unreachable {
    fn from(raw: u8) -> Self {
        match raw {
            0 => Unreachable::Net,
            1 => Unreachable::Host,
            2 => Unreachable::Protocol,
            3 => Unreachable::Port,
            4 => Unreachable::FragmentationNeeded,
            5 => Unreachable::SourceRouteFailed,
            13 => Unreachable::AdminProhibited,
            other => Unreachable::Unknown(other),
        }
    }
}

impl From<Unreachable> for u8 {
    fn from(code: Unreachable) -> Self {
        match code {
            Unreachable::Net => 0,
            Unreachable::Host => 1,
            Unreachable::Protocol => 2,
            Unreachable::Port => 3,
            Unreachable::FragmentationNeeded => 4,
            Unreachable::SourceRouteFailed => 5,
            Unreachable::AdminProhibited => 13,
            Unreachable::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for Unreachable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreachable::Net => f.write_str("net unreachable (0)"),
            Unreachable::Host => f.write_str("host unreachable (1)"),
            Unreachable::Protocol => f.write_str("protocol unreachable (2)"),
            Unreachable::Port => f.write_str("port unreachable (3)"),
            Unreachable::FragmentationNeeded => {
                f.write_str("fragmentation needed and DF set (4)")
            }
            Unreachable::SourceRouteFailed => {
                f.write_str("source route failed (5)")
            }
            Unreachable::AdminProhibited => {
                f.write_str("administratively prohibited (13)")
            }
            Unreachable::Unknown(raw) => write!(f, "code {raw}"),
        }
    }
}

/// What ran out: the code of a time exceeded message ([RFC 792]).
///
/// [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimeExceeded {
    /// 0: the TTL reached zero at a router. `traceroute` lives on these.
    TtlExceeded,
    /// 1: not all fragments arrived in time to reassemble the datagram.
    FragmentReassembly,
    /// Any other code.
    Unknown(u8),
}

impl From<u8> for TimeExceeded {
    fn from(raw: u8) -> Self {
        match raw {
            0 => TimeExceeded::TtlExceeded,
            1 => TimeExceeded::FragmentReassembly,
            other => TimeExceeded::Unknown(other),
        }
    }
}

impl From<TimeExceeded> for u8 {
    fn from(code: TimeExceeded) -> Self {
        match code {
            TimeExceeded::TtlExceeded => 0,
            TimeExceeded::FragmentReassembly => 1,
            TimeExceeded::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for TimeExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeExceeded::TtlExceeded => {
                f.write_str("time to live exceeded in transit (0)")
            }
            TimeExceeded::FragmentReassembly => {
                f.write_str("fragment reassembly time exceeded (1)")
            }
            TimeExceeded::Unknown(raw) => write!(f, "code {raw}"),
        }
    }
}

/// An ICMP message by type, with what its header bytes 1 and 4..8 say.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    /// Type 8, code 0: `ping` asking.
    EchoRequest {
        /// Chosen by the sender (Linux: the socket's port); copied into
        /// the reply.
        identifier: u16,
        /// Counts the pings; copied into the reply.
        sequence: u16,
    },
    /// Type 0, code 0: the answer to an echo request, with its
    /// identifier, sequence number and data.
    EchoReply {
        /// The request's identifier.
        identifier: u16,
        /// The request's sequence number.
        sequence: u16,
    },
    /// Type 3: a datagram could not be delivered.
    DestinationUnreachable {
        /// Why.
        code: Unreachable,
        /// For [`Unreachable::FragmentationNeeded`], the largest datagram
        /// the next link takes ([RFC 1191 § 4]); otherwise 0 ("unused").
        ///
        /// [RFC 1191 § 4]: https://datatracker.ietf.org/doc/html/rfc1191#section-4
        next_hop_mtu: u16,
    },
    /// Type 5: use another router for this destination.
    Redirect {
        /// 0 network, 1 host, 2 type of service and network, 3 type of
        /// service and host.
        code: u8,
        /// The router to use instead.
        gateway: Ipv4Addr,
    },
    /// Type 11: a datagram was dropped because a timer ran out.
    TimeExceeded {
        /// Which timer.
        code: TimeExceeded,
    },
    /// Type 12: a header field of the original datagram is wrong.
    ParameterProblem {
        /// The code (0: the pointer says where).
        code: u8,
        /// The byte of the original header that is wrong.
        pointer: u8,
    },
    /// Any other type, or an echo with a code other than 0, kept whole.
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
            Message::EchoRequest { .. } => kind::ECHO_REQUEST,
            Message::EchoReply { .. } => kind::ECHO_REPLY,
            Message::DestinationUnreachable { .. } => {
                kind::DESTINATION_UNREACHABLE
            }
            Message::Redirect { .. } => kind::REDIRECT,
            Message::TimeExceeded { .. } => kind::TIME_EXCEEDED,
            Message::ParameterProblem { .. } => kind::PARAMETER_PROBLEM,
            Message::Other { message_type, .. } => *message_type,
        }
    }

    /// The code number.
    pub fn code(&self) -> u8 {
        match self {
            Message::EchoRequest { .. } | Message::EchoReply { .. } => 0,
            Message::DestinationUnreachable { code, .. } => u8::from(*code),
            Message::TimeExceeded { code } => u8::from(*code),
            Message::Redirect { code, .. }
            | Message::ParameterProblem { code, .. }
            | Message::Other { code, .. } => *code,
        }
    }

    /// Whether this is an error message, whose data quotes the datagram
    /// that caused it.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Message::DestinationUnreachable { .. }
                | Message::Redirect { .. }
                | Message::TimeExceeded { .. }
                | Message::ParameterProblem { .. }
        )
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
            Message::DestinationUnreachable { next_hop_mtu, .. } => {
                let [c, d] = next_hop_mtu.to_be_bytes();
                [0, 0, c, d]
            }
            Message::Redirect { gateway, .. } => gateway.octets(),
            Message::TimeExceeded { .. } => [0; 4],
            Message::ParameterProblem { pointer, .. } => [*pointer, 0, 0, 0],
            Message::Other { rest, .. } => *rest,
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::EchoRequest { .. } => f.write_str("echo request"),
            Message::EchoReply { .. } => f.write_str("echo reply"),
            Message::DestinationUnreachable { code, .. } => {
                write!(f, "destination unreachable: {code}")
            }
            Message::Redirect { .. } => f.write_str("redirect"),
            Message::TimeExceeded { code } => {
                write!(f, "time exceeded: {code}")
            }
            Message::ParameterProblem { .. } => {
                f.write_str("parameter problem")
            }
            Message::Other {
                message_type, code, ..
            } => write!(f, "type {message_type} code {code}"),
        }
    }
}

/// An ICMP header as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Type, code and the four type-specific bytes.
    pub message: Message,
    /// The checksum as found in the message. [`Repr::emit`] ignores it
    /// and computes the right one.
    pub checksum: u16,
    /// Whether `checksum` matched the message.
    pub checksum_ok: bool,
}

impl Repr {
    /// Reads the ICMP message `message` (a whole IPv4 payload) and checks
    /// its checksum. Returns the header with the range of `message` that
    /// holds the echo data or, for an error, the quoted datagram (to parse
    /// with [`super::ipv4::Repr::parse`], remembering that a quote is
    /// usually cut short, so the quoted packet reads as truncated).
    pub fn parse(
        message: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's views need 4 (IcmpPacket) or 8 (echo, unreachable)
        // bytes; we check for the 8 every message has.
        check_len(Layer::Icmpv4, message, HEADER_LEN)?;
        let icmp = IcmpPacket::new(message)
            .expect("check_len proved the 8 bytes pnet's views need");
        let message_type = icmp.get_icmp_type().0;
        let code = icmp.get_icmp_code().0;
        let echo = || {
            let echo = EchoRequestPacket::new(message)
                .expect("check_len proved the 8 bytes pnet's views need");
            (echo.get_identifier(), echo.get_sequence_number())
        };

        let parsed = match (message_type, code) {
            // "Code 0" is the only code RFC 792 gives echo; anything else
            // is kept whole as Other so that emit rebuilds it.
            (kind::ECHO_REQUEST, 0) => {
                let (identifier, sequence) = echo();
                Message::EchoRequest {
                    identifier,
                    sequence,
                }
            }
            (kind::ECHO_REPLY, 0) => {
                let (identifier, sequence) = echo();
                Message::EchoReply {
                    identifier,
                    sequence,
                }
            }
            (kind::DESTINATION_UNREACHABLE, _) => {
                let code = Unreachable::from(code);
                // RFC 1191 § 4: "the low-order 16 bits of the ICMP header
                // field that is labelled 'unused' in the ICMP
                // specification" carry the next-hop MTU, for code 4 only.
                let next_hop_mtu = if code == Unreachable::FragmentationNeeded {
                    DestinationUnreachablePacket::new(message)
                        .expect("check_len proved the 8 bytes pnet needs")
                        .get_next_hop_mtu()
                } else {
                    0
                };
                Message::DestinationUnreachable { code, next_hop_mtu }
            }
            (kind::REDIRECT, _) => {
                let g = &message[field::GATEWAY];
                Message::Redirect {
                    code,
                    gateway: Ipv4Addr::new(g[0], g[1], g[2], g[3]),
                }
            }
            (kind::TIME_EXCEEDED, _) => Message::TimeExceeded {
                code: TimeExceeded::from(code),
            },
            (kind::PARAMETER_PROBLEM, _) => Message::ParameterProblem {
                code,
                pointer: message[field::POINTER],
            },
            _ => {
                let mut rest = [0u8; 4];
                rest.copy_from_slice(&message[field::REST]);
                Message::Other {
                    message_type,
                    code,
                    rest,
                }
            }
        };

        // "The checksum is the 16-bit ones's complement of the one's
        // complement sum of the ICMP message starting with the ICMP Type."
        // The whole message, then: summing it with the checksum in place
        // gives zero when they agree.
        let repr = Repr {
            message: parsed,
            checksum: icmp.get_checksum(),
            checksum_ok: internet_checksum(message) == 0,
        };
        Ok((repr, HEADER_LEN..message.len()))
    }

    /// Writes the header into the start of `message`, which must already
    /// hold the data after [`HEADER_LEN`] bytes and be exactly as long as
    /// the whole message: the checksum covers all of it.
    ///
    /// The "unused" bytes of error messages are written as zero.
    pub fn emit(&self, message: &mut [u8]) -> Result<(), Error> {
        check_room(Layer::Icmpv4, message, HEADER_LEN)?;
        // The four type-specific bytes first; pnet's `IcmpPacket` sees them
        // as the start of its payload.
        message[field::REST].copy_from_slice(&self.message.rest());
        let mut icmp = MutableIcmpPacket::new(message)
            .expect("check_room proved the 8 bytes pnet's view needs");
        icmp.set_icmp_type(IcmpType(self.message.message_type()));
        icmp.set_icmp_code(IcmpCode(self.message.code()));
        // "For computing the checksum, the checksum field should be zero."
        icmp.set_checksum(0);
        let checksum = internet_checksum(icmp.packet());
        icmp.set_checksum(checksum);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{
        HELLO_IPV4, HELLO_UDP_FRAME, ICMP_ECHO_FRAME, ICMP_ECHO_ICMP,
        ICMP_PORT_UNREACHABLE_FRAME, ICMP_PORT_UNREACHABLE_ICMP,
        ICMP_PORT_UNREACHABLE_QUOTED,
    };
    use crate::wire::{ipv4, udp};

    fn echo() -> &'static [u8] {
        &ICMP_ECHO_FRAME[ICMP_ECHO_ICMP]
    }

    fn unreachable() -> &'static [u8] {
        &ICMP_PORT_UNREACHABLE_FRAME[ICMP_PORT_UNREACHABLE_ICMP]
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut message = [0u8; HEADER_LEN];
        message[field::TYPE] = 3;
        message[field::CODE] = 4;
        message[field::CHECKSUM].copy_from_slice(&[0xbe, 0xef]);
        message[field::ECHO_IDENT].copy_from_slice(&[0x12, 0x34]);
        message[field::NEXT_HOP_MTU].copy_from_slice(&[0x05, 0xdc]);
        let icmp = IcmpPacket::new(&message).expect("4 bytes");
        assert_eq!((icmp.get_icmp_type().0, icmp.get_icmp_code().0), (3, 4));
        assert_eq!(icmp.get_checksum(), 0xbeef);
        let echo = EchoRequestPacket::new(&message).expect("8 bytes");
        assert_eq!(echo.get_identifier(), 0x1234);
        assert_eq!(echo.get_sequence_number(), 1500);
        let unreachable =
            DestinationUnreachablePacket::new(&message).expect("8 bytes");
        assert_eq!(unreachable.get_next_hop_mtu(), 1500);
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
        assert_eq!(repr.checksum, 0x06fa);
        assert!(repr.checksum_ok);
        assert!(!repr.message.is_error());
        assert_eq!(&echo()[data], b"ping");
        assert_eq!(repr.message.to_string(), "echo request");
    }

    #[test]
    fn parses_the_port_unreachable_and_its_quote() {
        let (repr, quoted) = Repr::parse(unreachable()).expect("valid message");
        assert_eq!(
            repr.message,
            Message::DestinationUnreachable {
                code: Unreachable::Port,
                next_hop_mtu: 0
            }
        );
        assert!(repr.checksum_ok);
        assert!(repr.message.is_error());
        assert_eq!(
            repr.message.to_string(),
            "destination unreachable: port unreachable (3)"
        );
        // The quote, in frame offsets, is the fixture's range ...
        let start = ICMP_PORT_UNREACHABLE_ICMP.start;
        assert_eq!(
            quoted.start + start..quoted.end + start,
            ICMP_PORT_UNREACHABLE_QUOTED
        );
        // ... and it is the UDP datagram that went nowhere.
        let quote = &unreachable()[quoted];
        assert_eq!(quote, &HELLO_UDP_FRAME[HELLO_IPV4]);
        let (ip, payload) = ipv4::Repr::parse(quote).expect("whole quote");
        let (datagram, _) = udp::Repr::parse(&quote[payload]).expect("UDP");
        assert_eq!(ip.protocol, ipv4::IpProtocol::Udp);
        assert_eq!(datagram.dst_port, 9999);
    }

    #[test]
    fn the_fixtures_travel_in_valid_ipv4_packets() {
        for (frame, icmp) in [
            (&ICMP_ECHO_FRAME[..], ICMP_ECHO_ICMP),
            (&ICMP_PORT_UNREACHABLE_FRAME[..], ICMP_PORT_UNREACHABLE_ICMP),
        ] {
            let (ip, payload) = ipv4::Repr::parse(&frame[14..]).expect("IP");
            assert!(ip.checksum_ok);
            assert_eq!(ip.protocol, ipv4::IpProtocol::Icmp);
            assert_eq!(14 + payload.start..14 + payload.end, icmp);
        }
    }

    #[test]
    fn emit_round_trips() {
        for message in [echo(), unreachable()] {
            let (repr, _) = Repr::parse(message).expect("valid message");
            let mut out = message.to_vec();
            out[..HEADER_LEN].fill(0);
            repr.emit(&mut out).expect("valid header");
            assert_eq!(out, message);
        }
    }

    #[test]
    fn emit_builds_an_echo_reply() {
        let reply = Repr {
            message: Message::EchoReply {
                identifier: 0x1234,
                sequence: 1,
            },
            checksum: 0,
            checksum_ok: true,
        };
        let mut out = echo().to_vec();
        reply.emit(&mut out).expect("valid header");
        let (again, data) = Repr::parse(&out).expect("valid message");
        assert_eq!(again.message, reply.message);
        assert!(again.checksum_ok);
        assert_eq!(&out[data], b"ping");
        assert!(matches!(
            reply.emit(&mut out[..7]),
            Err(Error::BufferTooSmall { needed: 8, .. })
        ));
    }

    #[test]
    fn every_truncation_is_an_error_or_a_bad_checksum() {
        for message in [echo(), unreachable()] {
            for len in 0..HEADER_LEN {
                assert_eq!(
                    Repr::parse(&message[..len]),
                    Err(Error::Truncated {
                        layer: Layer::Icmpv4,
                        needed: 8,
                        available: len
                    })
                );
            }
            // With no length field, a cut message past the header still
            // parses; only the checksum can tell.
            for len in HEADER_LEN..message.len() {
                let (repr, _) = Repr::parse(&message[..len]).expect("header");
                assert!(!repr.checksum_ok, "cut at {len}");
            }
        }
    }

    #[test]
    fn bad_checksum_is_reported_not_rejected() {
        let mut message = echo().to_vec();
        message[8] = b'P';
        let (repr, _) = Repr::parse(&message).expect("still parses");
        assert!(!repr.checksum_ok);
    }

    #[test]
    fn other_types_and_odd_codes_round_trip_whole() {
        // Timestamp request (13), and an echo request with code 1.
        for header in [[13, 0, 0, 0, 1, 2, 3, 4], [8, 1, 0, 0, 0, 7, 0, 9]] {
            let (repr, _) = Repr::parse(&header).expect("valid header");
            assert!(matches!(repr.message, Message::Other { .. }));
            let mut out = [0u8; 8];
            repr.emit(&mut out).expect("valid header");
            assert_eq!(out[..2], header[..2]);
            assert_eq!(out[4..], header[4..]);
        }
    }

    #[test]
    fn fragmentation_needed_carries_the_mtu() {
        let header = [3, 4, 0, 0, 0, 0, 0x05, 0xdc];
        let (repr, _) = Repr::parse(&header).expect("valid header");
        assert_eq!(
            repr.message,
            Message::DestinationUnreachable {
                code: Unreachable::FragmentationNeeded,
                next_hop_mtu: 1500
            }
        );
    }

    #[test]
    fn time_exceeded_and_redirect_parse() {
        let (repr, _) =
            Repr::parse(&[11, 0, 0, 0, 0, 0, 0, 0]).expect("valid header");
        assert_eq!(
            repr.message.to_string(),
            "time exceeded: time to live exceeded in transit (0)"
        );
        let (repr, _) =
            Repr::parse(&[5, 1, 0, 0, 10, 0, 0, 1]).expect("valid header");
        assert_eq!(
            repr.message,
            Message::Redirect {
                code: 1,
                gateway: Ipv4Addr::new(10, 0, 0, 1)
            }
        );
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..unreachable().len() {
            for value in 0..=255u8 {
                let mut message = unreachable().to_vec();
                message[at] = value;
                let _ = Repr::parse(&message);
            }
        }
    }

    #[test]
    fn codes_round_trip() {
        for raw in 0..=255u8 {
            assert_eq!(u8::from(Unreachable::from(raw)), raw);
            assert_eq!(u8::from(TimeExceeded::from(raw)), raw);
        }
    }
}
