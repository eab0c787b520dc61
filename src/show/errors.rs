//! Prints an error as plain sentences with a remedy, never a backtrace.
//!
//! The command line wraps errors with context (`anyhow`), so the chain
//! reads from what the user asked for down to what the kernel said. If the
//! root cause is a socket error we know, [`crate::sockets::errors::explain`]
//! adds why it happened and what to do.

use std::net::SocketAddr;

use crate::sockets::{self, errors::explain};

use super::{style, width, wrap_commands};

/// Formats `err` for stderr.
pub fn render(err: &anyhow::Error) -> String {
    let label = crate::tr!("error-label");
    let line = super::labelled(&label, &err.to_string());
    // The label coloured, the rest (gap and message) as it is.
    let mut out = format!("{}{}", style::error(&label), &line[label.len()..]);
    let mut previous = err.to_string();
    for cause in err.chain().skip(1) {
        // `bind(…) failed: Permission denied` already quotes its source;
        // do not print the same words twice.
        let text = cause.to_string();
        if !previous.contains(&text) {
            let because = crate::tr!("error-because", cause = text.as_str());
            out.push_str(&format!("\n  {because}"));
        }
        previous = text;
    }
    if let Some((io, addr)) = root_io_error(err)
        && let Some(e) = explain(io, addr)
    {
        for line in [
            format!("{}: {}", e.name, e.why),
            crate::tr!("error-fix", fix = e.fix),
        ] {
            // A `fix:` quotes commands: never broken mid-command.
            let line = wrap_commands(&line, width::current(), 4);
            out.push_str(&format!("\n  {line}"));
        }
    }
    out
}

/// Prints `err` to stderr.
pub fn print(err: &anyhow::Error) {
    eprintln!("{}", render(err));
}

/// The innermost `io::Error`, with the address named in the failed call.
fn root_io_error(
    err: &anyhow::Error,
) -> Option<(&std::io::Error, Option<SocketAddr>)> {
    for cause in err.chain() {
        if let Some(sockets::Error::Call { call, source }) =
            cause.downcast_ref::<sockets::Error>()
        {
            return Some((source, address_in(call)));
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            return Some((io, None));
        }
    }
    None
}

/// The first `ip:port` inside a call such as `bind(fd 3, 127.0.0.1:80)`.
fn address_in(call: &str) -> Option<SocketAddr> {
    call.split(['(', ')', ',', ' '])
        .find_map(|part| part.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explains_a_privileged_bind() {
        colored::control::set_override(false);
        let err = anyhow::Error::new(sockets::Error::Call {
            call: "bind(fd 3, 127.0.0.1:80)".into(),
            source: std::io::Error::from_raw_os_error(libc::EACCES),
        })
        .context("listening on 127.0.0.1:80");
        let text = render(&err);
        assert!(
            text.starts_with("error: listening on 127.0.0.1:80"),
            "{text}"
        );
        assert!(text.contains("because: bind(fd 3, 127.0.0.1:80) failed"));
        assert!(text.contains("EACCES: ports below"), "{text}");
        assert!(text.contains("setcap cap_net_bind_service=+ep"), "{text}");
        assert_eq!(text.matches("Permission denied").count(), 1, "{text}");
        assert_eq!(text.matches("Permission denied").count(), 1, "{text}");
    }

    #[test]
    fn finds_addresses_in_calls() {
        assert_eq!(
            address_in("connect(fd 4, [::1]:7000)"),
            "[::1]:7000".parse().ok()
        );
        assert_eq!(address_in("socket()"), None);
    }
}
