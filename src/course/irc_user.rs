//! An IRC user typed by hand: lines of text on a plain TCP socket, the
//! way IRC has worked since 1988.
//!
//! IRC ([RFC 2812]) is a line protocol: every message is one line of
//! text ending in CR LF, at most 512 bytes, `COMMAND params :trailing`.
//! A user registers with two lines and the server welcomes it:
//!
//! ```text
//! typed                                   IRC server (here: the gateway)
//! NICK mallory                       ─►
//! USER mallory 0 * :Mallory          ─►
//!                                    ◄─   :gw.localhost 001 mallory :Welcome …
//!                                    ◄─   … 376 mallory :End of MOTD command
//! PRIVMSG alice|localhost :hi        ─►   (to an XMPP user, through the gateway)
//! ```
//!
//! Lesson 4 uses it as the person on the other side of the gateway.
//!
//! Read before: `src/gateway/irc.rs`. Book: `book/src/lesson-04.md`.
//!
//! [RFC 2812]: https://datatracker.ietf.org/doc/html/rfc2812

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};

use anyhow::{Context, bail};

use super::conversation::PATIENCE;

/// The numeric reply that ends the welcome: "End of MOTD command"
/// ([RFC 2812 § 5.1]).
///
/// [RFC 2812 § 5.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-5.1
const RPL_ENDOFMOTD: &str = "376";

/// An IRC user's connection, typed by hand.
pub struct IrcUser {
    writer: TcpStream,
    reader: BufReader<TcpStream>,
    /// Every line typed so far, without CR LF.
    pub typed: Vec<String>,
}

impl IrcUser {
    // ANCHOR: register
    /// Connects to the IRC port and registers as `nick` ([RFC 2812
    /// § 3.1]). Returns the user and every line of the welcome.
    ///
    /// [RFC 2812 § 3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-3.1
    pub fn register(
        addr: SocketAddr,
        nick: &str,
    ) -> anyhow::Result<(IrcUser, Vec<String>)> {
        let stream = TcpStream::connect(addr)
            .with_context(|| format!("connecting to {addr}"))?;
        stream.set_read_timeout(Some(PATIENCE))?;
        let mut user = IrcUser {
            reader: BufReader::new(stream.try_clone()?),
            writer: stream,
            typed: Vec::new(),
        };
        user.type_line(&format!("NICK {nick}"))?;
        user.type_line(&format!("USER {nick} 0 * :{nick}"))?;
        let welcome = user
            .read_until(|line| line.split(' ').nth(1) == Some(RPL_ENDOFMOTD))?;
        Ok((user, welcome))
    }
    // ANCHOR_END: register

    /// Writes one line; CR LF is added, as IRC wants.
    pub fn type_line(&mut self, line: &str) -> anyhow::Result<()> {
        self.writer
            .write_all(format!("{line}\r\n").as_bytes())
            .context("writing to the IRC server")?;
        self.typed.push(line.to_owned());
        Ok(())
    }

    /// The address of this end of the connection.
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        Ok(self.writer.local_addr()?)
    }

    /// Reads lines (CR LF removed) until one that `last` accepts, which
    /// is included.
    pub fn read_until(
        &mut self,
        last: impl Fn(&str) -> bool,
    ) -> anyhow::Result<Vec<String>> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = self.reader.read_line(&mut line).with_context(|| {
                format!("waiting {} s for the IRC server", PATIENCE.as_secs())
            })?;
            if n == 0 {
                bail!("the IRC server closed the connection");
            }
            let line = line.trim_end_matches(['\r', '\n']).to_owned();
            let done = last(&line);
            lines.push(line);
            if done {
                return Ok(lines);
            }
        }
    }
}
