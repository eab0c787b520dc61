//! XMPP typed by hand on a bare TCP socket: no XMPP library, no XML
//! writer. Every byte [`Typist`] sends is a string written out in this
//! file, and every byte it reads is returned as it arrived.
//!
//! The only help it gets is knowing when the server's answer is complete:
//! it feeds what it reads to the stream parser ([`StreamParser`]) and
//! stops reading once the expected number of top-level pieces arrived.
//! TCP delivers bytes, not messages (lesson 9): one `read()` may hold
//! half an element or three of them, so counting reads would not do.
//!
//! Read before: `src/xmpp/framing/` (the parser). Read after:
//! [`super::interop`], which has bob use it in lesson 2. Book:
//! `book/src/lesson-02.md`. Run: `netlab lesson 2`.
//!
//! Specs: [RFC 6120] § 4.7 (stream headers), § 6 (SASL), § 7 (binding);
//! [RFC 4616] (SASL PLAIN).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 4616]: https://datatracker.ietf.org/doc/html/rfc4616

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, bail};
use base64::Engine as _;

use super::conversation::PATIENCE;
use crate::xmpp::framing::{StreamEvent, StreamParser};

/// What was typed, and every byte the server sent back for it.
#[derive(Clone, Debug)]
pub struct Exchange {
    /// The XML typed, byte for byte.
    pub typed: String,
    /// The server's answer, as it arrived.
    pub answer: String,
}

/// A raw TCP socket and the parser that tells when an answer is
/// complete.
pub struct Typist {
    stream: TcpStream,
    parser: StreamParser,
}

impl Typist {
    /// Connects a plain TCP socket to `server`; reads wait at most
    /// [`PATIENCE`].
    pub fn connect(server: SocketAddr) -> anyhow::Result<Typist> {
        let stream = TcpStream::connect(server)
            .with_context(|| format!("connecting to {server}"))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        Ok(Typist {
            stream,
            parser: StreamParser::new(),
        })
    }

    /// This socket's own address: 127.0.0.1 and the port the kernel
    /// picked for it.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.stream.local_addr()?)
    }

    /// A new stream starts from nothing: a fresh parser.
    pub fn restart(&mut self) {
        self.parser = StreamParser::new();
    }

    /// Writes `xml` to the socket, as it is.
    pub fn type_xml(&mut self, xml: &str) -> anyhow::Result<()> {
        self.stream
            .write_all(xml.as_bytes())
            .context("writing to the server")
    }

    // ANCHOR: exchange
    /// Types `xml`, then reads until the server has sent `pieces` complete
    /// pieces (stream header, elements, closing tag). `restart` starts a
    /// new parser first, as the stream restarts after SASL (RFC 6120
    /// § 6.4.6).
    pub fn exchange(
        &mut self,
        xml: &str,
        pieces: usize,
        restart: bool,
    ) -> anyhow::Result<Exchange> {
        if restart {
            self.restart();
        }
        self.type_xml(xml)?;
        Ok(Exchange {
            typed: xml.to_owned(),
            answer: self.read_answer(pieces)?,
        })
    }
    // ANCHOR_END: exchange

    // ANCHOR: read_answer
    /// Reads until the parser has seen `pieces` events (a stream header,
    /// an element, the closing tag); returns every byte read, as it
    /// arrived.
    pub fn read_answer(&mut self, pieces: usize) -> anyhow::Result<String> {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        let mut seen = 0;
        while seen < pieces {
            let n = self.stream.read(&mut buf).with_context(|| {
                format!(
                    "waiting {} s for the server's answer",
                    PATIENCE.as_secs()
                )
            })?;
            if n == 0 {
                bail!("the server closed the connection");
            }
            bytes.extend_from_slice(&buf[..n]);
            self.parser.feed(&buf[..n]);
            while let Some(event) = self.parser.next_event()? {
                seen += 1;
                if event == StreamEvent::Close {
                    break;
                }
            }
        }
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
    // ANCHOR_END: read_answer

    /// One more `read()`, for what comes after the answer: its length
    /// (0: the server closed the connection).
    pub fn read_more(&mut self) -> anyhow::Result<usize> {
        let mut buf = [0u8; 4096];
        self.stream
            .read(&mut buf)
            .context("reading after the closing tag")
    }
}

// ANCHOR: header
/// The stream header a client opens with (RFC 6120 § 4.7): to whom,
/// which version, and the two namespaces, after the XML declaration that
/// starts every new XML document (RFC 6120 § 11.5 says SHOULD). The same
/// bytes open the stream again after the login.
pub const STREAM_HEADER: &str = "<?xml version='1.0'?><stream:stream \
                                 to='localhost' version='1.0' \
                                 xmlns='jabber:client' \
                                 xmlns:stream='http://etherx.jabber.org/\
                                 streams'>";
// ANCHOR_END: header

// ANCHOR: plain
/// SASL PLAIN's one message (RFC 4616 § 2): authorization identity
/// (empty: "the same as the user"), NUL, user name, NUL, password —
/// in base64, as XMPP carries SASL data (RFC 6120 § 6.4.2). Base64 is an
/// encoding, not encryption: anyone who reads the stream can decode it.
pub fn plain_initial_response(user: &str, password: &str) -> String {
    let message = format!("\0{user}\0{password}");
    base64::engine::general_purpose::STANDARD.encode(message)
}

/// The `<auth>` element that carries PLAIN's message.
pub fn plain_auth(initial: &str) -> String {
    format!(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
         mechanism='PLAIN'>{initial}</auth>"
    )
}
// ANCHOR_END: plain

/// Resource binding (RFC 6120 § 7.5): an iq the server answers with the
/// full JID.
pub fn bind_request(resource: &str) -> String {
    format!(
        "<iq type='set' id='bind1'><bind \
         xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}\
         </resource></bind></iq>"
    )
}

/// A chat message typed by hand, single quotes and no `from`.
pub fn chat_by_hand(to: &str, body: &str) -> String {
    format!("<message to='{to}' type='chat'><body>{body}</body></message>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_base64_of_nul_user_nul_password() {
        // RFC 4616 § 4's example, without an authorization identity.
        assert_eq!(
            plain_initial_response("tim", "tanstaaftanstaaf"),
            "AHRpbQB0YW5zdGFhZnRhbnN0YWFm"
        );
        assert_eq!(plain_initial_response("bob", "netlab"), "AGJvYgBuZXRsYWI=");
    }

    #[test]
    fn the_header_is_the_one_bob_has_always_typed() {
        assert_eq!(
            STREAM_HEADER,
            "<?xml version='1.0'?><stream:stream to='localhost' \
             version='1.0' xmlns='jabber:client' \
             xmlns:stream='http://etherx.jabber.org/streams'>"
        );
    }
}
