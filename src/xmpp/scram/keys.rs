//! The keys of SCRAM: the hash functions, the derivation from a password,
//! and what the server stores ([RFC 5802 § 2.2], [RFC 5802 § 3]).
//!
//! `mod.rs` draws the derivation; this is it in code. [`Hash`](enum@Hash)
//! gives `H`, `HMAC` and `Hi` (PBKDF2) for SHA-1 and SHA-256 ([RFC 7677]).
//! [`StoredKeys`] is what the server keeps for an account instead of the
//! password, and the decoy it answers with for a name that has no account.
//! The iteration counts are here too, the one new accounts get and the
//! bounds the client accepts, and the three small tools both sides compute
//! the proofs with: XOR, a comparison in constant time, random bytes.
//!
//! Read before: `mod.rs`. Read next: `grammar.rs`, the text the proofs
//! travel in.
//!
//! [RFC 5802 § 2.2]: https://datatracker.ietf.org/doc/html/rfc5802#section-2.2
//! [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
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
pub(super) const SALT_LEN: usize = 16;

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
    pub(super) fn h(self, data: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha1 => sha1::Sha1::digest(data).to_vec(),
            Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        }
    }

    /// `HMAC(key, data)` ([RFC 5802 § 2.2], [RFC 2104]).
    ///
    /// [RFC 5802 § 2.2]: https://datatracker.ietf.org/doc/html/rfc5802#section-2.2
    /// [RFC 2104]: https://datatracker.ietf.org/doc/html/rfc2104
    pub(super) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
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
pub(super) struct SaltedKeys {
    pub(super) client_key: Vec<u8>,
    pub(super) server_key: Vec<u8>,
}

impl SaltedKeys {
    /// The derivation of [RFC 5802 § 3], down to `ClientKey` and
    /// `ServerKey`.
    ///
    /// [RFC 5802 § 3]: https://datatracker.ietf.org/doc/html/rfc5802#section-3
    pub(super) fn derive(
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

/// `a XOR b`, byte by byte (the two have the hash's length).
pub(super) fn xor(a: &[u8], b: &[u8]) -> Vec<u8> {
    a.iter().zip(b).map(|(x, y)| x ^ y).collect()
}

/// Whether `a == b`, in a time that does not depend on where they differ.
///
/// `==` on slices stops at the first difference, so an attacker who can
/// time many attempts learns how many leading bytes were right. Here every
/// byte is always looked at. (The lengths are not secret.)
pub(super) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0, |acc, (x, y)| acc | (x ^ y));
    // `black_box` keeps the optimiser from turning the loop back into an
    // early exit.
    std::hint::black_box(difference) == 0
}

/// `N` bytes from the operating system's random number generator.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
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
    use crate::xmpp::scram::ScramClient;

    #[test]
    fn mechanism_names() {
        for hash in [Hash::Sha1, Hash::Sha256] {
            assert_eq!(Hash::from_mechanism(hash.mechanism()), Some(hash));
        }
        assert_eq!(Hash::from_mechanism("SCRAM-SHA-256-PLUS"), None);
        assert_eq!(Hash::from_mechanism("scram-sha-1"), None);
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
}
