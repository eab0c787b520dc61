//! Lesson 3's live demo: XMPP's traits, shown on a real server.
//!
//! - `stanza`, `annotate`: one message captured from the server's trace as
//!   it crossed the server, then taken apart ([`super::stanza_notes`]);
//! - `jids`: addresses taken apart with [`crate::xmpp::jid`], and a strange
//!   but valid resource bound for real;
//! - `federation`: a message to another domain, refused by a server run
//!   with federation off (lesson 5 runs it on);
//! - `push-poll`: the same messages by push and by polling
//!   ([`super::push_poll`]);
//! - `security`: what the server offered before login, and the SASL
//!   exchange, from the trace.
//!
//! Book: `book/src/lesson-03.md`. Run: `netlab lesson 3`.

use crate::xmpp::ns;
use std::fmt::Write as _;
use std::time::Duration;

use anyhow::{Context, bail};
use base64::Engine;
use tabled::settings::Style;
use tabled::{Table, Tabled};

use super::Demo;
use super::push_poll::{self, Delivery, Method};
use super::relay::{Relay, connect_through};
use super::stanza_notes::{Note, annotate};
use super::xmpp_stage::{Stage, TraceLine};
use crate::show::{fold, style, wrap};
use crate::xmpp::client::{Client, Security};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::{Jid, MAX_PART_LEN};
use crate::xmpp::server::{TlsMode, TraceKind};
use crate::xmpp::stanza::Stanza;

/// Text is wrapped to the course\'s design width (80 columns).
use crate::show::width::DESIGN as WIDTH;

/// The polling intervals compared with push.
const POLL_INTERVALS: [Duration; 2] =
    [Duration::from_secs(1), Duration::from_millis(100)];

/// Makes the demo (the registry's constructor). The server starts at the
/// first step, not here: listing the steps costs nothing.
pub fn demo() -> Box<dyn Demo> {
    Box::new(TraitsDemo {
        world: None,
        captured: None,
    })
}

struct TraitsDemo {
    world: Option<World>,
    /// The message as the server delivered it to Bob.
    captured: Option<String>,
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

impl TraitsDemo {
    fn world(&mut self) -> anyhow::Result<&mut World> {
        if self.world.is_none() {
            self.world = Some(World::start()?);
        }
        self.world.as_mut().context("the stage was just started")
    }
}

impl Demo for TraitsDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "stanza",
            "annotate",
            "jids",
            "federation",
            "push-poll",
            "security",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        match step {
            "stanza" => {
                let (shown, delivered) = stanza(self.world()?)?;
                self.captured = Some(delivered);
                Ok(shown)
            }
            "annotate" => {
                let xml = match &self.captured {
                    Some(xml) => xml.clone(),
                    None => stanza(self.world()?)?.1,
                };
                annotated(&xml)
            }
            "jids" => jids(self.world()?),
            "federation" => federation(self.world()?),
            "push-poll" => push_vs_poll(self.world()?),
            "security" => security(self.world()?),
            other => bail!("lesson 3 has no demo step `{other}`"),
        }
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
        super::overhead::receive_id(bob, "l3-1").await
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

/// Shows the captured message, in and out. Returns what to show and the
/// delivered XML.
fn stanza(world: &mut World) -> anyhow::Result<(String, String)> {
    let (arrived, left) = capture(world)?;
    let mut out = String::new();
    let who = |l: &TraceLine| l.jid.clone().unwrap_or_default();
    let _ = writeln!(
        out,
        "{} [{}] C→S, what the server read from Alice ({} bytes):",
        style::client("in "),
        who(&arrived),
        arrived.text.len()
    );
    let _ = writeln!(out, "{}", xml_lines(&arrived.text));
    let _ = writeln!(
        out,
        "{} [{}] S→C, as the server wrote it to Bob ({} bytes):",
        style::server("out"),
        who(&left),
        left.text.len()
    );
    let _ = writeln!(out, "{}", xml_lines(&left.text));
    let added = added_attributes(&arrived.text, &left.text)?;
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "The server changed one thing: it added {}.",
                added.join(", ")
            ),
            WIDTH,
            0
        )
    );
    Ok((out, left.text.clone()))
}

/// Parses one stanza as it travels inside a client stream.
fn parse_stanza(xml: &str) -> anyhow::Result<Element> {
    crate::xmpp::framing::parse_one(xml)
        .context("the captured stanza is not one complete element")
}

/// Attributes of the stanza in `after` that were not in `before`.
fn added_attributes(before: &str, after: &str) -> anyhow::Result<Vec<String>> {
    let (before, after) = (parse_stanza(before)?, parse_stanza(after)?);
    Ok(after
        .attributes
        .iter()
        .filter(|a| before.attr(&a.name).is_none())
        .map(|a| format!("{}=\"{}\"", a.name, a.value))
        .collect())
}

/// The captured stanza, annotated, then as the typed stanza layer reads it.
fn annotated(xml: &str) -> anyhow::Result<String> {
    let element = parse_stanza(xml)?;
    let mut out = render_notes(&annotate(&element));
    let Stanza::Message(message) = Stanza::try_from(element)? else {
        bail!("the captured stanza is not a message");
    };
    let jid = |j: &Option<Jid>| j.as_ref().map_or("-".into(), Jid::to_string);
    let kind = |j: &Option<Jid>| match j {
        Some(j) if j.is_bare() => "bare",
        Some(_) => "full",
        None => "none",
    };
    let payloads: Vec<String> = message
        .payloads
        .iter()
        .map(|p| format!("{{{}}}{}", p.ns.as_deref().unwrap_or(""), p.name))
        .collect();
    let summary = format!(
        "src/xmpp/stanza.rs reads it as a Message: type {}, from {} ({} \
         JID), to {} ({} JID), {} body, and {} payload it keeps without \
         interpreting: {}",
        message.kind.as_str(),
        jid(&message.common.from),
        kind(&message.common.from),
        jid(&message.common.to),
        kind(&message.common.to),
        message.bodies.len(),
        payloads.len(),
        payloads.join(", ")
    );
    out.push('\n');
    out.push_str(&indented(&summary, 0));
    out.push('\n');
    Ok(out)
}

/// XML under its label: four spaces in, folded between tags or at
/// spaces to fit [`WIDTH`].
fn xml_lines(text: &str) -> String {
    fold(text, WIDTH - 4, 0)
        .lines()
        .map(|line| format!("    {}", style::code(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `text` wrapped to fit [`WIDTH`] with every line indented by `indent`.
fn indented(text: &str, indent: usize) -> String {
    let pad = " ".repeat(indent);
    wrap(text, WIDTH.saturating_sub(indent).max(20), 0)
        .lines()
        .map(|line| format!("{pad}{line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Notes, one item per line, its meaning indented below it.
fn render_notes(notes: &[Note]) -> String {
    let mut out = String::new();
    for note in notes {
        let indent = 2 * note.depth;
        let _ =
            writeln!(out, "{}{}", " ".repeat(indent), style::code(&note.item));
        let text = match note.spec {
            Some(spec) => format!("{} [{spec}]", note.meaning),
            None => note.meaning.clone(),
        };
        let _ = writeln!(out, "{}", style::dim(&indented(&text, indent + 4)));
    }
    out
}

/// Valid JIDs, each showing a rule.
const VALID: [(&str, &str); 8] = [
    ("alice@localhost/laptop", "full: one device"),
    ("Alice@LocalHost", "bare; case folded"),
    ("bob@localhost/phone/2@home", "resource: all after 1st /"),
    ("example.org/alice@home", "the @ is in the resource"),
    ("localhost", "the server itself"),
    ("juliet@example.com.", "final dot dropped"),
    ("alice@[::1]", "IPv6 address as domain"),
    ("张三@example.com", "any script in a localpart"),
];

#[derive(Tabled)]
struct JidRow {
    #[tabled(rename = "written (rule)")]
    written: String,
    local: String,
    domain: String,
    resource: String,
}

fn jids(world: &mut World) -> anyhow::Result<String> {
    let rows = VALID.iter().map(|(text, note)| match Jid::parse(text) {
        Ok(jid) => JidRow {
            written: format!("{text}\n({note})"),
            local: jid.local().unwrap_or("-").to_owned(),
            domain: jid.domain().to_owned(),
            resource: jid.resource().unwrap_or("-").to_owned(),
        },
        Err(err) => JidRow {
            written: format!("{text}\n({err})"),
            local: "?".into(),
            domain: "?".into(),
            resource: "?".into(),
        },
    });
    let mut out = Table::new(rows).with(Style::sharp()).to_string();
    out.push('\n');
    let same = |a: &str, b: &str| {
        let equal = Jid::parse(a).ok() == Jid::parse(b).ok();
        format!("{a} {} {b}\n", if equal { "==" } else { "!=" })
    };
    out.push_str(&same("Alice@LocalHost/Laptop", "alice@localhost/Laptop"));
    out.push_str(&same("alice@localhost/Laptop", "alice@localhost/laptop"));
    out.push_str("\nNot JIDs, and the rule each breaks:\n");
    let long = format!("{}@localhost", "a".repeat(MAX_PART_LEN + 1));
    let invalid = [
        "@localhost",
        "alice@",
        "alice@localhost/",
        "alice smith@localhost",
        "al:ice@localhost",
        "alice@exa_mple.com",
        "alice@example..com",
        long.as_str(),
    ];
    for text in invalid {
        let shown = if text.len() > 40 {
            format!("{}…@localhost ({} a's)", &text[..6], MAX_PART_LEN + 1)
        } else {
            format!("{text:?}")
        };
        let why = match Jid::parse(text) {
            Err(err) => err.to_string(),
            Ok(jid) => format!("accepted as {jid} (unexpected)"),
        };
        let _ = writeln!(out, "  {}", style::code(&shown));
        let _ = writeln!(out, "{}", indented(&why, 6));
    }
    // A resource with '/' and '@' is fine: the server binds it.
    let odd = world.stage.connect("alice", "tablet/2@home")?;
    let jid = odd.jid().clone();
    world.stage.block_on(odd.close())?;
    let _ = writeln!(
        out,
        "\n{}",
        indented(
            &format!(
                "Alice logs in once more, asking for the resource \
                 \"tablet/2@home\". The server bound {jid}: local {}, domain \
                 {}, resource {}.",
                jid.local().unwrap_or("-"),
                jid.domain(),
                jid.resource().unwrap_or("-"),
            ),
            0
        )
    );
    Ok(out)
}

/// A message for a user of another domain.
fn federation(world: &mut World) -> anyhow::Result<String> {
    let message = Element::new("message", None)
        .with_attr("to", "juliet@example.org")
        .with_attr("type", "chat")
        .with_attr("id", "l3-fed")
        .with_child(Element::new("body", None).with_text("Hello, Juliet"));
    let World { alice, stage, .. } = world;
    let answer = stage.block_on(async {
        alice.send(&message).await?;
        super::overhead::receive_id(alice, "l3-fed").await
    })?;
    let condition = answer
        .child("error", ns::CLIENT)
        .and_then(|e| e.elements().next())
        .map_or("?".into(), |c| c.local_name().to_owned());
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n",
        style::client("alice sends:"),
        xml_lines(&message.to_xml()),
        style::server("server answers:"),
        xml_lines(&answer.to_xml()),
        wrap(
            &format!(
                "The domainpart example.org names another server, so \
                 Alice's server would have to reach it, server to server \
                 (port 5269). This lesson runs it with federation off \
                 (lesson 5 turns it on), so it answered <{condition}/> \
                 itself. The error says from=\"juliet@\
                 example.org\" because it is about that address, but \
                 nothing left this machine: Juliet's client would never be \
                 contacted by Alice's, only by its own server."
            ),
            WIDTH,
            0
        )
    ))
}

#[derive(Tabled)]
struct RaceRow {
    #[tabled(rename = "Bob gets them by")]
    how: String,
    requests: String,
    empty: String,
    up: u64,
    down: u64,
    mean: String,
    max: String,
}

fn method_label(method: Method) -> String {
    match method {
        Method::Push => "XMPP push".into(),
        Method::Poll(every) => format!("poll every {}", delay(every)),
    }
}

/// A delay, the way the whole course writes durations.
fn delay(d: Duration) -> String {
    crate::units::duration(d)
}

fn push_vs_poll(world: &mut World) -> anyhow::Result<String> {
    let schedule = push_poll::LESSON;
    let World {
        alice,
        bob,
        bob_relay,
        stage,
        ..
    } = world;
    let results = stage.block_on(async {
        tokio::time::timeout(
            Duration::from_secs(15),
            push_poll::race(alice, bob, bob_relay, schedule, &POLL_INTERVALS),
        )
        .await
        .context("the race took more than 15 s")?
    })?;
    let mut out = indented(
        &format!(
            "{} messages from Alice, one every {}, each sent by XMPP and \
             posted to the HTTP inbox at the same instant:",
            schedule.messages,
            delay(schedule.spacing)
        ),
        0,
    );
    out.push('\n');
    let rows = results.iter().map(|d: &Delivery| RaceRow {
        how: method_label(d.method),
        requests: d.requests.to_string(),
        empty: match d.method {
            Method::Push => "-".into(),
            Method::Poll(_) => d.empty.to_string(),
        },
        up: d.traffic.up.bytes,
        down: d.traffic.down.bytes,
        mean: d.mean_delay().map_or("-".into(), delay),
        max: d.max_delay().map_or("-".into(), delay),
    });
    out.push_str(&Table::new(rows).with(Style::sharp()).to_string());
    out.push('\n');
    let segments: Vec<String> = results
        .iter()
        .map(|d| {
            let n = d.traffic.reads();
            format!(
                "{} {n} ({} bytes)",
                method_label(d.method),
                n * super::overhead::HEADERS_ON_LO
            )
        })
        .collect();
    out.push_str(&wrap(
        &format!(
            "Up and down: bytes on the receiver's connection, counted by its \
             relay. Mean and max: delay from sending to arrival. Not \
             counted: TCP/IP headers, {} bytes per segment on lo. Segments \
             with data: {}.",
            super::overhead::HEADERS_ON_LO,
            segments.join(", ")
        ),
        WIDTH,
        0,
    ));
    out.push('\n');
    out.push_str(&wrap(
        "Measured on this machine just now: run it again and the delays \
         change, the pattern does not.",
        WIDTH,
        0,
    ));
    out.push('\n');
    Ok(out)
}

fn security(world: &mut World) -> anyhow::Result<String> {
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
    let auth_element = parse_stanza(&auth.text)?;
    let first = base64::engine::general_purpose::STANDARD
        .decode(auth_element.text().trim())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} the features the server offered Alice before login:",
        style::server("out")
    );
    let _ = writeln!(out, "{}", xml_lines(&features.text));
    let _ = writeln!(
        out,
        "{} Alice's first SASL message ({}):",
        style::client("in "),
        world.alice.mechanism().name()
    );
    let _ = writeln!(out, "{}", xml_lines(&auth.text));
    let _ = writeln!(out, "    base64-decoded: {}", style::code(&first));
    let _ = writeln!(
        out,
        "{}",
        wrap(
            "The server offered <starttls/> (TLS, to encrypt the stream and \
             prove the server's name) and SASL mechanisms (to prove who the \
             user is). This lesson's clients skipped TLS to keep every byte \
             readable; SCRAM still kept the password off the wire: the \
             decoded message holds the user name and a random nonce, and \
             the password never crosses, only a proof computed from it.",
            WIDTH,
            0
        )
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_runs_on_a_real_stage() {
        colored::control::set_override(false);
        let mut demo = demo();
        let mut outputs = Vec::new();
        for step in demo.steps().iter().filter(|s| **s != "push-poll") {
            outputs.push(demo.run(step).expect(step));
        }
        let [stanza, annotate, jids, federation, security] = &outputs[..]
        else {
            panic!("five outputs");
        };
        assert!(
            stanza.contains("from=\"alice@localhost/laptop\"."),
            "{stanza}"
        );
        assert!(annotate.contains("stamped by the server"), "{annotate}");
        assert!(
            annotate.contains("{http://jabber.org/protocol/chatstates}active")
        );
        assert!(jids.contains("phone/2@home"), "{jids}");
        assert!(jids.contains("alice@localhost/tablet/2@home"), "{jids}");
        assert!(!jids.contains("unexpected"), "{jids}");
        assert!(
            federation.contains("remote-server-not-found"),
            "{federation}"
        );
        assert!(security.contains("<starttls"), "{security}");
        assert!(security.contains("n=alice,r="), "{security}");
    }

    #[test]
    fn delays_read_well() {
        assert_eq!(delay(Duration::from_micros(420)), "420.0 µs");
        assert_eq!(delay(Duration::from_millis(640)), "640 ms");
        assert_eq!(delay(Duration::from_secs(1)), "1 s");
        assert_eq!(delay(Duration::from_millis(1500)), "1.50 s");
    }

    #[test]
    fn every_valid_example_is_valid() {
        for (text, _) in VALID {
            assert!(Jid::parse(text).is_ok(), "{text}");
        }
    }
}
