//! `netlab dissect --json` and `netlab capture --json` against their
//! schema, `schemas/dissect.schema.json`.
//!
//! The schema is what a program reading the output relies on, so it is
//! checked against real output, every line of it:
//!
//! - a capture built here, byte by byte, with every layer the dissector
//!   knows and every variant of each: Ethernet with and without an 802.1Q
//!   tag, ARP for Ethernet/IPv4 and for other address types, IPv4 with
//!   options, every IPv6 extension header (Hop-by-Hop with each option,
//!   Routing, Fragment, AH, Destination Options), every ICMP and ICMPv6
//!   message the dissector names (the errors with the packet they quote,
//!   whole or cut), TCP with every option, UDP with and
//!   without a checksum, DNS over UDP and TCP with every record type,
//!   XMPP, plus what stops a dissection: a malformed header, a truncated
//!   one, a frame cut by the snap length, a later fragment, an unknown
//!   protocol, an unknown link type, and raw IP;
//! - the capture files of `tests/fuzz_corpus/capture_file/` and the hex
//!   frames of `book/src/frames/`;
//! - `netlab capture --json` on loopback, as root (which capture needs;
//!   CI runs as root), skipped otherwise.
//!
//! Then the schema must say no where it should: a string where a number
//! belongs, an unknown layer, an unknown key, a missing flag bit.
//!
//! The validator is the `jsonschema` crate (draft 2020-12), so the schema
//! is also checked against the draft's meta-schema.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, UdpSocket};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use netlab::capture::file::PcapNgWriter;
use netlab::capture::{Frame, LinkType};
use netlab::wire::checksum::{internet_checksum, segment_checksum};
use netlab::wire::ipv4::IpProtocol;
use serde_json::{Value, json};

const NETLAB: &str = env!("CARGO_BIN_EXE_netlab");

/// The schema file, parsed.
fn schema() -> Value {
    let path =
        concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/dissect.schema.json");
    let text = std::fs::read_to_string(path).expect("the schema is there");
    serde_json::from_str(&text).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema())
        .expect("the schema compiles as draft 2020-12")
}

/// Every way `instance` breaks the schema, one line each ("" if none).
fn violations(validator: &jsonschema::Validator, instance: &Value) -> String {
    validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}\n", e.instance_path()))
        .collect()
}

/// Runs netlab with `args`; its stdout as JSON lines.
fn json_lines(args: &[&str]) -> Vec<Value> {
    let out = Command::new(NETLAB)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("netlab runs");
    assert!(
        out.status.success(),
        "netlab {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|line| {
            serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
        })
        .collect()
}

/// Checks every line against the schema; panics with each broken line.
fn check_all(validator: &jsonschema::Validator, source: &str, lines: &[Value]) {
    let mut report = String::new();
    for line in lines {
        let broken = violations(validator, line);
        if !broken.is_empty() {
            report.push_str(&format!(
                "{source}, frame {}:\n{broken}{line}\n\n",
                line["number"]
            ));
        }
    }
    assert!(report.is_empty(), "lines that break the schema:\n{report}");
}

#[test]
fn the_schema_is_valid_draft_2020_12() {
    if let Err(e) = jsonschema::meta::validate(&schema()) {
        panic!("the schema breaks the 2020-12 meta-schema: {e}");
    }
}

#[test]
fn every_layer_of_a_built_capture_matches_the_schema() {
    let dir = temp_dir("built");
    let ethernet = dir.join("built.pcapng");
    write_capture(&ethernet, LinkType::ETHERNET, &ethernet_frames());
    let raw = dir.join("raw.pcapng");
    write_capture(
        &raw,
        LinkType::RAW,
        &[(ipv4(17, 0, &udp(4000, 4001, b"raw", V4)), None)],
    );
    let other = dir.join("other.pcapng");
    write_capture(&other, LinkType(147), &[(b"user link".to_vec(), None)]);

    let validator = validator();
    let mut lines = Vec::new();
    for path in [&ethernet, &raw, &other] {
        let these =
            json_lines(&["dissect", path.to_str().expect("UTF-8"), "--json"]);
        check_all(&validator, &path.display().to_string(), &these);
        lines.extend(these);
    }

    // The capture must exercise the whole schema: every layer name it
    // lists, both kinds of problem, a cut frame, undissected data.
    let seen: BTreeSet<String> = lines
        .iter()
        .flat_map(|l| l["layers"].as_array().cloned().unwrap_or_default())
        .map(|layer| layer["layer"].as_str().unwrap_or_default().to_string())
        .collect();
    let listed: BTreeSet<String> =
        schema()["$defs"]["layer"]["properties"]["layer"]["enum"]
            .as_array()
            .expect("the layer names")
            .iter()
            .map(|name| name.as_str().expect("a name").to_string())
            .collect();
    let missing: Vec<_> = listed.difference(&seen).collect();
    assert!(
        missing.is_empty(),
        "layers the built capture lacks: {missing:?}"
    );
    for kind in ["truncated", "malformed"] {
        assert!(
            lines.iter().any(|l| l["problem"]["kind"] == kind),
            "no {kind} problem"
        );
    }
    assert!(lines.iter().any(|l| l["cut_short"] == true));
    // A header the snap length cut: the fields that are there.
    assert!(
        lines
            .iter()
            .flat_map(|l| l["layers"].as_array().into_iter().flatten())
            .any(|layer| layer["partial"] == true),
        "no partial header"
    );
    assert!(lines.iter().any(|l| {
        l["layers"][0]["fields"]["tags"][1]["tpid_name"] == "802.1Q"
    }));
    // Quoted packets: whole, cut between headers, cut inside one.
    assert!(lines.iter().any(|l| l["quote"]["cut"].is_null()));
    assert!(lines.iter().any(|l| l["quote"]["cut"]["layer"] == "TCP"));
    assert!(lines.iter().any(|l| l["quote"]["original"].is_null()));
    assert!(lines.iter().any(|l| {
        l["layers"][4]["layer"] == "ICMP"
            && l["layers"][4]["fields"]["checksum_status"] == "unverified"
    }));
    assert!(
        lines
            .iter()
            .flat_map(|l| l["layers"].as_array().into_iter().flatten())
            .any(|layer| layer["quoted"] == true
                && layer["fields"]["flags"].is_null()
                && layer["layer"] == "TCP"),
        "no quoted TCP start"
    );
    assert!(lines.iter().any(|l| l["undissected"].is_string()));
    let statuses: BTreeSet<&str> = lines
        .iter()
        .flat_map(|l| l["layers"].as_array().into_iter().flatten())
        .filter_map(|layer| layer["fields"]["checksum_status"].as_str())
        .collect();
    for status in ["good", "bad", "absent", "unverified"] {
        assert!(
            statuses.contains(status),
            "no checksum {status}: {statuses:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_repositorys_captures_and_hex_frames_match_the_schema() {
    let validator = validator();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = 0;
    for (dir, hex) in [
        ("tests/fuzz_corpus/capture_file", false),
        ("book/src/frames", true),
    ] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .expect("the directory is there")
            .map(|e| e.expect("an entry").path())
            .filter(|p| !hex || p.extension().is_some_and(|e| e == "hex"))
            .collect();
        paths.sort();
        for path in paths {
            let path = path.to_str().expect("UTF-8");
            let args: Vec<&str> = if hex {
                vec!["dissect", "--hex", path, "--json"]
            } else {
                vec!["dissect", path, "--json"]
            };
            check_all(&validator, path, &json_lines(&args));
            files += 1;
        }
    }
    assert!(files >= 5, "only {files} files checked");
}

#[test]
fn capture_json_uses_the_same_schema() {
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    if !root {
        eprintln!("skipped: netlab capture needs root (CAP_NET_RAW)");
        return;
    }
    // A port nobody else uses: bind it, capture it, send to it.
    let receiver = UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = receiver.local_addr().expect("an address").port();
    let mut child = Command::new(NETLAB)
        .args(["capture", "--json", "--count", "3", "--seconds", "20"])
        .args(["--port", &port.to_string()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("netlab capture runs");
    let sender = UdpSocket::bind("127.0.0.1:0").expect("bind");
    // Keep sending until the capture has its frames: it needs a moment
    // to open its socket, and nothing says when it has.
    let mut status = None;
    for _ in 0..100 {
        let _ = sender.send_to(b"hello capture", ("127.0.0.1", port));
        std::thread::sleep(Duration::from_millis(100));
        if let Some(done) = child.try_wait().expect("wait") {
            status = Some(done);
            break;
        }
    }
    if status.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().expect("capture output");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .expect("UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(lines.len(), 3, "three frames captured");
    check_all(&validator(), "netlab capture --json", &lines);
    assert!(lines.iter().all(|l| l["layers"][2]["layer"] == "UDP"));
}

#[test]
fn the_schema_rejects_what_it_should() {
    let validator = validator();
    let d = temp_dir("negative");
    let path = d.join("one.pcapng");
    write_capture(&path, LinkType::ETHERNET, &ethernet_frames()[..1]);
    let good =
        json_lines(&["dissect", path.to_str().expect("UTF-8"), "--json"])
            .remove(0);
    assert_eq!(
        violations(&validator, &good),
        "",
        "the frame itself is fine"
    );

    let broken = |change: &dyn Fn(&mut Value)| {
        let mut line = good.clone();
        change(&mut line);
        !violations(&validator, &line).is_empty()
    };
    // The first frame is Ethernet, IPv4, TCP.
    assert!(broken(&|l| l["layers"][1]["fields"]["ttl"] = json!("64")));
    assert!(broken(&|l| l["layers"][2]["fields"]["syn"] = json!(1)));
    assert!(broken(
        &|l| l["layers"][1]["fields"]["protocol"] = json!("TCP (6)")
    ));
    assert!(broken(&|l| l["layers"][1]["layer"] = json!("GRE")));
    assert!(broken(&|l| l["layers"][2]["fields"]["color"] = json!("red")));
    assert!(broken(&|l| {
        l["layers"][2]["fields"]
            .as_object_mut()
            .expect("fields")
            .remove("fin");
    }));
    assert!(broken(&|l| l["schema"] = json!(2)));
    assert!(broken(&|l| l["problem"] = json!("(truncated: …)")));
    assert!(broken(&|l| l["extra"] = json!(true)));
    // `quoted` is there only to say yes; a quote needs its three keys.
    assert!(broken(&|l| l["layers"][2]["quoted"] = json!(false)));
    assert!(broken(&|l| l["layers"][2]["partial"] = json!(false)));
    // A partial header is one of the four fixed headers partial.rs reads.
    assert!(broken(&|l| {
        l["layers"][0]["partial"] = json!(true);
    }));
    assert!(broken(&|l| l["quote"] = json!({"bytes": [0, 1]})));
    let _ = std::fs::remove_dir_all(&d);
}

// ---------------------------------------------------------------------------
// The built capture: frames written byte by byte
// ---------------------------------------------------------------------------

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join(format!("netlab-dissect-json-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("make the temp dir");
    dir
}

/// Writes `frames`, each with the length it had on the wire if that is
/// more than its bytes (cut by the snap length).
fn write_capture(
    path: &Path,
    link: LinkType,
    frames: &[(Vec<u8>, Option<u32>)],
) {
    let mut writer =
        PcapNgWriter::create(path, link, 65535).expect("create the capture");
    for (i, (data, original)) in frames.iter().enumerate() {
        writer
            .write(&Frame {
                timestamp: Duration::from_secs(1_764_000_000)
                    + Duration::from_micros(i as u64),
                linktype: link,
                orig_len: original.unwrap_or(data.len() as u32),
                data: data.clone(),
                interface: 0,
                comment: None,
            })
            .expect("write a frame");
    }
    writer.finish().expect("finish the capture");
}

const V4: (IpAddr, IpAddr) = (
    IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)),
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7)),
);
const V6: (IpAddr, IpAddr) = (
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1)),
    IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)),
);

fn be16(v: u16) -> [u8; 2] {
    v.to_be_bytes()
}

/// Ethernet II, optionally tagged, padded to 60 bytes.
fn eth(ethertype: u16, vlan: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 2, 0x02, 0, 0, 0, 0, 1];
    if let Some(tci) = vlan {
        f.extend(be16(0x8100));
        f.extend(be16(tci));
    }
    f.extend(be16(ethertype));
    f.extend_from_slice(payload);
    if f.len() < 60 {
        f.resize(60, 0);
    }
    f
}

/// An IPv4 packet from V4.0 to V4.1 with `options` (a multiple of 4).
fn ipv4_with(
    protocol: u8,
    flags_offset: u16,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let header_len = 20 + options.len();
    let mut p = vec![0x40 | (header_len / 4) as u8, 0xb8];
    p.extend(be16((header_len + payload.len()) as u16));
    p.extend(be16(0x1234));
    p.extend(be16(flags_offset));
    p.extend([64, protocol, 0, 0]);
    p.extend([192, 0, 2, 1, 198, 51, 100, 7]);
    p.extend_from_slice(options);
    let sum = internet_checksum(&p);
    p[10..12].copy_from_slice(&be16(sum));
    p.extend_from_slice(payload);
    p
}

fn ipv4(protocol: u8, flags_offset: u16, payload: &[u8]) -> Vec<u8> {
    ipv4_with(protocol, flags_offset, &[], payload)
}

/// An IPv6 packet from V6.0 to V6.1; `chain` is the extension headers and
/// upper layer, `first` the first next-header value.
fn ipv6(first: u8, chain: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0x01, 0x23, 0x45];
    p.extend(be16(chain.len() as u16));
    p.extend([first, 57]);
    for ip in [V6.0, V6.1] {
        if let IpAddr::V6(a) = ip {
            p.extend(a.octets());
        }
    }
    p.extend_from_slice(chain);
    p
}

fn checksum_at(
    segment: &mut [u8],
    at: usize,
    ips: (IpAddr, IpAddr),
    protocol: IpProtocol,
) {
    let sum =
        segment_checksum(segment, ips.0, ips.1, protocol).expect("one family");
    segment[at..at + 2].copy_from_slice(&be16(sum));
}

/// A TCP segment with `options` (a multiple of 4) and a good checksum.
fn tcp(
    ports: (u16, u16),
    flags: u8,
    options: &[u8],
    payload: &[u8],
    ips: (IpAddr, IpAddr),
) -> Vec<u8> {
    let mut s = Vec::new();
    s.extend(be16(ports.0));
    s.extend(be16(ports.1));
    s.extend(1_000_000u32.to_be_bytes());
    s.extend(2_000_000u32.to_be_bytes());
    s.push((((20 + options.len()) / 4) as u8) << 4);
    s.push(flags);
    s.extend(be16(64240));
    s.extend([0, 0]);
    s.extend(be16(if flags & 0x20 != 0 { 3 } else { 0 }));
    s.extend_from_slice(options);
    s.extend_from_slice(payload);
    checksum_at(&mut s, 16, ips, IpProtocol::Tcp);
    s
}

fn udp(src: u16, dst: u16, payload: &[u8], ips: (IpAddr, IpAddr)) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(be16(src));
    d.extend(be16(dst));
    d.extend(be16((8 + payload.len()) as u16));
    d.extend([0, 0]);
    d.extend_from_slice(payload);
    checksum_at(&mut d, 6, ips, IpProtocol::Udp);
    d
}

/// An ICMP message with a good checksum.
fn icmp(kind: u8, code: u8, rest: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0];
    m.extend(rest);
    m.extend_from_slice(data);
    let sum = internet_checksum(&m);
    m[2..4].copy_from_slice(&be16(sum));
    m
}

fn icmpv6(kind: u8, code: u8, rest: [u8; 4], data: &[u8]) -> Vec<u8> {
    let mut m = vec![kind, code, 0, 0];
    m.extend(rest);
    m.extend_from_slice(data);
    checksum_at(&mut m, 2, V6, IpProtocol::Icmpv6);
    m
}

/// A DNS name, uncompressed.
fn name(dotted: &str) -> Vec<u8> {
    let mut n = Vec::new();
    for label in dotted.split('.').filter(|l| !l.is_empty()) {
        n.push(label.len() as u8);
        n.extend_from_slice(label.as_bytes());
    }
    n.push(0);
    n
}

fn rr(owner: &str, rtype: u16, class: u16, rdata: &[u8]) -> Vec<u8> {
    let mut r = name(owner);
    r.extend(be16(rtype));
    r.extend(be16(class));
    r.extend(3600u32.to_be_bytes());
    r.extend(be16(rdata.len() as u16));
    r.extend_from_slice(rdata);
    r
}

/// A response with every record type the dissector decodes, one it does
/// not (raw), and an EDNS OPT record, in all three sections.
fn dns_response() -> Vec<u8> {
    let mut m = Vec::new();
    m.extend(be16(0xbeef));
    m.extend(be16(0x85b0)); // QR, AA, RD, RA, AD, CD; NOERROR
    m.extend([0, 1, 0, 8, 0, 1, 0, 2]);
    m.extend(name("example.org"));
    m.extend(be16(255));
    m.extend(be16(1));
    m.extend(rr("example.org", 1, 1, &[192, 0, 2, 10]));
    m.extend(rr("example.org", 28, 1, &Ipv6Addr::LOCALHOST.octets()));
    m.extend(rr("www.example.org", 5, 1, &name("example.org")));
    m.extend(rr("10.2.0.192.in-addr.arpa", 12, 1, &name("example.org")));
    let mut mx = be16(10).to_vec();
    mx.extend(name("mail.example.org"));
    m.extend(rr("example.org", 15, 1, &mx));
    m.extend(rr("example.org", 16, 1, b"\x05hello\x05world"));
    let mut srv = [be16(5), be16(0), be16(5222)].concat();
    srv.extend(name("xmpp.example.org"));
    m.extend(rr("_xmpp-client._tcp.example.org", 33, 1, &srv));
    m.extend(rr("example.org", 99, 1, &[1, 2, 3]));
    let mut soa = name("ns.example.org");
    soa.extend(name("admin.example.org"));
    for v in [2025u32, 7200, 3600, 1_209_600, 300] {
        soa.extend(v.to_be_bytes());
    }
    m.extend(rr("example.org", 6, 1, &soa));
    m.extend(rr("example.org", 2, 1, &name("ns.example.org")));
    m.extend(rr("", 41, 1232, &[]));
    m
}

/// The frames of the Ethernet capture, each with its length on the wire
/// when the capture cut it.
fn ethernet_frames() -> Vec<(Vec<u8>, Option<u32>)> {
    let mut frames = Vec::new();
    let mut push = |frame: Vec<u8>| frames.push((frame, None));

    // TCP SYN with MSS, SACK-permitted, timestamps, NOP, window scale, EOL.
    let syn_options = [
        2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7, 0,
        0, 0, 0,
    ];
    push(eth(
        0x0800,
        None,
        &ipv4(6, 0x4000, &tcp((40000, 5222), 0x02, &syn_options, &[], V4)),
    ));
    // ACK with SACK blocks, an unknown option, URG and ECN bits.
    let mut sack = vec![1, 1, 5, 18];
    for edge in [100u32, 200, 300, 400] {
        sack.extend(edge.to_be_bytes());
    }
    sack.extend([30, 4, 0xab, 0xcd]);
    push(eth(
        0x0800,
        None,
        &ipv4(6, 0x4000, &tcp((40000, 80), 0xf0, &sack, b"data", V4)),
    ));
    // XMPP on 5222.
    let hello =
        b"<stream:stream to='example.org' version='1.0' xmlns='jabber:client'>";
    push(eth(
        0x0800,
        None,
        &ipv4(6, 0x4000, &tcp((40001, 5222), 0x18, &[], hello, V4)),
    ));
    // DNS over TCP over IPv6, with its two-byte length.
    let message = dns_response();
    let mut stream = be16(message.len() as u16).to_vec();
    stream.extend_from_slice(&message);
    push(eth(
        0x86dd,
        None,
        &ipv6(6, &tcp((53, 40002), 0x18, &[], &stream, V6)),
    ));
    // DNS over UDP, in an 802.1Q tag.
    push(eth(
        0x0800,
        Some(0x6064),
        &ipv4(17, 0, &udp(53, 40003, &message, V4)),
    ));
    // Q-in-Q: an S-TAG (0x88a8) over the C-TAG, then IPv4 and UDP.
    let mut qinq = eth(
        0x0800,
        Some(0x6064),
        &ipv4(17, 0, &udp(40011, 9, b"q-in-q", V4)),
    );
    qinq.splice(12..12, [0x88, 0xa8, 0x00, 0xc8]);
    push(qinq);
    // UDP without a checksum, in IPv4 with options (NOP, NOP, NOP, EOL).
    let mut plain = udp(40004, 9, b"no checksum", V4);
    plain[6..8].copy_from_slice(&[0, 0]);
    push(eth(0x0800, None, &ipv4_with(17, 0, &[1, 1, 1, 0], &plain)));
    // UDP with a damaged checksum.
    let mut damaged = udp(40005, 9, b"damaged", V4);
    damaged[6] ^= 0xff;
    push(eth(0x0800, None, &ipv4(17, 0, &damaged)));

    // IEEE 802.3 frames with an 802.2 LLC header: a spanning tree BPDU,
    // and IPv4 over SNAP (RFC 1042).
    let mut stp = vec![0x42, 0x42, 0x03];
    stp.extend_from_slice(&[0; 35]);
    push(eth(stp.len() as u16, None, &stp));
    let mut snap = vec![0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00];
    snap.extend_from_slice(&ipv4(17, 0, &udp(40012, 9, b"snap", V4)));
    push(eth(snap.len() as u16, None, &snap));

    // ARP: Ethernet/IPv4, IEEE 802 hardware (MACs too), InfiniBand (20-byte
    // hardware addresses in hex, IPv4 typed) and Ethernet with 16-byte
    // protocol addresses (MACs typed, the rest in hex).
    let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 1];
    arp.extend([
        2, 0, 0, 0, 0, 2, 192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 192, 0, 2, 7,
    ]);
    push(eth(0x0806, None, &arp));
    let mut other = arp.clone();
    other[1] = 6;
    other[7] = 2;
    push(eth(0x0806, None, &other));
    let mut infiniband = vec![0, 32, 8, 0, 20, 4, 0, 2];
    let mut arp_ipv6 = vec![0, 1, 0x86, 0xdd, 6, 16, 0, 1];
    for _ in 0..2 {
        infiniband.extend_from_slice(&[0xab; 20]);
        infiniband.extend_from_slice(&[192, 0, 2, 1]);
        arp_ipv6.extend_from_slice(&[2, 0, 0, 0, 0, 1]);
        arp_ipv6.extend_from_slice(&[0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0]);
        arp_ipv6.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 1]);
    }
    push(eth(0x0806, None, &infiniband));
    push(eth(0x0806, None, &arp_ipv6));

    // ICMP: echo, and each error with the start of the datagram quoted.
    let quoted = &ipv4(17, 0, &udp(40006, 33434, b"", V4))[..28];
    for (kind, code, rest) in [
        (8, 0, [0x12, 0x34, 0, 1]),
        (0, 0, [0x12, 0x34, 0, 1]),
        (3, 4, [0, 0, 0x05, 0xdc]),
        (3, 3, [0, 0, 0, 0]),
        (5, 1, [192, 0, 2, 254]),
        (11, 0, [0, 0, 0, 0]),
        (12, 0, [8, 0, 0, 0]),
        (13, 0, [0, 1, 0, 2]),
    ] {
        let data: &[u8] = if kind == 8 || kind == 0 {
            b"ping"
        } else {
            quoted
        };
        push(eth(
            0x0800,
            None,
            &ipv4(1, 0, &icmp(kind, code, rest, data)),
        ));
    }

    // IPv6 with every extension header: Hop-by-Hop (Pad1, PadN, Router
    // Alert, Jumbo Payload, an unknown option), Destination Options,
    // Routing, Fragment (the first), AH, then UDP.
    let upper = udp(40007, 9, b"deep", V6);
    let mut chain = vec![
        60, 2, 0, 1, 1, 0, 5, 2, 0, 0, 0xc2, 4, 0, 0, 0, 0, 0x1e, 2, 0xaa,
        0xbb, 1, 0, 0, 0,
    ];
    chain.extend([43, 0, 1, 4, 0, 0, 0, 0]); // Destination Options: PadN 4
    chain.extend([44, 0, 0, 0, 0, 0, 0, 0]); // Routing type 0, 0 left
    chain.extend([51, 0, 0, 1, 0, 0, 0, 9]); // Fragment: offset 0, M
    chain.extend([17, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 5, 0, 0, 0, 0]); // AH
    chain.extend_from_slice(&upper);
    push(eth(0x86dd, None, &ipv6(0, &chain)));
    // A later IPv6 fragment: not dissected further.
    let mut later = vec![17, 0, 0x05, 0x00, 0, 0, 0, 9];
    later.extend_from_slice(b"rest of it");
    push(eth(0x86dd, None, &ipv6(44, &later)));

    // ICMPv6: echo, neighbour solicitation (with a source link-layer
    // option) and advertisement (R, S, O set; a target link-layer option
    // and one of a type not read), and the errors.
    let target = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2).octets();
    let mut solicitation = target.to_vec();
    solicitation.extend_from_slice(&[1, 1, 2, 0, 0, 0, 0, 2]);
    let mut advertisement = target.to_vec();
    advertisement.extend_from_slice(&[2, 1, 2, 0, 0, 0, 0, 1]);
    advertisement.extend_from_slice(&[5, 1, 0, 0, 0, 0, 0x05, 0xdc]);
    for (kind, code, rest, data) in [
        (128u8, 0u8, [0x0b, 0xad, 0, 7], &b"ping6"[..]),
        (129, 0, [0x0b, 0xad, 0, 7], &b"ping6"[..]),
        (135, 0, [0, 0, 0, 0], &solicitation[..]),
        (136, 0, [0xe0, 0, 0, 0], &advertisement[..]),
        (1, 4, [0, 0, 0, 0], &[][..]),
        (2, 0, [0, 0, 0x05, 0x00], &[][..]),
        (3, 0, [0, 0, 0, 0], &[][..]),
        (4, 1, [0, 0, 0, 6], &[][..]),
        (200, 0, [0, 0, 0, 0], &[][..]),
    ] {
        push(eth(
            0x86dd,
            None,
            &ipv6(58, &icmpv6(kind, code, rest, data)),
        ));
    }

    // Quotes: the 8 bytes of TCP RFC 792 promises, a quote cut inside
    // the quoted IPv4 header, and an IPv6 packet quoted in ICMPv6.
    let quoted_tcp =
        &ipv4(6, 0x4000, &tcp((40009, 443), 0x02, &[], &[], V4))[..28];
    push(eth(
        0x0800,
        None,
        &ipv4(1, 0, &icmp(11, 0, [0; 4], quoted_tcp)),
    ));
    push(eth(
        0x0800,
        None,
        &ipv4(1, 0, &icmp(3, 1, [0; 4], &quoted_tcp[..12])),
    ));
    // An error about a ping: the echo's 8 bytes, checksum unverified.
    let ping = ipv4(1, 0, &icmp(8, 0, [0, 1, 0, 2], b"traceroute -I"));
    push(eth(
        0x0800,
        None,
        &ipv4(1, 0, &icmp(11, 0, [0; 4], &ping[..28])),
    ));
    let quoted6 = ipv6(6, &tcp((40010, 443), 0x02, &[], &[], V6));
    push(eth(
        0x86dd,
        None,
        &ipv6(58, &icmpv6(2, 0, [0, 0, 0x05, 0x00], &quoted6[..48])),
    ));

    // What stops a dissection.
    let mut malformed = ipv4(17, 0, &udp(1, 2, b"x", V4));
    malformed[0] = 0x44; // IHL 4 words: below the minimum
    push(eth(0x0800, None, &malformed));
    push(eth(0x0800, None, &ipv4(47, 0, b"GRE inside")));
    push(eth(0x0800, None, &ipv4(17, 0x0010, b"a later fragment")));
    push(eth(0x88cc, None, b"LLDP"));
    push(eth(100, None, b"an 802.3 length"));
    // A frame whose IPv4 length says more than there is.
    let mut short = eth(
        0x0800,
        None,
        &ipv4(6, 0, &tcp((1, 2), 0x10, &[], &[0; 40], V4)),
    );
    short.truncate(40);
    push(short);

    // Cut by the snap length: within TCP's options, and after its header.
    let long = eth(
        0x0800,
        None,
        &ipv4(
            6,
            0x4000,
            &tcp((40008, 443), 0x18, &syn_options, &[7; 200], V4),
        ),
    );
    frames.push((long[..60].to_vec(), Some(long.len() as u32)));
    frames.push((long[..96].to_vec(), Some(long.len() as u32)));
    frames
}
