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
//! A component's stream (XEP-0114) is tagged `component` and its arrows
//! say `X→S` / `S→X` (X for the external component):
//!
//! ```text
//! [4 component gw.localhost] X→S <message from="mallory@gw.localhost" …
//! ```

use crate::show::style;
use crate::xmpp::server::{StreamKind, TraceEvent, TraceKind};

/// One trace line, without a newline.
pub fn line(event: &TraceEvent<'_>) -> String {
    let tag = match event.stream {
        StreamKind::Client => "",
        StreamKind::Component => "component ",
        StreamKind::ServerIn => "s2s-in ",
        StreamKind::ServerOut => "s2s-out ",
    };
    let who = match event.jid {
        Some(jid) => format!("[{} {tag}{jid}]", event.conn),
        None => format!("[{} {tag}{}]", event.conn, event.peer),
    };
    let (arrow_in, arrow_out) = match event.stream {
        StreamKind::Client => ("C→S", "S→C"),
        StreamKind::Component => ("X→S", "S→X"),
        // R: the remote server.
        StreamKind::ServerIn | StreamKind::ServerOut => ("R→S", "S→R"),
    };
    match event.kind {
        TraceKind::In => {
            format!("{who} {} {}", style::client(arrow_in), event.text)
        }
        TraceKind::Out => {
            format!("{who} {} {}", style::server(arrow_out), event.text)
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
            stream: StreamKind::Client,
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
        let event = TraceEvent {
            stream: StreamKind::Component,
            jid: Some("gw.localhost"),
            kind: TraceKind::Out,
            text: "<handshake/>",
            ..event
        };
        assert_eq!(line(&event), "[2 component gw.localhost] S→X <handshake/>");
    }
}
