//! A dissected frame, shown four ways: a layer tree (like Wireshark's
//! packet-details pane), a hex dump coloured by layer, an encapsulation
//! diagram, and one summary line (like tcpdump). JSON for programs is in
//! [`super::packet_json`].
//!
//! Every layer is labelled with its place in both models: OSI's seven
//! layers (the article's 七层模型) and the four of TCP/IP that the
//! Internet actually uses (RFC 1122 § 1.1.3).
//!
//! Read before: `wire::dissect`. Book: `book/src/lesson-07.md`.
//! Run: `netlab dissect FILE`.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;
use std::net::{IpAddr, Ipv4Addr};

use colored::{Color, Colorize};

use super::packet_fields::{Rdata, each_field};
use super::plain_text::{Ipv4Text, Ipv6Text};
use crate::lang;
use crate::tr;
use crate::wire::arp::Addresses;
use crate::wire::dissect::{Dissection, Header};
use crate::wire::dns::RecordData;
use crate::wire::quoted::Quote;
use crate::wire::{Error, Layer};

/// OSI's name for a layer number.
pub fn osi_name(layer: u8) -> &'static str {
    match layer {
        1 => "physical",
        2 => "data link",
        3 => "network",
        4 => "transport",
        5 => "session",
        6 => "presentation",
        _ => "application",
    }
}

/// The TCP/IP model's layer for an OSI layer number (RFC 1122 § 1.1.3).
pub fn tcpip_name(osi: u8) -> &'static str {
    match osi {
        0..=2 => "link",
        3 => "internet",
        4 => "transport",
        _ => "application",
    }
}

/// The OSI layer of a header. XMPP sits at 7, though it also does the
/// work OSI gives layers 5 (the stream is the session) and 6 (XML is the
/// presentation): real stacks do not have those as separate layers.
pub fn osi_of(layer: Layer) -> u8 {
    match layer {
        Layer::Xmpp => 7,
        other => other.osi_layer(),
    }
}

/// The colour of a layer in the hex dump and the tree.
fn colour(layer: Layer) -> Color {
    osi_colour(osi_of(layer))
}

/// The colour of an OSI layer number, the same everywhere a layer is
/// named or its bytes are shown.
pub fn osi_colour(osi: u8) -> Color {
    match osi {
        2 => Color::Blue,
        3 => Color::Green,
        4 => Color::Yellow,
        _ => Color::Magenta,
    }
}

/// The one-letter mark of a layer in a colourless hex dump.
fn mark(layer: Layer) -> char {
    match layer {
        Layer::Ethernet | Layer::Vlan => 'E',
        Layer::Llc => 'L',
        Layer::Ipv4 | Layer::Ipv6 | Layer::Ipv6Ext => 'I',
        Layer::Tcp => 'T',
        Layer::Udp => 'U',
        Layer::Xmpp => 'X',
        Layer::Arp => 'A',
        Layer::Icmpv4 | Layer::Icmpv6 => 'C',
        Layer::Dns => 'D',
        Layer::Tls => 'S',
    }
}

/// A header's name as the tree shows it; borrowed, so that naming a
/// layer costs no allocation (the JSON names every layer of every frame).
pub fn title_of(header: &Header) -> Cow<'static, str> {
    match header {
        Header::Ethernet(e) if !e.tags.is_empty() => {
            "Ethernet II + 802.1Q".into()
        }
        Header::Ethernet(_) => "Ethernet II".into(),
        Header::Llc(l) if l.snap.is_some() => "LLC + SNAP".into(),
        Header::Llc(_) => "LLC".into(),
        Header::Ipv4(_) => "IPv4".into(),
        Header::Ipv6(_) => "IPv6".into(),
        Header::Ipv6Ext(e) => format!("IPv6 {}", e.kind).into(),
        Header::Arp(_) => "ARP".into(),
        Header::Icmpv4(..) => "ICMP".into(),
        Header::Icmpv6(..) => "ICMPv6".into(),
        Header::Dns(_) => "DNS".into(),
        Header::Tcp(..) | Header::TcpStart(_) => "TCP".into(),
        Header::Udp(..) => "UDP".into(),
        Header::Xmpp(_) => "XMPP".into(),
        // The layer's own name: the JSON keeps its layer names.
        Header::Partial(p) => p.layer.to_string().into(),
    }
}

/// The fields of a header, in wire order, as (name, value) pairs. Built
/// from [`each_field`], which the JSON writer uses too, so the tree and
/// the JSON always agree.
pub fn fields(header: &Header) -> Vec<(&'static str, String)> {
    let mut list = Vec::new();
    each_field(header, &mut |name, value| {
        list.push((name, value.to_string()));
    });
    list
}

/// The problem line: "truncated" when bytes are missing, "malformed" when
/// the bytes break a rule. (Templates: `--summary` writes one for every
/// frame that has a problem.)
pub fn problem(error: &Error) -> String {
    let lang = lang::current();
    match error {
        Error::Truncated { .. } => {
            crate::template!("dissect-truncated", lang, ["error"])
                .fill(&[error])
        }
        _ => crate::template!("dissect-malformed", lang, ["error"])
            .fill(&[error]),
    }
}

/// The layer tree.
pub fn tree(d: &Dissection) -> String {
    let mut out = String::new();
    for layer in &d.layers {
        let l = layer.header.layer();
        let osi = osi_of(l);
        // A header the bytes ran out in says how much of it there is.
        let cut = match &layer.header {
            Header::Partial(p) => tr!(
                "dissect-cut-header",
                available = p.available,
                needed = p.needed
            ),
            _ => String::new(),
        };
        let head = tr!(
            "dissect-head",
            title = title_of(&layer.header).into_owned(),
            quoted = if layer.quoted {
                tr!("dissect-quoted")
            } else {
                String::new()
            },
            cut = cut,
            osi = osi,
            osi_name = tr!("osi-layer", n = osi),
            tcpip = tr!("osi-tcpip", n = osi),
            start = layer.bytes.start,
            end = layer.bytes.end.saturating_sub(1),
            len = layer.bytes.len()
        );
        let _ = writeln!(out, "{}", head.color(colour(l)).bold());
        for (name, value) in fields(&layer.header) {
            let _ = writeln!(out, "    {:<17} {value}", format!("{name}:"));
        }
    }
    if let Some(q) = &d.quote {
        let _ = writeln!(out, "{}", quote_note(q));
    }
    match &d.problem {
        // Bytes missing because the snapshot length cut them: a cut, not
        // a fault of the packet (the closing line gives the numbers).
        Some(Error::Truncated {
            layer,
            needed,
            available,
        }) if d.is_cut_short() => {
            let line = tr!(
                "dissect-cut",
                layer = layer.in_lang(lang::current()).to_string(),
                needed = *needed,
                available = *available
            );
            let _ = writeln!(out, "▸ {}", line.red().bold());
        }
        Some(e) => {
            let _ = writeln!(out, "▸ {}", problem(e).red().bold());
        }
        None => {}
    }
    if !d.rest.is_empty() {
        let data = tr!(
            "dissect-data",
            start = d.rest.start,
            end = d.rest.end - 1,
            len = d.rest.len()
        );
        let what = d
            .undissected
            .as_ref()
            .map(|what| tr!("dissect-undissected", what = what.as_str()))
            .unwrap_or_default();
        let _ = writeln!(out, "{data}{what}");
    }
    if d.is_cut_short() {
        let _ = writeln!(
            out,
            "{}",
            tr!(
                "dissect-capture-kept",
                captured = d.captured,
                original = d.original
            )
        );
    }
    out
}

/// What an ICMP error's quote holds: "(the ICMP error quotes 28 of the
/// 56 bytes of the packet that caused it; the quote ends 8 bytes into
/// its 20-byte TCP header: cut by the sender, not malformed)".
pub fn quote_note(q: &Quote) -> String {
    let mut note = match q.original {
        Some(original) => tr!(
            "dissect-quote-of",
            length = q.bytes.len(),
            original = original
        ),
        None => tr!("dissect-quote", length = q.bytes.len()),
    };
    if let Some(cut) = q.cut {
        note.push_str(&tr!(
            "dissect-quote-cut",
            available = cut.available,
            needed = cut.needed,
            layer = cut.layer.in_lang(lang::current()).to_string()
        ));
    }
    tr!("dissect-note", note = note)
}

/// Which layer each byte belongs to (`None`: data or unclaimed).
fn owners(d: &Dissection) -> Vec<Option<Layer>> {
    let mut owner = vec![None; d.captured];
    for layer in &d.layers {
        for slot in owner
            .iter_mut()
            .take(layer.bytes.end)
            .skip(layer.bytes.start)
        {
            *slot = Some(layer.header.layer());
        }
    }
    owner
}

/// The hex dump, 16 bytes a row, each byte in its layer's colour. Without
/// colour, a second row marks each byte with its layer's letter.
pub fn hex_dump(d: &Dissection, frame: &[u8]) -> String {
    let owner = owners(d);
    let colourless = !colored::control::SHOULD_COLORIZE.should_colorize();
    let mut out = String::new();
    for (row, chunk) in frame.chunks(16).enumerate() {
        let base = row * 16;
        let mut hex = String::new();
        let mut marks = String::new();
        let mut ascii = String::new();
        for (i, byte) in chunk.iter().enumerate() {
            let layer = owner.get(base + i).copied().flatten();
            let text = format!("{byte:02x}");
            let sep = if i == 8 { "  " } else { " " };
            hex.push_str(sep);
            marks.push_str(sep);
            match layer {
                Some(l) => {
                    hex.push_str(&text.color(colour(l)).to_string());
                    marks.push(mark(l));
                    marks.push(mark(l));
                }
                None => {
                    hex.push_str(&text);
                    marks.push_str("..");
                }
            }
            ascii.push(if byte.is_ascii_graphic() || *byte == b' ' {
                *byte as char
            } else {
                '.'
            });
        }
        let pad =
            " ".repeat((16 - chunk.len()) * 3 + usize::from(chunk.len() <= 8));
        let _ = writeln!(out, "{base:04x} {hex}{pad}  {ascii}");
        if colourless {
            let _ = writeln!(out, "     {}", marks.trim_end());
        }
    }
    out.push_str(&legend(d, colourless));
    out
}

fn legend(d: &Dissection, colourless: bool) -> String {
    let mut parts = Vec::new();
    let mut seen = Vec::new();
    for layer in &d.layers {
        let l = layer.header.layer();
        if seen.contains(&l) {
            continue;
        }
        seen.push(l);
        let name = title_of(&layer.header);
        parts.push(if colourless {
            format!("{}{} = {name}", mark(l), mark(l))
        } else {
            name.color(colour(l)).to_string()
        });
    }
    if !d.rest.is_empty() || d.problem.is_some() {
        parts.push(if colourless {
            ".. = data".into()
        } else {
            "data".into()
        });
    }
    format!("     legend: {}\n", parts.join(", "))
}

/// How each layer wraps the next, and what the headers cost. Application
/// layers (XMPP, DNS) are the cargo, not wrapping: they count as data.
pub fn encapsulation(d: &Dissection) -> String {
    let mut out = String::new();
    let mut headers = 0;
    let mut depth = 0;
    for layer in &d.layers {
        let indent = "  ".repeat(depth);
        let width = 24usize.saturating_sub(2 * depth);
        let name = title_of(&layer.header);
        if osi_of(layer.header.layer()) == 7 {
            let _ = writeln!(
                out,
                "{indent}{name:<width$} data {:>5} bytes",
                layer.bytes.len()
            );
        } else {
            let carries = d.captured.saturating_sub(layer.bytes.end);
            headers += layer.bytes.len();
            let _ = writeln!(
                out,
                "{indent}{name:<width$} adds {:>4} bytes, carries {:>5}",
                layer.bytes.len(),
                carries
            );
        }
        depth += 1;
    }
    if !d.rest.is_empty() {
        let indent = "  ".repeat(depth);
        let width = 24usize.saturating_sub(2 * depth);
        let _ = writeln!(
            out,
            "{indent}{:<width$} data {:>5} bytes",
            "data",
            d.rest.len()
        );
    }
    if d.captured > 0 {
        let _ = writeln!(
            out,
            "headers: {headers} of {} bytes ({}%), the rest is the \
             application's",
            d.captured,
            headers * 100 / d.captured
        );
    }
    out
}

/// One line, like tcpdump's: addresses, ports, flags, lengths.
pub fn summary(d: &Dissection) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = write_summary(&mut out, d);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes [`summary`]'s line (without a newline) straight into `out`.
///
/// This is `netlab dissect --summary`'s hot path, run once per frame of
/// captures with millions of them: it writes numbers and IPv4 addresses
/// digit by digit instead of building strings (the standard formatting
/// machinery was most of the time in a profile).
pub fn write_summary<W: io::Write>(
    out: &mut W,
    d: &Dissection,
) -> io::Result<()> {
    let mut ip: Option<(IpAddr, IpAddr)> = None;
    let mut wrote = false;
    for layer in &d.layers {
        // A quoted packet is the one the ICMP error is about, not this one.
        if layer.quoted {
            break;
        }
        match &layer.header {
            Header::Ipv4(v4) => ip = Some((v4.src.into(), v4.dst.into())),
            Header::Ipv6(v6) => ip = Some((v6.src.into(), v6.dst.into())),
            Header::Tcp(t, _) => {
                if let Some((s, dst)) = ip {
                    out.write_all(b"TCP ")?;
                    endpoint(out, s, t.src_port)?;
                    out.write_all(" → ".as_bytes())?;
                    endpoint(out, dst, t.dst_port)?;
                    out.write_all(b" [")?;
                    out.write_all(t.flags.text().as_bytes())?;
                    out.write_all(b"] seq=")?;
                    number(out, t.seq)?;
                    out.write_all(b" ack=")?;
                    number(out, t.ack)?;
                    out.write_all(b" win=")?;
                    number(out, t.window)?;
                    out.write_all(b" len=")?;
                    number(out, payload_len(d, layer.bytes.end))?;
                    wrote = true;
                }
            }
            Header::Udp(u, _) => {
                if let Some((s, dst)) = ip {
                    out.write_all(b"UDP ")?;
                    endpoint(out, s, u.src_port)?;
                    out.write_all(" → ".as_bytes())?;
                    endpoint(out, dst, u.dst_port)?;
                    out.write_all(b" len=")?;
                    number(out, u.payload_len)?;
                    wrote = true;
                }
            }
            Header::Icmpv4(i, _) => {
                let (s, dst) = ip.unwrap_or(UNSPECIFIED);
                out.write_all(b"ICMP ")?;
                between(out, s, dst)?;
                write!(out, " {}", i.message)?;
                wrote = true;
            }
            Header::Icmpv6(i, _, body) => {
                let (s, dst) = ip.unwrap_or(UNSPECIFIED);
                out.write_all(b"ICMPv6 ")?;
                between(out, s, dst)?;
                write!(out, " {}", i.message)?;
                // The address asked about, as tcpdump shows it.
                if let Some(n) = body {
                    match n.flags {
                        None => write!(out, ", who has {}", n.target)?,
                        Some(_) => write!(out, ", target {}", n.target)?,
                    }
                }
                wrote = true;
            }
            Header::Arp(a) => {
                match &a.addresses {
                    Addresses::EthernetIpv4 {
                        sender_mac,
                        sender_ip,
                        target_ip,
                        ..
                    } => match a.operation {
                        crate::wire::arp::Operation::Reply => write!(
                            out,
                            "ARP reply {sender_ip} is at {sender_mac}"
                        )?,
                        _ => write!(
                            out,
                            "ARP who has {target_ip}? tell {sender_ip}"
                        )?,
                    },
                    Addresses::Other { .. } => {
                        write!(out, "ARP {}", a.operation)?;
                    }
                }
                wrote = true;
            }
            Header::Dns(m) => {
                out.write_all(if m.response {
                    b" DNS response 0x"
                } else {
                    b" DNS query 0x"
                })?;
                out.write_all(&hex4(m.id))?;
                if let Some(q) = m.questions.first() {
                    out.write_all(b" ")?;
                    match q.qtype.name() {
                        Some(name) => out.write_all(name.as_bytes())?,
                        None => write!(out, "{}", q.qtype)?,
                    }
                    write!(out, " {}", q.name)?;
                }
                for r in m.answers.iter().take(3) {
                    out.write_all(" → ".as_bytes())?;
                    match &r.data {
                        RecordData::A(v4) => address(out, (*v4).into())?,
                        RecordData::Aaaa(v6) => address(out, (*v6).into())?,
                        other => write!(out, "{}", Rdata(other))?,
                    }
                }
            }
            Header::Xmpp(p) => {
                write!(out, " XMPP <{}>", p.element)?;
            }
            Header::Ethernet(_)
            | Header::Llc(_)
            | Header::Ipv6Ext(_)
            | Header::TcpStart(_)
            | Header::Partial(_) => {}
        }
    }
    if !wrote {
        match (&ip, d.layers.last()) {
            (Some((s, dst)), Some(last)) => {
                write!(out, "{} {s} → {dst}", title_of(&last.header))?;
            }
            (None, Some(last)) => write!(out, "{}", title_of(&last.header))?,
            _ => out.write_all(b"data")?,
        }
    }
    // A snapshot length's cut is said to be one, as in the tree.
    // Templates, not `tr!`: a capture cut by a snapshot length has a note
    // on every frame.
    let lang = lang::current();
    match &d.problem {
        Some(Error::Truncated { layer, needed, .. }) if d.is_cut_short() => {
            let note = crate::template!(
                "dissect-summary-cut-in",
                lang,
                ["layer", "needed", "captured", "original"]
            );
            write!(
                out,
                "{}",
                note.filled(&[
                    &layer.in_lang(lang),
                    needed,
                    &d.captured,
                    &d.original
                ])
            )?;
        }
        Some(e) => {
            let note =
                crate::template!("dissect-summary-problem", lang, ["problem"]);
            write!(out, "{}", note.filled(&[&problem(e)]))?;
        }
        None if d.is_cut_short() => {
            let note = crate::template!(
                "dissect-summary-cut",
                lang,
                ["captured", "original"]
            );
            write!(out, "{}", note.filled(&[&d.captured, &d.original]))?;
        }
        None => {}
    }
    Ok(())
}

const UNSPECIFIED: (IpAddr, IpAddr) = (
    IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    IpAddr::V4(Ipv4Addr::UNSPECIFIED),
);

/// An integer, digit by digit.
pub fn number<W: io::Write>(
    out: &mut W,
    n: impl itoa::Integer,
) -> io::Result<()> {
    out.write_all(itoa::Buffer::new().format(n).as_bytes())
}

/// `10.0.0.53` or `2001:db8::53`, as `Display` writes them but without
/// `core::fmt` (see `super::plain_text`).
fn address<W: io::Write>(out: &mut W, ip: IpAddr) -> io::Result<()> {
    match ip {
        IpAddr::V4(v4) => out.write_all(Ipv4Text::new(v4).as_bytes()),
        IpAddr::V6(v6) => out.write_all(Ipv6Text::new(v6).as_bytes()),
    }
}

/// `10.0.0.1 → 10.0.0.53`.
fn between<W: io::Write>(
    out: &mut W,
    from: IpAddr,
    to: IpAddr,
) -> io::Result<()> {
    address(out, from)?;
    out.write_all(" → ".as_bytes())?;
    address(out, to)
}

/// Four lowercase hex digits, as `{:04x}` writes a `u16`.
fn hex4(n: u16) -> [u8; 4] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [12, 8, 4, 0].map(|shift| HEX[usize::from((n >> shift) & 0xf)])
}

/// `127.0.0.1:5222`, or `[::1]:5222` for IPv6.
fn endpoint<W: io::Write>(
    out: &mut W,
    ip: IpAddr,
    port: u16,
) -> io::Result<()> {
    match ip {
        IpAddr::V4(v4) => {
            out.write_all(Ipv4Text::new(v4).as_bytes())?;
            out.write_all(b":")?;
            number(out, port)
        }
        IpAddr::V6(v6) => {
            out.write_all(b"[")?;
            out.write_all(Ipv6Text::new(v6).as_bytes())?;
            out.write_all(b"]:")?;
            number(out, port)
        }
    }
}

/// Bytes after the header ending at `end`: data plus any layer above.
fn payload_len(d: &Dissection, end: usize) -> usize {
    let last = d.layers.last().map_or(end, |l| l.bytes.end);
    d.rest.end.max(last).saturating_sub(end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::dissect::{Link, dissect};
    use crate::wire::fixtures::SYN_FRAME;

    fn syn() -> Dissection {
        dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len())
    }

    #[test]
    fn tree_labels_each_layer_with_both_models() {
        colored::control::set_override(false);
        let text = tree(&syn());
        assert!(text.contains("▸ Ethernet II · OSI 2 data link · TCP/IP link · bytes 0–13 (14)"), "{text}");
        assert!(
            text.contains("▸ IPv4 · OSI 3 network · TCP/IP internet"),
            "{text}"
        );
        assert!(
            text.contains("▸ TCP · OSI 4 transport · TCP/IP transport"),
            "{text}"
        );
        assert!(text.contains("destination_port: 5222"), "{text}");
        assert!(text.contains("flags:            SYN"), "{text}");
        assert!(text.contains("MSS 65495"), "{text}");
    }

    #[test]
    fn hex_dump_marks_every_byte_with_its_layer() {
        colored::control::set_override(false);
        let text = hex_dump(&syn(), &SYN_FRAME);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("0000  00 00 00 00"), "{text}");
        // First row: 14 Ethernet bytes, then 2 of IPv4.
        assert_eq!(
            lines[1].split_whitespace().collect::<String>(),
            format!("{}{}", "E".repeat(28), "I".repeat(4))
        );
        assert!(
            text.contains("legend: EE = Ethernet II, II = IPv4, TT = TCP"),
            "{text}"
        );
    }

    #[test]
    fn encapsulation_adds_up() {
        let text = encapsulation(&syn());
        assert!(text.contains("Ethernet II"), "{text}");
        assert!(
            text.contains(&format!(
                "headers: {} of {} bytes (100%)",
                SYN_FRAME.len(),
                SYN_FRAME.len()
            )),
            "{text}"
        );
    }

    #[test]
    fn summary_is_one_line_like_tcpdump() {
        let line = summary(&syn());
        assert!(
            line.starts_with("TCP 127.0.0.1:54321 → 127.0.0.1:5222 [SYN]"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }

    #[test]
    fn problems_say_truncated_or_malformed() {
        let cut = dissect(&SYN_FRAME[..20], Link::Ethernet, 20);
        assert!(
            summary(&cut).contains("(truncated: IPv4 is truncated"),
            "{}",
            summary(&cut)
        );
        let mut bad = SYN_FRAME.to_vec();
        bad[14] = 0x44;
        let d = dissect(&bad, Link::Ethernet, bad.len());
        assert!(tree(&d).contains("(malformed: IPv4 header length 16"));
    }
}
