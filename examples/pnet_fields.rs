//! Reading packet headers with pnet in your own program.
//!
//! **Idea:** you do not need `netlab` to take a frame apart. The
//! ecosystem's packet crate, `pnet_packet`, gives a *view* for each header:
//! `EthernetPacket::new(bytes)` borrows the bytes and its getters
//! (`get_source()`, `get_ttl()`, …) read the fields where the header
//! diagram puts them. This program reads a capture file with netlab's
//! reader and prints a few fields of each frame through those views.
//!
//! One thing pnet does not do is check length fields: `new()` only makes
//! sure the fixed part of the header is there. A capture can hold anything
//! (a cut-off frame, a length that lies), so before trusting the IPv4
//! header's lengths this program checks them itself, the way
//! `src/wire/ipv4.rs` does with an error for every rule.
//!
//! Part of lesson 7, "The OSI layers" (book chapter `book/src/lesson-07.md`,
//! section "In your own program").
//!
//! Run it (any pcap or pcapng file with Ethernet frames will do):
//!
//! ```text
//! cargo run --example pnet_fields -- tests/fuzz_corpus/capture_file/le_micros.pcap
//! ```

use std::path::PathBuf;

use netlab::capture::LinkType;
use netlab::capture::file::Reader;
use pnet_packet::Packet;
use pnet_packet::ethernet::{EtherTypes, EthernetPacket};
use pnet_packet::ip::IpNextHeaderProtocols;
use pnet_packet::ipv4::Ipv4Packet;
use pnet_packet::tcp::TcpPacket;
use pnet_packet::udp::UdpPacket;

/// tcpdump.org's LINKTYPE_ETHERNET: the frames start with Ethernet II.
const ETHERNET: LinkType = LinkType(1);

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| "capture.pcap".into());
    for (index, frame) in Reader::open(&path)?.enumerate() {
        let frame = frame?;
        let number = index + 1;
        if frame.linktype == ETHERNET {
            println!("{number}: {}", describe(&frame.data));
        } else {
            println!(
                "{number}: link type {} is not Ethernet",
                frame.linktype.0
            );
        }
    }
    Ok(())
}

// ANCHOR: own_program
/// One line about an Ethernet frame, read through pnet's views.
fn describe(frame: &[u8]) -> String {
    // `new` returns None when the fixed header (14 bytes) is not there.
    let Some(eth) = EthernetPacket::new(frame) else {
        return "too short for Ethernet".into();
    };
    if eth.get_ethertype() != EtherTypes::Ipv4 {
        let (src, dst) = (eth.get_source(), eth.get_destination());
        return format!("{src} > {dst}, EtherType {}", eth.get_ethertype());
    }
    let Some(ip) = Ipv4Packet::new(eth.payload()) else {
        return "too short for IPv4".into();
    };
    // pnet checked 20 bytes; the two lengths are ours to check.
    let header_len = usize::from(ip.get_header_length()) * 4;
    let total_len = usize::from(ip.get_total_length());
    if header_len < 20 || total_len < header_len {
        return format!("IPv4 lengths {header_len}/{total_len} are wrong");
    }
    if total_len > ip.packet().len() {
        return format!(
            "IPv4 of {total_len} bytes, only {} captured",
            ip.packet().len()
        );
    }
    // Ethernet may pad: the IP payload ends where total length says.
    let payload = &ip.packet()[header_len..total_len];
    let (src, dst, ttl) = (ip.get_source(), ip.get_destination(), ip.get_ttl());
    match ip.get_next_level_protocol() {
        IpNextHeaderProtocols::Tcp => match TcpPacket::new(payload) {
            Some(tcp) => format!(
                "{src}:{} > {dst}:{} TCP ttl {ttl} seq {} flags 0x{:02x}",
                tcp.get_source(),
                tcp.get_destination(),
                tcp.get_sequence(),
                tcp.get_flags()
            ),
            None => "too short for TCP".into(),
        },
        IpNextHeaderProtocols::Udp => match UdpPacket::new(payload) {
            Some(udp) => format!(
                "{src}:{} > {dst}:{} UDP ttl {ttl} length {}",
                udp.get_source(),
                udp.get_destination(),
                udp.get_length()
            ),
            None => "too short for UDP".into(),
        },
        other => format!("{src} > {dst} protocol {other} ttl {ttl}"),
    }
}
// ANCHOR_END: own_program
