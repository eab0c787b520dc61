//! `netlab xmpp server`: a small XMPP server that real clients can use
//! (RFC 6120 core, RFC 6121 instant messaging and presence), that hosts
//! external components (XEP-0114), the article's "gateways", and that
//! federates with other servers (server-to-server, XEP-0220 dialback).
//!
//! One task per TCP connection, as in lesson 10, and one shared table of
//! who is online. Three kinds of stream come in, each on its own port;
//! after negotiation all hand their stanzas to the same handlers, and one
//! file decides where every stanza goes:
//!
//! ```text
//!  port 5222 ─► c2s.rs       clients: STARTTLS, SASL, bind (stream.rs)
//!                 │          then session.rs stamps `from`
//!  port 5347 ─► component.rs components: handshake, `from` checked ─┐
//!  port 5269 ─► s2s_in.rs    servers: dialback, `from` checked ─────┤ peer.rs
//!                 │                                                  │
//!                 ▼  message.rs   presence.rs   iq.rs  ◄─────────────┘
//!                 │     each asks route.rs: an account of ours? the
//!                 │     server? a component? another domain?
//!                 ▼
//!         router.rs (who is online, which components) ─► their connections
//!         federation.rs ─► s2s_out.rs (one stream per remote domain,
//!                          resolve.rs finds where)
//!         store/    (accounts, rosters, offline messages, vCards)
//!         subscription.rs + roster.rs (who may see whose presence)
//! ```
//!
//! Client streams may enable stream management (XEP-0198): stanzas are
//! acknowledged, and a session whose connection breaks waits a while for
//! its client to resume it (`../sm.rs`, `resume.rs`). What it does not do,
//! on purpose: multi-user chat, an extension on top of what is here. Between servers, dialback
//! inside TLS is the default; with a CA both sides trust (`--s2s-ca`),
//! certificates and SASL EXTERNAL replace it (`../s2s_tls.rs`).
//!
//! Read next: `c2s.rs`, from the top. Book: `book/src/lesson-04.md`.
//! Run: `netlab xmpp server --trace`.

mod c2s;
pub use federation::S2sConfig;
mod component;
mod dispatch;
mod federation;
mod iq;
mod message;
mod peer;
mod presence;
mod reply;
mod resolve;
mod resume;
mod roster;
mod route;
pub mod router;
mod s2s_in;
mod s2s_out;
mod session;
pub mod shares;
mod stream;
mod subscription;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::xmpp::framing::Limits;
use crate::xmpp::store::Store;

/// Whether and how the server offers TLS (RFC 6120 § 5).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TlsMode {
    /// Offer STARTTLS; clients may authenticate with SCRAM without it, and
    /// with PLAIN only after it.
    #[default]
    Auto,
    /// Offer only STARTTLS until the stream is encrypted (what public
    /// servers do, RFC 6120 § 5.3.1 `<required/>`).
    Required,
    /// No TLS at all: the teaching mode, where every byte can be read in a
    /// capture. PLAIN is then offered too, so passwords cross in the clear.
    Off,
}

/// What a trace line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceKind {
    /// Bytes the client sent.
    In,
    /// Bytes the server sent.
    Out,
    /// Something the server did or decided (connected, TLS, logged in).
    Note,
}

/// Which kind of stream a trace line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamKind {
    /// A client's stream (`jabber:client`, port 5222).
    Client,
    /// An external component's stream (`jabber:component:accept`, XEP-0114).
    Component,
    /// Another server's stream to us (`jabber:server`, port 5269).
    ServerIn,
    /// Our stream to another server.
    ServerOut,
}

/// One line of the XML console (`--trace`).
#[derive(Debug)]
pub struct TraceEvent<'a> {
    /// The connection's number, in order of arrival.
    pub conn: u64,
    /// The peer's address.
    pub peer: SocketAddr,
    /// Client or component.
    pub stream: StreamKind,
    /// The full JID once bound; for a component, its domain.
    pub jid: Option<&'a str>,
    /// In, out or a note.
    pub kind: TraceKind,
    /// The XML as sent (or the note).
    pub text: &'a str,
}

/// Where trace lines go: the CLI prints them, a lesson shows them, a test
/// collects them.
pub type Trace = Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;

/// A component the server accepts (XEP-0114): its domain and the secret
/// it proves it knows.
#[derive(Clone, PartialEq, Eq)]
pub struct ComponentSpec {
    /// The component's domain, e.g. `gw.localhost`: every JID in it is
    /// routed to the component.
    pub name: String,
    /// The shared secret of the handshake.
    pub secret: String,
}

impl std::fmt::Debug for ComponentSpec {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ComponentSpec({})", self.name)
    }
}

/// The server's settings. The CLI builds one from its flags
/// (`tools/xmpp_server.rs`); lessons and tests build one directly.
#[derive(Clone)]
pub struct Config {
    /// The domain it serves: the part after `@` in its users' JIDs.
    pub domain: String,
    /// STARTTLS policy.
    pub tls: TlsMode,
    /// Stanza size, nesting depth and attribute limits.
    pub limits: Limits,
    /// The most connections open at once; more are refused with
    /// `resource-constraint`.
    pub max_connections: usize,
    /// How long a connection may take to authenticate before it is closed
    /// (`connection-timeout`).
    pub auth_timeout: Duration,
    /// How long a session whose connection broke waits, detached, for its
    /// client to resume it (XEP-0198 § 5); zero: stream management without
    /// resumption.
    pub resume_window: Duration,
    /// The XML console, if wanted.
    pub trace: Option<Trace>,
    /// The components it hosts.
    pub components: Vec<ComponentSpec>,
    /// Where components connect (XEP-0114); `None`: no component port.
    pub component_bind: Option<SocketAddr>,
    /// Federation with other servers; `None`: stanzas for other domains
    /// get `remote-server-not-found`.
    pub s2s: Option<S2sConfig>,
    /// How fast one client connection is read (`shares.rs`); `None`: as
    /// fast as it sends.
    pub read_rate: Option<shares::Rate>,
    /// The most client connections open at once from one IP address; 0:
    /// no limit.
    pub max_per_address: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            domain: "localhost".into(),
            tls: TlsMode::Auto,
            limits: Limits::default(),
            max_connections: 20_000,
            auth_timeout: Duration::from_secs(30),
            // What ejabberd uses; Prosody keeps sessions 10 minutes.
            resume_window: Duration::from_secs(300),
            trace: None,
            components: Vec::new(),
            component_bind: None,
            s2s: None,
            // The lessons' server: one student is every client. The
            // command line sets limits for a public server.
            read_rate: None,
            max_per_address: 0,
        }
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("domain", &self.domain)
            .field("tls", &self.tls)
            .field("limits", &self.limits)
            .field("max_connections", &self.max_connections)
            .field("auth_timeout", &self.auth_timeout)
            .field("resume_window", &self.resume_window)
            .field("read_rate", &self.read_rate)
            .field("max_per_address", &self.max_per_address)
            .field("trace", &self.trace.is_some())
            .field("components", &self.components)
            .field("component_bind", &self.component_bind)
            .field("s2s", &self.s2s)
            .finish()
    }
}

/// What every connection task shares.
pub(crate) struct Shared {
    pub config: Config,
    pub store: Store,
    pub router: router::Router,
    pub tls: Option<tokio_rustls::TlsAcceptor>,
    pub next_conn: AtomicU64,
    pub failed_logins: FailedLogins,
    /// Client connections open per address (`shares.rs`).
    pub per_address: Arc<shares::PerAddress>,
    /// Serialises roster subscription changes (presence.rs).
    pub subscriptions: std::sync::Mutex<()>,
    /// Held while a message is found to have nobody online and is stored,
    /// and while a resource becomes available: otherwise a message could
    /// be stored just after its recipient, coming online, read its offline
    /// messages, and wait there until the next login (message.rs).
    pub going_offline: std::sync::Mutex<()>,
    /// Connections to other servers, when federating.
    pub federation: Option<federation::Federation>,
    /// Sessions a client may resume (XEP-0198 § 5), by resumption id.
    pub resumable: resume::Resumable,
}

/// Failed logins per client address over the last minute (RFC 6120
/// § 13.9.4: servers should make password guessing slow).
#[derive(Default)]
pub(crate) struct FailedLogins {
    recent: std::sync::Mutex<
        std::collections::HashMap<std::net::IpAddr, Vec<std::time::Instant>>,
    >,
}

impl FailedLogins {
    /// How long failures are remembered.
    const WINDOW: Duration = Duration::from_secs(60);

    /// Records a failure; returns how many this address had in the window.
    pub fn record(&self, ip: std::net::IpAddr) -> u64 {
        let now = std::time::Instant::now();
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        // Forget old entries now and then, so the table cannot grow
        // without bound (and is not scanned on every failure).
        if recent.len() > 1024 {
            recent.retain(|_, times| {
                times
                    .last()
                    .is_some_and(|t| now.duration_since(*t) < Self::WINDOW)
            });
        }
        let times = recent.entry(ip).or_default();
        times.retain(|t| now.duration_since(*t) < Self::WINDOW);
        // Enough to slow this address to the 5-second maximum.
        if times.len() < 16 {
            times.push(now);
        }
        times.len() as u64
    }
}

/// A bound, not yet running server.
pub struct Server {
    shared: Arc<Shared>,
    listener: TcpListener,
    components: Option<TcpListener>,
    servers: Option<TcpListener>,
}

impl Server {
    /// Binds the listening socket. `tls` is needed unless the mode is
    /// [`TlsMode::Off`].
    pub async fn bind(
        addr: SocketAddr,
        config: Config,
        store: Store,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> std::io::Result<Server> {
        let tls = match (config.tls, tls) {
            // Without TLS for clients a certificate may still serve the
            // streams of other servers (which Prosody encrypts always).
            (TlsMode::Off, tls) => tls.map(tokio_rustls::TlsAcceptor::from),
            (_, Some(tls)) => Some(tokio_rustls::TlsAcceptor::from(tls)),
            // Offering STARTTLS that can only fail would lock every
            // client out in `required` mode.
            (mode, None) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("--tls {mode:?} needs a TLS certificate")
                        .to_lowercase(),
                ));
            }
        };
        let listener = TcpListener::bind(addr).await?;
        let components = match config.component_bind {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        let servers = match &config.s2s {
            Some(s2s) => Some(TcpListener::bind(s2s.bind).await?),
            None => None,
        };
        let shared = Arc::new_cyclic(|me| Shared {
            federation: config
                .s2s
                .clone()
                .map(|s2s| federation::Federation::new(s2s, me.clone())),
            config,
            store,
            router: router::Router::new(),
            tls,
            next_conn: AtomicU64::new(1),
            failed_logins: FailedLogins::default(),
            subscriptions: std::sync::Mutex::new(()),
            going_offline: std::sync::Mutex::new(()),
            resumable: resume::Resumable::default(),
            per_address: Arc::default(),
        });
        Ok(Server {
            components,
            servers,
            shared,
            listener,
        })
    }

    /// The address clients connect to (the real port when bound to port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The address other servers connect to, when federating.
    pub fn s2s_addr(&self) -> Option<SocketAddr> {
        self.servers.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// The address components connect to, if the server has a component
    /// port.
    pub fn component_addr(&self) -> Option<SocketAddr> {
        self.components.as_ref().and_then(|l| l.local_addr().ok())
    }

    /// Accepts and serves clients until `shutdown` is cancelled; then every
    /// client gets the stream error `system-shutdown` (RFC 6120
    /// § 4.9.3.22), its queued stanzas are written first, and `run` returns
    /// once every connection is closed.
    pub async fn run(self, shutdown: CancellationToken) -> std::io::Result<()> {
        let tracker = TaskTracker::new();
        let slots =
            Arc::new(Semaphore::new(self.shared.config.max_connections));
        loop {
            let (stream, peer, kind) = tokio::select! {
                _ = shutdown.cancelled() => break,
                accepted = accept(&self.listener, StreamKind::Client) => match accepted {
                    Ok(pair) => pair,
                    // EMFILE and friends: the client is lost, the server
                    // is not. Wait a moment so a full fd table does not
                    // turn into a busy loop.
                    Err(err) => {
                        tracing::warn!("accept failed: {err}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                accepted = accept_maybe(self.servers.as_ref(), StreamKind::ServerIn) => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        tracing::warn!("accept failed: {err}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                accepted = accept_maybe(self.components.as_ref(), StreamKind::Component) => match accepted {
                    Ok(pair) => pair,
                    Err(err) => {
                        tracing::warn!("accept failed: {err}");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let conn = self.shared.next_conn.fetch_add(1, Ordering::Relaxed);
            let permit = Arc::clone(&slots).try_acquire_owned().ok();
            let shared = Arc::clone(&self.shared);
            let shutdown = shutdown.clone();
            tracker.spawn(async move {
                match kind {
                    StreamKind::Client => {
                        c2s::serve(
                            stream, peer, conn, shared, permit, shutdown,
                        )
                        .await;
                    }
                    StreamKind::Component => {
                        component::serve(
                            stream, peer, conn, shared, permit, shutdown,
                        )
                        .await;
                    }
                    StreamKind::ServerIn | StreamKind::ServerOut => {
                        s2s_in::serve(
                            stream, peer, conn, shared, permit, shutdown,
                        )
                        .await;
                    }
                }
            });
        }
        // Our streams to other servers close too (a `</stream:stream>`
        // each), then the connections served here.
        if let Some(federation) = &self.shared.federation {
            federation.stop.cancel();
            federation.tasks.close();
            federation.tasks.wait().await;
        }
        tracker.close();
        tracker.wait().await;
        Ok(())
    }
}

/// Accepts one connection, tagged with the kind of stream it will carry.
async fn accept(
    listener: &TcpListener,
    kind: StreamKind,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr, StreamKind)> {
    let (stream, peer) = listener.accept().await?;
    Ok((stream, peer, kind))
}

/// Accepts on a listener the server may not have (components, servers),
/// or waits for ever when it has none (so `select!` never picks it).
async fn accept_maybe(
    listener: Option<&TcpListener>,
    kind: StreamKind,
) -> std::io::Result<(tokio::net::TcpStream, SocketAddr, StreamKind)> {
    match listener {
        Some(listener) => accept(listener, kind).await,
        None => std::future::pending().await,
    }
}

/// Sixteen random hex digits: stream ids and generated resources must not
/// be guessable (RFC 6120 § 4.7.3, § 7.6.1).
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 8];
    // getrandom fails only if the kernel has no entropy source at all; a
    // time-based id is then still unique, if not unpredictable.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = (nanos as u64).to_be_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
