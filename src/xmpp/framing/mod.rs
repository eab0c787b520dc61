//! The XML stream, framed: bytes in, stream events out.
//!
//! An XMPP session is one long XML document sent in pieces over TCP
//! ([RFC 6120 § 4]). It opens with a `<stream:stream>` tag that stays open
//! for the whole session; every element directly inside it (a *top-level
//! element*: a stanza, stream features, a SASL exchange) is one unit of
//! work; the closing `</stream:stream>` ends the session:
//!
//! ```text
//!  depth 0 ─► <stream:stream to='im.example.com' …>   StreamEvent::Open
//!  depth 1 ─►   <message to='romeo@example.net'>     ┐
//!  depth 2 ─►     <body>Art thou not Romeo?</body>    │ StreamEvent::Element
//!  depth 1 ◄─   </message>                            ┘
//!  depth 1 ─►   <presence/>                           StreamEvent::Element
//!  depth 0 ◄─ </stream:stream>                        StreamEvent::Close
//! ```
//!
//! (The depth is counted before each opening tag and after each closing
//! one.) Depth 1 is "inside the stream"; an element that brings the depth
//! back to 1 is complete. [`StreamParser`] does exactly that counting, then hands
//! each complete element to quick-xml, which checks it and resolves its
//! namespaces into a small owned tree, [`Element`].
//!
//! # Incremental parsing, and why it is correct under any split
//!
//! TCP delivers a byte stream without message boundaries (lesson 9): one
//! `read` may return half a tag, or end in the middle of the three bytes of
//! "你". The parser is therefore fed arbitrary chunks ([`StreamParser::feed`])
//! and asked for events ([`StreamParser::next_event`]); "not enough bytes
//! yet" is `Ok(None)`, never an error.
//!
//! The work is split in two passes:
//!
//! 1. A *scanner*, a small state machine over bytes, that never goes back:
//!    every byte is looked at once, and its state (inside a tag? inside
//!    quotes? inside CDATA? how deep?) survives between chunks. It only looks
//!    for the ASCII bytes `<`, `>`, `/`, `!`, `?`, `[`, `]` and quotes, and in
//!    UTF-8 an ASCII byte never occurs inside a multi-byte character, so a
//!    chunk that ends mid-character is harmless: the scanner has nothing to
//!    decode. It finds where each top-level unit (stream header, element,
//!    closing tag) ends, and refuses restricted XML (a DTD, a comment, a
//!    processing instruction) and oversized or over-deep input *as soon as it
//!    arrives*, before the stanza is complete.
//! 2. Once a unit is complete, and only then, its bytes are decoded as UTF-8
//!    and parsed by a fresh quick-xml [`NsReader`](quick_xml::NsReader) over exactly those bytes,
//!    with the namespaces declared on the stream header pre-loaded.
//!
//! Because quick-xml only ever sees complete units, the events cannot depend
//! on where the chunks were split: the same bytes give the same units, and
//! the same units give the same events. Nothing is lost either: bytes after
//! the last complete unit stay in the buffer. The cost is linear: the scanner
//! visits each byte once and quick-xml parses each unit once (re-parsing from
//! a checkpoint on every chunk would be quadratic for a stanza sent a byte at
//! a time).
//!
//! Why not quick-xml's async reader straight on the socket? Its
//! `read_event_into_async` keeps partial input inside its future; if that
//! future is dropped (a `select!` on shutdown or a timeout, as our servers
//! do) the bytes it already took from the socket are lost. It is not
//! cancel-safe. A socket `read` into our own buffer *is*, so the network
//! code reads, calls [`StreamParser::feed`], and the framing stays
//! synchronous.
//!
//! # Restricted XML
//!
//! XMPP uses a subset of XML ([RFC 6120 § 11.1]): no DTD, no comments, no
//! processing instructions (the `<?xml …?>` declaration at the very start
//! excepted), and no entity references other than the five predefined ones
//! (`&lt; &gt; &amp; &apos; &quot;`) and character references (`&#x4F60;`).
//! A DTD could define entities that expand to gigabytes ("billion laughs"),
//! which is reason enough. Each refusal is a [`FramingError`] whose
//! [`stream_error_condition`](FramingError::stream_error_condition) is the
//! stream error the server sends before closing ([RFC 6120 § 4.9.3]).
//!
//! # The files
//!
//! In the order the bytes go through them:
//!
//! - `scanner.rs`: pass 1, [`StreamParser`], the scanner that finds where
//!   each unit ends and refuses what it can from the bytes alone
//! - `parse.rs`: pass 2, one complete unit through quick-xml, into a
//!   [`StreamHeader`] or an [`Element`]
//! - `element.rs`: the [`Element`] tree both hand up, and how it is
//!   written back as XML
//!
//! This file holds what all three share: the [`Limits`], the
//! [`StreamEvent`]s the parser returns, and the [`FramingError`]s with the
//! stream errors they become.
//!
//! Read before: [`super::jid`]. Read after: the stanza layer (typed
//! `Message`, `Presence`, `Iq` built from [`Element`]). Book:
//! `book/src/lesson-03.md`. Run: `netlab lesson 3`.
//!
//! [RFC 6120 § 4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4
//! [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
//! [RFC 6120 § 11.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-11.1

use crate::xmpp::ns;

mod element;
mod parse;
mod scanner;

pub use element::{Attribute, Element, Node};
pub use scanner::StreamParser;

/// Limits that keep one connection from using unbounded memory.
///
/// [RFC 6120 § 13.12] asks servers to limit stanza size and to protect
/// themselves against resource exhaustion; going past a limit is the stream
/// error `policy-violation` ([RFC 6120 § 4.9.3.14]).
///
/// [RFC 6120 § 13.12]: https://datatracker.ietf.org/doc/html/rfc6120#section-13.12
/// [RFC 6120 § 4.9.3.14]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3.14
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes one top-level element (or the stream header) may
    /// take, from its `<` to its last `>`.
    pub max_element_bytes: usize,
    /// The deepest nesting allowed, counting `<stream:stream>` as depth 1.
    pub max_depth: usize,
    /// The most attributes (namespace declarations included) one element
    /// may carry.
    pub max_attributes: usize,
}

impl Default for Limits {
    /// 256 KiB per element (Prosody's default stanza size limit for client
    /// connections), depth 64, 64 attributes: far above what real clients
    /// send.
    fn default() -> Self {
        Limits {
            max_element_bytes: 256 * 1024,
            max_depth: 64,
            max_attributes: 64,
        }
    }
}

/// The attributes of the `<stream:stream>` opening tag
/// ([RFC 6120 § 4.7]).
///
/// `to` and `from` are kept as strings: checking them (against
/// [`super::jid::Jid`] and the hosts the server serves) is the session's
/// job, with its own stream errors (`host-unknown`, `invalid-from`).
///
/// [RFC 6120 § 4.7]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamHeader {
    /// The tag name as written, normally `stream:stream`; the closing tag
    /// must repeat it.
    pub name: String,
    /// `to`: the server the initiator wants ([RFC 6120 § 4.7.2]).
    ///
    /// [RFC 6120 § 4.7.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7.2
    pub to: Option<String>,
    /// `from`: who opens the stream ([RFC 6120 § 4.7.1]).
    ///
    /// [RFC 6120 § 4.7.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7.1
    pub from: Option<String>,
    /// `id`: the stream id, set by the receiving entity only
    /// ([RFC 6120 § 4.7.3]).
    ///
    /// [RFC 6120 § 4.7.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7.3
    pub id: Option<String>,
    /// `version`: "1.0" for RFC 6120 streams ([RFC 6120 § 4.7.5]).
    ///
    /// [RFC 6120 § 4.7.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7.5
    pub version: Option<String>,
    /// `xml:lang`: the default language of the stream
    /// ([RFC 6120 § 4.7.4]).
    ///
    /// [RFC 6120 § 4.7.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.7.4
    pub lang: Option<String>,
    /// `xmlns`: the content namespace, `jabber:client` or `jabber:server`
    /// ([RFC 6120 § 4.8.2]).
    ///
    /// [RFC 6120 § 4.8.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.2
    pub default_ns: Option<String>,
    /// The namespace the tag resolved to, declared by `xmlns:stream`:
    /// always [`ns::STREAMS`], or the parser returns
    /// [`FramingError::InvalidNamespace`] ([RFC 6120 § 4.8.1]).
    ///
    /// [RFC 6120 § 4.8.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.1
    pub stream_ns: Option<String>,
    /// Every attribute as written, the ones above included.
    pub attributes: Vec<Attribute>,
}

/// What the stream says, one complete piece at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StreamEvent {
    /// The `<stream:stream …>` opening tag (depth 0 → 1).
    Open(StreamHeader),
    /// One complete top-level element (depth 1 → … → 1): a stanza
    /// (`message`, `presence`, `iq`) or a stream-level element
    /// (`stream:features`, SASL, STARTTLS).
    Element(Element),
    /// The `</stream:stream>` closing tag (depth 1 → 0).
    Close,
}

/// Why the stream cannot go on. Each variant maps to the stream error the
/// server must send ([`FramingError::stream_error_condition`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FramingError {
    /// The bytes are not well-formed XML (or not UTF-8).
    #[error("the XML is not well-formed: {reason} (RFC 6120 § 4.9.3.13)")]
    NotWellFormed {
        /// What is wrong, in words.
        reason: String,
    },
    /// XML that is well-formed but outside the subset XMPP allows.
    #[error(
        "{what} is not allowed in an XMPP stream: no DTD, comments, \
         processing instructions or entity references other than the five \
         predefined ones (RFC 6120 § 11.1)"
    )]
    RestrictedXml {
        /// The construct, in words: "a comment (<!-- … -->)".
        what: String,
    },
    /// A prefix used without a declaration in scope.
    #[error(
        "the prefix '{prefix}:' is used but never declared with \
         xmlns:{prefix}='…' (RFC 6120 § 4.9.3.2)"
    )]
    BadNamespacePrefix {
        /// The prefix, without the colon.
        prefix: String,
    },
    /// The opening tag is not `<stream>` in the streams namespace.
    #[error(
        "the stream must open with <stream:stream \
         xmlns:stream='http://etherx.jabber.org/streams'>, not with \
         <{name}> in namespace {ns:?} (RFC 6120 § 4.9.3.10)"
    )]
    InvalidNamespace {
        /// The tag name as written.
        name: String,
        /// The namespace it resolved to.
        ns: Option<String>,
    },
    /// The XML declaration names an encoding other than UTF-8.
    #[error(
        "the XML declaration says encoding='{encoding}', but XMPP streams \
         are UTF-8 only (RFC 6120 § 11.6)"
    )]
    UnsupportedEncoding {
        /// The encoding named.
        encoding: String,
    },
    /// Text directly inside `<stream:stream>`, where only elements and
    /// whitespace (keepalives) belong.
    #[error(
        "text directly inside <stream:stream>; only elements and whitespace \
         keepalives belong there (RFC 6120 § 4.6, § 4.9.3.1)"
    )]
    TextAtStreamLevel,
    /// One top-level element is bigger than [`Limits::max_element_bytes`].
    #[error(
        "a top-level element is larger than the limit of {limit} bytes \
         (RFC 6120 § 13.12, § 4.9.3.14)"
    )]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// Elements nested deeper than [`Limits::max_depth`].
    #[error(
        "elements are nested deeper than the limit of {limit} \
         (RFC 6120 § 13.12, § 4.9.3.14)"
    )]
    TooDeep {
        /// The limit, counting `<stream:stream>` as depth 1.
        limit: usize,
    },
    /// An element with more than [`Limits::max_attributes`] attributes.
    #[error(
        "<{element}> has more than the limit of {limit} attributes \
         (RFC 6120 § 13.12, § 4.9.3.14)"
    )]
    TooManyAttributes {
        /// The element's name as written.
        element: String,
        /// The limit.
        limit: usize,
    },
}

impl FramingError {
    /// The name of the stream error condition to send, from the list in
    /// [RFC 6120 § 4.9.3]: it becomes the element
    /// `<not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>`.
    ///
    /// [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
    pub fn stream_error_condition(&self) -> &'static str {
        match self {
            // § 4.9.3.13
            FramingError::NotWellFormed { .. } => "not-well-formed",
            // § 4.9.3.18
            FramingError::RestrictedXml { .. } => "restricted-xml",
            // § 4.9.3.2
            FramingError::BadNamespacePrefix { .. } => "bad-namespace-prefix",
            // § 4.9.3.10
            FramingError::InvalidNamespace { .. } => "invalid-namespace",
            // § 4.9.3.22
            FramingError::UnsupportedEncoding { .. } => "unsupported-encoding",
            // § 4.9.3.1: "The entity has sent XML that cannot be processed."
            FramingError::TextAtStreamLevel => "bad-format",
            // § 4.9.3.14
            FramingError::TooLarge { .. }
            | FramingError::TooDeep { .. }
            | FramingError::TooManyAttributes { .. } => "policy-violation",
        }
    }
}

/// Shorthand for a [`FramingError::NotWellFormed`].
fn not_well_formed(reason: impl Into<String>) -> FramingError {
    FramingError::NotWellFormed {
        reason: reason.into(),
    }
}

/// Shorthand for a [`FramingError::RestrictedXml`].
fn restricted(what: impl Into<String>) -> FramingError {
    FramingError::RestrictedXml { what: what.into() }
}

/// Parses one element as it would arrive inside a `jabber:client`
/// stream: the way to read back a stanza the server stored as text (an
/// offline message, a vCard) or one copied from a trace. Anything but
/// exactly one complete element first is `not-well-formed`.
pub fn parse_one(xml: &str) -> Result<Element, FramingError> {
    let mut parser = StreamParser::new();
    parser.feed(
        format!(
            "<stream:stream xmlns='jabber:client' \
             xmlns:stream='{}'>{xml}",
            ns::STREAMS
        )
        .as_bytes(),
    );
    match (parser.next_event()?, parser.next_event()?) {
        (Some(StreamEvent::Open(_)), Some(StreamEvent::Element(element))) => {
            Ok(element)
        }
        _ => Err(not_well_formed("not one complete element")),
    }
}

#[cfg(test)]
mod tests {
    //! The framing as a whole: both passes, bytes in, events or the stream
    //! error out. The helpers here are shared with the tests in
    //! `scanner.rs`, `parse.rs` and `element.rs`.

    use super::*;

    /// A client opening a stream, sending a message and a presence, and
    /// closing, in the style of RFC 6120 § 9 (with "你好" and "é" in the
    /// body, so that splits land inside multi-byte characters).
    const CLIENT: &str = "<?xml version='1.0'?>\
        <stream:stream from='juliet@im.example.com' to='im.example.com' \
        version='1.0' xml:lang='en' xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams'>\n\
        <message from='juliet@im.example.com/balcony' id='ktx72v49' \
        to='romeo@example.net' type='chat' xml:lang='en'>\
        <body>Art thou not Romeo, and a Montague? 你好 é &amp; &#x4F60; \
        <![CDATA[<3]]></body>\
        <x xmlns='jabber:x:oob'><url>https://example.com/?a=1&amp;b=2</url></x>\
        </message>\n \
        <presence/>\n\
        </stream:stream>";

    /// Feeds `chunks` one after another, taking events after each; returns
    /// the events, or the first error.
    fn run(chunks: &[&[u8]]) -> Result<Vec<StreamEvent>, FramingError> {
        let mut parser = StreamParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser.feed(chunk);
            while let Some(event) = parser.next_event()? {
                events.push(event);
            }
        }
        parser.finish()?;
        Ok(events)
    }

    /// The whole input as one chunk.
    fn run_whole(input: &str) -> Result<Vec<StreamEvent>, FramingError> {
        run(&[input.as_bytes()])
    }

    /// The input one byte at a time.
    fn run_bytewise(input: &str) -> Result<Vec<StreamEvent>, FramingError> {
        let chunks: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
        run(&chunks)
    }

    /// The events of a stream that must parse.
    pub(super) fn events(input: &str) -> Vec<StreamEvent> {
        run_whole(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// The error of a stream that must fail, the same whole and bytewise.
    pub(super) fn error(input: &str) -> FramingError {
        let whole = match run_whole(input) {
            Ok(events) => panic!("{input:?} should fail, got {events:#?}"),
            Err(e) => e,
        };
        assert_eq!(run_bytewise(input).err(), Some(whole.clone()), "{input:?}");
        whole
    }

    /// A stream header, for tests that need one before their element.
    pub(super) const OPEN: &str = "<stream:stream xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>";

    /// `OPEN`, then `body`, then the closing tag.
    pub(super) fn in_stream(body: &str) -> String {
        format!("{OPEN}{body}</stream:stream>")
    }

    /// The one element of `in_stream(body)`.
    pub(super) fn only_element(body: &str) -> Element {
        let events = events(&in_stream(body));
        match events.as_slice() {
            [
                StreamEvent::Open(_),
                StreamEvent::Element(e),
                StreamEvent::Close,
            ] => e.clone(),
            other => panic!("expected one element, got {other:#?}"),
        }
    }

    #[test]
    fn client_stream_gives_open_two_elements_close() {
        let events = events(CLIENT);
        let [
            StreamEvent::Open(header),
            StreamEvent::Element(message),
            StreamEvent::Element(presence),
            StreamEvent::Close,
        ] = events.as_slice()
        else {
            panic!("unexpected events: {events:#?}");
        };

        assert_eq!(header.name, "stream:stream");
        assert_eq!(header.to.as_deref(), Some("im.example.com"));
        assert_eq!(header.from.as_deref(), Some("juliet@im.example.com"));
        assert_eq!(header.id, None);
        assert_eq!(header.version.as_deref(), Some("1.0"));
        assert_eq!(header.lang.as_deref(), Some("en"));
        assert_eq!(header.default_ns.as_deref(), Some("jabber:client"));
        assert_eq!(header.stream_ns.as_deref(), Some(ns::STREAMS));
        assert_eq!(header.attributes.len(), 6);

        // The default namespace of the stream header reaches the stanza.
        assert_eq!(message.name, "message");
        assert_eq!(message.ns.as_deref(), Some("jabber:client"));
        assert_eq!(message.attr("type"), Some("chat"));
        assert_eq!(message.attr("xml:lang"), Some("en"));
        assert_eq!(message.attr("nope"), None);
        let body = message.child("body", "jabber:client").expect("a body");
        assert_eq!(
            body.text(),
            "Art thou not Romeo, and a Montague? 你好 é & 你 <3"
        );
        // A child that declares its own namespace.
        let x = message.child("x", "jabber:x:oob").expect("an oob");
        assert_eq!(message.child("x", "jabber:client"), None);
        let url = x.child("url", "jabber:x:oob").expect("a url");
        assert_eq!(url.text(), "https://example.com/?a=1&b=2");

        assert_eq!(presence.name, "presence");
        assert_eq!(presence.ns.as_deref(), Some("jabber:client"));
        assert!(presence.children.is_empty());
    }

    #[test]
    fn every_split_gives_the_same_events() {
        let expected = events(CLIENT);
        let bytes = CLIENT.as_bytes();
        // The fixture must really have multi-byte characters to split.
        let inside_a_char = (1..bytes.len())
            .filter(|&at| !CLIENT.is_char_boundary(at))
            .count();
        assert!(inside_a_char >= 5, "你, 好 and é give 2 + 2 + 1 positions");

        for at in 0..=bytes.len() {
            let (a, b) = bytes.split_at(at);
            assert_eq!(
                run(&[a, b]).as_ref(),
                Ok(&expected),
                "split at byte {at} of {}",
                bytes.len()
            );
        }
        assert_eq!(run_bytewise(CLIENT), Ok(expected.clone()));

        // Three pieces, around every multi-byte character.
        for at in (1..bytes.len()).filter(|&at| !CLIENT.is_char_boundary(at)) {
            let (a, rest) = bytes.split_at(at - 1);
            let (b, c) = rest.split_at(2);
            assert_eq!(run(&[a, b, c]).as_ref(), Ok(&expected), "at {at}");
        }
    }

    #[test]
    fn restricted_xml_is_refused() {
        let cases = [
            (
                format!("<!DOCTYPE stream [<!ENTITY x 'y'>]>{OPEN}"),
                "a document type declaration",
            ),
            (in_stream("<!-- hello -->"), "a comment"),
            (in_stream("<message><!-- hi --></message>"), "a comment"),
            (
                in_stream("<?xml-stylesheet href='a.xsl'?>"),
                "a processing instruction",
            ),
            (
                format!("<?xml-stylesheet href='a.xsl'?>{OPEN}"),
                "a processing instruction",
            ),
            // The declaration is fine at the start, nowhere else.
            (
                format!(" <?xml version='1.0'?>{OPEN}"),
                "a processing instruction",
            ),
            (
                in_stream("<?xml version='1.0'?>"),
                "a processing instruction",
            ),
            (
                in_stream("<message><body>&foo;</body></message>"),
                "the entity reference &foo;",
            ),
            (
                in_stream("<message to='&foo;'/>"),
                "the entity reference &foo;",
            ),
        ];
        for (input, what) in cases {
            let e = error(&input);
            assert_eq!(e.stream_error_condition(), "restricted-xml", "{input}");
            let FramingError::RestrictedXml { what: got } = &e else {
                panic!("{input}: {e:?}");
            };
            assert!(got.starts_with(what), "{input}: {got}");
        }
    }

    #[test]
    fn deep_nesting_and_many_attributes_are_a_policy_violation() {
        // Depth 64 counts the stream: 63 nested elements are fine, 64 not.
        let nested = |n: usize| "<a>".repeat(n) + &"</a>".repeat(n);
        assert_eq!(events(&in_stream(&nested(63))).len(), 3);
        let e = error(&in_stream(&nested(64)));
        assert_eq!(e, FramingError::TooDeep { limit: 64 });
        assert_eq!(e.stream_error_condition(), "policy-violation");

        let attrs = |n: usize| -> String {
            (0..n).map(|i| format!(" a{i}='{i}'")).collect()
        };
        assert_eq!(events(&in_stream(&format!("<x{}/>", attrs(64)))).len(), 3);
        let e = error(&in_stream(&format!("<x{}/>", attrs(65))));
        assert_eq!(
            e,
            FramingError::TooManyAttributes {
                element: "x".into(),
                limit: 64
            }
        );
        assert_eq!(e.stream_error_condition(), "policy-violation");
    }

    #[test]
    fn malformed_xml_is_not_well_formed() {
        let cases = [
            // Mismatched tags.
            in_stream("<message><body></message></body>"),
            in_stream("<message><body>hi</message>"),
            // The stream closed with the wrong name.
            format!("{OPEN}</stream:strom>"),
            // A tag broken by '<'.
            in_stream("<message <body/>"),
            // Duplicate attribute, unquoted value.
            in_stream("<message to='a' to='b'/>"),
            in_stream("<message to=a/>"),
            // A lone '&' and an illegal character.
            in_stream("<message><body>a & b</body></message>"),
            in_stream("<message><body>&#x1;</body></message>"),
            // Text before the header, a stray closing tag, data after close.
            format!("hello{OPEN}"),
            "</stream:stream>".to_owned(),
            format!("{OPEN}</stream:stream><presence/>"),
        ];
        for input in cases {
            let e = error(&input);
            assert_eq!(
                e.stream_error_condition(),
                "not-well-formed",
                "{input}"
            );
        }
    }

    #[test]
    fn other_stream_errors() {
        let e = error(&in_stream("<foo:message/>"));
        assert_eq!(
            e,
            FramingError::BadNamespacePrefix {
                prefix: "foo".into()
            }
        );
        assert_eq!(e.stream_error_condition(), "bad-namespace-prefix");

        let e = error(&in_stream("hello"));
        assert_eq!(e, FramingError::TextAtStreamLevel);
        assert_eq!(e.stream_error_condition(), "bad-format");

        let e = error("<stream:stream xmlns:stream='urn:wrong'>");
        assert_eq!(e.stream_error_condition(), "invalid-namespace");
        let e = error("<stream xmlns='jabber:client'>");
        assert_eq!(e.stream_error_condition(), "invalid-namespace");
    }

    #[test]
    fn errors_teach() {
        assert_eq!(
            error(&in_stream("<!-- x -->")).to_string(),
            "a comment (<!-- … -->) is not allowed in an XMPP stream: no \
             DTD, comments, processing instructions or entity references \
             other than the five predefined ones (RFC 6120 § 11.1)"
        );
    }
}
