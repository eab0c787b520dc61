//! Someone typing XML on a socket: what a test writes goes out as it is,
//! and [`Typist::expect`] reads until the piece the test waits for has
//! arrived. Over plain TCP or over a TLS stream alike (`S` is either).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long [`Typist::expect`] and [`Typist::closed`] wait.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// A stream and what has been read from it but not yet expected.
pub struct Typist<S: Read + Write> {
    /// The connection.
    pub stream: S,
    /// Read, not yet handed out.
    pub seen: String,
}

impl Typist<TcpStream> {
    /// Connects, with short reads so that waiting can time out.
    pub fn connect(addr: SocketAddr) -> Typist<TcpStream> {
        let stream = TcpStream::connect(addr).expect("connect");
        Typist::over(stream)
    }

    /// Types on an accepted connection.
    pub fn over(stream: TcpStream) -> Typist<TcpStream> {
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("read timeout");
        Typist {
            stream,
            seen: String::new(),
        }
    }
}

impl<S: Read + Write> Typist<S> {
    /// Types on `stream` (already set up for short reads).
    pub fn new(stream: S) -> Typist<S> {
        Typist {
            stream,
            seen: String::new(),
        }
    }

    /// Writes `xml` as it is.
    pub fn send(&mut self, xml: &str) {
        self.stream.write_all(xml.as_bytes()).expect("write");
        self.stream.flush().expect("flush");
    }

    /// Reads until `needle` has arrived; returns everything up to its end
    /// and keeps the rest.
    pub fn expect(&mut self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(at) = self.seen.find(needle) {
                let rest = self.seen.split_off(at + needle.len());
                return std::mem::replace(&mut self.seen, rest);
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "waited {TIMEOUT:?} for {needle:?}; got {:?}",
                self.seen
            );
            self.read_some();
        }
    }

    /// Reads for `wait` and returns what came.
    pub fn quiet(&mut self, wait: Duration) -> String {
        let start = Instant::now();
        while start.elapsed() < wait {
            self.read_some();
        }
        std::mem::take(&mut self.seen)
    }

    /// One read; how many bytes it brought (0 on a timeout, too).
    pub fn read_some(&mut self) -> usize {
        let mut buf = [0u8; 8192];
        match self.stream.read(&mut buf) {
            Ok(n) => {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                n
            }
            Err(_) => 0,
        }
    }

    /// Whether the peer closed the connection (within the timeout).
    pub fn closed(&mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < TIMEOUT {
            let mut buf = [0u8; 8192];
            match self.stream.read(&mut buf) {
                Ok(0) => return true,
                Ok(n) => {
                    self.seen.push_str(&String::from_utf8_lossy(&buf[..n]))
                }
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return true;
                }
                Err(_) => {}
            }
        }
        false
    }
}
