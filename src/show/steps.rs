//! A system call, what it returned, and the kernel's socket table after it.
//!
//! ```text
//! server  listen(fd 3, 128) = 0
//!         kernel: state LISTEN; 0 connections wait in the accept queue (…)
//!         │ local            remote           state        Recv-Q Send-Q  owner
//!         │ 127.0.0.1:41234  0.0.0.0:0        LISTEN            0      0  listener fd 3

//! ```

use crate::sockets::step::{Observed, Side, Step};

use super::{fold, style, width, wrap};

/// Indent of the lines under a call.
const INDENT: usize = 8;

/// Renders one step.
pub fn render(step: &Step) -> String {
    let side = format!("{:<7}", step.side);
    let side = match step.side {
        Side::Server => style::server(&side),
        Side::Client => style::client(&side),
    };
    // A long call (several calls on one line) folds under itself.
    let call = fold(
        &format!("{} = {}", step.call, step.returned),
        width::current().saturating_sub(INDENT),
        INDENT,
    );
    let mut out = format!("{side} {}\n", style::code(&call));
    // Continuation lines line up under the text after "kernel: ".
    out.push_str(&kernel(&step.kernel));
    if !step.table.is_empty() {
        out.push_str(&table(&step.table, INDENT));
    }
    out
}

/// One line of an event told by `side` (`server  …`, `client  …`),
/// wrapped at the width in use under its text.
pub fn said(side: Side, text: &str) -> String {
    let label = format!("{:<7}", side);
    let label = match side {
        Side::Server => style::server(&label),
        Side::Client => style::client(&label),
    };
    let text = wrap(text, width::current().saturating_sub(INDENT), 0)
        .replace('\n', &format!("\n{}", " ".repeat(INDENT)));
    format!("{label} {text}\n")
}

/// What the kernel did, indented under the event and wrapped.
pub fn kernel(text: &str) -> String {
    // `kernel: …`, but `内核：…`: a full-width colon carries its own space.
    // Continuation lines hang under the text after the label.
    let line = super::labelled(&crate::tr!("kernel-label"), text);
    let hang = width::of(&line) - width::of(text);
    let text = wrap(&line, width::current().saturating_sub(INDENT), hang)
        .replace('\n', &format!("\n{}", " ".repeat(INDENT)));
    format!("{}{}\n", " ".repeat(INDENT), style::kernel(&text))
}

/// The socket table, one row per socket, each line starting with `│`.
///
/// Columns are as wide as their widest entry, so loopback addresses do
/// not leave gaps. An owner that does not fit beside its row at the
/// width in use goes on a line of its own below it, after `↳`.
pub fn table(rows: &[Observed], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|o| {
            [
                o.row.local.to_string(),
                o.row.remote.to_string(),
                o.row.state.to_string(),
                o.row.rx_queue.to_string(),
                o.row.tx_queue.to_string(),
            ]
        })
        .collect();
    let header = ["local", "remote", "state", "Recv-Q", "Send-Q"];
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].len())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: [&str; 5]| {
        format!(
            "│ {:<w0$}  {:<w1$}  {:<w2$} {:>w3$} {:>w4$}",
            c[0],
            c[1],
            c[2],
            c[3],
            c[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
            w4 = widths[4],
        )
    };
    let room = width::current();
    let mut out =
        format!("{pad}{}\n", style::dim(&format!("{}  owner", line(header))));
    for (o, c) in rows.iter().zip(&cells) {
        let row = line([&c[0], &c[1], &c[2], &c[3], &c[4]]);
        if indent + width::of(&row) + 2 + width::of(&o.owner) <= room {
            out.push_str(&format!("{pad}{row}  {}\n", o.owner));
        } else {
            let owner = wrap(&o.owner, room.saturating_sub(indent + 4), 0)
                .replace('\n', &format!("\n{pad}│   "));
            out.push_str(&format!("{pad}{row}\n{pad}│ ↳ {owner}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sockets::proc_net::{SocketRow, TcpState, Transport};

    #[test]
    fn renders_call_kernel_and_table() {
        colored::control::set_override(false);
        let step = Step {
            side: Side::Server,
            call: "listen(fd 3, 128)".into(),
            returned: "0".into(),
            kernel: "state LISTEN".into(),
            table: vec![Observed {
                row: SocketRow {
                    transport: Transport::Tcp,
                    local: "127.0.0.1:7000".parse().expect("addr"),
                    remote: "0.0.0.0:0".parse().expect("addr"),
                    state: TcpState::Listen,
                    tx_queue: 128,
                    rx_queue: 0,
                    uid: 0,
                    inode: 1,
                },
                owner: "listener fd 3".into(),
            }],
        };
        let text = render(&step);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "server  listen(fd 3, 128) = 0");
        assert_eq!(lines[1], "        kernel: state LISTEN");
        assert!(lines[3].contains("127.0.0.1:7000"), "{text}");
        assert!(lines[3].contains("LISTEN"), "{text}");
        assert!(lines[3].ends_with("listener fd 3"), "{text}");
    }
}
