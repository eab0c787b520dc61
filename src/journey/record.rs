//! Recording one message's journey: send it across the federation while
//! capturing on `lo`, then pick out the packets that carried it.
//!
//! The order matters, and each step is there for a reason:
//!
//! 1. A capture socket is opened first, only to fail early (and say how to
//!    fix it) when this program lacks CAP_NET_RAW.
//! 2. The servers start and both users log in ([`super::federation`]).
//!    Bob says he is available (`<presence/>`), or his server would store
//!    the message for later instead of delivering it.
//! 3. Alice pings b.example. This makes the servers connect to each other
//!    and check each other's identity (dialback, XEP-0220) *before* the
//!    capture, so that it holds the message and not the set-up.
//! 4. Three captures start, one per port the message will cross: a's
//!    client port, b's server port, b's client port. Each lets the kernel
//!    drop all other traffic ([`crate::capture::live`]).
//! 5. Alice sends the message; bob's client reads it.
//! 6. The captures run on until every hop's data has been acknowledged
//!    (or a second has passed): an acknowledgment can be delayed by up to
//!    200 ms on Linux.
//!
//! A capture that missed a hop (a flooded `lo`) is tried again, like
//! `netlab handshake` does.
//!
//! Nothing here prints; `show::journey` renders the [`Journey`].
//! Read before: [`super::hop`]. Book: `book/src/lesson-07.md`.
//! Run: `netlab trace`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::federation::{Federation, Lines, Protection, ServerInfo};
use super::hop::{self, Hop, HopKind, HopSpec, Packet};
use crate::capture::Frame;
use crate::capture::live::{self, Capture};
use crate::xmpp::client::Direction;
use crate::xmpp::framing::Element;

/// The id of the traced message, to find it among other stanzas.
pub const MESSAGE_ID: &str = "trace-1";

/// How long to wait for bob to receive the message.
const DELIVERY: Duration = Duration::from_secs(10);

/// How long to wait for the last acknowledgments after delivery.
const TAIL: Duration = Duration::from_secs(1);

/// One message, recorded on its way.
#[derive(Clone, Debug)]
pub struct Journey {
    /// With or without TLS.
    pub protection: Protection,
    /// a.example and b.example.
    pub servers: [ServerInfo; 2],
    /// Alice's full JID.
    pub alice: String,
    /// Bob's full JID.
    pub bob: String,
    /// The stanza as alice's client wrote it.
    pub written: String,
    /// The stanza as bob's client read it.
    pub received: String,
    /// The message's text, as bob read it.
    pub body: String,
    /// The same text as it travels inside the XML, where `<`, `&` and
    /// friends are escaped (`&lt;`, `&amp;`): what to look for in the
    /// bytes.
    pub body_on_wire: String,
    /// The three hops, in order.
    pub hops: Vec<Hop>,
}

impl Journey {
    /// Every frame of every hop, in capture order, each with its
    /// explanation as a comment: what a pcapng file should hold.
    pub fn commented_frames(&self) -> Vec<Frame> {
        let run = match self.protection {
            Protection::Plaintext => "plaintext",
            Protection::Tls => "TLS",
        };
        let mut frames: Vec<Frame> = Vec::new();
        for (n, hop) in self.hops.iter().enumerate() {
            for step in &hop.steps {
                let mut frame = step.packet.frame.clone();
                frame.comment = Some(format!(
                    "{run} run, hop {} ({}): {}",
                    n + 1,
                    hop.spec.kind.short(),
                    step.meaning
                ));
                frames.push(frame);
            }
        }
        frames.sort_by_key(|f| f.timestamp);
        frames
    }
}

/// How many times to try when the capture missed part of the message
/// (another program flooding lo can overflow the capture socket's buffer).
const ATTEMPTS: u32 = 3;

/// The capture did not see the message on every hop.
#[derive(Debug, thiserror::Error)]
#[error(
    "the capture saw the message on {seen} of its {hops} hops (the machine \
     was too busy, or another program flooded lo); run it again"
)]
pub struct Missed {
    /// On how many hops it was seen.
    pub seen: usize,
    /// How many there are.
    pub hops: usize,
}

/// Sends `body` from alice@a.example to bob@b.example and records it,
/// trying again (with new servers) if the capture missed a hop.
pub fn record(protection: Protection, body: &str) -> anyhow::Result<Journey> {
    let mut attempt = 1;
    loop {
        match record_once(protection, body) {
            Err(e) if attempt < ATTEMPTS && e.is::<Missed>() => {
                tracing::info!("attempt {attempt}: {e}; trying again");
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// One attempt of [`record`].
fn record_once(protection: Protection, body: &str) -> anyhow::Result<Journey> {
    // 1. Fail now, with the remedy, if capture is not allowed.
    drop(Capture::open("lo", capture_options(0))?);

    // 2. The stage.
    let stage = Federation::start(protection)?;
    let [a, b] = stage.servers.clone();
    let alice_lines: Lines = Arc::default();
    let bob_lines: Lines = Arc::default();
    let mut alice = stage.connect(0, "alice", "laptop", &alice_lines)?;
    let mut bob = stage.connect(1, "bob", "phone", &bob_lines)?;
    let (alice_jid, bob_jid) = (alice.jid().to_string(), bob.jid().to_string());
    stage.block_on(async {
        bob.send(&Element::new("presence", None)).await?;
        // Bob's own presence comes back to him first.
        tokio::time::timeout(DELIVERY, bob.recv())
            .await
            .context("waiting for bob's presence")??;
        // 3. The servers connect and verify each other.
        let ping = Element::new("iq", None)
            .with_attr("to", b.domain.as_str())
            .with_attr("type", "get")
            .with_child(
                Element::new("ping", Some("urn:xmpp:ping"))
                    .with_attr("xmlns", "urn:xmpp:ping"),
            );
        let pong = tokio::time::timeout(DELIVERY, alice.request(ping))
            .await
            .context("waiting for b.example to answer a ping")??;
        anyhow::ensure!(
            pong.attr("type") == Some("result"),
            "b.example answered the ping with an error: {}",
            pong.to_xml()
        );
        anyhow::Ok(())
    })?;

    // 4. Capture the three ports.
    let ports = [a.c2s.port(), b.s2s.port(), b.c2s.port()];
    let frames: Arc<Mutex<Vec<Frame>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    // Whichever way this function returns, the capture threads end.
    let _stop_on_return = StopOnDrop(Arc::clone(&stop));
    let mut threads = Vec::new();
    for port in ports {
        let mut capture = Capture::open("lo", capture_options(port))?;
        let (frames, stop) = (Arc::clone(&frames), Arc::clone(&stop));
        threads.push(thread::spawn(move || -> Result<(), live::Error> {
            while !stop.load(Ordering::Acquire) {
                if let Some(frame) = capture.next()? {
                    frames
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .push(frame);
                }
            }
            Ok(())
        }));
    }

    // 5. The message.
    alice_lines
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clear();
    bob_lines.lock().unwrap_or_else(|p| p.into_inner()).clear();
    let message = Element::new("message", None)
        .with_attr("to", "bob@b.example")
        .with_attr("type", "chat")
        .with_attr("id", MESSAGE_ID)
        .with_child(Element::new("body", None).with_text(body));
    let got = stage.block_on(async {
        alice.send(&message).await?;
        tokio::time::timeout(DELIVERY, async {
            loop {
                match bob.recv().await? {
                    Some(e)
                        if e.local_name() == "message"
                            && e.attr("id") == Some(MESSAGE_ID) =>
                    {
                        return anyhow::Ok(e);
                    }
                    Some(_) => {}
                    None => anyhow::bail!("b.example closed bob's stream"),
                }
            }
        })
        .await
        .context("waiting for bob to receive the message")?
    });
    let got = got?;

    // 6. Wait for the acknowledgments, then stop capturing.
    let specs = specs(&stage.servers);
    let tls = protection == Protection::Tls;
    let started = Instant::now();
    let hops = loop {
        thread::sleep(Duration::from_millis(50));
        let hops = pick_all(&specs, &frames, tls);
        let done =
            hops.len() == specs.len() && hops.iter().all(Hop::is_acknowledged);
        if done || started.elapsed() > TAIL {
            break hops;
        }
    };
    stop.store(true, Ordering::Release);
    for thread in threads {
        thread
            .join()
            .map_err(|_| anyhow::anyhow!("a capture thread panicked"))??;
    }
    if hops.len() < specs.len() {
        return Err(Missed {
            seen: hops.len(),
            hops: specs.len(),
        }
        .into());
    }

    let written = sent_message(&alice_lines, Direction::Sent)
        .unwrap_or_else(|| message.to_xml());
    let received = sent_message(&bob_lines, Direction::Received)
        .unwrap_or_else(|| got.to_xml());
    let body = got
        .elements()
        .find(|c| c.local_name() == "body")
        .map(Element::text)
        .unwrap_or_default();
    let body_on_wire = escaped(&body);
    // Politely, so the servers do not log broken streams.
    stage.block_on(async {
        let _ = alice.close().await;
        let _ = bob.close().await;
    });
    Ok(Journey {
        protection,
        servers: stage.servers.clone(),
        alice: alice_jid,
        bob: bob_jid,
        written,
        received,
        body,
        body_on_wire,
        hops,
    })
}

/// `text` as XML character data: the body's bytes on the wire.
pub fn escaped(text: &str) -> String {
    let xml = Element::new("b", None).with_text(text).to_xml();
    xml.strip_prefix("<b>")
        .and_then(|rest| rest.strip_suffix("</b>"))
        .unwrap_or(&xml)
        .to_string()
}

/// Sets its flag when dropped: tells the capture threads to end, also when
/// an error returns early.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Capture settings: one port, short waits so the threads stop quickly.
fn capture_options(port: u16) -> live::Options {
    live::Options {
        read_timeout: Duration::from_millis(20),
        promiscuous: false,
        port: Some(port),
    }
}

/// The three hops of a message from alice@a to bob@b.
pub fn specs(servers: &[ServerInfo; 2]) -> [HopSpec; 3] {
    let [a, b] = servers;
    [
        HopSpec {
            kind: HopKind::ClientToServer,
            sender: "alice".into(),
            receiver: a.domain.clone(),
            port: a.c2s.port(),
            receiver_listens: true,
        },
        HopSpec {
            kind: HopKind::ServerToServer,
            sender: a.domain.clone(),
            receiver: b.domain.clone(),
            port: b.s2s.port(),
            receiver_listens: true,
        },
        HopSpec {
            kind: HopKind::ServerToClient,
            sender: b.domain.clone(),
            receiver: "bob".into(),
            port: b.c2s.port(),
            receiver_listens: false,
        },
    ]
}

/// The hops found so far, in order (stops at the first missing one).
fn pick_all(
    specs: &[HopSpec],
    frames: &Mutex<Vec<Frame>>,
    tls: bool,
) -> Vec<Hop> {
    let packets: Vec<Packet> = frames
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .cloned()
        .filter_map(Packet::of)
        .collect();
    specs
        .iter()
        .map_while(|spec| hop::pick(spec, &packets, tls))
        .collect()
}

/// The last `<message>` the console recorded going `direction`.
fn sent_message(lines: &Lines, direction: Direction) -> Option<String> {
    lines
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter()
        .rev()
        .find(|(d, xml)| *d == direction && xml.starts_with("<message"))
        .map(|(_, xml)| xml.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_on_the_wire_is_escaped_xml() {
        assert_eq!(escaped("Hello, Bob!"), "Hello, Bob!");
        assert_eq!(escaped("a<b & c"), "a&lt;b &amp; c");
        assert_eq!(escaped("你好"), "你好");
    }
}
