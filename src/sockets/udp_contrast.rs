//! UDP for contrast: no `listen()`, no `accept()`, no connection state.
//!
//! The article compares UDP to sending a text message (发短信): every
//! datagram carries its own destination, nothing is set up first. Here the
//! same calls as the TCP walkthrough are tried over UDP, and the kernel
//! answers:
//!
//! - `listen()` on a UDP socket fails with `EOPNOTSUPP` — there is nothing to
//!   listen *for*, since there are no connections;
//! - `/proc/net/udp` shows the socket in state 07 (`CLOSE`) whatever
//!   happens: UDP has no state machine ([RFC 768] is three pages long);
//! - one socket receives from any number of peers, and `recvfrom()` says
//!   who sent each datagram.
//!
//! Read before: [`super::walkthrough`]. Book: `book/src/lesson-10.md`.
//! Run: `netlab lesson 10`.
//!
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::proc_net::{self, SocketRow};
use super::step::{Observed, Side, Step};
use super::walkthrough::{af, local_addr, quote};
use super::{Result, call};

/// Runs the UDP contrast on `ip` and returns each call as a [`Step`].
pub fn run(ip: IpAddr) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    let domain = Domain::for_address(SocketAddr::new(ip, 0));

    // ANCHOR: udp_server
    let server = call(
        || "socket()".into(),
        Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)),
    )?;
    let sfd = server.as_raw_fd();
    call(
        || format!("bind(fd {sfd}, {ip}:0)"),
        server.bind(&SockAddr::from(SocketAddr::new(ip, 0))),
    )?;
    let server_addr = local_addr(&server)?;
    // ANCHOR_END: udp_server
    let table = rows_for(server_addr, "server")?;
    let state = table.first().map(|o| o.row.state.to_string());
    steps.push(Step {
        side: Side::Server,
        call: format!(
            "socket({}, SOCK_DGRAM, IPPROTO_UDP) = fd {sfd}; bind(fd {sfd}, \
             {ip}:0)",
            af(ip)
        ),
        returned: format!("0, getsockname() = {server_addr}"),
        kernel: crate::tr!(
            "udp-listed",
            state = state.unwrap_or_else(|| crate::tr!("udp-missing"))
        ),
        table,
    });

    // The kernel refuses listen() on a datagram socket.
    let refused = server.listen(128);
    steps.push(Step {
        side: Side::Server,
        call: format!("listen(fd {sfd}, 128)"),
        returned: match &refused {
            Ok(()) => crate::tr!("udp-listen-unexpected"),
            Err(e) => format!("-1, {}", super::errors::describe(e)),
        },
        kernel: crate::tr!("udp-no-listen"),
        table: Vec::new(),
    });

    // socket2 made the set-up calls visible; for the data we hand the same
    // fd to std's UdpSocket, whose recv_from fills an ordinary byte buffer.
    let receiver = UdpSocket::from(server);

    // Two clients send without connecting first.
    for name in ["A", "B"] {
        let client = call(
            || "socket()".into(),
            Socket::new(domain, Type::DGRAM, Some(Protocol::UDP)),
        )?;
        let cfd = client.as_raw_fd();
        let message = format!("datagram from {name}\n");
        // ANCHOR: sendto
        let n = call(
            || format!("sendto(fd {cfd}, {server_addr})"),
            client.send_to(message.as_bytes(), &SockAddr::from(server_addr)),
        )?;
        // ANCHOR_END: sendto
        let me = local_addr(&client)?;
        steps.push(Step {
            side: Side::Client,
            call: format!(
                "sendto(fd {cfd}, {}, {server_addr})",
                quote(message.as_bytes())
            ),
            returned: format!("{n}"),
            kernel: crate::tr!("udp-sent", port = me.port()),
            table: Vec::new(),
        });

        // ANCHOR: recvfrom
        let mut buf = [0u8; 2048];
        let (len, from) = call(
            || format!("recvfrom(fd {sfd})"),
            receiver.recv_from(&mut buf),
        )?;
        let data = &buf[..len];
        // ANCHOR_END: recvfrom
        steps.push(Step {
            side: Side::Server,
            call: format!("recvfrom(fd {sfd})"),
            returned: crate::tr!(
                "udp-received",
                bytes = len,
                text = quote(data),
                from = from.to_string()
            ),
            kernel: crate::tr!("udp-one-socket"),
            table: rows_for(server_addr, "server")?,
        });
    }
    Ok(steps)
}

fn rows_for(addr: SocketAddr, owner: &str) -> Result<Vec<Observed>> {
    Ok(proc_net::udp_sockets()?
        .into_iter()
        .filter(|row: &SocketRow| row.local == addr)
        .map(|row| Observed {
            row,
            owner: owner.to_string(),
        })
        .collect())
}
