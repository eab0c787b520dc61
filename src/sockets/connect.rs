//! `netlab socket connect ADDR`: the client side, step by step.
//!
//! It makes the client's calls visibly (`socket`, `connect`), sends either
//! `--send TEXT` or everything typed on stdin, half-closes its side
//! (`shutdown(SHUT_WR)`, so the server sees end-of-stream), and prints what
//! comes back until the server closes or nothing arrives for `--wait`.
//! With `--udp` it sends datagrams instead; `connect()` on a UDP socket
//! sends no packet at all, it only fixes the default destination.
//!
//! Works against `nc -l 7000`, `socat TCP-LISTEN:7000 -`, or
//! `netlab socket listen`.
//!
//! Read before: [`super::listen`]. Book: `book/src/lesson-10.md`.
//! Run: `netlab socket connect 127.0.0.1:7000 --send hello`.

use std::io::{self, BufRead, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::event::{Event, Sink};
use super::walkthrough::{af, local_addr};
use super::{Result, call};

/// Where to connect and what to send.
#[derive(Clone, Debug)]
pub struct Options {
    /// The server.
    pub addr: SocketAddr,
    /// UDP instead of TCP.
    pub udp: bool,
    /// Send this (plus a newline) instead of reading stdin.
    pub send: Option<String>,
    /// Stop reading after this long without data.
    pub wait: Duration,
}

/// Connects, sends, prints replies. `input` is read when `send` is `None`.
pub fn run(
    options: &Options,
    input: impl BufRead + Send + 'static,
    events: Sink,
) -> Result<()> {
    let addr = options.addr;
    let kind = if options.udp {
        Type::DGRAM
    } else {
        Type::STREAM
    };
    let proto = if options.udp {
        Protocol::UDP
    } else {
        Protocol::TCP
    };
    let socket = call(
        || "socket()".into(),
        Socket::new(Domain::for_address(addr), kind, Some(proto)),
    )?;
    let fd = socket.as_raw_fd();
    let (kind_name, proto_name) = if options.udp {
        ("SOCK_DGRAM", "IPPROTO_UDP")
    } else {
        ("SOCK_STREAM", "IPPROTO_TCP")
    };
    events(Event::Call {
        call: format!("socket({}, {kind_name}, {proto_name})", af(addr.ip())),
        returned: format!("fd {fd}"),
    });
    call(
        || format!("connect({addr})"),
        socket.connect(&SockAddr::from(addr)),
    )?;
    let me = local_addr(&socket)?;
    events(Event::Call {
        call: format!("connect(fd {fd}, {addr})"),
        returned: if options.udp {
            format!(
                "0 from {me}: no packet was sent, UDP only remembers the \
                 destination"
            )
        } else {
            format!("0 from {me}: three-way handshake done, ESTABLISHED")
        },
    });
    // The reader wakes up every TICK to see whether sending is over, so it
    // can stop after `wait` of silence without cutting off a slow typist.
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        socket.set_read_timeout(Some(TICK)),
    )?;
    let done_sending = Arc::new(AtomicBool::new(false));
    let reader = {
        let socket = call(|| "dup()".into(), socket.try_clone())?;
        let (events, done) = (events.clone(), done_sending.clone());
        let (udp, wait) = (options.udp, options.wait);
        thread::spawn(move || receive(socket, addr, udp, wait, &done, &events))
    };

    match &options.send {
        Some(text) => {
            let line = format!("{text}\n");
            send(&socket, addr, line.as_bytes(), &events)?;
        }
        None => {
            for line in input.lines() {
                let line = call(|| "read(stdin)".into(), line)?;
                send(&socket, addr, format!("{line}\n").as_bytes(), &events)?;
            }
        }
    }
    done_sending.store(true, Ordering::Release);
    if !options.udp {
        call(
            || format!("shutdown(fd {fd}, SHUT_WR)"),
            socket.shutdown(Shutdown::Write),
        )?;
        events(Event::Call {
            call: format!("shutdown(fd {fd}, SHUT_WR)"),
            returned: "0, FIN sent: the server will read end-of-stream".into(),
        });
    }
    let outcome = reader.join().unwrap_or_else(|_| {
        Err(super::Error::Call {
            call: "the reading thread".into(),
            source: io::Error::other("it panicked"),
        })
    });
    drop(socket);
    events(Event::Closed { conn: 0 });
    outcome
}

fn send(
    socket: &Socket,
    to: SocketAddr,
    data: &[u8],
    events: &Sink,
) -> Result<()> {
    let mut writer = socket;
    call(|| "write()".into(), writer.write_all(data))?;
    events(Event::Sent {
        conn: 0,
        to,
        len: data.len(),
    });
    Ok(())
}

/// How often the reader looks up from a blocked `read()` to check whether
/// sending is over.
const TICK: Duration = Duration::from_millis(50);

/// Reports everything that arrives, until end-of-stream, or until nothing
/// has arrived for `wait` after we finished sending.
fn receive(
    mut socket: Socket,
    peer: SocketAddr,
    udp: bool,
    wait: Duration,
    done_sending: &AtomicBool,
    events: &Sink,
) -> Result<()> {
    let mut buf = vec![0u8; 65_536];
    let mut quiet_since = None;
    loop {
        match socket.read(&mut buf) {
            // For TCP a read of 0 is end-of-stream; for UDP it is an empty
            // datagram, which is legal.
            Ok(0) if !udp => {
                events(Event::PeerClosed { conn: 0, peer });
                return Ok(());
            }
            Ok(n) => {
                quiet_since = None;
                let data = buf[..n].to_vec();
                events(Event::Received {
                    conn: 0,
                    from: peer,
                    data,
                });
            }
            // SO_RCVTIMEO expired: EAGAIN (WouldBlock) on Linux.
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut
                ) =>
            {
                if !done_sending.load(Ordering::Acquire) {
                    continue;
                }
                let since = *quiet_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= wait {
                    events(Event::Quiet { waited: wait });
                    return Ok(());
                }
            }
            Err(e) => return call(|| format!("read() from {peer}"), Err(e)),
        }
    }
}
