//! netlab's dissector against tshark's, field by field.
//!
//! tshark (Wireshark's command-line dissector) is the reference: decades of
//! real traffic have shaped it, so when `netlab dissect --json` and tshark
//! read the same capture, every header field that both of them show must
//! have the same value: frame lengths, MAC, IPv4, IPv6 and ARP addresses,
//! ports, raw sequence and acknowledgment numbers, TCP flags (as a whole
//! and bit by bit), header and payload lengths, checksums as found, TCP
//! options, ICMP and ICMPv6 echo identifiers, and DNS ids, flags, counts,
//! names (compression pointers followed), types, TTLs and record data.
//!
//! The captures are made by the test:
//!
//! - **built**: frames assembled with netlab's own `wire` emitters (the DNS
//!   response by hand, with compression pointers, because `dns::Repr::emit`
//!   writes queries only) and written with [`PcapNgWriter`]: a TCP
//!   handshake with options, data with PSH,ACK, a padded FIN, an ECN SYN,
//!   a SYN with an option of unknown kind and one with non-zero bytes
//!   after its EOL,
//!   TCP over IPv6, DNS over TCP, UDP with IPv4 options, a VLAN-tagged
//!   datagram, a Q-in-Q one (S-TAG 0x88a8 over C-TAG 0x8100, which tshark
//!   calls `ieee8021ad` and `vlan`), an old Q-in-Q one (TPID 0x9100,
//!   which tshark reads as `vlan`), three stacked 0x8100 tags, a DNS query and response, an ICMP echo request, an ICMPv6
//!   echo reply, ICMP and ICMPv6 errors quoting the packet that caused
//!   them (IPv4 + UDP, IPv4 + 8 bytes of TCP, IPv4 + a whole TCP header,
//!   IPv6 + UDP, IPv6 + 8 bytes of TCP: tshark shows the quoted fields as
//!   second occurrences, `-E occurrence=a` keeps them all, in order) and
//!   an ARP request (and ARP with IEEE 802 and InfiniBand hardware, and
//!   with IPv6 protocol addresses), an ICMPv6 neighbour solicitation and advertisement
//!   with link-layer address options, IEEE 802.3 frames with an 802.2
//!   LLC header (a spanning tree BPDU, an information frame, IPv4 over
//!   SNAP, Cisco's SNAP); then frames cut by a snap length (after the TCP
//!   header, inside it, inside an IPv6 header) and an ICMP error whose
//!   quote ends inside the quoted IPv4 header: both tools show the fields
//!   whose bytes are there.
//! - **yours**, if `NETLAB_TSHARK_CAPTURES` lists capture files (separated
//!   like PATH): e.g. `../shared/bench/gen_pcap.py`'s mixed captures.
//! - **live** (only as root, which capture needs): `netlab handshake
//!   --pcap` records a real connection on `lo`, so the frames come from the
//!   kernel, checksums left to "offload" and all.
//!
//! Each capture goes through `netlab dissect FILE --json` and through
//! `tshark -T fields` (no name resolution, no relative sequence numbers, no
//! reassembly). Both sides are brought to one representation (numbers in
//! decimal, booleans as 1 and 0, DNS names without the final dot) and
//! compared; netlab's JSON is typed (`schemas/dissect.schema.json`), so
//! its side is read key by key, with no text to pick apart. A field shown
//! by one tool and not by the other is a mismatch too. Where netlab
//! differs on purpose, [`ON_PURPOSE`] says why, frame by frame. Any mismatch fails the test with a table: frame, field, netlab's
//! value, tshark's value. A disagreement that is a known netlab bug is
//! listed in [`KNOWN_BUGS`], naming the bug; an entry that no longer
//! matches anything fails the test, so the list cannot go stale.
//!
//! Without tshark on PATH the test says so and passes: `scripts/test.sh`
//! (run by `.ci/run`) installs it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use netlab::capture::file::PcapNgWriter;
use netlab::capture::{Frame, LinkType};
use netlab::wire::arp;
use netlab::wire::dns::{self, RecordType};
use netlab::wire::ethernet::{self, EtherType, MacAddr, VlanTag};
use netlab::wire::icmpv4::{self, Message};
use netlab::wire::icmpv6;
use netlab::wire::ipv4::{self, IpProtocol};
use netlab::wire::ipv6::{self, NextHeader};
use netlab::wire::tcp::{self, Flags, TcpOption};
use netlab::wire::udp;
use serde::Deserialize;
use serde_json::Value as Json;

/// How a field's value is written, and so how both sides are normalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A number, decimal or `0x` hex: compared as decimal.
    Num,
    /// A number shown in hex with this many digits: flags, checksums,
    /// identifiers.
    Hex(usize),
    /// A boolean: `1`/`0` (tshark also writes `True`/`False`).
    Bool,
    /// An IPv4 or IPv6 address: compared in its canonical text form.
    Addr,
    /// A MAC address: compared in lower case.
    Mac,
    /// A DNS name: without the final dot, the root as `.`.
    Name,
    /// Text compared as it is.
    Text,
}

use Kind::{Addr, Bool, Hex, Mac, Name, Num, Text};

/// The tshark fields compared, in the order tshark is asked for them.
const FIELDS: &[(&str, Kind)] = &[
    ("frame.number", Num),
    ("frame.len", Num),
    ("frame.cap_len", Num),
    ("eth.dst", Mac),
    ("eth.src", Mac),
    ("eth.type", Hex(4)),
    ("vlan.priority", Num),
    ("vlan.id", Num),
    ("vlan.dei", Bool),
    ("vlan.etype", Hex(4)),
    ("eth.len", Num),
    ("llc.dsap", Hex(2)),
    ("llc.ssap", Hex(2)),
    ("llc.control", Hex(4)),
    ("llc.oui", Num),
    ("llc.type", Hex(4)),
    ("llc.cisco_pid", Hex(4)),
    ("ieee8021ad.priority", Num),
    ("ieee8021ad.id", Num),
    ("ieee8021ad.dei", Bool),
    ("arp.hw.type", Num),
    ("arp.proto.type", Hex(4)),
    ("arp.opcode", Num),
    ("arp.src.hw_mac", Mac),
    ("arp.src.proto_ipv4", Addr),
    ("arp.dst.hw_mac", Mac),
    ("arp.dst.proto_ipv4", Addr),
    ("arp.src.hw", Text),
    ("arp.src.proto", Text),
    ("arp.dst.hw", Text),
    ("arp.dst.proto", Text),
    ("ip.hdr_len", Num),
    ("ip.dsfield.dscp", Num),
    ("ip.dsfield.ecn", Num),
    ("ip.len", Num),
    ("ip.id", Hex(4)),
    ("ip.flags.rb", Bool),
    ("ip.flags.df", Bool),
    ("ip.flags.mf", Bool),
    ("ip.frag_offset", Num),
    ("ip.ttl", Num),
    ("ip.proto", Num),
    ("ip.checksum", Hex(4)),
    ("ip.src", Addr),
    ("ip.dst", Addr),
    ("ipv6.tclass", Hex(2)),
    ("ipv6.tclass.dscp", Num),
    ("ipv6.tclass.ecn", Num),
    ("ipv6.flow", Hex(5)),
    ("ipv6.plen", Num),
    ("ipv6.nxt", Num),
    ("ipv6.hlim", Num),
    ("ipv6.src", Addr),
    ("ipv6.dst", Addr),
    ("icmp.type", Num),
    ("icmp.code", Num),
    ("icmp.checksum", Hex(4)),
    ("icmp.ident", Num),
    ("icmp.seq", Num),
    ("icmpv6.type", Num),
    ("icmpv6.code", Num),
    ("icmpv6.checksum", Hex(4)),
    ("icmpv6.echo.identifier", Num),
    ("icmpv6.echo.sequence_number", Num),
    ("icmpv6.nd.ns.target_address", Addr),
    ("icmpv6.nd.na.flag.r", Bool),
    ("icmpv6.nd.na.flag.s", Bool),
    ("icmpv6.nd.na.flag.o", Bool),
    ("icmpv6.nd.na.target_address", Addr),
    ("icmpv6.opt.type", Num),
    ("icmpv6.opt.length", Num),
    ("icmpv6.opt.linkaddr", Mac),
    ("tcp.srcport", Num),
    ("tcp.dstport", Num),
    ("tcp.seq", Num),
    ("tcp.seq_raw", Num),
    ("tcp.ack_raw", Num),
    ("tcp.hdr_len", Num),
    ("tcp.flags", Hex(3)),
    ("tcp.flags.cwr", Bool),
    ("tcp.flags.ece", Bool),
    ("tcp.flags.urg", Bool),
    ("tcp.flags.ack", Bool),
    ("tcp.flags.push", Bool),
    ("tcp.flags.reset", Bool),
    ("tcp.flags.syn", Bool),
    ("tcp.flags.fin", Bool),
    ("tcp.window_size_value", Num),
    ("tcp.checksum", Hex(4)),
    ("tcp.urgent_pointer", Num),
    ("tcp.len", Num),
    ("tcp.option_kind", Num),
    ("tcp.options.mss_val", Num),
    ("tcp.options.wscale.shift", Num),
    ("tcp.options.timestamp.tsval", Num),
    ("tcp.options.timestamp.tsecr", Num),
    ("udp.srcport", Num),
    ("udp.dstport", Num),
    ("udp.length", Num),
    ("udp.checksum", Hex(4)),
    ("dns.id", Hex(4)),
    ("dns.flags", Hex(4)),
    ("dns.flags.response", Bool),
    ("dns.flags.opcode", Num),
    ("dns.flags.authoritative", Bool),
    ("dns.flags.truncated", Bool),
    ("dns.flags.recdesired", Bool),
    ("dns.flags.recavail", Bool),
    ("dns.flags.z", Bool),
    ("dns.flags.authenticated", Bool),
    ("dns.flags.checkdisable", Bool),
    ("dns.flags.rcode", Num),
    ("dns.count.queries", Num),
    ("dns.count.answers", Num),
    ("dns.count.auth_rr", Num),
    ("dns.count.add_rr", Num),
    ("dns.qry.name", Name),
    ("dns.qry.type", Num),
    ("dns.qry.class", Num),
    ("dns.resp.name", Name),
    ("dns.resp.type", Num),
    ("dns.resp.class", Num),
    ("dns.resp.ttl", Num),
    ("dns.a", Addr),
    ("dns.srv.service", Text),
    ("dns.srv.proto", Text),
    ("dns.srv.name", Name),
    ("dns.srv.priority", Num),
    ("dns.srv.weight", Num),
    ("dns.srv.port", Num),
    ("dns.srv.target", Name),
];

/// Disagreements that are bugs in netlab, skipped until fixed: (capture,
/// frame number or `None` for every frame, tshark field, the bug).
const KNOWN_BUGS: &[(&str, Option<u64>, &str, &str)] = &[];

/// Disagreements that are netlab's choice, not a bug: (capture, the
/// built frame's comment, tshark field, why). Checked like
/// [`KNOWN_BUGS`]: an entry that matches nothing fails the test.
const ON_PURPOSE: &[(&str, &str, &str, &str)] = &[(
    "built",
    "ICMPv6 packet too big, quoting IPv6 + 8 bytes of TCP",
    "tcp.seq",
    "the 8 bytes of TCP an ICMPv6 error quotes hold the sequence number \
     (RFC 5927 § 4.1 checks it); netlab shows it, tshark shows it for a \
     quote in ICMP but not in ICMPv6",
)];

/// tshark separates the occurrences of a field that appears more than once
/// (DNS names, record types) with this.
const AGGREGATOR: char = '|';

#[test]
fn field_values_agree_with_tshark() {
    if !on_path("tshark") {
        eprintln!(
            "skipped: tshark not installed (scripts/test.sh installs it)"
        );
        return;
    }
    let dir = std::env::temp_dir()
        .join(format!("netlab-tshark-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make the temp dir");

    let mut mismatches = Vec::new();
    let mut compared = 0;

    let built = dir.join("built.pcapng");
    let frames = built_frames();
    assert!(frames.len() >= 10, "at least 10 frames");
    write_capture(&built, &frames);
    let labels: Vec<String> = frames
        .iter()
        .map(|f| f.comment.clone().unwrap_or_default())
        .collect();
    let report = compare("built", &built, &labels);
    // Every field of the list must have been compared somewhere, or the
    // frames do not exercise it (or a field name is wrong and both tools
    // are silently showing nothing).
    let unused: Vec<&str> = FIELDS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !report.seen.contains_key(name))
        .collect();
    assert!(
        unused.is_empty(),
        "fields that no built frame exercises: {unused:?}"
    );
    eprintln!(
        "built capture: {} frames, {} values compared",
        report.frames, report.compared
    );
    compared += report.compared;
    mismatches.extend(report.mismatches);

    // Captures of your own (NETLAB_TSHARK_CAPTURES=a.pcap:b.pcapng): the
    // same comparison, for traffic the built frames do not imitate.
    if let Some(paths) = std::env::var_os("NETLAB_TSHARK_CAPTURES") {
        for path in std::env::split_paths(&paths) {
            let report = compare("extra", &path, &[]);
            eprintln!(
                "{}: {} frames, {} values compared, {} disagree",
                path.display(),
                report.frames,
                report.compared,
                report.mismatches.len()
            );
            compared += report.compared;
            mismatches.extend(report.mismatches);
        }
    }

    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if root {
        let live = dir.join("live.pcapng");
        let out = Command::new(env!("CARGO_BIN_EXE_netlab"))
            .arg("handshake")
            .arg("--pcap")
            .arg(&live)
            .env("NO_COLOR", "1")
            .output()
            .expect("run netlab handshake");
        assert!(
            out.status.success(),
            "netlab handshake --pcap failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let report = compare("live", &live, &[]);
        assert!(report.frames >= 10, "a whole handshake, data and close");
        eprintln!(
            "live capture: {} frames, {} values compared",
            report.frames, report.compared
        );
        compared += report.compared;
        mismatches.extend(report.mismatches);
    } else {
        eprintln!("skipped: the live capture needs root (CAP_NET_RAW)");
    }

    // Known netlab bugs: skip exactly those comparisons, and say so.
    let mut used = vec![false; KNOWN_BUGS.len()];
    mismatches.retain(|m| {
        let bug = KNOWN_BUGS.iter().position(|(capture, frame, field, _)| {
            *capture == m.capture
                && frame.is_none_or(|n| n == m.frame)
                && *field == m.field
        });
        match bug {
            Some(i) => {
                used[i] = true;
                eprintln!(
                    "known netlab bug, skipped: {} frame {} {}: netlab {} \
                     tshark {} ({})",
                    m.capture,
                    m.frame,
                    m.field,
                    m.netlab,
                    m.tshark,
                    KNOWN_BUGS[i].3
                );
                false
            }
            None => true,
        }
    });
    let mut on_purpose_used = vec![false; ON_PURPOSE.len()];
    mismatches.retain(|m| {
        let why = ON_PURPOSE.iter().position(|(capture, label, field, _)| {
            *capture == m.capture && *label == m.label && *field == m.field
        });
        if let Some(i) = why {
            on_purpose_used[i] = true;
            eprintln!(
                "different on purpose: {} frame {} {}: netlab {} tshark {} \
                 ({})",
                m.capture,
                m.frame,
                m.field,
                m.netlab,
                m.tshark,
                ON_PURPOSE[i].3
            );
        }
        why.is_none()
    });
    // An entry for the live capture cannot match when it did not run.
    let stale: Vec<String> = KNOWN_BUGS
        .iter()
        .zip(&used)
        .filter(|((capture, ..), used)| !**used && (root || *capture != "live"))
        .map(|(bug, _)| format!("{bug:?}"))
        .chain(
            ON_PURPOSE
                .iter()
                .zip(&on_purpose_used)
                .filter(|(_, used)| !**used)
                .map(|(entry, _)| format!("{entry:?}")),
        )
        .collect();

    assert!(
        mismatches.is_empty(),
        "netlab and tshark disagree on {} of {compared} values (captures \
         kept in {}):\n{}",
        mismatches.len(),
        dir.display(),
        table(&mismatches)
    );
    assert!(
        stale.is_empty(),
        "KNOWN_BUGS entries that no longer match a disagreement (fixed? \
         remove them): {stale:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Whether `program` is an executable file in a directory of PATH.
fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            std::fs::metadata(dir.join(program))
                .is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0)
        })
    })
}

// ---------------------------------------------------------------------------
// The built capture
// ---------------------------------------------------------------------------

const CLIENT_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x02]);
const ROUTER_MAC: MacAddr = MacAddr([0x02, 0x00, 0x5e, 0x10, 0x00, 0x01]);
const CLIENT: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);
const ROUTER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const RESOLVER: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 53);
const SERVER: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);
const CLIENT6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x2);
const SERVER6: Ipv6Addr =
    Ipv6Addr::new(0x2001, 0xdb8, 0xa, 0, 0, 0, 0xbeef, 0x10);

/// The frames of the built capture, each with a comment saying what it is.
fn built_frames() -> Vec<Frame> {
    let (c, s) = (IpAddr::V4(CLIENT), IpAddr::V4(SERVER));
    let isn_c: u32 = 0x1a2b_3c4d;
    let isn_s: u32 = 0xfedc_ba98;
    let hello: &[u8] = b"<stream:stream to='example.org' \
        xmlns='jabber:client' version='1.0'>";
    let mut list: Vec<(&str, Vec<u8>)> = Vec::new();

    let syn = tcp_repr(49200, 5222, isn_c, 0, Flags::SYN, 64240, syn_options());
    list.push((
        "SYN with options",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d2e, 64),
            &tcp_segment(&syn, &[], c, s),
        ),
    ));
    let syn_ack = tcp_repr(
        5222,
        49200,
        isn_s,
        isn_c.wrapping_add(1),
        Flags::SYN | Flags::ACK,
        65160,
        vec![
            TcpOption::MaxSegmentSize(1400),
            TcpOption::NoOp,
            TcpOption::WindowScale(8),
        ],
    );
    list.push((
        "SYN,ACK",
        eth_ipv4_rev(
            ipv4_repr(SERVER, CLIENT, IpProtocol::Tcp, 0, 52),
            &tcp_segment(&syn_ack, &[], s, c),
        ),
    ));
    let data = tcp_repr(
        49200,
        5222,
        isn_c.wrapping_add(1),
        isn_s.wrapping_add(1),
        Flags::PSH | Flags::ACK,
        502,
        Vec::new(),
    );
    list.push((
        "data, PSH,ACK",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d2f, 64),
            &tcp_segment(&data, hello, c, s),
        ),
    ));
    let fin = tcp_repr(
        49200,
        5222,
        isn_c.wrapping_add(1 + hello.len() as u32),
        isn_s.wrapping_add(1),
        Flags::FIN | Flags::ACK,
        502,
        Vec::new(),
    );
    list.push((
        "FIN,ACK (Ethernet padding)",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d30, 64),
            &tcp_segment(&fin, &[], c, s),
        ),
    ));
    let ecn_syn = tcp_repr(
        49201,
        443,
        0x8000_0000,
        0,
        Flags::SYN | Flags::ECE | Flags::CWR,
        29200,
        vec![TcpOption::MaxSegmentSize(1460)],
    );
    list.push((
        "ECN setup SYN (SYN,ECE,CWR)",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d31, 64),
            &tcp_segment(&ecn_syn, &[], c, s),
        ),
    ));

    // An option of a kind neither tool knows (253, RFC 4727's
    // experimental kind) with its length, and the list closed by an EOL
    // that ends the header exactly.
    let unknown_syn = tcp_repr(
        49202,
        80,
        7,
        0,
        Flags::SYN,
        64240,
        vec![
            TcpOption::MaxSegmentSize(1460),
            TcpOption::Unknown {
                kind: 253,
                data: vec![0xaa, 0xbb],
            },
            TcpOption::NoOp,
            TcpOption::NoOp,
            TcpOption::NoOp,
            TcpOption::EndOfList,
        ],
    );
    list.push((
        "SYN with an unknown option kind 253 and an EOL",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d32, 64),
            &tcp_segment(&unknown_syn, &[], c, s),
        ),
    ));
    // EOL followed by bytes that are not zero padding (MUST-69 broken by
    // the sender): both tools show the options up to the EOL and stop.
    // The three bytes 01 ff fe add 0x0001 + 0xfffe = 0xffff, which is
    // zero to the ones' complement checksum, so it stays right.
    let eol_syn = tcp_repr(
        49203,
        80,
        8,
        0,
        Flags::SYN,
        64240,
        vec![
            TcpOption::MaxSegmentSize(1460),
            TcpOption::Unknown {
                kind: 253,
                data: vec![0xaa, 0xbb],
            },
            TcpOption::EndOfList,
        ],
    );
    let mut segment = tcp_segment(&eol_syn, &[], c, s);
    segment[29..32].copy_from_slice(&[0x01, 0xff, 0xfe]);
    list.push((
        "SYN with bytes other than zero after the EOL",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x4d33, 64),
            &segment,
        ),
    ));

    // TCP over IPv6, sequence numbers about to wrap.
    let (c6, s6) = (IpAddr::V6(CLIENT6), IpAddr::V6(SERVER6));
    let data6 = tcp_repr(
        50000,
        5223,
        0xffff_fff0,
        0x0000_0100,
        Flags::PSH | Flags::ACK,
        1024,
        vec![
            TcpOption::NoOp,
            TcpOption::NoOp,
            TcpOption::Timestamps {
                value: 4_000_000_000,
                echo_reply: 123_456,
            },
        ],
    );
    list.push((
        "IPv6 TCP data",
        eth_ipv6(
            ipv6_repr(CLIENT6, SERVER6, IpProtocol::Tcp, 0x12345),
            &tcp_segment(&data6, b"<presence/>", c6, s6),
        ),
    ));

    // DNS over TCP over IPv6: the message behind a 2-byte length.
    let query6 = dns_query(0x0102, "xmpp.example.org", RecordType::Aaaa);
    let mut stream = (query6.len() as u16).to_be_bytes().to_vec();
    stream.extend_from_slice(&query6);
    let dns_tcp = tcp_repr(
        50001,
        53,
        77,
        9001,
        Flags::PSH | Flags::ACK,
        512,
        Vec::new(),
    );
    list.push((
        "DNS query over TCP over IPv6",
        eth_ipv6(
            ipv6_repr(CLIENT6, SERVER6, IpProtocol::Tcp, 0),
            &tcp_segment(&dns_tcp, &stream, c6, s6),
        ),
    ));

    // UDP in an IPv4 header with options (IHL 6): NOP, NOP, NOP, EOL.
    let mut ip = ipv4_repr(CLIENT, SERVER, IpProtocol::Udp, 0x0777, 17);
    ip.options = vec![1, 1, 1, 0];
    ip.dont_fragment = false;
    ip.dscp = 46;
    list.push((
        "UDP, IPv4 options",
        eth_ipv4(ip, &udp_datagram(40000, 9999, b"ping over udp", c, s)),
    ));

    // A VLAN-tagged datagram.
    let ip = ipv4_repr(CLIENT, SERVER, IpProtocol::Udp, 0x0778, 63);
    let datagram = udp_datagram(40001, 10000, b"tagged", c, s);
    list.push((
        "802.1Q VLAN 100, UDP",
        ethernet_frame(
            ROUTER_MAC,
            CLIENT_MAC,
            &[VlanTag {
                tpid: EtherType::Vlan,
                pcp: 3,
                dei: false,
                vid: 100,
            }],
            EtherType::Ipv4,
            &ipv4_packet(&ip, &datagram),
        ),
    ));

    // Q-in-Q: a provider's S-TAG (TPID 0x88a8, VLAN 200) over the
    // customer's C-TAG (0x8100, VLAN 100, priority 5, DEI set).
    let tag = |tpid, pcp, dei, vid| VlanTag {
        tpid,
        pcp,
        dei,
        vid,
    };
    let ip = ipv4_repr(CLIENT, SERVER, IpProtocol::Udp, 0x0779, 63);
    let datagram = udp_datagram(40002, 10000, b"q-in-q", c, s);
    list.push((
        "Q-in-Q: 802.1ad S-TAG 200 over 802.1Q C-TAG 100, UDP",
        ethernet_frame(
            ROUTER_MAC,
            CLIENT_MAC,
            &[
                tag(EtherType::ServiceVlan, 0, false, 200),
                tag(EtherType::Vlan, 5, true, 100),
            ],
            EtherType::Ipv4,
            &ipv4_packet(&ip, &datagram),
        ),
    ));
    // The S-TAG's TPID before 802.1ad, 0x9100: tshark reads it as `vlan`.
    list.push((
        "old Q-in-Q: TPID 0x9100 VID 300 over 802.1Q VID 100, UDP",
        ethernet_frame(
            ROUTER_MAC,
            CLIENT_MAC,
            &[
                tag(EtherType::OldQinQ, 3, false, 300),
                tag(EtherType::Vlan, 5, true, 100),
            ],
            EtherType::Ipv4,
            &ipv4_packet(&ip, &datagram),
        ),
    ));
    // Three 0x8100 tags stacked, then IPv6.
    let (c6, s6) = (IpAddr::V6(CLIENT6), IpAddr::V6(SERVER6));
    list.push((
        "three stacked 802.1Q tags, IPv6 UDP",
        ethernet_frame(
            ROUTER_MAC,
            CLIENT_MAC,
            &[
                tag(EtherType::Vlan, 1, false, 10),
                tag(EtherType::Vlan, 0, false, 20),
                tag(EtherType::Vlan, 7, false, 4094),
            ],
            EtherType::Ipv6,
            &ipv6_packet(
                ipv6_repr(CLIENT6, SERVER6, IpProtocol::Udp, 0x00005),
                &udp_datagram(40003, 10001, b"three tags", c6, s6),
            ),
        ),
    ));

    // DNS: the SRV query, and an answer with compressed names.
    let r = IpAddr::V4(RESOLVER);
    let query =
        dns_query(0xbeef, "_xmpp-client._tcp.example.org", RecordType::Srv);
    list.push((
        "DNS query (SRV)",
        eth_ipv4(
            ipv4_repr(CLIENT, RESOLVER, IpProtocol::Udp, 0x0779, 64),
            &udp_datagram(53535, 53, &query, c, r),
        ),
    ));
    list.push((
        "DNS response, compressed names",
        eth_ipv4_rev(
            ipv4_repr(RESOLVER, CLIENT, IpProtocol::Udp, 0x1111, 64),
            &udp_datagram(53, 53535, &dns_response(0xbeef), r, c),
        ),
    ));

    // ICMP echo request.
    let echo = icmpv4::Repr {
        message: Message::EchoRequest {
            identifier: 0x4242,
            sequence: 7,
        },
        checksum: 0,
        checksum_ok: true,
    };
    let mut message = vec![0u8; 8];
    message.extend((0u8..32).map(|i| b'a' + i % 26));
    echo.emit(&mut message).expect("emit ICMP");
    list.push((
        "ICMP echo request",
        eth_ipv4(
            ipv4_repr(CLIENT, SERVER, IpProtocol::Icmp, 0x077a, 64),
            &message,
        ),
    ));

    // ICMPv6 echo reply, with its identifier and sequence number.
    let echo6 = icmpv6::Repr {
        message: icmpv6::Message::EchoReply {
            identifier: 0x0bad,
            sequence: 513,
        },
        checksum: 0,
    };
    let mut message = vec![0u8; 8];
    message.extend_from_slice(b"ping6");
    echo6
        .emit(&mut message, SERVER6, CLIENT6)
        .expect("emit ICMPv6");
    list.push((
        "ICMPv6 echo reply",
        eth_ipv6(
            ipv6_repr(SERVER6, CLIENT6, IpProtocol::Icmpv6, 0x00777),
            &message,
        ),
    ));

    // Neighbour discovery (RFC 4861 § 4.3, § 4.4): the client asks the
    // solicited-node group who has the server's address, with its own
    // MAC in a source link-layer option; the server answers, solicited
    // and override set, with its MAC in a target link-layer option.
    let solicited_node = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 1, 0xffbe, 0xef10);
    for (label, kind, flags, option, src, dst) in [
        (
            "ICMPv6 neighbor solicitation",
            icmpv6::Ndp::NeighborSolicitation,
            0x00,
            [1, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x02],
            CLIENT6,
            solicited_node,
        ),
        (
            "ICMPv6 neighbor advertisement",
            icmpv6::Ndp::NeighborAdvertisement,
            0x60,
            [2, 1, 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01],
            SERVER6,
            CLIENT6,
        ),
    ] {
        let repr = icmpv6::Repr {
            message: icmpv6::Message::Ndp {
                kind,
                rest: [flags, 0, 0, 0],
            },
            checksum: 0,
        };
        let mut message = vec![0u8; 8];
        message.extend_from_slice(&SERVER6.octets());
        message.extend_from_slice(&option);
        repr.emit(&mut message, src, dst).expect("emit ICMPv6");
        list.push((
            label,
            eth_ipv6(ipv6_repr(src, dst, IpProtocol::Icmpv6, 0), &message),
        ));
    }

    // ICMP errors and the packet each quotes (RFC 792: its IP header and
    // first 8 bytes; RFC 4443 § 3.1: as much as fits in 1280 bytes).
    // tshark shows the quoted headers' fields as second occurrences.
    let probe = udp_datagram(40010, 33434, &[0x40; 24], c, s);
    let probe = ipv4_packet(
        &ipv4_repr(CLIENT, SERVER, IpProtocol::Udp, 0x0801, 3),
        &probe,
    );
    list.push((
        "ICMP port unreachable, quoting IPv4 + UDP",
        eth_ipv4_rev(
            ipv4_repr(SERVER, CLIENT, IpProtocol::Icmp, 0x0901, 61),
            &icmp_error(
                Message::DestinationUnreachable {
                    code: icmpv4::Unreachable::Port,
                    next_hop_mtu: 0,
                },
                &probe[..28],
            ),
        ),
    ));
    let syn_packet = ipv4_packet(
        &ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x0802, 1),
        &tcp_segment(&syn, &[], c, s),
    );
    list.push((
        "ICMP time exceeded, quoting IPv4 + 8 bytes of TCP",
        eth_ipv4_rev(
            ipv4_repr(ROUTER, CLIENT, IpProtocol::Icmp, 0x0902, 64),
            &icmp_error(
                Message::TimeExceeded {
                    code: icmpv4::TimeExceeded::TtlExceeded,
                },
                &syn_packet[..28],
            ),
        ),
    ));
    // traceroute -I: an echo request's TTL ran out; the router quotes
    // the IP header and the echo's first 8 bytes (type to sequence).
    let mut ping = vec![0u8; 8];
    ping.extend_from_slice(&[0x70; 56]);
    icmpv4::Repr {
        message: Message::EchoRequest {
            identifier: 0x7777,
            sequence: 3,
        },
        checksum: 0,
        checksum_ok: true,
    }
    .emit(&mut ping)
    .expect("emit ICMP");
    let ping = ipv4_packet(
        &ipv4_repr(CLIENT, SERVER, IpProtocol::Icmp, 0x0804, 2),
        &ping,
    );
    list.push((
        "ICMP time exceeded, quoting IPv4 + 8 bytes of an echo request",
        eth_ipv4_rev(
            ipv4_repr(ROUTER, CLIENT, IpProtocol::Icmp, 0x0904, 64),
            &icmp_error(
                Message::TimeExceeded {
                    code: icmpv4::TimeExceeded::TtlExceeded,
                },
                &ping[..28],
            ),
        ),
    ));
    // Linux routers quote up to 576 bytes (RFC 1812 § 4.3.2.3): the
    // whole TCP header and some data.
    let big = ipv4_packet(
        &ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x0803, 64),
        &tcp_segment(&data, &[0x61; 1400], c, s),
    );
    list.push((
        "ICMP fragmentation needed, quoting IPv4 + whole TCP header",
        eth_ipv4_rev(
            ipv4_repr(ROUTER, CLIENT, IpProtocol::Icmp, 0x0903, 64),
            &icmp_error(
                Message::DestinationUnreachable {
                    code: icmpv4::Unreachable::FragmentationNeeded,
                    next_hop_mtu: 1400,
                },
                &big[..120],
            ),
        ),
    ));
    let probe6 = ipv6_packet(
        ipv6_repr(CLIENT6, SERVER6, IpProtocol::Udp, 0x00001),
        &udp_datagram(40011, 33435, &[0x40; 16], c6, s6),
    );
    list.push((
        "ICMPv6 port unreachable, quoting IPv6 + UDP",
        eth_ipv6_rev(
            ipv6_repr(SERVER6, CLIENT6, IpProtocol::Icmpv6, 0x00002),
            &icmpv6_error(
                icmpv6::Message::DestinationUnreachable {
                    code: icmpv6::Unreachable::Port,
                },
                &probe6,
                SERVER6,
                CLIENT6,
            ),
        ),
    ));
    let tcp6 = ipv6_packet(
        ipv6_repr(CLIENT6, SERVER6, IpProtocol::Tcp, 0x00003),
        &tcp_segment(&data6, &[0x62; 1400], c6, s6),
    );
    list.push((
        "ICMPv6 packet too big, quoting IPv6 + 8 bytes of TCP",
        eth_ipv6_rev(
            ipv6_repr(SERVER6, CLIENT6, IpProtocol::Icmpv6, 0x00004),
            &icmpv6_error(
                icmpv6::Message::PacketTooBig { mtu: 1280 },
                &tcp6[..48],
                SERVER6,
                CLIENT6,
            ),
        ),
    ));

    // ARP: who has 10.0.0.1? (broadcast, padded to 60 bytes)
    let request = arp::Repr::request(CLIENT_MAC, CLIENT, ROUTER);
    let mut packet = vec![0u8; request.packet_len()];
    request.emit(&mut packet).expect("emit ARP");
    list.push((
        "ARP request",
        ethernet_frame(
            MacAddr([0xff; 6]),
            CLIENT_MAC,
            &[],
            EtherType::Arp,
            &packet,
        ),
    ));

    // ARP for other pairs of hardware and protocol (RFC 826): IEEE 802
    // hardware (6-byte MACs like Ethernet's), InfiniBand (20-byte
    // hardware addresses, shown as bytes; IPv4 still typed), Ethernet
    // with 16-byte protocol addresses (MACs typed, the rest as bytes).
    let mut ieee802 = vec![0, 6, 8, 0, 6, 4, 0, 1];
    ieee802.extend_from_slice(&CLIENT_MAC.0);
    ieee802.extend_from_slice(&CLIENT.octets());
    ieee802.extend_from_slice(&[0; 6]);
    ieee802.extend_from_slice(&ROUTER.octets());
    let mut infiniband = vec![0, 32, 8, 0, 20, 4, 0, 2];
    infiniband.extend((0..20).map(|i| 0x80 + i));
    infiniband.extend_from_slice(&ROUTER.octets());
    infiniband.extend((0..20).map(|i| 0xa0 + i));
    infiniband.extend_from_slice(&CLIENT.octets());
    let mut ipv6_pair = vec![0, 1, 0x86, 0xdd, 6, 16, 0, 1];
    ipv6_pair.extend_from_slice(&CLIENT_MAC.0);
    ipv6_pair.extend_from_slice(&CLIENT6.octets());
    ipv6_pair.extend_from_slice(&[0; 6]);
    ipv6_pair.extend_from_slice(&SERVER6.octets());
    for (label, packet) in [
        ("ARP request, IEEE 802 hardware", ieee802),
        ("ARP reply, InfiniBand hardware", infiniband),
        ("ARP request, IPv6 protocol addresses", ipv6_pair),
    ] {
        list.push((
            label,
            ethernet_frame(
                MacAddr([0xff; 6]),
                CLIENT_MAC,
                &[],
                EtherType::Arp,
                &packet,
            ),
        ));
    }

    // IEEE 802.3 frames, whose type field is a length, with an 802.2 LLC
    // header: a spanning tree BPDU (SAP 0x42, left undissected), an
    // information frame (two bytes of control), IPv4 over SNAP (RFC 1042)
    // and Cisco's SNAP (OUI 00-00-0c).
    let udp_in_snap = ipv4_packet(
        &ipv4_repr(CLIENT, SERVER, IpProtocol::Udp, 0x0a0b, 64),
        &udp_datagram(40020, 9, b"snap", c, s),
    );
    let mut snap_ipv4 = vec![0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    snap_ipv4.extend_from_slice(&udp_in_snap);
    let mut stp = vec![0x42, 0x42, 0x03];
    stp.extend_from_slice(&[0; 35]);
    let llc_frames: [(&str, MacAddr, Vec<u8>); 4] = [
        (
            "802.3 spanning tree BPDU",
            MacAddr([1, 0x80, 0xc2, 0, 0, 0]),
            stp,
        ),
        (
            "802.3 LLC information frame",
            ROUTER_MAC,
            b"\xf0\xf0\x0a\x12hello".to_vec(),
        ),
        ("802.3 SNAP IPv4", ROUTER_MAC, snap_ipv4),
        (
            "802.3 SNAP Cisco",
            MacAddr([1, 0, 0x0c, 0xcc, 0xcc, 0xcc]),
            b"\xaa\xaa\x03\x00\x00\x0c\x20\x00cdp data".to_vec(),
        ),
    ];
    for (label, dst, data) in llc_frames {
        let length = u16::try_from(data.len()).expect("a short frame");
        list.push((
            label,
            ethernet_frame(
                dst,
                CLIENT_MAC,
                &[],
                EtherType::Unknown(length),
                &data,
            ),
        ));
    }

    // Frames cut by a snapshot length: (what, frame, bytes kept). tshark
    // shows the fields whose bytes were kept, and so does netlab.
    let mut cut: Vec<(&str, Vec<u8>, usize)> = Vec::new();
    let full = eth_ipv4(
        ipv4_repr(CLIENT, SERVER, IpProtocol::Tcp, 0x0a01, 64),
        &tcp_segment(&data, &[0x63; 1460], c, s),
    );
    cut.push((
        "snap length 96 of 1514: after the TCP header",
        full.clone(),
        96,
    ));
    cut.push(("snap length 40 of 1514: inside the TCP header", full, 40));
    let full6 = eth_ipv6(
        ipv6_repr(CLIENT6, SERVER6, IpProtocol::Tcp, 0x00006),
        &tcp_segment(&data6, &[0x64; 1000], c6, s6),
    );
    cut.push(("snap length 30: inside the IPv6 header", full6, 30));
    // An ICMP error whose quote ends inside the quoted IPv4 header: cut
    // by the sender, not by the capture.
    let quote_cut = eth_ipv4_rev(
        ipv4_repr(ROUTER, CLIENT, IpProtocol::Icmp, 0x0a02, 64),
        &icmp_error(
            Message::DestinationUnreachable {
                code: icmpv4::Unreachable::Host,
                next_hop_mtu: 0,
            },
            &probe[..12],
        ),
    );
    let kept = quote_cut.len();
    cut.push((
        "ICMP quote cut inside the quoted IPv4 header",
        quote_cut,
        kept,
    ));

    let start = Duration::from_secs(1_764_000_000);
    let whole = list
        .into_iter()
        .map(|(comment, data)| (comment, data.clone(), data.len()));
    whole
        .chain(cut)
        .enumerate()
        .map(|(i, (comment, mut data, kept))| {
            let orig_len = data.len() as u32;
            data.truncate(kept);
            Frame {
                timestamp: start + Duration::from_millis(10 * i as u64),
                linktype: LinkType::ETHERNET,
                orig_len,
                data,
                interface: 0,
                comment: Some(comment.to_string()),
            }
        })
        .collect()
}

/// The options of a Linux SYN: MSS, SACK-permitted, timestamps, NOP, WS.
fn syn_options() -> Vec<TcpOption> {
    vec![
        TcpOption::MaxSegmentSize(1460),
        TcpOption::SackPermitted,
        TcpOption::Timestamps {
            value: 2_864_434_397,
            echo_reply: 0,
        },
        TcpOption::NoOp,
        TcpOption::WindowScale(7),
    ]
}

fn tcp_repr(
    src_port: u16,
    dst_port: u16,
    seq: u32,
    ack: u32,
    flags: Flags,
    window: u16,
    options: Vec<TcpOption>,
) -> tcp::Repr {
    tcp::Repr {
        src_port,
        dst_port,
        seq,
        ack,
        reserved: 0,
        flags,
        window,
        checksum: 0,
        urgent: 0,
        options,
    }
}

/// A TCP header and `payload`, checksummed for `src` to `dst`.
fn tcp_segment(
    repr: &tcp::Repr,
    payload: &[u8],
    src: IpAddr,
    dst: IpAddr,
) -> Vec<u8> {
    let mut segment = vec![0u8; repr.header_len()];
    segment.extend_from_slice(payload);
    repr.emit(&mut segment, src, dst).expect("emit TCP");
    segment
}

/// A UDP header and `payload`, checksummed for `src` to `dst`.
fn udp_datagram(
    src_port: u16,
    dst_port: u16,
    payload: &[u8],
    src: IpAddr,
    dst: IpAddr,
) -> Vec<u8> {
    let repr = udp::Repr {
        src_port,
        dst_port,
        checksum: 0,
        payload_len: payload.len(),
    };
    let mut datagram = vec![0u8; 8];
    datagram.extend_from_slice(payload);
    repr.emit(&mut datagram, src, dst).expect("emit UDP");
    datagram
}

/// An IPv4 header without options; `payload_len` is set when emitted.
fn ipv4_repr(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpProtocol,
    identification: u16,
    ttl: u8,
) -> ipv4::Repr {
    ipv4::Repr {
        dscp: 0,
        ecn: 0,
        identification,
        reserved_flag: false,
        dont_fragment: true,
        more_fragments: false,
        fragment_offset: 0,
        ttl,
        protocol,
        checksum: 0,
        checksum_ok: true,
        src,
        dst,
        options: Vec::new(),
        payload_len: 0,
    }
}

fn ipv4_packet(repr: &ipv4::Repr, payload: &[u8]) -> Vec<u8> {
    let repr = ipv4::Repr {
        payload_len: payload.len(),
        ..repr.clone()
    };
    let mut packet = vec![0u8; repr.header_len()];
    packet.extend_from_slice(payload);
    repr.emit(&mut packet).expect("emit IPv4");
    packet
}

fn ipv6_repr(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    protocol: IpProtocol,
    flow_label: u32,
) -> ipv6::Repr {
    ipv6::Repr {
        traffic_class: 0xb8,
        flow_label,
        payload_len: 0,
        next_header: NextHeader::Protocol(protocol),
        hop_limit: 57,
        src,
        dst,
    }
}

/// An Ethernet frame, padded with zeros to the 60-byte minimum (802.3).
fn ethernet_frame(
    dst: MacAddr,
    src: MacAddr,
    tags: &[VlanTag],
    ethertype: EtherType,
    payload: &[u8],
) -> Vec<u8> {
    let repr = ethernet::Repr {
        dst,
        src,
        tags: tags.to_vec(),
        ethertype,
    };
    let mut frame = vec![0u8; repr.header_len()];
    repr.emit(&mut frame).expect("emit Ethernet");
    frame.extend_from_slice(payload);
    if frame.len() < 60 {
        frame.resize(60, 0);
    }
    frame
}

/// Client to router: IPv4 in Ethernet.
fn eth_ipv4(ip: ipv4::Repr, payload: &[u8]) -> Vec<u8> {
    let packet = ipv4_packet(&ip, payload);
    ethernet_frame(ROUTER_MAC, CLIENT_MAC, &[], EtherType::Ipv4, &packet)
}

/// Router to client: IPv4 in Ethernet.
fn eth_ipv4_rev(ip: ipv4::Repr, payload: &[u8]) -> Vec<u8> {
    let packet = ipv4_packet(&ip, payload);
    ethernet_frame(CLIENT_MAC, ROUTER_MAC, &[], EtherType::Ipv4, &packet)
}

/// An IPv6 header, its payload length set, and `payload`.
fn ipv6_packet(ip: ipv6::Repr, payload: &[u8]) -> Vec<u8> {
    let repr = ipv6::Repr {
        payload_len: payload.len(),
        ..ip
    };
    let mut packet = vec![0u8; 40];
    repr.emit(&mut packet).expect("emit IPv6");
    packet.extend_from_slice(payload);
    packet
}

/// Client to router: IPv6 in Ethernet.
fn eth_ipv6(ip: ipv6::Repr, payload: &[u8]) -> Vec<u8> {
    let packet = ipv6_packet(ip, payload);
    ethernet_frame(ROUTER_MAC, CLIENT_MAC, &[], EtherType::Ipv6, &packet)
}

/// Router to client: IPv6 in Ethernet.
fn eth_ipv6_rev(ip: ipv6::Repr, payload: &[u8]) -> Vec<u8> {
    let packet = ipv6_packet(ip, payload);
    ethernet_frame(CLIENT_MAC, ROUTER_MAC, &[], EtherType::Ipv6, &packet)
}

/// An ICMP error `message` quoting `quote`, checksummed.
fn icmp_error(message: Message, quote: &[u8]) -> Vec<u8> {
    let repr = icmpv4::Repr {
        message,
        checksum: 0,
        checksum_ok: true,
    };
    let mut bytes = vec![0u8; 8];
    bytes.extend_from_slice(quote);
    repr.emit(&mut bytes).expect("emit ICMP");
    bytes
}

/// An ICMPv6 error `message` from `src` to `dst` quoting `quote`.
fn icmpv6_error(
    message: icmpv6::Message,
    quote: &[u8],
    src: Ipv6Addr,
    dst: Ipv6Addr,
) -> Vec<u8> {
    let repr = icmpv6::Repr {
        message,
        checksum: 0,
    };
    let mut bytes = vec![0u8; 8];
    bytes.extend_from_slice(quote);
    repr.emit(&mut bytes, src, dst).expect("emit ICMPv6");
    bytes
}

fn dns_query(id: u16, name: &str, qtype: RecordType) -> Vec<u8> {
    let name = dns::Name::from_dotted(name).expect("a valid name");
    let query = dns::Repr::query(id, name, qtype);
    let mut bytes = vec![0u8; query.query_len()];
    query.emit(&mut bytes).expect("emit DNS query");
    bytes
}

/// The answer to the SRV query, written by hand (RFC 1035 § 4.1) because
/// `dns::Repr::emit` writes only queries. Three kinds of name: the
/// question in full, the answer's owner as a pointer to it, the SRV target
/// as a label then a pointer into the question ("example.org"), and the
/// additional A record's owner as a pointer to that target, a pointer to
/// a name that itself ends in a pointer (§ 4.1.4).
fn dns_response(id: u16) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(&id.to_be_bytes());
    // QR, opcode QUERY, AA, RD, RA, NOERROR.
    m.extend_from_slice(&0x8580u16.to_be_bytes());
    for count in [1u16, 1, 0, 1] {
        m.extend_from_slice(&count.to_be_bytes());
    }
    let question_at = m.len();
    let mut example_org_at = 0;
    for label in ["_xmpp-client", "_tcp", "example", "org"] {
        if label == "example" {
            example_org_at = m.len();
        }
        m.push(label.len() as u8);
        m.extend_from_slice(label.as_bytes());
    }
    m.push(0);
    m.extend_from_slice(&33u16.to_be_bytes()); // SRV
    m.extend_from_slice(&1u16.to_be_bytes()); // IN

    let pointer = |at: usize| (0xc000 | at as u16).to_be_bytes();
    // Answer: SRV 5 0 5222 xmpp.example.org.
    m.extend_from_slice(&pointer(question_at));
    m.extend_from_slice(&33u16.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&300u32.to_be_bytes());
    let rdata: Vec<u8> = [5u16, 0, 5222]
        .iter()
        .flat_map(|v| v.to_be_bytes())
        .chain(*b"\x04xmpp")
        .chain(pointer(example_org_at))
        .collect();
    m.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    let target_at = m.len() + 6;
    m.extend_from_slice(&rdata);
    // Additional: xmpp.example.org A 192.0.2.10.
    m.extend_from_slice(&pointer(target_at));
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&3600u32.to_be_bytes());
    m.extend_from_slice(&4u16.to_be_bytes());
    m.extend_from_slice(&SERVER.octets());
    m
}

fn write_capture(path: &Path, frames: &[Frame]) {
    let mut writer = PcapNgWriter::create(path, LinkType::ETHERNET, 0)
        .expect("create the pcapng file");
    for frame in frames {
        writer.write(frame).expect("write a frame");
    }
    writer.finish().expect("finish the pcapng file");
}

// ---------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------

/// One field on which the two tools disagree.
#[derive(Debug)]
struct Mismatch {
    capture: &'static str,
    frame: u64,
    label: String,
    field: &'static str,
    netlab: String,
    tshark: String,
}

/// What comparing one capture found.
struct Report {
    frames: usize,
    compared: usize,
    /// How many frames each field was compared in.
    seen: BTreeMap<&'static str, usize>,
    mismatches: Vec<Mismatch>,
}

/// Field values: each field's occurrences in one frame, normalised.
type Values = BTreeMap<&'static str, Vec<String>>;

fn compare(capture: &'static str, path: &Path, labels: &[String]) -> Report {
    let ours = netlab_frames(path);
    let theirs = tshark_frames(path);
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{capture}: netlab and tshark read different numbers of frames"
    );
    let mut report = Report {
        frames: ours.len(),
        compared: 0,
        seen: BTreeMap::new(),
        mismatches: Vec::new(),
    };
    for (i, (ours, theirs)) in ours.iter().zip(&theirs).enumerate() {
        let number = i as u64 + 1;
        let label = labels.get(i).cloned().unwrap_or_default();
        let mut mismatch = |field, netlab: String, tshark: String| {
            report.mismatches.push(Mismatch {
                capture,
                frame: number,
                label: label.clone(),
                field,
                netlab,
                tshark,
            });
        };
        // Every frame here is well-formed: tshark reads them all. A frame
        // cut by the snap length ends in a truncated header, as expected.
        let cut = ours.captured < ours.original;
        if let Some(problem) = &ours.problem
            && !(cut && problem["kind"] == "truncated")
        {
            let text = problem["text"].as_str().unwrap_or_default();
            mismatch("(netlab problem)", text.into(), "-".into());
        }
        let ours = netlab_values(ours);
        for &(field, kind) in FIELDS {
            let a = ours.get(field).map(|v| normalise_all(kind, v));
            let b = theirs.get(field).map(|v| normalise_all(kind, v));
            match (&a, &b) {
                (None, None) => continue,
                (Some(a), Some(b)) if a == b => {}
                _ => mismatch(field, shown(a.as_deref()), shown(b.as_deref())),
            }
            report.compared += 1;
            *report.seen.entry(field).or_default() += 1;
        }
    }
    report
}

fn normalise_all(kind: Kind, values: &[String]) -> Vec<String> {
    values.iter().map(|v| normalise(kind, v)).collect()
}

/// One representation for both tools.
fn normalise(kind: Kind, value: &str) -> String {
    let value = value.trim();
    match kind {
        Num => {
            number(value).map_or_else(|| value.to_string(), |n| n.to_string())
        }
        Bool => match value {
            "1" | "True" | "true" => "1".into(),
            "0" | "False" | "false" => "0".into(),
            other => other.into(),
        },
        Addr => value
            .parse::<IpAddr>()
            .map_or_else(|_| value.to_string(), |ip| ip.to_string()),
        Hex(digits) => number(value)
            .map_or_else(|| value.to_string(), |n| format!("0x{n:0digits$x}")),
        Mac => value.to_ascii_lowercase(),
        Text => value.into(),
        Name => match value {
            "<Root>" | "." | "" => ".".into(),
            name => name.strip_suffix('.').unwrap_or(name).into(),
        },
    }
}

/// A number written in decimal or as `0x` hex.
fn number(text: &str) -> Option<u64> {
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

fn shown(values: Option<&[String]>) -> String {
    values.map_or_else(|| "(absent)".into(), |v| v.join(" | "))
}

/// The mismatches as a table.
fn table(mismatches: &[Mismatch]) -> String {
    let rows: Vec<[String; 4]> = mismatches
        .iter()
        .map(|m| {
            let frame = if m.label.is_empty() {
                format!("{} #{}", m.capture, m.frame)
            } else {
                format!("{} #{} ({})", m.capture, m.frame, m.label)
            };
            [frame, m.field.into(), m.netlab.clone(), m.tshark.clone()]
        })
        .collect();
    let header = ["frame", "field", "netlab", "tshark"].map(String::from);
    let mut widths = header.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (cell, w) in row.iter().zip(widths) {
            let _ = write!(out, "{cell:<w$}  ");
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        if std::ptr::eq(row, &header) {
            let rule: Vec<String> =
                widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("  "));
            out.push('\n');
        }
    }
    out
}

// ---------------------------------------------------------------------------
// tshark's side
// ---------------------------------------------------------------------------

/// `tshark -T fields` over `path`: per frame, the fields it shows.
fn tshark_frames(path: &Path) -> Vec<BTreeMap<&'static str, Vec<String>>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n")
        .args(["-o", "tcp.relative_sequence_numbers:FALSE"])
        .args(["-o", "tcp.analyze_sequence_numbers:FALSE"])
        .args(["-o", "tcp.desegment_tcp_streams:FALSE"])
        .args(["-o", "ip.defragment:FALSE"])
        .arg("-r")
        .arg(path)
        .args(["-T", "fields", "-E", "separator=/t", "-E", "occurrence=a"])
        .arg("-E")
        .arg(format!("aggregator={AGGREGATOR}"));
    for (field, _) in FIELDS {
        cmd.args(["-e", field]);
    }
    let out = cmd.output().expect("run tshark");
    assert!(
        out.status.success(),
        "tshark failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("tshark writes UTF-8")
        .lines()
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            assert_eq!(
                columns.len(),
                FIELDS.len(),
                "tshark gave {} columns, not {}: {line:?}",
                columns.len(),
                FIELDS.len()
            );
            FIELDS
                .iter()
                .zip(columns)
                .filter(|(_, value)| !value.is_empty())
                .map(|((field, _), value)| {
                    let values =
                        value.split(AGGREGATOR).map(String::from).collect();
                    (*field, values)
                })
                .collect()
        })
        .collect()
}

// ---------------------------------------------------------------------------
// netlab's side
// ---------------------------------------------------------------------------

/// One line of `netlab dissect --json`, the parts compared.
#[derive(Deserialize)]
struct NetlabFrame {
    number: u64,
    captured: u64,
    original: u64,
    layers: Vec<NetlabLayer>,
    problem: Option<Json>,
}

#[derive(Deserialize)]
struct NetlabLayer {
    layer: String,
    /// Quoted inside an ICMP error: tshark shows these fields as second
    /// occurrences, and a few of them not at all.
    #[serde(default)]
    quoted: bool,
    fields: Json,
}

fn netlab_frames(path: &Path) -> Vec<NetlabFrame> {
    let out = Command::new(env!("CARGO_BIN_EXE_netlab"))
        .arg("dissect")
        .arg(path)
        .arg("--json")
        .output()
        .expect("run netlab dissect");
    assert!(
        out.status.success(),
        "netlab dissect failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("netlab writes UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a netlab frame ({e}): {line}"))
        })
        .collect()
}

/// A JSON value as tshark would write it: numbers in decimal, booleans as
/// `1`/`0`, strings as they are.
fn text(value: &Json) -> Option<String> {
    match value {
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(on) => Some(u8::from(*on).to_string()),
        Json::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// TCP option kinds whose values tshark shows in fields of their own.
fn tcp_options(v: &mut Values, options: &Json) {
    for option in options.as_array().into_iter().flatten() {
        copy(v, option, "tcp.option_kind", "kind");
        copy(v, option, "tcp.options.mss_val", "mss");
        copy(v, option, "tcp.options.wscale.shift", "shift");
        copy(v, option, "tcp.options.timestamp.tsval", "value");
        copy(v, option, "tcp.options.timestamp.tsecr", "echo_reply");
    }
}

/// The type fields and the 802.1Q tags. netlab's `type` is the one after
/// the last tag; each type field on the wire names what follows it: the
/// first TPID (tshark's eth.type), then each tag's next TPID or, after
/// the last, the payload's type (vlan.etype). tshark names an S-TAG
/// (0x88a8) `ieee8021ad` and shows no type field for it.
fn ethernet_tags(v: &mut Values, f: &Json) {
    let tags = f["tags"].as_array().cloned().unwrap_or_default();
    let Some(first) = tags.first() else {
        // IEEE 802.3 § 3.2.6: at most 1500 is a length (tshark's eth.len).
        if f["type"].as_u64().is_some_and(|n| n <= 1500) {
            copy(v, f, "eth.len", "type");
        } else {
            copy(v, f, "eth.type", "type");
        }
        return;
    };
    copy(v, first, "eth.type", "tpid");
    for (i, tag) in tags.iter().enumerate() {
        let next = tags.get(i + 1).map_or(&f["type"], |t| &t["tpid"]);
        if tag["tpid"] == 0x88a8 {
            copy(v, tag, "ieee8021ad.id", "vlan");
            copy(v, tag, "ieee8021ad.priority", "priority");
            copy(v, tag, "ieee8021ad.dei", "dei");
        } else {
            copy(v, tag, "vlan.id", "vlan");
            copy(v, tag, "vlan.priority", "priority");
            copy(v, tag, "vlan.dei", "dei");
            if let Some(next) = text(next) {
                put(v, "vlan.etype", next);
            }
        }
    }
}

/// netlab's fields of one frame under tshark's names.
fn netlab_values(frame: &NetlabFrame) -> Values {
    let mut v = Values::new();
    put(&mut v, "frame.number", frame.number.to_string());
    put(&mut v, "frame.len", frame.original.to_string());
    put(&mut v, "frame.cap_len", frame.captured.to_string());

    for layer in &frame.layers {
        let f = &layer.fields;
        match layer.layer.as_str() {
            "Ethernet II" | "Ethernet II + 802.1Q" => {
                copy(&mut v, f, "eth.dst", "destination");
                copy(&mut v, f, "eth.src", "source");
                ethernet_tags(&mut v, f);
            }
            "LLC" | "LLC + SNAP" => {
                copy(&mut v, f, "llc.dsap", "dsap");
                copy(&mut v, f, "llc.ssap", "ssap");
                copy(&mut v, f, "llc.control", "control");
                copy(&mut v, f, "llc.oui", "oui");
                // tshark names the protocol id by the OUI that numbers
                // it: an EtherType for 00-00-00 (RFC 1042), Cisco's own.
                match f["oui"].as_u64() {
                    Some(0) => copy(&mut v, f, "llc.type", "pid"),
                    Some(0x0c) => copy(&mut v, f, "llc.cisco_pid", "pid"),
                    _ => {}
                }
            }
            "ARP" => {
                copy(&mut v, f, "arp.hw.type", "hardware_type");
                copy(&mut v, f, "arp.proto.type", "protocol_type");
                copy(&mut v, f, "arp.opcode", "operation");
                copy(&mut v, f, "arp.src.hw_mac", "sender_mac");
                copy(&mut v, f, "arp.src.proto_ipv4", "sender_ip");
                copy(&mut v, f, "arp.dst.hw_mac", "target_mac");
                copy(&mut v, f, "arp.dst.proto_ipv4", "target_ip");
                // Addresses of other types, as bytes in hex.
                copy(&mut v, f, "arp.src.hw", "sender_hardware");
                copy(&mut v, f, "arp.src.proto", "sender_protocol");
                copy(&mut v, f, "arp.dst.hw", "target_hardware");
                copy(&mut v, f, "arp.dst.proto", "target_protocol");
            }
            "IPv4" => {
                copy(&mut v, f, "ip.hdr_len", "header_length");
                copy(&mut v, f, "ip.dsfield.dscp", "dscp");
                copy(&mut v, f, "ip.dsfield.ecn", "ecn");
                copy(&mut v, f, "ip.len", "total_length");
                copy(&mut v, f, "ip.id", "identification");
                copy(&mut v, f, "ip.flags.rb", "reserved_bit");
                copy(&mut v, f, "ip.flags.df", "df");
                copy(&mut v, f, "ip.flags.mf", "mf");
                copy(&mut v, f, "ip.frag_offset", "fragment_offset");
                copy(&mut v, f, "ip.ttl", "ttl");
                copy(&mut v, f, "ip.proto", "protocol");
                copy(&mut v, f, "ip.checksum", "checksum");
                copy(&mut v, f, "ip.src", "source");
                copy(&mut v, f, "ip.dst", "destination");
            }
            "IPv6" => {
                copy(&mut v, f, "ipv6.tclass", "traffic_class");
                copy(&mut v, f, "ipv6.tclass.dscp", "dscp");
                copy(&mut v, f, "ipv6.tclass.ecn", "ecn");
                copy(&mut v, f, "ipv6.flow", "flow_label");
                copy(&mut v, f, "ipv6.plen", "payload_length");
                copy(&mut v, f, "ipv6.nxt", "next_header");
                copy(&mut v, f, "ipv6.hlim", "hop_limit");
                copy(&mut v, f, "ipv6.src", "source");
                copy(&mut v, f, "ipv6.dst", "destination");
            }
            "ICMP" => {
                copy(&mut v, f, "icmp.type", "type");
                copy(&mut v, f, "icmp.code", "code");
                copy(&mut v, f, "icmp.ident", "identifier");
                copy(&mut v, f, "icmp.seq", "sequence");
                copy(&mut v, f, "icmp.checksum", "checksum");
            }
            "ICMPv6" => {
                copy(&mut v, f, "icmpv6.type", "type");
                copy(&mut v, f, "icmpv6.code", "code");
                copy(&mut v, f, "icmpv6.echo.identifier", "identifier");
                copy(&mut v, f, "icmpv6.echo.sequence_number", "sequence");
                copy(&mut v, f, "icmpv6.checksum", "checksum");
                neighbor_values(&mut v, f);
            }
            "TCP" => {
                copy(&mut v, f, "tcp.srcport", "source_port");
                copy(&mut v, f, "tcp.dstport", "destination_port");
                // Relative numbers are off, so tcp.seq is the raw one.
                copy(&mut v, f, "tcp.seq", "sequence");
                if layer.quoted {
                    // In a quote tshark shows the sequence number only as
                    // tcp.seq, and no tcp.len (the quote holds the start
                    // of the data at most); netlab's payload_length is
                    // the quoted IP header's arithmetic, kept on purpose.
                    copy(&mut v, f, "tcp.ack_raw", "acknowledgment");
                    copy(&mut v, f, "tcp.hdr_len", "header_length");
                    copy(&mut v, f, "tcp.flags", "flags_value");
                    for bit in
                        ["cwr", "ece", "urg", "ack", "psh", "rst", "syn", "fin"]
                    {
                        copy(&mut v, f, tcp_flag_field(bit), bit);
                    }
                    copy(&mut v, f, "tcp.window_size_value", "window");
                    copy(&mut v, f, "tcp.checksum", "checksum");
                    copy(&mut v, f, "tcp.urgent_pointer", "urgent_pointer");
                    tcp_options(&mut v, &f["options"]);
                    continue;
                }
                copy(&mut v, f, "tcp.seq_raw", "sequence");
                copy(&mut v, f, "tcp.ack_raw", "acknowledgment");
                copy(&mut v, f, "tcp.hdr_len", "header_length");
                copy(&mut v, f, "tcp.flags", "flags_value");
                copy(&mut v, f, "tcp.flags.cwr", "cwr");
                copy(&mut v, f, "tcp.flags.ece", "ece");
                copy(&mut v, f, "tcp.flags.urg", "urg");
                copy(&mut v, f, "tcp.flags.ack", "ack");
                copy(&mut v, f, "tcp.flags.push", "psh");
                copy(&mut v, f, "tcp.flags.reset", "rst");
                copy(&mut v, f, "tcp.flags.syn", "syn");
                copy(&mut v, f, "tcp.flags.fin", "fin");
                copy(&mut v, f, "tcp.window_size_value", "window");
                copy(&mut v, f, "tcp.checksum", "checksum");
                copy(&mut v, f, "tcp.urgent_pointer", "urgent_pointer");
                copy(&mut v, f, "tcp.len", "payload_length");
                tcp_options(&mut v, &f["options"]);
            }
            "UDP" => {
                copy(&mut v, f, "udp.srcport", "source_port");
                copy(&mut v, f, "udp.dstport", "destination_port");
                copy(&mut v, f, "udp.length", "length");
                copy(&mut v, f, "udp.checksum", "checksum");
            }
            "DNS" => dns_values(f, &mut v),
            _ => {}
        }
    }
    v
}

/// A neighbour solicitation's or advertisement's target, flags and
/// options (RFC 4861 § 4.3, § 4.4, § 4.6).
fn neighbor_values(v: &mut Values, f: &Json) {
    let target = if f["type"] == 135 {
        "icmpv6.nd.ns.target_address"
    } else {
        "icmpv6.nd.na.target_address"
    };
    copy(v, f, "icmpv6.nd.na.flag.r", "router");
    copy(v, f, "icmpv6.nd.na.flag.s", "solicited");
    copy(v, f, "icmpv6.nd.na.flag.o", "override");
    copy(v, f, target, "target");
    for option in f["options"].as_array().into_iter().flatten() {
        copy(v, option, "icmpv6.opt.type", "type");
        // tshark's length counts 8-byte units, type and length included.
        let bytes = option["data"].as_str().map_or(6, |hex| hex.len() / 2);
        put(v, "icmpv6.opt.length", ((bytes + 2) / 8).to_string());
        copy(v, option, "icmpv6.opt.linkaddr", "link_layer_address");
    }
}

/// The DNS fields: header, then every question and record in wire order.
fn dns_values(f: &Json, v: &mut Values) {
    copy(v, f, "dns.id", "id");
    copy(v, f, "dns.flags", "flags_value");
    copy(v, f, "dns.flags.response", "qr");
    copy(v, f, "dns.flags.opcode", "opcode");
    copy(v, f, "dns.flags.truncated", "tc");
    copy(v, f, "dns.flags.recdesired", "rd");
    copy(v, f, "dns.flags.z", "z");
    copy(v, f, "dns.flags.checkdisable", "cd");
    // netlab writes every bit of every message; tshark leaves out the
    // ones that only mean something in a response (RFC 1035 § 4.1.1: AA,
    // RA and RCODE are set by the server; RFC 4035 § 3.2.3: AD).
    if f["qr"] == Json::Bool(true) {
        copy(v, f, "dns.flags.authoritative", "aa");
        copy(v, f, "dns.flags.recavail", "ra");
        copy(v, f, "dns.flags.authenticated", "ad");
        copy(v, f, "dns.flags.rcode", "rcode");
    }
    copy(v, f, "dns.count.queries", "question_count");
    copy(v, f, "dns.count.answers", "answer_count");
    copy(v, f, "dns.count.auth_rr", "authority_count");
    copy(v, f, "dns.count.add_rr", "additional_count");
    for question in f["questions"].as_array().into_iter().flatten() {
        copy(v, question, "dns.qry.name", "name");
        copy(v, question, "dns.qry.type", "type");
        copy(v, question, "dns.qry.class", "class");
    }
    let records = ["answers", "authority", "additional"]
        .iter()
        .flat_map(|section| f[section].as_array().into_iter().flatten());
    for record in records {
        // tshark shows an SRV record's owner as RFC 2782's
        // _Service._Proto.Name, three fields, and no dns.resp.name.
        let name = record["name"].as_str().unwrap_or_default();
        let is_srv = record["type_name"] == "SRV";
        match name.splitn(3, '.').collect::<Vec<_>>().as_slice() {
            [service, proto, rest] if is_srv => {
                put(v, "dns.srv.service", (*service).into());
                put(v, "dns.srv.proto", (*proto).into());
                put(v, "dns.srv.name", (*rest).into());
            }
            _ => put(v, "dns.resp.name", name.into()),
        }
        copy(v, record, "dns.resp.type", "type");
        copy(v, record, "dns.resp.class", "class");
        copy(v, record, "dns.resp.ttl", "ttl");
        match record["type_name"].as_str() {
            Some("A") => copy(v, record, "dns.a", "address"),
            Some("AAAA") => copy(v, record, "dns.aaaa", "address"),
            Some("SRV") => {
                copy(v, record, "dns.srv.priority", "priority");
                copy(v, record, "dns.srv.weight", "weight");
                copy(v, record, "dns.srv.port", "port");
                copy(v, record, "dns.srv.target", "target");
            }
            _ => {}
        }
    }
}

/// tshark's name for the TCP flag netlab calls `bit`.
fn tcp_flag_field(bit: &str) -> &'static str {
    match bit {
        "cwr" => "tcp.flags.cwr",
        "ece" => "tcp.flags.ece",
        "urg" => "tcp.flags.urg",
        "ack" => "tcp.flags.ack",
        "psh" => "tcp.flags.push",
        "rst" => "tcp.flags.reset",
        "syn" => "tcp.flags.syn",
        _ => "tcp.flags.fin",
    }
}

/// Adds an occurrence of `field`.
fn put(v: &mut Values, field: &'static str, value: String) {
    v.entry(field).or_default().push(value);
}

/// Adds netlab's key `name` of a JSON object as tshark's `field`.
fn copy(v: &mut Values, object: &Json, field: &'static str, name: &str) {
    if let Some(value) = object.get(name).and_then(text) {
        put(v, field, value);
    }
}
