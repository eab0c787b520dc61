//! Lesson 8's live demo: this machine's addresses and ports, and the
//! errors a student meets when using them, produced for real.
//!
//! Book: `book/src/lesson-08.md`. Run: `netlab lesson 8`.

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

use anyhow::bail;
use tabled::Tabled;

use super::Demo;
use crate::capture::interfaces;
use crate::show::{style, table, width, wrap, wrap_commands};

use crate::sockets::mistakes::{self, Attempt};
use crate::sockets::ports::{self, PortClass, SERVICES};
use crate::sockets::{addressing, errors};

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(AddressDemo)
}

struct AddressDemo;

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
            "localhost" => localhost()?,
            "families" => families(),
            "ports" => port_classes()?,
            "ephemeral" => ephemeral()?,
            "services" => services(),
            "errors" => mistakes_made()?,
            other => bail!("lesson 8 has no demo step `{other}`"),
        })
    }
}

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
            &format!(
                "kernel: recvfrom() says the datagram came from {}: \
                 127.42.0.1 is this host too, like every address in \
                 127.0.0.0/8",
                demo.seen_from
            ),
            width::current(),
            8
        ))
    ))
}

fn localhost() -> anyhow::Result<String> {
    let l = addressing::localhost()?;
    let mut out = format!(
        "getaddrinfo(\"localhost\") = {}\n",
        l.addresses
            .iter()
            .map(IpAddr::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(out, "/etc/hosts lines naming localhost:");
    for line in &l.hosts_lines {
        let _ = writeln!(out, "    {line}");
    }
    let has_v6 = l.addresses.iter().any(IpAddr::is_ipv6);
    let _ = writeln!(
        out,
        "{}",
        wrap(
            if has_v6 {
                "localhost is both 127.0.0.1 and ::1 here: a client tries them in \
             the order above"
            } else {
                "localhost is only IPv4 here: this /etc/hosts has no `::1 \
             localhost` line, although ::1 itself works (see next step)"
            },
            width::current(),
            0
        )
    );
    Ok(out)
}

fn families() -> String {
    let mut out = String::new();
    for f in addressing::families() {
        let _ = writeln!(
            out,
            "{}: loopback {}, {} bits per address, sockaddr {} bytes",
            style::heading(f.name),
            f.loopback,
            f.bits,
            f.sockaddr_len
        );
        let _ = match &f.connection {
            Ok((client, server)) => writeln!(
                out,
                "      connected {client} → {server} over {}",
                f.name
            ),
            Err(e) => writeln!(out, "      could not connect: {e}"),
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

fn port_classes() -> anyhow::Result<String> {
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
    let start = ports::unprivileged_port_start()?;

    let port = ports::same_port_both_protocols(LOOPBACK)?;
    for line in [
        "The article says 0–1024 are reserved: the reserved range ends at \
         1023 (RFC 6335 § 6)."
            .to_string(),
        format!(
            "This kernel lets unprivileged programs bind from port {start} \
             up (/proc/sys/net/ipv4/ip_unprivileged_port_start)."
        ),
        format!(
            "TCP and UDP have separate port spaces: a TCP and a UDP socket \
             were both bound to 127.0.0.1:{port} at the same time."
        ),
    ] {
        let _ = write!(out, "\n{}", wrap(&line, width::current(), 0));
    }
    out.push('\n');
    Ok(out)
}

fn ephemeral() -> anyhow::Result<String> {
    let range = ports::ephemeral_range()?;
    let seen = ports::observe_ephemeral(LOOPBACK, 5)?;
    let inside = seen.iter().all(|p| range.contains(p));
    let text = format!(
        "ephemeral range: {}–{} (/proc/sys/net/ipv4/ip_local_port_range); \
         RFC 6335's dynamic range is 49152–65535.\n5 connections got local \
         ports {}: {}.",
        range.start(),
        range.end(),
        seen.iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        if inside {
            "all inside the kernel's range, chosen by the kernel, not by IANA"
        } else {
            "not all inside the range: something changed the setting meanwhile"
        }
    );
    Ok(text
        .lines()
        .map(|l| wrap(l, width::current(), 0) + "\n")
        .collect())
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

fn mistakes_made() -> anyhow::Result<String> {
    let mut out = String::new();
    let mut attempts = vec![mistakes::address_in_use(LOOPBACK)?];
    attempts.extend(mistakes::privileged_port(LOOPBACK, 80)?);
    attempts.push(mistakes::connection_refused(LOOPBACK)?);
    for a in &attempts {
        out.push_str(&attempt(a));
    }
    Ok(out)
}

/// One attempt: the call, what the kernel said, why, and the fix.
pub fn attempt(a: &Attempt) -> String {
    let returned = match &a.outcome {
        Ok(()) => "= 0 (allowed)".to_string(),
        Err(e) => format!("= -1, {}", errors::describe(e)),
    };
    let call = wrap(&format!("{} {returned}", a.call), width::current(), 6);
    let mut out = format!("{}\n", style::code(&call));
    let mut lines = vec![format!("when: {}", a.context)];
    if let Err(e) = &a.outcome
        && let Some(x) = errors::explain(e, Some(a.addr))
    {
        lines.push(format!("why: {}", x.why));
        lines.push(format!("fix: {}", x.fix));
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
