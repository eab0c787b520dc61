//! Lesson 8's live demo: this machine's addresses and ports, and the
//! errors a student meets when using them, produced for real.
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::RangeInclusive;

use anyhow::bail;
use tabled::Tabled;

use super::{Demo, worked};
use crate::capture::interfaces;
use crate::show::{style, table, width, wrap, wrap_commands};

use crate::sockets::mistakes::{self, Attempt};
use crate::sockets::ports::{self, PortClass, SERVICES};
use crate::sockets::{addressing, errors, route};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(AddressDemo {
        seen: Seen::default(),
    })
}

struct AddressDemo {
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    localhost: Option<addressing::Localhost>,
    ephemeral: Option<(RangeInclusive<u16>, Vec<u16>)>,
    unprivileged_start: Option<u16>,
    privileged: Vec<Attempt>,
}

impl Demo for AddressDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "interfaces",
            "loopback",
            "localhost",
            "families",
            "ports",
            "ephemeral",
            "services",
            "errors",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        Ok(match step {
            "interfaces" => interfaces_table(),
            "loopback" => loopback()?,
            "localhost" => {
                let l = addressing::localhost()?;
                let shown = localhost(&l);
                self.seen.localhost = Some(l);
                shown
            }
            "families" => families(),
            "ports" => {
                let start = ports::unprivileged_port_start()?;
                self.seen.unprivileged_start = Some(start);
                port_classes(start)?
            }
            "ephemeral" => {
                let range = ports::ephemeral_range()?;
                let seen = ports::observe_ephemeral(LOOPBACK, 5)?;
                let shown = ephemeral(&range, &seen);
                self.seen.ephemeral = Some((range, seen));
                shown
            }
            "services" => services(),
            "errors" => {
                self.seen.privileged = mistakes::privileged_port(LOOPBACK, 80)?;
                self.mistakes_made()?
            }
            other => bail!("lesson 8 has no demo step `{other}`"),
        })
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            answer_route(),
            self.answer_localhost(),
            self.answer_ephemeral(),
            self.answer_privileged(),
        ])
    }
}

// ANCHOR: answers
/// The example destination of exercise 1 (TEST-NET-1, RFC 5737: never
/// routed on the Internet, so asking about it disturbs nobody).
const FAR: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 10);

/// Exercise 1: the route to 192.0.2.10, from this machine's table.
fn answer_route() -> String {
    let how = match route::to(FAR) {
        Ok(Some(r)) => {
            let (net, len) = r.network;
            let interface = r.interface.as_str();
            match r.gateway {
                Some(gw) => crate::tr!(
                    "answer-08-route-gateway",
                    interface = interface,
                    route = if len == 0 {
                        "default".to_string()
                    } else {
                        format!("{net}/{len}")
                    },
                    gateway = gw.to_string()
                ),
                None => crate::tr!(
                    "answer-08-route-direct",
                    interface = interface,
                    network = format!("{net}/{len}")
                ),
            }
        }
        Ok(None) => crate::tr!("answer-08-no-route"),
        Err(e) => {
            crate::tr!("answer-08-route-unreadable", error = e.to_string())
        }
    };
    worked::sentences(&[how, crate::tr!("answer-08-route-check")])
}

impl AddressDemo {
    /// Exercise 2: `localhost` and `::1`.
    fn answer_localhost(&self) -> String {
        let Some(l) = &self.seen.localhost else {
            return crate::tr!("answer-step-not-run", step = "localhost");
        };
        let listed: Vec<String> =
            l.addresses.iter().map(IpAddr::to_string).collect();
        let addresses = worked::comma_list(&listed);
        if l.addresses.iter().any(IpAddr::is_ipv6) {
            crate::tr!("answer-08-localhost-yes", addresses = addresses)
        } else {
            crate::tr!("answer-08-localhost-no", addresses = addresses)
        }
    }

    /// Exercise 3: the size of the ephemeral range, and the 4-tuple.
    fn answer_ephemeral(&self) -> String {
        let Some((range, seen)) = &self.seen.ephemeral else {
            return crate::tr!("answer-step-not-run", step = "ephemeral");
        };
        let size = u32::from(*range.end()) - u32::from(*range.start()) + 1;
        let ports: Vec<String> = seen.iter().map(u16::to_string).collect();
        crate::tr!(
            "answer-08-ephemeral",
            start = *range.start(),
            end = *range.end(),
            size = size,
            ports = worked::comma_list(&ports)
        )
    }

    /// Exercise 4: binding port 80, as whoever ran the lesson.
    fn answer_privileged(&self) -> String {
        let allowed = self.seen.privileged.iter().find(|a| a.outcome.is_ok());
        let refused = self.seen.privileged.iter().find_map(|a| {
            a.outcome.as_ref().err().map(|e| (a, errors::describe(e)))
        });
        let fix = refused
            .as_ref()
            .and_then(|(a, _)| {
                let e = a.outcome.as_ref().err()?;
                errors::explain(e, Some(a.addr)).map(|x| x.fix)
            })
            .unwrap_or_default();
        let who = match (allowed, refused) {
            (Some(_), Some((_, e))) => crate::tr!(
                "answer-08-privileged-root",
                error = e,
                fix = fix.as_str()
            ),
            (None, Some((_, e))) => crate::tr!(
                "answer-08-privileged-user",
                error = e,
                fix = fix.as_str()
            ),
            _ => crate::tr!("answer-08-privileged-untried"),
        };
        let start = self.seen.unprivileged_start.unwrap_or(1024);
        worked::sentences(&[
            who,
            crate::tr!("answer-08-unprivileged-start", start = start),
        ])
    }
}
// ANCHOR_END: answers

#[derive(Tabled)]
struct InterfaceRow {
    /// `1: lo`, index and name, as `ip addr` writes them (one column
    /// fewer, so the table fits 80 columns).
    interface: String,
    state: String,
    mtu: String,
    mac: String,
    addresses: String,
}

/// Every interface and its addresses, like `ip addr`.
pub fn interfaces_table() -> String {
    let rows = interfaces::list().into_iter().map(|i| InterfaceRow {
        state: match (i.up, i.loopback) {
            (true, true) => "up, loopback".into(),
            (true, false) => "up".into(),
            (false, _) => "down".into(),
        },
        mtu: i.mtu.map_or("?".into(), |m| m.to_string()),
        mac: i.mac.unwrap_or_else(|| "-".into()),
        addresses: if i.addresses.is_empty() {
            "-".into()
        } else {
            i.addresses
                .iter()
                .map(|(ip, prefix)| format!("{ip}/{prefix}"))
                .collect::<Vec<_>>()
                .join("\n")
        },
        interface: format!("{}: {}", i.index, i.name),
    });
    table::fit(rows)
}

fn loopback() -> anyhow::Result<String> {
    let demo = addressing::loopback_block()?;
    Ok(format!(
        "{} bind({})\n{}   bind({}), sendto({})\n{}\n",
        style::server("receiver"),
        demo.receiver,
        style::client("sender"),
        demo.sender,
        demo.receiver,
        style::kernel(&wrap(
            &crate::show::labelled(
                &crate::tr!("kernel-label"),
                &crate::tr!(
                    "ports-loopback",
                    from = demo.seen_from.to_string()
                )
            ),
            width::current(),
            8
        ))
    ))
}

fn localhost(l: &addressing::Localhost) -> String {
    let mut out = format!(
        "getaddrinfo(\"localhost\") = {}\n",
        l.addresses
            .iter()
            .map(IpAddr::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "{}", crate::tr!("ports-hosts-lines"));
    for line in &l.hosts_lines {
        let _ = writeln!(out, "    {line}");
    }
    let has_v6 = l.addresses.iter().any(IpAddr::is_ipv6);
    let _ = writeln!(
        out,
        "{}",
        wrap(
            &if has_v6 {
                crate::tr!("ports-localhost-both")
            } else {
                crate::tr!("ports-localhost-v4")
            },
            width::current(),
            0
        )
    );
    out
}

fn families() -> String {
    let mut out = String::new();
    for f in addressing::families() {
        let _ = writeln!(
            out,
            "{}: {}",
            style::heading(f.name),
            crate::tr!(
                "ports-family",
                loopback = f.loopback.to_string(),
                bits = f.bits,
                sockaddr = f.sockaddr_len
            )
        );
        let _ = match &f.connection {
            Ok((client, server)) => writeln!(
                out,
                "      {}",
                crate::tr!(
                    "ports-family-connected",
                    client = client.to_string(),
                    server = server.to_string(),
                    family = f.name
                )
            ),
            Err(e) => writeln!(
                out,
                "      {}",
                crate::tr!("ports-family-failed", error = e.to_string())
            ),
        };
    }
    out
}

#[derive(Tabled)]
struct ClassRow {
    class: &'static str,
    ports: String,
    #[tabled(rename = "who assigns them")]
    who: &'static str,
}

fn port_classes(start: u16) -> anyhow::Result<String> {
    let rows = PortClass::ALL.iter().map(|c| ClassRow {
        class: c.name(),
        ports: format!("{}–{}", c.range().start(), c.range().end()),
        who: match c {
            PortClass::WellKnown => "IETF/IANA; binding needs privilege",
            PortClass::Registered => "IANA registry, on request",
            PortClass::Dynamic => "nobody: free for temporary use",
        },
    });
    let mut out = table::fit(rows);
    out.push('\n');

    let port = ports::same_port_both_protocols(LOOPBACK)?;
    for line in [
        crate::tr!("ports-article-reserved"),
        crate::tr!("ports-unprivileged-start", start = start),
        crate::tr!("ports-separate-spaces", port = port),
    ] {
        let _ = write!(out, "\n{}", wrap(&line, width::current(), 0));
    }
    out.push('\n');
    Ok(out)
}

fn ephemeral(range: &RangeInclusive<u16>, seen: &[u16]) -> String {
    let inside = seen.iter().all(|p| range.contains(p));
    let ports = seen
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let verdict = if inside {
        crate::tr!("ports-ephemeral-inside")
    } else {
        crate::tr!("ports-ephemeral-outside")
    };
    [
        crate::tr!(
            "ports-ephemeral-range",
            start = *range.start(),
            end = *range.end()
        ),
        crate::tr!(
            "ports-ephemeral-seen",
            count = seen.len(),
            ports = ports,
            verdict = verdict
        ),
    ]
    .iter()
    .map(|l| wrap(l, width::current(), 0) + "\n")
    .collect()
}

#[derive(Tabled)]
struct ServiceRow {
    port: u16,
    transport: &'static str,
    name: &'static str,
    what: &'static str,
    class: &'static str,
}

fn services() -> String {
    let rows = SERVICES.iter().map(|s| ServiceRow {
        port: s.port,
        transport: s.transport,
        name: s.name,
        what: s.what,
        class: PortClass::of(s.port).name(),
    });
    let mut out = table::fit(rows);
    out.push('\n');
    out
}

impl AddressDemo {
    /// The three mistakes; the privileged port's attempts are kept in
    /// [`Seen`] by the caller.
    fn mistakes_made(&self) -> anyhow::Result<String> {
        let mut out = attempt(&mistakes::address_in_use(LOOPBACK)?);
        for a in &self.seen.privileged {
            out.push_str(&attempt(a));
        }
        out.push_str(&attempt(&mistakes::connection_refused(LOOPBACK)?));
        Ok(out)
    }
}

/// One attempt: the call, what the kernel said, why, and the fix.
pub fn attempt(a: &Attempt) -> String {
    let returned = match &a.outcome {
        Ok(()) => crate::tr!("mistake-allowed"),
        Err(e) => format!("= -1, {}", errors::describe(e)),
    };
    let call = wrap(&format!("{} {returned}", a.call), width::current(), 6);
    let mut out = format!("{}\n", style::code(&call));
    let mut lines = vec![crate::tr!("mistake-when", text = a.context.as_str())];
    if let Err(e) = &a.outcome
        && let Some(x) = errors::explain(e, Some(a.addr))
    {
        lines.push(crate::tr!("mistake-why", text = x.why));
        lines.push(crate::tr!("mistake-fix", text = x.fix));
    }
    for line in lines {
        // `fix:` lines quote commands: never broken mid-command.
        let _ = writeln!(
            out,
            "      {}",
            wrap_commands(&line, width::current(), 6)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the lesson's steps in-process, as `netlab lesson 8` does.
    fn played() -> (AddressDemo, Vec<String>) {
        let mut demo = AddressDemo {
            seen: Seen::default(),
        };
        let steps = demo.steps();
        let shown = steps
            .iter()
            .map(|step| demo.run(step).expect("the step runs"))
            .collect();
        (demo, shown)
    }

    #[test]
    fn answers_quote_the_numbers_the_steps_printed() {
        let (demo, shown) = played();
        let answers = demo.answers().expect("lesson 8 has answers");
        assert_eq!(answers.len(), 4);
        let (range, ports) = demo.seen.ephemeral.clone().expect("measured");
        // The ephemeral step printed the ports; answer 3 quotes them and
        // the range's size.
        for port in &ports {
            assert!(shown[5].contains(&port.to_string()), "{}", shown[5]);
            assert!(answers[2].contains(&port.to_string()), "{}", answers[2]);
        }
        let size = u32::from(*range.end()) - u32::from(*range.start()) + 1;
        assert!(answers[2].contains(&size.to_string()), "{}", answers[2]);
        // Answer 4 says which outcome this run saw, as the step showed it.
        let allowed = shown[7].contains("bind(127.0.0.1:80) = 0");
        assert_eq!(answers[3].contains("as root"), allowed, "{}", answers[3]);
        assert!(answers[3].contains("EACCES"), "{}", answers[3]);
    }
}
