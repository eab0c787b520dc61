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
use crate::show::steps;
use crate::sockets::step::{Side, Step};
use crate::sockets::walkthrough::Walkthrough;
use crate::sockets::{per_connection, udp_contrast};

/// The backlog the demo passes to `listen()`.
pub const BACKLOG: i32 = 128;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Makes the demo (the registry's constructor).
pub fn demo() -> Box<dyn Demo> {
    Box::new(SocketDemo {
        walk: Walkthrough::new(LOOPBACK, BACKLOG),
    })
}

struct SocketDemo {
    walk: Walkthrough,
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
            "connect" => render(&self.walk.connect()?),
            "accept" => render(&[self.walk.accept()?]),
            "exchange" => render(&self.walk.exchange()?),
            "close" => render(&self.walk.close()?),
            "threads" => threads()?,
            "udp" => render(&udp_contrast::run(LOOPBACK)?),
            other => bail!("lesson 10 has no demo step `{other}`"),
        };
        Ok(shown)
    }
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
        &format!(
            "listening on {}; the main thread only accept()s and hands each \
             connection to a new thread",
            run.server
        ),
    );
    out.push_str(&steps::kernel(&format!(
        "while both handlers were running, /proc/net/tcp held {} \
         ESTABLISHED sockets on {}",
        run.concurrent.len(),
        run.server
    )));
    for s in &run.served {
        out.push_str(&steps::said(
            Side::Client,
            &format!(
                "{} from {}: served by thread {} (kernel tid {}), read back \
                 {:?}",
                s.client, s.peer, s.thread, s.tid, s.reply
            ),
        ));
    }
    Ok(out)
}
