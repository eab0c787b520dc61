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
    /// The same four cells as the table shows them, in the course's
    /// language (`--lang`). `--json` writes only the English above:
    /// programs match on those words, so they do not change with the
    /// language; in English the two say the same (the tests check).
    #[serde(skip)]
    pub shown: [String; 4],
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
        shown: [
            crate::tr!("compare-setup"),
            crate::tr!("compare-setup-tcp", spread = spread_words(&connect)),
            crate::tr!("compare-setup-udp", spread = spread_words(&first)),
            crate::tr!("compare-setup-shows"),
        ],
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
        shown: [
            crate::tr!("compare-round-trip"),
            crate::tr!(
                "compare-round-trip-cell",
                size = options.size,
                spread = spread_words(&tcp)
            ),
            crate::tr!(
                "compare-round-trip-cell",
                size = options.size,
                spread = spread_words(&udp)
            ),
            crate::tr!("compare-round-trip-shows"),
        ],
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
        shown: [
            crate::tr!("compare-bulk"),
            crate::tr!(
                "compare-bulk-tcp",
                rate = format!("{:.1}", tcp.gbit_per_s())
            ),
            crate::tr!(
                "compare-bulk-udp",
                rate = format!("{:.1}", udp.gbit_per_s()),
                lost = udp.lost,
                sent = udp.writes
            ),
            crate::tr!("compare-bulk-shows"),
        ],
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
        shown: [
            crate::tr!("compare-small"),
            crate::tr!(
                "compare-small-tcp",
                rate = format!("{:.0}", tcp.writes_per_s()),
                reads = tcp.reads
            ),
            crate::tr!(
                "compare-small-udp",
                rate = format!("{:.0}", udp.reads_per_s()),
                lost = udp.lost,
                sent = udp.writes
            ),
            crate::tr!("compare-small-shows"),
        ],
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
        shown: [
            crate::tr!("compare-stops"),
            crate::tr!(
                "compare-stops-tcp",
                accepted = flow.tcp_accepted / 1024,
                received = flow.tcp_received / 1024
            ),
            crate::tr!(
                "compare-stops-udp",
                sent = flow.udp_sent,
                received = flow.udp_received
            ),
            crate::tr!("compare-stops-shows"),
        ],
    });

    let b = message_boundaries(ip)?;
    let boundaries = MessageBoundaries::of(&b);
    rows.push(Row {
        what: "3 writes of 100 B",
        tcp: format!("read() returned {}", list(&b.tcp_reads)),
        udp: format!("recv() returned {}", list(&b.udp_reads)),
        shows: "TCP is a byte stream and keeps no message boundaries (RFC \
                9293 § 2.2); each UDP datagram arrives whole (RFC 768).",
        shown: [
            crate::tr!("compare-writes"),
            crate::tr!("compare-writes-tcp", sizes = list(&b.tcp_reads)),
            crate::tr!("compare-writes-udp", sizes = list(&b.udp_reads)),
            crate::tr!("compare-writes-shows"),
        ],
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
        shown: [
            crate::tr!("compare-largest"),
            crate::tr!(
                "compare-largest-tcp",
                kib = s.tcp_accepted / 1024,
                reads = s.tcp_reads
            ),
            crate::tr!(
                "compare-largest-udp",
                largest = s.udp_largest,
                refused = s.udp_too_large,
                result = match &s.udp_too_large_result {
                    Ok(n) => crate::tr!("compare-largest-sent", bytes = *n),
                    Err(e) => e.to_string(),
                }
            ),
            crate::tr!("compare-largest-shows"),
        ],
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

/// A timing as the table words it, in the course's language: `median
/// 41.0 µs, p99 60.0 µs`.
pub fn spread_words(s: &super::Spread) -> String {
    crate::tr!(
        "compare-spread",
        median = micros(s.median),
        p99 = micros(s.p99)
    )
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
            shown: [
                crate::tr!("compare-lossy"),
                crate::tr!(
                    "compare-lossy-tcp",
                    received = self.tcp_bytes_received,
                    sent = self.tcp_bytes_sent,
                    order = if self.tcp_first_mismatch.is_none() {
                        crate::tr!("compare-in-order")
                    } else {
                        crate::tr!("compare-corrupted")
                    },
                    retransmissions = self.tcp_retransmissions,
                    took = micros(self.tcp_elapsed)
                ),
                crate::tr!(
                    "compare-lossy-udp",
                    received = self.udp_received,
                    sent = self.udp_sent,
                    lost = self.udp_lost,
                    reordered = self.udp_reordered
                ),
                crate::tr!("compare-lossy-shows"),
            ],
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
                shown: [
                    if r.fragments == 0 {
                        crate::tr!("compare-within-mtu")
                    } else {
                        crate::tr!("compare-above-mtu")
                    },
                    crate::tr!("compare-mtu-tcp"),
                    crate::tr!(
                        "compare-mtu-udp",
                        payload = r.payload,
                        fate = match r.fragments {
                            0 => crate::tr!("compare-one-packet"),
                            n => crate::tr!(
                                "compare-fragments",
                                fragments = n,
                                reassembled = r.reassembled
                            ),
                        },
                        lost = if r.received.is_some() {
                            String::new()
                        } else {
                            crate::tr!("compare-mtu-lost")
                        }
                    ),
                    crate::tr!("compare-mtu-shows"),
                ],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::FragmentRow;
    use super::*;
    use crate::lang::Lang;
    use crate::lang::testing::speaking;

    fn loss() -> LossReport {
        LossReport {
            loss_percent: 5.0,
            tcp_bytes_sent: 2_097_152,
            tcp_bytes_received: 2_097_152,
            tcp_first_mismatch: None,
            tcp_elapsed: Duration::from_millis(300),
            tcp_retransmissions: 143,
            udp_sent: 2000,
            udp_received: 1902,
            udp_lost: 98,
            udp_reordered: 0,
            udp_duplicates: 0,
            udp_dropped_buffer_full: 0,
        }
    }

    fn fragmentation() -> Fragmentation {
        let row = |payload: usize, fragments, received| FragmentRow {
            payload,
            ip_total: payload + 28,
            fragmented: u64::from(fragments > 0),
            fragments,
            reassembly_fragments: fragments,
            reassembled: u64::from(fragments > 0),
            received,
        };
        Fragmentation {
            mtu: 1500,
            rows: vec![row(1472, 0, Some(1472)), row(1473, 2, None)],
        }
    }

    fn rows() -> Vec<Row> {
        let mut rows = loss().rows();
        rows.extend(fragmentation().rows());
        rows
    }

    /// What the table shows in English is what --json writes.
    #[test]
    fn in_english_the_table_says_what_json_writes() {
        for row in speaking(Lang::En, rows) {
            let json = [row.what, &row.tcp, &row.udp, row.shows];
            assert_eq!(row.shown, json.map(String::from));
        }
    }

    #[test]
    fn in_chinese_the_table_changes_and_json_does_not() {
        let english = speaking(Lang::En, rows);
        let chinese = speaking(Lang::Zh, rows);
        let json = |rows: &[Row]| serde_json::to_string(rows).expect("json");
        assert_eq!(json(&chinese), json(&english));
        let shown: Vec<String> =
            chinese.iter().flat_map(|r| r.shown.clone()).collect();
        for said in [
            "经过一条会丢包的链路",
            "2097152 B 中收到 2097152 B，顺序正确，重传 143 次",
            "2000 个中到达 1902 个，丢失 98 个，乱序 0 个",
            "1473 B 数据：2 个分片，重新装配了 1 个，丢失了",
            "1472 B 数据：一个分组",
        ] {
            assert!(
                shown.iter().any(|s| s.contains(said)),
                "{said}: {shown:?}"
            );
        }
        let table =
            speaking(Lang::Zh, || crate::tools::compare::table(&chinese));
        assert!(table.contains("测量项目"), "{table}");
        for line in table.lines() {
            assert!(crate::show::width::of(line) <= 80, "{line}");
        }
    }
}
