//! The packet an ICMP error quotes: the IP header of the packet that
//! caused the error, and the first 8 bytes of what it carried (OSI
//! layer 3, looking back at layer 4).
//!
//! When a router drops a packet (no route, TTL at zero, too big for the
//! next link) or a host finds no one listening on a UDP port, it answers
//! with an ICMP error that *quotes* the start of the offending packet, so
//! the sender can tell which of its connections the error is about. How
//! much is quoted has grown over the years:
//!
//! - ICMP for IPv4: "the internet header plus the first 64 bits of the
//!   original datagram's data" ([RFC 792], e.g. under *Destination
//!   Unreachable Message*). Routers "SHOULD" quote more, up to 576 bytes
//!   in all ([RFC 1812 § 4.3.2.3]); Linux does.
//! - ICMPv6: "as much of invoking packet as possible without the ICMPv6
//!   packet exceeding the minimum IPv6 MTU" of 1280 bytes
//!   ([RFC 4443 § 3.1]).
//!
//! So a quoted packet is almost always *cut*: its IP header says 1500
//! bytes, the quote holds 28. That is how the message is meant to be, not
//! a broken packet, so the quoted headers are read with the cut allowed
//! (`ipv4::Repr::parse_captured`, `ipv6::Repr::parse_captured`), and a
//! quote that ends inside a header is reported as cut there ([`Cut`]),
//! never as malformed.
//!
//! The 8 bytes RFC 792 promises are exactly enough for the two things a
//! sender needs to match the error to a connection ([RFC 5927 § 4.1]):
//! both ports, and for TCP the sequence number.
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  TCP: Sequence Number                                         |  4..8
//! |  UDP: Length                  |  UDP: Checksum                |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! A quoted UDP header is whole in those 8 bytes and is read by
//! [`super::udp`]; a quoted TCP header that is whole (some routers quote
//! more) by [`super::tcp`]. A TCP header cut before its 20 bytes is read
//! here, as a [`TcpStart`]. A quoted ICMP or ICMPv6 message (an error
//! about a ping, as `traceroute -I` gets back) has its 8-byte header in
//! those 8 bytes too; its checksum covers the whole message, so it can
//! only be checked when the quote holds all of it. The checksums of a
//! quoted UDP or TCP header are never checked: the quote is the start of
//! the segment at best.
//!
//! ## Which part is pnet, which is ours
//!
//! All of this file is ours: pnet's `TcpPacket::new` wants the whole
//! 20-byte header and answers `None` to the 8 bytes a quote guarantees,
//! so the two ports and the sequence number are read by hand. The IP and
//! UDP headers of the quote go through the same pnet views as any other.
//!
//! Read before: [`super::icmpv4`], [`super::icmpv6`]. Used by
//! [`super::dissect`]. Book: `book/src/lesson-07.md`.
//! Run: `netlab dissect FILE`.
//!
//! [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
//! [RFC 1812 § 4.3.2.3]: https://datatracker.ietf.org/doc/html/rfc1812#section-4.3.2.3
//! [RFC 4443 § 3.1]: https://datatracker.ietf.org/doc/html/rfc4443#section-3.1
//! [RFC 5927 § 4.1]: https://datatracker.ietf.org/doc/html/rfc5927#section-4.1

use std::ops::Range;

use super::{Error, Layer, check_len, read_u16, read_u32};

/// Byte ranges of the first 8 bytes of a TCP header, as in the diagram
/// above ([RFC 9293 § 3.1]).
///
/// [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
pub(crate) mod field {
    use crate::wire::Field;

    /// Source port.
    pub(crate) const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub(crate) const DST_PORT: Field = 2..4;
    /// TCP's sequence number.
    pub(crate) const SEQ: Field = 4..8;
}

/// How many bytes of the transport header RFC 792 promises.
pub const PROMISED_LEN: usize = 8;

/// The start of a quoted TCP header: what the 8 promised bytes hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TcpStart {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// The sequence number of the quoted segment: a host checks that it
    /// lies in the connection's send window before believing the error
    /// ([RFC 5927 § 4.1]).
    ///
    /// [RFC 5927 § 4.1]: https://datatracker.ietf.org/doc/html/rfc5927#section-4.1
    pub seq: u32,
}

impl TcpStart {
    /// Reads the first 8 bytes of a TCP header. Fewer than 8 is
    /// [`Error::Truncated`]; there is nothing in them that can break a
    /// rule.
    pub fn parse(quote: &[u8]) -> Result<(TcpStart, Range<usize>), Error> {
        check_len(Layer::Tcp, quote, PROMISED_LEN)?;
        let start = TcpStart {
            src_port: read_u16(quote, field::SRC_PORT.start),
            dst_port: read_u16(quote, field::DST_PORT.start),
            seq: read_u32(quote, field::SEQ.start),
        };
        Ok((start, 0..PROMISED_LEN))
    }
}

/// Where a quote ends inside a header: the header is cut there, by the
/// ICMP sender, not broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cut {
    /// The header the quote ends in.
    pub layer: Layer,
    /// How many bytes that header needs.
    pub needed: usize,
    /// How many of them the quote holds.
    pub available: usize,
}

impl Cut {
    /// The cut a [`Error::Truncated`] describes, if it is one. A quote can
    /// still hold a malformed header: that stays an error.
    pub fn from_error(error: &Error) -> Option<Cut> {
        match *error {
            Error::Truncated {
                layer,
                needed,
                available,
            } => Some(Cut {
                layer,
                needed,
                available,
            }),
            _ => None,
        }
    }
}

/// What a dissector knows about a quoted packet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Quote {
    /// Where the quoted bytes are, in the frame.
    pub bytes: Range<usize>,
    /// How long the quoted packet was, by its own IP header, when the
    /// quote reaches that far.
    pub original: Option<usize>,
    /// The header the quote ends inside, if it ends inside one.
    pub cut: Option<Cut>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{SYN_FRAME, SYN_IPV4};

    /// The loopback SYN's TCP header: what a router quotes the start of.
    fn tcp() -> &'static [u8] {
        &SYN_FRAME[SYN_IPV4.start + 20..]
    }

    #[test]
    fn reads_the_ports_and_sequence_number() {
        let (start, used) = TcpStart::parse(tcp()).expect("8 bytes");
        assert_eq!(
            start,
            TcpStart {
                src_port: 54321,
                dst_port: 5222,
                seq: 0x5a1b_2c3d
            }
        );
        assert_eq!(used, 0..PROMISED_LEN);
    }

    #[test]
    fn every_shorter_quote_is_truncated_never_a_panic() {
        for len in 0..PROMISED_LEN {
            let err = TcpStart::parse(&tcp()[..len]).expect_err("short");
            assert_eq!(
                Cut::from_error(&err),
                Some(Cut {
                    layer: Layer::Tcp,
                    needed: 8,
                    available: len
                })
            );
        }
        assert!(TcpStart::parse(&tcp()[..PROMISED_LEN]).is_ok());
    }

    #[test]
    fn a_malformed_header_is_not_a_cut() {
        let err = Error::Malformed {
            layer: Layer::Ipv4,
            rule: crate::wire::rule::rule!(
                "wire-ipv4-ihl",
                length = 16u8,
                minimum = 20u8
            ),
            spec: "RFC 791 § 3.1",
        };
        assert_eq!(Cut::from_error(&err), None);
    }
}
