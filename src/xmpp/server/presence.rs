//! Presence: who is online, told to those allowed to know
//! (RFC 6121 § 4), and subscription requests (RFC 6121 § 3).
//!
//! - Initial presence (§ 4.2): the first `<presence/>` without `to` makes
//!   the resource available. The server broadcasts it to every contact
//!   with a `from` or `both` subscription and to the user's own resources,
//!   answers it with the current presence of every contact the user may see
//!   (`to`, `both` — the "probe" of § 4.3, done here by looking at the
//!   router, since every contact is local), then hands over subscription
//!   requests and messages that waited while the user was offline.
//! - Presence broadcast (§ 4.4): later changes go to the same audience.
//! - Unavailable (§ 4.5): the same audience, plus everyone who received
//!   directed presence; also sent for the client when its connection ends.
//! - Directed presence (§ 4.6): a `<presence to='…'/>` goes to that one
//!   entity only.
//! - `subscribe`, `subscribed`, `unsubscribe`, `unsubscribed` change
//!   rosters (roster.rs) and are delivered to the contact.

use std::sync::Arc;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::stanza::{Presence, PresenceType};

use super::Shared;
use super::message;
use super::roster::{self, Kind};
use super::session::{Session, local_user, set_attr};

/// The most directed-presence recipients remembered per session.
const MAX_DIRECTED: usize = 1000;

/// Handles a presence stanza from a bound client.
pub fn handle(
    shared: &Shared,
    session: &mut Session,
    element: Element,
    presence: Presence,
) {
    let kind = match presence.kind {
        PresenceType::Subscribe => Some(Kind::Subscribe),
        PresenceType::Subscribed => Some(Kind::Subscribed),
        PresenceType::Unsubscribe => Some(Kind::Unsubscribe),
        PresenceType::Unsubscribed => Some(Kind::Unsubscribed),
        _ => None,
    };
    if let Some(kind) = kind {
        // § 3.1.2: subscription stanzas are about bare JIDs, and a
        // subscription request needs a target.
        if let Some(to) = presence.common.to.as_ref().map(Jid::bare) {
            apply_subscription(shared, &session.bare(), &to, kind);
        }
        return;
    }
    match (&presence.common.to, presence.kind) {
        // A probe from a client is the server's business (§ 4.3): ignore.
        (_, PresenceType::Probe) => {}
        (None, PresenceType::Available) => {
            broadcast_available(shared, session, element, presence.priority)
        }
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

/// Delivers a presence stanza to a local JID: to that resource if full, to
/// every available resource if bare (§ 4.6.3, § 8.5.2.1.2 of RFC 6121).
fn deliver(shared: &Shared, to: &Jid, element: &Element) {
    let Some(user) = local_user(shared, to) else {
        return;
    };
    let xml: Arc<str> = element.to_xml().into();
    match to.resource() {
        Some(resource) => {
            if let Some(mailbox) = shared.router.mailbox(user, resource) {
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

/// Initial presence or an update (§ 4.2, § 4.4).
fn broadcast_available(
    shared: &Shared,
    session: &mut Session,
    element: Element,
    priority: i8,
) {
    let initial = !session.available;
    session.available = true;
    let resource = session.jid.resource().unwrap_or_default().to_owned();
    shared.router.set_presence(
        &session.user,
        &resource,
        session.conn,
        Some((priority, Arc::new(element.clone()))),
    );
    let (watchers, watched) = roster::audiences(shared, &session.user);
    // To the contacts allowed to see it, and to our own resources
    // (§ 4.2.2: including the one that sent it).
    for watcher in watchers.iter().chain(std::iter::once(&session.bare())) {
        let mut copy = element.clone();
        set_attr(&mut copy, "to", &watcher.to_string());
        deliver(shared, watcher, &copy);
    }
    if initial {
        // The probe (§ 4.3), answered at once from the router: the
        // contacts' current presence, and our other resources'.
        let own = session.bare();
        for contact in watched.iter().chain(std::iter::once(&own)) {
            let Some(user) = contact.local() else {
                continue;
            };
            for other in shared.router.resources(user) {
                if other.resource == resource && user == session.user {
                    continue;
                }
                if let Some(presence) = &other.presence {
                    let mut copy = (**presence).clone();
                    set_attr(&mut copy, "to", &session.jid.to_string());
                    session.send(&copy);
                }
            }
        }
        // § 3.1.3: requests that arrived while offline.
        if let Ok(requests) = shared.store.subscription_requests(&session.user)
        {
            for (_, xml) in requests {
                session.out.push(xml.into());
            }
        }
        // § 8.5.2.2.1: stored messages, to a non-negative priority.
        if priority >= 0 {
            message::deliver_offline(shared, session);
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
        let (watchers, _) = roster::audiences(shared, &session.user);
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

/// A subscription stanza from `from` about `to` (both bare): rosters
/// updated, the stanza delivered, presence shared or withdrawn.
pub fn apply_subscription(shared: &Shared, from: &Jid, to: &Jid, kind: Kind) {
    if local_user(shared, to).is_none() {
        return;
    }
    // Both rosters are read, changed and written: one change at a time,
    // or two requests crossing each other could lose an `ask`.
    let outcome = {
        let _one_at_a_time = shared
            .subscriptions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        roster::subscription(shared, from, to, kind)
    };
    let stanza = |kind: &str, from: &Jid, to: &Jid| {
        Element::new("presence", None)
            .with_attr("from", from.to_string())
            .with_attr("to", to.to_string())
            .with_attr("type", kind)
    };
    if outcome.deliver {
        deliver(shared, to, &stanza(roster::kind_name(kind), from, to));
    } else if kind == Kind::Subscribe && outcome.share_presence.is_some() {
        // Already approved: answered on the contact's behalf (§ 3.1.3).
        deliver(shared, from, &stanza("subscribed", to, from));
    }
    if let Some((who, whom)) = outcome.share_presence
        && let Some(user) = who.local()
    {
        for resource in shared.router.resources(user) {
            if let Some(presence) = &resource.presence {
                let mut copy = (**presence).clone();
                set_attr(&mut copy, "to", &whom.to_string());
                deliver(shared, &whom, &copy);
            }
        }
    }
    if let Some((who, whom)) = outcome.withdraw_presence
        && let Some(user) = who.local()
    {
        for resource in shared.router.resources(user) {
            if resource.presence.is_some() {
                let gone = Element::new("presence", None)
                    .with_attr("from", format!("{who}/{}", resource.resource))
                    .with_attr("to", whom.to_string())
                    .with_attr("type", "unavailable");
                deliver(shared, &whom, &gone);
            }
        }
    }
}
