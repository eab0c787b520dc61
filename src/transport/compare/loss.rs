//! Loss across the lab: "TCP is reliable, UDP is unreliable", measured.
//!
//! Loopback drops nothing on the way (only a full buffer does), so this
//! runs between the two namespaces of [`lab`], whose link drops a share of
//! packets. TCP gets every byte through in order, at the cost of
//! retransmissions ([RFC 9293 § 3.8.1]) counted by the kernel
//! (`counters.rs`); UDP delivers what survives ([RFC 768]).
//!
//! Read before: `counters.rs` and [`lab`]. Read next:
//! `fragments.rs`, the lab's other measurement.
//! Book: `book/src/lesson-09.md` (includes [`under_loss`]).
//! Run: `netlab compare --loss 5` (as root).
//!
//! [RFC 9293 § 3.8.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.1
//! [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768

use std::collections::HashSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::counters::snmp_counter;
use super::sockets::{
    big_receive_buffer, listen, timed_out, udp_bind, udp_connected,
};
use super::{Error, Result, call};
use crate::transport::lab::{self, Lab};

/// How long a lab transfer may take before we give up.
pub(super) const LAB_LIMIT: Duration = Duration::from_secs(30);

/// What TCP and UDP delivered over the lab's lossy link.
#[derive(Clone, Debug, Serialize)]
pub struct LossReport {
    /// The loss the lab's link was set up with.
    pub loss_percent: f64,
    /// TCP: bytes written by b.
    pub tcp_bytes_sent: u64,
    /// TCP: bytes read by a.
    pub tcp_bytes_received: u64,
    /// TCP: the first byte that did not match the counter pattern, if any.
    pub tcp_first_mismatch: Option<u64>,
    /// TCP: from `connect()` to the receiver having read everything.
    pub tcp_elapsed: Duration,
    /// TCP: segments b's kernel sent again (`Tcp: RetransSegs` delta in
    /// b's namespace).
    pub tcp_retransmissions: u64,
    /// UDP: datagrams b sent.
    pub udp_sent: u64,
    /// UDP: distinct datagrams a received.
    pub udp_received: u64,
    /// UDP: `udp_sent - udp_received`.
    pub udp_lost: u64,
    /// UDP: datagrams that arrived after one with a higher sequence number.
    pub udp_reordered: u64,
    /// UDP: datagrams that arrived twice.
    pub udp_duplicates: u64,
    /// UDP: drops at a's full receive buffer (not the link's loss).
    pub udp_dropped_buffer_full: u64,
}

/// The byte at stream offset `i` of the TCP transfer: a counter modulo 251.
/// 251 is prime, so the pattern never lines up with power-of-two write or
/// segment sizes, and a lost, duplicated or misplaced segment changes it.
fn pattern(i: u64) -> u8 {
    (i % 251) as u8
}

// ANCHOR: under_loss
/// TCP and UDP over the lab's lossy link, from host b to host a.
///
/// TCP: `bytes` bytes of a counter pattern; a checks every byte, so "all
/// arrived, in order" is verified, not assumed. The cost of reliability is
/// visible in b's kernel counter of retransmitted segments ([RFC 9293 §
/// 3.8.1], timers per [RFC 6298]) and in the time taken. UDP: `datagrams`
/// datagrams carrying a sequence number; a counts what arrived, what is
/// missing and what came out of order — UDP repairs none of it ([RFC 768]).
///
/// A server thread runs in a's namespace, a client thread in b's, through
/// [`lab::in_namespace`]; counters are read from [`SNMP`] inside each.
///
/// [RFC 9293 § 3.8.1]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.8.1
/// [RFC 6298]: https://datatracker.ietf.org/doc/html/rfc6298
/// [RFC 768]: https://datatracker.ietf.org/doc/html/rfc768
/// [`SNMP`]: super::SNMP
pub fn under_loss(lab: &Lab, bytes: u64, datagrams: u64) -> Result<LossReport> {
    let tcp = lab_tcp(lab, bytes)?;
    let udp = lab_udp(lab, datagrams)?;
    Ok(LossReport {
        loss_percent: lab.loss_percent,
        tcp_bytes_sent: bytes,
        tcp_bytes_received: tcp.received,
        tcp_first_mismatch: tcp.first_mismatch,
        tcp_elapsed: tcp.elapsed,
        tcp_retransmissions: tcp.retransmissions,
        udp_sent: datagrams,
        udp_received: udp.received,
        udp_lost: datagrams.saturating_sub(udp.received),
        udp_reordered: udp.reordered,
        udp_duplicates: udp.duplicates,
        udp_dropped_buffer_full: udp.dropped_buffer_full,
    })
}
// ANCHOR_END: under_loss

struct LabTcp {
    received: u64,
    first_mismatch: Option<u64>,
    elapsed: Duration,
    retransmissions: u64,
}

fn lab_tcp(lab: &Lab, bytes: u64) -> Result<LabTcp> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let (port_tx, port_rx) = mpsc::channel();
    thread::scope(|scope| {
        // Host a: accept one connection and check every byte.
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || lab_tcp_server(a_ip, port_tx))
        });
        // Host b: wait for the port, then connect and send.
        let client = lab::in_namespace(&lab.b, move || {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the TCP server in host a to listen".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            lab_tcp_client(addr, bytes)
        });
        let (received, first_mismatch) = server
            .join()
            .map_err(|_| Error::Panicked("lab TCP server"))???;
        let (elapsed, retransmissions) = client??;
        Ok(LabTcp {
            received,
            first_mismatch,
            elapsed,
            retransmissions,
        })
    })
}

fn lab_tcp_server(
    ip: IpAddr,
    port_tx: mpsc::Sender<SocketAddr>,
) -> Result<(u64, Option<u64>)> {
    let (listener, addr) = listen(ip)?;
    // If the client never comes (its thread failed), give up in time
    // instead of blocking in accept() forever.
    call(
        || "fcntl(O_NONBLOCK)".into(),
        listener.set_nonblocking(true),
    )?;
    let _ = port_tx.send(addr);
    let start = Instant::now();
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                if start.elapsed() > LAB_LIMIT {
                    return Err(Error::Timeout {
                        what: "a connection from host b".into(),
                        waited: LAB_LIMIT,
                    });
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return call(|| "accept()".into(), Err(e)),
        }
    };
    call(
        || "fcntl(~O_NONBLOCK)".into(),
        stream.set_nonblocking(false),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        stream.set_read_timeout(Some(LAB_LIMIT)),
    )?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = 0u64;
    let mut first_mismatch = None;
    loop {
        let n = call(|| "read()".into(), stream.read(&mut buf))?;
        if n == 0 {
            break;
        }
        for &byte in &buf[..n] {
            if first_mismatch.is_none() && byte != pattern(offset) {
                first_mismatch = Some(offset);
            }
            offset += 1;
        }
    }
    // Dropping `stream` closes our side: the client's read() returns 0, so
    // it knows every byte was read here.
    Ok((offset, first_mismatch))
}

fn lab_tcp_client(addr: SocketAddr, bytes: u64) -> Result<(Duration, u64)> {
    let before = snmp_counter("Tcp", "RetransSegs")?;
    let start = Instant::now();
    let mut stream = call(
        || format!("connect({addr})"),
        TcpStream::connect_timeout(&addr, LAB_LIMIT),
    )?;
    let limit = Some(LAB_LIMIT);
    call(
        || "setsockopt(SO_SNDTIMEO)".into(),
        stream.set_write_timeout(limit),
    )?;
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        stream.set_read_timeout(limit),
    )?;
    let mut chunk = vec![0u8; 64 * 1024];
    let mut offset = 0u64;
    while offset < bytes {
        let n = (bytes - offset).min(chunk.len() as u64) as usize;
        for (i, byte) in chunk[..n].iter_mut().enumerate() {
            *byte = pattern(offset + i as u64);
        }
        call(|| "write()".into(), stream.write_all(&chunk[..n]))?;
        offset += n as u64;
    }
    call(
        || "shutdown(SHUT_WR)".into(),
        stream.shutdown(Shutdown::Write),
    )?;
    // Wait for the server's close: only then has everything arrived.
    let mut end = [0u8; 1];
    call(|| "read()".into(), stream.read(&mut end))?;
    let elapsed = start.elapsed();
    let after = snmp_counter("Tcp", "RetransSegs")?;
    Ok((elapsed, after.saturating_sub(before)))
}

struct LabUdp {
    received: u64,
    reordered: u64,
    duplicates: u64,
    dropped_buffer_full: u64,
}

fn lab_udp(lab: &Lab, datagrams: u64) -> Result<LabUdp> {
    let a_ip = IpAddr::V4(lab.a.addr);
    let b_ip = IpAddr::V4(lab.b.addr);
    let (port_tx, port_rx) = mpsc::channel();
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    thread::scope(|scope| {
        let server = scope.spawn(move || {
            lab::in_namespace(&lab.a, move || {
                lab_udp_server(a_ip, port_tx, finished)
            })
        });
        let client = lab::in_namespace(&lab.b, move || -> Result<()> {
            let addr: SocketAddr =
                port_rx.recv_timeout(LAB_LIMIT).map_err(|_| {
                    Error::Timeout {
                        what: "the UDP server in host a to bind".into(),
                        waited: LAB_LIMIT,
                    }
                })?;
            let socket = udp_connected(b_ip, addr)?;
            // Each datagram: a 4-byte big-endian sequence number, padded
            // to 64 bytes like a short chat message.
            let mut datagram = [0u8; 64];
            for seq in 0..datagrams {
                datagram[..4].copy_from_slice(&(seq as u32).to_be_bytes());
                call(|| "send()".into(), socket.send(&datagram))?;
            }
            Ok(())
        });
        done.store(true, Ordering::Release);
        let server = server
            .join()
            .map_err(|_| Error::Panicked("lab UDP server"))??;
        client??;
        server
    })
}

fn lab_udp_server(
    ip: IpAddr,
    port_tx: mpsc::Sender<SocketAddr>,
    done: Arc<AtomicBool>,
) -> Result<LabUdp> {
    let (socket, addr) = udp_bind(ip)?;
    big_receive_buffer(&socket, 8 << 20)?;
    let poll = Some(Duration::from_millis(200));
    call(
        || "setsockopt(SO_RCVTIMEO)".into(),
        socket.set_read_timeout(poll),
    )?;
    let drops_before = snmp_counter("Udp", "RcvbufErrors")?;
    let _ = port_tx.send(addr);
    let start = Instant::now();
    let mut seen = HashSet::new();
    let (mut highest, mut reordered, mut duplicates) = (None, 0u64, 0u64);
    let mut buf = [0u8; 2048];
    loop {
        match socket.recv(&mut buf) {
            Ok(n) if n >= 4 => {
                let seq = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]);
                if !seen.insert(seq) {
                    duplicates += 1;
                } else if highest.is_some_and(|h| seq < h) {
                    reordered += 1;
                }
                highest = highest.max(Some(seq));
            }
            Ok(_) => {}
            // Quiet for a poll interval after the sender finished: done.
            Err(e) if timed_out(&e) => {
                if done.load(Ordering::Acquire) || start.elapsed() > LAB_LIMIT {
                    break;
                }
            }
            Err(e) => return call(|| "recv()".into(), Err(e)),
        }
    }
    let drops_after = snmp_counter("Udp", "RcvbufErrors")?;
    Ok(LabUdp {
        received: seen.len() as u64,
        reordered,
        duplicates,
        dropped_buffer_full: drops_after.saturating_sub(drops_before),
    })
}
