//! Lesson 1's live demo: instant messaging on a real XMPP server, started
//! inside this process, with two real clients on loopback TCP.
//!
//! Each step named in `lessons/01-im.md` runs here, in order:
//!
//! - `login`: alice and bob log in ([`Stage::connect`]: TCP, stream
//!   header, SASL, resource binding) and say they are online;
//! - `connections`: the two TCP connections, as the kernel lists them in
//!   `/proc/net/tcp`, still open after the login;
//! - `push`: alice sends, bob receives without having asked, and the
//!   send→receive time is measured;
//! - `presence`: they subscribe to each other's presence, bob goes away,
//!   alice is told at once;
//! - `offline`: bob disconnects, alice sends anyway, the server keeps the
//!   message and hands it over, stamped, when bob is back.
//!
//! What crossed the wire is shown from the server's own trace
//! ([`TraceLine`]), not from our intentions.
//!
//! Read before: [`super::xmpp_stage`]. Read after: `src/xmpp/server/`
//! (`message.rs` is the push and the offline storage). Book:
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

use super::Demo;
use super::xmpp_stage::{Stage, TraceLine};
use crate::show::steps::table;
use crate::show::{fold, style, wrap};
use crate::sockets::proc_net::{self, TcpState};
use crate::sockets::step::Observed;
use crate::xmpp::client::Client;
use crate::xmpp::framing::Element;
use crate::xmpp::server::{TlsMode, TraceKind};

/// Text is wrapped to the course\'s design width (80 columns).
use crate::show::width::DESIGN as WIDTH;

/// How long a step waits for a stanza before it reports that none came.
/// Loopback delivers in well under a millisecond; two seconds only
/// matter on a machine that is badly overloaded.
pub(crate) const PATIENCE: Duration = Duration::from_secs(2);

/// How many more messages the `push` step times, for a median.
const TIMED_MESSAGES: usize = 200;

/// The login's lines are cut at this many characters: enough to keep
/// every mechanism and the bound JID, not a kilobyte of base64.
const LOGIN_LINE: usize = 160;

/// How long bob stays offline in the `offline` step.
const AWAY: Duration = Duration::from_millis(1100);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(ImDemo::default())
}

/// What the demo keeps between steps: the server, both clients, and what
/// the trace said about each connection.
#[derive(Default)]
struct ImDemo {
    stage: Option<Stage>,
    alice: Option<Client>,
    bob: Option<Client>,
    conns: BTreeMap<u64, Conn>,
}

/// One connection, as the server's trace described it.
#[derive(Clone, Debug, Default)]
struct Conn {
    /// The client's address and port ("connected from …").
    peer: Option<SocketAddr>,
    /// The account once bound: `alice`.
    user: Option<String>,
}

impl Demo for ImDemo {
    fn steps(&self) -> &'static [&'static str] {
        &["login", "connections", "push", "presence", "offline"]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        match step {
            "login" => self.login(),
            "connections" => self.connections(),
            "push" => self.push(),
            "presence" => self.presence(),
            "offline" => self.offline(),
            other => bail!("lesson 1 has no demo step `{other}`"),
        }
    }
}

impl ImDemo {
    /// The stage and both clients, or an error saying `login` comes first.
    fn parts(&mut self) -> anyhow::Result<(&Stage, &mut Client, &mut Client)> {
        match (&self.stage, &mut self.alice, &mut self.bob) {
            (Some(stage), Some(alice), Some(bob)) => Ok((stage, alice, bob)),
            _ => bail!("the `login` step has to run first"),
        }
    }

    /// The trace since the last call, with what it says about each
    /// connection remembered for later steps.
    fn take_trace(&mut self) -> Vec<TraceLine> {
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

    /// One trace line, with the connection's owner named.
    fn trace_line(&self, line: &TraceLine, max: Option<usize>) -> String {
        trace_line(&self.who(line.conn), line, max)
    }

    fn login(&mut self) -> anyhow::Result<String> {
        // ANCHOR: login
        // A real server on 127.0.0.1, a port the kernel picks, accounts
        // alice and bob; each connect() is a TCP connection and a whole
        // RFC 6120 negotiation: stream, SASL, restart, bind.
        let stage = Stage::start(TlsMode::Off, &["alice", "bob"])?;
        let started = Instant::now();
        let alice = stage.connect("alice", "laptop").context("alice")?;
        let alice_time = started.elapsed();
        let bob = stage.connect("bob", "phone").context("bob")?;
        // ANCHOR_END: login
        let addr = stage.addr();
        self.stage = Some(stage);
        self.alice = Some(alice);
        self.bob = Some(bob);
        let trace = self.take_trace();
        let alice_conn = trace.first().map_or(0, |l| l.conn);
        // Variable values (ports, times) go where they cannot change how
        // a line wraps, so that the book's transcript stays checkable.
        let mut out = format!(
            "{} listening on {addr}, in this process\n       {}\n\n",
            style::server("server"),
            wrap(
                "a port the kernel chose, accounts alice and bob, no TLS so \
                 that every byte can be read",
                WIDTH - 7,
                7
            )
        );
        out.push_str(&format!(
            "alice's login, as the server saw it ({} ms; long values cut):\n",
            alice_time.as_millis()
        ));
        let (alice_lines, bob_lines): (Vec<_>, Vec<_>) =
            trace.iter().partition(|l| l.conn == alice_conn);
        for line in &alice_lines {
            out.push_str(&self.trace_line(line, Some(LOGIN_LINE)));
            out.push('\n');
        }
        let bob_xml = bob_lines
            .iter()
            .filter(|l| l.kind != TraceKind::Note)
            .count();
        out.push_str(&format!(
            "bob's login: the same {bob_xml} pieces of XML, on a connection \
             of its own.\n\n"
        ));
        let (stage, alice, bob) = self.parts()?;
        // ANCHOR: online
        // Online: initial presence (RFC 6121 § 4.2). The server answers
        // each with a copy of its own presence (§ 4.2.2).
        stage.block_on(async {
            for client in [&mut *alice, &mut *bob] {
                client.send(&Element::new("presence", None)).await?;
                wait_for(client, "its own presence", |e| {
                    e.local_name() == "presence"
                })
                .await?;
            }
            anyhow::Ok(())
        })?;
        // ANCHOR_END: online
        let trace = self.take_trace();
        out.push_str("Then each says it is online:\n");
        for line in trace.iter().filter(|l| l.kind != TraceKind::Note) {
            out.push_str(&self.trace_line(line, None));
            out.push('\n');
        }
        Ok(out)
    }

    fn connections(&mut self) -> anyhow::Result<String> {
        let Some(stage) = &self.stage else {
            bail!("the `login` step has to run first");
        };
        let port = stage.addr().port();
        let rows = server_rows(port)?;
        // Sorted: the listener, then alice's connection's two ends, then
        // bob's.
        let mut keyed: Vec<((bool, String, bool), Observed)> = rows
            .into_iter()
            .map(|row| {
                let listening = row.state == TcpState::Listen;
                let server_end = row.local.port() == port;
                let client = if server_end { row.remote } else { row.local };
                let who = self.who_at(client).unwrap_or_else(|| "?".into());
                let owner = if listening {
                    "the server's listening socket".to_owned()
                } else if server_end {
                    format!("the server's end of {who}'s connection")
                } else {
                    format!("{who}'s client")
                };
                ((!listening, who, server_end), Observed { row, owner })
            })
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let observed: Vec<Observed> =
            keyed.into_iter().map(|(_, o)| o).collect();
        let established = observed
            .iter()
            .filter(|o| o.row.state == TcpState::Established)
            .count();
        let mut out = format!(
            "{}\n",
            style::kernel(&wrap(
                &format!(
                    "kernel: /proc/net/tcp, every row with the server's \
                     port: the listener and {established} ESTABLISHED ends, \
                     two per connection (client and server are both in this \
                     process)"
                ),
                WIDTH,
                8
            ))
        );
        out.push_str(&table(&observed, 0));
        Ok(out)
    }

    fn push(&mut self) -> anyhow::Result<String> {
        self.take_trace();
        let (stage, alice, bob) = self.parts()?;
        // ANCHOR: push
        let message = chat("bob@localhost", "Hi Bob! Lunch at noon?");
        // The clock starts before alice writes and stops when bob's client
        // has parsed the whole stanza: two trips through loopback and one
        // through the server. Bob only reads: he sends nothing to ask.
        let (elapsed, got) = stage.block_on(async {
            let start = Instant::now();
            alice.send(&message).await?;
            let (got, _) = wait_for(bob, "alice's message", is_message).await?;
            anyhow::Ok((start.elapsed(), got))
        })?;
        // ANCHOR_END: push
        let typed = message.to_xml();
        let trace = self.take_trace();
        let bob_conn = conn_of(&trace, "bob");
        let bob_sent = trace
            .iter()
            .filter(|l| Some(l.conn) == bob_conn && l.kind == TraceKind::In)
            .count();
        let mut out = format!(
            "alice's client writes:\n  {}\n\n",
            fold(&typed, WIDTH - 2, 4)
        );
        out.push_str("the server's trace, everything it saw and sent:\n");
        for line in &trace {
            out.push_str(&self.trace_line(line, None));
            out.push('\n');
        }
        out.push_str(&format!(
            "\n{}\n",
            wrap(
                &format!(
                    "bob's client got <body>{}</body> from {}.",
                    body_of(&got),
                    got.attr("from").unwrap_or("?")
                ),
                WIDTH,
                0
            )
        ));
        out.push_str(&format!(
            "{}\n",
            wrap(
                &format!(
                    "bob's client sent {bob_sent} stanzas to get it: the \
                     server pushed it down the connection bob opened at \
                     login."
                ),
                WIDTH,
                0
            )
        ));
        let (stage, alice, bob) = self.parts()?;
        let times = stage.block_on(time_messages(alice, bob))?;
        out.push_str(&format!(
            "\nsend → receive, on this machine, now:\n  this message: {}\n  \
             {} more, one at a time: median {}, fastest {}, slowest {}\n",
            crate::units::duration(elapsed),
            times.len(),
            crate::units::duration(percentile(&times, 50)),
            crate::units::duration(percentile(&times, 0)),
            crate::units::duration(percentile(&times, 100)),
        ));
        self.take_trace();
        Ok(out)
    }

    fn presence(&mut self) -> anyhow::Result<String> {
        self.take_trace();
        let (stage, alice, bob) = self.parts()?;
        // A subscription goes one way (RFC 6121 § 3): alice sees bob's
        // presence once he agrees, and the other way round.
        stage.block_on(async {
            subscribe(alice, bob).await?;
            subscribe(bob, alice).await
        })?;
        let trace = self.take_trace();
        let mut out =
            "They ask for each other's presence, and agree:\n".to_owned();
        for line in trace.iter().filter(|l| l.kind != TraceKind::Note) {
            out.push_str(&self.trace_line(line, None));
            out.push('\n');
        }
        let (stage, alice, bob) = self.parts()?;
        let away = Element::new("presence", None)
            .with_child(Element::new("show", None).with_text("away"))
            .with_child(Element::new("status", None).with_text("at lunch"));
        let (elapsed, seen) = stage.block_on(async {
            let start = Instant::now();
            bob.send(&away).await?;
            let (seen, _) = wait_for(alice, "bob's new presence", |e| {
                e.local_name() == "presence"
                    && e.attr("from").is_some_and(|f| f.starts_with("bob@"))
            })
            .await?;
            let elapsed = start.elapsed();
            // Bob's own resources get a copy too (§ 4.4.2).
            wait_for(bob, "his own presence", |e| e.local_name() == "presence")
                .await?;
            anyhow::Ok((elapsed, seen))
        })?;
        let mut trace = self.take_trace();
        // The copies to alice and to bob are written by two connection
        // tasks at the same moment: which is first varies. Shown in one
        // order: what came in, then what went out, by recipient.
        trace.sort_by_key(|l| (l.kind != TraceKind::In, self.who(l.conn)));
        out.push_str("\nbob goes away:\n");
        for line in trace.iter().filter(|l| l.kind != TraceKind::Note) {
            out.push_str(&self.trace_line(line, None));
            out.push('\n');
        }
        let show = seen
            .elements()
            .find(|e| e.local_name() == "show")
            .map(Element::text)
            .unwrap_or_else(|| "available".into());
        out.push_str(&format!(
            "\nalice's client now shows bob as \"{show}\", without asking.\n\
             bob's write → alice's client: {} µs\n",
            elapsed.as_micros()
        ));
        Ok(out)
    }

    fn offline(&mut self) -> anyhow::Result<String> {
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
        let mut out = format!(
            "bob closes his stream and his connection; alice is told:\n  \
             {}\n\n",
            gone.to_xml()
        );
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
        out.push_str("alice sends anyway; the server's trace of it:\n");
        for line in trace.iter().filter(|l| l.text.starts_with("<message")) {
            out.push_str(&self.trace_line(line, None));
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n\n",
            wrap(
                "nothing went out: bob has no connection to push it down, \
                 so the server stored it (in its database, here SQLite in \
                 memory).",
                WIDTH,
                0
            )
        ));
        // Bob stays away a little, so that the stamp below and the time
        // he gets the message differ by at least one whole second.
        std::thread::sleep(AWAY);
        let (stage, alice) = self.stage_and_alice()?;
        // ANCHOR: back
        let mut bob = stage.connect("bob", "phone").context("bob again")?;
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
        let ports: Vec<String> = self
            .conns
            .values()
            .filter(|c| c.user.as_deref() == Some("bob"))
            .filter_map(|c| c.peer.map(|p| p.port().to_string()))
            .collect();
        let stamp = stored
            .elements()
            .find(|e| e.local_name() == "delay")
            .and_then(|d| d.attr("stamp"))
            .unwrap_or("(none)")
            .to_owned();
        out.push_str(&format!(
            "bob logs in again on a new connection (client ports: {}),\n\
             and says he is online; the server hands him what it kept:\n  \
             {}\n",
            ports.join(" then "),
            fold(&stored.to_xml(), WIDTH - 2, 4)
        ));
        out.push_str(&format!(
            "\n<delay> (XEP-0203) says when the server received it; by this \
             machine's clock:\n  alice sent it       {}\n  the server \
             stamped  {stamp}\n  bob got it          {} ({} ms later)\n",
            humantime::format_rfc3339_seconds(sent_at),
            humantime::format_rfc3339_seconds(received),
            received
                .duration_since(sent_at)
                .unwrap_or_default()
                .as_millis(),
        ));
        Ok(out)
    }

    /// The stage and alice's client (bob may be offline).
    fn stage_and_alice(&mut self) -> anyhow::Result<(&Stage, &mut Client)> {
        match (&self.stage, &mut self.alice) {
            (Some(stage), Some(alice)) => Ok((stage, alice)),
            _ => bail!("the `login` step has to run first"),
        }
    }
}

/// One trace line as `alice → server  <xml>`, cut to `max` columns
/// when given (the login's SCRAM payloads are long and unreadable).
pub(crate) fn trace_line(
    who: &str,
    line: &TraceLine,
    max: Option<usize>,
) -> String {
    let text = match max {
        Some(max) => shorten(&line.text, max),
        None => line.text.clone(),
    };
    // Long XML folds between attributes or tags, under itself, two
    // columns further in (the label takes 20).
    let text =
        fold(&text, WIDTH - 20, 2).replace('\n', &format!("\n{:20}", ""));
    match line.kind {
        TraceKind::In => format!(
            "  {} {text}",
            style::client(&format!("{:<17}", format!("{who} → server")))
        ),
        TraceKind::Out => format!(
            "  {} {text}",
            style::server(&format!("{:<17}", format!("server → {who}")))
        ),
        TraceKind::Note => format!(
            "  {}",
            style::dim(&format!("{:<17} {text}", format!("({who})")))
        ),
    }
}

// ANCHOR: wait_for
/// Reads stanzas until one that `wanted` accepts arrives, and returns it
/// with the ones that came before it. A client has one connection and
/// reads everything in the order the server wrote it: a message, a
/// presence, an iq result, whatever comes next.
pub(crate) async fn wait_for(
    client: &mut Client,
    what: &str,
    wanted: impl Fn(&Element) -> bool,
) -> anyhow::Result<(Element, Vec<Element>)> {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    let mut before = Vec::new();
    loop {
        let next = tokio::time::timeout_at(deadline, client.recv())
            .await
            .with_context(|| {
                format!(
                    "{} waited {} s for {what}",
                    client.jid(),
                    PATIENCE.as_secs()
                )
            })??;
        let Some(stanza) = next else {
            bail!("the server closed {}'s stream", client.jid());
        };
        if wanted(&stanza) {
            return Ok((stanza, before));
        }
        before.push(stanza);
    }
}
// ANCHOR_END: wait_for

/// Sends `TIMED_MESSAGES` messages one at a time and times each from
/// alice's write to bob's parsed stanza.
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
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = (sorted.len() - 1) * pct.min(100) / 100;
    sorted[index]
}

// ANCHOR: chat
/// `<message to='…' type='chat'><body>…</body></message>`: a one-to-one
/// chat message (RFC 6121 § 5.2.2). No `from`: the server adds it.
pub(crate) fn chat(to: &str, body: &str) -> Element {
    Element::new("message", None)
        .with_attr("to", to)
        .with_attr("type", "chat")
        .with_child(Element::new("body", None).with_text(body))
}
// ANCHOR_END: chat

// ANCHOR: subscribe
/// `asker` asks to see `granter`'s presence, and `granter` agrees
/// (RFC 6121 § 3.1). Granting also sends the granter's current presence
/// (§ 3.1.5): that is waited for too, so that the trace is complete.
pub(crate) async fn subscribe(
    asker: &mut Client,
    granter: &mut Client,
) -> anyhow::Result<()> {
    let asker_jid = asker.jid().bare().to_string();
    let granter_jid = granter.jid().bare().to_string();
    asker.send(&subscription(&granter_jid, "subscribe")).await?;
    wait_for(granter, "a subscription request", |e| {
        e.attr("type") == Some("subscribe")
    })
    .await?;
    granter
        .send(&subscription(&asker_jid, "subscribed"))
        .await?;
    wait_for(asker, "the approval", |e| {
        e.attr("type") == Some("subscribed")
    })
    .await?;
    wait_for(asker, "the granter's presence", |e| {
        e.local_name() == "presence" && e.attr("type").is_none()
    })
    .await?;
    Ok(())
}
// ANCHOR_END: subscribe

/// `<presence to='…' type='subscribe'/>` and its relatives (RFC 6121
/// § 3.1).
fn subscription(to: &str, kind: &str) -> Element {
    Element::new("presence", None)
        .with_attr("to", to)
        .with_attr("type", kind)
}

fn is_message(element: &Element) -> bool {
    element.local_name() == "message"
}

/// The text of a message's `<body>`.
fn body_of(message: &Element) -> String {
    message
        .elements()
        .find(|e| e.local_name() == "body")
        .map(Element::text)
        .unwrap_or_default()
}

/// `alice` from `alice@localhost/laptop`.
pub(crate) fn user_of(jid: &str) -> &str {
    jid.split('@').next().unwrap_or(jid)
}

/// The connection a user's lines in this trace came from.
fn conn_of(trace: &[TraceLine], user: &str) -> Option<u64> {
    trace
        .iter()
        .find(|l| l.jid.as_deref().is_some_and(|j| user_of(j) == user))
        .map(|l| l.conn)
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

// ANCHOR: shorten
/// XML cut down for a one-line summary: no `<?xml …?>` declaration, no
/// namespace declarations, long unbroken text (base64) cut to its first
/// eight characters, and the whole cut at `max` characters. For display
/// only: the result is no longer the XML that was sent.
pub fn shorten(xml: &str, max: usize) -> String {
    let xml = xml.strip_prefix("<?xml version='1.0'?>").unwrap_or(xml);
    let mut out = String::new();
    let mut rest = xml;
    while let Some(at) = rest.find(" xmlns") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        // ` xmlns="…"` or ` xmlns:stream='…'`: skip to the closing quote.
        let skipped = after.find('=').and_then(|eq| {
            let quote = after[eq + 1..].chars().next()?;
            let close = after[eq + 2..].find(quote)?;
            Some(&after[eq + 2 + close + 1..])
        });
        match skipped {
            Some(next) => rest = next,
            None => {
                out.push(' ');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let out = cut_long_text(&out);
    if out.chars().count() <= max {
        return out;
    }
    let mut cut: String = out.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
// ANCHOR_END: shorten

/// Base64 text between tags (SASL data) longer than 16 characters
/// becomes its first eight and `…`; other text (a JID, a sentence) stays.
fn cut_long_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(gt) = rest.find('>') {
        out.push_str(&rest[..=gt]);
        rest = &rest[gt + 1..];
        let end = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..end];
        if text.len() > 16 && text.chars().all(is_base64) {
            out.extend(text.chars().take(8));
            out.push('…');
        } else {
            out.push_str(text);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn is_base64(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_drops_declarations_and_namespaces() {
        let header = "<?xml version='1.0'?><stream:stream \
                      xmlns='jabber:client' xmlns:stream='http://etherx.\
                      jabber.org/streams' id='ab' from='localhost'>";
        assert_eq!(
            shorten(header, 80),
            "<stream:stream id='ab' from='localhost'>"
        );
        let auth = "<auth xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\" \
                    mechanism=\"SCRAM-SHA-256\">biwsbj1hbGljZSxyPTEyMzQ1\
                    </auth>";
        assert_eq!(
            shorten(auth, 80),
            "<auth mechanism=\"SCRAM-SHA-256\">biwsbj1h…</auth>"
        );
    }

    #[test]
    fn shorten_keeps_sentences_and_cuts_at_max() {
        let message = "<message to=\"bob@localhost\"><body>Hi Bob! Lunch at \
                       noon?</body></message>";
        assert_eq!(shorten(message, 200), message);
        let cut = shorten(message, 20);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
        // A JID is not base64 (`@`), so it stays whole.
        let jid = "<jid>alice@localhost/laptop</jid>";
        assert_eq!(shorten(jid, 80), jid);
        // A lone `xmlns` with no value is left alone, not looped on.
        assert_eq!(shorten("<a xmlns>", 80), "<a xmlns>");
    }

    #[test]
    fn percentiles_of_a_sorted_list() {
        let times: Vec<Duration> = (1..=5).map(Duration::from_micros).collect();
        assert_eq!(percentile(&times, 0), Duration::from_micros(1));
        assert_eq!(percentile(&times, 50), Duration::from_micros(3));
        assert_eq!(percentile(&times, 100), Duration::from_micros(5));
        assert_eq!(percentile(&[], 50), Duration::ZERO);
    }

    #[test]
    fn the_whole_lesson_runs_and_shows_what_it_claims() {
        let mut demo = demo();
        let mut shown = String::new();
        for step in demo.steps() {
            shown.push_str(&demo.run(step).expect(step));
        }
        // The login: SCRAM, and a bound JID.
        assert!(shown.contains("SCRAM-SHA-"), "{shown}");
        assert!(shown.contains("alice@localhost/laptop"), "{shown}");
        // Two connections, two ends each, plus the listener.
        assert!(shown.contains("alice's client"), "{shown}");
        assert!(shown.contains("the server's end of bob's connection"));
        // Pushed: bob asked for nothing.
        assert!(shown.contains("bob's client sent 0 stanzas"), "{shown}");
        // Presence arrived.
        assert!(shown.contains("shows bob as \"away\""), "{shown}");
        // Stored and delivered later with a delay stamp.
        assert!(shown.contains("<delay"), "{shown}");
        assert!(shown.contains("Are you still coming?"), "{shown}");
    }

    #[test]
    fn steps_before_login_say_so() {
        let mut demo = demo();
        let err = demo.run("push").expect_err("no login yet");
        assert!(err.to_string().contains("login"), "{err}");
    }
}
