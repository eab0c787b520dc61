//! Ethernet II: the envelope a frame travels in on one link (OSI layer 2).
//!
//! The header names the next hop by hardware (MAC) address and says, in the
//! *EtherType*, what kind of packet the payload is. It has no length field
//! and no checksum the capture can see (the network card checks and strips
//! the frame check sequence), so a parse has only the header's own 14 bytes
//! to check:
//!
//! ```text
//!  0                   6                   12        14
//! ┌───────────────────┬───────────────────┬─────────┬──────────────── ─ ─
//! │ destination MAC   │ source MAC        │EtherType│ payload (IPv4, …)
//! └───────────────────┴───────────────────┴─────────┴──────────────── ─ ─
//! ```
//!
//! A switch port that carries several virtual LANs inserts an IEEE 802.1Q
//! *tag* after the source address. The tag starts with the TPID 0x8100 in
//! the EtherType's place, so a receiver that does not know VLANs sees "a
//! packet of type 0x8100" and drops it, while one that does reads on:
//!
//! ```text
//!  0                   6                   12     14               16     18
//! ┌───────────────────┬───────────────────┬──────┬────────────────┬──────┬─ ─
//! │ destination MAC   │ source MAC        │ TPID │ TCI            │ type │ …
//! │                   │                   │0x8100│PCP│DEI│  VID   │      │
//! └───────────────────┴───────────────────┴──────┴───┴───┴────────┴──────┴─ ─
//!                                                  3b  1b   12b
//! ```
//!
//! A provider can carry a customer's tagged frames across its own network
//! by putting a tag of its own in front: *Q-in-Q*. The outer, "service"
//! tag (S-TAG) has the TPID 0x88A8, the inner "customer" one (C-TAG)
//! 0x8100 (IEEE 802.1Q § 9.5, Table 9-1; the S-TAG came from 802.1ad,
//! folded into 802.1Q in 2011). Each tag is the same four bytes, so a
//! reader just keeps going while the type says "a tag follows":
//!
//! ```text
//!  12     14     16     18     20     22
//! ┬──────┬──────┬──────┬──────┬──────┬─ ─
//! │0x88a8│ TCI  │0x8100│ TCI  │ type │ …
//! │ S-TAG, VID 200     │ C-TAG, VID 100
//! ┴──────┴──────┴──────┴──────┴──────┴─ ─
//! ```
//!
//! Before 802.1ad gave the service tag its TPID, switch vendors used
//! 0x9100 for it (Cisco, Juniper, Linux's `vlan_proto`); such frames are
//! still about, and Wireshark reads 0x9100 as a VLAN tag like any other.
//! So do we, as [`EtherType::OldQinQ`].
//!
//! [`Repr::parse`] reads up to [`MAX_TAGS`] of them, outermost first.
//!
//! ## Which part is pnet, which is ours
//!
//! The fields are read and written through [`pnet_packet::ethernet`] and
//! [`pnet_packet::vlan`]: `EthernetPacket::new(frame)` is a view over the
//! bytes, `get_source()` reads bytes 6..12, and `MutableEthernetPacket`
//! writes them. pnet's `new()` only checks that the 14 bytes of its fixed
//! header are there, and answers `None` when they are not; we check first,
//! so that a short frame becomes an [`Error::Truncated`] that says which
//! layer ran out of bytes and by how much. Deciding *whether* a tag follows
//! (the TPID, and how many tags to read), and the enums with names for a
//! student, are ours too. pnet's `VlanPacket` reads any tag's four bytes
//! after the TPID, whatever the TPID was.
//!
//! Specs: IEEE 802.3 § 3.1.1 (MAC frame format) and § 3.2.6
//! (Length/Type field), IEEE 802.1Q § 9.6 (VLAN tag control information),
//! [IANA EtherType registry]. Read next: [`super::ipv4`].
//! Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [IANA EtherType registry]: https://www.iana.org/assignments/ieee-802-numbers/ieee-802-numbers.xhtml

use std::fmt;

use pnet_packet::ethernet::{
    EtherType as PnetEtherType, EthernetPacket, MutableEthernetPacket,
};
use pnet_packet::vlan::{ClassOfService, MutableVlanPacket, VlanPacket};

use super::{Error, Layer, check_len, check_room};

/// Byte ranges of the header, as in the diagrams above. pnet's getters read
/// these same ranges (the test `pnet_reads_the_ranges_of_the_diagram`
/// checks it), so some are used only by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// Destination MAC address.
    pub(crate) const DESTINATION: Field = 0..6;
    /// Source MAC address.
    pub(crate) const SOURCE: Field = 6..12;
    /// EtherType, or the TPID 0x8100 of an 802.1Q tag.
    pub(crate) const ETHERTYPE: Field = 12..14;
    /// Where the payload starts in an untagged frame.
    pub(crate) const PAYLOAD: usize = 14;
    /// 802.1Q tag control information: PCP (3 bits), DEI (1), VID (12).
    pub(crate) const TCI: Field = 14..16;
    /// The EtherType of the payload, after an 802.1Q tag.
    pub(crate) const INNER_ETHERTYPE: Field = 16..18;
    /// Where the payload starts in a tagged frame.
    pub(crate) const TAGGED_PAYLOAD: usize = 18;
}

/// The length of an untagged Ethernet II header.
pub const HEADER_LEN: usize = field::PAYLOAD;
/// The length of a header carrying one 802.1Q tag.
pub const TAGGED_HEADER_LEN: usize = field::TAGGED_PAYLOAD;
/// The length of one tag: TCI and the type after it (the TPID takes the
/// place of the type before it).
pub const TAG_LEN: usize = 4;

/// The most stacked tags [`Repr::parse`] reads.
///
/// IEEE 802.1Q stacks two in practice (an S-TAG over a C-TAG), and some
/// carriers add a third; nothing in the standard sets a limit, and each
/// tag is only 4 bytes. Eight is far beyond any real network and keeps
/// the work per frame small: a frame with more leaves the rest,
/// starting with the ninth tag, undissected.
pub const MAX_TAGS: usize = 8;

/// A 48-bit hardware (MAC) address, shown as `02:00:00:00:00:01`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct MacAddr(pub [u8; 6]);

impl MacAddr {
    /// `ff:ff:ff:ff:ff:ff`: every station on the link.
    pub const BROADCAST: MacAddr = MacAddr([0xff; 6]);

    /// Whether the address names a group rather than one station: the
    /// lowest bit of the first byte, the I/G bit (IEEE 802.3 § 3.2.3).
    pub fn is_multicast(self) -> bool {
        self.0[0] & 0x01 != 0
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}

/// What the payload of a frame is, from the [IANA EtherType registry].
///
/// [IANA EtherType registry]: https://www.iana.org/assignments/ieee-802-numbers/ieee-802-numbers.xhtml
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EtherType {
    /// 0x0800, Internet Protocol version 4.
    Ipv4,
    /// 0x0806, Address Resolution Protocol ([RFC 826]).
    ///
    /// [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826
    Arp,
    /// 0x86DD, Internet Protocol version 6.
    Ipv6,
    /// 0x8100, an IEEE 802.1Q VLAN tag follows (a customer tag, C-TAG).
    Vlan,
    /// 0x88A8, an IEEE 802.1Q service tag (S-TAG) follows: the outer tag
    /// of Q-in-Q, first defined by IEEE 802.1ad.
    ServiceVlan,
    /// 0x9100, the service tag's TPID before 802.1ad gave it 0x88A8: a
    /// vendor convention, not in the IEEE registry, that still turns up
    /// in Q-in-Q networks. The tag after it is an ordinary 802.1Q tag.
    OldQinQ,
    /// Any other value. Values up to 1500 are not a type at all but the
    /// payload length of an IEEE 802.3 frame (§ 3.2.6).
    Unknown(u16),
}

impl From<u16> for EtherType {
    fn from(raw: u16) -> Self {
        match raw {
            0x0800 => EtherType::Ipv4,
            0x0806 => EtherType::Arp,
            0x86dd => EtherType::Ipv6,
            0x8100 => EtherType::Vlan,
            0x88a8 => EtherType::ServiceVlan,
            0x9100 => EtherType::OldQinQ,
            other => EtherType::Unknown(other),
        }
    }
}

impl From<EtherType> for u16 {
    fn from(ethertype: EtherType) -> Self {
        match ethertype {
            EtherType::Ipv4 => 0x0800,
            EtherType::Arp => 0x0806,
            EtherType::Ipv6 => 0x86dd,
            EtherType::Vlan => 0x8100,
            EtherType::ServiceVlan => 0x88a8,
            EtherType::OldQinQ => 0x9100,
            EtherType::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EtherType::Ipv4 => f.write_str("IPv4 (0x0800)"),
            EtherType::Arp => f.write_str("ARP (0x0806)"),
            EtherType::Ipv6 => f.write_str("IPv6 (0x86dd)"),
            EtherType::Vlan => f.write_str("802.1Q (0x8100)"),
            EtherType::ServiceVlan => f.write_str("802.1ad (0x88a8)"),
            EtherType::OldQinQ => f.write_str("old Q-in-Q (0x9100)"),
            // IEEE 802.3 § 3.2.6: a value of at most 1500 (0x05dc) is a
            // length, 1536 (0x0600) or more a type.
            EtherType::Unknown(raw) if *raw <= 1500 => {
                write!(f, "802.3 length {raw}")
            }
            EtherType::Unknown(raw) => write!(f, "unknown (0x{raw:04x})"),
        }
    }
}

impl EtherType {
    /// Whether the value is a tag protocol identifier: a VLAN tag follows
    /// instead of the payload (IEEE 802.1Q § 9.5).
    pub fn is_tag(self) -> bool {
        matches!(
            self,
            EtherType::Vlan | EtherType::ServiceVlan | EtherType::OldQinQ
        )
    }
}

/// An IEEE 802.1Q tag: which virtual LAN, and at what priority.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VlanTag {
    /// The tag protocol identifier in front of it:
    /// [`EtherType::Vlan`] (C-TAG), [`EtherType::ServiceVlan`] (S-TAG) or
    /// the older [`EtherType::OldQinQ`].
    pub tpid: EtherType,
    /// Priority code point, 0 to 7 (IEEE 802.1Q § 6.9.3): the frame's
    /// class of service.
    pub pcp: u8,
    /// Drop eligible indicator: this frame may be dropped first under
    /// congestion.
    pub dei: bool,
    /// VLAN identifier, 0 to 4095. 0 means "priority tag only, no VLAN"
    /// and 4095 is reserved (IEEE 802.1Q § 9.6, Table 9-2).
    pub vid: u16,
}

impl VlanTag {
    /// Splits the 16-bit tag control information into its three fields,
    /// for a customer tag (TPID 0x8100).
    pub fn from_tci(tci: u16) -> Self {
        VlanTag {
            tpid: EtherType::Vlan,
            pcp: (tci >> 13) as u8,
            dei: tci & 0x1000 != 0,
            vid: tci & 0x0fff,
        }
    }

    /// Packs the three fields back into 16 bits. Out-of-range values are
    /// cut to their field width, as the wire would.
    pub fn to_tci(self) -> u16 {
        (u16::from(self.pcp & 0x07) << 13)
            | (u16::from(self.dei) << 12)
            | (self.vid & 0x0fff)
    }
}

/// An Ethernet II header as plain values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Where the frame goes on this link.
    pub dst: MacAddr,
    /// Which card sent it.
    pub src: MacAddr,
    /// The 802.1Q tags, outermost first: none, one, or a Q-in-Q stack.
    pub tags: Vec<VlanTag>,
    /// What the payload is. For a tagged frame, the type *after* the last
    /// tag.
    pub ethertype: EtherType,
}

impl Repr {
    /// Reads the header at the start of `frame`. Returns it with the range
    /// of `frame` that holds the payload (from the end of the header to the
    /// end of the frame: Ethernet has no length field, so any padding the
    /// sender added to reach the 60-byte minimum is in there too, and the
    /// layer above must use its own length to ignore it).
    ///
    /// Stacked tags are read up to [`MAX_TAGS`]; past that, `ethertype`
    /// is the next tag's TPID and the payload starts at that tag.
    pub fn parse(
        frame: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // Our check first: pnet's `new` would only say `None`.
        check_len(Layer::Ethernet, frame, HEADER_LEN)?;
        let eth = EthernetPacket::new(frame)
            .expect("check_len proved the 14 bytes pnet's view needs");
        let dst = eth.get_destination().octets();
        let src = eth.get_source().octets();
        let ethertype = EtherType::from(eth.get_ethertype().0);

        // IEEE 802.1Q § 9.5: a tag opens with a Tag Protocol Identifier,
        // 0x8100 for a customer VLAN tag or 0x88A8 for a service tag, where
        // the EtherType would be. pnet's `VlanPacket` reads the four bytes
        // after the TPID: the tag control information and the next type,
        // which may be another TPID.
        let mut tags = Vec::new();
        let mut ethertype = ethertype;
        let mut payload = field::PAYLOAD;
        while ethertype.is_tag() && tags.len() < MAX_TAGS {
            check_len(Layer::Vlan, frame, payload + TAG_LEN)?;
            let tag = VlanPacket::new(&frame[payload..])
                .expect("check_len proved the 4 bytes of the tag");
            tags.push(VlanTag {
                tpid: ethertype,
                pcp: tag.get_priority_code_point().0,
                dei: tag.get_drop_eligible_indicator() != 0,
                vid: tag.get_vlan_identifier(),
            });
            ethertype = EtherType::from(tag.get_ethertype().0);
            payload += TAG_LEN;
        }

        let repr = Repr {
            dst: MacAddr(dst),
            src: MacAddr(src),
            tags,
            ethertype,
        };
        Ok((repr, payload..frame.len()))
    }

    /// How many bytes [`Repr::emit`] writes: 14, and 4 for each tag.
    pub fn header_len(&self) -> usize {
        HEADER_LEN + TAG_LEN * self.tags.len()
    }

    /// Writes the header into the start of `buffer`; the payload goes
    /// after [`Repr::header_len`] bytes.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        check_room(Layer::Ethernet, buffer, self.header_len())?;
        let mut eth = MutableEthernetPacket::new(buffer)
            .expect("check_room proved the 14 bytes pnet's view needs");
        eth.set_destination(self.dst.0.into());
        eth.set_source(self.src.0.into());
        // Each type field names what follows it: the first tag's TPID,
        // then each tag's next TPID, and last the payload's type.
        let next = |at: usize| {
            self.tags.get(at).map_or(self.ethertype, |tag| tag.tpid)
        };
        eth.set_ethertype(pnet_ethertype(next(0)));
        for (i, tag) in self.tags.iter().enumerate() {
            let at = HEADER_LEN + TAG_LEN * i;
            let mut vlan = MutableVlanPacket::new(&mut buffer[at..])
                .expect("check_room proved the 4 bytes of the tag");
            // pnet stores what it is given; cut each value to its field
            // width first, as the wire would.
            vlan.set_priority_code_point(ClassOfService(tag.pcp & 0x07));
            vlan.set_drop_eligible_indicator(u8::from(tag.dei));
            vlan.set_vlan_identifier(tag.vid & 0x0fff);
            vlan.set_ethertype(pnet_ethertype(next(i + 1)));
        }
        Ok(())
    }
}

/// Our EtherType as pnet's, for its setters.
fn pnet_ethertype(ethertype: EtherType) -> PnetEtherType {
    PnetEtherType(u16::from(ethertype))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{SYN_FRAME, VLAN_ARP_FRAME};

    #[test]
    fn parses_the_loopback_syn() {
        let (repr, payload) = Repr::parse(&SYN_FRAME).expect("valid frame");
        assert_eq!(repr.dst, MacAddr([0; 6]));
        assert_eq!(repr.src, MacAddr([0; 6]));
        assert!(repr.tags.is_empty());
        assert_eq!(repr.ethertype, EtherType::Ipv4);
        assert_eq!(payload, 14..74);
    }

    #[test]
    fn parses_an_802_1q_tag() {
        let (repr, payload) =
            Repr::parse(&VLAN_ARP_FRAME).expect("valid frame");
        assert_eq!(repr.dst, MacAddr::BROADCAST);
        assert_eq!(repr.src.to_string(), "02:00:00:00:00:01");
        assert_eq!(
            repr.tags,
            [VlanTag {
                tpid: EtherType::Vlan,
                pcp: 5,
                dei: false,
                vid: 100
            }]
        );
        assert_eq!(repr.ethertype, EtherType::Arp);
        assert_eq!(payload, 18..22);
    }

    #[test]
    fn emit_round_trips() {
        for frame in [&SYN_FRAME[..], &VLAN_ARP_FRAME[..]] {
            let (repr, payload) = Repr::parse(frame).expect("valid frame");
            let mut out = vec![0u8; repr.header_len()];
            repr.emit(&mut out).expect("buffer is header_len long");
            assert_eq!(out, frame[..payload.start]);
        }
    }

    #[test]
    fn every_truncation_is_an_error() {
        for frame in [&SYN_FRAME[..], &VLAN_ARP_FRAME[..]] {
            for len in 0..HEADER_LEN {
                assert!(matches!(
                    Repr::parse(&frame[..len]),
                    Err(Error::Truncated {
                        layer: Layer::Ethernet,
                        needed: 14,
                        ..
                    })
                ));
            }
        }
        for len in HEADER_LEN..TAGGED_HEADER_LEN {
            assert!(matches!(
                Repr::parse(&VLAN_ARP_FRAME[..len]),
                Err(Error::Truncated {
                    layer: Layer::Vlan,
                    needed: 18,
                    ..
                })
            ));
        }
    }

    #[test]
    fn emit_into_a_short_buffer_is_an_error() {
        let (repr, _) = Repr::parse(&VLAN_ARP_FRAME).expect("valid frame");
        let mut out = [0u8; 14];
        assert!(matches!(
            repr.emit(&mut out),
            Err(Error::BufferTooSmall { needed: 18, .. })
        ));
    }

    #[test]
    fn ethertypes_display_by_name() {
        assert_eq!(EtherType::from(0x0800).to_string(), "IPv4 (0x0800)");
        assert_eq!(EtherType::from(0x88cc).to_string(), "unknown (0x88cc)");
        assert_eq!(EtherType::from(46).to_string(), "802.3 length 46");
        assert_eq!(EtherType::from(0x88a8).to_string(), "802.1ad (0x88a8)");
        for raw in [0x0800, 0x0806, 0x86dd, 0x8100, 0x88a8, 0x1234] {
            assert_eq!(u16::from(EtherType::from(raw)), raw);
        }
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut frame = [0u8; TAGGED_HEADER_LEN];
        frame[field::DESTINATION].copy_from_slice(&[1, 2, 3, 4, 5, 6]);
        frame[field::SOURCE].copy_from_slice(&[7, 8, 9, 10, 11, 12]);
        frame[field::ETHERTYPE].copy_from_slice(&[0x81, 0x00]);
        frame[field::TCI].copy_from_slice(&[0xa0, 0x64]);
        frame[field::INNER_ETHERTYPE].copy_from_slice(&[0x08, 0x06]);
        let eth = EthernetPacket::new(&frame).expect("14 bytes");
        assert_eq!(eth.get_destination().octets(), [1, 2, 3, 4, 5, 6]);
        assert_eq!(eth.get_source().octets(), [7, 8, 9, 10, 11, 12]);
        assert_eq!(eth.get_ethertype().0, 0x8100);
        let tag = VlanPacket::new(&frame[field::TCI.start..]).expect("4");
        assert_eq!(tag.get_vlan_identifier(), 100);
        assert_eq!(tag.get_ethertype().0, 0x0806);
    }

    /// A Q-in-Q frame: S-TAG (0x88a8) VLAN 200 over C-TAG (0x8100)
    /// VLAN 100 with priority 5 and DEI set, then IPv4, then 2 bytes
    /// standing for the packet.
    const QINQ_FRAME: [u8; 24] = [
        0x02, 0, 0, 0, 0, 0x01, // destination
        0x02, 0, 0, 0, 0, 0x02, // source
        0x88, 0xa8, // TPID: a service tag follows
        0x00, 0xc8, // PCP 0, DEI 0, VID 200
        0x81, 0x00, // TPID: a customer tag follows
        0xb0, 0x64, // PCP 5, DEI 1, VID 100
        0x08, 0x00, // EtherType: IPv4
        0x45, 0x00,
    ];

    #[test]
    fn parses_q_in_q_outermost_first() {
        let (repr, payload) = Repr::parse(&QINQ_FRAME).expect("valid frame");
        assert_eq!(
            repr.tags,
            [
                VlanTag {
                    tpid: EtherType::ServiceVlan,
                    pcp: 0,
                    dei: false,
                    vid: 200
                },
                VlanTag {
                    tpid: EtherType::Vlan,
                    pcp: 5,
                    dei: true,
                    vid: 100
                }
            ]
        );
        assert_eq!(repr.ethertype, EtherType::Ipv4);
        assert_eq!(payload, 22..24);
        assert_eq!(repr.header_len(), 22);
        let mut out = vec![0u8; repr.header_len()];
        repr.emit(&mut out).expect("buffer is header_len long");
        assert_eq!(out, QINQ_FRAME[..22]);
    }

    #[test]
    fn every_truncation_of_a_tag_stack_is_an_error() {
        for len in 0..22 {
            let err = Repr::parse(&QINQ_FRAME[..len]).expect_err("short");
            let (layer, needed) = match len {
                0..14 => (Layer::Ethernet, 14),
                14..18 => (Layer::Vlan, 18),
                _ => (Layer::Vlan, 22),
            };
            assert_eq!(
                err,
                Error::Truncated {
                    layer,
                    needed,
                    available: len
                }
            );
        }
    }

    #[test]
    fn stacks_deeper_than_the_cap_leave_the_rest_unread() {
        // Nine customer tags: eight are read, the ninth TPID is the type.
        let mut frame = QINQ_FRAME[..12].to_vec();
        for vid in 1..=9u16 {
            frame.extend_from_slice(&[0x81, 0x00]);
            frame.extend_from_slice(&vid.to_be_bytes());
        }
        frame.extend_from_slice(&[0x08, 0x00]);
        let (repr, payload) = Repr::parse(&frame).expect("valid frame");
        assert_eq!(repr.tags.len(), MAX_TAGS);
        assert_eq!(repr.tags[7].vid, 8);
        assert_eq!(repr.ethertype, EtherType::Vlan);
        assert_eq!(payload.start, 14 + 4 * MAX_TAGS);
        for cut in 0..frame.len() {
            let _ = Repr::parse(&frame[..cut]);
        }
    }

    #[test]
    fn vlan_tci_round_trips() {
        for tci in [0x0000, 0xa064, 0xffff, 0x1001] {
            assert_eq!(VlanTag::from_tci(tci).to_tci(), tci);
        }
    }

    /// An old-style Q-in-Q frame: TPID 0x9100 (VID 300, priority 3) over
    /// an 802.1Q tag (VID 7), then the first bytes of an IPv4 header.
    const OLD_QINQ_FRAME: [u8; 26] = [
        0x02, 0, 0, 0, 0, 0x02, // destination
        0x02, 0, 0, 0, 0, 0x01, // source
        0x91, 0x00, 0x61, 0x2c, // TPID 0x9100, PCP 3, DEI 0, VID 300
        0x81, 0x00, 0x00, 0x07, // TPID 0x8100, VID 7
        0x08, 0x00, // IPv4
        0x45, 0x00, 0x00, 0x14, // IPv4 header, cut
    ];

    #[test]
    fn reads_a_0x9100_tag_as_a_vlan_tag() {
        let (repr, payload) = Repr::parse(&OLD_QINQ_FRAME).expect("valid");
        assert_eq!(
            repr.tags,
            [
                VlanTag {
                    tpid: EtherType::OldQinQ,
                    pcp: 3,
                    dei: false,
                    vid: 300
                },
                VlanTag {
                    tpid: EtherType::Vlan,
                    pcp: 0,
                    dei: false,
                    vid: 7
                },
            ]
        );
        assert_eq!(repr.ethertype, EtherType::Ipv4);
        assert_eq!(payload, 22..26);
        assert_eq!(EtherType::from(0x9100).to_string(), "old Q-in-Q (0x9100)");
        let mut out = vec![0; repr.header_len()];
        repr.emit(&mut out).expect("room");
        assert_eq!(out, OLD_QINQ_FRAME[..22]);
        // Every prefix: an error or a header, never a panic.
        for len in 0..OLD_QINQ_FRAME.len() {
            let _ = Repr::parse(&OLD_QINQ_FRAME[..len]);
            let _ = crate::wire::dissect::dissect(
                &OLD_QINQ_FRAME[..len],
                crate::wire::dissect::Link::Ethernet,
                OLD_QINQ_FRAME.len(),
            );
        }
    }
}
