//! The gateway's log: one line per event, and with `--trace` the raw
//! traffic of both sides (`netlab xmpp gateway`).
//!
//! ```text
//! irc: mallory registered from 127.0.0.1 (XMPP: mallory@gw.localhost)
//! [irc 1] C→G PRIVMSG alice|localhost :hi
//! irc → xmpp: mallory → alice@localhost: hi
//! [xmpp]  G→S <message type="chat" from="mallory@gw.localhost" …
//! ```
//!
//! What the gateway received is in the client's colour, what it sent in
//! the server's, as in the XML console of the server (`xmpp_trace`).

use crate::gateway::{Side, TraceEvent, TraceKind};
use crate::show::style;

/// One line, without a newline; `None` for raw traffic when `trace` is
/// off.
pub fn line(event: &TraceEvent<'_>, trace: bool) -> Option<String> {
    let who = match (event.side, event.irc_client) {
        (Side::Irc, Some(n)) => format!("[irc {n}]"),
        (Side::Irc, None) => "[irc]".to_owned(),
        (Side::Xmpp, _) => "[xmpp]".to_owned(),
    };
    // S: the XMPP server, C: an IRC client, G: the gateway.
    let (from, to) = match event.side {
        Side::Xmpp => ("S→G", "G→S"),
        Side::Irc => ("C→G", "G→C"),
    };
    match event.kind {
        TraceKind::Note => Some(event.text.to_owned()),
        _ if !trace => None,
        TraceKind::In => {
            Some(format!("{who} {} {}", style::client(from), event.text))
        }
        TraceKind::Out => {
            Some(format!("{who} {} {}", style::server(to), event.text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_always_traffic_only_when_tracing() {
        let note = TraceEvent {
            side: Side::Irc,
            kind: TraceKind::Note,
            irc_client: None,
            text: "irc: mallory registered",
        };
        assert_eq!(
            line(&note, false).as_deref(),
            Some("irc: mallory registered")
        );
        let raw = TraceEvent {
            kind: TraceKind::In,
            irc_client: Some(3),
            text: "NICK mallory",
            ..note
        };
        assert_eq!(line(&raw, false), None);
        assert_eq!(
            line(&raw, true).as_deref(),
            Some("[irc 3] C→G NICK mallory")
        );
        let xml = TraceEvent {
            side: Side::Xmpp,
            kind: TraceKind::Out,
            irc_client: None,
            text: "<presence/>",
        };
        assert_eq!(line(&xml, true).as_deref(), Some("[xmpp] G→S <presence/>"));
    }
}
