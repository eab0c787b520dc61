//! What each fuzz target does with its input, in one place.
//!
//! The fuzz targets (`fuzz/fuzz_targets/*.rs`) call these functions through
//! the `netlab_fuzz` library, and `tests/fuzz_regressions.rs` includes this
//! very file with `#[path]`, so a saved input is replayed through exactly
//! the code that found it. Only `netlab` and `colored` are used here,
//! because those are the only crates both places can see.

use std::io::Cursor;
use std::time::Duration;

use netlab::capture::file::Reader;
use netlab::show::{packet, packet_json};
use netlab::wire::dissect::{Link, dissect};
use netlab::wire::dns;

/// Splits a `dissect` input: the first byte chooses how the frame is
/// read, the rest is the frame.
///
/// Bits 0–1 of the first byte pick the link: 0 Ethernet, 1 raw IP,
/// 2 `Other(n)` with `n` the byte's top six bits, 3 Ethernet again.
/// Bit 2 set means the frame was cut short by a snaplen: its length on
/// the wire is the captured length plus 1 plus the byte's top five bits.
pub fn split_dissect_input(data: &[u8]) -> Option<(Link, &[u8], usize)> {
    let (&first, frame) = data.split_first()?;
    let link = match first & 0b11 {
        1 => Link::RawIp,
        2 => Link::Other(u32::from(first >> 2)),
        _ => Link::Ethernet,
    };
    let original = if first & 0b100 != 0 {
        frame.len() + 1 + usize::from(first >> 3)
    } else {
        frame.len()
    };
    Some((link, frame, original))
}

/// The `dissect` target: takes the frame apart, then shows the
/// dissection every way `netlab dissect` can (colour off, as in a pipe).
pub fn dissect_and_render(data: &[u8]) {
    colored::control::set_override(false);
    let Some((link, frame, original)) = split_dissect_input(data) else {
        return;
    };
    let d = dissect(frame, link, original);
    std::hint::black_box(packet::tree(&d));
    std::hint::black_box(packet::hex_dump(&d, frame));
    std::hint::black_box(packet::encapsulation(&d));
    std::hint::black_box(packet::summary(&d));
    std::hint::black_box(packet_json::render(1, Duration::ZERO, &d));
}

/// The `dns` target: the input as a UDP payload, and as a TCP stream
/// (two-byte length prefix, then the message).
pub fn dns_parse(data: &[u8]) {
    let _ = std::hint::black_box(dns::Repr::parse(data));
    let _ = std::hint::black_box(dns::Repr::parse_tcp(data));
}

/// The `capture_file` target: the input as a pcap or pcapng file, read to
/// the end. Errors are rendered too, since their messages format the
/// values that were found.
pub fn read_capture(data: &[u8]) {
    let reader = match Reader::from_reader(Cursor::new(data.to_vec())) {
        Ok(reader) => reader,
        Err(e) => {
            std::hint::black_box(e.to_string());
            return;
        }
    };
    std::hint::black_box(reader.format().to_string());
    for item in reader {
        match item {
            Ok(frame) => {
                std::hint::black_box(frame.is_cut_short());
            }
            Err(e) => {
                std::hint::black_box(e.to_string());
            }
        }
    }
}
