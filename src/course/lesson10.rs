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

use super::{Demo, worked};
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
            return crate::tr!("answer-10-port", port = port);
        };
        let (start, end) = (*range.start(), *range.end());
        if range.contains(&port) {
            crate::tr!(
                "answer-10-port-inside",
                port = port,
                start = start,
                end = end
            )
        } else {
            crate::tr!(
                "answer-10-port-outside",
                port = port,
                start = start,
                end = end
            )
        }
    }

    /// Exercise 2: the table after `connect()`, and the full queue.
    fn answer_queue(&self) -> String {
        let table = self
            .seen
            .after_connect
            .last()
            .map(|s| &s.table[..])
            .unwrap_or_default();
        let mut text = vec![match table.iter().find(|o| o.row.inode == 0) {
            Some(o) => crate::tr!(
                "answer-10-table-unowned",
                sockets = table.len(),
                local = o.row.local.to_string(),
                remote = o.row.remote.to_string()
            ),
            None => crate::tr!("answer-10-table", sockets = table.len()),
        }];
        if let Some(f) = &self.seen.backlog {
            let left: Vec<String> =
                f.left_out().map(|c| c.addr.to_string()).collect();
            text.push(crate::tr!(
                "answer-10-backlog",
                backlog = f.backlog,
                held = f.clients.len() - left.len(),
                queued = f.queued,
                left = if left.is_empty() {
                    crate::tr!("answer-10-backlog-none")
                } else {
                    worked::comma_list(&left)
                }
            ));
            text.push(match f.got_in_after {
                Some(t) => crate::tr!(
                    "answer-10-got-in",
                    after = crate::units::duration(t)
                ),
                None => crate::tr!("answer-10-not-in"),
            });
        }
        worked::sentences(&text)
    }

    /// Exercise 3: what `ss` shows, and who ends in TIME_WAIT.
    fn answer_time_wait(&self) -> String {
        let waiting = self.seen.close.iter().rev().find_map(|s| {
            s.table
                .iter()
                .find(|o| o.row.state == TcpState::TimeWait)
                .map(|o| (o.owner.clone(), o.row.local))
        });
        let mut text = vec![crate::tr!("answer-10-time-wait")];
        if let Some((owner, addr)) = waiting {
            text.push(crate::tr!(
                "answer-10-time-wait-ours",
                addr = addr.to_string(),
                owner = owner
            ));
        }
        worked::sentences(&text)
    }

    /// Exercise 4: no `accept()` for UDP.
    fn answer_udp(&self) -> String {
        let mut text = vec![crate::tr!("answer-10-udp")];
        if let Some(s) =
            self.seen.udp.iter().find(|s| s.call.starts_with("listen"))
        {
            text.push(crate::tr!(
                "answer-10-udp-refused",
                call = s.call.as_str(),
                returned = s.returned.as_str()
            ));
        }
        worked::sentences(&text)
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
