//! Lesson 3's measurements: XMPP's traits, checked on a real server.
//!
//! [`Traits`] starts a stage (alice logged in directly, bob through a
//! counting relay) at its first use, and each method checks one claim and
//! returns what it saw — never text to print:
//!
//! - [`Traits::stanza`]: one message captured from the server's trace as
//!   it crossed the server, in and out, and a second one in which alice's
//!   client forges `from`;
//! - [`Traits::annotate`]: that message taken apart
//!   ([`super::stanza_notes`]) and read by the typed stanza layer;
//! - [`Traits::jids`]: addresses taken apart with [`crate::xmpp::jid`],
//!   and a strange but valid resource bound for real;
//! - [`Traits::federation`]: a message to another domain, refused by a
//!   server run with federation off (lesson 5 runs it on);
//! - [`Traits::push_poll`]: the same messages by push and by polling
//!   ([`super::push_poll`]);
//! - [`Traits::security`]: what the server offered before login, and the
//!   first SASL message, from the trace.
//!
//! Read before: [`super::xmpp_stage`], [`super::relay`]. Read after:
//! [`crate::show::traits`], which renders what this returns. Book:
//! `book/src/lesson-03.md`. Run: `netlab lesson 3`.
//!
//! Specs: [RFC 6120] § 8.1.2.1 (the server stamps `from`), [RFC 7622]
//! (JIDs), [RFC 6120] § 6 (SASL).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 7622]: https://datatracker.ietf.org/doc/html/rfc7622

use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;

use super::conversation::added_attributes;
use super::overhead::receive_id;
use super::push_poll::{self, Delivery, Schedule};
use super::relay::{Relay, connect_through};
use super::stanza_notes::{Note, annotate};
use super::xmpp_stage::{Stage, TraceLine};
use crate::xmpp::client::{Client, Security};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::{Jid, JidError, MAX_PART_LEN};
use crate::xmpp::ns;
use crate::xmpp::server::{TlsMode, TraceKind};
use crate::xmpp::stanza::{Message, Stanza};

/// The polling intervals compared with push.
pub const POLL_INTERVALS: [Duration; 2] =
    [Duration::from_secs(1), Duration::from_millis(100)];

/// What [`Traits::stanza`] saw.
#[derive(Clone, Debug)]
pub struct Captured {
    /// The message as the server read it from alice.
    pub arrived: TraceLine,
    /// The same message as the server wrote it to bob.
    pub left: TraceLine,
    /// What the server added: `from="…"`.
    pub added: Vec<String>,
    /// The `from` alice's client wrote into a second message.
    pub forged: String,
    /// That second message as bob got it.
    pub forged_delivered: Element,
}

/// What [`Traits::annotate`] saw.
#[derive(Clone, Debug)]
pub struct Annotated {
    /// Every item of the stanza with its meaning.
    pub notes: Vec<Note>,
    /// The stanza as `src/xmpp/stanza.rs` types it.
    pub message: Message,
}

/// One JID of [`Traits::jids`]: as written, the rule it shows, and how
/// [`Jid::parse`] read it.
#[derive(Clone, Debug)]
pub struct Written {
    /// The text.
    pub text: String,
    /// The rule it shows (valid ones) or breaks (the others).
    pub rule: String,
    /// The parsed JID, or why it is not one.
    pub parsed: Result<Jid, JidError>,
}

/// What [`Traits::jids`] saw.
#[derive(Clone, Debug)]
pub struct Jids {
    /// Valid JIDs, each showing a rule.
    pub valid: Vec<Written>,
    /// Two pairs compared: (a, b, equal?).
    pub compared: Vec<(String, String, bool)>,
    /// Strings that are not JIDs.
    pub invalid: Vec<Written>,
    /// What the server bound for the resource `tablet/2@home`.
    pub bound: Jid,
}

/// What [`Traits::federation`] saw.
#[derive(Clone, Debug)]
pub struct Refused {
    /// Alice's message to another domain.
    pub sent: Element,
    /// The server's error reply.
    pub answer: Element,
    /// Its condition: `remote-server-not-found`.
    pub condition: String,
}

/// What [`Traits::push_poll`] saw.
#[derive(Clone, Debug)]
pub struct Race {
    /// How the messages were sent.
    pub schedule: Schedule,
    /// Push, then each poller.
    pub results: Vec<Delivery>,
}

/// What [`Traits::security`] saw.
#[derive(Clone, Debug)]
pub struct Offered {
    /// The server's features before login, as written.
    pub features: String,
    /// Alice's `<auth>`, as written.
    pub auth: String,
    /// Its mechanism.
    pub mechanism: &'static str,
    /// Its base64 content, decoded.
    pub decoded: String,
}

/// The stage and its people. Fields drop in order: the clients and the
/// relay before the stage, whose runtime they use.
struct World {
    alice: Client,
    bob: Client,
    bob_relay: Relay,
    /// Every trace line so far.
    trace: Vec<TraceLine>,
    stage: Stage,
}

impl World {
    /// A server (offering STARTTLS, so that the `security` step shows what
    /// real servers offer), Alice logged in directly and Bob through a
    /// counting relay, both without TLS so that every byte is readable.
    fn start() -> anyhow::Result<World> {
        let stage = Stage::start(TlsMode::Auto, &["alice", "bob"])?;
        let alice = stage.connect("alice", "laptop")?;
        let bob_relay = stage.block_on(Relay::start(stage.addr()))?;
        let mut bob = connect_through(
            &stage,
            &bob_relay,
            "bob",
            "phone",
            Security::Plaintext,
        )?;
        // Bob says he is available, so that a message to his bare JID has
        // somewhere to go; the server echoes his presence back to him.
        stage.block_on(async {
            bob.send(&Element::new("presence", None)).await?;
            bob.recv().await
        })?;
        let trace = stage.take_trace();
        Ok(World {
            alice,
            bob,
            bob_relay,
            trace,
            stage,
        })
    }

    fn more_trace(&mut self) -> &[TraceLine] {
        let start = self.trace.len();
        self.trace.extend(self.stage.take_trace());
        &self.trace[start..]
    }
}

/// Lesson 3's stage, started at first use: listing the steps costs
/// nothing.
#[derive(Default)]
pub struct Traits {
    world: Option<World>,
}

impl Traits {
    fn world(&mut self) -> anyhow::Result<&mut World> {
        if self.world.is_none() {
            self.world = Some(World::start()?);
        }
        self.world.as_mut().context("the stage was just started")
    }

    /// Alice sends bob a message; then one with a `from` of her own.
    pub fn stanza(&mut self) -> anyhow::Result<Captured> {
        let world = self.world()?;
        let (arrived, left) = capture(world)?;
        let added = added_attributes(
            &parse_stanza(&arrived.text)?,
            &parse_stanza(&left.text)?,
        );
        let forged = "bob@localhost".to_owned();
        let message = Element::new("message", None)
            .with_attr("to", "bob@localhost")
            .with_attr("from", &forged)
            .with_attr("type", "chat")
            .with_attr("id", "l3-forged")
            .with_child(
                Element::new("body", None).with_text("Bob here, honest"),
            );
        let World {
            alice, bob, stage, ..
        } = world;
        let forged_delivered = stage.block_on(async {
            alice.send(&message).await?;
            receive_id(bob, "l3-forged").await
        })?;
        world.more_trace();
        Ok(Captured {
            arrived,
            left,
            added,
            forged,
            forged_delivered,
        })
    }

    /// The delivered message of [`Traits::stanza`], taken apart.
    pub fn annotate(&mut self, delivered: &str) -> anyhow::Result<Annotated> {
        let element = parse_stanza(delivered)?;
        let notes = annotate(&element);
        let Stanza::Message(message) = Stanza::try_from(element)? else {
            bail!("the captured stanza is not a message");
        };
        Ok(Annotated { notes, message })
    }

    /// JIDs parsed, compared, refused, and one odd resource bound.
    pub fn jids(&mut self) -> anyhow::Result<Jids> {
        let written = |(text, rule): (&str, String)| Written {
            text: text.to_owned(),
            rule,
            parsed: Jid::parse(text),
        };
        let valid = valid().into_iter().map(written).collect();
        let compared = [
            ("Alice@LocalHost/Laptop", "alice@localhost/Laptop"),
            ("alice@localhost/Laptop", "alice@localhost/laptop"),
        ]
        .into_iter()
        .map(|(a, b)| {
            let equal = Jid::parse(a).ok() == Jid::parse(b).ok();
            (a.to_owned(), b.to_owned(), equal)
        })
        .collect();
        let long = format!("{}@localhost", "a".repeat(MAX_PART_LEN + 1));
        let invalid = INVALID
            .into_iter()
            .chain([long.as_str()])
            .map(|text| written((text, String::new())))
            .collect();
        // A resource with '/' and '@' is fine: the server binds it.
        let world = self.world()?;
        let odd = world.stage.connect("alice", "tablet/2@home")?;
        let bound = odd.jid().clone();
        world.stage.block_on(odd.close())?;
        Ok(Jids {
            valid,
            compared,
            invalid,
            bound,
        })
    }

    /// Alice writes to a user of another domain.
    pub fn federation(&mut self) -> anyhow::Result<Refused> {
        let sent = Element::new("message", None)
            .with_attr("to", "juliet@example.org")
            .with_attr("type", "chat")
            .with_attr("id", "l3-fed")
            .with_child(Element::new("body", None).with_text("Hello, Juliet"));
        let World { alice, stage, .. } = self.world()?;
        let answer = stage.block_on(async {
            alice.send(&sent).await?;
            receive_id(alice, "l3-fed").await
        })?;
        let condition = answer
            .child("error", ns::CLIENT)
            .and_then(|e| e.elements().next())
            .map_or("?".into(), |c| c.local_name().to_owned());
        Ok(Refused {
            sent,
            answer,
            condition,
        })
    }

    /// The push-versus-poll race of [`push_poll::race`].
    pub fn push_poll(&mut self) -> anyhow::Result<Race> {
        let schedule = push_poll::LESSON;
        let World {
            alice,
            bob,
            bob_relay,
            stage,
            ..
        } = self.world()?;
        let results = stage.block_on(async {
            tokio::time::timeout(
                Duration::from_secs(15),
                push_poll::race(
                    alice,
                    bob,
                    bob_relay,
                    schedule,
                    &POLL_INTERVALS,
                ),
            )
            .await
            .context("the race took more than 15 s")?
        })?;
        Ok(Race { schedule, results })
    }

    /// What the server offered alice before login, and her first SASL
    /// message.
    pub fn security(&mut self) -> anyhow::Result<Offered> {
        let world = self.world()?;
        world.more_trace();
        let alice = world.alice.jid().to_string();
        let conn = world
            .trace
            .iter()
            .find(|l| l.jid.as_deref() == Some(alice.as_str()))
            .map(|l| l.conn)
            .context("Alice's connection is not in the trace")?;
        let of_alice = |l: &&TraceLine| l.conn == conn;
        let features = world
            .trace
            .iter()
            .filter(of_alice)
            .find(|l| {
                l.kind == TraceKind::Out && l.text.contains("<stream:features")
            })
            .context("no stream features for Alice")?;
        let auth = world
            .trace
            .iter()
            .filter(of_alice)
            .find(|l| l.kind == TraceKind::In && l.text.starts_with("<auth"))
            .context("no <auth/> from Alice")?;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(parse_stanza(&auth.text)?.text().trim())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        Ok(Offered {
            features: features.text.clone(),
            auth: auth.text.clone(),
            mechanism: world.alice.mechanism().name(),
            decoded,
        })
    }
}

// ANCHOR: capture
/// Alice sends Bob a message. The server's trace holds it twice: arriving
/// from Alice (`In`) and leaving for Bob (`Out`).
fn capture(world: &mut World) -> anyhow::Result<(TraceLine, TraceLine)> {
    let message = Element::new("message", None)
        .with_attr("to", "bob@localhost")
        .with_attr("type", "chat")
        .with_attr("id", "l3-1")
        .with_attr("xml:lang", "en")
        .with_child(Element::new("body", None).with_text("Hi Bob! 你好"))
        .with_child(
            Element::new("active", Some(ns::CHATSTATES))
                .with_attr("xmlns", ns::CHATSTATES),
        );
    let World {
        alice, bob, stage, ..
    } = world;
    stage.block_on(async {
        alice.send(&message).await?;
        receive_id(bob, "l3-1").await
    })?;
    let trace = world.more_trace();
    let ours = |kind| {
        trace
            .iter()
            .find(|l| l.kind == kind && l.text.contains("id=\"l3-1\""))
            .cloned()
    };
    let arrived = ours(TraceKind::In).context("no message from Alice")?;
    let left = ours(TraceKind::Out).context("no message to Bob")?;
    Ok((arrived, left))
}
// ANCHOR_END: capture

/// Parses one stanza as it travels inside a client stream.
fn parse_stanza(xml: &str) -> anyhow::Result<Element> {
    crate::xmpp::framing::parse_one(xml)
        .context("the captured stanza is not one complete element")
}

/// Valid JIDs, each showing a rule (in the course's language: the rule
/// is shown beside the JID).
fn valid() -> [(&'static str, String); 8] {
    [
        ("alice@localhost/laptop", crate::tr!("jid-rule-full")),
        ("Alice@LocalHost", crate::tr!("jid-rule-bare")),
        (
            "bob@localhost/phone/2@home",
            crate::tr!("jid-rule-resource"),
        ),
        ("example.org/alice@home", crate::tr!("jid-rule-at")),
        ("localhost", crate::tr!("jid-rule-server")),
        ("juliet@example.com.", crate::tr!("jid-rule-dot")),
        ("alice@[::1]", crate::tr!("jid-rule-ipv6")),
        ("张三@example.com", crate::tr!("jid-rule-script")),
    ]
}

/// Not JIDs, each breaking a rule (and one too long, made at run time).
const INVALID: [&str; 7] = [
    "@localhost",
    "alice@",
    "alice@localhost/",
    "alice smith@localhost",
    "al:ice@localhost",
    "alice@exa_mple.com",
    "alice@example..com",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_valid_example_is_valid_and_every_other_is_not() {
        for (text, _) in valid() {
            assert!(Jid::parse(text).is_ok(), "{text}");
        }
        for text in INVALID {
            assert!(Jid::parse(text).is_err(), "{text}");
        }
    }
}
