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
//! The words are the message catalogue's (`locales/*/lesson04.ftl`), in
//! the language the course speaks; XML, IRC lines, addresses and JIDs
//! stay as the wire and the kernel have them. Columns are padded by
//! display width, so a Chinese heading (two columns a character) lines
//! up with the rows below it.
//!
//! Read before: [`crate::course::structure`], which produces the values.
//! Book: `book/src/lesson-04.md`.

use std::fmt::Write as _;

use crate::course::structure::{
    BOT, Cast, GATEWAY, IRC_NICK, IrcLogin, Journey, Owner, Records, Session,
    Socket, Streams,
};
use crate::course::xmpp_stage::TraceLine;
use crate::xmpp::server::{StreamKind, TraceKind};

use super::{fold, style, width, wrap};

/// Indent of the XML under its label.
const XML_INDENT: usize = 4;

/// Who wrote a trace line to whom: `alice/laptop → server`.
pub fn direction(who: &str, kind: TraceKind) -> String {
    match kind {
        TraceKind::In => {
            style::client(&crate::tr!("structure-to-server", who = who))
                .to_string()
        }
        TraceKind::Out => {
            style::server(&crate::tr!("structure-from-server", who = who))
                .to_string()
        }
        TraceKind::Note => style::dim(&format!("({who})")).to_string(),
    }
}

/// `mallory → gateway`.
pub fn to_gateway(who: &str) -> String {
    style::client(&crate::tr!("structure-to-gateway", who = who)).to_string()
}

/// `gateway → mallory`.
pub fn from_gateway(who: &str) -> String {
    style::server(&crate::tr!("structure-from-gateway", who = who)).to_string()
}

/// A note of the server's trace in the course's language. The server
/// writes its notes in English, as a log (`src/xmpp/server/`), and
/// lesson 4 reads them back (`course/structure.rs`); the notes this lesson
/// shows are said again here, anything else is shown as written.
fn server_note(note: &str) -> String {
    // A stream error is said in lesson 4's own words; every other note
    // as the server notes are said everywhere (`server_notes`).
    match note.strip_prefix("stream error ") {
        Some(condition) => {
            crate::tr!("structure-note-stream-error", condition = condition)
        }
        None => super::server_notes::say(note),
    }
}

/// One trace line: the direction, then the XML folded below it. A note
/// is one dim line.
pub fn trace_line(who: &str, line: &TraceLine) -> String {
    if line.kind == TraceKind::Note {
        return format!(
            "  {}",
            style::dim(&fold(
                &format!("({who}) {}", server_note(&line.text)),
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
    // A role's name, padded to seven columns, then two spaces.
    let role = |name: &str| padded(name, 7);
    let mut out = format!(
        "{}  {}\n{pad}{}\n{pad}{}\n",
        style::server(&role(&crate::tr!("structure-role-server"))),
        crate::tr!("structure-server-listens"),
        crate::tr!(
            "structure-server-ports",
            clients = cast.clients.to_string(),
            components = cast.components.to_string()
        ),
        crate::tr!("structure-accounts", users = cast.users.join(&separator()))
    );
    for jid in &cast.online {
        let who = jid.split('@').next().unwrap_or(jid);
        let device = jid.rsplit('/').next().unwrap_or(jid);
        let _ = writeln!(
            out,
            "{}  {}",
            style::client(&role(who)),
            crate::tr!(
                "structure-logged-in",
                device = device,
                jid = jid.as_str()
            )
        );
    }
    let _ = writeln!(
        out,
        "{}  {}\n{pad}{}",
        style::server(&role(&crate::tr!("structure-role-gateway"))),
        crate::tr!("structure-gateway-is", domain = GATEWAY.0),
        crate::tr!("structure-gateway-listens", irc = cast.irc.to_string())
    );
    let _ = writeln!(
        out,
        "{}  {}",
        style::client(&role(IRC_NICK)),
        crate::tr!("structure-irc-user")
    );
    let _ = writeln!(
        out,
        "{}  {}",
        style::server(&role(&crate::tr!("structure-role-bot"))),
        crate::tr!("structure-bot", domain = BOT.0)
    );
    out
}

/// Mallory's registration: the lines she typed, then the first and the
/// last line of the gateway's welcome.
pub fn irc_login(login: &IrcLogin) -> String {
    let mallory = to_gateway(IRC_NICK);
    let gateway = from_gateway(IRC_NICK);
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

/// A stanza as its sender wrote it (under `heading`: "alice's client
/// writes:"), then its journey through the server.
pub fn journey(heading: &str, journey: &Journey) -> String {
    let mut out = format!("{heading}\n");
    let _ = writeln!(
        out,
        "    {}",
        style::code(&fold(
            &journey.typed,
            width::current() - XML_INDENT,
            XML_INDENT
        ))
    );
    out.push_str(&trace_heading());
    out.push_str(&trace(&journey.lines));
    out
}

/// "the server's trace:", on a line of its own.
pub fn trace_heading() -> String {
    format!("{}\n", crate::tr!("structure-trace"))
}

/// "alice's client writes:"
pub fn client_writes(who: &str) -> String {
    crate::tr!("structure-client-writes", who = who)
}

/// Prose wrapped to [`width::current`], with a newline.
pub fn para(text: &str) -> String {
    format!("{}\n", wrap(text, width::current(), 0))
}

/// A sentence about what the kernel said, in the kernel's colour; its
/// lines after the first start under the text after "kernel: ".
pub fn kernel(text: &str) -> String {
    let ascii = text.find(": ").map(|i| i + 2);
    let wide = text.find('：').map(|i| i + '：'.len_utf8());
    let label = match (ascii, wide) {
        (Some(a), Some(w)) => a.min(w),
        (a, w) => a.or(w).unwrap_or(0),
    };
    let hang = width::of(&text[..label]);
    format!("{}\n", style::kernel(&wrap(text, width::current(), hang)))
}

/// `text` followed by spaces up to `columns` display columns.
fn padded(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(width::of(text));
    format!("{text}{}", " ".repeat(pad))
}

/// `text` preceded by spaces up to `columns` display columns.
fn right(text: &str, columns: usize) -> String {
    let pad = columns.saturating_sub(width::of(text));
    format!("{}{text}", " ".repeat(pad))
}

/// Between the items of a list: `, ` or `、`.
fn separator() -> String {
    crate::tr!("structure-list-separator")
}

/// Who holds a socket: `server's end for alice/laptop`.
pub fn owner(owner: &Owner) -> String {
    match owner {
        Owner::ClientPort => crate::tr!("structure-owner-client-port"),
        Owner::ComponentPort => crate::tr!("structure-owner-component-port"),
        Owner::IrcPort => crate::tr!("structure-owner-irc-port"),
        Owner::ServerEnd(who) => {
            crate::tr!("structure-owner-server-end", who = who.as_str())
        }
        Owner::GatewayEnd(who) => {
            crate::tr!("structure-owner-gateway-end", who = who.as_str())
        }
        Owner::Client(who) => {
            crate::tr!("structure-owner-client", who = who.as_str())
        }
        Owner::IrcClient(who) => {
            crate::tr!("structure-owner-irc-client", who = who.as_str())
        }
        Owner::Component(who) => {
            crate::tr!("structure-owner-component", who = who.as_str())
        }
    }
}

// ANCHOR: sockets
/// The kernel's socket rows, narrow enough for 80 columns: no queues
/// (lesson 10 explains them), and the owner last.
pub fn sockets(rows: &[Socket]) -> String {
    let mut out = format!(
        "{}\n",
        style::dim(&format!(
            "│ {}  {}  {}  {}",
            padded(&crate::tr!("structure-col-local"), 15),
            padded(&crate::tr!("structure-col-remote"), 15),
            padded(&crate::tr!("structure-col-state"), 11),
            crate::tr!("structure-col-owner")
        ))
    );
    for s in rows {
        let _ = writeln!(
            out,
            "│ {:<15}  {:<15}  {:<11}  {}",
            s.row.local.to_string(),
            s.row.remote.to_string(),
            s.row.state,
            owner(&s.owner)
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
        style::server(&crate::tr!("structure-database")),
        records.file.display()
    );
    let _ = writeln!(
        out,
        "\n{}",
        crate::tr!(
            "structure-table-users",
            table = style::code("users").to_string(),
            users = records.users.join(&separator())
        )
    );
    let _ = writeln!(
        out,
        "\n{}",
        crate::tr!(
            "structure-table-credentials",
            table = style::code("credentials").to_string()
        )
    );
    let _ = writeln!(
        out,
        "{}",
        style::dim(&format!(
            "│ {}  {}  {:<13}  {:<13}  {}",
            padded(&crate::tr!("structure-col-mechanism"), 13),
            right(&crate::tr!("structure-col-iterations"), 10),
            padded(&crate::tr!("structure-col-salt"), 13),
            "StoredKey",
            "ServerKey"
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
        "\n{}",
        crate::tr!(
            "structure-table-roster",
            table = style::code("roster").to_string(),
            version = *version
        )
    );
    for item in items {
        let _ = writeln!(
            out,
            "│ {:<15}  subscription={}{}",
            item.jid,
            item.subscription.as_str(),
            if item.ask {
                crate::tr!("structure-asked")
            } else {
                String::new()
            }
        );
    }
    let _ = writeln!(
        out,
        "\n{}",
        crate::tr!(
            "structure-table-offline",
            table = style::code("offline").to_string(),
            count = records.offline.len()
        )
    );
    for row in &records.offline {
        let stamp = humantime::format_rfc3339_seconds(row.stamp);
        let _ = writeln!(
            out,
            "│ {}",
            crate::tr!(
                "structure-offline-row",
                id = row.id,
                stamp = stamp.to_string()
            )
        );
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
            "│ {}  {}  {}  {}",
            padded(&crate::tr!("structure-col-conn"), 4),
            padded(&crate::tr!("structure-col-from"), 15),
            padded(&crate::tr!("structure-col-bound"), 24),
            crate::tr!("structure-col-kernel")
        ))
    );
    for s in rows {
        let state = s
            .state
            .map_or(crate::tr!("structure-gone"), |st| st.to_string());
        let bound = match s.kind {
            StreamKind::Client => s.jid.clone(),
            StreamKind::Component => {
                crate::tr!("structure-bound-component", jid = s.jid.as_str())
            }
            // Lesson 4's server does not federate; lesson 5's does.
            StreamKind::ServerIn | StreamKind::ServerOut => {
                crate::tr!("structure-bound-server", jid = s.jid.as_str())
            }
        };
        let _ = writeln!(
            out,
            "│ {:<4}  {:<15}  {}  {state}",
            s.conn,
            s.peer.to_string(),
            padded(&bound, 24)
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
            "{}",
            crate::tr!(
                "structure-headers-of",
                conn = first.conn,
                jid = first.jid.as_str()
            )
        );
        let mut opened = 0;
        for (kind, xml) in &first.headers {
            let xml = xml.strip_prefix("<?xml version='1.0'?>").unwrap_or(xml);
            if *kind == TraceKind::In {
                opened += 1;
            }
            let who = match kind {
                TraceKind::In => {
                    style::client(&crate::tr!("structure-client-to-server"))
                }
                _ => style::server(&crate::tr!("structure-server-to-client")),
            };
            let _ = writeln!(
                out,
                "  {who}  {}",
                crate::tr!("structure-stream-number", number = opened)
            );
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
            "│ {}  {}  {}  {}",
            padded(&crate::tr!("structure-col-conn"), 4),
            padded(&crate::tr!("structure-col-from"), 15),
            padded(&crate::tr!("structure-col-bound"), 12),
            crate::tr!("structure-col-ids")
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
    for kind in [StreamKind::Client, StreamKind::Component] {
        let counts: Vec<usize> = list
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.headers.len())
            .collect();
        let client = kind == StreamKind::Client;
        let summary = match counts.split_first() {
            None => continue,
            Some((n, [])) if client => {
                crate::tr!("structure-client-carried", headers = *n)
            }
            Some((n, [])) => {
                crate::tr!("structure-component-carried", headers = *n)
            }
            Some((n, rest)) if rest.iter().all(|m| m == n) && client => {
                crate::tr!(
                    "structure-each-client-carried",
                    count = counts.len(),
                    headers = *n
                )
            }
            Some((n, rest)) if rest.iter().all(|m| m == n) => crate::tr!(
                "structure-each-component-carried",
                count = counts.len(),
                headers = *n
            ),
            Some(_) if client => crate::tr!(
                "structure-per-client",
                counts = format!("{counts:?}")
            ),
            Some(_) => crate::tr!(
                "structure-per-component",
                counts = format!("{counts:?}")
            ),
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
