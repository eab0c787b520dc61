//! Subscription requests waiting for an answer: the
//! `subscription_requests` table ([RFC 6121 § 3.1.3]).
//!
//! When a contact asks to see an account's presence, the request (the
//! `<presence type='subscribe'/>` stanza, as XML) is kept until the user
//! approves or denies it, and delivered again at every login until then.
//! That the contact is waiting ("Pending In") is also in the contact's
//! roster item (`roster.rs`); this table keeps the stanza to show.
//!
//! Read before: `roster.rs`. Read next: `offline.rs`.
//!
//! [RFC 6121 § 3.1.3]: https://datatracker.ietf.org/doc/html/rfc6121#section-3.1.3

use super::{Store, StoreError, require_user};

impl Store {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::store::tests::store_with_juliet;

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
}
