//! Presentation: everything that decides how values look on a terminal.
//!
//! Functions here take values from [`crate::sockets`] and [`crate::capture`]
//! and return `String`s, so a test can check the text without a terminal.
//! Colour is added only when [`style::init`] decided it is wanted.
//!
//! - [`style`]: when to colour, and the palette
//! - [`table`]: tables that fit the terminal
//! - [`width`]: how wide the output may be, and how wide a string is
//! - [`markdown`]: lesson narration, rendered for a terminal
//! - [`steps`]: a system call and the kernel's socket table after it
//! - [`events`]: one line per event of the socket tools
//! - [`errors`]: an error with its explanation and remedy
//! - [`packet`], [`packet_json`], [`packet_json_fields`]: a dissected
//!   frame as a tree, hex dump, encapsulation diagram, summary line, or
//!   typed JSON
//! - [`ladder`]: a TCP connection as a ladder diagram
//! - [`journey`]: one chat message through every layer (`netlab trace`)
//! - [`xmpp_trace`]: the XML console, one line per stanza
//! - [`conversation`]: a lesson's trace, `alice → server  <xml>`
//! - [`hops`]: lesson 5's ladder across alice, two servers and bob
//! - [`server_notes`]: a server's notes in the reader's language
//! - [`im`]: lesson 1's steps
//! - [`interop`]: lesson 2's hand-typed XML and the server's answers
//! - [`traits`]: lesson 3's stanza, JIDs, race and login offer
//! - [`jid_error`]: why a string is not a JID, in the reader's language
//! - [`structure`]: lesson 4's traces, tables and records, in 80 columns
//! - [`costs`]: lesson 6's costs, TLS record, base64 and extension
//! - [`glossary`]: `netlab glossary`, one entry or all, in 80 columns
//! - [`gateway_trace`]: the gateway's events and both sides' traffic
//! - [`analogies`]: lesson 9's phone-call and SMS analogies, measured
//! - [`osi_live`]: lesson 7's router, switch and PDU names

pub mod analogies;
pub mod app_acks;
pub mod conversation;
pub mod costs;
pub mod errors;
pub mod events;
pub mod fit;
pub mod gateway_trace;
pub mod glossary;
pub mod hops;
pub mod im;
pub mod interop;
pub mod jid_error;
pub mod journey;
pub mod lab;
pub mod ladder;
pub mod lessons;
pub mod markdown;
pub mod osi_live;
pub mod packet;
pub mod packet_fields;
pub mod packet_json;
pub mod packet_json_fields;
pub mod plain_text;
pub mod privileges;
pub mod server_notes;
pub mod steps;
pub mod structure;
pub mod style;
pub mod table;
pub mod traits;
pub mod width;
pub mod xmpp_trace;

/// Bytes as space-separated hex pairs, the way a dump shows them:
/// `3c 6d 65`.
pub fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Wraps `text` at `width` display columns (see [`width::of`]),
/// indenting every line after the first by `indent` spaces. Words longer
/// than a line are left whole; Chinese breaks between characters, never
/// before closing punctuation or after an opening bracket ([`NOT_FIRST`],
/// [`NOT_LAST`]).
pub fn wrap(text: &str, width: usize, indent: usize) -> String {
    layout(tokens(text, false), width, indent, 0)
}

/// `label text`, or `label` + `text` when the label ends with a
/// full-width colon (`内核：`), which carries its own space.
pub fn labelled(label: &str, text: &str) -> String {
    let gap = if label.ends_with('：') { "" } else { " " };
    format!("{label}{gap}{text}")
}

/// Like [`wrap`], for text that quotes commands in backticks: a
/// `` `command` `` is never broken between words, which would make it
/// unsafe to copy. One that does not fit on the current line starts a
/// new one; one longer than a whole line goes on lines of its own, two
/// columns further in, without backticks, broken only at spaces outside
/// quotes and continued with ` \`, which a shell reads as one line.
///
/// Chinese text breaks between characters, never before closing
/// punctuation or after an opening bracket ([`NOT_FIRST`], [`NOT_LAST`]).
///
/// Every line, the first too, is taken to start at column `indent`: the
/// caller indents the first.
pub fn wrap_commands(text: &str, width: usize, indent: usize) -> String {
    layout(tokens(text, true), width, indent, indent)
}

/// Lays `tokens` out in lines of at most `width` columns, the first
/// starting at column `start`, the others after `indent` spaces.
fn layout(
    tokens: Vec<Token>,
    width: usize,
    indent: usize,
    start: usize,
) -> String {
    // Units: tokens with no possible break between them.
    let mut units: Vec<Vec<Token>> = Vec::new();
    for token in tokens {
        match units.last_mut() {
            Some(unit) if !token.breaks => unit.push(token),
            _ => units.push(vec![token]),
        }
    }
    let mut out = String::new();
    let mut column = start;
    // True at the start of a line, where no space goes before a word.
    let mut fresh = true;
    for unit in units {
        let spaced = |i: usize, t: &Token| i > 0 && t.space;
        let unit_width: usize = unit
            .iter()
            .enumerate()
            .map(|(i, t)| t.width() + usize::from(spaced(i, t)))
            .sum();
        let long = unit.iter().any(|t| t.command && indent + t.width() > width);
        if long {
            // A command longer than a line: lines of its own.
            for token in unit {
                if token.command && indent + token.width() > width {
                    let pad = indent + 2;
                    out.push('\n');
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&command(&token.text, width, pad, pad + 2));
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    column = indent;
                    fresh = true;
                } else {
                    if !fresh && token.space {
                        out.push(' ');
                        column += 1;
                    }
                    out.push_str(&token.shown());
                    column += token.width();
                    fresh = false;
                }
            }
            continue;
        }
        let space = usize::from(!fresh && unit[0].space);
        if !fresh && column + space + unit_width > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            column = indent;
            fresh = true;
        }
        for (i, token) in unit.iter().enumerate() {
            if token.space && !(fresh && i == 0) {
                out.push(' ');
                column += 1;
            }
            out.push_str(&token.shown());
            column += token.width();
        }
        fresh = false;
    }
    out.trim_end().to_string()
}

/// A word, a CJK character or a quoted command, for [`wrap_commands`].
struct Token {
    text: String,
    /// Quoted in backticks in the text.
    command: bool,
    /// A space separates it from the token before.
    space: bool,
    /// A line may break before it.
    breaks: bool,
}

impl Token {
    fn shown(&self) -> String {
        if self.command {
            format!("`{}`", self.text)
        } else {
            self.text.clone()
        }
    }

    fn width(&self) -> usize {
        width::of(&self.text) + if self.command { 2 } else { 0 }
    }
}

/// `text` cut into tokens. A line may break at a space, and between CJK
/// characters (or a CJK character and a Latin word) except before
/// closing punctuation and after an opening bracket ([`NOT_FIRST`],
/// [`NOT_LAST`]): `命令），并` keeps its `）` on the command's line.
/// With `commands`, text in backticks is one token, never broken.
fn tokens(text: &str, commands: bool) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut space = false;
    let mut word = String::new();
    let push =
        |out: &mut Vec<Token>, text: String, command: bool, space: bool| {
            let first = text.chars().next();
            let after = out.last().and_then(|t: &Token| t.text.chars().last());
            let cjk_edge =
                first.is_some_and(is_wide) || after.is_some_and(is_wide);
            let forbidden = first.is_some_and(|c| NOT_FIRST.contains(&c))
                || after.is_some_and(|c| NOT_LAST.contains(&c));
            let breaks = !forbidden && (space || cjk_edge);
            out.push(Token {
                text,
                command,
                space,
                breaks,
            });
        };
    let pieces: Vec<&str> = if commands {
        text.split('`').collect()
    } else {
        vec![text]
    };
    for (i, piece) in pieces.into_iter().enumerate() {
        if i % 2 == 1 {
            if !word.is_empty() {
                push(&mut out, std::mem::take(&mut word), false, space);
                space = false;
            }
            push(&mut out, piece.to_owned(), true, space);
            space = false;
            continue;
        }
        for c in piece.chars() {
            if c.is_whitespace() || is_wide(c) {
                if !word.is_empty() {
                    push(&mut out, std::mem::take(&mut word), false, space);
                    space = false;
                }
                if c.is_whitespace() {
                    space = true;
                } else {
                    push(&mut out, c.to_string(), false, space);
                    space = false;
                }
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            push(&mut out, std::mem::take(&mut word), false, space);
            space = false;
        }
    }
    out
}

/// A shell command on lines of at most `width` columns (the first
/// starting at column `at`): broken at spaces outside quotes, each
/// broken line ending with ` \`, continuation lines indented by
/// `indent`. A word longer than a line stays whole: a newline inside
/// quotes would change the command.
pub fn command(cmd: &str, width: usize, at: usize, indent: usize) -> String {
    // Words, keeping quoted strings whole.
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in cmd.chars() {
        match (quote, c) {
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                word.push(c);
            }
            (Some(q), _) if q == c => {
                quote = None;
                word.push(c);
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    let pad = " ".repeat(indent);
    let mut out = String::new();
    let mut column = at;
    for (i, word) in words.iter().enumerate() {
        let len = width::of(word);
        // Room for " \" unless this is the last word.
        let tail = if i + 1 < words.len() { 2 } else { 0 };
        if i > 0 && column + 1 + len + tail > width {
            out.push_str(" \\\n");
            out.push_str(&pad);
            column = indent;
        } else if i > 0 {
            out.push(' ');
            column += 1;
        }
        out.push_str(word);
        column += len;
    }
    out
}

/// A character that takes two columns (CJK).
fn is_wide(c: char) -> bool {
    width::of_char(c) > 1
}

/// Punctuation a Chinese line may not start with, and brackets it may not
/// end with (W3C, *Requirements for Chinese Text Layout* § 3.1.7).
pub const NOT_FIRST: &[char] = &[
    '，', '。', '、', '：', '；', '！', '？', '）', '”', '’', '」', '》', '…',
];
/// See [`NOT_FIRST`].
pub const NOT_LAST: &[char] = &['（', '“', '‘', '「', '《'];

/// Where to cut a line with no space in it, at or before `full`: not
/// before closing punctuation, not after an opening bracket, and not
/// inside a run of Latin letters or digits (`XEP-0114` stays whole) —
/// moving back as far as needed, but never to an empty line.
fn cjk_cut(chars: &[char], start: usize, full: usize) -> usize {
    if full >= chars.len() {
        return full;
    }
    let good = |i: usize| {
        let (before, after) = (chars[i - 1], chars[i]);
        !NOT_FIRST.contains(&after)
            && !NOT_LAST.contains(&before)
            && (is_wide(before) || is_wide(after))
    };
    (start + 1..=full).rev().find(|&i| good(i)).unwrap_or(full)
}

/// `text` cut into lines of at most `width` display columns, each after
/// the first starting with `indent` spaces (counted in the width). Breaks
/// go at a space (which is dropped) or between `>` and `<`, so XML folds
/// between attributes or between tags; a line with neither is cut where
/// it is full.
pub fn fold(text: &str, width: usize, indent: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut lines: Vec<String> = Vec::new();
    let mut start = 0;
    let mut room = width.max(1);
    loop {
        // The furthest `end` with chars[start..end] fitting in `room`.
        let mut end = start;
        let mut columns = 0;
        while end < chars.len() && columns + width::of_char(chars[end]) <= room
        {
            columns += width::of_char(chars[end]);
            end += 1;
        }
        if end == chars.len() {
            break;
        }
        // The last good break up to `end`: at a space, or between `>`
        // and `<`.
        let cut = (start + 1..=end).rev().find_map(|i| {
            if chars[i] == ' ' {
                Some((i, i + 1))
            } else if chars[i - 1] == '>' && chars[i] == '<' {
                Some((i, i))
            } else {
                None
            }
        });
        let full = end.max(start + 1);
        let (stop, next) = cut.unwrap_or_else(|| {
            let at = cjk_cut(&chars, start, full);
            (at, at)
        });
        lines.push(chars[start..stop].iter().collect());
        start = next;
        room = width.saturating_sub(indent).max(1);
    }
    lines.push(chars[start..].iter().collect());
    let pad = " ".repeat(indent);
    lines.join(&format!("\n{pad}"))
}

#[cfg(test)]
mod tests {
    use super::{command, fold, wrap, wrap_commands};

    #[test]
    fn wraps_at_width_with_indent() {
        let text = "one two three four five six";
        assert_eq!(wrap(text, 15, 2), "one two three\n  four five six");
        assert_eq!(wrap("", 10, 2), "");
        assert_eq!(
            wrap("averyveryverylongword x", 5, 0),
            "averyveryverylongword\nx"
        );
    }

    #[test]
    fn chinese_lines_never_start_with_closing_punctuation() {
        // Full after 你好 would put ， first on the next line.
        assert_eq!(fold("你好，世界", 4, 0), "你\n好，\n世界");
        // An opening bracket stays with what it opens.
        assert_eq!(fold("组件（XEP）", 7, 0), "组件\n（XEP）");
        // A Latin run inside Chinese is not cut.
        assert_eq!(fold("网关XEP-0114组件", 8, 0), "网关\nXEP-0114\n组件");
    }

    #[test]
    fn fold_cuts_long_words() {
        let lines = |text: &str| -> Vec<String> {
            fold(text, 3, 0).lines().map(str::to_owned).collect()
        };
        assert_eq!(lines("ab cdefgh i"), ["ab", "cde", "fgh", "i"]);
        assert_eq!(fold("", 3, 0), "");
    }

    #[test]
    fn commands_are_not_broken_between_words() {
        let text = "pick another port; `ss -ltnp 'sport = :7000'` shows who";
        let out = wrap_commands(text, 30, 4);
        assert!(out.contains("`ss -ltnp 'sport = :7000'`"), "{out}");
        let long = "grant it: `sudo setcap cap_net_raw=eip \
                    /a/very/long/path/to/target/release/netlab` and retry";
        let out = wrap_commands(long, 40, 0);
        assert_eq!(
            out,
            "grant it:\n  sudo setcap cap_net_raw=eip \\\n    \
             /a/very/long/path/to/target/release/netlab\nand retry"
        );
    }

    #[test]
    fn commands_in_chinese_keep_their_punctuation_and_break_between_characters()
    {
        let text = "先启动服务器（例如 `netlab socket listen 127.0.0.1:7000`），\
                    并检查地址和端口";
        let out = wrap_commands(text, 50, 4);
        // 先启动服务器（例如
        //     `netlab socket listen 127.0.0.1:7000`），并检
        //     查地址和端口
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        // The closing bracket stays with the command, and no line starts
        // with punctuation or is wider than asked.
        assert!(lines[1].contains("7000`），并"), "{out}");
        for line in &lines {
            let first = line.trim_start().chars().next().expect("a line");
            assert!(!super::NOT_FIRST.contains(&first), "{out}");
            assert!(super::width::of(line) <= 50, "{out}");
        }
        // A run of Chinese breaks between characters, not at a space.
        let out = wrap_commands(
            "在一个放弃了 CAP_X 的线程里：每个普通用户得到的",
            30,
            0,
        );
        assert!(out.lines().all(|l| super::width::of(l) <= 30), "{out}");
        assert!(
            out.starts_with("在一个放弃了 CAP_X 的线程里：\n每"),
            "{out}"
        );
    }

    #[test]
    fn commands_fold_outside_quotes() {
        let cmd = "ip netns exec netlab-a nft 'add rule inet netlab input \
                   iifname \"veth-a\" drop'";
        let out = command(cmd, 40, 2, 4);
        assert_eq!(
            out,
            "ip netns exec netlab-a nft \\\n    'add rule inet netlab input \
             iifname \"veth-a\" drop'"
        );
    }

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(fold("即时通讯技术", 4, 0), "即时\n通讯\n技术");
        assert_eq!(
            wrap("IM 即时通讯技术简介", 8, 0),
            "IM 即时\n通讯技术\n简介"
        );
        assert_eq!(wrap("a b", 10, 2), "a b");
    }
}
