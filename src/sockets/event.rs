//! What the `netlab socket listen` and `connect` tools report as they run.
//!
//! The tools are long-lived and run several threads, so instead of
//! returning one value they call a callback with an [`Event`] each time
//! something happens; the command line prints one line per event.
//!
//! Read after: [`super::listen`], [`super::connect`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Something a socket tool did or saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A set-up call: `socket()`, `bind()`, `listen()`, `connect()` …
    Call {
        /// The call, C-style.
        call: String,
        /// What it returned, and what that means.
        returned: String,
    },
    /// `accept()` returned a new connection, handed to its own thread.
    Accepted {
        /// Connection number, from 1.
        conn: u32,
        /// The client's address.
        peer: SocketAddr,
        /// The new socket's file descriptor.
        fd: i32,
    },
    /// Bytes (TCP) or a datagram (UDP) arrived.
    Received {
        /// Connection number (0 for UDP, which has none).
        conn: u32,
        /// Who sent them.
        from: SocketAddr,
        /// What arrived.
        data: Vec<u8>,
    },
    /// Bytes were sent.
    Sent {
        /// Connection number (0 for UDP).
        conn: u32,
        /// To whom.
        to: SocketAddr,
        /// How many bytes.
        len: usize,
    },
    /// `read()` returned 0: the peer sent FIN.
    PeerClosed {
        /// Connection number.
        conn: u32,
        /// The peer.
        peer: SocketAddr,
    },
    /// Nothing arrived for a while, so the tool stopped waiting.
    Quiet {
        /// How long it waited.
        waited: Duration,
    },
    /// Our side closed the socket.
    Closed {
        /// Connection number (0 for the tool's only socket).
        conn: u32,
    },
}

/// The callback the tools report through. It is shared between the
/// connection threads, hence `Send + Sync`.
pub type Sink = Arc<dyn Fn(Event) + Send + Sync>;
