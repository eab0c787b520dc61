//! Every XML namespace netlab speaks, in one place.
//!
//! An XMPP element is named by two things: its local name (`message`,
//! `query`) and its namespace, a URI-like string that says which
//! specification defines it. `<query xmlns='jabber:iq:roster'/>` and
//! `<query xmlns='http://jabber.org/protocol/disco#info'/>` share a name and
//! nothing else. Code that compares namespaces should compare against the
//! constants here, so that a typo cannot make two files disagree.
//!
//! Three of them are *content namespaces*: the default namespace of a
//! stream, which every stanza in it inherits without writing it
//! ([RFC 6120 § 4.8.2]). A stanza that moves from one kind of stream to
//! another changes namespace on the way (see [`super::framing::Element::
//! renamespace`]):
//!
//! | stream                      | content namespace          | spec          |
//! |-----------------------------|----------------------------|---------------|
//! | client ↔ server (c2s)       | `jabber:client`            | RFC 6120      |
//! | server ↔ server (s2s)       | `jabber:server`            | RFC 6120      |
//! | component → server          | `jabber:component:accept`  | XEP-0114      |
//!
//! Read next: [`super::framing`], which resolves the namespaces of what
//! arrives.
//!
//! [RFC 6120 § 4.8.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.2

// --- streams -------------------------------------------------------------

/// The namespace of `<stream:stream>` and `<stream:features>`
/// ([RFC 6120 § 4.8.1]).
///
/// [RFC 6120 § 4.8.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.1
pub const STREAMS: &str = "http://etherx.jabber.org/streams";

/// Content namespace of client-to-server streams ([RFC 6120 § 4.8.2]).
///
/// [RFC 6120 § 4.8.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.2
pub const CLIENT: &str = "jabber:client";

/// Content namespace of server-to-server streams ([RFC 6120 § 4.8.2]).
///
/// [RFC 6120 § 4.8.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.2
pub const SERVER: &str = "jabber:server";

/// Content namespace of an external component's stream to its server
/// ([XEP-0114 § 3]).
///
/// [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
pub const COMPONENT_ACCEPT: &str = "jabber:component:accept";

/// Stream error conditions ([RFC 6120 § 4.9.2]).
///
/// [RFC 6120 § 4.9.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.2
pub const STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";

/// Stanza error conditions ([RFC 6120 § 8.3.2]).
///
/// [RFC 6120 § 8.3.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.2
pub const STANZAS: &str = "urn:ietf:params:xml:ns:xmpp-stanzas";

/// Server dialback elements, `db:result` and `db:verify` ([XEP-0220]).
///
/// [XEP-0220]: https://xmpp.org/extensions/xep-0220.html
pub const DIALBACK: &str = "jabber:server:dialback";

/// The stream feature that announces dialback ([XEP-0220 § 2.1]).
///
/// [XEP-0220 § 2.1]: https://xmpp.org/extensions/xep-0220.html#advertisement
pub const DIALBACK_FEATURE: &str = "urn:xmpp:features:dialback";

// --- stream negotiation ----------------------------------------------------

/// STARTTLS negotiation ([RFC 6120 § 5.4]).
///
/// [RFC 6120 § 5.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-5.4
pub const TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";

/// SASL authentication ([RFC 6120 § 6.4]).
///
/// [RFC 6120 § 6.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4
pub const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";

/// Resource binding ([RFC 6120 § 7]).
///
/// [RFC 6120 § 7]: https://datatracker.ietf.org/doc/html/rfc6120#section-7
pub const BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";

/// The legacy session establishment of RFC 3921, still sent by older
/// clients; RFC 6121 removed it, servers announce it as optional
/// (draft-cridland-xmpp-session-01).
pub const SESSION: &str = "urn:ietf:params:xml:ns:xmpp-session";

/// Roster versioning is supported ([RFC 6121 § 2.6]).
///
/// [RFC 6121 § 2.6]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.6
pub const ROSTERVER: &str = "urn:xmpp:features:rosterver";

// --- payloads ----------------------------------------------------------------

/// The roster ([RFC 6121 § 2.1]).
///
/// [RFC 6121 § 2.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.1
pub const ROSTER: &str = "jabber:iq:roster";

/// Service discovery: identity and features ([XEP-0030]).
///
/// [XEP-0030]: https://xmpp.org/extensions/xep-0030.html
pub const DISCO_INFO: &str = "http://jabber.org/protocol/disco#info";

/// Service discovery: items ([XEP-0030]).
///
/// [XEP-0030]: https://xmpp.org/extensions/xep-0030.html
pub const DISCO_ITEMS: &str = "http://jabber.org/protocol/disco#items";

/// XMPP Ping ([XEP-0199]).
///
/// [XEP-0199]: https://xmpp.org/extensions/xep-0199.html
pub const PING: &str = "urn:xmpp:ping";

/// vcard-temp ([XEP-0054]).
///
/// [XEP-0054]: https://xmpp.org/extensions/xep-0054.html
pub const VCARD: &str = "vcard-temp";

/// Software version ([XEP-0092]).
///
/// [XEP-0092]: https://xmpp.org/extensions/xep-0092.html
pub const VERSION: &str = "jabber:iq:version";

/// Delayed delivery: when and by whom a message was held ([XEP-0203]).
///
/// [XEP-0203]: https://xmpp.org/extensions/xep-0203.html
pub const DELAY: &str = "urn:xmpp:delay";

/// Chat state notifications: "typing…" ([XEP-0085]).
///
/// [XEP-0085]: https://xmpp.org/extensions/xep-0085.html
pub const CHATSTATES: &str = "http://jabber.org/protocol/chatstates";

/// Bits of Binary: small binary data inside a stanza ([XEP-0231]).
///
/// [XEP-0231]: https://xmpp.org/extensions/xep-0231.html
pub const BOB: &str = "urn:xmpp:bob";

/// Stream management: acknowledgements and resumption ([XEP-0198]).
///
/// [XEP-0198]: https://xmpp.org/extensions/xep-0198.html
pub const SM: &str = "urn:xmpp:sm:3";

/// Whether `ns` is one of the three content namespaces, the ones a stanza
/// inherits from its stream and changes when it changes streams.
pub fn is_content(ns: &str) -> bool {
    matches!(ns, CLIENT | SERVER | COMPONENT_ACCEPT)
}
