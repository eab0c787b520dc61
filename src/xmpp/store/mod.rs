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
//! **The files**, one per kind of thing stored, each with its methods on
//! [`Store`]: `accounts.rs` (`users`, `credentials`), `roster.rs`
//! (`roster`, `roster_groups`), `subscription_requests.rs`, `offline.rs`,
//! `vcards.rs`. This file opens the store: the connection and its
//! settings, the schema and its migrations, and the transactions every
//! call runs in.
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
use std::time::Duration;

use rusqlite::{
    Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior,
};

mod accounts;
mod offline;
mod roster;
mod subscription_requests;
mod vcards;

pub use accounts::Credential;
pub use offline::Offline;
pub use roster::{RosterItem, Subscription};

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

/// The server's persistent state: one SQLite connection behind a lock.
///
/// `Store` is `Sync`, so the server shares one in an `Arc`. The lock makes
/// the calls take turns; each is a single short transaction.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
}

impl Store {
    /// Opens the database at `path`, creating the file if it is missing
    /// (but not its directory), and brings its schema up to date.
    /// `":memory:"` opens a fresh database that lives as long as the
    /// `Store`.
    ///
    /// A new file is created readable by its owner only (0600): it holds
    /// every account's salt and SCRAM keys, enough for an offline
    /// dictionary attack. SQLite gives its `-wal` and `-shm` files the
    /// database file's mode, so they are private too. An existing file is
    /// left as it is: [`loose_permissions`] says what to fix.
    pub fn open(path: &str) -> Result<Store, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        if path != ":memory:" {
            create_private(path).map_err(|e| StoreError::Open {
                path: path.to_owned(),
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                    Some(e.to_string()),
                ),
            })?;
        }
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
}

/// Per-connection settings; they are not stored in the file, so every
/// open sets them again.
/// Creates `path` empty with mode 0600, unless it exists.
fn create_private(path: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The database's files (`path`, its `-wal` and `-shm`) that others may
/// read or write, each as a warning with the `chmod` line that fixes it.
pub fn loose_permissions(path: &str) -> Vec<String> {
    use std::os::unix::fs::PermissionsExt;
    ["", "-wal", "-shm"]
        .iter()
        .map(|suffix| format!("{path}{suffix}"))
        .filter_map(|file| {
            let mode = std::fs::metadata(&file).ok()?.permissions().mode();
            (mode & 0o077 != 0).then(|| {
                format!(
                    "{file} can be read by other users (mode {:o}): it holds \
                     the accounts' salts and keys; fix: chmod 600 {file}",
                    mode & 0o777
                )
            })
        })
        .collect()
}

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

#[cfg(test)]
mod tests {
    //! The store as a whole: opening, the schema, what every table shares.
    //! The helpers here are shared with the tests of each table's file.

    use super::*;
    use std::time::{SystemTime, UNIX_EPOCH};

    /// A made-up credential; the store does not look inside.
    pub(super) fn credential(mechanism: &str, byte: u8) -> Credential {
        Credential {
            mechanism: mechanism.to_owned(),
            salt: vec![byte; 16],
            iterations: 4096,
            stored_key: vec![byte.wrapping_add(1); 32],
            server_key: vec![byte.wrapping_add(2); 32],
        }
    }

    /// A store in memory with one account, `juliet`.
    pub(super) fn store_with_juliet() -> Store {
        let store = Store::open(":memory:").expect("in-memory store opens");
        store
            .add_user("juliet", &[credential("SCRAM-SHA-1", 1)])
            .expect("new account");
        store
    }

    pub(super) fn item(jid: &str, subscription: Subscription) -> RosterItem {
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

    #[test]
    fn a_new_database_and_its_log_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir()
            .join(format!("netlab-store-mode-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("x.sqlite").to_string_lossy().into_owned();
        let store = Store::open(&path).expect("opens");
        store.add_user("juliet", &[]).ok();
        let mode = |f: &str| {
            std::fs::metadata(f).expect("exists").permissions().mode() & 0o777
        };
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&format!("{path}-wal")), 0o600);
        assert_eq!(mode(&format!("{path}-shm")), 0o600);
        assert!(loose_permissions(&path).is_empty());
        drop(store);
        // One made by someone else, world-readable: a warning that says
        // how to fix it.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        let warnings = loose_permissions(&path);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].ends_with(&format!("fix: chmod 600 {path}")));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
