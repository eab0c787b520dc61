//! One client-to-server (c2s) connection, from `accept()` to the closing
//! tag: the stream negotiation of RFC 6120, then the session.
//!
//! This file is about the *stream*: TLS, SASL, binding, reading and
//! writing. What each stanza means is `session.rs`'s business onwards,
//! which a component's stream (`component.rs`) shares.
//!
//! ```text
//! client                                server
//! <stream:stream to='localhost'>  ─►
//!                                 ◄─  <stream:stream id='…'> <features>starttls, SCRAM
//! <starttls/>                     ─►
//!                                 ◄─  <proceed/>            then the TLS handshake
//! <stream:stream> (restart)       ─►
//!                                 ◄─  <stream:stream id='…'> <features>SCRAM, PLAIN
//! <auth mechanism='SCRAM-SHA-1'>  ─►  (challenge / response …)
//!                                 ◄─  <success/>
//! <stream:stream> (restart)       ─►
//!                                 ◄─  <stream:stream id='…'> <features>bind
//! <iq type='set'><bind/></iq>     ─►
//!                                 ◄─  <iq type='result'><jid>juliet@localhost/balcony</jid>
//! stanzas …                      ◄─►  stanzas …
//! </stream:stream>                ─►
//!                                 ◄─  </stream:stream>
//! ```
//!
//! Each restart (after TLS, after SASL) starts a fresh XML parser: the
//! stream before it is over (RFC 6120 § 4.3.3). Bytes are read from the
//! socket and fed to the parser ([`crate::xmpp::framing::StreamParser`]);
//! a timeout or shutdown can interrupt the read at any point without losing
//! data, because the parser never waits on the socket itself. A client that
//! disconnects halfway through a stanza leaves that half in the parser, and
//! it is dropped with the connection: only complete stanzas are handled.

use crate::xmpp::ns;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::xmpp::framing::{Element, StreamEvent, StreamHeader, StreamParser};
use crate::xmpp::jid::Jid;
use crate::xmpp::sasl::{Mechanism, SaslServer, SaslStep};
use crate::xmpp::scram::StoredKeys;
use crate::xmpp::stanza::{self};

use super::dispatch;
use super::reply::Flow;
use super::reply::Replies;
use super::router::{Mailbox, MailboxReceiver, Outbound};
use super::session::Session;
use super::stream::{self, Stage};
use super::{
    Shared, StreamKind, TlsMode, TraceEvent, TraceKind, message, presence,
    random_id,
};
use crate::xmpp::transport::ServerTransport as Transport;

/// Failed logins allowed on one connection before it is closed; each
/// failure is also answered more slowly than the one before, so guessing
/// passwords costs time (RFC 6120 § 13.9.4 asks servers to limit this).
const MAX_AUTH_FAILURES: u32 = 3;

/// How long one write to a client may take before the client is dropped
/// as not reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// Bytes read per `read()` call. Small, because an idle connection keeps
/// its buffer: 10,000 idle clients × 4 KiB = 40 MB.
const READ_CHUNK: usize = 4096;

/// How a connection ends.
#[derive(Debug)]
enum Ending {
    /// The client closed its stream: close ours.
    ClientClosed,
    /// The TCP connection ended (or failed) without a closing tag.
    Gone,
    /// We end it with a stream error (RFC 6120 § 4.9).
    StreamError(&'static str, Option<String>),
}

/// What handling one event asks the loop to do next.
enum Next {
    Continue,
    StartTls,
    End(Ending),
}

struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    conn: u64,
    parser: StreamParser,
    header_sent: bool,
    secure: bool,
    user: Option<String>,
    sasl: Option<SaslServer>,
    failures: u32,
    throttle: Option<Duration>,
    session: Option<Session>,
    mailbox: Mailbox,
    out: Vec<Arc<str>>,
    jid: Option<String>,
}

/// Serves one client until the stream ends.
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    conn: u64,
    shared: Arc<Shared>,
    permit: Option<OwnedSemaphorePermit>,
    shutdown: CancellationToken,
) {
    // Stanzas are small and interactive: do not let Nagle hold them.
    let _ = stream.set_nodelay(true);
    // A client whose machine vanished (no FIN, no RST) is found by TCP
    // keepalive probes after about two minutes, and its presence ends.
    let keepalive = socket2::TcpKeepalive::new()
        .with_time(Duration::from_secs(60))
        .with_interval(Duration::from_secs(10));
    let _ = socket2::SockRef::from(&stream).set_tcp_keepalive(&keepalive);
    let (mailbox, mut inbox) = Mailbox::new();
    let mut connection = Connection {
        parser: StreamParser::with_limits(shared.config.limits),
        shared,
        peer,
        conn,
        header_sent: false,
        secure: false,
        user: None,
        sasl: None,
        failures: 0,
        throttle: None,
        session: None,
        mailbox,
        out: Vec::new(),
        jid: None,
    };
    connection.note(&format!("connected from {peer}"));
    let io = Transport::Plain(stream);
    let (io, ending) = if permit.is_none() {
        let ending = Ending::StreamError(
            "resource-constraint",
            Some("the server has too many connections".into()),
        );
        (Some(io), ending)
    } else {
        connection.run(io, &mut inbox, &shutdown).await
    };
    connection.finish(io, &mut inbox, ending).await;
    drop(permit);
}

impl Connection {
    /// The read–handle–write loop. Returns the transport (unless it was
    /// lost in a failed TLS handshake) and why the loop ended.
    async fn run(
        &mut self,
        mut io: Transport,
        inbox: &mut MailboxReceiver,
        shutdown: &CancellationToken,
    ) -> (Option<Transport>, Ending) {
        let mut buf = vec![0u8; READ_CHUNK];
        let deadline = Instant::now() + self.shared.config.auth_timeout;
        loop {
            let authenticated = self.user.is_some();
            let next = tokio::select! {
                _ = shutdown.cancelled() => Next::End(Ending::StreamError(
                    "system-shutdown",
                    Some("the server is shutting down".into()),
                )),
                _ = tokio::time::sleep_until(deadline), if !authenticated => {
                    Next::End(Ending::StreamError(
                        "connection-timeout",
                        Some("not authenticated in time".into()),
                    ))
                }
                item = inbox.recv() => match item {
                    Some(item) => self.outbound(item, inbox),
                    // We hold a sender ourselves: cannot happen.
                    None => Next::End(Ending::Gone),
                },
                read = io.read(&mut buf) => match read {
                    Ok(0) | Err(_) => Next::End(Ending::Gone),
                    Ok(n) => {
                        self.parser.feed(&buf[..n]);
                        self.drain_events()
                    }
                },
            };
            if let Some(delay) = self.throttle.take() {
                tokio::time::sleep(delay).await;
            }
            // A client that stops reading fills its socket buffer and would
            // block this write forever (and with it, shutdown): give up
            // on it after WRITE_TIMEOUT.
            let stopping = shutdown.is_cancelled();
            let flushed = tokio::select! {
                written = tokio::time::timeout(WRITE_TIMEOUT, self.flush(&mut io)) => {
                    matches!(written, Ok(Ok(())))
                }
                // Shutdown interrupts a stuck write, not the one that
                // carries the last stanzas before <system-shutdown/>.
                _ = shutdown.cancelled(), if !stopping => false,
            };
            if !flushed {
                return (Some(io), Ending::Gone);
            }
            if let Some(session) = &mut self.session
                && !session.delivered_offline.is_empty()
            {
                // Written and flushed: now they may be deleted (XEP-0160).
                let ids = std::mem::take(&mut session.delivered_offline);
                if let Err(err) = self.shared.store.delete_offline(&ids) {
                    tracing::error!("store: {err}");
                }
            }
            match next {
                Next::Continue => {}
                Next::End(ending) => return (Some(io), ending),
                Next::StartTls => {
                    let Some(acceptor) = self.shared.tls.clone() else {
                        return (Some(io), Ending::Gone);
                    };
                    // The handshake is bounded by the same login deadline
                    // and by shutdown: a client that sends <starttls/> and
                    // then nothing must not hold its slot forever.
                    let handshake = tokio::select! {
                        done = tokio::time::timeout_at(deadline, io.accept_tls(&acceptor)) => {
                            match done {
                                Ok(result) => result,
                                Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
                            }
                        }
                        _ = shutdown.cancelled() => Err(std::io::ErrorKind::Interrupted.into()),
                    };
                    io = match handshake {
                        Ok(io) => io,
                        Err(err) => {
                            self.note(&format!("TLS handshake failed: {err}"));
                            return (None, Ending::Gone);
                        }
                    };
                    // RFC 6120 § 5.4.3.3: nothing negotiated before TLS
                    // carries over, a SASL exchange begun in the clear
                    // included.
                    self.sasl = None;
                    self.secure = true;
                    self.note("TLS established; the stream restarts");
                    self.restart();
                }
            }
        }
    }

    /// A new stream after TLS or SASL: new parser, new header expected.
    fn restart(&mut self) {
        self.parser = StreamParser::with_limits(self.shared.config.limits);
        self.header_sent = false;
    }

    /// Something for this client from elsewhere in the server.
    fn outbound(
        &mut self,
        item: Outbound,
        inbox: &mut MailboxReceiver,
    ) -> Next {
        let mut item = Some(item);
        // Take what else is waiting too, so that one write carries many
        // stanzas when the client is busy (fewer system calls, and TLS
        // records fuller).
        let mut taken = 0;
        while let Some(next) = item.take() {
            match next {
                Outbound::Xml(xml) => self.out.push(xml),
                Outbound::Kick(condition) => {
                    return Next::End(Ending::StreamError(
                        condition,
                        Some(
                            "another connection bound the same resource".into(),
                        ),
                    ));
                }
            }
            taken += 1;
            if taken < 256 {
                item = inbox.try_recv();
            }
        }
        Next::Continue
    }

    /// Handles every complete event the parser has.
    fn drain_events(&mut self) -> Next {
        loop {
            let event = match self.parser.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => return Next::Continue,
                Err(err) => {
                    return Next::End(Ending::StreamError(
                        err.stream_error_condition(),
                        Some(err.to_string()),
                    ));
                }
            };
            let next = match event {
                StreamEvent::Open(header) => self.open(&header),
                StreamEvent::Close => Next::End(Ending::ClientClosed),
                StreamEvent::Element(element) => {
                    // Written out only for a trace: the bulk of the traffic
                    // needs no second serialisation.
                    if self.shared.config.trace.is_some() {
                        self.trace(TraceKind::In, &element.to_xml());
                    }
                    self.element(element)
                }
            };
            if !matches!(next, Next::Continue) {
                return next;
            }
        }
    }

    /// The client's stream header: check it, answer with ours and the
    /// features for this stage (RFC 6120 § 4.3.2, § 4.7).
    fn open(&mut self, header: &StreamHeader) -> Next {
        self.trace(TraceKind::In, &header_text(header));
        let domain = self.shared.config.domain.clone();
        let domain = &domain;
        self.send_raw(stream::header(
            domain,
            &random_id(),
            header.from.as_deref(),
        ));
        self.header_sent = true;
        if header.default_ns.as_deref() != Some(ns::CLIENT) {
            return stream_error(
                "invalid-namespace",
                "the stream's content namespace must be jabber:client (RFC 6120 § 4.8.2); \
                 server-to-server streams are not served here",
            );
        }
        if let Some(to) = &header.to
            && Jid::parse(to).map(|j| j.to_string()).as_deref() != Ok(domain)
        {
            return stream_error(
                "host-unknown",
                &format!(
                    "this server serves '{domain}', not '{to}' (RFC 6120 § 4.9.3.6)"
                ),
            );
        }
        if header.version.as_deref() != Some("1.0") {
            return stream_error(
                "unsupported-version",
                "only XMPP 1.0 streams are served: put version='1.0' in the stream header \
                 (RFC 6120 § 4.7.5)",
            );
        }
        let stage = match self.user {
            Some(_) => Stage::Authenticated,
            None => Stage::Unauthenticated {
                secure: self.secure,
            },
        };
        let features = stream::features(self.shared.config.tls, stage);
        self.send(&features);
        Next::Continue
    }

    /// One top-level element.
    fn element(&mut self, element: Element) -> Next {
        if let Some(session) = &mut self.session {
            let mut replies = Replies::default();
            let flow = dispatch::from_client(
                session,
                &self.shared,
                &mut replies,
                element,
            );
            self.out.extend(replies.into_xml());
            return match flow {
                Flow::Continue => Next::Continue,
                Flow::StreamError(condition, text) => {
                    Next::End(Ending::StreamError(condition, Some(text)))
                }
            };
        }
        let element_ns = element.ns.clone().unwrap_or_default();
        let is_stanza =
            matches!(element.local_name(), "message" | "presence" | "iq")
                && element_ns == ns::CLIENT;
        match (element_ns.as_str(), element.local_name(), &self.user) {
            (ns::TLS, "starttls", None) => self.starttls(),
            (ns::SASL, _, None) => self.sasl(&element),
            (ns::CLIENT, "iq", Some(_))
                if element.attr("type") == Some("set") =>
            {
                self.bind_or_session(&element)
            }
            _ if is_stanza => stream_error(
                "not-authorized",
                if self.user.is_none() {
                    "log in first: stanzas are refused before authentication (RFC 6120 § 6.4.1)"
                } else {
                    "bind a resource first (RFC 6120 § 7.1)"
                },
            ),
            _ => stream_error(
                "unsupported-stanza-type",
                &format!(
                    "<{}> is not expected here (RFC 6120 § 4.9.3.23)",
                    element.name
                ),
            ),
        }
    }

    /// `<starttls/>` (RFC 6120 § 5.4.2).
    fn starttls(&mut self) -> Next {
        if self.secure
            || self.shared.tls.is_none()
            || self.shared.config.tls == TlsMode::Off
        {
            // § 5.4.2.2: <failure/>, then close the stream.
            self.send(
                &Element::new("failure", Some(ns::TLS))
                    .with_attr("xmlns", ns::TLS),
            );
            return Next::End(Ending::ClientClosed);
        }
        self.send(
            &Element::new("proceed", Some(ns::TLS)).with_attr("xmlns", ns::TLS),
        );
        Next::StartTls
    }

    /// `<auth/>`, `<response/>`, `<abort/>` (RFC 6120 § 6.4).
    fn sasl(&mut self, element: &Element) -> Next {
        let mode = self.shared.config.tls;
        let offered = stream::mechanisms(mode, self.secure);
        let store = &self.shared.store;
        let domain = &self.shared.config.domain;
        let lookup = |user: &str, mechanism: Mechanism| -> Option<StoredKeys> {
            lookup_keys(store, domain, user, mechanism)
        };
        let (server, step) = match (element.local_name(), self.sasl.take()) {
            ("auth", _) => {
                let wanted =
                    element.attr("mechanism").and_then(Mechanism::from_name);
                if let Some(wanted) = wanted
                    && !offered.contains(&wanted)
                    && mode != TlsMode::Off
                {
                    // § 6.5.5: this mechanism only over TLS.
                    let failure = Element::new("failure", Some(ns::SASL))
                        .with_attr("xmlns", ns::SASL)
                        .with_child(Element::new(
                            "encryption-required",
                            Some(ns::SASL),
                        ));
                    self.send(&failure);
                    return self.auth_failed();
                }
                SaslServer::start_for_domain(
                    element,
                    &offered,
                    Some(domain),
                    &lookup,
                )
            }
            (_, Some(server)) => server.step(element, &lookup),
            // A response with no exchange going on.
            (_, None) => {
                return stream_error(
                    "bad-request",
                    "a SASL response without an <auth/> first (RFC 6120 § 6.4.2)",
                );
            }
        };
        self.sasl = server;
        match step {
            SaslStep::Challenge(challenge) => {
                self.send(&challenge);
                Next::Continue
            }
            SaslStep::Success { username, element } => {
                self.send(&element);
                // The account as the store and router know it: the
                // localpart prepared (lower-cased) as in a JID, not as
                // the client typed it (`Juliet` logs in as `juliet`).
                let domain = &self.shared.config.domain;
                let Some(user) = Jid::parse(&format!("{username}@{domain}"))
                    .ok()
                    .and_then(|jid| jid.local().map(str::to_owned))
                else {
                    return stream_error(
                        "not-authorized",
                        "the username is not a valid localpart",
                    );
                };
                self.note(&format!("authenticated as {user}"));
                self.user = Some(user);
                self.restart();
                Next::Continue
            }
            SaslStep::Failure { element, text, .. } => {
                self.send(&element);
                self.note(&format!("authentication failed: {text}"));
                self.auth_failed()
            }
        }
    }

    fn auth_failed(&mut self) -> Next {
        self.failures += 1;
        // Slower with every failure, on this connection and from this
        // address: opening new connections does not reset the count.
        let recent = self.shared.failed_logins.record(self.peer.ip());
        let steps = u64::from(self.failures).max(recent);
        self.throttle = Some(Duration::from_millis((500 * steps).min(5_000)));
        if self.failures >= MAX_AUTH_FAILURES {
            return stream_error(
                "policy-violation",
                "too many failed logins on this connection",
            );
        }
        Next::Continue
    }

    /// Resource binding (RFC 6120 § 7) and the legacy session request.
    fn bind_or_session(&mut self, element: &Element) -> Next {
        let id = element.attr("id").unwrap_or_default().to_owned();
        let child = element.elements().next();
        let result = Element::new("iq", None)
            .with_attr("id", id)
            .with_attr("type", "result");
        match child
            .map(|c| (c.ns.as_deref().unwrap_or_default(), c.local_name()))
        {
            Some((ns::BIND, "bind")) => {}
            Some((ns::SESSION, "session")) => {
                self.send(&result);
                return Next::Continue;
            }
            _ => {
                return stream_error(
                    "not-authorized",
                    "bind a resource first (RFC 6120 § 7.1)",
                );
            }
        }
        let Some(user) = self.user.clone() else {
            return Next::End(Ending::Gone);
        };
        let domain = self.shared.config.domain.clone();
        let asked = child
            .and_then(|bind| {
                bind.elements().find(|e| e.local_name() == "resource")
            })
            .map(Element::text)
            .filter(|r| !r.trim().is_empty());
        // § 7.6.2.1: none asked for, so the server picks one.
        let resource =
            asked.unwrap_or_else(|| format!("netlab-{}", &random_id()[..8]));
        let jid = match Jid::parse(&format!("{user}@{domain}/{resource}")) {
            Ok(jid) => jid,
            Err(_) => {
                // § 7.7.2.1: a resource that is not a valid resourcepart.
                if let Some(reply) = stanza::error_reply(
                    element,
                    "bad-request",
                    stanza::ErrorType::Modify,
                ) {
                    self.send(&reply);
                }
                return Next::Continue;
            }
        };
        let replaced = self.shared.router.bind(
            &user,
            &resource,
            self.conn,
            self.mailbox.clone(),
        );
        if let Some(old) = replaced {
            old.kick("conflict");
        }
        let bound = result.with_child(
            Element::new("bind", Some(ns::BIND))
                .with_attr("xmlns", ns::BIND)
                .with_child(
                    Element::new("jid", Some(ns::BIND))
                        .with_text(jid.to_string()),
                ),
        );
        self.send(&bound);
        self.jid = Some(jid.to_string());
        self.note(&format!("bound {jid}"));
        self.session = Some(Session::new(user, jid, self.conn));
        Next::Continue
    }

    /// Ends the stream: queued stanzas first, then the stream error (if
    /// any) and our closing tag; then the session leaves the router.
    async fn finish(
        &mut self,
        io: Option<Transport>,
        inbox: &mut MailboxReceiver,
        ending: Ending,
    ) {
        let user = self.session.as_ref().map(|s| s.user.clone());
        if let Some(mut session) = self.session.take() {
            let resource = session.jid.resource().unwrap_or_default();
            let ours =
                self.shared
                    .router
                    .unbind(&session.user, resource, self.conn);
            // Unavailable to those who saw us (RFC 6121 § 4.5.1): sent
            // for the client when it vanished without saying so — unless
            // a newer connection took the resource over, which is online.
            if ours && (session.available || !session.directed.is_empty()) {
                presence::broadcast_unavailable(
                    &self.shared,
                    &mut session,
                    None,
                );
            }
        }
        while let Some(item) = inbox.try_recv() {
            if let Outbound::Xml(xml) = item {
                self.out.push(xml);
            }
        }
        let (Some(mut io), false) = (io, matches!(ending, Ending::Gone)) else {
            // Nobody to write to: messages still waiting for this client
            // go to the account's other resources, or to offline storage,
            // rather than nowhere.
            if let Some(user) = &user {
                for xml in std::mem::take(&mut self.out) {
                    message::reroute(&self.shared, user, &xml);
                }
            }
            self.note("connection closed by the client");
            return;
        };
        match &ending {
            Ending::Gone => {}
            Ending::ClientClosed => {}
            Ending::StreamError(condition, text) => {
                if !self.header_sent {
                    // § 4.9.1.2: an error before our header still needs
                    // the header first.
                    let domain = self.shared.config.domain.clone();
                    self.send_raw(stream::header(&domain, &random_id(), None));
                }
                self.send(&stanza::stream_error(condition, text.as_deref()));
                self.note(&format!("stream error {condition}"));
            }
        }
        self.send_raw("</stream:stream>".to_owned());
        let _ =
            tokio::time::timeout(Duration::from_secs(5), self.flush(&mut io))
                .await;
        io.shutdown().await;
    }

    fn send(&mut self, element: &Element) {
        self.out.push(element.to_xml().into());
    }

    fn send_raw(&mut self, xml: String) {
        self.out.push(xml.into());
    }

    /// Writes what is queued in one `write`.
    async fn flush(&mut self, io: &mut Transport) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        if self.shared.config.trace.is_some() {
            for piece in &out {
                self.trace(TraceKind::Out, piece);
            }
        }
        if let [one] = &out[..] {
            return io.write_all(one.as_bytes()).await;
        }
        let mut bytes = Vec::with_capacity(out.iter().map(|p| p.len()).sum());
        for piece in &out {
            bytes.extend_from_slice(piece.as_bytes());
        }
        io.write_all(&bytes).await
    }

    fn trace(&self, kind: TraceKind, text: &str) {
        if let Some(trace) = &self.shared.config.trace {
            trace(&TraceEvent {
                conn: self.conn,
                peer: self.peer,
                stream: StreamKind::Client,
                jid: self.jid.as_deref(),
                kind,
                text,
            });
        }
    }

    fn note(&self, text: &str) {
        self.trace(TraceKind::Note, text);
    }
}

fn stream_error(condition: &'static str, text: &str) -> Next {
    Next::End(Ending::StreamError(condition, Some(text.to_owned())))
}

/// The SCRAM keys for `user`, normalised as a JID localpart; PLAIN is
/// checked against the SCRAM-SHA-256 keys (the password is never stored).
fn lookup_keys(
    store: &crate::xmpp::store::Store,
    domain: &str,
    user: &str,
    mechanism: Mechanism,
) -> Option<StoredKeys> {
    let jid = Jid::parse(&format!("{user}@{domain}")).ok()?;
    let local = jid.local()?;
    let name = match mechanism {
        Mechanism::ScramSha1 => "SCRAM-SHA-1",
        Mechanism::ScramSha256 | Mechanism::Plain => "SCRAM-SHA-256",
    };
    let credential = store.credential(local, name).ok()??;
    crate::xmpp::accounts::to_keys(&credential)
}

/// The client's header, written back for the trace.
pub(super) fn header_text(header: &StreamHeader) -> String {
    let mut element = Element::new(header.name.clone(), None);
    element.attributes = header.attributes.clone();
    let xml = element.to_xml();
    // An empty element writes as <x/>; the header stays open.
    format!("{}>", xml.trim_end_matches("/>"))
}
