//! A bound resource's session: who it is, what it has announced, and the
//! entry point for each stanza it sends (RFC 6120 § 8, § 10).
//!
//! Once a connection has bound a resource, every complete stanza it sends
//! comes to [`Session::handle`]. The rules that apply to all three kinds
//! live here:
//!
//! - the server stamps `from` with the sender's full JID, whatever the
//!   client wrote (RFC 6120 § 8.1.2.1: a client cannot speak for someone
//!   else);
//! - a stanza that breaks the rules gets an error reply, and an error is
//!   never answered with an error (§ 8.3.1);
//! - a stanza for another domain gets `remote-server-not-found`: this
//!   server does not federate (§ 10.4.3).
//!
//! Handlers are plain functions, not `async`: they look things up in the
//! router and the store, queue XML for this client in `out` and for others
//! in their mailboxes, and return. The connection task does the writing.

use std::collections::HashSet;
use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{self, ErrorType, Message, Stanza, StanzaError};

use super::Shared;
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
    /// XML for this client, written by the connection after the handler.
    pub out: Vec<Arc<str>>,
    /// Offline messages in `out`, to delete once they are written.
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
            out: Vec::new(),
            delivered_offline: Vec::new(),
        }
    }

    /// The account's bare JID.
    pub fn bare(&self) -> Jid {
        self.jid.bare()
    }

    /// Queues an element for this client.
    pub fn send(&mut self, element: &Element) {
        self.out.push(element.to_xml().into());
    }

    /// Handles one stanza from the client.
    pub fn handle(&mut self, shared: &Shared, mut element: Element) -> Flow {
        // Stamp `from` before anything else reads the stanza — unless the
        // stanza is already at the attribute limit, where one more would
        // make it unreadable to the recipient's parser.
        if element.attr("from").is_none()
            && element.attributes.len() >= shared.config.limits.max_attributes
        {
            self.error(&element, "policy-violation", ErrorType::Modify);
            return Flow::Continue;
        }
        set_attr(&mut element, "from", &self.jid_text);
        // Messages, the bulk of the traffic, are routed on their envelope
        // alone: no copy of the element, no typed children.
        if element.local_name() == "message" {
            let (common, kind) = match Message::envelope(&element) {
                Ok(envelope) => envelope,
                Err(err) => return self.refuse(&element, &err),
            };
            if let Some(to) = &common.to
                && to.domain() != shared.config.domain
            {
                self.error(
                    &element,
                    "remote-server-not-found",
                    ErrorType::Cancel,
                );
                return Flow::Continue;
            }
            message::handle(shared, self, element, common.to, kind);
            return Flow::Continue;
        }
        let stanza = match Stanza::try_from(element.clone()) {
            Ok(stanza) => stanza,
            Err(err) => return self.refuse(&element, &err),
        };
        // Stanzas for another domain: no federation here.
        let to = match &stanza {
            Stanza::Message(m) => m.common.to.as_ref(),
            Stanza::Presence(p) => p.common.to.as_ref(),
            Stanza::Iq(i) => i.common.to.as_ref(),
        };
        if let Some(to) = to
            && to.domain() != shared.config.domain
        {
            self.error(&element, "remote-server-not-found", ErrorType::Cancel);
            return Flow::Continue;
        }
        match stanza {
            Stanza::Message(m) => {
                message::handle(shared, self, element, m.common.to, m.kind)
            }
            Stanza::Presence(p) => presence::handle(shared, self, element, p),
            Stanza::Iq(i) => iq::handle(shared, self, element, i),
        }
        Flow::Continue
    }

    /// Answers a stanza that failed to parse: a stanza error, or a stream
    /// error when the RFC says the fault is the stream's.
    fn refuse(&mut self, element: &Element, err: &StanzaError) -> Flow {
        if err.is_stream_error() {
            return Flow::StreamError(err.condition(), err.to_string());
        }
        let kind = match err.condition() {
            "bad-request" | "jid-malformed" => ErrorType::Modify,
            _ => ErrorType::Cancel,
        };
        self.error(element, err.condition(), kind);
        Flow::Continue
    }

    /// The database failed: logged for the operator, and the client gets
    /// `internal-server-error` (retry later) rather than silence.
    pub fn store_failed(
        &mut self,
        original: &Element,
        err: &dyn std::fmt::Display,
    ) {
        tracing::error!("store: {err}");
        self.error(original, "internal-server-error", ErrorType::Wait);
    }

    /// Sends the error reply to `original` back to this client (never to
    /// an error).
    pub fn error(
        &mut self,
        original: &Element,
        condition: &'static str,
        kind: ErrorType,
    ) {
        // The reply goes to the sender: `from` was stamped with our JID,
        // `to` is what the client addressed; error_reply swaps them.
        if let Some(reply) = stanza::error_reply(original, condition, kind) {
            self.send(&reply);
        }
    }
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

/// Whether `jid` is an account of this server (not the server itself).
pub fn local_user<'a>(shared: &Shared, jid: &'a Jid) -> Option<&'a str> {
    if jid.domain() == shared.config.domain {
        jid.local()
    } else {
        None
    }
}

/// Reads back an element the server stored as XML (an offline message, a
/// vCard). It was written by this server from a parsed element, so it is
/// well-formed; it is parsed inside a `jabber:client` stream so that its
/// namespaces resolve as they did when it arrived.
pub fn parse_stored(xml: &str) -> Option<Element> {
    crate::xmpp::framing::parse_one(xml).ok()
}
