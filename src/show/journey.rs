//! `netlab trace` on a terminal: one message's journey, a line per event.
//!
//! For each hop, each data segment is shown going *down* the sender's
//! stack — the XMPP stanza, the TCP segment that carries it, the IPv4
//! packet around that, the Ethernet frame around that — then as bytes, in
//! a hex dump coloured by layer ([`super::packet::hex_dump`]); the
//! acknowledgments that came back follow. After the last hop the same
//! frame is read *up* bob's stack. The words are defined once, at the top
//! ([`preface`]), before any of them is used.
//!
//! Every line fits in 80 columns; colour comes from [`super::style`] and,
//! for layers, the hex dump's palette ([`super::packet::osi_colour`]).
//! Read before: `journey::record`. Book: `book/src/lesson-07.md`.
//! Run: `netlab trace`.

use std::fmt::Write as _;

use colored::Colorize;

use super::{packet, style, width, wrap};

use crate::journey::federation::Protection;
use crate::journey::hop::{Hop, Step};
use crate::journey::record::Journey;
use crate::wire::dissect::{Dissection, Header, Link, dissect};

/// The most bytes of a frame the hex dump shows: enough for an ordinary
/// chat message, not a screenful of `xxxx` for a long one.
const HEX_LIMIT: usize = 320;

/// The most lines of XML shown for a stanza.
const XML_LINES: usize = 12;

/// The title and the words the rest of the output uses.
pub fn preface(message_to: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style::heading(&format!(
            "netlab trace: one chat message, alice → {message_to}"
        ))
    );
    let _ = writeln!(
        out,
        "{}",
        wrap(
            "Two XMPP servers run in this process, a.example and b.example, \
             on 127.0.0.1. The message crosses three connections, and a \
             capture on lo (the loopback interface) sees every packet.",
            width::current(),
            0
        )
    );
    let _ = writeln!(out, "Words used below:");
    let terms = [
        ("stanza", "one unit of XMPP: here a <message> element"),
        ("hop", "one TCP connection the message crosses"),
        (
            "c2s, s2s",
            "a client-to-server, a server-to-server connection",
        ),
        (
            "segment",
            "one TCP packet: a TCP header, then bytes of the stream",
        ),
        (
            "seq, ack",
            "TCP numbers every byte it sends (seq); the receiver answers \
             with the number of the next byte it expects (ack)",
        ),
        ("packet", "an IPv4 header (addresses) around a segment"),
        (
            "frame",
            "an Ethernet header (MAC addresses) around a packet",
        ),
        (
            "layer",
            "OSI's numbers: 7 application, 6 presentation (TLS here), \
             4 transport, 3 network, 2 data link",
        ),
        (
            "TLS",
            "encryption between XMPP and TCP, switched on by STARTTLS",
        ),
    ];
    for (term, meaning) in terms {
        let _ = writeln!(out, "{}", hang(&format!("  {term:<9} "), meaning));
    }
    out
}

/// One run: set-up, the stanza, three hops, the way up, and what an
/// eavesdropper sees.
pub fn render(j: &Journey, run: usize, runs: usize) -> String {
    let mut out = String::new();
    let tls = j.protection == Protection::Tls;
    let title = if tls {
        "TLS on: the same message, encrypted"
    } else {
        "plaintext (TLS off): every byte readable"
    };
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        style::heading(&format!("━━ Run {run} of {runs}: {title} ━━"))
    );
    for s in &j.servers {
        let _ = writeln!(
            out,
            "{:<10} clients connect to {}, servers to {}",
            s.domain, s.c2s, s.s2s
        );
    }
    let how = if tls { "with STARTTLS" } else { "without TLS" };
    let _ = writeln!(out, "{} logged in to a.example {how}", j.alice);
    let _ = writeln!(out, "{} logged in to b.example {how}", j.bob);
    let _ = writeln!(
        out,
        "{}",
        hang(
            "",
            "a.example and b.example connected and checked each other's \
             name (dialback, XEP-0220) before the capture began",
        )
    );
    let _ = writeln!(out);
    let before = if tls { ", before TLS encrypts it" } else { "" };
    let _ = writeln!(
        out,
        "The stanza, as alice's client wrote it ({} bytes{before}):",
        j.written.len()
    );
    out.push_str(&xml_block(&j.written));

    for (n, hop) in j.hops.iter().enumerate() {
        let _ = writeln!(out);
        out.push_str(&hop_header(hop, n + 1, j.hops.len()));
        for step in &hop.steps {
            if step.carries.is_some() {
                // On hop 1 the XML inside is the stanza alice wrote.
                let xml = (n == 0).then_some(j.written.len());
                out.push_str(&down(hop, step, tls, xml));
            } else {
                let _ =
                    writeln!(out, "{}", hang(" ← ", &step.meaning).dimmed());
            }
        }
        out.push_str(&visible(hop, &j.body, &j.body_on_wire));
        if let Some(next) = between(n, j) {
            let _ = writeln!(out, "{}", hang("", &next));
        }
    }
    if let Some(last) = j.hops.last() {
        let _ = writeln!(out);
        out.push_str(&up(last, j, tls));
    }
    let _ = writeln!(out);
    out.push_str(&eavesdropper(j));
    out
}

/// `Hop 1 of 3 (c2s): alice → a.example`, and the two addresses.
fn hop_header(hop: &Hop, n: usize, of: usize) -> String {
    format!(
        "{}\n    {} → {}\n",
        style::heading(&format!(
            "Hop {n} of {of} ({}): {} → {}",
            hop.spec.kind.short(),
            hop.spec.sender,
            hop.spec.receiver
        )),
        hop.from,
        hop.to
    )
}

/// What the servers do between two hops.
fn between(n: usize, j: &Journey) -> Option<String> {
    match n {
        0 => Some(format!(
            "a.example reads it up its stack and sees that b.example is \
             another server's domain. It writes in the sender, from=\"{}\", \
             and sends it down again on its s2s connection:",
            j.alice
        )),
        1 => Some(
            "b.example reads it up its stack, finds bob online, and sends it \
             down once more, on bob's c2s connection:"
                .to_string(),
        ),
        _ => None,
    }
}

/// One data segment, down the stack, then its bytes; `xml`: how many
/// bytes of XML the hop's sender wrote, when known.
fn down(hop: &Hop, step: &Step, tls: bool, xml: Option<usize>) -> String {
    let mut out = String::new();
    let frame = &step.packet.frame;
    let d = dissect(&frame.data, Link::Ethernet, frame.data.len());
    let len = step.packet.payload.len();
    let range = step.carries.clone().unwrap_or(0..0);
    let t = &step.packet.tcp;
    let mut line = |layer: &str, text: String| {
        let _ = writeln!(out, "{}", layer_line("↓", layer, &text));
    };
    if tls {
        line(
            "7 XMPP",
            "the stanza, encrypted by TLS below it: not readable here".into(),
        );
        let records = step.tls.clone().unwrap_or_default();
        line("6 TLS", records);
        if let Some(xml) = xml
            && len == hop.bytes
        {
            line("6 TLS", overhead(len, xml));
        }
    } else {
        let what = match xmpp_name(&d) {
            Some(name) => format!("<{name}>, {len} bytes of XML"),
            None => format!("{len} more bytes of the same XML"),
        };
        line("7 XMPP", what);
    }
    let share = if len == hop.bytes {
        format!("all {len} bytes of this hop, in one segment")
    } else {
        let piece = if range.start == 1 {
            "the first piece"
        } else if range.end == hop.bytes {
            "the last piece"
        } else {
            "a piece from the middle"
        };
        format!(
            "bytes {}–{} of the {} on this hop: {piece}",
            range.start, range.end, hop.bytes
        )
    };
    line(
        "4 TCP",
        format!(
            "port {} → {}, seq {}, ack {} [{}]",
            t.src_port, t.dst_port, t.seq, t.ack, t.flags
        ),
    );
    line("4 TCP", share);
    // Down the stack: each layer wraps the one above it, so the
    // outermost header (Ethernet) comes last.
    for layer in d.layers.iter().rev() {
        match &layer.header {
            Header::Ipv4(ip) => line(
                "3 IPv4",
                format!(
                    "{} → {}, protocol {}, TTL {}, {} bytes",
                    ip.src,
                    ip.dst,
                    ip.protocol,
                    ip.ttl,
                    ip.total_len()
                ),
            ),
            Header::Ethernet(e) => {
                line(
                    "2 Ethernet",
                    format!("{} → {}, type {}", e.src, e.dst, e.ethertype),
                );
                line(
                    "2 Ethernet",
                    "on lo both MAC addresses are zero: there is no network \
                     card and no one else to address"
                        .into(),
                );
            }
            _ => {}
        }
    }
    let _ = writeln!(out, "   {}", sizes(&d));
    let shown = frame.data.len().min(HEX_LIMIT);
    out.push_str(&packet::hex_dump(&d, &frame.data[..shown]));
    if shown < frame.data.len() {
        let _ = writeln!(
            out,
            "     … and {} more bytes (--write saves them all)",
            frame.data.len() - shown
        );
    }
    out
}

/// `14 Ethernet + 20 IPv4 + 32 TCP + 110 data = 176 bytes in the frame`.
fn sizes(d: &Dissection) -> String {
    let mut parts = Vec::new();
    let mut headers = 0;
    for layer in &d.layers {
        if matches!(layer.header, Header::Xmpp(_)) {
            continue;
        }
        headers += layer.bytes.len();
        parts.push(format!(
            "{} {}",
            layer.bytes.len(),
            packet::title_of(&layer.header).trim_end_matches(" II")
        ));
    }
    parts.push(format!("{} data", d.captured.saturating_sub(headers)));
    format!("{} = {} bytes in the frame", parts.join(" + "), d.captured)
}

/// What TLS added to `xml` bytes to make `sent` bytes of records.
fn overhead(sent: usize, xml: usize) -> String {
    let added = sent.saturating_sub(xml);
    // RFC 8446 § 5.2: the encrypted part is the content, then one byte
    // with its real type, then the AEAD's tag (16 bytes for every cipher
    // suite TLS 1.3 defines).
    if added == 5 + 1 + 16 {
        format!(
            "{sent} bytes for the {xml} of XML: TLS 1.3 adds 22, the 5-byte \
             header, 1 byte of hidden content type and a 16-byte \
             authentication tag (RFC 8446 § 5.2)"
        )
    } else {
        format!("{sent} bytes for the {xml} of XML: TLS adds {added}")
    }
}

/// The element the dissector recognised at the start of the payload;
/// `None` for a segment that continues an element.
fn xmpp_name(d: &Dissection) -> Option<String> {
    match d.find(crate::wire::Layer::Xmpp) {
        Some(Header::Xmpp(peek)) => Some(peek.element.clone()),
        _ => None,
    }
}

/// Whether the message's text (`on_wire`, as the XML carries it) can be
/// read in this hop's bytes.
fn visible(hop: &Hop, body: &str, on_wire: &str) -> String {
    // The sender's bytes in order: a long text spans several segments.
    let stream: Vec<u8> = hop
        .data()
        .flat_map(|s| s.packet.data().iter().copied())
        .collect();
    let seen = !on_wire.is_empty()
        && stream
            .windows(on_wire.len())
            .any(|w| w == on_wire.as_bytes());
    let body = short(body);
    let text = if seen {
        hang(
            "   ",
            &format!(
                "the text \"{body}\" is in these bytes, for anyone to read"
            ),
        )
        .red()
        .to_string()
    } else {
        hang(
            "   ",
            &format!("the text \"{body}\" is nowhere in these bytes"),
        )
        .green()
        .to_string()
    };
    format!("{text}\n")
}

/// The last hop's data, read up bob's stack.
fn up(hop: &Hop, j: &Journey, tls: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        style::heading("Up the stack, at bob's end of hop 3")
    );
    let Some(step) = hop.data().next() else {
        return out;
    };
    let t = &step.packet.tcp;
    let len = step.packet.payload.len();
    let mut line = |layer: &str, text: String| {
        let _ = writeln!(out, "{}", layer_line("↑", layer, &text));
    };
    line(
        "2 Ethernet",
        "type 0x0800: what follows is IPv4, so the kernel hands it to IP"
            .into(),
    );
    line(
        "3 IPv4",
        format!(
            "to {}, this machine; protocol 6: hand the rest to TCP",
            hop.to.ip()
        ),
    );
    let pieces = hop.data().count();
    if pieces == 1 {
        line(
            "4 TCP",
            format!(
                "to port {}, bob's socket; seq {} is the next byte TCP \
                 expects there, so the {len} bytes join the stream in order \
                 and bob's read() returns them",
                t.dst_port, t.seq
            ),
        );
    } else {
        line(
            "4 TCP",
            format!(
                "to port {}, bob's socket; TCP puts the {pieces} segments' \
                 bytes in order by their seq, and bob's read() returns one \
                 stream of {} bytes: it cannot tell where the segments \
                 ended",
                t.dst_port, hop.bytes
            ),
        );
    }
    if tls {
        line(
            "6 TLS",
            "bob's client checks and decrypts the record with the key only \
             it and b.example hold"
                .into(),
        );
    }
    line(
        "7 XMPP",
        "bob's client parses the XML and gets this stanza:".into(),
    );
    out.push_str(&xml_block(&j.received));
    let _ = writeln!(out, " bob reads: {}", style::client(&short(&j.body)));
    out
}

/// What someone watching the connections learns.
fn eavesdropper(j: &Journey) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", style::heading("What an eavesdropper sees"));
    let lines: &[&str] = match j.protection {
        Protection::Plaintext => &[
            "everything: who writes to whom (the JIDs in the XML), when, and \
             the text itself, on every hop",
        ],
        Protection::Tls => &[
            "the IP addresses and ports of each hop: who talks to which \
             server, and when",
            "TCP's numbers and each record's size: roughly how long the \
             message was",
            "content type 23 (application data) and nothing more: not the \
             JIDs, not the text",
        ],
    };
    for line in lines {
        let _ = writeln!(out, "{}", hang("  - ", line));
    }
    out
}

/// A message's text, cut to 24 characters: `xxxx… (70000 characters)`.
fn short(text: &str) -> String {
    const KEEP: usize = 24;
    let n = text.chars().count();
    if n <= KEEP {
        return text.to_string();
    }
    let head: String = text.chars().take(KEEP).collect();
    format!("{head}… ({n} characters)")
}

/// ` ↓ 4 TCP       text…`: a layer's line, its label (`4 TCP`) in the
/// colour its bytes have in the hex dump.
fn layer_line(arrow: &str, label: &str, text: &str) -> String {
    let plain = format!(" {arrow} {label:<11} ");
    let body = hang(&plain, text);
    let osi = label
        .chars()
        .next()
        .and_then(|c| c.to_digit(10))
        .and_then(|d| u8::try_from(d).ok())
        .unwrap_or(7);
    let label = format!("{label:<11}").color(packet::osi_colour(osi));
    // `hang` starts with `plain`; only its label changes colour.
    format!(" {arrow} {label} {}", &body[plain.len()..])
}

/// `prefix` then `text`, wrapped so that every line fits in [`width::current`] and
/// the lines after the first line up under the text.
fn hang(prefix: &str, text: &str) -> String {
    let indent = prefix.chars().count();
    let lines = wrap(text, width::current().saturating_sub(indent), 0);
    let mut out = String::new();
    for (i, line) in lines.lines().enumerate() {
        if i == 0 {
            out.push_str(prefix);
        } else {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(line);
    }
    out
}

/// XML indented by two spaces, cut into lines that fit.
fn xml_block(xml: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = xml.chars().collect();
    let mut chunks = chars.chunks(width::current() - 2);
    for chunk in chunks.by_ref().take(XML_LINES) {
        let line: String = chunk.iter().collect();
        let _ = writeln!(out, "  {}", style::code(&line));
    }
    let rest: usize = chunks.map(<[char]>::len).sum();
    if rest > 0 {
        let _ = writeln!(out, "  … and {rest} more characters");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::fixtures::SYN_FRAME;

    #[test]
    fn the_preface_defines_every_word_and_fits() {
        colored::control::set_override(false);
        let text = preface("bob@b.example");
        for word in ["stanza", "hop", "segment", "seq, ack", "frame", "TLS"] {
            assert!(text.contains(&format!("  {word}")), "{word}: {text}");
        }
        for line in text.lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }

    #[test]
    fn long_xml_is_cut_to_fit() {
        colored::control::set_override(false);
        let xml = "<message>".repeat(20);
        let block = xml_block(&xml);
        assert!(block.lines().all(|l| l.chars().count() <= 80));
        let joined: String =
            block.lines().map(|l| l.trim_start()).collect::<String>();
        assert_eq!(joined, xml);
        // Past XML_LINES lines, the rest is counted, not shown.
        let long = "x".repeat((width::current() - 2) * XML_LINES + 5);
        let block = xml_block(&long);
        assert_eq!(block.lines().count(), XML_LINES + 1);
        assert!(block.ends_with("  … and 5 more characters\n"), "{block}");
    }

    #[test]
    fn sizes_add_up_to_the_frame() {
        let d = dissect(&SYN_FRAME, Link::Ethernet, SYN_FRAME.len());
        let text = sizes(&d);
        assert!(text.starts_with("14 Ethernet + 20 IPv4 + "), "{text}");
        assert!(
            text.ends_with(&format!(
                "0 data = {} bytes in the frame",
                SYN_FRAME.len()
            )),
            "{text}"
        );
    }

    #[test]
    fn layer_lines_hang_under_their_text() {
        colored::control::set_override(false);
        let text = "word ".repeat(30);
        let line = layer_line("↓", "4 TCP", &text);
        let lines: Vec<&str> = line.lines().collect();
        assert!(lines[0].starts_with(" ↓ 4 TCP       word"), "{line}");
        assert!(lines[1].starts_with(&format!("{}word", " ".repeat(15))));
        assert!(lines.iter().all(|l| l.chars().count() <= 80), "{line}");
    }

    #[test]
    fn tls_overhead_is_explained_when_it_is_tls_1_3s() {
        assert!(overhead(109, 87).contains("TLS 1.3 adds 22"));
        assert_eq!(
            overhead(120, 87),
            "120 bytes for the 87 of XML: TLS adds 33"
        );
    }

    #[test]
    fn long_texts_are_shortened_with_their_length() {
        assert_eq!(short("Hello, Bob!"), "Hello, Bob!");
        let long = "é".repeat(30);
        assert_eq!(
            short(&long),
            format!("{}… (30 characters)", "é".repeat(24))
        );
    }
}
