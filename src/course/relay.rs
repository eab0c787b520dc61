//! A counting relay: a middleman on loopback that forwards a TCP connection
//! to a server and counts every byte that crosses it, in each direction.
//!
//! Lessons 3 and 6 ask "how many bytes does this cost on the wire?".
//! Capturing packets would answer it, but capture needs root (lesson 7). A
//! relay needs nothing: the client connects to the relay instead of the
//! server, the relay connects to the server, and copies bytes both ways,
//! counting as it goes.
//!
//! ```text
//!  client ──► relay ──► server      "up":   what the client sent
//!  client ◄── relay ◄── server      "down": what the server sent
//! ```
//!
//! What it counts is exactly what `read()` returned on its sockets: the
//! bytes the programs wrote, the TCP *payload*. When the stream is
//! encrypted that includes TLS's own record headers, which the relay can
//! count without being able to read the records. It does not see the
//! TCP/IP headers of each segment, nor segments without payload (ACKs):
//! lesson 7's capture shows those, 66 bytes of headers per segment on `lo`.
//!
//! `reads` counts the reads that returned data. On loopback, for a small
//! message written with one `write()` and Nagle's algorithm off (both our
//! XMPP client and server set `TCP_NODELAY`), one read is one segment, so
//! the lessons use it to estimate the segments. It is an estimate, not a
//! capture: a slow relay could find two segments waiting in one read.
//!
//! The relay also keeps a copy of what it forwarded (up to
//! [`KEEP_LIMIT`] bytes per direction), so a lesson can show the very bytes
//! the receiver got.
//!
//! Book: `book/src/lesson-06.md`. Run: `netlab lesson 6`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

use super::xmpp_stage::{PASSWORD, Stage};
use crate::xmpp::client::{Client, Options, Security};
use crate::xmpp::jid::Jid;

/// The most bytes kept per direction; beyond it bytes are still counted,
/// not kept.
pub const KEEP_LIMIT: usize = 1 << 20;

/// Which way bytes went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client to server.
    Up,
    /// Server to client.
    Down,
}

/// Bytes and reads in one direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flow {
    /// Bytes forwarded (TCP payload).
    pub bytes: u64,
    /// Reads that returned data: on loopback, about one per segment.
    pub reads: u64,
}

impl Flow {
    /// What was added since `earlier`.
    pub fn since(self, earlier: Flow) -> Flow {
        Flow {
            bytes: self.bytes.saturating_sub(earlier.bytes),
            reads: self.reads.saturating_sub(earlier.reads),
        }
    }
}

/// Both directions at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Client to server.
    pub up: Flow,
    /// Server to client.
    pub down: Flow,
}

impl Counts {
    /// What was added since `earlier`, in both directions.
    pub fn since(self, earlier: Counts) -> Counts {
        Counts {
            up: self.up.since(earlier.up),
            down: self.down.since(earlier.down),
        }
    }

    /// Bytes in both directions.
    pub fn bytes(self) -> u64 {
        self.up.bytes + self.down.bytes
    }

    /// Reads in both directions.
    pub fn reads(self) -> u64 {
        self.up.reads + self.down.reads
    }
}

/// One direction's counters and copy.
#[derive(Default)]
struct Counter {
    bytes: AtomicU64,
    reads: AtomicU64,
    kept: Mutex<Vec<u8>>,
}

impl Counter {
    fn record(&self, bytes: &[u8]) {
        // Relaxed is enough: each counter is a plain tally, read after the
        // lesson waited for the bytes to arrive at the other end.
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.reads.fetch_add(1, Ordering::Relaxed);
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        let room = KEEP_LIMIT.saturating_sub(kept.len());
        kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
    }

    fn flow(&self) -> Flow {
        Flow {
            bytes: self.bytes.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
        }
    }
}

/// Both directions' counters, shared by the relay's tasks.
#[derive(Default)]
struct Tally {
    up: Counter,
    down: Counter,
}

impl Tally {
    fn counter(&self, direction: Direction) -> &Counter {
        match direction {
            Direction::Up => &self.up,
            Direction::Down => &self.down,
        }
    }
}

/// A running relay. Dropping it stops it and closes its connections.
pub struct Relay {
    addr: SocketAddr,
    tally: Arc<Tally>,
    stop: CancellationToken,
}

impl Relay {
    // ANCHOR: start
    /// Listens on 127.0.0.1 (a port the kernel picks) and forwards every
    /// connection it accepts to `target`. Must run inside a tokio runtime
    /// (`stage.block_on(Relay::start(…))`): its tasks are spawned there.
    pub async fn start(target: SocketAddr) -> std::io::Result<Relay> {
        let listener =
            TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let tally = Arc::new(Tally::default());
        let stop = CancellationToken::new();
        let (shared, stopped) = (Arc::clone(&tally), stop.clone());
        tokio::spawn(async move {
            loop {
                let client = tokio::select! {
                    _ = stopped.cancelled() => break,
                    accepted = listener.accept() => match accepted {
                        Ok((client, _)) => client,
                        Err(_) => {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                            continue;
                        }
                    },
                };
                let Ok(server) = TcpStream::connect(target).await else {
                    // Nobody at the target: the client sees its connection
                    // close, as it would with no relay.
                    continue;
                };
                forward(client, server, &shared, &stopped);
            }
        });
        Ok(Relay { addr, tally, stop })
    }
    // ANCHOR_END: start

    /// Where clients connect instead of the server.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Everything counted so far; subtract an earlier value with
    /// [`Counts::since`] to measure one exchange.
    pub fn counts(&self) -> Counts {
        Counts {
            up: self.tally.up.flow(),
            down: self.tally.down.flow(),
        }
    }

    /// The bytes kept in one direction since the last call, emptied.
    pub fn take_kept(&self, direction: Direction) -> Vec<u8> {
        let counter = self.tally.counter(direction);
        std::mem::take(
            &mut *counter.kept.lock().unwrap_or_else(|p| p.into_inner()),
        )
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Starts the two copying tasks of one connection.
fn forward(
    client: TcpStream,
    server: TcpStream,
    tally: &Arc<Tally>,
    stop: &CancellationToken,
) {
    // The relay must not delay small writes either, or it would add up to
    // 40 ms (a delayed ACK) to what the lessons measure.
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    for (from, to, direction) in [
        (client_read, server_write, Direction::Up),
        (server_read, client_write, Direction::Down),
    ] {
        let (tally, stop) = (Arc::clone(tally), stop.clone());
        tokio::spawn(pump(from, to, tally, direction, stop));
    }
}

// ANCHOR: pump
/// Copies one direction until end of stream, counting each read.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    tally: Arc<Tally>,
    direction: Direction,
    stop: CancellationToken,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = tokio::select! {
            _ = stop.cancelled() => break,
            read = from.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            },
        };
        // Counted before it is passed on: once the receiver has the
        // bytes, the count already includes them.
        tally.counter(direction).record(&buf[..n]);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    // Pass the end of stream on (a FIN), so each side sees the other close.
    let _ = to.shutdown().await;
}
// ANCHOR_END: pump

/// Logs `user` in as `user@localhost/resource` through `relay`, as
/// [`Stage::connect`] does directly, with the given security.
pub fn connect_through(
    stage: &Stage,
    relay: &Relay,
    user: &str,
    resource: &str,
    security: Security,
) -> anyhow::Result<Client> {
    let jid = Jid::parse(&format!("{user}@localhost"))?;
    let mut options = Options::new(jid, PASSWORD, security);
    options.server = Some(relay.addr());
    options.resource = Some(resource.to_owned());
    options.timeout = Duration::from_secs(5);
    stage
        .block_on(Client::connect(options))
        .with_context(|| format!("logging {user} in through the relay"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An echo server on loopback, for the relay to forward to.
    async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    while let Ok(n) = stream.read(&mut buf).await {
                        if n == 0 || stream.write_all(&buf[..n]).await.is_err()
                        {
                            break;
                        }
                    }
                });
            }
        });
        addr
    }

    #[tokio::test]
    async fn counts_and_keeps_both_directions() {
        let relay = Relay::start(echo_server().await).await.expect("relay");
        let before = relay.counts();
        let mut client = TcpStream::connect(relay.addr()).await.expect("conn");
        client.write_all(b"hello").await.expect("write");
        let mut back = [0u8; 5];
        client.read_exact(&mut back).await.expect("echo");
        assert_eq!(&back, b"hello");
        client.write_all(b", world").await.expect("write");
        let mut back = [0u8; 7];
        client.read_exact(&mut back).await.expect("echo");

        let used = relay.counts().since(before);
        assert_eq!(used.up.bytes, 12);
        assert_eq!(used.down.bytes, 12);
        assert_eq!(used.bytes(), 24);
        // Two writes each way, waited for one at a time: at least two reads
        // each way, and never more reads than bytes.
        assert!(used.up.reads >= 2 && used.up.reads <= 12, "{used:?}");
        assert_eq!(relay.take_kept(Direction::Up), b"hello, world");
        assert_eq!(relay.take_kept(Direction::Down), b"hello, world");
        assert!(relay.take_kept(Direction::Up).is_empty());
    }

    #[tokio::test]
    async fn passes_the_end_of_stream_on() {
        let relay = Relay::start(echo_server().await).await.expect("relay");
        let mut client = TcpStream::connect(relay.addr()).await.expect("conn");
        client.write_all(b"x").await.expect("write");
        client.shutdown().await.expect("shutdown");
        let mut rest = Vec::new();
        // The echo server sees our FIN through the relay and closes; its
        // FIN comes back through the relay, so this read ends.
        client.read_to_end(&mut rest).await.expect("read");
        assert_eq!(rest, b"x");
    }

    #[test]
    fn differences_never_go_negative() {
        let a = Flow { bytes: 5, reads: 1 };
        let b = Flow { bytes: 9, reads: 3 };
        assert_eq!(b.since(a), Flow { bytes: 4, reads: 2 });
        assert_eq!(a.since(b), Flow::default());
    }
}
