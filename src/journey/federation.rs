//! The stage of `netlab trace`: two federated XMPP servers in this process,
//! a.example and b.example, with alice logged in to the first and bob to
//! the second.
//!
//! Each server listens on 127.0.0.1 twice, on ports the kernel picks: once
//! for clients (c2s, RFC 6120 § 4) and once for other servers (s2s). The
//! servers find each other through pinned routes instead of DNS. A route
//! must name the other server's s2s port before that server exists, so
//! b.example's port is *reserved* first (a listener the kernel gave a port
//! to), then released just before b.example binds it.
//!
//! With [`Protection::Tls`] each server has a self-signed certificate: the
//! clients pin their server's certificate and use STARTTLS, and the servers
//! use STARTTLS between themselves (they do whenever they have a
//! certificate). Without it, everything crosses in plain text, the teaching
//! mode.
//!
//! Read before: `course::xmpp_stage` (one server, lessons 1–6).
//! Read after: [`super::record`]. Book: `book/src/lesson-07.md`.
//! Run: `netlab trace`. Specs: [RFC 6120 § 13.7] (server certificates),
//! [XEP-0220] (dialback).
//!
//! [RFC 6120 § 13.7]: https://datatracker.ietf.org/doc/html/rfc6120#section-13.7
//! [XEP-0220]: https://xmpp.org/extensions/xep-0220.html

use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

use crate::xmpp::accounts;
use crate::xmpp::client::{self, Client, Options, Security};
use crate::xmpp::server::{Config, S2sConfig, Server, TlsMode};
use crate::xmpp::store::Store;
use crate::xmpp::tls::{self, Trust};

/// The password of both accounts.
pub const PASSWORD: &str = "netlab";

/// Whether the servers and clients use TLS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// No TLS anywhere: every byte readable.
    Plaintext,
    /// STARTTLS on every connection.
    Tls,
}

/// Where one server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerInfo {
    /// Its domain.
    pub domain: String,
    /// Where clients connect.
    pub c2s: SocketAddr,
    /// Where other servers connect.
    pub s2s: SocketAddr,
}

/// Two running servers, and the runtime their clients use.
pub struct Federation {
    runtime: Runtime,
    shutdown: CancellationToken,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// a.example, then b.example.
    pub servers: [ServerInfo; 2],
    trust: [Option<Trust>; 2],
    protection: Protection,
}

/// A lines-of-XML recorder for a client's console.
pub type Lines = Arc<Mutex<Vec<(client::Direction, String)>>>;

impl Federation {
    /// Starts a.example and b.example, each with one account (alice, bob),
    /// federating with each other. Tries again in the unlikely case that
    /// another program took b.example's reserved port in the moment it
    /// was free.
    pub fn start(protection: Protection) -> anyhow::Result<Federation> {
        let mut attempt = 1;
        loop {
            match Federation::start_once(protection) {
                Err(e) if attempt < 3 && is_addr_in_use(&e) => attempt += 1,
                other => return other,
            }
        }
    }

    fn start_once(protection: Protection) -> anyhow::Result<Federation> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let shutdown = CancellationToken::new();
        let mut tasks = Vec::new();
        let reserved = TcpListener::bind("127.0.0.1:0")
            .context("reserving a port for b.example")?;
        let b_s2s = reserved.local_addr().context("getsockname")?;
        let a = start_one(
            &runtime,
            &shutdown,
            "a.example",
            "alice",
            SocketAddr::from(([127, 0, 0, 1], 0)),
            ("b.example", b_s2s),
            protection,
        )?;
        // Released now, bound again a moment later by b.example.
        drop(reserved);
        let b = start_one(
            &runtime,
            &shutdown,
            "b.example",
            "bob",
            b_s2s,
            ("a.example", a.0.s2s),
            protection,
        )?;
        tasks.push(a.1);
        tasks.push(b.1);
        Ok(Federation {
            runtime,
            shutdown,
            tasks,
            servers: [a.0, b.0],
            trust: [a.2, b.2],
            protection,
        })
    }

    /// Runs a future on the stage's runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Logs `user` in to server `index` (0: a.example, 1: b.example) as
    /// `user@domain/resource`, recording its XML console in `lines`.
    pub fn connect(
        &self,
        index: usize,
        user: &str,
        resource: &str,
        lines: &Lines,
    ) -> anyhow::Result<Client> {
        let server = &self.servers[index];
        let jid =
            crate::xmpp::jid::Jid::parse(&format!("{user}@{}", server.domain))?;
        let security = match (&self.trust[index], self.protection) {
            (Some(trust), Protection::Tls) => Security::StartTls(trust.clone()),
            _ => Security::Plaintext,
        };
        let mut options = Options::new(jid, PASSWORD, security);
        options.server = Some(server.c2s);
        options.resource = Some(resource.to_owned());
        options.timeout = Duration::from_secs(10);
        let sink = Arc::clone(lines);
        options.trace = Some(Arc::new(move |direction, xml: &str| {
            sink.lock()
                .unwrap_or_else(|p| p.into_inner())
                .push((direction, xml.to_owned()));
        }));
        self.block_on(Client::connect(options))
            .with_context(|| format!("logging {user} in to {}", server.domain))
    }
}

impl Drop for Federation {
    fn drop(&mut self) {
        self.shutdown.cancel();
        for task in self.tasks.drain(..) {
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), task).await
            });
        }
    }
}

/// Whether `e` comes from binding an address already in use.
fn is_addr_in_use(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::AddrInUse)
    })
}

/// Binds and starts one server for `domain` with account `user`, s2s on
/// `s2s_bind`, the other server pinned at `peer`.
fn start_one(
    runtime: &Runtime,
    shutdown: &CancellationToken,
    domain: &str,
    user: &str,
    s2s_bind: SocketAddr,
    peer: (&str, SocketAddr),
    protection: Protection,
) -> anyhow::Result<(ServerInfo, tokio::task::JoinHandle<()>, Option<Trust>)> {
    let store = Store::open(":memory:")?;
    accounts::add(&store, &format!("{user}@{domain}"), domain, PASSWORD)?;
    let mut s2s = S2sConfig::new(s2s_bind);
    s2s.routes.push((peer.0.to_owned(), peer.1));
    s2s.connect_timeout = Duration::from_secs(5);
    s2s.auth_timeout = Duration::from_secs(10);
    let (tls_mode, tls_config, trust) = match protection {
        Protection::Plaintext => (TlsMode::Off, None, None),
        Protection::Tls => {
            let (config, identity) =
                tls::server_config(domain, None, None, None)?;
            (TlsMode::Auto, Some(config), Some(identity.trust()))
        }
    };
    let config = Config {
        domain: domain.to_owned(),
        tls: tls_mode,
        s2s: Some(s2s),
        ..Config::default()
    };
    let server = runtime
        .block_on(Server::bind(
            SocketAddr::from(([127, 0, 0, 1], 0)),
            config,
            store,
            tls_config,
        ))
        .with_context(|| format!("starting {domain} on 127.0.0.1"))?;
    let info = ServerInfo {
        domain: domain.to_owned(),
        c2s: server.local_addr().context("getsockname")?,
        s2s: server
            .s2s_addr()
            .context("the server was configured with s2s")?,
    };
    let stop = shutdown.clone();
    let name = domain.to_owned();
    let task = runtime.spawn(async move {
        if let Err(err) = server.run(stop).await {
            tracing::error!("{name}: {err}");
        }
    });
    Ok((info, task, trust))
}
