//! One TCP connection's segments, in order, with what each one means.
//!
//! A capture gives segments; a student wants the *story*: who opened, what
//! each sequence and acknowledgment number says, who closed first. This
//! file turns the dissected segments of one connection into [`Segment`]s
//! with relative sequence numbers (counted from each side's initial
//! sequence number, as Wireshark shows them) and a sentence explaining
//! each, following the rules of RFC 9293:
//!
//! - § 3.4: "the SYN is considered to occur before the first actual data
//!   octet of the segment in which it occurs", and likewise "the FIN is
//!   considered to occur after the last actual data octet": SYN and FIN
//!   each take one sequence number, which is why the answer to a SYN
//!   acknowledges ISN + 1.
//! - § 3.5: the three-way handshake.
//! - § 3.6: closing; the side that sends the first FIN ends in TIME-WAIT.
//!
//! Nothing here prints; `show::ladder` draws the result.
//! Book: `book/src/lesson-07.md`. Run: `netlab handshake`.

use std::net::SocketAddr;

use super::tcp::{Flags, Repr as Tcp, TcpOption};

/// Which way a segment went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From the side that sent the first SYN.
    ToServer,
    /// From the side that answered it.
    ToClient,
}

/// One segment of the connection, explained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Which way it went.
    pub direction: Direction,
    /// Its flags (`SYN`, `SYN,ACK`, `ACK`, `PSH,ACK`, `FIN,ACK` …).
    pub flags: Flags,
    /// Sequence number, relative to the sender's ISN.
    pub seq: u32,
    /// The sequence number as sent.
    pub seq_absolute: u32,
    /// Acknowledgment number relative to the receiver's ISN (when ACK set).
    pub ack: Option<u32>,
    /// The acknowledgment number as sent.
    pub ack_absolute: u32,
    /// Payload bytes.
    pub len: usize,
    /// The first bytes of the payload, for the ladder.
    pub data: Vec<u8>,
    /// The advertised window.
    pub window: u16,
    /// Options worth showing (the SYN's).
    pub options: Vec<TcpOption>,
    /// What this segment does, in a sentence.
    pub meaning: String,
}

/// Builds the story of the connection between `client` and `server` from
/// its TCP headers and payload lengths, in capture order. Segments of
/// other connections must already be filtered out.
pub fn explain(
    client: SocketAddr,
    server: SocketAddr,
    segments: &[(SocketAddr, Tcp, Vec<u8>)],
) -> Vec<Segment> {
    let mut client_isn = None;
    let mut server_isn = None;
    let mut first_fin: Option<Direction> = None;
    let mut fins = 0;
    let mut out = Vec::new();
    for (from, tcp, payload) in segments {
        let direction = if *from == client {
            Direction::ToServer
        } else if *from == server {
            Direction::ToClient
        } else {
            continue;
        };
        let syn = tcp.flags.contains(Flags::SYN);
        if syn {
            match direction {
                Direction::ToServer => client_isn = Some(tcp.seq),
                Direction::ToClient => server_isn = Some(tcp.seq),
            }
        }
        let (own, peer) = match direction {
            Direction::ToServer => (client_isn, server_isn),
            Direction::ToClient => (server_isn, client_isn),
        };
        let relative = |value: u32, isn: Option<u32>| {
            isn.map_or(value, |isn| value.wrapping_sub(isn))
        };
        let has_ack = tcp.flags.contains(Flags::ACK);
        let ack = has_ack.then(|| relative(tcp.ack, peer));
        let meaning = meaning(
            direction,
            tcp,
            payload.len(),
            &mut first_fin,
            &mut fins,
            peer,
        );
        out.push(Segment {
            direction,
            flags: tcp.flags,
            seq: relative(tcp.seq, own),
            seq_absolute: tcp.seq,
            ack,
            ack_absolute: tcp.ack,
            len: payload.len(),
            data: payload.iter().take(32).copied().collect(),
            window: tcp.window,
            options: if syn {
                tcp.options
                    .iter()
                    .filter(|o| {
                        !matches!(o, TcpOption::NoOp | TcpOption::EndOfList)
                    })
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            },
            meaning,
        });
    }
    out
}

fn who(direction: Direction) -> (&'static str, &'static str) {
    match direction {
        Direction::ToServer => ("client", "server"),
        Direction::ToClient => ("server", "client"),
    }
}

/// The sentence for one segment.
fn meaning(
    direction: Direction,
    tcp: &Tcp,
    len: usize,
    first_fin: &mut Option<Direction>,
    fins: &mut u32,
    peer_isn: Option<u32>,
) -> String {
    let (me, peer) = who(direction);
    let f = tcp.flags;
    if f.contains(Flags::RST) {
        return crate::tr!("flow-rst", me = me);
    }
    if f.contains(Flags::SYN) && !f.contains(Flags::ACK) {
        return crate::tr!("flow-syn", me = me, isn = tcp.seq);
    }
    if f.contains(Flags::SYN) {
        let expected = peer_isn.map(|i| i.wrapping_add(1));
        let check = if expected == Some(tcp.ack) {
            crate::tr!("flow-ack-is-isn", peer = peer, ack = tcp.ack)
        } else {
            crate::tr!("flow-ack-is", ack = tcp.ack)
        };
        return crate::tr!(
            "flow-syn-ack",
            me = me,
            isn = tcp.seq,
            check = check
        );
    }
    if f.contains(Flags::FIN) {
        *fins += 1;
        let order = if first_fin.is_none() {
            *first_fin = Some(direction);
            "first"
        } else {
            "second"
        };
        return crate::tr!("flow-fin", me = me, order = order, bytes = len);
    }
    if len > 0 {
        return crate::tr!("flow-data", me = me, peer = peer, bytes = len);
    }
    match (*fins, *first_fin) {
        (0, _) => {
            if tcp.ack > 0
                && peer_isn.is_some_and(|i| tcp.ack == i.wrapping_add(1))
            {
                crate::tr!("flow-ack-syn", me = me, peer = peer)
            } else {
                crate::tr!("flow-ack-data", me = me, peer = peer)
            }
        }
        (1, _) => crate::tr!("flow-ack-fin", me = me),
        (_, Some(first)) if first == direction => {
            crate::tr!("flow-ack-last-fin", me = me)
        }
        _ => crate::tr!("flow-ack-fin", me = me),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(flags: u8, seq: u32, ack: u32) -> Tcp {
        Tcp {
            src_port: 0,
            dst_port: 0,
            seq,
            ack,
            reserved: 0,
            flags: Flags(flags),
            window: 65535,
            checksum: 0,
            urgent: 0,
            options: vec![TcpOption::MaxSegmentSize(65495)],
        }
    }

    const SYN: u8 = 0x02;
    const ACK: u8 = 0x10;
    const FIN: u8 = 0x01;
    const PSH: u8 = 0x08;

    #[test]
    fn data_with_a_fin_says_both() {
        let (mut first, mut fins) = (None, 0);
        let text = meaning(
            Direction::ToServer,
            &seg(FIN | ACK | PSH, 1, 1),
            5,
            &mut first,
            &mut fins,
            None,
        );
        assert_eq!(
            text,
            "5 bytes and then FIN: the client will send no more (first \
             FIN; it takes one sequence number too)"
        );
    }

    #[test]
    fn tells_the_whole_story_of_a_connection() {
        let c: SocketAddr = "127.0.0.1:50000".parse().expect("addr");
        let s: SocketAddr = "127.0.0.1:7000".parse().expect("addr");
        let (ci, si) = (1000, 5000);
        let segments = vec![
            (c, seg(SYN, ci, 0), vec![]),
            (s, seg(SYN | ACK, si, ci + 1), vec![]),
            (c, seg(ACK, ci + 1, si + 1), vec![]),
            (c, seg(PSH | ACK, ci + 1, si + 1), b"hello\n".to_vec()),
            (s, seg(ACK, si + 1, ci + 7), vec![]),
            (c, seg(FIN | ACK, ci + 7, si + 1), vec![]),
            (s, seg(FIN | ACK, si + 1, ci + 8), vec![]),
            (c, seg(ACK, ci + 8, si + 2), vec![]),
        ];
        let story = explain(c, s, &segments);
        assert_eq!(story.len(), 8);
        assert_eq!(story[0].seq, 0);
        assert_eq!(story[0].options, [TcpOption::MaxSegmentSize(65495)]);
        assert!(
            story[0].meaning.contains("(ISN) 1000"),
            "{}",
            story[0].meaning
        );
        assert_eq!(story[1].ack, Some(1));
        assert!(
            story[1].meaning.contains("ISN + 1 = 1001"),
            "{}",
            story[1].meaning
        );
        assert!(story[2].meaning.contains("handshake is complete"));
        assert_eq!(story[3].len, 6);
        assert_eq!(story[4].ack, Some(7));
        assert!(story[5].meaning.contains("first FIN"));
        assert!(story[6].meaning.contains("second FIN"));
        assert!(
            story[7].meaning.contains("TIME_WAIT"),
            "{}",
            story[7].meaning
        );
        assert_eq!(story[7].direction, Direction::ToServer);
    }

    #[test]
    fn other_connections_are_ignored() {
        let c: SocketAddr = "127.0.0.1:50000".parse().expect("addr");
        let s: SocketAddr = "127.0.0.1:7000".parse().expect("addr");
        let other: SocketAddr = "127.0.0.1:1".parse().expect("addr");
        let story = explain(c, s, &[(other, seg(SYN, 1, 0), vec![])]);
        assert!(story.is_empty());
    }
}
