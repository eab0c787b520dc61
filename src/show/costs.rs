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
        // The counts right-aligned so both lines' columns agree.
        format!(
            "  {} {}\n",
            padded(label, 10),
            crate::tr!(
                "costs-login-counts",
                up = format!("{:>5}", c.up.bytes),
                down = format!("{:>5}", c.down.bytes),
                segments = c.reads()
            )
        )
    };
    let mut out = para(&crate::tr!("costs-login"));
    out.push_str(&line(&crate::tr!("costs-plaintext"), logins.plain));
    out.push_str(&line("TLS", logins.tls));
    out.push_str(&para(&crate::tr!(
        "costs-tls-added",
        bytes = logins.tls_extra()
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
        out.push_str(&para(&crate::tr!(
            "costs-columns",
            envelope = one.envelope(),
            stamp = one.stamp(),
            headers = HEADERS_ON_LO
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
    let mut out = para(&crate::tr!("costs-first-bytes", body = clear.body));
    let _ = writeln!(
        out,
        "  {} {}  {:?}",
        padded(&crate::tr!("costs-plaintext"), 10),
        style::code(&hex(&plain)),
        String::from_utf8_lossy(&plain)
    );
    let _ = writeln!(
        out,
        "  {} {}  {}",
        padded("TLS", 10),
        style::code(&hex(&first(start))),
        crate::tr!("costs-encrypted")
    );
    let Ok((record, _)) = tls_record::Repr::parse(start) else {
        out.push_str(&para(&crate::tr!("costs-no-record")));
        return out;
    };
    let [major, minor] = record.version.to_be_bytes();
    let inner = u64::from(record.length).saturating_sub(clear.delivered.bytes);
    let counted = if sealed.delivered.bytes == u64::from(record.length) + 5 {
        crate::tr!(
            "costs-one-record",
            bytes = sealed.delivered.bytes,
            length = record.length
        )
    } else {
        crate::tr!("costs-more-records", bytes = sealed.delivered.bytes)
    };
    out.push_str(&para(&crate::tr!(
        "costs-record-header",
        kind = format!("{:#04x}", u8::from(record.content_type)),
        version = format!("{major:#04x} {minor:#04x}"),
        length = record.length,
        xml = clear.delivered.bytes,
        inner = inner,
        counted = counted
    )));
    out
}

/// The `base64` step: a file sent in-band, and the largest that fits.
pub fn base64(run: &BinaryRun, limits: Limits) -> String {
    let ratio = |n: u64| n as f64 / run.raw as f64;
    let mut out = para(&crate::tr!("costs-file", bytes = run.raw));
    let sizes = [
        (crate::tr!("costs-base64-text"), run.encoded as u64),
        (crate::tr!("costs-alice-sent"), run.sent),
        (crate::tr!("costs-bob-got"), run.delivered),
    ];
    for (i, (label, n)) in sizes.iter().enumerate() {
        let bytes = crate::tr!("costs-bytes", bytes = format!("{n:>6}"));
        let _ =
            write!(out, "  {} {bytes}  ×{:.3}", padded(label, 18), ratio(*n));
        // The first line says where its ratio comes from.
        if i == 0 {
            let _ = write!(out, "  (4 × ⌈{} / 3⌉)", run.raw);
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "  {}",
        if run.intact {
            crate::tr!("costs-decoded-same")
        } else {
            crate::tr!("costs-decoded-different")
        },
    );
    let _ = writeln!(
        out,
        "  {}",
        crate::tr!("costs-content-id", cid = run.cid.as_str())
    );
    out.push_str(&para(&crate::tr!(
        "costs-largest",
        limit = limits.max_element_bytes / 1024,
        largest = inband::largest_inband(limits, run.envelope()) / 1024
    )));
    out
}

/// The `extension` step: the payload as sent, as kept, and the same
/// payload typed by hand and written again by the server.
pub fn extension(pass: &Passthrough) -> String {
    let mut out = para(&crate::tr!("costs-payload-written"));
    let _ = writeln!(out, "    {}", style::code(&xml_at(&pass.sent, 4)));
    out.push_str(&para(&crate::tr!(
        "costs-payload-carried",
        bytes = pass.sent.len(),
        answer = if pass.identical {
            crate::tr!("costs-yes")
        } else {
            crate::tr!("costs-no")
        }
    )));
    out.push_str(&para(&crate::tr!("costs-payload-kept")));
    let _ = writeln!(out, "    {}", pass.payloads.join(", "));
    out.push('\n');
    out.push_str(&para(&crate::tr!("costs-by-hand")));
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_written, 4)));
    out.push_str(&para(&crate::tr!("costs-reached-bob")));
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_delivered, 4)));
    out.push_str(&para(&changes(pass)));
    out
}

/// What the server changed in the hand-written payload, in words.
pub fn changes(pass: &Passthrough) -> String {
    match pass.changes() {
        Some(list) if list.is_empty() => crate::tr!("costs-changed-nothing"),
        Some(list) => {
            let each: Vec<String> = list
                .iter()
                .map(|c| {
                    crate::tr!(
                        "costs-became",
                        was = c.was.to_string(),
                        now = c.now.to_string(),
                        times = c.times
                    )
                })
                .collect();
            crate::tr!(
                "costs-changed",
                each = each.join(&crate::tr!("costs-list-separator"))
            )
        }
        None => crate::tr!("costs-changed-length"),
    }
}

/// The `unknown-iq` step: a request the server does not understand.
pub fn unknown(request: &Unknown) -> String {
    // Both labels padded to one width; the XML starts after them.
    let (asks, answers) = (
        crate::tr!("costs-alice-asks"),
        crate::tr!("costs-server-answers"),
    );
    let at = super::width::of(&asks).max(super::width::of(&answers)) + 1;
    format!(
        "{} {}\n{} {}\n",
        style::client(&padded(&asks, at - 1)),
        style::code(&xml_at(&request.asked.to_xml(), at)),
        style::server(&padded(&answers, at - 1)),
        style::code(&xml_at(&request.answer.to_xml(), at))
    )
}

/// XML printed from column `at`, folded between attributes or tags to
/// fit, continuation lines two columns further in.
fn xml_at(xml: &str, at: usize) -> String {
    fold(xml, columns() - at, 2).replace('\n', &format!("\n{:at$}", ""))
}

/// `text` padded with spaces to `width` display columns (Chinese counts
/// two per character).
fn padded(text: &str, width: usize) -> String {
    let pad = width.saturating_sub(super::width::of(text));
    format!("{text}{}", " ".repeat(pad))
}

/// A paragraph wrapped to the design width, ending with a newline.
fn para(text: &str) -> String {
    format!("{}\n", wrap(text, columns(), 0))
}
