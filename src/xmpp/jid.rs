//! XMPP addresses (JIDs): `localpart@domainpart/resourcepart`.
//!
//! Every entity on the XMPP network has an address, the *Jabber ID*. It
//! looks like an e-mail address with an optional tail:
//!
//! ```text
//!   juliet@example.com/balcony
//!   └─┬──┘ └───┬─────┘ └──┬──┘
//!  localpart domainpart resourcepart
//!  (account) (server)   (one connected device)
//! ```
//!
//! - the *domainpart* names a server (or a component, lesson 4) and is the
//!   only mandatory part: `example.com` is a JID;
//! - the *localpart* names an account on that server;
//! - the *resourcepart* names one connection of that account, so Juliet can
//!   be logged in from her phone and her laptop at once.
//!
//! A JID without a resource is *bare* (`juliet@example.com`, the account);
//! with one it is *full* (`juliet@example.com/balcony`, one device). The
//! server routes a message to a full JID to exactly that device, and one to
//! a bare JID by the rules of RFC 6121 § 8.5.
//!
//! The rules here are those of [RFC 7622 § 3]. One simplification is made on
//! purpose: RFC 7622 prepares each part with a PRECIS profile ([RFC 8264],
//! [RFC 8265]) and the domainpart with IDNA2008 ([RFC 5891]), which need the
//! Unicode tables of those RFCs. We do the parts a student can see: the
//! split, the lengths, the forbidden characters, lower-casing, the trailing
//! dot. Unicode normalisation (NFC), width mapping and the code point classes
//! beyond controls and spaces are out of scope, so a few JIDs the RFC refuses
//! (`♚@example.com`) are accepted here, and a few it considers equal
//! (differently normalised) are not equal here.
//!
//! Read after: [`super::framing`], where JIDs travel in the `to` and `from`
//! attributes. Book: `book/src/lesson-03.md`. Run: `netlab lesson 3`.
//!
//! [RFC 7622 § 3]: https://datatracker.ietf.org/doc/html/rfc7622#section-3
//! [RFC 8264]: https://datatracker.ietf.org/doc/html/rfc8264
//! [RFC 8265]: https://datatracker.ietf.org/doc/html/rfc8265
//! [RFC 5891]: https://datatracker.ietf.org/doc/html/rfc5891

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

/// The longest a part may be, in octets (bytes of UTF-8).
///
/// [RFC 7622 § 3.1]: "Each allowable portion of a JID (localpart,
/// domainpart, and resourcepart) MUST be at least one octet in length and
/// MUST NOT be more than 1023 octets in length".
///
/// [RFC 7622 § 3.1]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.1
pub const MAX_PART_LEN: usize = 1023;

/// The eight ASCII characters a localpart may not contain, on top of the
/// PRECIS IdentifierClass rules ([RFC 7622 § 3.3.1]).
///
/// They are refused because they would be ambiguous in the places a JID is
/// written: `@` and `/` separate the parts, `:` starts a URI scheme, and
/// `" & ' < >` are special in XML.
///
/// [RFC 7622 § 3.3.1]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.3.1
pub const LOCALPART_FORBIDDEN: [char; 8] =
    ['"', '&', '\'', '/', ':', '<', '>', '@'];

/// An XMPP address, checked and prepared.
///
/// Two `Jid`s are equal when their prepared parts are equal: the domainpart
/// and localpart are lower-cased when parsed, the resourcepart is kept as
/// written (it is case-sensitive, [RFC 7622 § 3.4.3]).
///
/// [RFC 7622 § 3.4.3]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.4.3
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jid {
    local: Option<String>,
    domain: String,
    resource: Option<String>,
}

/// Which part of a JID an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Part {
    /// Before the `@`: the account.
    Localpart,
    /// The server.
    Domainpart,
    /// After the `/`: one connection.
    Resourcepart,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Localpart => "localpart",
            Part::Domainpart => "domainpart",
            Part::Resourcepart => "resourcepart",
        })
    }
}

impl Part {
    /// The section of RFC 7622 that defines this part.
    pub fn section(self) -> &'static str {
        match self {
            Part::Localpart => "RFC 7622 § 3.3",
            Part::Domainpart => "RFC 7622 § 3.2",
            Part::Resourcepart => "RFC 7622 § 3.4",
        }
    }
}

/// Why a string is not a JID.
///
/// Each message names the rule and its section, so that it can be shown to
/// a student as is.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JidError {
    /// The whole string is empty.
    #[error(
        "the JID is empty; at least a domainpart is needed (RFC 7622 § 3.1)"
    )]
    Empty,
    /// A separator is present but the part it introduces (or ends) is
    /// empty: `@example.com`, `juliet@`, `juliet@example.com/`.
    #[error(
        "the {part} is empty: '{jid}' has {where_} ({section}: every part \
         present is at least one octet, RFC 7622 § 3.1)",
        where_ = empty_where(*part),
        section = part.section()
    )]
    EmptyPart {
        /// The part that is empty.
        part: Part,
        /// The whole string, as given.
        jid: String,
    },
    /// A part is longer than [`MAX_PART_LEN`] octets.
    #[error(
        "the {part} is {len} octets long, above the maximum of 1023 \
         (RFC 7622 § 3.1)"
    )]
    TooLong {
        /// The part that is too long.
        part: Part,
        /// Its length in octets.
        len: usize,
    },
    /// A character that the part may not contain.
    #[error(
        "the {part} '{text}' contains {ch:?}, which is not allowed there \
         ({rule}, {section})",
        rule = forbidden_rule(*part, *ch),
        section = part.section()
    )]
    ForbiddenChar {
        /// The part that contains it.
        part: Part,
        /// The part's text.
        text: String,
        /// The character.
        ch: char,
    },
    /// The domainpart has an empty label: `example..com`, `.example.com`.
    #[error(
        "the domainpart '{domain}' has an empty label (two dots in a row, \
         or a dot at the start); a DNS name is labels separated by single \
         dots (RFC 7622 § 3.2, RFC 1034 § 3.1)"
    )]
    EmptyLabel {
        /// The domainpart as given.
        domain: String,
    },
    /// The domainpart starts with `[` but is not an IPv6 address in
    /// brackets.
    #[error(
        "the domainpart '{domain}' starts with '[' but is not an IPv6 \
         address in brackets like '[::1]' (RFC 7622 § 3.2, RFC 3986 § 3.2.2)"
    )]
    BadIpLiteral {
        /// The domainpart as given.
        domain: String,
    },
}

/// Where the empty part is, in words, for [`JidError::EmptyPart`].
fn empty_where(part: Part) -> &'static str {
    match part {
        Part::Localpart => "nothing before the '@'",
        Part::Domainpart => "no server between the '@' and the '/'",
        Part::Resourcepart => "nothing after the '/'",
    }
}

/// Why a character is refused, in words, for [`JidError::ForbiddenChar`].
fn forbidden_rule(part: Part, ch: char) -> &'static str {
    match part {
        Part::Localpart if LOCALPART_FORBIDDEN.contains(&ch) => {
            "the eight characters \" & ' / : < > @ are reserved"
        }
        Part::Localpart if ch.is_whitespace() => {
            "the PRECIS IdentifierClass has no spaces"
        }
        Part::Localpart | Part::Resourcepart => {
            "control characters are never allowed"
        }
        Part::Domainpart => {
            "a DNS label is letters, digits and '-' (or an IDNA2008 U-label)"
        }
    }
}

impl Jid {
    /// Parses and prepares a JID.
    ///
    /// ```
    /// use netlab::xmpp::jid::Jid;
    ///
    /// let jid = Jid::parse("Juliet@Example.COM/balcony").expect("valid");
    /// assert_eq!(jid.local(), Some("juliet"));
    /// assert_eq!(jid.domain(), "example.com");
    /// assert_eq!(jid.resource(), Some("balcony"));
    /// assert_eq!(jid.bare().to_string(), "juliet@example.com");
    /// ```
    pub fn parse(s: &str) -> Result<Jid, JidError> {
        if s.is_empty() {
            return Err(JidError::Empty);
        }
        let empty = |part| JidError::EmptyPart {
            part,
            jid: s.to_owned(),
        };

        // [RFC 7622 § 3.4]: "The resourcepart of a JID is an optional
        // identifier placed after the domainpart and separated from the
        // latter by the '/' character." It is everything after the FIRST
        // '/', so it may itself contain '/' and '@':
        // `a.example.com/b@example.net` is a domain with a resource.
        let (address, resource) = match s.split_once('/') {
            Some((address, resource)) => (address, Some(resource)),
            None => (s, None),
        };

        // [RFC 7622 § 3.3]: the localpart is what is left of the part before
        // the '/' once everything from its first '@' on is removed. With no
        // '@' there is no localpart.
        let (local, domain) = match address.split_once('@') {
            Some((local, domain)) => (Some(local), domain),
            None => (None, address),
        };

        let local = match local {
            Some("") => return Err(empty(Part::Localpart)),
            Some(local) => Some(prepare_localpart(local)?),
            None => None,
        };
        if domain.is_empty() {
            return Err(empty(Part::Domainpart));
        }
        let domain = prepare_domainpart(domain)?;
        let resource = match resource {
            // "juliet@example.com/" announces a resource and gives none.
            Some("") => return Err(empty(Part::Resourcepart)),
            Some(resource) => Some(prepare_resourcepart(resource)?),
            None => None,
        };

        Ok(Jid {
            local,
            domain,
            resource,
        })
    }

    /// The localpart (the account), if there is one.
    pub fn local(&self) -> Option<&str> {
        self.local.as_deref()
    }

    /// The domainpart (the server), lower-cased, without a trailing dot.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The resourcepart (one connection), if there is one.
    pub fn resource(&self) -> Option<&str> {
        self.resource.as_deref()
    }

    /// The same address without its resource: the account, not a device.
    pub fn bare(&self) -> Jid {
        Jid {
            local: self.local.clone(),
            domain: self.domain.clone(),
            resource: None,
        }
    }

    /// Whether the address has no resource.
    pub fn is_bare(&self) -> bool {
        self.resource.is_none()
    }
}

/// Checks the length rule of [RFC 7622 § 3.1] for one part.
///
/// [RFC 7622 § 3.1]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.1
fn check_len(part: Part, text: &str) -> Result<(), JidError> {
    // `len()` counts bytes of UTF-8, which is what "octets" means: "你" is
    // one character but three octets.
    if text.len() > MAX_PART_LEN {
        return Err(JidError::TooLong {
            part,
            len: text.len(),
        });
    }
    Ok(())
}

/// Prepares a localpart ([RFC 7622 § 3.3]).
///
/// [RFC 7622 § 3.3]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.3
fn prepare_localpart(local: &str) -> Result<String, JidError> {
    let forbidden = |ch: char| JidError::ForbiddenChar {
        part: Part::Localpart,
        text: local.to_owned(),
        ch,
    };
    for ch in local.chars() {
        // [RFC 7622 § 3.3.1]: "the following 8 characters are also
        // disallowed in XMPP localparts".
        if LOCALPART_FORBIDDEN.contains(&ch) {
            return Err(forbidden(ch));
        }
        // The UsernameCaseMapped profile is built on the PRECIS
        // IdentifierClass ([RFC 8264 § 4.2]), which disallows spaces and
        // controls: "foo bar@example.com" is not a JID. (XEP-0106 writes such
        // a name as "foo\20bar", and the backslash is allowed.)
        if ch.is_whitespace() || ch.is_control() {
            return Err(forbidden(ch));
        }
    }
    // [RFC 7622 § 3.3.2]: the localpart is enforced with the
    // UsernameCaseMapped profile of [RFC 8265 § 3.2], whose case mapping rule
    // is Unicode toLowerCase(): "Juliet" and "juliet" are one account. Rust's
    // `to_lowercase` is that operation. (The width mapping and NFC steps of
    // the profile are out of scope, see the module doc.)
    let local = local.to_lowercase();
    check_len(Part::Localpart, &local)?;
    Ok(local)
}

/// Prepares a domainpart ([RFC 7622 § 3.2]).
///
/// [RFC 7622 § 3.2]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.2
fn prepare_domainpart(domain: &str) -> Result<String, JidError> {
    // An IPv6 address is written in brackets, as in URIs: `[::1]`
    // ([RFC 7622 § 3.2] refers to the IP-literal rule of RFC 3986).
    if let Some(inner) = domain.strip_prefix('[') {
        let address = inner
            .strip_suffix(']')
            .and_then(|inner| inner.parse::<Ipv6Addr>().ok())
            .ok_or_else(|| JidError::BadIpLiteral {
                domain: domain.to_owned(),
            })?;
        // Written back in its one canonical form, so that `[0::1]` and `[::1]`
        // compare equal.
        return Ok(format!("[{address}]"));
    }

    // [RFC 7622 § 3.2]: "If the domainpart includes a final character
    // considered to be a label separator (dot) by [RFC1034], this character
    // MUST be stripped from the domainpart before the JID of which it is a
    // part is used for the purpose of routing an XML stanza, comparing
    // against another JID, or constructing an XMPP URI or IRI". One dot only:
    // "example.com.." still has an empty label.
    let stripped = domain.strip_suffix('.').unwrap_or(domain);
    if stripped.is_empty() {
        return Err(JidError::EmptyPart {
            part: Part::Domainpart,
            jid: domain.to_owned(),
        });
    }
    if stripped.split('.').any(str::is_empty) {
        return Err(JidError::EmptyLabel {
            domain: domain.to_owned(),
        });
    }
    for ch in stripped.chars() {
        // ASCII is held to the DNS "letters, digits, hyphen" rule that
        // IDNA2008 keeps for A-labels ([RFC 5890 § 2.3.1]). Anything else
        // ASCII ('@', '_', ' ', …) cannot be in a host name. Non-ASCII
        // characters belong to U-labels ("münchen.example"), whose full
        // IDNA2008 check is out of scope: only controls and spaces are
        // refused.
        let allowed = if ch.is_ascii() {
            ch.is_ascii_alphanumeric() || ch == '-' || ch == '.'
        } else {
            !ch.is_whitespace() && !ch.is_control()
        };
        if !allowed {
            return Err(JidError::ForbiddenChar {
                part: Part::Domainpart,
                text: domain.to_owned(),
                ch,
            });
        }
    }
    // DNS names are case-insensitive, so the prepared form is lower case
    // ([RFC 7622 § 3.2.2] applies the IDNA2008 mapping; ASCII lower-casing is
    // the part of it that concerns ASCII names).
    let domain = stripped.to_ascii_lowercase();
    check_len(Part::Domainpart, &domain)?;
    Ok(domain)
}

/// Prepares a resourcepart ([RFC 7622 § 3.4]).
///
/// [RFC 7622 § 3.4]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.4
fn prepare_resourcepart(resource: &str) -> Result<String, JidError> {
    // [RFC 7622 § 3.4.1]: the resourcepart uses the OpaqueString profile,
    // built on the PRECIS FreeformClass: spaces, '@' and '/' are allowed
    // ("juliet@example.com/foo bar"), control characters are not. Case is
    // preserved.
    if let Some(ch) = resource.chars().find(|ch| ch.is_control()) {
        return Err(JidError::ForbiddenChar {
            part: Part::Resourcepart,
            text: resource.to_owned(),
            ch,
        });
    }
    check_len(Part::Resourcepart, resource)?;
    Ok(resource.to_owned())
}

impl fmt::Display for Jid {
    /// Writes the JID back in its textual form: `local@domain/resource`,
    /// each part only if present.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(local) = &self.local {
            write!(f, "{local}@")?;
        }
        f.write_str(&self.domain)?;
        if let Some(resource) = &self.resource {
            write!(f, "/{resource}")?;
        }
        Ok(())
    }
}

impl FromStr for Jid {
    type Err = JidError;

    /// The same as [`Jid::parse`], so that `"a@b".parse::<Jid>()` works.
    fn from_str(s: &str) -> Result<Jid, JidError> {
        Jid::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The valid examples of [RFC 7622 § 3.5.1] that need no Unicode
    /// tables, plus a few of our own.
    ///
    /// [RFC 7622 § 3.5.1]: https://datatracker.ietf.org/doc/html/rfc7622#section-3.5.1
    const VALID: &[&str] = &[
        "juliet@example.com",
        "juliet@example.com/foo",
        "juliet@example.com/foo bar",
        "juliet@example.com/foo@bar",
        "foo\\20bar@example.com",
        "fussball@example.com",
        "fußball@example.com",
        "π@example.com",
        "σ@example.com/foo",
        "king@example.com/♚",
        "example.com",
        "example.com/foobar",
        "a.example.com/b@example.net",
        // Ours: a resource with '/', Chinese parts, an IPv6 literal.
        "juliet@example.com/a/b",
        "朱丽叶@例子.中国/阳台",
        "admin@[::1]/x",
    ];

    #[test]
    fn rfc_examples_parse_and_round_trip() {
        for &text in VALID {
            let jid = Jid::parse(text)
                .unwrap_or_else(|e| panic!("{text:?} should parse: {e}"));
            assert_eq!(jid.to_string(), text, "Display(parse({text:?}))");
            let again: Jid = text.parse().expect("FromStr agrees with parse");
            assert_eq!(again, jid);
        }
    }

    #[test]
    fn parts_are_split_at_the_first_slash_then_the_first_at() {
        let jid = Jid::parse("juliet@example.com/foo@bar/baz").expect("ok");
        assert_eq!(jid.local(), Some("juliet"));
        assert_eq!(jid.domain(), "example.com");
        assert_eq!(jid.resource(), Some("foo@bar/baz"));
        assert!(!jid.is_bare());

        // RFC 7622 § 3.5.1: a domain with a resource that looks like a JID.
        let jid = Jid::parse("a.example.com/b@example.net").expect("ok");
        assert_eq!(jid.local(), None);
        assert_eq!(jid.domain(), "a.example.com");
        assert_eq!(jid.resource(), Some("b@example.net"));

        let jid = Jid::parse("example.com").expect("ok");
        assert_eq!((jid.local(), jid.resource()), (None, None));
        assert!(jid.is_bare());
    }

    #[test]
    fn bare_drops_only_the_resource() {
        let full = Jid::parse("juliet@example.com/balcony").expect("ok");
        let bare = full.bare();
        assert_eq!(bare.to_string(), "juliet@example.com");
        assert!(bare.is_bare());
        assert_eq!(bare.bare(), bare);
    }

    #[test]
    fn domain_and_localpart_are_lower_cased_resource_is_not() {
        let jid = Jid::parse("Juliet@EXAMPLE.Com/Balcony").expect("ok");
        assert_eq!(jid.to_string(), "juliet@example.com/Balcony");
        assert_eq!(jid, Jid::parse("juliet@example.com/Balcony").expect("ok"));
        assert_ne!(jid, Jid::parse("juliet@example.com/balcony").expect("ok"));
        // RFC 7622 § 3.5.1: "Σ@example.com/foo" is the same as "σ@…".
        let sigma = Jid::parse("Σ@example.com/foo").expect("ok");
        assert_eq!(sigma.local(), Some("σ"));
    }

    #[test]
    fn one_trailing_dot_is_stripped() {
        let jid = Jid::parse("juliet@example.com./x").expect("ok");
        assert_eq!(jid.domain(), "example.com");
        assert_eq!(jid, Jid::parse("juliet@example.com/x").expect("ok"));
        assert!(matches!(
            Jid::parse("example.com.."),
            Err(JidError::EmptyLabel { .. })
        ));
    }

    #[test]
    fn ipv6_literal_is_canonicalised() {
        let jid = Jid::parse("[0:0::1]").expect("ok");
        assert_eq!(jid.domain(), "[::1]");
        assert!(matches!(
            Jid::parse("[::1"),
            Err(JidError::BadIpLiteral { .. })
        ));
        assert!(matches!(
            Jid::parse("[example.com]"),
            Err(JidError::BadIpLiteral { .. })
        ));
    }

    /// Parses `text`, which must fail, and returns the error.
    fn refused(text: &str) -> JidError {
        match Jid::parse(text) {
            Ok(jid) => panic!("{text:?} should be refused, got {jid:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn rfc_invalid_examples_are_refused() {
        // RFC 7622 § 3.5.2: quotation marks are forbidden in a localpart.
        assert_eq!(
            refused("\"juliet\"@example.com"),
            JidError::ForbiddenChar {
                part: Part::Localpart,
                text: "\"juliet\"".into(),
                ch: '"',
            }
        );
        // RFC 7622 § 3.5.2: spaces are forbidden in a localpart.
        assert_eq!(
            refused("foo bar@example.com"),
            JidError::ForbiddenChar {
                part: Part::Localpart,
                text: "foo bar".into(),
                ch: ' ',
            }
        );
        // RFC 7622 § 3.5.2: no domainpart.
        assert!(matches!(
            refused("juliet@"),
            JidError::EmptyPart {
                part: Part::Domainpart,
                ..
            }
        ));
        assert!(matches!(
            refused("/foobar"),
            JidError::EmptyPart {
                part: Part::Domainpart,
                ..
            }
        ));
    }

    #[test]
    fn empty_parts_are_refused() {
        assert_eq!(refused(""), JidError::Empty);
        assert_eq!(
            refused("@example.com"),
            JidError::EmptyPart {
                part: Part::Localpart,
                jid: "@example.com".into(),
            }
        );
        assert!(matches!(
            refused("user@/foo"),
            JidError::EmptyPart {
                part: Part::Domainpart,
                ..
            }
        ));
        assert!(matches!(
            refused("juliet@example.com/"),
            JidError::EmptyPart {
                part: Part::Resourcepart,
                ..
            }
        ));
        assert!(matches!(
            refused("."),
            JidError::EmptyPart {
                part: Part::Domainpart,
                ..
            }
        ));
        assert!(matches!(
            refused(".example.com"),
            JidError::EmptyLabel { .. }
        ));
    }

    #[test]
    fn forbidden_characters_are_refused() {
        for ch in LOCALPART_FORBIDDEN {
            if ch == '@' || ch == '/' {
                // These split the JID instead; "a@b@c" is checked below.
                continue;
            }
            let text = format!("a{ch}b@example.com");
            assert!(
                matches!(
                    refused(&text),
                    JidError::ForbiddenChar { part: Part::Localpart, ch: c, .. }
                        if c == ch
                ),
                "{text:?}"
            );
        }
        // The second '@' lands in the domainpart, which is no host name.
        assert!(matches!(
            refused("a@b@example.com"),
            JidError::ForbiddenChar {
                part: Part::Domainpart,
                ch: '@',
                ..
            }
        ));
        assert!(matches!(
            refused("tab\there@example.com"),
            JidError::ForbiddenChar { ch: '\t', .. }
        ));
        assert!(matches!(
            refused("example com"),
            JidError::ForbiddenChar {
                part: Part::Domainpart,
                ..
            }
        ));
        assert!(matches!(
            refused("juliet@example.com/bell\u{7}"),
            JidError::ForbiddenChar {
                part: Part::Resourcepart,
                ..
            }
        ));
    }

    #[test]
    fn parts_may_be_1023_octets_but_not_1024() {
        let ok = "a".repeat(MAX_PART_LEN);
        let long = "a".repeat(MAX_PART_LEN + 1);
        // A domain of 1023 octets, in labels of 63 (as DNS would have it).
        let domain = |len: usize| {
            let mut d = String::new();
            while d.len() < len {
                // A dot after every 63 letters, never as the last character
                // (a trailing dot would be stripped).
                if d.len() % 64 == 63 && d.len() + 1 < len {
                    d.push('.');
                } else {
                    d.push('b');
                }
            }
            d
        };

        assert!(Jid::parse(&format!("{ok}@example.com/{ok}")).is_ok());
        assert!(Jid::parse(&domain(MAX_PART_LEN)).is_ok());
        assert_eq!(
            refused(&format!("{long}@example.com")),
            JidError::TooLong {
                part: Part::Localpart,
                len: 1024,
            }
        );
        assert_eq!(
            refused(&domain(MAX_PART_LEN + 1)),
            JidError::TooLong {
                part: Part::Domainpart,
                len: 1024,
            }
        );
        assert_eq!(
            refused(&format!("example.com/{long}")),
            JidError::TooLong {
                part: Part::Resourcepart,
                len: 1024,
            }
        );
        // Octets, not characters: 342 × "你" is 1026 octets.
        assert_eq!(
            refused(&format!("{}@example.com", "你".repeat(342))),
            JidError::TooLong {
                part: Part::Localpart,
                len: 1026,
            }
        );
    }

    #[test]
    fn errors_teach() {
        assert_eq!(
            refused("@example.com").to_string(),
            "the localpart is empty: '@example.com' has nothing before the \
             '@' (RFC 7622 § 3.3: every part present is at least one octet, \
             RFC 7622 § 3.1)"
        );
        assert_eq!(
            refused("foo bar@example.com").to_string(),
            "the localpart 'foo bar' contains ' ', which is not allowed there \
             (the PRECIS IdentifierClass has no spaces, RFC 7622 § 3.3)"
        );
    }
}
