//! The tools students reuse outside the lessons, as the command line runs
//! them: each reads its input, calls the library, and prints with
//! [`crate::show`].
//!
//! - [`dissect`]: `netlab dissect`, capture files and hex taken apart
//! - [`capture`]: `netlab capture`, live traffic taken apart
//! - [`compare`]: `netlab compare`, TCP and UDP measured side by side
//! - [`handshake`]: `netlab handshake`, one connection drawn as a ladder
//! - [`trace`]: `netlab trace`, one chat message through every layer
//! - [`xmpp_server`]: `netlab xmpp server` and its account commands
//! - [`xmpp_client`]: `netlab xmpp client`, chat or one-shot send/receive
//! - [`xmpp_bench`]: `netlab xmpp bench`, load on any XMPP server
//! - [`xmpp_gateway`]: `netlab xmpp gateway`, XMPP ↔ IRC

pub mod capture;
pub mod compare;
pub mod dissect;
pub mod handshake;
pub mod lab;
pub mod socket;
pub mod trace;
pub mod xmpp_bench;
pub mod xmpp_client;
pub mod xmpp_gateway;
pub mod xmpp_server;
