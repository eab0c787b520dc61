//! Lesson 10's live demo: the socket calls, one at a time, on loopback.
//!
//! Each step named in `lessons/10-socket.md` runs the matching call of
//! [`Walkthrough`] and shows what the kernel reported. The server's and
//! the client's sockets live in one process so the student sees both ends
//! side by side; `netlab socket listen` and `connect` split them into two
//! terminals.
//!
//! Book: `book/src/lesson-10.md`. Run: `netlab lesson 10`.

use std::net::{IpAddr, Ipv4Addr};

use anyhow::bail;

use super::Demo;
use crate::show::{steps, style};
use crate::sockets::proc_net::TcpState;
use crate::sockets::step::{Side, Step};
use crate::sockets::walkthrough::Walkthrough;
use crate::sockets::{backlog, per_connection, ports, udp_contrast};

/// The backlog the demo passes to `listen()`.
pub const BACKLOG: i32 = 128;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(SocketDemo {
        walk: Walkthrough::new(LOOPBACK, BACKLOG),
        seen: Seen::default(),
    })
}

/// The backlog of the `backlog` step: tiny, so three clients overflow it.
const SMALL_BACKLOG: i32 = 1;

struct SocketDemo {
    walk: Walkthrough,
    seen: Seen,
}

/// What the steps measured, kept for the worked answers.
#[derive(Default)]
struct Seen {
    after_connect: Vec<Step>,
    close: Vec<Step>,
    udp: Vec<Step>,
    backlog: Option<backlog::Filled>,
}

impl Demo for SocketDemo {
    fn steps(&self) -> &'static [&'static str] {
        &[
            "socket",
            "setsockopt",
            "bind",
            "listen",
            "connect",
            "accept",
            "backlog",
            "exchange",
            "close",
            "threads",
            "udp",
        ]
    }

    fn run(&mut self, step: &str) -> anyhow::Result<String> {
        let shown = match step {
            "socket" => render(&[self.walk.socket()?]),
            "setsockopt" => render(&[self.walk.reuse_address()?]),
            "bind" => render(&[self.walk.bind()?]),
            "listen" => render(&[self.walk.listen()?]),
            "connect" => {
                self.seen.after_connect = self.walk.connect()?;
                render(&self.seen.after_connect)
            }
            "accept" => render(&[self.walk.accept()?]),
            "exchange" => render(&self.walk.exchange()?),
            "backlog" => {
                let filled = backlog::fill(LOOPBACK, SMALL_BACKLOG, 3)?;
                let shown = show_backlog(&filled);
                self.seen.backlog = Some(filled);
                shown
            }
            "close" => {
                self.seen.close = self.walk.close()?;
                render(&self.seen.close)
            }
            "threads" => threads()?,
            "udp" => {
                self.seen.udp = udp_contrast::run(LOOPBACK)?;
                render(&self.seen.udp)
            }
            other => bail!("lesson 10 has no demo step `{other}`"),
        };
        Ok(shown)
    }

    fn answers(&self) -> Option<Vec<String>> {
        Some(vec![
            self.answer_port(),
            self.answer_queue(),
            self.answer_time_wait(),
            self.answer_udp(),
        ])
    }
}

// ANCHOR: answers
impl SocketDemo {
    /// Exercise 1: the port `bind()` got, against the ephemeral range.
    fn answer_port(&self) -> String {
        let port = self.walk.server_port();
        let Ok(range) = ports::ephemeral_range() else {
            return format!("Your listener got port {port}.");
        };
        let inside = if range.contains(&port) {
            "inside it: for port 0 the kernel picks from the same range \
             it uses for clients"
        } else {
            "outside it: this kernel picks a bound port 0 from elsewhere"
        };
        format!(
            "Your listener got port {port}. This machine's ephemeral range \
             (`/proc/sys/net/ipv4/ip_local_port_range`) is {}–{}, so {port} \
             is {inside}.",
            range.start(),
            range.end()
        )
    }

    /// Exercise 2: the table after `connect()`, and the full queue.
    fn answer_queue(&self) -> String {
        let table = self
            .seen
            .after_connect
            .last()
            .map(|s| &s.table[..])
            .unwrap_or_default();
        let unowned = table.iter().find(|o| o.row.inode == 0);
        let mut text =
            format!("After `connect` the table showed {} sockets", table.len());
        if let Some(o) = unowned {
            text.push_str(&format!(
                "; the one with no owner (inode 0) was {} → {}, the \
                 server's end that the kernel finished but nobody had \
                 `accept()`ed",
                o.row.local, o.row.remote
            ));
        }
        text.push('.');
        if let Some(f) = &self.seen.backlog {
            let left: Vec<String> =
                f.left_out().map(|c| c.addr.to_string()).collect();
            text.push_str(&format!(
                " The `backlog` step answered the second question: with \
                 backlog {}, the queue held {} finished connections (Recv-Q \
                 {}) and the next client, {}, stayed in SYN_SENT: the \
                 server's kernel dropped its SYN without a word.",
                f.backlog,
                f.clients.len() - left.len(),
                f.queued,
                if left.is_empty() {
                    "none".into()
                } else {
                    left.join(", ")
                }
            ));
            match f.got_in_after {
                Some(t) => text.push_str(&format!(
                    " After one `accept()` made room, its TCP sent the SYN \
                     again and it got in {} later; a program would only \
                     have seen `connect()` take longer.",
                    crate::units::duration(t)
                )),
                None => text.push_str(
                    " It had not got in a few seconds after `accept()` \
                     made room: its retries back off (1 s, 2 s, 4 s …).",
                ),
            }
        }
        text
    }

    /// Exercise 3: what `ss` shows, and who ends in TIME_WAIT.
    fn answer_time_wait(&self) -> String {
        let waiting = self.seen.close.iter().rev().find_map(|s| {
            s.table
                .iter()
                .find(|o| o.row.state == TcpState::TimeWait)
                .map(|o| (o.owner.clone(), o.row.local))
        });
        let ours = match waiting {
            Some((owner, addr)) => format!(
                " This lesson's `close` step shows the same rule: its \
                 client closed first, and the socket in TIME_WAIT was \
                 {addr}, held by `{owner}`."
            ),
            None => String::new(),
        };
        "While both run, `ss -tn 'sport = :7000'` shows one row: the \
         server's accepted socket, ESTAB, local port 7000, peer nc's \
         ephemeral port. (The listener is in LISTEN, which `ss` lists only \
         with `-l`; nc's own socket has the ephemeral port as its source, \
         so `'dport = :7000'` shows it.) Ctrl-C makes nc close first: nc's \
         socket sends the first FIN and stays in TIME_WAIT for 60 s, seen \
         with `ss -tn 'dport = :7000'`; the server's socket, which \
         answered the FIN, is gone. The side that closes first waits, so \
         that a late segment of this connection cannot land in a new one \
         between the same two ports."
            .to_string()
            + &ours
    }

    /// Exercise 4: no `accept()` for UDP.
    fn answer_udp(&self) -> String {
        let refused = self
            .seen
            .udp
            .iter()
            .find(|s| s.call.starts_with("listen"))
            .map(|s| {
                format!(
                    " In the `udp` step, `{}` returned {}.",
                    s.call, s.returned
                )
            })
            .unwrap_or_default();
        format!(
            "UDP has no connections, so there is nothing to accept: the \
             listener's one socket receives every datagram with \
             `recvfrom()`, and each datagram carries its sender's address.\
             {refused}"
        )
    }
}
// ANCHOR_END: answers

/// What the `backlog` step prints.
fn show_backlog(f: &backlog::Filled) -> String {
    let mut out = format!(
        "{} {}\n",
        style::server("server "),
        crate::tr!(
            "backlog-listen",
            backlog = f.backlog,
            addr = f.listener.to_string()
        )
    );
    for (i, c) in f.clients.iter().enumerate() {
        let what = if c.state == TcpState::Established {
            crate::tr!("backlog-queued")
        } else {
            crate::tr!("backlog-dropped")
        };
        out.push_str(&format!(
            "{} {} {:<11} {what}\n",
            style::client(&format!("client {}", i + 1)),
            c.addr,
            c.state.to_string()
        ));
    }
    out.push_str(&format!(
        "        {}\n",
        style::kernel(&crate::show::labelled(
            &crate::tr!("kernel-label"),
            &crate::tr!(
                "backlog-recv-q",
                queued = f.queued,
                backlog = f.backlog
            )
        ))
    ));
    let last = match f.got_in_after {
        Some(t) => crate::tr!(
            "backlog-got-in",
            client = f.clients.len(),
            after = crate::units::duration(t)
        ),
        None => crate::tr!("backlog-not-yet"),
    };
    out.push_str(&format!(
        "{} {}\n",
        style::server("server "),
        crate::show::wrap(&last, crate::show::width::current() - 8, 8)
            .trim_start()
    ));
    out
}

/// Renders steps one after the other.
pub fn render(list: &[Step]) -> String {
    list.iter()
        .map(steps::render)
        .collect::<Vec<_>>()
        .join("\n")
}

fn threads() -> anyhow::Result<String> {
    let run = per_connection::two_clients(LOOPBACK)?;
    let mut out = steps::said(
        Side::Server,
        &crate::tr!("threads-listening", addr = run.server.to_string()),
    );
    out.push_str(&steps::kernel(&crate::tr!(
        "threads-concurrent",
        count = run.concurrent.len(),
        addr = run.server.to_string()
    )));
    for s in &run.served {
        out.push_str(&steps::said(
            Side::Client,
            &crate::tr!(
                "threads-served",
                client = s.client.to_string(),
                peer = s.peer.to_string(),
                thread = s.thread.to_string(),
                tid = s.tid.to_string(),
                reply = format!("{:?}", s.reply)
            ),
        ));
    }
    Ok(out)
}
