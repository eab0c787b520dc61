//! Lesson 1's measurements: instant messaging on a real XMPP server,
//! started inside this process, with two real clients on loopback TCP.
//!
//! [`Im`] holds the stage and alice's and bob's clients, and each method
//! does one thing the lesson shows and returns what it saw — never text:
//!
//! - [`Im::login`]: alice and bob log in ([`Stage::connect`]: TCP, stream
//!   header, SASL, resource binding) and say they are online;
//! - [`Im::connections`]: the two TCP connections, as the kernel lists
//!   them in `/proc/net/tcp`, still open after the login;
//! - [`Im::push`]: alice sends, bob receives without having asked, and the
//!   send→receive time is measured;
//! - [`Im::presence`]: they subscribe to each other's presence, bob goes
//!   away, alice is told at once;
//! - [`Im::offline`]: bob disconnects, alice sends anyway, the server
//!   keeps the message and hands it over, stamped, when bob is back.
//!
//! What crossed the wire comes from the server's own trace
//! ([`TraceLine`]), not from our intentions; each line is kept with the
//! name of the person whose connection it is ([`Said`]).
//!
//! Read before: [`super::xmpp_stage`], [`super::conversation`]. Read
//! after: `src/xmpp/server/` (`message.rs` is the push and the offline
//! storage); [`crate::show::im`] renders what this returns. Book:
//! `book/src/lesson-01.md`. Run: `netlab lesson 1`.
//!
//! Specs: [RFC 6120] (streams, SASL, binding), [RFC 6121] (presence
//! subscriptions § 3, presence § 4, messages § 5), [XEP-0203] (delayed
//! delivery).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 6121]: https://datatracker.ietf.org/doc/html/rfc6121
//! [XEP-0203]: https://xmpp.org/extensions/xep-0203.html

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, bail};

use super::conversation::{chat, is_message, subscribe, user_of, wait_for};
use super::xmpp_stage::{Stage, TraceLine};
use crate::sockets::proc_net::{self, TcpState};
use crate::sockets::step::Observed;
use crate::xmpp::client::Client;
use crate::xmpp::framing::Element;
use crate::xmpp::server::{TlsMode, TraceKind};

/// How many more messages [`Im::push`] times, for a median.
pub const TIMED_MESSAGES: usize = 200;

/// How long bob stays offline in [`Im::offline`]: long enough that the
/// server's stamp (whole seconds) and the time he gets the message differ.
pub const AWAY: Duration = Duration::from_millis(1100);

/// One line of the server's trace, with the person whose connection it
/// is: `alice`, or `connection 3` before anyone has bound it.
#[derive(Clone, Debug)]
pub struct Said {
    /// Whose connection: the account name.
    pub who: String,
    /// What the trace recorded.
    pub line: TraceLine,
}

/// What [`Im::login`] saw.
#[derive(Clone, Debug)]
pub struct Login {
    /// Where the server listens.
    pub server: SocketAddr,
    /// From alice's `connect()` to her bound resource.
    pub alice_took: Duration,
    /// Alice's whole login, as the server traced it.
    pub alice: Vec<Said>,
    /// How many pieces of XML bob's login took (notes not counted).
    pub bob_pieces: usize,
    /// Each one's first `<presence/>`, and what the server sent for it.
    pub online: Vec<Said>,
}

/// What [`Im::connections`] saw.
#[derive(Clone, Debug)]
pub struct Connections {
    /// The server's port.
    pub port: u16,
    /// The kernel's rows with that port, each with its owner: the
    /// listener, then alice's connection's two ends, then bob's.
    pub rows: Vec<Observed>,
}

impl Connections {
    /// How many of the rows are ESTABLISHED (two per connection).
    pub fn established(&self) -> usize {
        self.rows
            .iter()
            .filter(|o| o.row.state == TcpState::Established)
            .count()
    }
}

/// What [`Im::push`] saw.
#[derive(Clone, Debug)]
pub struct Pushed {
    /// The message as alice's client wrote it.
    pub typed: Element,
    /// Everything the server read and wrote meanwhile.
    pub trace: Vec<Said>,
    /// The message as bob's client parsed it.
    pub got: Element,
    /// How many stanzas bob's client sent to get it.
    pub bob_sent: usize,
    /// Alice's write → bob's parsed stanza, for this message.
    pub took: Duration,
    /// The same for [`TIMED_MESSAGES`] more, sorted.
    pub times: Vec<Duration>,
}

/// What [`Im::presence`] saw.
#[derive(Clone, Debug)]
pub struct PresenceSeen {
    /// The subscriptions, both ways.
    pub subscribe: Vec<Said>,
    /// Bob's "away", in and out.
    pub away: Vec<Said>,
    /// What alice's client read in bob's `<show>`.
    pub show: String,
    /// Bob's write → alice's client.
    pub took: Duration,
}

/// What [`Im::offline`] saw.
#[derive(Clone, Debug)]
pub struct Offline {
    /// What alice was told when bob left.
    pub gone: Element,
    /// Alice's message to the absent bob, as the server read it.
    pub sent: Vec<Said>,
    /// How many stanzas left the server for anyone meanwhile.
    pub went_out: usize,
    /// How long the lesson kept bob away ([`AWAY`]).
    pub away: Duration,
    /// Bob's second login, from `connect()` to his bound resource.
    pub relogin: Duration,
    /// The client ports of bob's connections, first then second.
    pub bob_ports: Vec<u16>,
    /// The message as bob got it at his next login.
    pub stored: Element,
    /// Its `<delay stamp>`, as the server wrote it.
    pub stamp: Option<String>,
    /// When alice sent it, by this machine's clock.
    pub sent_at: SystemTime,
    /// When bob's client had it.
    pub received: SystemTime,
}

/// One connection, as the server's trace described it.
#[derive(Clone, Debug, Default)]
struct Conn {
    /// The client's address and port ("connected from …").
    peer: Option<SocketAddr>,
    /// The account once bound: `alice`.
    user: Option<String>,
}

/// The server, both clients, and what the trace said about each
/// connection so far.
#[derive(Default)]
pub struct Im {
    stage: Option<Stage>,
    alice: Option<Client>,
    bob: Option<Client>,
    conns: BTreeMap<u64, Conn>,
}

impl Im {
    /// The stage and both clients, or an error saying `login` comes first.
    fn parts(&mut self) -> anyhow::Result<(&Stage, &mut Client, &mut Client)> {
        match (&self.stage, &mut self.alice, &mut self.bob) {
            (Some(stage), Some(alice), Some(bob)) => Ok((stage, alice, bob)),
            _ => bail!("the `login` step has to run first"),
        }
    }

    /// The stage and alice's client (bob may be offline).
    fn stage_and_alice(&mut self) -> anyhow::Result<(&Stage, &mut Client)> {
        match (&self.stage, &mut self.alice) {
            (Some(stage), Some(alice)) => Ok((stage, alice)),
            _ => bail!("the `login` step has to run first"),
        }
    }

    /// The trace since the last call, each line with its connection's
    /// owner, remembering what it says about each connection.
    fn take_trace(&mut self) -> Vec<Said> {
        let Some(stage) = &self.stage else {
            return Vec::new();
        };
        let lines = stage.take_trace();
        for line in &lines {
            let conn = self.conns.entry(line.conn).or_default();
            if let Some(jid) = &line.jid {
                conn.user = Some(user_of(jid).to_owned());
            }
            // The server's note when a connection arrives (its
            // c2s.rs); the stage's trace keeps no address field.
            if let Some(peer) = line
                .text
                .strip_prefix("connected from ")
                .and_then(|p| p.parse().ok())
            {
                conn.peer = Some(peer);
            }
        }
        lines
            .into_iter()
            .map(|line| Said {
                who: self.who(line.conn),
                line,
            })
            .collect()
    }

    /// Who a connection belongs to: `alice`, or its number before bind.
    fn who(&self, conn: u64) -> String {
        self.conns
            .get(&conn)
            .and_then(|c| c.user.clone())
            .unwrap_or_else(|| format!("connection {conn}"))
    }

    /// Who is connected from this client address.
    fn who_at(&self, peer: SocketAddr) -> Option<String> {
        self.conns
            .values()
            .find(|c| c.peer == Some(peer))
            .and_then(|c| c.user.clone())
    }

    /// Starts the server, logs alice and bob in, and has each say it is
    /// online.
    pub fn login(&mut self) -> anyhow::Result<Login> {
        // ANCHOR: login
        // A real server on 127.0.0.1, a port the kernel picks, accounts
        // alice and bob; each connect() is a TCP connection and a whole
        // RFC 6120 negotiation: stream, SASL, restart, bind.
        let stage = Stage::start(TlsMode::Off, &["alice", "bob"])?;
        let started = Instant::now();
        let alice = stage.connect("alice", "laptop").context("alice")?;
        let alice_took = started.elapsed();
        let bob = stage.connect("bob", "phone").context("bob")?;
        // ANCHOR_END: login
        let server = stage.addr();
        self.stage = Some(stage);
        self.alice = Some(alice);
        self.bob = Some(bob);
        let trace = self.take_trace();
        let alice_conn = trace.first().map_or(0, |s| s.line.conn);
        let (alice, bob): (Vec<Said>, Vec<Said>) =
            trace.into_iter().partition(|s| s.line.conn == alice_conn);
        let bob_pieces = bob
            .iter()
            .filter(|s| s.line.kind != TraceKind::Note)
            .count();
        let (stage, alice_client, bob_client) = self.parts()?;
        // ANCHOR: online
        // Online: initial presence (RFC 6121 § 4.2). The server answers
        // each with a copy of its own presence (§ 4.2.2).
        stage.block_on(async {
            for client in [&mut *alice_client, &mut *bob_client] {
                client.send(&Element::new("presence", None)).await?;
                wait_for(client, "its own presence", |e| {
                    e.local_name() == "presence"
                })
                .await?;
            }
            anyhow::Ok(())
        })?;
        // ANCHOR_END: online
        let online = without_notes(self.take_trace());
        Ok(Login {
            server,
            alice_took,
            alice,
            bob_pieces,
            online,
        })
    }

    /// The kernel's TCP rows with the server's port, each with its owner.
    pub fn connections(&mut self) -> anyhow::Result<Connections> {
        let Some(stage) = &self.stage else {
            bail!("the `login` step has to run first");
        };
        let port = stage.addr().port();
        // Sorted: the listener, then alice's connection's two ends, then
        // bob's.
        let mut keyed: Vec<((bool, String, bool), Observed)> =
            server_rows(port)?
                .into_iter()
                .map(|row| {
                    let listening = row.state == TcpState::Listen;
                    let server_end = row.local.port() == port;
                    let client =
                        if server_end { row.remote } else { row.local };
                    let who = self.who_at(client).unwrap_or_else(|| "?".into());
                    let owner = if listening {
                        crate::tr!("im-owner-listener")
                    } else if server_end {
                        crate::tr!("im-owner-server-end", who = who.as_str())
                    } else {
                        crate::tr!("im-owner-client", who = who.as_str())
                    };
                    ((!listening, who, server_end), Observed { row, owner })
                })
                .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(Connections {
            port,
            rows: keyed.into_iter().map(|(_, o)| o).collect(),
        })
    }

    /// Alice writes to bob; bob only reads. Then [`TIMED_MESSAGES`] more,
    /// timed one at a time.
    pub fn push(&mut self) -> anyhow::Result<Pushed> {
        self.take_trace();
        let (stage, alice, bob) = self.parts()?;
        // ANCHOR: push
        let message = chat("bob@localhost", "Hi Bob! Lunch at noon?");
        // The clock starts before alice writes and stops when bob's client
        // has parsed the whole stanza: two trips through loopback and one
        // through the server. Bob only reads: he sends nothing to ask.
        let (took, got) = stage.block_on(async {
            let start = Instant::now();
            alice.send(&message).await?;
            let (got, _) = wait_for(bob, "alice's message", is_message).await?;
            anyhow::Ok((start.elapsed(), got))
        })?;
        // ANCHOR_END: push
        let trace = self.take_trace();
        let bob_sent = trace
            .iter()
            .filter(|s| s.who == "bob" && s.line.kind == TraceKind::In)
            .count();
        let (stage, alice, bob) = self.parts()?;
        let times = stage.block_on(time_messages(alice, bob))?;
        self.take_trace();
        Ok(Pushed {
            typed: message,
            trace,
            got,
            bob_sent,
            took,
            times,
        })
    }

    /// Alice and bob subscribe to each other; bob goes away.
    pub fn presence(&mut self) -> anyhow::Result<PresenceSeen> {
        self.take_trace();
        let (stage, alice, bob) = self.parts()?;
        // A subscription goes one way (RFC 6121 § 3): alice sees bob's
        // presence once he agrees, and the other way round.
        stage.block_on(async {
            subscribe(alice, bob).await?;
            subscribe(bob, alice).await
        })?;
        let subscribe = without_notes(self.take_trace());
        let (stage, alice, bob) = self.parts()?;
        let away = Element::new("presence", None)
            .with_child(Element::new("show", None).with_text("away"))
            .with_child(Element::new("status", None).with_text("at lunch"));
        let (took, seen) = stage.block_on(async {
            let start = Instant::now();
            bob.send(&away).await?;
            let (seen, _) = wait_for(alice, "bob's new presence", |e| {
                e.local_name() == "presence"
                    && e.attr("from").is_some_and(|f| f.starts_with("bob@"))
            })
            .await?;
            let took = start.elapsed();
            // Bob's own resources get a copy too (§ 4.4.2).
            wait_for(bob, "his own presence", |e| e.local_name() == "presence")
                .await?;
            anyhow::Ok((took, seen))
        })?;
        let mut away = without_notes(self.take_trace());
        // The copies to alice and to bob are written by two connection
        // tasks at the same moment: which is first varies. Kept in one
        // order: what came in, then what went out, by recipient.
        away.sort_by(|a, b| {
            (a.line.kind != TraceKind::In, &a.who)
                .cmp(&(b.line.kind != TraceKind::In, &b.who))
        });
        let show = seen
            .elements()
            .find(|e| e.local_name() == "show")
            .map(Element::text)
            .unwrap_or_else(|| "available".into());
        Ok(PresenceSeen {
            subscribe,
            away,
            show,
            took,
        })
    }

    /// Bob leaves; alice writes to him anyway; bob comes back after
    /// [`AWAY`] and gets the stored message.
    pub fn offline(&mut self) -> anyhow::Result<Offline> {
        self.take_trace();
        let Some(bob) = self.bob.take() else {
            bail!("the `login` step has to run first");
        };
        let (stage, alice) = self.stage_and_alice()?;
        let gone = stage.block_on(async {
            bob.close().await?;
            let (gone, _) =
                wait_for(alice, "bob's unavailable presence", |e| {
                    e.attr("type") == Some("unavailable")
                })
                .await?;
            anyhow::Ok(gone)
        })?;
        self.take_trace();
        let (stage, alice) = self.stage_and_alice()?;
        let message = chat("bob@localhost", "Are you still coming?");
        let sent_at = SystemTime::now();
        stage.block_on(async {
            alice.send(&message).await?;
            // Nothing comes back for a message. A ping (XEP-0199) right
            // after it does get an answer, and the server handles one
            // connection's stanzas in order: once the answer is here, the
            // message has been dealt with.
            let ping = Element::new("iq", None)
                .with_attr("type", "get")
                .with_child(
                    Element::new("ping", None)
                        .with_attr("xmlns", "urn:xmpp:ping"),
                );
            alice.request(ping).await?;
            anyhow::Ok(())
        })?;
        let trace = self.take_trace();
        let went_out = trace
            .iter()
            .filter(|s| {
                s.line.kind == TraceKind::Out
                    && s.line.text.starts_with("<message")
            })
            .count();
        let sent = trace
            .into_iter()
            .filter(|s| s.line.text.starts_with("<message"))
            .collect();
        // Bob stays away a little, so that the stamp below and the time
        // he gets the message differ by at least one whole second.
        std::thread::sleep(AWAY);
        let (stage, alice) = self.stage_and_alice()?;
        // ANCHOR: back
        let started = Instant::now();
        let mut bob = stage.connect("bob", "phone").context("bob again")?;
        let relogin = started.elapsed();
        let (stored, received) = stage.block_on(async {
            bob.send(&Element::new("presence", None)).await?;
            // First his own presence and alice's (the server answers
            // initial presence with the contacts' presence, RFC 6121
            // § 4.2.2, § 4.3), then what waited for him.
            let (stored, _) =
                wait_for(&mut bob, "the stored message", is_message).await?;
            let received = SystemTime::now();
            // Alice is told he is back.
            wait_for(alice, "bob's presence", |e| {
                e.local_name() == "presence" && e.attr("type").is_none()
            })
            .await?;
            anyhow::Ok((stored, received))
        })?;
        // ANCHOR_END: back
        self.bob = Some(bob);
        self.take_trace();
        let bob_ports = self
            .conns
            .values()
            .filter(|c| c.user.as_deref() == Some("bob"))
            .filter_map(|c| c.peer.map(|p| p.port()))
            .collect();
        let stamp = stored
            .elements()
            .find(|e| e.local_name() == "delay")
            .and_then(|d| d.attr("stamp"))
            .map(str::to_owned);
        Ok(Offline {
            gone,
            sent,
            went_out,
            away: AWAY,
            relogin,
            bob_ports,
            stored,
            stamp,
            sent_at,
            received,
        })
    }
}

/// The XML of a trace, without the server's notes.
fn without_notes(trace: Vec<Said>) -> Vec<Said> {
    trace
        .into_iter()
        .filter(|s| s.line.kind != TraceKind::Note)
        .collect()
}

/// Sends [`TIMED_MESSAGES`] messages one at a time and times each from
/// alice's write to bob's parsed stanza; returns them sorted.
async fn time_messages(
    alice: &mut Client,
    bob: &mut Client,
) -> anyhow::Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(TIMED_MESSAGES);
    for i in 0..TIMED_MESSAGES {
        let message = chat("bob@localhost", &format!("timing {i}"));
        let start = Instant::now();
        alice.send(&message).await?;
        wait_for(bob, "a timed message", is_message).await?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times)
}

/// The value at `pct` percent of a sorted list (0: smallest, 100:
/// largest); zero for an empty list.
pub fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = (sorted.len() - 1) * pct.min(100) / 100;
    sorted[index]
}

// ANCHOR: rows
/// The kernel's TCP rows with `port` at either end: the server's
/// listener, the server's end of each connection, and each client's end.
fn server_rows(port: u16) -> anyhow::Result<Vec<proc_net::SocketRow>> {
    Ok(proc_net::tcp_sockets()?
        .into_iter()
        .filter(|r| r.local.port() == port || r.remote.port() == port)
        // TIME_WAIT rows of earlier runs, and half-closed ones, are not
        // this lesson's business.
        .filter(|r| matches!(r.state, TcpState::Listen | TcpState::Established))
        .collect())
}
// ANCHOR_END: rows

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_sorted_list() {
        let times: Vec<Duration> = (1..=5).map(Duration::from_micros).collect();
        assert_eq!(percentile(&times, 0), Duration::from_micros(1));
        assert_eq!(percentile(&times, 50), Duration::from_micros(3));
        assert_eq!(percentile(&times, 100), Duration::from_micros(5));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn steps_before_login_say_so() {
        let mut im = Im::default();
        let err = im.push().expect_err("no login yet");
        assert!(err.to_string().contains("login"), "{err}");
    }
}
