//! Lesson 6's world: one XMPP server, and Alice and Bob logged in to it
//! twice through counting relays — once in plaintext, once with STARTTLS.
//! Every step of the lesson asks this world for a measurement and gets a
//! value back; `src/show/costs.rs` lays the values out and
//! `src/course/lesson06.rs` is the script that calls both.
//!
//! ```text
//!  alice ──relay── server ──relay── bob     resource "tcp" (plaintext)
//!  alice ──relay── server ──relay── bob     resource "tls" (STARTTLS)
//! ```
//!
//! The measurements themselves live one level down: what a message costs
//! in [`super::overhead`], binary data and extensions in [`super::inband`].
//! This file starts the stage once, measures each thing once, and keeps
//! the results, so that a later step (and the worked answers) read the
//! same numbers an earlier step showed.
//!
//! Read before: [`super::xmpp_stage`], [`super::relay`]. Book:
//! `book/src/lesson-06.md`. Run: `netlab lesson 6`.

use anyhow::Context;

use super::inband::{self, BinaryRun, FILE_SIZE, Passthrough};
use super::overhead::{BODY_SIZES, Cost, Pair, Protection};
use super::relay::Counts;
use super::xmpp_stage::Stage;
use crate::xmpp::framing::Element;
use crate::xmpp::server::TlsMode;

/// The stage and two pairs of clients. Fields drop in order: the pairs
/// before the stage, whose runtime they use.
pub struct World {
    plain: Pair,
    tls: Pair,
    /// Per body size: (plaintext, TLS), once measured.
    costs: Vec<(Cost, Cost)>,
    stage: Stage,
}

/// What Alice's login cost, both ways.
#[derive(Clone, Copy, Debug)]
pub struct Logins {
    /// Plaintext, from `connect()` to her bound resource.
    pub plain: Counts,
    /// The same with STARTTLS.
    pub tls: Counts,
}

impl Logins {
    /// What TLS added to a login, in bytes (both directions).
    pub fn tls_extra(&self) -> u64 {
        self.tls.bytes().saturating_sub(self.plain.bytes())
    }
}

/// A request the server does not understand, and its answer.
#[derive(Clone, Debug)]
pub struct Unknown {
    /// Alice's `<iq type="get">` in the made-up namespace.
    pub asked: Element,
    /// The server's `<iq type="error">`.
    pub answer: Element,
}

impl Unknown {
    /// The error condition of the answer: `service-unavailable`, …
    pub fn condition(&self) -> Option<String> {
        self.answer
            .elements()
            .find(|e| e.local_name() == "error")
            .and_then(|e| e.elements().next())
            .map(|c| c.local_name().to_owned())
    }
}

impl World {
    /// Starts the server (plaintext allowed, TLS offered) and logs both
    /// pairs in, counting each login.
    pub fn start() -> anyhow::Result<World> {
        let stage = Stage::start(TlsMode::Auto, &["alice", "bob"])?;
        let plain = Pair::connect(&stage, Protection::Plaintext)?;
        let tls = Pair::connect(&stage, Protection::Tls)?;
        Ok(World {
            plain,
            tls,
            costs: Vec::new(),
            stage,
        })
    }

    /// What Alice's two logins cost.
    pub fn logins(&self) -> Logins {
        Logins {
            plain: self.plain.alice_login,
            tls: self.tls.alice_login,
        }
    }

    /// Every body size of [`BODY_SIZES`], sent both ways, measured once.
    pub fn costs(&mut self) -> anyhow::Result<&[(Cost, Cost)]> {
        if self.costs.is_empty() {
            for body in BODY_SIZES {
                let clear =
                    self.stage.block_on(self.plain.send_and_count(body))?;
                let sealed =
                    self.stage.block_on(self.tls.send_and_count(body))?;
                self.costs.push((clear, sealed));
            }
        }
        Ok(&self.costs)
    }

    /// The largest body, plaintext and TLS: the one whose first bytes
    /// show TLS's record best.
    pub fn largest(&mut self) -> anyhow::Result<(Cost, Cost)> {
        self.costs()?
            .last()
            .cloned()
            .context("no body size was measured")
    }

    /// A [`FILE_SIZE`]-byte file sent in-band, in plaintext.
    pub fn binary(&mut self) -> anyhow::Result<BinaryRun> {
        let file = inband::sample_file(FILE_SIZE);
        self.stage
            .block_on(inband::send_binary(&mut self.plain, &file))
    }

    /// The made-up extension, through the server.
    pub fn extension(&mut self) -> anyhow::Result<Passthrough> {
        self.stage.block_on(inband::pass_extension(&mut self.plain))
    }

    /// A request in the made-up namespace, to the server itself.
    pub fn unknown_request(&mut self) -> anyhow::Result<Unknown> {
        let (asked, answer) = self
            .stage
            .block_on(inband::ask_server_unknown(&mut self.plain))?;
        Ok(Unknown { asked, answer })
    }
}
