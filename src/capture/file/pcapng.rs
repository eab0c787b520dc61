//! pcapng, the "next generation" format: a file of typed blocks, some of
//! which hold packets.
//!
//! Where pcap has one header and then records, pcapng is blocks all the
//! way down, each saying its type and length so that a reader can step
//! over the ones it does not know. Every block has the same frame,
//! redrawn from [draft-ietf-opsawg-pcapng] § 3.1:
//!
//! ```text
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +---------------------------------------------------------------+
//! |                          Block Type                           |  0..4
//! +---------------------------------------------------------------+
//! |                      Block Total Length                       |  4..8
//! +---------------------------------------------------------------+
//! /                          Block Body                           /  8..
//! /              variable length, padded to 32 bits               /
//! +---------------------------------------------------------------+
//! |                      Block Total Length                       |
//! +---------------------------------------------------------------+
//! ```
//!
//! and the block that carries nearly every packet, the Enhanced Packet
//! Block (§ 4.3), fills the body with (offsets from the block's start):
//!
//! ```text
//! +---------------------------------------------------------------+
//! |                         Interface ID                          |  8..12
//! +---------------------------------------------------------------+
//! |                        Timestamp (High)                       | 12..16
//! +---------------------------------------------------------------+
//! |                        Timestamp (Low)                        | 16..20
//! +---------------------------------------------------------------+
//! |                    Captured Packet Length                     | 20..24
//! +---------------------------------------------------------------+
//! |                    Original Packet Length                     | 24..28
//! +---------------------------------------------------------------+
//! /          Packet Data, padded to 32 bits; then Options         / 28..
//! +---------------------------------------------------------------+
//! ```
//!
//! Three things make a packet's meaning depend on blocks before it, and
//! this file keeps track of them: the *section* (a Section Header Block
//! starts one, § 4.1, with its own byte order), the section's
//! *interfaces* (one Interface Description Block each, § 4.2, numbered in
//! the order they came), and each interface's *clock*: a timestamp is a
//! count of ticks whose length the interface's `if_tsresol` option says.
//! A packet's Interface ID is an index into that list; [`Interface`] is
//! what we keep of each.
//!
//! pcap-file parses the blocks, and no `mod field` is needed, since we
//! never index the bytes ourselves; its mistakes this file steers around
//! are named where they are avoided (search for "pcap-file 2.0.0").
//!
//! Read before: `pcap.rs` (the older, simpler format) and [`super`].
//! Read next: `writer.rs`, which writes what this reads. Book:
//! `book/src/lesson-07.md`. Run: `cargo test --lib capture::file::pcapng`.
//!
//! Spec: [draft-ietf-opsawg-pcapng] § 3.1 (block layout), § 3.5 (options),
//! § 4.1 SHB, § 4.2 IDB, § 4.3 EPB, § 4.4 SPB, appendix A (the obsolete
//! Packet Block).
//!
//! [draft-ietf-opsawg-pcapng]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/

use std::time::Duration;

use pcap_file::Endianness;
use pcap_file::pcapng::blocks::enhanced_packet::{
    EnhancedPacketBlock, EnhancedPacketOption,
};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::packet::PacketOption;
use pcap_file::pcapng::blocks::section_header::SectionHeaderBlock;
use pcap_file::pcapng::{Block, PcapNgReader};

use super::pcap::largest_record;
use super::{Error, Input, corrupt};
use crate::capture::{Frame, LinkType};

/// What we keep of a pcapng Interface Description Block.
#[derive(Clone, Copy, Debug)]
pub(super) struct Interface {
    linktype: LinkType,
    /// 0 means no limit.
    snaplen: u32,
    /// How many timestamp ticks make one second (if_tsresol).
    ticks_per_second: u128,
    /// Seconds to add to every timestamp (if_tsoffset).
    offset_seconds: i64,
}

/// Refuses a section of a pcapng version we cannot read.
///
/// § 4.1: "Major Version […] This document specifies version 1." A
/// reader cannot know the layout of version 2, so Wireshark and tcpdump
/// both stop; so do we. Minor versions were meant to stay compatible
/// (Wireshark reads 1.2), so any minor version is read.
pub(super) fn check_section(
    shb: &SectionHeaderBlock<'_>,
) -> Result<(), String> {
    if shb.major_version == 1 {
        return Ok(());
    }
    Err(format!(
        "the section's version is {}.{}; pcapng has only version 1 \
         ([draft-ietf-opsawg-pcapng] § 4.1), and Wireshark and tcpdump \
         refuse it too",
        shb.major_version, shb.minor_version
    ))
}

/// The next pcapng block that holds a packet, as a frame. Blocks that hold
/// no packet (statistics, name resolution, custom, unknown) are skipped.
pub(super) fn next_pcapng(
    reader: &mut PcapNgReader<Input>,
    interfaces: &mut Vec<Interface>,
    number: u64,
) -> Option<Result<Frame, Error>> {
    loop {
        // The byte order of the section the next block is in (unless it
        // starts a new section itself, which needs none of this).
        let endianness = reader.section().endianness;
        let block = match reader.next_block()? {
            Ok(block) => block,
            Err(e) => return Some(Err(corrupt(number, "block", e))),
        };
        let found = match block {
            // A new section starts afresh: its packets name only the
            // interfaces described after it (§ 4.1). Its byte order may
            // differ from the last section's; pcap-file reads the SHB's
            // byte-order magic itself and switches, which a test checks.
            Block::SectionHeader(shb) => {
                if let Err(reason) = check_section(&shb) {
                    return Some(Err(Error::Corrupt {
                        frame: number,
                        reason,
                    }));
                }
                interfaces.clear();
                continue;
            }
            Block::InterfaceDescription(idb) => {
                match Interface::from_block(&idb) {
                    Ok(interface) => interfaces.push(interface),
                    Err(reason) => {
                        return Some(Err(Error::Corrupt {
                            frame: number,
                            reason,
                        }));
                    }
                }
                continue;
            }
            Block::EnhancedPacket(epb) => {
                enhanced_packet(&epb, interfaces, number)
            }
            Block::SimplePacket(spb) => {
                // § 4.4: an SPB has no interface id; "it MUST be assumed
                // that all the Simple Packet Blocks have been captured on
                // the interface previously specified in the first
                // Interface Description Block". It has no timestamp
                // either, so its frame says 1970-01-01.
                let Some(interface) = interfaces.first() else {
                    return Some(Err(Error::Corrupt {
                        frame: number,
                        reason: "a Simple Packet Block comes before any \
                                 Interface Description Block, so nothing \
                                 says what link type it holds (§ 4.4)"
                            .to_string(),
                    }));
                };
                // pcap-file 2.0.0 hands over the whole block body, padding
                // included. The packet is only the first min(original
                // length, snaplen) bytes of it (§ 4.4).
                let mut keep = spb.original_len;
                if interface.snaplen != 0 {
                    keep = keep.min(interface.snaplen);
                }
                let keep = spb.data.len().min(keep as usize);
                if let Err(e) = check_caplen(interface, keep, number) {
                    return Some(Err(e));
                }
                Ok(Frame {
                    timestamp: Duration::ZERO,
                    linktype: interface.linktype,
                    data: spb.data[..keep].to_vec(),
                    orig_len: spb.original_len,
                    interface: 0,
                    comment: None,
                })
            }
            // The obsolete Packet Block (appendix A of the draft): older
            // Wireshark wrote it, and it still holds a packet.
            Block::Packet(pb) => {
                // Appendix A: the timestamp is "Timestamp (High)" then
                // "Timestamp (Low)", each in the section's byte order.
                // pcap-file 2.0.0 reads the two words as one u64, which
                // is right big-endian but swaps the halves little-endian.
                let ticks = match endianness {
                    Endianness::Big => pb.timestamp,
                    Endianness::Little => pb.timestamp.rotate_left(32),
                };
                let comment =
                    comments(pb.options.iter().filter_map(|o| match o {
                        PacketOption::Comment(c) => Some(c.as_ref()),
                        _ => None,
                    }));
                packet_frame(
                    interfaces,
                    number,
                    u32::from(pb.interface_id),
                    ticks,
                    &pb.data,
                    pb.original_len,
                    comment,
                )
            }
            // Statistics, name resolution, journal entries, custom and
            // unknown blocks hold no packet.
            _ => continue,
        };
        return Some(found);
    }
}

/// An Enhanced Packet Block (§ 4.3) as a frame.
fn enhanced_packet(
    epb: &EnhancedPacketBlock<'_>,
    interfaces: &[Interface],
    number: u64,
) -> Result<Frame, Error> {
    // pcap-file 2.0.0 builds `epb.timestamp` as
    // `Duration::from_nanos(raw)`: it takes the raw tick count for
    // nanoseconds, whatever the interface's if_tsresol says. With the
    // default resolution, microseconds, that puts a 2024 packet in
    // January 1970. `from_nanos` kept the u64 exactly, so we take the raw
    // count back out and scale it by the interface's resolution ourselves.
    let ticks = u64::try_from(epb.timestamp.as_nanos())
        .expect("pcap-file built it with Duration::from_nanos(u64)");
    let comment = comments(epb.options.iter().filter_map(|o| match o {
        EnhancedPacketOption::Comment(c) => Some(c.as_ref()),
        _ => None,
    }));
    packet_frame(
        interfaces,
        number,
        epb.interface_id,
        ticks,
        &epb.data,
        epb.original_len,
        comment,
    )
}

/// A packet of interface `id`, timestamped in that interface's ticks.
fn packet_frame(
    interfaces: &[Interface],
    number: u64,
    id: u32,
    ticks: u64,
    data: &[u8],
    orig_len: u32,
    comment: Option<String>,
) -> Result<Frame, Error> {
    let Some(interface) = interfaces.get(id as usize) else {
        return Err(missing_interface(number, id, interfaces.len()));
    };
    check_caplen(interface, data.len(), number)?;
    let timestamp =
        interface
            .timestamp(ticks)
            .map_err(|reason| Error::Corrupt {
                frame: number,
                reason,
            })?;
    Ok(Frame {
        timestamp,
        linktype: interface.linktype,
        data: data.to_vec(),
        orig_len,
        interface: id,
        comment,
    })
}

impl Interface {
    /// Keeps what a packet of this interface needs: its link type, and how
    /// to turn its timestamps into time.
    fn from_block(idb: &InterfaceDescriptionBlock<'_>) -> Result<Self, String> {
        // § 4.2, if_tsresol: "If this option is not present, a resolution
        // of 10^-6 is assumed".
        let mut tsresol = 6u8;
        let mut offset_seconds = 0i64;
        for option in &idb.options {
            match *option {
                InterfaceDescriptionOption::IfTsResol(r) => tsresol = r,
                // The draft defines if_tsoffset as a signed 64-bit
                // integer; pcap-file hands it over as unsigned.
                InterfaceDescriptionOption::IfTsOffset(s) => {
                    offset_seconds = s as i64;
                }
                _ => {}
            }
        }
        // "If the Most Significant Bit is equal to zero, the remaining bits
        // indicates the resolution of the timestamp as a negative power of
        // 10 […]. If the Most Significant Bit is equal to one, the
        // remaining bits indicates the resolution as negative power of 2
        // (e.g. 10 means 1/1024 of second)." (§ 4.2)
        let exponent = u32::from(tsresol & 0x7f);
        let ticks_per_second = if tsresol & 0x80 == 0 {
            10u128.checked_pow(exponent)
        } else {
            2u128.checked_pow(exponent)
        };
        let Some(ticks_per_second) = ticks_per_second else {
            return Err(format!(
                "an interface's if_tsresol says its clock ticks 10^{exponent} \
                 times a second, more than netlab can count"
            ));
        };
        Ok(Interface {
            linktype: LinkType(u32::from(idb.linktype)),
            snaplen: idb.snaplen,
            ticks_per_second,
            offset_seconds,
        })
    }

    /// A pcapng timestamp (ticks since 1970 at this interface's rate) as
    /// time since 1970, to the nanosecond below.
    fn timestamp(&self, ticks: u64) -> Result<Duration, String> {
        let ticks = u128::from(ticks);
        let per_second = self.ticks_per_second;
        // Both fit: seconds ≤ ticks < 2^64, and the fraction of a second
        // times 10^9 is below 2^64 · 2^30.
        let seconds = (ticks / per_second) as u64;
        let nanos = ((ticks % per_second) * 1_000_000_000 / per_second) as u32;
        let time = Duration::new(seconds, nanos);
        let offset = Duration::from_secs(self.offset_seconds.unsigned_abs());
        let shifted = if self.offset_seconds >= 0 {
            time.checked_add(offset)
        } else {
            time.checked_sub(offset)
        };
        shifted.ok_or_else(|| {
            format!(
                "the timestamp plus the interface's if_tsoffset of {} s \
                 falls outside the time netlab can represent",
                self.offset_seconds
            )
        })
    }
}

/// Several `opt_comment`s on one block (§ 3.5 allows that) become one
/// comment, a line each.
fn comments<'a>(texts: impl Iterator<Item = &'a str>) -> Option<String> {
    let all: Vec<&str> = texts.collect();
    if all.is_empty() {
        None
    } else {
        Some(all.join("\n"))
    }
}

/// Refuses a packet larger than any frame of its link type may be: a
/// damaged length, which libpcap and Wireshark refuse too (see
/// [`largest_record`]). A packet longer than its interface's snaplen is
/// read, as Wireshark does (tcpdump refuses it).
fn check_caplen(
    interface: &Interface,
    len: usize,
    number: u64,
) -> Result<(), Error> {
    let largest = largest_record(interface.linktype);
    if len <= largest as usize {
        return Ok(());
    }
    Err(Error::Corrupt {
        frame: number,
        reason: format!(
            "the packet holds {len} bytes, more than the {largest} any \
             frame of its link type may have (libpcap and Wireshark stop \
             here too)"
        ),
    })
}

/// A packet names an interface that the section never described.
fn missing_interface(number: u64, id: u32, known: usize) -> Error {
    Error::Corrupt {
        frame: number,
        reason: crate::tr!("capture-missing-interface", id = id, known = known),
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{Format, Reader};
    use super::*;

    #[test]
    fn pcapng_interfaces_comments_and_skipped_blocks() {
        let le = false;
        let mut bytes = shb(le);
        // Interface 0: Ethernet, no if_tsresol, so microseconds.
        bytes.extend(idb(le, 1, 0, None));
        // Interface 1: raw IP, nanoseconds.
        bytes.extend(idb(le, 101, 0, Some(9)));
        // Interface 2: Linux cooked, 2^-10 s ticks.
        bytes.extend(idb(le, 113, 0, Some(0x80 | 10)));
        bytes.extend(epb(le, 0, 1_700_000_000_000_123, b"eth", Some("hi")));
        bytes.extend(isb(le, 0));
        // A Custom Block (type 0x00000BAD, § 4.8): a PEN and some bytes.
        bytes.extend(block(le, 0x0000_0bad, &[0, 0, 0x7f, 0xff, 1, 2, 3]));
        // A type nobody has defined yet.
        bytes.extend(block(le, 0x0123_4567, b"future"));
        bytes.extend(epb(le, 1, 1_700_000_000_123_456_789, b"ip", None));
        bytes.extend(epb(le, 2, 1024 * 1_700_000_000 + 512, b"sll", None));
        bytes.extend(spb(le, b"simple"));

        let (format, frames) = read_ok(bytes);
        assert_eq!(format, Format::PcapNg);
        assert_eq!(
            frames,
            [
                frame(
                    LinkType::ETHERNET,
                    Duration::new(1_700_000_000, 123_000),
                    b"eth",
                    0,
                    Some("hi")
                ),
                frame(LinkType::RAW, T0, b"ip", 1, None),
                frame(
                    LinkType::LINUX_SLL,
                    Duration::new(1_700_000_000, 500_000_000),
                    b"sll",
                    2,
                    None
                ),
                // SPB: interface 0, no timestamp, padding not included.
                frame(LinkType::ETHERNET, Duration::ZERO, b"simple", 0, None),
            ]
        );
    }

    #[test]
    fn pcapng_packet_naming_a_missing_interface_is_corrupt() {
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 0, None));
        bytes.extend(epb(false, 0, 1, b"ok", None));
        bytes.extend(epb(false, 5, 2, b"lost", None));
        bytes.extend(epb(false, 0, 3, b"never read", None));
        let (_, items) = read_all(bytes);
        assert_eq!(items.len(), 2);
        assert!(items[0].is_ok());
        let err = items[1].as_ref().expect_err("no interface 5");
        assert_eq!(
            err.to_string(),
            "the capture is damaged at frame 2: the packet says it came \
             from interface 5, but this section describes 1 interface(s) \
             before it"
        );
    }

    #[test]
    fn pcapng_second_section_in_the_other_byte_order() {
        // Two captures concatenated (`cat a.pcapng b.pcapng`), one written
        // on a little-endian machine, one on a big-endian one.
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 0, Some(9)));
        bytes.extend(epb(false, 0, 1_000_000_001, b"le", None));
        bytes.extend(shb(true));
        bytes.extend(idb(true, 101, 0, Some(9)));
        bytes.extend(epb(true, 0, 2_000_000_002, b"be", Some("big")));
        let (_, frames) = read_ok(bytes);
        assert_eq!(
            frames,
            [
                frame(LinkType::ETHERNET, Duration::new(1, 1), b"le", 0, None),
                frame(
                    LinkType::RAW,
                    Duration::new(2, 2),
                    b"be",
                    0,
                    Some("big")
                ),
            ]
        );
    }

    #[test]
    fn pcapng_cut_in_the_middle_of_the_last_block() {
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 0, None));
        bytes.extend(epb(false, 0, 1, b"whole", None));
        bytes.extend(epb(false, 0, 2, b"cut", None));
        bytes.truncate(bytes.len() - 6);
        let (_, items) = read_all(bytes);
        assert_eq!(items.len(), 2, "one frame, one error, then the end");
        assert_eq!(items[0].as_ref().expect("whole").data, b"whole");
        assert!(
            matches!(items[1], Err(Error::Corrupt { frame: 2, .. })),
            "got {:?}",
            items[1]
        );
    }

    #[test]
    fn pcapng_options_without_end_of_options() {
        // § 3.5 lets a writer leave out opt_endofopt; pcap-file 2.0.0
        // rejects the block. We must report that, not panic.
        let mut bytes = shb(false);
        let mut body = vec![1, 0, 0, 0, 0, 0, 0, 0];
        body.extend(option(false, 9, &[9]));
        bytes.extend(block(false, 1, &body));
        let (_, items) = read_all(bytes);
        assert_eq!(items.len(), 1);
        let err = items[0].as_ref().expect_err("pcap-file refuses it");
        assert!(err.to_string().contains("opt_endofopt"), "got {err}");
    }

    fn shb_version(big: bool, major: u16, minor: u16) -> Vec<u8> {
        let mut bytes = shb(big);
        // The version follows the block type, length and byte-order magic.
        let (a, b) = if big {
            (major.to_be_bytes(), minor.to_be_bytes())
        } else {
            (major.to_le_bytes(), minor.to_le_bytes())
        };
        bytes[12..14].copy_from_slice(&a);
        bytes[14..16].copy_from_slice(&b);
        bytes
    }

    #[test]
    fn pcapng_section_version_2_is_refused_1_2_is_read() {
        let err =
            Reader::from_reader(std::io::Cursor::new(shb_version(false, 2, 0)))
                .expect_err("version 2");
        assert!(err.to_string().contains("version is 2.0"), "{err}");

        let mut bytes = shb_version(false, 1, 2);
        bytes.extend(idb(false, 1, 0, None));
        bytes.extend(epb(false, 0, 1, b"ok", None));
        // A second section of version 2 stops the reading there.
        bytes.extend(shb_version(true, 2, 0));
        let (_, items) = read_all(bytes);
        assert_eq!(items.len(), 2);
        assert!(items[1].as_ref().is_err_and(|e| {
            e.to_string().contains("pcapng has only version 1")
        }));
    }

    #[test]
    fn pcapng_obsolete_packet_block_timestamp_in_either_byte_order() {
        // Appendix A: interface id (2), drops (2), timestamp high, low,
        // captured length, original length, data.
        for big in [false, true] {
            let ticks: u64 = 1_700_000_000_000_005;
            let word = |n: u32| {
                if big {
                    n.to_be_bytes()
                } else {
                    n.to_le_bytes()
                }
            };
            let mut body = vec![0; 4];
            body.extend(word((ticks >> 32) as u32));
            body.extend(word(ticks as u32));
            body.extend(word(2));
            body.extend(word(2));
            body.extend(b"pb");
            let mut bytes = shb(big);
            bytes.extend(idb(big, 1, 0, None));
            bytes.extend(block(big, 2, &body));
            let (_, frames) = read_ok(bytes);
            assert_eq!(
                frames[0].timestamp,
                Duration::new(1_700_000_000, 5_000)
            );
            assert_eq!(frames[0].data, b"pb");
        }
    }

    #[test]
    fn pcapng_packet_larger_than_any_frame_is_refused() {
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 0, None));
        bytes.extend(epb(false, 0, 1, &vec![0; 262_145], None));
        let (_, items) = read_all(bytes);
        let err = items[0].as_ref().expect_err("too large").to_string();
        assert!(err.contains("262145 bytes, more than the 262144"), "{err}");
    }

    #[test]
    fn pcapng_simple_packet_before_any_interface() {
        let mut bytes = shb(false);
        bytes.extend(spb(false, b"lost"));
        let (_, items) = read_all(bytes);
        let err = items[0].as_ref().expect_err("no IDB").to_string();
        assert!(err.contains("before any Interface Description"), "{err}");
    }

    #[test]
    fn pcapng_block_length_not_a_multiple_of_4() {
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 0, None));
        // An unknown block of 17 bytes: type, length 17, 5 bytes, length.
        bytes.extend(0x0123_4567u32.to_le_bytes());
        bytes.extend(17u32.to_le_bytes());
        bytes.extend(b"abcde");
        bytes.extend(17u32.to_le_bytes());
        let (_, items) = read_all(bytes);
        let err = items[0].as_ref().expect_err("refused").to_string();
        assert!(err.contains("not a multiple of 4"), "{err}");
    }
}
