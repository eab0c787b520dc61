//! Lesson 4's live demo: the parts of an XMPP system and who does what.
//!
//! Each step named in `lessons/04-structure.md` runs here, in order:
//!
//! - `roles`: the server and its clients running at once, and their
//!   sockets as the kernel lists them;
//! - `routing`: a message from client to server to client, from the
//!   server's own trace;
//! - `jobs`: the server's three jobs from the article — client records
//!   (read from its database file), connection management (a second
//!   device; a session replaced with `conflict`), routing;
//! - `streams`: one client, one TCP connection, one XML stream: the
//!   stream headers of every open connection;
//! - `beyond`: a message for another domain, refused.
//!
//! This file is the script: [`super::structure`] acts and measures,
//! [`crate::show::structure`] lays the values out. What the steps saw is
//! kept in `Seen` for the worked answers (`--answers`).
//!
//! Book: `book/src/lesson-04.md`. Run: `netlab lesson 4`.

use anyhow::{Context, bail};

use super::structure::{
    self, Journey, Owner, Records, Replaced, Socket, Streams, World,
};
use super::xmpp_stage::TraceLine;
use super::{Demo, worked};
use crate::show::structure as view;
use crate::show::style;
use crate::sockets::proc_net::TcpState;
use crate::xmpp::component::handshake_digest;
use crate::xmpp::server::{StreamKind, TraceKind};

/// Makes the demo (the registry's constructor). The server starts at the
/// first step, not here: listing the steps costs nothing.
pub fn demo() -> Box<dyn Demo> {
    Box::new(StructureDemo {
        world: None,
        seen: Seen::default(),
    })
}

struct StructureDemo {
    world: Option<World>,
    seen: Seen,
}

/// What the steps saw, kept for the worked answers.
#[derive(Default)]
struct Seen {
    /// The kernel's table in `roles`.
    sockets: Vec<Socket>,
    /// The gateway's login, from the server's trace.
    gateway_login: Vec<(String, TraceLine)>,
    /// Alice to bob, through the server.
    to_bob: Option<Journey>,
    /// Alice to mallory: the journey, bytes of XML, bytes of IRC.
    to_gateway: Option<(Journey, usize, usize)>,
    /// Mallory to alice, through the gateway.
    from_gateway: Option<Journey>,
    /// The database, read in `jobs`.
    records: Option<Records>,
    /// Bob to alice's bare JID.
    to_bare: Option<Journey>,
    /// The laptop session a newer one replaced.
    replaced: Option<Replaced>,
    /// Every open connection's stream headers.
    streams: Vec<Streams>,
}

impl StructureDemo {
    fn world(&mut self) -> anyhow::Result<&mut World> {
        if self.world.is_none() {
            self.world = Some(World::start()?);
        }
        self.world.as_mut().context("the world was just started")
    }
}

impl Demo for StructureDemo {
    fn steps(&self) -> &'static [&'static str] {
        &["roles", "routing", "jobs", "streams", "beyond"]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        self.world()?;
        let StructureDemo { world, seen } = self;
        let world = world.as_mut().context("started just now")?;
        match step {
            "roles" => roles(world, seen),
            "routing" => routing(world, seen),
            "jobs" => jobs(world, seen),
            "streams" => streams(world, seen),
            "beyond" => beyond(world),
            other => bail!("lesson 4 has no demo step `{other}`"),
        }
    }

    fn answers(&self) -> Option<Vec<String>> {
        let seen = &self.seen;
        Some(vec![
            seen.answer_sockets(),
            seen.answer_handshake(),
            seen.answer_routing(),
            seen.answer_records(),
            seen.answer_sessions(),
            seen.answer_streams(),
        ])
    }
}

fn roles(world: &mut World, seen: &mut Seen) -> anyhow::Result<String> {
    let mut out = view::cast(&world.cast()?);
    out.push('\n');
    out.push_str(&view::para(&crate::tr!("structure-gateway-login")));
    seen.gateway_login = world.component_login(structure::GATEWAY.0);
    out.push_str(&view::trace(&seen.gateway_login));
    out.push('\n');
    out.push_str(&view::para(&crate::tr!(
        "structure-irc-registers",
        nick = structure::IRC_NICK,
        lines = world.irc_login.welcome.len()
    )));
    out.push_str(&view::irc_login(&world.irc_login));
    let sockets = world.sockets()?;
    let connections =
        sockets.iter().filter(|s| s.owner.is_accepted_end()).count();
    out.push('\n');
    out.push_str(&view::kernel(&crate::tr!(
        "structure-kernel-rows",
        connections = connections
    )));
    out.push_str(&view::sockets(&sockets));
    seen.sockets = sockets;
    Ok(out)
}

fn routing(world: &mut World, seen: &mut Seen) -> anyhow::Result<String> {
    let alice = view::client_writes("alice");
    let mut out =
        style::heading(&crate::tr!("structure-client-to-client")).to_string();
    out.push('\n');
    let journey = world.client_to_client()?;
    out.push_str(&view::journey(&alice, &journey));
    out.push_str(&view::para(&crate::tr!("structure-by-localpart")));
    seen.to_bob = Some(journey);
    out.push('\n');
    out.push_str(
        &style::heading(&crate::tr!("structure-client-to-irc")).to_string(),
    );
    out.push('\n');
    let (journey, read) = world.client_to_gateway()?;
    out.push_str(&view::journey(&alice, &journey));
    out.push_str(&view::para(&crate::tr!(
        "structure-by-domain",
        domain = structure::GATEWAY.0
    )));
    let gateway = view::from_gateway(structure::IRC_NICK);
    out.push_str(&view::lines(&gateway, &read));
    let xml = journey.lines.last().map_or(0, |(_, l)| l.text.len());
    let irc = read.last().map_or(0, |l| l.len() + 2);
    out.push_str(&view::para(&crate::tr!(
        "structure-same-sentence",
        xml = xml,
        irc = irc
    )));
    seen.to_gateway = Some((journey, xml, irc));
    out.push('\n');
    out.push_str(
        &style::heading(&crate::tr!("structure-irc-to-client")).to_string(),
    );
    out.push('\n');
    let (_, journey) = world.gateway_to_client()?;
    let mallory = view::to_gateway(structure::IRC_NICK);
    out.push_str(&crate::tr!(
        "structure-nick-types",
        nick = structure::IRC_NICK
    ));
    out.push('\n');
    out.push_str(&view::lines(&mallory, std::slice::from_ref(&journey.typed)));
    out.push_str(&view::trace_heading());
    out.push_str(&view::trace(&journey.lines));
    out.push_str(&view::para(&crate::tr!("structure-gateway-from")));
    seen.from_gateway = Some(journey);
    out.push('\n');
    out.push_str(
        &style::heading(&crate::tr!("structure-lying-component")).to_string(),
    );
    out.push('\n');
    let journey = world.component_lies()?;
    out.push_str(&view::journey(
        &crate::tr!("structure-bot-writes", domain = structure::BOT.0),
        &journey,
    ));
    out.push_str(&view::para(&crate::tr!("structure-lie-refused")));
    Ok(out)
}

fn jobs(world: &mut World, seen: &mut Seen) -> anyhow::Result<String> {
    let mut out =
        style::heading(&crate::tr!("structure-job-records")).to_string();
    out.push('\n');
    let stored = world.make_records()?;
    out.push_str(&view::journey(&view::client_writes("alice"), &stored));
    out.push_str(&view::para(&crate::tr!("structure-nothing-went-out")));
    out.push('\n');
    let records = world.records()?;
    out.push_str(&view::records(&records));
    seen.records = Some(records);

    out.push('\n');
    out.push_str(
        &style::heading(&crate::tr!("structure-job-connections")).to_string(),
    );
    out.push('\n');
    let bare = world.second_device()?;
    out.push_str(&view::para(&crate::tr!("structure-second-device")));
    out.push_str(&view::sessions(&world.sessions()?));
    let replaced = world.replace_laptop()?;
    out.push('\n');
    out.push_str(&view::para(&crate::tr!("structure-replace")));
    out.push_str(&view::trace(&replaced.lines));
    out.push_str(&view::para(&crate::tr!(
        "structure-old-laptop",
        error = replaced.error.as_str()
    )));
    out.push_str(&view::sessions(&world.sessions()?));
    seen.replaced = Some(replaced);

    out.push('\n');
    out.push_str(
        &style::heading(&crate::tr!("structure-job-routing")).to_string(),
    );
    out.push('\n');
    out.push_str(&view::para(&crate::tr!("structure-to-bare")));
    out.push_str(&view::journey(&view::client_writes("bob"), &bare));
    seen.to_bare = Some(bare);
    Ok(out)
}

fn streams(world: &mut World, seen: &mut Seen) -> anyhow::Result<String> {
    let list = world.streams();
    let mut out = view::streams(&list);
    // The replaced laptop's connection is closed by the server a moment
    // after its stream error; give the kernel that moment (on a busy
    // machine, up to two seconds) before counting.
    let count = |world: &World| -> anyhow::Result<usize> {
        Ok(world
            .sockets()?
            .iter()
            .filter(|s| matches!(s.owner, Owner::ServerEnd(_)))
            .count())
    };
    let started = std::time::Instant::now();
    let mut ends = count(world)?;
    while ends > list.len()
        && started.elapsed() < std::time::Duration::from_secs(2)
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
        ends = count(world)?;
    }
    out.push('\n');
    out.push_str(&view::kernel(&crate::tr!(
        "structure-kernel-ends",
        open = list.len(),
        ends = ends
    )));
    seen.streams = list;
    Ok(out)
}

fn beyond(world: &mut World) -> anyhow::Result<String> {
    let journey = world.remote()?;
    let condition = journey
        .lines
        .iter()
        .find_map(|(_, l)| structure::error_condition(&l.text))
        .unwrap_or_else(|| "?".into());
    let mut out = view::journey(&view::client_writes("alice"), &journey);
    out.push_str(&view::para(&crate::tr!(
        "structure-beyond",
        condition = condition
    )));
    Ok(out)
}

// ANCHOR: answers
impl Seen {
    /// Exercise 1: the kernel's rows, twice per connection, and the
    /// listeners.
    fn answer_sockets(&self) -> String {
        let listening: Vec<&Socket> = self
            .sockets
            .iter()
            .filter(|s| s.row.state == TcpState::Listen)
            .collect();
        let connected = self.sockets.len() - listening.len();
        let mut text = vec![crate::tr!(
            "answer-04-sockets",
            rows = self.sockets.len(),
            listening = listening.len(),
            connected = connected,
            connections = connected / 2
        )];
        if let Some(c) = self
            .sockets
            .iter()
            .find(|s| matches!(s.owner, Owner::Client(_)))
        {
            text.push(crate::tr!(
                "answer-04-sockets-example",
                local = c.row.local.to_string(),
                remote = c.row.remote.to_string(),
                owner = view::owner(&c.owner)
            ));
        }
        let names: Vec<String> = listening
            .iter()
            .map(|s| {
                crate::tr!(
                    "answer-04-listener",
                    addr = s.row.local.to_string(),
                    owner = view::owner(&s.owner)
                )
            })
            .collect();
        text.push(crate::tr!(
            "answer-04-sockets-listening",
            listening = listening.len(),
            names = worked::comma_list(&names)
        ));
        worked::sentences(&text)
    }

    /// Exercise 2: the component's handshake, checked again here.
    fn answer_handshake(&self) -> String {
        let id = self
            .gateway_login
            .iter()
            .filter(|(_, l)| l.kind == TraceKind::Out)
            .find_map(|(_, l)| view::stream_id(&l.text));
        let sent = self.gateway_login.iter().find_map(|(_, l)| {
            let rest = l.text.strip_prefix("<handshake>")?;
            rest.strip_suffix("</handshake>")
        });
        let (Some(id), Some(sent)) = (id, sent) else {
            return crate::tr!("answer-04-no-handshake");
        };
        let (domain, secret) = structure::GATEWAY;
        let check = if handshake_digest(id, secret) == sent {
            crate::tr!("answer-04-handshake-same")
        } else {
            crate::tr!("answer-04-handshake-different")
        };
        crate::tr!(
            "answer-04-handshake",
            sent = sent,
            id = id,
            secret = secret,
            check = check,
            domain = domain
        )
    }

    /// Exercise 3: `from` added, the gateway's kept, routed by domain, and
    /// the bytes on both sides.
    fn answer_routing(&self) -> String {
        let domain = structure::GATEWAY.0;
        let stamped = self
            .to_bob
            .as_ref()
            .and_then(|j| out_lines(j).next())
            .and_then(|l| attr(&l.text, "from"));
        let kept = self
            .from_gateway
            .as_ref()
            .and_then(|j| j.lines.first())
            .and_then(|(_, l)| attr(&l.text, "from"));
        let mut text = Vec::new();
        if let Some(from) = stamped {
            text.push(crate::tr!("answer-04-stamped", from = from));
        }
        if let Some(from) = kept {
            text.push(crate::tr!(
                "answer-04-kept",
                from = from,
                domain = domain
            ));
        }
        text.push(crate::tr!("answer-04-by-domain", domain = domain));
        if let Some((_, xml, irc)) = &self.to_gateway {
            text.push(crate::tr!(
                "answer-04-bytes",
                xml = *xml,
                irc = *irc,
                more = xml.saturating_sub(*irc)
            ));
        }
        worked::sentences(&text)
    }

    /// Exercise 4: the credentials a thief would want, and carol's
    /// waiting message.
    fn answer_records(&self) -> String {
        let Some(records) = &self.records else {
            return crate::tr!("answer-step-not-run", step = "jobs");
        };
        let mechanisms: Vec<String> = records
            .credentials
            .iter()
            .map(|c| {
                crate::tr!(
                    "answer-04-credential",
                    mechanism = c.mechanism.to_string(),
                    iterations = c.iterations
                )
            })
            .collect();
        crate::tr!(
            "answer-04-records",
            rows = records.credentials.len(),
            mechanisms = worked::and_list(&mechanisms),
            waiting = records.offline.len()
        )
    }

    /// Exercise 5: copies to the bare JID, and the replaced laptop.
    fn answer_sessions(&self) -> String {
        let to: Vec<String> = self
            .to_bare
            .iter()
            .flat_map(|j| &j.lines)
            .filter(|(_, l)| l.kind == TraceKind::Out)
            .map(|(who, _)| who.clone())
            .collect();
        let mut text = vec![crate::tr!(
            "answer-04-copies",
            copies = to.len(),
            to = worked::and_list(&to)
        )];
        if let Some(replaced) = &self.replaced {
            text.push(crate::tr!(
                "answer-04-replaced",
                error = replaced.error.to_string()
            ));
        }
        worked::sentences(&text)
    }

    /// Exercise 6: stream headers per connection, and fresh ids.
    fn answer_streams(&self) -> String {
        let client = self.streams.iter().find(|s| s.kind == StreamKind::Client);
        let component = self
            .streams
            .iter()
            .find(|s| s.kind == StreamKind::Component);
        let Some(client) = client else {
            return crate::tr!("answer-04-no-client-stream");
        };
        let ids = client
            .headers
            .iter()
            .filter(|(kind, _)| *kind == TraceKind::Out)
            .filter_map(|(_, xml)| view::stream_id(xml))
            .map(str::to_owned)
            .reduce(|first, next| {
                crate::tr!("answer-04-then", first = first, next = next)
            })
            .unwrap_or_default();
        let mut text = vec![crate::tr!(
            "answer-04-streams",
            headers = client.headers.len(),
            conn = client.conn.to_string(),
            jid = client.jid.to_string(),
            ids = ids
        )];
        if let Some(c) = component {
            text.push(crate::tr!(
                "answer-04-gateway-stream",
                headers = c.headers.len()
            ));
        }
        worked::sentences(&text)
    }
}
// ANCHOR_END: answers

/// The lines the server wrote, in a journey.
fn out_lines(journey: &Journey) -> impl Iterator<Item = &TraceLine> {
    journey
        .lines
        .iter()
        .filter(|(_, l)| l.kind == TraceKind::Out)
        .map(|(_, l)| l)
}

/// An attribute of the first element of `xml`, in either quote.
fn attr(xml: &str, name: &str) -> Option<String> {
    let element = crate::xmpp::framing::parse_one(xml).ok()?;
    element.attr(name).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_lesson_runs_and_fits_80_columns() {
        colored::control::set_override(false);
        let mut demo = demo();
        let mut shown = Vec::new();
        for step in demo.steps() {
            shown.push(demo.run(step).expect(step));
        }
        let [roles, routing, jobs, streams, beyond] = &shown[..] else {
            panic!("five steps");
        };
        for (text, step) in shown.iter().zip(demo.steps()) {
            for line in text.lines() {
                assert!(
                    line.chars().count() <= 80,
                    "step {step}, {} columns: {line}",
                    line.chars().count()
                );
            }
        }
        let flat =
            |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
        // Three roles: listeners, clients, components, and IRC.
        assert!(roles.contains("server, component port"), "{roles}");
        assert!(roles.contains("gateway, IRC port"), "{roles}");
        assert!(roles.contains("alice/laptop's client"), "{roles}");
        assert!(roles.contains("gw.localhost, component"), "{roles}");
        assert!(roles.contains("mallory's IRC client"), "{roles}");
        assert!(roles.contains("bot.localhost, component"), "{roles}");
        assert!(flat(roles).contains("three listeners and 5 connections"));
        assert!(roles.contains("<handshake/>"), "{roles}");
        assert!(roles.contains("to=\"gw.localhost\""), "{roles}");
        assert!(roles.contains(" 376 mallory "), "{roles}");
        // Routing: to a client, through the gateway both ways, and a lie
        // that reaches nobody.
        assert!(routing.contains("server → bob/phone"), "{routing}");
        assert!(routing.contains("from=\"alice@localhost/laptop\""));
        assert!(routing.contains("server → gw.localhost"), "{routing}");
        assert!(routing.contains("PRIVMSG mallory :Hi mallory, from XMPP"));
        assert!(routing.contains("from=\"mallory@gw.localhost\""));
        assert!(routing.contains("stream error invalid-from"), "{routing}");
        assert_eq!(routing.matches("server → bob/phone").count(), 1);
        // Records: keys, no password; the roster; the stored message.
        assert!(jobs.contains("SCRAM-SHA-256"), "{jobs}");
        assert!(jobs.contains("no password column"), "{jobs}");
        assert!(jobs.contains("bob@localhost    subscription=both"));
        assert!(jobs.contains("Call me when you are back"), "{jobs}");
        // The replaced session.
        assert!(jobs.contains("stream error <conflict/>"), "{jobs}");
        assert!(jobs.contains("alice@localhost/phone"), "{jobs}");
        assert!(jobs.contains("gw.localhost (component)  ESTABLISHED"));
        assert!(jobs.contains("server → alice/phone"), "{jobs}");
        // Three connections open, each with two streams.
        assert!(streams.contains("(stream 2)"), "{streams}");
        assert!(streams.contains("3 client connections carried 4 stream"));
        assert!(streams.contains("component's connection carried 2 stream"));
        assert!(flat(streams).contains("kernel: 4 connections"));
        assert!(flat(streams).contains("4 server ends"), "{streams}");
        assert!(beyond.contains("remote-server-not-found"), "{beyond}");

        // The worked answers quote this run's numbers.
        let answers = demo.answers().expect("lesson 4 answers");
        assert_eq!(answers.len(), 6);
        let rows = roles.lines().filter(|l| l.starts_with("│ 127.")).count();
        assert!(answers[0].contains(&format!("listed {rows} rows")));
        let hash = roles
            .split("<handshake>")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the gateway's handshake");
        assert!(answers[1].contains(hash), "{}", answers[1]);
        assert!(answers[1].contains("is the same"), "{}", answers[1]);
        let xml = flat(routing)
            .split(" bytes of XML")
            .next()
            .and_then(|before| before.rsplit(' ').next())
            .map(str::to_owned)
            .expect("the XML's size");
        assert!(answers[2].contains(&format!("took {xml} bytes of XML")));
        assert!(answers[4].contains("2 copies"), "{}", answers[4]);
        assert!(answers[5].contains("4 stream headers"), "{}", answers[5]);
    }
}
