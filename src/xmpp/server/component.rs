//! One external component's connection (XEP-0114): the handshake, then
//! its stanzas, checked and routed like a client's.
//!
//! ```text
//! component                                    server
//! <stream:stream xmlns='jabber:component:accept'
//!                to='gw.localhost'>        ─►  is gw.localhost configured?
//!                                          ◄─  <stream:stream from='gw.localhost' id='…'>
//! <handshake>hex(SHA-1(id + secret))</handshake>
//!                                          ─►  constant-time compare
//!                                          ◄─  <handshake/>
//! <message from='mallory@gw.localhost'
//!          to='alice@localhost'>…          ─►  `from` in gw.localhost? → route.rs
//!                                          ◄─  stanzas for *@gw.localhost, untouched
//! ```
//!
//! What a component may not do is what a client may not do either: speak
//! for someone else. A client's `from` is stamped by the server; a
//! component writes its own `from` (it has many users), so the server
//! checks it instead: it must be in the component's domain, or the stream
//! ends with `invalid-from` ([RFC 6120 § 4.9.3.9]). Nothing is routed
//! before the handshake.
//!
//! The errors are those Prosody sends, so components written for Prosody
//! see the same behaviour here: no `to` → `improper-addressing`; a name we
//! do not host → `host-unknown`; a wrong handshake → `not-authorized`; a
//! second connection for a name already connected → `conflict`.
//!
//! Inside the server every stanza is in `jabber:client`: a component's are
//! moved into it as they arrive, and moved into `jabber:component:accept`
//! as they leave for it (`route.rs`).
//!
//! Read before: `../component.rs` (the handshake), `c2s.rs` (a client's
//! stream). Read next: `route.rs`.
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html
//! [RFC 6120 § 4.9.3.9]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3.9

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::xmpp::component::handshake_matches;
use crate::xmpp::framing::{Element, StreamEvent, StreamHeader, StreamParser};
use crate::xmpp::jid::Jid;
use crate::xmpp::ns;
use crate::xmpp::stanza;

use super::peer;
use super::reply::Flow;
use super::router::{Mailbox, MailboxReceiver, Outbound};
use super::stream;
use super::{Shared, StreamKind, TraceEvent, TraceKind, random_id};

/// How long one write to a component may take before it is dropped as not
/// reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection ends: the component closed, the TCP connection is
/// gone, or we close it with a stream error.
enum Ending {
    Closed,
    Gone,
    StreamError(&'static str, String),
}

struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    conn: u64,
    parser: StreamParser,
    /// Our stream id, once our header is sent.
    stream_id: Option<String>,
    /// The domain the component asked for in its header.
    asked: Option<String>,
    /// The domain it serves, once the handshake succeeded.
    name: Option<String>,
    mailbox: Mailbox,
    out: Vec<Arc<str>>,
}

/// Serves one component until its stream ends.
pub(super) async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    conn: u64,
    shared: Arc<Shared>,
    permit: Option<OwnedSemaphorePermit>,
    shutdown: CancellationToken,
) {
    let _ = stream.set_nodelay(true);
    let (mailbox, mut inbox) = Mailbox::new();
    let mut connection = Connection {
        parser: StreamParser::with_limits(shared.config.limits),
        shared,
        peer,
        conn,
        stream_id: None,
        asked: None,
        name: None,
        mailbox,
        out: Vec::new(),
    };
    connection.note(&format!("component connection from {peer}"));
    let ending = if permit.is_none() {
        Ending::StreamError(
            "resource-constraint",
            "the server has too many connections".into(),
        )
    } else {
        connection.run(&mut stream, &mut inbox, &shutdown).await
    };
    connection.finish(&mut stream, ending).await;
    drop(permit);
}

impl Connection {
    async fn run(
        &mut self,
        io: &mut TcpStream,
        inbox: &mut MailboxReceiver,
        shutdown: &CancellationToken,
    ) -> Ending {
        let mut buf = vec![0u8; 4096];
        let deadline = Instant::now() + self.shared.config.auth_timeout;
        loop {
            let authenticated = self.name.is_some();
            let ending = tokio::select! {
                _ = shutdown.cancelled() => Some(Ending::StreamError(
                    "system-shutdown",
                    "the server is shutting down".into(),
                )),
                _ = tokio::time::sleep_until(deadline), if !authenticated => {
                    Some(Ending::StreamError(
                        "connection-timeout",
                        "no handshake in time".into(),
                    ))
                }
                item = inbox.recv() => match item {
                    Some(Outbound::Xml(xml)) => {
                        self.out.push(xml);
                        None
                    }
                    Some(Outbound::Kick(condition)) => Some(
                        Ending::StreamError(condition, "replaced".into()),
                    ),
                    None => Some(Ending::Gone),
                },
                read = io.read(&mut buf) => match read {
                    Ok(0) | Err(_) => Some(Ending::Gone),
                    Ok(n) => {
                        self.parser.feed(&buf[..n]);
                        self.drain_events()
                    }
                },
            };
            let written =
                tokio::time::timeout(WRITE_TIMEOUT, self.flush(io)).await;
            if !matches!(written, Ok(Ok(()))) {
                return Ending::Gone;
            }
            if let Some(ending) = ending {
                return ending;
            }
        }
    }

    /// Handles every complete event the parser has; `Some` ends the
    /// stream.
    fn drain_events(&mut self) -> Option<Ending> {
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
                    match &self.name {
                        None => self.handshake(&element),
                        Some(name) => {
                            let name = name.clone();
                            self.stanza(&name, element)
                        }
                    }
                }
            };
            if ending.is_some() {
                return ending;
            }
        }
    }

    /// The component's stream header (XEP-0114 § 3, Example 1): no XML
    /// declaration or `version` needed, `to` = the domain it wants.
    fn open(&mut self, header: &StreamHeader) -> Option<Ending> {
        self.trace(TraceKind::In, &super::c2s::header_text(header));
        let id = random_id();
        let from = header.to.clone().unwrap_or_default();
        self.out.push(stream::component_header(&from, &id).into());
        self.stream_id = Some(id);
        if header.default_ns.as_deref() != Some(ns::COMPONENT_ACCEPT) {
            return Some(Ending::StreamError(
                "invalid-namespace",
                "a component's stream is in jabber:component:accept \
                 (XEP-0114 § 3)"
                    .into(),
            ));
        }
        let Some(to) = &header.to else {
            return Some(Ending::StreamError(
                "improper-addressing",
                "say which component you are: to='gw.example' \
                 (XEP-0114 § 3)"
                    .into(),
            ));
        };
        if !self.shared.config.components.iter().any(|c| &c.name == to) {
            return Some(Ending::StreamError(
                "host-unknown",
                format!("this server hosts no component '{to}'"),
            ));
        }
        self.asked = Some(to.clone());
        None
    }

    /// `<handshake>` (XEP-0114 § 3): the only element allowed before it
    /// succeeds.
    fn handshake(&mut self, element: &Element) -> Option<Ending> {
        let (Some(asked), Some(id)) = (&self.asked, &self.stream_id) else {
            return Some(Ending::StreamError(
                "not-authorized",
                "stream header first".into(),
            ));
        };
        if element.local_name() != "handshake"
            || element.ns.as_deref() != Some(ns::COMPONENT_ACCEPT)
        {
            return Some(Ending::StreamError(
                "not-authorized",
                "nothing is routed before the handshake (XEP-0114 § 3)".into(),
            ));
        }
        let secret = self
            .shared
            .config
            .components
            .iter()
            .find(|c| &c.name == asked)
            .map(|c| c.secret.as_str())
            .unwrap_or_default();
        if !handshake_matches(id, secret, &element.text()) {
            self.note(&format!("handshake for {asked} failed"));
            return Some(Ending::StreamError(
                "not-authorized",
                "the handshake does not match the secret".into(),
            ));
        }
        let asked = asked.clone();
        if !self.shared.router.attach_component(
            &asked,
            self.conn,
            self.mailbox.clone(),
        ) {
            return Some(Ending::StreamError(
                "conflict",
                format!("component {asked} is already connected"),
            ));
        }
        self.out.push("<handshake/>".into());
        self.note(&format!("component {asked} authenticated"));
        self.name = Some(asked);
        None
    }

    /// A stanza from the authenticated component.
    fn stanza(&mut self, name: &str, mut element: Element) -> Option<Ending> {
        if !matches!(element.local_name(), "message" | "presence" | "iq")
            || element.ns.as_deref() != Some(ns::COMPONENT_ACCEPT)
        {
            return Some(Ending::StreamError(
                "unsupported-stanza-type",
                format!("<{}> is not a stanza", element.name),
            ));
        }
        // The component writes `from` itself: it must be in its domain
        // (RFC 6120 § 4.9.3.9 invalid-from).
        let from = element.attr("from").map(Jid::parse);
        let to = element.attr("to").map(Jid::parse);
        let (Some(Ok(from)), Some(Ok(to))) = (from, to) else {
            return Some(Ending::StreamError(
                "improper-addressing",
                "a component's stanza needs a valid from and to".into(),
            ));
        };
        if from.domain() != name {
            return Some(Ending::StreamError(
                "invalid-from",
                format!("'{from}' is not in this component's domain {name}"),
            ));
        }
        // Inside the server every stanza is jabber:client.
        element.renamespace(ns::CLIENT);
        let (flow, replies) = peer::handle(&self.shared, &to, element);
        // Replies leave for the component in its own namespace.
        for reply in replies.into_elements() {
            self.out.push(reply.to_xml_in(ns::COMPONENT_ACCEPT).into());
        }
        match flow {
            Flow::Continue => None,
            Flow::StreamError(condition, text) => {
                Some(Ending::StreamError(condition, text))
            }
        }
    }

    /// Writes what is queued.
    async fn flush(&mut self, io: &mut TcpStream) -> std::io::Result<()> {
        if self.out.is_empty() {
            return Ok(());
        }
        let out = std::mem::take(&mut self.out);
        let mut bytes = Vec::with_capacity(out.iter().map(|p| p.len()).sum());
        for piece in &out {
            self.trace(TraceKind::Out, piece);
            bytes.extend_from_slice(piece.as_bytes());
        }
        io.write_all(&bytes).await
    }

    /// Ends the stream: the stream error, if any, and the closing tag; the
    /// component leaves the router.
    async fn finish(&mut self, io: &mut TcpStream, ending: Ending) {
        if let Some(name) = &self.name {
            self.shared.router.detach_component(name, self.conn);
        }
        if matches!(ending, Ending::Gone) {
            self.note("component connection closed");
            return;
        }
        if let Ending::StreamError(condition, text) = &ending {
            if self.stream_id.is_none() {
                // RFC 6120 § 4.9.1.2: our header first, even for an error.
                self.out
                    .push(stream::component_header("", &random_id()).into());
            }
            self.out.push(
                stanza::stream_error(condition, Some(text)).to_xml().into(),
            );
            self.note(&format!("stream error {condition}"));
        }
        self.out.push("</stream:stream>".into());
        let _ =
            tokio::time::timeout(Duration::from_secs(5), self.flush(io)).await;
        let _ = io.shutdown().await;
    }

    fn trace(&self, kind: TraceKind, text: &str) {
        if let Some(trace) = &self.shared.config.trace {
            trace(&TraceEvent {
                conn: self.conn,
                peer: self.peer,
                stream: StreamKind::Component,
                jid: self.name.as_deref().or(self.asked.as_deref()),
                kind,
                text,
            });
        }
    }

    fn note(&self, text: &str) {
        self.trace(TraceKind::Note, text);
    }
}
