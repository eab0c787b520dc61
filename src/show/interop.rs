//! Lesson 2's output: bob's hand-typed XML and the server's answers, byte
//! for byte, each under the speaker's name; alice's side in one line.
//!
//! What arrived in one `read()` is shown one top-level piece per line
//! ([`split_top_level`]), without changing a byte, and folded between
//! attributes so that it fits 80 columns.
//!
//! Read before: [`crate::course::interop`], which produces the values.
//! Book: `book/src/lesson-02.md`. Run: `netlab lesson 2`.

use crate::course::interop::{AliceIn, Auth, Closed, Early, Opened, Talk};
use crate::course::typist::Exchange;
use crate::course::xmpp_stage::PASSWORD;
use crate::show::conversation::trace_line;
use crate::show::width::current as columns;
use crate::show::{fold, style, wrap};
use crate::units::duration;

/// Bob's label, as wide as `server`.
const BOB: &str = "bob   ";

/// The label of the socket that skips the login.
const CAROL: &str = "carol ";

/// The `client` step.
pub fn client(a: &AliceIn) -> String {
    format!(
        "{} {}\n{} {}\n",
        style::server("server"),
        crate::tr!("interop-listening", addr = a.server.to_string()),
        style::client("alice "),
        wrap(
            &crate::tr!(
                "interop-alice-in",
                mechanism = a.mechanism.to_string(),
                jid = a.jid.to_string()
            ),
            columns() - 7,
            7
        )
    )
}

/// The `open` step.
pub fn open(o: &Opened) -> String {
    format!(
        "{} {}\n       {}\n{}",
        style::client(BOB),
        crate::tr!(
            "interop-connect",
            server = o.server.to_string(),
            local = o.local.to_string()
        ),
        crate::tr!("interop-plain-socket"),
        exchange(&o.exchange)
    )
}

/// The `auth` step.
pub fn auth(a: &Auth) -> String {
    // RFC 4616 § 2: [authorization id] NUL user NUL password.
    format!(
        "{} base64( NUL \"{}\" NUL \"{PASSWORD}\" ) = {}\n       {}\n{}",
        style::client(BOB),
        a.user,
        a.initial,
        crate::tr!("interop-plain-layout"),
        exchange(&a.exchange)
    )
}

/// The `message` step.
pub fn message(t: &Talk) -> String {
    let mut out = typed(BOB, &t.typed);
    out.push_str(&format!(
        "{} {}\n{}\n",
        style::client("alice "),
        crate::tr!("interop-received", took = duration(t.took)),
        indent(&t.parsed.to_xml())
    ));
    out.push_str(&format!(
        "{} {}\n",
        style::client("alice "),
        crate::tr!("interop-answers")
    ));
    out.push_str(&received(&t.answer));
    out.push_str(&format!("\n{}\n", crate::tr!("interop-trace")));
    for line in &t.trace {
        let who = line
            .jid
            .as_deref()
            .map_or("?", crate::course::conversation::user_of);
        out.push_str(&trace_line(who, line, None));
        out.push('\n');
    }
    out
}

/// The `close` step.
pub fn close(c: &Closed) -> String {
    exchange(&c.exchange)
        + &last_read(BOB, c.read_after, &crate::tr!("interop-closed-too"))
}

/// The `read()` after the server's last word: 0 means it closed.
fn last_read(who: &str, n: usize, closed: &str) -> String {
    let more;
    let what = if n == 0 {
        closed
    } else {
        more = crate::tr!("interop-more-bytes");
        &more
    };
    format!("{} read() = {n}: {what}\n", style::client(who))
}

/// The `early` step.
pub fn early(e: &Early) -> String {
    let mut out = format!(
        "{} {}\n       {}\n",
        style::client(CAROL),
        crate::tr!("interop-third-socket"),
        wrap(
            &crate::tr!(
                "interop-carol-opened",
                local = e.local.to_string(),
                typed = e.opened.typed.len(),
                read = e.opened.answer.len()
            ),
            columns() - 7,
            7
        )
    );
    out.push_str(&typed(CAROL, &e.refused.typed));
    out.push_str(&received(&e.refused.answer));
    out.push_str(&last_read(
        CAROL,
        e.read_after,
        &crate::tr!("interop-closed"),
    ));
    out
}

/// One of bob's exchanges: what he typed, what came back.
pub fn exchange(e: &Exchange) -> String {
    format!("{}{}", typed(BOB, &e.typed), received(&e.answer))
}

/// What `who` typed, with its size.
fn typed(who: &str, xml: &str) -> String {
    format!(
        "{} {}\n{}\n",
        style::client(who),
        crate::tr!("interop-typed", bytes = xml.len()),
        indent(xml)
    )
}

/// What the server sent, with its size; one line per top-level piece.
fn received(answer: &str) -> String {
    format!(
        "{} {}\n{}\n",
        style::server("server"),
        crate::tr!("interop-sent", bytes = answer.len()),
        split_top_level(answer)
            .iter()
            .map(|piece| indent(piece))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

/// `text` under the speaker's name, folded between attributes or tags
/// so it fits, continuation lines two columns further in. The bytes are
/// all shown: this lesson is about what was typed.
fn indent(text: &str) -> String {
    let folded = fold(text, columns() - 7, 2).replace('\n', "\n       ");
    format!("       {folded}")
}

// ANCHOR: split
/// Splits XML that arrived in one read into its top-level pieces, without
/// changing a byte: `<?xml …?>` and the stream header stay together, each
/// element is one piece, and `</stream:stream>` is one. Only for showing:
/// the parser (`StreamParser`) is what reads the stream.
pub fn split_top_level(xml: &str) -> Vec<&str> {
    // Walk from tag to tag, counting depth: an opening tag goes one level
    // down, a closing tag one up, an empty tag (`<x/>`) neither. A piece
    // ends where the depth is back to 0. The stream header is the
    // exception: it opens the document and stays open, so it is a piece
    // of its own.
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    let mut rest = xml;
    let mut offset = 0;
    while let Some(lt) = rest.find('<') {
        let tag_start = offset + lt;
        let Some(gt) = tag_end(&xml[tag_start..]) else {
            break;
        };
        let tag = &xml[tag_start..tag_start + gt + 1];
        let after = tag_start + gt + 1;
        if tag.starts_with("<?") {
            // The declaration belongs with the header after it.
        } else if tag.starts_with("<stream:stream") {
            pieces.push(&xml[start..after]);
            start = after;
        } else if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                pieces.push(&xml[start..after]);
                start = after;
            }
        } else if tag.ends_with("/>") {
            if depth == 0 {
                pieces.push(&xml[start..after]);
                start = after;
            }
        } else {
            depth += 1;
        }
        offset = after;
        rest = &xml[after..];
    }
    if start < xml.len() {
        pieces.push(&xml[start..]);
    }
    pieces
}

/// Where the tag starting at `tag[0] == '<'` ends: the `>` outside quotes.
fn tag_end(tag: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in tag.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(i),
            _ => {}
        }
    }
    None
}
// ANCHOR_END: split

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_without_losing_a_byte() {
        let xml = "<?xml version='1.0'?><stream:stream id='a>b' \
                   version='1.0'><stream:features><bind/></stream:features>\
                   <success xmlns='x'/></stream:stream>";
        let pieces = split_top_level(xml);
        assert_eq!(
            pieces,
            vec![
                "<?xml version='1.0'?><stream:stream id='a>b' version='1.0'>",
                "<stream:features><bind/></stream:features>",
                "<success xmlns='x'/>",
                "</stream:stream>",
            ]
        );
        assert_eq!(pieces.concat(), xml);
    }

    #[test]
    fn an_unfinished_piece_is_kept_whole() {
        assert_eq!(split_top_level("<a><b/>"), vec!["<a><b/>"]);
        assert_eq!(split_top_level("<a x='>"), vec!["<a x='>"]);
        assert!(split_top_level("").is_empty());
    }
}
