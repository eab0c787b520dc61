//! One line per event of `netlab socket listen` and `connect`.
//!
//! Connection numbers in brackets (`[2]`) tell apart the threads of a
//! server that talks to several clients at once.

use crate::sockets::event::Event;
use crate::sockets::walkthrough::quote;

use super::style;

/// Renders one event as one line (no trailing newline).
pub fn render(event: &Event) -> String {
    match event {
        Event::Call { call, returned } => {
            format!("{} = {returned}", style::code(call))
        }
        Event::Accepted { conn, peer, fd } => format!(
            "{} accept() = fd {fd}: connection {conn} from {peer}, handed to \
             its own thread",
            tag(*conn)
        ),
        Event::Received { conn, from, data } => format!(
            "{} {} {} from {from}: {}",
            tag(*conn),
            style::kernel("recv"),
            bytes(data.len()),
            quote(data)
        ),
        Event::Sent { conn, to, len } => {
            format!("{} sent {} to {to}", tag(*conn), bytes(*len))
        }
        Event::PeerClosed { conn, peer } => {
            format!("{} read() = 0: {peer} closed its side (FIN)", tag(*conn))
        }
        Event::Quiet { waited } => format!(
            "{} nothing more arrived within {:.1} s; stopping",
            tag(0),
            waited.as_secs_f64()
        ),
        Event::Closed { conn } => format!("{} close()", tag(*conn)),
    }
}

fn tag(conn: u32) -> String {
    if conn == 0 {
        "   ".into()
    } else {
        format!("[{conn}]")
    }
}

fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_event() {
        colored::control::set_override(false);
        let from = "127.0.0.1:5000".parse().expect("addr");
        let line = render(&Event::Received {
            conn: 2,
            from,
            data: b"hi\n".to_vec(),
        });
        assert_eq!(line, r#"[2] recv 3 bytes from 127.0.0.1:5000: "hi\n""#);
        let line = render(&Event::PeerClosed {
            conn: 1,
            peer: from,
        });
        assert_eq!(
            line,
            "[1] read() = 0: 127.0.0.1:5000 closed its side (FIN)"
        );
    }
}
