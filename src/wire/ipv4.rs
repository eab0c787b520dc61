//! IPv4: the envelope that crosses networks, from host to host (OSI
//! layer 3).
//!
//! Ethernet gets a frame to the next box on the wire; IP gets a packet from
//! the first host to the last, through any number of routers. Its header,
//! redrawn from [RFC 791 § 3.1]:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |Version|  IHL  |   DSCP    |ECN|          Total Length         |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |         Identification        |Flags|     Fragment Offset     |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Time to Live |    Protocol   |        Header Checksum        |  8..12
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Source Address                         | 12..16
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                     Destination Address                       | 16..20
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Options (IHL > 5 only)     |    Padding    | 20..
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! RFC 791 called the second byte "Type of Service"; it is now split into
//! the Differentiated Services code point ([RFC 2474 § 3]) and two bits of
//! Explicit Congestion Notification ([RFC 3168 § 5]).
//!
//! Two length fields describe the packet, and both can lie, so both are
//! checked against the captured bytes before anything else is read:
//!
//! - **IHL**, the header length in 32-bit words: at least 5 (20 bytes),
//!   at most 15 (60 bytes, so 40 bytes of options).
//! - **Total length**, header plus payload in bytes. Ethernet pads short
//!   frames to 60 bytes, so the captured buffer may be *longer* than the
//!   packet; the payload ends where total length says, not where the
//!   buffer does.
//!
//! The header checksum covers the header only ([`super::checksum`]). A bad
//! one is reported in [`Repr::checksum_ok`], not as an error: a dissector
//! wants to *show* a corrupted packet, not refuse it.
//!
//! ## Which part is pnet, which is ours
//!
//! The fields are read through pnet's view, [`Ipv4Packet`]
//! (`get_ttl()`, `get_source()`, …), and written through
//! [`MutableIpv4Packet`]: the bit-twiddling of the diagram is pnet's. What
//! stays ours is everything pnet does not promise. `Ipv4Packet::new` checks
//! only that the fixed 20 bytes are there; it does not look at IHL or total
//! length, and its variable-length accessors (`get_options_raw()`,
//! `payload()`) quietly clamp a lying length to the end of the buffer
//! (older pnet versions panicked instead). So the version, IHL and total
//! length are checked against the buffer, with the RFC's sentence at each
//! check, *before* any accessor that depends on them is called. The
//! checksum ([`super::checksum`]) and the [`IpProtocol`] names are ours too:
//! they are lessons of their own.
//!
//! Read before: [`super::ethernet`]. Read next: [`super::tcp`],
//! [`super::udp`]. Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 2474 § 3]: https://datatracker.ietf.org/doc/html/rfc2474#section-3
//! [RFC 3168 § 5]: https://datatracker.ietf.org/doc/html/rfc3168#section-5

use std::fmt;
use std::net::Ipv4Addr;

use pnet_packet::Packet;
use pnet_packet::ip::IpNextHeaderProtocol;
use pnet_packet::ipv4::{Ipv4Packet, MutableIpv4Packet};

use super::checksum::internet_checksum;
use super::rule::{Rule, rule};
use super::{Error, Layer, check_len, check_room};

/// Byte ranges of the header, as in the diagram above. pnet's getters read
/// these same ranges (the test `pnet_reads_the_ranges_of_the_diagram`
/// checks it), so some are used only by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// Version (high 4 bits) and IHL (low 4 bits).
    pub(crate) const VER_IHL: usize = 0;
    /// DSCP (high 6 bits) and ECN (low 2 bits).
    pub(crate) const DSCP_ECN: usize = 1;
    /// Total length of the packet in bytes, header included.
    pub(crate) const TOTAL_LEN: Field = 2..4;
    /// Identification: which packet a fragment belongs to.
    pub(crate) const IDENT: Field = 4..6;
    /// Flags (high 3 bits) and fragment offset (low 13 bits).
    pub(crate) const FLG_OFF: Field = 6..8;
    /// Time to live: hops left before a router drops the packet.
    pub(crate) const TTL: usize = 8;
    /// The protocol of the payload.
    pub(crate) const PROTOCOL: usize = 9;
    /// Header checksum.
    pub(crate) const CHECKSUM: Field = 10..12;
    /// Source address.
    pub(crate) const SRC_ADDR: Field = 12..16;
    /// Destination address.
    pub(crate) const DST_ADDR: Field = 16..20;
    /// Where options start, when IHL is above 5.
    pub(crate) const OPTIONS: usize = 20;
}

/// The length of a header without options.
pub const MIN_HEADER_LEN: usize = 20;
/// The longest header IHL can describe: 15 words of 4 bytes.
pub const MAX_HEADER_LEN: usize = 60;

/// The section cited by most rules in this file.
const SPEC: &str = "RFC 791 § 3.1";

/// What the payload of an IP packet is: the *Protocol* field of IPv4, the
/// *Next Header* field of IPv6, both numbered by the [IANA protocol
/// registry].
///
/// [IANA protocol registry]: https://www.iana.org/assignments/protocol-numbers/protocol-numbers.xhtml
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IpProtocol {
    /// 1, Internet Control Message Protocol ([RFC 792]).
    ///
    /// [RFC 792]: https://datatracker.ietf.org/doc/html/rfc792
    Icmp,
    /// 6, Transmission Control Protocol ([RFC 9293]).
    ///
    /// [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
    Tcp,
    /// 17, User Datagram Protocol ([RFC 768]).
    ///
    /// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
    Udp,
    /// 58, ICMP for IPv6 ([RFC 4443]).
    ///
    /// [RFC 4443]: https://datatracker.ietf.org/doc/html/rfc4443
    Icmpv6,
    /// Any other number.
    Unknown(u8),
}

impl From<u8> for IpProtocol {
    fn from(raw: u8) -> Self {
        match raw {
            1 => IpProtocol::Icmp,
            6 => IpProtocol::Tcp,
            17 => IpProtocol::Udp,
            58 => IpProtocol::Icmpv6,
            other => IpProtocol::Unknown(other),
        }
    }
}

impl From<IpProtocol> for u8 {
    fn from(protocol: IpProtocol) -> Self {
        match protocol {
            IpProtocol::Icmp => 1,
            IpProtocol::Tcp => 6,
            IpProtocol::Udp => 17,
            IpProtocol::Icmpv6 => 58,
            IpProtocol::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IpProtocol::Icmp => f.write_str("ICMP (1)"),
            IpProtocol::Tcp => f.write_str("TCP (6)"),
            IpProtocol::Udp => f.write_str("UDP (17)"),
            IpProtocol::Icmpv6 => f.write_str("ICMPv6 (58)"),
            IpProtocol::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// An IPv4 header as plain values.
///
/// The two lengths are not stored: they follow from `options` and
/// `payload_len` ([`Repr::header_len`], [`Repr::total_len`]), so a `Repr`
/// cannot contradict itself.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Differentiated Services code point, 0 to 63 ([RFC 2474 § 3]).
    ///
    /// [RFC 2474 § 3]: https://datatracker.ietf.org/doc/html/rfc2474#section-3
    pub dscp: u8,
    /// Explicit Congestion Notification, 0 to 3 ([RFC 3168 § 5]).
    ///
    /// [RFC 3168 § 5]: https://datatracker.ietf.org/doc/html/rfc3168#section-5
    pub ecn: u8,
    /// Identification: the same for every fragment of one packet.
    pub identification: u16,
    /// Flag bit 0: "reserved, must be zero" (RFC 791 § 3.1). Kept so that
    /// a packet that sets it can be shown and rebuilt as it was.
    pub reserved_flag: bool,
    /// Flag DF, don't fragment: a router must drop the packet rather than
    /// split it (and say so with ICMP; this is how path MTU discovery works).
    pub dont_fragment: bool,
    /// Flag MF, more fragments: this is not the last piece.
    pub more_fragments: bool,
    /// Where this fragment's data sits in the original packet, in units of
    /// 8 bytes (13 bits, 0 to 8191).
    pub fragment_offset: u16,
    /// Time to live: each router subtracts one and drops the packet at 0.
    pub ttl: u8,
    /// What the payload is.
    pub protocol: IpProtocol,
    /// The header checksum as found in the packet. [`Repr::emit`] ignores
    /// it and computes the right one.
    pub checksum: u16,
    /// Whether `checksum` matched the header. Always `true` for a `Repr`
    /// built by hand.
    pub checksum_ok: bool,
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// The option bytes, padding included: 0 to 40 bytes, a multiple of 4.
    pub options: Vec<u8>,
    /// How many bytes of payload follow the header.
    pub payload_len: usize,
}

impl Repr {
    /// Reads the header at the start of `packet` and checks both length
    /// fields against it. Returns the header with the range of `packet`
    /// that holds the payload.
    ///
    /// A buffer shorter than the lengths say is [`Error::Truncated`] (the
    /// capture lost bytes); lengths that break RFC 791 are
    /// [`Error::Malformed`].
    // ANCHOR: parse
    pub fn parse(
        packet: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(packet, false)
    }
    // ANCHOR_END: parse

    /// Like [`Repr::parse`], for a capture that kept only the first bytes
    /// of each frame (its *snapshot length*): the header must be whole, but
    /// the datagram may end early. The payload range then stops at the end
    /// of `packet`.
    pub fn parse_captured(
        packet: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(packet, true)
    }

    fn parse_inner(
        packet: &[u8],
        cut_allowed: bool,
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's `Ipv4Packet::new` checks exactly this much, and no more.
        check_len(Layer::Ipv4, packet, MIN_HEADER_LEN)?;
        let ip = Ipv4Packet::new(packet)
            .expect("check_len proved the 20 bytes pnet's view needs");

        // "The Version field indicates the format of the internet header.
        // This document describes version 4."
        let version = ip.get_version();
        if version != 4 {
            return Err(malformed(rule!(
                "wire-ipv4-version",
                version = version
            )));
        }

        // "Internet Header Length is the length of the internet header in
        // 32 bit words ... Note that the minimum value for a correct header
        // is 5."
        let header_len = usize::from(ip.get_header_length()) * 4;
        if header_len < MIN_HEADER_LEN {
            return Err(malformed(rule!(
                "wire-ipv4-ihl",
                length = header_len,
                minimum = MIN_HEADER_LEN
            )));
        }
        check_len(Layer::Ipv4, packet, header_len)?;

        // "Total Length is the length of the datagram, measured in octets,
        // including internet header and data." So it cannot be shorter
        // than the header it includes.
        let total_len = usize::from(ip.get_total_length());
        if total_len < header_len {
            return Err(malformed(rule!(
                "wire-ipv4-total-length",
                total = total_len,
                header = header_len
            )));
        }
        if !cut_allowed {
            check_len(Layer::Ipv4, packet, total_len)?;
        }
        let end = total_len.min(packet.len());

        // From here on both lengths are known to fit the buffer, so pnet's
        // length-dependent accessors (the options) read what the header
        // says, not a clamped guess.
        // "The checksum field is the 16 bit one's complement of the one's
        // complement sum of all 16 bit words in the header." Summing the
        // header with its checksum in place gives zero when they agree.
        let checksum_ok = internet_checksum(&ip.packet()[..header_len]) == 0;
        // "Bit 0: reserved, must be zero. Bit 1: (DF) ... Bit 2: (MF)"
        // pnet gives the three flag bits as one number, 0 to 7.
        let flags = ip.get_flags();

        let repr = Repr {
            dscp: ip.get_dscp(),
            ecn: ip.get_ecn(),
            identification: ip.get_identification(),
            reserved_flag: flags & 0b100 != 0,
            dont_fragment: flags & 0b010 != 0,
            more_fragments: flags & 0b001 != 0,
            fragment_offset: ip.get_fragment_offset(),
            ttl: ip.get_ttl(),
            protocol: IpProtocol::from(ip.get_next_level_protocol().0),
            checksum: ip.get_checksum(),
            checksum_ok,
            src: ip.get_source(),
            dst: ip.get_destination(),
            options: ip.get_options_raw().to_vec(),
            payload_len: total_len - header_len,
        };
        Ok((repr, header_len..end))
    }

    /// The header length in bytes: 20 plus the options.
    pub fn header_len(&self) -> usize {
        MIN_HEADER_LEN + self.options.len()
    }

    /// The total length in bytes: header plus payload.
    pub fn total_len(&self) -> usize {
        self.header_len() + self.payload_len
    }

    /// Whether this packet is a piece of a larger one: the payload of a
    /// fragment is not a whole TCP or UDP segment.
    pub fn is_fragment(&self) -> bool {
        self.more_fragments || self.fragment_offset != 0
    }

    /// Writes the header, with a freshly computed checksum, into the start
    /// of `buffer`; the payload goes after [`Repr::header_len`] bytes.
    ///
    /// Fails if the options are not a multiple of 4 bytes up to 40, or the
    /// total length does not fit in 16 bits: such a header cannot be
    /// written.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let header_len = self.header_len();
        if header_len > MAX_HEADER_LEN || !self.options.len().is_multiple_of(4)
        {
            return Err(malformed(rule!(
                "wire-ipv4-options",
                length = self.options.len(),
                maximum = MAX_HEADER_LEN - MIN_HEADER_LEN
            )));
        }
        let Ok(total_len) = u16::try_from(self.total_len()) else {
            return Err(malformed(rule!(
                "wire-ipv4-total-length-too-big",
                length = self.total_len()
            )));
        };
        check_room(Layer::Ipv4, buffer, header_len)?;

        let mut ip = MutableIpv4Packet::new(&mut buffer[..header_len])
            .expect("check_room proved the 20 bytes pnet's view needs");
        ip.set_version(4);
        // header_len is at most 60, so IHL fits in 4 bits.
        ip.set_header_length((header_len / 4) as u8);
        // pnet stores what it is given; cut each value to its field width.
        ip.set_dscp(self.dscp & 0x3f);
        ip.set_ecn(self.ecn & 0x03);
        ip.set_total_length(total_len);
        ip.set_identification(self.identification);
        ip.set_flags(
            (u8::from(self.reserved_flag) << 2)
                | (u8::from(self.dont_fragment) << 1)
                | u8::from(self.more_fragments),
        );
        ip.set_fragment_offset(self.fragment_offset & 0x1fff);
        ip.set_ttl(self.ttl);
        ip.set_next_level_protocol(IpNextHeaderProtocol(u8::from(
            self.protocol,
        )));
        ip.set_source(self.src);
        ip.set_destination(self.dst);
        ip.get_options_raw_mut().copy_from_slice(&self.options);

        // "For purposes of computing the checksum, the value of the
        // checksum field is zero."
        ip.set_checksum(0);
        let checksum = internet_checksum(ip.packet());
        ip.set_checksum(checksum);
        Ok(())
    }
}

/// A [`Error::Malformed`] for a rule of RFC 791 § 3.1.
fn malformed(rule: Rule) -> Error {
    Error::Malformed {
        layer: Layer::Ipv4,
        rule,
        spec: SPEC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{
        HELLO_IPV4, HELLO_UDP_FRAME, SYN_FRAME, SYN_IPV4,
    };

    fn syn() -> &'static [u8] {
        &SYN_FRAME[SYN_IPV4]
    }

    #[test]
    fn parses_the_loopback_syn() {
        let (repr, payload) = Repr::parse(syn()).expect("valid packet");
        assert_eq!(repr.header_len(), 20);
        assert_eq!(repr.total_len(), 60);
        assert_eq!((repr.dscp, repr.ecn), (0, 0));
        assert_eq!(repr.identification, 0x3f2a);
        assert!(repr.dont_fragment);
        assert!(!repr.more_fragments);
        assert!(!repr.is_fragment());
        assert_eq!(repr.ttl, 64);
        assert_eq!(repr.protocol, IpProtocol::Tcp);
        assert_eq!(repr.checksum, 0xfd8f);
        assert!(repr.checksum_ok);
        assert_eq!(repr.src, Ipv4Addr::LOCALHOST);
        assert_eq!(repr.dst, Ipv4Addr::LOCALHOST);
        assert!(repr.options.is_empty());
        assert_eq!(payload, 20..60);
    }

    #[test]
    fn emit_round_trips() {
        for packet in [syn(), &HELLO_UDP_FRAME[HELLO_IPV4]] {
            let (repr, _) = Repr::parse(packet).expect("valid packet");
            let mut out = vec![0u8; repr.header_len()];
            repr.emit(&mut out).expect("options are valid");
            assert_eq!(out, packet[..20]);
        }
    }

    #[test]
    fn emit_with_options_round_trips() {
        let (mut repr, _) = Repr::parse(syn()).expect("valid packet");
        // Two NOPs and an end-of-options list, padded to a word.
        repr.options = vec![1, 1, 0, 0];
        let mut out = vec![0u8; repr.total_len()];
        repr.emit(&mut out).expect("options are valid");
        assert_eq!(out[0], 0x46, "IHL 6 for 24 bytes");
        let (again, payload) = Repr::parse(&out).expect("valid packet");
        assert!(again.checksum_ok);
        assert_eq!(again.options, [1, 1, 0, 0]);
        assert_eq!(payload, 24..64);
    }

    #[test]
    fn emit_refuses_ragged_options() {
        let (mut repr, _) = Repr::parse(syn()).expect("valid packet");
        repr.options = vec![1, 1, 0];
        let mut out = [0u8; 60];
        assert!(matches!(repr.emit(&mut out), Err(Error::Malformed { .. })));
    }

    #[test]
    fn every_truncation_is_an_error() {
        let packet = syn();
        for len in 0..packet.len() {
            let err = Repr::parse(&packet[..len]).expect_err("too short");
            let needed = if len < 20 { 20 } else { 60 };
            assert_eq!(
                err,
                Error::Truncated {
                    layer: Layer::Ipv4,
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
        let (_, payload) = Repr::parse(&padded).expect("valid packet");
        assert_eq!(payload, 20..60);
    }

    #[test]
    fn bad_checksum_is_reported_not_rejected() {
        let mut packet = syn().to_vec();
        packet[8] = 63; // TTL 63: the checksum no longer matches.
        let (repr, _) = Repr::parse(&packet).expect("still parses");
        assert!(!repr.checksum_ok);
    }

    #[test]
    fn ihl_below_5_is_malformed() {
        let mut packet = syn().to_vec();
        packet[0] = 0x44;
        let err = Repr::parse(&packet).expect_err("IHL 4");
        assert_eq!(
            err.to_string(),
            "IPv4 header length 16 is below the minimum of 20 (RFC 791 § 3.1)"
        );
    }

    #[test]
    fn ihl_past_the_buffer_is_truncated() {
        let mut packet = syn().to_vec();
        packet.truncate(40);
        packet[0] = 0x4f; // 60-byte header in a 40-byte buffer
        assert_eq!(
            Repr::parse(&packet),
            Err(Error::Truncated {
                layer: Layer::Ipv4,
                needed: 60,
                available: 40
            })
        );
    }

    #[test]
    fn total_length_below_header_is_malformed() {
        let mut packet = syn().to_vec();
        packet[2..4].copy_from_slice(&19u16.to_be_bytes());
        let err = Repr::parse(&packet).expect_err("total length 19");
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }

    #[test]
    fn version_6_is_malformed() {
        let mut packet = syn().to_vec();
        packet[0] = 0x65;
        let err = Repr::parse(&packet).expect_err("version 6");
        assert_eq!(err.to_string(), "IPv4 version 6 is not 4 (RFC 791 § 3.1)");
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        // No value in any byte may make parse panic.
        for at in 0..syn().len() {
            for value in [0x00, 0x01, 0x0f, 0x40, 0x4f, 0x80, 0xff] {
                let mut packet = syn().to_vec();
                packet[at] = value;
                let _ = Repr::parse(&packet);
            }
        }
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut packet = [0u8; 24];
        packet[field::VER_IHL] = 0x46;
        packet[field::DSCP_ECN] = 0xb9;
        packet[field::TOTAL_LEN].copy_from_slice(&24u16.to_be_bytes());
        packet[field::IDENT].copy_from_slice(&0x1234u16.to_be_bytes());
        packet[field::FLG_OFF].copy_from_slice(&0xa005u16.to_be_bytes());
        packet[field::TTL] = 7;
        packet[field::PROTOCOL] = 17;
        packet[field::CHECKSUM].copy_from_slice(&0xbeefu16.to_be_bytes());
        packet[field::SRC_ADDR].copy_from_slice(&[10, 0, 0, 1]);
        packet[field::DST_ADDR].copy_from_slice(&[10, 0, 0, 2]);
        packet[field::OPTIONS..].copy_from_slice(&[1, 1, 1, 0]);
        let ip = Ipv4Packet::new(&packet).expect("20 bytes");
        assert_eq!((ip.get_version(), ip.get_header_length()), (4, 6));
        assert_eq!((ip.get_dscp(), ip.get_ecn()), (0x2e, 1));
        assert_eq!(ip.get_total_length(), 24);
        assert_eq!(ip.get_identification(), 0x1234);
        assert_eq!((ip.get_flags(), ip.get_fragment_offset()), (0b101, 5));
        assert_eq!((ip.get_ttl(), ip.get_next_level_protocol().0), (7, 17));
        assert_eq!(ip.get_checksum(), 0xbeef);
        assert_eq!(ip.get_source(), Ipv4Addr::new(10, 0, 0, 1));
        assert_eq!(ip.get_destination(), Ipv4Addr::new(10, 0, 0, 2));
        assert_eq!(ip.get_options_raw(), [1, 1, 1, 0]);
    }

    #[test]
    fn pnet_alone_clamps_lying_lengths_silently() {
        // Why our checks stand in front: IHL 15 (60 bytes) and total length
        // 1000 in a 24-byte buffer. pnet 0.35 does not refuse this packet,
        // it hands back whatever bytes there are.
        let mut packet = syn()[..24].to_vec();
        packet[0] = 0x4f;
        packet[2..4].copy_from_slice(&1000u16.to_be_bytes());
        let ip = Ipv4Packet::new(&packet).expect("pnet checks only 20 bytes");
        assert_eq!(ip.get_options_raw().len(), 4, "not the 40 IHL claims");
        assert!(ip.payload().is_empty());
        assert!(matches!(Repr::parse(&packet), Err(Error::Truncated { .. })));
    }

    #[test]
    fn protocols_display_by_name() {
        assert_eq!(IpProtocol::from(6).to_string(), "TCP (6)");
        assert_eq!(IpProtocol::from(89).to_string(), "unknown (89)");
        for raw in 0..=255u8 {
            assert_eq!(u8::from(IpProtocol::from(raw)), raw);
        }
    }
}
