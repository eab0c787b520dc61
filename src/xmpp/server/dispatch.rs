//! Stanzas from a client of ours, once bound (RFC 6120 § 8, § 10).
//!
//! Every complete stanza a bound client sends comes to [`from_client`].
//! The rules that apply to all three kinds from a client live here:
//!
//! - the server stamps `from` with the sender's full JID, whatever the
//!   client wrote (RFC 6120 § 8.1.2.1: a client cannot speak for someone
//!   else);
//! - a stanza that breaks the rules gets an error reply, and an error is
//!   never answered with an error (§ 8.3.1);
//! - then the stanza goes to the handler of its kind, which asks
//!   `route.rs` where it is addressed.
//!
//! Handlers are plain functions, not `async`: they look things up in the
//! router and the store, queue XML for this client in a [`Replies`] and for
//! others in their mailboxes, and return. The connection task does the
//! writing. `peer.rs` is the same door for components and other servers.
//!
//! Read before: `session.rs`. Read next: `route.rs`.

use crate::xmpp::framing::Element;
use crate::xmpp::stanza::{ErrorType, Message, Stanza};

use super::Shared;
use super::reply::{Flow, Replies, refuse};
use super::session::{Session, set_attr};
use super::{iq, message, presence};

/// Handles one stanza from the client; replies for it go to `out`.
pub fn from_client(
    session: &mut Session,
    shared: &Shared,
    out: &mut Replies,
    mut element: Element,
) -> Flow {
    // Stamp `from` before anything else reads the stanza — unless the
    // stanza is already at the attribute limit, where one more would
    // make it unreadable to the recipient's parser.
    if element.attr("from").is_none()
        && element.attributes.len() >= shared.config.limits.max_attributes
    {
        out.error(&element, "policy-violation", ErrorType::Modify);
        return Flow::Continue;
    }
    set_attr(&mut element, "from", &session.jid_text);
    // Messages, the bulk of the traffic, are routed on their envelope
    // alone: no copy of the element, no typed children.
    if element.local_name() == "message" {
        let (common, kind) = match Message::envelope(&element) {
            Ok(envelope) => envelope,
            Err(err) => return refuse(out, &element, &err),
        };
        // RFC 6120 § 10.3.1: no `to` means the sender's own bare JID.
        let to = common.to.unwrap_or_else(|| session.bare());
        message::handle(shared, out, element, &to, kind);
        return Flow::Continue;
    }
    let stanza = match Stanza::try_from(element.clone()) {
        Ok(stanza) => stanza,
        Err(err) => return refuse(out, &element, &err),
    };
    match stanza {
        Stanza::Message(m) => {
            let to = m.common.to.unwrap_or_else(|| session.bare());
            message::handle(shared, out, element, &to, m.kind)
        }
        Stanza::Presence(p) => {
            presence::from_client(shared, session, out, element, p)
        }
        Stanza::Iq(i) => iq::handle(shared, Some(session), out, element, i),
    }
    Flow::Continue
}
