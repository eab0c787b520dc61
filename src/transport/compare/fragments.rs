//! Fragmentation: one byte over the MTU, and a datagram travels in pieces.
//!
//! Not one of the article's claims but the reason behind "keep UDP
//! datagrams small": a payload of MTU − 28 bytes fits one packet, one byte
//! more is cut into fragments by the sender's IP layer ([RFC 791 § 2.3])
//! and is whole only if every fragment arrives. Measured across
//! [`lab`], counted by the kernels (`counters.rs`).
//!
//! Read before: `loss.rs`. Read next: `report.rs`, where every measurement
//! becomes a table row.
//! Book: `book/src/lesson-09.md`. Run: `netlab compare --loss 5` (as root).
//!
//! [RFC 791 § 2.3]: https://datatracker.ietf.org/doc/html/rfc791#section-2.3

use std::net::{IpAddr, SocketAddr};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde::Serialize;

use super::counters::snmp_counter;
use super::loss::LAB_LIMIT;
use super::sockets::{timed_out, udp_bind, udp_connected};
use super::{Error, Result, call};
use crate::transport::lab::{self, Lab};

/// One datagram sent across the lab, with the fragmentation counters.
#[derive(Clone, Debug, Serialize)]
pub struct FragmentRow {
    /// UDP payload bytes.
    pub payload: usize,
    /// The IP datagram it makes: payload + 8 (UDP) + 20 (IPv4).
    pub ip_total: usize,
    /// Sender (b): `Ip: FragOKs` delta, datagrams it fragmented.
    pub fragmented: u64,
    /// Sender (b): `Ip: FragCreates` delta, fragments it made.
    pub fragments: u64,
    /// Receiver (a): `Ip: ReasmReqds` delta, fragments that needed
    /// reassembly.
    pub reassembly_fragments: u64,
    /// Receiver (a): `Ip: ReasmOKs` delta, datagrams reassembled.
    pub reassembled: u64,
    /// Bytes `recv()` returned at a, `None` if it never arrived (lost).
    pub received: Option<usize>,
}

/// Fragmentation at the MTU boundary, counted by the kernels.
#[derive(Clone, Debug, Serialize)]
pub struct Fragmentation {
    /// The lab link's MTU.
    pub mtu: u32,
    /// The largest payload that fits, then one byte more.
    pub rows: Vec<FragmentRow>,
}

/// UDP payloads of MTU − 28 and MTU − 27 bytes from b to a.
///
/// With MTU 1500, 1472 bytes + 8 (UDP header) + 20 (IPv4 header) = 1500
/// fits one packet; 1473 does not, so the sender's IP layer cuts the
/// datagram into fragments — "the internet module … divides the datagram
/// into fragments" ([RFC 791 § 2.3]) — and the receiver reassembles them
/// before UDP sees anything. The counters come from [`SNMP`] inside each
/// namespace: b's `FragOKs`/`FragCreates`, a's `ReasmReqds`/`ReasmOKs`.
/// Losing any fragment loses the whole datagram (`received: None`).
///
/// [RFC 791 § 2.3]: https://datatracker.ietf.org/doc/html/rfc791#section-2.3
/// [`SNMP`]: super::SNMP
pub fn fragmentation(lab: &Lab) -> Result<Fragmentation> {
    const HEADERS: usize = 20 + 8;
    let fits = (lab.mtu as usize).saturating_sub(HEADERS);
    let rows = [fits, fits + 1]
        .into_iter()
        .map(|payload| send_one_across(lab, payload))
        .collect::<Result<Vec<_>>>()?;
    Ok(Fragmentation { mtu: lab.mtu, rows })
}

fn send_one_across(lab: &Lab, payload: usize) -> Result<FragmentRow> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let b_ip = IpAddr::V4(lab.b.addr);
    let (port_tx, port_rx) = mpsc::channel();
    thread::scope(|scope| {
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || -> Result<_> {
                let (socket, addr) = udp_bind(a_ip)?;
                let limit = Some(Duration::from_secs(1));
                call(
                    || "setsockopt(SO_RCVTIMEO)".into(),
                    socket.set_read_timeout(limit),
                )?;
                let reqds = snmp_counter("Ip", "ReasmReqds")?;
                let oks = snmp_counter("Ip", "ReasmOKs")?;
                let _ = port_tx.send(addr);
                let mut buf = vec![0u8; 65_536];
                let received = match socket.recv(&mut buf) {
                    Ok(n) => Some(n),
                    Err(e) if timed_out(&e) => None,
                    Err(e) => return call(|| "recv()".into(), Err(e)),
                };
                Ok((
                    snmp_counter("Ip", "ReasmReqds")?.saturating_sub(reqds),
                    snmp_counter("Ip", "ReasmOKs")?.saturating_sub(oks),
                    received,
                ))
            })
        });
        let client = lab::in_namespace(&lab.b, move || -> Result<_> {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the UDP server in host a to bind".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            let socket = udp_connected(b_ip, addr)?;
            let oks = snmp_counter("Ip", "FragOKs")?;
            let creates = snmp_counter("Ip", "FragCreates")?;
            let data = vec![b'x'; payload];
            call(|| format!("send({payload} bytes)"), socket.send(&data))?;
            Ok((
                snmp_counter("Ip", "FragOKs")?.saturating_sub(oks),
                snmp_counter("Ip", "FragCreates")?.saturating_sub(creates),
            ))
        });
        let (reassembly_fragments, reassembled, received) =
            server
                .join()
                .map_err(|_| Error::Panicked("lab UDP server"))???;
        let (fragmented, fragments) = client??;
        Ok(FragmentRow {
            payload,
            ip_total: payload + 28,
            fragmented,
            fragments,
            reassembly_fragments,
            reassembled,
            received,
        })
    })
}
