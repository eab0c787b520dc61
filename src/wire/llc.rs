//! IEEE 802.2 LLC: what an IEEE 802.3 frame carries when its type field is
//! a length (OSI layer 2).
//!
//! The two bytes after the source address are a *type* when they are
//! 1536 (0x0600) or more, and a *length* when they are 1500 or less
//! (IEEE 802.3 § 3.2.6). An Ethernet II frame ([`super::ethernet`])
//! names its payload by type. An IEEE 802.3 frame gives the length of its
//! data instead, and the data starts with an IEEE 802.2 *Logical Link
//! Control* header that names the protocol by *service access point*:
//!
//! ```text
//!  0        1        2        3 (or 4)
//! ┌────────┬────────┬────────┬ ─ ─ ─ ─ ┐
//! │  DSAP  │  SSAP  │control │ control  │  U-format: 1 byte of control,
//! │        │        │        │ (I, S)   │  I- and S-format: 2 bytes
//! └────────┴────────┴────────┴ ─ ─ ─ ─ ┘
//!   I/G in    C/R in   low bits say the format: x0 I, 01 S, 11 U
//!   bit 0     bit 0
//! ```
//!
//! The destination SAP says which protocol gets the data (0x42 is the
//! spanning tree protocol, 0xF0 NetBIOS, 0xE0 IPX); its lowest bit says
//! whether it names one SAP or a group. The source SAP's lowest bit says
//! whether the frame is a command or a response (IEEE 802.2 § 3.3.1).
//!
//! Eight bits of SAP were too few to number every protocol, so SAP 0xAA
//! announces a *SNAP* header (IEEE 802 § 10.3): with control 0x03
//! (unnumbered information) it is followed by an organisation's 3-byte
//! OUI and a 2-byte protocol id. OUI 00-00-00 means the protocol id is an
//! EtherType, which is how IP travels over 802.2 links ([RFC 1042]):
//!
//! ```text
//!  0      1      2      3                   6          8
//! ┌──────┬──────┬──────┬───────────────────┬──────────┬─ ─
//! │ 0xAA │ 0xAA │ 0x03 │ OUI               │ PID      │ …
//! └──────┴──────┴──────┴───────────────────┴──────────┴─ ─
//! ```
//!
//! ## Which part is pnet, which is ours
//!
//! All of it: pnet has no LLC view.
//!
//! Read before: [`super::ethernet`]. Book: `book/src/lesson-07.md`.
//! Run: `netlab dissect FILE`.
//!
//! Specs: IEEE 802.3 § 3.2.6 (Length/Type), IEEE 802.2 § 3.2 (LLC PDU
//! format) and § 5.2 (control field formats), IEEE 802 § 10.3 (SNAP),
//! [RFC 1042].
//!
//! [RFC 1042]: https://datatracker.ietf.org/doc/html/rfc1042

use super::{Error, Layer, check_len};

/// Byte positions, as in the diagrams above.
pub(crate) mod field {
    use crate::wire::Field;

    /// Destination service access point.
    pub(crate) const DSAP: usize = 0;
    /// Source service access point.
    pub(crate) const SSAP: usize = 1;
    /// The control field's first byte (its only one in U-format).
    pub(crate) const CONTROL: usize = 2;
    /// SNAP: the organisation, after a one-byte control field.
    pub(crate) const OUI: Field = 3..6;
    /// SNAP: the protocol id.
    pub(crate) const PID: Field = 6..8;
}

/// The shortest LLC header: DSAP, SSAP, one byte of control.
pub const MIN_LEN: usize = 3;
/// An LLC header with a SNAP header after it.
pub const SNAP_LEN: usize = field::PID.end;
/// The SAP that announces a SNAP header (IEEE 802 § 10.3).
pub const SNAP_SAP: u8 = 0xaa;
/// Unnumbered information, the U-format control SNAP is sent with.
pub const UI: u8 = 0x03;

/// The SNAP header after DSAP = SSAP = 0xAA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Snap {
    /// The organisation that numbers `pid`; 00-00-00 means EtherTypes.
    pub oui: [u8; 3],
    /// The protocol id.
    pub pid: u16,
}

/// An LLC header (and SNAP header, if any) as plain values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// The destination SAP, I/G bit included.
    pub dsap: u8,
    /// The source SAP, C/R bit included.
    pub ssap: u8,
    /// The control field: one byte in U-format, two in I- and S-format,
    /// first byte lowest (the order tshark shows it in).
    pub control: u16,
    /// The SNAP header, when both SAPs are 0xAA and control is UI.
    pub snap: Option<Snap>,
}

impl Repr {
    /// Reads the LLC header at the start of `data` (the bytes an 802.3
    /// length counts). Returns it with the header's length, SNAP
    /// included.
    pub fn parse(data: &[u8]) -> Result<(Repr, usize), Error> {
        check_len(Layer::Llc, data, MIN_LEN)?;
        let first = data[field::CONTROL];
        // IEEE 802.2 § 5.2: "11" in the low bits is the unnumbered
        // format, one byte; the information ("x0") and supervisory ("01")
        // formats carry sequence numbers in a second byte.
        let (control, mut len) = if first & 0b11 == 0b11 {
            (u16::from(first), MIN_LEN)
        } else {
            check_len(Layer::Llc, data, MIN_LEN + 1)?;
            let second = data[field::CONTROL + 1];
            (u16::from_le_bytes([first, second]), MIN_LEN + 1)
        };
        let dsap = data[field::DSAP];
        let ssap = data[field::SSAP];
        let snap = if dsap == SNAP_SAP && ssap == SNAP_SAP && control == 0x03 {
            check_len(Layer::Llc, data, SNAP_LEN)?;
            len = SNAP_LEN;
            let mut oui = [0u8; 3];
            oui.copy_from_slice(&data[field::OUI]);
            let pid = u16::from_be_bytes([
                data[field::PID.start],
                data[field::PID.start + 1],
            ]);
            Some(Snap { oui, pid })
        } else {
            None
        };
        Ok((
            Repr {
                dsap,
                ssap,
                control,
                snap,
            },
            len,
        ))
    }

    /// The protocol the destination SAP names, for the SAPs a capture
    /// usually shows (IEEE 802 numbers them).
    pub fn sap_name(sap: u8) -> &'static str {
        // The lowest bit is I/G (DSAP) or C/R (SSAP), not part of the SAP.
        match sap & 0xfe {
            0x00 => "null",
            0x42 => "spanning tree",
            0xaa => "SNAP",
            0xe0 => "IPX",
            0xf0 => "NetBIOS",
            0xfe => "ISO network layer",
            _ => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A spanning tree BPDU's LLC header: DSAP 0x42, SSAP 0x42, UI.
    const STP: [u8; 3] = [0x42, 0x42, 0x03];
    /// IPv4 over SNAP (RFC 1042): 0xAA 0xAA UI, OUI 0, PID 0x0800.
    const SNAP_IPV4: [u8; 8] = [0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    /// An information frame: N(S) 5, N(R) 9, two bytes of control.
    const I_FRAME: [u8; 4] = [0xf0, 0xf0, 0x0a, 0x12];

    #[test]
    fn reads_each_format() {
        let (stp, len) = Repr::parse(&STP).expect("valid");
        assert_eq!((stp.dsap, stp.ssap, stp.control, len), (0x42, 0x42, 3, 3));
        assert_eq!(stp.snap, None);
        assert_eq!(Repr::sap_name(stp.dsap), "spanning tree");

        let (snap, len) = Repr::parse(&SNAP_IPV4).expect("valid");
        assert_eq!(len, 8);
        assert_eq!(
            snap.snap,
            Some(Snap {
                oui: [0, 0, 0],
                pid: 0x0800
            })
        );

        let (i, len) = Repr::parse(&I_FRAME).expect("valid");
        assert_eq!((i.control, len), (0x120a, 4));
    }

    #[test]
    fn every_prefix_is_an_answer_never_a_panic() {
        for fixture in [&STP[..], &SNAP_IPV4, &I_FRAME] {
            for len in 0..fixture.len() {
                assert!(
                    matches!(
                        Repr::parse(&fixture[..len]),
                        Err(Error::Truncated {
                            layer: Layer::Llc,
                            ..
                        })
                    ),
                    "{fixture:02x?} cut at {len}"
                );
            }
        }
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..SNAP_IPV4.len() {
            for value in 0..=255u8 {
                let mut data = SNAP_IPV4;
                data[at] = value;
                let _ = Repr::parse(&data);
            }
        }
    }
}
