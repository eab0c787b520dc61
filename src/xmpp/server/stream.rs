//! What the server writes at the stream level: its stream header, the
//! features it offers at each step, and the namespaces of negotiation
//! (RFC 6120 § 4.3, § 5, § 6, § 7).
//!
//! The features tell a client what it may do next, so they change as the
//! stream goes on:
//!
//! ```text
//! 1st stream (plain)    <starttls/> and, unless TLS is required, SCRAM
//! after STARTTLS        SCRAM-SHA-256, SCRAM-SHA-1, PLAIN
//! after SASL            <bind/> and <session><optional/></session>
//! ```

use crate::xmpp::framing::{Element, STREAMS_NS};
use crate::xmpp::sasl::{Mechanism, mechanisms_element};
use crate::xmpp::stanza::CLIENT_NS;

use super::TlsMode;

/// STARTTLS negotiation (RFC 6120 § 5.4).
pub const TLS_NS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
/// Resource binding (RFC 6120 § 7).
pub const BIND_NS: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// The legacy session establishment of RFC 3921, still sent by older
/// clients; RFC 6121 removed it, servers announce it as optional
/// (draft-cridland-xmpp-session-01).
pub const SESSION_NS: &str = "urn:ietf:params:xml:ns:xmpp-session";
/// Roster versioning is supported (RFC 6121 § 2.6).
pub const ROSTERVER_NS: &str = "urn:xmpp:features:rosterver";

/// The server's stream header, answering a client's (RFC 6120 § 4.7): a
/// fresh `id`, `from` = our domain, `to` = whoever the client said it was.
pub fn header(domain: &str, id: &str, to: Option<&str>) -> String {
    let mut header = format!(
        "<?xml version='1.0'?><stream:stream xmlns='{CLIENT_NS}' \
         xmlns:stream='{STREAMS_NS}' id='{id}' from='{domain}'"
    );
    if let Some(to) = to {
        // `to` came from the client: write it escaped.
        header.push_str(" to='");
        header.push_str(&escape_attr(to));
        header.push('\'');
    }
    header.push_str(" version='1.0' xml:lang='en'>");
    header
}

fn escape_attr(value: &str) -> String {
    Element::new("x", None)
        .with_attr("v", value)
        .to_xml()
        .trim_start_matches("<x v=\"")
        .trim_end_matches("\"/>")
        .to_owned()
}

/// Where a stream is in the negotiation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Not authenticated yet.
    Unauthenticated {
        /// Whether TLS is on.
        secure: bool,
    },
    /// Authenticated: resource binding comes next.
    Authenticated,
}

/// The SASL mechanisms offered at this point (RFC 6120 § 6.4.1): SCRAM
/// always; PLAIN only when nobody can read the password on the wire, or
/// when the teacher asked for a stream anyone can read (`--tls off`).
pub fn mechanisms(mode: TlsMode, secure: bool) -> Vec<Mechanism> {
    match (mode, secure) {
        (TlsMode::Required, false) => Vec::new(),
        (TlsMode::Auto, false) => {
            vec![Mechanism::ScramSha256, Mechanism::ScramSha1]
        }
        _ => vec![
            Mechanism::ScramSha256,
            Mechanism::ScramSha1,
            Mechanism::Plain,
        ],
    }
}

/// `<stream:features>` for this stage.
pub fn features(mode: TlsMode, stage: Stage) -> Element {
    let mut features = Element::new("stream:features", Some(STREAMS_NS));
    match stage {
        Stage::Unauthenticated { secure } => {
            if !secure && mode != TlsMode::Off {
                let mut starttls = Element::new("starttls", Some(TLS_NS))
                    .with_attr("xmlns", TLS_NS);
                if mode == TlsMode::Required {
                    starttls = starttls
                        .with_child(Element::new("required", Some(TLS_NS)));
                }
                features = features.with_child(starttls);
            }
            let offered = mechanisms(mode, secure);
            if !offered.is_empty() {
                features = features.with_child(mechanisms_element(&offered));
            }
        }
        Stage::Authenticated => {
            features = features
                .with_child(
                    Element::new("bind", Some(BIND_NS))
                        .with_attr("xmlns", BIND_NS),
                )
                .with_child(
                    Element::new("session", Some(SESSION_NS))
                        .with_attr("xmlns", SESSION_NS)
                        .with_child(Element::new("optional", Some(SESSION_NS))),
                )
                .with_child(
                    Element::new("ver", Some(ROSTERVER_NS))
                        .with_attr("xmlns", ROSTERVER_NS),
                );
        }
    }
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_escapes_what_the_client_sent() {
        let header = header("localhost", "abc", Some("x'><evil"));
        assert!(header.contains("to='x&apos;&gt;&lt;evil'"), "{header}");
        assert!(header.starts_with("<?xml version='1.0'?><stream:stream"));
    }

    #[test]
    fn features_follow_the_negotiation() {
        let first =
            features(TlsMode::Auto, Stage::Unauthenticated { secure: false })
                .to_xml();
        assert!(first.contains("<starttls"), "{first}");
        assert!(first.contains("SCRAM-SHA-1"), "{first}");
        assert!(!first.contains("PLAIN"), "{first}");
        let required = features(
            TlsMode::Required,
            Stage::Unauthenticated { secure: false },
        )
        .to_xml();
        assert!(required.contains("<required/>"), "{required}");
        assert!(!required.contains("mechanism"), "{required}");
        let secure =
            features(TlsMode::Auto, Stage::Unauthenticated { secure: true })
                .to_xml();
        assert!(!secure.contains("starttls"), "{secure}");
        assert!(secure.contains("PLAIN"), "{secure}");
        let off =
            features(TlsMode::Off, Stage::Unauthenticated { secure: false })
                .to_xml();
        assert!(!off.contains("starttls") && off.contains("PLAIN"), "{off}");
        let bound = features(TlsMode::Auto, Stage::Authenticated).to_xml();
        assert!(bound.contains(BIND_NS) && bound.contains("<optional/>"));
    }
}
