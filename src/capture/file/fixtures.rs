//! Byte fixtures for the tests of the capture-file readers and writer:
//! frames to expect, pcap files written by pcap-file's own writer, and
//! pcapng blocks built by hand.
//!
//! Only tests compile this file. The fixtures live here, not at the bottom
//! of one reader, because the tests in `mod.rs` (damaged files of either
//! format), `pcap.rs`, `pcapng.rs` and `writer.rs` all build on them.
//!
//! Read before: [`super`]. Spec: the pcapng blocks follow
//! [draft-ietf-opsawg-pcapng] § 3.1 (block layout) and § 3.5 (options).
//!
//! [draft-ietf-opsawg-pcapng]: https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/

use std::io::Cursor;
use std::time::Duration;

use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};

use super::{Error, Format, Reader};
use crate::capture::{Frame, LinkType};

/// A frame of the kind the tests write and expect back.
pub(super) fn frame(
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
pub(super) const T0: Duration = Duration::new(1_700_000_000, 123_456_789);

/// Reads all of `bytes`, errors included.
pub(super) fn read_all(bytes: Vec<u8>) -> (Format, Vec<Result<Frame, Error>>) {
    let reader = Reader::from_reader(Cursor::new(bytes)).expect("a capture");
    (reader.format(), reader.collect())
}

/// Reads all of `bytes`, which must have no errors.
pub(super) fn read_ok(bytes: Vec<u8>) -> (Format, Vec<Frame>) {
    let (format, items) = read_all(bytes);
    let frames = items.into_iter().map(|r| r.expect("a frame")).collect();
    (format, frames)
}

/// A pcap file written by pcap-file's own writer.
pub(super) fn pcap(header: PcapHeader, packets: &[PcapPacket<'_>]) -> Vec<u8> {
    let mut w =
        PcapWriter::with_header(Vec::new(), header).expect("header written");
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
pub(super) fn block(big: bool, kind: u32, body: &[u8]) -> Vec<u8> {
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
pub(super) fn option(big: bool, code: u16, value: &[u8]) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u16b(big, code));
    v.extend(u16b(big, value.len() as u16));
    v.extend(value);
    pad(&mut v);
    v
}

pub(super) fn end_of_options() -> Vec<u8> {
    vec![0; 4]
}

pub(super) fn shb(big: bool) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(big, 0x1a2b_3c4d));
    body.extend(u16b(big, 1));
    body.extend(u16b(big, 0));
    body.extend([0xff; 8]); // section length -1: unspecified
    block(big, 0x0a0d_0d0a, &body)
}

pub(super) fn idb(
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

pub(super) fn epb(
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

pub(super) fn spb(big: bool, data: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(big, data.len() as u32));
    body.extend(data);
    block(big, 3, &body)
}

/// Interface Statistics Block (§ 4.6), no options.
pub(super) fn isb(big: bool, interface: u32) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend(u32b(big, interface));
    body.extend([0; 8]);
    block(big, 5, &body)
}

// pcap files built by hand, for the headers and records pcap-file's
// writer refuses to write (old versions, bogus lengths, the modified
// format, …).

/// A pcap file header (§ 4) with the given magic, version, snaplen and
/// link-type field.
pub(super) fn pcap_header(
    big: bool,
    magic: u32,
    version: (u16, u16),
    snaplen: u32,
    linktype: u32,
) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u32b(big, magic));
    v.extend(u16b(big, version.0));
    v.extend(u16b(big, version.1));
    v.extend([0; 8]);
    v.extend(u32b(big, snaplen));
    v.extend(u32b(big, linktype));
    v
}

/// A pcap record (§ 5) whose two length fields say `first` and `second`,
/// in the order they are written.
pub(super) fn pcap_record(
    big: bool,
    seconds: u32,
    fraction: u32,
    (first, second): (u32, u32),
    data: &[u8],
) -> Vec<u8> {
    let mut v = Vec::new();
    v.extend(u32b(big, seconds));
    v.extend(u32b(big, fraction));
    v.extend(u32b(big, first));
    v.extend(u32b(big, second));
    v.extend(data);
    v
}

/// A record of the modified format (magic a1b2cd34): the usual 16 bytes,
/// then interface index, protocol, packet type and a padding byte.
pub(super) fn modified_record(big: bool, seconds: u32, data: &[u8]) -> Vec<u8> {
    let len = data.len() as u32;
    let mut v = pcap_record(big, seconds, 0, (len, len), &[]);
    v.extend(u32b(big, 2)); // ifindex
    v.extend(u16b(big, 0x0800)); // protocol
    v.extend([0, 0]); // packet type, padding
    v.extend(data);
    v
}
