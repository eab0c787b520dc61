//! The XMPP side of the bridge: what each stanza from the server does.
//!
//! A `<message/>` to `nick@gw` becomes `PRIVMSG`s to that IRC user; a
//! `<presence/>` subscription or probe is answered with the IRC user's
//! state ([RFC 6121 § 3], § 4.3); an `<iq/>` to the gateway gets its
//! service discovery identity ([XEP-0030], [XEP-0100] § 4.1.1) and anything
//! else `service-unavailable`. Errors are answered with text, never
//! errors with errors.
//!
//! Read before: `from_irc.rs`. Read next: `../mod.rs` (the sockets).
//!
//! [RFC 6121 § 3]: https://datatracker.ietf.org/doc/html/rfc6121#section-3
//! [XEP-0030]: https://xmpp.org/extensions/xep-0030.html
//! [XEP-0100]: https://xmpp.org/extensions/xep-0100.html

use super::{Action, Bridge};
use crate::gateway::irc::{MAX_LINE, Message};
use crate::gateway::names::{self, NICKLEN};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{self, ErrorType, StanzaErrorInfo};

impl Bridge {
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

    pub(super) fn xmpp_message(
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

    pub(super) fn xmpp_presence(
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

    pub(super) fn xmpp_iq(
        &mut self,
        stanza: &Element,
        to: &Jid,
        out: &mut Vec<Action>,
    ) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::bridge::tests::{
        irc, lines_for, stanza, with_mallory, xml,
    };

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
}
