//! What the XMPP server remembers between connections, in one SQLite file.
//!
//! A connection lives for minutes; an account lives for years. Everything
//! that must outlive a connection (and a restart of the server) is kept
//! here: accounts and their SCRAM keys, rosters, subscription requests
//! waiting for an answer, messages waiting for their recipient, vCards.
//!
//! Where it sits: below the server (`xmpp::server`), beside the sessions.
//! A session holds what lives for one connection (the bound resource, the
//! presence just sent); the store holds what outlives it. The server opens
//! one [`Store`] at start-up, keeps it in an `Arc`, and every session task
//! calls it. Each call is one short transaction, so calling it from async
//! code blocks a worker thread only for the time of a disk write.
//!
//! Everything is keyed by the account's *localpart* (`juliet` in
//! `juliet@example.com`, see [`super::jid`]): the server serves one domain,
//! so the localpart names the account. The caller passes it prepared (as
//! [`super::jid::Jid`] lower-cases it); the store compares bytes.
//!
//! **Passwords are never stored.** An account holds only what SCRAM needs
//! to check a password ([RFC 5802 § 3]): a random salt, an iteration
//! count, and two keys derived from the salted password, `StoredKey` and
//! `ServerKey`. The password cannot be computed back from them, so a
//! stolen database file does not reveal passwords. The caller (the SASL
//! module) derives the keys; this module never sees a password.
//!
//! **The schema**, one table per kind of thing:
//!
//! ```text
//! table                  one row per                     serves
//! ─────────────────────  ──────────────────────────────  ───────────────────
//! users                  account, with roster version    RFC 6120 § 6 (who
//!                                                        may log in),
//!                                                        RFC 6121 § 2.6
//! credentials            account × SCRAM mechanism       RFC 5802 § 3,
//!                                                        RFC 7677
//! roster                 account × contact               RFC 6121 § 2.1
//! roster_groups          account × contact × group       RFC 6121 § 2.1.2.6
//! subscription_requests  account × contact who asked     RFC 6121 § 3.1.3
//! offline                message waiting for its reader  RFC 6121 § 8.5.2.1.1,
//!                                                        XEP-0160, XEP-0203
//! vcards                 account                         XEP-0054
//! ```
//!
//! The specifications: accounts log in with SASL ([RFC 6120 § 6]) using
//! SCRAM ([RFC 5802 § 3], [RFC 7677]); rosters and their versions are
//! [RFC 6121 § 2] and [RFC 6121 § 2.6]; a subscription request waits for
//! its answer by [RFC 6121 § 3.1.3]; a message to an account with nobody
//! online is stored by [RFC 6121 § 8.5.2.1.1] and [XEP-0160], and
//! delivered with the time it arrived ([XEP-0203]); a vCard is
//! [XEP-0054].
//!
//! Every table but `users` refers to `users` with `ON DELETE CASCADE`, so
//! deleting an account deletes everything it owns in the same statement.
//! The schema carries a version number in SQLite's `PRAGMA user_version`;
//! [`Store::open`] brings an older file up to date and refuses a newer one.
//!
//! **Why SQLite.** It is embedded (a library inside netlab, no database
//! server to run), the whole state is one file you can copy or delete, and
//! its transactions are atomic: a server killed in the middle of a write
//! finds, on restart, either all of the write or none of it. `:memory:`
//! gives a throw-away store for demos and tests.
//!
//! Read before: [`super::jid`]. Read after: the server, which calls this.
//! Run: `netlab xmpp adduser`, then
//! `netlab xmpp server`.
//!
//! [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
//! [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677
//! [RFC 6120 § 6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6
//! [RFC 6121 § 2]: https://datatracker.ietf.org/doc/html/rfc6121#section-2
//! [RFC 6121 § 2.6]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.6
//! [RFC 6121 § 3.1.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-3.1.3
//! [RFC 6121 § 8.5.2.1.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-8.5.2.1.1
//! [XEP-0054]: https://xmpp.org/extensions/xep-0054.html
//! [XEP-0160]: https://xmpp.org/extensions/xep-0160.html
//! [XEP-0203]: https://xmpp.org/extensions/xep-0203.html

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
    params,
};

/// The schema, one migration per version: `MIGRATIONS[n]` takes a file
/// from version `n` to version `n + 1`. A new version appends a migration
/// here and never edits an old one, because files out there were made by
/// the old ones.
///
/// `STRICT` makes SQLite refuse a value of the wrong type (by default it
/// would store text in an `INTEGER` column).
const MIGRATIONS: &[&str] = &[
    // Version 1.
    "CREATE TABLE users (
        name            TEXT PRIMARY KEY NOT NULL,
        -- RFC 6121 § 2.6: bumped on every roster change.
        roster_version  INTEGER NOT NULL DEFAULT 0
                        CHECK (roster_version >= 0),
        -- The version of the latest removal; see Store::roster_changes.
        roster_removed  INTEGER NOT NULL DEFAULT 0
                        CHECK (roster_removed >= 0)
    ) STRICT;

    CREATE TABLE credentials (
        user        TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        mechanism   TEXT NOT NULL,
        salt        BLOB NOT NULL,
        iterations  INTEGER NOT NULL,
        stored_key  BLOB NOT NULL,
        server_key  BLOB NOT NULL,
        PRIMARY KEY (user, mechanism)
    ) STRICT;

    CREATE TABLE roster (
        user          TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        jid           TEXT NOT NULL,
        name          TEXT,
        subscription  TEXT NOT NULL
                      CHECK (subscription IN ('none', 'to', 'from', 'both')),
        ask           INTEGER NOT NULL CHECK (ask IN (0, 1)),
        pending_in    INTEGER NOT NULL CHECK (pending_in IN (0, 1)),
        -- The roster version at which this item last changed.
        version       INTEGER NOT NULL CHECK (version >= 0),
        PRIMARY KEY (user, jid)
    ) STRICT;

    CREATE TABLE roster_groups (
        user   TEXT NOT NULL,
        jid    TEXT NOT NULL,
        name   TEXT NOT NULL,
        PRIMARY KEY (user, jid, name),
        FOREIGN KEY (user, jid) REFERENCES roster(user, jid)
            ON DELETE CASCADE
    ) STRICT;

    CREATE TABLE subscription_requests (
        user     TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        contact  TEXT NOT NULL,
        xml      TEXT NOT NULL,
        PRIMARY KEY (user, contact)
    ) STRICT;

    -- AUTOINCREMENT: an id is never reused, so deleting a delivered
    -- message by id can never hit a newer message that got the same id.
    CREATE TABLE offline (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        user      TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        xml       TEXT NOT NULL,
        -- Milliseconds since 1970-01-01 UTC.
        stamp_ms  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX offline_by_user ON offline (user, id);

    CREATE TABLE vcards (
        user  TEXT PRIMARY KEY NOT NULL
              REFERENCES users(name) ON DELETE CASCADE,
        xml   TEXT NOT NULL
    ) STRICT;",
];

/// The schema version this build writes: the number of migrations.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// How long a call waits for another process (say `netlab xmpp adduser`
/// while the server runs) to finish its write before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// [`Store::add_user`] for a name that is taken.
    #[error("the account {0:?} already exists")]
    UserExists(String),
    /// An operation on an account that does not exist.
    #[error("there is no account {0:?}")]
    NoSuchUser(String),
    /// The account has [`Store::MAX_OFFLINE_PER_USER`] messages waiting.
    #[error(
        "the offline message queue of {user:?} is full ({max} messages); \
         the sender is answered <service-unavailable/> (XEP-0160 § 2)"
    )]
    OfflineFull {
        /// The recipient.
        user: String,
        /// The limit that was reached.
        max: usize,
    },
    /// The file could not be opened or set up.
    #[error("cannot open the database {path:?}: {source}")]
    Open {
        /// The path given to [`Store::open`].
        path: String,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The file was written by a newer netlab, or by another program.
    #[error(
        "the database {path:?} has schema version {found}, but this \
         netlab knows only versions 0 to {known}: a newer netlab (or \
         another program) wrote it; use that netlab, or another file"
    )]
    Schema {
        /// The path given to [`Store::open`].
        path: String,
        /// The file's `PRAGMA user_version`.
        found: i64,
        /// [`SCHEMA_VERSION`].
        known: i64,
    },
    /// SQLite failed on a file that opened fine (disk full, I/O error,
    /// another process holding the lock for longer than the busy timeout).
    #[error("the database failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// How an account proves its password with one SCRAM mechanism
/// ([RFC 5802 § 3]): everything the server needs, nothing that gives the
/// password away.
///
/// [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// `"SCRAM-SHA-1"` ([RFC 5802]) or `"SCRAM-SHA-256"` ([RFC 7677]).
    ///
    /// [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
    /// [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677
    pub mechanism: String,
    /// The random salt, sent to the client in the server-first message.
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count, sent with the salt.
    pub iterations: u32,
    /// `H(ClientKey)`: checks the client's proof.
    pub stored_key: Vec<u8>,
    /// `HMAC(SaltedPassword, "Server Key")`: signs the server's answer.
    pub server_key: Vec<u8>,
}

/// The `subscription` attribute of a roster item ([RFC 6121 § 2.1.2.5]):
/// who receives whose presence.
///
/// [RFC 6121 § 2.1.2.5]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.1.2.5
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Subscription {
    /// Neither sees the other's presence.
    None,
    /// The user sees the contact's presence.
    To,
    /// The contact sees the user's presence.
    From,
    /// Both see each other's.
    Both,
}

impl Subscription {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Subscription::None => "none",
            Subscription::To => "to",
            Subscription::From => "from",
            Subscription::Both => "both",
        }
    }

    /// Reads an attribute value; `None` for anything else (including
    /// `"remove"`, which is a request, not a state).
    pub fn parse(value: &str) -> Option<Subscription> {
        match value {
            "none" => Some(Subscription::None),
            "to" => Some(Subscription::To),
            "from" => Some(Subscription::From),
            "both" => Some(Subscription::Both),
            _ => None,
        }
    }
}

/// One contact in a roster ([RFC 6121 § 2.1]).
///
/// `subscription`, `ask` and `pending_in` together are one of the states
/// of [RFC 6121 Appendix A] ("None + Pending Out", "From + Pending Out", …).
///
/// [RFC 6121 § 2.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.1
/// [RFC 6121 Appendix A]: https://datatracker.ietf.org/doc/html/rfc6121#appendix-A
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterItem {
    /// The contact's bare JID.
    pub jid: String,
    /// The name the user gave the contact, if any.
    pub name: Option<String>,
    /// Who sees whose presence.
    pub subscription: Subscription,
    /// The user asked to see the contact's presence and the contact has
    /// not answered ("Pending Out"; shown to clients as `ask='subscribe'`).
    pub ask: bool,
    /// The contact asked to see the user's presence and the user has not
    /// answered ("Pending In"; not shown to clients in the roster).
    pub pending_in: bool,
    /// The groups the user put the contact in, sorted, each once.
    pub groups: Vec<String>,
}

/// A message stored for a recipient who was offline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offline {
    /// The row id; give it to [`Store::delete_offline`] once delivered.
    pub id: i64,
    /// The `<message/>` stanza as it arrived.
    pub xml: String,
    /// When it arrived, for the `<delay/>` element added on delivery
    /// ([XEP-0203]). Kept to the millisecond.
    ///
    /// [XEP-0203]: https://xmpp.org/extensions/xep-0203.html
    pub stamp: SystemTime,
}

/// The server's persistent state: one SQLite connection behind a lock.
///
/// `Store` is `Sync`, so the server shares one in an `Arc`. The lock makes
/// the calls take turns; each is a single short transaction.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// The most messages kept for one account. Beyond it
    /// [`Store::push_offline`] fails with [`StoreError::OfflineFull`], so a
    /// sender cannot fill the disk by writing to an account nobody reads.
    pub const MAX_OFFLINE_PER_USER: usize = 1000;

    /// Opens the database at `path`, creating the file if it is missing
    /// (but not its directory), and brings its schema up to date.
    /// `":memory:"` opens a fresh database that lives as long as the
    /// `Store`.
    pub fn open(path: &str) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        // Read-write, create if missing. Without SQLITE_OPEN_URI a path is
        // just a path, even one that starts with "file:". NO_MUTEX: our own
        // Mutex already makes the calls take turns.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn =
            Connection::open_with_flags(path, flags).map_err(open_error)?;
        configure(&conn, path != ":memory:").map_err(open_error)?;
        migrate(&mut conn, path)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, for one call.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        // The lock is poisoned if a thread panicked while holding it. Its
        // transaction, if any, was rolled back when the `Transaction` was
        // dropped during the unwinding, so the connection is clean and
        // the other sessions can go on using it.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `body` in a write transaction and commits it.
    ///
    /// IMMEDIATE takes the write lock at BEGIN. With the default
    /// (DEFERRED) a transaction that reads and then writes would try to
    /// upgrade its lock half-way, and fail at once, without waiting, if
    /// another process wrote in between.
    fn write<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let tx =
            conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = body(&tx)?;
        // Dropping `tx` without commit (the `?` above) rolls back.
        tx.commit()?;
        Ok(value)
    }

    /// Runs `body` in a read transaction, so that several queries see one
    /// snapshot (a roster's version and its items, say).
    fn read<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let value = body(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    // ----- Accounts -------------------------------------------------------

    /// Creates an account with its SCRAM credentials (usually one per
    /// mechanism the server offers).
    pub fn add_user(
        &self,
        user: &str,
        credentials: &[Credential],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            if exists(tx, user)? {
                return Err(StoreError::UserExists(user.to_owned()));
            }
            tx.execute("INSERT INTO users (name) VALUES (?1)", [user])?;
            insert_credentials(tx, user, credentials)
        })
    }

    /// Replaces all of an account's credentials (a password change).
    pub fn set_credentials(
        &self,
        user: &str,
        credentials: &[Credential],
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_user(tx, user)?;
            tx.execute("DELETE FROM credentials WHERE user = ?1", [user])?;
            insert_credentials(tx, user, credentials)
        })
    }

    /// Deletes an account and, by `ON DELETE CASCADE`, its credentials,
    /// roster, subscription requests, offline messages and vCard.
    pub fn delete_user(&self, user: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            let deleted =
                tx.execute("DELETE FROM users WHERE name = ?1", [user])?;
            if deleted == 0 {
                return Err(StoreError::NoSuchUser(user.to_owned()));
            }
            Ok(())
        })
    }

    /// Whether the account exists.
    pub fn user_exists(&self, user: &str) -> Result<bool, StoreError> {
        self.read(|tx| exists(tx, user))
    }

    /// All account names, sorted.
    pub fn users(&self) -> Result<Vec<String>, StoreError> {
        self.read(|tx| {
            let mut stmt =
                tx.prepare("SELECT name FROM users ORDER BY name")?;
            let names = stmt
                .query_map([], |row| row.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            Ok(names)
        })
    }

    /// The account's credential for one mechanism.
    ///
    /// `None` both when the account does not exist and when it has no key
    /// for that mechanism: SASL answers both with the same
    /// `<not-authorized/>`, so that a stranger cannot probe which
    /// accounts exist ([RFC 6120 § 6.4.5]).
    ///
    /// [RFC 6120 § 6.4.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.5
    pub fn credential(
        &self,
        user: &str,
        mechanism: &str,
    ) -> Result<Option<Credential>, StoreError> {
        self.read(|tx| {
            let credential = tx
                .query_row(
                    "SELECT salt, iterations, stored_key, server_key
                     FROM credentials WHERE user = ?1 AND mechanism = ?2",
                    [user, mechanism],
                    |row| {
                        Ok(Credential {
                            mechanism: mechanism.to_owned(),
                            salt: row.get(0)?,
                            // Refuses, rather than wraps, a value that
                            // does not fit a u32.
                            iterations: row.get(1)?,
                            stored_key: row.get(2)?,
                            server_key: row.get(3)?,
                        })
                    },
                )
                .optional()?;
            Ok(credential)
        })
    }

    // ----- Roster (RFC 6121 § 2) ------------------------------------------

    /// The account's roster version and all its items, sorted by JID
    /// ([RFC 6121 § 2.2], the answer to a roster get).
    ///
    /// The version starts at 0 and grows by one on every change; the
    /// server sends it as the opaque `ver` attribute ([RFC 6121 § 2.6]).
    ///
    /// [RFC 6121 § 2.2]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.2
    /// [RFC 6121 § 2.6]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.6
    pub fn roster(
        &self,
        user: &str,
    ) -> Result<(u64, Vec<RosterItem>), StoreError> {
        self.read(|tx| {
            let (version, _) = roster_versions(tx, user)?;
            Ok((version, roster_items(tx, user, 0)?))
        })
    }

    /// The items changed after version `since`, for a client that says it
    /// has that version cached ([RFC 6121 § 2.6.3]): `Some((version,
    /// changed))`, where `changed` is empty if nothing changed, or `None`
    /// when the changes cannot be told and the full roster must be sent.
    ///
    /// A removed item leaves no row behind, so it cannot be listed as a
    /// change. Instead the store remembers the version of the latest
    /// removal: a client whose version is older than that gets `None`, as
    /// does a client with a version this store never gave out.
    ///
    /// [RFC 6121 § 2.6.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.6.3
    pub fn roster_changes(
        &self,
        user: &str,
        since: u64,
    ) -> Result<Option<(u64, Vec<RosterItem>)>, StoreError> {
        self.read(|tx| {
            let (version, removed) = roster_versions(tx, user)?;
            if since < removed || since > version {
                return Ok(None);
            }
            Ok(Some((version, roster_items(tx, user, since)?)))
        })
    }

    /// One roster item, if the contact is in the roster.
    pub fn roster_item(
        &self,
        user: &str,
        jid: &str,
    ) -> Result<Option<RosterItem>, StoreError> {
        self.read(|tx| {
            require_user(tx, user)?;
            let item = tx
                .query_row(
                    "SELECT jid, name, subscription, ask, pending_in
                     FROM roster WHERE user = ?1 AND jid = ?2",
                    [user, jid],
                    item_from_row,
                )
                .optional()?;
            match item {
                Some(mut item) => {
                    item.groups = groups(tx, user, jid)?;
                    Ok(Some(item))
                }
                None => Ok(None),
            }
        })
    }

    /// Adds the item or replaces the one with the same JID, groups
    /// included ([RFC 6121 § 2.3], roster set, and every subscription
    /// change of § 3). Returns the new roster version, to be sent in the
    /// roster push.
    ///
    /// A group named twice is kept once; the server should already have
    /// refused such a roster set with `<bad-request/>` ([RFC 6121
    /// § 2.3.3]).
    ///
    /// [RFC 6121 § 2.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.3
    /// [RFC 6121 § 2.3.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.3.3
    pub fn put_roster_item(
        &self,
        user: &str,
        item: &RosterItem,
    ) -> Result<u64, StoreError> {
        self.write(|tx| {
            let version = bump_roster_version(tx, user)?;
            // An upsert rather than INSERT OR REPLACE: REPLACE deletes the
            // old row first, which is more than we mean.
            tx.execute(
                "INSERT INTO roster
                     (user, jid, name, subscription, ask, pending_in, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (user, jid) DO UPDATE SET
                     name = excluded.name,
                     subscription = excluded.subscription,
                     ask = excluded.ask,
                     pending_in = excluded.pending_in,
                     version = excluded.version",
                params![
                    user,
                    item.jid,
                    item.name,
                    item.subscription.as_str(),
                    item.ask,
                    item.pending_in,
                    version,
                ],
            )?;
            tx.execute(
                "DELETE FROM roster_groups WHERE user = ?1 AND jid = ?2",
                [user, item.jid.as_str()],
            )?;
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO roster_groups (user, jid, name)
                 VALUES (?1, ?2, ?3)",
            )?;
            for group in &item.groups {
                insert.execute([user, item.jid.as_str(), group.as_str()])?;
            }
            Ok(version_to_u64(version))
        })
    }

    /// Removes a contact from the roster ([RFC 6121 § 2.5]). Returns the
    /// new roster version, or `None` (and changes nothing) if the contact
    /// was not in the roster.
    ///
    /// [RFC 6121 § 2.5]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.5
    pub fn remove_roster_item(
        &self,
        user: &str,
        jid: &str,
    ) -> Result<Option<u64>, StoreError> {
        self.write(|tx| {
            require_user(tx, user)?;
            // The groups go with it (ON DELETE CASCADE).
            let deleted = tx.execute(
                "DELETE FROM roster WHERE user = ?1 AND jid = ?2",
                [user, jid],
            )?;
            if deleted == 0 {
                return Ok(None);
            }
            let version = bump_roster_version(tx, user)?;
            tx.execute(
                "UPDATE users SET roster_removed = ?2 WHERE name = ?1",
                params![user, version],
            )?;
            Ok(Some(version_to_u64(version)))
        })
    }

    // ----- Subscription requests (RFC 6121 § 3.1.3) -----------------------

    /// Keeps an inbound subscription request (the `<presence
    /// type='subscribe'/>` stanza, as XML) until the user answers it: the
    /// server delivers it again at every login until then ([RFC 6121
    /// § 3.1.3]). A second request from the same contact replaces the
    /// first.
    ///
    /// [RFC 6121 § 3.1.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-3.1.3
    pub fn put_subscription_request(
        &self,
        user: &str,
        from: &str,
        xml: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_user(tx, user)?;
            // Delete and insert rather than update, so that the request
            // moves to the end of the arrival order.
            tx.execute(
                "DELETE FROM subscription_requests
                 WHERE user = ?1 AND contact = ?2",
                [user, from],
            )?;
            tx.execute(
                "INSERT INTO subscription_requests (user, contact, xml)
                 VALUES (?1, ?2, ?3)",
                [user, from, xml],
            )?;
            Ok(())
        })
    }

    /// The unanswered requests, as `(from, xml)`, oldest first.
    pub fn subscription_requests(
        &self,
        user: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        self.read(|tx| {
            require_user(tx, user)?;
            // A rowid table hands out increasing rowids while the newest
            // row is kept, so rowid order is arrival order.
            let mut stmt = tx.prepare(
                "SELECT contact, xml FROM subscription_requests
                 WHERE user = ?1 ORDER BY rowid",
            )?;
            let requests = stmt
                .query_map([user], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<Vec<(String, String)>, _>>()?;
            Ok(requests)
        })
    }

    /// Forgets a request once the user approved or denied it. Forgetting
    /// one that is not there is not an error.
    pub fn remove_subscription_request(
        &self,
        user: &str,
        from: &str,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_user(tx, user)?;
            tx.execute(
                "DELETE FROM subscription_requests
                 WHERE user = ?1 AND contact = ?2",
                [user, from],
            )?;
            Ok(())
        })
    }

    // ----- Offline messages (RFC 6121 § 8.5.2.1.1, XEP-0160) --------------

    /// Stores a message for an account with no available resource
    /// ([RFC 6121 § 8.5.2.1.1]), with the time it arrived. Returns its id.
    ///
    /// Fails with [`StoreError::OfflineFull`] when the account already has
    /// [`Store::MAX_OFFLINE_PER_USER`] messages waiting; the server then
    /// answers the sender `<service-unavailable/>` ([XEP-0160 § 2]).
    ///
    /// A clock set before 1970 is stored as 1970.
    ///
    /// [RFC 6121 § 8.5.2.1.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-8.5.2.1.1
    /// [XEP-0160 § 2]: https://xmpp.org/extensions/xep-0160.html#flow
    pub fn push_offline(
        &self,
        user: &str,
        xml: &str,
        stamp: SystemTime,
    ) -> Result<i64, StoreError> {
        let since_epoch = stamp.duration_since(UNIX_EPOCH).unwrap_or_default();
        // i64 milliseconds reach 292 million years past 1970.
        let stamp_ms =
            i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX);
        self.write(|tx| {
            require_user(tx, user)?;
            // Count and insert in one IMMEDIATE transaction: no other
            // writer can slip a message in between, so the cap holds.
            if count_offline(tx, user)? >= Store::MAX_OFFLINE_PER_USER {
                return Err(StoreError::OfflineFull {
                    user: user.to_owned(),
                    max: Store::MAX_OFFLINE_PER_USER,
                });
            }
            tx.execute(
                "INSERT INTO offline (user, xml, stamp_ms)
                 VALUES (?1, ?2, ?3)",
                params![user, xml, stamp_ms],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// The account's waiting messages, oldest first.
    pub fn offline(&self, user: &str) -> Result<Vec<Offline>, StoreError> {
        self.read(|tx| {
            require_user(tx, user)?;
            let mut stmt = tx.prepare(
                "SELECT id, xml, stamp_ms FROM offline
                 WHERE user = ?1 ORDER BY id",
            )?;
            let messages = stmt
                .query_map([user], |row| {
                    let stamp_ms: i64 = row.get(2)?;
                    Ok(Offline {
                        id: row.get(0)?,
                        xml: row.get(1)?,
                        stamp: stamp_from_millis(stamp_ms),
                    })
                })?
                .collect::<Result<Vec<Offline>, _>>()?;
            Ok(messages)
        })
    }

    /// Deletes delivered messages by id. Ids that are gone already are
    /// skipped.
    ///
    /// Call it only after the messages were written to the client's
    /// socket: if the server dies between reading and deleting, the
    /// messages are delivered twice rather than not at all, which is the
    /// better of the two failures for a chat.
    pub fn delete_offline(&self, ids: &[i64]) -> Result<(), StoreError> {
        self.write(|tx| {
            let mut delete = tx.prepare("DELETE FROM offline WHERE id = ?1")?;
            for id in ids {
                delete.execute([id])?;
            }
            Ok(())
        })
    }

    /// How many messages wait for the account.
    pub fn offline_count(&self, user: &str) -> Result<usize, StoreError> {
        self.read(|tx| {
            require_user(tx, user)?;
            count_offline(tx, user)
        })
    }

    // ----- vCards (XEP-0054) ----------------------------------------------

    /// The account's `<vCard/>` element as XML, if it has published one
    /// ([XEP-0054]).
    ///
    /// [XEP-0054]: https://xmpp.org/extensions/xep-0054.html
    pub fn vcard(&self, user: &str) -> Result<Option<String>, StoreError> {
        self.read(|tx| {
            require_user(tx, user)?;
            let xml = tx
                .query_row(
                    "SELECT xml FROM vcards WHERE user = ?1",
                    [user],
                    |row| row.get(0),
                )
                .optional()?;
            Ok(xml)
        })
    }

    /// Publishes (or replaces) the account's `<vCard/>`.
    pub fn set_vcard(&self, user: &str, xml: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            require_user(tx, user)?;
            tx.execute(
                "INSERT INTO vcards (user, xml) VALUES (?1, ?2)
                 ON CONFLICT (user) DO UPDATE SET xml = excluded.xml",
                [user, xml],
            )?;
            Ok(())
        })
    }
}

/// Per-connection settings; they are not stored in the file, so every
/// open sets them again.
fn configure(conn: &Connection, is_file: bool) -> rusqlite::Result<()> {
    if is_file {
        // Durability. In WAL mode a commit appends the transaction to the
        // `-wal` file beside the database; with synchronous=NORMAL that
        // append is a write() into the kernel's page cache, and the fsync
        // happens only at checkpoints. That is enough against a process
        // kill (SIGKILL, a panic, an OOM kill): once write() has returned
        // the data belongs to the kernel, which writes it out whether or
        // not the process lives, and on the next open SQLite replays the
        // WAL. It does not cover a power cut or a kernel crash: then the
        // transactions committed since the last checkpoint may be lost
        // (the file stays consistent, never half-written). Covering that
        // costs an fsync per commit (synchronous=FULL): a disk flush for
        // every stored message, more than a teaching server needs.
        //
        // The answer is the mode now in force: "wal", or the old mode on
        // a file system that cannot do WAL, where SQLite stays in its
        // rollback journal, just as atomic and slower.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| {
                row.get(0)
            })?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
    }
    // SQLite does not check REFERENCES (nor cascade) unless asked, on
    // every connection.
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(())
}

/// Brings the schema from the file's `user_version` up to
/// [`SCHEMA_VERSION`], one migration at a time, or refuses a file from the
/// future.
fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let open_error = |source| StoreError::Open {
        path: path.to_owned(),
        source,
    };
    // IMMEDIATE, and the version read inside: two processes opening a new
    // file at once cannot both create the tables.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(open_error)?;
    let found: i64 = tx
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(open_error)?;
    let Ok(done) = usize::try_from(found) else {
        return Err(schema_error(path, found));
    };
    if done > MIGRATIONS.len() {
        return Err(schema_error(path, found));
    }
    // Migration n (counting from 1) leaves the file at version n.
    for (version, sql) in (1_i64..).zip(MIGRATIONS).skip(done) {
        tx.execute_batch(sql).map_err(open_error)?;
        // user_version lives in the file's header page, which is part of
        // the transaction: the tables and the number commit together.
        tx.pragma_update(None, "user_version", version)
            .map_err(open_error)?;
    }
    tx.commit().map_err(open_error)
}

/// The error for a `user_version` this build cannot read.
fn schema_error(path: &str, found: i64) -> StoreError {
    StoreError::Schema {
        path: path.to_owned(),
        found,
        known: SCHEMA_VERSION,
    }
}

/// Whether the account exists.
fn exists(tx: &Transaction<'_>, user: &str) -> Result<bool, StoreError> {
    let found = tx
        .query_row("SELECT 1 FROM users WHERE name = ?1", [user], |_| Ok(()))
        .optional()?;
    Ok(found.is_some())
}

/// [`StoreError::NoSuchUser`] unless the account exists.
fn require_user(tx: &Transaction<'_>, user: &str) -> Result<(), StoreError> {
    if exists(tx, user)? {
        Ok(())
    } else {
        Err(StoreError::NoSuchUser(user.to_owned()))
    }
}

/// Inserts credentials for an existing account with none for these
/// mechanisms.
fn insert_credentials(
    tx: &Transaction<'_>,
    user: &str,
    credentials: &[Credential],
) -> Result<(), StoreError> {
    let mut insert = tx.prepare(
        "INSERT INTO credentials
             (user, mechanism, salt, iterations, stored_key, server_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for c in credentials {
        insert.execute(params![
            user,
            c.mechanism,
            c.salt,
            c.iterations,
            c.stored_key,
            c.server_key,
        ])?;
    }
    Ok(())
}

/// The account's roster version and the version of its latest removal.
fn roster_versions(
    tx: &Transaction<'_>,
    user: &str,
) -> Result<(u64, u64), StoreError> {
    let versions: Option<(i64, i64)> = tx
        .query_row(
            "SELECT roster_version, roster_removed FROM users
             WHERE name = ?1",
            [user],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    match versions {
        Some((version, removed)) => {
            Ok((version_to_u64(version), version_to_u64(removed)))
        }
        None => Err(StoreError::NoSuchUser(user.to_owned())),
    }
}

/// Adds one to the account's roster version and returns the new value.
fn bump_roster_version(
    tx: &Transaction<'_>,
    user: &str,
) -> Result<i64, StoreError> {
    tx.query_row(
        "UPDATE users SET roster_version = roster_version + 1
         WHERE name = ?1 RETURNING roster_version",
        [user],
        |row| row.get(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::NoSuchUser(user.to_owned()))
}

/// A version column as the `u64` the API speaks. The columns are checked
/// `>= 0` by the schema, so the fallback is never taken.
fn version_to_u64(version: i64) -> u64 {
    u64::try_from(version).unwrap_or(0)
}

/// The roster items changed after version `since` (all of them for 0),
/// sorted by JID, with their groups.
fn roster_items(
    tx: &Transaction<'_>,
    user: &str,
    since: u64,
) -> Result<Vec<RosterItem>, StoreError> {
    // A `since` beyond i64 is beyond every version: nothing changed after.
    let Ok(since) = i64::try_from(since) else {
        return Ok(Vec::new());
    };
    let mut stmt = tx.prepare(
        "SELECT jid, name, subscription, ask, pending_in FROM roster
         WHERE user = ?1 AND version > ?2 ORDER BY jid",
    )?;
    let mut items = stmt
        .query_map(params![user, since], item_from_row)?
        .collect::<Result<Vec<RosterItem>, _>>()?;
    for item in &mut items {
        item.groups = groups(tx, user, &item.jid)?;
    }
    Ok(items)
}

/// A roster row (`jid, name, subscription, ask, pending_in`) without its
/// groups.
fn item_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<RosterItem> {
    let subscription: String = row.get(2)?;
    // The CHECK constraint admits only the four values; a file edited by
    // hand could still hold another, and that is an error, not a panic.
    let subscription = Subscription::parse(&subscription).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            2,
            rusqlite::types::Type::Text,
            format!("{subscription:?} is not a subscription state").into(),
        )
    })?;
    Ok(RosterItem {
        jid: row.get(0)?,
        name: row.get(1)?,
        subscription,
        ask: row.get(3)?,
        pending_in: row.get(4)?,
        groups: Vec::new(),
    })
}

/// The groups of one roster item, sorted.
fn groups(
    tx: &Transaction<'_>,
    user: &str,
    jid: &str,
) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT name FROM roster_groups
         WHERE user = ?1 AND jid = ?2 ORDER BY name",
    )?;
    let groups = stmt
        .query_map([user, jid], |row| row.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(groups)
}

/// How many offline messages wait for the account.
fn count_offline(
    tx: &Transaction<'_>,
    user: &str,
) -> Result<usize, StoreError> {
    let count: i64 = tx.query_row(
        "SELECT COUNT(*) FROM offline WHERE user = ?1",
        [user],
        |row| row.get(0),
    )?;
    // COUNT(*) is never negative.
    Ok(usize::try_from(count).unwrap_or(0))
}

/// The inverse of the `stamp_ms` column. A negative value (only from a
/// file edited by hand) reads as 1970.
fn stamp_from_millis(ms: i64) -> SystemTime {
    let since_epoch = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
    UNIX_EPOCH.checked_add(since_epoch).unwrap_or(UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up credential; the store does not look inside.
    fn credential(mechanism: &str, byte: u8) -> Credential {
        Credential {
            mechanism: mechanism.to_owned(),
            salt: vec![byte; 16],
            iterations: 4096,
            stored_key: vec![byte.wrapping_add(1); 32],
            server_key: vec![byte.wrapping_add(2); 32],
        }
    }

    /// A store in memory with one account, `juliet`.
    fn store_with_juliet() -> Store {
        let store = Store::open(":memory:").expect("in-memory store opens");
        store
            .add_user("juliet", &[credential("SCRAM-SHA-1", 1)])
            .expect("new account");
        store
    }

    fn item(jid: &str, subscription: Subscription) -> RosterItem {
        RosterItem {
            jid: jid.to_owned(),
            name: None,
            subscription,
            ask: false,
            pending_in: false,
            groups: Vec::new(),
        }
    }

    /// A path in the system's temporary directory, unique to this test
    /// and this process; removed (with its WAL files) when dropped.
    struct TempDb(String);

    impl TempDb {
        fn new(name: &str) -> TempDb {
            let path = std::env::temp_dir().join(format!(
                "netlab-store-{}-{name}.sqlite",
                std::process::id()
            ));
            let db = TempDb(path.to_string_lossy().into_owned());
            db.remove();
            db
        }

        fn remove(&self) {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.0));
            }
        }
    }

    impl Drop for TempDb {
        fn drop(&mut self) {
            self.remove();
        }
    }

    #[test]
    fn add_duplicate_delete() -> Result<(), StoreError> {
        let store = store_with_juliet();
        assert!(store.user_exists("juliet")?);
        assert!(!store.user_exists("romeo")?);
        assert!(matches!(
            store.add_user("juliet", &[]),
            Err(StoreError::UserExists(name)) if name == "juliet"
        ));
        store.add_user("romeo", &[])?;
        assert_eq!(store.users()?, ["juliet", "romeo"]);

        store.delete_user("juliet")?;
        assert!(!store.user_exists("juliet")?);
        assert_eq!(store.users()?, ["romeo"]);
        assert!(matches!(
            store.delete_user("juliet"),
            Err(StoreError::NoSuchUser(_))
        ));
        // The name is free again.
        store.add_user("juliet", &[])?;
        Ok(())
    }

    #[test]
    fn delete_user_cascades() -> Result<(), StoreError> {
        let store = store_with_juliet();
        let mut nurse = item("nurse@example.com", Subscription::Both);
        nurse.groups = vec!["Household".into()];
        store.put_roster_item("juliet", &nurse)?;
        store.put_subscription_request(
            "juliet",
            "romeo@example.net",
            "<p/>",
        )?;
        store.push_offline("juliet", "<message/>", SystemTime::now())?;
        store.set_vcard("juliet", "<vCard/>")?;

        store.delete_user("juliet")?;

        // Not a row is left in any table.
        let conn = store.conn();
        for table in [
            "credentials",
            "roster",
            "roster_groups",
            "subscription_requests",
            "offline",
            "vcards",
        ] {
            let rows: i64 = conn.query_row(
                &format!("SELECT COUNT(*) FROM {table}"),
                [],
                |r| r.get(0),
            )?;
            assert_eq!(rows, 0, "{table} still has rows");
        }
        Ok(())
    }

    #[test]
    fn unknown_user_is_an_error() -> Result<(), StoreError> {
        let store = store_with_juliet();
        assert!(matches!(
            store.roster("romeo"),
            Err(StoreError::NoSuchUser(_))
        ));
        assert!(matches!(
            store.put_roster_item("romeo", &item("a@b", Subscription::None)),
            Err(StoreError::NoSuchUser(_))
        ));
        assert!(matches!(
            store.push_offline("romeo", "<message/>", SystemTime::now()),
            Err(StoreError::NoSuchUser(_))
        ));
        assert!(matches!(
            store.set_vcard("romeo", "<vCard/>"),
            Err(StoreError::NoSuchUser(_))
        ));
        assert!(matches!(
            store.set_credentials("romeo", &[]),
            Err(StoreError::NoSuchUser(_))
        ));
        let message = StoreError::NoSuchUser("romeo".into()).to_string();
        assert_eq!(message, "there is no account \"romeo\"");
        Ok(())
    }

    #[test]
    fn credentials_round_trip() -> Result<(), StoreError> {
        let store = Store::open(":memory:")?;
        let sha1 = credential("SCRAM-SHA-1", 7);
        let sha256 = credential("SCRAM-SHA-256", 9);
        store.add_user("juliet", &[sha1.clone(), sha256.clone()])?;
        assert_eq!(store.credential("juliet", "SCRAM-SHA-1")?, Some(sha1));
        assert_eq!(store.credential("juliet", "SCRAM-SHA-256")?, Some(sha256));
        assert_eq!(store.credential("juliet", "PLAIN")?, None);
        // An unknown account looks the same as an unknown mechanism.
        assert_eq!(store.credential("romeo", "SCRAM-SHA-1")?, None);

        // A password change replaces every mechanism's keys.
        let new = credential("SCRAM-SHA-256", 42);
        store.set_credentials("juliet", std::slice::from_ref(&new))?;
        assert_eq!(store.credential("juliet", "SCRAM-SHA-1")?, None);
        assert_eq!(store.credential("juliet", "SCRAM-SHA-256")?, Some(new));
        Ok(())
    }

    #[test]
    fn subscription_strings() {
        for s in [
            Subscription::None,
            Subscription::To,
            Subscription::From,
            Subscription::Both,
        ] {
            assert_eq!(Subscription::parse(s.as_str()), Some(s));
        }
        assert_eq!(Subscription::parse("remove"), None);
        assert_eq!(Subscription::parse("Both"), None);
    }

    #[test]
    fn roster_put_get_remove_with_versions() -> Result<(), StoreError> {
        let store = store_with_juliet();
        assert_eq!(store.roster("juliet")?, (0, Vec::new()));

        let mut romeo = item("romeo@example.net", Subscription::None);
        romeo.name = Some("Romeo".into());
        romeo.ask = true;
        romeo.groups = vec!["Lovers".into(), "Friends".into()];
        let v1 = store.put_roster_item("juliet", &romeo)?;
        assert_eq!(v1, 1);

        let mut nurse = item("nurse@example.com", Subscription::From);
        nurse.pending_in = true;
        let v2 = store.put_roster_item("juliet", &nurse)?;
        assert!(v2 > v1);

        // Groups come back sorted; items sorted by JID.
        let mut romeo_sorted = romeo.clone();
        romeo_sorted.groups = vec!["Friends".into(), "Lovers".into()];
        assert_eq!(
            store.roster("juliet")?,
            (v2, vec![nurse.clone(), romeo_sorted.clone()])
        );
        assert_eq!(
            store.roster_item("juliet", "romeo@example.net")?,
            Some(romeo_sorted)
        );
        assert_eq!(store.roster_item("juliet", "tybalt@x")?, None);

        // Replacing changes the groups too, and bumps the version.
        romeo.subscription = Subscription::Both;
        romeo.ask = false;
        romeo.groups = vec!["Lovers".into(), "Lovers".into()];
        let v3 = store.put_roster_item("juliet", &romeo)?;
        assert!(v3 > v2);
        let got = store.roster_item("juliet", "romeo@example.net")?;
        let got = got.expect("romeo is in the roster");
        assert_eq!(got.subscription, Subscription::Both);
        assert!(!got.ask);
        assert_eq!(got.groups, ["Lovers"]);

        // Removing: a new version, the groups go too.
        let v4 = store.remove_roster_item("juliet", "romeo@example.net")?;
        assert!(v4.is_some_and(|v4| v4 > v3));
        assert_eq!(
            store.remove_roster_item("juliet", "romeo@example.net")?,
            None
        );
        let (version, items) = store.roster("juliet")?;
        assert_eq!(Some(version), v4);
        assert_eq!(items, [nurse]);
        let groups: i64 = store.conn().query_row(
            "SELECT COUNT(*) FROM roster_groups",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(groups, 0);
        Ok(())
    }

    #[test]
    fn roster_changes_since_a_version() -> Result<(), StoreError> {
        let store = store_with_juliet();
        let a = item("a@example.com", Subscription::Both);
        let b = item("b@example.com", Subscription::To);
        let v1 = store.put_roster_item("juliet", &a)?;
        let v2 = store.put_roster_item("juliet", &b)?;

        assert_eq!(
            store.roster_changes("juliet", v1)?,
            Some((v2, vec![b.clone()]))
        );
        assert_eq!(store.roster_changes("juliet", v2)?, Some((v2, Vec::new())));
        // A version from the future: send everything.
        assert_eq!(store.roster_changes("juliet", v2 + 1)?, None);

        // After a removal, older versions cannot be brought up to date.
        let v3 = store
            .remove_roster_item("juliet", "a@example.com")?
            .expect("a was there");
        assert_eq!(store.roster_changes("juliet", v2)?, None);
        assert_eq!(store.roster_changes("juliet", v3)?, Some((v3, Vec::new())));
        Ok(())
    }

    #[test]
    fn subscription_requests_kept_replaced_removed() -> Result<(), StoreError> {
        let store = store_with_juliet();
        let romeo = "romeo@example.net";
        let paris = "paris@example.org";
        store.put_subscription_request("juliet", romeo, "<presence n='1'/>")?;
        store.put_subscription_request("juliet", paris, "<presence n='2'/>")?;
        // Romeo asks again: one request, the newest, now last.
        store.put_subscription_request("juliet", romeo, "<presence n='3'/>")?;
        assert_eq!(
            store.subscription_requests("juliet")?,
            [
                (paris.to_owned(), "<presence n='2'/>".to_owned()),
                (romeo.to_owned(), "<presence n='3'/>".to_owned()),
            ]
        );
        store.remove_subscription_request("juliet", paris)?;
        store.remove_subscription_request("juliet", paris)?;
        assert_eq!(
            store.subscription_requests("juliet")?,
            [(romeo.to_owned(), "<presence n='3'/>".to_owned())]
        );
        Ok(())
    }

    #[test]
    fn offline_push_list_delete_in_order() -> Result<(), StoreError> {
        let store = store_with_juliet();
        let t0 = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let t1 = t0 + Duration::from_secs(5);
        let first = store.push_offline("juliet", "<message n='1'/>", t0);
        let second = store.push_offline("juliet", "<message n='2'/>", t1);
        let (first, second) = (first?, second?);
        assert!(second > first);
        assert_eq!(store.offline_count("juliet")?, 2);
        assert_eq!(
            store.offline("juliet")?,
            [
                Offline {
                    id: first,
                    xml: "<message n='1'/>".into(),
                    stamp: t0
                },
                Offline {
                    id: second,
                    xml: "<message n='2'/>".into(),
                    stamp: t1
                },
            ]
        );
        store.delete_offline(&[first])?;
        let left = store.offline("juliet")?;
        assert_eq!(left.iter().map(|m| m.id).collect::<Vec<_>>(), [second]);
        // Deleting again, or an id that never was, is harmless.
        store.delete_offline(&[first, second, 9999])?;
        assert_eq!(store.offline_count("juliet")?, 0);
        // Ids are not reused after a delete.
        let third = store.push_offline("juliet", "<message/>", t1)?;
        assert!(third > second);
        Ok(())
    }

    #[test]
    fn offline_cap_per_user() -> Result<(), StoreError> {
        let store = store_with_juliet();
        store.add_user("romeo", &[])?;
        let now = SystemTime::now();
        for _ in 0..Store::MAX_OFFLINE_PER_USER {
            store.push_offline("juliet", "<message/>", now)?;
        }
        let full = store.push_offline("juliet", "<message/>", now);
        assert!(matches!(
            full,
            Err(StoreError::OfflineFull { ref user, max })
                if user == "juliet" && max == Store::MAX_OFFLINE_PER_USER
        ));
        assert!(
            full.expect_err("the queue is full")
                .to_string()
                .contains("service-unavailable")
        );
        assert_eq!(store.offline_count("juliet")?, Store::MAX_OFFLINE_PER_USER);
        // The cap is per account: Romeo's queue is empty.
        store.push_offline("romeo", "<message/>", now)?;
        // Delivering one makes room for one.
        let oldest = store.offline("juliet")?[0].id;
        store.delete_offline(&[oldest])?;
        store.push_offline("juliet", "<message/>", now)?;
        Ok(())
    }

    #[test]
    fn vcard_set_get_replace() -> Result<(), StoreError> {
        let store = store_with_juliet();
        assert_eq!(store.vcard("juliet")?, None);
        store.set_vcard(
            "juliet",
            "<vCard xmlns='vcard-temp'><FN>J</FN></vCard>",
        )?;
        store.set_vcard(
            "juliet",
            "<vCard xmlns='vcard-temp'><FN>JC</FN></vCard>",
        )?;
        assert_eq!(
            store.vcard("juliet")?.as_deref(),
            Some("<vCard xmlns='vcard-temp'><FN>JC</FN></vCard>")
        );
        Ok(())
    }

    #[test]
    fn data_survives_reopening_the_file() -> Result<(), StoreError> {
        let db = TempDb::new("reopen");
        let stamp = UNIX_EPOCH + Duration::from_millis(1_712_345_678_901);
        let mut romeo = item("romeo@example.net", Subscription::Both);
        romeo.groups = vec!["Lovers".into()];
        {
            let store = Store::open(&db.0)?;
            store.add_user("juliet", &[credential("SCRAM-SHA-256", 3)])?;
            store.put_roster_item("juliet", &romeo)?;
            store.put_subscription_request(
                "juliet",
                "paris@x",
                "<presence/>",
            )?;
            store.push_offline("juliet", "<message/>", stamp)?;
            store.set_vcard("juliet", "<vCard/>")?;
            // Dropped here, as when the server stops.
        }
        let store = Store::open(&db.0)?;
        assert_eq!(store.users()?, ["juliet"]);
        assert_eq!(
            store.credential("juliet", "SCRAM-SHA-256")?,
            Some(credential("SCRAM-SHA-256", 3))
        );
        assert_eq!(store.roster("juliet")?, (1, vec![romeo]));
        assert_eq!(store.subscription_requests("juliet")?.len(), 1);
        let offline = store.offline("juliet")?;
        assert_eq!(offline.len(), 1);
        assert_eq!(offline[0].stamp, stamp);
        assert_eq!(store.vcard("juliet")?.as_deref(), Some("<vCard/>"));
        let mode: String =
            store
                .conn()
                .pragma_query_value(None, "journal_mode", |r| r.get(0))?;
        assert_eq!(mode, "wal");
        Ok(())
    }

    #[test]
    fn newer_schema_is_refused() -> Result<(), StoreError> {
        let db = TempDb::new("newer");
        drop(Store::open(&db.0)?);
        {
            let conn = Connection::open(&db.0)?;
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        }
        let err = Store::open(&db.0).expect_err("open must fail");
        assert!(
            matches!(
                err,
                StoreError::Schema { found, known, .. }
                    if found == SCHEMA_VERSION + 1 && known == SCHEMA_VERSION
            ),
            "{err:?}"
        );
        let message = err.to_string();
        assert!(message.contains(&db.0), "{message}");
        assert!(message.contains("newer netlab"), "{message}");
        Ok(())
    }

    #[test]
    fn missing_directory_names_the_path() {
        let dir = std::env::temp_dir()
            .join(format!("netlab-store-{}-no-such-dir", std::process::id()));
        let path = dir.join("server.sqlite");
        let path = path.to_string_lossy();
        let err = Store::open(&path).expect_err("open must fail");
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
        let message = err.to_string();
        assert!(message.contains(path.as_ref()), "{message}");
        assert!(!dir.exists(), "open must not create the directory");
    }

    #[test]
    fn not_a_database_names_the_path() -> Result<(), StoreError> {
        let db = TempDb::new("garbage");
        std::fs::write(&db.0, b"this is not an SQLite file, not at all!!")
            .expect("the temporary directory is writable");
        let err = Store::open(&db.0).expect_err("open must fail");
        assert!(err.to_string().contains(&db.0), "{err}");
        Ok(())
    }
}
