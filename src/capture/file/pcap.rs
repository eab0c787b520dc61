//! pcap, libpcap's original format: one record after another, each a frame.
//!
//! A pcap file is a 24-byte file header and then records until the end of
//! the file; no record says how many follow, and none can be found except
//! by reading every one before it. Both headers, redrawn from
//! [draft-ietf-opsawg-pcap] § 4 and § 5 (every number in the byte order
//! the magic number showed, see [`super`]):
//!
//! ```text
//!  file header (§ 4)
//!  0                   1                   2                   3
//!  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                          Magic Number                         |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |          Major Version        |         Minor Version         |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           Reserved1                           |  8..12
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                           Reserved2                           | 12..16
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                            SnapLen                            | 16..20
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! | FCS |f|                   LinkType                            | 20..24
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//!
//!  packet record (§ 5), repeated to the end of the file
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                      Timestamp (Seconds)                      |  0..4
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |            Timestamp (Microseconds or nanoseconds)            |  4..8
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Captured Packet Length                     |  8..12
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! |                    Original Packet Length                     | 12..16
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! /          Packet Data: Captured Packet Length bytes            / 16..
//! +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//! ```
//!
//! pcap-file reads both headers; no `mod field` here, since we never index
//! the bytes ourselves. What this file adds is what pcap-file gets wrong
//! or leaves to us: a frame the snaplen cut short is a frame, not an
//! error; a fraction of a second that is a second or more means the record
//! header is damaged. The link type (the low 16 bits of the header's last
//! field; the high bits may say how many FCS bytes end each frame) is read
//! once, in [`super::Reader::from_reader`].
//!
//! Read before: [`super`] (the magic number, [`super::Reader`]). Read next:
//! `pcapng.rs`, the newer format. Book: `book/src/lesson-07.md`. Run:
//! `cargo test --lib capture::file::pcap::`.
//!
//! [draft-ietf-opsawg-pcap]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/

use std::time::Duration;

use pcap_file::pcap::PcapParser;

use super::read_ahead::ReadAhead;
use super::{Error, corrupt};
use crate::capture::{Frame, LinkType};

/// The next pcap record as a frame.
pub(super) fn next_pcap(
    input: &mut ReadAhead,
    parser: &PcapParser,
    linktype: LinkType,
    nanos: bool,
    number: u64,
    mut data: Vec<u8>,
) -> Option<Result<Frame, Error>> {
    // pcap-file 2.0.0's checked `next_packet` rejects a record whose
    // original length exceeds the file's snaplen. But that is exactly what
    // a frame cut short by the snaplen looks like (`tcpdump -s 96`), so it
    // would refuse every truncated frame. We take the raw record and check
    // it ourselves.
    match input.at_end() {
        Ok(true) => return None,
        Ok(false) => {}
        Err(e) => return Some(Err(Error::Io(e))),
    }
    // The record is copied out of the read-ahead buffer as it is parsed
    // (the buffer is refilled under it), into `data`: a recycled frame's
    // buffer, or an empty one.
    let raw = match input.parse(|bytes| {
        let (rest, raw) = parser.next_raw_packet(bytes)?;
        data.clear();
        data.extend_from_slice(&raw.data);
        Ok((rest, (raw.ts_sec, raw.ts_frac, raw.orig_len)))
    }) {
        Ok(raw) => raw,
        Err(e) => return Some(Err(corrupt(number, "record", e))),
    };
    let (ts_sec, ts_frac, orig_len) = raw;

    // [draft-ietf-opsawg-pcap] § 5: the fraction counts microseconds, or
    // nanoseconds with the a1b23c4d magic; a second or more means the
    // record header is not really a record header.
    let per_second = if nanos { 1_000_000_000 } else { 1_000_000 };
    if ts_frac >= per_second {
        let unit = if nanos { "ns" } else { "µs" };
        return Some(Err(Error::Corrupt {
            frame: number,
            reason: crate::tr!(
                "capture-fraction",
                fraction = ts_frac,
                unit = unit
            ),
        }));
    }
    let nanoseconds = if nanos {
        ts_frac
    } else {
        ts_frac * 1000 // < 10^6 · 1000, fits in a u32
    };

    Some(Ok(Frame {
        timestamp: Duration::new(u64::from(ts_sec), nanoseconds),
        linktype,
        data,
        orig_len,
        interface: 0,
        comment: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::{Format, Reader};
    use super::*;

    use std::io::Cursor;

    use pcap_file::pcap::{PcapHeader, PcapPacket};
    use pcap_file::{DataLink, Endianness, TsResolution};

    #[test]
    fn pcap_microseconds_little_endian() {
        let header = PcapHeader {
            datalink: DataLink::ETHERNET,
            ts_resolution: TsResolution::MicroSecond,
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let bytes = pcap(
            header,
            &[
                PcapPacket::new(Duration::new(1_700_000_000, 5_000), 3, b"abc"),
                PcapPacket::new(Duration::new(1_700_000_001, 0), 2, b"de"),
            ],
        );
        // The magic, little-endian, as a hex dump shows it.
        assert_eq!(bytes[..4], [0xd4, 0xc3, 0xb2, 0xa1]);

        let (format, frames) = read_ok(bytes);
        assert_eq!(
            format,
            Format::Pcap {
                nanos: false,
                big_endian: false
            }
        );
        assert_eq!(format.to_string(), "pcap (microseconds, little-endian)");
        let e = LinkType::ETHERNET;
        assert_eq!(
            frames,
            [
                frame(e, Duration::new(1_700_000_000, 5_000), b"abc", 0, None),
                frame(e, Duration::new(1_700_000_001, 0), b"de", 0, None),
            ]
        );
    }

    #[test]
    fn pcap_nanoseconds_big_endian() {
        let header = PcapHeader {
            datalink: DataLink::RAW,
            ts_resolution: TsResolution::NanoSecond,
            endianness: Endianness::Big,
            ..PcapHeader::default()
        };
        let bytes = pcap(header, &[PcapPacket::new(T0, 4, b"\x45abc")]);
        assert_eq!(bytes[..4], [0xa1, 0xb2, 0x3c, 0x4d]);

        let (format, frames) = read_ok(bytes);
        assert_eq!(
            format,
            Format::Pcap {
                nanos: true,
                big_endian: true
            }
        );
        assert_eq!(frames, [frame(LinkType::RAW, T0, b"\x45abc", 0, None)]);
    }

    #[test]
    fn pcap_frame_cut_short_by_snaplen() {
        // tcpdump -s 64 saw a 100-byte frame and kept 64 bytes of it.
        // pcap-file's checked reader would reject this record (original
        // length 100 > snaplen 64); ours must not.
        let header = PcapHeader {
            snaplen: 64,
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let bytes = pcap(
            header,
            &[PcapPacket::new(Duration::from_secs(1), 100, &[7; 64])],
        );
        let (_, frames) = read_ok(bytes);
        assert_eq!(frames.len(), 1);
        assert_eq!(frames[0].data.len(), 64);
        assert_eq!(frames[0].orig_len, 100);
        assert!(frames[0].is_cut_short());
    }

    #[test]
    fn pcap_cut_in_the_middle_of_a_record() {
        let header = PcapHeader {
            endianness: Endianness::Little,
            ..PcapHeader::default()
        };
        let one = Duration::from_secs(1);
        let mut bytes = pcap(
            header,
            &[
                PcapPacket::new(one, 10, &[1; 10]),
                PcapPacket::new(one, 10, &[2; 10]),
                PcapPacket::new(one, 10, &[3; 10]),
            ],
        );
        // Cut inside the third record's data.
        bytes.truncate(bytes.len() - 4);

        let mut reader = Reader::from_reader(Cursor::new(bytes)).expect("pcap");
        assert_eq!(reader.next().expect("1").expect("ok").data, [1; 10]);
        assert_eq!(reader.next().expect("2").expect("ok").data, [2; 10]);
        let err = reader.next().expect("3").expect_err("cut short");
        assert!(
            matches!(err, Error::Corrupt { frame: 3, .. }),
            "got {err:?}"
        );
        assert_eq!(
            err.to_string(),
            "the capture is damaged at frame 3: the file ends in the \
             middle of this record: it was cut short, or a length field is \
             damaged"
        );
        // pcap-file would repeat the error for ever; we end.
        assert!(reader.next().is_none());
        assert!(reader.next().is_none());
    }

    #[test]
    fn pcap_header_cut_short() {
        let mut bytes = pcap(PcapHeader::default(), &[]);
        bytes.truncate(10);
        let err = Reader::from_reader(Cursor::new(bytes)).expect_err("cut");
        assert!(
            matches!(err, Error::BadHeader { format: "pcap", .. }),
            "got {err:?}"
        );
    }
}
