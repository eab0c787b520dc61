//! Names across the gateway: IRC nicks ↔ XMPP addresses (JIDs).
//!
//! A gateway must let each side address the people of the other side with
//! the addresses *it* knows. Two directions, two rules:
//!
//! ```text
//! IRC user   mallory          ─►  XMPP sees  mallory@gw.localhost
//! XMPP user  alice@localhost  ─►  IRC sees   alice|localhost
//!            john.doe@a.example   ─►          john\2edoe|a\2eexample
//! ```
//!
//! **IRC → XMPP.** An IRC user becomes a user of the gateway's own domain,
//! as [XEP-0100 § 4] has legacy users appear (`user@gateway.domain`). Every
//! character a nick may contain ([RFC 2812 § 2.3.1]: letters, digits,
//! `[ ] \ ` _ ^ { | } -`) is allowed in a JID localpart ([RFC 7622
//! § 3.3.1] forbids only `" & ' / : < > @`, spaces and controls), so the
//! nick is used as it is, lower-cased: JID localparts are case-folded, and
//! IRC nicks are case-insensitive too.
//!
//! **XMPP → IRC.** A bare JID `local@domain` becomes the nick
//! `local|domain`. `|` is a character nicks may contain but that never
//! appears in a JID's domain, so the *last* `|` splits the nick again.
//! Characters a nick cannot hold (`.`, `@`, non-ASCII letters, …), and the
//! escape character `\` and the separator `|` themselves, are written as
//! `\` and two hex digits per byte of UTF-8, the way [XEP-0106] escapes
//! JIDs (`.` is `\2e`, `@` is `\40`). Plain names stay readable; everything
//! else still maps back exactly. The nick may be longer than the 9
//! characters of RFC 2812: the gateway announces `NICKLEN` in its welcome
//! (the `005` reply), as every IRC server does today.
//!
//! Nicks containing `|` are therefore XMPP users: a real IRC user may not
//! take one (the gateway answers `432 Erroneous nickname`), or they could
//! pass as someone from XMPP. Only bare JIDs map: a resource would not fit
//! into a nick, and the XMPP server routes a message to the bare JID to the
//! user's best client anyway (RFC 6121 § 8.5.2).
//!
//! Read before: `irc.rs`. Read next: `bridge.rs`, which uses these to
//! translate. Book: `book/src/lesson-04.md`. Run: `netlab xmpp gateway`,
//! then `/whois alice|localhost` in an IRC client shows the JID behind a
//! nick.
//!
//! [XEP-0100 § 4]: https://xmpp.org/extensions/xep-0100.html#addressing
//! [XEP-0106]: https://xmpp.org/extensions/xep-0106.html
//! [RFC 2812 § 2.3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3.1
//! [RFC 7622 § 3.3.1]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.3.1

use crate::xmpp::jid::Jid;

/// The longest nick the gateway accepts or makes, announced to clients as
/// `NICKLEN` (RFC 2812 § 1.2.1 says 9, which no server keeps to today).
pub const NICKLEN: usize = 64;

/// Separates the localpart from the domain in an XMPP user's nick.
pub const SEPARATOR: char = '|';

/// Starts a `\XX` escape.
const ESCAPE: char = '\\';

/// Why a nick is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NickError {
    /// Nothing given.
    #[error("no nickname given")]
    Empty,
    /// Longer than [`NICKLEN`].
    #[error("a nickname has at most {NICKLEN} characters")]
    TooLong,
    /// A character outside RFC 2812's nickname grammar.
    #[error(
        "{0:?} may not appear in a nickname: letters, digits and \
         [ ] \\ ` _ ^ {{ }} - only, not starting with a digit or - \
         (RFC 2812 § 2.3.1)"
    )]
    BadChar(char),
    /// A nick with `|`, which is reserved for XMPP users.
    #[error(
        "nicknames with | are XMPP users of this gateway (alice|localhost \
         is alice@localhost); pick one without |"
    )]
    Reserved,
}

/// Whether `c` is one of RFC 2812's `special` characters:
/// `special = %x5B-60 / %x7B-7D` (`[ \ ] ^ _ `` ` `` { | }`).
fn is_special(c: char) -> bool {
    matches!(c, '['..='`' | '{'..='}')
}

/// Checks a nick a real IRC client asks for ([RFC 2812 § 2.3.1]:
/// `nickname = ( letter / special ) *8( letter / digit / special / "-" )`,
/// with our longer [`NICKLEN`]), and that it is not an XMPP user's.
///
/// [RFC 2812 § 2.3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3.1
pub fn check_irc_nick(nick: &str) -> Result<(), NickError> {
    let mut chars = nick.chars();
    let Some(first) = chars.next() else {
        return Err(NickError::Empty);
    };
    if nick.chars().count() > NICKLEN {
        return Err(NickError::TooLong);
    }
    if !(first.is_ascii_alphabetic() || is_special(first)) {
        return Err(NickError::BadChar(first));
    }
    for c in chars {
        if !(c.is_ascii_alphanumeric() || is_special(c) || c == '-') {
            return Err(NickError::BadChar(c));
        }
    }
    if nick.contains(SEPARATOR) {
        return Err(NickError::Reserved);
    }
    Ok(())
}

/// The JID of IRC user `nick` on gateway `gateway`: `mallory@gw.localhost`.
/// `None` if the two do not make a JID (a nick that passed
/// [`check_irc_nick`] always does).
pub fn irc_user_jid(nick: &str, gateway: &str) -> Option<Jid> {
    Jid::parse(&format!("{nick}@{gateway}")).ok()
}

/// The nick of an IRC user addressed as `jid` (`mallory@gw.localhost` →
/// `mallory`), if `jid` is in the gateway's domain and names a possible
/// IRC user. Compare case-insensitively: the JID is lower-case.
pub fn irc_nick_of<'a>(jid: &'a Jid, gateway: &str) -> Option<&'a str> {
    if !jid.domain().eq_ignore_ascii_case(gateway) {
        return None;
    }
    let local = jid.local()?;
    check_irc_nick(local).ok()?;
    Some(local)
}

/// Whether `c` stays as it is in the nick of an XMPP user.
fn kept(c: char) -> bool {
    (c.is_ascii_alphanumeric() || is_special(c) || c == '-')
        && c != ESCAPE
        && c != SEPARATOR
}

/// Escapes one part of a JID for a nick.
fn escape(part: &str, out: &mut String) {
    for c in part.chars() {
        if kept(c) {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for b in c.encode_utf8(&mut bytes).bytes() {
                out.push(ESCAPE);
                out.push_str(&format!("{b:02x}"));
            }
        }
    }
}

/// The nick an XMPP user shows on IRC: `alice@localhost` → `alice|localhost`.
/// `None` for a JID without a localpart (a server), or one whose nick would
/// be longer than [`NICKLEN`].
pub fn nick_for_jid(jid: &Jid) -> Option<String> {
    let local = jid.local()?;
    let mut nick = String::new();
    escape(local, &mut nick);
    nick.push(SEPARATOR);
    escape(jid.domain(), &mut nick);
    // RFC 2812: a nick starts with a letter or special, not a digit or -.
    let first_ok = nick
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || is_special(c));
    if !first_ok {
        // `\3x` escapes a leading digit, which maps back to itself.
        let first = nick.remove(0);
        nick.insert_str(0, &format!("{ESCAPE}{:02x}", first as u32));
    }
    (nick.chars().count() <= NICKLEN).then_some(nick)
}

/// Undoes [`escape`]; `None` if an escape is broken or the bytes are not
/// UTF-8.
fn unescape(part: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(part.len());
    let mut rest = part.as_bytes();
    while let Some((&b, after)) = rest.split_first() {
        if b == ESCAPE as u8 {
            let hex = after.get(..2)?;
            let hex = std::str::from_utf8(hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &after[2..];
        } else {
            bytes.push(b);
            rest = after;
        }
    }
    String::from_utf8(bytes).ok()
}

/// The XMPP user behind a nick: `alice|localhost` → `alice@localhost`.
/// `None` if the nick has no `|`, or its parts do not make a JID.
pub fn jid_for_nick(nick: &str) -> Option<Jid> {
    let (local, domain) = nick.rsplit_once(SEPARATOR)?;
    let local = unescape(local)?;
    let domain = unescape(domain)?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let jid = Jid::parse(&format!("{local}@{domain}")).ok()?;
    // A nick must name exactly one JID: a resource smuggled in with an
    // escaped "/" would not.
    jid.is_bare().then_some(jid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> Jid {
        Jid::parse(s).expect("a JID")
    }

    #[test]
    fn xmpp_users_get_readable_nicks_that_map_back() {
        for (address, nick) in [
            ("alice@localhost", "alice|localhost"),
            ("john.doe@a.example", r"john\2edoe|a\2eexample"),
            ("bob_[x]@localhost", "bob_[x]|localhost"),
            ("a|b@localhost", r"a\7cb|localhost"),
            (r"c\d@localhost", r"c\5cd|localhost"),
            ("1st@localhost", r"\31st|localhost"),
            ("你@localhost", r"\e4\bd\a0|localhost"),
            ("x@[::1]", r"x|[\3a\3a1]"),
        ] {
            let j = jid(address);
            assert_eq!(nick_for_jid(&j).as_deref(), Some(nick), "{address}");
            assert_eq!(jid_for_nick(nick), Some(j), "{nick}");
        }
    }

    #[test]
    fn the_mapping_is_case_insensitive_like_irc() {
        assert_eq!(
            jid_for_nick("Alice|LocalHost"),
            Some(jid("alice@localhost"))
        );
        assert_eq!(jid_for_nick(r"John\2Edoe|x"), Some(jid("john.doe@x")));
    }

    #[test]
    fn what_does_not_map() {
        assert_eq!(nick_for_jid(&jid("localhost")), None);
        assert_eq!(nick_for_jid(&jid(&format!("{}@x", "a".repeat(70)))), None);
        for nick in [
            "mallory", "|x", "x|", r"a\2|x", r"a\zz|x", r"a\ff|x", r"a\2fb|x",
            r"a|b\2fc",
        ] {
            assert_eq!(jid_for_nick(nick), None, "{nick}");
        }
        // The resource is dropped on the way to IRC.
        assert_eq!(
            nick_for_jid(&jid("alice@localhost/phone")).as_deref(),
            Some("alice|localhost")
        );
    }

    #[test]
    fn irc_nicks_follow_rfc_2812_and_become_gateway_users() {
        for nick in ["mallory", "Mal_[1]", "`x", "a-b^c{d}", r"back\slash"] {
            assert_eq!(check_irc_nick(nick), Ok(()), "{nick}");
            let j = irc_user_jid(nick, "gw.localhost").expect("a JID");
            assert_eq!(j.domain(), "gw.localhost");
            let back = irc_nick_of(&j, "gw.localhost").expect("a nick");
            assert!(back.eq_ignore_ascii_case(nick), "{nick}");
        }
        assert_eq!(check_irc_nick(""), Err(NickError::Empty));
        assert_eq!(check_irc_nick("1abc"), Err(NickError::BadChar('1')));
        assert_eq!(check_irc_nick("-abc"), Err(NickError::BadChar('-')));
        assert_eq!(check_irc_nick("a.b"), Err(NickError::BadChar('.')));
        assert_eq!(check_irc_nick("a@b"), Err(NickError::BadChar('@')));
        assert_eq!(check_irc_nick("é"), Err(NickError::BadChar('é')));
        assert_eq!(check_irc_nick("a|b"), Err(NickError::Reserved));
        assert_eq!(
            check_irc_nick(&"a".repeat(NICKLEN + 1)),
            Err(NickError::TooLong)
        );
        assert_eq!(irc_nick_of(&jid("mallory@other"), "gw.localhost"), None);
        assert_eq!(irc_nick_of(&jid("gw.localhost"), "gw.localhost"), None);
    }
}
