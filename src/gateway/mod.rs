//! An XMPP ↔ IRC gateway: the third role of the article, after client and
//! server — a program that translates between XMPP and another chat system.
//!
//! Like real gateways (Biboumi, Slidge, Spectrum 2), it is an *external
//! component* of an existing XMPP server ([XEP-0114]): it connects to the
//! server's component port, proves a shared secret, and from then on owns a
//! domain of its own (`gw.localhost`); the server routes every stanza for
//! that domain to it. On the other side it *is* a small IRC server
//! ([RFC 2812]) that real IRC clients (irssi, WeeChat, HexChat, the Python
//! `irc` package) connect to.
//!
//! ```text
//!  XMPP client ─c2s─► XMPP server ─XEP-0114─► Gateway ◄─IRC─ IRC client
//!  alice@localhost    (Prosody, …)            gw.localhost     mallory
//! ```
//!
//! # Names (see `names.rs`)
//!
//! | who                     | on XMPP                | on IRC             |
//! |-------------------------|------------------------|--------------------|
//! | IRC user `mallory`      | `mallory@gw.localhost` | `mallory`          |
//! | XMPP user               | `alice@localhost`      | `alice\|localhost` |
//! | XMPP user with a dot    | `j.d@a.example`        | `j\2ed\|a\2eexample` |
//!
//! `/msg alice|localhost hi` in an IRC client reaches `alice@localhost` as
//! `<message type='chat' from='mallory@gw.localhost' to='alice@localhost'>
//! <body>hi</body></message>`; her reply to `mallory@gw.localhost` arrives
//! as `:alice|localhost!alice@localhost PRIVMSG mallory :reply`. An XMPP
//! user who subscribes to `mallory@gw.localhost` is approved at once and
//! sees mallory come online when mallory registers on IRC, and go offline
//! on QUIT or disconnect. What cannot be translated gets an error on the
//! side that sent it: XMPP `item-not-found` for a nick nobody holds, IRC
//! `401` for a nick that names no one.
//!
//! # The files
//!
//! - `irc.rs`: IRC lines ↔ messages (the parser, by hand, with its tests);
//! - `names.rs`: nicks ↔ JIDs;
//! - `bridge.rs`: the translation, a state machine without sockets
//!   (`bridge/from_irc.rs`: each IRC command; `bridge/from_xmpp.rs`: each
//!   stanza);
//! - this file: the sockets. One task reads the component stream and runs
//!   the bridge; one task per IRC connection reads lines and writes what
//!   the bridge sends it, through a channel.
//!
//! ```text
//!   Component (xmpp/component.rs) ◄──► run(): select! ──► Bridge
//!                                          ▲   │
//!               IrcEvent (mpsc, all conns) │   │ Outgoing (mpsc, one per conn)
//!                                          │   ▼
//!                                  serve_irc() × N ◄──► TCP ◄──► IRC clients
//! ```
//!
//! Shutdown, as in the XMPP server: a `CancellationToken`. When it fires,
//! IRC clients get `ERROR :Closing Link` and are disconnected, XMPP
//! subscribers see the IRC users go offline, and the component stream is
//! closed with `</stream:stream>`.
//!
//! Nothing here prints: events and traces go to [`Config::trace`]. Read
//! before: `xmpp/component.rs`. Read next: `irc.rs`.
//! Book: `book/src/lesson-04.md`. Run: `NETLAB_GATEWAY_SECRET=s netlab xmpp
//! gateway --name gw.localhost --server 127.0.0.1:5347`.
//!
//! Specs: [XEP-0114] (component protocol), [XEP-0100] (gateway
//! conventions: `user@gateway`, the `gateway` disco identity), [RFC 2812]
//! (IRC client protocol), [RFC 6121] (presence subscriptions).
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html
//! [XEP-0100]: https://xmpp.org/extensions/xep-0100.html
//! [RFC 2812]: https://datatracker.ietf.org/doc/html/rfc2812
//! [RFC 6121]: https://datatracker.ietf.org/doc/html/rfc6121

pub mod bridge;
pub mod irc;
pub mod names;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::xmpp::client::{ClientTrace, Direction};
use crate::xmpp::component::{Component, ComponentError};
use crate::xmpp::jid::Jid;
use bridge::{Action, Bridge, ClientId};
use irc::{IrcError, LineReader, Message};

/// Which side of the gateway a trace line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The component stream to the XMPP server.
    Xmpp,
    /// The IRC clients.
    Irc,
}

/// What a trace line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    /// Raw XML or an IRC line received.
    In,
    /// Raw XML or an IRC line sent.
    Out,
    /// An event, one line each: `irc: mallory registered …`,
    /// `xmpp → irc: alice@localhost → mallory: hi`.
    Note,
}

/// One trace line.
#[derive(Debug)]
pub struct TraceEvent<'a> {
    /// XMPP or IRC.
    pub side: Side,
    /// In, out or an event.
    pub kind: TraceKind,
    /// The IRC connection's number, for IRC lines.
    pub irc_client: Option<u64>,
    /// The XML, the IRC line (without CR LF) or the event.
    pub text: &'a str,
}

/// Where trace lines and events go: the CLI prints them, a lesson shows
/// them, a test collects them.
pub type Trace = Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;

/// The gateway's settings.
#[derive(Clone)]
pub struct Config {
    /// The component's name, which is its XMPP domain: `gw.localhost`.
    pub name: String,
    /// The secret shared with the XMPP server (XEP-0114 § 3).
    pub secret: String,
    /// The XMPP server's component port (Prosody's default is 5347).
    pub server: SocketAddr,
    /// Where IRC clients connect (port 0: the kernel picks one).
    pub irc_bind: SocketAddr,
    /// Events and, if wanted, raw traffic.
    pub trace: Option<Trace>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("name", &self.name)
            .field("server", &self.server)
            .field("irc_bind", &self.irc_bind)
            .field("trace", &self.trace.is_some())
            .finish_non_exhaustive()
    }
}

/// Why the gateway could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The name is not a domain.
    #[error(
        "the gateway name {name:?} is not a domain (RFC 7622 § 3.2): use \
         something like gw.localhost"
    )]
    BadName {
        /// The name given.
        name: String,
    },
    /// The IRC port could not be bound.
    #[error("cannot listen for IRC clients on {addr}: {source}")]
    IrcBind {
        /// The address.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// The component stream failed.
    #[error("XMPP side: {0}")]
    Xmpp(#[from] ComponentError),
    /// The XMPP server ended the stream.
    #[error("the XMPP server closed the component stream")]
    ServerClosed,
}

/// How long connecting and the handshake may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How many lines may wait for one IRC client before it counts as stuck
/// and is disconnected (IRC servers call this "SendQ exceeded").
const SENDQ: usize = 256;

/// The most IRC clients served at once. As in mini-redis, a permit is
/// taken *before* `accept`: when all are in use the gateway stops
/// accepting, and new clients wait in the kernel's backlog.
const MAX_IRC_CLIENTS: usize = 1000;

/// A connected gateway: the handshake done, the IRC port bound.
pub struct Gateway {
    config: Config,
    component: Component,
    listener: TcpListener,
    irc_addr: SocketAddr,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("config", &self.config)
            .field("irc_addr", &self.irc_addr)
            .finish_non_exhaustive()
    }
}

/// What an IRC connection task tells the bridge.
enum IrcEvent {
    /// A new connection, and the channel to write to it.
    Connected {
        id: ClientId,
        host: String,
        writer: mpsc::Sender<Outgoing>,
    },
    /// One line, parsed.
    Line(ClientId, Result<Message, IrcError>),
    /// The connection ended.
    Gone(ClientId, String),
}

/// What the bridge tells an IRC connection task.
enum Outgoing {
    /// Write this line (CR LF included).
    Line(Vec<u8>),
    /// Close the connection.
    Close,
}

impl Gateway {
    /// Binds the IRC port, connects to the XMPP server and does the
    /// component handshake. Returns once both sides are ready.
    pub async fn start(config: Config) -> Result<Gateway, GatewayError> {
        match Jid::parse(&config.name) {
            Ok(jid) if jid.local().is_none() && jid.resource().is_none() => {}
            _ => {
                return Err(GatewayError::BadName {
                    name: config.name.clone(),
                });
            }
        }
        let listener =
            TcpListener::bind(config.irc_bind).await.map_err(|source| {
                GatewayError::IrcBind {
                    addr: config.irc_bind,
                    source,
                }
            })?;
        let irc_addr =
            listener
                .local_addr()
                .map_err(|source| GatewayError::IrcBind {
                    addr: config.irc_bind,
                    source,
                })?;
        let xmpp_trace: Option<ClientTrace> = config.trace.clone().map(|t| {
            let trace: ClientTrace = Arc::new(move |direction, text| {
                let (kind, note);
                let text = match direction {
                    Direction::Sent => {
                        kind = TraceKind::Out;
                        text
                    }
                    Direction::Received => {
                        kind = TraceKind::In;
                        text
                    }
                    Direction::Note => {
                        kind = TraceKind::Note;
                        note = format!("xmpp: {text}");
                        note.as_str()
                    }
                };
                t(&TraceEvent {
                    side: Side::Xmpp,
                    kind,
                    irc_client: None,
                    text,
                });
            });
            trace
        });
        let component = Component::connect(
            config.server,
            &config.name,
            &config.secret,
            TIMEOUT,
            xmpp_trace,
        )
        .await?;
        Ok(Gateway {
            config,
            component,
            listener,
            irc_addr,
        })
    }

    /// Where IRC clients connect (the real port when bound to port 0).
    pub fn irc_addr(&self) -> SocketAddr {
        self.irc_addr
    }

    /// Runs until `shutdown` is cancelled (then returns `Ok`) or the XMPP
    /// stream ends (then returns the error; IRC clients are told first).
    pub async fn run(
        self,
        shutdown: CancellationToken,
    ) -> Result<(), GatewayError> {
        let Gateway {
            config,
            component,
            listener,
            ..
        } = self;
        let tracker = TaskTracker::new();
        let irc_stop = CancellationToken::new();
        let (events_tx, events_rx) = mpsc::channel(256);
        tracker.spawn(accept_irc(
            listener,
            events_tx,
            irc_stop.clone(),
            tracker.clone(),
            config.trace.clone(),
        ));
        let mut runner = Runner {
            bridge: Bridge::new(&config.name),
            component: Some(component),
            writers: HashMap::new(),
            trace: config.trace.clone(),
        };
        let result = runner.run(events_rx, shutdown).await;
        // Stop the IRC side: the tasks write what they were given, then
        // close.
        irc_stop.cancel();
        tracker.close();
        let _ =
            tokio::time::timeout(Duration::from_secs(2), tracker.wait()).await;
        result
    }
}

/// The bridge and the sockets it acts on.
struct Runner {
    bridge: Bridge,
    /// `None` once the stream is gone.
    component: Option<Component>,
    writers: HashMap<ClientId, mpsc::Sender<Outgoing>>,
    trace: Option<Trace>,
}

impl Runner {
    async fn run(
        &mut self,
        mut events: mpsc::Receiver<IrcEvent>,
        shutdown: CancellationToken,
    ) -> Result<(), GatewayError> {
        let outcome = loop {
            let Some(component) = self.component.as_mut() else {
                break Err(GatewayError::ServerClosed);
            };
            // Both `recv`s are cancel-safe: whichever branch loses loses
            // nothing (the component reads into its own buffer first).
            tokio::select! {
                _ = shutdown.cancelled() => break Ok(()),
                stanza = component.recv() => match stanza {
                    Ok(Some(stanza)) => {
                        let actions = self.bridge.xmpp_stanza(&stanza);
                        if let Err(e) = self.apply(actions).await {
                            break Err(e);
                        }
                    }
                    Ok(None) => break Err(GatewayError::ServerClosed),
                    Err(e) => break Err(e.into()),
                },
                Some(event) = events.recv() => {
                    let actions = match event {
                        IrcEvent::Connected { id, host, writer } => {
                            self.writers.insert(id, writer);
                            self.bridge.irc_connected(id, &host)
                        }
                        IrcEvent::Line(id, line) => {
                            self.bridge.irc_line(id, line)
                        }
                        IrcEvent::Gone(id, reason) => {
                            self.writers.remove(&id);
                            self.bridge.irc_disconnected(id, &reason)
                        }
                    };
                    if let Err(e) = self.apply(actions).await {
                        break Err(e);
                    }
                }
            }
        };
        let why = match &outcome {
            Ok(()) => "gateway shutting down".to_owned(),
            Err(e) => format!("XMPP side failed: {e}"),
        };
        if outcome.is_err() {
            // The stream is unusable: nothing more goes to it.
            self.component = None;
        }
        let actions = self.bridge.shutdown(&why);
        let _ = self.apply(actions).await;
        if let Some(component) = self.component.take() {
            let _ = component.close().await;
        }
        outcome
    }

    /// Carries out what the bridge asked for.
    async fn apply(
        &mut self,
        actions: Vec<Action>,
    ) -> Result<(), GatewayError> {
        let mut stuck = Vec::new();
        for action in actions {
            match action {
                Action::Xmpp(stanza) => {
                    if let Some(component) = self.component.as_mut() {
                        component.send(&stanza).await?;
                    }
                }
                Action::Irc(id, message) => {
                    let Some(writer) = self.writers.get(&id) else {
                        continue;
                    };
                    // Never wait for one slow client: that would stall
                    // everyone. A full queue disconnects it instead.
                    if writer
                        .try_send(Outgoing::Line(message.to_line()))
                        .is_err()
                    {
                        stuck.push(id);
                    }
                }
                Action::Disconnect(id) => {
                    if let Some(writer) = self.writers.remove(&id) {
                        // If the queue is full, dropping the sender closes
                        // the channel, which the task reads as Close too.
                        let _ = writer.try_send(Outgoing::Close);
                    }
                }
                Action::Event(text) => self.note(&text),
            }
        }
        for id in stuck {
            if self.writers.remove(&id).is_some() {
                let actions =
                    self.bridge.irc_disconnected(id, "SendQ exceeded");
                Box::pin(self.apply(actions)).await?;
            }
        }
        Ok(())
    }

    fn note(&self, text: &str) {
        if let Some(trace) = &self.trace {
            trace(&TraceEvent {
                side: if text.starts_with("irc") {
                    Side::Irc
                } else {
                    Side::Xmpp
                },
                kind: TraceKind::Note,
                irc_client: None,
                text,
            });
        }
    }
}

/// Accepts IRC clients until `stop`; one task each.
async fn accept_irc(
    listener: TcpListener,
    events: mpsc::Sender<IrcEvent>,
    stop: CancellationToken,
    tracker: TaskTracker,
    trace: Option<Trace>,
) {
    let mut next_id: ClientId = 1;
    let slots = Arc::new(Semaphore::new(MAX_IRC_CLIENTS));
    loop {
        let permit = tokio::select! {
            _ = stop.cancelled() => return,
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                // As in the XMPP server: the client is lost, not the
                // listener; a pause keeps a full fd table from spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let id = next_id;
        next_id += 1;
        let (writer, outgoing) = mpsc::channel(SENDQ);
        let connected = IrcEvent::Connected {
            id,
            host: peer.ip().to_string(),
            writer,
        };
        if events.send(connected).await.is_err() {
            return;
        }
        let serve = serve_irc(
            stream,
            id,
            outgoing,
            events.clone(),
            stop.clone(),
            trace.clone(),
        );
        tracker.spawn(async move {
            serve.await;
            // The slot is free once the connection is gone.
            drop(permit);
        });
    }
}

/// One IRC connection: lines in to the bridge, lines out from it.
async fn serve_irc(
    stream: TcpStream,
    id: ClientId,
    mut outgoing: mpsc::Receiver<Outgoing>,
    events: mpsc::Sender<IrcEvent>,
    stop: CancellationToken,
    trace: Option<Trace>,
) {
    let _ = stream.set_nodelay(true);
    let (mut rd, mut wr) = stream.into_split();
    let show = |kind: TraceKind, bytes: &[u8]| {
        if let Some(trace) = &trace {
            let text = String::from_utf8_lossy(bytes);
            trace(&TraceEvent {
                side: Side::Irc,
                kind,
                irc_client: Some(id),
                text: text.trim_end_matches(['\r', '\n']),
            });
        }
    };
    let mut reader = LineReader::new();
    let mut buf = vec![0u8; 4096];
    let reason = loop {
        tokio::select! {
            _ = stop.cancelled() => {
                // Write what the bridge sent last (the ERROR line), then go.
                while let Ok(Outgoing::Line(line)) = outgoing.try_recv() {
                    show(TraceKind::Out, &line);
                    if wr.write_all(&line).await.is_err() {
                        break;
                    }
                }
                break "gateway stopped".to_owned();
            }
            out = outgoing.recv() => match out {
                Some(Outgoing::Line(line)) => {
                    show(TraceKind::Out, &line);
                    if let Err(e) = wr.write_all(&line).await {
                        break format!("write failed: {e}");
                    }
                }
                Some(Outgoing::Close) | None => break "closed by the gateway".into(),
            },
            read = rd.read(&mut buf) => match read {
                Ok(0) => break "connection closed".into(),
                Ok(n) => {
                    reader.feed(&buf[..n]);
                    while let Some(line) = reader.next_line() {
                        let line = line.and_then(|line| {
                            show(TraceKind::In, &line);
                            Message::parse(&line)
                        });
                        if events.send(IrcEvent::Line(id, line)).await.is_err() {
                            return;
                        }
                    }
                }
                Err(e) => break format!("read failed: {e}"),
            },
        }
    };
    let _ = wr.shutdown().await;
    let _ = events.send(IrcEvent::Gone(id, reason)).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::framing::{StreamEvent, StreamParser};
    use tokio::io::{AsyncBufReadExt, BufReader};

    /// A stand-in for the XMPP server's component port: accepts one
    /// component, checks its handshake, and hands back the socket and
    /// the parser for the test to play the server.
    async fn component_port() -> (
        SocketAddr,
        tokio::task::JoinHandle<(TcpStream, StreamParser)>,
    ) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let (mut io, _) = listener.accept().await.expect("accept");
            let mut parser = StreamParser::new();
            let mut buf = vec![0; 4096];
            loop {
                let n = io.read(&mut buf).await.expect("read");
                parser.feed(&buf[..n]);
                while let Some(event) = parser.next_event().expect("xml") {
                    match event {
                        StreamEvent::Open(_) => {
                            io.write_all(
                                b"<stream:stream xmlns='jabber:component:accept' \
                                  xmlns:stream='http://etherx.jabber.org/streams' \
                                  from='gw.localhost' id='3BF96D32'>",
                            )
                            .await
                            .expect("write");
                        }
                        StreamEvent::Element(e) => {
                            assert_eq!(
                                e.text(),
                                crate::xmpp::component::handshake_digest(
                                    "3BF96D32", "test"
                                )
                            );
                            io.write_all(b"<handshake/>").await.expect("w");
                            return (io, parser);
                        }
                        StreamEvent::Close => panic!("closed"),
                    }
                }
            }
        });
        (addr, task)
    }

    /// The next element (or the close) the component sent.
    async fn next(
        io: &mut TcpStream,
        parser: &mut StreamParser,
    ) -> StreamEvent {
        let mut buf = vec![0; 4096];
        loop {
            if let Some(event) = parser.next_event().expect("xml") {
                return event;
            }
            let n = io.read(&mut buf).await.expect("read");
            assert!(n > 0, "the component hung up");
            parser.feed(&buf[..n]);
        }
    }

    #[tokio::test]
    async fn the_library_api_end_to_end_in_process() {
        let (server, accepted) = component_port().await;
        let events = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
        let seen = Arc::clone(&events);
        let trace: Trace = Arc::new(move |event| {
            if event.kind == TraceKind::Note {
                let mut seen = seen.lock().unwrap_or_else(|p| p.into_inner());
                seen.push(event.text.to_owned());
            }
        });
        let gateway = Gateway::start(Config {
            name: "gw.localhost".into(),
            secret: "test".into(),
            server,
            irc_bind: "127.0.0.1:0".parse().expect("addr"),
            trace: Some(trace),
        })
        .await
        .expect("start");
        let irc_addr = gateway.irc_addr();
        assert_ne!(irc_addr.port(), 0);
        let (mut xmpp, mut parser) = accepted.await.expect("handshake");
        let shutdown = CancellationToken::new();
        let running = tokio::spawn(gateway.run(shutdown.clone()));

        // An IRC client registers and writes to alice@localhost.
        let irc = TcpStream::connect(irc_addr).await.expect("connect");
        let (rd, mut wr) = irc.into_split();
        let mut rd = BufReader::new(rd).lines();
        wr.write_all(b"NICK mallory\r\nUSER m 0 * :M\r\n")
            .await
            .expect("write");
        loop {
            let line = rd.next_line().await.expect("read").expect("a line");
            if line.contains(" 376 ") {
                break;
            }
        }
        wr.write_all(b"PRIVMSG alice|localhost :hi\r\n")
            .await
            .expect("write");
        let StreamEvent::Element(message) = next(&mut xmpp, &mut parser).await
        else {
            panic!("expected a stanza");
        };
        assert_eq!(
            message.to_xml(),
            "<message type=\"chat\" from=\"mallory@gw.localhost\" \
             to=\"alice@localhost\" id=\"gw-1\"><body>hi</body></message>"
        );

        // alice answers.
        xmpp.write_all(
            b"<message from='alice@localhost/x' to='mallory@gw.localhost' \
              type='chat'><body>hello mallory</body></message>",
        )
        .await
        .expect("write");
        let line = rd.next_line().await.expect("read").expect("a line");
        assert_eq!(
            line,
            ":alice|localhost!alice@localhost PRIVMSG mallory :hello mallory"
        );

        // Shutdown: ERROR to IRC, </stream:stream> to the server.
        shutdown.cancel();
        let line = rd.next_line().await.expect("read").expect("a line");
        assert!(line.starts_with("ERROR :Closing Link"), "{line}");
        assert_eq!(next(&mut xmpp, &mut parser).await, StreamEvent::Close);
        xmpp.write_all(b"</stream:stream>").await.expect("write");
        running.await.expect("joins").expect("a clean stop");
        let events =
            events.lock().unwrap_or_else(|p| p.into_inner()).join("\n");
        for needle in [
            "xmpp: handshake accepted: we are gw.localhost",
            "irc: mallory registered from 127.0.0.1",
            "irc → xmpp: mallory → alice@localhost: hi",
            "xmpp → irc: alice@localhost → mallory: hello mallory",
            "irc: mallory left (gateway shutting down)",
        ] {
            assert!(events.contains(needle), "{needle}\n{events}");
        }
    }

    #[tokio::test]
    async fn a_server_that_goes_away_ends_run_with_an_error() {
        let (server, accepted) = component_port().await;
        let gateway = Gateway::start(Config {
            name: "gw.localhost".into(),
            secret: "test".into(),
            server,
            irc_bind: "127.0.0.1:0".parse().expect("addr"),
            trace: None,
        })
        .await
        .expect("start");
        let (xmpp, _parser) = accepted.await.expect("handshake");
        drop(xmpp);
        let result = gateway.run(CancellationToken::new()).await;
        assert!(
            matches!(result, Err(GatewayError::ServerClosed)),
            "{result:?}"
        );
    }
}
