//! A lesson's view of the server's trace: one line per piece of XML,
//! labelled with who sent it to whom (`alice → server`, `server → bob`),
//! long XML folded between attributes under itself.
//!
//! ```text
//!   alice → server    <message to="bob@localhost" type="chat"><body>Hi Bob!
//!                       Lunch at noon?</body></message>
//!   server → bob      <message to="bob@localhost" type="chat"
//!                       from="alice@localhost/laptop"><body>…
//! ```
//!
//! The XML console of `netlab xmpp server --trace` is
//! [`super::xmpp_trace`]; this is the lessons' narrower form, which names
//! people instead of connection numbers. [`shorten`] cuts a login's base64
//! and namespace declarations, for a summary that fits.
//!
//! Read before: [`crate::course::xmpp_stage`] (where the trace comes from).
//! Book: `book/src/lesson-01.md`. Run: `netlab lesson 1`.

use crate::course::xmpp_stage::TraceLine;
use crate::show::width::current as columns;
use crate::show::{fold, style};
use crate::xmpp::server::TraceKind;

/// The label column: `server → alice   ` and two spaces before it.
const LABEL: usize = 20;

/// One trace line as `alice → server  <xml>`, cut to `max` columns
/// when given (the login's SCRAM payloads are long and unreadable).
pub fn trace_line(who: &str, line: &TraceLine, max: Option<usize>) -> String {
    // The server's own notes ("connected from …") are said again in the
    // reader's language; XML stays as it was on the wire.
    let said = match line.kind {
        TraceKind::Note => super::server_notes::say(&line.text),
        _ => line.text.clone(),
    };
    let text = match max {
        Some(max) => shorten(&said, max),
        None => said,
    };
    // Long XML folds between attributes or tags, under itself, two
    // columns further in.
    let text = fold(&text, columns() - LABEL, 2)
        .replace('\n', &format!("\n{:LABEL$}", ""));
    match line.kind {
        // Padded by display width: 服务器 takes two columns a character.
        TraceKind::In => format!(
            "  {} {text}",
            style::client(&super::width::padded(
                &crate::tr!("conversation-to-server", who = who),
                17
            ))
        ),
        TraceKind::Out => format!(
            "  {} {text}",
            style::server(&super::width::padded(
                &crate::tr!("conversation-from-server", who = who),
                17
            ))
        ),
        TraceKind::Note => format!(
            "  {}",
            style::dim(&format!("{:<17} {text}", format!("({who})")))
        ),
    }
}

/// Trace lines, one after the other, each ending in a newline.
pub fn trace_lines<'a>(
    lines: impl IntoIterator<Item = (&'a str, &'a TraceLine)>,
    max: Option<usize>,
) -> String {
    lines
        .into_iter()
        .map(|(who, line)| trace_line(who, line, max) + "\n")
        .collect()
}

// ANCHOR: shorten
/// XML cut down for a one-line summary: no `<?xml …?>` declaration, no
/// namespace declarations, long unbroken text (base64) cut to its first
/// eight characters, and the whole cut at `max` characters. For display
/// only: the result is no longer the XML that was sent.
pub fn shorten(xml: &str, max: usize) -> String {
    let xml = xml.strip_prefix("<?xml version='1.0'?>").unwrap_or(xml);
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(" xmlns") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // ` xmlns="…"` or ` xmlns:stream='…'`: skip to the closing quote.
        let skipped = after.find('=').and_then(|eq| {
            let quote = after[eq + 1..].chars().next()?;
            let close = after[eq + 2..].find(quote)?;
            Some(&after[eq + 2 + close + 1..])
        });
        match skipped {
            Some(next) => rest = next,
            None => {
                out.push(' ');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = cut_long_text(&out);
    if out.chars().count() <= max {
        return out;
    }
    let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
// ANCHOR_END: shorten

/// Base64 text between tags (SASL data) longer than 16 characters
/// becomes its first eight and `…`; other text (a JID, a sentence) stays.
fn cut_long_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(gt) = rest.find('>') {
        out.push_str(&rest[..=gt]);
        rest = &rest[gt + 1..];
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if text.len() > 16 && text.chars().all(is_base64) {
            out.extend(text.chars().take(8));
            out.push('…');
        } else {
            out.push_str(text);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::server::StreamKind;

    #[test]
    fn shorten_drops_declarations_and_namespaces() {
        let header = "<?xml version='1.0'?><stream:stream \
                      xmlns='jabber:client' xmlns:stream='http://etherx.\
                      jabber.org/streams' id='ab' from='localhost'>";
        assert_eq!(
            shorten(header, 80),
            "<stream:stream id='ab' from='localhost'>"
        );
        let auth = "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" \
                    mechanism=\"SCRAM-SHA-256\">biwsbj1hbGljZSxyPTEyMzQ1\
                    </auth>";
        assert_eq!(
            shorten(auth, 80),
            "<auth mechanism=\"SCRAM-SHA-256\">biwsbj1h…</auth>"
        );
    }

    #[test]
    fn shorten_keeps_sentences_and_cuts_at_max() {
        let message = "<message to=\"bob@localhost\"><body>Hi Bob! Lunch at \
                       noon?</body></message>";
        assert_eq!(shorten(message, 200), message);
        let cut = shorten(message, 20);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
        // A JID is not base64 (`@`), so it stays whole.
        let jid = "<jid>alice@localhost/laptop</jid>";
        assert_eq!(shorten(jid, 80), jid);
        // A lone `xmlns` with no value is left alone, not looped on.
        assert_eq!(shorten("<a xmlns>", 80), "<a xmlns>");
    }

    #[test]
    fn a_line_names_the_direction_and_fits() {
        colored::control::set_override(false);
        let line = TraceLine {
            conn: 1,
            stream: StreamKind::Client,
            jid: None,
            kind: TraceKind::Out,
            text: format!("<message>{}</message>", "word ".repeat(30)),
        };
        let shown = trace_line("bob", &line, None);
        assert!(
            shown.starts_with("  server → bob      <message>"),
            "{shown}"
        );
        assert!(
            shown
                .lines()
                .all(|l| crate::show::width::of(l) <= columns())
        );
    }
}
