//! Writes a large, deterministic capture file for benchmarking the
//! dissector.
//!
//! **Idea:** a benchmark needs the same input every time and on every
//! machine, and real captures cannot be shipped (they are big, and they
//! hold other people's traffic). So this program *builds* a capture: every
//! frame is written byte by byte, with correct IPv4, TCP and UDP checksums,
//! from a small seeded xorshift generator, so the same arguments always
//! give the same file, byte for byte.
//!
//! The mix imitates what the course captures: mostly XMPP chat on
//! loopback, plus the noise around it.
//!
//! | share | frames                                                        |
//! |-------|---------------------------------------------------------------|
//! | 36 %  | XMPP on loopback: TCP port 5222, `<message to='b@localhost'>…`, |
//! |       | `<presence/>`, `<iq>` ping, and bare ACKs                     |
//! | 10 %  | TCP SYN and SYN-ACK with MSS, SACK, timestamps, window scale; |
//! |       | and FIN-ACK                                                   |
//! | 10 %  | bulk TCP on port 443 (opaque payload, up to 1448 bytes)        |
//! | 14 %  | DNS over UDP port 53: queries, responses (name compression)   |
//! | 10 %  | IPv6: TCP and UDP between `fd00::` addresses                 |
//! |  8 %  | ARP requests and replies                                      |
//! |  8 %  | ICMP echo request and reply                                   |
//! |  2 %  | malformed: an IPv4 header length (IHL) below 5 words          |
//! |  2 %  | truncated: captured length below the length on the wire       |
//!
//! The file is classic pcap, Ethernet link type, microsecond timestamps,
//! little-endian, snaplen 65535; timestamps start at 2025-11-24 16:00 UTC
//! and advance by a few microseconds per frame.
//!
//! Used by `bench/dissect.sh` (see `bench/README.md`). Run:
//!
//! ```text
//! cargo run --release --example gen_capture -- target/bench/1m.pcap 1000000
//! ```
//!
//! Both arguments are optional: the path defaults to `capture.pcap`, the
//! count to one million.

use std::fs::File;
use std::io::BufWriter;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::Duration;

use netlab::wire::checksum::{internet_checksum, segment_checksum};
use netlab::wire::ipv4::IpProtocol;
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapWriter};
use pcap_file::{DataLink, Endianness, TsResolution};

/// xorshift64*: tiny, fast, good enough to pick packet kinds; no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
    }
}

const LOOPBACK_MAC: [u8; 6] = [0; 6];
const HOST_MAC: [u8; 6] = [0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
const GATEWAY_MAC: [u8; 6] = [0x02, 0x42, 0xac, 0x11, 0x00, 0x01];
const BROADCAST_MAC: [u8; 6] = [0xff; 6];

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_ARP: u16 = 0x0806;
const ETHERTYPE_IPV6: u16 = 0x86dd;

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

fn ethernet(out: &mut Vec<u8>, dst: [u8; 6], src: [u8; 6], ethertype: u16) {
    out.extend_from_slice(&dst);
    out.extend_from_slice(&src);
    out.extend_from_slice(&ethertype.to_be_bytes());
}

/// An IPv4 header (no options) with its checksum, for `payload_len` bytes
/// of payload.
fn ipv4(
    out: &mut Vec<u8>,
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    payload_len: usize,
    id: u16,
) {
    let start = out.len();
    let total = u16::try_from(20 + payload_len).expect("fits a datagram");
    out.extend_from_slice(&[0x45, 0x00]);
    out.extend_from_slice(&total.to_be_bytes());
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(&[0x40, 0x00, 64, protocol, 0, 0]); // DF, TTL 64
    out.extend_from_slice(&src.octets());
    out.extend_from_slice(&dst.octets());
    let sum = internet_checksum(&out[start..]);
    out[start + 10..start + 12].copy_from_slice(&sum.to_be_bytes());
}

/// An IPv6 header for `payload_len` bytes of payload.
fn ipv6(
    out: &mut Vec<u8>,
    src: Ipv6Addr,
    dst: Ipv6Addr,
    next: u8,
    payload_len: usize,
    flow: u32,
) {
    let word = (6u32 << 28) | (flow & 0xf_ffff);
    out.extend_from_slice(&word.to_be_bytes());
    let len = u16::try_from(payload_len).expect("fits a datagram");
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&[next, 64]);
    out.extend_from_slice(&src.octets());
    out.extend_from_slice(&dst.octets());
}

/// A TCP segment (header, `options` padded to 4 bytes, payload) with a
/// correct checksum for `src` → `dst`.
#[allow(clippy::too_many_arguments)]
fn tcp_segment(
    src: IpAddr,
    dst: IpAddr,
    ports: (u16, u16),
    seq: u32,
    ack: u32,
    flags: u8,
    window: u16,
    options: &[u8],
    payload: &[u8],
) -> Vec<u8> {
    let mut options = options.to_vec();
    while !options.len().is_multiple_of(4) {
        options.push(0); // End of option list
    }
    let header_len = 20 + options.len();
    let mut seg = Vec::with_capacity(header_len + payload.len());
    seg.extend_from_slice(&ports.0.to_be_bytes());
    seg.extend_from_slice(&ports.1.to_be_bytes());
    seg.extend_from_slice(&seq.to_be_bytes());
    seg.extend_from_slice(&ack.to_be_bytes());
    let offset = u8::try_from(header_len / 4).expect("at most 15 words");
    seg.extend_from_slice(&[offset << 4, flags]);
    seg.extend_from_slice(&window.to_be_bytes());
    seg.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    seg.extend_from_slice(&options);
    seg.extend_from_slice(payload);
    let sum = segment_checksum(&seg, src, dst, IpProtocol::Tcp)
        .expect("same address family");
    seg[16..18].copy_from_slice(&sum.to_be_bytes());
    seg
}

/// A UDP datagram with a correct checksum for `src` → `dst`.
fn udp_datagram(
    src: IpAddr,
    dst: IpAddr,
    ports: (u16, u16),
    payload: &[u8],
) -> Vec<u8> {
    let len = u16::try_from(8 + payload.len()).expect("fits a datagram");
    let mut dgram = Vec::with_capacity(8 + payload.len());
    dgram.extend_from_slice(&ports.0.to_be_bytes());
    dgram.extend_from_slice(&ports.1.to_be_bytes());
    dgram.extend_from_slice(&len.to_be_bytes());
    dgram.extend_from_slice(&[0, 0]);
    dgram.extend_from_slice(payload);
    let mut sum = segment_checksum(&dgram, src, dst, IpProtocol::Udp)
        .expect("same address family");
    if sum == 0 {
        sum = 0xffff; // RFC 768: a computed 0 is sent as all ones
    }
    dgram[6..8].copy_from_slice(&sum.to_be_bytes());
    dgram
}

/// A whole Ethernet + IPv4 frame around a transport segment.
fn ipv4_frame(
    macs: ([u8; 6], [u8; 6]),
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: u8,
    segment: &[u8],
    id: u16,
) -> Vec<u8> {
    let mut f = Vec::with_capacity(34 + segment.len());
    ethernet(&mut f, macs.1, macs.0, ETHERTYPE_IPV4);
    ipv4(&mut f, src, dst, protocol, segment.len(), id);
    f.extend_from_slice(segment);
    f
}

/// Pads to the 60-byte Ethernet minimum, as a NIC does (not on `lo`).
fn pad(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < 60 {
        frame.resize(60, 0);
    }
    frame
}

/// The SYN options Linux sends: MSS, SACK permitted, timestamps, NOP,
/// window scale.
fn syn_options(mss: u16, tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![2, 4];
    o.extend_from_slice(&mss.to_be_bytes());
    o.extend_from_slice(&[4, 2, 8, 10]);
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o.extend_from_slice(&[1, 3, 3, 7]);
    o
}

/// NOP, NOP, timestamps: what every later segment carries.
fn ts_options(tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![1, 1, 8, 10];
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o
}

const NAMES: [&str; 6] = [
    "localhost",
    "example.org",
    "chat.example.org",
    "conference.example.org",
    "www.debian.org",
    "deb.debian.org",
];

const BODIES: [&str; 6] = [
    "hi",
    "are you there?",
    "the packet left my machine at 16:00:01",
    "see lesson 7: every layer wraps the one above",
    "ok",
    "Sockets are just file descriptors with an address attached.",
];

/// A DNS message: a query for `name`, or a response with `answers` A
/// records that point back at the question's name (0xc00c).
fn dns_message(id: u16, name: &str, qtype: u16, answers: u16) -> Vec<u8> {
    let mut m = Vec::with_capacity(64);
    m.extend_from_slice(&id.to_be_bytes());
    let flags: u16 = if answers > 0 { 0x8180 } else { 0x0100 };
    m.extend_from_slice(&flags.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes());
    m.extend_from_slice(&answers.to_be_bytes());
    m.extend_from_slice(&[0, 0, 0, 0]);
    for label in name.split('.') {
        m.push(u8::try_from(label.len()).expect("short label"));
        m.extend_from_slice(label.as_bytes());
    }
    m.push(0);
    m.extend_from_slice(&qtype.to_be_bytes());
    m.extend_from_slice(&1u16.to_be_bytes()); // IN
    for i in 0..answers {
        m.extend_from_slice(&[0xc0, 0x0c]); // compressed: the question name
        m.extend_from_slice(&1u16.to_be_bytes()); // A
        m.extend_from_slice(&1u16.to_be_bytes()); // IN
        m.extend_from_slice(&300u32.to_be_bytes());
        m.extend_from_slice(&4u16.to_be_bytes());
        m.extend_from_slice(&[93, 184, 215, 14 + i as u8]);
    }
    m
}

/// State that makes consecutive frames look like conversations.
struct Generator {
    rng: Rng,
    ip_id: u16,
    seq: [u32; 2],
    ts: u32,
}

impl Generator {
    fn id(&mut self) -> u16 {
        self.ip_id = self.ip_id.wrapping_add(1);
        self.ip_id
    }

    /// One frame and its length on the wire.
    fn frame(&mut self) -> (Vec<u8>, u32) {
        let kind = self.rng.below(100);
        let frame = match kind {
            0..36 => self.xmpp(),
            36..46 => self.handshake(),
            46..56 => self.bulk(),
            56..70 => self.dns(),
            70..80 => self.v6(),
            80..88 => self.arp(),
            88..96 => self.icmp(),
            96..98 => self.malformed(),
            _ => {
                let whole = self.bulk();
                let orig = u32::try_from(whole.len()).expect("small");
                let keep = 14 + self.rng.below(60) as usize;
                let mut cut = whole;
                cut.truncate(keep);
                return (cut, orig);
            }
        };
        let len = u32::try_from(frame.len()).expect("small");
        (frame, len)
    }

    fn xmpp(&mut self) -> Vec<u8> {
        let lo = Ipv4Addr::LOCALHOST;
        let client = 40_000 + self.rng.below(16) as u16;
        let to_server = self.rng.below(2) == 0;
        let (ports, dir) = if to_server {
            ((client, 5222), 0)
        } else {
            ((5222, client), 1)
        };
        self.ts = self.ts.wrapping_add(1);
        let opts = ts_options(self.ts, self.ts.wrapping_sub(3));
        let payload = match self.rng.below(8) {
            0..4 => {
                let body = BODIES[self.rng.below(BODIES.len() as u64) as usize];
                format!(
                    "<message to='b@localhost' from='a@localhost/laptop' \
                     type='chat' id='m{}'><body>{body}</body></message>",
                    self.rng.below(100_000)
                )
            }
            4 => "<presence/>".to_string(),
            5 => format!(
                "<iq type='get' id='ping{}'><ping xmlns='urn:xmpp:ping'/></iq>",
                self.rng.below(1000)
            ),
            _ => String::new(), // the ACK for the other side's stanza
        };
        let flags = if payload.is_empty() { ACK } else { PSH | ACK };
        let seq = self.seq[dir];
        self.seq[dir] = seq.wrapping_add(payload.len() as u32);
        let seg = tcp_segment(
            lo.into(),
            lo.into(),
            ports,
            seq,
            self.seq[1 - dir],
            flags,
            512,
            &opts,
            payload.as_bytes(),
        );
        ipv4_frame((LOOPBACK_MAC, LOOPBACK_MAC), lo, lo, 6, &seg, self.id())
    }

    fn handshake(&mut self) -> Vec<u8> {
        let client = Ipv4Addr::new(172, 17, 0, 2);
        let server = Ipv4Addr::new(172, 17, 0, 1);
        let port = 32_768 + self.rng.below(28_000) as u16;
        let isn = self.rng.next() as u32;
        self.ts = self.ts.wrapping_add(1);
        let (seg, from_client) = match self.rng.below(4) {
            0 | 1 => (
                tcp_segment(
                    client.into(),
                    server.into(),
                    (port, 5222),
                    isn,
                    0,
                    SYN,
                    64_240,
                    &syn_options(1460, self.ts, 0),
                    &[],
                ),
                true,
            ),
            2 => (
                tcp_segment(
                    server.into(),
                    client.into(),
                    (5222, port),
                    isn,
                    isn ^ 0x5555,
                    SYN | ACK,
                    65_160,
                    &syn_options(1460, self.ts, self.ts.wrapping_sub(1)),
                    &[],
                ),
                false,
            ),
            _ => (
                tcp_segment(
                    client.into(),
                    server.into(),
                    (port, 5222),
                    isn,
                    isn ^ 0x5555,
                    FIN | ACK,
                    502,
                    &ts_options(self.ts, self.ts.wrapping_sub(1)),
                    &[],
                ),
                true,
            ),
        };
        let (macs, src, dst) = if from_client {
            ((HOST_MAC, GATEWAY_MAC), client, server)
        } else {
            ((GATEWAY_MAC, HOST_MAC), server, client)
        };
        pad(ipv4_frame(macs, src, dst, 6, &seg, self.id()))
    }

    fn bulk(&mut self) -> Vec<u8> {
        let me = Ipv4Addr::new(192, 168, 1, 20);
        let web = Ipv4Addr::new(151, 101, 2, 132);
        let len = [0usize, 517, 1448, 1448, 93][self.rng.below(5) as usize];
        let mut payload = vec![0u8; len];
        self.rng.fill(&mut payload);
        if len > 5 {
            payload[..5].copy_from_slice(&[0x17, 0x03, 0x03, 0, 0]); // TLS
        }
        self.ts = self.ts.wrapping_add(1);
        let down = self.rng.below(3) != 0;
        let (src, dst, ports) = if down {
            (web, me, (443, 51_000))
        } else {
            (me, web, (51_000, 443))
        };
        let seq = self.seq[0];
        self.seq[0] = seq.wrapping_add(len as u32);
        let seg = tcp_segment(
            src.into(),
            dst.into(),
            ports,
            seq,
            self.seq[1],
            if len > 0 { PSH | ACK } else { ACK },
            501,
            &ts_options(self.ts, self.ts.wrapping_sub(7)),
            &payload,
        );
        let macs = if down {
            (GATEWAY_MAC, HOST_MAC)
        } else {
            (HOST_MAC, GATEWAY_MAC)
        };
        pad(ipv4_frame(macs, src, dst, 6, &seg, self.id()))
    }

    fn dns(&mut self) -> Vec<u8> {
        let me = Ipv4Addr::new(192, 168, 1, 20);
        let resolver = Ipv4Addr::new(192, 168, 1, 1);
        let name = NAMES[self.rng.below(NAMES.len() as u64) as usize];
        let id = self.rng.next() as u16;
        let qtype = if self.rng.below(3) == 0 { 28 } else { 1 }; // AAAA, A
        let port = 40_000 + self.rng.below(20_000) as u16;
        if self.rng.below(2) == 0 {
            let msg = dns_message(id, name, qtype, 0);
            let dg = udp_datagram(me.into(), resolver.into(), (port, 53), &msg);
            pad(ipv4_frame(
                (HOST_MAC, GATEWAY_MAC),
                me,
                resolver,
                17,
                &dg,
                self.id(),
            ))
        } else {
            let answers = 1 + self.rng.below(3) as u16;
            let msg = dns_message(id, name, 1, answers);
            let dg = udp_datagram(resolver.into(), me.into(), (53, port), &msg);
            pad(ipv4_frame(
                (GATEWAY_MAC, HOST_MAC),
                resolver,
                me,
                17,
                &dg,
                self.id(),
            ))
        }
    }

    fn v6(&mut self) -> Vec<u8> {
        let a = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0x20);
        let b = Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 0x1);
        let (next, payload) = if self.rng.below(2) == 0 {
            self.ts = self.ts.wrapping_add(1);
            let body = BODIES[self.rng.below(BODIES.len() as u64) as usize];
            let stanza = format!(
                "<message to='b@example.org' type='chat'>\
                 <body>{body}</body></message>"
            );
            let seq = self.seq[1];
            self.seq[1] = seq.wrapping_add(stanza.len() as u32);
            let seg = tcp_segment(
                a.into(),
                b.into(),
                (50_222, 5222),
                seq,
                self.seq[0],
                PSH | ACK,
                502,
                &ts_options(self.ts, self.ts.wrapping_sub(2)),
                stanza.as_bytes(),
            );
            (6, seg)
        } else {
            let name = NAMES[self.rng.below(NAMES.len() as u64) as usize];
            let msg = dns_message(self.rng.next() as u16, name, 28, 0);
            (17, udp_datagram(a.into(), b.into(), (53_530, 53), &msg))
        };
        let mut f = Vec::with_capacity(54 + payload.len());
        ethernet(&mut f, GATEWAY_MAC, HOST_MAC, ETHERTYPE_IPV6);
        let flow = self.rng.next() as u32;
        ipv6(&mut f, a, b, next, payload.len(), flow);
        f.extend_from_slice(&payload);
        f
    }

    fn arp(&mut self) -> Vec<u8> {
        let me = Ipv4Addr::new(192, 168, 1, 20);
        let target = Ipv4Addr::new(192, 168, 1, 1 + self.rng.below(20) as u8);
        let reply = self.rng.below(2) == 0;
        let mut f = Vec::with_capacity(60);
        let (dst_mac, src_mac) = if reply {
            (HOST_MAC, GATEWAY_MAC)
        } else {
            (BROADCAST_MAC, HOST_MAC)
        };
        ethernet(&mut f, dst_mac, src_mac, ETHERTYPE_ARP);
        f.extend_from_slice(&[
            0,
            1,
            0x08,
            0x00,
            6,
            4,
            0,
            if reply { 2 } else { 1 },
        ]);
        if reply {
            f.extend_from_slice(&GATEWAY_MAC);
            f.extend_from_slice(&target.octets());
            f.extend_from_slice(&HOST_MAC);
            f.extend_from_slice(&me.octets());
        } else {
            f.extend_from_slice(&HOST_MAC);
            f.extend_from_slice(&me.octets());
            f.extend_from_slice(&[0; 6]);
            f.extend_from_slice(&target.octets());
        }
        pad(f)
    }

    fn icmp(&mut self) -> Vec<u8> {
        let me = Ipv4Addr::new(192, 168, 1, 20);
        let peer = Ipv4Addr::new(9, 9, 9, 9);
        let reply = self.rng.below(2) == 0;
        let mut msg = vec![if reply { 0 } else { 8 }, 0, 0, 0];
        msg.extend_from_slice(&0x1234u16.to_be_bytes());
        msg.extend_from_slice(&((self.ts & 0xffff) as u16).to_be_bytes());
        let mut data = [0u8; 56];
        for (i, b) in data.iter_mut().enumerate() {
            *b = 0x10 + i as u8;
        }
        msg.extend_from_slice(&data);
        let sum = internet_checksum(&msg);
        msg[2..4].copy_from_slice(&sum.to_be_bytes());
        let (macs, src, dst) = if reply {
            ((GATEWAY_MAC, HOST_MAC), peer, me)
        } else {
            ((HOST_MAC, GATEWAY_MAC), me, peer)
        };
        ipv4_frame(macs, src, dst, 1, &msg, self.id())
    }

    fn malformed(&mut self) -> Vec<u8> {
        let mut f = self.handshake();
        f[14] = 0x40 | self.rng.below(5) as u8; // IHL 0..4 words: below 20
        f
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "capture.pcap".to_string());
    let count: u64 = match args.next() {
        Some(n) => n.replace('_', "").parse()?,
        None => 1_000_000,
    };
    let header = PcapHeader {
        snaplen: 65_535,
        datalink: DataLink::ETHERNET,
        ts_resolution: TsResolution::MicroSecond,
        endianness: Endianness::Little,
        ..PcapHeader::default()
    };
    let file = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    let mut writer = PcapWriter::with_header(file, header)?;
    let mut g = Generator {
        rng: Rng(0x6e65_746c_6162_2024), // "netlab" 2024: any nonzero seed
        ip_id: 0,
        seq: [1_000_000, 2_000_000],
        ts: 1_000,
    };
    // 2025-11-24 16:00:00 UTC.
    let mut time = Duration::from_secs(1_764_000_000);
    let mut bytes = 0u64;
    for _ in 0..count {
        let (frame, orig_len) = g.frame();
        time += Duration::from_micros(1 + g.rng.below(200));
        bytes += frame.len() as u64;
        writer.write_packet(&PcapPacket::new(time, orig_len, &frame))?;
    }
    drop(writer.into_writer().into_inner()?);
    eprintln!("wrote {count} frames ({bytes} bytes of frames) to {path}");
    Ok(())
}
