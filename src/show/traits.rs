//! Lesson 3's output: what [`crate::course::traits`] measured, in 80
//! columns — XML under its label, the annotated stanza, the JID table,
//! the push-versus-poll table.
//!
//! Read before: [`crate::course::traits`]. Book: `book/src/lesson-03.md`.
//! Run: `netlab lesson 3`.

use std::fmt::Write as _;
use std::time::Duration;

use tabled::settings::Style;
use tabled::{Table, Tabled};

use crate::course::push_poll::{Delivery, Method};
use crate::course::stanza_notes::Note;
use crate::course::traits::{
    Annotated, Captured, Jids, Offered, Race, Refused,
};
use crate::show::width::current as columns;
use crate::show::{fold, style, wrap};
use crate::xmpp::jid::{Jid, MAX_PART_LEN};

/// The `stanza` step.
pub fn stanza(c: &Captured) -> String {
    let mut out = String::new();
    let who = |l: &crate::course::xmpp_stage::TraceLine| {
        l.jid.clone().unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "{} [{}] C→S, what the server read from Alice ({} bytes):",
        style::client("in "),
        who(&c.arrived),
        c.arrived.text.len()
    );
    let _ = writeln!(out, "{}", xml_lines(&c.arrived.text));
    let _ = writeln!(
        out,
        "{} [{}] S→C, as the server wrote it to Bob ({} bytes):",
        style::server("out"),
        who(&c.left),
        c.left.text.len()
    );
    let _ = writeln!(out, "{}", xml_lines(&c.left.text));
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "The server changed one thing: it added {}.",
                c.added.join(", ")
            ),
            columns(),
            0
        )
    );
    let _ = writeln!(
        out,
        "\n{}\n{}",
        wrap(
            &format!(
                "Then Alice's client writes from=\"{}\" itself; Bob gets:",
                c.forged
            ),
            columns(),
            0
        ),
        xml_lines(&c.forged_delivered.to_xml())
    );
    out
}

/// The `annotate` step: notes, then the typed stanza layer's reading.
pub fn annotated(a: &Annotated) -> String {
    let mut out = render_notes(&a.notes);
    let m = &a.message;
    let jid = |j: &Option<Jid>| j.as_ref().map_or("-".into(), Jid::to_string);
    let kind = |j: &Option<Jid>| match j {
        Some(j) if j.is_bare() => "bare",
        Some(_) => "full",
        None => "none",
    };
    let payloads: Vec<String> = m
        .payloads
        .iter()
        .map(|p| format!("{{{}}}{}", p.ns.as_deref().unwrap_or(""), p.name))
        .collect();
    let summary = format!(
        "src/xmpp/stanza.rs reads it as a Message: type {}, from {} ({} \
         JID), to {} ({} JID), {} body, and {} payload it keeps without \
         interpreting: {}",
        m.kind.as_str(),
        jid(&m.common.from),
        kind(&m.common.from),
        jid(&m.common.to),
        kind(&m.common.to),
        m.bodies.len(),
        payloads.len(),
        payloads.join(", ")
    );
    out.push('\n');
    out.push_str(&indented(&summary, 0));
    out.push('\n');
    out
}

#[derive(Tabled)]
struct JidRow {
    #[tabled(rename = "written (rule)")]
    written: String,
    local: String,
    domain: String,
    resource: String,
}

/// The `jids` step.
pub fn jids(j: &Jids) -> String {
    let rows = j.valid.iter().map(|w| match &w.parsed {
        Ok(jid) => JidRow {
            written: format!("{}\n({})", w.text, w.rule),
            local: jid.local().unwrap_or("-").to_owned(),
            domain: jid.domain().to_owned(),
            resource: jid.resource().unwrap_or("-").to_owned(),
        },
        Err(err) => JidRow {
            written: format!("{}\n({err})", w.text),
            local: "?".into(),
            domain: "?".into(),
            resource: "?".into(),
        },
    });
    let mut out = Table::new(rows).with(Style::sharp()).to_string();
    out.push('\n');
    for (a, b, equal) in &j.compared {
        let _ = writeln!(out, "{a} {} {b}", if *equal { "==" } else { "!=" });
    }
    out.push_str("\nNot JIDs, and the rule each breaks:\n");
    for w in &j.invalid {
        let shown = if w.text.len() > 40 {
            format!("{}…@localhost ({} a's)", &w.text[..6], MAX_PART_LEN + 1)
        } else {
            format!("{:?}", w.text)
        };
        let why = match &w.parsed {
            Err(err) => err.clone(),
            Ok(jid) => format!("accepted as {jid} (unexpected)"),
        };
        let _ = writeln!(out, "  {}", style::code(&shown));
        let _ = writeln!(out, "{}", indented(&why, 6));
    }
    let b = &j.bound;
    let _ = writeln!(
        out,
        "\n{}",
        indented(
            &format!(
                "Alice logs in once more, asking for the resource \
                 \"tablet/2@home\". The server bound {b}: local {}, domain \
                 {}, resource {}.",
                b.local().unwrap_or("-"),
                b.domain(),
                b.resource().unwrap_or("-"),
            ),
            0
        )
    );
    out
}

/// The `federation` step.
pub fn federation(r: &Refused) -> String {
    format!(
        "{}\n{}\n{}\n{}\n{}\n",
        style::client("alice sends:"),
        xml_lines(&r.sent.to_xml()),
        style::server("server answers:"),
        xml_lines(&r.answer.to_xml()),
        wrap(
            &format!(
                "The domainpart example.org names another server, so \
                 Alice's server would have to reach it, server to server \
                 (port 5269). This lesson runs it with federation off \
                 (lesson 5 turns it on), so it answered <{}/> itself. The \
                 error says from=\"juliet@example.org\" because it is about \
                 that address, but nothing left this machine: Juliet's \
                 client would never be contacted by Alice's, only by its \
                 own server.",
                r.condition
            ),
            columns(),
            0
        )
    )
}

#[derive(Tabled)]
struct RaceRow {
    #[tabled(rename = "Bob gets them by")]
    how: String,
    requests: String,
    empty: String,
    up: u64,
    down: u64,
    mean: String,
    max: String,
}

/// `XMPP push`, `poll every 100 ms`.
pub fn method_label(method: Method) -> String {
    match method {
        Method::Push => "XMPP push".into(),
        Method::Poll(every) => format!("poll every {}", delay(every)),
    }
}

/// A delay, the way the whole course writes durations.
fn delay(d: Duration) -> String {
    crate::units::duration(d)
}

/// The `push-poll` step.
pub fn race(r: &Race) -> String {
    let mut out = indented(
        &format!(
            "{} messages from Alice, one every {}, each sent by XMPP and \
             posted to the HTTP inbox at the same instant:",
            r.schedule.messages,
            delay(r.schedule.spacing)
        ),
        0,
    );
    out.push('\n');
    let rows = r.results.iter().map(|d: &Delivery| RaceRow {
        how: method_label(d.method),
        requests: d.requests.to_string(),
        empty: match d.method {
            Method::Push => "-".into(),
            Method::Poll(_) => d.empty.to_string(),
        },
        up: d.traffic.up.bytes,
        down: d.traffic.down.bytes,
        mean: d.mean_delay().map_or("-".into(), delay),
        max: d.max_delay().map_or("-".into(), delay),
    });
    out.push_str(&Table::new(rows).with(Style::sharp()).to_string());
    out.push('\n');
    let headers = crate::course::overhead::HEADERS_ON_LO;
    let segments: Vec<String> = r
        .results
        .iter()
        .map(|d| {
            let n = d.traffic.reads();
            format!("{} {n} ({} bytes)", method_label(d.method), n * headers)
        })
        .collect();
    out.push_str(&wrap(
        &format!(
            "Up and down: bytes on the receiver's connection, counted by its \
             relay. Mean and max: delay from sending to arrival. Not \
             counted: TCP/IP headers, {headers} bytes per segment on lo. \
             Segments with data: {}.",
            segments.join(", ")
        ),
        columns(),
        0,
    ));
    out.push('\n');
    out.push_str(&wrap(
        "Measured on this machine just now: run it again and the delays \
         change, the pattern does not.",
        columns(),
        0,
    ));
    out.push('\n');
    out
}

/// The `security` step.
pub fn security(o: &Offered) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} the features the server offered Alice before login:",
        style::server("out")
    );
    let _ = writeln!(out, "{}", xml_lines(&o.features));
    let _ = writeln!(
        out,
        "{} Alice's first SASL message ({}):",
        style::client("in "),
        o.mechanism
    );
    let _ = writeln!(out, "{}", xml_lines(&o.auth));
    let _ = writeln!(out, "    base64-decoded: {}", style::code(&o.decoded));
    let _ = writeln!(
        out,
        "{}",
        wrap(
            "The server offered <starttls/> (TLS, to encrypt the stream and \
             prove the server's name) and SASL mechanisms (to prove who the \
             user is). This lesson's clients skipped TLS to keep every byte \
             readable; SCRAM still kept the password off the wire: the \
             decoded message holds the user name and a random nonce, and \
             the password never crosses, only a proof computed from it.",
            columns(),
            0
        )
    );
    out
}

/// XML under its label: four spaces in, folded between tags or at
/// spaces to fit the terminal's width.
fn xml_lines(text: &str) -> String {
    fold(text, columns() - 4, 0)
        .lines()
        .map(|line| format!("    {}", style::code(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` wrapped to fit the terminal's width with every line indented by `indent`.
fn indented(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    wrap(text, columns().saturating_sub(indent).max(20), 0)
        .lines()
        .map(|line| format!("{pad}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Notes, one item per line, its meaning indented below it.
fn render_notes(notes: &[Note]) -> String {
    let mut out = String::new();
    for note in notes {
        let indent = 2 * note.depth;
        let _ =
            writeln!(out, "{}{}", " ".repeat(indent), style::code(&note.item));
        let text = match note.spec {
            Some(spec) => format!("{} [{spec}]", note.meaning),
            None => note.meaning.clone(),
        };
        let _ = writeln!(out, "{}", style::dim(&indented(&text, indent + 4)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_well() {
        assert_eq!(delay(Duration::from_micros(420)), "420.0 µs");
        assert_eq!(delay(Duration::from_millis(640)), "640 ms");
        assert_eq!(delay(Duration::from_secs(1)), "1 s");
        assert_eq!(delay(Duration::from_millis(1500)), "1.50 s");
    }
}
