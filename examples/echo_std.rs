//! A blocking TCP echo server using nothing but the standard library.
//!
//! **Idea:** a listening socket hands out one new, connected socket per
//! client (`accept`), and each connected socket is an ordinary byte
//! stream. Here every client gets its own operating-system thread, so a
//! slow client never blocks the others.
//!
//! Part of lesson 10, "The socket mechanism" (book chapter
//! `book/src/lesson-10.md`).
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run --example echo_std -- 127.0.0.1:7000
//! nc 127.0.0.1 7000
//! ```
//!
//! Everything you type into `nc` comes straight back. Passing port `0`
//! (`127.0.0.1:0`) asks the kernel to pick a free port; the
//! `listening on ...` line tells you which one it chose.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::thread;

// ANCHOR: main
fn main() -> std::io::Result<()> {
    // The address to listen on: first command-line argument, or a default.
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".to_string());

    // bind() + listen() in one call: the socket now waits for clients.
    let listener = TcpListener::bind(&addr)?;

    // Print the *real* address: with port 0 the kernel chose the port, so
    // only local_addr() knows it. Flush, because stdout may be a pipe
    // (e.g. in a test) and would otherwise hold the line in its buffer.
    println!("listening on {}", listener.local_addr()?);
    std::io::stdout().flush()?;

    // accept() blocks until a client connects, then returns a brand-new
    // socket for that one client. The listener keeps listening.
    for stream in listener.incoming() {
        let stream = stream?;
        // One thread per client, so clients are served at the same time.
        thread::spawn(move || {
            if let Err(e) = echo(stream) {
                eprintln!("client error: {e}");
            }
        });
    }
    Ok(())
}

/// Sends every byte received on `stream` back to the same client.
fn echo(stream: TcpStream) -> std::io::Result<()> {
    // A TCP socket is full-duplex: we read from one handle and write to
    // another handle of the *same* socket (try_clone duplicates the file
    // descriptor, not the connection).
    let mut reader = stream.try_clone()?;
    let mut writer = stream;
    // copy() loops read -> write until read returns 0 bytes, which is how
    // TCP reports end-of-file: the client closed its side.
    std::io::copy(&mut reader, &mut writer)?;
    Ok(())
}
// ANCHOR_END: main
