//! Presence subscriptions: who may see whose presence, as a state machine
//! (RFC 6121 § 3 and the tables of its Appendix A).
//!
//! Each roster item has a subscription state that says who sees whose
//! presence:
//!
//! | state  | the user sees the contact | the contact sees the user |
//! |--------|:-------------------------:|:-------------------------:|
//! | none   |                           |                           |
//! | to     | ✓                         |                           |
//! | from   |                           | ✓                         |
//! | both   | ✓                         | ✓                         |
//!
//! plus two "pending" marks: `ask` (the user asked the contact: "pending
//! out") and a stored request (the contact asked the user: "pending in").
//!
//! Four stanzas move the states: `subscribe` ("may I see you?"),
//! `subscribed` ("yes"), `unsubscribe` ("I no longer want to"),
//! `unsubscribed` ("no", or "no longer"). Each is handled twice, once by
//! the sender's server and once by the recipient's, each changing only
//! its own user's roster item — Appendix A's "outbound" and "inbound"
//! tables, [`outbound`] and [`inbound`] here. When both users are ours,
//! this server plays both parts, one after the other; when the contact is
//! a component (or, in lesson 5, on another server), the other part is
//! theirs.
//!
//! This file only changes rosters and says what should happen next;
//! `presence.rs` delivers the stanzas and the presence that follow.
//!
//! Read before: `roster.rs`. Read next: `presence.rs`.
//!
//! [RFC 6121 § 3]: https://datatracker.ietf.org/doc/html/rfc6121#section-3

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::store::{RosterItem, Subscription};

use super::Shared;
use super::roster;

/// The four subscription stanzas (RFC 6121 § 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// "May I see your presence?" (§ 3.1)
    Subscribe,
    /// "Yes, you may." (§ 3.1.5)
    Subscribed,
    /// "I no longer want to see it." (§ 3.3)
    Unsubscribe,
    /// "You may no longer see it", or "no" to a request (§ 3.2)
    Unsubscribed,
}

impl Kind {
    /// The stanza's `type` attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Subscribe => "subscribe",
            Kind::Subscribed => "subscribed",
            Kind::Unsubscribe => "unsubscribe",
            Kind::Unsubscribed => "unsubscribed",
        }
    }
}

/// What the sender's server does after its user sent a subscription
/// stanza.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outbound {
    /// Route the stanza on to the contact.
    pub route: bool,
    /// The contact may now see the user: send the user's presence.
    pub share: bool,
    /// The contact may no longer see the user: send unavailable.
    pub withdraw: bool,
}

/// What the recipient's server does with a subscription stanza for its
/// user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inbound {
    /// Deliver the stanza to the user's available resources.
    pub deliver: bool,
    /// Already approved: answer `subscribed` on the user's behalf and send
    /// the user's presence (§ 3.1.3, rule 1).
    pub approve: bool,
    /// The sender may no longer see the user: send unavailable.
    pub withdraw: bool,
}

/// The user's item for `contact`, or a fresh one in state none.
fn item_or_new(shared: &Shared, user: &str, contact: &Jid) -> RosterItem {
    shared
        .store
        .roster_item(user, &contact.to_string())
        .ok()
        .flatten()
        .unwrap_or_else(|| RosterItem {
            jid: contact.to_string(),
            name: None,
            subscription: Subscription::None,
            ask: false,
            pending_in: false,
            groups: Vec::new(),
        })
}

/// Whether `user` has a stored request from `contact` (pending in).
fn pending_in(shared: &Shared, user: &str, contact: &Jid) -> bool {
    let contact = contact.to_string();
    shared
        .store
        .subscription_requests(user)
        .map(|requests| requests.iter().any(|(who, _)| *who == contact))
        .unwrap_or(false)
}

/// Writes an item that changed, pushing it to the user's resources —
/// unless it never existed and is still in state none: a stranger's
/// `unsubscribe` must not create a roster item.
fn save_if_changed(
    shared: &Shared,
    user: &str,
    before: &RosterItem,
    after: &RosterItem,
) {
    if before == after {
        return;
    }
    let existed = shared
        .store
        .roster_item(user, &after.jid)
        .ok()
        .flatten()
        .is_some();
    if existed || after.ask || after.subscription != Subscription::None {
        roster::save(shared, user, after);
    }
}

/// Appendix A.2 and A.3, outbound: `user` (ours) sent `kind` about
/// `contact` (a bare JID, anywhere).
pub fn outbound(
    shared: &Shared,
    user: &str,
    contact: &Jid,
    kind: Kind,
) -> Outbound {
    use Subscription::{Both, From, None as Neither, To};
    let before = item_or_new(shared, user, contact);
    let mut item = before.clone();
    let mut next = Outbound::default();
    match kind {
        // § 3.1.2: ask is set (unless already subscribed) and the request
        // always goes on: the contact's server decides.
        Kind::Subscribe => {
            if matches!(item.subscription, Neither | From) {
                item.ask = true;
            }
            next.route = true;
        }
        // § 3.1.5: approving a request that is pending; without one, the
        // stanza is not routed (Appendix A.3.1: "no state change").
        Kind::Subscribed => {
            if pending_in(shared, user, contact) || item.pending_in {
                item.pending_in = false;
                item.subscription = match item.subscription {
                    Neither | From => From,
                    To | Both => Both,
                };
                let _ = shared
                    .store
                    .remove_subscription_request(user, &contact.to_string());
                next.route = true;
                next.share = true;
            }
        }
        // § 3.3.2: the user stops seeing the contact.
        Kind::Unsubscribe => {
            item.ask = false;
            item.subscription = match item.subscription {
                To | Neither => Neither,
                Both | From => From,
            };
            next.route = true;
        }
        // § 3.2.2: the user stops the contact seeing them (or says no).
        Kind::Unsubscribed => {
            let had_request = pending_in(shared, user, contact);
            item.pending_in = false;
            item.subscription = match item.subscription {
                From | Neither => Neither,
                Both | To => To,
            };
            let _ = shared
                .store
                .remove_subscription_request(user, &contact.to_string());
            next.route = had_request
                || before.pending_in
                || matches!(before.subscription, From | Both);
            // § 3.2.2: only someone who could see the presence is told it
            // is gone — otherwise a stranger would learn who is online.
            next.withdraw = matches!(before.subscription, From | Both);
        }
    }
    save_if_changed(shared, user, &before, &item);
    next
}

/// Appendix A.2 and A.3, inbound: `from` (a bare JID, anywhere) sent
/// `kind` to `user` (ours). `request` is the stanza, kept when a request
/// has to wait for the user to log in (§ 3.1.3).
pub fn inbound(
    shared: &Shared,
    user: &str,
    from: &Jid,
    kind: Kind,
    request: &Element,
) -> Inbound {
    use Subscription::{Both, From, None as Neither, To};
    let existing = shared
        .store
        .roster_item(user, &from.to_string())
        .ok()
        .flatten();
    let before = existing
        .clone()
        .unwrap_or_else(|| item_or_new(shared, user, from));
    let mut item = before.clone();
    let mut next = Inbound::default();
    match kind {
        Kind::Subscribe => {
            if matches!(item.subscription, From | Both) {
                // § 3.1.3 rule 1: already approved.
                next.approve = true;
            } else {
                // Kept until the user answers, and shown again at each
                // login until then (§ 3.1.3 rule 2).
                if existing.is_some() {
                    item.pending_in = true;
                }
                let _ = shared.store.put_subscription_request(
                    user,
                    &from.to_string(),
                    &request.to_xml(),
                );
                next.deliver = true;
            }
        }
        // § 3.1.6: only an answer to our own request counts.
        Kind::Subscribed => {
            if item.ask {
                item.ask = false;
                item.subscription = match item.subscription {
                    Neither | To => To,
                    From | Both => Both,
                };
                next.deliver = true;
            }
        }
        // § 3.3.3: the contact no longer sees the user.
        Kind::Unsubscribe => {
            let had_request = pending_in(shared, user, from);
            item.pending_in = false;
            item.subscription = match item.subscription {
                From | Neither => Neither,
                Both | To => To,
            };
            let _ = shared
                .store
                .remove_subscription_request(user, &from.to_string());
            next.deliver = had_request || before != item;
            next.withdraw = matches!(before.subscription, From | Both);
        }
        // § 3.2.3: the user no longer sees the contact (or was refused).
        Kind::Unsubscribed => {
            item.ask = false;
            item.subscription = match item.subscription {
                To | Neither => Neither,
                Both | From => From,
            };
            next.deliver = before != item;
        }
    }
    if existing.is_some() || before != item {
        save_if_changed(shared, user, &before, &item);
    }
    next
}

/// The account's contacts whose subscription lets them see the user's
/// presence (from, both), and those whose presence the user may see (to,
/// both).
pub fn audiences(shared: &Shared, user: &str) -> (Vec<Jid>, Vec<Jid>) {
    let items = shared
        .store
        .roster(user)
        .map(|(_, items)| items)
        .unwrap_or_default();
    let mut watchers = Vec::new();
    let mut watched = Vec::new();
    for item in items {
        let Ok(jid) = Jid::parse(&item.jid) else {
            continue;
        };
        if matches!(item.subscription, Subscription::From | Subscription::Both)
        {
            watchers.push(jid.clone());
        }
        if matches!(item.subscription, Subscription::To | Subscription::Both) {
            watched.push(jid);
        }
    }
    (watchers, watched)
}

/// Whether `watcher` may see `user`'s presence (answers a probe, § 4.3.2).
pub fn may_see(shared: &Shared, user: &str, watcher: &Jid) -> bool {
    shared
        .store
        .roster_item(user, &watcher.bare().to_string())
        .ok()
        .flatten()
        .is_some_and(|item| {
            matches!(item.subscription, Subscription::From | Subscription::Both)
        })
}
