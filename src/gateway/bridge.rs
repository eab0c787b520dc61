//! The gateway's brain: what to do with each IRC line and each XMPP stanza.
//!
//! [`Bridge`] is a state machine without sockets ("sans-IO"): it is handed
//! one input at a time — an IRC client connected, sent a line, went away;
//! the XMPP server sent a stanza — and answers with a list of [`Action`]s:
//! stanzas to send to the server, lines to send to IRC clients, clients to
//! disconnect, and one-line events for the log. `mod.rs` does the I/O.
//! That split is what lets the tests below check a whole translation on
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
//! Read before: `irc.rs`, `names.rs`. Read next: `mod.rs` (the sockets).
//! Book: `book/src/lesson-04.md`. Run: `netlab xmpp gateway --trace` shows
//! every input and every action of this file.
//!
//! [RFC 2812 § 3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.1
//! [RFC 6121 § 4.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-4.3
//! [RFC 6120 § 8.3.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.1

use std::collections::{BTreeSet, HashMap};

use super::irc::{IrcError, MAX_LINE, Message, numeric::*};
use super::names::{self, NICKLEN};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{self, ErrorType, StanzaErrorInfo};

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

    fn irc_message(&mut self, id: ClientId, m: Message, out: &mut Vec<Action>) {
        let Some(client) = self.clients.get(&id) else {
            return;
        };
        let registered = client.registered;
        match m.command.as_str() {
            "CAP" => self.cap(id, &m, out),
            // No passwords on this gateway: accept and ignore.
            "PASS" => {}
            "NICK" => self.nick(id, &m, out),
            "USER" => self.user(id, &m, out),
            // RFC 2812 § 3.7.2: PING is answered with PONG and the same
            // token.
            "PING" => match m.param(0) {
                Some(token) => out.push(Action::Irc(
                    id,
                    Message::new("PONG", &[&self.name, token])
                        .with_prefix(self.name.clone()),
                )),
                None => {
                    self.reply(id, ERR_NOORIGIN, &["No origin specified"], out)
                }
            },
            "PONG" => {}
            "QUIT" => {
                let why = m.param(0).unwrap_or("Client Quit");
                let host = client.host.clone();
                // RFC 2812 § 3.1.7: "the server acknowledges this by
                // sending an ERROR message to the client".
                out.push(Action::Irc(
                    id,
                    Message::new(
                        "ERROR",
                        &[&format!("Closing Link: {host} (Quit: {why})")],
                    ),
                ));
                out.push(Action::Disconnect(id));
                self.forget(id, &format!("Quit: {why}"), out);
            }
            _ if !registered => self.reply(
                id,
                ERR_NOTREGISTERED,
                &["You have not registered"],
                out,
            ),
            "PRIVMSG" | "NOTICE" => self.privmsg(id, &m, out),
            "MODE" => {
                let own = client
                    .nick
                    .as_deref()
                    .zip(m.param(0))
                    .is_some_and(|(n, t)| n.eq_ignore_ascii_case(t));
                match m.param(0) {
                    None => self.reply(
                        id,
                        ERR_NEEDMOREPARAMS,
                        &["MODE", "Not enough parameters"],
                        out,
                    ),
                    // User modes mean nothing here: report none set.
                    Some(_) if own => self.reply(id, RPL_UMODEIS, &["+"], out),
                    Some(t) if t.starts_with(['#', '&']) => {
                        self.no_channels(id, t, out)
                    }
                    Some(_) => self.reply(
                        id,
                        ERR_USERSDONTMATCH,
                        &["Cannot change mode for other users"],
                        out,
                    ),
                }
            }
            "WHOIS" => self.whois(id, &m, out),
            "JOIN" => {
                let channel = m.param(0).unwrap_or("#");
                self.no_channels(id, channel, out)
            }
            other => {
                let other = other.to_owned();
                self.reply(
                    id,
                    ERR_UNKNOWNCOMMAND,
                    &[
                        &other,
                        "Unknown command (this gateway knows NICK, USER, \
                         PRIVMSG, NOTICE, PING, WHOIS, QUIT)",
                    ],
                    out,
                )
            }
        }
    }

    fn no_channels(&self, id: ClientId, channel: &str, out: &mut Vec<Action>) {
        self.reply(
            id,
            ERR_NOSUCHCHANNEL,
            &[
                channel,
                "No such channel: this gateway has none; /msg \
                 alice|localhost to talk to alice@localhost",
            ],
            out,
        );
    }

    /// `CAP` (IRCv3 capability negotiation): we offer no capabilities, but
    /// must answer, or clients that start with `CAP LS` wait forever.
    fn cap(&mut self, id: ClientId, m: &Message, out: &mut Vec<Action>) {
        let sub = m.param(0).unwrap_or("").to_ascii_uppercase();
        let caps = |sub: &str| {
            Message::new("CAP", &["*", sub, ""]).with_prefix(self.name.clone())
        };
        match sub.as_str() {
            "LS" => {
                if let Some(client) = self.clients.get_mut(&id)
                    && !client.registered
                {
                    client.cap_pending = true;
                }
                out.push(Action::Irc(id, caps("LS")));
            }
            "LIST" => out.push(Action::Irc(id, caps("LIST"))),
            "REQ" => {
                let asked = m.param(1).unwrap_or("");
                out.push(Action::Irc(
                    id,
                    Message::new("CAP", &["*", "NAK", asked])
                        .with_prefix(self.name.clone()),
                ));
            }
            "END" => {
                if let Some(client) = self.clients.get_mut(&id) {
                    client.cap_pending = false;
                }
                self.try_register(id, out);
            }
            _ => self.reply(
                id,
                ERR_INVALIDCAPCMD,
                &[&sub, "Invalid CAP command"],
                out,
            ),
        }
    }

    /// `NICK` ([RFC 2812 § 3.1.2]): at registration, or a change later.
    ///
    /// [RFC 2812 § 3.1.2]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.1.2
    fn nick(&mut self, id: ClientId, m: &Message, out: &mut Vec<Action>) {
        let Some(wanted) = m.param(0).filter(|n| !n.is_empty()) else {
            self.reply(id, ERR_NONICKNAMEGIVEN, &["No nickname given"], out);
            return;
        };
        let wanted = wanted.to_owned();
        if let Err(err) = names::check_irc_nick(&wanted) {
            self.reply(
                id,
                ERR_ERRONEUSNICKNAME,
                &[&wanted, &format!("Erroneous nickname: {err}")],
                out,
            );
            return;
        }
        let key = wanted.to_ascii_lowercase();
        if self.nicks.get(&key).is_some_and(|holder| *holder != id) {
            self.reply(
                id,
                ERR_NICKNAMEINUSE,
                &[&wanted, "Nickname is already in use"],
                out,
            );
            return;
        }
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        let old = client.nick.replace(wanted.clone());
        let registered = client.registered;
        let old_prefix = format!(
            "{}!{}@{}",
            old.as_deref().unwrap_or("*"),
            client.user.as_deref().unwrap_or("unknown"),
            client.host
        );
        if let Some(old) = &old {
            self.nicks.remove(&old.to_ascii_lowercase());
        }
        self.nicks.insert(key, id);
        if !registered {
            self.try_register(id, out);
            return;
        }
        // A registered user changed nick: tell it, and on XMPP the old
        // address goes offline and the new one comes online.
        out.push(Action::Irc(
            id,
            Message::new("NICK", &[&wanted]).with_prefix(old_prefix),
        ));
        if let Some(old) = old {
            out.push(Action::Event(format!("irc: {old} is now {wanted}")));
            self.broadcast_presence(&old, Some(&format!("now {wanted}")), out);
        }
        self.broadcast_presence(&wanted, None, out);
    }

    /// `USER user mode unused :realname` ([RFC 2812 § 3.1.3]).
    ///
    /// [RFC 2812 § 3.1.3]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.1.3
    fn user(&mut self, id: ClientId, m: &Message, out: &mut Vec<Action>) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        if client.registered {
            self.reply(
                id,
                ERR_ALREADYREGISTRED,
                &["Unauthorized command (already registered)"],
                out,
            );
            return;
        }
        if m.params.len() < 4 {
            self.reply(
                id,
                ERR_NEEDMOREPARAMS,
                &["USER", "Not enough parameters"],
                out,
            );
            return;
        }
        // The user name ends up in prefixes: keep it to what nicks allow.
        let user: String = m.params[0]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "-_.[]{}`^\\".contains(*c))
            .take(NICKLEN)
            .collect();
        client.user = Some(if user.is_empty() { "user".into() } else { user });
        client.realname = m.params[3].clone();
        self.try_register(id, out);
    }

    /// Completes registration once NICK and USER are in and capability
    /// negotiation is over: the welcome, and presence on XMPP.
    fn try_register(&mut self, id: ClientId, out: &mut Vec<Action>) {
        let Some(client) = self.clients.get_mut(&id) else {
            return;
        };
        if client.registered
            || client.cap_pending
            || client.user.is_none()
            || client.nick.is_none()
        {
            return;
        }
        client.registered = true;
        let prefix = client.prefix();
        let host = client.host.clone();
        let nick = client.nick.clone().unwrap_or_default();
        let name = self.name.clone();
        // RFC 2812 § 5.1: "The server sends Replies 001 to 004 to a user
        // upon successful registration."
        let welcome = format!(
            "Welcome to the netlab IRC gateway {prefix} (to XMPP you are \
             {nick}@{name})"
        );
        self.reply(id, RPL_WELCOME, &[&welcome], out);
        self.reply(
            id,
            RPL_YOURHOST,
            &[&format!("Your host is {name}, running version {VERSION}")],
            out,
        );
        self.reply(
            id,
            RPL_CREATED,
            &["This server bridges IRC and XMPP (XEP-0114 component)"],
            out,
        );
        self.reply(id, RPL_MYINFO, &[&name, VERSION, "i", "-"], out);
        self.reply(
            id,
            RPL_ISUPPORT,
            &[
                "CASEMAPPING=ascii",
                &format!("NICKLEN={NICKLEN}"),
                "NETWORK=netlab",
                "are supported by this server",
            ],
            out,
        );
        self.reply(
            id,
            RPL_MOTDSTART,
            &[&format!("- {name} Message of the day -")],
            out,
        );
        for line in [
            "- XMPP users are nicks here: alice@localhost is alice|localhost.",
            "- /msg alice|localhost hello   sends alice a chat message.",
            "- No channels: one-to-one messages only.",
        ] {
            self.reply(id, RPL_MOTD, &[line], out);
        }
        self.reply(id, RPL_ENDOFMOTD, &["End of MOTD command"], out);
        out.push(Action::Event(format!(
            "irc: {nick} registered from {host} (XMPP: {nick}@{name})"
        )));
        self.broadcast_presence(&nick, None, out);
    }

    /// `WHOIS nick`: for an XMPP user, says which JID is behind the nick.
    fn whois(&self, id: ClientId, m: &Message, out: &mut Vec<Action>) {
        // WHOIS [server] nick: the nick is the last parameter.
        let Some(target) = m.params.last() else {
            self.reply(id, ERR_NONICKNAMEGIVEN, &["No nickname given"], out);
            return;
        };
        if let Some(jid) = names::jid_for_nick(target) {
            let (user, host) =
                target.rsplit_once(names::SEPARATOR).unwrap_or((target, ""));
            self.reply(
                id,
                RPL_WHOISUSER,
                &[target, user, host, "*", &format!("XMPP user {jid}")],
                out,
            );
        } else if let Some(other) = self
            .nicks
            .get(&target.to_ascii_lowercase())
            .and_then(|other| self.clients.get(other))
            .filter(|c| c.registered)
        {
            self.reply(
                id,
                RPL_WHOISUSER,
                &[
                    other.nick.as_deref().unwrap_or(target),
                    other.user.as_deref().unwrap_or("unknown"),
                    &other.host,
                    "*",
                    &other.realname,
                ],
                out,
            );
        } else {
            self.reply(
                id,
                ERR_NOSUCHNICK,
                &[target, "No such nick/channel"],
                out,
            );
        }
        self.reply(id, RPL_ENDOFWHOIS, &[target, "End of WHOIS list"], out);
    }

    /// `PRIVMSG` and `NOTICE` ([RFC 2812 § 3.3]): to an XMPP user (a nick
    /// with `|`), or to another IRC user of this gateway.
    ///
    /// [RFC 2812 § 3.3]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.3
    fn privmsg(&mut self, id: ClientId, m: &Message, out: &mut Vec<Action>) {
        // [RFC 2812 § 3.3.2]: "automatic replies MUST NEVER be sent in
        // response to a NOTICE message. This rule applies to servers too -
        // they MUST NOT send any error reply back to the client on receipt
        // of a notice."
        let notice = m.command == "NOTICE";
        let mut errors = Vec::new();
        let (Some(targets), Some(text)) = (m.param(0), m.param(1)) else {
            let (code, text) = if m.params.is_empty() {
                (
                    ERR_NORECIPIENT,
                    format!("No recipient given ({})", m.command),
                )
            } else {
                (ERR_NOTEXTTOSEND, "No text to send".to_owned())
            };
            if !notice {
                self.reply(id, code, &[&text], out);
            }
            return;
        };
        if text.is_empty() {
            if !notice {
                self.reply(id, ERR_NOTEXTTOSEND, &["No text to send"], out);
            }
            return;
        }
        let Some(sender) = self.clients.get(&id) else {
            return;
        };
        let from_nick = sender.nick.clone().unwrap_or_default();
        let prefix = sender.prefix();
        for target in targets.split(',').filter(|t| !t.is_empty()) {
            if target.starts_with(['#', '&']) {
                errors.push((
                    ERR_NOSUCHCHANNEL,
                    target.to_owned(),
                    "No such channel: this gateway has none".to_owned(),
                ));
                continue;
            }
            let jid = names::jid_for_nick(target);
            // An XMPP user: translate.
            if let Some(jid) = jid.filter(|j| j.domain() != self.name) {
                let Some(body) = irc_to_xmpp_text(text) else {
                    out.push(Action::Event(format!(
                        "irc: {from_nick} sent a CTCP request to {target}, \
                         which has no XMPP equivalent: dropped"
                    )));
                    continue;
                };
                // Only formatting codes: nothing a person would read.
                if body.trim().is_empty() {
                    continue;
                }
                let from =
                    format!("{}@{}", from_nick.to_ascii_lowercase(), self.name);
                out.push(Action::Event(format!(
                    "irc → xmpp: {from_nick} → {jid}: {body}"
                )));
                out.push(Action::Xmpp(self.chat_message(
                    &from,
                    &jid.to_string(),
                    &body,
                )));
                continue;
            }
            // Another IRC user here (also reachable as nick|gw.localhost).
            let local = names::jid_for_nick(target)
                .and_then(|j| j.local().map(str::to_owned))
                .unwrap_or_else(|| target.to_owned());
            let holder =
                self.nicks.get(&local.to_ascii_lowercase()).copied().filter(
                    |h| self.clients.get(h).is_some_and(|c| c.registered),
                );
            match holder {
                Some(to) => {
                    let nick = self
                        .clients
                        .get(&to)
                        .and_then(|c| c.nick.clone())
                        .unwrap_or_default();
                    out.push(Action::Event(format!(
                        "irc → irc: {from_nick} → {nick}: {text}"
                    )));
                    out.push(Action::Irc(
                        to,
                        Message::new(&m.command, &[&nick, text])
                            .with_prefix(prefix.clone()),
                    ));
                }
                None => {
                    let why = if target.contains(names::SEPARATOR) {
                        format!(
                            "No such nick/channel: {target} is not an XMPP \
                             address (alice|localhost is alice@localhost)"
                        )
                    } else {
                        "No such nick/channel".to_owned()
                    };
                    errors.push((ERR_NOSUCHNICK, target.to_owned(), why));
                }
            }
        }
        for (code, target, why) in errors {
            out.push(Action::Event(format!(
                "irc: {code} for {from_nick}: {why} ({target})"
            )));
            if !notice {
                self.reply(id, code, &[&target, &why], out);
            }
        }
    }

    /// A chat message from the gateway's side to an XMPP user.
    fn chat_message(&mut self, from: &str, to: &str, body: &str) -> Element {
        let id = format!("gw-{}", self.next_id);
        self.next_id += 1;
        Element::new("message", Some(ns::COMPONENT_ACCEPT))
            .with_attr("type", "chat")
            .with_attr("from", from)
            .with_attr("to", to)
            .with_attr("id", id)
            .with_child(
                Element::new("body", Some(ns::COMPONENT_ACCEPT))
                    .with_text(body),
            )
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

    /// An error reply to `original` with a human-readable text, or nothing
    /// if `original` is itself an error.
    fn error(
        original: &Element,
        condition: &'static str,
        kind: ErrorType,
        text: &str,
        out: &mut Vec<Action>,
    ) {
        let Some(mut reply) = stanza::error_reply(original, condition, kind)
        else {
            return;
        };
        // error_reply writes the condition alone; add the explanation.
        reply.children.pop();
        let info = StanzaErrorInfo {
            kind,
            condition: condition.to_owned(),
            text: Some(text.to_owned()),
        };
        reply = reply.with_child(info.to_element(ns::COMPONENT_ACCEPT));
        out.push(Action::Event(format!(
            "xmpp: answered {} from {} with {condition}: {text}",
            original.local_name(),
            original.attr("from").unwrap_or("?")
        )));
        out.push(Action::Xmpp(reply));
    }

    fn xmpp_message(
        &mut self,
        stanza: &Element,
        from: &Jid,
        to: &Jid,
        out: &mut Vec<Action>,
    ) {
        let nick = names::irc_nick_of(to, &self.name).map(str::to_owned);
        // An error about a message we sent: tell the IRC user who sent it,
        // as a NOTICE (the IRC way to say something automatic).
        if stanza.attr("type") == Some("error") {
            let condition = stanza
                .child("error", ns::COMPONENT_ACCEPT)
                .and_then(|e| {
                    e.elements().find(|c| {
                        c.ns.as_deref() == Some(ns::STANZAS)
                            && c.local_name() != "text"
                    })
                })
                .map_or("undefined-condition", |c| c.local_name());
            out.push(Action::Event(format!(
                "xmpp: {from} could not take a message from {to}: {condition}"
            )));
            let holder = nick
                .as_ref()
                .and_then(|n| self.nicks.get(&n.to_ascii_lowercase()).copied());
            if let (Some(id), Some(from_nick)) =
                (holder, names::nick_for_jid(from))
            {
                let target = self
                    .clients
                    .get(&id)
                    .and_then(|c| c.nick.clone())
                    .unwrap_or_default();
                out.push(Action::Irc(
                    id,
                    Message::new(
                        "NOTICE",
                        &[
                            &target,
                            &format!(
                                "message not delivered to {}: {condition}",
                                from.bare()
                            ),
                        ],
                    )
                    .with_prefix(xmpp_prefix(&from_nick)),
                ));
            }
            return;
        }
        let Some(body) = stanza
            .child("body", ns::COMPONENT_ACCEPT)
            .map(Element::text)
        else {
            return;
        };
        let Some(nick) = nick else {
            let text = if to.local().is_none() {
                format!(
                    "{} is an IRC gateway: write to NICK@{}",
                    self.name, self.name
                )
            } else {
                format!("{to} is not a possible IRC nick")
            };
            let condition = if to.local().is_none() {
                "service-unavailable"
            } else {
                "item-not-found"
            };
            Self::error(stanza, condition, ErrorType::Cancel, &text, out);
            return;
        };
        let Some(id) = self
            .nicks
            .get(&nick.to_ascii_lowercase())
            .copied()
            .filter(|id| self.clients.get(id).is_some_and(|c| c.registered))
        else {
            Self::error(
                stanza,
                "item-not-found",
                ErrorType::Cancel,
                &format!(
                    "nobody called {nick} is connected to the IRC side of {}",
                    self.name
                ),
                out,
            );
            return;
        };
        let Some(from_nick) = names::nick_for_jid(from) else {
            Self::error(
                stanza,
                "not-acceptable",
                ErrorType::Cancel,
                &format!(
                    "{from} has no IRC nick (only user@domain addresses of up to {NICKLEN} characters do)"
                ),
                out,
            );
            return;
        };
        let target = self
            .clients
            .get(&id)
            .and_then(|c| c.nick.clone())
            .unwrap_or(nick);
        out.push(Action::Event(format!(
            "xmpp → irc: {} → {target}: {body}",
            from.bare()
        )));
        let prefix = xmpp_prefix(&from_nick);
        for text in xmpp_to_irc_lines(&body, &prefix, &target) {
            out.push(Action::Irc(
                id,
                Message::new("PRIVMSG", &[&target, &text])
                    .with_prefix(prefix.clone()),
            ));
        }
    }

    fn xmpp_presence(
        &mut self,
        stanza: &Element,
        from: &Jid,
        to: &Jid,
        out: &mut Vec<Action>,
    ) {
        let kind = stanza.attr("type").unwrap_or("available");
        let user = from.bare().to_string();
        // The gateway itself: always available ([XEP-0100 § 4.1]: the user
        // adds the gateway to the roster).
        if to.local().is_none() {
            let me = |kind: Option<&str>| {
                let p = Element::new("presence", Some(ns::COMPONENT_ACCEPT))
                    .with_attr("from", self.name.clone())
                    .with_attr("to", user.clone());
                match kind {
                    Some(kind) => p.with_attr("type", kind),
                    None => p,
                }
            };
            match kind {
                "subscribe" => {
                    out.push(Action::Xmpp(me(Some("subscribed"))));
                    out.push(Action::Xmpp(me(None)));
                }
                "probe" => out.push(Action::Xmpp(me(None))),
                "unsubscribe" => {
                    out.push(Action::Xmpp(me(Some("unsubscribed"))))
                }
                _ => {}
            }
            return;
        }
        let Some(nick) = names::irc_nick_of(to, &self.name).map(str::to_owned)
        else {
            if matches!(kind, "subscribe" | "probe") {
                Self::error(
                    stanza,
                    "item-not-found",
                    ErrorType::Cancel,
                    &format!("{to} is not a possible IRC nick"),
                    out,
                );
            }
            return;
        };
        let key = nick.to_ascii_lowercase();
        let answer = |kind: &str| {
            Element::new("presence", Some(ns::COMPONENT_ACCEPT))
                .with_attr("from", to.to_string())
                .with_attr("to", user.clone())
                .with_attr("type", kind)
        };
        match kind {
            // RFC 6121 § 3.1.3: approve; then the current presence
            // (§ 3.1.5 has the contact's server send it on approval).
            "subscribe" => {
                self.subscribers
                    .entry(key)
                    .or_default()
                    .insert(user.clone());
                out.push(Action::Event(format!(
                    "xmpp: {user} subscribed to {to}"
                )));
                out.push(Action::Xmpp(answer("subscribed")));
                out.push(Action::Xmpp(self.presence_of(&nick, &user, None)));
            }
            // § 4.3: a probe comes from a server on behalf of a user with a
            // subscription: answer with the current state, and remember.
            "probe" => {
                self.subscribers
                    .entry(key)
                    .or_default()
                    .insert(user.clone());
                out.push(Action::Xmpp(self.presence_of(&nick, &user, None)));
            }
            // § 3.3: the user cancels its subscription.
            "unsubscribe" => {
                if let Some(set) = self.subscribers.get_mut(&key) {
                    set.remove(&user);
                }
                out.push(Action::Event(format!(
                    "xmpp: {user} unsubscribed from {to}"
                )));
                out.push(Action::Xmpp(answer("unsubscribed")));
            }
            // Available, unavailable, subscribed, unsubscribed, error: IRC
            // has nothing to show them to.
            _ => {}
        }
    }

    fn xmpp_iq(&mut self, stanza: &Element, to: &Jid, out: &mut Vec<Action>) {
        let kind = stanza.attr("type").unwrap_or("");
        // Results and errors answer questions we never ask; RFC 6120
        // § 8.2.3 rule 5 forbids answering them.
        if !matches!(kind, "get" | "set") {
            return;
        }
        let Some(query) = stanza.elements().next() else {
            Self::error(
                stanza,
                "bad-request",
                ErrorType::Modify,
                "an iq get or set has one child (RFC 6120 § 8.2.3)",
                out,
            );
            return;
        };
        let query_ns = query.ns.as_deref().unwrap_or("");
        let for_gateway = to.local().is_none();
        let result = |child: Option<Element>| {
            let mut reply = Element::new("iq", Some(ns::COMPONENT_ACCEPT))
                .with_attr("type", "result")
                .with_attr("from", to.to_string());
            if let Some(from) = stanza.attr("from") {
                reply = reply.with_attr("to", from);
            }
            if let Some(id) = stanza.attr("id") {
                reply = reply.with_attr("id", id);
            }
            match child {
                Some(child) => reply.with_child(child),
                None => reply,
            }
        };
        match (kind, query.local_name(), query_ns) {
            // XEP-0030 § 3.1, XEP-0100 § 4.1.1: "gateway" identity, its
            // type naming the legacy network.
            ("get", "query", ns::DISCO_INFO) if for_gateway => {
                let mut info = Element::new("query", Some(ns::DISCO_INFO))
                    .with_attr("xmlns", ns::DISCO_INFO)
                    .with_child(
                        Element::new("identity", Some(ns::DISCO_INFO))
                            .with_attr("category", "gateway")
                            .with_attr("type", "irc")
                            .with_attr("name", "netlab IRC gateway"),
                    );
                for feature in [ns::DISCO_INFO, ns::DISCO_ITEMS, ns::PING] {
                    info = info.with_child(
                        Element::new("feature", Some(ns::DISCO_INFO))
                            .with_attr("var", feature),
                    );
                }
                out.push(Action::Xmpp(result(Some(info))));
            }
            // The IRC users online, as items to start a chat with.
            ("get", "query", ns::DISCO_ITEMS) if for_gateway => {
                let mut items = Element::new("query", Some(ns::DISCO_ITEMS))
                    .with_attr("xmlns", ns::DISCO_ITEMS);
                for nick in self.irc_users() {
                    items = items.with_child(
                        Element::new("item", Some(ns::DISCO_ITEMS))
                            .with_attr(
                                "jid",
                                format!(
                                    "{}@{}",
                                    nick.to_ascii_lowercase(),
                                    self.name
                                ),
                            )
                            .with_attr("name", nick),
                    );
                }
                out.push(Action::Xmpp(result(Some(items))));
            }
            // XEP-0199 § 4.2: a pong is an empty result.
            ("get", "ping", ns::PING) if for_gateway => {
                out.push(Action::Xmpp(result(None)))
            }
            // RFC 6120 § 8.3.3.19: "the feature requested is not provided
            // by the recipient" — and § 8.4: an entity that does not
            // understand an iq's payload MUST answer with an error.
            _ => Self::error(
                stanza,
                "service-unavailable",
                ErrorType::Cancel,
                &format!(
                    "the IRC gateway does not answer <{}/> in {query_ns}",
                    query.local_name()
                ),
                out,
            ),
        }
    }
}

/// `alice|localhost!alice@localhost`: how an XMPP user appears on IRC
/// (nick, then the escaped localpart and domain as user and host).
fn xmpp_prefix(nick: &str) -> String {
    let (user, host) =
        nick.rsplit_once(names::SEPARATOR).unwrap_or((nick, "xmpp"));
    format!("{nick}!{user}@{host}")
}

/// Whether XML 1.0 allows `c` in a document (XML 1.0 § 2.2, `Char`).
/// IRC text may hold control characters XML may not, and one of them in
/// a stanza would make the server close our stream as not-well-formed.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The text of an IRC message as XMPP body text: mIRC formatting codes
/// (bold `\x02`, colour `\x03` with its digits, …) removed, a CTCP ACTION
/// (`/me waves`, sent as `\x01ACTION waves\x01`) written `/me waves` as
/// XMPP clients do ([XEP-0245]). `None` for other CTCP requests (VERSION,
/// PING…), which are for the client software, not a person.
///
/// [XEP-0245]: https://xmpp.org/extensions/xep-0245.html
pub fn irc_to_xmpp_text(text: &str) -> Option<String> {
    let text = match text.strip_prefix('\u{1}') {
        Some(ctcp) => {
            let ctcp = ctcp.strip_suffix('\u{1}').unwrap_or(ctcp);
            let action = ctcp.strip_prefix("ACTION ")?;
            format!("/me {action}")
        }
        None => text.to_owned(),
    };
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Colour: \x03, then up to two digits, then ",", up to two.
            '\u{3}' => {
                for _ in 0..2 {
                    chars.next_if(char::is_ascii_digit);
                }
                if chars.peek() == Some(&',') {
                    let mut look = chars.clone();
                    look.next();
                    if look.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                        for _ in 0..2 {
                            chars.next_if(char::is_ascii_digit);
                        }
                    }
                }
            }
            c if xml_char(c) && c != '\r' => out.push(c),
            // Bold, italics, reset and the rest: dropped.
            _ => {}
        }
    }
    Some(out)
}

/// An XMPP body as the texts of IRC lines: one per line of the body
/// (IRC lines cannot hold a line break), each cut so the whole line
/// `:PREFIX PRIVMSG TARGET :TEXT\r\n` fits in 512 bytes, and `/me …`
/// written as a CTCP ACTION.
pub fn xmpp_to_irc_lines(
    body: &str,
    prefix: &str,
    target: &str,
) -> Vec<String> {
    // ":" prefix " PRIVMSG " target " :" … "\r\n"
    let overhead = 1 + prefix.len() + 9 + target.len() + 2 + 2;
    let room = MAX_LINE.saturating_sub(overhead + 9).max(16);
    let mut lines = Vec::new();
    for line in body.split(['\n', '\r']) {
        let line: String = line.chars().filter(|c| *c != '\0').collect();
        if line.trim().is_empty() {
            continue;
        }
        let (action, text) = match line.strip_prefix("/me ") {
            Some(rest) => (true, rest.to_owned()),
            None => (false, line),
        };
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut end = rest.len().min(room);
            while !rest.is_char_boundary(end) {
                end -= 1;
            }
            let (piece, after) = rest.split_at(end);
            lines.push(if action {
                format!("\u{1}ACTION {piece}\u{1}")
            } else {
                piece.to_owned()
            });
            rest = after;
        }
    }
    lines
}

/// Numerics only the MOTD uses.
const RPL_MOTDSTART: &str = "375";
const RPL_MOTD: &str = "372";
const RPL_ENDOFMOTD: &str = "376";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::framing::{StreamEvent, StreamParser};

    /// Parses stanzas as they arrive in a component stream.
    fn stanza(xml: &str) -> Element {
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
    fn irc(bridge: &mut Bridge, id: ClientId, line: &[u8]) -> Vec<Action> {
        bridge.irc_line(id, Message::parse(line))
    }

    /// The IRC lines for client `id`, as bytes, joined.
    fn lines_for(actions: &[Action], id: ClientId) -> String {
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
    fn xml(actions: &[Action]) -> String {
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
    fn with_mallory() -> Bridge {
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
    fn irc_privmsg_becomes_an_xmpp_chat_message() {
        let mut b = with_mallory();
        let out =
            irc(&mut b, 1, b"PRIVMSG alice|localhost :hi \x02there\x02\r\n");
        assert_eq!(
            xml(&out),
            "<message type=\"chat\" from=\"mallory@gw.localhost\" \
             to=\"alice@localhost\" id=\"gw-1\"><body>hi there</body></message>"
        );
        assert!(out.contains(&Action::Event(
            "irc → xmpp: mallory → alice@localhost: hi there".into()
        )));
        let out = irc(
            &mut b,
            1,
            b"PRIVMSG alice|localhost :\x01ACTION waves\x01\r\n",
        );
        assert!(xml(&out).contains("<body>/me waves</body>"), "{out:?}");
    }

    #[test]
    fn an_xmpp_chat_message_becomes_irc_privmsgs() {
        let mut b = with_mallory();
        let out = b.xmpp_stanza(&stanza(
            "<message from='alice@localhost/phone' to='mallory@gw.localhost' \
             type='chat' id='a1'><body>reply\nsecond line</body></message>",
        ));
        assert_eq!(
            lines_for(&out, 1),
            ":alice|localhost!alice@localhost PRIVMSG mallory reply\r\n\
             :alice|localhost!alice@localhost PRIVMSG mallory :second line\r\n"
        );
        // A long body is cut into lines of at most 512 bytes.
        let long = "é".repeat(600);
        let out = b.xmpp_stanza(&stanza(&format!(
            "<message from='alice@localhost' to='Mallory@gw.localhost'>\
             <body>{long}</body></message>"
        )));
        let text = lines_for(&out, 1);
        assert!(text.lines().count() >= 3, "{text}");
        for line in text.split_inclusive('\n') {
            assert!(line.len() <= MAX_LINE, "{}", line.len());
        }
        let total: String = out
            .iter()
            .filter_map(|a| match a {
                Action::Irc(_, m) => m.param(1).map(str::to_owned),
                _ => None,
            })
            .collect();
        assert_eq!(total, long);
    }

    #[test]
    fn a_message_to_an_absent_nick_is_item_not_found_and_errors_are_not_answered()
     {
        let mut b = with_mallory();
        let out = b.xmpp_stanza(&stanza(
            "<message from='alice@localhost/phone' to='bob@gw.localhost' \
             id='m1' type='chat'><body>hello?</body></message>",
        ));
        let reply = xml(&out);
        assert!(reply.starts_with(
            "<message to=\"alice@localhost/phone\" from=\"bob@gw.localhost\" \
             id=\"m1\" type=\"error\"><error type=\"cancel\"><item-not-found \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/>"
        ), "{reply}");
        // An error stanza is never answered (RFC 6120 § 8.3.1)…
        let out = b.xmpp_stanza(&stanza(
            "<message from='alice@localhost' to='bob@gw.localhost' \
             type='error'><body>x</body><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             </error></message>",
        ));
        assert_eq!(xml(&out), "");
        // …but one about mallory's message is shown to mallory.
        let out = b.xmpp_stanza(&stanza(
            "<message from='nobody@localhost' to='mallory@gw.localhost' \
             type='error'><error type='cancel'>\
             <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             </error></message>",
        ));
        assert_eq!(xml(&out), "");
        assert!(lines_for(&out, 1).contains(
            "NOTICE mallory :message not delivered to nobody@localhost: \
             service-unavailable"
        ));
    }

    #[test]
    fn irc_errors_401_and_friends() {
        let mut b = with_mallory();
        let out = irc(&mut b, 1, b"PRIVMSG nobody :hi\r\n");
        assert!(
            lines_for(&out, 1).contains(" 401 mallory nobody :No such nick")
        );
        let out = irc(&mut b, 1, b"PRIVMSG x\\zz|y :hi\r\n");
        assert!(lines_for(&out, 1).contains(" 401 mallory "), "{out:?}");
        assert_eq!(xml(&out), "");
        // NOTICE never gets an error (RFC 2812 § 3.3.2).
        let out = irc(&mut b, 1, b"NOTICE nobody :hi\r\n");
        assert_eq!(lines_for(&out, 1), "");
        let out = irc(&mut b, 1, b"JOIN #rust\r\n");
        assert!(lines_for(&out, 1).contains(" 403 mallory #rust "));
        let out = irc(&mut b, 1, b"LIST\r\n");
        assert!(lines_for(&out, 1).contains(" 421 mallory LIST "));
        let out = irc(&mut b, 1, b"MODE mallory +i\r\n");
        assert!(lines_for(&out, 1).contains(" 221 mallory +"));
        let out = irc(&mut b, 1, b"PING :abc\r\n");
        assert_eq!(
            lines_for(&out, 1),
            ":gw.localhost PONG gw.localhost abc\r\n"
        );
        let out = irc(&mut b, 1, b"PRIVMSG\r\n");
        assert!(lines_for(&out, 1).contains(" 411 "));
        let out = irc(&mut b, 1, b"PRIVMSG bob\r\n");
        assert!(lines_for(&out, 1).contains(" 412 "));
        let out = irc(&mut b, 1, &[b'A'; 600]);
        assert!(lines_for(&out, 1).contains(" 417 "));
    }

    #[test]
    fn registration_errors() {
        let mut b = with_mallory();
        b.irc_connected(2, "127.0.0.2");
        let out = irc(&mut b, 2, b"PRIVMSG mallory :hi\r\n");
        assert!(lines_for(&out, 2).contains(" 451 * "));
        let out = irc(&mut b, 2, b"NICK\r\n");
        assert!(lines_for(&out, 2).contains(" 431 * "));
        let out = irc(&mut b, 2, b"NICK MALLORY\r\n");
        assert!(lines_for(&out, 2).contains(" 433 * MALLORY "));
        let out = irc(&mut b, 2, b"NICK alice|localhost\r\n");
        assert!(lines_for(&out, 2).contains(" 432 * alice|localhost "));
        let out = irc(&mut b, 2, b"NICK 9lives\r\n");
        assert!(lines_for(&out, 2).contains(" 432 "));
        irc(&mut b, 2, b"NICK bob\r\n");
        let out = irc(&mut b, 2, b"USER b 0 *\r\n");
        assert!(lines_for(&out, 2).contains(" 461 bob USER "));
        let out = irc(&mut b, 2, b"USER b 0 * :Bob\r\n");
        assert!(lines_for(&out, 2).contains(" 001 bob "));
        let out = irc(&mut b, 2, b"USER b 0 * :Bob\r\n");
        assert!(lines_for(&out, 2).contains(" 462 bob "));
        // Two IRC users talk directly.
        let out = irc(&mut b, 2, b"PRIVMSG Mallory :hey\r\n");
        assert_eq!(
            lines_for(&out, 1),
            ":bob!b@127.0.0.2 PRIVMSG mallory hey\r\n"
        );
        let out = irc(&mut b, 2, b"QUIT :bye now\r\n");
        assert_eq!(
            lines_for(&out, 2),
            "ERROR :Closing Link: 127.0.0.2 (Quit: bye now)\r\n"
        );
        assert!(out.contains(&Action::Disconnect(2)));
    }

    #[test]
    fn presence_subscription_probe_and_quit() {
        let mut b = Bridge::new("gw.localhost");
        let out = b.xmpp_stanza(&stanza(
            "<presence from='alice@localhost' to='mallory@gw.localhost' \
             type='subscribe'/>",
        ));
        assert_eq!(
            xml(&out),
            "<presence from=\"mallory@gw.localhost\" to=\"alice@localhost\" \
             type=\"subscribed\"/>\
             <presence from=\"mallory@gw.localhost\" to=\"alice@localhost\" \
             type=\"unavailable\"/>"
        );
        b.irc_connected(1, "127.0.0.1");
        irc(&mut b, 1, b"NICK Mallory\r\n");
        let out = irc(&mut b, 1, b"USER m 0 * :M\r\n");
        assert_eq!(
            xml(&out),
            "<presence from=\"mallory@gw.localhost\" to=\"alice@localhost\"/>"
        );
        let out = b.xmpp_stanza(&stanza(
            "<presence from='bob@localhost/x' to='mallory@gw.localhost' \
             type='probe'/>",
        ));
        assert_eq!(
            xml(&out),
            "<presence from=\"mallory@gw.localhost\" to=\"bob@localhost\"/>"
        );
        let out = b.irc_disconnected(1, "connection reset");
        assert_eq!(
            xml(&out),
            "<presence from=\"mallory@gw.localhost\" to=\"alice@localhost\" \
             type=\"unavailable\"><status>connection reset</status></presence>\
             <presence from=\"mallory@gw.localhost\" to=\"bob@localhost\" \
             type=\"unavailable\"><status>connection reset</status></presence>"
        );
    }

    #[test]
    fn disco_and_unknown_iqs() {
        let mut b = with_mallory();
        let out = b.xmpp_stanza(&stanza(
            "<iq from='alice@localhost/p' to='gw.localhost' id='d1' \
             type='get'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
        ));
        let reply = xml(&out);
        assert!(reply.contains("type=\"result\""), "{reply}");
        assert!(
            reply.contains("category=\"gateway\" type=\"irc\""),
            "{reply}"
        );
        let out = b.xmpp_stanza(&stanza(
            "<iq from='alice@localhost/p' to='gw.localhost' id='d2' \
             type='get'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>",
        ));
        assert!(xml(&out).contains("jid=\"mallory@gw.localhost\""));
        let out = b.xmpp_stanza(&stanza(
            "<iq from='alice@localhost/p' to='gw.localhost' id='v1' \
             type='get'><query xmlns='jabber:iq:version'/></iq>",
        ));
        assert!(xml(&out).contains("<service-unavailable"), "{out:?}");
        let out = b.xmpp_stanza(&stanza(
            "<iq from='alice@localhost/p' to='gw.localhost' id='r1' \
             type='result'/>",
        ));
        assert!(out.is_empty());
    }

    #[test]
    fn irc_text_is_made_xml_safe() {
        assert_eq!(
            irc_to_xmpp_text("\x0304,12red\x03 \x1fu\x0f \x0399x\x03,y"),
            Some("red u x,y".into())
        );
        assert_eq!(irc_to_xmpp_text("\x01VERSION\x01"), None);
        assert_eq!(irc_to_xmpp_text("a\x00b\x07c"), Some("abc".into()));
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
