//! A system call, what it returned, and the kernel's socket table after it.
//!
//! ```text
//! server  listen(fd 3, 128) = 0
//!         kernel: state LISTEN; 0 connections wait in the accept queue (…)
//!         │ local            remote           state        Recv-Q Send-Q  owner
//!         │ 127.0.0.1:41234  0.0.0.0:0        LISTEN            0      0  listener fd 3

//! ```

use crate::sockets::step::{Observed, Side, Step};

use super::{style, wrap};

/// Width the text is wrapped at: fits an 80-column terminal.
const WIDTH: usize = 78;
/// Indent of the lines under a call.
const INDENT: usize = 8;

/// Renders one step.
pub fn render(step: &Step) -> String {
    let side = format!("{:<7}", step.side);
    let side = match step.side {
        Side::Server => style::server(&side),
        Side::Client => style::client(&side),
    };
    let mut out =
        format!("{side} {} = {}\n", style::code(&step.call), step.returned);
    // Wrapped to fit beside the indent; continuation lines line up under
    // the text after "kernel: ".
    let kernel = wrap(&format!("kernel: {}", step.kernel), WIDTH - INDENT, 8)
        .replace('\n', &format!("\n{}", " ".repeat(INDENT)));
    out.push_str(&format!(
        "{}{}\n",
        " ".repeat(INDENT),
        style::kernel(&kernel)
    ));
    if !step.table.is_empty() {
        out.push_str(&table(&step.table, INDENT));
    }
    out
}

/// The socket table, one row per socket, each line starting with `│`.
pub fn table(rows: &[Observed], indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = format!(
        "{pad}{}\n",
        style::dim(&format!(
            "│ {:<21} {:<21} {:<12} {:>6} {:>6}  owner",
            "local", "remote", "state", "Recv-Q", "Send-Q"
        ))
    );
    for o in rows {
        out.push_str(&format!(
            "{pad}│ {:<21} {:<21} {:<12} {:>6} {:>6}  {}\n",
            o.row.local.to_string(),
            o.row.remote.to_string(),
            o.row.state,
            o.row.rx_queue,
            o.row.tx_queue,
            o.owner
        ));
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
