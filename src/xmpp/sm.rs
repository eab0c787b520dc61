//! Stream management's counters and queue on one client stream
//! ([XEP-0198] § 4): what the server has handled, what it has sent and
//! not yet seen acknowledged.
//!
//! Core XMPP has no acknowledgements: a stanza written to a socket whose
//! connection then dies is gone, and neither side knows. TCP's own
//! acknowledgements do not help — they say the peer's *kernel* has the
//! bytes, not that the application read them (lesson 9). Stream management
//! adds acknowledgements at the XMPP level, counted in stanzas:
//!
//! ```text
//! server                                client
//!   <message/> #1  ─────────────────►
//!   <message/> #2  ─────────────────►
//!   <r/>           ─────────────────►   "how many have you handled?"
//!                  ◄─────────────────   <a h='2'/>   #1 and #2 may be forgotten
//! ```
//!
//! Each side keeps one number for what it *received*, `h`, and a queue of
//! what it *sent* and may have to send again — the same state on both
//! sides, so both use this file: [`StreamManagement::handled`] counts the
//! peer's stanzas, [`StreamManagement::sent`] queues ours,
//! [`StreamManagement::ack`] drops what the peer says it handled. The
//! server keeps one per client stream (`server/c2s.rs`), the client one
//! for its session (`client.rs`). Counts are `u32` and wrap from
//! 2^32 − 1 to 0, exactly as § 4 says, so arithmetic on them is always
//! `wrapping_*`.
//!
//! The queue is bounded ([`MAX_UNACKED_STANZAS`], [`MAX_UNACKED_BYTES`]):
//! each side asks for an ack (`<r/>`) whenever stanzas are waiting and
//! none is asked for yet, so a peer that answers keeps the queue down to
//! one round trip's worth; a client that never answers reaches the bound
//! and is cut off (`server/c2s.rs`), rather than growing the server's
//! memory.
//!
//! Nothing here does input or output: `server/c2s.rs` and `client.rs`
//! read and write the `<r/>`, `<a/>`, `<enable/>`, `<resume/>` elements,
//! `server/resume.rs` keeps a session whose connection died. Read next:
//! `server/resume.rs`.
//!
//! Book: `book/src/lesson-09.md`. Run: `netlab xmpp server --trace`.
//!
//! [XEP-0198]: https://xmpp.org/extensions/xep-0198.html

use std::collections::VecDeque;
use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::ns;

/// The most stanzas sent and not yet acknowledged before the client is
/// cut off. With an `<r/>` outstanding whenever anything waits, a client
/// that answers never comes near it.
pub const MAX_UNACKED_STANZAS: usize = 1000;

/// The most bytes of stanzas sent and not yet acknowledged: below the
/// mailbox's own bound ([`super::server::router::MAX_QUEUED_BYTES`]), so the
/// queue kept for resumption never holds more than the server would queue
/// for a slow reader anyway.
pub const MAX_UNACKED_BYTES: usize = 2 * 1024 * 1024;

/// One stream's stream management state, from `<enable/>` on.
#[derive(Debug, Default)]
pub struct StreamManagement {
    /// The resumption id given in `<enabled id=''/>`, if the client asked
    /// for resumption and got it.
    pub id: Option<String>,
    /// Stanzas handled from the client, modulo 2^32: the `h` of our `<a/>`.
    inbound: u32,
    /// Stanzas the client has acknowledged, modulo 2^32: the `h` of its
    /// last `<a/>`.
    acked: u32,
    /// Stanzas sent and not yet acknowledged, oldest first.
    queue: VecDeque<Arc<str>>,
    /// Their size in bytes.
    queued_bytes: usize,
    /// Whether an `<r/>` is out and its `<a/>` not yet back.
    requested: bool,
}

/// Why the client's `<a/>` or `<resume/>` cannot be right.
#[derive(Debug, PartialEq, Eq)]
pub struct CountTooHigh {
    /// The `h` the client sent.
    pub h: u32,
    /// How many stanzas the server has sent (modulo 2^32).
    pub sent: u32,
}

impl std::fmt::Display for CountTooHigh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the other side acknowledged {} stanzas but only {} were sent \
             (XEP-0198 § 4)",
            self.h, self.sent
        )
    }
}

impl CountTooHigh {
    /// The stream error's application condition (XEP-0198 § 4, Example
    /// 11): `<handled-count-too-high h='' send-count=''/>`.
    pub fn element(&self) -> Element {
        Element::new("handled-count-too-high", Some(ns::SM))
            .with_attr("xmlns", ns::SM)
            .with_attr("h", self.h.to_string())
            .with_attr("send-count", self.sent.to_string())
    }
}

/// The queue is over its bound: the client does not acknowledge.
#[derive(Debug, PartialEq, Eq)]
pub struct QueueFull {
    /// Stanzas waiting.
    pub stanzas: usize,
    /// Their bytes.
    pub bytes: usize,
}

impl std::fmt::Display for QueueFull {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} stanzas ({} bytes) sent and never acknowledged; the limit \
             is {MAX_UNACKED_STANZAS} stanzas or {MAX_UNACKED_BYTES} bytes: \
             answer <r/> with <a/> (XEP-0198 § 4)",
            self.stanzas, self.bytes
        )
    }
}

impl StreamManagement {
    /// Stream management just enabled: every count starts at zero
    /// (XEP-0198 § 4: "the value of 'h' starts at zero at the point stream
    /// management is enabled").
    pub fn new(id: Option<String>) -> StreamManagement {
        StreamManagement {
            id,
            ..StreamManagement::default()
        }
    }

    /// One more stanza from the client handled. § 4: past 2^32 − 1 the
    /// count goes back to zero "rather than being incremented to 2^32".
    pub fn handled(&mut self) {
        self.inbound = self.inbound.wrapping_add(1);
    }

    /// Stanzas handled from the client: the `h` we report.
    pub fn inbound(&self) -> u32 {
        self.inbound
    }

    /// Stanzas sent so far, modulo 2^32: the acknowledged ones plus the
    /// queue. Kept as a sum rather than a second counter, so the two can
    /// never disagree.
    pub fn sent_count(&self) -> u32 {
        // The queue is bounded far below 2^32: the cast loses nothing.
        self.acked.wrapping_add(self.queue.len() as u32)
    }

    /// A stanza is being sent: keep it until acknowledged. `Err` once the
    /// queue is over its bound.
    pub fn sent(&mut self, xml: Arc<str>) -> Result<(), QueueFull> {
        self.queued_bytes += xml.len();
        self.queue.push_back(xml);
        if self.queue.len() > MAX_UNACKED_STANZAS
            || self.queued_bytes > MAX_UNACKED_BYTES
        {
            return Err(QueueFull {
                stanzas: self.queue.len(),
                bytes: self.queued_bytes,
            });
        }
        Ok(())
    }

    // ANCHOR: ack
    /// The client handled `h` stanzas in all (an `<a h=''/>`, or the `h`
    /// of `<resume/>`): forget those, keep the rest. Returns how many were
    /// forgotten. § 4: `h` counts from the start, so the newly
    /// acknowledged are `h − last h`, modulo 2^32.
    pub fn ack(&mut self, h: u32) -> Result<usize, CountTooHigh> {
        self.requested = false;
        let newly = h.wrapping_sub(self.acked) as usize;
        if newly > self.queue.len() {
            return Err(CountTooHigh {
                h,
                sent: self.sent_count(),
            });
        }
        for xml in self.queue.drain(..newly) {
            self.queued_bytes -= xml.len();
        }
        self.acked = h;
        Ok(newly)
    }
    // ANCHOR_END: ack

    /// Whether to send an `<r/>` now: stanzas are waiting and no request
    /// is out. Marks it as out.
    pub fn should_request(&mut self) -> bool {
        if self.requested || self.queue.is_empty() {
            return false;
        }
        self.requested = true;
        true
    }

    /// The stanzas sent and not acknowledged, oldest first: sent again on
    /// resumption, where they stay queued.
    pub fn unacked(&self) -> impl Iterator<Item = &Arc<str>> {
        self.queue.iter()
    }

    /// Their size in bytes.
    pub fn unacked_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// How many stanzas wait for an acknowledgement.
    pub fn unacked_len(&self) -> usize {
        self.queue.len()
    }

    /// Takes the unacknowledged stanzas out, for the session's end: they
    /// go wherever an undelivered stanza goes.
    pub fn take_unacked(&mut self) -> Vec<Arc<str>> {
        self.queued_bytes = 0;
        self.queue.drain(..).collect()
    }
}

/// `<r xmlns='urn:xmpp:sm:3'/>`: "how many have you handled?" (§ 4).
pub fn request() -> Element {
    Element::new("r", Some(ns::SM)).with_attr("xmlns", ns::SM)
}

/// `<a xmlns='urn:xmpp:sm:3' h=''/>`: "I have handled `h`" (§ 4).
pub fn answer(h: u32) -> Element {
    Element::new("a", Some(ns::SM))
        .with_attr("xmlns", ns::SM)
        .with_attr("h", h.to_string())
}

/// `<enable xmlns='urn:xmpp:sm:3' resume='true'/>`: the client asks for
/// stream management, and to be allowed to resume (§ 3, § 5).
pub fn enable() -> Element {
    Element::new("enable", Some(ns::SM))
        .with_attr("xmlns", ns::SM)
        .with_attr("resume", "true")
}

/// `<resume xmlns='urn:xmpp:sm:3' previd='' h=''/>`: the client, on a new
/// connection, takes over session `previd`, having handled `h` of the
/// server's stanzas (§ 5).
pub fn resume(previd: &str, h: u32) -> Element {
    Element::new("resume", Some(ns::SM))
        .with_attr("xmlns", ns::SM)
        .with_attr("previd", previd)
        .with_attr("h", h.to_string())
}

/// Whether `element` is a stanza of a client stream, the only thing
/// stream management counts (§ 4: "stanzas", not `<r/>`, `<a/>` or other
/// stream-level elements). An element built to be sent may have no
/// namespace written: it takes the stream's, `jabber:client`.
pub fn counts(element: &Element) -> bool {
    matches!(element.local_name(), "message" | "presence" | "iq")
        && matches!(element.ns.as_deref(), None | Some(ns::CLIENT))
}

/// `<failed/>` with a stanza error condition (XEP-0198 § 6), and the `h`
/// the server had handled when there was one to report (§ 5).
pub fn failed(condition: &str, h: Option<u32>) -> Element {
    let mut failed =
        Element::new("failed", Some(ns::SM)).with_attr("xmlns", ns::SM);
    if let Some(h) = h {
        failed = failed.with_attr("h", h.to_string());
    }
    failed.with_child(
        Element::new(condition, Some(ns::STANZAS))
            .with_attr("xmlns", ns::STANZAS),
    )
}

/// The `h` attribute of an `<a/>` or `<resume/>`: an `xs:unsignedInt`
/// (§ 9, the schema), so anything else is not a count.
pub fn parse_h(element: &Element) -> Option<u32> {
    element.attr("h")?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stanza(n: usize) -> Arc<str> {
        format!("<message id='{n}'/>").into()
    }

    #[test]
    fn an_ack_forgets_what_it_covers_and_keeps_the_rest() {
        let mut sm = StreamManagement::new(None);
        for n in 0..5 {
            sm.sent(stanza(n)).expect("far below the bound");
        }
        assert_eq!(sm.ack(2), Ok(2));
        let left: Vec<_> = sm.unacked().map(|s| s.to_string()).collect();
        assert_eq!(
            left,
            [
                "<message id='2'/>",
                "<message id='3'/>",
                "<message id='4'/>"
            ]
        );
        // The same h again acknowledges nothing new.
        assert_eq!(sm.ack(2), Ok(0));
        assert_eq!(sm.ack(5), Ok(3));
        assert_eq!(sm.unacked_len(), 0);
        assert_eq!(sm.sent_count(), 5);
    }

    #[test]
    fn counts_wrap_at_two_to_the_32() {
        let mut sm = StreamManagement::new(None);
        sm.inbound = u32::MAX;
        sm.handled();
        assert_eq!(sm.inbound(), 0, "§ 4: reset to zero, not 2^32");
        // The client's h wraps too: 2^32 − 2 acknowledged so far, three
        // more sent, and the client reports h = 1 (2^32 − 2 + 3, wrapped).
        sm.acked = u32::MAX - 1;
        for n in 0..3 {
            sm.sent(stanza(n)).expect("far below the bound");
        }
        assert_eq!(sm.sent_count(), 1);
        assert_eq!(sm.ack(1), Ok(3));
        assert_eq!(sm.unacked_len(), 0);
    }

    #[test]
    fn an_ack_for_more_than_was_sent_is_refused() {
        let mut sm = StreamManagement::new(None);
        sm.sent(stanza(0)).expect("far below the bound");
        let err = sm.ack(2).expect_err("only one was sent");
        assert_eq!(err, CountTooHigh { h: 2, sent: 1 });
        let xml = err.element().to_xml();
        assert!(xml.contains("h=\"2\"") && xml.contains("send-count=\"1\""));
        // Nothing was forgotten.
        assert_eq!(sm.unacked_len(), 1);
    }

    #[test]
    fn the_queue_is_bounded_in_stanzas_and_in_bytes() {
        let mut sm = StreamManagement::new(None);
        for n in 0..MAX_UNACKED_STANZAS {
            sm.sent(stanza(n)).expect("up to the bound");
        }
        let full = sm.sent(stanza(0)).expect_err("one over");
        assert_eq!(full.stanzas, MAX_UNACKED_STANZAS + 1);
        let mut sm = StreamManagement::new(None);
        let big: Arc<str> = "x".repeat(MAX_UNACKED_BYTES / 2).into();
        sm.sent(Arc::clone(&big)).expect("half");
        sm.sent(Arc::clone(&big)).expect("all");
        assert!(sm.sent(stanza(0)).is_err(), "over by a few bytes");
        // Acknowledging frees the space.
        sm.ack(3).expect("three were sent");
        assert!(sm.sent(stanza(1)).is_ok());
    }

    #[test]
    fn one_request_at_a_time_and_only_when_something_waits() {
        let mut sm = StreamManagement::new(None);
        assert!(!sm.should_request(), "nothing sent");
        sm.sent(stanza(0)).expect("far below the bound");
        assert!(sm.should_request());
        sm.sent(stanza(1)).expect("far below the bound");
        assert!(!sm.should_request(), "one is out already");
        sm.ack(1).expect("one of two");
        assert!(sm.should_request(), "the second still waits");
        sm.ack(2).expect("both");
        assert!(!sm.should_request());
    }

    #[test]
    fn h_must_be_an_unsigned_32_bit_number() {
        let parse = |h: &str| parse_h(&request().with_attr("h", h));
        assert_eq!(parse("4294967295"), Some(u32::MAX));
        assert_eq!(parse("4294967296"), None);
        assert_eq!(parse("-1"), None);
        assert_eq!(parse("x"), None);
    }
}
