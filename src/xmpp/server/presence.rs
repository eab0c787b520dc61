//! Presence: who is online, told to those allowed to know
//! (RFC 6121 § 4), and the delivery of subscription stanzas (RFC 6121 § 3).
//!
//! From a client of ours:
//! - Initial presence (§ 4.2): the first `<presence/>` without `to` makes
//!   the resource available. The server broadcasts it to every contact
//!   with a `from` or `both` subscription and to the user's own resources,
//!   and *probes* (§ 4.3) the contacts the user may see: an account of ours
//!   is answered at once from the router; a component is sent a
//!   `<presence type='probe'/>` and answers for itself. Then it hands over
//!   subscription requests and messages that waited while the user was
//!   offline.
//! - Presence broadcast (§ 4.4): later changes go to the same audience.
//! - Unavailable (§ 4.5): the same audience, plus everyone who received
//!   directed presence; also sent for the client when its connection ends.
//! - Directed presence (§ 4.6): a `<presence to='…'/>` goes to that one
//!   entity only.
//!
//! From a peer (a component, or another server): presence addressed to one
//! of our users (its users coming and going), subscription stanzas, and
//! probes, which this server answers for its user if the peer's user may
//! see ours.
//!
//! `subscribe`, `subscribed`, `unsubscribe`, `unsubscribed` go through
//! [`subscription_stanza`]: the sender's side of the state machine if the
//! sender is ours, the recipient's side if the recipient is ours
//! (`subscription.rs`), delivery in between ([`route`]).
//!
//! Read before: `subscription.rs`, `route.rs`. Read next: `iq.rs`.

use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{Presence, PresenceType};

use super::Shared;
use super::message;
use super::reply::Replies;
use super::route::{self, Destination};
use super::session::{Session, set_attr};
use super::subscription::{self, Kind};

/// The most directed-presence recipients remembered per session.
const MAX_DIRECTED: usize = 1000;

/// The subscription kind of a presence type, if it is one.
fn subscription_kind(kind: PresenceType) -> Option<Kind> {
    match kind {
        PresenceType::Subscribe => Some(Kind::Subscribe),
        PresenceType::Subscribed => Some(Kind::Subscribed),
        PresenceType::Unsubscribe => Some(Kind::Unsubscribe),
        PresenceType::Unsubscribed => Some(Kind::Unsubscribed),
        _ => None,
    }
}

/// Handles a presence stanza from a bound client.
pub fn from_client(
    shared: &Shared,
    session: &mut Session,
    out: &mut Replies,
    element: Element,
    presence: Presence,
) {
    if let Some(kind) = subscription_kind(presence.kind) {
        // § 3.1.2: subscription stanzas are about bare JIDs, and a
        // subscription request needs a target.
        if let Some(to) = presence.common.to.as_ref().map(Jid::bare) {
            subscription_stanza(shared, &session.bare(), &to, kind);
        }
        return;
    }
    match (&presence.common.to, presence.kind) {
        // A probe from a client is the server's business (§ 4.3): ignore.
        (_, PresenceType::Probe) => {}
        (None, PresenceType::Available) => broadcast_available(
            shared,
            session,
            out,
            element,
            presence.priority,
        ),
        (None, PresenceType::Unavailable) => {
            broadcast_unavailable(shared, session, Some(element))
        }
        (None, _) => {}
        (Some(to), kind) => {
            let to = to.clone();
            // Remembered so they hear when we leave; capped, so a client
            // cannot make the server keep an endless list.
            if kind == PresenceType::Available
                && session.directed.len() < MAX_DIRECTED
            {
                session.directed.insert(to.clone());
            } else if kind == PresenceType::Unavailable {
                session.directed.remove(&to);
            }
            deliver(shared, &to, &element);
        }
    }
}

/// Handles a presence stanza from a peer (a component or another
/// server), `from` already checked by its stream and `to` present.
pub fn from_peer(shared: &Shared, element: Element, presence: Presence) {
    let (Some(from), Some(to)) = (&presence.common.from, &presence.common.to)
    else {
        return;
    };
    if let Some(kind) = subscription_kind(presence.kind) {
        subscription_stanza(shared, &from.bare(), &to.bare(), kind);
        return;
    }
    if presence.kind == PresenceType::Probe {
        if let Some(user) = route::account(shared, to) {
            answer_probe(shared, user, &to.bare(), from);
        }
        return;
    }
    deliver(shared, to, &element);
}

/// Delivers a presence stanza: to one resource of ours if the JID is full,
/// to every available resource if bare (RFC 6121 § 4.6.3, § 8.5.2.1.2);
/// to a component as it is. Presence for another domain is dropped: it
/// needs federation (lesson 5), and presence errors help nobody.
fn deliver(shared: &Shared, to: &Jid, element: &Element) {
    match route::decide(shared, to) {
        Destination::Account { user, resource } => {
            let xml: Arc<str> = element.to_xml().into();
            match resource {
                Some(resource) => {
                    if let Some(mailbox) = shared.router.mailbox(user, resource)
                    {
                        mailbox.send_xml(xml);
                    }
                }
                None => {
                    for resource in shared.router.resources(user) {
                        if resource.presence.is_some() {
                            resource.mailbox.send_xml(Arc::clone(&xml));
                        }
                    }
                }
            }
        }
        destination @ (Destination::Component(_) | Destination::Remote(_)) => {
            let _ = route::forward(shared, destination, element);
        }
        Destination::Server => {}
    }
}

/// Initial presence or an update (§ 4.2, § 4.4).
fn broadcast_available(
    shared: &Shared,
    session: &mut Session,
    out: &mut Replies,
    element: Element,
    priority: i8,
) {
    let initial = !session.available;
    session.available = true;
    let resource = session.jid.resource().unwrap_or_default().to_owned();
    // Available before or after any message being stored, never during:
    // one stored before is read below, one after finds us online.
    let storing = shared
        .going_offline
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    shared.router.set_presence(
        &session.user,
        &resource,
        session.conn,
        Some((priority, Arc::new(element.clone()))),
    );
    drop(storing);
    let (watchers, watched) = subscription::audiences(shared, &session.user);
    // To the contacts allowed to see it, and to our own resources
    // (§ 4.2.2: including the one that sent it).
    for watcher in watchers.iter().chain(std::iter::once(&session.bare())) {
        let mut copy = element.clone();
        set_attr(&mut copy, "to", &watcher.to_string());
        deliver(shared, watcher, &copy);
    }
    if initial {
        // The probe (§ 4.3): our accounts answered at once from the
        // router, others asked.
        let own = session.bare();
        for contact in watched.iter().chain(std::iter::once(&own)) {
            let Some(user) = route::account(shared, contact) else {
                let probe = Element::new("presence", None)
                    .with_attr("from", own.to_string())
                    .with_attr("to", contact.to_string())
                    .with_attr("type", "probe");
                deliver(shared, contact, &probe);
                continue;
            };
            for other in shared.router.resources(user) {
                if other.resource == resource && user == session.user {
                    continue;
                }
                if let Some(presence) = &other.presence {
                    let mut copy = (**presence).clone();
                    set_attr(&mut copy, "to", &session.jid.to_string());
                    out.send(&copy);
                }
            }
        }
        // § 3.1.3: requests that arrived while offline.
        if let Ok(requests) = shared.store.subscription_requests(&session.user)
        {
            for (_, xml) in requests {
                out.send_xml(xml.into());
            }
        }
        // § 8.5.2.2.1: stored messages, to a non-negative priority.
        if priority >= 0 {
            message::deliver_offline(shared, session, out);
        }
    }
}

/// Unavailable presence (§ 4.5.2): to watchers, own resources and
/// directed-presence recipients. `element` is `None` when the connection
/// ended without saying goodbye; the server then writes one.
pub fn broadcast_unavailable(
    shared: &Shared,
    session: &mut Session,
    element: Option<Element>,
) {
    let was_available = session.available;
    session.available = false;
    let resource = session.jid.resource().unwrap_or_default().to_owned();
    shared
        .router
        .set_presence(&session.user, &resource, session.conn, None);
    let element = element.unwrap_or_else(|| {
        Element::new("presence", None)
            .with_attr("from", session.jid.to_string())
            .with_attr("type", "unavailable")
    });
    let mut audience: Vec<Jid> = Vec::new();
    if was_available {
        let (watchers, _) = subscription::audiences(shared, &session.user);
        audience.extend(watchers);
        audience.push(session.bare());
    }
    audience.extend(session.directed.drain());
    for to in audience {
        let mut copy = element.clone();
        set_attr(&mut copy, "to", &to.to_string());
        deliver(shared, &to, &copy);
    }
}

/// A subscription stanza from `from` about `to` (both bare JIDs): the
/// sender's side if the sender is ours, delivery, the recipient's side if
/// the recipient is ours, and the presence that follows.
pub fn subscription_stanza(shared: &Shared, from: &Jid, to: &Jid, kind: Kind) {
    // Both rosters are read, changed and written: one change at a time,
    // or two requests crossing each other could lose an `ask`.
    let _one_at_a_time = shared
        .subscriptions
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let mut after = None;
    if let Some(user) = route::account(shared, from) {
        let next = subscription::outbound(shared, user, to, kind);
        if !next.route {
            return;
        }
        after = Some((user, next));
    }
    arrive(shared, from, to, kind);
    // After the stanza, so that the contact's roster already says what
    // the presence means (§ 3.1.5, § 3.2.2).
    if let Some((user, next)) = after {
        if next.share {
            share_presence(shared, user, to);
        }
        if next.withdraw {
            withdraw_presence(shared, user, from, to);
        }
    }
}

/// The recipient's side of a subscription stanza.
fn arrive(shared: &Shared, from: &Jid, to: &Jid, kind: Kind) {
    let stanza = |kind: Kind, from: &Jid, to: &Jid| {
        Element::new("presence", None)
            .with_attr("from", from.to_string())
            .with_attr("to", to.to_string())
            .with_attr("type", kind.as_str())
    };
    let element = stanza(kind, from, to);
    let Some(contact) = route::account(shared, to) else {
        // A component (or another server) keeps its own side.
        deliver(shared, to, &element);
        return;
    };
    let next = subscription::inbound(shared, contact, from, kind, &element);
    if next.deliver {
        deliver(shared, to, &element);
    }
    if next.approve {
        // Answered on the contact's behalf: the answer arrives at the
        // sender's side like any other.
        arrive(shared, to, from, Kind::Subscribed);
        share_presence(shared, contact, from);
    }
    if next.withdraw {
        withdraw_presence(shared, contact, to, from);
    }
}

/// Sends `user`'s current presence (each available resource's) to `whom`.
fn share_presence(shared: &Shared, user: &str, whom: &Jid) {
    for resource in shared.router.resources(user) {
        if let Some(presence) = &resource.presence {
            let mut copy = (**presence).clone();
            set_attr(&mut copy, "to", &whom.to_string());
            deliver(shared, whom, &copy);
        }
    }
}

/// Tells `whom` that `user`'s available resources are gone for them.
fn withdraw_presence(shared: &Shared, user: &str, user_jid: &Jid, whom: &Jid) {
    for resource in shared.router.resources(user) {
        if resource.presence.is_some() {
            let gone = Element::new("presence", None)
                .with_attr("from", format!("{user_jid}/{}", resource.resource))
                .with_attr("to", whom.to_string())
                .with_attr("type", "unavailable");
            deliver(shared, whom, &gone);
        }
    }
}

/// A probe from `prober` for our `user` (RFC 6121 § 4.3.2): the user's
/// available presence if the prober may see it, `unavailable` if the
/// user is offline, `unsubscribed` if the prober may not see it.
fn answer_probe(shared: &Shared, user: &str, user_jid: &Jid, prober: &Jid) {
    let reply = |kind: &str| {
        Element::new("presence", None)
            .with_attr("from", user_jid.to_string())
            .with_attr("to", prober.to_string())
            .with_attr("type", kind)
    };
    if !subscription::may_see(shared, user, prober) {
        deliver(shared, prober, &reply("unsubscribed"));
        return;
    }
    let online = shared
        .router
        .resources(user)
        .iter()
        .any(|r| r.presence.is_some());
    if online {
        share_presence(shared, user, prober);
    } else {
        deliver(shared, prober, &reply("unavailable"));
    }
}
