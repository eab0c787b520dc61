//! The message catalogue: the sentences the demos and tools compose in
//! code (a socket error's why and fix, lesson 8's attempts, the player's
//! own words, the worked answers), in English and in Chinese.
//!
//! The messages are [Project Fluent] files, one per area, in
//! `locales/en/` and `locales/zh/`: a translator edits a text file, not
//! Rust, and a sentence keeps its placeholders where each language wants
//! them (`{ $addr } 已被另一个套接字占用` / `another socket already holds
//! { $addr }`). The files are compiled into the program
//! (`include_str!`), so `netlab` needs nothing beside itself.
//!
//! Code asks for a message by its id with [`tr!`](crate::tr):
//!
//! ```
//! netlab::lang::set(netlab::lang::Lang::Zh);
//! let fix = netlab::tr!("errno-eaddrnotavail-fix");
//! assert!(fix.contains("127.0.0.1"));
//! ```
//!
//! Two choices differ from Fluent's defaults, both for the terminal:
//! placeables are not wrapped in Unicode isolation marks (they are for
//! right-to-left scripts, and would count as characters when the
//! renderer measures widths), and a message written over several lines
//! of its file is one paragraph: its line breaks become a space, or
//! nothing between Chinese characters, and the renderer wraps it.
//!
//! A missing Chinese message falls back to the English one; the tests
//! below fail on a message missing in either language, on a variable
//! one side uses and the other does not, and on an id the code asks for
//! that no file defines.
//!
//! Read before: [`super`] (which language is current).
//!
//! [Project Fluent]: https://projectfluent.org/fluent/guide/

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};

pub use fluent_bundle::FluentValue as Value;

use super::Lang;

/// Every file of the catalogue: its name, then its English and Chinese
/// text.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "answers",
        include_str!("../../locales/en/answers.ftl"),
        include_str!("../../locales/zh/answers.ftl"),
    ),
    (
        "capture",
        include_str!("../../locales/en/capture.ftl"),
        include_str!("../../locales/zh/capture.ftl"),
    ),
    (
        "dissect",
        include_str!("../../locales/en/dissect.ftl"),
        include_str!("../../locales/zh/dissect.ftl"),
    ),
    (
        "compare",
        include_str!("../../locales/en/compare.ftl"),
        include_str!("../../locales/zh/compare.ftl"),
    ),
    (
        "glossary",
        include_str!("../../locales/en/glossary.ftl"),
        include_str!("../../locales/zh/glossary.ftl"),
    ),
    (
        "ladder",
        include_str!("../../locales/en/ladder.ftl"),
        include_str!("../../locales/zh/ladder.ftl"),
    ),
    (
        "lesson01",
        include_str!("../../locales/en/lesson01.ftl"),
        include_str!("../../locales/zh/lesson01.ftl"),
    ),
    (
        "lesson02",
        include_str!("../../locales/en/lesson02.ftl"),
        include_str!("../../locales/zh/lesson02.ftl"),
    ),
    (
        "lesson03",
        include_str!("../../locales/en/lesson03.ftl"),
        include_str!("../../locales/zh/lesson03.ftl"),
    ),
    (
        "lesson04",
        include_str!("../../locales/en/lesson04.ftl"),
        include_str!("../../locales/zh/lesson04.ftl"),
    ),
    (
        "lesson05",
        include_str!("../../locales/en/lesson05.ftl"),
        include_str!("../../locales/zh/lesson05.ftl"),
    ),
    (
        "lesson06",
        include_str!("../../locales/en/lesson06.ftl"),
        include_str!("../../locales/zh/lesson06.ftl"),
    ),
    (
        "lesson07",
        include_str!("../../locales/en/lesson07.ftl"),
        include_str!("../../locales/zh/lesson07.ftl"),
    ),
    (
        "lesson08",
        include_str!("../../locales/en/lesson08.ftl"),
        include_str!("../../locales/zh/lesson08.ftl"),
    ),
    (
        "lesson09",
        include_str!("../../locales/en/lesson09.ftl"),
        include_str!("../../locales/zh/lesson09.ftl"),
    ),
    (
        "player",
        include_str!("../../locales/en/player.ftl"),
        include_str!("../../locales/zh/player.ftl"),
    ),
    (
        "privileges",
        include_str!("../../locales/en/privileges.ftl"),
        include_str!("../../locales/zh/privileges.ftl"),
    ),
    (
        "sockets",
        include_str!("../../locales/en/sockets.ftl"),
        include_str!("../../locales/zh/sockets.ftl"),
    ),
    (
        "walkthrough",
        include_str!("../../locales/en/walkthrough.ftl"),
        include_str!("../../locales/zh/walkthrough.ftl"),
    ),
    (
        "wire",
        include_str!("../../locales/en/wire.ftl"),
        include_str!("../../locales/zh/wire.ftl"),
    ),
];

/// Asks the catalogue for a message in the current language:
/// `tr!("id")`, or `tr!("id", name = value, …)` for one with variables
/// (`{ $name }` in the file). Values are strings or numbers.
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::lang::catalogue::text($id, &[])
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::lang::catalogue::text(
            $id,
            &[$((
                stringify!($name),
                $crate::lang::catalogue::Value::from($value),
            )),+],
        )
    };
}

/// A message worded once with holes where its variables go, to be filled
/// many times: `template!(` with the message's id, a [`Lang`] and the
/// names of its variables in brackets gives a `&'static` [`Template`],
/// built on first use for each language.
///
/// For a sentence a tool writes for every frame of a capture (`netlab
/// dissect` on a file cut by a snapshot length writes one per frame):
/// filling a template copies its pieces and writes the values, where
/// [`text`] would ask Fluent to resolve the message each time.
#[macro_export]
macro_rules! template {
    ($id:literal, $lang:expr, [$($name:literal),* $(,)?]) => {{
        static MADE: [::std::sync::OnceLock<$crate::lang::catalogue::Template>;
            2] = [::std::sync::OnceLock::new(), ::std::sync::OnceLock::new()];
        let lang: $crate::lang::Lang = $lang;
        MADE[lang as usize].get_or_init(|| {
            $crate::lang::catalogue::Template::new(lang, $id, &[$($name),*])
        })
    }};
}

/// A message split at its variables; see [`template!`](crate::template).
///
/// Only for messages that write their variables as they are: a variable
/// a message selects on (`{ $n -> … }`) is a hole here, not a choice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// A piece of a [`Template`]: words, or the hole of the `n`th variable.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Words(String),
    Hole(usize),
}

/// The first of the characters that mark the holes while the message is
/// worded: Unicode's private use area, which no message of ours uses.
const HOLE: u32 = 0xE000;

impl Template {
    /// The message `id` in `lang`, with a hole for each of `names`, its
    /// variables, numbered in that order.
    pub fn new(lang: Lang, id: &str, names: &[&str]) -> Template {
        let markers: Vec<String> = (0..names.len())
            .map(|n| {
                char::from_u32(HOLE + n as u32)
                    .expect("a few holes stay inside the private use area")
                    .to_string()
            })
            .collect();
        let args: Vec<(&str, Value<'_>)> = names
            .iter()
            .zip(&markers)
            .map(|(name, marker)| (*name, Value::from(marker.as_str())))
            .collect();
        let worded = text_in(lang, id, &args);
        let mut pieces = Vec::new();
        let mut words = String::new();
        for c in worded.chars() {
            let hole = (c as u32).wrapping_sub(HOLE) as usize;
            if hole < names.len() {
                if !words.is_empty() {
                    pieces.push(Piece::Words(std::mem::take(&mut words)));
                }
                pieces.push(Piece::Hole(hole));
            } else {
                words.push(c);
            }
        }
        if !words.is_empty() {
            pieces.push(Piece::Words(words));
        }
        Template { pieces }
    }

    /// Writes the message with `values` in its holes, in the order of the
    /// names it was made with.
    pub fn write(
        &self,
        out: &mut dyn std::fmt::Write,
        values: &[&dyn std::fmt::Display],
    ) -> std::fmt::Result {
        for piece in &self.pieces {
            match piece {
                Piece::Words(words) => out.write_str(words)?,
                Piece::Hole(n) => {
                    if let Some(value) = values.get(*n) {
                        write!(out, "{value}")?;
                    }
                }
            }
        }
        Ok(())
    }

    /// The message with `values` in its holes, to be written with
    /// `Display` (into any writer, without a `String` in between).
    pub fn filled<'a>(
        &'a self,
        values: &'a [&'a dyn std::fmt::Display],
    ) -> Filled<'a> {
        Filled {
            template: self,
            values,
        }
    }

    /// [`Template::write`] into a new `String`.
    pub fn fill(&self, values: &[&dyn std::fmt::Display]) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = self.write(&mut out, values);
        out
    }
}

/// A [`Template`] with its values; see [`Template::filled`].
pub struct Filled<'a> {
    template: &'a Template,
    values: &'a [&'a dyn std::fmt::Display],
}

impl std::fmt::Display for Filled<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.template.write(f, self.values)
    }
}

/// The message `id` in the current language, with `args` in place.
pub fn text(id: &str, args: &[(&str, Value<'_>)]) -> String {
    text_in(super::current(), id, args)
}

/// The message `id` in `lang`: the English one if `lang` lacks it, the
/// id itself if no language has it (the tests make sure none is missing).
pub fn text_in(lang: Lang, id: &str, args: &[(&str, Value<'_>)]) -> String {
    let bundle = bundle(lang);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return match lang {
            Lang::En => id.to_owned(),
            Lang::Zh => text_in(Lang::En, id, args),
        };
    };
    let mut values = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        values.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let formatted = bundle.format_pattern(pattern, Some(&values), &mut errors);
    if !errors.is_empty() {
        tracing::warn!("message {id}: {errors:?}");
    }
    one_paragraph(&formatted)
}

/// A message's lines joined into one paragraph: a space where the break
/// was, except between two Chinese characters (two columns wide) and next
/// to full-width punctuation, which carries its own space. (A Latin word
/// among Chinese keeps a space on each side, as mainland typesetting
/// does in mixed text.)
pub(crate) fn one_paragraph(text: &str) -> String {
    let wide = |c: Option<char>| {
        c.and_then(unicode_width::UnicodeWidthChar::width) == Some(2)
    };
    // CJK Symbols and Punctuation (、。「」…), full-width forms (，：；（）).
    let punctuation = |c: Option<char>| {
        c.is_some_and(|c| {
            ('\u{3000}'..='\u{303f}').contains(&c)
                || ('\u{ff00}'..='\u{ff65}').contains(&c)
                || "“”‘’…—".contains(c)
        })
    };
    let mut out = String::with_capacity(text.len());
    let last = text.matches('\n').count();
    for (i, line) in text.split('\n').enumerate() {
        // Spaces around a break go; a message's own outer spaces (`{" "}`
        // in the file) stay.
        let line = if i > 0 { line.trim_start() } else { line };
        let line = if i < last { line.trim_end() } else { line };
        let (before, after) = (out.chars().last(), line.chars().next());
        let glued = (wide(before) && wide(after))
            || punctuation(before)
            || punctuation(after);
        if i > 0 && !line.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// The bundle of `lang`, built on first use.
fn bundle(lang: Lang) -> &'static FluentBundle<FluentResource> {
    static EN: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    static ZH: OnceLock<FluentBundle<FluentResource>> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| build(Lang::En)),
        Lang::Zh => ZH.get_or_init(|| build(Lang::Zh)),
    }
}

fn build(lang: Lang) -> FluentBundle<FluentResource> {
    let id = match lang {
        Lang::En => unic_langid::langid!("en"),
        Lang::Zh => unic_langid::langid!("zh-CN"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    for (name, en, zh) in FILES {
        let source = match lang {
            Lang::En => en,
            Lang::Zh => zh,
        };
        // A file with a syntax error still yields the messages around
        // it; the tests make sure there is none.
        let resource = FluentResource::try_new((*source).to_owned())
            .unwrap_or_else(|(resource, errors)| {
                tracing::warn!(
                    "locales/{}/{name}.ftl: {errors:?}",
                    lang.code()
                );
                resource
            });
        if let Err(errors) = bundle.add_resource(resource) {
            tracing::warn!("locales/{}/{name}.ftl: {errors:?}", lang.code());
        }
    }
    bundle
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use fluent_syntax::ast;

    use super::*;

    /// Each message of a file, with the variables its value uses.
    fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
        let resource = fluent_syntax::parser::parse(source)
            .unwrap_or_else(|(_, errors)| panic!("{errors:?}"));
        let mut found = BTreeMap::new();
        for entry in resource.body {
            if let ast::Entry::Message(message) = entry {
                let mut variables = BTreeSet::new();
                if let Some(pattern) = &message.value {
                    variables_in(pattern, &mut variables);
                }
                found.insert(message.id.name.to_owned(), variables);
            }
        }
        found
    }

    fn variables_in(pattern: &ast::Pattern<&str>, out: &mut BTreeSet<String>) {
        for element in &pattern.elements {
            if let ast::PatternElement::Placeable { expression } = element {
                expression_variables(expression, out);
            }
        }
    }

    fn expression_variables(
        expression: &ast::Expression<&str>,
        out: &mut BTreeSet<String>,
    ) {
        match expression {
            ast::Expression::Inline(inline) => inline_variables(inline, out),
            ast::Expression::Select { selector, variants } => {
                inline_variables(selector, out);
                for variant in variants {
                    variables_in(&variant.value, out);
                }
            }
        }
    }

    fn inline_variables(
        inline: &ast::InlineExpression<&str>,
        out: &mut BTreeSet<String>,
    ) {
        match inline {
            ast::InlineExpression::VariableReference { id } => {
                out.insert(id.name.to_owned());
            }
            ast::InlineExpression::Placeable { expression } => {
                expression_variables(expression, out);
            }
            _ => {}
        }
    }

    #[test]
    fn both_languages_have_the_same_messages_and_chinese_no_other_variables() {
        for (name, en, zh) in FILES {
            let (en, zh) = (messages(en), messages(zh));
            let ids = |m: &BTreeMap<String, _>| m.keys().cloned().collect();
            let (en_ids, zh_ids): (BTreeSet<String>, BTreeSet<String>) =
                (ids(&en), ids(&zh));
            assert_eq!(
                en_ids.difference(&zh_ids).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{name}.ftl: only in English"
            );
            assert_eq!(
                zh_ids.difference(&en_ids).collect::<Vec<_>>(),
                Vec::<&String>::new(),
                "{name}.ftl: only in Chinese"
            );
            // The code passes the same variables whatever the language;
            // a translation may leave one out (Chinese names a lesson by
            // the article's heading, not by its English title), never use
            // one the English does not.
            for (id, variables) in &zh {
                let extra: Vec<_> = variables.difference(&en[id]).collect();
                assert!(extra.is_empty(), "{name}.ftl: {id} uses {extra:?}");
            }
        }
    }

    /// Every `tr!("id"` in the source names a message, and every message
    /// is asked for somewhere. `rule!("id"` asks too (it is how `wire/`
    /// names the message of a broken rule, worded later: `wire::rule`),
    /// and so does `template!("id"`.
    #[test]
    fn every_id_the_code_asks_for_exists_and_every_message_is_used() {
        let mut defined = BTreeSet::new();
        for (_, en, _) in FILES {
            defined.extend(messages(en).into_keys());
        }
        let mut asked = BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).expect("src is readable") {
                let path = entry.expect("an entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs")
                    // This file's docs show the macro with made-up ids.
                    && !path.ends_with("lang/catalogue.rs")
                {
                    let code = std::fs::read_to_string(&path).expect("utf-8");
                    for macro_call in ["tr!(", "rule!(", "template!("] {
                        let mut pieces = code.split(macro_call);
                        let mut before = pieces.next().unwrap_or_default();
                        for piece in pieces {
                            // `tr!`, not `include_str!` or `attr!`.
                            let whole = !before.ends_with(|c: char| {
                                c.is_alphanumeric() || c == '_'
                            });
                            let id = piece.trim_start().strip_prefix('"');
                            if whole
                                && let Some((id, _)) =
                                    id.and_then(|p| p.split_once('"'))
                            {
                                asked.insert(id.to_owned());
                            }
                            before = piece;
                        }
                    }
                }
            }
        }
        let missing: Vec<_> = asked.difference(&defined).collect();
        assert!(missing.is_empty(), "asked for, not defined: {missing:?}");
        let unused: Vec<_> = defined.difference(&asked).collect();
        assert!(unused.is_empty(), "defined, never asked for: {unused:?}");
    }

    #[test]
    fn lines_of_a_message_are_one_paragraph() {
        assert_eq!(one_paragraph("bind an\naddress"), "bind an address");
        assert_eq!(one_paragraph(" then "), " then ");
        assert_eq!(one_paragraph("绑定一个\n地址"), "绑定一个地址");
        assert_eq!(one_paragraph("绑定\n127.0.0.1"), "绑定 127.0.0.1");
        assert_eq!(
            one_paragraph("新的）；\naccept 队列"),
            "新的）；accept 队列"
        );
        assert_eq!(one_paragraph("ESTABLISHED\n（队列"), "ESTABLISHED（队列");
    }

    #[test]
    fn a_template_writes_what_the_message_says() {
        let args = [("addr", Value::from("127.0.0.1:7"))];
        for lang in [Lang::En, Lang::Zh] {
            let template =
                Template::new(lang, "errno-econnrefused-why", &["addr"]);
            assert_eq!(
                template.fill(&[&"127.0.0.1:7"]),
                text_in(lang, "errno-econnrefused-why", &args)
            );
        }
    }

    #[test]
    fn variables_land_without_isolation_marks() {
        let shown = text_in(
            Lang::En,
            "errno-econnrefused-why",
            &[("addr", Value::from("127.0.0.1:7"))],
        );
        assert!(shown.starts_with("nothing is listening on 127.0.0.1:7:"));
        assert!(!shown.contains('\u{2068}'), "{shown:?}");
    }
}
