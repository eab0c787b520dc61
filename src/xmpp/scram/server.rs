//! The server side of SCRAM ([RFC 5802 § 5]): read the client-first
//! message, answer with the salt and iteration count, check the proof,
//! sign.
//!
//! Two types, one per state, so that the caller can look the user up in
//! between: [`ClientFirst`] is the first message as received, and answers
//! it given the user's keys; that gives [`ServerFirst`], which waits for
//! the client's proof and checks it. A name without an account gets decoy
//! keys and fails only at the end, as a wrong password does
//! ([RFC 5802 § 9]).
//!
//! Read before: `grammar.rs`. Read next: `client.rs`, the other side of
//! the same exchange.
//!
//! [RFC 5802 § 5]: https://datatracker.ietf.org/doc/html/rfc5802#section-5
//! [RFC 5802 § 9]: https://datatracker.ietf.org/doc/html/rfc5802#section-9

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::ScramError;
use super::grammar::{
    Message, NONCE_BYTES, attribute, base64_value, check_nonce, malformed,
    shown, unescape_saslname, utf8,
};
use super::keys::{Hash, StoredKeys, constant_time_eq, random_bytes, xor};

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
    pub(super) fn respond_with_nonce(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::scram::ScramClient;
    use crate::xmpp::scram::keys::SALT_LEN;
    use crate::xmpp::scram::tests::{b64, exchange, waiting_server};

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
}
