//! Real kernel sockets, one system call at a time.
//!
//! Everything here talks to the Linux kernel through [`socket2`], whose
//! methods map one-to-one onto the C calls a networking textbook names
//! (`socket`, `bind`, `listen`, `accept` …), and reads back what the kernel
//! did from `/proc/net`. Nothing in this module prints: each function returns
//! what happened, and [`crate::course`] or [`crate::cli`] present it.
//!
//! - [`proc_net`]: the kernel's own socket table (`/proc/net/tcp` & co.)
//! - [`walkthrough`]: lesson 10, a TCP connection built call by call
//! - [`per_connection`]: one thread per accepted connection, two clients
//! - [`backlog`]: a full accept queue, and the client it leaves out
//! - [`udp_contrast`]: the same ideas over UDP, where most of them vanish
//! - [`listen`], [`connect`]: the `netlab socket` tools students reuse
//! - [`addressing`], [`ports`], [`errors`]: lesson 8, addresses and ports;
//!   [`route`]: which interface a packet leaves through
//!
//! Book: `book/src/lesson-10.md`, `book/src/lesson-08.md`.

pub mod addressing;
pub mod backlog;
pub mod connect;
pub mod errors;
pub mod event;
pub mod listen;
pub mod mistakes;
pub mod per_connection;
pub mod ports;
pub mod proc_net;
pub mod route;
pub mod step;
pub mod udp_contrast;
pub mod walkthrough;

use std::io;
use std::time::Duration;

/// `connect(127.0.0.1:1) failed: Connection refused (os error 111)`, in
/// the course's language (the system's message stays as it is).
fn call_failed(call: &str, source: &io::Error) -> String {
    crate::tr!(
        "socket-call-failed",
        call = call,
        error = source.to_string()
    )
}

/// What can go wrong while we drive the kernel's sockets.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call failed; `call` is written the way C would write it.
    #[error("{}", call_failed(.call, .source))]
    Call {
        /// The call with its arguments, e.g. `bind(127.0.0.1:80)`.
        call: String,
        /// The kernel's answer (an errno, explained by [`errors::explain`]).
        #[source]
        source: io::Error,
    },
    /// A file under `/proc` could not be read.
    #[error("reading {path}: {source}")]
    Proc {
        /// The file, e.g. `/proc/net/tcp`.
        path: String,
        /// Why it could not be read.
        #[source]
        source: io::Error,
    },
    /// A `/proc` file did not have the layout the kernel documents.
    #[error("{path}: {problem}")]
    ProcFormat {
        /// The file.
        path: String,
        /// What did not match, in a sentence.
        problem: String,
    },
    /// The kernel did not reach a state we waited for.
    #[error("waited {waited:?} for {what}, but the kernel never showed it")]
    Timeout {
        /// What we were waiting for.
        what: String,
        /// How long we waited.
        waited: Duration,
    },
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// Wraps an `io::Result` with the C-style call that produced it, so errors
/// read like the textbook: `bind(127.0.0.1:80) failed: Permission denied`.
pub(crate) fn call<T>(
    what: impl FnOnce() -> String,
    result: io::Result<T>,
) -> Result<T> {
    result.map_err(|source| Error::Call {
        call: what(),
        source,
    })
}
