//! What else travels inside a stanza, through the real server: binary data
//! as base64, and an extension in a namespace the server has never heard
//! of.
//!
//! The article says XMPP has 没有二进制传输, "no binary transfer", and
//! praises it as 可扩展, "extensible". Both come from the same fact: a
//! stanza is XML text. Bytes that are not text must be encoded as text —
//! base64 ([RFC 4648 § 4]) turns every 3 bytes into 4 characters — and any
//! element in any namespace can ride inside a stanza, which the server
//! routes without needing to understand it ([RFC 6120 § 8.4]).
//!
//! Alice and Bob are a [`Pair`] logged in through counting relays, so the
//! bytes are counted on the wire, and Bob's relay keeps the bytes he got,
//! to compare them with what Alice wrote.
//!
//! Book: `book/src/lesson-06.md`. Run: `netlab lesson 6`.
//!
//! [RFC 4648 § 4]: https://datatracker.ietf.org/doc/html/rfc4648#section-4
//! [RFC 6120 § 8.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-8.4

use crate::xmpp::ns;
use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::{Digest, Sha1};

use super::overhead::{Pair, receive_id};
use super::relay::Direction;
use crate::xmpp::framing::{Element, Limits};
use crate::xmpp::stanza::{Message, Stanza};

/// The made-up namespace of lesson 6's extension.
pub const DEMO_NS: &str = "urn:netlab:demo";

/// The size of lesson 6's binary "file".
pub const FILE_SIZE: usize = 4096;

/// Bytes that look like a compressed file (a photo, a zip): no pattern
/// base64 or anything else could exploit. A fixed xorshift sequence, so
/// every run sends the same file.
pub fn sample_file(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x2545_f491;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state.to_be_bytes()[0]
        })
        .collect()
}

/// The length of `n` bytes in base64 with padding: 4 characters per
/// started group of 3 bytes ([RFC 4648 § 4]).
///
/// [RFC 4648 § 4]: https://datatracker.ietf.org/doc/html/rfc4648#section-4
pub fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// The largest binary that fits in one stanza under a stanza size limit,
/// leaving `envelope` bytes for the XML around it.
pub fn largest_inband(limits: Limits, envelope: usize) -> usize {
    limits.max_element_bytes.saturating_sub(envelope) / 4 * 3
}

/// A binary sent in-band, measured.
#[derive(Clone, Debug)]
pub struct BinaryRun {
    /// The file's size.
    pub raw: usize,
    /// Its base64 text's size.
    pub encoded: usize,
    /// The stanza Alice sent, on the wire.
    pub sent: u64,
    /// The stanza Bob got, on the wire.
    pub delivered: u64,
    /// Bob decoded exactly the bytes Alice had.
    pub intact: bool,
    /// The content id: `sha1+HEX@bob.xmpp.org` (XEP-0231 § 2).
    pub cid: String,
}

impl BinaryRun {
    /// The XML around the base64 text in the stanza Alice sent.
    pub fn envelope(&self) -> usize {
        usize::try_from(self.sent)
            .unwrap_or(usize::MAX)
            .saturating_sub(self.encoded)
    }
}

// ANCHOR: binary
/// Alice sends `file` to Bob in-band, as XEP-0231 Bits of Binary: base64
/// inside `<data xmlns='urn:xmpp:bob'>`. Bob decodes it and compares.
pub async fn send_binary(
    pair: &mut Pair,
    file: &[u8],
) -> anyhow::Result<BinaryRun> {
    let to = pair.bob_jid();
    let (alice, alice_relay, bob, bob_relay) = pair.parts();
    let hash: String = Sha1::digest(file)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let cid = format!("sha1+{hash}@bob.xmpp.org");
    let text = STANDARD.encode(file);
    let message = Element::new("message", None)
        .with_attr("to", to)
        .with_attr("id", "bin1")
        .with_child(
            Element::new("data", Some(ns::BOB))
                .with_attr("xmlns", ns::BOB)
                .with_attr("cid", cid.clone())
                .with_attr("type", "application/octet-stream")
                .with_text(text.clone()),
        );
    let (a, b) = (alice_relay.counts(), bob_relay.counts());
    alice.send(&message).await?;
    let got = receive_id(bob, "bin1").await?;
    let received = got
        .child("data", ns::BOB)
        .map(Element::text)
        .context("Bob's message has no <data/>")?;
    let decoded = STANDARD.decode(received.as_bytes())?;
    Ok(BinaryRun {
        raw: file.len(),
        encoded: text.len(),
        sent: alice_relay.counts().since(a).up.bytes,
        delivered: bob_relay.counts().since(b).down.bytes,
        intact: decoded == file,
        cid,
    })
}
// ANCHOR_END: binary

/// An extension sent through the server, and what Bob got.
#[derive(Clone, Debug)]
pub struct Passthrough {
    /// The payload as Alice's client wrote it.
    pub sent: String,
    /// Whether exactly those bytes are in what Bob's link carried.
    pub identical: bool,
    /// What Bob's typed parse ([`Message`]) kept as payloads it does not
    /// interpret, as `{namespace}name`.
    pub payloads: Vec<String>,
    /// The same payload written by hand with single quotes …
    pub hand_written: String,
    /// … and as it reached Bob, written again by the server.
    pub hand_delivered: String,
}

/// One kind of character the server wrote differently, and how often.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// The character in the hand-written payload …
    pub was: char,
    /// … the one in its place in what Bob got …
    pub now: char,
    /// … and how many times.
    pub times: usize,
}

impl Passthrough {
    /// What the server changed in the hand-written payload, character by
    /// character. `None` when the two differ in more than single
    /// characters (a different length): then there is no simple list.
    pub fn changes(&self) -> Option<Vec<Change>> {
        let was: Vec<char> = self.hand_written.chars().collect();
        let now: Vec<char> = self.hand_delivered.chars().collect();
        if was.len() != now.len() {
            return None;
        }
        let mut changes: Vec<Change> = Vec::new();
        for (&w, &n) in was.iter().zip(&now).filter(|(w, n)| w != n) {
            match changes.iter_mut().find(|c| c.was == w && c.now == n) {
                Some(c) => c.times += 1,
                None => changes.push(Change {
                    was: w,
                    now: n,
                    times: 1,
                }),
            }
        }
        Some(changes)
    }
}

/// The payload: a made-up "shared location" extension.
pub fn demo_payload() -> Element {
    Element::new("geo", Some(DEMO_NS))
        .with_attr("xmlns", DEMO_NS)
        .with_attr("accuracy", "20")
        .with_child(
            Element::new("point", Some(DEMO_NS))
                .with_attr("lat", "31.2304")
                .with_attr("lon", "121.4737"),
        )
        .with_child(Element::new("label", Some(DEMO_NS)).with_text("外滩"))
}

// ANCHOR: passthrough
/// Alice sends a message carrying [`demo_payload`]; Bob's relay keeps the
/// bytes he got, and they are searched for the payload's exact bytes.
pub async fn pass_extension(pair: &mut Pair) -> anyhow::Result<Passthrough> {
    let to = pair.bob_jid();
    let (alice, _, bob, bob_relay) = pair.parts();
    let payload = demo_payload().to_xml();
    let message = Element::new("message", None)
        .with_attr("to", to.clone())
        .with_attr("type", "chat")
        .with_attr("id", "ext1")
        .with_child(Element::new("body", None).with_text("I am here"))
        .with_child(demo_payload());
    bob_relay.take_kept(Direction::Down);
    alice.send(&message).await?;
    let got = receive_id(bob, "ext1").await?;
    let wire = bob_relay.take_kept(Direction::Down);
    let identical = contains(&wire, payload.as_bytes());
    let Stanza::Message(typed) = Stanza::try_from(got)? else {
        bail!("Bob did not get a message");
    };
    let payloads = payload_names(&typed);

    // The same payload, typed by hand in another (equally valid) style.
    let hand = format!(
        "<geo xmlns='{DEMO_NS}' accuracy='20'><point lat='31.2304' \
         lon='121.4737'/><label>外滩</label></geo>"
    );
    alice
        .write(&format!(
            "<message to='{to}' type='chat' id='ext2'>{hand}</message>"
        ))
        .await?;
    let got = receive_id(bob, "ext2").await?;
    let delivered = got
        .child("geo", DEMO_NS)
        .map(Element::to_xml)
        .context("Bob's message lost its <geo/>")?;
    Ok(Passthrough {
        sent: payload,
        identical,
        payloads,
        hand_written: hand,
        hand_delivered: delivered,
    })
}
// ANCHOR_END: passthrough

/// The payloads a typed message kept, as `{namespace}name`.
fn payload_names(message: &Message) -> Vec<String> {
    message
        .payloads
        .iter()
        .map(|p| format!("{{{}}}{}", p.ns.as_deref().unwrap_or(""), p.name))
        .collect()
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Alice asks the server itself something in the made-up namespace.
/// Returns the request and the server's answer (an iq error).
pub async fn ask_server_unknown(
    pair: &mut Pair,
) -> anyhow::Result<(Element, Element)> {
    let (alice, _, _, _) = pair.parts();
    let iq = Element::new("iq", None)
        .with_attr("to", "localhost")
        .with_attr("type", "get")
        .with_attr("id", "ext3")
        .with_child(
            Element::new("query", Some(DEMO_NS)).with_attr("xmlns", DEMO_NS),
        );
    let answer = alice.request(iq.clone()).await?;
    Ok((iq, answer))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::overhead::Protection;
    use crate::course::xmpp_stage::Stage;
    use crate::xmpp::server::TlsMode;

    #[test]
    fn base64_is_four_thirds_rounded_up_to_a_group() {
        assert_eq!(base64_len(0), 0);
        assert_eq!(base64_len(1), 4);
        assert_eq!(base64_len(3), 4);
        assert_eq!(base64_len(4096), 5464);
        let file = sample_file(4096);
        assert_eq!(STANDARD.encode(&file).len(), base64_len(4096));
        assert_eq!(sample_file(4096), file, "the same file every run");
        // 256 KiB stanzas: about 192 KiB of binary.
        assert_eq!(largest_inband(Limits::default(), 0), 196_608);
        assert_eq!(largest_inband(Limits::default(), 200), 196_458);
    }

    #[test]
    fn binary_and_extension_cross_the_server() {
        let stage =
            Stage::start(TlsMode::Off, &["alice", "bob"]).expect("stage");
        let mut pair =
            Pair::connect(&stage, Protection::Plaintext).expect("pair");
        let run = stage
            .block_on(send_binary(&mut pair, &sample_file(FILE_SIZE)))
            .expect("binary");
        assert!(run.intact);
        assert_eq!(run.encoded, 5464);
        assert!(run.sent > 5464 && run.delivered > run.sent);
        assert!(
            run.cid.starts_with("sha1+") && run.cid.ends_with("@bob.xmpp.org")
        );

        let pass = stage.block_on(pass_extension(&mut pair)).expect("ext");
        assert!(pass.identical, "{pass:?}");
        assert_eq!(pass.payloads, ["{urn:netlab:demo}geo"]);
        assert_ne!(pass.hand_written, pass.hand_delivered);
        assert!(pass.hand_delivered.contains("accuracy=\"20\""));
        // Only the quotes changed: 4 attributes, 2 quotes each.
        let changes = pass.changes().expect("the same length");
        assert_eq!(
            changes,
            [Change {
                was: '\'',
                now: '"',
                times: 8
            }]
        );

        let (_, answer) =
            stage.block_on(ask_server_unknown(&mut pair)).expect("iq");
        assert_eq!(answer.attr("type"), Some("error"));
        assert!(answer.to_xml().contains("service-unavailable"));
    }

    #[test]
    fn contains_finds_exact_bytes() {
        assert!(contains(b"abcdef", b"cde"));
        assert!(!contains(b"abcdef", b"ced"));
        assert!(!contains(b"abc", b""));
    }
}
