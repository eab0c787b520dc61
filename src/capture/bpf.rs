//! The capture filter: a classic BPF program the kernel runs on every
//! frame, built here instruction by instruction.
//!
//! A packet socket receives every frame of its interface. [`super::live`]
//! attaches this program to the socket (`SO_ATTACH_FILTER`, `socket(7)`)
//! before the first frame arrives, and from then on the kernel runs it on
//! each frame and queues only what it keeps: the second copy of every
//! packet on `lo` never reaches us, nor, with `--port`, any other port's
//! traffic. That is how tcpdump filters too: `tcpdump -d 'port 5222'`
//! prints its program in the notation [`filter_program`]'s listing uses.
//!
//! Classic BPF is a machine small enough to learn in one sitting: an
//! accumulator, an index register, loads from the frame, forward jumps and
//! a return that says how many bytes to keep. [`filter_program`] explains
//! each instruction it emits; a small assembler turns named jump targets
//! into the distances the kernel wants, so no offset is counted by hand;
//! and the tests run every program on an interpreter with the kernel's
//! rules, frame by frame.
//!
//! Read before: [`super::live`] (the socket this program is attached to).
//! Read next: [`crate::wire`], which takes apart the frames it lets
//! through. Book: lesson 7. Run: `cargo test --lib capture::bpf`, or
//! `netlab capture --iface lo --port 5222` (needs `CAP_NET_RAW`).
//!
//! Specs: the kernel's [filter.rst] (classic BPF and its ancillary loads),
//! `packet(7)` (`sll_pkttype`), `socket(7)` (`SO_ATTACH_FILTER`); the
//! header offsets come from [RFC 791 § 3.1] (IPv4), [RFC 8200 § 3] (IPv6)
//! and the first four bytes of TCP and UDP ([RFC 9293 § 3.1], [RFC 768]).
//!
//! [filter.rst]: https://www.kernel.org/doc/html/latest/networking/filter.html
//! [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
//! [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
//! [RFC 9293 § 3.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.1
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use libc::{
    BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
    BPF_LDX, BPF_MSH, BPF_RET, BPF_W, sock_filter,
};

use super::LinkType;
use super::live::SNAPLEN;

/// `PACKET_OUTGOING` in `<linux/if_packet.h>`: the packet type (`sll_pkttype`
/// in `packet(7)`) of a copy the interface is *sending*. The libc crate does
/// not have it.
const PACKET_OUTGOING: u32 = 4;

/// The classic BPF program the kernel runs on every frame before queueing
/// it for our socket, as tcpdump does: it returns how many bytes of the
/// frame to keep, 0 to drop it.
///
/// Classic BPF (`filter.rst` in the kernel documentation) is a tiny machine
/// with an accumulator `A`, an index register `X`, loads from the frame
/// (`ldh [12]`: the 16 bits at offset 12, big-endian) and forward jumps
/// (`jt`/`jf`: how many instructions to skip when the test is true/false).
/// Loads past the end of the frame drop it.
///
/// **On a loopback interface** the program first drops the copy the kernel
/// hands us as `lo` *sends* a packet. A packet socket sees each frame as
/// the interface transmits it and as it receives it; on a network card those
/// are different frames, but what `lo` transmits it immediately receives
/// back, so every packet would be seen twice. The kernel labels each copy
/// (`sll_pkttype`, `packet(7)`), and the program reads that label with an
/// *ancillary load* (`SKF_AD_OFF + SKF_AD_PKTTYPE`, "ld #pktType") and drops
/// `PACKET_OUTGOING`, the same copy tcpdump drops.
///
/// **With a port**, it keeps only TCP and UDP (IP protocol 6 and 17) to or
/// from that port: over IPv4, unless the packet is a later fragment (which
/// carries no ports), and over IPv6 when the TCP or UDP header comes right
/// after the IPv6 header (no extension headers). Everything else, ARP and
/// ICMP included, is dropped.
///
/// `linktype` says where the IP header starts: after the 14-byte Ethernet
/// header (whose type field, at offset 12, says IPv4 or IPv6), or at offset
/// 0 for [`LinkType::RAW`], where the kernel's protocol field
/// (`SKF_AD_PROTOCOL`, "ld #proto") says which.
///
/// For `lo`, port 5222 the program reads (as `tcpdump -d` prints it):
///
/// ```text
/// (000) ld       #pktType
/// (001) jeq      #0x4             jt 23   jf 2    ; outgoing: drop
/// (002) ldh      [12]                             ; EtherType
/// (003) jeq      #0x800           jt 4    jf 14   ; IPv4?
/// (004) ldb      [23]                             ; IPv4 protocol
/// (005) jeq      #0x6             jt 7    jf 6    ; TCP?
/// (006) jeq      #0x11            jt 7    jf 23   ; UDP?
/// (007) ldh      [20]                             ; flags, fragment offset
/// (008) jset     #0x1fff          jt 23   jf 9    ; later fragment: drop
/// (009) ldxb     4*([14]&0xf)                     ; X = IPv4 header length
/// (010) ldh      [x + 14]                         ; source port
/// (011) jeq      #0x1466          jt 22   jf 12   ; 5222?
/// (012) ldh      [x + 16]                         ; destination port
/// (013) jeq      #0x1466          jt 22   jf 23   ; 5222?
/// (014) jeq      #0x86dd          jt 15   jf 23   ; IPv6?
/// (015) ldb      [20]                             ; IPv6 next header
/// (016) jeq      #0x6             jt 18   jf 17   ; TCP?
/// (017) jeq      #0x11            jt 18   jf 23   ; UDP?
/// (018) ldh      [54]                             ; source port
/// (019) jeq      #0x1466          jt 22   jf 20   ; 5222?
/// (020) ldh      [56]                             ; destination port
/// (021) jeq      #0x1466          jt 22   jf 23   ; 5222?
/// (022) ret      #262144                          ; keep (SNAPLEN bytes)
/// (023) ret      #0                               ; drop
/// ```
///
/// A jump's `jt 22` names the instruction it goes to, as tcpdump shows it;
/// the program itself stores the distance (here 22 - 11 - 1 = 10). The test
/// `the_documented_listing_is_the_program` keeps this listing true.
pub fn filter_program(
    linktype: LinkType,
    loopback: bool,
    port: Option<u16>,
) -> Vec<sock_filter> {
    use Label::{Accept, Drop, Ipv6, Next, Ports4, Ports6};

    /// `ret #SNAPLEN`: keep the frame, up to this many bytes.
    const KEEP: u32 = SNAPLEN as u32;
    const JEQ: u32 = BPF_JMP | BPF_JEQ | BPF_K;
    const JSET: u32 = BPF_JMP | BPF_JSET | BPF_K;
    const LD_W: u32 = BPF_LD | BPF_W | BPF_ABS;
    const LD_H: u32 = BPF_LD | BPF_H | BPF_ABS;
    const LD_B: u32 = BPF_LD | BPF_B | BPF_ABS;
    const LD_H_X: u32 = BPF_LD | BPF_H | BPF_IND;
    const LDX_MSH: u32 = BPF_LDX | BPF_B | BPF_MSH;
    const RET: u32 = BPF_RET | BPF_K;
    /// EtherTypes, in `<linux/if_ether.h>` as `c_int`.
    const IPV4: u32 = libc::ETH_P_IP as u32;
    const IPV6: u32 = libc::ETH_P_IPV6 as u32;
    /// IP protocol numbers (IANA), as IPv4's protocol and IPv6's next header.
    const TCP: u32 = libc::IPPROTO_TCP as u32;
    const UDP: u32 = libc::IPPROTO_UDP as u32;

    if !loopback && port.is_none() {
        return vec![insn(RET, 0, 0, KEEP)];
    }
    let ethernet = linktype == LinkType::ETHERNET;
    // Where the IP header starts.
    let ip = if ethernet { 14 } else { 0 };

    let mut asm = Assembler::default();
    if loopback {
        asm.stmt(LD_W, ancillary(libc::SKF_AD_PKTTYPE)); // ld #pktType
        asm.jump(JEQ, PACKET_OUTGOING, Drop, Next); // jeq #4: outgoing
    }
    if let Some(port) = port {
        let port = u32::from(port);
        if ethernet {
            asm.stmt(LD_H, 12); // ldh [12]: EtherType
        } else {
            asm.stmt(LD_W, ancillary(libc::SKF_AD_PROTOCOL)); // ld #proto
        }
        asm.jump(JEQ, IPV4, Next, Ipv6); // jeq #0x800
        asm.stmt(LD_B, ip + 9); // ldb [23]: IPv4 protocol
        asm.jump(JEQ, TCP, Ports4, Next); // jeq #6
        asm.jump(JEQ, UDP, Ports4, Drop); // jeq #17
        asm.label(Ports4);
        asm.stmt(LD_H, ip + 6); // ldh [20]: flags and fragment offset
        asm.jump(JSET, 0x1fff, Drop, Next); // jset #0x1fff: later fragment
        asm.stmt(LDX_MSH, ip); // ldxb 4*([14]&0xf): IPv4 header length
        asm.stmt(LD_H_X, ip); // ldh [x+14]: source port
        asm.jump(JEQ, port, Accept, Next); // jeq #port
        asm.stmt(LD_H_X, ip + 2); // ldh [x+16]: destination port
        asm.jump(JEQ, port, Accept, Drop); // jeq #port
        asm.label(Ipv6); // A still holds the EtherType
        asm.jump(JEQ, IPV6, Next, Drop); // jeq #0x86dd
        asm.stmt(LD_B, ip + 6); // ldb [20]: IPv6 next header
        asm.jump(JEQ, TCP, Ports6, Next); // jeq #6
        asm.jump(JEQ, UDP, Ports6, Drop); // jeq #17
        asm.label(Ports6);
        asm.stmt(LD_H, ip + 40); // ldh [54]: source port
        asm.jump(JEQ, port, Accept, Next); // jeq #port
        asm.stmt(LD_H, ip + 42); // ldh [56]: destination port
        asm.jump(JEQ, port, Accept, Drop); // jeq #port
    }
    asm.label(Accept);
    asm.stmt(RET, KEEP); // ret #262144
    asm.label(Drop);
    asm.stmt(RET, 0); // ret #0
    asm.finish()
}

/// The `k` of an ancillary load: not an offset in the frame but a field
/// the kernel keeps about it (`SKF_AD_*` in `<linux/filter.h>`), addressed
/// from `SKF_AD_OFF` (-4096) up.
fn ancillary(field: libc::c_int) -> u32 {
    (libc::SKF_AD_OFF + field).cast_unsigned()
}

/// One instruction; the `BPF_*` codes are `u32` in libc, 16 bits in the
/// kernel.
fn insn(code: u32, jt: u8, jf: u8, k: u32) -> sock_filter {
    sock_filter {
        code: u16::try_from(code).unwrap_or(u16::MAX),
        jt,
        jf,
        k,
    }
}

/// Where a jump in [`filter_program`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    /// The instruction right after the jump.
    Next,
    /// IPv4 carrying TCP or UDP: is it a fragment?
    Ports4,
    /// Not IPv4: is it IPv6?
    Ipv6,
    /// IPv6 carrying TCP or UDP: the ports.
    Ports6,
    /// `ret #262144`.
    Accept,
    /// `ret #0`.
    Drop,
}

/// Writes a program with named jump targets and turns them into the
/// distances classic BPF stores, so no offset is counted by hand.
#[derive(Default)]
struct Assembler {
    /// Code, true target, false target, `k`.
    code: Vec<(u32, Label, Label, u32)>,
    /// Where each label was placed.
    labels: Vec<(Label, usize)>,
}

impl Assembler {
    /// An instruction that does not jump.
    fn stmt(&mut self, code: u32, k: u32) {
        self.code.push((code, Label::Next, Label::Next, k));
    }

    /// A conditional jump.
    fn jump(&mut self, code: u32, k: u32, jt: Label, jf: Label) {
        self.code.push((code, jt, jf, k));
    }

    /// Names the next instruction.
    fn label(&mut self, label: Label) {
        self.labels.push((label, self.code.len()));
    }

    /// The program, jumps resolved.
    ///
    /// # Panics
    ///
    /// If a label is used but never placed, placed before its jump, or more
    /// than 255 instructions after it: mistakes in [`filter_program`]
    /// itself, which its tests would show.
    fn finish(self) -> Vec<sock_filter> {
        let distance = |from: usize, to: Label| -> u8 {
            if to == Label::Next {
                return 0;
            }
            let (_, at) = self
                .labels
                .iter()
                .find(|(l, _)| *l == to)
                .expect("every label used is placed");
            let skip = at
                .checked_sub(from + 1)
                .expect("classic BPF jumps forward only");
            u8::try_from(skip).expect("a jump skips at most 255")
        };
        self.code
            .iter()
            .enumerate()
            .map(|(i, &(code, jt, jf, k))| {
                insn(code, distance(i, jt), distance(i, jf), k)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `PACKET_HOST` in `<linux/if_packet.h>`: a copy addressed to us.
    const PACKET_HOST: u32 = 0;

    /// What the kernel knows about a frame besides its bytes, for the
    /// ancillary loads.
    #[derive(Clone, Copy, Debug)]
    struct Meta {
        pkttype: u32,
        /// The EtherType the kernel noted (`skb->protocol`).
        protocol: u32,
    }

    const HOST_V4: Meta = Meta {
        pkttype: PACKET_HOST,
        protocol: 0x0800,
    };

    /// A classic BPF interpreter for the instructions [`filter_program`]
    /// uses, with the kernel's semantics: it returns how many bytes to keep,
    /// and a load past the end of the frame drops it (returns 0).
    fn run(program: &[sock_filter], frame: &[u8], meta: Meta) -> u32 {
        let load = |offset: u32, size: usize| -> Option<u32> {
            let start = usize::try_from(offset).ok()?;
            let bytes = frame.get(start..start.checked_add(size)?)?;
            Some(bytes.iter().fold(0, |v, &b| v << 8 | u32::from(b)))
        };
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        loop {
            let i = program[pc];
            pc += 1;
            let code = u32::from(i.code);
            let loaded = match code {
                c if c == BPF_LD | BPF_W | BPF_ABS
                    && i.k == ancillary(libc::SKF_AD_PKTTYPE) =>
                {
                    Some(meta.pkttype)
                }
                c if c == BPF_LD | BPF_W | BPF_ABS
                    && i.k == ancillary(libc::SKF_AD_PROTOCOL) =>
                {
                    Some(meta.protocol)
                }
                c if c == BPF_LD | BPF_W | BPF_ABS => load(i.k, 4),
                c if c == BPF_LD | BPF_H | BPF_ABS => load(i.k, 2),
                c if c == BPF_LD | BPF_B | BPF_ABS => load(i.k, 1),
                c if c == BPF_LD | BPF_H | BPF_IND => load(x + i.k, 2),
                c if c == BPF_LDX | BPF_B | BPF_MSH => match load(i.k, 1) {
                    Some(b) => {
                        x = 4 * (b & 0xf);
                        continue;
                    }
                    None => None,
                },
                c if c == BPF_JMP | BPF_JEQ | BPF_K => {
                    pc += usize::from(if a == i.k { i.jt } else { i.jf });
                    continue;
                }
                c if c == BPF_JMP | BPF_JSET | BPF_K => {
                    pc += usize::from(if a & i.k != 0 { i.jt } else { i.jf });
                    continue;
                }
                c if c == BPF_RET | BPF_K => return i.k,
                other => panic!("instruction {other:#x} not interpreted"),
            };
            match loaded {
                Some(value) => a = value,
                None => return 0,
            }
        }
    }

    /// The program as `tcpdump -d` prints it.
    fn disassemble(program: &[sock_filter]) -> String {
        let mut out = String::new();
        for (n, i) in program.iter().enumerate() {
            let code = u32::from(i.code);
            let jumps = |op: &str| {
                format!(
                    "{op:<8} #{:<15} jt {:<4} jf {}",
                    format!("{:#x}", i.k),
                    n + 1 + usize::from(i.jt),
                    n + 1 + usize::from(i.jf)
                )
            };
            let text = match code {
                c if c == BPF_LD | BPF_W | BPF_ABS
                    && i.k == ancillary(libc::SKF_AD_PKTTYPE) =>
                {
                    "ld       #pktType".to_string()
                }
                c if c == BPF_LD | BPF_W | BPF_ABS
                    && i.k == ancillary(libc::SKF_AD_PROTOCOL) =>
                {
                    "ld       #proto".to_string()
                }
                c if c == BPF_LD | BPF_W | BPF_ABS => {
                    format!("ld       [{}]", i.k)
                }
                c if c == BPF_LD | BPF_H | BPF_ABS => {
                    format!("ldh      [{}]", i.k)
                }
                c if c == BPF_LD | BPF_B | BPF_ABS => {
                    format!("ldb      [{}]", i.k)
                }
                c if c == BPF_LD | BPF_H | BPF_IND => {
                    format!("ldh      [x + {}]", i.k)
                }
                c if c == BPF_LDX | BPF_B | BPF_MSH => {
                    format!("ldxb     4*([{}]&0xf)", i.k)
                }
                c if c == BPF_JMP | BPF_JEQ | BPF_K => jumps("jeq"),
                c if c == BPF_JMP | BPF_JSET | BPF_K => jumps("jset"),
                c if c == BPF_RET | BPF_K => format!("ret      #{}", i.k),
                other => format!("?? {other:#x}"),
            };
            out += &format!("({n:03}) {text}\n");
        }
        out
    }

    /// An Ethernet frame as `lo` carries it: zero MACs, then `ethertype`
    /// and `payload`.
    fn ethernet(ethertype: u16, payload: &[u8]) -> Vec<u8> {
        let mut frame = vec![0; 12];
        frame.extend(ethertype.to_be_bytes());
        frame.extend(payload);
        frame
    }

    /// An IPv4 packet: a header of `ihl` 32-bit words (options zero),
    /// `protocol`, the flags-and-fragment-offset field `frag`, then a
    /// transport header starting with the two ports.
    fn ipv4(protocol: u8, ihl: u8, frag: u16, ports: (u16, u16)) -> Vec<u8> {
        let mut packet = vec![0; usize::from(ihl) * 4];
        packet[0] = 0x40 | ihl;
        packet[6..8].copy_from_slice(&frag.to_be_bytes());
        packet[8] = 64;
        packet[9] = protocol;
        packet[12..16].copy_from_slice(&[127, 0, 0, 1]);
        packet[16..20].copy_from_slice(&[127, 0, 0, 1]);
        packet.extend(ports.0.to_be_bytes());
        packet.extend(ports.1.to_be_bytes());
        packet.extend([0; 16]); // the rest of a TCP header
        packet
    }

    /// An IPv6 packet with next header `next`, then the two ports.
    fn ipv6(next: u8, ports: (u16, u16)) -> Vec<u8> {
        let mut packet = vec![0; 40];
        packet[0] = 0x60;
        packet[6] = next;
        packet[7] = 64;
        packet[23] = 1; // ::1
        packet[39] = 1;
        packet.extend(ports.0.to_be_bytes());
        packet.extend(ports.1.to_be_bytes());
        packet.extend([0; 16]);
        packet
    }

    const TCP: u8 = 6;
    const UDP: u8 = 17;
    const KEEP: u32 = SNAPLEN as u32;

    #[test]
    fn every_program_is_well_formed() {
        for linktype in [LinkType::ETHERNET, LinkType::RAW] {
            for loopback in [false, true] {
                for port in [None, Some(0), Some(5222), Some(u16::MAX)] {
                    let program = filter_program(linktype, loopback, port);
                    let n = program.len();
                    assert!(n <= 64, "{n} instructions");
                    let last = program[n - 1];
                    assert_eq!(u32::from(last.code), BPF_RET | BPF_K);
                    for (at, i) in program.iter().enumerate() {
                        // BPF_CLASS: the low three bits.
                        if u32::from(i.code) & 0x07 != BPF_JMP {
                            continue;
                        }
                        // Every jump lands inside the program (they can
                        // only go forward).
                        let end = at + 1 + usize::from(i.jt.max(i.jf));
                        assert!(end < n, "{at}: past the end");
                    }
                }
            }
        }
    }

    #[test]
    fn the_program_has_the_expected_size() {
        let lo = |port| filter_program(LinkType::ETHERNET, true, port).len();
        let eth = |port| filter_program(LinkType::ETHERNET, false, port).len();
        assert_eq!(eth(None), 1);
        assert_eq!(lo(None), 4);
        assert_eq!(eth(Some(80)), 22);
        assert_eq!(lo(Some(80)), 24);
    }

    #[test]
    fn the_documented_listing_is_the_program() {
        let program = filter_program(LinkType::ETHERNET, true, Some(5222));
        let listing = disassemble(&program);
        // The listing in `filter_program`'s doc, without its comments.
        let doc: String = include_str!("bpf.rs")
            .lines()
            .skip_while(|l| !l.contains("/// (000) ld       #pktType"))
            .take_while(|l| l.starts_with("/// ("))
            .map(|l| {
                let l = l.trim_start_matches("/// ");
                let l = l.split(" ; ").next().unwrap_or(l);
                format!("{}\n", l.trim_end())
            })
            .collect();
        let listing: String = listing
            .lines()
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        assert_eq!(doc, listing, "\n{listing}");
    }

    #[test]
    fn loopback_keeps_the_incoming_copy_only() {
        let program = filter_program(LinkType::ETHERNET, true, None);
        let frame = ethernet(0x0800, &ipv4(TCP, 5, 0, (40000, 5222)));
        let outgoing = Meta {
            pkttype: PACKET_OUTGOING,
            ..HOST_V4
        };
        assert_eq!(run(&program, &frame, HOST_V4), KEEP);
        assert_eq!(run(&program, &frame, outgoing), 0);
        // ARP and anything else, too: no port asked for.
        assert_eq!(run(&program, &ethernet(0x0806, &[0; 28]), HOST_V4), KEEP);
    }

    #[test]
    fn other_interfaces_keep_both_directions() {
        let program = filter_program(LinkType::ETHERNET, false, Some(5222));
        let frame = ethernet(0x0800, &ipv4(TCP, 5, 0, (40000, 5222)));
        let outgoing = Meta {
            pkttype: PACKET_OUTGOING,
            ..HOST_V4
        };
        assert_eq!(run(&program, &frame, HOST_V4), KEEP);
        assert_eq!(run(&program, &frame, outgoing), KEEP);
    }

    #[test]
    fn a_port_keeps_its_tcp_and_udp_either_way() {
        let program = filter_program(LinkType::ETHERNET, true, Some(5222));
        let keeps = |payload: Vec<u8>, ethertype| {
            run(&program, &ethernet(ethertype, &payload), HOST_V4) == KEEP
        };
        // A SYN to the port, and the answer from it.
        assert!(keeps(ipv4(TCP, 5, 0, (40000, 5222)), 0x0800));
        assert!(keeps(ipv4(TCP, 5, 0x4000, (5222, 40000)), 0x0800)); // DF
        assert!(keeps(ipv4(UDP, 5, 0, (5222, 53)), 0x0800));
        // IPv4 options: the ports are further in.
        assert!(keeps(ipv4(TCP, 7, 0, (40000, 5222)), 0x0800));
        assert!(!keeps(ipv4(TCP, 7, 0, (40000, 5223)), 0x0800));
        assert!(keeps(ipv6(TCP, (40000, 5222)), 0x86dd));
        assert!(keeps(ipv6(UDP, (5222, 40000)), 0x86dd));

        // Another port, either family.
        assert!(!keeps(ipv4(TCP, 5, 0, (40000, 5201)), 0x0800));
        assert!(!keeps(ipv4(UDP, 5, 0, (5201, 40000)), 0x0800));
        assert!(!keeps(ipv6(TCP, (40000, 5201)), 0x86dd));
        // The port number, but not TCP or UDP (SCTP; ICMPv6).
        assert!(!keeps(ipv4(132, 5, 0, (40000, 5222)), 0x0800));
        assert!(!keeps(ipv6(58, (40000, 5222)), 0x86dd));
        // A later fragment: the "ports" are payload bytes.
        assert!(!keeps(ipv4(UDP, 5, 0x00b9, (40000, 5222)), 0x0800));
        // Not IP at all (ARP), and a frame cut short.
        assert!(!keeps(vec![0; 28], 0x0806));
        assert!(!keeps(
            ipv4(TCP, 5, 0, (40000, 5222))[..21].to_vec(),
            0x0800
        ));
    }

    #[test]
    fn a_port_drops_the_outgoing_copy_on_loopback() {
        let program = filter_program(LinkType::ETHERNET, true, Some(5222));
        let syn = ethernet(0x0800, &ipv4(TCP, 5, 0, (40000, 5222)));
        let outgoing = Meta {
            pkttype: PACKET_OUTGOING,
            ..HOST_V4
        };
        assert_eq!(run(&program, &syn, HOST_V4), KEEP);
        assert_eq!(run(&program, &syn, outgoing), 0);
    }

    #[test]
    fn raw_ip_interfaces_have_no_ethernet_header() {
        let program = filter_program(LinkType::RAW, false, Some(5222));
        let v6 = Meta {
            protocol: 0x86dd,
            ..HOST_V4
        };
        let keeps = |packet: &[u8], meta| run(&program, packet, meta) == KEEP;
        assert!(keeps(&ipv4(TCP, 5, 0, (40000, 5222)), HOST_V4));
        assert!(keeps(&ipv4(UDP, 6, 0, (5222, 40000)), HOST_V4));
        assert!(!keeps(&ipv4(TCP, 5, 0, (40000, 5223)), HOST_V4));
        assert!(keeps(&ipv6(TCP, (40000, 5222)), v6));
        assert!(!keeps(&ipv6(TCP, (40000, 5223)), v6));
    }
}
