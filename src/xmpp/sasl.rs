//! SASL in XMPP: who is at the other end of the stream ([RFC 6120 § 6]).
//!
//! After STARTTLS, and before any stanza, the client proves who it is. XMPP
//! does not invent a login protocol for this: it carries SASL (*Simple
//! Authentication and Security Layer*, RFC 4422), a framework in which
//! *mechanisms* plug in, as a handful of elements in the namespace
//! `urn:ietf:params:xml:ns:xmpp-sasl`. This file sits between the stream
//! framing ([`super::framing`], which delivers those elements) and the
//! server and client sessions (which send them and restart the stream on
//! success); the password arithmetic is in [`super::scram`].
//!
//! ```text
//!  client                                                     server
//!    │        <stream:features><mechanisms>                      │
//!    │          <mechanism>SCRAM-SHA-256</mechanism> …           │
//!    │ ◄──────────────────────────────────────────────────────── │
//!    │ <auth mechanism='SCRAM-SHA-256'>base64(client-first)</auth>
//!    │ ────────────────────────────────────────────────────────► │
//!    │            <challenge>base64(server-first)</challenge>    │
//!    │ ◄──────────────────────────────────────────────────────── │
//!    │ <response>base64(client-final)</response>                 │
//!    │ ────────────────────────────────────────────────────────► │
//!    │ <success>base64(server-final)</success>                   │
//!    │   or <failure><not-authorized/></failure>                 │
//!    │ ◄──────────────────────────────────────────────────────── │
//! ```
//!
//! - The server offers mechanisms, strongest first, inside its stream
//!   features ([RFC 6120 § 6.4.1], [`mechanisms_element`]).
//! - The client picks one and sends `<auth/>`, with the mechanism's first
//!   message, the *initial response* ([RFC 6120 § 6.4.2]). The data is
//!   base64, because SASL messages are bytes and XML is text; an empty
//!   initial response is written `=`, to tell it from none at all.
//! - Challenges and responses go back and forth ([RFC 6120 § 6.4.3]),
//!   until the server says `<success/>`, which may carry the mechanism's
//!   last message: for SCRAM, the server's own proof, which the client must
//!   check ([RFC 6120 § 6.4.6]). Or `<failure/>` with one of the conditions
//!   of [RFC 6120 § 6.5]; or the client gives up with `<abort/>`
//!   ([RFC 6120 § 6.4.4]).
//!
//! Three mechanisms are implemented:
//!
//! - `SCRAM-SHA-256` and `SCRAM-SHA-1` ([RFC 7677], [RFC 5802]): the
//!   password never crosses the wire and the server never stores it; see
//!   [`super::scram`] for why.
//! - `PLAIN` ([RFC 4616]): the password itself, in the clear inside TLS.
//!   The server checks it against the same stored SCRAM keys. The caller
//!   should offer it only on an encrypted stream.
//!
//! One simplification: the server requires the initial response in
//! `<auth/>` (every mechanism here starts with the client, and clients send
//! it); it does not answer an empty `<auth/>` with an empty challenge.
//!
//! Read before: [`super::scram`]. Run: `netlab xmpp server --trace`
//! and log in: the exchange is in the trace.
//!
//! [RFC 6120 § 6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6
//! [RFC 6120 § 6.4.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.1
//! [RFC 6120 § 6.4.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.2
//! [RFC 6120 § 6.4.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.3
//! [RFC 6120 § 6.4.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.4
//! [RFC 6120 § 6.4.6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.6
//! [RFC 6120 § 6.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5
//! [RFC 4616]: https://datatracker.ietf.org/doc/html/rfc4616
//! [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
//! [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677

use crate::xmpp::ns;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::framing::Element;
use super::jid::Jid;
use super::scram::{ClientFirst, Hash, ServerFirst, StoredKeys};

/// A SASL mechanism this crate implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mechanism {
    /// `SCRAM-SHA-256` ([RFC 7677]).
    ///
    /// [RFC 7677]: https://datatracker.ietf.org/doc/html/rfc7677
    ScramSha256,
    /// `SCRAM-SHA-1` ([RFC 5802]).
    ///
    /// [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
    ScramSha1,
    /// `PLAIN` ([RFC 4616]).
    ///
    /// [RFC 4616]: https://datatracker.ietf.org/doc/html/rfc4616
    Plain,
}

impl Mechanism {
    /// All of them, strongest first: the order to offer them in.
    pub const ALL: [Mechanism; 3] = [
        Mechanism::ScramSha256,
        Mechanism::ScramSha1,
        Mechanism::Plain,
    ];

    /// The registered name, as it appears in `<mechanism/>` and in
    /// `<auth mechanism='…'>`.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::ScramSha256 => Hash::Sha256.mechanism(),
            Mechanism::ScramSha1 => Hash::Sha1.mechanism(),
            Mechanism::Plain => "PLAIN",
        }
    }

    /// The mechanism with this name. Names are compared exactly: they are
    /// registered in upper case (RFC 4422 § 3.1).
    pub fn from_name(name: &str) -> Option<Mechanism> {
        Mechanism::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The hash of a SCRAM mechanism, `None` for PLAIN.
    pub fn scram_hash(self) -> Option<Hash> {
        match self {
            Mechanism::ScramSha256 => Some(Hash::Sha256),
            Mechanism::ScramSha1 => Some(Hash::Sha1),
            Mechanism::Plain => None,
        }
    }
}

/// A top-level SASL element: `<name xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>`.
fn sasl_element(name: &str) -> Element {
    Element::new(name, Some(ns::SASL)).with_attr("xmlns", ns::SASL)
}

/// Whether `element` is the SASL element `name`.
fn is_sasl(element: &Element, name: &str) -> bool {
    element.local_name() == name && element.ns.as_deref() == Some(ns::SASL)
}

/// The list of mechanisms for the stream features ([RFC 6120 § 6.4.1]):
/// `<mechanisms xmlns='…'><mechanism>SCRAM-SHA-256</mechanism>…`.
///
/// [RFC 6120 § 6.4.1]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.1
pub fn mechanisms_element(offered: &[Mechanism]) -> Element {
    offered
        .iter()
        .fold(sasl_element("mechanisms"), |list, mechanism| {
            list.with_child(
                Element::new("mechanism", Some(ns::SASL))
                    .with_text(mechanism.name()),
            )
        })
}

/// SASL data as element text: base64, and `=` for data of length zero
/// ([RFC 6120 § 6.4.2]: "If the initiating entity needs to send a
/// zero-length initial response, it MUST transmit the response as a single
/// equals sign character").
///
/// [RFC 6120 § 6.4.2]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.2
fn encode(data: &[u8]) -> String {
    if data.is_empty() {
        "=".to_owned()
    } else {
        BASE64.encode(data)
    }
}

/// Element text back to SASL data: `""` and `"="` are both empty.
///
/// The text must be exactly base64 (RFC 4648 § 4), with no whitespace or
/// line breaks: anything else is `incorrect-encoding` (RFC 6120 § 6.5.3).
fn decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    match text {
        "" | "=" => Ok(Vec::new()),
        _ => BASE64.decode(text),
    }
}

/// What the server sends next, after an `<auth/>` or a `<response/>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaslStep {
    /// `<challenge>…</challenge>`: send it and wait for a `<response/>`.
    Challenge(Element),
    /// `<success>…</success>`: send it; the stream restarts and the client
    /// is now `username` ([RFC 6120 § 6.4.6]).
    ///
    /// [RFC 6120 § 6.4.6]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.6
    Success {
        /// The authenticated username (the localpart of the client's JID),
        /// as the client gave it.
        username: String,
        /// The element to send.
        element: Element,
    },
    /// `<failure>…</failure>`: send it; the client may try again
    /// ([RFC 6120 § 6.4.5]).
    ///
    /// [RFC 6120 § 6.4.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.5
    Failure {
        /// The condition of [RFC 6120 § 6.5], such as `not-authorized`.
        ///
        /// [RFC 6120 § 6.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5
        condition: &'static str,
        /// The element to send, with the condition and the text.
        element: Element,
        /// Why, in a sentence, for the log; also in the element's
        /// `<text/>`. It never says whether a username exists.
        text: String,
    },
}

/// A `<failure/>` step ([RFC 6120 § 6.4.5]):
/// `<failure xmlns='…'><condition/><text xml:lang='en'>…</text></failure>`.
///
/// [RFC 6120 § 6.4.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.4.5
fn failure(condition: &'static str, text: impl Into<String>) -> SaslStep {
    let text = text.into();
    let element = sasl_element("failure")
        .with_child(Element::new(condition, Some(ns::SASL)))
        .with_child(
            Element::new("text", Some(ns::SASL))
                .with_attr("xml:lang", "en")
                .with_text(text.clone()),
        );
    SaslStep::Failure {
        condition,
        element,
        text,
    }
}

/// The server side of one authentication exchange that needs more than one
/// round: a SCRAM exchange after its challenge was sent, or any mechanism
/// whose `<auth/>` came without an initial response.
#[derive(Clone, Debug)]
pub struct SaslServer {
    state: State,
}

/// Where an exchange waits.
#[derive(Clone, Debug)]
enum State {
    /// `<auth/>` had no initial response: an empty challenge was sent and
    /// the `<response/>` carries it instead (RFC 6120 § 6.4.2).
    Initial {
        mechanism: Mechanism,
        domain: Option<String>,
    },
    /// SCRAM's server-first message was sent; the client-final is next.
    Scram(ServerFirst),
}

impl SaslServer {
    /// Starts an exchange from the client's `<auth mechanism='…'>` element.
    ///
    /// `allowed` are the mechanisms offered on this stream. `lookup` finds
    /// an account's stored keys: for a SCRAM mechanism, the keys made with
    /// its hash; for PLAIN, any keys of the account (normally the
    /// SCRAM-SHA-256 ones); `None` if there is no such account. Returns the
    /// step to send and, if the exchange goes on (a SCRAM challenge), the
    /// server to pass the next element to.
    ///
    /// An authorization identity is accepted if it is the username itself
    /// or a bare JID with the username as its localpart; this function does
    /// not know the stream's domain, so use
    /// [`start_for_domain`](Self::start_for_domain) to check that part too.
    pub fn start(
        auth: &Element,
        allowed: &[Mechanism],
        lookup: &dyn Fn(&str, Mechanism) -> Option<StoredKeys>,
    ) -> (Option<SaslServer>, SaslStep) {
        SaslServer::start_for_domain(auth, allowed, None, lookup)
    }

    /// [`start`](Self::start) on a stream for `domain`: an authorization
    /// identity must then be the username or `username@domain`.
    pub fn start_for_domain(
        auth: &Element,
        allowed: &[Mechanism],
        domain: Option<&str>,
        lookup: &dyn Fn(&str, Mechanism) -> Option<StoredKeys>,
    ) -> (Option<SaslServer>, SaslStep) {
        if !is_sasl(auth, "auth") {
            return (
                None,
                failure(
                    "malformed-request",
                    format!(
                        "expected <auth/> in {}, got <{}> \
                         (RFC 6120 § 6.4.2)",
                        ns::SASL,
                        auth.name
                    ),
                ),
            );
        }
        // RFC 6120 § 6.5.5 invalid-mechanism: "The initiating entity did
        // not specify a mechanism, or requested a mechanism that is not
        // supported by the receiving entity".
        let Some(name) = auth.attr("mechanism") else {
            return (
                None,
                failure(
                    "invalid-mechanism",
                    "<auth/> has no mechanism attribute (RFC 6120 § 6.4.2)",
                ),
            );
        };
        let Some(mechanism) =
            Mechanism::from_name(name).filter(|m| allowed.contains(m))
        else {
            let offered: Vec<&str> = allowed.iter().map(|m| m.name()).collect();
            return (
                None,
                failure(
                    "invalid-mechanism",
                    format!(
                        "the mechanism {name:?} is not offered on this \
                         stream; offered: {} (RFC 6120 § 6.5.5)",
                        offered.join(", ")
                    ),
                ),
            );
        };
        // RFC 6120 § 6.4.2: no initial response at all (not even "=", the
        // empty one): ask for it with an empty challenge.
        if auth.children.is_empty() {
            let state = State::Initial {
                mechanism,
                domain: domain.map(str::to_owned),
            };
            let challenge = sasl_element("challenge");
            return (
                Some(SaslServer { state }),
                SaslStep::Challenge(challenge),
            );
        }
        let data = match decode(&auth.text()) {
            Ok(data) => data,
            Err(e) => return (None, incorrect_encoding("auth", &e)),
        };
        begin(mechanism, &data, domain, lookup)
    }

    /// Goes on with the client's next element, `<response/>` or
    /// `<abort/>`; `lookup` as for [`start`](Self::start). Returns the
    /// exchange again if it goes on.
    pub fn step(
        self,
        element: &Element,
        lookup: &dyn Fn(&str, Mechanism) -> Option<StoredKeys>,
    ) -> (Option<SaslServer>, SaslStep) {
        // RFC 6120 § 6.4.4: "The initiating entity aborts the handshake
        // [...] by sending an <abort/> element", and the receiving entity
        // answers with <failure><aborted/></failure>.
        if is_sasl(element, "abort") {
            let aborted = failure(
                "aborted",
                "the client aborted the authentication (RFC 6120 § 6.4.4)",
            );
            return (None, aborted);
        }
        if !is_sasl(element, "response") {
            let unexpected = failure(
                "malformed-request",
                format!(
                    "expected <response/> or <abort/> during the SASL \
                     exchange, got <{}> (RFC 6120 § 6.4.3)",
                    element.name
                ),
            );
            return (None, unexpected);
        }
        let data = match decode(&element.text()) {
            Ok(data) => data,
            Err(e) => return (None, incorrect_encoding("response", &e)),
        };
        let scram = match self.state {
            State::Initial { mechanism, domain } => {
                return begin(mechanism, &data, domain.as_deref(), lookup);
            }
            State::Scram(scram) => scram,
        };
        let username = scram.username().to_owned();
        match scram.finish(&data) {
            // RFC 6120 § 6.4.6: the server-final message goes as
            // "additional data with success".
            Ok(server_final) => (
                None,
                SaslStep::Success {
                    username,
                    element: sasl_element("success")
                        .with_text(encode(&server_final)),
                },
            ),
            Err(e) => (None, failure(e.sasl_condition(), e.to_string())),
        }
    }
}

/// The mechanism's first message from the client (the initial response),
/// decoded: PLAIN is decided at once, SCRAM answers with its challenge.
fn begin(
    mechanism: Mechanism,
    data: &[u8],
    domain: Option<&str>,
    lookup: &dyn Fn(&str, Mechanism) -> Option<StoredKeys>,
) -> (Option<SaslServer>, SaslStep) {
    {
        match mechanism.scram_hash() {
            None => (None, plain(data, domain, lookup)),
            Some(hash) => {
                let first = match ClientFirst::parse(hash, data) {
                    Ok(first) => first,
                    Err(e) => {
                        return (
                            None,
                            failure(e.sasl_condition(), e.to_string()),
                        );
                    }
                };
                if let Some(authzid) = first.authzid()
                    && !authzid_allowed(authzid, first.username(), domain)
                {
                    return (None, invalid_authzid(authzid, first.username()));
                }
                let keys = lookup(first.username(), mechanism);
                let (scram, server_first) = first.respond(keys);
                let challenge =
                    sasl_element("challenge").with_text(encode(&server_first));
                let state = State::Scram(scram);
                (Some(SaslServer { state }), SaslStep::Challenge(challenge))
            }
        }
    }
}

/// The `incorrect-encoding` failure ([RFC 6120 § 6.5.3]).
///
/// [RFC 6120 § 6.5.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5.3
fn incorrect_encoding(element: &str, error: &base64::DecodeError) -> SaslStep {
    failure(
        "incorrect-encoding",
        format!(
            "the text of <{element}/> is not valid base64: {error} \
             (RFC 6120 § 6.5.3, RFC 4648 § 4)"
        ),
    )
}

/// The `invalid-authzid` failure ([RFC 6120 § 6.5.4]).
///
/// [RFC 6120 § 6.5.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5.4
fn invalid_authzid(authzid: &str, username: &str) -> SaslStep {
    failure(
        "invalid-authzid",
        format!(
            "'{username}' may not act as '{}': leave the authorization \
             identity empty or give your own bare JID (RFC 6120 § 6.3.8)",
            authzid.escape_debug()
        ),
    )
}

/// Whether `authcid` may act as `authzid`: only as itself, written as the
/// username or as its bare JID ([RFC 6120 § 6.3.8]: the server must verify
/// that the authenticated identity "is authorized to act on behalf of" the
/// authorization identity; we authorize nobody to act for anyone else).
///
/// [RFC 6120 § 6.3.8]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.3.8
fn authzid_allowed(authzid: &str, authcid: &str, domain: Option<&str>) -> bool {
    if authzid == authcid {
        return true;
    }
    let Ok(wanted) = Jid::parse(authzid) else {
        return false;
    };
    // Without the stream's domain, take the authzid's: only the localpart
    // is then checked.
    let domain = domain.unwrap_or(wanted.domain());
    Jid::parse(&format!("{authcid}@{domain}")).is_ok_and(|own| own == wanted)
}

/// The whole PLAIN exchange: one message, `authzid NUL authcid NUL passwd`
/// ([RFC 4616 § 2]), answered with success or failure.
///
/// [RFC 4616 § 2]: https://datatracker.ietf.org/doc/html/rfc4616#section-2
fn plain(
    data: &[u8],
    domain: Option<&str>,
    lookup: &dyn Fn(&str, Mechanism) -> Option<StoredKeys>,
) -> SaslStep {
    const SHAPE: &str = "a PLAIN message is authzid NUL authcid NUL \
                         password, in UTF-8, with a non-empty authcid and \
                         password (RFC 4616 § 2)";
    let Ok(text) = std::str::from_utf8(data) else {
        return failure("malformed-request", SHAPE);
    };
    let parts: Vec<&str> = text.split('\0').collect();
    let [authzid, authcid, password] = parts[..] else {
        return failure("malformed-request", SHAPE);
    };
    if authcid.is_empty() || password.is_empty() {
        return failure("malformed-request", SHAPE);
    }
    if !authzid.is_empty() && !authzid_allowed(authzid, authcid, domain) {
        return invalid_authzid(authzid, authcid);
    }
    // An unknown user costs the same PBKDF2 as a known one, against decoy
    // keys, so that the time to answer does not tell which names exist.
    let keys = lookup(authcid, Mechanism::Plain);
    let known = keys.is_some();
    let keys = keys.unwrap_or_else(|| StoredKeys::decoy(Hash::Sha256, authcid));
    if keys.matches_password(password) && known {
        SaslStep::Success {
            username: authcid.to_owned(),
            element: sasl_element("success"),
        }
    } else {
        failure(
            "not-authorized",
            "wrong password or unknown user: the password does not match \
             the stored keys (RFC 4616 § 2, RFC 6120 § 6.5.10)",
        )
    }
}

/// What a trace shows in place of a password.
pub const REDACTED: &str = "[password redacted: --trace-secrets shows it]";

/// A traced `<auth/>` or `<response/>` whose data carries a password,
/// with the data replaced by [`REDACTED`]; `None` for anything else.
///
/// PLAIN's message is `authzid NUL authcid NUL password` (RFC 4616 § 2):
/// base64 hides nothing, so a trace that prints it prints the password.
/// SCRAM's messages never contain NUL and reveal no password (RFC 5802
/// § 9: they are designed to be seen), so they stay. Deciding by the
/// decoded bytes, not by the mechanism, also catches PLAIN sent as a
/// `<response/>` after an empty challenge.
pub fn redact_password(xml: &str) -> Option<String> {
    let name = ["auth", "response"].into_iter().find(|n| {
        xml.starts_with(&format!("<{n} ")) || xml.starts_with(&format!("<{n}>"))
    })?;
    let open_end = xml.find('>')? + 1;
    let close = xml.rfind(&format!("</{name}>"))?;
    let data = xml.get(open_end..close)?;
    let bytes = decode(data.trim()).ok()?;
    bytes
        .contains(&0)
        .then(|| format!("{}{REDACTED}{}", &xml[..open_end], &xml[close..]))
}

/// Client side: `<auth mechanism='…'>` with the initial response.
pub fn auth_element(mechanism: Mechanism, initial: &[u8]) -> Element {
    sasl_element("auth")
        .with_attr("mechanism", mechanism.name())
        .with_text(encode(initial))
}

/// Client side: `<response>` with the answer to a challenge. Empty data is
/// an empty element.
pub fn response_element(data: &[u8]) -> Element {
    let element = sasl_element("response");
    if data.is_empty() {
        element
    } else {
        element.with_text(BASE64.encode(data))
    }
}

/// A SASL element from the server, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerSaslMessage {
    /// `<challenge/>`, with its data.
    Challenge(Vec<u8>),
    /// `<success/>`, with its additional data (empty if none).
    Success(Vec<u8>),
    /// `<failure/>`.
    Failure {
        /// The condition element's name, such as `not-authorized`.
        condition: String,
        /// The `<text/>`, if the server sent one.
        text: Option<String>,
    },
}

/// Why an element from the server is not a SASL message the client can
/// read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SaslError {
    /// Not `<challenge/>`, `<success/>` or `<failure/>` in [`ns::SASL`].
    #[error(
        "<{name}> in namespace {ns:?} is not <challenge/>, <success/> or \
         <failure/> in urn:ietf:params:xml:ns:xmpp-sasl (RFC 6120 § 6.4)"
    )]
    UnexpectedElement {
        /// The element's name as written.
        name: String,
        /// Its namespace.
        ns: Option<String>,
    },
    /// The text is not base64.
    #[error(
        "the text of <{element}/> is not valid base64: {reason} \
         (RFC 6120 § 6.4, RFC 4648 § 4)"
    )]
    IncorrectEncoding {
        /// `challenge` or `success`.
        element: String,
        /// What is wrong.
        reason: String,
    },
    /// A `<failure/>` with no condition element.
    #[error("<failure/> names no condition, but RFC 6120 § 6.5 requires one")]
    MissingCondition,
}

/// Client side: reads the server's `<challenge/>`, `<success/>` or
/// `<failure/>`.
pub fn parse_server_element(
    element: &Element,
) -> Result<ServerSaslMessage, SaslError> {
    let name = element.local_name();
    if element.ns.as_deref() != Some(ns::SASL) {
        return Err(SaslError::UnexpectedElement {
            name: element.name.clone(),
            ns: element.ns.clone(),
        });
    }
    let data = || {
        decode(&element.text()).map_err(|e| SaslError::IncorrectEncoding {
            element: name.to_owned(),
            reason: e.to_string(),
        })
    };
    match name {
        "challenge" => Ok(ServerSaslMessage::Challenge(data()?)),
        "success" => Ok(ServerSaslMessage::Success(data()?)),
        "failure" => {
            let condition = element
                .elements()
                .find(|child| child.local_name() != "text")
                .ok_or(SaslError::MissingCondition)?;
            let text = element
                .child("text", ns::SASL)
                .map(Element::text)
                .filter(|text| !text.is_empty());
            Ok(ServerSaslMessage::Failure {
                condition: condition.local_name().to_owned(),
                text,
            })
        }
        _ => Err(SaslError::UnexpectedElement {
            name: element.name.clone(),
            ns: element.ns.clone(),
        }),
    }
}

/// A failure condition ([RFC 6120 § 6.5]) explained for the user, with the
/// likely fix.
///
/// [RFC 6120 § 6.5]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.5
pub fn explain_failure(condition: &str) -> &'static str {
    match condition {
        // § 6.5.1
        "aborted" => {
            "the authentication was aborted (the client sent <abort/>)"
        }
        // § 6.5.2
        "account-disabled" => {
            "the account exists but is disabled: ask the server's \
             administrator"
        }
        // § 6.5.3
        "credentials-expired" => {
            "the password has expired: set a new one with the server's \
             administrator"
        }
        // § 6.5.4
        "encryption-required" => {
            "this mechanism needs an encrypted stream: use STARTTLS first"
        }
        // § 6.5.5
        "incorrect-encoding" => {
            "the client sent data that is not valid base64 (a client bug)"
        }
        // § 6.5.6
        "invalid-authzid" => {
            "the client asked to act as someone else: leave the \
             authorization identity empty or use your own bare JID"
        }
        // § 6.5.7
        "invalid-mechanism" => {
            "the server does not offer this mechanism on this stream: pick \
             one from its <mechanisms/> list (PLAIN is often offered only \
             after STARTTLS)"
        }
        // § 6.5.8
        "malformed-request" => {
            "the client's message broke the mechanism's rules (a client \
             bug, or a client and server that disagree on the mechanism)"
        }
        // § 6.5.9
        "mechanism-too-weak" => {
            "the server's policy needs a stronger mechanism: try \
             SCRAM-SHA-256"
        }
        // § 6.5.10
        "not-authorized" => {
            "wrong username or password (or the account does not exist: \
             create it with `netlab xmpp adduser JID`)"
        }
        // § 6.5.11
        "temporary-auth-failure" => {
            "the server could not check the credentials just now: try \
             again later"
        }
        _ => "the server refused with a condition this client does not know",
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    #[test]
    fn a_plain_password_is_redacted_and_scram_is_not() {
        use super::*;
        let plain = auth_element(Mechanism::Plain, b"\0alice\0secret").to_xml();
        let shown = redact_password(&plain).expect("PLAIN carries a password");
        assert!(shown.contains(REDACTED), "{shown}");
        assert!(!shown.contains("AGFsaWNl"), "{shown}");
        assert!(shown.starts_with("<auth ") && shown.ends_with("</auth>"));
        // PLAIN as a response to an empty challenge.
        let late = response_element(b"\0alice\0secret").to_xml();
        assert!(redact_password(&late).is_some(), "{late}");
        // SCRAM's first message and anything not SASL stay as they are.
        let scram =
            auth_element(Mechanism::ScramSha256, b"n,,n=alice,r=abc").to_xml();
        assert_eq!(redact_password(&scram), None);
        assert_eq!(
            redact_password("<message><body>AGE=</body></message>"),
            None
        );
    }

    use super::super::framing::{StreamEvent, StreamParser};
    use super::super::scram::ScramClient;
    use super::*;

    /// The one element of `xml`, parsed after a `jabber:client` header, as
    /// the server would receive it.
    fn element(xml: &str) -> Element {
        let mut parser = StreamParser::new();
        parser.feed(
            b"<stream:stream xmlns='jabber:client' \
              xmlns:stream='http://etherx.jabber.org/streams'>",
        );
        parser.feed(xml.as_bytes());
        assert!(matches!(
            parser.next_event(),
            Ok(Some(StreamEvent::Open(_)))
        ));
        match parser.next_event() {
            Ok(Some(StreamEvent::Element(element))) => element,
            other => panic!("{xml}: {other:?}"),
        }
    }

    /// An element sent over the wire: written, then parsed.
    fn wire(sent: &Element) -> Element {
        element(&sent.to_xml())
    }

    /// An account store with juliet (password "r0m€o"), keys for both
    /// hashes.
    struct Accounts(HashMap<(String, Hash), StoredKeys>);

    impl Accounts {
        fn new() -> Accounts {
            let mut keys = HashMap::new();
            for hash in [Hash::Sha1, Hash::Sha256] {
                keys.insert(
                    ("juliet".to_owned(), hash),
                    StoredKeys::generate(hash, "r0m€o"),
                );
            }
            Accounts(keys)
        }

        fn lookup(
            &self,
            user: &str,
            mechanism: Mechanism,
        ) -> Option<StoredKeys> {
            let hash = mechanism.scram_hash().unwrap_or(Hash::Sha256);
            self.0.get(&(user.to_owned(), hash)).cloned()
        }
    }

    /// The condition of a failure step, or a panic.
    fn condition(step: &SaslStep) -> &'static str {
        match step {
            SaslStep::Failure { condition, .. } => condition,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    /// A SCRAM exchange driven through the elements, as client and server
    /// would over a stream. Returns the server's last step.
    fn scram_exchange(
        mechanism: Mechanism,
        user: &str,
        password: &str,
    ) -> SaslStep {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let hash = mechanism.scram_hash().expect("a SCRAM mechanism");
        let mut client = ScramClient::new(hash, user, password);

        let auth = wire(&auth_element(mechanism, &client.client_first()));
        let (server, step) = SaslServer::start(&auth, &Mechanism::ALL, &lookup);
        let SaslStep::Challenge(challenge) = step else {
            panic!("expected a challenge, got {step:?}");
        };
        let server = server.expect("the exchange goes on");
        let Ok(ServerSaslMessage::Challenge(server_first)) =
            parse_server_element(&wire(&challenge))
        else {
            panic!("expected challenge data");
        };
        let client_final =
            client.handle_server_first(&server_first).expect("accepted");
        let (_, step) =
            server.step(&wire(&response_element(&client_final)), &lookup);
        if let SaslStep::Success { element, .. } = &step {
            let Ok(ServerSaslMessage::Success(server_final)) =
                parse_server_element(&wire(element))
            else {
                panic!("expected success data");
            };
            client
                .verify_server_final(&server_final)
                .expect("the server knows the keys");
        }
        step
    }

    #[test]
    fn mechanisms_are_offered_strongest_first() {
        let offered = mechanisms_element(&Mechanism::ALL);
        assert_eq!(
            offered.to_xml(),
            "<mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">\
             <mechanism>SCRAM-SHA-256</mechanism>\
             <mechanism>SCRAM-SHA-1</mechanism>\
             <mechanism>PLAIN</mechanism></mechanisms>"
        );
        let parsed = wire(&offered);
        let names: Vec<String> = parsed
            .elements()
            .filter(|e| is_sasl(e, "mechanism"))
            .map(Element::text)
            .collect();
        assert_eq!(names, ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"]);
        for m in Mechanism::ALL {
            assert_eq!(Mechanism::from_name(m.name()), Some(m));
        }
        assert_eq!(Mechanism::from_name("plain"), None);
        assert_eq!(
            mechanisms_element(&[]).to_xml(),
            "<mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>"
        );
    }

    #[test]
    fn scram_exchanges_succeed_with_the_right_password() {
        for mechanism in [Mechanism::ScramSha256, Mechanism::ScramSha1] {
            let step = scram_exchange(mechanism, "juliet", "r0m€o");
            let SaslStep::Success { username, element } = step else {
                panic!("{mechanism:?}: {step:?}");
            };
            assert_eq!(username, "juliet");
            // The server's signature rides on the success, as base64
            // (scram_exchange has already checked it).
            assert_eq!(element.attr("xmlns"), Some(ns::SASL));
            let data = BASE64.decode(element.text()).expect("base64");
            assert!(data.starts_with(b"v="), "{element:?}");
        }
    }

    #[test]
    fn scram_fails_alike_for_a_wrong_password_and_an_unknown_user() {
        for mechanism in [Mechanism::ScramSha256, Mechanism::ScramSha1] {
            let wrong = scram_exchange(mechanism, "juliet", "romeo");
            let unknown = scram_exchange(mechanism, "nobody", "r0m€o");
            assert_eq!(condition(&wrong), "not-authorized");
            assert_eq!(wrong, unknown, "nothing tells the two apart");
            let SaslStep::Failure { element, .. } = wrong else {
                unreachable!()
            };
            let parsed = parse_server_element(&wire(&element));
            let Ok(ServerSaslMessage::Failure { condition, text }) = parsed
            else {
                panic!("{parsed:?}");
            };
            assert_eq!(condition, "not-authorized");
            assert!(text.expect("a text").starts_with("wrong password"));
        }
    }

    /// The server's answer to `<auth mechanism='PLAIN'>` with `message`.
    fn plain_step(message: &[u8], domain: Option<&str>) -> SaslStep {
        let accounts = Accounts::new();
        let auth = wire(&auth_element(Mechanism::Plain, message));
        let (server, step) = SaslServer::start_for_domain(
            &auth,
            &Mechanism::ALL,
            domain,
            &|u, m| accounts.lookup(u, m),
        );
        assert!(server.is_none(), "PLAIN is one round");
        step
    }

    #[test]
    fn plain_checks_the_password_against_the_scram_keys() {
        let step = plain_step("\0juliet\0r0m€o".as_bytes(), None);
        let SaslStep::Success { username, element } = step else {
            panic!("{step:?}");
        };
        assert_eq!(username, "juliet");
        assert_eq!(
            element.to_xml(),
            "<success xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>"
        );
        assert_eq!(
            parse_server_element(&wire(&element)),
            Ok(ServerSaslMessage::Success(Vec::new()))
        );

        assert_eq!(
            condition(&plain_step(b"\0juliet\0romeo", None)),
            "not-authorized"
        );
        assert_eq!(
            plain_step(b"\0nobody\0romeo", None),
            plain_step(b"\0juliet\0romeo", None),
            "an unknown user looks like a wrong password"
        );
        for bad in [
            &b"juliet\0r0m"[..],
            b"\0\0pw",
            b"\0juliet\0",
            b"a\0b\0c\0d",
            b"\0j\xffl\0pw",
        ] {
            assert_eq!(
                condition(&plain_step(bad, None)),
                "malformed-request",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn plain_authzid_must_be_the_user_itself() {
        let ok = |authzid: &str, domain| {
            let message = format!("{authzid}\0juliet\0r0m€o");
            matches!(
                plain_step(message.as_bytes(), domain),
                SaslStep::Success { .. }
            )
        };
        assert!(ok("juliet", None));
        assert!(ok("juliet@example.com", None));
        assert!(ok("juliet@example.com", Some("example.com")));
        assert!(ok("Juliet@Example.COM", Some("example.com")));
        let step = plain_step(
            "romeo@example.com\0juliet\0r0m€o".as_bytes(),
            Some("example.com"),
        );
        assert_eq!(condition(&step), "invalid-authzid");
        for authzid in
            ["juliet@evil.example", "juliet@example.com/balcony", "@@"]
        {
            let message = format!("{authzid}\0juliet\0r0m€o");
            let step = plain_step(message.as_bytes(), Some("example.com"));
            assert_eq!(condition(&step), "invalid-authzid", "{authzid}");
        }
    }

    #[test]
    fn scram_authzid_is_checked_too() {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let auth = |first: &str| {
            wire(&auth_element(Mechanism::ScramSha1, first.as_bytes()))
        };
        let (_, step) = SaslServer::start_for_domain(
            &auth("n,a=romeo@example.com,n=juliet,r=abc"),
            &Mechanism::ALL,
            Some("example.com"),
            &lookup,
        );
        assert_eq!(condition(&step), "invalid-authzid");
        let (server, step) = SaslServer::start_for_domain(
            &auth("n,a=juliet@example.com,n=juliet,r=abc"),
            &Mechanism::ALL,
            Some("example.com"),
            &lookup,
        );
        assert!(server.is_some() && matches!(step, SaslStep::Challenge(_)));
    }

    #[test]
    fn mechanisms_not_offered_are_invalid() {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let scram_only = [Mechanism::ScramSha256, Mechanism::ScramSha1];
        let cases = [
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='PLAIN'>AGp1bGlldABwdw==</auth>",
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='DIGEST-MD5'>=</auth>",
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</auth>",
        ];
        for xml in cases {
            let (server, step) =
                SaslServer::start(&element(xml), &scram_only, &lookup);
            assert!(server.is_none());
            assert_eq!(condition(&step), "invalid-mechanism", "{xml}");
        }
        let (_, step) =
            SaslServer::start(&element(cases[0]), &scram_only, &lookup);
        let SaslStep::Failure { text, .. } = step else {
            unreachable!()
        };
        assert!(
            text.contains("offered: SCRAM-SHA-256, SCRAM-SHA-1"),
            "{text}"
        );
    }

    #[test]
    fn bad_base64_is_incorrect_encoding() {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        for text in ["not base64!", "AGp1bGll dABwdw==", "AGp1bGlldABwdw"] {
            let xml = format!(
                "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
                 mechanism='PLAIN'>{text}</auth>"
            );
            let (_, step) =
                SaslServer::start(&element(&xml), &Mechanism::ALL, &lookup);
            assert_eq!(condition(&step), "incorrect-encoding", "{text}");
        }

        // In a <response/> too.
        let client = ScramClient::new(Hash::Sha256, "juliet", "r0m€o");
        let auth = wire(&auth_element(
            Mechanism::ScramSha256,
            &client.client_first(),
        ));
        let (server, _) = SaslServer::start(&auth, &Mechanism::ALL, &lookup);
        let response = element(
            "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>@@@@</response>",
        );
        let (_, step) = server
            .expect("a challenge was sent")
            .step(&response, &lookup);
        assert_eq!(condition(&step), "incorrect-encoding");
    }

    #[test]
    fn abort_is_aborted_and_other_elements_are_malformed() {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let client = ScramClient::new(Hash::Sha1, "juliet", "r0m€o");
        let auth =
            wire(&auth_element(Mechanism::ScramSha1, &client.client_first()));
        let start = || {
            SaslServer::start(&auth, &Mechanism::ALL, &lookup)
                .0
                .expect("a challenge was sent")
        };
        let abort =
            element("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        let (_, step) = start().step(&abort, &lookup);
        assert_eq!(condition(&step), "aborted");
        let SaslStep::Failure { element: sent, .. } = step else {
            unreachable!()
        };
        assert_eq!(
            sent.to_xml(),
            "<failure xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><aborted/>\
             <text xml:lang=\"en\">the client aborted the authentication \
             (RFC 6120 § 6.4.4)</text></failure>"
        );

        let (_, step) = start()
            .step(&element("<message><body>hi</body></message>"), &lookup);
        assert_eq!(condition(&step), "malformed-request");
        // <auth/> in the wrong namespace.
        let (_, step) = SaslServer::start(
            &element("<auth mechanism='PLAIN'>=</auth>"),
            &Mechanism::ALL,
            &lookup,
        );
        assert_eq!(condition(&step), "malformed-request");
    }

    #[test]
    fn an_empty_initial_response_is_an_equals_sign() {
        assert_eq!(
            auth_element(Mechanism::Plain, b"").to_xml(),
            "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" \
             mechanism=\"PLAIN\">=</auth>"
        );
        assert_eq!(
            response_element(b"").to_xml(),
            "<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>"
        );
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let start = |xml: &str| {
            SaslServer::start(&element(xml), &Mechanism::ALL, &lookup).1
        };

        // "=": present but empty, which is no PLAIN or SCRAM message.
        let empty = start(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='PLAIN'>=</auth>",
        );
        assert_eq!(condition(&empty), "malformed-request");
        let SaslStep::Failure { text, .. } = empty else {
            unreachable!()
        };
        assert!(text.contains("RFC 4616"), "{text}");
        let empty = start(
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='SCRAM-SHA-1'>=</auth>",
        );
        assert_eq!(condition(&empty), "malformed-request");

        // Absent (RFC 6120 § 6.4.2): an empty challenge asks for it, and
        // the <response/> then carries what the initial response would.
        for xml in [
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'/>",
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
             mechanism='PLAIN'></auth>",
        ] {
            let (server, absent) =
                SaslServer::start(&element(xml), &Mechanism::ALL, &lookup);
            let SaslStep::Challenge(challenge) = absent else {
                panic!("expected an empty challenge, got {absent:?}");
            };
            assert_eq!(
                challenge.to_xml(),
                "<challenge xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"/>"
            );
            let response =
                wire(&response_element("\0juliet\0r0m€o".as_bytes()));
            let (rest, step) = server
                .expect("the exchange goes on")
                .step(&response, &lookup);
            assert!(rest.is_none());
            assert!(matches!(step, SaslStep::Success { .. }), "{step:?}");
        }

        // An empty <response/> to a SCRAM challenge is no client-final.
        let client = ScramClient::new(Hash::Sha1, "juliet", "r0m€o");
        let auth =
            wire(&auth_element(Mechanism::ScramSha1, &client.client_first()));
        let (server, _) = SaslServer::start(&auth, &Mechanism::ALL, &lookup);
        let (_, step) = server
            .expect("a challenge")
            .step(&wire(&response_element(b"")), &lookup);
        assert_eq!(condition(&step), "malformed-request");
    }

    #[test]
    fn scram_errors_become_conditions() {
        let accounts = Accounts::new();
        let lookup = |u: &str, m| accounts.lookup(u, m);
        let (server, step) = SaslServer::start(
            &wire(&auth_element(
                Mechanism::ScramSha256,
                b"p=tls-unique,,n=juliet,r=abc",
            )),
            &Mechanism::ALL,
            &lookup,
        );
        assert!(server.is_none());
        assert_eq!(condition(&step), "malformed-request");
        let SaslStep::Failure { text, .. } = step else {
            unreachable!()
        };
        assert!(text.contains("channel binding"), "{text}");
    }

    #[test]
    fn the_client_reads_server_elements() {
        let parse = |xml: &str| parse_server_element(&element(xml));
        assert_eq!(
            parse(
                "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1h</challenge>"
            ),
            Ok(ServerSaslMessage::Challenge(b"r=a".to_vec()))
        );
        assert_eq!(
            parse(
                "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</success>"
            ),
            Ok(ServerSaslMessage::Success(Vec::new()))
        );
        assert_eq!(
            parse(
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
                 <account-disabled/></failure>"
            ),
            Ok(ServerSaslMessage::Failure {
                condition: "account-disabled".into(),
                text: None
            })
        );
        assert_eq!(
            parse(
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
                 <text xml:lang='en'>why</text><not-authorized/></failure>"
            ),
            Ok(ServerSaslMessage::Failure {
                condition: "not-authorized".into(),
                text: Some("why".into())
            })
        );
        assert_eq!(
            parse("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Err(SaslError::MissingCondition)
        );
        assert!(matches!(
            parse(
                "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>%</challenge>"
            ),
            Err(SaslError::IncorrectEncoding { .. })
        ));
        assert!(matches!(
            parse("<success/>"),
            Err(SaslError::UnexpectedElement { .. })
        ));
        assert!(matches!(
            parse("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"),
            Err(SaslError::UnexpectedElement { .. })
        ));
    }

    #[test]
    fn failures_are_explained() {
        assert_eq!(
            explain_failure("not-authorized"),
            "wrong username or password (or the account does not exist: \
             create it with `netlab xmpp adduser JID`)"
        );
        for condition in [
            "aborted",
            "account-disabled",
            "credentials-expired",
            "encryption-required",
            "incorrect-encoding",
            "invalid-authzid",
            "invalid-mechanism",
            "malformed-request",
            "mechanism-too-weak",
            "temporary-auth-failure",
        ] {
            assert_ne!(
                explain_failure(condition),
                explain_failure("no-such-condition"),
                "{condition}"
            );
        }
    }
}
