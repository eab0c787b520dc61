//! Our XMPP server in the test's own process, on its own runtime thread,
//! bound to 127.0.0.1 port 0: the addresses it got, and a stop that waits
//! for it. Each test file builds the [`Config`] it needs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use netlab::xmpp::server::{Config, Server};
use netlab::xmpp::store::Store;
use tokio_util::sync::CancellationToken;

/// A running server.
pub struct Running {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// Where components connect, when the config asked for a port.
    pub component_addr: Option<SocketAddr>,
    /// Where other servers connect, when it federates.
    pub s2s_addr: Option<SocketAddr>,
    shutdown: CancellationToken,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    /// Binds and runs the server; returns once it listens.
    pub fn spawn(
        config: Config,
        store: Store,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Running {
        let shutdown = CancellationToken::new();
        let stop = shutdown.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async move {
                let server = Server::bind(
                    "127.0.0.1:0".parse().expect("addr"),
                    config,
                    store,
                    tls,
                )
                .await
                .expect("bind");
                tx.send((
                    server.local_addr().expect("addr"),
                    server.component_addr(),
                    server.s2s_addr(),
                ))
                .expect("send addr");
                server.run(stop).await.expect("run");
            });
        });
        let (addr, component_addr, s2s_addr) = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("server started");
        Running {
            addr,
            component_addr,
            s2s_addr,
            shutdown,
            thread: Some(thread),
        }
    }

    /// Where other servers connect (the config federates).
    pub fn s2s(&self) -> SocketAddr {
        self.s2s_addr.expect("this server federates")
    }

    /// Stops the server and waits until it has stopped.
    pub fn stop(&mut self) {
        self.shutdown.cancel();
        if let Some(thread) = self.thread.take() {
            thread.join().expect("server thread");
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.cancel();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
