//! ARP: "who has this IPv4 address?" asked on the link (between OSI
//! layers 2 and 3).
//!
//! To send an IPv4 packet to a neighbour, a host needs the neighbour's
//! Ethernet (MAC) address. It broadcasts an ARP *request* naming the IPv4
//! address it wants; the owner answers with a *reply* carrying its MAC.
//! The packet, redrawn from [RFC 826] ("Packet format"), with the RFC's
//! field names (`ar$hrd`, …):
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Hardware Type (ar$hrd)     |    Protocol Type (ar$pro)     | 0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |HW len (ar$hln)|Pr len (ar$pln)|      Operation (ar$op)        | 4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |    Sender Hardware Address (ar$sha), HW len bytes             | 8..
//! |    Sender Protocol Address (ar$spa), Pr len bytes             |
//! |    Target Hardware Address (ar$tha), HW len bytes             |
//! |    Target Protocol Address (ar$tpa), Pr len bytes             |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! ARP was written for any pair of hardware and protocol, so the two
//! address lengths are in the packet, and the four addresses have no fixed
//! place: they are checked against the buffer before anything is read.
//! For the one pair that matters today, Ethernet and IPv4, the lengths
//! must be 6 and 4, and the addresses become [`MacAddr`] and
//! [`Ipv4Addr`]; anything else is kept as raw bytes.
//!
//! ## Which part is pnet, which is ours
//!
//! pnet's [`ArpPacket`] is built for that one pair: its layout is fixed at
//! 28 bytes with 6-byte and 4-byte addresses, and its own source says it
//! "completely ignores" the two length fields. So the order is: we read the
//! types and the two lengths, check that they are 6 and 4 for Ethernet and
//! IPv4 and that the buffer holds what they promise, and only then read the
//! operation and the four addresses through pnet's view (and write them
//! through [`MutableArpPacket`]). For any other pair pnet's view would read
//! the wrong bytes, so those packets stay ours, as raw bytes.
//!
//! IPv6 has no ARP: it asks the same question with ICMPv6 neighbour
//! solicitations ([`super::icmpv6`]).
//!
//! Read before: [`super::ethernet`]. Read next: [`super::ipv4`].
//! Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.
//!
//! [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826

use std::fmt;
use std::net::Ipv4Addr;

use pnet_packet::arp::{
    ArpHardwareType, ArpOperation, ArpPacket, MutableArpPacket,
};
use pnet_packet::ethernet::EtherType as PnetEtherType;

use super::ethernet::{EtherType, MacAddr};
use super::rule::rule;
use super::{Error, Layer, check_len, check_room, read_u16};

/// Byte ranges of the fixed part, as in the diagram above. The addresses
/// follow at [`field::ADDRESSES`], their places set by the two lengths.
pub(crate) mod field {
    use crate::wire::Field;

    /// Hardware type (`ar$hrd`).
    pub(crate) const HTYPE: Field = 0..2;
    /// Protocol type (`ar$pro`), an EtherType.
    pub(crate) const PTYPE: Field = 2..4;
    /// Hardware address length in bytes (`ar$hln`).
    pub(crate) const HLEN: usize = 4;
    /// Protocol address length in bytes (`ar$pln`).
    pub(crate) const PLEN: usize = 5;
    /// Operation (`ar$op`).
    pub(crate) const OPER: Field = 6..8;
    /// Where the sender hardware address starts.
    pub(crate) const ADDRESSES: usize = 8;
}

/// The length of the fixed part, before the addresses.
pub const FIXED_LEN: usize = field::ADDRESSES;
/// The length of an Ethernet/IPv4 ARP packet: 8 + 2 × (6 + 4).
pub const ETHERNET_IPV4_LEN: usize = 28;

/// The kind of network the hardware addresses belong to, from the
/// [IANA ARP parameters] registry.
///
/// [IANA ARP parameters]: https://www.iana.org/assignments/arp-parameters/arp-parameters.xhtml
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HardwareType {
    /// 1, Ethernet (10 Mb and everything since).
    Ethernet,
    /// 6, IEEE 802 networks: token ring, FDDI, and 802.3 frames with an
    /// 802.2 LLC header. Their MAC addresses are Ethernet's 6 bytes
    /// ([RFC 1042], "Address Resolution").
    ///
    /// [RFC 1042]: https://datatracker.ietf.org/doc/html/rfc1042
    Ieee802,
    /// Any other value.
    Unknown(u16),
}

impl From<u16> for HardwareType {
    fn from(raw: u16) -> Self {
        match raw {
            1 => HardwareType::Ethernet,
            6 => HardwareType::Ieee802,
            other => HardwareType::Unknown(other),
        }
    }
}

impl HardwareType {
    /// The name alone: `Ethernet`, `IEEE 802`, or `unknown`.
    pub fn name(self) -> &'static str {
        match self {
            HardwareType::Ethernet => "Ethernet",
            HardwareType::Ieee802 => "IEEE 802",
            HardwareType::Unknown(_) => "unknown",
        }
    }

    /// Whether the hardware addresses are 6-byte MAC addresses.
    pub fn uses_macs(self) -> bool {
        matches!(self, HardwareType::Ethernet | HardwareType::Ieee802)
    }
}

impl From<HardwareType> for u16 {
    fn from(htype: HardwareType) -> Self {
        match htype {
            HardwareType::Ethernet => 1,
            HardwareType::Ieee802 => 6,
            HardwareType::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for HardwareType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HardwareType::Ethernet => f.write_str("Ethernet (1)"),
            HardwareType::Ieee802 => f.write_str("IEEE 802 (6)"),
            HardwareType::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// What the packet asks or answers (`ar$op`, [RFC 826]).
///
/// [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operation {
    /// 1, `ares_op$REQUEST`: who has the target protocol address?
    Request,
    /// 2, `ares_op$REPLY`: the sender has it, at the sender hardware
    /// address.
    Reply,
    /// Any other value (3 and 4 are reverse ARP, [RFC 903]).
    ///
    /// [RFC 903]: https://datatracker.ietf.org/doc/html/rfc903
    Unknown(u16),
}

impl From<u16> for Operation {
    fn from(raw: u16) -> Self {
        match raw {
            1 => Operation::Request,
            2 => Operation::Reply,
            other => Operation::Unknown(other),
        }
    }
}

impl From<Operation> for u16 {
    fn from(op: Operation) -> Self {
        match op {
            Operation::Request => 1,
            Operation::Reply => 2,
            Operation::Unknown(raw) => raw,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operation::Request => f.write_str("request (1)"),
            Operation::Reply => f.write_str("reply (2)"),
            Operation::Unknown(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// The four addresses of an ARP packet.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Addresses {
    /// Hardware type Ethernet (or IEEE 802, whose addresses are the
    /// same) with protocol type IPv4: the ARP of every LAN.
    EthernetIpv4 {
        /// The sender's MAC (`ar$sha`).
        sender_mac: MacAddr,
        /// The sender's IPv4 address (`ar$spa`).
        sender_ip: Ipv4Addr,
        /// The target's MAC (`ar$tha`): in a request, not yet known and
        /// usually zero.
        target_mac: MacAddr,
        /// The IPv4 address asked about (`ar$tpa`).
        target_ip: Ipv4Addr,
    },
    /// Any other pair, kept as bytes of the lengths the packet gave.
    Other {
        /// `ar$sha`, `ar$hln` bytes.
        sender_hardware: Vec<u8>,
        /// `ar$spa`, `ar$pln` bytes.
        sender_protocol: Vec<u8>,
        /// `ar$tha`, `ar$hln` bytes.
        target_hardware: Vec<u8>,
        /// `ar$tpa`, `ar$pln` bytes.
        target_protocol: Vec<u8>,
    },
}

/// An ARP packet as plain values.
///
/// The two address lengths are not stored: they follow from `addresses`
/// ([`Repr::hardware_len`], [`Repr::protocol_len`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// The kind of hardware address (`ar$hrd`).
    pub hardware_type: HardwareType,
    /// The kind of protocol address (`ar$pro`), numbered like an
    /// EtherType: "the same value used in the Ethernet type field"
    /// (RFC 826).
    pub protocol_type: EtherType,
    /// Request or reply (`ar$op`).
    pub operation: Operation,
    /// The sender and target addresses.
    pub addresses: Addresses,
}

impl Repr {
    /// Reads the ARP packet at the start of `packet` (an Ethernet payload)
    /// and checks both address lengths against it. Returns the packet
    /// with an empty range at its end: ARP carries no payload, and
    /// anything after it is Ethernet padding.
    ///
    /// Ethernet/IPv4 packets with address lengths other than 6 and 4 are
    /// [`Error::Malformed`]; a buffer too short for the lengths given is
    /// [`Error::Truncated`].
    pub fn parse(
        packet: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        check_len(Layer::Arp, packet, FIXED_LEN)?;
        let hardware_type =
            HardwareType::from(read_u16(packet, field::HTYPE.start));
        let protocol_type =
            EtherType::from(read_u16(packet, field::PTYPE.start));
        let hlen = usize::from(packet[field::HLEN]);
        let plen = usize::from(packet[field::PLEN]);

        let ethernet_ipv4 = hardware_type == HardwareType::Ethernet
            && protocol_type == EtherType::Ipv4;
        // IEEE 802 hardware has Ethernet's MAC addresses, so with the
        // lengths 6 and 4 its packet has Ethernet's layout. Nothing says
        // other lengths are wrong for it, so those stay raw bytes.
        let mac_ipv4 = ethernet_ipv4
            || (hardware_type == HardwareType::Ieee802
                && protocol_type == EtherType::Ipv4
                && (hlen, plen) == (6, 4));
        // The lengths are redundant for a known pair, so they must agree
        // with it: "ar$hln ... byte length of each hardware address",
        // 6 for Ethernet; "ar$pln ... byte length of each protocol
        // address", 4 for IPv4.
        if ethernet_ipv4 && (hlen, plen) != (6, 4) {
            return Err(Error::Malformed {
                layer: Layer::Arp,
                rule: rule!(
                    "wire-arp-lengths",
                    hardware = hlen,
                    protocol = plen
                ),
                spec: "RFC 826",
            });
        }

        // The addresses run in the order sha, spa, tha, tpa.
        let end = FIXED_LEN + 2 * (hlen + plen);
        check_len(Layer::Arp, packet, end)?;
        let sha = FIXED_LEN;
        let spa = sha + hlen;
        let tha = spa + plen;
        let tpa = tha + hlen;

        let (operation, addresses) = if mac_ipv4 {
            // Lengths 6 and 4 and all 28 bytes are proved: pnet's fixed
            // layout is now the packet's layout.
            let arp = ArpPacket::new(packet)
                .expect("check_len proved the 28 bytes pnet's view needs");
            let addresses = Addresses::EthernetIpv4 {
                sender_mac: MacAddr(arp.get_sender_hw_addr().octets()),
                sender_ip: arp.get_sender_proto_addr(),
                target_mac: MacAddr(arp.get_target_hw_addr().octets()),
                target_ip: arp.get_target_proto_addr(),
            };
            (arp.get_operation().0, addresses)
        } else {
            // pnet cannot read these: its addresses sit at fixed places.
            let addresses = Addresses::Other {
                sender_hardware: packet[sha..spa].to_vec(),
                sender_protocol: packet[spa..tha].to_vec(),
                target_hardware: packet[tha..tpa].to_vec(),
                target_protocol: packet[tpa..end].to_vec(),
            };
            (read_u16(packet, field::OPER.start), addresses)
        };
        let repr = Repr {
            hardware_type,
            protocol_type,
            operation: Operation::from(operation),
            addresses,
        };
        Ok((repr, end..end))
    }

    /// An Ethernet/IPv4 request: `sender` at `sender_ip` asks who has
    /// `target_ip`.
    pub fn request(
        sender: MacAddr,
        sender_ip: Ipv4Addr,
        target_ip: Ipv4Addr,
    ) -> Repr {
        Repr {
            hardware_type: HardwareType::Ethernet,
            protocol_type: EtherType::Ipv4,
            operation: Operation::Request,
            addresses: Addresses::EthernetIpv4 {
                sender_mac: sender,
                sender_ip,
                target_mac: MacAddr::default(),
                target_ip,
            },
        }
    }

    /// A hardware address of [`Addresses::Other`] as a MAC, when the
    /// hardware type has MACs and the address is 6 bytes long: an
    /// Ethernet ARP for another protocol than IPv4, say. tshark shows
    /// these the same way.
    pub fn hardware_mac(&self, address: &[u8]) -> Option<MacAddr> {
        let octets = <[u8; 6]>::try_from(address).ok()?;
        self.hardware_type.uses_macs().then_some(MacAddr(octets))
    }

    /// A protocol address of [`Addresses::Other`] as IPv4, when the
    /// protocol type is IPv4 and the address 4 bytes long (under a
    /// hardware type without MACs, say).
    pub fn protocol_ipv4(&self, address: &[u8]) -> Option<Ipv4Addr> {
        let octets = <[u8; 4]>::try_from(address).ok()?;
        (self.protocol_type == EtherType::Ipv4).then_some(octets.into())
    }

    /// The hardware address length (`ar$hln`).
    pub fn hardware_len(&self) -> usize {
        match &self.addresses {
            Addresses::EthernetIpv4 { .. } => 6,
            Addresses::Other {
                sender_hardware, ..
            } => sender_hardware.len(),
        }
    }

    /// The protocol address length (`ar$pln`).
    pub fn protocol_len(&self) -> usize {
        match &self.addresses {
            Addresses::EthernetIpv4 { .. } => 4,
            Addresses::Other {
                sender_protocol, ..
            } => sender_protocol.len(),
        }
    }

    /// How many bytes [`Repr::emit`] writes.
    pub fn packet_len(&self) -> usize {
        FIXED_LEN + 2 * (self.hardware_len() + self.protocol_len())
    }

    /// Writes the packet into the start of `buffer`.
    ///
    /// Fails if sender and target addresses of the same kind differ in
    /// length, or a length does not fit in a byte: the packet has one
    /// length field for both.
    pub fn emit(&self, buffer: &mut [u8]) -> Result<(), Error> {
        let hlen = self.hardware_len();
        let plen = self.protocol_len();
        let lengths_agree = match &self.addresses {
            Addresses::EthernetIpv4 { .. } => true,
            Addresses::Other {
                target_hardware,
                target_protocol,
                ..
            } => target_hardware.len() == hlen && target_protocol.len() == plen,
        };
        if !lengths_agree {
            return Err(Error::Malformed {
                layer: Layer::Arp,
                rule: rule!("wire-arp-lengths-differ"),
                spec: "RFC 826",
            });
        }
        let (Ok(hlen_byte), Ok(plen_byte)) =
            (u8::try_from(hlen), u8::try_from(plen))
        else {
            return Err(Error::Malformed {
                layer: Layer::Arp,
                rule: rule!(
                    "wire-arp-lengths-too-big",
                    hardware = hlen,
                    protocol = plen
                ),
                spec: "RFC 826",
            });
        };
        check_room(Layer::Arp, buffer, self.packet_len())?;

        let (
            sender_hardware,
            sender_protocol,
            target_hardware,
            target_protocol,
        ) = match &self.addresses {
            Addresses::EthernetIpv4 {
                sender_mac,
                sender_ip,
                target_mac,
                target_ip,
            } => {
                // The layout pnet knows: write it through its view.
                let mut arp = MutableArpPacket::new(buffer)
                    .expect("check_room proved the 28 bytes pnet needs");
                arp.set_hardware_type(ArpHardwareType(u16::from(
                    self.hardware_type,
                )));
                arp.set_protocol_type(PnetEtherType(u16::from(
                    self.protocol_type,
                )));
                arp.set_hw_addr_len(hlen_byte);
                arp.set_proto_addr_len(plen_byte);
                arp.set_operation(ArpOperation(u16::from(self.operation)));
                arp.set_sender_hw_addr(sender_mac.0.into());
                arp.set_sender_proto_addr(*sender_ip);
                arp.set_target_hw_addr(target_mac.0.into());
                arp.set_target_proto_addr(*target_ip);
                return Ok(());
            }
            Addresses::Other {
                sender_hardware,
                sender_protocol,
                target_hardware,
                target_protocol,
            } => (
                sender_hardware,
                sender_protocol,
                target_hardware,
                target_protocol,
            ),
        };

        // Any other pair: by hand, since pnet's layout does not fit it.
        buffer[field::HTYPE]
            .copy_from_slice(&u16::from(self.hardware_type).to_be_bytes());
        buffer[field::PTYPE]
            .copy_from_slice(&u16::from(self.protocol_type).to_be_bytes());
        buffer[field::HLEN] = hlen_byte;
        buffer[field::PLEN] = plen_byte;
        buffer[field::OPER]
            .copy_from_slice(&u16::from(self.operation).to_be_bytes());
        let mut at = FIXED_LEN;
        for bytes in [
            sender_hardware,
            sender_protocol,
            target_hardware,
            target_protocol,
        ] {
            buffer[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{ARP_REQUEST_ARP, ARP_REQUEST_FRAME};

    fn request() -> &'static [u8] {
        &ARP_REQUEST_FRAME[ARP_REQUEST_ARP]
    }

    #[test]
    fn parses_the_request() {
        let (repr, rest) = Repr::parse(request()).expect("valid packet");
        assert_eq!(repr.hardware_type, HardwareType::Ethernet);
        assert_eq!(repr.protocol_type, EtherType::Ipv4);
        assert_eq!(repr.operation, Operation::Request);
        assert_eq!(
            repr.addresses,
            Addresses::EthernetIpv4 {
                sender_mac: MacAddr([2, 0, 0, 0, 0, 1]),
                sender_ip: Ipv4Addr::new(192, 168, 1, 10),
                target_mac: MacAddr::default(),
                target_ip: Ipv4Addr::new(192, 168, 1, 1),
            }
        );
        assert_eq!(rest, 28..28);
    }

    #[test]
    fn emit_round_trips() {
        let (repr, _) = Repr::parse(request()).expect("valid packet");
        let mut out = [0u8; ETHERNET_IPV4_LEN];
        repr.emit(&mut out).expect("valid packet");
        assert_eq!(out, request());
    }

    #[test]
    fn the_request_builder_builds_the_fixture() {
        let repr = Repr::request(
            MacAddr([2, 0, 0, 0, 0, 1]),
            Ipv4Addr::new(192, 168, 1, 10),
            Ipv4Addr::new(192, 168, 1, 1),
        );
        let mut out = [0u8; ETHERNET_IPV4_LEN];
        repr.emit(&mut out).expect("valid packet");
        assert_eq!(out, request());
    }

    #[test]
    fn every_truncation_is_an_error() {
        for len in 0..request().len() {
            let err = Repr::parse(&request()[..len]).expect_err("too short");
            let needed = if len < 8 { 8 } else { 28 };
            assert_eq!(
                err,
                Error::Truncated {
                    layer: Layer::Arp,
                    needed,
                    available: len
                }
            );
        }
    }

    #[test]
    fn ethernet_padding_is_not_arp() {
        let mut padded = request().to_vec();
        padded.extend_from_slice(&[0; 18]);
        let (_, rest) = Repr::parse(&padded).expect("valid packet");
        assert_eq!(rest, 28..28);
    }

    #[test]
    fn wrong_lengths_for_ethernet_ipv4_are_malformed() {
        let mut packet = request().to_vec();
        packet[4] = 8;
        let err = Repr::parse(&packet).expect_err("hlen 8");
        assert_eq!(
            err.to_string(),
            "ARP address lengths 8 and 4 are not 6 and 4 for Ethernet and \
             IPv4 (RFC 826)"
        );
    }

    #[test]
    fn other_pairs_parse_generically() {
        // Hardware type 6 (IEEE 802), a made-up protocol 0x1234, 2-byte
        // hardware and 3-byte protocol addresses, operation 2.
        let packet = [
            0, 6, 0x12, 0x34, 2, 3, 0, 2, //
            0xa1, 0xa2, 1, 2, 3, 0xb1, 0xb2, 4, 5, 6,
        ];
        let (repr, rest) = Repr::parse(&packet).expect("valid packet");
        assert_eq!(repr.hardware_type, HardwareType::Ieee802);
        assert_eq!(repr.protocol_type, EtherType::Unknown(0x1234));
        assert_eq!(repr.operation, Operation::Reply);
        assert_eq!(
            repr.addresses,
            Addresses::Other {
                sender_hardware: vec![0xa1, 0xa2],
                sender_protocol: vec![1, 2, 3],
                target_hardware: vec![0xb1, 0xb2],
                target_protocol: vec![4, 5, 6],
            }
        );
        assert_eq!(rest, 18..18);
        let mut out = [0u8; 18];
        repr.emit(&mut out).expect("valid packet");
        assert_eq!(out, packet);
        // 255-byte lengths in an 18-byte buffer: Truncated, no panic.
        let mut long = packet;
        long[4] = 255;
        long[5] = 255;
        assert!(matches!(
            Repr::parse(&long),
            Err(Error::Truncated {
                needed: 1028,
                available: 18,
                ..
            })
        ));
    }

    #[test]
    fn ieee_802_hardware_has_ethernet_addresses() {
        // The Ethernet request with hardware type 6: the same addresses.
        let mut packet = request().to_vec();
        packet[1] = 6;
        let (repr, _) = Repr::parse(&packet).expect("valid packet");
        assert_eq!(repr.hardware_type, HardwareType::Ieee802);
        assert!(matches!(repr.addresses, Addresses::EthernetIpv4 { .. }));
        let mut out = vec![0u8; repr.packet_len()];
        repr.emit(&mut out).expect("valid packet");
        assert_eq!(out, packet[..out.len()]);
        // InfiniBand (32): 20-byte hardware addresses, IPv4 kept typed.
        let mut ib = vec![0, 32, 8, 0, 20, 4, 0, 2];
        for _ in 0..2 {
            ib.extend_from_slice(&[0xab; 20]);
            ib.extend_from_slice(&[192, 0, 2, 1]);
        }
        let (repr, _) = Repr::parse(&ib).expect("valid packet");
        let Addresses::Other {
            sender_hardware,
            sender_protocol,
            ..
        } = &repr.addresses
        else {
            panic!("not Ethernet: {repr:?}");
        };
        assert_eq!(repr.hardware_mac(sender_hardware), None);
        assert_eq!(
            repr.protocol_ipv4(sender_protocol),
            Some(Ipv4Addr::new(192, 0, 2, 1))
        );
    }

    #[test]
    fn emit_refuses_mismatched_lengths() {
        let repr = Repr {
            hardware_type: HardwareType::Unknown(6),
            protocol_type: EtherType::Unknown(0x1234),
            operation: Operation::Request,
            addresses: Addresses::Other {
                sender_hardware: vec![1, 2],
                sender_protocol: vec![3],
                target_hardware: vec![4],
                target_protocol: vec![5],
            },
        };
        let mut out = [0u8; 64];
        assert!(matches!(repr.emit(&mut out), Err(Error::Malformed { .. })));
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..request().len() {
            for value in 0..=255u8 {
                let mut packet = request().to_vec();
                packet[at] = value;
                let _ = Repr::parse(&packet);
            }
        }
    }

    #[test]
    fn operations_display_by_name() {
        assert_eq!(Operation::from(1).to_string(), "request (1)");
        assert_eq!(Operation::from(2).to_string(), "reply (2)");
        assert_eq!(Operation::from(3).to_string(), "unknown (3)");
        assert_eq!(HardwareType::from(1).to_string(), "Ethernet (1)");
        assert_eq!(HardwareType::from(6).to_string(), "IEEE 802 (6)");
        for raw in [0, 1, 2, 3, 0xffff] {
            assert_eq!(u16::from(Operation::from(raw)), raw);
            assert_eq!(u16::from(HardwareType::from(raw)), raw);
        }
    }
}
