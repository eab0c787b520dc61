//! `netlab glossary`: one entry, or all of them grouped by kind, in 80
//! columns.
//!
//! ```text
//! stanza · 节 · lesson 3
//!     also: stanzas, XML stanza
//!     One complete XMPP message inside the stream: a <message>, <presence>
//!     or <iq> element.
//! ```
//!
//! Read before: [`crate::course::glossary`], which holds the data. Run:
//! `netlab glossary stanza`, `netlab glossary`.

use super::{style, wrap};
use crate::course::glossary::{self, Term, Unknown};

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
    let mut head = style::heading(term.name).to_string();
    if let Some(chinese) = term.chinese {
        head.push_str(&format!(" · {chinese}"));
    }
    head.push_str(&format!(" · lesson {}", term.lesson));
    let mut out = format!("{head}\n");
    if !term.aliases.is_empty() {
        let also = format!("also: {}", term.aliases.join(", "));
        out.push_str(&style::dim(&indented(&also)).to_string());
    }
    out.push_str(&indented(term.meaning));
    out
}

/// `text` wrapped to fit 80 columns after an indent of [`INDENT`].
fn indented(text: &str) -> String {
    let pad = " ".repeat(INDENT);
    wrap(text, super::width::current() - INDENT, 0)
        .lines()
        .map(|line| format!("{pad}{line}\n"))
        .collect()
}

/// Every entry, under a heading per kind, in the glossary's order.
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
                "─".repeat(heading.chars().count())
            ));
        }
        out.push_str(&entry(term));
    }
    out.push_str(&format!(
        "\n{} terms. `netlab glossary TERM` shows one; `netlab lesson N` \
         shows it live.\n",
        terms.len()
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::glossary::terms;
    use crate::show::width::of as columns;

    #[test]
    fn the_whole_glossary_fits_80_columns() {
        colored::control::set_override(false);
        let text = all(terms());
        for line in text.lines() {
            assert!(
                columns(line) <= crate::show::width::DESIGN,
                "{} columns: {line}",
                columns(line)
            );
        }
        assert!(text.contains("\nXMPP and instant messaging\n"));
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
