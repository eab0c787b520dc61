//! A bound resource's session: who it is, what it has announced, and the
//! entry point for each stanza it sends (RFC 6120 § 8, § 10).
//!
//! Once a client connection (`c2s.rs`) has bound a resource, every complete
//! stanza it sends comes to [`Session::handle`]. The rules that apply to
//! all three kinds from a client live here:
//!
//! - the server stamps `from` with the sender's full JID, whatever the
//!   client wrote (RFC 6120 § 8.1.2.1: a client cannot speak for someone
//!   else);
//! - a stanza that breaks the rules gets an error reply, and an error is
//!   never answered with an error (§ 8.3.1);
//! - then the stanza goes to the handler of its kind, which asks
//!   `route.rs` where it is addressed.
//!
//! Handlers are plain functions, not `async`: they look things up in the
//! router and the store, queue XML for this client in a [`Replies`] and for
//! others in their mailboxes, and return. The connection task does the
//! writing.
//!
//! Read before: `c2s.rs`. Read next: `route.rs`.

use std::collections::HashSet;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{ErrorType, Message, Stanza, StanzaError};

use super::Shared;
use super::reply::Replies;
use super::{iq, message, presence};

/// A stanza handler's verdict on the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// End the stream with this stream error condition.
    StreamError(&'static str, String),
}

/// One bound resource.
pub struct Session {
    /// The account: `juliet` in `juliet@localhost/balcony`.
    pub user: String,
    /// The full JID, as bound.
    pub jid: Jid,
    /// The same, as text: stamped as `from` on every stanza.
    pub jid_text: String,
    /// This connection's number: router entries are matched by it, so a
    /// replaced connection cannot change its successor's.
    pub conn: u64,
    /// Whether initial presence was sent (RFC 6121 § 4.2).
    pub available: bool,
    /// Where directed presence went (RFC 6121 § 4.6): they get our
    /// unavailable presence when we leave.
    pub directed: HashSet<Jid>,
    /// Offline messages queued for this client, to delete once written.
    pub delivered_offline: Vec<i64>,
}

impl Session {
    /// A session for a freshly bound resource.
    pub fn new(user: String, jid: Jid, conn: u64) -> Self {
        Session {
            user,
            jid_text: jid.to_string(),
            jid,
            conn,
            available: false,
            directed: HashSet::new(),
            delivered_offline: Vec::new(),
        }
    }

    /// The account's bare JID.
    pub fn bare(&self) -> Jid {
        self.jid.bare()
    }

    /// Handles one stanza from the client; replies for it go to `out`.
    pub fn handle(
        &mut self,
        shared: &Shared,
        out: &mut Replies,
        mut element: Element,
    ) -> Flow {
        // Stamp `from` before anything else reads the stanza — unless the
        // stanza is already at the attribute limit, where one more would
        // make it unreadable to the recipient's parser.
        if element.attr("from").is_none()
            && element.attributes.len() >= shared.config.limits.max_attributes
        {
            out.error(&element, "policy-violation", ErrorType::Modify);
            return Flow::Continue;
        }
        set_attr(&mut element, "from", &self.jid_text);
        // Messages, the bulk of the traffic, are routed on their envelope
        // alone: no copy of the element, no typed children.
        if element.local_name() == "message" {
            let (common, kind) = match Message::envelope(&element) {
                Ok(envelope) => envelope,
                Err(err) => return refuse(out, &element, &err),
            };
            // RFC 6120 § 10.3.1: no `to` means the sender's own bare JID.
            let to = common.to.unwrap_or_else(|| self.bare());
            message::handle(shared, out, element, &to, kind);
            return Flow::Continue;
        }
        let stanza = match Stanza::try_from(element.clone()) {
            Ok(stanza) => stanza,
            Err(err) => return refuse(out, &element, &err),
        };
        match stanza {
            Stanza::Message(m) => {
                let to = m.common.to.unwrap_or_else(|| self.bare());
                message::handle(shared, out, element, &to, m.kind)
            }
            Stanza::Presence(p) => {
                presence::from_client(shared, self, out, element, p)
            }
            Stanza::Iq(i) => iq::handle(shared, Some(self), out, element, i),
        }
        Flow::Continue
    }
}

/// Answers a stanza that failed to parse: a stanza error, or a stream
/// error when the RFC says the fault is the stream's.
pub fn refuse(out: &mut Replies, element: &Element, err: &StanzaError) -> Flow {
    if err.is_stream_error() {
        return Flow::StreamError(err.condition(), err.to_string());
    }
    let kind = match err.condition() {
        "bad-request" | "jid-malformed" => ErrorType::Modify,
        _ => ErrorType::Cancel,
    };
    out.error(element, err.condition(), kind);
    Flow::Continue
}

/// Sets (or replaces) an attribute.
pub fn set_attr(element: &mut Element, name: &str, value: &str) {
    match element.attributes.iter_mut().find(|a| a.name == name) {
        Some(attribute) => value.clone_into(&mut attribute.value),
        None => element.attributes.push(crate::xmpp::framing::Attribute {
            name: name.to_owned(),
            value: value.to_owned(),
        }),
    }
}

/// Reads back an element the server stored as XML (an offline message, a
/// vCard). It was written by this server from a parsed element, so it is
/// well-formed; it is parsed inside a `jabber:client` stream so that its
/// namespaces resolve as they did when it arrived.
pub fn parse_stored(xml: &str) -> Option<Element> {
    crate::xmpp::framing::parse_one(xml).ok()
}
