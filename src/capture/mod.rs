//! The machine's network interfaces, and (in later lessons) live capture.
//!
//! This is the only place besides `wire/` that uses pnet: its `datalink`
//! module lists interfaces here and will open raw sockets for capture.
//!
//! - [`interfaces`]: every interface, its flags, MTU and addresses (lesson 8)
//! - [`file`](mod@file): pcap and pcapng files, read and written (lesson 7)
//! - [`live`]: frames from an interface as they pass (lesson 7)
//! - [`bpf`]: the filter program the kernel runs for [`live`] on every frame
//! - [`privileges`]: giving up CAP_NET_RAW once the socket is open

pub mod bpf;
pub mod file;
pub mod interfaces;
pub mod live;
pub mod privileges;

use std::fmt;
use std::time::Duration;

/// One captured frame, from a file or from an interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// When it was captured, since the Unix epoch.
    pub timestamp: Duration,
    /// How the bytes begin: Ethernet, raw IP, …
    pub linktype: LinkType,
    /// The bytes captured: all of the frame, or its first `snaplen` bytes.
    pub data: Vec<u8>,
    /// How long the frame was on the wire. More than `data.len()` means the
    /// capture was cut short (snaplen): *truncated*, not malformed.
    pub orig_len: u32,
    /// Which interface of the capture (pcapng can hold several).
    pub interface: u32,
    /// A comment stored with the frame (pcapng `opt_comment`).
    pub comment: Option<String>,
}

impl Frame {
    /// Whether the capture kept fewer bytes than the frame had.
    pub fn is_cut_short(&self) -> bool {
        (self.data.len() as u64) < u64::from(self.orig_len)
    }
}

/// A link-layer header type, as numbered by tcpdump.org's LINKTYPE_ list
/// (the same numbers pcap and pcapng files store).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkType(pub u32);

impl LinkType {
    /// BSD loopback: a 4-byte address family in host order.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II (also Linux `lo`, with zero MAC addresses).
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IPv4 or IPv6, no link-layer header.
    pub const RAW: LinkType = LinkType(101);
    /// Linux "cooked" capture (`tcpdump -i any`).
    pub const LINUX_SLL: LinkType = LinkType(113);
}

impl fmt::Display for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LinkType::NULL => f.write_str("NULL (BSD loopback)"),
            LinkType::ETHERNET => f.write_str("Ethernet"),
            LinkType::RAW => f.write_str("raw IP"),
            LinkType::LINUX_SLL => f.write_str("Linux cooked (SLL)"),
            LinkType(n) => write!(f, "link type {n}"),
        }
    }
}
