//! The switch at work: its forwarding table before and after two hosts
//! talk, and what a third host's cable carried meanwhile.
//!
//! In the switched lab ([`super::switch_lab`]) host a sends one UDP
//! datagram to host b and b answers. Before a can send, it must learn b's
//! MAC address, so it broadcasts an ARP request ("who has 198.18.3.2?",
//! [RFC 826]), and b answers it directly. Four frames, and the bridge
//! learns from each the port its *source* address lives behind:
//!
//! 1. ARP request, a → everyone: unknown destination (broadcast), so the
//!    bridge floods it to b *and* c; it learns a is behind `sw-a`.
//! 2. ARP reply, b → a: a is known, so it goes out of `sw-a` only; the
//!    bridge learns b is behind `sw-b`.
//! 3. and 4. the datagram and its answer: both addresses known, each frame
//!    leaves by one port.
//!
//! So host c's cable carries one frame, the broadcast, and none of the
//! unicast frames between a and b. A hub would have repeated all four to c.
//! Host c's capture is promiscuous, like a sniffer's: it would keep frames
//! for other MAC addresses if any arrived, so seeing none of them is the
//! switch's doing, not c's network card's.
//!
//! The table is read with `bridge fdb show … dynamic` (see
//! [`super::switch_lab::fdb_query`]), before and after.
//!
//! Nothing here prints; `show::osi_live` renders a [`Talk`].
//!
//! Read before: [`super::switch_lab`]. Book: `book/src/lesson-07.md`.
//! Run: `sudo netlab lesson 7`.
//!
//! [RFC 826]: https://datatracker.ietf.org/doc/html/rfc826

use std::net::UdpSocket;
use std::time::Instant;

use anyhow::{Context, bail};

use super::across_router::{PATIENCE, mac_in, open_in};
use super::lab::in_namespace;
use super::switch_lab::{self, HOST_A, HOST_B, HOST_C};
use super::topology;
use crate::capture::Frame;
use crate::capture::live::Capture;

/// What a sends to b, and b answers.
pub const QUESTION: &[u8] = b"hi b";
/// b's answer.
pub const ANSWER: &[u8] = b"hi a";

/// One line of the forwarding table: a MAC address and the bridge port it
/// was learned on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Learned {
    /// The MAC address, as `bridge` prints it.
    pub mac: String,
    /// The port it lives behind: `sw-a`, `sw-b` or `sw-c`.
    pub port: String,
}

/// What the switch learned, and what b's and c's cables carried.
#[derive(Debug, Clone)]
pub struct Talk {
    /// The table query, as a shell line.
    pub query: String,
    /// The learned entries before anyone talked.
    pub learned_before: Vec<Learned>,
    /// The learned entries after a and b talked.
    pub learned_after: Vec<Learned>,
    /// Host a's MAC address.
    pub mac_a: String,
    /// Host b's MAC address.
    pub mac_b: String,
    /// Host c's MAC address.
    pub mac_c: String,
    /// Every frame b's cable carried, both directions, in order.
    pub at_b: Vec<Frame>,
    /// Every frame c's cable carried.
    pub at_c: Vec<Frame>,
    /// How many of `at_b` were addressed to one MAC (not broadcast).
    pub b_saw_unicast: usize,
    /// How many of `at_c` were addressed to one MAC (not broadcast).
    pub c_saw_unicast: usize,
}

/// Reads the table, lets a and b talk while b and c capture, reads the
/// table again. The switched lab must be up.
pub fn talk() -> anyhow::Result<Talk> {
    let query = switch_lab::fdb_query();
    let learned_before = parse_fdb(&topology::query(&query)?);

    let mut at_b = open_in(&HOST_B, HOST_B.iface, None, false)?;
    let mut at_c = open_in(&HOST_C, HOST_C.iface, None, true)?;

    exchange()?;

    let at_b = drain(&mut at_b)?;
    let at_c = drain(&mut at_c)?;
    let learned_after = parse_fdb(&topology::query(&query)?);

    Ok(Talk {
        query: topology::shell_line(&query),
        learned_before,
        learned_after,
        mac_a: mac_in(&HOST_A, HOST_A.iface)?,
        mac_b: mac_in(&HOST_B, HOST_B.iface)?,
        mac_c: mac_in(&HOST_C, HOST_C.iface)?,
        b_saw_unicast: at_b.iter().filter(|f| is_unicast(&f.data)).count(),
        c_saw_unicast: at_c.iter().filter(|f| is_unicast(&f.data)).count(),
        at_b,
        at_c,
    })
}

/// a sends [`QUESTION`] to b, b answers with [`ANSWER`].
fn exchange() -> anyhow::Result<()> {
    let b = in_namespace(&HOST_B, || UdpSocket::bind((HOST_B.addr, 0)))?
        .context("binding in host b")?;
    b.set_read_timeout(Some(PATIENCE))?;
    let b_addr = b.local_addr()?;
    let a = in_namespace(&HOST_A, || -> std::io::Result<UdpSocket> {
        let a = UdpSocket::bind((HOST_A.addr, 0))?;
        a.send_to(QUESTION, b_addr)?;
        Ok(a)
    })?
    .context("sending from host a")?;
    a.set_read_timeout(Some(PATIENCE))?;

    let mut buf = [0; 16];
    let (_, from) = b.recv_from(&mut buf).context("waiting in host b")?;
    b.send_to(ANSWER, from)?;
    let len = a.recv(&mut buf).context("waiting for b's answer in a")?;
    if &buf[..len] != ANSWER {
        bail!("host a received {len} bytes that are not b's answer");
    }
    Ok(())
}

/// Every frame the capture holds, until it has been quiet for one read
/// timeout (100 ms): the exchange is over by the time we read.
fn drain(capture: &mut Capture) -> anyhow::Result<Vec<Frame>> {
    let deadline = Instant::now() + PATIENCE;
    let mut frames = Vec::new();
    while Instant::now() < deadline {
        match capture.next()? {
            Some(frame) => frames.push(frame),
            None => break,
        }
    }
    Ok(frames)
}

/// Whether an Ethernet frame is addressed to one station: the lowest bit
/// of the destination's first byte is the group bit, set for broadcast and
/// multicast ([IEEE 802-2014 § 8.2]).
///
/// [IEEE 802-2014 § 8.2]: https://standards.ieee.org/ieee/802/5470/
pub fn is_unicast(frame: &[u8]) -> bool {
    frame.first().is_some_and(|first| first & 1 == 0)
}

/// The learned entries in `bridge fdb show … dynamic`'s output, whose lines
/// read `MAC dev PORT master br0` (and more words after, on some kernels).
pub fn parse_fdb(printed: &str) -> Vec<Learned> {
    printed
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            let mac = words.next()?;
            let port = words.skip_while(|w| *w != "dev").nth(1)?;
            Some(Learned {
                mac: mac.to_owned(),
                port: port.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fdb_lines_give_mac_and_port() {
        let printed = "aa:72:67:a3:75:17 dev sw-a master br0 \n\
                       0e:11:22:33:44:55 dev sw-b vlan 1 master br0\n\
                       \n";
        assert_eq!(
            parse_fdb(printed),
            [
                Learned {
                    mac: "aa:72:67:a3:75:17".into(),
                    port: "sw-a".into()
                },
                Learned {
                    mac: "0e:11:22:33:44:55".into(),
                    port: "sw-b".into()
                },
            ]
        );
        assert!(parse_fdb("").is_empty());
        assert!(parse_fdb("garbage").is_empty());
    }

    #[test]
    fn the_group_bit_marks_broadcast() {
        assert!(!is_unicast(&[0xff; 14]));
        assert!(!is_unicast(&[0x01, 0x00, 0x5e, 0, 0, 1]));
        assert!(is_unicast(&[0x02, 0, 0, 0, 0, 1]));
        assert!(!is_unicast(&[]));
    }
}
