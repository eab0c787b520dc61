//! The machine's network interfaces, and (in later lessons) live capture.
//!
//! This is the only place besides `wire/` that uses pnet: its `datalink`
//! module lists interfaces here and will open raw sockets for capture.
//!
//! - [`interfaces`]: every interface, its flags, MTU and addresses (lesson 8)
//! - [`file`]: pcap and pcapng files, read and written (lesson 7)
//! - [`live`]: frames from an interface as they pass (lesson 7)

pub mod file;
pub mod interfaces;
pub mod live;
