//! Who is online, and how to reach them: the server's table of bound
//! resources (RFC 6120 § 7, RFC 6121 § 8.5).
//!
//! Every connection that has bound a resource has one entry here, under its
//! account: a channel to the connection's task, the priority of its last
//! presence and that presence itself. Routing a stanza is looking up the
//! recipient here and putting the already-serialised XML on the right
//! channels; the recipient's task writes it to its own socket. No task ever
//! writes to another task's socket, so a slow reader slows only itself.
//!
//! The table sits behind one [`RwLock`]: routing takes the read lock (many at
//! once), binding and presence changes take the write lock (rare). The lock
//! is never held across an `.await`.
//!
//! Read next: `message.rs` (delivery rules) and `presence.rs` (broadcast).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use tokio::sync::mpsc;

use crate::xmpp::framing::Element;

/// What a connection's task can be told to do by the rest of the server.
#[derive(Debug)]
pub enum Outbound {
    /// Write this XML to the client as it is.
    Xml(Arc<str>),
    /// End the stream with this stream error condition (a newer session
    /// took the resource: `conflict`, RFC 6120 § 7.7.2.2).
    Kick(&'static str),
}

/// The sending end of a connection's mailbox, with a count of the bytes
/// waiting in it.
#[derive(Clone, Debug)]
pub struct Mailbox {
    tx: mpsc::UnboundedSender<Outbound>,
    queued: Arc<AtomicUsize>,
}

/// How many bytes may wait for one client before new stanzas for it are
/// refused: a client that stops reading must not make the server hold
/// everything sent to it (RFC 6120 § 13.12, resource exhaustion).
pub const MAX_QUEUED_BYTES: usize = 8 * 1024 * 1024;

impl Mailbox {
    /// A new mailbox and the receiving end its connection reads.
    pub fn new() -> (Mailbox, MailboxReceiver) {
        let (tx, rx) = mpsc::unbounded_channel();
        let queued = Arc::new(AtomicUsize::new(0));
        (
            Mailbox {
                tx,
                queued: Arc::clone(&queued),
            },
            MailboxReceiver { rx, queued },
        )
    }

    /// Queues XML for the client; `false` if the client is gone or has too
    /// much waiting already.
    pub fn send_xml(&self, xml: Arc<str>) -> bool {
        let len = xml.len();
        if self.queued.load(Ordering::Relaxed) + len > MAX_QUEUED_BYTES {
            return false;
        }
        self.queued.fetch_add(len, Ordering::Relaxed);
        self.tx.send(Outbound::Xml(xml)).is_ok()
    }

    /// Tells the connection to close with a stream error.
    pub fn kick(&self, condition: &'static str) {
        // The connection may already be gone: nothing to do then.
        let _ = self.tx.send(Outbound::Kick(condition));
    }
}

/// The receiving end of a [`Mailbox`], owned by the connection's task.
#[derive(Debug)]
pub struct MailboxReceiver {
    rx: mpsc::UnboundedReceiver<Outbound>,
    queued: Arc<AtomicUsize>,
}

impl MailboxReceiver {
    /// Waits for the next item (cancel-safe: usable in `select!`).
    pub async fn recv(&mut self) -> Option<Outbound> {
        let item = self.rx.recv().await;
        self.account(&item);
        item
    }

    /// The next item if one is already waiting.
    pub fn try_recv(&mut self) -> Option<Outbound> {
        let item = self.rx.try_recv().ok();
        self.account(&item);
        item
    }

    fn account(&self, item: &Option<Outbound>) {
        if let Some(Outbound::Xml(xml)) = item {
            self.queued.fetch_sub(xml.len(), Ordering::Relaxed);
        }
    }
}

/// One bound resource of an account.
#[derive(Clone, Debug)]
pub struct Resource {
    /// The resourcepart: `balcony` in `juliet@localhost/balcony`.
    pub resource: String,
    /// The connection's number, to tell a replaced session from its
    /// successor when both unbind.
    pub conn: u64,
    /// Where to send its stanzas.
    pub mailbox: Mailbox,
    /// The last available presence it broadcast (`from` stamped), or
    /// `None` while it has sent none (RFC 6121 § 4.2: not yet "available").
    pub presence: Option<Arc<Element>>,
    /// The priority of that presence (RFC 6121 § 4.7.2.3).
    pub priority: i8,
    /// Whether it asked for the roster, and so gets roster pushes
    /// (RFC 6121 § 2.1.6: an "interested resource").
    pub interested: bool,
}

/// The table of online resources, by account (localpart), and of the
/// components connected now, by domain.
#[derive(Debug, Default)]
pub struct Router {
    users: RwLock<HashMap<String, Vec<Resource>>>,
    components: RwLock<HashMap<String, (u64, Mailbox)>>,
}

impl Router {
    /// An empty table.
    pub fn new() -> Router {
        Router::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Vec<Resource>>> {
        // A panic while holding the lock cannot leave the map half-updated
        // (every change is one push/remove/assignment), so a poisoned lock
        // is still safe to use.
        self.users
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Vec<Resource>>> {
        self.users
            .write()
            .unwrap_or_else(|poison| poison.into_inner())
    }

    /// Binds `user/resource` to a connection. If another connection held
    /// that resource, it is replaced and its mailbox returned so the caller
    /// can end it with `conflict` (RFC 6120 § 7.7.2.2, "override the old
    /// session", what Prosody and ejabberd do by default).
    pub fn bind(
        &self,
        user: &str,
        resource: &str,
        conn: u64,
        mailbox: Mailbox,
    ) -> Option<Mailbox> {
        let mut users = self.write();
        let resources = users.entry(user.to_owned()).or_default();
        let old = resources
            .iter()
            .position(|r| r.resource == resource)
            .map(|i| resources.remove(i).mailbox);
        resources.push(Resource {
            resource: resource.to_owned(),
            conn,
            mailbox,
            presence: None,
            priority: 0,
            interested: false,
        });
        old
    }

    /// Removes `user/resource` if connection `conn` still holds it;
    /// `false` if it had been replaced by a newer connection already.
    pub fn unbind(&self, user: &str, resource: &str, conn: u64) -> bool {
        let mut users = self.write();
        let Some(resources) = users.get_mut(user) else {
            return false;
        };
        let before = resources.len();
        resources.retain(|r| !(r.resource == resource && r.conn == conn));
        let removed = resources.len() < before;
        if resources.is_empty() {
            users.remove(user);
        }
        removed
    }

    /// Whether `user/resource` is bound now.
    pub fn is_bound(&self, user: &str, resource: &str) -> bool {
        self.read()
            .get(user)
            .is_some_and(|rs| rs.iter().any(|r| r.resource == resource))
    }

    /// Records the presence connection `conn` broadcast for its resource
    /// (`None`: unavailable). A connection that was replaced changes
    /// nothing: the entry is its successor's now.
    pub fn set_presence(
        &self,
        user: &str,
        resource: &str,
        conn: u64,
        presence: Option<(i8, Arc<Element>)>,
    ) {
        let mut users = self.write();
        if let Some(r) = users.get_mut(user).and_then(|rs| {
            rs.iter_mut()
                .find(|r| r.resource == resource && r.conn == conn)
        }) {
            match presence {
                Some((priority, element)) => {
                    r.priority = priority;
                    r.presence = Some(element);
                }
                None => r.presence = None,
            }
        }
    }

    /// Marks connection `conn`'s resource as interested in roster pushes.
    pub fn set_interested(&self, user: &str, resource: &str, conn: u64) {
        let mut users = self.write();
        if let Some(r) = users.get_mut(user).and_then(|rs| {
            rs.iter_mut()
                .find(|r| r.resource == resource && r.conn == conn)
        }) {
            r.interested = true;
        }
    }

    /// A copy of an account's resources (empty when offline).
    pub fn resources(&self, user: &str) -> Vec<Resource> {
        self.read().get(user).cloned().unwrap_or_default()
    }

    /// The mailbox of one full JID's connection.
    pub fn mailbox(&self, user: &str, resource: &str) -> Option<Mailbox> {
        self.read().get(user).and_then(|rs| {
            rs.iter()
                .find(|r| r.resource == resource)
                .map(|r| r.mailbox.clone())
        })
    }

    /// The mailboxes a message to the bare JID goes to (RFC 6121
    /// § 8.5.2.1.1): the available resources with the highest priority, if
    /// that priority is not negative. Empty: nobody to deliver to now.
    pub fn best_mailboxes(&self, user: &str) -> Vec<Mailbox> {
        let users = self.read();
        let Some(resources) = users.get(user) else {
            return Vec::new();
        };
        let available = resources.iter().filter(|r| r.presence.is_some());
        let Some(best) = available.clone().map(|r| r.priority).max() else {
            return Vec::new();
        };
        if best < 0 {
            return Vec::new();
        }
        available
            .filter(|r| r.priority == best)
            .map(|r| r.mailbox.clone())
            .collect()
    }

    /// The mailboxes of every available resource with a non-negative
    /// priority: where a headline to the bare JID goes (RFC 6121
    /// § 8.5.2.1.1).
    pub fn nonnegative_mailboxes(&self, user: &str) -> Vec<Mailbox> {
        self.read()
            .get(user)
            .map(|rs| {
                rs.iter()
                    .filter(|r| r.presence.is_some() && r.priority >= 0)
                    .map(|r| r.mailbox.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Records that connection `conn` now serves component `name`;
    /// `false` if another connection serves it already (XEP-0114 leaves
    /// this to the server: we refuse the newcomer with `conflict`, as
    /// Prosody does, rather than cut off a working component).
    pub fn attach_component(
        &self,
        name: &str,
        conn: u64,
        mailbox: Mailbox,
    ) -> bool {
        let mut components = self
            .components
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if components.contains_key(name) {
            return false;
        }
        components.insert(name.to_owned(), (conn, mailbox));
        true
    }

    /// Forgets component `name` if connection `conn` still serves it.
    pub fn detach_component(&self, name: &str, conn: u64) {
        let mut components = self
            .components
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        if components.get(name).is_some_and(|(c, _)| *c == conn) {
            components.remove(name);
        }
    }

    /// The mailbox of the connection serving component `name`, if any.
    pub fn component(&self, name: &str) -> Option<Mailbox> {
        self.components
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .get(name)
            .map(|(_, mailbox)| mailbox.clone())
    }

    /// The components connected now, by name, sorted.
    pub fn component_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .components
            .read()
            .unwrap_or_else(|poison| poison.into_inner())
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// How many resources are bound, over all accounts.
    pub fn len(&self) -> usize {
        self.read().values().map(Vec::len).sum()
    }

    /// Whether nobody is bound.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    /// Every mailbox, for a server-wide announcement.
    pub fn all_mailboxes(&self) -> Vec<Mailbox> {
        self.read()
            .values()
            .flatten()
            .map(|r| r.mailbox.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presence(priority: i8) -> Option<(i8, Arc<Element>)> {
        Some((priority, Arc::new(Element::new("presence", None))))
    }

    #[tokio::test]
    async fn a_bare_jid_reaches_the_highest_non_negative_priority() {
        let router = Router::new();
        let (a, mut a_rx) = Mailbox::new();
        let (b, mut b_rx) = Mailbox::new();
        router.bind("juliet", "phone", 1, a);
        router.bind("juliet", "laptop", 2, b);
        // Nobody available yet: bound but no presence.
        assert!(router.best_mailboxes("juliet").is_empty());
        router.set_presence("juliet", "phone", 1, presence(1));
        router.set_presence("juliet", "laptop", 2, presence(5));
        let best = router.best_mailboxes("juliet");
        assert_eq!(best.len(), 1);
        assert!(best[0].send_xml("<message/>".into()));
        assert!(b_rx.try_recv().is_some());
        assert!(a_rx.try_recv().is_none());
        // Negative priority: never gets messages for the bare JID.
        router.set_presence("juliet", "phone", 1, presence(-1));
        router.set_presence("juliet", "laptop", 2, presence(-3));
        assert!(router.best_mailboxes("juliet").is_empty());
    }

    #[tokio::test]
    async fn binding_a_taken_resource_replaces_the_old_session() {
        let router = Router::new();
        let (old, mut old_rx) = Mailbox::new();
        let (new, _new_rx) = Mailbox::new();
        router.bind("romeo", "orchard", 1, old);
        let replaced = router.bind("romeo", "orchard", 2, new);
        replaced
            .expect("the old session is returned")
            .kick("conflict");
        assert!(matches!(
            old_rx.try_recv(),
            Some(Outbound::Kick("conflict"))
        ));
        // The old connection unbinding must not remove the new one.
        assert!(!router.unbind("romeo", "orchard", 1));
        assert!(router.is_bound("romeo", "orchard"));
        assert!(router.unbind("romeo", "orchard", 2));
        assert!(router.is_empty());
    }

    #[tokio::test]
    async fn a_client_that_stops_reading_is_refused_more() {
        let (mailbox, mut rx) = Mailbox::new();
        let big: Arc<str> = "x".repeat(MAX_QUEUED_BYTES / 2).into();
        assert!(mailbox.send_xml(Arc::clone(&big)));
        assert!(mailbox.send_xml(Arc::clone(&big)));
        assert!(!mailbox.send_xml("<one-more/>".into()));
        // Reading frees the space again.
        assert!(rx.try_recv().is_some());
        assert!(mailbox.send_xml("<one-more/>".into()));
    }
}
