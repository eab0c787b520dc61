//! Delivering `<message/>` (RFC 6121 § 8.5), and keeping it when the
//! recipient is offline (RFC 6121 § 8.5.2.2.1, XEP-0160, XEP-0203).
//!
//! This is lesson 1's "push": the sender's connection task looks the
//! recipient up in the router and puts the stanza straight into the
//! recipient's mailbox; the recipient's task writes it to a socket that has
//! been open all along. Nobody polls.
//!
//! | addressed to           | recipient online                 | offline             |
//! |------------------------|----------------------------------|---------------------|
//! | full JID, bound        | that resource                    | —                   |
//! | full JID, not bound    | as if to the bare JID            |                     |
//! | bare JID               | highest non-negative priority    | stored (chat, normal) |
//! | unknown account        | `service-unavailable`            |                     |
//! | a component's JID      | the component, untouched (`route.rs`)                  ||
//! | another domain         | `remote-server-not-found` (no federation yet)          ||
//!
//! The sender may be one of our clients or a component: errors go back
//! through [`Replies`] either way.
//!
//! Read before: `route.rs`. Read next: `presence.rs`.

use std::sync::Arc;
use std::time::SystemTime;

use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza::{ErrorType, MessageType};
use crate::xmpp::store::StoreError;

use super::Shared;
use super::reply::Replies;
use super::route::{self, Destination};
use super::session::{Session, parse_stored};

/// Routes a message to `to` (the sender's own bare JID when the stanza
/// had no `to`, RFC 6120 § 10.3.1: the caller fills it in).
pub fn handle(
    shared: &Shared,
    out: &mut Replies,
    element: Element,
    to: &Jid,
    kind: MessageType,
) {
    let user = match route::decide(shared, to) {
        Destination::Account { user, .. } => user,
        // A message to the server itself: nothing here reads it.
        Destination::Server => {
            out.error(&element, "service-unavailable", ErrorType::Cancel);
            return;
        }
        elsewhere => {
            if let Err((condition, kind)) =
                route::forward(shared, elsewhere, &element)
            {
                out.error(&element, condition, kind);
            }
            return;
        }
    };
    // ANCHOR: push
    let xml: Arc<str> = element.to_xml().into();
    // A full JID that is bound gets it, whatever its priority (§ 8.5.3.1).
    if let Some(resource) = to.resource()
        && let Some(mailbox) = shared.router.mailbox(user, resource)
    {
        if !mailbox.send_xml(xml) {
            out.error(&element, "resource-constraint", ErrorType::Wait);
        }
        return;
    }
    // § 8.5.2.1.1: a groupchat message to an account (not a room) is an
    // error, whoever is online.
    if kind == MessageType::Groupchat {
        out.error(&element, "service-unavailable", ErrorType::Cancel);
        return;
    }
    // § 8.5.2.1.1: headlines go to every resource that takes messages,
    // chat to all of the best (the client that answers decides where the
    // talk goes), normal to one of the best.
    let mailboxes = match kind {
        MessageType::Headline => shared.router.nonnegative_mailboxes(user),
        _ => shared.router.best_mailboxes(user),
    };
    if !mailboxes.is_empty() {
        let targets = match kind {
            MessageType::Chat | MessageType::Headline => &mailboxes[..],
            _ => &mailboxes[..1],
        };
        let mut delivered = false;
        for mailbox in targets {
            delivered |= mailbox.send_xml(Arc::clone(&xml));
        }
        if !delivered {
            out.error(&element, "resource-constraint", ErrorType::Wait);
        }
        return;
    }
    // ANCHOR_END: push
    // Nobody online (or all at a negative priority).
    match shared.store.user_exists(user) {
        Ok(true) => {}
        Ok(false) => {
            // § 8.5.1: no such account.
            out.error(&element, "service-unavailable", ErrorType::Cancel);
            return;
        }
        Err(err) => {
            out.store_failed(&element, &err);
            return;
        }
    }
    match kind {
        // ANCHOR: store
        // § 8.5.2.2.1: chat and normal are stored for later.
        MessageType::Chat | MessageType::Normal => {
            if let Err(err) = store_or_deliver(shared, user, &xml) {
                tracing::warn!("offline storage for {user}: {err}");
                let (condition, kind) = storing_failed(&err);
                out.error(&element, condition, kind);
            }
        }
        // ANCHOR_END: store
        // Headlines are "fire and forget"; errors are never answered.
        MessageType::Headline | MessageType::Error => {}
        MessageType::Groupchat => {
            out.error(&element, "service-unavailable", ErrorType::Cancel);
        }
    }
}

/// The error a sender gets when its message could not be stored: a full
/// offline queue is the recipient's policy (XEP-0160 § 2:
/// `service-unavailable`); a full disk is a shortage the sender may wait
/// out (`resource-constraint`, RFC 6120 § 8.3.3.18); any other failure of
/// the database is the server's own (`internal-server-error`, § 8.3.3.10).
/// Either way the message is not lost without the sender knowing.
fn storing_failed(err: &StoreError) -> (&'static str, ErrorType) {
    match err {
        StoreError::OfflineFull { .. } => {
            ("service-unavailable", ErrorType::Cancel)
        }
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DiskFull =>
        {
            ("resource-constraint", ErrorType::Wait)
        }
        _ => ("internal-server-error", ErrorType::Wait),
    }
}

/// A stanza that was queued for one of `user`'s connections, or sent and
/// never acknowledged, when that connection or session ended: a message
/// is delivered to the account's other resources as if sent to the bare
/// JID, or stored offline (chat and normal only, as in [`handle`]); an iq
/// request is answered with an error for its sender, who waits for one
/// answer (`iq.rs`). Presence is dropped: it described a moment that has
/// passed.
pub fn reroute(shared: &Shared, user: &str, xml: &str) {
    let Some(element) = parse_stored(xml) else {
        return;
    };
    if element.local_name() == "iq" {
        super::iq::bounce(shared, &element);
        return;
    }
    if element.local_name() != "message"
        || !matches!(element.attr("type"), None | Some("chat" | "normal"))
    {
        return;
    }
    if let Err(err) = store_or_deliver(shared, user, xml) {
        tracing::warn!("offline storage for {user}: {err}");
    }
}

/// Stores a message for `user`, who had nobody online to take it — or,
/// if a resource came online since that was looked up, gives it to that
/// resource. The check and the store happen under one lock, which a
/// resource also takes to become available (`presence.rs`): so the
/// message is either stored before the resource reads its offline
/// messages, or finds it online; never stored just after the read, to
/// wait there until the next login.
fn store_or_deliver(
    shared: &Shared,
    user: &str,
    xml: &str,
) -> Result<(), StoreError> {
    let _storing = shared
        .going_offline
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    if let Some(first) = shared.router.best_mailboxes(user).first()
        && first.send_xml(xml.into())
    {
        return Ok(());
    }
    shared.store.push_offline(user, xml, SystemTime::now())?;
    Ok(())
}

/// Sends the messages stored while the user was offline, each with a
/// `<delay/>` saying when the server received it (XEP-0203). Called when
/// the user sends initial presence with a non-negative priority (RFC 6121
/// § 8.5.2.2.1); they are deleted only once written to the socket.
pub fn deliver_offline(
    shared: &Shared,
    session: &mut Session,
    out: &mut Replies,
) {
    let stored = match shared.store.offline(&session.user) {
        Ok(stored) => stored,
        Err(err) => {
            tracing::error!("store: {err}");
            return;
        }
    };
    for offline in stored {
        let stamp = humantime::format_rfc3339_seconds(offline.stamp);
        let delay = Element::new("delay", Some(ns::DELAY))
            .with_attr("xmlns", ns::DELAY)
            .with_attr("from", shared.config.domain.clone())
            .with_attr("stamp", stamp.to_string())
            .with_text("Offline storage");
        let Some(element) = parse_stored(&offline.xml) else {
            // It could never be delivered: drop it rather than let it
            // fill the user's offline quota for ever.
            tracing::warn!(
                "offline message {} unreadable: dropped",
                offline.id
            );
            session.delivered_offline.push(offline.id);
            continue;
        };
        out.send(&element.with_child(delay));
        session.delivered_offline.push(offline.id);
    }
}
