//! Lesson 8's three classic mistakes, made on purpose so the kernel's real
//! answer can be shown: a port already in use, a privileged port, and a
//! port nobody listens on.
//!
//! Each function returns the attempt and the kernel's `io::Error`;
//! [`super::errors::explain`] turns that into a sentence and a remedy.
//!
//! - `EADDRINUSE`: POSIX `bind()`; on Linux even `SO_REUSEADDR` does not let
//!   a second socket bind a port another socket is *listening* on.
//! - `EACCES`: binding a port below `ip_unprivileged_port_start` (1024)
//!   needs `CAP_NET_BIND_SERVICE` (capabilities(7)). Root has it, so when we
//!   run as root we drop it in one thread, which is what an ordinary user
//!   looks like to the kernel — Linux credentials are per thread.
//! - `ECONNREFUSED`: the SYN reaches a port with no listener and the kernel
//!   answers with RST ([RFC 9293 § 3.10.7.1]).
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.
//!
//! [RFC 9293 § 3.10.7.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.10.7.1

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::thread;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::{Error, Result, call};

/// One attempt and how the kernel answered it.
#[derive(Debug)]
pub struct Attempt {
    /// The call, e.g. `bind(127.0.0.1:80)`.
    pub call: String,
    /// The address involved.
    pub addr: SocketAddr,
    /// The kernel's answer: `Err` is the lesson, `Ok` means it was allowed.
    pub outcome: io::Result<()>,
    /// The circumstances that make the outcome what it is.
    pub context: String,
}

fn tcp_socket(ip: IpAddr) -> Result<Socket> {
    call(
        || "socket()".into(),
        Socket::new(
            Domain::for_address(SocketAddr::new(ip, 0)),
            Type::STREAM,
            Some(Protocol::TCP),
        ),
    )
}

// ANCHOR: in_use
/// A second socket binds the port a first one is listening on.
pub fn address_in_use(ip: IpAddr) -> Result<Attempt> {
    let first = tcp_socket(ip)?;
    call(
        || "setsockopt(SO_REUSEADDR)".into(),
        first.set_reuse_address(true),
    )?;
    call(
        || format!("bind({ip}:0)"),
        first.bind(&SockAddr::from(SocketAddr::new(ip, 0))),
    )?;
    call(|| "listen()".into(), first.listen(16))?;
    let addr = super::walkthrough::local_addr(&first)?;

    let second = tcp_socket(ip)?;
    call(
        || "setsockopt(SO_REUSEADDR)".into(),
        second.set_reuse_address(true),
    )?;
    let outcome = second.bind(&SockAddr::from(addr));
    Ok(Attempt {
        call: crate::tr!("mistake-second-bind", addr = addr.to_string()),
        addr,
        outcome,
        context: crate::tr!("mistake-in-use-when", addr = addr.to_string()),
    })
}
// ANCHOR_END: in_use

// ANCHOR: privileged
/// Binds a port below 1024 without `CAP_NET_BIND_SERVICE`.
///
/// Returns one attempt, or two when we run with the capability: first
/// with it (allowed), then in a thread that dropped it (refused).
pub fn privileged_port(ip: IpAddr, port: u16) -> Result<Vec<Attempt>> {
    let addr = SocketAddr::new(ip, port);
    let bind = move || -> Result<io::Result<()>> {
        Ok(tcp_socket(ip)?.bind(&SockAddr::from(addr)))
    };
    let has_cap = caps::has_cap(
        None,
        caps::CapSet::Effective,
        caps::Capability::CAP_NET_BIND_SERVICE,
    )
    .unwrap_or(false);
    let mut attempts = Vec::new();
    if has_cap {
        attempts.push(Attempt {
            call: format!("bind({addr})"),
            addr,
            outcome: bind()?,
            context: crate::tr!("mistake-has-cap-when"),
        });
        // Drop the capability in a fresh thread only: capset(2) changes
        // the calling thread's credentials, so the rest of the program
        // keeps its privilege, and the thread ends right after.
        let dropped = thread::spawn(move || -> Result<io::Result<()>> {
            caps::drop(
                None,
                caps::CapSet::Effective,
                caps::Capability::CAP_NET_BIND_SERVICE,
            )
            .map_err(|e| Error::Call {
                call: "capset(drop CAP_NET_BIND_SERVICE)".into(),
                source: io::Error::other(e.to_string()),
            })?;
            bind()
        })
        .join()
        .map_err(|_| Error::Call {
            call: "the unprivileged thread".into(),
            source: io::Error::other("the thread panicked"),
        })??;
        attempts.push(Attempt {
            call: format!("bind({addr})"),
            addr,
            outcome: dropped,
            context: crate::tr!("mistake-dropped-cap-when"),
        });
    } else {
        attempts.push(Attempt {
            call: format!("bind({addr})"),
            addr,
            outcome: bind()?,
            context: crate::tr!("mistake-no-cap-when"),
        });
    }
    Ok(attempts)
}
// ANCHOR_END: privileged

// ANCHOR: refused
/// Connects to a port that is bound but not listening.
pub fn connection_refused(ip: IpAddr) -> Result<Attempt> {
    // Holding the port bound (without listen) guarantees nobody else is
    // listening there during the demo.
    let holder = tcp_socket(ip)?;
    call(
        || format!("bind({ip}:0)"),
        holder.bind(&SockAddr::from(SocketAddr::new(ip, 0))),
    )?;
    let addr = super::walkthrough::local_addr(&holder)?;
    let client = tcp_socket(ip)?;
    let outcome = client.connect(&SockAddr::from(addr));
    Ok(Attempt {
        call: format!("connect({addr})"),
        addr,
        outcome,
        context: crate::tr!("mistake-refused-when", addr = addr.to_string()),
    })
}
// ANCHOR_END: refused

#[cfg(test)]
mod tests {
    use super::*;

    fn lo() -> IpAddr {
        "127.0.0.1".parse().expect("ip")
    }

    fn errno(attempt: &Attempt) -> Option<i32> {
        attempt
            .outcome
            .as_ref()
            .err()
            .and_then(|e| e.raw_os_error())
    }

    #[test]
    fn second_bind_is_in_use_despite_reuseaddr() {
        let a = address_in_use(lo()).expect("demo runs");
        assert_eq!(errno(&a), Some(libc::EADDRINUSE), "{a:?}");
    }

    #[test]
    fn unlistened_port_refuses() {
        let a = connection_refused(lo()).expect("demo runs");
        assert_eq!(errno(&a), Some(libc::ECONNREFUSED), "{a:?}");
    }

    #[test]
    fn privileged_port_is_refused_without_the_capability() {
        let start =
            crate::sockets::ports::unprivileged_port_start().expect("readable");
        if start <= 80 {
            eprintln!("skipped: ip_unprivileged_port_start is {start}");
            return;
        }
        let attempts = privileged_port(lo(), 80).expect("demo runs");
        let last = attempts.last().expect("at least one attempt");
        assert_eq!(errno(last), Some(libc::EACCES), "{attempts:?}");
        if attempts.len() == 2 {
            // Root: allowed with the capability (unless port 80 is busy).
            let first = &attempts[0];
            assert!(
                first.outcome.is_ok() || errno(first) == Some(libc::EADDRINUSE),
                "{first:?}"
            );
            // The drop stayed in its thread: this one still may bind.
            assert!(
                caps::has_cap(
                    None,
                    caps::CapSet::Effective,
                    caps::Capability::CAP_NET_BIND_SERVICE
                )
                .expect("capget")
            );
        }
    }
}
