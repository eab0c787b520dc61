//! A connection's byte pipe, for the server and the client alike: plain
//! TCP until STARTTLS, TLS over the same TCP connection after it
//! (RFC 6120 § 5.4.3.3).
//!
//! STARTTLS is why this is an enum: the same connection changes type
//! halfway through, when `<proceed/>` has been sent and the TLS handshake
//! starts on the socket that carried the XML so far. `S` is the TLS stream
//! type, which differs between the server's and the client's side of
//! tokio-rustls.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Plain or encrypted.
pub enum Transport<S> {
    /// Before STARTTLS, or in plaintext teaching mode.
    Plain(TcpStream),
    /// After a successful TLS handshake.
    Tls(Box<S>),
    /// Neither: the plain stream was handed to a TLS handshake that has
    /// not given it back (reads see end of stream, writes fail).
    Detached,
}

/// The server's side.
pub type ServerTransport =
    Transport<tokio_rustls::server::TlsStream<TcpStream>>;
/// The client's side.
pub type ClientTransport =
    Transport<tokio_rustls::client::TlsStream<TcpStream>>;

impl<S: AsyncRead + AsyncWrite + Unpin> Transport<S> {
    /// Reads what has arrived. Cancel-safe: if a `select!` or a timeout
    /// drops this future, no bytes are lost (tokio's `read` guarantees it).
    /// That is why timeouts may wrap it — unlike a half-run XML parser,
    /// which is why the parser is fed bytes rather than reading the socket
    /// itself.
    pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(stream) => stream.read(buf).await,
            Transport::Tls(stream) => stream.read(buf).await,
            Transport::Detached => Ok(0),
        }
    }

    /// Writes everything and flushes (TLS holds records until flushed).
    pub async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Transport::Plain(stream) => stream.write_all(bytes).await,
            Transport::Tls(stream) => {
                stream.write_all(bytes).await?;
                stream.flush().await
            }
            Transport::Detached => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// Writes what it can of `bytes` and says how much. Cancel-safe, unlike
    /// [`write_all`](Self::write_all): a future dropped before it finishes
    /// has written nothing, and one that finishes has written exactly the
    /// count it returns. Over TLS the bytes may still sit in the TLS
    /// layer: call [`flush`](Self::flush) after.
    pub async fn write_some(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(stream) => stream.write(bytes).await,
            Transport::Tls(stream) => stream.write(bytes).await,
            Transport::Detached => Err(io::ErrorKind::NotConnected.into()),
        }
    }

    /// Pushes out what the TLS layer holds. Cancel-safe, and harmless to
    /// repeat.
    pub async fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(_) | Transport::Detached => Ok(()),
            Transport::Tls(stream) => stream.flush().await,
        }
    }

    /// Sends FIN (after TLS's close_notify, when encrypted). Best effort:
    /// the peer may be gone already.
    pub async fn shutdown(&mut self) {
        let _ = match self {
            Transport::Plain(stream) => stream.shutdown().await,
            Transport::Tls(stream) => stream.shutdown().await,
            Transport::Detached => Ok(()),
        };
    }

    /// Whether the stream is encrypted.
    pub fn is_secure(&self) -> bool {
        matches!(self, Transport::Tls(_))
    }

    /// Takes the transport out, leaving [`Transport::Detached`]: how the
    /// plain stream is handed to the TLS handshake.
    pub fn take(&mut self) -> Transport<S> {
        std::mem::replace(self, Transport::Detached)
    }
}

impl ServerTransport {
    /// The certificates the client presented in the TLS handshake (its
    /// own first), if it presented any: a server's, on a server stream.
    pub fn peer_certificates(
        &self,
    ) -> Vec<rustls_pki_types::CertificateDer<'static>> {
        match self {
            Transport::Tls(stream) => stream
                .get_ref()
                .1
                .peer_certificates()
                .map(|certs| {
                    certs.iter().map(|c| c.clone().into_owned()).collect()
                })
                .unwrap_or_default(),
            Transport::Plain(_) | Transport::Detached => Vec::new(),
        }
    }

    /// Runs the TLS handshake as the server. Consumes the plain stream:
    /// after `<proceed/>` there is no going back.
    pub async fn accept_tls(
        self,
        acceptor: &tokio_rustls::TlsAcceptor,
    ) -> io::Result<ServerTransport> {
        match self {
            Transport::Plain(stream) => {
                Ok(Transport::Tls(Box::new(acceptor.accept(stream).await?)))
            }
            Transport::Tls(_) | Transport::Detached => Err(already_encrypted()),
        }
    }
}

impl ClientTransport {
    /// Our end of the TCP connection, plain or under TLS.
    pub fn local_addr(&self) -> Option<std::net::SocketAddr> {
        match self {
            Transport::Plain(stream) => stream.local_addr().ok(),
            Transport::Tls(stream) => stream.get_ref().0.local_addr().ok(),
            Transport::Detached => None,
        }
    }

    /// The certificates the server presented (its own first).
    pub fn peer_certificates(
        &self,
    ) -> Vec<rustls_pki_types::CertificateDer<'static>> {
        match self {
            Transport::Tls(stream) => stream
                .get_ref()
                .1
                .peer_certificates()
                .map(|certs| {
                    certs.iter().map(|c| c.clone().into_owned()).collect()
                })
                .unwrap_or_default(),
            Transport::Plain(_) | Transport::Detached => Vec::new(),
        }
    }

    /// Runs the TLS handshake as the client, checking the certificate for
    /// `domain` (sent as SNI).
    pub async fn connect_tls(
        self,
        connector: &tokio_rustls::TlsConnector,
        domain: &str,
    ) -> io::Result<ClientTransport> {
        let name = rustls_pki_types::ServerName::try_from(domain.to_owned())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        match self {
            Transport::Plain(stream) => Ok(Transport::Tls(Box::new(
                connector.connect(name, stream).await?,
            ))),
            Transport::Tls(_) | Transport::Detached => Err(already_encrypted()),
        }
    }
}

fn already_encrypted() -> io::Error {
    io::Error::other("STARTTLS on a stream that is already encrypted")
}
