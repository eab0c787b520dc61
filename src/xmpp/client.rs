//! An XMPP client session (RFC 6120 § 4–7, from the client's side): connect,
//! STARTTLS, SASL, bind, then stanzas in and out.
//!
//! It is the mirror of [`super::server`]'s connection: the same framing
//! ([`super::framing`]), the same byte pipe ([`super::transport`]), the same
//! SASL code ([`super::sasl`], [`super::scram`]). It talks to any XMPP
//! server — ours, Prosody, ejabberd — and every way a login can fail is
//! turned into one plain sentence with the likely fix ([`ClientError`]).
//!
//! With [`Options::stream_management`], the session asks for stream
//! management ([XEP-0198], the counters in [`super::sm`]): it answers the
//! server's `<r/>` with `<a h=''/>`, asks for the server's count after it
//! sends, keeps what the server has not acknowledged, and
//! [`Client::reconnect`] takes the session over on a new connection
//! (`<resume/>`), sending again what the server never got.
//!
//! `netlab xmpp client` (interactive chat and one-shot `--send`/`--recv`)
//! and lessons 1, 2, 5 and 6 are built on [`Client`].
//!
//! [XEP-0198]: https://xmpp.org/extensions/xep-0198.html

use crate::xmpp::ns;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;

use super::framing::{Element, FramingError, StreamEvent, StreamParser};
use super::jid::Jid;
use super::sasl::{self, Mechanism, ServerSaslMessage};
use super::scram::{Hash, ScramClient};
use super::sm::{self, StreamManagement};
use super::tls::{self, Trust};
use super::transport::ClientTransport;

/// How to protect the connection.
#[derive(Clone, Debug)]
pub enum Security {
    /// STARTTLS (required), trusting the server as `Trust` says.
    StartTls(Trust),
    /// No TLS: the teaching mode. Refused if the server requires TLS.
    Plaintext,
}

/// Which way a traced piece of XML went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// We sent it.
    Sent,
    /// The server sent it.
    Received,
    /// A note (TLS started, logged in).
    Note,
}

/// Where the client's trace lines go.
pub type ClientTrace = Arc<dyn Fn(Direction, &str) + Send + Sync>;

/// What to connect with.
#[derive(Clone)]
pub struct Options {
    /// The account: `juliet@localhost`.
    pub jid: Jid,
    /// Its password.
    pub password: String,
    /// Where the server listens; `None`: the JID's domain, port 5222.
    pub server: Option<SocketAddr>,
    /// TLS or not.
    pub security: Security,
    /// The resource to ask for (`None`: the server picks one).
    pub resource: Option<String>,
    /// How long each step may take.
    pub timeout: Duration,
    /// The XML console, if wanted.
    pub trace: Option<ClientTrace>,
    /// Ask for stream management (XEP-0198) when the server offers it.
    pub stream_management: bool,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("jid", &self.jid)
            .field("server", &self.server)
            .field("security", &self.security)
            .field("resource", &self.resource)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Options {
    /// Options with defaults: STARTTLS trusting nothing but `trust`,
    /// 10-second steps, no trace.
    pub fn new(
        jid: Jid,
        password: impl Into<String>,
        security: Security,
    ) -> Options {
        Options {
            jid,
            password: password.into(),
            server: None,
            security,
            resource: None,
            timeout: Duration::from_secs(10),
            trace: None,
            stream_management: false,
        }
    }
}

/// Why a session could not be opened or went wrong, each with the likely
/// fix.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// Nothing listens there.
    #[error(
        "nothing accepts connections on {addr}: is the server running? \
         (start one with `netlab xmpp server`)"
    )]
    Refused {
        /// Where we tried.
        addr: String,
    },
    /// The address could not be reached or resolved.
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// Where we tried.
        addr: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The peer answered with something that is not XMPP.
    #[error("{addr} does not speak XMPP: {why}")]
    NotXmpp {
        /// Where we are connected.
        addr: String,
        /// What it looked like instead.
        why: String,
    },
    /// A step took too long.
    #[error(
        "the server did not answer within {seconds} s while {step}: it may be \
         overloaded, or something else listens on that port"
    )]
    Timeout {
        /// What we were waiting for.
        step: &'static str,
        /// How long we waited.
        seconds: u64,
    },
    /// The server sent a stream error (RFC 6120 § 4.9).
    #[error("the server ended the stream with <{condition}/>{}: {advice}", text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Stream {
        /// The defined condition.
        condition: String,
        /// The server's text, if any.
        text: Option<String>,
        /// What it usually means.
        advice: &'static str,
    },
    /// Login failed (RFC 6120 § 6.5).
    #[error("login failed with <{condition}/>{}: {advice}", text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Sasl {
        /// The SASL condition.
        condition: String,
        /// The server's text, if any.
        text: Option<String>,
        /// What it usually means.
        advice: &'static str,
    },
    /// The server cannot do what these options need.
    #[error("{0}")]
    Unsupported(String),
    /// TLS failed.
    #[error("TLS handshake failed: {0}")]
    Tls(String),
    /// The server broke a rule of the protocol.
    #[error("the server broke the protocol: {0}")]
    Protocol(String),
    /// The connection ended.
    #[error("the connection closed{}", if *.during_login { " during login" } else { "" })]
    Closed {
        /// Whether it happened before we were logged in.
        during_login: bool,
    },
    /// Reading or writing failed.
    #[error("connection error: {0}")]
    Io(#[from] std::io::Error),
}

/// What a stream error condition usually means for a client.
pub fn explain_stream_error(condition: &str) -> &'static str {
    match condition {
        "host-unknown" => {
            "the server does not serve this JID's domain: check the part after @"
        }
        "conflict" => {
            "another client logged in with the same resource, so this one was closed"
        }
        "system-shutdown" => {
            "the server is shutting down; log in again once it is back"
        }
        "connection-timeout" => {
            "the server closed an idle or too slow connection"
        }
        "not-authorized" => "a stanza was sent before logging in",
        "policy-violation" => {
            "a server limit was hit (stanza size, failed logins, …)"
        }
        "restricted-xml" => {
            "XMPP forbids comments, processing instructions, DTDs and entities"
        }
        "not-well-formed" => "the XML sent was broken",
        "see-other-host" => "the server wants you to connect elsewhere",
        "unsupported-version" => {
            "the server needs version='1.0' in the stream header"
        }
        "invalid-namespace" => "the stream header's namespaces are wrong",
        "resource-constraint" => {
            "the server is out of resources (too many connections?)"
        }
        _ => "see RFC 6120 § 4.9.3 for this condition",
    }
}

/// A logged-in, bound session.
pub struct Client {
    io: ClientTransport,
    parser: StreamParser,
    buf: Vec<u8>,
    jid: Jid,
    addr: String,
    trace: Option<ClientTrace>,
    timeout: Duration,
    pending: VecDeque<Element>,
    next_id: u64,
    mechanism: Mechanism,
    /// What `connect` was given: [`Client::reconnect`] logs in with it.
    options: Options,
    /// Stream management, from `<enabled/>` on.
    sm: Option<StreamManagement>,
    /// How long the server keeps the session for a resume (`max`), if it
    /// said.
    resume_window: Option<Duration>,
    /// Bytes `recv` owes the server (an `<a/>` for its `<r/>`), written
    /// before anything else: `recv` must stay cancel-safe inside a
    /// `select!`, so it writes with `write_some`, which writes all it says
    /// or nothing, and keeps here what is still to go.
    outbox: Vec<u8>,
    /// Written bytes may still sit in the TLS layer.
    flush_owed: bool,
}

/// What stream management has counted on this side (XEP-0198 § 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SmCounts {
    /// Stanzas we sent, modulo 2^32.
    pub sent: u32,
    /// Of those, how many the server has not acknowledged yet.
    pub unacked: usize,
    /// Stanzas we handled from the server: the `h` we report.
    pub handled: u32,
}

/// How [`Client::reconnect`] went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reconnected {
    /// `<resumed/>`: the same session, nothing lost. `acked` of the
    /// stanzas we had sent were handled before the break; `resent` were
    /// not, and went again.
    Resumed {
        /// Acknowledged by the resume.
        acked: usize,
        /// Sent again.
        resent: usize,
    },
    /// `<failed/>` (the window had passed, say): a new session, bound
    /// again, with the stanzas the old one never saw handled sent again.
    /// Presence must be sent again too.
    NewSession {
        /// The server's reason (`item-not-found` …).
        condition: String,
        /// Sent again.
        resent: usize,
    },
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("jid", &self.jid)
            .field("addr", &self.addr)
            .field("secure", &self.io.is_secure())
            .finish_non_exhaustive()
    }
}

/// The features the server announced.
struct Features {
    starttls: bool,
    starttls_required: bool,
    mechanisms: Vec<String>,
    bind: bool,
    session_required: bool,
    stream_management: bool,
}

impl Features {
    fn parse(element: &Element) -> Features {
        let starttls = element.child("starttls", ns::TLS);
        let session = element.child("session", ns::SESSION);
        Features {
            starttls: starttls.is_some(),
            starttls_required: starttls
                .is_some_and(|s| s.child("required", ns::TLS).is_some()),
            mechanisms: element
                .child("mechanisms", ns::SASL)
                .map(|m| m.elements().map(Element::text).collect())
                .unwrap_or_default(),
            bind: element.child("bind", ns::BIND).is_some(),
            session_required: session
                .is_some_and(|s| s.child("optional", ns::SESSION).is_none()),
            stream_management: element.child("sm", ns::SM).is_some(),
        }
    }
}

impl Client {
    /// Connects, negotiates and binds: returns once stanzas can flow.
    pub async fn connect(options: Options) -> Result<Client, ClientError> {
        let (addr, stream) = dial(&options).await?;
        let mut client = Client {
            io: ClientTransport::Plain(stream),
            parser: StreamParser::new(),
            buf: vec![0; 16 * 1024],
            jid: options.jid.clone(),
            addr,
            trace: options.trace.clone(),
            timeout: options.timeout,
            pending: VecDeque::new(),
            next_id: 1,
            mechanism: Mechanism::Plain,
            options: options.clone(),
            sm: None,
            resume_window: None,
            outbox: Vec::new(),
            flush_owed: false,
        };
        let features = client.log_in(&options).await?;
        client.start_session(&features).await?;
        Ok(client)
    }

    /// After a broken connection: connects and logs in again, then
    /// resumes the session if stream management allows it (XEP-0198 § 5),
    /// or starts a new one. Either way, the stanzas the server never
    /// acknowledged are sent again, in order.
    pub async fn reconnect(&mut self) -> Result<Reconnected, ClientError> {
        let options = self.options.clone();
        let (addr, stream) = dial(&options).await?;
        self.io = ClientTransport::Plain(stream);
        self.addr = addr;
        self.parser = StreamParser::new();
        self.outbox.clear();
        self.flush_owed = false;
        // Log in as the account, not as the bound full JID.
        let bound = std::mem::replace(&mut self.jid, options.jid.clone());
        let features = self.log_in(&options).await?;
        let previd = self.sm.as_ref().and_then(|sm| sm.id.clone());
        let condition = match previd {
            Some(previd) if features.stream_management => {
                match self.resume(&previd, &bound).await? {
                    Ok(resumed) => return Ok(resumed),
                    Err(condition) => condition,
                }
            }
            Some(_) => "no stream management offered".to_owned(),
            None => "stream management was not enabled".to_owned(),
        };
        // A new session: what the old one never had acknowledged goes
        // again. Until the new session is up, the old counts stay: a
        // reconnect that fails here loses nothing, the next one tries again.
        let unacked: Vec<Arc<str>> = self
            .sm
            .as_ref()
            .map(|sm| sm.unacked().cloned().collect())
            .unwrap_or_default();
        // The same resource as before, if the server lets us have it.
        self.options.resource = bound
            .resource()
            .map(str::to_owned)
            .or(options.resource.clone());
        let old = self.sm.take();
        let started = self.start_session(&features).await;
        self.options.resource = options.resource;
        if let Err(err) = started {
            self.sm = old;
            return Err(err);
        }
        // All queued first, then written: a write that fails leaves every
        // one of them queued for the next reconnect.
        if let Some(sm) = self.sm.as_mut() {
            for xml in &unacked {
                sm.sent(Arc::clone(xml))
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
            }
        }
        for xml in &unacked {
            self.write(xml).await?;
        }
        if let Some(sm) = self.sm.as_mut()
            && sm.should_request()
        {
            self.write(&sm::request().to_xml()).await?;
        }
        Ok(Reconnected::NewSession {
            condition,
            resent: unacked.len(),
        })
    }

    /// Our end of the TCP connection (to find it in `/proc/net/tcp`).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.io.local_addr()
    }

    /// Stream management's counts, once it is on.
    pub fn sm_counts(&self) -> Option<SmCounts> {
        self.sm.as_ref().map(|sm| SmCounts {
            sent: sm.sent_count(),
            unacked: sm.unacked_len(),
            handled: sm.inbound(),
        })
    }

    /// Whether [`Client::reconnect`] could resume this session.
    pub fn can_resume(&self) -> bool {
        self.sm.as_ref().is_some_and(|sm| sm.id.is_some())
    }

    /// How long the server said it keeps the session for a resume.
    pub fn resume_window(&self) -> Option<Duration> {
        self.resume_window
    }

    /// `<resume/>`: `Ok(Ok(..))` resumed, `Ok(Err(condition))` refused.
    async fn resume(
        &mut self,
        previd: &str,
        bound: &Jid,
    ) -> Result<Result<Reconnected, String>, ClientError> {
        let h = self.sm.as_ref().map_or(0, StreamManagement::inbound);
        self.send(&sm::resume(previd, h)).await?;
        loop {
            let answer = self.next_element("waiting for <resumed/>").await?;
            if answer.ns.as_deref() != Some(ns::SM) {
                self.pending.push_back(answer);
                continue;
            }
            match answer.local_name() {
                "resumed" => {
                    let Some(h) = sm::parse_h(&answer) else {
                        return Err(ClientError::Protocol(
                            "<resumed/> without a count h".into(),
                        ));
                    };
                    let Some(sm) = self.sm.as_mut() else {
                        return Err(ClientError::Protocol(
                            "<resumed/> for no session".into(),
                        ));
                    };
                    let acked = sm
                        .ack(h)
                        .map_err(|e| ClientError::Protocol(e.to_string()))?;
                    let again: Vec<_> = sm.unacked().cloned().collect();
                    // The session, and so its full JID, is the old one.
                    self.jid = bound.clone();
                    self.note(&format!(
                        "resumed: {acked} of ours were handled before the \
                         break, {} go again",
                        again.len()
                    ));
                    for xml in &again {
                        self.write(xml).await?;
                    }
                    return Ok(Ok(Reconnected::Resumed {
                        acked,
                        resent: again.len(),
                    }));
                }
                "failed" => {
                    let condition = answer
                        .elements()
                        .next()
                        .map(|e| e.local_name().to_owned())
                        .unwrap_or_else(|| "undefined-condition".into());
                    self.note(&format!("resume refused: <{condition}/>"));
                    return Ok(Err(condition));
                }
                _ => self.pending.push_back(answer),
            }
        }
    }
}

/// Opens the TCP connection `options` name.
async fn dial(options: &Options) -> Result<(String, TcpStream), ClientError> {
    {
        let addr = match options.server {
            Some(addr) => addr.to_string(),
            None => format!("{}:5222", options.jid.domain()),
        };
        let stream = match tokio::time::timeout(
            options.timeout,
            TcpStream::connect(&addr),
        )
        .await
        {
            Err(_) => {
                return Err(ClientError::Timeout {
                    step: "connecting",
                    seconds: options.timeout.as_secs(),
                });
            }
            Ok(Err(err))
                if err.kind() == std::io::ErrorKind::ConnectionRefused =>
            {
                return Err(ClientError::Refused { addr });
            }
            Ok(Err(source)) => {
                return Err(ClientError::Connect { addr, source });
            }
            Ok(Ok(stream)) => stream,
        };
        let _ = stream.set_nodelay(true);
        Ok((addr, stream))
    }
}

impl Client {
    /// The full JID the server bound.
    pub fn jid(&self) -> &Jid {
        &self.jid
    }

    /// Whether TLS is on.
    pub fn is_secure(&self) -> bool {
        self.io.is_secure()
    }

    /// The SASL mechanism that logged us in.
    pub fn mechanism(&self) -> Mechanism {
        self.mechanism
    }

    /// STARTTLS, SASL and the stream restart: the features offered to a
    /// logged-in client.
    async fn log_in(
        &mut self,
        options: &Options,
    ) -> Result<Features, ClientError> {
        let features = self.open_stream().await?;
        let features = match (&options.security, features.starttls) {
            (Security::StartTls(trust), true) => {
                self.send(
                    &Element::new("starttls", Some(ns::TLS))
                        .with_attr("xmlns", ns::TLS),
                )
                .await?;
                let answer =
                    self.next_element("waiting for <proceed/>").await?;
                if answer.local_name() != "proceed" {
                    return Err(ClientError::Protocol(format!(
                        "STARTTLS answered with <{}>",
                        answer.name
                    )));
                }
                let connector = tokio_rustls::TlsConnector::from(
                    tls::client_config(trust.clone()),
                );
                let io = self.io.take();
                let io = match step_timeout(
                    self.timeout,
                    "the TLS handshake",
                    io.connect_tls(&connector, self.jid.domain()),
                )
                .await?
                {
                    Ok(io) => io,
                    Err(err) => {
                        return Err(ClientError::Tls(
                            tls::explain_handshake_error(&err),
                        ));
                    }
                };
                self.io = io;
                self.note("TLS established; the stream restarts");
                self.parser = StreamParser::new();
                self.open_stream().await?
            }
            (Security::StartTls(_), false) => {
                return Err(ClientError::Unsupported(
                    "the server offers no STARTTLS: use --plaintext to log in without \
                     encryption (teaching mode only)"
                        .into(),
                ));
            }
            (Security::Plaintext, _) if features.starttls_required => {
                return Err(ClientError::Unsupported(
                    "the server requires TLS: drop --plaintext (and pass --trust-cert \
                     or --insecure for a self-signed certificate)"
                        .into(),
                ));
            }
            (Security::Plaintext, _) => features,
        };
        self.authenticate(options, &features.mechanisms).await?;
        self.parser = StreamParser::new();
        self.open_stream().await
    }

    /// Binds a resource, opens the legacy session if the server needs it,
    /// and enables stream management if asked for and offered.
    async fn start_session(
        &mut self,
        features: &Features,
    ) -> Result<(), ClientError> {
        if !features.bind {
            return Err(ClientError::Protocol(
                "no resource binding offered after login".into(),
            ));
        }
        let resource = self.options.resource.clone();
        self.bind(resource.as_deref()).await?;
        if features.session_required {
            let iq = Element::new("iq", None)
                .with_attr("type", "set")
                .with_attr("id", "sess")
                .with_child(
                    Element::new("session", Some(ns::SESSION))
                        .with_attr("xmlns", ns::SESSION),
                );
            self.request(iq).await?;
        }
        if self.options.stream_management && features.stream_management {
            self.enable_stream_management().await?;
        }
        Ok(())
    }

    /// `<enable resume='true'/>` → `<enabled/>` or `<failed/>` (XEP-0198
    /// § 3). Refused is not an error: the session goes on without.
    async fn enable_stream_management(&mut self) -> Result<(), ClientError> {
        self.send(&sm::enable()).await?;
        loop {
            let answer = self.next_element("waiting for <enabled/>").await?;
            if answer.ns.as_deref() != Some(ns::SM) {
                self.pending.push_back(answer);
                continue;
            }
            match answer.local_name() {
                "enabled" => {
                    let id = answer
                        .attr("id")
                        .filter(|_| {
                            matches!(answer.attr("resume"), Some("true" | "1"))
                        })
                        .map(str::to_owned);
                    self.resume_window = answer
                        .attr("max")
                        .and_then(|m| m.parse().ok())
                        .map(Duration::from_secs);
                    self.note(&format!(
                        "stream management on{}",
                        if id.is_some() { ", resumable" } else { "" }
                    ));
                    self.sm = Some(StreamManagement::new(id));
                    return Ok(());
                }
                "failed" => {
                    self.note("the server refused stream management");
                    return Ok(());
                }
                _ => self.pending.push_back(answer),
            }
        }
    }

    /// Sends our stream header, reads the server's and its features.
    async fn open_stream(&mut self) -> Result<Features, ClientError> {
        let header = format!(
            "<?xml version='1.0'?><stream:stream to='{}' version='1.0' xml:lang='en' \
             xmlns='{}' xmlns:stream='{}'>",
            self.jid.domain(),
            ns::CLIENT,
            ns::STREAMS
        );
        self.write(&header).await?;
        loop {
            match self
                .next_event("waiting for the server's stream header")
                .await?
            {
                StreamEvent::Open(_) => break,
                StreamEvent::Close => {
                    return Err(ClientError::Closed { during_login: true });
                }
                StreamEvent::Element(element) => {
                    self.check_stream_error(&element)?
                }
            }
        }
        let features =
            self.next_element("waiting for <stream:features>").await?;
        if features.local_name() != "features" {
            return Err(ClientError::Protocol(format!(
                "expected <stream:features>, got <{}>",
                features.name
            )));
        }
        Ok(Features::parse(&features))
    }

    async fn authenticate(
        &mut self,
        options: &Options,
        offered: &[String],
    ) -> Result<(), ClientError> {
        let secure = self.io.is_secure();
        let plain_ok =
            secure || matches!(options.security, Security::Plaintext);
        let choice = [
            Mechanism::ScramSha256,
            Mechanism::ScramSha1,
            Mechanism::Plain,
        ]
        .into_iter()
        .filter(|m| *m != Mechanism::Plain || plain_ok)
        .find(|m| offered.iter().any(|o| o == m.name()));
        let Some(mechanism) = choice else {
            return Err(ClientError::Unsupported(format!(
                "no SASL mechanism in common: the server offers [{}]",
                offered.join(", ")
            )));
        };
        self.mechanism = mechanism;
        let user = self.jid.local().unwrap_or_default().to_owned();
        let hash = match mechanism {
            Mechanism::ScramSha1 => Some(Hash::Sha1),
            Mechanism::ScramSha256 => Some(Hash::Sha256),
            Mechanism::Plain => None,
        };
        let Some(hash) = hash else {
            let initial = format!("\0{user}\0{}", options.password);
            self.send(&sasl::auth_element(mechanism, initial.as_bytes()))
                .await?;
            return match self.sasl_answer().await? {
                ServerSaslMessage::Success(_) => Ok(()),
                other => Err(self.sasl_error(other)),
            };
        };
        let mut scram = ScramClient::new(hash, &user, &options.password);
        self.send(&sasl::auth_element(mechanism, &scram.client_first()))
            .await?;
        let server_first = match self.sasl_answer().await? {
            ServerSaslMessage::Challenge(data) => data,
            other => return Err(self.sasl_error(other)),
        };
        let client_final = scram
            .handle_server_first(&server_first)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.send(&sasl::response_element(&client_final)).await?;
        let server_final = match self.sasl_answer().await? {
            // RFC 6120 § 6.4.6: the server's proof may come with <success/>
            // or as a last challenge answered by an empty response.
            ServerSaslMessage::Success(data) => data,
            ServerSaslMessage::Challenge(data) => {
                self.send(&sasl::response_element(&[])).await?;
                match self.sasl_answer().await? {
                    ServerSaslMessage::Success(_) => data,
                    other => return Err(self.sasl_error(other)),
                }
            }
            other => return Err(self.sasl_error(other)),
        };
        scram
            .verify_server_final(&server_final)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.note(&format!(
            "logged in with {}; the server proved it knows our key",
            mechanism.name()
        ));
        Ok(())
    }

    async fn sasl_answer(&mut self) -> Result<ServerSaslMessage, ClientError> {
        let element = self.next_element("waiting for the login answer").await?;
        sasl::parse_server_element(&element)
            .map_err(|e| ClientError::Protocol(e.to_string()))
    }

    fn sasl_error(&self, message: ServerSaslMessage) -> ClientError {
        match message {
            ServerSaslMessage::Failure { condition, text } => {
                ClientError::Sasl {
                    advice: sasl::explain_failure(&condition),
                    condition,
                    text,
                }
            }
            _ => ClientError::Protocol("unexpected SASL message".into()),
        }
    }

    async fn bind(
        &mut self,
        resource: Option<&str>,
    ) -> Result<(), ClientError> {
        let mut bind =
            Element::new("bind", Some(ns::BIND)).with_attr("xmlns", ns::BIND);
        if let Some(resource) = resource {
            bind = bind.with_child(
                Element::new("resource", Some(ns::BIND)).with_text(resource),
            );
        }
        let iq = Element::new("iq", None)
            .with_attr("type", "set")
            .with_attr("id", "bind")
            .with_child(bind);
        let result = self.request(iq).await?;
        let jid = result
            .child("bind", ns::BIND)
            .and_then(|b| b.child("jid", ns::BIND))
            .map(Element::text)
            .ok_or_else(|| {
                ClientError::Protocol("the bind result has no <jid/>".into())
            })?;
        self.jid = Jid::parse(&jid).map_err(|e| {
            ClientError::Protocol(format!("bound JID {jid}: {e}"))
        })?;
        self.note(&format!("bound {}", self.jid));
        Ok(())
    }

    /// Sends an iq and waits for its result; other stanzas that arrive
    /// meanwhile are kept for [`Client::recv`]. An error result is
    /// returned as `Ok` too: look at its `type`.
    pub async fn request(
        &mut self,
        mut iq: Element,
    ) -> Result<Element, ClientError> {
        let id = match iq.attr("id") {
            Some(id) => id.to_owned(),
            None => {
                let id = format!("netlab-{}", self.next_id);
                self.next_id += 1;
                iq = iq.with_attr("id", id.clone());
                id
            }
        };
        self.send(&iq).await?;
        loop {
            let element = self.next_element("waiting for an iq result").await?;
            if element.local_name() == "iq"
                && element.attr("id") == Some(&id)
                && matches!(element.attr("type"), Some("result" | "error"))
            {
                return Ok(element);
            }
            self.pending.push_back(element);
        }
    }

    /// Sends a stanza. With stream management, it is kept until the
    /// server acknowledges it — kept *before* it is written, so one whose
    /// write fails goes again after [`Client::reconnect`].
    pub async fn send(&mut self, element: &Element) -> Result<(), ClientError> {
        let xml = element.to_xml();
        if self.sm.is_some() && sm::counts(element) {
            return self.send_counted(&xml).await;
        }
        self.write(&xml).await
    }

    // ANCHOR: send_counted
    /// Sends a stanza stream management counts, and asks for the server's
    /// count (`<r/>`) if no request is out: so what waits for an
    /// acknowledgement stays about one round trip's worth.
    async fn send_counted(&mut self, xml: &str) -> Result<(), ClientError> {
        let request = match self.sm.as_mut() {
            Some(sm) => {
                sm.sent(xml.into())
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                sm.should_request()
            }
            None => false,
        };
        self.write(xml).await?;
        if request {
            self.write(&sm::request().to_xml()).await?;
        }
        Ok(())
    }
    // ANCHOR_END: send_counted

    /// Sends raw text (the lessons type XML by hand). Not counted by
    /// stream management: with it on, send stanzas with [`Client::send`].
    pub async fn write(&mut self, xml: &str) -> Result<(), ClientError> {
        self.flush_outbox().await?;
        self.trace(Direction::Sent, xml);
        self.io.write_all(xml.as_bytes()).await?;
        Ok(())
    }

    /// Writes what `recv` owes the server. Cancel-safe: each step either
    /// happens whole or leaves the state as it was.
    async fn flush_outbox(&mut self) -> Result<(), ClientError> {
        while !self.outbox.is_empty() {
            let n = self.io.write_some(&self.outbox).await?;
            if n == 0 {
                return Err(ClientError::Closed {
                    during_login: false,
                });
            }
            self.outbox.drain(..n);
            self.flush_owed = true;
        }
        if self.flush_owed {
            self.io.flush().await?;
            self.flush_owed = false;
        }
        Ok(())
    }

    /// Stream management's share of an element that arrived: answers
    /// `<r/>`, takes in `<a/>`, counts stanzas. `None` when the element
    /// was stream management's own.
    fn take_in(
        &mut self,
        element: Element,
    ) -> Result<Option<Element>, ClientError> {
        let Some(sm) = self.sm.as_mut() else {
            return Ok(Some(element));
        };
        if element.ns.as_deref() == Some(ns::SM) {
            match element.local_name() {
                "r" => {
                    let answer = sm::answer(sm.inbound()).to_xml();
                    self.trace(Direction::Sent, &answer);
                    self.outbox.extend_from_slice(answer.as_bytes());
                }
                "a" => {
                    let h = sm::parse_h(&element).ok_or_else(|| {
                        ClientError::Protocol("<a/> without a count h".into())
                    })?;
                    sm.ack(h)
                        .map_err(|e| ClientError::Protocol(e.to_string()))?;
                }
                _ => return Ok(Some(element)),
            }
            return Ok(None);
        }
        if sm::counts(&element) {
            sm.handled();
        }
        Ok(Some(element))
    }

    /// The next stanza from the server; `Ok(None)` when it closed the
    /// stream. Waits as long as it takes (no timeout): use
    /// `tokio::time::timeout` around it if wanted — it is cancel-safe,
    /// since bytes are only fed to the parser after they are read.
    pub async fn recv(&mut self) -> Result<Option<Element>, ClientError> {
        if let Some(element) = self.pending.pop_front() {
            return Ok(Some(element));
        }
        loop {
            self.flush_outbox().await?;
            if let Some(event) =
                self.parser.next_event().map_err(framing_error)?
            {
                return match event {
                    StreamEvent::Element(element) => {
                        // Serialised again only when someone is watching.
                        if self.trace.is_some() {
                            self.trace(Direction::Received, &element.to_xml());
                        }
                        self.check_stream_error(&element)?;
                        match self.take_in(element)? {
                            Some(element) => Ok(Some(element)),
                            None => continue,
                        }
                    }
                    StreamEvent::Close => Ok(None),
                    StreamEvent::Open(_) => Err(ClientError::Protocol(
                        "a second stream header".into(),
                    )),
                };
            }
            let n = self.io.read(&mut self.buf).await?;
            if n == 0 {
                return Err(ClientError::Closed {
                    during_login: false,
                });
            }
            self.parser.feed(&self.buf[..n]);
        }
    }

    /// Closes the stream politely and waits (briefly) for the server's
    /// closing tag.
    pub async fn close(mut self) -> Result<(), ClientError> {
        self.write("</stream:stream>").await?;
        let wait = tokio::time::timeout(Duration::from_secs(2), async {
            while let Ok(Some(_)) = self.recv().await {}
        });
        let _ = wait.await;
        self.io.shutdown().await;
        Ok(())
    }

    async fn next_element(
        &mut self,
        step: &'static str,
    ) -> Result<Element, ClientError> {
        match self.next_event(step).await? {
            StreamEvent::Element(element) => {
                self.check_stream_error(&element)?;
                match self.take_in(element)? {
                    Some(element) => Ok(element),
                    // An <r/> or <a/> while waiting: wait on.
                    None => Box::pin(self.next_element(step)).await,
                }
            }
            StreamEvent::Close => {
                Err(ClientError::Closed { during_login: true })
            }
            StreamEvent::Open(_) => {
                Err(ClientError::Protocol("an unexpected stream header".into()))
            }
        }
    }

    /// The next stream event during negotiation, with the step timeout
    /// and a guess at what the peer is when it is not XMPP.
    async fn next_event(
        &mut self,
        step: &'static str,
    ) -> Result<StreamEvent, ClientError> {
        loop {
            match self.parser.next_event() {
                Ok(Some(event)) => {
                    match &event {
                        StreamEvent::Element(e) => {
                            self.trace(Direction::Received, &e.to_xml())
                        }
                        StreamEvent::Open(h) => self.trace(
                            Direction::Received,
                            &format!(
                                "<{} id={:?} from={:?}>",
                                h.name,
                                h.id.as_deref().unwrap_or(""),
                                h.from.as_deref().unwrap_or("")
                            ),
                        ),
                        StreamEvent::Close => {
                            self.trace(Direction::Received, "</stream:stream>")
                        }
                    }
                    return Ok(event);
                }
                Ok(None) => {}
                Err(err) => return Err(self.not_xmpp(err)),
            }
            let read =
                step_timeout(self.timeout, step, self.io.read(&mut self.buf))
                    .await?;
            let n = read?;
            if n == 0 {
                return Err(ClientError::Closed { during_login: true });
            }
            let first = self.parser.buffered() == 0;
            if first && let Some(why) = sniff(&self.buf[..n]) {
                return Err(ClientError::NotXmpp {
                    addr: self.addr.clone(),
                    why,
                });
            }
            self.parser.feed(&self.buf[..n]);
        }
    }

    fn not_xmpp(&self, err: FramingError) -> ClientError {
        ClientError::NotXmpp {
            addr: self.addr.clone(),
            why: format!("its answer is not an XMPP stream ({err})"),
        }
    }

    fn check_stream_error(&self, element: &Element) -> Result<(), ClientError> {
        if element.local_name() != "error"
            || element.ns.as_deref() != Some(super::ns::STREAMS)
        {
            return Ok(());
        }
        let condition = element
            .elements()
            .find(|e| {
                e.ns.as_deref() == Some(ns::STREAM_ERRORS)
                    && e.local_name() != "text"
            })
            .map(|e| e.local_name().to_owned())
            .unwrap_or_else(|| "undefined-condition".into());
        let text = element.child("text", ns::STREAM_ERRORS).map(Element::text);
        Err(ClientError::Stream {
            advice: explain_stream_error(&condition),
            condition,
            text,
        })
    }

    fn trace(&self, direction: Direction, text: &str) {
        if let Some(trace) = &self.trace {
            trace(direction, text);
        }
    }

    fn note(&self, text: &str) {
        self.trace(Direction::Note, text);
    }
}

/// A guess at what answered, from its first bytes, when it is not XML.
fn sniff(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(b"HTTP/") {
        return Some("it answered in HTTP (port 5280 and 5443 are XMPP servers' web ports, not XMPP): use port 5222".into());
    }
    if bytes.first() == Some(&0x15) || bytes.first() == Some(&0x16) {
        return Some("it answered with TLS at once: that is direct TLS (port 5223, XEP-0368), not STARTTLS on 5222".into());
    }
    if bytes.starts_with(b"SSH-") {
        return Some("it is an SSH server".into());
    }
    let text = String::from_utf8_lossy(bytes);
    let trimmed = text.trim_start();
    if !trimmed.is_empty() && !trimmed.starts_with('<') {
        let first: String = trimmed.chars().take(40).collect();
        return Some(format!("it sent {first:?}, not XML"));
    }
    None
}

/// Runs one negotiation step with a time limit.
async fn step_timeout<T>(
    limit: Duration,
    step: &'static str,
    future: impl Future<Output = T>,
) -> Result<T, ClientError> {
    tokio::time::timeout(limit, future).await.map_err(|_| {
        ClientError::Timeout {
            step,
            seconds: limit.as_secs(),
        }
    })
}

fn framing_error(err: FramingError) -> ClientError {
    ClientError::Protocol(err.to_string())
}
