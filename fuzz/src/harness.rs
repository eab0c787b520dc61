//! What each fuzz target does with its input, in one place.
//!
//! The fuzz targets (`fuzz/fuzz_targets/*.rs`) call these functions through
//! the `netlab_fuzz` library, and `tests/fuzz_regressions.rs` includes this
//! very file with `#[path]`, so a saved input is replayed through exactly
//! the code that found it. Only `netlab`, `colored` and `quick_xml` are
//! used here, because those are the only crates both places can see.

use netlab::xmpp::ns;
use std::io::Cursor;
use std::sync::OnceLock;
use std::time::Duration;

use netlab::capture::file::Reader;
use netlab::show::{packet, packet_json};
use netlab::wire::dissect::{Link, dissect};
use netlab::wire::dns;
use netlab::xmpp::dialback::{self, Dialback};
use netlab::xmpp::framing::{Element, FramingError, StreamEvent, StreamParser};
use netlab::xmpp::jid::Jid;
use netlab::xmpp::sasl::{self, Mechanism, SaslServer};
use netlab::xmpp::scram::{ClientFirst, Hash, ScramClient, StoredKeys};
use netlab::xmpp::stanza::{self, ErrorType, Message, Stanza};

/// Splits a `dissect` input: the first byte chooses how the frame is
/// read, the rest is the frame.
///
/// Bits 0–1 of the first byte pick the link: 0 Ethernet, 1 raw IP,
/// 2 `Other(n)` with `n` the byte's top six bits, 3 Ethernet again.
/// Bit 2 set means the frame was cut short by a snaplen: its length on
/// the wire is the captured length plus 1 plus the byte's top five bits.
pub fn split_dissect_input(data: &[u8]) -> Option<(Link, &[u8], usize)> {
    let (&first, frame) = data.split_first()?;
    let link = match first & 0b11 {
        1 => Link::RawIp,
        2 => Link::Other(u32::from(first >> 2)),
        _ => Link::Ethernet,
    };
    let original = if first & 0b100 != 0 {
        frame.len() + 1 + usize::from(first >> 3)
    } else {
        frame.len()
    };
    Some((link, frame, original))
}

/// The `dissect` target: takes the frame apart, then shows the
/// dissection every way `netlab dissect` can (colour off, as in a pipe).
pub fn dissect_and_render(data: &[u8]) {
    colored::control::set_override(false);
    let Some((link, frame, original)) = split_dissect_input(data) else {
        return;
    };
    let d = dissect(frame, link, original);
    std::hint::black_box(packet::tree(&d));
    std::hint::black_box(packet::hex_dump(&d, frame));
    std::hint::black_box(packet::encapsulation(&d));
    std::hint::black_box(packet::summary(&d));
    std::hint::black_box(packet_json::render(1, Duration::ZERO, &d));
}

/// The `dns` target: the input as a UDP payload, and as a TCP stream
/// (two-byte length prefix, then the message).
pub fn dns_parse(data: &[u8]) {
    let _ = std::hint::black_box(dns::Repr::parse(data));
    let _ = std::hint::black_box(dns::Repr::parse_tcp(data));
}

/// The `capture_file` target: the input as a pcap or pcapng file, read to
/// the end. Errors are rendered too, since their messages format the
/// values that were found.
pub fn read_capture(data: &[u8]) {
    let reader = match Reader::from_reader(Cursor::new(data.to_vec())) {
        Ok(reader) => reader,
        Err(e) => {
            std::hint::black_box(e.to_string());
            return;
        }
    };
    std::hint::black_box(reader.format().to_string());
    for item in reader {
        match item {
            Ok(frame) => {
                std::hint::black_box(frame.is_cut_short());
            }
            Err(e) => {
                std::hint::black_box(e.to_string());
            }
        }
    }
}

/// The stream header the `xmpp_stream` target re-reads every element in:
/// what a client of our server has open when the element reaches it.
pub const CLIENT_STREAM_HEADER: &str = "<stream:stream xmlns='jabber:client' \
     xmlns:stream='http://etherx.jabber.org/streams'>";

/// Splits an `xmpp_stream` input: the first two bytes are the sizes of the
/// chunks the rest is fed in, alternately (each byte + 1, so 1 to 256
/// bytes), the rest is the stream as it came from the network.
pub fn split_stream_input(data: &[u8]) -> Option<([usize; 2], &[u8])> {
    let ([a, b], stream) = data.split_first_chunk::<2>()?;
    Some(([usize::from(*a) + 1, usize::from(*b) + 1], stream))
}

/// The `xmpp_stream` target: the stream is parsed as the server reads it,
/// in chunks, and every element is taken apart as the server would.
///
/// Checked, beyond "no panic":
///
/// - the events (and the first error) are the same whether the stream
///   arrives in chunks or in one piece, as `framing`'s module doc
///   promises;
/// - every element, and the error reply to it, written with
///   [`Element::to_xml`] reads back, inside a fresh client stream
///   ([`CLIENT_STREAM_HEADER`]), as an element that writes the same XML:
///   what the server forwards, a client must be able to read.
pub fn xmpp_stream(data: &[u8]) {
    let Some((sizes, stream)) = split_stream_input(data) else {
        return;
    };
    let mut parser = StreamParser::new();
    let mut events = Vec::new();
    let mut rest = stream;
    let mut turn = 0;
    let mut failed = false;
    while !rest.is_empty() && !failed {
        let (chunk, tail) = rest.split_at(sizes[turn % 2].min(rest.len()));
        rest = tail;
        turn += 1;
        parser.feed(chunk);
        failed = drain(&mut parser, &mut events);
    }
    let finish = parser.finish();

    // The same bytes in one piece.
    let mut whole = StreamParser::new();
    whole.feed(stream);
    let mut whole_events = Vec::new();
    drain(&mut whole, &mut whole_events);
    assert_eq!(
        events, whole_events,
        "chunks of {sizes:?} bytes give other events than one piece"
    );
    assert_eq!(finish, whole.finish(), "finish() depends on the chunks");
    no_wrong_end_tag_waits(&parser, stream, failed || finish.is_ok());

    for event in &events {
        match event {
            Ok(StreamEvent::Open(header)) => {
                for jid in [&header.to, &header.from].into_iter().flatten() {
                    let _ = std::hint::black_box(Jid::parse(jid));
                }
            }
            Ok(StreamEvent::Element(element)) => check_element(element),
            Ok(StreamEvent::Close) => {}
            Err(e) => {
                std::hint::black_box(e.to_string());
                std::hint::black_box(e.stream_error_condition());
            }
        }
    }
}

/// A wrong end tag is a stream error as soon as its `>` arrives (issue
/// 13): so when the parser waits for more bytes, what it holds has no end
/// tag that quick-xml, reading those bytes alone, calls mismatched.
fn no_wrong_end_tag_waits(parser: &StreamParser, stream: &[u8], done: bool) {
    use quick_xml::errors::{Error, IllFormedError};
    let pending = &stream[stream.len() - parser.buffered()..];
    if done || !pending.starts_with(b"<") {
        return;
    }
    let mut reader = quick_xml::Reader::from_reader(pending);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => return,
            Err(Error::IllFormed(IllFormedError::MismatchedEndTag {
                expected,
                found,
            })) => panic!(
                "</{found}> for <{expected}> is still waiting for more bytes"
            ),
            Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Takes events out of `parser` until it needs more bytes or fails;
/// returns whether it failed. The error is kept as the last event: the
/// server stops reading at the first one.
fn drain(
    parser: &mut StreamParser,
    events: &mut Vec<Result<StreamEvent, FramingError>>,
) -> bool {
    loop {
        match parser.next_event() {
            Ok(Some(event)) => events.push(Ok(event)),
            Ok(None) => return false,
            Err(e) => {
                events.push(Err(e));
                return true;
            }
        }
    }
}

/// What the server does with a top-level element, and the round trip of
/// what it would write.
fn check_element(element: &Element) {
    if let Ok(stanza) = Stanza::try_from(element.clone()) {
        std::hint::black_box(Element::from(stanza).to_xml());
    }
    let _ = std::hint::black_box(Message::envelope(element));
    if let Some(reply) =
        stanza::error_reply(element, "bad-request", ErrorType::Modify)
    {
        assert_reads_back(&reply);
    }
    assert_reads_back(element);
    parse_jids(element);
}

/// `Jid::parse` on every `to` and `from`, at any depth.
fn parse_jids(element: &Element) {
    for attribute in &element.attributes {
        if attribute.name == "to" || attribute.name == "from" {
            let _ = std::hint::black_box(Jid::parse(&attribute.value));
        }
    }
    for child in element.elements() {
        parse_jids(child);
    }
}

/// Asserts that `element.to_xml()`, sent inside a fresh client stream,
/// reads back as one element that writes the same XML.
pub fn assert_reads_back(element: &Element) {
    let xml = element.to_xml();
    let mut parser = StreamParser::new();
    parser.feed(CLIENT_STREAM_HEADER.as_bytes());
    parser.feed(xml.as_bytes());
    let mut events = Vec::new();
    drain(&mut parser, &mut events);
    let again = match events.as_slice() {
        [Ok(StreamEvent::Open(_)), Ok(StreamEvent::Element(again))] => again,
        other => panic!("{xml:?} does not read back as one element: {other:?}"),
    };
    assert_eq!(
        again.to_xml(),
        xml,
        "{xml:?} reads back as another element: {again:?}"
    );
}

/// The header of a server stream as a peer sends it, with the dialback
/// prefix declared (XEP-0220 § 2.1.1): what the `s2s_dialback` target's
/// input follows.
pub const SERVER_STREAM_HEADER: &str = "<stream:stream xmlns='jabber:server' \
     xmlns:db='jabber:server:dialback' \
     xmlns:stream='http://etherx.jabber.org/streams' from='b.example' \
     to='a.example' version='1.0'>";

/// The `s2s_dialback` target: what a server stream's peer sends after its
/// header, read as `s2s_in.rs` and `s2s_out.rs` read it — the framing
/// parser in chunks (the first two bytes are their sizes, as for
/// `xmpp_stream`), then [`Dialback::parse`] on every element.
///
/// Checked, beyond "no panic":
///
/// - the events are the same in chunks as in one piece;
/// - every element that parses as dialback, written back with
///   [`Dialback::to_element`] and read in a fresh server stream, parses
///   as the same dialback element (what we send, a peer reads as meant);
/// - a key made for the parsed names and id matches itself and not the
///   key received (unless that key is exactly it), and `key_matches`
///   never panics on the received key, whatever its length.
///
/// Returns how many elements parsed as dialback (so that a test can see
/// the seeds reach the parser).
pub fn s2s_dialback(data: &[u8]) -> usize {
    let Some((sizes, body)) = split_stream_input(data) else {
        return 0;
    };
    let mut stream = SERVER_STREAM_HEADER.as_bytes().to_vec();
    stream.extend_from_slice(body);
    let mut parser = StreamParser::new();
    let mut events = Vec::new();
    let mut rest = stream.as_slice();
    let mut turn = 0;
    let mut failed = false;
    while !rest.is_empty() && !failed {
        let (chunk, tail) = rest.split_at(sizes[turn % 2].min(rest.len()));
        rest = tail;
        turn += 1;
        parser.feed(chunk);
        failed = drain(&mut parser, &mut events);
    }
    let mut whole = StreamParser::new();
    whole.feed(&stream);
    let mut whole_events = Vec::new();
    drain(&mut whole, &mut whole_events);
    assert_eq!(
        events, whole_events,
        "chunks of {sizes:?} bytes give other events than one piece"
    );
    let mut parsed_count = 0;
    for event in &events {
        let Ok(StreamEvent::Element(element)) = event else {
            continue;
        };
        let Some(parsed) = Dialback::parse(element) else {
            continue;
        };
        parsed_count += 1;
        assert_dialback_reads_back(&parsed);
        let secret = "fuzz secret";
        match &parsed {
            Dialback::ResultRequest { from, to, key }
            | Dialback::VerifyRequest {
                from,
                to,
                key,
                id: _,
            } => {
                let id = match &parsed {
                    Dialback::VerifyRequest { id, .. } => id.as_str(),
                    _ => "stream-id",
                };
                let made = dialback::key(secret, to, from, id);
                assert!(dialback::key_matches(secret, to, from, id, &made));
                assert_eq!(
                    dialback::key_matches(secret, to, from, id, key),
                    key.trim() == made,
                    "key_matches disagrees with comparing the texts"
                );
            }
            Dialback::ResultAnswer { .. } | Dialback::VerifyAnswer { .. } => {}
        }
    }
    parsed_count
}

/// Asserts that a dialback element, written and read back inside a fresh
/// server stream, parses as itself.
pub fn assert_dialback_reads_back(dialback: &Dialback) {
    let xml = dialback.to_element().to_xml();
    let mut parser = StreamParser::new();
    parser.feed(SERVER_STREAM_HEADER.as_bytes());
    parser.feed(xml.as_bytes());
    let mut events = Vec::new();
    drain(&mut parser, &mut events);
    let again = match events.as_slice() {
        [Ok(StreamEvent::Open(_)), Ok(StreamEvent::Element(again))] => again,
        other => panic!("{xml:?} does not read back as one element: {other:?}"),
    };
    assert_eq!(
        Dialback::parse(again).as_ref(),
        Some(dialback),
        "{xml:?} reads back as another dialback element"
    );
}

/// The password of the one account the `scram` target knows.
const PASSWORD: &str = "pencil";

/// The account's stored keys for `hash`, derived once.
///
/// With 64 PBKDF2 rounds, not the 4096 a real account gets: SASL PLAIN
/// derives the keys again from the password it is given, on every input
/// that gets that far, and the round count changes nothing but the time.
fn keys(hash: Hash) -> StoredKeys {
    static KEYS: OnceLock<[StoredKeys; 2]> = OnceLock::new();
    let [sha1, sha256] = KEYS.get_or_init(|| {
        [Hash::Sha1, Hash::Sha256]
            .map(|hash| StoredKeys::derive(hash, PASSWORD, b"NaCl", 64))
    });
    match hash {
        Hash::Sha1 => sha1.clone(),
        Hash::Sha256 => sha256.clone(),
    }
}

/// The `SaslServer` account lookup: every name has the keys above (an
/// unknown name would get decoy keys, whose PLAIN check costs 4096
/// rounds, and the code after the lookup is the same).
fn lookup(_username: &str, mechanism: Mechanism) -> Option<StoredKeys> {
    Some(keys(mechanism.scram_hash().unwrap_or(Hash::Sha256)))
}

/// Splits a `scram` input at its first 0 byte: the first message (the
/// client-first, or the server-first for the client side) and the final
/// one (client-final, or server-final). Without a 0 the final message is
/// empty.
pub fn split_scram_input(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[]),
    }
}

/// The `scram` target: SCRAM and SASL on both sides, on hostile
/// messages (see [`split_scram_input`]).
pub fn scram(data: &[u8]) {
    let (first, last) = split_scram_input(data);
    for hash in [Hash::Sha1, Hash::Sha256] {
        scram_server(hash, first, last);
        scram_client(hash, first, last);
    }
    sasl_server(first, last);
    sasl_client(first, last);
}

/// The server side: client-first, answered for an unknown and for a known
/// user, then the client-final.
fn scram_server(hash: Hash, client_first: &[u8], client_final: &[u8]) {
    let parsed = match ClientFirst::parse(hash, client_first) {
        Ok(parsed) => parsed,
        Err(e) => {
            std::hint::black_box(e.to_string());
            std::hint::black_box(e.sasl_condition());
            return;
        }
    };
    std::hint::black_box((parsed.username(), parsed.authzid()));
    for keys in [None, Some(keys(hash))] {
        let (server, server_first) = parsed.clone().respond(keys);
        std::hint::black_box(server_first);
        if let Err(e) = server.finish(client_final) {
            std::hint::black_box(e.to_string());
            std::hint::black_box(e.sasl_condition());
        }
    }
}

/// The client side: the server-first message (after `r=` the client's own
/// nonce is put in, as a server would: without it the input could never
/// get past the nonce check), then the server-final.
fn scram_client(hash: Hash, server_first: &[u8], server_final: &[u8]) {
    let mut client = ScramClient::new(hash, "user", PASSWORD);
    // Before the server-first message, a server-final is out of order.
    let _ = std::hint::black_box(client.verify_server_final(server_final));
    let server_first = match server_first.strip_prefix(b"r=") {
        Some(rest) => {
            let client_first = client.client_first();
            let at = client_first
                .windows(2)
                .rposition(|w| w == b"r=")
                .expect("the client-first message ends with r=nonce");
            [&client_first[at..], rest].concat()
        }
        None => server_first.to_vec(),
    };
    match client.handle_server_first(&server_first) {
        Ok(client_final) => {
            std::hint::black_box(client_final);
            if let Err(e) = client.verify_server_final(server_final) {
                std::hint::black_box(e.to_string());
            }
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
}

/// The SASL server: `<auth/>` for each mechanism, its data the first
/// message (base64-encoded, and also as raw text), then `<response/>` with
/// the final one.
fn sasl_server(first: &[u8], last: &[u8]) {
    let raw = |name: &str, bytes: &[u8]| {
        Element::new(name, Some(ns::SASL))
            .with_attr("xmlns", ns::SASL)
            .with_text(String::from_utf8_lossy(bytes))
    };
    let mut auths: Vec<Element> = Mechanism::ALL
        .iter()
        .flat_map(|&m| {
            [
                sasl::auth_element(m, first),
                raw("auth", first).with_attr("mechanism", m.name()),
            ]
        })
        .collect();
    // The mechanism's name from the input, and no mechanism at all.
    auths.push(
        raw("auth", last)
            .with_attr("mechanism", String::from_utf8_lossy(first)),
    );
    auths.push(raw("auth", first));
    let responses = [
        sasl::response_element(last),
        raw("response", last),
        raw("abort", last),
        raw("challenge", last),
    ];
    for auth in &auths {
        for domain in [None, Some("example.com")] {
            let (server, step) = SaslServer::start_for_domain(
                auth,
                &Mechanism::ALL,
                domain,
                &lookup,
            );
            std::hint::black_box(step);
            if let Some(server) = server {
                for response in &responses {
                    std::hint::black_box(
                        server.clone().step(response, &lookup),
                    );
                }
            }
        }
    }
}

/// The SASL client: `<challenge/>`, `<success/>` and `<failure/>` from
/// the server, carrying the input.
fn sasl_client(first: &[u8], last: &[u8]) {
    let text = String::from_utf8_lossy(first);
    let sasl = |name: &str| Element::new(name, Some(ns::SASL));
    let mut elements = vec![
        sasl("challenge").with_text(text.clone()),
        sasl("success").with_text(text.clone()),
        sasl("success"),
        Element::new("challenge", None).with_text(text.clone()),
        sasl("failure"),
        sasl("failure").with_child(sasl("text").with_text(text.clone())),
    ];
    // A failure whose condition is named by the final message.
    let condition = String::from_utf8_lossy(last).into_owned();
    elements.push(
        sasl("failure")
            .with_child(sasl(&condition))
            .with_child(sasl("text").with_text(text.clone())),
    );
    for element in &elements {
        match sasl::parse_server_element(element) {
            Ok(sasl::ServerSaslMessage::Failure { condition, .. }) => {
                std::hint::black_box(sasl::explain_failure(&condition));
            }
            Ok(message) => {
                std::hint::black_box(message);
            }
            Err(e) => {
                std::hint::black_box(e.to_string());
            }
        }
    }
}
