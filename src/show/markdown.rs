//! Lesson narration, written in Markdown, rendered for a terminal.
//!
//! The same `lessons/NN-slug.md` file is included by the book (where mdBook
//! renders it as HTML) and printed by `netlab lesson N`. This is a small
//! renderer for the subset the lessons use: `#` headings, `>` quotes,
//! lists, fenced code, `**bold**` and `` `code` ``. Everything else is
//! printed as written, which is also readable.

use colored::Colorize;

use super::{style, width};

/// Renders a block of Markdown for the terminal, at the width in use
/// ([`width::current`]).
pub fn render(text: &str) -> String {
    render_at(text, width::current())
}

/// Renders a block of Markdown for a terminal `columns` wide.
///
/// Paragraphs, list items and quotes are read whole and then wrapped, as
/// mdBook does: a line break in the source is a space, so a `` `code` ``
/// span or `*emphasis*` that crosses one renders like any other. A code
/// span is never broken (it is often a command to copy): one longer than
/// the line goes on a line of its own. Fenced code is printed as written.
pub fn render_at(text: &str, columns: usize) -> String {
    let mut out = String::new();
    let mut block: Option<Block> = None;
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            flush(&mut block, columns, &mut out);
            in_code = !in_code;
            continue;
        }
        if in_code {
            out.push_str(&format!("    {}\n", style::code(line)));
            continue;
        }
        let heading = [("# ", '═'), ("## ", '─'), ("### ", ' ')]
            .into_iter()
            .find_map(|(mark, rule)| Some((line.strip_prefix(mark)?, rule)));
        if let Some((h, rule)) = heading {
            flush(&mut block, columns, &mut out);
            out.push_str(&format!("{}\n", style::heading(h)));
            if rule != ' ' {
                out.push_str(&format!(
                    "{}\n",
                    rule.to_string().repeat(width::of(h))
                ));
            }
        } else if line.trim().is_empty() {
            flush(&mut block, columns, &mut out);
            out.push('\n');
        } else if let Some(q) = line.strip_prefix('>') {
            let q = q.strip_prefix(' ').unwrap_or(q);
            match &mut block {
                _ if q.trim().is_empty() => {
                    flush(&mut block, columns, &mut out);
                    out.push_str(QUOTE.trim_end());
                    out.push('\n');
                }
                Some(b) if b.quote => b.push(q),
                _ => {
                    flush(&mut block, columns, &mut out);
                    block = Some(Block::new(QUOTE, QUOTE, true, q));
                }
            }
        } else if let Some((marker, rest)) = list_item(line) {
            flush(&mut block, columns, &mut out);
            let hang = " ".repeat(width::of(&marker));
            block = Some(Block::new(&marker, &hang, false, rest));
        } else if line.starts_with("<!--") {
            flush(&mut block, columns, &mut out);
            out.push_str(line);
            out.push('\n');
        } else {
            match &mut block {
                Some(b) if !b.quote => b.push(line.trim_start()),
                _ => {
                    flush(&mut block, columns, &mut out);
                    block = Some(Block::new("", "", false, line));
                }
            }
        }
    }
    flush(&mut block, columns, &mut out);
    out
}

/// What starts each line of a quote.
const QUOTE: &str = "  │ ";

/// A paragraph, list item or quote, read whole before it is wrapped.
struct Block {
    /// Printed before the first line (`- `, `1. `, or the quote bar).
    first: String,
    /// Printed before every other line.
    rest: String,
    quote: bool,
    text: String,
}

impl Block {
    fn new(first: &str, rest: &str, quote: bool, text: &str) -> Block {
        Block {
            first: first.to_string(),
            rest: rest.to_string(),
            quote,
            text: text.trim().to_string(),
        }
    }

    /// Adds a source line. A line break is a space, except between two
    /// CJK characters: Chinese has no spaces between words.
    fn push(&mut self, line: &str) {
        let line = line.trim();
        let wide = |c: Option<char>| c.is_some_and(|c| width::of_char(c) > 1);
        if !(wide(self.text.chars().last()) && wide(line.chars().next())) {
            self.text.push(' ');
        }
        self.text.push_str(line);
    }
}

/// Renders and clears the block being read, if any.
fn flush(block: &mut Option<Block>, columns: usize, out: &mut String) {
    if let Some(b) = block.take() {
        out.push_str(&wrap_spans(&b, &spans(&b.text), columns));
    }
}

/// `- text`, `* text` or `12. text` → (`"- "`, `"text"`).
fn list_item(line: &str) -> Option<(String, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or(line.strip_prefix("* ")) {
        return Some((line[..2].to_string(), rest));
    }
    let digits = line.find(|c: char| !c.is_ascii_digit())?;
    let rest = line[digits..].strip_prefix(". ")?;
    (digits > 0).then(|| (format!("{}. ", &line[..digits]), rest))
}

/// How a piece of inline text looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Plain,
    Bold,
    Italic,
    /// `` `code` ``: never broken across lines.
    Code,
    /// A link's address: never broken either.
    Url,
}

/// `**bold**`, `*italic*`, `` `code` ``, `[text](url)` → spans of text
/// with their kind. Markers without a partner are left as they are.
fn spans(text: &str) -> Vec<(String, Kind)> {
    let mut out: Vec<(String, Kind)> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let push = |out: &mut Vec<(String, Kind)>, s: &str, kind| {
        out.push((s.to_string(), kind));
    };
    while let Some(start) = rest.find(['*', '`', '[']) {
        plain.push_str(&rest[..start]);
        let tail = &rest[start..];
        let found = if let Some(inner) = tail.strip_prefix("**")
            && let Some(end) = inner.find("**")
        {
            Some((&inner[..end], Kind::Bold, &inner[end + 2..]))
        } else if let Some(inner) = tail.strip_prefix('*')
            && let Some(end) = emphasis_end(inner)
        {
            Some((&inner[..end], Kind::Italic, &inner[end + 1..]))
        } else if let Some(inner) = tail.strip_prefix('`')
            && let Some(end) = inner.find('`')
        {
            Some((&inner[..end], Kind::Code, &inner[end + 1..]))
        } else if let Some(inner) = tail.strip_prefix('[')
            && let Some(mid) = inner.find("](")
            && let Some(end) = inner[mid..].find(')')
        {
            // The link text as text, then the address, never broken.
            plain.push_str(&inner[..mid]);
            plain.push_str(" (");
            push(&mut out, &std::mem::take(&mut plain), Kind::Plain);
            push(&mut out, &inner[mid + 2..mid + end], Kind::Url);
            plain.push(')');
            rest = &inner[mid + end + 1..];
            continue;
        } else {
            None
        };
        match found {
            Some((inner, kind, after)) => {
                push(&mut out, &std::mem::take(&mut plain), Kind::Plain);
                push(&mut out, inner, kind);
                rest = after;
            }
            None => {
                plain.push_str(&tail[..1]);
                rest = &tail[1..];
            }
        }
    }
    plain.push_str(rest);
    push(&mut out, &plain, Kind::Plain);
    out.retain(|(text, _)| !text.is_empty());
    out
}

/// Where a `*emphasis*` closes: the text must not start or end with a
/// space, so `2 * 3 * 4` stays as it is.
fn emphasis_end(inner: &str) -> Option<usize> {
    if inner.starts_with([' ', '*']) {
        return None;
    }
    let end = inner.find('*')?;
    (end > 0 && !inner[..end].ends_with(' ')).then_some(end)
}

/// One unbreakable piece of a line: a word, a CJK character, or a whole
/// code span.
struct Atom {
    text: String,
    kind: Kind,
    /// A space separates it from the atom before.
    space: bool,
    /// A line may break before it (after a space, or between CJK
    /// characters).
    breaks: bool,
}

/// Cuts spans into atoms.
fn atoms(spans: &[(String, Kind)]) -> Vec<Atom> {
    // Without colour a code span keeps its backticks, so "it added
    // `from`" keeps its object.
    let marks = !colored::control::SHOULD_COLORIZE.should_colorize();
    let mut out: Vec<Atom> = Vec::new();
    let mut space = false;
    for (text, kind) in spans {
        if matches!(kind, Kind::Code | Kind::Url) {
            let text = if marks && *kind == Kind::Code {
                format!("`{text}`")
            } else {
                text.clone()
            };
            out.push(Atom {
                text,
                kind: *kind,
                space,
                breaks: space,
            });
            space = false;
            continue;
        }
        let mut word = String::new();
        for c in text.chars() {
            if c.is_whitespace() {
                if !word.is_empty() {
                    out.push(Atom {
                        text: std::mem::take(&mut word),
                        kind: *kind,
                        space,
                        breaks: space,
                    });
                }
                space = true;
            } else if width::of_char(c) > 1 {
                // A CJK character stands alone; a line may break before
                // it, but not before closing punctuation.
                if !word.is_empty() {
                    out.push(Atom {
                        text: std::mem::take(&mut word),
                        kind: *kind,
                        space,
                        breaks: space,
                    });
                    space = false;
                }
                let closing = "，。、：；！？）」』》".contains(c);
                let after_cjk = out.last().is_some_and(|a| {
                    a.text.chars().any(|c| width::of_char(c) > 1)
                });
                out.push(Atom {
                    text: c.to_string(),
                    kind: *kind,
                    space,
                    breaks: space || (after_cjk && !closing),
                });
                space = false;
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            out.push(Atom {
                text: word,
                kind: *kind,
                space,
                breaks: space,
            });
            space = false;
        }
    }
    out
}

/// Lays the block's spans out in lines of at most `columns`, prefixes
/// included. A unit (atoms with no break between them) longer than a line
/// is not cut: it goes on a line of its own.
fn wrap_spans(b: &Block, spans: &[(String, Kind)], columns: usize) -> String {
    // Units: runs of atoms joined without a possible break.
    let mut units: Vec<Vec<Atom>> = Vec::new();
    for atom in atoms(spans) {
        match units.last_mut() {
            Some(unit) if !atom.breaks => unit.push(atom),
            _ => units.push(vec![atom]),
        }
    }
    let unit_width = |unit: &[Atom]| -> usize {
        unit.iter()
            .enumerate()
            .map(|(i, a)| width::of(&a.text) + usize::from(i > 0 && a.space))
            .sum()
    };
    let mut out = b.first.clone();
    let mut column = width::of(&b.first);
    let mut empty = true;
    for unit in &units {
        let w = unit_width(unit);
        let space = usize::from(unit[0].space && !empty);
        if !empty && column + space + w > columns {
            out.push('\n');
            out.push_str(&b.rest);
            column = width::of(&b.rest);
            empty = true;
        }
        for (i, atom) in unit.iter().enumerate() {
            if atom.space && !(empty && i == 0) {
                out.push(' ');
                column += 1;
            }
            out.push_str(&paint(&atom.text, atom.kind, b.quote));
            column += width::of(&atom.text);
        }
        empty = false;
    }
    out.push('\n');
    out
}

/// Colours an atom (nothing happens when colour is off).
fn paint(text: &str, kind: Kind, quote: bool) -> String {
    let styled = match kind {
        Kind::Plain => text.normal(),
        Kind::Bold => text.bold(),
        Kind::Italic => text.italic(),
        Kind::Code => style::code(text),
        Kind::Url => text.underline(),
    };
    if quote {
        styled.italic().to_string()
    } else {
        styled.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(md: &str, columns: usize) -> String {
        colored::control::set_override(false);
        render_at(md, columns)
    }

    #[test]
    fn renders_the_subset_without_colour() {
        let md = "# Title\n\nSome **bold** and `code`, a [link](http://x) *it*.\n\
                  > quoted\n```text\nverbatim *stays*\n```\n- item";
        let out = plain(md, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Title");
        assert_eq!(lines[1], "═════");
        assert_eq!(lines[3], "Some bold and `code`, a link (http://x) it.");
        assert_eq!(lines[4], "  │ quoted");
        assert_eq!(lines[5], "    verbatim *stays*");
        assert_eq!(lines[6], "- item");
    }

    #[test]
    fn unpaired_markers_survive() {
        assert_eq!(plain("2 * 3 and `x and [y", 80), "2 * 3 and `x and [y\n");
        assert_eq!(plain("2 * 3 * 4, a*", 80), "2 * 3 * 4, a*\n");
    }

    #[test]
    fn spans_cross_line_breaks() {
        // Lesson 7's last exercise, lesson 10's UDP paragraph.
        let md = "open it with `netlab dissect\nlo.pcapng --summary` and *read\nit*.";
        assert_eq!(
            plain(md, 80),
            "open it with `netlab dissect lo.pcapng --summary` and read it.\n"
        );
    }

    #[test]
    fn inline_code_keeps_its_object_without_colour() {
        let md = "The server added `from`, alice's full address.";
        assert!(plain(md, 80).contains("added `from`, alice's"));
    }

    #[test]
    fn commands_are_never_wrapped() {
        let command = "`setcap cap_net_raw,cap_net_admin=eip \
                       target/release/netlab-and-a-long-path`";
        let md = format!("Run {command} as root, then try again.");
        let out = plain(&md, 40);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Run");
        assert_eq!(lines[1], command);
        assert_eq!(lines[2], "as root, then try again.");
    }

    #[test]
    fn paragraphs_wrap_at_the_width_with_hanging_lists() {
        let md = "- one two three four five six seven\n  eight nine ten";
        let out = plain(md, 20);
        for line in out.lines() {
            assert!(width::of(line) <= 20, "{line}");
        }
        assert!(out.lines().skip(1).all(|l| l.starts_with("  ")), "{out}");
        assert_eq!(out.split_whitespace().count(), 11);
    }

    #[test]
    fn cjk_wraps_between_characters_not_before_punctuation() {
        let md =
            "> 即时通讯技术支持用户在线实时交谈，有许多的IM系统，\n> 如AOL。";
        let out = plain(md, 20);
        for line in out.lines() {
            assert!(width::of(line) <= 20, "{line}");
            assert!(line.starts_with("  │ "), "{line}");
            assert!(!line.starts_with("  │ ，"), "{line}");
        }
        // The two source lines join without a space.
        assert!(out.replace("\n  │ ", "").contains("系统，如AOL。"), "{out}");
    }

    #[test]
    fn cjk_headings_get_double_width_rules() {
        assert_eq!(plain("# Socket机制", 80), "Socket机制\n══════════\n");
    }
}
