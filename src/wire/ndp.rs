//! Neighbour discovery: the body of an ICMPv6 neighbour solicitation or
//! advertisement, IPv6's ARP (OSI layer 3).
//!
//! [`super::icmpv6`] reads the 8-byte header every ICMPv6 message has.
//! A neighbour solicitation (type 135) asks "who has this IPv6 address?",
//! an advertisement (type 136) answers "I have it"; both name the address
//! in a *target* field after the header, and may carry *options*, the
//! useful one being the link-layer (MAC) address of the sender or of the
//! target. Redrawn from [RFC 4861 § 4.3] and [RFC 4861 § 4.4], offsets
//! from the start of the ICMPv6 message:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |     Type      |     Code      |          Checksum             |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |R|S|O|  NA only; reserved (zero) in a solicitation              |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                                                               |
//! +                       Target Address                          +  8..24
//! |                       (16 bytes)                              |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |   Options ...                                                    24..
//! +-+-+-+-+-+-+-+-+-+-+-+-
//! ```
//!
//! Each option is a type byte, a length byte counting *8-byte units*
//! (type and length included), and data ([RFC 4861 § 4.6]). The
//! link-layer address options (types 1 and 2, [RFC 4861 § 4.6.1]) carry
//! a 6-byte MAC on Ethernet, so they are one unit long ([RFC 2464 § 8]):
//!
//! ```text
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Type (1, 2)  |  Length (1)   |    Link-Layer Address ...     |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                  ... (6 bytes for Ethernet)                   |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! ## Which part is pnet, which is ours
//!
//! All of it. pnet's `NeighborSolicitPacket` reads the options too, with
//! lengths it does not check against the buffer; we check every length
//! before we read, and keep options we do not know as bytes.
//!
//! Only solicitations and advertisements are read here; router messages
//! and redirects (types 133, 134 and 137) keep their body as data.
//!
//! Read before: [`super::icmpv6`], [`super::arp`] (the IPv4 way of asking
//! the same question). Book: `book/src/lesson-07.md`.
//! Run: `netlab dissect FILE`.
//!
//! [RFC 4861 § 4.3]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.3
//! [RFC 4861 § 4.4]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.4
//! [RFC 4861 § 4.6]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.6
//! [RFC 4861 § 4.6.1]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.6.1
//! [RFC 2464 § 8]: https://datatracker.ietf.org/doc/html/rfc2464#section-8

use std::fmt;
use std::net::Ipv6Addr;

use super::ethernet::MacAddr;
use super::icmpv6::Ndp;
use super::rule::rule;
use super::{Error, Layer, check_len};

/// Byte ranges, from the start of the ICMPv6 message, as in the diagram.
pub(crate) mod field {
    use crate::wire::Field;

    /// The byte that holds an advertisement's R, S and O flags.
    pub(crate) const FLAGS: usize = 4;
    /// The address asked about, or answered for.
    pub(crate) const TARGET: Field = 8..24;
    /// Where the options start.
    pub(crate) const OPTIONS: usize = 24;
}

/// The length of a solicitation or advertisement without options.
pub const MIN_LEN: usize = field::OPTIONS;

/// One option is counted in units of this many bytes (RFC 4861 § 4.6).
const UNIT: usize = 8;

/// An advertisement's three flags ([RFC 4861 § 4.4]).
///
/// [RFC 4861 § 4.4]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.4
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AdvertFlags {
    /// R: "the sender is a router".
    pub router: bool,
    /// S: "the advertisement was sent in response to a Neighbor
    /// Solicitation".
    pub solicited: bool,
    /// O: "the advertisement should override an existing cache entry".
    pub override_entry: bool,
}

impl AdvertFlags {
    /// The flags in the high three bits of `byte`.
    fn from_byte(byte: u8) -> Self {
        AdvertFlags {
            router: byte & 0x80 != 0,
            solicited: byte & 0x40 != 0,
            override_entry: byte & 0x20 != 0,
        }
    }
}

impl fmt::Display for AdvertFlags {
    /// `R,S,O`, the set ones, or `none`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        for (on, name) in [
            (self.router, "R"),
            (self.solicited, "S"),
            (self.override_entry, "O"),
        ] {
            if on {
                write!(f, "{separator}{name}")?;
                separator = ",";
            }
        }
        if separator.is_empty() {
            f.write_str("none")?;
        }
        Ok(())
    }
}

/// One neighbour discovery option ([RFC 4861 § 4.6]).
///
/// [RFC 4861 § 4.6]: https://datatracker.ietf.org/doc/html/rfc4861#section-4.6
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum NdOption {
    /// Type 1: the link-layer address of the sender.
    SourceLinkLayer(MacAddr),
    /// Type 2: the link-layer address of the target.
    TargetLinkLayer(MacAddr),
    /// Any other option, or a link-layer option longer than an Ethernet
    /// address needs: its type and the bytes after the length byte.
    Other {
        /// The type.
        kind: u8,
        /// The data, padding included.
        data: Vec<u8>,
    },
}

impl NdOption {
    /// The option's type number.
    pub fn kind(&self) -> u8 {
        match self {
            NdOption::SourceLinkLayer(_) => 1,
            NdOption::TargetLinkLayer(_) => 2,
            NdOption::Other { kind, .. } => *kind,
        }
    }
}

impl fmt::Display for NdOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NdOption::SourceLinkLayer(mac) => {
                write!(f, "source link-layer address {mac}")
            }
            NdOption::TargetLinkLayer(mac) => {
                write!(f, "target link-layer address {mac}")
            }
            NdOption::Other { kind, data } => {
                write!(f, "type {kind}, {} bytes", data.len() + 2)
            }
        }
    }
}

/// The body of a neighbour solicitation or advertisement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Neighbor {
    /// The IPv6 address asked about (solicitation) or answered for
    /// (advertisement).
    pub target: Ipv6Addr,
    /// The R, S and O flags: in an advertisement only.
    pub flags: Option<AdvertFlags>,
    /// The options, in wire order.
    pub options: Vec<NdOption>,
}

impl Neighbor {
    /// Reads the target (and an advertisement's flags) of the ICMPv6
    /// `message` (the whole message, header included) whose type is
    /// `kind`; a message too short for its target is
    /// [`Error::Truncated`]. Returns `None` for the kinds this file does
    /// not read (router messages, redirects).
    ///
    /// The options are read in a second step, [`Neighbor::read_options`],
    /// so that a broken option does not hide the target.
    pub fn parse(kind: Ndp, message: &[u8]) -> Option<Result<Self, Error>> {
        let advert = match kind {
            Ndp::NeighborSolicitation => false,
            Ndp::NeighborAdvertisement => true,
            _ => return None,
        };
        Some(Self::parse_fixed(advert, message))
    }

    fn parse_fixed(advert: bool, message: &[u8]) -> Result<Self, Error> {
        check_len(Layer::Icmpv6, message, MIN_LEN)?;
        let mut target = [0u8; 16];
        target.copy_from_slice(&message[field::TARGET]);
        let flags =
            advert.then(|| AdvertFlags::from_byte(message[field::FLAGS]));
        Ok(Neighbor {
            target: Ipv6Addr::from(target),
            flags,
            options: Vec::new(),
        })
    }

    /// Reads the options after the target of `message` into
    /// [`Neighbor::options`], in wire order. An option of length zero, or
    /// one that runs past the end of the message, is [`Error::Malformed`];
    /// the options before it are kept.
    pub fn read_options(&mut self, message: &[u8]) -> Result<(), Error> {
        let mut at = field::OPTIONS;
        while at < message.len() {
            let kind = message[at];
            // RFC 4861 § 4.6: "Length: The length of the option
            // (including the type and length fields) in units of 8
            // octets."
            let Some(&units) = message.get(at + 1) else {
                return Err(malformed(rule!(
                    "wire-ndp-option-no-length",
                    kind = kind,
                    at = at
                )));
            };
            // "The value 0 is invalid. Nodes MUST silently discard an ND
            // packet that contains an option with length zero."
            if units == 0 {
                return Err(malformed(rule!(
                    "wire-ndp-option-zero-length",
                    kind = kind,
                    at = at
                )));
            }
            let end = at + usize::from(units) * UNIT;
            let Some(data) = message.get(at + 2..end) else {
                return Err(malformed(rule!(
                    "wire-ndp-option-too-long",
                    kind = kind,
                    at = at,
                    length = end - at,
                    end = message.len()
                )));
            };
            self.options.push(match (kind, data) {
                // One unit: type, length and a 6-byte MAC (RFC 2464 § 8).
                (1, &[a, b, c, d, e, g]) => {
                    NdOption::SourceLinkLayer(MacAddr([a, b, c, d, e, g]))
                }
                (2, &[a, b, c, d, e, g]) => {
                    NdOption::TargetLinkLayer(MacAddr([a, b, c, d, e, g]))
                }
                _ => NdOption::Other {
                    kind,
                    data: data.to_vec(),
                },
            });
            at = end;
        }
        Ok(())
    }
}

fn malformed(rule: super::rule::Rule) -> Error {
    Error::Malformed {
        layer: Layer::Icmpv6,
        rule,
        spec: "RFC 4861 § 4.6",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A neighbour solicitation for 2001:db8::1 from 02:00:5e:10:00:02,
    /// with its source link-layer address option (checksum not set: this
    /// file does not read it).
    const SOLICITATION: [u8; 32] = [
        135, 0, 0, 0, 0, 0, 0, 0, // type, code, checksum, reserved
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, // target
        1, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02, // source link-layer
    ];

    /// The answer: solicited and override set, with the target's MAC.
    const ADVERTISEMENT: [u8; 32] = [
        136, 0, 0, 0, 0x60, 0, 0, 0, // type, code, checksum, S and O
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, // target
        2, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01, // target link-layer
    ];

    const TARGET: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);

    /// Both steps: target, then options.
    fn parse(kind: Ndp, message: &[u8]) -> Result<Neighbor, Error> {
        let mut n =
            Neighbor::parse(kind, message).expect("a kind this file reads")?;
        n.read_options(message)?;
        Ok(n)
    }

    #[test]
    fn reads_a_solicitation() {
        let n = parse(Ndp::NeighborSolicitation, &SOLICITATION)
            .expect("valid body");
        assert_eq!(
            n,
            Neighbor {
                target: TARGET,
                flags: None,
                options: vec![NdOption::SourceLinkLayer(MacAddr([
                    0x02, 0x00, 0x5e, 0x10, 0x00, 0x02
                ]))],
            }
        );
        assert_eq!(
            n.options[0].to_string(),
            "source link-layer address 02:00:5e:10:00:02"
        );
    }

    #[test]
    fn reads_an_advertisement_and_its_flags() {
        let n = parse(Ndp::NeighborAdvertisement, &ADVERTISEMENT)
            .expect("valid body");
        let flags = n.flags.expect("an advertisement has flags");
        assert!(!flags.router && flags.solicited && flags.override_entry);
        assert_eq!(flags.to_string(), "S,O");
        assert_eq!(AdvertFlags::from_byte(0xe0).to_string(), "R,S,O");
        assert_eq!(AdvertFlags::from_byte(0).to_string(), "none");
        assert_eq!(n.target, TARGET);
        assert_eq!(n.options[0].kind(), 2);
    }

    #[test]
    fn router_messages_are_not_read_here() {
        assert_eq!(Neighbor::parse(Ndp::RouterAdvertisement, &[]), None);
        assert_eq!(Neighbor::parse(Ndp::Redirect, &SOLICITATION), None);
    }

    #[test]
    fn every_prefix_is_an_answer_never_a_panic() {
        for fixture in [SOLICITATION, ADVERTISEMENT] {
            let kind = Ndp::NeighborAdvertisement;
            for len in 0..MIN_LEN {
                assert_eq!(
                    parse(kind, &fixture[..len]),
                    Err(Error::Truncated {
                        layer: Layer::Icmpv6,
                        needed: MIN_LEN,
                        available: len
                    })
                );
            }
            // Without options, then with an option cut short.
            assert!(parse(kind, &fixture[..MIN_LEN]).is_ok());
            for len in MIN_LEN + 1..fixture.len() {
                assert!(
                    matches!(
                        parse(kind, &fixture[..len]),
                        Err(Error::Malformed { .. })
                    ),
                    "cut at {len}"
                );
            }
        }
    }

    #[test]
    fn option_lengths_are_checked() {
        let mut zero = SOLICITATION;
        zero[25] = 0;
        let e = parse(Ndp::NeighborSolicitation, &zero).expect_err("bad");
        assert!(matches!(
            e,
            Error::Malformed { ref rule, .. }
                if rule.id() == "wire-ndp-option-zero-length"
        ));
        let mut long = SOLICITATION;
        long[25] = 2;
        let e = parse(Ndp::NeighborSolicitation, &long).expect_err("bad");
        assert!(matches!(
            e,
            Error::Malformed { ref rule, .. }
                if rule.id() == "wire-ndp-option-too-long"
        ));
        // The target, and the options before a broken one, are kept.
        let mut two = SOLICITATION.to_vec();
        two.extend_from_slice(&[3, 0, 0, 0]);
        let mut n = Neighbor::parse(Ndp::NeighborSolicitation, &two)
            .expect("a solicitation")
            .expect("the target is there");
        assert!(n.read_options(&two).is_err());
        assert_eq!((n.target, n.options.len()), (TARGET, 1));
        // A longer link-layer option (not Ethernet) is kept as bytes.
        let mut other = SOLICITATION.to_vec();
        other[25] = 2;
        other.extend_from_slice(&[0xaa; 8]);
        let n = parse(Ndp::NeighborSolicitation, &other).expect("valid");
        assert!(matches!(
            n.options[0],
            NdOption::Other { kind: 1, ref data } if data.len() == 14
        ));
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..ADVERTISEMENT.len() {
            for value in 0..=255u8 {
                let mut message = ADVERTISEMENT;
                message[at] = value;
                let _ = parse(Ndp::NeighborAdvertisement, &message);
            }
        }
    }
}
