//! An external component typed by hand: XEP-0114 written on a plain TCP
//! socket, one string at a time, as lesson 2 typed a client's stream.
//!
//! ```text
//! typed                                            server
//! <stream:stream xmlns='jabber:component:accept'
//!                to='bot.localhost'>           ─►
//!                                              ◄─  <stream:stream id='…'>
//! <handshake>hex(SHA-1(id + secret))</handshake>─►
//!                                              ◄─  <handshake/>
//! <message from='…@bot.localhost' to='…'>…     ─►  from checked, routed
//! ```
//!
//! Lesson 4 uses it to see what a component may and may not do: a
//! component writes its own `from` (it speaks for many addresses), so the
//! server checks that every `from` is in the component's domain, and ends
//! the stream with `invalid-from` when one is not (RFC 6120 § 4.9.3.9).
//! Only the digest is computed here (`src/xmpp/component.rs`); everything
//! else is the literal text on the wire.
//!
//! Read before: `src/xmpp/component.rs`. Book: `book/src/lesson-04.md`.
//!
//! [XEP-0114]: https://xmpp.org/extensions/xep-0114.html

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, bail};

use super::conversation::PATIENCE;
use crate::xmpp::component::handshake_digest;
use crate::xmpp::framing::{Element, StreamEvent, StreamParser};

/// A component's connection, typed by hand.
pub struct TypedComponent {
    stream: TcpStream,
    parser: StreamParser,
    /// Everything typed so far, one string per write.
    pub typed: Vec<String>,
}

impl TypedComponent {
    // ANCHOR: handshake
    /// Connects to the server's component port as `name` and proves the
    /// shared `secret` ([XEP-0114 § 3]).
    ///
    /// [XEP-0114 § 3]: https://xmpp.org/extensions/xep-0114.html#protocol
    pub fn connect(
        addr: SocketAddr,
        name: &str,
        secret: &str,
    ) -> anyhow::Result<TypedComponent> {
        let stream = TcpStream::connect(addr)
            .with_context(|| format!("connecting to {addr}"))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        let mut component = TypedComponent {
            stream,
            parser: StreamParser::new(),
            typed: Vec::new(),
        };
        component.type_xml(&format!(
            "<stream:stream xmlns='jabber:component:accept' \
             xmlns:stream='http://etherx.jabber.org/streams' to='{name}'>"
        ))?;
        // The server's header carries the stream id the digest mixes in.
        let id = match component.next_event()? {
            StreamEvent::Open(header) => header.id.unwrap_or_default(),
            other => bail!("expected the server's header, got {other:?}"),
        };
        let digest = handshake_digest(&id, secret);
        component.type_xml(&format!("<handshake>{digest}</handshake>"))?;
        match component.next_event()? {
            StreamEvent::Element(e) if e.local_name() == "handshake" => {}
            // A refusal is a stream error: its first child names why.
            StreamEvent::Element(e) if e.local_name() == "error" => {
                let condition = e
                    .elements()
                    .next()
                    .map_or("?", |c| c.local_name())
                    .to_owned();
                bail!("the server refused the handshake: <{condition}/>");
            }
            other => bail!("expected <handshake/>, got {other:?}"),
        }
        Ok(component)
    }
    // ANCHOR_END: handshake

    /// Writes `xml` as it is.
    pub fn type_xml(&mut self, xml: &str) -> anyhow::Result<()> {
        self.stream
            .write_all(xml.as_bytes())
            .context("writing to the server")?;
        self.typed.push(xml.to_owned());
        Ok(())
    }

    /// The next stanza from the server; `None` when it closed the stream.
    /// A stream error is returned as the element it is.
    pub fn read_stanza(&mut self) -> anyhow::Result<Option<Element>> {
        match self.next_event()? {
            StreamEvent::Element(element) => Ok(Some(element)),
            StreamEvent::Close => Ok(None),
            StreamEvent::Open(_) => bail!("a second stream header"),
        }
    }

    /// Reads until the parser has a whole event: TCP delivers bytes, not
    /// elements (lesson 9), so one read may hold half of one or three.
    fn next_event(&mut self) -> anyhow::Result<StreamEvent> {
        let mut buf = [0u8; 4096];
        loop {
            if let Some(event) = self.parser.next_event()? {
                return Ok(event);
            }
            let n = self.stream.read(&mut buf).with_context(|| {
                format!("waiting {} s for the server", PATIENCE.as_secs())
            })?;
            if n == 0 {
                bail!("the server closed the connection");
            }
            self.parser.feed(&buf[..n]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::xmpp_stage::{Setup, Stage};
    use crate::xmpp::server::ComponentSpec;

    fn stage() -> Stage {
        Stage::start_with(Setup {
            components: vec![ComponentSpec {
                name: "bot.localhost".into(),
                secret: "right".into(),
            }],
            ..Setup::new(&["alice"])
        })
        .expect("stage")
    }

    #[test]
    fn the_right_secret_is_accepted_and_a_wrong_one_refused() {
        let stage = stage();
        let addr = stage.component_addr().expect("component port");
        let ok = TypedComponent::connect(addr, "bot.localhost", "right")
            .expect("accepted");
        assert_eq!(ok.typed.len(), 2, "header and handshake");
        assert!(ok.typed[1].starts_with("<handshake>"));
        // The secret itself never crosses the wire.
        assert!(!ok.typed.iter().any(|t| t.contains("right")));
        let err = TypedComponent::connect(addr, "bot.localhost", "wrong")
            .err()
            .expect("refused");
        assert!(err.to_string().contains("<not-authorized/>"), "{err}");
    }
}
