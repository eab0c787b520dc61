//! A stanza, annotated: what each element, attribute and piece of text
//! means, with the section of the RFC (or XEP) that says so.
//!
//! Lesson 3 captures a real `<message/>` as the server delivered it and
//! takes it apart with these notes. The notes are data ([`Note`]), not
//! printed text, so that a test can check them and the lesson can lay them
//! out. Elements and attributes this file does not know get an honest note
//! too: a payload in an unknown namespace is exactly what XMPP's
//! extensibility is about (RFC 6120 § 8.4).
//!
//! Read before: [`crate::xmpp::framing`] (the [`Element`] tree),
//! [`crate::xmpp::stanza`] (the typed view). Book: `book/src/lesson-03.md`.
//! Run: `netlab lesson 3`.

use crate::xmpp::framing::{Element, Node};
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;

/// One annotated item of a stanza.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Nesting: 0 for the stanza, 1 for its attributes and children, …
    pub depth: usize,
    /// The item as written: `<body>`, `to="bob@localhost"`, `"hi"`.
    pub item: String,
    /// What it means.
    pub meaning: String,
    /// Where that is specified, if anywhere.
    pub spec: Option<&'static str>,
}

impl Note {
    fn new(
        depth: usize,
        item: String,
        meaning: impl Into<String>,
        spec: Option<&'static str>,
    ) -> Note {
        Note {
            depth,
            item,
            meaning: meaning.into(),
            spec,
        }
    }
}

// ANCHOR: annotate
/// Annotates a stanza and everything in it, in document order.
pub fn annotate(stanza: &Element) -> Vec<Note> {
    let mut notes = Vec::new();
    walk(stanza, stanza.local_name(), 0, &mut notes);
    notes
}

fn walk(element: &Element, stanza: &str, depth: usize, notes: &mut Vec<Note>) {
    let (meaning, spec) = element_meaning(element, depth);
    notes.push(Note::new(
        depth,
        format!("<{}>", element.name),
        meaning,
        spec,
    ));
    for attribute in &element.attributes {
        let (meaning, spec) = attribute_meaning(
            element,
            stanza,
            &attribute.name,
            &attribute.value,
        );
        let item = format!("{}=\"{}\"", attribute.name, attribute.value);
        notes.push(Note::new(depth + 1, item, meaning, spec));
    }
    for child in &element.children {
        match child {
            Node::Element(child) => walk(child, stanza, depth + 1, notes),
            Node::Text(text) if !text.trim().is_empty() => {
                notes.push(text_note(text, depth + 1));
            }
            Node::Text(_) => {}
        }
    }
}
// ANCHOR_END: annotate

/// What an element is, by namespace and name.
fn element_meaning(
    element: &Element,
    depth: usize,
) -> (String, Option<&'static str>) {
    let ns = element.ns.as_deref().unwrap_or("");
    let name = element.local_name();
    let known: Option<(&str, &'static str)> = match (ns, name, depth) {
        (ns::CLIENT, "message", 0) => Some((
            "a message stanza: pushed to the addressee, who sends nothing \
             back (\"fire and forget\"); in namespace jabber:client, \
             inherited from the stream header",
            "RFC 6120 § 8.2.1",
        )),
        (ns::CLIENT, "presence", 0) => Some((
            "a presence stanza: availability, broadcast to those who \
             subscribed",
            "RFC 6120 § 8.2.2",
        )),
        (ns::CLIENT, "iq", 0) => Some((
            "an iq stanza: a request (get, set) that gets exactly one answer \
             (result, error)",
            "RFC 6120 § 8.2.3",
        )),
        (ns::CLIENT, "body", _) => {
            Some(("the human-readable text of the message", "RFC 6121 § 5.2.3"))
        }
        (ns::CLIENT, "subject", _) => {
            Some(("the topic of the conversation", "RFC 6121 § 5.2.4"))
        }
        (ns::CLIENT, "thread", _) => Some((
            "which conversation thread this message belongs to",
            "RFC 6121 § 5.2.5",
        )),
        (ns::CLIENT, "error", _) => Some((
            "what went wrong with the stanza this one answers",
            "RFC 6120 § 8.3",
        )),
        (ns::STANZAS, _, _) => {
            Some(("the defined error condition", "RFC 6120 § 8.3.3"))
        }
        _ => None,
    };
    if let Some((meaning, spec)) = known {
        return (meaning.to_owned(), Some(spec));
    }
    match extension(ns) {
        Some((what, spec)) => (
            format!(
                "a payload in another namespace, {ns}: {what}. The server \
                 routes it without understanding it; only the receiving \
                 software gives it meaning"
            ),
            Some(spec),
        ),
        None if ns.is_empty() => (
            "an element in no namespace: not valid inside a jabber:client \
             stream"
                .to_owned(),
            Some("RFC 6120 § 4.8"),
        ),
        None => (
            format!(
                "a payload in a namespace this program does not know, {ns}: \
                 the server routes it untouched, and a receiver that does not \
                 know it ignores it"
            ),
            Some("RFC 6120 § 8.4"),
        ),
    }
}

/// A few well-known extension namespaces.
fn extension(ns: &str) -> Option<(&'static str, &'static str)> {
    Some(match ns {
        "http://jabber.org/protocol/chatstates" => (
            "Chat State Notifications; <active/> says the sender is looking \
             at the conversation",
            "XEP-0085, RFC 6120 § 8.4",
        ),
        "urn:xmpp:receipts" => {
            ("Message Delivery Receipts", "XEP-0184, RFC 6120 § 8.4")
        }
        "urn:xmpp:delay" => (
            "Delayed Delivery: when it was held",
            "XEP-0203, RFC 6120 § 8.4",
        ),
        "jabber:x:oob" => (
            "Out of Band Data: a URL to fetch",
            "XEP-0066, RFC 6120 § 8.4",
        ),
        "urn:xmpp:bob" => (
            "Bits of Binary: small binary data",
            "XEP-0231, RFC 6120 § 8.4",
        ),
        _ => return None,
    })
}

/// What an attribute means on this element.
fn attribute_meaning(
    element: &Element,
    stanza: &str,
    name: &str,
    value: &str,
) -> (String, Option<&'static str>) {
    let top = element.local_name() == stanza
        && element.ns.as_deref() == Some(ns::CLIENT);
    match (top, name) {
        (true, "to") => match Jid::parse(value) {
            Ok(jid) if jid.is_bare() => (
                "the addressee, as the sender wrote it: a bare JID (an \
                 account), so the server picks which of its connected \
                 resources get it"
                    .to_owned(),
                Some("RFC 6120 § 8.1.1, RFC 6121 § 8.5.2"),
            ),
            Ok(_) => (
                "the addressee, as the sender wrote it: a full JID, so \
                 exactly that connected resource gets it"
                    .to_owned(),
                Some("RFC 6120 § 8.1.1, RFC 6121 § 8.5.3"),
            ),
            Err(err) => (
                format!("not a valid JID: {err}"),
                Some("RFC 6120 § 8.3.3.8"),
            ),
        },
        (true, "from") => (
            "the sender's full JID, stamped by the server: the sender did \
             not write it and cannot choose it, so nobody can speak for \
             someone else"
                .to_owned(),
            Some("RFC 6120 § 8.1.2.1"),
        ),
        (true, "id") => (
            "chosen by the sender, so that an answer or an error can say \
             which stanza it is about"
                .to_owned(),
            Some("RFC 6120 § 8.1.3"),
        ),
        (true, "type") => type_meaning(stanza, value),
        (_, "xml:lang") => (
            format!(
                "the language of the human-readable text: {value:?}, a \
                 language tag (BCP 47)"
            ),
            Some("RFC 6120 § 8.1.5"),
        ),
        (_, "xmlns") => (
            format!(
                "puts this element and its children in namespace {value}; \
                 the namespace, not the element's name, says which \
                 specification defines it"
            ),
            Some("RFC 6120 § 4.8"),
        ),
        _ => (
            "an attribute of this element, defined by its namespace's \
             specification"
                .to_owned(),
            None,
        ),
    }
}

/// What `type` means for this kind of stanza.
fn type_meaning(stanza: &str, value: &str) -> (String, Option<&'static str>) {
    let (meaning, spec) = match (stanza, value) {
        ("message", "chat") => {
            ("a one-to-one conversation", "RFC 6121 § 5.2.2")
        }
        ("message", "normal") => ("a standalone message", "RFC 6121 § 5.2.2"),
        ("message", "groupchat") => ("multi-user chat", "RFC 6121 § 5.2.2"),
        ("message", "headline") => {
            ("an alert that expects no reply", "RFC 6121 § 5.2.2")
        }
        ("message" | "presence" | "iq", "error") => {
            ("an error about a stanza sent earlier", "RFC 6120 § 8.3")
        }
        ("iq", "get") => ("a request for information", "RFC 6120 § 8.2.3"),
        ("iq", "set") => ("a request to change something", "RFC 6120 § 8.2.3"),
        ("iq", "result") => ("the answer to a get or set", "RFC 6120 § 8.2.3"),
        ("presence", "unavailable") => ("going offline", "RFC 6121 § 4.7.1"),
        ("presence", _) => {
            ("a subscription request or answer", "RFC 6121 § 4.7.1")
        }
        _ => ("a type this program does not know", "RFC 6120 § 8.1.4"),
    };
    (format!("{value}: {meaning}"), Some(spec))
}

/// Text: its size in characters and in bytes.
fn text_note(text: &str, depth: usize) -> Note {
    let chars = text.chars().count();
    let bytes = text.len();
    let meaning = if bytes == chars {
        format!("the text itself: {chars} characters, {bytes} bytes")
    } else {
        format!(
            "the text itself: {chars} characters but {bytes} bytes, because \
             XMPP is always UTF-8 and a Chinese character takes three bytes"
        )
    };
    Note::new(depth, format!("{text:?}"), meaning, Some("RFC 6120 § 11.6"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses one stanza as it arrives inside a client stream.
    fn parse(xml: &str) -> Element {
        crate::xmpp::framing::parse_one(xml).expect("one stanza")
    }

    fn note<'a>(notes: &'a [Note], item: &str) -> &'a Note {
        notes
            .iter()
            .find(|n| n.item == item)
            .unwrap_or_else(|| panic!("no note for {item}: {notes:#?}"))
    }

    #[test]
    fn every_part_of_a_delivered_message_is_explained() {
        let message = parse(
            "<message to=\"bob@localhost\" type=\"chat\" id=\"l3\" \
             xml:lang=\"en\" from=\"alice@localhost/laptop\">\
             <body>Hi 你好</body>\
             <active xmlns=\"http://jabber.org/protocol/chatstates\"/>\
             <x xmlns=\"urn:netlab:demo\" level=\"3\"/></message>",
        );
        let notes = annotate(&message);
        assert_eq!(notes[0].item, "<message>");
        assert_eq!(notes[0].spec, Some("RFC 6120 § 8.2.1"));
        assert!(
            note(&notes, "to=\"bob@localhost\"")
                .meaning
                .contains("bare")
        );
        let from = note(&notes, "from=\"alice@localhost/laptop\"");
        assert!(from.meaning.contains("stamped by the server"));
        assert_eq!(from.spec, Some("RFC 6120 § 8.1.2.1"));
        assert!(note(&notes, "type=\"chat\"").meaning.contains("one-to-one"));
        assert_eq!(note(&notes, "<body>").depth, 1);
        let text = note(&notes, "\"Hi 你好\"");
        assert_eq!(text.depth, 2);
        assert!(text.meaning.contains("5 characters but 9 bytes"));
        assert_eq!(
            note(&notes, "<active>").spec,
            Some("XEP-0085, RFC 6120 § 8.4")
        );
        let unknown = note(&notes, "<x>");
        assert!(unknown.meaning.contains("urn:netlab:demo"));
        assert_eq!(unknown.spec, Some("RFC 6120 § 8.4"));
        let level = note(&notes, "level=\"3\"");
        assert_eq!(level.spec, None);
        // Everything, attributes included, in document order.
        let items: Vec<&str> = notes.iter().map(|n| n.item.as_str()).collect();
        assert_eq!(items.len(), 13, "{items:?}");
    }

    #[test]
    fn full_jids_and_iq_types_are_told_apart() {
        let iq = parse(
            "<iq to=\"localhost\" type=\"get\" id=\"1\">\
             <ping xmlns=\"urn:xmpp:ping\"/></iq>",
        );
        let notes = annotate(&iq);
        assert!(note(&notes, "type=\"get\"").meaning.contains("request"));
        let msg = parse("<message to=\"bob@localhost/phone\"/>");
        let notes = annotate(&msg);
        assert!(
            note(&notes, "to=\"bob@localhost/phone\"")
                .meaning
                .contains("full JID")
        );
        let bad = parse("<message to=\"a@b@c\"/>");
        assert!(
            note(&annotate(&bad), "to=\"a@b@c\"")
                .meaning
                .starts_with("not a valid JID")
        );
    }
}
