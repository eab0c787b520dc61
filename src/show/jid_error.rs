//! Why a string is not a JID, in the reader's language.
//!
//! [`JidError`] (`src/xmpp/jid.rs`) names the rule a string breaks and
//! its section of RFC 7622; its `Display` is the English sentence, kept
//! for logs and errors. A lesson shows the same sentence from the
//! message catalogue (`locales/*/lesson03.ftl`), built from the error's
//! fields, so that it can be read in Chinese too. The English messages
//! say exactly what `Display` says.
//!
//! Read before: [`crate::xmpp::jid`]. Used by lesson 3 (the `jids` step,
//! and the notes on a stanza's `to`). Spec: [RFC 7622 § 3].
//!
//! [RFC 7622 § 3]: https://datatracker.ietf.org/doc/html/rfc7622#section-3

use crate::xmpp::jid::{JidError, LOCALPART_FORBIDDEN, Part};

/// The rule `err` names, as a sentence.
pub fn explain(err: &JidError) -> String {
    match err {
        JidError::Empty => crate::tr!("jid-error-empty"),
        JidError::EmptyPart { part, jid } => {
            let place = match part {
                Part::Localpart => crate::tr!("jid-where-local"),
                Part::Domainpart => crate::tr!("jid-where-domain"),
                Part::Resourcepart => crate::tr!("jid-where-resource"),
            };
            crate::tr!(
                "jid-error-empty-part",
                part = name(*part),
                jid = jid.as_str(),
                place = place,
                section = part.section()
            )
        }
        JidError::TooLong { part, len } => {
            crate::tr!("jid-error-too-long", part = name(*part), len = *len)
        }
        JidError::ForbiddenChar { part, text, ch } => {
            // The same choice as `forbidden_rule` in src/xmpp/jid.rs.
            let rule = match part {
                Part::Localpart if LOCALPART_FORBIDDEN.contains(ch) => {
                    crate::tr!("jid-forbidden-reserved")
                }
                Part::Localpart if ch.is_whitespace() => {
                    crate::tr!("jid-forbidden-space")
                }
                Part::Localpart | Part::Resourcepart => {
                    crate::tr!("jid-forbidden-control")
                }
                Part::Domainpart => crate::tr!("jid-forbidden-dns"),
            };
            crate::tr!(
                "jid-error-forbidden",
                part = name(*part),
                text = text.as_str(),
                char = format!("{ch:?}"),
                rule = rule,
                section = part.section()
            )
        }
        JidError::EmptyLabel { domain } => {
            crate::tr!("jid-error-empty-label", domain = domain.as_str())
        }
        JidError::BadIpLiteral { domain } => {
            crate::tr!("jid-error-ip-literal", domain = domain.as_str())
        }
    }
}

/// `localpart`, `domainpart`, `resourcepart`.
fn name(part: Part) -> String {
    match part {
        Part::Localpart => crate::tr!("jid-part-local"),
        Part::Domainpart => crate::tr!("jid-part-domain"),
        Part::Resourcepart => crate::tr!("jid-part-resource"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::jid::Jid;

    /// In English the catalogue says what `Display` says, for every
    /// kind of error.
    #[test]
    fn english_is_the_error_s_own_sentence() {
        let long = format!("{}@localhost", "a".repeat(1024));
        for text in [
            "",
            "@localhost",
            "alice@",
            "alice@localhost/",
            "alice smith@localhost",
            "al:ice@localhost",
            "alice@exa_mple.com",
            "alice@example..com",
            "alice@[::1",
            long.as_str(),
        ] {
            let err = Jid::parse(text).expect_err(text);
            assert_eq!(explain(&err), err.to_string(), "{text:?}");
        }
    }
}
