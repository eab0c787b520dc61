//! The glossary: every term the course uses, its one-line meaning, the
//! lesson that shows it and its Chinese term.
//!
//! The data is one Markdown file, `book/src/glossary.md`, which is also
//! the book's Glossary chapter: this module embeds it at build time and
//! parses its tables, so the chapter and `netlab glossary` read the same
//! rows and cannot drift apart. A row looks like this:
//!
//! ```text
//! | Term | Also | 中文 | Lesson | Meaning |
//! | stanza | stanzas, XML stanza | 节 | [3](lesson-03.md) | One complete … |
//! ```
//!
//! The `## ` heading above a table is the kind of its terms; network,
//! security and XMPP terms must carry a Chinese term (the tests check).
//!
//! Read next: [`super::first_use`], which checks that each lesson marks a
//! term the first time the course uses it; [`crate::show::glossary`],
//! which prints entries. Book: `book/src/glossary.md`. Run: `netlab
//! glossary stanza`.

use std::sync::OnceLock;

/// The chapter the data lives in.
const SOURCE: &str = include_str!("../../book/src/glossary.md");

/// Which part of the glossary a term is in: the `## ` heading above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Packets, addresses, layers, TCP and UDP.
    Network,
    /// TLS, SASL and what they rest on.
    Security,
    /// XMPP and instant messaging.
    Xmpp,
    /// The kernel and its interfaces.
    System,
    /// Standards bodies and their documents.
    Standards,
}

impl Kind {
    /// The heading that starts this kind's table in the chapter.
    pub fn heading(self) -> &'static str {
        match self {
            Kind::Network => "Networks",
            Kind::Security => "Security",
            Kind::Xmpp => "XMPP and instant messaging",
            Kind::System => "The operating system",
            Kind::Standards => "Standards",
        }
    }

    /// Whether terms of this kind must have a Chinese term.
    pub fn needs_chinese(self) -> bool {
        matches!(self, Kind::Network | Kind::Security | Kind::Xmpp)
    }

    const ALL: [Kind; 5] = [
        Kind::Network,
        Kind::Security,
        Kind::Xmpp,
        Kind::System,
        Kind::Standards,
    ];
}

/// One glossary entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// The term as the course writes it: `stanza`, `TCP`.
    pub name: &'static str,
    /// Other spellings and plurals: `JIDs`, `Jabber ID`.
    pub aliases: Vec<&'static str>,
    /// The mainland Chinese term, if given.
    pub chinese: Option<&'static str>,
    /// The lesson that shows it.
    pub lesson: u8,
    /// One sentence a beginner understands.
    pub meaning: &'static str,
    /// Its part of the glossary.
    pub kind: Kind,
}

impl Term {
    /// The name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }
}

/// Why the chapter could not be read as a glossary.
#[derive(Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line in `book/src/glossary.md`.
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "book/src/glossary.md, line {}: {}", self.line, self.why)
    }
}

impl std::error::Error for ParseError {}

/// Every term, in the chapter's order. An empty list if the embedded
/// chapter does not parse, which the tests rule out.
pub fn terms() -> &'static [Term] {
    static TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    TERMS.get_or_init(|| parse(SOURCE).unwrap_or_default())
}

/// Reads the glossary tables of a chapter.
pub fn parse(text: &'static str) -> Result<Vec<Term>, ParseError> {
    let mut kind = None;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let error = |why: String| ParseError { line: i + 1, why };
        if let Some(heading) = line.strip_prefix("## ") {
            kind = Some(
                Kind::ALL
                    .into_iter()
                    .find(|k| k.heading() == heading.trim())
                    .ok_or_else(|| {
                        error(format!("unknown section `{heading}`"))
                    })?,
            );
            continue;
        }
        // Rows start with `|`; the header row and the `|---|` rule are
        // not terms.
        if !line.starts_with('|')
            || line.starts_with("|-")
            || line.starts_with("| Term ")
        {
            continue;
        }
        let kind = kind.ok_or_else(|| {
            error("a table row before the first `## ` section".into())
        })?;
        let cells: Vec<&'static str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        let [name, also, chinese, lesson, meaning] = cells[..] else {
            return Err(error(format!(
                "{} cells, expected 5 (Term, Also, 中文, Lesson, Meaning)",
                cells.len()
            )));
        };
        if name.is_empty() || meaning.is_empty() {
            return Err(error("a row without a term or a meaning".into()));
        }
        out.push(Term {
            name,
            aliases: also
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect(),
            chinese: (!chinese.is_empty()).then_some(chinese),
            lesson: lesson_number(lesson).ok_or_else(|| {
                error(format!(
                    "lesson `{lesson}` is not a link like [3](lesson-03.md)"
                ))
            })?,
            meaning,
            kind,
        });
    }
    Ok(out)
}

/// `[3](lesson-03.md)` → 3, if the text and the link agree.
fn lesson_number(cell: &str) -> Option<u8> {
    let (text, link) = cell.strip_prefix('[')?.split_once("](")?;
    let number: u8 = text.parse().ok()?;
    (link == format!("lesson-{number:02}.md)")).then_some(number)
}

/// A lookup that found nothing.
#[derive(Debug, PartialEq, Eq)]
pub struct Unknown {
    /// What was asked for.
    pub asked: String,
    /// The nearest names, best first (at most three).
    pub closest: Vec<&'static str>,
}

impl std::fmt::Display for Unknown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not in the glossary", self.asked)?;
        if self.closest.is_empty() {
            write!(f, "; `netlab glossary` lists every term")
        } else {
            write!(f, "; did you mean {}?", self.closest.join(", "))
        }
    }
}

impl std::error::Error for Unknown {}

/// The entries whose name or alias is `asked`, ignoring case and extra
/// spaces. More than one when a name is shared (`namespace`).
pub fn lookup(asked: &str) -> Result<Vec<&'static Term>, Unknown> {
    let key = normalise(asked);
    let found: Vec<&Term> = terms()
        .iter()
        .filter(|t| {
            t.names().any(|n| names_match(n, &key))
                || t.chinese.is_some_and(|zh| chinese_match(zh, &key))
        })
        .collect();
    if found.is_empty() {
        Err(Unknown {
            asked: asked.trim().to_string(),
            closest: closest(&key),
        })
    } else {
        Ok(found)
    }
}

/// `套接字` finds socket; `IP 地址` and `IP地址` find IP address: the
/// Chinese column may hold a term with its abbreviation (`传输控制协议 TCP`)
/// or two terms (`接收队列/发送队列`), so each part counts, spaces aside.
fn chinese_match(chinese: &str, key: &str) -> bool {
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    let key = squeeze(key);
    !key.is_empty()
        && (squeeze(chinese).to_lowercase() == key
            || chinese
                .split(['/', '（', '）', '、'])
                .flat_map(|part| {
                    let whole = squeeze(part);
                    part.split_whitespace()
                        .map(str::to_owned)
                        .chain(std::iter::once(whole))
                        .collect::<Vec<_>>()
                })
                // A Latin part alone ("JID" in "纯 JID") is the English
                // name's business, not the Chinese column's.
                .any(|part| !part.is_ascii() && part.to_lowercase() == key))
}

/// Lower case, runs of spaces as one.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `namespace (XML)` answers to `namespace (xml)` and to `namespace`.
fn names_match(name: &str, key: &str) -> bool {
    let name = normalise(name);
    name == key || name.split_once(" (").is_some_and(|(bare, _)| bare == key)
}

/// The names nearest to `key` by edit distance, for "did you mean".
fn closest(key: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = terms()
        .iter()
        .map(|t| {
            let best = t
                .names()
                .map(|n| distance(&normalise(n), key))
                .min()
                .unwrap_or(usize::MAX);
            (best, t.name)
        })
        .collect();
    scored.sort();
    // A third of the word may be wrong: `sokcet` → socket, not `hub`.
    let limit = (key.chars().count() / 3).max(1);
    scored
        .into_iter()
        .filter(|&(d, _)| d <= limit)
        .map(|(_, name)| name)
        .take(3)
        .collect()
}

/// Levenshtein distance: the fewest one-character insertions, deletions
/// and substitutions that turn `a` into `b`.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_terms_find_their_entry() {
        let name = |asked: &str| {
            lookup(asked).map(|found| found[0].name).unwrap_or("none")
        };
        assert_eq!(name("套接字"), "socket");
        assert_eq!(name("流管理"), "stream management");
        assert_eq!(name("节"), "stanza");
        assert_eq!(name("IP 地址"), "IP address");
        assert_eq!(name("IP地址"), "IP address");
    }
    use crate::course::registry::LESSONS;

    #[test]
    fn the_chapter_parses_into_at_least_sixty_terms() {
        let parsed = parse(SOURCE).unwrap_or_else(|e| panic!("{e}"));
        assert!(parsed.len() >= 60, "{} terms", parsed.len());
        assert_eq!(terms().len(), parsed.len());
    }

    #[test]
    fn no_name_or_alias_is_given_twice() {
        let mut seen = std::collections::HashMap::new();
        for term in terms() {
            for name in term.names() {
                if let Some(other) = seen.insert(normalise(name), term.name) {
                    panic!("`{name}` is in both `{other}` and `{}`", term.name);
                }
            }
        }
    }

    #[test]
    fn every_term_has_a_meaning_and_a_built_lesson() {
        for term in terms() {
            let lesson = LESSONS
                .iter()
                .find(|l| l.number == term.lesson)
                .unwrap_or_else(|| panic!("{}: no lesson", term.name));
            assert!(lesson.is_built(), "{}: lesson not built", term.name);
            // One sentence: at most two lines of 80 columns.
            assert!(
                term.meaning.ends_with('.') && term.meaning.len() <= 150,
                "{}: meaning is not one short sentence",
                term.name
            );
        }
    }

    #[test]
    fn network_security_and_xmpp_terms_have_a_chinese_term() {
        for term in terms().iter().filter(|t| t.kind.needs_chinese()) {
            assert!(term.chinese.is_some(), "{} has no 中文", term.name);
        }
    }

    #[test]
    fn lookup_ignores_case_and_accepts_aliases() {
        for asked in ["jid", "JID", "Jabber ID", "  jabber   id ", "JIDs"] {
            let found = lookup(asked).expect(asked);
            assert_eq!(found.len(), 1, "{asked}");
            assert_eq!(found[0].name, "JID");
        }
        let namespaces = lookup("namespace").expect("two namespaces");
        assert_eq!(namespaces.len(), 2);
        assert_eq!(lookup("Namespace (XML)").expect("xml").len(), 1);
    }

    #[test]
    fn an_unknown_term_gets_the_closest_names() {
        let err = lookup("sokcet").expect_err("misspelt");
        assert_eq!(err.closest.first(), Some(&"socket"));
        assert!(err.to_string().contains("did you mean socket"), "{err}");
        let err = lookup("quantum entanglement").expect_err("absent");
        assert!(err.closest.is_empty());
        assert!(err.to_string().contains("netlab glossary"), "{err}");
    }

    #[test]
    fn malformed_rows_are_reported_with_their_line() {
        let err = parse("## Networks\n| a | b |\n").expect_err("2 cells");
        assert_eq!(err.line, 2);
        let err = parse("## Networks\n| a | | | 3 | x. |\n").expect_err("link");
        assert!(err.why.contains("lesson-03.md"), "{err}");
        let err = parse("## Other\n").expect_err("section");
        assert!(err.why.contains("Other"), "{err}");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("socket", "socket"), 0);
        assert_eq!(distance("sokcet", "socket"), 2);
        assert_eq!(distance("", "abc"), 3);
    }
}
