//! The course: ten lessons in the order of the article, and the player that
//! narrates them and runs their live demos.
//!
//! - [`registry`]: the ten lessons, what each demo shows, what it needs
//! - [`narration`]: a lesson's Markdown split at its `<!-- demo: … -->`
//!   markers
//! - [`glossary`]: every term, its meaning, lesson and Chinese term;
//!   [`first_use`]: the check that lessons define terms before use
//! - [`pace`]: waiting for Enter between steps, for instructors
//! - [`player`]: plays a lesson: text, demo step, text, …
//! - [`recording`]: a lesson with each step's output in place, for the book
//! - [`lesson01`] … [`lesson10`]: the live demos
//! - [`xmpp_stage`]: an in-process XMPP server and clients for lessons 1–6
//! - [`conversation`]: what the lessons' clients do on it: wait for a
//!   stanza, write a chat message, subscribe
//! - [`im`]: lesson 1's login, connections, push, presence and offline
//!   storage, measured
//! - [`typist`], [`interop`]: XMPP typed by hand on a bare socket, and
//!   lesson 2's two clients on one server
//! - [`relay`]: a counting TCP relay, bytes on the wire without capture
//! - [`traits`]: lesson 3's claims checked on a stage; [`stanza_notes`],
//!   [`push_poll`]: its annotated stanza and its push-versus-poll race
//! - [`structure`]: lesson 4's server, clients and what it reads of them
//! - [`typed_component`]: an external component (XEP-0114) typed by hand
//! - [`irc_user`]: an IRC user typed by hand, for lesson 4's gateway
//! - [`two_servers`]: lesson 5's two federating servers and what every
//!   party saw
//! - [`pros_cons`]: lesson 6's server and clients, measured once;
//!   [`overhead`], [`inband`]: the measurements themselves
//! - [`worked`]: the words the lessons' worked answers share
//!
//! Book: `book/src/introduction.md`. Run: `netlab lessons`.

pub mod app_acks;
pub mod black_hole;
pub mod conversation;
pub mod first_use;
pub mod glossary;
pub mod im;
pub mod inband;
pub mod interop;
pub mod irc_user;
pub mod lesson01;
pub mod lesson02;
pub mod lesson03;
pub mod lesson04;
pub mod lesson05;
pub mod lesson06;
pub mod lesson07;
pub mod lesson08;
pub mod lesson09;
pub mod lesson10;
pub mod narration;
pub mod overhead;
pub mod pace;
pub mod player;
pub mod pros_cons;
pub mod push_poll;
pub mod recording;
pub mod registry;
pub mod relay;
pub mod stanza_notes;
pub mod structure;
pub mod traits;
pub mod two_servers;
pub mod typed_component;
pub mod typist;
pub mod worked;
pub mod xmpp_stage;
pub mod zh;

/// A lesson's live demo: the steps its narration's markers name.
pub trait Demo {
    /// The step names, in the order the narration uses them.
    fn steps(&self) -> &'static [&'static str];

    /// Runs one step and returns what to print.
    fn run(&mut self, step: &str) -> anyhow::Result<String>;

    /// Worked answers to the lesson's exercises, one per exercise in the
    /// narration's order, as Markdown, computed from what *this* run
    /// measured (`netlab lesson N --answers`). Called after every step has
    /// run. `None` for a lesson whose answers are not written yet.
    fn answers(&self) -> Option<Vec<String>> {
        None
    }
}
