//! The XML console: one line per stanza in or out of the server, per
//! connection (`netlab xmpp server --trace`, `netlab xmpp client --trace`).
//!
//! ```text
//! [2 juliet@localhost/balcony] C→S <message to="romeo@localhost" type="chat">…
//! [3 romeo@localhost/orchard]  S→C <message from="juliet@localhost/balcony" …
//! ```
//!
//! What the client sent is in the client's colour, what the server sent in
//! the server's, notes are dim — the same colours as the socket lessons.

use crate::show::style;
use crate::xmpp::server::{TraceEvent, TraceKind};

/// One trace line, without a newline.
pub fn line(event: &TraceEvent<'_>) -> String {
    let who = match event.jid {
        Some(jid) => format!("[{} {jid}]", event.conn),
        None => format!("[{} {}]", event.conn, event.peer),
    };
    match event.kind {
        TraceKind::In => {
            format!("{who} {} {}", style::client("C→S"), event.text)
        }
        TraceKind::Out => {
            format!("{who} {} {}", style::server("S→C"), event.text)
        }
        TraceKind::Note => {
            format!("{who} {}", style::dim(&format!("-- {}", event.text)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_say_who_and_which_way() {
        let peer = "127.0.0.1:40000".parse().expect("addr");
        let event = TraceEvent {
            conn: 2,
            peer,
            jid: None,
            kind: TraceKind::In,
            text: "<presence/>",
        };
        assert_eq!(line(&event), "[2 127.0.0.1:40000] C→S <presence/>");
        let event = TraceEvent {
            jid: Some("a@localhost/x"),
            kind: TraceKind::Note,
            text: "bound",
            ..event
        };
        assert_eq!(line(&event), "[2 a@localhost/x] -- bound");
    }
}
