//! `<iq/>`: requests the server answers itself, and requests it passes on
//! (RFC 6120 § 8.2.3, § 10.3, RFC 6121 § 8.5).
//!
//! The rule that makes iq reliable: every `get` or `set` gets exactly one
//! `result` or `error`. A request the server does not understand is
//! answered `service-unavailable` (RFC 6120 § 8.3.3.19), never silence,
//! because the sender is waiting for that one answer.
//!
//! Where an iq goes is `route.rs`'s decision: to a full JID of ours, the
//! resource; to a component or another domain, on (or an error back);
//! to the server, a bare JID of ours, or no `to`, the server answers
//! itself:
//!
//! | namespace                                  | what                                       |
//! |--------------------------------------------|--------------------------------------------|
//! | `jabber:iq:roster`                         | the user's roster (roster.rs)               |
//! | `http://jabber.org/protocol/disco#info`    | who the server is, what it supports (XEP-0030) |
//! | `http://jabber.org/protocol/disco#items`   | the server's items: its components (XEP-0030) |
//! | `urn:xmpp:ping`                            | "are you there?" (XEP-0199)                 |
//! | `vcard-temp`                               | a user's business card (XEP-0054)           |
//! | `jabber:iq:version`                        | the server's name and version (XEP-0092)    |
//! | `urn:ietf:params:xml:ns:xmpp-session`      | the legacy session request: an empty result |

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{ErrorType, Iq, IqType};

use super::Shared;
use super::presence;
use super::reply::Replies;
use super::roster;
use super::route::{self, Destination};
use super::session::{Session, parse_stored};
use super::subscription::Kind;

/// The features the server announces in disco#info, sorted.
const FEATURES: &[&str] = &[
    ns::DISCO_INFO,
    ns::DISCO_ITEMS,
    ns::ROSTER,
    ns::VERSION,
    "msgoffline",
    ns::PING,
    ns::DELAY,
    ns::ROSTERVER,
    ns::SESSION,
    ns::VCARD,
];

/// Handles an iq from a bound client (`session`) or from a component
/// (`None`). `from` is the sender as stamped or checked.
pub fn handle(
    shared: &Shared,
    session: Option<&Session>,
    out: &mut Replies,
    element: Element,
    iq: Iq,
) {
    let request = matches!(iq.kind, IqType::Get(_) | IqType::Set(_));
    let Some(to) = iq.common.to.clone() else {
        // No `to`: the server answers (for a client, on behalf of its
        // own account where that differs, as with the roster).
        serve(shared, session, out, &element, &iq, None);
        return;
    };
    match route::decide(shared, &to) {
        // To the server (§ 10.3).
        Destination::Server => serve(shared, session, out, &element, &iq, None),
        // To a bare JID: the server answers for the account
        // (RFC 6121 § 8.5.2.1.3).
        Destination::Account {
            user,
            resource: None,
        } => serve(shared, session, out, &element, &iq, Some(user)),
        // To a full JID: passed on if bound (§ 8.5.3.1).
        Destination::Account {
            user,
            resource: Some(resource),
        } => match shared.router.mailbox(user, resource) {
            // Every request gets one answer (§ 8.2.3): if the
            // recipient's queue is full, the answer is ours.
            Some(mailbox) => {
                let queued = mailbox.send_xml(element.to_xml().into());
                if !queued && request {
                    out.error(&element, "resource-constraint", ErrorType::Wait);
                }
            }
            None if request => {
                out.error(&element, "service-unavailable", ErrorType::Cancel)
            }
            None => {}
        },
        elsewhere => {
            if let Err((condition, kind)) =
                route::forward(shared, elsewhere, &element)
                && request
            {
                out.error(&element, condition, kind);
            }
        }
    }
}

/// A request that was sent to a client whose session ended before it
/// answered (stream management: never acknowledged): the sender still
/// gets its one answer, `service-unavailable`, as for a resource that is
/// not there (RFC 6121 § 8.5.3.2.1). A result or error is dropped.
pub fn bounce(shared: &Shared, request: &Element) {
    if !matches!(request.attr("type"), Some("get" | "set")) {
        return;
    }
    let Some(reply) = crate::xmpp::stanza::error_reply(
        request,
        "service-unavailable",
        ErrorType::Cancel,
    ) else {
        return;
    };
    let Some(to) = reply.attr("to").and_then(|to| Jid::parse(to).ok()) else {
        return;
    };
    match route::decide(shared, &to) {
        Destination::Account {
            user,
            resource: Some(resource),
        } => {
            if let Some(mailbox) = shared.router.mailbox(user, resource) {
                mailbox.send_xml(reply.to_xml().into());
            }
        }
        // A request from a bare JID or from the server itself: nobody
        // waits on a connection for it.
        Destination::Account { resource: None, .. } | Destination::Server => {}
        elsewhere => {
            let _ = route::forward(shared, elsewhere, &reply);
        }
    }
}

/// An iq the server answers. `account` is the localpart when the iq was
/// addressed to an account (or, from a client, to nobody: its own)
/// rather than the server.
fn serve(
    shared: &Shared,
    session: Option<&Session>,
    out: &mut Replies,
    element: &Element,
    iq: &Iq,
    account: Option<&str>,
) {
    let (query, set) = match &iq.kind {
        IqType::Get(query) => (query, false),
        IqType::Set(query) => (query, true),
        // Results and errors to the server answer our roster pushes and
        // pings: nothing to do, and never an error to an error.
        _ => return,
    };
    // The sender's own account, when the sender is a client of ours and
    // asked about itself.
    let own = session.filter(|s| account.is_none_or(|a| a == s.user));
    let ns = query.ns.as_deref().unwrap_or_default();
    let result = |payload: Option<Element>| {
        let mut reply = Element::new("iq", None)
            .with_attr("id", iq.common.id.clone().unwrap_or_default())
            .with_attr("type", "result");
        if let Some(to) = element.attr("from") {
            reply = reply.with_attr("to", to);
        }
        if let Some(from) = element.attr("to") {
            reply = reply.with_attr("from", from);
        }
        match payload {
            Some(payload) => reply.with_child(payload),
            None => reply,
        }
    };
    let reply = match (ns, query.local_name(), set) {
        (ns::ROSTER, "query", _) if own.is_some() => {
            let Some(session) = own else { return };
            let implied = roster::handle_iq(shared, session, out, element, iq);
            let user_jid = session.bare();
            for (contact, unsubscribe) in implied.cancel {
                let kind = if unsubscribe {
                    Kind::Unsubscribe
                } else {
                    Kind::Unsubscribed
                };
                presence::subscription_stanza(
                    shared, &user_jid, &contact, kind,
                );
            }
            if let Some(contact) = implied.delete {
                roster::delete(shared, &session.user, &contact);
            }
            return;
        }
        (ns::SESSION, "session", true) if own.is_some() => result(None),
        // Answered for the server, and for an account that exists.
        _ if account.is_some_and(|user| {
            !shared.store.user_exists(user).unwrap_or(false)
        }) =>
        {
            out.error(element, "service-unavailable", ErrorType::Cancel);
            return;
        }
        (ns::PING, "ping", false) => result(None),
        (ns::DISCO_INFO, "query", false) => match account {
            None => result(Some(server_info(shared, query))),
            Some(_) => result(Some(account_info(query))),
        },
        (ns::DISCO_ITEMS, "query", false) if account.is_none() => {
            result(Some(server_items(shared, query)))
        }
        (ns::DISCO_ITEMS, "query", false) => result(Some(
            Element::new("query", Some(ns::DISCO_ITEMS))
                .with_attr("xmlns", ns::DISCO_ITEMS),
        )),
        (ns::VERSION, "query", false) if account.is_none() => {
            result(Some(version()))
        }
        (ns::VCARD, "vCard", false) => {
            match account.or(session.map(|s| s.user.as_str())) {
                Some(user) => result(Some(vcard_get(shared, user))),
                None => {
                    out.error(
                        element,
                        "service-unavailable",
                        ErrorType::Cancel,
                    );
                    return;
                }
            }
        }
        (ns::VCARD, "vCard", true) if own.is_some() => {
            let Some(session) = own else { return };
            match shared.store.set_vcard(&session.user, &query.to_xml()) {
                Ok(()) => result(None),
                Err(err) => {
                    out.store_failed(element, &err);
                    return;
                }
            }
        }
        (ns::VCARD, "vCard", true) => {
            out.error(element, "forbidden", ErrorType::Auth);
            return;
        }
        _ => {
            out.error(element, "service-unavailable", ErrorType::Cancel);
            return;
        }
    };
    out.send(&reply);
}

/// The server's items (XEP-0030 § 4): the components it hosts, so that a
/// client can discover the gateway.
fn server_items(shared: &Shared, query: &Element) -> Element {
    let mut items = Element::new("query", Some(ns::DISCO_ITEMS))
        .with_attr("xmlns", ns::DISCO_ITEMS);
    if let Some(node) = query.attr("node") {
        items = items.with_attr("node", node);
    }
    for component in &shared.config.components {
        items = items.with_child(
            Element::new("item", Some(ns::DISCO_ITEMS))
                .with_attr("jid", component.name.clone()),
        );
    }
    items
}

fn server_info(_shared: &Shared, query: &Element) -> Element {
    let mut info = Element::new("query", Some(ns::DISCO_INFO))
        .with_attr("xmlns", ns::DISCO_INFO);
    if let Some(node) = query.attr("node") {
        info = info.with_attr("node", node);
    }
    info = info.with_child(
        Element::new("identity", Some(ns::DISCO_INFO))
            .with_attr("category", "server")
            .with_attr("type", "im")
            .with_attr("name", "netlab"),
    );
    for feature in FEATURES {
        info = info.with_child(
            Element::new("feature", Some(ns::DISCO_INFO))
                .with_attr("var", *feature),
        );
    }
    info
}

fn account_info(query: &Element) -> Element {
    let mut info = Element::new("query", Some(ns::DISCO_INFO))
        .with_attr("xmlns", ns::DISCO_INFO);
    if let Some(node) = query.attr("node") {
        info = info.with_attr("node", node);
    }
    info.with_child(
        Element::new("identity", Some(ns::DISCO_INFO))
            .with_attr("category", "account")
            .with_attr("type", "registered"),
    )
    .with_child(
        Element::new("feature", Some(ns::DISCO_INFO))
            .with_attr("var", ns::DISCO_INFO),
    )
}

fn version() -> Element {
    Element::new("query", Some(ns::VERSION))
        .with_attr("xmlns", ns::VERSION)
        .with_child(Element::new("name", Some(ns::VERSION)).with_text("netlab"))
        .with_child(
            Element::new("version", Some(ns::VERSION))
                .with_text(env!("CARGO_PKG_VERSION")),
        )
}

/// The stored vCard, or an empty one (XEP-0054 § 3.1: "if no vCard
/// exists, the server MUST return an empty element").
fn vcard_get(shared: &Shared, user: &str) -> Element {
    let empty =
        || Element::new("vCard", Some(ns::VCARD)).with_attr("xmlns", ns::VCARD);
    let Ok(Some(xml)) = shared.store.vcard(user) else {
        return empty();
    };
    parse_stored(&xml).unwrap_or_else(empty)
}
