//! Pass 2 of the framing: one complete unit, parsed by quick-xml.
//!
//! The scanner (`scanner.rs`) hands over the text of exactly one unit.
//! Here a fresh quick-xml reader parses it, with the namespaces declared on
//! the stream header pre-loaded ([RFC 6120 § 4.8.2]), into a
//! [`StreamHeader`] or an [`Element`] tree. quick-xml checks what XML
//! itself asks (matching tags, quoted and unique attributes); what XMPP
//! asks beyond that is checked here: the stream element in the streams
//! namespace ([RFC 6120 § 4.8.1]), only the five predefined entities and
//! the characters XML allows ([RFC 6120 § 11.1]), the attribute limit.
//! Every quick-xml error becomes the [`FramingError`] whose stream error
//! it means ([RFC 6120 § 4.9.3]).
//!
//! Read before: `scanner.rs`. Read next: `element.rs`, the tree built here.
//!
//! [RFC 6120 § 4.8.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.1
//! [RFC 6120 § 4.8.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.2
//! [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
//! [RFC 6120 § 11.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-11.1

use super::{
    Attribute, Element, FramingError, Limits, Node, StreamHeader,
    not_well_formed, restricted,
};
use crate::xmpp::ns;

use quick_xml::NsReader;
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::escape::EscapeError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{
    Namespace, NamespaceError, PrefixDeclaration, ResolveResult,
};

/// What the parser remembers of the stream header for the elements inside.
#[derive(Clone, Debug)]
pub(super) struct StreamScope {
    /// The header's tag name as written, for the closing tag.
    pub(super) name: String,
    /// Its namespace declarations: `(None, "jabber:client")` for
    /// `xmlns='…'`, `(Some("stream"), …)` for `xmlns:stream='…'`.
    pub(super) bindings: Vec<(Option<String>, String)>,
}

/// Checks the `<?xml …?>` declaration: it must be one (not another
/// processing instruction) and may only name UTF-8.
pub(super) fn check_declaration(text: &str) -> Result<(), FramingError> {
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
pub(super) fn parse_header(
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
pub(super) fn declare_inherited_prefixes(
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
pub(super) fn parse_element(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::framing::tests::only_element;
    use crate::xmpp::framing::{StreamEvent, StreamParser};

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
