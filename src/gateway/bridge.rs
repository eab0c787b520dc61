//! The gateway's brain: what to do with each IRC line and each XMPP stanza.
//!
//! [`Bridge`] is a state machine without sockets ("sans-IO"): it is handed
//! one input at a time — an IRC client connected, sent a line, went away;
//! the XMPP server sent a stanza — and answers with a list of [`Action`]s:
//! stanzas to send to the server, lines to send to IRC clients, clients to
//! disconnect, and one-line events for the log. `mod.rs` does the I/O.
//! That split is what lets the tests (here and in `bridge/`) check a whole translation on
//! bytes, without a network, and lets the same code run in the CLI and in
//! lesson 4.
//!
//! ```text
//!  IRC client ──"PRIVMSG alice|localhost :hi"──► Bridge ──<message to='alice@localhost'
//!                                                  │       from='mallory@gw.localhost'>──► XMPP server
//!  IRC client ◄─":alice|localhost!alice@localhost  │
//!               PRIVMSG mallory :hello"────────────┘◄── <message from='alice@localhost'
//!                                                           to='mallory@gw.localhost'>
//! ```
//!
//! What it keeps: the IRC clients and their nicks (the IRC server's job,
//! [RFC 2812 § 3.1] registration: `NICK`, `USER`, then the `001`–`004`
//! welcome), and who on XMPP subscribed to which IRC user's presence.
//! Subscriptions live in memory only; after a restart they come back by
//! themselves, because an XMPP server probes every contact of a user who
//! logs in ([RFC 6121 § 4.3]) and a probe is answered and remembered here.
//!
//! Errors go back to the side that sent what could not be translated, and
//! errors are never answered with errors ([RFC 6120 § 8.3.1]). A message
//! to `nick@gw` when no such IRC user is connected gets `item-not-found`
//! (type cancel), not `recipient-unavailable`: an IRC nick is not an
//! account that exists while its owner is away — it exists only while
//! someone holds it, and the next holder may be someone else — so there is
//! no recipient to be temporarily unavailable (RFC 6120 § 8.3.3.7 and
//! § 8.3.3.13). Messages without a body (chat states, receipts) have no IRC
//! equivalent and are dropped without an error: they carry nothing a user
//! typed.
//!
//! This file holds the state and the entry points; the work is in two
//! children, one per side: `bridge/from_irc.rs` (each IRC command) and
//! `bridge/from_xmpp.rs` (each stanza).
//!
//! Read before: `irc.rs`, `names.rs`. Read next: `bridge/from_irc.rs`,
//! `bridge/from_xmpp.rs`, then `mod.rs` (the sockets). Book: `book/src/lesson-04.md`. Run: `netlab xmpp gateway --trace` shows
//! every input and every action of this file.
//!
//! [RFC 2812 § 3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.1
//! [RFC 6121 § 4.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-4.3
//! [RFC 6120 § 8.3.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.1

use std::collections::{BTreeSet, HashMap};

use super::irc::{IrcError, Message, numeric::*};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;

/// Which IRC connection: numbered by the gateway in order of arrival.
pub type ClientId = u64;

/// What the bridge wants done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Send this stanza to the XMPP server.
    Xmpp(Element),
    /// Send this line to one IRC client.
    Irc(ClientId, Message),
    /// Close that IRC client's connection, after the lines before.
    Disconnect(ClientId),
    /// Something happened: one line for the log
    /// (`irc: mallory registered from 127.0.0.1`).
    Event(String),
}

/// One IRC connection, from the IRC server's point of view.
#[derive(Debug)]
struct IrcClient {
    /// The client's IP address: the host part of its prefix.
    host: String,
    /// The nick it asked for and got (reserved even before registration).
    nick: Option<String>,
    /// The user name from `USER`.
    user: Option<String>,
    /// The real name from `USER`.
    realname: String,
    /// Whether the welcome was sent.
    registered: bool,
    /// `CAP LS` was sent and `CAP END` not yet: registration waits
    /// (IRCv3 capability negotiation).
    cap_pending: bool,
}

impl IrcClient {
    /// `nick!user@host`, the prefix of what this client sends to others.
    fn prefix(&self) -> String {
        format!(
            "{}!{}@{}",
            self.nick.as_deref().unwrap_or("*"),
            self.user.as_deref().unwrap_or("unknown"),
            self.host
        )
    }
}

/// The gateway's state: see the module doc.
#[derive(Debug)]
pub struct Bridge {
    /// The gateway's domain, also its IRC server name: `gw.localhost`.
    name: String,
    clients: HashMap<ClientId, IrcClient>,
    /// Lower-cased nick → who holds it (CASEMAPPING=ascii).
    nicks: HashMap<String, ClientId>,
    /// Lower-cased nick → the bare JIDs subscribed to its presence.
    subscribers: HashMap<String, BTreeSet<String>>,
    next_id: u64,
}

/// The software version, in the welcome and in traces.
const VERSION: &str = concat!("netlab-", env!("CARGO_PKG_VERSION"));

// The methods for each side, in files of their own.
mod from_irc;
mod from_xmpp;

impl Bridge {
    /// A bridge for the gateway named `name` (its XMPP domain).
    pub fn new(name: &str) -> Bridge {
        Bridge {
            name: name.to_ascii_lowercase(),
            clients: HashMap::new(),
            nicks: HashMap::new(),
            subscribers: HashMap::new(),
            next_id: 1,
        }
    }

    /// The nicks of the registered IRC users.
    pub fn irc_users(&self) -> Vec<String> {
        let mut nicks: Vec<String> = self
            .clients
            .values()
            .filter(|c| c.registered)
            .filter_map(|c| c.nick.clone())
            .collect();
        nicks.sort();
        nicks
    }

    // --- IRC side --------------------------------------------------------

    /// A new IRC connection from `host`.
    pub fn irc_connected(&mut self, id: ClientId, host: &str) -> Vec<Action> {
        self.clients.insert(
            id,
            IrcClient {
                host: host.to_owned(),
                nick: None,
                user: None,
                realname: String::new(),
                registered: false,
                cap_pending: false,
            },
        );
        vec![Action::Event(format!("irc: connection {id} from {host}"))]
    }

    /// One line from IRC client `id`, as [`Message::parse`] read it.
    pub fn irc_line(
        &mut self,
        id: ClientId,
        line: Result<Message, IrcError>,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        match line {
            Ok(message) => self.irc_message(id, message, &mut out),
            // RFC 2812 § 2.3.1: "Empty messages are silently ignored".
            Err(IrcError::Empty) => {}
            Err(IrcError::TooLong) => self.reply(
                id,
                ERR_INPUTTOOLONG,
                &["Input line was too long (512 bytes at most, RFC 2812 § 2.3)"],
                &mut out,
            ),
            Err(IrcError::BadCommand { command }) => self.reply(
                id,
                ERR_UNKNOWNCOMMAND,
                &[
                    &command,
                    "Unknown command: commands are letters or three digits \
                     (RFC 2812 § 2.3.1)",
                ],
                &mut out,
            ),
            Err(err) => self.reply(
                id,
                ERR_UNKNOWNCOMMAND,
                &["*", &err.to_string()],
                &mut out,
            ),
        }
        out
    }

    /// IRC client `id`'s connection ended (`reason`: EOF, an error).
    pub fn irc_disconnected(
        &mut self,
        id: ClientId,
        reason: &str,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        self.forget(id, reason, &mut out);
        out
    }

    /// The gateway stops: every IRC client is told and disconnected, every
    /// subscriber sees its IRC users go offline.
    pub fn shutdown(&mut self, why: &str) -> Vec<Action> {
        let mut out = Vec::new();
        let mut ids: Vec<ClientId> = self.clients.keys().copied().collect();
        ids.sort();
        for id in ids {
            let host = self.clients.get(&id).map(|c| c.host.clone());
            out.push(Action::Irc(
                id,
                Message::new(
                    "ERROR",
                    &[&format!(
                        "Closing Link: {} ({why})",
                        host.unwrap_or_default()
                    )],
                ),
            ));
            out.push(Action::Disconnect(id));
            self.forget(id, why, &mut out);
        }
        out
    }

    /// Removes a client; if it was a registered user, its subscribers see
    /// it go offline.
    fn forget(&mut self, id: ClientId, reason: &str, out: &mut Vec<Action>) {
        let Some(client) = self.clients.remove(&id) else {
            return;
        };
        let Some(nick) = client.nick else {
            return;
        };
        self.nicks.remove(&nick.to_ascii_lowercase());
        if client.registered {
            out.push(Action::Event(format!("irc: {nick} left ({reason})")));
            self.broadcast_presence(&nick, Some(reason), out);
        }
    }

    /// A numeric reply from the server to client `id`:
    /// `:gw.localhost 433 * mallory :Nickname is already in use`.
    fn reply(
        &self,
        id: ClientId,
        code: &str,
        params: &[&str],
        out: &mut Vec<Action>,
    ) {
        let target = self
            .clients
            .get(&id)
            .and_then(|c| c.nick.as_deref())
            .unwrap_or("*");
        let mut all = vec![target];
        all.extend_from_slice(params);
        out.push(Action::Irc(
            id,
            Message::new(code, &all).with_prefix(self.name.clone()),
        ));
    }

    /// The current presence of IRC user `nick` for one XMPP user: available
    /// while registered, else unavailable.
    fn presence_of(
        &self,
        nick: &str,
        to: &str,
        status: Option<&str>,
    ) -> Element {
        let from = format!("{}@{}", nick.to_ascii_lowercase(), self.name);
        let mut presence = Element::new("presence", Some(ns::COMPONENT_ACCEPT))
            .with_attr("from", from)
            .with_attr("to", to);
        if !self.is_online(nick) {
            presence = presence.with_attr("type", "unavailable");
        }
        if let Some(status) = status {
            presence = presence.with_child(
                Element::new("status", Some(ns::COMPONENT_ACCEPT))
                    .with_text(status),
            );
        }
        presence
    }

    fn is_online(&self, nick: &str) -> bool {
        self.nicks
            .get(&nick.to_ascii_lowercase())
            .and_then(|id| self.clients.get(id))
            .is_some_and(|c| c.registered)
    }

    /// Sends IRC user `nick`'s presence to everyone subscribed to it.
    fn broadcast_presence(
        &self,
        nick: &str,
        status: Option<&str>,
        out: &mut Vec<Action>,
    ) {
        let Some(subscribers) =
            self.subscribers.get(&nick.to_ascii_lowercase())
        else {
            return;
        };
        for jid in subscribers {
            out.push(Action::Xmpp(self.presence_of(nick, jid, status)));
        }
    }

    // --- XMPP side ---------------------------------------------------------

    /// One stanza from the XMPP server.
    pub fn xmpp_stanza(&mut self, stanza: &Element) -> Vec<Action> {
        let mut out = Vec::new();
        if stanza.ns.as_deref() != Some(ns::COMPONENT_ACCEPT) {
            out.push(Action::Event(format!(
                "xmpp: ignored <{}> in namespace {:?}",
                stanza.name, stanza.ns
            )));
            return out;
        }
        // The server stamps 'from' on everything it routes to a component
        // (XEP-0114 § 3.1); a stanza without a usable one cannot be
        // translated or answered.
        let (Some(from), Some(to)) = (
            stanza.attr("from").and_then(|f| Jid::parse(f).ok()),
            stanza.attr("to").and_then(|t| Jid::parse(t).ok()),
        ) else {
            out.push(Action::Event(format!(
                "xmpp: ignored <{}> without a valid from and to",
                stanza.local_name()
            )));
            return out;
        };
        match stanza.local_name() {
            "message" => self.xmpp_message(stanza, &from, &to, &mut out),
            "presence" => self.xmpp_presence(stanza, &from, &to, &mut out),
            "iq" => self.xmpp_iq(stanza, &to, &mut out),
            other => {
                out.push(Action::Event(format!("xmpp: ignored <{other}>")))
            }
        }
        out
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::xmpp::framing::{StreamEvent, StreamParser};

    /// Parses stanzas as they arrive in a component stream.
    pub(super) fn stanza(xml: &str) -> Element {
        let mut parser = StreamParser::new();
        parser.feed(
            b"<stream:stream xmlns='jabber:component:accept' \
              xmlns:stream='http://etherx.jabber.org/streams' id='x'>",
        );
        parser.feed(xml.as_bytes());
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        match parser.next_event() {
            Ok(Some(StreamEvent::Element(e))) => e,
            other => panic!("{xml}: {other:?}"),
        }
    }

    /// Feeds IRC bytes from client `id`.
    pub(super) fn irc(
        bridge: &mut Bridge,
        id: ClientId,
        line: &[u8],
    ) -> Vec<Action> {
        bridge.irc_line(id, Message::parse(line))
    }

    /// The IRC lines for client `id`, as bytes, joined.
    pub(super) fn lines_for(actions: &[Action], id: ClientId) -> String {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Irc(to, m) if *to == id => {
                    Some(String::from_utf8_lossy(&m.to_line()).into_owned())
                }
                _ => None,
            })
            .collect()
    }

    /// The stanzas, as XML, joined.
    pub(super) fn xml(actions: &[Action]) -> String {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Xmpp(e) => Some(e.to_xml()),
                _ => None,
            })
            .collect()
    }

    /// A bridge with `mallory` registered as client 1, the way irssi does
    /// it (CAP LS first).
    pub(super) fn with_mallory() -> Bridge {
        let mut b = Bridge::new("gw.localhost");
        b.irc_connected(1, "127.0.0.1");
        assert!(
            lines_for(&irc(&mut b, 1, b"CAP LS 302\r\n"), 1)
                .contains("CAP * LS :")
        );
        assert!(irc(&mut b, 1, b"NICK mallory\r\n").is_empty());
        // Registration waits for CAP END.
        assert!(irc(&mut b, 1, b"USER m 0 * :Mallory\r\n").is_empty());
        let welcome = irc(&mut b, 1, b"CAP END\r\n");
        let text = lines_for(&welcome, 1);
        for code in [" 001 ", " 002 ", " 003 ", " 004 ", " 005 ", " 376 "] {
            assert!(text.contains(code), "{code} in {text}");
        }
        assert!(
            text.starts_with(":gw.localhost 001 mallory :Welcome"),
            "{text}"
        );
        b
    }

    #[test]
    fn shutdown_tells_everyone() {
        let mut b = with_mallory();
        let out = b.shutdown("gateway shutting down");
        assert_eq!(
            lines_for(&out, 1),
            "ERROR :Closing Link: 127.0.0.1 (gateway shutting down)\r\n"
        );
        assert!(out.contains(&Action::Disconnect(1)));
        assert!(b.irc_users().is_empty());
    }
}
