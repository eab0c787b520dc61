//! SCRAM: logging in with a password the server never sees, and checking
//! that the server knows it too ([RFC 5802], with SHA-256 from [RFC 7677]).
//!
//! This file sits between the stream framing ([`super::framing`]) and the
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

use std::fmt;
use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Digest as _;

/// The iteration count given to new accounts.
///
/// [RFC 7677 § 4]: "the hash iteration-count announced by a server SHOULD
/// be at least 4096". Each login costs the server nothing (it stores the
/// derived keys) and the client 4096 HMACs, a few milliseconds; each
/// password guess against a stolen database costs the same.
///
/// [RFC 7677 § 4]: https://datatracker.ietf.org/doc/html/rfc7677#section-4
pub const DEFAULT_ITERATIONS: u32 = 4096;

/// The smallest iteration count the client accepts ([RFC 5802 § 5.1],
/// [RFC 7677 § 4]): a server asking for fewer is weak or has been tampered
/// with.
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
/// [RFC 7677 § 4]: https://datatracker.ietf.org/doc/html/rfc7677#section-4
pub const MIN_ITERATIONS: u32 = 4096;

/// The largest iteration count the client accepts.
///
/// [RFC 5802 § 9]: "A hostile server can perform a computational
/// denial-of-service attack on clients by sending a big iteration count
/// value." A million rounds take about a second.
///
/// [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9
pub const MAX_ITERATIONS: u32 = 1_000_000;

/// Length of a new random salt, in bytes.
const SALT_LEN: usize = 16;

/// Random bytes per nonce: 18 bytes are 24 base64 characters, which are
/// all printable and never ',' as [RFC 5802 § 5.1] requires of `r=`.
///
/// [RFC 5802 § 5.1]: https://datatracker.ietf.org/doc/html/rfc5802#section-5.1
const NONCE_BYTES: usize = 18;

/// The hash function a SCRAM mechanism is built on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Hash {
    /// SHA-1, for `SCRAM-SHA-1` ([RFC 5802]). SHA-1 is broken for
    /// collisions, which SCRAM does not rely on; it is kept for older
    /// clients.
    ///
    /// [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
    Sha1,
    /// SHA-256, for `SCRAM-SHA-256` ([RFC 7677]).
    ///
    /// [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677
    Sha256,
}

impl Hash {
    /// The SASL mechanism name: `SCRAM-SHA-1` or `SCRAM-SHA-256`.
    pub fn mechanism(self) -> &'static str {
        match self {
            Hash::Sha1 => "SCRAM-SHA-1",
            Hash::Sha256 => "SCRAM-SHA-256",
        }
    }

    /// The hash of a SASL mechanism name, if it is one of ours.
    pub fn from_mechanism(name: &str) -> Option<Hash> {
        match name {
            "SCRAM-SHA-1" => Some(Hash::Sha1),
            "SCRAM-SHA-256" => Some(Hash::Sha256),
            _ => None,
        }
    }

    /// The length of the hash output, and so of every key, proof and
    /// signature: 20 bytes for SHA-1, 32 for SHA-256.
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
        }
    }

    /// `H(data)` ([RFC 5802 § 2.2]).
    ///
    /// [RFC 5802 § 2.2]: https://datatracker.ietf.org/doc/html/rfc5802#section-2.2
    fn h(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    /// `HMAC(key, data)` ([RFC 5802 § 2.2], [RFC 2104]).
    ///
    /// [RFC 5802 § 2.2]: https://datatracker.ietf.org/doc/html/rfc5802#section-2.2
    /// [RFC 2104]: https://datatracker.ietf.org/doc/html/rfc2104
    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC hashes keys longer than a block and pads shorter ones, so
        // every key length is valid.
        const ANY_KEY: &str = "HMAC accepts keys of any length";
        match self {
            Hash::Sha1 => {
                let mut mac =
                    Hmac::<sha1::Sha1>::new_from_slice(key).expect(ANY_KEY);
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
            Hash::Sha256 => {
                let mut mac =
                    Hmac::<sha2::Sha256>::new_from_slice(key).expect(ANY_KEY);
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }
        }
    }

    /// `Hi(password, salt, i)`: PBKDF2 with HMAC as the pseudo-random
    /// function and one block of output ([RFC 5802 § 2.2], [RFC 8018 § 5.2]).
    ///
    /// [RFC 5802 § 2.2]: https://datatracker.ietf.org/doc/html/rfc5802#section-2.2
    /// [RFC 8018 § 5.2]: https://datatracker.ietf.org/doc/html/rfc8018#section-5.2
    fn hi(self, password: &[u8], salt: &[u8], iterations: u32) -> Vec<u8> {
        let mut out = vec![0; self.output_len()];
        match self {
            Hash::Sha1 => {
                pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
                    password, salt, iterations, &mut out,
                );
            }
            Hash::Sha256 => {
                pbkdf2::pbkdf2_hmac::<sha2::Sha256>(
                    password, salt, iterations, &mut out,
                );
            }
        }
        out
    }
}

/// The two keys derived from a password, as the client computes them.
struct SaltedKeys {
    client_key: Vec<u8>,
    server_key: Vec<u8>,
}

impl SaltedKeys {
    /// The derivation of [RFC 5802 § 3], down to `ClientKey` and
    /// `ServerKey`.
    ///
    /// [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
    fn derive(
        hash: Hash,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> SaltedKeys {
        let salted = hash.hi(password.as_bytes(), salt, iterations);
        SaltedKeys {
            client_key: hash.hmac(&salted, b"Client Key"),
            server_key: hash.hmac(&salted, b"Server Key"),
        }
    }
}

/// What the server stores for one account and one hash: everything it needs
/// to check a login, and nothing that lets anyone log in directly.
///
/// `Debug` shows the salt and count but not the keys: with `stored_key` and
/// one recorded exchange a thief can log in, with `server_key` they can
/// pose as the server ([RFC 5802 § 9]). They have no place in a log.
///
/// [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9
#[derive(Clone, PartialEq, Eq)]
pub struct StoredKeys {
    /// The hash the keys were derived with.
    pub hash: Hash,
    /// The salt, random per account, so that equal passwords give different
    /// keys and one guess cannot be tried against all accounts at once.
    pub salt: Vec<u8>,
    /// The PBKDF2 iteration count `i`.
    pub iterations: u32,
    /// `StoredKey = H(ClientKey)`: checks the client's proof.
    pub stored_key: Vec<u8>,
    /// `ServerKey`: signs the server's final message.
    pub server_key: Vec<u8>,
}

impl fmt::Debug for StoredKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKeys")
            .field("hash", &self.hash)
            .field("salt", &BASE64.encode(&self.salt))
            .field("iterations", &self.iterations)
            .field("stored_key", &"(hidden)")
            .field("server_key", &"(hidden)")
            .finish()
    }
}

impl StoredKeys {
    /// Derives the keys from a password, a salt and an iteration count
    /// ([RFC 5802 § 3]).
    ///
    /// [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
    pub fn derive(
        hash: Hash,
        password: &str,
        salt: &[u8],
        iterations: u32,
    ) -> StoredKeys {
        let keys = SaltedKeys::derive(hash, password, salt, iterations);
        StoredKeys {
            hash,
            salt: salt.to_vec(),
            iterations,
            stored_key: hash.h(&keys.client_key),
            server_key: keys.server_key,
        }
    }

    /// The keys for a new password: a random 16-byte salt and
    /// [`DEFAULT_ITERATIONS`].
    pub fn generate(hash: Hash, password: &str) -> StoredKeys {
        let salt: [u8; SALT_LEN] = random_bytes();
        StoredKeys::derive(hash, password, &salt, DEFAULT_ITERATIONS)
    }

    /// Whether `password` is the one these keys were made from, for SASL
    /// PLAIN, where the client sends the password itself: derive again
    /// with the same salt and count, and compare.
    pub fn matches_password(&self, password: &str) -> bool {
        let again = StoredKeys::derive(
            self.hash,
            password,
            &self.salt,
            self.iterations,
        );
        constant_time_eq(&again.stored_key, &self.stored_key)
    }

    /// Keys for a user who does not exist, that look like real ones.
    ///
    /// A server that answered "no such user" at once would tell anyone
    /// which accounts exist. So it answers as usual, with a salt that is
    /// the same each time it is asked about that name (a salt that changed
    /// would give the game away too), and fails at the end
    /// ([RFC 5802 § 9] leaves this to the server; it is what common servers
    /// do). The salt is an HMAC of the name under a secret drawn once per
    /// process; the keys match no password.
    ///
    /// [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9
    pub fn decoy(hash: Hash, username: &str) -> StoredKeys {
        static SECRET: OnceLock<[u8; 32]> = OnceLock::new();
        let secret = SECRET.get_or_init(random_bytes);
        // A different label per use, so that salt and keys are unrelated.
        let derive = |label: &str, len: usize| {
            let data = format!("{label}\0{}\0{username}", hash.mechanism());
            let mut out = Hash::Sha256.hmac(secret, data.as_bytes());
            out.truncate(len);
            out
        };
        StoredKeys {
            hash,
            salt: derive("salt", SALT_LEN),
            iterations: DEFAULT_ITERATIONS,
            stored_key: derive("stored key", hash.output_len()),
            server_key: derive("server key", hash.output_len()),
        }
    }
}

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

/// Shorthand for [`ScramError::Malformed`].
fn malformed(message: Message, reason: impl Into<String>) -> ScramError {
    ScramError::Malformed {
        message,
        reason: reason.into(),
    }
}

/// A piece of the peer's input, made safe to quote in an error: at most 40
/// characters, control characters escaped (the error text may be sent back
/// inside XML, where most control characters are not allowed).
fn shown(text: &str) -> String {
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
fn utf8(message: Message, bytes: &[u8]) -> Result<&str, ScramError> {
    std::str::from_utf8(bytes).map_err(|e| {
        malformed(
            message,
            format!("it is not UTF-8 (from byte {})", e.valid_up_to()),
        )
    })
}

/// The value of the attribute `letter=value`, or an error saying which
/// attribute was expected.
fn attribute(
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
fn base64_value(
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
fn check_nonce(message: Message, nonce: &str) -> Result<(), ScramError> {
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

/// The first message, as the server received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientFirst {
    hash: Hash,
    /// `n,,` or `y,,` or `n,a=…,`: repeated in base64 as `c=` later.
    gs2_header: String,
    /// The authorization identity `a=`, decoded.
    authzid: Option<String>,
    /// The username `n=`, decoded.
    username: String,
    /// The client's nonce `r=`.
    client_nonce: String,
    /// The message without the GS2 header, the first part of the
    /// `AuthMessage`.
    bare: String,
}

impl ClientFirst {
    /// Reads a client-first message:
    ///
    /// ```text
    /// gs2-header                   client-first-message-bare
    /// ┌──┴───┐ ┌──────────────────────────┴──────────────────────────┐
    /// n,a=… ,  [m=…,] n=username , r=client-nonce [, extensions]
    /// ```
    ///
    /// The channel-binding flag may be `n` ("I do not do channel binding")
    /// or `y` ("I could, but I think you cannot"; true, we offer no
    /// `-PLUS`), not `p=…` ([RFC 5802 § 6]).
    ///
    /// [RFC 5802 § 6]: https://datatracker.ietf.org/doc/html/rfc5802#section-6
    pub fn parse(hash: Hash, bytes: &[u8]) -> Result<ClientFirst, ScramError> {
        let m = Message::ClientFirst;
        let text = utf8(m, bytes)?;
        let gs2_missing =
            || malformed(m, "it must start with a GS2 header such as 'n,,'");
        let (flag, rest) = text.split_once(',').ok_or_else(gs2_missing)?;
        let (authzid, bare) = rest.split_once(',').ok_or_else(gs2_missing)?;
        match flag {
            "n" | "y" => {}
            // RFC 5802 § 6: "If the server does not support channel
            // binding [for this mechanism] and the flag is 'p', the server
            // MUST fail authentication".
            _ if flag.starts_with("p=") => {
                return Err(ScramError::ChannelBindingNotSupported);
            }
            _ => {
                return Err(malformed(
                    m,
                    format!(
                        "the GS2 header must start with 'n', 'y' or 'p=…', \
                         not '{}'",
                        shown(flag)
                    ),
                ));
            }
        }
        let authzid = if authzid.is_empty() {
            None
        } else {
            let value = attribute(m, Some(authzid), 'a')?;
            Some(unescape_saslname(m, value)?)
        };
        let gs2_header = text[..text.len() - bare.len()].to_owned();

        let mut attributes = bare.split(',');
        let username =
            unescape_saslname(m, attribute(m, attributes.next(), 'n')?)?;
        let client_nonce = attribute(m, attributes.next(), 'r')?;
        check_nonce(m, client_nonce)?;
        // Anything after the nonce is an extension: "unrecognized
        // attributes not defined in this document MUST be ignored"
        // (RFC 5802 § 7).
        Ok(ClientFirst {
            hash,
            gs2_header,
            authzid,
            username,
            client_nonce: client_nonce.to_owned(),
            bare: bare.to_owned(),
        })
    }

    /// The username the client wants to log in as (`n=`, decoded).
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The authorization identity (`a=` in the GS2 header, decoded): who
    /// the client wants to act as, if not itself.
    pub fn authzid(&self) -> Option<&str> {
        self.authzid.as_deref()
    }

    /// Answers with the server-first message, given the user's keys.
    ///
    /// `keys = None` when the user does not exist: the answer then carries
    /// a [decoy](StoredKeys::decoy) salt, so that it does not reveal which
    /// usernames exist, and [`ServerFirst::finish`] fails with
    /// [`ScramError::NotAuthorized`], exactly as for a wrong password.
    pub fn respond(self, keys: Option<StoredKeys>) -> (ServerFirst, Vec<u8>) {
        let nonce = BASE64.encode(random_bytes::<NONCE_BYTES>());
        self.respond_with_nonce(keys, &nonce)
    }

    /// [`respond`](Self::respond) with a given server nonce, so that the
    /// tests can replay the examples of the RFCs.
    fn respond_with_nonce(
        self,
        keys: Option<StoredKeys>,
        server_nonce: &str,
    ) -> (ServerFirst, Vec<u8>) {
        // Keys made with another hash cannot check this proof: treat them
        // as no keys, so the exchange fails as for an unknown user.
        let keys = keys.filter(|keys| keys.hash == self.hash);
        let known = keys.is_some();
        let keys = keys
            .unwrap_or_else(|| StoredKeys::decoy(self.hash, &self.username));
        // RFC 5802 § 5.1: "the server [...] MUST respond with the client's
        // nonce, followed by its own nonce".
        let nonce = format!("{}{server_nonce}", self.client_nonce);
        let message = format!(
            "r={nonce},s={},i={}",
            BASE64.encode(&keys.salt),
            keys.iterations
        );
        let state = ServerFirst {
            keys,
            known,
            username: self.username,
            gs2_header: self.gs2_header,
            client_first_bare: self.bare,
            server_first: message.clone(),
            nonce,
        };
        (state, message.into_bytes())
    }
}

/// The server, after it sent its first message, waiting for the proof.
#[derive(Clone, Debug)]
pub struct ServerFirst {
    keys: StoredKeys,
    /// Whether `keys` are the user's or a decoy.
    known: bool,
    username: String,
    gs2_header: String,
    client_first_bare: String,
    server_first: String,
    /// The full nonce, client's and server's.
    nonce: String,
}

impl ServerFirst {
    /// The username from the client-first message.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// Checks the client-final message and returns the server-final
    /// message `v=…`, or fails.
    ///
    /// ```text
    /// client-final-message-without-proof          proof
    /// ┌───────────────┴────────────────────────┐ ┌──┴──┐
    /// c=base64(gs2-header),r=nonce[,extensions] ,p=base64
    /// ```
    pub fn finish(self, client_final: &[u8]) -> Result<Vec<u8>, ScramError> {
        let m = Message::ClientFinal;
        let text = utf8(m, client_final)?;
        // "client-final-message = client-final-message-without-proof ","
        // proof" (RFC 5802 § 7): the proof is the last attribute.
        let (without_proof, proof) =
            text.rsplit_once(",p=").ok_or_else(|| {
                malformed(
                    m,
                    "the proof p=… is missing or not the last attribute",
                )
            })?;
        let mut attributes = without_proof.split(',');
        let binding = attribute(m, attributes.next(), 'c')?;
        if base64_value(m, 'c', binding)? != self.gs2_header.as_bytes() {
            return Err(ScramError::ChannelBindingMismatch);
        }
        if attribute(m, attributes.next(), 'r')? != self.nonce {
            return Err(ScramError::NonceMismatch { message: m });
        }
        let proof = base64_value(m, 'p', proof)?;
        if proof.len() != self.keys.hash.output_len() {
            return Err(malformed(
                m,
                format!(
                    "the proof p=… is {} bytes long, but {} gives {}",
                    proof.len(),
                    self.keys.hash.mechanism(),
                    self.keys.hash.output_len()
                ),
            ));
        }

        // RFC 5802 § 3, server side: recover ClientKey from the proof and
        // check that it hashes to StoredKey.
        let hash = self.keys.hash;
        let auth_message = format!(
            "{},{},{without_proof}",
            self.client_first_bare, self.server_first
        );
        let client_signature =
            hash.hmac(&self.keys.stored_key, auth_message.as_bytes());
        let client_key = xor(&proof, &client_signature);
        let proof_ok =
            constant_time_eq(&hash.h(&client_key), &self.keys.stored_key);
        // A decoy never succeeds, even in the impossible case of a match.
        if !(proof_ok && self.known) {
            return Err(ScramError::NotAuthorized);
        }
        let server_signature =
            hash.hmac(&self.keys.server_key, auth_message.as_bytes());
        Ok(format!("v={}", BASE64.encode(server_signature)).into_bytes())
    }
}

/// The client side of one SCRAM exchange.
///
/// ```
/// use netlab::xmpp::scram::{
///     ClientFirst, Hash, ScramClient, StoredKeys,
/// };
///
/// // The server stores keys once, when the account is created.
/// let stored = StoredKeys::generate(Hash::Sha256, "pencil");
///
/// let mut client = ScramClient::new(Hash::Sha256, "user", "pencil");
/// let first = ClientFirst::parse(Hash::Sha256, &client.client_first())?;
/// let (server, server_first) = first.respond(Some(stored));
/// let client_final = client.handle_server_first(&server_first)?;
/// let server_final = server.finish(&client_final)?;
/// client.verify_server_final(&server_final)?;
/// # Ok::<(), netlab::xmpp::scram::ScramError>(())
/// ```
#[derive(Clone)]
pub struct ScramClient {
    hash: Hash,
    password: String,
    /// Always `n,,`: no channel binding, no authorization identity.
    gs2_header: String,
    client_first_bare: String,
    client_nonce: String,
    /// The `ServerSignature` to expect, once the server-first message has
    /// been answered.
    server_signature: Option<Vec<u8>>,
}

impl fmt::Debug for ScramClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScramClient")
            .field("hash", &self.hash)
            .field("password", &"(hidden)")
            .field("client_first_bare", &self.client_first_bare)
            .finish_non_exhaustive()
    }
}

impl ScramClient {
    /// A client that will log in as `username` with `password`, with a
    /// fresh random nonce.
    pub fn new(hash: Hash, username: &str, password: &str) -> ScramClient {
        let nonce = BASE64.encode(random_bytes::<NONCE_BYTES>());
        ScramClient::with_nonce(hash, username, password, &nonce)
    }

    /// [`new`](Self::new) with a given nonce, so that the tests can replay
    /// the examples of the RFCs.
    fn with_nonce(
        hash: Hash,
        username: &str,
        password: &str,
        nonce: &str,
    ) -> ScramClient {
        ScramClient {
            hash,
            password: password.to_owned(),
            gs2_header: "n,,".to_owned(),
            client_first_bare: format!(
                "n={},r={nonce}",
                escape_saslname(username)
            ),
            client_nonce: nonce.to_owned(),
            server_signature: None,
        }
    }

    /// The client-first message: `n,,n=username,r=nonce`.
    pub fn client_first(&self) -> Vec<u8> {
        format!("{}{}", self.gs2_header, self.client_first_bare).into_bytes()
    }

    /// Reads the server-first message `r=…,s=…,i=…`, computes the proof,
    /// and returns the client-final message `c=biws,r=…,p=…`.
    pub fn handle_server_first(
        &mut self,
        bytes: &[u8],
    ) -> Result<Vec<u8>, ScramError> {
        let m = Message::ServerFirst;
        let text = utf8(m, bytes)?;
        let mut attributes = text.split(',');

        let nonce = attribute(m, attributes.next(), 'r')?;
        check_nonce(m, nonce)?;
        // RFC 5802 § 5.1: "The client MUST verify that the initial part of
        // the nonce used in subsequent messages is the same as the nonce it
        // initially specified." We also want the server's part to be there:
        // without it the server contributes no randomness.
        if !nonce.starts_with(&self.client_nonce)
            || nonce.len() == self.client_nonce.len()
        {
            return Err(ScramError::NonceMismatch { message: m });
        }

        let salt = base64_value(m, 's', attribute(m, attributes.next(), 's')?)?;
        if salt.is_empty() {
            return Err(malformed(m, "the salt s=… is empty"));
        }

        let iterations = attribute(m, attributes.next(), 'i')?;
        let count: u64 = match iterations.parse() {
            // `parse` would also take "+5": only digits are a number here.
            Ok(count) if iterations.bytes().all(|b| b.is_ascii_digit()) => {
                count
            }
            // All digits but too long for a u64: certainly too many.
            Err(_)
                if !iterations.is_empty()
                    && iterations.bytes().all(|b| b.is_ascii_digit()) =>
            {
                u64::MAX
            }
            _ => {
                return Err(malformed(
                    m,
                    format!(
                        "the iteration count i=… is '{}', not a number",
                        shown(iterations)
                    ),
                ));
            }
        };
        if count > u64::from(MAX_ITERATIONS) {
            return Err(ScramError::TooManyIterations { count });
        }
        let count = u32::try_from(count)
            .expect("count is at most MAX_ITERATIONS, which is a u32");
        if count < MIN_ITERATIONS {
            return Err(ScramError::TooFewIterations { count });
        }
        // Extensions after i=… are ignored (RFC 5802 § 7).

        // RFC 5802 § 3, client side.
        let hash = self.hash;
        let keys = SaltedKeys::derive(hash, &self.password, &salt, count);
        let stored_key = hash.h(&keys.client_key);
        let without_proof = format!(
            "c={},r={nonce}",
            BASE64.encode(self.gs2_header.as_bytes())
        );
        let auth_message =
            format!("{},{text},{without_proof}", self.client_first_bare);
        let client_signature = hash.hmac(&stored_key, auth_message.as_bytes());
        let proof = xor(&keys.client_key, &client_signature);
        self.server_signature =
            Some(hash.hmac(&keys.server_key, auth_message.as_bytes()));
        Ok(format!("{without_proof},p={}", BASE64.encode(proof)).into_bytes())
    }

    /// Checks the server-final message: `v=` must be the signature only a
    /// server that knows the keys can compute.
    pub fn verify_server_final(&self, bytes: &[u8]) -> Result<(), ScramError> {
        let m = Message::ServerFinal;
        let expected = self
            .server_signature
            .as_ref()
            .ok_or(ScramError::OutOfOrder)?;
        let text = utf8(m, bytes)?;
        let first = text.split(',').next();
        // "server-final-message = (server-error / verifier) ["," extensions]"
        // (RFC 5802 § 7).
        if let Some(reason) = first.and_then(|part| part.strip_prefix("e=")) {
            return Err(ScramError::ServerError {
                reason: shown(reason),
            });
        }
        let signature = base64_value(m, 'v', attribute(m, first, 'v')?)?;
        if !constant_time_eq(&signature, expected) {
            return Err(ScramError::ServerSignatureMismatch);
        }
        Ok(())
    }
}

/// `a XOR b`, byte by byte (the two have the hash's length).
fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// Whether `a == b`, in a time that does not depend on where they differ.
///
/// `==` on slices stops at the first difference, so an attacker who can
/// time many attempts learns how many leading bytes were right. Here every
/// byte is always looked at. (The lengths are not secret.)
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the loop back into an
    // early exit.
    std::hint::black_box(difference) == 0
}

/// `N` bytes from the operating system's random number generator.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect(
        "the operating system's random number generator is available \
         (getrandom(2) on Linux cannot fail once booted)",
    );
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> Vec<u8> {
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
    fn exchange(
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

    #[test]
    fn mechanism_names() {
        for hash in [Hash::Sha1, Hash::Sha256] {
            assert_eq!(Hash::from_mechanism(hash.mechanism()), Some(hash));
        }
        assert_eq!(Hash::from_mechanism("SCRAM-SHA-256-PLUS"), None);
        assert_eq!(Hash::from_mechanism("scram-sha-1"), None);
    }

    #[test]
    fn unknown_users_get_a_plausible_answer_and_fail_at_the_end() {
        let hash = Hash::Sha256;
        let answer = |user: &str| {
            let client = ScramClient::new(hash, user, "x");
            let first = ClientFirst::parse(hash, &client.client_first())
                .expect("parses");
            let (_, message) = first.respond(None);
            let text = String::from_utf8(message).expect("ASCII");
            // Keep s=… and i=…, drop the random nonce.
            text.split_once(',').expect("r=…,").1.to_owned()
        };
        let nobody = answer("nobody");
        assert_eq!(nobody, answer("nobody"), "the same salt each time");
        assert_ne!(nobody, answer("somebody"), "a salt per name");
        let salt = nobody.strip_prefix("s=").expect("s=").split(',').next();
        assert_eq!(b64(salt.expect("salt")).len(), SALT_LEN);
        assert!(nobody.ends_with(",i=4096"));

        // The client goes on as usual; the server says no at the end, with
        // the same error as for a wrong password.
        assert_eq!(
            exchange(hash, None, "anything"),
            Err(ScramError::NotAuthorized)
        );
        assert_eq!(
            ScramError::NotAuthorized.sasl_condition(),
            "not-authorized"
        );
    }

    #[test]
    fn keys_of_the_other_hash_count_as_unknown() {
        let mut client = ScramClient::new(Hash::Sha256, "juliet", "pw");
        let first = ClientFirst::parse(Hash::Sha256, &client.client_first())
            .expect("parses");
        let keys = StoredKeys::generate(Hash::Sha1, "pw");
        let (server, server_first) = first.respond(Some(keys));
        let client_final =
            client.handle_server_first(&server_first).expect("accepted");
        assert_eq!(
            server.finish(&client_final),
            Err(ScramError::NotAuthorized)
        );
    }

    #[test]
    fn stored_keys_check_plain_passwords() {
        let keys = StoredKeys::generate(Hash::Sha256, "pencil");
        assert_eq!(keys.salt.len(), SALT_LEN);
        assert_eq!(keys.iterations, DEFAULT_ITERATIONS);
        assert_eq!(keys.stored_key.len(), 32);
        assert!(keys.matches_password("pencil"));
        assert!(!keys.matches_password("Pencil"));
        assert!(!keys.matches_password(""));
        let again = StoredKeys::generate(Hash::Sha256, "pencil");
        assert_ne!(keys.salt, again.salt, "a random salt per account");
        assert_ne!(keys.stored_key, again.stored_key);
        assert!(!StoredKeys::decoy(Hash::Sha1, "x").matches_password(""));
    }

    #[test]
    fn debug_hides_the_keys_and_the_password() {
        let keys = StoredKeys::derive(Hash::Sha1, "pencil", b"salt", 4096);
        let shown = format!("{keys:?}");
        assert!(shown.contains("(hidden)"), "{shown}");
        assert!(!shown.contains(&format!("{:?}", keys.stored_key)));
        let client = ScramClient::new(Hash::Sha1, "user", "pencil");
        assert!(!format!("{client:?}").contains("pencil"));
    }

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

    #[test]
    fn client_first_variants() {
        let parse =
            |text: &str| ClientFirst::parse(Hash::Sha1, text.as_bytes());
        let first = parse("y,,n=user,r=abc").expect("y is accepted");
        assert_eq!(first.gs2_header, "y,,");
        let first = parse("n,a=ro=2Cmeo,n=user,r=abc,x=ext,y=more")
            .expect("authzid and extensions");
        assert_eq!(first.authzid(), Some("ro,meo"));
        assert_eq!(first.gs2_header, "n,a=ro=2Cmeo,");
        assert_eq!(first.bare, "n=user,r=abc,x=ext,y=more");
        assert_eq!(
            parse("p=tls-unique,,n=user,r=abc").map(|_| ()),
            Err(ScramError::ChannelBindingNotSupported)
        );
        assert_eq!(
            parse("n,,m=ext,n=user,r=abc").map(|_| ()),
            Err(ScramError::MandatoryExtension {
                message: Message::ClientFirst
            })
        );
    }

    #[test]
    fn malformed_client_first_messages_are_refused() {
        let cases: [&[u8]; 14] = [
            b"",
            b"n",
            b"n,",
            b"n,,",
            b"x,,n=user,r=abc",
            b"n,b=x,n=user,r=abc",
            b"n,,r=abc",
            b"n,,n=user",
            b"n,,n=user,",
            b"n,,n=,r=abc",
            b"n,,n=us=er,r=abc",
            b"n,,n=user,r=",
            b"n,,n=user,r=a\x01b",
            b"n,,n=\xff,r=abc",
        ];
        for bytes in cases {
            let e = ClientFirst::parse(Hash::Sha256, bytes)
                .expect_err(&String::from_utf8_lossy(bytes));
            assert!(
                matches!(e, ScramError::Malformed { .. }),
                "{}: {e:?}",
                String::from_utf8_lossy(bytes)
            );
            assert_eq!(e.sasl_condition(), "malformed-request");
        }
    }

    /// A server waiting for the client-final message of a SHA-1 exchange,
    /// and the client's nonce.
    fn waiting_server() -> (ServerFirst, ScramClient, Vec<u8>) {
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
    fn malformed_client_final_messages_are_refused() {
        let (_, _, good) = waiting_server();
        let good = String::from_utf8(good).expect("ASCII");
        let proof = good.rsplit_once(",p=").expect("a proof").1.to_owned();
        let cases: Vec<(Vec<u8>, ScramError)> = vec![
            (
                b"c=biws,r=abcXYZ".to_vec(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                format!("c=biws,r=abcXYZ,p=!!{proof}").into_bytes(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                b"c=biws,r=abcXYZ,p=AAAA".to_vec(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                format!("c=%%%,r=abcXYZ,p={proof}").into_bytes(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                format!("r=abcXYZ,p={proof}").into_bytes(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                format!("c=biws,p={proof}").into_bytes(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                [b"c=biws,r=abcXYZ\xff,p=", proof.as_bytes()].concat(),
                malformed(Message::ClientFinal, ""),
            ),
            (
                format!("m=x,c=biws,r=abcXYZ,p={proof}").into_bytes(),
                ScramError::MandatoryExtension {
                    message: Message::ClientFinal,
                },
            ),
            (
                // c=eSws is "y,,", but the client sent "n,,".
                format!("c=eSws,r=abcXYZ,p={proof}").into_bytes(),
                ScramError::ChannelBindingMismatch,
            ),
            (
                format!("c=biws,r=abcXYW,p={proof}").into_bytes(),
                ScramError::NonceMismatch {
                    message: Message::ClientFinal,
                },
            ),
        ];
        for (bytes, expected) in cases {
            let (server, _, _) = waiting_server();
            let e = server.finish(&bytes).expect_err("refused");
            let same = match (&e, &expected) {
                (
                    ScramError::Malformed { message, .. },
                    ScramError::Malformed {
                        message: wanted, ..
                    },
                ) => message == wanted,
                _ => e == expected,
            };
            assert!(same, "{}: {e:?}", String::from_utf8_lossy(&bytes));
        }
        // With an extension before the proof, the proof no longer matches
        // (it covers the whole message), but the message is well-formed.
        let (server, _, _) = waiting_server();
        let extended = format!("c=biws,r=abcXYZ,x=1,p={proof}");
        assert_eq!(
            server.finish(extended.as_bytes()),
            Err(ScramError::NotAuthorized)
        );
    }

    #[test]
    fn the_client_checks_the_server_first_message() {
        type Check = fn(&ScramError) -> bool;
        let cases: [(&str, Check); 11] = [
            ("r=abcXYZ,s=c2FsdA==,i=1000", |e| {
                *e == ScramError::TooFewIterations { count: 1000 }
            }),
            ("r=abcXYZ,s=c2FsdA==,i=2000000", |e| {
                *e == ScramError::TooManyIterations { count: 2_000_000 }
            }),
            ("r=abcXYZ,s=c2FsdA==,i=99999999999999999999999", |e| {
                matches!(e, ScramError::TooManyIterations { .. })
            }),
            ("r=abcXYZ,s=c2FsdA==,i=+5000", |e| {
                matches!(e, ScramError::Malformed { .. })
            }),
            ("r=abcXYZ,s=c2FsdA==,i=", |e| {
                matches!(e, ScramError::Malformed { .. })
            }),
            ("r=abcXYZ,s=c2FsdA==", |e| {
                matches!(e, ScramError::Malformed { .. })
            }),
            ("r=abcXYZ,s=c2F,i=4096", |e| {
                matches!(e, ScramError::Malformed { .. })
            }),
            ("r=abcXYZ,s=,i=4096", |e| {
                matches!(e, ScramError::Malformed { .. })
            }),
            ("r=xyzXYZ,s=c2FsdA==,i=4096", |e| {
                matches!(e, ScramError::NonceMismatch { .. })
            }),
            ("r=abc,s=c2FsdA==,i=4096", |e| {
                matches!(e, ScramError::NonceMismatch { .. })
            }),
            ("m=x,r=abcXYZ,s=c2FsdA==,i=4096", |e| {
                matches!(e, ScramError::MandatoryExtension { .. })
            }),
        ];
        for (text, check) in cases {
            let mut client =
                ScramClient::with_nonce(Hash::Sha1, "user", "pencil", "abc");
            let e =
                client.handle_server_first(text.as_bytes()).expect_err(text);
            assert!(check(&e), "{text}: {e:?}");
        }
        // Extensions after i=… are ignored.
        let mut client =
            ScramClient::with_nonce(Hash::Sha1, "user", "pencil", "abc");
        assert!(
            client
                .handle_server_first(b"r=abcXYZ,s=c2FsdA==,i=4096,x=ext")
                .is_ok()
        );
    }

    #[test]
    fn the_client_checks_the_server_final_message() {
        let (server, client, client_final) = waiting_server();
        let good = server.finish(&client_final).expect("proof ok");
        assert_eq!(client.verify_server_final(&good), Ok(()));
        let with_extension = [good.as_slice(), b",x=1"].concat();
        assert_eq!(client.verify_server_final(&with_extension), Ok(()));

        // An impostor that accepted the connection but has no keys.
        let impostor = format!("v={}", BASE64.encode([7; 20]));
        let e = client
            .verify_server_final(impostor.as_bytes())
            .expect_err("impostor");
        assert_eq!(e, ScramError::ServerSignatureMismatch);
        assert!(e.to_string().contains("it may be an impostor"));

        assert_eq!(
            client.verify_server_final(b"e=invalid-proof"),
            Err(ScramError::ServerError {
                reason: "invalid-proof".into()
            })
        );
        for bad in [&b""[..], b"v=%%", b"x=1", b"v=\xff"] {
            assert!(
                matches!(
                    client.verify_server_final(bad),
                    Err(ScramError::Malformed { .. })
                ),
                "{bad:?}"
            );
        }
        let fresh = ScramClient::new(Hash::Sha1, "user", "pencil");
        assert_eq!(
            fresh.verify_server_final(&good),
            Err(ScramError::OutOfOrder)
        );
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
