//! Push versus polling, measured: the same messages reach Bob by XMPP push,
//! and reach pollers that ask a small HTTP server "anything new?" at a
//! fixed interval.
//!
//! The article calls XMPP 即时通讯, instant. What makes it instant is
//! *push*: Bob's client keeps one TCP connection open to his server, and
//! the server writes a message into it the moment one arrives (RFC 6120
//! § 8.2.1; the server side is `src/xmpp/server/message.rs`). The
//! alternative, common on the web before WebSockets, is *polling*: the
//! client asks every so often, and most answers are "nothing".
//!
//! ```text
//!  push:  alice ─► server ─► bob            at once, nothing asked
//!  poll:  alice ─► inbox ◄── "new?" ── bob  every interval:
//!                        ──► "no" / "yes: …"
//! ```
//!
//! All three receivers get the same messages at the same moments: the
//! sender posts each message to the HTTP inbox and sends it over XMPP in
//! the same instant. Each receiver's connection goes through a counting
//! [`Relay`], so the bytes are counted the same way for all, and each
//! records when each message arrived. The clock is one process's
//! monotonic clock, so the delays need no clock synchronisation. They are
//! what this machine measured and vary from run to run: the lesson prints
//! them and never asserts on them.
//!
//! The HTTP here is the least that works (as in lesson 9's keep-alive
//! demo): one persistent HTTP/1.1 connection per poller, a request line
//! and a `Host` header, a `Content-Length` and one JSON line per message.
//! Real browsers send hundreds of bytes of headers (cookies, user agent) on
//! every request, so real polling costs more than this.
//!
//! Book: `book/src/lesson-03.md`. Run: `netlab lesson 3`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context, bail};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::relay::{Counts, Relay};
use crate::xmpp::client::Client;
use crate::xmpp::framing::Element;

/// When the messages are sent.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    /// How many.
    pub messages: usize,
    /// When the first is sent, after the start.
    pub first: Duration,
    /// Time between two messages.
    pub spacing: Duration,
}

impl Schedule {
    /// When message `i` (from 0) is sent, after the start.
    pub fn at(&self, i: usize) -> Duration {
        self.first + self.spacing * u32::try_from(i).unwrap_or(u32::MAX)
    }

    /// When the last message is sent.
    pub fn last(&self) -> Duration {
        self.at(self.messages.saturating_sub(1))
    }
}

/// Lesson 3's run: 8 messages over 1.4 s, spaced so that they do not line
/// up with the pollers' ticks.
pub const LESSON: Schedule = Schedule {
    messages: 8,
    first: Duration::from_millis(70),
    spacing: Duration::from_millis(190),
};

/// How a receiver got its messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// XMPP: the server writes into Bob's open connection.
    Push,
    /// HTTP: the client asks at this interval.
    Poll(Duration),
}

/// What one receiver measured.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// Push or poll.
    pub method: Method,
    /// Requests the receiver sent (0 for push).
    pub requests: u32,
    /// Requests answered with nothing new.
    pub empty: u32,
    /// Bytes and reads on the receiver's connection during the run.
    pub traffic: Counts,
    /// For each message, from sending to arrival.
    pub delays: Vec<Duration>,
}

impl Delivery {
    /// The mean delay.
    pub fn mean_delay(&self) -> Option<Duration> {
        let n = u32::try_from(self.delays.len()).ok().filter(|n| *n > 0)?;
        Some(self.delays.iter().sum::<Duration>() / n)
    }

    /// The longest delay.
    pub fn max_delay(&self) -> Option<Duration> {
        self.delays.iter().max().copied()
    }
}

/// The HTTP inbox: the messages posted so far, one JSON line each.
#[derive(Clone, Default)]
struct Inbox {
    lines: Arc<Mutex<Vec<String>>>,
}

impl Inbox {
    fn post(&self, line: String) {
        self.lines
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(line);
    }

    /// The lines after the first `after`.
    fn after(&self, after: usize) -> Vec<String> {
        let lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        lines.get(after..).unwrap_or_default().to_vec()
    }
}

/// The JSON line the inbox serves for message `i`, as a web chat would.
pub fn json_line(i: usize) -> String {
    format!(r#"{{"id":{i},"from":"alice@localhost","body":"message {i}"}}"#)
}

/// The message id a JSON line carries.
fn json_id(line: &str) -> Option<usize> {
    let rest = line.strip_prefix(r#"{"id":"#)?;
    let end = rest.find(',')?;
    rest[..end].parse().ok()
}

// ANCHOR: request
/// What a poller sends: "what came after the first `seen` messages?"
pub fn request(host: SocketAddr, seen: usize) -> String {
    format!("GET /inbox?after={seen} HTTP/1.1\r\nHost: {host}\r\n\r\n")
}

/// The server's answer: the new lines, possibly none.
pub fn response(lines: &[String]) -> String {
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}
// ANCHOR_END: request

/// `after=N` from a request line, or 0.
fn requested_after(request_line: &str) -> usize {
    request_line
        .split_whitespace()
        .nth(1)
        .and_then(|target| target.split_once("after="))
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(0)
}

/// The inbox's HTTP server; stops when dropped.
struct InboxServer {
    addr: SocketAddr,
    stop: CancellationToken,
}

impl InboxServer {
    async fn start(inbox: Inbox) -> std::io::Result<InboxServer> {
        let listener =
            TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let stop = CancellationToken::new();
        let stopped = stop.clone();
        tokio::spawn(async move {
            loop {
                let stream = tokio::select! {
                    _ = stopped.cancelled() => break,
                    accepted = listener.accept() => match accepted {
                        Ok((stream, _)) => stream,
                        Err(_) => continue,
                    },
                };
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream, inbox.clone(), stopped.clone()));
            }
        });
        Ok(InboxServer { addr, stop })
    }
}

impl Drop for InboxServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Answers one persistent connection's requests until it closes.
async fn serve(stream: TcpStream, inbox: Inbox, stop: CancellationToken) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let head = tokio::select! {
            _ = stop.cancelled() => return,
            head = read_head(&mut reader) => head,
        };
        let Ok(Some(head)) = head else { return };
        let first = head.lines().next().unwrap_or_default();
        let answer = response(&inbox.after(requested_after(first)));
        if write.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Reads a request or response head, up to its blank line; `None` at end
/// of stream.
async fn read_head(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Option<String>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        if line == "\r\n" {
            return Ok(Some(head));
        }
        head.push_str(&line);
    }
}

/// What a poller saw.
struct Polled {
    requests: u32,
    empty: u32,
    arrivals: Vec<(usize, Instant)>,
}

// ANCHOR: poll
/// Asks `server` (through its relay at `via`) every `interval` until it
/// has `expected` messages.
async fn poll(
    via: SocketAddr,
    server: SocketAddr,
    interval: Duration,
    expected: usize,
) -> anyhow::Result<Polled> {
    let stream = TcpStream::connect(via).await?;
    stream.set_nodelay(true)?;
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut ticks = tokio::time::interval(interval);
    let mut polled = Polled {
        requests: 0,
        empty: 0,
        arrivals: Vec::new(),
    };
    while polled.arrivals.len() < expected {
        ticks.tick().await; // the first tick is immediate
        let seen = polled.arrivals.len();
        write.write_all(request(server, seen).as_bytes()).await?;
        polled.requests += 1;
        let head = read_head(&mut reader)
            .await?
            .context("the inbox server closed the connection")?;
        let length = content_length(&head)
            .context("the inbox answered without Content-Length")?;
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let now = Instant::now();
        let body = String::from_utf8_lossy(&body);
        let new: Vec<usize> = body.lines().filter_map(json_id).collect();
        if new.is_empty() {
            polled.empty += 1;
        }
        polled.arrivals.extend(new.into_iter().map(|id| (id, now)));
    }
    Ok(polled)
}
// ANCHOR_END: poll

/// The `Content-Length` of a head.
fn content_length(head: &str) -> Option<usize> {
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

/// The XMPP message for message `i`, to `to`.
fn stanza(to: &str, i: usize) -> Element {
    Element::new("message", None)
        .with_attr("to", to)
        .with_attr("type", "chat")
        .with_attr("id", format!("push-{i}"))
        .with_child(
            Element::new("body", None).with_text(format!("message {i}")),
        )
}

// ANCHOR: push
/// Bob's side of push: he asks for nothing, and reads what the server
/// writes into his connection.
async fn receive(
    bob: &mut Client,
    expected: usize,
) -> anyhow::Result<Vec<(usize, Instant)>> {
    let mut arrivals = Vec::new();
    while arrivals.len() < expected {
        let Some(stanza) = bob.recv().await? else {
            bail!("the server closed Bob's stream");
        };
        let id = stanza.attr("id").and_then(|id| id.strip_prefix("push-"));
        if let Some(i) = id.and_then(|i| i.parse().ok()) {
            arrivals.push((i, Instant::now()));
        }
    }
    Ok(arrivals)
}
// ANCHOR_END: push

/// Alice's side: at each scheduled moment, the message goes to the HTTP
/// inbox and over XMPP at once. Returns when each was sent.
async fn send(
    alice: &mut Client,
    to: &str,
    inbox: &Inbox,
    schedule: Schedule,
) -> anyhow::Result<Vec<Instant>> {
    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..schedule.messages {
        tokio::time::sleep_until(start + schedule.at(i)).await;
        let now = Instant::now();
        inbox.post(json_line(i));
        alice.send(&stanza(to, i)).await?;
        sent.push(now);
    }
    Ok(sent)
}

/// Delays from send times and arrivals.
fn delays(sent: &[Instant], arrivals: &[(usize, Instant)]) -> Vec<Duration> {
    arrivals
        .iter()
        .filter_map(|(i, at)| {
            Some(at.saturating_duration_since(*sent.get(*i)?))
        })
        .collect()
}

/// Runs the race: Alice sends `schedule`'s messages to Bob (who is logged
/// in through `bob_relay`) and to an HTTP inbox polled at each of
/// `intervals`. Must run on the stage's runtime.
pub async fn race(
    alice: &mut Client,
    bob: &mut Client,
    bob_relay: &Relay,
    schedule: Schedule,
    intervals: &[Duration],
) -> anyhow::Result<Vec<Delivery>> {
    let inbox = Inbox::default();
    let server = InboxServer::start(inbox.clone()).await?;
    let mut pollers = Vec::new();
    for &interval in intervals {
        let relay = Relay::start(server.addr).await?;
        let task = tokio::spawn(poll(
            relay.addr(),
            server.addr,
            interval,
            schedule.messages,
        ));
        pollers.push((interval, relay, task));
    }
    let to = bob.jid().to_string();
    let before = bob_relay.counts();
    let (sent, pushed) = tokio::join!(
        send(alice, &to, &inbox, schedule),
        receive(bob, schedule.messages)
    );
    let (sent, pushed) = (sent?, pushed?);
    let mut results = vec![Delivery {
        method: Method::Push,
        requests: 0,
        empty: 0,
        traffic: bob_relay.counts().since(before),
        delays: delays(&sent, &pushed),
    }];
    for (interval, relay, task) in pollers {
        let polled = task.await.context("a poller stopped")??;
        results.push(Delivery {
            method: Method::Poll(interval),
            requests: polled.requests,
            empty: polled.empty,
            traffic: relay.counts(),
            delays: delays(&sent, &polled.arrivals),
        });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::relay::connect_through;
    use crate::course::xmpp_stage::Stage;
    use crate::xmpp::client::Security;
    use crate::xmpp::server::TlsMode;

    #[test]
    fn requests_and_responses_round_trip() {
        let host: SocketAddr = "127.0.0.1:8080".parse().expect("addr");
        let req = request(host, 3);
        assert_eq!(
            req,
            "GET /inbox?after=3 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n"
        );
        assert_eq!(requested_after(req.lines().next().expect("line")), 3);
        assert_eq!(requested_after("GET / HTTP/1.1"), 0);
        let answer = response(&[json_line(4)]);
        let (head, body) = answer.split_once("\r\n\r\n").expect("head");
        assert_eq!(content_length(head), Some(body.len()));
        assert_eq!(body.lines().filter_map(json_id).collect::<Vec<_>>(), [4]);
        let empty = response(&[]);
        assert!(empty.ends_with("Content-Length: 0\r\n\r\n"), "{empty}");
    }

    #[test]
    fn schedule_and_statistics() {
        assert_eq!(LESSON.at(0), Duration::from_millis(70));
        assert_eq!(LESSON.last(), Duration::from_millis(70 + 7 * 190));
        let ms = Duration::from_millis;
        let d = Delivery {
            method: Method::Push,
            requests: 0,
            empty: 0,
            traffic: Counts::default(),
            delays: vec![ms(10), ms(30)],
        };
        assert_eq!(d.mean_delay(), Some(ms(20)));
        assert_eq!(d.max_delay(), Some(ms(30)));
        let none = Delivery {
            delays: vec![],
            ..d
        };
        assert_eq!(none.mean_delay(), None);
    }

    #[test]
    fn everyone_gets_every_message_and_only_polls_make_requests() {
        let stage =
            Stage::start(TlsMode::Off, &["alice", "bob"]).expect("stage");
        let relay = stage.block_on(Relay::start(stage.addr())).expect("relay");
        let mut alice = stage.connect("alice", "laptop").expect("alice");
        let mut bob = connect_through(
            &stage,
            &relay,
            "bob",
            "phone",
            Security::Plaintext,
        )
        .expect("bob");
        let quick = Schedule {
            messages: 3,
            first: Duration::from_millis(5),
            spacing: Duration::from_millis(20),
        };
        let results = stage
            .block_on(race(
                &mut alice,
                &mut bob,
                &relay,
                quick,
                &[Duration::from_millis(30)],
            ))
            .expect("race");
        let [push, poll] = &results[..] else {
            panic!("two results: {results:?}");
        };
        assert_eq!(push.delays.len(), 3);
        assert_eq!(poll.delays.len(), 3);
        assert_eq!(push.requests, 0);
        assert_eq!(push.traffic.up.bytes, 0, "push: Bob sends nothing");
        assert!(push.traffic.down.bytes > 0);
        assert!(poll.requests >= 1);
        assert!(poll.traffic.up.bytes > 0);
    }
}
