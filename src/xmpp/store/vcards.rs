//! vCards, the profile a user publishes: the `vcards` table
//! ([XEP-0054]).
//!
//! One `<vCard/>` element per account, kept as XML text: the server does
//! not look inside, it keeps what the user published and hands it to
//! whoever asks.
//!
//! Read before: `offline.rs`. Read next: `../server/iq.rs`, which answers
//! vCard requests from here.
//!
//! [XEP-0054]: https://xmpp.org/extensions/xep-0054.html

use rusqlite::OptionalExtension;

use super::{Store, StoreError, require_user};

impl Store {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::store::tests::store_with_juliet;

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
}
