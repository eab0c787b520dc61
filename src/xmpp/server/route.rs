//! Where a stanza goes: the one place that decides whether an address is
//! one of our accounts, the server itself, a component, or another domain
//! (RFC 6120 § 10, RFC 6121 § 8).
//!
//! Every stanza names its recipient in `to`. The server looks only at the
//! *domain* first (RFC 6120 § 10.4: "the server MUST first check the
//! domainpart"), then, for its own domain, at the local part:
//!
//! ```text
//!  to = mallory@gw.localhost     ──► a component we host ──► its connection, untouched
//!  to = juliet@localhost/balcony ──► our account juliet  ──► message.rs / presence.rs / iq.rs
//!  to = localhost                ──► the server itself   ──► iq.rs answers
//!  to = romeo@montague.example   ──► another domain      ──► federation.rs (lesson 5);
//!                                                            with --s2s off: remote-server-not-found
//! ```
//!
//! The rules for an account of ours (bare JID to the best resource, full
//! JID to that resource, offline storage) are RFC 6121 § 8.5 and live in
//! the handler of each stanza kind; the decision of *which* of the four
//! applies lives here and nowhere else.
//!
//! A component ([XEP-0114]) is a trusted service (a gateway, a bot) that
//! owns a whole domain, such as `gw.localhost`: the server does not
//! interpret its stanzas, it hands them over as they are, only moved into
//! the component stream's namespace ([`Element::renamespace`]).
//!
//! Read before: `reply.rs`. Read next: `message.rs`, the simplest user of
//! [`decide`]. Book: `book/src/lesson-04.md`. Run: `netlab lesson 4`.
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::ErrorType;

use super::Shared;

/// Where a stanza addressed to a JID goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Destination<'a> {
    /// An account of ours (`juliet` in `juliet@localhost`), and the
    /// resource if the address named one (RFC 6121 § 8.5).
    Account {
        /// The account: the JID's local part.
        user: &'a str,
        /// The resource, for a full JID.
        resource: Option<&'a str>,
    },
    /// The server itself: our bare domain, or the domain with a resource
    /// (RFC 6120 § 10.3).
    Server,
    /// A component we host (XEP-0114), by its domain.
    Component(&'a str),
    /// Another domain: only federation could deliver it (lesson 5).
    Remote(&'a str),
}

// ANCHOR: decide
/// Decides where a stanza for `to` goes.
pub fn decide<'a>(shared: &Shared, to: &'a Jid) -> Destination<'a> {
    let domain = to.domain();
    if domain == shared.config.domain {
        return match to.local() {
            Some(user) => Destination::Account {
                user,
                resource: to.resource(),
            },
            None => Destination::Server,
        };
    }
    if shared.config.components.iter().any(|c| c.name == domain) {
        return Destination::Component(domain);
    }
    Destination::Remote(domain)
}
// ANCHOR_END: decide

/// Whether `jid` is an account of ours: its local part, if so.
pub fn account<'a>(shared: &Shared, jid: &'a Jid) -> Option<&'a str> {
    match decide(shared, jid) {
        Destination::Account { user, .. } => Some(user),
        _ => None,
    }
}

/// Why a stanza could not leave this server: the error condition and
/// type to bounce to its sender.
pub type Undeliverable = (&'static str, ErrorType);

/// Hands a stanza to a destination that is not ours to interpret: a
/// component, or another domain.
///
/// Another domain goes to `federation.rs`, which queues the stanza for
/// that domain's server (or, without federation, it is
/// `remote-server-not-found`).
///
/// A component that is configured but not connected is
/// `remote-server-timeout` with type `wait`, as Prosody answers: the
/// service exists and may come back, so the sender may try again later
/// (`service-unavailable` would say "never").
pub fn forward(
    shared: &Shared,
    destination: Destination<'_>,
    element: &Element,
) -> Result<(), Undeliverable> {
    match destination {
        Destination::Component(name) => {
            let Some(mailbox) = shared.router.component(name) else {
                return Err(("remote-server-timeout", ErrorType::Wait));
            };
            let xml = element.to_xml_in(ns::COMPONENT_ACCEPT);
            if mailbox.send_xml(xml.into()) {
                Ok(())
            } else {
                Err(("resource-constraint", ErrorType::Wait))
            }
        }
        Destination::Remote(domain) => match &shared.federation {
            Some(federation) => federation.send(domain, element),
            None => Err(("remote-server-not-found", ErrorType::Cancel)),
        },
        // Ours: the caller's handler delivers it.
        Destination::Account { .. } | Destination::Server => {
            Err(("service-unavailable", ErrorType::Cancel))
        }
    }
}
