//! TCP and UDP measured side by side (lesson 9, "TCP vs UDP").
//!
//! The article sums the two transports up in four claims each: TCP needs a
//! three-way handshake, is reliable, has no size limit and is slow; UDP
//! needs no connection, is unreliable, is limited to 64 KB and is fast. Each
//! function here turns one claim into a measurement on real kernel sockets
//! and returns the numbers, so the lesson shows what this machine did rather
//! than what a book says:
//!
//! | claim                     | function                               |
//! |---------------------------|----------------------------------------|
//! | handshake vs none         | [`connect_time`], [`udp_first_send`]   |
//! | slow vs fast              | [`round_trip`], [`throughput`]         |
//! | byte stream vs datagrams  | [`message_boundaries`]                 |
//! | no limit vs 64 KB         | [`size_limits`]                        |
//! | flow control vs none      | [`flow_control`]                       |
//! | reliable vs unreliable    | [`under_loss`] (needs the [`lab`])     |
//! | fragmentation             | [`fragmentation`] (needs the [`lab`])  |
//!
//! [`run`] gathers the loopback measurements into a [`Report`] of table
//! rows and their [`Measurements`]; `netlab compare` prints the table, or
//! both as JSON with `--json`. Nothing here prints.
//!
//! Every loopback measurement talks to 127.0.0.1 or ::1 on a port the kernel
//! picks (port 0); the lab ones talk between the lab's two namespaces.
//!
//! One file per idea, in reading order:
//!
//! - `spread.rs`: a timing as its median and p99, never one number
//! - `sockets.rs`: the sockets every measurement opens, and UDP's size cap
//! - `pinning.rs`: both ends of a round trip on one CPU, to cut the noise
//! - `setup.rs`: handshake vs none
//! - `round_trip.rs`, `throughput.rs`: slow vs fast
//! - `flow_control.rs`: flow control vs none
//! - `boundaries.rs`: byte stream vs datagrams
//! - `limits.rs`: no limit vs 64 KB
//! - `counters.rs`: the kernel's own counters, read by the measurements
//!   that count drops and retransmissions
//! - `loss.rs`, `fragments.rs`: reliable vs unreliable, and fragmentation,
//!   across the lab
//! - `report.rs`: the measurements as table rows ([`run`])
//! - `measurements.rs`: the same as numbers with their units, for
//!   `netlab compare --json`
//!
//! This file holds what they share: the [`Error`] type and two helpers.
//!
//! Read before: [`crate::sockets::udp_contrast`] (lesson 10's calls) and
//! [`super::lab`]. Book: `book/src/lesson-09.md`. Run: `netlab compare`.
//!
//! Specs: [RFC 9293] (TCP), [RFC 768] (UDP), [RFC 791] (IPv4),
//! [RFC 8200] (IPv6), [RFC 8085] (UDP usage guidelines).
//!
//! [RFC 9293]: https://datatracker.ietf.org/doc/html/rfc9293
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
//! [RFC 791]: https://datatracker.ietf.org/doc/html/rfc791
//! [RFC 8200]: https://datatracker.ietf.org/doc/html/rfc8200
//! [RFC 8085]: https://datatracker.ietf.org/doc/html/rfc8085
//! [`round_trip`]: fn@round_trip
//! [`throughput`]: fn@throughput
//! [`flow_control`]: fn@flow_control

mod boundaries;
mod counters;
mod flow_control;
mod fragments;
mod limits;
mod loss;
mod measurements;
mod pinning;
mod report;
mod round_trip;
mod setup;
mod sockets;
mod spread;
mod throughput;

use std::io;
use std::thread;
use std::time::Duration;

use super::lab;

pub use boundaries::{Boundaries, message_boundaries, paced_writes};
pub use counters::{SNMP, SNMP6, parse_snmp, snmp_counter};
pub use flow_control::{FlowControl, flow_control};
pub use fragments::{FragmentRow, Fragmentation, fragmentation};
pub use limits::{BIG_WRITE, SizeLimits, size_limits};
pub use loss::{LossReport, under_loss};
pub use measurements::{
    AroundTheMtu, BulkThroughput, ConnectionSetup, LargestSingleSend,
    LossyLink, Measurements, MessageBoundaries, MtuDatagram,
    ReceiverStopsReading, RoundTrip, SmallMessages,
};
pub use pinning::Pinning;
pub use report::{Options, Report, Row, run, spread_words};
pub use round_trip::{round_trip, round_trip_with};
pub use setup::{WARM_UP, connect_time, udp_first_send};
pub use sockets::{Transport, max_udp_payload};
pub use spread::{Spread, micros, percentile};
pub use throughput::{THROUGHPUT_TIME, Throughput, throughput};

/// What can go wrong while measuring.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A system call failed; `call` is written the way C would write it.
    #[error("{call} failed: {source}")]
    Call {
        /// The call with its arguments, e.g. `connect(127.0.0.1:4000)`.
        call: String,
        /// The kernel's answer.
        #[source]
        source: io::Error,
    },
    /// A file under `/proc` could not be read or did not have the layout
    /// the kernel documents.
    #[error("reading {path}: {problem}")]
    Proc {
        /// The file, e.g. `/proc/thread-self/net/snmp`.
        path: String,
        /// What went wrong, in a sentence.
        problem: String,
    },
    /// A size the kernel can never send in one datagram was asked for.
    #[error(
        "a UDP payload of {size} bytes does not fit in one IP datagram \
         (at most {max} bytes, RFC 791 § 3.1 / RFC 8200 § 3)"
    )]
    TooLarge {
        /// The size asked for.
        size: usize,
        /// The largest UDP payload for that IP version.
        max: usize,
    },
    /// An argument that makes the measurement meaningless (e.g. 0 samples).
    #[error("{0}")]
    Argument(String),
    /// The peer did not answer in time.
    #[error("waited {waited:?} for {what}, but it never came")]
    Timeout {
        /// What we were waiting for.
        what: String,
        /// How long we waited.
        waited: Duration,
    },
    /// One of the measuring threads panicked (a bug in this file).
    #[error("the {0} thread panicked")]
    Panicked(&'static str),
    /// The namespace lab could not run a closure inside a host.
    #[error(transparent)]
    Lab(#[from] lab::Error),
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, Error>;

/// Wraps an `io::Result` with the call that produced it, so errors read like
/// the textbook: `connect(127.0.0.1:4000) failed: Connection refused`.
fn call<T>(what: impl FnOnce() -> String, result: io::Result<T>) -> Result<T> {
    result.map_err(|source| Error::Call {
        call: what(),
        source,
    })
}

/// Waits for a thread; a panic becomes [`Error::Panicked`].
fn join<T>(
    handle: thread::JoinHandle<Result<T>>,
    who: &'static str,
) -> Result<T> {
    handle.join().map_err(|_| Error::Panicked(who))?
}
