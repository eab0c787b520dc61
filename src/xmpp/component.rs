//! External components ([XEP-0114]): the protocol a trusted service (a
//! gateway, a bot, a bridge) uses to plug into a server under a domain of
//! its own, such as `gw.localhost`.
//!
//! A component is not a user: it does not log in with SASL and has no
//! roster. It opens a TCP connection to the server's component port and
//! proves it knows a secret shared with the server's operator:
//!
//! ```text
//! component                                   server
//! <stream:stream xmlns='jabber:component:accept'
//!                to='gw.localhost'>       ─►
//!                                         ◄─  <stream:stream from='gw.localhost' id='3BF96D32'>
//! <handshake>hex(SHA-1(id + secret))</handshake>
//!                                         ─►
//!                                         ◄─  <handshake/>      (or a stream error)
//! stanzas both ways, from/to anything @gw.localhost
//! ```
//!
//! The digest mixes in the stream id, which the server picks fresh for each
//! connection, so a recorded handshake cannot be replayed ([XEP-0114 § 3]).
//! It is still a weak scheme (SHA-1, no TLS): components belong on the same
//! machine or a trusted network.
//!
//! [`Component::connect`] is the component's side of that exchange: it
//! opens the stream, reads the server's header for its `id`, sends the
//! digest and waits for the empty `<handshake/>`. A server that refuses
//! says why with a stream error ([RFC 6120 § 4.9.3]), and each refusal
//! becomes a [`ComponentError::Refused`] that names the likely fix:
//! `host-unknown` (the server has no component of that name),
//! `not-authorized` (wrong secret), `conflict` (another component is
//! connected under that name). After the handshake, [`Component::send`]
//! and [`Component::recv`] carry stanzas in namespace
//! `jabber:component:accept`: what the component writes without `xmlns`
//! inherits it.
//!
//! Read next: `server/component.rs` (the server's side) and
//! `gateway/` (a component that bridges to IRC).
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html
//! [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
//! [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3

use std::net::SocketAddr;
use std::time::Duration;

use sha1::{Digest, Sha1};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::client::{ClientTrace, Direction};
use super::framing::{Element, StreamEvent, StreamParser};
use super::ns;

/// The handshake value: lowercase hex of SHA-1(stream id ‖ secret)
/// ([XEP-0114 § 3]: "the component MUST compute the SHA1 hash of the
/// concatenation of the Stream ID and the shared secret").
///
/// [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
pub fn handshake_digest(stream_id: &str, secret: &str) -> String {
    let mut sha1 = Sha1::new();
    sha1.update(stream_id.as_bytes());
    sha1.update(secret.as_bytes());
    sha1.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a received handshake value is the right one, compared in
/// constant time: how long the comparison takes must not tell an attacker
/// how many leading characters were right.
pub fn handshake_matches(
    stream_id: &str,
    secret: &str,
    received: &str,
) -> bool {
    let expected = handshake_digest(stream_id, secret);
    // Case-insensitive: some components write the hex in upper case.
    let received = received.trim().to_ascii_lowercase();
    if expected.len() != received.len() {
        return false;
    }
    expected
        .bytes()
        .zip(received.bytes())
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

/// Why a component could not connect, or its stream ended.
#[derive(Debug, thiserror::Error)]
pub enum ComponentError {
    /// Nothing listens there.
    #[error(
        "nothing accepts connections on {addr}: is the XMPP server running, \
         with a component port (Prosody: component_ports) there?"
    )]
    NoServer {
        /// Where we tried.
        addr: SocketAddr,
    },
    /// The connection could not be made.
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// Where we tried.
        addr: SocketAddr,
        /// What the system said.
        source: std::io::Error,
    },
    /// A step took too long.
    #[error("the server did not answer within {seconds} s while {step}")]
    Timeout {
        /// What we were waiting for.
        step: &'static str,
        /// How long we waited.
        seconds: u64,
    },
    /// The server ended the stream with a stream error
    /// ([RFC 6120 § 4.9.3]).
    ///
    /// [RFC 6120 § 4.9.3]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.9.3
    #[error("the server refused the component with <{condition}/>{}: {advice}", text.as_deref().map(|t| format!(" ({t})")).unwrap_or_default())]
    Refused {
        /// The defined condition: `host-unknown`, `not-authorized`, …
        condition: String,
        /// The server's text, if any.
        text: Option<String>,
        /// What it usually means.
        advice: &'static str,
    },
    /// The server broke the protocol (or is not an XMPP server).
    #[error("the server broke XEP-0114: {0}")]
    Protocol(String),
    /// The server closed the stream or the connection.
    #[error("the server closed the connection{}", if *.during_handshake { " during the handshake" } else { "" })]
    Closed {
        /// Whether it happened before `<handshake/>`.
        during_handshake: bool,
    },
    /// Reading or writing failed.
    #[error("connection error: {0}")]
    Io(#[from] std::io::Error),
}

/// What a stream error usually means for a component.
pub fn explain_refusal(condition: &str) -> &'static str {
    match condition {
        "host-unknown" => {
            "the server has no component of that name: declare it (Prosody: \
             Component \"NAME\" with component_secret) or fix --name"
        }
        "not-authorized" => {
            "the handshake digest was wrong: the secret differs from the \
             server's component_secret"
        }
        "conflict" => {
            "another component is already connected under this name (a \
             gateway still running?)"
        }
        "improper-addressing" => "the stream header had no 'to' name",
        "invalid-from" => {
            "a stanza's 'from' was outside the component's domain"
        }
        "system-shutdown" => "the server is shutting down",
        _ => "see RFC 6120 § 4.9.3 for this condition",
    }
}

/// A connected, authenticated component stream.
pub struct Component {
    io: TcpStream,
    parser: StreamParser,
    buf: Vec<u8>,
    trace: Option<ClientTrace>,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Component")
            .field("peer", &self.io.peer_addr().ok())
            .finish_non_exhaustive()
    }
}

impl Component {
    /// Connects to a server's component port as `name`, proves the secret
    /// ([XEP-0114 § 3]) and returns once the server said `<handshake/>`.
    /// Each step may take `timeout`.
    ///
    /// [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
    pub async fn connect(
        addr: SocketAddr,
        name: &str,
        secret: &str,
        timeout: Duration,
        trace: Option<ClientTrace>,
    ) -> Result<Component, ComponentError> {
        let io = match tokio::time::timeout(timeout, TcpStream::connect(addr))
            .await
        {
            Err(_) => {
                return Err(ComponentError::Timeout {
                    step: "connecting",
                    seconds: timeout.as_secs(),
                });
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                return Err(ComponentError::NoServer { addr });
            }
            Ok(Err(source)) => {
                return Err(ComponentError::Connect { addr, source });
            }
            Ok(Ok(io)) => io,
        };
        let _ = io.set_nodelay(true);
        let mut component = Component {
            io,
            parser: StreamParser::new(),
            buf: vec![0; 16 * 1024],
            trace,
        };
        let handshake = component.handshake(name, secret);
        match tokio::time::timeout(timeout, handshake).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(ComponentError::Timeout {
                    step: "waiting for the handshake",
                    seconds: timeout.as_secs(),
                });
            }
        }
        Ok(component)
    }

    async fn handshake(
        &mut self,
        name: &str,
        secret: &str,
    ) -> Result<(), ComponentError> {
        // [XEP-0114 § 3]: the header names the component in 'to', and
        // carries the content namespace jabber:component:accept. The name
        // comes from our own command line; escape it anyway.
        let to = name
            .replace('&', "&amp;")
            .replace('\'', "&apos;")
            .replace('<', "&lt;");
        self.write(&format!(
            "<stream:stream xmlns='{}' xmlns:stream='{}' to='{to}'>",
            ns::COMPONENT_ACCEPT,
            ns::STREAMS
        ))
        .await?;
        let id = loop {
            match self.next_event(true).await? {
                StreamEvent::Open(header) => match header.id {
                    Some(id) => break id,
                    None => {
                        return Err(ComponentError::Protocol(
                            "the server's stream header has no id, which \
                             the handshake digest needs"
                                .into(),
                        ));
                    }
                },
                StreamEvent::Element(e) => check_stream_error(&e)?,
                StreamEvent::Close => {
                    return Err(ComponentError::Closed {
                        during_handshake: true,
                    });
                }
            }
        };
        let digest = handshake_digest(&id, secret);
        self.send(&Element::new("handshake", None).with_text(digest))
            .await?;
        match self.next_event(true).await? {
            StreamEvent::Element(e) if e.local_name() == "handshake" => {
                self.note(&format!("handshake accepted: we are {name}"));
                Ok(())
            }
            StreamEvent::Element(e) => {
                check_stream_error(&e)?;
                Err(ComponentError::Protocol(format!(
                    "expected <handshake/>, got <{}>",
                    e.name
                )))
            }
            StreamEvent::Close => Err(ComponentError::Closed {
                during_handshake: true,
            }),
            StreamEvent::Open(_) => {
                Err(ComponentError::Protocol("a second stream header".into()))
            }
        }
    }

    /// Sends one stanza (written without `xmlns`, it inherits
    /// `jabber:component:accept`).
    pub async fn send(
        &mut self,
        element: &Element,
    ) -> Result<(), ComponentError> {
        self.write(&element.to_xml()).await
    }

    async fn write(&mut self, xml: &str) -> Result<(), ComponentError> {
        if let Some(trace) = &self.trace {
            trace(Direction::Sent, xml);
        }
        self.io.write_all(xml.as_bytes()).await?;
        Ok(())
    }

    /// The next stanza; `Ok(None)` once the server closed the stream.
    /// A stream error is returned as [`ComponentError::Refused`].
    ///
    /// Cancel-safe: bytes are fed to the parser only after a `read`
    /// completed, so it can sit in a `select!`.
    pub async fn recv(&mut self) -> Result<Option<Element>, ComponentError> {
        match self.next_event(false).await {
            Ok(StreamEvent::Element(e)) => {
                check_stream_error(&e)?;
                Ok(Some(e))
            }
            Ok(StreamEvent::Close) => Ok(None),
            Ok(StreamEvent::Open(_)) => {
                Err(ComponentError::Protocol("a second stream header".into()))
            }
            Err(ComponentError::Closed { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Closes the stream (`</stream:stream>`) and waits up to a second for
    /// the server's closing tag ([RFC 6120 § 4.4]).
    ///
    /// [RFC 6120 § 4.4]: https://datatracker.ietf.org/doc/html/rfc6120#section-4.4
    pub async fn close(mut self) -> Result<(), ComponentError> {
        self.write("</stream:stream>").await?;
        let wait = tokio::time::timeout(Duration::from_secs(1), async {
            while let Ok(Some(_)) = self.recv().await {}
        });
        let _ = wait.await;
        let _ = self.io.shutdown().await;
        Ok(())
    }

    async fn next_event(
        &mut self,
        during_handshake: bool,
    ) -> Result<StreamEvent, ComponentError> {
        loop {
            match self.parser.next_event() {
                Ok(Some(event)) => {
                    if let Some(trace) = &self.trace {
                        let text = match &event {
                            StreamEvent::Open(h) => format!(
                                "<{} from='{}' id='{}'>",
                                h.name,
                                h.from.as_deref().unwrap_or(""),
                                h.id.as_deref().unwrap_or("")
                            ),
                            StreamEvent::Element(e) => e.to_xml(),
                            StreamEvent::Close => "</stream:stream>".into(),
                        };
                        trace(Direction::Received, &text);
                    }
                    return Ok(event);
                }
                Ok(None) => {}
                Err(e) => {
                    return Err(ComponentError::Protocol(e.to_string()));
                }
            }
            let n = self.io.read(&mut self.buf).await?;
            if n == 0 {
                return Err(ComponentError::Closed { during_handshake });
            }
            self.parser.feed(&self.buf[..n]);
        }
    }

    fn note(&self, text: &str) {
        if let Some(trace) = &self.trace {
            trace(Direction::Note, text);
        }
    }
}

/// `Err(Refused)` if `element` is a `<stream:error/>`.
fn check_stream_error(element: &Element) -> Result<(), ComponentError> {
    if element.local_name() != "error"
        || element.ns.as_deref() != Some(ns::STREAMS)
    {
        return Ok(());
    }
    let condition = element
        .elements()
        .find(|e| {
            e.ns.as_deref() == Some(ns::STREAM_ERRORS)
                && e.local_name() != "text"
        })
        .map_or_else(
            || "undefined-condition".into(),
            |e| e.local_name().to_owned(),
        );
    let text = element.child("text", ns::STREAM_ERRORS).map(Element::text);
    Err(ComponentError::Refused {
        advice: explain_refusal(&condition),
        condition,
        text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xeps_example_handshake() {
        // XEP-0114 § 3, Example 3: stream id 3BF96D32, secret "test".
        assert_eq!(
            handshake_digest("3BF96D32", "test"),
            "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e"
        );
        assert!(handshake_matches(
            "3BF96D32",
            "test",
            "AAEE83C26AEEAFCBABEABFCBCD50DF997E0A2A1E"
        ));
        assert!(!handshake_matches("3BF96D32", "test2", "aaee83c2"));
        assert!(!handshake_matches(
            "3BF96D33",
            "test",
            "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e"
        ));
    }

    /// A fake component port: reads the header, answers with id
    /// 3BF96D32, reads the handshake and answers with `answer(digest)`.
    async fn fake_server(
        answer: fn(&str) -> String,
    ) -> (SocketAddr, tokio::task::JoinHandle<String>) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let task = tokio::spawn(async move {
            let (mut io, _) = listener.accept().await.expect("accept");
            let mut parser = StreamParser::new();
            let mut buf = vec![0; 4096];
            let mut seen = String::new();
            loop {
                let n = io.read(&mut buf).await.expect("read");
                assert!(n > 0, "component hung up: {seen}");
                seen.push_str(&String::from_utf8_lossy(&buf[..n]));
                parser.feed(&buf[..n]);
                while let Some(event) = parser.next_event().expect("xml") {
                    match event {
                        StreamEvent::Open(h) => {
                            assert_eq!(h.to.as_deref(), Some("gw.localhost"));
                            assert_eq!(
                                h.default_ns.as_deref(),
                                Some(ns::COMPONENT_ACCEPT)
                            );
                            let header = "<stream:stream xmlns:stream=\
                                'http://etherx.jabber.org/streams' \
                                xmlns='jabber:component:accept' \
                                from='gw.localhost' id='3BF96D32'>";
                            io.write_all(header.as_bytes()).await.expect("w");
                        }
                        StreamEvent::Element(e) => {
                            assert_eq!(e.local_name(), "handshake");
                            io.write_all(answer(&e.text()).as_bytes())
                                .await
                                .expect("write");
                            return seen;
                        }
                        StreamEvent::Close => return seen,
                    }
                }
            }
        });
        (addr, task)
    }

    #[tokio::test]
    async fn the_handshake_with_a_server() {
        let (addr, server) = fake_server(|digest| {
            assert_eq!(digest, "aaee83c26aeeafcbabeabfcbcd50df997e0a2a1e");
            "<handshake/><message from='a@localhost' to='x@gw.localhost'>\
             <body>hi</body></message>"
                .into()
        })
        .await;
        let mut component = Component::connect(
            addr,
            "gw.localhost",
            "test",
            Duration::from_secs(5),
            None,
        )
        .await
        .expect("handshake");
        let message = component.recv().await.expect("recv").expect("a stanza");
        assert_eq!(message.ns.as_deref(), Some(ns::COMPONENT_ACCEPT));
        let body = message.child("body", ns::COMPONENT_ACCEPT).expect("body");
        assert_eq!(body.text(), "hi");
        let seen = server.await.expect("server");
        assert!(seen.contains("xmlns='jabber:component:accept'"), "{seen}");
    }

    #[tokio::test]
    async fn refusals_name_the_condition_and_the_fix() {
        for condition in ["not-authorized", "host-unknown", "conflict"] {
            let (addr, _server) = fake_server(match condition {
                "not-authorized" => |_| {
                    "<stream:error><not-authorized \
                     xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
                     </stream:error></stream:stream>"
                        .into()
                },
                "host-unknown" => |_| {
                    "<stream:error><host-unknown \
                     xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
                     </stream:error></stream:stream>"
                        .into()
                },
                _ => |_| {
                    "<stream:error><conflict \
                     xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
                     </stream:error></stream:stream>"
                        .into()
                },
            })
            .await;
            let err = Component::connect(
                addr,
                "gw.localhost",
                "wrong",
                Duration::from_secs(5),
                None,
            )
            .await
            .expect_err("refused");
            let text = err.to_string();
            assert!(
                matches!(&err, ComponentError::Refused { condition: c, .. } if c == condition),
                "{text}"
            );
            assert!(text.contains(&format!("<{condition}/>")), "{text}");
        }
    }

    #[tokio::test]
    async fn nothing_listening_is_a_clear_error() {
        let addr = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
            l.local_addr().expect("addr")
        };
        let err = Component::connect(
            addr,
            "gw.localhost",
            "s",
            Duration::from_secs(5),
            None,
        )
        .await
        .expect_err("refused");
        assert!(matches!(err, ComponentError::NoServer { .. }), "{err}");
    }
}
