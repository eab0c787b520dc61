//! Capture files: which format a file is in, and its frames one at a time.
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
//! comments on any block. [`Reader`] reads the magic number, picks the
//! format, and then hands out one [`Frame`] at a time, so a million-packet
//! file costs no more memory than a ten-packet one. This file holds what
//! both formats share: the sniffing, the [`Reader`] that steps through
//! either, and the [`Error`]s, which say in our words what pcap-file
//! found wrong. The formats themselves are one file each:
//!
//! - `file/pcap.rs`: a pcap record as a frame;
//! - `file/pcapng.rs`: pcapng blocks as frames, with each interface's
//!   link type and clock;
//! - `file/writer.rs`: [`PcapNgWriter`], which writes pcapng (Wireshark
//!   opens it as it is).
//!
//! pcap we parse ourselves (it is two fixed headers, and the odd files
//! libpcap and Wireshark still read need a say in every field); pcapng
//! blocks are parsed by the `pcap-file` crate, and `pcapng.rs` turns them
//! into [`Frame`]s and steers around its mistakes, each named where we
//! avoid it (search for "pcap-file 2.0.0"). Either way the rule for an odd
//! file is: what libpcap and Wireshark read, we read (with a note, from
//! [`Reader::take_notes`]); what both refuse, we refuse, saying why.
//!
//! Read before: [`super`] (the [`Frame`] type). Read next: `file/pcap.rs`,
//! then `file/pcapng.rs`; the frames go on to [`crate::wire`], which takes
//! their bytes apart.
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

mod pcap;
mod pcapng;
mod read_ahead;
mod writer;

#[cfg(test)]
mod fixtures;

pub use writer::{DEFAULT_SNAPLEN, PcapNgWriter};

use std::fmt;
use std::fs::File;
use std::io::{self, Chain, Cursor, Read};
use std::path::Path;

use pcap_file::PcapError;
use pcap_file::pcapng::PcapNgReader;

use super::{Frame, LinkType};
use crate::tr;
use pcapng::Interface;
use read_ahead::ReadAhead;

/// The magic numbers, as the first four bytes read big-endian.
mod magic {
    /// pcap, microsecond timestamps, written big-endian.
    pub(super) const PCAP_MICROS: u32 = 0xa1b2_c3d4;
    /// pcap, nanosecond timestamps, written big-endian.
    pub(super) const PCAP_NANOS: u32 = 0xa1b2_3c4d;
    /// The "modified" pcap of Alexey Kuznetsov's patched libpcap (Red Hat
    /// 6.1 era): microseconds, and 8 more bytes in each record header.
    /// libpcap and Wireshark still read it.
    pub(super) const PCAP_MODIFIED: u32 = 0xa1b2_cd34;
    /// The same two, written little-endian (so read back swapped).
    pub(super) const PCAP_MICROS_SWAPPED: u32 = 0xd4c3_b2a1;
    /// See [`PCAP_MICROS_SWAPPED`].
    pub(super) const PCAP_NANOS_SWAPPED: u32 = 0x4d3c_b2a1;
    /// See [`PCAP_MICROS_SWAPPED`].
    pub(super) const PCAP_MODIFIED_SWAPPED: u32 = 0x34cd_b2a1;
    /// pcapng: the Section Header Block's type. It reads the same in both
    /// byte orders, on purpose: the byte order comes in the next field.
    pub(super) const PCAPNG: u32 = 0x0a0d_0d0a;
}

/// What can go wrong reading or writing a capture file.
///
/// `Display` words it in the language of the run (`locales/*/capture.ftl`).
#[derive(Debug)]
pub enum Error {
    /// The operating system could not read or write the file.
    Io(io::Error),

    /// The file ends before its first four bytes.
    TooShort {
        /// How many bytes there were (0 for an empty file).
        len: usize,
    },

    /// The first four bytes are no capture format's magic number.
    NotACapture {
        /// The four bytes the file starts with.
        magic: [u8; 4],
    },

    /// The magic number was right but the header after it is not.
    BadHeader {
        /// "pcap" or "pcapng".
        format: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// A record or block is damaged. The frames before it were delivered;
    /// reading stops here, because after a bad length field there is no
    /// telling where the next record starts.
    Corrupt {
        /// The number the frame would have had, counting from 1 as
        /// Wireshark does.
        frame: u64,
        /// What is wrong, and where.
        reason: String,
    },

    /// [`PcapNgWriter`] was given a frame of another link type.
    WrongLinkType {
        /// The frame's link type.
        frame: LinkType,
        /// The link type the writer's interface was created with.
        file: LinkType,
    },

    /// [`PcapNgWriter`] was given something the format cannot hold.
    Unwritable {
        /// Which limit of the format it breaks.
        reason: String,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Error::Io(e) => tr!("capture-io", error = e.to_string()),
            Error::TooShort { len } => tr!("capture-too-short", length = *len),
            Error::NotACapture { magic } => {
                tr!("capture-not-a-capture", magic = hex(magic))
            }
            Error::BadHeader { format, reason } => tr!(
                "capture-bad-header",
                format = *format,
                reason = reason.as_str()
            ),
            Error::Corrupt { frame, reason } => {
                tr!("capture-corrupt", frame = *frame, reason = reason.as_str())
            }
            Error::WrongLinkType { frame, file } => tr!(
                "capture-wrong-link-type",
                frame = frame.to_string(),
                file = file.to_string()
            ),
            Error::Unwritable { reason } => {
                tr!("capture-unwritable", reason = reason.as_str())
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Io(e)
    }
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
        /// The modified format (magic a1b2cd34): longer record headers.
        modified: bool,
    },
    /// pcapng; each interface states its own timestamp resolution.
    PcapNg,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Format::Pcap {
                nanos,
                big_endian,
                modified,
            } => write!(
                f,
                "{}pcap ({}, {}-endian)",
                if modified { "modified " } else { "" },
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
/// No `BufReader` here: pcap is read ahead by `read_ahead.rs`, and
/// pcap-file's pcapng reader keeps its own 8 MB buffer, so a second buffer
/// would only copy twice.
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
    /// A frame's buffer handed back with [`Reader::recycle`], to hold the
    /// next frame's bytes instead of a fresh allocation.
    spare: Vec<u8>,
    /// Things about the file worth telling the reader that are not errors
    /// (a bogus snaplen, a record longer than the snaplen, …), in the
    /// order found; [`Reader::take_notes`] hands them over.
    notes: Vec<String>,
}

/// The format-specific half of a [`Reader`].
enum Source {
    Pcap {
        input: ReadAhead,
        header: pcap::Header,
        noted: pcap::Noted,
    },
    PcapNg {
        reader: PcapNgReader<Input>,
        /// The current section's interfaces, in the order their IDBs came:
        /// a packet's interface id is an index into this list.
        interfaces: Vec<Interface>,
    },
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

        let pcap = |nanos, big_endian, modified| Format::Pcap {
            nanos,
            big_endian,
            modified,
        };
        let format = match u32::from_be_bytes(first) {
            magic::PCAP_MICROS => pcap(false, true, false),
            magic::PCAP_NANOS => pcap(true, true, false),
            magic::PCAP_MODIFIED => pcap(false, true, true),
            magic::PCAP_MICROS_SWAPPED => pcap(false, false, false),
            magic::PCAP_NANOS_SWAPPED => pcap(true, false, false),
            magic::PCAP_MODIFIED_SWAPPED => pcap(false, false, true),
            magic::PCAPNG => Format::PcapNg,
            _ => return Err(Error::NotACapture { magic: first }),
        };

        let mut notes = Vec::new();
        let source = match format {
            Format::Pcap {
                nanos,
                big_endian,
                modified,
            } => {
                let mut input = ReadAhead::new(input);
                let header = pcap::read_header(
                    &mut input, big_endian, nanos, modified, &mut notes,
                )?;
                Source::Pcap {
                    input,
                    header,
                    noted: pcap::Noted::default(),
                }
            }
            Format::PcapNg => {
                let reader = PcapNgReader::new(input)
                    .map_err(|e| bad_header("pcapng", e))?;
                pcapng::check_section(reader.section()).map_err(|reason| {
                    Error::BadHeader {
                        format: "pcapng",
                        reason,
                    }
                })?;
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
            spare: Vec::new(),
            notes,
        })
    }

    /// The notes about the file found so far (see the field), handed over
    /// once: a program shows them as they come, between frames. Most
    /// files have none, and then this costs nothing.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// The format found in the first four bytes.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Hands a frame's buffer back once the frame has been used: the next
    /// pcap frame is read into it. A program going through a million
    /// frames then allocates one buffer, not a million.
    pub fn recycle(&mut self, data: Vec<u8>) {
        self.spare = data;
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
                input,
                header,
                noted,
            } => pcap::next_pcap(
                input,
                header,
                noted,
                &mut self.notes,
                number,
                std::mem::take(&mut self.spare),
            ),
            Source::PcapNg { reader, interfaces } => {
                pcapng::next_pcapng(reader, interfaces, number)
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

/// Says what a pcap-file error means, in our words. `Err` is a real
/// input/output error, to pass on as such.
fn explain(what: &str, err: PcapError) -> Result<String, io::Error> {
    let reason = match err {
        // pcap-file reports a record that runs past the end of the input
        // as an end-of-file error, and so also a length field so damaged
        // it points beyond the file (or beyond the 8 MB a record may have).
        PcapError::IoError(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            tr!("capture-ends-cut", what = what)
        }
        PcapError::IoError(e) => return Err(e),
        PcapError::IncompleteBuffer => tr!("capture-ends", what = what),
        // [draft-ietf-opsawg-pcapng] § 3.5: readers "MUST NOT assume an
        // option list will have an opt_endofopt option at the end". pcap-file
        // 2.0.0 does assume it, and rejects the block.
        PcapError::InvalidField("Invalid option") => {
            tr!("capture-no-endofopt", what = what)
        }
        // [draft-ietf-opsawg-pcapng] § 3.1: the Block Total Length comes
        // at both ends of a block, counts 12 bytes of frame at least, and
        // is a multiple of 4 ("padded to 32 bits"). Wireshark and tcpdump
        // stop at a block that breaks any of these, as we do.
        PcapError::InvalidField("Block: (initial_len % 4) != 0") => format!(
            "this {what}'s total length is not a multiple of 4, as § 3.1 \
             of the pcapng spec requires"
        ),
        PcapError::InvalidField("Block: initial_len < 12") => format!(
            "this {what}'s total length is below 12, the size of a block \
             with an empty body (§ 3.1)"
        ),
        PcapError::InvalidField("Block: initial_length != trailer_length") => {
            format!(
                "this {what}'s total length at its end differs from the one \
                 at its start (§ 3.1)"
            )
        }
        PcapError::InvalidField(
            "EnhancedPacketBlock: captured_len + padding > block length",
        ) => format!(
            "the packet's captured length runs past the end of this {what} \
             (§ 4.3)"
        ),
        PcapError::InvalidField(field) => {
            tr!("capture-invalid-field", what = what, field = field)
        }
        PcapError::Utf8Error(_) | PcapError::FromUtf8Error(_) => {
            tr!("capture-not-utf8", what = what)
        }
        PcapError::InvalidInterfaceId(id) => {
            tr!("capture-unknown-interface", what = what, id = id)
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

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    use pcap_file::pcap::{PcapHeader, PcapPacket};

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
             (a1b2c3d4 / a1b23c4d / a1b2cd34, either byte order) or pcapng \
             (0a0d0d0a) magic number"
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
}
