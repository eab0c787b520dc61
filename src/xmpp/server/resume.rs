//! Sessions that outlive their connection: stream resumption
//! ([XEP-0198] § 5).
//!
//! Without stream management a session ends with its TCP connection. With
//! `<enable resume='true'/>` the server gives the stream an id, and when the
//! connection dies without a closing tag (a phone changing networks, a
//! cable pulled) the session is kept *detached* for a while: still bound,
//! its presence unchanged for everyone else, stanzas for it piling up.
//! If the client comes back in time — a new connection, TLS and SASL
//! again, then `<resume previd='id' h=''/>` instead of binding — the new
//! connection takes the whole session over and sends what the client never
//! acknowledged. If not, the session ends as a closed one would, and what
//! it never delivered goes where undelivered stanzas go (`c2s.rs`).
//!
//! ```text
//!  connection 1 ──✂                 connection 2
//!      │  (detached: waits here)        │ <resume previd='…' h='7'/>
//!      │  ◄──────── claim ──────────────┤
//!      │  ──────── Parked ─────────────►│ <resumed h='12'/>, stanzas 8…
//!      ╵ (ends; the session lives on)   │
//! ```
//!
//! The old connection's task keeps its session while detached, so handing
//! it over is one message from task to task: [`Resumable::claim`] leaves
//! a reply channel in the old task's [`Slot`] and wakes it; the old task
//! answers with everything it had ([`Parked`]). The same wake-up ends an
//! old connection that has not noticed yet that it is dead (a route that
//! silently drops packets): the new connection proves it is the same
//! client, so the old one is replaced (RFC 6120 § 4.9.3.3 `conflict`).
//!
//! Read before: `sm.rs`. Read next: `c2s.rs` (`detach`, `resume`).
//!
//! [XEP-0198]: https://xmpp.org/extensions/xep-0198.html

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::router::{Mailbox, MailboxReceiver, Outbound};
use super::session::Session;
use crate::xmpp::sm::{MAX_UNACKED_BYTES, StreamManagement};

/// Everything a resuming connection takes over from the old one.
pub struct Parked {
    /// The bound resource, its presence and directed presence.
    pub session: Session,
    /// The counters and the unacknowledged stanzas.
    pub sm: StreamManagement,
    /// The mailbox the router delivers to, and its receiving end: the
    /// router's entry does not change, so nothing sent meanwhile is lost.
    pub mailbox: Mailbox,
    /// The receiving end of `mailbox`.
    pub inbox: MailboxReceiver,
    /// Stanzas that arrived while detached, read from the inbox (to watch
    /// for a `conflict` kick) and never sent.
    pub pending: Vec<Arc<str>>,
}

/// One resumable session's place in the table, shared by the table and
/// the task that holds the session.
pub struct Slot {
    user: String,
    wake: CancellationToken,
    handover: Mutex<Option<oneshot::Sender<Box<Parked>>>>,
}

impl Slot {
    /// Resolves once a new connection has claimed the session.
    pub async fn claimed(&self) {
        self.wake.cancelled().await;
    }

    /// Whether a new connection has claimed the session.
    pub fn is_claimed(&self) -> bool {
        self.wake.is_cancelled()
    }
}

/// The resumable sessions, by resumption id.
#[derive(Default)]
pub struct Resumable {
    slots: Mutex<HashMap<String, Arc<Slot>>>,
}

impl Resumable {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Slot>>> {
        // Every change is one insert or remove: a panic elsewhere cannot
        // leave the map half-changed, so a poisoned lock is still usable.
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes `user`'s session resumable under `id`.
    pub fn register(&self, id: &str, user: &str) -> Arc<Slot> {
        let slot = Arc::new(Slot {
            user: user.to_owned(),
            wake: CancellationToken::new(),
            handover: Mutex::new(None),
        });
        self.lock().insert(id.to_owned(), Arc::clone(&slot));
        slot
    }

    /// A new connection, logged in as `user`, asks for session `id`. The
    /// slot leaves the table (only one connection can win it) and its task
    /// is woken; the session arrives on the returned channel. `None`: no
    /// such session, or another account's — the same answer for both,
    /// so that ids cannot be probed (§ 5: `item-not-found`).
    pub fn claim(
        &self,
        id: &str,
        user: &str,
    ) -> Option<oneshot::Receiver<Box<Parked>>> {
        let mut slots = self.lock();
        if slots.get(id).is_none_or(|slot| slot.user != user) {
            return None;
        }
        let slot = slots.remove(id)?;
        let (tx, rx) = oneshot::channel();
        *slot.handover.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
        slot.wake.cancel();
        Some(rx)
    }

    /// The session is ending: takes its slot out of the table. `Some` if
    /// a new connection claimed it first: the caller hands the session
    /// over on that channel instead of ending it (or drops the channel,
    /// and the claimant answers `item-not-found`).
    pub fn release(
        &self,
        id: &str,
        slot: &Arc<Slot>,
    ) -> Option<oneshot::Sender<Box<Parked>>> {
        let mut slots = self.lock();
        if slots.get(id).is_some_and(|s| Arc::ptr_eq(s, slot)) {
            slots.remove(id);
            return None;
        }
        // Not in the table: claimed, and the claim (made under the same
        // lock) has left its channel in the slot.
        slot.handover
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    /// How many sessions are resumable now (attached or detached).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

/// How a detached session's wait ended.
pub enum Detached {
    /// A new connection claimed it: hand it over on this channel.
    Claimed(oneshot::Sender<Box<Parked>>),
    /// Nobody came in time (or the server is stopping, or the resource
    /// was bound by a new login, or too much piled up): end it.
    Ended,
}

/// Waits, detached, until the session is claimed or `window` has passed;
/// returns how it ended and the stanzas that came meanwhile. They are read
/// from `inbox` as they come, so that a `conflict` kick (the resource bound again by a fresh
/// login) is seen at once, and so that they can be bounded: together with
/// the unacknowledged ones at most [`MAX_UNACKED_BYTES`].
pub async fn wait(
    resumable: &Resumable,
    id: &str,
    slot: &Arc<Slot>,
    window: Duration,
    inbox: &mut MailboxReceiver,
    unacked_bytes: usize,
    shutdown: &CancellationToken,
) -> (Detached, Vec<Arc<str>>) {
    let deadline = Instant::now() + window;
    let mut pending = Vec::new();
    let mut bytes = unacked_bytes;
    loop {
        tokio::select! {
            () = slot.claimed() => break,
            () = tokio::time::sleep_until(deadline) => break,
            () = shutdown.cancelled() => break,
            item = inbox.recv() => match item {
                Some(Outbound::Xml(xml)) => {
                    bytes += xml.len();
                    pending.push(xml);
                    if bytes > MAX_UNACKED_BYTES {
                        break;
                    }
                }
                Some(Outbound::Kick(_)) | None => break,
            },
        }
    }
    // A claim may have come at the same moment as the deadline: the
    // claimant wins, as long as it got there before we left the table.
    let outcome = match resumable.release(id, slot) {
        Some(handover) => Detached::Claimed(handover),
        None => Detached::Ended,
    };
    (outcome, pending)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_account_can_claim_and_only_once() {
        let table = Resumable::default();
        let slot = table.register("id1", "juliet");
        assert!(table.claim("id1", "romeo").is_none(), "another account");
        assert!(table.claim("nope", "juliet").is_none(), "unknown id");
        let _rx = table.claim("id1", "juliet").expect("hers");
        assert!(table.claim("id1", "juliet").is_none(), "claimed already");
        // The old task, releasing, finds the claimant's channel.
        assert!(table.release("id1", &slot).is_some());
        assert_eq!(table.len(), 0);
    }

    #[test]
    fn a_session_released_unclaimed_leaves_the_table() {
        let table = Resumable::default();
        let slot = table.register("id2", "juliet");
        assert!(table.release("id2", &slot).is_none());
        assert!(table.claim("id2", "juliet").is_none(), "expired");
    }

    #[tokio::test]
    async fn a_claim_wakes_the_detached_session() {
        let table = Resumable::default();
        let slot = table.register("id3", "juliet");
        let (_mailbox, mut inbox) = Mailbox::new();
        let shutdown = CancellationToken::new();
        let _rx = table.claim("id3", "juliet").expect("hers");
        let (outcome, _) = wait(
            &table,
            "id3",
            &slot,
            Duration::from_secs(60),
            &mut inbox,
            0,
            &shutdown,
        )
        .await;
        assert!(matches!(outcome, Detached::Claimed(_)));
    }

    #[tokio::test]
    async fn an_unclaimed_session_ends_when_the_window_does() {
        let table = Resumable::default();
        let slot = table.register("id4", "juliet");
        let (mailbox, mut inbox) = Mailbox::new();
        assert!(mailbox.send_xml("<message/>".into()));
        let shutdown = CancellationToken::new();
        let (outcome, pending) = wait(
            &table,
            "id4",
            &slot,
            Duration::from_millis(20),
            &mut inbox,
            0,
            &shutdown,
        )
        .await;
        assert!(matches!(outcome, Detached::Ended));
        assert_eq!(pending.len(), 1, "what came meanwhile is kept");
    }
}
