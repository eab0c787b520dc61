//! A full accept queue: what happens to the client the backlog has no room
//! for.
//!
//! `listen(fd, backlog)` bounds the *accept queue*: connections whose
//! handshake the kernel has finished but the program has not `accept()`ed.
//! This module fills it on purpose. A listener with a small backlog never
//! calls `accept()`; clients connect one after another:
//!
//! ```text
//!   client 1, 2   handshake done, parked in the accept queue  ESTABLISHED
//!   client 3      its SYN is dropped: the queue is full        SYN_SENT
//!   accept()      one place frees up
//!   client 3      its TCP sends the SYN again (after ~1 s), and gets in
//! ```
//!
//! Two facts of Linux show here that the textbooks leave out. The queue
//! holds `backlog + 1` connections, not `backlog` (the kernel's test is
//! "more than backlog", `sk_acceptq_is_full` in `include/net/sock.h`). And
//! a full queue does not refuse the client: the kernel silently drops its
//! SYN (counted as `ListenDrops` in `/proc/net/netstat`), so the client's
//! own TCP retries with a growing timeout (1 s, then 2 s, 4 s …; RFC 6298
//! § 5 and RFC 9293 § 3.8.1) and `connect()` just takes longer. Only with
//! `net.ipv4.tcp_abort_on_overflow = 1` would the client get a reset.
//!
//! Where it sits: beside [`super::walkthrough`], which builds one
//! connection call by call; lesson 10 shows this after it. Nothing here
//! prints. Run: `netlab lesson 10`.

use std::net::{IpAddr, SocketAddr};
use std::thread::sleep;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::proc_net::{self, TcpState};
use super::{Error, Result, call};

/// How long a client's retried SYN may take to get in after `accept()`
/// made room: the first retry comes after about a second, the second after
/// about three; more is left for a busy machine.
const RETRY_WAIT: Duration = Duration::from_secs(8);

/// How long we give the kernel to finish handshakes on loopback.
const SETTLE: Duration = Duration::from_secs(3);

/// One client and the state the kernel listed for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Client {
    /// Its address (the kernel picked the port at `connect()`).
    pub addr: SocketAddr,
    /// Its state while the queue was full.
    pub state: TcpState,
}

/// What a full accept queue did.
#[derive(Clone, Debug)]
pub struct Filled {
    /// The listener's address.
    pub listener: SocketAddr,
    /// The backlog given to `listen()`.
    pub backlog: i32,
    /// Connections waiting in the accept queue (the LISTEN row's Recv-Q)
    /// while it was full.
    pub queued: u32,
    /// The clients, in the order they connected.
    pub clients: Vec<Client>,
    /// After one `accept()`, how long until the last client was
    /// ESTABLISHED (`None`: not within a few seconds).
    pub got_in_after: Option<Duration>,
}

impl Filled {
    /// The clients the queue had no room for.
    pub fn left_out(&self) -> impl Iterator<Item = &Client> {
        self.clients
            .iter()
            .filter(|c| c.state != TcpState::Established)
    }
}

/// Listens with `backlog`, connects `clients` clients without ever
/// accepting, reads their states, then accepts one and times how long the
/// last client takes to get in.
pub fn fill(ip: IpAddr, backlog: i32, clients: usize) -> Result<Filled> {
    let domain = Domain::for_address(SocketAddr::new(ip, 0));
    let listener = call(
        || "socket(SOCK_STREAM)".into(),
        Socket::new(domain, Type::STREAM, Some(Protocol::TCP)),
    )?;
    let any = SockAddr::from(SocketAddr::new(ip, 0));
    call(|| format!("bind({ip}:0)"), listener.bind(&any))?;
    call(|| format!("listen({backlog})"), listener.listen(backlog))?;
    let at = local(&listener)?;

    let mut sockets = Vec::new();
    for _ in 0..clients {
        let client = call(
            || "socket(SOCK_STREAM)".into(),
            Socket::new(domain, Type::STREAM, Some(Protocol::TCP)),
        )?;
        // Non-blocking, so a client whose SYN is dropped does not hold up
        // the others: connect() returns EINPROGRESS at once.
        call(|| "fcntl(O_NONBLOCK)".into(), client.set_nonblocking(true))?;
        match client.connect(&SockAddr::from(at)) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => {}
            Err(e) => {
                return Err(Error::Call {
                    call: format!("connect({at})"),
                    source: e,
                });
            }
        }
        let addr = local(&client)?;
        // One at a time, so the first ones are the ones that get in.
        wait_for(&format!("{addr} to finish or stall"), SETTLE, || {
            let state = state_of(addr, at)?;
            Ok(state != Some(TcpState::SynSent)
                || sockets.len() > backlog as usize)
        })?;
        sockets.push((client, addr));
    }
    // The kernel has settled: read every client's state and the queue.
    sleep(Duration::from_millis(100));
    let mut listed = Vec::new();
    for (_, addr) in &sockets {
        let state = state_of(*addr, at)?.unwrap_or(TcpState::Close);
        listed.push(Client { addr: *addr, state });
    }
    let queued = proc_net::tcp_sockets()?
        .into_iter()
        .find(|r| r.local == at && r.state == TcpState::Listen)
        .map_or(0, |r| r.rx_queue);

    // Make room, and time the last client's retry.
    let _first = call(|| "accept()".into(), listener.accept())?;
    let started = Instant::now();
    let got_in_after = match sockets.last() {
        Some((_, last))
            if listed
                .last()
                .is_some_and(|c| c.state != TcpState::Established) =>
        {
            let mut got_in = None;
            while started.elapsed() < RETRY_WAIT {
                if state_of(*last, at)? == Some(TcpState::Established) {
                    got_in = Some(started.elapsed());
                    break;
                }
                sleep(Duration::from_millis(20));
            }
            got_in
        }
        _ => Some(Duration::ZERO),
    };
    Ok(Filled {
        listener: at,
        backlog,
        queued,
        clients: listed,
        got_in_after,
    })
}

fn local(socket: &Socket) -> Result<SocketAddr> {
    call(|| "getsockname()".into(), socket.local_addr())?
        .as_socket()
        .ok_or_else(|| Error::Call {
            call: "getsockname()".into(),
            source: std::io::Error::other("not an IP socket"),
        })
}

/// The state of the client socket at `client` connected to `server`.
fn state_of(
    client: SocketAddr,
    server: SocketAddr,
) -> Result<Option<TcpState>> {
    Ok(proc_net::tcp_sockets()?
        .into_iter()
        .find(|r| r.local == client && r.remote == server)
        .map(|r| r.state))
}

fn wait_for(
    what: &str,
    limit: Duration,
    mut done: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let started = Instant::now();
    while !done()? {
        if started.elapsed() > limit {
            return Err(Error::Timeout {
                what: what.into(),
                waited: limit,
            });
        }
        sleep(Duration::from_millis(5));
    }
    Ok(())
}
