//! Lesson 6's views: what a login and a message cost, TLS's record seen
//! from outside, binary data as base64, and an extension passing through
//! the server — each laid out to fit an 80-column terminal.
//!
//! Every function takes values measured by [`crate::course::pros_cons`]
//! (and the files below it, `overhead.rs` and `inband.rs`) and returns
//! text; none measures anything.
//!
//! Read before: [`crate::course::pros_cons`]. Book: `book/src/lesson-06.md`.
//! Spec: [RFC 8446 § 5.1] and [§ 5.2], the TLS record the `tls` step
//! explains.
//!
//! [RFC 8446 § 5.1]: https://datatracker.ietf.org/doc/html/rfc8446#section-5.1
//! [§ 5.2]: https://datatracker.ietf.org/doc/html/rfc8446#section-5.2

use std::fmt::Write as _;

use tabled::settings::Style;
use tabled::{Table, Tabled};

use super::{fold, hex, style, wrap};
use crate::course::inband::{self, BinaryRun, Passthrough};
use crate::course::overhead::{Cost, HEADERS_ON_LO};
use crate::course::pros_cons::{Logins, Unknown};
use crate::course::relay::Counts;
use crate::wire::tls_record;
use crate::xmpp::framing::Limits;

/// Text is wrapped to the course's design width (80 columns).
use super::width::current as columns;

/// The `login` step: Alice's login counted, plaintext and TLS.
pub fn login(logins: &Logins) -> String {
    let line = |label: &str, c: Counts| {
        format!(
            "  {label:<10} up {:>5} bytes, down {:>5} bytes, {} segments \
             with data\n",
            c.up.bytes,
            c.down.bytes,
            c.reads()
        )
    };
    let mut out = String::from(
        "Alice logging in, counted by her relay from connect() to her \
         bound resource:\n",
    );
    out.push_str(&line("plaintext", logins.plain));
    out.push_str(&line("TLS", logins.tls));
    out.push_str(&para(&format!(
        "TLS added {} bytes: the TLS handshake (key exchange, the server's \
         certificate) and one more stream restart inside it. All of it is \
         paid once per connection, and an XMPP connection stays open for \
         hours.",
        logins.tls_extra()
    )));
    out
}

#[derive(Tabled)]
struct CostRow {
    body: String,
    #[tabled(rename = "XML sent")]
    sent: String,
    #[tabled(rename = "to Bob")]
    delivered: String,
    #[tabled(rename = "in TLS")]
    tls: String,
    segments: u64,
    #[tabled(rename = "on the wire")]
    wire: String,
    #[tabled(rename = "body share")]
    share: String,
}

/// The `overhead` step: one row per body size, (plaintext, TLS) pairs.
pub fn overhead(costs: &[(Cost, Cost)]) -> String {
    let rows = costs.iter().map(|(clear, sealed)| CostRow {
        body: format!("{} B", clear.body),
        sent: format!("{} B", clear.sent.bytes),
        delivered: format!("{} B", clear.delivered.bytes),
        tls: format!("{} B", sealed.delivered.bytes),
        segments: sealed.delivered.reads,
        wire: format!("{} B", sealed.delivered_on_wire()),
        share: format!("{:.1} %", sealed.body_share()),
    });
    let mut out = Table::new(rows).with(Style::sharp()).to_string();
    out.push('\n');
    if let Some((one, _)) = costs.first() {
        out.push_str(&para(&format!(
            "XML sent: what Alice's client wrote, counted on her link; \
             {} bytes of it are the envelope around the body. To Bob: the \
             same stanza on Bob's link, {} bytes longer because the server \
             stamped from=. In TLS: the same on a TLS connection. On the \
             wire: plus {HEADERS_ON_LO} bytes of TCP/IP headers per segment \
             (lesson 7), what Bob's network carried.",
            one.envelope(),
            one.stamp()
        )));
    }
    out
}

/// The `tls` step: the first bytes of one message on Bob's link, with and
/// without TLS, and the record header read field by field.
pub fn tls_record(clear: &Cost, sealed: &Cost) -> String {
    let first = |bytes: &[u8]| bytes[..8.min(bytes.len())].to_vec();
    let (plain, start) =
        (first(&clear.delivered_start), &sealed.delivered_start);
    let mut out = format!(
        "the {}-byte message, first bytes on Bob's link:\n",
        clear.body
    );
    let _ = writeln!(
        out,
        "  plaintext  {}  {:?}",
        style::code(&hex(&plain)),
        String::from_utf8_lossy(&plain)
    );
    let _ = writeln!(
        out,
        "  TLS        {}  (no text: encrypted)",
        style::code(&hex(&first(start)))
    );
    let Ok((record, _)) = tls_record::Repr::parse(start) else {
        out.push_str("(the bytes do not start with a TLS record header)\n");
        return out;
    };
    let [major, minor] = record.version.to_be_bytes();
    let inner = u64::from(record.length).saturating_sub(clear.delivered.bytes);
    let counted = if sealed.delivered.bytes == u64::from(record.length) + 5 {
        format!(
            "The relay counted {} bytes: 5 + {}, one record.",
            sealed.delivered.bytes, record.length
        )
    } else {
        format!(
            "The relay counted {} bytes: more than one record.",
            sealed.delivered.bytes
        )
    };
    out.push_str(&para(&format!(
        "The TLS record header, 5 bytes (RFC 8446 § 5.1): type {:#04x} = \
         application data; version {major:#04x} {minor:#04x}, which TLS 1.3 \
         writes as \"1.2\" on purpose so that old middleboxes let it \
         through; length {} = the {} bytes of XML + {inner} (1 byte of real \
         content type, 16 bytes of authentication tag, RFC 8446 § 5.2). \
         {counted}",
        u8::from(record.content_type),
        record.length,
        clear.delivered.bytes,
    )));
    out
}

/// The `base64` step: a file sent in-band, and the largest that fits.
pub fn base64(run: &BinaryRun, limits: Limits) -> String {
    let ratio = |n: u64| n as f64 / run.raw as f64;
    let mut out = para(&format!(
        "a {}-byte file of random bytes (like a photo or a zip), sent \
         in-band as XEP-0231 Bits of Binary:",
        run.raw
    ));
    let _ = writeln!(
        out,
        "  base64 text        {:>6} bytes  ×{:.3}  (4 × ⌈{} / 3⌉)",
        run.encoded,
        ratio(run.encoded as u64),
        run.raw
    );
    let _ = writeln!(
        out,
        "  stanza Alice sent  {:>6} bytes  ×{:.3}",
        run.sent,
        ratio(run.sent)
    );
    let _ = writeln!(
        out,
        "  stanza Bob got     {:>6} bytes  ×{:.3}",
        run.delivered,
        ratio(run.delivered)
    );
    let _ = writeln!(
        out,
        "  Bob decoded it: {}",
        if run.intact {
            "the same bytes"
        } else {
            "DIFFERENT bytes"
        },
    );
    let _ = writeln!(out, "  content id: {}", run.cid);
    out.push_str(&para(&format!(
        "This server refuses any stanza above {} KiB (Limits in \
         src/xmpp/framing/mod.rs; RFC 6120 § 13.12 asks servers for such a \
         limit), so the largest file that fits in one message is {} KiB.",
        limits.max_element_bytes / 1024,
        inband::largest_inband(limits, run.envelope()) / 1024
    )));
    out
}

/// The `extension` step: the payload as sent, as kept, and the same
/// payload typed by hand and written again by the server.
pub fn extension(pass: &Passthrough) -> String {
    let mut out = String::from("Alice's client wrote this payload:\n");
    let _ = writeln!(out, "    {}", style::code(&xml_at(&pass.sent, 4)));
    let _ = writeln!(
        out,
        "exactly these {} bytes are in what Bob's link carried: {}",
        pass.sent.len(),
        if pass.identical { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "Bob's stanza layer kept it, uninterpreted, in \
         Message.payloads:\n    {}",
        pass.payloads.join(", ")
    );
    let _ = writeln!(out, "\nThe same payload typed by hand, single quotes:");
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_written, 4)));
    let _ = writeln!(out, "reached Bob as:");
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_delivered, 4)));
    out.push_str(&para(&changes(pass)));
    out
}

/// What the server changed in the hand-written payload, in words.
pub fn changes(pass: &Passthrough) -> String {
    match pass.changes() {
        Some(list) if list.is_empty() => {
            "What changed: nothing, byte for byte.".into()
        }
        Some(list) => {
            let each: Vec<String> = list
                .iter()
                .map(|c| {
                    format!("{} became {} ({} times)", c.was, c.now, c.times)
                })
                .collect();
            format!(
                "What changed: {}; every other character is the same.",
                each.join(", ")
            )
        }
        None => "What changed: more than single characters (the length \
                 differs)."
            .into(),
    }
}

/// The `unknown-iq` step: a request the server does not understand.
pub fn unknown(request: &Unknown) -> String {
    format!(
        "{} {}\n{} {}\n",
        style::client("alice asks the server:"),
        style::code(&xml_at(&request.asked.to_xml(), 23)),
        style::server("the server answers:   "),
        style::code(&xml_at(&request.answer.to_xml(), 23))
    )
}

/// XML printed from column `at`, folded between attributes or tags to
/// fit, continuation lines two columns further in.
fn xml_at(xml: &str, at: usize) -> String {
    fold(xml, columns() - at, 2).replace('\n', &format!("\n{:at$}", ""))
}

/// A paragraph wrapped to the design width, ending with a newline.
fn para(text: &str) -> String {
    format!("{}\n", wrap(text, columns(), 0))
}
