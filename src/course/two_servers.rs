//! Lesson 5's stage: two XMPP servers, `a.example` and `b.example`, in the
//! lesson's own process, federating over loopback — and the clients of
//! their users, alice@a.example and bob@b.example.
//!
//! ```text
//!  alice ──c2s──► a.example ──s2s──► b.example ◄──c2s── bob
//!                           ◄──s2s──
//! ```
//!
//! Everything is real: four listening sockets on 127.0.0.1 (ports the
//! kernel picks), TLS with a self-signed certificate per server (each
//! client pins its own server's certificate), SCRAM logins, dialback
//! between the servers. Only DNS is skipped: no DNS server knows
//! `b.example`, so each server is given the other's address (a *pinned
//! route*, `--s2s-route` on the command line); `resolve.rs` explains the
//! SRV lookup a real server makes instead.
//!
//! Every piece of XML is recorded, with the instant it was seen, by the
//! one who saw it: each server's trace, and each client's. Lesson 5 draws
//! its ladder from that record ([`Seen`]), so every value it shows comes
//! from this run.
//!
//! Read before: `xmpp_stage.rs` (one server), `src/xmpp/server/
//! federation.rs`. Book: `book/src/lesson-05.md`. Run: `netlab lesson 5`.

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::runtime::Runtime;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::xmpp::accounts;
use crate::xmpp::client::{self, Client, ClientTrace, Options, Security};
use crate::xmpp::framing::Element;
use crate::xmpp::jid::Jid;
use crate::xmpp::server::{
    Config, S2sConfig, Server, StreamKind, TlsMode, TraceKind,
};
use crate::xmpp::store::Store;
use crate::xmpp::tls::{self, ServerIdentity};

/// The password of both accounts. It must never appear in anything the
/// servers or clients traced: lesson 5 checks.
pub const PASSWORD: &str = "s3cret-pa55";

/// The four parties of the ladder, left to right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lane {
    /// alice@a.example's client.
    Alice,
    /// The server of a.example.
    A,
    /// The server of b.example.
    B,
    /// bob@b.example's client.
    Bob,
}

impl Lane {
    /// The four lanes, in ladder order.
    pub const ALL: [Lane; 4] = [Lane::Alice, Lane::A, Lane::B, Lane::Bob];

    /// How the ladder names it.
    pub fn name(self) -> &'static str {
        match self {
            Lane::Alice => "alice",
            Lane::A => "a.example",
            Lane::B => "b.example",
            Lane::Bob => "bob",
        }
    }

    /// The column of the ladder (0 to 3).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One thing one party saw: XML it sent or read, or a note.
#[derive(Clone, Debug)]
pub struct Seen {
    /// When, on this process's monotonic clock.
    pub at: Instant,
    /// Who saw it.
    pub by: Lane,
    /// For a server: which kind of stream (`None` for a client).
    pub stream: Option<StreamKind>,
    /// For a server: the connection's number.
    pub conn: u64,
    /// For a server: the other end's address (for its outgoing s2s
    /// stream, the address it connected to).
    pub peer: Option<SocketAddr>,
    /// For a server: the client's JID once bound, or the other server's
    /// domain on an s2s stream.
    pub jid: Option<String>,
    /// Read (`In`), written (`Out`) or a note.
    pub kind: TraceKind,
    /// The XML, or the note.
    pub text: String,
}

/// The record every trace writes to.
type Log = Arc<Mutex<Vec<Seen>>>;

/// One running server.
pub struct Running {
    /// Its domain.
    pub domain: &'static str,
    /// Where its clients connect (c2s).
    pub c2s: SocketAddr,
    /// Where other servers connect (s2s).
    pub s2s: SocketAddr,
    /// Its certificate.
    pub identity: ServerIdentity,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

/// Two federating servers and the runtime their clients use.
pub struct TwoServers {
    runtime: Runtime,
    /// a.example.
    pub a: Running,
    /// b.example.
    pub b: Running,
    log: Log,
}

impl TwoServers {
    /// Starts a.example (account alice) and b.example (account bob), each
    /// pinned to the other's s2s address.
    pub fn start() -> anyhow::Result<TwoServers> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let log: Log = Arc::default();
        // Each server must know the other's s2s address before either
        // starts: ask the kernel for two free ports, then let them go.
        // Another program could take one in between; then we try again.
        let mut last = None;
        for _ in 0..3 {
            let (pa, pb) = (free_addr()?, free_addr()?);
            let a = start_one(&runtime, "a.example", "alice", pa, pb, &log);
            let b = start_one(&runtime, "b.example", "bob", pb, pa, &log);
            match (a, b) {
                (Ok(a), Ok(b)) => {
                    return Ok(TwoServers { runtime, a, b, log });
                }
                (a, b) => {
                    // One may have started: stop it before trying again.
                    for started in [&a, &b].into_iter().flatten() {
                        started.shutdown.cancel();
                    }
                    last = a.err().or(b.err());
                }
            }
        }
        Err(last.unwrap_or_else(|| anyhow::anyhow!("no free ports")))
    }

    /// The server of a lane (`A` or `B`).
    pub fn server(&self, lane: Lane) -> &Running {
        match lane {
            Lane::Alice | Lane::A => &self.a,
            Lane::B | Lane::Bob => &self.b,
        }
    }

    /// Logs alice (on a.example) or bob (on b.example) in with STARTTLS,
    /// pinning their server's certificate, SCRAM and `resource`; the
    /// client's trace goes to the record. `via` connects through another
    /// address (a relay) instead of the server's.
    pub fn login(
        &self,
        who: Lane,
        resource: &str,
        via: Option<SocketAddr>,
    ) -> anyhow::Result<Client> {
        let (user, server) = match who {
            Lane::Alice => ("alice", &self.a),
            Lane::Bob => ("bob", &self.b),
            other => anyhow::bail!("{} is a server", other.name()),
        };
        let jid = Jid::parse(&format!("{user}@{}", server.domain))?;
        let security = Security::StartTls(server.identity.trust());
        let mut options = Options::new(jid, PASSWORD, security);
        options.server = Some(via.unwrap_or(server.c2s));
        options.resource = Some(resource.to_owned());
        options.timeout = Duration::from_secs(5);
        let sink = Arc::clone(&self.log);
        let trace: ClientTrace = Arc::new(move |direction, text: &str| {
            let kind = match direction {
                client::Direction::Sent => TraceKind::Out,
                client::Direction::Received => TraceKind::In,
                client::Direction::Note => TraceKind::Note,
            };
            push(
                &sink,
                Seen {
                    at: Instant::now(),
                    by: who,
                    stream: None,
                    conn: 0,
                    peer: None,
                    jid: None,
                    kind,
                    text: text.to_owned(),
                },
            );
        });
        options.trace = Some(trace);
        self.block_on(Client::connect(options))
            .with_context(|| format!("logging {user} in"))
    }

    /// Runs a future on the stage's runtime (client work).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Everything recorded since the last call, in order of time.
    pub fn take(&self) -> Vec<Seen> {
        let mut seen = std::mem::take(
            &mut *self.log.lock().unwrap_or_else(|p| p.into_inner()),
        );
        seen.sort_by_key(|s| s.at);
        seen
    }

    /// Stops b.example: its clients get `system-shutdown`, its streams to
    /// and from a.example close, its listening sockets go away.
    pub fn stop_b(&mut self) {
        stop(&self.runtime, &mut self.b);
    }
}

impl Drop for TwoServers {
    fn drop(&mut self) {
        stop(&self.runtime, &mut self.a);
        stop(&self.runtime, &mut self.b);
    }
}

/// The next stanza `client` receives that `wanted` accepts; the others
/// are skipped. Fails after five seconds, saying what it waited for.
pub async fn wait_for(
    client: &mut Client,
    what: &str,
    wanted: impl Fn(&Element) -> bool,
) -> anyhow::Result<Element> {
    let wait = async {
        loop {
            match client.recv().await? {
                Some(stanza) if wanted(&stanza) => return Ok(stanza),
                Some(_) => continue,
                None => anyhow::bail!("the server closed the stream"),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .with_context(|| format!("{} waited 5 s for {what}", client.jid()))?
}

fn stop(runtime: &Runtime, server: &mut Running) {
    server.shutdown.cancel();
    if let Some(task) = server.task.take() {
        let _ = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), task).await
        });
    }
}

fn push(log: &Log, seen: Seen) {
    log.lock().unwrap_or_else(|p| p.into_inner()).push(seen);
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_addr() -> anyhow::Result<SocketAddr> {
    let probe = TcpListener::bind("127.0.0.1:0").context("finding a port")?;
    Ok(probe.local_addr()?)
}

/// Starts `domain` with one account, federation on `s2s`, and the other
/// domain pinned to `other`.
fn start_one(
    runtime: &Runtime,
    domain: &'static str,
    user: &str,
    s2s: SocketAddr,
    other: SocketAddr,
    log: &Log,
) -> anyhow::Result<Running> {
    let store = Store::open(":memory:")?;
    accounts::add(&store, &format!("{user}@{domain}"), domain, PASSWORD)?;
    // A certificate made now, in memory, naming the domain: what the
    // clients pin and what STARTTLS on the s2s streams uses.
    let (tls_config, identity) = tls::server_config(domain, None, None, None)?;
    let peer = if domain == "a.example" {
        "b.example"
    } else {
        "a.example"
    };
    // ANCHOR: pinned
    let mut federation = S2sConfig::new(s2s);
    federation.routes.push((peer.to_owned(), other));
    federation.connect_timeout = Duration::from_secs(3);
    federation.auth_timeout = Duration::from_secs(5);
    // ANCHOR_END: pinned
    let by = if domain == "a.example" {
        Lane::A
    } else {
        Lane::B
    };
    let sink = Arc::clone(log);
    let config = Config {
        domain: domain.to_owned(),
        tls: TlsMode::Auto,
        s2s: Some(federation),
        trace: Some(Arc::new(move |event| {
            push(
                &sink,
                Seen {
                    at: Instant::now(),
                    by,
                    stream: Some(event.stream),
                    conn: event.conn,
                    peer: Some(event.peer),
                    jid: event.jid.map(str::to_owned),
                    kind: event.kind,
                    text: event.text.to_owned(),
                },
            );
        })),
        ..Config::default()
    };
    let server = runtime.block_on(Server::bind(
        SocketAddr::from(([127, 0, 0, 1], 0)),
        config,
        store,
        Some(tls_config),
    ))?;
    let c2s = server.local_addr()?;
    let s2s = server.s2s_addr().context("federation is on")?;
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let task = runtime.spawn(async move {
        if let Err(err) = server.run(stop).await {
            tracing::error!("{domain}: {err}");
        }
    });
    Ok(Running {
        domain,
        c2s,
        s2s,
        identity,
        shutdown,
        task: Some(task),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alice_reaches_bob_through_both_servers() {
        let stage = TwoServers::start().expect("stage");
        let mut alice = stage.login(Lane::Alice, "laptop", None).expect("a");
        let mut bob = stage.login(Lane::Bob, "phone", None).expect("b");
        stage.block_on(async {
            // Available, so that a message to the bare JID is delivered
            // (RFC 6121 § 8.5.2.1.1), not stored.
            bob.send(&Element::new("presence", None)).await.expect("p");
            let message = Element::new("message", None)
                .with_attr("to", "bob@b.example")
                .with_attr("type", "chat")
                .with_child(Element::new("body", None).with_text("hi"));
            alice.send(&message).await.expect("send");
            let got = wait_for(&mut bob, "the message", |e| {
                e.local_name() == "message"
            })
            .await
            .expect("message");
            assert_eq!(got.attr("from"), Some("alice@a.example/laptop"));
        });
        let seen = stage.take();
        if std::env::var_os("NETLAB_DUMP").is_some() {
            for s in &seen {
                eprintln!(
                    "{:?} {:?} c{} {:?} {:?} {:?}: {}",
                    s.by, s.stream, s.conn, s.peer, s.jid, s.kind, s.text
                );
            }
        }
        assert!(seen.iter().any(|s| s.by == Lane::B
            && s.stream == Some(StreamKind::ServerIn)
            && s.text.contains("<body>hi</body>")));
    }
}
