//! Federation: this server's connections to other XMPP servers
//! (RFC 6120 §§ 3.2, 4, 10.4; XEP-0220 dialback).
//!
//! XMPP is not one big server: every domain runs its own, and a stanza for
//! `romeo@montague.example` is handed by our server to montague.example's
//! server, which delivers it. This is the article's fourth step — "the
//! server finds, connects to and authenticates the other server" — and it
//! is what makes XMPP decentralised rather than peer-to-peer: users talk
//! only to their own server; servers talk to each other.
//!
//! ```text
//!  route.rs: Remote("b.example")
//!        │
//!        ▼  Federation::send          one outgoing stream per domain,
//!   ┌─ s2s_out.rs (a → b) ──────►     opened on the first stanza: resolve,
//!   │  queue while connecting         connect, STARTTLS, dialback, then
//!   │  and authenticating             the queued stanzas in order
//!   │
//!   │  s2s_in.rs  (b → a) ◄──────     b's own stream to us: b's stanzas
//!   │                                 arrive here, once b proved its name
//!   └─ our db:verify requests go out on our stream to b, and b's
//!      answers are taken from that stream only
//! ```
//!
//! Streams are one-way for stanzas: ours to b carries a's stanzas, b's
//! stream to us carries b's. Dialback elements may travel on either, and
//! *must* be allowed on an outgoing stream that is not authenticated yet:
//! when b receives our `db:result`, b calls us back and first sends its
//! own `db:result`; we can only answer it by asking b (`db:verify`) on
//! our outgoing stream, which is waiting for b's verdict — wait for
//! authentication first and both sides wait for ever (XEP-0220 § 2.1.2
//! allows it; `shared/federation.md` saw Prosody do exactly this).
//!
//! An answer is believed only where the question went: a `db:verify`
//! answer on a stream b opened to us, or one "from" another domain on
//! our stream to b, answers nothing we asked and is dropped (XEP-0220
//! § 3.1). Taking it would let a forger vouch for itself: the stream id
//! in the question is the one we gave the forger.
//!
//! What cannot be delivered is bounced to its local sender, never dropped
//! in silence: no address or no connection → `remote-server-not-found`;
//! no answer in time or dialback refused → `remote-server-timeout`. An
//! error is never answered with an error.
//!
//! Read before: `route.rs`, `../dialback.rs`. Read next: `s2s_out.rs`,
//! then `s2s_in.rs`. Book: `book/src/lesson-05.md`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::xmpp::dialback;
use crate::xmpp::framing::Element;
use crate::xmpp::ns;
use crate::xmpp::stanza::{self, ErrorType};

use super::route::{self, Destination, Undeliverable};
use super::{Shared, random_id, s2s_out};

/// Federation settings.
#[derive(Clone, Debug)]
pub struct S2sConfig {
    /// Where other servers connect to us (5269, RFC 6120 § 14.7).
    pub bind: SocketAddr,
    /// Domains pinned to an address, skipping DNS (`--s2s-route`).
    pub routes: Vec<(String, SocketAddr)>,
    /// The DNS server to ask instead of the system's (`--s2s-dns`).
    pub dns: Option<SocketAddr>,
    /// How long connecting (resolution included) may take.
    pub connect_timeout: Duration,
    /// How long a new stream may take to be authenticated.
    pub auth_timeout: Duration,
    /// An outgoing stream with nothing to send for this long is closed.
    pub idle_timeout: Duration,
    /// A certificate authority both sides trust (`--s2s-ca`), with our
    /// certificate signed by it: certificates are checked, and SASL
    /// EXTERNAL replaces dialback where they verify (XEP-0178).
    /// `None`: dialback inside TLS, certificates unchecked.
    pub ca: Option<Arc<crate::xmpp::s2s_tls::S2sTls>>,
}

impl S2sConfig {
    /// Listening on `bind`, resolving through the system's DNS.
    pub fn new(bind: SocketAddr) -> S2sConfig {
        S2sConfig {
            bind,
            routes: Vec::new(),
            dns: None,
            connect_timeout: Duration::from_secs(10),
            auth_timeout: Duration::from_secs(20),
            idle_timeout: Duration::from_secs(600),
            ca: None,
        }
    }
}

/// The most stanzas, and bytes, that may wait for one remote domain while
/// its stream is being set up: beyond them, `resource-constraint`.
pub const MAX_QUEUED: usize = 1000;
/// See [`MAX_QUEUED`].
pub const MAX_QUEUED_BYTES: usize = 4 * 1024 * 1024;

/// What an outgoing stream's task is asked to do.
#[derive(Debug)]
pub enum Command {
    /// Send this stanza once authenticated: serialised already, in the
    /// server stream's namespace.
    Stanza(Arc<str>),
    /// Send this dialback element now, authenticated or not.
    Dialback(dialback::Dialback),
}

/// The handle on one outgoing stream's task.
#[derive(Clone, Debug)]
pub struct Outgoing {
    tx: mpsc::UnboundedSender<Command>,
    /// Stanzas and bytes queued and not yet written.
    pub queued: Arc<(AtomicUsize, AtomicUsize)>,
    /// Tells a replaced handle from its successor.
    pub generation: u64,
}

/// Federation state shared by every connection.
pub struct Federation {
    /// The settings.
    pub config: S2sConfig,
    /// The dialback secret: fresh at every start, never leaves the
    /// process (XEP-0185 § 2 "the secret SHOULD be … random").
    pub secret: String,
    outgoing: Mutex<HashMap<String, Outgoing>>,
    verifies: Mutex<HashMap<(String, String), oneshot::Sender<bool>>>,
    next_generation: AtomicUsize,
    /// The tasks of outgoing streams.
    pub tasks: TaskTracker,
    /// Cancelled at shutdown.
    pub stop: CancellationToken,
    /// The server, for the tasks this starts.
    pub shared: Weak<Shared>,
}

impl Federation {
    /// Federation for the server `shared` will point to.
    pub fn new(config: S2sConfig, shared: Weak<Shared>) -> Federation {
        Federation {
            config,
            secret: format!("{}{}", random_id(), random_id()),
            outgoing: Mutex::new(HashMap::new()),
            verifies: Mutex::new(HashMap::new()),
            next_generation: AtomicUsize::new(1),
            tasks: TaskTracker::new(),
            stop: CancellationToken::new(),
            shared,
        }
    }

    /// The outgoing stream to `domain`, started if there is none.
    fn outgoing(&self, domain: &str) -> Option<Outgoing> {
        let mut table = self.outgoing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(existing) = table.get(domain)
            && !existing.tx.is_closed()
        {
            return Some(existing.clone());
        }
        if self.stop.is_cancelled() {
            return None;
        }
        let shared = self.shared.upgrade()?;
        let (tx, rx) = mpsc::unbounded_channel();
        let handle = Outgoing {
            tx,
            queued: Arc::new((AtomicUsize::new(0), AtomicUsize::new(0))),
            generation: self.next_generation.fetch_add(1, Ordering::Relaxed)
                as u64,
        };
        table.insert(domain.to_owned(), handle.clone());
        let domain = domain.to_owned();
        let queued = Arc::clone(&handle.queued);
        let generation = handle.generation;
        self.tasks.spawn(async move {
            s2s_out::run(shared, domain, rx, queued, generation).await;
        });
        Some(handle)
    }

    /// Forgets the outgoing stream to `domain` if it is still `generation`.
    pub fn forget(&self, domain: &str, generation: u64) {
        let mut table = self.outgoing.lock().unwrap_or_else(|p| p.into_inner());
        if table
            .get(domain)
            .is_some_and(|o| o.generation == generation)
        {
            table.remove(domain);
        }
    }

    /// Queues a stanza for `domain`, opening the stream if needed.
    pub fn send(
        &self,
        domain: &str,
        element: &Element,
    ) -> Result<(), Undeliverable> {
        self.send_xml(domain, element.to_xml_in(ns::SERVER).into())
    }

    /// Queues a stanza already written for a server stream.
    pub fn send_xml(
        &self,
        domain: &str,
        xml: Arc<str>,
    ) -> Result<(), Undeliverable> {
        let Some(outgoing) = self.outgoing(domain) else {
            return Err(("remote-server-not-found", ErrorType::Cancel));
        };
        let bytes = xml.len();
        let (count, size) = &*outgoing.queued;
        if count.load(Ordering::Relaxed) >= MAX_QUEUED
            || size.load(Ordering::Relaxed) + bytes > MAX_QUEUED_BYTES
        {
            return Err(("resource-constraint", ErrorType::Wait));
        }
        count.fetch_add(1, Ordering::Relaxed);
        size.fetch_add(bytes, Ordering::Relaxed);
        outgoing
            .tx
            .send(Command::Stanza(xml))
            .map_err(|_| ("remote-server-not-found", ErrorType::Cancel))
    }

    /// Asks `domain`'s authoritative server whether `key` is genuine
    /// (we are the receiving server, `our` the domain it was sent to):
    /// `db:verify` on our outgoing stream there, authenticated or not.
    /// The answer arrives through [`Federation::verified`].
    pub fn verify(
        &self,
        domain: &str,
        our: &str,
        stream_id: &str,
        key: &str,
    ) -> oneshot::Receiver<bool> {
        let (tx, rx) = oneshot::channel();
        self.verifies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((domain.to_owned(), stream_id.to_owned()), tx);
        let request = dialback::Dialback::VerifyRequest {
            from: our.to_owned(),
            to: domain.to_owned(),
            id: stream_id.to_owned(),
            key: key.to_owned(),
        };
        if let Some(outgoing) = self.outgoing(domain) {
            let _ = outgoing.tx.send(Command::Dialback(request));
        }
        rx
    }

    /// Forgets a `db:verify` request (answered, or given up on).
    pub fn forget_verify(&self, domain: &str, stream_id: &str) {
        self.verifies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(domain.to_owned(), stream_id.to_owned()));
    }

    /// An answer to one of our `db:verify` requests. Answers to nothing
    /// we asked are dropped (XEP-0220 § 3.1: "unsolicited").
    pub fn verified(&self, domain: &str, stream_id: &str, valid: bool) {
        let waiting = self
            .verifies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(domain.to_owned(), stream_id.to_owned()));
        match waiting {
            Some(tx) => {
                let _ = tx.send(valid);
            }
            None => tracing::debug!(
                "unsolicited db:verify answer from {domain} (id {stream_id}): dropped"
            ),
        }
    }
}

/// Sends the error reply to `element` back to its local sender (a client
/// of ours or a component), because it could not leave this server.
pub fn bounce(
    shared: &Shared,
    element: &Element,
    condition: &'static str,
    kind: ErrorType,
) {
    // Never an error in answer to an error (RFC 6120 § 8.3.1): the
    // function returns nothing then.
    let Some(reply) = stanza::error_reply(element, condition, kind) else {
        return;
    };
    // Presence errors are not worth a user's attention.
    if reply.local_name() == "presence" {
        return;
    }
    deliver_error(shared, &reply);
}

/// [`bounce`] for a stanza queued as text for a server stream.
pub fn bounce_xml(
    shared: &Shared,
    xml: &str,
    condition: &'static str,
    kind: ErrorType,
) {
    // It was written by this server from a parsed element: it reads back.
    if let Ok(mut element) = crate::xmpp::framing::parse_one(xml) {
        element.renamespace(ns::CLIENT);
        bounce(shared, &element, condition, kind);
    }
}

/// Delivers an error stanza to a local full or bare JID, or a component.
pub fn deliver_error(shared: &Shared, reply: &Element) {
    let Some(to) = reply
        .attr("to")
        .and_then(|to| crate::xmpp::jid::Jid::parse(to).ok())
    else {
        return;
    };
    match route::decide(shared, &to) {
        Destination::Account { user, resource } => {
            let mailbox = resource
                .and_then(|r| shared.router.mailbox(user, r))
                .or_else(|| shared.router.best_mailboxes(user).pop());
            if let Some(mailbox) = mailbox {
                mailbox.send_xml(reply.to_xml().into());
            }
        }
        destination @ Destination::Component(_) => {
            let _ = route::forward(shared, destination, reply);
        }
        // Errors do not travel on to other servers from here.
        Destination::Remote(_) | Destination::Server => {}
    }
}
