//! What a stanza handler writes back to the stanza's sender.
//!
//! A handler never writes to a socket. What it has for the sender (a
//! result, an error) goes into [`Replies`], which the sender's connection
//! task writes after the handler returns; what it has for someone else goes
//! into that someone's mailbox (`router.rs`). The sender may be a client
//! (`c2s.rs`), a component (`component.rs`) or another server
//! (`s2s_in.rs`): handlers do not need to know which.
//!
//! Read next: `route.rs`, which decides where everything else goes.

use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::stanza::{self, ErrorType, StanzaError};

/// One thing for the sender.
#[derive(Debug)]
pub enum Reply {
    /// An element, written by the sender's stream in its own namespace.
    Element(Element),
    /// XML that is already text (a stored subscription request).
    Xml(Arc<str>),
}

/// What is queued for the sender of the stanza being handled, in order.
///
/// Kept as elements, not text: a client's stream writes them as they
/// are, a component's writes them in `jabber:component:accept`, and a
/// server's sends them on our outgoing stream to it — each without
/// reading back what another wrote.
#[derive(Debug, Default)]
pub struct Replies {
    /// The replies, in order.
    pub out: Vec<Reply>,
}

impl Replies {
    /// Queues an element.
    pub fn send(&mut self, element: &Element) {
        self.out.push(Reply::Element(element.clone()));
    }

    /// Queues XML that is already text (a stored subscription request).
    pub fn send_xml(&mut self, xml: Arc<str>) {
        self.out.push(Reply::Xml(xml));
    }

    /// The replies as text, for a client's stream (`jabber:client`, the
    /// namespace they were made in).
    pub fn into_xml(self) -> impl Iterator<Item = Arc<str>> {
        self.out.into_iter().map(|reply| match reply {
            Reply::Element(element) => element.to_xml().into(),
            Reply::Xml(xml) => xml,
        })
    }

    /// The replies as elements, for a peer's stream. Stored text is read
    /// back (this server wrote it, so it reads; it never happens on the
    /// paths peers take today, but must not be lost if it does).
    pub fn into_elements(self) -> impl Iterator<Item = Element> {
        self.out.into_iter().filter_map(|reply| match reply {
            Reply::Element(element) => Some(element),
            Reply::Xml(xml) => crate::xmpp::framing::parse_one(&xml).ok(),
        })
    }

    /// Queues the error reply to `original`: `from` and `to` swapped, the
    /// condition inside (RFC 6120 § 8.3). An error is never answered with
    /// an error (§ 8.3.1): `error_reply` returns nothing then.
    pub fn error(
        &mut self,
        original: &Element,
        condition: &'static str,
        kind: ErrorType,
    ) {
        if let Some(reply) = stanza::error_reply(original, condition, kind) {
            self.send(&reply);
        }
    }

    /// The database failed: logged for the operator, and the sender gets
    /// `internal-server-error` (retry later) rather than silence.
    pub fn store_failed(
        &mut self,
        original: &Element,
        err: &dyn std::fmt::Display,
    ) {
        tracing::error!("store: {err}");
        self.error(original, "internal-server-error", ErrorType::Wait);
    }
}

/// A stanza handler's verdict on the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// End the stream with this stream error condition.
    StreamError(&'static str, String),
}

/// Answers a stanza that failed to parse: a stanza error, or a stream
/// error when the RFC says the fault is the stream's.
pub fn refuse(out: &mut Replies, element: &Element, err: &StanzaError) -> Flow {
    if err.is_stream_error() {
        return Flow::StreamError(err.condition(), err.to_string());
    }
    let kind = match err.condition() {
        "bad-request" | "jid-malformed" => ErrorType::Modify,
        _ => ErrorType::Cancel,
    };
    out.error(element, err.condition(), kind);
    Flow::Continue
}
