//! Lesson 2's measurements: interoperability. Two very different clients
//! use one server: netlab's own [`Client`] (alice), and a bare TCP socket
//! on which the lesson types XMPP by hand (bob, a [`Typist`]).
//!
//! [`Interop`] holds the stage and both of them; each method does one
//! step of bob's login or conversation and returns what was typed and
//! what came back, byte for byte — never text to print. The last,
//! [`Interop::early`], is a third socket that skips the login and sends a
//! message at once: the server's answer is the lesson's proof that
//! logging in is not optional.
//!
//! Read before: [`super::typist`], [`super::xmpp_stage`]. Read after:
//! [`crate::show::interop`], which renders what this returns. Book:
//! `book/src/lesson-02.md`. Run: `netlab lesson 2`.
//!
//! Specs: [RFC 6120] § 4.9 (stream errors), § 6.4.1 (no stanzas before
//! SASL).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::conversation::{chat, wait_for};
use super::typist::{
    Exchange, STREAM_HEADER, Typist, bind_request, chat_by_hand, plain_auth,
    plain_initial_response,
};
use super::xmpp_stage::{PASSWORD, Stage, TraceLine};
use crate::xmpp::client::Client;
use crate::xmpp::framing::Element;
use crate::xmpp::server::TlsMode;

/// The resource bob asks for when he binds by hand.
pub const BOB_RESOURCE: &str = "telnet";

/// What [`Interop::client`] saw: alice logged in by the library.
#[derive(Clone, Debug)]
pub struct AliceIn {
    /// Where the server listens.
    pub server: SocketAddr,
    /// The SASL mechanism her client chose.
    pub mechanism: &'static str,
    /// The address the server bound for her.
    pub jid: String,
}

/// What [`Interop::open`] saw.
#[derive(Clone, Debug)]
pub struct Opened {
    /// Where bob connected.
    pub server: SocketAddr,
    /// Bob's end: 127.0.0.1 and a port the kernel picked.
    pub local: SocketAddr,
    /// His stream header and the server's header and features.
    pub exchange: Exchange,
}

impl Opened {
    /// The mechanisms the server offered, in its order.
    pub fn mechanisms(&self) -> Vec<String> {
        self.exchange
            .answer
            .split("<mechanism>")
            .skip(1)
            .filter_map(|rest| rest.split_once("</mechanism>"))
            .map(|(name, _)| name.to_owned())
            .collect()
    }
}

/// What [`Interop::auth`] saw.
#[derive(Clone, Debug)]
pub struct Auth {
    /// The user bob logged in as.
    pub user: &'static str,
    /// PLAIN's message, in base64.
    pub initial: String,
    /// The `<auth>` typed and the server's answer.
    pub exchange: Exchange,
}

/// What [`Interop::message`] saw.
#[derive(Clone, Debug)]
pub struct Talk {
    /// Bob's message, as he typed it.
    pub typed: String,
    /// Bob's write → alice's client holding the parsed stanza.
    pub took: Duration,
    /// The message as alice's client parsed it.
    pub parsed: Element,
    /// Alice's answer, as it reached bob's socket.
    pub answer: String,
    /// The server's trace of both messages.
    pub trace: Vec<TraceLine>,
}

/// What [`Interop::close`] saw.
#[derive(Clone, Debug)]
pub struct Closed {
    /// Bob's closing tag and the server's.
    pub exchange: Exchange,
    /// What bob's next `read()` returned: 0 once the server closed.
    pub read_after: usize,
}

/// What [`Interop::early`] saw: a message before any login.
#[derive(Clone, Debug)]
pub struct Early {
    /// The impatient socket's address.
    pub local: SocketAddr,
    /// Its stream header and the server's answer.
    pub opened: Exchange,
    /// The message typed before logging in, and the server's answer.
    pub refused: Exchange,
    /// What the next `read()` returned.
    pub read_after: usize,
}

impl Early {
    /// The stream error's condition: `not-authorized`.
    pub fn condition(&self) -> Option<&str> {
        let after = self.refused.answer.split_once("<stream:error>")?.1;
        let name = after.strip_prefix('<')?;
        let end = name.find([' ', '/', '>'])?;
        Some(&name[..end])
    }

    /// The stream error's human-readable text, if it has one.
    pub fn text(&self) -> Option<&str> {
        let after = self.refused.answer.split_once("<text")?.1;
        let body = after.split_once('>')?.1;
        Some(body.split_once("</text>")?.0)
    }
}

/// The server, alice's client and bob's socket.
#[derive(Default)]
pub struct Interop {
    stage: Option<Stage>,
    alice: Option<Client>,
    bob: Option<Typist>,
}

impl Interop {
    fn stage(&self) -> anyhow::Result<&Stage> {
        self.stage
            .as_ref()
            .context("the `client` step has to run first")
    }

    fn bob(&mut self) -> anyhow::Result<&mut Typist> {
        self.bob
            .as_mut()
            .context("the `open` step has to run first")
    }

    /// Starts the server and logs alice in with the client library.
    pub fn client(&mut self) -> anyhow::Result<AliceIn> {
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
        let seen = AliceIn {
            server: stage.addr(),
            mechanism: alice.mechanism().name(),
            jid: alice.jid().to_string(),
        };
        self.stage = Some(stage);
        self.alice = Some(alice);
        Ok(seen)
    }

    /// Bob connects a plain socket and opens a stream by hand.
    pub fn open(&mut self) -> anyhow::Result<Opened> {
        let server = self.stage()?.addr();
        let mut bob = Typist::connect(server)?;
        let local = bob.local_addr()?;
        let exchange = bob.exchange(STREAM_HEADER, 2, false)?;
        self.bob = Some(bob);
        Ok(Opened {
            server,
            local,
            exchange,
        })
    }

    /// Bob logs in with SASL PLAIN, typed by hand.
    pub fn auth(&mut self) -> anyhow::Result<Auth> {
        let user = "bob";
        let initial = plain_initial_response(user, PASSWORD);
        let exchange = self.bob()?.exchange(&plain_auth(&initial), 1, false)?;
        Ok(Auth {
            user,
            initial,
            exchange,
        })
    }

    /// Bob opens the stream again after SASL.
    pub fn restart(&mut self) -> anyhow::Result<Exchange> {
        self.bob()?.exchange(STREAM_HEADER, 2, true)
    }

    /// Bob binds [`BOB_RESOURCE`].
    pub fn bind(&mut self) -> anyhow::Result<Exchange> {
        self.bob()?.exchange(&bind_request(BOB_RESOURCE), 1, false)
    }

    /// Bob says he is online.
    pub fn presence(&mut self) -> anyhow::Result<Exchange> {
        self.bob()?.exchange("<presence/>", 1, false)
    }

    /// Bob writes to alice; her client answers.
    pub fn message(&mut self) -> anyhow::Result<Talk> {
        let typed = chat_by_hand(
            "alice@localhost",
            "Hello from a socket, typed by hand",
        );
        let (Some(stage), Some(alice), Some(bob)) =
            (&self.stage, &mut self.alice, &mut self.bob)
        else {
            bail!("the `client` and `open` steps have to run first");
        };
        stage.take_trace();
        let start = Instant::now();
        bob.type_xml(&typed)?;
        let (parsed, _) =
            stage.block_on(wait_for(alice, "bob's message", |e| {
                e.local_name() == "message"
            }))?;
        let took = start.elapsed();
        let reply = chat(
            &format!("bob@localhost/{BOB_RESOURCE}"),
            "Got it. Same server, different software.",
        );
        stage.block_on(alice.send(&reply))?;
        let answer = bob.read_answer(1)?;
        Ok(Talk {
            typed,
            took,
            parsed,
            answer,
            trace: stage.take_trace(),
        })
    }

    /// Bob ends his stream; the server ends its own and closes the TCP
    /// connection, which bob's next `read()` sees as 0 bytes (lesson 10).
    pub fn close(&mut self) -> anyhow::Result<Closed> {
        let bob = self.bob()?;
        let exchange = bob.exchange("</stream:stream>", 1, false)?;
        let read_after = bob.read_more()?;
        Ok(Closed {
            exchange,
            read_after,
        })
    }

    /// A new socket opens a stream and sends a message without logging
    /// in.
    pub fn early(&mut self) -> anyhow::Result<Early> {
        let mut socket = Typist::connect(self.stage()?.addr())?;
        let local = socket.local_addr()?;
        let opened = socket.exchange(STREAM_HEADER, 2, false)?;
        // The server answers with a stream error and its closing tag: two
        // pieces, then it closes the connection.
        let refused = socket.exchange(
            &chat_by_hand("alice@localhost", "No login, just this"),
            2,
            false,
        )?;
        let read_after = socket.read_more()?;
        Ok(Early {
            local,
            opened,
            refused,
            read_after,
        })
    }
}
