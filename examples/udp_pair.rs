//! A UDP receiver and a UDP sender in one program.
//!
//! **Idea:** UDP has no connections. There is no `listen`, no `accept`
//! and no stream of bytes: the sender just addresses each *datagram* to
//! the receiver with `send_to`, and every `recv_from` returns exactly one
//! whole datagram together with the address it came from. Three sends
//! give three separate receives; they are never glued together the way
//! TCP bytes can be.
//!
//! Part of lesson 10, "The socket mechanism" (book chapter
//! `book/src/lesson-10.md`).
//!
//! Run it (it exits by itself):
//!
//! ```text
//! cargo run --example udp_pair
//! ```

use std::net::UdpSocket;
use std::time::Duration;

// ANCHOR: main
fn main() -> std::io::Result<()> {
    // The receiver binds to a port so that others can address it. Port 0
    // lets the kernel pick a free one; local_addr() tells us which.
    let receiver = UdpSocket::bind("127.0.0.1:0")?;
    let receiver_addr = receiver.local_addr()?;
    println!("receiver bound to {receiver_addr}");

    // Should a datagram be lost (UDP does not retransmit), fail after a
    // while instead of waiting forever.
    receiver.set_read_timeout(Some(Duration::from_secs(5)))?;

    // The sender binds to port 0 too: it needs *some* source address, but
    // it does not care which port, so the kernel picks one.
    let sender = UdpSocket::bind("127.0.0.1:0")?;

    // Each send_to is one datagram with its own destination address;
    // nothing is connected, so every call says where to go.
    for text in ["hello", "from", "UDP"] {
        sender.send_to(text.as_bytes(), receiver_addr)?;
    }

    // Each recv_from returns one whole datagram plus the sender's address
    // (the port the kernel chose for `sender` above).
    let mut buf = [0u8; 1500];
    for _ in 0..3 {
        let (n, from) = receiver.recv_from(&mut buf)?;
        let text = String::from_utf8_lossy(&buf[..n]);
        println!("got {n} bytes from {from}: {text:?}");
    }
    Ok(())
}
// ANCHOR_END: main
