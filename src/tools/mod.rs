//! The tools students reuse outside the lessons, as the command line runs
//! them: each reads its input, calls the library, and prints with
//! [`crate::show`].
//!
//! - [`dissect`]: `netlab dissect`, capture files and hex taken apart
//! - [`capture`]: `netlab capture`, live traffic taken apart
//! - [`handshake`]: `netlab handshake`, one connection drawn as a ladder

pub mod capture;
pub mod dissect;
pub mod handshake;
