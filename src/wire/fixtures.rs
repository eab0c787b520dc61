//! Named packets for the tests in `wire/`, one byte per field comment.
//!
//! Each fixture is a whole frame as a capture on the loopback interface
//! shows it (Linux gives loopback frames an Ethernet header with zero
//! addresses), so every layer's tests slice their own header out of the
//! same bytes. The checksums are the real ones; a test that flips a byte
//! must see them fail.

use core::ops::Range;

/// A TCP SYN from 127.0.0.1:54321 to 127.0.0.1:5222 (XMPP client port),
/// with the options Linux sends: MSS, SACK-permitted, timestamps, NOP,
/// window scale.
pub(crate) const SYN_FRAME: [u8; 74] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, // version 4, IHL 5 (20 bytes)
    0x00, // DSCP 0, ECN 0
    0x00, 0x3c, // total length 60
    0x3f, 0x2a, // identification 0x3f2a
    0x40, 0x00, // flags DF, fragment offset 0
    0x40, // TTL 64
    0x06, // protocol 6: TCP
    0xfd, 0x8f, // header checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    // ── TCP (40 bytes, no payload) ──
    0xd4, 0x31, // source port 54321
    0x14, 0x66, // destination port 5222
    0x5a, 0x1b, 0x2c, 0x3d, // sequence number 0x5a1b2c3d
    0x00, 0x00, 0x00, 0x00, // acknowledgment number 0
    0xa0, // data offset 10 (40 bytes), reserved 0
    0x02, // flags: SYN
    0xff, 0xd7, // window 65495
    0xaa, 0xb9, // checksum
    0x00, 0x00, // urgent pointer 0
    0x02, 0x04, 0xff, 0xd7, // option MSS (kind 2, length 4): 65495
    0x04, 0x02, // option SACK-permitted (kind 4, length 2)
    0x08, 0x0a, // option timestamps (kind 8, length 10)
    0x0a, 0x1b, 0x2c, 0x3d, //   TSval 0x0a1b2c3d
    0x00, 0x00, 0x00, 0x00, //   TSecr 0
    0x01, // option NOP (kind 1)
    0x03, 0x03, 0x07, // option window scale (kind 3, length 3): shift 7
];

/// Where each layer of [`SYN_FRAME`] starts and ends.
pub(crate) const SYN_IPV4: Range<usize> = 14..74;
/// The TCP segment inside [`SYN_FRAME`].
pub(crate) const SYN_TCP: Range<usize> = 34..74;

/// A UDP datagram "hello" from 127.0.0.1:40000 to 127.0.0.1:9999.
pub(crate) const HELLO_UDP_FRAME: [u8; 47] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, // version 4, IHL 5 (20 bytes)
    0x00, // DSCP 0, ECN 0
    0x00, 0x21, // total length 33
    0x1a, 0x2b, // identification 0x1a2b
    0x40, 0x00, // flags DF, fragment offset 0
    0x40, // TTL 64
    0x11, // protocol 17: UDP
    0x22, 0x9f, // header checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    // ── UDP (8 bytes + 5 bytes payload) ──
    0x9c, 0x40, // source port 40000
    0x27, 0x0f, // destination port 9999
    0x00, 0x0d, // length 13
    0xfa, 0xaf, // checksum
    b'h', b'e', b'l', b'l', b'o', // payload "hello"
];

/// The IPv4 packet inside [`HELLO_UDP_FRAME`].
pub(crate) const HELLO_IPV4: Range<usize> = 14..47;
/// The UDP datagram inside [`HELLO_UDP_FRAME`].
pub(crate) const HELLO_UDP: Range<usize> = 34..47;

/// An 802.1Q-tagged ARP request header: priority 5, VLAN 100.
pub(crate) const VLAN_ARP_FRAME: [u8; 22] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source 02:00:00:00:00:01
    0x81, 0x00, // TPID 0x8100: an 802.1Q tag follows
    0xa0, 0x64, // TCI: PCP 5, DEI 0, VID 100
    0x08, 0x06, // EtherType 0x0806: ARP
    0x00, 0x01, 0x08, 0x00, // start of the ARP payload (not parsed here)
];
