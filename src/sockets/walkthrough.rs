//! Lesson 10: one TCP connection, built system call by system call.
//!
//! The article describes three stages (服务器监听, 客户端请求, 连接确认:
//! server listens, client requests, connection confirmed). Here they happen
//! for real, on loopback, with [`socket2`] so that each Rust call is exactly
//! one C call:
//!
//! ```text
//!  server                                   client
//!  socket()  → fd                           
//!  setsockopt(SO_REUSEADDR)                 
//!  bind(127.0.0.1:0)                        
//!  listen(backlog)         LISTEN           
//!                                           socket() → fd
//!            ◄──── SYN ──────────────────── connect()
//!            ───── SYN-ACK ─────────────►
//!            ◄──── ACK ────────────────────  ESTABLISHED (connect returns)
//!  (kernel: ESTABLISHED, waits in the accept queue)
//!  accept()  → new fd
//!  read()    ◄──── "hello" ──────────────── write()
//!  write()   ───── "welcome" ───────────►   read()
//!            ◄──── FIN ──────────────────── shutdown(SHUT_WR)   FIN_WAIT2
//!  read() = 0   CLOSE_WAIT
//!  close()   ───── FIN ─────────────────►                       TIME_WAIT
//! ```
//!
//! After every call the kernel's table is read back ([`super::proc_net`]) and
//! attached to the [`Step`], so the lesson shows what the kernel *did*:
//! LISTEN after `listen()`, the client ESTABLISHED *before* the server calls
//! `accept()`, TIME_WAIT on the side that closed first.
//!
//! Specs: [RFC 9293 § 3.5] (establishing a connection), [RFC 9293 § 3.6]
//! (closing), POSIX `listen`/`accept`. Book: `book/src/lesson-10.md`.
//! Run: `netlab socket demo`, or `netlab lesson 10` with narration.
//!
//! [RFC 9293 § 3.5]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.5
//! [RFC 9293 § 3.6]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.6

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::proc_net::{self, SocketRow, TcpState};
use super::step::{Observed, Side, Step, row_of, state_of};
use super::{Error, Result, call};

/// What the client sends, and what the server answers.
pub const REQUEST: &[u8] = b"hello\n";
/// The server's answer to [`REQUEST`].
pub const REPLY: &[u8] = b"welcome\n";

/// How long we give the kernel to show a state change on loopback. It is
/// usually there within microseconds; the margin is for a busy CI machine.
const SETTLE: Duration = Duration::from_secs(3);

/// The sockets of one TCP conversation, and the steps taken so far.
pub struct Walkthrough {
    ip: IpAddr,
    backlog: i32,
    listener: Option<Socket>,
    server: Option<Socket>,
    client: Option<Socket>,
    server_port: u16,
    /// The client's address, once `connect()` has given it one.
    client_addr: Option<SocketAddr>,
    /// (inode, label) of each socket we hold a file descriptor for.
    owners: Vec<(u64, String)>,
}

impl Walkthrough {
    /// Prepares a conversation on `ip` (use a loopback address) whose
    /// listener will get `backlog` as its accept-queue limit.
    pub fn new(ip: IpAddr, backlog: i32) -> Self {
        Walkthrough {
            ip,
            backlog,
            listener: None,
            server: None,
            client: None,
            server_port: 0,
            client_addr: None,
            owners: Vec::new(),
        }
    }

    /// The listener's port, once `bind()` has given it one (else 0).
    pub fn server_port(&self) -> u16 {
        self.server_port
    }

    /// The client's address, once `connect()` has given it one.
    pub fn client_addr(&self) -> Option<SocketAddr> {
        self.client_addr
    }

    /// Runs every step in order; what `netlab socket demo` prints.
    pub fn run_all(&mut self) -> Result<Vec<Step>> {
        let mut steps = vec![
            self.socket()?,
            self.reuse_address()?,
            self.bind()?,
            self.listen()?,
        ];
        steps.extend(self.connect()?);
        steps.push(self.accept()?);
        steps.extend(self.exchange()?);
        steps.extend(self.close()?);
        Ok(steps)
    }

    // ANCHOR: socket
    /// `socket()`: ask the kernel for a TCP endpoint. It has no address yet.
    pub fn socket(&mut self) -> Result<Step> {
        let domain = Domain::for_address(SocketAddr::new(self.ip, 0));
        let socket = call(
            || "socket()".into(),
            Socket::new(domain, Type::STREAM, Some(Protocol::TCP)),
        )?;
        let fd = socket.as_raw_fd();
        let inode = proc_net::inode_of(fd)?;
        self.owners.push((inode, format!("listener fd {fd}")));
        self.listener = Some(socket);
        let table = self.snapshot()?;
        let kernel = if table.is_empty() {
            crate::tr!("walk-socket-created", fd = fd, inode = inode)
        } else {
            crate::tr!("walk-socket-listed")
        };
        Ok(Step {
            side: Side::Server,
            call: format!("socket({}, SOCK_STREAM, IPPROTO_TCP)", af(self.ip)),
            returned: format!("fd {fd}"),
            kernel,
            table,
        })
    }
    // ANCHOR_END: socket

    /// `setsockopt(SO_REUSEADDR)`: allow binding the port again while old
    /// connections to it are still in TIME_WAIT (a restarted server needs
    /// that; see the TIME_WAIT row at the end of the demo).
    pub fn reuse_address(&mut self) -> Result<Step> {
        let socket = self.listener()?;
        let fd = socket.as_raw_fd();
        call(
            || format!("setsockopt(fd {fd}, SO_REUSEADDR)"),
            socket.set_reuse_address(true),
        )?;
        // Read it back: the kernel, not our variable, is the truth.
        let on = call(
            || format!("getsockopt(fd {fd}, SO_REUSEADDR)"),
            socket.reuse_address(),
        )?;
        Ok(Step {
            side: Side::Server,
            call: format!("setsockopt(fd {fd}, SOL_SOCKET, SO_REUSEADDR, 1)"),
            returned: "0".into(),
            kernel: crate::tr!("walk-reuseaddr", on = on.to_string()),
            table: self.snapshot()?,
        })
    }

    // ANCHOR: bind
    /// `bind()`: give the socket its address. Port 0 asks the kernel to
    /// choose a free port, which `getsockname()` then reveals.
    pub fn bind(&mut self) -> Result<Step> {
        let socket = self.listener()?;
        let fd = socket.as_raw_fd();
        let wanted = SocketAddr::new(self.ip, 0);
        call(
            || format!("bind(fd {fd}, {wanted})"),
            socket.bind(&SockAddr::from(wanted)),
        )?;
        let bound = local_addr(socket)?;
        self.server_port = bound.port();
        let table = self.snapshot()?;
        Ok(Step {
            side: Side::Server,
            call: format!("bind(fd {fd}, {wanted})"),
            returned: format!("0, getsockname() = {bound}"),
            kernel: crate::tr!(
                "walk-bound",
                port = bound.port(),
                rows = table.len()
            ),
            table,
        })
    }
    // ANCHOR_END: bind

    // ANCHOR: listen
    /// `listen()`: turn the socket into one that waits for connections.
    pub fn listen(&mut self) -> Result<Step> {
        let backlog = self.backlog;
        let socket = self.listener()?;
        let fd = socket.as_raw_fd();
        call(
            || format!("listen(fd {fd}, {backlog})"),
            socket.listen(backlog),
        )?;
        let table = self.settle("the LISTEN row", |t| {
            state_of(t, "listener") == Some(TcpState::Listen)
        })?;
        let kernel = match row_of(&table, "listener") {
            Some(row) => crate::tr!(
                "walk-listening",
                state = row.state.to_string(),
                queued = row.rx_queue,
                backlog = backlog
            ),
            None => crate::tr!("walk-listener-missing"),
        };
        Ok(Step {
            side: Side::Server,
            call: format!("listen(fd {fd}, {backlog})"),
            returned: "0".into(),
            kernel,
            table,
        })
    }
    // ANCHOR_END: listen

    // ANCHOR: connect
    /// The client's `socket()` and `connect()`. When `connect()` returns,
    /// the three-way handshake is over, although the server has not called
    /// `accept()`: the kernel completed it and parked the new connection in
    /// the listener's accept queue.
    pub fn connect(&mut self) -> Result<Vec<Step>> {
        let server = SocketAddr::new(self.ip, self.server_port);
        let domain = Domain::for_address(server);
        let socket = call(
            || "socket()".into(),
            Socket::new(domain, Type::STREAM, Some(Protocol::TCP)),
        )?;
        let fd = socket.as_raw_fd();
        self.owners
            .push((proc_net::inode_of(fd)?, format!("client fd {fd}")));
        let created = Step {
            side: Side::Client,
            call: format!("socket({}, SOCK_STREAM, IPPROTO_TCP)", af(self.ip)),
            returned: format!("fd {fd}"),
            kernel: crate::tr!("walk-second-socket"),
            table: Vec::new(),
        };
        call(
            || format!("connect(fd {fd}, {server})"),
            socket.connect(&SockAddr::from(server)),
        )?;
        let me = local_addr(&socket)?;
        self.client_addr = Some(me);
        self.client = Some(socket);
        let table =
            self.settle("the handshake in the kernel's table", |t| {
                state_of(t, "client") == Some(TcpState::Established)
                    && state_of(t, "server, not accepted")
                        == Some(TcpState::Established)
            })?;
        let queued = row_of(&table, "listener").map_or(0, |r| r.rx_queue);
        Ok(vec![
            created,
            Step {
                side: Side::Client,
                call: format!("connect(fd {fd}, {server})"),
                returned: crate::tr!("walk-picked-port", port = me.port()),
                kernel: crate::tr!("walk-connected", queued = queued),
                table,
            },
        ])
    }
    // ANCHOR_END: connect

    // ANCHOR: accept
    /// `accept()`: take the finished connection off the queue. It comes
    /// back as a *new* socket with its own fd; the listener keeps listening.
    pub fn accept(&mut self) -> Result<Step> {
        let listener = self.listener()?;
        let fd = listener.as_raw_fd();
        let (socket, peer) =
            call(|| format!("accept(fd {fd})"), listener.accept())?;
        let new_fd = socket.as_raw_fd();
        let peer = peer
            .as_socket()
            .map_or_else(|| "?".to_string(), |a| a.to_string());
        self.owners
            .push((proc_net::inode_of(new_fd)?, format!("server fd {new_fd}")));
        self.server = Some(socket);
        let table = self.settle("the accepted socket to get its fd", |t| {
            state_of(t, "server fd") == Some(TcpState::Established)
        })?;
        let queued = row_of(&table, "listener").map_or(0, |r| r.rx_queue);
        Ok(Step {
            side: Side::Server,
            call: format!("accept(fd {fd})"),
            returned: crate::tr!(
                "walk-accept-returned",
                fd = new_fd,
                peer = peer
            ),
            kernel: crate::tr!("walk-accepted", fd = new_fd, queued = queued),
            table,
        })
    }
    // ANCHOR_END: accept

    // ANCHOR: exchange
    /// `write()` on one end, `read()` on the other, and back. Between the
    /// two calls the bytes sit in the receiver's kernel buffer (Recv-Q).
    pub fn exchange(&mut self) -> Result<Vec<Step>> {
        let mut steps = Vec::new();
        let cfd = self.client()?.as_raw_fd();
        let sfd = self.server()?.as_raw_fd();

        let n =
            call(|| format!("write(fd {cfd})"), self.client()?.write(REQUEST))?;
        let want = REQUEST.len() as u32;
        let table = self.settle("the bytes in the server's Recv-Q", |t| {
            row_of(t, "server fd").is_some_and(|r| r.rx_queue == want)
        })?;
        steps.push(Step {
            side: Side::Client,
            call: format!("write(fd {cfd}, {})", quote(REQUEST)),
            returned: format!("{n}"),
            kernel: crate::tr!("walk-bytes-wait", bytes = want),
            table,
        });

        let got = read_some(self.server()?, sfd)?;
        steps.push(Step {
            side: Side::Server,
            call: format!("read(fd {sfd})"),
            returned: crate::tr!(
                "walk-read-returned",
                bytes = got.len(),
                text = quote(&got)
            ),
            kernel: crate::tr!("walk-recv-q-empty"),
            table: self.snapshot()?,
        });

        let n =
            call(|| format!("write(fd {sfd})"), self.server()?.write(REPLY))?;
        let got_back = read_some(self.client()?, cfd)?;
        steps.push(Step {
            side: Side::Server,
            call: format!("write(fd {sfd}, {})", quote(REPLY)),
            returned: format!("{n}"),
            kernel: crate::tr!("walk-reply"),
            table: Vec::new(),
        });
        steps.push(Step {
            side: Side::Client,
            call: format!("read(fd {cfd})"),
            returned: crate::tr!(
                "walk-read-returned",
                bytes = got_back.len(),
                text = quote(&got_back)
            ),
            kernel: crate::tr!("walk-full-duplex"),
            table: self.snapshot()?,
        });
        Ok(steps)
    }
    // ANCHOR_END: exchange

    // ANCHOR: close
    /// The client closes first (`shutdown(SHUT_WR)` sends FIN), the server
    /// reads end-of-stream and closes too. The side that closed first is the
    /// one left in TIME_WAIT.
    pub fn close(&mut self) -> Result<Vec<Step>> {
        let mut steps = Vec::new();
        let cfd = self.client()?.as_raw_fd();
        let sfd = self.server()?.as_raw_fd();

        call(
            || format!("shutdown(fd {cfd}, SHUT_WR)"),
            self.client()?.shutdown(std::net::Shutdown::Write),
        )?;
        let table = self.settle("FIN_WAIT2 and CLOSE_WAIT", |t| {
            state_of(t, "client") == Some(TcpState::FinWait2)
                && state_of(t, "server fd") == Some(TcpState::CloseWait)
        })?;
        // The FIN occupies one sequence number (RFC 9293 § 3.4), so until
        // the server reads end-of-stream its Recv-Q counts 1.
        let fin = row_of(&table, "server fd").map_or(0, |r| r.rx_queue);
        steps.push(Step {
            side: Side::Client,
            call: format!("shutdown(fd {cfd}, SHUT_WR)"),
            returned: "0".into(),
            kernel: crate::tr!("walk-half-closed", fin = fin),
            table,
        });

        let got = read_some(self.server()?, sfd)?;
        steps.push(Step {
            side: Side::Server,
            call: format!("read(fd {sfd})"),
            returned: crate::tr!("walk-end-of-stream", bytes = got.len()),
            kernel: crate::tr!("walk-read-zero"),
            table: Vec::new(),
        });

        self.server = None; // dropping a Socket calls close(fd)
        self.owners
            .retain(|(_, label)| !label.starts_with("server fd"));
        let table = self.settle("the client's TIME_WAIT", |t| {
            state_of(t, "client") == Some(TcpState::TimeWait)
        })?;
        steps.push(Step {
            side: Side::Server,
            call: format!("close(fd {sfd})"),
            returned: "0".into(),
            kernel: crate::tr!("walk-server-closed"),
            table,
        });

        self.client = None;
        self.owners
            .retain(|(_, label)| !label.starts_with("client fd"));
        let table = self.snapshot()?;
        steps.push(Step {
            side: Side::Client,
            call: format!("close(fd {cfd})"),
            returned: "0".into(),
            kernel: crate::tr!("walk-time-wait"),
            table,
        });

        let lfd = self.listener()?.as_raw_fd();
        self.listener = None;
        self.owners.clear();
        steps.push(Step {
            side: Side::Server,
            call: format!("close(fd {lfd})"),
            returned: "0".into(),
            kernel: crate::tr!("walk-listener-closed"),
            table: self.snapshot()?,
        });
        Ok(steps)
    }
    // ANCHOR_END: close

    fn listener(&self) -> Result<&Socket> {
        self.listener
            .as_ref()
            .ok_or_else(|| out_of_order("socket()"))
    }

    fn server(&self) -> Result<&Socket> {
        self.server.as_ref().ok_or_else(|| out_of_order("accept()"))
    }

    fn client(&self) -> Result<&Socket> {
        self.client
            .as_ref()
            .ok_or_else(|| out_of_order("connect()"))
    }

    /// The kernel's rows for this conversation, each named by its owner.
    fn snapshot(&self) -> Result<Vec<Observed>> {
        // Ours are the sockets we hold an fd for, plus the two ends of
        // *this* connection, which may have no fd (not accepted yet, or
        // TIME_WAIT). Matching on the server's port alone would also catch
        // a TIME_WAIT left by an earlier run that got the same port.
        let mut table: Vec<Observed> = proc_net::tcp_sockets()?
            .into_iter()
            .filter(|row| {
                self.owners
                    .iter()
                    .any(|(inode, _)| *inode != 0 && *inode == row.inode)
                    || self.client_addr.is_some_and(|c| {
                        // Exactly this connection's 4-tuple, either end:
                        // the kernel may reuse the client's port for a
                        // connection to another server, so the client
                        // address alone is not enough.
                        let server = SocketAddr::new(self.ip, self.server_port);
                        (row.local == c && row.remote == server)
                            || (row.local == server && row.remote == c)
                    })
            })
            .map(|row| Observed {
                owner: self.owner_of(&row),
                row,
            })
            .collect();
        // Listener first, then the server's end, then the client's.
        table.sort_by_key(|o| {
            (o.row.state != TcpState::Listen, o.owner.clone())
        });
        Ok(table)
    }

    fn owner_of(&self, row: &SocketRow) -> String {
        if let Some((_, label)) = self
            .owners
            .iter()
            .find(|(inode, _)| *inode == row.inode && *inode != 0)
        {
            return label.clone();
        }
        let server_side = row.local.port() == self.server_port;
        match (server_side, row.state) {
            (true, TcpState::Established | TcpState::SynRecv) => {
                "server, not accepted yet (no fd)".into()
            }
            (true, _) => "server, closed (kernel keeps it)".into(),
            (false, _) if row.inode == 0 => {
                "client, closed (kernel keeps it)".into()
            }
            (false, _) => "another socket".into(),
        }
    }

    /// Polls the table until `ready` holds: the kernel updates it
    /// asynchronously (the peer's ACK or FIN is processed in softirq).
    fn settle(
        &self,
        what: &str,
        ready: impl Fn(&[Observed]) -> bool,
    ) -> Result<Vec<Observed>> {
        let start = Instant::now();
        loop {
            let table = self.snapshot()?;
            if ready(&table) {
                return Ok(table);
            }
            if start.elapsed() > SETTLE {
                return Err(Error::Timeout {
                    what: what.to_string(),
                    waited: SETTLE,
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

fn out_of_order(missing: &str) -> Error {
    Error::Call {
        call: format!("a step before {missing}"),
        source: std::io::Error::other(format!("{missing} has not run yet")),
    }
}

/// `AF_INET` or `AF_INET6`, as C spells the address family.
pub(crate) fn af(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() { "AF_INET" } else { "AF_INET6" }
}

/// `getsockname()`: the address the kernel gave the socket.
pub(crate) fn local_addr(socket: &Socket) -> Result<SocketAddr> {
    let fd = socket.as_raw_fd();
    let addr = call(|| format!("getsockname(fd {fd})"), socket.local_addr())?;
    addr.as_socket().ok_or_else(|| Error::Call {
        call: format!("getsockname(fd {fd})"),
        source: std::io::Error::other("not an internet address"),
    })
}

/// One `read()` of up to 4 KiB.
fn read_some(mut socket: &Socket, fd: i32) -> Result<Vec<u8>> {
    let mut buf = [0u8; 4096];
    let n = call(|| format!("read(fd {fd})"), socket.read(&mut buf))?;
    Ok(buf[..n].to_vec())
}

/// Bytes as a readable, escaped string literal: `"hello\n"`.
pub fn quote(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}
