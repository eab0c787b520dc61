//! Writing a capture: frames of one interface into a pcapng file.
//!
//! `netlab capture --write`, `netlab trace --write` and `netlab handshake
//! --pcap` save what they saw so that Wireshark, tshark or `netlab
//! dissect` can open it later. [`PcapNgWriter`] writes the smallest pcapng file that holds
//! everything a [`Frame`] has (the blocks are drawn in `pcapng.rs`):
//!
//! ```text
//!  Section Header Block        byte order, "netlab <version>"
//!  Interface Description Block link type, snaplen, if_tsresol = 9 (ns)
//!  Enhanced Packet Block       interface 0, time, bytes, opt_comment
//!  Enhanced Packet Block       …one per frame
//! ```
//!
//! pcapng rather than pcap because a frame may carry a comment, and pcap
//! has nowhere to put one; and because its clock can tick in nanoseconds
//! without a second magic number.
//!
//! pcap-file encodes the blocks. It does not check that a value fits its
//! field, and would write a file every reader then misreads; so every
//! limit of the format is checked here first, and a frame that breaks one
//! is refused with [`Error::Unwritable`] or [`Error::WrongLinkType`]
//! instead (search for "pcap-file 2.0.0").
//!
//! Read before: `pcapng.rs` (the reader, whose tests read back what this
//! writes). Book: `book/src/lesson-07.md`. Run: `netlab capture --iface lo
//! --write lo.pcapng` (needs `CAP_NET_RAW`), or `cargo test --lib
//! capture::file::writer`.
//!
//! Spec: [draft-ietf-opsawg-pcapng] § 3.5 (options), § 4.1 SHB, § 4.2 IDB,
//! § 4.3 EPB.
//!
//! [draft-ietf-opsawg-pcapng]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use pcap_file::pcapng::blocks::enhanced_packet::{
    EnhancedPacketBlock, EnhancedPacketOption,
};
use pcap_file::pcapng::blocks::interface_description::{
    InterfaceDescriptionBlock, InterfaceDescriptionOption,
};
use pcap_file::pcapng::blocks::section_header::{
    SectionHeaderBlock, SectionHeaderOption,
};
use pcap_file::{DataLink, Endianness, PcapError};

use super::Error;
use crate::capture::{Frame, LinkType};

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
    use super::super::fixtures::*;
    use super::super::{Format, Reader};
    use super::*;

    use std::io;
    use std::path::PathBuf;
    use std::process::Command;
    use std::time::Duration;

    /// A file in the system's temporary directory, unique to this test
    /// process.
    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir()
            .join(format!("netlab-capture-{}-{name}", std::process::id()))
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
