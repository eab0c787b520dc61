//! Pass 1 of the framing: a scanner over bytes that finds where each
//! top-level unit of the stream ends.
//!
//! [`StreamParser`] is fed chunks as they come from the socket, split
//! anywhere, and looks at each byte once. Its state (inside a tag? inside
//! quotes? inside CDATA? how deep?) survives between chunks, so a unit may
//! arrive a byte at a time. It counts depth as `mod.rs` draws it: a unit is
//! the stream header (depth 0 → 1), a complete element (back to depth 1) or
//! the closing tag (1 → 0) ([RFC 6120 § 4]). What can be refused from the
//! bytes alone is refused as soon as they arrive, before the unit is
//! complete: a DTD, a comment, a processing instruction
//! ([RFC 6120 § 11.1]), a unit too large or too deep ([RFC 6120 § 13.12]),
//! an end tag that names another element. A complete unit is decoded as
//! UTF-8 and handed to pass 2, `parse.rs`.
//!
//! Read before: `mod.rs` (why two passes). Read next: `parse.rs`.
//!
//! [RFC 6120 § 4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4
//! [RFC 6120 § 11.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-11.1
//! [RFC 6120 § 13.12]: https://datatracker.ietf.org/doc/html/rfc6120#section-13.12

use super::parse::{
    StreamScope, check_declaration, declare_inherited_prefixes, parse_element,
    parse_header,
};
use super::{FramingError, Limits, StreamEvent, not_well_formed, restricted};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::framing::tests::{OPEN, error, events, in_stream};

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
}
