//! `netlab socket listen` and `netlab socket connect`: a server and a
//! client that print every system call and every byte, for students to
//! poke with `nc` or each other.
//!
//! Read before: [`crate::sockets::listen`], [`crate::sockets::connect`],
//! which make the calls.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;

use crate::cli::{ConnectArgs, ListenArgs};
use crate::show::events;
use crate::sockets;
use crate::sockets::event::Sink;

/// Prints each event on its own line; threads take turns.
fn printer() -> Sink {
    let lock = Arc::new(Mutex::new(()));
    Arc::new(move |event| {
        let _turn = lock.lock().unwrap_or_else(|p| p.into_inner());
        println!("{}", events::render(&event));
    })
}

/// `netlab socket listen`: every call and byte, one line each.
pub fn listen(args: &ListenArgs) -> anyhow::Result<()> {
    let options = sockets::listen::Options {
        addr: args.addr,
        udp: args.udp,
        echo: args.echo,
        count: args.count,
        backlog: args.backlog,
    };
    sockets::listen::run(&options, printer())
        .with_context(|| format!("listening on {}", args.addr))
}

/// `netlab socket connect`: sends `--send` or stdin, prints the replies.
pub fn connect(args: &ConnectArgs) -> anyhow::Result<()> {
    if !(args.wait.is_finite() && args.wait >= 0.0) {
        anyhow::bail!("--wait must be a number of seconds, 0 or more");
    }
    let options = sockets::connect::Options {
        addr: args.addr,
        udp: args.udp,
        send: args.send.clone(),
        wait: Duration::from_secs_f64(args.wait),
    };
    if options.send.is_none() && std::io::stdin().is_terminal() {
        eprintln!("{}", crate::tr!("socket-type-lines"));
    }
    let stdin = std::io::BufReader::new(std::io::stdin());
    sockets::connect::run(&options, stdin, printer()).with_context(|| {
        crate::tr!("socket-talking-to", addr = args.addr.to_string())
    })
}
