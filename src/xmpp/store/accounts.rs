//! Accounts and how they prove their password: the `users` and
//! `credentials` tables.
//!
//! An account is a name that may log in ([RFC 6120 § 6]). It proves its
//! password with one [`Credential`] per SCRAM mechanism ([RFC 5802 § 3],
//! [RFC 7677]): the keys that `../accounts.rs` derives from the password
//! with `../scram/`, never the password itself. `netlab xmpp adduser`
//! creates accounts here; the server reads a credential at every login.
//!
//! Read before: `mod.rs` (the schema). Read next: `roster.rs`.
//!
//! [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
//! [RFC 6120 § 6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6
//! [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, exists, require_user};

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

impl Store {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::store::tests::{credential, store_with_juliet};

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
}
