//! Stanzas from a peer rather than a client: a component (XEP-0114) or
//! another server (RFC 6120 § 10.4). The server does not stamp their
//! `from` (a peer speaks for many addresses); the stream they came on
//! checked it before they get here.
//!
//! From here they go where a client's stanza would: `route.rs` decides,
//! `message.rs`, `presence.rs` and `iq.rs` deliver. What the handlers have
//! to say back (errors, iq results) is returned for the caller to send
//! the way its stream sends: a component gets it on its own stream, a
//! server on our outgoing stream to it.
//!
//! Read before: `component.rs`, `s2s_in.rs`. Read next: `route.rs`.

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{Message, Stanza};

use super::reply::{Flow, Replies, refuse};
use super::{Shared, iq, message, presence};

/// Hands one checked stanza (already in `jabber:client`) to its handler.
pub fn handle(shared: &Shared, to: &Jid, element: Element) -> (Flow, Replies) {
    let mut replies = Replies::default();
    // Messages, the bulk of the traffic, are routed on their envelope
    // alone, as a client's are (dispatch.rs).
    if element.local_name() == "message" {
        let flow = match Message::envelope(&element) {
            Ok((_, kind)) => {
                message::handle(shared, &mut replies, element, to, kind);
                Flow::Continue
            }
            Err(err) => refuse(&mut replies, &element, &err),
        };
        return (flow, replies);
    }
    let flow = match Stanza::try_from(element.clone()) {
        Err(err) => refuse(&mut replies, &element, &err),
        Ok(Stanza::Message(m)) => {
            message::handle(shared, &mut replies, element, to, m.kind);
            Flow::Continue
        }
        Ok(Stanza::Presence(p)) => {
            presence::from_peer(shared, element, p);
            Flow::Continue
        }
        Ok(Stanza::Iq(i)) => {
            iq::handle(shared, None, &mut replies, element, i);
            Flow::Continue
        }
    };
    (flow, replies)
}
