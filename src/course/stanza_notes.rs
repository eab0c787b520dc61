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
//! The meanings are sentences from the message catalogue
//! (`locales/*/lesson03.ftl`), in the language the course speaks.
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
    let known: Option<(String, &'static str)> = match (ns, name, depth) {
        (ns::CLIENT, "message", 0) => {
            Some((crate::tr!("notes-message"), "RFC 6120 § 8.2.1"))
        }
        (ns::CLIENT, "presence", 0) => {
            Some((crate::tr!("notes-presence"), "RFC 6120 § 8.2.2"))
        }
        (ns::CLIENT, "iq", 0) => {
            Some((crate::tr!("notes-iq"), "RFC 6120 § 8.2.3"))
        }
        (ns::CLIENT, "body", _) => {
            Some((crate::tr!("notes-body"), "RFC 6121 § 5.2.3"))
        }
        (ns::CLIENT, "subject", _) => {
            Some((crate::tr!("notes-subject"), "RFC 6121 § 5.2.4"))
        }
        (ns::CLIENT, "thread", _) => {
            Some((crate::tr!("notes-thread"), "RFC 6121 § 5.2.5"))
        }
        (ns::CLIENT, "error", _) => {
            Some((crate::tr!("notes-error"), "RFC 6120 § 8.3"))
        }
        (ns::STANZAS, _, _) => {
            Some((crate::tr!("notes-condition"), "RFC 6120 § 8.3.3"))
        }
        _ => None,
    };
    if let Some((meaning, spec)) = known {
        return (meaning, Some(spec));
    }
    match extension(ns) {
        Some((what, spec)) => (
            crate::tr!("notes-extension", ns = ns, what = what),
            Some(spec),
        ),
        None if ns.is_empty() => {
            (crate::tr!("notes-no-namespace"), Some("RFC 6120 § 4.8"))
        }
        None => (
            crate::tr!("notes-unknown-namespace", ns = ns),
            Some("RFC 6120 § 8.4"),
        ),
    }
}

/// A few well-known extension namespaces.
fn extension(ns: &str) -> Option<(String, &'static str)> {
    Some(match ns {
        "http://jabber.org/protocol/chatstates" => {
            (crate::tr!("notes-chatstates"), "XEP-0085, RFC 6120 § 8.4")
        }
        "urn:xmpp:receipts" => {
            (crate::tr!("notes-receipts"), "XEP-0184, RFC 6120 § 8.4")
        }
        "urn:xmpp:delay" => {
            (crate::tr!("notes-delay"), "XEP-0203, RFC 6120 § 8.4")
        }
        "jabber:x:oob" => (crate::tr!("notes-oob"), "XEP-0066, RFC 6120 § 8.4"),
        "urn:xmpp:bob" => (crate::tr!("notes-bob"), "XEP-0231, RFC 6120 § 8.4"),
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
                crate::tr!("notes-to-bare"),
                Some("RFC 6120 § 8.1.1, RFC 6121 § 8.5.2"),
            ),
            Ok(_) => (
                crate::tr!("notes-to-full"),
                Some("RFC 6120 § 8.1.1, RFC 6121 § 8.5.3"),
            ),
            Err(err) => (
                crate::tr!(
                    "notes-to-invalid",
                    error = crate::show::jid_error::explain(&err)
                ),
                Some("RFC 6120 § 8.3.3.8"),
            ),
        },
        (true, "from") => {
            (crate::tr!("notes-from"), Some("RFC 6120 § 8.1.2.1"))
        }
        (true, "id") => (crate::tr!("notes-id"), Some("RFC 6120 § 8.1.3")),
        (true, "type") => type_meaning(stanza, value),
        (_, "xml:lang") => (
            crate::tr!("notes-lang", value = format!("{value:?}")),
            Some("RFC 6120 § 8.1.5"),
        ),
        (_, "xmlns") => (
            crate::tr!("notes-xmlns", value = value),
            Some("RFC 6120 § 4.8"),
        ),
        _ => (crate::tr!("notes-attribute"), None),
    }
}

/// What `type` means for this kind of stanza.
fn type_meaning(stanza: &str, value: &str) -> (String, Option<&'static str>) {
    let (meaning, spec) = match (stanza, value) {
        ("message", "chat") => {
            (crate::tr!("notes-type-chat"), "RFC 6121 § 5.2.2")
        }
        ("message", "normal") => {
            (crate::tr!("notes-type-normal"), "RFC 6121 § 5.2.2")
        }
        ("message", "groupchat") => {
            (crate::tr!("notes-type-groupchat"), "RFC 6121 § 5.2.2")
        }
        ("message", "headline") => {
            (crate::tr!("notes-type-headline"), "RFC 6121 § 5.2.2")
        }
        ("message" | "presence" | "iq", "error") => {
            (crate::tr!("notes-type-error"), "RFC 6120 § 8.3")
        }
        ("iq", "get") => (crate::tr!("notes-type-get"), "RFC 6120 § 8.2.3"),
        ("iq", "set") => (crate::tr!("notes-type-set"), "RFC 6120 § 8.2.3"),
        ("iq", "result") => {
            (crate::tr!("notes-type-result"), "RFC 6120 § 8.2.3")
        }
        ("presence", "unavailable") => {
            (crate::tr!("notes-type-unavailable"), "RFC 6121 § 4.7.1")
        }
        ("presence", _) => {
            (crate::tr!("notes-type-subscription"), "RFC 6121 § 4.7.1")
        }
        _ => (crate::tr!("notes-type-unknown"), "RFC 6120 § 8.1.4"),
    };
    (
        crate::tr!("notes-type", value = value, meaning = meaning),
        Some(spec),
    )
}

/// Text: its size in characters and in bytes.
fn text_note(text: &str, depth: usize) -> Note {
    let chars = text.chars().count();
    let bytes = text.len();
    let meaning = if bytes == chars {
        crate::tr!("notes-text", chars = chars, bytes = bytes)
    } else {
        crate::tr!("notes-text-wide", chars = chars, bytes = bytes)
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
