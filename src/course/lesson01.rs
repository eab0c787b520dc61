//! Lesson 1's live demo: instant messaging on a real XMPP server, started
//! inside this process, with two real clients on loopback TCP.
//!
//! This file is the lesson's script. Each step named in
//! `lessons/01-im.md` asks [`Im`] to do one thing and measure it
//! (`course/im.rs`), hands the values to [`crate::show::im`] to be
//! rendered, and keeps them in `Seen` for the worked answers:
//!
//! - `login`: alice and bob log in and say they are online;
//! - `connections`: the two TCP connections in the kernel's table;
//! - `push`: alice sends, bob receives without having asked, timed;
//! - `presence`: they subscribe to each other, bob goes away;
//! - `offline`: bob leaves, alice writes anyway, the server keeps the
//!   message and hands it over, stamped, when bob is back.
//!
//! Read before: [`super::xmpp_stage`], [`super::im`]. Read after:
//! `src/xmpp/server/` (`message.rs` is the push and the offline storage).
//! Book: `book/src/lesson-01.md`. Run: `netlab lesson 1`.

use anyhow::bail;

use super::im::{Connections, Im, Login, Offline, PresenceSeen, Pushed};
use super::{Demo, worked};
use crate::show::im as show;
use crate::xmpp::server::TraceKind;

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(ImDemo::default())
}

#[derive(Default)]
struct ImDemo {
    im: Im,
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    login: Option<Login>,
    connections: Option<Connections>,
    push: Option<Pushed>,
    presence: Option<PresenceSeen>,
    offline: Option<Offline>,
}

impl Demo for ImDemo {
    fn steps(&self) -> &'static [&'static str] {
        &["login", "connections", "push", "presence", "offline"]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        let seen = &mut self.seen;
        let shown = match step {
            "login" => show::login(seen.login.insert(self.im.login()?)),
            "connections" => show::connections(
                seen.connections.insert(self.im.connections()?),
            ),
            "push" => show::push(seen.push.insert(self.im.push()?)),
            "presence" => {
                show::presence(seen.presence.insert(self.im.presence()?))
            }
            "offline" => show::offline(seen.offline.insert(self.im.offline()?)),
            other => bail!("lesson 1 has no demo step `{other}`"),
        };
        Ok(shown)
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_rows(),
            self.answer_push(),
            self.answer_presence(),
            self.answer_delay(),
        ])
    }
}

// ANCHOR: answers
impl ImDemo {
    /// Exercise 1: the rows with the server's port.
    fn answer_rows(&self) -> String {
        let Some(c) = &self.seen.connections else {
            return worked::not_run();
        };
        let clients: Vec<String> = c
            .rows
            .iter()
            .filter(|o| o.row.local.port() != c.port)
            .map(|o| {
                crate::tr!(
                    "answer-01-client-at",
                    owner = o.owner.as_str(),
                    addr = o.row.local.to_string()
                )
            })
            .collect();
        crate::tr!(
            "answer-01-rows",
            rows = c.rows.len(),
            port = c.port,
            established = c.established(),
            clients = worked::comma_list(&clients)
        )
    }

    /// Exercise 2: what bob sent, and what the server added.
    fn answer_push(&self) -> String {
        let Some(p) = &self.seen.push else {
            return worked::not_run();
        };
        let added = super::conversation::added_attributes(&p.typed, &p.got);
        crate::tr!(
            "answer-01-push",
            sent = p.bob_sent,
            added = worked::and_list(&worked::code(&added))
        )
    }

    /// Exercise 3: who got bob's presence, before and after subscribing.
    fn answer_presence(&self) -> String {
        let (Some(l), Some(p)) = (&self.seen.login, &self.seen.presence) else {
            return worked::not_run();
        };
        crate::tr!(
            "answer-01-presence",
            first = people(&recipients(&l.online, "bob")),
            away = people(&recipients(&p.away, "bob")),
            took = crate::units::duration(p.took)
        )
    }

    /// Exercise 4: where the second went, and which time to show.
    fn answer_delay(&self) -> String {
        let Some(o) = &self.seen.offline else {
            return worked::not_run();
        };
        let total = o.received.duration_since(o.sent_at).unwrap_or_default();
        // Milliseconds as numbers: Fluent writes them without grouping,
        // as `{}` did.
        let ms = |d: std::time::Duration| d.as_millis() as u64;
        crate::tr!(
            "answer-01-delay",
            total = ms(total),
            away = ms(o.away),
            relogin = ms(o.relogin),
            rest = ms(total.saturating_sub(o.away + o.relogin)),
            stamp = o
                .stamp
                .clone()
                .unwrap_or_else(|| crate::tr!("answer-01-no-stamp"))
        )
    }
}
// ANCHOR_END: answers

/// Who the server sent `user`'s presence to, in this trace.
fn recipients(trace: &[super::im::Said], user: &str) -> Vec<String> {
    trace
        .iter()
        .filter(|s| s.line.kind == TraceKind::Out)
        .filter(|s| s.line.text.starts_with("<presence"))
        .filter(|s| s.line.text.contains(&format!("from=\"{user}@")))
        .map(|s| s.who.clone())
        .collect()
}

/// `alice and bob`; `nobody` for none.
fn people(names: &[String]) -> String {
    if names.is_empty() {
        crate::tr!("answer-01-nobody")
    } else {
        worked::and_list(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs every step in-process, as the player does.
    fn played() -> (ImDemo, String) {
        colored::control::set_override(false);
        let mut demo = ImDemo::default();
        let mut shown = String::new();
        for step in demo.steps() {
            shown.push_str(&demo.run(step).expect(step));
        }
        (demo, shown)
    }

    #[test]
    fn the_whole_lesson_runs_and_its_answers_quote_this_run() {
        let (demo, shown) = played();
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

        let answers = demo.answers().expect("answers");
        assert_eq!(answers.len(), 4);
        // Each answer quotes a number its step printed.
        let port = demo.seen.connections.as_ref().expect("ran").port;
        assert!(shown.contains(&format!(":{port} ")), "{shown}");
        assert!(answers[0].contains(&format!("port {port}")), "{answers:?}");
        assert!(answers[1].contains("sent 0 stanzas"), "{}", answers[1]);
        assert!(answers[1].contains("`from=\"alice@localhost/laptop\"`"));
        assert!(answers[2].contains("to bob:"), "{}", answers[2]);
        assert!(answers[2].contains("alice and bob"), "{}", answers[2]);
        let relogin = demo.seen.offline.as_ref().expect("ran").relogin;
        let ms = format!("{} ms", relogin.as_millis());
        assert!(shown.contains(&format!("({ms})")), "{shown}");
        assert!(answers[3].contains(&format!("took {ms}")), "{answers:?}");
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(people(&[]), "nobody");
        assert_eq!(people(&["a".into()]), "a");
        assert_eq!(people(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
