//! One outgoing server-to-server stream: ours to one remote domain, for
//! our stanzas (RFC 6120 § 4, XEP-0220 "initiating server").
//!
//! ```text
//! us (a.example)                              them (b.example)
//! resolve b.example (resolve.rs), TCP connect
//! <stream:stream xmlns='jabber:server' xmlns:db='jabber:server:dialback'
//!                from='a.example' to='b.example' version='1.0'>  ─►
//!                                  ◄─ <stream:stream id='D600…'> <features>
//! <starttls/>                       ─►   (if offered: Prosody requires it)
//!                                  ◄─ <proceed/>    TLS handshake, restart
//! <db:result from='a.example' to='b.example'>KEY</db:result>  ─►
//!                    … b calls a.example back and asks (s2s_in.rs) …
//!                                  ◄─ <db:result type='valid'/>
//! the stanzas queued meanwhile, in order, then each as it comes
//! ```
//!
//! Everything happens in one loop over four sources — commands from the
//! rest of the server, bytes from the peer, and two timers — so that a
//! `db:verify` for the peer can be written at any point after the stream
//! opened, authenticated or not (see `federation.rs` for the deadlock
//! that waiting would cause).
//!
//! Without a CA (`--s2s-ca`) the peer's certificate is not verified:
//! with self-signed certificates nothing could verify it, and XMPP then
//! relies on dialback inside the encrypted stream, as Prosody does by
//! default (`s2s_secure_auth = false`). The TLS still keeps eavesdroppers
//! out. With a CA, our certificate goes along as the TLS client's, the
//! peer's is checked after the handshake (`../s2s_tls.rs`), and when it
//! verifies and the peer offers SASL EXTERNAL, that replaces dialback
//! (XEP-0178 § 3):
//!
//! ```text
//!                                  ◄─ <features> <mechanisms><mechanism>EXTERNAL
//! <auth mechanism='EXTERNAL'>BASE64(a.example)</auth>  ─►
//!                                  ◄─ <success/>    restart, then stanzas
//! ```
//!
//! Read before: `federation.rs`, `resolve.rs`. Read next: `s2s_in.rs`.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::xmpp::dialback::{self, Dialback};
use crate::xmpp::framing::{Element, StreamEvent, StreamHeader, StreamParser};
use crate::xmpp::ns;
use crate::xmpp::stanza::ErrorType;
use crate::xmpp::tls::{self, Trust};
use crate::xmpp::transport::ClientTransport as Transport;

use super::federation::{Command, Federation, bounce_xml};
use super::resolve;
use super::{Shared, StreamKind, TraceEvent, TraceKind};

/// A whitespace ping this often keeps NATs and the peer from dropping an
/// idle stream (RFC 6120 § 4.6.1).
const KEEPALIVE: Duration = Duration::from_secs(60);

/// Where the stream is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    /// Our header sent; theirs awaited.
    Opening,
    /// Their header came with version 1.0: features awaited.
    Features,
    /// `<starttls/>` sent: `<proceed/>` awaited.
    Proceed,
    /// `<auth mechanism='EXTERNAL'>` sent: `<success/>` awaited.
    Sasl,
    /// `<success/>` arrived: our header goes out again.
    Restart,
    /// `db:result` sent: the verdict awaited.
    Dialback,
    /// Authenticated: stanzas flow.
    Ready,
}

/// The stream failed, the peer unreachable: `remote-server-not-found`
/// (cancel) for what waits.
fn lost(why: impl Into<String>) -> Ending {
    Ending::Failed("remote-server-not-found", ErrorType::Cancel, why.into())
}

/// The peer did not answer in time or refused us:
/// `remote-server-timeout` (wait: it may work later), as Prosody bounces.
fn late(why: impl Into<String>) -> Ending {
    Ending::Failed("remote-server-timeout", ErrorType::Wait, why.into())
}

/// Why the stream ended.
enum Ending {
    /// Nothing more to send for a while: closed politely.
    Idle,
    /// Shut down.
    Stop,
    /// Failed: bounce what waits with this condition.
    Failed(&'static str, ErrorType, String),
}

struct Out {
    shared: Arc<Shared>,
    domain: String,
    conn: u64,
    peer: Option<SocketAddr>,
    stage: Stage,
    stream_id: Option<String>,
    secure: bool,
    /// With a CA: the peer's certificate verified for its domain.
    peer_verified: bool,
    /// SASL EXTERNAL succeeded: the next features mean "ready".
    sasl_done: bool,
    parser: StreamParser,
    /// Stanzas waiting for authentication, written for this stream.
    waiting: VecDeque<Arc<str>>,
    /// Dialback elements waiting for the stream to open.
    dialbacks: Vec<Dialback>,
    queued: Arc<(AtomicUsize, AtomicUsize)>,
    out: Vec<String>,
}

/// Runs the stream to `domain` until it fails, idles out or the server
/// stops.
pub(super) async fn run(
    shared: Arc<Shared>,
    domain: String,
    mut rx: mpsc::UnboundedReceiver<Command>,
    queued: Arc<(AtomicUsize, AtomicUsize)>,
    generation: u64,
) {
    let Some(federation) = shared.federation.as_ref() else {
        return;
    };
    let conn = shared.next_conn.fetch_add(1, Ordering::Relaxed);
    let mut out = Out {
        shared: Arc::clone(&shared),
        domain: domain.clone(),
        conn,
        peer: None,
        stage: Stage::Opening,
        stream_id: None,
        secure: false,
        peer_verified: false,
        sasl_done: false,
        parser: StreamParser::with_limits(shared.config.limits),
        waiting: VecDeque::new(),
        dialbacks: Vec::new(),
        queued,
        out: Vec::new(),
    };
    let ending = out.run(federation, &mut rx).await;
    // From here on, new stanzas for the domain start a new stream.
    federation.forget(&domain, generation);
    rx.close();
    while let Ok(command) = rx.try_recv() {
        out.take(command);
    }
    let waiting = std::mem::take(&mut out.waiting);
    match ending {
        // Closed for idleness, yet something arrived as it closed: send
        // it on a fresh stream.
        Ending::Idle => {
            for xml in waiting {
                if let Err((condition, kind)) =
                    federation.send_xml(&domain, Arc::clone(&xml))
                {
                    bounce_xml(&shared, &xml, condition, kind);
                }
            }
        }
        Ending::Stop => {}
        Ending::Failed(condition, kind, why) => {
            out.note(&format!("failed: {why}"));
            for xml in waiting {
                bounce_xml(&shared, &xml, condition, kind);
            }
        }
    }
}

impl Out {
    async fn run(
        &mut self,
        federation: &Federation,
        rx: &mut mpsc::UnboundedReceiver<Command>,
    ) -> Ending {
        // Connecting, while commands keep arriving.
        let (shared, domain, conn) =
            (Arc::clone(&self.shared), self.domain.clone(), self.conn);
        let connecting = tokio::time::timeout(
            federation.config.connect_timeout,
            async move { connect(&shared, &domain, conn).await },
        );
        tokio::pin!(connecting);
        let stream = loop {
            tokio::select! {
                _ = federation.stop.cancelled() => return Ending::Stop,
                connected = &mut connecting => break connected,
                command = rx.recv() => match command {
                    Some(command) => self.take(command),
                    None => return Ending::Stop,
                },
            }
        };
        let (stream, peer) = match stream {
            Ok(Ok(pair)) => pair,
            Ok(Err(why)) => {
                return lost(why);
            }
            Err(_) => {
                return late("connecting took too long");
            }
        };
        self.peer = Some(peer);
        let mut io = Transport::Plain(stream);
        self.open();
        if self.write(&mut io).await.is_err() {
            return lost("writing to the peer failed");
        }
        let mut buf = vec![0u8; 4096];
        let auth_deadline = Instant::now() + federation.config.auth_timeout;
        let mut last_activity = Instant::now();
        let mut keepalive = tokio::time::interval(KEEPALIVE);
        keepalive.tick().await;
        loop {
            let ready = self.stage == Stage::Ready;
            let idle_at = last_activity + federation.config.idle_timeout;
            let ending = tokio::select! {
                _ = federation.stop.cancelled() => Some(Ending::Stop),
                _ = tokio::time::sleep_until(auth_deadline), if !ready => {
                    Some(late("not authenticated in time"))
                }
                _ = tokio::time::sleep_until(idle_at), if ready => {
                    Some(Ending::Idle)
                }
                _ = keepalive.tick(), if ready => {
                    self.out.push(" ".into());
                    None
                }
                command = rx.recv() => match command {
                    Some(command) => {
                        last_activity = Instant::now();
                        self.take(command);
                        None
                    }
                    None => Some(Ending::Stop),
                },
                read = io.read(&mut buf) => match read {
                    Ok(0) | Err(_) => {
                        Some(lost("the peer closed the connection"))
                    }
                    Ok(n) => {
                        self.parser.feed(&buf[..n]);
                        self.drain(federation)
                    }
                },
            };
            self.flush_ready();
            if self.write(&mut io).await.is_err() {
                return lost("writing to the peer failed");
            }
            if self.stage == Stage::Restart {
                // `<success/>` arrived: a new stream on the same TLS
                // (RFC 6120 § 6.4.6).
                self.open();
                if self.write(&mut io).await.is_err() {
                    return lost("writing to the peer failed");
                }
            }
            if self.stage == Stage::Proceed && self.secure {
                // `<proceed/>` arrived: the TLS handshake, then a new
                // stream inside it (RFC 6120 § 5.4.3.3).
                io = match self.starttls(io).await {
                    Ok(io) => io,
                    Err(why) => {
                        return lost(why);
                    }
                };
                self.open();
                if self.write(&mut io).await.is_err() {
                    return lost("writing to the peer failed");
                }
            }
            if let Some(ending) = ending {
                if matches!(ending, Ending::Idle | Ending::Stop) {
                    self.out.push("</stream:stream>".into());
                    let _ = tokio::time::timeout(
                        Duration::from_secs(5),
                        self.write(&mut io),
                    )
                    .await;
                }
                io.shutdown().await;
                return ending;
            }
        }
    }

    /// A command from the rest of the server.
    fn take(&mut self, command: Command) {
        match command {
            Command::Stanza(xml) => self.waiting.push_back(xml),
            Command::Dialback(dialback) => {
                if matches!(self.stage, Stage::Dialback | Stage::Ready) {
                    self.out.push(dialback.to_element().to_xml());
                } else {
                    self.dialbacks.push(dialback);
                }
            }
        }
    }

    /// Our stream header (again after TLS).
    fn open(&mut self) {
        let ours = &self.shared.config.domain;
        self.parser = StreamParser::with_limits(self.shared.config.limits);
        self.stage = Stage::Opening;
        self.out.push(super::stream::server_header(
            ours,
            Some(&self.domain),
            None,
            true,
        ));
    }

    /// Handles what the peer sent; `Some` ends the stream.
    fn drain(&mut self, federation: &Federation) -> Option<Ending> {
        loop {
            let event = match self.parser.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => return None,
                Err(err) => {
                    return Some(lost(format!("the peer's XML: {err}")));
                }
            };
            let ending = match event {
                StreamEvent::Open(header) => self.header(&header),
                StreamEvent::Close => Some(lost("the peer closed its stream")),
                StreamEvent::Element(element) => {
                    // Written out only for a trace: the bulk of the traffic
                    // needs no second serialisation.
                    if self.shared.config.trace.is_some() {
                        self.trace(TraceKind::In, &element.to_xml());
                    }
                    self.element(federation, &element)
                }
            };
            if ending.is_some() {
                return ending;
            }
        }
    }

    fn header(&mut self, header: &StreamHeader) -> Option<Ending> {
        self.trace(TraceKind::In, &super::c2s::header_text(header));
        self.stream_id = header.id.clone();
        if header.version.as_deref() == Some("1.0") {
            self.stage = Stage::Features;
            None
        } else {
            // A pre-1.0 server sends no features: dialback straight away.
            self.start_dialback()
        }
    }

    fn element(
        &mut self,
        federation: &Federation,
        element: &Element,
    ) -> Option<Ending> {
        let name = element.local_name();
        let element_ns = element.ns.as_deref().unwrap_or_default();
        if element_ns == ns::STREAMS && name == "error" {
            return Some(lost(format!(
                "stream error from the peer: {}",
                element.to_xml()
            )));
        }
        if self.stage == Stage::Features
            && element_ns == ns::STREAMS
            && name == "features"
        {
            let starttls = element.child("starttls", ns::TLS).is_some();
            if starttls && !self.secure {
                self.out.push(
                    Element::new("starttls", Some(ns::TLS))
                        .with_attr("xmlns", ns::TLS)
                        .to_xml(),
                );
                self.stage = Stage::Proceed;
                return None;
            }
            if self.sasl_done {
                return self.ready_by_certificate();
            }
            if self.external_offered(element) {
                return self.start_external();
            }
            return self.start_dialback();
        }
        if self.stage == Stage::Sasl && element_ns == ns::SASL {
            if name == "success" {
                self.sasl_done = true;
                self.stage = Stage::Restart;
                return None;
            }
            // RFC 6120 § 6.4.5: a failure; dialback may still work on
            // the same stream (XEP-0344 § 1).
            self.note(&format!(
                "SASL EXTERNAL refused ({}): trying dialback",
                element
                    .elements()
                    .next()
                    .map_or("no reason", |c| c.local_name())
            ));
            return self.start_dialback();
        }
        if self.stage == Stage::Proceed && element_ns == ns::TLS {
            if name == "proceed" {
                // The loop runs the handshake once this write is done.
                self.secure = true;
                return None;
            }
            return Some(lost("the peer refused STARTTLS"));
        }
        let ours = self.shared.config.domain.clone();
        match Dialback::parse(element) {
            Some(Dialback::ResultAnswer { from, valid, .. })
                if from == self.domain && self.stage == Stage::Dialback =>
            {
                if valid {
                    self.note(&format!(
                        "authenticated: {ours} may now send to {} on this \
                         stream",
                        self.domain
                    ));
                    self.stage = Stage::Ready;
                    None
                } else {
                    Some(late("the peer refused our dialback key"))
                }
            }
            // The answer to a db:verify we sent on this stream: only this
            // peer's domain can answer for itself here. An answer "from"
            // another domain would let one server vouch for another.
            Some(Dialback::VerifyAnswer {
                from, id, valid, ..
            }) if from == self.domain => {
                federation.verified(&from, &id, valid);
                None
            }
            Some(Dialback::VerifyAnswer { from, id, .. }) => {
                self.note(&format!(
                    "db:verify answer for {from} (id {id}) on the stream to \
                     {}: dropped",
                    self.domain
                ));
                None
            }
            Some(Dialback::VerifyRequest { from, to, id, key }) => {
                // They ask us, on this stream, as the authoritative server
                // (Prosody reuses streams, XEP-0220 § 2.6).
                let valid = to == ours
                    && dialback::key_matches(
                        &federation.secret,
                        &from,
                        &ours,
                        &id,
                        &key,
                    );
                let answer = Dialback::VerifyAnswer {
                    from: ours,
                    to: from,
                    id,
                    valid,
                };
                self.out.push(answer.to_element().to_xml());
                None
            }
            _ => None,
        }
    }

    /// Whether these features offer SASL EXTERNAL and certificates make
    /// it worth taking: the peer's verified for its domain (else we do
    /// not know whom we would send to, XEP-0178 § 3), ours valid for our
    /// domain (else the peer would refuse it).
    fn external_offered(&self, features: &Element) -> bool {
        let Some(ca) = self
            .shared
            .federation
            .as_ref()
            .and_then(|f| f.config.ca.as_ref())
        else {
            return false;
        };
        let offered = features.child("mechanisms", ns::SASL).is_some_and(|m| {
            m.elements().any(|c| {
                c.local_name() == "mechanism" && c.text().trim() == "EXTERNAL"
            })
        });
        offered && ca.own_valid && self.peer_verified
    }

    /// `<auth mechanism='EXTERNAL'>` with our domain as the authorization
    /// identity (XEP-0178 § 3; Prosody answers an *empty* `<auth/>`
    /// with `malformed-request`, so the domain is always sent).
    fn start_external(&mut self) -> Option<Ending> {
        use base64::Engine;
        let ours = &self.shared.config.domain;
        let authzid = base64::engine::general_purpose::STANDARD.encode(ours);
        self.out.push(
            Element::new("auth", Some(ns::SASL))
                .with_attr("xmlns", ns::SASL)
                .with_attr("mechanism", "EXTERNAL")
                .with_text(authzid)
                .to_xml(),
        );
        self.stage = Stage::Sasl;
        None
    }

    /// After `<success/>` and the restart: authenticated, and the verify
    /// requests that waited go out.
    fn ready_by_certificate(&mut self) -> Option<Ending> {
        self.note(&format!(
            "authenticated by certificate (SASL EXTERNAL): {} may now send \
             to {} on this stream, no dialback",
            self.shared.config.domain, self.domain
        ));
        for dialback in std::mem::take(&mut self.dialbacks) {
            self.out.push(dialback.to_element().to_xml());
        }
        self.stage = Stage::Ready;
        None
    }

    /// `db:result` with our key (XEP-0220 § 2.1.1), and the verify
    /// requests that waited for the stream.
    fn start_dialback(&mut self) -> Option<Ending> {
        let Some(federation) = self.shared.federation.as_ref() else {
            return Some(Ending::Stop);
        };
        let Some(id) = self.stream_id.clone() else {
            return Some(lost("the peer's stream header has no id"));
        };
        let ours = self.shared.config.domain.clone();
        let key = dialback::key(&federation.secret, &self.domain, &ours, &id);
        let result = Dialback::ResultRequest {
            from: ours,
            to: self.domain.clone(),
            key,
        };
        self.out.push(result.to_element().to_xml());
        for dialback in std::mem::take(&mut self.dialbacks) {
            self.out.push(dialback.to_element().to_xml());
        }
        self.stage = Stage::Dialback;
        None
    }

    /// Once authenticated: the waiting stanzas, in order, in the server
    /// stream's namespace.
    fn flush_ready(&mut self) {
        if self.stage != Stage::Ready {
            return;
        }
        let (count, size) = &*self.queued;
        while let Some(xml) = self.waiting.pop_front() {
            count.fetch_sub(1, Ordering::Relaxed);
            size.fetch_sub(
                xml.len().min(size.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
            self.out.push(xml.to_string());
        }
    }

    async fn starttls(&mut self, io: Transport) -> Result<Transport, String> {
        let ca = self
            .shared
            .federation
            .as_ref()
            .and_then(|f| f.config.ca.clone());
        let config = match &ca {
            Some(ca) => Arc::clone(&ca.connector),
            None => tls::client_config(Trust::Insecure),
        };
        let connector = tokio_rustls::TlsConnector::from(config);
        let io = io
            .connect_tls(&connector, &self.domain)
            .await
            .map_err(|err| format!("TLS handshake: {err}"))?;
        let Some(ca) = ca else {
            self.note(
                "TLS established (certificate not verified: dialback decides)",
            );
            return Ok(io);
        };
        // The handshake accepted any certificate; judge it now.
        match ca.check(&io.peer_certificates(), &self.domain) {
            Ok(()) => {
                self.peer_verified = true;
                self.note(&format!(
                    "TLS established; {}'s certificate verifies (CA and name)",
                    self.domain
                ));
            }
            Err(why) => self.note(&format!(
                "TLS established; {}'s certificate does not verify ({why}): \
                 dialback decides",
                self.domain
            )),
        }
        Ok(io)
    }

    async fn write(&mut self, io: &mut Transport) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        let mut bytes = Vec::new();
        for piece in &out {
            if piece != " " {
                self.trace(TraceKind::Out, piece);
            }
            bytes.extend_from_slice(piece.as_bytes());
        }
        tokio::time::timeout(Duration::from_secs(30), io.write_all(&bytes))
            .await
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
    }

    fn trace(&self, kind: TraceKind, text: &str) {
        if let Some(trace) = &self.shared.config.trace {
            trace(&TraceEvent {
                conn: self.conn,
                peer: self
                    .peer
                    .unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
                stream: StreamKind::ServerOut,
                jid: Some(&self.domain),
                kind,
                text,
            });
        }
    }

    fn note(&self, text: &str) {
        self.trace(TraceKind::Note, text);
    }
}

/// Resolves `domain` and connects to the first candidate that answers.
async fn connect(
    shared: &Shared,
    domain: &str,
    conn: u64,
) -> Result<(TcpStream, SocketAddr), String> {
    let federation = shared.federation.as_ref().ok_or("no federation")?;
    let candidates = resolve::resolve(&federation.config, domain)
        .await
        .map_err(|err| err.to_string())?;
    let mut last = String::new();
    for candidate in candidates {
        if let Some(trace) = &shared.config.trace {
            trace(&TraceEvent {
                conn,
                peer: candidate.addr,
                stream: StreamKind::ServerOut,
                jid: Some(domain),
                kind: TraceKind::Note,
                text: &format!(
                    "{domain} is at {} ({})",
                    candidate.addr, candidate.how
                ),
            });
        }
        match TcpStream::connect(candidate.addr).await {
            Ok(stream) => {
                let _ = stream.set_nodelay(true);
                return Ok((stream, candidate.addr));
            }
            Err(err) => {
                last = format!("connecting to {}: {err}", candidate.addr)
            }
        }
    }
    Err(last)
}
