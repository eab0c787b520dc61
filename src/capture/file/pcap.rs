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
//! We read both headers ourselves (the byte ranges are in `mod field`),
//! because the files that matter most in a lesson are the odd ones, and
//! there we do what libpcap (tcpdump) and Wireshark do, not what a
//! stricter reader would:
//!
//! - the *modified* format (magic a1b2cd34, Alexey Kuznetsov's patched
//!   libpcap) has 8 more bytes in each record header, which we skip;
//! - versions before 2.3 stored the two lengths the other way round, and
//!   2.3 files come both ways (libpcap `sf-pcap.c`, "lengths_swapped");
//! - a snaplen of 0 or above the largest frame libpcap accepts is read as
//!   that largest size, with a note;
//! - a record keeping more bytes than the snaplen, or than the frame had,
//!   or a fraction of a second of a second or more, is read as it is,
//!   with a note (Wireshark reads all three);
//! - a frame cut short by the snaplen is a frame, not an error.
//!
//! What both refuse we refuse, saying why: a version before 2, reserved
//! bits set in the link-type field, a record larger than any frame of its
//! link type (a damaged length), a file that ends inside a header.
//!
//! Read before: [`super`] (the magic number, [`super::Reader`]). Read next:
//! `pcapng.rs`, the newer format. Book: `book/src/lesson-07.md`. Run:
//! `cargo test --lib capture::file::pcap::`.
//!
//! [draft-ietf-opsawg-pcap]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/

use std::ops::Range;
use std::time::Duration;

use pcap_file::PcapError;

use super::Error;
use super::read_ahead::ReadAhead;
use crate::capture::{Frame, LinkType};

/// Byte ranges of the two headers, as drawn above.
mod field {
    use std::ops::Range;
    pub(super) const VERSION_MAJOR: Range<usize> = 4..6;
    pub(super) const VERSION_MINOR: Range<usize> = 6..8;
    pub(super) const SNAPLEN: Range<usize> = 16..20;
    pub(super) const LINKTYPE: Range<usize> = 20..24;
    /// The file header's length.
    pub(super) const FILE_HEADER: usize = 24;

    pub(super) const TS_SEC: Range<usize> = 0..4;
    pub(super) const TS_FRAC: Range<usize> = 4..8;
    pub(super) const CAPLEN: Range<usize> = 8..12;
    pub(super) const ORIG_LEN: Range<usize> = 12..16;
    /// A record header's length; the modified format adds an interface
    /// index (4 bytes), a protocol (2), a packet type (1) and padding (1).
    pub(super) const RECORD_HEADER: usize = 16;
    pub(super) const MODIFIED_RECORD_HEADER: usize = 24;
}

/// The largest frame libpcap accepts for most link types (its
/// `MAXIMUM_SNAPLEN`); Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD` is the
/// same number.
pub(super) const MAX_SNAPLEN: u32 = 262_144;

/// The largest record a file of `linktype` may hold: libpcap's
/// `max_snaplen_for_dlt()`. A larger captured length is a damaged length
/// field, and both libpcap and Wireshark stop there. (D-Bus may carry
/// 128 MiB, but our read-ahead buffer stops at 8 MB, as pcap-file's did.)
pub(super) fn largest_record(linktype: LinkType) -> u32 {
    match linktype.0 {
        231 => 8_000_000,   // LINKTYPE_DBUS: 128 MiB in libpcap
        249 => 1024 * 1024, // LINKTYPE_USBPCAP
        279 => 8_000_000,   // LINKTYPE_EBHSCR: 8 MiB in libpcap
        _ => MAX_SNAPLEN,
    }
}

/// In which order a record header holds its two lengths.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lengths {
    /// Captured, then original: every file since version 2.4.
    InOrder,
    /// Original, then captured: versions before 2.3, and DG/UX's 543.0.
    Swapped,
    /// Version 2.3 was written both ways; libpcap swaps a record whose
    /// captured length comes out larger than its original length.
    Either,
}

/// What the file header says, as every record needs it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Header {
    big_endian: bool,
    nanos: bool,
    /// The modified format: record headers of 24 bytes.
    modified: bool,
    lengths: Lengths,
    /// The snaplen, after a bogus one was replaced.
    snaplen: u32,
    pub(super) linktype: LinkType,
}

/// Notes already made about the records, so each is made once per file.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Noted {
    over_snaplen: bool,
    over_orig_len: bool,
    long_fraction: bool,
}

impl Header {
    fn u16_at(&self, bytes: &[u8], at: Range<usize>) -> u16 {
        let b = [bytes[at.start], bytes[at.start + 1]];
        if self.big_endian {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        }
    }

    fn u32_at(&self, bytes: &[u8], at: Range<usize>) -> u32 {
        u32_at(self.big_endian, bytes, at)
    }

    fn record_header_len(&self) -> usize {
        if self.modified {
            field::MODIFIED_RECORD_HEADER
        } else {
            field::RECORD_HEADER
        }
    }
}

fn u32_at(big_endian: bool, bytes: &[u8], at: Range<usize>) -> u32 {
    let b = [
        bytes[at.start],
        bytes[at.start + 1],
        bytes[at.start + 2],
        bytes[at.start + 3],
    ];
    if big_endian {
        u32::from_be_bytes(b)
    } else {
        u32::from_le_bytes(b)
    }
}

/// Reads the 24-byte file header. `Err` is the reason to refuse the file;
/// `notes` gets what a reader should know about a header we accept.
pub(super) fn read_header(
    input: &mut ReadAhead,
    big_endian: bool,
    nanos: bool,
    modified: bool,
    notes: &mut Vec<String>,
) -> Result<Header, Error> {
    let bad = |reason: String| Error::BadHeader {
        format: "pcap",
        reason,
    };
    let parsed = input.parse(|bytes| {
        if bytes.len() < field::FILE_HEADER {
            return Err(PcapError::IncompleteBuffer);
        }
        let header = Header {
            big_endian,
            nanos,
            modified,
            lengths: Lengths::InOrder,
            snaplen: u32_at(big_endian, bytes, field::SNAPLEN),
            linktype: LinkType(u32_at(big_endian, bytes, field::LINKTYPE)),
        };
        let major = header.u16_at(bytes, field::VERSION_MAJOR);
        let minor = header.u16_at(bytes, field::VERSION_MINOR);
        Ok((&bytes[field::FILE_HEADER..], (header, major, minor)))
    });
    let (mut header, major, minor) = match parsed {
        Ok(parsed) => parsed,
        Err(PcapError::IoError(e))
            if e.kind() == std::io::ErrorKind::UnexpectedEof =>
        {
            return Err(bad(format!(
                "the file ends {} bytes into the {}-byte file header",
                input.unparsed(),
                field::FILE_HEADER
            )));
        }
        Err(PcapError::IoError(e)) => return Err(Error::Io(e)),
        Err(e) => return Err(bad(e.to_string())),
    };

    // Version 2.4 has been current since 1998. libpcap reads 2.0 to 2.4
    // and refuses anything before 2 as "archaic"; Wireshark refuses a
    // major version below 2 too, but reads any later one.
    header.lengths = match (major, minor) {
        (0..=1, _) => {
            return Err(bad(format!(
                "version {major}.{minor} is older than 2.0, the oldest pcap \
                 version libpcap and Wireshark read"
            )));
        }
        (2, 0..=2) | (543, 0) => Lengths::Swapped,
        (2, 3) => Lengths::Either,
        (2, 4) => Lengths::InOrder,
        _ => {
            notes.push(format!(
                "the pcap header says version {major}.{minor}; the newest \
                 is 2.4. Read as 2.4, as Wireshark does (libpcap refuses it)"
            ));
            Lengths::InOrder
        }
    };

    // [draft-ietf-opsawg-pcap] § 4: the LinkType field holds the link type
    // in bits 0-15; bits 16-25 are reserved and "MUST be set to zero";
    // bit 26 says an FCS length is in bits 28-31.
    let word = header.linktype.0;
    if word & 0x03ff_0000 != 0 {
        return Err(bad(format!(
            "its link-type field is {word:#010x}: the reserved bits 16-25 \
             must be zero ([draft-ietf-opsawg-pcap] § 4); Wireshark and \
             libpcap refuse it too"
        )));
    }
    header.linktype = LinkType(word & 0xffff);

    // libpcap: "Bogus snapshot length; use the maximum for this
    // link-layer type as a fallback." A snaplen of 0 means no limit.
    let largest = largest_record(header.linktype);
    if header.snaplen == 0 || header.snaplen > largest {
        notes.push(format!(
            "the pcap header's snaplen {} is {}; read as {largest}, the \
             largest frame libpcap accepts for this link type",
            header.snaplen,
            if header.snaplen == 0 {
                "unset"
            } else {
                "too large"
            }
        ));
        header.snaplen = largest;
    }
    Ok(header)
}

/// The next pcap record as a frame.
pub(super) fn next_pcap(
    input: &mut ReadAhead,
    header: &Header,
    noted: &mut Noted,
    notes: &mut Vec<String>,
    number: u64,
    mut data: Vec<u8>,
) -> Option<Result<Frame, Error>> {
    match input.at_end() {
        Ok(true) => return None,
        Ok(false) => {}
        Err(e) => return Some(Err(Error::Io(e))),
    }
    let corrupt = |reason: String| Error::Corrupt {
        frame: number,
        reason,
    };
    let header_len = header.record_header_len();
    let largest = largest_record(header.linktype);
    // How many bytes the record says it holds, for the message if the
    // file ends before them.
    let mut wanted = 0;
    // The record is copied out of the read-ahead buffer as it is parsed
    // (the buffer is refilled under it), into `data`: a recycled frame's
    // buffer, or an empty one. A length too large to be true is returned
    // as a value, not an error, so the buffer is not grown to fit it.
    let parsed = input.parse(|bytes| {
        if bytes.len() < header_len {
            return Err(PcapError::IncompleteBuffer);
        }
        let ts_sec = header.u32_at(bytes, field::TS_SEC);
        let ts_frac = header.u32_at(bytes, field::TS_FRAC);
        let first = header.u32_at(bytes, field::CAPLEN);
        let second = header.u32_at(bytes, field::ORIG_LEN);
        let swap = match header.lengths {
            Lengths::InOrder => false,
            Lengths::Swapped => true,
            Lengths::Either => first > second,
        };
        let (caplen, orig_len) = if swap {
            (second, first)
        } else {
            (first, second)
        };
        if caplen > largest {
            return Ok((bytes, Err(caplen)));
        }
        wanted = caplen;
        let end = header_len + caplen as usize;
        if bytes.len() < end {
            return Err(PcapError::IncompleteBuffer);
        }
        data.clear();
        data.extend_from_slice(&bytes[header_len..end]);
        Ok((&bytes[end..], Ok((ts_sec, ts_frac, caplen, orig_len))))
    });
    let (ts_sec, ts_frac, caplen, orig_len) = match parsed {
        Ok(Ok(record)) => record,
        Ok(Err(caplen)) => {
            return Some(Err(corrupt(format!(
                "the record says it holds {caplen} bytes, more than the \
                 {largest} any frame of this link type may have: its \
                 header is damaged (libpcap and Wireshark stop here too)"
            ))));
        }
        Err(PcapError::IoError(e))
            if e.kind() == std::io::ErrorKind::UnexpectedEof =>
        {
            let left = input.unparsed();
            let reason = if left < header_len {
                format!(
                    "the file ends {left} bytes into the record's \
                     {header_len}-byte header"
                )
            } else {
                format!(
                    "the record says it holds {wanted} bytes, but the file \
                     ends after {} of them: it was cut short",
                    left - header_len
                )
            };
            return Some(Err(corrupt(reason)));
        }
        Err(PcapError::IoError(e)) => return Some(Err(Error::Io(e))),
        Err(e) => return Some(Err(corrupt(e.to_string()))),
    };

    // Odd but readable: Wireshark reads these records as they are, so we
    // do, and say so once per file.
    if caplen > header.snaplen && !noted.over_snaplen {
        noted.over_snaplen = true;
        notes.push(format!(
            "frame {number} keeps {caplen} bytes, more than the file's \
             snaplen of {}; all of them are shown, as Wireshark does \
             (libpcap keeps only the first {})",
            header.snaplen, header.snaplen
        ));
    }
    if caplen > orig_len && !noted.over_orig_len {
        noted.over_orig_len = true;
        notes.push(format!(
            "frame {number} keeps {caplen} bytes of a frame it says was \
             {orig_len} bytes long; shown as captured, as Wireshark does \
             (tcpdump skips it as an invalid header)"
        ));
    }

    // [draft-ietf-opsawg-pcap] § 5: the fraction counts microseconds, or
    // nanoseconds with the a1b23c4d magic. A fraction of a second or more
    // is out of range, but both libpcap and Wireshark take it as it
    // stands, so it carries into the seconds here.
    let per_second = if header.nanos {
        1_000_000_000
    } else {
        1_000_000
    };
    if ts_frac >= per_second && !noted.long_fraction {
        noted.long_fraction = true;
        let unit = if header.nanos { "ns" } else { "µs" };
        notes.push(format!(
            "frame {number}'s fraction of a second is {ts_frac} {unit}, a \
             second or more; it is carried into the seconds"
        ));
    }
    let fraction = if header.nanos {
        Duration::from_nanos(u64::from(ts_frac))
    } else {
        Duration::from_micros(u64::from(ts_frac))
    };

    Some(Ok(Frame {
        timestamp: Duration::from_secs(u64::from(ts_sec)) + fraction,
        linktype: header.linktype,
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
                big_endian: false,
                modified: false,
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
                big_endian: true,
                modified: false,
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
            "the capture is damaged at frame 3: the record says it holds \
             10 bytes, but the file ends after 6 of them: it was cut short"
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

    // Odd but readable headers and records, each read the way libpcap
    // (tcpdump 4.99.3 / libpcap 1.10.3) and Wireshark (tshark 4.0.17)
    // were seen to read it, on the same bytes.

    const LE: bool = false;
    const MICROS: u32 = 0xa1b2_c3d4;

    /// Reads `bytes` to the end: the frames, the notes, and the error
    /// that ended it, if any.
    fn read_with_notes(
        bytes: Vec<u8>,
    ) -> (Vec<Frame>, Vec<String>, Option<Error>) {
        let mut reader = Reader::from_reader(Cursor::new(bytes)).expect("ok");
        let mut frames = Vec::new();
        let mut error = None;
        for item in reader.by_ref() {
            match item {
                Ok(f) => frames.push(f),
                Err(e) => error = Some(e),
            }
        }
        (frames, reader.take_notes(), error)
    }

    fn header_error(bytes: Vec<u8>) -> String {
        Reader::from_reader(Cursor::new(bytes))
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn pcap_snaplen_zero_or_too_large_reads_as_262144() {
        for snaplen in [0, 300_000, u32::MAX] {
            let mut bytes = pcap_header(LE, MICROS, (2, 4), snaplen, 1);
            bytes.extend(pcap_record(LE, 1, 0, (3, 3), b"abc"));
            let (frames, notes, error) = read_with_notes(bytes);
            assert!(error.is_none());
            assert_eq!(frames[0].data, b"abc");
            assert_eq!(notes.len(), 1, "{notes:?}");
            assert!(notes[0].contains("read as 262144"), "{notes:?}");
        }
    }

    #[test]
    fn pcap_old_versions_swap_the_two_lengths() {
        // 2.0-2.2 and DG/UX's 543.0: original length first, always.
        for version in [(2, 0), (2, 2), (543, 0)] {
            let mut bytes = pcap_header(LE, MICROS, version, 65535, 1);
            bytes.extend(pcap_record(LE, 1, 0, (100, 3), b"abc"));
            let (frames, notes, error) = read_with_notes(bytes);
            assert!(error.is_none(), "{version:?}: {error:?}");
            assert!(notes.is_empty());
            assert_eq!((frames[0].data.len(), frames[0].orig_len), (3, 100));
        }
        // 2.3: either order; libpcap swaps when captured > original.
        let mut bytes = pcap_header(LE, MICROS, (2, 3), 65535, 1);
        bytes.extend(pcap_record(LE, 1, 0, (100, 3), b"abc"));
        bytes.extend(pcap_record(LE, 1, 0, (2, 50), b"de"));
        let (frames, _, error) = read_with_notes(bytes);
        assert!(error.is_none(), "{error:?}");
        assert_eq!((frames[0].data.len(), frames[0].orig_len), (3, 100));
        assert_eq!((frames[1].data.len(), frames[1].orig_len), (2, 50));
    }

    #[test]
    fn pcap_version_before_2_is_refused_after_2_4_is_read() {
        let err = header_error(pcap_header(LE, MICROS, (1, 0), 65535, 1));
        assert_eq!(
            err,
            "the pcap file header is damaged: version 1.0 is older than \
             2.0, the oldest pcap version libpcap and Wireshark read"
        );
        let mut bytes = pcap_header(LE, MICROS, (2, 5), 65535, 1);
        bytes.extend(pcap_record(LE, 1, 0, (1, 1), b"a"));
        let (frames, notes, _) = read_with_notes(bytes);
        assert_eq!(frames.len(), 1);
        assert!(notes[0].contains("version 2.5"), "{notes:?}");
    }

    #[test]
    fn pcap_link_types_unknown_fcs_and_reserved_bits() {
        // An unknown link type is read; its frames are shown as data.
        let mut bytes = pcap_header(LE, MICROS, (2, 4), 65535, 9999);
        bytes.extend(pcap_record(LE, 1, 0, (1, 1), b"a"));
        let (frames, _, _) = read_with_notes(bytes);
        assert_eq!(frames[0].linktype, LinkType(9999));
        // Bit 26 and bits 28-31: "4 bytes of FCS". Still Ethernet.
        let word = 1 | 1 << 26 | 4 << 28;
        let mut bytes = pcap_header(LE, MICROS, (2, 4), 65535, word);
        bytes.extend(pcap_record(LE, 1, 0, (1, 1), b"a"));
        let (frames, _, _) = read_with_notes(bytes);
        assert_eq!(frames[0].linktype, LinkType::ETHERNET);
        // Reserved bits 16-25 set: refused.
        let err = header_error(pcap_header(LE, MICROS, (2, 4), 0, 0x0001_0001));
        assert!(err.contains("reserved bits 16-25"), "{err}");
    }

    #[test]
    fn pcap_records_longer_than_snaplen_or_original_are_read() {
        let mut bytes = pcap_header(LE, MICROS, (2, 4), 4, 1);
        bytes.extend(pcap_record(LE, 1, 0, (6, 6), b"abcdef"));
        bytes.extend(pcap_record(LE, 1, 0, (3, 2), b"ghi"));
        bytes.extend(pcap_record(LE, 1, 0, (8, 8), b"12345678"));
        let (frames, notes, error) = read_with_notes(bytes);
        assert!(error.is_none(), "{error:?}");
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].data, b"abcdef");
        assert_eq!((frames[1].data.len(), frames[1].orig_len), (3, 2));
        // One note for each oddity, however often it comes.
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].starts_with("frame 1 keeps 6 bytes"), "{notes:?}");
        assert!(notes[1].starts_with("frame 2 keeps 3 bytes"), "{notes:?}");
    }

    #[test]
    fn pcap_zero_length_record_is_an_empty_frame() {
        let mut bytes = pcap_header(LE, MICROS, (2, 4), 65535, 1);
        bytes.extend(pcap_record(LE, 1, 0, (0, 0), b""));
        bytes.extend(pcap_record(LE, 1, 0, (0, 60), b""));
        bytes.extend(pcap_record(LE, 2, 0, (1, 1), b"x"));
        let (frames, notes, error) = read_with_notes(bytes);
        assert!(error.is_none() && notes.is_empty());
        assert_eq!(frames.len(), 3);
        assert!(frames[0].data.is_empty());
        assert_eq!(frames[1].orig_len, 60);
    }

    #[test]
    fn pcap_record_larger_than_any_frame_is_refused() {
        // libpcap: "invalid packet capture length 300000, bigger than
        // maximum of 262144"; Wireshark: "File has 300000-byte packet".
        let mut bytes = pcap_header(LE, MICROS, (2, 4), u32::MAX, 1);
        bytes.extend(pcap_record(LE, 1, 0, (1, 1), b"a"));
        bytes.extend(pcap_record(LE, 1, 0, (300_000, 300_000), &[0; 16]));
        let (frames, _, error) = read_with_notes(bytes);
        assert_eq!(frames.len(), 1);
        let err = error.expect("refused").to_string();
        assert_eq!(
            err,
            "the capture is damaged at frame 2: the record says it holds \
             300000 bytes, more than the 262144 any frame of this link \
             type may have: its header is damaged (libpcap and Wireshark \
             stop here too)"
        );
    }

    #[test]
    fn pcap_cut_in_a_header_says_where() {
        let whole = pcap_header(LE, MICROS, (2, 4), 65535, 1);
        let err = header_error(whole[..20].to_vec());
        assert_eq!(
            err,
            "the pcap file header is damaged: the file ends 20 bytes into \
             the 24-byte file header"
        );
        let mut bytes = whole.clone();
        bytes.extend(pcap_record(LE, 1, 0, (1, 1), b"a"));
        bytes.extend(&pcap_record(LE, 1, 0, (1, 1), b"a")[..10]);
        let (frames, _, error) = read_with_notes(bytes);
        assert_eq!(frames.len(), 1);
        assert!(error.expect("cut").to_string().ends_with(
            "the file ends 10 bytes into the record's 16-byte header"
        ));
    }

    #[test]
    fn pcap_fraction_of_a_second_or_more_carries_over() {
        // Both libpcap and Wireshark read this; the time is 1.5 s on.
        let mut bytes = pcap_header(LE, MICROS, (2, 4), 65535, 1);
        bytes.extend(pcap_record(LE, 1, 1_500_000, (1, 1), b"a"));
        let (frames, notes, error) = read_with_notes(bytes);
        assert!(error.is_none());
        assert_eq!(frames[0].timestamp, Duration::new(2, 500_000_000));
        assert!(notes[0].contains("1500000 µs"), "{notes:?}");
    }

    #[test]
    fn pcap_modified_format_both_byte_orders() {
        for big in [false, true] {
            let mut bytes = pcap_header(big, 0xa1b2_cd34, (2, 4), 65535, 1);
            bytes.extend(modified_record(big, 7, b"first"));
            bytes.extend(modified_record(big, 8, b"second"));
            let (format, frames) = read_ok(bytes);
            assert_eq!(
                format,
                Format::Pcap {
                    nanos: false,
                    big_endian: big,
                    modified: true,
                }
            );
            assert!(format.to_string().starts_with("modified pcap"));
            assert_eq!(frames.len(), 2);
            assert_eq!(frames[0].data, b"first");
            assert_eq!(frames[1].data, b"second");
            assert_eq!(frames[1].timestamp, Duration::from_secs(8));
        }
    }

    #[test]
    fn pcap_odd_headers_at_every_length_never_panic() {
        let mut bytes = pcap_header(true, 0xa1b2_cd34, (2, 3), 0, 1);
        bytes.extend(modified_record(true, 7, b"first"));
        for len in 4..bytes.len() {
            if let Ok(reader) =
                Reader::from_reader(Cursor::new(bytes[..len].to_vec()))
            {
                let _ = reader.count();
            }
        }
    }
}
