//! The glossary: every term the course uses, its one-line meaning, the
//! lesson that shows it and its Chinese term.
//!
//! The data is one Markdown file per language, and each is also a chapter
//! of a book: `book/src/glossary.md` (English, the default) and
//! `book/zh/src/glossary.md` (the Chinese edition). This module embeds
//! both at build time and parses their tables, so each book and `netlab
//! glossary` read the same rows and cannot drift apart. A row looks like
//! this (the Chinese page translates only the last cell):
//!
//! ```text
//! | Term | Also | 中文 | Lesson | Meaning |
//! | stanza | stanzas, XML stanza | 节 | [3](lesson-03.md) | One complete … |
//! ```
//!
//! The `## ` heading above a table is the kind of its terms; network,
//! security and XMPP terms must carry a Chinese term (the tests check).
//! The two pages must list the same terms with the same names, aliases,
//! Chinese terms and lessons, in the same order and sections: only the
//! meanings, the headings and the prose around the tables are
//! translated, and a test below holds them to that. So a lookup by any
//! name, English or Chinese, finds the same entry in either language.
//!
//! Read next: [`super::first_use`], which checks that each lesson marks a
//! term the first time the course uses it; [`crate::show::glossary`],
//! which prints entries. Book: `book/src/glossary.md`,
//! `book/zh/src/glossary.md`. Run: `netlab glossary stanza`, `netlab
//! glossary 节 --lang zh`.

use std::sync::OnceLock;

use crate::lang::{self, Lang};

/// The English chapter, where the data lives first.
const ENGLISH: &str = include_str!("../../book/src/glossary.md");

/// The Chinese edition's chapter: the English rows with their meanings
/// translated.
const CHINESE: &str = include_str!("../../book/zh/src/glossary.md");

/// The chapter of `lang`: its path in the repository, and its text.
fn source(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Lang::En => ("book/src/glossary.md", ENGLISH),
        Lang::Zh => ("book/zh/src/glossary.md", CHINESE),
    }
}

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
    /// The heading that starts this kind's table, in the current
    /// language.
    pub fn heading(self) -> &'static str {
        self.heading_in(lang::current())
    }

    /// The heading that starts this kind's table in `lang`'s chapter.
    /// The parser knows a section by it, so a heading changed in a
    /// chapter must be changed here too (the parse error lists these).
    pub fn heading_in(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Kind::Network) => "Networks",
            (Lang::En, Kind::Security) => "Security",
            (Lang::En, Kind::Xmpp) => "XMPP and instant messaging",
            (Lang::En, Kind::System) => "The operating system",
            (Lang::En, Kind::Standards) => "Standards",
            (Lang::Zh, Kind::Network) => "网络",
            (Lang::Zh, Kind::Security) => "安全",
            (Lang::Zh, Kind::Xmpp) => "XMPP 与即时通讯",
            (Lang::Zh, Kind::System) => "操作系统",
            (Lang::Zh, Kind::Standards) => "标准",
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
    /// One sentence a beginner understands, in the chapter's language.
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
    /// The chapter: `book/src/glossary.md` or `book/zh/src/glossary.md`.
    pub file: &'static str,
    /// 1-based line in that file.
    pub line: usize,
    /// What is wrong.
    pub why: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}, line {}: {}", self.file, self.line, self.why)
    }
}

impl std::error::Error for ParseError {}

/// Every term in the current language, in the chapter's order.
pub fn terms() -> &'static [Term] {
    terms_in(lang::current())
}

/// Every term of `lang`'s chapter, in its order. An empty list if the
/// embedded chapter does not parse, which the tests rule out.
pub fn terms_in(lang: Lang) -> &'static [Term] {
    static ENGLISH_TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    static CHINESE_TERMS: OnceLock<Vec<Term>> = OnceLock::new();
    let cell = match lang {
        Lang::En => &ENGLISH_TERMS,
        Lang::Zh => &CHINESE_TERMS,
    };
    cell.get_or_init(|| {
        let (file, text) = source(lang);
        parse_in(lang, file, text).unwrap_or_default()
    })
}

/// Reads the glossary tables of an English chapter.
pub fn parse(text: &'static str) -> Result<Vec<Term>, ParseError> {
    parse_in(Lang::En, source(Lang::En).0, text)
}

/// Reads the glossary tables of a chapter in `lang`, whose sections are
/// headed as [`Kind::heading_in`] says; `file` names it in errors.
pub fn parse_in(
    lang: Lang,
    file: &'static str,
    text: &'static str,
) -> Result<Vec<Term>, ParseError> {
    let lines: Vec<&'static str> = text.lines().collect();
    let mut kind = None;
    let mut out = Vec::new();
    for (i, &line) in lines.iter().enumerate() {
        let error = |why: String| ParseError {
            file,
            line: i + 1,
            why,
        };
        if let Some(heading) = line.strip_prefix("## ") {
            kind = Some(
                Kind::ALL
                    .into_iter()
                    .find(|k| k.heading_in(lang) == heading.trim())
                    .ok_or_else(|| {
                        let known: Vec<&str> =
                            Kind::ALL.map(|k| k.heading_in(lang)).to_vec();
                        error(format!(
                            "unknown section `{heading}`; the sections are {}",
                            known.join(", ")
                        ))
                    })?,
            );
            continue;
        }
        // Rows start with `|`; the `|---|` rule and the header row just
        // above it (`| Term |…` or, in Chinese, `| 英文 |…`) are not
        // terms.
        let is_rule = |l: &str| l.starts_with("|-");
        if !line.starts_with('|')
            || is_rule(line)
            || lines.get(i + 1).is_some_and(|next| is_rule(next))
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
        let asked = self.asked.as_str();
        let text = if self.closest.is_empty() {
            crate::tr!("glossary-unknown", asked = asked)
        } else {
            let closest = self.closest.join(", ");
            crate::tr!(
                "glossary-unknown-closest",
                asked = asked,
                closest = closest
            )
        };
        f.write_str(&text)
    }
}

impl std::error::Error for Unknown {}

/// The entries, in the current language, whose name, alias or Chinese
/// term is `asked`, ignoring case and extra spaces. More than one when a
/// name is shared (`namespace`).
pub fn lookup(asked: &str) -> Result<Vec<&'static Term>, Unknown> {
    lookup_in(lang::current(), asked)
}

/// [`lookup`] in `lang`'s chapter. The names are the same in every
/// chapter, so only the meanings found differ.
pub fn lookup_in(
    lang: Lang,
    asked: &str,
) -> Result<Vec<&'static Term>, Unknown> {
    let key = normalise(asked);
    let found: Vec<&Term> = terms_in(lang)
        .iter()
        .filter(|t| {
            t.names().any(|n| names_match(n, &key))
                || t.chinese.is_some_and(|zh| chinese_match(zh, &key))
        })
        .collect();
    if found.is_empty() {
        Err(Unknown {
            asked: asked.trim().to_string(),
            closest: closest(terms_in(lang), &key),
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
fn closest(terms: &'static [Term], key: &str) -> Vec<&'static str> {
    let mut scored: Vec<(usize, &'static str)> = terms
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
        let parsed = parse(ENGLISH).unwrap_or_else(|e| panic!("{e}"));
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
        for term in terms_in(Lang::En) {
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

    /// The Chinese chapter, parsed, or the parse error as the panic.
    fn chinese() -> Vec<Term> {
        let (file, text) = source(Lang::Zh);
        parse_in(Lang::Zh, file, text).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A character of the CJK Unified Ideographs block: what a Chinese
    /// sentence cannot do without.
    fn is_han(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }

    #[test]
    fn the_chinese_chapter_has_the_english_terms_translated() {
        let (english, chinese) = (terms_in(Lang::En), chinese());
        assert_eq!(terms_in(Lang::Zh), &chinese[..]);
        let names = |terms: &[Term]| -> Vec<&str> {
            terms.iter().map(|t| t.name).collect()
        };
        // Same terms in the same order first, so a missing or extra row
        // is reported as such rather than as every row after it.
        assert_eq!(names(&chinese), names(english));
        for (en, zh) in english.iter().zip(&chinese) {
            assert_eq!(
                (&zh.aliases, zh.chinese, zh.lesson, zh.kind),
                (&en.aliases, en.chinese, en.lesson, en.kind),
                "{}: the Chinese row differs in more than its meaning",
                en.name
            );
            // One sentence that is Chinese, and short: at most two lines
            // of 80 columns, as in English.
            let meaning = zh.meaning;
            assert!(meaning.chars().any(is_han), "{}: {meaning}", en.name);
            assert!(
                meaning.ends_with('。')
                    && meaning.matches('。').count() == 1
                    && crate::show::width::of(meaning) <= 150,
                "{}: `{meaning}` is not one short sentence",
                en.name
            );
        }
    }

    #[test]
    fn each_language_finds_every_name_and_answers_in_its_own() {
        for asked in ["stanza", "XML stanza", "节"] {
            let zh = lookup_in(Lang::Zh, asked).expect(asked);
            let en = lookup_in(Lang::En, asked).expect(asked);
            assert_eq!((zh.len(), zh[0].name), (1, "stanza"), "{asked}");
            assert_eq!((en.len(), en[0].name), (1, "stanza"), "{asked}");
            assert!(zh[0].meaning.starts_with("流中"), "{asked}");
            assert!(en[0].meaning.starts_with("One complete"), "{asked}");
        }
    }

    #[test]
    fn a_chinese_chapter_is_read_by_its_own_headings() {
        let file = "book/zh/src/glossary.md";
        let page = "## 网络\n\n| 英文 | 又称 | 中文 | 课 | 释义 |\n|---|\n\
                    | a | | 甲 | [3](lesson-03.md) | 甲。 |\n";
        let terms = parse_in(Lang::Zh, file, page).expect("one row");
        assert_eq!((terms.len(), terms[0].kind), (1, Kind::Network));
        let err = parse_in(Lang::Zh, file, "## Networks\n").expect_err("en");
        assert!(err.to_string().starts_with(file), "{err}");
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
