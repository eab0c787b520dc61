//! The internet checksum, shared by IPv4, TCP and UDP.
//!
//! IPv4 protects its header, TCP and UDP their whole segment, with the same
//! 16-bit sum defined in [RFC 1071 § 1]: add the data as big-endian 16-bit
//! words in *one's complement* arithmetic (a carry out of the top bit is
//! added back in at the bottom), then invert the bits. A receiver adds the
//! data *including* the checksum field; a correct packet sums to `0xffff`,
//! so the inverted result is zero.
//!
//! The IPv4 header of the SYN in this module's tests, checksum field zeroed:
//!
//! ```text
//!   0x4500 + 0x003c + … + 0x0001 = 0x2_026e   sum the 16-bit words
//!   0x026e + 0x2                 = 0x0270     fold the carries back in
//!   !0x0270                      = 0xfd8f     invert: the checksum
//! ```
//!
//! TCP and UDP also cover a *pseudo-header* that is never sent: the IP
//! addresses, the protocol number and the segment length. That ties the
//! segment to the addresses it travelled between ([RFC 9293 § 3.1],
//! [RFC 768], and for IPv6 [RFC 8200 § 8.1]):
//!
//! ```text
//!  IPv4 pseudo-header (12 bytes)        IPv6 pseudo-header (40 bytes)
//!  ┌───────────────────────────────┐    ┌───────────────────────────────┐
//!  │ source address          (4)   │    │ source address         (16)   │
//!  │ destination address     (4)   │    │ destination address    (16)   │
//!  │ zero (1) │ protocol (1) │     │    │ upper-layer length      (4)   │
//!  │ TCP/UDP length          (2)   │    │ zero (3) │ next header (1)    │
//!  └───────────────────────────────┘    └───────────────────────────────┘
//! ```
//!
//! Read before: [`super`]. Used by [`super::ipv4`], [`super::tcp`] and
//! [`super::udp`]. Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [RFC 1071 § 1]: https://datatracker.ietf.org/doc/html/rfc1071#section-1
//! [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 8200 § 8.1]: https://datatracker.ietf.org/doc/html/rfc8200#section-8.1

use std::net::IpAddr;

use super::ipv4::IpProtocol;

/// Adds `data` as big-endian 16-bit words, without folding the carries.
///
/// "If the total length is odd, the received data is padded with one
/// octet of zeros for computing the checksum." ([RFC 9293 § 3.1]; the same
/// rule as [RFC 1071 § 4.1]'s sample code.)
///
/// A `u64` cannot overflow here: even a 4 GiB buffer sums to less than
/// 2^48.
///
/// [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
/// [RFC 1071 § 4.1]: https://datatracker.ietf.org/doc/html/rfc1071#section-4.1
pub fn sum(data: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut words = data.chunks_exact(2);
    for word in &mut words {
        total += u64::from(u16::from_be_bytes([word[0], word[1]]));
    }
    if let [last] = words.remainder() {
        total += u64::from(u16::from_be_bytes([*last, 0]));
    }
    total
}

/// Folds the carries of a [`sum`] back into 16 bits and inverts it: the
/// value that goes into a checksum field ([RFC 1071 § 1], steps 2 and 3).
///
/// [RFC 1071 § 1]: https://datatracker.ietf.org/doc/html/rfc1071#section-1
pub fn finish(mut total: u64) -> u16 {
    while total > 0xffff {
        total = (total & 0xffff) + (total >> 16);
    }
    // The loop leaves at most 16 bits, so the conversion cannot fail.
    !u16::try_from(total).unwrap_or(u16::MAX)
}

/// The checksum of `data` alone, as the IPv4 header uses it.
pub fn internet_checksum(data: &[u8]) -> u16 {
    finish(sum(data))
}

/// The [`sum`] of the pseudo-header for a TCP or UDP segment of `length`
/// bytes between `src` and `dst`.
///
/// `None` if one address is IPv4 and the other IPv6: no packet can carry
/// such a pair, so there is no pseudo-header to build.
pub fn pseudo_header_sum(
    src: IpAddr,
    dst: IpAddr,
    protocol: IpProtocol,
    length: u32,
) -> Option<u64> {
    let protocol = u64::from(u8::from(protocol));
    match (src, dst) {
        // RFC 9293 § 3.1: source, destination, a zero byte, PTCL, and
        // "the TCP header length plus the data length in octets".
        (IpAddr::V4(src), IpAddr::V4(dst)) => Some(
            sum(&src.octets())
                + sum(&dst.octets())
                + protocol
                + sum(&length.to_be_bytes()),
        ),
        // RFC 8200 § 8.1: the 32-bit upper-layer packet length and the
        // next-header value in the last byte of a zero-padded 32-bit word.
        (IpAddr::V6(src), IpAddr::V6(dst)) => Some(
            sum(&src.octets())
                + sum(&dst.octets())
                + sum(&length.to_be_bytes())
                + protocol,
        ),
        _ => None,
    }
}

/// The checksum over the pseudo-header and the whole `segment` (header,
/// checksum field included, and payload), as TCP and UDP compute it.
///
/// To *compute* a checksum, call this with the checksum field zeroed; to
/// *verify* one, call it on the segment as received: a correct segment
/// gives 0. `None` for mixed address families (see
/// [`pseudo_header_sum`]) or a segment longer than 4 GiB.
pub fn segment_checksum(
    segment: &[u8],
    src: IpAddr,
    dst: IpAddr,
    protocol: IpProtocol,
) -> Option<u16> {
    let length = u32::try_from(segment.len()).ok()?;
    let pseudo = pseudo_header_sum(src, dst, protocol, length)?;
    Some(finish(pseudo + sum(segment)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{SYN_FRAME, SYN_IPV4, SYN_TCP};
    use std::net::Ipv4Addr;

    /// The worked example of RFC 1071 § 3: the words 0001 f203 f4f5 f6f7
    /// sum to 0x2_ddf0, which folds to 0xddf2.
    #[test]
    fn rfc_1071_example() {
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(sum(&data), 0x2_ddf0);
        assert_eq!(finish(sum(&data)), !0xddf2);
    }

    #[test]
    fn odd_length_pads_with_a_zero_byte() {
        assert_eq!(sum(&[0x12, 0x34, 0x56]), 0x1234 + 0x5600);
    }

    #[test]
    fn a_correct_ipv4_header_sums_to_zero() {
        let header = &SYN_FRAME[SYN_IPV4][..20];
        assert_eq!(internet_checksum(header), 0);
    }

    #[test]
    fn a_correct_tcp_segment_sums_to_zero() {
        let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let segment = &SYN_FRAME[SYN_TCP];
        assert_eq!(segment_checksum(segment, lo, lo, IpProtocol::Tcp), Some(0));
    }

    #[test]
    fn mixed_families_have_no_pseudo_header() {
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(std::net::Ipv6Addr::LOCALHOST);
        assert_eq!(pseudo_header_sum(v4, v6, IpProtocol::Tcp, 20), None);
    }
}
