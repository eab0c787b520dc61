//! Messages waiting for their recipient: the `offline` table
//! ([RFC 6121 § 8.5.2.1.1], [XEP-0160]).
//!
//! A message to an account with no available resource is kept with the
//! time it arrived, and delivered when the user next comes online, with
//! that time in a `<delay/>` ([XEP-0203]). It is deleted only once it has
//! been written to the client. An account may have at most
//! [`Store::MAX_OFFLINE_PER_USER`] messages waiting, so that a sender
//! cannot fill the disk.
//!
//! Read before: `subscription_requests.rs`. Read next: `vcards.rs`.
//!
//! [RFC 6121 § 8.5.2.1.1]: https://datatracker.ietf.org/doc/html/rfc6121#section-8.5.2.1.1
//! [XEP-0160]: https://xmpp.org/extensions/xep-0160.html
//! [XEP-0203]: https://xmpp.org/extensions/xep-0203.html

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Transaction, params};

use super::{Store, StoreError, require_user};

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

impl Store {
    /// The most messages kept for one account. Beyond it
    /// [`Store::push_offline`] fails with [`StoreError::OfflineFull`], so a
    /// sender cannot fill the disk by writing to an account nobody reads.
    pub const MAX_OFFLINE_PER_USER: usize = 1000;

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
    use crate::xmpp::store::tests::store_with_juliet;

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
}
