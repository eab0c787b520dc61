//! The rule a malformed header breaks, kept as a message of the
//! catalogue and its values, not as a sentence.
//!
//! A parser that finds a bad field says which rule it broke with
//! `rule!`: `rule!("wire-ipv4-ihl", length = 16, minimum = 20)` names
//! the message `wire-ipv4-ihl` of `locales/{en,zh}/wire.ftl` and the
//! values that go into it. Nothing is formatted then: the words are
//! chosen when someone reads the error, in the language of the run
//! ([`Rule`]'s `Display`), or in the one a caller asks for
//! ([`Rule::text_in`]; the JSON of `netlab dissect --json` is for
//! programs and always says it in English).
//!
//! Two reasons for the delay. The language: parsers must not depend on
//! who reads them (`wire/` never prints). And the cost: parsers run over
//! millions of frames, some of them try a layer that is not there (a
//! TCP payload that is not a TLS record), and a refused header should
//! cost a pointer and a few numbers, not a sentence nobody shows. The id
//! is a `&'static str`, numbers are numbers; text from the packet (a DNS
//! label, an address) is the only thing copied.
//!
//! The catalogue's tests read the id after each `rule!(` in the source,
//! as they do after each `tr!(`, so a rule without a message (or a
//! message no rule names) fails them.
//!
//! Read before: [`super::Error`], `lang::catalogue`. Book:
//! `book/src/lesson-07.md`. Run: `netlab dissect --lang zh FILE`.

use std::borrow::Cow;
use std::fmt;

use crate::lang::{self, Lang, catalogue};

/// A broken rule: the id of its message in the catalogue and the values
/// its placeholders take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    id: &'static str,
    // A boxed slice, not a `Vec`: two words in the error instead of
    // three, and no allocation at all for a rule without values.
    args: Box<[(&'static str, Arg)]>,
}

/// A value of a [`Rule`]: a number the message writes in decimal, or
/// text written as is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A count, a length, a byte position.
    Num(u64),
    /// Anything else: a name, an address, a number in hex.
    Text(Cow<'static, str>),
}

/// A [`Rule`]: `rule!(` then the id of its message in
/// `locales/*/wire.ftl` as a literal, then `name = value` for each
/// `{ $name }` of the message (a number, a `&'static str` or a `String`).
macro_rules! rule {
    ($id:literal) => {
        $crate::wire::rule::Rule::new($id, Box::new([]))
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::wire::rule::Rule::new(
            $id,
            Box::new([$((
                stringify!($name),
                $crate::wire::rule::Arg::from($value),
            )),+]),
        )
    };
}
pub(crate) use rule;

impl Rule {
    /// The rule whose message is `id`, with `args`; see `rule!`.
    pub fn new(id: &'static str, args: Box<[(&'static str, Arg)]>) -> Rule {
        Rule { id, args }
    }

    /// The id of the rule's message.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// The rule in words, in `lang`: "header length 16 is below the
    /// minimum of 20".
    pub fn text_in(&self, lang: Lang) -> String {
        let args: Vec<(&str, catalogue::Value<'_>)> = self
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Num(n) => catalogue::Value::from(*n),
                    Arg::Text(text) => catalogue::Value::from(&**text),
                };
                (*name, value)
            })
            .collect();
        catalogue::text_in(lang, self.id, &args)
    }
}

impl fmt::Display for Rule {
    /// The rule in the language of the run.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text_in(lang::current()))
    }
}

macro_rules! number_arg {
    ($($t:ty)+) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Num(n as u64)
            }
        }
    )+};
}
number_arg!(u8 u16 u32 u64 usize);

impl From<&'static str> for Arg {
    fn from(text: &'static str) -> Arg {
        Arg::Text(Cow::Borrowed(text))
    }
}

impl From<String> for Arg {
    fn from(text: String) -> Arg {
        Arg::Text(Cow::Owned(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_worded_in_the_language_asked() {
        let rule = rule!("wire-ipv4-ihl", length = 16usize, minimum = 20u8);
        assert_eq!(
            rule.text_in(Lang::En),
            "header length 16 is below the minimum of 20"
        );
        assert_eq!(rule.text_in(Lang::Zh), "首部长度 16 小于最小值 20");
    }

    #[test]
    fn big_numbers_keep_every_digit() {
        let rule =
            rule!("wire-ipv6-payload-too-long", length = u64::from(u32::MAX));
        assert!(rule.text_in(Lang::En).contains("4294967295"));
    }
}
