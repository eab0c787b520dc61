//! The element tree: what the framing hands up, and how it is written
//! back.
//!
//! [`Element`] is a small owned tree of one complete top-level element (a
//! stanza, stream features, a SASL exchange) with its namespaces resolved:
//! built by `parse.rs` from the stream, or by hand with the builder methods
//! when the server writes a reply. [`Element::to_xml`] writes it so that a
//! parser reads back the same tree (XML 1.0 § 2.11, § 3.3.3), and
//! [`Element::renamespace`] moves a stanza into the content namespace of
//! the stream it is written to ([RFC 6120 § 4.8.3]).
//!
//! Read before: `parse.rs`. Read next: `../stanza.rs`, which reads typed
//! stanzas out of this tree.
//!
//! [RFC 6120 § 4.8.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.8.3

use crate::xmpp::ns;
use std::fmt::Write as _;

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
    use super::*;
    use crate::xmpp::framing::tests::only_element;
    use crate::xmpp::framing::{StreamEvent, StreamParser};

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
}
