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
//! after SASL            <bind/>, <session><optional/></session>, and
//!                       <sm/>: stream management (XEP-0198 § 2), enabled
//!                       after binding or used instead of it to resume
//! ```

use crate::xmpp::framing::Element;
use crate::xmpp::ns;
use crate::xmpp::sasl::{Mechanism, mechanisms_element};

use super::TlsMode;

/// The server's stream header, answering a client's (RFC 6120 § 4.7): a
/// fresh `id`, `from` = our domain, `to` = whoever the client said it was.
pub fn header(domain: &str, id: &str, to: Option<&str>) -> String {
    let mut header = format!(
        "<?xml version='1.0'?><stream:stream xmlns='{}' \
         xmlns:stream='{}' id='{id}' from='{domain}'",
        ns::CLIENT,
        ns::STREAMS
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

/// The server's stream header for a component (XEP-0114 § 3, Example
/// 2): `from` = the component's domain, a fresh `id`, no `version`.
pub fn component_header(from: &str, id: &str) -> String {
    format!(
        "<?xml version='1.0'?><stream:stream xmlns:stream='{}' \
         xmlns='{}' from='{}' id='{id}'>",
        ns::STREAMS,
        ns::COMPONENT_ACCEPT,
        escape_attr(from)
    )
}

/// A server-to-server stream header (RFC 6120 § 4.7, XEP-0220 § 2.1):
/// `jabber:server` with the `db:` prefix declared for dialback. The
/// initiator sends no `id`; the receiver answers with a fresh one.
pub fn server_header(
    from: &str,
    to: Option<&str>,
    id: Option<&str>,
    version: bool,
) -> String {
    let mut header = format!(
        "<?xml version='1.0'?><stream:stream xmlns='{}' xmlns:db='{}' \
         xmlns:stream='{}' from='{}'",
        ns::SERVER,
        ns::DIALBACK,
        ns::STREAMS,
        escape_attr(from)
    );
    if let Some(to) = to {
        header.push_str(&format!(" to='{}'", escape_attr(to)));
    }
    if let Some(id) = id {
        header.push_str(&format!(" id='{}'", escape_attr(id)));
    }
    if version {
        header.push_str(" version='1.0'");
    }
    header.push('>');
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
        /// Whether the client connected over loopback, from this machine.
        loopback: bool,
    },
    /// Authenticated: resource binding comes next.
    Authenticated,
}

/// The SASL mechanisms offered at this point (RFC 6120 § 6.4.1): SCRAM
/// always; PLAIN only when nobody can read the password on the wire, or
/// when the teacher asked for a stream anyone can read (`--tls off`) and
/// the client is on this machine (loopback): never in the clear across a
/// network, even with `--allow-plaintext-network`.
pub fn mechanisms(
    mode: TlsMode,
    secure: bool,
    loopback: bool,
) -> Vec<Mechanism> {
    match (mode, secure) {
        (TlsMode::Required, false) => Vec::new(),
        (TlsMode::Auto, false) => {
            vec![Mechanism::ScramSha256, Mechanism::ScramSha1]
        }
        (TlsMode::Off, false) if !loopback => {
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
    let mut features = Element::new("stream:features", Some(ns::STREAMS));
    match stage {
        Stage::Unauthenticated { secure, loopback } => {
            if !secure && mode != TlsMode::Off {
                let mut starttls = Element::new("starttls", Some(ns::TLS))
                    .with_attr("xmlns", ns::TLS);
                if mode == TlsMode::Required {
                    starttls = starttls
                        .with_child(Element::new("required", Some(ns::TLS)));
                }
                features = features.with_child(starttls);
            }
            let offered = mechanisms(mode, secure, loopback);
            if !offered.is_empty() {
                features = features.with_child(mechanisms_element(&offered));
            }
        }
        Stage::Authenticated => {
            features = features
                .with_child(
                    Element::new("bind", Some(ns::BIND))
                        .with_attr("xmlns", ns::BIND),
                )
                .with_child(
                    Element::new("session", Some(ns::SESSION))
                        .with_attr("xmlns", ns::SESSION)
                        .with_child(Element::new(
                            "optional",
                            Some(ns::SESSION),
                        )),
                )
                .with_child(
                    Element::new("ver", Some(ns::ROSTERVER))
                        .with_attr("xmlns", ns::ROSTERVER),
                )
                .with_child(
                    Element::new("sm", Some(ns::SM)).with_attr("xmlns", ns::SM),
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
        let first = features(
            TlsMode::Auto,
            Stage::Unauthenticated {
                secure: false,
                loopback: true,
            },
        )
        .to_xml();
        assert!(first.contains("<starttls"), "{first}");
        assert!(first.contains("SCRAM-SHA-1"), "{first}");
        assert!(!first.contains("PLAIN"), "{first}");
        let required = features(
            TlsMode::Required,
            Stage::Unauthenticated {
                secure: false,
                loopback: true,
            },
        )
        .to_xml();
        assert!(required.contains("<required/>"), "{required}");
        assert!(!required.contains("mechanism"), "{required}");
        let secure = features(
            TlsMode::Auto,
            Stage::Unauthenticated {
                secure: true,
                loopback: true,
            },
        )
        .to_xml();
        assert!(!secure.contains("starttls"), "{secure}");
        assert!(secure.contains("PLAIN"), "{secure}");
        let off = features(
            TlsMode::Off,
            Stage::Unauthenticated {
                secure: false,
                loopback: true,
            },
        )
        .to_xml();
        assert!(!off.contains("starttls") && off.contains("PLAIN"), "{off}");
        // In the clear from another machine: never PLAIN.
        let network = features(
            TlsMode::Off,
            Stage::Unauthenticated {
                secure: false,
                loopback: false,
            },
        )
        .to_xml();
        assert!(!network.contains("PLAIN"), "{network}");
        assert!(network.contains("SCRAM-SHA-256"), "{network}");
        let bound = features(TlsMode::Auto, Stage::Authenticated).to_xml();
        assert!(bound.contains(ns::BIND) && bound.contains("<optional/>"));
        assert!(bound.contains(ns::SM), "{bound}");
    }
}
