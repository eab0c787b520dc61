//! TCP: a reliable byte stream between two ports (OSI layer 4).
//!
//! IP delivers packets to a host; TCP turns them into an ordered,
//! acknowledged stream between two *ports*, so that an XMPP client and
//! server see a pipe of bytes rather than loose packets. Every segment
//! carries this header, redrawn from [RFC 9293 § 3.1]:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Source Port          |       Destination Port        |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                        Sequence Number                        |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Acknowledgment Number                      |  8..12
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |  Data |       |C|E|U|A|P|R|S|F|                               |
//! | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             | 12..16
//! |       |       |R|E|G|K|H|T|N|N|                               |
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |           Checksum            |         Urgent Pointer        | 16..20
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      [Options, 0-40 bytes]                    | 20..
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! :                             Data                              :
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! TCP has no length field of its own: a segment is whatever the IP payload
//! holds. Its one length, the *data offset*, says where the options end and
//! the data begins, and is checked against the buffer before any option is
//! read. Each option carries its own length too, which is checked against
//! the end of the header: an option that claims to run past it is
//! malformed.
//!
//! The options this file knows: end of list, no-operation and maximum
//! segment size ([RFC 9293 § 3.2]), window scale and timestamps
//! ([RFC 7323]), SACK-permitted and SACK ([RFC 2018]). The checksum covers
//! a pseudo-header with the IP addresses, so it can only be checked with
//! them in hand: [`checksum_ok`].
//!
//! ## Which part is pnet, which is ours
//!
//! The fixed fields are read through pnet's [`TcpPacket`] and written
//! through [`MutableTcpPacket`]. `TcpPacket::new` checks only that the
//! fixed 20 bytes are there. The data offset is checked by us, against the
//! RFC's minimum and the buffer, before pnet's `get_options_raw()` is
//! called (pnet would clamp a lying offset to the buffer without a word).
//! The options themselves are parsed by our `parse_options`, not pnet's
//! `get_options_iter()`: pnet's iterator accepts an option whose length
//! byte is below 2 or runs past the header, and knows nothing of the
//! padding rule after End of List; ours checks each of those rules and
//! says which one broke. The checksum is our [`super::checksum`].
//!
//! Read before: [`super::ipv4`], [`super::checksum`]. Book:
//! `book/src/lesson-07.md`, and the handshake in `book/src/lesson-10.md`.
//! Run: `netlab lesson 7`.
//!
//! [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
//! [RFC 9293 § 3.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.2
//! [RFC 7323]: https://datatracker.ietf.org/doc/html/rfc7323
//! [RFC 2018]: https://datatracker.ietf.org/doc/html/rfc2018

use std::fmt;
use std::net::IpAddr;

use super::checksum::segment_checksum;
use super::ipv4::IpProtocol;
use super::rule::rule;
use super::{Error, Layer, check_len, check_room, read_u32};
use pnet_packet::Packet;
use pnet_packet::tcp::{MutableTcpPacket, TcpPacket};

/// Byte ranges of the header, as in the diagram above. pnet's getters read
/// these same ranges (the test `pnet_reads_the_ranges_of_the_diagram`
/// checks it), so some are used only by the tests.
#[allow(dead_code)]
pub(crate) mod field {
    use crate::wire::Field;

    /// Source port.
    pub(crate) const SRC_PORT: Field = 0..2;
    /// Destination port.
    pub(crate) const DST_PORT: Field = 2..4;
    /// Sequence number of the first data byte (or of the SYN).
    pub(crate) const SEQ_NUM: Field = 4..8;
    /// Acknowledgment number: the next byte the sender expects.
    pub(crate) const ACK_NUM: Field = 8..12;
    /// Data offset (high 4 bits) and reserved bits (low 4).
    pub(crate) const DATA_OFFSET: usize = 12;
    /// The eight control bits, CWR (high) to FIN (low).
    pub(crate) const FLAGS: usize = 13;
    /// Receive window.
    pub(crate) const WINDOW: Field = 14..16;
    /// Checksum over pseudo-header, header and data.
    pub(crate) const CHECKSUM: Field = 16..18;
    /// Urgent pointer, meaningful only with URG.
    pub(crate) const URGENT: Field = 18..20;
    /// Where options start, when the data offset is above 5.
    pub(crate) const OPTIONS: usize = 20;
}

/// The length of a header without options.
pub const MIN_HEADER_LEN: usize = 20;
/// The longest header the data offset can describe: 15 words of 4 bytes.
pub const MAX_HEADER_LEN: usize = 60;

/// The option kinds this file knows, from [RFC 9293 § 3.2] and the
/// [IANA TCP option kind registry].
///
/// [RFC 9293 § 3.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.2
/// [IANA TCP option kind registry]: https://www.iana.org/assignments/tcp-parameters/tcp-parameters.xhtml
mod kind {
    pub(super) const END_OF_LIST: u8 = 0;
    pub(super) const NO_OP: u8 = 1;
    pub(super) const MSS: u8 = 2;
    pub(super) const WINDOW_SCALE: u8 = 3;
    pub(super) const SACK_PERMITTED: u8 = 4;
    pub(super) const SACK: u8 = 5;
    pub(super) const TIMESTAMPS: u8 = 8;
}

/// The eight control bits of a segment.
///
/// Shown as a comma-separated list in wire order from the lowest bit,
/// e.g. `SYN,ACK`, or `none`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(pub u8);

impl Flags {
    /// No more data from the sender: it is closing its half.
    pub const FIN: Flags = Flags(0x01);
    /// Synchronize sequence numbers: the first segment in each direction.
    pub const SYN: Flags = Flags(0x02);
    /// Reset the connection.
    pub const RST: Flags = Flags(0x04);
    /// Push: deliver the data to the application now.
    pub const PSH: Flags = Flags(0x08);
    /// The acknowledgment number is valid.
    pub const ACK: Flags = Flags(0x10);
    /// The urgent pointer is valid.
    pub const URG: Flags = Flags(0x20);
    /// ECN-Echo ([RFC 3168 § 6.1]).
    ///
    /// [RFC 3168 § 6.1]: https://datatracker.ietf.org/doc/html/rfc3168#section-6.1
    pub const ECE: Flags = Flags(0x40);
    /// Congestion window reduced ([RFC 3168 § 6.1]).
    ///
    /// [RFC 3168 § 6.1]: https://datatracker.ietf.org/doc/html/rfc3168#section-6.1
    pub const CWR: Flags = Flags(0x80);

    /// Each flag with its name, lowest bit first.
    const NAMES: [(Flags, &'static str); 8] = [
        (Flags::FIN, "FIN"),
        (Flags::SYN, "SYN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
    ];

    /// Whether every bit of `other` is set in `self`.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// The same text as `Display` (`SYN,ACK`), without formatting it:
    /// there are only 256 combinations, so all of them are written once,
    /// on first use, and every segment after that looks its text up.
    /// `netlab dissect` shows the flags of every TCP segment of a capture.
    pub fn text(self) -> &'static str {
        static TEXT: std::sync::OnceLock<Vec<String>> =
            std::sync::OnceLock::new();
        let all = TEXT.get_or_init(|| {
            (0..=u8::MAX).map(|bits| Flags(bits).to_string()).collect()
        });
        &all[usize::from(self.0)]
    }
}

impl core::ops::BitOr for Flags {
    type Output = Flags;

    fn bitor(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("none");
        }
        let mut first = true;
        for (flag, name) in Flags::NAMES {
            if self.contains(flag) {
                if !first {
                    f.write_str(",")?;
                }
                f.write_str(name)?;
                first = false;
            }
        }
        Ok(())
    }
}

/// One TCP option.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TcpOption {
    /// Kind 0: the end of the option list; only zero padding follows
    /// ([RFC 9293 § 3.2]).
    ///
    /// [RFC 9293 § 3.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.2
    EndOfList,
    /// Kind 1: one byte of nothing, used to align the next option
    /// ([RFC 9293 § 3.2]).
    ///
    /// [RFC 9293 § 3.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.2
    NoOp,
    /// Kind 2: the largest segment the sender will accept, in bytes; only
    /// in a SYN ([RFC 9293 § 3.7.1]).
    ///
    /// [RFC 9293 § 3.7.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.7.1
    MaxSegmentSize(u16),
    /// Kind 3: multiply the window field by 2^shift ([RFC 7323 § 2.2]).
    ///
    /// [RFC 7323 § 2.2]: https://datatracker.ietf.org/doc/html/rfc7323#section-2.2
    WindowScale(u8),
    /// Kind 4: the sender understands SACK ([RFC 2018 § 2]).
    ///
    /// [RFC 2018 § 2]: https://datatracker.ietf.org/doc/html/rfc2018#section-2
    SackPermitted,
    /// Kind 5: blocks received out of order, as (left edge, right edge)
    /// sequence numbers ([RFC 2018 § 3]).
    ///
    /// [RFC 2018 § 3]: https://datatracker.ietf.org/doc/html/rfc2018#section-3
    Sack(Vec<(u32, u32)>),
    /// Kind 8: the sender's clock and the last clock value it received,
    /// for round-trip time measurement ([RFC 7323 § 3.2]).
    ///
    /// [RFC 7323 § 3.2]: https://datatracker.ietf.org/doc/html/rfc7323#section-3.2
    Timestamps {
        /// TSval: the sender's timestamp clock.
        value: u32,
        /// TSecr: the TSval most recently received from the peer.
        echo_reply: u32,
    },
    /// Any other kind, with its data (the bytes after kind and length).
    Unknown {
        /// The option kind.
        kind: u8,
        /// The option data.
        data: Vec<u8>,
    },
}

impl TcpOption {
    /// Reads a kind-length-data option from its kind and data bytes,
    /// checking that the length is the one its RFC gives.
    fn from_kind_and_data(
        kind: u8,
        data: &[u8],
        at: usize,
    ) -> Result<TcpOption, Error> {
        // `option` picks the option's name in the message (`wire.ftl`).
        let wrong_length =
            |option: &'static str, expected: usize, spec| Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-option-length",
                    option = option,
                    at = at,
                    length = data.len() + 2,
                    expected = expected
                ),
                spec,
            };
        match (kind, data) {
            (kind::MSS, &[a, b]) => {
                Ok(TcpOption::MaxSegmentSize(u16::from_be_bytes([a, b])))
            }
            (kind::MSS, _) => Err(wrong_length("mss", 4, "RFC 9293 § 3.2")),
            (kind::WINDOW_SCALE, &[shift]) => Ok(TcpOption::WindowScale(shift)),
            (kind::WINDOW_SCALE, _) => {
                Err(wrong_length("window-scale", 3, "RFC 7323 § 2.2"))
            }
            (kind::SACK_PERMITTED, &[]) => Ok(TcpOption::SackPermitted),
            (kind::SACK_PERMITTED, _) => {
                Err(wrong_length("sack-permitted", 2, "RFC 2018 § 2"))
            }
            // RFC 2018 § 3: "A SACK option that specifies n blocks will
            // have a length of 8*n+2 bytes".
            (kind::SACK, _)
                if !data.is_empty() && data.len().is_multiple_of(8) =>
            {
                let blocks = data
                    .chunks_exact(8)
                    .map(|block| (read_u32(block, 0), read_u32(block, 4)))
                    .collect();
                Ok(TcpOption::Sack(blocks))
            }
            (kind::SACK, _) => Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-sack-length",
                    at = at,
                    length = data.len() + 2
                ),
                spec: "RFC 2018 § 3",
            }),
            (kind::TIMESTAMPS, _) if data.len() == 8 => {
                Ok(TcpOption::Timestamps {
                    value: read_u32(data, 0),
                    echo_reply: read_u32(data, 4),
                })
            }
            (kind::TIMESTAMPS, _) => {
                Err(wrong_length("timestamps", 10, "RFC 7323 § 3.2"))
            }
            // RFC 9293 § 3.2: "A TCP implementation MUST (MUST-6) ignore
            // without error any TCP Option it does not implement, assuming
            // that the option has a length field." We keep it, to show it.
            _ => Ok(TcpOption::Unknown {
                kind,
                data: data.to_vec(),
            }),
        }
    }

    /// Appends the option's bytes (kind, length, data) to `out`.
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            TcpOption::EndOfList => out.push(kind::END_OF_LIST),
            TcpOption::NoOp => out.push(kind::NO_OP),
            TcpOption::MaxSegmentSize(mss) => {
                out.extend_from_slice(&[kind::MSS, 4]);
                out.extend_from_slice(&mss.to_be_bytes());
            }
            TcpOption::WindowScale(shift) => {
                out.extend_from_slice(&[kind::WINDOW_SCALE, 3, *shift]);
            }
            TcpOption::SackPermitted => {
                out.extend_from_slice(&[kind::SACK_PERMITTED, 2]);
            }
            TcpOption::Sack(blocks) => {
                // At most 4 blocks fit in 40 bytes; emit checks the total.
                let length = u8::try_from(2 + 8 * blocks.len()).unwrap_or(0);
                out.extend_from_slice(&[kind::SACK, length]);
                for (left, right) in blocks {
                    out.extend_from_slice(&left.to_be_bytes());
                    out.extend_from_slice(&right.to_be_bytes());
                }
            }
            TcpOption::Timestamps { value, echo_reply } => {
                out.extend_from_slice(&[kind::TIMESTAMPS, 10]);
                out.extend_from_slice(&value.to_be_bytes());
                out.extend_from_slice(&echo_reply.to_be_bytes());
            }
            TcpOption::Unknown { kind, data } => {
                let length = u8::try_from(2 + data.len()).unwrap_or(0);
                out.extend_from_slice(&[*kind, length]);
                out.extend_from_slice(data);
            }
        }
    }
}

impl fmt::Display for TcpOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TcpOption::EndOfList => f.write_str("EOL"),
            TcpOption::NoOp => f.write_str("NOP"),
            TcpOption::MaxSegmentSize(mss) => write!(f, "MSS {mss}"),
            TcpOption::WindowScale(shift) => write!(f, "WS {shift}"),
            TcpOption::SackPermitted => f.write_str("SACK-permitted"),
            TcpOption::Sack(blocks) => {
                f.write_str("SACK")?;
                for (left, right) in blocks {
                    write!(f, " {left}-{right}")?;
                }
                Ok(())
            }
            TcpOption::Timestamps { value, echo_reply } => {
                write!(f, "TS val {value} ecr {echo_reply}")
            }
            TcpOption::Unknown { kind, data } => {
                write!(f, "kind {kind} ({} bytes of data)", data.len())
            }
        }
    }
}

/// A TCP header as plain values.
///
/// The data offset is not stored: it follows from `options`
/// ([`Repr::header_len`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Repr {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgment number, meaningful when [`Flags::ACK`] is set.
    pub ack: u32,
    /// The 4 reserved bits after the data offset, normally 0; kept so a
    /// segment can be rebuilt as it was.
    pub reserved: u8,
    /// Control bits.
    pub flags: Flags,
    /// Receive window, before any window scaling.
    pub window: u16,
    /// The checksum as found in the segment. [`Repr::emit`] ignores it and
    /// computes the right one.
    pub checksum: u16,
    /// Urgent pointer.
    pub urgent: u16,
    /// The options, in order.
    pub options: Vec<TcpOption>,
}

impl Repr {
    /// Reads the header at the start of `segment` (a whole IP payload) and
    /// its options. Returns it with the range of `segment` that holds the
    /// data.
    ///
    /// The checksum is not checked here, because that needs the IP
    /// addresses: call [`checksum_ok`].
    pub fn parse(
        segment: &[u8],
    ) -> Result<(Repr, core::ops::Range<usize>), Error> {
        // pnet's `TcpPacket::new` checks these 20 bytes and no more.
        check_len(Layer::Tcp, segment, MIN_HEADER_LEN)?;
        let tcp = TcpPacket::new(segment)
            .expect("check_len proved the 20 bytes pnet's view needs");

        // RFC 9293 § 3.1: "Data Offset (DOffset): 4 bits. The number of
        // 32-bit words in the TCP header. This indicates where the data
        // begins." Five words is the header without options.
        let header_len = usize::from(tcp.get_data_offset()) * 4;
        if header_len < MIN_HEADER_LEN {
            return Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-data-offset",
                    length = header_len,
                    minimum = MIN_HEADER_LEN
                ),
                spec: "RFC 9293 § 3.1",
            });
        }
        check_len(Layer::Tcp, segment, header_len)?;

        // The offset fits the buffer, so pnet's option bytes are exactly
        // the ones the header claims; our parser checks each option.
        let options = parse_options(tcp.get_options_raw())?;
        let repr = Repr {
            src_port: tcp.get_source(),
            dst_port: tcp.get_destination(),
            seq: tcp.get_sequence(),
            ack: tcp.get_acknowledgement(),
            reserved: tcp.get_reserved(),
            flags: Flags(tcp.get_flags()),
            window: tcp.get_window(),
            checksum: tcp.get_checksum(),
            urgent: tcp.get_urgent_ptr(),
            options,
        };
        Ok((repr, header_len..segment.len()))
    }

    /// The options as bytes, padded with zeros to a whole 32-bit word.
    fn option_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        for option in &self.options {
            option.encode(&mut bytes);
        }
        // RFC 9293 § 3.1: "The TCP header padding is used to ensure that
        // the TCP header ends, and data begins, on a 32-bit boundary. The
        // padding is composed of zeros."
        while bytes.len() % 4 != 0 {
            bytes.push(0);
        }
        bytes
    }

    /// The header length in bytes: 20 plus the padded options.
    pub fn header_len(&self) -> usize {
        MIN_HEADER_LEN + self.option_bytes().len()
    }

    /// Writes the header into the start of `segment`, which must already
    /// hold the data after [`Repr::header_len`] bytes and be exactly as
    /// long as header plus data: the checksum covers all of it, and the
    /// pseudo-header made from `src` and `dst`.
    pub fn emit(
        &self,
        segment: &mut [u8],
        src: IpAddr,
        dst: IpAddr,
    ) -> Result<(), Error> {
        let options = self.option_bytes();
        let header_len = MIN_HEADER_LEN + options.len();
        if header_len > MAX_HEADER_LEN {
            return Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-options-too-long",
                    length = options.len()
                ),
                spec: "RFC 9293 § 3.1",
            });
        }
        check_room(Layer::Tcp, segment, header_len)?;

        let mut tcp = MutableTcpPacket::new(segment)
            .expect("check_room proved the 20 bytes pnet's view needs");
        tcp.set_source(self.src_port);
        tcp.set_destination(self.dst_port);
        tcp.set_sequence(self.seq);
        tcp.set_acknowledgement(self.ack);
        // header_len is at most 60, so the offset fits in 4 bits. It is set
        // before the options, whose place pnet computes from it.
        tcp.set_data_offset((header_len / 4) as u8);
        tcp.set_reserved(self.reserved & 0x0f);
        tcp.set_flags(self.flags.0);
        tcp.set_window(self.window);
        tcp.set_urgent_ptr(self.urgent);
        tcp.get_options_raw_mut().copy_from_slice(&options);

        // RFC 9293 § 3.1: "While computing the checksum, the checksum field
        // itself is replaced with zeros."
        tcp.set_checksum(0);
        let Some(checksum) =
            segment_checksum(tcp.packet(), src, dst, IpProtocol::Tcp)
        else {
            return Err(mixed_families(src, dst));
        };
        tcp.set_checksum(checksum);
        Ok(())
    }
}

/// Reads the option list, checking each option's length against the end
/// of the header. `bytes` is the header from byte 20 to the data offset.
fn parse_options(bytes: &[u8]) -> Result<Vec<TcpOption>, Error> {
    let mut options = Vec::new();
    let mut at = 0;
    while let Some(&kind) = bytes.get(at) {
        // Byte position in the header, for error messages.
        let header_at = field::OPTIONS + at;
        // RFC 9293 § 3.1: "Case 1: A single octet of option-kind. Case 2:
        // An octet of option-kind (Kind), an octet of option-length, and
        // the actual option-data octets."
        match kind {
            kind::END_OF_LIST => {
                options.push(TcpOption::EndOfList);
                // "The content of the header beyond the End of Option List
                // Option MUST be header padding of zeros (MUST-69)." That
                // is the sender's duty; a receiver stops reading options
                // here whatever follows, as tshark does (it shows the EOL
                // and no option after it), so non-zero padding is left
                // unread rather than losing the whole TCP header.
                break;
            }
            kind::NO_OP => {
                options.push(TcpOption::NoOp);
                at += 1;
                continue;
            }
            _ => {}
        }

        // RFC 9293 § 3.2: "All TCP Options except End of Option List
        // Option (EOL) and No-Operation (NOP) MUST have length fields
        // (MUST-68)."
        let Some(&length) = bytes.get(at + 1) else {
            return Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-option-no-length",
                    kind = kind,
                    at = header_at
                ),
                spec: "RFC 9293 § 3.2",
            });
        };
        // RFC 9293 § 3.1: "The option-length counts the two octets of
        // option-kind and option-length as well as the option-data
        // octets."
        let length = usize::from(length);
        if length < 2 {
            return Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-option-too-short",
                    kind = kind,
                    at = header_at,
                    length = length
                ),
                spec: "RFC 9293 § 3.1",
            });
        }
        let end = at + length;
        let Some(data) = bytes.get(at + 2..end) else {
            return Err(Error::Malformed {
                layer: Layer::Tcp,
                rule: rule!(
                    "wire-tcp-option-too-long",
                    kind = kind,
                    at = header_at,
                    length = length,
                    end = field::OPTIONS + bytes.len()
                ),
                spec: "RFC 9293 § 3.1",
            });
        };
        options.push(TcpOption::from_kind_and_data(kind, data, header_at)?);
        at = end;
    }
    Ok(options)
}

/// Whether the checksum of `segment` (a whole TCP segment, as received)
/// is right for a packet from `src` to `dst`.
///
/// `false` if the two addresses are of different families: no such packet
/// exists.
pub fn checksum_ok(segment: &[u8], src: IpAddr, dst: IpAddr) -> bool {
    // Summing the segment with its checksum in place gives zero when they
    // agree (see super::checksum).
    segment_checksum(segment, src, dst, IpProtocol::Tcp) == Some(0)
}

/// The error for a pseudo-header between an IPv4 and an IPv6 address.
fn mixed_families(src: IpAddr, dst: IpAddr) -> Error {
    Error::Malformed {
        layer: Layer::Tcp,
        rule: rule!(
            "wire-mixed-families",
            src = src.to_string(),
            dst = dst.to_string()
        ),
        spec: "RFC 9293 § 3.1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::{SYN_FRAME, SYN_TCP};
    use std::net::{Ipv4Addr, Ipv6Addr};

    const LO: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    fn syn() -> &'static [u8] {
        &SYN_FRAME[SYN_TCP]
    }

    #[test]
    fn parses_the_loopback_syn() {
        let (repr, data) = Repr::parse(syn()).expect("valid segment");
        assert_eq!(repr.src_port, 54321);
        assert_eq!(repr.dst_port, 5222);
        assert_eq!(repr.seq, 0x5a1b_2c3d);
        assert_eq!(repr.ack, 0);
        assert_eq!(repr.flags, Flags::SYN);
        assert_eq!(repr.window, 65495);
        assert_eq!(repr.checksum, 0xaab9);
        assert_eq!(repr.urgent, 0);
        assert_eq!(
            repr.options,
            [
                TcpOption::MaxSegmentSize(65495),
                TcpOption::SackPermitted,
                TcpOption::Timestamps {
                    value: 0x0a1b_2c3d,
                    echo_reply: 0
                },
                TcpOption::NoOp,
                TcpOption::WindowScale(7),
            ]
        );
        assert_eq!(repr.header_len(), 40);
        assert_eq!(data, 40..40);
        assert!(checksum_ok(syn(), LO, LO));
    }

    #[test]
    fn pnet_reads_the_ranges_of_the_diagram() {
        let mut segment = [0u8; 24];
        segment[field::SRC_PORT].copy_from_slice(&[0x12, 0x34]);
        segment[field::DST_PORT].copy_from_slice(&[0x14, 0x66]);
        segment[field::SEQ_NUM].copy_from_slice(&[1, 2, 3, 4]);
        segment[field::ACK_NUM].copy_from_slice(&[5, 6, 7, 8]);
        segment[field::DATA_OFFSET] = 0x6a;
        segment[field::FLAGS] = 0x12;
        segment[field::WINDOW].copy_from_slice(&[0xff, 0xd7]);
        segment[field::CHECKSUM].copy_from_slice(&[0xbe, 0xef]);
        segment[field::URGENT].copy_from_slice(&[0, 9]);
        segment[field::OPTIONS..].copy_from_slice(&[1, 1, 1, 0]);
        let tcp = TcpPacket::new(&segment).expect("20 bytes");
        assert_eq!((tcp.get_source(), tcp.get_destination()), (0x1234, 5222));
        assert_eq!(tcp.get_sequence(), 0x0102_0304);
        assert_eq!(tcp.get_acknowledgement(), 0x0506_0708);
        assert_eq!((tcp.get_data_offset(), tcp.get_reserved()), (6, 0xa));
        assert_eq!((tcp.get_flags(), tcp.get_window()), (0x12, 0xffd7));
        assert_eq!((tcp.get_checksum(), tcp.get_urgent_ptr()), (0xbeef, 9));
        assert_eq!(tcp.get_options_raw(), [1, 1, 1, 0]);
    }

    #[test]
    fn emit_round_trips() {
        let (repr, _) = Repr::parse(syn()).expect("valid segment");
        let mut out = vec![0u8; repr.header_len()];
        repr.emit(&mut out, LO, LO).expect("valid header");
        assert_eq!(out, syn());
    }

    #[test]
    fn emit_with_data_checksums_the_data() {
        let repr = Repr {
            src_port: 5222,
            dst_port: 54321,
            seq: 1,
            ack: 2,
            reserved: 0,
            flags: Flags::PSH | Flags::ACK,
            window: 512,
            checksum: 0,
            urgent: 0,
            options: vec![TcpOption::NoOp, TcpOption::EndOfList],
        };
        let header_len = repr.header_len();
        assert_eq!(header_len, 24);
        let mut out = vec![0u8; header_len + 5];
        out[header_len..].copy_from_slice(b"hello");
        repr.emit(&mut out, LO, LO).expect("valid header");
        assert!(checksum_ok(&out, LO, LO));
        let (again, data) = Repr::parse(&out).expect("valid segment");
        assert_eq!(&out[data], b"hello");
        assert_eq!(again.options, [TcpOption::NoOp, TcpOption::EndOfList]);
        assert_eq!(again.flags.to_string(), "PSH,ACK");
    }

    #[test]
    fn every_truncation_is_an_error() {
        let segment = syn();
        for len in 0..segment.len() {
            let err = Repr::parse(&segment[..len]).expect_err("too short");
            let needed = if len < 20 { 20 } else { 40 };
            assert_eq!(
                err,
                Error::Truncated {
                    layer: Layer::Tcp,
                    needed,
                    available: len
                }
            );
        }
    }

    #[test]
    fn bad_checksum_is_detected() {
        let mut segment = syn().to_vec();
        segment[14] ^= 0x01; // one bit of the window
        assert!(!checksum_ok(&segment, LO, LO));
        // The right bytes between the wrong addresses fail too: that is
        // what the pseudo-header is for.
        let other = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        assert!(!checksum_ok(syn(), LO, other));
        assert!(!checksum_ok(syn(), LO, IpAddr::V6(Ipv6Addr::LOCALHOST)));
    }

    #[test]
    fn checksum_over_ipv6_round_trips() {
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        let (repr, _) = Repr::parse(syn()).expect("valid segment");
        let mut out = vec![0u8; repr.header_len()];
        repr.emit(&mut out, v6, v6).expect("valid header");
        assert!(checksum_ok(&out, v6, v6));
        assert!(!checksum_ok(&out, LO, LO));
    }

    #[test]
    fn data_offset_below_5_is_malformed() {
        let mut segment = syn().to_vec();
        segment[12] = 0x40;
        let err = Repr::parse(&segment).expect_err("offset 4");
        assert_eq!(
            err.to_string(),
            "TCP data offset 16 is below the minimum of 20 (RFC 9293 § 3.1)"
        );
    }

    #[test]
    fn option_running_past_the_header_is_malformed() {
        let mut segment = syn().to_vec();
        segment[38] = 4; // window scale claims 4 bytes, 3 are left
        let err = Repr::parse(&segment).expect_err("option too long");
        assert_eq!(
            err.to_string(),
            "TCP option kind 3 at byte 37 has length 4 and runs past the end \
             of the header at byte 40 (RFC 9293 § 3.1)"
        );
    }

    #[test]
    fn option_without_length_byte_is_malformed() {
        let mut segment = syn().to_vec();
        segment[37..40].copy_from_slice(&[1, 1, 3]); // NOP NOP, then kind 3
        let err = Repr::parse(&segment).expect_err("no length byte");
        assert!(err.to_string().contains("no length byte"), "{err}");
    }

    #[test]
    fn option_length_below_2_is_malformed() {
        let mut segment = syn().to_vec();
        segment[37..40].copy_from_slice(&[1, 3, 1]); // kind 3, length 1
        let err = Repr::parse(&segment).expect_err("length 1");
        assert!(matches!(err, Error::Malformed { .. }), "{err}");
    }

    #[test]
    fn option_of_the_wrong_length_is_malformed() {
        let mut segment = syn().to_vec();
        segment[21] = 3; // MSS with length 3
        segment[22] = 1; // followed by a NOP ...
        segment[23] = 1; // ... and another NOP
        let err = Repr::parse(&segment).expect_err("MSS length 3");
        assert_eq!(
            err.to_string(),
            "TCP MSS option at byte 20 has length 3, not 4 (RFC 9293 § 3.2)"
        );
    }

    /// A SYN's header with 12 option bytes: MSS 1460, an option of
    /// unknown kind 253 (RFC 4727's experimental kind) with 2 bytes of
    /// data, the end of the list, and then 3 bytes that are not zero
    /// padding. tshark shows kinds 2, 253, 0 and stops.
    const EOL_THEN_GARBAGE: [u8; 32] = [
        0x04, 0xd2, 0x00, 0x50, // ports 1234 → 80
        0, 0, 0, 1, 0, 0, 0, 0, // seq 1, ack 0
        0x80, 0x02, 0xff, 0xff, // data offset 8 (32 bytes), SYN, window
        0, 0, 0, 0, // checksum, urgent pointer
        2, 4, 0x05, 0xb4, // MSS 1460
        253, 4, 0xaa, 0xbb, // kind 253, length 4, data aa bb
        0, 1, 2, 0, // EOL, then "padding" 01 02 00
    ];

    #[test]
    fn options_stop_at_end_of_list_whatever_follows() {
        let (repr, data) = Repr::parse(&EOL_THEN_GARBAGE).expect("parses");
        assert_eq!(
            repr.options,
            [
                TcpOption::MaxSegmentSize(1460),
                TcpOption::Unknown {
                    kind: 253,
                    data: vec![0xaa, 0xbb]
                },
                TcpOption::EndOfList,
            ]
        );
        assert_eq!(data, 32..32);
        for len in 0..EOL_THEN_GARBAGE.len() {
            let _ = Repr::parse(&EOL_THEN_GARBAGE[..len]);
        }
    }

    #[test]
    fn unknown_and_sack_options_parse() {
        let mut segment = syn().to_vec();
        // Replace the 20 option bytes: SACK with two blocks (18 bytes),
        // then an unknown kind 30 with no data (2 bytes).
        let mut options = vec![5, 18];
        for edge in [100u32, 200, 300, 400] {
            options.extend_from_slice(&edge.to_be_bytes());
        }
        options.extend_from_slice(&[30, 2]);
        segment[20..40].copy_from_slice(&options);
        let (repr, _) = Repr::parse(&segment).expect("valid options");
        assert_eq!(
            repr.options,
            [
                TcpOption::Sack(vec![(100, 200), (300, 400)]),
                TcpOption::Unknown {
                    kind: 30,
                    data: vec![]
                },
            ]
        );
        assert_eq!(repr.options[0].to_string(), "SACK 100-200 300-400");
    }

    #[test]
    fn every_single_byte_corruption_is_safe() {
        for at in 0..syn().len() {
            for value in 0..=255u8 {
                let mut segment = syn().to_vec();
                segment[at] = value;
                let _ = Repr::parse(&segment);
            }
        }
    }

    #[test]
    fn flags_display_in_wire_order() {
        assert_eq!((Flags::SYN | Flags::ACK).to_string(), "SYN,ACK");
        assert_eq!((Flags::FIN | Flags::ACK).to_string(), "FIN,ACK");
        assert_eq!(Flags(0xff).to_string(), "FIN,SYN,RST,PSH,ACK,URG,ECE,CWR");
        assert_eq!(Flags::default().to_string(), "none");
    }

    #[test]
    fn flag_text_is_display_text() {
        for bits in 0..=u8::MAX {
            assert_eq!(Flags(bits).text(), Flags(bits).to_string());
        }
    }
}
