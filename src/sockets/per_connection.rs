//! One thread per connection: a server that talks to two clients at once.
//!
//! The article's last stage (连接确认) says the server "creates a new thread"
//! for each confirmed connection. That is one classic design, and the one
//! shown here: the main thread only `accept()`s, and each accepted socket is
//! handed to a thread of its own, so a slow client never blocks another.
//! (The XMPP server in later lessons uses the same idea with tokio tasks,
//! which are far cheaper than threads.)
//!
//! To prove both connections are served *at the same time*, both handler
//! threads meet at a [`Barrier`] while the kernel's table is read: it shows
//! two ESTABLISHED server sockets, owned by two different threads.
//!
//! Read before: [`super::walkthrough`]. Book: `book/src/lesson-10.md`.
//! Run: `netlab lesson 10`.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Barrier};
use std::thread;

use super::proc_net::{self, SocketRow, TcpState};
use super::{Error, Result, call};

/// A handler thread, which returns its name and kernel thread id.
type Handler = thread::JoinHandle<Result<(String, u32)>>;

/// What one handler thread did for one client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    /// The client's name, as it introduced itself.
    pub client: String,
    /// The client's address (its port was chosen by the kernel).
    pub peer: SocketAddr,
    /// The handler thread's name.
    pub thread: String,
    /// The kernel's id for that thread, from `/proc/thread-self`.
    pub tid: u32,
    /// What the client read back.
    pub reply: String,
}

/// The outcome: who served whom, and the kernel's table while both
/// connections were open.
#[derive(Clone, Debug)]
pub struct TwoClients {
    /// The listening address.
    pub server: SocketAddr,
    /// One entry per client, in the order "A", "B".
    pub served: Vec<Served>,
    /// Server-side ESTABLISHED rows seen while both handlers were running.
    pub concurrent: Vec<SocketRow>,
}

/// Starts a listener, connects clients "A" and "B" at once, serves each on
/// its own thread.
pub fn two_clients(ip: IpAddr) -> Result<TwoClients> {
    let listener = call(
        || format!("bind({ip}:0)"),
        TcpListener::bind(SocketAddr::new(ip, 0)),
    )?;
    let server = call(|| "getsockname()".into(), listener.local_addr())?;

    // Two handlers + this thread meet twice: once so we can read the table
    // while both connections are open, once to let them answer.
    let both_open = Arc::new(Barrier::new(3));
    let may_answer = Arc::new(Barrier::new(3));

    // ANCHOR: accept_loop
    let acceptor = {
        let (both_open, may_answer) = (both_open.clone(), may_answer.clone());
        thread::spawn(move || -> Result<Vec<Handler>> {
            let mut handlers = Vec::new();
            for n in 1..=2 {
                let (stream, _peer) =
                    call(|| "accept()".into(), listener.accept())?;
                let (both_open, may_answer) =
                    (both_open.clone(), may_answer.clone());
                // A new thread per connection; the loop goes straight
                // back to accept().
                let handler = thread::Builder::new()
                    .name(format!("conn-{n}"))
                    .spawn(move || serve(stream, &both_open, &may_answer));
                handlers.push(call(|| "spawn thread".into(), handler)?);
            }
            Ok(handlers)
        })
    };
    // ANCHOR_END: accept_loop

    let clients: Vec<_> = ["A", "B"]
        .into_iter()
        .map(|name| thread::spawn(move || client(server, name)))
        .collect();

    both_open.wait();
    let concurrent: Vec<SocketRow> = proc_net::tcp_sockets()?
        .into_iter()
        .filter(|r| r.local == server && r.state == TcpState::Established)
        .collect();
    may_answer.wait();

    let handlers = joined(acceptor)??;
    let mut threads = Vec::new();
    for handler in handlers {
        threads.push(joined(handler)??);
    }
    let mut served = Vec::new();
    for handle in clients {
        let (name, peer, reply) = joined(handle)??;
        // The reply names the thread that served this client.
        let (thread, tid) = threads
            .iter()
            .find(|(t, _)| reply.contains(t.as_str()))
            .cloned()
            .unwrap_or_else(|| ("?".into(), 0));
        served.push(Served {
            client: name,
            peer,
            thread,
            tid,
            reply,
        });
    }
    Ok(TwoClients {
        server,
        served,
        concurrent,
    })
}

// ANCHOR: serve
/// The handler: read the client's line, wait until both clients are
/// connected, answer with this thread's name, close.
fn serve(
    stream: TcpStream,
    both_open: &Barrier,
    may_answer: &Barrier,
) -> Result<(String, u32)> {
    let name = thread::current().name().unwrap_or("unnamed").to_string();
    let tid = thread_id()?;
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    call(|| "read()".into(), reader.read_line(&mut line))?;
    both_open.wait();
    may_answer.wait();
    let answer = format!("{} served by thread {name}\n", line.trim());
    call(|| "write()".into(), (&stream).write_all(answer.as_bytes()))?;
    Ok((name, tid))
}
// ANCHOR_END: serve

fn client(
    server: SocketAddr,
    name: &str,
) -> Result<(String, SocketAddr, String)> {
    let mut stream =
        call(|| format!("connect({server})"), TcpStream::connect(server))?;
    let me = call(|| "getsockname()".into(), stream.local_addr())?;
    call(
        || "write()".into(),
        stream.write_all(format!("client {name}\n").as_bytes()),
    )?;
    let mut reply = String::new();
    call(
        || "read()".into(),
        BufReader::new(&stream).read_line(&mut reply),
    )?;
    Ok((name.to_string(), me, reply.trim().to_string()))
}

/// The kernel's thread id: `/proc/thread-self` links to `PID/task/TID`.
fn thread_id() -> Result<u32> {
    let link = std::fs::read_link("/proc/thread-self").map_err(|source| {
        Error::Proc {
            path: "/proc/thread-self".into(),
            source,
        }
    })?;
    link.file_name()
        .and_then(|tid| tid.to_str())
        .and_then(|tid| tid.parse().ok())
        .ok_or_else(|| Error::ProcFormat {
            path: "/proc/thread-self".into(),
            problem: format!("{} does not end in a thread id", link.display()),
        })
}

/// Joins a thread; a panic in it becomes an error, not a second panic.
fn joined<T>(handle: thread::JoinHandle<T>) -> Result<T> {
    handle.join().map_err(|_| Error::Call {
        call: "a demo thread".into(),
        source: std::io::Error::other("the thread panicked"),
    })
}
