//! Lesson 3's live demo: XMPP's traits, shown on a real server.
//!
//! This file is the lesson's script. Each step named in
//! `lessons/03-traits.md` asks [`Traits`] to check one claim
//! (`course/traits.rs`), hands what it saw to [`crate::show::traits`], and
//! keeps it for the worked answers:
//!
//! - `stanza`, `annotate`: one message captured as it crossed the server,
//!   a forged `from` overwritten, and the message taken apart;
//! - `jids`: addresses taken apart, and a strange resource bound;
//! - `federation`: a message to another domain, refused;
//! - `push-poll`: the same messages by push and by polling;
//! - `security`: what the server offered before login, and SASL.
//!
//! Read before: [`super::traits`]. Book: `book/src/lesson-03.md`. Run:
//! `netlab lesson 3`.

use std::time::Duration;

use anyhow::bail;

use super::push_poll::Method;
use super::traits::{Captured, Jids, POLL_INTERVALS, Race, Traits};
use super::{Demo, worked};
use crate::show::traits as show;
use crate::xmpp::jid::Jid;

/// Makes the demo (the registry's constructor). The server starts at the
/// first step, not here: listing the steps costs nothing.
pub fn demo() -> Box<dyn Demo> {
    Box::new(TraitsDemo::default())
}

#[derive(Default)]
struct TraitsDemo {
    traits: Traits,
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    stanza: Option<Captured>,
    jids: Option<Jids>,
    race: Option<Race>,
}

impl Demo for TraitsDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "stanza",
            "annotate",
            "jids",
            "federation",
            "push-poll",
            "security",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        let (traits, seen) = (&mut self.traits, &mut self.seen);
        let shown = match step {
            "stanza" => show::stanza(seen.stanza.insert(traits.stanza()?)),
            "annotate" => {
                // The message as the server delivered it to Bob.
                let delivered = match &seen.stanza {
                    Some(c) => c.left.text.clone(),
                    None => {
                        seen.stanza.insert(traits.stanza()?).left.text.clone()
                    }
                };
                show::annotated(&traits.annotate(&delivered)?)
            }
            "jids" => show::jids(seen.jids.insert(traits.jids()?)),
            "federation" => show::federation(&traits.federation()?),
            "push-poll" => show::race(seen.race.insert(traits.push_poll()?)),
            "security" => show::security(&traits.security()?),
            other => bail!("lesson 3 has no demo step `{other}`"),
        };
        Ok(shown)
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_from(),
            self.answer_jids(),
            self.answer_poll(),
        ])
    }
}

impl TraitsDemo {
    /// Exercise 1: the bytes `from` added, and a forged one.
    fn answer_from(&self) -> String {
        let Some(c) = &self.seen.stanza else {
            return worked::not_run();
        };
        let (sent, got) = (c.arrived.text.len(), c.left.text.len());
        let added = c.added.join(" ");
        crate::tr!(
            "answer-03-from",
            sent = sent,
            got = got,
            more = got.saturating_sub(sent),
            added = added.as_str(),
            length = 1 + added.len(),
            forged = c.forged.as_str(),
            stamped = c.forged_delivered.attr("from").unwrap_or("?")
        )
    }

    /// Exercise 2: same account, same device.
    fn answer_jids(&self) -> String {
        let texts = [
            "Alice@LocalHost/Laptop",
            "alice@localhost/laptop",
            "alice@localhost",
        ];
        let parsed: Vec<Option<Jid>> =
            texts.iter().map(|t| Jid::parse(t).ok()).collect();
        let bare: Vec<String> = parsed
            .iter()
            .map(|j| j.as_ref().map_or("?".into(), |j| j.bare().to_string()))
            .collect();
        let one_account = bare.iter().all(|b| *b == bare[0]);
        let (verdict, accounts) = if one_account {
            (
                crate::tr!("answer-03-one-account"),
                crate::tr!("answer-03-accounts-each", bare = bare[0].as_str()),
            )
        } else {
            (
                crate::tr!("answer-03-not-one-account"),
                crate::tr!(
                    "answer-03-accounts-apart",
                    list = worked::comma_list(&worked::code(&bare))
                ),
            )
        };
        let same_device = parsed[0].is_some() && parsed[0] == parsed[1];
        let device = if same_device {
            crate::tr!("answer-03-device-full")
        } else {
            crate::tr!("answer-03-device-none")
        };
        let rule = self
            .seen
            .jids
            .as_ref()
            .and_then(|j| j.compared.iter().find(|(_, _, equal)| !equal));
        match rule {
            Some((left, right, _)) => crate::tr!(
                "answer-03-jids-rule",
                verdict = verdict,
                accounts = accounts,
                device = device,
                left = left.to_string(),
                right = right.to_string()
            ),
            None => crate::tr!(
                "answer-03-jids",
                verdict = verdict,
                accounts = accounts,
                device = device
            ),
        }
    }

    /// Exercise 3: the 100 ms poller's empty answers, and the scale.
    fn answer_poll(&self) -> String {
        let Some(r) = &self.seen.race else {
            return worked::not_run();
        };
        let every = POLL_INTERVALS[1];
        let Some(poll) =
            r.results.iter().find(|d| d.method == Method::Poll(every))
        else {
            return worked::not_run();
        };
        let per_user =
            Duration::from_secs(1).as_secs_f64() / every.as_secs_f64();
        let users = 10_000_u32;
        let push = r
            .results
            .iter()
            .find(|d| d.method == Method::Push)
            .map_or(0, |d| d.requests);
        crate::tr!(
            "answer-03-poll",
            requests = poll.requests,
            empty = poll.empty,
            users = thousands(u64::from(users)),
            every = crate::units::duration(every),
            each = format!("{per_user:.0}"),
            total = thousands((f64::from(users) * per_user).round() as u64),
            push = push
        )
    }
}

/// `100000` as `100,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_runs_and_the_answers_quote_this_run() {
        colored::control::set_override(false);
        let mut demo = TraitsDemo::default();
        let mut outputs = Vec::new();
        for step in demo.steps() {
            outputs.push(demo.run(step).expect(step));
        }
        let [stanza, annotate, jids, federation, race, security] = &outputs[..]
        else {
            panic!("six outputs");
        };
        assert!(
            stanza.contains("from=\"alice@localhost/laptop\"."),
            "{stanza}"
        );
        assert!(stanza.contains("writes from=\"bob@localhost\" itself"));
        assert!(annotate.contains("stamped by the server"), "{annotate}");
        assert!(
            annotate.contains("{http://jabber.org/protocol/chatstates}active")
        );
        assert!(jids.contains("phone/2@home"), "{jids}");
        assert!(jids.contains("alice@localhost/tablet/2@home"), "{jids}");
        assert!(!jids.contains("unexpected"), "{jids}");
        assert!(
            federation.contains("remote-server-not-found"),
            "{federation}"
        );
        assert!(security.contains("<starttls"), "{security}");
        assert!(security.contains("n=alice,r="), "{security}");

        let answers = demo.answers().expect("answers");
        assert_eq!(answers.len(), 3);
        let c = demo.seen.stanza.as_ref().expect("ran");
        let got = format!("({} bytes)", c.left.text.len());
        assert!(stanza.contains(&got), "{stanza}");
        assert!(answers[0].contains(&format!("Bob got {}", c.left.text.len())));
        assert!(answers[0].contains("still got `from=\"alice@localhost/"));
        assert!(answers[1].contains("All three are the same account"));
        assert!(answers[1].contains("none of them"), "{}", answers[1]);
        let r = demo.seen.race.as_ref().expect("ran");
        let poll = &r.results[2];
        assert!(
            race.contains(&format!(
                "│ {:<9}│ {:<6}│",
                poll.requests, poll.empty
            ))
        );
        assert!(answers[2].contains(&format!(
            "sent {} requests and {} came back empty",
            poll.requests, poll.empty
        )));
        assert!(answers[2].contains("100,000 a second"), "{}", answers[2]);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
