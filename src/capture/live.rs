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
//! file deals with each one (the filter program of 3 and 4 is built in
//! [`super::bpf`], a file of its own):
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
//!    BPF, see [`super::bpf`]) that throws the rest away before it is
//!    queued, and ask for a larger buffer ([`RECV_BUFFER`]).
//!
//! Read before: [`super::interfaces`] (which interfaces exist) and
//! [`super::Frame`]. Read after: [`super::bpf`] (the filter), then
//! [`crate::wire`], which dissects the bytes.
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

use libc::sock_filter;
use nix::sys::socket::{setsockopt, sockopt};
use pnet_datalink::{Channel, Config, DataLinkReceiver, NetworkInterface};
use socket2::{Domain, SockFilter, Socket, Type};

use super::bpf::filter_program;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;
    use std::os::unix::fs::MetadataExt;
    use std::time::Instant;

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
