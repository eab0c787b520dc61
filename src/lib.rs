//! netlab: a hands-on course in how instant messaging travels over a network.
//!
//! The crate is laid out like the network stack it teaches, and every layer
//! depends only on the layers below it:
//!
//! ```text
//! cli ──► course ──► show          presentation: lessons, tables, colours
//!            │
//!            ▼
//!         sockets, capture          the kernel's sockets and interfaces
//!            │
//!            ▼
//!          wire                     packets as bytes: headers parsed and built
//! ```
//!
//! [`sockets`], [`capture`] and [`wire`] return values and never print;
//! [`course`] and [`show`] decide how those values look on a terminal. That
//! split is what lets the tests check what the kernel did without scraping
//! text.
//!
//! Start reading at [`course::registry`] (the ten lessons, in the article's
//! order), then [`sockets::walkthrough`] (lesson 10, the socket calls one by
//! one).
//!
//! [`journey`] puts the two together: one message sent across two
//! federated servers while the capture watches every layer.
//!
//! The XMPP code lives in [`xmpp`] (protocol, client, server) and
//! [`gateway`] (an XMPP ↔ IRC gateway built on [`xmpp::component`]), with
//! the same rule: they return values and report events, the CLI prints.
//!
//! Book: `book/src/introduction.md`. Run: `netlab lessons`.

pub mod capture;
pub mod cli;
pub mod course;
pub mod gateway;
pub mod journey;
pub mod lang;
pub mod program;
pub mod show;
pub mod sockets;
pub mod tools;
pub mod transport;
pub mod units;
pub mod wire;
pub mod xmpp;
