//! Lesson 6's live demo: XMPP's pros and cons, measured on a real server.
//!
//! - `login`: what logging in costs, in plaintext and with TLS;
//! - `overhead`, `tls`: what one message costs for three body sizes
//!   ([`super::overhead`]), and what TLS's record looks like;
//! - `base64`, `extension`, `unknown-iq`: binary data in-band, a custom
//!   namespace passing through, and the server's answer to a request it
//!   does not understand ([`super::inband`]).
//!
//! Book: `book/src/lesson-06.md`. Run: `netlab lesson 6`.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use tabled::settings::Style;
use tabled::{Table, Tabled};

use super::Demo;
use super::inband::{self, FILE_SIZE};
use super::overhead::{BODY_SIZES, Cost, HEADERS_ON_LO, Pair, Protection};
use super::relay::Counts;
use super::xmpp_stage::Stage;
use crate::show::{fold, style, wrap};
use crate::xmpp::framing::Limits;
use crate::xmpp::server::TlsMode;

/// Text is wrapped to the course\'s design width (80 columns).
use crate::show::width::DESIGN as WIDTH;

/// Makes the demo (the registry's constructor). The server starts at the
/// first step.
pub fn demo() -> Box<dyn Demo> {
    Box::new(CostDemo { world: None })
}

struct CostDemo {
    world: Option<World>,
}

/// The stage and two pairs of clients. The pairs drop before the stage,
/// whose runtime they use.
struct World {
    plain: Pair,
    tls: Pair,
    /// Per body size: (plaintext, TLS), once measured.
    costs: Vec<(Cost, Cost)>,
    stage: Stage,
}

impl World {
    fn start() -> anyhow::Result<World> {
        let stage = Stage::start(TlsMode::Auto, &["alice", "bob"])?;
        let plain = Pair::connect(&stage, Protection::Plaintext)?;
        let tls = Pair::connect(&stage, Protection::Tls)?;
        Ok(World {
            plain,
            tls,
            costs: Vec::new(),
            stage,
        })
    }

    /// Measures every body size both ways (once).
    fn costs(&mut self) -> anyhow::Result<&[(Cost, Cost)]> {
        if self.costs.is_empty() {
            for body in BODY_SIZES {
                let clear =
                    self.stage.block_on(self.plain.send_and_count(body))?;
                let sealed =
                    self.stage.block_on(self.tls.send_and_count(body))?;
                self.costs.push((clear, sealed));
            }
        }
        Ok(&self.costs)
    }
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
        match step {
            "login" => Ok(login(world)),
            "overhead" => overhead(world),
            "tls" => tls_record(world),
            "base64" => base64(world),
            "extension" => extension(world),
            "unknown-iq" => unknown_iq(world),
            other => bail!("lesson 6 has no demo step `{other}`"),
        }
    }
}

fn login(world: &World) -> String {
    let line = |label: &str, c: Counts| {
        format!(
            "  {label:<10} up {:>5} bytes, down {:>5} bytes, {} segments \
             with data\n",
            c.up.bytes,
            c.down.bytes,
            c.reads()
        )
    };
    let mut out = String::from(
        "Alice logging in, counted by her relay from connect() to her \
         bound resource:\n",
    );
    out.push_str(&line("plaintext", world.plain.alice_login));
    out.push_str(&line("TLS", world.tls.alice_login));
    let extra = world
        .tls
        .alice_login
        .bytes()
        .saturating_sub(world.plain.alice_login.bytes());
    out.push_str(&wrap(
        &format!(
            "TLS added {extra} bytes: the TLS handshake (key exchange, the \
             server's certificate) and one more stream restart inside it. \
             All of it is paid once per connection, and an XMPP connection \
             stays open for hours."
        ),
        WIDTH,
        0,
    ));
    out.push('\n');
    out
}

#[derive(Tabled)]
struct CostRow {
    body: String,
    #[tabled(rename = "XML sent")]
    sent: String,
    #[tabled(rename = "to Bob")]
    delivered: String,
    #[tabled(rename = "in TLS")]
    tls: String,
    segments: u64,
    #[tabled(rename = "on the wire")]
    wire: String,
    #[tabled(rename = "body share")]
    share: String,
}

fn overhead(world: &mut World) -> anyhow::Result<String> {
    let costs = world.costs()?;
    let rows = costs.iter().map(|(clear, sealed)| CostRow {
        body: format!("{} B", clear.body),
        sent: format!("{} B", clear.sent.bytes),
        delivered: format!("{} B", clear.delivered.bytes),
        tls: format!("{} B", sealed.delivered.bytes),
        segments: sealed.delivered.reads,
        wire: format!("{} B", sealed.delivered_on_wire()),
        share: format!("{:.1} %", sealed.body_share()),
    });
    let mut out = Table::new(rows).with(Style::sharp()).to_string();
    out.push('\n');
    let Some((one, _)) = costs.first() else {
        bail!("nothing was measured");
    };
    let envelope = one.sent.bytes.saturating_sub(one.body as u64);
    let stamp = one.delivered.bytes.saturating_sub(one.sent.bytes);
    out.push_str(&wrap(
        &format!(
            "XML sent: what Alice's client wrote, counted on her link; \
             {envelope} bytes of it are the envelope around the body. To \
             Bob: the same stanza on Bob's link, {stamp} bytes longer \
             because the server stamped from=. In TLS: the same on a TLS \
             connection. On the wire: plus {HEADERS_ON_LO} bytes of TCP/IP \
             headers per segment (lesson 7), what Bob's network carried."
        ),
        WIDTH,
        0,
    ));
    out.push('\n');
    Ok(out)
}

/// The first bytes of one message on Bob's link, with and without TLS.
fn tls_record(world: &mut World) -> anyhow::Result<String> {
    let costs = world.costs()?;
    let Some((clear, sealed)) = costs.last() else {
        bail!("nothing was measured");
    };
    let hex = |bytes: &[u8]| {
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut out = format!(
        "the {}-byte message, first bytes on Bob's link:\n",
        clear.body
    );
    let _ = writeln!(
        out,
        "  plaintext  {}  {:?}",
        style::code(&hex(
            &clear.delivered_start[..8.min(clear.delivered_start.len())]
        )),
        String::from_utf8_lossy(
            &clear.delivered_start[..8.min(clear.delivered_start.len())]
        )
    );
    let start = &sealed.delivered_start;
    let _ = writeln!(
        out,
        "  TLS        {}  (no text: encrypted)",
        style::code(&hex(&start[..8.min(start.len())]))
    );
    if let [kind, major, minor, high, low, ..] = start[..] {
        let length = u16::from_be_bytes([high, low]);
        let inner = u64::from(length).saturating_sub(clear.delivered.bytes);
        let _ = writeln!(
            out,
            "{}",
            wrap(
                &format!(
                    "The TLS record header, 5 bytes (RFC 8446 § 5.1): type \
                     {kind:#04x} = application data; version {major:#04x} \
                     {minor:#04x}, which TLS 1.3 writes as \"1.2\" on \
                     purpose so that old middleboxes let it through; length \
                     {length} = the {} bytes of XML + {inner} (1 byte of \
                     real content type, 16 bytes of authentication tag, RFC \
                     8446 § 5.2). {}",
                    clear.delivered.bytes,
                    if sealed.delivered.bytes == u64::from(length) + 5 {
                        format!(
                            "The relay counted {} bytes: 5 + {length}, one \
                             record.",
                            sealed.delivered.bytes
                        )
                    } else {
                        format!(
                            "The relay counted {} bytes: more than one record.",
                            sealed.delivered.bytes
                        )
                    },
                ),
                WIDTH,
                0
            )
        );
    }
    Ok(out)
}

fn base64(world: &mut World) -> anyhow::Result<String> {
    let file = inband::sample_file(FILE_SIZE);
    let run = world
        .stage
        .block_on(inband::send_binary(&mut world.plain, &file))?;
    let ratio = |n: u64| n as f64 / run.raw as f64;
    let mut out = wrap(
        &format!(
            "a {}-byte file of random bytes (like a photo or a zip), sent \
             in-band as XEP-0231 Bits of Binary:",
            run.raw
        ),
        WIDTH,
        0,
    );
    out.push('\n');
    let _ = writeln!(
        out,
        "  base64 text        {:>6} bytes  ×{:.3}  (4 × ⌈{} / 3⌉)",
        run.encoded,
        ratio(run.encoded as u64),
        run.raw
    );
    let _ = writeln!(
        out,
        "  stanza Alice sent  {:>6} bytes  ×{:.3}",
        run.sent,
        ratio(run.sent)
    );
    let _ = writeln!(
        out,
        "  stanza Bob got     {:>6} bytes  ×{:.3}",
        run.delivered,
        ratio(run.delivered)
    );
    let _ = writeln!(
        out,
        "  Bob decoded it: {}",
        if run.intact {
            "the same bytes"
        } else {
            "DIFFERENT bytes"
        },
    );
    let _ = writeln!(out, "  content id: {}", run.cid);
    let limits = Limits::default();
    let envelope = usize::try_from(run.sent)
        .unwrap_or(usize::MAX)
        .saturating_sub(run.encoded);
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &format!(
                "This server refuses any stanza above {} KiB (Limits in \
                 src/xmpp/framing.rs; RFC 6120 § 13.12 asks servers for such \
                 a limit), so the largest file that fits in one message is \
                 {} KiB.",
                limits.max_element_bytes / 1024,
                inband::largest_inband(limits, envelope) / 1024
            ),
            WIDTH,
            0
        )
    );
    Ok(out)
}

fn extension(world: &mut World) -> anyhow::Result<String> {
    let pass = world
        .stage
        .block_on(inband::pass_extension(&mut world.plain))?;
    let mut out = String::from("Alice's client wrote this payload:\n");
    let _ = writeln!(out, "    {}", style::code(&xml_at(&pass.sent, 4)));
    let _ = writeln!(
        out,
        "exactly these {} bytes are in what Bob's link carried: {}",
        pass.sent.len(),
        if pass.identical { "yes" } else { "no" }
    );
    let _ = writeln!(
        out,
        "Bob's stanza layer kept it, uninterpreted, in \
         Message.payloads:\n    {}",
        pass.payloads.join(", ")
    );
    let _ = writeln!(out, "\nThe same payload typed by hand, single quotes:");
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_written, 4)));
    let _ = writeln!(out, "reached Bob as:");
    let _ =
        writeln!(out, "    {}", style::code(&xml_at(&pass.hand_delivered, 4)));
    Ok(out)
}

fn unknown_iq(world: &mut World) -> anyhow::Result<String> {
    let (asked, answer) = world
        .stage
        .block_on(inband::ask_server_unknown(&mut world.plain))?;
    Ok(format!(
        "{} {}\n{} {}\n",
        style::client("alice asks the server:"),
        style::code(&xml_at(&asked.to_xml(), 23)),
        style::server("the server answers:   "),
        style::code(&xml_at(&answer.to_xml(), 23))
    ))
}

/// XML printed from column `at`, folded between attributes or tags to
/// fit, continuation lines two columns further in.
fn xml_at(xml: &str, at: usize) -> String {
    fold(xml, WIDTH - at, 2).replace('\n', &format!("\n{:at$}", ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_runs_on_a_real_stage() {
        colored::control::set_override(false);
        let mut demo = demo();
        let steps = demo.steps();
        let out: Vec<String> = steps
            .iter()
            .map(|step| demo.run(step).expect(step))
            .collect();
        let [login, overhead, tls, base64, extension, iq] = &out[..] else {
            panic!("six outputs");
        };
        assert!(login.contains("TLS added"), "{login}");
        assert!(overhead.contains("1024 B"), "{overhead}");
        assert!(tls.contains("0x17 = application data"), "{tls}");
        assert!(base64.contains("×1.334"), "{base64}");
        assert!(base64.contains("the same bytes"), "{base64}");
        assert!(extension.contains("carried: yes"), "{extension}");
        assert!(iq.contains("service-unavailable"), "{iq}");
    }
}
