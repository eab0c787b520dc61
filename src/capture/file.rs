//! Capture files: pcap and pcapng, read as a stream of frames and written.
//!
//! A capture tool (tcpdump, Wireshark's dumpcap, `netlab` itself) saves the
//! frames it saw in one of two formats. Both start with a 4-byte *magic
//! number* that names the format and, by the order its bytes come in, the
//! byte order of every number after it:
//!
//! ```text
//!  pcap (1998, libpcap)                 pcapng (2004, "next generation")
//!  ┌──────────────────────────────┐     ┌──────────────────────────────┐
//!  │ file header (24 bytes)       │     │ Section Header Block  (SHB)  │
//!  │  magic a1b2c3d4 (µs)         │     │  block type 0a0d0d0a, then   │
//!  │     or a1b23c4d (ns),        │     │  byte-order magic 1a2b3c4d   │
//!  │  snaplen, link type          │     │ Interface Description (IDB)  │
//!  ├──────────────────────────────┤     │  one per interface: link     │
//!  │ record: 16-byte header       │     │  type, snaplen, if_tsresol   │
//!  │  seconds, fraction,          │     │ Enhanced Packet Block (EPB)  │
//!  │  captured len, original len  │     │  interface id, time, bytes,  │
//!  │  + the captured bytes        │     │  options such as a comment   │
//!  ├──────────────────────────────┤     │ … statistics, name           │
//!  │ record …                     │     │  resolution, custom blocks … │
//!  └──────────────────────────────┘     └──────────────────────────────┘
//! ```
//!
//! pcap holds one link type and no comments; pcapng holds several
//! interfaces (each with its own link type and clock resolution) and
//! comments on any block. [`Reader`] reads either, one [`Frame`] at a time,
//! so a million-packet file costs no more memory than a ten-packet one.
//! [`PcapNgWriter`] writes pcapng, which Wireshark opens as it is.
//!
//! The parsing itself is the `pcap-file` crate's. This file is the layer
//! that turns its blocks into [`Frame`]s and steers around its mistakes;
//! each one is named where we avoid it (search for "pcap-file 2.0.0").
//!
//! Read [`super`] (the [`Frame`] type) first; the frames go on to
//! [`crate::wire`], which takes their bytes apart.
//!
//! Book: `book/src/lesson-07.md`. Run: `cargo test --lib capture::file`.
//!
//! Specs: pcap is [draft-ietf-opsawg-pcap] (§ 4 file header, § 5 packet
//! record); pcapng is [draft-ietf-opsawg-pcapng] (§ 3.5 options, § 4.1 SHB,
//! § 4.2 IDB, § 4.3 EPB, § 4.4 SPB); the link-type numbers are
//! [tcpdump.org's LINKTYPE_ list][linktypes].
//!
//! [draft-ietf-opsawg-pcap]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/
//! [draft-ietf-opsawg-pcapng]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/
//! [linktypes]: https://www.tcpdump.org/linktypes.html

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Chain, Cursor, Read, Write};
use std::path::Path;
use std::time::Duration;

use pcap_file::pcap::PcapReader;
use pcap_file::pcapng::blocks::enhanced_packet::{
    EnhancedPacketBlock, EnhancedPacketOption,
};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::packet::PacketOption;
use pcap_file::pcapng::blocks::section_header::{
    SectionHeaderBlock, SectionHeaderOption,
};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, Endianness, PcapError};

use super::{Frame, LinkType};

/// The magic numbers, as the first four bytes read big-endian.
mod magic {
    /// pcap, microsecond timestamps, written big-endian.
    pub(super) const PCAP_MICROS: u32 = 0xa1b2_c3d4;
    /// pcap, nanosecond timestamps, written big-endian.
    pub(super) const PCAP_NANOS: u32 = 0xa1b2_3c4d;
    /// The same two, written little-endian (so read back swapped).
    pub(super) const PCAP_MICROS_SWAPPED: u32 = 0xd4c3_b2a1;
    /// See [`PCAP_MICROS_SWAPPED`].
    pub(super) const PCAP_NANOS_SWAPPED: u32 = 0x4d3c_b2a1;
    /// pcapng: the Section Header Block's type. It reads the same in both
    /// byte orders, on purpose: the byte order comes in the next field.
    pub(super) const PCAPNG: u32 = 0x0a0d_0d0a;
}

/// What can go wrong reading or writing a capture file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system could not read or write the file.
    #[error("reading or writing the capture failed: {0}")]
    Io(#[from] io::Error),

    /// The file ends before its first four bytes.
    #[error(
        "the file is {len} bytes long, too short for the 4-byte magic \
         number that says which format a capture file is in"
    )]
    TooShort {
        /// How many bytes there were (0 for an empty file).
        len: usize,
    },

    /// The first four bytes are no capture format's magic number.
    #[error(
        "not a capture file: it starts with {}, not a pcap (a1b2c3d4 / \
         a1b23c4d, either byte order) or pcapng (0a0d0d0a) magic number",
        hex(.magic)
    )]
    NotACapture {
        /// The four bytes the file starts with.
        magic: [u8; 4],
    },

    /// The magic number was right but the header after it is not.
    #[error("the {format} file header is damaged: {reason}")]
    BadHeader {
        /// "pcap" or "pcapng".
        format: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A record or block is damaged. The frames before it were delivered;
    /// reading stops here, because after a bad length field there is no
    /// telling where the next record starts.
    #[error("the capture is damaged at frame {frame}: {reason}")]
    Corrupt {
        /// The number the frame would have had, counting from 1 as
        /// Wireshark does.
        frame: u64,
        /// What is wrong, and where.
        reason: String,
    },

    /// [`PcapNgWriter`] was given a frame of another link type.
    #[error(
        "cannot write a {frame} frame to a file whose interface is \
         {file}: every frame of a pcapng interface has its link type"
    )]
    WrongLinkType {
        /// The frame's link type.
        frame: LinkType,
        /// The link type the writer's interface was created with.
        file: LinkType,
    },

    /// [`PcapNgWriter`] was given something the format cannot hold.
    #[error("cannot write this to a pcapng file: {reason}")]
    Unwritable {
        /// Which limit of the format it breaks.
        reason: String,
    },
}

/// `[0x3c, 0x3f, 0x78, 0x6d]` as `3c 3f 78 6d`, the way a hex dump shows it.
fn hex(bytes: &[u8; 4]) -> String {
    let [a, b, c, d] = bytes;
    format!("{a:02x} {b:02x} {c:02x} {d:02x}")
}

/// Which format a [`Reader`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Classic pcap.
    Pcap {
        /// Timestamps count nanoseconds (magic a1b23c4d), not microseconds.
        nanos: bool,
        /// Numbers are big-endian: the magic reads a1 b2 … in the file.
        big_endian: bool,
    },
    /// pcapng; each interface states its own timestamp resolution.
    PcapNg,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Format::Pcap { nanos, big_endian } => write!(
                f,
                "pcap ({}, {}-endian)",
                if nanos { "nanoseconds" } else { "microseconds" },
                if big_endian { "big" } else { "little" },
            ),
            Format::PcapNg => f.write_str("pcapng"),
        }
    }
}

/// The bytes a reader parses: the four magic bytes we already read to
/// decide the format, put back in front of the rest of the input.
///
/// No `BufReader` here: pcap-file's readers keep their own 8 MB buffer and
/// read into it in large chunks, so a second buffer would only copy twice.
type Input = Chain<Cursor<[u8; 4]>, Box<dyn Read>>;

/// Frames from a pcap or pcapng file, one at a time.
///
/// It is an [`Iterator`] of `Result<Frame, Error>`. After the first error
/// it ends: a damaged length field leaves no way to find the next record.
pub struct Reader {
    format: Format,
    source: Source,
    /// How many frames we have handed out, to number the next one.
    delivered: u64,
    /// Set after an error or the end of the file.
    done: bool,
}

/// The format-specific half of a [`Reader`].
enum Source {
    Pcap {
        reader: PcapReader<Input>,
        linktype: LinkType,
        nanos: bool,
    },
    PcapNg {
        reader: PcapNgReader<Input>,
        /// The current section's interfaces, in the order their IDBs came:
        /// a packet's interface id is an index into this list.
        interfaces: Vec<Interface>,
    },
}

/// What we keep of a pcapng Interface Description Block.
#[derive(Clone, Copy, Debug)]
struct Interface {
    linktype: LinkType,
    /// 0 means no limit.
    snaplen: u32,
    /// How many timestamp ticks make one second (if_tsresol).
    ticks_per_second: u128,
    /// Seconds to add to every timestamp (if_tsoffset).
    offset_seconds: i64,
}

impl Reader {
    /// Opens the capture file at `path`.
    pub fn open(path: &Path) -> Result<Reader, Error> {
        Reader::from_reader(File::open(path)?)
    }

    /// Reads a capture from any byte stream: a file, stdin, a socket.
    pub fn from_reader(r: impl Read + 'static) -> Result<Reader, Error> {
        let mut r: Box<dyn Read> = Box::new(r);
        let first = read_magic(&mut r)?;
        let input = Cursor::new(first).chain(r);

        let format = match u32::from_be_bytes(first) {
            magic::PCAP_MICROS => Format::Pcap {
                nanos: false,
                big_endian: true,
            },
            magic::PCAP_NANOS => Format::Pcap {
                nanos: true,
                big_endian: true,
            },
            magic::PCAP_MICROS_SWAPPED => Format::Pcap {
                nanos: false,
                big_endian: false,
            },
            magic::PCAP_NANOS_SWAPPED => Format::Pcap {
                nanos: true,
                big_endian: false,
            },
            magic::PCAPNG => Format::PcapNg,
            _ => return Err(Error::NotACapture { magic: first }),
        };

        let source = match format {
            Format::Pcap { nanos, .. } => {
                let reader = PcapReader::new(input)
                    .map_err(|e| bad_header("pcap", e))?;
                // The 32-bit field holds the link type in its low 16 bits;
                // the high bits may carry the FCS length
                // ([draft-ietf-opsawg-pcap] § 4, "LinkType and additional
                // information").
                let word = u32::from(reader.header().datalink);
                let linktype = LinkType(word & 0xffff);
                Source::Pcap {
                    reader,
                    linktype,
                    nanos,
                }
            }
            Format::PcapNg => {
                let reader = PcapNgReader::new(input)
                    .map_err(|e| bad_header("pcapng", e))?;
                Source::PcapNg {
                    reader,
                    interfaces: Vec::new(),
                }
            }
        };

        Ok(Reader {
            format,
            source,
            delivered: 0,
            done: false,
        })
    }

    /// The format found in the first four bytes.
    pub fn format(&self) -> Format {
        self.format
    }
}

impl fmt::Debug for Reader {
    // pcap-file's readers are not `Debug`, so say what a student would
    // want to see instead.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("format", &self.format)
            .field("delivered", &self.delivered)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Iterator for Reader {
    type Item = Result<Frame, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let number = self.delivered + 1;
        let item = match &mut self.source {
            Source::Pcap {
                reader,
                linktype,
                nanos,
            } => next_pcap(reader, *linktype, *nanos, number),
            Source::PcapNg { reader, interfaces } => {
                next_pcapng(reader, interfaces, number)
            }
        };
        match item {
            Some(Ok(_)) => self.delivered += 1,
            // pcap-file 2.0.0 does not stop by itself: after a truncated
            // record it reports the same error on every call, for ever.
            // So we stop for it.
            Some(Err(_)) | None => self.done = true,
        }
        item
    }
}

/// Reads the 4-byte magic number, counting how much there was if the
/// input ends first (`read_exact` would not say).
fn read_magic(r: &mut impl Read) -> Result<[u8; 4], Error> {
    let mut first = [0u8; 4];
    let mut len = 0;
    while len < first.len() {
        match r.read(&mut first[len..]) {
            Ok(0) => return Err(Error::TooShort { len }),
            Ok(n) => len += n,
            // A signal arrived mid-read (stdin from a terminal): try again.
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::Io(e)),
        }
    }
    Ok(first)
}

/// The next pcap record as a frame.
fn next_pcap(
    reader: &mut PcapReader<Input>,
    linktype: LinkType,
    nanos: bool,
    number: u64,
) -> Option<Result<Frame, Error>> {
    // pcap-file 2.0.0's checked `next_packet` rejects a record whose
    // original length exceeds the file's snaplen. But that is exactly what
    // a frame cut short by the snaplen looks like (`tcpdump -s 96`), so it
    // would refuse every truncated frame. We take the raw record and check
    // it ourselves.
    let raw = match reader.next_raw_packet()? {
        Ok(raw) => raw,
        Err(e) => return Some(Err(corrupt(number, "record", e))),
    };

    // [draft-ietf-opsawg-pcap] § 5: the fraction counts microseconds, or
    // nanoseconds with the a1b23c4d magic; a second or more means the
    // record header is not really a record header.
    let per_second = if nanos { 1_000_000_000 } else { 1_000_000 };
    if raw.ts_frac >= per_second {
        let unit = if nanos { "ns" } else { "µs" };
        return Some(Err(Error::Corrupt {
            frame: number,
            reason: format!(
                "the record's fraction of a second is {} {unit}, a second \
                 or more (its header is probably damaged)",
                raw.ts_frac
            ),
        }));
    }
    let nanoseconds = if nanos {
        raw.ts_frac
    } else {
        raw.ts_frac * 1000 // < 10^6 · 1000, fits in a u32
    };

    Some(Ok(Frame {
        timestamp: Duration::new(u64::from(raw.ts_sec), nanoseconds),
        linktype,
        data: raw.data.into_owned(),
        orig_len: raw.orig_len,
        interface: 0,
        comment: None,
    }))
}

/// The next pcapng block that holds a packet, as a frame. Blocks that hold
/// no packet (statistics, name resolution, custom, unknown) are skipped.
fn next_pcapng(
    reader: &mut PcapNgReader<Input>,
    interfaces: &mut Vec<Interface>,
    number: u64,
) -> Option<Result<Frame, Error>> {
    loop {
        let block = match reader.next_block()? {
            Ok(block) => block,
            Err(e) => return Some(Err(corrupt(number, "block", e))),
        };
        let found = match block {
            // A new section starts afresh: its packets name only the
            // interfaces described after it (§ 4.1). Its byte order may
            // differ from the last section's; pcap-file reads the SHB's
            // byte-order magic itself and switches, which a test checks.
            Block::SectionHeader(_) => {
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
                    return Some(Err(missing_interface(number, 0, 0)));
                };
                // pcap-file 2.0.0 hands over the whole block body, padding
                // included. The packet is only the first min(original
                // length, snaplen) bytes of it (§ 4.4).
                let mut keep = spb.original_len;
                if interface.snaplen != 0 {
                    keep = keep.min(interface.snaplen);
                }
                let keep = spb.data.len().min(keep as usize);
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
                let comment =
                    comments(pb.options.iter().filter_map(|o| match o {
                        PacketOption::Comment(c) => Some(c.as_ref()),
                        _ => None,
                    }));
                packet_frame(
                    interfaces,
                    number,
                    u32::from(pb.interface_id),
                    pb.timestamp,
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

/// A packet names an interface that the section never described.
fn missing_interface(number: u64, id: u32, known: usize) -> Error {
    Error::Corrupt {
        frame: number,
        reason: format!(
            "the packet says it came from interface {id}, but this section \
             describes {known} interface(s) before it"
        ),
    }
}

/// Says what a pcap-file error means, in our words. `Err` is a real
/// input/output error, to pass on as such.
fn explain(what: &str, err: PcapError) -> Result<String, io::Error> {
    let reason = match err {
        // pcap-file reports a record that runs past the end of the input
        // as an end-of-file error, and so also a length field so damaged
        // it points beyond the file (or beyond pcap-file's 8 MB buffer).
        PcapError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            format!(
                "the file ends in the middle of this {what}: it was cut \
                 short, or a length field is damaged"
            )
        }
        PcapError::IoError(e) => return Err(e),
        PcapError::IncompleteBuffer => {
            format!("the file ends in the middle of this {what}")
        }
        // [draft-ietf-opsawg-pcapng] § 3.5: readers "MUST NOT assume an
        // option list will have an opt_endofopt option at the end". pcap-file
        // 2.0.0 does assume it, and rejects the block.
        PcapError::InvalidField("Invalid option") => format!(
            "an option list in this {what} does not end with opt_endofopt; \
             the pcapng spec allows that, but pcap-file 2.0.0 rejects it"
        ),
        PcapError::InvalidField(field) => {
            format!("a field of this {what} is invalid ({field})")
        }
        PcapError::Utf8Error(_) | PcapError::FromUtf8Error(_) => format!(
            "a text option of this {what} (a comment or a name) is not UTF-8"
        ),
        PcapError::InvalidInterfaceId(id) => {
            format!("this {what} names interface {id}, which is not described")
        }
    };
    Ok(reason)
}

/// A pcap-file error while reading the header.
fn bad_header(format: &'static str, err: PcapError) -> Error {
    match explain("header", err) {
        Ok(reason) => Error::BadHeader { format, reason },
        Err(io) => Error::Io(io),
    }
}

/// A pcap-file error while reading record or block number `frame`.
fn corrupt(frame: u64, what: &str, err: PcapError) -> Error {
    match explain(what, err) {
        Ok(reason) => Error::Corrupt { frame, reason },
        Err(io) => Error::Io(io),
    }
}

/// The snaplen [`PcapNgWriter::new`] writes: libpcap's `MAXIMUM_SNAPLEN`,
/// which tcpdump and dumpcap also use unless told otherwise.
pub const DEFAULT_SNAPLEN: u32 = 262_144;

/// Writes frames of one interface to a pcapng file.
///
/// The file holds a Section Header Block naming netlab as the application
/// that wrote it, one Interface Description Block, and one Enhanced Packet
/// Block per frame, with the frame's comment as its `opt_comment`. The
/// interface's clock ticks in nanoseconds (`if_tsresol` = 9), so the
/// timestamps read back exactly.
///
/// Call [`PcapNgWriter::finish`] at the end to see errors from the last
/// write; dropping the writer flushes too, but cannot report a failure.
pub struct PcapNgWriter<W: Write = BufWriter<File>> {
    writer: pcap_file::pcapng::PcapNgWriter<W>,
    linktype: LinkType,
    snaplen: u32,
}

impl PcapNgWriter<BufWriter<File>> {
    /// Creates (or empties) the file at `path` for frames of `linktype`,
    /// each at most `snaplen` bytes long (0: no limit).
    pub fn create(
        path: &Path,
        linktype: LinkType,
        snaplen: u32,
    ) -> Result<Self, Error> {
        let file = BufWriter::new(File::create(path)?);
        PcapNgWriter::with_snaplen(file, linktype, snaplen)
    }
}

impl<W: Write> PcapNgWriter<W> {
    /// Writes the file's header to `w`, for frames of `linktype` of up to
    /// [`DEFAULT_SNAPLEN`] bytes.
    pub fn new(w: W, linktype: LinkType) -> Result<Self, Error> {
        PcapNgWriter::with_snaplen(w, linktype, DEFAULT_SNAPLEN)
    }

    /// Writes the file's header to `w`, for frames of `linktype` of up to
    /// `snaplen` bytes (0: no limit, § 4.2).
    pub fn with_snaplen(
        w: W,
        linktype: LinkType,
        snaplen: u32,
    ) -> Result<Self, Error> {
        // The IDB's link type field is 16 bits wide (§ 4.2); pcap-file
        // 2.0.0 would cut a wider number down without a word.
        let Ok(linktype16) = u16::try_from(linktype.0) else {
            return Err(Error::Unwritable {
                reason: format!(
                    "{linktype} does not fit the 16-bit link type field of \
                     an Interface Description Block"
                ),
            });
        };
        // The byte order is the writer's choice (§ 4.1); readers follow
        // the byte-order magic. Like libpcap, write the machine's own.
        let section = SectionHeaderBlock {
            endianness: Endianness::native(),
            major_version: 1,
            minor_version: 0,
            // -1: "the length is unspecified" (§ 4.1); we stream, so we
            // cannot know it when the header is written.
            section_length: -1,
            options: vec![SectionHeaderOption::UserApplication(Cow::Borrowed(
                concat!("netlab ", env!("CARGO_PKG_VERSION")),
            ))],
        };
        let mut writer =
            pcap_file::pcapng::PcapNgWriter::with_section_header(w, section)
                .map_err(write_error)?;
        let interface = InterfaceDescriptionBlock {
            linktype: DataLink::from(u32::from(linktype16)),
            snaplen,
            // Without if_tsresol a reader assumes microseconds and our
            // nanoseconds would come back a thousand times too late.
            options: vec![InterfaceDescriptionOption::IfTsResol(9)],
        };
        writer.write_pcapng_block(interface).map_err(write_error)?;
        Ok(PcapNgWriter {
            writer,
            linktype,
            snaplen,
        })
    }

    /// Appends `frame` as an Enhanced Packet Block.
    pub fn write(&mut self, frame: &Frame) -> Result<(), Error> {
        if frame.linktype != self.linktype {
            return Err(Error::WrongLinkType {
                frame: frame.linktype,
                file: self.linktype,
            });
        }
        let captured = frame.data.len();
        if self.snaplen != 0 && captured > self.snaplen as usize {
            return Err(unwritable(format!(
                "the frame has {captured} captured bytes, more than the \
                 interface's snaplen of {}",
                self.snaplen
            )));
        }
        if captured > frame.orig_len as usize {
            return Err(unwritable(format!(
                "the frame has {captured} captured bytes but says it was \
                 only {} bytes long on the wire",
                frame.orig_len
            )));
        }
        // At if_tsresol 9 the 64-bit timestamp counts nanoseconds, which
        // lasts until the year 2554. pcap-file 2.0.0 would silently drop
        // the high bits of a later time.
        if frame.timestamp.as_nanos() > u128::from(u64::MAX) {
            return Err(unwritable(format!(
                "the timestamp {:?} after 1970 does not fit 64 bits of \
                 nanoseconds",
                frame.timestamp
            )));
        }
        let mut options = Vec::new();
        if let Some(comment) = &frame.comment {
            // An option's length field is 16 bits (§ 3.5); pcap-file
            // 2.0.0 would write a longer comment's length wrapped around,
            // and every reader would lose its place in the file.
            if comment.len() > usize::from(u16::MAX) {
                return Err(unwritable(format!(
                    "the comment is {} bytes long; an option holds at most \
                     65535",
                    comment.len()
                )));
            }
            options.push(EnhancedPacketOption::Comment(Cow::Borrowed(
                comment.as_str(),
            )));
        }
        let packet = EnhancedPacketBlock {
            // The only interface this writer describes.
            interface_id: 0,
            // pcap-file writes `timestamp.as_nanos()` as the raw tick
            // count, which is right for our if_tsresol of 9.
            timestamp: frame.timestamp,
            original_len: frame.orig_len,
            data: Cow::Borrowed(&frame.data),
            options,
        };
        self.writer
            .write_pcapng_block(packet)
            .map_err(write_error)?;
        Ok(())
    }

    /// Pushes buffered frames to the file, so that a capture stopped with
    /// Ctrl-C keeps every frame written so far.
    pub fn flush(&mut self) -> Result<(), Error> {
        self.writer.get_mut().flush()?;
        Ok(())
    }

    /// Flushes what is buffered and hands back the underlying writer.
    pub fn finish(self) -> Result<W, Error> {
        let mut w = self.writer.into_inner();
        w.flush()?;
        Ok(w)
    }
}

impl<W: Write> fmt::Debug for PcapNgWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PcapNgWriter")
            .field("linktype", &self.linktype)
            .field("snaplen", &self.snaplen)
            .finish_non_exhaustive()
    }
}

/// [`Error::Unwritable`] with `reason`.
fn unwritable(reason: String) -> Error {
    Error::Unwritable { reason }
}

/// A pcap-file error while writing. Our checks come first, so only
/// input/output errors are expected here.
fn write_error(err: PcapError) -> Error {
    match err {
        PcapError::IoError(e) => Error::Io(e),
        other => unwritable(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use pcap_file::TsResolution;
    use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
    use std::path::PathBuf;
    use std::process::Command;

    /// A frame of the kind the tests write and expect back.
    fn frame(
        linktype: LinkType,
        timestamp: Duration,
        data: &[u8],
        interface: u32,
        comment: Option<&str>,
    ) -> Frame {
        Frame {
            timestamp,
            linktype,
            data: data.to_vec(),
            orig_len: data.len() as u32,
            interface,
            comment: comment.map(str::to_string),
        }
    }

    /// 2023-11-14 22:13:20 UTC and a bit, in nanoseconds.
    const T0: Duration = Duration::new(1_700_000_000, 123_456_789);

    /// Reads all of `bytes`, errors included.
    fn read_all(bytes: Vec<u8>) -> (Format, Vec<Result<Frame, Error>>) {
        let reader =
            Reader::from_reader(Cursor::new(bytes)).expect("a capture");
        (reader.format(), reader.collect())
    }

    /// Reads all of `bytes`, which must have no errors.
    fn read_ok(bytes: Vec<u8>) -> (Format, Vec<Frame>) {
        let (format, items) = read_all(bytes);
        let frames = items.into_iter().map(|r| r.expect("a frame")).collect();
        (format, frames)
    }

    /// A pcap file written by pcap-file's own writer.
    fn pcap(header: PcapHeader, packets: &[PcapPacket<'_>]) -> Vec<u8> {
        let mut w = PcapWriter::with_header(Vec::new(), header)
            .expect("header written");
        for p in packets {
            w.write_packet(p).expect("packet written");
        }
        w.into_writer()
    }

    // pcapng blocks built by hand, so the tests can hold blocks the
    // writer would never make (unknown ones, a second byte order, …).

    fn u16b(big: bool, n: u16) -> [u8; 2] {
        if big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        }
    }

    fn u32b(big: bool, n: u32) -> [u8; 4] {
        if big {
            n.to_be_bytes()
        } else {
            n.to_le_bytes()
        }
    }

    fn pad(v: &mut Vec<u8>) {
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
    }

    /// § 3.1: type, total length, body padded to 32 bits, total length.
    fn block(big: bool, kind: u32, body: &[u8]) -> Vec<u8> {
        let mut body = body.to_vec();
        pad(&mut body);
        let total = 12 + body.len() as u32;
        let mut v = Vec::new();
        v.extend(u32b(big, kind));
        v.extend(u32b(big, total));
        v.extend(body);
        v.extend(u32b(big, total));
        v
    }

    /// One option (§ 3.5), padded.
    fn option(big: bool, code: u16, value: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(u16b(big, code));
        v.extend(u16b(big, value.len() as u16));
        v.extend(value);
        pad(&mut v);
        v
    }

    fn end_of_options() -> Vec<u8> {
        vec![0; 4]
    }

    fn shb(big: bool) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(u32b(big, 0x1a2b_3c4d));
        body.extend(u16b(big, 1));
        body.extend(u16b(big, 0));
        body.extend([0xff; 8]); // section length -1: unspecified
        block(big, 0x0a0d_0d0a, &body)
    }

    fn idb(
        big: bool,
        linktype: u16,
        snaplen: u32,
        tsresol: Option<u8>,
    ) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(u16b(big, linktype));
        body.extend(u16b(big, 0));
        body.extend(u32b(big, snaplen));
        if let Some(r) = tsresol {
            body.extend(option(big, 9, &[r]));
            body.extend(end_of_options());
        }
        block(big, 1, &body)
    }

    fn epb(
        big: bool,
        interface: u32,
        ticks: u64,
        data: &[u8],
        comment: Option<&str>,
    ) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(u32b(big, interface));
        body.extend(u32b(big, (ticks >> 32) as u32));
        body.extend(u32b(big, ticks as u32));
        body.extend(u32b(big, data.len() as u32));
        body.extend(u32b(big, data.len() as u32));
        body.extend(data);
        pad(&mut body);
        if let Some(c) = comment {
            body.extend(option(big, 1, c.as_bytes()));
            body.extend(end_of_options());
        }
        block(big, 6, &body)
    }

    fn spb(big: bool, data: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(u32b(big, data.len() as u32));
        body.extend(data);
        block(big, 3, &body)
    }

    /// Interface Statistics Block (§ 4.6), no options.
    fn isb(big: bool, interface: u32) -> Vec<u8> {
        let mut body = Vec::new();
        body.extend(u32b(big, interface));
        body.extend([0; 8]);
        block(big, 5, &body)
    }

    /// A file in the system's temporary directory, unique to this test
    /// process.
    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir()
            .join(format!("netlab-capture-{}-{name}", std::process::id()))
    }

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

    /// A pcapng file with one of everything the reader handles.
    fn sampler() -> Vec<u8> {
        let mut bytes = shb(false);
        bytes.extend(idb(false, 1, 96, Some(9)));
        bytes.extend(epb(false, 0, 1, b"with a comment", Some("hello")));
        bytes.extend(isb(false, 0));
        bytes.extend(spb(false, b"simple"));
        bytes.extend(shb(true));
        bytes.extend(idb(true, 101, 0, None));
        bytes.extend(epb(true, 0, 2, b"big", None));
        bytes
    }

    #[test]
    fn damaged_files_end_in_an_error_never_a_panic() {
        // Cut at every length, and overwrite every byte with 0xff and with
        // 0x00 in turn: each must give frames, then at most one error,
        // then the end.
        let whole = sampler();
        let pcap_file = pcap(
            PcapHeader::default(),
            &[
                PcapPacket::new(T0, 3, b"abc"),
                PcapPacket::new(T0, 2, b"de"),
            ],
        );
        for original in [whole, pcap_file] {
            let mut variants = Vec::new();
            for len in 0..original.len() {
                variants.push(original[..len].to_vec());
            }
            for at in 0..original.len() {
                for byte in [0x00, 0xff] {
                    let mut v = original.clone();
                    v[at] = byte;
                    variants.push(v);
                }
            }
            for bytes in variants {
                let Ok(reader) = Reader::from_reader(Cursor::new(bytes)) else {
                    continue;
                };
                let items: Vec<_> = reader.take(100).collect();
                assert!(items.len() < 100, "the reader never ended");
                let errors = items.iter().filter(|r| r.is_err()).count();
                assert!(errors <= 1);
                if errors == 1 {
                    assert!(items.last().is_some_and(|r| r.is_err()));
                }
            }
        }
    }

    #[test]
    fn not_a_capture_file() {
        let xml = b"<?xml version='1.0'?><stream:stream>".to_vec();
        let err = Reader::from_reader(Cursor::new(xml)).expect_err("xml");
        assert!(matches!(
            err,
            Error::NotACapture {
                magic: [0x3c, 0x3f, 0x78, 0x6d]
            }
        ));
        assert_eq!(
            err.to_string(),
            "not a capture file: it starts with 3c 3f 78 6d, not a pcap \
             (a1b2c3d4 / a1b23c4d, either byte order) or pcapng (0a0d0d0a) \
             magic number"
        );
    }

    #[test]
    fn empty_and_tiny_files() {
        let err = Reader::from_reader(Cursor::new(Vec::new())).expect_err("");
        assert!(matches!(err, Error::TooShort { len: 0 }), "got {err:?}");
        let err =
            Reader::from_reader(Cursor::new(vec![0xd4, 0xc3])).expect_err("");
        assert!(matches!(err, Error::TooShort { len: 2 }), "got {err:?}");
    }

    #[test]
    fn open_reports_a_missing_file() {
        let err = Reader::open(Path::new("/nonexistent/netlab.pcap"))
            .expect_err("no such file");
        assert!(matches!(err, Error::Io(_)), "got {err:?}");
    }

    /// Frames with comments, odd lengths and nanosecond timestamps.
    fn round_trip_frames() -> Vec<Frame> {
        let e = LinkType::ETHERNET;
        let mut cut = frame(e, T0 + Duration::from_nanos(1), &[9; 60], 0, None);
        cut.orig_len = 1514;
        vec![
            frame(e, T0, b"first", 0, Some("the SYN")),
            cut,
            frame(e, Duration::new(1_800_000_000, 999_999_999), b"", 0, None),
            frame(e, T0, b"abcd", 0, Some("two\nlines, ünïcode")),
        ]
    }

    #[test]
    fn round_trip_through_the_writer() {
        let frames = round_trip_frames();
        let mut w =
            PcapNgWriter::new(Vec::new(), LinkType::ETHERNET).expect("header");
        for f in &frames {
            w.write(f).expect("written");
        }
        let bytes = w.finish().expect("flushed");
        let (format, back) = read_ok(bytes);
        assert_eq!(format, Format::PcapNg);
        assert_eq!(back, frames);
    }

    #[test]
    fn writer_refuses_what_the_file_cannot_hold() {
        let mut w =
            PcapNgWriter::with_snaplen(Vec::new(), LinkType::ETHERNET, 4)
                .expect("header");
        let raw = frame(LinkType::RAW, T0, b"ip", 0, None);
        assert!(matches!(
            w.write(&raw),
            Err(Error::WrongLinkType {
                frame: LinkType::RAW,
                file: LinkType::ETHERNET
            })
        ));
        let long = frame(LinkType::ETHERNET, T0, b"12345", 0, None);
        assert!(matches!(w.write(&long), Err(Error::Unwritable { .. })));
        let mut lying = frame(LinkType::ETHERNET, T0, b"123", 0, None);
        lying.orig_len = 2;
        assert!(matches!(w.write(&lying), Err(Error::Unwritable { .. })));
        let wide = PcapNgWriter::new(Vec::new(), LinkType(70_000));
        assert!(matches!(wide, Err(Error::Unwritable { .. })));
    }

    /// Wireshark must open what we write, and see the same comments and
    /// times. CI installs tshark; elsewhere the test says it skipped.
    #[test]
    fn tshark_reads_what_the_writer_wrote() {
        let frames = round_trip_frames();
        let path = temp_path("tshark.pcapng");
        let mut w = PcapNgWriter::create(&path, LinkType::ETHERNET, 65535)
            .expect("created");
        for f in &frames {
            w.write(f).expect("written");
        }
        w.finish().expect("flushed");

        // Our own reader reads the file back from disk, too.
        let back: Vec<Frame> = Reader::open(&path)
            .expect("opened")
            .map(|r| r.expect("frame"))
            .collect();
        assert_eq!(back, frames);

        // Wireshark 3.6 renamed the comment field from pkt_comment.
        let mut output = None;
        for field in ["frame.comment", "pkt_comment"] {
            let run = Command::new("tshark")
                .args(["-r"])
                .arg(&path)
                .args(["-T", "fields", "-E", "occurrence=a", "-e", field])
                .args(["-e", "frame.time_epoch"])
                .output();
            match run {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    println!("skipped: tshark not installed");
                    let _ = std::fs::remove_file(&path);
                    return;
                }
                Err(e) => panic!("running tshark: {e}"),
                Ok(out) if out.status.success() => {
                    output = Some(out);
                    break;
                }
                Ok(_) => continue,
            }
        }
        let out = output.expect("tshark knows one of the comment fields");
        let _ = std::fs::remove_file(&path);

        // tshark warns on stderr about a malformed file; running as root
        // earns a warning about that instead, which is not ours.
        let stderr = String::from_utf8_lossy(&out.stderr);
        let warnings: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.trim().is_empty())
            .filter(|l| !l.contains("Running as user"))
            .collect();
        assert!(warnings.is_empty(), "tshark warned: {stderr}");

        let stdout = String::from_utf8_lossy(&out.stdout);
        let got: Vec<&str> = stdout.lines().collect();
        assert_eq!(got.len(), frames.len(), "tshark printed:\n{stdout}");
        for (line, f) in got.iter().zip(&frames) {
            let (comment, time) = line.split_once('\t').expect("two fields");
            // tshark prints a newline in a comment as the two characters
            // "\n".
            let want = f.comment.as_deref().unwrap_or("").replace('\n', "\\n");
            assert_eq!(comment, want, "comment of {f:?}");
            let secs = f.timestamp.as_secs();
            let nanos = f.timestamp.subsec_nanos();
            assert_eq!(time, format!("{secs}.{nanos:09}"), "time of {f:?}");
        }
    }
}
