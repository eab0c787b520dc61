//! What a stanza handler writes back to the stanza's sender.
//!
//! A handler never writes to a socket. What it has for the sender (a
//! result, an error) goes into [`Replies`], which the sender's connection
//! task writes after the handler returns; what it has for someone else goes
//! into that someone's mailbox (`router.rs`). The sender may be a client
//! (`c2s.rs`) or a component (`component.rs`): handlers do not need to know
//! which.
//!
//! Read next: `route.rs`, which decides where everything else goes.

use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::stanza::{self, ErrorType, StanzaError};

/// XML queued for the sender of the stanza being handled.
#[derive(Debug, Default)]
pub struct Replies {
    /// Serialised elements, in order.
    pub out: Vec<Arc<str>>,
}

impl Replies {
    /// Queues an element.
    pub fn send(&mut self, element: &Element) {
        self.out.push(element.to_xml().into());
    }

    /// Queues XML that is already text (a stored subscription request).
    pub fn send_xml(&mut self, xml: Arc<str>) {
        self.out.push(xml);
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
