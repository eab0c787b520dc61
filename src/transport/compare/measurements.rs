//! The report's numbers, for programs: every measurement as values with
//! their unit in the key.
//!
//! A table row says "37.7 Gbit/s (128 KiB writes), 0 lost": right for a
//! reader, useless for a program, which would have to parse the words back
//! into numbers. So `netlab compare --json` writes, beside the rows, one
//! object per measurement holding the numbers the row was worded from,
//! unrounded. Each key says its unit, so nobody has to guess:
//!
//! | key ends in       | unit                                           |
//! |-------------------|------------------------------------------------|
//! | `_us`             | microseconds (a float: nanoseconds survive)    |
//! | `_bytes`          | bytes                                          |
//! | `_bits_per_second`| bits per second, counted at the receiver       |
//! | `_per_second`     | calls or datagrams per second                  |
//! | `_percent`        | percent                                        |
//! | anything else     | a count: calls, datagrams, segments, samples   |
//!
//! `tcp_` and `udp_` say which transport a value belongs to; a key with
//! neither (`samples`, `message_bytes`) holds for both. Nothing is measured
//! here: each type is built from the measurement's own result ([`Spread`],
//! [`Throughput`], …) by its `of` function, and the words stay in
//! `report.rs`.
//!
//! The shape is documented, and checked against real output, in
//! `schemas/compare.schema.json`; a change here needs a change there.
//!
//! Read before: `report.rs` (the same measurements as words). Read next:
//! [`crate::tools::compare`], which writes them. Book:
//! `book/src/lesson-09.md`. Run: `netlab compare --json`.

use std::time::Duration;

use serde::Serialize;

use super::{
    Boundaries, FlowControl, Fragmentation, LossReport, SizeLimits, Spread,
    Throughput,
};

/// Every measurement of a [`Report`](super::Report), as numbers. The lab's
/// two are there only when it was measured (`netlab compare --loss`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Measurements {
    /// "connection set-up".
    pub connection_setup: ConnectionSetup,
    /// "round trip".
    pub round_trip: RoundTrip,
    /// "bulk throughput".
    pub bulk_throughput: BulkThroughput,
    /// "64 B messages".
    pub small_messages: SmallMessages,
    /// "receiver stops reading".
    pub receiver_stops_reading: ReceiverStopsReading,
    /// "3 writes of 100 B".
    pub message_boundaries: MessageBoundaries,
    /// "largest single send".
    pub largest_single_send: LargestSingleSend,
    /// "over a lossy link", across the lab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lossy_link: Option<LossyLink>,
    /// "UDP within the MTU" and "UDP above the MTU", across the lab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fragmentation: Option<AroundTheMtu>,
}

/// A duration in microseconds, as a float so that nanoseconds survive.
/// Whole nanoseconds divided by 1000, not seconds times 10^6: the division
/// is rounded once, so 1,000,047,399 ns is written 1000047.399, not
/// 1000047.3990000001.
fn us(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1000.0
}

/// TCP's `connect()` against UDP's first `sendto()`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConnectionSetup {
    /// Timings kept per transport.
    pub samples: usize,
    /// Median time for `connect()` to return (the three-way handshake).
    pub tcp_connect_median_us: f64,
    /// 99th percentile of the same.
    pub tcp_connect_p99_us: f64,
    /// Median time for `socket()` and the first `sendto()`.
    pub udp_first_send_median_us: f64,
    /// 99th percentile of the same.
    pub udp_first_send_p99_us: f64,
}

impl ConnectionSetup {
    /// From [`connect_time`](super::connect_time) and
    /// [`udp_first_send`](super::udp_first_send).
    pub fn of(connect: &Spread, first_send: &Spread) -> Self {
        ConnectionSetup {
            samples: connect.samples,
            tcp_connect_median_us: us(connect.median),
            tcp_connect_p99_us: us(connect.p99),
            udp_first_send_median_us: us(first_send.median),
            udp_first_send_p99_us: us(first_send.p99),
        }
    }
}

/// One small message there and back, on connected sockets.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundTrip {
    /// The message's size.
    pub message_bytes: usize,
    /// Round trips kept per transport.
    pub samples: usize,
    /// TCP's median round-trip time.
    pub tcp_rtt_median_us: f64,
    /// TCP's 99th percentile.
    pub tcp_rtt_p99_us: f64,
    /// UDP's median round-trip time.
    pub udp_rtt_median_us: f64,
    /// UDP's 99th percentile.
    pub udp_rtt_p99_us: f64,
}

impl RoundTrip {
    /// From two [`round_trip`](fn@super::round_trip)s of `message_bytes`.
    pub fn of(message_bytes: usize, tcp: &Spread, udp: &Spread) -> Self {
        RoundTrip {
            message_bytes,
            samples: tcp.samples,
            tcp_rtt_median_us: us(tcp.median),
            tcp_rtt_p99_us: us(tcp.p99),
            udp_rtt_median_us: us(udp.median),
            udp_rtt_p99_us: us(udp.p99),
        }
    }
}

/// A second of sending as fast as possible, in large pieces.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BulkThroughput {
    /// Bytes per TCP `write()`.
    pub tcp_write_bytes: usize,
    /// What TCP delivered: bytes read × 8 / time.
    pub tcp_bits_per_second: f64,
    /// Bytes TCP's sender wrote.
    pub tcp_bytes_sent: u64,
    /// Bytes TCP's receiver read: all of them.
    pub tcp_bytes_received: u64,
    /// Sent minus received: 0, TCP loses nothing.
    pub tcp_lost_bytes: u64,
    /// From TCP's first write to its last byte read.
    pub tcp_elapsed_us: f64,
    /// Payload bytes per UDP datagram.
    pub udp_datagram_bytes: usize,
    /// What UDP delivered: bytes received × 8 / time.
    pub udp_bits_per_second: f64,
    /// Datagrams sent.
    pub udp_sent: u64,
    /// Datagrams received.
    pub udp_received: u64,
    /// Datagrams sent but never received.
    pub udp_lost: u64,
    /// The kernel's count of datagrams dropped at the full receive buffer
    /// (`Udp: RcvbufErrors`, for the whole namespace).
    pub udp_dropped_buffer_full: u64,
    /// From UDP's first send to its last datagram read.
    pub udp_elapsed_us: f64,
}

impl BulkThroughput {
    /// From two [`throughput`](fn@super::throughput)s with large writes.
    pub fn of(tcp: &Throughput, udp: &Throughput) -> Self {
        BulkThroughput {
            tcp_write_bytes: tcp.chunk,
            tcp_bits_per_second: tcp.bits_per_second(),
            tcp_bytes_sent: tcp.bytes_sent,
            tcp_bytes_received: tcp.bytes_received,
            tcp_lost_bytes: tcp.bytes_sent.saturating_sub(tcp.bytes_received),
            tcp_elapsed_us: us(tcp.elapsed),
            udp_datagram_bytes: udp.chunk,
            udp_bits_per_second: udp.bits_per_second(),
            udp_sent: udp.writes,
            udp_received: udp.reads,
            udp_lost: udp.lost,
            udp_dropped_buffer_full: udp.dropped_buffer_full,
            udp_elapsed_us: us(udp.elapsed),
        }
    }
}

/// A second of sending small messages as fast as possible.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SmallMessages {
    /// Bytes per message, both transports.
    pub message_bytes: usize,
    /// TCP `write()`s per second.
    pub tcp_writes_per_second: f64,
    /// TCP `write()` calls made.
    pub tcp_writes: u64,
    /// TCP `read()`s the receiver needed: fewer, since TCP merges writes.
    pub tcp_reads: u64,
    /// UDP datagrams received per second.
    pub udp_received_per_second: f64,
    /// Datagrams sent.
    pub udp_sent: u64,
    /// Datagrams received.
    pub udp_received: u64,
    /// Datagrams sent but never received.
    pub udp_lost: u64,
}

impl SmallMessages {
    /// From two [`throughput`](fn@super::throughput)s with small writes.
    pub fn of(tcp: &Throughput, udp: &Throughput) -> Self {
        SmallMessages {
            message_bytes: tcp.chunk,
            tcp_writes_per_second: tcp.writes_per_s(),
            tcp_writes: tcp.writes,
            tcp_reads: tcp.reads,
            udp_received_per_second: udp.reads_per_s(),
            udp_sent: udp.writes,
            udp_received: udp.reads,
            udp_lost: udp.lost,
        }
    }
}

/// A receiver that stops reading: TCP pushes back, UDP drops.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReceiverStopsReading {
    /// Bytes TCP's non-blocking `write()`s accepted before `EAGAIN`.
    pub tcp_accepted_bytes: u64,
    /// Bytes the receiver read later: the same number.
    pub tcp_received_bytes: u64,
    /// Datagrams `sendto()` accepted: all of them.
    pub udp_sent: u64,
    /// Datagrams the receiver found when it read.
    pub udp_received: u64,
}

impl ReceiverStopsReading {
    /// From [`flow_control`](fn@super::flow_control).
    pub fn of(flow: &FlowControl) -> Self {
        ReceiverStopsReading {
            tcp_accepted_bytes: flow.tcp_accepted,
            tcp_received_bytes: flow.tcp_received,
            udp_sent: flow.udp_sent,
            udp_received: flow.udp_received,
        }
    }
}

/// Three writes of 100 bytes, and what each read returned.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MessageBoundaries {
    /// The size of each message written.
    pub written_bytes: Vec<usize>,
    /// What each TCP `read()` returned: often all 300 at once.
    pub tcp_read_bytes: Vec<usize>,
    /// What each UDP `recv()` returned: one message each.
    pub udp_read_bytes: Vec<usize>,
}

impl MessageBoundaries {
    /// From [`message_boundaries`](super::message_boundaries).
    pub fn of(b: &Boundaries) -> Self {
        MessageBoundaries {
            written_bytes: b.written.clone(),
            tcp_read_bytes: b.tcp_reads.clone(),
            udp_read_bytes: b.udp_reads.clone(),
        }
    }
}

/// The largest UDP datagram, one byte more, and one big TCP write.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LargestSingleSend {
    /// Bytes offered to one TCP `write()`.
    pub tcp_write_bytes: usize,
    /// Bytes that `write()` accepted: all of them.
    pub tcp_accepted_bytes: usize,
    /// Bytes the receiver read.
    pub tcp_received_bytes: usize,
    /// `read()`s that took: the stream arrives in pieces.
    pub tcp_reads: usize,
    /// The largest UDP payload: 65,507 over IPv4.
    pub udp_largest_bytes: usize,
    /// What `recv()` returned for it: the whole datagram.
    pub udp_largest_received_bytes: usize,
    /// One byte more.
    pub udp_too_large_bytes: usize,
    /// The kernel's refusal of it ("Message too long"), or `null` if it
    /// was sent after all.
    pub udp_too_large_error: Option<String>,
    /// Bytes sent of it if it was sent (never expected), else `null`.
    pub udp_too_large_sent_bytes: Option<usize>,
}

impl LargestSingleSend {
    /// From [`size_limits`](fn@super::size_limits).
    pub fn of(s: &SizeLimits) -> Self {
        let (sent, error) = match &s.udp_too_large_result {
            Ok(n) => (Some(*n), None),
            Err(e) => (None, Some(e.to_string())),
        };
        LargestSingleSend {
            tcp_write_bytes: s.tcp_write,
            tcp_accepted_bytes: s.tcp_accepted,
            tcp_received_bytes: s.tcp_received,
            tcp_reads: s.tcp_reads,
            udp_largest_bytes: s.udp_largest,
            udp_largest_received_bytes: s.udp_largest_received,
            udp_too_large_bytes: s.udp_too_large,
            udp_too_large_error: error,
            udp_too_large_sent_bytes: sent,
        }
    }
}

/// TCP and UDP across the lab's lossy link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LossyLink {
    /// The loss the link drops at, each way.
    pub loss_percent: f64,
    /// Bytes TCP's sender wrote.
    pub tcp_bytes_sent: u64,
    /// Bytes TCP's receiver read.
    pub tcp_bytes_received: u64,
    /// Every byte arrived, in order.
    pub tcp_in_order: bool,
    /// The stream offset of the first byte that was wrong, or `null`.
    pub tcp_first_mismatch_byte: Option<u64>,
    /// Segments the sender's kernel sent again (`Tcp: RetransSegs`).
    pub tcp_retransmissions: u64,
    /// From `connect()` to the last byte read.
    pub tcp_elapsed_us: f64,
    /// Datagrams sent.
    pub udp_sent: u64,
    /// Distinct datagrams received.
    pub udp_received: u64,
    /// Datagrams sent but never received.
    pub udp_lost: u64,
    /// Datagrams that came after one sent later.
    pub udp_reordered: u64,
    /// Datagrams that came twice.
    pub udp_duplicates: u64,
    /// Drops at the receiver's full buffer, not on the link.
    pub udp_dropped_buffer_full: u64,
}

impl LossyLink {
    /// From [`under_loss`](super::under_loss).
    pub fn of(r: &LossReport) -> Self {
        LossyLink {
            loss_percent: r.loss_percent,
            tcp_bytes_sent: r.tcp_bytes_sent,
            tcp_bytes_received: r.tcp_bytes_received,
            tcp_in_order: r.tcp_first_mismatch.is_none(),
            tcp_first_mismatch_byte: r.tcp_first_mismatch,
            tcp_retransmissions: r.tcp_retransmissions,
            tcp_elapsed_us: us(r.tcp_elapsed),
            udp_sent: r.udp_sent,
            udp_received: r.udp_received,
            udp_lost: r.udp_lost,
            udp_reordered: r.udp_reordered,
            udp_duplicates: r.udp_duplicates,
            udp_dropped_buffer_full: r.udp_dropped_buffer_full,
        }
    }
}

/// UDP datagrams just within and just above the lab link's MTU.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AroundTheMtu {
    /// The link's MTU.
    pub mtu_bytes: u32,
    /// One per payload size, smallest first.
    pub datagrams: Vec<MtuDatagram>,
}

/// One datagram of [`AroundTheMtu`], with the kernels' counters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MtuDatagram {
    /// UDP payload.
    pub payload_bytes: usize,
    /// The IP datagram it makes: payload + 8 (UDP) + 20 (IPv4).
    pub ip_total_bytes: usize,
    /// Datagrams the sender fragmented (`Ip: FragOKs`): 0 or 1.
    pub fragmented: u64,
    /// Fragments the sender made (`Ip: FragCreates`).
    pub fragments: u64,
    /// Fragments the receiver had to reassemble (`Ip: ReasmReqds`).
    pub reassembly_fragments: u64,
    /// Datagrams the receiver reassembled (`Ip: ReasmOKs`).
    pub reassembled: u64,
    /// What `recv()` returned, or `null` if the datagram was lost.
    pub received_bytes: Option<usize>,
}

impl AroundTheMtu {
    /// From [`fragmentation`](fn@super::fragmentation).
    pub fn of(f: &Fragmentation) -> Self {
        AroundTheMtu {
            mtu_bytes: f.mtu,
            datagrams: f
                .rows
                .iter()
                .map(|r| MtuDatagram {
                    payload_bytes: r.payload,
                    ip_total_bytes: r.ip_total,
                    fragmented: r.fragmented,
                    fragments: r.fragments,
                    reassembly_fragments: r.reassembly_fragments,
                    reassembled: r.reassembled,
                    received_bytes: r.received,
                })
                .collect(),
        }
    }
}
