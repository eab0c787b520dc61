//! The client side of SCRAM ([RFC 5802 § 5]): send the username and a
//! nonce, prove the password with the salt and iteration count the server
//! sends, and check the server's signature.
//!
//! [`ScramClient`] is one type for the whole exchange. It refuses a server
//! that asks for fewer iterations than [RFC 7677 § 4] wants or more than
//! it will compute ([RFC 5802 § 9]), whose nonce does not begin with its
//! own, or whose signature shows that it does not know the keys.
//!
//! Read before: `server.rs`. Read next: `../sasl.rs`, which carries these
//! messages in XML elements.
//!
//! [RFC 5802 § 5]: https://datatracker.ietf.org/doc/html/rfc5802#section-5
//! [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9
//! [RFC 7677 § 4]: https://datatracker.ietf.org/doc/html/rfc7677#section-4

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::ScramError;
use super::grammar::{
    Message, NONCE_BYTES, attribute, base64_value, check_nonce,
    escape_saslname, malformed, shown, utf8,
};
use super::keys::{
    Hash, MAX_ITERATIONS, MIN_ITERATIONS, SaltedKeys, constant_time_eq,
    random_bytes, xor,
};

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
    pub(super) fn with_nonce(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::scram::tests::waiting_server;

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
}
