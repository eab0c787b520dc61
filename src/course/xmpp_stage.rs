//! The stage for the XMPP lessons (1–6): a real server started inside the
//! lesson's own process, on 127.0.0.1 and a port the kernel picks, with an
//! in-memory database and a few accounts — and clients that log in to it.
//!
//! Everything is real: the clients connect over loopback TCP and go through
//! the whole RFC 6120 negotiation; only the process is shared, so that a
//! lesson needs no second terminal. The server's trace is recorded, so a
//! lesson can show exactly what crossed the wire.
//!
//! The database is in memory ([`Stage::start`]), or, for a lesson that
//! shows what the server keeps, in a file of its own in a fresh temporary
//! directory ([`Setup::on_disk`]): the lesson opens that file a second
//! time and reads what the server wrote there. A [`Setup`] can also name
//! external components (XEP-0114, lesson 4): the server then listens on a
//! second port, for them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::runtime::Runtime;
use tokio_util::sync::CancellationToken;

use crate::xmpp::accounts;
use crate::xmpp::client::{Client, Options, Security};
use crate::xmpp::jid::Jid;
use crate::xmpp::server::{
    ComponentSpec, Config, Server, StreamKind, TlsMode, TraceKind,
};
use crate::xmpp::store::Store;

/// The password of every account on the stage.
pub const PASSWORD: &str = "netlab";

/// One line of the server's trace.
#[derive(Clone, Debug)]
pub struct TraceLine {
    /// The connection's number.
    pub conn: u64,
    /// A client's stream or a component's.
    pub stream: StreamKind,
    /// The full JID once bound.
    pub jid: Option<String>,
    /// In, out, or a note.
    pub kind: TraceKind,
    /// The XML (or note).
    pub text: String,
}

/// A running server and the runtime its clients use.
pub struct Stage {
    runtime: Runtime,
    addr: SocketAddr,
    component_addr: Option<SocketAddr>,
    shutdown: CancellationToken,
    trace: Arc<Mutex<Vec<TraceLine>>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// Other services the lesson started beside the server (a gateway),
    /// stopped with it.
    services: Vec<tokio::task::JoinHandle<()>>,
    /// The directory holding the database file, when on disk.
    dir: Option<PathBuf>,
}

/// What to start: the options of [`Stage::start_with`].
#[derive(Clone, Debug)]
pub struct Setup<'a> {
    /// STARTTLS policy.
    pub tls: TlsMode,
    /// The accounts, each with the password [`PASSWORD`].
    pub users: &'a [&'a str],
    /// Keep the database in a file (see [`Stage::open_store`]).
    pub on_disk: bool,
    /// The components the server hosts; a component port is opened on
    /// 127.0.0.1 when there are any.
    pub components: Vec<ComponentSpec>,
}

impl<'a> Setup<'a> {
    /// No TLS, a database in memory, no components.
    pub fn new(users: &'a [&'a str]) -> Setup<'a> {
        Setup {
            tls: TlsMode::Off,
            users,
            on_disk: false,
            components: Vec::new(),
        }
    }
}

/// Numbers the stages of one process, so that two lessons (or two tests)
/// running at once never share a database directory.
static NEXT_STAGE: AtomicU64 = AtomicU64::new(0);

impl Stage {
    /// Starts a server for `localhost` with these accounts (password
    /// [`PASSWORD`]). `tls` off makes every byte readable, as a lesson
    /// wants; the clients then log in with SCRAM over plain TCP.
    pub fn start(tls: TlsMode, users: &[&str]) -> anyhow::Result<Stage> {
        Stage::start_with(Setup {
            tls,
            ..Setup::new(users)
        })
    }

    /// Starts a server as `setup` says. On disk, the database is the file
    /// `stage.sqlite` in a new directory under the system's temporary
    /// directory, removed when the stage is dropped.
    pub fn start_with(setup: Setup<'_>) -> anyhow::Result<Stage> {
        let dir = if setup.on_disk {
            Some(new_dir()?)
        } else {
            None
        };
        Stage::launch(setup, dir)
    }

    fn launch(setup: Setup<'_>, dir: Option<PathBuf>) -> anyhow::Result<Stage> {
        let Setup {
            tls,
            users,
            components,
            ..
        } = setup;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let path = match &dir {
            Some(dir) => store_file(dir).to_string_lossy().into_owned(),
            None => ":memory:".to_owned(),
        };
        let store = Store::open(&path)?;
        for user in users {
            accounts::add(
                &store,
                &format!("{user}@localhost"),
                "localhost",
                PASSWORD,
            )?;
        }
        let trace: Arc<Mutex<Vec<TraceLine>>> = Arc::default();
        let sink = Arc::clone(&trace);
        let tls_config = match tls {
            TlsMode::Off => None,
            _ => Some(
                crate::xmpp::tls::server_config("localhost", None, None, None)?
                    .0,
            ),
        };
        let config = Config {
            tls,
            trace: Some(Arc::new(move |event| {
                let line = TraceLine {
                    conn: event.conn,
                    stream: event.stream,
                    jid: event.jid.map(str::to_owned),
                    kind: event.kind,
                    text: event.text.to_owned(),
                };
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            })),
            component_bind: (!components.is_empty())
                .then(|| SocketAddr::from(([127, 0, 0, 1], 0))),
            components,
            ..Config::default()
        };
        let shutdown = CancellationToken::new();
        let (server, addr) = runtime.block_on(async {
            let server = Server::bind(
                SocketAddr::from(([127, 0, 0, 1], 0)),
                config,
                store,
                tls_config,
            )
            .await?;
            let addr = server.local_addr()?;
            anyhow::Ok((server, addr))
        })?;
        let component_addr = server.component_addr();
        let stop = shutdown.clone();
        let server = runtime.spawn(async move {
            if let Err(err) = server.run(stop).await {
                tracing::error!("stage server: {err}");
            }
        });
        Ok(Stage {
            runtime,
            addr,
            component_addr,
            shutdown,
            trace,
            server: Some(server),
            services: Vec::new(),
            dir,
        })
    }

    /// The database file, when the stage keeps one on disk.
    pub fn store_path(&self) -> Option<PathBuf> {
        self.dir.as_deref().map(store_file)
    }

    /// Opens the server's database a second time, to read what the server
    /// wrote (SQLite lets several connections share a file). Only for a
    /// stage whose [`Setup::on_disk`] was set.
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let path = self
            .store_path()
            .context("this stage keeps its database in memory")?;
        Ok(Store::open(&path.to_string_lossy())?)
    }

    /// Where components connect, if the setup named any.
    pub fn component_addr(&self) -> Option<SocketAddr> {
        self.component_addr
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs a service beside the server until the stage is dropped: the
    /// future gets the token that is cancelled then.
    pub fn spawn_service<F>(
        &mut self,
        service: impl FnOnce(CancellationToken) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = self.runtime.spawn(service(self.shutdown.clone()));
        self.services.push(task);
    }

    /// Runs a future on the stage's runtime (client work).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Logs `user` in as `user@localhost/resource` without TLS.
    pub fn connect(
        &self,
        user: &str,
        resource: &str,
    ) -> anyhow::Result<Client> {
        let options = self.options(user, resource)?;
        Ok(self.block_on(Client::connect(options))?)
    }

    /// What [`Stage::connect`] logs in with, for a lesson that changes
    /// something first (another address, stream management, a trace).
    pub fn options(
        &self,
        user: &str,
        resource: &str,
    ) -> anyhow::Result<Options> {
        let jid = Jid::parse(&format!("{user}@localhost"))?;
        let mut options = Options::new(jid, PASSWORD, Security::Plaintext);
        options.server = Some(self.addr);
        options.resource = Some(resource.to_owned());
        options.timeout = Duration::from_secs(5);
        Ok(options)
    }

    /// The trace recorded since the last call, emptied.
    pub fn take_trace(&self) -> Vec<TraceLine> {
        std::mem::take(
            &mut *self.trace.lock().unwrap_or_else(|p| p.into_inner()),
        )
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.shutdown.cancel();
        for service in self.services.drain(..) {
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), service).await
            });
        }
        if let Some(server) = self.server.take() {
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), server).await
            });
        }
        if let Some(dir) = self.dir.take() {
            // Best effort: a leftover directory in /tmp harms nobody.
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A new, empty directory for a stage's database.
fn new_dir() -> anyhow::Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "netlab-stage-{}-{}",
        std::process::id(),
        NEXT_STAGE.fetch_add(1, Ordering::Relaxed)
    ));
    // Left over from an earlier process with the same id: not ours to
    // keep.
    if dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("removing {}", dir.display()))?;
    }
    // Private, like every directory netlab makes for a database.
    std::os::unix::fs::DirBuilderExt::mode(
        std::fs::DirBuilder::new().recursive(true),
        0o700,
    )
    .create(&dir)
    .with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The database file inside a stage's directory.
fn store_file(dir: &Path) -> PathBuf {
    dir.join("stage.sqlite")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmpp::framing::Element;

    #[test]
    fn two_clients_chat_on_the_stage() {
        let stage =
            Stage::start(TlsMode::Off, &["alice", "bob"]).expect("stage");
        let mut alice = stage.connect("alice", "laptop").expect("alice");
        let mut bob = stage.connect("bob", "phone").expect("bob");
        stage.block_on(async {
            bob.send(&Element::new("presence", None))
                .await
                .expect("presence");
            // Bob's own presence comes back first.
            let own = bob.recv().await.expect("recv").expect("stanza");
            assert_eq!(own.local_name(), "presence");
            let message = Element::new("message", None)
                .with_attr("to", "bob@localhost")
                .with_attr("type", "chat")
                .with_child(Element::new("body", None).with_text("hi"));
            alice.send(&message).await.expect("send");
            let got = bob.recv().await.expect("recv").expect("stanza");
            assert_eq!(got.attr("from"), Some("alice@localhost/laptop"));
        });
        let trace = stage.take_trace();
        assert!(
            trace.iter().any(|l| l.kind == TraceKind::In
                && l.text.contains("<body>hi</body>"))
        );
    }
}
