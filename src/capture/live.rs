//! Live capture: frames from a network interface, as they pass.
//!
//! Where [`super::file`] reads frames someone captured earlier, this module
//! catches them now. It opens a Linux *packet socket* (`AF_PACKET`, see
//! `packet(7)`) through [`pnet_datalink`]: a socket that receives a copy of
//! every frame the interface sends or receives, link-layer header included,
//! before any IP or TCP processing. That is also how `tcpdump` and Wireshark
//! capture on Linux.
//!
//! Three things make live capture different from reading a file, and this
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
//!    packet *twice*; [`Dedup`] shows each one once. Its doc explains why.
//!
//! Read before: [`super::interfaces`] (which interfaces exist) and
//! [`super::Frame`]. Read after: [`crate::wire`], which dissects the bytes.
//!
//! Book: lesson 7 (the OSI model: capture a real packet and dissect it).
//! Run: `netlab capture --iface lo` (needs `CAP_NET_RAW`).
//!
//! Specs: `packet(7)`, `capabilities(7)`; the link-type numbers are
//! tcpdump.org's [LINKTYPE_ list].
//!
//! [LINKTYPE_ list]: https://www.tcpdump.org/linktypes.html

use std::collections::VecDeque;
use std::hash::{DefaultHasher, Hasher};
use std::io;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pnet_datalink::{Channel, Config, DataLinkReceiver, NetworkInterface};

use super::{Frame, LinkType};

/// The most bytes one read keeps: 262,144, the same default snapshot length
/// as `tcpdump -s`. Linux `lo` has an MTU of 65,536 and may hand over even
/// larger TCP segments (GSO), so pnet's default 4,096-byte buffer would cut
/// most loopback frames short. A frame longer than this is cut to this many
/// bytes, and we cannot tell: pnet does not ask the kernel for the real
/// length (`MSG_TRUNC`), so [`Frame::orig_len`] is what we received.
pub const SNAPLEN: usize = 262_144;

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
         sudo setcap cap_net_raw,cap_net_admin=eip {program}\n\
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
}

impl Default for Options {
    /// A quarter of a second, not promiscuous.
    fn default() -> Options {
        Options {
            read_timeout: Duration::from_millis(250),
            promiscuous: false,
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
    /// Longest [`Capture::next`] waits in total.
    read_timeout: Duration,
    /// Present on loopback interfaces only: drops the echoed copies.
    dedup: Option<Dedup>,
}

impl Capture {
    /// Opens a packet socket on the interface called `iface`.
    ///
    /// On a loopback interface the second copy of every packet is dropped
    /// (see [`Dedup`]); on every other interface each frame is kept.
    pub fn open(iface: &str, options: Options) -> Result<Capture, Error> {
        let all = pnet_datalink::interfaces();
        let Some(interface) = all.iter().find(|i| i.name == iface) else {
            return Err(Error::NoSuchInterface {
                name: iface.to_string(),
                available: all.into_iter().map(|i| i.name).collect(),
            });
        };
        let linktype = link_type(interface)?;

        let config = Config {
            read_buffer_size: SNAPLEN,
            read_timeout: Some(options.read_timeout),
            promiscuous: options.promiscuous,
            ..Config::default()
        };
        // This is where `socket(AF_PACKET, SOCK_RAW, ETH_P_ALL)` and
        // `bind(2)` to the interface happen, and where a missing capability
        // shows up.
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
            Err(e) if matches!(e.raw_os_error(), Some(EPERM | EACCES)) => {
                return Err(Error::NeedsCapNetRaw {
                    program: running_program(),
                });
            }
            Err(source) => {
                return Err(Error::Io {
                    action: format!("opening a packet socket on {iface}"),
                    source,
                });
            }
        };

        Ok(Capture {
            rx,
            linktype,
            read_timeout: options.read_timeout,
            dedup: interface.is_loopback().then(Dedup::default),
        })
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
        let deadline = Instant::now() + self.read_timeout;
        loop {
            let bytes = match self.rx.next() {
                Ok(bytes) => bytes,
                // pnet waits with `poll(2)` and reports "nothing came in
                // time" as an error of kind TimedOut; for a capture that is
                // an ordinary quiet moment, not a failure.
                Err(e) if is_quiet(&e) => return Ok(None),
                Err(source) => {
                    return Err(Error::Io {
                        action: "reading the next frame".to_string(),
                        source,
                    });
                }
            };
            let received = Instant::now();
            // A clock set before 1970 is the only way this fails; then
            // time 0 is as good an answer as any.
            let timestamp = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();

            if let Some(dedup) = &mut self.dedup
                && dedup.is_duplicate(bytes, received)
            {
                // Keep the caller's promise: wait no longer than the
                // timeout, even while echoes keep arriving.
                if received >= deadline {
                    return Ok(None);
                }
                continue;
            }

            return Ok(Some(Frame {
                timestamp,
                linktype: self.linktype,
                data: bytes.to_vec(),
                // All we know: see `SNAPLEN`.
                orig_len: u32::try_from(bytes.len()).unwrap_or(u32::MAX),
                interface: 0,
                comment: None,
            }));
        }
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
    let kind = std::fs::read_to_string(&path).map_err(|source| Error::Io {
        action: format!("reading {path}"),
        source,
    })?;
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

/// The absolute path of this program, for the `setcap` remedy.
fn running_program() -> String {
    match std::env::current_exe() {
        Ok(path) => path.display().to_string(),
        // Only if /proc is missing; the name is still a useful hint.
        Err(_) => "netlab".to_string(),
    }
}

/// Drops the second copy of each packet a loopback capture sees.
///
/// **Why there are two.** A packet socket is handed a copy of every frame
/// twice over: as the interface *transmits* it and as it *receives* it. On a
/// real network card those are different frames. On `lo` they are the same
/// frame: what `lo` transmits it immediately receives back, so the socket
/// sees each packet once as "outgoing" and once as "incoming". The kernel
/// labels each copy (`sll_pkttype` in `packet(7)`, `PACKET_OUTGOING` for the
/// first) and tcpdump drops the outgoing one, but pnet hands us only the
/// bytes, without the label.
///
/// **What we do instead.** The two copies are identical, byte for byte, and
/// arrive microseconds apart. So we remember a short fingerprint (a hash
/// and the length) of the last [`Dedup::CAPACITY`] frames, each for
/// [`Dedup::WINDOW`]. A frame matching a remembered one is the echo: it is
/// dropped, *and the memory is forgotten*, so that each frame we keep
/// cancels exactly one echo. Without that, a program that sends the same
/// datagram twice in quick succession (four identical copies) would be
/// shown once instead of twice.
///
/// **Where it guesses wrong.**
/// - If the second copy is late (more than the window, on a very busy
///   machine) or pushed out of the ring by a burst of more than
///   [`Dedup::CAPACITY`] other frames, both copies are shown.
/// - If the kernel loses one copy (the socket's buffer was full), the
///   pairing is off by one, and a genuinely repeated, identical packet
///   within the window is then hidden.
/// - Two different frames with the same length and hash would be taken for
///   copies; with a 64-bit hash that is vanishingly unlikely.
///
/// It works on byte slices and instants only, so it is tested without root.
#[derive(Clone, Debug)]
pub struct Dedup {
    /// Fingerprints of frames kept, oldest first.
    recent: VecDeque<Seen>,
    /// How long a fingerprint is remembered.
    window: Duration,
    /// How many fingerprints are remembered at most.
    capacity: usize,
}

/// The fingerprint of one frame kept.
#[derive(Clone, Copy, Debug)]
struct Seen {
    hash: u64,
    len: usize,
    at: Instant,
}

impl Dedup {
    /// How long a frame's echo may take: 50 ms. On `lo` it takes
    /// microseconds; the margin covers a loaded machine.
    pub const WINDOW: Duration = Duration::from_millis(50);
    /// How many recent frames are remembered: 64.
    pub const CAPACITY: usize = 64;

    /// A de-duplicator remembering at most `capacity` frames for `window`.
    pub fn new(window: Duration, capacity: usize) -> Dedup {
        Dedup {
            recent: VecDeque::with_capacity(capacity),
            window,
            capacity,
        }
    }

    /// Whether `frame`, seen at `now`, is the echo of a frame kept within the
    /// window. If not, it is remembered as a frame kept.
    ///
    /// `now` should not go backwards between calls (an [`Instant`] never
    /// does).
    pub fn is_duplicate(&mut self, frame: &[u8], now: Instant) -> bool {
        // Forget what is older than the window. The ring is in time order,
        // so the old ones are at the front.
        while let Some(oldest) = self.recent.front() {
            if now.saturating_duration_since(oldest.at) <= self.window {
                break;
            }
            self.recent.pop_front();
        }

        let mut hasher = DefaultHasher::new();
        hasher.write(frame);
        let hash = hasher.finish();
        let len = frame.len();

        if let Some(i) = self
            .recent
            .iter()
            .position(|s| s.hash == hash && s.len == len)
        {
            // The echo: drop it, and let it cancel only this one memory.
            self.recent.remove(i);
            return true;
        }

        if self.recent.len() == self.capacity {
            self.recent.pop_front();
        }
        if self.capacity > 0 {
            self.recent.push_back(Seen { hash, len, at: now });
        }
        false
    }

    /// How many frames are remembered right now.
    pub fn len(&self) -> usize {
        self.recent.len()
    }

    /// Whether no frame is remembered.
    pub fn is_empty(&self) -> bool {
        self.recent.is_empty()
    }
}

impl Default for Dedup {
    /// [`Dedup::WINDOW`] and [`Dedup::CAPACITY`].
    fn default() -> Dedup {
        Dedup::new(Dedup::WINDOW, Dedup::CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::UdpSocket;
    use std::os::unix::fs::MetadataExt;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_duplicate_within_the_window_is_dropped() {
        let mut dedup = Dedup::default();
        let t0 = Instant::now();
        assert!(!dedup.is_duplicate(b"frame", t0));
        assert!(dedup.is_duplicate(b"frame", t0 + MS));
    }

    #[test]
    fn the_same_bytes_after_the_window_are_kept() {
        let mut dedup = Dedup::default();
        let t0 = Instant::now();
        assert!(!dedup.is_duplicate(b"frame", t0));
        assert!(!dedup.is_duplicate(b"frame", t0 + Dedup::WINDOW + MS));
    }

    #[test]
    fn different_bytes_are_kept() {
        let mut dedup = Dedup::default();
        let t0 = Instant::now();
        assert!(!dedup.is_duplicate(b"frame one", t0));
        assert!(!dedup.is_duplicate(b"frame two", t0));
        assert!(!dedup.is_duplicate(b"frame", t0));
        assert!(!dedup.is_duplicate(b"", t0));
        assert_eq!(dedup.len(), 4);
    }

    #[test]
    fn each_kept_frame_cancels_exactly_one_echo() {
        // The same datagram sent twice: four identical copies on `lo`,
        // two packets to show.
        let mut dedup = Dedup::default();
        let t0 = Instant::now();
        let seen: Vec<bool> = (0..4)
            .map(|i| dedup.is_duplicate(b"frame", t0 + i * MS))
            .collect();
        assert_eq!(seen, [false, true, false, true]);
        assert!(dedup.is_empty());
    }

    #[test]
    fn the_ring_remembers_at_most_capacity_frames() {
        let mut dedup = Dedup::new(Dedup::WINDOW, 4);
        let t0 = Instant::now();
        for i in 0u8..5 {
            assert!(!dedup.is_duplicate(&[i], t0));
            assert!(dedup.len() <= 4);
        }
        assert_eq!(dedup.len(), 4);
        // Frame 0 was pushed out by frame 4, so its echo is no longer
        // recognised; frame 4's still is.
        assert!(!dedup.is_duplicate(&[0], t0 + MS));
        assert!(dedup.is_duplicate(&[4], t0 + MS));
    }

    #[test]
    fn a_ring_of_capacity_zero_remembers_nothing() {
        let mut dedup = Dedup::new(Dedup::WINDOW, 0);
        let t0 = Instant::now();
        assert!(!dedup.is_duplicate(b"frame", t0));
        assert!(!dedup.is_duplicate(b"frame", t0));
        assert!(dedup.is_empty());
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

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }
}
