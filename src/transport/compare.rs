//! TCP and UDP measured side by side (lesson 9, "TCP vs UDP").
//!
//! The article sums the two transports up in four claims each: TCP needs a
//! three-way handshake, is reliable, has no size limit and is slow; UDP
//! needs no connection, is unreliable, is limited to 64 KB and is fast. Each
//! function below turns one claim into a measurement on real kernel sockets
//! and returns the numbers, so the lesson shows what this machine did rather
//! than what a book says:
//!
//! | claim                     | function                               |
//! |---------------------------|----------------------------------------|
//! | handshake vs none         | [`connect_time`], [`udp_first_send`]   |
//! | slow vs fast              | [`round_trip`], [`throughput`]         |
//! | byte stream vs datagrams  | [`message_boundaries`]                 |
//! | no limit vs 64 KB         | [`size_limits`]                        |
//! | flow control vs none      | [`flow_control`]                       |
//! | reliable vs unreliable    | [`under_loss`] (needs the [`lab`])     |
//! | fragmentation             | [`fragmentation`] (needs the [`lab`])  |
//!
//! [`run`] gathers the loopback measurements into a [`Report`] of table
//! rows; `netlab compare` prints it (or `--json`). Nothing here prints.
//!
//! Every loopback measurement talks to 127.0.0.1 or ::1 on a port the kernel
//! picks (port 0); the lab ones talk between the lab's two namespaces.
//!
//! Read before: [`crate::sockets::udp_contrast`] (lesson 10's calls) and
//! [`super::lab`]. Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! Specs: [RFC 9293] (TCP), [RFC 768] (UDP), [RFC 791] (IPv4),
//! [RFC 8200] (IPv6), [RFC 8085] (UDP usage guidelines).
//!
//! [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 791]: https://datatracker.ietf.org/doc/html/rfc791
//! [RFC 8200]: https://datatracker.ietf.org/doc/html/rfc8200
//! [RFC 8085]: https://datatracker.ietf.org/doc/html/rfc8085

use std::collections::HashSet;
use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{
    IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use nix::sched::{CpuSet, sched_getaffinity, sched_setaffinity};
use nix::sys::socket::{setsockopt, sockopt};
use nix::unistd::Pid;
use serde::Serialize;
use socket2::SockRef;

use super::lab::{self, Lab};

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// What can go wrong while measuring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call failed; `call` is written the way C would write it.
    #[error("{call} failed: {source}")]
    Call {
        /// The call with its arguments, e.g. `connect(127.0.0.1:4000)`.
        call: String,
        /// The kernel's answer.
        #[source]
        source: io::Error,
    },
    /// A file under `/proc` could not be read or did not have the layout
    /// the kernel documents.
    #[error("reading {path}: {problem}")]
    Proc {
        /// The file, e.g. `/proc/thread-self/net/snmp`.
        path: String,
        /// What went wrong, in a sentence.
        problem: String,
    },
    /// A size the kernel can never send in one datagram was asked for.
    #[error(
        "a UDP payload of {size} bytes does not fit in one IP datagram \
         (at most {max} bytes, RFC 791 § 3.1 / RFC 8200 § 3)"
    )]
    TooLarge {
        /// The size asked for.
        size: usize,
        /// The largest UDP payload for that IP version.
        max: usize,
    },
    /// An argument that makes the measurement meaningless (e.g. 0 samples).
    #[error("{0}")]
    Argument(String),
    /// The peer did not answer in time.
    #[error("waited {waited:?} for {what}, but it never came")]
    Timeout {
        /// What we were waiting for.
        what: String,
        /// How long we waited.
        waited: Duration,
    },
    /// One of the measuring threads panicked (a bug in this file).
    #[error("the {0} thread panicked")]
    Panicked(&'static str),
    /// The namespace lab could not run a closure inside a host.
    #[error(transparent)]
    Lab(#[from] lab::Error),
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// Wraps an `io::Result` with the call that produced it, so errors read like
/// the textbook: `connect(127.0.0.1:4000) failed: Connection refused`.
fn call<T>(what: impl FnOnce() -> String, result: io::Result<T>) -> Result<T> {
    result.map_err(|source| Error::Call {
        call: what(),
        source,
    })
}

/// Waits for a thread; a panic becomes [`Error::Panicked`].
fn join<T>(
    handle: thread::JoinHandle<Result<T>>,
    who: &'static str,
) -> Result<T> {
    handle.join().map_err(|_| Error::Panicked(who))?
}

// ---------------------------------------------------------------------------
// Spread: median and p99 instead of one number
// ---------------------------------------------------------------------------

/// The spread of a set of durations.
///
/// One timing on a shared machine says little: a scheduler tick or an
/// interrupt can triple it. So every timing here is repeated and reported as
/// its median (the typical case) and 99th percentile (the bad case one time
/// in a hundred), plus the extremes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Spread {
    /// Half the samples took at most this long.
    pub median: Duration,
    /// 99 % of the samples took at most this long.
    pub p99: Duration,
    /// The fastest sample.
    pub min: Duration,
    /// The slowest sample.
    pub max: Duration,
    /// How many samples there were.
    pub samples: usize,
}

impl Spread {
    /// The spread of `samples`, or `None` when there are none.
    pub fn of(mut samples: Vec<Duration>) -> Option<Spread> {
        samples.sort_unstable();
        Some(Spread {
            median: percentile(&samples, 50)?,
            p99: percentile(&samples, 99)?,
            min: *samples.first()?,
            max: *samples.last()?,
            samples: samples.len(),
        })
    }
}

impl fmt::Display for Spread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "median {}, p99 {}",
            micros(self.median),
            micros(self.p99)
        )
    }
}

/// The `p`-th percentile of `sorted` (ascending) by the nearest-rank
/// method: the smallest sample with at least `p` % of the samples at or
/// below it. It is always one of the samples, never an interpolation, so
/// `percentile(s, 50) <= percentile(s, 99)` holds by construction. `None`
/// for an empty slice; `p` above 100 is read as 100.
pub fn percentile(sorted: &[Duration], p: u32) -> Option<Duration> {
    let n = sorted.len();
    // Rank r (1-based) is the smallest r with r / n >= p / 100.
    let rank = (p.min(100) as usize * n).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

/// `12.3 µs` or `4.56 ms`: durations in the unit a reader expects.
fn micros(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else {
        format!("{:.2} ms", us / 1000.0)
    }
}

// ---------------------------------------------------------------------------
// Small helpers shared by the measurements
// ---------------------------------------------------------------------------

/// The two transports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Transport {
    /// [RFC 9293]: a reliable, ordered byte stream over a connection.
    ///
    /// [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
    Tcp,
    /// [RFC 768]: single datagrams, no connection, no delivery guarantee.
    ///
    /// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
    Udp,
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Transport::Tcp => "TCP",
            Transport::Udp => "UDP",
        })
    }
}

/// The largest UDP payload one IP datagram can carry.
///
/// IPv4: "Total Length is the length of the datagram, measured in octets,
/// including internet header and data. This field allows the length of a
/// datagram to be up to 65,535 octets" ([RFC 791 § 3.1]). Take away the
/// 20-byte IPv4 header and the 8-byte UDP header ([RFC 768]):
/// 65,535 − 20 − 8 = 65,507.
///
/// IPv6: the Payload Length counts everything *after* the 40-byte IPv6
/// header ([RFC 8200 § 3]), so only the UDP header comes off:
/// 65,535 − 8 = 65,527 (jumbograms aside).
///
/// [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [RFC 8200 § 3]: https://datatracker.ietf.org/doc/html/rfc8200#section-3
pub fn max_udp_payload(ip: IpAddr) -> usize {
    const IP_MAX_TOTAL: usize = 65_535;
    const IPV4_HEADER: usize = 20;
    const UDP_HEADER: usize = 8;
    match ip {
        IpAddr::V4(_) => IP_MAX_TOTAL - IPV4_HEADER - UDP_HEADER,
        IpAddr::V6(_) => IP_MAX_TOTAL - UDP_HEADER,
    }
}

fn check_udp_size(ip: IpAddr, size: usize) -> Result<()> {
    let max = max_udp_payload(ip);
    if size > max {
        return Err(Error::TooLarge { size, max });
    }
    Ok(())
}

/// A listening TCP socket on `ip`, port chosen by the kernel.
fn listen(ip: IpAddr) -> Result<(TcpListener, SocketAddr)> {
    let listener = call(
        || format!("bind({ip}:0) + listen()"),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let addr = call(|| "getsockname()".into(), listener.local_addr())?;
    Ok((listener, addr))
}

/// A connected pair of TCP sockets: (client, server).
///
/// No thread is needed: `connect()` returns once the kernel finished the
/// handshake, and the connection waits in the listen backlog until
/// `accept()` takes it.
fn tcp_pair(ip: IpAddr) -> Result<(TcpStream, TcpStream)> {
    let (listener, addr) = listen(ip)?;
    let client = call(|| format!("connect({addr})"), TcpStream::connect(addr))?;
    let (server, _) = call(|| "accept()".into(), listener.accept())?;
    Ok((client, server))
}

/// A UDP socket bound to `ip`, port chosen by the kernel.
fn udp_bind(ip: IpAddr) -> Result<(UdpSocket, SocketAddr)> {
    let socket = call(
        || format!("bind({ip}:0)"),
        UdpSocket::bind(SocketAddr::new(ip, 0)),
    )?;
    let addr = call(|| "getsockname()".into(), socket.local_addr())?;
    Ok((socket, addr))
}

/// A UDP socket bound to `ip` and `connect()`ed to `peer`, so plain
/// `send()`/`recv()` work. Connecting a UDP socket sends nothing; it only
/// fixes the default destination.
fn udp_connected(ip: IpAddr, peer: SocketAddr) -> Result<UdpSocket> {
    let (socket, _) = udp_bind(ip)?;
    call(|| format!("connect({peer})"), socket.connect(peer))?;
    Ok(socket)
}

/// Asks for a receive buffer of `bytes` and returns what the kernel granted.
///
/// `SO_RCVBUF` is capped by `net.core.rmem_max` (often 208 KiB);
/// `SO_RCVBUFFORCE` ignores the cap but needs `CAP_NET_ADMIN`, so we try it
/// first and fall back. The kernel doubles the value for its own
/// bookkeeping, and `getsockopt` reports the doubled number ([socket(7)]).
///
/// [socket(7)]: https://man7.org/linux/man-pages/man7/socket.7.html
fn big_receive_buffer(socket: &UdpSocket, bytes: usize) -> Result<usize> {
    if setsockopt(socket, sockopt::RcvBufForce, &bytes).is_err() {
        call(
            || format!("setsockopt(SO_RCVBUF, {bytes})"),
            SockRef::from(socket).set_recv_buffer_size(bytes),
        )?;
    }
    call(
        || "getsockopt(SO_RCVBUF)".into(),
        SockRef::from(socket).recv_buffer_size(),
    )
}

/// True when a read with a timeout returned because the time ran out.
/// Linux says `EAGAIN` (`WouldBlock`) for `SO_RCVTIMEO`.
fn timed_out(e: &io::Error) -> bool {
    matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

// ---------------------------------------------------------------------------
// Pinning: the noise-reduction method for round trips
// ---------------------------------------------------------------------------

/// Where the two ends of a round-trip measurement run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Pinning {
    /// The scheduler places both threads wherever it likes.
    Unpinned,
    /// Both threads are pinned to one CPU with `sched_setaffinity()`.
    SameCpu,
}

impl Pinning {
    /// The method [`round_trip`] uses: both ends on one CPU.
    ///
    /// With the two threads on different CPUs every message is a cross-CPU
    /// wake-up (an inter-processor interrupt, on a VM a trip through the
    /// hypervisor), and the sleeping CPU may first have to leave an idle
    /// state. Pinned to one CPU, the sender hands the CPU straight to the
    /// woken receiver. Measured on a 2-CPU VM, 64-byte messages, 5 000
    /// round trips after 200 warm-up ones, four runs each (median / p99 /
    /// worst max):
    ///
    /// | µs  | unpinned: median, p99, max | same CPU: median, p99, max |
    /// |-----|----------------------------|----------------------------|
    /// | TCP | 20.5–20.7, 30–32, ≤ 1 202  | 16.3, 25.6–25.8, ≤ 102     |
    /// | UDP | 18.0–18.1, 27–28, ≤ 998    | 13.0, 21.2–22.4, ≤ 204     |
    ///
    /// Pinned, median and p99 are lower and repeat to
    /// within 0.1 µs and 1 µs; unpinned runs occasionally take a
    /// millisecond. Both ends on one CPU is also the fairer comparison:
    /// it measures the kernel's work per message, not the scheduler's.
    pub const CHOSEN: Pinning = Pinning::SameCpu;
}

/// Pins the calling thread to `cpu`.
///
/// `sched_setaffinity(0, …)` acts on the calling *thread* on Linux (pid 0
/// means "me", and each thread has its own mask), so a measuring thread can
/// pin itself without touching the rest of the program.
fn pin_to(cpu: usize) -> Result<()> {
    let mut set = CpuSet::new();
    call(
        || format!("CPU_SET({cpu})"),
        set.set(cpu).map_err(io::Error::from),
    )?;
    call(
        || format!("sched_setaffinity(0, {{{cpu}}})"),
        sched_setaffinity(Pid::from_raw(0), &set).map_err(io::Error::from),
    )
}

/// The CPU both ends are pinned to: the first one we are allowed to use.
fn chosen_cpu() -> Result<usize> {
    let allowed = call(
        || "sched_getaffinity(0)".into(),
        sched_getaffinity(Pid::from_raw(0)).map_err(io::Error::from),
    )?;
    (0..CpuSet::count())
        .find(|&cpu| allowed.is_set(cpu).unwrap_or(false))
        .ok_or_else(|| Error::Argument("no CPU is allowed".into()))
}

/// Applies `pinning` to the calling thread.
fn apply(pinning: Pinning, cpu: usize) -> Result<()> {
    match pinning {
        Pinning::Unpinned => Ok(()),
        Pinning::SameCpu => pin_to(cpu),
    }
}

// ---------------------------------------------------------------------------
// 1. Connection set-up
// ---------------------------------------------------------------------------

/// Round trips made before any sample is kept: they fault in pages, fill
/// caches and wake the CPU from idle states.
pub const WARM_UP: usize = 200;

/// How long `connect()` takes: TCP's three-way handshake, timed.
///
/// "The synchronization requires each side to send its own initial sequence
/// number and to receive a confirmation of it from the remote TCP peer"
/// ([RFC 9293 § 3.5]): `connect()` sends SYN and returns only when SYN-ACK
/// arrived and ACK went out, so no data can flow before one round trip.
/// The server only needs to `listen()`; a thread `accept()`s and closes
/// each connection. Compare with [`udp_first_send`], where there is nothing
/// to wait for.
///
/// [RFC 9293 § 3.5]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.5
pub fn connect_time(ip: IpAddr, samples: usize) -> Result<Spread> {
    if samples == 0 {
        return Err(Error::Argument("connect_time needs samples >= 1".into()));
    }
    let (listener, addr) = listen(ip)?;
    let total = samples + WARM_UP / 10;
    let acceptor = thread::spawn(move || -> Result<()> {
        for _ in 0..total {
            // Dropping the accepted socket closes it at once.
            call(|| "accept()".into(), listener.accept())?;
        }
        Ok(())
    });
    let mut times = Vec::with_capacity(samples);
    for i in 0..total {
        let start = Instant::now();
        let stream =
            call(|| format!("connect({addr})"), TcpStream::connect(addr))?;
        let took = start.elapsed();
        drop(stream);
        if i >= WARM_UP / 10 {
            times.push(took);
        }
    }
    join(acceptor, "accept")?;
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}

/// How long a fresh UDP socket takes to send its first datagram:
/// `socket()` + `sendto()`, timed together.
///
/// UDP has no set-up at all: "This protocol provides a procedure for
/// application programs to send messages to other programs with a minimum
/// of protocol mechanism" ([RFC 768]). The first `sendto()` is the first
/// packet; there is no handshake to wait for.
///
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn udp_first_send(ip: IpAddr, samples: usize) -> Result<Spread> {
    if samples == 0 {
        return Err(Error::Argument(
            "udp_first_send needs samples >= 1".into(),
        ));
    }
    let (receiver, addr) = udp_bind(ip)?;
    // Nobody reads: a big buffer keeps the datagrams from being dropped,
    // which would not change the timing anyway.
    big_receive_buffer(&receiver, 4 << 20)?;
    let unspecified: IpAddr = match ip {
        IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
        IpAddr::V6(_) => std::net::Ipv6Addr::UNSPECIFIED.into(),
    };
    let mut times = Vec::with_capacity(samples);
    for i in 0..samples + WARM_UP / 10 {
        let start = Instant::now();
        // UdpSocket::bind is socket() + bind(port 0); sendto() would make
        // the same implicit bind itself.
        let socket = call(
            || "socket() + bind()".into(),
            UdpSocket::bind(SocketAddr::new(unspecified, 0)),
        )?;
        call(|| format!("sendto({addr})"), socket.send_to(b"hi", addr))?;
        let took = start.elapsed();
        if i >= WARM_UP / 10 {
            times.push(took);
        }
    }
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}

// ---------------------------------------------------------------------------
// 2. Round-trip time
// ---------------------------------------------------------------------------

/// Round-trip time of a `size`-byte message echoed back, `count` times.
///
/// Shows that once a TCP connection exists, a small message costs about
/// the same as a UDP datagram: both are one trip through the kernel each
/// way; "TCP is slow" is mostly the handshake ([`connect_time`]) and, over
/// a lossy path, retransmission ([`under_loss`]). TCP's Nagle algorithm
/// ([RFC 9293 § 3.7.4]) would delay small writes while data is
/// unacknowledged, so `TCP_NODELAY` turns it off, as interactive programs
/// do.
///
/// Noise: both threads are pinned as [`Pinning::CHOSEN`] says, and
/// [`WARM_UP`] round trips run before any is kept.
///
/// [RFC 9293 § 3.7.4]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.7.4
pub fn round_trip(
    ip: IpAddr,
    size: usize,
    count: usize,
    transport: Transport,
) -> Result<Spread> {
    round_trip_with(ip, size, count, transport, Pinning::CHOSEN)
}

/// [`round_trip`] with the pinning chosen by the caller, to compare the
/// noise of the two methods.
pub fn round_trip_with(
    ip: IpAddr,
    size: usize,
    count: usize,
    transport: Transport,
    pinning: Pinning,
) -> Result<Spread> {
    if size == 0 || count == 0 {
        return Err(Error::Argument(
            "round_trip needs size >= 1 and count >= 1".into(),
        ));
    }
    let cpu = chosen_cpu()?;
    let times = match transport {
        Transport::Tcp => tcp_round_trips(ip, size, count, pinning, cpu)?,
        Transport::Udp => udp_round_trips(ip, size, count, pinning, cpu)?,
    };
    Spread::of(times).ok_or_else(|| Error::Argument("no samples".into()))
}

fn tcp_round_trips(
    ip: IpAddr,
    size: usize,
    count: usize,
    pinning: Pinning,
    cpu: usize,
) -> Result<Vec<Duration>> {
    let (mut client, mut server) = tcp_pair(ip)?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        client.set_nodelay(true),
    )?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        server.set_nodelay(true),
    )?;
    let limit = Some(Duration::from_secs(5));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        client.set_read_timeout(limit),
    )?;

    // The echo server: read one message, write it back, until the client
    // closes (read_exact then fails with UnexpectedEof).
    let echo = thread::spawn(move || -> Result<()> {
        apply(pinning, cpu)?;
        let mut buf = vec![0u8; size];
        loop {
            match server.read_exact(&mut buf) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
                Err(e) => return call(|| "read()".into(), Err(e)),
            }
            call(|| "write()".into(), server.write_all(&buf))?;
        }
        Ok(())
    });

    // The client runs on its own thread too, so pinning never changes the
    // caller's CPU mask.
    let client = thread::spawn(move || -> Result<Vec<Duration>> {
        apply(pinning, cpu)?;
        let message = vec![b'x'; size];
        let mut reply = vec![0u8; size];
        let mut times = Vec::with_capacity(count);
        for i in 0..WARM_UP + count {
            let start = Instant::now();
            call(|| "write()".into(), client.write_all(&message))?;
            call(|| "read()".into(), client.read_exact(&mut reply))?;
            let took = start.elapsed();
            if i >= WARM_UP {
                times.push(took);
            }
        }
        Ok(times)
        // `client` is dropped here: the echo thread sees end-of-stream.
    });
    let times = join(client, "TCP client");
    join(echo, "TCP echo")?;
    times
}

fn udp_round_trips(
    ip: IpAddr,
    size: usize,
    count: usize,
    pinning: Pinning,
    cpu: usize,
) -> Result<Vec<Duration>> {
    check_udp_size(ip, size)?;
    let (server, server_addr) = udp_bind(ip)?;
    let client = udp_connected(ip, server_addr)?;
    let limit = Some(Duration::from_secs(1));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        client.set_read_timeout(limit),
    )?;
    // UDP has no end-of-stream, so the echo server wakes up every 100 ms to
    // see whether the client has finished.
    let poll = Some(Duration::from_millis(100));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        server.set_read_timeout(poll),
    )?;
    let done = Arc::new(AtomicBool::new(false));

    let stop = Arc::clone(&done);
    let echo = thread::spawn(move || -> Result<()> {
        apply(pinning, cpu)?;
        let mut buf = vec![0u8; size];
        while !stop.load(Ordering::Relaxed) {
            match server.recv_from(&mut buf) {
                Ok((n, from)) => {
                    call(
                        || "sendto()".into(),
                        server.send_to(&buf[..n], from),
                    )?;
                }
                Err(e) if timed_out(&e) => {}
                Err(e) => return call(|| "recvfrom()".into(), Err(e)),
            }
        }
        Ok(())
    });

    let measure = thread::spawn(move || -> Result<Vec<Duration>> {
        apply(pinning, cpu)?;
        let message = vec![b'x'; size];
        let mut reply = vec![0u8; size];
        let mut times = Vec::with_capacity(count);
        for i in 0..WARM_UP + count {
            let start = Instant::now();
            call(|| "send()".into(), client.send(&message))?;
            match client.recv(&mut reply) {
                Ok(_) => {}
                // On loopback a datagram is only lost when a buffer is
                // full; one at a time, that does not happen.
                Err(e) if timed_out(&e) => {
                    return Err(Error::Timeout {
                        what: format!("the echo of datagram {i}"),
                        waited: Duration::from_secs(1),
                    });
                }
                Err(e) => return call(|| "recv()".into(), Err(e)),
            }
            let took = start.elapsed();
            if i >= WARM_UP {
                times.push(took);
            }
        }
        Ok(times)
    });
    let times = join(measure, "UDP client");
    done.store(true, Ordering::Relaxed);
    join(echo, "UDP echo")?;
    times
}

// ---------------------------------------------------------------------------
// 3. Throughput
// ---------------------------------------------------------------------------

/// The longest a throughput measurement sends for.
pub const THROUGHPUT_TIME: Duration = Duration::from_secs(1);

/// What a bulk transfer achieved.
#[derive(Clone, Debug, Serialize)]
pub struct Throughput {
    /// TCP or UDP.
    pub transport: Transport,
    /// Bytes per `write()` (TCP) or payload bytes per datagram (UDP).
    pub chunk: usize,
    /// `write()` / `sendto()` calls made.
    pub writes: u64,
    /// Bytes handed to the kernel by the sender.
    pub bytes_sent: u64,
    /// `read()` / `recv()` calls that returned data (UDP: datagrams).
    pub reads: u64,
    /// Bytes the receiver got.
    pub bytes_received: u64,
    /// From the first write to the last byte read.
    pub elapsed: Duration,
    /// UDP: datagrams sent but never received (always 0 for TCP).
    pub lost: u64,
    /// The receive buffer the kernel granted (UDP only, 0 for TCP).
    pub receive_buffer: usize,
    /// UDP: the kernel's own count of datagrams dropped because the
    /// receive buffer was full (`Udp: RcvbufErrors` delta). It is counted
    /// for the whole network namespace, so other traffic can add to it.
    pub dropped_buffer_full: u64,
}

impl Throughput {
    /// Payload bits received per second, in Gbit/s.
    pub fn gbit_per_s(&self) -> f64 {
        per_second(self.bytes_received as f64 * 8.0, self.elapsed) / 1e9
    }

    /// `write()`/`sendto()` calls per second.
    pub fn writes_per_s(&self) -> f64 {
        per_second(self.writes as f64, self.elapsed)
    }

    /// Reads per second; for UDP this is datagrams received per second.
    pub fn reads_per_s(&self) -> f64 {
        per_second(self.reads as f64, self.elapsed)
    }
}

fn per_second(amount: f64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { amount / secs } else { 0.0 }
}

/// Sends up to `bytes_total` bytes as fast as possible, for at most
/// [`THROUGHPUT_TIME`], and measures what arrives.
///
/// TCP writes `chunk`-byte buffers (128 KiB suits it) into one connection;
/// the kernel cuts them into segments, and flow control ([RFC 9293 §
/// 3.8.6], the receive window) slows the writer whenever the reader falls
/// behind, so nothing is lost. UDP sends `chunk`-byte datagrams (1472
/// fills an Ethernet frame, 64 is "a chat message"); a reader thread with a
/// big `SO_RCVBUF` counts them. UDP has no flow control ([RFC 8085 § 3.1]
/// asks applications to provide their own): `sendto()` succeeds even when
/// the receiver's buffer is full, and the kernel drops the datagram there —
/// `lost` and `dropped_buffer_full` count it, even on loopback.
///
/// [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
/// [RFC 8085 § 3.1]: https://datatracker.ietf.org/doc/html/rfc8085#section-3.1
pub fn throughput(
    ip: IpAddr,
    bytes_total: u64,
    transport: Transport,
    chunk: usize,
) -> Result<Throughput> {
    if chunk == 0 || bytes_total == 0 {
        return Err(Error::Argument(
            "throughput needs bytes_total >= 1 and chunk >= 1".into(),
        ));
    }
    match transport {
        Transport::Tcp => tcp_throughput(ip, bytes_total, chunk),
        Transport::Udp => udp_throughput(ip, bytes_total, chunk),
    }
}

fn tcp_throughput(ip: IpAddr, total: u64, chunk: usize) -> Result<Throughput> {
    let (mut client, mut server) = tcp_pair(ip)?;
    // The reader: count bytes and reads until end-of-stream, then note the
    // time.
    let reader = thread::spawn(move || -> Result<(u64, u64, Instant)> {
        let mut buf = vec![0u8; 128 * 1024];
        let (mut bytes, mut reads) = (0u64, 0u64);
        loop {
            let n = call(|| "read()".into(), server.read(&mut buf))?;
            if n == 0 {
                return Ok((bytes, reads, Instant::now()));
            }
            bytes += n as u64;
            reads += 1;
        }
    });
    let data = vec![b'x'; chunk];
    let start = Instant::now();
    let (mut sent, mut writes) = (0u64, 0u64);
    while sent < total && start.elapsed() < THROUGHPUT_TIME {
        let n = (total - sent).min(chunk as u64) as usize;
        call(|| "write()".into(), client.write_all(&data[..n]))?;
        sent += n as u64;
        writes += 1;
    }
    // Half-close: the reader's next read() returns 0 once all is in.
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let (bytes_received, reads, end) = join(reader, "TCP reader")?;
    Ok(Throughput {
        transport: Transport::Tcp,
        chunk,
        writes,
        bytes_sent: sent,
        reads,
        bytes_received,
        elapsed: end.duration_since(start),
        lost: 0,
        receive_buffer: 0,
        dropped_buffer_full: 0,
    })
}

fn udp_throughput(ip: IpAddr, total: u64, chunk: usize) -> Result<Throughput> {
    check_udp_size(ip, chunk)?;
    let (receiver, addr) = udp_bind(ip)?;
    let receive_buffer = big_receive_buffer(&receiver, 32 << 20)?;
    let poll = Some(Duration::from_millis(20));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(poll),
    )?;
    let sender = udp_connected(ip, addr)?;
    let drops_before = udp_receive_buffer_errors(ip)?;

    // The reader counts datagrams until the sender is done and nothing has
    // arrived for one poll interval.
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let reader =
        thread::spawn(move || -> Result<(u64, u64, Option<Instant>)> {
            let mut buf = vec![0u8; 65_536];
            let (mut bytes, mut datagrams, mut last) = (0u64, 0u64, None);
            loop {
                match receiver.recv(&mut buf) {
                    Ok(n) => {
                        bytes += n as u64;
                        datagrams += 1;
                        last = Some(Instant::now());
                    }
                    Err(e) if timed_out(&e) => {
                        if finished.load(Ordering::Acquire) {
                            return Ok((bytes, datagrams, last));
                        }
                    }
                    Err(e) => return call(|| "recv()".into(), Err(e)),
                }
            }
        });

    let data = vec![b'x'; chunk];
    let start = Instant::now();
    let (mut sent, mut writes) = (0u64, 0u64);
    while sent < total && start.elapsed() < THROUGHPUT_TIME {
        // Every send() succeeds: nothing tells the sender that the
        // receiver is behind.
        let n = call(|| "send()".into(), sender.send(&data))?;
        sent += n as u64;
        writes += 1;
    }
    done.store(true, Ordering::Release);
    let (bytes_received, reads, last) = join(reader, "UDP reader")?;
    let drops_after = udp_receive_buffer_errors(ip)?;
    Ok(Throughput {
        transport: Transport::Udp,
        chunk,
        writes,
        bytes_sent: sent,
        reads,
        bytes_received,
        elapsed: last.map_or(Duration::ZERO, |t| t.duration_since(start)),
        lost: writes.saturating_sub(reads),
        receive_buffer,
        dropped_buffer_full: drops_after.saturating_sub(drops_before),
    })
}

/// What happens when the receiver stops reading.
#[derive(Clone, Debug, Serialize)]
pub struct FlowControl {
    /// TCP: bytes the sender's non-blocking `write()`s accepted before the
    /// kernel said `EAGAIN` ("wait, the receiver is full").
    pub tcp_accepted: u64,
    /// TCP: bytes the receiver then read; always equal to `tcp_accepted`.
    pub tcp_received: u64,
    /// UDP: datagrams `sendto()` accepted — all of them, no push-back.
    pub udp_sent: u64,
    /// UDP: datagrams the receiver found when it finally read.
    pub udp_received: u64,
}

/// Flow control, shown by a receiver that does not read.
///
/// TCP: the receiver advertises a window ([RFC 9293 § 3.8.6]); when its
/// buffer is full the window is zero, the sender's buffer fills, and a
/// non-blocking `write()` fails with `EAGAIN`. Nothing is lost: every
/// accepted byte is read later. UDP: `sendto()` of `datagrams` 1472-byte
/// datagrams all succeed, the receiver's default buffer holds a fraction,
/// and the rest are silently dropped ([RFC 768] promises nothing else).
///
/// [RFC 9293 § 3.8.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.6
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn flow_control(ip: IpAddr, datagrams: u64) -> Result<FlowControl> {
    // TCP: fill until EAGAIN, then drain.
    let (mut client, mut server) = tcp_pair(ip)?;
    call(|| "fcntl(O_NONBLOCK)".into(), client.set_nonblocking(true))?;
    let data = vec![b'x'; 64 * 1024];
    let mut accepted = 0u64;
    loop {
        match client.write(&data) {
            Ok(n) => accepted += n as u64,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return call(|| "write()".into(), Err(e)),
        }
    }
    drop(client); // close: the receiver will see end-of-stream after the data
    let mut received = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = call(|| "read()".into(), server.read(&mut buf))?;
        if n == 0 {
            break;
        }
        received += n as u64;
    }

    // UDP: send everything, then drain with a short timeout.
    let (receiver, addr) = udp_bind(ip)?;
    let sender = udp_connected(ip, addr)?;
    let datagram = [b'x'; 1472];
    for _ in 0..datagrams {
        call(|| "send()".into(), sender.send(&datagram))?;
    }
    let poll = Some(Duration::from_millis(50));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(poll),
    )?;
    let mut udp_received = 0u64;
    loop {
        match receiver.recv(&mut buf) {
            Ok(_) => udp_received += 1,
            Err(e) if timed_out(&e) => break,
            Err(e) => return call(|| "recv()".into(), Err(e)),
        }
    }
    Ok(FlowControl {
        tcp_accepted: accepted,
        tcp_received: received,
        udp_sent: datagrams,
        udp_received,
    })
}

// ---------------------------------------------------------------------------
// 4. Message boundaries
// ---------------------------------------------------------------------------

/// What each `read()`/`recv()` returned, in bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Boundaries {
    /// The size of each message written (three of them).
    pub written: Vec<usize>,
    /// TCP: what each `read()` returned before end-of-stream.
    pub tcp_reads: Vec<usize>,
    /// UDP: what each `recv()` returned.
    pub udp_reads: Vec<usize>,
}

// ANCHOR: boundaries
/// Three 100-byte messages, written back to back, read by each transport.
///
/// TCP is "a reliable, in-order, byte-stream service" ([RFC 9293 § 2.2]):
/// it keeps the bytes and their order, not the `write()` boundaries. Once
/// all 300 bytes are queued at the receiver, one `read()` returns all 300;
/// an application must frame its own messages (a length prefix, a newline,
/// XMPP's XML elements). UDP keeps each datagram whole ([RFC 768]): three
/// `sendto()`s are three `recv()`s of 100 bytes, whatever buffer size is
/// offered.
///
/// To make the TCP result certain, not a race, the reader first waits until
/// the kernel holds all 300 bytes, by `recv(MSG_PEEK)`, which looks at
/// queued bytes without removing them.
///
/// [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn message_boundaries(ip: IpAddr) -> Result<Boundaries> {
    const MESSAGE: usize = 100;
    let messages = [[b'A'; MESSAGE], [b'B'; MESSAGE], [b'C'; MESSAGE]];
    let written: Vec<usize> = messages.iter().map(|m| m.len()).collect();
    let total: usize = written.iter().sum();
    let limit = Some(Duration::from_secs(1));

    // TCP. TCP_NODELAY makes each write() its own segment on the wire, so
    // the merge below is the receiver's doing, not Nagle's.
    let (mut client, mut server) = tcp_pair(ip)?;
    call(
        || "setsockopt(TCP_NODELAY)".into(),
        client.set_nodelay(true),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        server.set_read_timeout(limit),
    )?;
    for m in &messages {
        call(|| "write(100 bytes)".into(), client.write_all(m))?;
    }
    wait_until_queued(&server, total)?;
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let mut buf = [0u8; 4096];
    let mut tcp_reads = Vec::new();
    loop {
        let n = call(|| "read()".into(), server.read(&mut buf))?;
        if n == 0 {
            break;
        }
        tcp_reads.push(n);
    }

    // UDP: the same three messages as three datagrams.
    let (receiver, addr) = udp_bind(ip)?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(limit),
    )?;
    let sender = udp_connected(ip, addr)?;
    for m in &messages {
        call(|| "send(100 bytes)".into(), sender.send(m))?;
    }
    let mut udp_reads = Vec::new();
    for _ in &messages {
        let n = call(|| "recv()".into(), receiver.recv(&mut buf))?;
        udp_reads.push(n);
    }
    Ok(Boundaries {
        written,
        tcp_reads,
        udp_reads,
    })
}
// ANCHOR_END: boundaries

/// Waits (at most a second) until `bytes` bytes are queued on `stream`.
fn wait_until_queued(stream: &TcpStream, bytes: usize) -> Result<()> {
    let mut buf = vec![0u8; bytes];
    let start = Instant::now();
    let limit = Duration::from_secs(1);
    while call(|| "recv(MSG_PEEK)".into(), stream.peek(&mut buf))? < bytes {
        if start.elapsed() > limit {
            return Err(Error::Timeout {
                what: format!("{bytes} bytes in the receive queue"),
                waited: limit,
            });
        }
        thread::sleep(Duration::from_millis(1));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 5. Size limits
// ---------------------------------------------------------------------------

/// The TCP write of [`size_limits`]: 1 MiB.
pub const BIG_WRITE: usize = 1 << 20;

/// The largest and one-too-large UDP datagram, and one big TCP write.
#[derive(Debug)]
pub struct SizeLimits {
    /// The largest UDP payload ([`max_udp_payload`]): 65,507 over IPv4.
    pub udp_largest: usize,
    /// What `recv()` returned for it: the whole datagram.
    pub udp_largest_received: usize,
    /// One byte more.
    pub udp_too_large: usize,
    /// What `sendto()` answered for it: `EMSGSIZE` ("Message too long").
    pub udp_too_large_result: io::Result<usize>,
    /// Bytes offered to one TCP `write()`.
    pub tcp_write: usize,
    /// Bytes that one `write()` accepted (all of them).
    pub tcp_accepted: usize,
    /// Bytes the receiver read.
    pub tcp_received: usize,
    /// How many `read()`s that took: the stream arrives in pieces.
    pub tcp_reads: usize,
}

// ANCHOR: limits
/// UDP's 64 KB ceiling and TCP's lack of one, produced for real.
///
/// UDP: the 16-bit IP Total Length ([RFC 791 § 3.1]) caps one datagram, so
/// a payload of [`max_udp_payload`] bytes goes through whole (loopback's
/// MTU is 65,536, so it even travels unfragmented) and one byte more is
/// refused by `sendto()` with `EMSGSIZE` before anything is sent. The UDP
/// Length field ([RFC 768]) is 16 bits too.
///
/// TCP: a byte stream has no message size ([RFC 9293 § 2.2]). One
/// `write()` of [`BIG_WRITE`] bytes is accepted whole; the kernel cuts it
/// into segments, and the receiver gets it in as many `read()`s as it
/// happens to.
///
/// [RFC 791 § 3.1]: https://datatracker.ietf.org/doc/html/rfc791#section-3.1
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [RFC 9293 § 2.2]: https://datatracker.ietf.org/doc/html/rfc9293#section-2.2
pub fn size_limits(ip: IpAddr) -> Result<SizeLimits> {
    let largest = max_udp_payload(ip);
    let (receiver, addr) = udp_bind(ip)?;
    let limit = Some(Duration::from_secs(1));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        receiver.set_read_timeout(limit),
    )?;
    let sender = udp_connected(ip, addr)?;
    let datagram = vec![b'x'; largest + 1];
    call(
        || format!("send({largest} bytes)"),
        sender.send(&datagram[..largest]),
    )?;
    let mut buf = vec![0u8; 70_000];
    let udp_largest_received =
        call(|| "recv()".into(), receiver.recv(&mut buf))?;
    // The point of the lesson: this one fails, and we keep the error.
    let udp_too_large_result = sender.send(&datagram);

    let (mut client, mut server) = tcp_pair(ip)?;
    let reader = thread::spawn(move || -> Result<(usize, usize)> {
        let mut buf = vec![0u8; 64 * 1024];
        let (mut bytes, mut reads) = (0, 0);
        loop {
            let n = call(|| "read()".into(), server.read(&mut buf))?;
            if n == 0 {
                return Ok((bytes, reads));
            }
            bytes += n;
            reads += 1;
        }
    });
    let big = vec![b'x'; BIG_WRITE];
    // One write(2) call: a blocking TCP socket accepts it all, waiting for
    // buffer space as the reader drains it.
    let accepted = call(|| "write(1 MiB)".into(), client.write(&big))?;
    call(
        || "shutdown(SHUT_WR)".into(),
        client.shutdown(Shutdown::Write),
    )?;
    let (tcp_received, tcp_reads) = join(reader, "TCP reader")?;
    Ok(SizeLimits {
        udp_largest: largest,
        udp_largest_received,
        udp_too_large: largest + 1,
        udp_too_large_result,
        tcp_write: BIG_WRITE,
        tcp_accepted: accepted,
        tcp_received,
        tcp_reads,
    })
}
// ANCHOR_END: limits

// ---------------------------------------------------------------------------
// Kernel counters: /proc/thread-self/net/snmp
// ---------------------------------------------------------------------------

/// The kernel's protocol counters for the calling thread's network
/// namespace.
///
/// `/proc/net` is a link to `/proc/self/net`, and `/proc/self` is the
/// *process* (its main thread): a thread that joined another namespace
/// with `setns()` still reads the main thread's counters there.
/// `/proc/thread-self/net` follows the calling thread's own namespace
/// (checked: after `unshare(CLONE_NEWNET)` in a thread, its
/// `/proc/thread-self/net/dev` lists only `lo` while `/proc/self/net/dev`
/// still lists the host's interfaces).
pub const SNMP: &str = "/proc/thread-self/net/snmp";

/// IPv6 counters (one `name value` pair per line), same rule as [`SNMP`].
pub const SNMP6: &str = "/proc/thread-self/net/snmp6";

/// Reads one counter, e.g. `snmp_counter("Tcp", "RetransSegs")`, from
/// [`SNMP`] as the calling thread sees it.
pub fn snmp_counter(table: &str, field: &str) -> Result<u64> {
    let text = std::fs::read_to_string(SNMP).map_err(|e| Error::Proc {
        path: SNMP.into(),
        problem: e.to_string(),
    })?;
    parse_snmp(&text, table, field).ok_or_else(|| Error::Proc {
        path: SNMP.into(),
        problem: format!("no counter {table}: {field}"),
    })
}

/// Finds `field` of `table` in the text of `/proc/net/snmp`, where each
/// table is two lines: `Tcp: RtoAlgorithm RtoMin …` then `Tcp: 1 200 …`.
pub fn parse_snmp(text: &str, table: &str, field: &str) -> Option<u64> {
    let prefix = format!("{table}:");
    let mut lines = text.lines().filter(|l| l.starts_with(&prefix));
    let names = lines.next()?;
    let values = lines.next()?;
    let at = names.split_whitespace().position(|n| n == field)?;
    values.split_whitespace().nth(at)?.parse().ok()
}

/// Datagrams dropped because a receive buffer was full: `Udp:
/// RcvbufErrors`, or `Udp6RcvbufErrors` from [`SNMP6`] for IPv6.
fn udp_receive_buffer_errors(ip: IpAddr) -> Result<u64> {
    match ip {
        IpAddr::V4(_) => snmp_counter("Udp", "RcvbufErrors"),
        IpAddr::V6(_) => {
            let text =
                std::fs::read_to_string(SNMP6).map_err(|e| Error::Proc {
                    path: SNMP6.into(),
                    problem: e.to_string(),
                })?;
            text.lines()
                .filter_map(|l| l.split_once(char::is_whitespace))
                .find(|(name, _)| *name == "Udp6RcvbufErrors")
                .and_then(|(_, v)| v.trim().parse().ok())
                .ok_or_else(|| Error::Proc {
                    path: SNMP6.into(),
                    problem: "no counter Udp6RcvbufErrors".into(),
                })
        }
    }
}

// ---------------------------------------------------------------------------
// 6. In the lab: loss and fragmentation
// ---------------------------------------------------------------------------

/// How long a lab transfer may take before we give up.
const LAB_LIMIT: Duration = Duration::from_secs(30);

/// What TCP and UDP delivered over the lab's lossy link.
#[derive(Clone, Debug, Serialize)]
pub struct LossReport {
    /// The loss the lab's link was set up with.
    pub loss_percent: f64,
    /// TCP: bytes written by b.
    pub tcp_bytes_sent: u64,
    /// TCP: bytes read by a.
    pub tcp_bytes_received: u64,
    /// TCP: the first byte that did not match the counter pattern, if any.
    pub tcp_first_mismatch: Option<u64>,
    /// TCP: from `connect()` to the receiver having read everything.
    pub tcp_elapsed: Duration,
    /// TCP: segments b's kernel sent again (`Tcp: RetransSegs` delta in
    /// b's namespace).
    pub tcp_retransmissions: u64,
    /// UDP: datagrams b sent.
    pub udp_sent: u64,
    /// UDP: distinct datagrams a received.
    pub udp_received: u64,
    /// UDP: `udp_sent - udp_received`.
    pub udp_lost: u64,
    /// UDP: datagrams that arrived after one with a higher sequence number.
    pub udp_reordered: u64,
    /// UDP: datagrams that arrived twice.
    pub udp_duplicates: u64,
    /// UDP: drops at a's full receive buffer (not the link's loss).
    pub udp_dropped_buffer_full: u64,
}

/// The byte at stream offset `i` of the TCP transfer: a counter modulo 251.
/// 251 is prime, so the pattern never lines up with power-of-two write or
/// segment sizes, and a lost, duplicated or misplaced segment changes it.
fn pattern(i: u64) -> u8 {
    (i % 251) as u8
}

// ANCHOR: under_loss
/// TCP and UDP over the lab's lossy link, from host b to host a.
///
/// TCP: `bytes` bytes of a counter pattern; a checks every byte, so "all
/// arrived, in order" is verified, not assumed. The cost of reliability is
/// visible in b's kernel counter of retransmitted segments ([RFC 9293 §
/// 3.8.1], timers per [RFC 6298]) and in the time taken. UDP: `datagrams`
/// datagrams carrying a sequence number; a counts what arrived, what is
/// missing and what came out of order — UDP repairs none of it ([RFC 768]).
///
/// A server thread runs in a's namespace, a client thread in b's, through
/// [`lab::in_namespace`]; counters are read from [`SNMP`] inside each.
///
/// [RFC 9293 § 3.8.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.1
/// [RFC 6298]: https://datatracker.ietf.org/doc/html/rfc6298
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
pub fn under_loss(lab: &Lab, bytes: u64, datagrams: u64) -> Result<LossReport> {
    let tcp = lab_tcp(lab, bytes)?;
    let udp = lab_udp(lab, datagrams)?;
    Ok(LossReport {
        loss_percent: lab.loss_percent,
        tcp_bytes_sent: bytes,
        tcp_bytes_received: tcp.received,
        tcp_first_mismatch: tcp.first_mismatch,
        tcp_elapsed: tcp.elapsed,
        tcp_retransmissions: tcp.retransmissions,
        udp_sent: datagrams,
        udp_received: udp.received,
        udp_lost: datagrams.saturating_sub(udp.received),
        udp_reordered: udp.reordered,
        udp_duplicates: udp.duplicates,
        udp_dropped_buffer_full: udp.dropped_buffer_full,
    })
}
// ANCHOR_END: under_loss

struct LabTcp {
    received: u64,
    first_mismatch: Option<u64>,
    elapsed: Duration,
    retransmissions: u64,
}

fn lab_tcp(lab: &Lab, bytes: u64) -> Result<LabTcp> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let (port_tx, port_rx) = mpsc::channel();
    thread::scope(|scope| {
        // Host a: accept one connection and check every byte.
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || lab_tcp_server(a_ip, port_tx))
        });
        // Host b: wait for the port, then connect and send.
        let client = lab::in_namespace(&lab.b, move || {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the TCP server in host a to listen".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            lab_tcp_client(addr, bytes)
        });
        let (received, first_mismatch) = server
            .join()
            .map_err(|_| Error::Panicked("lab TCP server"))???;
        let (elapsed, retransmissions) = client??;
        Ok(LabTcp {
            received,
            first_mismatch,
            elapsed,
            retransmissions,
        })
    })
}

fn lab_tcp_server(
    ip: IpAddr,
    port_tx: mpsc::Sender<SocketAddr>,
) -> Result<(u64, Option<u64>)> {
    let (listener, addr) = listen(ip)?;
    // If the client never comes (its thread failed), give up in time
    // instead of blocking in accept() forever.
    call(
        || "fcntl(O_NONBLOCK)".into(),
        listener.set_nonblocking(true),
    )?;
    let _ = port_tx.send(addr);
    let start = Instant::now();
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if start.elapsed() > LAB_LIMIT {
                    return Err(Error::Timeout {
                        what: "a connection from host b".into(),
                        waited: LAB_LIMIT,
                    });
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return call(|| "accept()".into(), Err(e)),
        }
    };
    call(
        || "fcntl(~O_NONBLOCK)".into(),
        stream.set_nonblocking(false),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        stream.set_read_timeout(Some(LAB_LIMIT)),
    )?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = 0u64;
    let mut first_mismatch = None;
    loop {
        let n = call(|| "read()".into(), stream.read(&mut buf))?;
        if n == 0 {
            break;
        }
        for &byte in &buf[..n] {
            if first_mismatch.is_none() && byte != pattern(offset) {
                first_mismatch = Some(offset);
            }
            offset += 1;
        }
    }
    // Dropping `stream` closes our side: the client's read() returns 0, so
    // it knows every byte was read here.
    Ok((offset, first_mismatch))
}

fn lab_tcp_client(addr: SocketAddr, bytes: u64) -> Result<(Duration, u64)> {
    let before = snmp_counter("Tcp", "RetransSegs")?;
    let start = Instant::now();
    let mut stream = call(
        || format!("connect({addr})"),
        TcpStream::connect_timeout(&addr, LAB_LIMIT),
    )?;
    let limit = Some(LAB_LIMIT);
    call(
        || "setsockopt(SO_SNDTIMEO)".into(),
        stream.set_write_timeout(limit),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        stream.set_read_timeout(limit),
    )?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut offset = 0u64;
    while offset < bytes {
        let n = (bytes - offset).min(chunk.len() as u64) as usize;
        for (i, byte) in chunk[..n].iter_mut().enumerate() {
            *byte = pattern(offset + i as u64);
        }
        call(|| "write()".into(), stream.write_all(&chunk[..n]))?;
        offset += n as u64;
    }
    call(
        || "shutdown(SHUT_WR)".into(),
        stream.shutdown(Shutdown::Write),
    )?;
    // Wait for the server's close: only then has everything arrived.
    let mut end = [0u8; 1];
    call(|| "read()".into(), stream.read(&mut end))?;
    let elapsed = start.elapsed();
    let after = snmp_counter("Tcp", "RetransSegs")?;
    Ok((elapsed, after.saturating_sub(before)))
}

struct LabUdp {
    received: u64,
    reordered: u64,
    duplicates: u64,
    dropped_buffer_full: u64,
}

fn lab_udp(lab: &Lab, datagrams: u64) -> Result<LabUdp> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let b_ip = IpAddr::V4(lab.b.addr);
    let (port_tx, port_rx) = mpsc::channel();
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    thread::scope(|scope| {
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || {
                lab_udp_server(a_ip, port_tx, finished)
            })
        });
        let client = lab::in_namespace(&lab.b, move || -> Result<()> {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the UDP server in host a to bind".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            let socket = udp_connected(b_ip, addr)?;
            // Each datagram: a 4-byte big-endian sequence number, padded
            // to 64 bytes like a short chat message.
            let mut datagram = [0u8; 64];
            for seq in 0..datagrams {
                datagram[..4].copy_from_slice(&(seq as u32).to_be_bytes());
                call(|| "send()".into(), socket.send(&datagram))?;
            }
            Ok(())
        });
        done.store(true, Ordering::Release);
        let server = server
            .join()
            .map_err(|_| Error::Panicked("lab UDP server"))??;
        client??;
        server
    })
}

fn lab_udp_server(
    ip: IpAddr,
    port_tx: mpsc::Sender<SocketAddr>,
    done: Arc<AtomicBool>,
) -> Result<LabUdp> {
    let (socket, addr) = udp_bind(ip)?;
    big_receive_buffer(&socket, 8 << 20)?;
    let poll = Some(Duration::from_millis(200));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        socket.set_read_timeout(poll),
    )?;
    let drops_before = snmp_counter("Udp", "RcvbufErrors")?;
    let _ = port_tx.send(addr);
    let start = Instant::now();
    let mut seen = HashSet::new();
    let (mut highest, mut reordered, mut duplicates) = (None, 0u64, 0u64);
    let mut buf = [0u8; 2048];
    loop {
        match socket.recv(&mut buf) {
            Ok(n) if n >= 4 => {
                let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
                if !seen.insert(seq) {
                    duplicates += 1;
                } else if highest.is_some_and(|h| seq < h) {
                    reordered += 1;
                }
                highest = highest.max(Some(seq));
            }
            Ok(_) => {}
            // Quiet for a poll interval after the sender finished: done.
            Err(e) if timed_out(&e) => {
                if done.load(Ordering::Acquire) || start.elapsed() > LAB_LIMIT {
                    break;
                }
            }
            Err(e) => return call(|| "recv()".into(), Err(e)),
        }
    }
    let drops_after = snmp_counter("Udp", "RcvbufErrors")?;
    Ok(LabUdp {
        received: seen.len() as u64,
        reordered,
        duplicates,
        dropped_buffer_full: drops_after.saturating_sub(drops_before),
    })
}

/// One datagram sent across the lab, with the fragmentation counters.
#[derive(Clone, Debug, Serialize)]
pub struct FragmentRow {
    /// UDP payload bytes.
    pub payload: usize,
    /// The IP datagram it makes: payload + 8 (UDP) + 20 (IPv4).
    pub ip_total: usize,
    /// Sender (b): `Ip: FragOKs` delta, datagrams it fragmented.
    pub fragmented: u64,
    /// Sender (b): `Ip: FragCreates` delta, fragments it made.
    pub fragments: u64,
    /// Receiver (a): `Ip: ReasmReqds` delta, fragments that needed
    /// reassembly.
    pub reassembly_fragments: u64,
    /// Receiver (a): `Ip: ReasmOKs` delta, datagrams reassembled.
    pub reassembled: u64,
    /// Bytes `recv()` returned at a, `None` if it never arrived (lost).
    pub received: Option<usize>,
}

/// Fragmentation at the MTU boundary, counted by the kernels.
#[derive(Clone, Debug, Serialize)]
pub struct Fragmentation {
    /// The lab link's MTU.
    pub mtu: u32,
    /// The largest payload that fits, then one byte more.
    pub rows: Vec<FragmentRow>,
}

/// UDP payloads of MTU − 28 and MTU − 27 bytes from b to a.
///
/// With MTU 1500, 1472 bytes + 8 (UDP header) + 20 (IPv4 header) = 1500
/// fits one packet; 1473 does not, so the sender's IP layer cuts the
/// datagram into fragments — "the internet module … divides the datagram
/// into fragments" ([RFC 791 § 2.3]) — and the receiver reassembles them
/// before UDP sees anything. The counters come from [`SNMP`] inside each
/// namespace: b's `FragOKs`/`FragCreates`, a's `ReasmReqds`/`ReasmOKs`.
/// Losing any fragment loses the whole datagram (`received: None`).
///
/// [RFC 791 § 2.3]: https://datatracker.ietf.org/doc/html/rfc791#section-2.3
pub fn fragmentation(lab: &Lab) -> Result<Fragmentation> {
    const HEADERS: usize = 20 + 8;
    let fits = (lab.mtu as usize).saturating_sub(HEADERS);
    let rows = [fits, fits + 1]
        .into_iter()
        .map(|payload| send_one_across(lab, payload))
        .collect::<Result<Vec<_>>>()?;
    Ok(Fragmentation { mtu: lab.mtu, rows })
}

fn send_one_across(lab: &Lab, payload: usize) -> Result<FragmentRow> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let b_ip = IpAddr::V4(lab.b.addr);
    let (port_tx, port_rx) = mpsc::channel();
    thread::scope(|scope| {
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || -> Result<_> {
                let (socket, addr) = udp_bind(a_ip)?;
                let limit = Some(Duration::from_secs(1));
                call(
                    || "setsockopt(SO_RCVTIMEO)".into(),
                    socket.set_read_timeout(limit),
                )?;
                let reqds = snmp_counter("Ip", "ReasmReqds")?;
                let oks = snmp_counter("Ip", "ReasmOKs")?;
                let _ = port_tx.send(addr);
                let mut buf = vec![0u8; 65_536];
                let received = match socket.recv(&mut buf) {
                    Ok(n) => Some(n),
                    Err(e) if timed_out(&e) => None,
                    Err(e) => return call(|| "recv()".into(), Err(e)),
                };
                Ok((
                    snmp_counter("Ip", "ReasmReqds")?.saturating_sub(reqds),
                    snmp_counter("Ip", "ReasmOKs")?.saturating_sub(oks),
                    received,
                ))
            })
        });
        let client = lab::in_namespace(&lab.b, move || -> Result<_> {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the UDP server in host a to bind".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            let socket = udp_connected(b_ip, addr)?;
            let oks = snmp_counter("Ip", "FragOKs")?;
            let creates = snmp_counter("Ip", "FragCreates")?;
            let data = vec![b'x'; payload];
            call(|| format!("send({payload} bytes)"), socket.send(&data))?;
            Ok((
                snmp_counter("Ip", "FragOKs")?.saturating_sub(oks),
                snmp_counter("Ip", "FragCreates")?.saturating_sub(creates),
            ))
        });
        let (reassembly_fragments, reassembled, received) =
            server
                .join()
                .map_err(|_| Error::Panicked("lab UDP server"))???;
        let (fragmented, fragments) = client??;
        Ok(FragmentRow {
            payload,
            ip_total: payload + 28,
            fragmented,
            fragments,
            reassembly_fragments,
            reassembled,
            received,
        })
    })
}

// ---------------------------------------------------------------------------
// 7. The report: one row per claim
// ---------------------------------------------------------------------------

/// One line of the comparison table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// What was measured, e.g. "connection set-up".
    pub what: &'static str,
    /// TCP's result, ready to print.
    pub tcp: String,
    /// UDP's result, ready to print.
    pub udp: String,
    /// What the row shows, in one sentence.
    pub shows: &'static str,
}

/// All rows, in the order of the article's claims.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// The table.
    pub rows: Vec<Row>,
}

/// What [`run`] measures with.
#[derive(Clone, Debug, Serialize)]
pub struct Options {
    /// The loopback address: 127.0.0.1 or ::1.
    pub ip: IpAddr,
    /// Message size for the round trips, in bytes.
    pub size: usize,
    /// Round trips (and connects) kept per transport.
    pub count: usize,
    /// Bytes per bulk transfer (each is also capped at
    /// [`THROUGHPUT_TIME`]).
    pub bulk_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            size: 64,
            count: 2000,
            bulk_bytes: 8 << 30,
        }
    }
}

/// Runs every loopback measurement and returns the table. Rows from the
/// lab ([`LossReport::rows`], [`Fragmentation::rows`]) are appended by the
/// caller when a lab is available.
pub fn run(options: &Options) -> Result<Report> {
    let ip = options.ip;
    let mut rows = Vec::new();

    let connect = connect_time(ip, options.count)?;
    let first = udp_first_send(ip, options.count)?;
    rows.push(Row {
        what: "connection set-up",
        tcp: format!("connect(): {connect}"),
        udp: format!("none; socket()+first sendto(): {first}"),
        shows: "TCP waits one round trip for SYN, SYN-ACK before data may \
                flow (RFC 9293 § 3.5); UDP's first packet is its data.",
    });

    let tcp = round_trip(ip, options.size, options.count, Transport::Tcp)?;
    let udp = round_trip(ip, options.size, options.count, Transport::Udp)?;
    rows.push(Row {
        what: "round trip",
        tcp: format!("{} B: {tcp}", options.size),
        udp: format!("{} B: {udp}", options.size),
        shows: "Once connected, a small TCP message costs about what a UDP \
                datagram does; the handshake and retransmission are what \
                cost.",
    });

    let tcp = throughput(ip, options.bulk_bytes, Transport::Tcp, 128 * 1024)?;
    let udp = throughput(ip, options.bulk_bytes, Transport::Udp, 1472)?;
    rows.push(Row {
        what: "bulk throughput",
        tcp: format!("{:.1} Gbit/s (128 KiB writes), 0 lost", tcp.gbit_per_s()),
        udp: format!(
            "{:.1} Gbit/s (1472 B datagrams), {} of {} lost",
            udp.gbit_per_s(),
            udp.lost,
            udp.writes
        ),
        shows: "TCP's receive window paces the sender so nothing is lost; \
                UDP has no flow control, so a fast sender can overrun the \
                receiver.",
    });

    let tcp = throughput(ip, options.bulk_bytes, Transport::Tcp, 64)?;
    let udp = throughput(ip, options.bulk_bytes, Transport::Udp, 64)?;
    rows.push(Row {
        what: "64 B messages",
        tcp: format!(
            "{:.0} writes/s, arriving in {} reads",
            tcp.writes_per_s(),
            tcp.reads
        ),
        udp: format!(
            "{:.0} datagrams/s, {} of {} lost",
            udp.reads_per_s(),
            udp.lost,
            udp.writes
        ),
        shows: "Per small message TCP can even be faster: it merges \
                writes into fewer segments and reads, while every UDP \
                datagram makes the whole trip through the stack.",
    });

    let flow = flow_control(ip, 2000)?;
    rows.push(Row {
        what: "receiver stops reading",
        tcp: format!(
            "write() says EAGAIN after {} KiB; all {} KiB read later",
            flow.tcp_accepted / 1024,
            flow.tcp_received / 1024
        ),
        udp: format!(
            "all {} sendto() succeed; {} arrive",
            flow.udp_sent, flow.udp_received
        ),
        shows: "TCP flow control pushes back on the sender (RFC 9293 § \
                3.8.6); UDP drops silently (RFC 8085 § 3.1).",
    });

    let b = message_boundaries(ip)?;
    rows.push(Row {
        what: "3 writes of 100 B",
        tcp: format!("read() returned {}", list(&b.tcp_reads)),
        udp: format!("recv() returned {}", list(&b.udp_reads)),
        shows: "TCP is a byte stream and keeps no message boundaries (RFC \
                9293 § 2.2); each UDP datagram arrives whole (RFC 768).",
    });

    let s = size_limits(ip)?;
    rows.push(Row {
        what: "largest single send",
        tcp: format!(
            "one write() of {} KiB: accepted, read in {} pieces",
            s.tcp_accepted / 1024,
            s.tcp_reads
        ),
        udp: format!(
            "{} B: sent and received whole; {} B: {}",
            s.udp_largest,
            s.udp_too_large,
            match &s.udp_too_large_result {
                Ok(n) => format!("sent {n} (unexpected)"),
                Err(e) => e.to_string(),
            }
        ),
        shows: "IP's 16-bit Total Length (RFC 791 § 3.1) caps a UDP \
                datagram at 65,507 bytes; a TCP stream has no size.",
    });

    Ok(Report { rows })
}

/// `100, 100, 100`
fn list(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl LossReport {
    /// The lab rows for the table.
    pub fn rows(&self) -> Vec<Row> {
        vec![Row {
            what: "over a lossy link",
            tcp: format!(
                "{} of {} B, {}, {} retransmissions, {}",
                self.tcp_bytes_received,
                self.tcp_bytes_sent,
                if self.tcp_first_mismatch.is_none() {
                    "in order"
                } else {
                    "CORRUPTED"
                },
                self.tcp_retransmissions,
                micros(self.tcp_elapsed)
            ),
            udp: format!(
                "{} of {} arrived, {} lost, {} reordered",
                self.udp_received,
                self.udp_sent,
                self.udp_lost,
                self.udp_reordered
            ),
            shows: "TCP retransmits until every byte arrives in order (RFC \
                    9293 § 3.8.1); UDP delivers what survives (RFC 768).",
        }]
    }
}

impl Fragmentation {
    /// The lab rows for the table: one per payload size.
    pub fn rows(&self) -> Vec<Row> {
        self.rows
            .iter()
            .map(|r| Row {
                what: "UDP at the MTU",
                tcp: String::from("(TCP sizes segments to fit: MSS)"),
                udp: format!(
                    "{} B payload: {}{}",
                    r.payload,
                    match r.fragments {
                        0 => String::from("one packet"),
                        n => format!(
                            "{n} fragments, {} reassembled",
                            r.reassembled
                        ),
                    },
                    if r.received.is_some() { "" } else { ", lost" }
                ),
                shows: "An IP datagram larger than the link MTU travels in \
                        fragments and is whole only if all arrive (RFC 791 \
                        § 2.3).",
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|&n| Duration::from_micros(n)).collect()
    }

    #[test]
    fn percentile_nearest_rank() {
        let sorted = us(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert_eq!(percentile(&sorted, 50), Some(Duration::from_micros(5)));
        assert_eq!(percentile(&sorted, 99), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&sorted, 0), Some(Duration::from_micros(1)));
        assert_eq!(percentile(&sorted, 100), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&sorted, 250), Some(Duration::from_micros(10)));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn p99_of_a_hundred_is_the_99th() {
        let sorted: Vec<_> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile(&sorted, 99), Some(Duration::from_micros(99)));
        assert_eq!(percentile(&sorted, 50), Some(Duration::from_micros(50)));
    }

    #[test]
    fn spread_sorts_and_orders() {
        let spread = Spread::of(us(&[9, 1, 5, 3, 7])).expect("non-empty");
        assert_eq!(spread.min, Duration::from_micros(1));
        assert_eq!(spread.median, Duration::from_micros(5));
        assert_eq!(spread.p99, Duration::from_micros(9));
        assert_eq!(spread.max, Duration::from_micros(9));
        assert_eq!(spread.samples, 5);
        assert!(spread.min <= spread.median && spread.median <= spread.p99);
        assert!(Spread::of(Vec::new()).is_none());
        let one = Spread::of(us(&[4])).expect("one sample");
        assert_eq!((one.median, one.p99), (one.min, one.max));
    }

    #[test]
    fn snmp_table_lookup() {
        let text = "Ip: Forwarding DefaultTTL FragCreates\n\
                    Ip: 1 64 7\n\
                    Tcp: RtoAlgorithm MaxConn RetransSegs\n\
                    Tcp: 1 -1 42\n";
        assert_eq!(parse_snmp(text, "Tcp", "RetransSegs"), Some(42));
        assert_eq!(parse_snmp(text, "Ip", "FragCreates"), Some(7));
        assert_eq!(parse_snmp(text, "Udp", "InDatagrams"), None);
        assert_eq!(parse_snmp(text, "Tcp", "Nope"), None);
    }

    #[test]
    fn udp_ceilings() {
        assert_eq!(max_udp_payload(Ipv4Addr::LOCALHOST.into()), 65_507);
        assert_eq!(
            max_udp_payload(std::net::Ipv6Addr::LOCALHOST.into()),
            65_527
        );
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(micros(Duration::from_nanos(12_340)), "12.3 µs");
        assert_eq!(micros(Duration::from_micros(4_560)), "4.56 ms");
    }
}
