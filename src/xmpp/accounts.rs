//! Accounts: `netlab xmpp adduser | passwd | deluser`, and the bridge
//! between SCRAM's keys ([`super::scram`]) and their rows in the store
//! ([`super::store`]).
//!
//! When an account is created, the password is turned into SCRAM keys for
//! both hashes the server offers (SHA-1 and SHA-256, RFC 5802 § 3) and then
//! forgotten: the database holds a salt, an iteration count and two derived
//! keys per hash. Someone who copies the database can neither read the
//! password nor log in with what they copied (they would need the
//! `ClientKey`, which is never stored).

use super::jid::Jid;
use super::scram::{Hash, StoredKeys};
use super::store::{Credential, Store, StoreError};

/// Why an account command failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The JID is not an account on this server.
    #[error(
        "'{jid}' is not an account JID: write it as user@{domain} \
         (a localpart, then this server's domain, no resource)"
    )]
    NotAnAccount {
        /// What was given.
        jid: String,
        /// The server's domain.
        domain: String,
    },
    /// An empty password.
    #[error("the password is empty")]
    EmptyPassword,
    /// The store refused.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The localpart of `jid` if it is an account of `domain`.
pub fn account(jid: &str, domain: &str) -> Result<String, AccountError> {
    let not = || AccountError::NotAnAccount {
        jid: jid.to_owned(),
        domain: domain.to_owned(),
    };
    let parsed = Jid::parse(jid).map_err(|_| not())?;
    match (parsed.local(), parsed.resource()) {
        (Some(local), None) if parsed.domain() == domain => {
            Ok(local.to_owned())
        }
        _ => Err(not()),
    }
}

/// Derives the stored credentials for a password, one per SCRAM hash.
pub fn credentials(password: &str) -> Result<Vec<Credential>, AccountError> {
    if password.is_empty() {
        return Err(AccountError::EmptyPassword);
    }
    Ok([Hash::Sha1, Hash::Sha256]
        .into_iter()
        .map(|hash| to_credential(&StoredKeys::generate(hash, password)))
        .collect())
}

/// Creates an account.
pub fn add(
    store: &Store,
    jid: &str,
    domain: &str,
    password: &str,
) -> Result<String, AccountError> {
    let user = account(jid, domain)?;
    store.add_user(&user, &credentials(password)?)?;
    Ok(user)
}

/// Changes an account's password.
pub fn passwd(
    store: &Store,
    jid: &str,
    domain: &str,
    password: &str,
) -> Result<String, AccountError> {
    let user = account(jid, domain)?;
    store.set_credentials(&user, &credentials(password)?)?;
    Ok(user)
}

/// Deletes an account with its roster, offline messages and vCard.
pub fn delete(
    store: &Store,
    jid: &str,
    domain: &str,
) -> Result<String, AccountError> {
    let user = account(jid, domain)?;
    store.delete_user(&user)?;
    Ok(user)
}

/// SCRAM keys as a store row.
pub fn to_credential(keys: &StoredKeys) -> Credential {
    Credential {
        mechanism: keys.hash.mechanism().to_owned(),
        salt: keys.salt.clone(),
        iterations: keys.iterations,
        stored_key: keys.stored_key.clone(),
        server_key: keys.server_key.clone(),
    }
}

/// A store row as SCRAM keys (`None` for an unknown mechanism).
pub fn to_keys(credential: &Credential) -> Option<StoredKeys> {
    Some(StoredKeys {
        hash: Hash::from_mechanism(&credential.mechanism)?,
        salt: credential.salt.clone(),
        iterations: credential.iterations,
        stored_key: credential.stored_key.clone(),
        server_key: credential.server_key.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_accounts_of_this_domain_are_accepted() {
        assert_eq!(
            account("Juliet@localhost", "localhost").ok().as_deref(),
            Some("juliet")
        );
        for bad in [
            "localhost",
            "juliet@example.com",
            "juliet@localhost/phone",
            "@@",
        ] {
            assert!(account(bad, "localhost").is_err(), "{bad}");
        }
    }

    #[test]
    fn the_password_is_not_in_the_store() {
        let store = Store::open(":memory:").expect("store");
        add(&store, "juliet@localhost", "localhost", "wherefore").expect("add");
        let row = store
            .credential("juliet", "SCRAM-SHA-256")
            .expect("query")
            .expect("row");
        let keys = to_keys(&row).expect("keys");
        assert!(keys.matches_password("wherefore"));
        assert!(!keys.matches_password("art thou"));
        let all = format!("{row:?}");
        assert!(!all.contains("wherefore"));
        assert!(matches!(
            add(&store, "juliet@localhost", "localhost", "x"),
            Err(AccountError::Store(StoreError::UserExists(_)))
        ));
        passwd(&store, "juliet@localhost", "localhost", "romeo")
            .expect("passwd");
        let keys = to_keys(
            &store
                .credential("juliet", "SCRAM-SHA-1")
                .expect("q")
                .expect("row"),
        )
        .expect("keys");
        assert!(keys.matches_password("romeo"));
        delete(&store, "juliet@localhost", "localhost").expect("delete");
        assert!(!store.user_exists("juliet").expect("q"));
    }
}
