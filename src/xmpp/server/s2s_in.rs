//! One incoming server-to-server stream: another server's to us, for its
//! stanzas (RFC 6120 § 4, XEP-0220 "receiving" and "authoritative"
//! server).
//!
//! ```text
//! them (b.example)                                   us (a.example)
//! <stream:stream xmlns='jabber:server' xmlns:db=… to='a.example'>  ─►
//!                          ◄─ <stream:stream from='a.example' id='9f…'>
//!                          ◄─ <features> <starttls/> <dialback><errors/></dialback>
//! <starttls/> … TLS … restart                                       ─►
//! <db:result from='b.example' to='a.example'>KEY</db:result>        ─►
//!                    we ask b.example's authoritative server, on our
//!                    outgoing stream there (federation.rs):
//!                    <db:verify from='a.example' to='b.example' id='9f…'>KEY
//!                    … <db:verify type='valid'/>
//!                          ◄─ <db:result type='valid' from='a.example' to='b.example'/>
//! <message from='romeo@b.example' to='juliet@a.example'>            ─►  route.rs
//! ```
//!
//! On the same stream the peer may ask *us* to vouch for a key we made
//! (`db:verify` without `type`): we are then the authoritative server and
//! answer from our secret alone.
//!
//! With a certificate authority (`--s2s-ca`), TLS asks the peer for its
//! certificate too. If it verifies for the domain in the restarted
//! stream's `from`, the features offer SASL EXTERNAL ([RFC 6120 § 6.3.4],
//! XEP-0178 § 3) beside dialback, and
//! `<auth mechanism='EXTERNAL'>BASE64(domain)</auth>` (or `=`: "the
//! domain of my certificate") authenticates that domain at once:
//! `<success/>`, the peer restarts its stream, no call back.
//!
//! Every stanza is checked before it is routed: its `from` must be in a
//! domain this stream authenticated (else `invalid-from`: a server may
//! only speak for domains it proved), its `to` in ours (else
//! `host-unknown`). `from` is never re-stamped: the peer's server stamped
//! it, and dialback is why we believe it.
//!
//! What a hostile peer gets (`tests/xmpp_federation.rs` sends each):
//!
//! | it sends                                   | stream error / answer |
//! |--------------------------------------------|-----------------------|
//! | a stanza before any domain is proved       | `not-authorized` (RFC 6120 § 4.9.3.12) |
//! | `db:result`/`db:verify` without from or to | `improper-addressing` (§ 4.9.3.7) |
//! | `db:verify` request without id             | `bad-format` (§ 4.9.3.1) |
//! | another element in the dialback namespace  | `unsupported-stanza-type` |
//! | a claim to be our own domain               | `invalid-from` |
//! | a key over 1024 bytes                      | `type='invalid'`, `not-authorized`, nobody called |
//! | more than 10 claims waiting at once        | `policy-violation` |
//! | a `db:verify` answer or `db:result` verdict | dropped (XEP-0220 § 3.1): we ask elsewhere |
//!
//! Read before: `s2s_out.rs`. Read next: `peer.rs`.
//!
//! [RFC 6120 § 6.3.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-6.3.4

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::xmpp::dialback::{self, Dialback};
use crate::xmpp::framing::{Element, StreamEvent, StreamHeader, StreamParser};
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza;
use crate::xmpp::transport::ServerTransport as Transport;

use super::reply::Flow;
use super::route::{self, Destination};
use super::{Shared, StreamKind, TraceEvent, TraceKind, peer, random_id};

/// The most domains one stream may have waiting for dialback at once.
const MAX_PENDING: usize = 10;
/// The longest dialback key worth a call back: ours are 64 hex digits
/// (XEP-0185 § 2); this leaves room for any other HMAC's.
const MAX_KEY: usize = 1024;

/// The stream error for an element in the dialback namespace that does
/// not read as one of the four dialback elements.
fn malformed_dialback(element: &Element) -> Ending {
    let name = element.local_name();
    if !matches!(name, "result" | "verify") {
        return Ending::StreamError(
            "unsupported-stanza-type",
            format!("<{}> is not a dialback element", element.name),
        );
    }
    if element.attr("from").is_none() || element.attr("to").is_none() {
        // RFC 6120 § 4.9.3.7 improper-addressing: "lacks a 'to' or
        // 'from' attribute"; XEP-0220 § 2.1.1 requires both.
        return Ending::StreamError(
            "improper-addressing",
            format!("<db:{name}> needs from and to (XEP-0220 § 2.1.1)"),
        );
    }
    // A verify without its id: nothing to check the key against.
    Ending::StreamError(
        "bad-format",
        format!("<db:{name}> needs an id (XEP-0220 § 2.2.1)"),
    )
}

/// How the stream ends.
enum Ending {
    Closed,
    Gone,
    StreamError(&'static str, String),
}

struct In {
    shared: Arc<Shared>,
    peer: SocketAddr,
    conn: u64,
    parser: StreamParser,
    stream_id: Option<String>,
    header_sent: bool,
    secure: bool,
    starttls: bool,
    /// The certificates the peer presented in the TLS handshake.
    peer_certs: Vec<rustls_pki_types::CertificateDer<'static>>,
    /// The domain SASL EXTERNAL may authenticate on this stream: the
    /// header's `from`, when the certificate verifies for it.
    external: Option<String>,
    /// `<success/>` sent: the peer's next header restarts the stream.
    restarted: bool,
    /// The peer's domain as it named itself in its header.
    from: Option<String>,
    /// Domains this stream may send from (dialback succeeded).
    authenticated: HashSet<String>,
    /// Domains claimed with `db:result` whose verdict is awaited.
    pending: HashSet<String>,
    verdicts: mpsc::UnboundedSender<(String, bool)>,
    out: Vec<String>,
}

/// Serves one incoming server stream.
pub(super) async fn serve(
    stream: TcpStream,
    peer: SocketAddr,
    conn: u64,
    shared: Arc<Shared>,
    permit: Option<OwnedSemaphorePermit>,
    shutdown: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    let (verdicts, mut verdicts_rx) = mpsc::unbounded_channel();
    let mut this = In {
        parser: StreamParser::with_limits(shared.config.limits),
        shared,
        peer,
        conn,
        stream_id: None,
        header_sent: false,
        secure: false,
        starttls: false,
        peer_certs: Vec::new(),
        external: None,
        restarted: false,
        from: None,
        authenticated: HashSet::new(),
        pending: HashSet::new(),
        verdicts,
        out: Vec::new(),
    };
    this.note(&format!("server connection from {peer}"));
    let mut io = Transport::Plain(stream);
    let ending = if permit.is_none() {
        Ending::StreamError(
            "resource-constraint",
            "the server has too many connections".into(),
        )
    } else {
        this.run(&mut io, &mut verdicts_rx, &shutdown).await
    };
    this.finish(&mut io, ending).await;
    drop(permit);
}

impl In {
    async fn run(
        &mut self,
        io: &mut Transport,
        verdicts: &mut mpsc::UnboundedReceiver<(String, bool)>,
        shutdown: &CancellationToken,
    ) -> Ending {
        let mut buf = vec![0u8; 4096];
        let Some(federation) = self.shared.federation.as_ref() else {
            return Ending::StreamError(
                "internal-server-error",
                "federation is off".into(),
            );
        };
        let auth_deadline = Instant::now() + federation.config.auth_timeout;
        let idle = federation.config.idle_timeout;
        let mut last_read = Instant::now();
        loop {
            let authenticated = !self.authenticated.is_empty();
            let ending = tokio::select! {
                _ = shutdown.cancelled() => Some(Ending::StreamError(
                    "system-shutdown",
                    "the server is shutting down".into(),
                )),
                // A stream used only to ask us db:verify never
                // authenticates; one that says nothing for long is closed.
                _ = tokio::time::sleep_until(auth_deadline.max(last_read + idle)), if !authenticated => {
                    Some(Ending::StreamError(
                        "connection-timeout",
                        "no dialback in time".into(),
                    ))
                }
                _ = tokio::time::sleep_until(last_read + idle), if authenticated => {
                    Some(Ending::StreamError(
                        "connection-timeout",
                        "idle".into(),
                    ))
                }
                verdict = verdicts.recv() => match verdict {
                    Some((domain, valid)) => self.verdict(domain, valid),
                    None => None,
                },
                read = io.read(&mut buf) => match read {
                    Ok(0) | Err(_) => Some(Ending::Gone),
                    Ok(n) => {
                        last_read = Instant::now();
                        self.parser.feed(&buf[..n]);
                        self.drain()
                    }
                },
            };
            if self.write(io).await.is_err() {
                return Ending::Gone;
            }
            if self.starttls {
                self.starttls = false;
                let Some(acceptor) = self.acceptor() else {
                    return Ending::Gone;
                };
                let plain = io.take();
                *io = match tokio::time::timeout(
                    Duration::from_secs(10),
                    plain.accept_tls(&acceptor),
                )
                .await
                {
                    Ok(Ok(tls)) => tls,
                    _ => {
                        self.note("TLS handshake failed");
                        return Ending::Gone;
                    }
                };
                self.secure = true;
                self.peer_certs = io.peer_certificates();
                self.header_sent = false;
                self.parser =
                    StreamParser::with_limits(self.shared.config.limits);
                self.note("TLS established; the stream restarts");
            }
            if self.restarted {
                self.restarted = false;
                self.header_sent = false;
                self.parser =
                    StreamParser::with_limits(self.shared.config.limits);
            }
            if let Some(ending) = ending {
                return ending;
            }
        }
    }

    fn drain(&mut self) -> Option<Ending> {
        loop {
            let event = match self.parser.next_event() {
                Ok(Some(event)) => event,
                Ok(None) => return None,
                Err(err) => {
                    return Some(Ending::StreamError(
                        err.stream_error_condition(),
                        err.to_string(),
                    ));
                }
            };
            let ending = match event {
                StreamEvent::Open(header) => self.open(&header),
                StreamEvent::Close => Some(Ending::Closed),
                StreamEvent::Element(element) => {
                    // Written out only for a trace: the bulk of the traffic
                    // needs no second serialisation.
                    if self.shared.config.trace.is_some() {
                        self.trace(TraceKind::In, &element.to_xml());
                    }
                    self.element(element)
                }
            };
            if ending.is_some() || self.starttls || self.restarted {
                return ending;
            }
        }
    }

    /// The peer's header: ours back, with the features (RFC 6120 § 4.7,
    /// XEP-0220 § 2.1).
    fn open(&mut self, header: &StreamHeader) -> Option<Ending> {
        self.trace(TraceKind::In, &super::c2s::header_text(header));
        let ours = self.shared.config.domain.clone();
        let id = random_id();
        let version = header.version.as_deref() == Some("1.0");
        self.out.push(super::stream::server_header(
            &ours,
            header.from.as_deref(),
            Some(&id),
            version,
        ));
        self.header_sent = true;
        self.stream_id = Some(id);
        self.from = header.from.clone();
        if header.default_ns.as_deref() != Some(ns::SERVER) {
            return Some(Ending::StreamError(
                "invalid-namespace",
                "a server's stream is in jabber:server (RFC 6120 § 4.8.2)"
                    .into(),
            ));
        }
        if header.to.as_deref().is_some_and(|to| to != ours) {
            return Some(Ending::StreamError(
                "host-unknown",
                format!("this server serves '{ours}' only"),
            ));
        }
        self.external = self.certificate_names(header.from.as_deref());
        if version {
            let mut features =
                Element::new("stream:features", Some(ns::STREAMS));
            if !self.secure && self.acceptor().is_some() {
                features = features.with_child(
                    Element::new("starttls", Some(ns::TLS))
                        .with_attr("xmlns", ns::TLS),
                );
            }
            if self.external.is_some() {
                features = features.with_child(
                    Element::new("mechanisms", Some(ns::SASL))
                        .with_attr("xmlns", ns::SASL)
                        .with_child(
                            Element::new("mechanism", Some(ns::SASL))
                                .with_text("EXTERNAL"),
                        ),
                );
            }
            features = features.with_child(
                Element::new("dialback", Some(ns::DIALBACK_FEATURE))
                    .with_attr("xmlns", ns::DIALBACK_FEATURE)
                    .with_child(Element::new(
                        "errors",
                        Some(ns::DIALBACK_FEATURE),
                    )),
            );
            self.out.push(features.to_xml());
        }
        None
    }

    fn element(&mut self, element: Element) -> Option<Ending> {
        let element_ns = element.ns.clone().unwrap_or_default();
        if element_ns == ns::TLS && element.local_name() == "starttls" {
            if self.secure || self.shared.tls.is_none() {
                self.out.push(
                    Element::new("failure", Some(ns::TLS))
                        .with_attr("xmlns", ns::TLS)
                        .to_xml(),
                );
                return Some(Ending::Closed);
            }
            self.out.push(
                Element::new("proceed", Some(ns::TLS))
                    .with_attr("xmlns", ns::TLS)
                    .to_xml(),
            );
            self.starttls = true;
            return None;
        }
        if element_ns == ns::SASL && element.local_name() == "auth" {
            return self.external_auth(&element);
        }
        if element_ns == ns::DIALBACK {
            return self.dialback(&element);
        }
        if element_ns == ns::SERVER
            && matches!(element.local_name(), "message" | "presence" | "iq")
        {
            return self.stanza(element);
        }
        Some(Ending::StreamError(
            "unsupported-stanza-type",
            format!("<{}> is not expected here", element.name),
        ))
    }

    fn dialback(&mut self, element: &Element) -> Option<Ending> {
        let federation = self.shared.federation.as_ref()?;
        let ours = self.shared.config.domain.clone();
        let Some(parsed) = Dialback::parse(element) else {
            return Some(malformed_dialback(element));
        };
        match parsed {
            // The receiving role: they claim a domain; we ask it.
            Dialback::ResultRequest { from, to, key } => {
                if to != ours {
                    return Some(Ending::StreamError(
                        "host-unknown",
                        format!("this server serves '{ours}' only"),
                    ));
                }
                if from == ours
                    || Jid::parse(&from).map_or(true, |j| {
                        j.local().is_some() || j.resource().is_some()
                    })
                {
                    return Some(Ending::StreamError(
                        "invalid-from",
                        format!("'{from}' is not another server's domain"),
                    ));
                }
                if self.pending.contains(&from) {
                    // Asked already: the answer to the first request
                    // answers this one too.
                    self.note(&format!(
                        "{from} claims its name again while it is being \
                         verified: ignored"
                    ));
                    return None;
                }
                if self.pending.len() >= MAX_PENDING {
                    // Each claim makes us call a server back: a stream
                    // must not turn us into a connection cannon.
                    return Some(Ending::StreamError(
                        "policy-violation",
                        format!(
                            "more than {MAX_PENDING} domains waiting for \
                             dialback on one stream"
                        ),
                    ));
                }
                self.pending.insert(from.clone());
                if key.len() > MAX_KEY {
                    // No key we make is this long (XEP-0185 § 2: 64 hex
                    // digits); nobody else's can be worth a call back.
                    self.note(&format!(
                        "{from}'s dialback key is {} bytes long: invalid \
                         without asking",
                        key.len()
                    ));
                    return self.verdict(from, false);
                }
                let id = self.stream_id.clone().unwrap_or_default();
                self.note(&format!(
                    "{from} claims its name: asking {from} itself \
                     (db:verify, id {id})"
                ));
                let answer = federation.verify(&from, &ours, &id, &key);
                let verdicts = self.verdicts.clone();
                let wait = federation.config.auth_timeout;
                let stop = federation.stop.clone();
                let shared = std::sync::Arc::clone(&self.shared);
                federation.tasks.spawn(async move {
                    // At shutdown nobody waits for the verdict any more.
                    let valid = tokio::select! {
                        _ = stop.cancelled() => false,
                        answer = tokio::time::timeout(wait, answer) => {
                            matches!(answer, Ok(Ok(true)))
                        }
                    };
                    // No answer in time: the request is forgotten, so a
                    // late answer counts as unsolicited.
                    if let Some(federation) = &shared.federation {
                        federation.forget_verify(&from, &id);
                    }
                    let _ = verdicts.send((from, valid));
                });
                None
            }
            // The authoritative role: did we make this key?
            Dialback::VerifyRequest { from, to, id, key } => {
                let valid = to == ours
                    && dialback::key_matches(
                        &federation.secret,
                        &from,
                        &ours,
                        &id,
                        &key,
                    );
                self.out.push(
                    Dialback::VerifyAnswer {
                        from: ours,
                        to: from,
                        id,
                        valid,
                    }
                    .to_element()
                    .to_xml(),
                );
                None
            }
            // We ask on our *outgoing* stream to a domain, so its answer
            // comes back there (s2s_out.rs), never on a stream a peer
            // opened to us: whatever arrives here answers nothing we
            // asked. Dropped (XEP-0220 § 3.1) — and it must be: the
            // stream id is the one we gave this very peer, so taking it
            // would let anyone vouch for the domain it claims.
            Dialback::VerifyAnswer { from, id, .. } => {
                self.note(&format!(
                    "unsolicited db:verify answer for {from} (id {id}): \
                     dropped"
                ));
                None
            }
            // Verdicts go the other way; drop them (XEP-0220 § 3.1).
            Dialback::ResultAnswer { from, .. } => {
                self.note(&format!(
                    "unsolicited db:result verdict from {from}: dropped"
                ));
                None
            }
        }
    }

    /// The TLS configuration for STARTTLS on server streams: with a CA,
    /// the one that asks for the peer's certificate.
    fn acceptor(&self) -> Option<tokio_rustls::TlsAcceptor> {
        match self.ca() {
            Some(ca) => {
                Some(tokio_rustls::TlsAcceptor::from(Arc::clone(&ca.acceptor)))
            }
            None => self.shared.tls.clone(),
        }
    }

    fn ca(&self) -> Option<&crate::xmpp::s2s_tls::S2sTls> {
        self.shared.federation.as_ref()?.config.ca.as_deref()
    }

    /// `from`, if the peer's TLS certificate verifies for it (chain to
    /// the CA and subjectAltName; RFC 6120 § 13.7.1.4): the domain SASL
    /// EXTERNAL may then authenticate.
    fn certificate_names(&self, from: Option<&str>) -> Option<String> {
        let ca = self.ca()?;
        let from = from?;
        if self.peer_certs.is_empty() || self.authenticated.contains(from) {
            return None;
        }
        match ca.check(&self.peer_certs, from) {
            Ok(()) => {
                self.note(&format!(
                    "{from}'s certificate verifies (CA and name): offering \
                     SASL EXTERNAL"
                ));
                Some(from.to_owned())
            }
            Err(why) => {
                self.note(&format!(
                    "{from}'s certificate does not verify ({why}): dialback \
                     only"
                ));
                None
            }
        }
    }

    /// `<auth mechanism='EXTERNAL'>`: the certificate already proved the
    /// domain; the initial response names which (RFC 6120 § 6.4.2,
    /// XEP-0178 § 3).
    fn external_auth(&mut self, element: &Element) -> Option<Ending> {
        use base64::Engine;
        let failure = |condition: &str| {
            Element::new("failure", Some(ns::SASL))
                .with_attr("xmlns", ns::SASL)
                .with_child(Element::new(condition, Some(ns::SASL)))
                .to_xml()
        };
        let Some(domain) = self.external.clone() else {
            // Not offered: no verified certificate, or not over TLS.
            self.out.push(failure("invalid-mechanism"));
            return None;
        };
        if element.attr("mechanism") != Some("EXTERNAL") {
            self.out.push(failure("invalid-mechanism"));
            return None;
        }
        let text = element.text();
        let text = text.trim();
        // "=" is an empty response: "the identity of my certificate"
        // (RFC 6120 § 6.4.2). An empty element asks for a challenge
        // first; like Prosody we answer it `malformed-request`.
        let authzid = match text {
            "" => {
                self.out.push(failure("malformed-request"));
                return None;
            }
            "=" => domain.clone(),
            encoded => {
                match base64::engine::general_purpose::STANDARD.decode(encoded)
                {
                    Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                    Err(_) => {
                        self.out.push(failure("incorrect-encoding"));
                        return None;
                    }
                }
            }
        };
        if authzid != domain {
            // RFC 6120 § 6.5.6: the certificate does not cover that name.
            self.out.push(failure("invalid-authzid"));
            return None;
        }
        self.out.push(
            Element::new("success", Some(ns::SASL))
                .with_attr("xmlns", ns::SASL)
                .to_xml(),
        );
        self.note(&format!(
            "authenticated by certificate (SASL EXTERNAL): {domain} may send \
             to us on this stream, no dialback"
        ));
        self.authenticated.insert(domain);
        self.external = None;
        // RFC 6120 § 6.4.6: both sides start a new stream.
        self.restarted = true;
        None
    }

    /// The verdict on a domain this stream claimed.
    fn verdict(&mut self, domain: String, valid: bool) -> Option<Ending> {
        self.pending.remove(&domain);
        let ours = self.shared.config.domain.clone();
        self.out.push(
            Dialback::ResultAnswer {
                from: ours,
                to: domain.clone(),
                valid,
            }
            .to_element()
            .to_xml(),
        );
        if valid {
            self.note(&format!(
                "authenticated: {domain} may send to us on this stream"
            ));
            self.authenticated.insert(domain);
            None
        } else {
            // XEP-0220 § 2.4: an invalid key ends the stream.
            Some(Ending::StreamError(
                "not-authorized",
                format!("dialback for {domain} failed"),
            ))
        }
    }

    /// A stanza from the peer, checked and routed.
    fn stanza(&mut self, mut element: Element) -> Option<Ending> {
        let from = element.attr("from").and_then(|f| Jid::parse(f).ok());
        let to = element.attr("to").and_then(|t| Jid::parse(t).ok());
        let (Some(from), Some(to)) = (from, to) else {
            return Some(Ending::StreamError(
                "improper-addressing",
                "a server's stanza needs a valid from and to".into(),
            ));
        };
        if self.authenticated.is_empty() {
            // RFC 6120 § 4.9.3.12: "The entity has attempted to send XML
            // stanzas … before the stream has been authenticated"; and
            // "the receiving entity MUST NOT process the offending data".
            return Some(Ending::StreamError(
                "not-authorized",
                "a stanza before this stream was authenticated".into(),
            ));
        }
        if !self.authenticated.contains(from.domain()) {
            return Some(Ending::StreamError(
                "invalid-from",
                format!(
                    "this stream has not proved it speaks for {}",
                    from.domain()
                ),
            ));
        }
        if !matches!(
            route::decide(&self.shared, &to),
            Destination::Account { .. } | Destination::Server
        ) {
            return Some(Ending::StreamError(
                "host-unknown",
                format!("{} is not served here", to.domain()),
            ));
        }
        element.renamespace(ns::CLIENT);
        let (flow, replies) = peer::handle(&self.shared, &to, element);
        // Answers travel on our own stream to them, not on this one.
        for reply in replies.into_elements() {
            if let Some(to) = reply.attr("to").and_then(|t| Jid::parse(t).ok())
            {
                let _ = route::forward(
                    &self.shared,
                    route::decide(&self.shared, &to),
                    &reply,
                );
            }
        }
        match flow {
            Flow::Continue => None,
            Flow::StreamError(condition, text) => {
                Some(Ending::StreamError(condition, text))
            }
        }
    }

    async fn write(&mut self, io: &mut Transport) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        let mut bytes = Vec::new();
        for piece in &out {
            self.trace(TraceKind::Out, piece);
            bytes.extend_from_slice(piece.as_bytes());
        }
        tokio::time::timeout(Duration::from_secs(30), io.write_all(&bytes))
            .await
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))?
    }

    async fn finish(&mut self, io: &mut Transport, ending: Ending) {
        if matches!(ending, Ending::Gone) {
            self.note("server connection closed");
            return;
        }
        if let Ending::StreamError(condition, text) = &ending {
            if !self.header_sent {
                let ours = self.shared.config.domain.clone();
                self.out.push(super::stream::server_header(
                    &ours,
                    None,
                    Some(&random_id()),
                    true,
                ));
            }
            self.out
                .push(stanza::stream_error(condition, Some(text)).to_xml());
            self.note(&format!("stream error {condition}"));
        }
        self.out.push("</stream:stream>".into());
        let _ =
            tokio::time::timeout(Duration::from_secs(5), self.write(io)).await;
        io.shutdown().await;
    }

    fn trace(&self, kind: TraceKind, text: &str) {
        if let Some(trace) = &self.shared.config.trace {
            let peer = self.authenticated.iter().next().or(self.from.as_ref());
            trace(&TraceEvent {
                conn: self.conn,
                peer: self.peer,
                stream: StreamKind::ServerIn,
                jid: peer.map(String::as_str),
                kind,
                text,
            });
        }
    }

    fn note(&self, text: &str) {
        self.trace(TraceKind::Note, text);
    }
}
