//! Terms before use: a check that the course defines each glossary term
//! the first time it uses it.
//!
//! The rule is mechanical, so a test can hold every lesson to it. Walk the
//! lessons in order; for each term of [`super::glossary`] find its first
//! occurrence in the narration (its name or any alias, a plural `s`
//! allowed). That occurrence must be *marked*: written in emphasis,
//! `*stanza*` or `**stanza**`, which is where the lesson defines it in one
//! line (or says "see the glossary"). An unmarked first use is a term the
//! reader meets before anyone told them what it means.
//!
//! What is not narration is skipped: headings (the paragraph under a
//! heading defines what the heading names), the article's words quoted in
//! `>` blocks, fenced code (program output and commands), `<!-- … -->`
//! markers, code spans (`<presence/>`, `bind()`, a file name: what the
//! program or the wire says, which the prose around it explains), and
//! the "Further reading" list at the end. Names shared by two terms
//! (`namespace`) are ambiguous and left to their longer aliases (`XML
//! namespace`, `network namespace`).
//!
//! Matching: a name that starts with a lower-case letter also matches
//! capitalised (`Socket` at a sentence start); any other name matches only
//! as written (`IP`, not `ip` in a command).
//!
//! Read before: [`super::glossary`]. Book: `book/src/glossary.md`.

use super::glossary::Term;

/// The first time the course uses a term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstUse {
    /// The glossary term.
    pub term: &'static str,
    /// The name or alias found.
    pub form: String,
    /// Where: the lesson …
    pub lesson: u8,
    /// … and the 1-based line of its narration file.
    pub line: usize,
    /// Whether it is written in emphasis, i.e. defined there.
    pub marked: bool,
}

impl std::fmt::Display for FirstUse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "lesson {}, line {}: `{}` (glossary: {}) is used before it is \
             defined; define it there as *{}*, or earlier",
            self.lesson, self.line, self.form, self.term, self.form
        )
    }
}

/// The first use of every term that the lessons use at all, in glossary
/// order. `lessons` are (number, narration) in course order.
pub fn first_uses(lessons: &[(u8, &str)], terms: &[Term]) -> Vec<FirstUse> {
    let prose: Vec<(u8, Prose)> = lessons
        .iter()
        .map(|&(n, text)| (n, Prose::of(text)))
        .collect();
    let mut out = Vec::new();
    for term in terms {
        let forms: Vec<&str> = forms(term)
            .filter(|f| {
                // Shared by another term: ambiguous, not checked.
                !terms
                    .iter()
                    .filter(|t| t.name != term.name)
                    .any(|t| forms(t).any(|g| g == *f))
            })
            .collect();
        'lessons: for (number, prose) in &prose {
            let earliest = forms
                .iter()
                .filter_map(|form| {
                    prose.find(form).map(|(at, marked)| (at, marked, form))
                })
                // At one place, the longest name: `*MAC addresses*`
                // is a use of `MAC addresses`, not of `MAC`.
                .min_by_key(|&(at, _, form)| {
                    (at, std::cmp::Reverse(form.len()))
                });
            if let Some((at, marked, form)) = earliest {
                out.push(FirstUse {
                    term: term.name,
                    form: (*form).to_string(),
                    lesson: *number,
                    line: prose.line_of(at),
                    marked,
                });
                break 'lessons;
            }
        }
    }
    out
}

/// The names a term is searched by: `namespace (XML)` → `namespace`.
fn forms(term: &Term) -> impl Iterator<Item = &'static str> + '_ {
    term.names()
        .map(|n| n.split_once(" (").map_or(n, |(bare, _)| bare))
}

/// A lesson's narration with everything but prose blanked, as one line of
/// text (a term may be split across a line break), and where each source
/// line starts in it.
struct Prose {
    text: String,
    starts: Vec<(usize, usize)>,
}

impl Prose {
    fn of(narration: &str) -> Prose {
        let mut text = String::new();
        let mut starts = Vec::new();
        let mut in_code = false;
        for (i, line) in narration.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("## Further reading") {
                break;
            }
            if trimmed.starts_with("```") {
                in_code = !in_code;
                continue;
            }
            if in_code
                || trimmed.starts_with('#')
                || trimmed.starts_with('>')
                || trimmed.starts_with("<!--")
            {
                continue;
            }
            starts.push((text.len(), i + 1));
            text.push_str(&without_code_spans(line));
            text.push(' ');
        }
        Prose { text, starts }
    }

    /// The first place `form` occurs as a word, and whether it is
    /// emphasised there.
    fn find(&self, form: &str) -> Option<(usize, bool)> {
        let text = self.text.as_bytes();
        let needle = form.as_bytes();
        let folds = form.starts_with(|c: char| c.is_ascii_lowercase());
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        (0..text.len().saturating_sub(needle.len() - 1)).find_map(|at| {
            let candidate = &text[at..at + needle.len()];
            let same = candidate[1..] == needle[1..]
                && (candidate[0] == needle[0]
                    || folds && candidate[0].to_ascii_lowercase() == needle[0]);
            if !same || (at > 0 && is_word(text[at - 1])) {
                return None;
            }
            let mut end = at + needle.len();
            if text.get(end) == Some(&b's') {
                end += 1;
            }
            if text.get(end).is_some_and(|&b| is_word(b)) {
                return None;
            }
            let marked =
                at > 0 && text[at - 1] == b'*' && text.get(end) == Some(&b'*');
            Some((at, marked))
        })
    }

    fn line_of(&self, at: usize) -> usize {
        let i = self.starts.partition_point(|&(start, _)| start <= at);
        self.starts
            .get(i.saturating_sub(1))
            .map_or(0, |&(_, line)| line)
    }
}

/// Code spans blanked to spaces (of the same length, so positions still
/// point into the line).
fn without_code_spans(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail[1..].find('`') else {
            break;
        };
        out.push_str(&" ".repeat(end + 2));
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::glossary::{self, Kind};
    use crate::course::registry::LESSONS;

    fn term(name: &'static str, aliases: &[&'static str]) -> Term {
        Term {
            name,
            aliases: aliases.to_vec(),
            chinese: None,
            lesson: 1,
            meaning: "x.",
            kind: Kind::Network,
        }
    }

    #[test]
    fn the_first_use_must_be_the_marked_definition() {
        let terms = [term("stanza", &["XML stanza"]), term("IP", &[])];
        let lessons = [
            (1, "# Lesson 1 · stanza\n\nA *stanza* is one message.\n"),
            (
                2,
                "Stanzas again.\n```\nIP\n```\nthe ip command, then IP.\n",
            ),
        ];
        let found = first_uses(&lessons, &terms);
        assert_eq!(found.len(), 2);
        assert!(found[0].marked && found[0].line == 3, "{:?}", found[0]);
        assert_eq!((found[1].lesson, found[1].line), (2, 5));
        assert!(!found[1].marked);
    }

    #[test]
    fn words_inside_words_and_xml_do_not_count() {
        let terms = [term("port", &[]), term("presence", &[])];
        let text = "A transport and a report. `<presence/>` then\n\
                    > port in a quote\n**Presence**, then ports.\n";
        let found = first_uses(&[(1, text)], &terms);
        assert_eq!(found[0].line, 3, "{:?}", found[0]);
        assert!(!found[0].marked, "ports is the first use of port");
        assert!(found[1].marked, "{:?}", found[1]);
    }

    #[test]
    fn a_term_split_across_lines_is_found() {
        let terms = [term("resource binding", &[])];
        let found = first_uses(&[(1, "then *resource\nbinding*\n")], &terms);
        assert_eq!(found.len(), 1);
        assert!(found[0].marked, "{:?}", found[0]);
    }

    #[test]
    fn further_reading_is_not_narration() {
        let terms = [term("XEP", &[])];
        let text = "Body.\n\n## Further reading\n\n- XEP-0203\n";
        assert!(first_uses(&[(1, text)], &terms).is_empty());
    }

    #[test]
    fn every_term_is_defined_where_the_course_first_uses_it() {
        let lessons: Vec<(u8, &str)> = LESSONS
            .iter()
            .filter_map(|l| l.narration.map(|n| (l.number, n)))
            .collect();
        let undefined: Vec<String> = first_uses(&lessons, glossary::terms())
            .into_iter()
            .filter(|u| !u.marked)
            .map(|u| u.to_string())
            .collect();
        assert!(
            undefined.is_empty(),
            "{} terms used before they are defined:\n{}",
            undefined.len(),
            undefined.join("\n")
        );
    }
}
