//! External components ([XEP-0114]): the protocol a trusted service (a
//! gateway, a bot, a bridge) uses to plug into a server under a domain of
//! its own, such as `gw.localhost`.
//!
//! A component is not a user: it does not log in with SASL and has no
//! roster. It opens a TCP connection to the server's component port and
//! proves it knows a secret shared with the server's operator:
//!
//! ```text
//! component                                   server
//! <stream:stream xmlns='jabber:component:accept'
//!                to='gw.localhost'>       ─►
//!                                         ◄─  <stream:stream from='gw.localhost' id='3BF96D32'>
//! <handshake>hex(SHA-1(id + secret))</handshake>
//!                                         ─►
//!                                         ◄─  <handshake/>      (or a stream error)
//! stanzas both ways, from/to anything @gw.localhost
//! ```
//!
//! The digest mixes in the stream id, which the server picks fresh for each
//! connection, so a recorded handshake cannot be replayed ([XEP-0114 § 3]).
//! It is still a weak scheme (SHA-1, no TLS): components belong on the same
//! machine or a trusted network.
//!
//! Read next: `server/component.rs` (the server's side) and
//! `gateway/` (a component that bridges to IRC).
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html
//! [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol

use sha1::{Digest, Sha1};

/// The handshake value: lowercase hex of SHA-1(stream id ‖ secret)
/// ([XEP-0114 § 3]: "the component MUST compute the SHA1 hash of the
/// concatenation of the Stream ID and the shared secret").
///
/// [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
pub fn handshake_digest(stream_id: &str, secret: &str) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(stream_id.as_bytes());
    sha1.update(secret.as_bytes());
    sha1.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a received handshake value is the right one, compared in
/// constant time: how long the comparison takes must not tell an attacker
/// how many leading characters were right.
pub fn handshake_matches(
    stream_id: &str,
    secret: &str,
    received: &str,
) -> bool {
    let expected = handshake_digest(stream_id, secret);
    // Case-insensitive: some components write the hex in upper case.
    let received = received.trim().to_ascii_lowercase();
    if expected.len() != received.len() {
        return false;
    }
    expected
        .bytes()
        .zip(received.bytes())
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xeps_example_handshake() {
        // XEP-0114 § 3, Example 3: stream id 3BF96D32, secret "test".
        assert_eq!(
            handshake_digest("3BF96D32", "test"),
            "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e"
        );
        assert!(handshake_matches(
            "3BF96D32",
            "test",
            "AAEE83C26AEEAFCBABEABFCBCD50DF997E0A2A1E"
        ));
        assert!(!handshake_matches("3BF96D32", "test2", "aaee83c2"));
        assert!(!handshake_matches(
            "3BF96D33",
            "test",
            "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e"
        ));
    }
}
