//! HTTP/1.1 keeps its connections open: two requests, one TCP connection.
//!
//! The article says "HTTP is a short connection" (http是短连接). That was
//! HTTP/1.0 (RFC 1945, 1996), which closed the connection after every
//! response. HTTP/1.1 made connections *persistent* by default: "HTTP/1.1
//! defaults to the use of persistent connections, allowing multiple
//! requests and responses to be carried over a single connection"
//! ([RFC 9112 § 9.3]).
//!
//! Here a tiny HTTP/1.1 server on loopback counts the connections it
//! accepts and the requests it answers, and a client sends two requests
//! over one connection. Only as much HTTP as the demonstration needs is
//! written: a request ends at its blank line, a response carries
//! `Content-Length`.
//!
//! Book: `book/src/lesson-09.md`. Run: `netlab lesson 9`.
//!
//! [RFC 9112 § 9.3]: https://datatracker.ietf.org/doc/html/rfc9112#section-9.3

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::thread;

use crate::sockets::{Error, Result, call};

/// What the server saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeepAlive {
    /// The server's address.
    pub server: SocketAddr,
    /// Connections the server accepted.
    pub connections: u32,
    /// Each request line the server answered, with the client address it
    /// came from.
    pub requests: Vec<(String, SocketAddr)>,
    /// The status lines the client read.
    pub responses: Vec<String>,
}

/// The paths the client asks for.
const PATHS: [&str; 2] = ["/first", "/second"];

// ANCHOR: keepalive
/// Sends two HTTP/1.1 requests over one connection to a local server.
pub fn two_requests(ip: IpAddr) -> Result<KeepAlive> {
    let listener = call(
        || format!("bind({ip}:0)"),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let server = call(|| "getsockname()".into(), listener.local_addr())?;
    let serving = thread::spawn(move || serve(&listener, PATHS.len()));

    let stream =
        call(|| format!("connect({server})"), TcpStream::connect(server))?;
    let mut reader = BufReader::new(&stream);
    let mut responses = Vec::new();
    for path in PATHS {
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {server}\r\nUser-Agent: netlab\r\n\r\n"
        );
        call(|| "write()".into(), (&stream).write_all(request.as_bytes()))?;
        responses.push(read_response(&mut reader)?);
    }
    drop(reader);
    drop(stream); // close: the server's read returns 0 and it stops

    let (connections, requests) =
        serving.join().map_err(|_| Error::Call {
            call: "the HTTP server thread".into(),
            source: std::io::Error::other("it panicked"),
        })??;
    Ok(KeepAlive {
        server,
        connections,
        requests,
        responses,
    })
}
// ANCHOR_END: keepalive

/// Accepts connections until `expected` requests were answered; returns
/// how many connections that took and the request lines.
fn serve(
    listener: &TcpListener,
    expected: usize,
) -> Result<(u32, Vec<(String, SocketAddr)>)> {
    let mut connections = 0;
    let mut requests = Vec::new();
    while requests.len() < expected {
        let (stream, peer) = call(|| "accept()".into(), listener.accept())?;
        connections += 1;
        let mut reader = BufReader::new(&stream);
        // One connection, as many requests as the client sends on it.
        while let Some(line) = read_request(&mut reader)? {
            let body = format!("you asked for {}\n", path_of(&line));
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\
                 Content-Type: text/plain\r\n\r\n{body}",
                body.len()
            );
            call(
                || "write()".into(),
                (&stream).write_all(response.as_bytes()),
            )?;
            requests.push((line, peer));
        }
    }
    Ok((connections, requests))
}

fn path_of(request_line: &str) -> &str {
    request_line.split(' ').nth(1).unwrap_or("?")
}

/// Reads one request head; `None` when the client closed the connection.
fn read_request(reader: &mut impl BufRead) -> Result<Option<String>> {
    let mut first = String::new();
    if call(|| "read()".into(), reader.read_line(&mut first))? == 0 {
        return Ok(None);
    }
    // The head ends with an empty line (RFC 9112 § 2.1).
    loop {
        let mut line = String::new();
        let n = call(|| "read()".into(), reader.read_line(&mut line))?;
        if n == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    Ok(Some(first.trim_end().to_string()))
}

/// Reads one response and returns its status line.
fn read_response(reader: &mut impl BufRead) -> Result<String> {
    let mut status = String::new();
    call(|| "read()".into(), reader.read_line(&mut status))?;
    let mut length = 0;
    loop {
        let mut line = String::new();
        let n = call(|| "read()".into(), reader.read_line(&mut line))?;
        if n == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line
            .to_ascii_lowercase()
            .strip_prefix("content-length:")
            .map(|v| v.trim().to_string())
        {
            length = value.parse().unwrap_or(0);
        }
    }
    let mut body = vec![0u8; length];
    call(|| "read()".into(), reader.read_exact(&mut body))?;
    Ok(status.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_requests_travel_over_one_connection() {
        let run =
            two_requests("127.0.0.1".parse().expect("ip")).expect("demo runs");
        assert_eq!(run.connections, 1);
        assert_eq!(run.requests.len(), 2);
        assert_eq!(run.requests[0].1, run.requests[1].1, "same client port");
        assert!(run.requests[0].0.starts_with("GET /first HTTP/1.1"));
        assert_eq!(run.responses, ["HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]);
    }
}
