//! `netlab socket listen ADDR`: a server students can poke with `nc`.
//!
//! The server side of lesson 10 as a reusable tool: it makes each set-up
//! call visibly (`socket`, `setsockopt`, `bind`, `listen`), then accepts
//! connections and hands each to a thread of its own, reporting every
//! `read()`. With `--echo` it sends back what it reads; with `--udp` it
//! binds a datagram socket and just receives, since UDP has no `listen()`
//! or `accept()`.
//!
//! Try it with `nc 127.0.0.1 7000` or `socat - TCP:127.0.0.1:7000` in a
//! second terminal, or `netlab socket connect`.
//!
//! Read before: [`super::walkthrough`]. Book: `book/src/lesson-10.md`.
//! Run: `netlab socket listen 127.0.0.1:7000 --echo`.

use std::io::{Read, Write};
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::thread;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::event::{Event, Sink};
use super::walkthrough::{af, local_addr};
use super::{Result, call};

/// What to listen on, and how to behave.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address to bind; port 0 lets the kernel choose.
    pub addr: SocketAddr,
    /// UDP instead of TCP.
    pub udp: bool,
    /// Send back whatever arrives.
    pub echo: bool,
    /// Stop after this many connections (TCP) or datagrams (UDP).
    pub count: Option<u32>,
    /// The accept-queue limit given to `listen()`.
    pub backlog: i32,
}

/// Runs the server until `count` is reached (or forever).
pub fn run(options: &Options, events: Sink) -> Result<()> {
    if options.udp {
        run_udp(options, events)
    } else {
        run_tcp(options, events)
    }
}

fn run_tcp(options: &Options, events: Sink) -> Result<()> {
    let addr = options.addr;
    let socket = call(
        || "socket()".into(),
        Socket::new(
            Domain::for_address(addr),
            Type::STREAM,
            Some(Protocol::TCP),
        ),
    )?;
    let fd = socket.as_raw_fd();
    events(Event::Call {
        call: format!("socket({}, SOCK_STREAM, IPPROTO_TCP)", af(addr.ip())),
        returned: format!("fd {fd}"),
    });
    call(
        || "setsockopt(SO_REUSEADDR)".into(),
        socket.set_reuse_address(true),
    )?;
    events(Event::Call {
        call: format!("setsockopt(fd {fd}, SO_REUSEADDR, 1)"),
        returned: "0".into(),
    });
    call(
        || format!("bind({addr})"),
        socket.bind(&SockAddr::from(addr)),
    )?;
    let bound = local_addr(&socket)?;
    events(Event::Call {
        call: format!("bind(fd {fd}, {addr})"),
        // Not "listening" yet: a connect() now is refused until listen().
        returned: format!("0, bound to {bound}"),
    });
    let backlog = options.backlog;
    call(
        || format!("listen(fd {fd}, {backlog})"),
        socket.listen(backlog),
    )?;
    events(Event::Call {
        call: format!("listen(fd {fd}, {backlog})"),
        returned: "0, state LISTEN: waiting for connections".into(),
    });

    // ANCHOR: accept_loop
    let mut handlers = Vec::new();
    let mut conn = 0;
    while options.count.is_none_or(|max| conn < max) {
        let (stream, peer) =
            call(|| format!("accept(fd {fd})"), socket.accept())?;
        conn += 1;
        let peer = peer.as_socket().unwrap_or(bound);
        events(Event::Accepted {
            conn,
            peer,
            fd: stream.as_raw_fd(),
        });
        let (events, echo) = (events.clone(), options.echo);
        // One thread per connection, so a slow client never blocks the
        // others; this loop goes straight back to accept().
        handlers.push(thread::spawn(move || {
            serve(conn, stream, peer, echo, &events)
        }));
    }
    // ANCHOR_END: accept_loop
    for handler in handlers {
        // A failed connection only ends that connection.
        if let Ok(Err(e)) = handler.join() {
            tracing::warn!("connection failed: {e}");
        }
    }
    Ok(())
}

/// Reads until the peer closes; echoes if asked.
fn serve(
    conn: u32,
    mut stream: Socket,
    peer: SocketAddr,
    echo: bool,
    events: &Sink,
) -> Result<()> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = call(|| "read()".into(), stream.read(&mut buf))?;
        if n == 0 {
            events(Event::PeerClosed { conn, peer });
            break;
        }
        events(Event::Received {
            conn,
            from: peer,
            data: buf[..n].to_vec(),
        });
        if echo {
            call(|| "write()".into(), stream.write_all(&buf[..n]))?;
            events(Event::Sent {
                conn,
                to: peer,
                len: n,
            });
        }
    }
    drop(stream);
    events(Event::Closed { conn });
    Ok(())
}

fn run_udp(options: &Options, events: Sink) -> Result<()> {
    let addr = options.addr;
    let socket = call(|| format!("bind({addr})"), UdpSocket::bind(addr))?;
    let bound = call(|| "getsockname()".into(), socket.local_addr())?;
    events(Event::Call {
        call: format!(
            "socket({}, SOCK_DGRAM, IPPROTO_UDP); bind({addr})",
            af(addr.ip())
        ),
        returned: format!(
            "0, receiving on {bound} (no listen(), no accept(): UDP has no \
             connections)"
        ),
    });
    let mut buf = vec![0u8; 65_536];
    let mut seen = 0;
    while options.count.is_none_or(|max| seen < max) {
        let (n, from) =
            call(|| "recvfrom()".into(), socket.recv_from(&mut buf))?;
        seen += 1;
        events(Event::Received {
            conn: 0,
            from,
            data: buf[..n].to_vec(),
        });
        if options.echo {
            call(
                || format!("sendto({from})"),
                socket.send_to(&buf[..n], from),
            )?;
            events(Event::Sent {
                conn: 0,
                to: from,
                len: n,
            });
        }
    }
    Ok(())
}
