//! Lesson 6's live demo: XMPP's pros and cons, measured on a real server.
//!
//! - `login`: what logging in costs, in plaintext and with TLS;
//! - `overhead`, `tls`: what one message costs for three body sizes
//!   ([`super::overhead`]), and what TLS's record looks like;
//! - `base64`, `extension`, `unknown-iq`: binary data in-band, a custom
//!   namespace passing through, and the server's answer to a request it
//!   does not understand ([`super::inband`]).
//!
//! This file is the script: [`super::pros_cons`] measures and returns
//! values, [`crate::show::costs`] lays them out. What the steps measured
//! is kept in `Seen` for the worked answers (`--answers`).
//!
//! Book: `book/src/lesson-06.md`. Run: `netlab lesson 6`.

use anyhow::{Context, bail};

use super::inband::{self, BinaryRun, Passthrough};
use super::overhead::Cost;
use super::pros_cons::{Unknown, World};
use super::{Demo, worked};
use crate::show::costs as view;
use crate::xmpp::framing::Limits;

/// Makes the demo (the registry's constructor). The server starts at the
/// first step.
pub fn demo() -> Box<dyn Demo> {
    Box::new(CostDemo {
        world: None,
        seen: Seen::default(),
    })
}

struct CostDemo {
    world: Option<World>,
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    /// Per body size: (plaintext, TLS).
    costs: Vec<(Cost, Cost)>,
    binary: Option<BinaryRun>,
    extension: Option<Passthrough>,
    unknown: Option<Unknown>,
}

impl CostDemo {
    fn world(&mut self) -> anyhow::Result<&mut World> {
        if self.world.is_none() {
            self.world = Some(World::start()?);
        }
        self.world.as_mut().context("the stage was just started")
    }
}

impl Demo for CostDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "login",
            "overhead",
            "tls",
            "base64",
            "extension",
            "unknown-iq",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        let world = self.world()?;
        let shown = match step {
            "login" => view::login(&world.logins()),
            "overhead" => {
                let costs = world.costs()?.to_vec();
                self.seen.costs = costs;
                view::overhead(&self.seen.costs)
            }
            "tls" => {
                let (clear, sealed) = world.largest()?;
                view::tls_record(&clear, &sealed)
            }
            "base64" => {
                let run = world.binary()?;
                let shown = view::base64(&run, Limits::default());
                self.seen.binary = Some(run);
                shown
            }
            "extension" => {
                let pass = world.extension()?;
                let shown = view::extension(&pass);
                self.seen.extension = Some(pass);
                shown
            }
            "unknown-iq" => {
                let request = world.unknown_request()?;
                let shown = view::unknown(&request);
                self.seen.unknown = Some(request);
                shown
            }
            other => bail!("lesson 6 has no demo step `{other}`"),
        };
        Ok(shown)
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_overhead(),
            self.answer_base64(),
            self.answer_extension(),
        ])
    }
}

/// A 3 MB photo, for exercise 2.
const PHOTO: usize = 3_000_000;

// ANCHOR: answers
impl CostDemo {
    /// Exercise 1: the 1-byte message on Bob's link, and the break-even.
    fn answer_overhead(&self) -> String {
        let Some((clear, one)) = self.seen.costs.first() else {
            return crate::tr!("answer-step-not-run", step = "overhead");
        };
        // Shares with one decimal, as the table prints them.
        let share = |i: usize| {
            let share =
                self.seen.costs.get(i).map_or(0.0, |(_, s)| s.body_share());
            format!("{share:.1}")
        };
        crate::tr!(
            "answer-06-overhead",
            body = one.body,
            wire = one.delivered_on_wire(),
            xml = clear.delivered.bytes,
            tls = one.delivered.bytes.saturating_sub(clear.delivered.bytes),
            headers =
                one.delivered_on_wire().saturating_sub(one.delivered.bytes),
            share = format!("{:.1}", one.body_share()),
            overhead = one.overhead_on_wire(),
            share64 = share(1),
            share1024 = share(2)
        )
    }

    /// Exercise 2: base64's padding, and a photo in-band.
    fn answer_base64(&self) -> String {
        let Some(run) = &self.seen.binary else {
            return crate::tr!("answer-step-not-run", step = "base64");
        };
        let limits = Limits::default();
        let photo = inband::base64_len(PHOTO) + run.envelope();
        crate::tr!(
            "answer-06-base64",
            raw = run.raw,
            full = run.raw / 3,
            left = run.raw % 3,
            groups = run.raw.div_ceil(3),
            encoded = run.encoded,
            naive = format!("{:.0}", run.raw as f64 * 4.0 / 3.0),
            photo = PHOTO,
            photo64 = inband::base64_len(PHOTO),
            envelope = run.envelope(),
            stanza = photo,
            megabytes = format!("{:.1}", photo as f64 / 1e6),
            max = limits.max_element_bytes,
            maxkib = limits.max_element_bytes / 1024,
            largest = inband::largest_inband(limits, run.envelope()) / 1024
        )
    }

    /// Exercise 3: what the server rewrote, and why it does not matter.
    fn answer_extension(&self) -> String {
        let changed = match self.seen.extension.as_ref() {
            None => crate::tr!("answer-step-not-run", step = "extension"),
            Some(pass) => changes(pass),
        };
        let mut text = vec![changed, crate::tr!("answer-06-extension")];
        if let Some(c) = self.seen.unknown.as_ref().and_then(Unknown::condition)
        {
            text.push(crate::tr!("answer-06-unknown", condition = c));
        }
        worked::sentences(&text)
    }
}

/// What the server changed in the hand-written extension, as the
/// `extension` step says it (`show::costs::changes`), in the answer's
/// language.
fn changes(pass: &Passthrough) -> String {
    match pass.changes() {
        Some(list) if list.is_empty() => {
            crate::tr!("answer-06-changed-nothing")
        }
        Some(list) => {
            let each: Vec<String> = list
                .iter()
                .map(|c| {
                    crate::tr!(
                        "answer-06-change",
                        was = c.was.to_string(),
                        now = c.now.to_string(),
                        times = c.times
                    )
                })
                .collect();
            crate::tr!("answer-06-changed", changes = worked::comma_list(&each))
        }
        None => crate::tr!("answer-06-changed-length"),
    }
}

// ANCHOR_END: answers

#[cfg(test)]
mod tests {
    use super::*;

    /// Every step once, on one demo; returns the demo and what it showed.
    fn run_all() -> (Box<dyn Demo>, Vec<String>) {
        colored::control::set_override(false);
        let mut demo = demo();
        let steps = demo.steps();
        let out = steps
            .iter()
            .map(|step| demo.run(step).expect(step))
            .collect();
        (demo, out)
    }

    #[test]
    fn every_step_runs_on_a_real_stage_and_answers_quote_it() {
        let (demo, out) = run_all();
        let [login, overhead, tls, base64, extension, iq] = &out[..] else {
            panic!("six outputs");
        };
        assert!(login.contains("TLS added"), "{login}");
        assert!(overhead.contains("1024 B"), "{overhead}");
        assert!(tls.contains("0x17 = application data"), "{tls}");
        assert!(base64.contains("×1.334"), "{base64}");
        assert!(base64.contains("the same bytes"), "{base64}");
        assert!(extension.contains("carried: yes"), "{extension}");
        assert!(extension.contains("' became \" (8 times)"), "{extension}");
        assert!(iq.contains("service-unavailable"), "{iq}");

        let answers = demo.answers().expect("lesson 6 answers");
        assert_eq!(answers.len(), 3);
        // Exercise 1 quotes the first row's "on the wire" figure.
        let wire = overhead
            .lines()
            .nth(3)
            .and_then(|row| row.split('│').nth(6))
            .map(str::trim)
            .expect("the 1-byte row");
        let bytes = wire.trim_end_matches(" B");
        assert!(
            answers[0].contains(&format!("took {bytes} bytes")),
            "{wire}"
        );
        // Exercise 2 quotes the stanza Alice sent, less the base64.
        assert!(answers[1].contains("5464 characters"), "{}", answers[1]);
        assert!(answers[1].contains("not accept it"), "{}", answers[1]);
        // Exercise 3 names the quotes the step showed changing.
        assert!(
            answers[2].contains("' became \" (8 times)"),
            "{}",
            answers[2]
        );
        assert!(answers[2].contains("service-unavailable"), "{}", answers[2]);
    }
}
