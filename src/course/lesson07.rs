//! Lesson 7's live demo: the OSI model, read off a frame captured a moment
//! ago on this machine.
//!
//! The first step opens an XMPP-like conversation on loopback while
//! capturing it (the same recorder as `netlab handshake`), then picks the
//! frame that carried the client's stream opening; the later steps show
//! that one frame as a layer tree, a coloured hex dump, an encapsulation
//! diagram, and against the OSI and TCP/IP models, with the name each
//! layer gives its unit of data (PDU).
//!
//! Two steps leave loopback for networks of namespaces the lesson builds
//! and removes again: `router` sends a datagram between two subnets and
//! captures it on both sides of the router
//! ([`crate::transport::across_router`]); `switch` lets two of three hosts
//! on a bridge talk and reads what the bridge learned
//! ([`crate::transport::switch_learning`]). They need root; without it they
//! print the exact `sudo` line and then a run recorded on the author's
//! machine (`lessons/recorded/`), labelled as recorded.
//!
//! Without CAP_NET_RAW the capture is impossible; the step says how to
//! grant it and, so that the rest of the lesson still has real bytes to
//! read, builds the same frame with netlab's own encoders (`wire::*::emit`)
//! and says so.
//!
//! Book: `book/src/lesson-07.md`. Run: `netlab lesson 7`.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

use anyhow::bail;

use super::{Demo, worked};
use crate::capture::interfaces;
use crate::capture::live;
use crate::capture::privileges;
use crate::lang::Lang;
use crate::lang::catalogue::text_in;
use crate::show::{self, fold, osi_live, packet, style, table, width, wrap};
use crate::tools::dissect::link_of;
use crate::tools::handshake::record_exchange;
use crate::transport::lab;
use crate::transport::{
    across_router, routed_lab, switch_lab, switch_learning,
};
use crate::wire::dissect::{Dissection, Header, Link, dissect};
use crate::wire::ethernet::{self, EtherType, MacAddr};
use crate::wire::ipv4::{self, IpProtocol};
use crate::wire::tcp::{self, Flags, TcpOption};

/// The first thing an XMPP client sends (RFC 6120 § 4.2).
pub const STREAM_OPEN: &[u8] = b"<?xml version='1.0'?><stream:stream \
to='localhost' version='1.0' xmlns='jabber:client' \
xmlns:stream='http://etherx.jabber.org/streams'>";

/// The server's answer: its own stream header.
pub const STREAM_REPLY: &[u8] = b"<?xml version='1.0'?><stream:stream \
from='localhost' id='netlab-lesson-7' version='1.0' xmlns='jabber:client' \
xmlns:stream='http://etherx.jabber.org/streams'>";

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(OsiDemo {
        frame: None,
        seen: Seen::default(),
    })
}

/// The frame every step after the first looks at.
struct Chosen {
    bytes: Vec<u8>,
    link: Link,
    captured: bool,
}

struct OsiDemo {
    frame: Option<Chosen>,
    seen: Seen,
}

/// What the steps showed, kept for the worked answers.
#[derive(Default)]
struct Seen {
    /// How many frames the capture step listed (0: the frame was built).
    frames: usize,
    /// The client's SYN: its frame number and TCP options.
    syn: Option<(usize, Vec<TcpOption>)>,
    /// The raw window of the chosen (later) segment.
    later_window: Option<u16>,
    /// What the router and switch steps printed, live or recorded: the
    /// answers read their numbers from it, so that they quote exactly what
    /// the student saw either way.
    router: String,
    switch: String,
}

impl Demo for OsiDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "capture",
            "layers",
            "pdus",
            "hexdump",
            "encapsulation",
            "loopback",
            "router",
            "switch",
            "models",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        match step {
            "capture" => return self.capture(),
            "router" => {
                self.seen.router = in_a_lab(router_live, RECORDED_ROUTER);
                return Ok(self.seen.router.clone());
            }
            "switch" => {
                self.seen.switch = in_a_lab(switch_live, RECORDED_SWITCH);
                return Ok(self.seen.switch.clone());
            }
            _ => {}
        }
        let Some(chosen) = &self.frame else {
            bail!("lesson 7 runs `capture` before `{step}`");
        };
        let d = dissect(&chosen.bytes, chosen.link, chosen.bytes.len());
        Ok(match step {
            "layers" => packet::tree(&d),
            "pdus" => osi_live::pdus(&d),
            "hexdump" => packet::hex_dump(&d, &chosen.bytes),
            "encapsulation" => packet::encapsulation(&d),
            "loopback" => loopback(&d, chosen.captured),
            "models" => models(&d),
            other => bail!("lesson 7 has no demo step `{other}`"),
        })
    }

    fn answers(&self) -> Option<Vec<String>> {
        let d = self
            .frame
            .as_ref()
            .map(|c| dissect(&c.bytes, c.link, c.bytes.len()));
        Some(vec![
            answer_fields(d.as_ref()),
            answer_header_share(d.as_ref()),
            self.answer_syn(),
            self.answer_tshark(),
            answer_ttl(&self.seen.router),
            answer_next_hop(&self.seen.router),
            answer_learning(&self.seen.switch),
        ])
    }
}

// ANCHOR: answers
/// Exercise 1: the two fields that pick the next reader of the bytes.
fn answer_fields(d: Option<&Dissection>) -> String {
    let ip = match d.and_then(|d| d.find(crate::wire::Layer::Ipv4)) {
        Some(Header::Ipv4(ip)) => ip,
        _ => return crate::tr!("answer-07-no-ipv4"),
    };
    let Some(t) = d.and_then(tcp_of) else {
        return crate::tr!("answer-07-no-tcp");
    };
    crate::tr!(
        "answer-07-fields",
        protocol = ip.protocol.to_string(),
        dst = t.dst_port,
        src = t.src_port
    )
}

/// Exercise 2: headers against data, in this frame and for one character.
fn answer_header_share(d: Option<&Dissection>) -> String {
    let Some(d) = d else {
        return crate::tr!("answer-07-no-frame");
    };
    let data: usize = d
        .layers
        .iter()
        .filter(|l| packet::osi_of(l.header.layer()) == 7)
        .map(|l| l.bytes.len())
        .sum();
    let total: usize = d.layers.iter().map(|l| l.bytes.len()).sum();
    let headers = total - data;
    let share = |part: usize, of: usize| {
        format!("{:.0}%", 100.0 * part as f64 / of.max(1) as f64)
    };
    crate::tr!(
        "answer-07-header-share",
        headers = headers,
        total = total,
        share = share(headers, total),
        data = data,
        one = headers + 1,
        oneshare = share(headers, headers + 1)
    )
}

impl OsiDemo {
    /// Exercise 3: the SYN's options, from the capture step.
    fn answer_syn(&self) -> String {
        let why = crate::tr!("answer-07-syn-why");
        let Some((number, options)) = &self.seen.syn else {
            return worked::sentences(&[crate::tr!("answer-07-no-syn"), why]);
        };
        let mss = options.iter().find_map(|o| match o {
            TcpOption::MaxSegmentSize(m) => Some(*m),
            _ => None,
        });
        let shown: Vec<String> = options
            .iter()
            .filter(|o| !matches!(o, TcpOption::NoOp))
            .map(|o| o.to_string())
            .collect();
        let mut text = vec![crate::tr!(
            "answer-07-syn",
            number = *number,
            options = worked::comma_list(&worked::code(&shown))
        )];
        if let Some(mss) = mss {
            let packet = u32::from(mss) + 40;
            let limit = if packet == 65_535 {
                crate::tr!("answer-07-mss-largest")
            } else {
                crate::tr!("answer-07-mss-mtu")
            };
            text.push(crate::tr!(
                "answer-07-mss",
                mss = mss,
                packet = packet,
                limit = limit
            ));
        }
        text.push(why);
        worked::sentences(&text)
    }

    /// Exercise 4: netlab's summary against tshark's.
    fn answer_tshark(&self) -> String {
        let ours = if self.seen.frames > 0 {
            crate::tr!("answer-07-frames", frames = self.seen.frames)
        } else {
            crate::tr!("answer-07-no-capture")
        };
        worked::sentences(&[ours, crate::tr!("answer-07-tshark")])
    }
}

/// The words of the first line of `printed` that starts with `label`,
/// after the label: the router step's table rows. The answers read the
/// step's printed output so that a live run and the recording, which
/// have the same shape, are answered the same way.
fn row<'a>(printed: &'a str, label: &str) -> Vec<&'a str> {
    printed
        .lines()
        .find_map(|l| l.strip_prefix(label))
        .map(|rest| rest.split_whitespace().collect())
        .unwrap_or_default()
}

/// An answer from a lab step's output, said to come from the recording
/// when that is what the step showed.
fn from(printed: &str, answer: String) -> String {
    if printed.contains(&crate::tr!("osi-recorded-run")) {
        worked::sentences(&[crate::tr!("answer-07-recorded"), answer])
    } else {
        answer
    }
}

/// The first of `labels` that starts a row of `printed`, and that row's
/// words: the step's own words (a live run speaks the course's
/// language), else the recording's, which is English.
fn row_of<'a>(printed: &'a str, labels: &[String]) -> Vec<&'a str> {
    labels
        .iter()
        .map(|label| row(printed, label))
        .find(|words| !words.is_empty())
        .unwrap_or_default()
}

/// `ours`, the message `id` in the course's language, and the same in
/// English, the recording's language.
fn both(ours: String, id: &str) -> [String; 2] {
    [ours, text_in(Lang::En, id, &[])]
}

/// Exercise 5: the TTL before and after the router.
fn answer_ttl(printed: &str) -> String {
    let ttl = row(printed, osi_live::TTL_ROW);
    let [before, after, ..] = ttl[..] else {
        return crate::tr!("answer-07-no-ttl");
    };
    let hops = before.parse::<u32>().unwrap_or(64);
    from(
        printed,
        crate::tr!(
            "answer-07-ttl",
            before = before,
            after = after,
            chosen = hops
        ),
    )
}

/// Exercise 6: the next hop's MAC address.
fn answer_next_hop(printed: &str) -> String {
    let dest = row_of(
        printed,
        &both(crate::tr!("osi-field-eth-dst"), "osi-field-eth-dst"),
    );
    let one_link = both(crate::tr!("osi-one-link"), "osi-one-link");
    let links: Vec<Vec<&str>> = printed
        .lines()
        .filter_map(|l| {
            one_link.iter().find_map(|p| l.strip_prefix(p.as_str()))
        })
        .map(|l| l.split_whitespace().collect())
        .collect();
    let (Some(first), Some(mac_b)) =
        (dest.first(), links.get(1).and_then(|l| l.last()))
    else {
        return crate::tr!("answer-07-no-links");
    };
    from(
        printed,
        crate::tr!("answer-07-next-hop", dest = *first, macb = *mac_b),
    )
}

/// Exercise 7: what the bridge learned, and from which frames.
fn answer_learning(printed: &str) -> String {
    let after = printed.rsplit_once("fdb show").map_or("", |(_, a)| a);
    // An entry is `MAC  port P   (host H, learned)`, in the words of the
    // run: a line that starts with a MAC address.
    let is_mac = |w: &str| {
        w.chars().count() == 17
            && w.chars().all(|c| c == ':' || c.is_ascii_hexdigit())
    };
    let learned: Vec<String> = after
        .lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            match w[..] {
                [mac, _, port, _, host, ..] if is_mac(mac) => Some(crate::tr!(
                    "answer-07-entry",
                    mac = mac,
                    port = port,
                    // `a,` in English, `a，学到的）` in Chinese.
                    host = host.trim_end_matches(|c: char| {
                        !c.is_ascii_alphanumeric()
                    })
                )),
                _ => None,
            }
        })
        .collect();
    let count = learned.len();
    let Some(entries) = learned.into_iter().reduce(|first, next| {
        crate::tr!("answer-07-entry-next", first = first, next = next)
    }) else {
        return crate::tr!("answer-07-no-table");
    };
    from(
        printed,
        crate::tr!("answer-07-learning", count = count, entries = entries),
    )
}
// ANCHOR_END: answers

impl OsiDemo {
    fn capture(&mut self) -> anyhow::Result<String> {
        let recording = match record_exchange(0, STREAM_OPEN, STREAM_REPLY) {
            Ok(r) => r,
            Err(e) => {
                let Some(live::Error::NeedsCapNetRaw { .. }) =
                    e.downcast_ref::<live::Error>()
                else {
                    return Err(e);
                };
                self.frame = Some(Chosen {
                    bytes: built_frame(STREAM_OPEN)?,
                    link: Link::Ethernet,
                    captured: false,
                });
                let missing = show::privileges::missing(&e)
                    .unwrap_or_else(|| e.to_string());
                return Ok(format!(
                    "{}\n{}\n",
                    style::error(&missing),
                    wrap(&crate::tr!("osi-built-instead"), width::current(), 0)
                ));
            }
        };
        let mut out = crate::tr!(
            "osi-captured",
            client = recording.client.to_string(),
            server = recording.server.to_string(),
            frames = recording.frames.len()
        ) + "\n";
        let mut chosen = None;
        for (i, frame) in recording.frames.iter().enumerate() {
            let d =
                dissect(&frame.data, link_of(frame.linktype), frame.data.len());
            let carries_open = d.layers.iter().any(|l| {
                matches!(&l.header, Header::Xmpp(p) if p.element == "stream:stream")
            }) && from_client(&d, recording.client.port());
            let line = format!(
                "{:>3} {}{}",
                i + 1,
                packet::summary(&d),
                if carries_open && chosen.is_none() {
                    format!("   {}", crate::tr!("osi-this-one"))
                } else {
                    String::new()
                }
            );
            let _ = writeln!(out, "{}", fold(&line, width::current(), 6));
            if carries_open && chosen.is_none() {
                chosen = Some(frame.data.clone());
                self.seen.later_window = tcp_of(&d).map(|t| t.window);
            }
            if self.seen.syn.is_none()
                && let Some(t) = tcp_of(&d)
                && t.flags.contains(Flags::SYN)
                && !t.flags.contains(Flags::ACK)
            {
                self.seen.syn = Some((i + 1, t.options.clone()));
            }
        }
        self.seen.frames = recording.frames.len();
        if let Some((number, options)) = &self.seen.syn {
            out.push('\n');
            out.push_str(&osi_live::syn_options(
                *number,
                options,
                self.seen.later_window,
            ));
        }
        let Some(bytes) = chosen else {
            bail!("the capture did not contain the client's stream opening");
        };
        self.frame = Some(Chosen {
            bytes,
            link: Link::Ethernet,
            captured: true,
        });
        Ok(out)
    }
}

/// The router step as recorded on the author's machine, shown without root.
pub const RECORDED_ROUTER: &str =
    include_str!("../../lessons/recorded/07-router.txt");
/// The switch step as recorded on the author's machine.
pub const RECORDED_SWITCH: &str =
    include_str!("../../lessons/recorded/07-switch.txt");

/// Runs a lab step live, or, without the right to build namespaces, says
/// how to get it and shows the recorded run instead.
fn in_a_lab(live: fn() -> anyhow::Result<String>, recorded: &str) -> String {
    match live() {
        Ok(out) => out,
        Err(e) => {
            let why = match e.downcast_ref::<lab::Error>() {
                Some(lab::Error::NeedsCapNetAdmin { .. }) => {
                    crate::tr!("osi-lab-needs-root")
                }
                _ => crate::tr!("osi-lab-failed"),
            };
            let missing =
                show::privileges::missing(&e).unwrap_or_else(|| e.to_string());
            format!(
                "{}\n{}\n{}\n{}{}\n",
                style::error(&show::wrap_commands(
                    &missing,
                    width::current(),
                    0
                )),
                wrap(&crate::tr!("osi-recorded-below", why = why), 78, 0),
                style::dim(&format!(
                    "──── {} ────",
                    crate::tr!("osi-recorded-run")
                )),
                recorded,
                style::dim(&format!(
                    "──── {} ────",
                    crate::tr!("osi-recorded-end")
                )),
            )
        }
    }
}

/// What a live step keeps while it sends, captures and dissects:
/// CAP_SYS_ADMIN for setns(2) into the lab, CAP_NET_RAW for the packet
/// socket; not CAP_NET_ADMIN, nor root's other powers.
const STEP_NEEDS: &[caps::Capability] = &[
    caps::Capability::CAP_SYS_ADMIN,
    caps::Capability::CAP_NET_RAW,
];

/// The router step, live: build the routed lab (commands shown), send one
/// datagram across, capture it on both sides, remove the lab.
pub fn router_live() -> anyhow::Result<String> {
    let mut shown = String::new();
    let guard = routed_lab::up(&mut |line| {
        let _ = writeln!(shown, "{}", style::command(line));
    })?;
    // Sending, capturing and dissecting need only to enter the lab and
    // to open a capture socket there; this thread keeps the rest to take
    // the lab down (capture/privileges.rs).
    // (On an error the guard takes the lab down as it is dropped.)
    let crossing = privileges::with_only(STEP_NEEDS, || {
        across_router::cross().map(|c| osi_live::crossing(&c))
    })?;
    let mut out = shown;
    out.push_str(&crossing);
    guard.down(&mut |line| {
        let _ = writeln!(out, "{}", style::command(line));
    })?;
    Ok(out)
}

/// The switch step, live: build the switched lab, read the bridge's table,
/// let a and b talk while b and c capture, read the table again, remove
/// the lab.
pub fn switch_live() -> anyhow::Result<String> {
    let mut shown = String::new();
    let guard = switch_lab::up(&mut |line| {
        let _ = writeln!(shown, "{}", style::command(line));
    })?;
    let talk = privileges::with_only(STEP_NEEDS, || {
        switch_learning::talk().map(|t| osi_live::switch(&t))
    })?;
    let mut out = shown;
    out.push('\n');
    out.push_str(&talk);
    guard.down(&mut |line| {
        let _ = writeln!(out, "{}", style::command(line));
    })?;
    Ok(out)
}

/// The TCP header of a dissected frame, if it has one.
fn tcp_of(d: &Dissection) -> Option<&tcp::Repr> {
    match d.find(crate::wire::Layer::Tcp) {
        Some(Header::Tcp(t, _)) => Some(t),
        _ => None,
    }
}

fn from_client(d: &Dissection, client_port: u16) -> bool {
    d.layers.iter().any(
        |l| matches!(&l.header, Header::Tcp(t, _) if t.src_port == client_port),
    )
}

/// The stream-opening frame as Linux would build it on `lo`, from our own
/// encoders: used only when capturing is not allowed.
fn built_frame(payload: &[u8]) -> anyhow::Result<Vec<u8>> {
    let lo = Ipv4Addr::LOCALHOST;
    let tcp = tcp::Repr {
        src_port: 49152,
        dst_port: 5222,
        seq: 1,
        ack: 1,
        reserved: 0,
        flags: Flags(0x18), // PSH, ACK
        window: 512,
        checksum: 0,
        urgent: 0,
        options: Vec::new(),
    };
    let tcp_len = tcp.header_len() + payload.len();
    let ip = ipv4::Repr {
        dscp: 0,
        ecn: 0,
        identification: 1,
        reserved_flag: false,
        dont_fragment: true,
        more_fragments: false,
        fragment_offset: 0,
        ttl: 64,
        protocol: IpProtocol::Tcp,
        checksum: 0,
        checksum_ok: true,
        src: lo,
        dst: lo,
        options: Vec::new(),
        payload_len: tcp_len,
    };
    let eth = ethernet::Repr {
        dst: MacAddr([0; 6]),
        src: MacAddr([0; 6]),
        tags: Vec::new(),
        ethertype: EtherType::Ipv4,
    };
    let (l2, l3) = (eth.header_len(), ip.header_len());
    let mut frame = vec![0u8; l2 + l3 + tcp_len];
    eth.emit(&mut frame)?;
    ip.emit(&mut frame[l2..])?;
    let segment = &mut frame[l2 + l3..];
    segment[tcp.header_len()..].copy_from_slice(payload);
    tcp.emit(segment, IpAddr::V4(lo), IpAddr::V4(lo))?;
    Ok(frame)
}

fn loopback(d: &Dissection, captured: bool) -> String {
    let mut out = String::new();
    if let Some(lo) = interfaces::list().into_iter().find(|i| i.loopback) {
        let _ = writeln!(
            out,
            "{}",
            crate::tr!(
                "osi-lo-interface",
                name = lo.name,
                mac = lo.mac.unwrap_or_else(|| crate::tr!("osi-none")),
                mtu = lo.mtu.map_or("?".into(), |m| m.to_string())
            )
        );
    }
    if let Some(Header::Ethernet(eth)) = d.find(crate::wire::Layer::Ethernet) {
        let (dst, src, kind) = (
            eth.dst.to_string(),
            eth.src.to_string(),
            eth.ethertype.to_string(),
        );
        let line = if captured {
            crate::tr!("osi-lo-captured", dst = dst, src = src, kind = kind)
        } else {
            crate::tr!("osi-lo-built", dst = dst, src = src, kind = kind)
        };
        let _ = writeln!(out, "{}", wrap(&line, width::current(), 2));
    }
    out.push_str(&wrap(&crate::tr!("osi-lo-physical"), width::current(), 2));
    out.push('\n');
    out
}

/// The seven OSI layers against the four of TCP/IP, and what of each is in
/// this frame.
fn models(d: &Dissection) -> String {
    let bytes_of = |osi: u8| -> Vec<String> {
        d.layers
            .iter()
            .filter(|l| packet::osi_of(l.header.layer()) == osi)
            .map(|l| {
                crate::tr!(
                    "osi-bytes-of",
                    title = packet::title_of(&l.header),
                    bytes = l.bytes.len()
                )
            })
            .collect()
    };
    let mut rows = Vec::new();
    for osi in (1..=7u8).rev() {
        let here = bytes_of(osi);
        let seen = match osi {
            7 if !here.is_empty() => here.join(", "),
            6 => crate::tr!("osi-no-presentation"),
            5 => crate::tr!("osi-no-session"),
            1 => crate::tr!("osi-no-wire"),
            _ if here.is_empty() => "-".into(),
            _ => here.join(", "),
        };
        rows.push([
            osi.to_string(),
            osi_live::layer_name(osi),
            osi_live::tcpip_name(osi),
            seen,
        ]);
    }
    let mut records = vec![vec![
        crate::tr!("osi-col-osi"),
        crate::tr!("osi-col-name"),
        crate::tr!("osi-col-tcpip"),
        crate::tr!("osi-col-here"),
    ]];
    records.extend(rows.into_iter().map(|row| row.to_vec()));
    format!("{}\n", table::fit_records(records, width::current()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Layer;

    #[test]
    fn the_built_frame_dissects_to_xmpp() {
        let frame = built_frame(STREAM_OPEN).expect("emits");
        let d = dissect(&frame, Link::Ethernet, frame.len());
        assert_eq!(d.problem, None);
        let layers: Vec<Layer> =
            d.layers.iter().map(|l| l.header.layer()).collect();
        assert_eq!(
            layers,
            [Layer::Ethernet, Layer::Ipv4, Layer::Tcp, Layer::Xmpp]
        );
        assert!(matches!(
            d.find(Layer::Tcp),
            Some(Header::Tcp(_, crate::wire::dissect::Checksum::Good))
        ));
    }

    #[test]
    fn pdus_name_the_unit_of_each_layer_in_80_columns() {
        let frame = built_frame(STREAM_OPEN).expect("emits");
        let d = dissect(&frame, Link::Ethernet, frame.len());
        let text = osi_live::pdus(&d);
        for unit in ["bits", "frame", "packet", "segment", "message"] {
            assert!(text.contains(unit), "{unit}: {text}");
        }
        assert!(text.contains("报文段"), "{text}");
        for line in text.lines() {
            // Each CJK character takes two columns.
            let columns: usize = line
                .chars()
                .map(|c| if c > '\u{2e80}' { 2 } else { 1 })
                .sum();
            assert!(columns <= 80, "{line}");
        }
    }

    #[test]
    fn the_recordings_are_labelled_and_fit() {
        for recorded in [RECORDED_ROUTER, RECORDED_SWITCH] {
            assert!(recorded.starts_with("# ip netns add"), "{recorded}");
            assert!(recorded.lines().all(|l| l.chars().count() <= 80));
        }
        assert!(RECORDED_ROUTER.contains("one less"));
        assert!(RECORDED_SWITCH.contains("(host a, learned)"));
    }

    /// What the lab steps print without root: the recording, labelled.
    fn shown_recorded(recorded: &str) -> String {
        format!("error\n── recorded run ──\n{recorded}── end ──\n")
    }

    #[test]
    fn lab_answers_quote_the_recording_and_say_so() {
        let router = shown_recorded(RECORDED_ROUTER);
        let next_hop = answer_next_hop(&router);
        let dest = row(RECORDED_ROUTER, "Ethernet dest.");
        assert!(next_hop.contains(dest[0]), "{next_hop}");
        assert!(next_hop.contains("from the recording"), "{next_hop}");
        let ttl = answer_ttl(&router);
        assert!(ttl.contains("TTL 64") && ttl.contains("TTL 63"), "{ttl}");
        // A live run is not called a recording.
        assert!(!answer_ttl(RECORDED_ROUTER).contains("recording"));

        let learned = answer_learning(&shown_recorded(RECORDED_SWITCH));
        assert!(learned.contains("gained 2 entries"), "{learned}");
        assert!(learned.contains("port sw-a (host a)"), "{learned}");
    }

    #[test]
    fn frame_answers_quote_the_frame_the_steps_showed() {
        let frame = built_frame(STREAM_OPEN).expect("emits");
        let d = dissect(&frame, Link::Ethernet, frame.len());
        let shown = packet::encapsulation(&d);
        let share = answer_header_share(Some(&d));
        // 14 + 20 + 20 bytes of headers, as the encapsulation step says.
        assert!(shown.contains("54 of"), "{shown}");
        assert!(share.contains("54 bytes of headers"), "{share}");
        assert!(share.contains(&format!("{}-byte frame", frame.len())));
        let fields = answer_fields(Some(&d));
        assert!(fields.contains("`destination_port: 5222`"), "{fields}");
        assert!(fields.contains("TCP (6)"), "{fields}");
    }

    #[test]
    fn models_table_names_all_seven_layers() {
        let frame = built_frame(STREAM_OPEN).expect("emits");
        let d = dissect(&frame, Link::Ethernet, frame.len());
        let text = models(&d);
        for name in [
            "physical",
            "data link",
            "network",
            "transport",
            "session",
            "presentation",
            "application",
        ] {
            assert!(text.contains(name), "{text}");
        }
        assert!(text.contains("XMPP ("), "{text}");
    }

    fn fits(text: &str) {
        for line in text.lines() {
            assert!(width::of(line) <= 80, "{}: {line}", width::of(line));
        }
    }

    #[test]
    fn lab_answers_read_a_live_run_in_either_language() {
        use crate::lang::testing::speaking;
        use crate::show::osi_live::fixtures;
        for lang in [Lang::En, Lang::Zh] {
            speaking(lang, || {
                let router = osi_live::crossing(&fixtures::crossing());
                let ttl = answer_ttl(&router);
                assert!(ttl.contains("64") && ttl.contains("63"), "{ttl}");
                let next = answer_next_hop(&router);
                assert!(next.contains(fixtures::MAC_R0), "{next}");
                assert!(next.contains(fixtures::MAC_B), "{next}");
                let switch = osi_live::switch(&fixtures::talk());
                let learned = answer_learning(&switch);
                assert!(learned.contains("sw-b"), "{learned}");
                assert!(!learned.contains("学到的"), "{learned}");
                assert!(!learned.contains("recording"), "{learned}");
            });
        }
    }

    #[test]
    fn without_root_the_lab_steps_say_so_in_chinese_and_show_the_recording() {
        use crate::lang::testing::speaking;
        colored::control::set_override(false);
        let denied = || -> anyhow::Result<String> {
            Err(lab::Error::NeedsCapNetAdmin {
                program: "/usr/local/bin/netlab lesson 7 --lang zh".into(),
            }
            .into())
        };
        let shown = speaking(Lang::Zh, || in_a_lab(denied, RECORDED_ROUTER));
        assert!(shown.contains("CAP_NET_ADMIN 能力"), "{shown}");
        assert!(shown.contains("这一步要建立网络命名空间"), "{shown}");
        assert!(shown.contains("──── 录下的运行结果 ────"), "{shown}");
        assert!(shown.contains("IPv4 TTL"), "the recording itself");
        fits(&shown);
        // The answers quote the English recording, and say it is one.
        let ttl = speaking(Lang::Zh, || answer_ttl(&shown));
        assert!(ttl.contains("64") && ttl.contains("63"), "{ttl}");
        let next = speaking(Lang::Zh, || answer_next_hop(&shown));
        let dest = row(RECORDED_ROUTER, "Ethernet dest.");
        assert!(next.contains(dest[0]), "{next}");
        // In English the notice is the error's own text, wrapped.
        let en = speaking(Lang::En, || in_a_lab(denied, RECORDED_ROUTER));
        assert!(en.contains("the lab needs CAP_NET_ADMIN"), "{en}");
        fits(&en);
        assert!(answer_ttl(&en).contains("recording"));
    }

    #[test]
    fn models_loopback_and_pdus_in_chinese_fit() {
        use crate::lang::testing::speaking;
        let frame = built_frame(STREAM_OPEN).expect("emits");
        let d = dissect(&frame, Link::Ethernet, frame.len());
        speaking(Lang::Zh, || {
            let text = models(&d);
            for said in [
                "名称",
                "TCP/IP 体系结构",
                "物理层",
                "会话层",
                "没有首部：XMPP 流就是会话",
                "什么也没有：环回接口上没有线路",
                "字节）",
            ] {
                assert!(text.contains(said), "{said}: {text}");
            }
            assert!(!text.contains("bytes"), "{text}");
            fits(&text);
            let lo = loopback(&d, false);
            assert!(lo.contains("构造出的帧的以太网首部"), "{lo}");
            assert!(lo.contains("物理层：没有"), "{lo}");
            fits(&lo);
            let pdus = osi_live::pdus(&d);
            assert!(pdus.contains("消息 / 节"), "{pdus}");
            fits(&pdus);
        });
    }
}
