//! The report: every measurement as one row of the comparison table.
//!
//! [`run`] makes the loopback measurements in the order of the article's
//! claims and words each result as a [`Row`]: what was measured, TCP's
//! number, UDP's number, and the RFC sentence the difference comes from.
//! The same results go, unworded, into the report's [`Measurements`]
//! (`measurements.rs`), for programs. The lab's rows and numbers are
//! added by the caller when a lab is up ([`Report::add_lab`]). The words
//! are chosen here; the printing is `netlab compare`'s
//! ([`crate::tools::compare`]).
//!
//! Read before: the measurements, `setup.rs` to `fragments.rs`. Read next:
//! `measurements.rs`, then [`crate::tools::compare`], which prints the
//! table or the JSON.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare`.

use std::net::{IpAddr, Ipv4Addr};

use serde::Serialize;

use super::measurements::{
    AroundTheMtu, BulkThroughput, ConnectionSetup, LargestSingleSend,
    LossyLink, Measurements, MessageBoundaries, ReceiverStopsReading,
    RoundTrip, SmallMessages,
};
use super::spread::micros;
use super::{
    Fragmentation, LossReport, Result, Transport, connect_time, flow_control,
    message_boundaries, round_trip, size_limits, throughput, udp_first_send,
};

/// One line of the comparison table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// What was measured, e.g. "connection set-up".
    pub what: &'static str,
    /// TCP's result, ready to print.
    pub tcp: String,
    /// UDP's result, ready to print.
    pub udp: String,
    /// What the row shows, in one sentence.
    pub shows: &'static str,
}

/// All rows, in the order of the article's claims, and the numbers they
/// were worded from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// The table.
    pub rows: Vec<Row>,
    /// The same measurements as numbers, for programs.
    pub measurements: Measurements,
}

/// What [`run`] measures with.
#[derive(Clone, Debug, Serialize)]
pub struct Options {
    /// The loopback address: 127.0.0.1 or ::1.
    pub ip: IpAddr,
    /// Message size for the round trips, in bytes.
    pub size: usize,
    /// Round trips (and connects) kept per transport.
    pub count: usize,
    /// Bytes per bulk transfer (each is also capped at
    /// [`THROUGHPUT_TIME`]).
    ///
    /// [`THROUGHPUT_TIME`]: super::THROUGHPUT_TIME
    pub bulk_bytes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            size: 64,
            count: 2000,
            bulk_bytes: 8 << 30,
        }
    }
}

/// Runs every loopback measurement and returns the table. Rows from the
/// lab ([`LossReport::rows`], [`Fragmentation::rows`]) are appended by the
/// caller when a lab is available.
pub fn run(options: &Options) -> Result<Report> {
    let ip = options.ip;
    let mut rows = Vec::new();

    let connect = connect_time(ip, options.count)?;
    let first = udp_first_send(ip, options.count)?;
    let connection_setup = ConnectionSetup::of(&connect, &first);
    rows.push(Row {
        what: "connection set-up",
        tcp: format!("connect(): {connect}"),
        udp: format!("none; socket()+first sendto(): {first}"),
        shows: "TCP waits one round trip for SYN, SYN-ACK before data may \
                flow (RFC 9293 § 3.5); UDP's first packet is its data.",
    });

    let tcp = round_trip(ip, options.size, options.count, Transport::Tcp)?;
    let udp = round_trip(ip, options.size, options.count, Transport::Udp)?;
    let rtt = RoundTrip::of(options.size, &tcp, &udp);
    rows.push(Row {
        what: "round trip",
        tcp: format!("{} B: {tcp}", options.size),
        udp: format!("{} B: {udp}", options.size),
        shows: "Once connected, a small TCP message costs about what a UDP \
                datagram does; the handshake and retransmission are what \
                cost.",
    });

    let tcp = throughput(ip, options.bulk_bytes, Transport::Tcp, 128 * 1024)?;
    let udp = throughput(ip, options.bulk_bytes, Transport::Udp, 1472)?;
    let bulk_throughput = BulkThroughput::of(&tcp, &udp);
    rows.push(Row {
        what: "bulk throughput",
        tcp: format!("{:.1} Gbit/s (128 KiB writes), 0 lost", tcp.gbit_per_s()),
        udp: format!(
            "{:.1} Gbit/s (1472 B datagrams), {} of {} lost",
            udp.gbit_per_s(),
            udp.lost,
            udp.writes
        ),
        shows: "TCP's receive window paces the sender so nothing is lost; \
                UDP has no flow control, so a fast sender can overrun the \
                receiver.",
    });

    let tcp = throughput(ip, options.bulk_bytes, Transport::Tcp, 64)?;
    let udp = throughput(ip, options.bulk_bytes, Transport::Udp, 64)?;
    let small_messages = SmallMessages::of(&tcp, &udp);
    rows.push(Row {
        what: "64 B messages",
        tcp: format!(
            "{:.0} writes/s, arriving in {} reads",
            tcp.writes_per_s(),
            tcp.reads
        ),
        udp: format!(
            "{:.0} datagrams/s, {} of {} lost",
            udp.reads_per_s(),
            udp.lost,
            udp.writes
        ),
        shows: "Per small message TCP can even be faster: it merges \
                writes into fewer segments and reads, while every UDP \
                datagram makes the whole trip through the stack.",
    });

    let flow = flow_control(ip, 2000)?;
    let receiver_stops_reading = ReceiverStopsReading::of(&flow);
    rows.push(Row {
        what: "receiver stops reading",
        tcp: format!(
            "write() says EAGAIN after {} KiB; all {} KiB read later",
            flow.tcp_accepted / 1024,
            flow.tcp_received / 1024
        ),
        udp: format!(
            "all {} sendto() succeed; {} arrive",
            flow.udp_sent, flow.udp_received
        ),
        shows: "TCP flow control pushes back on the sender (RFC 9293 § \
                3.8.6); UDP drops silently (RFC 8085 § 3.1).",
    });

    let b = message_boundaries(ip)?;
    let boundaries = MessageBoundaries::of(&b);
    rows.push(Row {
        what: "3 writes of 100 B",
        tcp: format!("read() returned {}", list(&b.tcp_reads)),
        udp: format!("recv() returned {}", list(&b.udp_reads)),
        shows: "TCP is a byte stream and keeps no message boundaries (RFC \
                9293 § 2.2); each UDP datagram arrives whole (RFC 768).",
    });

    let s = size_limits(ip)?;
    let largest_single_send = LargestSingleSend::of(&s);
    rows.push(Row {
        what: "largest single send",
        tcp: format!(
            "one write() of {} KiB: accepted, read in {} pieces",
            s.tcp_accepted / 1024,
            s.tcp_reads
        ),
        udp: format!(
            "{} B: sent and received whole; {} B: {}",
            s.udp_largest,
            s.udp_too_large,
            match &s.udp_too_large_result {
                Ok(n) => format!("sent {n} (unexpected)"),
                Err(e) => e.to_string(),
            }
        ),
        shows: "IP's 16-bit Total Length (RFC 791 § 3.1) caps a UDP \
                datagram at 65,507 bytes; a TCP stream has no size.",
    });

    Ok(Report {
        rows,
        measurements: Measurements {
            connection_setup,
            round_trip: rtt,
            bulk_throughput,
            small_messages,
            receiver_stops_reading,
            message_boundaries: boundaries,
            largest_single_send,
            lossy_link: None,
            fragmentation: None,
        },
    })
}

impl Report {
    /// Adds what was measured across the lab: its rows at the end of the
    /// table, its numbers beside the others.
    pub fn add_lab(
        &mut self,
        loss: &LossReport,
        fragmentation: &Fragmentation,
    ) {
        self.rows.extend(loss.rows());
        self.rows.extend(fragmentation.rows());
        self.measurements.lossy_link = Some(LossyLink::of(loss));
        self.measurements.fragmentation = Some(AroundTheMtu::of(fragmentation));
    }
}

/// `100, 100, 100`
fn list(sizes: &[usize]) -> String {
    sizes
        .iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

impl LossReport {
    /// The lab rows for the table.
    pub fn rows(&self) -> Vec<Row> {
        vec![Row {
            what: "over a lossy link",
            tcp: format!(
                "{} of {} B, {}, {} retransmissions, {}",
                self.tcp_bytes_received,
                self.tcp_bytes_sent,
                if self.tcp_first_mismatch.is_none() {
                    "in order"
                } else {
                    "CORRUPTED"
                },
                self.tcp_retransmissions,
                micros(self.tcp_elapsed)
            ),
            udp: format!(
                "{} of {} arrived, {} lost, {} reordered",
                self.udp_received,
                self.udp_sent,
                self.udp_lost,
                self.udp_reordered
            ),
            shows: "TCP retransmits until every byte arrives in order (RFC \
                    9293 § 3.8.1); UDP delivers what survives (RFC 768).",
        }]
    }
}

impl Fragmentation {
    /// The lab rows for the table: one per payload size.
    pub fn rows(&self) -> Vec<Row> {
        self.rows
            .iter()
            .map(|r| Row {
                // The kernel fragments exactly when the datagram (payload
                // plus 8 B UDP and 20 B IPv4 header) is above the MTU.
                what: if r.fragments == 0 {
                    "UDP within the MTU"
                } else {
                    "UDP above the MTU"
                },
                tcp: String::from("(TCP sizes segments to fit: MSS)"),
                udp: format!(
                    "{} B payload: {}{}",
                    r.payload,
                    match r.fragments {
                        0 => String::from("one packet"),
                        n => format!(
                            "{n} fragments, {} reassembled",
                            r.reassembled
                        ),
                    },
                    if r.received.is_some() { "" } else { ", lost" }
                ),
                shows: "An IP datagram larger than the link MTU travels in \
                        fragments and is whole only if all arrive (RFC 791 \
                        § 2.3).",
            })
            .collect()
    }
}
