//! Lesson 3's output: what [`crate::course::traits`] measured, in 80
//! columns — XML under its label, the annotated stanza, the JID table,
//! the push-versus-poll table.
//!
//! The sentences and column names are the message catalogue's
//! (`locales/*/lesson03.ftl`); XML, JIDs and the `in`/`out` labels of
//! the server's trace stay as the wire has them.
//!
//! Read before: [`crate::course::traits`]. Book: `book/src/lesson-03.md`.
//! Run: `netlab lesson 3`.

use std::fmt::Write as _;
use std::time::Duration;

use crate::course::push_poll::{Delivery, Method};
use crate::course::stanza_notes::Note;
use crate::course::traits::{
    Annotated, Captured, Jids, Offered, Race, Refused,
};
use crate::show::jid_error::explain;
use crate::show::table::fit_records;
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
        "{} [{}] {}",
        style::client("in "),
        who(&c.arrived),
        crate::tr!("traits-arrived", bytes = c.arrived.text.len())
    );
    let _ = writeln!(out, "{}", xml_lines(&c.arrived.text));
    let _ = writeln!(
        out,
        "{} [{}] {}",
        style::server("out"),
        who(&c.left),
        crate::tr!("traits-left", bytes = c.left.text.len())
    );
    let _ = writeln!(out, "{}", xml_lines(&c.left.text));
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &crate::tr!("traits-added", added = c.added.join(&separator())),
            columns(),
            0
        )
    );
    let _ = writeln!(
        out,
        "\n{}\n{}",
        wrap(
            &crate::tr!("traits-forged", forged = c.forged.as_str()),
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
        Some(j) if j.is_bare() => crate::tr!("traits-jid-bare"),
        Some(_) => crate::tr!("traits-jid-full"),
        None => crate::tr!("traits-jid-none"),
    };
    let payloads: Vec<String> = m
        .payloads
        .iter()
        .map(|p| format!("{{{}}}{}", p.ns.as_deref().unwrap_or(""), p.name))
        .collect();
    let summary = crate::tr!(
        "traits-read-as",
        kind = m.kind.as_str(),
        from = jid(&m.common.from),
        from_kind = kind(&m.common.from),
        to = jid(&m.common.to),
        to_kind = kind(&m.common.to),
        bodies = m.bodies.len(),
        payloads = payloads.len(),
        list = payloads.join(&separator())
    );
    out.push('\n');
    out.push_str(&indented(&summary, 0));
    out.push('\n');
    out
}

/// The `jids` step.
pub fn jids(j: &Jids) -> String {
    let header = vec![
        crate::tr!("traits-jid-written"),
        crate::tr!("traits-jid-local"),
        crate::tr!("traits-jid-domain"),
        crate::tr!("traits-jid-resource"),
    ];
    let rows = j.valid.iter().map(|w| match &w.parsed {
        Ok(jid) => vec![
            format!(
                "{}\n{}",
                w.text,
                crate::tr!("traits-jid-rule", rule = w.rule.as_str())
            ),
            jid.local().unwrap_or("-").to_owned(),
            jid.domain().to_owned(),
            jid.resource().unwrap_or("-").to_owned(),
        ],
        Err(err) => vec![
            format!(
                "{}\n{}",
                w.text,
                crate::tr!("traits-jid-rule", rule = explain(err))
            ),
            "?".into(),
            "?".into(),
            "?".into(),
        ],
    });
    let mut out =
        fit_records(std::iter::once(header).chain(rows).collect(), columns());
    out.push('\n');
    for (a, b, equal) in &j.compared {
        let _ = writeln!(out, "{a} {} {b}", if *equal { "==" } else { "!=" });
    }
    let _ = writeln!(out, "\n{}", crate::tr!("traits-not-jids"));
    for w in &j.invalid {
        let shown = if w.text.len() > 40 {
            crate::tr!(
                "traits-long",
                start = &w.text[..6],
                count = MAX_PART_LEN + 1
            )
        } else {
            format!("{:?}", w.text)
        };
        let why = match &w.parsed {
            Err(err) => explain(err),
            Ok(jid) => crate::tr!("traits-unexpected", jid = jid.to_string()),
        };
        let _ = writeln!(out, "  {}", style::code(&shown));
        let _ = writeln!(out, "{}", indented(&why, 6));
    }
    let b = &j.bound;
    let _ = writeln!(
        out,
        "\n{}",
        indented(
            &crate::tr!(
                "traits-bound",
                jid = b.to_string(),
                local = b.local().unwrap_or("-"),
                domain = b.domain(),
                resource = b.resource().unwrap_or("-"),
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
        style::client(&crate::tr!("traits-alice-sends")),
        xml_lines(&r.sent.to_xml()),
        style::server(&crate::tr!("traits-server-answers")),
        xml_lines(&r.answer.to_xml()),
        wrap(
            &crate::tr!("traits-federation", condition = r.condition.as_str()),
            columns(),
            0
        )
    )
}

/// `XMPP push`, `poll every 100 ms`.
pub fn method_label(method: Method) -> String {
    match method {
        Method::Push => crate::tr!("traits-push"),
        Method::Poll(every) => crate::tr!("traits-poll", every = delay(every)),
    }
}

/// A delay, the way the whole course writes durations.
fn delay(d: Duration) -> String {
    crate::units::duration(d)
}

/// The `push-poll` step.
pub fn race(r: &Race) -> String {
    let mut out = indented(
        &crate::tr!(
            "traits-race",
            messages = r.schedule.messages,
            spacing = delay(r.schedule.spacing)
        ),
        0,
    );
    out.push('\n');
    let header = vec![
        crate::tr!("traits-race-how"),
        crate::tr!("traits-race-requests"),
        crate::tr!("traits-race-empty"),
        crate::tr!("traits-race-up"),
        crate::tr!("traits-race-down"),
        crate::tr!("traits-race-mean"),
        crate::tr!("traits-race-max"),
    ];
    let rows = r.results.iter().map(|d: &Delivery| {
        vec![
            method_label(d.method),
            d.requests.to_string(),
            match d.method {
                Method::Push => "-".into(),
                Method::Poll(_) => d.empty.to_string(),
            },
            d.traffic.up.bytes.to_string(),
            d.traffic.down.bytes.to_string(),
            d.mean_delay().map_or("-".into(), delay),
            d.max_delay().map_or("-".into(), delay),
        ]
    });
    out.push_str(&fit_records(
        std::iter::once(header).chain(rows).collect(),
        columns(),
    ));
    out.push('\n');
    let headers = crate::course::overhead::HEADERS_ON_LO;
    let segments: Vec<String> = r
        .results
        .iter()
        .map(|d| {
            let n = d.traffic.reads();
            crate::tr!(
                "traits-segments",
                method = method_label(d.method),
                count = n,
                bytes = n * headers
            )
        })
        .collect();
    out.push_str(&wrap(
        &crate::tr!(
            "traits-race-columns",
            headers = headers,
            segments = segments.join(&separator())
        ),
        columns(),
        0,
    ));
    out.push('\n');
    out.push_str(&wrap(&crate::tr!("traits-race-measured"), columns(), 0));
    out.push('\n');
    out
}

/// The `security` step.
pub fn security(o: &Offered) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        style::server("out"),
        crate::tr!("traits-features")
    );
    let _ = writeln!(out, "{}", xml_lines(&o.features));
    let _ = writeln!(
        out,
        "{} {}",
        style::client("in "),
        crate::tr!("traits-first-sasl", mechanism = o.mechanism)
    );
    let _ = writeln!(out, "{}", xml_lines(&o.auth));
    let _ = writeln!(
        out,
        "    {}",
        crate::tr!(
            "traits-decoded",
            decoded = style::code(&o.decoded).to_string()
        )
    );
    let _ = writeln!(
        out,
        "{}",
        wrap(&crate::tr!("traits-security"), columns(), 0)
    );
    out
}

/// Between the items of a list in a sentence: `, ` or `；`.
fn separator() -> String {
    crate::tr!("traits-list-separator")
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
