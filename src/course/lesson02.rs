//! Lesson 2's live demo: interoperability. Two very different clients use
//! one server: netlab's own [`Client`] (alice), and a bare TCP socket on
//! which the lesson types XMPP by hand (bob).
//!
//! The raw socket is a plain [`std::net::TcpStream`]: no XMPP library, no
//! XML writer; every byte it sends is a string written out in this file,
//! and every byte it reads is shown as it arrived. The only help it gets is
//! knowing when the server's answer is complete: `Typist` feeds what it
//! reads to the stream parser ([`StreamParser`]) and stops reading once the
//! expected number of top-level elements arrived.
//!
//! Steps named in `lessons/02-why-xmpp.md`: `client` (alice logs in the
//! usual way), then bob's `open`, `auth`, `restart`, `bind`, `presence`,
//! `message` (to alice, and her answer), `close`.
//!
//! Read before: [`super::lesson01`], [`super::xmpp_stage`]. Book:
//! `book/src/lesson-02.md`. Run: `netlab lesson 2`.
//!
//! Specs: [RFC 6120] § 4.7 (stream headers), § 6 (SASL), § 7 (binding);
//! [RFC 4616] (SASL PLAIN).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 4616]: https://datatracker.ietf.org/doc/html/rfc4616

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use anyhow::{Context, bail};
use base64::Engine as _;

use super::Demo;
use super::conversation::{PATIENCE, chat, user_of, wait_for};
use super::xmpp_stage::{PASSWORD, Stage};
use crate::show::conversation::trace_line;
use crate::show::{fold, style, wrap};
use crate::xmpp::client::Client;
use crate::xmpp::framing::{Element, StreamEvent, StreamParser};
use crate::xmpp::server::TlsMode;

/// Text is wrapped to the course\'s design width (80 columns).
use crate::show::width::DESIGN as WIDTH;

/// The resource bob asks for when he binds by hand.
const BOB_RESOURCE: &str = "telnet";

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(InteropDemo::default())
}

#[derive(Default)]
struct InteropDemo {
    stage: Option<Stage>,
    alice: Option<Client>,
    bob: Option<Typist>,
}

impl Demo for InteropDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "client", "open", "auth", "restart", "bind", "presence", "message",
            "close",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        match step {
            "client" => self.client(),
            "open" => self.open(),
            "auth" => self.auth(),
            "restart" => self.exchange(STREAM_HEADER, 2, true),
            "bind" => self.exchange(&bind_request(BOB_RESOURCE), 1, false),
            "presence" => self.exchange("<presence/>", 1, false),
            "message" => self.message(),
            "close" => self.close(),
            other => bail!("lesson 2 has no demo step `{other}`"),
        }
    }
}

impl InteropDemo {
    fn client(&mut self) -> anyhow::Result<String> {
        let stage = Stage::start(TlsMode::Off, &["alice", "bob"])?;
        let mut alice = stage.connect("alice", "laptop").context("alice")?;
        stage.block_on(async {
            alice.send(&Element::new("presence", None)).await?;
            wait_for(&mut alice, "her own presence", |e| {
                e.local_name() == "presence"
            })
            .await
        })?;
        stage.take_trace();
        let out = format!(
            "{} listening on {}, in this process, without TLS\n{} {}\n",
            style::server("server"),
            stage.addr(),
            style::client("alice "),
            wrap(
                &format!(
                    "netlab's Client logged alice in ({}, with the exchanges \
                     of lesson 1), bound {} and sent <presence/>",
                    alice.mechanism().name(),
                    alice.jid(),
                ),
                WIDTH - 7,
                7
            )
        );
        self.stage = Some(stage);
        self.alice = Some(alice);
        Ok(out)
    }

    fn open(&mut self) -> anyhow::Result<String> {
        let Some(stage) = &self.stage else {
            bail!("the `client` step has to run first");
        };
        let stream = TcpStream::connect(stage.addr())
            .with_context(|| format!("connecting to {}", stage.addr()))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        let local = stream.local_addr()?;
        let mut out = format!(
            "{} connect() to {} from {local}\n       a plain TCP socket: no \
             XMPP library from here on\n",
            style::client("bob   "),
            stage.addr()
        );
        self.bob = Some(Typist::new(stream));
        out.push_str(&self.exchange(STREAM_HEADER, 2, false)?);
        Ok(out)
    }

    fn auth(&mut self) -> anyhow::Result<String> {
        let initial = plain_initial_response("bob", PASSWORD);
        // RFC 4616 § 2: [authorization id] NUL user NUL password.
        let mut out = format!(
            "{} base64( NUL \"bob\" NUL \"{PASSWORD}\" ) = {initial}\n       \
             (RFC 4616: authorization identity, here empty, NUL, user, NUL, \
             password)\n",
            style::client("bob   "),
        );
        out.push_str(&self.exchange(&plain_auth(&initial), 1, false)?);
        Ok(out)
    }

    // ANCHOR: exchange
    /// Types `xml` on bob's socket and shows it, then reads until the
    /// server has sent `answers` complete pieces (stream header, elements,
    /// closing tag) and shows exactly what arrived. `restart` starts a new
    /// parser first, as the stream restarts after SASL (RFC 6120 § 6.4.6).
    fn exchange(
        &mut self,
        xml: &str,
        answers: usize,
        restart: bool,
    ) -> anyhow::Result<String> {
        let Some(bob) = &mut self.bob else {
            bail!("the `open` step has to run first");
        };
        if restart {
            bob.restart();
        }
        bob.type_xml(xml)?;
        let answer = bob.read_answer(answers)?;
        Ok(format!("{}{}", typed(xml), received(&answer)))
    }
    // ANCHOR_END: exchange

    /// Bob ends his stream; the server ends its own and closes the TCP
    /// connection, which bob's next `read()` sees as 0 bytes (lesson 10).
    fn close(&mut self) -> anyhow::Result<String> {
        let mut out = self.exchange("</stream:stream>", 1, false)?;
        let Some(bob) = &mut self.bob else {
            bail!("the `open` step has to run first");
        };
        let n = bob.read_more()?;
        out.push_str(&format!(
            "{} read() = {n}: {}\n",
            style::client("bob   "),
            if n == 0 {
                "the server closed the TCP connection too"
            } else {
                "more bytes after the closing tag"
            }
        ));
        Ok(out)
    }

    fn message(&mut self) -> anyhow::Result<String> {
        let typed_message = "<message to='alice@localhost' \
                             type='chat'><body>Hello from a socket, typed by \
                             hand</body></message>";
        let (Some(stage), Some(alice), Some(bob)) =
            (&self.stage, &mut self.alice, &mut self.bob)
        else {
            bail!("the `client` and `open` steps have to run first");
        };
        stage.take_trace();
        let start = Instant::now();
        bob.type_xml(typed_message)?;
        let (got, _) =
            stage.block_on(wait_for(alice, "bob's message", |e| {
                e.local_name() == "message"
            }))?;
        let elapsed = start.elapsed();
        let mut out = typed(typed_message);
        out.push_str(&format!(
            "{} her Client received it, {} µs after bob's write; as it \
             parsed it:\n{}\n",
            style::client("alice "),
            elapsed.as_micros(),
            indent(&got.to_xml())
        ));
        let reply = chat(
            &format!("bob@localhost/{BOB_RESOURCE}"),
            "Got it. Same server, different software.",
        );
        stage.block_on(alice.send(&reply))?;
        out.push_str(&format!(
            "{} her Client answers (Client::send)\n",
            style::client("alice "),
        ));
        let answer = bob.read_answer(1)?;
        out.push_str(&received(&answer));
        out.push_str("\nThe server's trace of these two messages:\n");
        for line in stage.take_trace() {
            let who = line.jid.as_deref().map_or("?", user_of);
            out.push_str(&trace_line(who, &line, None));
            out.push('\n');
        }
        Ok(out)
    }
}

/// A raw TCP socket and the parser that tells when an answer is
/// complete.
struct Typist {
    stream: TcpStream,
    parser: StreamParser,
}

impl Typist {
    fn new(stream: TcpStream) -> Typist {
        Typist {
            stream,
            parser: StreamParser::new(),
        }
    }

    /// A new stream starts from nothing: a fresh parser.
    fn restart(&mut self) {
        self.parser = StreamParser::new();
    }

    fn type_xml(&mut self, xml: &str) -> anyhow::Result<()> {
        self.stream
            .write_all(xml.as_bytes())
            .context("writing to the server")
    }

    // ANCHOR: read_answer
    /// Reads until the parser has seen `pieces` events (a stream header,
    /// an element, the closing tag); returns every byte read, as it
    /// arrived. TCP delivers bytes, not messages (lesson 9): one `read()`
    /// may hold half an element or three of them, so counting reads would
    /// not do.
    fn read_answer(&mut self, pieces: usize) -> anyhow::Result<String> {
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

    /// One more `read()`, for what comes after the answer: its length.
    fn read_more(&mut self) -> anyhow::Result<usize> {
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
const STREAM_HEADER: &str = "<?xml version='1.0'?><stream:stream \
                             to='localhost' version='1.0' \
                             xmlns='jabber:client' \
                             xmlns:stream='http://etherx.jabber.org/streams'>";
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

fn plain_auth(initial: &str) -> String {
    format!(
        "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' \
         mechanism='PLAIN'>{initial}</auth>"
    )
}
// ANCHOR_END: plain

/// Resource binding (RFC 6120 § 7.5): an iq the server answers with the
/// full JID.
fn bind_request(resource: &str) -> String {
    format!(
        "<iq type='set' id='bind1'><bind \
         xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}\
         </resource></bind></iq>"
    )
}

/// What bob typed, with its size.
fn typed(xml: &str) -> String {
    format!(
        "{} typed {} bytes:\n{}\n",
        style::client("bob   "),
        xml.len(),
        indent(xml)
    )
}

/// What the server sent, with its size; one line per top-level piece.
fn received(answer: &str) -> String {
    format!(
        "{} sent {} bytes:\n{}\n",
        style::server("server"),
        answer.len(),
        split_top_level(answer)
            .iter()
            .map(|piece| indent(piece))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// `text` under the speaker's name, folded between attributes or tags
/// so it fits, continuation lines two columns further in. The bytes are
/// all shown: this lesson is about what was typed.
fn indent(text: &str) -> String {
    let folded = fold(text, WIDTH - 7, 2).replace('\n', "\n       ");
    format!("       {folded}")
}

// ANCHOR: split
/// Splits XML that arrived in one read into its top-level pieces, without
/// changing a byte: `<?xml …?>` and the stream header stay together, each
/// element is one piece, and `</stream:stream>` is one. Only for showing:
/// the parser ([`StreamParser`]) is what reads the stream.
pub fn split_top_level(xml: &str) -> Vec<&str> {
    // Walk from tag to tag, counting depth: an opening tag goes one level
    // down, a closing tag one up, an empty tag (`<x/>`) neither. A piece
    // ends where the depth is back to 0. The stream header is the
    // exception: it opens the document and stays open, so it is a piece
    // of its own.
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut rest = xml;
    let mut offset = 0;
    while let Some(lt) = rest.find('<') {
        let tag_start = offset + lt;
        let Some(gt) = tag_end(&xml[tag_start..]) else {
            break;
        };
        let tag = &xml[tag_start..tag_start + gt + 1];
        let after = tag_start + gt + 1;
        if tag.starts_with("<?") {
            // The declaration belongs with the header after it.
        } else if tag.starts_with("<stream:stream") {
            pieces.push(&xml[start..after]);
            start = after;
        } else if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                pieces.push(&xml[start..after]);
                start = after;
            }
        } else if tag.ends_with("/>") {
            if depth == 0 {
                pieces.push(&xml[start..after]);
                start = after;
            }
        } else {
            depth += 1;
        }
        offset = after;
        rest = &xml[after..];
    }
    if start < xml.len() {
        pieces.push(&xml[start..]);
    }
    pieces
}

/// Where the tag starting at `tag[0] == '<'` ends: the `>` outside quotes.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}
// ANCHOR_END: split

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
    fn splits_at_top_level_without_losing_a_byte() {
        let xml = "<?xml version='1.0'?><stream:stream id='a>b' \
                   version='1.0'><stream:features><bind/></stream:features>\
                   <success xmlns='x'/></stream:stream>";
        let pieces = split_top_level(xml);
        assert_eq!(
            pieces,
            vec![
                "<?xml version='1.0'?><stream:stream id='a>b' version='1.0'>",
                "<stream:features><bind/></stream:features>",
                "<success xmlns='x'/>",
                "</stream:stream>",
            ]
        );
        assert_eq!(pieces.concat(), xml);
    }

    #[test]
    fn an_unfinished_piece_is_kept_whole() {
        assert_eq!(split_top_level("<a><b/>"), vec!["<a><b/>"]);
        assert_eq!(split_top_level("<a x='>"), vec!["<a x='>"]);
        assert!(split_top_level("").is_empty());
    }

    #[test]
    fn the_whole_lesson_runs() {
        let mut demo = demo();
        let mut shown = String::new();
        for step in demo.steps() {
            shown.push_str(&demo.run(step).expect(step));
        }
        assert!(shown.contains("<mechanism>PLAIN</mechanism>"), "{shown}");
        assert!(shown.contains("<success"), "{shown}");
        assert!(shown.contains("bob@localhost/telnet"), "{shown}");
        assert!(shown.contains("Hello from a socket"), "{shown}");
        assert!(shown.contains("Same server, different software"));
        assert!(shown.contains("read() = 0"), "{shown}");
    }
}
