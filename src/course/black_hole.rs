//! A relay on 127.0.0.1 that can turn into a black hole: lesson 9's way of
//! losing data *after* TCP has acknowledged it.
//!
//! The client connects to the relay, the relay to the server, and bytes
//! are copied both ways. While [`BlackHole::swallow`] is on, the relay
//! keeps reading — so its kernel acknowledges every segment, and the
//! client's kernel forgets them — but writes nothing on. That is what a
//! crashing middlebox, a NAT that lost its state or a server that dies
//! between `read()` and handling does to a stream: the sender's TCP says
//! "delivered", the receiving *application* never sees the bytes.
//! [`BlackHole::cut`] then closes every connection through it, as the
//! broken route finally shows.
//!
//! Only lesson 9 uses it (`course/app_acks.rs`); the tests have their own
//! proxy in `tests/xmpp_interop.rs`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// The relay's switches and counters, shared with its tasks.
#[derive(Default)]
struct Switches {
    swallowing: AtomicBool,
    swallowed: AtomicU64,
    /// Cancelled by `cut`, then replaced for the connections after it.
    cut: Mutex<CancellationToken>,
}

/// A running relay; it stops when the runtime does.
pub struct BlackHole {
    addr: SocketAddr,
    switches: Arc<Switches>,
}

impl BlackHole {
    /// Listens on 127.0.0.1 (a port the kernel picks) and relays every
    /// connection to `target`. Call from inside a tokio runtime.
    pub async fn start(target: SocketAddr) -> std::io::Result<BlackHole> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let switches = Arc::new(Switches::default());
        let shared = Arc::clone(&switches);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(target).await else {
                    continue;
                };
                let cut = shared
                    .cut
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone();
                tokio::spawn(relay(client, server, Arc::clone(&shared), cut));
            }
        });
        Ok(BlackHole { addr, switches })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// From now on, read and drop (or, with `false`, relay again).
    pub fn swallow(&self, on: bool) {
        self.switches.swallowing.store(on, Ordering::SeqCst);
    }

    /// Bytes dropped so far.
    pub fn swallowed(&self) -> u64 {
        self.switches.swallowed.load(Ordering::SeqCst)
    }

    /// Closes every connection through the relay; new ones are relayed.
    pub fn cut(&self) {
        let mut cut =
            self.switches.cut.lock().unwrap_or_else(|p| p.into_inner());
        cut.cancel();
        *cut = CancellationToken::new();
    }
}

/// Copies both ways until either side closes or the relay is cut.
async fn relay(
    client: TcpStream,
    server: TcpStream,
    switches: Arc<Switches>,
    cut: CancellationToken,
) {
    let (client_in, client_out) = client.into_split();
    let (server_in, server_out) = server.into_split();
    tokio::select! {
        _ = pipe(client_in, server_out, &switches) => {}
        _ = pipe(server_in, client_out, &switches) => {}
        _ = cut.cancelled() => {}
    }
    // Both halves of both streams are dropped here: each side sees the
    // connection close.
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    switches: &Switches,
) {
    let mut chunk = vec![0; 16 * 1024];
    while let Ok(n @ 1..) = from.read(&mut chunk).await {
        if switches.swallowing.load(Ordering::SeqCst) {
            switches.swallowed.fetch_add(n as u64, Ordering::SeqCst);
            continue;
        }
        if to.write_all(&chunk[..n]).await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relays_swallows_and_cuts() {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let echo = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let target = echo.local_addr().expect("addr");
            tokio::spawn(async move {
                while let Ok((mut s, _)) = echo.accept().await {
                    tokio::spawn(async move {
                        let (mut r, mut w) = s.split();
                        let _ = tokio::io::copy(&mut r, &mut w).await;
                    });
                }
            });
            let hole = BlackHole::start(target).await.expect("start");
            let mut c = TcpStream::connect(hole.addr()).await.expect("conn");
            let mut buf = [0; 5];
            c.write_all(b"hello").await.expect("write");
            c.read_exact(&mut buf).await.expect("echo");
            assert_eq!(&buf, b"hello");
            hole.swallow(true);
            c.write_all(b"lost!").await.expect("TCP takes it");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            assert_eq!(hole.swallowed(), 5);
            hole.swallow(false);
            hole.cut();
            let n = c.read(&mut buf).await.unwrap_or(0);
            assert_eq!(n, 0, "closed, and the swallowed bytes never came back");
        });
    }
}
