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
//!
//! With stream management ([XEP-0198]) the client may also `<enable/>`
//! acknowledgements after binding, or `<resume/>` a session whose
//! connection broke instead of binding a new one; a connection lost
//! without a closing tag then leaves its session *detached*, waiting for
//! that resume (`sm.rs` counts, `resume.rs` keeps and hands over).
//!
//! [XEP-0198]: https://xmpp.org/extensions/xep-0198.html

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
use super::resume::{self, Detached, Parked, Slot};
use super::router::{Mailbox, MailboxReceiver, Outbound};
use super::session::Session;
use super::shares;
use super::stream::{self, Stage};
use super::{
    Shared, StreamKind, TlsMode, TraceEvent, TraceKind, message, presence,
    random_id,
};
use crate::xmpp::sm::{self, CountTooHigh, StreamManagement};
use crate::xmpp::transport::ServerTransport as Transport;

/// Failed logins allowed on one connection before it is closed; each
/// failure is also answered more slowly than the one before, so guessing
/// passwords costs time (RFC 6120 § 13.9.4 asks servers to limit this).
const MAX_AUTH_FAILURES: u32 = 3;

/// How long one write to a client may take before the client is dropped
/// as not reading.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a resuming connection waits for the old one to hand its
/// session over: the old task answers at once unless it is finishing a
/// write to its dead socket, which shutdown-style wake-ups interrupt.
const HANDOVER_TIMEOUT: Duration = Duration::from_secs(10);

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
    /// The client acknowledged more than we sent: `undefined-condition`
    /// with XEP-0198's own condition inside (§ 4).
    CountTooHigh(CountTooHigh),
    /// The client resumed this session on a new connection (XEP-0198
    /// § 5): this one is replaced (`conflict`, RFC 6120 § 4.9.3.3).
    Replaced,
}

/// What handling one event asks the loop to do next.
enum Next {
    Continue,
    StartTls,
    /// `<resume previd='' h=''/>`: take a detached session over.
    Resume {
        previd: String,
        h: u32,
    },
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
    /// Stream management, once enabled (XEP-0198 § 3).
    sm: Option<StreamManagement>,
    /// This session's place among the resumable ones, if resumable.
    slot: Option<Arc<Slot>>,
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
        sm: None,
        slot: None,
    };
    connection.note(&format!("connected from {peer}"));
    let io = Transport::Plain(stream);
    // Counted for its address while it lives (shares.rs).
    let address_slot = shares::PerAddress::enter(
        &connection.shared.per_address,
        peer.ip().to_canonical(),
        connection.shared.config.max_per_address,
    );
    let (io, ending) = if permit.is_none() {
        let ending = Ending::StreamError(
            "resource-constraint",
            Some("the server has too many connections".into()),
        );
        (Some(io), ending)
    } else if address_slot.is_none() {
        let ending = Ending::StreamError(
            "policy-violation",
            Some(format!(
                "too many connections from {}: at most {} at once",
                peer.ip(),
                connection.shared.config.max_per_address
            )),
        );
        (Some(io), ending)
    } else {
        connection.run(io, &mut inbox, &shutdown).await
    };
    // A detached session keeps its connection slot while it waits: it
    // holds memory (its queue) as a connection does.
    connection.finish(io, &mut inbox, ending, &shutdown).await;
    drop(permit);
    drop(address_slot);
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
        let mut budget =
            self.shared.config.read_rate.map(|rate| {
                shares::ReadBudget::new(rate, Instant::now().into())
            });
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
                () = claimed(self.slot.clone()) => Next::End(Ending::Replaced),
                read = io.read(&mut buf) => match read {
                    Ok(0) | Err(_) => Next::End(Ending::Gone),
                    Ok(n) => {
                        // Past its share, the connection is not read for
                        // a while: TCP slows the sender, nothing is lost.
                        if let Some(wait) = budget
                            .as_mut()
                            .and_then(|b| b.spend(n, Instant::now().into()))
                        {
                            self.throttle = Some(
                                self.throttle.map_or(wait, |t| t.max(wait)),
                            );
                        }
                        self.parser.feed(&buf[..n]);
                        self.drain_events()
                    }
                },
            };
            if let Some(delay) = self.throttle.take() {
                tokio::time::sleep(delay).await;
            }
            let next = match next {
                Next::Resume { previd, h } => {
                    self.resume(&previd, h, inbox).await
                }
                next => next,
            };
            // Stanzas are waiting to be acknowledged and no request is
            // out: ask (XEP-0198 § 4). One request per round trip at
            // most, so the queue holds what one round trip carries.
            if let Some(sm) = &mut self.sm
                && sm.should_request()
            {
                self.send(&sm::request());
            }
            // A client that stops reading fills its socket buffer and would
            // block this write forever (and with it, shutdown): give up
            // on it after WRITE_TIMEOUT.
            let stopping = shutdown.is_cancelled();
            let slot = self.slot.clone();
            let flushed = tokio::select! {
                written = tokio::time::timeout(WRITE_TIMEOUT, self.flush(&mut io)) => {
                    matches!(written, Ok(Ok(())))
                }
                // Shutdown interrupts a stuck write, not the one that
                // carries the last stanzas before <system-shutdown/>.
                _ = shutdown.cancelled(), if !stopping => false,
                // So does a resume elsewhere: this socket may be dead
                // without knowing it.
                () = claimed(slot) => false,
            };
            if !flushed {
                let replaced =
                    self.slot.as_ref().is_some_and(|s| s.is_claimed());
                let ending = if replaced {
                    Ending::Replaced
                } else {
                    Ending::Gone
                };
                return (Some(io), ending);
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
                Next::Continue | Next::Resume { .. } => {}
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
                Outbound::Xml(xml) => {
                    if let Err(ending) = self.push_stanza(xml) {
                        return Next::End(ending);
                    }
                }
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
                loopback: self.peer.ip().to_canonical().is_loopback(),
            },
        };
        let features = stream::features(self.shared.config.tls, stage);
        self.send(&features);
        Next::Continue
    }

    /// One top-level element.
    fn element(&mut self, element: Element) -> Next {
        let element_ns = element.ns.clone().unwrap_or_default();
        if element_ns == ns::SM && self.user.is_some() {
            return self.stream_management(&element);
        }
        if let Some(session) = &mut self.session {
            let is_stanza = sm::counts(&element);
            let mut replies = Replies::default();
            let flow = dispatch::from_client(
                session,
                &self.shared,
                &mut replies,
                element,
            );
            // XEP-0198 § 4: h counts every stanza handled, whatever the
            // handling was (an error reply is handling too).
            if let Some(sm) = &mut self.sm
                && is_stanza
            {
                sm.handled();
            }
            for xml in replies.into_xml() {
                if let Err(ending) = self.push_stanza(xml) {
                    return Next::End(ending);
                }
            }
            return match flow {
                Flow::Continue => Next::Continue,
                Flow::StreamError(condition, text) => {
                    Next::End(Ending::StreamError(condition, Some(text)))
                }
            };
        }
        let is_stanza = sm::counts(&element);
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

    /// A stanza for the client: queued for writing and, with stream
    /// management, kept until the client acknowledges it. A client that
    /// lets too many pile up unacknowledged is cut off.
    fn push_stanza(&mut self, xml: Arc<str>) -> Result<(), Ending> {
        if let Some(sm) = &mut self.sm
            && let Err(full) = sm.sent(Arc::clone(&xml))
        {
            return Err(Ending::StreamError(
                "policy-violation",
                Some(full.to_string()),
            ));
        }
        self.out.push(xml);
        Ok(())
    }

    /// An element of stream management (XEP-0198), once authenticated.
    fn stream_management(&mut self, element: &Element) -> Next {
        let bound = self.session.is_some();
        match (element.local_name(), &mut self.sm) {
            // § 3: once, and only after binding ("the server SHALL
            // enforce this order and return a <failed/> element").
            ("enable", None) if bound => self.enable(element),
            ("enable", _) => {
                self.send(&sm::failed("unexpected-request", None));
                Next::Continue
            }
            // § 4: "When an <r/> element is received, the recipient MUST
            // acknowledge it by sending an <a/> element".
            ("r", Some(sm)) => {
                let answer = sm::answer(sm.inbound());
                self.send(&answer);
                Next::Continue
            }
            ("a", Some(sm)) => match sm::parse_h(element).map(|h| sm.ack(h)) {
                Some(Ok(_)) => Next::Continue,
                Some(Err(too_high)) => {
                    Next::End(Ending::CountTooHigh(too_high))
                }
                None => stream_error(
                    "invalid-xml",
                    "h must be a number from 0 to 4294967295 (XEP-0198 § 4)",
                ),
            },
            // § 5: instead of binding, never after.
            ("resume", _) if !bound => {
                match (element.attr("previd"), sm::parse_h(element)) {
                    (Some(previd), Some(h)) => Next::Resume {
                        previd: previd.to_owned(),
                        h,
                    },
                    _ => {
                        self.send(&sm::failed("bad-request", None));
                        Next::Continue
                    }
                }
            }
            ("resume", _) => {
                self.send(&sm::failed("unexpected-request", None));
                Next::Continue
            }
            _ => stream_error(
                "unsupported-stanza-type",
                &format!(
                    "<{}/> needs stream management enabled first (XEP-0198 § 3)",
                    element.local_name()
                ),
            ),
        }
    }

    /// `<enable/>` (XEP-0198 § 3): counts start, and with `resume='true'`
    /// (and a server that resumes) the session gets an id to resume by.
    fn enable(&mut self, element: &Element) -> Next {
        let asked = matches!(element.attr("resume"), Some("true" | "1"));
        let window = self.resume_window(element);
        let user = self.user.clone().unwrap_or_default();
        let mut enabled =
            Element::new("enabled", Some(ns::SM)).with_attr("xmlns", ns::SM);
        let id = (asked && !window.is_zero()).then(|| {
            // Two random ids: 128 bits, not guessable (§ 9 asks for
            // "sufficient entropy"); claims also check the account.
            format!("{}{}", random_id(), random_id())
        });
        if let Some(id) = &id {
            enabled = enabled
                .with_attr("id", id.clone())
                .with_attr("resume", "true")
                .with_attr("max", window.as_secs().to_string());
            self.slot = Some(self.shared.resumable.register(id, &user));
        }
        self.send(&enabled);
        self.note(&match &id {
            Some(_) => format!(
                "stream management on: stanzas acknowledged, resumable for {}",
                crate::units::duration(window)
            ),
            None => "stream management on: stanzas acknowledged".to_owned(),
        });
        self.sm = Some(StreamManagement::new(id));
        Next::Continue
    }

    /// How long this session may wait for a resume: the server's window,
    /// shorter if the client asked for less (§ 3, `max`).
    fn resume_window(&self, element: &Element) -> Duration {
        let ours = self.shared.config.resume_window;
        match element.attr("max").and_then(|m| m.parse::<u64>().ok()) {
            Some(max) if max > 0 => ours.min(Duration::from_secs(max)),
            _ => ours,
        }
    }

    /// `<resume previd='' h=''/>` (XEP-0198 § 5): the session `previd`
    /// moves to this connection, with everything it had; the stanzas the
    /// client had not acknowledged are sent again, in order.
    async fn resume(
        &mut self,
        previd: &str,
        h: u32,
        inbox: &mut MailboxReceiver,
    ) -> Next {
        let user = self.user.clone().unwrap_or_default();
        let parked = match self.shared.resumable.claim(previd, &user) {
            Some(rx) => tokio::time::timeout(HANDOVER_TIMEOUT, rx)
                .await
                .ok()
                .and_then(Result::ok),
            None => None,
        };
        let Some(parked) = parked else {
            // § 5: "If the server does not support session resumption or
            // the session is unknown or expired, it MUST return a
            // <failed/> element … <item-not-found/>". The client binds
            // a new session then.
            self.send(&sm::failed("item-not-found", None));
            self.note(&format!("cannot resume {previd}: unknown or expired"));
            return Next::Continue;
        };
        let Parked {
            session,
            mut sm,
            mailbox,
            inbox: old_inbox,
            pending,
        } = *parked;
        // The router still delivers to the old mailbox: it is ours now.
        self.mailbox = mailbox;
        *inbox = old_inbox;
        self.jid = Some(session.jid_text.clone());
        self.session = Some(session);
        self.slot = Some(self.shared.resumable.register(previd, &user));
        let acked = sm.ack(h);
        let resent: Vec<Arc<str>> = sm.unacked().cloned().collect();
        let resumed = Element::new("resumed", Some(ns::SM))
            .with_attr("xmlns", ns::SM)
            .with_attr("previd", previd)
            .with_attr("h", sm.inbound().to_string());
        self.sm = Some(sm);
        if let Err(too_high) = acked {
            return Next::End(Ending::CountTooHigh(too_high));
        }
        self.send(&resumed);
        self.note(&format!(
            "session resumed: {} stanzas sent again, {} that waited",
            resent.len(),
            pending.len()
        ));
        // Still unacknowledged: they stay in the queue, sent again as
        // they are.
        self.out.extend(resent);
        for xml in pending {
            if let Err(ending) = self.push_stanza(xml) {
                return Next::End(ending);
            }
        }
        Next::Continue
    }

    /// Gives the session to the connection that resumed it. `Err` (with
    /// the stanzas that waited) if that connection gave up waiting: the
    /// session is then still ours, to end.
    fn hand_over(
        &mut self,
        handover: tokio::sync::oneshot::Sender<Box<Parked>>,
        inbox: &mut MailboxReceiver,
        pending: Vec<Arc<str>>,
    ) -> Result<(), Vec<Arc<str>>> {
        let (Some(session), Some(sm)) = (self.session.take(), self.sm.take())
        else {
            return Err(pending);
        };
        let (spare, spare_inbox) = Mailbox::new();
        let parked = Box::new(Parked {
            session,
            sm,
            mailbox: std::mem::replace(&mut self.mailbox, spare),
            inbox: std::mem::replace(inbox, spare_inbox),
            pending,
        });
        match handover.send(parked) {
            Ok(()) => {
                self.note(
                    "session handed over to the connection that resumed it",
                );
                Ok(())
            }
            Err(parked) => {
                let parked = *parked;
                self.session = Some(parked.session);
                self.sm = Some(parked.sm);
                self.mailbox = parked.mailbox;
                *inbox = parked.inbox;
                Err(parked.pending)
            }
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
        let offered = stream::mechanisms(
            mode,
            self.secure,
            self.peer.ip().to_canonical().is_loopback(),
        );
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
    /// any) and our closing tag; then the session leaves the router —
    /// unless it is resumable and the connection broke, or was replaced by
    /// a resume: then it waits, detached, or moves to the new connection.
    async fn finish(
        &mut self,
        mut io: Option<Transport>,
        inbox: &mut MailboxReceiver,
        mut ending: Ending,
        shutdown: &CancellationToken,
    ) {
        // Stanzas that came while detached and were never sent.
        let mut waited = Vec::new();
        if let (Some(slot), Some(id)) = (
            self.slot.take(),
            self.sm.as_ref().and_then(|sm| sm.id.clone()),
        ) {
            let handover = match ending {
                // XEP-0198 § 7: a stream that ends without a closing tag
                // is "unfinished": its session is kept for a while.
                Ending::Gone => {
                    drop(io.take());
                    self.out.clear();
                    let window = self.shared.config.resume_window;
                    self.note(&format!(
                        "connection lost: the session waits {} to be resumed",
                        crate::units::duration(window)
                    ));
                    let unacked = self
                        .sm
                        .as_ref()
                        .map_or(0, StreamManagement::unacked_bytes);
                    let (outcome, pending) = resume::wait(
                        &self.shared.resumable,
                        &id,
                        &slot,
                        window,
                        inbox,
                        unacked,
                        shutdown,
                    )
                    .await;
                    waited = pending;
                    match outcome {
                        Detached::Claimed(handover) => Some(handover),
                        Detached::Ended => {
                            self.note("not resumed in time: the session ends");
                            None
                        }
                    }
                }
                _ => self.shared.resumable.release(&id, &slot),
            };
            // A clean end (a closing tag, a stream error) is final: a
            // claim that raced with it finds nothing (its channel drops).
            if let Some(handover) = handover
                && matches!(ending, Ending::Gone | Ending::Replaced)
            {
                match self.hand_over(
                    handover,
                    inbox,
                    std::mem::take(&mut waited),
                ) {
                    Ok(()) => {
                        self.out.clear();
                        if matches!(ending, Ending::Replaced) {
                            ending = Ending::StreamError(
                                "conflict",
                                Some("the session was resumed on another connection".into()),
                            );
                        }
                    }
                    Err(pending) => waited = pending,
                }
            }
        }
        if matches!(ending, Ending::Replaced) {
            ending = Ending::StreamError(
                "conflict",
                Some("the session was resumed on another connection".into()),
            );
        }
        let user = self.session.as_ref().map(|s| s.user.clone());
        if let Some(mut session) = self.session.take() {
            let resource = session.jid.resource().unwrap_or_default();
            // The router's entry carries the number of the connection that
            // bound it, which a resumed session keeps.
            let ours = self.shared.router.unbind(
                &session.user,
                resource,
                session.conn,
            );
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
        let mut rest = Vec::new();
        while let Some(item) = inbox.try_recv() {
            if let Outbound::Xml(xml) = item {
                rest.push(xml);
            }
        }
        // With stream management, what the client did not acknowledge
        // may not have reached it: all of it goes where undelivered
        // stanzas go (XEP-0198 § 5: "in the same way that it would treat
        // a stanza sent to an unavailable resource"), oldest first, and
        // none of it is written now.
        if let Some(mut sm) = self.sm.take() {
            self.out.clear();
            if let Some(user) = &user {
                let unacked = sm.take_unacked();
                for xml in unacked.iter().chain(&waited).chain(&rest) {
                    message::reroute(&self.shared, user, xml);
                }
            }
        } else {
            self.out.extend(rest);
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
            Ending::Gone | Ending::Replaced => {}
            Ending::ClientClosed => {}
            Ending::CountTooHigh(too_high) => {
                let error = stanza::stream_error(
                    "undefined-condition",
                    Some(&too_high.to_string()),
                )
                .with_child(too_high.element());
                self.send(&error);
                self.note("stream error undefined-condition");
            }
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

/// Resolves when a new connection claims this session (never, for a
/// session that cannot be resumed).
async fn claimed(slot: Option<Arc<Slot>>) {
    match slot {
        Some(slot) => slot.claimed().await,
        None => std::future::pending().await,
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
