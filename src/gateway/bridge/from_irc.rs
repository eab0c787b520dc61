//! The IRC side of the bridge: what each IRC command does.
//!
//! This is the small IRC server ([RFC 2812 § 3]): registration with `NICK`
//! and `USER` (after IRCv3 `CAP LS … CAP END` if the client starts with
//! it), the `001`–`004` welcome, `PING`/`PONG`, `QUIT`, and a clear
//! numeric for everything else. `PRIVMSG` and `NOTICE` to a nick with `|`
//! are translated into XMPP chat messages; to another IRC user they are
//! relayed as they are.
//!
//! Read before: `../bridge.rs` (the state). Read next: `from_xmpp.rs`.
//!
//! [RFC 2812 § 3]: https://datatracker.ietf.org/doc/html/rfc2812#section-3

use super::{Action, Bridge, ClientId, VERSION};
use crate::gateway::irc::{Message, numeric::*};
use crate::gateway::names::{self, NICKLEN};
use crate::xmpp::framing::Element;
use crate::xmpp::ns;

impl Bridge {
    pub(super) fn irc_message(
        &mut self,
        id: ClientId,
        m: Message,
        out: &mut Vec<Action>,
    ) {
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

/// Numerics only the MOTD uses.
const RPL_MOTDSTART: &str = "375";
const RPL_MOTD: &str = "372";
const RPL_ENDOFMOTD: &str = "376";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::bridge::tests::{irc, lines_for, with_mallory, xml};

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
    fn irc_text_is_made_xml_safe() {
        assert_eq!(
            irc_to_xmpp_text("\x0304,12red\x03 \x1fu\x0f \x0399x\x03,y"),
            Some("red u x,y".into())
        );
        assert_eq!(irc_to_xmpp_text("\x01VERSION\x01"), None);
        assert_eq!(irc_to_xmpp_text("a\x00b\x07c"), Some("abc".into()));
    }
}
