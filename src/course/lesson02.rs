//! Lesson 2's live demo: interoperability. Two very different clients use
//! one server: netlab's own client library (alice), and a bare TCP socket
//! on which the lesson types XMPP by hand (bob).
//!
//! This file is the lesson's script. Each step named in
//! `lessons/02-why-xmpp.md` asks [`Interop`] to do one thing
//! (`course/interop.rs`, bob's socket in `course/typist.rs`), hands what
//! came back to [`crate::show::interop`], and keeps it for the worked
//! answers: `client` (alice logs in the usual way), then bob's `open`,
//! `auth`, `restart`, `bind`, `presence`, `message` (to alice, and her
//! answer), `close`; last, `early`: a third socket sends a message
//! without logging in.
//!
//! Read before: [`super::typist`], [`super::interop`]. Book:
//! `book/src/lesson-02.md`. Run: `netlab lesson 2`.

use anyhow::bail;
use base64::Engine as _;

use super::conversation::added_attributes;
use super::interop::{AliceIn, Auth, Early, Interop, Opened, Talk};
use super::{Demo, worked};
use crate::show::interop as show;
use crate::xmpp::framing::parse_one;

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(InteropDemo::default())
}

#[derive(Default)]
struct InteropDemo {
    interop: Interop,
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    alice: Option<AliceIn>,
    opened: Option<Opened>,
    auth: Option<Auth>,
    talk: Option<Talk>,
    early: Option<Early>,
}

impl Demo for InteropDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "client", "open", "auth", "restart", "bind", "presence", "message",
            "close", "early",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        let (bob, seen) = (&mut self.interop, &mut self.seen);
        let shown = match step {
            "client" => show::client(seen.alice.insert(bob.client()?)),
            "open" => show::open(seen.opened.insert(bob.open()?)),
            "auth" => show::auth(seen.auth.insert(bob.auth()?)),
            "restart" => show::exchange(&bob.restart()?),
            "bind" => show::exchange(&bob.bind()?),
            "presence" => show::exchange(&bob.presence()?),
            "message" => show::message(seen.talk.insert(bob.message()?)),
            "close" => show::close(&bob.close()?),
            "early" => show::early(seen.early.insert(bob.early()?)),
            other => bail!("lesson 2 has no demo step `{other}`"),
        };
        Ok(shown)
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_plain(),
            self.answer_rewritten(),
            self.answer_mechanisms(),
            self.answer_early(),
        ])
    }
}

impl InteropDemo {
    /// Exercise 1: PLAIN's three fields, decoded.
    fn answer_plain(&self) -> String {
        let Some(a) = &self.seen.auth else {
            return worked::not_run();
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&a.initial)
            .unwrap_or_default();
        // As `od -c` prints them: one character each, NUL as \0.
        let od: Vec<String> = bytes
            .iter()
            .map(|&b| match b {
                0 => "\\0".to_owned(),
                b => char::from(b).to_string(),
            })
            .collect();
        let fields: Vec<String> = bytes
            .split(|&b| b == 0)
            .map(|f| String::from_utf8_lossy(f).into_owned())
            .collect();
        let field = |i: usize| fields.get(i).map_or("", String::as_str);
        crate::tr!(
            "answer-02-plain",
            initial = a.initial.as_str(),
            bytes = bytes.len(),
            od = od.join(" "),
            user = field(1),
            password = field(2)
        )
    }

    /// Exercise 2: what the server added and changed.
    fn answer_rewritten(&self) -> String {
        let Some(t) = &self.seen.talk else {
            return worked::not_run();
        };
        let added = parse_one(&t.typed)
            .map(|typed| added_attributes(&typed, &t.parsed))
            .unwrap_or_default();
        let parsed = t.parsed.to_xml();
        crate::tr!(
            "answer-02-rewritten",
            typed = t.typed.len(),
            typed_single = t.typed.matches('\'').count(),
            got = parsed.len(),
            got_single = parsed.matches('\'').count(),
            got_double = parsed.matches('"').count(),
            added = worked::and_list(&worked::code(&added))
        )
    }

    /// Exercise 3: the mechanisms, and which never without TLS.
    fn answer_mechanisms(&self) -> String {
        let (Some(o), Some(alice)) = (&self.seen.opened, &self.seen.alice)
        else {
            return worked::not_run();
        };
        let offered: Vec<String> =
            o.mechanisms().iter().map(|m| m.to_string()).collect();
        crate::tr!(
            "answer-02-mechanisms",
            offered = worked::comma_list(&worked::code(&offered)),
            picked = alice.mechanism.to_string()
        )
    }

    /// Exercise 4: a message before logging in.
    fn answer_early(&self) -> String {
        let Some(e) = &self.seen.early else {
            return worked::not_run();
        };
        let (condition, read) = (e.condition().unwrap_or("?"), e.read_after);
        match e.text() {
            Some(text) => crate::tr!(
                "answer-02-early-text",
                condition = condition,
                text = text,
                read = read
            ),
            None => crate::tr!(
                "answer-02-early",
                condition = condition,
                read = read
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_whole_lesson_runs_and_its_answers_quote_this_run() {
        colored::control::set_override(false);
        let mut demo = InteropDemo::default();
        let mut shown = String::new();
        for step in demo.steps() {
            shown.push_str(&demo.run(step).expect(step));
        }
        assert!(shown.contains("<mechanism>PLAIN</mechanism>"), "{shown}");
        assert!(shown.contains("<success"), "{shown}");
        assert!(shown.contains("bob@localhost/telnet"), "{shown}");
        assert!(shown.contains("Hello from a socket"), "{shown}");
        assert!(shown.contains("Same server, different software"));
        assert!(shown.contains("read() = 0"), "{shown}");
        assert!(shown.contains("<not-authorized"), "{shown}");

        let answers = demo.answers().expect("answers");
        assert_eq!(answers.len(), 4);
        assert!(answers[0].contains("AGJvYgBuZXRsYWI="), "{}", answers[0]);
        assert!(answers[0].contains("\\0 b o b \\0 n e t l a b"));
        let typed = &demo.seen.talk.as_ref().expect("ran").typed;
        let bytes = format!("{} bytes", typed.len());
        assert!(shown.contains(&format!("typed {bytes}")), "{shown}");
        assert!(answers[1].contains(&format!("typed {bytes}")));
        assert!(answers[1].contains("`from=\"bob@localhost/telnet\"`"));
        assert!(answers[2].contains("`SCRAM-SHA-256`, `SCRAM-SHA-1`, `PLAIN`"));
        assert!(answers[3].contains("`<not-authorized/>`"), "{}", answers[3]);
        assert!(answers[3].contains("returned 0"), "{}", answers[3]);
    }
}
