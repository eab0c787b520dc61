//! IRC messages: one line of text in, a [`Message`] out, and back.
//!
//! IRC ([RFC 1459], updated by [RFC 2812]) is a line protocol: every
//! message is one line of at most 512 bytes, CR LF included, of the form
//!
//! ```text
//! [":" prefix SPACE] command params CR LF
//!
//! :mallory!m@127.0.0.1 PRIVMSG alice|localhost :hi there
//! └───────┬─────────┘ └──┬──┘ └──────┬──────┘ └───┬────┘
//!      prefix         command     middle      trailing
//!  (who sent it;      (a word or  (no spaces) (":" then anything,
//!   servers add it)    3 digits)               spaces included)
//! ```
//!
//! The grammar of [RFC 2812 § 2.3.1], which this file follows rule by rule:
//!
//! ```text
//! message    =  [ ":" prefix SPACE ] command [ params ] crlf
//! command    =  1*letter / 3digit
//! params     =  *14( SPACE middle ) [ SPACE ":" trailing ]
//!            =/ 14( SPACE middle ) [ SPACE [ ":" ] trailing ]
//! nospcrlfcl =  %x01-09 / %x0B-0C / %x0E-1F / %x21-39 / %x3B-FF
//! middle     =  nospcrlfcl *( ":" / nospcrlfcl )
//! trailing   =  *( ":" / " " / nospcrlfcl )
//! ```
//!
//! So a parameter is either a *middle* (no spaces, does not start with `:`)
//! or the last one, the *trailing*, which starts with `:` and runs to the
//! end of the line: that is how a message text with spaces fits into one
//! parameter. A message has at most 15 parameters; after 14 middles the
//! rest of the line is the trailing even without its `:`.
//!
//! Two layers, as in `xmpp/framing/`: [`LineReader`] cuts the byte
//! stream into lines (TCP has no message boundaries, lesson 9), and
//! [`Message::parse`] takes one line apart. Neither ever panics on what a
//! client sends: a bad line is an [`IrcError`], answered and skipped.
//!
//! IRC never says which character encoding its bytes are in. Modern clients
//! send UTF-8; anything that is not is decoded with U+FFFD in place of the
//! bad bytes, since XMPP is UTF-8 only.
//!
//! Read next: `names.rs` (how nicks and JIDs map), then `bridge.rs`.
//! Book: `book/src/lesson-04.md`. Run: `netlab xmpp gateway --help`.
//!
//! [RFC 1459]: https://datatracker.ietf.org/doc/html/rfc1459
//! [RFC 2812]: https://datatracker.ietf.org/doc/html/rfc2812
//! [RFC 2812 § 2.3.1]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3.1

use std::fmt;

/// The longest line, CR LF included ([RFC 2812 § 2.3]: "IRC messages are
/// always lines of characters terminated with a CR-LF (Carriage Return -
/// Line Feed) pair, and these messages SHALL NOT exceed 512 characters in
/// length, counting all characters including the trailing CR-LF").
///
/// [RFC 2812 § 2.3]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3
pub const MAX_LINE: usize = 512;

/// The most parameters a message may have ([RFC 2812 § 2.3]: "at most 15").
///
/// [RFC 2812 § 2.3]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3
pub const MAX_PARAMS: usize = 15;

/// One IRC message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who sent it: `mallory!m@127.0.0.1` or a server name. Clients leave
    /// it out; a server puts it on everything it relays.
    pub prefix: Option<String>,
    /// The command, upper-cased (`PRIVMSG`), or a three-digit numeric reply
    /// (`001`). Commands are case-insensitive ([RFC 2812 § 2.3]).
    ///
    /// [RFC 2812 § 2.3]: https://datatracker.ietf.org/doc/html/rfc2812#section-2.3
    pub command: String,
    /// The parameters, the trailing one (if any) last, without its `:`.
    pub params: Vec<String>,
}

/// Why a line is not an IRC message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IrcError {
    /// Nothing but spaces, or nothing at all.
    #[error(
        "the line is empty (RFC 2812 § 2.3.1: \"Empty messages are silently \
         ignored\")"
    )]
    Empty,
    /// `:prefix` with nothing after it.
    #[error("the line has a prefix but no command (RFC 2812 § 2.3.1)")]
    NoCommand,
    /// The command is neither letters nor three digits.
    #[error(
        "{command:?} is not a command: commands are letters or three digits \
         (RFC 2812 § 2.3.1)"
    )]
    BadCommand {
        /// The word where the command should be.
        command: String,
    },
    /// A NUL byte, which no part of a message may contain.
    #[error("the line contains a NUL byte (RFC 2812 § 2.3.1, nospcrlfcl)")]
    Nul,
    /// Longer than [`MAX_LINE`] bytes.
    #[error(
        "the line is longer than {MAX_LINE} bytes, CR LF included \
         (RFC 2812 § 2.3)"
    )]
    TooLong,
}

impl Message {
    /// A message without prefix.
    pub fn new(command: &str, params: &[&str]) -> Message {
        Message {
            prefix: None,
            command: command.to_owned(),
            params: params.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    /// The same message with a prefix (builder style).
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Message {
        self.prefix = Some(prefix.into());
        self
    }

    /// Parameter `i`, if there is one.
    pub fn param(&self, i: usize) -> Option<&str> {
        self.params.get(i).map(String::as_str)
    }

    /// Parses one line, its CR LF (or bare LF) already removed or not.
    pub fn parse(line: &[u8]) -> Result<Message, IrcError> {
        let line = strip_line_end(line);
        // The 512 bytes include CR LF, so 510 are left for the message.
        if line.len() > MAX_LINE - 2 {
            return Err(IrcError::TooLong);
        }
        if line.contains(&0) {
            return Err(IrcError::Nul);
        }
        let text = String::from_utf8_lossy(line);
        let mut rest: &str = &text;
        // IRCv3 message tags (`@time=…;id=… `) come first when a client
        // negotiated them. We offer no capabilities, so none should come;
        // skip them if they do rather than read them as a prefix.
        if let Some(tagged) = rest.strip_prefix('@') {
            rest = tagged.split_once(' ').map_or("", |(_, after)| after);
        }
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() {
            return Err(IrcError::Empty);
        }
        // [ ":" prefix SPACE ]
        let mut prefix = None;
        if let Some(after_colon) = rest.strip_prefix(':') {
            let (p, after) =
                after_colon.split_once(' ').unwrap_or((after_colon, ""));
            prefix = Some(p.to_owned());
            rest = after.trim_start_matches(' ');
            if rest.is_empty() {
                return Err(IrcError::NoCommand);
            }
        }
        // command = 1*letter / 3digit
        let (command, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
        let letters = command.bytes().all(|b| b.is_ascii_alphabetic());
        let numeric =
            command.len() == 3 && command.bytes().all(|b| b.is_ascii_digit());
        if !(letters || numeric) {
            return Err(IrcError::BadCommand {
                command: command.chars().take(32).collect(),
            });
        }
        let command = command.to_ascii_uppercase();
        // params: middles until ":" or the 15th parameter, which is the
        // trailing with or without ":".
        let mut params = Vec::new();
        loop {
            // RFC 2812 allows exactly one SPACE between parameters; some
            // clients send more, and accepting them costs nothing.
            rest = rest.trim_start_matches(' ');
            if rest.is_empty() {
                break;
            }
            if let Some(trailing) = rest.strip_prefix(':') {
                params.push(trailing.to_owned());
                break;
            }
            if params.len() == MAX_PARAMS - 1 {
                params.push(rest.to_owned());
                break;
            }
            let (middle, after) = rest.split_once(' ').unwrap_or((rest, ""));
            params.push(middle.to_owned());
            rest = after;
        }
        Ok(Message {
            prefix,
            command,
            params,
        })
    }

    /// The message as one line, CR LF included.
    ///
    /// Every parameter but the last is written as a middle; the last gets a
    /// `:` when it needs one (it is empty, has a space, or starts with `:`).
    /// Characters that would break the line (CR, LF, NUL) are replaced by
    /// spaces, spaces in a middle by `_`: the caller is expected not to
    /// send them, and a wrong message is better than a broken stream.
    /// Lines longer than [`MAX_LINE`] are cut at a character boundary.
    pub fn to_line(&self) -> Vec<u8> {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if matches!(c, '\r' | '\n' | '\0') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect()
        };
        let mut out = String::new();
        if let Some(prefix) = &self.prefix {
            out.push(':');
            out.push_str(&clean(prefix).replace(' ', "_"));
            out.push(' ');
        }
        out.push_str(&self.command);
        let last = self.params.len().saturating_sub(1);
        for (i, param) in self.params.iter().enumerate() {
            let param = clean(param);
            out.push(' ');
            if i == last {
                if param.is_empty()
                    || param.contains(' ')
                    || param.starts_with(':')
                {
                    out.push(':');
                }
                out.push_str(&param);
            } else {
                let middle = param.replace(' ', "_");
                if middle.is_empty() || middle.starts_with(':') {
                    out.push('_');
                }
                out.push_str(&middle);
            }
        }
        let mut end = out.len().min(MAX_LINE - 2);
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(b"\r\n");
        bytes
    }
}

impl fmt::Display for Message {
    /// The line without CR LF, for traces.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = self.to_line();
        let line = String::from_utf8_lossy(&line);
        f.write_str(line.trim_end_matches(['\r', '\n']))
    }
}

/// The line without its line end: CR LF, or a bare LF, which RFC 2812
/// does not allow but many clients and servers send and accept.
fn strip_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Cuts a byte stream into lines, however the reads split it.
///
/// Feed it what `read` returned, then take lines until `None`. A line
/// longer than [`MAX_LINE`] is not kept whole in memory: its first part is
/// reported as [`IrcError::TooLong`] and the rest, up to the next line
/// feed, is skipped.
#[derive(Debug, Default)]
pub struct LineReader {
    buf: Vec<u8>,
    /// Inside an over-long line, skipping to its end.
    skipping: bool,
}

impl LineReader {
    /// An empty reader.
    pub fn new() -> LineReader {
        LineReader::default()
    }

    /// Appends bytes as they came from the network.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete line (with its line end), `Some(Err(TooLong))`
    /// for an over-long one, `None` if more bytes are needed.
    pub fn next_line(&mut self) -> Option<Result<Vec<u8>, IrcError>> {
        loop {
            match self.buf.iter().position(|&b| b == b'\n') {
                Some(end) if self.skipping => {
                    self.buf.drain(..=end);
                    self.skipping = false;
                }
                Some(end) if end < MAX_LINE => {
                    return Some(Ok(self.buf.drain(..=end).collect()));
                }
                // A line feed, but too far away.
                Some(end) => {
                    self.buf.drain(..=end);
                    return Some(Err(IrcError::TooLong));
                }
                None if self.skipping => {
                    self.buf.clear();
                    return None;
                }
                None if self.buf.len() >= MAX_LINE => {
                    self.buf.clear();
                    self.skipping = true;
                    return Some(Err(IrcError::TooLong));
                }
                None => return None,
            }
        }
    }
}

/// Numeric replies used by the gateway, named as in [RFC 2812 § 5].
///
/// [RFC 2812 § 5]: https://datatracker.ietf.org/doc/html/rfc2812#section-5
pub mod numeric {
    /// `"Welcome to the Internet Relay Network <nick>!<user>@<host>"`.
    pub const RPL_WELCOME: &str = "001";
    /// `"Your host is <servername>, running version <ver>"`.
    pub const RPL_YOURHOST: &str = "002";
    /// `"This server was created <date>"`.
    pub const RPL_CREATED: &str = "003";
    /// `"<servername> <version> <available user modes> <available channel modes>"`.
    pub const RPL_MYINFO: &str = "004";
    /// What the server supports (not in RFC 2812, but every server sends
    /// it and clients read NICKLEN and CASEMAPPING from it).
    pub const RPL_ISUPPORT: &str = "005";
    /// The user's modes, answering MODE on one's own nick.
    pub const RPL_UMODEIS: &str = "221";
    /// WHOIS: `"<nick> <user> <host> * :<real name>"`.
    pub const RPL_WHOISUSER: &str = "311";
    /// WHOIS: `"<nick> :End of WHOIS list"`.
    pub const RPL_ENDOFWHOIS: &str = "318";
    /// `"<nickname> :No such nick/channel"`.
    pub const ERR_NOSUCHNICK: &str = "401";
    /// `"<channel name> :No such channel"`.
    pub const ERR_NOSUCHCHANNEL: &str = "403";
    /// `"<server name> :No origin specified"` (PING without a token).
    pub const ERR_NOORIGIN: &str = "409";
    /// `"<subcommand> :Invalid CAP command"` (IRCv3 capability negotiation).
    pub const ERR_INVALIDCAPCMD: &str = "410";
    /// `":No recipient given (<command>)"`.
    pub const ERR_NORECIPIENT: &str = "411";
    /// ":No text to send".
    pub const ERR_NOTEXTTOSEND: &str = "412";
    /// ":Input line was too long" (not in RFC 2812; what servers send).
    pub const ERR_INPUTTOOLONG: &str = "417";
    /// `"<command> :Unknown command"`.
    pub const ERR_UNKNOWNCOMMAND: &str = "421";
    /// ":MOTD File is missing".
    pub const ERR_NOMOTD: &str = "422";
    /// ":No nickname given".
    pub const ERR_NONICKNAMEGIVEN: &str = "431";
    /// `"<nick> :Erroneous nickname"`.
    pub const ERR_ERRONEUSNICKNAME: &str = "432";
    /// `"<nick> :Nickname is already in use"`.
    pub const ERR_NICKNAMEINUSE: &str = "433";
    /// ":You have not registered".
    pub const ERR_NOTREGISTERED: &str = "451";
    /// `"<command> :Not enough parameters"`.
    pub const ERR_NEEDMOREPARAMS: &str = "461";
    /// ":Unauthorized command (already registered)".
    pub const ERR_ALREADYREGISTRED: &str = "462";
    /// ":Cannot change mode for other users".
    pub const ERR_USERSDONTMATCH: &str = "502";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as real clients send them (irssi, WeeChat, the Python `irc`
    /// package), and the messages they must give.
    fn fixtures() -> Vec<(&'static [u8], Message)> {
        vec![
            (b"CAP LS 302\r\n", Message::new("CAP", &["LS", "302"])),
            (b"NICK mallory\r\n", Message::new("NICK", &["mallory"])),
            (
                b"USER m 0 * :Mallory M\r\n",
                Message::new("USER", &["m", "0", "*", "Mallory M"]),
            ),
            (
                b"PRIVMSG alice|localhost :hi there\r\n",
                Message::new("PRIVMSG", &["alice|localhost", "hi there"]),
            ),
            (
                b":mallory!m@127.0.0.1 privmsg bob :a :colon\n",
                Message::new("PRIVMSG", &["bob", "a :colon"])
                    .with_prefix("mallory!m@127.0.0.1"),
            ),
            (
                b"PING :irc.example\r\n",
                Message::new("PING", &["irc.example"]),
            ),
            (b"QUIT\r\n", Message::new("QUIT", &[])),
            (
                b"PRIVMSG bob ::-)\r\n",
                Message::new("PRIVMSG", &["bob", ":-)"]),
            ),
            (b"PRIVMSG bob :\r\n", Message::new("PRIVMSG", &["bob", ""])),
            (
                b"001 mallory :Welcome\r\n",
                Message::new("001", &["mallory", "Welcome"]),
            ),
            (
                "PRIVMSG bob :你好 é\r\n".as_bytes(),
                Message::new("PRIVMSG", &["bob", "你好 é"]),
            ),
            (
                b"@time=x :srv NOTICE  *   :hi\r\n",
                Message::new("NOTICE", &["*", "hi"]).with_prefix("srv"),
            ),
        ]
    }

    #[test]
    fn fixtures_parse() {
        for (line, expected) in fixtures() {
            assert_eq!(
                Message::parse(line),
                Ok(expected),
                "{:?}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn fourteen_middles_then_the_rest_is_trailing() {
        let line = b"CMD 1 2 3 4 5 6 7 8 9 10 11 12 13 14 fifteen and more";
        let m = Message::parse(line).expect("parses");
        assert_eq!(m.params.len(), MAX_PARAMS);
        assert_eq!(m.params[14], "fifteen and more");
    }

    #[test]
    fn bad_lines_are_errors() {
        assert_eq!(Message::parse(b"\r\n"), Err(IrcError::Empty));
        assert_eq!(Message::parse(b"   "), Err(IrcError::Empty));
        assert_eq!(Message::parse(b":prefix"), Err(IrcError::NoCommand));
        assert_eq!(Message::parse(b":prefix   "), Err(IrcError::NoCommand));
        assert_eq!(Message::parse(b"NI\0CK x"), Err(IrcError::Nul));
        assert!(matches!(
            Message::parse(b"12 x"),
            Err(IrcError::BadCommand { .. })
        ));
        assert!(matches!(
            Message::parse(b"PRIV-MSG x"),
            Err(IrcError::BadCommand { .. })
        ));
        let long = [b'A'; MAX_LINE - 1];
        assert_eq!(Message::parse(&long), Err(IrcError::TooLong));
        // 510 bytes plus CR LF is exactly the limit.
        let mut max = vec![b'A'; MAX_LINE - 2];
        max.extend_from_slice(b"\r\n");
        assert!(Message::parse(&max).is_ok());
    }

    #[test]
    fn every_prefix_of_every_fixture_parses_or_fails_without_panicking() {
        for (line, _) in fixtures() {
            for end in 0..=line.len() {
                let _ = Message::parse(&line[..end]);
            }
        }
        // And a few hostile ones, byte by byte.
        let hostile: &[&[u8]] = &[
            b":",
            b"@",
            b"@tag",
            b": :",
            b"\xff\xfe :\xff",
            b"PRIVMSG \xe4\xbd",
            b"::::",
            b"1234",
        ];
        for line in hostile {
            for end in 0..=line.len() {
                let _ = Message::parse(&line[..end]);
            }
        }
    }

    #[test]
    fn messages_written_read_back_the_same() {
        for (_, message) in fixtures() {
            let line = message.to_line();
            assert!(line.ends_with(b"\r\n"));
            assert_eq!(Message::parse(&line), Ok(message.clone()), "{message}");
        }
        assert_eq!(
            Message::new("PRIVMSG", &["bob", "hi"])
                .with_prefix("alice|localhost!alice@localhost")
                .to_line(),
            b":alice|localhost!alice@localhost PRIVMSG bob hi\r\n"
        );
    }

    #[test]
    fn writing_never_breaks_the_line() {
        let m = Message::new("PRIVMSG", &["a b", "x\r\nQUIT :bye"]);
        assert_eq!(m.to_line(), b"PRIVMSG a_b :x  QUIT :bye\r\n");
        let long = "é".repeat(400);
        let line = Message::new("PRIVMSG", &["bob", &long]).to_line();
        assert!(line.len() <= MAX_LINE);
        assert!(std::str::from_utf8(&line).is_ok());
    }

    #[test]
    fn lines_are_found_however_the_bytes_are_split() {
        let input: &[u8] = b"NICK a\r\nUSER u 0 * :U\nPING x\r\n";
        for split in 1..input.len() {
            let mut reader = LineReader::new();
            let mut lines = Vec::new();
            for chunk in input.chunks(split) {
                reader.feed(chunk);
                while let Some(line) = reader.next_line() {
                    lines.push(line.expect("short lines"));
                }
            }
            assert_eq!(
                lines,
                vec![
                    b"NICK a\r\n".to_vec(),
                    b"USER u 0 * :U\n".to_vec(),
                    b"PING x\r\n".to_vec()
                ],
                "split {split}"
            );
        }
    }

    #[test]
    fn an_overlong_line_is_reported_once_and_skipped() {
        let mut reader = LineReader::new();
        reader.feed(&[b'x'; 700]);
        assert_eq!(reader.next_line(), Some(Err(IrcError::TooLong)));
        assert_eq!(reader.next_line(), None);
        reader.feed(&[b'x'; 700]);
        assert_eq!(reader.next_line(), None);
        reader.feed(b"tail\r\nPING y\r\n");
        assert_eq!(reader.next_line(), Some(Ok(b"PING y\r\n".to_vec())));
        assert_eq!(reader.next_line(), None);
        // Too long, but the line feed is already there.
        let mut reader = LineReader::new();
        let mut line = vec![b'y'; 600];
        line.extend_from_slice(b"\nQUIT\n");
        reader.feed(&line);
        assert_eq!(reader.next_line(), Some(Err(IrcError::TooLong)));
        assert_eq!(reader.next_line(), Some(Ok(b"QUIT\n".to_vec())));
    }
}
