//! Server dialback ([XEP-0220]): how one XMPP server proves to another
//! that it speaks for its domain, by having the other *call it back*.
//!
//! Server a.example opens a connection to b.example and says "I am
//! a.example". Anyone could say that. Dialback checks it through DNS: b
//! looks up a.example itself, connects there (the *authoritative* server),
//! and asks whether the key it was given is genuine. Only the real
//! a.example can answer yes, because only it knows the secret the key was
//! made from:
//!
//! ```text
//!  a (initiating)                b (receiving)                a (authoritative)
//!  ── stream 1, a → b ──────────►
//!                     ◄───────── header, id=D60000229F
//!  <db:result from=a to=b>KEY ──►
//!                                ── stream 2, b → a ──────────►
//!                                <db:verify from=b to=a
//!                                  id=D60000229F>KEY ─────────►  KEY = HMAC(secret, b a id)?
//!                                ◄───────── <db:verify type=valid/>
//!  ◄── <db:result type=valid/>
//!  stanzas from a to b on stream 1
//! ```
//!
//! A stream authenticates one direction only: for b to send to a, b runs
//! the same dance from its side, so "mutual" authentication means two TCP
//! connections.
//!
//! The key ([XEP-0185 § 2]) is an HMAC, so it reveals nothing of the
//! secret, and it binds the two domains and the stream id, so it cannot be
//! replayed on another stream:
//!
//! ```text
//! key = hex(HMAC-SHA256(hex(SHA256(secret)), receiving ␠ originating ␠ stream-id))
//! ```
//!
//! Note that the HMAC key is the 64-character *hex text* of the SHA-256,
//! not its 32 bytes: the XEP's test vectors check exactly that.
//!
//! Dialback trusts DNS, which an attacker on the path can spoof; TLS with
//! certificates (SASL EXTERNAL, XEP-0178) is the modern way, and dialback
//! runs *inside* TLS when certificates cannot be verified (self-signed, as
//! here).
//!
//! Read next: `server/federation.rs` (who sends what, when).
//!
//! [XEP-0220]: https://xmpp.org/extensions/xep-0220.html
//! [XEP-0185 § 2]: https://xmpp.org/extensions/xep-0185.html#alg

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::framing::Element;
use super::ns;

/// The dialback key ([XEP-0185 § 2]).
///
/// [XEP-0185 § 2]: https://xmpp.org/extensions/xep-0185.html#alg
// ANCHOR: key
pub fn key(
    secret: &str,
    receiving: &str,
    originating: &str,
    stream_id: &str,
) -> String {
    let hashed = hex(&Sha256::digest(secret.as_bytes()));
    // HMAC takes a key of any length: this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(hashed.as_bytes())
        .expect("HMAC accepts any key length");
    mac.update(receiving.as_bytes());
    mac.update(b" ");
    mac.update(originating.as_bytes());
    mac.update(b" ");
    mac.update(stream_id.as_bytes());
    hex(&mac.finalize().into_bytes())
}
// ANCHOR_END: key

/// Whether a received key is right, compared in constant time
/// (XEP-0220 § 2.4 and § 8: timing must not tell how much matched).
pub fn key_matches(
    secret: &str,
    receiving: &str,
    originating: &str,
    stream_id: &str,
    received: &str,
) -> bool {
    let expected = key(secret, receiving, originating, stream_id);
    let received = received.trim();
    expected.len() == received.len()
        && expected
            .bytes()
            .zip(received.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A dialback element, read from a server stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialback {
    /// `<db:result>` with a key: "I am `from`, please verify"
    /// (XEP-0220 § 2.1.1).
    ResultRequest {
        /// The initiating domain.
        from: String,
        /// The receiving domain.
        to: String,
        /// The key.
        key: String,
    },
    /// `<db:result type='…'/>`: the receiving server's verdict (§ 2.4).
    ResultAnswer {
        /// The receiving domain.
        from: String,
        /// The initiating domain.
        to: String,
        /// `valid`, or not.
        valid: bool,
    },
    /// `<db:verify id='…'>KEY</db:verify>`: "did you make this key?"
    /// (§ 2.2.1).
    VerifyRequest {
        /// The receiving domain, asking.
        from: String,
        /// The domain that claims to have made the key.
        to: String,
        /// The stream id the key was made for.
        id: String,
        /// The key.
        key: String,
    },
    /// `<db:verify type='…' id='…'/>`: the authoritative server's answer
    /// (§ 2.3).
    VerifyAnswer {
        /// The authoritative domain.
        from: String,
        /// The receiving domain that asked.
        to: String,
        /// The stream id.
        id: String,
        /// `valid`, or not.
        valid: bool,
    },
}

impl Dialback {
    /// Reads a `db:result` or `db:verify`; `None` for anything else or
    /// when `from`/`to` (and `id` for verify) are missing.
    pub fn parse(element: &Element) -> Option<Dialback> {
        if element.ns.as_deref() != Some(ns::DIALBACK) {
            return None;
        }
        let from = element.attr("from")?.to_owned();
        let to = element.attr("to")?.to_owned();
        let kind = element.attr("type");
        match (element.local_name(), kind) {
            ("result", None) => Some(Dialback::ResultRequest {
                from,
                to,
                key: element.text().trim().to_owned(),
            }),
            ("result", Some(kind)) => Some(Dialback::ResultAnswer {
                from,
                to,
                valid: kind == "valid",
            }),
            ("verify", None) => Some(Dialback::VerifyRequest {
                from,
                to,
                id: element.attr("id")?.to_owned(),
                key: element.text().trim().to_owned(),
            }),
            ("verify", Some(kind)) => Some(Dialback::VerifyAnswer {
                from,
                to,
                id: element.attr("id")?.to_owned(),
                valid: kind == "valid",
            }),
            _ => None,
        }
    }

    /// Writes the element, with the `db:` prefix the server stream
    /// header declares.
    pub fn to_element(&self) -> Element {
        let new = |name: &str, from: &str, to: &str| {
            Element::new(name, Some(ns::DIALBACK))
                .with_attr("from", from)
                .with_attr("to", to)
        };
        let verdict = |valid: bool| if valid { "valid" } else { "invalid" };
        match self {
            Dialback::ResultRequest { from, to, key } => {
                new("db:result", from, to).with_text(key.clone())
            }
            Dialback::ResultAnswer { from, to, valid } => {
                new("db:result", from, to).with_attr("type", verdict(*valid))
            }
            Dialback::VerifyRequest { from, to, id, key } => {
                new("db:verify", from, to)
                    .with_attr("id", id.clone())
                    .with_text(key.clone())
            }
            Dialback::VerifyAnswer {
                from,
                to,
                id,
                valid,
            } => new("db:verify", from, to)
                .with_attr("id", id.clone())
                .with_attr("type", verdict(*valid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xeps_test_vectors() {
        // XEP-0220 Example 1 (and § 2.1.1), Example 5, XEP-0185 § 3.
        assert_eq!(
            key(
                "s3cr3tf0rd14lb4ck",
                "montague.example",
                "capulet.example",
                "D60000229F"
            ),
            "b4835385f37fe2895af6c196b59097b16862406db80559900d96bf6fa7d23df3"
        );
        assert_eq!(
            key(
                "d14lb4ck43v3r",
                "capulet.example",
                "montague.example",
                "417GAF25"
            ),
            "225cc5aa6a071133249d25fef42ae516fc7a86c523aa1c6980a7f73e784c972d"
        );
        assert_eq!(
            key(
                "s3cr3tf0rd14lb4ck",
                "xmpp.example.com",
                "example.org",
                "D60000229F"
            ),
            "37c69b1cf07a3f67c04a5ef5902fa5114f2c76fe4a2686482ba5b89323075643"
        );
    }

    #[test]
    fn a_key_matches_only_its_own_stream_and_domains() {
        let k = key("s", "b.example", "a.example", "id1");
        assert!(key_matches("s", "b.example", "a.example", "id1", &k));
        assert!(!key_matches("s", "b.example", "a.example", "id2", &k));
        assert!(!key_matches("s", "a.example", "b.example", "id1", &k));
        assert!(!key_matches("t", "b.example", "a.example", "id1", &k));
        assert!(!key_matches("s", "b.example", "a.example", "id1", ""));
    }

    #[test]
    fn elements_read_back_as_written() {
        let all = [
            Dialback::ResultRequest {
                from: "a.example".into(),
                to: "b.example".into(),
                key: "abc".into(),
            },
            Dialback::ResultAnswer {
                from: "b.example".into(),
                to: "a.example".into(),
                valid: true,
            },
            Dialback::VerifyRequest {
                from: "b.example".into(),
                to: "a.example".into(),
                id: "D6".into(),
                key: "abc".into(),
            },
            Dialback::VerifyAnswer {
                from: "a.example".into(),
                to: "b.example".into(),
                id: "D6".into(),
                valid: false,
            },
        ];
        for dialback in all {
            let xml = dialback.to_element().to_xml();
            let mut parser = crate::xmpp::framing::StreamParser::new();
            parser.feed(
                format!(
                    "<stream:stream xmlns='jabber:server' xmlns:db='{}' \
                     xmlns:stream='{}'>{xml}",
                    ns::DIALBACK,
                    ns::STREAMS
                )
                .as_bytes(),
            );
            let _ = parser.next_event();
            let Ok(Some(crate::xmpp::framing::StreamEvent::Element(e))) =
                parser.next_event()
            else {
                panic!("{xml} did not parse");
            };
            assert_eq!(Dialback::parse(&e), Some(dialback), "{xml}");
        }
    }
}
