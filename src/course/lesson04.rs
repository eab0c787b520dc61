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
//! [`crate::show::structure`] lays the values out.
//!
//! Book: `book/src/lesson-04.md`. Run: `netlab lesson 4`.

use anyhow::{Context, bail};

use super::Demo;
use super::structure::{self, World};
use crate::show::structure as view;
use crate::show::style;

/// Makes the demo (the registry's constructor). The server starts at the
/// first step, not here: listing the steps costs nothing.
pub fn demo() -> Box<dyn Demo> {
    Box::new(StructureDemo { world: None })
}

struct StructureDemo {
    world: Option<World>,
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
        let world = self.world()?;
        match step {
            "roles" => roles(world),
            "routing" => routing(world),
            "jobs" => jobs(world),
            "streams" => streams(world),
            "beyond" => beyond(world),
            other => bail!("lesson 4 has no demo step `{other}`"),
        }
    }
}

fn roles(world: &mut World) -> anyhow::Result<String> {
    let mut out = view::cast(&world.cast()?);
    out.push('\n');
    out.push_str(&view::para(
        "The gateway's login, from the server's trace (namespaces kept: \
         they tell a component's stream from a client's):",
    ));
    out.push_str(&view::trace(&world.component_login(structure::GATEWAY.0)));
    out.push('\n');
    out.push_str(&view::para(&format!(
        "{} registers on IRC: two lines typed, then the gateway's welcome \
         ({} lines; the first and the last):",
        structure::IRC_NICK,
        world.irc_login.welcome.len()
    )));
    out.push_str(&view::irc_login(&world.irc_login));
    let sockets = world.sockets()?;
    let connections = sockets
        .iter()
        .filter(|s| s.owner.contains("'s end for"))
        .count();
    out.push('\n');
    out.push_str(&view::kernel(&format!(
        "kernel: /proc/net/tcp, every row with one of the three listening \
         ports: three listeners and {connections} connections, each seen \
         from both ends"
    )));
    out.push_str(&view::sockets(&sockets));
    Ok(out)
}

fn routing(world: &mut World) -> anyhow::Result<String> {
    let mut out = style::heading("client → server → client").to_string();
    out.push('\n');
    let journey = world.client_to_client()?;
    out.push_str(&view::journey("alice's client", &journey));
    out.push_str(&view::para(
        "Routed by the localpart: the server found bob in its table of who \
         is online and wrote the message into his connection, with from \
         added.",
    ));
    out.push('\n');
    out.push_str(
        &style::heading("client → server → gateway → IRC").to_string(),
    );
    out.push('\n');
    let (journey, read) = world.client_to_gateway()?;
    out.push_str(&view::journey("alice's client", &journey));
    out.push_str(&view::para(&format!(
        "Routed by the domain: {} belongs to a component, so the server \
         handed the message over without looking at the localpart; it only \
         added from. The gateway wrote one line on mallory's IRC \
         connection:",
        structure::GATEWAY.0
    )));
    let gateway = style::server("gateway → mallory").to_string();
    out.push_str(&view::lines(&gateway, &read));
    let xml = journey.lines.last().map_or(0, |(_, l)| l.text.len());
    let irc = read.last().map_or(0, |l| l.len() + 2);
    out.push_str(&view::para(&format!(
        "The same sentence: {xml} bytes of XML from the server to the \
         gateway, {irc} bytes of IRC from the gateway to mallory (CR LF \
         included)."
    )));
    out.push('\n');
    out.push_str(
        &style::heading("IRC → gateway → server → client").to_string(),
    );
    out.push('\n');
    let (_, journey) = world.gateway_to_client()?;
    let mallory = style::client("mallory → gateway").to_string();
    out.push_str("mallory types:\n");
    out.push_str(&view::lines(&mallory, std::slice::from_ref(&journey.typed)));
    out.push_str("the server's trace:\n");
    out.push_str(&view::trace(&journey.lines));
    out.push_str(&view::para(
        "The gateway wrote from itself, mallory@gw.localhost, and the \
         server let it pass: the address is in the gateway's own domain.",
    ));
    out.push('\n');
    out.push_str(&style::heading("a component that lies").to_string());
    out.push('\n');
    let journey = world.component_lies()?;
    out.push_str(&view::journey("the bot, bot.localhost,", &journey));
    out.push_str(&view::para(
        "from=\"alice@localhost/laptop\" is not in bot.localhost: the \
         server ended the component's stream with invalid-from and routed \
         nothing. Bob never saw the message.",
    ));
    Ok(out)
}

fn jobs(world: &mut World) -> anyhow::Result<String> {
    let mut out = style::heading("1. client records").to_string();
    out.push('\n');
    let stored = world.make_records()?;
    out.push_str(&view::journey("alice's client", &stored));
    out.push_str(&view::para(
        "Nothing went out: carol is offline. Alice and bob have also asked \
         for each other's presence. What the server now keeps:",
    ));
    out.push('\n');
    out.push_str(&view::records(&world.records()?));

    out.push('\n');
    out.push_str(&style::heading("2. connection management").to_string());
    out.push('\n');
    let bare = world.second_device()?;
    out.push_str(&view::para(
        "alice logs in a second time, from her phone: a second TCP \
         connection for the same account. The server's table of \
         connections (from its trace), with the kernel's state of each:",
    ));
    out.push_str(&view::sessions(&world.sessions()?));
    let replaced = world.replace_laptop()?;
    out.push('\n');
    out.push_str(&view::para(
        "Now another connection logs in as alice@localhost/laptop, a \
         resource the laptop already holds. The server keeps the newer \
         session and ends the older one; its trace of the old connection:",
    ));
    out.push_str(&view::trace(&replaced.lines));
    out.push_str(&view::para(&format!(
        "The old laptop's client reported: {}. The table now:",
        replaced.error
    )));
    out.push_str(&view::sessions(&world.sessions()?));

    out.push('\n');
    out.push_str(&style::heading("3. routing").to_string());
    out.push('\n');
    out.push_str(&view::para(
        "Before the laptop was replaced, bob wrote to alice's bare JID, \
         with no device named; the server looked alice up in that table \
         and delivered a copy to each of her online devices:",
    ));
    out.push_str(&view::journey("bob's client", &bare));
    Ok(out)
}

fn streams(world: &mut World) -> anyhow::Result<String> {
    let list = world.streams();
    let mut out = view::streams(&list);
    // The replaced laptop's connection is closed by the server a moment
    // after its stream error; give the kernel that moment (on a busy
    // machine, up to two seconds) before counting.
    let count = |world: &World| -> anyhow::Result<usize> {
        Ok(world
            .sockets()?
            .iter()
            .filter(|s| s.owner.starts_with("server's end"))
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
    out.push_str(&view::kernel(&format!(
        "kernel: {} connections the server has open, {ends} server ends \
         ESTABLISHED in /proc/net/tcp",
        list.len()
    )));
    Ok(out)
}

fn beyond(world: &mut World) -> anyhow::Result<String> {
    let journey = world.remote()?;
    let condition = journey
        .lines
        .iter()
        .find_map(|(_, l)| structure::error_condition(&l.text))
        .unwrap_or_else(|| "?".into());
    let mut out = view::journey("alice's client", &journey);
    out.push_str(&view::para(&format!(
        "example.org is not a domain this server serves, and this lesson \
         runs it without federation (no server-to-server connections), so \
         it answered for juliet itself: <{condition}/>. Nothing left this \
         machine."
    )));
    Ok(out)
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
    }
}
