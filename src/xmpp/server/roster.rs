//! The roster: the contact list the server keeps for each account
//! (RFC 6121 § 2).
//!
//! A client reads it (`get`), adds, renames or regroups a contact (`set`)
//! and removes one; every change is *pushed* to the account's other
//! resources that asked for the roster, so two devices agree. Each item
//! also carries a subscription state; the stanzas that change it are the
//! state machine of `subscription.rs`, which saves its changes through
//! [`save`] here.
//!
//! Read next: `subscription.rs`.

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{ErrorType, Iq, IqType};
use crate::xmpp::store::{RosterItem, Subscription};

use super::Shared;
use super::reply::Replies;
use super::session::Session;

/// Writes one item as `<item/>` (RFC 6121 § 2.1.2).
pub fn item_element(item: &RosterItem) -> Element {
    let mut element = Element::new("item", Some(ns::ROSTER))
        .with_attr("jid", item.jid.clone())
        .with_attr("subscription", item.subscription.as_str());
    if let Some(name) = &item.name {
        element = element.with_attr("name", name.clone());
    }
    if item.ask {
        element = element.with_attr("ask", "subscribe");
    }
    for group in &item.groups {
        element = element.with_child(
            Element::new("group", Some(ns::ROSTER)).with_text(group.clone()),
        );
    }
    element
}

/// What a roster change implies beyond the roster, for the caller to do
/// through `presence.rs`: removing an item cancels both subscriptions
/// first (RFC 6121 § 2.5.2), then deletes the item ([`delete`]).
#[derive(Debug, Default)]
pub struct Implied {
    /// Subscriptions to cancel for the user, in order: `true` for
    /// `unsubscribe` (stop seeing the contact), `false` for `unsubscribed`
    /// (stop the contact seeing the user).
    pub cancel: Vec<(Jid, bool)>,
    /// The contact whose item is to be deleted afterwards.
    pub delete: Option<Jid>,
}

/// Answers roster get and set (RFC 6121 § 2.1.3, § 2.1.5).
pub fn handle_iq(
    shared: &Shared,
    session: &Session,
    out: &mut Replies,
    element: &Element,
    iq: &Iq,
) -> Implied {
    let id = iq.common.id.clone().unwrap_or_default();
    match &iq.kind {
        IqType::Get(query) => {
            let (version, items) = match shared.store.roster(&session.user) {
                Ok(roster) => roster,
                Err(err) => {
                    out.store_failed(element, &err);
                    return Implied::default();
                }
            };
            shared.router.set_interested(
                &session.user,
                session.jid.resource().unwrap_or_default(),
                session.conn,
            );
            let mut reply = Element::new("iq", None)
                .with_attr("to", session.jid.to_string())
                .with_attr("id", id)
                .with_attr("type", "result");
            // § 2.6.3: the client already has this version: an empty
            // result, and pushes from here on.
            if query.attr("ver") != Some(&version.to_string()) {
                let mut result = Element::new("query", Some(ns::ROSTER))
                    .with_attr("xmlns", ns::ROSTER)
                    .with_attr("ver", version.to_string());
                for item in &items {
                    result = result.with_child(item_element(item));
                }
                reply = reply.with_child(result);
            }
            out.send(&reply);
            Implied::default()
        }
        IqType::Set(query) => set(shared, session, out, element, query, id),
        _ => Implied::default(),
    }
}

/// Roster set: add, update or remove one item (§ 2.1.5, § 2.5).
fn set(
    shared: &Shared,
    session: &Session,
    out: &mut Replies,
    element: &Element,
    query: &Element,
    id: String,
) -> Implied {
    let items: Vec<&Element> = query.elements().collect();
    // § 2.3.3: exactly one item, with a jid.
    let [item] = items[..] else {
        out.error(element, "bad-request", ErrorType::Modify);
        return Implied::default();
    };
    let Some(jid) = item.attr("jid").and_then(|j| Jid::parse(j).ok()) else {
        out.error(element, "bad-request", ErrorType::Modify);
        return Implied::default();
    };
    let jid = jid.bare();
    let mut implied = Implied::default();
    if item.attr("subscription") == Some("remove") {
        implied.cancel = cancellations(shared, &session.user, &jid);
        implied.delete = Some(jid);
    } else {
        let existing = shared
            .store
            .roster_item(&session.user, &jid.to_string())
            .ok()
            .flatten();
        // The client may set name and groups; the subscription state is
        // the server's (§ 2.1.5: subscription and ask are ignored).
        let mut groups: Vec<String> = item
            .elements()
            .filter(|g| g.local_name() == "group")
            .map(Element::text)
            .collect();
        groups.sort();
        groups.dedup();
        let updated = RosterItem {
            jid: jid.to_string(),
            name: item.attr("name").map(str::to_owned),
            groups,
            ..existing.unwrap_or_else(|| RosterItem {
                jid: jid.to_string(),
                name: None,
                subscription: Subscription::None,
                ask: false,
                pending_in: false,
                groups: Vec::new(),
            })
        };
        save(shared, &session.user, &updated);
    }
    let reply = Element::new("iq", None)
        .with_attr("to", session.jid.to_string())
        .with_attr("id", id)
        .with_attr("type", "result");
    out.send(&reply);
    implied
}

/// § 2.5.2: removing an item also cancels both subscriptions; the item
/// is deleted after the caller sent them (they read it first).
fn cancellations(
    shared: &Shared,
    user: &str,
    contact: &Jid,
) -> Vec<(Jid, bool)> {
    let mut implied = Vec::new();
    let item = shared
        .store
        .roster_item(user, &contact.to_string())
        .ok()
        .flatten();
    if let Some(item) = item {
        if matches!(item.subscription, Subscription::To | Subscription::Both)
            || item.ask
        {
            implied.push((contact.clone(), true));
        }
        if matches!(item.subscription, Subscription::From | Subscription::Both)
        {
            implied.push((contact.clone(), false));
        }
    }
    implied
}

/// Deletes an item after its subscriptions were cancelled, and pushes the
/// removal (§ 2.5.2).
pub fn delete(shared: &Shared, user: &str, contact: &Jid) {
    if let Ok(Some(version)) =
        shared.store.remove_roster_item(user, &contact.to_string())
    {
        let gone = Element::new("item", Some(ns::ROSTER))
            .with_attr("jid", contact.to_string())
            .with_attr("subscription", "remove");
        push(shared, user, version, gone);
    }
}

/// Stores an item and pushes it to the account's interested resources.
pub fn save(shared: &Shared, user: &str, item: &RosterItem) {
    match shared.store.put_roster_item(user, item) {
        Ok(version) => push(shared, user, version, item_element(item)),
        Err(err) => tracing::error!("store: {err}"),
    }
}

/// A roster push (§ 2.1.6): an iq set from the server to every resource
/// that asked for the roster, carrying the changed item.
fn push(shared: &Shared, user: &str, version: u64, item: Element) {
    let query = Element::new("query", Some(ns::ROSTER))
        .with_attr("xmlns", ns::ROSTER)
        .with_attr("ver", version.to_string())
        .with_child(item);
    for resource in shared.router.resources(user) {
        if !resource.interested {
            continue;
        }
        let iq = Element::new("iq", None)
            .with_attr(
                "to",
                format!(
                    "{user}@{}/{}",
                    shared.config.domain, resource.resource
                ),
            )
            .with_attr("id", format!("push-{}", super::random_id()))
            .with_attr("type", "set")
            .with_child(query.clone());
        resource.mailbox.send_xml(iq.to_xml().into());
    }
}
