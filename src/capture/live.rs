//! Live capture: frames from a network interface, as they pass.
//!
//! Where [`super::file`] reads frames someone captured earlier, this module
//! catches them now. It opens a Linux *packet socket* (`AF_PACKET`, see
//! `packet(7)`) with [`socket2`] and reads it through [`pnet_datalink`]: a
//! socket that receives a copy of every frame the interface sends or
//! receives, link-layer header included, before any IP or TCP processing.
//! That is also how `tcpdump` and Wireshark capture on Linux.
//!
//! Four things make live capture different from reading a file, and this
//! file deals with each one:
//!
//! 1. **Permission.** A packet socket sees everyone's traffic, so the kernel
//!    only opens one for a program holding the `CAP_NET_RAW` capability
//!    (`capabilities(7)`). Without it the answer is `EPERM`, which
//!    [`Error::NeedsCapNetRaw`] turns into the exact commands that fix it.
//! 2. **Waiting.** A file ends; an interface does not. [`Capture::next`] waits
//!    at most [`Options::read_timeout`] and returns `Ok(None)` when nothing
//!    came, so the caller can check for Ctrl-C or redraw.
//! 3. **Loopback echoes.** On Linux `lo` a packet socket receives every
//!    packet *twice*; the kernel drops the second copy for us, see
//!    [`filter_program`].
//! 4. **Keeping up.** The kernel queues frames for the socket in a buffer of
//!    fixed size and drops what does not fit. When another program floods
//!    the interface, the frames we care about are lost among the rest. So,
//!    like tcpdump, we hand the kernel a small *filter program* (classic
//!    BPF, see [`filter_program`]) that throws the rest away before it is
//!    queued, and ask for a larger buffer ([`RECV_BUFFER`]).
//!
//! Read before: [`super::interfaces`] (which interfaces exist) and
//! [`super::Frame`]. Read after: [`crate::wire`], which dissects the bytes.
//!
//! Book: lesson 7 (the OSI model: capture a real packet and dissect it).
//! Run: `netlab capture --iface lo` (needs `CAP_NET_RAW`).
//!
//! Specs: `packet(7)`, `capabilities(7)`, `socket(7)` (`SO_ATTACH_FILTER`,
//! `SO_RCVBUF`), the kernel's [filter.rst] (classic BPF); the link-type
//! numbers are tcpdump.org's [LINKTYPE_ list].
//!
//! [LINKTYPE_ list]: https://www.tcpdump.org/linktypes.html
//! [filter.rst]: https://www.kernel.org/doc/html/latest/networking/filter.html

use std::io;
use std::os::fd::IntoRawFd;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libc::{
    BPF_ABS, BPF_B, BPF_H, BPF_IND, BPF_JEQ, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
    BPF_LDX, BPF_MSH, BPF_RET, BPF_W, sock_filter,
};
use nix::sys::socket::{setsockopt, sockopt};
use pnet_datalink::{Channel, Config, DataLinkReceiver, NetworkInterface};
use socket2::{Domain, SockFilter, Socket, Type};

use super::{Frame, LinkType};

/// The most bytes one read keeps: 262,144, the same default snapshot length
/// as `tcpdump -s`. Linux `lo` has an MTU of 65,536 and may hand over even
/// larger TCP segments (GSO), so pnet's default 4,096-byte buffer would cut
/// most loopback frames short. A frame longer than this is cut to this many
/// bytes, and we cannot tell: pnet does not ask the kernel for the real
/// length (`MSG_TRUNC`), so [`Frame::orig_len`] is what we received.
pub const SNAPLEN: usize = 262_144;

/// How many bytes of frames the kernel may queue for us: 4 MiB (the kernel
/// doubles it for its own bookkeeping, `socket(7)`). The default, about
/// 200 KiB, holds only three 64 KiB loopback frames: one burst from a
/// benchmark and our own packets no longer fit. Beyond
/// `/proc/sys/net/core/rmem_max` only a program with `CAP_NET_ADMIN` may go
/// (`SO_RCVBUFFORCE`); without it we get what the limit allows.
pub const RECV_BUFFER: usize = 4 << 20;

/// `PACKET_OUTGOING` in `<linux/if_packet.h>`: the packet type (`sll_pkttype`
/// in `packet(7)`) of a copy the interface is *sending*. The libc crate does
/// not have it.
const PACKET_OUTGOING: u32 = 4;

/// `EPERM`, "Operation not permitted": the kernel's answer to `socket(2)`
/// for a packet socket without `CAP_NET_RAW` (`packet(7)`, ERRORS).
const EPERM: i32 = 1;
/// `EACCES`, "Permission denied": what some security modules answer instead.
const EACCES: i32 = 13;

/// What can go wrong while capturing live.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No interface has this name.
    #[error(
        "there is no interface named {name:?}; this machine has: {}",
        available.join(", ")
    )]
    NoSuchInterface {
        /// The name asked for.
        name: String,
        /// The names that do exist, as `ip link` would list them.
        available: Vec<String>,
    },
    /// The kernel refused to open a packet socket: this program lacks the
    /// `CAP_NET_RAW` capability.
    #[error(
        "raw capture needs the CAP_NET_RAW capability, which this program \
         does not have.\n\
         Either give it to the program once (again after every rebuild):\n    \
         sudo setcap cap_net_raw=eip {program}\n\
         or run it as root:\n    \
         sudo {program} …"
    )]
    NeedsCapNetRaw {
        /// The absolute path of the running program, ready to paste.
        program: String,
    },
    /// Any other system call failure, with what we were doing.
    #[error("{action} failed: {source}")]
    Io {
        /// What we were doing, e.g. `reading from lo`.
        action: String,
        /// The kernel's answer.
        #[source]
        source: io::Error,
    },
}

/// How to capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// How long [`Capture::next`] waits for a frame before it returns
    /// `Ok(None)`.
    pub read_timeout: Duration,
    /// Also keep frames addressed to *other* machines' MAC addresses, which
    /// the network card normally throws away. Matters on shared media (Wi-Fi,
    /// a hub); a switch only sends us our own frames anyway.
    pub promiscuous: bool,
    /// Keep only TCP and UDP over IPv4 or IPv6 to or from this port (either
    /// side), and let the kernel drop everything else before it reaches us,
    /// as `tcpdump port N` does. `None`: keep every frame.
    pub port: Option<u16>,
}

impl Default for Options {
    /// A quarter of a second, not promiscuous, every port.
    fn default() -> Options {
        Options {
            read_timeout: Duration::from_millis(250),
            promiscuous: false,
            port: None,
        }
    }
}

/// An open live capture on one interface.
pub struct Capture {
    /// The receiving half of pnet's channel; the sending half is dropped, we
    /// only listen.
    rx: Box<dyn DataLinkReceiver>,
    /// What the frames begin with.
    linktype: LinkType,
}

impl Capture {
    /// Opens a packet socket on the interface called `iface`.
    ///
    /// On a loopback interface the second copy of every packet is dropped;
    /// with [`Options::port`] only that port's TCP and UDP is kept. Both
    /// happen in the kernel, see [`filter_program`].
    pub fn open(iface: &str, options: Options) -> Result<Capture, Error> {
        let all = pnet_datalink::interfaces();
        let Some(interface) = all.iter().find(|i| i.name == iface) else {
            return Err(Error::NoSuchInterface {
                name: iface.to_string(),
                available: all.into_iter().map(|i| i.name).collect(),
            });
        };
        let linktype = link_type(interface)?;
        let program =
            filter_program(linktype, interface.is_loopback(), options.port);
        let socket = packet_socket(iface, &program)?;

        let config = Config {
            read_buffer_size: SNAPLEN,
            read_timeout: Some(options.read_timeout),
            promiscuous: options.promiscuous,
            // pnet takes the socket over: it closes it if anything below
            // fails, and when `rx` is dropped. So we give up our ownership
            // (`into_raw_fd` does not close), or it would be closed twice.
            socket_fd: Some(socket.into_raw_fd()),
            ..Config::default()
        };
        // This is where `bind(2)` to the interface with `ETH_P_ALL` happens:
        // from then on, frames arrive, already filtered.
        let rx = match pnet_datalink::channel(interface, config) {
            Ok(Channel::Ethernet(_tx, rx)) => rx,
            // pnet marks `Channel` as "more kinds may come"; on Linux
            // there is only this one.
            Ok(_) => {
                return Err(Error::Io {
                    action: format!("opening a packet socket on {iface}"),
                    source: io::Error::new(
                        io::ErrorKind::Unsupported,
                        "pnet returned a channel that is not Ethernet",
                    ),
                });
            }
            Err(e) => return Err(open_error(iface, e)),
        };

        Ok(Capture { rx, linktype })
    }

    /// Waits for the next frame: `Ok(Some(frame))`, or `Ok(None)` when the
    /// read timeout passed with nothing new.
    ///
    /// The frame's [`Frame::timestamp`] is the clock when *we* received it.
    /// The kernel stamps every packet more precisely on arrival, but reading
    /// that stamp needs the `SO_TIMESTAMP` socket option and `recvmsg(2)`,
    /// which pnet does not expose.
    ///
    /// Not [`Iterator::next`], which Clippy suggests for the name: an
    /// iterator's `None` means "finished", ours means "nothing *yet*".
    #[allow(
        clippy::should_implement_trait,
        reason = "Ok(None) is a quiet moment, not the end of the capture"
    )]
    pub fn next(&mut self) -> Result<Option<Frame>, Error> {
        let bytes = match self.rx.next() {
            Ok(bytes) => bytes,
            // pnet waits with `poll(2)` and reports "nothing came in time"
            // as an error of kind TimedOut; for a capture that is an
            // ordinary quiet moment, not a failure.
            Err(e) if is_quiet(&e) => return Ok(None),
            Err(source) => {
                return Err(Error::Io {
                    action: "reading the next frame".to_string(),
                    source,
                });
            }
        };
        // A clock set before 1970 is the only way this fails; then time 0
        // is as good an answer as any.
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();

        Ok(Some(Frame {
            timestamp,
            linktype: self.linktype,
            data: bytes.to_vec(),
            // All we know: see `SNAPLEN`.
            orig_len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
            interface: 0,
            comment: None,
        }))
    }
}

/// Whether a read error only means "no frame yet".
fn is_quiet(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        // TimedOut is what pnet reports; WouldBlock is what a non-blocking
        // socket says; Interrupted is a signal (Ctrl-C) arriving during the
        // wait, which the caller wants to notice quickly.
        io::ErrorKind::TimedOut
            | io::ErrorKind::WouldBlock
            | io::ErrorKind::Interrupted
    )
}

/// What the frames of an interface begin with, from the kernel's hardware
/// type (`ARPHRD_*` in `<linux/if_arp.h>`, shown in
/// `/sys/class/net/NAME/type`).
fn link_type(interface: &NetworkInterface) -> Result<LinkType, Error> {
    /// Ethernet, Wi-Fi, bridges, veth pairs: a 14-byte Ethernet header.
    const ARPHRD_ETHER: &str = "1";
    /// Linux `lo`: an Ethernet header too, with both MACs zero.
    const ARPHRD_LOOPBACK: &str = "772";
    /// No link layer at all (tun, WireGuard): frames start with IP.
    const ARPHRD_NONE: &str = "65534";

    let path = format!("/sys/class/net/{}/type", interface.name);
    let kind = match std::fs::read_to_string(&path) {
        Ok(kind) => kind,
        // /sys shows the interfaces of the namespace that *mounted* it, not
        // of the calling thread: a thread that entered a lab namespace
        // with setns(2) (`transport::lab::in_namespace`) finds its veth
        // missing there. getifaddrs(3), which pnet asked, does answer for
        // the thread's namespace: an interface with a MAC address is
        // Ethernet-shaped, one without has no link layer.
        Err(source) if source.kind() == io::ErrorKind::NotFound => {
            return Ok(if interface.mac.is_some() || interface.is_loopback() {
                LinkType::ETHERNET
            } else {
                LinkType::RAW
            });
        }
        Err(source) => {
            return Err(Error::Io {
                action: format!("reading {path}"),
                source,
            });
        }
    };
    match kind.trim() {
        ARPHRD_ETHER | ARPHRD_LOOPBACK => Ok(LinkType::ETHERNET),
        ARPHRD_NONE => Ok(LinkType::RAW),
        other => Err(Error::Io {
            action: format!("capturing on {}", interface.name),
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                format!(
                    "its hardware type is ARPHRD {other}; netlab only \
                     dissects Ethernet (1), loopback (772) and raw IP (65534)"
                ),
            ),
        }),
    }
}

/// The error for a packet socket that could not be opened: a missing
/// capability (EPERM/EACCES) gets its remedy, anything else says what
/// failed.
fn open_error(iface: &str, e: io::Error) -> Error {
    if matches!(e.raw_os_error(), Some(EPERM | EACCES)) {
        Error::NeedsCapNetRaw {
            program: crate::program::path(),
        }
    } else {
        Error::Io {
            action: format!("opening a packet socket on {iface}"),
            source: e,
        }
    }
}

/// Opens an `AF_PACKET` socket with `program` attached and a larger receive
/// buffer, not yet bound to any interface: pnet binds it to `iface`.
///
/// The socket is opened for protocol 0, "no frames at all": it only starts
/// receiving when pnet binds it with `ETH_P_ALL`, and by then the filter is
/// in place. Opened for `ETH_P_ALL` right away, it would receive every
/// interface's frames, unfiltered, in the moments before the filter and the
/// binding arrive, and hand them to us afterwards.
fn packet_socket(
    iface: &str,
    program: &[sock_filter],
) -> Result<Socket, Error> {
    let socket = match Socket::new(Domain::PACKET, Type::RAW, None) {
        Ok(socket) => socket,
        Err(e) => return Err(open_error(iface, e)),
    };
    let program: Vec<SockFilter> = program
        .iter()
        .map(|i| SockFilter::new(i.code, i.jt, i.jf, i.k))
        .collect();
    socket.attach_filter(&program).map_err(|source| Error::Io {
        action: format!("attaching the capture filter on {iface}"),
        source,
    })?;
    // Past the system's limit if we may (CAP_NET_ADMIN), else up to it.
    if setsockopt(&socket, sockopt::RcvBufForce, &RECV_BUFFER).is_err() {
        socket.set_recv_buffer_size(RECV_BUFFER).map_err(|source| {
            Error::Io {
                action: format!("enlarging the receive buffer on {iface}"),
                source,
            }
        })?;
    }
    Ok(socket)
}

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
    use std::net::UdpSocket;
    use std::os::unix::fs::MetadataExt;
    use std::time::Instant;

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
        let doc: String = include_str!("live.rs")
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

    #[test]
    fn an_unknown_interface_lists_the_real_ones() {
        let options = Options::default();
        match Capture::open("no-such-if0", options) {
            Err(Error::NoSuchInterface { name, available }) => {
                assert_eq!(name, "no-such-if0");
                assert!(available.iter().any(|a| a == "lo"), "{available:?}");
            }
            Err(e) => panic!("expected NoSuchInterface, got {e}"),
            Ok(_) => panic!("expected NoSuchInterface, got a capture"),
        }
    }

    #[test]
    fn without_cap_net_raw_the_error_names_the_remedy() {
        // Capabilities belong to a thread, not the process (`capset(2)`),
        // so dropping one in a fresh thread leaves the other tests alone.
        // This also runs without root: then the capability was never there.
        let outcome = std::thread::spawn(|| {
            caps::drop(
                None,
                caps::CapSet::Effective,
                caps::Capability::CAP_NET_RAW,
            )
            .expect("a thread may always drop its own capabilities");
            Capture::open("lo", Options::default())
        })
        .join()
        .expect("the thread does not panic");

        match outcome {
            Err(e @ Error::NeedsCapNetRaw { .. }) => {
                let message = e.to_string();
                assert!(message.contains("setcap cap_net_raw"), "{message}");
                let exe = std::env::current_exe().expect("/proc is mounted");
                assert!(
                    message.contains(&exe.display().to_string()),
                    "{message}"
                );
            }
            Err(e) => panic!("expected NeedsCapNetRaw, got {e}"),
            Ok(_) => panic!("expected NeedsCapNetRaw, got a capture"),
        }
    }

    /// Whether this test runs as root (user id 0): `/proc/self` belongs to
    /// the user the process runs as.
    fn is_root() -> bool {
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }

    #[test]
    fn loopback_shows_each_datagram_once() {
        if !is_root() {
            eprintln!("skipped: live capture on lo needs root (CAP_NET_RAW)");
            return;
        }
        let options = Options {
            read_timeout: Duration::from_millis(200),
            promiscuous: false,
            port: None,
        };
        let mut capture = Capture::open("lo", options).expect("root may");

        // Two sockets on 127.0.0.1 with ports the kernel picks; the
        // receiver exists so the kernel does not answer "port unreachable".
        let sender = UdpSocket::bind("127.0.0.1:0").expect("bind sender");
        let receiver = UdpSocket::bind("127.0.0.1:0").expect("bind receiver");
        let to = receiver.local_addr().expect("bound");
        // Unique, so traffic from other tests cannot be mistaken for ours.
        let nonce = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        let payloads: Vec<Vec<u8>> = (0..3)
            .map(|i| {
                format!("netlab live test {} {nonce} #{i}", std::process::id())
                    .into_bytes()
            })
            .collect();
        for payload in &payloads {
            sender.send_to(payload, to).expect("send on lo");
        }

        let mut times_seen = vec![0; payloads.len()];
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            let Some(frame) = capture.next().expect("capture") else {
                if times_seen.iter().all(|&n| n > 0) {
                    break; // all seen, and a quiet moment for late echoes
                }
                continue;
            };
            for (payload, seen) in payloads.iter().zip(&mut times_seen) {
                if !contains(&frame.data, payload) {
                    continue;
                }
                *seen += 1;
                assert_eq!(frame.linktype, LinkType::ETHERNET);
                // Ethernet header: destination MAC, source MAC (both zero
                // on lo), EtherType 0x0800 = IPv4.
                assert!(frame.data.len() >= 14, "{:02x?}", frame.data);
                assert_eq!(frame.data[0..12], [0; 12], "{:02x?}", frame.data);
                assert_eq!(frame.data[12..14], [0x08, 0x00]);
            }
        }
        assert_eq!(times_seen, vec![1; payloads.len()], "times each was seen");
    }

    #[test]
    fn the_kernel_keeps_only_the_port_asked_for() {
        if !is_root() {
            eprintln!("skipped: live capture on lo needs root (CAP_NET_RAW)");
            return;
        }
        let sender = UdpSocket::bind("127.0.0.1:0").expect("bind sender");
        let wanted = UdpSocket::bind("127.0.0.1:0").expect("bind receiver");
        let other = UdpSocket::bind("127.0.0.1:0").expect("bind receiver");
        let to_wanted = wanted.local_addr().expect("bound");
        let to_other = other.local_addr().expect("bound");
        let options = Options {
            read_timeout: Duration::from_millis(200),
            promiscuous: false,
            port: Some(to_wanted.port()),
        };
        let mut capture = Capture::open("lo", options).expect("root may");

        let nonce = format!(
            "netlab port test {} {:?}",
            std::process::id(),
            SystemTime::now().duration_since(UNIX_EPOCH)
        );
        let for_wanted = format!("{nonce} wanted").into_bytes();
        let for_other = format!("{nonce} other").into_bytes();
        sender.send_to(&for_other, to_other).expect("send on lo");
        sender.send_to(&for_wanted, to_wanted).expect("send on lo");

        let (mut wanted_seen, mut other_seen) = (0, 0);
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(2) {
            let Some(frame) = capture.next().expect("capture") else {
                if wanted_seen > 0 {
                    break;
                }
                continue;
            };
            wanted_seen += usize::from(contains(&frame.data, &for_wanted));
            other_seen += usize::from(contains(&frame.data, &for_other));
        }
        assert_eq!((wanted_seen, other_seen), (1, 0));
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
}
