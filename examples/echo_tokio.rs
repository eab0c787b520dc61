//! The same TCP echo server as `echo_std`, written with tokio.
//!
//! **Idea:** instead of one operating-system thread per client, each
//! client gets a lightweight *task*. While a task waits for data
//! (`.await`), tokio runs other tasks on the same few threads, so one
//! server can juggle many thousands of idle connections cheaply. The
//! socket calls themselves (bind, listen, accept, read, write) are the
//! same ones as in the blocking version.
//!
//! Part of lesson 10, "The socket mechanism" (book chapter
//! `book/src/lesson-10.md`).
//!
//! Run it, then talk to it from a second terminal:
//!
//! ```text
//! cargo run --example echo_tokio -- 127.0.0.1:7000
//! nc 127.0.0.1 7000
//! ```
//!
//! Passing port `0` (`127.0.0.1:0`) lets the kernel pick a free port;
//! the `listening on ...` line tells you which one it chose.

use std::io::Write;
use tokio::net::{TcpListener, TcpStream};

// ANCHOR: main
// #[tokio::main] starts the tokio runtime and runs our async main on it.
#[tokio::main]
async fn main() -> std::io::Result<()> {
    // The address to listen on: first command-line argument, or a default.
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".to_string());

    // bind() + listen(), exactly as in the blocking version.
    let listener = TcpListener::bind(&addr).await?;

    // Print the real address (port 0 means "kernel, you choose") and
    // flush, since stdout may be a pipe that would buffer the line.
    println!("listening on {}", listener.local_addr()?);
    std::io::stdout().flush()?;

    loop {
        // accept() waits without blocking a thread: other tasks keep
        // running meanwhile. It returns the new socket and the peer.
        let (stream, _peer) = listener.accept().await?;
        // One task per client; spawn returns at once, the task runs on.
        tokio::spawn(async move {
            if let Err(e) = echo(stream).await {
                eprintln!("client error: {e}");
            }
        });
    }
}

/// Sends every byte received on `stream` back to the same client.
async fn echo(mut stream: TcpStream) -> std::io::Result<()> {
    // split() gives a read half and a write half of the same socket, so
    // copy() can read from one while writing to the other.
    let (mut reader, mut writer) = stream.split();
    // copy() loops read -> write until the client closes its side (EOF).
    tokio::io::copy(&mut reader, &mut writer).await?;
    Ok(())
}
// ANCHOR_END: main
