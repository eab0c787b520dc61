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
//! directory ([`Stage::start_on_disk`]): the lesson opens that file a
//! second time and reads what the server wrote there.

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
use crate::xmpp::server::{Config, Server, TlsMode, TraceKind};
use crate::xmpp::store::Store;

/// The password of every account on the stage.
pub const PASSWORD: &str = "netlab";

/// One line of the server's trace.
#[derive(Clone, Debug)]
pub struct TraceLine {
    /// The connection's number.
    pub conn: u64,
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
    shutdown: CancellationToken,
    trace: Arc<Mutex<Vec<TraceLine>>>,
    server: Option<tokio::task::JoinHandle<()>>,
    /// The directory holding the database file, when on disk.
    dir: Option<PathBuf>,
}

/// Numbers the stages of one process, so that two lessons (or two tests)
/// running at once never share a database directory.
static NEXT_STAGE: AtomicU64 = AtomicU64::new(0);

impl Stage {
    /// Starts a server for `localhost` with these accounts (password
    /// [`PASSWORD`]). `tls` off makes every byte readable, as a lesson
    /// wants; the clients then log in with SCRAM over plain TCP.
    pub fn start(tls: TlsMode, users: &[&str]) -> anyhow::Result<Stage> {
        Stage::launch(tls, users, None)
    }

    /// The same, with the database in a file, `stage.sqlite`, in a new
    /// directory under the system's temporary directory (removed when the
    /// stage is dropped). [`Stage::open_store`] reads it.
    pub fn start_on_disk(
        tls: TlsMode,
        users: &[&str],
    ) -> anyhow::Result<Stage> {
        let dir = std::env::temp_dir().join(format!(
            "netlab-stage-{}-{}",
            std::process::id(),
            NEXT_STAGE.fetch_add(1, Ordering::Relaxed)
        ));
        // Left over from an earlier process with the same id: not ours
        // to keep.
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("removing {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating {}", dir.display()))?;
        Stage::launch(tls, users, Some(dir))
    }

    fn launch(
        tls: TlsMode,
        users: &[&str],
        dir: Option<PathBuf>,
    ) -> anyhow::Result<Stage> {
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
                    jid: event.jid.map(str::to_owned),
                    kind: event.kind,
                    text: event.text.to_owned(),
                };
                sink.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            })),
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
        let stop = shutdown.clone();
        let server = runtime.spawn(async move {
            if let Err(err) = server.run(stop).await {
                tracing::error!("stage server: {err}");
            }
        });
        Ok(Stage {
            runtime,
            addr,
            shutdown,
            trace,
            server: Some(server),
            dir,
        })
    }

    /// The database file, when the stage keeps one on disk.
    pub fn store_path(&self) -> Option<PathBuf> {
        self.dir.as_deref().map(store_file)
    }

    /// Opens the server's database a second time, to read what the server
    /// wrote (SQLite lets several connections share a file). Only for a
    /// stage started with [`Stage::start_on_disk`].
    pub fn open_store(&self) -> anyhow::Result<Store> {
        let path = self
            .store_path()
            .context("this stage keeps its database in memory")?;
        Ok(Store::open(&path.to_string_lossy())?)
    }

    /// Where the server listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
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
        let jid = Jid::parse(&format!("{user}@localhost"))?;
        let mut options = Options::new(jid, PASSWORD, Security::Plaintext);
        options.server = Some(self.addr);
        options.resource = Some(resource.to_owned());
        options.timeout = Duration::from_secs(5);
        Ok(self.block_on(Client::connect(options))?)
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
