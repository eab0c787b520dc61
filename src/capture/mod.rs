//! The machine's network interfaces, and (in later lessons) live capture.
//!
//! This is the only place besides `wire/` that uses pnet: its `datalink`
//! module lists interfaces here and will open raw sockets for capture.
//!
//! - [`interfaces`]: every interface, its flags, MTU and addresses (lesson 8)

pub mod interfaces;
