//! What one chat message costs on the wire, measured: the XML around the
//! text, TLS's record around the XML, and TCP/IP's headers around both.
//!
//! The article lists 数据负载过重XML, "XML makes the payload too heavy",
//! among XMPP's drawbacks. This file measures how heavy. Alice and Bob
//! log in to the stage's server, each through a counting [`Relay`], once
//! in plaintext and once with STARTTLS; Alice sends Bob a message with a
//! body of 1, 64 and 1024 bytes, and the relays count what crossed each
//! link:
//!
//! ```text
//!  alice ──relay── server ──relay── bob
//!        "sent"            "delivered"  (the server adds from='…')
//! ```
//!
//! TCP/IP headers are not seen by a relay; they are added by arithmetic:
//! [`HEADERS_ON_LO`] bytes per segment, as lesson 7's capture showed.
//!
//! Book: `book/src/lesson-06.md`. Run: `netlab lesson 6`.

use anyhow::{Context, bail};

use super::relay::{Counts, Direction, Flow, Relay, connect_through};
use super::xmpp_stage::Stage;
use crate::xmpp::client::{Client, Security};
use crate::xmpp::framing::Element;
use crate::xmpp::tls::Trust;

/// TCP/IP header bytes per segment on `lo`, as captured in lesson 7: a
/// 14-byte Ethernet header (all-zero addresses; `lo` has one so that
/// captures look like Ethernet), 20 bytes of IPv4 and 32 of TCP (20, plus
/// 12 for the timestamps option Linux puts on every segment, RFC 7323
/// § 3). On a real Ethernet link the same 66 are sent, plus a preamble and
/// checksum no capture shows.
pub const HEADERS_ON_LO: u64 = 14 + 20 + 32;

/// The body sizes lesson 6 measures.
pub const BODY_SIZES: [usize; 3] = [1, 64, 1024];

/// Plaintext or TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// No TLS: every byte readable (the teaching mode).
    Plaintext,
    /// STARTTLS, then everything inside TLS records.
    Tls,
}

impl Protection {
    /// How tables show it.
    pub fn label(self) -> &'static str {
        match self {
            Protection::Plaintext => "plaintext",
            Protection::Tls => "TLS",
        }
    }

    /// The resource both users bind: `tcp` or `tls`. The same length, so
    /// that the XML is the same size both ways and only TLS differs.
    pub fn resource(self) -> &'static str {
        match self {
            Protection::Plaintext => "tcp",
            Protection::Tls => "tls",
        }
    }
}

/// Alice and Bob, each logged in through a relay.
pub struct Pair {
    /// Plaintext or TLS.
    pub protection: Protection,
    alice: Client,
    alice_relay: Relay,
    bob: Client,
    bob_relay: Relay,
    /// What Alice's login cost (both directions), from connect to bound.
    pub alice_login: Counts,
    next_id: u32,
}

/// One message, measured.
#[derive(Clone, Debug)]
pub struct Cost {
    /// The body's size in bytes.
    pub body: usize,
    /// Alice's link, Alice to server: the stanza as she sent it.
    pub sent: Flow,
    /// Bob's link, server to Bob: the stanza with `from` stamped.
    pub delivered: Flow,
    /// The first bytes Bob's link carried for it (for a look at TLS).
    pub delivered_start: Vec<u8>,
}

impl Cost {
    /// What Bob's link carried, with TCP/IP headers: each read the relay
    /// made is counted as one segment.
    pub fn delivered_on_wire(&self) -> u64 {
        self.delivered.bytes + HEADERS_ON_LO * self.delivered.reads
    }

    /// The XML around the body, as Alice's client wrote it.
    pub fn envelope(&self) -> u64 {
        self.sent.bytes.saturating_sub(self.body as u64)
    }

    /// What the server added on the way (the `from` it stamped).
    pub fn stamp(&self) -> u64 {
        self.delivered.bytes.saturating_sub(self.sent.bytes)
    }

    /// Everything on Bob's link that is not the body: XML, TLS and
    /// TCP/IP headers.
    pub fn overhead_on_wire(&self) -> u64 {
        self.delivered_on_wire().saturating_sub(self.body as u64)
    }

    /// The body's share of what Bob's link carried, in percent.
    pub fn body_share(&self) -> f64 {
        let wire = self.delivered_on_wire();
        if wire == 0 {
            return 0.0;
        }
        self.body as f64 * 100.0 / wire as f64
    }
}

impl Pair {
    /// Logs Alice and Bob in through two fresh relays, both with the
    /// resource [`Protection::resource`]. TLS needs a stage started with
    /// `TlsMode::Auto`; the self-signed certificate is accepted without a
    /// check ([`Trust::Insecure`]): fine on one machine, never on a
    /// network.
    pub fn connect(
        stage: &Stage,
        protection: Protection,
    ) -> anyhow::Result<Pair> {
        let security = match protection {
            Protection::Plaintext => Security::Plaintext,
            Protection::Tls => Security::StartTls(Trust::Insecure),
        };
        let resource = protection.resource();
        let alice_relay = stage.block_on(Relay::start(stage.addr()))?;
        let bob_relay = stage.block_on(Relay::start(stage.addr()))?;
        let alice = connect_through(
            stage,
            &alice_relay,
            "alice",
            resource,
            security.clone(),
        )?;
        let alice_login = alice_relay.counts();
        let bob =
            connect_through(stage, &bob_relay, "bob", resource, security)?;
        if protection == Protection::Tls
            && !(alice.is_secure() && bob.is_secure())
        {
            bail!("the stage offered no STARTTLS: start it with TlsMode::Auto");
        }
        Ok(Pair {
            protection,
            alice,
            alice_relay,
            bob,
            bob_relay,
            alice_login,
            next_id: 1,
        })
    }

    /// Alice, her relay, Bob and his relay, for measurements of other
    /// payloads ([`super::inband`]).
    pub fn parts(&mut self) -> (&mut Client, &Relay, &mut Client, &Relay) {
        (
            &mut self.alice,
            &self.alice_relay,
            &mut self.bob,
            &self.bob_relay,
        )
    }

    /// Bob's full JID.
    pub fn bob_jid(&self) -> String {
        self.bob.jid().to_string()
    }

    // ANCHOR: measure
    /// Alice sends Bob a chat message whose body is `body` bytes; the
    /// relays count what crossed each link until Bob has it.
    pub async fn send_and_count(
        &mut self,
        body: usize,
    ) -> anyhow::Result<Cost> {
        let id = format!("m{}", self.next_id);
        self.next_id += 1;
        let message = Element::new("message", None)
            .with_attr("to", self.bob.jid().to_string())
            .with_attr("type", "chat")
            .with_attr("id", id.clone())
            .with_child(Element::new("body", None).with_text("x".repeat(body)));
        let (alice_before, bob_before) =
            (self.alice_relay.counts(), self.bob_relay.counts());
        self.bob_relay.take_kept(Direction::Down);
        self.alice.send(&message).await?;
        // Bob's recv() returns once the whole stanza has arrived: by then
        // both relays have counted all of it.
        receive_id(&mut self.bob, &id).await?;
        let sent = self.alice_relay.counts().since(alice_before).up;
        let delivered = self.bob_relay.counts().since(bob_before).down;
        let mut start = self.bob_relay.take_kept(Direction::Down);
        start.truncate(16);
        Ok(Cost {
            body,
            sent,
            delivered,
            delivered_start: start,
        })
    }
    // ANCHOR_END: measure
}

/// Reads Bob's stanzas until the one with this `id`.
pub async fn receive_id(bob: &mut Client, id: &str) -> anyhow::Result<Element> {
    loop {
        let stanza = bob
            .recv()
            .await?
            .context("the server closed Bob's stream")?;
        if stanza.attr("id") == Some(id) {
            return Ok(stanza);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::server::TlsMode;

    #[test]
    fn plaintext_counts_the_xml_exactly() {
        let stage =
            Stage::start(TlsMode::Auto, &["alice", "bob"]).expect("stage");
        let mut pair =
            Pair::connect(&stage, Protection::Plaintext).expect("pair");
        let cost = stage.block_on(pair.send_and_count(5)).expect("cost");
        // What Alice's client wrote, byte for byte.
        let sent = "<message to=\"bob@localhost/tcp\" type=\"chat\" id=\"m1\">\
                    <body>xxxxx</body></message>";
        assert_eq!(cost.sent.bytes, sent.len() as u64);
        // The server adds ` from="alice@localhost/tcp"`.
        let from = " from=\"alice@localhost/tcp\"";
        assert_eq!(cost.delivered.bytes, (sent.len() + from.len()) as u64);
        assert!(cost.delivered_start.starts_with(b"<message"));
        assert!(cost.delivered.reads >= 1);
        assert!(pair.alice_login.bytes() > 500, "{:?}", pair.alice_login);
    }

    #[test]
    fn tls_adds_a_record_header_and_tag() {
        let stage =
            Stage::start(TlsMode::Auto, &["alice", "bob"]).expect("stage");
        let mut plain =
            Pair::connect(&stage, Protection::Plaintext).expect("plain");
        let mut tls = Pair::connect(&stage, Protection::Tls).expect("tls");
        let clear = stage.block_on(plain.send_and_count(64)).expect("plain");
        let sealed = stage.block_on(tls.send_and_count(64)).expect("tls");
        // The same XML both ways (resources `tcp` and `tls`); TLS 1.3 adds
        // a 5-byte record header, 1 byte of inner content type and a
        // 16-byte AEAD tag (RFC 8446 § 5.2) per record.
        for (clear, sealed) in [
            (clear.sent, sealed.sent),
            (clear.delivered, sealed.delivered),
        ] {
            let overhead = sealed.bytes - clear.bytes;
            assert_eq!(overhead % 22, 0, "{overhead}");
            assert!(overhead >= 22);
        }
        // An application-data record: type 23, legacy version 3.3.
        assert_eq!(&sealed.delivered_start[..3], &[0x17, 0x03, 0x03]);
        assert!(sealed.body_share() < clear.body_share());
    }
}
