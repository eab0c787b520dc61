//! A peek at XMPP inside a TCP payload: which element, and a few of its
//! attributes.
//!
//! XMPP has no header of its own. A client opens an XML *stream* over TCP
//! (RFC 6120 § 4) and then sends elements inside it: `<message>`,
//! `<presence>`, `<iq>` (the stanzas, § 8), plus negotiation elements such
//! as `<starttls>` and `<auth>`. A dissector looking at one segment can
//! therefore only *recognise* XMPP: by the port (5222 client-to-server,
//! 5269 server-to-server, § 14.7) or by a payload that opens a stream.
//!
//! This is a peek, not a parser: it reads the first element's name and the
//! `to`, `from`, `type`, `id` attributes with a plain scan, because a TCP
//! segment can end in the middle of an element, and because parsing XML
//! properly is the job of `xmpp/` (with quick-xml) in lesson 5. Once
//! STARTTLS succeeded the bytes are TLS records: the peek says so rather
//! than pretending to see XML.
//!
//! Book: `book/src/lesson-07.md`.
//!
//! [RFC 6120 § 4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4

/// The XMPP ports of RFC 6120 § 14.7.
pub const PORTS: [u16; 2] = [5222, 5269];

/// How many bytes of a payload the peek reads.
const HEAD: usize = 1024;

/// What the peek saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peek {
    /// The first element's name (`stream:stream`, `message`, …), or a
    /// description when the bytes are not XML.
    pub element: String,
    /// `to`, `from`, `type`, `id` and `version`, when present, in order.
    pub attributes: Vec<(String, String)>,
    /// Why we think this is XMPP.
    pub because: &'static str,
    /// How many payload bytes the peek describes (all of them).
    pub length: usize,
}

/// Elements whose name alone says "this is XMPP".
const XMPP_ELEMENTS: [&str; 13] = [
    "stream:stream",
    "/stream:stream",
    "stream:features",
    "stream:error",
    "starttls",
    "proceed",
    "auth",
    "challenge",
    "response",
    "success",
    "message",
    "presence",
    "iq",
];

/// Peeks at a TCP payload sent between `ports` (source, destination).
pub fn peek(payload: &[u8], ports: (u16, u16)) -> Option<Peek> {
    if payload.is_empty() {
        return None;
    }
    let on_port = PORTS.contains(&ports.0) || PORTS.contains(&ports.1);
    // A TLS record starts with its content type (22 = handshake, 23 =
    // application data) and version 3.x (RFC 8446 § 5.1).
    if on_port
        && payload.len() >= 3
        && matches!(payload[0], 20..=23)
        && payload[1] == 3
    {
        return Some(Peek {
            element: "TLS record (the stream is encrypted after STARTTLS)"
                .into(),
            attributes: Vec::new(),
            because: "XMPP port",
            length: payload.len(),
        });
    }
    // XML starts with `<` (after optional whitespace): anything else is
    // not XMPP, and most payloads are rejected here without more work.
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'<') {
        return None;
    }
    // Only the head of the payload matters: the first element's start tag
    // fits in it (a start tag longer than this is not worth peeking at).
    let head = &payload[..payload.len().min(HEAD)];
    // A segment may end inside a multi-byte character: use the valid
    // prefix.
    let text = std::str::from_utf8(&head[..valid_prefix(head)]).ok()?;
    let (name, attributes) = first_element(text)?;
    let known = XMPP_ELEMENTS.contains(&name.as_str());
    let because = match (on_port, known) {
        (true, _) => "XMPP port",
        (false, true) => "XMPP element",
        (false, false) => return None,
    };
    Some(Peek {
        element: name,
        attributes,
        because,
        length: payload.len(),
    })
}

fn valid_prefix(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    }
}

/// The first element's name and selected attributes, skipping an XML
/// declaration (`<?xml … ?>`) and whitespace.
fn first_element(text: &str) -> Option<(String, Vec<(String, String)>)> {
    let mut rest = text.trim_start();
    if let Some(after) = rest.strip_prefix("<?xml") {
        rest = after.split_once("?>").map_or("", |(_, r)| r).trim_start();
    }
    let tag = rest.strip_prefix('<')?;
    // `</stream:stream>` closes the stream: keep the slash in the name.
    let (slash, body) = match tag.strip_prefix('/') {
        Some(body) => ("/", body),
        None => ("", tag),
    };
    let name_len = body
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(body.len());
    let name = &body[..name_len];
    let allowed =
        |c: char| c.is_alphanumeric() || matches!(c, ':' | '-' | '_' | '.');
    if name.is_empty() || !name.chars().all(allowed) {
        return None;
    }
    let head = &body[name_len..body.find('>').unwrap_or(body.len())];
    let name = format!("{slash}{name}");
    let mut attributes = Vec::new();
    for wanted in ["to", "from", "type", "id", "version"] {
        if let Some(value) = attribute(head, wanted) {
            attributes.push((wanted.to_string(), value.to_string()));
        }
    }
    Some((name, attributes))
}

/// The value of `name='…'` or `name="…"` in an element's head.
fn attribute<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    let mut search = head;
    while let Some(at) = search.find(name) {
        let before = search[..at].chars().last();
        let after = &search[at + name.len()..];
        let after_eq = after.trim_start().strip_prefix('=');
        if before.is_none_or(char::is_whitespace)
            && let Some(value) = after_eq
        {
            let value = value.trim_start();
            let quote = value.chars().next()?;
            if quote == '\'' || quote == '"' {
                let inner = &value[1..];
                return inner.find(quote).map(|end| &inner[..end]);
            }
        }
        search = &search[at + name.len()..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPEN: &[u8] = b"<?xml version='1.0'?><stream:stream \
        xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
        to='localhost' version='1.0'>";

    #[test]
    fn recognises_a_stream_opening_by_content_on_any_port() {
        let p = peek(OPEN, (40000, 7000)).expect("a stream opening");
        assert_eq!(p.element, "stream:stream");
        assert_eq!(p.because, "XMPP element");
        assert_eq!(
            p.attributes,
            [
                ("to".to_string(), "localhost".to_string()),
                ("version".to_string(), "1.0".to_string())
            ]
        );
    }

    #[test]
    fn names_a_message_stanza_and_its_addresses() {
        let stanza = br#"<message from="a@localhost/x" to="b@localhost" type="chat" id="m1"><body>hi</body></message>"#;
        let p = peek(stanza, (40000, 5222)).expect("a stanza");
        assert_eq!(p.element, "message");
        assert_eq!(p.attributes[0], ("to".into(), "b@localhost".into()));
        assert_eq!(p.attributes[1], ("from".into(), "a@localhost/x".into()));
        assert_eq!(p.attributes[2], ("type".into(), "chat".into()));
    }

    #[test]
    fn tls_on_the_xmpp_port_is_named_not_parsed() {
        let p = peek(&[22, 3, 3, 0, 5, 1, 2], (5222, 40000)).expect("TLS");
        assert!(p.element.starts_with("TLS record"));
    }

    #[test]
    fn other_traffic_is_not_xmpp() {
        assert_eq!(peek(b"GET / HTTP/1.1\r\n", (40000, 80)), None);
        assert_eq!(peek(b"<html>", (40000, 80)), None);
        assert_eq!(peek(b"", (40000, 5222)), None);
        assert_eq!(peek(&[0xff, 0xfe, 0x00], (40000, 7000)), None);
    }

    #[test]
    fn a_cut_segment_or_closing_tag_never_panics() {
        for len in 0..OPEN.len() {
            let _ = peek(&OPEN[..len], (1, 5222));
        }
        let p = peek(b"</stream:stream>", (5222, 1)).expect("close");
        assert_eq!(p.element, "/stream:stream");
        let _ = peek("<a b='é".as_bytes(), (1, 5222));
        let _ = peek(&"<message to='é'>".as_bytes()[..14], (1, 5222));
    }
}
