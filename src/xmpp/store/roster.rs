//! Rosters, the contact lists: the `roster` and `roster_groups` tables,
//! and the roster version kept with each account ([RFC 6121 § 2]).
//!
//! One [`RosterItem`] per contact, with the name and groups the user gave
//! it and the [`Subscription`] state that says who sees whose presence
//! ([RFC 6121 § 2.1]). Every change bumps the account's roster version,
//! which the server sends as `ver`, so that a client that cached one
//! version is sent only what changed since ([RFC 6121 § 2.6]). A removed
//! contact leaves no row to list as a change, so the version of the latest
//! removal is kept too.
//!
//! Read before: `accounts.rs`. Read next: `subscription_requests.rs`.
//!
//! [RFC 6121 § 2]: https://datatracker.ietf.org/doc/html/rfc6121#section-2
//! [RFC 6121 § 2.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.1
//! [RFC 6121 § 2.6]: https://datatracker.ietf.org/doc/html/rfc6121#section-2.6

use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, require_user};

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

impl Store {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::store::tests::{item, store_with_juliet};

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
}
