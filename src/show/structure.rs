//! Lesson 4's views: the server's trace, its socket table, its records and
//! its connections, each laid out to fit an 80-column terminal.
//!
//! XML is long and has few spaces, so a trace line is written as a label
//! (who sent it to whom) on a line of its own, and the XML below it,
//! folded where a break hurts least: at a space, or between `>` and `<`.
//!
//! ```text
//!   alice/laptop → server
//!     <message to="bob@localhost" type="chat"><body>Lunch at noon?</body>
//!     </message>
//! ```
//!
//! Read before: [`crate::course::structure`], which produces the values.
//! Book: `book/src/lesson-04.md`.

use std::fmt::Write as _;

use crate::course::structure::{
    BOT, Cast, GATEWAY, IRC_NICK, IrcLogin, Journey, Records, Session, Socket,
    Streams,
};
use crate::course::xmpp_stage::TraceLine;
use crate::xmpp::server::{StreamKind, TraceKind};

use super::{fold, style, width, wrap};

/// Indent of the XML under its label.
const XML_INDENT: usize = 4;

/// Who wrote a trace line to whom: `alice/laptop → server`.
pub fn direction(who: &str, kind: TraceKind) -> String {
    match kind {
        TraceKind::In => style::client(&format!("{who} → server")).to_string(),
        TraceKind::Out => style::server(&format!("server → {who}")).to_string(),
        TraceKind::Note => style::dim(&format!("({who})")).to_string(),
    }
}

/// One trace line: the direction, then the XML folded below it. A note
/// is one dim line.
pub fn trace_line(who: &str, line: &TraceLine) -> String {
    if line.kind == TraceKind::Note {
        return format!(
            "  {}",
            style::dim(&fold(
                &format!("({who}) {}", line.text),
                width::current() - 2,
                4
            ))
        );
    }
    let pad = " ".repeat(XML_INDENT);
    format!(
        "  {}\n{pad}{}",
        direction(who, line.kind),
        style::code(&fold(
            &line.text,
            width::current() - XML_INDENT,
            XML_INDENT
        ))
    )
}

/// Lines of a line protocol (IRC), each under a label saying who wrote
/// it to whom: `mallory → gateway`.
pub fn lines(label: &str, lines: &[String]) -> String {
    let mut out = String::new();
    for line in lines {
        let _ = writeln!(
            out,
            "  {}\n{}{}",
            label,
            " ".repeat(XML_INDENT),
            style::code(&fold(line, width::current() - XML_INDENT, XML_INDENT))
        );
    }
    out
}

/// Who is on stage: the server and its ports, the clients, the gateway,
/// the IRC user and the typed component, one role per line.
pub fn cast(cast: &Cast) -> String {
    let pad = " ".repeat(9);
    let mut out = format!(
        "{}  listens in this process, for the domain localhost:\n\
         {pad}clients on {}, components on {}\n{pad}accounts {}\n",
        style::server("server "),
        cast.clients,
        cast.components,
        cast.users.join(", ")
    );
    for jid in &cast.online {
        let who = jid.split('@').next().unwrap_or(jid);
        let device = jid.rsplit('/').next().unwrap_or(jid);
        let _ = writeln!(
            out,
            "{}  logged in from a {device}: {jid}",
            style::client(&format!("{who:<7}"))
        );
    }
    let _ = writeln!(
        out,
        "{}  {}, a component: connected to the component port;\n\
         {pad}listens for IRC users on {}",
        style::server("gateway"),
        GATEWAY.0,
        cast.irc
    );
    let _ = writeln!(
        out,
        "{}  an IRC user, typed by hand: connected to the gateway",
        style::client(&format!("{IRC_NICK:<7}"))
    );
    let _ = writeln!(
        out,
        "{}  {}, a second component, typed by hand",
        style::server("bot    "),
        BOT.0
    );
    out
}

/// Mallory's registration: the lines she typed, then the first and the
/// last line of the gateway's welcome.
pub fn irc_login(login: &IrcLogin) -> String {
    let mallory = style::client(&format!("{IRC_NICK} → gateway")).to_string();
    let gateway = style::server(&format!("gateway → {IRC_NICK}")).to_string();
    let welcome = &login.welcome;
    let ends: Vec<String> = welcome
        .first()
        .into_iter()
        .chain(welcome.last().filter(|_| welcome.len() > 1))
        .cloned()
        .collect();
    let mut out = lines(&mallory, &login.typed);
    out.push_str(&lines(&gateway, &ends));
    out
}

/// Trace lines, one after the other, each ending with a newline.
pub fn trace(lines: &[(String, TraceLine)]) -> String {
    let mut out = String::new();
    for (who, line) in lines {
        out.push_str(&trace_line(who, line));
        out.push('\n');
    }
    out
}

/// A stanza as its sender wrote it (`writer`: "alice's client"), then
/// its journey through the server.
pub fn journey(writer: &str, journey: &Journey) -> String {
    let mut out = format!("{writer} writes:\n");
    let _ = writeln!(
        out,
        "    {}",
        style::code(&fold(
            &journey.typed,
            width::current() - XML_INDENT,
            XML_INDENT
        ))
    );
    out.push_str("the server's trace:\n");
    out.push_str(&trace(&journey.lines));
    out
}

/// Prose wrapped to [`width::current`], with a newline.
pub fn para(text: &str) -> String {
    format!("{}\n", wrap(text, width::current(), 0))
}

/// A sentence about what the kernel said, in the kernel's colour.
pub fn kernel(text: &str) -> String {
    format!("{}\n", style::kernel(&wrap(text, width::current(), 8)))
}

// ANCHOR: sockets
/// The kernel's socket rows, narrow enough for 80 columns: no queues
/// (lesson 10 explains them), and the owner last.
pub fn sockets(rows: &[Socket]) -> String {
    let mut out = format!(
        "{}\n",
        style::dim(&format!(
            "│ {:<15}  {:<15}  {:<11}  owner",
            "local", "remote", "state"
        ))
    );
    for s in rows {
        let _ = writeln!(
            out,
            "│ {:<15}  {:<15}  {:<11}  {}",
            s.row.local.to_string(),
            s.row.remote.to_string(),
            s.row.state,
            s.owner
        );
    }
    out
}
// ANCHOR_END: sockets

/// At most `n` hex digits of `bytes`, then `…` if there were more.
fn hex(bytes: &[u8], n: usize) -> String {
    let all: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if all.len() <= n {
        all
    } else {
        format!("{}…", &all[..n])
    }
}

/// What the server keeps about its accounts, table by table.
pub fn records(records: &Records) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}\n  {}",
        style::server("the server's database, a SQLite file:"),
        records.file.display()
    );
    let _ = writeln!(
        out,
        "\ntable {}, one row per account: {}",
        style::code("users"),
        records.users.join(", ")
    );
    let _ = writeln!(
        out,
        "\ntable {}, alice's rows (there is no password column):",
        style::code("credentials")
    );
    let _ = writeln!(
        out,
        "{}",
        style::dim(&format!(
            "│ {:<13}  {:>10}  {:<13}  {:<13}  {}",
            "mechanism", "iterations", "salt", "StoredKey", "ServerKey"
        ))
    );
    for c in &records.credentials {
        let _ = writeln!(
            out,
            "│ {:<13}  {:>10}  {:<13}  {:<13}  {}",
            c.mechanism,
            c.iterations,
            hex(&c.salt, 12),
            hex(&c.stored_key, 12),
            hex(&c.server_key, 12)
        );
    }
    let (version, items) = &records.roster;
    let _ = writeln!(
        out,
        "\ntable {}, alice's contacts (roster version {version}):",
        style::code("roster")
    );
    for item in items {
        let _ = writeln!(
            out,
            "│ {:<15}  subscription={}{}",
            item.jid,
            item.subscription.as_str(),
            if item.ask { ", asked" } else { "" }
        );
    }
    let _ = writeln!(
        out,
        "\ntable {}, messages waiting for carol: {}",
        style::code("offline"),
        records.offline.len()
    );
    for row in &records.offline {
        let stamp = humantime::format_rfc3339_seconds(row.stamp);
        let _ = writeln!(out, "│ row {}, arrived {stamp}:", row.id);
        let _ = writeln!(
            out,
            "│   {}",
            fold(&row.xml, width::current() - 4, 4).replace("\n    ", "\n│   ")
        );
    }
    out
}

/// The server's connection table: one row per bound resource.
pub fn sessions(rows: &[Session]) -> String {
    let mut out = format!(
        "{}\n",
        style::dim(&format!(
            "│ {:<4}  {:<15}  {:<24}  {}",
            "conn", "connected from", "bound to", "kernel: server's end"
        ))
    );
    for s in rows {
        let state = s.state.map_or("gone".to_owned(), |st| st.to_string());
        let bound = match s.kind {
            StreamKind::Client => s.jid.clone(),
            StreamKind::Component => format!("{} (component)", s.jid),
            // Lesson 4's server does not federate; lesson 5's does.
            StreamKind::ServerIn | StreamKind::ServerOut => {
                format!("{} (server)", s.jid)
            }
        };
        let _ = writeln!(
            out,
            "│ {:<4}  {:<15}  {:<24}  {state}",
            s.conn,
            s.peer.to_string(),
            bound
        );
    }
    out
}

/// The stream headers of the first connection in full, then every
/// connection's in one row each, by the ids the server gave its streams.
pub fn streams(list: &[Streams]) -> String {
    let mut out = String::new();
    if let Some(first) = list.iter().find(|s| s.kind == StreamKind::Client) {
        let _ = writeln!(
            out,
            "every stream header of connection {} ({}):",
            first.conn, first.jid
        );
        let mut opened = 0;
        for (kind, xml) in &first.headers {
            let xml = xml.strip_prefix("<?xml version='1.0'?>").unwrap_or(xml);
            if *kind == TraceKind::In {
                opened += 1;
            }
            let who = match kind {
                TraceKind::In => style::client("client → server"),
                _ => style::server("server → client"),
            };
            let _ = writeln!(out, "  {who}  (stream {opened})");
            let _ = writeln!(
                out,
                "    {}",
                style::code(&fold(
                    &short_header(xml),
                    width::current() - XML_INDENT,
                    XML_INDENT
                ))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{}",
        style::dim(&format!(
            "│ {:<4}  {:<15}  {:<12}  {}",
            "conn", "connected from", "bound to", "the server's stream ids"
        ))
    );
    for s in list {
        let ids: Vec<&str> = s
            .headers
            .iter()
            .filter(|(kind, _)| *kind == TraceKind::Out)
            .filter_map(|(_, xml)| stream_id(xml))
            .collect();
        let _ = writeln!(
            out,
            "│ {:<4}  {:<15}  {:<12}  {}",
            s.conn,
            s.peer.to_string(),
            crate::course::structure::short_jid(&s.jid),
            ids.join(" ")
        );
    }
    for (kind, what) in [
        (StreamKind::Client, "client connection"),
        (StreamKind::Component, "component's connection"),
    ] {
        let counts: Vec<usize> = list
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.headers.len())
            .collect();
        let summary = match counts.split_first() {
            None => continue,
            Some((n, [])) => format!("The {what} carried {n} stream headers."),
            Some((n, rest)) if rest.iter().all(|m| m == n) => format!(
                "Each of the {} {what}s carried {n} stream headers.",
                counts.len()
            ),
            Some(_) => format!("Stream headers per {what}: {counts:?}."),
        };
        let _ = writeln!(out, "{}", wrap(&summary, width::current(), 0));
    }
    out
}

/// The `id` attribute of a stream header.
pub fn stream_id(header: &str) -> Option<&str> {
    let at = header
        .find(" id='")
        .map(|i| i + 5)
        .or_else(|| header.find(" id=\"").map(|i| i + 5))?;
    let rest = &header[at..];
    let end = rest.find(['\'', '"'])?;
    Some(&rest[..end])
}

/// A header without its namespace declarations (always the same two).
fn short_header(xml: &str) -> String {
    crate::show::conversation::shorten(xml, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_breaks_at_spaces_and_between_tags() {
        assert_eq!(fold("abc def", 5, 2), "abc\n  def");
        assert_eq!(fold("<a><b></b></a>", 8, 0), "<a><b>\n</b></a>");
        // No break anywhere: cut where full.
        assert_eq!(fold("abcdefgh", 4, 0), "abcd\nefgh");
        assert_eq!(fold("short", 10, 2), "short");
        for line in fold(&"<x a=\"1\"/>".repeat(30), 40, 4).lines() {
            assert!(line.chars().count() <= 40, "{line}");
        }
    }

    #[test]
    fn stream_ids_are_found_in_either_quote() {
        assert_eq!(
            stream_id("<stream:stream id='ab12' from='x'>"),
            Some("ab12")
        );
        assert_eq!(stream_id("<stream:stream id=\"c3\">"), Some("c3"));
        assert_eq!(stream_id("<stream:stream to='x'>"), None);
    }

    #[test]
    fn hex_is_cut_with_an_ellipsis() {
        assert_eq!(hex(&[0xab, 0xcd], 12), "abcd");
        assert_eq!(hex(&[0u8; 20], 4), "0000…");
    }
}
