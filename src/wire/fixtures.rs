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

/// A TCP SYN from [::1]:54321 to [::1]:5222 with a Hop-by-Hop Options
/// header in front of it. Real SYNs carry no Hop-by-Hop header; this one is
/// built to show the extension-header chain, and holds only padding.
pub(crate) const IPV6_SYN_FRAME: [u8; 82] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x86, 0xdd, // EtherType 0x86dd: IPv6
    // ── IPv6 (40 bytes) ──
    0x60, 0x00, 0x12, 0x34, // version 6, traffic class 0, flow 0x01234
    0x00, 0x1c, // payload length 28 (8 Hop-by-Hop + 20 TCP)
    0x00, // next header 0: Hop-by-Hop Options
    0x40, // hop limit 64
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source ::1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination ::1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, //
    // ── Hop-by-Hop Options (8 bytes) ──
    0x06, // next header 6: TCP
    0x00, // Hdr Ext Len 0: (0 + 1) × 8 = 8 bytes
    0x01, 0x04, 0x00, 0x00, 0x00, 0x00, // option PadN, 4 bytes of data
    // ── TCP (20 bytes, no options, no payload) ──
    0xd4, 0x31, // source port 54321
    0x14, 0x66, // destination port 5222
    0x5a, 0x1b, 0x2c, 0x3d, // sequence number 0x5a1b2c3d
    0x00, 0x00, 0x00, 0x00, // acknowledgment number 0
    0x50, // data offset 5 (20 bytes), reserved 0
    0x02, // flags: SYN
    0xff, 0xff, // window 65535
    0x40, 0xf1, // checksum (IPv6 pseudo-header, length 20, next header 6)
    0x00, 0x00, // urgent pointer 0
];

/// The IPv6 packet inside [`IPV6_SYN_FRAME`].
pub(crate) const IPV6_SYN_IPV6: Range<usize> = 14..82;
/// The TCP segment inside [`IPV6_SYN_FRAME`], after the Hop-by-Hop header.
pub(crate) const IPV6_SYN_TCP: Range<usize> = 62..82;

/// An ARP request: who has 192.168.1.1? Tell 192.168.1.10
/// (02:00:00:00:00:01). As the sender captures it, before the card pads it
/// to 60 bytes.
pub(crate) const ARP_REQUEST_FRAME: [u8; 42] = [
    // ── Ethernet II (14 bytes) ──
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // destination: broadcast
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // source 02:00:00:00:00:01
    0x08, 0x06, // EtherType 0x0806: ARP
    // ── ARP (28 bytes) ──
    0x00, 0x01, // hardware type 1: Ethernet
    0x08, 0x00, // protocol type 0x0800: IPv4
    0x06, // hardware address length 6
    0x04, // protocol address length 4
    0x00, 0x01, // operation 1: request
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, // sender MAC 02:00:00:00:00:01
    0xc0, 0xa8, 0x01, 0x0a, // sender IP 192.168.1.10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // target MAC: unknown, zero
    0xc0, 0xa8, 0x01, 0x01, // target IP 192.168.1.1
];

/// The ARP packet inside [`ARP_REQUEST_FRAME`].
pub(crate) const ARP_REQUEST_ARP: Range<usize> = 14..42;

/// A ping: ICMP echo request from 127.0.0.1 to 127.0.0.1, identifier
/// 0x1234, sequence 1, data "ping".
pub(crate) const ICMP_ECHO_FRAME: [u8; 46] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, // version 4, IHL 5 (20 bytes)
    0x00, // DSCP 0, ECN 0
    0x00, 0x20, // total length 32
    0x2a, 0x2a, // identification 0x2a2a
    0x40, 0x00, // flags DF, fragment offset 0
    0x40, // TTL 64
    0x01, // protocol 1: ICMP
    0x12, 0xb1, // header checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    // ── ICMP (8 bytes + 4 bytes data) ──
    0x08, // type 8: echo request
    0x00, // code 0
    0x06, 0xfa, // checksum
    0x12, 0x34, // identifier 0x1234
    0x00, 0x01, // sequence number 1
    b'p', b'i', b'n', b'g', // data "ping"
];

/// The ICMP message inside [`ICMP_ECHO_FRAME`].
pub(crate) const ICMP_ECHO_ICMP: Range<usize> = 34..46;

/// ICMP destination unreachable, port unreachable: the answer to
/// [`HELLO_UDP_FRAME`] when nothing listens on port 9999. Like Linux, it
/// quotes the whole original datagram (RFC 792 asks for only the IP header
/// and 8 bytes; RFC 1812 § 4.3.2.3 allows up to 576 bytes in all).
pub(crate) const ICMP_PORT_UNREACHABLE_FRAME: [u8; 75] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, // version 4, IHL 5 (20 bytes)
    0xc0, // DSCP 48 (CS6, network control), ECN 0
    0x00, 0x3d, // total length 61
    0x3b, 0x3b, // identification 0x3b3b
    0x00, 0x00, // no flags, fragment offset 0
    0x40, // TTL 64
    0x01, // protocol 1: ICMP
    0x40, 0xc3, // header checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    // ── ICMP (8 bytes + 33 bytes quoted) ──
    0x03, // type 3: destination unreachable
    0x03, // code 3: port unreachable
    0xfb, 0x1d, // checksum
    0x00, 0x00, 0x00, 0x00, // unused, zero
    // ── quoted: the IPv4 packet of HELLO_UDP_FRAME ──
    0x45, 0x00, 0x00, 0x21, // version 4, IHL 5, total length 33
    0x1a, 0x2b, 0x40, 0x00, // identification 0x1a2b, DF
    0x40, 0x11, 0x22, 0x9f, // TTL 64, protocol 17: UDP, checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    0x9c, 0x40, 0x27, 0x0f, // UDP ports 40000 → 9999
    0x00, 0x0d, 0xfa, 0xaf, // UDP length 13, checksum
    b'h', b'e', b'l', b'l', b'o', // payload "hello"
];

/// The ICMP message inside [`ICMP_PORT_UNREACHABLE_FRAME`].
pub(crate) const ICMP_PORT_UNREACHABLE_ICMP: Range<usize> = 34..75;
/// The quoted original datagram inside [`ICMP_PORT_UNREACHABLE_FRAME`].
pub(crate) const ICMP_PORT_UNREACHABLE_QUOTED: Range<usize> = 42..75;

/// A ping over IPv6: ICMPv6 echo request from ::1 to ::1, identifier
/// 0x1234, sequence 1, data "ping".
pub(crate) const ICMPV6_ECHO_FRAME: [u8; 66] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x86, 0xdd, // EtherType 0x86dd: IPv6
    // ── IPv6 (40 bytes) ──
    0x60, 0x00, 0x00, 0x00, // version 6, traffic class 0, flow label 0
    0x00, 0x0c, // payload length 12
    0x3a, // next header 58: ICMPv6
    0x40, // hop limit 64
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source ::1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, //
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination ::1
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, //
    // ── ICMPv6 (8 bytes + 4 bytes data) ──
    0x80, // type 128: echo request
    0x00, // code 0
    0x8e,
    0xb1, // checksum (IPv6 pseudo-header, length 12, next header 58)
    0x12, 0x34, // identifier 0x1234
    0x00, 0x01, // sequence number 1
    b'p', b'i', b'n', b'g', // data "ping"
];

/// The IPv6 packet inside [`ICMPV6_ECHO_FRAME`].
pub(crate) const ICMPV6_ECHO_IPV6: Range<usize> = 14..66;
/// The ICMPv6 message inside [`ICMPV6_ECHO_FRAME`].
pub(crate) const ICMPV6_ECHO_ICMP: Range<usize> = 54..66;

/// A DNS query from 127.0.0.1:40001 to the stub resolver at
/// 127.0.0.53:53: where is the XMPP client service of example.org?
/// (`_xmpp-client._tcp.example.org`, type SRV, RFC 6120 § 3.2.1).
pub(crate) const DNS_SRV_QUERY_FRAME: [u8; 89] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, 0x00, 0x00, 0x4b, // version 4, IHL 5, total length 75
    0x4c, 0x4c, 0x40, 0x00, // identification 0x4c4c, DF
    0x40, 0x11, 0xf0, 0x1f, // TTL 64, protocol 17: UDP, checksum
    0x7f, 0x00, 0x00, 0x01, // source 127.0.0.1
    0x7f, 0x00, 0x00, 0x35, // destination 127.0.0.53
    // ── UDP (8 bytes) ──
    0x9c, 0x41, 0x00, 0x35, // ports 40001 → 53
    0x00, 0x37, 0x2c, 0xd3, // length 55, checksum
    // ── DNS header (12 bytes) ──  message offset 0
    0x1a, 0x2b, // ID 0x1a2b
    0x01, 0x00, // QR 0 (query), opcode 0, RD 1
    0x00, 0x01, // QDCOUNT 1
    0x00, 0x00, // ANCOUNT 0
    0x00, 0x00, // NSCOUNT 0
    0x00, 0x00, // ARCOUNT 0
    // ── question ──  offset 12
    0x0c, b'_', b'x', b'm', b'p', b'p', b'-', // label "_xmpp-client"
    b'c', b'l', b'i', b'e', b'n', b't', //
    0x04, b'_', b't', b'c', b'p', // offset 25: label "_tcp"
    0x07, b'e', b'x', b'a', b'm', b'p', b'l',
    b'e', // offset 30: "example"
    0x03, b'o', b'r', b'g', // offset 38: label "org"
    0x00, // offset 42: the root, end of name
    0x00, 0x21, // QTYPE 33: SRV
    0x00, 0x01, // QCLASS 1: IN
];

/// The DNS message inside [`DNS_SRV_QUERY_FRAME`].
pub(crate) const DNS_SRV_QUERY_DNS: Range<usize> = 42..89;

/// The answer to [`DNS_SRV_QUERY_FRAME`]: connect to xmpp.example.org port
/// 5222, which is 192.0.2.10 and 2001:db8::10. Record names are
/// compression pointers to earlier bytes (RFC 1035 § 4.1.4); the SRV
/// target is written out, because RFC 2782 forbids compressing it.
pub(crate) const DNS_SRV_RESPONSE_FRAME: [u8; 169] = [
    // ── Ethernet II (14 bytes) ──
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // destination 00:00:00:00:00:00
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // source 00:00:00:00:00:00
    0x08, 0x00, // EtherType 0x0800: IPv4
    // ── IPv4 (20 bytes) ──
    0x45, 0x00, 0x00, 0x9b, // version 4, IHL 5, total length 155
    0x5d, 0x5d, 0x40, 0x00, // identification 0x5d5d, DF
    0x40, 0x11, 0xde, 0xbe, // TTL 64, protocol 17: UDP, checksum
    0x7f, 0x00, 0x00, 0x35, // source 127.0.0.53
    0x7f, 0x00, 0x00, 0x01, // destination 127.0.0.1
    // ── UDP (8 bytes) ──
    0x00, 0x35, 0x9c, 0x41, // ports 53 → 40001
    0x00, 0x87, 0x33, 0x12, // length 135, checksum
    // ── DNS header (12 bytes) ──  message offset 0
    0x1a, 0x2b, // ID 0x1a2b, the query's
    0x81, 0x80, // QR 1 (response), opcode 0, RD 1, RA 1, RCODE 0
    0x00, 0x01, // QDCOUNT 1
    0x00, 0x01, // ANCOUNT 1
    0x00, 0x00, // NSCOUNT 0
    0x00, 0x02, // ARCOUNT 2
    // ── question, repeated from the query ──  offset 12
    0x0c, b'_', b'x', b'm', b'p', b'p', b'-', // label "_xmpp-client"
    b'c', b'l', b'i', b'e', b'n', b't', //
    0x04, b'_', b't', b'c', b'p', // offset 25: label "_tcp"
    0x07, b'e', b'x', b'a', b'm', b'p', b'l',
    b'e', // offset 30: "example"
    0x03, b'o', b'r', b'g', // offset 38: label "org"
    0x00, // offset 42: the root
    0x00, 0x21, 0x00, 0x01, // QTYPE 33: SRV, QCLASS 1: IN
    // ── answer ──  offset 47
    0xc0,
    0x0c, // name: pointer to offset 12, _xmpp-client._tcp.example.org
    0x00, 0x21, 0x00, 0x01, // TYPE 33: SRV, CLASS 1: IN
    0x00, 0x00, 0x01, 0x2c, // TTL 300 seconds
    0x00, 0x18, // RDLENGTH 24
    0x00, 0x00, // priority 0
    0x00, 0x05, // weight 5
    0x14, 0x66, // port 5222
    0x04, b'x', b'm', b'p', b'p', // offset 65: target, label "xmpp"
    0x07, b'e', b'x', b'a', b'm', b'p', b'l', b'e', // label "example"
    0x03, b'o', b'r', b'g', 0x00, // label "org", the root
    // ── additional 1 ──  offset 83
    0xc0, 0x41, // name: pointer to offset 65, xmpp.example.org
    0x00, 0x01, 0x00, 0x01, // TYPE 1: A, CLASS 1: IN
    0x00, 0x00, 0x01, 0x2c, // TTL 300
    0x00, 0x04, // RDLENGTH 4
    0xc0, 0x00, 0x02, 0x0a, // 192.0.2.10
    // ── additional 2 ──  offset 99
    0xc0, 0x41, // name: pointer to offset 65, xmpp.example.org
    0x00, 0x1c, 0x00, 0x01, // TYPE 28: AAAA, CLASS 1: IN
    0x00, 0x00, 0x01, 0x2c, // TTL 300
    0x00, 0x10, // RDLENGTH 16
    0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, // 2001:db8::10
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, //
];

/// The DNS message inside [`DNS_SRV_RESPONSE_FRAME`].
pub(crate) const DNS_SRV_RESPONSE_DNS: Range<usize> = 42..169;

/// A hostile DNS message (no frame around it): the question's name is a
/// pointer *forwards*, to offset 18, past its own start at 12. Forward
/// pointers are how loops are built, so they are refused.
pub(crate) const DNS_FORWARD_POINTER: [u8; 21] = [
    0x00, 0x01, 0x01, 0x00, // ID 1, RD
    0x00, 0x01, 0x00, 0x00, // QDCOUNT 1, ANCOUNT 0
    0x00, 0x00, 0x00, 0x00, // NSCOUNT 0, ARCOUNT 0
    0xc0, 0x12, // offset 12: name = pointer to offset 18 (forwards)
    0x00, 0x01, 0x00, 0x01, // QTYPE A, QCLASS IN
    0x01, b'a', 0x00, // offset 18: the name "a"
];

/// A hostile DNS message (no frame around it): the question's name is a
/// pointer to itself. A parser that follows it loops forever.
pub(crate) const DNS_SELF_POINTER: [u8; 18] = [
    0x00, 0x02, 0x01, 0x00, // ID 2, RD
    0x00, 0x01, 0x00, 0x00, // QDCOUNT 1, ANCOUNT 0
    0x00, 0x00, 0x00, 0x00, // NSCOUNT 0, ARCOUNT 0
    0xc0, 0x0c, // offset 12: name = pointer to offset 12, itself
    0x00, 0x01, 0x00, 0x01, // QTYPE A, QCLASS IN
];
