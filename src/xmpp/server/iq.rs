//! `<iq/>`: requests the server answers itself, and requests it passes on
//! (RFC 6120 § 8.2.3, § 10.3, RFC 6121 § 8.5).
//!
//! The rule that makes iq reliable: every `get` or `set` gets exactly one
//! `result` or `error`. A request the server does not understand is
//! answered `service-unavailable` (RFC 6120 § 8.3.3.19), never silence,
//! because the sender is waiting for that one answer.
//!
//! What the server answers itself, addressed to the domain (or with no
//! `to`):
//!
//! | namespace                                  | what                                       |
//! |--------------------------------------------|--------------------------------------------|
//! | `jabber:iq:roster`                         | the user's roster (roster.rs)               |
//! | `http://jabber.org/protocol/disco#info`    | who the server is, what it supports (XEP-0030) |
//! | `http://jabber.org/protocol/disco#items`   | the server's items: none (XEP-0030)         |
//! | `urn:xmpp:ping`                            | "are you there?" (XEP-0199)                 |
//! | `vcard-temp`                               | a user's business card (XEP-0054)           |
//! | `jabber:iq:version`                        | the server's name and version (XEP-0092)    |
//! | `urn:ietf:params:xml:ns:xmpp-session`      | the legacy session request: an empty result |

use crate::xmpp::framing::Element;
use crate::xmpp::ns;
use crate::xmpp::stanza::{ErrorType, Iq, IqType};

use super::Shared;
use super::roster::{self};
use super::session::{Session, local_user, parse_stored};

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

/// Handles an iq from a bound client.
pub fn handle(
    shared: &Shared,
    session: &mut Session,
    element: Element,
    iq: Iq,
) {
    let to = iq.common.to.clone();
    let request = matches!(iq.kind, IqType::Get(_) | IqType::Set(_));
    match &to {
        // To the server (§ 10.3), or to the user's own account.
        None => serve(shared, session, &element, &iq, None),
        Some(jid) if jid.local().is_none() && jid.resource().is_none() => {
            serve(shared, session, &element, &iq, None)
        }
        Some(jid) => {
            let Some(user) = local_user(shared, jid) else {
                if request {
                    session.error(
                        &element,
                        "service-unavailable",
                        ErrorType::Cancel,
                    );
                }
                return;
            };
            match jid.resource() {
                // To a full JID: passed on if bound (§ 8.5.3.1).
                Some(resource) => match shared.router.mailbox(user, resource) {
                    // Every request gets one answer (§ 8.2.3): if the
                    // recipient's queue is full, the answer is ours.
                    Some(mailbox) => {
                        let queued = mailbox.send_xml(element.to_xml().into());
                        if !queued && request {
                            session.error(
                                &element,
                                "resource-constraint",
                                ErrorType::Wait,
                            );
                        }
                    }
                    None if request => session.error(
                        &element,
                        "service-unavailable",
                        ErrorType::Cancel,
                    ),
                    None => {}
                },
                // To a bare JID: the server answers for the account
                // (RFC 6121 § 8.5.2.1.3).
                None => serve(shared, session, &element, &iq, Some(user)),
            }
        }
    }
}

/// An iq the server answers. `account` is the bare JID's localpart when
/// the iq was addressed to an account rather than the server.
fn serve(
    shared: &Shared,
    session: &mut Session,
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
    let own = account.is_none_or(|a| a == session.user);
    let ns = query.ns.as_deref().unwrap_or_default();
    let result = |payload: Option<Element>| {
        let mut reply = Element::new("iq", None)
            .with_attr("to", session.jid.to_string())
            .with_attr("id", iq.common.id.clone().unwrap_or_default())
            .with_attr("type", "result");
        if let Some(from) = element.attr("to") {
            reply = reply.with_attr("from", from);
        }
        match payload {
            Some(payload) => reply.with_child(payload),
            None => reply,
        }
    };
    let reply = match (ns, query.local_name(), set) {
        (ns::ROSTER, "query", _) if own => {
            roster::handle_iq(shared, session, element, iq);
            return;
        }
        (ns::SESSION, "session", true) if account.is_none() => result(None),
        // Answered for the server, and for an account that exists.
        _ if account.is_some_and(|user| {
            !shared.store.user_exists(user).unwrap_or(false)
        }) =>
        {
            session.error(element, "service-unavailable", ErrorType::Cancel);
            return;
        }
        (ns::PING, "ping", false) => result(None),
        (ns::DISCO_INFO, "query", false) => match account {
            None => result(Some(server_info(query))),
            Some(user) if shared.store.user_exists(user).unwrap_or(false) => {
                result(Some(account_info(query)))
            }
            Some(_) => {
                session.error(element, "item-not-found", ErrorType::Cancel);
                return;
            }
        },
        (ns::DISCO_ITEMS, "query", false) => result(Some(
            Element::new("query", Some(ns::DISCO_ITEMS))
                .with_attr("xmlns", ns::DISCO_ITEMS),
        )),
        (ns::VERSION, "query", false) if account.is_none() => {
            result(Some(version()))
        }
        (ns::VCARD, "vCard", false) => {
            let user = account.unwrap_or(&session.user).to_owned();
            result(Some(vcard_get(shared, &user)))
        }
        (ns::VCARD, "vCard", true) if own => {
            match shared.store.set_vcard(&session.user, &query.to_xml()) {
                Ok(()) => result(None),
                Err(err) => {
                    session.store_failed(element, &err);
                    return;
                }
            }
        }
        (ns::VCARD, "vCard", true) => {
            session.error(element, "forbidden", ErrorType::Auth);
            return;
        }
        _ => {
            session.error(element, "service-unavailable", ErrorType::Cancel);
            return;
        }
    };
    session.send(&reply);
}

fn server_info(query: &Element) -> Element {
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
