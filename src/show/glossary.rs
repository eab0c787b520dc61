//! `netlab glossary`: one entry, or all of them grouped by kind, in 80
//! columns, in the course's language.
//!
//! An entry (wrapped narrower here than on a terminal):
//!
//! ```text
//! stanza · 节 · lesson 3
//!     also: stanzas, XML stanza
//!     One complete XMPP message inside the stream: a `<message/>`,
//!     `<presence/>` or `<iq/>` element.
//! ```
//!
//! In Chinese (`--lang zh`) the Chinese term comes first, since it is
//! the one the reader knows, and the English name follows so they can
//! match it to what the wire and the RFCs say; the meanings and headings
//! come from the Chinese chapter, the labels from the message catalogue
//! (`locales/*/glossary.ftl`):
//!
//! ```text
//! 节 · stanza · 第 3 课
//!     又称：stanzas, XML stanza
//!     流中一条完整的 XMPP 消息：一个 `<message/>`、`<presence/>` 或
//!     `<iq/>` 元素。
//! ```
//!
//! Read before: [`crate::course::glossary`], which holds the data. Run:
//! `netlab glossary stanza`, `netlab glossary 节 --lang zh`.

use super::{style, width, wrap_commands};
use crate::course::glossary::{self, Term, Unknown};
use crate::lang::{self, Lang};

/// How far a meaning is indented under its term.
const INDENT: usize = 4;

/// What `netlab glossary ASKED` prints: every entry when `asked` is
/// empty, else the entries it names, else an error with the closest names.
pub fn answer(asked: &str) -> Result<String, Unknown> {
    if asked.trim().is_empty() {
        return Ok(all(glossary::terms()));
    }
    let found = glossary::lookup(asked)?;
    Ok(found.into_iter().map(entry).collect::<Vec<_>>().join("\n"))
}

/// One entry: its head line, its other names, its meaning wrapped.
pub fn entry(term: &Term) -> String {
    let lesson = crate::tr!("glossary-lesson", number = term.lesson);
    let head = match (lang::current(), term.chinese) {
        (Lang::Zh, Some(chinese)) if names_itself(chinese, term.name) => {
            // `传输控制协议 TCP`, not `传输控制协议 TCP · TCP`.
            format!("{} · {lesson}", style::heading(chinese))
        }
        (Lang::Zh, Some(chinese)) => {
            format!("{} · {} · {lesson}", style::heading(chinese), term.name)
        }
        (_, Some(chinese)) => {
            format!("{} · {chinese} · {lesson}", style::heading(term.name))
        }
        (_, None) => format!("{} · {lesson}", style::heading(term.name)),
    };
    let mut out = format!("{head}\n");
    if !term.aliases.is_empty() {
        let also = crate::tr!("glossary-also", names = term.aliases.join(", "));
        out.push_str(&style::dim(&indented(&also)).to_string());
    }
    out.push_str(&indented(term.meaning));
    out
}

/// Whether the Chinese term already holds the English name as a word,
/// as `传输控制协议 TCP` holds `TCP` and `IPv4` is `IPv4`.
fn names_itself(chinese: &str, name: &str) -> bool {
    chinese
        .split(|c: char| !(c.is_ascii_alphanumeric() || "-_./".contains(c)))
        .any(|word| word.eq_ignore_ascii_case(name))
}

/// `text` wrapped to fit the terminal after an indent of [`INDENT`]:
/// Chinese breaks between characters, never before closing punctuation,
/// and a quoted `<message/>` is never split.
fn indented(text: &str) -> String {
    let pad = " ".repeat(INDENT);
    format!("{pad}{}\n", wrap_commands(text, width::current(), INDENT))
}

/// Every entry, under a heading per kind, in the glossary's order (the
/// course's order, the same in every language).
pub fn all(terms: &[Term]) -> String {
    let mut out = String::new();
    let mut kind = None;
    for term in terms {
        if kind != Some(term.kind) {
            kind = Some(term.kind);
            let heading = term.kind.heading();
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!(
                "{}\n{}\n",
                style::heading(heading),
                // As wide as the heading: a Chinese character takes two
                // columns.
                "─".repeat(width::of(heading))
            ));
        }
        out.push_str(&entry(term));
    }
    let count = crate::tr!("glossary-count", count = terms.len());
    out.push_str(&format!(
        "\n{}\n",
        wrap_commands(&count, width::current(), 0)
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::glossary::{terms, terms_in};
    use crate::show::width::of as columns;

    #[test]
    fn the_whole_glossary_fits_80_columns() {
        colored::control::set_override(false);
        // The Chinese meanings too. The labels stay English here (the
        // tests do not switch the process's language; tests/lang.rs runs
        // `netlab glossary --lang zh` whole), but the meanings are what
        // wraps.
        for lang in [Lang::En, Lang::Zh] {
            let text = all(terms_in(lang));
            for line in text.lines() {
                assert!(
                    columns(line) <= crate::show::width::DESIGN,
                    "{} columns: {line}",
                    columns(line)
                );
            }
        }
        assert!(all(terms()).contains("\nXMPP and instant messaging\n"));
    }

    #[test]
    fn a_chinese_term_that_holds_the_english_name_stands_alone() {
        assert!(names_itself("传输控制协议 TCP", "TCP"));
        assert!(names_itself("JID（Jabber 标识）", "JID"));
        assert!(names_itself("Base64 编码", "base64"));
        assert!(!names_itself("时间等待 TIME-WAIT", "TIME_WAIT"));
        assert!(!names_itself("纯 JID", "bare JID"));
        assert!(!names_itself("节", "stanza"));
    }

    #[test]
    fn answers_a_term_all_terms_or_an_error() {
        colored::control::set_override(false);
        let one = answer("Jabber ID").expect("an alias");
        assert!(one.starts_with("JID · "), "{one}");
        assert_eq!(answer("namespace").expect("two").matches(" · ").count(), 4);
        assert!(answer("").expect("all").contains(" terms. "));
        assert!(answer("sokcet").is_err());
    }

    #[test]
    fn an_entry_shows_chinese_lesson_aliases_and_meaning() {
        colored::control::set_override(false);
        let stanza = terms()
            .iter()
            .find(|t| t.name == "stanza")
            .expect("stanza is in the glossary");
        let text = entry(stanza);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "stanza · 节 · lesson 3");
        assert!(lines[1].starts_with("    also: stanzas"), "{text}");
        assert!(lines[2].starts_with("    One complete"), "{text}");
    }
}
