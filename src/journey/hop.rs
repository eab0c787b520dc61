//! One hop of a message's journey: the TCP connection it crossed, the
//! segments that carried it, and the acknowledgments that came back.
//!
//! A capture on `lo` holds every packet of every connection. To tell the
//! story of *one* message, this file picks the connection the message used
//! on a hop — the first one whose sender sent data to (or from) the
//! listening port we know — and keeps its packets in both directions, in
//! capture order. Each is explained in a sentence:
//!
//! - a data segment says which bytes of what the sender wrote it carries
//!   (TCP numbers every byte of the stream, RFC 9293 § 3.4: "every octet of
//!   data sent over a TCP connection has a sequence number"), so a stanza
//!   split over several segments shows its pieces;
//! - an acknowledgment says how many of those bytes have arrived: its
//!   acknowledgment number is "the value of the next sequence number the
//!   sender of the segment is expecting to receive" (RFC 9293 § 3.1).
//!
//! With TLS the payload is records, not XML; the sentence names them
//! ([`crate::wire::tls_record`]). Nothing here prints: `show::journey`
//! renders hops, `journey::record` captures them.
//!
//! Read before: [`crate::wire::tcp_flow`], which explains a whole
//! connection from its SYN. Book: `book/src/lesson-07.md`.
//! Run: `netlab trace`. Specs: [RFC 9293 § 3.4] (sequence numbers),
//! [RFC 8446 § 5] (records).
//!
//! [RFC 9293 § 3.4]: https://datatracker.ietf.org/doc/html/rfc9293#section-3.4
//! [RFC 8446 § 5]: https://datatracker.ietf.org/doc/html/rfc8446#section-5

use std::net::{IpAddr, SocketAddr};
use std::ops::Range;

use crate::capture::{Frame, LinkType};
use crate::wire::dissect::{Header, Link, dissect};
use crate::wire::tcp::{self, Flags};
use crate::wire::tls_record::{ContentType, HEADER_LEN, Records};

/// Which kind of connection a hop is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HopKind {
    /// A client's connection to its server ("c2s", RFC 6120 § 4).
    ClientToServer,
    /// One server's connection to another ("s2s", federation).
    ServerToServer,
    /// The receiving client's connection, carrying data from its server.
    ServerToClient,
}

impl HopKind {
    /// The short name XMPP people use.
    pub fn short(self) -> &'static str {
        match self {
            HopKind::ClientToServer | HopKind::ServerToClient => "c2s",
            HopKind::ServerToServer => "s2s",
        }
    }
}

/// How to find a hop's connection in a capture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HopSpec {
    /// Which kind of connection.
    pub kind: HopKind,
    /// Who sends the message on this hop (`alice`, `a.example`).
    pub sender: String,
    /// Who receives it.
    pub receiver: String,
    /// The listening port of this connection's server side.
    pub port: u16,
    /// Whether the *receiver* owns `port` (client → server), or the
    /// sender does (server → its client).
    pub receiver_listens: bool,
}

/// One captured TCP packet, taken apart enough to follow a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The frame as captured.
    pub frame: Frame,
    /// Its source.
    pub from: SocketAddr,
    /// Its destination.
    pub to: SocketAddr,
    /// Its TCP header.
    pub tcp: tcp::Repr,
    /// Where its payload is in `frame.data`.
    pub payload: Range<usize>,
}

impl Packet {
    /// Takes a frame apart: `None` unless it is TCP over IP.
    pub fn of(frame: Frame) -> Option<Packet> {
        let link = match frame.linktype {
            LinkType::ETHERNET => Link::Ethernet,
            LinkType::RAW => Link::RawIp,
            LinkType(n) => Link::Other(n),
        };
        let d = dissect(&frame.data, link, frame.data.len());
        let mut ip: Option<(IpAddr, IpAddr)> = None;
        for layer in &d.layers {
            match &layer.header {
                Header::Ipv4(v4) => ip = Some((v4.src.into(), v4.dst.into())),
                Header::Ipv6(v6) => ip = Some((v6.src.into(), v6.dst.into())),
                Header::Tcp(t, _) => {
                    let (src, dst) = ip?;
                    // The payload runs to the end of whatever the
                    // dissector found after TCP (data, or an XMPP peek).
                    let last = d.layers.last().map_or(0, |l| l.bytes.end);
                    let end = d.rest.end.max(last).max(layer.bytes.end);
                    return Some(Packet {
                        from: SocketAddr::new(src, t.src_port),
                        to: SocketAddr::new(dst, t.dst_port),
                        tcp: t.clone(),
                        payload: layer.bytes.end..end,
                        frame,
                    });
                }
                _ => {}
            }
        }
        None
    }

    /// The payload's bytes.
    pub fn data(&self) -> &[u8] {
        &self.frame.data[self.payload.clone()]
    }
}

/// One packet of a hop, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The packet.
    pub packet: Packet,
    /// From the hop's sender (true) or back from its receiver.
    pub forward: bool,
    /// For data: which bytes of what was sent on this hop (1-based,
    /// inclusive, as a student counts).
    pub carries: Option<Range<usize>>,
    /// For an acknowledgment: how many of the sent bytes it confirms.
    pub acknowledges: Option<usize>,
    /// For data over TLS: which records the segment holds, as an
    /// eavesdropper can tell from their headers.
    pub tls: Option<String>,
    /// What the packet does, in a sentence (the pcapng comment).
    pub meaning: String,
}

/// A hop: one connection, and the packets that carried the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hop {
    /// What kind of connection, and who is on each end.
    pub spec: HopSpec,
    /// The sender's address.
    pub from: SocketAddr,
    /// The receiver's address.
    pub to: SocketAddr,
    /// Every packet of the connection while the message crossed it.
    pub steps: Vec<Step>,
    /// How many bytes the sender wrote on this hop.
    pub bytes: usize,
}

impl Hop {
    /// The data segments, in order.
    pub fn data(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.carries.is_some())
    }

    /// Whether every byte sent was acknowledged.
    pub fn is_acknowledged(&self) -> bool {
        self.steps
            .iter()
            .any(|s| s.acknowledges.is_some_and(|n| n >= self.bytes))
    }
}

/// Finds the hop described by `spec` among `packets` (in capture order),
/// and explains each of its packets; `tls` says whether the payload is
/// TLS records. `None` when no packet of that connection carried data.
pub fn pick(spec: &HopSpec, packets: &[Packet], tls: bool) -> Option<Hop> {
    let first = packets.iter().find(|p| {
        let listening = if spec.receiver_listens {
            p.to.port()
        } else {
            p.from.port()
        };
        listening == spec.port && !p.payload.is_empty()
    })?;
    let (from, to) = (first.from, first.to);
    let ours: Vec<&Packet> = packets
        .iter()
        .filter(|p| {
            (p.from, p.to) == (from, to) || (p.from, p.to) == (to, from)
        })
        .collect();
    // Sequence numbers are counted from the first data byte sent here.
    let start = first.tcp.seq;
    let bytes: usize = ours
        .iter()
        .filter(|p| p.from == from)
        .map(|p| p.payload.len())
        .sum();
    // TLS records run across segment boundaries: find them in the whole
    // stream the sender wrote, then say which part each segment holds.
    let records = if tls {
        let mut stream = Vec::with_capacity(bytes);
        for p in ours.iter().filter(|p| p.from == from) {
            stream.extend_from_slice(p.data());
        }
        Some(spans(&stream))
    } else {
        None
    };
    let steps = ours
        .into_iter()
        .map(|p| {
            let forward = p.from == from;
            explain(spec, p, forward, start, bytes, records.as_deref())
        })
        .collect();
    Some(Hop {
        spec: spec.clone(),
        from,
        to,
        steps,
        bytes,
    })
}

/// Explains one packet of a hop whose data starts at sequence number
/// `start` and runs `total` bytes; `forward`: it goes from the hop's
/// sender to its receiver; `records`: the TLS records in those bytes.
fn explain(
    spec: &HopSpec,
    p: &Packet,
    forward: bool,
    start: u32,
    total: usize,
    records: Option<&[Span]>,
) -> Step {
    let (who, whom) = if forward {
        (&spec.sender, &spec.receiver)
    } else {
        (&spec.receiver, &spec.sender)
    };
    let len = p.payload.len();
    let mut step = Step {
        packet: p.clone(),
        forward,
        carries: None,
        acknowledges: None,
        tls: None,
        meaning: String::new(),
    };
    if forward && len > 0 {
        let offset = p.tcp.seq.wrapping_sub(start) as usize;
        let range = offset + 1..offset + len;
        let stream = offset..offset + len;
        step.tls = records.map(|r| tls_share(r, stream));
        let what = match &step.tls {
            Some(records) => records.clone(),
            None => "XML".to_string(),
        };
        let share = if len == total {
            "all of them, in this one segment".to_string()
        } else {
            format!("bytes {}–{} of the {total}", range.start, range.end)
        };
        step.meaning = format!(
            "{who} → {whom}: {len} bytes ({share}): {what}; seq {}",
            p.tcp.seq
        );
        step.carries = Some(range);
    } else if !forward && p.tcp.flags.contains(Flags::ACK) {
        let confirmed = acknowledged(start, p.tcp.ack, total);
        step.meaning = format!(
            "{who} → {whom}: ACK {} = {start} + {confirmed}: {}",
            p.tcp.ack,
            if confirmed == total {
                format!("all {total} bytes arrived")
            } else {
                format!("{confirmed} of {total} bytes arrived so far")
            }
        );
        step.acknowledges = Some(confirmed);
    } else {
        step.meaning = format!(
            "{who} → {whom}: [{}] seq {} ack {}, {len} bytes",
            p.tcp.flags, p.tcp.seq, p.tcp.ack
        );
    }
    step
}

/// How many of `total` bytes, sent from sequence number `start`, an
/// acknowledgment number confirms (0 when it is older than `start`).
pub fn acknowledged(start: u32, ack: u32, total: usize) -> usize {
    // Sequence numbers wrap at 2^32 (RFC 9293 § 3.4: "the sequence number
    // space ... ranges from 0 to 2^32 - 1"): subtract modulo 2^32.
    let n = ack.wrapping_sub(start) as usize;
    if n > total { 0 } else { n }
}

/// A TLS record in a stream: its type and where it lies, header included
/// (offsets from the stream's first byte).
pub type Span = (ContentType, Range<usize>);

/// The records of a stream that starts on a record boundary; empty when
/// the bytes are not TLS records.
pub fn spans(stream: &[u8]) -> Vec<Span> {
    match Records::parse(stream) {
        Ok(found) => found
            .records
            .into_iter()
            .map(|(r, f)| (r.content_type, f.start - HEADER_LEN..f.end))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// What part of the TLS records the stream bytes `segment` hold, in the
/// words of someone who can read only the record headers:
/// `1 TLS record, type 23 (application data): a 5-byte header anyone can
/// read, then 104 bytes of ciphertext`.
pub fn tls_share(records: &[Span], segment: Range<usize>) -> String {
    let mut parts = Vec::new();
    // A record begun in an earlier segment.
    if let Some((_, r)) = records
        .iter()
        .find(|(_, r)| r.start < segment.start && r.end > segment.start)
    {
        parts.push(if r.end > segment.end {
            "more ciphertext of a TLS record begun earlier".to_string()
        } else {
            "the end of a TLS record begun earlier".to_string()
        });
    }
    let starting: Vec<&Span> = records
        .iter()
        .filter(|(_, r)| segment.contains(&r.start))
        .collect();
    match starting.as_slice() {
        [] => {}
        [(kind, r)] if r.end <= segment.end && parts.is_empty() => {
            parts.push(format!(
                "1 TLS record, type {kind}: a {HEADER_LEN}-byte header \
                 anyone can read, then {} bytes of ciphertext",
                r.len() - HEADER_LEN
            ));
        }
        several => {
            let n = several.len();
            let mut kinds: Vec<String> =
                several.iter().map(|(k, _)| k.to_string()).collect();
            kinds.dedup();
            let plural = if n == 1 { "" } else { "s" };
            let mut text = format!(
                "{n} TLS record{plural} starting, type {}",
                kinds.join(", ")
            );
            if several.last().is_some_and(|(_, r)| r.end > segment.end) {
                text.push_str(", the last going on in the next segment");
            }
            parts.push(text);
        }
    }
    if parts.is_empty() {
        return "TLS ciphertext".to_string();
    }
    parts.join("; then ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A loopback frame from port `from` to `to` with `payload`.
    fn packet(
        from: u16,
        to: u16,
        seq: u32,
        ack: u32,
        payload: &[u8],
    ) -> Packet {
        let data_at = 14 + 20 + 20;
        let mut data = vec![0u8; data_at];
        data[12..14].copy_from_slice(&[0x08, 0x00]);
        let ip = &mut data[14..34];
        ip[0] = 0x45;
        let total = (40 + payload.len()) as u16;
        ip[2..4].copy_from_slice(&total.to_be_bytes());
        ip[8] = 64;
        ip[9] = 6;
        ip[12..16].copy_from_slice(&[127, 0, 0, 1]);
        ip[16..20].copy_from_slice(&[127, 0, 0, 1]);
        let t = &mut data[34..54];
        t[0..2].copy_from_slice(&from.to_be_bytes());
        t[2..4].copy_from_slice(&to.to_be_bytes());
        t[4..8].copy_from_slice(&seq.to_be_bytes());
        t[8..12].copy_from_slice(&ack.to_be_bytes());
        t[12] = 5 << 4;
        t[13] = if payload.is_empty() { 0x10 } else { 0x18 };
        t[14..16].copy_from_slice(&512u16.to_be_bytes());
        data.extend_from_slice(payload);
        let frame = Frame {
            timestamp: Duration::ZERO,
            linktype: LinkType::ETHERNET,
            orig_len: data.len() as u32,
            data,
            interface: 0,
            comment: None,
        };
        Packet::of(frame).expect("a TCP packet")
    }

    fn c2s() -> HopSpec {
        HopSpec {
            kind: HopKind::ClientToServer,
            sender: "alice".into(),
            receiver: "a.example".into(),
            port: 5222,
            receiver_listens: true,
        }
    }

    #[test]
    fn finds_the_connection_and_explains_a_whole_stanza() {
        let packets = vec![
            // Another client of the same port sending nothing.
            packet(40001, 5222, 7, 9, b""),
            packet(40000, 5222, 1000, 5000, b"<message/>"),
            packet(5222, 40000, 5000, 1010, b""),
        ];
        let hop = pick(&c2s(), &packets, false).expect("a hop");
        assert_eq!(hop.from.port(), 40000);
        assert_eq!(hop.bytes, 10);
        assert_eq!(hop.steps.len(), 2);
        assert_eq!(hop.steps[0].carries, Some(1..10));
        assert!(hop.steps[0].forward);
        assert!(
            hop.steps[0]
                .meaning
                .contains("all of them, in this one segment"),
            "{}",
            hop.steps[0].meaning
        );
        assert!(!hop.steps[1].forward);
        assert_eq!(hop.steps[1].acknowledges, Some(10));
        assert!(hop.is_acknowledged());
        assert_eq!(
            hop.steps[1].meaning,
            "a.example → alice: ACK 1010 = 1000 + 10: all 10 bytes arrived"
        );
    }

    #[test]
    fn a_stanza_in_two_segments_shows_both_pieces() {
        let packets = vec![
            packet(40000, 5222, 1000, 5000, b"<message>"),
            packet(5222, 40000, 5000, 1009, b""),
            packet(40000, 5222, 1009, 5000, b"</message>"),
        ];
        let hop = pick(&c2s(), &packets, false).expect("a hop");
        assert_eq!(hop.bytes, 19);
        assert_eq!(hop.steps[0].carries, Some(1..9));
        assert_eq!(hop.steps[2].carries, Some(10..19));
        assert!(hop.steps[2].meaning.contains("(bytes 10–19 of the 19)"));
        assert_eq!(hop.steps[1].acknowledges, Some(9));
        assert!(!hop.is_acknowledged());
    }

    #[test]
    fn a_server_to_client_hop_is_found_by_its_source_port() {
        let spec = HopSpec {
            kind: HopKind::ServerToClient,
            sender: "b.example".into(),
            receiver: "bob".into(),
            port: 5222,
            receiver_listens: false,
        };
        let packets = vec![
            packet(40000, 5222, 1, 2, b"<presence/>"),
            packet(5222, 40002, 70, 80, b"<message/>"),
            packet(40002, 5222, 80, 80, b""),
        ];
        let hop = pick(&spec, &packets, false).expect("a hop");
        assert_eq!(hop.to.port(), 40002);
        assert!(hop.steps[0].forward && !hop.steps[1].forward);
        assert!(hop.is_acknowledged());
        assert_eq!(pick(&spec, &packets[..1], false), None);
    }

    #[test]
    fn tls_records_are_followed_across_segments() {
        // Two records of 9 and 20 bytes (headers included).
        let mut stream = vec![23, 3, 3, 0, 4, 1, 2, 3, 4];
        stream.extend([23, 3, 3, 0, 15]);
        stream.extend([7; 15]);
        let records = spans(&stream);
        assert_eq!(records.len(), 2);
        assert_eq!(records[1].1, 9..29);
        assert_eq!(
            tls_share(&records, 0..9),
            "1 TLS record, type 23 (application data): a 5-byte header \
             anyone can read, then 4 bytes of ciphertext"
        );
        assert_eq!(
            tls_share(&records, 0..15),
            "2 TLS records starting, type 23 (application data), the last \
             going on in the next segment"
        );
        assert_eq!(
            tls_share(&records, 15..20),
            "more ciphertext of a TLS record begun earlier"
        );
        assert_eq!(
            tls_share(&records, 20..29),
            "the end of a TLS record begun earlier"
        );
        assert_eq!(spans(b"<message/>"), []);
        assert_eq!(tls_share(&[], 0..10), "TLS ciphertext");
    }

    #[test]
    fn a_tls_hop_describes_its_record() {
        let record = [23, 3, 3, 0, 3, 9, 9, 9];
        let packets = vec![
            packet(40000, 5222, 1000, 5000, &record),
            packet(5222, 40000, 5000, 1008, b""),
        ];
        let hop = pick(&c2s(), &packets, true).expect("a hop");
        let tls = hop.steps[0].tls.as_deref().expect("described");
        assert!(tls.starts_with("1 TLS record, type 23"), "{tls}");
        assert!(hop.steps[0].meaning.contains(tls));
        assert_eq!(hop.steps[1].tls, None);
    }

    #[test]
    fn acknowledgments_count_modulo_two_to_the_32() {
        assert_eq!(acknowledged(u32::MAX - 1, 3, 10), 5);
        assert_eq!(acknowledged(100, 110, 10), 10);
        assert_eq!(acknowledged(100, 99, 10), 0);
    }
}
