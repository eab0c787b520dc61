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
//!    and parsed by a fresh quick-xml [`NsReader`] over exactly those bytes,
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
//! Read before: [`super::jid`]. Read after: the stanza layer (typed
//! `Message`, `Presence`, `Iq` built from [`Element`]). Book:
//! `book/src/lesson-03.md`. Run: `netlab lesson 3`.
//!
//! [RFC 6120 § 4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4
//! [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
//! [RFC 6120 § 11.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-11.1

use crate::xmpp::ns;
use std::fmt::Write as _;

use quick_xml::NsReader;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{
    Namespace, NamespaceError, PrefixDeclaration, ResolveResult,
};

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

/// One attribute, as written (`name` keeps its prefix: `xml:lang`), with its
/// value decoded (`&amp;` is `&`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// The qualified name as written: `to`, `xml:lang`, `xmlns:stream`.
    pub name: String,
    /// The value with references resolved.
    pub value: String,
}

/// A child of an [`Element`]: another element, or text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A nested element.
    Element(Element),
    /// Character data, decoded (references resolved, CDATA unwrapped).
    /// Adjacent pieces of text are merged into one node.
    Text(String),
}

/// A small owned XML element tree: a complete top-level element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The qualified name as written: `message`, `stream:features`.
    pub name: String,
    /// The namespace URI the name resolved to (`jabber:client`), or `None`
    /// if no namespace is in scope.
    pub ns: Option<String>,
    /// The attributes in document order, namespace declarations included,
    /// so that [`Element::to_xml`] writes the element back as it came.
    pub attributes: Vec<Attribute>,
    /// Elements and text, in document order.
    pub children: Vec<Node>,
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

/// Where the scanner is, between two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scan {
    /// Outside markup: character data, or whitespace between elements.
    Text,
    /// Just after a `<`; the next byte says what kind of markup it is.
    Lt,
    /// Inside a start tag `<name attr='…'`, until the `>` that is not
    /// inside quotes. `prev` is the byte before, to see a `/>`.
    StartTag { quote: Option<u8>, prev: u8 },
    /// Inside an end tag `</name`, until `>`.
    EndTag,
    /// Just after `<!`.
    Bang,
    /// Inside `<![CDATA[ … ]]>`; `brackets` counts the `]` just seen.
    CData { brackets: u8 },
    /// Inside the XML declaration `<?xml … ?>`.
    Decl { prev: u8 },
}

/// What kind of complete unit the scanner has found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unit {
    /// `<?xml …?>` at the very start.
    Decl,
    /// `<stream:stream …>`.
    Open,
    /// `<stream:stream …/>`: a stream that opens and closes at once.
    OpenClose,
    /// A complete element at depth 1.
    Element,
    /// `</stream:stream>`.
    Close,
}

/// What the parser remembers of the stream header for the elements inside.
#[derive(Clone, Debug)]
struct StreamScope {
    /// The header's tag name as written, for the closing tag.
    name: String,
    /// Its namespace declarations: `(None, "jabber:client")` for
    /// `xmlns='…'`, `(Some("stream"), …)` for `xmlns:stream='…'`.
    bindings: Vec<(Option<String>, String)>,
}

/// The incremental stream parser: feed it bytes, take out [`StreamEvent`]s.
///
/// ```
/// use netlab::xmpp::framing::{StreamEvent, StreamParser};
///
/// let mut parser = StreamParser::new();
/// parser.feed(b"<stream:stream xmlns='jabber:client' xmlns:stream=");
/// assert_eq!(parser.next_event(), Ok(None)); // not enough bytes yet
/// parser.feed(b"'http://etherx.jabber.org/streams'><presence/>");
/// assert!(matches!(parser.next_event(), Ok(Some(StreamEvent::Open(_)))));
/// let Ok(Some(StreamEvent::Element(presence))) = parser.next_event() else {
///     panic!("expected the presence element");
/// };
/// assert_eq!(presence.ns.as_deref(), Some("jabber:client"));
/// ```
///
/// One parser reads one stream. After a stream restart (after STARTTLS or
/// SASL, [RFC 6120 § 4.3.3]) the peer sends a new header: make a new parser.
///
/// [RFC 6120 § 4.3.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.3.3
#[derive(Clone, Debug)]
pub struct StreamParser {
    limits: Limits,
    /// Bytes received and not yet returned as events (plus, before
    /// `start`, some already returned, kept until the next compaction).
    buf: Vec<u8>,
    /// Where the current unit starts in `buf`.
    start: usize,
    /// The next byte of `buf` to scan.
    pos: usize,
    /// How many bytes were scanned since the stream began: the XML
    /// declaration is only allowed at byte 0.
    scanned: u64,
    state: Scan,
    /// Open elements, `<stream:stream>` included.
    depth: usize,
    /// Where the name of the tag being scanned starts in `buf` (just
    /// after its `<` or `</`).
    tag_at: usize,
    /// The names of the open elements inside the current stanza (depth 2
    /// and deeper), one after another, and where each one starts: an end
    /// tag must name the element it closes (XML 1.0 § 3, "Element Type
    /// Match"), checked when its `>` arrives. The stream header's own
    /// name is in `scope`.
    open_names: Vec<u8>,
    open_at: Vec<usize>,
    /// Set once the header has been parsed.
    scope: Option<StreamScope>,
    /// `<stream:stream/>` gave `Open`; `Close` is owed.
    close_owed: bool,
    /// `</stream:stream>` has been seen.
    closed: bool,
    /// The first error; a stream error ends the stream, so every later
    /// call repeats it.
    failed: Option<FramingError>,
}

impl Default for StreamParser {
    fn default() -> Self {
        StreamParser::new()
    }
}

impl StreamParser {
    /// A parser with the [default limits](Limits::default).
    pub fn new() -> StreamParser {
        StreamParser::with_limits(Limits::default())
    }

    /// A parser with the given limits.
    pub fn with_limits(limits: Limits) -> StreamParser {
        StreamParser {
            limits,
            buf: Vec::new(),
            start: 0,
            pos: 0,
            scanned: 0,
            state: Scan::Text,
            depth: 0,
            tag_at: 0,
            open_names: Vec::new(),
            open_at: Vec::new(),
            scope: None,
            close_owed: false,
            closed: false,
            failed: None,
        }
    }

    /// Appends bytes as they came from the network, split anywhere.
    pub fn feed(&mut self, bytes: &[u8]) {
        // Forget the bytes of units already returned, but only once they
        // are at least half the buffer: moving the rest down then costs no
        // more than the bytes forgotten, so the total stays linear.
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.pos -= self.start;
            self.tag_at = self.tag_at.saturating_sub(self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete event, `Ok(None)` if more bytes are needed.
    ///
    /// Call it until it returns `Ok(None)` after every [`feed`](Self::feed).
    /// After an error the stream is over: send the stream error named by
    /// [`FramingError::stream_error_condition`] and close the connection.
    pub fn next_event(&mut self) -> Result<Option<StreamEvent>, FramingError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        let result = self.advance();
        if let Err(error) = &result {
            self.failed = Some(error.clone());
        }
        result
    }

    /// Says whether the input may end here, once [`next_event`] has
    /// returned `Ok(None)`.
    ///
    /// It may if the stream was closed, or if no unit is half-received; a
    /// peer that drops the connection without `</stream:stream>` has ended
    /// the session, but not in the middle of an element. Input ending inside
    /// an element is not well-formed.
    ///
    /// [`next_event`]: Self::next_event
    pub fn finish(&self) -> Result<(), FramingError> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        if self.start < self.buf.len() || self.depth > 1 {
            return Err(not_well_formed(format!(
                "the input ended inside an unfinished element \
                 ({} bytes of it received, {} elements open)",
                self.buf.len() - self.start,
                self.depth
            )));
        }
        Ok(())
    }

    /// Bytes received but not yet part of a returned event.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Scans until a unit is complete and turns it into an event.
    fn advance(&mut self) -> Result<Option<StreamEvent>, FramingError> {
        if self.close_owed {
            self.close_owed = false;
            self.closed = true;
            return Ok(Some(StreamEvent::Close));
        }
        while self.pos < self.buf.len() {
            let byte = self.buf[self.pos];
            self.pos += 1;
            self.scanned += 1;
            let unit = self.step(byte)?;
            // Checked on every byte, so an endless stanza is refused once
            // it passes the limit, not when (if ever) it ends.
            if self.pos - self.start > self.limits.max_element_bytes {
                return Err(FramingError::TooLarge {
                    limit: self.limits.max_element_bytes,
                });
            }
            if let Some(unit) = unit {
                let event = self.take_unit(unit)?;
                self.start = self.pos;
                if event.is_some() {
                    return Ok(event);
                }
            }
        }
        Ok(None)
    }

    /// Moves the scanner over one byte; returns a unit when `byte` ends one.
    fn step(&mut self, byte: u8) -> Result<Option<Unit>, FramingError> {
        match self.state {
            Scan::Text => {
                if byte == b'<' {
                    if self.closed {
                        return Err(not_well_formed(
                            "markup after the closing </stream:stream>",
                        ));
                    }
                    self.state = Scan::Lt;
                } else if self.depth <= 1 {
                    // Between top-level units only whitespace may appear: a
                    // whitespace keepalive (RFC 6120 § 4.6) or line breaks.
                    // It is consumed here, so a unit starts at its '<'.
                    if !is_xml_space(byte) {
                        return Err(if self.depth == 1 {
                            FramingError::TextAtStreamLevel
                        } else if self.closed {
                            not_well_formed(
                                "text after the closing </stream:stream>",
                            )
                        } else {
                            not_well_formed("text before the stream header")
                        });
                    }
                    self.start = self.pos;
                }
                // Deeper, text belongs to the element; quick-xml decodes it.
            }
            Scan::Lt => {
                // A start tag's name begins with this byte; an end tag's
                // after this '/'.
                self.tag_at =
                    if byte == b'/' { self.pos } else { self.pos - 1 };
                self.state = match byte {
                    b'/' => Scan::EndTag,
                    b'!' => Scan::Bang,
                    // "<?" as the first two bytes of the stream can only be
                    // the XML declaration (or a PI, refused once complete).
                    b'?' if self.scanned == 2 => Scan::Decl { prev: 0 },
                    b'?' => {
                        return Err(restricted(
                            "a processing instruction (<? … ?>)",
                        ));
                    }
                    _ if is_name_start(byte) => Scan::StartTag {
                        quote: None,
                        prev: byte,
                    },
                    // Without this, "<>" would be read as a tag whose name
                    // starts with '>' and runs on to the next '>': quick-xml
                    // takes "<>…</>" as an element with an empty name,
                    // which, written back, no parser can read.
                    _ => {
                        return Err(not_well_formed(format!(
                            "'<' followed by {:?}, which cannot start a tag \
                             name (XML 1.0 § 2.3, § 3.1)",
                            char::from(byte)
                        )));
                    }
                };
            }
            Scan::StartTag { quote, prev } => match (quote, byte) {
                // Inside quotes everything but the closing quote is value:
                // <a b='>'> is well-formed, and its tag ends at the second
                // '>' (XML 1.0 § 3.1 allows '>' in attribute values).
                (Some(q), _) => {
                    let quote = (byte != q).then_some(q);
                    self.state = Scan::StartTag { quote, prev: byte };
                }
                (None, b'"' | b'\'') => {
                    self.state = Scan::StartTag {
                        quote: Some(byte),
                        prev: byte,
                    };
                }
                (None, b'>') => {
                    self.state = Scan::Text;
                    return self.start_tag_ended(prev == b'/');
                }
                (None, b'<') => {
                    return Err(not_well_formed("'<' inside a tag"));
                }
                (None, _) => {
                    self.state = Scan::StartTag { quote, prev: byte };
                }
            },
            Scan::EndTag => {
                if byte == b'>' {
                    self.state = Scan::Text;
                    return self.end_tag_ended();
                }
                if byte == b'<' {
                    return Err(not_well_formed("'<' inside a closing tag"));
                }
            }
            Scan::Bang => {
                self.state = match byte {
                    // RFC 6120 § 11.1: "XML comments" are not allowed.
                    b'-' => return Err(restricted("a comment (<!-- … -->)")),
                    // RFC 6120 § 11.1: "internal or external DTD subsets" are
                    // not allowed.
                    b'D' => {
                        return Err(restricted(
                            "a document type declaration (<!DOCTYPE …>)",
                        ));
                    }
                    // CDATA sections are allowed, but they are text.
                    b'[' if self.depth >= 2 => Scan::CData { brackets: 0 },
                    b'[' if self.depth == 1 => {
                        return Err(FramingError::TextAtStreamLevel);
                    }
                    _ => {
                        return Err(not_well_formed(
                            "'<!' that starts no comment, CDATA section or \
                             DTD where one is allowed",
                        ));
                    }
                };
            }
            Scan::CData { brackets } => {
                self.state = match byte {
                    b']' => Scan::CData {
                        brackets: (brackets + 1).min(2),
                    },
                    b'>' if brackets == 2 => Scan::Text,
                    _ => Scan::CData { brackets: 0 },
                };
            }
            Scan::Decl { prev } => {
                if byte == b'>' && prev == b'?' {
                    self.state = Scan::Text;
                    return Ok(Some(Unit::Decl));
                }
                self.state = Scan::Decl { prev: byte };
            }
        }
        Ok(None)
    }

    /// A start tag's `>` was reached; `empty` if it was `/>`.
    fn start_tag_ended(
        &mut self,
        empty: bool,
    ) -> Result<Option<Unit>, FramingError> {
        if empty {
            return Ok(match self.depth {
                0 => Some(Unit::OpenClose),
                1 => Some(Unit::Element),
                _ => None,
            });
        }
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(FramingError::TooDeep {
                limit: self.limits.max_depth,
            });
        }
        if self.depth >= 2 {
            let name = tag_name(&self.buf[self.tag_at..self.pos]);
            self.open_at.push(self.open_names.len());
            self.open_names.extend_from_slice(name);
        }
        Ok((self.depth == 1).then_some(Unit::Open))
    }

    /// An end tag's `>` was reached.
    fn end_tag_ended(&mut self) -> Result<Option<Unit>, FramingError> {
        let unit = match self.depth {
            0 => {
                return Err(not_well_formed("a closing tag with nothing open"));
            }
            1 => Some(Unit::Close),
            2 => Some(Unit::Element),
            _ => None,
        };
        if self.depth >= 2 {
            // The end tag is `</name S?>` (XML 1.0 § 3.1, production ETag).
            let closing = tag_name(&self.buf[self.tag_at..self.pos]);
            let at = self.open_at.pop().unwrap_or_default();
            if self.open_names[at..] != *closing {
                return Err(not_well_formed(format!(
                    "<{}> was closed with </{}>: an end tag must name the \
                     element it ends (XML 1.0 § 3)",
                    String::from_utf8_lossy(&self.open_names[at..]),
                    String::from_utf8_lossy(closing),
                )));
            }
            self.open_names.truncate(at);
        }
        self.depth -= 1;
        Ok(unit)
    }

    /// Parses the complete unit `buf[start..pos]` into an event.
    fn take_unit(
        &mut self,
        unit: Unit,
    ) -> Result<Option<StreamEvent>, FramingError> {
        // Only now, with the unit complete, are its bytes decoded: a chunk
        // boundary inside a UTF-8 character never reaches this point.
        let text = std::str::from_utf8(&self.buf[self.start..self.pos])
            .map_err(|e| {
                not_well_formed(format!(
                    "the bytes are not UTF-8 ({e}); XMPP streams are UTF-8 \
                     (RFC 6120 § 11.6)"
                ))
            })?;
        match unit {
            Unit::Decl => {
                check_declaration(text)?;
                Ok(None)
            }
            Unit::Open | Unit::OpenClose => {
                let (header, scope) = parse_header(text, &self.limits)?;
                self.scope = Some(scope);
                self.close_owed = unit == Unit::OpenClose;
                Ok(Some(StreamEvent::Open(header)))
            }
            Unit::Element => {
                let bindings = match &self.scope {
                    Some(scope) => scope.bindings.as_slice(),
                    None => &[],
                };
                let mut element = parse_element(text, bindings, &self.limits)?;
                declare_inherited_prefixes(&mut element, bindings);
                // The declarations count against the limit too: a reader
                // with the same limits must accept the element as written.
                if element.attributes.len() > self.limits.max_attributes {
                    return Err(FramingError::TooManyAttributes {
                        element: element.name,
                        limit: self.limits.max_attributes,
                    });
                }
                Ok(Some(StreamEvent::Element(element)))
            }
            Unit::Close => {
                // "</stream:stream >" → "stream:stream".
                let name = text
                    .trim_start_matches("</")
                    .trim_end_matches('>')
                    .trim_end_matches(is_xml_space_char);
                let open = self.scope.as_ref().map(|s| s.name.as_str());
                if open != Some(name) {
                    return Err(not_well_formed(format!(
                        "the stream was opened as <{}> but closed with \
                         </{name}>",
                        open.unwrap_or("?")
                    )));
                }
                self.closed = true;
                Ok(Some(StreamEvent::Close))
            }
        }
    }
}

/// The name at the start of a tag's bytes (`message` in `message to='…'>`
/// or in `message >`): up to the first whitespace, `/` or `>`.
fn tag_name(tag: &[u8]) -> &[u8] {
    let end = tag
        .iter()
        .position(|&b| is_xml_space(b) || b == b'/' || b == b'>')
        .unwrap_or(tag.len());
    &tag[..end]
}

/// XML whitespace: space, tab, CR, LF (XML 1.0 § 2.3, production S).
fn is_xml_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Whether a tag name may start with `byte`: in ASCII, a letter, '_' or
/// ':' (XML 1.0 § 2.3, production NameStartChar). Any non-ASCII byte is let
/// through: most characters beyond ASCII may start a name, and this byte
/// is only the first of one.
fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || matches!(byte, b'_' | b':') || byte >= 0x80
}

/// [`is_xml_space`] for a `char`.
fn is_xml_space_char(ch: char) -> bool {
    u8::try_from(ch).is_ok_and(is_xml_space)
}

/// Checks the `<?xml …?>` declaration: it must be one (not another
/// processing instruction) and may only name UTF-8.
fn check_declaration(text: &str) -> Result<(), FramingError> {
    let mut reader = Reader::from_str(text);
    match reader.read_event().map_err(xml_error)? {
        Event::Decl(decl) => match decl.encoding() {
            Some(Ok(encoding)) if !encoding.eq_ignore_ascii_case("utf-8") => {
                Err(FramingError::UnsupportedEncoding {
                    encoding: encoding.into_owned(),
                })
            }
            Some(Err(e)) => Err(not_well_formed(e.to_string())),
            _ => Ok(()),
        },
        // "<?xml-stylesheet …?>" and friends: a real PI, refused.
        _ => Err(restricted("a processing instruction (<? … ?>)")),
    }
}

/// Parses the stream header `<stream:stream …>`.
fn parse_header(
    text: &str,
    limits: &Limits,
) -> Result<(StreamHeader, StreamScope), FramingError> {
    let mut reader = NsReader::from_str(text);
    let (ns, event) = reader.read_resolved_event().map_err(xml_error)?;
    let ns = owned_namespace(ns)?;
    let (Event::Start(start) | Event::Empty(start)) = event else {
        return Err(not_well_formed("the stream header is not a start tag"));
    };
    let name = start.name().0.to_owned();
    // RFC 6120 § 4.8.1: the stream element is "stream" in the streams
    // namespace; anything else is the stream error invalid-namespace
    // (§ 4.9.3.10).
    if start.local_name().as_ref() != "stream"
        || ns.as_deref() != Some(ns::STREAMS)
    {
        return Err(FramingError::InvalidNamespace { name, ns });
    }
    let attributes = collect_attributes(&start, limits)?;
    let get = |key: &str| {
        attributes
            .iter()
            .find(|a| a.name == key)
            .map(|a| a.value.clone())
    };
    let bindings = attributes
        .iter()
        .filter_map(|a| {
            if a.name == "xmlns" {
                Some((None, a.value.clone()))
            } else {
                a.name
                    .strip_prefix("xmlns:")
                    .map(|p| (Some(p.to_owned()), a.value.clone()))
            }
        })
        .collect();
    let header = StreamHeader {
        name: name.clone(),
        to: get("to"),
        from: get("from"),
        id: get("id"),
        version: get("version"),
        lang: get("xml:lang"),
        default_ns: get("xmlns"),
        stream_ns: ns,
        attributes,
    };
    Ok((header, StreamScope { name, bindings }))
}

/// Makes a top-level element readable on its own: every prefix it uses
/// that was declared on the stream header (`xmlns:x='…'` there, `<x:y/>`
/// here) is declared again on the element itself.
///
/// Without this, a stanza routed to another client would carry a prefix
/// that the *recipient's* stream never declared, and the recipient's
/// parser would reject it and drop its stream: one user could disconnect
/// another with `<message><x:y/></message>`. The default namespace is
/// not copied: both streams declare `jabber:client`.
fn declare_inherited_prefixes(
    element: &mut Element,
    bindings: &[(Option<String>, String)],
) {
    fn uses(element: &Element, prefix: &str) -> bool {
        let has =
            |name: &str| name.split_once(':').is_some_and(|(p, _)| p == prefix);
        has(&element.name)
            || element
                .attributes
                .iter()
                .any(|a| has(&a.name) && !a.name.starts_with("xmlns:"))
            || element.elements().any(|child| uses(child, prefix))
    }
    for (prefix, uri) in bindings {
        let Some(prefix) = prefix else { continue };
        let declaration = format!("xmlns:{prefix}");
        if prefix == "xml" || element.attr(&declaration).is_some() {
            continue;
        }
        if uses(element, prefix) {
            element.attributes.push(Attribute {
                name: declaration,
                value: uri.clone(),
            });
        }
    }
}

/// Parses one complete top-level element into an [`Element`] tree.
///
/// `bindings` are the namespace declarations of the stream header, which
/// are in scope for every element inside it.
fn parse_element(
    text: &str,
    bindings: &[(Option<String>, String)],
    limits: &Limits,
) -> Result<Element, FramingError> {
    let mut reader = NsReader::from_str(text);
    for (prefix, uri) in bindings {
        let declaration = match prefix {
            Some(prefix) => PrefixDeclaration::Named(prefix),
            None => PrefixDeclaration::Default,
        };
        reader
            .resolver_mut()
            .add(declaration, Namespace(uri))
            .map_err(|e| xml_error(e.into()))?;
    }

    // The elements opened and not yet closed; the innermost is last.
    let mut open: Vec<Element> = Vec::new();
    loop {
        let (ns, event) = reader.read_resolved_event().map_err(xml_error)?;
        let done = match event {
            Event::Start(start) => {
                let ns = owned_namespace(ns)?;
                open.push(new_element(&start, ns, limits)?);
                None
            }
            Event::Empty(start) => {
                let ns = owned_namespace(ns)?;
                let element = new_element(&start, ns, limits)?;
                attach(&mut open, element)
            }
            Event::End(_) => {
                // quick-xml has checked that the name matches the start tag.
                let element = open
                    .pop()
                    .ok_or_else(|| not_well_formed("a stray closing tag"))?;
                attach(&mut open, element)
            }
            Event::Text(text) => {
                push_text(&mut open, &text.xml10_content())?;
                None
            }
            Event::CData(cdata) => {
                push_text(&mut open, &cdata.xml10_content())?;
                None
            }
            Event::GeneralRef(reference) => {
                let ch = resolve_reference(&reference)?;
                push_text(&mut open, ch.encode_utf8(&mut [0; 4]))?;
                None
            }
            // The scanner refuses these before a unit is complete; they are
            // matched here so that this function is right on its own.
            Event::Comment(_) => return Err(restricted("a comment")),
            Event::PI(_) | Event::Decl(_) => {
                return Err(restricted("a processing instruction"));
            }
            Event::DocType(_) => {
                return Err(restricted("a document type declaration"));
            }
            Event::Eof => {
                return Err(not_well_formed("the element ended early"));
            }
        };
        if let Some(element) = done {
            // The scanner ended the unit at this element's last '>'.
            if reader.buffer_position() != text.len() as u64 {
                return Err(not_well_formed("bytes after the element"));
            }
            return Ok(element);
        }
    }
}

/// Adds a finished element to its parent, or returns it if it is the
/// top-level one.
fn attach(open: &mut [Element], element: Element) -> Option<Element> {
    match open.last_mut() {
        Some(parent) => {
            parent.children.push(Node::Element(element));
            None
        }
        None => Some(element),
    }
}

/// Appends text to the innermost open element, merging with text before.
fn push_text(open: &mut [Element], text: &str) -> Result<(), FramingError> {
    check_chars(text)?;
    let Some(parent) = open.last_mut() else {
        return Err(FramingError::TextAtStreamLevel);
    };
    // An empty CDATA section adds nothing. Kept as a node, it would make
    // `<a><![CDATA[]]></a>` an element with one (empty) child, written
    // back as `<a></a>`, which reads as `<a/>`: another element.
    if text.is_empty() {
        return Ok(());
    }
    match parent.children.last_mut() {
        Some(Node::Text(before)) => before.push_str(text),
        _ => parent.children.push(Node::Text(text.to_owned())),
    }
    Ok(())
}

/// Builds an element without children from a start tag.
fn new_element(
    start: &BytesStart<'_>,
    ns: Option<String>,
    limits: &Limits,
) -> Result<Element, FramingError> {
    Ok(Element {
        name: start.name().0.to_owned(),
        ns,
        attributes: collect_attributes(start, limits)?,
        children: Vec::new(),
    })
}

/// Reads the attributes of a start tag, decoding their values.
fn collect_attributes(
    start: &BytesStart<'_>,
    limits: &Limits,
) -> Result<Vec<Attribute>, FramingError> {
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        // quick-xml refuses duplicates and values without quotes here.
        let attribute = attribute.map_err(|e| xml_error(e.into()))?;
        if attributes.len() == limits.max_attributes {
            return Err(FramingError::TooManyAttributes {
                element: start.name().0.to_owned(),
                limit: limits.max_attributes,
            });
        }
        // XML 1.0 § 3.3.3: references resolved, tabs and line breaks turned
        // into spaces. Only the five predefined entities are known, so
        // "&foo;" fails here and becomes restricted-xml in `xml_error`.
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(xml_error)?;
        check_chars(&value)?;
        attributes.push(Attribute {
            name: attribute.key.0.to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(attributes)
}

/// Resolves `&…;` in text: a character reference or one of the five
/// predefined entities; anything else is restricted XML.
fn resolve_reference(reference: &BytesRef<'_>) -> Result<char, FramingError> {
    if let Some(ch) = reference
        .resolve_char_ref()
        .map_err(|e| not_well_formed(e.to_string()))?
    {
        check_chars(ch.encode_utf8(&mut [0; 4]))?;
        return Ok(ch);
    }
    // XML 1.0 § 4.6: the five entities every parser knows without a DTD.
    match &**reference {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        // RFC 6120 § 11.1: no "internal or external entity references with
        // the exception of the predefined entities".
        name => Err(restricted(format!("the entity reference &{name};"))),
    }
}

/// Refuses characters XML 1.0 does not allow at all (§ 2.2, production
/// Char): controls other than tab, CR and LF, and U+FFFE, U+FFFF. quick-xml
/// does not check this, and `&#x1;` would otherwise slip through.
fn check_chars(text: &str) -> Result<(), FramingError> {
    let bad = |ch: char| {
        (ch < ' ' && !matches!(ch, '\t' | '\n' | '\r'))
            || ch == '\u{FFFE}'
            || ch == '\u{FFFF}'
    };
    match text.chars().find(|&ch| bad(ch)) {
        Some(ch) => Err(not_well_formed(format!(
            "the character U+{:04X} is not allowed in XML (XML 1.0 § 2.2)",
            u32::from(ch)
        ))),
        None => Ok(()),
    }
}

/// Turns a namespace lookup into an owned URI.
fn owned_namespace(
    ns: ResolveResult<'_>,
) -> Result<Option<String>, FramingError> {
    match ns {
        ResolveResult::Bound(Namespace(uri)) => Ok(Some(uri.to_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => {
            Err(FramingError::BadNamespacePrefix { prefix })
        }
    }
}

/// Maps a quick-xml error to the stream error it means.
fn xml_error(error: quick_xml::Error) -> FramingError {
    match error {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
            restricted(format!("the entity reference &{name};"))
        }
        quick_xml::Error::Namespace(NamespaceError::UnknownPrefix(prefix)) => {
            FramingError::BadNamespacePrefix { prefix }
        }
        other => not_well_formed(other.to_string()),
    }
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

impl Element {
    /// A new element with no attributes and no children.
    ///
    /// `ns` is recorded, not written: to put `xmlns='…'` on the wire, add it
    /// as an attribute (a stanza written into a `jabber:client` stream
    /// inherits the stream's default namespace and needs none).
    pub fn new(name: impl Into<String>, ns: Option<&str>) -> Element {
        Element {
            name: name.into(),
            ns: ns.map(str::to_owned),
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// Adds an attribute (builder style).
    pub fn with_attr(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Element {
        self.attributes.push(Attribute {
            name: name.into(),
            value: value.into(),
        });
        self
    }

    /// Adds a child element (builder style).
    pub fn with_child(mut self, child: Element) -> Element {
        self.children.push(Node::Element(child));
        self
    }

    /// Adds text (builder style).
    pub fn with_text(mut self, text: impl Into<String>) -> Element {
        self.children.push(Node::Text(text.into()));
        self
    }

    /// The name without its prefix: `features` for `stream:features`.
    pub fn local_name(&self) -> &str {
        self.name
            .split_once(':')
            .map_or(&self.name, |(_, local)| local)
    }

    /// The value of an attribute, by its name as written (`xml:lang`).
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// The first child element with this local name and namespace:
    /// `message.child("body", "jabber:client")`.
    pub fn child(&self, name: &str, ns: &str) -> Option<&Element> {
        self.elements()
            .find(|e| e.local_name() == name && e.ns.as_deref() == Some(ns))
    }

    /// The child elements, skipping text.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// The text directly inside this element (not inside its children).
    pub fn text(&self) -> String {
        self.children
            .iter()
            .filter_map(|node| match node {
                Node::Text(text) => Some(text.as_str()),
                Node::Element(_) => None,
            })
            .collect()
    }

    /// Moves a stanza into another stream's content namespace: every
    /// element in one of the three content namespaces (`jabber:client`,
    /// `jabber:server`, `jabber:component:accept`, see [`ns`]) is put in
    /// `to`, and every `xmlns='…'` that declared one of them now declares
    /// `to`.
    ///
    /// A stanza usually carries no `xmlns` of its own: it inherits the
    /// default namespace of the stream it was read from, and written into
    /// another stream without one it inherits *that* stream's, which is
    /// right. But a sender may write it out (`<message
    /// xmlns='jabber:client'>`, as some libraries do), and that
    /// declaration would travel with the bytes: a component reading
    /// `jabber:client` inside its `jabber:component:accept` stream does not
    /// recognise the stanza as a message at all. RFC 6120 § 4.8.3 puts it
    /// as a rule for servers: a stanza is re-scoped to the namespace of the
    /// stream it is written to. Payload namespaces (`<x xmlns='…'/>`) are
    /// left alone.
    pub fn renamespace(&mut self, to: &str) {
        if self.ns.as_deref().is_some_and(ns::is_content) {
            self.ns = Some(to.to_owned());
        }
        for attribute in &mut self.attributes {
            if attribute.name == "xmlns" && ns::is_content(&attribute.value) {
                to.clone_into(&mut attribute.value);
            }
        }
        for child in &mut self.children {
            if let Node::Element(element) = child {
                element.renamespace(to);
            }
        }
    }

    /// Writes the element as it belongs in a stream whose content
    /// namespace is `to` ([`Element::renamespace`]), copying the tree only
    /// when it spells a content namespace out: usually it does not, and
    /// the bytes are the same in every stream.
    pub fn to_xml_in(&self, to: &str) -> String {
        fn declares_content(element: &Element) -> bool {
            element
                .attributes
                .iter()
                .any(|a| a.name == "xmlns" && ns::is_content(&a.value))
                || element.elements().any(declares_content)
        }
        if declares_content(self) {
            let mut copy = self.clone();
            copy.renamespace(to);
            copy.to_xml()
        } else {
            self.to_xml()
        }
    }

    /// Writes the element as XML, names and attributes as stored.
    ///
    /// The five characters `& < > " '` are escaped everywhere, which is
    /// more than XML needs (`>` and quotes are only special in some places)
    /// but is never wrong and easy to check. A carriage return, and in an
    /// attribute value also a tab or line feed, is written as a character
    /// reference (`&#13;`), which a parser keeps as it is, where the raw
    /// character would be changed: so the element reads back the same.
    pub fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write_xml(&mut out);
        out
    }

    fn write_xml(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for attribute in &self.attributes {
            // Writing into a String cannot fail.
            let _ = write!(out, " {}=\"", attribute.name);
            escape_into(out, &attribute.value, Context::Attribute);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                Node::Element(element) => element.write_xml(out),
                Node::Text(text) => escape_into(out, text, Context::Text),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// Where [`escape_into`] writes: the escaping differs for white space.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Character data, between tags.
    Text,
    /// An attribute value, between quotes.
    Attribute,
}

/// Appends `text` with `& < > " '` replaced by the predefined entities,
/// and the white space a parser would change written as character
/// references.
///
/// A parser reads a carriage return as a line feed (XML 1.0 § 2.11), and in
/// an attribute value it reads a tab, line feed or carriage return as a
/// space (XML 1.0 § 3.3.3). A character reference (`&#13;`) is kept as the
/// character it names, so that is how these are written: the value a
/// client reads is then the one the server had.
fn escape_into(out: &mut String, text: &str, context: Context) {
    // Copy runs of ordinary text whole: the characters replaced are ASCII,
    // so a byte search finds them and never splits a UTF-8 sequence.
    let mut start = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\r' => "&#13;",
            b'\n' if context == Context::Attribute => "&#10;",
            b'\t' if context == Context::Attribute => "&#9;",
            _ => continue,
        };
        out.push_str(&text[start..i]);
        out.push_str(entity);
        start = i + 1;
    }
    out.push_str(&text[start..]);
}

#[cfg(test)]
mod tests {

    /// One element read inside a stream whose default namespace is `ns`.
    fn read_in(ns: &str, xml: &str) -> Element {
        let mut parser = StreamParser::new();
        parser.feed(
            format!(
                "<stream:stream xmlns='{ns}' xmlns:stream='{}'>{xml}",
                ns::STREAMS
            )
            .as_bytes(),
        );
        parser.next_event().expect("header");
        match parser.next_event() {
            Ok(Some(StreamEvent::Element(element))) => element,
            other => panic!("expected an element, got {other:?}"),
        }
    }

    #[test]
    fn a_stanza_changes_namespace_with_its_stream() {
        // From a client that spelled its namespace out, to a component.
        let xml = "<message xmlns='jabber:client' to='mallory@gw.localhost'>\
                   <body>hi</body><x xmlns='urn:example'><body/></x>\
                   </message>";
        let mut element = read_in(ns::CLIENT, xml);
        element.renamespace(ns::COMPONENT_ACCEPT);
        assert_eq!(
            element.to_xml(),
            "<message xmlns=\"jabber:component:accept\" \
             to=\"mallory@gw.localhost\"><body>hi</body>\
             <x xmlns=\"urn:example\"><body/></x></message>"
        );
        // Read by the component, it is a message of its own stream.
        let there = read_in(ns::COMPONENT_ACCEPT, &element.to_xml());
        assert_eq!(there.ns.as_deref(), Some(ns::COMPONENT_ACCEPT));
        assert_eq!(
            there.elements().next().and_then(|b| b.ns.as_deref()),
            Some(ns::COMPONENT_ACCEPT)
        );
        // The payload keeps its own namespace.
        assert_eq!(
            there.elements().nth(1).and_then(|x| x.ns.as_deref()),
            Some("urn:example")
        );
        // And back: from a component (no xmlns written) to a client.
        let mut back = read_in(
            ns::COMPONENT_ACCEPT,
            "<message from='mallory@gw.localhost'><body>yo</body></message>",
        );
        back.renamespace(ns::CLIENT);
        assert_eq!(back.ns.as_deref(), Some(ns::CLIENT));
        assert!(back.child("body", ns::CLIENT).is_some());
        assert_eq!(
            back.to_xml(),
            "<message from=\"mallory@gw.localhost\"><body>yo</body></message>"
        );
        // To a server stream, for the next lesson.
        let mut s2s = read_in(ns::CLIENT, xml);
        s2s.renamespace(ns::SERVER);
        assert!(s2s.to_xml().starts_with("<message xmlns=\"jabber:server\""));
        // to_xml_in writes the same without changing the element, and
        // leaves a stanza without a written namespace as it is.
        let original = read_in(ns::CLIENT, xml);
        assert_eq!(original.to_xml_in(ns::SERVER), s2s.to_xml());
        assert_eq!(back.to_xml_in(ns::SERVER), back.to_xml());
    }
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
    fn events(input: &str) -> Vec<StreamEvent> {
        run_whole(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// The error of a stream that must fail, the same whole and bytewise.
    fn error(input: &str) -> FramingError {
        let whole = match run_whole(input) {
            Ok(events) => panic!("{input:?} should fail, got {events:#?}"),
            Err(e) => e,
        };
        assert_eq!(run_bytewise(input).err(), Some(whole.clone()), "{input:?}");
        whole
    }

    /// A stream header, for tests that need one before their element.
    const OPEN: &str = "<stream:stream xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams' to='example.com'>";

    /// `OPEN`, then `body`, then the closing tag.
    fn in_stream(body: &str) -> String {
        format!("{OPEN}{body}</stream:stream>")
    }

    /// The one element of `in_stream(body)`.
    fn only_element(body: &str) -> Element {
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
    fn nothing_is_returned_before_the_element_is_complete() {
        let mut parser = StreamParser::new();
        parser.feed(OPEN.as_bytes());
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        let stanza = "<message><body>你好</body></message>";
        let (head, tail) = stanza.as_bytes().split_at(stanza.len() - 1);
        parser.feed(head);
        assert_eq!(parser.next_event(), Ok(None));
        assert_eq!(parser.buffered(), head.len());
        assert!(parser.finish().is_err(), "ending here is not well-formed");
        parser.feed(tail);
        let Ok(Some(StreamEvent::Element(message))) = parser.next_event()
        else {
            panic!("expected the message");
        };
        assert_eq!(message.to_xml(), stanza);
        assert_eq!(parser.next_event(), Ok(None));
        assert_eq!(parser.buffered(), 0);
        assert_eq!(parser.finish(), Ok(()));
    }

    #[test]
    fn whitespace_keepalives_are_skipped() {
        let events = events(&in_stream(" \n <presence/>\n\n \t<presence/> "));
        assert_eq!(events.len(), 4);
    }

    #[test]
    fn an_empty_stream_tag_opens_and_closes() {
        let input =
            "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>";
        let events = events(input);
        assert!(matches!(
            events.as_slice(),
            [StreamEvent::Open(_), StreamEvent::Close]
        ));
    }

    #[test]
    fn namespaces_resolve_with_prefixes() {
        let features = only_element(
            "<stream:features>\
             <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>\
             </starttls></stream:features>",
        );
        assert_eq!(features.name, "stream:features");
        assert_eq!(features.local_name(), "features");
        assert_eq!(features.ns.as_deref(), Some(ns::STREAMS));
        let tls = "urn:ietf:params:xml:ns:xmpp-tls";
        let starttls = features.child("starttls", tls).expect("starttls");
        assert!(starttls.child("required", tls).is_some());

        // A prefix declared on the stanza itself.
        let iq = only_element(
            "<iq type='get' id='1'><q:query xmlns:q='jabber:iq:roster'/></iq>",
        );
        let query = iq.child("query", "jabber:iq:roster").expect("query");
        assert_eq!(query.name, "q:query");
    }

    #[test]
    fn predefined_entities_and_character_references_are_decoded() {
        let message = only_element(
            "<message to='a&amp;b' id='&#x4F60;&#22909;'>\
             <body>&lt;&gt;&amp;&quot;&apos;&#x4F60;&#22909;</body></message>",
        );
        assert_eq!(message.attr("to"), Some("a&b"));
        assert_eq!(message.attr("id"), Some("你好"));
        let body = message.child("body", "jabber:client").expect("body");
        assert_eq!(body.text(), "<>&\"'你好");
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
    fn the_xml_declaration_is_accepted_at_the_start_only_in_utf_8() {
        assert_eq!(
            events(&format!("<?xml version='1.0' encoding='UTF-8'?>{OPEN}"))
                .len(),
            1
        );
        let e =
            error(&format!("<?xml version='1.0' encoding='UTF-16'?>{OPEN}"));
        assert_eq!(e.stream_error_condition(), "unsupported-encoding");
    }

    #[test]
    fn oversized_elements_are_a_policy_violation() {
        // With the default limit of 256 KiB, a 300 KiB body.
        let body = "a".repeat(300 * 1024);
        let e = error(&in_stream(&format!(
            "<message><body>{body}</body></message>"
        )));
        assert_eq!(e, FramingError::TooLarge { limit: 256 * 1024 });
        assert_eq!(e.stream_error_condition(), "policy-violation");

        // The limit is enforced as the bytes arrive, before the stanza ends.
        // (It applies to the stream header too, which is 102 bytes here.)
        let limits = Limits {
            max_element_bytes: 200,
            ..Limits::default()
        };
        let mut parser = StreamParser::with_limits(limits);
        parser.feed(OPEN.as_bytes());
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        parser.feed(b"<message><body>");
        assert_eq!(parser.next_event(), Ok(None));
        parser.feed(&[b'a'; 200]);
        assert_eq!(
            parser.next_event(),
            Err(FramingError::TooLarge { limit: 200 })
        );
        // And it stays failed.
        assert!(parser.next_event().is_err());

        // Exactly at the limit is fine; whitespace between stanzas does not
        // count.
        let stanza = format!("<message>{}</message>", "b".repeat(200 - 19));
        assert_eq!(stanza.len(), 200);
        let mut parser = StreamParser::with_limits(limits);
        parser.feed(OPEN.as_bytes());
        parser.feed(" ".repeat(500).as_bytes());
        parser.feed(stanza.as_bytes());
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Element(_)))
        ));
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
    fn a_wrong_end_tag_fails_when_its_gt_arrives() {
        // `<message><body>x</message>` leaves <message> still open by
        // count; by name, </message> cannot close <body>. The error comes
        // at that '>', with no further byte, and the stanza before it is
        // delivered whole.
        let mut parser = StreamParser::new();
        parser.feed(OPEN.as_bytes());
        parser.feed(b"<presence/><message to='a@b'><body>x</message");
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Element(_)))
        ));
        assert_eq!(parser.next_event(), Ok(None));
        parser.feed(b">");
        let e = parser.next_event().expect_err("a mismatched end tag");
        assert_eq!(e.stream_error_condition(), "not-well-formed");
        assert!(e.to_string().contains("<body> was closed with </message>"));
        // Prefixes are part of the name, and a space may end an end tag.
        for bad in ["<a:x xmlns:a='u'></x>", "<x><y></y ></z>", "<x></>"] {
            let e = error(&in_stream(bad));
            assert_eq!(e.stream_error_condition(), "not-well-formed", "{bad}");
        }
        for good in ["<a:x xmlns:a='u'></a:x >", "<x><y><z/></y></x>"] {
            assert_eq!(events(&in_stream(good)).len(), 3, "{good}");
        }
    }

    #[test]
    fn a_tag_starts_with_a_name() {
        // Found by fuzzing: "<>body>x</>" was one element with an empty
        // name, which to_xml() wrote as "<>body&gt;x</>", unreadable.
        for body in ["<>body>x</>", "<>", "< message/>", "<1a/>", "<<a/>"] {
            let e = error(&in_stream(body));
            assert_eq!(e.stream_error_condition(), "not-well-formed", "{body}");
        }
        for body in ["<_a/>", "<é/>", "<a1-.b/>"] {
            assert_eq!(events(&in_stream(body)).len(), 3, "{body}");
        }
    }

    #[test]
    fn unclosed_elements_are_not_well_formed_at_the_end() {
        let input = format!("{OPEN}<message><body>hi</body>");
        let e = error(&input);
        assert_eq!(e.stream_error_condition(), "not-well-formed");
        // Ending at depth 1 is a closed connection, not a framing error.
        assert_eq!(events(OPEN).len(), 1);
    }

    #[test]
    fn invalid_utf8_is_not_well_formed() {
        let mut parser = StreamParser::new();
        parser.feed(OPEN.as_bytes());
        parser.feed(b"<message><body>\xff\xfe</body></message>");
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        let e = parser.next_event().expect_err("not UTF-8");
        assert_eq!(e.stream_error_condition(), "not-well-formed");
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
    fn to_xml_escapes_and_round_trips() {
        let element =
            Element::new("message", Some("jabber:client"))
                .with_attr("to", "a&b\"c'd<e>")
                .with_child(
                    Element::new("body", Some("jabber:client"))
                        .with_text("1 < 2 & 3 > 2 \"q\" 'a' 你好"),
                )
                .with_child(Element::new("active", None).with_attr(
                    "xmlns",
                    "http://jabber.org/protocol/chatstates",
                ));
        let xml = element.to_xml();
        assert_eq!(
            xml,
            "<message to=\"a&amp;b&quot;c&apos;d&lt;e&gt;\">\
             <body>1 &lt; 2 &amp; 3 &gt; 2 &quot;q&quot; &apos;a&apos; 你好\
             </body><active xmlns=\"http://jabber.org/protocol/chatstates\"/>\
             </message>"
        );
        let mut again = only_element(&xml);
        assert_eq!(again.to_xml(), xml);
        // Parsed, the chat state element has its namespace resolved.
        let Some(Node::Element(active)) = again.children.get_mut(1) else {
            panic!("expected <active/>");
        };
        assert_eq!(
            active.ns.as_deref(),
            Some("http://jabber.org/protocol/chatstates")
        );
        active.ns = None;
        assert_eq!(again, element);
    }

    #[test]
    fn white_space_a_parser_would_change_round_trips() {
        // Found by fuzzing: a value with a tab or a line break read back as
        // spaces (XML 1.0 § 3.3.3), a carriage return in text as a line
        // feed (§ 2.11), and an empty CDATA section as one more child.
        let body = "<message to='a&#9;b&#10;c&#13;d'>\
                    <body>x&#13;&#10;y\n\tz<![CDATA[]]></body></message>";
        let element = only_element(body);
        assert_eq!(element.attr("to"), Some("a\tb\nc\rd"));
        let xml = element.to_xml();
        assert_eq!(
            xml,
            "<message to=\"a&#9;b&#10;c&#13;d\">\
             <body>x&#13;\ny\n\tz</body></message>"
        );
        let again = only_element(&xml);
        assert_eq!(again, element);
        assert_eq!(only_element("<a><![CDATA[]]></a>").children, []);
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

    #[test]
    fn prefixes_from_the_stream_header_are_declared_on_the_element() {
        let mut parser = StreamParser::new();
        parser.feed(
            b"<stream:stream xmlns='jabber:client' xmlns:x='urn:x' \
              xmlns:stream='http://etherx.jabber.org/streams'>\
              <message to='a@b'><x:y x:z='1'/></message>",
        );
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        let Ok(Some(StreamEvent::Element(element))) = parser.next_event()
        else {
            panic!("an element");
        };
        let xml = element.to_xml();
        assert_eq!(
            xml,
            "<message to=\"a@b\" xmlns:x=\"urn:x\"><x:y x:z=\"1\"/></message>"
        );
        // Re-read inside a stream that never declared x: still fine.
        let mut other = StreamParser::new();
        other.feed(
            format!(
                "<stream:stream xmlns='jabber:client' \
                 xmlns:stream='http://etherx.jabber.org/streams'>{xml}"
            )
            .as_bytes(),
        );
        assert!(matches!(other.next_event(), Ok(Some(StreamEvent::Open(_)))));
        assert!(matches!(
            other.next_event(),
            Ok(Some(StreamEvent::Element(_)))
        ));
    }
}
