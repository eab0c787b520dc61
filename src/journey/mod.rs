//! One chat message's journey through every layer: `netlab trace`.
//!
//! Alice on a.example sends bob on b.example one message. On its way it
//! crosses three TCP connections — alice to her server, her server to
//! bob's, bob's server to him — and on each it goes *down* the sender's
//! stack (XML → TCP segment → IPv4 packet → Ethernet frame) and *up* the
//! receiver's. This module makes that happen for real, on loopback, and
//! records what crossed; `show::journey` draws it.
//!
//! - [`federation`]: the two servers and two clients
//! - [`hop`]: one connection's packets, picked out and explained
//! - [`record`]: the whole run, captured
//!
//! Like [`crate::sockets`] and [`crate::capture`], nothing here prints.
//! Book: `book/src/lesson-07.md`. Run: `netlab trace`.

pub mod federation;
pub mod hop;
pub mod record;
