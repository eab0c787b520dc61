//! The roster and presence subscriptions (RFC 6121 § 2 and § 3).
//!
//! A roster is the contact list the server keeps for an account. Each item
//! has a subscription state that says who sees whose presence:
//!
//! | state  | I see their presence | they see mine |
//! |--------|:--------------------:|:-------------:|
//! | none   |                      |               |
//! | to     | ✓                    |               |
//! | from   |                      | ✓             |
//! | both   | ✓                    | ✓             |
//!
//! plus two "pending" flags: `ask` (I asked them) and a stored request
//! (they asked me). The four subscription stanzas move both sides' items
//! through these states; the transitions below are those of RFC 6121
//! Appendix A, written for a server whose users are all local, so both
//! sides of each transition happen here, one after the other.

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{ErrorType, Iq, IqType};
use crate::xmpp::store::{RosterItem, Subscription};

use super::Shared;
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

/// Answers roster get and set (RFC 6121 § 2.1.3, § 2.1.5).
pub fn handle_iq(
    shared: &Shared,
    session: &mut Session,
    element: &Element,
    iq: &Iq,
) {
    let id = iq.common.id.clone().unwrap_or_default();
    match &iq.kind {
        IqType::Get(query) => {
            let (version, items) = match shared.store.roster(&session.user) {
                Ok(roster) => roster,
                Err(err) => {
                    session.store_failed(element, &err);
                    return;
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
            session.send(&reply);
        }
        IqType::Set(query) => set(shared, session, element, query, id),
        _ => {}
    }
}

/// Roster set: add, update or remove one item (§ 2.1.5, § 2.5).
fn set(
    shared: &Shared,
    session: &mut Session,
    element: &Element,
    query: &Element,
    id: String,
) {
    let items: Vec<&Element> = query.elements().collect();
    // § 2.3.3: exactly one item, with a jid.
    let [item] = items[..] else {
        session.error(element, "bad-request", ErrorType::Modify);
        return;
    };
    let Some(jid) = item.attr("jid").and_then(|j| Jid::parse(j).ok()) else {
        session.error(element, "bad-request", ErrorType::Modify);
        return;
    };
    let jid = jid.bare();
    if item.attr("subscription") == Some("remove") {
        remove(shared, session, &jid);
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
    session.send(&reply);
}

/// § 2.5.2: removing an item also cancels both subscriptions.
fn remove(shared: &Shared, session: &mut Session, contact: &Jid) {
    let user_jid = session.bare();
    let item = shared
        .store
        .roster_item(&session.user, &contact.to_string())
        .ok()
        .flatten();
    if let Some(item) = item {
        if matches!(item.subscription, Subscription::To | Subscription::Both)
            || item.ask
        {
            super::presence::apply_subscription(
                shared,
                &user_jid,
                contact,
                Kind::Unsubscribe,
            );
        }
        if matches!(item.subscription, Subscription::From | Subscription::Both)
        {
            super::presence::apply_subscription(
                shared,
                &user_jid,
                contact,
                Kind::Unsubscribed,
            );
        }
    }
    if let Ok(Some(version)) = shared
        .store
        .remove_roster_item(&session.user, &contact.to_string())
    {
        let gone = Element::new("item", Some(ns::ROSTER))
            .with_attr("jid", contact.to_string())
            .with_attr("subscription", "remove");
        push(shared, &session.user, version, gone);
    }
}

/// Stores an item and pushes it to the account's interested resources.
fn save(shared: &Shared, user: &str, item: &RosterItem) {
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

/// The four subscription stanzas (RFC 6121 § 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// "May I see your presence?" (§ 3.1)
    Subscribe,
    /// "Yes, you may." (§ 3.1.5)
    Subscribed,
    /// "I no longer want to see it." (§ 3.3)
    Unsubscribe,
    /// "You may no longer see it" or "no" (§ 3.2)
    Unsubscribed,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Subscribe => "subscribe",
            Kind::Subscribed => "subscribed",
            Kind::Unsubscribe => "unsubscribe",
            Kind::Unsubscribed => "unsubscribed",
        }
    }
}

/// What a subscription stanza changed, for the caller (presence.rs) to
/// act on: whether to deliver it, and presence to send because of it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The contact's side changed: deliver the stanza to the contact.
    pub deliver: bool,
    /// Someone may now see someone else's presence: (who, to whom).
    pub share_presence: Option<(Jid, Jid)>,
    /// Someone may no longer see it: send unavailable (from, to).
    pub withdraw_presence: Option<(Jid, Jid)>,
}

fn item_or_new(shared: &Shared, user: &str, jid: &Jid) -> RosterItem {
    shared
        .store
        .roster_item(user, &jid.to_string())
        .ok()
        .flatten()
        .unwrap_or_else(|| RosterItem {
            jid: jid.to_string(),
            name: None,
            subscription: Subscription::None,
            ask: false,
            pending_in: false,
            groups: Vec::new(),
        })
}

/// Applies a subscription stanza sent by `from` (a local bare JID) about
/// `to` (a local bare JID), to both rosters, as RFC 6121 Appendix A says.
pub fn subscription(
    shared: &Shared,
    from: &Jid,
    to: &Jid,
    kind: Kind,
) -> Outcome {
    let (Some(user), Some(contact)) = (from.local(), to.local()) else {
        return Outcome::default();
    };
    let mut outcome = Outcome::default();
    let mut mine = item_or_new(shared, user, to);
    let before_mine = mine.clone();
    let mut theirs = shared
        .store
        .roster_item(contact, &from.to_string())
        .ok()
        .flatten();
    let before_theirs = theirs.clone();
    use Subscription::{Both, From, None as Neither, To};
    match kind {
        // § 3.1.2: the user's item gets ask; § 3.1.3: the contact's
        // server delivers the request unless already approved.
        Kind::Subscribe => {
            if matches!(mine.subscription, Neither | From) {
                mine.ask = true;
            }
            match theirs.as_ref().map(|t| t.subscription) {
                // Already approved: the contact's server answers
                // "subscribed" on the contact's behalf (§ 3.1.3 rule 1).
                Some(From | Both) => {
                    mine.ask = false;
                    if mine.subscription == Neither {
                        mine.subscription = To;
                    } else if mine.subscription == From {
                        mine.subscription = Both;
                    }
                    outcome.share_presence = Some((to.clone(), from.clone()));
                }
                _ => {
                    if let Some(t) = theirs.as_mut() {
                        t.pending_in = true;
                    }
                    let request = Element::new("presence", None)
                        .with_attr("from", from.to_string())
                        .with_attr("to", to.to_string())
                        .with_attr("type", "subscribe");
                    let _ = shared.store.put_subscription_request(
                        contact,
                        &from.to_string(),
                        &request.to_xml(),
                    );
                    outcome.deliver = true;
                }
            }
        }
        // § 3.1.5: the contact (here `from`) approves the user (`to`).
        Kind::Subscribed => {
            let pending = shared
                .store
                .subscription_requests(user)
                .map(|rs| rs.iter().any(|(who, _)| who == &to.to_string()))
                .unwrap_or(false);
            let their_ask = theirs.as_ref().is_some_and(|t| t.ask);
            if pending || their_ask {
                mine.pending_in = false;
                mine.subscription = match mine.subscription {
                    Neither | From => From,
                    To | Both => Both,
                };
                let _ = shared
                    .store
                    .remove_subscription_request(user, &to.to_string());
                if let Some(t) = theirs.as_mut()
                    && t.ask
                {
                    t.ask = false;
                    t.subscription = match t.subscription {
                        Neither | To => To,
                        From | Both => Both,
                    };
                    outcome.deliver = true;
                }
                outcome.share_presence = Some((from.clone(), to.clone()));
            }
        }
        // § 3.3: the user stops seeing the contact.
        Kind::Unsubscribe => {
            mine.ask = false;
            mine.subscription = match mine.subscription {
                To | Neither => Neither,
                Both | From => From,
            };
            if let Some(t) = theirs.as_mut() {
                t.subscription = match t.subscription {
                    From | Neither => Neither,
                    Both | To => To,
                };
                t.pending_in = false;
                outcome.deliver = true;
            }
            let _ = shared
                .store
                .remove_subscription_request(contact, &from.to_string());
            // § 3.3.3: only someone who could see the presence is told
            // it is gone — otherwise a stranger's unsubscribe would reveal
            // who is online.
            if matches!(before_mine.subscription, To | Both) {
                outcome.withdraw_presence = Some((to.clone(), from.clone()));
            }
        }
        // § 3.2: the user (`from`) stops the contact seeing them, or
        // denies a request.
        Kind::Unsubscribed => {
            mine.pending_in = false;
            mine.subscription = match mine.subscription {
                From | Neither => Neither,
                Both | To => To,
            };
            let _ = shared
                .store
                .remove_subscription_request(user, &to.to_string());
            if let Some(t) = theirs.as_mut() {
                t.ask = false;
                t.subscription = match t.subscription {
                    To | Neither => Neither,
                    Both | From => From,
                };
                outcome.deliver = true;
            }
            if matches!(before_mine.subscription, From | Both) {
                outcome.withdraw_presence = Some((from.clone(), to.clone()));
            }
        }
    }
    // Only items that exist or matter are written: an unsubscribe from a
    // stranger must not create a roster item.
    let mine_matters = before_mine != mine
        && (shared
            .store
            .roster_item(user, &to.to_string())
            .ok()
            .flatten()
            .is_some()
            || mine.ask
            || mine.subscription != Neither);
    if mine_matters {
        save(shared, user, &mine);
    }
    if let Some(t) = theirs
        && Some(&t) != before_theirs.as_ref()
    {
        save(shared, contact, &t);
    }
    outcome
}

/// The account's contacts whose subscription lets them see our presence
/// (from, both), and those whose presence we may see (to, both).
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

/// The stanza type string, for presence.rs.
pub fn kind_name(kind: Kind) -> &'static str {
    kind.as_str()
}
