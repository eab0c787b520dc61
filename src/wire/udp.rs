//! UDP: one datagram from one port to another, nothing more (OSI layer 4).
//!
//! Where TCP builds a stream with handshakes and acknowledgments, UDP adds
//! just enough to IP to reach a *port*: the two port numbers, a length and
//! a checksum. Its whole header, redrawn from [RFC 768]:
//!
//! ```text
//!  0      7 8     15 16    23 24    31
//! +--------+--------+--------+--------+
//! |   Source Port   |  Destination    |  0..4
//! |                 |      Port       |
//! +--------+--------+--------+--------+
//! |     Length      |    Checksum     |  4..8
//! +--------+--------+--------+--------+
//! |          data octets ...           8..
//! +---------------- ...
//! ```
//!
//! The length counts header and data, so it is at least 8 and at most the
//! bytes the IP payload holds; both are checked before the data is handed
//! on. The checksum is optional over IPv4 (0 means "not computed") but
//! mandatory over IPv6 ([RFC 8200 § 8.1]).
//!
//! ## Which part is pnet, which is ours
//!
//! The four fields are read through pnet's [`UdpPacket`] and written
//! through [`MutableUdpPacket`]. `UdpPacket::new` checks only that 8 bytes
//! are there; it never compares the length field with the buffer, and its
//! `payload()` runs to the end of the buffer whatever the length says
//! (Ethernet padding included). So the length is checked first, against
//! RFC 768's minimum and against the bytes captured, and the data range we
//! return ends where the length says. The checksum is computed by our
//! [`super::checksum`], which shows the pseudo-header step by step.
//!
//! Read before: [`super::ipv4`], [`super::checksum`]. Compare with
//! [`super::tcp`]. Book: `book/src/lesson-07.md`, `book/src/lesson-09.md`.
//! Run: `netlab lesson 7`.
//!
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 8200 § 8.1]: https://datatracker.ietf.org/doc/html/rfc8200#section-8.1

use std::net::IpAddr;

use pnet_packet::udp::{MutableUdpPacket, UdpPacket};

use super::checksum::segment_checksum;
use super::ipv4::IpProtocol;
use super::rule::rule;
use super::{Error, Layer, check_len, check_room};

/// Byte ranges of the header, as in the diagram above. pnet's getters read
/// these same ranges (the test `pnet_reads_the_ranges_of_the_diagram`
/// checks it), so some are used only by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// Source port: "an optional field"; 0 when the sender expects no reply.
    pub(crate) const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub(crate) const DST_PORT: Field = 2..4;
    /// Length of header plus data, in bytes.
    pub(crate) const LENGTH: Field = 4..6;
    /// Checksum over pseudo-header, header and data; 0 for none (IPv4).
    pub(crate) const CHECKSUM: Field = 6..8;
    /// Where the data starts.
    pub(crate) const PAYLOAD: usize = 8;
}

/// The length of the header, which has no options.
pub const HEADER_LEN: usize = field::PAYLOAD;

/// A UDP header as plain values.
///
/// The length is not stored: it is 8 plus `payload_len`
/// ([`Repr::length`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// The checksum as found in the datagram; 0 means the sender computed
    /// none. [`Repr::emit`] ignores it and computes the right one.
    pub checksum: u16,
    /// How many bytes of data follow the header.
    pub payload_len: usize,
}

impl Repr {
    /// Reads the header at the start of `datagram` (a whole IP payload)
    /// and checks its length field. Returns it with the range of
    /// `datagram` that holds the data.
    ///
    /// The checksum is not checked here, because that needs the IP
    /// addresses: call [`checksum_ok`].
    pub fn parse(
        datagram: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(datagram, false)
    }

    /// Like [`Repr::parse`], for a datagram whose end the capture cut off
    /// (snapshot length): the payload range stops at the end of the buffer.
    pub fn parse_captured(
        datagram: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        Self::parse_inner(datagram, true)
    }

    fn parse_inner(
        datagram: &[u8],
        cut_allowed: bool,
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's `UdpPacket::new` checks these 8 bytes and nothing else.
        check_len(Layer::Udp, datagram, HEADER_LEN)?;
        let udp = UdpPacket::new(datagram)
            .expect("check_len proved the 8 bytes pnet's view needs");

        // RFC 768: "Length is the length in octets of this user datagram
        // including this header and the data. (This means the minimum
        // value of the length is eight.)"
        let length = usize::from(udp.get_length());
        if length < HEADER_LEN {
            return Err(Error::Malformed {
                layer: Layer::Udp,
                rule: rule!(
                    "wire-udp-length",
                    length = length,
                    minimum = HEADER_LEN
                ),
                spec: "RFC 768",
            });
        }
        // A length beyond the buffer means bytes are missing.
        if !cut_allowed {
            check_len(Layer::Udp, datagram, length)?;
        }

        let repr = Repr {
            src_port: udp.get_source(),
            dst_port: udp.get_destination(),
            checksum: udp.get_checksum(),
            payload_len: length - HEADER_LEN,
        };
        Ok((repr, HEADER_LEN..length.min(datagram.len())))
    }

    /// The value of the length field: 8 plus the data.
    pub fn length(&self) -> usize {
        HEADER_LEN + self.payload_len
    }

    /// Writes the header into the start of `datagram`, which must already
    /// hold the `payload_len` data bytes after the header. The checksum
    /// covers them and the pseudo-header made from `src` and `dst`.
    pub fn emit(
        &self,
        datagram: &mut [u8],
        src: IpAddr,
        dst: IpAddr,
    ) -> Result<(), Error> {
        let Ok(length) = u16::try_from(self.length()) else {
            return Err(Error::Malformed {
                layer: Layer::Udp,
                rule: rule!("wire-udp-length-too-big", length = self.length()),
                spec: "RFC 768",
            });
        };
        check_room(Layer::Udp, datagram, self.length())?;
        let datagram = &mut datagram[..self.length()];

        let mut udp = MutableUdpPacket::new(datagram)
            .expect("check_room proved the 8 bytes pnet's view needs");
        udp.set_source(self.src_port);
        udp.set_destination(self.dst_port);
        udp.set_length(length);
        udp.set_checksum(0);
        let Some(checksum) =
            segment_checksum(datagram, src, dst, IpProtocol::Udp)
        else {
            return Err(Error::Malformed {
                layer: Layer::Udp,
                rule: rule!(
                    "wire-mixed-families",
                    src = src.to_string(),
                    dst = dst.to_string()
                ),
                spec: "RFC 768",
            });
        };
        // RFC 768: "If the computed checksum is zero, it is transmitted as
        // all ones", because all zeros already means "no checksum".
        let checksum = if checksum == 0 { 0xffff } else { checksum };
        MutableUdpPacket::new(datagram)
            .expect("check_room proved the 8 bytes pnet's view needs")
            .set_checksum(checksum);
        Ok(())
    }
}

/// Whether the checksum of `datagram` (header and data, exactly `length`
/// bytes, as received) is right for a packet from `src` to `dst`.
///
/// A checksum field of 0 means the sender computed none: that is accepted
/// over IPv4 ([RFC 768]) and refused over IPv6, where "IPv6 receivers must
/// discard UDP packets containing a zero checksum" ([RFC 8200 § 8.1]).
/// `false` for a buffer too short to hold a header, or for addresses of
/// different families.
///
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [RFC 8200 § 8.1]: https://datatracker.ietf.org/doc/html/rfc8200#section-8.1
pub fn checksum_ok(datagram: &[u8], src: IpAddr, dst: IpAddr) -> bool {
    let Some(udp) = UdpPacket::new(datagram) else {
        return false;
    };
    if udp.get_checksum() == 0 {
        return src.is_ipv4() && dst.is_ipv4();
    }
    segment_checksum(datagram, src, dst, IpProtocol::Udp) == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{HELLO_UDP, HELLO_UDP_FRAME};
    use std::net::{Ipv4Addr, Ipv6Addr};

    const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn hello() -> &'static [u8] {
        &HELLO_UDP_FRAME[HELLO_UDP]
    }

    #[test]
    fn parses_hello() {
        let (repr, data) = Repr::parse(hello()).expect("valid datagram");
        assert_eq!(repr.src_port, 40000);
        assert_eq!(repr.dst_port, 9999);
        assert_eq!(repr.length(), 13);
        assert_eq!(repr.checksum, 0xfaaf);
        assert_eq!(&hello()[data], b"hello");
        assert!(checksum_ok(hello(), LO, LO));
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut datagram = [0u8; HEADER_LEN];
        datagram[field::SRC_PORT].copy_from_slice(&[0x12, 0x34]);
        datagram[field::DST_PORT].copy_from_slice(&[0x00, 0x35]);
        datagram[field::LENGTH].copy_from_slice(&[0x00, 0x08]);
        datagram[field::CHECKSUM].copy_from_slice(&[0xbe, 0xef]);
        let udp = UdpPacket::new(&datagram).expect("8 bytes");
        assert_eq!((udp.get_source(), udp.get_destination()), (0x1234, 53));
        assert_eq!((udp.get_length(), udp.get_checksum()), (8, 0xbeef));
    }

    #[test]
    fn emit_round_trips() {
        let (repr, _) = Repr::parse(hello()).expect("valid datagram");
        let mut out = hello().to_vec();
        out[..HEADER_LEN].fill(0);
        repr.emit(&mut out, LO, LO).expect("valid header");
        assert_eq!(out, hello());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let datagram = hello();
        for len in 0..datagram.len() {
            let err = Repr::parse(&datagram[..len]).expect_err("too short");
            let needed = if len < 8 { 8 } else { 13 };
            assert_eq!(
                err,
                Error::Truncated {
                    layer: Layer::Udp,
                    needed,
                    available: len
                }
            );
        }
    }

    #[test]
    fn length_below_8_is_malformed() {
        let mut datagram = hello().to_vec();
        datagram[4..6].copy_from_slice(&7u16.to_be_bytes());
        let err = Repr::parse(&datagram).expect_err("length 7");
        assert_eq!(
            err.to_string(),
            "UDP length 7 is below the minimum of 8 (RFC 768)"
        );
    }

    #[test]
    fn bytes_past_the_length_are_not_data() {
        let mut datagram = hello().to_vec();
        datagram.extend_from_slice(b"!!");
        let (_, data) = Repr::parse(&datagram).expect("valid datagram");
        assert_eq!(data, 8..13);
    }

    #[test]
    fn bad_checksum_is_detected() {
        let mut datagram = hello().to_vec();
        datagram[8] = b'j';
        assert!(!checksum_ok(&datagram, LO, LO));
    }

    #[test]
    fn zero_checksum_means_none_over_ipv4_only() {
        let mut datagram = hello().to_vec();
        datagram[6..8].copy_from_slice(&[0, 0]);
        assert!(checksum_ok(&datagram, LO, LO));
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        assert!(!checksum_ok(&datagram, v6, v6));
    }

    #[test]
    fn short_buffer_has_no_valid_checksum() {
        assert!(!checksum_ok(&hello()[..7], LO, LO));
    }
}
