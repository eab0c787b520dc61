//! Lesson 5's live demo: the article's five steps of XMPP, each on the
//! wire as it happens, drawn as one ladder across alice, a.example,
//! b.example and bob ([`super::two_servers`]).
//!
//! | step | article | what runs |
//! |---|---|---|
//! | `connect` | 1 the node connects | alice's TCP connection, stream header, features, STARTTLS |
//! | `authenticate` | 2 the server authenticates it | TLS (the server's certificate), SASL SCRAM (the user) |
//! | `wire` | — | the same login through a relay: what a capture would see |
//! | `presence` | 3 name a target, learn its status | subscribe, subscribed, bob's presence |
//! | `s2s` | 4 find, connect, authenticate the other server | lookup, STARTTLS, dialback, both ways |
//! | `kernel` | (section 6 corrected) | every TCP connection ends at a server |
//! | `exchange` | 5 the nodes exchange | alice → a → b → bob and back, timed per hop |
//! | `down` | — | b.example stopped: `remote-server-not-found` |
//!
//! Each step reads the record of what every party saw ([`Seen`]) and
//! turns it into rungs for [`crate::show::hops`]; nothing is typed in:
//! addresses, ids, nonces, keys and times are this run's.
//!
//! The sentences are in the message catalogue (`locales/*/lesson05.ftl`),
//! in English and Chinese; the servers' own notes on the ladder are
//! said again in the reader's language by [`server_notes`].
//!
//! Read before: `two_servers.rs`, `src/xmpp/server/federation.rs`.
//! Book: `book/src/lesson-05.md`. Run: `netlab lesson 5`.
//! Specs: [RFC 6120] (§ 3.2 finding servers, § 5 STARTTLS, § 6 SASL,
//! § 7 binding, § 8.3 stanza errors), [RFC 5802] (SCRAM), [XEP-0220]
//! (dialback), [RFC 8446 § 5.2] (TLS 1.3 records).
//!
//! [RFC 6120]: https://datatracker.ietf.org/doc/html/rfc6120
//! [RFC 5802]: https://datatracker.ietf.org/doc/html/rfc5802
//! [XEP-0220]: https://xmpp.org/extensions/xep-0220.html
//! [RFC 8446 § 5.2]: https://datatracker.ietf.org/doc/html/rfc8446#section-5.2

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, bail};
use base64::Engine;

use super::relay::{self, Relay};
use super::two_servers::{Lane, PASSWORD, Seen, TwoServers, wait_for};
use super::{Demo, worked};
use crate::show::hops::{self, Rung};
use crate::show::server_notes;
use crate::show::structure as view;
use crate::show::{fold, hex, labelled, style, width, wrap};
use crate::sockets::proc_net::{self, TcpState};
use crate::xmpp::client::Client;
use crate::xmpp::framing::{Element, parse_one};
use crate::xmpp::ns;
use crate::xmpp::server::{StreamKind, TraceKind};
use crate::xmpp::tls;

/// Makes the demo (the registry's constructor). The servers start at the
/// first step.
pub fn demo() -> Box<dyn Demo> {
    Box::new(HowItWorks { world: None })
}

struct HowItWorks {
    world: Option<World>,
}

/// The servers, the two clients, and what earlier steps learnt.
struct World {
    alice: Client,
    bob: Client,
    /// alice's and bob's addresses, as their servers saw them connect.
    alice_addr: SocketAddr,
    bob_addr: SocketAddr,
    /// alice's connection number on a.example.
    alice_conn: u64,
    /// The login, recorded at the first step and shown in two.
    login: Vec<Seen>,
    /// The s2s set-up, recorded during `presence`, shown by `s2s`.
    s2s: Vec<Seen>,
    /// What later steps found, for the worked answers.
    kept: Kept,
    stage: TwoServers,
}

/// What the `kernel`, `exchange` and `down` steps found, kept for the
/// worked answers (`--answers`). The earlier steps' records are kept in
/// [`World`] already.
#[derive(Default)]
struct Kept {
    /// `kernel`: the lesson's connections, how many end at a listening
    /// socket, and whether one joins alice and bob directly.
    connections: usize,
    at_listeners: usize,
    direct: bool,
    /// `exchange`: each hop of alice's message and of bob's answer, as
    /// (from, to, milliseconds, the `from` it carried).
    hops: Vec<(Lane, Lane, f64, Option<String>)>,
    /// `down`: what a.example noted when it failed, and the condition
    /// alice got back.
    failure: Option<String>,
    condition: Option<String>,
}

impl Demo for HowItWorks {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "connect",
            "authenticate",
            "wire",
            "presence",
            "s2s",
            "kernel",
            "exchange",
            "down",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        if self.world.is_none() {
            self.world = Some(World::start()?);
        }
        let world = self.world.as_mut().context("started just now")?;
        match step {
            "connect" => world.connect(),
            "authenticate" => world.authenticate(),
            "wire" => world.wire(),
            "presence" => world.presence(),
            "s2s" => Ok(world.s2s()),
            "kernel" => world.kernel(),
            "exchange" => world.exchange(),
            "down" => world.down(),
            other => bail!("lesson 5 has no demo step `{other}`"),
        }
    }

    fn answers(&self) -> Option<Vec<String>> {
        let world = self.world.as_ref()?;
        Some(vec![
            world.answer_connect(),
            world.answer_scram(),
            world.answer_dialback(),
            world.answer_kernel(),
            world.answer_exchange(),
            world.answer_down(),
        ])
    }
}

impl World {
    /// Starts both servers and logs alice and bob in.
    fn start() -> anyhow::Result<World> {
        let stage = TwoServers::start()?;
        let alice = stage.login(Lane::Alice, "laptop", None)?;
        let bob = stage.login(Lane::Bob, "phone", None)?;
        let login = stage.take();
        let (alice_conn, alice_addr) = client_conn(&login, Lane::A)?;
        let (_, bob_addr) = client_conn(&login, Lane::B)?;
        Ok(World {
            alice,
            bob,
            alice_addr,
            bob_addr,
            alice_conn,
            login,
            s2s: Vec::new(),
            kept: Kept::default(),
            stage,
        })
    }

    // ---- step 1 -------------------------------------------------------

    fn connect(&self) -> anyhow::Result<String> {
        let (a, b) = (&self.stage.a, &self.stage.b);
        let mut out = String::new();
        for (name, server) in [("a.example", a), ("b.example", b)] {
            let _ = writeln!(
                out,
                "{}",
                labelled(
                    &style::server(&crate::tr!(
                        "lesson05-listens",
                        server = name
                    )),
                    &crate::tr!(
                        "lesson05-listens-on",
                        c2s = server.c2s.to_string(),
                        s2s = server.s2s.to_string()
                    )
                )
            );
        }
        out.push_str(&para(&crate::tr!(
            "lesson05-given-address",
            addr = a.c2s.to_string()
        )));
        out.push_str(&pair_rows(self.alice_addr, a.c2s)?);
        // Up to and including <proceed/>: what happens before TLS.
        let rungs: Vec<Seen> = self
            .alice_stream(&self.login)
            .into_iter()
            .take_while(|s| !s.text.starts_with("TLS established"))
            .collect();
        out.push_str(&ladder(&rungs));
        let _ = writeln!(
            out,
            "{}",
            crate::tr!("lesson05-bob-too", addr = self.bob_addr.to_string())
        );
        Ok(out)
    }

    /// What a.example recorded on alice's connection.
    fn alice_stream(&self, seen: &[Seen]) -> Vec<Seen> {
        seen.iter()
            .filter(|s| {
                s.by == Lane::A
                    && s.stream == Some(StreamKind::Client)
                    && s.conn == self.alice_conn
            })
            .cloned()
            .collect()
    }

    // ---- step 2 -------------------------------------------------------

    fn authenticate(&self) -> anyhow::Result<String> {
        let cert = &self.stage.a.identity;
        let mut out = String::new();
        let subject = tls::subject_common_name(&cert.cert_der)
            .unwrap_or_else(|| crate::tr!("lesson05-no-subject"));
        let _ = writeln!(
            out,
            "{}",
            labelled(
                &style::server(&crate::tr!("lesson05-certificate")),
                &crate::tr!("lesson05-subject", subject = subject)
            )
        );
        let fingerprint = &cert.sha256_fingerprint;
        for piece in fold(fingerprint, 48, 0).lines() {
            let _ = writeln!(out, "    {}", style::code(piece));
        }
        out.push_str(&para(&crate::tr!("lesson05-pinned")));
        let stream = self.alice_stream(&self.login);
        let after_tls: Vec<Seen> = stream
            .into_iter()
            .skip_while(|s| !s.text.starts_with("TLS established"))
            .collect();
        out.push_str(&ladder(&after_tls));
        // Everything both logins carried, base64 decoded: no password.
        let pieces: Vec<String> = self
            .login
            .iter()
            .filter(|s| s.kind != TraceKind::Note)
            .map(|s| format!("{} {}", s.text, sasl_text(&s.text)))
            .collect();
        let leaked = pieces.iter().filter(|p| p.contains(PASSWORD)).count();
        out.push_str(&para(&crate::tr!(
            "lesson05-password",
            password = format!("{PASSWORD:?}"),
            leaked = leaked,
            lines = pieces.len()
        )));
        Ok(out)
    }

    // ---- step 2, on the wire --------------------------------------------

    fn wire(&mut self) -> anyhow::Result<String> {
        let relay = self.stage.block_on(Relay::start(self.stage.a.c2s))?;
        let relay_addr = relay.addr();
        let _ = self.stage.take();
        let client =
            self.stage.login(Lane::Alice, "wire", Some(relay.addr()))?;
        let seen = self.stage.take();
        let up = relay.take_kept(relay::Direction::Up);
        self.stage.block_on(client.close())?;
        drop(relay);
        // What alice's client encrypted, piece by piece, after TLS.
        let sent: Vec<&str> = seen
            .iter()
            .filter(|s| s.by == Lane::Alice)
            .skip_while(|s| !s.text.starts_with("TLS established"))
            .filter(|s| s.kind == TraceKind::Out)
            .map(|s| s.text.as_str())
            .collect();
        // Before STARTTLS the relay carried plain XML: the records start
        // right after alice's `<starttls/>`.
        let starttls = seen
            .iter()
            .find(|s| s.by == Lane::Alice && s.text.starts_with("<starttls"))
            .map(|s| s.text.as_bytes())
            .context("alice's second login sent no <starttls/>")?;
        let tls_start = up
            .windows(starttls.len())
            .position(|w| w == starttls)
            .map_or(0, |at| at + starttls.len());
        let records = tls_records(&up[tls_start..]);
        let data: Vec<&[u8]> = records
            .iter()
            .filter(|r| r.first() == Some(&0x17))
            .copied()
            .collect();
        let Some(auth) = sent.iter().position(|s| s.starts_with("<auth"))
        else {
            bail!("alice's second login sent no <auth>");
        };
        // The last records are the pieces, one record per write.
        let first = data.len().checked_sub(sent.len()).with_context(|| {
            format!(
                "{} pieces of XML but only {} TLS records",
                sent.len(),
                data.len()
            )
        })?;
        let record = data[first + auth];
        let text = sent[auth];
        let mut out = para(&crate::tr!(
            "lesson05-relay-login",
            relay = relay_addr.to_string(),
            bytes = text.len()
        ));
        for piece in fold(text, width::current() - 4, 0).lines() {
            let _ = writeln!(out, "    {}", style::code(piece));
        }
        out.push_str(&para(&crate::tr!(
            "lesson05-one-record",
            bytes = record.len()
        )));
        let hex = hex(&record[..record.len().min(24)]);
        for piece in fold(&format!("{hex} …"), width::current() - 4, 0).lines()
        {
            let _ = writeln!(out, "    {}", style::code(piece));
        }
        let extra = record.len() as i64 - text.len() as i64;
        let matched = data[first..]
            .iter()
            .zip(&sent)
            .filter(|(r, s)| r.len() as i64 - s.len() as i64 == extra)
            .count();
        out.push_str(&para(&crate::tr!(
            "lesson05-record-read",
            extra = extra,
            // TLS 1.3 adds 5 + 1 + 16 (RFC 8446 § 5.2); TLS 1.2 with
            // AES-GCM would add 5 + 8 + 16. Explain only what was seen.
            why = if extra == 22 {
                crate::tr!("lesson05-record-tls13")
            } else {
                crate::tr!("lesson05-record-other")
            },
            matched = matched,
            pieces = sent.len()
        )));
        Ok(out)
    }

    // ---- step 3 -------------------------------------------------------

    fn presence(&mut self) -> anyhow::Result<String> {
        let stage = &self.stage;
        let (alice, bob) = (&mut self.alice, &mut self.bob);
        // Both come online first: available presence, alice's roster.
        stage.block_on(async {
            for (client, me) in [(&mut *alice, "alice"), (&mut *bob, "bob")] {
                client.send(&Element::new("presence", None)).await?;
                wait_for(client, "my own presence", |e| {
                    e.local_name() == "presence"
                        && e.attr("from").is_some_and(|f| f.starts_with(me))
                })
                .await?;
            }
            let roster = Element::new("iq", None)
                .with_attr("type", "get")
                .with_attr("id", "roster1")
                .with_child(
                    Element::new("query", Some(ns::ROSTER))
                        .with_attr("xmlns", ns::ROSTER),
                );
            alice.request(roster).await?;
            anyhow::Ok(())
        })?;
        let _ = stage.take();
        stage.block_on(async {
            alice
                .send(
                    &Element::new("presence", None)
                        .with_attr("to", "bob@b.example")
                        .with_attr("type", "subscribe"),
                )
                .await?;
            wait_for(bob, "alice's request", |e| {
                e.attr("type") == Some("subscribe")
            })
            .await?;
            bob.send(
                &Element::new("presence", None)
                    .with_attr("to", "alice@a.example")
                    .with_attr("type", "subscribed"),
            )
            .await?;
            wait_for(alice, "bob's presence", |e| {
                e.local_name() == "presence"
                    && e.attr("type").is_none()
                    && e.attr("from") == Some("bob@b.example/phone")
            })
            .await?;
            anyhow::Ok(())
        })?;
        // Let the last hops be recorded before taking the record.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let seen = stage.take();
        let (stanzas, setup): (Vec<Seen>, Vec<Seen>) = seen
            .into_iter()
            .filter(|s| self.on_ladder(s))
            .partition(|s| !is_s2s(s) || is_stanza(&s.text));
        let mut rungs = rungs_of(&stanzas);
        // Where step 4 happened, as one note.
        if let (Some(first), Some(last)) = (setup.first(), setup.last()) {
            let pieces = setup.iter().filter(|s| s.kind != TraceKind::Note);
            let at = ms(stanzas.first().map_or(first.at, |s| s.at), first.at);
            rungs.push(Rung {
                ms: at,
                from: Lane::A.index(),
                to: Lane::A.index(),
                label: crate::tr!(
                    "lesson05-step4-here",
                    pieces = pieces.count(),
                    ms = format!("{:.1}", ms(first.at, last.at))
                ),
                detail: Vec::new(),
            });
            rungs.sort_by(|x, y| x.ms.total_cmp(&y.ms));
        }
        self.s2s = setup;
        let mut out = hops::render(&lane_names(), &rungs);
        out.push_str(&para(&crate::tr!("lesson05-servers-did-it")));
        Ok(out)
    }

    /// Whether a record belongs on the ladder: a.example's view of its
    /// links (alice, b.example), b.example's view of bob, and both
    /// servers' notes.
    fn on_ladder(&self, s: &Seen) -> bool {
        match (s.by, s.stream) {
            (Lane::A, Some(StreamKind::Client)) => s.conn == self.alice_conn,
            (Lane::A, Some(_)) => true,
            (Lane::B, Some(StreamKind::Client)) => true,
            (Lane::B, Some(_)) => s.kind == TraceKind::Note,
            _ => false,
        }
    }

    // ---- step 4 -------------------------------------------------------

    fn s2s(&self) -> String {
        let mut out = hops::render(&lane_names(), &rungs_of(&self.s2s));
        let ids: BTreeSet<&str> = self
            .s2s
            .iter()
            .filter_map(|s| attr_of(&s.text, "db:verify", "id"))
            .collect();
        out.push_str(&para(&crate::tr!(
            "lesson05-links",
            ids = ids
                .into_iter()
                .collect::<Vec<_>>()
                .join(&crate::tr!("lesson05-and"))
        )));
        out
    }

    // ---- section 6 corrected --------------------------------------------

    fn kernel(&mut self) -> anyhow::Result<String> {
        let (a, b) = (&self.stage.a, &self.stage.b);
        let clients =
            |server| crate::tr!("lesson05-for-clients", server = server);
        let servers =
            |server| crate::tr!("lesson05-for-servers", server = server);
        let listening: HashMap<SocketAddr, String> = [
            (a.c2s, clients("a.example")),
            (a.s2s, servers("a.example")),
            (b.c2s, clients("b.example")),
            (b.s2s, servers("b.example")),
        ]
        .into_iter()
        .collect();
        let mut dialers: HashMap<SocketAddr, &str> =
            [(self.alice_addr, "alice"), (self.bob_addr, "bob")]
                .into_iter()
                .collect();
        for s in &self.s2s {
            if let Some(from) = s.text.strip_prefix("server connection from ")
                && let Ok(addr) = from.parse()
            {
                dialers.insert(
                    addr,
                    if s.by == Lane::B {
                        "a.example"
                    } else {
                        "b.example"
                    },
                );
            }
        }
        let rows = proc_net::tcp_sockets()?;
        let mut ours: Vec<_> = rows
            .iter()
            .filter(|r| r.state == TcpState::Established)
            .filter(|r| listening.contains_key(&r.remote))
            .filter(|r| dialers.contains_key(&r.local))
            .collect();
        // The kernel lists them in its own hash order: show the clients'
        // first, then the servers'.
        let order = ["alice", "bob", "a.example", "b.example"];
        ours.sort_by_key(|r| {
            let name = dialers.get(&r.local).copied().unwrap_or("");
            order.iter().position(|o| *o == name)
        });
        let mut out = para(&crate::tr!("lesson05-kernel-lists"));
        for row in &ours {
            let _ = writeln!(
                out,
                "  {:<10}{:<17}→ {:<17}{}",
                dialers.get(&row.local).copied().unwrap_or("?"),
                row.local.to_string(),
                row.remote.to_string(),
                listening.get(&row.remote).map_or("?", String::as_str)
            );
        }
        // ANCHOR: not_p2p
        let direct = rows.iter().any(|r| {
            (r.local == self.alice_addr && r.remote == self.bob_addr)
                || (r.local == self.bob_addr && r.remote == self.alice_addr)
        });
        let between = ours
            .iter()
            .filter(|r| r.remote == a.s2s || r.remote == b.s2s)
            .count();
        // ANCHOR_END: not_p2p
        self.kept.connections = ours.len();
        self.kept.at_listeners = ours
            .iter()
            .filter(|r| listening.contains_key(&r.remote))
            .count();
        self.kept.direct = direct;
        out.push_str(&para(&crate::tr!(
            "lesson05-kernel-verdict",
            connections = ours.len(),
            direct = if direct {
                crate::tr!("lesson05-direct-yes")
            } else {
                crate::tr!("lesson05-direct-none")
            },
            between = between
        )));
        Ok(out)
    }

    // ---- step 5 -------------------------------------------------------

    fn exchange(&mut self) -> anyhow::Result<String> {
        let stage = &self.stage;
        let (alice, bob) = (&mut self.alice, &mut self.bob);
        let _ = stage.take();
        stage.block_on(async {
            alice
                .send(&chat("bob@b.example", "Hello Bob, from a.example"))
                .await?;
            let got = wait_for(bob, "alice's message", is_chat).await?;
            let from = got.attr("from").unwrap_or("alice@a.example");
            bob.send(&chat(from, "Hi Alice, b.example here")).await?;
            wait_for(alice, "bob's reply", is_chat).await?;
            anyhow::Ok(())
        })?;
        std::thread::sleep(std::time::Duration::from_millis(50));
        let seen = stage.take();
        let mut out = String::new();
        let mut rungs = Vec::new();
        let start = seen.first().map_or_else(Instant::now, |s| s.at);
        for body in ["Hello Bob", "Hi Alice"] {
            let path = hops_of(&seen, body);
            let total = match (path.first(), path.last()) {
                (Some(first), Some(last)) => ms(first.0.at, last.1.at),
                _ => 0.0,
            };
            for (sent, got, from, to) in &path {
                self.kept.hops.push((
                    *from,
                    *to,
                    ms(sent.at, got.at),
                    attr_of(&sent.text, "message", "from").map(str::to_owned),
                ));
                let mut detail = vec![sent.text.clone()];
                detail.push(crate::tr!(
                    "lesson05-hop",
                    from = attr_of(&sent.text, "message", "from").map_or_else(
                        || crate::tr!("lesson05-from-none"),
                        str::to_owned
                    ),
                    to = attr_of(&sent.text, "message", "to").unwrap_or("?"),
                    ms = format!("{:.2}", ms(sent.at, got.at))
                ));
                rungs.push(Rung {
                    ms: ms(start, sent.at),
                    from: from.index(),
                    to: to.index(),
                    label: "message".into(),
                    detail,
                });
            }
            rungs.push(Rung {
                ms: ms(start, path.last().map_or(start, |h| h.1.at)),
                from: path.last().map_or(0, |h| h.3.index()),
                to: path.last().map_or(0, |h| h.3.index()),
                label: crate::tr!(
                    "lesson05-hops-took",
                    hops = path.len(),
                    ms = format!("{total:.2}")
                ),
                detail: Vec::new(),
            });
        }
        out.push_str(&hops::render(&lane_names(), &rungs));
        out.push_str(&para(&crate::tr!("lesson05-times")));
        Ok(out)
    }

    // ---- when the other server is down ----------------------------------

    fn down(&mut self) -> anyhow::Result<String> {
        self.stage.stop_b();
        // a.example reads the end of both streams.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let _ = self.stage.take();
        let alice = &mut self.alice;
        let bounced = self.stage.block_on(async {
            alice
                .send(&chat("bob@b.example", "Are you there, Bob?"))
                .await?;
            wait_for(alice, "an answer", |e| e.local_name() == "message").await
        })?;
        let seen: Vec<Seen> = self
            .stage
            .take()
            .into_iter()
            .filter(|s| self.on_ladder(s))
            .collect();
        self.kept.failure = seen
            .iter()
            .find(|s| s.kind == TraceKind::Note && s.text.starts_with("failed"))
            .map(|s| s.text.clone());
        let mut out = para(&crate::tr!(
            "lesson05-stopped",
            c2s = self.stage.b.c2s.to_string(),
            s2s = self.stage.b.s2s.to_string()
        ));
        out.push_str(&ladder(&seen));
        let condition = bounced
            .elements()
            .find(|e| e.local_name() == "error")
            .and_then(|e| e.elements().next())
            .map_or_else(
                || crate::tr!("lesson05-no-error"),
                |c| c.local_name().to_owned(),
            );
        self.kept.condition = Some(condition.clone());
        out.push_str(&para(&crate::tr!(
            "lesson05-bounced",
            type = bounced.attr("type").unwrap_or("?"),
            condition = condition.as_str()
        )));
        Ok(out)
    }
}

// ---- turning records into rungs ----------------------------------------

/// The four lane names, left to right.
fn lane_names() -> Vec<&'static str> {
    Lane::ALL.iter().map(|l| l.name()).collect()
}

/// A ladder of `seen`, timed from its first record.
fn ladder(seen: &[Seen]) -> String {
    hops::render(&lane_names(), &rungs_of(seen))
}

/// One rung per record: who sent it to whom follows from who recorded it
/// and on which stream.
fn rungs_of(seen: &[Seen]) -> Vec<Rung> {
    let Some(start) = seen.first().map(|s| s.at) else {
        return Vec::new();
    };
    seen.iter()
        .filter_map(|s| {
            let (from, to) = direction(s)?;
            let (label, detail) = if s.kind == TraceKind::Note {
                (server_notes::say(&s.text), Vec::new())
            } else {
                describe(s)
            };
            Some(Rung {
                ms: ms(start, s.at),
                from: from.index(),
                to: to.index(),
                label,
                detail,
            })
        })
        .collect()
}

// ANCHOR: direction
/// Sender and receiver of a server's record.
fn direction(s: &Seen) -> Option<(Lane, Lane)> {
    let (me, client, other) = match s.by {
        Lane::A => (Lane::A, Lane::Alice, Lane::B),
        Lane::B => (Lane::B, Lane::Bob, Lane::A),
        _ => return None,
    };
    let peer = if s.stream == Some(StreamKind::Client) {
        client
    } else {
        other
    };
    Some(match s.kind {
        TraceKind::In => (peer, me),
        TraceKind::Out => (me, peer),
        TraceKind::Note => (me, me),
    })
}
// ANCHOR_END: direction

/// The arrow's label and the lines underneath, for a piece of XML.
fn describe(s: &Seen) -> (String, Vec<String>) {
    // Which of the two server-to-server connections: the one a.example
    // opened (a→b) or the one b.example opened (b→a).
    let link = match s.stream {
        Some(StreamKind::ServerOut) => "a→b ",
        Some(StreamKind::ServerIn) => "b→a ",
        _ => "",
    };
    let text = s.text.trim_start_matches("<?xml version='1.0'?>");
    // The element's name, without the prefixes the reader knows.
    let name: String = text
        .trim_start_matches('<')
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
        .collect();
    let name = name.trim_start_matches("stream:").trim_start_matches("db:");
    let kind = attr_of(text, tag_of(text), "type");
    let name = match (name, kind) {
        ("stream", _) => "header".to_owned(),
        // For presence the type says it all: subscribe, subscribed.
        ("presence", Some(kind)) => kind.to_owned(),
        (name, Some(kind)) => format!("{name} {kind}"),
        (name, None) => name.to_owned(),
    };
    let mut detail = vec![shorten(text, 3 * (width::current() - 10))];
    let decoded = sasl_text(text);
    if !decoded.is_empty() {
        detail.push(decoded);
    }
    (format!("{link}{name}"), detail)
}

/// For a SASL element: its base64 payload decoded and explained.
fn sasl_text(xml: &str) -> String {
    let Ok(element) = parse_one(xml) else {
        return String::new();
    };
    if element.ns.as_deref() != Some(ns::SASL) {
        return String::new();
    }
    let what = match element.local_name() {
        "auth" => crate::tr!("lesson05-sasl-auth"),
        "challenge" => crate::tr!("lesson05-sasl-challenge"),
        "response" => crate::tr!("lesson05-sasl-response"),
        "success" => crate::tr!("lesson05-sasl-success"),
        _ => return String::new(),
    };
    let Some(text) = sasl_payload(&element) else {
        return String::new();
    };
    crate::tr!("lesson05-sasl-decoded", text = text, what = what)
}

/// A SASL element's base64 payload, decoded: `n,,n=alice,r=…`.
fn sasl_payload(element: &Element) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(element.text())
        .ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// One `key=value` field of a SCRAM message (RFC 5802 § 5.1).
fn scram_field<'t>(message: &'t str, key: &str) -> Option<&'t str> {
    message.split(',').find_map(|part| {
        part.strip_prefix(key)
            .and_then(|rest| rest.strip_prefix('='))
    })
}

/// The hops of the message whose body starts with `body`: (sent,
/// received, from, to), from the sender's and the receiver's records.
fn hops_of(seen: &[Seen], body: &str) -> Vec<(Seen, Seen, Lane, Lane)> {
    let with = |by: Lane, kind: TraceKind, stream: Option<StreamKind>| {
        seen.iter()
            .find(|s| {
                s.by == by
                    && s.kind == kind
                    && s.text.contains(body)
                    && (stream.is_none() || s.stream == stream)
            })
            .cloned()
    };
    use StreamKind::{Client, ServerIn, ServerOut};
    use TraceKind::{In, Out};
    let path = if body.starts_with("Hello") {
        [
            (Lane::Alice, None, Lane::A, Some(Client)),
            (Lane::A, Some(ServerOut), Lane::B, Some(ServerIn)),
            (Lane::B, Some(Client), Lane::Bob, None),
        ]
    } else {
        [
            (Lane::Bob, None, Lane::B, Some(Client)),
            (Lane::B, Some(ServerOut), Lane::A, Some(ServerIn)),
            (Lane::A, Some(Client), Lane::Alice, None),
        ]
    };
    path.iter()
        .filter_map(|&(from, out_stream, to, in_stream)| {
            Some((
                with(from, Out, out_stream)?,
                with(to, In, in_stream)?,
                from,
                to,
            ))
        })
        .collect()
}

// ---- small helpers -------------------------------------------------------

/// A server's connection number for its one client, and the client's
/// address, from the note "connected from …".
fn client_conn(
    seen: &[Seen],
    server: Lane,
) -> anyhow::Result<(u64, SocketAddr)> {
    seen.iter()
        .filter(|s| s.by == server && s.stream == Some(StreamKind::Client))
        .find_map(|s| {
            let addr = s.text.strip_prefix("connected from ")?.parse().ok()?;
            Some((s.conn, addr))
        })
        .with_context(|| format!("{} saw no client connect", server.name()))
}

/// The two rows of one TCP connection in /proc/net/tcp.
fn pair_rows(client: SocketAddr, server: SocketAddr) -> anyhow::Result<String> {
    let mut out = String::new();
    for row in proc_net::tcp_sockets()? {
        if (row.local == client && row.remote == server)
            || (row.local == server && row.remote == client)
        {
            let _ = writeln!(
                out,
                "  {}",
                style::kernel(&crate::tr!(
                    "lesson05-pair",
                    local = format!("{:<17}", row.local.to_string()),
                    remote = format!("{:<17}", row.remote.to_string()),
                    state = row.state.to_string()
                ))
            );
        }
    }
    Ok(out)
}

// ANCHOR: records
/// Splits bytes into TLS records (RFC 8446 § 5.1: type, version, 2-byte
/// length, then that many bytes).
fn tls_records(bytes: &[u8]) -> Vec<&[u8]> {
    let mut records = Vec::new();
    let mut at = 0;
    while let Some(header) = bytes.get(at..at + 5) {
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        let Some(record) = bytes.get(at..at + 5 + len) else {
            break;
        };
        records.push(record);
        at += 5 + len;
    }
    records
}
// ANCHOR_END: records

/// Milliseconds from `from` to `to`.
fn ms(from: Instant, to: Instant) -> f64 {
    to.saturating_duration_since(from).as_secs_f64() * 1000.0
}

/// Whether a record is on a server-to-server stream.
fn is_s2s(s: &Seen) -> bool {
    matches!(s.stream, Some(StreamKind::ServerIn | StreamKind::ServerOut))
}

/// Whether the XML is a stanza (message, presence, iq).
fn is_stanza(text: &str) -> bool {
    ["<message", "<presence", "<iq"]
        .iter()
        .any(|p| text.starts_with(p))
}

/// The name of the first tag in `text`, prefix included.
fn tag_of(text: &str) -> &str {
    let rest = text.trim_start_matches('<');
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    &rest[..end]
}

/// An attribute of the first `<element …>` in `text`.
fn attr_of<'t>(text: &'t str, element: &str, name: &str) -> Option<&'t str> {
    let open = format!("<{element} ");
    let start = text.find(&open)? + open.len();
    let tag = &text[start..start + text[start..].find('>')?];
    let key = format!("{name}=\"");
    let value = &tag[tag.find(&key)? + key.len()..];
    Some(&value[..value.find('"')?])
}

fn is_chat(e: &Element) -> bool {
    e.local_name() == "message" && e.attr("type") == Some("chat")
}

fn chat(to: &str, body: &str) -> Element {
    Element::new("message", None)
        .with_attr("to", to)
        .with_attr("type", "chat")
        .with_child(Element::new("body", None).with_text(body))
}

/// `text` cut to `max` characters, with `…`.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut kept: String = text.chars().take(max - 1).collect();
    kept.push('…');
    kept
}

/// A paragraph wrapped to [`width::current`], ending with a newline.
fn para(text: &str) -> String {
    format!("{}\n", wrap(text, width::current(), 0))
}

// ---- the worked answers ---------------------------------------------------

// ANCHOR: answers
impl World {
    /// The stream ids a.example gave alice's connection, in order.
    fn alice_ids(&self) -> Vec<(bool, String)> {
        let mut after_tls = false;
        let mut ids = Vec::new();
        for s in self.alice_stream(&self.login) {
            if s.text.starts_with("TLS established") {
                after_tls = true;
            }
            if s.kind == TraceKind::Out
                && let Some(id) = view::stream_id(&s.text)
            {
                ids.push((after_tls, id.to_owned()));
            }
        }
        ids
    }

    /// Exercise 1: the connection's two ends, and the stream ids.
    fn answer_connect(&self) -> String {
        let ids = self.alice_ids();
        let first = ids.first().map_or("?", |(_, id)| id.as_str());
        let after: Vec<&str> = ids
            .iter()
            .filter(|(tls, _)| *tls)
            .map(|(_, id)| id.as_str())
            .collect();
        crate::tr!(
            "answer-05-connect",
            client = self.alice_addr.to_string(),
            server = self.stage.a.c2s.to_string(),
            first = first,
            tls = *after.first().unwrap_or(&"?"),
            sasl = *after.get(1).unwrap_or(&"?")
        )
    }

    /// Exercise 2: salt, iterations, and whose nonce is whose.
    fn answer_scram(&self) -> String {
        let payload = |name: &str| {
            self.alice_stream(&self.login).iter().find_map(|s| {
                let element = parse_one(&s.text).ok()?;
                if element.local_name() != name {
                    return None;
                }
                sasl_payload(&element)
            })
        };
        let (Some(first), Some(challenge)) =
            (payload("auth"), payload("challenge"))
        else {
            return crate::tr!("answer-05-no-scram");
        };
        let mine = scram_field(&first, "r").unwrap_or("?");
        let combined = scram_field(&challenge, "r").unwrap_or("?");
        crate::tr!(
            "answer-05-scram",
            salt = scram_field(&challenge, "s").unwrap_or("?"),
            iterations = scram_field(&challenge, "i").unwrap_or("?"),
            mine = mine,
            theirs = combined.strip_prefix(mine).unwrap_or("?")
        )
    }

    /// Exercise 3: the first `db:verify`, and where its id came from.
    fn answer_dialback(&self) -> String {
        let start = self.s2s.first().map(|s| s.at);
        let at =
            |s: &Seen| format!("{:.2}", start.map_or(0.0, |t| ms(t, s.at)));
        // The ladder holds a.example's records of both connections: what
        // it wrote and what it read. The sender follows from which.
        let sender = |s: &Seen| direction(s).map_or(s.by, |(from, _)| from);
        let verify = self.s2s.iter().find(|s| {
            s.kind != TraceKind::Note
                && s.text.starts_with("<db:verify")
                && !s.text.contains("type=")
        });
        let Some(verify) = verify else {
            return crate::tr!("answer-05-no-verify");
        };
        let id = view::stream_id(&verify.text).unwrap_or("?");
        let mut text = vec![crate::tr!(
            "answer-05-verify",
            sender = sender(verify).name(),
            at = at(verify),
            link = link_of(verify),
            linkname = link_name(verify),
            id = id
        )];
        let header = self.s2s.iter().find(|s| {
            s.kind != TraceKind::Note
                && s.text.contains("<stream:stream")
                && view::stream_id(&s.text) == Some(id)
        });
        if let Some(h) = header {
            text.push(crate::tr!(
                "answer-05-verify-given",
                at = at(h),
                by = sender(h).name(),
                link = link_of(h),
                linkname = link_name(h)
            ));
        }
        text.push(crate::tr!("answer-05-verify-why"));
        worked::sentences(&text)
    }

    /// Exercise 4: the kernel's connections.
    fn answer_kernel(&self) -> String {
        let k = &self.kept;
        crate::tr!(
            "answer-05-kernel",
            connections = k.connections,
            listeners = k.at_listeners,
            aport = self.stage.a.c2s.to_string(),
            bport = self.stage.b.c2s.to_string(),
            alice = self.alice_addr.to_string(),
            bob = self.bob_addr.to_string(),
            direct = if k.direct {
                crate::tr!("answer-05-direct-one")
            } else {
                crate::tr!("answer-05-direct-none")
            }
        )
    }

    /// Exercise 5: the slowest hop, and who stamped `from`.
    fn answer_exchange(&self) -> String {
        let hops = &self.kept.hops;
        let Some(slowest) = hops.iter().max_by(|x, y| x.2.total_cmp(&y.2))
        else {
            return crate::tr!("answer-05-no-hops");
        };
        let all: Vec<String> = hops
            .iter()
            .map(|(f, t, ms, _)| {
                crate::tr!(
                    "answer-05-hop",
                    from = f.name(),
                    to = t.name(),
                    ms = format!("{ms:.2}")
                )
            })
            .collect();
        let mut text = vec![crate::tr!(
            "answer-05-exchange",
            hops = worked::comma_list(&all),
            from = slowest.0.name(),
            to = slowest.1.name(),
            ms = format!("{:.2}", slowest.2)
        )];
        if let Some((f, _, _, from)) = hops.iter().find(|h| h.3.is_some()) {
            text.push(crate::tr!(
                "answer-05-stamped",
                left = f.name(),
                from = from.as_deref().unwrap_or("?")
            ));
        }
        worked::sentences(&text)
    }

    /// Exercise 6: the address tried, and the error sent back.
    fn answer_down(&self) -> String {
        // Kept as the server wrote it; said in the reader's language.
        let note = self
            .kept
            .failure
            .as_deref()
            .map_or_else(|| crate::tr!("answer-05-no-note"), server_notes::say);
        crate::tr!(
            "answer-05-down",
            port = self.stage.b.s2s.to_string(),
            note = note,
            condition = self.kept.condition.as_deref().unwrap_or("?")
        )
    }
}
// ANCHOR_END: answers

/// Which of the two server-to-server connections a record is on: `a→b`
/// (the one a.example opened) or `b→a`.
fn link_of(s: &Seen) -> &'static str {
    match (s.by, s.stream) {
        (Lane::A, Some(StreamKind::ServerOut))
        | (Lane::B, Some(StreamKind::ServerIn)) => "a→b",
        _ => "b→a",
    }
}

/// The same, in words.
fn link_name(s: &Seen) -> String {
    if link_of(s) == "a→b" {
        crate::tr!("answer-05-link-a-b")
    } else {
        crate::tr!("answer-05-link-b-a")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_runs_and_fits_80_columns() {
        colored::control::set_override(false);
        let mut demo = HowItWorks { world: None };
        let steps = demo.steps();
        let out: Vec<String> = steps
            .iter()
            .map(|step| demo.run(step).expect(step))
            .collect();
        for (step, text) in steps.iter().zip(&out) {
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "{step}: {} columns: {line}",
                    line.chars().count()
                );
            }
        }
        let [connect, auth, wire, presence, s2s, kernel, exchange, down] =
            &out[..]
        else {
            panic!("eight outputs");
        };
        assert!(connect.contains("ESTABLISHED"), "{connect}");
        assert!(connect.contains("proceed"), "{connect}");
        assert!(auth.contains("CN=a.example"), "{auth}");
        assert!(auth.contains(",i=4096"), "{auth}");
        assert!(auth.contains("appears in none"), "{auth}");
        assert!(wire.contains("17 03 03"), "{wire}");
        assert!(presence.contains("subscribed"), "{presence}");
        assert!(presence.contains("step 4 happens here"), "{presence}");
        assert!(s2s.contains("pinned route"), "{s2s}");
        assert!(s2s.contains("verify valid"), "{s2s}");
        assert!(kernel.contains("alice and bob: none"), "{kernel}");
        assert!(kernel.contains("two servers: 2"), "{kernel}");
        assert!(exchange.contains("3 hops"), "{exchange}");
        assert!(down.contains("remote-server-not-found"), "{down}");

        // The worked answers quote this run's numbers.
        let answers = demo.answers().expect("lesson 5 answers");
        assert_eq!(answers.len(), 6);
        // The text after `start` up to `end`, spaces made single.
        let between = |text: &str, start: &str, end: &str| {
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let rest = flat.split_once(start).map(|(_, r)| r.to_owned());
            let found: Option<String> =
                rest.and_then(|r| Some(r.split_once(end)?.0.to_owned()));
            found.unwrap_or_else(|| panic!("no {start}…{end} in {text}"))
        };
        let alice = between(&answers[0], "joined ", " ");
        assert!(connect.contains(&format!("local {alice}")), "{alice}");
        // The ladder folds long values: compare without the breaks.
        let salt = between(&answers[1], "salt is s=", ",");
        let unfolded: String =
            auth.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(unfolded.contains(&format!(",s={salt},")), "{salt}");
        let id = between(&answers[2], "carrying id ", ".");
        assert!(s2s.contains(&format!("id=\"{id}\"")), "{id}");
        assert!(answers[3].contains("listed 4 connections"));
        let first_hop = between(exchange, "arrived ", " ms");
        assert!(answers[4].contains(&format!("{first_hop} ms")));
        assert!(answers[5].contains("remote-server-not-found"));

        // Every note the servers wrote (the ladder shows no client's) has
        // a form show/server_notes.rs knows, so it can be said in Chinese;
        // in English it comes back word for word.
        let world = demo.world.as_ref().expect("started");
        let notes = world
            .login
            .iter()
            .chain(&world.s2s)
            .filter(|s| s.kind == TraceKind::Note && direction(s).is_some())
            .map(|s| s.text.as_str())
            .chain(world.kept.failure.as_deref());
        for note in notes {
            assert_eq!(
                server_notes::known(note).as_deref(),
                Some(note),
                "a note show/server_notes.rs does not know"
            );
        }
    }

    #[test]
    fn tls_records_split_at_their_lengths() {
        let bytes = [0x17, 3, 3, 0, 2, 9, 9, 0x16, 3, 3, 0, 1, 7, 0x17];
        let records = tls_records(&bytes);
        assert_eq!(records.len(), 2);
        assert_eq!(records[1], &[0x16, 3, 3, 0, 1, 7]);
    }

    #[test]
    fn attributes_of_an_element() {
        let xml = "<db:verify from=\"b\" id=\"x1\" type=\"valid\"/>";
        assert_eq!(attr_of(xml, "db:verify", "id"), Some("x1"));
        assert_eq!(attr_of(xml, "message", "id"), None);
    }
}
