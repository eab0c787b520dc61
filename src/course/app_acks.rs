//! Lesson 9's `acks` step, measured: TCP's acknowledgements say the other
//! *kernel* has the bytes, not that the other *application* used them.
//! Stream management (XEP-0198) adds the application's own.
//!
//! The same short conversation runs twice on the XMPP stage
//! ([`super::xmpp_stage`]), alice reaching the server through a relay
//! that turns into a black hole ([`super::black_hole`]):
//!
//! 1. alice sends bob one message, which arrives;
//! 2. the relay starts swallowing: alice sends two more. Her kernel's send
//!    queue (`/proc/net/tcp`, lesson 10) empties, because the relay's
//!    kernel acknowledged every segment — TCP has done its job;
//! 3. the relay cuts the connection, and alice connects again.
//!
//! Without stream management alice logs in afresh and nothing tells her
//! that two messages never reached the server. With it, she asks to
//! resume: the server's `<resumed h='…'/>` says how many of hers it had
//! handled, and she sends the rest again. What bob received is counted
//! both times. Rendering: `show/app_acks.rs`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;

use super::black_hole::BlackHole;
use super::conversation::{PATIENCE, body_of, chat, is_message};
use super::xmpp_stage::Stage;
use crate::sockets::proc_net;
use crate::xmpp::client::{
    Client, ClientTrace, Direction, Reconnected, SmCounts,
};
use crate::xmpp::framing::Element;
use crate::xmpp::ns;
use crate::xmpp::server::TlsMode;

/// Messages alice sends in each run: one before the relay swallows, the
/// rest while it does.
pub const MESSAGES: usize = 3;

/// One run of the conversation.
#[derive(Clone, Debug)]
pub struct Run {
    /// Whether alice had stream management on.
    pub stream_management: bool,
    /// Bytes of alice's the relay swallowed.
    pub swallowed: u64,
    /// alice's kernel's send queue for her connection once the relay
    /// had swallowed (bytes not yet acknowledged by TCP), if found.
    pub send_queue: Option<u32>,
    /// alice's stream management counts just before the cut.
    pub before_cut: Option<SmCounts>,
    /// How the reconnection went.
    pub reconnected: Reconnected,
    /// The bodies bob received, in order.
    pub received: Vec<String>,
    /// The bodies alice sent, in order.
    pub sent: Vec<String>,
    /// Stream management's own elements alice sent and received.
    pub sm_xml: Vec<(Direction, String)>,
}

impl Run {
    /// Messages sent that bob never received.
    pub fn lost(&self) -> usize {
        self.sent
            .iter()
            .filter(|b| !self.received.contains(b))
            .count()
    }
}

/// Both runs: without stream management, then with it.
pub fn measure() -> anyhow::Result<[Run; 2]> {
    let stage = Stage::start(TlsMode::Off, &["alice", "bob"])?;
    let without = stage.block_on(run(&stage, false))?;
    let with = stage.block_on(run(&stage, true))?;
    Ok([without, with])
}

async fn run(stage: &Stage, stream_management: bool) -> anyhow::Result<Run> {
    let tag = if stream_management { "with" } else { "without" };
    let hole = BlackHole::start(stage.addr()).await?;
    // bob, connected directly, collects what reaches him.
    let mut bob = Client::connect(stage.options("bob", tag)?).await?;
    bob.send(&Element::new("presence", None)).await?;
    let received = Arc::new(Mutex::new(Vec::new()));
    let inbox = Arc::clone(&received);
    let listening = tokio::spawn(async move {
        while let Ok(Some(stanza)) = bob.recv().await {
            if is_message(&stanza) {
                inbox
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(body_of(&stanza));
            }
        }
    });
    let sm_xml = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&sm_xml);
    let trace: ClientTrace = Arc::new(move |direction, xml: &str| {
        if is_sm_element(xml) {
            log.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((direction, xml.to_owned()));
        }
    });
    // alice goes through the relay, with or without stream management.
    let mut options = stage.options("alice", tag)?;
    options.server = Some(hole.addr());
    options.stream_management = stream_management;
    options.trace = Some(trace);
    let mut alice = Client::connect(options).await?;
    let sent: Vec<String> = (1..=MESSAGES)
        .map(|n| format!("{tag} stream management, #{n}"))
        .collect();
    let to = format!("bob@localhost/{tag}");
    // 1. One message that arrives (waited for: the relay must not start
    // swallowing while it is still on its way).
    alice.send(&chat(&to, &sent[0])).await?;
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !received
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains(&sent[0])
    {
        anyhow::ensure!(
            tokio::time::Instant::now() < deadline,
            "bob did not receive alice's first message"
        );
        settle(&mut alice).await;
    }
    settle(&mut alice).await;
    // 2. The relay swallows; the rest go.
    hole.swallow(true);
    for body in &sent[1..] {
        alice.send(&chat(&to, body)).await?;
    }
    settle(&mut alice).await;
    let send_queue = alice.local_addr().and_then(send_queue_of);
    let before_cut = alice.sm_counts();
    let swallowed = hole.swallowed();
    // 3. Cut, and connect again.
    hole.swallow(false);
    hole.cut();
    let reconnected = alice.reconnect().await.context("alice reconnects")?;
    settle(&mut alice).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    listening.abort();
    let received = received.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let sm_xml = sm_xml.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Ok(Run {
        stream_management,
        swallowed,
        send_queue,
        before_cut,
        reconnected,
        received,
        sent,
        sm_xml,
    })
}

/// Lets the acknowledgements of both layers come back: reads for 100 ms
/// (stream management's `<a/>` arrives through `recv`).
async fn settle(client: &mut Client) {
    let _ =
        tokio::time::timeout(Duration::from_millis(100), client.recv()).await;
}

/// Whether traced XML is one of stream management's own elements (not a
/// stanza or stream features that mention it).
fn is_sm_element(xml: &str) -> bool {
    ["enable", "enabled", "r", "a", "resume", "resumed", "failed"]
        .iter()
        .any(|name| xml.starts_with(&format!("<{name} xmlns=\"{}\"", ns::SM)))
}

/// The send queue the kernel reports for our connection from `local`.
fn send_queue_of(local: std::net::SocketAddr) -> Option<u32> {
    proc_net::tcp_sockets()
        .ok()?
        .into_iter()
        .find(|row| row.local == local)
        .map(|row| row.tx_queue)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::sm;

    #[test]
    fn only_stream_managements_own_elements_are_shown() {
        assert!(is_sm_element(&sm::request().to_xml()));
        assert!(is_sm_element(&sm::answer(3).to_xml()));
        assert!(is_sm_element(&sm::resume("x", 1).to_xml()));
        // Features that offer it, and a SASL response, are not.
        assert!(!is_sm_element(
            "<stream:features><sm xmlns=\"urn:xmpp:sm:3\"/></stream:features>"
        ));
        assert!(!is_sm_element(
            "<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">x</response>"
        ));
    }
}
