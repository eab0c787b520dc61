//! Typed stanzas: the three kinds of [RFC 6120 § 8], read from and written
//! back to [`Element`] trees.
//!
//! - `<message/>`: push, fire and forget ([RFC 6120 § 8.2.1], details in
//!   RFC 6121 § 5);
//! - `<presence/>`: broadcast availability ([RFC 6120 § 8.2.2], RFC 6121
//!   § 4);
//! - `<iq/>`: request and response, one answer per question
//!   ([RFC 6120 § 8.2.3]).
//!
//! All three share the common attributes of [RFC 6120 § 8.1] (`to`, `from`,
//! `id`, `type`, `xml:lang`), kept in [`Common`]. A stanza that breaks the
//! rules is answered with an *error stanza* ([RFC 6120 § 8.3]), built by
//! [`error_reply`]; a broken stream is closed with a stream error
//! ([RFC 6120 § 4.9]), built by [`stream_error`].
//!
//! The rules live in the types where they can: an `<iq type='get'>` carries
//! exactly one child, so [`IqType::Get`] holds one [`Element`]; a result
//! holds zero or one, so [`IqType::Result`] holds an `Option<Element>`.
//! Children this module does not know (extensions, lesson 6) are kept
//! untouched in `payloads` and written back as they came.
//!
//! [RFC 6120 § 4.9]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9
//! [RFC 6120 § 8]: https://datatracker.ietf.org/doc/html/rfc6120#section-8
//! [RFC 6120 § 8.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.1
//! [RFC 6120 § 8.2.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.1
//! [RFC 6120 § 8.2.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.2
//! [RFC 6120 § 8.2.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.3
//! [RFC 6120 § 8.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3

use super::framing::{Element, Node};
use super::jid::{Jid, JidError};
use crate::xmpp::ns;

/// Why an [`Element`] is not a valid stanza. [`StanzaError::condition`]
/// names the error to answer with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StanzaError {
    /// The element is not in a content namespace (RFC 6120 § 4.8.2).
    #[error(
        "<{name}> is in namespace {ns:?}, not jabber:client or \
         jabber:server (RFC 6120 § 4.9.3.10)"
    )]
    InvalidNamespace {
        /// The element's name as written.
        name: String,
        /// The namespace it resolved to.
        ns: Option<String>,
    },
    /// The element is not `message`, `presence` or `iq`.
    #[error(
        "<{name}> is not a stanza: only message, presence and iq are \
         (RFC 6120 § 4.9.3.23)"
    )]
    UnsupportedStanzaType {
        /// The element's name as written.
        name: String,
    },
    /// `to` or `from` is not a JID.
    #[error(
        "the '{attribute}' address '{value}' is not a JID: {source} \
         (RFC 6120 § 8.3.3.8)"
    )]
    JidMalformed {
        /// `to` or `from`.
        attribute: &'static str,
        /// The value as written.
        value: String,
        /// What is wrong with it.
        source: JidError,
    },
    /// The stanza breaks a rule of RFC 6120 § 8 or RFC 6121.
    #[error("bad request: {reason}")]
    BadRequest {
        /// The rule, in words, with its section.
        reason: String,
    },
}

impl StanzaError {
    /// The name of the error condition to answer with.
    ///
    /// `jid-malformed` and `bad-request` are stanza errors
    /// ([RFC 6120 § 8.3.3], for [`error_reply`]); `invalid-namespace` and
    /// `unsupported-stanza-type` are stream errors ([RFC 6120 § 4.9.3], for
    /// [`stream_error`]): an element that is not a stanza has no stanza to
    /// answer.
    ///
    /// [RFC 6120 § 8.3.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.3
    /// [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
    pub fn condition(&self) -> &'static str {
        match self {
            // § 4.9.3.10
            StanzaError::InvalidNamespace { .. } => "invalid-namespace",
            // § 4.9.3.23
            StanzaError::UnsupportedStanzaType { .. } => {
                "unsupported-stanza-type"
            }
            // § 8.3.3.8
            StanzaError::JidMalformed { .. } => "jid-malformed",
            // § 8.3.3.1
            StanzaError::BadRequest { .. } => "bad-request",
        }
    }

    /// Whether the condition is a stream error (the stream must close)
    /// rather than a stanza error (the stanza is answered).
    pub fn is_stream_error(&self) -> bool {
        matches!(
            self,
            StanzaError::InvalidNamespace { .. }
                | StanzaError::UnsupportedStanzaType { .. }
        )
    }
}

/// Shorthand for a [`StanzaError::BadRequest`].
fn bad_request(reason: impl Into<String>) -> StanzaError {
    StanzaError::BadRequest {
        reason: reason.into(),
    }
}

/// The content namespace a stanza was read in, and is written back in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Namespace {
    /// `jabber:client`.
    #[default]
    Client,
    /// `jabber:server`.
    Server,
    /// `jabber:component:accept` (XEP-0114).
    Component,
}

impl Namespace {
    /// The namespace URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Namespace::Client => ns::CLIENT,
            Namespace::Server => ns::SERVER,
            Namespace::Component => ns::COMPONENT_ACCEPT,
        }
    }
}

/// The attributes every stanza may carry ([RFC 6120 § 8.1]); `type` is not
/// here, as its values differ per kind.
///
/// [RFC 6120 § 8.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.1
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Common {
    /// The content namespace, not written as an attribute: a stanza
    /// inherits it from the stream's default namespace.
    pub ns: Namespace,
    /// `to`: the intended recipient (§ 8.1.1).
    pub to: Option<Jid>,
    /// `from`: the sender, stamped by the server (§ 8.1.2).
    pub from: Option<Jid>,
    /// `id`: ties a response to its request (§ 8.1.3).
    pub id: Option<String>,
    /// `xml:lang`: the language of the human-readable text (§ 8.1.5).
    pub lang: Option<String>,
}

/// A JID attribute, if present, checked (RFC 6120 § 8.3.3.8).
fn jid_attr(
    element: &Element,
    attribute: &'static str,
) -> Result<Option<Jid>, StanzaError> {
    element
        .attr(attribute)
        .map(|value| {
            Jid::parse(value).map_err(|source| StanzaError::JidMalformed {
                attribute,
                value: value.to_owned(),
                source,
            })
        })
        .transpose()
}

impl Common {
    /// Reads the common attributes of a stanza in namespace `ns`.
    fn parse(element: &Element, ns: Namespace) -> Result<Common, StanzaError> {
        Ok(Common {
            ns,
            to: jid_attr(element, "to")?,
            from: jid_attr(element, "from")?,
            id: element.attr("id").map(str::to_owned),
            lang: element.attr("xml:lang").map(str::to_owned),
        })
    }

    /// A new element `name` with these attributes and `type`, if any.
    fn element(&self, name: &str, kind: Option<&str>) -> Element {
        let mut element = Element::new(name, Some(self.ns.as_str()));
        if let Some(to) = &self.to {
            element = element.with_attr("to", to.to_string());
        }
        if let Some(from) = &self.from {
            element = element.with_attr("from", from.to_string());
        }
        if let Some(id) = &self.id {
            element = element.with_attr("id", id.clone());
        }
        if let Some(kind) = kind {
            element = element.with_attr("type", kind);
        }
        if let Some(lang) = &self.lang {
            element = element.with_attr("xml:lang", lang.clone());
        }
        element
    }
}

/// Human-readable text with an optional language: `<body xml:lang='fr'>`.
/// RFC 6121 § 5.2.3 allows one per language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LangText {
    /// `xml:lang`, if the child has its own.
    pub lang: Option<String>,
    /// The text.
    pub text: String,
}

impl LangText {
    /// Reads a text child.
    fn parse(element: &Element) -> LangText {
        LangText {
            lang: element.attr("xml:lang").map(str::to_owned),
            text: element.text(),
        }
    }

    /// Writes it as `<name>` in `ns`.
    fn element(&self, name: &str, ns: Namespace) -> Element {
        let mut element = Element::new(name, Some(ns.as_str()));
        if let Some(lang) = &self.lang {
            element = element.with_attr("xml:lang", lang.clone());
        }
        if self.text.is_empty() {
            element
        } else {
            element.with_text(self.text.clone())
        }
    }
}

/// A stanza of any kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stanza {
    /// `<message/>`.
    Message(Message),
    /// `<presence/>`.
    Presence(Presence),
    /// `<iq/>`.
    Iq(Iq),
}

impl TryFrom<Element> for Stanza {
    type Error = StanzaError;

    fn try_from(element: Element) -> Result<Stanza, StanzaError> {
        let ns = match element.ns.as_deref() {
            Some(ns::CLIENT) => Namespace::Client,
            Some(ns::SERVER) => Namespace::Server,
            Some(ns::COMPONENT_ACCEPT) => Namespace::Component,
            _ => {
                return Err(StanzaError::InvalidNamespace {
                    name: element.name,
                    ns: element.ns,
                });
            }
        };
        match element.local_name() {
            "message" => Message::parse(element, ns).map(Stanza::Message),
            "presence" => Presence::parse(element, ns).map(Stanza::Presence),
            "iq" => Iq::parse(element, ns).map(Stanza::Iq),
            _ => Err(StanzaError::UnsupportedStanzaType { name: element.name }),
        }
    }
}

impl From<Stanza> for Element {
    fn from(stanza: Stanza) -> Element {
        match stanza {
            Stanza::Message(message) => message.into(),
            Stanza::Presence(presence) => presence.into(),
            Stanza::Iq(iq) => iq.into(),
        }
    }
}

/// The child elements of a stanza, text (whitespace between children)
/// dropped.
fn child_elements(children: Vec<Node>) -> impl Iterator<Item = Element> {
    children.into_iter().filter_map(|node| match node {
        Node::Element(element) => Some(element),
        Node::Text(_) => None,
    })
}

/// Whether `child` is `<name/>` in the stanza's namespace `ns`.
fn is(child: &Element, name: &str, ns: Namespace) -> bool {
    child.local_name() == name && child.ns.as_deref() == Some(ns.as_str())
}

/// The `type` of a message ([RFC 6121 § 5.2.2]).
///
/// [RFC 6121 § 5.2.2]: https://datatracker.ietf.org/doc/html/rfc6121#section-5.2.2
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// One-to-one conversation.
    Chat,
    /// An error about a message sent earlier.
    Error,
    /// Multi-user chat.
    Groupchat,
    /// An alert that expects no reply.
    Headline,
    /// A standalone message; also a missing or unknown `type`.
    #[default]
    Normal,
}

impl MessageType {
    /// Reads `type`: missing or unknown is `normal` (RFC 6121 § 5.2.2: the
    /// recipient "MUST consider the message to be of type normal").
    fn parse(value: Option<&str>) -> MessageType {
        match value {
            Some("chat") => MessageType::Chat,
            Some("error") => MessageType::Error,
            Some("groupchat") => MessageType::Groupchat,
            Some("headline") => MessageType::Headline,
            _ => MessageType::Normal,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageType::Chat => "chat",
            MessageType::Error => "error",
            MessageType::Groupchat => "groupchat",
            MessageType::Headline => "headline",
            MessageType::Normal => "normal",
        }
    }
}

/// A conversation thread ([RFC 6121 § 5.2.5]).
///
/// [RFC 6121 § 5.2.5]: https://datatracker.ietf.org/doc/html/rfc6121#section-5.2.5
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Thread {
    /// The thread id (the element's text).
    pub id: String,
    /// `parent`: the thread this one was spawned from.
    pub parent: Option<String>,
}

/// `<message/>` ([RFC 6120 § 8.2.1], RFC 6121 § 5).
///
/// A `type='error'` message keeps its `<error/>` child in `payloads`.
///
/// [RFC 6120 § 8.2.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.1
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    /// `to`, `from`, `id`, `xml:lang`.
    pub common: Common,
    /// `type`.
    pub kind: MessageType,
    /// `<body/>` children, one per language (RFC 6121 § 5.2.3).
    pub bodies: Vec<LangText>,
    /// `<subject/>` children, one per language (RFC 6121 § 5.2.4).
    pub subjects: Vec<LangText>,
    /// `<thread/>` (RFC 6121 § 5.2.5).
    pub thread: Option<Thread>,
    /// Every other child, untouched.
    pub payloads: Vec<Element>,
}

impl Message {
    /// The addressing and `type` of a `<message/>`, read without copying
    /// its children: all a server needs to route it, and the cheap path
    /// for the stanza a chat server sees most.
    pub fn envelope(
        element: &Element,
    ) -> Result<(Common, MessageType), StanzaError> {
        let ns = match element.ns.as_deref() {
            Some(ns::CLIENT) => Namespace::Client,
            Some(ns::SERVER) => Namespace::Server,
            Some(ns::COMPONENT_ACCEPT) => Namespace::Component,
            _ => {
                return Err(StanzaError::InvalidNamespace {
                    name: element.name.clone(),
                    ns: element.ns.clone(),
                });
            }
        };
        Ok((
            Common::parse(element, ns)?,
            MessageType::parse(element.attr("type")),
        ))
    }

    fn parse(element: Element, ns: Namespace) -> Result<Message, StanzaError> {
        let mut message = Message {
            common: Common::parse(&element, ns)?,
            kind: MessageType::parse(element.attr("type")),
            ..Message::default()
        };
        for child in child_elements(element.children) {
            if is(&child, "body", ns) {
                message.bodies.push(LangText::parse(&child));
            } else if is(&child, "subject", ns) {
                message.subjects.push(LangText::parse(&child));
            } else if is(&child, "thread", ns) && message.thread.is_none() {
                message.thread = Some(Thread {
                    id: child.text(),
                    parent: child.attr("parent").map(str::to_owned),
                });
            } else {
                message.payloads.push(child);
            }
        }
        Ok(message)
    }
}

impl From<Message> for Element {
    fn from(message: Message) -> Element {
        let ns = message.common.ns;
        // Normal is the default: no attribute needed (RFC 6121 § 5.2.2).
        let kind = match message.kind {
            MessageType::Normal => None,
            other => Some(other.as_str()),
        };
        let mut element = message.common.element("message", kind);
        for subject in &message.subjects {
            element = element.with_child(subject.element("subject", ns));
        }
        for body in &message.bodies {
            element = element.with_child(body.element("body", ns));
        }
        if let Some(thread) = message.thread {
            let mut child = Element::new("thread", Some(ns.as_str()));
            if let Some(parent) = thread.parent {
                child = child.with_attr("parent", parent);
            }
            element = element.with_child(child.with_text(thread.id));
        }
        for payload in message.payloads {
            element = element.with_child(payload);
        }
        element
    }
}

/// The `type` of a presence ([RFC 6121 § 4.7.1]).
///
/// [RFC 6121 § 4.7.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-4.7.1
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PresenceType {
    /// No `type`: the sender is online.
    #[default]
    Available,
    /// The sender is going offline.
    Unavailable,
    /// A request to see the recipient's presence.
    Subscribe,
    /// The request is granted.
    Subscribed,
    /// The sender no longer wants the recipient's presence.
    Unsubscribe,
    /// The subscription is denied or cancelled.
    Unsubscribed,
    /// A server asks for a contact's current presence.
    Probe,
    /// An error about a presence sent earlier.
    Error,
}

impl PresenceType {
    /// Reads `type`; a value not in RFC 6121 § 4.7.1 is a bad request.
    fn parse(value: Option<&str>) -> Result<PresenceType, StanzaError> {
        Ok(match value {
            None => PresenceType::Available,
            Some("unavailable") => PresenceType::Unavailable,
            Some("subscribe") => PresenceType::Subscribe,
            Some("subscribed") => PresenceType::Subscribed,
            Some("unsubscribe") => PresenceType::Unsubscribe,
            Some("unsubscribed") => PresenceType::Unsubscribed,
            Some("probe") => PresenceType::Probe,
            Some("error") => PresenceType::Error,
            Some(other) => {
                return Err(bad_request(format!(
                    "presence type '{other}' is not one of RFC 6121 § 4.7.1"
                )));
            }
        })
    }

    /// The attribute value; `None` for [`PresenceType::Available`].
    pub fn as_str(self) -> Option<&'static str> {
        match self {
            PresenceType::Available => None,
            PresenceType::Unavailable => Some("unavailable"),
            PresenceType::Subscribe => Some("subscribe"),
            PresenceType::Subscribed => Some("subscribed"),
            PresenceType::Unsubscribe => Some("unsubscribe"),
            PresenceType::Unsubscribed => Some("unsubscribed"),
            PresenceType::Probe => Some("probe"),
            PresenceType::Error => Some("error"),
        }
    }
}

/// The `<show/>` of an available presence ([RFC 6121 § 4.7.2.1]).
///
/// [RFC 6121 § 4.7.2.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-4.7.2.1
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Show {
    /// Temporarily away.
    Away,
    /// Free to chat.
    Chat,
    /// Do not disturb.
    Dnd,
    /// Away for a long time ("extended away").
    Xa,
}

impl Show {
    /// Reads the text of `<show/>`; anything else is a bad request.
    fn parse(value: &str) -> Result<Show, StanzaError> {
        match value {
            "away" => Ok(Show::Away),
            "chat" => Ok(Show::Chat),
            "dnd" => Ok(Show::Dnd),
            "xa" => Ok(Show::Xa),
            other => Err(bad_request(format!(
                "show '{other}' is not away, chat, dnd or xa \
                 (RFC 6121 § 4.7.2.1)"
            ))),
        }
    }

    /// The element's text.
    pub fn as_str(self) -> &'static str {
        match self {
            Show::Away => "away",
            Show::Chat => "chat",
            Show::Dnd => "dnd",
            Show::Xa => "xa",
        }
    }
}

/// `<presence/>` ([RFC 6120 § 8.2.2], RFC 6121 § 4).
///
/// A `type='error'` presence keeps its `<error/>` child in `payloads`.
///
/// [RFC 6120 § 8.2.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.2
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Presence {
    /// `to`, `from`, `id`, `xml:lang`.
    pub common: Common,
    /// `type`.
    pub kind: PresenceType,
    /// `<show/>` (RFC 6121 § 4.7.2.1).
    pub show: Option<Show>,
    /// `<status/>` children, one per language (RFC 6121 § 4.7.2.2).
    pub statuses: Vec<LangText>,
    /// `<priority/>`, 0 if absent (RFC 6121 § 4.7.2.3); an `i8` because the
    /// range is exactly -128 to +127.
    pub priority: i8,
    /// Every other child, untouched.
    pub payloads: Vec<Element>,
}

impl Presence {
    fn parse(element: Element, ns: Namespace) -> Result<Presence, StanzaError> {
        let mut presence = Presence {
            common: Common::parse(&element, ns)?,
            kind: PresenceType::parse(element.attr("type"))?,
            ..Presence::default()
        };
        for child in child_elements(element.children) {
            if is(&child, "show", ns) {
                presence.show = Some(Show::parse(child.text().trim())?);
            } else if is(&child, "status", ns) {
                presence.statuses.push(LangText::parse(&child));
            } else if is(&child, "priority", ns) {
                let text = child.text();
                presence.priority = text.trim().parse().map_err(|_| {
                    bad_request(format!(
                        "priority '{text}' is not an integer from -128 to \
                         127 (RFC 6121 § 4.7.2.3)"
                    ))
                })?;
            } else {
                presence.payloads.push(child);
            }
        }
        Ok(presence)
    }
}

impl From<Presence> for Element {
    fn from(presence: Presence) -> Element {
        let ns = presence.common.ns;
        let mut element =
            presence.common.element("presence", presence.kind.as_str());
        if let Some(show) = presence.show {
            element = element.with_child(
                Element::new("show", Some(ns.as_str()))
                    .with_text(show.as_str()),
            );
        }
        for status in &presence.statuses {
            element = element.with_child(status.element("status", ns));
        }
        if presence.priority != 0 {
            element = element.with_child(
                Element::new("priority", Some(ns.as_str()))
                    .with_text(presence.priority.to_string()),
            );
        }
        for payload in presence.payloads {
            element = element.with_child(payload);
        }
        element
    }
}

/// The `type` of an error ([RFC 6120 § 8.3.2]): what the sender may do.
///
/// [RFC 6120 § 8.3.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.2
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// Retry after providing credentials.
    Auth,
    /// Do not retry: the error cannot be remedied.
    Cancel,
    /// Proceed: the condition was only a warning.
    Continue,
    /// Retry after changing the data sent.
    Modify,
    /// Retry after waiting: the error is temporary.
    Wait,
}

impl ErrorType {
    /// Reads the attribute value.
    fn parse(value: &str) -> Option<ErrorType> {
        match value {
            "auth" => Some(ErrorType::Auth),
            "cancel" => Some(ErrorType::Cancel),
            "continue" => Some(ErrorType::Continue),
            "modify" => Some(ErrorType::Modify),
            "wait" => Some(ErrorType::Wait),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Auth => "auth",
            ErrorType::Cancel => "cancel",
            ErrorType::Continue => "continue",
            ErrorType::Modify => "modify",
            ErrorType::Wait => "wait",
        }
    }
}

/// The `<error/>` child of an error stanza ([RFC 6120 § 8.3.2]).
///
/// [RFC 6120 § 8.3.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3.2
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StanzaErrorInfo {
    /// `type`.
    pub kind: ErrorType,
    /// The condition element's name: `bad-request`, `item-not-found`.
    pub condition: String,
    /// The optional `<text/>` (§ 8.3.2: for humans, not for code).
    pub text: Option<String>,
}

impl StanzaErrorInfo {
    /// Reads an `<error/>` element.
    fn parse(error: &Element) -> Result<StanzaErrorInfo, StanzaError> {
        let kind =
            error
                .attr("type")
                .and_then(ErrorType::parse)
                .ok_or_else(|| {
                    bad_request(
                        "<error/> needs a type of auth, cancel, continue, \
                     modify or wait (RFC 6120 § 8.3.2)",
                    )
                })?;
        let condition = error
            .elements()
            .find(|e| {
                e.ns.as_deref() == Some(ns::STANZAS) && e.local_name() != "text"
            })
            .ok_or_else(|| {
                bad_request(
                    "<error/> needs a condition element in \
                     urn:ietf:params:xml:ns:xmpp-stanzas (RFC 6120 § 8.3.2)",
                )
            })?;
        Ok(StanzaErrorInfo {
            kind,
            condition: condition.local_name().to_owned(),
            text: error.child("text", ns::STANZAS).map(Element::text),
        })
    }

    /// Writes the `<error/>` element, in the stanza's namespace `ns`.
    pub fn to_element(&self, ns: &str) -> Element {
        let mut error = Element::new("error", Some(ns))
            .with_attr("type", self.kind.as_str())
            .with_child(
                Element::new(self.condition.clone(), Some(ns::STANZAS))
                    .with_attr("xmlns", ns::STANZAS),
            );
        if let Some(text) = &self.text {
            error = error.with_child(
                Element::new("text", Some(ns::STANZAS))
                    .with_attr("xmlns", ns::STANZAS)
                    .with_text(text.clone()),
            );
        }
        error
    }
}

/// The `type` of an iq, with the children each type allows
/// ([RFC 6120 § 8.2.3]).
///
/// [RFC 6120 § 8.2.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.3
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IqType {
    /// A question: exactly one child, the query.
    Get(Element),
    /// A command: exactly one child, the data to set.
    Set(Element),
    /// A successful answer: zero or one child.
    Result(Option<Element>),
    /// A failed answer: the `<error/>` child.
    Error(StanzaErrorInfo),
}

/// `<iq/>` ([RFC 6120 § 8.2.3]): `id` is required, so it is not optional
/// here.
///
/// [RFC 6120 § 8.2.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.2.3
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Iq {
    /// `to`, `from`, `id` (always `Some` once parsed), `xml:lang`.
    pub common: Common,
    /// `type` and its children.
    pub kind: IqType,
}

impl Iq {
    fn parse(element: Element, ns: Namespace) -> Result<Iq, StanzaError> {
        let common = Common::parse(&element, ns)?;
        // § 8.2.3 rule 1: "The 'id' attribute is REQUIRED for IQ stanzas."
        if common.id.is_none() {
            return Err(bad_request(
                "an iq needs an id (RFC 6120 § 8.2.3, rule 1)",
            ));
        }
        let kind = element.attr("type").map(str::to_owned);
        let mut children: Vec<Element> =
            child_elements(element.children).collect();
        let kind = match (kind.as_deref(), children.len()) {
            // § 8.2.3 rule 3: get and set contain exactly one child.
            (Some("get"), 1) => IqType::Get(children.remove(0)),
            (Some("set"), 1) => IqType::Set(children.remove(0)),
            (Some(kind @ ("get" | "set")), n) => {
                return Err(bad_request(format!(
                    "an iq of type {kind} has exactly one child, not {n} \
                     (RFC 6120 § 8.2.3, rule 3)"
                )));
            }
            // § 8.2.3 rule 4: result contains zero or one child.
            (Some("result"), 0 | 1) => IqType::Result(children.pop()),
            (Some("result"), n) => {
                return Err(bad_request(format!(
                    "an iq of type result has zero or one child, not {n} \
                     (RFC 6120 § 8.2.3, rule 4)"
                )));
            }
            // § 8.3.1: an error stanza has an <error/> child (it may also
            // echo the original payload, which is not kept).
            (Some("error"), _) => {
                let error = children
                    .iter()
                    .find(|child| is(child, "error", ns))
                    .ok_or_else(|| {
                        bad_request(
                            "an iq of type error needs an <error/> child \
                             (RFC 6120 § 8.3.1)",
                        )
                    })?;
                IqType::Error(StanzaErrorInfo::parse(error)?)
            }
            // § 8.2.3 rule 2: type is REQUIRED and one of the four.
            (other, _) => {
                return Err(bad_request(format!(
                    "an iq type must be get, set, result or error, not \
                     {other:?} (RFC 6120 § 8.2.3, rule 2)"
                )));
            }
        };
        Ok(Iq { common, kind })
    }
}

impl From<Iq> for Element {
    fn from(iq: Iq) -> Element {
        let ns = iq.common.ns;
        let (kind, child) = match iq.kind {
            IqType::Get(child) => ("get", Some(child)),
            IqType::Set(child) => ("set", Some(child)),
            IqType::Result(child) => ("result", child),
            IqType::Error(info) => {
                ("error", Some(info.to_element(ns.as_str())))
            }
        };
        let element = iq.common.element("iq", Some(kind));
        match child {
            Some(child) => element.with_child(child),
            None => element,
        }
    }
}

/// The error reply to `original` ([RFC 6120 § 8.3]): the same kind of
/// stanza, `type='error'`, `to` and `from` swapped, `id` kept, with
/// `<error type='…'><CONDITION xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>
/// </error>` as its child.
///
/// `original` is an [`Element`], not a [`Stanza`]: the stanza to answer is
/// often one that failed to parse. The original payload is not echoed
/// (§ 8.3.1 allows it but does not require it).
///
/// Returns `None` when `original` is itself an error, or not a stanza:
/// "An entity that receives an error stanza MUST NOT respond to the stanza
/// with a further error stanza" (§ 8.3.1), which keeps two entities from
/// answering each other's errors forever.
///
/// [RFC 6120 § 8.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.3
pub fn error_reply(
    original: &Element,
    condition: &'static str,
    kind: ErrorType,
) -> Option<Element> {
    let name = original.local_name();
    if original.attr("type") == Some("error")
        || !matches!(name, "message" | "presence" | "iq")
    {
        return None;
    }
    let ns = original.ns.as_deref();
    let mut reply = Element::new(name, ns);
    if let Some(from) = original.attr("from") {
        reply = reply.with_attr("to", from);
    }
    if let Some(to) = original.attr("to") {
        reply = reply.with_attr("from", to);
    }
    if let Some(id) = original.attr("id") {
        reply = reply.with_attr("id", id);
    }
    reply = reply.with_attr("type", "error");
    let info = StanzaErrorInfo {
        kind,
        condition: condition.to_owned(),
        text: None,
    };
    Some(reply.with_child(info.to_element(ns.unwrap_or(ns::CLIENT))))
}

/// A `<stream:error>` element ([RFC 6120 § 4.9]): the condition (such as
/// [`super::framing::FramingError::stream_error_condition`] gives), and an
/// optional text for humans. The stream is closed right after it.
///
/// The `stream:` prefix is the one declared on the stream header.
///
/// [RFC 6120 § 4.9]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9
pub fn stream_error(condition: &str, text: Option<&str>) -> Element {
    let mut error = Element::new("stream:error", Some(ns::STREAMS)).with_child(
        Element::new(condition, Some(ns::STREAM_ERRORS))
            .with_attr("xmlns", ns::STREAM_ERRORS),
    );
    if let Some(text) = text {
        error = error.with_child(
            Element::new("text", Some(ns::STREAM_ERRORS))
                .with_attr("xmlns", ns::STREAM_ERRORS)
                .with_text(text),
        );
    }
    error
}

#[cfg(test)]
mod tests {
    use super::super::framing::{StreamEvent, StreamParser};
    use super::*;

    /// The one element of `body`, parsed after a `jabber:client` header.
    fn element(body: &str) -> Element {
        let mut parser = StreamParser::new();
        parser.feed(
            b"<stream:stream xmlns='jabber:client' \
              xmlns:stream='http://etherx.jabber.org/streams'>",
        );
        parser.feed(body.as_bytes());
        let mut found = None;
        while let Some(event) = parser.next_event().expect("parses") {
            if let StreamEvent::Element(e) = event {
                found = Some(e);
            }
        }
        found.expect("one element")
    }

    fn parse(body: &str) -> Result<Stanza, StanzaError> {
        Stanza::try_from(element(body))
    }

    /// Parses, writes back, parses again: the same stanza.
    fn round_trip(body: &str) -> Stanza {
        let stanza = parse(body).unwrap_or_else(|e| panic!("{body}: {e}"));
        let written = Element::from(stanza.clone());
        let again = Stanza::try_from(element(&written.to_xml()))
            .unwrap_or_else(|e| panic!("{}: {e}", written.to_xml()));
        assert_eq!(again, stanza, "{}", written.to_xml());
        stanza
    }

    fn condition(body: &str) -> &'static str {
        match parse(body) {
            Ok(s) => panic!("{body} should fail, got {s:?}"),
            Err(e) => e.condition(),
        }
    }

    #[test]
    fn message_round_trips() {
        let Stanza::Message(m) = round_trip(
            "<message from='juliet@im.example.com/balcony' id='k1' \
             to='romeo@example.net' type='chat' xml:lang='en'>\
             <subject>Hi</subject><body>Art thou &amp; 你好</body>\
             <body xml:lang='fr'>Es-tu</body>\
             <thread parent='p1'>t1</thread></message>",
        ) else {
            panic!("not a message")
        };
        assert_eq!(m.kind, MessageType::Chat);
        assert_eq!(m.common.id.as_deref(), Some("k1"));
        assert_eq!(m.common.lang.as_deref(), Some("en"));
        assert_eq!(
            m.common.from.map(|j| j.to_string()).as_deref(),
            Some("juliet@im.example.com/balcony")
        );
        assert_eq!(m.bodies.len(), 2);
        assert_eq!(m.bodies[0].text, "Art thou & 你好");
        assert_eq!(m.bodies[1].lang.as_deref(), Some("fr"));
        assert_eq!(m.subjects[0].text, "Hi");
        assert_eq!(
            m.thread,
            Some(Thread {
                id: "t1".into(),
                parent: Some("p1".into())
            })
        );
        assert!(m.payloads.is_empty());
    }

    #[test]
    fn missing_or_unknown_message_type_is_normal() {
        for body in ["<message/>", "<message type='shout'/>"] {
            let Ok(Stanza::Message(m)) = parse(body) else {
                panic!("{body}")
            };
            assert_eq!(m.kind, MessageType::Normal, "{body}");
        }
        // Normal is written as no type at all.
        let e = Element::from(Message::default());
        assert_eq!(e.to_xml(), "<message/>");
    }

    #[test]
    fn unknown_payload_is_kept_untouched() {
        let original = element(
            "<message><body>b</body>\
             <x xmlns='jabber:x:oob' a='1'><url>u&amp;v</url></x></message>",
        );
        let x = original.child("x", "jabber:x:oob").expect("x").clone();
        let Ok(Stanza::Message(m)) = Stanza::try_from(original) else {
            panic!("not a message")
        };
        assert_eq!(m.payloads, vec![x.clone()]);
        let written = Element::from(Stanza::Message(m));
        assert_eq!(written.child("x", "jabber:x:oob"), Some(&x));
        assert!(written.to_xml().contains(
            "<x xmlns=\"jabber:x:oob\" a=\"1\"><url>u&amp;v</url></x>"
        ));
    }

    #[test]
    fn presence_round_trips() {
        let Stanza::Presence(p) = round_trip(
            "<presence xml:lang='en'><show>dnd</show>\
             <status>busy</status><priority>-128</priority>\
             <c xmlns='http://jabber.org/protocol/caps' ver='x'/></presence>",
        ) else {
            panic!("not a presence")
        };
        assert_eq!(p.kind, PresenceType::Available);
        assert_eq!(p.show, Some(Show::Dnd));
        assert_eq!(p.statuses[0].text, "busy");
        assert_eq!(p.priority, -128);
        assert_eq!(p.payloads.len(), 1);

        let Stanza::Presence(p) =
            round_trip("<presence to='romeo@example.net' type='subscribe'/>")
        else {
            panic!("not a presence")
        };
        assert_eq!(p.kind, PresenceType::Subscribe);
        assert_eq!(p.priority, 0);
        assert_eq!(condition("<presence type='bogus'/>"), "bad-request");
        assert_eq!(
            condition("<presence><show>sleeping</show></presence>"),
            "bad-request"
        );
    }

    #[test]
    fn presence_priority_bounds() {
        for (text, expected) in [("127", 127), ("-128", -128), (" 5 ", 5)] {
            let body =
                format!("<presence><priority>{text}</priority></presence>");
            let Ok(Stanza::Presence(p)) = parse(&body) else {
                panic!("{body}")
            };
            assert_eq!(p.priority, expected, "{body}");
        }
        for text in ["128", "-129", "high", ""] {
            let body =
                format!("<presence><priority>{text}</priority></presence>");
            assert_eq!(condition(&body), "bad-request", "{body}");
        }
    }

    #[test]
    fn iq_round_trips_each_type() {
        let Stanza::Iq(iq) = round_trip(
            "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>",
        ) else {
            panic!("not an iq")
        };
        assert!(
            matches!(&iq.kind, IqType::Get(q) if q.ns.as_deref() == Some("jabber:iq:roster"))
        );
        let Stanza::Iq(iq) = round_trip(
            "<iq type='set' id='s1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>",
        ) else {
            panic!("not an iq")
        };
        assert!(matches!(iq.kind, IqType::Set(_)));
        let Stanza::Iq(iq) = round_trip("<iq type='result' id='r1'/>") else {
            panic!("not an iq")
        };
        assert_eq!(iq.kind, IqType::Result(None));
        let Stanza::Iq(iq) = round_trip(
            "<iq type='result' id='r1'><query xmlns='jabber:iq:roster'/></iq>",
        ) else {
            panic!("not an iq")
        };
        assert!(matches!(iq.kind, IqType::Result(Some(_))));
        let Stanza::Iq(iq) = round_trip(
            "<iq type='error' id='r1'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>gone</text>\
             </error></iq>",
        ) else {
            panic!("not an iq")
        };
        assert_eq!(
            iq.kind,
            IqType::Error(StanzaErrorInfo {
                kind: ErrorType::Cancel,
                condition: "item-not-found".into(),
                text: Some("gone".into()),
            })
        );
    }

    #[test]
    fn iq_rules_of_rfc_6120_8_2_3() {
        let q = "<query xmlns='jabber:iq:roster'/>";
        for body in [
            format!("<iq type='get'>{q}</iq>"),
            format!("<iq type='get' id='1'>{q}{q}</iq>"),
            "<iq type='get' id='1'/>".to_owned(),
            "<iq type='set' id='1'/>".to_owned(),
            format!("<iq type='result' id='1'>{q}{q}</iq>"),
            format!("<iq id='1'>{q}</iq>"),
            format!("<iq type='ask' id='1'>{q}</iq>"),
            "<iq type='error' id='1'/>".to_owned(),
            "<iq type='error' id='1'><error type='oops'>\
             <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             </error></iq>"
                .to_owned(),
        ] {
            assert_eq!(condition(&body), "bad-request", "{body}");
        }
    }

    #[test]
    fn invalid_jid_is_jid_malformed() {
        for body in [
            "<message to='@example.com'/>",
            "<presence from='juliet@'/>",
            "<iq type='result' id='1' to='a@b/'/>",
        ] {
            let e = parse(body).expect_err(body);
            assert_eq!(e.condition(), "jid-malformed", "{body}");
            assert!(!e.is_stream_error());
        }
    }

    #[test]
    fn built_elements_and_namespaces() {
        let e = Element::new("message", Some(ns::SERVER))
            .with_attr("type", "headline")
            .with_child(Element::new("body", Some(ns::SERVER)).with_text("x"));
        let Ok(Stanza::Message(m)) = Stanza::try_from(e) else {
            panic!("not a message")
        };
        assert_eq!(m.common.ns, Namespace::Server);
        assert_eq!(m.kind, MessageType::Headline);
        let back = Element::from(Stanza::Message(m));
        assert_eq!(back.ns.as_deref(), Some(ns::SERVER));

        let e = parse("<message xmlns='urn:other'/>").expect_err("ns");
        assert_eq!(e.condition(), "invalid-namespace");
        assert!(e.is_stream_error());
        let e = Stanza::try_from(Element::new("features", Some(ns::CLIENT)))
            .expect_err("name");
        assert_eq!(e.condition(), "unsupported-stanza-type");
    }

    #[test]
    fn error_reply_swaps_addresses_and_keeps_id() {
        let original = element(
            "<iq from='juliet@example.com/balcony' to='example.com' \
             id='b1' type='get'><query xmlns='jabber:iq:nope'/></iq>",
        );
        let reply =
            error_reply(&original, "service-unavailable", ErrorType::Cancel)
                .expect("a reply");
        assert_eq!(
            reply.to_xml(),
            "<iq to=\"juliet@example.com/balcony\" from=\"example.com\" \
             id=\"b1\" type=\"error\"><error type=\"cancel\">\
             <service-unavailable \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-stanzas\"/></error></iq>"
        );
        let Ok(Stanza::Iq(iq)) = Stanza::try_from(element(&reply.to_xml()))
        else {
            panic!("the reply parses")
        };
        let IqType::Error(info) = iq.kind else {
            panic!("an error")
        };
        assert_eq!(info.condition, "service-unavailable");
        assert_eq!(info.kind, ErrorType::Cancel);
    }

    #[test]
    fn never_answer_an_error_with_an_error() {
        let error = element(
            "<message type='error' from='a@b' id='1'><error type='wait'>\
             <resource-constraint \
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>",
        );
        assert_eq!(error_reply(&error, "bad-request", ErrorType::Modify), None);
        let reply = error_reply(
            &element("<message from='a@b' id='1'/>"),
            "bad-request",
            ErrorType::Modify,
        )
        .expect("reply");
        // The reply itself is an error: answering it gives nothing.
        assert_eq!(error_reply(&reply, "bad-request", ErrorType::Modify), None);
        // Not a stanza: nothing to answer either.
        let features = Element::new("stream:features", Some(ns::STREAMS));
        assert_eq!(
            error_reply(&features, "bad-request", ErrorType::Cancel),
            None
        );
    }

    #[test]
    fn stream_error_element() {
        assert_eq!(
            stream_error("not-well-formed", None).to_xml(),
            "<stream:error><not-well-formed \
             xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/></stream:error>"
        );
        let e = stream_error("policy-violation", Some("too big"));
        assert_eq!(e.ns.as_deref(), Some(ns::STREAMS));
        assert_eq!(
            e.child("text", ns::STREAM_ERRORS)
                .map(Element::text)
                .as_deref(),
            Some("too big")
        );
    }
}
