//! A bound resource's session: who it is and what it has announced
//! (RFC 6120 § 7, RFC 6121 § 4).
//!
//! A client connection (`c2s.rs`) makes one once it has bound a resource;
//! `dispatch.rs` hands it, with each stanza, to the handlers, which read
//! and change it (presence sent, directed presence, offline messages
//! written). It holds state only: nothing here handles a stanza, so every
//! handler may use it without a circle of imports.
//!
//! Read before: `c2s.rs`. Read next: `dispatch.rs`.

use std::collections::HashSet;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;

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
