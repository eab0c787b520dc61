//! The words every lesson's worked answers share: what an answer says
//! when its step did not run, and lists ("alice and bob", "alice 和
//! bob") joined the way the current language joins them.
//!
//! The answers themselves are composed in each `lessonNN.rs` from the
//! message catalogue (`locales/*/answers.ftl`); a list is joined here
//! first and handed to the message as one string, because Fluent has no
//! list formatting of its own.
//!
//! Read before: `crate::lang::catalogue` (how a message is asked for).
//! Book: `book/src/introduction.md` (`--answers`). Run: `netlab lesson 1
//! --answers --lang zh`.

/// What an answer says when the step it is worked from did not run.
pub fn not_run() -> String {
    crate::tr!("answer-not-run")
}

/// Sentences (each already a message) as one paragraph: a space between
/// two, none after a Chinese full stop, which carries its own.
pub fn sentences(parts: &[String]) -> String {
    crate::lang::catalogue::one_paragraph(&parts.join("\n"))
}

/// `a`, `a and b`, `a, b and c` (`a、b 和 c` in Chinese); empty for none,
/// so the caller says what "none" means in its sentence.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => crate::tr!(
            "answer-list-and",
            first = comma_list(rest),
            last = last.as_str()
        ),
    }
}

/// `a, b, c` (`a、b、c` in Chinese).
pub fn comma_list(items: &[String]) -> String {
    let mut items = items.iter();
    let Some(first) = items.next() else {
        return String::new();
    };
    items.fold(first.clone(), |joined, next| {
        crate::tr!("answer-list-comma", first = joined, next = next.as_str())
    })
}

/// Each item as inline code: `` `a` ``.
pub fn code(items: &[String]) -> Vec<String> {
    items.iter().map(|i| format!("`{i}`")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|i| (*i).to_owned()).collect()
    }

    /// Both languages in one test: the language is process-wide, and
    /// tests run in parallel threads.
    #[test]
    fn lists_read_as_each_language_writes_them() {
        use crate::lang::{Lang, catalogue::text_in};
        let en = |id: &str, first: &str, other: (&str, &str)| {
            text_in(
                Lang::En,
                id,
                &[("first", first.into()), (other.0, other.1.into())],
            )
        };
        assert_eq!(en("answer-list-and", "a, b", ("last", "c")), "a, b and c");
        assert_eq!(en("answer-list-comma", "a", ("next", "b")), "a, b");
        let zh = |id: &str, first: &str, other: (&str, &str)| {
            text_in(
                Lang::Zh,
                id,
                &[("first", first.into()), (other.0, other.1.into())],
            )
        };
        assert_eq!(zh("answer-list-and", "a、b", ("last", "c")), "a、b 和 c");
        assert_eq!(zh("answer-list-comma", "a", ("next", "b")), "a、b");
        // No space between 和 and full-width punctuation.
        assert_eq!(
            zh("answer-list-and", "SHA-1（4096）", ("last", "SHA-256")),
            "SHA-1（4096）和 SHA-256"
        );
        // In English, the joiners as the lessons use them.
        assert_eq!(and_list(&[]), "");
        assert_eq!(and_list(&list(&["a"])), "a");
        assert_eq!(comma_list(&list(&["a", "b", "c"])), "a, b, c");
        assert_eq!(code(&list(&["a"])), ["`a`"]);
    }
}
