//! The grammar of the four SCRAM messages ([RFC 5802 § 7]): the pieces
//! both sides read and write them with.
//!
//! A SCRAM message is a line of `letter=value` attributes separated by
//! commas, in a fixed order. Attributes after the known ones are
//! extensions, ignored; an `m=` is a mandatory extension, which no one
//! knows, so it fails ([RFC 5802 § 5.1]). Here: [`Message`], which of the
//! four a message is (every error names it); reading one attribute and
//! its base64 value; what a nonce may contain; and usernames written as
//! `saslname`s, with `,` and `=` escaped. Each message as a whole is put
//! together by the side that sends it and taken apart by the side that
//! receives it, in `server.rs` and `client.rs`.
//!
//! Read before: `keys.rs`. Read next: `server.rs`.
//!
//! [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
//! [RFC 5802 § 7]: https://datatracker.ietf.org/doc/html/rfc5802#section-7

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::ScramError;

/// Random bytes per nonce: 18 bytes are 24 base64 characters, which are
/// all printable and never ',' as [RFC 5802 § 5.1] requires of `r=`.
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
pub(super) const NONCE_BYTES: usize = 18;

/// Which of the four SCRAM messages, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// `n,,n=user,r=…`, client to server.
    ClientFirst,
    /// `r=…,s=…,i=…`, server to client.
    ServerFirst,
    /// `c=…,r=…,p=…`, client to server.
    ClientFinal,
    /// `v=…` (or `e=…`), server to client.
    ServerFinal,
}

impl fmt::Display for Message {
    /// The message's name in the grammar of [RFC 5802 § 7].
    ///
    /// [RFC 5802 § 7]: https://datatracker.ietf.org/doc/html/rfc5802#section-7
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Message::ClientFirst => "client-first-message",
            Message::ServerFirst => "server-first-message",
            Message::ClientFinal => "client-final-message",
            Message::ServerFinal => "server-final-message",
        })
    }
}

/// Shorthand for [`ScramError::Malformed`].
pub(super) fn malformed(
    message: Message,
    reason: impl Into<String>,
) -> ScramError {
    ScramError::Malformed {
        message,
        reason: reason.into(),
    }
}

/// A piece of the peer's input, made safe to quote in an error: at most 40
/// characters, control characters escaped (the error text may be sent back
/// inside XML, where most control characters are not allowed).
pub(super) fn shown(text: &str) -> String {
    let mut out: String =
        text.chars().take(40).flat_map(char::escape_debug).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// The message as text: SCRAM messages are UTF-8 ([RFC 5802 § 7]).
///
/// [RFC 5802 § 7]: https://datatracker.ietf.org/doc/html/rfc5802#section-7
pub(super) fn utf8(message: Message, bytes: &[u8]) -> Result<&str, ScramError> {
    std::str::from_utf8(bytes).map_err(|e| {
        malformed(
            message,
            format!("it is not UTF-8 (from byte {})", e.valid_up_to()),
        )
    })
}

/// The value of the attribute `letter=value`, or an error saying which
/// attribute was expected.
pub(super) fn attribute(
    message: Message,
    part: Option<&str>,
    letter: char,
) -> Result<&str, ScramError> {
    let Some(part) = part else {
        return Err(malformed(
            message,
            format!("the attribute {letter}=… is missing"),
        ));
    };
    if let Some(value) = part
        .strip_prefix(letter)
        .and_then(|rest| rest.strip_prefix('='))
    {
        return Ok(value);
    }
    // RFC 5802 § 5.1: "m: This attribute is reserved for future
    // extensibility. In this version of SCRAM, its presence in a client or
    // a server message MUST cause authentication failure when the attribute
    // is parsed by the other end."
    if part.starts_with("m=") {
        return Err(ScramError::MandatoryExtension { message });
    }
    Err(malformed(
        message,
        format!("expected the attribute {letter}=…, found '{}'", shown(part)),
    ))
}

/// Decodes the base64 value of attribute `letter`.
pub(super) fn base64_value(
    message: Message,
    letter: char,
    value: &str,
) -> Result<Vec<u8>, ScramError> {
    BASE64.decode(value).map_err(|e| {
        malformed(message, format!("{letter}=… is not valid base64: {e}"))
    })
}

/// Checks a nonce: "a sequence of random printable ASCII characters
/// excluding ','" ([RFC 5802 § 5.1]; `printable = %x21-2B / %x2D-7E`,
/// § 7).
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
pub(super) fn check_nonce(
    message: Message,
    nonce: &str,
) -> Result<(), ScramError> {
    if nonce.is_empty() {
        return Err(malformed(message, "the nonce r=… is empty"));
    }
    if let Some(bad) = nonce.chars().find(|&c| !c.is_ascii_graphic()) {
        return Err(malformed(
            message,
            format!(
                "the nonce r=… contains '{}', but only printable ASCII is \
                 allowed",
                bad.escape_debug()
            ),
        ));
    }
    Ok(())
}

/// Writes a username as a `saslname`: "The characters ',' or '=' in
/// usernames are sent as '=2C' and '=3D' respectively" ([RFC 5802 § 5.1]).
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
pub fn escape_saslname(name: &str) -> String {
    name.replace('=', "=3D").replace(',', "=2C")
}

/// Reads a `saslname` back: `=2C` is ',', `=3D` is '=', and any other '='
/// is an error ([RFC 5802 § 5.1]: "If the server receives a username that
/// contains '=' not followed by either '2C' or '3D', then the server MUST
/// fail the authentication").
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
pub fn unescape_saslname(
    message: Message,
    text: &str,
) -> Result<String, ScramError> {
    if text.is_empty() {
        return Err(malformed(message, "the name is empty"));
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['=', '\0']) {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(tail) = after.strip_prefix("=2C") {
            out.push(',');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("=3D") {
            out.push('=');
            rest = tail;
        } else {
            return Err(malformed(
                message,
                format!(
                    "in the name '{}', '=' must be followed by 2C (for ',') \
                     or 3D (for '='), and NUL is not allowed",
                    shown(text)
                ),
            ));
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::scram::{ClientFirst, Hash, ScramClient, StoredKeys};

    #[test]
    fn saslnames_are_escaped() {
        assert_eq!(escape_saslname("a,b=c"), "a=2Cb=3Dc");
        assert_eq!(escape_saslname("=2C"), "=3D2C");
        let m = Message::ClientFirst;
        assert_eq!(unescape_saslname(m, "a=2Cb=3Dc").as_deref(), Ok("a,b=c"));
        assert_eq!(unescape_saslname(m, "=3D2C").as_deref(), Ok("=2C"));
        for bad in ["", "a=b", "a=", "a=2c", "=3", "a\0b"] {
            assert!(unescape_saslname(m, bad).is_err(), "{bad:?}");
        }

        // Through a whole exchange.
        let hash = Hash::Sha1;
        let mut client = ScramClient::new(hash, "a,b=c", "pw");
        let bytes = client.client_first();
        assert!(bytes.starts_with(b"n,,n=a=2Cb=3Dc,r="));
        let first = ClientFirst::parse(hash, &bytes).expect("parses");
        assert_eq!(first.username(), "a,b=c");
        let keys = StoredKeys::generate(hash, "pw");
        let (server, server_first) = first.respond(Some(keys));
        let client_final =
            client.handle_server_first(&server_first).expect("accepted");
        assert_eq!(server.username(), "a,b=c");
        assert!(server.finish(&client_final).is_ok());
    }
}
