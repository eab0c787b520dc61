//! The socket errors a student meets, named and explained.
//!
//! The kernel answers a failed call with a number (`errno`); the C library
//! names it (`EADDRINUSE`) and gives a terse message ("Address already in
//! use"). Neither says *why* or *what to do*. This file adds both, and is
//! used twice: by lesson 8, which produces each error on purpose, and by the
//! command line, which explains any error a tool runs into.
//!
//! The sentences are in the message catalogue (`locales/*/sockets.ftl`,
//! [`crate::lang::catalogue`]), in English and Chinese; the names
//! (`EADDRINUSE`) and the system's own message stay as the C library
//! gives them.
//!
//! Errno values are Linux's (`include/uapi/asm-generic/errno*.h`), taken
//! from the `libc` crate rather than retyped. POSIX names the errors in
//! `bind()`, `connect()` and `listen()`.
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.

use std::io;
use std::net::SocketAddr;

/// An error explained for a student.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The C name, e.g. `EADDRINUSE`.
    pub name: &'static str,
    /// The number, e.g. 98 on Linux.
    pub number: i32,
    /// What happened, in a sentence.
    pub why: String,
    /// What to do about it.
    pub fix: String,
}

/// `EADDRINUSE (98, Address already in use)`: name, number and message.
pub fn describe(err: &io::Error) -> String {
    let message = err.to_string();
    // io::Error's Display is "Address already in use (os error 98)".
    let message = message
        .split(" (os error")
        .next()
        .unwrap_or(&message)
        .to_string();
    match err.raw_os_error() {
        Some(n) => format!("{} ({n}, {message})", errno_name(n)),
        None => message,
    }
}

/// The C name of an errno value, for the errors this course meets.
pub fn errno_name(n: i32) -> &'static str {
    match n {
        libc::EADDRINUSE => "EADDRINUSE",
        libc::EADDRNOTAVAIL => "EADDRNOTAVAIL",
        libc::EACCES => "EACCES",
        libc::EPERM => "EPERM",
        libc::ECONNREFUSED => "ECONNREFUSED",
        libc::ECONNRESET => "ECONNRESET",
        libc::EOPNOTSUPP => "EOPNOTSUPP",
        libc::ENETUNREACH => "ENETUNREACH",
        libc::EHOSTUNREACH => "EHOSTUNREACH",
        libc::ETIMEDOUT => "ETIMEDOUT",
        libc::EMSGSIZE => "EMSGSIZE",
        libc::EINVAL => "EINVAL",
        libc::EAFNOSUPPORT => "EAFNOSUPPORT",
        libc::EPIPE => "EPIPE",
        _ => "errno",
    }
}

/// Explains `err`, which a call involving `addr` returned. `None` for
/// errors this course has no better words for than the system's own.
pub fn explain(
    err: &io::Error,
    addr: Option<SocketAddr>,
) -> Option<Explanation> {
    let number = err.raw_os_error()?;
    let port = addr.map(|a| a.port());
    let addr_text = || {
        addr.map_or_else(|| crate::tr!("errno-that-address"), |a| a.to_string())
    };
    let program = crate::program::path();
    let (why, fix) = match number {
        libc::EADDRINUSE => (
            crate::tr!("errno-eaddrinuse-why", addr = addr_text()),
            crate::tr!("errno-eaddrinuse-fix", port = port.unwrap_or(0)),
        ),
        libc::EACCES if port.is_some_and(|p| p < 1024) => (
            crate::tr!(
                "errno-privileged-port-why",
                start = super::ports::unprivileged_port_start().unwrap_or(1024)
            ),
            crate::tr!("errno-privileged-port-fix", program = program),
        ),
        libc::EACCES | libc::EPERM => (
            crate::tr!("errno-eperm-why"),
            crate::tr!("errno-eperm-fix", program = program),
        ),
        libc::ECONNREFUSED => (
            crate::tr!(
                "errno-econnrefused-why",
                addr = addr.map_or_else(
                    || crate::tr!("errno-that-port"),
                    |a| a.to_string()
                )
            ),
            crate::tr!("errno-econnrefused-fix"),
        ),
        libc::EADDRNOTAVAIL => (
            crate::tr!("errno-eaddrnotavail-why"),
            crate::tr!("errno-eaddrnotavail-fix"),
        ),
        libc::ETIMEDOUT => (
            crate::tr!("errno-etimedout-why"),
            crate::tr!("errno-etimedout-fix"),
        ),
        libc::ECONNRESET => (
            crate::tr!("errno-econnreset-why"),
            crate::tr!("errno-econnreset-fix"),
        ),
        libc::EOPNOTSUPP => (
            crate::tr!("errno-eopnotsupp-why"),
            crate::tr!("errno-eopnotsupp-fix"),
        ),
        _ => return None,
    };
    Some(Explanation {
        name: errno_name(number),
        number,
        why,
        fix,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_with_name_number_and_message() {
        let err = io::Error::from_raw_os_error(libc::EADDRINUSE);
        assert_eq!(describe(&err), "EADDRINUSE (98, Address already in use)");
        let plain = io::Error::other("no errno here");
        assert_eq!(describe(&plain), "no errno here");
    }

    #[test]
    fn privileged_port_gets_the_setcap_line() {
        let err = io::Error::from_raw_os_error(libc::EACCES);
        let addr = "127.0.0.1:80".parse().ok();
        let e = explain(&err, addr).expect("EACCES on port 80 is explained");
        assert_eq!(e.name, "EACCES");
        assert!(e.fix.contains("setcap cap_net_bind_service=+ep"), "{e:?}");
        assert!(e.why.contains("CAP_NET_BIND_SERVICE"), "{e:?}");
    }

    #[test]
    fn refused_and_in_use_name_the_address() {
        let addr = "127.0.0.1:7000".parse().ok();
        let refused = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        let e = explain(&refused, addr).expect("explained");
        assert!(e.why.contains("127.0.0.1:7000"), "{e:?}");
        let in_use = io::Error::from_raw_os_error(libc::EADDRINUSE);
        let e = explain(&in_use, addr).expect("explained");
        assert!(e.fix.contains("sport = :7000"), "{e:?}");
    }

    #[test]
    fn unknown_errors_are_left_to_the_system() {
        let err = io::Error::from_raw_os_error(libc::ENOSPC);
        assert_eq!(explain(&err, None), None);
        assert_eq!(explain(&io::Error::other("x"), None), None);
    }
}
