//! SCRAM: logging in with a password the server never sees, and checking
//! that the server knows it too ([RFC 5802], with SHA-256 from [RFC 7677]).
//!
//! This module sits between the stream framing ([`super::framing`]) and the
//! server and client sessions, under the SASL layer ([`super::sasl`]), which
//! wraps these messages in `<auth/>`, `<challenge/>`, `<response/>` and
//! `<success/>` elements. Here there is no XML at all: four short text
//! messages and the arithmetic behind them.
//!
//! # Why not just send the password?
//!
//! With SASL PLAIN the client sends the password itself (inside TLS, one
//! hopes), and the server must compare it with something. If the server
//! stored passwords, one stolen database would give away every account,
//! and on every other site where the same password is used.
//!
//! SCRAM (*Salted Challenge Response Authentication Mechanism*) changes two
//! things ([RFC 5802 § 3]):
//!
//! 1. **The server stores two keys, never the password.** Both are derived
//!    from the password through a slow, salted function, and one of them
//!    only through a further hash:
//!
//!    ```text
//!    SaltedPassword = Hi(password, salt, i)      PBKDF2 with HMAC, i rounds
//!    ClientKey      = HMAC(SaltedPassword, "Client Key")
//!    StoredKey      = H(ClientKey)               ◄── stored by the server
//!    ServerKey      = HMAC(SaltedPassword, "Server Key")  ◄── stored too
//!    ```
//!
//!    To log in, one must show `ClientKey`. The server only has its hash,
//!    `StoredKey`, and a hash cannot be run backwards: a stolen database
//!    does not let the thief log in (they must still guess passwords, `i`
//!    slow rounds per guess, separately for each salt).
//! 2. **Both sides prove something, and the proofs are bound to this
//!    conversation.** Each side picks a random *nonce*; the three messages
//!    exchanged before the proof, joined, form the `AuthMessage`. The client
//!    proves it knows `ClientKey` without sending it:
//!
//!    ```text
//!    ClientSignature = HMAC(StoredKey, AuthMessage)
//!    ClientProof     = ClientKey XOR ClientSignature      ──► sent
//!    ```
//!
//!    The server, knowing `StoredKey`, computes the same `ClientSignature`,
//!    XORs it away to recover `ClientKey`, and checks `H(ClientKey) ==
//!    StoredKey`. A recorded proof is useless later: the next conversation
//!    has other nonces, so another `AuthMessage`. Then the server proves
//!    itself with `ServerSignature = HMAC(ServerKey, AuthMessage)`, which
//!    only someone who had the password (or the server's database) can
//!    compute. A man in the middle who merely accepts the connection cannot,
//!    and the client notices ([`ScramError::ServerSignatureMismatch`]).
//!
//! The limit: whoever steals `StoredKey` *and* records one exchange can
//! recover `ClientKey` from it ([RFC 5802 § 9]), so SCRAM still runs inside
//! TLS.
//!
//! # The four messages ([RFC 5802 § 5], grammar in [RFC 5802 § 7])
//!
//! ```text
//!  client                                                      server
//!    │ client-first   n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL          │
//!    │ ──────────────────────────────────────────────────────────► │ looks up
//!    │ server-first   r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j, │ "user"
//!    │                s=QSXCR+Q6sek8bf92,i=4096                     │
//!    │ ◄────────────────────────────────────────────────────────── │
//!  Hi(password, salt, 4096)                                         │
//!    │ client-final   c=biws,r=fyko…Vs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=
//!    │ ──────────────────────────────────────────────────────────► │ checks p
//!    │ server-final   v=rmF9pqV8S7suAoZWja4dJRkFsKQ=                │
//!    │ ◄────────────────────────────────────────────────────────── │
//!  checks v
//! ```
//!
//! - `n,,` is the *GS2 header*: `n` = "I do not do channel binding", then an
//!   optional authorization identity `a=…` between the commas. `c=biws` in
//!   the client-final message is that header again, in base64, so that a
//!   man in the middle cannot change it unnoticed.
//! - `r=` is the nonce: the client's, then the server's appended.
//! - `s=` and `i=` are the salt and iteration count stored for the user.
//! - `p=` is `ClientProof`, `v=` is `ServerSignature`, both base64.
//!
//! Two simplifications: usernames and passwords are used as given, without
//! the SASLprep preparation of [RFC 5802 § 5.1] (identical for ASCII), and
//! channel binding (the `-PLUS` variants, [RFC 5802 § 6]) is not offered.
//!
//! The server side is split in two types, [`ClientFirst`] then
//! [`ServerFirst`], so that the caller can look the user up in between; the
//! client side is one type, [`ScramClient`].
//!
//! # The files
//!
//! - `keys.rs`: the hash functions, the key derivation, and what the
//!   server stores
//! - `grammar.rs`: the pieces of the message grammar both sides read with
//! - `server.rs`: [`ClientFirst`], then [`ServerFirst`]
//! - `client.rs`: [`ScramClient`]
//!
//! This file holds [`ScramError`], the ways an exchange fails, which both
//! sides share.
//!
//! Read before: [`super::framing`]. Read after: [`super::sasl`]. Book:
//! lesson 5 (every message of a live login, decoded); lesson 3 shows the
//! first SASL message.
//! Run: `netlab xmpp server --trace` and log in.
//!
//! [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
//! [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
//! [RFC 5802 § 5]: https://datatracker.ietf.org/doc/html/rfc5802#section-5
//! [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
//! [RFC 5802 § 6]: https://datatracker.ietf.org/doc/html/rfc5802#section-6
//! [RFC 5802 § 7]: https://datatracker.ietf.org/doc/html/rfc5802#section-7
//! [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9
//! [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677

mod client;
mod grammar;
mod keys;
mod server;

pub use client::ScramClient;
pub use grammar::{Message, escape_saslname, unescape_saslname};
pub use keys::{
    DEFAULT_ITERATIONS, Hash, MAX_ITERATIONS, MIN_ITERATIONS, StoredKeys,
};
pub use server::{ClientFirst, ServerFirst};

/// Why a SCRAM exchange failed. [`ScramError::sasl_condition`] names the
/// SASL failure the server answers with.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ScramError {
    /// A message does not follow the grammar.
    #[error("the {message} is malformed: {reason} (RFC 5802 § 7)")]
    Malformed {
        /// The message.
        message: Message,
        /// What is wrong, in words.
        reason: String,
    },
    /// A message starts with `m=`, reserved for extensions that must be
    /// understood.
    #[error(
        "the {message} starts with a mandatory extension m=…, which this \
         implementation does not know, so authentication must fail \
         (RFC 5802 § 5.1)"
    )]
    MandatoryExtension {
        /// The message.
        message: Message,
    },
    /// The GS2 header asks for channel binding (`p=…`).
    #[error(
        "the client asks for channel binding (p=…), but this server offers \
         no SCRAM-…-PLUS mechanism; use plain SCRAM with the GS2 header \
         'n,,' (RFC 5802 § 6)"
    )]
    ChannelBindingNotSupported,
    /// `c=` in the client-final message is not the GS2 header of the
    /// client-first message.
    #[error(
        "the channel binding c=… in the client-final-message does not repeat \
         the GS2 header of the client-first-message (RFC 5802 § 5.1, § 6)"
    )]
    ChannelBindingMismatch,
    /// The nonce `r=` is not the client's followed by the server's.
    #[error(
        "the nonce r=… in the {message} is not the client's nonce followed \
         by the server's (RFC 5802 § 5.1)"
    )]
    NonceMismatch {
        /// The message.
        message: Message,
    },
    /// The server asks for fewer than [`MIN_ITERATIONS`].
    #[error(
        "the server asks for {count} iterations, fewer than the 4096 that \
         RFC 7677 § 4 and RFC 5802 § 5.1 ask for: the server is weak or the \
         message was tampered with"
    )]
    TooFewIterations {
        /// The count the server sent.
        count: u32,
    },
    /// The server asks for more than [`MAX_ITERATIONS`].
    #[error(
        "the server asks for {count} iterations, more than the 1000000 this \
         client will compute: a hostile server could keep it busy for \
         minutes (RFC 5802 § 9)"
    )]
    TooManyIterations {
        /// The count the server sent.
        count: u64,
    },
    /// The client's proof does not match: wrong password, or no such user.
    #[error(
        "wrong password or unknown user: the client's proof p=… does not \
         match the stored key (RFC 5802 § 3)"
    )]
    NotAuthorized,
    /// The server's signature does not match.
    #[error(
        "the server's signature v=… is wrong: the server does not know your \
         password: it may be an impostor (RFC 5802 § 3)"
    )]
    ServerSignatureMismatch,
    /// The server-final message is an error `e=…`.
    #[error("the server refused the login with e={reason} (RFC 5802 § 7)")]
    ServerError {
        /// The server's `server-error-value`, such as `invalid-proof`.
        reason: String,
    },
    /// The client was asked to check the server-final message before it
    /// had answered the server-first message.
    #[error(
        "the server-final-message arrived before the server-first-message \
         was answered (RFC 5802 § 5)"
    )]
    OutOfOrder,
}

impl ScramError {
    /// The SASL failure condition for this error ([RFC 6120 § 6.5]): a
    /// failed proof is `not-authorized` (§ 6.5.10), everything else is a
    /// message that breaks the mechanism's rules, `malformed-request`
    /// (§ 6.5.8).
    ///
    /// [RFC 6120 § 6.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5
    pub fn sasl_condition(&self) -> &'static str {
        match self {
            ScramError::NotAuthorized => "not-authorized",
            _ => "malformed-request",
        }
    }
}

#[cfg(test)]
mod tests {
    //! Whole exchanges, both sides against each other. The helpers here are
    //! shared with the tests in `server.rs` and `client.rs`.

    use super::*;
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD as BASE64;

    pub(super) fn b64(text: &str) -> Vec<u8> {
        BASE64.decode(text).expect("valid base64 in the fixture")
    }

    /// Plays one exchange from the given nonces, returning the four
    /// messages as text.
    fn replay(
        hash: Hash,
        password: &str,
        salt: &[u8],
        client_nonce: &str,
        server_nonce: &str,
    ) -> [String; 4] {
        let mut client =
            ScramClient::with_nonce(hash, "user", password, client_nonce);
        let client_first = client.client_first();
        let first = ClientFirst::parse(hash, &client_first).expect("parses");
        assert_eq!(first.username(), "user");
        let keys = StoredKeys::derive(hash, "pencil", salt, 4096);
        let (server, server_first) =
            first.respond_with_nonce(Some(keys), server_nonce);
        let client_final =
            client.handle_server_first(&server_first).expect("accepted");
        let server_final = server.finish(&client_final).expect("proof ok");
        client
            .verify_server_final(&server_final)
            .expect("signature ok");
        [client_first, server_first, client_final, server_final]
            .map(|m| String::from_utf8(m).expect("ASCII"))
    }

    #[test]
    fn rfc_5802_example_is_reproduced() {
        // RFC 5802 § 5, user "user", password "pencil".
        let messages = replay(
            Hash::Sha1,
            "pencil",
            &b64("QSXCR+Q6sek8bf92"),
            "fyko+d2lbbFgONRv9qkxdawL",
            "3rfcNHYJY1ZVvWVs7j",
        );
        assert_eq!(
            messages,
            [
                "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
                "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,\
                 s=QSXCR+Q6sek8bf92,i=4096",
                "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,\
                 p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
                "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=",
            ]
        );
    }

    #[test]
    fn rfc_7677_example_is_reproduced() {
        // RFC 7677 § 3, SCRAM-SHA-256.
        let messages = replay(
            Hash::Sha256,
            "pencil",
            &b64("W22ZaJ0SNY7soEsUEjb6gQ=="),
            "rOprNGfwEbeRWgbNEkqO",
            "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        );
        assert_eq!(
            messages,
            [
                "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
                "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                 s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
                "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,\
                 p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
                "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
            ]
        );
    }

    /// A whole exchange with random nonces and salt; the server's verdict.
    pub(super) fn exchange(
        hash: Hash,
        stored_password: Option<&str>,
        password: &str,
    ) -> Result<(), ScramError> {
        let keys = stored_password.map(|p| StoredKeys::generate(hash, p));
        let mut client = ScramClient::new(hash, "juliet", password);
        let first = ClientFirst::parse(hash, &client.client_first())?;
        let (server, server_first) = first.respond(keys);
        let client_final = client.handle_server_first(&server_first)?;
        let server_final = server.finish(&client_final)?;
        client.verify_server_final(&server_final)
    }

    #[test]
    fn round_trips_for_both_hashes() {
        for hash in [Hash::Sha1, Hash::Sha256] {
            assert_eq!(exchange(hash, Some("r0m€o"), "r0m€o"), Ok(()));
            assert_eq!(
                exchange(hash, Some("r0m€o"), "romeo"),
                Err(ScramError::NotAuthorized),
                "{hash:?}"
            );
        }
    }

    /// A server waiting for the client-final message of a SHA-1 exchange,
    /// and the client's nonce.
    pub(super) fn waiting_server() -> (ServerFirst, ScramClient, Vec<u8>) {
        let hash = Hash::Sha1;
        let mut client = ScramClient::with_nonce(hash, "user", "pencil", "abc");
        let first =
            ClientFirst::parse(hash, &client.client_first()).expect("parses");
        let keys = StoredKeys::derive(hash, "pencil", b"salt", 4096);
        let (server, server_first) =
            first.respond_with_nonce(Some(keys), "XYZ");
        let client_final =
            client.handle_server_first(&server_first).expect("accepted");
        (server, client, client_final)
    }

    #[test]
    fn truncated_messages_never_panic() {
        let [client_first, server_first, client_final, server_final] = replay(
            Hash::Sha1,
            "pencil",
            &b64("QSXCR+Q6sek8bf92"),
            "fyko+d2lbbFgONRv9qkxdawL",
            "3rfcNHYJY1ZVvWVs7j",
        );
        for at in 0..client_first.len() {
            let _ =
                ClientFirst::parse(Hash::Sha1, &client_first.as_bytes()[..at]);
        }
        for at in 0..server_first.len() {
            let mut client = ScramClient::with_nonce(
                Hash::Sha1,
                "user",
                "pencil",
                "fyko+d2lbbFgONRv9qkxdawL",
            );
            let _ = client.handle_server_first(&server_first.as_bytes()[..at]);
            let _ = client.verify_server_final(
                &server_final.as_bytes()[..at.min(server_final.len())],
            );
        }
        let first = ClientFirst::parse(Hash::Sha1, client_first.as_bytes())
            .expect("parses");
        let keys = StoredKeys::derive(
            Hash::Sha1,
            "pencil",
            &b64("QSXCR+Q6sek8bf92"),
            4096,
        );
        let (server, _) =
            first.respond_with_nonce(Some(keys), "3rfcNHYJY1ZVvWVs7j");
        for at in 0..client_final.len() {
            let server = server.clone();
            assert!(server.finish(&client_final.as_bytes()[..at]).is_err());
        }
    }

    #[test]
    fn errors_teach() {
        assert_eq!(
            ScramError::ServerSignatureMismatch.to_string(),
            "the server's signature v=… is wrong: the server does not know \
             your password: it may be an impostor (RFC 5802 § 3)"
        );
        let e = ClientFirst::parse(Hash::Sha1, b"n,,n=user,r=a\x01b")
            .expect_err("control character");
        assert_eq!(
            e.to_string(),
            "the client-first-message is malformed: the nonce r=… contains \
             '\\u{1}', but only printable ASCII is allowed (RFC 5802 § 7)"
        );
    }
}
